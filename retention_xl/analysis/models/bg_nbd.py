"""BG/NBD model of repeat buying: how often customers buy and when they silently leave.

Fader, Hardie & Lee (2005), "'Counting your customers' the easy way: an alternative to
the Pareto/NBD model", *Marketing Science* 24(2), 275-284.

Story: while active, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha); after
each purchase she drops out with probability p ~ Beta(a, b). Each customer is summarised by

* ``frequency`` x -- number of repeat purchases (purchases after the first),
* ``recency`` t_x -- her age at her last purchase (0 if she never bought again),
* ``T`` -- her age at the end of the observation period,

all ages measured from her first purchase, in one time unit of your choice (days, weeks,
months). ``alpha`` is then in that unit, and predictions over ``t`` use it too.

Example
-------
Fit with ``BetaGeo().fit(frequency, recency, T)`` on a few hundred customers or more;
here the estimates Fader, Hardie & Lee report for CDNOW (weeks) are set directly:

>>> from retention_xl.analysis.models import BetaGeo
>>> bg = BetaGeo()
>>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
>>> float(bg.p_alive(0, 0, 30))  # nobody who never bought again has dropped out yet
1.0
>>> # 2 repeat purchases, the last at week 30.43 of 38.86: purchases in the next 39 weeks
>>> round(float(bg.expected_purchases(39, 2, 30.43, 38.86)), 3)
1.226
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betainccinv, betaincinv, digamma, gammaln, hyp2f1

from retention_xl.errors import InvalidValue, ModelError, OutOfRange
from retention_xl.analysis.models.base import CustomerModel, as_float_array

__all__ = ["BetaGeo", "customer_arrays"]


def customer_arrays(frequency, recency, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check and broadcast the (frequency, recency, T) summary of customers.

    Raises
    ------
    InvalidValue
        Non-numeric, missing values or arrays of different lengths.
    OutOfRange
        Negative or fractional frequency, negative recency, recency greater than T, or a
        repeat buyer (frequency > 0) whose recency is 0.
    """
    x = as_float_array("frequency", frequency)
    t_x = as_float_array("recency", recency)
    age = as_float_array("T", T)
    try:
        x, t_x, age = np.broadcast_arrays(x, t_x, age)
    except ValueError:
        raise InvalidValue("frequency, recency and T must have the same length") from None
    if np.any(x != np.floor(x)):
        raise OutOfRange("frequency counts repeat purchases and must be a whole number")
    if np.any(t_x > age):
        raise OutOfRange("recency (age at last purchase) cannot exceed T (age of the customer)")
    if np.any((x > 0) & (t_x <= 0)):
        raise OutOfRange("a customer with repeat purchases (frequency > 0) needs recency > 0")
    return x, t_x, age


class BetaGeo(CustomerModel):
    """BG/NBD model fitted by maximum likelihood.

    Attributes
    ----------
    params_ : dict
        ``{"r", "alpha", "a", "b"}``: Gamma(r, alpha) purchase rates while active,
        Beta(a, b) drop-out probability after each purchase.
    log_likelihood_ : float
        Log-likelihood at the estimates (Fader, Hardie & Lee report -9582.4 on CDNOW).

    Examples
    --------
    >>> bg = BetaGeo()
    >>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> round(float(bg.p_alive(2, 30.43, 38.86)), 3)
    0.727
    """

    param_names = ("r", "alpha", "a", "b")
    model_name = "BG/NBD model"

    def fit(self, frequency, recency, T) -> "BetaGeo":
        """Estimate r, alpha, a, b from customers' (frequency, recency, T).

        Parameters
        ----------
        frequency, recency, T : array-like
            Repeat purchases, age at last purchase, age now (same time unit).

        Returns
        -------
        BetaGeo
            ``self``, with ``params_`` and ``log_likelihood_`` set.

        Raises
        ------
        ModelError
            No repeat purchases at all, or the data cannot pin the parameters down.
        """
        x, t_x, age = (v.ravel() for v in customer_arrays(frequency, recency, T))
        if x.size < 2 or x.sum() <= 0:
            raise ModelError("the BG/NBD model needs customers with repeat purchases "
                             "(frequency > 0); none were found")
        objective = _Likelihood(x, t_x, age)
        rate = x.sum() / age.sum()
        starts = [(1.0, 1.0 / rate, 1.0, 3.0),
                  (0.5, 0.5 / rate, 0.5, 1.0),
                  (0.1, 0.1 * age.max(), 0.1, 0.1)]
        self._maximise(objective, starts, scale=x.size)
        return self

    def p_alive(self, frequency, recency, T) -> np.ndarray:
        """Probability that each customer has not dropped out by age T.

        P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))

        Returns
        -------
        numpy.ndarray
            Values in [0, 1]; exactly 1 for customers with frequency 0.
        """
        r, alpha, a, b = self._params()
        x, t_x, age = customer_arrays(frequency, recency, T)
        with np.errstate(divide="ignore"):
            return np.exp(-np.logaddexp(0.0, _log_dropout_odds(r, alpha, a, b, x, t_x, age)))

    def expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """Expected number of purchases in the next ``t`` time units, given the history.

        Equation (10) of Fader, Hardie & Lee (2005), with the hypergeometric function
        rewritten by Euler's transformation so that it stays accurate for heavy buyers::

            E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
                * (1 - (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z))
                * P(alive | x, t_x, T),          z = t / (alpha + T + t)

        Parameters
        ----------
        t : float or array-like
            Length of the future period (>= 0), in the unit of recency and T. Broadcasts
            against the customers, e.g. ``t[:, None]`` for a periods-by-customers table.
        frequency, recency, T : array-like
            Customers' history.

        Returns
        -------
        numpy.ndarray
            Expected purchases, >= 0, increasing in ``t``.
        """
        r, alpha, a, b = self._params()
        x, t_x, age = customer_arrays(frequency, recency, T)
        horizon = as_float_array("t", t)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            active = _purchases_while_active(r, alpha, a, b, x, age, horizon)
            alive = np.exp(-np.logaddexp(0.0, _log_dropout_odds(r, alpha, a, b, x, t_x, age)))
        return active * alive


def _purchases_while_active(r, alpha, a, b, x, age, horizon) -> np.ndarray:
    """:func:`_purchases_while_active_each`, evaluated once per distinct (x, age, horizon).

    Customers share few distinct frequencies and ages (whole days), so on a large table
    this evaluates the hypergeometric term a few times per distinct case instead of once
    per customer and horizon.
    """
    x, age, horizon = np.broadcast_arrays(x, age, horizon)
    if x.size < 10_000:
        return _purchases_while_active_each(r, alpha, a, b, x, age, horizon)
    cases = pd.DataFrame({"x": x.ravel(), "age": age.ravel(), "horizon": horizon.ravel()})
    group = cases.groupby(["x", "age", "horizon"], sort=False).ngroup().to_numpy()
    first = np.empty(group.max() + 1, dtype=np.int64)
    first[group[::-1]] = np.arange(group.size - 1, -1, -1)  # first row of each case
    distinct = cases.iloc[first]
    value = _purchases_while_active_each(
        r, alpha, a, b, distinct["x"].to_numpy(), distinct["age"].to_numpy(), distinct["horizon"].to_numpy()
    )
    return value[group].reshape(x.shape)


def _purchases_while_active_each(r, alpha, a, b, x, age, horizon) -> np.ndarray:
    """E[(1 - exp(-lambda p t)) / p] for a customer known to be active at age T.

    Posterior of an active customer: lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b + x).
    Closed form (Euler-transformed hypergeometric, z = t / (alpha + T + t))::

        (a + b + x - 1) / (a - 1) * (1 - (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z))

    The integrand lies between its values at p = 1 and p = 0, so the result must lie in
    [1 - (1 + s)^-(r + x), (r + x) s] with s = t / (alpha + T). Where the hypergeometric
    function fails that check (extreme parameters, z near 1), the expectation is taken by
    quadrature over the quantiles of p instead.
    """
    if abs(a - 1.0) < 1e-7:  # the closed form is 0/0 at a = 1; its limit is continuous
        a = 1.0 + 1e-7
    x, age, horizon = np.broadcast_arrays(x, age, horizon)
    k = r + x
    s = horizon / (alpha + age)
    z = horizon / (alpha + age + horizon)
    lower = -np.expm1(-k * np.log1p(s))
    upper = k * s
    f = hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
    log_decay = (a - 1.0) * np.log1p(-z)
    remaining = np.where(f > 0, -np.expm1(log_decay + np.log(np.abs(f))), 1.0 - np.exp(log_decay) * f)
    value = (a + b + x - 1.0) / (a - 1.0) * remaining
    tolerance = 1e-9 * upper + 1e-300
    bad = ~((value >= lower - tolerance) & (value <= upper + tolerance))
    if np.any(bad):
        value = np.array(value, dtype=float)
        value[bad] = _purchases_by_quadrature(k[bad], s[bad], a, b + x[bad])
    return np.where(horizon > 0, np.clip(value, lower, upper), 0.0)


def _tanh_sinh_rule(step: float = 1 / 24,
                    reach: float = 4.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Double-exponential nodes on (0, 1): u, 1 - u (accurate near 1) and weights."""
    tau = np.arange(-reach, reach + step / 2, step)
    v = np.pi / 2 * np.sinh(tau)
    lower, upper = 1 / (1 + np.exp(-2 * v)), 1 / (1 + np.exp(2 * v))
    # du/dtau = (pi/2) cosh(tau) sech^2(v) / 2, and sech^2(v) / 4 = lower * upper
    weights = step * np.pi / 2 * np.cosh(tau) * 2 * lower * upper
    keep = (lower > 0) & (upper > 0)
    return lower[keep], upper[keep], weights[keep]


_U, _ONE_MINUS_U, _WEIGHTS = _tanh_sinh_rule()


def _purchases_by_quadrature(k, s, a, b_post) -> np.ndarray:
    """E[(1 - (1 + p s)^-k) / p] for p ~ Beta(a, b_post), integrated over the quantiles of p.

    Tanh-sinh quadrature on u in (0, 1) with p = F^-1(u) copes with the steep ends of the
    quantile function; each half uses the inverse that is accurate there.
    """
    b_col = b_post[:, None]
    p = np.where(_U[None, :] < 0.5, betaincinv(a, b_col, _U[None, :]),
                 betainccinv(a, b_col, _ONE_MINUS_U[None, :]))
    h = np.where(p > 0, -np.expm1(-k[:, None] * np.log1p(p * s[:, None])) / np.where(p > 0, p, 1.0),
                 (k * s)[:, None])
    return h @ _WEIGHTS


def _log_dropout_odds(r, alpha, a, b, x, t_x, age) -> np.ndarray:
    """log of a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x) for repeat buyers, -inf otherwise."""
    repeat = x > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = (np.log(a) - np.log(b + x - 1.0)
                + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x)))
    return np.where(repeat, odds, -np.inf)


class _Likelihood:
    """Negative log-likelihood of the BG/NBD and its gradient in log-parameters.

    Per customer (Fader, Hardie & Lee 2005, eq. 6)::

        ll = A1 + A2 + log(exp(A3) + [x > 0] exp(A4))
        A1 = lnG(r + x) - lnG(r) + r ln(alpha)
        A2 = lnG(a + b) + lnG(b + x) - lnG(b) - lnG(a + b + x)
        A3 = -(r + x) ln(alpha + T)
        A4 = ln(a) - ln(b + x - 1) - (r + x) ln(alpha + t_x)

    For speed, customers without repeat purchases reduce to ll = r ln(alpha / (alpha + T)),
    and the terms that depend on x alone are summed once per distinct frequency.
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, age: np.ndarray):
        repeat = x > 0
        self.age_once = age[~repeat]
        self.n_once = float(self.age_once.size)
        self.x, self.t_x, self.age = x[repeat], t_x[repeat], age[repeat]
        self.values, self.index, counts = np.unique(self.x, return_inverse=True, return_counts=True)
        self.counts = counts.astype(float)
        self.n_repeat = float(self.x.size)

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = np.exp(log_params)
        ln_alpha = np.log(alpha)
        # customers who never bought again: r ln(alpha) - r ln(alpha + T)
        ln_once = np.log(alpha + self.age_once)
        ll = r * (self.n_once * ln_alpha - ln_once.sum())
        grad_r = self.n_once * ln_alpha - ln_once.sum()
        grad_alpha = r * (self.n_once / alpha - np.sum(1.0 / (alpha + self.age_once)))
        grad_a = grad_b = 0.0
        if self.n_repeat:
            u, n = self.values, self.counts
            ll += n @ (gammaln(r + u) - gammaln(r) + r * ln_alpha + gammaln(a + b)
                       + gammaln(b + u) - gammaln(b) - gammaln(a + b + u))
            inv_b = 1.0 / (b + u - 1.0)
            rx = r + self.x
            ln_at, ln_atx = np.log(alpha + self.age), np.log(alpha + self.t_x)
            a3 = -rx * ln_at
            a4 = (np.log(a) + np.log(inv_b))[self.index] - rx * ln_atx
            tail = np.logaddexp(a3, a4)
            w4 = np.exp(a4 - tail)
            w3 = 1.0 - w4
            ll += tail.sum()
            d_ab, d_abu = digamma(a + b), digamma(a + b + u)
            grad_r += n @ (digamma(r + u) - digamma(r) + ln_alpha) - np.sum(w3 * ln_at + w4 * ln_atx)
            grad_alpha += self.n_repeat * r / alpha - np.sum(rx * (w3 / (alpha + self.age)
                                                                  + w4 / (alpha + self.t_x)))
            w4_by_value = np.bincount(self.index, weights=w4, minlength=u.size)
            grad_a = n @ (d_ab - d_abu) + w4.sum() / a
            grad_b = n @ (d_ab + digamma(b + u) - digamma(b) - d_abu) - w4_by_value @ inv_b
        grad = np.array([grad_r * r, grad_alpha * alpha, grad_a * a, grad_b * b])
        return -float(ll), -grad
