"""The two optional tables that come beside the orders, cleaned: survey answers and a contact log.

Both are read the way the orders are (:mod:`~retention_xl.analysis.orders`): columns found
by their headers in English, Arabic or Persian (or named by the caller), customer ids read
as the orders' ids are (so ``"۱۲۳"`` in a survey matches ``123`` in the orders), dates in
any export style (:func:`~retention_xl.analysis.dates.parse_dates`), scores as numbers in
any script (:func:`~retention_xl.analysis.numerals.parse_numbers`), and every row either
used or listed in ``issues`` with a problem code.

*Survey answers* (:func:`clean_survey`): one row per answer, with a date and at least one
of an NPS score (whole number 0-10), a satisfaction answer (CSAT, 1-5) and an effort
answer (CES, 1-7, 7 = very easy, as the template's Survey sheet asks it). The customer
and a comment are optional; an answer without a customer still counts in the NPS.

*Contact log* (:func:`clean_contact_log`): one row per touch, with the customer and the
date; the channel (e-mail, phone, SMS ...) is optional.

Examples
--------
>>> raw = pd.DataFrame({"Customer": ["c1", "", "c2"], "Date": ["2024-03-01", "2024-03-02", "soon"],
...                     "NPS": ["9", "4", "10"]})
>>> survey = clean_survey(raw)
>>> survey.frame[["customer", "score"]].to_dict("list"), survey.issues["problem"].tolist()
({'customer': ['c1', ''], 'score': [9.0, 4.0]}, ['not_a_date'])
>>> log = clean_contact_log(pd.DataFrame({"Client": [123.0], "Contacted at": ["2024-03-05"]}))
>>> log.frame["customer"].tolist(), log.column("channel")
(['123'], None)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.dates import parse_dates
from retention_xl.analysis.notices import Notice
from retention_xl.analysis.numerals import parse_numbers
from retention_xl.analysis.column_values import ColumnValues, row_keys, row_texts
from retention_xl.analysis.issue_table import issue_frame
from retention_xl.analysis.metrics import whole_scores
from retention_xl.analysis.side_columns import KIND_NAMES, find_side_columns, missing_side_columns
from retention_xl.errors import InvalidValue

__all__ = [
    "SideTable",
    "SURVEY_ROLES",
    "CONTACT_ROLES",
    "ANSWER_SCALES",
    "clean_survey",
    "clean_contact_log",
]

#: the columns of a survey, in order; ``date`` and one answer column are needed
SURVEY_ROLES = ("customer", "date", "score", "satisfaction", "effort", "comment")
#: the columns of a contact log, in order; ``customer`` and ``date`` are needed
CONTACT_ROLES = ("customer", "date", "channel")
#: the whole numbers each answer column accepts (inclusive)
ANSWER_SCALES = {"score": (0, 10), "satisfaction": (1, 5), "effort": (1, 7)}
_ANSWERS = tuple(ANSWER_SCALES)



@dataclass(frozen=True)
class SideTable:
    """Survey answers or a contact log as used, what was wrong, and the columns used.

    Attributes
    ----------
    kind : {"survey", "contacts"}
    frame : pandas.DataFrame
        ``row`` (int64, input row), ``customer`` (str, ``""`` when not given), ``date``
        (datetime64[ns]) and, for a survey, ``score``, ``satisfaction``, ``effort``
        (float64, NaN when not answered) and ``comment`` (str); for a contact log,
        ``channel`` (str). Sorted by (date, row).
    issues : pandas.DataFrame
        Columns of :data:`~retention_xl.analysis.issue_table.ISSUE_COLUMNS`: every row skipped
        or value fixed, with a problem code.
    columns : tuple of (role, header)
        The column used for each role found.
    notices : tuple of Notice
        Column-level decisions (date order, calendar ...).
    n_input_rows : int
    source : str
    first_row : int
        Row number of the table's first data row in the user's file.
    """

    kind: str
    frame: pd.DataFrame
    issues: pd.DataFrame
    columns: tuple[tuple[str, str], ...]
    notices: tuple[Notice, ...]
    n_input_rows: int
    source: str = ""
    first_row: int = 2

    def column(self, role: str) -> str | None:
        """The header of the column used for ``role``, or ``None``."""
        return dict(self.columns).get(role)

    @property
    def skipped_rows(self) -> int:
        """How many input rows were left out."""
        issues = self.issues
        return int(issues.loc[issues["action"] == "skipped", "row"].nunique()) if len(issues) else 0


def _add(issues: list, where: np.ndarray, column: str, shown: np.ndarray, problem, action: str) -> None:
    if len(where):
        issues.append((where, column, shown, problem, action))


def _clean(raw: pd.DataFrame, kind: str, roles: tuple[str, ...], chosen: dict[str, str | None], *,
           first_row: int, dayfirst: bool | None, source: str) -> SideTable:
    if not isinstance(raw, pd.DataFrame):
        raise InvalidValue(f"the {KIND_NAMES[kind]} must be a pandas DataFrame, got {type(raw).__name__}")
    table = source or KIND_NAMES[kind]
    headers = [str(c) for c in raw.columns]
    cols = find_side_columns(headers, kind, roles, chosen)
    needed = ["date"] + (["customer"] if kind == "contacts" else [])
    missing = [r for r in roles if r in needed and r not in cols]
    if missing:
        raise missing_side_columns(headers, kind, missing, table)
    if kind == "survey" and not any(r in cols for r in _ANSWERS):
        raise missing_side_columns(headers, kind, list(_ANSWERS), table, either=True)
    n = len(raw)
    rows = np.arange(first_row, first_row + n, dtype=np.int64)
    position = {h: headers.index(h) for h in cols.values()}
    cells = {role: ColumnValues.of(raw.iloc[:, position[h]]) for role, h in cols.items()}
    issues: list[tuple] = []
    notices: list[Notice] = []

    blank = np.ones(n, bool)
    for c in cells.values():
        blank &= c.missing_rows()
    _add(issues, np.flatnonzero(blank), "", np.full(int(blank.sum()), ""), "blank_row", "skipped")
    skip = blank.copy()

    out: dict[str, object] = {}
    customer = cells.get("customer")
    ids = row_keys(customer) if customer is not None else np.full(n, "", dtype=object)
    if kind == "contacts":
        no_customer = (ids == "") & ~blank
        _add(issues, np.flatnonzero(no_customer), cols["customer"], customer.text(np.flatnonzero(no_customer)),
             "missing_customer", "skipped")
        skip |= no_customer
    out["customer"] = ids

    dc = cells["date"]
    reading = parse_dates(dc.uniques, dc.counts, dayfirst=dayfirst, column=cols["date"])
    no_date = dc.missing_rows() & ~blank
    _add(issues, np.flatnonzero(no_date), cols["date"], dc.text(np.flatnonzero(no_date)), "missing_date", "skipped")
    date_problem = dc.spread(reading.problem, None)
    bad_date = (date_problem != None) & ~no_date & ~blank  # noqa: E711
    where = np.flatnonzero(bad_date)
    _add(issues, where, cols["date"], dc.text(where), date_problem[where], "skipped")
    skip |= no_date | bad_date
    notices += reading.notices
    date_values = reading.values[np.maximum(dc.codes, 0)] if len(dc.uniques) else np.full(n, np.datetime64("NaT", "ns"))
    out["date"] = date_values
    date_fixed = dc.spread(reading.fixed, None)

    if kind == "survey":
        answered = np.zeros(n, bool)
        for role in _ANSWERS:
            values = np.full(n, np.nan)
            if role in cells:
                c = cells[role]
                low, high = ANSWER_SCALES[role]
                read = parse_numbers(c.uniques, c.counts)
                number = whole_scores(read.values)  # =0.3*10 is the answer 3, as for the formulas
                out_of_scale = np.isfinite(number) & ((number < low) | (number > high) | (number != np.round(number)))
                problem = np.where(out_of_scale, f"answer_out_of_scale:{low}-{high}", read.problem).astype(object)
                problem[c.null] = None
                row_problem = c.spread(problem, None)
                bad = (row_problem != None) & ~blank  # noqa: E711
                where = np.flatnonzero(bad)
                _add(issues, where, cols[role], c.text(where), row_problem[where], "skipped")
                skip |= bad
                values = np.where(c.codes >= 0, number[np.maximum(c.codes, 0)] if len(number) else np.nan, np.nan)
                values[bad] = np.nan
                answered |= np.isfinite(values)
            out[role] = values
        no_answer = ~answered & ~skip
        _add(issues, np.flatnonzero(no_answer), "", np.full(int(no_answer.sum()), ""), "no_answer", "skipped")
        skip |= no_answer
        out["comment"] = row_texts(cells["comment"]) if "comment" in cells else np.full(n, "", dtype=object)
    else:
        out["channel"] = row_texts(cells["channel"]) if "channel" in cells else np.full(n, "", dtype=object)

    keep = ~skip
    where = np.flatnonzero(keep & (date_fixed != None))  # noqa: E711
    _add(issues, where, cols["date"], dc.text(where), date_fixed[where], "fixed")
    idx = np.flatnonzero(keep)
    order = np.lexsort((rows[idx], date_values[idx]))
    idx = idx[order]
    frame = pd.DataFrame({"row": rows[idx]})
    for key, values in out.items():
        column = np.asarray(values)[idx]
        if key == "date":
            frame[key] = pd.Series(column, dtype="datetime64[ns]")
        elif key in _ANSWERS:
            frame[key] = column.astype(np.float64)
        else:
            frame[key] = pd.Series(column, dtype="str")
    used = tuple((role, cols[role]) for role in roles if role in cols)
    return SideTable(kind, frame, issue_frame(issues, rows, headers), used, tuple(notices), n, source, first_row)


def clean_survey(raw: pd.DataFrame, *, customer: str | None = None, date: str | None = None,
                 score: str | None = None, satisfaction: str | None = None, effort: str | None = None,
                 comment: str | None = None, first_row: int = 2, dayfirst: bool | None = None,
                 source: str = "") -> SideTable:
    """Survey answers from a raw table: the answers used and every row left out, with why.

    Parameters
    ----------
    raw : pandas.DataFrame
        One row per answer, with a header; not modified.
    customer, date, score, satisfaction, effort, comment : str, optional
        Column names; the others are found by their headers (``Customer``, ``Date``,
        ``Score``/``NPS``, ``Satisfaction``/``CSAT``, ``Effort``/``CES``, ``Comment`` ...).
    first_row : int
        Row number of ``raw``'s first row in the user's file (header in row 1 -> 2).
    dayfirst : bool, optional
        Order of text dates such as 03/04/2024; by default decided from the data.
    source : str
        What to call the table in messages and the report.

    Returns
    -------
    SideTable
        ``kind="survey"``. A row is skipped when it is blank, has no readable date, has
        no answer, or has an answer that is not a whole number on its scale
        (:data:`ANSWER_SCALES`); an answer outside its scale is never clipped.

    Raises
    ------
    MissingColumns
        No date column, or not one answer column.
    UnknownColumn
        A named column does not exist.

    Examples
    --------
    >>> s = clean_survey(pd.DataFrame({"Date": ["2024-01-05"] * 3, "Score": [10, 11, 7],
    ...                                "CSAT": [5, 4, None]}))
    >>> s.frame[["score", "satisfaction"]].to_dict("list")
    {'score': [10.0, 7.0], 'satisfaction': [5.0, nan]}
    >>> s.issues[["row", "problem", "detail"]].values.tolist()
    [[3, 'answer_out_of_scale', '0-10']]
    """
    chosen = {"customer": customer, "date": date, "score": score, "satisfaction": satisfaction,
              "effort": effort, "comment": comment}
    return _clean(raw, "survey", SURVEY_ROLES, chosen, first_row=first_row, dayfirst=dayfirst, source=source)


def clean_contact_log(raw: pd.DataFrame, *, customer: str | None = None, date: str | None = None,
                      channel: str | None = None, first_row: int = 2, dayfirst: bool | None = None,
                      source: str = "") -> SideTable:
    """A contact log from a raw table: one row per touch (customer, date, optional channel).

    Parameters are as for :func:`clean_survey`; a row is skipped when it is blank or has
    no customer or no readable date.

    Returns
    -------
    SideTable
        ``kind="contacts"``.

    Raises
    ------
    MissingColumns
        No customer or no date column.

    Examples
    --------
    >>> log = clean_contact_log(pd.DataFrame({"Customer": ["a", "b", ""], "Contact date": ["2024-02-01"] * 3,
    ...                                       "Channel": ["e-mail", "", "phone"]}))
    >>> log.frame[["customer", "channel"]].values.tolist(), log.issues["problem"].tolist()
    ([['a', 'e-mail'], ['b', '']], ['missing_customer'])
    """
    chosen = {"customer": customer, "date": date, "channel": channel}
    return _clean(raw, "contacts", CONTACT_ROLES, chosen, first_row=first_row, dayfirst=dayfirst, source=source)
