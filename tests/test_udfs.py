"""The Excel formulas, called with exactly what Excel (through xlwings) hands over."""

import ast
import datetime as dt
import inspect
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention_xl import contact_plan, udfs
from retention_xl.analysis.customers import customer_summary
from retention_xl.analysis.prediction import predict_customers
from retention_xl.excel import cells
from retention_xl.sample import generate_orders, sample_path

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


def test_numbers_stored_as_text_in_a_range_are_read_as_the_report_reads_them():
    # a survey pasted from the web: its Arabic scores were left out and NPS was -100
    assert udfs.NPS(["١٠", "٩", 3.0]) == pytest.approx(100 / 3)
    assert udfs.NPS([["Score"], ["n/a"], ["۱۰"], [9.0], ["6"]]) == pytest.approx(100 / 3)
    assert udfs.AOV(["1,234.5", 10.0]) == pytest.approx(622.25)
    assert udfs.CSAT([["۵"], ["۴٫۰"], [1.0], [2.0]]) == 0.5
    assert udfs.CHURN([["Lost"], ["15"], [4.0]], 500.0) == pytest.approx(0.038)


def test_single_cell_range_arrives_as_scalar():
    assert udfs.NPS(9.0) == 100
    assert udfs.CSAT(4.0) == 1


def test_repeat_rate_from_a_range_of_ids():
    ids = [["C1"], ["C2"], [None], ["C1"], [17.0], [17.0], ["C3"]]  # C1 and 17 came back
    assert udfs.REPEAT_RATE(ids) == pytest.approx(0.5)


# the same customer, spelled as exports spell it: e-mail case, a number and its text,
# Persian digits, an invisible right-to-left mark, spaces
SAME_CUSTOMER = [
    ["a@x.com", "A@x.com"],
    [123.0, "123"],
    ["\u06f1\u06f2\u06f3", 123.0],
    ["C1", "\u200fC1"],
    ["C1", " C1 "],
]


@pytest.mark.parametrize("ids", SAME_CUSTOMER)
def test_repeat_rate_matches_customers_as_the_cleaning_and_cohort_do(ids):
    assert udfs.REPEAT_RATE(ids) == 1.0  # one customer, who came back
    dates = [dt.datetime(2024, 1, 5), dt.datetime(2024, 2, 5)]
    assert udfs.COHORT(ids, dates, "M", "customers") == [["Cohort", "Size", "P0", "P1"], ["2024-01", 1.0, 1.0, 1.0]]


def test_repeat_rate_leaves_out_what_the_cleaning_reads_as_no_customer():
    assert udfs.REPEAT_RATE([["a"], ["N/A"], ["b"], ["-"], ["a"], ["n/a"], ["\u200b"]]) == 0.5


@pytest.mark.parametrize("heading", ["Customer", "Customer ID", "CustomerID", "customer_email", "E-mail",
                                     "Billing Name", "\u0631\u0642\u0645 \u0627\u0644\u0639\u0645\u064a\u0644"])
def test_repeat_rate_leaves_out_a_customer_heading_in_the_first_cell(heading):
    # a whole column (A:A): the heading, then one id per order; a and 7 came back
    assert udfs.REPEAT_RATE([[heading], ["a"], ["b"], ["a"], [7.0], [7.0], [None]]) == pytest.approx(2 / 3)
    assert udfs.REPEAT_RATE([heading, "a", "b", "a"]) == 0.5  # a row range


def test_repeat_rate_counts_any_other_first_cell_as_a_customer():
    assert udfs.REPEAT_RATE([["Kunde"], ["a"], ["b"], ["a"]]) == pytest.approx(1 / 3)  # not a known heading
    # a heading near the top is the heading, what is above it a title (see the whole-column test below)
    assert udfs.REPEAT_RATE([["a"], ["Customer"], ["a"]]) == 0.0
    assert udfs.REPEAT_RATE([["a"]] * 10 + [["Customer"], ["a"]]) == 0.5  # further down it is an id
    assert udfs.REPEAT_RATE([["Customer"], ["Customer"]]) == 0.0  # nothing but a heading and one id


# formulas with an argument documented as a range: (formula, arguments, position of the range)
RANGE_ARGUMENTS = [
    ("CHURN", [None, 100.0], 0),
    ("CHURN_COST", [None, 30.0], 0),
    ("REPEAT_RATE", [None], 0),
    ("NPS", [None], 0),
    ("NPS_MOE", [None, 0.95], 0),
    ("CSAT", [None, 5.0], 0),
    ("CES", [None], 0),
    ("AOV", [None], 0),
    ("SBG_RETENTION", [None, 0.0], 0),
]


@pytest.mark.parametrize(("name", "args", "at"), RANGE_ARGUMENTS)
@pytest.mark.parametrize("cell", [None, "a", "Customer", 7.0, 1001.0, True, dt.datetime(2024, 1, 5)])
def test_a_one_cell_range_answers_as_the_same_value_in_a_longer_range(name, args, at, cell):
    """Excel hands a one-cell range over as the bare value, a longer one as a list: a
    range holding one value and blanks (or only blanks) must answer as that one cell."""
    def call(value):
        return getattr(udfs, name)(*args[:at], value, *args[at + 1:])

    alone = call(cell)
    if name == "REPEAT_RATE" and isinstance(cell, float):
        # a number alone is a count missing its customers (=REPEAT_RATE(900, B3), B3 blank)
        assert alone == "#VALUE! customers is blank: give the number of customers, or one range of customer ids"
        return
    for blanks in ([[cell], [None]], [[cell, None]], [cell, None, None]):
        assert call(blanks) == alone, blanks


def test_one_cell_of_ids_or_counts_is_read_as_the_range_it_is():
    assert udfs.REPEAT_RATE("a") == 0.0  # one customer id, bought once
    assert udfs.REPEAT_RATE([[1001.0], [None]]) == 0.0  # one numeric id, bought once
    assert udfs.REPEAT_RATE(900.0, None) == udfs.REPEAT_RATE(900.0) == \
        "#VALUE! customers is blank: give the number of customers, or one range of customer ids"
    assert udfs.REPEAT_RATE(None) == udfs.REPEAT_RATE([[None], [None]]) == "#DIV/0! no customer ids in the range"
    assert udfs.CHURN([[None], [None]], 100.0) == udfs.CHURN(None, 100.0) == "#VALUE! lost is blank; it needs a number"
    assert udfs.CHURN([["Lost"], [None]], 100.0) == '#VALUE! lost must be a number, got the text "Lost"'
    assert udfs.CHURN([["Lost"], [5.0]], 100.0) == 0.05
    day = dt.datetime(2024, 1, 5)
    assert udfs.COHORT("a", day) == udfs.COHORT([["a"], [None]], [[day], [None]]) == [
        ["Cohort", "Size", "P0"], ["2024-01", 1.0, 1.0]]


def test_optional_arguments_may_be_blank_cells():
    assert udfs.CLV(50.0, 4.0, 3.0, None, None) == 600
    assert udfs.NPS_MOE(NPS_EXAMPLE, None) == pytest.approx(udfs.NPS_MOE(NPS_EXAMPLE))
    assert udfs.CSAT([[5.0], [4.0], [1.0], [2.0]], None) == 0.5


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (lambda: udfs.CRR(0.0, 8.0, 0.0), "#DIV/0! start_customers is 0"),
        (lambda: udfs.CRR("ten", 8.0, 0.0), '#VALUE! start_customers must be a number, got the text "ten"'),
        (lambda: udfs.CRR(None, 8.0, 0.0), "#VALUE! start_customers is blank"),
        (lambda: udfs.CRR(True, 8.0, 0.0), "#VALUE! start_customers must be a number, got TRUE"),
        (lambda: udfs.CRR(dt.datetime(2024, 1, 1), 8.0, 0.0), "#VALUE! start_customers must be a number, got the date 2024-01-01"),
        (lambda: udfs.CRR([[1.0], [2.0]], 8.0, 0.0), "#VALUE! start_customers must be a single number, got a range of 2 cells"),
        (lambda: udfs.NPS([[9.0], [11.0]]), "#NUM! scores: score 11 (value 2)"),
        (lambda: udfs.NPS([[None], ["x"]]), "#DIV/0! scores: no scores"),
        (lambda: udfs.CHURN(-3.0, 10.0), "#NUM! lost cannot be negative, got -3"),
        (lambda: udfs.LIFESPAN(0.0), "#DIV/0! churn_rate is 0"),
        (lambda: udfs.LIFESPAN(1.5), "#NUM! churn_rate must be a fraction between 0 and 1"),
        (lambda: udfs.CES([[dt.datetime(2024, 5, 1)]]), "#VALUE! scores: cell 1 holds the date 2024-05-01"),
        (lambda: udfs.CRR(float("inf"), 8.0, 0.0), "#NUM! start_customers must be a finite number"),
    ],
)
def test_errors_are_one_line_starting_with_the_code(result, expected):
    out = result()
    assert isinstance(out, str)
    assert out.startswith(expected)
    assert "\n" not in out and "Traceback" not in out


@pytest.mark.parametrize(("result", "expected"), [
    (lambda: udfs.CRR(10.0, 8.0, -1.0), "#NUM! new_customers cannot be negative, got -1"),
    (lambda: udfs.CRR(-10.0, 8.0, 0.0), "#NUM! start_customers cannot be negative, got -10"),
    (lambda: udfs.CRR(10.0, -8.0, 0.0), "#NUM! end_customers cannot be negative, got -8"),
    (lambda: udfs.CRR(0.0, 8.0, 0.0), "#DIV/0! start_customers is 0: no customers at the start of the period"),
    (lambda: udfs.CRR(10.0, 5.0, 8.0), "#NUM! new_customers (8) exceeds end_customers (5)"),
    (lambda: udfs.CRR(10.0, 15.0, 2.0), "#NUM! end_customers minus new_customers (13) exceeds start_customers (10)"),
    (lambda: udfs.CHURN(200.0, 100.0), "#NUM! lost (200) exceeds start (100)"),
    (lambda: udfs.REPEAT_RATE(3000.0, 2000.0), "#NUM! repeat (3000) exceeds customers (2000)"),
])
def test_messages_name_the_arguments_as_the_function_wizard_shows_them(result, expected):
    assert result().startswith(expected)


def test_overflowing_results_are_num_errors():
    too_large = "#NUM! the result is too large to show as a number"
    assert udfs.CHURN_COST(1e308, 1e308) == too_large
    assert udfs.CHURN_COST([[1e308], [1e308]], 2.0).startswith("#NUM! lost: the numbers add up to more")
    assert udfs.CLV(1e308, 4.0, 3.0) == too_large  # 1e308 * 12
    assert udfs.CLV(1e308, 1.0, 1.0, 1.0, 0.0) == 1e308  # the largest that fits still shows
    assert udfs.AOV([[1e308], [None], [1e308]]) == too_large  # (1e308 + 1e308) / 2 overflows on the way
    assert udfs.CLV_DISCOUNTED(1e308, 0.9, 0.0) == too_large  # 1e308 / (1 - 0.9)
    assert udfs.CLV_DISCOUNTED(-1e308, 0.9, 0.0, 3.0) == too_large  # -1e308 * (1 + 0.9 + 0.81)


def test_an_amount_no_order_reaches_is_left_out_as_the_report_leaves_it_out():
    # an amount of 10^18 or more is no order's (the report lists it on Data issues): two
    # orders of 1e308 no longer add up past the largest number; an overflowing spill is
    # #NUM! at the formulas' boundary (tests/excel/test_cells.py)
    ids, days = [["a"], ["a"], ["b"]], [[dt.datetime(2024, 1, 5)], [dt.datetime(2024, 1, 9)], [dt.datetime(2024, 2, 1)]]
    assert udfs.COHORT(ids, days, None, "revenue", [[1e308], [1.0], [2.0]]) == [
        ["Cohort", "Size", "P0", "P1"], ["2024-01", 1.0, 1.0, 0.0], ["2024-02", 1.0, 2.0, ""]]
    assert udfs.COHORT(ids, days, None, "customers", [[1e308], [1e308], [2.0]]) == [
        ["Cohort", "Size", "P0"], ["2024-02", 1.0, 1.0]]
    assert udfs.COHORT(ids[:2], days[:2], None, "revenue", [[1e308], [-1e18]]) == (
        "#VALUE! no usable orders in the ranges (every row has a missing or unusable customer, date or amount)")


def test_nps_margin_of_one_answer_is_an_error_not_zero():
    # as xlwings hands a survey column over: rows of one cell, blanks as None, numbers as float
    one = "#NUM! scores holds one answer: a margin of error needs at least two"
    assert udfs.NPS_MOE([[9.0], [None], ["Comment"], [None]]) == one
    assert udfs.NPS_MOE(9.0) == one  # a one-cell range arrives as the bare value
    assert udfs.NPS_MOE([["١٠"], [None]], 0.9) == one  # a score stored as text is still one answer
    # two answers that agree: the normal approximation's margin is 0 (documented, not exact)
    assert udfs.NPS_MOE([[10.0], [None], [9.0]]) == 0.0
    # one promoter and one detractor: p = d = 0.5, var = (1 - 0) / 2, margin = 1.96 * sqrt(0.5) * 100
    assert udfs.NPS_MOE([[10.0], [2.0], [None]]) == pytest.approx(138.59, abs=0.01)
    assert udfs.NPS_MOE(NPS_EXAMPLE) == pytest.approx(49.58, abs=0.01)  # the published example


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
        # an error cell arrives as its code ("#N/A"), not as a blank, so it can be passed on
        and any(k.arg == "err_to_str" and k.value.value is True for k in d.keywords)
    }
    assert documented == set(params)
    decorated_as_func = [
        d for d in _decorators(name) if getattr(getattr(d, "func", d), "attr", "") == "func"
    ]
    assert decorated_as_func, "missing @xw.func"
    kinds = {p.kind for p in inspect.signature(func).parameters.values()}
    assert kinds <= {inspect.Parameter.POSITIONAL_OR_KEYWORD}, "xlwings takes positional args only"


def test_contract_formulas_are_all_importable():
    contract = ("CRR CHURN CHURN_COST REPEAT_RATE CLV CLV_DISCOUNTED LIFESPAN NPS NPS_MOE CSAT CES AOV "
                "PURCHASE_FREQUENCY COHORT CLV_PREDICT P_ALIVE SBG_RETENTION")
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
SPILL_HEADERS = {
    "COHORT": ["Cohort", "Size", "P0"],
    "CLV_PREDICT": ["Customer", "P(alive)", "Expected purchases", "Expected spend per order", "Predicted CLV"],
    "P_ALIVE": ["Customer", "P(alive)"],
    "SBG_RETENTION": ["Period", "Survivors", "Retention rate"],
    "CONTACT_PLAN": ["Priority", "Customer", "Status", "Action", "Why", "Act on"],
}


@given(name=st.sampled_from(udfs.__all__), data=st.data())
def test_any_excel_input_gives_a_number_in_range_or_an_error(name, data):
    func = getattr(udfs, name)
    params = inspect.signature(func).parameters.values()
    required = sum(p.default is inspect.Parameter.empty for p in params)
    n = data.draw(st.integers(required, len(params)))
    out = func(*[data.draw(excel_values) for _ in range(n)])
    if name in SPILL_HEADERS and isinstance(out, list):
        header, *rows = out
        assert header[:len(SPILL_HEADERS[name])] == SPILL_HEADERS[name]
        assert rows and all(len(r) == len(header) for r in rows)
        cells_out = [v for r in rows for v in r[1:] if v != ""]
        if name == "CONTACT_PLAN":  # the customer as the user's cell; words and dates as text, numbers as floats
            cells_out = [v for r in rows for v in [r[0], *r[2:]] if not isinstance(v, str)]
        assert all(isinstance(v, float) and math.isfinite(v) for v in cells_out)
        if name in {"P_ALIVE", "CLV_PREDICT"}:
            assert all(0 <= r[1] <= 1 for r in rows)
        if name == "SBG_RETENTION":
            assert all(0 <= r[2] <= 1 for r in rows[1:])
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
    # 1402/10/15 = 2024-01-05, 1402/11/20 = 2024-02-09, 1402/11/25 = 2024-02-14: cohorts of
    # Dey and Bahman 1402, as the report counts Jalali dates
    # and the Persian digits say the headers' language: Persian
    assert out == [["کوهورت", "اندازه", "P0", "P1"], ["1402-10", 1.0, 1.0, 1.0], ["1402-11", 1.0, 1.0, ""]]
    # the days that split Dey and Bahman: 1402/10/30 = 2024-01-20, 1402/11/01 = 2024-01-21
    out = udfs.COHORT([["a"], ["b"]], [["1402/10/30"], ["1402/11/01"]], None, "customers")
    assert [row[:2] for row in out[1:]] == [["1402-10", 1.0], ["1402-11", 1.0]]


def test_cohort_leaves_out_a_year_typed_far_from_the_other_orders():
    # 200 orders of a, b, c, d in January-February 2024 and one of e typed as 1924 (0.5% of
    # 201, one order: far, as in the report): no 1924 cohort and no century of columns
    ids = [[k] for k in "abcd" * 50] + [["e"]]
    dates = [[dt.datetime(2024, 1 + k // 100, 1 + k % 28)] for k in range(200)] + [[dt.datetime(1924, 1, 15)]]
    assert udfs.COHORT(ids, dates, "M", "customers") == [
        ["Cohort", "Size", "P0", "P1"], ["2024-01", 4.0, 4.0, 4.0]]


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


# ----------------------------------------------------------------- predictions
# Fader & Hardie (2007): survivors of a cohort of 1,000 "regular" customers, years 0..7;
# the sBG fit is alpha = 0.704, beta = 1.182, so r(t) = (beta + t - 1) / (alpha + beta + t - 1)
REGULAR = [[1000.0], [631.0], [468.0], [382.0], [326.0], [289.0], [262.0], [241.0]]


def test_sbg_retention_reproduces_the_published_fit():
    out = udfs.SBG_RETENTION(REGULAR, 4.0)
    assert out[0] == ["Period", "Survivors", "Retention rate"]
    assert len(out) == 1 + 8 + 4  # header, periods 0..7 of the data, 4 more
    assert [r[0] for r in out[1:]] == list(range(12))
    assert out[1] == [0.0, 1000.0, ""]
    alpha, beta = 0.704, 1.182
    by_hand = [(beta + t - 1) / (alpha + beta + t - 1) for t in range(1, 12)]
    assert [r[2] for r in out[2:]] == pytest.approx(by_hand, abs=5e-4)
    assert out[2][1] == pytest.approx(1000 * beta / (alpha + beta), abs=0.3)  # 626.7
    # projected survivors are the running product of the retention rates
    assert [r[1] for r in out[2:]] == pytest.approx((1000 * np.cumprod([r[2] for r in out[2:]])).tolist())
    # the fit follows the data within 20 customers (Figure 3 of the paper)
    assert [r[1] for r in out[1:9]] == pytest.approx([r[0] for r in REGULAR], abs=20)


def test_sbg_retention_ignores_blanks_like_a_range_does():
    assert udfs.SBG_RETENTION(REGULAR + [[None], ["note"]], 0.0) == udfs.SBG_RETENTION(REGULAR, 0.0)


def test_sbg_retention_leaves_out_a_heading_and_the_blank_rest_of_a_column():
    whole_column = [["Survivors"], *REGULAR, [None], [None], [None]]
    assert udfs.SBG_RETENTION(whole_column, 2.0) == udfs.SBG_RETENTION(REGULAR, 2.0)


@pytest.mark.parametrize(("survivors", "message"), [
    # Fader & Hardie's counts with period 2's count missing: 382 must not become period 2
    ([1000.0, 631.0, None, 382.0, 326.0], "#VALUE! survivors: blank at period 2;"),
    ([[1000.0, 631.0, " ", 382.0, 326.0]], "#VALUE! survivors: blank at period 2;"),  # a row range
    ([["Survivors"], [1000.0], [None], [631.0], [None]], "#VALUE! survivors: blank at period 1;"),
    ([[1000.0], [631.0], ["n/a"], [382.0]], '#VALUE! survivors: the text "n/a" at period 2, not a number'),
    ([[1000.0], [True], [382.0]], "#VALUE! survivors: TRUE at period 1, not a number"),
])
def test_sbg_retention_refuses_a_gap_between_survivor_counts(survivors, message):
    assert udfs.SBG_RETENTION(survivors, 0.0).startswith(message)


@pytest.mark.parametrize(("args", "message"), [
    (([[0.4], [0.3]], 2.0), "#VALUE! survivors must be numbers of customers"),
    (([[1000.0], [1000.0]], 2.0), "#NUM! nobody in the cohort cancelled"),
    ((REGULAR, 1.5), "#NUM! periods_ahead must be a whole number from 0 to 1000"),
    ((REGULAR, -1.0), "#NUM! periods_ahead must be a whole number"),
    ((REGULAR, None), "#VALUE! periods_ahead is blank"),
])
def test_sbg_retention_errors(args, message):
    assert udfs.SBG_RETENTION(*args).startswith(message)


def _sample_ranges(n_customers=400, seed=4):
    orders = generate_orders(n_customers, seed=seed)
    ids = [[c] for c in orders["customer"]]
    dates = [[d.to_pydatetime()] for d in orders["order_date"]]
    amounts = [[float(a)] for a in orders["amount"]]
    return orders, ids, dates, amounts


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_clv_predict_spills_the_models_predictions():
    orders, ids, dates, amounts = _sample_ranges()
    out = udfs.CLV_PREDICT(ids, dates, amounts, 6.0, 0.3, 0.02)
    assert out[0] == ["Customer", "P(alive)", "Expected purchases", "Expected spend per order", "Predicted CLV"]
    clean = orders.rename(columns={"order_date": "date"})[["customer", "date", "amount"]]
    p = predict_customers(customer_summary(clean), orders=clean, horizon=6, margin=0.3, discount=0.02).customers
    assert [r[0] for r in out[1:]] == p.index.tolist()
    columns = ["p_alive", "expected_purchases", "expected_spend", "predicted_clv"]
    assert np.array([r[1:] for r in out[1:]]) == pytest.approx(p[columns].to_numpy(), rel=1e-9)
    # defaults: 12 months, margin 1, 1% a month
    default = udfs.CLV_PREDICT(ids, dates, amounts)
    p12 = predict_customers(customer_summary(clean), orders=clean).customers
    assert [r[4] for r in default[1:]] == pytest.approx(p12["predicted_clv"].tolist(), rel=1e-9)
    # intervals on request: four more columns, each value between its low and high
    wide = udfs.CLV_PREDICT(ids, dates, amounts, None, None, None, True)
    assert wide[0][5:] == ["Expected purchases, low", "Expected purchases, high", "Predicted CLV, low",
                           "Predicted CLV, high"]
    for _, _, purchases, _, clv, low, high, clv_low, clv_high in wide[1:]:
        assert low <= purchases <= high and clv_low <= clv <= clv_high
    assert udfs.CLV_PREDICT(ids, dates, amounts, None, None, None, "FALSE")[0] == default[0]


def test_p_alive_spills_one_row_per_customer():
    orders, ids, dates, _ = _sample_ranges()
    out = udfs.P_ALIVE(ids + [[None]], dates + [[None]])  # a blank row of a whole-column range
    assert out[0] == ["Customer", "P(alive)"]
    assert len(out) == 1 + orders["customer"].nunique()
    days = orders.groupby("customer")["order_date"].agg(lambda d: d.dt.normalize().nunique())
    last = orders.groupby("customer")["order_date"].max().dt.normalize()
    once = {customer: value for customer, value in out[1:] if days[customer] == 1}
    assert all(0 <= value <= 1 for _, value in out[1:])
    # one order day: she may have left too, the likelier the longer ago (Pareto/NBD, MBG/NBD)
    assert max(once.values()) < 1.0
    by_last = sorted(once, key=lambda c: last[c])
    assert once[by_last[0]] <= once[by_last[-1]]


def _ids_as_typed(orders):
    """The sample's customers as a shop types them: every other one a customer number
    (a number in its first order's cell, the same digits as text later), the others an
    e-mail spelled first with capitals, then in lower case. Returns the ids and, per
    customer of the sample, the cell its first order has."""
    number = {c: i % 2 == 1 for i, c in enumerate(orders["customer"].unique())}
    first: dict[str, object] = {}
    ids = []
    for customer in orders["customer"]:
        i = int(customer[1:])
        typed = float(i) if number[customer] else f"Client{i}@Shop.com"
        if customer in first:
            typed = str(i) if number[customer] else typed.lower()
        else:
            first[customer] = typed
        ids.append([typed])
    return ids, first


def test_per_customer_spills_show_each_customer_as_the_user_typed_the_id():
    """XLOOKUP(1001, ...) finds the number 1001, not the text "1001": a numeric id spills
    as a number, a text id in its first spelling (not the lower case it is matched in)."""
    orders, _, dates, amounts = _sample_ranges()
    ids, first = _ids_as_typed(orders)
    typed = sorted(map(repr, first.values()))  # repr: 1001.0 is not '1001'
    assert {type(v) for v in first.values()} == {float, str}
    for every_customer in (udfs.P_ALIVE(ids, dates), udfs.CLV_PREDICT(ids, dates, amounts)):
        assert sorted(repr(row[0]) for row in every_customer[1:]) == typed
    plan = [repr(row[1]) for row in udfs.CONTACT_PLAN(ids, dates, amounts)[1:]]
    assert plan and len(set(plan)) == len(plan) and set(plan) <= set(typed)


@pytest.mark.parametrize(("result", "message"), [
    (lambda: udfs.P_ALIVE([["a"], ["b"]], [[45000.0], [45001.0]]),
     "#NUM! the Pareto/NBD model needs customers with repeat"),
    (lambda: udfs.CLV_PREDICT([["a"], ["a"], ["b"]], [[45000.0], [45010.0], [45001.0]], [[5.0], [6.0], [7.0]]),
     "#NUM! the data cannot identify the Pareto/NBD model"),
    (lambda: udfs.CLV_PREDICT([["a"]], [[45000.0], [45010.0]], [[5.0]]), "#VALUE! customer_ids has 1 cells but order_dates has 2"),
    (lambda: udfs.CLV_PREDICT(*_sample_ranges(60)[1:], 0.0), "#NUM! horizon must be a whole number"),
    # found by the formula fuzz: a horizon of 2^53 periods asked for 64 PiB, a margin of 1e308 overflowed
    (lambda: udfs.CLV_PREDICT(*_sample_ranges(60)[1:], 2.0 ** 53), "#NUM! horizon must be a whole number of periods from 1 to 1,200"),
    (lambda: udfs.CLV_PREDICT(*_sample_ranges(60)[1:], 1.0, 1e308), "#NUM! margin must be the share of spend"),
    (lambda: udfs.CLV_PREDICT(*_sample_ranges(60)[1:], 12.0, 1.0, -2.0), "#NUM! discount must be"),
])
def test_prediction_errors(result, message):
    assert result().startswith(message)


# ----------------------------------------------------------------- order ids (order lines)
LINE_IDS = [["a"], ["a"], ["a"], ["b"]]
LINE_DATES = [[dt.datetime(2024, 1, 5)], [dt.datetime(2024, 1, 5)], [dt.datetime(2024, 2, 7)], [dt.datetime(2024, 1, 9)]]
LINE_AMOUNTS = [[10.0], [5.0], [4.0], [3.0]]
LINE_ORDERS = [["A1"], ["A1"], ["A2"], ["B1"]]


def test_cohort_with_order_ids_counts_an_orders_lines_once():
    # a: order A1 (two lines, January) and A2 (February); b: B1 (January)
    assert udfs.COHORT(LINE_IDS, LINE_DATES, "M", "orders", LINE_AMOUNTS, LINE_ORDERS)[1] == ["2024-01", 2.0, 2.0, 1.0]
    assert udfs.COHORT(LINE_IDS, LINE_DATES, "M", "orders", LINE_AMOUNTS)[1] == ["2024-01", 2.0, 3.0, 1.0]
    # revenue is the same either way: A1 = 10 + 5
    assert udfs.COHORT(LINE_IDS, LINE_DATES, "M", "revenue", LINE_AMOUNTS, LINE_ORDERS)[1] == ["2024-01", 2.0, 18.0, 4.0]
    assert udfs.COHORT(LINE_IDS, LINE_DATES, None, None, None, LINE_ORDERS[:2]).startswith(
        "#VALUE! order_ids has 2 cells but customer_ids has 4")


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("amounts, order_ids", [([[None]], [[None]]), ([[1.0]], [["x"]])])
def test_cohort_with_order_ids_and_no_usable_row_says_so_without_a_warning(amounts, order_ids):
    # no row is an order: no share of orders with several lines to take (numpy warned
    # "Mean of empty slice", found by the formula fuzzing)
    assert udfs.COHORT([[None]], [[None]], None, None, amounts, order_ids) == (
        "#VALUE! no usable orders in the ranges (every row has a missing or unusable customer, date or amount)")


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_predictions_take_order_ids():
    orders, ids, dates, amounts = _sample_ranges()
    numbers = [[f"O{i}"] for i in range(len(ids))]
    assert udfs.CLV_PREDICT(ids, dates, amounts, None, None, None, None, numbers) == udfs.CLV_PREDICT(ids, dates, amounts)
    assert udfs.P_ALIVE(ids, dates, numbers) == udfs.P_ALIVE(ids, dates)


def test_numbers_stored_as_text_keep_their_place_in_a_range():
    # a cohort pasted with its first count as text: the same table as all numbers
    as_numbers = udfs.SBG_RETENTION([[1000.0], [631.0], [468.0], [382.0]], 0.0)
    assert udfs.SBG_RETENTION([["1000"], [631.0], [468.0], [382.0]], 0.0) == as_numbers
    assert udfs.SBG_RETENTION([[1000.0], ["631"], [468.0], [382.0]], 0.0) == as_numbers
    # and an error names the cell where it is: the third score
    assert udfs.NPS([["10"], ["9"], [11.0]]) == "#NUM! scores: score 11 (value 3) is not a whole number from 0 to 10"


def test_an_optional_number_given_the_empty_text_of_a_formula_takes_its_default():
    # a cell holding ="" (an IF that chose nothing) is as blank as an empty cell
    assert udfs.CLV(50.0, 4.0, 3.0, "") == udfs.CLV(50.0, 4.0, 3.0, None) == udfs.CLV(50.0, 4.0, 3.0)
    assert udfs.CLV(50.0, 4.0, 3.0, "x").startswith("#VALUE!")


def test_a_model_of_one_customer_says_it_needs_two_not_that_nobody_bought_again():
    days = [[dt.datetime(2024, 1, 1)], [dt.datetime(2024, 3, 1)], [dt.datetime(2024, 5, 1)]]
    assert udfs.P_ALIVE([["a"], ["a"], ["a"]], days) == (
        "#NUM! the Pareto/NBD model needs at least two customers; the orders come from one")


def test_true_and_false_are_no_customer_ids():
    # Python's TRUE equals 1: a TRUE cell was customer 1
    assert udfs.REPEAT_RATE([[True], [1.0]]) == 0.0 and udfs.REPEAT_RATE([[1.0], [1.0]]) == 1.0
    spill = udfs.COHORT([[True], [1.0]], [[dt.datetime(2024, 1, 5)], [dt.datetime(2024, 2, 5)]])
    assert spill == [["Cohort", "Size", "P0"], ["2024-02", 1.0, 1.0]]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_contact_plan_takes_order_ids_and_values_customers_as_the_report_does():
    # the bundled sample is order lines: without order ids each line was an order to the
    # spend model, and the values at stake differed from the report's by up to 43.21
    raw = pd.read_csv(sample_path())
    ids = [[c] for c in raw["customer"]]
    dates = [[pd.Timestamp(d).to_pydatetime()] for d in raw["order_date"]]
    amounts = [[float(a)] for a in raw["amount"]]
    numbers = [[o] for o in raw["order_id"]]
    spilled = udfs.CONTACT_PLAN(ids, dates, amounts, None, None, None, numbers)
    report = contact_plan(raw, customer="customer", date="order_date", amount="amount", order_id="order_id")
    assert [row[1] for row in spilled[1:]] == report["customer"].tolist()
    assert [row[10] for row in spilled[1:]] == pytest.approx(report["value"].tolist(), rel=1e-12)


@pytest.mark.parametrize("formula", [udfs.CLV_PREDICT, udfs.CONTACT_PLAN])
def test_a_formula_that_values_customers_refuses_a_blank_amounts_argument(formula):
    # =CLV_PREDICT(A2:A9, B2:B9, ) hands amounts over as a blank: every order counted 1,
    # and the spend per order (about 1) and the values at stake (orders) were plausible wrong numbers
    _, ids, dates, _ = _sample_ranges(60)
    assert formula(ids, dates, None) == "#VALUE! amounts is blank: give the range of order amounts"


@pytest.mark.parametrize("formula", [udfs.CLV_PREDICT, udfs.CONTACT_PLAN])
def test_a_formula_that_values_customers_on_an_empty_table_says_there_are_no_orders(formula):
    # the template's empty Orders table: one blank row, each column handed over as a blank
    assert formula(None, None, None) == (
        "#VALUE! no usable orders in the ranges (every row has a missing or unusable customer, date or amount)")


@pytest.mark.parametrize(("as_of", "message"), [
    (True, "#VALUE! as_of must be a date, got TRUE"),  # said "as_of must be a number"
    ([[False]], "#VALUE! as_of must be a date, got FALSE"),
    (0.0, "#NUM! as_of must be a date, got the number 0"),
])
def test_contact_plan_asks_for_a_date_as_the_plan_day(as_of, message):
    _, ids, dates, amounts = _sample_ranges(60)
    assert udfs.CONTACT_PLAN(ids, dates, amounts, as_of) == message


def test_contact_plan_for_today_written_as_a_word():
    # "today" typed in the cell (or امروز): was #VALUE!, as the library refused the word
    _, ids, dates, amounts = _sample_ranges(60)
    expected = udfs.CONTACT_PLAN(ids, dates, amounts, float((dt.date.today() - dt.date(1899, 12, 30)).days))
    assert udfs.CONTACT_PLAN(ids, dates, amounts, "today") == expected
    assert udfs.CONTACT_PLAN(ids, dates, amounts, "امروز") == expected


def test_repeat_rate_of_ids_leaves_refunds_out_given_the_amounts():
    # A's order and its refund, B's two orders, C's one: B alone came back (the report's 1/3);
    # without the amounts the refund is A's second order
    ids = [["Customer"], ["A"], ["A"], ["B"], ["B"], ["C"], [None]]
    amounts = [["Amount"], [100.0], [-100.0], [50.0], ["٧٠"], [30.0], [None]]
    assert udfs.REPEAT_RATE(ids) == pytest.approx(2 / 3)
    assert udfs.REPEAT_RATE(ids, None, amounts) == pytest.approx(1 / 3)
    # a row without a usable amount is no order either, as in the report
    assert udfs.REPEAT_RATE([["A"], ["A"], ["B"]], None, [[10.0], ["n/a"], [5.0]]) == 0.0
    assert udfs.REPEAT_RATE(ids, None, amounts[:3]) == (
        "#VALUE! amounts has 3 cells but repeat has 7: give ranges of the same size")
    assert udfs.REPEAT_RATE(900.0, 2000.0, amounts) == (
        "#VALUE! amounts goes with a range of customer ids: leave customers out")


def test_a_whole_number_argument_off_by_float_rounding_is_that_number():
    # =0.1*3*10 is 3.0000000000000004, shown as 3: the reasons said "must be a whole number, got 3"
    three = 0.1 * 3 * 10
    assert udfs.CLV_DISCOUNTED(100.0, 0.8, 0.1, three) == udfs.CLV_DISCOUNTED(100.0, 0.8, 0.1, 3.0)
    survivors = [[1000.0], [631.0], [468.0], [382.0]]
    assert udfs.SBG_RETENTION(survivors, three) == udfs.SBG_RETENTION(survivors, 3.0)
    assert udfs.CSAT([[5.0], [4.0], [1.0]], 0.7 * 10 - 2) == udfs.CSAT([[5.0], [4.0], [1.0]], 5.0)
    _, ids, dates, amounts = _sample_ranges(60)
    assert udfs.CLV_PREDICT(ids, dates, amounts, three * 4) == udfs.CLV_PREDICT(ids, dates, amounts, 12.0)
    assert udfs.CLV_DISCOUNTED(100.0, 0.8, 0.1, 3.0001) == "#NUM! periods must be a whole number, got 3.0001"


def test_repeat_rate_of_a_whole_column_leaves_out_the_title_rows_above_its_heading():
    # =REPEAT_RATE(Orders!A:A) on the template: a title, a hint and a caption above the
    # heading Customer were three more customers, and the rate 2/7 for 2/3
    column = [["Order table"], ["Paste one row per order from row 5."], ["Customer name, e-mail or id"],
              ["Customer"], ["A"], ["A"], ["B"], ["B"], ["C"], [None]]
    assert udfs.REPEAT_RATE(column) == pytest.approx(2 / 3)
    amounts = [[None], [None], ["Order value (refunds negative)"], ["Amount"], [5.0], [-5.0], [3.0], [4.0], [1.0], [None]]
    assert udfs.REPEAT_RATE(column, None, amounts) == pytest.approx(1 / 3)


def test_repeat_rate_given_ids_and_amounts_without_the_empty_argument_says_where_they_go():
    # =REPEAT_RATE(A:A, C:C) said "repeat must be a single number, got a range of 3 cells"
    assert udfs.REPEAT_RATE([["a"], ["a"], ["b"]], [[1.0], [2.0], [3.0]]) == (
        "#VALUE! customers is a range: for customer ids and their amounts, leave customers empty, "
        "as in =REPEAT_RATE(A:A,,C:C)")


@pytest.mark.parametrize(("result", "expected"), [
    # a count typed on an Arabic or Persian keyboard, or pasted as text, was #VALUE! where
    # the same text in a range (CHURN's lost) was read: CHURN("٥", 150) worked, CHURN(5, "١٥٠") did not
    (lambda: udfs.CHURN(5.0, "١٥٠"), 5 / 150),
    (lambda: udfs.CRR("١٠", "۸", "0"), 0.8),
    (lambda: udfs.CLV_DISCOUNTED(100.0, "٠٫٨", 0.1), 110 / 0.3),
    (lambda: udfs.CHURN_COST(15.0, "٣٠٬٠٠٠"), 450000),
    (lambda: udfs.SBG_RETENTION([[1000.0], [631.0], [468.0]], "۲")[-1][0], 4.0),
    (lambda: udfs.PURCHASE_FREQUENCY(" 300 ", 120.0), 2.5),
])
def test_a_number_stored_as_text_is_that_number_in_any_digits(result, expected):
    assert result() == pytest.approx(expected)


@pytest.mark.parametrize("typed", ["1,5", "95%", "SAR 12", "١٠ عملاء", "10-"])
def test_text_that_is_more_than_a_number_stays_a_value_error(typed):
    assert udfs.CRR(typed, 8.0, 0.0) == f'#VALUE! start_customers must be a number, got the text "{typed}"'


@pytest.mark.parametrize("count", [900.0, "900", "۹۰۰"])
def test_repeat_rate_of_a_count_without_customers_is_a_value_error(count):
    # =REPEAT_RATE(B2,B3) with B3 blank and B2 holding the count as text ("۹۰۰") answered 0:
    # one customer id "900" who bought once
    assert udfs.REPEAT_RATE(count) == \
        "#VALUE! customers is blank: give the number of customers, or one range of customer ids"
    assert udfs.REPEAT_RATE(count, "۲۰۰۰") == pytest.approx(0.45)


#: order lines: o1 is two lines of A's (10 + 15), o4 a refund of C's, B ordered twice
ORDER_LINES = [("A", "o1", 10.0), ("A", "o1", 15.0), ("B", "o2", 40.0), ("C", "o3", 20.0),
               ("C", "o4", -5.0), ("B", "o5", 35.0)]


def test_aov_and_repeat_rate_count_orders_not_lines_given_the_order_ids():
    ids, numbers, amounts = ([[row[i]] for row in ORDER_LINES] for i in range(3))
    # orders 25, 40, 20, 35 (the refund is none): 120 / 4; line by line it was 120 / 5
    assert udfs.AOV(amounts) == 24.0
    assert udfs.AOV(amounts, numbers) == 30.0
    # A ordered once (two lines), B twice, C once: 1 of 3 came back; line by line A did too
    assert udfs.REPEAT_RATE(ids, None, amounts) == pytest.approx(2 / 3)
    assert udfs.REPEAT_RATE(ids, None, amounts, numbers) == pytest.approx(1 / 3)
    # headings over whole columns, blank rows under them: the same figures
    heading = [["Customer"]] + ids + [[None]] * 3, [["Order id"]] + numbers + [[None]] * 3, \
        [["Amount"]] + amounts + [[None]] * 3
    assert udfs.AOV(heading[2], heading[1]) == 30.0
    assert udfs.REPEAT_RATE(heading[0], None, heading[2], heading[1]) == pytest.approx(1 / 3)


def test_a_line_without_its_customer_is_still_a_line_of_its_order():
    # o1 is A's: a line of 10 and a return of 30 on a line where the export left the customer
    # out; the order is a refund of 20, as the report reads it, so A bought once (o2)
    ids, numbers = [["A"], [None], ["A"], ["B"], ["B"]], [["o1"], ["o1"], ["o2"], ["o3"], ["o4"]]
    amounts = [[10.0], [-30.0], [20.0], [5.0], [6.0]]
    assert udfs.REPEAT_RATE(ids, None, amounts, numbers) == 0.5
    assert udfs.AOV(amounts, numbers) == pytest.approx((20 + 5 + 6) / 3)


def test_order_ids_on_aov_and_repeat_rate_refuse_what_does_not_go_with_them():
    ids, numbers, amounts = ([[row[i]] for row in ORDER_LINES] for i in range(3))
    assert udfs.AOV(amounts, numbers[:2]) == (
        "#VALUE! order_ids has 2 cells but amounts has 6: give ranges of the same size")
    assert udfs.AOV(None, numbers) == "#DIV/0! amounts: no order amounts in the range"
    assert udfs.AOV([[None]] * 2, [["o1"], [None]]) == (
        "#VALUE! no usable orders in the ranges (every row has a missing or unusable amount)")
    assert udfs.REPEAT_RATE(ids, None, amounts, numbers[:2]) == (
        "#VALUE! order_ids has 2 cells but repeat has 6: give ranges of the same size")
    assert udfs.REPEAT_RATE(None, None, amounts, numbers) == "#DIV/0! no customer ids in the range"
    assert udfs.REPEAT_RATE(900.0, 2000.0, None, numbers) == (
        "#VALUE! order_ids goes with a range of customer ids: leave customers out, as in =REPEAT_RATE(A:A,,C:C,D:D)")


@pytest.mark.slow  # the whole report on the sample: about two seconds
def test_aov_and_repeat_rate_given_the_order_ids_are_the_reports_figures_on_the_bundled_sample():
    import retention_xl as rx

    # the sample repeats 10 rows of their orders, and 54 refunds share their order's id:
    # from the cells alone AOV said 79.82 and REPEAT_RATE 59.13%, the report 79.90 and 59.07%
    raw = pd.read_csv(sample_path(), dtype=str, keep_default_na=False)
    ids = [[c or None] for c in raw["customer"]]
    numbers = [[o] for o in raw["order_id"]]
    amounts = [[float(a)] for a in raw["amount"]]
    headline = rx.analyse(rx.read_orders(sample_path())).headline
    assert round(headline["aov"], 2) == 79.90 and round(udfs.AOV(amounts), 2) == 79.82
    assert round(udfs.AOV(amounts, numbers), 2) == round(headline["aov"], 2)
    assert udfs.AOV(amounts, numbers) == pytest.approx(headline["aov"], rel=1e-12)
    assert round(udfs.REPEAT_RATE(ids, None, amounts), 4) == 0.5913
    assert udfs.REPEAT_RATE(ids, None, amounts, numbers) == headline["repeat_rate"] == pytest.approx(886 / 1500)


#: a Persian order table, dates in Jalali with Persian digits; the same days in Gregorian beside them
JALALI_ORDERS = [("علی", "۱۴۰۲/۰۷/۰۱", dt.datetime(2023, 9, 23), 100.0), ("علی", "۱۴۰۲/۰۸/۰۱", dt.datetime(2023, 10, 23), 120.0),
                 ("علی", "۱۴۰۲/۰۹/۰۱", dt.datetime(2023, 11, 22), 80.0), ("سارا", "۱۴۰۲/۰۶/۰۱", dt.datetime(2023, 8, 23), 300.0),
                 ("سارا", "۱۴۰۲/۰۶/۲۱", dt.datetime(2023, 9, 12), 250.0), ("رضا", "۱۴۰۲/۱۰/۱۵", dt.datetime(2024, 1, 5), 50.0),
                 ("مریم", "۱۴۰۲/۰۹/۲۰", dt.datetime(2023, 12, 11), 70.0), ("مریم", "۱۴۰۲/۱۰/۱۰", dt.datetime(2023, 12, 31), 90.0)]


def test_contact_plan_writes_its_days_in_jalali_when_the_orders_are_dated_so():
    ids, jalali, gregorian, amounts = ([[row[i]] for row in JALALI_ORDERS] for i in range(4))
    plan = udfs.CONTACT_PLAN(ids, jalali, amounts)
    assert plan[0][5:9] == ["روز اقدام", "آخرین سفارش", "آخرین تماس", "سفارش بعدی مورد انتظار"]
    # the days worked out by hand in the Jalali calendar (months 7 to 11 have 30 days): Ali
    # orders every 30 days, last on 1402/09/01, next due 1402/10/01, thanked on the plan's
    # day (the last order's, 1402/10/15); Reza's first order 1402/10/15 is followed up 7 days
    # later; Maryam orders every 20 days, last on 1402/10/10, due on 1402/10/30 and
    # reminded when overdue, 1.5 x 20 days after her last order: 1402/11/10
    assert [[row[1], *row[5:9]] for row in plan[1:]] == [
        ["علی", "1402-10-15", "1402-09-01", "", "1402-10-01"],
        ["رضا", "1402-10-22", "1402-10-15", "", "1402-11-05"],
        ["مریم", "1402-11-10", "1402-10-10", "", "1402-10-30"]]
    # the same orders dated in Gregorian: the same plan, its days as before in ISO text
    same = udfs.CONTACT_PLAN(ids, gregorian, amounts, None, None, None, None, "fa")
    assert [[row[1], *row[5:9]] for row in same[1:]] == [
        ["علی", "2024-01-05", "2023-11-22", "", "2023-12-22"],
        ["رضا", "2024-01-12", "2024-01-05", "", "2024-01-25"],
        ["مریم", "2024-01-30", "2023-12-31", "", "2024-01-20"]]
    assert [row[:5] + row[9:] for row in same] == [row[:5] + row[9:] for row in plan]
    # a contact logged on a Jalali day is written back on it
    logged = udfs.CONTACT_PLAN(ids, jalali, amounts, None, [["مریم"]], [["۱۴۰۲/۱۰/۱۲"]])
    assert next(row[7] for row in logged[1:] if row[1] == "مریم") == "1402-10-12"
