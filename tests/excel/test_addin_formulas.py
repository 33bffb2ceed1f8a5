"""``retention-xl addin install`` on Windows: the formulas go into the add-in through xlwings' own import.

Nothing runs Windows here, so xlwings' Windows code runs with pywin32 stubbed
(``windows_xlwings.py``) against a stand-in for Excel's COM objects (``fake_excel_com.py``):
``xlwings.App`` over the stand-in Application, ``xlwings.udfs.import_udfs`` writing and
importing the VBA module, ``Book.save``. What needs Excel itself is in
docs/manual-checks.md.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import fake_excel_com
import pytest
import vba_rules
from windows_xlwings import windows_xlwings, with_windows_decorators

from retention_xl import udfs
from retention_xl.errors import DataError
from retention_xl.excel.addin import ADDIN_FILENAME, FORMULAS_MODULE, read_addin, template_path
from retention_xl.excel.addin_formulas import GUARDED_RUN_MAIN, TRUST_ACCESS_STEPS, import_formulas
from retention_xl.excel.addin_install import addin_status, install_addin

PYTHON = sys.executable


@pytest.fixture()
def windows():
    """xlwings' Windows code, and retention_xl.udfs as Windows imports it (real decorators)."""
    with windows_xlwings() as win:
        win.xlwindows.win32process.GetWindowThreadProcessId = lambda hwnd: (1, 4242)
        sys.modules["retention_xl.udfs"] = with_windows_decorators(win, "retention_xl.udfs")  # undone on exit
        yield win


def excel_factory(windows, excel: fake_excel_com.Application):
    """What xlwings.App(visible=False, add_book=False) gives on Windows, over the stand-in."""
    import xlwings

    return lambda: xlwings.App(impl=windows.xlwindows.App(xl=excel))


def install(windows, tmp_path, excel, **kwargs):
    return install_addin(folder=tmp_path / "XLSTART", platform="windows", interpreter=PYTHON,
                         excel=excel_factory(windows, excel), **kwargs)


def test_one_install_gives_the_ribbon_and_the_formulas(windows, tmp_path):
    excel = fake_excel_com.Application(trusted=True)
    installed = install(windows, tmp_path, excel)
    assert installed.formulas.imported
    assert "Formulas imported into the add-in" in " ".join(installed.lines())
    (book,) = excel.Workbooks.open
    assert book.Name == ADDIN_FILENAME and book.saved == 1 and book.closed and excel.quit
    assert excel.DisplayAlerts is False
    contents = read_addin(installed.path.read_bytes())
    assert contents.has_formulas and contents.setting("Interpreter_Win") == PYTHON
    status = addin_status(folder=tmp_path / "XLSTART", platform="windows")
    assert status.formulas is True and status.missing == ()


def test_the_module_imported_is_xlwings_own_and_legal_vba(windows, tmp_path):
    excel = fake_excel_com.Application(trusted=True)
    install(windows, tmp_path, excel)
    (book,) = excel.Workbooks.open
    text = book.VBProject.VBComponents.imported[FORMULAS_MODULE]
    assert text.startswith('Attribute VB_Name = "xlwings_udfs"')
    names = re.findall(r"^Function (\w+)\(", text, re.MULTILINE)
    assert sorted(names) == sorted(udfs.__all__)
    assert "Function CRR(start_customers, end_customers, new_customers)" in text
    assert 'CRR = XLPy.CallUDF("retention_xl.udfs", "CRR", Array(start_customers, end_customers, ' \
           'new_customers), ActiveWorkbook, Application.Caller)' in text  # an add-in: ActiveWorkbook
    assert vba_rules.line_problems(text) == []


def test_every_formula_gets_its_description_and_category(windows, tmp_path):
    excel = fake_excel_com.Application(trusted=True)
    install(windows, tmp_path, excel)
    options = dict(excel.macro_options)
    assert set(options) == {f"'{ADDIN_FILENAME}'!{name}" for name in udfs.__all__}
    crr = options[f"'{ADDIN_FILENAME}'!CRR"]
    assert crr["Category"] == "Retention"
    assert crr["Description"] == udfs.CRR.__doc__
    assert crr["ArgumentDescriptions"] == [
        "Customers at the start of the period (S).", "Customers at the end of the period (E).",
        "New customers won during the period (N)."]


def test_the_button_says_what_to_do_when_no_workbook_is_open(windows, tmp_path):
    excel = fake_excel_com.Application(trusted=True)
    install(windows, tmp_path, excel)
    (book,) = excel.Workbooks.open
    code = book.VBProject.VBComponents("RibbonMyAddin").CodeModule.text
    assert code == GUARDED_RUN_MAIN
    assert "If ActiveWorkbook Is Nothing Then" in code


@pytest.mark.slow  # ANTLR's Python runtime: a few seconds
def test_the_guarded_button_is_the_templates_plus_one_check():
    oletools = pytest.importorskip("oletools.olevba")
    parser = oletools.VBA_Parser(str(template_path()))
    try:
        template = next(code for _, _, name, code in parser.extract_macros() if name == "RibbonMyAddin.bas")
    finally:
        parser.close()
    kept = [line.strip() for line in template.splitlines() if line.strip() and not line.startswith("Attribute")]
    guarded = [line.strip() for line in GUARDED_RUN_MAIN.splitlines()]
    assert kept[0] == guarded[0] and kept[-3:] == guarded[-3:]  # same Sub, same RunPython call
    module = 'Attribute VB_Name = "RibbonMyAddin"\n' + GUARDED_RUN_MAIN
    assert vba_rules.grammar_errors(module) == []
    assert vba_rules.line_problems(module) == []


def test_without_trust_access_it_says_where_to_turn_it_on(windows, tmp_path):
    excel = fake_excel_com.Application(trusted=False)
    installed = install(windows, tmp_path, excel)
    assert not installed.formulas.imported
    assert installed.formulas.reason == "Excel does not trust programs with the VBA project"
    assert installed.formulas.steps[0] == TRUST_ACCESS_STEPS
    text = "\n".join(installed.lines())
    assert "Trust access to the VBA project object model" in text and "  1. In Excel: File > Options" in text
    (book,) = excel.Workbooks.open
    assert book.saved == 0 and book.closed and excel.quit
    assert not read_addin(installed.path.read_bytes()).has_formulas  # the ribbon still installed


def test_without_excel_it_says_so(windows, tmp_path):
    def no_excel():
        raise windows.com_error(-2147221005, "Invalid class string")

    installed = install_addin(folder=tmp_path / "XLSTART", platform="windows", interpreter=PYTHON, excel=no_excel)
    assert not installed.formulas.imported
    assert installed.formulas.reason.startswith("Excel for Windows could not be started")
    assert installed.path.is_file()


def test_reinstalling_keeps_imported_formulas_or_refuses(windows, tmp_path):
    install(windows, tmp_path, fake_excel_com.Application(trusted=True))
    target = tmp_path / "XLSTART" / ADDIN_FILENAME
    with_formulas = target.read_bytes()

    again = install(windows, tmp_path, fake_excel_com.Application(trusted=True))
    assert again.replaced == "The formulas imported into the add-in before were replaced by a fresh import."
    assert read_addin(target.read_bytes()).has_formulas

    with pytest.raises(DataError) as error:
        install(windows, tmp_path, fake_excel_com.Application(trusted=False))
    message = str(error.value)
    assert "holds formulas imported into it (its xlwings_udfs module)" in message
    assert "Excel does not trust programs with the VBA project" in message and "--force" in message
    assert read_addin(target.read_bytes()).has_formulas  # untouched

    forced = install(windows, tmp_path, fake_excel_com.Application(trusted=False), force=True)
    assert forced.replaced.startswith("Replaced an add-in that held imported formulas")
    assert not read_addin(target.read_bytes()).has_formulas
    assert with_formulas != target.read_bytes()


def test_an_excel_failure_changes_nothing(windows, tmp_path):
    excel = fake_excel_com.Application(trusted=True)

    def refuse(macro, **options):
        raise windows.com_error(-2146827284, "MacroOptions failed")

    excel.MacroOptions = refuse
    addin = tmp_path / ADDIN_FILENAME
    addin.write_bytes(template_path().read_bytes())
    result = import_formulas(addin, excel=excel_factory(windows, excel))
    assert not result.imported and result.reason.startswith("Excel could not import the formulas")
    assert excel.quit and excel.Workbooks.open[0].saved == 0


def test_import_formulas_uses_xlwings_app_by_default(monkeypatch, tmp_path):
    """Default: xlwings.App(visible=False, add_book=False), the documented way to start Excel."""
    import xlwings

    seen = {}

    def app(**kwargs):
        seen.update(kwargs)
        raise RuntimeError("no Excel here")

    monkeypatch.setattr(xlwings, "App", app)
    result = import_formulas(Path(tmp_path / ADDIN_FILENAME))
    assert seen == {"visible": False, "add_book": False}
    assert result.reason == "Excel for Windows could not be started (RuntimeError: no Excel here)"


def test_off_windows_the_install_says_where_to_run_it(tmp_path):
    installed = install_addin(folder=tmp_path / "XLSTART", platform="windows", interpreter=PYTHON)
    assert installed.formulas.reason == "Excel for Windows is not on this computer"
    assert isinstance(installed.formulas.steps, tuple) and installed.path.is_file()
