"""Acquisition cohorts: who came back, period by period.

A customer's *cohort* is the period of its first order. It is *active in period k* of its
cohort when it placed at least one order in the k-th period after that one (k = 0 is the
first period). Refunds (negative amounts) are not orders: they never make a customer
active or set its cohort, but they do reduce the cohort's revenue in the period they
happen (in period 0 if dated before the customer's first order). Cells for periods not yet
reached by a cohort are empty (NaN), not zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.money import money_sums
from retention_xl.analysis.periods import normalise_period, period_labels, period_ordinals
from retention_xl.errors import DataError

__all__ = ["Cohorts", "cohort_tables"]

NO_COHORT = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Cohorts:
    """The cohort matrices; each has one row per cohort (its label as index), columns P0..Pn.

    Attributes
    ----------
    size : customers acquired in each cohort (Series)
    customers : active customers per cohort and period
    retention : ``customers / size`` (fractions)
    revenue : net revenue (orders minus refunds) per cohort and period
    orders : orders per cohort and period
    period : the period code (W, M, Q, Y)
    """

    size: pd.Series
    customers: pd.DataFrame
    retention: pd.DataFrame
    revenue: pd.DataFrame
    orders: pd.DataFrame
    period: str


def _matrix(cohort: np.ndarray, offset: np.ndarray, weights: np.ndarray | None, shape: tuple[int, int]) -> np.ndarray:
    keys = cohort * shape[1] + offset
    if weights is None:
        flat = np.bincount(keys, minlength=shape[0] * shape[1])
    else:  # money: summed exactly, whatever the order of the rows
        flat = money_sums(keys, weights, shape[0] * shape[1])
    return flat.reshape(shape).astype(float)


def cohort_tables(orders: pd.DataFrame, period: str = "M", calendar: str = "gregorian") -> Cohorts:
    """Cohort matrices from a clean order table (columns ``customer``, ``date``, ``amount``),
    by periods of ``calendar`` (:func:`~retention_xl.analysis.periods.period_ordinals`).

    Examples
    --------
    >>> orders = pd.DataFrame({
    ...     "customer": ["a", "a", "b", "b", "c"],
    ...     "date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-01-20", "2024-02-02", "2024-02-10"]),
    ...     "amount": [10.0, 20.0, 5.0, 5.0, 8.0]})
    >>> c = cohort_tables(orders, "M")
    >>> c.customers
              P0   P1   P2
    2024-01  2.0  1.0  1.0
    2024-02  1.0  0.0  NaN
    """
    code = normalise_period(period)
    buying = orders["amount"].to_numpy() >= 0
    if not buying.any():
        raise DataError("no orders to build cohorts from (every row is a refund)")
    cust_codes, _ = pd.factorize(orders["customer"], sort=False)
    per = period_ordinals(orders["date"], code, calendar)

    # Each customer's cohort: the period of its first order (refunds excluded).
    n_cust = int(cust_codes.max()) + 1
    first_seen = pd.Series(per[buying]).groupby(cust_codes[buying]).min()
    first = np.full(n_cust, NO_COHORT)
    first[first_seen.index.to_numpy()] = first_seen.to_numpy()
    has_cohort = first != NO_COHORT
    row_cohort = first[cust_codes]
    keep = has_cohort[cust_codes]  # refunds of customers who never bought have no cohort

    base = int(first[has_cohort].min())
    last = int(per[keep].max())
    n_cohorts = int(first[has_cohort].max()) - base + 1
    n_offsets = last - base + 1
    shape = (n_cohorts, n_offsets)

    coh_idx = (row_cohort[keep] - base).astype(np.int64)
    # a refund dated before the customer's first order is booked in its cohort's period 0
    off = np.maximum(per[keep] - row_cohort[keep], 0).astype(np.int64)
    amount = orders["amount"].to_numpy(dtype=float)[keep]
    is_order = buying[keep]

    revenue = _matrix(coh_idx, off, amount, shape)
    n_orders = _matrix(coh_idx[is_order], off[is_order], None, shape)
    # active customers: distinct (customer, offset) pairs among orders
    key = pd.unique(cust_codes[keep][is_order].astype(np.int64) * n_offsets + off[is_order])
    pair_customer, pair_offset = np.divmod(key, n_offsets)
    active = _matrix(first[pair_customer] - base, pair_offset, None, shape)

    size = np.bincount(first[has_cohort] - base, minlength=n_cohorts).astype(float)
    # cells after the last observed period are not zeros: they have not happened yet
    reached = np.arange(n_offsets)[None, :] <= (n_offsets - 1 - np.arange(n_cohorts))[:, None]
    labels = period_labels(np.arange(base, base + n_cohorts), code, calendar)
    cols = [f"P{k}" for k in range(n_offsets)]

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(np.where(reached, values, np.nan), index=labels, columns=cols)

    customers = frame(active)
    with np.errstate(invalid="ignore", divide="ignore"):
        retention = frame(np.where(size[:, None] > 0, active / size[:, None], np.nan))
    keep_rows = size > 0  # periods in which nobody was acquired are not cohorts
    return Cohorts(
        size=pd.Series(size, index=labels, name="size")[keep_rows],
        customers=customers[keep_rows],
        retention=retention[keep_rows],
        revenue=frame(revenue)[keep_rows],
        orders=frame(n_orders)[keep_rows],
        period=code,
    )
