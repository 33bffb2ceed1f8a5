"""Update the sheets of an earlier report in place: its Tables kept, moved and resized, the rest cleared.

A re-run of the ribbon's **Build report** updates the marked sheets in place, so that what
users build on the report keeps working: a formula such as
``=SUM(PeriodKPIs[Net revenue])``, a chart or a pivot on a report Table. Deleting a Table
turns every reference to it into ``#REF!`` for good, so a Table is never deleted: each
keeps its name and its ListObject and is resized to the new data (:func:`_place_tables`).
Excel resizes a Table only with its header in the same row, so when the data above a
Table grew or shrank, whole rows are inserted or deleted above it first: the Table, and
everything beside and below it, moves with them. The report's other cells (titles,
figures, notes) and its own charts (named ``CHART_MARK ...``) are then cleared, for
:mod:`retention_xl.excel.xlwings_writer` to write them again; the user's own charts on a
report sheet stay.
"""

from __future__ import annotations

from typing import Any

from retention_xl.analysis.notices import Notice
from retention_xl.errors import DataError
from retention_xl.labels import label
from retention_xl.layout.blocks import Report, Sheet, Table

__all__ = ["CHART_MARK", "check_table_names", "prepare_sheet", "top_row"]

CHART_MARK = "RetentionXL chart"  # name prefix of the report's own charts: replaced on each run


def _box(rng) -> tuple[int, int, int, int]:
    """1-based (first row, first column, last row, last column) of an xlwings range."""
    rows, cols = rng.shape
    return rng.row, rng.column, rng.row + rows - 1, rng.column + cols - 1


def top_row(table: Table) -> int:
    """1-based first row of a laid-out table, its title included."""
    return table.row + (0 if table.title else 1)


def _place_tables(ws, sheet: Sheet, existing: dict[str, Any]) -> None:
    """Move and resize the Tables already on ``ws`` to the layout of ``sheet``, top to bottom.

    A Table's header row can only change by inserting or deleting whole rows above it
    (Excel resizes a Table only from the same header row), which moves the Tables below
    with it, so the Tables are placed in order: after the first ``k`` are in place, the
    rest still lie below them. Before a Table grows downwards, the next one is pushed down
    far enough for the two never to overlap.
    """
    laid = sorted((t for t in sheet.tables if t.name.casefold() in existing), key=lambda t: t.row)
    for i, table in enumerate(laid):
        live = existing[table.name.casefold()]
        row, col, _, _ = _box(live.range)
        top_now = row - (table.row + 1 - top_row(table))  # its title moves with it
        shift = (table.row + 1) - row
        if shift > 0:
            ws.range(f"{top_now}:{top_now + shift - 1}").insert(shift="down")
        elif shift < 0:
            ws.range(f"{top_now + shift}:{top_now - 1}").delete(shift="up")
        if col != table.col + 1:  # never happens with today's layout: a Table keeps its column
            raise DataError(f"table {table.name} would have to move sideways; delete the sheet "
                            f"'{ws.name}' and run the report again")
        last = table.last_row + 1
        if i + 1 < len(laid):
            below = laid[i + 1]
            below_row = _box(existing[below.name.casefold()].range)[0]
            below_top = below_row - (below.row + 1 - top_row(below))
            if below_top <= last + 1:  # make room before growing into it
                ws.range(f"{below_top}:{last + 1}").insert(shift="down")
        live.resize(ws.range((table.row + 1, table.col + 1), (last, table.col + len(table.columns))))


def _clear_around_tables(ws, sheet: Sheet) -> None:
    """Clear every cell of the used range outside the report's Tables: old titles, figures, notes."""
    used = _box(ws.used_range)
    last_row, last_col = used[2], max(used[3], 1)
    boxes = sorted((t.row + 1, t.col + 1, t.last_row + 1, t.col + len(t.columns)) for t in sheet.tables)
    row = 1
    for r1, c1, r2, c2 in boxes:
        if r1 > row:
            ws.range((row, 1), (r1 - 1, last_col)).clear()
        if c1 > 1:
            ws.range((r1, 1), (r2, c1 - 1)).clear()
        if c2 < last_col:
            ws.range((r1, c2 + 1), (r2, last_col)).clear()
        row = r2 + 1
    if row <= last_row:
        ws.range((row, 1), (last_row, last_col)).clear()


def _headers(live) -> list[str]:
    value = live.header_row_range.value
    return [str(v).casefold() for v in (value if isinstance(value, list) else [value])]


def _renamed(live, missing: list[Table]) -> Table | None:
    """The report Table that ``live``, a Table of another name on a report sheet, was before
    the user renamed it (Table Design > Table Name): the missing Table with most of its
    headers (at least half of either's); ``None`` when it is none of them."""
    if not missing:
        return None
    headers = set(_headers(live))
    best, share = None, 0.5
    for table in missing:
        theirs = {c.header.casefold() for c in table.columns}
        common = len(headers & theirs) / max(len(headers), len(theirs), 1)
        if common >= share:
            best, share = table, common
    return best


def prepare_sheet(ws, sheet: Sheet, notes: list[Notice]) -> dict[str, Any]:
    """Ready a sheet of an earlier run for rewriting; returns its Tables the layout keeps, by name.

    A report Table the user renamed (its formulas were renamed with it) gets its report
    name back, which Excel carries into those formulas, instead of being deleted with them."""
    for chart in list(ws.charts):
        if chart.name.startswith(CHART_MARK):
            chart.delete()
    wanted = {t.name.casefold() for t in sheet.tables}
    existing: dict[str, Any] = {}
    strangers = []
    for live in list(ws.tables):
        if live.name.casefold() in wanted:
            existing[live.name.casefold()] = live
        else:
            strangers.append(live)
    for live in strangers:
        missing = [t for t in sheet.tables if t.name.casefold() not in existing]
        table = _renamed(live, missing)
        if table is not None:
            notes.append(Notice("live_table_renamed", table=live.name, name=table.name, sheet=ws.name))
            live.name = table.name
            existing[table.name.casefold()] = live
            continue
        notes.append(Notice("live_table_removed", table=live.name, sheet=ws.name))
        live.delete()
    _place_tables(ws, sheet, existing)
    _clear_around_tables(ws, sheet)
    return existing


def check_table_names(book, report: Report, replaced: set[str]) -> None:
    """Table names are workbook-wide: stop before any change if one is already in use (the
    message in the report's language)."""
    wanted = {t.name.casefold(): t.name for s in report.sheets for t in s.tables}
    for ws in book.sheets:
        if ws.name in replaced:
            continue
        for t in ws.tables:
            if t.name.casefold() in wanted:
                raise _in(DataError(label(report.lang, "ribbon.table_taken", sheet=ws.name, table=t.name)), report.lang)
    for name in book.names:
        if name.name.casefold() in wanted:
            raise _in(DataError(label(report.lang, "ribbon.name_taken", name=name.name)), report.lang)


def _in(err: DataError, lang: str) -> DataError:
    err.lang = lang  # its title in the report's language too (see retention_xl.excel.messages)
    return err
