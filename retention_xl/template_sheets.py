"""The template workbook's sheets, laid out and styled with openpyxl.

:func:`workbook` writes *Start here*, *Orders*, *Metrics*, *Survey* and *Contact log* from the content
in :mod:`retention_xl.template_content` and the labels in
:mod:`retention_xl.template_labels`: named cell styles (yellow inputs, blue results, grey
checks), merged title bands with row heights fitted to the text, Excel Tables, data
validation, defined names for the Metrics inputs, tab colours, right-to-left sheets for
Arabic and Persian, and A4 print settings. Document properties carry a fixed time so that
the saved file is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import math

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table, TableStyleInfo

from retention_xl.labels import RIGHT_TO_LEFT
from retention_xl.template_content import (
    ARRAY_CHECKS,
    CATALOG,
    CONTACT_COLUMNS,
    DATE,
    EXAMPLE_SURVEY,
    INT,
    METRICS,
    MONEY,
    ORDER_COLUMNS,
    PCT,
    SURVEY_COLUMNS,
    SURVEY_HINTS,
    SURVEY_RESULTS,
    VALIDATION,
    WARNINGS,
)
from retention_xl.template_content import template_label as label

__all__ = ["FIXED_TIME", "VALIDATED_ROWS", "workbook"]

FIXED_TIME = dt.datetime(2024, 1, 1)
VALIDATED_ROWS = 10_000  # validation reaches this far below the headers, for pasted data
NAVY, BLUE, ORANGE, GREEN, PURPLE = "1F3864", "2E75B6", "C55A11", "548235", "7030A0"


def workbook(lang: str, rows: list[tuple]) -> Workbook:
    """The template's five sheets, styled, with ``rows`` in the Orders table.

    Parameters
    ----------
    lang : {"en", "ar", "fa"}
        Language of every label; ``ar`` and ``fa`` sheets run right to left.
    rows : list of tuple
        Checked orders, ``(customer, order_date, amount, order_id, channel)``.

    Examples
    --------
    >>> wb = workbook("en", [])
    >>> wb.sheetnames
    ['Start here', 'Orders', 'Metrics', 'Survey', 'Contact log']
    >>> wb["Orders"].tables["Orders"].ref
    'A4:E5'
    """
    wb = Workbook()
    props = wb.properties
    props.creator = props.lastModifiedBy = "retention-xl"
    props.title, props.language = label(lang, "doc.title"), lang
    props.created = props.modified = FIXED_TIME
    wb.calculation.fullCalcOnLoad = True  # openpyxl stores no results: Excel computes on open
    for style in _named_styles("Calibri" if lang == "en" else "Arial", lang in RIGHT_TO_LEFT):
        wb.add_named_style(style)
    start = wb.active
    start.title = label(lang, "sheet.start")
    sheets = [start] + [wb.create_sheet(label(lang, f"sheet.{key}"))
                        for key in ("orders", "metrics", "survey", "contacts")]
    _start_sheet(start, lang)
    _orders_sheet(sheets[1], lang, rows)
    _metrics_sheet(sheets[2], lang)
    _survey_sheet(sheets[3], lang)
    _contacts_sheet(sheets[4], lang)
    for ws, colour in zip(sheets, (NAVY, BLUE, ORANGE, GREEN, PURPLE)):
        ws.sheet_properties.tabColor = colour
        ws.sheet_view.rightToLeft = lang in RIGHT_TO_LEFT
        ws.sheet_view.showGridLines = ws in (sheets[1], sheets[4])
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait" if ws in (sheets[1], sheets[4]) else "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.oddFooter.left.text, ws.oddFooter.right.text = "retention-xl", "&P / &N"
    return wb


def _named_styles(font: str, rtl: bool) -> list[NamedStyle]:
    thin = Side(style="thin", color="BFBFBF")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    order = 2 if rtl else 0  # Arabic script is not set in italics: notes stay upright there

    def style(name, size=10, bold=False, color="262626", fill=None, wrap=False, italic=False,
              border=None, reading=order):
        return NamedStyle(
            name=name,
            font=Font(name=font, size=size, bold=bold, italic=italic and not rtl, color=color),
            fill=PatternFill("solid", fgColor=fill) if fill else PatternFill(),
            border=border or Border(),
            alignment=Alignment(wrap_text=wrap, vertical="center", readingOrder=reading))

    return [
        style("RX Title", 16, True, "FFFFFF", NAVY),
        style("RX Subtitle", 10, color="595959", italic=True, wrap=True),
        style("RX Heading", 12, True, NAVY, border=Border(bottom=Side("medium", color=NAVY))),
        style("RX Header", 10, True, "FFFFFF", NAVY, wrap=True, border=box),
        style("RX Section", 11, True, NAVY, "D9E1F2"),
        style("RX Label", border=box, wrap=True),
        style("RX Text", wrap=True),
        style("RX Code", 9, color="404040", wrap=True, border=box, reading=1),  # formulas: LTR
        style("RX Input", 10, True, "1F4E79", "FFF2CC",
              border=Border(left=Side("thin", "BF9000"), right=Side("thin", "BF9000"),
                            top=Side("thin", "BF9000"), bottom=Side("thin", "BF9000"))),
        style("RX Result", 10, True, NAVY, "DDEBF7", border=box),
        style("RX Check", 10, color="404040", fill="EDEDED", border=box),
        style("RX Hint", 9, color="595959", italic=True, wrap=True),
    ]


def _put(ws, ref: str, value, style: str, fmt: str | None = None):
    cell = ws[ref]
    cell.value, cell.style = value, style
    if fmt:
        cell.number_format = fmt
    return cell


def _band(ws, row: int, first: str, last: str, text: str, style: str, width: int = 0) -> None:
    """Write ``text`` across columns first..last of ``row``; set the height for ``width`` chars."""
    ws.merge_cells(f"{first}{row}:{last}{row}")
    _put(ws, f"{first}{row}", text, style)
    if width:
        _fit(ws, row, text, width)


def _fit(ws, row: int, text: str, width: int, line: float = 14.0) -> None:
    lines = sum(max(1, math.ceil(len(part) / width)) for part in str(text).split("\n"))
    ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, 4 + line * lines)


def _validation(ws, kind: str, lang: str, ranges: str) -> None:
    kind_type, operator, low, high = VALIDATION[kind]
    dv = DataValidation(type=kind_type, operator=operator, formula1=low, formula2=high,
                        allow_blank=True, showErrorMessage=True,
                        errorTitle=label(lang, "dv.title"), error=label(lang, f"dv.{kind}"))
    dv.add(ranges)
    ws.add_data_validation(dv)


def _title(ws, lang: str, title_key: str, note_key: str, span: str, width: int) -> None:
    first, last = span.split(":")
    _band(ws, 1, first, last, label(lang, title_key), "RX Title")
    ws.row_dimensions[1].height = 30
    _band(ws, 2, first, last, label(lang, note_key), "RX Subtitle", width)


def _start_sheet(ws, lang: str) -> None:
    for col, width in zip("ABCD", (2, 36, 76, 44)):
        ws.column_dimensions[col].width = width
    _title(ws, lang, "doc.title", "start.subtitle", "B:D", 150)
    row = 4
    for heading, keys in (("start.how", ("start.step1", "start.step2", "start.step3",
                                         "start.step4", "start.step5")),
                          ("start.install", ("start.install_a", "start.install_b",
                                             "start.install_c"))):
        _band(ws, row, "B", "D", label(lang, heading), "RX Heading")
        for row, key in enumerate(keys, start=row + 1):
            _band(ws, row, "B", "D", label(lang, key), "RX Text", 150)
        row += 2
    _band(ws, row, "B", "D", label(lang, "start.legend"), "RX Heading")
    for row, (key, style, value, fmt) in enumerate(
            (("legend.input", "RX Input", 10, INT), ("legend.result", "RX Result", 0.8, PCT),
             ("legend.check", "RX Check", 0.8, PCT)), start=row + 1):
        _put(ws, f"B{row}", value, style, fmt)
        _band(ws, row, "C", "D", label(lang, key), "RX Text")
    _band(ws, row + 1, "B", "D", label(lang, "start.units"), "RX Hint", 150)
    row += 3
    _band(ws, row, "B", "D", label(lang, "start.catalog"), "RX Heading")
    row += 1
    for col, key in zip("BCD", ("start.col_formula", "start.col_meaning", "start.col_example")):
        _put(ws, f"{col}{row}", label(lang, key), "RX Header")
    for row, (name, signature, example) in enumerate(CATALOG, start=row + 1):
        _put(ws, f"B{row}", signature, "RX Code")
        _put(ws, f"C{row}", label(lang, f"cat.{name}"), "RX Label")
        _put(ws, f"D{row}", example, "RX Code")
        for text, width in ((signature, 40), (label(lang, f"cat.{name}"), 78), (example, 50)):
            _fit(ws, row, text, width)


def _orders_sheet(ws, lang: str, rows: list[tuple]) -> None:
    formats = (None, DATE, MONEY, None, None)
    for col, width, fmt in zip("ABCDE", (26, 16, 16, 18, 18), formats):
        ws.column_dimensions[col].width = width
        if fmt:
            ws.column_dimensions[col].number_format = fmt
    _title(ws, lang, "orders.title", "orders.note", "A:E", 90)
    for col, name in zip("ABCDE", ORDER_COLUMNS):
        _put(ws, f"{col}3", label(lang, f"hint.{name}"), "RX Hint")
        _put(ws, f"{col}4", name, "RX Header")
    _fit(ws, 3, max((label(lang, f"hint.{n}") for n in ORDER_COLUMNS), key=len), 16)
    for r, values in enumerate(rows, start=5):
        for col, value, fmt in zip("ABCDE", values, formats):
            cell = ws[f"{col}{r}"]
            cell.value = value
            if fmt:
                cell.number_format = fmt
    last = 4 + max(len(rows), 1)
    table = Table(displayName="Orders", ref=f"A4:E{last}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    _validation(ws, "date", lang, f"B5:B{4 + VALIDATED_ROWS}")
    _validation(ws, "amount", lang, f"C5:C{4 + VALIDATED_ROWS}")
    ws.freeze_panes = "A5"
    ws.print_title_rows = "4:4"


def _metrics_sheet(ws, lang: str) -> None:
    for col, width in zip("ABCDEF", (2, 34, 16, 18, 50, 52)):
        ws.column_dimensions[col].width = width
    _title(ws, lang, "metrics.title", "metrics.note", "B:F", 150)
    for col, key in zip("BCDEF", ("col.item", "col.value", "col.check", "col.name", "col.meaning")):
        _put(ws, f"{col}4", label(lang, key), "RX Header")
    sheet = ws.title.replace("'", "''")
    row = 5
    for section, items in METRICS:
        _band(ws, row, "B", "F", label(lang, section), "RX Section")
        for row, item in enumerate(items, start=row + 1):
            if item[0] == "in":
                _, name, default, fmt, kind = item
                key, formula, check, defined = f"in.{name}", None, None, name
                _put(ws, f"C{row}", default, "RX Input", fmt)
                _validation(ws, kind, lang, f"C{row}")
                shown = name
            else:
                _, name, formula, check, fmt, defined = item
                key = f"res.{name}"
                at = f"D{row}" if formula else f"C{row}"
                entered = ArrayFormula(at, f"={check}") if name in ARRAY_CHECKS else f"={check}"
                if formula:
                    _put(ws, f"C{row}", f"={formula}", "RX Result", fmt)
                    _put(ws, at, entered, "RX Check", fmt)
                else:
                    _put(ws, at, entered, "RX Check", fmt)
                    _put(ws, f"D{row}", None, "RX Label")
                if name in WARNINGS:  # a problem to fix: red while above 0
                    ws.conditional_formatting.add(f"C{row}", CellIsRule(
                        operator="greaterThan", formula=["0"], font=Font(bold=True, color="9C0006"),
                        fill=PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")))
                shown = (formula or check).replace("_xlfn._xlws.", "").replace("_xlfn.", "")  # as Excel shows it
                if defined:
                    shown = f"{defined} = {shown}"
            if item[0] == "in":
                _put(ws, f"D{row}", None, "RX Label")
            _put(ws, f"B{row}", label(lang, key), "RX Label")
            _put(ws, f"E{row}", shown, "RX Code")
            _put(ws, f"F{row}", label(lang, f"{key}.help"), "RX Label")
            _fit(ws, row, shown, 56)  # 9-point text
            _fit(ws, row, label(lang, f"{key}.help"), 52)
            if defined:
                ws.parent.defined_names[defined] = DefinedName(
                    defined, attr_text=f"'{sheet}'!$C${row}")
        row += 2
    ws.freeze_panes = "A5"


def _survey_sheet(ws, lang: str) -> None:
    for col, width in zip("ABCDEFGHIJKL", (2, 16, 12, 10, 12, 10, 30, 3, 32, 14, 18, 44)):
        ws.column_dimensions[col].width = width
    _title(ws, lang, "survey.title", "survey.note", "B:L", 180)
    columns = "BCDEFG"
    for col, name in zip(columns, SURVEY_COLUMNS):
        _put(ws, f"{col}3", label(lang, SURVEY_HINTS[name]), "RX Hint")
        _put(ws, f"{col}4", name, "RX Header")
    _fit(ws, 3, max((label(lang, SURVEY_HINTS[n]) for n in SURVEY_COLUMNS), key=len), 11)
    for r, values in enumerate(EXAMPLE_SURVEY, start=5):
        for col, value in zip(columns, values):
            cell = ws[f"{col}{r}"]
            cell.value = dt.date.fromisoformat(value) if col == "C" else value
            if col == "C":
                cell.number_format = DATE
    table = Table(displayName="Survey", ref=f"B4:G{4 + len(EXAMPLE_SURVEY)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium4", showRowStripes=True)
    ws.add_table(table)
    for col, kind in zip("CDEF", ("date", "score", "satisfaction", "effort")):
        _validation(ws, kind, lang, f"{col}5:{col}{4 + VALIDATED_ROWS}")
    _band(ws, 3, "I", "L", label(lang, "survey.results"), "RX Heading")
    for col, key in zip("IJKL", ("col.item", "col.value", "col.check", "col.meaning")):
        _put(ws, f"{col}4", label(lang, key), "RX Header")
    for row, (name, formula, check, fmt) in enumerate(SURVEY_RESULTS, start=5):
        _put(ws, f"I{row}", label(lang, f"res.{name}"), "RX Label")
        if formula:
            _put(ws, f"J{row}", f"={formula}", "RX Result", fmt)
            _put(ws, f"K{row}", f"={check}" if check else None, "RX Check", fmt)
        else:
            _put(ws, f"J{row}", f"={check}", "RX Check", fmt)
            _put(ws, f"K{row}", None, "RX Label")
        _put(ws, f"L{row}", label(lang, f"res.{name}.help"), "RX Label")
    ws.freeze_panes = "A5"


def _contacts_sheet(ws, lang: str) -> None:
    """The contact log: an empty ``Contacts`` Table (Customer, Date, Channel) to paste into."""
    for col, width, fmt in zip("ABC", (26, 16, 22), (None, DATE, None)):
        ws.column_dimensions[col].width = width
        if fmt:
            ws.column_dimensions[col].number_format = fmt
    _title(ws, lang, "contacts.title", "contacts.note", "A:C", 64)
    for col, name in zip("ABC", CONTACT_COLUMNS):
        _put(ws, f"{col}3", label(lang, f"hint.contact.{name}"), "RX Hint")
        _put(ws, f"{col}4", name, "RX Header")
    _fit(ws, 3, max((label(lang, f"hint.contact.{n}") for n in CONTACT_COLUMNS), key=len), 20)
    table = Table(displayName="Contacts", ref="A4:C5")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium5", showRowStripes=True)
    ws.add_table(table)
    _validation(ws, "date", lang, f"B5:B{4 + VALIDATED_ROWS}")
    ws.freeze_panes = "A5"
    ws.print_title_rows = "4:4"
