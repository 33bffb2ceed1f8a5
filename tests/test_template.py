"""The template workbook: structure, languages, determinism, safe writing, LibreOffice."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from retention_xl.errors import DataError, InvalidValue, OutputExists
from retention_xl.template import build_template, sample_orders, template_bytes
from retention_xl.template_content import CONTACT_COLUMNS, ORDER_COLUMNS, SURVEY_COLUMNS
from retention_xl.template_content import template_label as label
from retention_xl.template_labels import LABELS

LANGS = ("en", "ar", "fa")
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")

# Hand-checked orders: A buys twice, B once, C three times.
HAND_ORDERS = [
    ("A", dt.date(2024, 1, 5), 10.0, "o1", "Web"),
    ("B", dt.date(2024, 1, 9), 30.0, "o2", "Shop"),
    ("A", dt.date(2024, 2, 1), 20.0, "o3", "Web"),
    ("C", dt.date(2024, 2, 3), 40.0, "o4", "App"),
    ("C", dt.date(2024, 3, 3), 50.0),
    ("C", "2024-03-20", 60),
]


_BUILT: dict[str, bytes] = {}


def _book(lang="en", **kwargs):
    """The template, loaded afresh; built once per set of arguments (the builds are
    byte-identical: test_two_builds_are_byte_identical)."""
    key = repr((lang, sorted(kwargs.items())))
    if key not in _BUILT:
        _BUILT[key] = template_bytes(lang, **kwargs)
    return load_workbook(io.BytesIO(_BUILT[key]))


@functools.cache
def _read_only_book():
    """The English template loaded once, for the many checks that only read it."""
    return _book()


def _metrics(wb):
    return wb.worksheets[2]


def _row_of(ws, formula: str, column: str = "C") -> int:
    for (cell,) in ws.iter_rows(min_col=ord(column) - 64, max_col=ord(column) - 64):
        if cell.value == formula:
            return cell.row
    raise AssertionError(f"{formula} not found in column {column} of {ws.title}")


def _name_target(wb, name):
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][ref.replace("$", "")]


# ---------------------------------------------------------------- structure

def test_sheets_tables_and_headers():
    wb = _book()
    assert wb.sheetnames == ["Start here", "Orders", "Metrics", "Survey", "Contact log"]
    orders, survey, contacts = wb["Orders"], wb["Survey"], wb["Contact log"]
    assert list(orders.tables) == ["Orders"] and list(survey.tables) == ["Survey"]
    assert list(contacts.tables) == ["Contacts"] and contacts.tables["Contacts"].ref == "A4:C5"
    assert [contacts.cell(4, c).value for c in (1, 2, 3)] == list(CONTACT_COLUMNS)
    assert orders.tables["Orders"].ref == "A4:E5"  # one empty row to paste into
    assert [c.value for c in orders[4]] == list(ORDER_COLUMNS)
    assert survey.tables["Survey"].ref == "B4:G14"
    assert [survey.cell(4, c).value for c in range(2, 8)] == list(SURVEY_COLUMNS)
    assert [survey.cell(r, 4).value for r in range(5, 15)] == [10, 10, 9, 9, 9, 8, 7, 6, 2, 10]
    assert [survey.cell(r, 3).value.date() for r in (5, 14)] == [dt.date(2024, 1, 8), dt.date(2024, 1, 17)]
    assert orders.freeze_panes == "A5" and survey.freeze_panes == "A5"
    assert orders.column_dimensions["B"].number_format == "yyyy-mm-dd"
    assert wb.calculation.fullCalcOnLoad is True
    assert wb.active.title == "Start here"


@pytest.mark.parametrize("name, value", [
    ("CustomersStart", 10), ("CustomersEnd", 8), ("NewCustomers", 0), ("LostCustomers", 2),
    ("AvgOrderValue", 50), ("PurchasesPerPeriod", 4), ("Periods", 3), ("Margin", 0.3),
    ("AcquisitionCost", 40), ("MarginPerPeriod", 100), ("RetentionRate", 0.8),
    ("DiscountRate", 0.1), ("HorizonPeriods", 3), ("RepeatCustomers", 900),
    ("BuyingCustomers", 2000), ("ValuePerCustomer", 140),
])
def test_defined_names_point_at_yellow_inputs(name, value):
    cell = _name_target(_read_only_book(), name)
    assert cell.parent.title == "Metrics"
    assert cell.value == value
    assert cell.style == "RX Input" and cell.fill.fgColor.rgb.endswith("FFF2CC")


@pytest.mark.parametrize("udf, check, fmt", [
    ("=CRR(CustomersStart,CustomersEnd,NewCustomers)",
     "=(CustomersEnd-NewCustomers)/CustomersStart", "0.0%"),
    ("=CHURN(LostCustomers,CustomersStart)", "=LostCustomers/CustomersStart", "0.0%"),
    ("=LIFESPAN(ChurnRate)", "=1/(LostCustomers/CustomersStart)", "0.00"),
    ("=CHURN_COST(LostCustomers,ValuePerCustomer)", "=LostCustomers*ValuePerCustomer", "#,##0.00"),
    ("=CLV(AvgOrderValue,PurchasesPerPeriod,Periods,Margin,AcquisitionCost)",
     "=AvgOrderValue*PurchasesPerPeriod*Periods*Margin-AcquisitionCost", "#,##0.00"),
    ("=CLV_DISCOUNTED(MarginPerPeriod,RetentionRate,DiscountRate)",
     "=MarginPerPeriod*(1+DiscountRate)/(1+DiscountRate-RetentionRate)", "#,##0.00"),
    ("=REPEAT_RATE(RepeatCustomers,BuyingCustomers)", "=RepeatCustomers/BuyingCustomers", "0.0%"),
    ("=PURCHASE_FREQUENCY(OrderCount,BuyingCustomers)", "=OrderCount/BuyingCustomers", "0.00"),
    ("=AOV(Orders[Amount])", '=IF(COUNTIF(Orders[Amount],">=0")=0,"",AVERAGEIF(Orders[Amount],">=0"))', "#,##0.00"),
])
def test_metrics_formula_sits_next_to_its_plain_excel_check(udf, check, fmt):
    ws = _metrics(_read_only_book())
    row = _row_of(ws, udf)
    assert ws[f"D{row}"].value == check
    assert ws[f"C{row}"].number_format == fmt and ws[f"D{row}"].number_format == fmt
    assert ws[f"C{row}"].style == "RX Result" and ws[f"D{row}"].style == "RX Check"


def test_churn_rate_name_is_the_churn_result():
    wb = _book()
    assert _name_target(wb, "ChurnRate").value == "=CHURN(LostCustomers,CustomersStart)"


def test_survey_formulas_and_checks():
    ws = _book()["Survey"]
    expected = {
        "=NPS(Survey[Score])":
            '=(COUNTIF(Survey[Score],">=9")-COUNTIF(Survey[Score],"<=6"))/COUNT(Survey[Score])*100',
        "=NPS_MOE(Survey[Score])": None,
        "=CSAT(Survey[Satisfaction])":
            '=COUNTIF(Survey[Satisfaction],">=4")/COUNT(Survey[Satisfaction])',
        "=CES(Survey[Effort])": "=AVERAGE(Survey[Effort])",
    }
    for udf, check in expected.items():
        row = _row_of(ws, udf, "J")
        assert ws[f"K{row}"].value == check


def test_add_in_functions_are_written_as_plain_calls():
    """Excel resolves a plain name to the loaded add-in's UDF; no _xlfn. prefix, no quoting.
    Only Excel's own newer functions in the checks carry the prefix its file format asks for."""
    with zipfile.ZipFile(io.BytesIO(template_bytes())) as archive:
        xml = archive.read("xl/worksheets/sheet3.xml").decode()
    assert "<f>CRR(CustomersStart,CustomersEnd,NewCustomers)</f>" in xml
    assert "_xludf" not in xml
    assert set(re.findall(r"_xlfn\.[\w.]+?\(", xml)) == {"_xlfn.UNIQUE(", "_xlfn._xlws.FILTER("}


def test_data_validation_on_every_input_column():
    wb = _book()

    def rules(ws):
        return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}

    orders = rules(wb["Orders"])
    assert orders["B5"].type == "date" and orders["C5"].type == "decimal"
    assert str(orders["B5"].sqref) == "B5:B10004"
    survey = rules(wb["Survey"])
    assert survey["C5"].type == "date" and rules(wb["Contact log"])["B5"].type == "date"
    for col, low, high in (("D5", "0", "10"), ("E5", "1", "5"), ("F5", "1", "7")):
        dv = survey[col]
        assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", low, high)
        assert dv.showErrorMessage and dv.error
    margin = _name_target(wb, "Margin").coordinate
    assert (rules(wb["Metrics"])[margin].formula1, rules(wb["Metrics"])[margin].formula2) == ("0", "1")


def test_styling_and_page_setup():
    wb = _book()
    for ws in wb.worksheets:
        assert ws.sheet_properties.tabColor is not None
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws["B1"].style == "RX Title" or ws["A1"].style == "RX Title"
    assert wb["Orders"].print_title_rows == "$4:$4"
    assert {"RX Input", "RX Result", "RX Check"} <= set(wb.named_styles)


@pytest.mark.parametrize("lang", LANGS)
def test_start_sheet_explains_install_and_every_formula(lang):
    ws = _book(lang).worksheets[0]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert "python -m pip install ." in text and "retention-xl addin install" in text  # from this folder
    assert "Trust access to the VBA project object model" in text or lang != "en"
    assert "retention-xl lite" in text
    assert label(lang, "start.install_c") in text
    names = ("CRR", "CHURN", "CHURN_COST", "REPEAT_RATE", "CLV", "CLV_DISCOUNTED", "LIFESPAN",
             "NPS", "NPS_MOE", "CSAT", "CES", "AOV", "PURCHASE_FREQUENCY", "COHORT", "CLV_PREDICT", "P_ALIVE",
             "SBG_RETENTION", "CONTACT_PLAN")
    signatures = [c.value for (c,) in ws.iter_rows(min_col=2, max_col=2) if c.style == "RX Code"]
    assert [s.split("(")[0] for s in signatures] == list(names)
    assert all(label(lang, f"cat.{n}") in text for n in names)
    assert "CLV_DISCOUNTED(100, 0.8, 0.1) → 366.67" in text


# ---------------------------------------------------------------- languages

def test_label_dictionaries_cover_the_same_keys_in_real_script():
    assert LABELS["ar"].keys() == LABELS["en"].keys() == LABELS["fa"].keys()
    for lang in ("ar", "fa"):
        untranslated = [k for k, text in LABELS[lang].items() if not ARABIC_LETTER.search(text)]
        assert untranslated == []
    persian_letters = set("پچژگ")
    assert persian_letters <= set("".join(LABELS["fa"].values()))
    assert label("ar", "sheet.orders") == "الطلبات" and label("fa", "sheet.orders") == "سفارش‌ها"
    with pytest.raises(InvalidValue, match="unknown language"):
        label("de", "sheet.orders")


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_and_persian_are_right_to_left_with_ascii_names(lang):
    en, wb = _book("en"), _book(lang)
    assert all(ws.sheet_view.rightToLeft for ws in wb.worksheets)
    assert not any(ws.sheet_view.rightToLeft for ws in en.worksheets)
    assert wb.sheetnames == [label(lang, f"sheet.{k}") for k in ("start", "orders", "metrics", "survey", "contacts")]
    assert list(wb.defined_names) == list(en.defined_names)
    assert _name_target(wb, "CustomersStart").value == 10
    for index in (1, 3, 4):
        assert list(wb.worksheets[index].tables) == list(en.worksheets[index].tables)
    assert [c.value for c in wb.worksheets[1][4]] == list(ORDER_COLUMNS)
    row = _row_of(_metrics(wb), "=CRR(CustomersStart,CustomersEnd,NewCustomers)")
    assert _metrics(wb)[f"B{row}"].value == label(lang, "res.CRR")
    assert _metrics(wb)["B1"].value == label(lang, "metrics.title")
    # every formula is the same text in every language
    for ws_en, ws in zip(en.worksheets, wb.worksheets):
        formulas = {c.coordinate: c.value for r in ws_en.iter_rows() for c in r
                    if isinstance(c.value, str) and c.value.startswith("=")}
        assert formulas == {k: ws[k].value for k in formulas}


def test_unknown_language_is_refused():
    with pytest.raises(InvalidValue, match="unknown language 'de'"):
        template_bytes("de")


# ---------------------------------------------------------------- sample orders

def test_sample_fills_the_orders_table():
    ws = _book(sample=True)["Orders"]
    rows = sample_orders()
    assert len(rows) == 50 and rows == sample_orders()
    assert ws.tables["Orders"].ref == "A4:E54"
    assert ws["B5"].value == dt.datetime.combine(rows[0][1], dt.time())
    assert ws["B5"].number_format == "yyyy-mm-dd" and ws["C5"].number_format == "#,##0.00"
    customers = [r[0] for r in rows]
    assert len(set(customers)) < len(customers)  # some customers come back


def test_given_rows_are_written_as_typed_values():
    ws = _book(rows=HAND_ORDERS)["Orders"]
    assert ws.tables["Orders"].ref == "A4:E10"
    assert ws["B10"].value == dt.datetime(2024, 3, 20) and ws["C10"].value == 60.0
    assert ws["D9"].value is None


@pytest.mark.parametrize("row, message", [
    (("A", "20-03-2024", 5), "not YYYY-MM-DD"),
    (("A", dt.date(2024, 1, 1), "ten"), "amount 'ten' is not a number"),
    (("A",), "has 1 fields"),
])
def test_bad_rows_are_refused(row, message):
    with pytest.raises(DataError, match=message):
        template_bytes(rows=[row])


# ---------------------------------------------------------------- determinism and writing

@pytest.mark.parametrize("lang", ["en", *(pytest.param(lang, marks=pytest.mark.slow)  # the same writer: CI runs them
                                  for lang in LANGS if lang != "en")])
def test_two_builds_are_byte_identical(lang, tmp_path):
    first = build_template(tmp_path / "a.xlsx", lang=lang, sample=True).read_bytes()
    second = build_template(tmp_path / "b.xlsx", lang=lang, sample=True).read_bytes()
    assert first == second == template_bytes(lang, sample=True)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
    props = load_workbook(io.BytesIO(first)).properties
    assert props.creator == "retention-xl"
    assert props.created == props.modified == dt.datetime(2024, 1, 1)


def test_refuses_to_overwrite_without_force(tmp_path):
    target = build_template(tmp_path / "retention.xlsx")
    before = target.read_bytes()
    with pytest.raises(OutputExists, match="already exists"):
        build_template(target, lang="ar")
    assert target.read_bytes() == before
    build_template(target, lang="ar", force=True)
    assert target.read_bytes() == template_bytes("ar")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["retention.xlsx"]  # no temp file left


def test_default_path_and_bad_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert build_template().resolve() == tmp_path / "workbook_template.xlsx"
    with pytest.raises(DataError, match="must end in .xlsx"):
        build_template(tmp_path / "book.xlsm")
    with pytest.raises(DataError, match="does not exist"):
        build_template(tmp_path / "missing" / "book.xlsx")


# ---------------------------------------------------------------- LibreOffice

def _soffice(tmp_path, target: str, source) -> None:
    profile = (tmp_path / "lo-profile").as_uri()  # own profile: no clash with other soffice runs
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    target, "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=180)


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice (soffice) is not installed")


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("lang", LANGS)
def test_libreoffice_renders_pdf(lang, tmp_path):
    source = build_template(tmp_path / f"template_{lang}.xlsx", lang=lang, sample=True)
    _soffice(tmp_path, "pdf", source)
    pdf = (tmp_path / "out" / f"template_{lang}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000


@pytest.mark.slow
@needs_soffice
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_libreoffice_recalculates_the_plain_excel_checks(lang, tmp_path):
    source = build_template(tmp_path / "template.xlsx", lang=lang, rows=HAND_ORDERS)
    _soffice(tmp_path, "xlsx", source)
    layout = load_workbook(source)
    values = load_workbook(tmp_path / "out" / "template.xlsx", data_only=True)
    metrics, m_values = _metrics(layout), values.worksheets[2]

    def check(udf, column="D"):
        return m_values[f"{column}{_row_of(metrics, udf)}"].value

    assert check("=CRR(CustomersStart,CustomersEnd,NewCustomers)") == pytest.approx(0.8)
    assert check("=CHURN(LostCustomers,CustomersStart)") == pytest.approx(0.2)
    assert check("=LIFESPAN(ChurnRate)") == pytest.approx(5)
    assert check("=CHURN_COST(LostCustomers,ValuePerCustomer)") == pytest.approx(280)
    clv = "=CLV(AvgOrderValue,PurchasesPerPeriod,Periods,Margin,AcquisitionCost)"
    assert check(clv) == pytest.approx(140)
    discounted = "=CLV_DISCOUNTED(MarginPerPeriod,RetentionRate,DiscountRate"
    assert check(discounted + ")") == pytest.approx(1100 / 3)  # 100 * 1.1 / 0.3
    assert check(discounted + ",HorizonPeriods)") == pytest.approx(100 + 80 / 1.1 + 64 / 1.21)
    assert check("=REPEAT_RATE(RepeatCustomers,BuyingCustomers)") == pytest.approx(0.45)
    assert check("=PURCHASE_FREQUENCY(OrderCount,BuyingCustomers)") == pytest.approx(2.5)
    # live from the Orders table: 6 orders, 3 customers, 2 of them repeat, amounts 10..60
    assert m_values[_name_target(layout, "OrdersInTable").coordinate].value == 6
    assert m_values[_name_target(layout, "CustomersInTable").coordinate].value == pytest.approx(3)
    assert check("=AOV(Orders[Amount])") == pytest.approx(35)
    assert check("=PURCHASE_FREQUENCY(OrdersInTable,CustomersInTable)") == pytest.approx(2)
    assert check("=REPEAT_RATE(Orders[Customer],,Orders[Amount])") == pytest.approx(2 / 3)
    # the add-in formulas stay in the file and show #NAME? without the add-in
    assert check("=CRR(CustomersStart,CustomersEnd,NewCustomers)", "C") == "#NAME?"

    survey, s_values = layout.worksheets[3], values.worksheets[3]

    def survey_check(udf):
        return s_values[f"K{_row_of(survey, udf, 'J')}"].value

    assert s_values[f"J{_row_of(survey, '=COUNT(Survey[Score])', 'J')}"].value == 10
    assert survey_check("=NPS(Survey[Score])") == pytest.approx(40)
    assert survey_check("=CSAT(Survey[Satisfaction])") == pytest.approx(0.6)
    assert survey_check("=CES(Survey[Effort])") == pytest.approx(4.9)


#: an order and its refund, then four more orders: the report counts four orders of three customers
REFUNDED_ORDERS = [
    ("A", dt.date(2024, 1, 5), 100.0), ("A", dt.date(2024, 1, 20), -100.0), ("B", dt.date(2024, 1, 7), 50.0),
    ("B", dt.date(2024, 2, 7), 70.0), ("C", dt.date(2024, 1, 9), 30.0),
]


@pytest.mark.slow
@needs_soffice
def test_the_orders_checks_agree_with_the_report_when_the_table_holds_a_refund(tmp_path):
    """The Amount column asks for refunds as negative amounts; the live figures then are
    the report's, in the add-in formula and in its plain-Excel check alike."""
    import pandas as pd

    import retention_xl as rx
    from retention_xl import udfs

    source = build_template(tmp_path / "template.xlsx", rows=REFUNDED_ORDERS)
    _soffice(tmp_path, "xlsx", source)
    metrics = _metrics(load_workbook(source))
    values = load_workbook(tmp_path / "out" / "template.xlsx", data_only=True).worksheets[2]
    headline = rx.analyse(rx.read_orders(pd.DataFrame(REFUNDED_ORDERS, columns=["customer", "date", "amount"]))).headline
    assert headline["aov"] == 62.5  # (100 + 50 + 70 + 30) / 4
    # AOV said #NUM! (a negative amount) and its check AVERAGE 30, the refund an order
    assert udfs.AOV([[amount] for *_, amount in REFUNDED_ORDERS]) == headline["aov"]
    assert values[f"D{_row_of(metrics, '=AOV(Orders[Amount])')}"].value == pytest.approx(headline["aov"])
    # the orders' counts left the refund in: 5 orders, 5/3 orders per customer and A a repeat
    # customer (2/3); the report counts 4 orders of 3 customers, 1 of them (B) back again
    assert (headline["orders"], headline["customers"], headline["repeat_rate"]) == (4, 3, pytest.approx(1 / 3))
    layout = load_workbook(source)
    assert values[_name_target(layout, "OrdersInTable").coordinate].value == headline["orders"]
    assert values[_name_target(layout, "CustomersInTable").coordinate].value == pytest.approx(headline["customers"])
    frequency = "=PURCHASE_FREQUENCY(OrdersInTable,CustomersInTable)"
    assert values[f"D{_row_of(metrics, frequency)}"].value == pytest.approx(headline["purchase_frequency"])
    repeat = "=REPEAT_RATE(Orders[Customer],,Orders[Amount])"
    assert values[f"D{_row_of(metrics, repeat)}"].value == pytest.approx(headline["repeat_rate"])
    # and the add-in's formula on the cells it is given: REPEAT_RATE said 2/3 from the ids alone
    ids, amounts = [[c] for c, *_ in REFUNDED_ORDERS], [[amount] for *_, amount in REFUNDED_ORDERS]
    assert udfs.REPEAT_RATE(ids, None, amounts) == pytest.approx(headline["repeat_rate"])


#: ids COUNTIF read as wildcards: "A*" matched AB1, A?, both e-mails and itself, so the shares
#: of a customer's rows did not add up to one ('Customers in the table' said 3.7); an
#: e-mail in two cases and 1001 typed as a number and as text are one customer each, as the
#: report keys them
WILDCARD_ORDERS = [
    ("AB1", dt.date(2024, 1, 5), 10.0), ("Ann@X.com", dt.date(2024, 1, 7), 5.0),
    ("ann@x.com", dt.date(2024, 3, 7), 7.0), ("A*", dt.date(2024, 1, 9), 3.0), ("A?", dt.date(2024, 1, 9), 6.0),
    ("1001", dt.date(2024, 1, 9), 3.0), (1001, dt.date(2024, 2, 9), 4.0),
]


@pytest.mark.slow
@needs_soffice
def test_the_orders_checks_read_a_star_in_an_id_as_a_star(tmp_path):
    """5 customers, 2 of them back (40%), as REPEAT_RATE says."""
    from retention_xl import udfs

    source = build_template(tmp_path / "template.xlsx", rows=WILDCARD_ORDERS)
    _soffice(tmp_path, "xlsx", source)
    layout = load_workbook(source)
    values = load_workbook(tmp_path / "out" / "template.xlsx", data_only=True).worksheets[2]
    ids, amounts = [[c] for c, *_ in WILDCARD_ORDERS], [[a] for *_, a in WILDCARD_ORDERS]
    assert udfs.REPEAT_RATE(ids, None, amounts) == pytest.approx(0.4)
    assert values[_name_target(layout, "CustomersInTable").coordinate].value == pytest.approx(5)
    repeat = "=REPEAT_RATE(Orders[Customer],,Orders[Amount])"
    assert values[f"D{_row_of(_metrics(layout), repeat)}"].value == pytest.approx(0.4)


def test_the_customer_checks_count_with_unique_and_fall_back_to_countifs():
    """Excel 365 counts the distinct customers of the order rows with UNIQUE (one pass over
    the rows; its third argument gives those found once, so the repeat customers are the
    rest); an Excel without UNIQUE gets #NAME? there and IFERROR falls back to COUNTIFS,
    which compares every row with every other (LibreOffice 7.4, which has no UNIQUE, gives
    the counts the tests above check through that branch)."""
    from openpyxl.worksheet.formula import ArrayFormula

    wb = _book()
    metrics = _metrics(wb)
    keys = '_xlfn._xlws.FILTER(Orders[Customer]&"",(Orders[Customer]<>"")*ISNUMBER(Orders[Amount])*(Orders[Amount]>=0))'
    customers = _name_target(wb, "CustomersInTable")
    repeat = metrics[f"D{_row_of(metrics, '=REPEAT_RATE(Orders[Customer],,Orders[Amount])')}"]
    for cell in (customers, repeat):  # array formulas: every version evaluates the ranges row by row
        assert isinstance(cell.value, ArrayFormula) and cell.value.ref == cell.coordinate
    assert customers.value.text.startswith(f"=IF(OrdersInTable=0,0,IFERROR(ROWS(_xlfn.UNIQUE({keys})),SUMPRODUCT(")
    assert repeat.value.text.startswith(
        f'=IF(CustomersInTable=0,"",IFERROR(ROWS(_xlfn.UNIQUE({keys}))-IFERROR(ROWS(_xlfn.UNIQUE({keys},FALSE,TRUE)),0),'
        "SUMPRODUCT(")
    for cell in (customers, repeat):
        fallback = cell.value.text.split(",SUMPRODUCT(", 1)[1]
        assert "COUNTIFS(Orders[Customer],SUBSTITUTE(" in fallback and "UNIQUE" not in fallback
    # the formula shown beside them reads as Excel shows it, without the file format's prefixes
    shown = metrics[f"E{customers.row}"].value
    assert shown.startswith("CustomersInTable = IF(OrdersInTable=0,0,IFERROR(ROWS(UNIQUE(FILTER(") and "_xl" not in shown


TEXT_AMOUNTS = "=SUMPRODUCT(ISTEXT(Orders[Amount])*(LEN(TRIM(Orders[Amount]))>0))"


@pytest.mark.parametrize("lang", LANGS)
def test_the_orders_checks_count_the_amounts_stored_as_text(lang):
    wb = _book(lang)
    cell = _name_target(wb, "TextAmountsInTable")
    assert cell.parent.title == label(lang, "sheet.metrics") and cell.value == TEXT_AMOUNTS
    assert cell.style == "RX Check" and cell.number_format == "#,##0"
    row = cell.row
    assert cell.parent[f"B{row}"].value == label(lang, "res.ORDERS_TEXT_AMOUNTS")
    assert "Amount" in cell.parent[f"F{row}"].value == label(lang, "res.ORDERS_TEXT_AMOUNTS.help")
    # one look at each row (no range compared with the whole column): fast on a long paste
    assert "COUNTIF" not in cell.value
    # red while above 0
    (rules,) = [r.rules for r in cell.parent.conditional_formatting if r.sqref == cell.coordinate]
    assert [(r.operator, r.formula) for r in rules] == [("greaterThan", ["0"])]


@pytest.mark.slow
@needs_soffice
def test_libreoffice_counts_the_amounts_pasted_as_text(tmp_path):
    """A pasted column of "10" text and Persian digits: the checks left those rows out without
    a word; the count of amounts stored as text says how many."""
    from retention_xl import udfs

    source = build_template(tmp_path / "built.xlsx", rows=HAND_ORDERS)
    pasted = load_workbook(source)
    orders = pasted["Orders"]
    orders["C5"], orders["C6"], orders["C7"] = "10", "۳۰", "  "  # text, Persian-digit text, spaces (a blank)
    pasted.save(tmp_path / "template.xlsx")
    _soffice(tmp_path, "xlsx", tmp_path / "template.xlsx")
    layout = load_workbook(tmp_path / "template.xlsx")
    values = load_workbook(tmp_path / "out" / "template.xlsx", data_only=True).worksheets[2]
    assert values[_name_target(layout, "TextAmountsInTable").coordinate].value == 2
    # the checks count the three rows with numbers: 40 + 50 + 60 over 3
    assert values[_name_target(layout, "OrdersInTable").coordinate].value == 3
    assert values[f"D{_row_of(_metrics(layout), '=AOV(Orders[Amount])')}"].value == pytest.approx(50)
    # while the add-in reads the text amounts: 10 + 30 + 40 + 50 + 60 over 5
    assert udfs.AOV([[orders[f"C{r}"].value] for r in range(5, 11)]) == pytest.approx(38)


def test_the_template_is_written_with_the_usual_permissions(tmp_path):
    """Readable by others as any file the user saves (the umask decides), not mkstemp's 0600."""
    import os

    old = os.umask(0o022)
    try:
        for force in (False, True):
            path = build_template(tmp_path / "t.xlsx", force=force)
            assert path.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(old)


def test_the_start_sheets_catalog_lists_every_formula_with_its_own_arguments():
    import inspect

    from retention_xl import udfs
    from retention_xl.template_content import CATALOG

    listed = {name: signature for name, signature, _ in CATALOG}
    assert set(listed) == set(udfs.__all__)
    for name, signature in listed.items():
        if name == "REPEAT_RATE":  # two forms: counts, or customer ids (in 'repeat') with amounts
            continue
        params = inspect.signature(getattr(udfs, name)).parameters.values()
        expected = [p.name if p.default is inspect.Parameter.empty else f"[{p.name}]" for p in params]
        shown = re.fullmatch(rf"{name}\((.*)\)", signature).group(1)
        assert [a.strip() for a in shown.split(",")] == expected, name
