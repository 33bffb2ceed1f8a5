"""BG/BB model: repeat purchases when there are fixed occasions to buy (discrete time).

Fader, Hardie & Berger (2010), "Customer-base analysis in a discrete-time noncontractual
setting", *Marketing Science* 29(6), 1086-1108.

Story: at each of n occasions (a yearly fund drive, a monthly event, a season) an active
customer buys with probability p ~ Beta(alpha, beta); before each occasion she may have
left for good with probability theta ~ Beta(gamma, delta). Each customer is summarised by

* ``frequency`` x -- occasions she bought at (after the first purchase, which starts her),
* ``recency`` t_x -- the occasion of her last purchase (0 if none), 1..n,
* ``n`` -- the occasions she has had so far.

Customers with the same (x, t_x, n) are interchangeable, so the data are usually given as
counts: ``fit(frequency, recency, n, weights=...)``.

Example
-------
>>> from retention_xl.analysis.models import BetaGeoBetaBinom
>>> bb = BetaGeoBetaBinom()
>>> bb.params_ = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}  # donations
>>> round(float(bb.p_alive(3, 4, 6)), 3)  # bought at 3 of 6 drives, last at the 4th
0.439
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from retention_xl.analysis.models.base import CustomerModel, Limit, as_float_array
from retention_xl.analysis.models.recall import FITS
from retention_xl.errors import InvalidValue, ModelError, OutOfRange

__all__ = ["BetaGeoBetaBinom", "occasion_arrays"]

#: gamma -> 0 (or delta -> infinity alone): nobody leaves.
NO_DROPOUT = Limit("no_dropout", triggers=(("gamma", "zero"), ("delta", "infinity")), fixed={"gamma": 0.0},
                   irrelevant=("delta",), unless=(("gamma", "infinity"),))


def occasion_arrays(frequency, recency, n) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check and broadcast (frequency, recency, n) of the BG/BB.

    Raises
    ------
    InvalidValue
        Non-numeric or missing values, arrays of different lengths.
    OutOfRange
        Counts that are not whole numbers, or not 0 <= x <= t_x <= n with t_x = 0 exactly
        when x = 0.
    """
    x = as_float_array("frequency", frequency)
    t_x = as_float_array("recency", recency)
    occasions = as_float_array("n", n)
    try:
        x, t_x, occasions = np.broadcast_arrays(x, t_x, occasions)
    except ValueError:
        raise InvalidValue("frequency, recency and n must have the same length") from None
    for name, v in (("frequency", x), ("recency", t_x), ("n", occasions)):
        if np.any(v != np.floor(v)):
            raise OutOfRange(f"{name} counts occasions and must be a whole number")
    if np.any(t_x > occasions):
        raise OutOfRange("recency (occasion of the last purchase) cannot exceed n (occasions so far)")
    if np.any(x > t_x):
        raise OutOfRange("frequency (purchase occasions) cannot exceed recency (occasion of the last one)")
    if np.any((x > 0) != (t_x > 0)):
        raise OutOfRange("recency is 0 exactly for customers with frequency 0")
    return x, t_x, occasions


def _ln_buy(alpha, beta, x, misses):
    """ln B(alpha + x, beta + misses) / B(alpha, beta)."""
    return (gammaln(alpha + x) - gammaln(alpha) + gammaln(beta + misses) - gammaln(beta)
            - gammaln(alpha + beta + x + misses) + gammaln(alpha + beta))


def _ln_stay(gamma, delta, k, leave):
    """ln B(gamma + leave, delta + k) / B(gamma, delta), leave in {0, 1}; finite at gamma = 0."""
    head = np.log(gamma) if leave else 0.0  # Gamma(gamma + 1) / Gamma(gamma) = gamma
    return (head + gammaln(delta + k) - gammaln(delta) - gammaln(gamma + delta + leave + k)
            + gammaln(gamma + delta))


class BetaGeoBetaBinom(CustomerModel):
    """BG/BB model fitted by maximum likelihood.

    Attributes
    ----------
    params_ : dict
        ``{"alpha", "beta", "gamma", "delta"}``: Beta(alpha, beta) purchase probability at
        each occasion, Beta(gamma, delta) drop-out probability before each occasion.
    log_likelihood_ : float
        Log-likelihood (Fader, Hardie & Berger report -33,225.6 on the donation data).
    """

    param_names = ("alpha", "beta", "gamma", "delta")
    model_code = "bg_bb"
    model_name = "BG/BB model"
    limits = (NO_DROPOUT,)

    def fit(self, frequency, recency, n, weights=None) -> "BetaGeoBetaBinom":
        """Estimate alpha, beta, gamma, delta from (frequency, recency, n), optionally counts.

        Raises
        ------
        ModelError
            No repeat purchases at all, or parameters the data leave undetermined.
        """
        x, t_x, occasions = (v.ravel() for v in occasion_arrays(frequency, recency, n))
        w = np.ones(x.size) if weights is None else as_float_array("weights", weights).ravel()
        if w.size != x.size:
            raise InvalidValue(f"weights has {w.size} values for {x.size} rows; give one weight per row")
        if w.sum() < 2 or not np.any((x > 0) & (w > 0)):
            raise ModelError(f"the {self.model_name} needs customers with repeat purchases; none were found",
                             kind="no_repeat_buyers", model=self.model_code)
        keep = w > 0
        data = (x[keep], t_x[keep], occasions[keep], w[keep])
        starts = [(1.0, 1.0, 1.0, 1.0), (0.5, 2.0, 0.5, 3.0), (3.0, 1.0, 0.2, 5.0)]
        FITS.run(self, FITS.key(self, data),  # or recalled: the same data fitted before in this session
                 lambda: self._maximise(_Likelihood(*data), starts, scale=float(w.sum())))
        return self

    def _likelihood_parts(self, x, t_x, occasions):
        alpha, beta, gamma, delta = self._params()
        return _log_likelihood(alpha, beta, gamma, delta, x, t_x, occasions)

    def p_alive(self, frequency, recency, n) -> np.ndarray:
        """P(alive at occasion n + 1 | x, t_x, n) (Fader, Hardie & Berger 2010, eq. 11)::

            B(alpha + x, beta + n - x) / B(alpha, beta) B(gamma, delta + n + 1) / B(gamma, delta) / L
        """
        x, t_x, occasions = occasion_arrays(frequency, recency, n)
        alpha, beta, gamma, delta = self._params()
        with np.errstate(all="ignore"):
            ll = _log_likelihood(alpha, beta, gamma, delta, x, t_x, occasions)
            return np.exp(_ln_buy(alpha, beta, x, occasions - x) + _ln_stay(gamma, delta, occasions + 1.0, 0)
                          - ll)

    def expected_purchases(self, n_future, frequency, recency, n) -> np.ndarray:
        """Expected purchases at the next ``n_future`` occasions given the history (eq. 13)::

            1/L B(alpha + x + 1, beta + n - x) / B(alpha, beta) delta / (gamma - 1)
            G(gamma + delta) / G(1 + delta)
            (G(1 + delta + n) / G(gamma + delta + n) - G(1 + delta + n + n*) / G(gamma + delta + n + n*))
        """
        x, t_x, occasions = occasion_arrays(frequency, recency, n)
        ahead = as_float_array("n_future", n_future)
        alpha, beta, gamma, delta = self._params()
        with np.errstate(all="ignore"):
            ll = _log_likelihood(alpha, beta, gamma, delta, x, t_x, occasions)
            head = _ln_buy(alpha, beta, x + 1.0, occasions - x) - ll
            return np.exp(head) * _survival_purchases(gamma, delta, occasions, ahead)

    def expected_purchases_new(self, n) -> np.ndarray:
        """Expected purchases at the first ``n`` occasions of a new customer (eq. 8)::

            alpha / (alpha + beta) delta / (gamma - 1)
            (1 - G(gamma + delta) G(1 + delta + n) / (G(gamma + delta + n) G(1 + delta)))
        """
        occasions = as_float_array("n", n)
        alpha, beta, gamma, delta = self._params()
        with np.errstate(all="ignore"):
            return alpha / (alpha + beta) * _survival_purchases(gamma, delta, 0.0, occasions)

    def probability_of_purchases(self, x, n) -> np.ndarray:
        """P(X(n) = x): a new customer buys at ``x`` of her first ``n`` occasions (eq. 7)::

            C(n, x) B(alpha + x, beta + n - x) / B(alpha, beta) B(gamma, delta + n) / B(gamma, delta)
            + sum_{i=x}^{n-1} C(i, x) B(alpha + x, beta + i - x) / B(alpha, beta)
                               B(gamma + 1, delta + i) / B(gamma, delta)
        """
        count, occasions = np.broadcast_arrays(as_float_array("x", x), as_float_array("n", n))
        if np.any(count != np.floor(count)) or np.any(occasions != np.floor(occasions)):
            raise OutOfRange("x and n count occasions and must be whole numbers")
        alpha, beta, gamma, delta = self._params()
        with np.errstate(all="ignore"):
            ln_choose = gammaln(occasions + 1.0) - gammaln(count + 1.0) - gammaln(occasions - count + 1.0)
            stays = np.exp(ln_choose + _ln_buy(alpha, beta, count, occasions - count)
                           + _ln_stay(gamma, delta, occasions, 0))
            i = np.arange(int(occasions.max(initial=0.0)) + 1, dtype=float)
            ii = i.reshape((1,) * count.ndim + (-1,))
            cc, nn = count[..., None], occasions[..., None]
            valid = (ii >= cc) & (ii < nn)
            terms = np.exp(gammaln(ii + 1.0) - gammaln(cc + 1.0) - gammaln(ii - cc + 1.0)
                           + _ln_buy(alpha, beta, cc, ii - cc) + _ln_stay(gamma, delta, ii, 1))
            left = np.sum(np.where(valid, terms, 0.0), axis=-1)
            return np.where(count <= occasions, stays + left, 0.0)


def _survival_purchases(gamma, delta, start, ahead) -> np.ndarray:
    """delta / (gamma - 1) G(gamma + delta) / G(1 + delta)
    (G(1 + delta + n) / G(gamma + delta + n) - G(1 + delta + n + m) / G(gamma + delta + n + m)),
    with its limit at gamma = 1 (a difference of digammas)."""
    if abs(gamma - 1.0) < 1e-9:
        return delta * (digamma(1.0 + delta + start + ahead) - digamma(1.0 + delta + start))
    lead = np.log(delta) + gammaln(gamma + delta) - gammaln(1.0 + delta)
    now = gammaln(1.0 + delta + start) - gammaln(gamma + delta + start)
    later = gammaln(1.0 + delta + start + ahead) - gammaln(gamma + delta + start + ahead)
    return np.exp(lead + now) * -np.expm1(later - now) / (gamma - 1.0)


def _terms(alpha, beta, gamma, delta, x, t_x, occasions):
    """The log of each term of the likelihood: column 0 alive at n, column 1 + i gone after t_x + i."""
    width = int(np.max(occasions - t_x, initial=0.0)) + 1
    i = np.arange(width - 1, dtype=float)[None, :]
    x_, t_, n_ = x[:, None], t_x[:, None], occasions[:, None]
    first = _ln_buy(alpha, beta, x, occasions - x) + _ln_stay(gamma, delta, occasions, 0)
    rest = _ln_buy(alpha, beta, x_, t_ - x_ + i) + _ln_stay(gamma, delta, t_ + i, 1)
    rest = np.where(i < n_ - t_, rest, -np.inf)
    return np.concatenate([first[:, None], rest], axis=1), i


def _log_likelihood(alpha, beta, gamma, delta, x, t_x, occasions) -> np.ndarray:
    shape = np.shape(x)
    terms, _ = _terms(alpha, beta, gamma, delta, np.ravel(x), np.ravel(t_x), np.ravel(occasions))
    top = terms.max(axis=1)
    return (top + np.log(np.exp(terms - top[:, None]).sum(axis=1))).reshape(shape)


class _Likelihood:
    """Negative log-likelihood of the BG/BB (Fader, Hardie & Berger 2010, eq. 5), weighted,
    and its gradient in log-parameters::

        L = B(alpha + x, beta + n - x) / B(alpha, beta) B(gamma, delta + n) / B(gamma, delta)
            + sum_{i=0}^{n - t_x - 1} B(alpha + x, beta + t_x - x + i) / B(alpha, beta)
                                      B(gamma + 1, delta + t_x + i) / B(gamma, delta)
    """

    def __init__(self, x, t_x, occasions, weights):
        self.x, self.t_x, self.n, self.w = x, t_x, occasions, weights

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, beta, gamma, delta = np.exp(log_params)
        x, t_x, n, w = self.x, self.t_x, self.n, self.w
        terms, i = _terms(alpha, beta, gamma, delta, x, t_x, n)
        top = terms.max(axis=1)
        share = np.exp(terms - top[:, None])
        total = share.sum(axis=1)
        ll = top + np.log(total)
        share = share / total[:, None] * w[:, None]  # weight of each term in d ll
        # purchase side: x purchases and m misses, m = n - x (column 0) or t_x - x + i
        misses = np.concatenate([(n - x)[:, None], t_x[:, None] - x[:, None] + i], axis=1)
        misses = np.where(np.isfinite(terms), misses, 0.0)
        d_ab = digamma(alpha + beta)
        d_all = digamma(alpha + beta + x[:, None] + misses)
        g_alpha = np.sum(share * (digamma(alpha + x)[:, None] - d_all)) + w.sum() * (d_ab - digamma(alpha))
        g_beta = np.sum(share * (digamma(beta + misses) - d_all)) + w.sum() * (d_ab - digamma(beta))
        # drop-out side: column 0 stays through n (k = n, leave 0); others leave after k = t_x + i
        k = np.concatenate([n[:, None], t_x[:, None] + i + np.zeros_like(x[:, None])], axis=1)
        k = np.where(np.isfinite(terms), k, 0.0)
        leave = np.zeros_like(k)
        leave[:, 1:] = 1.0
        d_gd = digamma(gamma + delta)
        d_end = digamma(gamma + delta + leave + k)
        g_log_gamma = (gamma * (np.sum(share * (d_gd - d_end)))  # + leave / gamma, times gamma
                       + np.sum(share[:, 1:]))
        g_delta = np.sum(share * (digamma(delta + k) - digamma(delta) - d_end)) + w.sum() * d_gd
        grad = np.array([g_alpha * alpha, g_beta * beta, g_log_gamma, g_delta * delta])
        return -float(np.sum(w * ll)), -grad
