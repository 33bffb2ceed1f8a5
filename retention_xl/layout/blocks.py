"""The building blocks of a laid-out report: sheets of tables, figures, text and charts.

A :class:`Report` has positions (0-based row, column) and number formats but no
spreadsheet library; the file writer (:mod:`retention_xl.writers.xlsx_file`) and the
live-workbook writer draw the same blocks. Every table is an Excel Table with a fixed name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retention_xl.wording import day_text

__all__ = [
    "Column", "Table", "Figures", "Text", "Chart", "Sheet", "Report", "CalendarEvent", "FORMATS", "SHEET_KEYS", "SHEET_MARK",
    "SHEET_ROWS", "SHEET_COLUMNS", "table_values", "widths", "fmt_date",
]

#: number formats by kind (Excel format codes, understood by every writer)
FORMATS = {
    "text": "@",
    "int": "#,##0",
    "number": "#,##0.00",
    "money": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "score": "0",
    "bool": "General",
}
#: the report's own sheets, in order; the marker a writer leaves on them
SHEET_KEYS = ("summary", "cohorts", "segments", "contacts", "feedback", "issues")
SHEET_MARK = "RetentionXL_{key}"  # workbook-level name marking a sheet a writer made (key from SHEET_KEYS)
SHEET_ROWS = 1_048_576  # rows of an Excel sheet
SHEET_COLUMNS = 16_384  # columns of an Excel sheet


@dataclass(frozen=True)
class Column:
    key: str  # column of the table's frame
    header: str  # what the reader sees
    kind: str  # a key of FORMATS
    width: float = 12.0


@dataclass(frozen=True)
class Table:
    """A named Excel Table; ``row, col`` is its header cell, ``title`` sits just above."""

    name: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    row: int
    col: int = 0
    title: str | None = None
    heatmap_from: int | None = None  # first column of a colour-scale range, if any

    @property
    def last_row(self) -> int:
        """Row of the last data line (a table always has at least one)."""
        return self.row + max(len(self.frame), 1)


@dataclass(frozen=True)
class Figures:
    """Label/value pairs laid out in two rows: labels above, values below."""

    row: int
    items: tuple[tuple[str, object, str], ...]  # (label, value, kind)
    col: int = 0
    title: str | None = None


@dataclass(frozen=True)
class Text:
    """Lines of text, one per row, starting at ``row``."""

    row: int
    lines: tuple[str, ...]
    col: int = 0
    style: str = "note"  # "title", "subtitle", "note", "heading"


@dataclass(frozen=True)
class Chart:
    """A native chart drawn from a table of the same sheet.

    ``by_row``: each of ``series`` is a row index of the table (e.g. a cohort) plotted over
    the columns ``value_columns``; otherwise each of ``series`` is a column plotted against
    the ``category`` column.
    """

    kind: str  # "line" or "bar"
    title: str
    table: str
    row: int
    col: int
    series: tuple
    value_columns: tuple[str, ...] = ()
    category: str | None = None
    by_row: bool = False
    percent: bool = False
    width_cols: int = 9
    height_rows: int = 18


@dataclass(frozen=True)
class Sheet:
    key: str  # one of SHEET_KEYS: how a writer recognises its own sheets
    name: str
    blocks: tuple
    rtl: bool = False
    freeze: tuple[int, int] | None = None
    widths: dict[int, float] = field(default_factory=dict)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass(frozen=True)
class Report:
    sheets: tuple[Sheet, ...]
    lang: str

    def table(self, name: str) -> Table:
        return next(t for s in self.sheets for t in s.tables if t.name == name)


@dataclass(frozen=True)
class CalendarEvent:
    """An all-day calendar event (the contact plan's weekly batches, for an .ics file)."""

    start: dt.date
    days: int
    summary: str
    description: str
    uid: str  # stable, so that importing a newer plan replaces the same week's event


def fmt_date(ts: pd.Timestamp, calendar: str = "gregorian") -> str:
    """A day written inside a sentence, in the report's calendar (a date cell stays a date).

    >>> fmt_date(pd.Timestamp("2024-03-20")), fmt_date(pd.Timestamp("2024-03-20"), "jalali")
    ('2024-03-20', '1403-01-01')
    """
    return day_text(ts, calendar)


#: how much wider a figure's characters are than a table cell's (bold 14 pt beside 11 pt)
FIGURE_SCALE = 1.45
_DIGITS = {"int": "{:,.0f}", "number": "{:,.2f}", "money": "{:,.2f}"}


def _digits_width(values, kind: str) -> int:
    """Characters of the widest of ``values`` as its number format shows it (0 for a kind
    that is not a plain number): a number wider than its column shows as ###."""
    shape = _DIGITS.get(kind)
    if shape is None:
        return 0
    s = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        s = pd.to_numeric(s, errors="coerce")
    x = s.to_numpy(dtype=float, na_value=np.nan)
    x = x[np.isfinite(x)]
    return max((len(shape.format(v)) for v in (x.min(), x.max())), default=0) if len(x) else 0


def widths(tables: list[Table], figures: tuple[Figures, ...] = ()) -> dict[int, float]:
    """Each column's width: the widest its tables ask for, widened to the widest number of
    a table's column (with a character to spare) and of a figure (in its larger font), so
    that large amounts (a year in rials) show their digits, not ###."""
    widths: dict[int, float] = {}
    for t in tables:
        for i, c in enumerate(t.columns):
            digits = _digits_width(t.frame[c.key], c.kind) if c.key in t.frame else 0
            widths[t.col + i] = max(widths.get(t.col + i, 0.0), c.width, digits + 1 if digits else 0)
    for f in figures:
        for i, (_, value, kind) in enumerate(f.items):
            digits = _digits_width([value], kind)
            if digits:
                widths[f.col + i] = max(widths.get(f.col + i, 0.0), round(FIGURE_SCALE * digits + 1, 1))
    return widths


def table_values(table: Table) -> list[list[object]]:
    """The table's data as rows of plain Python values (NaN/NaT as None), header excluded."""
    cols = []
    for c in table.columns:
        s = table.frame[c.key]
        if c.kind in ("date", "datetime") and pd.api.types.is_datetime64_dtype(s.dtype):
            values = s.to_numpy(dtype="datetime64[us]").tolist()  # datetimes, None for NaT
        elif c.kind in ("date", "datetime"):
            values = [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in s]
        elif c.kind == "bool":
            values = [None if pd.isna(v) else bool(v) for v in s]
        elif c.kind == "text":
            values = [None if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in s]
        else:
            if pd.api.types.is_numeric_dtype(s.dtype):
                arr = s.to_numpy(dtype=float, na_value=np.nan)
            else:
                arr = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
            values = arr.tolist()  # Python floats; then None where not finite
            for i in np.flatnonzero(~np.isfinite(arr)):
                values[i] = None
        cols.append(values)
    return [list(r) for r in zip(*cols)] if cols else []
