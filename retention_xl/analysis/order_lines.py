"""Rows grouped into orders: rows sharing an order id are the lines of one order.

An export may have one row per order or one row per order line (Shopify writes a row per
line item, an ERP a row per invoice line). :func:`group_orders` numbers the orders and
keeps each order's rows together, in input order, so that an order's value of any column
is one vectorised step (:meth:`OrderGroups.first`, :meth:`~OrderGroups.min`,
:meth:`~OrderGroups.sum`). :func:`amount_level` decides whether an amount column holds
each order's total (written on its first line, or repeated on every line) or line
amounts to be added up.

Examples
--------
>>> g = group_orders(np.array([0, 0, 1, 0, -1]), np.array([True, True, True, True, True]))
>>> g.lines().tolist(), g.first_row().tolist()
([3, 1, 1], [0, 2, 4])
>>> g.sum(np.array([1.0, 2.0, 5.0, 3.0, 7.0]), np.ones(5, bool)).tolist()
[6.0, 5.0, 7.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retention_xl.analysis.letters import fold_word

__all__ = ["OrderGroups", "group_orders", "amount_level", "LevelCounts", "level_counts", "decide_level"]


@dataclass(frozen=True)
class OrderGroups:
    """The orders of a table and their rows.

    Attributes
    ----------
    perm : numpy.ndarray
        Row indices of the rows that belong to an order, grouped by order (input order
        inside an order).
    starts : numpy.ndarray
        Where each order's rows start in ``perm``.
    code : numpy.ndarray
        Each order's code in the order-id column (``-1``: a row without an order id, an
        order of its own).
    n_rows : int
        Rows of the table.
    """

    perm: np.ndarray
    starts: np.ndarray
    code: np.ndarray
    n_rows: int

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def one_row_each(self) -> bool:
        """Every order is one row (the per-order values are the rows' own)."""
        return len(self.starts) == len(self.perm)

    def lines(self) -> np.ndarray:
        """Rows per order."""
        return np.diff(np.r_[self.starts, len(self.perm)]).astype(np.int64)

    def first_row(self) -> np.ndarray:
        """Each order's first row (index into the table)."""
        return self.perm[self.starts] if len(self.starts) else np.array([], dtype=np.int64)

    def of_rows(self) -> np.ndarray:
        """Per table row, its order number (``-1`` for rows in no order)."""
        out = np.full(self.n_rows, -1, dtype=np.int64)
        out[self.perm] = np.repeat(np.arange(len(self.starts)), self.lines())
        return out

    def first(self, mask: np.ndarray) -> np.ndarray:
        """Per order, the first row where ``mask`` holds, or ``-1``."""
        if not len(self.starts):
            return np.array([], dtype=np.int64)
        if self.one_row_each:
            return np.where(mask[self.perm], self.perm, -1)
        m = len(self.perm)
        pos = np.where(mask[self.perm], np.arange(m), m)
        best = np.minimum.reduceat(pos, self.starts)
        return np.where(best < m, self.perm[np.minimum(best, m - 1)], -1)

    def min(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Per order, the smallest of ``values`` (int64) where ``mask`` holds (int64 max if none)."""
        if not len(self.starts):
            return np.array([], dtype=np.int64)
        big = np.iinfo(np.int64).max
        v = np.where(mask[self.perm], values[self.perm], big)
        return v if self.one_row_each else np.minimum.reduceat(v, self.starts)

    def sum(self, values: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Per order, the sum of ``values`` where ``mask`` holds."""
        if not len(self.starts):
            return np.array([], dtype=np.float64)
        v = np.where(mask[self.perm], values[self.perm], 0.0)
        return v if self.one_row_each else np.add.reduceat(v, self.starts)

    def count(self, mask: np.ndarray) -> np.ndarray:
        """Per order, the rows where ``mask`` holds."""
        if not len(self.starts):
            return np.array([], dtype=np.int64)
        counts = mask[self.perm].astype(np.int64)
        return counts if self.one_row_each else np.add.reduceat(counts, self.starts)


def group_orders(order_codes: np.ndarray | None, live: np.ndarray) -> OrderGroups:
    """Group the ``live`` rows into orders by their order-id code (``-1``: no id, an order
    of its own); with no order-id column (``None``) every row is an order."""
    n = len(live)
    rows = np.flatnonzero(live)
    if order_codes is None:
        return OrderGroups(rows, np.arange(len(rows)), np.full(len(rows), -1, dtype=np.int64), n)
    codes = np.asarray(order_codes, dtype=np.int64)[rows]
    if len(codes) and codes[0] >= 0 and (codes[1:] > codes[:-1]).all():  # one row per id, in order
        return OrderGroups(rows, np.arange(len(rows)), codes, n)
    lone = codes < 0
    key = codes.copy()
    top = int(codes.max()) + 1 if len(codes) else 0
    key[lone] = top + np.arange(int(lone.sum()))  # a row without an id is its own order
    order = np.argsort(key, kind="stable")
    perm = rows[order]
    k = key[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]]) if len(k) else np.array([], dtype=np.int64)
    code = np.where(k[starts] < top, k[starts], -1) if len(k) else np.array([], dtype=np.int64)
    return OrderGroups(perm, starts, code, n)


#: words of an order-total header ("Order total", "إجمالي الطلب", "مبلغ کل سفارش"), spelled as
#: :func:`~retention_xl.analysis.columns.header_words` gives a header's words
_ORDER_TOTAL_WORDS = frozenset(fold_word(w) for w in (
    "order", "grand", "invoice", "total",
    "الطلب", "طلب", "الفاتورة", "فاتورة", "الإجمالي", "إجمالي", "المجموع", "مجموع", "الكلي", "كلي",
    "سفارش", "فاکتور", "کل", "جمع", "مجموع", "نهایی",
))
#: words that make a "... total" header a line's own total ("Line Total", "Item total",
#: "إجمالي المنتج", "جمع ردیف")
_LINE_WORDS = frozenset(fold_word(w) for w in (
    "line", "lineitem", "item", "items", "product", "sku",
    "السطر", "سطر", "البند", "بند", "الصنف", "صنف", "المنتج", "منتج", "السلعة", "سلعة",
    "ردیف", "قلم", "کالا", "محصول",
))


@dataclass(frozen=True)
class LevelCounts:
    """What :func:`amount_level` decides on, counted over the orders of a table (or of a
    slice of it: the counts of several slices add up to the whole table's)."""

    orders: int = 0  # orders
    multi: int = 0  # orders of more than one line
    one_filled: int = 0  # of those, with the amount written on one line only
    same: int = 0  # of those, with one value on every line that has one

    def __add__(self, other: LevelCounts) -> LevelCounts:
        return LevelCounts(self.orders + other.orders, self.multi + other.multi,
                           self.one_filled + other.one_filled, self.same + other.same)


def level_counts(groups: OrderGroups, present: np.ndarray, values: np.ndarray) -> LevelCounts:
    """The orders' :class:`LevelCounts` (``present``: per row, the amount cell is filled;
    ``values``: per row, the amount, NaN where not a number)."""
    lines = groups.lines()
    multi = lines > 1
    if not multi.any():
        return LevelCounts(len(groups))
    filled = groups.count(present)[multi]
    first = groups.first(present)
    ref = np.where(first >= 0, values[np.maximum(first, 0)], np.nan)
    row_order = groups.of_rows()
    idx = np.flatnonzero((row_order >= 0) & present)
    other = ~np.isclose(values[idx], ref[row_order[idx]], equal_nan=True)
    same = np.bincount(row_order[idx], weights=other, minlength=len(groups)) == 0
    return LevelCounts(len(groups), int(multi.sum()), int((filled == 1).sum()), int(same[multi].sum()))


def decide_level(counts: LevelCounts, header_tokens: list[str]) -> str:
    """``"order"`` when the amount column holds each order's total, else ``"line"`` (see
    :func:`amount_level`), from the counts."""
    if not counts.multi:
        return "line"
    if counts.one_filled / counts.multi >= 0.5:
        return "order"
    words = set(header_tokens)
    if words & _ORDER_TOTAL_WORDS and not words & _LINE_WORDS and counts.same / counts.multi >= 0.9:
        return "order"
    return "line"


def amount_level(groups: OrderGroups, present: np.ndarray, values: np.ndarray, header_tokens: list[str]) -> str:
    """``"order"`` when an amount column holds each order's total, else ``"line"``.

    Decided on the orders of more than one line: the total is written on the first line
    only (the other lines blank, as Shopify writes it), or the same value is repeated on
    every line under an order-total header ("Total", "Order total", "Grand total"; not
    "Line total" or "Item total": lines of one price are still lines). Anything else is a
    line amount, added up per order.

    Parameters
    ----------
    present : per row, the amount cell is filled
    values : per row, the amount (NaN where not a number)
    header_tokens : the amount column's header, as lower-case words
    """
    return decide_level(level_counts(groups, present, values), header_tokens)
