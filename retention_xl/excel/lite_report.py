"""The xlwings Lite report script: the report's sheets written with what xlwings Lite can do.

``retention-xl lite`` copies this module into ``main.py`` with everything it imports. Its
``build_report`` script reads the Excel table **Orders**, runs the same steps as every
other door (:mod:`retention_xl.pipeline`: clean, analyse, lay out, with the options of a
**Settings** table when the workbook has one) and writes the laid-out sheets (Summary,
Cohorts, Segments, Data issues) as cells with their number formats, each table under its
title. xlwings Lite writes values and formats but cannot yet read back the Excel Tables,
charts and colour scales it would add, so those stay with the desktop ribbon report and
``retention-xl report``; the script's output says so.

The sheets it made are marked with the same workbook names as the desktop report's
(``RetentionXL_<key>``) and rewritten in place on the next run (cleared, not deleted, so
the user's formulas on them keep their sheet); a sheet of the user's with the same name
is never touched: the report takes the next free name, *Segments (2)*, as on the ribbon.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Literal

import pandas as pd
import xlwings as xw

from retention_xl.errors import DataError, RetentionError, UnknownColumn
from retention_xl.analysis.text_language import report_language, sample_texts
from retention_xl.excel.live_settings import read_settings
from retention_xl.excel.messages import error_message, in_language
from retention_xl.excel.sheet_names import report_sheet_names
from retention_xl.excel.workbook_marks import sheet_marks
from retention_xl.input_sheets import INPUT_TABLES
from retention_xl.labels import label, labels_for
from retention_xl.layout.blocks import (
    FORMATS,
    SHEET_MARK,
    Figures,
    Sheet,
    Table,
    Text,
    table_values,
)
from retention_xl.pipeline import analyse, clean
from retention_xl.pipeline import build_report as lay_out
from retention_xl.wording import counted, problem_text

__all__ = ["ORDERS_TABLE", "build_report", "sheet_grid"]

ORDERS_TABLE = INPUT_TABLES["orders"]


def _cell(x):
    """A value xlwings can send: plain numbers and text, datetimes, blanks for NaN."""
    if x is None:
        return None
    if hasattr(x, "item"):  # numpy scalar
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, pd.Timestamp):
        return None if pd.isna(x) else x.to_pydatetime()
    return x


def sheet_grid(sheet: Sheet) -> tuple[list[list[object]], list[tuple[int, int, int, int, str]]]:
    """A laid-out sheet as one grid of cells and the number formats of its ranges.

    Returns the rows (from A1) and ``(first_row, first_col, last_row, last_col, format)``
    ranges, 1-based as xlwings counts.
    """
    cells: dict[tuple[int, int], object] = {}
    formats: list[tuple[int, int, int, int, str]] = []
    for block in sheet.blocks:
        if isinstance(block, Text):
            for i, line in enumerate(block.lines):
                cells[block.row + i, block.col] = line
        elif isinstance(block, Figures):
            row = block.row
            if block.title:
                cells[row, block.col] = block.title
                row += 1
            for i, (name, value, kind) in enumerate(block.items):
                cells[row, block.col + i] = name
                cells[row + 1, block.col + i] = _cell(value)
                formats.append((row + 2, block.col + i + 1, row + 2, block.col + i + 1, FORMATS[kind]))
        elif isinstance(block, Table):
            if block.title:
                cells[block.row - 1, block.col] = block.title
            for j, column in enumerate(block.columns):
                cells[block.row, block.col + j] = column.header
            for i, values in enumerate(table_values(block), start=1):
                for j, value in enumerate(values):
                    cells[block.row + i, block.col + j] = _cell(value)
            last = block.row + max(len(block.frame), 1)
            for j, column in enumerate(block.columns):
                formats.append((block.row + 2, block.col + j + 1, last + 1, block.col + j + 1, FORMATS[column.kind]))
    if not cells:
        return [[None]], formats
    height = max(r for r, _ in cells) + 1
    width = max(c for _, c in cells) + 1
    grid = [[None] * width for _ in range(height)]
    for (r, c), value in cells.items():
        grid[r][c] = value
    return grid, formats


def _orders_table(book):
    """The Excel Table named Orders and its sheet."""
    for sheet in book.sheets:
        for table in sheet.tables:
            if table.name.casefold() == ORDERS_TABLE.casefold():
                return sheet, table
    raise DataError(
        f"no Excel table named {ORDERS_TABLE}: select the order rows with their header, "
        f"Insert > Table, and name it {ORDERS_TABLE} under Table Design > Table Name"
    )


def _write_sheets(book, sheets: list[Sheet], keep: str) -> list[str]:
    """Write the laid-out sheets over this script's earlier ones, in place; returns their names.

    Every name is settled before anything changes (a sheet of the user's named like a
    report sheet makes it *Segments (2)*, as on the ribbon), so the workbook is never left
    with half a report. An earlier report sheet (found through its mark; never the sheet
    ``keep`` holding the orders) is renamed if needed and cleared, not deleted, so that a
    formula such as ``=Summary!B5`` keeps its sheet. Lite's ``Sheet.clear`` clears the
    values and formats of every cell; this script adds no Excel Tables or charts, and a
    chart of the user's on a report sheet stays.
    """
    marks = sheet_marks(book)
    earlier = {key: ws for key, (_, ws) in marks.items() if ws is not None and ws.name != keep}
    names = report_sheet_names(book, sheets, earlier)
    previous = None
    for sheet, name in zip(sheets, names):
        target = earlier.get(sheet.key)
        if target is None:
            target = book.sheets.add(name=name, after=previous)  # Lite adds at the end without ``after``
        else:
            if target.name != name:
                target.name = name
            target.clear()
        grid, formats = sheet_grid(sheet)
        width = max(len(r) for r in grid)
        target.range((1, 1)).value = [r + [None] * (width - len(r)) for r in grid]
        for r1, c1, r2, c2, fmt in formats:
            if fmt != "General":
                target.range((r1, c1), (r2, c2)).number_format = fmt
        mark = marks.get(sheet.key, (None, None))[0]
        if mark is not None:  # Lite's names.add does not replace a name
            mark.delete()
        quoted = name.replace("'", "''")
        book.names.add(SHEET_MARK.format(key=sheet.key), f"='{quoted}'!$A$1")
        previous = target
    return names


@xw.script
def build_report(book: xw.Book, lang: Literal["auto", "en", "ar", "fa"] = "auto"):
    """Read the table **Orders** (customer, order date, amount; a **Settings** table may
    name the columns and options) and write the report sheets: Summary, Cohorts,
    Segments and Data issues.

    ``lang="auto"``: the Settings table's Language, else Arabic or Persian when the
    Orders headers are in Arabic script, as the ribbon decides; else English.

    A problem with the workbook (no Orders table, columns not found, a wrong setting) is
    printed as one line, in the report's language with the Settings table's remedy, as the
    ribbon says it; not as a traceback."""
    try:
        _build_report(book, lang)
    except RetentionError as err:
        print(error_message(err))


def _build_report(book, lang: str) -> None:
    orders_sheet, table = _orders_table(book)
    values = table.range.options(ndim=2).value  # header, rows and Excel's Total Row when it is on
    if table.show_totals:
        values = values[:-1]
    raw = pd.DataFrame(values[1:], columns=[str(h) for h in values[0]], dtype=object)
    settings = read_settings(book)
    options = settings.options
    if lang != "auto":
        options = dataclasses.replace(options, lang=lang)
    elif not settings.language_chosen:  # as on the ribbon: the headers say (Lite cannot read the sheet's direction)
        options = dataclasses.replace(options, lang=report_language(list(raw.columns), sample_texts(raw)))
    source = label(options.lang, "source.table", table=table.name, sheet=orders_sheet.name)  # the subtitle's first words
    try:
        orders = clean(raw, options, first_row=table.range.row + 1, name=source)
    except RetentionError as err:
        raise (settings.unknown_column(err) if isinstance(err, UnknownColumn) else None) \
            or in_language(err, options.lang) from None
    report = lay_out(analyse(orders, options), options)
    names = _write_sheets(book, report.sheets, keep=orders_sheet.name)
    book.sheets[names[0]].activate()
    print(label(options.lang, "note.lite"))
    if orders.skipped_rows:
        words = labels_for(options.lang)
        print(label(options.lang, counted("lite.rows_unused", orders.skipped_rows, options.lang),
                    count=orders.skipped_rows, table=table.name))
        for _, issue in orders.issues.head(10).iterrows():
            print("  " + label(options.lang, "lite.issue", row=issue["row"],
                               problem=problem_text(issue["problem"], issue["detail"], options.lang),
                               action=words.get(f"action.{issue['action']}", issue["action"])))
