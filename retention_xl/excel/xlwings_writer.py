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
*Summary*) is never touched and the report takes a free name instead (*Summary (2)*, see
:mod:`retention_xl.excel.sheet_names`).

A re-run **updates the marked sheets in place**, so that what users build on the report
keeps working (formulas, charts and pivots on its Tables): the Tables are kept, moved and
resized and the rest cleared by :mod:`retention_xl.excel.live_update`, then written again. A
marked sheet the report no longer has (*Feedback* once the ``Survey`` Table is gone) is
deleted with a note, not left with an earlier run's figures.

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
from retention_xl.excel.live_update import (
    CHART_MARK,
    check_table_names,
    prepare_sheet,
    top_row,
)
from retention_xl.excel.sheet_names import report_sheet_names
from retention_xl.excel.workbook_marks import marked_sheets, native_supported, sheet_marks
from retention_xl.labels import label
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
from retention_xl.wording import notice_text

__all__ = [
    "HEATMAP_COLORS",
    "SHEET_MARK",
    "TABLE_STYLE",
    "WRITE_CELLS",
    "LiveReport",
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
            used.update(range(top_row(block) - 1, block.last_row + 1))
        elif isinstance(block, Chart):
            used.update(range(block.row, block.row + block.height_rows))
    first_table = min((top_row(t) - 1 for t in sheet.tables), default=max(used, default=-1) + 2)
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
    check_table_names(book, report, {ws.name for ws in old.values()})
    notes: list[Notice] = []
    skipped = None if native else _native_only(report)
    if skipped:
        notes.append(skipped)
    marks = sheet_marks(book)
    for key in [k for k in old if k not in {s.key for s in report.sheets}]:
        # a sheet this report no longer has (Feedback, the survey gone): its figures are an earlier run's
        notes.append(Notice("live_sheet_removed", sheet=old[key].name))
        old.pop(key).delete()
        marks[key][0].delete()
    for key, ws in old.items():  # Tables the layout moved to another report sheet: not kept
        layout = next((s for s in report.sheets if s.key == key), None)
        others = {t.name.casefold() for s in report.sheets if s is not layout for t in s.tables}
        for live in list(ws.tables):
            if live.name.casefold() in others:
                live.delete()
    written: list[str] = []
    first = previous = None
    for sheet, name in zip(report.sheets, report_sheet_names(book, report.sheets, old)):
        ws = old.get(sheet.key)
        if ws is not None:
            if ws.name != name:
                ws.name = name
            existing = prepare_sheet(ws, sheet, notes)
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
