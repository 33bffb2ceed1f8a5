"""Customer summary: worked by hand, against a plain pandas groupby, invariants, errors."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from order_tables import START, order_tables, table

from retention_xl.analysis.customers import customer_summary
from retention_xl.errors import DataError

COLUMNS = [
    "first_order", "last_order", "orders", "revenue", "days_since_last",
    "frequency", "recency", "T", "monetary",
]


# The three customers of test_cohorts.py / test_kpis.py, plus d whose only row is a refund.
THREE = table(
    [
        ("a", "2024-01-05", 100),
        ("b", "2024-01-15", 40),
        ("c", "2024-02-01", 60),
        ("b", "2024-02-03", -10),
        ("a", "2024-02-20", 50),
        ("d", "2024-03-10", -15),
        ("a", "2024-04-10", 30),
        ("c", "2024-04-25", 20),
    ]
)


# ----------------------------------------------------------------- worked by hand
def test_three_customers_with_the_default_as_of():
    # as_of defaults to the last order day, 2024-04-25 (2024 is a leap year), as lifetimes,
    # BTYD and the papers measure T.
    # a: orders 01-05, 02-20, 04-10 -> 3 orders, revenue 180; 15 days since 04-10;
    #    3 order days -> frequency 2; recency 01-05 -> 04-10 = 26 + 29 + 31 + 10 = 96;
    #    T 01-05 -> 04-25 = 111; monetary = mean of the repeat days (50 + 30) / 2 = 40.
    # b: one order 01-15 (40) and a 10 refund -> 1 order, revenue 30; 101 days since
    #    (16 + 29 + 31 + 25); frequency 0, recency 0, T 101, monetary 0 (no repeat day).
    # c: 02-01 and 04-25 -> 2 orders, revenue 80; 0 days since; frequency 1;
    #    recency 29 + 31 + 24 = 84; T 84; monetary 20.
    # d: refunds only -> no first order, not a customer of the summary.
    s = customer_summary(THREE)
    assert s.index.tolist() == ["a", "b", "c"]
    assert s.index.name == "customer"
    assert s.columns.tolist() == COLUMNS
    assert s["first_order"].tolist() == list(pd.to_datetime(["2024-01-05", "2024-01-15", "2024-02-01"]))
    assert s["last_order"].tolist() == list(pd.to_datetime(["2024-04-10", "2024-01-15", "2024-04-25"]))
    assert s[["orders", "revenue", "days_since_last", "frequency", "recency", "T", "monetary"]].to_numpy().tolist() == [
        [3, 180, 15, 2, 96, 111, 40],
        [1, 30, 101, 0, 0, 101, 0],
        [2, 80, 0, 1, 84, 84, 20],
    ]


def test_an_explicit_as_of_moves_recency_and_age_only():
    # One month later (2024-05-26): days since last and T grow by 31, nothing else moves.
    s0 = customer_summary(THREE)
    s = customer_summary(THREE, pd.Timestamp("2024-05-26"))
    assert (s["days_since_last"] - s0["days_since_last"]).tolist() == [31, 31, 31]
    assert (s["T"] - s0["T"]).tolist() == [31, 31, 31]
    keep = ["first_order", "last_order", "orders", "revenue", "frequency", "recency", "monetary"]
    pd.testing.assert_frame_equal(s[keep], s0[keep])


def test_orders_on_the_same_day_are_one_purchase_for_the_models():
    # e buys twice on 03-01 (10 + 20), twice on 03-05 (5 + 15) and once on 03-09 (40):
    # 5 orders, but 3 order days: frequency 2, recency 8, and monetary is the mean of the
    # repeat days' totals: (20 + 40) / 2 = 30. The first day's 30 is not part of it.
    orders = table(
        [
            ("e", "2024-03-01 09:00", 10),
            ("e", "2024-03-01 17:00", 20),
            ("e", "2024-03-05 08:00", 5),
            ("e", "2024-03-05 20:00", 15),
            ("e", "2024-03-09 12:00", 40),
        ]
    )
    s = customer_summary(orders).loc["e"]
    assert [s["orders"], s["frequency"], s["recency"], s["T"], s["monetary"], s["revenue"]] == [5, 2, 8, 8, 30, 90]


def test_a_refund_does_not_change_the_models_inputs():
    # f buys 30 on 01-01 and 50 on 01-11, and gets 20 back on 01-20: the refund is neither
    # an order day nor part of monetary (50), but it does reduce revenue (60). The data run
    # to 01-20, so as_of is 01-20: T = 19, and the last order stays 01-11 (9 days ago).
    orders = table([("f", "2024-01-01", 30), ("f", "2024-01-11", 50), ("f", "2024-01-20", -20)])
    s = customer_summary(orders).loc["f"]
    assert s["last_order"] == pd.Timestamp("2024-01-11")
    assert [s["orders"], s["revenue"], s["frequency"], s["recency"], s["T"], s["monetary"], s["days_since_last"]] == [
        2, 60, 1, 10, 19, 50, 9,
    ]


def test_customers_who_ordered_on_the_same_day_have_the_same_days_since_last():
    # g at 00:00 and h at 23:00 on 01-20, the last day of data: both ordered on the day of
    # as_of (01-20), whatever the hour (the time of day would otherwise split their R score).
    orders = table([("g", "2024-01-20 00:00", 7), ("h", "2024-01-20 23:00", 3), ("g", "2024-01-18", 1)])
    s = customer_summary(orders)
    assert s["days_since_last"].tolist() == [0, 0]
    assert s["T"].tolist() == [2, 0]


def test_customers_are_listed_in_order_of_first_appearance():
    # z's refund is its first row, but z still comes first once it has an order.
    orders = table([("z", "2024-01-01", -5), ("y", "2024-01-02", 1), ("z", "2024-01-03", 2)])
    assert customer_summary(orders).index.tolist() == ["z", "y"]
    assert customer_summary(orders).loc["z", "revenue"] == -3


def test_customers_first_seen_at_the_same_time_are_listed_by_id():
    # the rows' order must not decide (sorting a sheet would change sums over customers)
    rows = [("k2", "2024-01-01", 1), ("k10", "2024-01-01", 1), ("a", "2024-01-02", 1), ("k1", "2024-01-01", -1),
            ("k1", "2024-01-03", 2)]  # k1 is first seen on 01-01 (a refund), as z above
    assert customer_summary(table(rows)).index.tolist() == ["k1", "k10", "k2", "a"]
    assert customer_summary(table(rows[::-1])).index.tolist() == ["k1", "k10", "k2", "a"]


def test_all_refund_table_is_a_data_error():
    with pytest.raises(DataError, match="every row is a refund"):
        customer_summary(table([("a", "2024-01-01", -5), ("b", "2024-02-01", -1)]))


# ----------------------------------------------------------------- against a plain groupby
def reference_summary(orders, as_of=None):
    """The column definitions with a plain groupby, in days."""
    if as_of is None:
        as_of = orders["date"].max().normalize()
    as_of_day = pd.Timestamp(as_of).normalize()
    buys = orders[orders["amount"] >= 0].assign(day=lambda o: o["date"].dt.normalize())
    g = buys.groupby("customer", sort=False)
    first_day = g["day"].min()
    daily = buys.groupby(["customer", "day"])["amount"].sum().reset_index()
    repeat_days = daily[daily["day"] != daily["customer"].map(first_day)]

    out = pd.DataFrame(
        {
            "first_order": g["date"].min(),
            "last_order": g["date"].max(),
            "orders": g.size(),
            "revenue": orders.groupby("customer")["amount"].sum().reindex(g.size().index),
            "days_since_last": (as_of_day - g["day"].max()).dt.days,
            "frequency": g["day"].nunique() - 1,
            "recency": (g["day"].max() - first_day).dt.days.astype(float),
            "T": (as_of_day - first_day).dt.days.astype(float),
        }
    )
    out["monetary"] = repeat_days.groupby("customer")["amount"].mean().reindex(out.index).fillna(0.0)
    return out


def assert_same_summary(actual, expected):
    actual, expected = actual.sort_index(), expected.sort_index()
    assert actual.index.tolist() == expected.index.tolist()
    assert actual.columns.tolist() == COLUMNS
    for name in COLUMNS:
        a, e = actual[name], expected[name]
        if name in ("revenue", "monetary"):
            np.testing.assert_allclose(a.to_numpy(float), e.to_numpy(float), rtol=1e-12, err_msg=name)
        else:
            assert a.tolist() == e.tolist(), name


as_of_moments = st.none() | st.builds(
    lambda day, hour: START + pd.Timedelta(hours=24 * day + hour), st.integers(0, 400), st.integers(0, 23)
)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@given(order_tables(max_rows=14, max_days=120), as_of_moments)
def test_summary_matches_a_plain_groupby(orders, as_of):
    # as_of: the default (the day of the last row) or any moment, even mid-day
    assert_same_summary(customer_summary(orders, as_of), reference_summary(orders, as_of))


def test_summary_matches_a_plain_groupby_on_seeded_tables():
    rng = np.random.default_rng(11)
    for _ in range(20):
        n = int(rng.integers(1, 80))
        orders = pd.DataFrame(
            {
                "customer": rng.choice([f"c{i}" for i in range(12)], n),
                "date": START + pd.to_timedelta(rng.integers(0, 200 * 24 * 60, n), unit="min"),
                "amount": np.where(rng.random(n) < 0.2, -1.0, 1.0) * rng.integers(1, 80, n),
            }
        )
        if (orders["amount"] < 0).all():
            continue
        assert_same_summary(customer_summary(orders), reference_summary(orders))


# ----------------------------------------------------------------- invariants
@given(order_tables(max_rows=14, max_days=120), st.randoms(use_true_random=False))
def test_summary_invariants_and_row_order(orders, rnd):
    s = customer_summary(orders)
    assert (s["first_order"] <= s["last_order"]).all()
    assert (s["orders"] >= 1).all() and (s["frequency"] >= 0).all()
    assert (s["frequency"] <= s["orders"] - 1).all()
    assert (s["recency"] <= s["T"]).all() and (s["recency"] >= 0).all()
    # with the default as_of, T - recency is the days since the last order, at least 0
    assert (s["T"] - s["recency"] == s["days_since_last"]).all()
    assert (s["days_since_last"] >= 0).all()
    assert ((s["frequency"] == 0) == (s["recency"] == 0)).all()
    assert (s.loc[s["frequency"] == 0, "monetary"] == 0).all()
    assert s["orders"].sum() == (orders["amount"] >= 0).sum()
    shuffled = orders.iloc[rnd.sample(range(len(orders)), len(orders))].reset_index(drop=True)
    pd.testing.assert_frame_equal(customer_summary(shuffled), s)  # the same rows in the same order
