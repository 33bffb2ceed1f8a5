"""The name each report sheet takes in a live workbook: its own, or the next free one.

A sheet of the user's is never written to. When one has the name a report sheet wants (an
unmarked *Summary*, compared ignoring case, as Excel does), the report takes the next free
name instead, *Summary (2)*; a sheet of an earlier report (found through its mark, see
:mod:`retention_xl.excel.workbook_marks`) gives its name up to the sheet that replaces it.
The ribbon's writer (:mod:`retention_xl.excel.xlwings_writer`) and the xlwings Lite script
(:mod:`retention_xl.excel.lite_report`) both name their sheets with
:func:`report_sheet_names`, before they change anything.

Examples
--------
>>> free_sheet_name("Summary", {"summary", "summary (2)"})
'Summary (3)'
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_SHEET_NAME", "free_sheet_name", "report_sheet_names"]

#: Excel's longest sheet name
MAX_SHEET_NAME = 31


def free_sheet_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted (2)``, ``(3)``... if a sheet already has it (case-insensitive).

    >>> free_sheet_name("Summary", {"summary", "summary (2)"})
    'Summary (3)'
    >>> free_sheet_name("Cohorts", {"summary"})
    'Cohorts'
    """
    taken = {t.casefold() for t in taken}
    name, k = wanted[:MAX_SHEET_NAME], 1
    while name.casefold() in taken:
        k += 1
        suffix = f" ({k})"
        name = wanted[:MAX_SHEET_NAME - len(suffix)] + suffix
    return name


def report_sheet_names(book, sheets, earlier: dict[str, Any]) -> list[str]:
    """The name of each laid-out sheet, in order, decided before any sheet is added or renamed.

    Parameters
    ----------
    book : xlwings.Book
    sheets : sequence of Sheet
        The report's sheets (each with its ``key`` and wanted ``name``).
    earlier : dict
        The earlier report's sheets to rewrite, by key (see
        :func:`~retention_xl.excel.workbook_marks.marked_sheets`); each gives up its name.

    Returns
    -------
    list of str
        The names the sheets get when they are written in this order: every other sheet
        keeps its name, and each name chosen is taken for the sheets after it.

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> book = S(sheets=[S(name="Orders"), S(name="Segments"), S(name="Résumé")])
    >>> sheets = [S(key="summary", name="Summary"), S(key="segments", name="Segments")]
    >>> report_sheet_names(book, sheets, {"summary": book.sheets[2]})
    ['Summary', 'Segments (2)']
    """
    taken = {ws.name for ws in book.sheets}
    names = []
    for sheet in sheets:
        own = earlier.get(sheet.key)
        if own is not None:
            taken.discard(own.name)
        name = free_sheet_name(sheet.name, taken)
        taken.add(name)
        names.append(name)
    return names
