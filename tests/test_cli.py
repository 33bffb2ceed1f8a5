"""The retention-xl command line: exit codes, messages, and never overwriting a file."""

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from retention_xl.cli import app
from retention_xl.template import template_bytes

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


def test_report_on_the_bundled_sample(tmp_path):
    target = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["report", "--sample", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Report written" in result.output
    assert "5,499 rows read, 5,484 used, 15 skipped" in result.output
    assert openpyxl.load_workbook(target, read_only=True).sheetnames == [
        "Summary", "Cohorts", "Segments", "Data issues"]


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report"], "give an order file, or --sample"),
        (["report", "missing.csv"], "missing.csv"),
        (["report", "--sample", "--period", "D"], "period must be W, M, Q or Y"),
        (["report", "--sample", "--lang", "de"], "language must be one of en, ar, fa"),
        (["report", "--sample", "--customer", "Client"], "Client"),
        (["report", "--sample", "--window", "10"], "activity window"),
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
    result = runner.invoke(app, ["validate", str(cdnow_csv), "--holdout-start", "1997-10-01"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "r=0.243, α=4.41 weeks, a=0.793, b=2.43" in text
    assert "holdout 39 weeks" in text
    assert "Customers compared │ 2,357" in text
    assert "Total predicted │ 1,653.4" in text
    assert "Total actual │ 1,882" in text
    for name in ("Mean absolute error (MAE)", "Root mean squared error (RMSE)", "Correlation (predicted, actual)"):
        assert name in text
    # by calibration frequency: 1,411 customers never bought again before the holdout
    assert "│ 0 │ 1,411 │ 0.225 │ 0.237 │" in text
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


def test_report_from_a_database_table_on_duckdb_with_a_customer_limit(tmp_path):
    import sqlite3

    import pandas as pd

    from retention_xl.sample import sample_path

    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as con:
        pd.read_csv(sample_path(), dtype=str, keep_default_na=False).to_sql("orders", con, index=False)
    target = tmp_path / "shop.xlsx"
    result = runner.invoke(app, ["report", str(db), "--table", "orders", "-o", str(target),
                                 "--customers-limit", "200", "--memory-limit", "512MB"])
    assert result.exit_code == 0, result.output
    assert "(engine: duckdb)" in result.output
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
