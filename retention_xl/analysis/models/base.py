"""Shared fitting machinery for the probabilistic customer models.

Every model here is fitted by maximum likelihood with a closed-form log-likelihood.
The optimiser works on the logarithm of the parameters, so every parameter stays
positive without constraints, and it is handed the analytic gradient, so a fit on a
few thousand customers takes milliseconds.

A fit either gives parameters the data really pins down, or raises
:class:`~retention_xl.errors.ModelError` with a one-line reason: a parameter that runs
off to zero or infinity means the data cannot identify the model (for example, nobody
ever bought twice), and a result that is never shown to the user.

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

__all__ = ["CustomerModel", "LOG_PARAM_BOUND", "MAX_LOG_STANDARD_ERROR", "as_float_array"]

#: Parameters are searched in exp([-LOG_PARAM_BOUND, LOG_PARAM_BOUND]) ~ [1e-8, 1e8].
#: An estimate on that edge means the data cannot identify the parameter.
LOG_PARAM_BOUND = 18.0

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
        best = None
        bounds = [(-LOG_PARAM_BOUND, LOG_PARAM_BOUND)] * len(self.param_names)

        def scaled(x: np.ndarray) -> tuple[float, np.ndarray]:
            value, grad = objective(x)
            if not np.isfinite(value):
                return np.inf, np.zeros_like(x)
            return value / scale, grad / scale

        for start in starts:
            x0 = np.clip(np.log(np.asarray(start, dtype=float)), *bounds[0])
            if not np.isfinite(scaled(x0)[0]):
                continue
            with np.errstate(all="ignore"):
                result = minimize(scaled, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                                  options={"maxiter": 1000, "ftol": 1e-13, "gtol": 1e-7})
            if np.isfinite(result.fun) and (best is None or result.fun < best.fun):
                best = result
            if result.success and np.isfinite(result.fun):
                break
        if best is None or not np.isfinite(best.fun):
            raise ModelError(f"the {self.model_name} fit failed: the likelihood is not finite "
                             "at any starting point; check the input data")
        at_edge = np.abs(best.x) >= LOG_PARAM_BOUND - 1e-3
        if at_edge.any():
            name = self.param_names[int(np.argmax(at_edge))]
            towards = "infinity" if best.x[int(np.argmax(at_edge))] > 0 else "zero"
            raise ModelError(f"the data cannot identify the {self.model_name}: parameter "
                             f"{name} runs to {towards}; more customers or a longer history are needed")
        if not best.success and np.max(np.abs(scaled(best.x)[1])) > 1e-4:
            raise ModelError(f"the {self.model_name} fit did not converge ({best.message}); "
                             "check the input data")
        spread = self._log_scale_errors(objective, best.x)
        if not np.all(spread <= MAX_LOG_STANDARD_ERROR):
            name = self.param_names[int(np.argmax(np.nan_to_num(spread, nan=np.inf)))]
            raise ModelError(f"the data cannot identify the {self.model_name}: parameter {name} "
                             "is left almost undetermined; more customers or a longer history are needed")
        self.params_ = {name: float(v) for name, v in zip(self.param_names, np.exp(best.x))}
        self.log_likelihood_ = float(-best.fun * scale)

    @staticmethod
    def _log_scale_errors(objective: Objective, log_params: np.ndarray, step: float = 1e-5) -> np.ndarray:
        """Standard errors of the log-parameters from the observed information matrix.

        The Hessian is taken by central differences of the analytic gradient; a Hessian
        that is not positive definite (a flat ridge in the likelihood) gives ``inf``.
        """
        k = log_params.size
        hessian = np.empty((k, k))
        for i in range(k):  # one pair of gradient calls per parameter (k <= 4)
            shift = np.zeros(k)
            shift[i] = step
            hessian[:, i] = (objective(log_params + shift)[1] - objective(log_params - shift)[1]) / (2 * step)
        hessian = (hessian + hessian.T) / 2
        try:
            np.linalg.cholesky(hessian)
            variance = np.diag(np.linalg.inv(hessian))
        except np.linalg.LinAlgError:
            return np.full(k, np.inf)
        return np.sqrt(np.where(variance > 0, variance, np.inf))
