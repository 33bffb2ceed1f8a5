"""The common ground of the purchase models (BG/NBD, MBG/NBD, Pareto/NBD): one API.

Each purchase model describes a non-contractual customer (a shop: nobody tells you when
they stop buying) by a purchase rate and a silent drop-out process, and is fitted on the
customers' (frequency, recency, T) -- see :mod:`~retention_xl.analysis.models.counts`.
Every one of them answers the same questions, in the time unit of recency and T:

* :meth:`PurchaseModel.p_alive` -- is she still a customer?
* :meth:`PurchaseModel.expected_purchases` -- purchases in the next t, given her history;
* :meth:`PurchaseModel.probability_no_purchase` -- chance she buys nothing in the next t;
* :meth:`PurchaseModel.expected_purchases_new` -- purchases in her first t (repeat
  purchases, not counting the first) of a customer just acquired;
* :meth:`PurchaseModel.probability_of_purchases` -- P(X(t) = n) for a customer just
  acquired: the distribution behind the last one.

Fitting takes one row per customer, or distinct rows with ``weights`` (customers per
row): ``fit(frequency, recency, T, weights=...)``; the two give the same estimates.

Example
-------
>>> from retention_xl.analysis.models import ParetoNBD
>>> model = ParetoNBD()
>>> model.params_ = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
>>> round(float(model.p_alive(0, 0.0, 78.0)), 3)  # one purchase, 78 weeks ago
0.162
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod

import numpy as np

from retention_xl.analysis.models.base import CustomerModel, as_float_array
from retention_xl.analysis.models.counts import CustomerCounts, compress_customers, customer_arrays, distinct_cases
from retention_xl.analysis.models.recall import FITS
from retention_xl.errors import ModelError, OutOfRange

__all__ = ["PurchaseModel"]

#: customers above which a prediction is evaluated once per distinct case and spread back
DISTINCT_FROM = 10_000


class PurchaseModel(CustomerModel, metaclass=ABCMeta):
    """Base of the purchase models: fitting on (frequency, recency, T) and the predictions."""

    def fit(self, frequency, recency, T, weights=None, *, start: dict | None = None) -> "PurchaseModel":
        """Estimate the parameters from customers' (frequency, recency, T).

        Parameters
        ----------
        frequency, recency, T : array-like
            Repeat purchases, age at last purchase, age now (same time unit), one entry
            per customer -- or per group of identical customers with ``weights``.
        weights : array-like, optional
            Customers each entry stands for (e.g. the ``weights`` of
            :func:`~retention_xl.analysis.models.counts.compress_customers`).
        start : dict, optional
            Parameters to start from (e.g. a fit on part of the history), tried first.

        Returns
        -------
        PurchaseModel
            ``self``, with ``params_``, ``log_likelihood_`` and ``standard_errors_`` set: the
            fit of the same data and start made earlier in this session, if there is one
            (see :mod:`~retention_xl.analysis.models.recall`).

        Raises
        ------
        ModelError
            Fewer than two customers (``kind="one_customer"``), no repeat purchases at all
            (``kind="no_repeat_buyers"``), or a parameter the data leave undetermined
            (``kind="undetermined"``, ``fields["param"]``).
        """
        counts = compress_customers(frequency, recency, T, weights)
        if counts.n_customers < 2:
            raise ModelError(f"the {self.model_name} needs at least two customers; the orders come from "
                             f"{'one' if counts.n_customers else 'none'}", kind="one_customer", model=self.model_code)
        if not np.any(counts.frequency > 0):
            raise ModelError(f"the {self.model_name} needs customers with repeat purchases "
                             "(frequency > 0); none were found", kind="no_repeat_buyers",
                             model=self.model_code)
        first = None
        if start is not None and all(start.get(k, 0) > 0 for k in self.param_names):
            first = tuple(float(start[k]) for k in self.param_names)

        def search() -> None:
            starts, curvature = self._first_search(counts, self._starts(counts, first))
            self._maximise(self._objective(counts), starts, scale=counts.n_customers, curvature=curvature)

        # the same data fitted before in this session are recalled
        FITS.run(self, FITS.key(self, (counts.frequency, counts.recency, counts.T, counts.weights), first), search)
        return self

    def _first_search(self, counts: CustomerCounts, starts: list[tuple[float, ...]]
                      ) -> tuple[list[tuple[float, ...]], np.ndarray | None]:
        """Starting points for the search of the likelihood, and the inverse Hessian to
        begin the first one with: here ``starts`` as they are; a model whose likelihood is
        costly first searches a cheaper approximation of it and starts from there."""
        return starts, None

    @staticmethod
    def _rate_starts(counts: CustomerCounts) -> float:
        """Repeat purchases per unit of time across customers (for starting points)."""
        w = counts.weights
        return float(max(w @ counts.frequency, 1.0) / max(w @ counts.T, 1e-9))

    @abstractmethod
    def _objective(self, counts: CustomerCounts):
        """Negative log-likelihood and gradient in log-parameters, on compressed counts."""

    @abstractmethod
    def _starts(self, counts: CustomerCounts, first: tuple | None = None) -> list[tuple[float, ...]]:
        """Starting points, natural scale (``first``, if given, first)."""

    # ------------------------------------------------------------- predictions
    def p_alive(self, frequency, recency, T) -> np.ndarray:
        """Probability that each customer has not dropped out by age T."""
        x, t_x, age = customer_arrays(frequency, recency, T)
        with np.errstate(all="ignore"):
            return np.clip(self._p_alive(self._params(), x, t_x, age), 0.0, 1.0)  # rounding can pass 1

    def expected_purchases(self, t, frequency, recency, T) -> np.ndarray:
        """Expected number of purchases in the next ``t`` time units, given the history.

        ``t`` broadcasts against the customers, e.g. ``t[:, None]`` for a
        periods-by-customers table.
        """
        return self.forecast(t, frequency, recency, T)[1]

    def forecast(self, t, frequency, recency, T) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`p_alive` and :meth:`expected_purchases` together, from one evaluation of
        P(alive) (the costly part: a Pareto/NBD integral per customer)."""
        x, t_x, age = customer_arrays(frequency, recency, T)
        horizon = as_float_array("t", t)
        params = self._params()
        with np.errstate(all="ignore"):
            alive = self._p_alive(params, x, t_x, age)
            expected = self._active_once_per_case(params, horizon, x, age) * alive
            return np.clip(alive, 0.0, 1.0), expected  # rounding can pass 1

    def _active_once_per_case(self, params, horizon, x, age) -> np.ndarray:
        """:meth:`_active_purchases`, evaluated once per distinct (x, T) when the horizons
        do not vary along the customers (a scalar, or one per row of a periods-by-customers
        table), else once per distinct (x, T, t); the same values as case by case."""
        shape = np.broadcast_shapes(horizon.shape, x.shape)
        if np.prod(shape) < DISTINCT_FROM:
            return self._active_purchases(params, horizon, x, age)
        if x.ndim == 1 and horizon.shape[-1:] in ((), (1,)):
            case, first = distinct_cases(x, age)
            if first.size == x.size:
                return self._active_purchases(params, horizon, x, age)
            # (taken along the last axis, in C order as the case-by-case values would be)
            return np.ascontiguousarray(self._active_purchases(params, horizon, x[first], age[first])[..., case])
        x, age, horizon = (v.ravel() for v in np.broadcast_arrays(x, age, horizon))
        case, first = distinct_cases(x, age, horizon)
        return self._active_purchases(params, horizon[first], x[first], age[first])[case].reshape(shape)

    def probability_no_purchase(self, t, frequency, recency, T) -> np.ndarray:
        """Probability that each customer makes no purchase in the next ``t`` time units.

        1 - P(alive) + P(alive) P(no purchase in t | alive), the second factor averaged
        over what her history says about her purchase (and drop-out) rate.
        """
        x, t_x, age = customer_arrays(frequency, recency, T)
        horizon = as_float_array("t", t)
        with np.errstate(all="ignore"):
            return np.clip(self._probability_no_purchase(self._params(), horizon, x, t_x, age), 0.0, 1.0)

    def expected_purchases_new(self, t) -> np.ndarray:
        """Expected repeat purchases in the first ``t`` time units of a customer just acquired."""
        horizon = as_float_array("t", t)
        with np.errstate(all="ignore"):
            return self._expected_purchases_new(self._params(), horizon)

    def probability_of_purchases(self, n, t) -> np.ndarray:
        """P(X(t) = n): probability that a customer just acquired makes ``n`` repeat
        purchases in her first ``t`` time units (``n`` and ``t`` broadcast)."""
        count = as_float_array("n", n)
        if np.any(count != np.floor(count)):
            raise OutOfRange("n counts purchases and must be a whole number")
        horizon = as_float_array("t", t)
        count, horizon = np.broadcast_arrays(count, horizon)
        with np.errstate(all="ignore"):
            return np.clip(self._probability_of_purchases(self._params(), count, horizon), 0.0, 1.0)

    @abstractmethod
    def _p_alive(self, params, x, t_x, age) -> np.ndarray: ...

    def _expected_purchases(self, params, horizon, x, t_x, age) -> np.ndarray:
        """Purchases in the next t: those of an active customer times P(alive)."""
        return self._active_purchases(params, horizon, x, age) * self._p_alive(params, x, t_x, age)

    @abstractmethod
    def _active_purchases(self, params, horizon, x, age) -> np.ndarray:
        """Expected purchases in the next t of a customer still active at age T (case by case)."""

    @abstractmethod
    def _probability_no_purchase(self, params, horizon, x, t_x, age) -> np.ndarray: ...

    @abstractmethod
    def _expected_purchases_new(self, params, horizon) -> np.ndarray: ...

    @abstractmethod
    def _probability_of_purchases(self, params, n, horizon) -> np.ndarray: ...
