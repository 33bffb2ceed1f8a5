"""Money sums that do not depend on the order of the rows: each amount rounded to 9
decimals and added exactly, as the SQL engines add ``DECIMAL(38, 9)``, then made a float
once.

A sum of floats changes in its last bits with the order of its terms, so a customer's
revenue of 219.79 could be 219.79000000000002 from one engine and 219.79 from another,
and two customers whose revenue is the same could differ: a score, a segment or a
threshold at such a value would then fall differently. Summed exactly, equal amounts give
equal sums, and every engine gives the same float (the SQL engines'
:data:`~retention_xl.engines.definitions.MONEY` sums cast to DOUBLE; checked against
DuckDB in the tests). Sums beyond about 9 billion are correctly rounded instead, which
may differ from DuckDB's conversion in the last bit.

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

import numpy as np

__all__ = ["money_sums", "money_sum"]

_NANO = 1_000_000_000
_EXACT = 2.0 ** 53  # float sums of whole numbers are exact below this
_FITS = 9 * 10 ** 9  # units whose nanos still fit in int64


def _parts(amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each amount as whole units and billionths (0 to 10^9), both as floats holding integers."""
    units = np.floor(amounts)
    return units, np.rint((amounts - units) * _NANO)


def _grouped(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Exact per-key sums of integer-valued floats, as int64."""
    if float(np.abs(values).sum()) < _EXACT:  # no partial sum can lose a unit
        return np.bincount(keys, weights=values, minlength=n).astype(np.int64)
    out = np.zeros(n, dtype=np.int64)
    np.add.at(out, keys, values.astype(np.int64))
    return out


def money_sums(keys: np.ndarray, amounts: np.ndarray, n: int) -> np.ndarray:
    """Sum of ``amounts`` per key (integer codes in ``0..n-1``), exactly, as floats.

    Missing amounts (NaN) count as 0; an infinite amount makes its key's sum NaN.
    """
    amounts = np.asarray(amounts, dtype=float)
    keys = np.asarray(keys, dtype=np.int64)
    bad = ~np.isfinite(amounts)
    if bad.any():
        spoiled = np.bincount(keys[bad & ~np.isnan(amounts)], minlength=n) > 0
        amounts = np.where(bad, 0.0, amounts)
    else:
        spoiled = None
    units, nanos = _parts(amounts)
    whole, parts = _grouped(keys, units, n), _grouped(keys, nanos, n)
    carry, parts = np.divmod(parts, _NANO)
    whole = whole + carry
    fits = np.abs(whole) < _FITS
    out = np.empty(n, dtype=float)
    out[fits] = (whole[fits] * _NANO + parts[fits]).astype(float) / _NANO
    for i in np.flatnonzero(~fits):  # beyond int64 in billionths: Python integers
        out[i] = (int(whole[i]) * _NANO + int(parts[i])) / _NANO
    if spoiled is not None:
        out[spoiled] = np.nan
    return out


def money_sum(amounts: np.ndarray) -> float:
    """The exact sum of ``amounts`` as one float (see :func:`money_sums`)."""
    amounts = np.asarray(amounts, dtype=float).ravel()
    return float(money_sums(np.zeros(amounts.size, dtype=np.int64), amounts, 1)[0])
