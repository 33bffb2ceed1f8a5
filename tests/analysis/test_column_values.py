"""One column as codes into its distinct values: the same as pandas' factorize, however found."""

import numpy as np
import pandas as pd
from hypothesis import example, given
from hypothesis import strategies as st

from retention_xl.analysis.column_values import ColumnValues


def assert_factorized(values: pd.Series) -> None:
    got = ColumnValues.of(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    assert got.codes.tolist() == codes.tolist()
    assert list(got.uniques) == list(uniques)
    assert got.uniques.dtype == pd.Series(uniques).dtype
    assert got.counts.tolist() == np.bincount(codes[codes >= 0], minlength=len(uniques)).tolist()


arrangements = st.sampled_from(["as drawn", "ascending", "descending"])


def arranged(values: list, how: str) -> list:
    return values if how == "as drawn" else sorted(values, reverse=how == "descending")


@given(st.lists(st.integers(-3, 3) | st.integers(-2**63, 2**63 - 1), max_size=30), arrangements,
       st.sampled_from(["int64", "int32", "uint64"]))
@example([5, 5, 2, 2, 2, -1], "as drawn", "int64")
@example([0, 0, 1, 1, 9], "as drawn", "int64")
def test_whole_numbers_in_any_order(values, how, dtype):
    values = arranged(values, how)
    if dtype == "uint64":
        values = [abs(v) % 2**63 for v in values]
    elif dtype == "int32":
        values = [v % 2**31 for v in values]
    assert_factorized(pd.Series(values, dtype=dtype))


@given(st.lists(st.integers(0, 5) | st.none(), max_size=30), arrangements, st.sampled_from(["s", "us", "ns"]))
@example([1, 1, 3, None, 4], "as drawn", "us")
def test_datetimes_in_any_order_and_with_missing_ones(days, how, unit):
    present = arranged([d for d in days if d is not None], how)
    if None in days:
        present.insert(len(present) // 2, None)
    stamps = [pd.NaT if d is None else pd.Timestamp("2024-01-01") + pd.Timedelta(hours=6 * d) for d in present]
    assert_factorized(pd.Series(pd.DatetimeIndex(stamps).as_unit(unit)))


@given(st.lists(st.sampled_from(["a", "b", "b ", "C", "", "ب"]), max_size=30), arrangements)
def test_text_in_any_order(values, how):
    assert_factorized(pd.Series(arranged(values, how), dtype="str"))


def test_customers_named_nan_nil_or_na_are_customers_and_a_programs_blank_words_are_not():
    col = ColumnValues.of(pd.Series(["Nan", "Nil", "Na", "nan", "NaN", "NA", "null", "NULL", "None", "nil", "N/A"]))
    assert col.missing_rows().tolist() == [False, False, False] + [True] * 8
