"""Import the formulas into the add-in through Excel itself (Windows), as xlwings' *Import Functions* does.

The formulas reach Excel as a VBA module (``xlwings_udfs``) that xlwings writes and
imports into a workbook: xlwings' ``import_udfs`` (the code behind *Import Functions* and
``ImportPythonUDFsToAddin``) writes one VBA ``Function`` per formula, imports the module
through the VBA project object model and registers each description with
``Application.MacroOptions``. :func:`import_formulas` runs exactly that function on the
add-in file, in an Excel started invisibly through xlwings, and saves the add-in: one
install gives both the ribbon and the formulas.

Excel lets a program change a VBA project only when *Trust access to the VBA project
object model* is ticked (File > Options > Trust Center > Trust Center Settings > Macro
Settings); without it, or without Excel for Windows, nothing is changed and
:class:`FormulaImport` says what to do.

While the add-in is open, the ribbon's ``RunMain`` gets a first line that stops with a
message when no workbook is open (xlwings' ``RunPython`` reads its settings from the
active workbook and fails with a VBA run-time error without one).
"""

from __future__ import annotations

import contextlib
import importlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retention_xl.excel.addin import FORMULAS_MODULE, UDF_MODULES

__all__ = ["TRUST_ACCESS_STEPS", "RIBBON_MODULE", "GUARDED_RUN_MAIN", "FormulaImport", "import_formulas"]

TRUST_ACCESS_STEPS = (
    "In Excel: File > Options > Trust Center > Trust Center Settings > Macro Settings, tick "
    "'Trust access to the VBA project object model', OK, quit Excel"
)
RIBBON_MODULE = "RibbonMyAddin"  # the template's module holding the button's callback
#: the template's RunMain, with a first step for the case of no open workbook
GUARDED_RUN_MAIN = """\
Sub RunMain(control As IRibbonControl)
    ' retention-xl: RunPython reads its settings from the active workbook; with none open it would fail
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open the workbook with your orders (or a new one), then click Build report.", vbInformation, "Retention report"
        Exit Sub
    End If
    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))
    RunPython "import " & mymodule & ";" & mymodule & ".main()"
End Sub
"""


@dataclass(frozen=True)
class FormulaImport:
    """Whether the formulas went into the add-in, and if not, why and what to do."""

    imported: bool
    reason: str = ""
    steps: tuple[str, ...] = ()


def _excel() -> Any:
    import xlwings as xw

    return xw.App(visible=False, add_book=False)


def import_formulas(addin: Path, *, excel: Callable[[], Any] | None = None) -> FormulaImport:
    """Open ``addin`` in an invisible Excel, import the formulas into it, save it, quit.

    Parameters
    ----------
    addin
        A built ``retention_xl.xlam`` (the name matters: the VBA refers to it).
    excel
        Starts Excel and returns an ``xlwings.App``; by default ``xlwings.App(visible=False,
        add_book=False)``. An App handed over is quit at the end all the same.

    Returns
    -------
    FormulaImport
        Never raises for a missing Excel, missing trust access or a failed import: the
        add-in then stays as it was and the result names the reason and the steps.
    """
    try:
        app = (excel or _excel)()
    except Exception as error:  # noqa: BLE001 -- no Excel, no pywin32: say so
        return FormulaImport(False, f"Excel for Windows could not be started ({_one_line(error)})",
                             ("Install Excel for Windows (desktop), then run 'retention-xl addin install' again",))
    try:
        app.display_alerts = False
        book = app.books.open(str(addin))
        try:
            return _import_into(book)
        finally:
            book.close()
    except Exception as error:  # noqa: BLE001 -- Excel refused something: report it, change nothing
        return FormulaImport(False, f"Excel could not import the formulas ({_one_line(error)})",
                             ("Quit Excel, then run 'retention-xl addin install' again",))
    finally:
        with contextlib.suppress(Exception):
            app.quit()


def _import_into(book: Any) -> FormulaImport:
    workbook = book.api
    try:
        components = workbook.VBProject.VBComponents
        components.Count  # noqa: B018 -- Excel refuses this without trust access
    except Exception:  # noqa: BLE001 -- pywintypes.com_error: programmatic access is not trusted
        return FormulaImport(False, "Excel does not trust programs with the VBA project",
                             (TRUST_ACCESS_STEPS, "Run 'retention-xl addin install' again"))
    xlwings_udfs = importlib.import_module("xlwings.udfs")  # Windows only: needs pywin32
    with contextlib.redirect_stdout(io.StringIO()):  # it prints "Imported functions from ..."
        xlwings_udfs.import_udfs(UDF_MODULES, workbook)
    names = {components.Item(i).Name for i in range(1, components.Count + 1)}
    if FORMULAS_MODULE not in names:
        return FormulaImport(False, f"Excel did not keep the {FORMULAS_MODULE} module",
                             ("Run 'retention-xl addin install' again",))
    code = components(RIBBON_MODULE).CodeModule
    code.DeleteLines(1, code.CountOfLines)
    code.AddFromString(GUARDED_RUN_MAIN)
    book.save()
    return FormulaImport(True)


def _one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())[:200]
