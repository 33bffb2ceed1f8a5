"""Which currency the report adds up, when a currency column gives each order's currency.

Shopify, WooCommerce and many shop systems write each order's currency in a column of its
own (``Currency``, ``Order Currency``, ``العملة``, ``واحد پول``). Amounts in different
currencies cannot be added up, so a table in several currencies is reported in ONE of
them: by default the currency of most orders (on a tie, the one met first in the table),
or the one the user chooses (``currency``); the orders in the others are left out and
listed. Currencies are compared without case or spaces, and codes and local spellings of
one currency are one (``SAR`` and ``ر.س``, ``IRR`` and ``ریال``, ``AED`` and ``د.إ``:
:func:`~retention_xl.analysis.numerals.currency_code`).

The decision needs the whole table: :func:`currency_pairs` lists each order's currencies
(an order is the rows sharing an order id, else a row), :meth:`CurrencyCount.of` counts
them, :func:`choose_currency` decides. The cleaning of one table counts them on integer
codes (:func:`currency_count`, the same count;
:func:`~retention_xl.analysis.orders.clean_orders`); the cleaning in batches collects the
pairs of every batch first (:mod:`retention_xl.engines.staging`), so both decide alike.

Examples
--------
>>> pairs = pd.DataFrame({"id": ["1", "2", "3", "4"], "row": [-1] * 4, "currency": ["eur", "usd", "usd", "sar"]})
>>> choice = choose_currency(CurrencyCount.of(pairs), None)
>>> choice.name, choice.names, choice.chosen
('USD', ('EUR', 'USD', 'SAR'), False)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.column_values import ColumnValues, as_id, id_codes, id_texts
from retention_xl.analysis.notices import Notice
from retention_xl.analysis.numerals import currency_code
from retention_xl.errors import InvalidValue

__all__ = [
    "CurrencyChoice",
    "CurrencyCount",
    "CurrencyOrders",
    "choose_currency",
    "currency_count",
    "currency_name",
    "currency_notice",
    "currency_orders",
    "currency_pairs",
    "row_currencies",
]


def currency_name(code: str) -> str:
    """How a currency is shown: an ISO code in capitals (``usd`` -> ``USD``), any other mark as written.

    >>> currency_name("usd"), currency_name("$"), currency_name("ريال")
    ('USD', '$', 'ريال')
    """
    return code.upper() if code.isascii() and code.isalpha() else code


def row_currencies(col: ColumnValues) -> tuple[np.ndarray, list[str]]:
    """Each row's currency as a code into the currencies of the column (``-1``: blank),
    and those currencies (:func:`currency_code`), in order of first appearance among the
    column's distinct values."""
    if not len(col.uniques):
        return np.full(len(col.codes), -1, dtype=np.int64), []
    keys = np.array([currency_code(v) if isinstance(v, str) else currency_code(as_id(v)) for v in col.uniques],
                    dtype=object)
    keys[col.null] = ""
    codes_u, names = pd.factorize(pd.Series(keys, dtype=object))
    known = list(names)
    if "" in known:  # a blank cell is no currency
        blank = known.index("")
        codes_u = np.where(codes_u == blank, -1, codes_u - (codes_u > blank))
        known.pop(blank)
    out = np.asarray(codes_u, dtype=np.int64)[np.maximum(col.codes, 0)]
    out[col.codes < 0] = -1
    return out, known


def _order_keys(order_id: ColumnValues | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's order as an integer: the code of its order id, or for a row without one
    a number of its own (past the ids' codes); and which rows have no order id."""
    if order_id is None or not len(order_id.uniques):
        return np.arange(n, dtype=np.int64), np.ones(n, bool)
    codes = id_codes(order_id)
    no_id = codes < 0
    own = len(order_id.uniques) + np.arange(n, dtype=np.int64)
    return np.where(no_id, own, codes.astype(np.int64)), no_id


def _distinct_pairs(currency: ColumnValues, order_id: ColumnValues | None):
    """The distinct (order, currency) pairs as integers, in order of first appearance: the
    rows they first appear on, each row's order key and currency code, the currencies and
    which rows have no order id."""
    codes, known = row_currencies(currency)
    keys, no_id = _order_keys(order_id, len(codes))
    has = np.flatnonzero(codes >= 0)
    pairs = pd.DataFrame({"order": keys[has], "currency": codes[has]}, copy=False)
    first = has[~pairs.duplicated().to_numpy()]
    return first, keys, codes, known, no_id


def currency_pairs(currency: ColumnValues, order_id: ColumnValues | None, rows: np.ndarray) -> pd.DataFrame:
    """The distinct (order, currency) pairs of a table, in order of first appearance: ``id``
    (the order id as text, "" for a row without one), ``row`` (its input row for a row
    without an order id, else -1) and ``currency`` (:func:`currency_code`): what a table
    cleaned in batches collects of each batch, to count over all of them. (One table is
    counted without the texts: :func:`currency_count`.)"""
    first, _, codes, known, no_id = _distinct_pairs(currency, order_id)
    names = np.array(known, dtype=object)
    own = no_id[first]
    if order_id is not None and len(order_id.uniques):
        ids = np.where(own, "", id_texts(order_id.uniques)[np.maximum(order_id.codes[first], 0)])
    else:
        ids = np.full(len(first), "", dtype=object)
    return pd.DataFrame({"id": pd.Series(ids, dtype=object),
                         "row": np.where(own, rows[first], -1).astype(np.int64),
                         "currency": pd.Series(names[codes[first]] if len(names) else [], dtype=object)})


def currency_count(currency: ColumnValues, order_id: ColumnValues | None) -> CurrencyCount:
    """The currencies of one table and its orders in each, as :meth:`CurrencyCount.of`
    counts the pairs of :func:`currency_pairs`, on integer codes (a table of a million
    orders: 0.1 s, where their ids as text took 2.6 s)."""
    first, keys, codes, known, _ = _distinct_pairs(currency, order_id)
    if not len(first):
        return CurrencyCount((), ())
    order, currency_of = pd.factorize(keys[first])[0], codes[first]
    alone = np.bincount(order, minlength=order.max() + 1)[order] == 1
    per_currency = np.bincount(currency_of[alone], minlength=len(known))
    return CurrencyCount(tuple(known), tuple(int(c) for c in per_currency))


@dataclass(frozen=True)
class CurrencyCount:
    """The currencies of a table and its orders in each.

    Attributes
    ----------
    currencies : tuple of str
        Every currency met (:func:`currency_code`), in order of first appearance.
    orders : tuple of int
        Orders in each currency alone (an order with lines in two currencies is in none).
    """

    currencies: tuple[str, ...]
    orders: tuple[int, ...]

    @classmethod
    def of(cls, pairs: pd.DataFrame) -> CurrencyCount:
        """Count the orders in each currency from the distinct pairs of :func:`currency_pairs`
        (of one table, or of its batches concatenated in order)."""
        pairs = pairs.drop_duplicates(ignore_index=True)
        currencies = tuple(pd.unique(pairs["currency"]))
        per_order = pairs.groupby(["id", "row"], sort=False)["currency"].transform("size")
        alone = pairs.loc[per_order.to_numpy() == 1, "currency"].value_counts()
        return cls(currencies, tuple(int(alone.get(c, 0)) for c in currencies))


@dataclass(frozen=True)
class CurrencyChoice:
    """The currency a report adds up, decided over the whole table.

    Attributes
    ----------
    code : str
        The currency kept (:func:`currency_code`).
    currencies : tuple of str
        Every currency of the table, in order of first appearance.
    chosen : bool
        The user chose it (else it is the currency of most orders).
    """

    code: str
    currencies: tuple[str, ...]
    chosen: bool = False

    @property
    def name(self) -> str:
        return currency_name(self.code)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(currency_name(c) for c in self.currencies)

    @property
    def several(self) -> bool:
        """The table is in more than one currency: orders in the others are left out."""
        return len(self.currencies) > 1

    @property
    def blank_is_kept(self) -> bool:
        """An order with no currency is in the kept one: every other order is in it."""
        return not self.several


def choose_currency(count: CurrencyCount, chosen: str | None) -> CurrencyChoice | None:
    """The currency to keep: ``chosen`` (a code or spelling as in the data), else the
    currency of most orders, a tie going to the first in the table; ``None`` when the
    table names no currency.

    Raises
    ------
    InvalidValue
        ``chosen`` is not a currency of the table (``option="currency"``); the message
        names the currencies found.

    Examples
    --------
    >>> count = CurrencyCount(("eur", "usd"), (2, 2))
    >>> choose_currency(count, None).name, choose_currency(count, "usd").name
    ('EUR', 'USD')
    >>> choose_currency(count, "GBP")
    Traceback (most recent call last):
    ...
    retention_xl.errors.InvalidValue: currency 'GBP' is not in the data; the currencies found are: EUR, USD
    """
    if chosen is not None:
        code = currency_code(chosen)
        if code not in count.currencies:
            found = ", ".join(currency_name(c) for c in count.currencies) or "none (the currency column is blank)"
            error = InvalidValue(f"currency '{chosen}' is not in the data; the currencies found are: {found}",
                                 option="currency")
            error.found = tuple(currency_name(c) for c in count.currencies)  # for a door to word its own message
            raise error
        return CurrencyChoice(code, count.currencies, chosen=True)
    if not count.currencies:
        return None
    best = int(np.argmax(count.orders))  # the first of the largest
    return CurrencyChoice(count.currencies[best], count.currencies)


def currency_notice(column: str, choice: CurrencyChoice, left: dict[str, list], unknown: tuple[int, float],
                    mixed: tuple[int, float], blank: int) -> Notice:
    """The currency notice: the currency the amounts are in, and, for a table in several
    currencies, the orders left out in each other currency (``left``: name -> [orders,
    value], in order of first appearance), with no currency (``unknown``: orders, value)
    and with lines in two (``mixed``); ``blank`` counts the orders with no currency taken
    as the kept one. The counts travel in the notice, so the notices of several slices of
    one table add up to the notice of the whole (see :mod:`retention_xl.engines.staging`)."""
    if not choice.several:
        return Notice("currency", column=column, currency=choice.name, count=blank)
    others = tuple((name, int(n), float(v)) for name, (n, v) in left.items())
    return Notice("currency_kept", column=column, currency=choice.name, chosen=choice.chosen,
                  currencies=tuple(choice.names), left=others, unknown=int(unknown[0]),
                  unknown_value=float(unknown[1]), mixed=int(mixed[0]), mixed_value=float(mixed[1]),
                  count=sum(n for _, n, _ in others) + int(unknown[0]) + int(mixed[0]))


@dataclass(frozen=True)
class CurrencyOrders:
    """The orders a currency choice leaves out, and its notice."""

    left_out: np.ndarray
    notice: Notice


def currency_orders(column: str, col: ColumnValues, choice: CurrencyChoice, groups, live: np.ndarray,
                     ok: np.ndarray, g_amount: np.ndarray, issues: list) -> CurrencyOrders:
    """The cleaning's currency step (:func:`~retention_xl.analysis.orders.clean_orders`):
    which usable orders (``ok``) are not in the currency kept: in another currency
    (``other_currency``), with lines in two (``mixed_currency``), or, in a table of several
    currencies, with none (``unknown_currency``); each listed on the row that shows it
    (action ``left_out``, with its value in its own currency), appended to ``issues`` as the
    cleaning lists its problems; ``groups`` are the cleaning's orders (rows sharing an id)."""
    codes, known = row_currencies(col)
    has = (codes >= 0) & live
    first = groups.first(has)
    big = np.iinfo(np.int64).max
    low = groups.min(codes, has)
    high = -groups.min(-codes, has)
    g_code = np.where(first >= 0, codes[np.maximum(first, 0)], -1)
    mixed = ok & (first >= 0) & (low != high) & (low != big)
    kept = known.index(choice.code) if choice.code in known else -2
    other = ok & (first >= 0) & ~mixed & (g_code != kept)
    blank = ok & (first < 0)
    unknown = blank & choice.several
    names = np.array([currency_name(c) for c in known], dtype=object)
    g_first, g_lines = groups.first_row(), groups.lines()

    def listed(pick: np.ndarray, at: np.ndarray, problem) -> None:
        where_g = np.flatnonzero(pick)
        if len(where_g):
            rows = at[where_g]
            issues.append((rows, column, col.text(rows), problem if isinstance(problem, str) else problem[where_g],
                           "left_out", g_lines[where_g], g_amount[where_g]))

    if other.any():
        problems = np.array([f"other_currency:{n}" for n in names], dtype=object)  # one per currency, not per order
        listed(other, first, problems[np.maximum(g_code, 0)])
    if mixed.any():
        of_rows = groups.of_rows()
        both = pd.DataFrame({"order": of_rows[has], "currency": codes[has]}).drop_duplicates()
        both = both[mixed[both["order"].to_numpy()]]
        joined = both.groupby("order", sort=True)["currency"].agg(lambda c: ", ".join(names[np.sort(c.to_numpy())]))
        problem = np.full(len(groups), "", dtype=object)
        problem[joined.index.to_numpy()] = ("mixed_currency:" + joined).to_numpy(dtype=object)
        listed(mixed, first, problem)
    if unknown.any():
        listed(unknown, g_first, "unknown_currency")
    left = {}
    for i, c in enumerate(choice.currencies):
        if c == choice.code:
            continue
        at = known.index(c) if c in known else -3
        pick = other & (g_code == at)
        left[currency_name(c)] = [int(pick.sum()), float(g_amount[pick].sum())]
    notice = currency_notice(column, choice, left, (int(unknown.sum()), float(g_amount[unknown].sum())),
                             (int(mixed.sum()), float(g_amount[mixed].sum())), int((blank & ~unknown).sum()))
    return CurrencyOrders(other | mixed | unknown, notice)
