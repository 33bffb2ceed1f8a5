"""Converting what Excel hands over: the bulk path for plain ranges gives exactly what a
cell-by-cell reading of Excel's rules gives, for any range; and cells read the way Excel
means them (cases found by fuzzing the formulas: classic xlwings hands errors it has no name
for as COM codes and Currency cells as ``Decimal``; xlwings Lite hands the newer error
values as text)."""

import datetime as dt
import warnings
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retention_xl import udfs
from retention_xl.analysis.numerals import parse_numbers
from retention_xl.errors import InvalidValue, OutOfRange
from retention_xl.excel import cells


def _walk(x):
    if isinstance(x, (list, tuple)):
        for item in x:
            yield from _walk(item)
    elif isinstance(x, np.ndarray):
        yield from x.ravel().tolist()
    else:
        yield x


def reference_numbers(x, name):
    """Excel's rule read one cell at a time, as a user would state it; the text cells that
    are numbers ("10", "١٠") after the numbers, read together as the report reads a column
    of amounts (which decides the decimal separator once)."""
    out, texts = [], []
    for i, v in enumerate(_walk(x), start=1):
        if v is None or isinstance(v, bool):
            continue
        if isinstance(v, str):
            if v.strip().upper() in cells.EXCEL_ERRORS:
                raise cells.PassedError(v.strip().upper(), name)
            texts.append(v)
            continue
        if isinstance(v, (int, float, np.integer, np.floating)):
            out.append(float(v))
            continue
        raise InvalidValue(f"{name}: cell {i} holds {v!r}, not a number")
    if texts:
        read = parse_numbers(pd.Series(texts, dtype="str")).values
        out += read[np.isfinite(read)].tolist()
    arr = np.asarray(out, dtype=float)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise OutOfRange(f"{name}: value {int(np.argmax(bad)) + 1} is not a finite number")
    return arr


def reference_values(x, name):
    flat = list(_walk(x))
    for v in flat:
        if isinstance(v, str) and v.strip().upper() in cells.EXCEL_ERRORS:
            raise cells.PassedError(v.strip().upper(), name)
    return flat


def outcome(func, x):
    """What a call gives: its value, or the error's class, code and cell position."""
    try:
        out = func(x, "r")
    except cells.PassedError as err:
        return ("passed", err.code)
    except (InvalidValue, OutOfRange) as err:
        return (type(err).__name__, str(err).split(" holds")[0])
    if isinstance(out, np.ndarray):
        return ("array", out.dtype.str, out.tolist())
    return ("list", out)


cell = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10**6, 10**6),
    st.booleans(),
    st.text(max_size=6),
    st.sampled_from(sorted(cells.EXCEL_ERRORS) + [" #n/a ", "#", "a#b", "", "n/a"]),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.just(np.float64(2.5)),
)
row = st.one_of(st.lists(cell, max_size=4), st.tuples(cell, cell))
ranges = st.one_of(
    cell,
    st.lists(cell, max_size=8),
    st.lists(row, max_size=6),
    st.lists(st.one_of(cell, row, st.lists(row, max_size=2)), max_size=6),  # nested deeper
    st.lists(cell, max_size=6).map(lambda v: np.array(v, dtype=object)),
    st.lists(st.floats(allow_nan=False), min_size=1, max_size=4).map(lambda v: [np.array(v)]),
)


@settings(deadline=None)
@given(ranges)
def test_numbers_match_a_cell_by_cell_reading(x):
    assert outcome(cells.numbers, x) == outcome(reference_numbers, x)


@settings(deadline=None)
@given(ranges)
def test_values_match_a_cell_by_cell_reading(x):
    assert outcome(cells.values, x) == outcome(reference_values, x)


def test_a_large_column_range_keeps_the_order_and_skips_blanks_and_text():
    column = [[float(i % 11)] for i in range(10_000)]
    column[3] = [None]
    column[5] = ["skipped"]
    column[7] = [True]
    got = cells.numbers(column, "scores")
    assert got.size == 9_997
    assert got[:6].tolist() == [0.0, 1.0, 2.0, 4.0, 6.0, 8.0]


def test_the_first_error_value_in_reading_order_is_passed_on():
    column = [[1.0], ["#REF!"], [float("nan")], [" #n/a "]]
    with pytest.raises(cells.PassedError) as err:
        cells.numbers(column, "scores")
    assert err.value.code == "#REF!"
    with pytest.raises(cells.PassedError) as err:
        cells.values([["x"], [None], ["#num!"], ["#REF!"]], "ids")
    assert err.value.code == "#NUM!"


def test_a_non_finite_number_names_its_position_among_the_numbers():
    with pytest.raises(OutOfRange, match="value 2 is not a finite number"):
        cells.numbers([[1.0], [None], ["x"], [float("inf")]], "amounts")


# ----------------------------------------------------------------- cases found by fuzzing
#: classic xlwings on Windows hands an error value it has no name for as its COM code
WINDOWS_CODES = {"#SPILL!": -2146826243, "#CALC!": -2146826238, "#GETTING_DATA": -2146826245}


@pytest.fixture()
def text_errors(monkeypatch):
    monkeypatch.setenv("RETENTION_XL_ERRORS", "text")


@pytest.mark.parametrize("code, com", sorted(WINDOWS_CODES.items()))
def test_errors_classic_xlwings_hands_over_as_com_codes_are_passed_on(text_errors, code, com):
    # a #SPILL! next door used to be read as the number -2146826243
    assert udfs.CHURN_COST(15.0, com) == code
    assert udfs.AOV([[20.0], [com], [30.0]]) == code
    assert udfs.COHORT([["a"], ["b"]], [[45000.0], [com]]) == code
    assert udfs.CHURN_COST(15.0, float(com)) == 15.0 * com  # the same number typed in a cell is a number


@pytest.mark.parametrize("code", ["#BUSY!", "#CONNECT!", "#FIELD!", "#PYTHON!"])
def test_newer_error_values_are_errors_not_text(text_errors, code):
    assert udfs.NPS([[9.0], [code], [10.0]]) == code


def test_currency_cells_from_classic_xlwings_are_numbers(text_errors):
    # Currency/Accounting formats arrive as Decimal on Windows
    assert udfs.AOV([[Decimal("20.5")], [Decimal(30)], [None]]) == 25.25
    assert udfs.CHURN_COST(Decimal(15), Decimal("30000.00")) == 450000
    ids, dates = [["a"], ["a"], ["b"]], [[45000.0], [45040.0], [45001.0]]
    revenue = udfs.COHORT(ids, dates, "M", "revenue", [[Decimal("10.25")], [Decimal(5)], [Decimal("2.5")]])
    assert revenue[1][2] == 12.75 and revenue[1][3] == 5.0


def test_numpy_booleans_are_ignored_in_ranges_like_excel_booleans(text_errors):
    assert udfs.CES([[np.True_], [3.0], [np.False_], [5.0]]) == 4
    assert udfs.CRR(np.True_, 8.0, 0.0) == "#VALUE! start_customers must be a number, got TRUE"


def test_integers_beyond_a_float_are_num_errors(text_errors):
    assert udfs.CRR(10**400, 8.0, 0.0).startswith("#NUM! start_customers must be a finite number")
    assert udfs.AOV([[10**400]]).startswith("#NUM! amounts: value 1 is not a finite number")
    out = udfs.COHORT([["a"], ["b"]], [[45000.0], [45001.0]], "M", "revenue", [[10**400], [5.0]])
    assert out[1][:3] == ["2023-03", 1.0, 5.0]  # the unreadable amount's order is left out


def test_long_values_are_cut_short_in_the_reason(text_errors):
    out = udfs.COHORT([["a"]], [[45000.0]], 10**100)
    assert out.startswith("#VALUE! period must be text, got the number 1e+100") and len(out) < 100


def test_the_conversions_themselves():
    from retention_xl.excel import cells

    assert cells.values([[Decimal("1.5")], [None], ["a"], [10**400]], "x") == [1.5, None, "a", float("inf")]
    assert cells.numbers([[Decimal("2.25")], [np.True_], [" #n/a "]][:2], "x").tolist() == [2.25]
    with pytest.raises(cells.PassedError) as err:
        cells.numbers([[1.0], [-2146826243]], "x")
    assert err.value.code == "#SPILL!"
    assert cells.number(Decimal("30000.00"), "x") == 30000.0
    assert cells.number(-2146826243.0, "x") == -2146826243.0  # a float is a number, never a code


def test_numpy_numbers_from_python_callers_are_compared_as_python_numbers(text_errors):
    # pandas' hash table compares ids that meet in a slot; numpy compared float32(x) with a
    # Python float by rounding the float to float32: 1e300 overflowed, with a RuntimeWarning
    # on the user's console for each such meeting (2,484 here)
    ids = [[np.float32(i + 0.5)] for i in range(2_000)] + [[1e300 * (i + 1)] for i in range(2_000)]
    dates = [[45000.0 + i % 60] for i in range(len(ids))]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        counts = udfs.COHORT(ids, dates, "M")
    assert [str(w.message) for w in caught] == []
    assert sum(row[1] for row in counts[1:]) == 4_000  # every id a customer of its own
    got = cells.values([[np.float32(0.1)], [np.int64(7)], [np.str_("a")]], "x")
    assert got == [float(np.float32(0.1)), 7, "a"] and [type(v) for v in got] == [float, int, str]


def test_the_formula_boundary_refuses_infinite_and_nan_results_scalar_or_spilled():
    spill = cells.excel_formula(lambda *rows: [["Customer", "P(alive)", "CLV"], *rows])
    assert spill(["a", 0.5, 10.0], ["b", 0.25, float("-inf")]) == "#NUM! the result is too large to show as a number (CLV of b)"
    assert spill(["a", np.float64("nan"), 1.0]) == "#NUM! the result is not a number (P(alive) of a)"
    assert spill(["a", 0.5, ""]) == [["Customer", "P(alive)", "CLV"], ["a", 0.5, ""]]  # a blank cell is fine
    scalar = cells.excel_formula(lambda x: x)
    assert scalar(float("nan")) == "#NUM! the result is not a number"
    assert scalar(np.float64("inf")) == "#NUM! the result is too large to show as a number"
    assert scalar([[1.0, float("inf")]]) == "#NUM! the result is too large to show as a number"  # no header to name


def test_a_number_where_text_belongs_is_shown_as_the_cell_shows_it(text_errors):
    # =COHORT(A2:A9, B2:B9, 1): the reason said "got 1.0", a number no cell shows
    assert udfs.COHORT([["a"]], [[45000.0]], 1.0) == "#VALUE! period must be text, got the number 1"
    assert udfs.COHORT([["a"]], [[45000.0]], None, 0.25) == "#VALUE! show must be text, got the number 0.25"


@pytest.mark.parametrize(("value", "said"), [
    ("yes", 'the text "yes"'), (dt.datetime(2024, 1, 5), "the date 2024-01-05"),
])
def test_a_flag_asks_for_true_or_false(value, said):
    # =CLV_PREDICT(..., "yes") said "intervals must be a number"
    from retention_xl.errors import InvalidValue
    from retention_xl.excel import cells

    with pytest.raises(InvalidValue, match=f"^intervals must be TRUE or FALSE, got {said}$"):
        cells.optional_flag(value, "intervals")
    assert cells.optional_flag(1.0, "intervals") and not cells.optional_flag(0.0, "intervals")


def test_a_flag_given_the_empty_text_of_a_formula_is_false():
    # a cell holding ="" (an IF that chose nothing) is as blank as an empty cell, as for the
    # optional numbers; it said "intervals is blank; it needs a number"
    from retention_xl.excel import cells

    assert cells.optional_flag("", "intervals") is False
    assert cells.optional_flag([[" "]], "intervals") is False
