"""RFM scores, segments, at-risk flag, Pareto and the segment summary: worked by hand,
against the definitions, invariants."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from order_tables import order_tables, table

from retention_xl.analysis.customers import customer_summary
from retention_xl.analysis.segments import (
    AT_RISK_FACTOR,
    AT_RISK_MIN_DAYS,
    SEGMENT_GRID,
    SEGMENTS,
    at_risk,
    median_gaps,
    pareto,
    rfm_scores,
    rfm_segments,
    segment_summary,
)


def summary(days_since_last, orders, revenue, ids=None):
    ids = ids or [f"c{i}" for i in range(len(orders))]
    return pd.DataFrame(
        {"days_since_last": days_since_last, "orders": orders, "revenue": revenue},
        index=pd.Index(ids, name="customer"),
    )


# ----------------------------------------------------------------- scores by hand
def test_scores_of_five_customers():
    # score = 1 + floor(5 * (customers with a strictly worse value) / 5)
    # R (fewer days is better): 1 day -> 4 worse -> 5; the two 5-day customers -> 2 worse
    #   (40, 100) -> 3 each; 40 days -> 1 worse -> 2; 100 days -> 1.
    # F: one order -> 1; the repeat buyers (2 and 6 orders) score 2 + floor(4 * fewer / 2):
    #   2 orders -> 2, 6 orders -> 4.
    # M: distinct revenues 10..50 -> 1..5.
    s = summary([1, 5, 5, 40, 100], [1, 1, 1, 2, 6], [10.0, 20, 30, 40, 50])
    scores = rfm_scores(s)
    assert scores.columns.tolist() == ["r", "f", "m"]
    assert scores.index.equals(s.index)
    assert scores["r"].tolist() == [5, 3, 3, 2, 1]
    assert scores["f"].tolist() == [1, 1, 1, 2, 4]
    assert scores["m"].tolist() == [1, 2, 3, 4, 5]
    # segments from (R, F): (5,1) New, (3,1) About to sleep twice, (2,2) Hibernating,
    # (1,4) At risk
    assert rfm_segments(scores).tolist() == ["New", "About to sleep", "About to sleep", "Hibernating", "At risk"]


def test_ten_distinct_values_make_quintiles_of_two():
    # n = 10: score = 1 + floor(worse / 2): 0,1 -> 1; 2,3 -> 2; ... 8,9 -> 5.
    s = summary(list(range(10, 0, -1)), list(range(1, 11)), [float(v) for v in range(1, 11)])
    scores = rfm_scores(s)
    for name in ("r", "m"):
        assert scores[name].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # F: 1 order -> 1; the nine repeat buyers (2..10 orders) score 2 + floor(4 * (k - 2) / 9)
    assert scores["f"].tolist() == [1, 2, 2, 2, 3, 3, 4, 4, 5, 5]


def test_many_one_order_customers_all_get_f_1():
    # 7 of 10 customers ordered once: F = 1 for all seven; the repeat buyers (2, 3, 9
    # orders) score 2 + floor(4 * fewer / 3): 2, 3, 4 (not 4, 5, 5 as quintiles over
    # everybody would give them).
    s = summary([1] * 10, [1] * 7 + [2, 3, 9], [1.0] * 10)
    assert rfm_scores(s)["f"].tolist() == [1] * 7 + [2, 3, 4]
    # and everybody tied on R and M scores 1 (nobody is strictly worse)
    assert set(rfm_scores(s)["r"]) == {1} and set(rfm_scores(s)["m"]) == {1}


def test_a_low_repeat_shop_still_has_its_segments():
    # 95 one-order customers and 5 recent repeat buyers (2, 2, 2, 3, 8 orders): the
    # two-order customers are not Champions (F = 2: Potential loyalists), the 3- and
    # 8-order ones are; quintiles over everybody would have made all five F = 5 Champions.
    s = summary(list(range(2, 97)) + [1] * 5, [1] * 95 + [2, 2, 2, 3, 8], [1.0] * 100)
    scores = rfm_scores(s)
    assert scores["r"].tolist()[95:] == [5] * 5
    assert scores["f"].tolist()[95:] == [2, 2, 2, 4, 5]
    assert rfm_segments(scores).tolist()[95:] == ["Potential loyalists"] * 3 + ["Champions", "Champions"]


def test_negative_net_revenue_scores_lowest():
    # a customer whose refunds exceed its orders has the lowest M
    s = summary([3, 3, 3], [1, 1, 1], [-20.0, 0.0, 15.0])
    assert rfm_scores(s)["m"].tolist() == [1, 2, 4]


# ----------------------------------------------------------------- the segment grid
GRID = {  # (R, F) -> segment, the module's table read row by row
    5: ["New", "Potential loyalists", "Potential loyalists", "Champions", "Champions"],
    4: ["Promising", "Potential loyalists", "Potential loyalists", "Loyal", "Loyal"],
    3: ["About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"],
    2: ["Hibernating", "Hibernating", "At risk", "At risk", "Can't lose"],
    1: ["Lost", "Lost", "At risk", "At risk", "Can't lose"],
}


@pytest.mark.parametrize("r", [1, 2, 3, 4, 5])
def test_segment_grid(r):
    scores = pd.DataFrame({"r": [r] * 5, "f": [1, 2, 3, 4, 5], "m": [3] * 5})
    seg = rfm_segments(scores)
    assert seg.tolist() == GRID[r]
    assert seg.name == "segment"
    assert list(seg.cat.categories) == SEGMENTS


def test_every_segment_name_is_in_the_grid_and_the_list():
    assert sorted(set(SEGMENT_GRID.ravel())) == sorted(SEGMENTS)
    assert len(SEGMENTS) == 11


def test_m_score_does_not_change_the_segment():
    a = rfm_segments(pd.DataFrame({"r": [4, 2], "f": [2, 5], "m": [1, 1]}))
    b = rfm_segments(pd.DataFrame({"r": [4, 2], "f": [2, 5], "m": [5, 3]}))
    assert a.tolist() == b.tolist() == ["Potential loyalists", "Can't lose"]


# ----------------------------------------------------------------- median gaps, at risk
GAPS = table(
    [
        # a: order days 01-01, 01-11 (twice), 01-31 -> gaps 10, 20 -> median 15
        ("a", "2024-01-01", 5),
        ("a", "2024-01-11 09:00", 5),
        ("a", "2024-01-11 18:00", 5),
        ("a", "2024-01-31", 5),
        # b: one order day (its refund on 02-20 is not one) -> no gap of its own
        ("b", "2024-01-05", 9),
        ("b", "2024-02-20", -9),
        # c: 01-01, 01-02, 01-10, 02-09 -> gaps 1, 8, 30 -> median 8
        ("c", "2024-01-01", 1),
        ("c", "2024-01-02", 1),
        ("c", "2024-01-10", 1),
        ("c", "2024-02-09", 1),
        # e: 01-01, 01-26 -> one gap of 25
        ("e", "2024-01-01", 3),
        ("e", "2024-01-26", 3),
        # r: refunds only: not a buyer, no row
        ("r", "2024-01-03", -4),
    ]
)


def test_median_gaps_by_hand():
    g = median_gaps(GAPS)
    assert g.index.tolist() == ["a", "c", "e", "b"]  # by first order (a, c, e on 01-01, by id), then b
    assert g.index.name == "customer"
    assert g["a"] == 15 and g["c"] == 8 and g["e"] == 25
    assert math.isnan(g["b"])


def test_median_gaps_line_up_with_the_customer_summary():
    assert median_gaps(GAPS).index.equals(customer_summary(GAPS).index)


def test_at_risk_by_hand():
    # limit = max(2 x the customer's median gap, 30 days):
    #   a: 2 x 15 = 30 -> 30;  40 days since the last order > 30: at risk
    #   b: no gap of its own -> the median of the repeat customers' gaps (8, 15, 25) = 15
    #      -> 30; 30 days is not more than 30: not at risk
    #   c: 2 x 8 = 16 -> 30 (the floor); 29 days: not at risk
    #   e: 2 x 25 = 50; 51 days: at risk
    assert (AT_RISK_FACTOR, AT_RISK_MIN_DAYS) == (2.0, 30)
    days = pd.Series([40, 29, 51, 30], index=pd.Index(["a", "c", "e", "b"], name="customer"))
    flag = at_risk(days, median_gaps(GAPS))
    assert flag.name == "at_risk"
    assert flag.tolist() == [True, False, True, False]
    # e at 50 days is not yet at risk
    assert at_risk(days.replace({51: 50}), median_gaps(GAPS)).tolist() == [True, False, False, False]


def test_at_risk_when_nobody_has_bought_twice():
    # no gaps at all: everyone is measured against 30 days -> limit max(60, 30) = 60
    orders = table([("x", "2024-01-01", 1), ("y", "2024-01-02", 1)])
    gaps = median_gaps(orders)
    assert gaps.isna().all()
    days = pd.Series([61, 60], index=gaps.index)
    assert at_risk(days, gaps).tolist() == [True, False]


def test_at_risk_from_a_customer_summary():
    # The data run to 02-20 (b's refund): as_of 02-20. Days since the last order:
    # a 20 (01-31), b 46 (01-05), c 11 (02-09), e 25 (01-26). Limits: a 30, b 30, c 30,
    # e 50: only b is at risk.
    s = customer_summary(GAPS)
    assert s.index.tolist() == ["a", "c", "e", "b"]
    assert s["days_since_last"].tolist() == [20, 11, 25, 46]
    assert at_risk(s["days_since_last"], median_gaps(GAPS)).tolist() == [False, False, False, True]


# ----------------------------------------------------------------- pareto
@pytest.mark.parametrize(
    ("revenue", "top20", "for80"),
    [
        # top 20% of 5 = 1 customer: 50 of 100; 50 + 30 reach 80: 2 of 5
        ([50.0, 30, 10, 5, 5], 0.5, 0.4),
        # order does not matter
        ([5.0, 10, 50, 5, 30], 0.5, 0.4),
        # one customer has all the revenue: top 2 of 10 hold it all, 1 of 10 reaches 80%
        ([100.0] + [0.0] * 9, 1.0, 0.1),
        # four equal customers: top 20% rounds up to 1 customer (25%), 80% needs all 4
        ([25.0] * 4, 0.25, 1.0),
        # seven equal: top 20% = ceil(1.4) = 2 customers; 80% of 7 needs 6 (5/7 < 0.8)
        ([1.0] * 7, 2 / 7, 6 / 7),
        # ten customers of 0.1: exactly 80% after 8 despite floating point
        ([0.1] * 10, 0.2, 0.8),
        # a single customer
        ([12.5], 1.0, 1.0),
    ],
)
def test_pareto_by_hand(revenue, top20, for80):
    p = pareto(pd.Series(revenue))
    assert p == {"top20_share": pytest.approx(top20), "customers_for_80": pytest.approx(for80)}


@pytest.mark.parametrize("revenue", [[], [0.0, 0.0], [-5.0, 3.0]])
def test_pareto_without_positive_revenue_is_nan(revenue):
    p = pareto(pd.Series(revenue, dtype=float))
    assert math.isnan(p["top20_share"]) and math.isnan(p["customers_for_80"])


# ----------------------------------------------------------------- segment summary
def test_segment_summary_by_hand():
    # two Champions (revenue 100 and 300, 2 and 4 days, 5 and 7 orders, CLV 500 and 700),
    # one New (80, 1 day, 1 order, CLV 90), one Lost (20, 200 days, 1 order, CLV 10).
    # 4 customers, revenue 500: Champions 2 (50%) with 400 (80%), New 25% / 16%,
    # Lost 25% / 4%; the other eight segments are listed with no customers.
    customers = pd.DataFrame(
        {
            "segment": pd.Categorical(["Champions", "Lost", "Champions", "New"], categories=SEGMENTS),
            "revenue": [100.0, 20, 300, 80],
            "days_since_last": [2, 200, 4, 1],
            "orders": [5, 1, 7, 1],
            "clv": [500.0, 10, 700, 90],
        }
    )
    out = segment_summary(customers)
    assert out.index.tolist() == SEGMENTS
    assert out.index.name == "segment"
    assert out.columns.tolist() == [
        "customers", "share", "revenue", "revenue_share",
        "avg_days_since_last", "avg_orders", "avg_revenue", "avg_clv",
    ]
    assert out.loc["Champions"].tolist() == [2, 0.5, 400, 0.8, 3, 6, 200, 600]
    assert out.loc["New"].tolist() == pytest.approx([1, 0.25, 80, 0.16, 1, 1, 80, 90])
    assert out.loc["Lost"].tolist() == pytest.approx([1, 0.25, 20, 0.04, 200, 1, 20, 10])
    empty = out.drop(index=["Champions", "New", "Lost"])
    assert (empty[["customers", "share", "revenue", "revenue_share"]] == 0).all().all()
    assert empty[["avg_days_since_last", "avg_orders", "avg_revenue", "avg_clv"]].isna().all().all()
    assert out["customers"].dtype == np.int64
    # segment names given as plain text work the same
    plain = segment_summary(customers.assign(segment=customers["segment"].astype(str)))
    pd.testing.assert_frame_equal(plain, out)


# ----------------------------------------------------------------- against the definitions
def reference_score(values, higher_is_better=True):
    n = len(values)
    sign = 1 if higher_is_better else -1
    return [1 + math.floor(5 * sum(sign * w < sign * v for w in values) / n) for v in values]


def reference_f(orders):
    repeat = [w for w in orders if w >= 2]
    return [1 if v < 2 else 2 + math.floor(4 * sum(w < v for w in repeat) / len(repeat)) for v in orders]


values = st.lists(st.integers(0, 6) | st.integers(0, 1000), min_size=1, max_size=40)


@given(values, values, values)
def test_scores_match_the_definition(days, orders, revenue):
    n = min(len(days), len(orders), len(revenue))
    days, orders, revenue = days[:n], orders[:n], [float(v) for v in revenue[:n]]
    scores = rfm_scores(summary(days, orders, revenue))
    assert scores["r"].tolist() == reference_score(days, higher_is_better=False)
    assert scores["f"].tolist() == reference_f(orders)
    assert scores["m"].tolist() == reference_score(revenue)


@given(values, st.randoms(use_true_random=False))
def test_score_invariants(v, rnd):
    s = summary(v, v, [float(x) for x in v])
    f = rfm_scores(s)["f"]
    assert f.between(1, 5).all()
    # equal values share a score; a higher value never has a lower score
    by_value = pd.Series(f.to_numpy()).groupby(np.array(v)).nunique()
    assert (by_value == 1).all()
    order = np.argsort(v, kind="stable")
    assert (np.diff(f.to_numpy()[order]) >= 0).all()
    # one order (or none) scores 1 and the fewest repeat orders 2; the most orders score 5
    # when they are unique and there are at least 4 repeat buyers
    values = np.array(v)
    assert f[values <= 1].eq(1).all()
    repeat = values[values >= 2]
    if repeat.size:
        assert f[values == repeat.min()].eq(2).all()
    if repeat.size >= 4 and v.count(max(v)) == 1:
        assert f[values == max(v)].eq(5).all()
    # nothing depends on row order
    perm = rnd.sample(range(len(v)), len(v))
    shuffled = rfm_scores(s.iloc[perm])
    pd.testing.assert_frame_equal(shuffled.sort_index(), rfm_scores(s).sort_index())


@given(order_tables(max_rows=12, max_days=200, customers="abcdef"))
def test_median_gaps_match_a_plain_groupby(orders):
    buys = orders[orders["amount"] >= 0]
    expected = (
        buys.assign(day=buys["date"].dt.normalize())
        .drop_duplicates(["customer", "day"])
        .sort_values("day")
        .groupby("customer")["day"]
        .apply(lambda d: d.diff().dt.days.median())
    )
    got = median_gaps(orders)
    assert got.index.equals(customer_summary(orders).index)
    pd.testing.assert_series_equal(
        got.sort_index(), expected.sort_index().astype(float), check_names=False
    )


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@given(order_tables(max_rows=12, max_days=200, customers="abcdef"), st.randoms(use_true_random=False))
def test_pipeline_invariants_and_row_order(orders, rnd):
    def run(o):
        s = customer_summary(o)
        scores = rfm_scores(s)
        gaps = median_gaps(o)
        flag = at_risk(s["days_since_last"], gaps)
        customers = s.join(scores).assign(segment=rfm_segments(scores), clv=s["revenue"], gap=gaps, at_risk=flag)
        return customers, segment_summary(customers), pareto(s["revenue"])

    customers, seg, par = run(orders)
    assert customers[["r", "f", "m"]].isin([1, 2, 3, 4, 5]).all().all()
    assert customers["segment"].notna().all()
    # the flag follows its rule
    gaps = customers["gap"]
    limit = np.maximum(AT_RISK_FACTOR * gaps.fillna(gaps.median()).fillna(AT_RISK_MIN_DAYS), AT_RISK_MIN_DAYS)
    assert customers["at_risk"].tolist() == (customers["days_since_last"] > limit).tolist()
    # segment shares add up
    assert seg["customers"].sum() == len(customers)
    assert seg["share"].sum() == pytest.approx(1.0)
    if customers["revenue"].sum() != 0:
        assert seg["revenue_share"].sum() == pytest.approx(1.0)
    assert seg["revenue"].sum() == pytest.approx(customers["revenue"].sum())
    # Pareto figures are shares of customers and of revenue when no customer's refunds
    # exceed its orders
    if (customers["revenue"] >= 0).all() and customers["revenue"].sum() > 0:
        assert 0 < par["top20_share"] <= 1 + 1e-12
        assert 0 < par["customers_for_80"] <= 1
        assert par["top20_share"] >= 0.2 - 1e-12  # the top fifth holds at least a fifth
    # shuffling the order table changes nothing but the order of the customers
    shuffled = orders.iloc[rnd.sample(range(len(orders)), len(orders))].reset_index(drop=True)
    customers2, seg2, par2 = run(shuffled)
    pd.testing.assert_frame_equal(customers2.sort_index(), customers.sort_index())
    pd.testing.assert_frame_equal(seg2, seg)
    assert par2 == pytest.approx(par, nan_ok=True)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=40))
def test_pareto_matches_the_definition(revenue):
    total = sum(revenue)
    p = pareto(pd.Series(revenue))
    if total <= 0:
        assert math.isnan(p["top20_share"])
        return
    ordered = sorted(revenue, reverse=True)
    top = math.ceil(0.2 * len(revenue))
    assert p["top20_share"] == pytest.approx(sum(ordered[:top]) / total)
    needed = next(i + 1 for i in range(len(ordered)) if sum(ordered[: i + 1]) >= 0.8 * total - 1e-9 * total)
    assert p["customers_for_80"] == pytest.approx(needed / len(revenue))
    assert 0 < p["top20_share"] <= 1 + 1e-12 and 0 < p["customers_for_80"] <= 1


@given(st.lists(st.floats(allow_infinity=True) | st.sampled_from([0.0, -0.0, 1.5, float("nan")]), max_size=60))
@example([float("nan"), 2.0, float("nan"), 2.0, -1.0])
def test_values_below_each_are_counted_as_a_lookup_in_the_sorted_values_counts_them(values):
    from retention_xl.analysis.segments import _below

    v = np.array(values, dtype=float)
    assert _below(v).tolist() == np.searchsorted(np.sort(v), v, side="left").tolist()
