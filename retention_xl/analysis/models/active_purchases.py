"""Purchases of a customer who is still active, when she may drop out after each purchase.

BG/NBD and MBG/NBD share this piece: an active customer buys at rate lambda and drops out
with probability p after each purchase, so over the next t she makes
E[(1 - exp(-lambda p t)) / p] purchases on average; averaged over her posterior
lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b_post) it has a closed form in the
Gauss hypergeometric function (BG/NBD: b_post = b + x; MBG/NBD: b + x + 1, i.e. the
BG/NBD formula with b + 1). The module also holds the double-exponential (tanh-sinh)
quadrature rule that the models use where a closed form is not accurate, and the counts
of a customer who never drops out (the NBD), which their P(X(t) = n) is built from.

Example
-------
>>> round(float(purchases_while_active(0.243, 4.414, 0.793, 2.426, 2, 38.86, 39.0)), 4)
1.6874
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betainc, betainccinv, betaincinv, gammaln, hyp2f1

#: a + b above which Beta(a, b) is treated as a point mass at its mean
CONCENTRATED = 1e4

__all__ = ["CONCENTRATED", "purchases_while_active", "purchases_while_active_each", "purchases_by_quadrature",
           "tanh_sinh_rule", "TANH_SINH", "log_nbd_pmf", "nbd_at_least"]


def purchases_while_active(r, alpha, a, b, x, age, horizon) -> np.ndarray:
    """:func:`purchases_while_active_each`, evaluated once per distinct (x, age, horizon).

    Customers share few distinct frequencies and ages (whole days), so on a large table
    this evaluates the hypergeometric term a few times per distinct case instead of once
    per customer and horizon.
    """
    x, age, horizon = np.broadcast_arrays(x, age, horizon)
    if x.size < 10_000:
        return purchases_while_active_each(r, alpha, a, b, x, age, horizon)
    cases = pd.DataFrame({"x": x.ravel(), "age": age.ravel(), "horizon": horizon.ravel()})
    group = cases.groupby(["x", "age", "horizon"], sort=False).ngroup().to_numpy()
    first = np.empty(group.max() + 1, dtype=np.int64)
    first[group[::-1]] = np.arange(group.size - 1, -1, -1)  # first row of each case
    distinct = cases.iloc[first]
    value = purchases_while_active_each(
        r, alpha, a, b, distinct["x"].to_numpy(), distinct["age"].to_numpy(), distinct["horizon"].to_numpy()
    )
    return value[group].reshape(x.shape)


def purchases_while_active_each(r, alpha, a, b, x, age, horizon) -> np.ndarray:
    """E[(1 - exp(-lambda p t)) / p] for a customer known to be active at age T.

    When a + b exceeds :data:`CONCENTRATED` (about the same drop-out probability for
    every customer) the expectation is a second-order expansion around the mean of p
    (error of order 1 / (a + b)^2, below 1e-8), where the quantiles would be slow.

    Posterior of an active customer: lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b + x).
    Closed form (Euler-transformed hypergeometric, z = t / (alpha + T + t))::

        (a + b + x - 1) / (a - 1) * (1 - (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z))

    The integrand lies between its values at p = 1 and p = 0, so the result must lie in
    [1 - (1 + s)^-(r + x), (r + x) s] with s = t / (alpha + T). Where the hypergeometric
    function fails that check (extreme parameters), and wherever z > 0.99 (horizons a
    hundred times the customer's alpha + T, where scipy's hyp2f1 can be wrong within the
    bounds), the expectation is taken by quadrature over the quantiles of p instead.
    """
    if abs(a - 1.0) < 1e-7:  # the closed form is 0/0 at a = 1; its limit is continuous
        a = 1.0 + 1e-7
    x, age, horizon = np.broadcast_arrays(x, age, horizon)
    k = r + x
    s = horizon / (alpha + age)
    if a + b > CONCENTRATED:
        # p is concentrated at its mean: E h(p) = h(mean) + h''(mean) var / 2 + O(1 / (a + b)^2)
        total = a + b + x
        mean, var = a / total, a * (b + x) / (total ** 2 * (total + 1.0))
        step = np.sqrt(var)

        def h(p):
            return -np.expm1(-k * np.log1p(p * s)) / p

        curvature = (h(mean + step) - 2.0 * h(mean) + h(mean - step)) / var
        return np.where(horizon > 0, h(mean) + curvature * var / 2.0, 0.0)
    z = horizon / (alpha + age + horizon)
    lower = -np.expm1(-k * np.log1p(s))
    upper = k * s
    f = hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
    log_decay = (a - 1.0) * np.log1p(-z)
    remaining = np.where(f > 0, -np.expm1(log_decay + np.log(np.abs(f))), 1.0 - np.exp(log_decay) * f)
    value = (a + b + x - 1.0) / (a - 1.0) * remaining
    tolerance = 1e-9 * upper + 1e-300
    # near z = 1 scipy's hyp2f1 can be far off while staying within the bounds (e.g. when
    # c - a - b = 1 + r - a is close to an integer): quadrature there too
    bad = ~((value >= lower - tolerance) & (value <= upper + tolerance)) | (z > 0.99)
    if np.any(bad):
        value = np.array(value, dtype=float)
        value[bad] = purchases_by_quadrature(k[bad], s[bad], a, b + x[bad])
    return np.where(horizon > 0, np.clip(value, lower, upper), 0.0)


def tanh_sinh_rule(step: float = 1 / 24,
                    reach: float = 4.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Double-exponential nodes on (0, 1): u, 1 - u (accurate near 1) and weights."""
    tau = np.arange(-reach, reach + step / 2, step)
    v = np.pi / 2 * np.sinh(tau)
    lower, upper = 1 / (1 + np.exp(-2 * v)), 1 / (1 + np.exp(2 * v))
    # du/dtau = (pi/2) cosh(tau) sech^2(v) / 2, and sech^2(v) / 4 = lower * upper
    weights = step * np.pi / 2 * np.cosh(tau) * 2 * lower * upper
    keep = (lower > 0) & (upper > 0)
    return lower[keep], upper[keep], weights[keep]


#: the default rule: 193 nodes, step 1/24 (u, 1 - u, weights)
TANH_SINH = tanh_sinh_rule()
_U, _ONE_MINUS_U, _WEIGHTS = TANH_SINH


def purchases_by_quadrature(k, s, a, b_post) -> np.ndarray:
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


def log_nbd_pmf(r, alpha, n, horizon) -> np.ndarray:
    """log P(N(t) = n) for N(t) Poisson with a Gamma(r, alpha) rate: the NBD count."""
    return (gammaln(r + n) - gammaln(r) - gammaln(n + 1.0) - r * np.log1p(horizon / alpha)
            + np.where(n > 0, n * (np.log(horizon) - np.log(alpha + horizon)), 0.0))


def nbd_at_least(r, alpha, n, horizon) -> np.ndarray:
    """P(N(t) >= n) of the NBD count, as a regularised incomplete beta function."""
    return np.where(n > 0, betainc(np.maximum(n, 1.0), r, horizon / (alpha + horizon)), 1.0)
