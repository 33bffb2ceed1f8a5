"""The holdout check of the purchase models: an order table split at a date into the
calibration customers' summary and their purchases in the holdout, for the model choice
of the report and for the ``validate`` command.

Times are measured at the end of days, as Fader, Hardie & Lee do for CDNOW; refunds are
not purchases; customers first seen in the holdout are not compared (a model says
nothing about customers it has not met). :func:`holdout_split` holds out the last third
of the history when there is enough of it; :func:`split_orders` splits at a given date;
:func:`validate_models` fits each candidate on the calibration part and compares its
predictions with the holdout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.customers import DAY_NS, customer_summary
from retention_xl.analysis.dates import read_day
from retention_xl.analysis.models.choice import (
    ModelChoice,
    choose_purchase_model,
    first_problem,
)
from retention_xl.analysis.option_checks import positive
from retention_xl.errors import DataError

__all__ = ["MIN_HOLDOUT_DAYS", "MIN_HOLDOUT_REPEAT_BUYERS", "holdout_split", "split_orders", "validate_models",
           "Validation"]

#: days of order history needed to hold out its last third for the choice of model
MIN_HOLDOUT_DAYS = 180
#: repeat buyers needed in the calibration part (before the holdout)
MIN_HOLDOUT_REPEAT_BUYERS = 50


def holdout_split(orders: pd.DataFrame, *, unit_days: float = 7.0) -> tuple[tuple | None, str | None, int]:
    """The calibration/holdout split the model choice uses, or why there is none.

    The holdout is the last third of the history (whole days), when the history spans at
    least :data:`MIN_HOLDOUT_DAYS` days and the calibration part has at least
    :data:`MIN_HOLDOUT_REPEAT_BUYERS` repeat buyers.

    Returns
    -------
    split : (calibration, actual, length) or None
        As :func:`split_orders` returns them.
    skipped : str or None
        ``"short_history"`` or ``"few_repeat_buyers"`` when there is no split.
    history_days : int
        Days from the first to the last order day, both included.
    """
    buying = _Purchases.of(orders)
    first, last = int(buying.day.min()), int(buying.day.max())
    span = last - first + 1
    if span < MIN_HOLDOUT_DAYS:
        return None, "short_history", span
    start = pd.Timestamp((last - span // 3 + 1) * DAY_NS)
    calibration, actual, length = _split(buying, start, None, unit_days)
    if int((calibration["frequency"] > 0).sum()) < MIN_HOLDOUT_REPEAT_BUYERS:
        return None, "few_repeat_buyers", span
    return (calibration, actual, length), None, span


@dataclass(frozen=True)
class Validation:
    """What ``validate`` reports: the candidates on a holdout, and the choice.

    Attributes
    ----------
    choice : ModelChoice
        The holdout rule over ``candidates`` (every candidate's holdout figures).
    customers : int
        Calibration customers compared.
    holdout_length : float
        Holdout length in model time units.
    unit_days : float
        Days in a model time unit.
    """

    choice: ModelChoice
    customers: int
    holdout_length: float
    unit_days: float


def validate_models(orders: pd.DataFrame, holdout_start, *, holdout_end=None, unit_days: float = 7.0,
                    candidates: tuple[str, ...] = ("bg_nbd", "mbg_nbd", "pareto_nbd")) -> Validation:
    """Fit each purchase model on the orders before ``holdout_start``, compare its
    predictions with the purchases from that day on, and choose by the holdout error.

    Raises
    ------
    DataError
        No orders before or after the holdout start (see :func:`split_orders`).
    ModelError
        No candidate can be fitted (the first candidate's error).
    """
    calibration, actual, length = split_orders(orders, holdout_start, holdout_end=holdout_end, unit_days=unit_days)
    x, t_x, age = (calibration[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    _, choice = choose_purchase_model(x, t_x, age, holdout=(calibration, actual, length), candidates=candidates)
    if choice.model is None:
        raise first_problem(choice)
    return Validation(choice, len(calibration), float(length), unit_days)


def split_orders(orders: pd.DataFrame, holdout_start, *, holdout_end=None,
                 unit_days: float = 7.0) -> tuple[pd.DataFrame, np.ndarray, float]:
    """Split an order table at a date for a holdout check of the purchase model.

    Times are measured at the end of days, as Fader, Hardie & Lee do for CDNOW: the
    calibration period ends with the day before ``holdout_start``; a customer's T is the
    days from her first order day to that day (0 for a customer first seen that day);
    the holdout runs from there to the end of ``holdout_end`` (default: the last order
    day in the table). Refunds (negative amounts) are not orders and are left out;
    customers first seen in the holdout are not part of the comparison (the model says
    nothing about customers it has not met).

    Parameters
    ----------
    orders : pandas.DataFrame
        Clean order table with ``customer``, ``date``, ``amount``.
    holdout_start : date-like
        First day of the holdout period.
    holdout_end : date-like, optional
        Last day of the holdout period.
    unit_days : float, default 7
        Days in the model time unit (weeks).

    Returns
    -------
    calibration_summary : pandas.DataFrame
        Per calibration customer (index ``customer``): ``frequency``, ``recency``, ``T``
        in model time units and ``monetary``.
    actual_holdout_purchases : numpy.ndarray
        Distinct order days of each of those customers in the holdout, in the same order.
    holdout_length : float
        Length of the holdout in model time units.

    Raises
    ------
    DataError
        No orders before ``holdout_start`` or none from it on.
    InvalidValue
        A date that is not a date (text is read as order dates are, Solar Hijri included).

    Examples
    --------
    >>> orders = pd.DataFrame({"customer": ["a", "a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-29", "2024-02-05", "2024-02-12"]),
    ...     "amount": [10.0, 20.0, 5.0, 15.0, 8.0]})
    >>> summary, actual, length = split_orders(orders, "2024-02-01", holdout_end="2024-02-14")
    >>> summary[["frequency", "recency", "T"]].round(3).to_dict("list")
    {'frequency': [1.0, 0.0], 'recency': [2.0, 0.0], 'T': [4.286, 0.286]}
    >>> actual.tolist(), length  # a's order of 2024-02-05; c is new in the holdout
    ([1, 0], 2.0)
    """
    unit_days = positive("unit_days", unit_days)
    start = read_day(holdout_start, "holdout_start")
    return _split(_Purchases.of(orders), start, holdout_end, unit_days)


@dataclass(frozen=True)
class _Purchases:
    """The orders that are purchases (amount >= 0), customers as codes into ``ids``."""

    customer: np.ndarray  # code of each purchase's customer
    ids: np.ndarray  # the customer ids
    date: np.ndarray  # datetime64[ns]
    day: np.ndarray  # days since 1970
    amount: np.ndarray

    @classmethod
    def of(cls, orders: pd.DataFrame) -> _Purchases:
        amount = orders["amount"].to_numpy(dtype=float)
        buying = amount >= 0
        codes, ids = pd.factorize(orders["customer"], sort=True)  # in id order, whatever the rows' order
        date = pd.DatetimeIndex(orders["date"]).as_unit("ns").to_numpy()[buying]
        return cls(codes[buying], np.asarray(ids), date, date.view(np.int64) // DAY_NS, amount[buying])


def _split(buying: _Purchases, start: pd.Timestamp, holdout_end, unit_days: float) -> tuple[pd.DataFrame, np.ndarray, float]:
    day = buying.day
    first_holdout_day = start.value // DAY_NS
    before = day < first_holdout_day
    if not before.any():
        raise DataError(f"no orders before the holdout start {start:%Y-%m-%d}; choose a later date")
    if before.all():
        raise DataError(f"no orders on or after the holdout start {start:%Y-%m-%d}; choose an earlier date")
    last_day = int(day.max()) if holdout_end is None else read_day(holdout_end, "holdout_end").value // DAY_NS
    if last_day < first_holdout_day:
        raise DataError("holdout_end must not be before holdout_start")
    calibration = customer_summary(pd.DataFrame({  # customers as codes: no text hashed
        "customer": buying.customer[before], "date": buying.date[before], "amount": buying.amount[before]}),
        as_of=start - pd.Timedelta(days=1))
    codes = calibration.index.to_numpy()
    summary = pd.DataFrame({
        "frequency": calibration["frequency"].astype(float).to_numpy(),
        "recency": calibration["recency"].to_numpy() / unit_days,
        "T": calibration["T"].to_numpy() / unit_days,
        "monetary": calibration["monetary"].to_numpy(),
    }, index=pd.Index(buying.ids[codes], name="customer"))
    in_holdout = ~before & (day <= last_day)
    span = int(day.max()) - int(day.min()) + 1
    pairs = pd.unique(buying.customer[in_holdout].astype(np.int64) * span + (day[in_holdout] - int(day.min())))
    days_bought = np.bincount(pairs // span, minlength=buying.ids.size)  # distinct order days per customer
    actual = days_bought[codes].astype(np.int64)
    return summary, actual, (last_day - first_holdout_day + 1) / unit_days
