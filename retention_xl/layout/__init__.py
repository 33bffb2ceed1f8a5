"""The report, laid out once for every writer.

:func:`layout_report` turns an :class:`~retention_xl.analysis.overview.Analysis` into
:class:`Report`: sheets made of named tables, figure blocks, notes and charts, with cell
positions and number formats but no spreadsheet library. The file writer
(:mod:`retention_xl.writers.xlsx_file`) and the live-workbook writer draw the same layout,
so the ribbon report and the command-line report are the same report.

The blocks (tables, figures, text, charts) are in :mod:`retention_xl.layout.blocks`; each
sheet is laid out by its own module (``summary``, ``cohorts``, ``segments``, ``contacts``,
``feedback``, ``issues``).
"""

from __future__ import annotations

import dataclasses

from retention_xl.analysis.overview import Analysis
from retention_xl.errors import DataError
from retention_xl.labels import label, labels_for
from retention_xl.layout.blocks import (
    SHEET_COLUMNS,
    SHEET_ROWS,
    Report,
    Sheet,
    Table,
    fmt_date,
)
from retention_xl.layout.cohorts import cohorts_sheet
from retention_xl.layout.contacts import contacts_sheet
from retention_xl.layout.feedback import feedback_sheet
from retention_xl.layout.issues import issues_sheet
from retention_xl.layout.segments import segments_sheet
from retention_xl.layout.summary import summary_sheet

__all__ = ["layout_report"]


def _fit_to_sheet(sheet: Sheet, lang: str) -> Sheet:
    """``sheet`` with each table cut to the rows an Excel sheet has, the cut said in its title.

    A Customers table of more than a million customers is cut to fit, so the rest of the
    report is still written and the file still opens.

    Raises
    ------
    DataError
        A table needs more columns than a sheet has, or starts below its last row.
    """
    blocks = []
    for block in sheet.blocks:
        if isinstance(block, Table):
            if block.col + len(block.columns) > SHEET_COLUMNS:
                raise DataError(f"the table {block.name} would need {block.col + len(block.columns):,} columns, more "
                                f"than an Excel sheet has ({SHEET_COLUMNS:,}): choose a longer period or filter the input")
            room = SHEET_ROWS - 1 - block.row  # data rows below the header
            if room < 1:
                raise DataError(f"the table {block.name} would start below the last row of an Excel sheet")
            total = len(block.frame)
            if total > room:
                note = label(lang, "note.rows_cut", shown=f"{room:,}", total=f"{total:,}", sheet_rows=f"{SHEET_ROWS:,}",
                             left_out=f"{total - room:,}")
                title = f"{block.title}. {note}" if block.title else note
                block = dataclasses.replace(block, frame=block.frame.iloc[:room], title=title)
        blocks.append(block)
    return dataclasses.replace(sheet, blocks=tuple(blocks))


def layout_report(analysis: Analysis, *, lang: str = "en", door: str = "python") -> Report:
    """Lay out the report sheets (Summary, Cohorts, Segments, Contacts, Feedback when there are
    survey answers, Data issues), every table cut to what an Excel sheet holds; a remedy in a
    notice is worded for ``door`` (``"python"``, ``"cli"``, ``"excel"``)."""
    labels_for(lang)  # an unknown language fails here, before any work
    orders = analysis.orders
    n_input_rows, skipped = orders.n_input_rows, orders.skipped_rows
    h = analysis.headline
    subtitle = label(
        lang, "subtitle", source=orders.source, first=fmt_date(h["first_order"], analysis.calendar),
        last=fmt_date(h["last_order"], analysis.calendar),
        rows=f"{n_input_rows:,}", used=f"{n_input_rows - skipped:,}", skipped=f"{skipped:,}",
    )
    sheets = (
        summary_sheet(analysis, lang, subtitle, door),
        cohorts_sheet(analysis, lang),
        segments_sheet(analysis, lang),
        *((contacts_sheet(analysis, lang),) if analysis.contacts is not None else ()),
        *((feedback_sheet(analysis, lang),) if analysis.feedback is not None else ()),
        issues_sheet(analysis, lang, subtitle, door),
    )
    return Report(sheets=tuple(_fit_to_sheet(s, lang) for s in sheets), lang=lang)
