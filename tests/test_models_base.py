"""Shared model machinery: input checking and the refusal of unidentified fits."""

from __future__ import annotations

import numpy as np
import pytest

from retention_xl.analysis.models import BetaGeo, ShiftedBetaGeo
from retention_xl.analysis.models.base import as_float_array
from retention_xl.errors import InvalidValue, ModelError, OutOfRange


def test_as_float_array():
    assert as_float_array("x", [1, 2.5]).tolist() == [1.0, 2.5]
    assert as_float_array("x", -3, minimum=None).tolist() == -3.0
    with pytest.raises(InvalidValue, match="x must contain numbers"):
        as_float_array("x", ["a", 1])
    with pytest.raises(InvalidValue, match="missing"):
        as_float_array("x", [1.0, np.nan])
    with pytest.raises(OutOfRange, match="x must be >= 0"):
        as_float_array("x", [1.0, -0.5])


def test_error_codes_are_spreadsheet_errors():
    with pytest.raises(ModelError) as caught:
        BetaGeo().fit([0, 0], [0, 0], [5, 5])
    assert caught.value.code == "#NUM!"
    assert "\n" not in str(caught.value)


def test_parameter_running_to_infinity_is_refused():
    # every customer bought exactly as often as a Poisson process would and nobody left:
    # the drop-out probability is driven to zero, which the data cannot pin down
    with pytest.raises(ModelError, match="cannot identify"):
        BetaGeo().fit([5, 5, 5, 5], [40.0, 40.0, 40.0, 40.0], [40.0, 40.0, 40.0, 40.0])


def test_repr_shows_fit_state():
    model = ShiftedBetaGeo()
    assert repr(model) == "ShiftedBetaGeo(not fitted)"
    model.fit([1000, 869, 743, 653, 593, 551, 517, 491])
    assert repr(model) == "ShiftedBetaGeo(alpha=0.6681, beta=3.806)"


def test_standard_errors_from_a_small_hessian():
    from retention_xl.analysis.models.base import _inverse_diagonal_sqrt

    rng = np.random.default_rng(3)
    for k in (2, 3, 4):
        factor = rng.normal(size=(k, k))
        matrix = factor @ factor.T + 0.1 * np.eye(k)
        assert _inverse_diagonal_sqrt(matrix) == pytest.approx(np.sqrt(np.diag(np.linalg.inv(matrix))))
    assert np.all(np.isinf(_inverse_diagonal_sqrt(np.array([[1.0, 2.0], [2.0, 1.0]]))))
