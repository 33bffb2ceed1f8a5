"""Order dates far from all the others: a mistyped year, found and left out.

One order dated 1924 (or 2104) among orders of 2023-2024 would stretch the report over a
century: some 1,200 monthly periods, cohort tables of empty rows, a KPI table of a hundred
years. The rule, on the orders' days (an order's date is that of its earliest line):

1. sort the distinct order days; a gap of more than :data:`GAP_YEARS` (10) years between
   two consecutive days splits them into groups;
2. a group holding at most :data:`MAX_SHARE` (1%) of the orders **and** at most
   :data:`MAX_ORDERS` (100) orders is far from the others: its orders are left out; so is
   a group of at most :data:`MAX_FEW` (3) orders beside a group :data:`FEW_RATIO` (10)
   times as large, so that one mistyped year in a sheet of 20 orders (5% of them) does
   not stretch the report over decades either;
3. the largest group is never left out, and when no group is that small nothing is: a
   business with orders in every year has no gap, and a table split half and half
   between 1990 and 2024 has a gap but no small group.

The cleaning (:func:`~retention_xl.analysis.orders.clean_orders`) applies it over the
whole table; the DuckDB and Spark engines, which clean a table in slices, count each
slice's orders per day and decide once over the whole input with :func:`far_days`.

Examples
--------
>>> days = np.array(["1924-03-05", "2023-01-10", "2024-06-30"], dtype="datetime64[D]").astype("int64")
>>> far_days(days, np.array([1, 300, 200])).astype("datetime64[D]").astype(str).tolist()
['1924-03-05']
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

__all__ = ["GAP_YEARS", "MAX_SHARE", "MAX_ORDERS", "MAX_FEW", "FEW_RATIO", "far_days", "far_orders"]

#: nanoseconds in a day
DAY_NS = 86_400_000_000_000

#: a gap of more than this many years between consecutive order days splits them into groups
GAP_YEARS = 10
#: a group is far from the others when it holds at most this share of the orders ...
MAX_SHARE = 0.01
#: ... and at most this many orders
MAX_ORDERS = 100
#: a group of at most this many orders is far too (a small table's mistyped years) ...
MAX_FEW = 3
#: ... when another group holds at least this many times its orders
FEW_RATIO = 10


def far_days(days: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """The days whose orders lie far from all the others (see the module's rule).

    Parameters
    ----------
    days : numpy.ndarray
        Distinct order days, as days since 1970-01-01 (int), in any order.
    orders : numpy.ndarray
        How many orders fall on each day.

    Returns
    -------
    numpy.ndarray
        The far days (int64, sorted); empty when none is far.

    Examples
    --------
    Five hundred orders in 2023-2024 and one in 1924: the 1924 group is 1 order, at most
    1% of 501 (5.01) and at most 100, so it is far.

    >>> d = lambda *texts: np.array(texts, dtype="datetime64[D]").astype("int64")
    >>> far_days(d("2023-01-01", "2024-12-31", "1924-05-01"), np.array([250, 250, 1])).tolist() == d("1924-05-01").tolist()
    True

    Orders every year from 1990 to 2024 have no gap; half in 1990 and half in 2024 have a
    gap but no small group:

    >>> len(far_days(d(*[f"{y}-06-01" for y in range(1990, 2025)]), np.ones(35))), len(far_days(d("1990-01-01", "2024-01-01"), np.array([50, 50])))
    (0, 0)
    """
    days = np.asarray(days, dtype=np.int64)
    orders = np.asarray(orders, dtype=np.float64)
    if len(days) < 2:
        return np.array([], dtype=np.int64)
    order = np.argsort(days, kind="stable")
    days, orders = days[order], orders[order]
    stamps = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))
    # more than ten calendar years after the day before (29 February + 10 years: 28 February)
    limit = (stamps[:-1] + pd.DateOffset(years=GAP_YEARS)).as_unit("ns").asi8
    gap = stamps[1:].as_unit("ns").asi8 > limit
    if not gap.any():
        return np.array([], dtype=np.int64)
    group = np.r_[0, np.cumsum(gap)]
    sizes = np.bincount(group, weights=orders)
    few = (sizes <= MAX_FEW) & (sizes * FEW_RATIO <= sizes.max())
    small = ((sizes <= MAX_SHARE * orders.sum()) & (sizes <= MAX_ORDERS)) | few
    small[np.argmax(sizes)] = False  # the bulk is never left out
    return days[small[group]]


def far_orders(sale: np.ndarray, g_date: np.ndarray, leave_out_days: Collection[int] | None) -> np.ndarray:
    """Per order, whether it is a sale dated on a day far from all the others: the days
    given (``leave_out_days``, decided over a whole table this is a slice of), or those
    :func:`far_days` finds in the sales (``sale``, the orders' dates ``g_date`` in ns)."""
    g_day = np.floor_divide(g_date, DAY_NS)
    if leave_out_days is None:
        days, counts = np.unique(g_day[sale], return_counts=True)
        leave_out = far_days(days, counts)
    else:
        leave_out = np.fromiter(leave_out_days, dtype=np.int64)
    return sale & np.isin(g_day, leave_out) if len(leave_out) else np.zeros(len(sale), bool)
