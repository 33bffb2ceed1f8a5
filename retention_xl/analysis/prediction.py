"""Per-customer predictions for the report and the formulas: who is still a customer,
how often they will buy, and what they are worth -- with intervals.

:func:`predict_customers` takes the per-customer summary of
:func:`~retention_xl.analysis.customers.customer_summary` (times in days) and

* chooses and fits a purchase model on (frequency, recency, T) in the *model time unit*
  of ``unit_days`` days (a week by default, as in the CDNOW studies): Pareto/NBD or
  MBG/NBD (:func:`~retention_xl.analysis.models.choice.choose_purchase_model`) -- the
  models in which a customer who never bought again may have left, so her P(alive) falls
  the longer she is silent. With the order table and at least :data:`~retention_xl.analysis.holdout_split.MIN_HOLDOUT_DAYS`
  days of history the last third of the history is held out and the model that predicts
  it best wins; otherwise the one with the higher likelihood (:attr:`Prediction.choice`
  records which, why, and against what);
* fits the Gamma-Gamma spend model on repeat buyers' mean repeat spend;

then gives, per customer: P(alive) now, the purchases expected over the next ``horizon``
*CLV periods* of ``period_days`` days (a month of 30.4375 days by default), the expected
value of each future order, and the predicted CLV: margin x spend x purchases expected
in each month, discounted at ``discount`` per month (the formula of
:func:`~retention_xl.analysis.models.predicted_clv`).

Intervals: ``*_low`` / ``*_high`` bound a 90% interval for the expected purchases and the
CLV from the uncertainty of the fitted parameters (their covariance from the observed
information), carried to each prediction by the delta method on the log scale: with g the
gradient of log(prediction) in the log-parameters (by differences) and V their covariance,
the interval is prediction x exp(+-1.645 sqrt(g V g')). Purchase and spend models are fitted
separately, so their variances add. These intervals say how well the *model* is known; a
single customer's actual purchases scatter much more (see
:meth:`~retention_xl.analysis.models.purchase_model.PurchaseModel.probability_no_purchase`).

When the data cannot support a model, nothing is made up:

* no purchase model can be fitted (no repeat buyers, a parameter the data leave
  undetermined): every prediction column is NaN and :attr:`Prediction.problem` (a
  :class:`~retention_xl.errors.ModelError` with ``kind`` and ``fields``) says why;
* Gamma-Gamma fails alone (e.g. every repeat order worth the same): CLV uses the mean
  value of all repeat orders as every customer's spend per order (the mean value of all
  orders when no repeat order has a value), and :attr:`Prediction.spend_problem` says why.

Repeat buyers whose repeat orders total zero (free orders) carry no spend information:
the spend model treats them like one-time buyers (population mean spend).

:mod:`~retention_xl.analysis.holdout_split` splits the order table for the holdout
check of the model choice and of the ``validate`` command.

Example
-------
>>> import numpy as np
>>> summary = pd.DataFrame({"frequency": [0.0, 0.0], "recency": [0.0, 0.0],
...                         "T": [70.0, 14.0], "monetary": [0.0, 0.0]})
>>> p = predict_customers(summary)  # nobody bought twice: no model, no numbers
>>> bool(p.available), bool(np.isnan(p.customers["p_alive"]).all()), p.problem.kind
(False, True, 'no_repeat_buyers')
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retention_xl.analysis.holdout_split import holdout_split
from retention_xl.analysis.models.choice import (
    DEFAULT_CANDIDATES,
    PURCHASE_MODELS,
    ModelChoice,
    choose_purchase_model,
    first_problem,
)
from retention_xl.analysis.models.clv import Forecast, purchase_forecast
from retention_xl.analysis.models.counts import distinct_cases
from retention_xl.analysis.models.gamma_gamma import GammaGamma
from retention_xl.analysis.models.purchase_model import PurchaseModel
from retention_xl.analysis.option_checks import positive
from retention_xl.errors import DataError, InvalidValue, ModelError, OutOfRange

__all__ = ["Prediction", "PREDICTION_COLUMNS", "INTERVAL_LEVEL", "predict_customers"]

#: the columns :attr:`Prediction.customers` holds, in order
PREDICTION_COLUMNS = ("p_alive", "expected_purchases", "expected_purchases_low", "expected_purchases_high",
                      "expected_spend", "predicted_clv", "predicted_clv_low", "predicted_clv_high")

#: the longest horizon predicted, in CLV periods (100 years of months), as the report allows
MAX_HORIZON = 1200

#: coverage of the intervals
INTERVAL_LEVEL = 0.90
#: customers predicted at a time (the fit is on all of them at once)
PREDICTION_SLICE = 250_000
_Z = 1.6448536269514722  # standard normal quantile at 0.95

_SYMBOLS = {"alpha": "α", "beta": "β"}
_NAMES = {"bg_nbd": "BG/NBD", "mbg_nbd": "MBG/NBD", "pareto_nbd": "Pareto/NBD"}


@dataclass(frozen=True)
class Prediction:
    """Predictions per customer and what they rest on.

    Attributes
    ----------
    customers : pandas.DataFrame
        Indexed like the summary, columns :data:`PREDICTION_COLUMNS`: ``p_alive`` (0-1),
        ``expected_purchases`` (order days in the next ``horizon`` periods) with its
        90% interval, ``expected_spend`` (expected value of each future order),
        ``predicted_clv`` with its 90% interval; all NaN when no model could be fitted.
    choice : ModelChoice
        Which purchase model, by which rule (``"holdout"``, ``"likelihood"``,
        ``"none"``), and how every candidate did.
    purchase_params, spend_params : dict or None
        Fitted parameters of the chosen purchase model (alpha, beta in model time units)
        and of Gamma-Gamma ``p, q, v``; ``None`` where that model could not be fitted.
    purchase_limit : str or None
        ``"no_dropout"`` when the chosen model's fit is the limit where nobody drops out.
    problem : ModelError or None
        Why there is no prediction at all (no purchase model could be fitted).
    spend_problem : ModelError or None
        Why spend per order is the mean repeat spend rather than the Gamma-Gamma one.
    holdout_skipped : str or None
        Why the choice did not use a holdout: ``"no_orders"`` (only a summary was given),
        ``"short_history"`` (fewer than :data:`~retention_xl.analysis.holdout_split.MIN_HOLDOUT_DAYS` days) or
        ``"few_repeat_buyers"``; ``None`` when it did.
    history_days : int or None
        Days from the first to the last order day (when the orders were given).
    mean_repeat_spend : float
        Mean value of all repeat orders (NaN without repeat orders).
    horizon, margin, discount, unit_days, period_days, interval_level
        The options used.
    """

    customers: pd.DataFrame
    choice: ModelChoice
    purchase_params: dict[str, float] | None
    spend_params: dict[str, float] | None
    purchase_limit: str | None
    problem: ModelError | None
    spend_problem: ModelError | None
    holdout_skipped: str | None
    history_days: int | None
    mean_repeat_spend: float
    horizon: int
    margin: float
    discount: float
    unit_days: float
    period_days: float
    interval_level: float = INTERVAL_LEVEL
    clv_gradient: np.ndarray = field(default=None, repr=False)  # (customers x parameters), see clv_mean_interval
    covariance: np.ndarray = field(default=None, repr=False)  # of the log-parameters, purchase then spend
    group_gradient: np.ndarray = field(default=None, repr=False)  # (groups x parameters): sums per group

    @property
    def available(self) -> bool:
        """True when a purchase model was fitted and the columns hold numbers."""
        return self.purchase_params is not None

    @property
    def purchase_model(self) -> str | None:
        """Code of the chosen purchase model (``"pareto_nbd"``, ``"mbg_nbd"`` ...)."""
        return self.choice.model if self.available else None

    @property
    def params_text(self) -> str:
        """The models and their parameters in symbols, the same in every language.

        ``"Pareto/NBD r=0.553, α=10.6, s=0.606, β=11.7; Gamma-Gamma p=6.25, q=3.74, v=15.4"``;
        at the no-drop-out limit the parameter that no longer matters is left out; empty
        when no model was fitted.
        """
        if not self.available:
            return ""
        text = _NAMES[self.choice.model] + " " + _params_text(self.purchase_params, self.choice.model,
                                                                self.purchase_limit)
        if self.spend_params is not None:
            gg = self.spend_params
            text += f"; Gamma-Gamma p={gg['p']:.3g}, q={gg['q']:.3g}, v={gg['v']:.3g}"
        return text

    def clv_mean_interval(self, rows) -> tuple[float, float]:
        """90% interval of the mean predicted CLV of the customers in ``rows`` (a boolean
        mask or positions): the delta method on the mean, whose gradient is the mean of the
        customers' gradients (the parameter uncertainty is shared by all of them).

        Needs the customers' gradients: a prediction made with ``groups`` keeps only their
        sums per group (see :meth:`group_clv_interval`)."""
        clv = self.customers["predicted_clv"].to_numpy()
        if not self.available or self.clv_gradient is None:
            return float("nan"), float("nan")
        selected = np.zeros(clv.size, dtype=bool)
        selected[rows] = True
        if not selected.any():
            return float("nan"), float("nan")
        return self._mean_interval(float(clv[selected].mean()), self.clv_gradient[selected].mean(axis=0))

    def group_clv_interval(self, groups: np.ndarray, group: int) -> tuple[float, float]:
        """:meth:`clv_mean_interval` of the customers whose code in ``groups`` (the codes
        the prediction was made with) is ``group``, from the gradient sums of the group."""
        if not self.available or self.group_gradient is None:
            return float("nan"), float("nan")
        selected = groups == group
        count = int(selected.sum())
        if not count:
            return float("nan"), float("nan")
        mean = float(self.customers["predicted_clv"].to_numpy()[selected].mean())
        return self._mean_interval(mean, self.group_gradient[group] / count)

    def _mean_interval(self, mean: float, g: np.ndarray) -> tuple[float, float]:
        spread = math.sqrt(max(float(g @ self.covariance @ g), 0.0)) / mean if mean > 0 else 0.0
        return mean * math.exp(-_Z * spread), mean * math.exp(_Z * spread)


def _params_text(params: dict, model: str, limit: str | None) -> str:
    names = PURCHASE_MODELS[model].param_names
    shown = []
    for name in names:
        if limit == "no_dropout" and name in ("b", "beta"):
            continue  # no effect at the limit
        value = params[name]
        shown.append(f"{_SYMBOLS.get(name, name)}={0 if value == 0 else float(f'{value:.3g}'):g}")
    return ", ".join(shown)


def _check_options(horizon, margin, discount, unit_days, period_days) -> tuple:
    if isinstance(horizon, bool) or not float(horizon).is_integer() or not 1 <= horizon <= MAX_HORIZON:
        raise OutOfRange(f"horizon must be a whole number of periods from 1 to {MAX_HORIZON:,}, got {horizon:g}")
    try:
        margin, discount = float(margin), float(discount)
    except (TypeError, ValueError):
        raise InvalidValue("margin and discount must be numbers (e.g. 0.3 and 0.01)") from None
    if not math.isfinite(margin) or not 0 < margin <= 1:
        raise OutOfRange(f"margin must be the share of spend that is profit, in (0, 1] (e.g. 0.3 for 30%), "
                         f"got {margin:g}")
    if not math.isfinite(discount) or discount <= -1:
        raise OutOfRange(f"discount must be a rate per period > -1 (e.g. 0.01 for 1%), got {discount:g}")
    return int(horizon), margin, discount, positive("unit_days", unit_days), positive("period_days", period_days)


def predict_customers(summary: pd.DataFrame, *, orders: pd.DataFrame | None = None, horizon: int = 12,
                      margin: float = 1.0, discount: float = 0.01, unit_days: float = 7.0,
                      period_days: float = 30.4375, candidates: tuple[str, ...] = DEFAULT_CANDIDATES,
                      holdout: tuple | None = None, groups: np.ndarray | None = None) -> Prediction:
    """Choose and fit the models on a customer summary and predict every customer.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`~retention_xl.analysis.customers.customer_summary`: ``frequency`` (repeat
        order days), ``recency`` and ``T`` (days), ``monetary`` (mean repeat spend).
    orders : pandas.DataFrame, optional
        The clean order table the summary was made from (``customer, date, amount``):
        with it, and enough history, the purchase model is chosen on a holdout.
    holdout : tuple, optional
        Instead of ``orders``: what :func:`~retention_xl.analysis.holdout_split.holdout_split` gives for them, ``(split,
        skipped, history_days)``, computed where the orders are (an SQL engine).
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
    candidates : tuple of str
        Purchase models to choose from (codes of
        :data:`~retention_xl.analysis.models.choice.PURCHASE_MODELS`).
    groups : numpy.ndarray of int, optional
        A group code (0, 1 ...) per customer, e.g. the segment: the CLV's gradients are then
        kept as sums per group (:meth:`Prediction.group_clv_interval`), not per customer,
        so that memory does not grow by a row of parameters per customer.

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
    >>> from retention_xl.analysis.customers import customer_summary
    >>> from retention_xl.sample import generate_orders
    >>> orders = generate_orders(2000, seed=3).rename(columns={"order_date": "date"})
    >>> p = predict_customers(customer_summary(orders), orders=orders)
    >>> p.choice.rule, p.purchase_model in ("pareto_nbd", "mbg_nbd")
    ('holdout', True)
    >>> c = p.customers
    >>> bool(((c["predicted_clv_low"] <= c["predicted_clv"]) & (c["predicted_clv"] <= c["predicted_clv_high"])).all())
    True
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
    if holdout is not None:
        split, skipped, history_days = holdout
    else:
        split, skipped, history_days = (None, "no_orders", None) if orders is None else holdout_split(
            orders, unit_days=unit_days)
    options = {"horizon": horizon, "margin": margin, "discount": discount, "unit_days": unit_days,
               "period_days": period_days, "mean_repeat_spend": mean_spend, "holdout_skipped": skipped,
               "history_days": history_days}

    model, choice = choose_purchase_model(x, t_x, age, holdout=split, candidates=candidates)
    if model is None:
        empty = pd.DataFrame(np.nan, index=summary.index, columns=list(PREDICTION_COLUMNS))
        return Prediction(empty, choice, None, None, None, first_problem(choice), None, **options)

    step = period_days / unit_days  # model time units in one CLV period
    spend_x = np.where(spends, x, 0.0)  # free repeat orders say nothing about spend
    gg, spend_problem = GammaGamma(), None
    try:
        gg.fit(spend_x, m)
        low = int(np.argmin(spend_x)) if spend_x.size else 0
        gg.expected_spend(spend_x[low:low + 1], m[low:low + 1])  # finite for all: it is for the fewest orders
    except ModelError as e:
        gg, spend_problem = None, e
    fallback_spend = mean_spend if np.isfinite(mean_spend) else _mean_order_value(summary)

    k = len(model.param_names)
    covariance = np.zeros((k + 3, k + 3))
    covariance[:k, :k] = model.log_covariance_
    if gg is not None:
        covariance[k:, k:] = gg.log_covariance_
    # one block, a row per column: the DataFrame takes it as it is (a dict of columns is copied into one)
    block = np.empty((len(PREDICTION_COLUMNS), x.size))
    columns = dict(zip(PREDICTION_COLUMNS, block))
    if groups is None:
        d_clv, sums = np.zeros((x.size, k + 3)), None
    else:
        groups = np.asarray(groups, dtype=np.int64)
        if groups.shape != x.shape or (groups.size and groups.min() < 0):
            raise InvalidValue("groups must give a code of 0 or more to every customer of the summary")
        d_clv, sums = None, np.zeros((int(groups.max()) + 1 if groups.size else 0, k + 3))
    # customers a slice at a time: the work arrays (a prediction per CLV period and per
    # parameter) stay the size of one slice, whatever the number of customers
    for lo in range(0, x.size, PREDICTION_SLICE):
        part = slice(lo, min(lo + PREDICTION_SLICE, x.size))
        gradient = np.zeros((part.stop - lo, k + 3)) if d_clv is None else d_clv[part]
        _predict_slice(model, gg, fallback_spend, x[part], t_x[part], age[part], m[part], spend_x[part],
                       horizon=horizon, margin=margin, discount=discount, step=step, covariance=covariance,
                       out={name: values[part] for name, values in columns.items()}, d_clv=gradient)
        if sums is not None:
            for j in range(k + 3):
                sums[:, j] += np.bincount(groups[part], weights=gradient[:, j], minlength=len(sums))
    frame = pd.DataFrame(block.T, index=summary.index, columns=list(PREDICTION_COLUMNS), copy=False)
    return Prediction(frame, choice, dict(model.params_),
                      None if gg is None else dict(gg.params_), model.limit_, None, spend_problem,
                      clv_gradient=d_clv, covariance=covariance, group_gradient=sums, **options)


def _predict_slice(model: PurchaseModel, gg: GammaGamma | None, fallback_spend: float, x: np.ndarray,
                   t_x: np.ndarray, age: np.ndarray, m: np.ndarray, spend_x: np.ndarray, *, horizon: int,
                   margin: float, discount: float, step: float, covariance: np.ndarray, out: dict,
                   d_clv: np.ndarray) -> None:
    """Predict the customers of one slice into ``out`` (the :data:`PREDICTION_COLUMNS`)
    and ``d_clv`` (the CLV's gradient in the log-parameters, purchase model then spend);
    ``spend_x`` is the repeat orders that have a spend."""
    # the purchase predictions depend on (x, t_x, T) only: computed once per distinct triple
    row, first = distinct_cases(x, t_x, age)
    ux, ut, ua = x[first], t_x[first], age[first]

    def forecast(fitted: PurchaseModel) -> Forecast:  # one P(alive) per set of parameters
        return purchase_forecast(fitted, ux, ut, ua, horizon=horizon, discount=discount, freq_per_period=step)

    alive, *base = forecast(model)
    out["p_alive"][:] = alive[row]
    expected, discounted = (v[row] for v in base)
    spend = np.full(x.shape, fallback_spend) if gg is None else gg.expected_spend(spend_x, m)
    clv = margin * spend * discounted
    k = len(model.param_names)
    d_expected = np.zeros((x.size, k))
    for j, (d_e, d_d) in _gradients(model, lambda fitted: forecast(fitted)[1:], base).items():  # per free parameter
        d_expected[:, j] = d_e[row]
        d_clv[:, j] = margin * spend * d_d[row]
    if gg is not None:
        d_clv[:, k:] = clv[:, None] * _log_spend_gradient(gg, spend_x, m)
    out["expected_purchases"][:] = expected
    out["expected_spend"][:] = spend
    out["predicted_clv"][:] = clv
    for name, value, gradient, cov in (("expected_purchases", expected, d_expected, covariance[:k, :k]),
                                       ("predicted_clv", clv, d_clv, covariance)):
        for bound, values in _interval(name, value, gradient, cov).items():
            out[bound][:] = values


def _mean_order_value(summary: pd.DataFrame) -> float:
    """Mean value of all orders (0 when no order had a value): the spend per order when no
    repeat order has one."""
    if {"revenue", "orders"} <= set(summary.columns) and summary["orders"].sum() > 0:
        return max(float(summary["revenue"].sum()) / float(summary["orders"].sum()), 0.0)
    return 0.0


def _gradients(model: PurchaseModel, predict, base: tuple, step: float = 1e-4) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Derivatives of the predictions in each free log-parameter, by forward differences
    from ``base``, the predictions at the estimates."""
    out = {}
    for j, name in enumerate(model.param_names):
        if not model.log_covariance_[j, j] > 0:
            continue  # held by a limit or at the edge: no uncertainty to carry
        shifted = type(model)()
        shifted.params_ = dict(model.params_)
        shifted.params_[name] *= math.exp(step)
        moved = predict(shifted)
        out[j] = tuple((after - before) / step for after, before in zip(moved, base))
    return out


def _log_spend_gradient(gg: GammaGamma, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """d log E[spend] / d (log p, log q, log v), from E = p (v + x m) / (p x + q - 1)."""
    p, q, v = (gg.params_[k] for k in ("p", "q", "v"))
    own = np.where(x > 0, m, 0.0)
    denominator = p * x + q - 1.0
    return np.column_stack([1.0 - p * x / denominator, -q / denominator, v / (v + x * own)])


def _interval(name: str, value: np.ndarray, gradient: np.ndarray, covariance: np.ndarray) -> dict:
    """value x exp(+-z sd(log value)), sd from the delta method: sqrt(g V g') / value."""
    variance = np.einsum("ij,jk,ik->i", gradient, covariance, gradient)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(value > 0, np.sqrt(np.maximum(variance, 0.0)) / value, 0.0)
    return {f"{name}_low": value * np.exp(-_Z * spread), f"{name}_high": value * np.exp(_Z * spread)}
