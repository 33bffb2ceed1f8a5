"""Put the built add-in where Excel loads it at start-up, take it out again, say what is there.

Excel loads every add-in in its start-up folder: ``%APPDATA%\\Microsoft\\Excel\\XLSTART`` on
Windows and the sandboxed Office folder on macOS (the folders ``xlwings addin install``
uses). On other systems there is no Excel to load it, and the error says what to do.

Installing also makes the add-in work without further steps:

* the Python that runs ``retention-xl addin install`` is written into the add-in's
  config sheet (``Interpreter_Win`` or ``Interpreter_Mac``, the keys xlwings' VBA reads),
  so **Build report** runs a Python that has retention-xl instead of whatever ``python``
  is on the PATH (often none on Windows, and none at all on macOS 12.3 and later);
* on Windows, the formulas are imported into the add-in through Excel
  (:mod:`retention_xl.excel.addin_formulas`) when Excel is installed and trusts programs
  with VBA projects; otherwise the result says exactly what to do.

An installed add-in into which formulas were imported is never replaced by one without
them unless asked (``force``): the error says why the new one has none and how to fix it.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retention_xl.errors import DataError, EnvironmentProblem
from retention_xl.atomic_write import write_atomically
from retention_xl.excel.addin import (
    ADDIN_FILENAME,
    FORMULAS_MODULE,
    INTERPRETER_KEYS,
    addin_bytes,
    build_stamp,
    configure_addin,
    read_addin,
    template_path,
)
from retention_xl.excel.addin_formulas import FormulaImport, import_formulas

__all__ = ["AddinStatus", "Installed", "addin_folder", "install_addin", "uninstall_addin", "addin_status"]

_MAC_STARTUP = ("Library", "Group Containers", "UBF8T346G9.Office")
_MAC_SCRIPTS = ("Library", "Application Scripts", "com.microsoft.Excel")

_UNSUPPORTED = (
    "Excel add-ins (.xlam) run only in Excel for Windows or macOS, and this computer is "
    "{platform}: build the add-in with 'retention-xl addin build' and copy "
    f"{ADDIN_FILENAME} to the Excel computer's XLSTART folder by hand. (xlwings Lite is "
    "a different, browser-based add-in for Excel 365 and the web that runs its own "
    "Python in Excel; it cannot load this .xlam.)"
)



_MAC_FORMULAS = ("Formulas in cells need Excel for Windows (xlwings runs them over COM); on a Mac "
                 "use 'retention-xl lite' and the xlwings Lite add-in")


@dataclass(frozen=True)
class Installed:
    """What :func:`install_addin` did.

    Attributes
    ----------
    path : Path
        The installed add-in.
    interpreter : str
        The Python written into its config sheet.
    formulas : FormulaImport
        Whether the formulas are in the add-in; if not, why and the steps to take.
    replaced : str
        What the install replaced, when it matters ("" otherwise).
    """

    path: Path
    interpreter: str
    formulas: FormulaImport
    replaced: str = ""

    def lines(self) -> list[str]:
        out = [f"Add-in installed: {self.path}", f"Python for Build report and the formulas: {self.interpreter}"]
        if self.replaced:
            out.append(self.replaced)
        if self.formulas.imported:
            out.append("Formulas imported into the add-in: =CRR(10,8,0) and the others work in every workbook.")
        else:
            out.append(f"Formulas not imported: {self.formulas.reason}.")
            out += [f"  {i}. {step}." for i, step in enumerate(self.formulas.steps, start=1)]
        out.append("Restart Excel to see the Retention tab.")
        return out


@dataclass(frozen=True)
class AddinStatus:
    """The installed add-in: where, whether current, its Python, its formulas, what is missing.

    ``current``, ``interpreter`` and ``formulas`` are ``None`` when it is not installed.
    """

    installed: bool
    path: Path
    current: bool | None = None
    interpreter: str | None = None
    interpreter_found: bool | None = None
    formulas: bool | None = None
    missing: tuple[str, ...] = ()

    def __str__(self) -> str:
        if not self.installed:
            return f"not installed; 'retention-xl addin install' puts it at {self.path}"
        state = "up to date" if self.current else "older build: run 'retention-xl addin install'"
        lines = [f"installed at {self.path} ({state})"]
        if self.interpreter:
            found = "" if self.interpreter_found else " (not found on this computer)"
            lines.append(f"Python: {self.interpreter}{found}")
        else:
            lines.append("Python: not set (Excel runs the first 'python' on the PATH)")
        if self.formulas is not None:
            lines.append("formulas: " + ("imported into the add-in" if self.formulas else "not imported"))
        lines += [f"missing: {m}" for m in self.missing]
        return "\n".join(lines)


def _platform(platform: str | None) -> str:
    name = platform or sys.platform
    if name in ("windows", "win32"):
        return "windows"
    if name in ("macos", "darwin"):
        return "macos"
    raise EnvironmentProblem(_UNSUPPORTED.format(platform=name))


def addin_folder(
    platform: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Path:
    """Excel's per-user startup folder, where ``xlwings addin install`` puts add-ins.

    Windows: ``%APPDATA%\\Microsoft\\Excel\\XLSTART``. macOS (sandboxed Office 2016 and
    later): ``~/Library/Group Containers/UBF8T346G9.Office/User Content/Startup/Excel``
    (or its ``.localized`` spelling when only that exists on disk).

    Examples
    --------
    >>> addin_folder("windows", environ={"APPDATA": "C:/Users/sara/AppData/Roaming"}).parts[-3:]
    ('Microsoft', 'Excel', 'XLSTART')
    """
    system = _platform(platform)
    if system == "windows":
        appdata = (os.environ if environ is None else environ).get("APPDATA")
        if not appdata:
            raise EnvironmentProblem("APPDATA is not set, so Excel's XLSTART folder cannot be found")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    office = Path.home() if home is None else Path(home)
    office = office.joinpath(*_MAC_STARTUP)
    plain = office / "User Content" / "Startup" / "Excel"
    localized = office / "User Content.localized" / "Startup.localized" / "Excel"
    return localized if localized.is_dir() and not plain.is_dir() else plain


def install_addin(
    addin: Path | None = None,
    *,
    folder: Path | None = None,
    platform: str | None = None,
    home: Path | None = None,
    interpreter: str | None = None,
    excel: Callable[[], Any] | None = None,
    force: bool = False,
) -> Installed:
    """Install the add-in into Excel's startup folder, ready to run; quit Excel first.

    Parameters
    ----------
    addin
        A built ``.xlam``; by default a fresh build is installed. It is always installed
        as ``retention_xl.xlam``, the name its button relies on.
    folder
        Target folder; default :func:`addin_folder`.
    platform
        ``"windows"`` or ``"macos"``; default the running system. Anything else raises
        :class:`DataError` explaining the manual route.
    home
        Home folder on macOS, where xlwings' RunPython AppleScript is also installed
        (``~/Library/Application Scripts/com.microsoft.Excel``) as ``xlwings addin install`` does.
    interpreter
        The Python Excel should start; default the one running this (``sys.executable``).
    excel
        Windows: starts Excel as an ``xlwings.App`` for the formula import (default: an
        invisible Excel through xlwings on Windows; none elsewhere).
    force
        Replace an installed add-in holding imported formulas with one without them.

    Returns
    -------
    Installed
    """
    system = _platform(platform)
    python = interpreter or sys.executable
    target_folder = addin_folder(system, home=home) if folder is None else Path(folder)
    target = target_folder / ADDIN_FILENAME
    if addin is None:
        data = addin_bytes({INTERPRETER_KEYS[system]: python})
    else:
        addin = Path(addin)
        if not zipfile.is_zipfile(addin):
            raise DataError(
                f"{addin} is not an Excel add-in: build one with 'retention-xl addin build'"
            )
        data = configure_addin(addin.read_bytes(), {INTERPRETER_KEYS[system]: python})
    try:
        before = read_addin(target.read_bytes()) if target.is_file() else None
    except DataError:  # not an add-in of ours: nothing in it to keep
        before = None

    if system == "windows":
        data, formulas = _with_formulas(data, excel)
    else:
        formulas = FormulaImport(False, "not on macOS", (_MAC_FORMULAS,))
    replaced = ""
    if before is not None and before.has_formulas:
        if formulas.imported:
            replaced = "The formulas imported into the add-in before were replaced by a fresh import."
        elif not force:
            steps = " ".join(f"{step}." for step in formulas.steps)
            raise DataError(
                f"the installed add-in {target} holds formulas imported into it (its {FORMULAS_MODULE} "
                f"module), and this install could not import them again: {formulas.reason}. {steps} "
                "To replace it anyway (the formulas then need importing again), pass --force."
            )
        else:
            replaced = f"Replaced an add-in that held imported formulas ({FORMULAS_MODULE}); import them again."

    target_folder.mkdir(parents=True, exist_ok=True)
    write_atomically(target, lambda f: f.write(data), force=True)
    if system == "macos":
        _install_runpython_script(Path.home() if home is None else Path(home))
    return Installed(target, python, formulas, replaced)


def _with_formulas(data: bytes, excel: Callable[[], Any] | None) -> tuple[bytes, FormulaImport]:
    """The add-in with the formulas imported through Excel, or unchanged with the reason."""
    if excel is None and sys.platform != "win32":
        return data, FormulaImport(False, "Excel for Windows is not on this computer",
                                   ("On the Excel computer, run 'retention-xl addin install' there",))
    with tempfile.TemporaryDirectory(prefix="retention-xl-") as folder:
        path = Path(folder) / ADDIN_FILENAME  # the file name the VBA refers to
        path.write_bytes(data)
        result = import_formulas(path, excel=excel)
        return (path.read_bytes() if result.imported else data), result


def _install_runpython_script(home: Path) -> None:
    """On macOS, RunPython needs xlwings' AppleScript in Excel's script folder."""
    name = f"xlwings-{importlib.metadata.version('xlwings')}.applescript"
    source = template_path().parent / name
    scripts = home.joinpath(*_MAC_SCRIPTS)
    scripts.mkdir(parents=True, exist_ok=True)
    write_atomically(scripts / name, lambda f: f.write(source.read_bytes()), force=True)


def _installed_path(folder: Path | None, platform: str | None, home: Path | None) -> Path:
    system = _platform(platform)
    return (addin_folder(system, home=home) if folder is None else Path(folder)) / ADDIN_FILENAME


def uninstall_addin(
    *, folder: Path | None = None, platform: str | None = None, home: Path | None = None
) -> Path:
    """Remove the add-in from Excel's startup folder; returns the removed path."""
    target = _installed_path(folder, platform, home)
    if not target.is_file():
        raise DataError(f"the add-in is not installed: there is no {target}")
    try:
        target.unlink()
    except PermissionError as error:
        raise DataError(f"cannot remove {target}: quit Excel and try again") from error
    return target


def addin_status(
    *, folder: Path | None = None, platform: str | None = None, home: Path | None = None
) -> AddinStatus:
    """The installed add-in: where, whether current, its Python, its formulas, what is missing.

    Examples
    --------
    >>> addin_status(folder=Path("C:/XLSTART"), platform="windows")  # doctest: +SKIP
    AddinStatus(installed=False, path=WindowsPath('C:/XLSTART/retention_xl.xlam'), ...)
    """
    system = _platform(platform)
    target = _installed_path(folder, platform, home)
    if not target.is_file():
        return AddinStatus(installed=False, path=target)
    try:
        contents = read_addin(target.read_bytes())
    except DataError as error:
        return AddinStatus(True, target, current=False, missing=(
            f"{target} is not a retention-xl add-in ({error}): run 'retention-xl addin install'",))
    fresh = read_addin(addin_bytes())
    current = contents.stamp == build_stamp() and contents.ribbon == fresh.ribbon
    python = contents.setting(INTERPRETER_KEYS[system])
    python = str(python) if python else None
    found = Path(python).is_file() if python else None
    missing: list[str] = []
    if python is None:
        missing.append("no Python set for the add-in: run 'retention-xl addin install' with the Python "
                       "that has retention-xl")
    elif not found:
        missing.append(f"the add-in's Python {python} does not exist: run 'retention-xl addin install' again "
                       "with the Python that has retention-xl")
    formulas = contents.has_formulas if system == "windows" else None
    if formulas is False:
        missing.append("the formulas: run 'retention-xl addin install' on this computer with Excel installed "
                       "and 'Trust access to the VBA project object model' ticked (File > Options > Trust "
                       "Center > Trust Center Settings > Macro Settings)")
    if not current:
        missing.append("the current build: run 'retention-xl addin install'")
    return AddinStatus(True, target, current, python, found, formulas, tuple(missing))
