"""Checks of the options the analysis takes: a whole number in a range, a number above 0.

Each raises the project's error naming the option, in its text and as its ``option`` (``InvalidValue`` for what is not a
number, ``OutOfRange`` for a number outside its range), so every door shows the same
message for the same mistake.

Examples
--------
>>> whole("weeks", 12.0, 1, 520), positive("unit_days", "7")
(12, 7.0)
>>> whole("weeks", 0, 1, 520)
Traceback (most recent call last):
...
retention_xl.errors.OutOfRange: weeks must be from 1 to 520, got 0
"""

from __future__ import annotations

import math

import numpy as np

from retention_xl.errors import InvalidValue, OutOfRange

__all__ = ["whole", "positive", "shown_whole"]


def whole(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int, when it is a whole number from ``low`` to ``high``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not float(value).is_integer():
        raise InvalidValue(f"{name} must be a whole number, got {value!r}", option=name)
    if not low <= value <= high:
        raise OutOfRange(f"{name} must be from {low:,} to {high:,}, got {shown_whole(value)}", option=name)
    return int(value)


def shown_whole(value: int | float) -> str:
    """A whole number as typed, with thousands separators: an int exactly (as a float,
    99,999,999,999,999,999,999 was shown as 100,000,000,000,000,000,000), a float past the
    digits it holds in exponent form.

    >>> shown_whole(99999999999999999999), shown_whole(-5.0), shown_whole(1e30)
    ('99,999,999,999,999,999,999', '-5', '1e+30')
    """
    if isinstance(value, (int, np.integer)):
        return f"{value:,}"
    return f"{value:,.0f}" if abs(value) < 1e15 else f"{value:g}"


def positive(name: str, value: object) -> float:
    """``value`` as a float, when it is a finite number above 0."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InvalidValue(f"{name} must be a number, got {value!r}", option=name) from None
    if not math.isfinite(value) or value <= 0:
        raise OutOfRange(f"{name} must be a number > 0, got {value:g}", option=name)
    return value
