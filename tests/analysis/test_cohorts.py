"""Acquisition cohorts: tables worked by hand, a brute-force cross-check, invariants."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from order_tables import START, order_tables, table

from retention_xl.analysis.cohorts import cohort_tables
from retention_xl.analysis.periods import period_labels, period_ordinals
from retention_xl.errors import DataError, InvalidValue

NAN = np.nan


# Three customers over four months of 2024:
#   a buys in January, February and April (it skips March and comes back);
#   b buys in January and gets a 10.00 refund in February (not an order);
#   c buys in February, lapses in March and returns in April.
THREE = table(
    [
        ("a", "2024-01-05", 100),
        ("b", "2024-01-15", 40),
        ("c", "2024-02-01", 60),
        ("b", "2024-02-03", -10),
        ("a", "2024-02-20", 50),
        ("a", "2024-04-10", 30),
        ("c", "2024-04-25", 20),
    ]
)


def frame(rows, index):
    return pd.DataFrame(rows, index=index, columns=[f"P{k}" for k in range(len(rows[0]))], dtype=float)


# ----------------------------------------------------------------- worked by hand
def test_monthly_cohorts_of_three_customers():
    # Cohorts: a and b first buy in 2024-01, c in 2024-02; nobody is acquired in March or
    # April, so those are not cohorts. The data run to April, so the January cohort has
    # P0..P3 and the February cohort P0..P2 (its P3 would be May: not reached, NaN).
    # January cohort: P0 (Jan) a, b | P1 (Feb) a (b's refund is not an order) | P2 (Mar)
    #   nobody | P3 (Apr) a.
    # February cohort: P0 (Feb) c | P1 (Mar) nobody | P2 (Apr) c.
    c = cohort_tables(THREE, "M")
    idx = ["2024-01", "2024-02"]
    assert c.period == "M"
    pd.testing.assert_series_equal(c.size, pd.Series([2.0, 1.0], index=idx, name="size"))
    pd.testing.assert_frame_equal(c.customers, frame([[2.0, 1, 0, 1], [1.0, 0, 1, NAN]], idx))
    pd.testing.assert_frame_equal(c.retention, frame([[1.0, 0.5, 0, 0.5], [1.0, 0, 1, NAN]], idx))
    pd.testing.assert_frame_equal(c.orders, frame([[2.0, 1, 0, 1], [1.0, 0, 1, NAN]], idx))
    # Revenue is net: January cohort P0 = 100 + 40, P1 = a's 50 minus b's 10 refund,
    # P3 = 30; February cohort P0 = 60, P2 = 20.
    pd.testing.assert_frame_equal(c.revenue, frame([[140.0, 40, 0, 30], [60.0, 0, 20, NAN]], idx))


def test_quarterly_cohorts_of_the_same_customers():
    # Everybody's first order is in Q1, so there is one cohort of 3. In Q2 (April) a and
    # c buy again: retention 2/3. Revenue Q1 = 100 + 40 + 60 - 10 + 50 = 240, Q2 = 30 + 20;
    # orders Q1 = 4 (a twice, b, c: the refund is not one), Q2 = 2.
    c = cohort_tables(THREE, "quarter")
    idx = ["2024-Q1"]
    assert c.period == "Q"
    assert c.size.tolist() == [3.0]
    pd.testing.assert_frame_equal(c.customers, frame([[3.0, 2.0]], idx))
    pd.testing.assert_frame_equal(c.retention, frame([[1.0, 2 / 3]], idx))
    pd.testing.assert_frame_equal(c.revenue, frame([[240.0, 50.0]], idx))
    pd.testing.assert_frame_equal(c.orders, frame([[4.0, 2.0]], idx))


def test_yearly_cohorts_split_on_new_year():
    # x buys on New Year's Eve 2022 and in 2024; y first buys on 1 January 2023 and again
    # in 2023 (two orders, one active customer); z buys in 2024 only.
    orders = table(
        [
            ("x", "2022-12-31 23:30", 10),
            ("y", "2023-01-01 00:10", 20),
            ("y", "2023-07-01", 5),
            ("x", "2024-03-01", 7),
            ("z", "2024-05-05", 1),
        ]
    )
    c = cohort_tables(orders, "Y")
    idx = ["2022", "2023", "2024"]
    assert c.size.tolist() == [1.0, 1.0, 1.0]
    # 2022 cohort: x in 2022 (P0), not in 2023 (P1), back in 2024 (P2).
    pd.testing.assert_frame_equal(
        c.customers, frame([[1.0, 0, 1], [1.0, 0, NAN], [1.0, NAN, NAN]], idx)
    )
    pd.testing.assert_frame_equal(
        c.orders, frame([[1.0, 0, 1], [2.0, 0, NAN], [1.0, NAN, NAN]], idx)
    )
    pd.testing.assert_frame_equal(
        c.revenue, frame([[10.0, 0, 7], [25.0, 0, NAN], [1.0, NAN, NAN]], idx)
    )


def test_weekly_cohorts_start_on_monday():
    # Sunday 2024-01-07 closes the week of Monday 2024-01-01; Monday 2024-01-08 starts the
    # next. p buys on that Sunday and the next day: P0 and P1 of the 01-01 cohort.
    # q buys on Monday 01-08 and Sunday 01-14 (same week, P0 only) and Monday 01-22 (P2).
    # The week of 01-15 has no first order, so it is not a cohort.
    orders = table(
        [
            ("p", "2024-01-07 18:00", 3),
            ("p", "2024-01-08 09:00", 4),
            ("q", "2024-01-08", 5),
            ("q", "2024-01-14", 6),
            ("q", "2024-01-22", 7),
        ]
    )
    c = cohort_tables(orders, "W")
    idx = ["2024-01-01", "2024-01-08"]
    assert c.size.tolist() == [1.0, 1.0]
    pd.testing.assert_frame_equal(
        c.customers, frame([[1.0, 1, 0, 0], [1.0, 0, 1, NAN]], idx)
    )
    pd.testing.assert_frame_equal(
        c.orders, frame([[1.0, 1, 0, 0], [2.0, 0, 1, NAN]], idx)
    )
    pd.testing.assert_frame_equal(
        c.revenue, frame([[3.0, 4, 0, 0], [11.0, 0, 7, NAN]], idx)
    )


def test_refund_only_customer_is_no_cohort_and_adds_no_revenue():
    # d only has a refund (an order from before the data, say): it has no first order, so
    # it is in no cohort and its refund belongs to no cohort's revenue. Every matrix is
    # the same as without d.
    with_d = pd.concat([THREE, table([("d", "2024-03-10", -15)])], ignore_index=True)
    c, c0 = cohort_tables(with_d, "M"), cohort_tables(THREE, "M")
    pd.testing.assert_series_equal(c.size, c0.size)
    for name in ("customers", "retention", "revenue", "orders"):
        pd.testing.assert_frame_equal(getattr(c, name), getattr(c0, name))


def test_refund_before_the_first_order_is_booked_in_period_0_of_its_own_cohort():
    # e's refund in December predates its first order (February): it reduces the February
    # cohort's P0, and never the January cohort's figures.
    orders = pd.concat(
        [THREE, table([("e", "2023-12-20", -5), ("e", "2024-02-10", 8)])], ignore_index=True
    )
    c = cohort_tables(orders, "M")
    assert c.size.tolist() == [2.0, 2.0]
    assert c.revenue.loc["2024-01"].tolist() == [140.0, 40, 0, 30]
    assert c.revenue.loc["2024-02", "P0"] == 60 + 8 - 5


def test_later_refund_reduces_revenue_in_the_period_it_happens():
    # b's refund moves to March: January cohort P1 = 50, P2 = -10; nobody becomes active.
    orders = THREE.copy()
    orders.loc[orders["amount"] < 0, "date"] = pd.Timestamp("2024-03-02")
    c = cohort_tables(orders, "M")
    assert c.revenue.loc["2024-01"].tolist() == [140.0, 50, -10, 30]
    assert c.customers.loc["2024-01"].tolist() == [2.0, 1, 0, 1]


def test_one_customer_one_order():
    c = cohort_tables(table([("solo", "2024-06-15", 9.5)]), "M")
    assert c.size.tolist() == [1.0]
    assert c.retention.to_numpy().tolist() == [[1.0]]
    assert c.revenue.to_numpy().tolist() == [[9.5]]


# ----------------------------------------------------------------- errors
def test_all_refund_table_is_a_data_error():
    with pytest.raises(DataError, match="every row is a refund"):
        cohort_tables(table([("a", "2024-01-01", -5), ("b", "2024-02-01", -1)]), "M")


def test_unknown_period_is_invalid_value():
    with pytest.raises(InvalidValue):
        cohort_tables(THREE, "D")


# ----------------------------------------------------------------- brute force
def reference_cohorts(orders, code):
    """The definitions, one customer and one cell at a time."""
    per = period_ordinals(orders["date"], code)
    rows = list(zip(orders["customer"], per, orders["amount"]))
    cohort = {}
    for c, p, amount in rows:
        if amount >= 0:
            cohort[c] = min(cohort.get(c, p), p)
    firsts = sorted(set(cohort.values()))
    last = max(p for c, p, _ in rows if c in cohort)
    width = last - firsts[0] + 1
    out = {name: np.full((len(firsts), width), np.nan) for name in ("customers", "revenue", "orders")}
    size = []
    for i, k0 in enumerate(firsts):
        members = {c for c, k in cohort.items() if k == k0}
        size.append(float(len(members)))
        for k in range(last - k0 + 1):
            p = k0 + k
            out["customers"][i, k] = len({c for c, q, a in rows if c in members and q == p and a >= 0})
            out["orders"][i, k] = sum(1 for c, q, a in rows if c in members and q == p and a >= 0)
            out["revenue"][i, k] = sum(
                a for c, q, a in rows if c in members and (q == p or (k == 0 and q < k0))
            )
    labels = period_labels(np.array(firsts), code)
    return size, labels, out


@given(order_tables(max_rows=14, max_days=400), st.sampled_from(["W", "M", "Q", "Y"]))
def test_cohort_tables_match_the_definitions(orders, code):
    if code == "W":
        orders = orders.assign(date=START + (orders["date"] - START) / 8)  # ~50 days, ~7 weeks
    c = cohort_tables(orders, code)
    size, labels, expected = reference_cohorts(orders, code)
    assert c.size.index.tolist() == labels
    assert c.size.tolist() == size
    for name, values in expected.items():
        np.testing.assert_array_equal(getattr(c, name).to_numpy(), values, err_msg=name)
        assert getattr(c, name).index.tolist() == labels
    np.testing.assert_allclose(
        c.retention.to_numpy(), expected["customers"] / np.array(size)[:, None], rtol=0, atol=1e-15
    )


def test_cohort_tables_match_the_definitions_on_seeded_tables():
    rng = np.random.default_rng(20240601)
    for _ in range(30):
        n = int(rng.integers(1, 40))
        orders = pd.DataFrame(
            {
                "customer": rng.choice(list("abcdefgh"), n),
                "date": START + pd.to_timedelta(rng.integers(0, 365 * 24, n), unit="h"),
                "amount": np.where(rng.random(n) < 0.2, -1.0, 1.0) * rng.integers(1, 50, n),
            }
        )
        if (orders["amount"] < 0).all():
            continue
        c = cohort_tables(orders, "M")
        size, labels, expected = reference_cohorts(orders, "M")
        assert c.size.tolist() == size
        for name, values in expected.items():
            np.testing.assert_array_equal(getattr(c, name).to_numpy(), values, err_msg=name)


# ----------------------------------------------------------------- invariants
@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@given(order_tables(max_rows=14, max_days=400), st.sampled_from(["W", "M", "Q", "Y"]), st.randoms(use_true_random=False))
def test_cohort_invariants_and_row_order(orders, code, rnd):
    c = cohort_tables(orders, code)
    cust, ret = c.customers.to_numpy(), c.retention.to_numpy()
    reached = ~np.isnan(cust)
    # active customers never exceed the cohort size; everyone is active in P0
    assert (cust[reached] <= np.broadcast_to(c.size.to_numpy()[:, None], cust.shape)[reached]).all()
    assert (c.customers["P0"] == c.size).all()
    assert (c.retention["P0"] == 1.0).all()
    assert ((ret[reached] >= 0) & (ret[reached] <= 1)).all()
    # the unreached cells are the same in every matrix, and form a staircase: each cohort
    # reaches one period fewer than the one before it
    for name in ("retention", "revenue", "orders"):
        assert (np.isnan(getattr(c, name).to_numpy()) == ~reached).all()
    assert np.all(np.diff(reached.sum(axis=1)) <= -1)
    assert reached[0].all()
    # every order is in one cell, and all the net revenue of customers with a cohort too
    buyers = orders.loc[orders["amount"] >= 0, "customer"].unique()
    assert np.nansum(c.orders.to_numpy()) == (orders["amount"] >= 0).sum()
    assert np.nansum(c.revenue.to_numpy()) == pytest.approx(
        orders.loc[orders["customer"].isin(buyers), "amount"].sum()
    )
    assert c.size.sum() == len(buyers)

    # nothing depends on the order of the rows
    shuffled = orders.iloc[rnd.sample(range(len(orders)), len(orders))].reset_index(drop=True)
    b = cohort_tables(shuffled, code)
    pd.testing.assert_series_equal(b.size, c.size)
    for name in ("customers", "retention", "revenue", "orders"):
        pd.testing.assert_frame_equal(getattr(b, name), getattr(c, name))
