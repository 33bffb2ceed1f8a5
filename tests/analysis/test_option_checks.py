"""The option checks every door shares: whole numbers in a range, numbers above 0."""

import math

import numpy as np
import pytest

from retention_xl.analysis.option_checks import positive, whole
from retention_xl.errors import InvalidValue, OutOfRange


@pytest.mark.parametrize("value", [3, 3.0, np.int64(3), np.float64(3.0)])
def test_a_whole_number_in_range_is_taken(value):
    assert whole("weeks", value, 1, 520) == 3 and type(whole("weeks", value, 1, 520)) is int


@pytest.mark.parametrize(("value", "error", "match"), [
    (True, InvalidValue, "weeks must be a whole number, got True"),
    (np.bool_(True), InvalidValue, "whole number"),
    (2.5, InvalidValue, "got 2.5"),
    ("12", InvalidValue, "got '12'"),
    (math.nan, InvalidValue, "whole number"),
    (0, OutOfRange, "weeks must be from 1 to 520, got 0"),
    (100_000, OutOfRange, "from 1 to 520, got 100,000"),
])
def test_anything_else_is_refused_by_name(value, error, match):
    with pytest.raises(error, match=match):
        whole("weeks", value, 1, 520)


@pytest.mark.parametrize(("value", "expected"), [(7, 7.0), ("30.4375", 30.4375), (np.float32(0.5), 0.5)])
def test_a_positive_number(value, expected):
    assert positive("unit_days", value) == expected


@pytest.mark.parametrize(("value", "error"), [
    ("a week", InvalidValue), (None, InvalidValue), (0, OutOfRange), (-1.0, OutOfRange),
    (math.inf, OutOfRange), (math.nan, OutOfRange)])
def test_not_a_positive_number(value, error):
    with pytest.raises(error, match="unit_days must be a number"):
        positive("unit_days", value)
