"""Money sums that do not depend on the order of the rows: each amount rounded to 9
decimals and added exactly, as the SQL engines add ``DECIMAL(38, 9)``, then made a float
once. Each amount is rounded as DuckDB casts a DOUBLE to that DECIMAL (times 10^9 in
floating point, rounded half away from zero), and the exact total is made the nearest
float, as DuckDB makes a DECIMAL a DOUBLE.

A sum of floats changes in its last bits with the order of its terms, so a customer's
revenue of 219.79 could be 219.79000000000002 from one engine and 219.79 from another,
and two customers whose revenue is the same could differ: a score, a segment or a
threshold at such a value would then fall differently. Summed exactly, equal amounts give
equal sums, and every engine gives the same float (the SQL engines'
:data:`~retention_xl.engines.definitions.MONEY` sums cast to DOUBLE; checked against
DuckDB in the tests).

Examples
--------
>>> import numpy as np
>>> a = np.array([219.79, 0.1, 0.2])
>>> float(np.sum(a)), money_sum(a)
(220.08999999999997, 220.09)
>>> money_sums(np.array([0, 1, 0, 1]), np.array([0.1, 0.2, 219.79, -0.3]), 2).tolist()
[219.89, -0.1]
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

__all__ = ["MAX_AMOUNT", "money_sum", "money_sums"]

#: an amount this large or larger (either sign) is no order's amount (a quintillion, in any
#: currency): the cleaning skips its row, so that no engine meets it (the SQL engines'
#: ``DECIMAL(38, 9)`` holds amounts below 10^29, and sums of up to 10^11 such orders)
MAX_AMOUNT = 1e18
_NANO = 1_000_000_000
_EXACT = 2.0 ** 53  # float sums of whole numbers are exact below this
_SPLIT = 2.0 ** 32  # billionths are added as two whole parts: above and below 2^32
_FITS = 2 ** 30  # high parts whose total still fits in int64 with the low part
#: a key whose amounts add up (in absolute value) to this or more is summed with Python's
#: integers: its billionths would not fit the exact int64 parts
FLOAT_FROM = 1e18


def _billionths(amounts: np.ndarray) -> np.ndarray:
    """Each amount in billionths, as DuckDB casts a DOUBLE to DECIMAL(38, 9): times 10^9 in
    floating point, rounded half away from zero (whole numbers held as floats)."""
    scaled = amounts * _NANO
    whole = np.trunc(scaled)
    return whole + np.sign(scaled) * (np.abs(scaled - whole) >= 0.5)


def _grouped(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Exact per-key sums of integer-valued floats, as int64."""
    if float(np.abs(values).sum()) < _EXACT:  # no partial sum can lose a unit
        return np.bincount(keys, weights=values, minlength=n).astype(np.int64)
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, keys, values.astype(np.int64))
    return out


def _exact_sums(keys: np.ndarray, amounts: np.ndarray, huge: np.ndarray) -> np.ndarray:
    """The sums of the ``huge`` keys (a few) with Python's integers: each amount in
    billionths as DuckDB casts it, the total made the nearest float (past the largest float:
    infinite, with its sign)."""
    rows = np.flatnonzero(huge[keys])
    rows = rows[np.argsort(keys[rows], kind="stable")]
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = _billionths(amounts[rows])
    totals = dict.fromkeys(np.flatnonzero(huge).tolist(), 0)
    for key, b, a in zip(keys[rows].tolist(), scaled.tolist(), amounts[rows].tolist()):
        # past about 1.8e299 the amount times 10^9 is no float: its exact value instead
        totals[key] += int(b) if math.isfinite(b) else int(Fraction(a) * _NANO)
    out = np.empty(len(totals))
    for i, total in enumerate(totals.values()):
        try:
            out[i] = total / _NANO  # Python's integer division is correctly rounded
        except OverflowError:
            out[i] = math.inf if total > 0 else -math.inf
    return out


def money_sums(keys: np.ndarray, amounts: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``amounts`` per key (integer codes in ``0..n-1``), exactly, as floats.

    Missing amounts (NaN) count as 0; an infinite amount makes its key's sum NaN. A key
    whose amounts add up to :data:`FLOAT_FROM` or more in absolute value (no shop's
    revenue) is summed exactly too, with Python's integers; a total past the largest float
    is infinite.
    """
    amounts = np.asarray(amounts, dtype=float)
    keys = np.asarray(keys, dtype=np.int64)
    bad = ~np.isfinite(amounts)
    if bad.any():
        spoiled = np.bincount(keys[bad & ~np.isnan(amounts)], minlength=n) > 0
        amounts = np.where(bad, 0.0, amounts)
    else:
        spoiled = None
    huge = None
    if float(np.abs(amounts).max(initial=0.0)) * len(amounts) >= FLOAT_FROM:  # rare: look per key
        with np.errstate(over="ignore"):
            huge = np.bincount(keys, weights=np.abs(amounts), minlength=n) >= FLOAT_FROM
        if huge.any():
            exact = _exact_sums(keys, amounts, huge)
            amounts = np.where(huge[keys], 0.0, amounts)
        else:
            huge = None
    scaled = _billionths(amounts)
    high = np.floor(scaled / _SPLIT)  # both parts exact: a power of two apart
    low = scaled - high * _SPLIT
    high, low = _grouped(keys, high, n), _grouped(keys, low, n)
    carry, low = np.divmod(low, int(_SPLIT))
    high = high + carry
    # the exact total over 10^9, correctly rounded (as DuckDB makes a DECIMAL a DOUBLE): one
    # float division when the total is a whole float, Python's integer division past that
    total = np.where(np.abs(high) < _FITS, high, 0) * int(_SPLIT) + low
    small = (np.abs(high) < _FITS) & (np.abs(total) < 2 ** 53)
    out = np.empty(n, dtype=float)
    out[small] = total[small].astype(float) / _NANO
    for i in np.flatnonzero(~small):  # past about 9 million: a few totals, not rows
        out[i] = (int(high[i]) * int(_SPLIT) + int(low[i])) / _NANO
    if huge is not None:
        out[huge] = exact
    if spoiled is not None:
        out[spoiled] = np.nan
    return out


def money_sum(amounts: np.ndarray) -> float:
    """The exact sum of ``amounts`` as one float (see :func:`money_sums`)."""
    amounts = np.asarray(amounts, dtype=float).ravel()
    return float(money_sums(np.zeros(amounts.size, dtype=np.int64), amounts, 1)[0])
