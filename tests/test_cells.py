"""What Excel hands a formula, read the way Excel means it (cases found by fuzzing the formulas).

Classic xlwings on Windows hands errors it has no name for as COM codes and Currency cells as
``Decimal``; xlwings Lite hands the newer error values (``#BUSY!``, ``#FIELD!`` ...) as text.
"""

from decimal import Decimal

import numpy as np
import pytest

from retention_xl import udfs

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
    assert udfs.CRR(np.True_, 8.0, 0.0) == "#VALUE! start must be a number, got TRUE"


def test_integers_beyond_a_float_are_num_errors(text_errors):
    assert udfs.CRR(10**400, 8.0, 0.0).startswith("#NUM! start must be a finite number")
    assert udfs.AOV([[10**400]]).startswith("#NUM! amounts: value 1 is not a finite number")
    out = udfs.COHORT([["a"], ["b"]], [[45000.0], [45001.0]], "M", "revenue", [[10**400], [5.0]])
    assert out[1][:3] == ["2023-03", 1.0, 5.0]  # the unreadable amount's order is left out


def test_long_values_are_cut_short_in_the_reason(text_errors):
    out = udfs.COHORT([["a"]], [[45000.0]], 10**100)
    assert out.startswith("#VALUE! period must be text, got 1000") and len(out) < 100


def test_the_conversions_themselves():
    from retention_xl.excel import cells

    assert cells.values([[Decimal("1.5")], [None], ["a"], [10**400]], "x") == [1.5, None, "a", float("inf")]
    assert cells.numbers([[Decimal("2.25")], [np.True_], [" #n/a "]][:2], "x").tolist() == [2.25]
    with pytest.raises(cells.PassedError) as err:
        cells.numbers([[1.0], [-2146826243]], "x")
    assert err.value.code == "#SPILL!"
    assert cells.number(Decimal("30000.00"), "x") == 30000.0
    assert cells.number(-2146826243.0, "x") == -2146826243.0  # a float is a number, never a code
