"""Reading the optional survey answers and contact log from the live workbook, for the ribbon's report.

They are read from Excel Tables named ``Survey`` and ``Contacts`` (ListObjects on any
sheet, names compared ignoring case), as the template's *Survey* and *Contact log* sheets
lay them out; a workbook without them, or whose Table holds no row with anything in it,
simply has none. Each is read in one bulk read, its size checked first like the orders'
(:data:`~retention_xl.excel.live_orders.MAX_LIVE_CELLS`), and cleaned by the report's
steps (:func:`~retention_xl.pipeline.clean_side_table`), so problems name the sheet rows
the user sees. Where it was read is named in the report's language
(:meth:`LiveTable.source_in`).

Examples
--------
>>> import xlwings as xw                          # doctest: +SKIP
>>> read_side_table(xw.Book.caller(), "survey")  # doctest: +SKIP
LiveTable(frame=..., first_row=5, sheet='Survey', table='Survey')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from retention_xl.errors import DataError, InvalidValue
from retention_xl.excel.live_orders import MAX_LIVE_CELLS, source_text
from retention_xl.input_sheets import INPUT_TABLES

__all__ = ["SIDE_TABLES", "LiveTable", "read_side_table"]

#: the Table holding each optional input
SIDE_TABLES = {kind: INPUT_TABLES[kind] for kind in ("survey", "contacts")}


@dataclass(frozen=True)
class LiveTable:
    """A Table as read: its values under its header names, the sheet row of its first data
    row, the sheet holding it and the Table's name."""

    frame: pd.DataFrame
    first_row: int
    sheet: str
    table: str

    def source_in(self, lang: str) -> str:
        """What was read, in ``lang`` (``"Table 'Survey' on sheet 'Survey'"``), for the report."""
        return source_text(lang, self.sheet, table=self.table)

    @property
    def source(self) -> str:
        """What was read, in English, as the ribbon's error messages are."""
        return self.source_in("en")


def _find(book, name: str):
    for ws in book.sheets:
        for table in ws.tables:
            if table.name.casefold() == name.casefold():
                return ws, table
    return None


def _cell(value: object) -> object:
    """Currency cells arrive as ``Decimal`` from classic xlwings; blank text is nothing."""
    if type(value) is Decimal:
        return float(value)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def read_side_table(book, kind: str) -> LiveTable | None:
    """The ``Survey`` (``kind="survey"``) or ``Contacts`` (``"contacts"``) Table of ``book``,
    or ``None`` when there is none or it holds no data.

    Raises
    ------
    DataError
        The Table is larger than a report reads from Excel.
    """
    if kind not in SIDE_TABLES:
        raise InvalidValue(f'kind must be "survey" or "contacts", got {kind!r}')
    found = _find(book, SIDE_TABLES[kind])
    if found is None:
        return None
    ws, table = found
    source = source_text("en", ws.name, table=table.name)  # the ribbon's messages are in English
    rng = table.range
    rows, cols = rng.shape
    if rows * cols > MAX_LIVE_CELLS:
        raise DataError(f"{source} has {rows:,} rows x {cols:,} columns, more than the {MAX_LIVE_CELLS:,} cells "
                        f"a report reads from Excel: keep only the rows and columns the report needs")
    values = rng.options(ndim=2).value
    if table.show_totals:
        values = values[:-1]
    if len(values) < 2:
        return None
    header = [str(h) if h is not None else f"Column {i + 1}" for i, h in enumerate(values[0])]
    frame = pd.DataFrame([[_cell(v) for v in row] for row in values[1:]], columns=header, dtype=object)
    if not frame.notna().to_numpy().any():  # the template's empty row to paste into
        return None
    return LiveTable(frame, rng.row + 1, ws.name, table.name)
