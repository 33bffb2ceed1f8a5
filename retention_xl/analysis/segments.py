"""RFM scores, named customer segments, the at-risk flag and revenue concentration.

Scores (1-5, 5 best) rank customers on Recency (days since the last order, fewer is
better), Frequency (orders) and Monetary value (net revenue). A customer's R and M score is
``1 + floor(5 * share of customers with a strictly worse value)``: quintiles in which
customers with equal values always share a score, and nothing depends on row order.

F scores come from the distribution of *repeat buyers*: a one-order customer has F = 1; a
customer with two or more orders has ``F = 2 + floor(4 * share of repeat buyers with
strictly fewer orders)``, quartiles of the repeat buyers. Quintiles over all customers
would make F meaningless on a shop where most customers buy once: with 95% one-order
customers every two-order customer would score F = 5 and become a Champion, and the F = 2
to 4 segments would be empty by construction. With this rule the commonest repeat count
(usually 2 orders) is F = 2 and only the repeat buyers' top quartile reaches F = 5.

Segments come from the R and F scores (the usual RFM grid):

======  ==============  ==============  ==============  ==========  ==========
R \\ F   1               2               3               4           5
======  ==============  ==============  ==============  ==========  ==========
5       New             Potential loy.  Potential loy.  Champions   Champions
4       Promising       Potential loy.  Potential loy.  Loyal       Loyal
3       About to sleep  About to sleep  Need attention  Loyal       Loyal
2       Hibernating     Hibernating     At risk         At risk     Can't lose
1       Lost            Lost            At risk         At risk     Can't lose
======  ==============  ==============  ==============  ==========  ==========

At risk (flag, per customer), either of:

* the days since the last order exceed twice the customer's own median gap between order
  days, and at least 30 days. Customers with a single order day have no gap of their own
  and are measured against the median gap of all repeat customers;
* the BG/NBD model gives P(alive) < 0.5 and the customer has at least 2 order days (the
  model counts a one-day customer as alive until she buys again, so for them only the
  first rule speaks). Without a model (P(alive) missing) only the first rule applies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_xl.analysis.customers import customer_codes

__all__ = [
    "SEGMENTS",
    "SEGMENT_GRID",
    "rfm_scores",
    "rfm_segments",
    "median_gaps",
    "at_risk",
    "pareto",
    "segment_summary",
    "AT_RISK_FACTOR",
    "AT_RISK_MIN_DAYS",
    "AT_RISK_P_ALIVE",
]

SEGMENTS = [
    "Champions",
    "Loyal",
    "Potential loyalists",
    "New",
    "Promising",
    "Need attention",
    "About to sleep",
    "At risk",
    "Can't lose",
    "Hibernating",
    "Lost",
]
# rows: R = 1..5, columns: F = 1..5
SEGMENT_GRID = np.array(
    [
        ["Lost", "Lost", "At risk", "At risk", "Can't lose"],
        ["Hibernating", "Hibernating", "At risk", "At risk", "Can't lose"],
        ["About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"],
        ["Promising", "Potential loyalists", "Potential loyalists", "Loyal", "Loyal"],
        ["New", "Potential loyalists", "Potential loyalists", "Champions", "Champions"],
    ],
    dtype=object,
)
AT_RISK_FACTOR = 2.0
AT_RISK_MIN_DAYS = 30
AT_RISK_P_ALIVE = 0.5


def _score(values: np.ndarray) -> np.ndarray:
    """``1 + floor(5 * share strictly below)`` for each value (higher value, higher score).

    >>> _score(np.array([1, 1, 1, 2, 5])).tolist()
    [1, 1, 1, 4, 5]
    """
    values = np.asarray(values, dtype=float)
    return (1 + np.floor(5 * _below(values) / max(values.size, 1))).astype(np.int8)  # 1-5: one byte a customer


def _below(values: np.ndarray) -> np.ndarray:
    """How many of ``values`` are strictly smaller than each one (NaN: every number is),
    as ``np.searchsorted(np.sort(values), values, "left")`` counts them, by one sort: each
    value's count is the position of the first of its equals in sorted order. Looking
    each value up in the sorted copy instead costs twice the sort on a million customers.

    >>> _below(np.array([3.0, 1.0, 3.0, np.nan, 2.0, np.nan])).tolist()
    [2, 0, 2, 4, 1, 4]
    """
    order = np.argsort(values)
    ordered = values[order]
    n = ordered.size
    first = np.ones(n, dtype=bool)  # the first of a run of equal values (NaNs: one run)
    if n > 1:
        nan = np.isnan(ordered)
        first[1:] = (ordered[1:] != ordered[:-1]) & ~(nan[1:] & nan[:-1])
    starts = np.where(first, np.arange(n), 0)
    np.maximum.accumulate(starts, out=starts)
    below = np.empty(n, dtype=np.int64)
    below[order] = starts
    return below


def _f_score(orders: np.ndarray) -> np.ndarray:
    """1 for one order; ``2 + floor(4 * share of repeat buyers with strictly fewer orders)`` else.

    >>> _f_score(np.array([1, 1, 1, 1, 2, 2, 3, 9])).tolist()
    [1, 1, 1, 1, 2, 2, 4, 5]
    """
    orders = np.asarray(orders, dtype=float)
    out = np.ones(orders.size, dtype=np.int8)
    repeat = orders >= 2
    if repeat.any():
        below = _below(orders[repeat])
        out[repeat] = 2 + np.floor(4 * below / below.size).astype(np.int8)
    return out


def rfm_scores(summary: pd.DataFrame) -> pd.DataFrame:
    """R, F and M scores for a :func:`~retention_xl.analysis.customers.customer_summary`."""
    return pd.DataFrame(
        {
            "r": _score(-summary["days_since_last"].to_numpy(dtype=float)),
            "f": _f_score(summary["orders"].to_numpy(dtype=float)),
            "m": _score(summary["revenue"].to_numpy(dtype=float)),
        },
        index=summary.index,
        copy=False,
    )


def rfm_segments(scores: pd.DataFrame) -> pd.Series:
    """Segment names from the R and F scores (see the module's grid)."""
    names = SEGMENT_GRID[scores["r"].to_numpy() - 1, scores["f"].to_numpy() - 1]
    return pd.Series(pd.Categorical(names, categories=SEGMENTS), index=scores.index, name="segment")


def median_gaps(orders: pd.DataFrame) -> pd.Series:
    """Median days between a customer's consecutive order days (NaN with one order day),
    indexed by customer id."""
    buying = orders["amount"].to_numpy() >= 0
    t = pd.DatetimeIndex(orders["date"]).as_unit("ns").asi8
    codes, uniques = customer_codes(orders["customer"], t)  # the customer summary's order
    day = t[buying] // 86_400_000_000_000
    span = int(day.max() - day.min()) + 1
    key = np.sort(codes[buying].astype(np.int64) * span + (day - day.min()))
    key = key[np.r_[True, key[1:] != key[:-1]]]  # distinct (customer, day), sorted
    cust, d = np.divmod(key, span)
    same = cust[1:] == cust[:-1]
    gaps = pd.Series(np.diff(d)[same].astype(float)).groupby(cust[1:][same]).median()
    buyers = cust[np.r_[True, ~same]]
    return gaps.reindex(buyers).set_axis(pd.Index(np.asarray(uniques)[buyers], name="customer"))


def at_risk(days_since_last: pd.Series, gaps: pd.Series, p_alive: pd.Series | None = None,
            order_days: pd.Series | None = None) -> pd.Series:
    """The at-risk flag (see the module's rules).

    ``p_alive`` and ``order_days`` (distinct order days per customer), aligned with
    ``days_since_last``, switch on the P(alive) rule; NaN P(alive) never flags.

    >>> days = pd.Series([10, 10, 10, 40])
    >>> gaps = pd.Series([np.nan, 30.0, 30.0, 10.0])
    >>> at_risk(days, gaps, pd.Series([1.0, 0.3, 0.3, np.nan]), pd.Series([1, 1, 2, 3])).tolist()
    [False, False, True, True]
    """
    usual = gaps.fillna(gaps.median() if gaps.notna().any() else AT_RISK_MIN_DAYS)
    limit = np.maximum(AT_RISK_FACTOR * usual, AT_RISK_MIN_DAYS)
    flag = days_since_last > limit
    if p_alive is not None and order_days is not None:
        flag = flag | ((p_alive < AT_RISK_P_ALIVE) & (order_days >= 2))
    return flag.rename("at_risk")


def pareto(revenue: pd.Series) -> dict[str, float]:
    """Revenue concentration.

    ``top20_share``: share of net revenue from the top 20% of customers (rounded up);
    ``customers_for_80``: the smallest share of customers whose revenue reaches 80%.

    >>> pareto(pd.Series([50.0, 30.0, 10.0, 5.0, 5.0]))
    {'top20_share': 0.5, 'customers_for_80': 0.4}
    """
    values = np.sort(revenue.to_numpy(dtype=float))[::-1]
    total = values.sum()
    if values.size == 0 or total <= 0:
        return {"top20_share": float("nan"), "customers_for_80": float("nan")}
    cum = np.cumsum(values)
    top = int(np.ceil(0.2 * values.size))
    needed = int(np.searchsorted(cum, 0.8 * total - 1e-9 * abs(total), side="left")) + 1
    return {"top20_share": float(cum[top - 1] / total), "customers_for_80": needed / values.size}


def segment_summary(customers: pd.DataFrame) -> pd.DataFrame:
    """Per segment: customers, share, revenue, revenue share, mean R/F/M inputs, mean CLV.

    ``customers`` needs columns ``segment, revenue, days_since_last, orders, clv``;
    every segment of the grid is listed, empty ones with zero customers.
    """
    g = customers.groupby("segment", observed=False)
    out = pd.DataFrame(
        {
            "customers": g.size(),
            "revenue": g["revenue"].sum(),
            "avg_days_since_last": g["days_since_last"].mean(),
            "avg_orders": g["orders"].mean(),
            "avg_revenue": g["revenue"].mean(),
            "avg_clv": g["clv"].mean(),
        }
    ).reindex(SEGMENTS)
    out["customers"] = out["customers"].fillna(0).astype(np.int64)
    out["revenue"] = out["revenue"].fillna(0.0)
    total_c, total_r = out["customers"].sum(), out["revenue"].sum()
    out.insert(1, "share", out["customers"] / total_c if total_c else np.nan)
    out.insert(3, "revenue_share", out["revenue"] / total_r if total_r else np.nan)
    out.index.name = "segment"
    return out
