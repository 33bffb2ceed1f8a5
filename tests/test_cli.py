"""The retention-xl command line: exit codes, messages, and never overwriting a file."""

import datetime as dt
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from retention_xl.cli import app
from retention_xl.labels import label
from retention_xl.template import template_bytes

runner = CliRunner()
WIDE = {"COLUMNS": "200"}  # tables of several columns on one line each
ROOT = Path(__file__).resolve().parents[1]


def test_report_on_the_bundled_sample(tmp_path):
    target = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["report", "--sample", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Report written" in result.output
    assert "5,499 rows read, 5,484 used, 15 skipped" in result.output
    assert openpyxl.load_workbook(target, read_only=True).sheetnames == [
        "Summary", "Cohorts", "Segments", "Contacts", "Data issues"]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_report_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "report.xlsx"
    target.write_text("keep me")
    result = runner.invoke(app, ["report", "--sample", "-o", str(target)])
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert target.read_text() == "keep me"
    assert runner.invoke(app, ["report", "--sample", "-o", str(target), "--force"]).exit_code == 0


def test_report_from_a_csv_with_arabic_headers_in_persian(tmp_path):
    src = tmp_path / "orders.csv"
    src.write_text(
        "العميل,التاريخ,المبلغ\n"
        "٠٠١,٢٠٢٤/٠١/١٥,١٢٠٫٥٠\n"
        "٠٠٢,٢٠٢٤/٠١/٢٠,٨٠\n"
        "٠٠١,٢٠٢٤/٠٢/١١,٦٠\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["report", str(src), "-o", str(target), "--lang", "fa"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[0] == "خلاصه" and wb["خلاصه"].sheet_view.rightToLeft


FIRST_SHEET = {"en": "Summary", "ar": "الملخص", "fa": "خلاصه"}


@pytest.mark.parametrize(("header", "engine", "lang"), [
    ("نام مشتری,تاریخ,مبلغ کل (ریال)", "pandas", "fa"),
    ("نام مشتری,تاریخ,مبلغ کل (ریال)", "duckdb", "fa"),
    ("اسم العميل,تاريخ الطلب,الإجمالي", "pandas", "ar"),
    ("اسم العميل,تاريخ الطلب,الإجمالي", "duckdb", "ar"),
    ("Customer,Date,Total", "pandas", "en"),
])
@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_a_report_speaks_the_language_of_the_orders_headers_unless_told(tmp_path, header, engine, lang):
    # as the ribbon does: a Persian or Arabic export gives a Persian or Arabic report
    src = tmp_path / "orders.csv"
    src.write_text(header + "\nA,2024-01-15,120\nB,2024-01-20,80\nA,2024-02-11,60\n", encoding="utf-8")
    target = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["report", str(src), "-o", str(target), "--engine", engine])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[0] == FIRST_SHEET[lang]
    assert wb.worksheets[0].sheet_view.rightToLeft == (lang != "en" or None)
    result = runner.invoke(app, ["report", str(src), "-o", str(target), "--engine", engine, "--lang", "en", "--force"])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target).sheetnames[0] == "Summary"


def test_the_contact_plan_speaks_the_language_of_the_orders_headers(tmp_path):
    src = tmp_path / "orders.csv"
    src.write_text("نام مشتری,تاریخ,مبلغ\nA,2024-01-15,120\nB,2024-01-20,80\nA,2024-02-11,60\nB,2024-03-01,90\n",
                   encoding="utf-8")
    plan = tmp_path / "plan.csv"
    result = runner.invoke(app, ["contacts", str(src), "-o", str(plan)])
    assert result.exit_code == 0, result.output
    english = runner.invoke(app, ["contacts", str(src), "-o", str(tmp_path / "en.csv"), "--lang", "en"])
    assert english.exit_code == 0, english.output
    header = plan.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header != (tmp_path / "en.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "مشتری" in header


def _cells(path, sheet_index):
    ws = openpyxl.load_workbook(path).worksheets[sheet_index]
    return [row for row in ws.iter_rows(values_only=True) if any(v is not None for v in row)]


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_jalali_dates_give_jalali_cohorts_on_every_engine_unless_told(tmp_path, engine):
    src = tmp_path / "orders.csv"
    src.write_text("نام مشتری,تاریخ,مبلغ\na,1402/01/05,100\nb,1402/01/31,80\nc,1402/02/01,60\na,1402/02/10,50\n",
                   encoding="utf-8")
    out = tmp_path / f"{engine}.xlsx"
    result = runner.invoke(app, ["report", str(src), "-o", str(out), "--engine", engine])
    assert result.exit_code == 0, result.output
    cohorts = _cells(out, 1)
    firsts = [row[0] for row in cohorts]
    assert "1402-01" in firsts and "1402-02" in firsts and "2023-04" not in firsts
    if engine == "duckdb":  # the same sheets as the pandas engine's, cell for cell
        pandas_out = tmp_path / "pandas.xlsx"
        assert runner.invoke(app, ["report", str(src), "-o", str(pandas_out), "--engine", "pandas"]).exit_code == 0
        assert cohorts == _cells(pandas_out, 1)
        kpis = [[row for row in _cells(path, 0) if str(row[0]).startswith("1402-")] for path in (out, pandas_out)]
        assert len(kpis[0]) == 2 and kpis[0] == kpis[1]  # the period KPIs
    forced = tmp_path / "gregorian.xlsx"
    result = runner.invoke(app, ["report", str(src), "-o", str(forced), "--engine", engine, "--calendar", "gregorian"])
    assert result.exit_code == 0, result.output
    firsts = [row[0] for row in _cells(forced, 1)]
    assert "2023-03" in firsts and "2023-04" in firsts and "1402-01" not in firsts


@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_a_jalali_report_writes_the_days_in_its_sentences_in_the_jalali_calendar(tmp_path, lang):
    # 1402/01/05 is 2023-03-25, 1402/04/10 is 2023-07-01: the sentences said 2023-03-25 to 2023-07-01
    src = tmp_path / "orders.csv"
    src.write_text("نام مشتری,تاریخ,مبلغ\na,1402/01/05,100\nb,1402/01/31,80\nc,1402/02/01,60\na,1402/02/10,50\n"
                   "b,1402/03/20,70\na,1402/04/10,30\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["report", str(src), "-o", str(out), "--lang", lang, "--as-of", "1402/04/20"])
    assert result.exit_code == 0, result.output
    assert "Contact plan for 1402-04-20:" in " ".join(result.output.split())  # the day the workbook says
    wb = openpyxl.load_workbook(out)
    summary, contacts = wb.worksheets[0], wb.worksheets[3]
    assert "1402-01-05" in summary["A2"].value and "1402-04-10" in summary["A2"].value
    assert "1402-04-20" in contacts["A1"].value
    texts = [c.value for ws in (summary, contacts, wb.worksheets[-1]) for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)]
    # no Gregorian day in a sentence, but for the two that give Gregorian days on purpose: the
    # first period's (the Start column's date cells are Gregorian) and the dates converted
    gregorian = [t for t in texts if re.search(r"20\d\d-\d\d-\d\d", t) and "1402/01/05 = 2023-03-25" not in t]
    assert gregorian == [label(lang, "note.calendar.jalali", period="1402-01", start="2023-03-21", end="2023-04-20")]
    # the date cells stay dates
    assert any(isinstance(c.value, dt.datetime) for row in contacts.iter_rows() for c in row)


def test_report_from_lunar_hijri_dates_in_arabic(tmp_path):
    # a Saudi export: Umm al-Qura dates; read as Jalali they were orders of 2066
    src = tmp_path / "orders.csv"
    src.write_text("العميل,التاريخ,المبلغ\nأحمد,1445/06/20,100\nسارة,1445/07/01,200\nأحمد,1445/08/15,50\n",
                   encoding="utf-8")
    target = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["report", str(src), "-o", str(target), "--lang", "ar"])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(target)
    texts = [c for row in wb.worksheets[-1].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "تواريخ 'التاريخ' هجرية قمرية (أم القرى)؛ حُوّلت قيمها إلى الميلادي، وعددها 3 (مثل 1445/06/20 = 2024-01-02)." \
        in texts
    assert any("2024-01-02" in t and "2024-02-25" in t for t in texts)  # the data's first and last days


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report"], "give an order file, or --sample"),
        (["report", "missing.csv"], "missing.csv"),
        (["report", "--sample", "--period", "D"], "period must be W, M, Q or Y"),
        (["report", "--sample", "--lang", "de"], "--lang must be one of en, ar, fa"),
        (["report", "--sample", "--customer", "Client"], "Client"),
        (["report", "--sample", "--window", "10"], "--window must be from 31 to 36,600 days for period M, got 10"),
    ],
)
def test_errors_are_one_clear_line_and_exit_1(args, message, tmp_path):
    result = runner.invoke(app, [*args, "-o", str(tmp_path / "r.xlsx")] if args[0] == "report" and len(args) > 1 else args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_every_command_has_help():
    for args in (["--help"], ["report", "--help"], ["template", "--help"], ["addin", "--help"],
                 ["addin", "build", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output


def test_template_command_and_checked_in_template(tmp_path):
    target = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["template", str(target)]).exit_code == 0
    assert target.read_bytes() == template_bytes()
    assert runner.invoke(app, ["template", str(target)]).exit_code == 1  # no --force
    # the repository's workbook_template.xlsx is exactly what the generator makes
    assert (ROOT / "workbook_template.xlsx").read_bytes() == template_bytes()


@pytest.mark.slow
def test_lite_bundle_command(tmp_path):
    result = runner.invoke(app, ["lite", str(tmp_path / "lite")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "lite").iterdir()) == ["main.py", "requirements.txt"]
    assert runner.invoke(app, ["lite", str(tmp_path / "lite")]).exit_code == 1  # no --force


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "retention_xl", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("retention-xl ")


# ----------------------------------------------------------------- validate
@pytest.fixture(scope="module")
def cdnow_csv(tmp_path_factory):
    """The CDNOW transactions (tests/data/README.md) as an order export: customer, date, amount."""
    import pandas as pd

    orders = pd.read_csv(ROOT / "tests" / "data" / "cdnow_sample_transactions.txt", sep=r"\s+", header=None,
                         names=["master", "customer", "date", "cds", "amount"], dtype={"date": str, "customer": str})
    orders["date"] = pd.to_datetime(orders["date"], format="%Y%m%d").dt.strftime("%Y-%m-%d")
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.csv"
    orders[["customer", "date", "amount"]].rename(
        columns={"customer": "Customer ID", "date": "Order date", "amount": "Total"}).to_csv(path, index=False)
    return path


def test_validate_reproduces_the_cdnow_holdout(cdnow_csv):
    # Fader, Hardie & Lee (2005): 39 weeks of calibration, 39 weeks of holdout with 1,882
    # repeat purchases; the BG/NBD fit predicts 1,653 of them
    result = runner.invoke(app, ["validate", str(cdnow_csv), "--holdout-start", "1997-10-01"], env=WIDE)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "holdout 39 weeks" in text and "2,357 customers compared" in text
    # one row per model: parameters (weeks), log-likelihood, total predicted, total actual
    assert "│ BG/NBD │ r=0.243, α=4.41, a=0.793, b=2.43 │ -9,582.4 │ 1,653.4 │ 1,882 │" in text
    assert "│ MBG/NBD │ r=0.525, α=6.18, a=0.891, b=1.61 │ -9,582.1 │" in text
    assert "│ Pareto/NBD (chosen) │ r=0.553, α=10.6, s=0.606, β=11.7 │ -9,595.0 │ 1,665.5 │ 1,882 │" in text
    for name in ("MAE", "RMSE", "Correlation"):
        assert name in text
    assert "Chosen: Pareto/NBD, the smallest error per customer in the holdout" in text
    assert "The report chooses between" not in text  # the report can take Pareto/NBD
    # calibration vs holdout by frequency, as BTYD's table: 1,411 customers never bought
    # again before the holdout; actual mean, then each model's
    assert "│ 0 │ 1,411 │ 0.237 │ 0.225 │ 0.185 │ 0.138 │" in text
    assert "│ 7+ │ 64 │" in text


def test_validate_with_named_columns(cdnow_csv):
    result = runner.invoke(app, ["validate", str(cdnow_csv), "--holdout-start", "1997-10-01",
                                 "--customer", "Customer ID", "--date", "Order date", "--amount", "Total"])
    assert result.exit_code == 0, result.output
    assert "1,653.4" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--holdout-start", "1999-01-01"], "no orders on or after the holdout start 1999-01-01"),
    (["--holdout-start", "1996-01-01"], "no orders before the holdout start 1996-01-01"),
    (["--holdout-start", "soon"], "must be a date like 2024-01-31"),
    (["--holdout-start", "1997-10-01", "--customer", "Client"], "Client"),
])
def test_validate_errors_are_one_clear_line(cdnow_csv, args, message):
    result = runner.invoke(app, ["validate", str(cdnow_csv), *args])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_validate_says_when_the_model_cannot_be_fitted(tmp_path):
    src = tmp_path / "few.csv"
    src.write_text("customer,date,amount\na,2024-01-01,5\nb,2024-01-02,6\na,2024-03-01,7\n")
    result = runner.invoke(app, ["validate", str(src), "--holdout-start", "2024-02-01"])
    assert result.exit_code == 1
    assert "BG/NBD model needs customers with repeat purchases" in result.output


@pytest.fixture(scope="module")
def retail_csv(tmp_path_factory):
    """An export shaped like UCI Online Retail, one row per invoice (tests/retail_like.py)."""
    from retail_like import retail_invoices

    path = tmp_path_factory.mktemp("retail") / "online_retail_invoices.csv"
    retail_invoices().to_csv(path, index=False)
    return path


@pytest.mark.parametrize("start", ["2011-06-01", *(pytest.param(d, marks=pytest.mark.slow)  # CI runs every start
                                                  for d in ("2011-07-01", "2011-08-01", "2011-09-01")), "2011-10-01"])
def test_validate_works_on_a_shop_like_online_retail(retail_csv, start):
    # where BG/NBD refused with "parameter r is left almost undetermined": nobody drops out
    result = runner.invoke(app, ["validate", str(retail_csv), "--holdout-start", start], env=WIDE)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert text.count("(limit: nobody drops out)") == 3 and "Chosen:" in text
    assert "undetermined" not in text


def test_validate_says_the_rows_it_left_out_and_what_it_rests_on(tmp_path):
    import pandas as pd

    from retention_xl.sample import generate_orders

    src = tmp_path / "orders.csv"
    orders = generate_orders(400, seed=3)[["customer", "order_date", "amount"]]
    bad = pd.DataFrame({"customer": ["", "c1"], "order_date": [orders["order_date"].iloc[0], "soon"], "amount": [5, 5]})
    pd.concat([orders, bad], ignore_index=True).to_csv(src, index=False)
    start = orders["order_date"].quantile(0.7, interpolation="nearest")
    result = runner.invoke(app, ["validate", str(src), "--holdout-start", f"{start:%Y-%m-%d}"], env=WIDE)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"{len(orders) + 2:,} rows read, {len(orders):,} used, 2 skipped" in text
    assert "Columns used: customer 'customer', date 'order_date', amount 'amount'" in text


def test_validate_needs_the_holdout_start(cdnow_csv):
    result = runner.invoke(app, ["validate", str(cdnow_csv)])
    assert result.exit_code != 0 and "--holdout-start" in result.output
    assert runner.invoke(app, ["validate", "--help"]).exit_code == 0


def test_addin_install_and_status_print_what_was_done(tmp_path, monkeypatch):
    """One command: where it went, which Python, the formulas or the steps; status lists what is missing."""
    from retention_xl.excel import addin_install

    monkeypatch.setattr(addin_install, "addin_folder", lambda system, **kw: tmp_path / system)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(addin_install, "import_formulas", lambda path, excel=None: addin_install.FormulaImport(
        False, "Excel does not trust programs with the VBA project", ("Tick it", "Run it again")))
    result = runner.invoke(app, ["addin", "install"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Add-in installed: {tmp_path / 'windows' / 'retention_xl.xlam'}"
    assert lines[1] == f"Python for Build report and the formulas: {sys.executable}"
    assert lines[2:5] == ["Formulas not imported: Excel does not trust programs with the VBA project.",
                          "  1. Tick it.", "  2. Run it again."]
    status = runner.invoke(app, ["addin", "status"])
    assert status.exit_code == 0 and f"Python: {sys.executable}" in status.output
    assert "formulas: not imported" in status.output and "missing: the formulas" in status.output


def test_addin_install_where_excel_add_ins_do_not_run(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    result = runner.invoke(app, ["addin", "install"])
    assert result.exit_code == 1 and "Windows or macOS" in result.output and "Traceback" not in result.output


def _said(result):
    return " ".join(result.output.split())


def test_report_states_the_columns_the_export_and_the_conventions(tmp_path):
    src = Path(__file__).parent / "data" / "erp_invoice_lines.csv"
    result = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0, result.output
    said = _said(result)
    assert "3 customers, 5 orders, net revenue 144.90, average order value 38.44" in said
    assert ("Columns used: customer 'CustomerID', date 'InvoiceDate', amount 'Quantity' × 'UnitPrice', "
            "order id 'InvoiceNo'.") in said
    assert "Export recognised: invoice lines (ERP/POS: order id, quantity, unit price)." in said
    assert "Orders = distinct 'InvoiceNo': 5 orders and 2 refunds from 9 lines." in said
    assert "2 cancellation lines (documents numbered C... in 'InvoiceNo': 2) reduce revenue by 47.30" in said


def test_contacts_states_the_rows_it_skipped_and_the_columns_it_used(tmp_path):
    # a plan from invoice lines read with Quantity x UnitPrice, and two unreadable rows: the
    # command said nothing of either (report says both)
    src = tmp_path / "lines.csv"
    src.write_text((Path(__file__).parent / "data" / "erp_invoice_lines.csv").read_text(encoding="utf-8")
                   .rstrip("\n") + "\n536399,S1,D1,1,not a date,2.5,17850,UK\n536400,S1,D1,1,12/5/2010 9:00,2.5,,UK\n",
                   encoding="utf-8")
    report = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "r.xlsx")])
    assert report.exit_code == 0, report.output
    result = runner.invoke(app, ["contacts", str(src), "-o", str(tmp_path / "plan.csv")])
    assert result.exit_code == 0, result.output
    said = _said(result)
    read = re.search(r"\d+ rows read, \d+ used, [1-9]\d* skipped", _said(report)).group(0)
    assert f"{read} (retention-xl report lists them on its Data issues sheet)." in said
    assert ("Columns used: customer 'CustomerID', date 'InvoiceDate', amount 'Quantity' × 'UnitPrice', "
            "order id 'InvoiceNo'.") in said


def test_every_role_and_the_statuses_can_be_chosen(tmp_path):
    src = tmp_path / "odd.csv"
    src.write_text("Who,Alias,When,Doc,Units,Each,State,Back\n"
                   "a,,2024-01-05,D1,2,5,ok,0\n"
                   "a,,2024-01-05,D1,1,3,ok,0\n"
                   ",Zed,2024-01-09,D2,1,7,ok,2\n"
                   "b,,2024-02-01,D3,1,9,hold,0\n")
    args = ["report", str(src), "-o", str(tmp_path / "r.xlsx"), "--customer", "Who", "--customer-fallback", "Alias",
            "--date", "When", "--order-id", "Doc", "--quantity", "Units", "--unit-price", "Each",
            "--status", "State", "--refund", "Back", "--exclude-status", "hold"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    said = _said(result)
    # D1 = 2 x 5 + 1 x 3 = 13 (a); D2 = 7 for Zed, 2 refunded; D3 is on hold: left out
    assert "2 customers, 2 orders, net revenue 18.00, average order value 10.00" in said
    assert ("Columns used: customer 'Who' (as chosen), customer when blank 'Alias' (as chosen), date 'When' "
            "(as chosen), amount 'Units' × 'Each' (as chosen), order id 'Doc' (as chosen), status 'State' "
            "(as chosen), refund 'Back' (as chosen).") in said
    assert "Statuses in 'State': 1 order (9.00) is not a sale and was left out: hold (1)." in said
    result = runner.invoke(app, [*args[:-2], "--include-status", "hold", "--force"])
    assert "3 orders" in _said(result)


def test_validate_takes_the_same_column_options():
    result = runner.invoke(app, ["validate", "--help"])
    for flag in ("--order-id", "--quantity", "--unit-price", "--status", "--refund", "--include-status",
                 "--exclude-status", "--customer-fallback"):
        assert flag in result.output
@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_report_from_a_database_table_on_duckdb_with_a_customer_limit(tmp_path):
    import sqlite3

    import pandas as pd

    from retention_xl.sample import sample_path

    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as con:
        pd.read_csv(sample_path(), dtype=str, keep_default_na=False).to_sql("orders", con, index=False)
    target = tmp_path / "shop.xlsx"
    result = runner.invoke(app, ["report", str(db), "--table", "orders", "-o", str(target),
                                 "--customers-limit", "200", "--memory-limit", "512MB"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "(engine: duckdb)" in result.output  # one line whatever the length of tmp_path
    import re

    kept = re.search(r"Customers sheet: ([\d,]+) of 1,500 customers", result.output)
    assert kept and 100 <= int(kept.group(1).replace(",", "")) <= 200
    assert (tmp_path / "shop-customers.parquet").exists()
    assert "5,499 rows read" in result.output


def test_report_refuses_a_pandas_run_that_would_not_fit(tmp_path, monkeypatch):
    from retention_xl.engines import choice

    monkeypatch.setattr(choice, "available_memory", lambda: 2**20)
    result = runner.invoke(app, ["report", "--sample", "-o", str(tmp_path / "r.xlsx"), "--engine", "pandas"])
    assert result.exit_code == 1
    assert "with the pandas engine" in result.output and "--engine duckdb" in result.output
    assert "Traceback" not in result.output


def test_report_says_which_step_outgrew_duckdbs_memory_limit(tmp_path, monkeypatch):
    # a step that cannot spill to disk: lists of 30 million numbers in a 64 MiB limit
    from retention_xl.engines import definitions

    monkeypatch.setattr(definitions, "CUSTOMER_DAYS", "SELECT list(i) AS l FROM range(30000000) AS r(i)")
    target = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", "--sample", "-o", str(target), "--engine", "duckdb",
                                 "--memory-limit", "64MiB"])
    assert result.exit_code == 1
    line = " ".join(result.output.split())
    assert ("Error: DuckDB needed more than its memory limit of 64MiB to compute customer_days. "
            "Give it a higher --memory-limit than 64MiB") in line, line
    assert "Traceback" not in result.output and not target.exists()


def test_the_console_summary_counts_one_thing_in_the_singular():
    from retention_xl.cli import _how_many

    assert [_how_many(n, "unhappy customer") for n in (0, 1, 2, 1204)] == [
        "0 unhappy customers", "1 unhappy customer", "2 unhappy customers", "1,204 unhappy customers"]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_report_of_one_row_and_a_plan_of_one_week_read_in_the_singular(tmp_path):
    source = tmp_path / "one.csv"
    source.write_text("customer,date,amount\nA,2024-03-01,10\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(source), "-o", str(tmp_path / "r.xlsx"), "--contact-weeks", "1",
                                 "--as-of", "2024-03-02"], env=WIDE)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "1 row read, 1 used, 0 skipped" in text and "1 customer, 1 order," in text
    assert "in the next 1 week," in text


def test_validate_says_what_the_report_takes_when_the_holdout_favours_bg_nbd():
    from retention_xl.sample import sample_path

    result = runner.invoke(app, ["validate", str(sample_path()), "--holdout-start", "2024-07-01"], env=WIDE)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    # BG/NBD's and MBG/NBD's a and b run off together (the same drop-out chance for everyone):
    # where the search stops on that ridge moves the third decimal from one CPU to another
    chosen = re.search(r"Chosen: BG/NBD, the smallest error per customer in the holdout \(RMSE (4\.78\d)\)\.", text)
    other = re.search(r"The report chooses between Pareto/NBD and MBG/NBD only \(under BG/NBD a customer who never "
                      r"bought again stays alive forever\); of those the holdout favours MBG/NBD \(RMSE (4\.78\d)\)\.",
                      text)
    assert chosen and other and chosen.group(1) <= other.group(1), text


@pytest.mark.slow  # starts two interpreters: left out of the quick loop, CI runs it
def test_a_command_leaves_huge_pages_to_the_system_unless_the_user_chose(tmp_path):
    # numpy's advice to back each large array with huge pages cost a 1,000,000-order report
    # about 1 s of kernel time where transparent huge pages are on "madvise" (BENCHMARKS.md)
    import os

    code = ("import sys\nfrom retention_xl.cli import app\n"
            "try:\n    app(['template', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "import numpy\nprint(numpy._core.multiarray._get_madvise_hugepage())")
    base = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    for chosen, advice in ((None, "False"), ("1", "True")):
        env = base | ({"NUMPY_MADVISE_HUGEPAGE": chosen} if chosen else {})
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path / f"t{chosen}.xlsx")], env=env,
                              capture_output=True, text=True, check=True)
        assert done.stdout.split()[-1] == advice, done.stdout


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_the_command_line_shows_a_guessed_date_order_as_its_notice_not_a_python_warning(tmp_path):
    # every date could be either order: the library's read_orders warns, the command line
    # already says it in its notices and must not print a Python warning to the terminal too
    src = tmp_path / "orders.csv"
    src.write_text("Customer,Date,Amount\na,03/04/2024,10\nb,05/06/2024,20\na,03/05/2024,15\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "retention_xl", "report", str(src), "-o", str(tmp_path / "r.xlsx")],
                          capture_output=True, text=True, env={**os.environ, **WIDE}, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "Dates in 'Date' read as day/month/year: none of the 3 values settles it" in " ".join(done.stdout.split())
    assert "Warning" not in done.stderr and "dayfirst" not in done.stderr, done.stderr
    for args in (["contacts", str(src), "-o", str(tmp_path / "plan.csv")],
                 ["validate", str(src), "--holdout-start", "2024-05-01"]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            runner.invoke(app, args, env=WIDE)
        assert not [str(w.message) for w in caught if "day/month" in str(w.message)], args


# ------------------------------------------------ options shared by the commands that read orders
INVOICE_DE = ('Beleg,Kunde,Datum,Menge,Einzelpreis\nR1,k1,2024-01-05,2,"10,00"\nR1,k1,2024-01-05,1,"5,00"\n'
              'R2,k2,2024-02-05,3,"7,50"\nR3,k1,2024-03-05,1,"100,00"\n')


def _table_rows(path, name):
    """The rows of the Excel Table ``name`` in the workbook ``path`` (header first), as text."""
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        if name in sheet.tables:
            cells = sheet[sheet.tables[name].ref]
            return [[_as_text(c.value) for c in row] for row in cells]
    raise AssertionError(f"no table {name}")


def _as_text(value):
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, (int, float)):
        return f"{float(value):g}"
    try:
        return f"{float(value):g}"
    except ValueError:
        return str(value)


def test_the_contacts_plan_is_the_reports_contacts_sheet_with_the_same_options(tmp_path):
    # order lines with a quantity and a unit price: contacts took neither, and with
    # --amount Einzelpreis wrote k1 = 115 and k2 = 7.5 where the report said 125 and 22.5
    import csv

    src = tmp_path / "invoice_de.csv"
    src.write_text(INVOICE_DE, encoding="utf-8")
    options = ["--customer", "Kunde", "--date", "Datum", "--order-id", "Beleg", "--quantity", "Menge",
               "--unit-price", "Einzelpreis", "--period", "Q", "--horizon", "6", "--as-of", "2024-04-01"]
    report = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "r.xlsx"), *options])
    assert report.exit_code == 0, report.output
    plan = runner.invoke(app, ["contacts", str(src), "-o", str(tmp_path / "plan.csv"), *options])
    assert plan.exit_code == 0, plan.output
    with open(tmp_path / "plan.csv", encoding="utf-8-sig", newline="") as f:
        written = [[_as_text(v) for v in row] for row in csv.reader(f)]
    sheet = _table_rows(tmp_path / "r.xlsx", "ContactPlan")
    assert written == sheet
    at_stake = {row[1]: row[written[0].index("Value at stake")] for row in written[1:]}
    assert at_stake == {"k1": "125", "k2": "22.5"}


#: the options of each command that are its own; every other option of a command that reads
#: orders is one all of them take (reading), or report and contacts take (the analysis, the plan)
OWN_OPTIONS = {
    "report": {"--engine", "--memory-limit", "--customers-limit", "--table", "--query", "--staging-dir"},
    "contacts": {"--ics"},
    "validate": {"--holdout-start"},
}
OUTPUT_OPTIONS = {"--output", "--sample", "--force", "--help"}


def _options_of(command, cli=app):
    import typer.main

    group = typer.main.get_command(cli)
    params = (group.commands[command] if hasattr(group, "commands") else group).params
    return {o for p in params for o in p.opts if o.startswith("--")} | {"--help"}


def test_every_command_that_reads_orders_takes_the_same_reading_options():
    import typer

    from retention_xl.cli import order_reading, takes
    from retention_xl.options import ROLES, ReportOptions

    probe = typer.Typer(add_completion=False)
    probe.command()(takes(order_reading)(lambda: None))
    reading = _options_of(None, probe) - {"--help"}
    # every role and every cleaning setting of the library has its option among them
    assert {f"--{r.replace('_', '-')}" for r in ROLES} <= reading
    assert set(ReportOptions().cleaning()) == {"include_statuses", "exclude_statuses", "dayfirst", "currency"}
    assert {"--include-status", "--exclude-status", "--date-order", "--currency", "--sheet"} <= reading
    # and each command's options are the shared ones and its own: an option added to one
    # command and not to the others fails here
    report, contacts, validate = (_options_of(c) - OWN_OPTIONS[c] for c in ("report", "contacts", "validate"))
    assert validate == reading | {"--help"}
    assert report == contacts
    assert reading <= report


# ------------------------------------------------ never over the input, every name checked first
ORDERS_CSV = "Customer,Date,Amount\na,2024-01-05,10\nb,2024-01-20,20\na,2024-02-11,15\n"


def _orders_workbook(path):
    book = openpyxl.Workbook()
    for row in [line.split(",") for line in ORDERS_CSV.splitlines()]:
        book.active.append(row)
    book.save(path)
    return path.read_bytes()


def test_report_never_writes_over_the_workbook_it_reads(tmp_path):
    src = tmp_path / "multi_sheet.xlsx"
    before = _orders_workbook(src)
    for output in (src, tmp_path / "sub" / ".." / "multi_sheet.xlsx"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        result = runner.invoke(app, ["report", str(src), "-o", str(output), "--force"])
        assert result.exit_code == 1, result.output
        said = _said(result)
        assert "is the file being read" in said or "is a file being read" in said
        assert "never written over, even with --force" in said and "Traceback" not in said
        assert src.read_bytes() == before


def test_contacts_never_writes_over_the_orders_or_the_side_files(tmp_path):
    src = tmp_path / "victim.csv"
    src.write_text(ORDERS_CSV, encoding="utf-8")
    log = tmp_path / "log.csv"
    log.write_text("Customer,Date,Channel\na,2024-02-12,mail\n", encoding="utf-8")
    for args in (["-o", str(src)], ["-o", str(log), "--contacts", str(log)], ["-o", str(log), "--survey", str(log)]):
        result = runner.invoke(app, ["contacts", str(src), *args, "--force"])
        assert result.exit_code == 1, result.output
        assert "writing there would replace it" in _said(result)
    assert src.read_text(encoding="utf-8") == ORDERS_CSV
    assert log.read_text(encoding="utf-8") == "Customer,Date,Channel\na,2024-02-12,mail\n"


def _parquet_lake(folder):
    """The sample orders as a partitioned Parquet dataset: one folder per channel."""
    import pandas as pd

    from retention_xl.sample import sample_path

    pd.read_csv(sample_path(), dtype=str).to_parquet(folder, partition_cols=["channel"])
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


def test_the_full_customer_table_is_never_written_into_the_parquet_folder_being_read(tmp_path):
    lake = tmp_path / "orders_parquet"
    before = _parquet_lake(lake)
    assert len([p for p in before if p.suffix == ".parquet"]) >= 2  # partitions: channel=.../*.parquet
    part = next(p.parent for p in before if p.suffix == ".parquet")
    for source, output in [(f"{lake}/", lake / "out.xlsx"), (str(lake), lake / part / "out.xlsx"),
                           (str(lake / "*" / "*.parquet"), lake / part / "out.xlsx")]:
        result = runner.invoke(app, ["report", source, "-o", str(output), "--customers-limit", "100", "--force"],
                               env=WIDE)
        assert result.exit_code == 1, result.output
        said = _said(result)
        assert f"Error: {output.with_name('out-customers.parquet')} would become part of {source}, which is " \
               "being read: the next run on it would read that file as data. Write the report (-o) outside it" in said
        assert "Traceback" not in result.output
        # refused before any work: nothing written into the data, not even the workbook
        assert sorted(p.relative_to(lake) for p in lake.rglob("*")) == before


def test_the_api_refuses_a_customer_table_inside_the_folder_it_reads(tmp_path):
    import retention_xl as rx

    lake = tmp_path / "lake"
    before = _parquet_lake(lake)
    with pytest.raises(rx.OutputInsideInput) as refused:
        rx.report_source(lake, lake / "r.xlsx", force=True)
    assert (refused.value.path, refused.value.input) == (lake / "r-customers.parquet", lake)
    assert sorted(p.relative_to(lake) for p in lake.rglob("*")) == before


def test_the_api_refuses_to_write_over_an_input_before_reading_it(tmp_path):
    import retention_xl as rx

    # not a workbook at all: read first, it would be "cannot read"; the output is refused first
    src = tmp_path / "orders.xlsx"
    src.write_bytes(b"not a workbook")
    with pytest.raises(rx.OutputIsInput):
        rx.report_file(src, src, force=True)
    with pytest.raises(rx.OutputIsInput):
        rx.report_source(str(src), src, force=True)
    csv_src = tmp_path / "orders.csv"
    csv_src.write_text(ORDERS_CSV, encoding="utf-8")
    with pytest.raises(rx.OutputIsInput):
        rx.contacts_file(csv_src, csv_src, force=True)
    with pytest.raises(rx.OutputIsInput):
        rx.report_file(csv_src, src, force=True, survey=src)
    assert src.read_bytes() == b"not a workbook" and csv_src.read_text(encoding="utf-8") == ORDERS_CSV


def test_contacts_checks_every_output_name_before_writing_any(tmp_path):
    src = tmp_path / "orders.csv"
    src.write_text(ORDERS_CSV, encoding="utf-8")
    plan = tmp_path / "plan_x.csv"
    result = runner.invoke(app, ["contacts", str(src), "-o", str(plan), "--ics", str(tmp_path / "plan_x.txt")])
    assert result.exit_code == 1 and "name it like plan_x.ics" in _said(result)
    assert not plan.exists()
    (tmp_path / "plan_x.ics").write_text("keep")
    result = runner.invoke(app, ["contacts", str(src), "-o", str(plan), "--ics", str(tmp_path / "plan_x.ics")])
    assert result.exit_code == 1 and "already exists" in _said(result)
    assert not plan.exists() and (tmp_path / "plan_x.ics").read_text() == "keep"


def test_report_file_checks_the_output_name_before_reading(tmp_path):
    import retention_xl as rx

    src = tmp_path / "orders.xlsx"
    src.write_bytes(b"not a workbook")  # read first, it would be "cannot read"
    with pytest.raises(rx.DataError, match="name the output like r.xlsx"):
        rx.report_file(src, tmp_path / "r.csv")


# ------------------------------------------------ option errors speak in the flags typed
@pytest.mark.parametrize(("args", "said"), [
    (["--window", "0"], "Error: --window must be from 31 to 36,600 days for period M, got 0"),
    (["--as-of", "1402/01/01"], "Error: --as-of 2023-03-21 is before the last order day in the data (2025-12-31)"),
    (["--as-of", "soon"], "Error: --as-of must be a date like 2024-01-31, got 'soon'"),
    (["--period", "D"], "Error: --period must be W, M, Q or Y"),
    (["--lang", "de"], "Error: --lang must be one of en, ar, fa, auto, got 'de'"),
    (["--margin", "0"], "Error: --margin must be a fraction in (0, 1], got 0"),
    (["--discount", "2"], "Error: --discount must be a fraction in [0, 1), got 2"),
    (["--horizon", "0"], "Error: --horizon must be from 1 to 1,200, got 0"),
    (["--quiet-days", "0"], "Error: --quiet-days must be from 1 to 3,660, got 0"),
    (["--contact-weeks", "999"], "Error: --contact-weeks must be from 1 to 520, got 999"),
    (["--customers-limit", "0"], "Error: --customers-limit must be from 1 to 1,000,000, got 0"),
    (["--engine", "gpu"], "Error: --engine must be one of auto, pandas, duckdb, spark, got 'gpu'"),
    (["--memory-limit", "1MB"], "Error: --memory-limit must be at least 64MiB, got '1MB'"),
    (["--date-order", "ymd"], "Error: --date-order must be dmy (day/month/year) or mdy"),
    (["--customer", " "], "Error: --customer must be a column name, got ' '"),
    # the flag where the message names the option, not in "a currency code" (was "a --currency code")
    (["--currency", " "], "Error: --currency must be a currency code such as USD or EUR, got ' '"),
    # text where a number goes: one line naming the flag and exit code 1, not click's usage box and code 2
    (["--window", "ninety"], "Error: --window must be a number, got 'ninety'"),
    (["--window", "90.5"], "Error: --window must be a whole number, got 90.5"),
    (["--margin", "30 percent"], "Error: --margin must be a number, got '30 percent'"),
    (["--horizon", "a year"], "Error: --horizon must be a number, got 'a year'"),
    (["--discount", "1%%"], "Error: --discount must be a number, got '1%%'"),
    (["--quiet-days", "30d"], "Error: --quiet-days must be a number, got '30d'"),
    (["--contact-weeks", "twelve"], "Error: --contact-weeks must be a number, got 'twelve'"),
    (["--customers-limit", "10k"], "Error: --customers-limit must be a number, got '10k'"),
    (["--window", "90%"], "Error: --window must be a number, got '90%'"),
    # the number typed, not its float (which was 100,000,000,000,000,000,000)
    (["--window", "99999999999999999999"],
     "Error: --window must be from 31 to 36,600 days for period M, got 99,999,999,999,999,999,999"),
    (["--horizon", "99999999999999999999"], "Error: --horizon must be from 1 to 1,200, got 99,999,999,999,999,999,999"),
])
def test_an_option_error_names_the_flag_not_the_setting(args, said, tmp_path):
    result = runner.invoke(app, ["report", "--sample", "-o", str(tmp_path / "r.xlsx"), *args])
    assert result.exit_code == 1
    assert _said(result).startswith(said), _said(result)
    if args[0] not in OWN_OPTIONS["report"]:  # contacts says it the same way
        plan = runner.invoke(app, ["contacts", "--sample", "-o", str(tmp_path / "p.csv"), *args])
        assert plan.exit_code == 1 and _said(plan).startswith(said), _said(plan)


def test_numbers_are_typed_as_the_settings_sheet_takes_them():
    # Arabic-Indic and Persian digits, the Arabic decimal sign and a percent sign for a fraction:
    # "--margin 30%" was click's usage error (exit code 2), now 0.3 as on the Settings sheet
    from retention_xl.cli import engine_settings, plan_settings

    typed = plan_settings(window="١٢٠", margin="30%", horizon="۶", discount="٢٪", quiet_days="۱۴", contact_weeks="٨")
    assert {k: typed[k] for k in ("window_days", "margin", "horizon", "discount", "quiet_days", "contact_weeks")} \
        == {"window_days": 120, "margin": 0.3, "horizon": 6, "discount": 0.02, "quiet_days": 14, "contact_weeks": 8}
    assert plan_settings(margin="٠٫٢٥")["margin"] == 0.25 and plan_settings()["margin"] == 1
    assert engine_settings(customers_limit="٥٠٠")["customers_limit"] == 500


def test_the_holdout_start_is_read_in_the_date_order_chosen(cdnow_csv):
    # CDNOW runs from 1997-01-01 to 1998-06-30: a holdout from 10 January 1997 is 76.71 weeks
    # long; with --date-order mdy, 01/10/1997 was read as 1 October (39 weeks) all the same
    result = runner.invoke(app, ["validate", str(cdnow_csv), "--holdout-start", "01/10/1997", "--date-order", "mdy"],
                           env=WIDE)
    assert result.exit_code == 0, _said(result)
    assert "holdout 76.71 weeks" in result.output


def test_validate_names_the_holdout_start_by_its_flag(cdnow_csv):
    result = runner.invoke(app, ["validate", str(cdnow_csv), "--holdout-start", "soon"])
    assert _said(result).startswith("Error: --holdout-start must be a date like 2024-01-31, got 'soon'")


def test_every_setting_of_the_library_has_the_flag_its_errors_are_worded_with():
    import dataclasses

    from retention_xl.cli import FLAGS
    from retention_xl.options import ROLES, ReportOptions

    # door is who builds the report (each door sets it for its own remedies), not a setting
    settings = {f.name for f in dataclasses.fields(ReportOptions)} - {"roles", "door"} | set(ROLES)
    assert settings <= set(FLAGS)
    flags = _options_of("report") | _options_of("validate")
    assert {FLAGS[s] for s in settings} <= flags
    assert set(FLAGS.values()) <= flags  # no flag that no command has


# ------------------------------------------------ a column with a blank header can be chosen
def test_a_column_with_a_blank_header_is_chosen_by_the_name_the_error_lists(tmp_path):
    src = tmp_path / "blankhdr.csv"
    src.write_text("Customer,Date,\na,2024-01-01,10\nb,2024-01-03,5\n", encoding="utf-8")
    merged = tmp_path / "merged_header.xlsx"  # a two-row header: "Order" merged over Date and Amount
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"], ws["B1"], ws["B2"], ws["C2"] = "Customer", "Order", "Date", "Amount"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:C1")
    ws.append(["c1", "2024-01-03", 120])
    ws.append(["c2", "2024-01-09", 200])
    book.save(merged)
    for path, extra in ((src, []), (merged, ["--date", "Order"])):
        refused = runner.invoke(app, ["report", str(path), "-o", str(tmp_path / "r.xlsx"), *extra, "--force"])
        assert refused.exit_code == 1 and "'Column C'" in _said(refused), _said(refused)
        chosen = runner.invoke(app, ["report", str(path), "-o", str(tmp_path / "r.xlsx"), *extra,
                                     "--amount", "Column C", "--force"])
        assert chosen.exit_code == 0, chosen.output
        assert "amount 'Column C' (as chosen)" in _said(chosen)


# ------------------------------------------------ text files laid out as Excel users save them
@pytest.mark.parametrize(("text", "said"), [
    (("My Shop - Orders export\nGenerated 2024-04-01\n\nCustomer,Date,Amount\na,2024-01-05,10\nb,2024-01-06,20\n"
      "a,2024-02-07,30\n"),
     "3 rows read, 3 used, 0 skipped (see the Data issues sheet); 2 customers, 3 orders, net revenue 60.00"),
    ("sep=;\nCustomer;Date;Amount\na;05/01/2024;10,5\nb;06/01/2024;20\na;07/02/2024;1.000,25\n",
     "3 rows read, 3 used, 0 skipped (see the Data issues sheet); 2 customers, 3 orders, net revenue 1,030.75"),
])
def test_a_report_from_a_csv_with_title_lines_or_a_sep_hint(tmp_path, text, said):
    src = tmp_path / "orders.csv"
    src.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0, result.output
    assert said in _said(result)


# ------------------------------------------------ orders in several currencies
def _usd_and_eur(tmp_path):
    """Shopify's export fixture with orders #1003 and #1008 in EUR (6 orders in USD)."""
    import pandas as pd

    raw = pd.read_csv(ROOT / "tests" / "data" / "shopify_orders_export.csv", dtype="str", keep_default_na=False)
    raw.loc[raw["Name"].isin(["#1003", "#1008"]) & (raw["Currency"] != ""), "Currency"] = "EUR"
    src = tmp_path / "usd-eur.csv"
    raw.to_csv(src, index=False)
    return src


def test_report_in_several_currencies_keeps_one_and_says_how_to_choose_another(tmp_path):
    src = _usd_and_eur(tmp_path)
    result = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "r.xlsx")], env=WIDE)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "net revenue 70.00" in said  # #1001 55.00 + #1005 15.00, the USD sales
    assert "leaves out 2 orders in EUR (120.00 EUR)" in said
    assert "To report in EUR instead, run it again with --currency EUR." in said
    result = runner.invoke(app, ["report", str(src), "-o", str(tmp_path / "e.xlsx"), "--currency", "EUR"], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "net revenue 110.00" in " ".join(result.output.split())  # 40.00 - 10.00 refunded + 80.00


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_currency_not_in_the_data_is_an_error_naming_the_flag_and_the_currencies(tmp_path, engine):
    src = _usd_and_eur(tmp_path)
    target = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["report", str(src), "-o", str(target), "--currency", "GBP", "--engine", engine],
                           env=WIDE)
    assert result.exit_code == 1
    assert _said(result).startswith("Error: --currency 'GBP' is not in the data; the currencies found are: USD, EUR")
    assert not target.exists()


@pytest.mark.parametrize("name", ["", ".", "/"])
@pytest.mark.parametrize("command", ["report", "contacts"])
def test_an_output_naming_a_folder_is_one_line_not_a_traceback(command, name, tmp_path):
    result = runner.invoke(app, [command, "--sample", "-o", name])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("no file name given" if name != "/" else "/ is a folder") in result.output
    assert "name the file to write, e.g." in result.output


def test_an_existing_calendar_names_the_calendar_option(tmp_path):
    (tmp_path / "plan.ics").write_text("mine")
    result = runner.invoke(app, ["contacts", "--sample", "-o", str(tmp_path / "plan.csv"),
                                 "--ics", str(tmp_path / "plan.ics")])
    assert result.exit_code == 1
    assert "plan.ics already exists. Choose another name (--ics) or pass --force" in " ".join(result.output.split())
    assert (tmp_path / "plan.ics").read_text() == "mine" and not (tmp_path / "plan.csv").exists()
