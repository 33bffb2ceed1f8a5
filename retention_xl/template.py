"""The template workbook a consultant hands over: ``retention-xl template [PATH]``.

Four sheets, written with openpyxl:

* *Start here* — what to paste where, how to install the add-in, the formula catalog;
* *Orders* — an Excel Table ``Orders`` (Customer, Order date, Amount, Order id, Channel)
  with date/number validation, optionally filled with sample orders;
* *Metrics* — yellow input cells with workbook-level names (``CustomersStart`` …) feeding
  the add-in formulas (``=CRR(CustomersStart,CustomersEnd,NewCustomers)`` …), each next to
  a plain-Excel check computing the same number, so the sheet works before the add-in does;
* *Survey* — an Excel Table ``Survey`` (Score, Satisfaction, Effort) feeding NPS, NPS_MOE,
  CSAT and CES.

Defined names, table names and table headers are ASCII and the same in every language;
labels come from :mod:`retention_xl.template_labels`. The output is byte-for-byte
deterministic: fixed document properties and fixed zip entry timestamps.

Examples
--------
>>> from openpyxl import load_workbook
>>> import io
>>> wb = load_workbook(io.BytesIO(template_bytes()))
>>> wb["Metrics"]["C6"].value
10
>>> wb.defined_names["CustomersStart"].attr_text
"'Metrics'!$C$6"
"""

from __future__ import annotations

import datetime as dt
import io
import math
import os
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.xml.functions import tostring

from retention_xl.errors import DataError, InvalidValue
from retention_xl.sample import load_sample_orders
from retention_xl.template_labels import LANGUAGES, RIGHT_TO_LEFT, label

__all__ = [
    "DEFAULT_FILENAME",
    "ORDER_COLUMNS",
    "SURVEY_COLUMNS",
    "build_template",
    "sample_orders",
    "template_bytes",
]

DEFAULT_FILENAME = "workbook_template.xlsx"
ORDER_COLUMNS = ("Customer", "Order date", "Amount", "Order id", "Channel")
SURVEY_COLUMNS = ("Score", "Satisfaction", "Effort")
FIXED_TIME = dt.datetime(2024, 1, 1)
SAMPLE_SIZE = 50
VALIDATED_ROWS = 10_000  # validation reaches this far below the headers, for pasted data

# Worked examples from the formula contract: NPS 40, CSAT 60%, CES 4.9.
EXAMPLE_SURVEY = ((10, 5, 7), (10, 5, 6), (9, 4, 6), (9, 4, 5), (9, 5, 6),
                  (8, 3, 4), (7, 3, 4), (6, 2, 3), (2, 1, 1), (10, 5, 7))

INT, MONEY, PCT, NUM, PLAIN, POINTS, DATE = (
    "#,##0", "#,##0.00", "0.0%", "0.00", "General", "0.0", "yyyy-mm-dd")
NAVY, BLUE, ORANGE, GREEN = "1F3864", "2E75B6", "C55A11", "548235"

_CUSTOMER = "Orders[Customer]"
_PER_CUSTOMER = f'COUNTIF({_CUSTOMER},{_CUSTOMER}&"")'
_DISTINCT = f'SUMPRODUCT(({_CUSTOMER}<>"")/{_PER_CUSTOMER})'
_REPEATERS = f'SUMPRODUCT(({_CUSTOMER}<>"")*({_PER_CUSTOMER}>1)/{_PER_CUSTOMER})'

# Metrics sheet: (section, items). Input: ("in", name, default, format, validation).
# Result: ("res", label key, add-in formula | None, plain-Excel check, format, defined name).
METRICS = (
    ("sec.retention", (
        ("in", "CustomersStart", 10, INT, "count"),
        ("in", "CustomersEnd", 8, INT, "count"),
        ("in", "NewCustomers", 0, INT, "count"),
        ("in", "LostCustomers", 2, INT, "count"),
        ("in", "ValuePerCustomer", 140, MONEY, "number"),
        ("res", "CRR", "CRR(CustomersStart,CustomersEnd,NewCustomers)",
         "(CustomersEnd-NewCustomers)/CustomersStart", PCT, None),
        ("res", "CHURN", "CHURN(LostCustomers,CustomersStart)",
         "LostCustomers/CustomersStart", PCT, "ChurnRate"),
        ("res", "LIFESPAN", "LIFESPAN(ChurnRate)", "1/(LostCustomers/CustomersStart)", NUM, None),
        ("res", "CHURN_COST", "CHURN_COST(LostCustomers,ValuePerCustomer)",
         "LostCustomers*ValuePerCustomer", MONEY, None),
    )),
    ("sec.clv", (
        ("in", "AvgOrderValue", 50, MONEY, "number"),
        ("in", "PurchasesPerPeriod", 4, PLAIN, "number"),
        ("in", "Periods", 3, PLAIN, "number"),
        ("in", "Margin", 0.3, PCT, "rate"),
        ("in", "AcquisitionCost", 40, MONEY, "number"),
        ("res", "CLV", "CLV(AvgOrderValue,PurchasesPerPeriod,Periods,Margin,AcquisitionCost)",
         "AvgOrderValue*PurchasesPerPeriod*Periods*Margin-AcquisitionCost", MONEY, None),
    )),
    ("sec.discounted", (
        ("in", "MarginPerPeriod", 100, MONEY, "number"),
        ("in", "RetentionRate", 0.8, PCT, "rate"),
        ("in", "DiscountRate", 0.1, PCT, "rate"),
        ("in", "HorizonPeriods", 3, PLAIN, "count"),
        ("res", "CLV_DISCOUNTED", "CLV_DISCOUNTED(MarginPerPeriod,RetentionRate,DiscountRate)",
         "MarginPerPeriod*(1+DiscountRate)/(1+DiscountRate-RetentionRate)", MONEY, None),
        ("res", "CLV_DISCOUNTED_T",
         "CLV_DISCOUNTED(MarginPerPeriod,RetentionRate,DiscountRate,HorizonPeriods)",
         "MarginPerPeriod*(1-(RetentionRate/(1+DiscountRate))^HorizonPeriods)"
         "/(1-RetentionRate/(1+DiscountRate))", MONEY, None),
    )),
    ("sec.repeat", (
        ("in", "RepeatCustomers", 900, INT, "count"),
        ("in", "BuyingCustomers", 2000, INT, "count"),
        ("in", "OrderCount", 5000, INT, "count"),
        ("res", "REPEAT_RATE", "REPEAT_RATE(RepeatCustomers,BuyingCustomers)",
         "RepeatCustomers/BuyingCustomers", PCT, None),
        ("res", "PURCHASE_FREQUENCY", "PURCHASE_FREQUENCY(OrderCount,BuyingCustomers)",
         "OrderCount/BuyingCustomers", NUM, None),
    )),
    ("sec.orders", (
        ("res", "ORDERS_COUNT", None, f"COUNTA({_CUSTOMER})", INT, "OrdersInTable"),
        ("res", "ORDERS_CUSTOMERS", None, f"IF(OrdersInTable=0,0,{_DISTINCT})", INT,
         "CustomersInTable"),
        ("res", "ORDERS_AOV", "AOV(Orders[Amount])",
         'IF(OrdersInTable=0,"",AVERAGE(Orders[Amount]))', MONEY, None),
        ("res", "ORDERS_FREQUENCY", "PURCHASE_FREQUENCY(OrdersInTable,CustomersInTable)",
         'IF(CustomersInTable=0,"",OrdersInTable/CustomersInTable)', NUM, None),
        ("res", "ORDERS_REPEAT", f"REPEAT_RATE({_CUSTOMER})",
         f'IF(CustomersInTable=0,"",{_REPEATERS}/CustomersInTable)', PCT, None),
    )),
)

# Survey results: (label key, add-in formula | None, plain-Excel check | None, format).
SURVEY_RESULTS = (
    ("RESPONSES", None, "COUNT(Survey[Score])", INT),
    ("NPS", "NPS(Survey[Score])",
     '(COUNTIF(Survey[Score],">=9")-COUNTIF(Survey[Score],"<=6"))/COUNT(Survey[Score])*100', POINTS),
    ("NPS_MOE", "NPS_MOE(Survey[Score])", None, POINTS),
    ("CSAT", "CSAT(Survey[Satisfaction])",
     'COUNTIF(Survey[Satisfaction],">=4")/COUNT(Survey[Satisfaction])', PCT),
    ("CES", "CES(Survey[Effort])", "AVERAGE(Survey[Effort])", NUM),
)

# Formula catalog on the Start sheet: (name, signature, example).
CATALOG = (
    ("CRR", "CRR(start, end, new)", "CRR(10, 8, 0) → 0.8 (80%)"),
    ("CHURN", "CHURN(lost, start)", "CHURN(5, 150) → 0.0333"),
    ("CHURN_COST", "CHURN_COST(lost, value_per_customer)", "CHURN_COST(15, 30000) → 450000"),
    ("REPEAT_RATE", "REPEAT_RATE(repeat, customers)\nREPEAT_RATE(customer_ids)",
     "REPEAT_RATE(900, 2000) → 0.45"),
    ("CLV", "CLV(aov, purchases_per_period, periods, [margin], [acquisition_cost])",
     "CLV(50, 4, 3, 0.3, 40) → 140"),
    ("CLV_DISCOUNTED", "CLV_DISCOUNTED(margin, retention, discount, [periods])",
     "CLV_DISCOUNTED(100, 0.8, 0.1) → 366.67\nCLV_DISCOUNTED(100, 0.8, 0.1, 3) → 225.62"),
    ("LIFESPAN", "LIFESPAN(churn)", "LIFESPAN(0.25) → 4"),
    ("NPS", "NPS(scores)", "NPS({10,10,9,9,9,8,7,6,2,10}) → 40"),
    ("NPS_MOE", "NPS_MOE(scores, [confidence])", "NPS_MOE(Survey[Score], 0.95)"),
    ("CSAT", "CSAT(scores, [scale_max])", "CSAT(Survey[Satisfaction]) → 0.6"),
    ("CES", "CES(scores)", "CES(Survey[Effort]) → 4.9"),
    ("AOV", "AOV(amounts)", "AOV(Orders[Amount])"),
    ("PURCHASE_FREQUENCY", "PURCHASE_FREQUENCY(orders, customers)",
     "PURCHASE_FREQUENCY(5000, 2000) → 2.5"),
    ("COHORT", "COHORT(customer_ids, order_dates, [period], [show], [amounts])",
     'COHORT(Orders[Customer], Orders[Order date], "M", "retention")'),
)

_VALIDATION = {  # kind: (type, operator, formula1, formula2)
    "date": ("date", "between", "DATE(1900,1,1)", "DATE(2199,12,31)"),
    "amount": ("decimal", "between", "-1E+15", "1E+15"),
    "count": ("whole", "greaterThanOrEqual", "0", None),
    "number": ("decimal", "greaterThanOrEqual", "0", None),
    "rate": ("decimal", "between", "0", "1"),
    "score": ("whole", "between", "0", "10"),
    "satisfaction": ("whole", "between", "1", "5"),
    "effort": ("whole", "between", "1", "7"),
}


def template_bytes(lang: str = "en", sample: bool = False,
                   rows: list[tuple] | None = None) -> bytes:
    """Return the template workbook as ``.xlsx`` bytes, identical on every call.

    Parameters
    ----------
    lang : {"en", "ar", "fa"}
        Language of every label; ``ar`` and ``fa`` sheets run right to left.
    sample : bool
        Fill the ``Orders`` table with about 50 sample orders.
    rows : list of tuple, optional
        Orders to write instead, as ``(customer, order_date, amount, order_id, channel)``;
        trailing fields may be left out. Given rows are written whatever ``sample`` says.

    Returns
    -------
    bytes
        The workbook.

    Examples
    --------
    >>> template_bytes("fa") == template_bytes("fa")
    True
    """
    if lang not in LANGUAGES:
        raise InvalidValue(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    if rows is None:
        rows = sample_orders() if sample else []
    wb = _workbook(lang, [_order_row(i, r) for i, r in enumerate(rows, start=1)])
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.properties.modified = FIXED_TIME  # openpyxl stamps the save time; undo it
    return _stable_zip(buffer.getvalue(), tostring(wb.properties.to_tree()))


def build_template(path: str | os.PathLike | None = None, *, lang: str = "en",
                   sample: bool = False, force: bool = False,
                   rows: list[tuple] | None = None) -> Path:
    """Write the template workbook to ``path`` and return the path written.

    The file is written to a temporary file next to ``path`` and renamed into place, so
    a reader never sees half a workbook. An existing file is replaced only with ``force``.

    Parameters
    ----------
    path : str or path-like, optional
        Where to write; ``workbook_template.xlsx`` in the current folder by default.
    lang, sample, rows
        As for :func:`template_bytes`.
    force : bool
        Replace an existing file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = build_template(pathlib.Path(tempfile.mkdtemp()) / "retention.xlsx", lang="ar")
    >>> out.name
    'retention.xlsx'
    """
    target = Path(DEFAULT_FILENAME if path is None else path)
    if target.suffix.lower() != ".xlsx":
        raise DataError(f"{target} must end in .xlsx: the template is a plain Excel workbook")
    if not target.parent.is_dir():
        raise DataError(f"folder {target.parent} does not exist: create it or choose another path")
    if target.exists() and not force:
        raise DataError(f"{target} already exists: choose another path or use --force to replace it")
    data = template_bytes(lang, sample, rows)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".xlsx.tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails instead of replacing a file that appeared meanwhile
            except FileExistsError:
                raise DataError(f"{target} already exists: choose another path or use --force "
                                "to replace it") from None
            except OSError:  # file systems without hard links
                os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def sample_orders(n: int = SAMPLE_SIZE) -> list[tuple]:
    """Sample orders for the template: orders of regular customers from the bundled sample.

    Returns
    -------
    list of tuple
        ``(customer, order_date, amount, order_id, channel)``, at most ``n`` rows, the same
        on every call.

    Examples
    --------
    >>> sample_orders(3) == sample_orders(3)
    True
    """
    orders = load_sample_orders()
    clean = orders[(orders["customer"] != "") & (orders["amount"] > 0)].drop_duplicates()
    # customers who come back, in order of their first order, so the rows show repeat buying
    counts = clean["customer"].value_counts()
    regulars = [c for c in clean["customer"].drop_duplicates() if counts[c] >= 3][:12]
    chosen = clean[clean["customer"].isin(regulars)].head(n)
    return [
        (r.customer, r.order_date.date(), float(r.amount), r.order_id, r.channel.title())
        for r in chosen.itertuples(index=False)
    ]


def _order_row(number: int, row: tuple) -> tuple:
    if not 3 <= len(row) <= 5:
        raise DataError(f"order row {number} has {len(row)} fields: give customer, order date, "
                        "amount and optionally order id and channel")
    customer, when, amount, order_id, channel = (*row, None, None)[:5]
    if isinstance(when, str):
        try:
            when = dt.date.fromisoformat(when.strip()[:10])
        except ValueError:
            raise DataError(f"order row {number}: date {when!r} is not YYYY-MM-DD") from None
    if isinstance(when, dt.datetime):
        when = when.date()
    if not isinstance(when, dt.date):
        raise DataError(f"order row {number}: {when!r} is not a date")
    try:
        amount = float(amount)
    except (TypeError, ValueError):
        raise DataError(f"order row {number}: amount {amount!r} is not a number") from None
    return customer, when, amount, order_id, channel


def _stable_zip(data: bytes, core_xml: bytes) -> bytes:
    """Re-pack the archive in the same order with fixed timestamps and the fixed core.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            payload = core_xml if info.filename == "docProps/core.xml" else src.read(info)
            dst.writestr(entry, payload)
    return out.getvalue()


# ---------------------------------------------------------------- workbook layout

def _workbook(lang: str, rows: list[tuple]) -> Workbook:
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
                        for key in ("orders", "metrics", "survey")]
    _start_sheet(start, lang)
    _orders_sheet(sheets[1], lang, rows)
    _metrics_sheet(sheets[2], lang)
    _survey_sheet(sheets[3], lang)
    for ws, colour in zip(sheets, (NAVY, BLUE, ORANGE, GREEN)):
        ws.sheet_properties.tabColor = colour
        ws.sheet_view.rightToLeft = lang in RIGHT_TO_LEFT
        ws.sheet_view.showGridLines = ws is sheets[1]
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait" if ws is sheets[1] else "landscape"
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
    kind_type, operator, low, high = _VALIDATION[kind]
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
                                         "start.step4")),
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
                if formula:
                    _put(ws, f"C{row}", f"={formula}", "RX Result", fmt)
                    _put(ws, f"D{row}", f"={check}", "RX Check", fmt)
                else:
                    _put(ws, f"C{row}", f"={check}", "RX Check", fmt)
                    _put(ws, f"D{row}", None, "RX Label")
                shown = formula or check
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
    for col, width in zip("ABCDEFGHI", (2, 16, 16, 16, 3, 32, 14, 18, 44)):
        ws.column_dimensions[col].width = width
    _title(ws, lang, "survey.title", "survey.note", "B:I", 140)
    for col, name in zip("BCD", SURVEY_COLUMNS):
        _put(ws, f"{col}3", label(lang, f"hint.{name}"), "RX Hint")
        _put(ws, f"{col}4", name, "RX Header")
    _fit(ws, 3, max((label(lang, f"hint.{n}") for n in SURVEY_COLUMNS), key=len), 13)
    for r, values in enumerate(EXAMPLE_SURVEY, start=5):
        for col, value in zip("BCD", values):
            ws[f"{col}{r}"] = value
    table = Table(displayName="Survey", ref=f"B4:D{4 + len(EXAMPLE_SURVEY)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium4", showRowStripes=True)
    ws.add_table(table)
    for col, kind in zip("BCD", ("score", "satisfaction", "effort")):
        _validation(ws, kind, lang, f"{col}5:{col}{4 + VALIDATED_ROWS}")
    _band(ws, 3, "F", "I", label(lang, "survey.results"), "RX Heading")
    for col, key in zip("FGHI", ("col.item", "col.value", "col.check", "col.meaning")):
        _put(ws, f"{col}4", label(lang, key), "RX Header")
    for row, (name, formula, check, fmt) in enumerate(SURVEY_RESULTS, start=5):
        _put(ws, f"F{row}", label(lang, f"res.{name}"), "RX Label")
        if formula:
            _put(ws, f"G{row}", f"={formula}", "RX Result", fmt)
            _put(ws, f"H{row}", f"={check}" if check else None, "RX Check", fmt)
        else:
            _put(ws, f"G{row}", f"={check}", "RX Check", fmt)
            _put(ws, f"H{row}", None, "RX Label")
        _put(ws, f"I{row}", label(lang, f"res.{name}.help"), "RX Label")
    ws.freeze_panes = "A5"
