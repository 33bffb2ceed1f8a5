"""A stand-in for Excel's COM object model, for the part an add-in install touches.

xlwings' Windows code (``xlwings/_xlwindows.py``, ``xlwings/udfs.py``; see
``windows_xlwings.py``) drives it exactly as it drives Excel through pywin32:
``Application.Workbooks.Open``, ``Workbook.VBProject.VBComponents`` (``Count``, ``Item``,
call by name, ``Remove``, ``Import``), ``VBComponent.CodeModule`` (``CountOfLines``,
``DeleteLines``, ``AddFromString``), ``Application.MacroOptions``, ``Workbook.Save``,
``Close``, ``Application.Quit``. What it records is what the test checks: the VBA module
xlwings imported (the text of its ``.bas`` file), the MacroOptions calls, the ribbon
module's code, and whether the file was saved.

``Workbook.Save`` writes the add-in back with the imported modules listed in its VBA
project's ``PROJECT`` stream ([MS-OVBA] 2.3.1), as Excel would; the module sources
themselves are not compiled into the file (only Excel can do that).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

import olefile
from windows_xlwings import com_error

NOT_TRUSTED = -2146827284  # "Programmatic access to Visual Basic Project is not trusted"


class CodeModule:
    def __init__(self, text: str):
        self.text = text

    @property
    def CountOfLines(self) -> int:  # noqa: N802 -- Excel's names
        return len(self.text.splitlines())

    def DeleteLines(self, start: int, count: int = 1) -> None:  # noqa: N802
        lines = self.text.splitlines(keepends=True)
        del lines[start - 1:start - 1 + count]
        self.text = "".join(lines)

    def AddFromString(self, text: str) -> None:  # noqa: N802
        self.text += text


class VBComponent:
    def __init__(self, name: str, code: str = ""):
        self.Name = name
        self.CodeModule = CodeModule(code)


class VBComponents:
    def __init__(self, workbook: Workbook, names: list[str]):
        self.workbook = workbook
        self.items = [VBComponent(n) for n in names]
        self.imported: dict[str, str] = {}  # module name -> the .bas text xlwings handed over

    def _check(self) -> None:
        if not self.workbook.app.trusted:
            raise com_error(-2147352567, "Exception occurred.", (0, "Microsoft Excel",
                            "Programmatic access to Visual Basic Project is not trusted", None, 0, NOT_TRUSTED))

    @property
    def Count(self) -> int:  # noqa: N802
        self._check()
        return len(self.items)

    def Item(self, index: int) -> VBComponent:  # noqa: N802
        self._check()
        return self.items[index - 1]

    def __call__(self, name: str) -> VBComponent:
        self._check()
        for item in self.items:
            if item.Name.casefold() == name.casefold():
                return item
        raise com_error(-2147352565, "Subscript out of range")

    def Remove(self, component: VBComponent) -> None:  # noqa: N802
        self._check()
        self.items.remove(component)

    def Import(self, path: str) -> VBComponent:  # noqa: N802
        self._check()
        text = Path(path).read_text()
        name = text.split('Attribute VB_Name = "', 1)[1].split('"', 1)[0]
        self.imported[name] = text
        component = VBComponent(name, text)
        self.items.append(component)
        return component


class VBProject:
    def __init__(self, workbook: Workbook, modules: list[str]):
        self.VBComponents = VBComponents(workbook, modules)


class Workbook:
    def __init__(self, app: Application, path: Path):
        self.app = app
        self.path = path
        self.Name = path.name
        self.Path = str(path.parent)
        self.FullName = str(path)
        self.FileFormat = 55  # xlOpenXMLAddIn
        self.Application = app
        with zipfile.ZipFile(path) as package:
            self.parts = {info.filename: package.read(info) for info in package.infolist()}
        self.modules = _project_modules(self.parts["xl/vbaProject.bin"])
        self.VBProject = VBProject(self, self.modules)
        self.VBProject.VBComponents.items[[m.casefold() for m in self.modules].index("ribbonmyaddin")].CodeModule = \
            CodeModule(_RIBBON_CODE)
        self.saved = 0
        self.closed = False
        self.Worksheets = [type("Worksheet", (), {"Name": "myaddin.conf"})()]

    def Save(self) -> None:  # noqa: N802
        names = [c.Name for c in self.VBProject.VBComponents.items]
        added = [n for n in names if n not in self.modules]
        parts = dict(self.parts)
        parts["xl/vbaProject.bin"] = _with_modules(parts["xl/vbaProject.bin"], added)
        with zipfile.ZipFile(self.path, "w") as package:
            for name, data in parts.items():
                package.writestr(name, data)
        self.saved += 1

    def Close(self, SaveChanges: bool = False) -> None:  # noqa: N803
        self.closed = True


class Workbooks:
    def __init__(self, app: Application):
        self.app = app
        self.open: list[Workbook] = []

    def __call__(self, name):
        for book in self.open:
            if book.Name.casefold() == str(name).casefold():
                return book
        raise com_error(-2147352565, "Subscript out of range")

    def Open(self, fullname, *args):  # noqa: N802 -- positional, as pywin32 passes them
        book = Workbook(self.app, Path(fullname))
        self.open.append(book)
        return book

    @property
    def Count(self) -> int:  # noqa: N802
        return len(self.open)


class Application:
    """Excel.Application: ``trusted`` is the Trust Center's 'Trust access to the VBA project object model'."""

    def __init__(self, trusted: bool = True, version: str = "16.0"):
        self.trusted = trusted
        self.Version = version
        self.DisplayAlerts = True
        self.Hwnd = 4242
        self.Workbooks = Workbooks(self)
        self.macro_options: list[tuple[str, dict]] = []
        self.quit = False

    def MacroOptions(self, macro: str, **options) -> None:  # noqa: N802
        self.macro_options.append((macro, options))

    def Run(self, macro: str, *args):  # noqa: N802
        raise com_error(-2147352567, f"Cannot run the macro '{macro}'")

    def Quit(self) -> None:  # noqa: N802
        self.quit = True


_RIBBON_CODE = """\
Sub RunMain(control As IRibbonControl)
    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))
    RunPython "import " & mymodule & ";" & mymodule & ".main()"
End Sub
"""


def _project_text(project: bytes) -> str:
    with olefile.OleFileIO(io.BytesIO(project)) as ole:
        return ole.openstream("PROJECT").read().decode("latin-1")


def _project_modules(project: bytes) -> list[str]:
    out = []
    for line in _project_text(project).splitlines():
        kind, _, name = line.partition("=")
        if kind in ("Module", "Class", "BaseClass", "Document"):
            out.append(name.split("/")[0])
    return out


def _with_modules(project: bytes, modules: list[str]) -> bytes:
    """The VBA project with ``Module=<name>`` lines added to its PROJECT stream.

    olefile rewrites a stream only at its own size, so optional parts make room: the
    HelpContextID line (MS-OVBA 2.3.1.9) and the [Workspace] window positions (2.3.1.19).
    """
    if not modules:
        return project
    text = _project_text(project)
    size = len(text.encode("latin-1"))
    head, _, workspace = text.partition("[Workspace]")
    anchor = head.index("Name=")
    head = head[:anchor] + "".join(f"Module={m}\r\n" for m in modules) + head[anchor:]
    head = "".join(line for line in head.splitlines(keepends=True) if not line.startswith("HelpContextID="))
    lines = [line.split("=")[0] + "=0, 0, 0, 0, C" if "=" in line else line
             for line in workspace.split("\r\n")]
    text = head + "[Workspace]" + "\r\n".join(lines)
    data = text.encode("latin-1")
    if len(data) > size:
        raise ValueError("no room in the PROJECT stream for the added modules")
    data = data.rstrip(b"\r\n") + b"\r\n" * ((size - len(data.rstrip(b"\r\n"))) // 2)
    data += b" " * (size - len(data))
    handle, name = tempfile.mkstemp(suffix=".bin")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(project)
        with olefile.OleFileIO(name, write_mode=True) as ole:
            ole.write_stream("PROJECT", data)
        return Path(name).read_bytes()
    finally:
        os.unlink(name)
