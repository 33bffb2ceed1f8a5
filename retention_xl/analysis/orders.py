"""From a raw order export to a clean order table, with every dropped row explained.

:func:`clean_orders` finds the customer, date and amount columns
(:func:`detect_columns`), reads their values whatever the export wrote
(:mod:`~retention_xl.analysis.dates`, :mod:`~retention_xl.analysis.numerals`) and returns
the orders it could use plus one line per problem. Every input row ends up either in
``frame`` or, as skipped, in ``issues``; :func:`no_orders_error` says in one line why
none was usable, for callers that then have no report to show the issues in. Problems
and decisions are codes and values (:class:`~retention_xl.analysis.notices.Notice`); the
report layout words them in the user's language. Refunds
(negative amounts) and zero amounts are kept: they are orders that change revenue.

All per-value work is done once per *distinct* value of a column and mapped back, so a
million rows with a few thousand distinct dates cost little more than the distinct values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.columns import ColumnMap, detect_columns, short_text
from retention_xl.analysis.dates import parse_dates
from retention_xl.analysis.notices import Notice
from retention_xl.analysis.numerals import clean_text, digit_script, parse_numbers
from retention_xl.errors import NoUsableOrders

__all__ = ["Orders", "ISSUE_COLUMNS", "clean_orders", "no_orders_error"]

#: the columns of :attr:`Orders.issues`, in order
ISSUE_COLUMNS = ("row", "column", "value", "problem", "detail", "action")

_BLANK = "[ \t\r\n\x0b\x0c\u00a0\u202f\u2007\u2009\u3000\u200b\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]*"
_NULL_TEXT = {"nan", "none", "null", "n/a", "#n/a", "na", "nil", "-", "--"}


@dataclass(frozen=True)
class Orders:
    """The usable orders of a table, the problems found, and the decisions taken.

    Attributes
    ----------
    frame : pandas.DataFrame
        ``row`` (int64, input row number), ``customer`` (str), ``date`` (datetime64[ns]),
        ``amount`` (float64), sorted by (date, row). Negative amounts are refunds.
    issues : pandas.DataFrame
        ``row``, ``column``, ``value`` (the cell as text), ``problem`` (a code such as
        ``"not_a_date"``), ``detail`` (data that goes with the code, e.g. the row a
        duplicate repeats, else ""), ``action`` ("skipped" or "fixed"), sorted by row.
    columns : ColumnMap
        The column used for each role.
    notices : tuple of Notice
        Column-level decisions (date order, calendar, digits, currency ...).
    n_input_rows : int
    source : str
        Where the table came from, e.g. ``"orders.xlsx, sheet 'Orders'"``.
    first_row : int
        Row number of the table's first data row in the user's file.
    """

    frame: pd.DataFrame
    issues: pd.DataFrame
    columns: ColumnMap
    notices: tuple[Notice, ...]
    n_input_rows: int
    source: str = ""
    first_row: int = 2

    @property
    def skipped_rows(self) -> int:
        """How many input rows were left out."""
        issues = self.issues
        return int(issues.loc[issues["action"] == "skipped", "row"].nunique()) if len(issues) else 0


@dataclass
class _Column:
    """One input column as codes into its distinct values."""

    codes: np.ndarray  # -1 for missing
    uniques: pd.Series
    counts: np.ndarray
    blank: np.ndarray  # per distinct value: empty, or only spaces and invisible marks
    null: np.ndarray  # per distinct value: blank, or text such as "N/A", "null", "-"

    @classmethod
    def of(cls, values: pd.Series) -> _Column:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniques = pd.Series(np.asarray(uniques, dtype=object) if values.dtype == object else uniques)
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        blank = np.zeros(len(uniques), bool)
        null = blank.copy()
        if len(uniques) and (values.dtype == object or values.dtype == "str"):
            if values.dtype == "str":
                is_text = np.ones(len(uniques), bool)
                text = uniques
            else:
                is_text = uniques.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
                text = uniques[is_text].astype("str")
            blank[is_text] = text.str.fullmatch(_BLANK).to_numpy(dtype=bool)
            short = text.str.len().to_numpy() <= 5
            null[np.flatnonzero(is_text)[short]] = text[short].str.strip().str.lower().isin(_NULL_TEXT).to_numpy()
            null |= blank
        return cls(codes, uniques, counts, blank, null)

    def missing_rows(self, null_text: bool = True) -> np.ndarray:
        empty = self.null if null_text else self.blank
        return (self.codes < 0) | (empty[np.maximum(self.codes, 0)] if len(empty) else False)

    def text(self, rows: np.ndarray) -> np.ndarray:
        """The original cells of ``rows`` as text, at most 100 characters."""
        codes = self.codes[rows]
        used = np.unique(codes[codes >= 0])
        shown = np.full(len(self.uniques), "", dtype=object)
        shown[used] = [_as_text(v) for v in self.uniques.iloc[used]]
        return np.where(codes >= 0, shown[np.maximum(codes, 0)] if len(shown) else "", "")


def _as_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)[:100]


def _customer_ids(col: _Column) -> tuple[pd.Series, int]:
    """Distinct customer values as ids; returns ids and how many distinct values merged."""
    u = col.uniques
    if u.dtype.kind in "iuf" or u.dtype == object:
        u = u.map(_as_id)
    ids = clean_text(u)
    real = ~col.blank
    return ids, int(real.sum() - ids[real].nunique())


def _as_id(v: object) -> str:
    if isinstance(v, (float, np.floating)) and np.isfinite(v) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return str(int(v))
    return str(v)


def clean_orders(raw: pd.DataFrame, *, customer: str | None = None, date: str | None = None,
                 amount: str | None = None, first_row: int = 2,
                 dayfirst: bool | None = None, source: str = "") -> Orders:
    """Turn a raw order table into clean orders plus a list of what was wrong.

    Parameters
    ----------
    raw : pandas.DataFrame
        The table as read (see :func:`retention_xl.sources.files.read_table`); it is not modified.
    customer, date, amount : str, optional
        Column names chosen by the user; others are detected from the headers.
    first_row : int
        Row number of ``raw``'s first row in the user's file (header in row 1 -> 2).
    dayfirst : bool, optional
        Force the order of text dates like 03/04/2023; by default decided from the data.
    source : str
        Where the table came from, kept on the result for the report.

    Returns
    -------
    Orders

    Raises
    ------
    DataError
        When the customer, date or amount column cannot be found.

    Examples
    --------
    >>> raw = pd.DataFrame({"Customer": ["a", "b", "", "a"],
    ...                     "Date": ["2023-01-05", "2023-01-02", "", "soon"],
    ...                     "Total": ["$10", "(5.00)", "", "3"]})
    >>> result = clean_orders(raw)
    >>> result.frame.to_dict("list")["amount"], result.issues["problem"].tolist()
    ([-5.0, 10.0], ['accounting_negative', 'blank_row', 'not_a_date'])
    """
    cols = detect_columns(raw.columns, customer=customer, date=date, amount=amount)
    n = len(raw)
    names = [str(c) for c in raw.columns]
    rows = np.arange(first_row, first_row + n, dtype="int64")
    # The customer, date and amount columns are read whole; any other column only for the
    # few rows where it matters (blank rows, duplicate candidates).
    role_at = {name: names.index(name) for name in (cols.customer, cols.date, cols.amount)}  # first of a name
    data = {name: _Column.of(raw.iloc[:, i]) for name, i in role_at.items()}
    others = [i for i in range(raw.shape[1]) if i not in role_at.values()]
    cust, dcol, acol = data[cols.customer], data[cols.date], data[cols.amount]
    notices: list[Notice] = []
    issues: list[tuple[np.ndarray, str, np.ndarray, object, str]] = []

    blank_row = np.ones(n, bool)
    for c in data.values():
        blank_row &= c.missing_rows(null_text=False)
    for i in others:
        maybe = np.flatnonzero(blank_row)
        if len(maybe):
            blank_row[maybe] = _Column.of(raw.iloc[maybe, i]).missing_rows(null_text=False)
    if blank_row.any():
        issues.append((np.flatnonzero(blank_row), "", np.full(blank_row.sum(), ""), "blank_row", "skipped"))
    skip = blank_row.copy()

    def report(col_name: str, col: _Column, bad: np.ndarray, problem, action: str) -> None:
        where = np.flatnonzero(bad)
        if len(where):
            p = problem if isinstance(problem, str) else problem[where]
            issues.append((where, col_name, col.text(where), p, action))

    # Customer
    ids_u, merged = _customer_ids(cust)
    no_customer = cust.missing_rows() & ~blank_row
    report(cols.customer, cust, no_customer, "missing_customer", "skipped")
    skip |= no_customer
    if merged > 0:
        notices.append(Notice("customer_ids_merged", column=cols.customer, count=merged))

    # Date
    dr = parse_dates(dcol.uniques, dcol.counts, dayfirst=dayfirst, column=cols.date)
    dmiss = dcol.missing_rows() & ~blank_row
    report(cols.date, dcol, dmiss, "missing_date", "skipped")
    dcode = np.maximum(dcol.codes, 0)
    dprob = dr.problem[dcode] if len(dr.problem) else np.full(n, None, object)
    dbad = (dprob != None) & ~dmiss & ~blank_row  # noqa: E711
    report(cols.date, dcol, dbad, dprob, "skipped")
    skip |= dmiss | dbad
    notices += dr.notices

    # Amount
    ar = parse_numbers(acol.uniques, acol.counts)
    amiss = acol.missing_rows() & ~blank_row
    if acol.uniques.dtype in (object, "str") and len(acol.uniques):
        u = acol.uniques
        text = u if u.dtype == "str" else u.map(lambda v: v if isinstance(v, str) else "").astype("str")
        dash_u = (text.str.strip() == "-").to_numpy(dtype=bool)
        amiss &= ~dash_u[np.maximum(acol.codes, 0)]  # "-" is zero in accounting format
    report(cols.amount, acol, amiss, "missing_amount", "skipped")
    acode = np.maximum(acol.codes, 0)
    aprob = ar.problem[acode] if len(ar.problem) else np.full(n, None, object)
    abad = (aprob != None) & ~amiss & ~blank_row  # noqa: E711
    report(cols.amount, acol, abad, aprob, "skipped")
    skip |= amiss | abad
    if ar.decimal_comma:
        notices.append(Notice("decimal_comma", column=cols.amount))
    if ar.currencies:
        marks = ", ".join(ar.currencies[:6])
        code = "currencies_mixed" if len(ar.currencies) > 1 else "currency_removed"
        notices.append(Notice(code, column=cols.amount, marks=marks))

    scripts = {c: digit_script(data[c].uniques) for c in (cols.customer, cols.date, cols.amount)}
    for script in dict.fromkeys(s for s in scripts.values() if s):
        where = ", ".join(f"'{c}'" for c, s in scripts.items() if s == script)
        notices.append(Notice("digits", script=script, columns=where))

    # Exact duplicates of an earlier usable row (all columns equal).
    # Duplicates agree on customer, date and amount first; only those rows are compared on
    # the other columns.
    cand = np.flatnonzero(~skip)
    key = np.zeros(len(cand), dtype="int64")
    for c in data.values():
        key = pd.factorize(key * (len(c.uniques) + 1) + c.codes[cand].astype("int64") + 1)[0].astype("int64")
    maybe = pd.Series(key).duplicated(keep=False).to_numpy()
    if maybe.any():
        cand = cand[maybe]
        key = key[maybe]
        for i in others:
            c = _Column.of(raw.iloc[cand, i])
            key = pd.factorize(key * (len(c.uniques) + 1) + c.codes.astype("int64") + 1)[0].astype("int64")
    else:
        cand, key = cand[:0], key[:0]
    key = pd.factorize(key)[0].astype("int64")  # numbered in order of first appearance
    dup_mask = pd.Series(key).duplicated().to_numpy()
    if dup_mask.any():
        first_of_key = cand[np.flatnonzero(~dup_mask)]
        first = first_of_key[key[dup_mask]]
        where = cand[dup_mask]
        issues.append((where, "", np.full(len(where), ""),
                       np.array([f"duplicate:{r}" for r in rows[first]], dtype=object), "skipped"))
        skip[where] = True

    keep = ~skip
    for col_name, col, fixed in ((cols.date, dcol, dr.fixed), (cols.amount, acol, ar.fixed)):
        if len(fixed):
            f = fixed[np.maximum(col.codes, 0)]
            report(col_name, col, keep & (f != None), f, "fixed")  # noqa: E711

    idx = np.flatnonzero(keep)
    dates = dr.values[dcode[idx]] if len(idx) else np.array([], dtype="datetime64[ns]")
    order = np.lexsort((rows[idx], dates))
    idx = idx[order]
    frame = pd.DataFrame({
        "row": rows[idx],
        "customer": ids_u.take(cust.codes[idx]).reset_index(drop=True).astype("str"),
        "date": pd.Series(dates[order], dtype="datetime64[ns]"),
        "amount": ar.values[acode[idx]].astype("float64"),
    })
    return Orders(frame, _issue_frame(issues, rows, names), cols, tuple(notices), n, source, first_row)


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
    used = {role: getattr(cols, role) for role in ("customer", "date", "amount")}
    if not n:
        return NoUsableOrders("no usable orders: the table has a header row but no rows below it", roles=used)
    skipped = issues[issues["action"] == "skipped"]
    counts = skipped["problem"].value_counts(sort=False).sort_values(ascending=False, kind="stable")
    top = ", ".join(f"{c:,} {p.replace('_', ' ')}" for p, c in counts.head(3).items())
    first = skipped.iloc[0]
    where = f"row {first['row']}" + (f", '{short_text(first['column'])}' = '{short_text(first['value'])}'" if first["column"] else "")
    rows = "the only row was" if n == 1 else f"all {n:,} rows were"
    listed = ", ".join(f"{role} '{short_text(name)}'" for role, name in used.items())
    return NoUsableOrders(f"no usable orders: {rows} skipped ({top}; first: {where}: {first['problem'].replace('_', ' ')}); "
                          f"columns used: {listed}", roles=used)


def _issue_frame(issues, rows: np.ndarray, names: list[str]) -> pd.DataFrame:
    """One row per problem; a problem ``"code:detail"`` is split into its two columns."""
    if not issues:
        return pd.DataFrame({"row": pd.Series([], dtype="int64"),
                             **{c: pd.Series([], dtype="str") for c in ISSUE_COLUMNS[1:]}})
    where = np.concatenate([w for w, *_ in issues])
    col = np.concatenate([np.full(len(w), c, dtype=object) for w, c, *_ in issues])
    value = np.concatenate([np.asarray(v, dtype=object) for _, _, v, *_ in issues])
    problem = np.concatenate([np.full(len(w), p, dtype=object) if isinstance(p, str) else p
                              for w, _, _, p, _ in issues])
    action = np.concatenate([np.full(len(w), a, dtype=object) for w, *_, a in issues])
    position = {n: i + 1 for i, n in enumerate(names)}
    rank = pd.Series(col).map(position).fillna(0).to_numpy(dtype="int64")
    order = np.lexsort((rank, where))
    coded = pd.Series(problem[order], dtype="str").str.partition(":")
    return pd.DataFrame({
        "row": rows[where[order]],
        "column": pd.Series(col[order], dtype="str"),
        "value": pd.Series(value[order], dtype="str"),
        "problem": coded[0],
        "detail": coded[2],
        "action": pd.Series(action[order], dtype="str"),
    })
