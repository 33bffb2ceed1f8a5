"""MBG/NBD model of repeat buying: BG/NBD with a chance to drop out right after the first purchase.

Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of models for
customer base analysis", *International Journal of Research in Marketing* 24(3), 201-209;
also Hoppe & Wagner (2007), "Customer base analysis: the case for a central variant of the
Betageometric/NBD model", *Marketing - Journal of Research and Management* 3(2), 75-90.

Story: as BG/NBD -- purchases at a Poisson rate lambda ~ Gamma(r, alpha) while active,
drop-out with probability p ~ Beta(a, b) -- but the first drop-out chance comes right
after the *first* purchase, not the second. So a customer who never bought again may have
left, and her P(alive) falls the longer she stays silent; under BG/NBD it stays 100%.

Example
-------
>>> from retention_xl.analysis.models import ModifiedBetaGeo
>>> mbg = ModifiedBetaGeo()
>>> mbg.params_ = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}  # CDNOW, weeks
>>> [round(float(p), 3) for p in mbg.p_alive([0, 0], [0.0, 0.0], [1.0, 78.0])]
[0.626, 0.315]
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

__all__ = ["ModifiedBetaGeo", "NO_DROPOUT"]

#: a -> 0 (or b -> infinity with a finite): nobody ever drops out; the NBD.
NO_DROPOUT = Limit("no_dropout", triggers=(("a", "zero"), ("b", "infinity")), fixed={"a": 0.0},
                   irrelevant=("b",), unless=(("a", "infinity"),))


class ModifiedBetaGeo(PurchaseModel):
    """MBG/NBD model fitted by maximum likelihood.

    Attributes
    ----------
    params_ : dict
        ``{"r", "alpha", "a", "b"}`` as for BG/NBD; a = 0, b = 1 at the limit where
        nobody drops out (``limit_ == "no_dropout"``).
    log_likelihood_ : float
        Log-likelihood at the estimates.

    Examples
    --------
    >>> mbg = ModifiedBetaGeo()
    >>> mbg.params_ = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
    >>> round(float(mbg.p_alive(2, 30.43, 38.86)), 3)
    0.706
    """

    param_names = ("r", "alpha", "a", "b")
    model_code = "mbg_nbd"
    model_name = "MBG/NBD model"
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
        """P(alive | x, t_x, T) = 1 / (1 + a / (b + x) ((alpha + T) / (alpha + t_x))^(r + x)),
        for every customer (Batislam et al. 2007, appendix eq. 5)."""
        return np.exp(-np.logaddexp(0.0, _log_dropout_odds(*params, x, t_x, age)))

    def _active_purchases(self, params, horizon, x, age) -> np.ndarray:
        """(a + b + x) / (a - 1) (1 - ((alpha + T) / (alpha + T + t))^(r + x)
        2F1(r + x, b + x + 1; a + b + x; t / (alpha + T + t))), times P(alive) for the
        expected purchases: the BG/NBD purchases of an active customer with b + 1 in place of b."""
        r, alpha, a, b = params
        return purchases_while_active_each(r, alpha, a, b + 1.0, x, age, horizon)

    def _probability_no_purchase(self, params, horizon, x, t_x, age) -> np.ndarray:
        """1 - P(alive) + P(alive) ((alpha + T) / (alpha + T + t))^(r + x)."""
        r, alpha, _, _ = params
        alive = self._p_alive(params, x, t_x, age)
        return 1.0 - alive + alive * np.exp(-(r + x) * np.log1p(horizon / (alpha + age)))

    def _expected_purchases_new(self, params, horizon) -> np.ndarray:
        """b / (a - 1) (1 - (alpha / (alpha + t))^r 2F1(r, b + 1; a + b; t / (alpha + t))):
        she stays after her first purchase with probability b / (a + b), and then buys
        like an active customer with p ~ Beta(a, b + 1)."""
        r, alpha, a, b = params
        return b / (a + b) * purchases_while_active(r, alpha, a, b + 1.0, 0.0, 0.0, horizon)

    def _probability_of_purchases(self, params, n, horizon) -> np.ndarray:
        """P(X(t) = n) = B(a, b + n + 1) / B(a, b) NB(n; r, alpha, t)
        + B(a + 1, b + n) / B(a, b) P(NB(r, alpha, t) >= n)."""
        r, alpha, a, b = params
        stays = np.exp(betaln(a, b + n + 1.0) - betaln(a, b) + log_nbd_pmf(r, alpha, n, horizon))
        left = np.exp(betaln(a + 1.0, b + n) - betaln(a, b)) * nbd_at_least(r, alpha, n, horizon)
        return stays + np.nan_to_num(left)


def _log_dropout_odds(r, alpha, a, b, x, t_x, age) -> np.ndarray:
    """log of a/(b+x) ((alpha+T)/(alpha+t_x))^(r+x), for every customer."""
    return np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))


class _Likelihood:
    """Negative log-likelihood of the MBG/NBD and its gradient in log-parameters.

    Per customer (Batislam et al. 2007, eq. 3), summed with the customers' weights::

        ll = A1 + A2 + log(exp(A3) + exp(A4))
        A1 = lnG(r + x) - lnG(r) + r ln(alpha)
        A2 = lnG(a + b) + lnG(b + x + 1) - lnG(b) - lnG(a + b + x + 1)
        A3 = -(r + x) ln(alpha + T)
        A4 = ln(a) - ln(b + x) - (r + x) ln(alpha + t_x)

    Terms that depend on x alone are summed once per distinct frequency.
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, age: np.ndarray, weights: np.ndarray):
        self.x, self.t_x, self.age, self.w = x, t_x, age, weights
        self.values, self.index = np.unique(x, return_inverse=True)
        self.counts = np.bincount(self.index, weights=weights, minlength=self.values.size)
        self.n = float(weights.sum())

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        # (customer-length sums as np.sum(u * v), not u @ v: a threaded BLAS call costs more here)
        r, alpha, a, b = np.exp(log_params)
        u, n, w = self.values, self.counts, self.w
        ln_alpha = np.log(alpha)
        ll = n @ (gammaln(r + u) - gammaln(r) + gammaln(a + b) + gammaln(b + u + 1.0)
                  - gammaln(b) - gammaln(a + b + u + 1.0)) + self.n * r * ln_alpha
        inv_b = 1.0 / (b + u)
        rx = r + self.x
        ln_at, ln_atx = np.log(alpha + self.age), np.log(alpha + self.t_x)
        a3 = -rx * ln_at
        a4 = (np.log(a) + np.log(inv_b))[self.index] - rx * ln_atx
        tail = np.logaddexp(a3, a4)
        w4 = np.exp(a4 - tail) * w
        w3 = w - w4
        ll += np.sum(w * tail)
        d_ab, d_abu = digamma(a + b), digamma(a + b + u + 1.0)
        grad_r = n @ (digamma(r + u) - digamma(r)) + self.n * ln_alpha - np.sum(w3 * ln_at + w4 * ln_atx)
        grad_alpha = self.n * r / alpha - np.sum(rx * (w3 / (alpha + self.age) + w4 / (alpha + self.t_x)))
        w4_by_value = np.bincount(self.index, weights=w4, minlength=u.size)
        grad_log_a = a * (n @ (d_ab - d_abu)) + w4.sum()  # d ll / d ln a, finite at a = 0
        grad_b = n @ (d_ab + digamma(b + u + 1.0) - digamma(b) - d_abu) - w4_by_value @ inv_b
        grad = np.array([grad_r * r, grad_alpha * alpha, grad_log_a, grad_b * b])
        return -float(ll), -grad
