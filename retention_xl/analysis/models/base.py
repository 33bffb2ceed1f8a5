"""Shared fitting machinery for the probabilistic customer models.

Every model here is fitted by maximum likelihood with a closed-form log-likelihood.
The optimiser (scipy's BFGS) works on the logarithms of the parameters, squeezed into
(-18, 18) by a tanh, so every step it takes is a valid model; it is handed the analytic
gradient, so a fit on a few thousand customers takes milliseconds. Several starting
points are tried in turn if the first does not converge.

What a fit gives:

* ``params_`` and ``log_likelihood_`` at the maximum;
* ``standard_errors_`` from the observed information (the inverse of the Hessian of the
  negative log-likelihood in log-parameters, mapped back by the delta method:
  se(theta) = theta se(log theta)) and ``log_covariance_``, which the prediction intervals
  use;
* boundary solutions as answers: when the likelihood is largest at the edge of the
  parameter space, the model says so instead of failing. A model may know its limits by
  name (``limit_``): for BG/NBD, a -> 0 (or b -> infinity alone) means *nobody drops
  out*; the limit model is then fitted exactly (a = 0) and parameters that no longer
  matter (b) are set to 1 and get no standard error. Other parameters that run off
  (e.g. r and alpha both to infinity: every customer buys at the same rate) stay at the
  edge of the search range, listed in ``at_edge_``;
* the limit model also when the full model has a flat ridge that leads there and the
  limit fits as well: a log-likelihood within 1.92 (a likelihood-ratio test with one
  degree of freedom cannot tell them apart at 5%) -- a real shop where almost nobody drops
  out gets "nobody drops out", not an error;
* a :class:`~retention_xl.errors.ModelError` only when the data leave a parameter
  undetermined *inside* the parameter space (a flat ridge: the Hessian is not positive
  definite, or a standard error of a log-parameter above 5). The error names the
  parameter that is undetermined -- the one that moves most along the flattest direction
  of the likelihood -- in ``fields["param"]`` (``kind="undetermined"``); and, for a model
  whose edges are no answer (``accept_edges = False``), when parameters run off
  (``kind="runs_off"``), including a search that stopped on a ridge rising all the way to
  the edge where the model says so (``ridge_to_edge_is_error``, the shifted-beta-geometric).

Example
-------
>>> import numpy as np
>>> from retention_xl.analysis.models import ShiftedBetaGeo
>>> model = ShiftedBetaGeo().fit([1000, 869, 743, 653, 593, 551, 517, 491])
>>> sorted(model.params_)
['alpha', 'beta']
>>> model.log_likelihood_ < 0, sorted(model.standard_errors_)
(True, ['alpha', 'beta'])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy.optimize import minimize

from retention_xl.errors import InvalidValue, ModelError, OutOfRange

__all__ = ["CustomerModel", "Limit", "EDGE", "LOG_PARAM_BOUND", "MAX_LOG_STANDARD_ERROR", "as_float_array"]

#: Parameters are searched in exp((-LOG_PARAM_BOUND, LOG_PARAM_BOUND)) ~ (1.5e-8, 6.6e7).
LOG_PARAM_BOUND = 18.0

#: A log-parameter beyond +-EDGE (a parameter above 9e6 or below 1e-7) has run off.
EDGE = 16.0

#: A limit model whose log-likelihood is within this of the full model's is the answer
#: when the full model is not identified (half the 95% point of chi-square with 1 d.f.).
LIMIT_TOLERANCE = 1.92

#: A fit whose likelihood is this close at the edge of the search range, along its flattest
#: direction, lies on a ridge to the edge (a hundredth of a log-likelihood unit: the step
#: along a straight line off a curved ridge costs about that, no data tell the two apart)
RIDGE_TOLERANCE = 0.01

#: Largest standard error of a log-parameter accepted: beyond it the 95% interval spans
#: a factor of more than e^20 and the estimate says nothing.
MAX_LOG_STANDARD_ERROR = 5.0

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def as_float_array(name: str, values, *, minimum: float | None = 0.0) -> np.ndarray:
    """Return ``values`` as a float array, refusing missing, infinite or too-small numbers.

    Parameters
    ----------
    name : str
        Name of the argument, used in the error message.
    values : array-like or scalar
        Numbers to check.
    minimum : float or None, default 0.0
        Smallest value allowed (inclusive); ``None`` allows any finite number.

    Returns
    -------
    numpy.ndarray
        Float64 array (0-d for a scalar).

    Raises
    ------
    InvalidValue
        Text, missing (NaN) or infinite values.
    OutOfRange
        A value below ``minimum``.

    Examples
    --------
    >>> as_float_array("frequency", [0, 2, 5]).tolist()
    [0.0, 2.0, 5.0]
    """
    if hasattr(values, "to_numpy"):
        # a pandas Series: numpy would look its own attribute names up in the index,
        # building a hash table of every customer id (a gigabyte for ten million)
        values = values.to_numpy()
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidValue(f"{name} must contain numbers only; remove text and blanks") from None
    if not np.all(np.isfinite(array)):
        raise InvalidValue(f"{name} contains missing or infinite values; remove those customers")
    if minimum is not None and array.size and array.min() < minimum:
        raise OutOfRange(f"{name} must be >= {minimum:g}, got {array.min():g}")
    return array


@dataclass(frozen=True)
class Limit:
    """A named boundary of a model's parameter space and the limit model it stands for.

    Attributes
    ----------
    code : str
        What the limit means, e.g. ``"no_dropout"`` (nobody ever stops buying).
    triggers : tuple of (parameter, "zero" | "infinity")
        A fit in which one of these parameters runs off that way has reached this limit.
    fixed : dict
        Exact parameter values of the limit model, e.g. ``{"a": 0.0}``.
    irrelevant : tuple of str
        Parameters that no longer change the model at the limit; they are set to 1.
    unless : tuple of (parameter, "zero" | "infinity")
        Run-offs that make it another limit (a and b of BG/NBD both to infinity is a
        drop-out probability that is the same for everyone, not zero).
    """

    code: str
    triggers: tuple[tuple[str, str], ...]
    fixed: dict[str, float]
    irrelevant: tuple[str, ...] = ()
    unless: tuple[tuple[str, str], ...] = ()

    def reached(self, directions: dict[str, str]) -> bool:
        """True when parameters ran off (name -> direction) the way this limit describes."""
        return (any(directions.get(p) == d for p, d in self.triggers)
                and not any(directions.get(p) == d for p, d in self.unless))


class CustomerModel:
    """Base class: holds the fit and runs the optimiser.

    Subclasses set ``param_names``, ``model_code`` (a short code such as ``"bg_nbd"``) and
    ``model_name`` (used in library messages), optionally ``limits``, and call
    :meth:`_maximise` from their ``fit``.

    Attributes
    ----------
    params_ : dict[str, float] or None
        Fitted parameters by name, ``None`` before :meth:`fit`.
    log_likelihood_ : float or None
        Log-likelihood of the data at ``params_``.
    standard_errors_ : dict[str, float] or None
        Standard error of each parameter (delta method on the log scale); NaN for a
        parameter fixed by a limit or left at the edge.
    log_covariance_ : numpy.ndarray or None
        Covariance matrix of the log-parameters (``param_names`` order); rows and columns
        of fixed parameters are 0.
    limit_ : str or None
        Code of the named limit the fit reached (e.g. ``"no_dropout"``), else ``None``.
    at_edge_ : dict[str, str]
        Parameters left at the edge of the search range: name -> "zero" or "infinity".
    """

    param_names: ClassVar[tuple[str, ...]] = ()
    model_code: ClassVar[str] = "model"
    model_name: ClassVar[str] = "model"
    limits: ClassVar[tuple[Limit, ...]] = ()
    #: whether parameters that run off without reaching a named limit are an answer (held
    #: at the edge) or an error
    accept_edges: ClassVar[bool] = True
    #: whether a fit on a ridge that stays as high out to the edge of the search range (its
    #: maximum at infinity) is an error rather than the point where the search stopped (see
    #: :func:`_ridge_to_edge`): for models that such a ridge takes outside what they describe
    ridge_to_edge_is_error: ClassVar[bool] = False
    #: names for parameters left at the edge together: {(name, direction), ...} -> code
    edge_limits: ClassVar[dict[frozenset, str]] = {}

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        self.standard_errors_: dict[str, float] | None = None
        self.log_covariance_: np.ndarray | None = None
        self.limit_: str | None = None
        self.at_edge_: dict[str, str] = {}

    def __repr__(self) -> str:
        if self.params_ is None:
            return f"{type(self).__name__}(not fitted)"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({shown})"

    def _params(self) -> tuple[float, ...]:
        """Fitted parameters in ``param_names`` order; error if not fitted yet."""
        if self.params_ is None:
            raise ModelError(f"the {self.model_name} is not fitted yet; call fit() first",
                             kind="not_fitted", model=self.model_code)
        return tuple(self.params_[name] for name in self.param_names)

    # ------------------------------------------------------------------ fitting
    def _maximise(self, objective: Objective, starts: Sequence[Sequence[float]], scale: float,
                  curvature: np.ndarray | None = None) -> None:
        """Maximise a log-likelihood over log-parameters and store the result.

        Parameters
        ----------
        objective : callable
            ``objective(log_params) -> (neg_log_likelihood, gradient)``, the gradient
            taken with respect to the log-parameters. A log-parameter may be ``-inf``
            (a parameter fixed at 0 by a limit); the objective must then return finite
            values for the other components.
        starts : sequence of parameter vectors
            Starting points on the natural scale, tried in order until one converges.
        scale : float
            Number of observations (customers); the objective is divided by it while
            optimising so that tolerances do not depend on the size of the data set.
        curvature : numpy.ndarray, optional
            The inverse Hessian the search from the first start begins with (see
            :meth:`_search`).
        """
        k = len(self.param_names)
        objective = _Remembered(objective)
        fixed = np.zeros(k, dtype=bool)
        log_params = self._search(objective, [np.log(np.asarray(s, dtype=float)) for s in starts],
                                  fixed, np.zeros(k), scale, curvature)
        edge = np.abs(log_params) >= EDGE
        directions = {self.param_names[i]: ("infinity" if log_params[i] > 0 else "zero")
                      for i in np.flatnonzero(edge)}
        limit = next((lim for lim in self.limits if lim.reached(directions)), None)
        if limit is not None:  # the parameters ran off towards a known limit: fit it exactly
            fit = self._settle(objective, *self._fit_limit(objective, limit, log_params, scale), scale)
            held = self._settle(objective, log_params, fixed, scale)
            if fit.log_likelihood < held.log_likelihood - LIMIT_TOLERANCE:
                fit, limit = held, None  # not that limit after all (e.g. a large too): stay at the edge
        elif edge.any() and not self.accept_edges:
            name = next(iter(directions))
            raise ModelError(f"the data cannot identify the {self.model_name}: parameter {name} runs to "
                             f"{directions[name]}; more customers or a longer history are needed",
                             kind="runs_off", model=self.model_code, param=name, towards=directions[name])
        else:
            fit = self._settle(objective, log_params, fixed, scale)
            ridge = _ridge_to_edge(objective, fit) if self.ridge_to_edge_is_error else None
            if ridge is not None:  # the search stopped on a ridge that rises (or stays level) to the edge
                name, towards = self.param_names[ridge[0]], ridge[1]
                raise ModelError(f"the data cannot identify the {self.model_name}: parameter {name} runs to "
                                 f"{towards}; more customers or a longer history are needed",
                                 kind="runs_off", model=self.model_code, param=name, towards=towards)
            if fit.undetermined is not None:
                # a flat ridge: if it leads to a known limit that fits as well (a likelihood-
                # ratio test with 1 degree of freedom cannot tell them apart at 5%), the
                # limit is the answer
                for candidate in self.limits:
                    trial = self._settle(objective, *self._fit_limit(objective, candidate, log_params, scale),
                                         scale)
                    if trial.log_likelihood >= fit.log_likelihood - LIMIT_TOLERANCE:
                        fit, limit = trial, candidate
                        break
                else:  # or a ridge that runs straight out of the search range
                    trial = self._ride_ridge(objective, fit, scale) if self.accept_edges else None
                    if trial is not None and trial.log_likelihood >= fit.log_likelihood - LIMIT_TOLERANCE:
                        fit = trial
        if fit.undetermined is not None:
            param = fit.undetermined
            raise ModelError(f"the data cannot identify the {self.model_name}: parameter {param} is "
                             "left almost undetermined; more customers or a longer history are needed",
                             kind="undetermined", model=self.model_code, param=param)
        if not fit.converged:
            raise ModelError(f"the {self.model_name} fit did not converge; check the input data",
                             kind="not_converged", model=self.model_code)
        params = np.exp(fit.log_params)
        self.params_ = {name: float(v) for name, v in zip(self.param_names, params)}
        self.log_likelihood_ = fit.log_likelihood
        self.log_covariance_ = fit.covariance
        self.standard_errors_ = {
            name: (float(params[i] * np.sqrt(fit.covariance[i, i])) if not fit.fixed[i] else float("nan"))
            for i, name in enumerate(self.param_names)}
        self.limit_ = None if limit is None else limit.code
        self.at_edge_ = fit.at_edge
        if self.limit_ is None and fit.at_edge:
            self.limit_ = self.edge_limits.get(frozenset(fit.at_edge.items()))

    def _ride_ridge(self, objective: Objective, fit: "_Fit", scale: float) -> "_Fit | None":
        """Follow the flattest direction of the likelihood to the edge of the search range.

        The parameters that move along it (components above 0.3) are moved together, both
        ways, until one reaches the edge; that one is held there and the others are fitted
        again (the better of the two ways is returned). For BG/NBD with a and b both
        growing (a / (a + b) fixed: the same drop-out probability for everyone) this is
        the limit model up to the search range.
        """
        free = np.flatnonzero(~fit.fixed)
        hessian = self._hessian(objective, fit.log_params, objective(fit.log_params)[1], ~fit.fixed)
        direction = np.zeros(len(self.param_names))
        _, vectors = np.linalg.eigh(np.where(np.isfinite(hessian), hessian, 0.0))
        direction[free] = vectors[:, int(np.argmin(np.linalg.eigvalsh(np.where(np.isfinite(hessian), hessian, 0.0))))]
        moving = np.abs(direction) > 0.3
        best = None
        with np.errstate(all="ignore"):
            for sign in (1.0, -1.0):
                step = sign * direction
                room = np.where(moving & (step != 0), (np.sign(step) * (EDGE + 0.5) - fit.log_params) / step, np.inf)
                distance = float(np.min(room[moving])) if np.isfinite(room[moving]).any() else np.inf
                if not np.isfinite(distance) or distance <= 0:
                    continue
                held = fit.log_params + distance * step
                first = np.zeros_like(moving)
                first[int(np.argmin(np.where(moving, room, np.inf)))] = True  # the one that reached the edge
                fixed = fit.fixed | first
                found = self._search(objective, [held], fixed, held, scale)
                trial = self._settle(objective, found, fixed, scale, edge=first)
                if best is None or trial.log_likelihood > best.log_likelihood:
                    best = trial
        return best

    def _fit_limit(self, objective: Objective, limit: Limit, log_params: np.ndarray,
                   scale: float) -> tuple[np.ndarray, np.ndarray]:
        """Fit the limit model: its parameters fixed, the others searched from ``log_params``."""
        fixed = np.zeros(len(self.param_names), dtype=bool)
        held = log_params.copy()
        for name, value in limit.fixed.items():
            i = self.param_names.index(name)
            fixed[i], held[i] = True, (np.log(value) if value > 0 else -np.inf)
        for name in limit.irrelevant:
            i = self.param_names.index(name)
            fixed[i], held[i] = True, 0.0
        start = np.where(fixed, held, np.clip(log_params, -EDGE + 1.0, EDGE - 1.0))
        return self._search(objective, [start], fixed, held, scale), fixed

    def _settle(self, objective: Objective, log_params: np.ndarray, fixed: np.ndarray, scale: float,
                edge: np.ndarray | None = None) -> "_Fit":
        """Standard errors at a maximum; parameters at the edge (or in ``edge``) are held there."""
        k = len(self.param_names)
        at_the_edge = (np.abs(log_params) >= EDGE) & np.isfinite(log_params)
        if edge is not None:
            at_the_edge |= edge
        fixed = fixed | at_the_edge
        at_edge = {self.param_names[i]: ("infinity" if log_params[i] > 0 else "zero")
                   for i in np.flatnonzero(at_the_edge)}
        with np.errstate(all="ignore"):
            value, gradient = objective(log_params)
        free = ~fixed
        converged = bool(np.max(np.abs(gradient[free]), initial=0.0) / scale < 1e-4)
        covariance, undetermined = np.zeros((k, k)), None
        if free.any():
            hessian = self._hessian(objective, log_params, gradient, free)
            sub = _inverse_positive_definite(hessian)
            if sub is None or not np.all(np.sqrt(np.diag(sub)) <= MAX_LOG_STANDARD_ERROR):
                names = [n for n, f in zip(self.param_names, free) if f]
                undetermined = names[_flattest_direction(hessian)]
            else:
                covariance[np.ix_(free, free)] = sub
        return _Fit(log_params, fixed, float(-value), covariance, at_edge, converged, undetermined)

    def _search(self, objective: Objective, starts: Sequence[np.ndarray], fixed: np.ndarray,
                held: np.ndarray, scale: float, curvature: np.ndarray | None = None) -> np.ndarray:
        """Best log-parameters over the free components, trying ``starts`` in turn."""
        return self._find(objective, starts, fixed, held, scale, curvature)[0]

    def _find(self, objective: Objective, starts: Sequence[np.ndarray], fixed: np.ndarray,
              held: np.ndarray, scale: float, curvature: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_search`, and BFGS's inverse Hessian at the point found (in the search's
        coordinates, for the same ``fixed``, ``held`` and ``scale``).

        ``curvature``, such an inverse Hessian from a search of an approximation of the
        same objective (fewer quadrature nodes, a sample of the customers), is where the
        search from the first start begins instead of the identity: from the
        approximation's maximum, a few steps then reach the objective's.
        """
        bound = LOG_PARAM_BOUND
        free = ~fixed
        objective = _Remembered(objective)  # BFGS starts where the finiteness check was made

        def full(y: np.ndarray) -> np.ndarray:
            # log-parameters x = B tanh(y / B): every y is a valid point, x stays in (-B, B)
            x = held.copy()
            x[free] = bound * np.tanh(y / bound)
            return x

        def scaled(y: np.ndarray) -> tuple[float, np.ndarray]:
            x = full(y)
            value, grad = objective(x)
            grad = grad[free]
            if not np.isfinite(value) or not np.all(np.isfinite(grad)):
                return np.inf, np.zeros_like(y)
            return value / scale, grad * (1.0 - (x[free] / bound) ** 2) / scale

        best, best_x = None, None
        curvature = _usable_curvature(curvature, int(free.sum()))
        with np.errstate(all="ignore"):
            for start in starts:
                x0 = np.clip(np.asarray(start, dtype=float)[free], 1.0 - bound, bound - 1.0)
                y0 = bound * np.arctanh(x0 / bound)
                if not np.isfinite(scaled(y0)[0]):
                    curvature = None
                    continue
                # BFGS rather than L-BFGS-B: its few small numpy operations do not wake
                # the BLAS thread pool, which on a busy machine costs more than the fit
                options = {"maxiter": 200, "gtol": 1e-6}
                if curvature is not None:
                    options["hess_inv0"], curvature = curvature, None  # the first start's only
                result = minimize(scaled, y0, jac=True, method="BFGS", options=options)
                if np.isfinite(result.fun) and (best is None or result.fun < best.fun):
                    best, best_x = result, full(result.x)
                if np.isfinite(result.fun) and np.max(np.abs(result.jac), initial=0.0) < 1e-5:
                    break
                if np.isfinite(result.fun) and np.any(np.abs(full(result.x)[free]) >= EDGE):
                    break  # running off to the edge: the edge and limit handling takes over
        if best is None:
            raise ModelError(f"the {self.model_name} fit failed: the likelihood is not finite "
                             "at any starting point; check the input data",
                             kind="not_finite", model=self.model_code)
        return best_x, best.hess_inv

    @staticmethod
    def _hessian(objective: Objective, log_params: np.ndarray, at_optimum: np.ndarray, free: np.ndarray,
                 step: float = 1e-5) -> np.ndarray:
        """Observed information in the free log-parameters, by differences of the gradient.

        Forward differences of the analytic gradient: one extra gradient per free
        parameter, ``at_optimum`` being the gradient at ``log_params``.
        """
        index = np.flatnonzero(free)
        hessian = np.empty((index.size, index.size))
        with np.errstate(all="ignore"):
            for j, i in enumerate(index):  # one gradient call per parameter (k <= 4)
                shifted = log_params.copy()
                shifted[i] += step
                hessian[:, j] = (objective(shifted)[1][index] - at_optimum[index]) / step
        return (hessian + hessian.T) / 2


def _usable_curvature(curvature: np.ndarray | None, free: int) -> np.ndarray | None:
    """``curvature`` made symmetric, if it is a positive definite ``free`` x ``free`` matrix
    (BFGS's own estimate is, up to rounding), else ``None``: start from the identity."""
    if curvature is None:
        return None
    curvature = np.asarray(curvature, dtype=float)
    if curvature.shape != (free, free) or not np.all(np.isfinite(curvature)):
        return None
    curvature = (curvature + curvature.T) / 2
    try:
        np.linalg.cholesky(curvature)
    except np.linalg.LinAlgError:
        return None
    return curvature


class _Remembered:
    """An objective that keeps its last few answers: a fit asks again for points it has
    seen (the start, the maximum found), and the answer is the same."""

    size = 4

    def __new__(cls, objective: Objective):
        if isinstance(objective, _Remembered):
            return objective
        self = super().__new__(cls)
        self.objective, self.answers = objective, {}
        return self

    def __call__(self, log_params: np.ndarray) -> tuple[float, np.ndarray]:
        key = np.asarray(log_params, dtype=float).tobytes()
        if key not in self.answers:
            if len(self.answers) >= self.size:
                del self.answers[next(iter(self.answers))]  # the oldest
            self.answers[key] = self.objective(log_params)
        value, gradient = self.answers[key]
        return value, gradient.copy()


@dataclass(frozen=True)
class _Fit:
    """A maximum of the likelihood and what is known about it."""

    log_params: np.ndarray
    fixed: np.ndarray  # held by a limit or at the edge: no standard error
    log_likelihood: float
    covariance: np.ndarray  # of the log-parameters, 0 for fixed ones
    at_edge: dict
    converged: bool
    undetermined: str | None  # the parameter along the flattest direction, if any


def _inverse_positive_definite(matrix: np.ndarray) -> np.ndarray | None:
    """Inverse of a small symmetric matrix, ``None`` if it is not positive definite.

    Cholesky by hand: for the 2-4 parameters of these models it is faster than a LAPACK
    call, whose thread start-up dominates at this size.
    """
    k = matrix.shape[0]
    if not np.all(np.isfinite(matrix)):
        return None
    lower = np.zeros((k, k))
    for j in range(k):
        pivot = matrix[j, j] - np.sum(lower[j, :j] ** 2)
        if not pivot > 0:
            return None
        lower[j, j] = np.sqrt(pivot)
        for i in range(j + 1, k):
            lower[i, j] = (matrix[i, j] - np.sum(lower[i, :j] * lower[j, :j])) / lower[j, j]
    inverse = np.zeros((k, k))  # inverse of the lower factor, by forward substitution
    for i in range(k):
        inverse[i, i] = 1.0 / lower[i, i]
        for j in range(i):
            inverse[i, j] = -np.sum(lower[i, j:i] * inverse[j:i, j]) / lower[i, i]
    return np.sum(inverse[:, :, None] * inverse[:, None, :], axis=0)  # L^-T L^-1


def _ridge_to_edge(objective: Objective, fit: "_Fit") -> tuple[int, str] | None:
    """Where the likelihood is as high at the edge of the search range, along the flattest
    direction at ``fit``, as at ``fit`` (within :data:`RIDGE_TOLERANCE`): the index of the
    parameter that reaches the edge first and its direction; else ``None``.

    The search stops where the gradient is small, and on a ridge that keeps rising towards
    the edge (the maximum lies at infinity, e.g. a shifted-beta-geometric cohort whose
    churn rates do not fall) where it stops depends on the rounding of the machine's
    arithmetic: a point somewhere along the ridge, with finite standard errors. Looking
    along the ridge to the edge makes the answer the same everywhere. An interior maximum
    is lower at the edge, by far for a well-determined fit.
    """
    free = ~fit.fixed
    if not free.any():
        return None
    x = fit.log_params
    with np.errstate(all="ignore"):
        _, gradient = objective(x)
        hessian = CustomerModel._hessian(objective, x, gradient, free)
        finite = np.where(np.isfinite(hessian), hessian, 0.0)
        values, vectors = np.linalg.eigh(finite)
    direction = np.zeros_like(x)
    direction[free] = vectors[:, int(np.argmin(values))]
    for sign in (1.0, -1.0):
        step = sign * direction
        moving = np.abs(step) > 1e-12
        if not moving.any():
            continue
        # the first parameter to reach +-EDGE along x + t * step, t > 0
        reach = np.where(moving, (np.sign(step) * EDGE - x) / np.where(moving, step, 1.0), np.inf)
        reach = np.where(reach > 0, reach, np.inf)
        if not np.isfinite(reach).any():
            continue
        first = int(np.argmin(reach))
        with np.errstate(all="ignore"):
            value, _ = objective(x + reach[first] * step)
        if np.isfinite(value) and -value >= fit.log_likelihood - RIDGE_TOLERANCE:
            return first, ("infinity" if step[first] > 0 else "zero")
    return None


def _flattest_direction(hessian: np.ndarray) -> int:
    """Index of the parameter that moves most along the flattest direction of the likelihood.

    The eigenvector of the smallest eigenvalue of the Hessian is the direction in which
    the log-likelihood changes least; the parameter with the largest component in it is
    the one the data leave undetermined. Non-finite entries count as flat.
    """
    finite = np.where(np.isfinite(hessian), hessian, 0.0)
    values, vectors = np.linalg.eigh(finite)
    return int(np.argmax(np.abs(vectors[:, int(np.argmin(values))])))
