"""Write a laid-out :class:`~retention_xl.layout.Report` to an .xlsx file.

The workbook (styles, Excel Tables, colour scales, charts, frozen panes, right-to-left
sheets) is made with xlsxwriter, measured the fastest of the maintained writers
(BENCHMARKS.md). The cells of a sheet's last table, when it has more than ``BULK_ROWS``
rows, are the one part written differently: xlsxwriter spends a few microseconds of Python
on each cell (seconds for a 100,000-row table, a quarter of a second for the bundled
sample's tables), so their rows are serialised column-wise with pyarrow (see
:mod:`retention_xl.writers.bulk_rows`) and streamed into the worksheet xlsxwriter produced.

Every string from the data is written as text: a customer id such as ``=HYPERLINK(...)``
or ``+1+2`` never becomes a formula or a link.

Tables arrive cut to the size of a sheet (:func:`retention_xl.layout.layout_report`).
"""

from __future__ import annotations

import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import xlsxwriter
from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

from retention_xl.atomic_write import check_target, refuse_folder, write_atomically
from retention_xl.errors import DataError, InvalidValue
from retention_xl.writers.bulk_rows import sheet_rows_xml
from retention_xl.layout.blocks import FORMATS, SHEET_MARK, Chart, Figures, Report, Sheet, Table, Text, table_values

__all__ = ["write_xlsx", "check_xlsx_target", "report_bytes", "BULK_ROWS"]

BULK_ROWS = 100  # a sheet's last table longer than this is streamed (same cells, faster; BENCHMARKS.md)
STREAM_CHUNK = 50_000  # rows serialised at a time when streaming
# zlib's level for a streamed sheet: the fastest above FAST_ZIP_ROWS rows, else one as fast
# as that on a few thousand rows and a tenth smaller (benchmarks/bench_writer.py)
FAST_ZIP_ROWS, FAST_LEVEL, SMALL_LEVEL = 20_000, 1, 4
_HEADER_FILL = "#1F4E79"
_TEXT_STYLES = {
    "title": {"bold": True, "font_size": 16, "font_color": _HEADER_FILL},
    "subtitle": {"italic": True, "font_color": "#595959"},
    "note": {"font_color": "#595959"},
    "heading": {"bold": True, "font_size": 12, "font_color": _HEADER_FILL},
}


class _Formats:
    """xlsxwriter formats, one per kind, created once per workbook."""

    def __init__(self, wb: xlsxwriter.Workbook, rtl: bool):
        base = {"reading_order": 2} if rtl else {}
        # one format per distinct code: xlsxwriter gives a duplicate format no style id of
        # its own, and streamed rows need every column's id
        by_code = {f: wb.add_format({**base, "num_format": f}) for f in dict.fromkeys(FORMATS.values())}
        self.cell = {k: by_code[f] for k, f in FORMATS.items()}
        self.text = {k: wb.add_format({**base, **v}) for k, v in _TEXT_STYLES.items()}
        self.header = wb.add_format({**base, "bold": True, "text_wrap": True, "valign": "top",
                                     "font_color": "#FFFFFF", "bg_color": _HEADER_FILL})
        self.table_title = wb.add_format({**base, "bold": True, "font_color": _HEADER_FILL, "font_size": 12})
        self.fig_label = wb.add_format({**base, "font_color": "#595959", "font_size": 9, "text_wrap": True, "valign": "top"})
        # a figure's value sits under the start of its label: the left of a left-to-right
        # sheet, the right of a right-to-left one (under a label read from the right)
        self.fig_value = {
            k: wb.add_format({**base, "num_format": f, "bold": True, "font_size": 14, "font_color": _HEADER_FILL,
                              "align": "right" if rtl else "left"})
            for k, f in FORMATS.items()
        }


def _write_text(ws, block: Text, fmt: _Formats) -> None:
    for i, line in enumerate(block.lines):
        ws.write_string(block.row + i, block.col, line, fmt.text[block.style])


def _write_figures(ws, block: Figures, fmt: _Formats) -> None:
    row = block.row
    if block.title:
        ws.write_string(row, block.col, block.title, fmt.table_title)
        row += 1
    for i, (name, value, kind) in enumerate(block.items):
        ws.write_string(row, block.col + i, name, fmt.fig_label)
        if value is None or (isinstance(value, float) and value != value):
            ws.write_blank(row + 1, block.col + i, None, fmt.fig_value[kind])
        else:
            ws.write_number(row + 1, block.col + i, float(value), fmt.fig_value[kind])
    ws.set_row(row, 42)  # labels wrap onto up to three lines


def _write_cells(ws, table: Table, fmt: _Formats) -> None:
    """Typed writes, one cell at a time (small tables)."""
    writers = []
    for c in table.columns:
        f = fmt.cell[c.kind]
        if c.kind == "text":
            writers.append((ws.write_string, f))
        elif c.kind in ("date", "datetime"):
            writers.append((ws.write_datetime, f))
        elif c.kind == "bool":
            writers.append((ws.write_boolean, f))
        else:
            writers.append((ws.write_number, f))
    for i, values in enumerate(table_values(table), start=table.row + 1):
        for j, v in enumerate(values):
            write, f = writers[j]
            if v is None:
                ws.write_blank(i, table.col + j, None, f)  # keeps the column's format
            else:
                write(i, table.col + j, v, f)


def _add_table(ws, table: Table, fmt: _Formats, bulk: bool, widths: dict[int, float]) -> None:
    if table.title:
        ws.write_string(table.row - 1, table.col, table.title, fmt.table_title)
    last_col = table.col + len(table.columns) - 1
    if any(len(c.header) > c.width for c in table.columns):
        ws.set_row(table.row, 30)  # room for wrapped headers
    if bulk:
        # the formats must be in use for their style ids to exist when rows are streamed
        for j, c in enumerate(table.columns):
            col = table.col + j
            ws.set_column(col, col, max(c.width, widths.get(col, 0.0)), fmt.cell[c.kind])
    else:
        _write_cells(ws, table, fmt)
    # xlsxwriter checks a table's range for overlaps cell by cell, about a second for
    # 100,000 rows x 13 columns; a streamed table is declared over its header and first
    # data row and gets its full range when its rows are streamed in (see _stream_rows)
    ws.add_table(
        table.row, table.col, table.row + 1 if bulk else table.last_row, last_col,
        {
            "name": table.name,
            "style": "Table Style Medium 2",
            "columns": [
                {"header": c.header, "format": fmt.cell[c.kind], "header_format": fmt.header}
                for c in table.columns
            ],
        },
    )
    if table.heatmap_from is not None and len(table.frame):
        ws.conditional_format(
            table.row + 1, table.col + table.heatmap_from, table.last_row, last_col,
            {"type": "3_color_scale", "min_color": "#F8696B", "mid_color": "#FFEB84", "max_color": "#63BE7B"},
        )


def _add_chart(wb, ws, sheet_name: str, chart: Chart, tables: dict[str, Table]) -> None:
    t = tables[chart.table]
    keys = [c.key for c in t.columns]
    c = wb.add_chart({"type": chart.kind if chart.kind == "line" else "bar"})
    if chart.by_row:
        first = t.col + keys.index(chart.value_columns[0])
        last = t.col + keys.index(chart.value_columns[-1])
        for i in chart.series:
            r = t.row + 1 + i
            c.add_series({
                "name": [sheet_name, r, t.col],
                "categories": [sheet_name, t.row, first, t.row, last],
                "values": [sheet_name, r, first, r, last],
                "marker": {"type": "circle", "size": 4},
            })
    else:
        cat = t.col + keys.index(chart.category)
        for key in chart.series:
            col = t.col + keys.index(key)
            c.add_series({
                "name": [sheet_name, t.row, col],
                "categories": [sheet_name, t.row + 1, cat, t.last_row, cat],
                "values": [sheet_name, t.row + 1, col, t.last_row, col],
                "fill": {"color": _HEADER_FILL},
            })
        c.set_legend({"none": True})
        c.set_y_axis({"reverse": True})  # the category axis of a bar chart: first segment on top
    c.set_title({"name": chart.title})
    if chart.percent:
        c.set_y_axis({"num_format": "0%", "min": 0})
    c.set_size({"width": 64 * chart.width_cols, "height": 20 * chart.height_rows})
    ws.insert_chart(chart.row, chart.col, c)


def _write_sheet(wb, sheet: Sheet, fmt: _Formats, bulk_rows: int) -> list[Table]:
    ws = wb.add_worksheet(sheet.name)
    if sheet.rtl:
        ws.right_to_left()
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many long as needed
    ws.set_footer("&L&A&R&P / &N")
    for col, width in sheet.widths.items():
        ws.set_column(col, col, width)
    tables = {t.name: t for t in sheet.tables}
    streamed: list[Table] = []
    for block in sheet.blocks:
        if isinstance(block, Text):
            _write_text(ws, block, fmt)
        elif isinstance(block, Figures):
            _write_figures(ws, block, fmt)
        elif isinstance(block, Table):
            # only the bottom block's rows can be appended after everything else
            bulk = len(block.frame) > bulk_rows and block is sheet.blocks[-1]
            _add_table(ws, block, fmt, bulk, sheet.widths)
            if bulk:
                streamed.append(block)
        elif isinstance(block, Chart):
            _add_chart(wb, ws, sheet.name, block, tables)
    if sheet.freeze:
        ws.freeze_panes(*sheet.freeze)
    quoted = "'" + sheet.name.replace("'", "''") + "'"
    wb.define_name(SHEET_MARK.format(key=sheet.key), f"={quoted}!$A$1")
    return streamed


def report_bytes(report: Report, *, bulk_rows: int = BULK_ROWS) -> bytes:
    """The report as the bytes of an .xlsx file."""
    out = io.BytesIO()
    _write_report(report, out, bulk_rows)
    return out.getvalue()


def _write_report(report: Report, out: BinaryIO, bulk_rows: int) -> None:
    """Write the .xlsx file to ``out``; large tables are streamed to it in chunks."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    wb.set_properties({"title": "Customer retention report", "author": "retention-xl", "comments": "retention-xl"})
    fmt = _Formats(wb, report.lang in ("ar", "fa"))
    streamed: dict[int, tuple[list[Table], Sheet]] = {}
    for i, sheet in enumerate(report.sheets, start=1):
        tables = _write_sheet(wb, sheet, fmt, bulk_rows)
        if tables:
            streamed[i] = (tables, sheet)
    wb.close()
    if not streamed:
        out.write(buffer.getvalue())
    else:
        _stream_rows(buffer.getvalue(), streamed, fmt, out)


def _stream_rows(xlsx: bytes, streamed: dict[int, tuple[list[Table], Sheet]], fmt: _Formats,
                 out: BinaryIO) -> None:
    """Copy xlsxwriter's parts to ``out``, streaming the rows of large tables into their sheet
    ``STREAM_CHUNK`` rows at a time, so memory stays bounded whatever the table's length."""
    full_ref = {
        t.name: xl_range(t.row, t.col, t.last_row, t.col + len(t.columns) - 1)
        for tables, _ in streamed.values() for t in tables
    }
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
            level = 6
            if re.fullmatch(r"xl/tables/table\d+\.xml", info.filename):
                data = _table_range(data, full_ref)
            if m and int(m.group(1)) in streamed:
                tables, _ = streamed[int(m.group(1))]
                end = data.find(b"</sheetData>")
                if end < 0:  # an empty <sheetData/>
                    data = data.replace(b"<sheetData/>", b"<sheetData></sheetData>", 1)
                    end = data.find(b"</sheetData>")
                last = max(t.last_row for t in tables)
                head = re.sub(rb'<dimension ref="([A-Z]+\d+):?([A-Z]+)?\d*"/>',
                              lambda d: _dimension(d, last, tables).encode(), data[:end], count=1)
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = zipfile.ZIP_DEFLATED
                # open() takes the level from the entry, not the archive (public as
                # ``compress_level`` from Python 3.13, ``_compresslevel`` before)
                fast = sum(len(t.frame) for t in tables) > FAST_ZIP_ROWS
                setattr(zi, "compress_level" if hasattr(zi, "compress_level") else "_compresslevel",
                        FAST_LEVEL if fast else SMALL_LEVEL)
                chunks = [(t, [fmt.cell[c.kind].xf_index for c in t.columns], start)
                          for t in tables for start in range(0, len(t.frame), STREAM_CHUNK)]
                with dst.open(zi, "w") as part, ThreadPoolExecutor(max_workers=1) as ahead:
                    # the big part, fast compression; the next rows are serialised (pyarrow)
                    # while these are compressed (zlib): both run outside the GIL
                    part.write(head)
                    coming = None
                    for t, styles, start in chunks:
                        rows = ahead.submit(sheet_rows_xml, t, styles, start, start + STREAM_CHUNK)
                        if coming is not None:
                            part.write(coming.result())
                        coming = rows
                    if coming is not None:
                        part.write(coming.result())
                    part.write(data[end:])
                continue
            zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data, compresslevel=level)


def _table_range(part: bytes, full_ref: dict[str, str]) -> bytes:
    """A table part with the full range of a streamed table (its ``<table>`` and ``<autoFilter>``)."""
    xml = part.decode("utf-8")
    name = re.search(r'<table [^>]*displayName="([^"]+)"', xml)
    if name is None or name.group(1) not in full_ref:
        return part
    xml = re.sub(r' ref="[A-Z]+\d+:[A-Z]+\d+"', f' ref="{full_ref[name.group(1)]}"', xml, count=2)
    return xml.encode("utf-8")


def _dimension(match: re.Match, last_row: int, tables: list[Table]) -> str:
    last_col = max(t.col + len(t.columns) - 1 for t in tables)
    end = xl_rowcol_to_cell(last_row, last_col)
    return f'<dimension ref="A1:{end}"/>'


def write_xlsx(report: Report, path: str | Path, *, force: bool = False, bulk_rows: int = BULK_ROWS) -> Path:
    """Write the report to ``path`` atomically; an existing file is kept unless ``force``.

    Raises
    ------
    OutputExists
        ``path`` exists and ``force`` is false.
    DataError
        ``path`` is not an .xlsx name, or its folder does not exist.
    InvalidValue
        ``report`` is not a laid-out report (an ``Analysis`` must go through ``build_report``).
    """
    if not isinstance(report, Report):
        raise InvalidValue(f"write_xlsx takes the result of rx.build_report, got {type(report).__name__}")
    path = check_xlsx_target(path, force=force)
    return write_atomically(path, lambda handle: _write_report(report, handle, bulk_rows), force=force)


def check_xlsx_target(path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """The checks of :func:`write_xlsx` on ``path``, made before any work: an .xlsx name, in
    a folder that exists, not one of the ``inputs`` read, not over an existing file unless
    ``force`` (see :func:`~retention_xl.atomic_write.check_target`).

    Raises
    ------
    OutputIsInput, OutputExists, DataError
        As :func:`write_xlsx`.
    """
    refuse_folder(path, "report.xlsx")
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DataError(f"the report is an .xlsx workbook: name the output like {path.with_suffix('.xlsx').name}")
    return check_target(path, force=force, inputs=inputs, option="output")
