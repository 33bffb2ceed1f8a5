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


def test_lite_bundle_command(tmp_path):
    result = runner.invoke(app, ["lite", str(tmp_path / "lite")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "lite").iterdir()) == ["main.py", "requirements.txt"]
    assert runner.invoke(app, ["lite", str(tmp_path / "lite")]).exit_code == 1  # no --force


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "retention_xl", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("retention-xl ")
