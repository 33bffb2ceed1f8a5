"""Shifted-beta-geometric (sBG) model of contract renewals: projecting retention.

Fader & Hardie (2007), "How to project customer retention", *Journal of Interactive
Marketing* 21(1), 76-90.

Story: for subscriptions, memberships or contracts renewed once per period. Each
customer cancels at the end of any period with her own probability theta, constant over
time; theta varies across customers as Beta(alpha, beta). Because the customers most
likely to cancel leave first, the retention rate of a cohort rises over time even though
no one's own churn probability changes.

* survival S(t) = B(alpha, beta + t) / B(alpha, beta), S(0) = 1
* retention rate r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)

Example
-------
>>> from retention_xl.analysis.models import ShiftedBetaGeo
>>> sbg = ShiftedBetaGeo().fit([1000, 869, 743, 653, 593, 551, 517, 491])
>>> round(sbg.params_["alpha"], 3), round(sbg.params_["beta"], 3)
(0.668, 3.806)
>>> [round(float(s), 3) for s in sbg.survival([0, 1, 12])]
[1.0, 0.851, 0.378]
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, digamma

from retention_xl.errors import InvalidValue, ModelError, OutOfRange
from retention_xl.analysis.models.base import CustomerModel, as_float_array
from retention_xl.analysis.models.recall import FITS

__all__ = ["ShiftedBetaGeo"]


class ShiftedBetaGeo(CustomerModel):
    """sBG model fitted by maximum likelihood to the survivors of one cohort.

    Attributes
    ----------
    params_ : dict
        ``{"alpha", "beta"}`` of the Beta distribution of the per-period churn probability;
        its mean alpha / (alpha + beta) is the expected first-period churn.
    log_likelihood_ : float
        Log-likelihood of the survivor counts.

    Examples
    --------
    >>> sbg = ShiftedBetaGeo()
    >>> sbg.params_ = {"alpha": 1.0, "beta": 1.0}
    >>> [round(float(r), 4) for r in sbg.retention_rates([1, 2, 3])]  # t / (t + 1)
    [0.5, 0.6667, 0.75]
    """

    param_names = ("alpha", "beta")
    model_code = "sbg"
    model_name = "shifted-beta-geometric retention model"
    accept_edges = False
    ridge_to_edge_is_error = True  # alpha and beta to infinity: churn the same for everyone, not an sBG

    def fit(self, survivors) -> "ShiftedBetaGeo":
        """Estimate alpha and beta from a cohort's survivor counts.

        Parameters
        ----------
        survivors : array-like
            Customers still active at the start of each period, beginning with the cohort
            size: ``[1000, 631, 468, 382, 326]`` means 1000 signed up, 631 renewed once,
            468 twice, and so on. Counts, not shares: the number of customers is what
            tells how precisely alpha and beta are known (per-1000 figures work).

        Raises
        ------
        OutOfRange
            Counts that go up, are negative, or a cohort of size 0.
        ModelError
            Fewer than two periods, or nobody (or everybody) cancels so the model is not
            identified; or churn that does not fall over time (``kind="constant_churn"``,
            with the constant churn per period that fits as well in ``fields["churn"]``).
        """
        n = as_float_array("survivors", survivors).ravel()
        if n.size < 2:
            raise InvalidValue("survivors needs the cohort size and at least one later count")
        if n[0] <= 0:
            raise OutOfRange("survivors must start with the cohort size, which must be > 0")
        if n[0] <= 1:
            raise InvalidValue("survivors must be numbers of customers starting with the cohort size "
                               "(e.g. 1000, 631, 468), not shares; multiply shares by the cohort size")
        if np.any(np.diff(n) > 0):
            raise OutOfRange("survivors cannot increase from one period to the next; "
                             "a cohort only loses customers")
        if n[-1] == n[0]:
            raise ModelError("nobody in the cohort cancelled, so the retention model cannot be "
                             "estimated; wait for at least one cancellation", kind="no_cancellation",
                             model=self.model_code)
        if n[1] == 0:
            raise ModelError("the whole cohort cancelled in the first period, so retention "
                             "cannot be projected", kind="all_cancelled", model=self.model_code)
        objective = _Likelihood(n)
        churn = 1.0 - n[1] / n[0]
        starts = [(1.0, 1.0), (0.1, 0.1)]
        if 0 < churn < 1:  # starts matching the first period's churn (none when nobody left then)
            starts[1:1] = [(churn, 1.0 - churn)]
            starts.append((10.0, 10.0 * (1 - churn) / churn))
        # or recalled: the same counts fitted before in this session
        try:
            FITS.run(self, FITS.key(self, (n,)), lambda: self._maximise(objective, starts, scale=n[0]))
        except ModelError as exc:
            if exc.kind != "runs_off" or exc.fields.get("towards") != "infinity":
                raise
            # with some churn and some renewals, only alpha and beta together run to infinity:
            # everyone's churn the same, whose estimate is the lost over the periods at risk
            churn = float(-np.diff(n).sum() / n[:-1].sum())
            raise ModelError(f"the cohort's churn does not fall over time as the shifted-beta-geometric model "
                             f"assumes (alpha and beta run to infinity): the same churn of {churn:.1%} a period "
                             "for everyone fits it as well", kind="constant_churn", model=self.model_code,
                             churn=churn) from None
        return self

    def survival(self, periods) -> np.ndarray:
        """Share of the cohort still active after ``periods`` renewals, S(t).

        S(t) = B(alpha, beta + t) / B(alpha, beta); S(0) = 1.
        """
        alpha, beta = self._params()
        t = as_float_array("periods", periods)
        return np.exp(betaln(alpha, beta + t) - betaln(alpha, beta))

    def retention_rates(self, periods) -> np.ndarray:
        """Share of customers active in period t - 1 who renew for period t, r(t).

        r(t) = (beta + t - 1) / (alpha + beta + t - 1), for t >= 1; it increases with t.
        """
        alpha, beta = self._params()
        t = as_float_array("periods", periods, minimum=1.0)
        return (beta + t - 1.0) / (alpha + beta + t - 1.0)


class _Likelihood:
    """Negative log-likelihood of survivor counts n_0 >= n_1 >= ... >= n_k.

    ll = sum_{t=1..k} (n_{t-1} - n_t) ln P(T = t) + n_k ln S(k), with
    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta), S(t) = B(alpha, beta + t) / B(alpha, beta).
    """

    def __init__(self, survivors: np.ndarray):
        self.lost = -np.diff(survivors)
        self.t = np.arange(1, survivors.size, dtype=float)
        self.k = float(survivors.size - 1)
        self.still = float(survivors[-1])

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        alpha, beta = np.exp(log_params)
        lost, t, k, still = self.lost, self.t, self.k, self.still
        base = betaln(alpha, beta)
        ln_p = betaln(alpha + 1.0, beta + t - 1.0) - base
        ln_s = betaln(alpha, beta + k) - base
        ll = float(np.dot(lost, ln_p)) + (still * ln_s if still > 0 else 0.0)
        d_ab, d_abt, d_abk = digamma(alpha + beta), digamma(alpha + beta + t), digamma(alpha + beta + k)
        d_a, d_b = digamma(alpha), digamma(beta)
        grad_alpha = np.dot(lost, digamma(alpha + 1.0) - d_abt - d_a + d_ab) + still * (d_ab - d_abk)
        grad_beta = np.dot(lost, digamma(beta + t - 1.0) - d_abt - d_b + d_ab) + still * (
            digamma(beta + k) - d_abk - d_b + d_ab)
        return -ll, -np.array([grad_alpha * alpha, grad_beta * beta])
