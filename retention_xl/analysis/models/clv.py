"""Predicted customer lifetime value from a purchase model and a Gamma-Gamma model.

For each customer, over ``horizon`` future periods::

    CLV = margin * spend * sum_{k=1..horizon} (E(k f) - E((k - 1) f)) / (1 + discount)^k

where E(t) is the purchase model's (BG/NBD, MBG/NBD or Pareto/NBD) expected number of purchases in the next t time units given the
customer's history, ``spend`` the Gamma-Gamma expected value of her next purchase, and
``f = freq_per_period`` the number of time units (the unit of recency and T) in one CLV
period. This is the calculation of lifetimes' ``customer_lifetime_value``: purchases
expected in period k are discounted as if they all happened at its end.

Time units, spelled out: recency and T are in the model's *time unit* (e.g. weeks);
``horizon`` counts *CLV periods* and ``discount`` is the rate *per CLV period*. Data in
weeks with a 12-month horizon and a monthly rate: ``horizon=12, discount=0.01,
freq_per_period=52 / 12`` (lifetimes uses 4.345). Data in days: ``freq_per_period=30``.
Data already in months: ``freq_per_period=1``.

Example
-------
>>> from retention_xl.analysis.models import BetaGeo, GammaGamma, predicted_clv
>>> bg, gg = BetaGeo(), GammaGamma()
>>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}   # weeks
>>> gg.params_ = {"p": 6.25, "q": 3.74, "v": 15.44}
>>> clv = predicted_clv(bg, gg, [2, 0], [30.43, 0.0], [38.86, 38.86], [22.35, 0.0],
...                     horizon=12, discount=0.01, freq_per_period=4.345)
>>> [round(float(v), 2) for v in clv]
[36.29, 8.37]
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from retention_xl.errors import InvalidValue, OutOfRange
from retention_xl.analysis.models.base import as_float_array
from retention_xl.analysis.models.counts import customer_arrays
from retention_xl.analysis.models.gamma_gamma import GammaGamma
from retention_xl.analysis.models.purchase_model import PurchaseModel

__all__ = ["Forecast", "predicted_clv", "discounted_purchases", "purchase_forecast"]


def discounted_purchases(model: PurchaseModel, frequency, recency, T, *, horizon: int, discount: float,
                         freq_per_period: float) -> np.ndarray:
    """Expected purchases per customer over ``horizon`` periods, each discounted to today.

    sum_{k=1..horizon} (E(k f) - E((k - 1) f)) / (1 + discount)^k, with f = freq_per_period.

    Returns
    -------
    numpy.ndarray
        One value per customer, >= 0.
    """
    return purchase_forecast(model, frequency, recency, T, horizon=horizon, discount=discount,
                             freq_per_period=freq_per_period).discounted


class Forecast(NamedTuple):
    """What a purchase model predicts for each customer over ``horizon`` CLV periods."""

    p_alive: np.ndarray
    expected: np.ndarray  # purchases expected over the whole horizon, E(horizon f)
    discounted: np.ndarray  # the same, each period's discounted to today


def purchase_forecast(model: PurchaseModel, frequency, recency, T, *, horizon: int, discount: float,
                      freq_per_period: float) -> Forecast:
    """P(alive), the expected purchases over ``horizon`` periods and the discounted ones
    (:func:`discounted_purchases`), from one evaluation of P(alive): E(horizon f) is the
    last row of the per-period table the discounted sum is taken from.

    Examples
    --------
    >>> from retention_xl.analysis.models import BetaGeo
    >>> bg = BetaGeo()
    >>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> f = purchase_forecast(bg, [2], [30.43], [38.86], horizon=12, discount=0.0, freq_per_period=4.345)
    >>> bool(f.expected[0] == bg.expected_purchases(12 * 4.345, [2], [30.43], [38.86])[0])
    True
    >>> bool(abs(f.discounted[0] - f.expected[0]) < 1e-12)  # no discount: the periods add up
    True
    """
    if isinstance(horizon, bool) or not float(horizon).is_integer() or horizon < 1:
        raise OutOfRange(f"horizon must be a whole number of periods >= 1, got {horizon}")
    step = float(as_float_array("freq_per_period", freq_per_period))
    if step <= 0:
        raise OutOfRange("freq_per_period (time units per CLV period) must be > 0")
    rate = float(as_float_array("discount", discount, minimum=None))
    if rate <= -1:
        raise OutOfRange("discount must be > -1 (a rate per period, e.g. 0.01 for 1%)")
    x, t_x, age = customer_arrays(frequency, recency, T)
    k = np.arange(0, int(horizon) + 1, dtype=float)
    alive, expected = model.forecast(step * k.reshape((-1,) + (1,) * x.ndim), x, t_x, age)
    per_period = np.diff(expected, axis=0)
    weights = (1.0 + rate) ** -k[1:]
    weights = weights.reshape((-1,) + (1,) * x.ndim)
    return Forecast(alive, expected[-1], np.sum(weights * per_period, axis=0))


def predicted_clv(model: PurchaseModel, gg: GammaGamma, frequency, recency, T, monetary_value,
                  horizon: int = 12, margin: float = 1.0, discount: float = 0.01, *,
                  freq_per_period: float) -> np.ndarray:
    """Discounted value of each customer's expected purchases over the next ``horizon`` periods.

    Parameters
    ----------
    model : PurchaseModel
        Fitted purchase model: BetaGeo, ModifiedBetaGeo or ParetoNBD (recency and T in
        its time unit).
    gg : GammaGamma
        Fitted spend model.
    frequency, recency, T : array-like
        Customers' repeat purchases, age at last purchase and age, in the model time unit.
    monetary_value : array-like
        Mean value of each customer's repeat purchases (ignored where frequency is 0).
    horizon : int, default 12
        Number of CLV periods to sum over.
    margin : float, default 1.0
        Share of spend that is profit (1.0 gives revenue).
    discount : float, default 0.01
        Discount rate per CLV period.
    freq_per_period : float, keyword only, required
        Model time units in one CLV period (weeks -> months: 52/12; days -> months: 30).
        Required so that a unit mismatch cannot pass silently.

    Returns
    -------
    numpy.ndarray
        CLV per customer, in the currency of ``monetary_value``.
    """
    if not isinstance(model, PurchaseModel) or not isinstance(gg, GammaGamma):
        raise InvalidValue("predicted_clv needs a fitted purchase model (BetaGeo, ModifiedBetaGeo or "
                           "ParetoNBD) and a fitted GammaGamma model")
    margin = float(as_float_array("margin", margin, minimum=None))
    spend = gg.expected_spend(frequency, monetary_value)
    purchases = discounted_purchases(model, frequency, recency, T, horizon=horizon,
                                     discount=discount, freq_per_period=freq_per_period)
    return margin * spend * purchases
