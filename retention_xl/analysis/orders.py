"""From a raw order export to a clean order table, with every row left out explained.

:func:`clean_orders` finds the column of each role (:func:`detect_columns`, which
recognises the known exports), reads their values whatever the export wrote
(:mod:`~retention_xl.analysis.dates`, :mod:`~retention_xl.analysis.numerals`), turns
order lines into orders (:mod:`~retention_xl.analysis.order_lines`), separates refunds,
cancellations and orders that are not sales (:mod:`~retention_xl.analysis.order_status`)
and returns the orders plus one line per problem. Every input row ends up in an order of
``frame`` or in ``issues`` (skipped, excluded, or kept as a possible duplicate);
:func:`no_orders_error` says in one line why none was usable, for callers that then have
no report to show the issues in. Problems and decisions are codes and values
(:class:`~retention_xl.analysis.notices.Notice`), among them the conventions the figures
rest on (orders = distinct order ids, amount = quantity x unit price, cancellations and
refunds with their counts and values); the report layout words them in the user's language.

All per-value work is done once per *distinct* value of a column and mapped back, so a
million rows with a few thousand distinct dates cost little more than the distinct values.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retention_xl.analysis.column_values import (
    ColumnValues,
    cell_text,
    customer_keys,
    email_case_example,
    email_spellings,
    id_codes,
    id_texts,
    keyboard_letters,
    totals_rows,
    typed_digits,
)
from retention_xl.analysis.columns import (
    ColumnMap,
    detect_columns,
    header_words,
    short_text,
)
from retention_xl.analysis.currencies import (
    CurrencyChoice,
    choose_currency,
    currency_count,
    currency_orders,
)
from retention_xl.analysis.dates import parse_dates
from retention_xl.analysis.export_layouts import layout_named
from retention_xl.analysis.far_dates import far_orders
from retention_xl.analysis.issue_table import issue_frame
from retention_xl.analysis.money import MAX_AMOUNT
from retention_xl.analysis.notice_order import cleaning_order
from retention_xl.analysis.notices import Notice
from retention_xl.analysis.numerals import digit_script, parse_numbers
from retention_xl.analysis.order_lines import (
    LevelCounts,
    decide_level,
    group_orders,
    level_counts,
)
from retention_xl.analysis.order_status import (
    REFUND_REASONS,
    cancellation_documents,
    refund_keys,
    status_reasons,
)
from retention_xl.errors import InvalidValue, NoUsableOrders

__all__ = ["Orders", "clean_orders", "no_orders_error", "status_notice"]

#: with an amount column and an order id, a table where fewer orders than this share have
#: more than one row is a table of one row per order (a repeated id is a refund row or a
#: glitch, not an order line)
ROW_PER_ORDER_SHARE = 0.05

#: how many statuses a statuses notice names on each side (sales, not sales); the notice
#: counts the others (``statuses_more``, ``kept_more``)
STATUSES_SHOWN = 8


@dataclass(frozen=True)
class SliceDecisions:
    """Decisions the cleaning of a table takes from all its rows, as taken over a whole
    table by a caller that cleans it in slices (:mod:`retention_xl.engines.staging`):
    ``level``, whether the amount is each order's total, line amounts or one row per order
    (``"order"``, ``"line"``, ``"row"``; ``None``: this slice decides), ``comma``, per
    amount column, whether it has a decimal comma (a column not named: this slice decides),
    and ``swapped`` and ``mostly_real``, whether the date column's real dates were swapped
    on paste and are most of it (:class:`~retention_xl.analysis.dates.DateReading`; ``None``:
    this slice decides)."""

    level: str | None = None
    comma: tuple[tuple[str, bool], ...] = ()
    swapped: bool | None = None
    mostly_real: bool | None = None


@dataclass(frozen=True)
class SliceEvidence:
    """What a slice's cleaning counted for the decisions of :class:`SliceDecisions`, to be
    added up over the slices of a table, and what the slice applied: the orders' level
    counts (:class:`~retention_xl.analysis.order_lines.LevelCounts`, ``None`` when the level is
    not decided from the data) and the level used; per amount column, the separator's
    votes (:attr:`~retention_xl.analysis.numerals.NumberReading.votes`) and whether a
    decimal comma was used; the keys of the sales the slice left out (``left_out``) and of
    the refunds by status it applied (``refunds``), for a refund whose sale another slice
    left out (:func:`~retention_xl.analysis.order_status.refund_keys`)."""

    level_counts: object
    level: str
    votes: tuple[tuple[str, tuple[float, float, float, float]], ...]
    comma: tuple[tuple[str, bool], ...]
    left_out: np.ndarray = field(default_factory=lambda: np.array([], dtype=object), compare=False)
    refunds: np.ndarray = field(default_factory=lambda: np.array([], dtype=object), compare=False)


@dataclass(frozen=True)
class Orders:
    """The usable orders of a table, the problems found, and the decisions taken.

    Attributes
    ----------
    frame : pandas.DataFrame
        ``row`` (int64, input row number), ``customer`` (categorical: the customer ids
        as text, the categories sorted, so grouping by customer works on integer codes),
        ``date`` (datetime64[ns]), ``amount`` (float64), sorted by (date, row). Negative
        amounts are refunds.
    issues : pandas.DataFrame
        ``row``, ``column``, ``value`` (the cell as text), ``problem`` (a code such as
        ``"not_a_date"``), ``detail`` (data that goes with the code, e.g. the row a
        duplicate repeats, else ""), ``action`` ("skipped", "fixed", "excluded": an order
        that is not a sale, "kept": a possible duplicate), ``lines`` (input rows the problem
        covers: an order's lines) and ``amount`` (the value concerned, NaN when unknown),
        sorted by row.
    columns : ColumnMap
        The column used for each role, and the export recognised.
    notices : tuple of Notice
        Column-level decisions (date order, calendar, digits, currency ...) and the
        conventions the figures rest on (``orders_by_id``, ``amount_from_lines``,
        ``cancellation_documents``, ``refund_column``, ``statuses_excluded`` ...).
    n_input_rows : int
    source : str
        Where the table came from, e.g. ``"orders.xlsx, sheet 'Orders'"``.
    first_row : int
        Row number of the table's first data row in the user's file.
    n_used_rows : int or None
        Input rows that went into the orders of ``frame``.
    slice_evidence : SliceEvidence or None
        For a table cleaned as a slice of a larger one (``decided`` given to
        :func:`clean_orders`): what its decisions rest on.
    customer_typing : (int, int, int, int, int)
        Rows of the customer column typed with the Arabic keyboard's ye or kaf, with the
        Persian keyboard's, and with digits 0-9, Arabic-Indic and Persian digits
        (:func:`~retention_xl.analysis.column_values.keyboard_letters`): the customers are
        shown in the letters (:attr:`arabic_letters`) and the digits
        (:attr:`customer_digits`) of the most.
    """

    frame: pd.DataFrame
    issues: pd.DataFrame
    columns: ColumnMap
    notices: tuple[Notice, ...]
    n_input_rows: int
    source: str = ""
    first_row: int = 2
    n_used_rows: int | None = None
    slice_evidence: SliceEvidence | None = None
    customer_typing: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @property
    def arabic_letters(self) -> bool:
        """Whether the customer ids are shown in Arabic letters (``ي``, ``ك``): most of the
        customer cells were typed in them."""
        arabic, persian = self.customer_typing[:2]
        return arabic > persian

    @property
    def customer_digits(self) -> str | None:
        """``"persian"`` or ``"arabic_indic"`` when most customer cells with digits were
        typed in those digits (customers are shown so), ``None`` for 0-9."""
        return typed_digits(self.customer_typing)

    @property
    def skipped_rows(self) -> int:
        """How many input rows were left out (skipped, or in an order that is not a sale)."""
        if self.n_used_rows is not None:
            return self.n_input_rows - self.n_used_rows
        issues = self.issues
        return int(issues.loc[issues["action"] == "skipped", "row"].nunique()) if len(issues) else 0


def clean_orders(raw: pd.DataFrame, *, customer: str | None = None, date: str | None = None,
                 amount: str | None = None, order_id: str | None = None, quantity: str | None = None,
                 unit_price: str | None = None, status: str | None = None, refund: str | None = None,
                 customer_fallback: str | None = None, currency_column: str | None = None,
                 include_statuses: tuple[str, ...] = (), exclude_statuses: tuple[str, ...] = (),
                 currency: str | None = None, currency_choice: CurrencyChoice | None = None,
                 first_row: int = 2, dayfirst: bool | None = None, source: str = "",
                 known_values: Mapping[str, ColumnValues] | None = None,
                 lunar_hijri: bool | None = None, leave_out_days: Collection[int] | None = None,
                 decided: SliceDecisions | None = None, left_out_sales: Collection[str] = ()) -> Orders:
    """Turn a raw order table (orders or order lines) into clean orders plus a list of what was wrong.

    The order model:

    * With an order-id column, rows sharing an id are the lines of one order; otherwise a
      row is an order. An order's customer, status and refund are those of its first line
      that has them, its date the earliest of its lines' dates (blank cells on the other
      lines are not problems).
    * Its amount is the order total where the amount column holds one (written on the first
      line, or repeated on every line: :func:`~retention_xl.analysis.order_lines.amount_level`),
      else the sum of its lines' amounts; with no amount column a line's amount is quantity x
      unit price.
    * An order whose amount is negative is a refund (an ERP cancellation document numbered
      ``C...``, a return): it reduces revenue and is never a purchase. A refund column's
      value becomes a refund row on the order's date (not on an order that is already
      negative: the return is the refund, and the notice ``refund_on_returns`` counts
      them); an order refunded in full, an order whose status is not a sale
      (:mod:`~retention_xl.analysis.order_status`) or that has a cancelled-at date is left
      out and listed (action ``excluded``, with its value).
    * A negative order whose status is a returned or refunded one is a refund like any
      negative order, unless the sale it refunds (same order id; with no id, same customer
      and value) is left out: then it is left out too, as not a sale, and the money is not
      taken off twice (:mod:`~retention_xl.analysis.order_status`); the notice
      ``status_refunds`` counts both.
    * With a currency column (:mod:`~retention_xl.analysis.currencies`), the report adds up
      one currency: in a table of several, an order in another currency, with no currency,
      or with lines in two is left out and listed (action ``left_out``, with its value in
      its own currency), and the notice ``currency_kept`` counts them per currency; in a
      table of one, the notice ``currency`` names it (an order with no currency is in it).
    * A blank customer key falls back to the first of the fallback columns that is not
      blank, in the order :meth:`~retention_xl.analysis.columns.ColumnMap.fallbacks` lists
      them (a billing name, then a phone), each use counted per column; e-mail keys are
      case-folded.
    * An order dated far from all the others (a mistyped year: 1924 among orders of
      2023-2024) is left out and listed (problem ``far_date``, its date as the detail):
      sorted, the distinct order days split into groups wherever two are more than 10
      years apart, and a group of at most 1% of the orders and at most 100 orders (or of at
      most 3 beside a group ten times as large) is far
      (:mod:`~retention_xl.analysis.far_dates`); the notice ``far_dates`` counts them.
    * Rows identical in every column are kept and listed as possible duplicates (action
      ``kept``), unless the order id proves them one: in an export of order totals, a
      repeated row of the same order adds nothing and is listed as a duplicate.

    Parameters
    ----------
    raw : pandas.DataFrame
        The table as read (see :func:`retention_xl.sources.files.read_table`); it is not modified.
    customer, date, amount, order_id, quantity, unit_price, status, refund, customer_fallback, currency_column : str, optional
        Column names chosen by the user; others are detected from the headers.
    include_statuses, exclude_statuses : tuple of str
        Statuses to count as sales, or not, whatever the built-in list says.
    currency : str, optional
        The currency to report in a table of several (a code or spelling as in the
        currency column); by default the currency of most orders.
    currency_choice : CurrencyChoice, optional
        The currency decided by the caller over a whole table this is a slice of (``currency``
        is then not used).
    first_row : int
        Row number of ``raw``'s first row in the user's file (header in row 1 -> 2).
    dayfirst : bool, optional
        Force the order of text dates like 03/04/2023; by default decided from the data.
    source : str
        Where the table came from, kept on the result for the report.
    known_values : mapping of str to ColumnValues, optional
        Columns' distinct values already found by the caller (``ColumnValues.of`` the
        column), by column name: used instead of being found again.
    lunar_hijri : bool, optional
        Read the 13xx/14xx years of text dates as lunar Hijri (True) or Solar Hijri
        (False), as decided over the whole column by a caller that cleans the table in
        slices (:mod:`retention_xl.engines.staging`); by default decided from this table's
        dates (:func:`~retention_xl.analysis.dates.parse_dates`).
    leave_out_days : collection of int, optional
        The days (since 1970-01-01) whose orders are far from the others, as decided over
        the whole table by a caller that cleans it in slices (an empty one leaves none
        out); by default decided from this table's orders
        (:func:`~retention_xl.analysis.far_dates.far_days`).
    decided : SliceDecisions, optional
        The amount level and decimal separators decided over the whole table by a caller
        that cleans it in slices (each one not given is decided by this slice); with it,
        the result carries the :class:`SliceEvidence` they are decided from.
    left_out_sales : collection of str
        Keys (:func:`~retention_xl.analysis.order_status.refund_keys`) of sales left out
        in other slices of the table, found by a caller that cleans it in slices: a refund
        by status of one of them is left out too.

    Returns
    -------
    Orders

    Raises
    ------
    DataError
        When the customer, date or amount column cannot be found.
    InvalidValue
        ``currency`` is not a currency of the table (``option="currency"``), or the table
        has no currency column (``option="currency_column"``).

    Examples
    --------
    >>> raw = pd.DataFrame({"Customer": ["a", "b", "", "a"],
    ...                     "Date": ["2023-01-05", "2023-01-02", "", "soon"],
    ...                     "Total": ["$10", "(5.00)", "", "3"]})
    >>> result = clean_orders(raw)
    >>> result.frame.to_dict("list")["amount"], result.issues["problem"].tolist()
    ([-5.0, 10.0], ['accounting_negative', 'blank_row', 'not_a_date'])

    Invoice lines, with a cancellation:

    >>> lines = pd.DataFrame({"InvoiceNo": ["536365", "536365", "C536379"],
    ...     "Quantity": [6, 2, -1], "UnitPrice": [2.55, 3.39, 27.50],
    ...     "InvoiceDate": ["2010-12-01 08:26", "2010-12-01 08:26", "2010-12-01 09:41"],
    ...     "CustomerID": [17850, 17850, 14527]})
    >>> clean_orders(lines).frame[["customer", "amount"]].to_dict("list")
    {'customer': ['17850', '14527'], 'amount': [22.08, -27.5]}
    """
    cols = detect_columns(raw.columns, customer=customer, date=date, amount=amount, order_id=order_id,
                          quantity=quantity, unit_price=unit_price, status=status, refund=refund,
                          customer_fallback=customer_fallback, currency_column=currency_column)
    n = len(raw)
    names = [str(c) for c in raw.columns]
    rows = np.arange(first_row, first_row + n, dtype="int64")
    used = cols.used()
    for name in dict.fromkeys(used.values()):
        if names.count(name) > 1:  # only a DataFrame can have them: file readers number them apart
            raise InvalidValue(f"the table has {names.count(name)} columns named {name!r}: "
                               f"rename them apart (df.columns = [...]) so it is clear which one to use")
    # The role columns are read whole; any other column only for the few rows where it
    # matters (blank rows, duplicate candidates).
    role_at = {name: names.index(name) for name in dict.fromkeys([*used.values(), *cols.fallbacks()])}  # first of a name
    known = known_values or {}
    data = {name: known[name] if name in known else ColumnValues.of(raw.iloc[:, i]) for name, i in role_at.items()}
    others = [i for i in range(raw.shape[1]) if i not in role_at.values()]
    notices: list[Notice] = []
    issues: list[tuple] = []

    blank_row = np.ones(n, bool)
    for c in data.values():
        blank_row &= c.missing_rows(null_text=False)
    for i in others:
        maybe = np.flatnonzero(blank_row)
        if len(maybe):
            blank_row[maybe] = ColumnValues.of(raw.iloc[maybe, i]).missing_rows(null_text=False)
    if blank_row.any():
        issues.append((np.flatnonzero(blank_row), "", np.full(blank_row.sum(), ""), "blank_row", "skipped"))
    live = ~blank_row
    # a totals row at the foot of an export ("Grand Total", "المجموع", "جمع کل") is no customer's order;
    # its label stands in the table's first column, which may be the customer's, the order id's or the date's
    for role in dict.fromkeys(c for c in (cols.customer, cols.order_id, cols.date) if c):
        total_row = totals_rows(data[role]) & live
        if total_row.any():
            where = np.flatnonzero(total_row)
            issues.append((where, role, data[role].text(where), "totals_row", "skipped"))
            live &= ~total_row
    # ... or under another column (the products'), on a row with no order id, customer or date
    keyless = live & data[cols.customer].missing_rows() & data[cols.date].missing_rows()
    if cols.order_id:
        keyless &= data[cols.order_id].missing_rows()
    checked = {names.index(c) for c in (cols.customer, cols.order_id, cols.date) if c}
    for i in (i for i in range(raw.shape[1]) if i not in checked):
        maybe = np.flatnonzero(keyless)
        if not len(maybe):
            break
        col = ColumnValues.of(raw.iloc[maybe, i])
        label = totals_rows(col)
        if label.any():
            where = maybe[label]
            issues.append((where, names[i], col.text(np.flatnonzero(label)), "totals_row", "skipped"))
            keyless[where] = False
            live[where] = False

    def report(col_name: str, col: ColumnValues, bad: np.ndarray, problem, action: str, lines=1, value=np.nan) -> None:
        where = np.flatnonzero(bad)
        if len(where):
            p = problem if isinstance(problem, str) else problem[where]
            issues.append((where, col_name, col.text(where), p, action, lines, value))

    # ---- orders: rows sharing an order id
    export = layout_named(cols.layout)  # the known export, if one was recognised
    ocol = data[cols.order_id] if cols.order_id else None
    if ocol is not None:
        groups = group_orders(id_codes(ocol), live)  # 1003 and "1003": one order
    else:
        groups = group_orders(None, live)
    # the amount columns' decimal separator: a column that cannot settle it alone (1.000
    # beside whole numbers) takes the decimal comma another amount column of the table shows
    forced = dict(decided.comma) if decided is not None else {}
    evidence = decided is not None

    def numbers(column: str, hint: bool = False):
        return parse_numbers(data[column].uniques, data[column].counts, comma_hint=hint,
                             forced_comma=forced.get(column), evidence=evidence)

    rr = numbers(cols.refund) if cols.refund else None
    la = _line_amounts(cols, data, n, notices, numbers, comma_hint=bool(rr is not None and rr.decimal_comma))
    if rr is not None and la.decimal_comma and rr.point_assumed:
        rr = numbers(cols.refund, hint=True)
    if rr is not None:
        _separator_notices(notices, cols.refund, rr)
    line_value, l_ok, l_bad = la.value, la.ok, la.bad
    level = "line"
    counts = None
    if cols.amount is not None and ocol is not None:
        if export is not None:
            level = export.amount_level
        else:
            present = ~data[cols.amount].missing_rows()
            counts = level_counts(groups, present & live, np.where(l_ok, line_value, np.nan))
            level = decide_row_level(counts, header_words(cols.amount))
            if decided is not None and decided.level is not None:
                level = decided.level
            if level == "row":
                # one row per order with a few ids repeated (a refund row carrying the
                # order's id, an export glitch): each row is an order, and the id only
                # proves identical rows duplicates
                groups = group_orders(None, live)
    g_first = groups.first_row()
    g_lines = groups.lines()
    n_groups = len(groups)
    if cols.currency_column is None:
        if currency is not None:
            raise InvalidValue(f"currency '{currency}' was chosen, but the table has no currency column; "
                               f"name it with currency_column", option="currency_column")
    elif currency_choice is None:
        currency_choice = choose_currency(currency_count(data[cols.currency_column], ocol), currency)

    # ---- values per row
    cust = data[cols.customer]
    ids_u, merged, folded = customer_keys(cust)
    c_ok = ~cust.missing_rows()
    if merged > 0:
        notices.append(Notice("customer_ids_merged", column=cols.customer, count=merged))
    if folded > 0:
        spelling, matched = email_case_example(email_spellings(cust))
        notices.append(Notice("emails_casefolded", column=cols.customer, count=folded, spelling=spelling,
                              matched=matched))

    dcol = data[cols.date]
    dr = parse_dates(dcol.uniques, dcol.counts, dayfirst=dayfirst, column=cols.date, lunar=lunar_hijri,
                     swapped=decided.swapped if decided is not None else None,
                     mostly_real=decided.mostly_real if decided is not None else None)
    dcode = np.maximum(dcol.codes, 0)
    dmiss = dcol.missing_rows()
    dprob = dr.problem[dcode] if len(dr.problem) else np.full(n, None, object)
    dbad = (dprob != None) & ~dmiss  # noqa: E711
    d_ok = ~dmiss & ~dbad
    notices += dr.notices
    t_ns = (dr.values.astype("datetime64[ns]").astype(np.int64)[dcode] if len(dr.values)
            else np.zeros(n, dtype=np.int64))

    # ---- one value per order
    fc = groups.first(c_ok & live)
    # each order's customer as a code into the customer keys of the distinct values
    keys = ids_u.astype("str").reset_index(drop=True)
    g_customer = np.full(n_groups, -1, dtype=np.int64)
    has_c = fc >= 0
    g_customer[has_c] = cust.codes[fc[has_c]]
    # a blank customer takes the first fallback column that is not blank, in the stated order
    for fallback in cols.fallbacks():
        fbcol = data[fallback]
        ffb = groups.first(~fbcol.missing_rows() & live)
        fallback_used = ~has_c & (ffb >= 0)
        if not fallback_used.any():
            continue
        fb_ids, _, _ = customer_keys(fbcol)
        g_customer[fallback_used] = len(keys) + fbcol.codes[ffb[fallback_used]]
        keys = pd.concat([keys, fb_ids.astype("str")], ignore_index=True)
        notices.append(Notice("customer_fallback", column=cols.customer, fallback=fallback,
                              count=int(fallback_used.sum())))
        has_c = has_c | fallback_used

    g_date = groups.min(t_ns, d_ok & live)
    has_d = g_date != np.iinfo(np.int64).max

    if level == "order":
        fa = groups.first(l_ok & live)
        has_a = fa >= 0
        g_amount = np.where(has_a, line_value[np.maximum(fa, 0)], np.nan)
        # a problem cell matters only when the order has no usable total
        fbad = groups.first(l_bad & live)
        no_total = ~has_a & (fbad < 0)
    else:
        has_a = groups.count(l_ok & live) > 0
        g_amount = groups.sum(line_value, l_ok & live)
        no_total = np.zeros(n_groups, bool)
    ok = has_c & has_d & has_a

    # ---- order-level problems, reported on the order's first row
    def order_issue(bad_g: np.ndarray, col_name: str, col: ColumnValues, problem, action: str, value=None) -> None:
        where_g = np.flatnonzero(bad_g)
        if len(where_g):
            first = g_first[where_g] if not isinstance(problem, np.ndarray) else problem[0][where_g]
            p = problem if isinstance(problem, str) else problem[1][where_g]
            v = g_amount[where_g] if value is None else value[where_g]
            issues.append((first, col_name, col.text(first) if col is not None else np.full(len(first), ""), p,
                           action, g_lines[where_g], v))

    order_issue(~has_c, cols.customer, cust, "missing_customer", "skipped")
    dfirst_bad = groups.first(dbad & live)
    order_issue(~has_d & (dfirst_bad < 0), cols.date, dcol, "missing_date", "skipped")
    wb = ~has_d & (dfirst_bad >= 0)
    if wb.any():
        order_issue(wb, cols.date, dcol, (dfirst_bad, dprob[np.maximum(dfirst_bad, 0)]), "skipped")
    if level == "order":
        acol = data[cols.amount]
        order_issue(no_total, cols.amount, acol, "missing_amount", "skipped")
        wa = ~has_a & (fbad >= 0)
        if wa.any():
            order_issue(wa, cols.amount, acol, (fbad, la.problem[np.maximum(fbad, 0)]), "skipped")
    else:
        # each line's amount problem is listed on its line; an order left with no usable
        # line is skipped with them
        for role, name, col, miss, b, prob, _ in la.parts:
            report(name, col, miss & live, f"missing_{role}", "skipped")
            report(name, col, b & live, prob, "skipped")

    # ---- currencies, refunds, cancellations, statuses
    reason = np.full(n_groups, None, dtype=object)
    reason_col = np.full(n_groups, "", dtype=object)
    reason_detail_row = np.full(n_groups, -1, dtype=np.int64)
    currency_out = None
    if currency_choice is not None:
        currency_out = currency_orders(cols.currency_column, data[cols.currency_column], currency_choice, groups,
                                        live, ok, g_amount, issues)
        reason[currency_out.left_out] = "currency"
    if cols.status:
        scol = data[cols.status]
        fs = groups.first(~scol.missing_rows() & live)
        s_reason_u = status_reasons(scol.uniques, include_statuses, exclude_statuses,
                                    export.statuses if export is not None else None)
        has_s = fs >= 0
        r = np.full(n_groups, None, dtype=object)
        r[has_s] = s_reason_u[scol.codes[fs[has_s]]]
        # a negative order with a returned/refunded status and no positive line is a refund
        # of its own (kept or left out below, once the sales left out are known)
        refund_u = np.array([v in REFUND_REASONS for v in s_reason_u], dtype=bool)  # per distinct status
        own_refund = np.zeros(n_groups, bool)
        own_refund[has_s] = refund_u[scol.codes[fs[has_s]]] if len(refund_u) else False
        own_refund &= ok & (reason == None) & (g_amount < 0)  # noqa: E711
        if own_refund.any():
            own_refund &= groups.count((line_value > 0) & l_ok & live) == 0
        pick = (r != None) & ok & (reason == None) & ~own_refund  # noqa: E711
        reason[pick] = "order_status"
        reason_col[pick] = cols.status
        reason_detail_row[pick] = fs[pick]
        excluded_by_status = pick.copy()
    else:
        excluded_by_status = own_refund = np.zeros(n_groups, bool)
    if cols.cancelled:
        ccol = data[cols.cancelled]
        fcan = groups.first(~ccol.missing_rows() & live)
        pick = (fcan >= 0) & ok & (reason == None)  # noqa: E711
        reason[pick] = "cancelled_order"
        reason_col[pick] = cols.cancelled
        reason_detail_row[pick] = fcan[pick]
        if pick.any():
            notices.append(Notice("cancelled_orders", column=cols.cancelled, count=int(pick.sum()),
                                  value=float(g_amount[pick].sum())))
    g_refund = np.zeros(n_groups)
    if cols.refund:
        rcol = data[cols.refund]
        r_ok = ~rcol.missing_rows() & (rr.problem[np.maximum(rcol.codes, 0)] == None if len(rr.problem)  # noqa: E711
                                       else np.zeros(n, bool))
        fr = groups.first(r_ok & live)
        has_r = fr >= 0
        g_refund[has_r] = np.abs(rr.values[rcol.codes[fr[has_r]]])
        full = ok & (reason == None) & (g_refund > 0) & (g_amount > 0) & (g_refund >= g_amount - 0.005)  # noqa: E711
        reason[full] = "refunded_order"
        reason_col[full] = cols.refund
        reason_detail_row[full] = fr[full]
        partial = ok & (reason == None) & (g_refund > 0)  # noqa: E711
    else:
        full = partial = np.zeros(n_groups, bool)
    if ocol is not None:
        cdoc_u = cancellation_documents(ocol.uniques) if len(ocol.uniques) else np.zeros(0, bool)
        g_cdoc = np.zeros(n_groups, bool)
        has_id = groups.code >= 0
        g_cdoc[has_id] = cdoc_u[ocol.codes[g_first[has_id]]]  # the id as its first line writes it
        zero_cdoc = ok & (reason == None) & g_cdoc & (g_amount == 0)  # noqa: E711
        reason[zero_cdoc] = "cancelled_order"
        reason_col[zero_cdoc] = cols.order_id
        reason_detail_row[zero_cdoc] = g_first[zero_cdoc]
    else:
        g_cdoc = np.zeros(n_groups, bool)
    own_refund &= reason == None  # noqa: E711  (a cancelled-at date left it out as cancelled)
    left_keys = refund_keys_applied = np.array([], dtype=object)
    refund_kept = np.zeros(n_groups, bool)
    if cols.status:
        # the keys of the sales left out are needed by a caller that cleans slices, or here
        gone = ok & (reason != None) & (reason != "currency") & (g_amount >= 0)  # noqa: E711
        left_keys, refund_keys_applied, refund_kept = _refunds_of_sales_left_out(
            gone if decided is not None or own_refund.any() else gone & False, own_refund, left_out_sales,
            ocol, g_first, keys.to_numpy(dtype=object), g_customer, g_amount)
        reason[refund_kept] = "order_status"
        reason_col[refund_kept] = cols.status
        reason_detail_row[refund_kept] = fs[refund_kept]
        excluded_by_status |= refund_kept
        own_refund &= ~refund_kept
    excluded = ok & (reason != None)  # noqa: E711
    if excluded.any():
        for code in ("order_status", "cancelled_order", "refunded_order"):
            pick = excluded & (reason == code)
            if pick.any():
                where_g = np.flatnonzero(pick)
                first = reason_detail_row[where_g]
                col_name = reason_col[where_g[0]]
                col = data[col_name]
                texts = col.text(first)
                problem = np.array([f"{code}:{t}" for t in texts], dtype=object)
                issues.append((first, col_name, texts, problem, "excluded", g_lines[where_g], g_amount[where_g]))
    sale = ok & ~excluded

    # ---- orders dated far from all the others (a mistyped year), left out
    far = far_orders(sale, g_date, leave_out_days)
    if far.any():
        row_order = groups.of_rows()
        on_date = d_ok & live & (row_order >= 0) & (t_ns == g_date[np.maximum(row_order, 0)])
        dated = groups.first(on_date)  # the line that gives the order its date
        day_text = pd.DatetimeIndex(g_date[far].astype("datetime64[ns]")).strftime("%Y-%m-%d").to_numpy(dtype=object)
        problem = np.full(n_groups, None, dtype=object)
        problem[far] = "far_date:" + day_text
        order_issue(far, cols.date, dcol, (dated, problem), "skipped")
        first = np.argmin(dated[far])
        notices.append(Notice("far_dates", column=cols.date, count=int(far.sum()), value=float(g_amount[far].sum()),
                              first_row=int(rows[dated[far][first]]), first_date=str(day_text[first])))
        sale &= ~far

    # ---- rows used; identical rows
    row_live_used = np.zeros(n, bool)
    sale_rows = groups.perm[np.repeat(sale, g_lines)] if n_groups else np.array([], dtype=np.int64)
    row_live_used[sale_rows] = True
    if level == "line":
        row_live_used &= l_ok
    # a date, an amount, a customer id is the same whether Excel made it a date or a number or
    # kept it as text ('2024-03-13 20:12', '51.63', '1254'): compared on what it was read as
    same = {cols.date: _same_codes(dcol.codes, dr.values, dr.problem == None),  # noqa: E711
            cols.customer: _same_codes(cust.codes, ids_u.to_numpy(dtype=object), ~cust.blank & ~cust.null)}
    for name, reading in (la.readings or {}).items():
        same[name] = _same_codes(data[name].codes, reading.values, reading.problem == None)  # noqa: E711
    if ocol is not None:  # 1003 and ۱۰۰۳: one order id, as the orders are grouped
        same[cols.order_id] = id_codes(ocol)
    dup_notice = _identical_rows(raw, data, others, row_live_used, rows, issues,
                                 ocol is not None and level in ("order", "row"), line_value if level != "order" else None,
                                 same)
    if dup_notice is not None:
        notices.append(dup_notice)
        if level == "row":  # a row proven a duplicate is not an order
            sale &= row_live_used[g_first] if n_groups else sale

    # ---- what the sales are made of, counted once the duplicates are known
    if currency_out is not None:
        notices.append(currency_out.notice)
    if cols.status:
        # a refund row taken off is no sale of its status: the refunds' own notice counts it
        _status_notice(notices, cols.status, scol, fs, rows, (sale & ~own_refund) | excluded_by_status, excluded_by_status,
                       g_amount)
    refund_doc = sale & (g_amount < 0)
    if refund_doc.any():
        cd = refund_doc & g_cdoc
        if cd.any():
            notices.append(Notice("cancellation_documents", column=cols.order_id, count=int(g_lines[cd].sum()),
                                  documents=int(cd.sum()), value=float(-g_amount[cd].sum())))
        other = refund_doc & ~g_cdoc
        if other.any():
            notices.append(Notice("negative_orders", count=int(other.sum()), value=float(-g_amount[other].sum())))
    applied = sale & own_refund  # refunds by status (among the negative orders just counted)
    if applied.any() or refund_kept.any():
        notices.append(Notice("status_refunds", column=cols.status, count=int(applied.sum()),
                              value=0.0 - float(g_amount[applied].sum()), kept_out=int(refund_kept.sum()),
                              kept_out_value=0.0 - float(g_amount[refund_kept].sum()),
                              by="order_id" if ocol is not None else "customer"))

    # the refund column: a refund row for each sale it refunds in part; an order whose
    # amount is already negative (a return) is not refunded again, and says so
    refunded = sale & partial & (g_amount >= 0)
    if full.any() or refunded.any():
        notices.append(Notice("refund_column", column=cols.refund, count=int(refunded.sum()),
                              value=float(g_refund[refunded].sum()), full=int(full.sum()),
                              full_value=float(g_amount[full].sum())))
    on_return = sale & partial & (g_amount < 0)
    if on_return.any():
        notices.append(Notice("refund_on_returns", column=cols.refund, count=int(on_return.sum()),
                              value=float(g_refund[on_return].sum())))

    # ---- conventions: how rows became orders and amounts
    multi = sale & (g_lines > 1)
    if ocol is not None and multi.any():
        notices.append(Notice("orders_by_id", column=cols.order_id, orders=int((sale & (g_amount >= 0)).sum()),
                              lines=int(row_live_used.sum()), returns=int((sale & (g_amount < 0)).sum())))
    if cols.amount is None:
        notices.append(Notice("amount_from_lines", quantity=cols.quantity, unit_price=cols.unit_price))
    elif multi.any():
        notices.append(Notice("amount_order_total" if level == "order" else "amount_sum_of_lines", column=cols.amount))

    scripts = {c: digit_script(data[c].uniques) for c in cols.digit_columns()}
    for script in dict.fromkeys(s for s in scripts.values() if s):
        notices.append(Notice("digits", script=script, columns=tuple(c for c, s in scripts.items() if s == script)))

    keep_rows = row_live_used
    for col_name, col, fixed in ((cols.date, dcol, dr.fixed),):
        if len(fixed):
            f = fixed[np.maximum(col.codes, 0)]
            report(col_name, col, keep_rows & (f != None), f, "fixed")  # noqa: E711
    for _, col_name, col, *_, fixed in la.parts:
        if len(fixed):
            f = fixed[np.maximum(col.codes, 0)]
            report(col_name, col, keep_rows & (f != None), f, "fixed")  # noqa: E711

    # ---- the orders: one row per order, a refund row per refunded order
    gi = np.flatnonzero(sale)
    ri = np.flatnonzero(refunded)
    all_rows = np.r_[rows[g_first[gi]], rows[g_first[ri]]]
    all_dates = np.r_[g_date[gi], g_date[ri]]
    all_amounts = np.r_[g_amount[gi], -g_refund[ri]]
    all_customers = np.r_[g_customer[gi], g_customer[ri]]
    kind = np.r_[np.zeros(len(gi), np.int8), np.ones(len(ri), np.int8)]
    order = np.lexsort((kind, all_rows, all_dates))
    frame = pd.DataFrame({
        "row": all_rows[order].astype("int64"),
        "customer": _customer_column(all_customers[order], keys),
        "date": pd.Series(all_dates[order].astype("datetime64[ns]"), dtype="datetime64[ns]"),
        "amount": all_amounts[order].astype("float64"),
    })
    slice_evidence = None
    if decided is not None:
        readings = {**la.readings, **({cols.refund: rr} if rr is not None else {})}
        slice_evidence = SliceEvidence(counts, level, tuple((c, r.votes) for c, r in readings.items()),
                                       tuple((c, bool(r.decimal_comma)) for c, r in readings.items()),
                                       left_keys, refund_keys_applied)
    return Orders(frame, issue_frame(issues, rows, names), cols, cleaning_order(notices, cols), n, source, first_row,
                  n_used_rows=int(row_live_used.sum()), slice_evidence=slice_evidence,
                  customer_typing=keyboard_letters(cust))


def _refunds_of_sales_left_out(left_out: np.ndarray, own_refund: np.ndarray, given: Collection[str],
                               ocol: ColumnValues | None, g_first: np.ndarray, customer_keys: np.ndarray,
                               g_customer: np.ndarray, g_amount: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which refunds by status (``own_refund``, per order) refund a sale that is left out
    (``left_out``, per order), here or in another slice of the table (keys ``given``): by
    order id, or by customer and value for a refund with no id
    (:func:`~retention_xl.analysis.order_status.refund_keys`).

    Returns the keys of the sales left out, the keys of the refunds applied, and per order
    whether it is a refund that stays out with its sale."""
    pick = np.flatnonzero(left_out | own_refund)
    kept = np.zeros(len(own_refund), bool)
    if not len(pick):
        return np.array([], dtype=object), np.array([], dtype=object), kept
    ids = np.full(len(pick), None, dtype=object)
    if ocol is not None:
        first = g_first[pick]
        has = ~ocol.missing_rows()[first]
        if has.any():
            ids[has] = id_texts(ocol.uniques.iloc[ocol.codes[first[has]]].reset_index(drop=True))
    by_id, by_customer = refund_keys(ids, customer_keys[g_customer[pick]], g_amount[pick])
    sale, refund = left_out[pick], own_refund[pick]
    sale_keys = np.concatenate([by_id[sale & (by_id != None)], by_customer[sale]])  # noqa: E711
    refund_key = np.where(by_id != None, by_id, by_customer)[refund]  # noqa: E711
    # object arrays: pandas' hash table (isin on Arrow strings took 1.6 s for 100,000 keys)
    known = np.concatenate([sale_keys, np.asarray(list(given), dtype=object)]) if len(given) else sale_keys
    out = pd.Index(refund_key, dtype=object).isin(known)
    kept[pick[refund][out]] = True
    return sale_keys, refund_key[~out], kept


def _customer_column(codes: np.ndarray, keys: pd.Series) -> pd.Categorical:
    """The orders' customers as a categorical column: ``keys[codes]``, the categories the
    customer ids used, sorted (what ``astype("category")`` gives), without making a
    string per order."""
    used = np.zeros(len(keys), dtype=bool)
    used[codes] = True
    position = np.cumsum(used) - 1  # of each used key among the used ones
    key_codes, ids = pd.factorize(keys[used], sort=True)  # spellings that clean to one id merge
    return pd.Categorical.from_codes(key_codes[position[codes]], categories=pd.Index(ids, dtype="str"))


@dataclass(frozen=True)
class _LineAmounts:
    """Per row: the line's amount (NaN where unusable), whether it is usable, whether a
    filled cell could not be read and that cell's problem code; the columns read."""

    value: np.ndarray
    ok: np.ndarray
    bad: np.ndarray
    problem: np.ndarray
    parts: tuple  # (role, column name, ColumnValues, missing rows, bad rows, problem per row, fixed per distinct)
    decimal_comma: bool = False  # a column read with a decimal comma
    readings: dict = None  # the NumberReading of each column read, by name


def _line_amounts(cols: ColumnMap, data: dict, n: int, notices: list, numbers, *,
                  comma_hint: bool = False) -> _LineAmounts:
    """The amount of each row: the amount cell, or quantity x unit price, each column read
    by ``numbers(column, hint)`` (``comma_hint``: another amount column of the table has a
    decimal comma)."""
    names = [("amount", cols.amount)] if cols.amount is not None else [("quantity", cols.quantity),
                                                                       ("unit_price", cols.unit_price)]
    readings = {name: numbers(name, comma_hint) for _, name in names}
    if any(r.decimal_comma for r in readings.values()):
        for name, r in readings.items():
            if r.point_assumed:
                readings[name] = numbers(name, True)
    value = np.ones(n)
    ok = np.ones(n, bool)
    bad = np.zeros(n, bool)
    problem = np.full(n, None, dtype=object)
    parts = []
    for role, name in names:
        col = data[name]
        nr = readings[name]
        miss = col.missing_rows()
        if col.uniques.dtype in (object, "str") and len(col.uniques):
            u = col.uniques
            text = u if u.dtype == "str" else u.map(lambda v: v if isinstance(v, str) else "").astype("str")
            dash_u = (text.str.strip() == "-").to_numpy(dtype=bool)
            miss &= ~dash_u[np.maximum(col.codes, 0)]  # "-" is zero in accounting format
        code = np.maximum(col.codes, 0)
        too_large = np.abs(nr.values.astype("float64")) >= MAX_AMOUNT
        if too_large.any():
            nr.problem[too_large & (nr.problem == None)] = "amount_too_large"  # noqa: E711
        prob = nr.problem[code] if len(nr.problem) else np.full(n, None, object)
        b = (prob != None) & ~miss  # noqa: E711
        value = value * (nr.values[code].astype("float64") if len(nr.values) else np.zeros(n))
        ok &= ~miss & ~b
        problem = np.where((problem == None) & b & ~bad, prob, problem)  # noqa: E711
        bad |= b
        parts.append((role, name, col, miss, b, prob, nr.fixed))
        _separator_notices(notices, name, nr)
        if nr.currencies:
            notices.append(Notice("currencies_mixed" if nr.mixed_currencies else "currency_removed",
                                  column=name, marks=tuple(nr.currencies[:6])))
    if len(parts) == 2:  # quantity x unit price: each below the limit, their product maybe not
        big = ok & (np.abs(value) >= MAX_AMOUNT)
        if big.any():
            role, name, col, miss, b, prob, fixed = parts[1]
            parts[1] = (role, name, col, miss, b | big, np.where(big, "amount_too_large", prob), fixed)
            problem = np.where(big, "amount_too_large", problem)
            ok &= ~big
            bad |= big
    return _LineAmounts(np.where(ok, value, np.nan), ok, bad, problem, tuple(parts),
                        any(r.decimal_comma for r in readings.values()), readings)


def decide_row_level(counts: LevelCounts, header_tokens: list[str]) -> str:
    """The amount level of an export without a known layout, from its orders' counts
    (:func:`~retention_xl.analysis.order_lines.decide_level`), or ``"row"``: one row per
    order with a few ids repeated (fewer than :data:`ROW_PER_ORDER_SHARE` of the orders
    have more than one row)."""
    level = decide_level(counts, header_tokens)
    if level == "line" and counts.orders and counts.multi / counts.orders < ROW_PER_ORDER_SHARE:
        return "row"
    return level


def _separator_notices(notices: list, column: str, reading) -> None:
    """What a column's decimal separator was: a comma, or a point taken for want of a value
    that settles it (``1.000`` read as 1)."""
    if reading.decimal_comma:
        notices.append(Notice("decimal_comma", column=column))
    elif reading.point_assumed:
        example = reading.point_assumed
        notices.append(Notice("decimal_point_assumed", column=column, example=example,
                              read_as=_plain_number(example)))


def _plain_number(text: str) -> str:
    """``1.000`` as read with a decimal point: ``1``; ``1.250``: ``1.25``."""
    return f"{float(text):g}" if abs(float(text)) < 1e15 else text


def _status_notice(notices: list, column: str, scol: ColumnValues, fs: np.ndarray, rows: np.ndarray,
                   shown: np.ndarray, excluded: np.ndarray, amounts: np.ndarray) -> None:
    """Which statuses were counted as sales and which were not, with counts and values
    (over the ``shown`` orders: the sales and the orders left out for their status), and
    the row (``rows``: each input row's number) of each status's first order shown."""
    has = (fs >= 0) & shown
    if not has.any():
        return
    codes = scol.codes[fs[has]]
    counts = np.bincount(codes, minlength=len(scol.uniques))
    out_codes = scol.codes[fs[excluded]]
    out_counts = np.bincount(out_codes, minlength=len(scol.uniques))
    texts = [cell_text(v) for v in scol.uniques]
    # statuses in the order their first shown order comes (not their first cell, which may
    # be on a row not counted): the order the batches of one table give them too
    first = np.full(len(scol.uniques), len(scol.codes), dtype=np.int64)
    np.minimum.at(first, codes, fs[has])
    tally: dict[str, list[int]] = {}
    for i in np.argsort(first, kind="stable")[:int((counts > 0).sum())]:
        both = tally.setdefault(texts[i], [0, 0, int(rows[first[i]])])
        both[0] += int(counts[i])
        both[1] += int(out_counts[i])
    notices.append(status_notice(column, tally, int(excluded.sum()), float(amounts[excluded].sum())))


def status_notice(column: str, tally: dict[str, list[int]], count: int, value: float) -> Notice:
    """The statuses notice from each status's orders shown and orders left out
    (``tally``: text -> [shown, left out, the row of its first order shown]), ``count`` and
    ``value`` of the orders left out.
    The tally travels in the notice (``tally``), so the notices of several slices of one
    table add up to the notice of the whole (see :mod:`retention_xl.engines.staging`), in
    the order of the statuses' first rows whatever order the slices come in.
    Each list names the :data:`STATUSES_SHOWN` commonest statuses; ``statuses_more`` and
    ``kept_more`` count the statuses not named."""
    def listed(items) -> tuple[tuple[tuple[str, int], ...], int]:
        """The :data:`STATUSES_SHOWN` commonest statuses with their counts (``(text, n)``
        pairs, for the layout to list), and how many more there are."""
        ranked = sorted(items, key=lambda kv: -kv[1])  # ties in order of first appearance
        shown = ranked[:STATUSES_SHOWN]
        return tuple(shown), len(ranked) - len(shown)

    tally = dict(sorted(tally.items(), key=lambda kv: kv[1][2]))  # by first row
    kept, kept_more = listed((text, shown) for text, (shown, out, _) in tally.items() if out == 0)
    out, out_more = listed((text, out) for text, (_, out, _) in tally.items() if out > 0)
    frozen = tuple((text, shown, out, first) for text, (shown, out, first) in tally.items())
    if count:
        return Notice("statuses_excluded", column=column, count=count, value=value, statuses=out,
                      statuses_more=out_more, kept=kept, kept_more=kept_more, tally=frozen)
    return Notice("statuses_kept", column=column, kept=kept, kept_more=kept_more, tally=frozen)


def _same_codes(codes: np.ndarray, meaning, read: np.ndarray) -> np.ndarray:
    """Row codes of a column whose distinct values (``codes`` into them) are merged where they
    read as the same ``meaning`` (per distinct value; ``read`` where it was read), for
    :func:`_identical_rows`.

    >>> _same_codes(np.array([0, 1, 2, -1]), np.array([5.0, 5.0, 7.0]), np.array([True, True, False])).tolist()
    [0, 0, 3, -1]
    """
    if not len(meaning):
        return codes
    kept = np.asarray(meaning)[read]
    if kept.dtype.kind not in "biufcmM":  # mixed values (a customer id as a number and as text) compared as objects
        kept = pd.Series(kept, dtype=object)
    merged = pd.factorize(kept)[0]  # dates and numbers on their own dtype: boxing 600,000 instants took 1.6 s
    per_value = np.arange(len(meaning)) + (merged.max(initial=-1) + 1)
    per_value[read] = merged
    return np.where(codes >= 0, per_value[np.maximum(codes, 0)], -1)


def _identical_rows(raw: pd.DataFrame, data: dict, others: list[int], usable: np.ndarray, rows: np.ndarray,
                    issues: list, proven: bool, line_value: np.ndarray | None,
                    same: dict[str, np.ndarray] | None = None) -> Notice | None:
    """Rows equal in every column to an earlier usable row: listed as possible duplicates and
    kept, or, when ``proven`` (order totals under one order id), listed as duplicates and not used.

    Duplicates agree on the role columns first; only those rows are compared on the other columns.
    ``same`` gives a role column's rows as codes of what they mean (the date column's: one
    code per instant, a date cell and its text alike), in place of its values'.
    """
    cand = np.flatnonzero(usable)
    codes = {name: (same or {}).get(name, c.codes) for name, c in data.items()}
    for c in codes.values():  # a column whose every value is different (order ids) has no duplicates
        if (c >= 0).any() and np.bincount(c[c >= 0]).max() <= 1 and np.count_nonzero(c[cand] < 0) <= 1:
            return None
    key = np.zeros(len(cand), dtype="int64")
    for c in codes.values():
        key = pd.factorize(key * (int(c.max(initial=-1)) + 2) + c[cand].astype("int64") + 1)[0].astype("int64")
    maybe = pd.Series(key).duplicated(keep=False).to_numpy()
    if not maybe.any():
        return None
    cand = cand[maybe]
    key = key[maybe]
    for i in others:
        c = ColumnValues.of(raw.iloc[cand, i])
        key = pd.factorize(key * (len(c.uniques) + 1) + c.codes.astype("int64") + 1)[0].astype("int64")
    key = pd.factorize(key)[0].astype("int64")  # numbered in order of first appearance
    dup_mask = pd.Series(key).duplicated().to_numpy()
    if not dup_mask.any():
        return None
    first_of_key = cand[np.flatnonzero(~dup_mask)]
    first = first_of_key[key[dup_mask]]
    where = cand[dup_mask]
    value = line_value[where] if line_value is not None else np.full(len(where), np.nan)
    if proven:
        problem = np.array([f"duplicate:{r}" for r in rows[first]], dtype=object)
        issues.append((where, "", np.full(len(where), ""), problem, "skipped", 1, np.full(len(where), np.nan)))
        usable[where] = False
        return Notice("duplicates_dropped", count=len(where))
    problem = np.array([f"possible_duplicate:{r}" for r in rows[first]], dtype=object)
    issues.append((where, "", np.full(len(where), ""), problem, "kept", 1, value))
    return Notice("possible_duplicates", count=len(where), value=float(np.nansum(value)))


def no_orders_error(orders: Orders) -> NoUsableOrders:
    """Why not one row of the table was usable: the commonest problems and the first bad cell.

    A caller that stops when there are no orders has no report to show the data issues in,
    so the error carries them (its ``roles`` name the columns used, for the door to say
    how to choose others).

    Examples
    --------
    >>> raw = pd.DataFrame({"Customer": ["a", ""], "Date": ["soon", "2023-01-01"], "Total": ["1", "2"]})
    >>> str(no_orders_error(clean_orders(raw)))  # doctest: +NORMALIZE_WHITESPACE
    "no usable orders: all 2 rows were skipped (1 not a date, 1 missing customer; first: row 2, 'Date' = 'soon': not a date); columns used: customer 'Customer', date 'Date', amount 'Total'"
    """
    n, cols, issues = orders.n_input_rows, orders.columns, orders.issues
    used = {role: name for role, name in cols.used().items() if role in ("customer", "date", "amount", "quantity",
                                                                          "unit_price", "order_id")}
    if not n:
        return NoUsableOrders("no usable orders: the table has a header row but no rows below it", roles=used)
    skipped = issues[issues["action"].isin(["skipped", "excluded", "left_out"])]
    counts = skipped["problem"].value_counts(sort=False).sort_values(ascending=False, kind="stable")
    top = ", ".join(f"{c:,} {p.replace('_', ' ')}" for p, c in counts.head(3).items())
    first = skipped.iloc[0]
    where = f"row {first['row']}" + (f", '{short_text(first['column'])}' = '{short_text(first['value'])}'" if first["column"] else "")
    rows = "the only row was" if n == 1 else f"all {n:,} rows were"
    listed = ", ".join(f"{role} '{short_text(name)}'" for role, name in used.items())
    return NoUsableOrders(f"no usable orders: {rows} skipped ({top}; first: {where}: {first['problem'].replace('_', ' ')}); "
                          f"columns used: {listed}", roles=used)


