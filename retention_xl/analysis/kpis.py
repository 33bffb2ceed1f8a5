"""Period KPIs in the terms of the articles our users read: S, N, E, lost, CRR, churn.

The customer base at a moment is every customer whose last order before that moment is at
most ``window_days`` old (the *activity window*). For each period:

* ``S`` (customers at start): the base at the first moment of the period;
* ``E`` (customers at end): the base at the end of the period (for the last period, at the
  end of the day of the last order: the data stop there);
* ``N`` (new): customers whose first order falls in the period;
* ``lost``: in the base at the start, not at the end;
* ``reactivated``: in the base at the end, not at the start and not new (they came back
  after a lapse);
* ``E`` (customers at end): the customers at the end who were there at the start or are
  new, ``E = S - lost + N``; the base at the end (the next period's ``S``) is
  ``E + reactivated``;
* so ``CRR = (E - N) / S`` (never above 1, and the same as ``=CRR(S, E, N)`` on the row),
  ``churn = lost / S``.

Reactivated customers have their own column rather than being counted in ``E``: the
seed formula ``CRR = (E - N) / S`` counts only customers kept from the start, and a
customer back from a lapse was not kept.

Refunds (negative amounts) are not orders: they reduce revenue but never make a customer
active. ``AOV`` is the value of the period's orders divided by their number, before
refunds; ``revenue`` is net of refunds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_xl.analysis.money import money_sum, money_sums
from retention_xl.analysis.option_checks import shown_whole, whole
from retention_xl.analysis.periods import (
    normalise_period,
    period_labels,
    period_ordinals,
    period_starts,
)
from retention_xl.errors import DataError, OutOfRange

__all__ = ["DEFAULT_WINDOW_DAYS", "MAX_WINDOW_DAYS", "PERIOD_MAX_DAYS", "period_kpis", "headline_kpis"]

#: a customer who has not ordered for this long has left the base (per period code)
DEFAULT_WINDOW_DAYS = {"W": 90, "M": 90, "Q": 180, "Y": 366}
#: the longest period of each kind; the window must be at least this long
PERIOD_MAX_DAYS = {"W": 7, "M": 31, "Q": 92, "Y": 366}
MAX_WINDOW_DAYS = 36_600  # 100 years
DAY = np.int64(86_400_000_000_000)  # nanoseconds


def _ns(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    return pd.DatetimeIndex(dates).as_unit("ns").asi8


def check_window(window_days: object, period: str, name: str = "window_days") -> int:
    """The activity window as an int: a whole number of days, at least the longest period
    of ``period`` (a customer must be able to stay in the base from one period to the
    next) and at most 100 years.

    >>> check_window(30, "M")
    Traceback (most recent call last):
    ...
    retention_xl.errors.OutOfRange: window_days must be from 31 to 36,600 days for period M, got 30
    """
    code = normalise_period(period)
    low = PERIOD_MAX_DAYS[code]
    try:
        return whole(name, window_days, low, MAX_WINDOW_DAYS)
    except OutOfRange:
        raise OutOfRange(f"{name} must be from {low} to {MAX_WINDOW_DAYS:,} days for period {code}, "
                         f"got {shown_whole(window_days)}", option=name) from None


def period_kpis(
    orders: pd.DataFrame, period: str = "M", window_days: int | None = None, calendar: str = "gregorian"
) -> pd.DataFrame:
    """One row per period from the first row of the table to the last (a refund dated
    outside the orders' range adds its period, so its revenue is not dropped).

    Columns: ``period, start, customers_start, new, reactivated, lost, customers_end, crr,
    churn, buyers, orders, revenue, aov, repeat_rate`` (``repeat_rate``: share of the
    period's buyers who had ordered before). ``calendar``: the periods' calendar
    (:func:`~retention_xl.analysis.periods.period_ordinals`).

    Examples
    --------
    Customer a buys in January and March, b in January only, c in February (31-day window):

    >>> orders = pd.DataFrame({
    ...     "customer": ["a", "b", "c", "a"],
    ...     "date": pd.to_datetime(["2024-01-10", "2024-01-15", "2024-02-01", "2024-03-05"]),
    ...     "amount": [10.0, 20.0, 30.0, 40.0]})
    >>> k = period_kpis(orders, "M", 31)
    >>> k[["period", "customers_start", "new", "lost", "reactivated", "customers_end"]]
        period  customers_start  new  lost  reactivated  customers_end
    0  2024-01                0    2     0            0              2
    1  2024-02                2    1     2            0              1
    2  2024-03                1    0     1            1              0
    """
    code = normalise_period(period)
    window = DEFAULT_WINDOW_DAYS[code] if window_days is None else check_window(window_days, code)
    amount = orders["amount"].to_numpy(dtype=float)
    buying = amount >= 0
    if not buying.any():
        raise DataError("no orders to compute period KPIs from (every row is a refund)")

    t_all = _ns(orders["date"])
    per_all = period_ordinals(orders["date"], code, calendar)
    cust_all, _ = pd.factorize(orders["customer"], sort=False)
    t, per, cust = t_all[buying], per_all[buying], cust_all[buying]

    base, last = int(per_all.min()), int(per_all.max())  # refunds count: their revenue has a row
    n_periods = last - base + 1
    observed_end = (t_all.max() // DAY + 1) * DAY  # midnight after the last order
    bounds = _ns(period_starts(np.arange(base, last + 2), code, calendar))
    bounds[-1] = min(bounds[-1], observed_end)

    # Activity spells: each order keeps its customer in the base for (t, t + W]; chains of
    # orders closer than W merge into one spell (a, b].
    w = np.int64(window) * DAY
    order = np.lexsort((t, cust))
    c_s, t_s = cust[order], t[order]
    starts_spell = np.ones(t_s.size, bool)
    starts_spell[1:] = (c_s[1:] != c_s[:-1]) | (t_s[1:] - t_s[:-1] > w)
    a = t_s[starts_spell]
    b = t_s[np.r_[np.flatnonzero(starts_spell)[1:] - 1, t_s.size - 1]] + w
    spell_cust = c_s[starts_spell]

    # Boundaries a spell covers: a < bound <= b  ->  indices lo .. hi-1.
    lo = np.searchsorted(bounds, a, side="right")
    hi = np.searchsorted(bounds, b, side="right")
    n_b = bounds.size
    active = np.cumsum(np.bincount(lo, minlength=n_b + 1) - np.bincount(hi, minlength=n_b + 1))[:n_b]

    # Customers in the base at both ends of period p: one spell covering p and p+1 ...
    long = hi - lo >= 2
    both = np.bincount(lo[long], minlength=n_b + 1) - np.bincount(hi[long] - 1, minlength=n_b + 1)
    both = np.cumsum(both)[: n_b - 1].astype(np.int64)
    # ... or a spell ending on bound p followed by the same customer's next spell from p+1.
    covered = hi > lo
    nxt = np.flatnonzero(
        (spell_cust[1:] == spell_cust[:-1]) & covered[:-1] & covered[1:] & (lo[1:] == hi[:-1])
    )
    both += np.bincount(hi[nxt] - 1, minlength=n_b)[: n_b - 1]

    first_period = pd.Series(per).groupby(cust).min().to_numpy()
    new = np.bincount(first_period - base, minlength=n_periods)

    s, base_end = active[:-1], active[1:]
    lost = s - both
    reactivated = base_end - both - new
    e = both + new

    idx_all = per_all - base
    revenue = money_sums(idx_all, amount, n_periods)
    idx = per - base
    n_orders = np.bincount(idx, minlength=n_periods)
    gross = money_sums(idx, amount[buying], n_periods)
    buyers_key = pd.unique(cust.astype(np.int64) * n_periods + idx)
    buyers = np.bincount(buyers_key % n_periods, minlength=n_periods)

    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame(
            {
                "period": period_labels(np.arange(base, last + 1), code, calendar),
                "start": pd.DatetimeIndex(bounds[:-1].astype("datetime64[ns]")),
                "customers_start": s,
                "new": new,
                "reactivated": reactivated,
                "lost": lost,
                "customers_end": e,
                "crr": np.where(s > 0, (e - new) / s, np.nan),
                "churn": np.where(s > 0, lost / s, np.nan),
                "buyers": buyers,
                "orders": n_orders,
                "revenue": revenue,
                "aov": np.where(n_orders > 0, gross / n_orders, np.nan),
                "repeat_rate": np.where(buyers > 0, (buyers - new) / buyers, np.nan),
            }
        )
    return out


def headline_kpis(orders: pd.DataFrame, kpis: pd.DataFrame, window_days: int | None = None) -> dict[str, object]:
    """The figures at the top of the Summary sheet.

    ``customers`` counts customers with a purchase (as the Customers table does);
    ``refund_only_customers`` and ``refund_only_revenue`` are the customers whose only
    rows are refunds and what they take off ``revenue`` (net of every refund), so that
    ``revenue`` = the Customers table's revenue + ``refund_only_revenue``. ``repeat_rate`` is
    the share of customers with two or more orders (as ``REPEAT_RATE`` on a range of
    customer ids). ``avg_crr`` and ``avg_churn`` average the periods that had customers at
    their start, leaving out the last (usually incomplete) period and the warm-up periods
    that end before anyone could have lapsed (within ``window_days`` of the first order,
    where CRR is 100% by construction); ``avg_from`` is the first period averaged.

    Examples
    --------
    >>> orders = pd.DataFrame({"customer": pd.Categorical(["a", "b", "a", "c"]),
    ...     "date": pd.to_datetime(["2024-01-10", "2024-01-15", "2024-02-01", "2024-02-03"]),
    ...     "amount": [10.0, 20.0, 30.0, -5.0]})
    >>> h = headline_kpis(orders, period_kpis(orders, "M", 31))
    >>> h["customers"], h["revenue"], h["refund_only_customers"], h["refund_only_revenue"]
    (2, 55.0, 1, -5.0)
    """
    amount = orders["amount"].to_numpy()
    buying = amount >= 0
    codes, ids = pd.factorize(orders["customer"], sort=False)  # integer codes: no text hashed twice
    known = codes >= 0
    orders_of = np.bincount(codes[buying & known], minlength=len(ids))  # per customer
    per_customer = orders_of[orders_of > 0]  # customers with a purchase
    refund_only = ~buying & ~(known & (orders_of[np.maximum(codes, 0)] > 0))
    complete = kpis.iloc[:-1] if len(kpis) > 1 else kpis
    if window_days is not None and len(kpis):
        first = pd.Timestamp(orders.loc[buying, "date"].min())
        ends = kpis["start"].shift(-1)
        warm = (ends <= first + pd.Timedelta(days=int(window_days))).to_numpy(dtype=bool)
        complete = complete[~warm[: len(complete)]]
    complete = complete[complete["customers_start"] > 0]
    n_orders = int(buying.sum())
    return {
        "customers": int(per_customer.size),
        "orders": n_orders,
        "revenue": money_sum(amount),
        "aov": money_sum(amount[buying]) / n_orders if n_orders else float("nan"),
        "purchase_frequency": n_orders / per_customer.size if per_customer.size else float("nan"),
        "repeat_rate": float((per_customer > 1).mean()) if per_customer.size else float("nan"),
        "avg_crr": float(complete["crr"].mean()) if len(complete) else float("nan"),
        "avg_churn": float(complete["churn"].mean()) if len(complete) else float("nan"),
        "avg_from": str(complete["period"].iloc[0]) if len(complete) else "",
        "refund_only_customers": int(np.unique(codes[refund_only & known]).size),
        "refund_only_revenue": money_sum(amount[refund_only]),
        "first_order": pd.Timestamp(orders.loc[buying, "date"].min()),
        "last_order": pd.Timestamp(orders.loc[buying, "date"].max()),
    }
