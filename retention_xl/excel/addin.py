"""The *Retention* ribbon add-in: build ``retention_xl.xlam`` and put it where Excel loads it.

The add-in is xlwings' ribbon add-in template (``quickstart_addin_ribbon.xlam``, shipped
inside the installed xlwings package) with a few XML parts edited and nothing else
touched -- in particular the VBA project stays byte for byte as xlwings ships it:

- ``customUI/customUI.xml``: a *Retention* tab with one **Build report** button whose
  ``onAction`` is the template's own ``RibbonMyAddin.RunMain`` callback. That callback
  runs ``import <name>; <name>.main()`` where ``<name>`` is the add-in's file name without
  its extension, read at run time (``ThisWorkbook.Name``). Naming the file
  ``retention_xl.xlam`` is therefore what makes the button call ``retention_xl.main()``.
- the config sheet: the template ships it switched off as ``_myaddin.conf``; xlwings reads
  the sheet named ``PROJECT_NAME & ".conf"`` and ``PROJECT_NAME`` is ``"myaddin"`` inside
  the VBA project, so the sheet becomes ``myaddin.conf``. xlwings' ``GetConfig`` looks a
  key up in the workbook's own ``myaddin.conf`` sheet, then in this sheet, then in a
  ``myaddin.conf`` file beside the workbook, then in ``~/.myaddin/myaddin.conf``: a row
  here hides the user's files. So the sheet holds only what the add-in needs
  (:data:`BUILD_SETTINGS`: ``UDF Modules`` = ``retention_xl.udfs`` and
  ``ADD_WORKBOOK_TO_PYTHONPATH`` = ``False``) and no FALSE flags that merely repeat
  xlwings' defaults; ``addin install`` adds the interpreter (:func:`configure_addin`).
  Its rows are rewritten (and ``xl/sharedStrings.xml`` with them) to start at A1 with no
  gaps, as xlwings reads keys from A1 down to the first blank.
- ``xl/workbook.xml``: the sheet rename; ``docProps/core.xml``: the add-in's title, and
  in its keywords the build (:func:`build_stamp`): the VBA project belongs to the
  xlwings version that built it.

Why ``ADD_WORKBOOK_TO_PYTHONPATH`` is off: by default xlwings puts the folder of the
workbook (and of the add-in) on ``sys.path`` before running Python; for a workbook saved
on OneDrive or SharePoint that folder is a URL xlwings must translate first, and xlwings'
documentation advises switching it off when the code does not live beside the workbook.
retention-xl is an installed package, so nothing is needed from the workbook's folder.

The zip is written with fixed timestamps and a fixed entry order, so building twice gives
byte-identical files, and through a temporary file renamed into place.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeET

from retention_xl.atomic_write import write_atomically
from retention_xl.errors import DataError, EnvironmentProblem

__all__ = [
    "ADDIN_FILENAME",
    "RUN_MAIN_CALLBACK",
    "CONFIG_SHEET",
    "UDF_MODULES",
    "BUILD_SETTINGS",
    "INTERPRETER_KEYS",
    "AddinContents",
    "template_path",
    "build_stamp",
    "addin_bytes",
    "configure_addin",
    "read_addin",
    "build_addin",
]

ADDIN_NAME = "retention_xl"  # the Python package the button imports
ADDIN_FILENAME = f"{ADDIN_NAME}.xlam"
RUN_MAIN_CALLBACK = "RibbonMyAddin.RunMain"  # Sub RunMain(control As IRibbonControl)
TEMPLATE_CONFIG_SHEET = "_myaddin.conf"  # leading underscore: switched off
CONFIG_SHEET = "myaddin.conf"  # PROJECT_NAME ("myaddin", fixed in the VBA) & ".conf"
UDF_MODULES = "retention_xl.udfs"
#: the rows every build's config sheet holds (keys as xlwings' documentation spells them;
#: xlwings upper-cases them when it reads the sheet)
BUILD_SETTINGS = {"UDF Modules": UDF_MODULES, "ADD_WORKBOOK_TO_PYTHONPATH": "False"}
#: the interpreter key xlwings' RunPython and UDF server read, by system
INTERPRETER_KEYS = {"windows": "Interpreter_Win", "macos": "Interpreter_Mac"}
FORMULAS_MODULE = "xlwings_udfs"  # the VBA module xlwings' Import Functions writes

_TEMPLATE = "quickstart_addin_ribbon.xlam"
_CUSTOM_UI = "customUI/customUI.xml"
_WORKBOOK = "xl/workbook.xml"
_SHARED_STRINGS = "xl/sharedStrings.xml"
_CORE = "docProps/core.xml"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CUI = "{http://schemas.microsoft.com/office/2006/01/customui}"
_SML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_VBA_PROJECT = "xl/vbaProject.bin"



# --------------------------------------------------------------------------- building


def template_path() -> Path:
    """Path of xlwings' ribbon add-in template inside the installed xlwings package."""
    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise EnvironmentProblem("xlwings is not installed: run 'pip install xlwings' and try again")
    path = Path(next(iter(spec.submodule_search_locations))) / _TEMPLATE
    if not path.is_file():
        raise EnvironmentProblem(f"xlwings has no ribbon add-in template at {path}: reinstall xlwings")
    return path


def build_stamp() -> str:
    """What built an add-in, kept in its document keywords: retention-xl's and xlwings' versions.

    >>> build_stamp().startswith("retention-xl ")
    True
    """
    import retention_xl

    return f"retention-xl {retention_xl.__version__}; xlwings {importlib.metadata.version('xlwings')}"


def addin_bytes(settings: Mapping[str, str] | None = None) -> bytes:
    """The finished ``retention_xl.xlam`` as bytes; the same bytes on every call.

    Parameters
    ----------
    settings
        Extra config rows, e.g. ``{"Interpreter_Win": "C:/Python311/python.exe"}``; the
        rows of :data:`BUILD_SETTINGS` are always there.

    Examples
    --------
    >>> data = addin_bytes()
    >>> data[:2], data == addin_bytes()
    (b'PK', True)
    """
    with zipfile.ZipFile(template_path()) as template:
        parts = {info.filename: template.read(info) for info in template.infolist()}
    parts[_CUSTOM_UI] = _ribbon_xml(parts[_CUSTOM_UI])
    sheet = _config_sheet_part(parts)
    rows = {**BUILD_SETTINGS, **(settings or {})}
    parts[sheet], parts[_SHARED_STRINGS] = _config_xml(parts[sheet], parts[_SHARED_STRINGS], rows,
                                                       keep_template=False)
    parts[_WORKBOOK] = _workbook_xml(parts[_WORKBOOK])
    parts[_CORE] = _core_xml(parts[_CORE])
    return _zip_bytes(parts)


def configure_addin(data: bytes, settings: Mapping[str, str | None]) -> bytes:
    """An add-in package with config rows set (a value) or removed (``None``); others kept.

    Works on any build of the add-in, including one that Excel saved after functions were
    imported into it; keys are matched without regard to case, as xlwings reads them.
    """
    parts = _parts(data)
    sheet = _config_sheet_part(parts)
    parts[sheet], parts[_SHARED_STRINGS] = _config_xml(parts[sheet], parts.get(_SHARED_STRINGS), settings,
                                                       keep_template=True)
    return _zip_bytes(parts)


@dataclass(frozen=True)
class AddinContents:
    """What an add-in file holds that matters for running it.

    Attributes
    ----------
    settings : dict
        The config sheet's rows, keys as written (xlwings compares them upper-cased).
    modules : tuple of str
        The VBA project's modules; ``xlwings_udfs`` is there once functions were imported.
    stamp : str
        :func:`build_stamp` of the build it came from ("" for a file from elsewhere).
    ribbon : bytes
        ``customUI/customUI.xml``.
    """

    settings: dict[str, str | bool]
    modules: tuple[str, ...]
    stamp: str
    ribbon: bytes

    @property
    def has_formulas(self) -> bool:
        return FORMULAS_MODULE.casefold() in {m.casefold() for m in self.modules}

    def setting(self, key: str) -> str | bool | None:
        return next((v for k, v in self.settings.items() if k.upper() == key.upper()), None)


def read_addin(data: bytes) -> AddinContents:
    """Read an add-in package: its config rows, VBA modules, build stamp and ribbon.

    Raises
    ------
    DataError
        The bytes are not an add-in made from xlwings' ribbon template.
    """
    parts = _parts(data)
    sheet = _config_sheet_part(parts)
    root, _ = _parse(parts[sheet])
    strings = _shared_strings(parts.get(_SHARED_STRINGS))
    settings = dict(_config_rows(root, strings))
    core, _ = _parse(parts[_CORE]) if _CORE in parts else (None, None)
    stamp = (core.findtext(f"{_CP}keywords") or "") if core is not None else ""
    return AddinContents(settings, _vba_modules(parts.get(_VBA_PROJECT)), stamp, parts.get(_CUSTOM_UI, b""))


def _parts(data: bytes) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return {info.filename: package.read(info) for info in package.infolist()}
    except zipfile.BadZipFile as error:
        raise DataError(f"not an Excel add-in ({error})") from None


def _vba_modules(project: bytes | None) -> tuple[str, ...]:
    """Module names from the VBA project's ``PROJECT`` stream ([MS-OVBA] 2.3.1: ``Module=name``)."""
    if not project:
        return ()
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(project)) as ole:
            text = ole.openstream("PROJECT").read().decode("latin-1")
    except (OSError, ValueError) as error:
        raise DataError(f"the add-in's VBA project cannot be read ({error})") from None
    modules = []
    for line in text.splitlines():
        kind, _, name = line.partition("=")
        if kind in ("Module", "Class", "BaseClass", "Document"):
            modules.append(name.split("/")[0].strip())
    return tuple(modules)


def build_addin(path: Path, *, force: bool = False) -> Path:
    """Write ``retention_xl.xlam`` into a folder (or to ``.../retention_xl.xlam``).

    Parameters
    ----------
    path
        An existing folder, or a file path whose name is exactly ``retention_xl.xlam``:
        the file name is the Python package the **Build report** button imports.
    force
        Replace an existing file. Without it an existing file is left alone.

    Returns
    -------
    Path
        The written add-in.

    Examples
    --------
    >>> build_addin(Path("dist"))              # doctest: +SKIP
    PosixPath('dist/retention_xl.xlam')
    """
    path = Path(path)
    target = path if path.suffix.lower() == ".xlam" else path / ADDIN_FILENAME
    if target.name != ADDIN_FILENAME:
        raise DataError(
            f"the add-in must be called {ADDIN_FILENAME}, not {target.name}: its file name "
            f"is the Python package its button runs; pass a folder or .../{ADDIN_FILENAME}"
        )
    if not target.parent.is_dir():
        raise DataError(f"folder {target.parent} does not exist: create it or pick another")
    write_atomically(target, lambda f: f.write(addin_bytes()), force=force)
    return target


def _parse(data: bytes) -> tuple[ET.Element, list[tuple[str, str]]]:
    """Parse untrusted package XML safely; also return its namespace declarations."""
    declared: list[tuple[str, str]] = []
    events = SafeET.iterparse(io.BytesIO(data), events=("start-ns",))
    for _event, (prefix, uri) in events:
        if (prefix, uri) not in declared:
            declared.append((prefix, uri))
    return events.root, declared


def _serialise(root: ET.Element, declared: list[tuple[str, str]]) -> bytes:
    """Write XML keeping the original prefixes, including ones only named in attributes.

    ``mc:Ignorable="x14ac"`` and ``xsi:type="dcterms:W3CDTF"`` name prefixes inside
    attribute values, so prefixes must survive unchanged and a declaration that no
    element uses must still be written. Prefixes are kept by registering them with
    ``xml.etree`` (a process-wide table; the OOXML prefixes registered are the usual ones).
    """
    used = {root.tag}
    for element in root.iter():
        used.add(element.tag)
        used.update(element.attrib)
    used_uris = {name[1:].split("}")[0] for name in used if name.startswith("{")}
    for prefix, uri in declared:
        if not prefix:  # ElementTree's default_namespace rejects plain attributes: unqualify
            for element in root.iter():
                element.tag = element.tag.removeprefix(f"{{{uri}}}")
            root.set("xmlns", uri)
        elif uri in used_uris:
            ET.register_namespace(prefix, uri)
        else:
            root.set(f"xmlns:{prefix}", uri)
    return _XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8")


def _ribbon_xml(data: bytes) -> bytes:
    """The template's tab, group and button renamed; the callback stays the template's."""
    root, declared = _parse(data)
    tabs = root.findall(f"./{_CUI}ribbon/{_CUI}tabs/{_CUI}tab")
    buttons = [b for b in root.iter(f"{_CUI}button") if b.get("onAction") == RUN_MAIN_CALLBACK]
    if len(tabs) != 1 or len(buttons) != 1:
        raise DataError(
            f"xlwings' ribbon template changed (no single tab with a {RUN_MAIN_CALLBACK} "
            "button): pin the xlwings version this add-in was made for"
        )
    tab, button = tabs[0], buttons[0]
    group = next(g for g in tab.iter(f"{_CUI}group") if button in list(g))
    tab.attrib.update(id="retentionXlTab", label="Retention")
    group.attrib.update(id="retentionXlReportGroup", label="Report")
    button.attrib.clear()
    button.attrib.update(
        id="retentionXlBuildReport",
        label="Build report",
        size="large",
        imageMso="PivotTableInsert",
        screentip="Build report",
        supertip=(
            "Turns the order table on the active sheet into Summary, Cohorts, Segments "
            "and Data issues sheets. Your own sheets are never changed."
        ),
        onAction=RUN_MAIN_CALLBACK,
    )
    return _serialise(root, declared)


def _config_sheet_part(parts: Mapping[str, bytes]) -> str:
    """Package path of the config worksheet (``_myaddin.conf`` in the template)."""
    if _WORKBOOK not in parts or "xl/_rels/workbook.xml.rels" not in parts:
        raise DataError(f"no {CONFIG_SHEET} sheet: not an add-in made from xlwings' ribbon template")
    workbook, _ = _parse(parts[_WORKBOOK])
    rels, _ = _parse(parts["xl/_rels/workbook.xml.rels"])
    for sheet in workbook.iter(f"{_SML}sheet"):
        if sheet.get("name") in (TEMPLATE_CONFIG_SHEET, CONFIG_SHEET):
            rel_id = sheet.get(f"{_REL}id")
            for rel in rels:
                if rel.get("Id") == rel_id:
                    return "xl/" + rel.get("Target", "").lstrip("/").removeprefix("xl/")
    raise DataError(f"no {CONFIG_SHEET} sheet: not an add-in made from xlwings' ribbon template")


def _shared_strings(data: bytes | None) -> list[str]:
    if data is None:
        return []
    sst, _ = _parse(data)
    return ["".join(si.itertext()) for si in sst.findall(f"{_SML}si")]


def _config_rows(sheet: ET.Element, strings: list[str]) -> list[tuple[str, str | bool]]:
    """The sheet's key/value rows as xlwings reads them: from A1 down to the first blank key."""
    rows: list[tuple[str, str | bool]] = []
    for row in sheet.iter(f"{_SML}row"):
        cells = {c.get("r", "").rstrip("0123456789"): c for c in row.findall(f"{_SML}c")}
        key = _cell_value(cells.get("A"), strings)
        if not isinstance(key, str) or not key:
            break
        value = _cell_value(cells.get("B"), strings)
        rows.append((key, "" if value is None else value))
    return rows


def _config_xml(sheet_data: bytes, strings_data: bytes | None, settings: Mapping[str, str | None],
                *, keep_template: bool) -> tuple[bytes, bytes]:
    """Rewrite the config sheet as contiguous key/value rows from A1 with no blank values.

    ``settings`` replace rows with the same key (compared upper-cased, as xlwings does) or,
    given as ``None``, remove them; new keys are added at the end. Rows already there are
    kept when ``keep_template`` (an installed add-in: the user's own settings), otherwise
    only those whose value is not a blank or FALSE, which would repeat xlwings' default
    while hiding the user's own config files. xlwings reads keys from A1 down to the first
    blank cell and takes column B as the value, so the rows start at A1 without gaps.
    """
    sheet, sheet_ns = _parse(sheet_data)
    if strings_data is None:
        strings_data = (f'<sst xmlns="{_SML[1:-1]}" count="0" uniqueCount="0"/>').encode()
    sst, sst_ns = _parse(strings_data)
    wanted = {key.upper(): (key, value) for key, value in settings.items()}
    rows: list[tuple[str, str | bool]] = []
    for key, value in _config_rows(sheet, _shared_strings(strings_data)):
        if key.upper() in wanted:
            continue
        if keep_template or (value not in ("", False) and str(value).upper() != "FALSE"):
            rows.append((key, value))
    rows += [(key, value) for key, value in wanted.values() if value is not None]

    sheet_rows = sheet.find(f"{_SML}sheetData")
    sheet_rows.clear()
    table: list[str] = []
    for number, (key, value) in enumerate(rows, start=1):
        row = ET.SubElement(sheet_rows, f"{_SML}row", r=str(number), spans="1:2")
        for column, item in (("A", key), ("B", value)):
            cell = ET.SubElement(row, f"{_SML}c", r=f"{column}{number}", s="1")
            if isinstance(item, bool):
                cell.set("t", "b")
                ET.SubElement(cell, f"{_SML}v").text = str(int(item))
            else:
                cell.set("t", "s")
                if item not in table:
                    table.append(item)
                ET.SubElement(cell, f"{_SML}v").text = str(table.index(item))
    dimension = sheet.find(f"{_SML}dimension")
    if dimension is not None:
        dimension.set("ref", f"A1:B{max(len(rows), 1)}")

    for si in list(sst):
        sst.remove(si)
    for text in table:
        ET.SubElement(ET.SubElement(sst, f"{_SML}si"), f"{_SML}t").text = text
    sst.set("count", str(sum(isinstance(item, str) for row in rows for item in row)))
    sst.set("uniqueCount", str(len(table)))
    return _serialise(sheet, sheet_ns), _serialise(sst, sst_ns)


def _cell_value(cell: ET.Element | None, strings: list[str]) -> str | bool | None:
    """A cell's value: shared or inline text, a boolean, or ``None`` when blank."""
    if cell is None:
        return None
    kind, value = cell.get("t"), cell.findtext(f"{_SML}v")
    if kind == "inlineStr":
        inline = cell.find(f"{_SML}is")
        return None if inline is None else "".join(inline.itertext())
    if value is None:
        return None
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return value.strip() == "1"
    return value


def _workbook_xml(data: bytes) -> bytes:
    """Switch the config sheet on: ``_myaddin.conf`` becomes ``myaddin.conf``."""
    root, declared = _parse(data)
    for sheet in root.iter(f"{_SML}sheet"):
        if sheet.get("name") == TEMPLATE_CONFIG_SHEET:
            sheet.set("name", CONFIG_SHEET)
    return _serialise(root, declared)


def _core_xml(data: bytes) -> bytes:
    """Title and description Excel shows in its add-ins list."""
    root, declared = _parse(data)
    for tag, text in (
        (f"{_DC}title", "Retention"),
        (f"{_DC}description", "retention-xl: cohort, churn and segment report on the Retention tab"),
        (f"{_CP}keywords", build_stamp()),
    ):
        element = root.find(tag)
        if element is None:
            element = ET.SubElement(root, tag)
        element.text = text
    return _serialise(root, declared)


def _zip_bytes(parts: Mapping[str, bytes]) -> bytes:
    """A zip with fixed timestamps, attributes and order: ``[Content_Types].xml`` first."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            package.writestr(info, parts[name], compresslevel=9)
    return buffer.getvalue()
