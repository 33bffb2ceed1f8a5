"""Pareto/NBD model of repeat buying: customers buy at their own rate and may leave at any time.

Schmittlein, Morrison & Colombo (1987), "Counting your customers: who are they and what will
they do next?", *Management Science* 33(1), 1-24; the likelihood as in Fader, Hardie & Lee
(2005), "A note on implementing the Pareto/NBD model in MATLAB" and Fader & Hardie (2005),
"A note on deriving the Pareto/NBD model and related expressions".

Story: while active, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha); her
lifetime is exponential with rate mu ~ Gamma(s, beta), so she may leave at any moment --
also before her first repeat purchase, which makes a one-time buyer's P(alive) fall the
longer she stays silent.

How it is computed. The likelihood and P(alive) need, for each customer, the integral

    I(y) = int_y^inf (alpha + u)^-(r + x) (beta + u)^-(s + 1) du

at y = t_x and y = T (the Gauss hypergeometric terms of the papers). It is evaluated by
double-exponential quadrature after the substitution 1 - z v = (1 - z)^q, which turns the
peaks of the integrand at both ends into smooth exponentials (129 nodes; relative error
below 1e-9 against 30-digit arithmetic for 1 - z >= 0.001, 2e-5 down to 1 - z = 1e-7), once
per distinct (x, y) pair; the gradient comes with it. So a fit needs no numerical
differentiation, and customers with whole-day times share almost all of the work.

Example
-------
>>> from retention_xl.analysis.models import ParetoNBD
>>> model = ParetoNBD()
>>> model.params_ = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}  # CDNOW, weeks
>>> round(float(model.p_alive(2, 30.43, 38.86)), 3)
0.869
>>> round(float(model.expected_purchases(39, 2, 30.43, 38.86)), 3)
1.455
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln

from retention_xl.analysis.models.active_purchases import log_nbd_pmf, tanh_sinh_rule
from retention_xl.analysis.models.base import Limit
from retention_xl.analysis.models.counts import CustomerCounts
from retention_xl.analysis.models.purchase_model import PurchaseModel

__all__ = ["ParetoNBD", "NO_DROPOUT", "tail_integral"]

#: s -> 0 (or beta -> infinity with s finite): lifetimes are infinite; the NBD.
NO_DROPOUT = Limit("no_dropout", triggers=(("s", "zero"), ("beta", "infinity")), fixed={"s": 0.0},
                   irrelevant=("beta",), unless=(("s", "infinity"),))

#: 129 nodes: relative error below 1e-9 against 30-digit arithmetic for 1 - z >= 0.001
_Q, _ONE_MINUS_Q, _W = tanh_sinh_rule(step=1 / 16, reach=4.0)
_HALF = int(np.searchsorted(_Q, 0.5))
FINE = (_Q, _ONE_MINUS_Q, _W, _HALF)
#: 41 nodes, relative error about 1e-4: the first part of a fit, before FINE polishes it
_q, _omq, _w = tanh_sinh_rule(step=1 / 5, reach=4.0)
COARSE = (_q, _omq, _w, int(np.searchsorted(_q, 0.5)))
#: distinct customers the coarse first search looks at, at most (a sample beyond)
COARSE_CASES = 50_000
_CHUNK = 1024  # integrals evaluated per block (a block of 1024 x 129 floats stays in the cache)
_BLOCKS_PER_THREAD = 8  # fewer blocks than this per core are worked out in one thread


class ParetoNBD(PurchaseModel):
    """Pareto/NBD model fitted by maximum likelihood.

    Attributes
    ----------
    params_ : dict
        ``{"r", "alpha", "s", "beta"}``: Gamma(r, alpha) purchase rates, Gamma(s, beta)
        drop-out rates. At the limit where nobody drops out (``limit_ == "no_dropout"``)
        s = 0 and beta (irrelevant) is 1.
    log_likelihood_ : float
        Log-likelihood at the estimates (Fader, Hardie & Lee report -9594.98 on CDNOW).

    Examples
    --------
    >>> model = ParetoNBD()
    >>> model.params_ = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    >>> round(float(model.expected_purchases_new(39.0)), 4)  # a new customer's first 39 weeks
    1.213
    """

    param_names = ("r", "alpha", "s", "beta")
    model_code = "pareto_nbd"
    model_name = "Pareto/NBD model"
    limits = (NO_DROPOUT,)
    #: s and beta both to infinity: the same drop-out rate for everyone
    edge_limits = {frozenset({("s", "infinity"), ("beta", "infinity")}): "same_dropout"}

    def _objective(self, counts: CustomerCounts) -> "_Likelihood":
        return _Likelihood(counts.frequency, counts.recency, counts.T, counts.weights)

    def _starts(self, counts: CustomerCounts, first: tuple | None = None) -> list[tuple[float, ...]]:
        rate = self._rate_starts(counts)
        span = float(counts.T.max()) or 1.0
        return [first] * (first is not None) + [(1.0, 1.0 / rate, 1.0, span), (0.5, 0.5 / rate, 0.5, 0.5 * span),
                                                (0.1, 0.1 / rate, 0.1, 0.1 * span)]

    def _first_search(self, counts: CustomerCounts, starts: list[tuple[float, ...]]
                      ) -> tuple[list[tuple[float, ...]], np.ndarray | None]:
        """Most of the way with the coarse quadrature rule on at most :data:`COARSE_CASES`
        of the distinct customers, then the fine rule on all of them from there, beginning
        with the curvature the first search found (a few steps instead of dozens)."""
        sample = counts.sample(COARSE_CASES)
        coarse = _Likelihood(sample.frequency, sample.recency, sample.T, sample.weights, rule=COARSE)
        k = len(self.param_names)
        near, curvature = self._find(coarse, [np.log(s) for s in starts], np.zeros(k, dtype=bool), np.zeros(k),
                                     sample.n_customers)
        return [tuple(np.exp(np.clip(near, -15.0, 15.0)))] + starts, curvature

    def _p_alive(self, params, x, t_x, age) -> np.ndarray:
        """P(alive | x, t_x, T) = (alpha + T)^-(r + x) (beta + T)^-s / D,
        D = (alpha + T)^-(r + x) (beta + T)^-s + s (I(t_x) - I(T))."""
        x, t_x, age = np.broadcast_arrays(x, t_x, age)
        ln_e1, ln_a, ln_b = _likelihood_terms(params, x.ravel(), t_x.ravel(), age.ravel())
        top = np.maximum(ln_e1, ln_a)
        e1 = np.exp(ln_e1 - top)
        alive = e1 / (e1 + np.maximum(np.exp(ln_a - top) - np.exp(ln_b - top), 0.0))  # I(t_x) >= I(T)
        return alive.reshape(x.shape)

    def _active_purchases(self, params, horizon, x, age) -> np.ndarray:
        """(r + x) (beta + T) / ((alpha + T) (s - 1)) (1 - ((beta + T) / (beta + T + t))^(s - 1)),
        times P(alive) for the expected purchases (Schmittlein et al. 1987, eq. 22); its
        limit at s = 1 is (r + x) (beta + T) / (alpha + T) ln(1 + t / (beta + T))."""
        r, alpha, s, beta = params
        return (r + x) * (beta + age) / (alpha + age) * _lifetime_share(s, horizon / (beta + age))

    def _probability_no_purchase(self, params, horizon, x, t_x, age) -> np.ndarray:
        """1 - P(alive) + P(alive) Q, with Q the chance that an active customer buys nothing
        before t or before she leaves, averaged over lambda ~ Gamma(r + x, alpha + T) and
        mu ~ Gamma(s, beta + T)::

            Q = ((alpha + T) / (alpha + T + t))^(r + x) ((beta + T) / (beta + T + t))^s
                + s (alpha + T)^(r + x) (beta + T)^s int_0^t (alpha + T + u)^-(r + x) (beta + T + u)^-(s + 1) du
        """
        r, alpha, s, beta = params
        x, t_x, age, horizon = np.broadcast_arrays(x, t_x, age, horizon)
        shape = x.shape
        x, t_x, age, horizon = (v.ravel() for v in (x, t_x, age, horizon))
        alive = self._p_alive(params, x, t_x, age)
        k1 = r + x
        stays = np.exp(-k1 * np.log1p(horizon / (alpha + age)) - s * np.log1p(horizon / (beta + age)))
        near = tail_integral(alpha + age, beta + age, k1, np.full_like(k1, s + 1.0))
        far = tail_integral(alpha + age + horizon, beta + age + horizon, k1, np.full_like(k1, s + 1.0))
        scale = k1 * np.log(alpha + age) + s * np.log(beta + age)
        leaves = s * np.exp(near + scale) * -np.expm1(far - near)
        return (1.0 - alive + alive * (stays + np.nan_to_num(leaves))).reshape(shape)

    def _expected_purchases_new(self, params, horizon) -> np.ndarray:
        """r beta / (alpha (s - 1)) (1 - (beta / (beta + t))^(s - 1)) (Schmittlein et al. 1987, eq. 17)."""
        r, alpha, s, beta = params
        return r / alpha * beta * _lifetime_share(s, horizon / beta)

    def _probability_of_purchases(self, params, n, horizon) -> np.ndarray:
        """P(X(t) = n) = NB(n; t) (beta / (beta + t))^s + int_0^t s beta^s (beta + u)^-(s + 1) NB(n; u) du:
        she is still there at t, or leaves at u < t having made n purchases by then
        (NB the count of a customer who never leaves); the integral by quadrature."""
        r, alpha, s, beta = params
        n, horizon = np.broadcast_arrays(n, horizon)
        stays = np.exp(log_nbd_pmf(r, alpha, n, horizon) - s * np.log1p(horizon / beta))
        u = horizon[..., None] * _Q  # nodes on (0, t)
        nn = n[..., None]
        log_f = (log_nbd_pmf(r, alpha, nn, u) + np.log(s) + s * np.log(beta) - (s + 1.0) * np.log(beta + u)
                 + np.log(horizon[..., None]))
        leaves = np.exp(log_f) @ _W
        return stays + np.where(horizon > 0, np.nan_to_num(leaves), 0.0)


def _lifetime_share(s, u) -> np.ndarray:
    """(1 - (1 + u)^-(s - 1)) / (s - 1), and its limit ln(1 + u) at s = 1."""
    k = s - 1.0
    log1p_u = np.log1p(u)
    if abs(k) < 1e-10:
        return log1p_u
    return -np.expm1(-k * log1p_u) / k


def tail_integral(A, B, k1, k2, group=None, *, gradient: bool = False, rule=FINE):
    """log of K = int_0^inf (A + u)^-k1 (B + u)^-k2 du, A, B > 0, k1 + k2 > 1.

    With big = max(A, B), small = min(A, B), c = k1 + k2 - 1 and e the exponent of the
    small factor, K = big^-c J with J = int_0^1 v^(c-1) (1 - z v)^-e dv, z = 1 - small/big
    (the Euler integral of 2F1(c, e; c + 1; z) / c). J is integrated by tanh-sinh
    quadrature in q, where 1 - z v = (1 - z)^q.

    Parameters
    ----------
    A, B : numpy.ndarray
        Per group (``group`` given) or per item.
    k1, k2 : numpy.ndarray
        Per item.
    group : numpy.ndarray of int, optional
        Group of each item: items of a group share A and B (and the node values that
        depend on them only).
    gradient : bool
        Also return the partial derivatives of log K in k1, k2, A, B (per item).

    Returns
    -------
    numpy.ndarray or tuple
        log K per item; with ``gradient``, ``(log K, d/dk1, d/dk2, d/dA, d/dB)``.

    Examples
    --------
    >>> import numpy as np
    >>> # A = B: K = A^-(k1 + k2 - 1) / (k1 + k2 - 1) = 2^-1.5 / 1.5
    >>> round(float(np.exp(tail_integral([2.0], [2.0], [1.5], [1.0])[0])), 6), round(2.0 ** -1.5 / 1.5, 6)
    (0.235702, 0.235702)
    """
    with np.errstate(all="ignore"):
        return _tail_integral(np.asarray(A, dtype=float).ravel(), np.asarray(B, dtype=float).ravel(),
                              np.asarray(k1, dtype=float).ravel(), np.asarray(k2, dtype=float).ravel(),
                              group, gradient, rule)


def _side_by_side(blocks, n: int) -> None:
    """Run ``blocks`` over the block starts of ``n`` items, split between the machine's cores
    when there are enough of them: numpy's loops run outside the GIL, and each item's
    figures are the same whichever thread works them out."""
    starts = range(0, n, _CHUNK)
    workers = min(os.cpu_count() or 1, len(starts) // _BLOCKS_PER_THREAD)
    if workers < 2:
        blocks(starts)
        return
    with ThreadPoolExecutor(workers) as pool:
        for done in [pool.submit(blocks, starts[i::workers]) for i in range(workers)]:
            done.result()


def _tail_integral(A, B, k1, k2, group, gradient, rule):
    _Q, _ONE_MINUS_Q, _W, _HALF = rule
    if group is None:
        group = np.arange(k1.size)
    a_big = A >= B
    big, small = np.where(a_big, A, B), np.where(a_big, B, A)
    ln_big = np.log(big)
    L = np.log(small) - ln_big  # ln(1 - z) <= 0
    z = -np.expm1(L)
    positive = z > 0
    zs = np.where(positive, z, 1.0)
    Lc, zc, omz = L[:, None], zs[:, None], np.exp(L)[:, None]
    ln_v = np.empty((L.size, _Q.size))
    # v = (1 - (1 - z)^q) / z, from q near 0 and from 1 - q near 1 (each where it is accurate)
    ln_v[:, :_HALF] = np.log(np.expm1(_Q[None, :_HALF] * Lc) / -zc)
    ln_v[:, _HALF:] = np.log1p(-omz * np.expm1(-_ONE_MINUS_Q[None, _HALF:] * Lc) / zc)
    if not positive.all():  # z = 0 (A = B): v = q
        ln_v[~positive] = np.log(_Q)
    q_l = _Q[None, :] * Lc
    ln_ratio = np.where(positive, np.log(-L / zs), 0.0)
    v_exp = np.exp(ln_v - q_l) if gradient else None

    c = k1 + k2 - 1.0
    g_big = a_big[group]
    e = np.where(g_big, k2, k1)
    c_less, one_less = c - 1.0, 1.0 - e
    n = k1.size
    top, total = np.empty(n), np.empty(n)
    if gradient:
        mean_ln_v, mean_ql, mean_vexp = np.empty(n), np.empty(n), np.empty(n)

    def blocks(starts: range) -> None:
        """The items of the blocks beginning at ``starts``, in buffers made once: a block of
        _CHUNK items is small enough to stay in the cache."""
        lv_all, ql_all, f_all, tmp_all = (np.empty((min(_CHUNK, n), _Q.size)) for _ in range(4))
        with np.errstate(all="ignore"):  # the caller's errstate does not reach a pool's thread
            for lo in starts:
                hi = min(lo + _CHUNK, n)
                g = group[lo:hi]
                lv, ql, f, tmp = lv_all[:hi - lo], ql_all[:hi - lo], f_all[:hi - lo], tmp_all[:hi - lo]
                np.take(ln_v, g, axis=0, out=lv)
                np.take(q_l, g, axis=0, out=ql)
                np.multiply(lv, c_less[lo:hi, None], out=f)
                np.multiply(ql, one_less[lo:hi, None], out=tmp)
                f += tmp
                block_top = f.max(axis=1)
                top[lo:hi] = block_top
                f -= block_top[:, None]
                np.exp(f, out=f)
                f *= _W
                block_total = f.sum(axis=1)
                total[lo:hi] = block_total
                if gradient:
                    mean_ln_v[lo:hi] = np.einsum("ij,ij->i", f, lv) / block_total
                    mean_ql[lo:hi] = np.einsum("ij,ij->i", f, ql) / block_total
                    np.take(v_exp, g, axis=0, out=tmp)
                    mean_vexp[lo:hi] = np.einsum("ij,ij->i", f, tmp) / block_total

    _side_by_side(blocks, n)
    out = -c * ln_big[group] + ln_ratio[group] + top + np.log(total)
    if not gradient:
        return out
    lb, bg, sm = ln_big[group], big[group], small[group]
    d_k_big = -lb + mean_ln_v
    d_k_small = d_k_big - mean_ql
    d_big = -c / bg + e * mean_vexp * sm / bg ** 2
    d_small = -e * mean_vexp / bg
    return (out, np.where(g_big, d_k_big, d_k_small), np.where(g_big, d_k_small, d_k_big),
            np.where(g_big, d_big, d_small), np.where(g_big, d_small, d_big))


def _pairs(x: np.ndarray, t_x: np.ndarray, age: np.ndarray):
    """Distinct (x, y) pairs over y in {t_x, T}: the integrals each customer needs.

    Returns the distinct times y, the group (index of y) and frequency of each pair, and
    for each customer the pair of (x, t_x) and of (x, T).
    """
    n = x.size
    ys, y_index = np.unique(np.concatenate([t_x, age]), return_inverse=True)
    xs, x_index = np.unique(x, return_inverse=True)
    key = np.concatenate([x_index, x_index]).astype(np.int64) * ys.size + y_index
    codes, keys = pd.factorize(key, sort=False)
    return ys, (keys % ys.size).astype(np.int64), xs[keys // ys.size], codes[:n], codes[n:]


def _likelihood_terms(params, x, t_x, age):
    """log of (alpha + T)^-(r + x) (beta + T)^-s, s I(t_x) and s I(T), per customer."""
    r, alpha, s, beta = params
    ys, group, x_pair, at_tx, at_t = _pairs(x, t_x, age)
    ln_i = tail_integral(alpha + ys, beta + ys, r + x_pair, np.full(x_pair.size, s + 1.0), group)
    ln_s = np.log(s)
    ln_e1 = -(r + x) * np.log(alpha + age) - s * np.log(beta + age)
    return ln_e1, ln_s + ln_i[at_tx], ln_s + ln_i[at_t]


class _Likelihood:
    """Negative log-likelihood of the Pareto/NBD and its gradient in log-parameters.

    Per customer (Fader & Hardie 2005, eq. 18, with A0 written as an integral)::

        ll = lnG(r + x) - lnG(r) + r ln(alpha) + s ln(beta) + ln D
        D  = (alpha + T)^-(r + x) (beta + T)^-s + s (I(t_x) - I(T))

    summed with the customers' weights; the integrals once per distinct (x, y) pair.
    At s = 0 (nobody leaves) D is the first term alone: the NBD, where beta has no effect.
    """

    def __init__(self, x: np.ndarray, t_x: np.ndarray, age: np.ndarray, weights: np.ndarray, rule=FINE):
        self.x, self.t_x, self.age, self.w, self.rule = x, t_x, age, weights, rule
        self.ys, self.group, self.x_pair, self.at_tx, self.at_t = _pairs(x, t_x, age)
        self.values, self.index = np.unique(x, return_inverse=True)
        self.counts = np.bincount(self.index, weights=weights, minlength=self.values.size)
        self.n = float(weights.sum())

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, s, beta = np.exp(log_params)
        x, age, w = self.x, self.age, self.w
        u, n = self.values, self.counts
        ln_i, d_k1, d_k2, d_a, d_b = tail_integral(
            alpha + self.ys, beta + self.ys, r + self.x_pair, np.full(self.x_pair.size, s + 1.0), self.group,
            gradient=True, rule=self.rule)
        ln_s = np.log(s)
        ln_at, ln_bt = np.log(alpha + age), np.log(beta + age)
        ln_e1 = -(r + x) * ln_at - s * ln_bt
        tx, tt = self.at_tx, self.at_t
        ln_a, ln_b = ln_s + ln_i[tx], ln_s + ln_i[tt]
        top = np.maximum(ln_e1, ln_a)
        e1, pa, pb = np.exp(ln_e1 - top), np.exp(ln_a - top), np.exp(ln_b - top)
        d = e1 + pa - pb
        ln_d = top + np.log(d)
        ll = (n @ (gammaln(r + u) - gammaln(r)) + self.n * (r * np.log(alpha) + s * np.log(beta))
              + np.sum(w * ln_d))
        wd = w / d
        grad_r = (n @ (digamma(r + u) - digamma(r)) + self.n * np.log(alpha)
                  + np.sum(wd * (-e1 * ln_at + pa * d_k1[tx] - pb * d_k1[tt])))
        grad_alpha = (self.n * r / alpha
                      + np.sum(wd * (-e1 * (r + x) / (alpha + age) + pa * d_a[tx] - pb * d_a[tt])))
        grad_log_s = (s * (self.n * np.log(beta) + np.sum(wd * (-e1 * ln_bt + pa * d_k2[tx] - pb * d_k2[tt])))
                      + np.sum(wd * (pa - pb)))  # d ll / d ln s, finite at s = 0
        grad_beta = self.n * s / beta + np.sum(wd * (-e1 * s / (beta + age) + pa * d_b[tx] - pb * d_b[tt]))
        grad = np.array([grad_r * r, grad_alpha * alpha, grad_log_s, grad_beta * beta])
        return -float(ll), -grad
