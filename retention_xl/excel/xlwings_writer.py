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

Re-running replaces only sheets the report made before. Each report sheet is marked with
a workbook-level defined name ``RetentionXL_<key>`` (``key`` from
:data:`~retention_xl.layout.SHEET_KEYS`, as the file writer marks its sheets) pointing
at the sheet. On the next run exactly the sheets those names point to are replaced, in
place; a sheet of the user's with a wanted name (an unmarked *Summary*) is never touched
and the report takes a free name instead (*Summary (2)*).

A few finishing touches exist only in Excel's own object model on Windows (right to left,
the colour scale, chart titles and series, frozen panes); they are kept together in
:func:`_finish_natively`, and skipped with a note elsewhere.

Examples
--------
>>> book = xw.Book.caller()                      # doctest: +SKIP
>>> written = write_report(book, built.report)   # doctest: +SKIP
>>> written.sheets                                # doctest: +SKIP
('Summary', 'Cohorts', 'Segments', 'Data issues')
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

from retention_xl.errors import DataError
from retention_xl.layout.blocks import (
    FORMATS,
    SHEET_KEYS,
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
    "LiveReport",
    "free_sheet_name",
    "marked_sheets",
    "native_supported",
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
_NATIVE_NOTE = ("Right-to-left sheets, the retention colour scale, chart titles and frozen panes "
                "need Excel for Windows; they were skipped here.")


@dataclass(frozen=True)
class LiveReport:
    """What :func:`write_report` did: the sheet names written (in report order) and notes."""

    sheets: tuple[str, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _ChartPlan:
    """A chart added portably, with what only the native object model can finish."""

    chart: Any
    spec: Chart
    source: Any
    categories: Any
    series_names: tuple[str, ...]


def native_supported() -> bool:
    """True where Excel's object model (``.api``) is the Windows COM one the finishing touches use."""
    return sys.platform == "win32"


def _mark_key(name: str) -> str | None:
    prefix = SHEET_MARK.format(key="")
    if "!" in name or not name.startswith(prefix):  # "Sheet1!x" is a sheet-level name
        return None
    key = name[len(prefix):]
    return key if key in SHEET_KEYS else None


def marked_sheets(book) -> dict[str, Any]:
    """The report's sheets from an earlier run, by key, found through their marks.

    A mark whose sheet is gone (the user deleted it: the name refers to ``#REF!``) is
    ignored; writing that sheet again redefines it.
    """
    found: dict[str, Any] = {}
    for name in list(book.names):
        key = _mark_key(name.name)
        if key is None:
            continue
        try:
            found[key] = name.refers_to_range.sheet
        except Exception:  # noqa: BLE001, S112 -- refers to #REF!: the sheet was deleted
            continue
    return found


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


def _write_table(ws, table: Table) -> Any:
    """Title, formats, header and values (one write), then the Excel Table; returns the heatmap range."""
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
    _cells(ws, table.row, table.col, len(rows), ncols).value = rows
    ws.tables.add(source=_cells(ws, table.row, table.col, n + 1, ncols), name=table.name,
                  table_style_name=TABLE_STYLE)
    if table.heatmap_from is None or not len(table.frame):
        return None
    return _cells(ws, table.row + 1, table.col + table.heatmap_from, n, ncols - table.heatmap_from)


def _add_chart(ws, spec: Chart, tables: dict[str, Table]) -> _ChartPlan:
    """A native chart from the table's cells; series by row (cohorts) or by column."""
    t = tables[spec.table]
    keys = [c.key for c in t.columns]
    anchor = _cells(ws, spec.row, spec.col)
    chart = ws.charts.add(left=anchor.left, top=anchor.top, width=_POINTS_PER_COLUMN * spec.width_cols,
                          height=_POINTS_PER_ROW * spec.height_rows)
    if spec.by_row:
        first, last = keys.index(spec.value_columns[0]), keys.index(spec.value_columns[-1])
        rows = list(spec.series)
        if rows != list(range(rows[0], rows[0] + len(rows))):
            raise ValueError(f"chart on {t.name}: the rows drawn must be consecutive")
        source = _cells(ws, t.row + 1 + rows[0], t.col + first, len(rows), last - first + 1)
        categories = _cells(ws, t.row, t.col + first, 1, last - first + 1)
        names = tuple(str(v) for v in t.frame[keys[0]].iloc[rows])
    else:
        cat = keys.index(spec.category)
        cols = [keys.index(k) for k in spec.series]
        if cols != list(range(cat + 1, cat + 1 + len(cols))):
            raise ValueError(f"chart on {t.name}: the series must follow the category column")
        source = _cells(ws, t.row, t.col + cat, t.last_row - t.row + 1, 1 + len(cols))
        categories = _cells(ws, t.row + 1, t.col + cat, t.last_row - t.row, 1)
        names = tuple(t.columns[c].header for c in cols)
    chart.set_source_data(source)
    chart.chart_type = _CHART_TYPES[spec.kind]
    return _ChartPlan(chart, spec, source, categories, names)


def _bgr(color: str) -> int:
    """Excel's colour number for ``#RRGGBB``.

    >>> _bgr("#FF0000"), _bgr("#0000FF")
    (255, 16711680)
    """
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return r + 256 * g + 65536 * b


def _finish_natively(app, ws, sheet: Sheet, heatmaps: list, charts: list[_ChartPlan]) -> None:
    """Everything that needs Excel's Windows object model, for one sheet.

    Right to left, the 3-colour scale of the heatmap (red-yellow-green, low to high), each
    chart's series (by row or column, their names and categories), title, legend and
    percent axis, and the frozen panes (a property of the window, so the sheet is
    activated first).
    """
    ws.api.DisplayRightToLeft = sheet.rtl
    for rng in heatmaps:
        scale = rng.api.FormatConditions.AddColorScale(3)
        for i, color in enumerate(HEATMAP_COLORS, start=1):
            scale.ColorScaleCriteria(i).FormatColor.Color = _bgr(color)
    for plan in charts:
        chart = plan.chart.api[1]
        chart.SetSourceData(plan.source.api, 1 if plan.spec.by_row else 2)  # xlRows / xlColumns
        for i, name in enumerate(plan.series_names, start=1):
            series = chart.SeriesCollection(i)
            series.Name = name
            series.XValues = plan.categories.api
        chart.HasTitle = True
        chart.ChartTitle.Text = plan.spec.title
        chart.HasLegend = plan.spec.by_row
        if plan.spec.percent:
            axis = chart.Axes(2)  # xlValue
            axis.TickLabels.NumberFormat = "0%"
            axis.MinimumScale = 0
    if sheet.freeze:
        ws.activate()
        window = app.api.ActiveWindow
        window.FreezePanes = False
        window.ScrollRow, window.ScrollColumn = 1, 1
        window.SplitRow, window.SplitColumn = sheet.freeze
        window.FreezePanes = True


def _write_sheet(ws, sheet: Sheet) -> tuple[list, list[_ChartPlan]]:
    for width, first, last in _runs([sheet.widths.get(c) for c in range(max(sheet.widths, default=-1) + 1)]):
        if width is not None:
            _cells(ws, 0, first, 1, last - first + 1).column_width = width
    tables = {t.name: t for t in sheet.tables}
    heatmaps, charts = [], []
    for block in sheet.blocks:
        if isinstance(block, Text):
            _write_text(ws, block)
        elif isinstance(block, Figures):
            _write_figures(ws, block)
        elif isinstance(block, Table):
            heat = _write_table(ws, block)
            if heat is not None:
                heatmaps.append(heat)
        elif isinstance(block, Chart):
            charts.append(_add_chart(ws, block, tables))
    return heatmaps, charts


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


def write_report(book, report: Report, *, keep: tuple[str, ...] = (), native: bool | None = None) -> LiveReport:
    """Write ``report`` into ``book`` (an ``xlwings.Book``), replacing only its own earlier sheets.

    Parameters
    ----------
    book : xlwings.Book
    report : Report
        From :func:`retention_xl.build.build_report`.
    keep : tuple of str
        Sheet names never to delete even if marked (the sheet holding the orders).
    native : bool, optional
        Apply the Windows-only finishing touches; by default where Excel for Windows runs.

    Returns
    -------
    LiveReport
        The names of the sheets written, in report order, and notes on what was skipped.
    """
    native = native_supported() if native is None else native
    old = {k: ws for k, ws in marked_sheets(book).items() if ws.name not in keep}
    _check_table_names(book, report, {ws.name for ws in old.values()})
    notes: list[str] = [] if native else [_NATIVE_NOTE]
    written: list[str] = []
    first = previous = None
    for sheet in report.sheets:
        former = old.get(sheet.key)
        taken = {ws.name for ws in book.sheets} - ({former.name} if former is not None else set())
        name = free_sheet_name(sheet.name, taken)
        if former is not None:
            former.name = free_sheet_name(f"RetentionXL old {sheet.key}", taken | {name})
            ws = book.sheets.add(name=name, before=former)
            former.delete()
        else:
            ws = book.sheets.add(name=name, after=previous if previous is not None else book.sheets[-1])
        book.names.add(SHEET_MARK.format(key=sheet.key), f"={_quoted(name)}!$A$1")
        heatmaps, charts = _write_sheet(ws, sheet)
        if native:
            try:
                _finish_natively(book.app, ws, sheet, heatmaps, charts)
            except Exception as err:  # noqa: BLE001 -- an older Excel or another host: the report stands without it
                notes.append(f"Sheet '{name}': formatting skipped ({' '.join(str(err).split())[:150]}).")
        written.append(name)
        first = first if first is not None else ws
        previous = ws
    if first is not None:
        first.activate()
    return LiveReport(tuple(written), tuple(notes))
