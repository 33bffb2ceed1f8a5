"""The ribbon add-in, checked as a zip/XML package, plus install/uninstall/status.

Excel itself is not available here; what only Excel can show is listed in
docs/manual-checks.md ("Ribbon add-in").
"""

from __future__ import annotations

import importlib.metadata
import io
import re
import sys
import zipfile
from pathlib import Path

import defusedxml.ElementTree as SafeET
import openpyxl
import pytest

from retention_xl.errors import DataError, EnvironmentProblem, OutputExists
from retention_xl.excel.addin import (
    ADDIN_FILENAME,
    BUILD_SETTINGS,
    CONFIG_SHEET,
    INTERPRETER_KEYS,
    RUN_MAIN_CALLBACK,
    UDF_MODULES,
    addin_bytes,
    build_addin,
    build_stamp,
    read_addin,
    template_path,
)
from retention_xl.excel.addin_install import (
    AddinStatus,
    addin_folder,
    addin_status,
    install_addin,
    uninstall_addin,
)

CUI = "{http://schemas.microsoft.com/office/2006/01/customui}"
SML = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MC_IGNORABLE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable"
EDITED = {
    "customUI/customUI.xml",
    "xl/workbook.xml",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "docProps/core.xml",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_addin(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def package(built) -> zipfile.ZipFile:
    return zipfile.ZipFile(built)


@pytest.fixture(scope="module")
def vba_modules(built) -> dict[str, str]:
    olevba = pytest.importorskip("oletools.olevba")
    parser = olevba.VBA_Parser(str(built))
    try:
        return {
            Path(name).stem: code
            for _file, _stream, name, code in parser.extract_macros()
        }
    finally:
        parser.close()


def ribbon(package: zipfile.ZipFile):
    return SafeET.fromstring(package.read("customUI/customUI.xml"))


# ------------------------------------------------------------------------- package


def test_build_writes_a_valid_zip_with_the_templates_parts(built, package):
    assert built.name == ADDIN_FILENAME
    assert package.testzip() is None
    with zipfile.ZipFile(template_path()) as template:
        assert sorted(package.namelist()) == sorted(template.namelist())
    assert package.namelist()[0] == "[Content_Types].xml"


def test_two_builds_are_byte_identical(built, tmp_path):
    again = build_addin(tmp_path)
    assert again.read_bytes() == built.read_bytes()
    assert {info.date_time for info in zipfile.ZipFile(again).infolist()} == {
        (1980, 1, 1, 0, 0, 0)
    }


def test_only_xml_parts_change_and_the_vba_project_is_the_templates(package):
    with zipfile.ZipFile(template_path()) as template:
        changed = {n for n in template.namelist() if template.read(n) != package.read(n)}
    assert changed == EDITED
    assert "xl/vbaProject.bin" not in changed


def test_every_xml_part_is_well_formed_and_declares_its_ignorable_prefixes(package):
    for name in package.namelist():
        if not name.endswith((".xml", ".rels")):
            continue
        data = package.read(name)
        declared = {
            prefix
            for _event, (prefix, _uri) in SafeET.iterparse(io.BytesIO(data), events=("start-ns",))
        }
        root = SafeET.fromstring(data)
        ignorable = set(root.get(MC_IGNORABLE, "").split())
        assert ignorable <= declared, (name, ignorable - declared)


# -------------------------------------------------------------------------- ribbon


def test_ribbon_has_a_retention_tab_with_a_build_report_button(package):
    root = ribbon(package)
    tabs = root.findall(f"./{CUI}ribbon/{CUI}tabs/{CUI}tab")
    assert [tab.get("label") for tab in tabs] == ["Retention"]
    buttons = list(tabs[0].iter(f"{CUI}button"))
    assert [b.get("label") for b in buttons] == ["Build report"]
    assert buttons[0].get("onAction") == RUN_MAIN_CALLBACK
    assert buttons[0].get("imageMso") == "PivotTableInsert"
    assert buttons[0].get("size") == "large"


def test_ribbon_ids_are_unique_and_not_the_templates(package):
    ids = [element.get("id") for element in ribbon(package).iter() if element.get("id")]
    assert len(ids) == len(set(ids)) == 3
    assert not {"myaddinTab", "myGroup", "myButton"} & set(ids)


def test_every_on_action_is_a_ribbon_callback_sub_in_the_vba_project(package, vba_modules):
    actions = {e.get("onAction") for e in ribbon(package).iter() if e.get("onAction")}
    assert actions
    for action in actions:
        module, procedure = action.split(".")
        signature = (
            rf"^\s*(Public\s+)?Sub\s+{procedure}\s*\("
            r"\s*(ByVal\s+|ByRef\s+)?\w+\s+As\s+IRibbonControl\s*\)"
        )
        assert re.search(signature, vba_modules[module], re.IGNORECASE | re.MULTILINE)


def test_run_main_imports_the_module_named_after_the_add_in_file(vba_modules, built):
    code = vba_modules["RibbonMyAddin"]
    # the module name is the workbook's file name up to its last dot, read at run time
    assert re.search(r"mymodule = Left\(ThisWorkbook\.Name, \(InStrRev\(ThisWorkbook\.Name, ", code)
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in code
    module = built.name[: built.name.rindex(".")]
    assert f"import {module};{module}.main()" == "import retention_xl;retention_xl.main()"


# -------------------------------------------------------------------------- config


def test_config_sheet_is_named_after_the_vba_project_name(package, vba_modules):
    project = re.search(r'PROJECT_NAME As String = "(\w+)"', vba_modules["xlwings"]).group(1)
    assert CONFIG_SHEET == f"{project}.conf"
    workbook = SafeET.fromstring(package.read("xl/workbook.xml"))
    assert [s.get("name") for s in workbook.iter(f"{SML}sheet")] == [CONFIG_SHEET]


def as_xlsm(package: zipfile.ZipFile) -> openpyxl.Workbook:
    """openpyxl refuses add-ins; the same parts with a workbook content type load fine."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as copy:
        for name in package.namelist():
            data = package.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"ms-excel.addin.macroEnabled", b"ms-excel.sheet.macroEnabled")
            copy.writestr(name, data)
    return openpyxl.load_workbook(buffer)


def test_config_holds_only_what_the_add_in_needs(package):
    """No FALSE flags: a row here hides the user's own myaddin.conf files from xlwings."""
    sheet = as_xlsm(package)[CONFIG_SHEET]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    assert rows == [("UDF Modules", UDF_MODULES), ("ADD_WORKBOOK_TO_PYTHONPATH", "False")]
    assert sheet.dimensions == "A1:B2"


def test_shared_string_counts_match_the_cells(package):
    sst = SafeET.fromstring(package.read("xl/sharedStrings.xml"))
    sheet = SafeET.fromstring(package.read("xl/worksheets/sheet1.xml"))
    string_cells = [c for c in sheet.iter(f"{SML}c") if c.get("t") == "s"]
    assert int(sst.get("count")) == len(string_cells) == 4
    assert int(sst.get("uniqueCount")) == len(sst.findall(f"{SML}si")) == 4


def test_every_config_key_is_one_the_add_ins_vba_reads(package, vba_modules):
    """xlwings' GetConfig upper-cases the sheet's keys and looks them up by these literals."""
    code = "\n".join(vba_modules.values())
    looked_up = set(re.findall(r'GetConfig\("([^"]+)"', code))
    assert "d.Add UCase(cell.Value), cell.Offset(0, 1).Value" in vba_modules["xlwings"]
    written = {*BUILD_SETTINGS, *INTERPRETER_KEYS.values()}
    assert {key.upper() for key in written} <= looked_up
    assert {"INTERPRETER_WIN", "INTERPRETER_MAC", "ADD_WORKBOOK_TO_PYTHONPATH", "UDF MODULES"} <= looked_up
    # the workbook's own myaddin.conf sheet is read before the add-in's, so a user can override
    lookup = vba_modules["xlwings"].split("Function GetConfig(", 1)[1]
    assert lookup.index("GetConfigFromSheet(ActiveWorkbook)") < lookup.index("GetConfigFromSheet(ThisWorkbook)")


def test_the_workbook_folder_stays_off_the_python_path(vba_modules):
    """RunPython passes the setting as the first field to xlwings' prepare_sys_path (run here)."""
    import sys

    from xlwings.utils import prepare_sys_path

    assert 'AddExcelDir = GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")' in vba_modules["xlwings"]
    assert 'PYTHONPATH = AddExcelDir & ";" & ActiveFullName' in vba_modules["xlwings"]
    before = list(sys.path)
    try:
        fields = "{};C:/Users/sara/OneDrive/orders.xlsx;C:/XLSTART/retention_xl.xlam;;;;"
        prepare_sys_path(fields.format(BUILD_SETTINGS["ADD_WORKBOOK_TO_PYTHONPATH"]))
        assert not [p for p in sys.path if "OneDrive" in p or "XLSTART" in p]
        prepare_sys_path(fields.format("true"))  # xlwings' default: both folders
        assert [p for p in sys.path if "OneDrive" in p] and [p for p in sys.path if "XLSTART" in p]
    finally:
        sys.path[:] = before


def test_add_in_title_names_the_product(package):
    core = SafeET.fromstring(package.read("docProps/core.xml"))
    assert core.findtext("{http://purl.org/dc/elements/1.1/}title") == "Retention"


# ------------------------------------------------------------------- writing safely


def test_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / ADDIN_FILENAME
    target.write_bytes(b"my own file")
    with pytest.raises(OutputExists, match="already exists"):
        build_addin(tmp_path)
    assert target.read_bytes() == b"my own file"
    assert build_addin(target, force=True) == target
    assert target.read_bytes() == addin_bytes()
    assert [p.name for p in tmp_path.iterdir()] == [ADDIN_FILENAME]  # no temporary left


def test_refuses_a_file_name_the_button_could_not_import(tmp_path):
    with pytest.raises(DataError, match="must be called retention_xl.xlam, not report.xlam"):
        build_addin(tmp_path / "report.xlam")
    with pytest.raises(DataError, match="does not exist"):
        build_addin(tmp_path / "missing")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- installing

PYTHON = sys.executable


@pytest.mark.parametrize("platform", ["windows", "macos"])
def test_install_status_uninstall_round_trip(tmp_path, platform):
    folder, home = tmp_path / "startup", tmp_path / "home"
    before = addin_status(folder=folder, platform=platform, home=home)
    assert before == AddinStatus(installed=False, path=folder / ADDIN_FILENAME)

    installed = install_addin(folder=folder, platform=platform, home=home, interpreter=PYTHON)
    assert installed.path == folder / ADDIN_FILENAME
    assert installed.path.read_bytes() == addin_bytes({INTERPRETER_KEYS[platform]: PYTHON})
    status = addin_status(folder=folder, platform=platform, home=home)
    assert status.installed and status.current and status.interpreter == PYTHON and status.interpreter_found
    assert str(status).startswith(f"installed at {installed.path} (up to date)\nPython: {PYTHON}")

    assert uninstall_addin(folder=folder, platform=platform, home=home) == installed.path
    assert not installed.path.exists()
    assert not addin_status(folder=folder, platform=platform, home=home).installed
    with pytest.raises(DataError, match="not installed"):
        uninstall_addin(folder=folder, platform=platform, home=home)


def test_install_writes_the_running_python_under_the_systems_key(tmp_path):
    """Build report then starts this Python, not whatever 'python' is on the PATH."""
    for platform, key in (("windows", "Interpreter_Win"), ("macos", "Interpreter_Mac")):
        installed = install_addin(folder=tmp_path / platform, platform=platform, home=tmp_path)
        settings = read_addin(installed.path.read_bytes()).settings
        assert settings == {**BUILD_SETTINGS, key: sys.executable}
        assert installed.interpreter == sys.executable
        assert f"Python for Build report and the formulas: {sys.executable}" in installed.lines()


def test_install_on_macos_adds_the_runpython_applescript(tmp_path):
    install_addin(folder=tmp_path / "startup", platform="macos", home=tmp_path)
    version = importlib.metadata.version("xlwings")
    script = (
        tmp_path / "Library" / "Application Scripts" / "com.microsoft.Excel"
        / f"xlwings-{version}.applescript"
    )
    assert script.read_bytes() == (template_path().parent / script.name).read_bytes()


def test_macos_says_formulas_need_windows_or_lite(tmp_path):
    installed = install_addin(folder=tmp_path / "startup", platform="macos", home=tmp_path)
    assert not installed.formulas.imported
    assert any("retention-xl lite" in step for step in installed.formulas.steps)


def test_install_renames_a_given_add_in_and_status_sees_an_older_build(built, tmp_path):
    parts = dict(zip_parts(built.read_bytes()))
    parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(
        build_stamp().encode(), b"retention-xl 0.0.1; xlwings 0.33.0")
    other = tmp_path / "copy.xlam"
    write_zip(other, parts)
    installed = install_addin(other, folder=tmp_path / "XLSTART", platform="windows", interpreter=PYTHON)
    assert installed.path.name == ADDIN_FILENAME
    status = addin_status(folder=tmp_path / "XLSTART", platform="windows")
    assert status.installed and status.current is False
    assert "missing: the current build: run 'retention-xl addin install'" in str(status)
    install_addin(built, folder=tmp_path / "XLSTART", platform="windows", interpreter=PYTHON)  # update in place
    assert addin_status(folder=tmp_path / "XLSTART", platform="windows").current is True


def test_status_names_what_is_missing(tmp_path):
    folder = tmp_path / "XLSTART"
    install_addin(folder=folder, platform="windows", interpreter=str(tmp_path / "gone" / "python.exe"))
    status = addin_status(folder=folder, platform="windows")
    assert status.interpreter_found is False and status.formulas is False
    text = str(status)
    assert "(not found on this computer)" in text
    assert "missing: the add-in's Python" in text and "does not exist" in text
    assert "missing: the formulas:" in text and "Trust access to the VBA project object model" in text
    build_addin(folder, force=True)  # a plain build: no Python set
    assert "Python: not set (Excel runs the first 'python' on the PATH)" in str(
        addin_status(folder=folder, platform="windows"))


def zip_parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [(i.filename, package.read(i)) for i in package.infolist()]


def write_zip(path: Path, parts: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)


def test_install_rejects_a_file_that_is_not_an_add_in(tmp_path):
    source = tmp_path / "notes.xlam"
    source.write_text("not a zip")
    with pytest.raises(DataError, match="is not an Excel add-in"):
        install_addin(source, folder=tmp_path / "XLSTART", platform="windows")
    write_zip(source, {"[Content_Types].xml": b"<Types/>"})
    with pytest.raises(DataError, match="not an add-in made from xlwings' ribbon template"):
        install_addin(source, folder=tmp_path / "XLSTART", platform="windows")
    assert not (tmp_path / "XLSTART").exists()


def test_linux_explains_that_excel_add_ins_need_windows_or_macos(tmp_path):
    for call in (install_addin, uninstall_addin, addin_status):
        with pytest.raises(EnvironmentProblem, match="Windows or macOS.*copy.*xlwings Lite"):
            call(folder=tmp_path, platform="linux")
    assert list(tmp_path.iterdir()) == []


def test_default_folders_follow_xlwings_addin_install(tmp_path):
    roaming = tmp_path / "Roaming"
    assert addin_folder("windows", environ={"APPDATA": str(roaming)}) == (
        roaming / "Microsoft" / "Excel" / "XLSTART"
    )
    with pytest.raises(EnvironmentProblem, match="APPDATA"):
        addin_folder("windows", environ={})
    office = tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office"
    assert addin_folder("macos", home=tmp_path) == office / "User Content" / "Startup" / "Excel"
    localized = office / "User Content.localized" / "Startup.localized" / "Excel"
    localized.mkdir(parents=True)
    assert addin_folder("macos", home=tmp_path) == localized


def test_the_add_ins_vba_fits_the_editors_limits(vba_modules):
    """Every module of the built add-in, as olevba extracts it (xlwings' own VBA, unchanged)."""
    import vba_rules

    assert set(vba_modules) >= {"xlwings", "RibbonMyAddin", "Dictionary", "ThisWorkbook"}
    for name, code in vba_modules.items():
        assert vba_rules.line_problems(code) == [], name
    procedures = re.findall(r"^(?:Public |Private )?(?:Sub|Function) (\w+)\(([^)]*)\)", vba_modules["RibbonMyAddin"],
                            re.MULTILINE)
    assert procedures == [("RunMain", "control As IRibbonControl")]


@pytest.mark.slow  # ANTLR's Python runtime: a few seconds
def test_the_ribbon_module_parses_with_the_vba_grammar(vba_modules):
    import vba_rules

    assert vba_rules.grammar_errors(vba_rules.excel_branch(vba_modules["RibbonMyAddin"])) == []
