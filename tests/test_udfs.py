"""The Excel formulas, called with exactly what Excel (through xlwings) hands over."""

import ast
import datetime as dt
import inspect
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention_xl import udfs
from retention_xl.excel import cells

NPS_EXAMPLE = [[10.0], [10.0], [9.0], [9.0], [9.0], [8.0], [7.0], [6.0], [2.0], [10.0]]


@pytest.fixture(autouse=True)
def classic_windows_runtime(monkeypatch):
    """Tests run as classic xlwings on Windows answers: errors as one line of text."""
    monkeypatch.delenv("RETENTION_XL_ERRORS", raising=False)


# ----------------------------------------------------------------- worked examples
def test_contract_examples_with_excel_values():
    assert udfs.CRR(10.0, 8.0, 0.0) == pytest.approx(0.8)
    assert udfs.CRR(2000.0, 2100.0, 300.0) == pytest.approx(0.9)
    assert udfs.CHURN(5.0, 150.0) == pytest.approx(5 / 150)
    assert udfs.CHURN([15.0, 4.0], 500.0) == pytest.approx(0.038)  # a row range
    assert udfs.CHURN([[20.0], [5.0]], 681.0) == pytest.approx(25 / 681)  # a column range
    assert udfs.CHURN_COST(15.0, 30000.0) == 450000
    assert udfs.REPEAT_RATE(900.0, 2000.0) == 0.45
    assert udfs.CLV(50.0, 4.0, 3.0) == 600
    assert udfs.CLV(50.0, 4.0, 3.0, 0.3, 40.0) == pytest.approx(140)
    assert udfs.CLV_DISCOUNTED(100.0, 0.8, 0.1) == pytest.approx(366.67, abs=0.005)
    assert udfs.CLV_DISCOUNTED(100.0, 0.8, 0.1, 3.0) == pytest.approx(225.62, abs=0.005)
    assert udfs.LIFESPAN(0.25) == 4
    assert udfs.NPS(NPS_EXAMPLE) == pytest.approx(40)


def test_ranges_ignore_blanks_text_and_booleans_like_average():
    scores = NPS_EXAMPLE + [[None], ["n/a"], [""], [True]]
    assert udfs.NPS(scores) == pytest.approx(40)
    assert udfs.CES([[1.0, None], ["skipped", 7.0]]) == 4
    assert udfs.AOV([[20.0], [None], [30.0], ["refunded"], [70.0]]) == 40
    assert udfs.CHURN([[15.0], [None], ["note"], [4.0]], 500.0) == pytest.approx(0.038)


def test_single_cell_range_arrives_as_scalar():
    assert udfs.NPS(9.0) == 100
    assert udfs.CSAT(4.0) == 1


def test_repeat_rate_from_a_range_of_ids():
    ids = [["C1"], ["C2"], [None], ["C1"], [17.0], [17.0], ["C3"]]  # C1 and 17 came back
    assert udfs.REPEAT_RATE(ids) == pytest.approx(0.5)


def test_optional_arguments_may_be_blank_cells():
    assert udfs.CLV(50.0, 4.0, 3.0, None, None) == 600
    assert udfs.NPS_MOE(NPS_EXAMPLE, None) == pytest.approx(udfs.NPS_MOE(NPS_EXAMPLE))
    assert udfs.CSAT([[5.0], [4.0], [1.0], [2.0]], None) == 0.5


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (lambda: udfs.CRR(0.0, 8.0, 0.0), "#DIV/0! start is 0"),
        (lambda: udfs.CRR("ten", 8.0, 0.0), '#VALUE! start must be a number, got the text "ten"'),
        (lambda: udfs.CRR(None, 8.0, 0.0), "#VALUE! start is blank"),
        (lambda: udfs.CRR(True, 8.0, 0.0), "#VALUE! start must be a number, got TRUE"),
        (lambda: udfs.CRR(dt.datetime(2024, 1, 1), 8.0, 0.0), "#VALUE! start must be a number, got the date 2024-01-01"),
        (lambda: udfs.CRR([[1.0], [2.0]], 8.0, 0.0), "#VALUE! start must be a single number, got a range of 2 cells"),
        (lambda: udfs.NPS([[9.0], [11.0]]), "#NUM! scores: score 11 (value 2)"),
        (lambda: udfs.NPS([[None], ["x"]]), "#DIV/0! scores: no scores"),
        (lambda: udfs.CHURN(-3.0, 10.0), "#NUM! lost cannot be negative, got -3"),
        (lambda: udfs.LIFESPAN(0.0), "#DIV/0! churn is 0"),
        (lambda: udfs.CES([[dt.datetime(2024, 5, 1)]]), "#VALUE! scores: cell 1 holds the date 2024-05-01"),
        (lambda: udfs.CRR(float("inf"), 8.0, 0.0), "#NUM! start must be a finite number"),
    ],
)
def test_errors_are_one_line_starting_with_the_code(result, expected):
    out = result()
    assert isinstance(out, str)
    assert out.startswith(expected)
    assert "\n" not in out and "Traceback" not in out


def test_overflowing_results_are_num_errors():
    assert udfs.CHURN_COST(1e308, 1e308).startswith("#NUM! the result is too large")


def test_error_values_from_other_cells_are_passed_on():
    assert udfs.NPS([[9.0], ["#N/A"], [10.0]]) == "#N/A"
    assert udfs.CRR("#REF!", 8.0, 0.0) == "#REF!"


def test_office_js_runtimes_get_bare_error_codes(monkeypatch):
    # xlwings Lite / Server turn an exact "#DIV/0!" into a genuine error value
    monkeypatch.setenv("RETENTION_XL_ERRORS", "value")
    assert udfs.CRR(0.0, 8.0, 0.0) == "#DIV/0!"
    assert udfs.NPS([[12.0]]) == "#NUM!"


def test_unexpected_problems_never_show_a_traceback(monkeypatch):
    def boom(*args):
        raise KeyError("internal")

    monkeypatch.setattr(udfs.metrics, "crr", boom)
    out = udfs.CRR(10.0, 8.0, 0.0)
    assert out.startswith("#VALUE! unexpected problem: KeyError")
    assert "\n" not in out


# ----------------------------------------------------------------- Excel metadata
def _decorators(name):
    tree = ast.parse(Path(inspect.getsourcefile(udfs)).read_text(encoding="utf-8"))
    fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    return fn.decorator_list


@pytest.mark.parametrize("name", udfs.__all__)
def test_every_formula_is_documented_for_the_function_wizard(name):
    func = getattr(udfs, name)
    doc = inspect.getdoc(func)
    assert doc and len(doc) <= 255, "Excel's function wizard shows at most 255 characters"
    params = list(inspect.signature(func).parameters)
    documented = {
        d.args[0].value
        for d in _decorators(name)
        if isinstance(d, ast.Call) and getattr(d.func, "attr", "") == "arg"
        and any(k.arg == "doc" for k in d.keywords)
    }
    assert documented == set(params)
    decorated_as_func = [
        d for d in _decorators(name) if getattr(getattr(d, "func", d), "attr", "") == "func"
    ]
    assert decorated_as_func, "missing @xw.func"
    kinds = {p.kind for p in inspect.signature(func).parameters.values()}
    assert kinds <= {inspect.Parameter.POSITIONAL_OR_KEYWORD}, "xlwings takes positional args only"


def test_contract_formulas_are_all_importable():
    contract = "CRR CHURN CHURN_COST REPEAT_RATE CLV CLV_DISCOUNTED LIFESPAN NPS NPS_MOE CSAT CES AOV PURCHASE_FREQUENCY COHORT"
    for name in contract.split():
        assert callable(getattr(udfs, name))


# ----------------------------------------------------------------- fuzzing
scalars = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10**6, 10**6).map(float),
    st.sampled_from([0.0, 1.0, 0.5, 9.0, 10.0, 11.0, -1.0, 1e308]),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(sorted(cells.EXCEL_ERRORS) + ["", " ", "12", "١٢", "n/a"]),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
)
ranges = st.one_of(
    st.lists(scalars, max_size=8),
    st.lists(st.lists(scalars, min_size=1, max_size=3), min_size=1, max_size=6),
)
excel_values = st.one_of(scalars, ranges)
RATES = {"CRR", "CHURN", "REPEAT_RATE", "CSAT"}


@given(name=st.sampled_from(udfs.__all__), data=st.data())
def test_any_excel_input_gives_a_number_in_range_or_an_error(name, data):
    func = getattr(udfs, name)
    params = inspect.signature(func).parameters.values()
    required = sum(p.default is inspect.Parameter.empty for p in params)
    n = data.draw(st.integers(required, len(params)))
    out = func(*[data.draw(excel_values) for _ in range(n)])
    if name == "COHORT" and isinstance(out, list):
        header, *rows = out
        assert header[:3] == ["Cohort", "Size", "P0"]
        assert all(len(r) == len(header) for r in rows)
        return
    if isinstance(out, str):
        code = out.split(" ", 1)[0]
        assert code in cells.EXCEL_ERRORS
        assert "\n" not in out and "Traceback" not in out
    else:
        assert isinstance(out, float)
        assert out == out and abs(out) != float("inf")
        if name in RATES:
            assert 0 <= out <= 1
        if name == "NPS":
            assert -100 <= out <= 100
        if name in {"NPS_MOE", "LIFESPAN", "CES", "PURCHASE_FREQUENCY"}:
            assert out >= 0


# ----------------------------------------------------------------- COHORT
COHORT_IDS = [["a"], ["a"], ["b"], ["b"], ["c"], [None], [None]]
COHORT_DATES = [
    [dt.datetime(2024, 1, 5)], [dt.datetime(2024, 3, 1)], [dt.datetime(2024, 1, 20)],
    [dt.datetime(2024, 2, 2)], [45332.0], [None], [None],  # 45332 = 2024-02-10 as a serial
]


def test_cohort_spills_retention_by_default():
    # a and b start in January; a is back in March, b in February; c starts in February
    assert udfs.COHORT(COHORT_IDS, COHORT_DATES) == [
        ["Cohort", "Size", "P0", "P1", "P2"],
        ["2024-01", 2.0, 1.0, 0.5, 0.5],
        ["2024-02", 1.0, 1.0, 0.0, ""],
    ]


def test_cohort_customers_and_revenue():
    assert udfs.COHORT(COHORT_IDS, COHORT_DATES, "M", "customers")[1] == ["2024-01", 2.0, 2.0, 1.0, 1.0]
    amounts = [[10.0], [20.0], [5.0], [5.0], [8.0], [None], [None]]
    assert udfs.COHORT(COHORT_IDS, COHORT_DATES, "M", "revenue", amounts)[1:] == [
        ["2024-01", 2.0, 15.0, 5.0, 20.0],
        ["2024-02", 1.0, 8.0, 0.0, ""],
    ]
    assert udfs.COHORT(COHORT_IDS, COHORT_DATES, "Q", "customers") == [
        ["Cohort", "Size", "P0"], ["2024-Q1", 3.0, 3.0]]


def test_cohort_reads_jalali_text_dates_and_persian_digits():
    out = udfs.COHORT([["a"], ["b"], ["a"]], [["۱۴۰۲/۱۰/۱۵"], ["1402-11-20"], ["۱۴۰۲/۱۱/۲۵"]], None, "customers")
    # 1402/10/15 = 2024-01-05, 1402/11/20 = 2024-02-09, 1402/11/25 = 2024-02-14
    assert out == [["Cohort", "Size", "P0", "P1"], ["2024-01", 1.0, 1.0, 1.0], ["2024-02", 1.0, 1.0, ""]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((COHORT_IDS, COHORT_DATES[:3]), "#VALUE! customer_ids has 7 cells but order_dates has 3"),
        ((COHORT_IDS, COHORT_DATES, "M", "revenue"), "#VALUE! revenue needs the amounts range"),
        ((COHORT_IDS, COHORT_DATES, "D"), "#VALUE! period must be W, M, Q or Y"),
        ((COHORT_IDS, COHORT_DATES, "M", "profit"), "#VALUE! show must be retention"),
        (([[None]], [[None]]), "#VALUE! no usable orders"),
    ],
)
def test_cohort_errors(args, message):
    assert udfs.COHORT(*args).startswith(message)
