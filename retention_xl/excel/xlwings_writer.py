"""Write a laid-out :class:`~retention_xl.layout.Report` into a live workbook (xlwings).

The ribbon's **Build report** draws the same layout as the file writer
(:mod:`retention_xl.writers.xlsx_file`): the same sheet names, text, figures, Excel Tables
(names, headers, number formats), colour-scale heatmap, charts, frozen panes, column
widths and right-to-left sheets, so both reports are the same report.

Every write is a bulk range write: a table costs one write of its header and values as a
2-D list, one number format per run of columns of the same kind, one ``tables.add`` and a
font; never one call per cell, which over COM would take minutes for a large table.

Strings from the data never become formulas: the number format of every range that
receives text is set to Text (``@``) *before* the values are written, so Excel stores a
customer id such as ``=HYPERLINK(...)``, ``+1+2``, ``-5`` or ``@x`` as the text typed.

Each report sheet is marked with a workbook-level defined name ``RetentionXL_<key>``
(``key`` from :data:`~retention_xl.layout.blocks.SHEET_KEYS`, as the file writer marks its
sheets) pointing at the sheet; a sheet of the user's with a wanted name (an unmarked
*Summary*) is never touched and the report takes a free name instead (*Summary (2)*).

A re-run **updates the marked sheets in place**, so that what users build on the report
keeps working: a formula such as ``=SUM(PeriodKPIs[Net revenue])``, a chart or a pivot on
a report Table. Deleting a Table turns every reference to it into ``#REF!`` for good, so
a Table is never deleted: each keeps its name and its ListObject and is resized to the
new data (:func:`_place_tables`). Excel resizes a Table only with its header in the same
row, so when the data above a Table grew or shrank, whole rows are inserted or deleted
above it first: the Table, and everything beside and below it, moves with them. The
report's other cells (titles, figures, notes) and its own charts are then cleared and
written again; the user's own charts on a report sheet stay.

Charts are drawn with xlwings' portable chart API (series from rows or columns, series
names, categories, title, legend, a 0-100 % value axis) and the heatmap with its
conditional-format API, on Windows and macOS alike. Right to left and frozen panes exist
only in Excel's Windows object model (:func:`_finish_natively`); elsewhere they are listed
in :attr:`LiveReport.notes`, which the ribbon shows in the status bar and on the Summary
sheet (:func:`write_notes`). Large tables are written ``WRITE_CELLS`` cells at a time.

Examples
--------
>>> book = xw.Book.caller()                      # doctest: +SKIP
>>> written = write_report(book, report)   # doctest: +SKIP
>>> written.sheets                                # doctest: +SKIP
('Summary', 'Cohorts', 'Segments', 'Data issues')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from retention_xl.analysis.notices import Notice
from retention_xl.errors import DataError
from retention_xl.excel.workbook_marks import marked_sheets, native_supported
from retention_xl.labels import label
from retention_xl.wording import notice_text
from retention_xl.layout.blocks import (
    FORMATS,
    SHEET_MARK,
    Chart,
    Figures,
    Report,
    Sheet,
    Table,
    Text,
    table_values,
)

__all__ = [
    "HEATMAP_COLORS",
    "SHEET_MARK",
    "TABLE_STYLE",
    "CHART_MARK",
    "WRITE_CELLS",
    "LiveReport",
    "free_sheet_name",
    "notes_row",
    "notes_line",
    "write_notes",
    "write_report",
]

TABLE_STYLE = "TableStyleMedium2"
HEATMAP_COLORS = ("#F8696B", "#FFEB84", "#63BE7B")  # low, middle, high: red, yellow, green
_BLUE = (31, 78, 121)
_GREY = (89, 89, 89)
_FONTS = {  # the file writer's text styles
    "title": {"bold": True, "size": 16, "color": _BLUE},
    "subtitle": {"italic": True, "color": _GREY},
    "note": {"color": _GREY},
    "heading": {"bold": True, "size": 12, "color": _BLUE},
    "figure_label": {"size": 9, "color": _GREY},
    "figure_value": {"bold": True, "size": 14, "color": _BLUE},
}
_CHART_TYPES = {"line": "line_markers", "bar": "bar_clustered"}
_POINTS_PER_COLUMN = 48.0  # a default column is 64 pixels, 48 points
_POINTS_PER_ROW = 15.0
_MAX_SHEET_NAME = 31
CHART_MARK = "RetentionXL chart"  # name prefix of the report's own charts: replaced on each run
#: cells in one write; a larger table goes in chunks of rows (as xlwings >= 0.37 does by itself)
WRITE_CELLS = 100_000


@dataclass(frozen=True)
class LiveReport:
    """What :func:`write_report` did: the sheet names written (in report order) and notes.

    ``notes`` name what could not be applied in this Excel (e.g. frozen panes on macOS),
    one sentence each; :func:`write_notes` puts them on the Summary sheet.
    """

    sheets: tuple[str, ...]
    notes: tuple[str, ...] = ()


def free_sheet_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted (2)``, ``(3)``... if a sheet already has it (case-insensitive).

    >>> free_sheet_name("Summary", {"summary", "summary (2)"})
    'Summary (3)'
    >>> free_sheet_name("Cohorts", {"summary"})
    'Cohorts'
    """
    taken = {t.casefold() for t in taken}
    name, k = wanted[:_MAX_SHEET_NAME], 1
    while name.casefold() in taken:
        k += 1
        suffix = f" ({k})"
        name = wanted[:_MAX_SHEET_NAME - len(suffix)] + suffix
    return name


def _quoted(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def _cells(ws, row: int, col: int, nrows: int = 1, ncols: int = 1):
    """The range of ``nrows`` x ``ncols`` cells from 0-based ``(row, col)``."""
    if nrows == 1 and ncols == 1:
        return ws.range((row + 1, col + 1))
    return ws.range((row + 1, col + 1), (row + nrows, col + ncols))


def _font(rng, style: str) -> None:
    font = rng.font
    for attr, value in _FONTS[style].items():
        setattr(font, attr, value)


def _runs(items: list) -> list[tuple[Any, int, int]]:
    """Runs of equal consecutive items as ``(item, first, last)``.

    >>> _runs(["text", "int", "int", "percent"])
    [('text', 0, 0), ('int', 1, 2), ('percent', 3, 3)]
    """
    out: list[tuple[Any, int, int]] = []
    for i, item in enumerate(items):
        if out and out[-1][0] == item:
            out[-1] = (item, out[-1][1], i)
        else:
            out.append((item, i, i))
    return out


def _write_text(ws, block: Text) -> None:
    rng = _cells(ws, block.row, block.col, len(block.lines), 1)
    rng.number_format = FORMATS["text"]
    rng.value = [[line] for line in block.lines]
    _font(rng, block.style)


def _number_or_blank(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _write_figures(ws, block: Figures) -> None:
    row = block.row
    if block.title:
        title = _cells(ws, row, block.col)
        title.number_format = FORMATS["text"]
        title.value = block.title
        _font(title, "heading")
        row += 1
    n = len(block.items)
    labels = _cells(ws, row, block.col, 1, n)
    labels.number_format = FORMATS["text"]
    labels.value = [[name for name, _, _ in block.items]]
    _font(labels, "figure_label")
    for kind, first, last in _runs([kind for _, _, kind in block.items]):
        _cells(ws, row + 1, block.col + first, 1, last - first + 1).number_format = FORMATS[kind]
    values = _cells(ws, row + 1, block.col, 1, n)
    values.value = [[_number_or_blank(v) for _, v, _ in block.items]]
    _font(values, "figure_value")


def _write_values(rng, rows: list[list]) -> None:
    """One write, or chunks of rows of at most :data:`WRITE_CELLS` cells (xlwings' ``chunksize``)."""
    ncols = max(len(rows[0]), 1)
    if len(rows) * ncols > WRITE_CELLS:
        rng.options(chunksize=max(1, WRITE_CELLS // ncols)).value = rows
    else:
        rng.value = rows


def _write_table(ws, table: Table, existing: Any = None) -> Any:
    """Title, formats, header and values, in the Table ``existing`` or a new one; returns the heatmap range."""
    ncols = len(table.columns)
    if table.title:
        title = _cells(ws, table.row - 1, table.col)
        title.number_format = FORMATS["text"]
        title.value = table.title
        _font(title, "heading")
    n = table.last_row - table.row  # at least one data line, as in the file
    _cells(ws, table.row, table.col, 1, ncols).number_format = FORMATS["text"]
    for kind, first, last in _runs([c.kind for c in table.columns]):
        _cells(ws, table.row + 1, table.col + first, n, last - first + 1).number_format = FORMATS[kind]
    rows = [[c.header for c in table.columns], *table_values(table)]
    if len(rows) == 1:  # an empty table keeps one blank data line, as in the file
        rows.append([None] * ncols)
    _write_values(_cells(ws, table.row, table.col, len(rows), ncols), rows)
    if existing is None:
        ws.tables.add(source=_cells(ws, table.row, table.col, n + 1, ncols), name=table.name,
                      table_style_name=TABLE_STYLE)
    if table.heatmap_from is None or not len(table.frame):
        return None
    return _cells(ws, table.row + 1, table.col + table.heatmap_from, n, ncols - table.heatmap_from)


def _add_chart(ws, sheet_key: str, number: int, spec: Chart, tables: dict[str, Table]) -> None:
    """A chart from the table's cells through xlwings' portable chart API (Windows and macOS).

    Series are the table's rows (cohorts over P0, P1...) or its columns (against the
    category column); the source holds the values only, so the series, their names and
    the categories are exactly the ones given here, not Excel's guess.
    """
    t = tables[spec.table]
    keys = [c.key for c in t.columns]
    anchor = _cells(ws, spec.row, spec.col)
    chart = ws.charts.add(left=anchor.left, top=anchor.top, width=_POINTS_PER_COLUMN * spec.width_cols,
                          height=_POINTS_PER_ROW * spec.height_rows)
    chart.name = f"{CHART_MARK} {sheet_key} {number}"
    if spec.by_row:
        first, last = keys.index(spec.value_columns[0]), keys.index(spec.value_columns[-1])
        rows = list(spec.series)
        if rows != list(range(rows[0], rows[0] + len(rows))):
            raise ValueError(f"chart on {t.name}: the rows drawn must be consecutive")
        source = _cells(ws, t.row + 1 + rows[0], t.col + first, len(rows), last - first + 1)
        categories = _cells(ws, t.row, t.col + first, 1, last - first + 1)
        names = [str(v) for v in t.frame[keys[0]].iloc[rows]]
    else:
        cat = keys.index(spec.category)
        cols = [keys.index(k) for k in spec.series]
        if cols != list(range(cat + 1, cat + 1 + len(cols))):
            raise ValueError(f"chart on {t.name}: the series must follow the category column")
        n = t.last_row - t.row
        source = _cells(ws, t.row + 1, t.col + cols[0], n, len(cols))
        categories = _cells(ws, t.row + 1, t.col + cat, n, 1)
        names = [t.columns[c].header for c in cols]
    chart.chart_type = _CHART_TYPES[spec.kind]
    chart.set_source_data(source, plot_by="rows" if spec.by_row else "columns")
    chart.set_x_axis_values(categories)
    for series, name in zip(chart.series, names):
        series.name = name
    chart.title = spec.title
    chart.legend.visible = spec.by_row
    if spec.percent:
        chart.value_axis.set(number_format="0%", minimum_scale=0)


def _bgr(color: str) -> int:
    """Excel's colour number for ``#RRGGBB``.

    >>> _bgr("#FF0000"), _bgr("#0000FF")
    (255, 16711680)
    """
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return r + 256 * g + 65536 * b


def _finish_natively(app, ws, sheet: Sheet) -> None:
    """What only Excel's Windows object model offers: right to left and frozen panes.

    Frozen panes are a property of the window, so the sheet is activated first.
    """
    ws.api.DisplayRightToLeft = sheet.rtl
    if sheet.freeze:
        ws.activate()
        window = app.api.ActiveWindow
        window.FreezePanes = False
        window.ScrollRow, window.ScrollColumn = 1, 1
        window.SplitRow, window.SplitColumn = sheet.freeze
        window.FreezePanes = True


def _native_only(report: Report) -> Notice | None:
    """What of ``report`` needs Excel's Windows object model, or None."""
    rtl, freeze = any(s.rtl for s in report.sheets), any(s.freeze for s in report.sheets)
    if not (rtl or freeze):
        return None
    return Notice("live_windows_only", what="rtl_freeze" if rtl and freeze else "rtl" if rtl else "freeze")


def _write_sheet(ws, sheet: Sheet, existing: dict[str, Any], notes: list[Notice]) -> None:
    """Every block of ``sheet``: Tables into ``existing`` ones where there are, charts anew."""
    for width, first, last in _runs([sheet.widths.get(c) for c in range(max(sheet.widths, default=-1) + 1)]):
        if width is not None:
            _cells(ws, 0, first, 1, last - first + 1).column_width = width
    tables = {t.name: t for t in sheet.tables}
    charts = 0
    for block in sheet.blocks:
        if isinstance(block, Text):
            _write_text(ws, block)
        elif isinstance(block, Figures):
            _write_figures(ws, block)
        elif isinstance(block, Table):
            heat = _write_table(ws, block, existing.get(block.name.casefold()))
            if heat is not None:
                _heatmap(heat, notes)
        elif isinstance(block, Chart):
            charts += 1
            try:
                _add_chart(ws, sheet.key, charts, block, tables)
            except Exception as err:  # noqa: BLE001 -- an older Excel: the table is there, say what is not
                notes.append(Notice("live_chart_incomplete", title=block.title, sheet=ws.name, reason=_reason(err)))


def _heatmap(rng, notes: list[Notice]) -> None:
    """The 3-colour scale (red-yellow-green, low to high) of the retention table, once."""
    try:
        rng.conditional_formats.clear()
        rng.conditional_formats.add_color_scale(list(HEATMAP_COLORS))
    except Exception as err:  # noqa: BLE001 -- an Excel without the rule: the numbers stand
        notes.append(Notice("live_colour_scale", reason=_reason(err)))


def _reason(err: BaseException) -> str:
    return " ".join(str(err).split())[:150] or type(err).__name__


# ------------------------------------------------------------------ updating in place


def _box(rng) -> tuple[int, int, int, int]:
    """1-based (first row, first column, last row, last column) of an xlwings range."""
    rows, cols = rng.shape
    return rng.row, rng.column, rng.row + rows - 1, rng.column + cols - 1


def _top(table: Table) -> int:
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
        top_now = row - (table.row + 1 - _top(table))  # its title moves with it
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
            below_top = below_row - (below.row + 1 - _top(below))
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


def _prepare_sheet(ws, sheet: Sheet, notes: list[str]) -> dict[str, Any]:
    """Ready a sheet of an earlier run for rewriting; returns its Tables the layout keeps, by name."""
    for chart in list(ws.charts):
        if chart.name.startswith(CHART_MARK):
            chart.delete()
    wanted = {t.name.casefold() for t in sheet.tables}
    existing: dict[str, Any] = {}
    for live in list(ws.tables):
        if live.name.casefold() in wanted:
            existing[live.name.casefold()] = live
        else:
            notes.append(Notice("live_table_removed", table=live.name, sheet=ws.name))
            live.delete()
    _place_tables(ws, sheet, existing)
    _clear_around_tables(ws, sheet)
    return existing


def _check_table_names(book, report: Report, replaced: set[str]) -> None:
    """Table names are workbook-wide: stop before any change if one is already in use."""
    wanted = {t.name.casefold(): t.name for s in report.sheets for t in s.tables}
    for ws in book.sheets:
        if ws.name in replaced:
            continue
        for t in ws.tables:
            if t.name.casefold() in wanted:
                raise DataError(f"sheet '{ws.name}' already has a table named {t.name}, a name the report "
                                f"needs: rename that table (Table Design > Table Name) and run the report again")
    for name in book.names:
        if name.name.casefold() in wanted:
            raise DataError(f"the workbook already defines the name {name.name}, a table name the report "
                            f"needs: rename it (Formulas > Name Manager) and run the report again")


def notes_row(sheet: Sheet) -> int:
    """0-based row for the notes line on ``sheet``: the first row no block uses above its first table.

    >>> from retention_xl.layout.blocks import Sheet, Text
    >>> notes_row(Sheet("summary", "Summary", (Text(0, ("Title",)), Text(1, ("a", "b")))))
    3
    """
    used: set[int] = set()
    for block in sheet.blocks:
        if isinstance(block, Text):
            used.update(range(block.row, block.row + len(block.lines)))
        elif isinstance(block, Figures):
            used.update(range(block.row, block.row + 2 + (1 if block.title else 0)))
        elif isinstance(block, Table):
            used.update(range(_top(block) - 1, block.last_row + 1))
        elif isinstance(block, Chart):
            used.update(range(block.row, block.row + block.height_rows))
    first_table = min((_top(t) - 1 for t in sheet.tables), default=max(used, default=-1) + 2)
    free = [r for r in range(1, first_table) if r not in used and r - 1 in used]
    return free[0] if free else max(used, default=-1) + 2


def notes_line(notes: tuple[str, ...], lang: str) -> str:
    """One line saying what this Excel could not apply, in the report's language.

    >>> notes_line(("the retention colour scale (no rule)",), "en")
    'Not applied in this Excel: the retention colour scale (no rule).'
    """
    return label(lang, "note.not_applied", items="; ".join(notes))


def write_notes(ws, sheet: Sheet, notes: tuple[str, ...], lang: str = "en") -> str:
    """One line on the sheet (the Summary) saying what this Excel could not apply; returns it."""
    line = notes_line(notes, lang)
    cell = _cells(ws, notes_row(sheet), 0)
    cell.number_format = FORMATS["text"]
    cell.value = line
    _font(cell, "note")
    return line


def write_report(book, report: Report, *, keep: tuple[str, ...] = (), native: bool | None = None) -> LiveReport:
    """Write ``report`` into ``book`` (an ``xlwings.Book``), updating only its own earlier sheets.

    Parameters
    ----------
    book : xlwings.Book
    report : Report
        From :func:`retention_xl.pipeline.build_report`.
    keep : tuple of str
        Sheet names never to write to even if marked (the sheet holding the orders).
    native : bool, optional
        Apply the Windows-only finishing touches; by default where Excel for Windows runs.

    Returns
    -------
    LiveReport
        The names of the sheets written, in report order, and what could not be applied.
    """
    native = native_supported() if native is None else native
    old = {k: ws for k, ws in marked_sheets(book).items() if ws.name not in keep}
    _check_table_names(book, report, {ws.name for ws in old.values()})
    notes: list[Notice] = []
    skipped = None if native else _native_only(report)
    if skipped:
        notes.append(skipped)
    for key, ws in old.items():  # Tables the layout moved to another report sheet: not kept
        layout = next((s for s in report.sheets if s.key == key), None)
        others = {t.name.casefold() for s in report.sheets if s is not layout for t in s.tables}
        for live in list(ws.tables):
            if live.name.casefold() in others:
                live.delete()
    written: list[str] = []
    first = previous = None
    for sheet in report.sheets:
        ws = old.get(sheet.key)
        taken = {w.name for w in book.sheets} - ({ws.name} if ws is not None else set())
        name = free_sheet_name(sheet.name, taken)
        if ws is not None:
            if ws.name != name:
                ws.name = name
            existing = _prepare_sheet(ws, sheet, notes)
        else:
            ws = book.sheets.add(name=name, after=previous if previous is not None else book.sheets[-1])
            existing = {}
        book.names.add(SHEET_MARK.format(key=sheet.key), f"={_quoted(name)}!$A$1")
        _write_sheet(ws, sheet, existing, notes)
        if native:
            try:
                _finish_natively(book.app, ws, sheet)
            except Exception as err:  # noqa: BLE001 -- an older Excel or another host: the report stands without it
                notes.append(Notice("live_rtl_freeze_failed", sheet=name, reason=_reason(err)))
        written.append(name)
        first = first if first is not None else ws
        previous = ws
    worded = tuple(notice_text(n, report.lang) for n in notes)
    if worded and first is not None:
        write_notes(first, report.sheets[0], worded, report.lang)
    if first is not None:
        first.activate()
    return LiveReport(tuple(written), worded)
