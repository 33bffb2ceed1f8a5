"""Gamma-Gamma model of spend per purchase: what a customer's next order is worth.

Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base
analysis", *Journal of Marketing Research* 42(4), 415-430; Fader & Hardie (2013), "The
Gamma-Gamma model of monetary value" (note 025).

Story: the value of each purchase of a customer is Gamma(p, nu); her nu varies across
customers as Gamma(q, v). The model is fitted on repeat buyers only, each summarised by
``frequency`` x (number of repeat purchases) and ``monetary_value`` (mean value of those
x purchases). It assumes spend per order is unrelated to how often a customer buys.

Example
-------
>>> import numpy as np
>>> from retention_xl.analysis.models import GammaGamma
>>> gg = GammaGamma()
>>> gg.params_ = {"p": 6.25, "q": 3.74, "v": 15.44}
>>> # one repeat purchase of 20.00: the next one is expected a little higher, pulled
>>> # towards the population mean p v / (q - 1) = 35.22
>>> round(float(gg.expected_spend(1, 20.0)), 2)
24.64
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from retention_xl.errors import InvalidValue, ModelError, OutOfRange
from retention_xl.analysis.models.base import CustomerModel, as_float_array
from retention_xl.analysis.models.recall import FITS

__all__ = ["GammaGamma"]


def _spend_arrays(frequency, monetary_value) -> tuple[np.ndarray, np.ndarray]:
    x = as_float_array("frequency", frequency)
    m = as_float_array("monetary_value", monetary_value, minimum=None)
    try:
        x, m = np.broadcast_arrays(x, m)
    except ValueError:
        raise InvalidValue("frequency and monetary_value must have the same length") from None
    if np.any((x > 0) & (m <= 0)):
        raise OutOfRange("monetary_value of a repeat buyer must be > 0; "
                         "drop refunds or zero-value orders first")
    return x, m


class GammaGamma(CustomerModel):
    """Gamma-Gamma spend model fitted by maximum likelihood.

    Attributes
    ----------
    params_ : dict
        ``{"p", "q", "v"}``; the mean spend per order across customers is p v / (q - 1).
    log_likelihood_ : float
        Log-likelihood of the repeat buyers' mean spends.

    Examples
    --------
    >>> gg = GammaGamma()
    >>> gg.params_ = {"p": 6.25, "q": 3.74, "v": 15.44}  # CDNOW, Fader, Hardie & Lee (2005)
    >>> round(6.25 * 15.44 / (3.74 - 1), 2)  # mean spend per order across customers
    35.22
    >>> [round(float(s), 2) for s in gg.expected_spend([0, 1, 10], [0.0, 50.0, 50.0])]
    [35.22, 45.49, 49.38]
    """

    param_names = ("p", "q", "v")
    model_code = "gamma_gamma"
    model_name = "Gamma-Gamma spend model"
    accept_edges = False  # spends that pin nothing down: the mean repeat spend is the answer

    def fit(self, frequency, monetary_value, weights=None) -> "GammaGamma":
        """Estimate p, q, v from repeat buyers' frequency and mean spend.

        Customers with frequency 0 are ignored (their mean repeat spend is unknown).
        ``weights`` (optional) counts the customers each row stands for.

        Raises
        ------
        ModelError
            Fewer than two repeat buyers (``kind="too_few"``), spends that cannot identify
            the model (every order worth exactly the same: ``kind="same_spend"``), or a
            spend distribution with so heavy a tail that a customer's mean spend is
            infinite (q <= 1: ``kind="heavy_tail"``; the model cannot value customers then).
        """
        x, m = (v.ravel() for v in _spend_arrays(frequency, monetary_value))
        w = np.ones(x.size) if weights is None else as_float_array("weights", weights).ravel()
        if w.size != x.size:
            raise InvalidValue(f"weights has {w.size} values for {x.size} rows; give one weight per row")
        repeat = (x > 0) & (w > 0)
        x, m, w = x[repeat], m[repeat], w[repeat]
        if w.sum() < 2:
            raise ModelError("the Gamma-Gamma model needs at least two repeat buyers "
                             f"(frequency > 0) with a monetary value; found {w.sum():g}",
                             kind="too_few", model=self.model_code, found=float(w.sum()))
        if np.ptp(m) <= 1e-12 * m.max():
            raise ModelError("the data cannot identify the Gamma-Gamma spend model: every "
                             "repeat buyer has the same mean spend", kind="same_spend", model=self.model_code)
        FITS.run(self, FITS.key(self, (x, m, w)), lambda: self._search_spends(x, m, w))  # or recalled
        return self

    def _search_spends(self, x: np.ndarray, m: np.ndarray, w: np.ndarray) -> None:
        mean = float(np.average(m, weights=x * w))
        starts = [(1.0, 3.0, 2.0 * mean), (5.0, 2.0, mean / 5.0), (0.5, 1.5, mean)]
        self._maximise(_Likelihood(x, m, w), starts, scale=float(w.sum()))
        q = self.params_["q"]
        if q <= 1.0:
            self.params_ = None
            raise ModelError(f"the spends have too heavy a tail for the Gamma-Gamma model (q = {q:.3g} <= 1: "
                             "the mean spend of a customer is infinite)", kind="heavy_tail",
                             model=self.model_code, q=q)

    def expected_spend(self, frequency, monetary_value) -> np.ndarray:
        """Expected value of a customer's next purchase, given her past mean spend.

        E[M | p, q, v, x, m_x] = p (v + x m_x) / (p x + q - 1), a weighted average of the
        population mean p v / (q - 1) and the customer's own mean m_x; for frequency 0 it
        is the population mean.

        Raises
        ------
        ModelError
            q <= 1 and a customer has frequency 0: the population mean is infinite.
        """
        p, q, v = self._params()
        x, m = _spend_arrays(frequency, monetary_value)
        own = np.where(x > 0, m, 0.0)
        denominator = p * x + q - 1.0
        if np.any(denominator <= 0):
            raise ModelError(f"q = {q:.3g} <= 1: the mean spend of customers without repeat "
                             "purchases is infinite under this fit", kind="heavy_tail", model=self.model_code, q=q)
        return p * (v + x * own) / denominator


class _Likelihood:
    """Negative log-likelihood of the Gamma-Gamma model and its gradient in log-parameters.

    Per repeat buyer with x purchases of mean value m (summed with the rows' weights)::

        ll = lnG(p x + q) - lnG(p x) - lnG(q) + q ln v + (p x - 1) ln m + p x ln x
             - (p x + q) ln(v + x m)

    The Gamma-function terms depend on x alone and are summed once per distinct frequency;
    the sums of x ln m and ln m do not depend on the parameters and are taken once.
    """

    def __init__(self, x: np.ndarray, m: np.ndarray, w: np.ndarray):
        self.x, self.xm, self.w, self.wx = x, x * m, w, w * x
        self.values, index = np.unique(x, return_inverse=True)
        self.counts = np.bincount(index, weights=w, minlength=self.values.size)
        self.n = float(w.sum())
        ln_m = np.log(m)
        self.sum_x_ln_m, self.sum_ln_m = float(np.sum(self.wx * ln_m)), float(np.sum(w * ln_m))
        self.ln_values = np.log(self.values)

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, v = np.exp(log_params)
        u, n, ln_u = self.values, self.counts, self.ln_values
        pu = p * u
        ln_vxm = np.log(v + self.xm)
        x_ln_vxm = np.sum(self.wx * ln_vxm)  # not x @ ln_vxm: a threaded BLAS call costs more here
        sum_ln_vxm = np.sum(self.w * ln_vxm)
        ll = (n @ (gammaln(pu + q) - gammaln(pu) + pu * ln_u) + self.n * (q * np.log(v) - gammaln(q))
              + p * self.sum_x_ln_m - self.sum_ln_m
              - p * x_ln_vxm - q * sum_ln_vxm)
        d_puq = digamma(pu + q)
        grad_p = n @ (u * (d_puq - digamma(pu) + ln_u)) + self.sum_x_ln_m - x_ln_vxm
        grad_q = n @ d_puq - self.n * digamma(q) + self.n * np.log(v) - sum_ln_vxm
        grad_v = self.n * q / v - np.sum(self.w * (p * self.x + q) / (v + self.xm))
        grad = np.array([grad_p * p, grad_q * q, grad_v * v])
        return -float(ll), -grad
