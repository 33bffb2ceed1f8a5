"""One row per customer: first and last order, orders, revenue, recency, and the
frequency/recency/age triple the lifetime-value models take.

Refunds (negative amounts) reduce a customer's revenue; they are not orders. Customers
whose only rows are refunds have no first order and are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_xl.analysis.money import money_sums
from retention_xl.errors import DataError

__all__ = ["customer_codes", "customer_summary"]

DAY_NS = 86_400_000_000_000


def customer_summary(orders: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per-customer summary, indexed by customer id, in order of first appearance: by the
    time of the customer's first row (a refund's too), customers first seen at the same
    time by id. No order of the rows changes it, so no order of the rows changes a sum over
    customers (the models' fits) by a bit.

    Columns
    -------
    first_order, last_order : datetimes of the first and last order
    orders : number of orders (refunds excluded)
    revenue : net revenue (orders minus refunds)
    days_since_last : days from the last order's day to ``as_of``'s day (RFM recency; the
        time of day does not count, so customers who ordered on the same day tie)
    frequency : repeat purchase days: distinct days with an order, minus one (the models'
        *frequency*)
    recency : days from the first to the last order day (the models' *recency*)
    T : days from the first order day to ``as_of`` (the models' customer *age*)
    monetary : mean order value on repeat days (0 for one-day customers), for Gamma-Gamma

    ``as_of`` defaults to the day of the last order in the table: T is then the days from a
    customer's first order day to the last order day of the data, as lifetimes
    (``observation_period_end`` = the last transaction date), BTYD and the papers measure
    it (a customer whose only order was on the last day has T = 0).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer": ["a", "a", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-31", "2024-01-20"]),
    ...     "amount": [10.0, 20.0, 40.0, 5.0]})
    >>> s = customer_summary(orders)
    >>> s.loc["a", ["orders", "revenue", "frequency", "recency", "T", "monetary"]].tolist()
    [3.0, 70.0, 2.0, 30.0, 30.0, 30.0]
    >>> int(s.loc["b", "days_since_last"])
    11
    """
    amount = orders["amount"].to_numpy(dtype=float)
    buying = amount >= 0
    if not buying.any():
        raise DataError("no orders to summarise (every row is a refund)")
    t_all = pd.DatetimeIndex(orders["date"]).as_unit("ns").asi8
    codes, uniques = customer_codes(orders["customer"], t_all)
    as_of_ns = (
        (t_all.max() // DAY_NS) * DAY_NS if as_of is None else pd.Timestamp(as_of).as_unit("ns").value
    )
    n = uniques.size
    c, t, amt = codes[buying], t_all[buying], amount[buying]

    grouped = pd.Series(t).groupby(c, sort=True)
    first, last = grouped.min(), grouped.max()  # index: customers with an order
    who = first.index.to_numpy()
    n_orders = np.bincount(c, minlength=n)[who]
    revenue = money_sums(codes, amount, n)[who]

    # Order days: the models count one purchase per day, valued at the day's total.
    day = t // DAY_NS
    d0 = int(day.min())
    span = int(day.max()) - d0 + 1
    day_codes, day_keys = pd.factorize(c.astype(np.int64) * span + (day - d0), sort=False)
    n_days = np.bincount(day_keys // span, minlength=n)[who]
    first_day = np.full(n, -1, dtype=np.int64)
    first_day[who] = first.to_numpy() // DAY_NS
    on_first_day = day == first_day[c]
    later = ~on_first_day
    repeat_spend = money_sums(c[later], amt[later], n)[who]  # exactly the days after the first
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(n_days > 1, repeat_spend / (n_days - 1), 0.0)

    first_ns, last_ns = first.to_numpy(), last.to_numpy()
    return pd.DataFrame(
        {
            "first_order": pd.DatetimeIndex(first_ns.astype("datetime64[ns]")),
            "last_order": pd.DatetimeIndex(last_ns.astype("datetime64[ns]")),
            "orders": n_orders,
            "revenue": revenue,
            "days_since_last": as_of_ns // DAY_NS - last_ns // DAY_NS,
            "frequency": n_days - 1,
            "recency": (last_ns // DAY_NS - first_ns // DAY_NS).astype(float),
            "T": (as_of_ns // DAY_NS - first_ns // DAY_NS).astype(float),
            "monetary": monetary,
        },
        index=pd.Index(np.asarray(uniques)[who], name="customer"),
    )


def customer_codes(customers: pd.Series, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's customer as a code, and the customer ids, in order of first appearance:
    by the time of the customer's first row (``t``: each row's time as int64), ties by id.

    The order of the rows changes neither, so no sum over customers changes by a bit when
    the orders are sorted another way.

    >>> codes, ids = customer_codes(pd.Series(["b", "a", "c", "a"]), np.array([5, 5, 1, 0]))
    >>> codes.tolist(), ids.tolist()
    ([2, 0, 1, 0], ['a', 'c', 'b'])
    """
    codes, uniques = pd.factorize(customers, sort=True)  # codes in id order
    n = len(uniques)
    seen = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(seen, codes, t)
    order = np.lexsort((np.arange(n), seen))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank[codes], np.asarray(uniques)[order]
