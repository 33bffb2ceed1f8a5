"""Put the built add-in where Excel loads it at start-up, take it out again, say where it is.

Excel loads every add-in in its start-up folder: ``%APPDATA%\\Microsoft\\Excel\\XLSTART`` on
Windows and the sandboxed Office folder on macOS (the folders ``xlwings addin install``
uses). On other systems there is no Excel to load it, and the error says what to do.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from retention_xl.errors import DataError
from retention_xl.atomic_write import write_atomically
from retention_xl.excel.addin import ADDIN_FILENAME, addin_bytes, template_path

__all__ = ["AddinStatus", "addin_folder", "install_addin", "uninstall_addin", "addin_status"]

_MAC_STARTUP = ("Library", "Group Containers", "UBF8T346G9.Office")
_MAC_SCRIPTS = ("Library", "Application Scripts", "com.microsoft.Excel")

_UNSUPPORTED = (
    "Excel add-ins (.xlam) run only in Excel for Windows or macOS, and this computer is "
    "{platform}: build the add-in with 'retention-xl addin build' and copy "
    f"{ADDIN_FILENAME} to the Excel computer's XLSTART folder by hand. (xlwings Lite is "
    "a different, browser-based add-in for Excel 365 and the web that runs its own "
    "Python in Excel; it cannot load this .xlam.)"
)



@dataclass(frozen=True)
class AddinStatus:
    """Whether the add-in is in Excel's startup folder, and whether it is the current build.

    ``current`` is ``None`` when the add-in is not installed.
    """

    installed: bool
    path: Path
    current: bool | None = None

    def __str__(self) -> str:
        if not self.installed:
            return f"not installed; 'retention-xl addin install' puts it at {self.path}"
        state = "up to date" if self.current else "older build: run 'retention-xl addin install'"
        return f"installed at {self.path} ({state})"


def _platform(platform: str | None) -> str:
    name = platform or sys.platform
    if name in ("windows", "win32"):
        return "windows"
    if name in ("macos", "darwin"):
        return "macos"
    raise DataError(_UNSUPPORTED.format(platform=name))


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
            raise DataError("APPDATA is not set, so Excel's XLSTART folder cannot be found")
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
) -> Path:
    """Copy the add-in into Excel's startup folder (replacing an older copy); quit Excel first.

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

    Returns
    -------
    Path
        The installed add-in.
    """
    system = _platform(platform)
    if addin is None:
        data = addin_bytes()
    else:
        addin = Path(addin)
        if not zipfile.is_zipfile(addin):
            raise DataError(
                f"{addin} is not an Excel add-in: build one with 'retention-xl addin build'"
            )
        data = addin.read_bytes()
    target_folder = addin_folder(system, home=home) if folder is None else Path(folder)
    target_folder.mkdir(parents=True, exist_ok=True)
    target = target_folder / ADDIN_FILENAME
    write_atomically(target, lambda f: f.write(data), force=True)
    if system == "macos":
        _install_runpython_script(Path.home() if home is None else Path(home))
    return target


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
    """Whether the add-in is installed, where, and whether it matches a fresh build.

    Examples
    --------
    >>> addin_status(folder=Path("C:/XLSTART"), platform="windows")  # doctest: +SKIP
    AddinStatus(installed=False, path=WindowsPath('C:/XLSTART/retention_xl.xlam'), current=None)
    """
    target = _installed_path(folder, platform, home)
    if not target.is_file():
        return AddinStatus(installed=False, path=target)
    return AddinStatus(installed=True, path=target, current=target.read_bytes() == addin_bytes())
