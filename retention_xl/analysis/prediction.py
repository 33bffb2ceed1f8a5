"""Per-customer predictions for the report and the formulas: who is still a customer,
how often they will buy, and what they are worth.

:func:`predict_customers` takes the per-customer summary of
:func:`~retention_xl.analysis.customers.customer_summary` (times in days) and fits

* the BG/NBD purchase model (:class:`~retention_xl.analysis.models.BetaGeo`) on
  (frequency, recency, T) in the *model time unit* of ``unit_days`` days -- a week by
  default, as in Fader, Hardie & Lee's CDNOW study; and
* the Gamma-Gamma spend model (:class:`~retention_xl.analysis.models.GammaGamma`) on
  repeat buyers' mean repeat spend;

then gives, per customer: P(alive) now, the purchases expected over the next ``horizon``
*CLV periods* of ``period_days`` days (a month of 30.4375 days by default), the expected
value of each future order, and the predicted CLV: margin x spend x purchases expected
in each month, discounted at ``discount`` per month (the formula of
:func:`~retention_xl.analysis.models.predicted_clv`).

When the data cannot support a model, nothing is made up:

* BG/NBD fails (no repeat buyers, too few customers, a fit that pins nothing down): every
  prediction column is NaN and :attr:`Prediction.problem` says why;
* Gamma-Gamma fails alone (e.g. every repeat order worth the same): CLV uses the mean
  value of all repeat orders as every customer's spend per order, and
  :attr:`Prediction.spend_problem` says why.

Repeat buyers whose repeat orders total zero (free orders) carry no spend information:
the spend model treats them like one-time buyers (population mean spend).

:func:`split_orders` prepares a holdout check of the purchase model on an order table
(see :func:`~retention_xl.analysis.models.holdout_validation`).

Example
-------
>>> import numpy as np
>>> summary = pd.DataFrame({"frequency": [0.0, 0.0], "recency": [0.0, 0.0],
...                         "T": [70.0, 14.0], "monetary": [0.0, 0.0]})
>>> p = predict_customers(summary)  # nobody bought twice: no model, no numbers
>>> bool(p.available), bool(np.isnan(p.customers["p_alive"]).all())
(False, True)
>>> p.model_note.startswith("No predictions: the BG/NBD model needs customers with repeat")
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.customers import DAY_NS, customer_summary
from retention_xl.analysis.models.bg_nbd import BetaGeo
from retention_xl.analysis.models.gamma_gamma import GammaGamma
from retention_xl.analysis.models.clv import discounted_purchases
from retention_xl.errors import DataError, InvalidValue, ModelError, OutOfRange

__all__ = ["Prediction", "PREDICTION_COLUMNS", "predict_customers", "split_orders"]

#: the columns :attr:`Prediction.customers` holds, in order
PREDICTION_COLUMNS = ("p_alive", "expected_purchases", "expected_spend", "predicted_clv")


@dataclass(frozen=True)
class Prediction:
    """Predictions per customer and what they rest on.

    Attributes
    ----------
    customers : pandas.DataFrame
        Indexed like the summary: ``p_alive`` (0-1), ``expected_purchases`` (order days
        in the next ``horizon`` periods), ``expected_spend`` (expected value of each
        future order), ``predicted_clv``; all NaN when no model could be fitted.
    model_note : str
        One paragraph in plain English: models and fitted parameters, units, or why
        there is no prediction.
    purchase_params, spend_params : dict or None
        Fitted BG/NBD ``r, alpha, a, b`` (alpha in model time units) and Gamma-Gamma
        ``p, q, v``; ``None`` where that model could not be fitted.
    problem : str or None
        Why there is no prediction at all (the BG/NBD fit failed).
    spend_problem : str or None
        Why spend per order is the mean repeat spend rather than the Gamma-Gamma one.
    mean_repeat_spend : float
        Mean value of all repeat orders (NaN without repeat orders).
    horizon, margin, discount, unit_days, period_days
        The options used.
    """

    customers: pd.DataFrame
    model_note: str
    purchase_params: dict[str, float] | None
    spend_params: dict[str, float] | None
    problem: str | None
    spend_problem: str | None
    mean_repeat_spend: float
    horizon: int
    margin: float
    discount: float
    unit_days: float
    period_days: float

    @property
    def available(self) -> bool:
        """True when the purchase model was fitted and the columns hold numbers."""
        return self.purchase_params is not None

    @property
    def params_text(self) -> str:
        """The models and their parameters in symbols, the same in every language.

        ``"BG/NBD r=0.243, α=4.41, a=0.793, b=2.43; Gamma-Gamma p=6.25, q=3.74, v=15.4"``;
        empty when no model was fitted.
        """
        return _params_text(self.purchase_params, self.spend_params)


def _params_text(bg: dict | None, gg: dict | None) -> str:
    if bg is None:
        return ""
    text = f"BG/NBD r={bg['r']:.3g}, α={bg['alpha']:.3g}, a={bg['a']:.3g}, b={bg['b']:.3g}"
    if gg is not None:
        text += f"; Gamma-Gamma p={gg['p']:.3g}, q={gg['q']:.3g}, v={gg['v']:.3g}"
    return text


def _positive(name: str, value: float) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InvalidValue(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise OutOfRange(f"{name} must be a number > 0, got {value:g}")
    return value


def _check_options(horizon, margin, discount, unit_days, period_days) -> tuple:
    if isinstance(horizon, bool) or not float(horizon).is_integer() or horizon < 1:
        raise OutOfRange(f"horizon must be a whole number of periods >= 1, got {horizon}")
    try:
        margin, discount = float(margin), float(discount)
    except (TypeError, ValueError):
        raise InvalidValue("margin and discount must be numbers (e.g. 0.3 and 0.01)") from None
    if not math.isfinite(margin):
        raise OutOfRange("margin must be a finite number (e.g. 0.3 for 30%)")
    if not math.isfinite(discount) or discount <= -1:
        raise OutOfRange(f"discount must be a rate per period > -1 (e.g. 0.01 for 1%), got {discount:g}")
    return int(horizon), margin, discount, _positive("unit_days", unit_days), _positive("period_days", period_days)


def _unit_name(unit_days: float) -> str:
    return {1.0: "days", 7.0: "weeks"}.get(unit_days, f"units of {unit_days:g} days")


def _period_name(period_days: float) -> tuple[str, str]:
    """(plural, singular) name of a CLV period: months of 30.4375 days, weeks, years."""
    names = {30.4375: ("months", "month"), 7.0: ("weeks", "week"), 365.25: ("years", "year")}
    return names.get(period_days, (f"periods of {period_days:g} days", "period"))


def predict_customers(summary: pd.DataFrame, *, horizon: int = 12, margin: float = 1.0,
                      discount: float = 0.01, unit_days: float = 7.0,
                      period_days: float = 30.4375) -> Prediction:
    """Fit BG/NBD and Gamma-Gamma on a customer summary and predict every customer.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`~retention_xl.analysis.customers.customer_summary`: ``frequency`` (repeat
        order days), ``recency`` and ``T`` (days), ``monetary`` (mean repeat spend).
    horizon : int, default 12
        Number of CLV periods to predict over (12 months).
    margin : float, default 1.0
        Share of spend that is profit (1 gives revenue).
    discount : float, default 0.01
        Discount rate per CLV period (1% a month).
    unit_days : float, default 7
        Days in the model time unit: recency and T are divided by it (weeks).
    period_days : float, default 30.4375
        Days in a CLV period (an average month: 365.25 / 12).

    Returns
    -------
    Prediction
        Never raises for data the models cannot fit: see the module's fallbacks.

    Raises
    ------
    DataError
        ``summary`` lacks a column.
    OutOfRange, InvalidValue
        A bad option (horizon < 1, discount <= -1, ...).

    Examples
    --------
    >>> from retention_xl.sample import generate_orders
    >>> orders = generate_orders(2000, seed=3).rename(columns={"order_date": "date"})
    >>> p = predict_customers(customer_summary(orders))
    >>> p.params_text.startswith("BG/NBD r="), bool(p.customers["p_alive"].between(0, 1).all())
    (True, True)
    """
    horizon, margin, discount, unit_days, period_days = _check_options(
        horizon, margin, discount, unit_days, period_days)
    missing = [c for c in ("frequency", "recency", "T", "monetary") if c not in summary]
    if missing:
        raise DataError(f"the customer summary lacks column(s) {', '.join(missing)}; "
                        "make it with customer_summary()")
    x = summary["frequency"].to_numpy(dtype=float)
    t_x = summary["recency"].to_numpy(dtype=float) / unit_days
    age = summary["T"].to_numpy(dtype=float) / unit_days
    m = summary["monetary"].to_numpy(dtype=float)
    spends = (x > 0) & (m > 0)
    repeat_orders = x[spends].sum()
    mean_spend = float(x[spends] @ m[spends] / repeat_orders) if repeat_orders else float("nan")
    options = {"horizon": horizon, "margin": margin, "discount": discount, "unit_days": unit_days,
               "period_days": period_days, "mean_repeat_spend": mean_spend}
    unit, (periods, period) = _unit_name(unit_days), _period_name(period_days)

    try:
        bg = BetaGeo().fit(x, t_x, age)
    except ModelError as e:
        empty = pd.DataFrame(np.nan, index=summary.index, columns=list(PREDICTION_COLUMNS))
        note = (f"No predictions: {e}. P(alive), expected purchases and predicted CLV are "
                "left empty rather than guessed.")
        return Prediction(empty, note, None, None, str(e), None, **options)

    step = period_days / unit_days  # model time units in one CLV period
    p_alive = bg.p_alive(x, t_x, age)
    expected = bg.expected_purchases(horizon * step, x, t_x, age)
    discounted = discounted_purchases(bg, x, t_x, age, horizon=horizon, discount=discount,
                                      freq_per_period=step)
    spend_x = np.where(spends, x, 0.0)  # free repeat orders say nothing about spend
    gg, spend_problem = GammaGamma(), None
    try:
        spend = gg.fit(spend_x, m).expected_spend(spend_x, m)
    except ModelError as e:
        gg, spend_problem = None, str(e)
        spend = np.full(x.shape, mean_spend)
    clv = margin * spend * discounted

    note = (f"Predictions: {'BG/NBD' if gg is None else 'BG/NBD and Gamma-Gamma'} models, "
            f"time in {unit} (α in {unit}): "
            f"{_params_text(bg.params_, None if gg is None else gg.params_)}. "
            f"Expected purchases and CLV over the next {horizon} {periods}, discount "
            f"{discount * 100:.4g}% per {period}, margin {margin * 100:.4g}% of spend.")
    if spend_problem:
        note += (f" Spend per order: the mean repeat order value {mean_spend:,.2f} for every "
                 f"customer, because {spend_problem}.")
    frame = pd.DataFrame({"p_alive": p_alive, "expected_purchases": expected,
                          "expected_spend": spend, "predicted_clv": clv}, index=summary.index)
    return Prediction(frame, note, dict(bg.params_), None if gg is None else dict(gg.params_),
                      None, spend_problem, **options)


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
        No orders before ``holdout_start`` or none from it on, or a date that is not a date.

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
    unit_days = _positive("unit_days", unit_days)
    start = _day(holdout_start, "holdout_start")
    buying = orders[orders["amount"].to_numpy(dtype=float) >= 0]
    day = pd.DatetimeIndex(buying["date"]).as_unit("ns").asi8 // DAY_NS
    first_holdout_day = start.value // DAY_NS
    before = day < first_holdout_day
    if not before.any():
        raise DataError(f"no orders before the holdout start {start:%Y-%m-%d}; choose a later date")
    if before.all():
        raise DataError(f"no orders on or after the holdout start {start:%Y-%m-%d}; choose an earlier date")
    last_day = int(day.max()) if holdout_end is None else _day(holdout_end, "holdout_end").value // DAY_NS
    if last_day < first_holdout_day:
        raise DataError("holdout_end must not be before holdout_start")
    calibration = customer_summary(buying[before], as_of=start - pd.Timedelta(days=1))
    summary = pd.DataFrame({
        "frequency": calibration["frequency"].astype(float),
        "recency": calibration["recency"] / unit_days,
        "T": calibration["T"] / unit_days,
        "monetary": calibration["monetary"],
    }, index=calibration.index)
    in_holdout = ~before & (day <= last_day)
    holdout = pd.DataFrame({"customer": buying["customer"].to_numpy()[in_holdout], "day": day[in_holdout]})
    actual = holdout.drop_duplicates().groupby("customer", sort=False, observed=True).size()
    actual = actual.reindex(summary.index, fill_value=0).to_numpy(dtype=np.int64)
    return summary, actual, (last_day - first_holdout_day + 1) / unit_days


def _day(value, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be a date like 2024-01-31, got {value!r}") from None
    if ts is pd.NaT or pd.isna(ts):
        raise DataError(f"{name} must be a date like 2024-01-31, got {value!r}")
    return ts.normalize().as_unit("ns")
