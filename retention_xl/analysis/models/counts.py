"""Customers as the purchase models see them: (frequency, recency, T), checked and compressed.

The purchase models (BG/NBD, MBG/NBD, Pareto/NBD) depend on a customer only through

* ``frequency`` x -- repeat purchases (purchases after the first),
* ``recency`` t_x -- age at the last purchase (0 if she never bought again),
* ``T`` -- age at the end of the observation period,

so customers with the same triple are interchangeable: a table of distinct triples with a
count (weight) of customers each gives the same fit as the full table, much faster when
times are whole days. :func:`compress_customers` makes that table; every model's ``fit``
takes it through its ``weights`` argument (the compressed counts of ten million customers
fit in the time of a few hundred thousand rows).

Example
-------
>>> c = compress_customers([0, 0, 2, 2, 0], [0, 0, 5, 5, 0], [10, 10, 9, 9, 3])
>>> c.frequency.tolist(), c.recency.tolist(), c.T.tolist(), c.weights.tolist()
([0.0, 2.0, 0.0], [0.0, 5.0, 0.0], [10.0, 9.0, 3.0], [2.0, 2.0, 1.0])
>>> c.n_customers
5.0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.models.base import as_float_array
from retention_xl.errors import InvalidValue, OutOfRange

__all__ = ["CustomerCounts", "compress_customers", "customer_arrays", "distinct_cases"]


def customer_arrays(frequency, recency, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check and broadcast the (frequency, recency, T) summary of customers.

    Raises
    ------
    InvalidValue
        Non-numeric, missing values or arrays of different lengths.
    OutOfRange
        Negative or fractional frequency, negative recency, recency greater than T, a
        repeat buyer (frequency > 0) whose recency is 0, or a customer without repeat
        purchases whose recency is not 0 (her last purchase is her first).

    Examples
    --------
    >>> customer_arrays(0, 3.0, 10.0)
    Traceback (most recent call last):
    ...
    retention_xl.errors.OutOfRange: recency must be 0 for a customer with frequency 0 (her last purchase is her first), got 3
    """
    x = as_float_array("frequency", frequency)
    t_x = as_float_array("recency", recency)
    age = as_float_array("T", T)
    try:
        x, t_x, age = np.broadcast_arrays(x, t_x, age)
    except ValueError:
        raise InvalidValue("frequency, recency and T must have the same length") from None
    if np.any(x != np.floor(x)):
        raise OutOfRange("frequency counts repeat purchases and must be a whole number")
    if np.any(t_x > age):
        raise OutOfRange("recency (age at last purchase) cannot exceed T (age of the customer)")
    if np.any((x > 0) & (t_x <= 0)):
        raise OutOfRange("a customer with repeat purchases (frequency > 0) needs recency > 0")
    once = (x == 0) & (t_x != 0)
    if np.any(once):
        raise OutOfRange("recency must be 0 for a customer with frequency 0 (her last purchase is "
                         f"her first), got {t_x[once].flat[0]:g}")
    return x, t_x, age


@dataclass(frozen=True)
class CustomerCounts:
    """Distinct (frequency, recency, T) triples and how many customers share each.

    Attributes
    ----------
    frequency, recency, T : numpy.ndarray
        One entry per distinct triple (1-d, same length).
    weights : numpy.ndarray
        Customers with that triple (> 0; need not be whole numbers).
    """

    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    weights: np.ndarray

    @property
    def n_customers(self) -> float:
        """Customers represented (the sum of the weights)."""
        return float(self.weights.sum())

    def sample(self, size: int, seed: int = 0) -> CustomerCounts:
        """At most ``size`` of the triples, drawn at random (the same ones for the same
        ``seed``) and weighted up so that they stand for all the customers; ``self`` if it
        has no more than ``size``.

        Customers who bought again (frequency > 0) and those who did not are drawn
        separately, each in proportion to its triples but never fewer than a tenth of
        ``size`` (or all of them): each group keeps its exact number of customers, so a
        sample never loses the repeat buyers the models learn from. Sums over the sample
        estimate the sums over all the triples: what a first, approximate search of a
        likelihood needs.

        >>> c = compress_customers([0] * 10, [0] * 10, range(1, 11))
        >>> s = c.sample(4)
        >>> s.frequency.size, s.n_customers, c.sample(20) is c
        (4, 10.0, True)
        """
        n = self.weights.size
        if n <= size:
            return self
        rng = np.random.default_rng(seed)
        groups = [np.flatnonzero(self.frequency == 0), np.flatnonzero(self.frequency > 0)]
        floor = [min(g.size, size // 10) for g in groups]
        buyers = min(groups[1].size, max(floor[1], round(size * groups[1].size / n)), size - floor[0])
        share = [min(groups[0].size, size - buyers), buyers]
        picks, weights = [], []
        for group, k in zip(groups, share):
            if k == 0:
                continue
            pick = rng.choice(group, k, replace=False)
            picks.append(pick)
            weights.append(self.weights[pick] * (self.weights[group].sum() / self.weights[pick].sum()))
        order = np.argsort(np.concatenate(picks), kind="stable")
        pick, w = np.concatenate(picks)[order], np.concatenate(weights)[order]
        return CustomerCounts(self.frequency[pick], self.recency[pick], self.T[pick], w)


def compress_customers(frequency, recency, T, weights=None) -> CustomerCounts:
    """Group identical (frequency, recency, T) triples, adding up their weights.

    Parameters
    ----------
    frequency, recency, T : array-like
        One entry per customer (or per group of customers, with ``weights``).
    weights : array-like, optional
        Customers per entry (default 1 each); entries with weight 0 are dropped.

    Returns
    -------
    CustomerCounts
        Triples in order of first appearance.

    Raises
    ------
    InvalidValue, OutOfRange
        See :func:`customer_arrays`; negative or missing weights.
    """
    x, t_x, age = (v.ravel() for v in customer_arrays(frequency, recency, T))
    if weights is None:
        w = None  # one customer each: counted, no array of ones
    else:
        w = as_float_array("weights", weights).ravel()
        if w.size != x.size:
            raise InvalidValue(f"weights has {w.size} values for {x.size} customers; give one weight per row")
        keep = w > 0
        if not keep.all():
            x, t_x, age, w = x[keep], t_x[keep], age[keep], w[keep]
    if x.size == 0:
        return CustomerCounts(x, t_x, age, np.ones(0) if w is None else w)
    group, index = distinct_cases(x, t_x, age)
    counts = np.bincount(group, weights=w, minlength=index.size)
    return CustomerCounts(x[index], t_x[index], age[index], counts.astype(float, copy=False))


def distinct_cases(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Number the distinct rows of equal-length 1-d columns in order of first appearance.

    Returns
    -------
    case : numpy.ndarray of int64
        Each row's case.
    first : numpy.ndarray of int64
        The first row of each case, so ``column[first][case]`` is ``column``.

    Examples
    --------
    >>> case, first = distinct_cases(np.array([0.0, 2.0, 0.0, 2.0]), np.array([9.0, 9.0, 9.0, 8.0]))
    >>> case.tolist(), first.tolist()
    ([0, 1, 0, 2], [0, 1, 3])
    """
    # one column's codes at a time, folded into one key in place: ten million customers
    # need one key of eight bytes each, not a code array per column
    key, size = None, 1
    for column in columns:
        codes = pd.factorize(column, sort=False)[0].astype(np.int64, copy=False)
        n = int(codes.max(initial=-1)) + 1
        if key is None:
            key, size = codes, n
            continue
        if size * n >= 2 ** 62:  # too many distinct values for one int64 key: renumber first
            key = pd.factorize(key, sort=False)[0].astype(np.int64, copy=False)
            size = int(key.max(initial=-1)) + 1
        key *= n
        key += codes
        size *= n
        del codes
    case, uniques = pd.factorize(key, sort=False)
    del key
    first = np.empty(uniques.size, dtype=np.int64)
    first[case[::-1]] = np.arange(case.size - 1, -1, -1)  # the first row of each case wins
    return case.astype(np.int64, copy=False), first
