"""Exact money sums: the same float as DuckDB's DECIMAL(38, 9) sum cast to DOUBLE, whatever
the order of the rows."""

from fractions import Fraction

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention_xl.analysis.money import money_sum, money_sums
from retention_xl.engines.definitions import MONEY


@pytest.mark.parametrize(("label", "amounts"), [
    ("cents", lambda rng, m: np.round(rng.gamma(2.0, 100.0, m), 2)),
    ("three decimals (KWD, BHD, OMR)", lambda rng, m: np.round(rng.gamma(2.0, 1000.0, m), 3)),
    ("rials", lambda rng, m: np.round(rng.gamma(2.0, 1e7, m), 0)),
    ("price x quantity", lambda rng, m: np.round(rng.gamma(2.0, 5.0, m), 2) * rng.integers(1, 12, m)),
    # large amounts in cents: the double of 8596775.45 lies below it, its billionths do not
    ("millions in cents", lambda rng, m: np.round(rng.uniform(0, 1e8, m), 2)),
    ("any double", lambda rng, m: rng.uniform(-1e3, 1e3, m)),
])
def test_the_sums_are_duckdbs(label, amounts):
    rng = np.random.default_rng(5)
    m, groups = 200_000, 20_000
    frame = pd.DataFrame({"key": rng.integers(0, groups, m), "amount": amounts(rng, m)})
    frame.loc[rng.random(m) < 0.05, "amount"] *= -1  # refunds
    theirs = duckdb.connect().execute(
        f"SELECT key, CAST(SUM(CAST(amount AS {MONEY})) AS DOUBLE) AS s FROM frame GROUP BY key ORDER BY key").df()
    ours = money_sums(frame["key"].to_numpy(), frame["amount"].to_numpy(), groups)[theirs["key"].to_numpy()]
    assert ours.tobytes() == theirs["s"].to_numpy().tobytes(), label
    plain = np.bincount(frame["key"], weights=frame["amount"], minlength=groups)[theirs["key"].to_numpy()]
    if label not in ("rials", "millions in cents"):  # whole numbers add exactly as doubles too
        assert (plain != theirs["s"].to_numpy()).any()  # what a plain sum of doubles gives


@given(st.lists(st.integers(-10**8, 10**8).map(lambda c: c / 100), min_size=1, max_size=60), st.randoms())
def test_the_order_of_the_rows_does_not_matter(amounts, random):
    shuffled = list(amounts)
    random.shuffle(shuffled)
    total = money_sum(np.array(amounts))
    assert money_sum(np.array(shuffled)) == total
    assert total == float(sum(Fraction(round(a * 100), 100) for a in amounts))  # the exact sum, rounded once


def test_missing_and_infinite_amounts():
    sums = money_sums(np.array([0, 0, 1, 1, 2]), np.array([1.25, np.nan, 2.0, np.inf, 3.5]), 4)
    assert sums[0] == 1.25 and np.isnan(sums[1]) and sums[2] == 3.5 and sums[3] == 0.0


def test_the_duckdb_rounding_of_each_amount():
    # 8596775.45 is stored as 8596775.4499999992549...: times 10^9 in floating point it
    # rounds to ...449999999 billionths, in DuckDB as here
    amounts = np.array([8596775.45, 0.01])
    con = duckdb.connect()
    con.register("frame", pd.DataFrame({"amount": amounts}))
    theirs = con.execute(f"SELECT CAST(SUM(CAST(amount AS {MONEY})) AS DOUBLE) FROM frame").fetchone()[0]
    assert money_sum(amounts) == theirs == 8596775.459999999


def test_large_sums_are_duckdbs_to_the_bit():
    amounts = np.array([7e9 + 0.37, 7e9 + 0.41, 123456789.01, -2.5e9])
    con = duckdb.connect()
    con.register("frame", pd.DataFrame({"amount": amounts}))
    exact = con.execute(  # DuckDB's exact decimal sum, as text
        f"SELECT CAST(SUM(CAST(amount AS {MONEY})) AS VARCHAR) FROM frame").fetchone()[0]
    theirs = con.execute(f"SELECT CAST(SUM(CAST(amount AS {MONEY})) AS DOUBLE) FROM frame").fetchone()[0]
    assert money_sum(amounts) == float(Fraction(exact)) == theirs
    many = np.full(3_000_000, 0.01)  # billionths past 2^53 in total: added as integers
    assert money_sum(many) == 30000.0


@pytest.mark.filterwarnings("error")  # no overflow on the way
def test_keys_past_the_int64_parts_are_still_duckdbs_and_the_others_stay_exact():
    keys = np.array([0, 0, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 4])
    amounts = np.array([1e20, 1.0, 5.0, 219.79, 0.1, 0.2, 1e20, 1.0, -1e20, 1e28, 1e28, 1e28, 0.1])
    con = duckdb.connect()
    con.register("frame", pd.DataFrame({"key": keys, "amount": amounts}))
    theirs = dict(con.execute(
        f"SELECT key, CAST(SUM(CAST(amount AS {MONEY})) AS DOUBLE) FROM frame GROUP BY key").fetchall())
    ours = money_sums(keys, amounts, 5).tolist()
    assert ours == [theirs[k] for k in range(5)]
    assert ours[3] == 1.0  # as floats, 1e20 + 1 - 1e20 was 0.0
    many = np.full(20, 9e17)  # each below the limit, their total above it
    assert money_sums(np.zeros(20, dtype=np.int64), many, 1).tolist() == [1.8e19]


@pytest.mark.filterwarnings("error")
def test_amounts_past_decimal_are_summed_exactly_and_past_the_largest_float_are_infinite():
    # DuckDB's DECIMAL(38, 9) cannot hold these; the exact sum is still the answer
    assert money_sum(np.array([1e308, 1e308, 5.0, -1e308, -1e308])) == 5.0
    assert money_sum(np.array([1e300, -1e300, 0.5])) == 0.5
    keys = np.array([0, 1, 1, 2, 2])
    assert money_sums(keys, np.array([1e300, 1e308, 1e308, -1e308, -1e308]), 3).tolist() == [
        1e300, float("inf"), float("-inf")]
