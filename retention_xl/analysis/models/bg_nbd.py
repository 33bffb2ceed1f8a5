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
from scipy.special import betaln, digamma, gammaln

from retention_xl.analysis.models.active_purchases import (
    log_nbd_pmf,
    nbd_at_least,
    purchases_while_active,
    purchases_while_active_each,
)
from retention_xl.analysis.models.base import Limit
from retention_xl.analysis.models.counts import CustomerCounts
from retention_xl.analysis.models.purchase_model import PurchaseModel

__all__ = ["BetaGeo", "NO_DROPOUT"]

#: a -> 0 (or b -> infinity with a finite): the drop-out probability is 0 for everyone.
#: The limit model is the NBD (purchases at Gamma-distributed Poisson rates, forever).
NO_DROPOUT = Limit("no_dropout", triggers=(("a", "zero"), ("b", "infinity")), fixed={"a": 0.0},
                   irrelevant=("b",), unless=(("a", "infinity"),))


class BetaGeo(PurchaseModel):
    """BG/NBD model fitted by maximum likelihood.

    Attributes
    ----------
    params_ : dict
        ``{"r", "alpha", "a", "b"}``: Gamma(r, alpha) purchase rates while active,
        Beta(a, b) drop-out probability after each purchase. At the limit where nobody
        drops out (``limit_ == "no_dropout"``) a = 0 and b (irrelevant) is 1.
    log_likelihood_ : float
        Log-likelihood at the estimates (Fader, Hardie & Lee report -9582.4 on CDNOW).

    Examples
    --------
    >>> bg = BetaGeo()
    >>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    >>> round(float(bg.p_alive(2, 30.43, 38.86)), 3)
    0.727
    >>> round(float(bg.expected_purchases_new(39.0)), 3)  # a new customer's first 39 weeks
    1.197
    """

    param_names = ("r", "alpha", "a", "b")
    model_code = "bg_nbd"
    model_name = "BG/NBD model"
    limits = (NO_DROPOUT,)
    #: a and b both to infinity: the same drop-out probability for everyone
    edge_limits = {frozenset({("a", "infinity"), ("b", "infinity")}): "same_dropout"}

    def _objective(self, counts: CustomerCounts) -> "_Likelihood":
        return _Likelihood(counts.frequency, counts.recency, counts.T, counts.weights)

    def _starts(self, counts: CustomerCounts, first: tuple | None = None) -> list[tuple[float, ...]]:
        rate = self._rate_starts(counts)
        return [first] * (first is not None) + [(1.0, 1.0 / rate, 1.0, 3.0), (0.5, 0.5 / rate, 0.5, 1.0),
                                                 (0.1, 0.1 * float(counts.T.max()), 0.1, 0.1)]

    def _p_alive(self, params, x, t_x, age) -> np.ndarray:
        """P(alive | x, t_x, T) = 1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x));
        exactly 1 for customers with frequency 0."""
        return np.exp(-np.logaddexp(0.0, _log_dropout_odds(*params, x, t_x, age)))

    def _active_purchases(self, params, horizon, x, age) -> np.ndarray:
        """Equation (10) of Fader, Hardie & Lee (2005) without its P(alive) factor, the
        hypergeometric function rewritten by Euler's transformation so that it stays
        accurate for heavy buyers::

            E[Y(t) | x, t_x, T] = (a + b + x - 1) / (a - 1)
                * (1 - (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z))
                * P(alive | x, t_x, T),          z = t / (alpha + T + t)
        """
        r, alpha, a, b = params
        return purchases_while_active_each(r, alpha, a, b, x, age, horizon)

    def _probability_no_purchase(self, params, horizon, x, t_x, age) -> np.ndarray:
        """1 - P(alive) + P(alive) ((alpha + T) / (alpha + T + t))^(r + x): an active
        customer drops out only right after a purchase, so buying nothing keeps her active."""
        r, alpha, _, _ = params
        alive = self._p_alive(params, x, t_x, age)
        return 1.0 - alive + alive * np.exp(-(r + x) * np.log1p(horizon / (alpha + age)))

    def _expected_purchases_new(self, params, horizon) -> np.ndarray:
        """Equation (7) of Fader, Hardie & Lee (2005):
        (a + b - 1) / (a - 1) (1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t))),
        i.e. the purchases of an active customer with x = 0 at age 0."""
        r, alpha, a, b = params
        return purchases_while_active(r, alpha, a, b, 0.0, 0.0, horizon)

    def _probability_of_purchases(self, params, n, horizon) -> np.ndarray:
        """Equation (8) of Fader, Hardie & Lee (2005)::

            P(X(t) = n) = B(a, b + n) / B(a, b) NB(n; r, alpha, t)
                          + [n > 0] B(a + 1, b + n - 1) / B(a, b) P(NB(r, alpha, t) >= n)

        with NB the negative binomial count of a customer who never drops out.
        """
        r, alpha, a, b = params
        stays = np.exp(betaln(a, b + n) - betaln(a, b) + log_nbd_pmf(r, alpha, n, horizon))
        left = np.where(n > 0, np.exp(betaln(a + 1.0, b + n - 1.0) - betaln(a, b))
                        * nbd_at_least(r, alpha, n, horizon), 0.0)
        return stays + np.nan_to_num(left)


def _log_dropout_odds(r, alpha, a, b, x, t_x, age) -> np.ndarray:
    """log of a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x) for repeat buyers, -inf otherwise."""
    repeat = x > 0
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

    summed with the customers' weights. For speed, customers without repeat purchases
    reduce to ll = r ln(alpha / (alpha + T)), and the terms that depend on x alone are
    summed once per distinct frequency. At a = 0 (nobody drops out) A2 = 0 and A4 = -inf:
    the NBD likelihood, where b has no effect.
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, age: np.ndarray, weights: np.ndarray):
        repeat = x > 0
        self.age_once, self.w_once = age[~repeat], weights[~repeat]
        self.n_once = float(self.w_once.sum())
        self.x, self.t_x, self.age, self.w = x[repeat], t_x[repeat], age[repeat], weights[repeat]
        self.values, self.index = np.unique(self.x, return_inverse=True)
        self.counts = np.bincount(self.index, weights=self.w, minlength=self.values.size)
        self.n_repeat = float(self.w.sum())

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        # (customer-length sums as np.sum(u * v), not u @ v: a threaded BLAS call costs more here)
        r, alpha, a, b = np.exp(log_params)
        ln_alpha = np.log(alpha)
        # customers who never bought again: r ln(alpha) - r ln(alpha + T)
        sum_ln_once = np.sum(self.w_once * np.log(alpha + self.age_once))
        ll = r * (self.n_once * ln_alpha - sum_ln_once)
        grad_r = self.n_once * ln_alpha - sum_ln_once
        grad_alpha = r * (self.n_once / alpha - np.sum(self.w_once / (alpha + self.age_once)))
        grad_log_a = grad_b = 0.0
        if self.n_repeat:
            u, n, w = self.values, self.counts, self.w
            ll += n @ (gammaln(r + u) - gammaln(r) + r * ln_alpha + gammaln(a + b)
                       + gammaln(b + u) - gammaln(b) - gammaln(a + b + u))
            inv_b = 1.0 / (b + u - 1.0)
            rx = r + self.x
            ln_at, ln_atx = np.log(alpha + self.age), np.log(alpha + self.t_x)
            a3 = -rx * ln_at
            a4 = (np.log(a) + np.log(inv_b))[self.index] - rx * ln_atx
            tail = np.logaddexp(a3, a4)
            w4 = np.exp(a4 - tail) * w
            w3 = w - w4
            ll += np.sum(w * tail)
            d_ab, d_abu = digamma(a + b), digamma(a + b + u)
            grad_r += n @ (digamma(r + u) - digamma(r) + ln_alpha) - np.sum(w3 * ln_at + w4 * ln_atx)
            grad_alpha += self.n_repeat * r / alpha - np.sum(rx * (w3 / (alpha + self.age)
                                                                  + w4 / (alpha + self.t_x)))
            w4_by_value = np.bincount(self.index, weights=w4, minlength=u.size)
            grad_log_a = a * (n @ (d_ab - d_abu)) + w4.sum()  # d ll / d ln a, finite at a = 0
            grad_b = n @ (d_ab + digamma(b + u) - digamma(b) - d_abu) - w4_by_value @ inv_b
        grad = np.array([grad_r * r, grad_alpha * alpha, grad_log_a, grad_b * b])
        return -float(ll), -grad
