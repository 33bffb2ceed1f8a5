"""Shared fitting machinery for the probabilistic customer models.

Every model here is fitted by maximum likelihood with a closed-form log-likelihood.
The optimiser (scipy's BFGS) works on the logarithms of the parameters, squeezed into
(-18, 18) by a tanh, so every step it takes is a valid model; it is handed the analytic
gradient, so a fit on a few thousand customers takes milliseconds. Several starting
points are tried in turn if the first does not converge.

A fit either gives parameters the data really pins down, or raises
:class:`~retention_xl.errors.ModelError` with a one-line reason: when a parameter runs off
to zero or infinity, or its standard error (from the observed information) is so large
that the estimate says nothing, the data cannot identify the model (for example, nobody
ever bought twice, or a cohort of ten customers).

Example
-------
>>> import numpy as np
>>> from retention_xl.analysis.models import ShiftedBetaGeo
>>> model = ShiftedBetaGeo().fit([1000, 869, 743, 653, 593, 551, 517, 491])
>>> sorted(model.params_)
['alpha', 'beta']
>>> model.log_likelihood_ < 0
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

import numpy as np
from scipy.optimize import minimize

from retention_xl.errors import InvalidValue, ModelError, OutOfRange

__all__ = ["CustomerModel", "EDGE", "LOG_PARAM_BOUND", "MAX_LOG_STANDARD_ERROR", "as_float_array"]

#: Parameters are searched in exp((-LOG_PARAM_BOUND, LOG_PARAM_BOUND)) ~ (1.5e-8, 6.6e7).
LOG_PARAM_BOUND = 18.0

#: A log-parameter beyond +-EDGE (a parameter above 9e6 or below 1e-7) has run off.
EDGE = 16.0

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
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidValue(f"{name} must contain numbers only; remove text and blanks") from None
    if not np.all(np.isfinite(array)):
        raise InvalidValue(f"{name} contains missing or infinite values; remove those customers")
    if minimum is not None and array.size and array.min() < minimum:
        raise OutOfRange(f"{name} must be >= {minimum:g}, got {array.min():g}")
    return array


class CustomerModel:
    """Base class: holds ``params_`` and ``log_likelihood_`` and runs the optimiser.

    Subclasses set ``param_names`` and call :meth:`_maximise` from their ``fit``.

    Attributes
    ----------
    params_ : dict[str, float] or None
        Fitted parameters by name, ``None`` before :meth:`fit`.
    log_likelihood_ : float or None
        Log-likelihood of the data at ``params_``.
    """

    param_names: ClassVar[tuple[str, ...]] = ()
    model_name: ClassVar[str] = "model"

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None

    def __repr__(self) -> str:
        if self.params_ is None:
            return f"{type(self).__name__}(not fitted)"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({shown})"

    def _params(self) -> tuple[float, ...]:
        """Fitted parameters in ``param_names`` order; error if not fitted yet."""
        if self.params_ is None:
            raise ModelError(f"the {self.model_name} is not fitted yet; call fit() first")
        return tuple(self.params_[name] for name in self.param_names)

    def _maximise(self, objective: Objective, starts: Sequence[Sequence[float]], scale: float) -> None:
        """Maximise a log-likelihood over log-parameters and store the result.

        Parameters
        ----------
        objective : callable
            ``objective(log_params) -> (neg_log_likelihood, gradient)``, the gradient
            taken with respect to the log-parameters.
        starts : sequence of parameter vectors
            Starting points on the natural scale, tried in order until one converges.
        scale : float
            Number of observations; the objective is divided by it while optimising
            so that tolerances do not depend on the size of the data set.
        """
        bound = LOG_PARAM_BOUND

        def squeezed(y: np.ndarray) -> np.ndarray:
            # log-parameters x = B tanh(y / B): every y is a valid point, x stays in (-B, B)
            return bound * np.tanh(y / bound)

        def scaled(y: np.ndarray) -> tuple[float, np.ndarray]:
            x = squeezed(y)
            value, grad = objective(x)
            if not np.isfinite(value) or not np.all(np.isfinite(grad)):
                return np.inf, np.zeros_like(y)
            return value / scale, grad * (1.0 - (x / bound) ** 2) / scale

        best, best_x = None, None
        for start in starts:
            x0 = np.clip(np.log(np.asarray(start, dtype=float)), 1.0 - bound, bound - 1.0)
            y0 = bound * np.arctanh(x0 / bound)
            with np.errstate(all="ignore"):
                if not np.isfinite(scaled(y0)[0]):
                    continue
                # BFGS rather than L-BFGS-B: its few small numpy operations do not wake
                # the BLAS thread pool, which on a busy machine costs more than the fit
                result = minimize(scaled, y0, jac=True, method="BFGS",
                                  options={"maxiter": 2000, "gtol": 1e-6})
            gradient = np.max(np.abs(result.jac))
            if np.isfinite(result.fun) and (best is None or result.fun < best.fun):
                best, best_x = result, squeezed(result.x)
            if np.isfinite(result.fun) and gradient < 1e-5:
                break
        if best is None:
            raise ModelError(f"the {self.model_name} fit failed: the likelihood is not finite "
                             "at any starting point; check the input data")
        at_edge = np.abs(best_x) >= EDGE
        if at_edge.any():
            name = self.param_names[int(np.argmax(at_edge))]
            towards = "infinity" if best_x[int(np.argmax(at_edge))] > 0 else "zero"
            raise ModelError(f"the data cannot identify the {self.model_name}: parameter "
                             f"{name} runs to {towards}; more customers or a longer history are needed")
        with np.errstate(all="ignore"):
            at_optimum = objective(best_x)[1]
        if not np.max(np.abs(at_optimum)) / scale < 1e-4:
            raise ModelError(f"the {self.model_name} fit did not converge ({best.message}); "
                             "check the input data")
        spread = self._log_scale_errors(objective, best_x, at_optimum)
        if not np.all(spread <= MAX_LOG_STANDARD_ERROR):
            name = self.param_names[int(np.argmax(np.nan_to_num(spread, nan=np.inf)))]
            raise ModelError(f"the data cannot identify the {self.model_name}: parameter {name} is "
                             "left almost undetermined; more customers or a longer history are needed")
        self.params_ = {name: float(v) for name, v in zip(self.param_names, np.exp(best_x))}
        self.log_likelihood_ = float(-best.fun * scale)

    @staticmethod
    def _log_scale_errors(objective: Objective, log_params: np.ndarray, at_optimum: np.ndarray,
                          step: float = 1e-5) -> np.ndarray:
        """Standard errors of the log-parameters from the observed information matrix.

        The Hessian is taken by forward differences of the analytic gradient (one extra
        gradient per parameter, ``at_optimum`` being the gradient at ``log_params``); a
        Hessian that is not positive definite (a flat ridge in the likelihood) gives ``inf``.
        """
        k = log_params.size
        hessian = np.empty((k, k))
        for i in range(k):  # one gradient call per parameter (k <= 4)
            shift = np.zeros(k)
            shift[i] = step
            hessian[:, i] = (objective(log_params + shift)[1] - at_optimum) / step
        hessian = (hessian + hessian.T) / 2
        return _inverse_diagonal_sqrt(hessian)


def _inverse_diagonal_sqrt(matrix: np.ndarray) -> np.ndarray:
    """sqrt(diag(matrix^-1)) of a small symmetric matrix, ``inf`` if not positive definite.

    Cholesky by hand: for the 2-4 parameters of these models it is faster than a LAPACK
    call, whose thread start-up dominates at this size.
    """
    k = matrix.shape[0]
    lower = np.zeros((k, k))
    for j in range(k):
        pivot = matrix[j, j] - lower[j, :j] @ lower[j, :j]
        if not pivot > 0:
            return np.full(k, np.inf)
        lower[j, j] = np.sqrt(pivot)
        for i in range(j + 1, k):
            lower[i, j] = (matrix[i, j] - lower[i, :j] @ lower[j, :j]) / lower[j, j]
    inverse = np.zeros((k, k))  # inverse of the lower factor, by forward substitution
    for i in range(k):
        inverse[i, i] = 1.0 / lower[i, i]
        for j in range(i):
            inverse[i, j] = -(lower[i, j:i] @ inverse[j:i, j]) / lower[i, i]
    return np.sqrt(np.sum(inverse ** 2, axis=0))  # diag(L^-T L^-1)
