"""The xlwings Lite bundle: main.py must be the catalog itself, runnable without retention_xl."""

import ast
import datetime
import inspect
import math
import re
import sys
import textwrap
import types
import uuid
from pathlib import Path

import pytest

from retention_xl import __version__, udfs
from retention_xl.errors import DataError, OutputExists
from retention_xl.excel import lite
from retention_xl.excel.lite import (
    lite_main_source,
    lite_requirements,
    write_lite_bundle,
)

NPS_EXAMPLE = [[10.0], [10.0], [9.0], [9.0], [9.0], [8.0], [7.0], [6.0], [2.0], [10.0]]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lite")
    paths = write_lite_bundle(folder)
    return {p.name: p for p in paths}


@pytest.fixture(scope="module")
def main_text(bundle):
    return bundle["main.py"].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def main_code(bundle):
    """main.py compiled once (11,000 lines); each test runs it in a module of its own."""
    return compile(bundle["main.py"].read_bytes(), str(bundle["main.py"]), "exec")


@pytest.fixture
def main(main_code, monkeypatch):
    """main.py imported as its own module, as xlwings Lite does, with no retention_xl to lean on."""
    monkeypatch.delenv("RETENTION_XL_ERRORS", raising=False)
    hidden = {k: v for k, v in sys.modules.items() if k == "retention_xl" or k.startswith("retention_xl.")}
    for k in hidden:
        monkeypatch.delitem(sys.modules, k)
    monkeypatch.setattr(sys, "meta_path", [_NoRetentionXL(), *sys.meta_path])
    return _import(None, monkeypatch, main_code)


def _import(path, monkeypatch, code=None):
    """Run main.py (its ``path``, or its compiled ``code``) as a fresh module, as an import does."""
    code = compile(Path(path).read_bytes(), str(path), "exec") if code is None else code
    module = types.ModuleType(f"lite_main_{uuid.uuid4().hex}")
    module.__file__ = code.co_filename
    monkeypatch.setitem(sys.modules, module.__name__, module)  # as an import does (dataclasses need it)
    exec(code, module.__dict__)  # noqa: S102 -- our own main.py, run as Lite runs it
    return module


class _NoRetentionXL:
    """An import hook that makes any import of retention_xl fail while main.py runs."""

    def find_spec(self, name, path=None, target=None):
        if name == "retention_xl" or name.startswith("retention_xl."):
            raise ImportError(f"main.py imported {name}")


# ----------------------------------------------------------------- the catalog, from main.py
@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_worked_examples(main):
    assert main.CRR(10.0, 8.0, 0.0) == pytest.approx(0.8)
    assert main.CRR(2000.0, 2100.0, 300.0) == pytest.approx(0.9)
    assert main.CHURN(5.0, 150.0) == pytest.approx(5 / 150)
    assert main.CHURN([15.0, 4.0], 500.0) == pytest.approx(0.038)
    assert main.CHURN_COST(15.0, 30000.0) == 450000
    assert main.REPEAT_RATE(900.0, 2000.0) == 0.45
    assert main.CLV(50.0, 4.0, 3.0) == 600
    assert main.CLV(50.0, 4.0, 3.0, 0.3, 40.0) == pytest.approx(140)
    assert main.CLV_DISCOUNTED(100.0, 0.8, 0.1) == pytest.approx(366.67, abs=0.005)
    assert main.CLV_DISCOUNTED(100.0, 0.8, 0.1, 3.0) == pytest.approx(225.62, abs=0.005)
    assert main.LIFESPAN(0.25) == 4
    assert main.NPS(NPS_EXAMPLE) == pytest.approx(40)


SAME_ANSWER_CALLS = [
    ("NPS_MOE", (NPS_EXAMPLE,)),
    ("CSAT", ([[5.0], [4.0], [3.0], [None], ["n/a"]],)),
    ("CES", ([[1.0, 2.0, 6.0]],)),
    ("AOV", ([[10.0], [20.0], [33.0]],)),
    ("PURCHASE_FREQUENCY", (300.0, 120.0)),
    ("REPEAT_RATE", ([["Customer"], ["a"], ["b"], ["A"], [None], ["c@x.com"], ["C@x.com"], [7.0], ["7"]],)),
    ("CRR", (0.0, 5.0, 1.0)),  # #DIV/0!
    ("CHURN", ("ten", 100.0)),  # #VALUE!
    ("NPS", ([[11.0]],)),  # #NUM!
]


@pytest.fixture
def installed_answers():
    """The installed formulas' answers, before ``main`` hides retention_xl (a formula that
    imports the cleaning on its first call could not import it after)."""
    return [getattr(udfs, name)(*args) for name, args in SAME_ANSWER_CALLS]


def test_same_answers_as_the_installed_formulas(installed_answers, main):
    # REPEAT_RATE: the heading left out; of a, b, A (only e-mails ignore case), c@x.com and 7, two came back
    assert installed_answers[5] == 0.4
    for (name, args), expected in zip(SAME_ANSWER_CALLS, installed_answers):
        assert getattr(main, name)(*args) == expected, name


def test_every_formula_with_its_signature_and_description(main):
    for name in udfs.__all__:
        copy = getattr(main, name)
        original = getattr(udfs, name)
        assert inspect.signature(copy) == inspect.signature(original), name
        assert copy.__doc__ == original.__doc__, name
        assert copy.__module__ == main.__name__  # Lite registers what main.py defines


def test_arg_decorators_name_real_parameters(main_text):
    """Lite refuses `@xw.arg("x")` when the function has no parameter x."""
    tree = ast.parse(main_text)
    checked = 0
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        params = {a.arg for a in node.args.args}
        for deco in node.decorator_list:
            if isinstance(deco, ast.Call) and ast.unparse(deco.func) == "xw.arg":
                assert deco.args[0].value in params, (node.name, deco.args[0].value)
                checked += 1
    assert checked >= len(udfs.__all__)


# ----------------------------------------------------------------- errors in Lite
def test_errors_are_bare_codes_in_the_browser(main, monkeypatch):
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert main.CRR(0.0, 5.0, 1.0) == "#DIV/0!"
    assert main.CHURN("ten", 100.0) == "#VALUE!"
    assert main.NPS([[11.0]]) == "#NUM!"
    assert main.LIFESPAN(0.25) == 4


@pytest.mark.parametrize("code", ["#SPILL!", "#CALC!", "#BUSY!", "#GETTING_DATA", "#CONNECT!", "#FIELD!"])
def test_errors_lite_cannot_show_are_passed_on_as_value_errors(main, monkeypatch, code):
    """xlwings Lite turns only seven codes into error values; "#SPILL!" would be text (SUM: 0)."""
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert main.CRR(code, 8.0, 0.0) == "#VALUE!"
    assert main.NPS([[9.0], [code]]) == "#VALUE!"
    assert main.CRR("#N/A", 8.0, 0.0) == "#N/A"


def test_the_codes_passed_on_are_those_xlwings_office_js_converts():
    """Read from xlwings' own source (xlwings.pro needs a licence to import)."""
    import ast
    import importlib.util

    from retention_xl.excel.cells import OFFICE_JS_ERRORS

    spec = importlib.util.find_spec("xlwings")
    source = (Path(next(iter(spec.submodule_search_locations))) / "pro" / "_xlofficejs.py").read_text()
    function = next(n for n in ast.walk(ast.parse(source))
                    if isinstance(n, ast.FunctionDef) and n.name == "errorstr_to_errortype")
    table = next(n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                 and isinstance(n.value, ast.Dict))
    assert {k.value for k in table.keys} == OFFICE_JS_ERRORS


def test_errors_as_text_outside_the_browser(main, monkeypatch):
    result = main.CRR(0.0, 5.0, 1.0)
    assert result.startswith("#DIV/0! ") and "start" in result
    monkeypatch.setenv("RETENTION_XL_ERRORS", "value")
    assert main.CRR(0.0, 5.0, 1.0) == "#DIV/0!"


# ----------------------------------------------------------------- what the file is
def test_header_names_the_generator_and_version(main_text):
    head = main_text.split("from __future__", 1)[0]
    assert head.startswith("# main.py for xlwings Lite")
    assert f"Generated by `retention-xl lite` from retention-xl {__version__}. Do not edit" in head
    for name in udfs.__all__:
        assert name in head


def test_no_import_of_retention_xl(main_text):
    for node in ast.walk(ast.parse(main_text)):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "retention_xl" for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and (node.module or "").split(".")[0] != "retention_xl"


def test_each_module_copied_once_dependencies_first(main_text):
    copied = [line.split()[1] for line in main_text.splitlines() if line.startswith("#   retention_xl/")]
    assert len(copied) == len(set(copied))
    for first, later in [("errors.py", "metrics.py"), ("metrics.py", "udfs.py"), ("cells.py", "udfs.py"),
                         ("periods.py", "cohorts.py"), ("numerals.py", "orders.py")]:
        assert copied.index(_path(first)) < copied.index(_path(later))
    assert "def crr(" in main_text and main_text.count("\ndef crr(") == 1


def _path(name):
    return {"errors.py": "retention_xl/errors.py", "cells.py": "retention_xl/excel/cells.py",
            "udfs.py": "retention_xl/udfs.py"}.get(name, f"retention_xl/analysis/{name}")


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_clashing_private_helpers_are_renamed_apart(main):
    # metrics.py and numerals.py both define _fmt
    assert main._metrics_fmt(0.25) == "0.25"
    assert main._metrics_fmt(10.0) == "10"
    assert not hasattr(main, "_fmt")


def test_requirements_follow_imports_into_every_block_and_skip_those_with_a_fallback():
    source = textwrap.dedent("""
        import numpy
        try:
            import scipy
            if True:
                from jdatetime import date
        except ImportError:
            import pandas
        else:
            import xlwings
        class A:
            def f(self):
                with open("x") as h:
                    import openpyxl
        match 1:
            case 1:
                import pyarrow
    """)
    assert lite_requirements(source) == ["numpy", "openpyxl", "pandas", "pyarrow", "xlwings"]


def test_requirements_are_exactly_the_third_party_imports(bundle, main_text):
    lines = bundle["requirements.txt"].read_text(encoding="utf-8").splitlines()
    listed = [line for line in lines if line and not line.startswith("#")]
    tree = ast.parse(main_text)
    # an import inside `try: ... except ImportError:` has a fallback and is not required
    guarded = {id(n) for t in ast.walk(tree) if isinstance(t, ast.Try)
               and any(getattr(h.type, "id", "") == "ImportError" for h in t.handlers)
               for s in t.body for n in ast.walk(s)}
    tops = set()
    for node in ast.walk(tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.Import):
            tops |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            tops.add(node.module.split(".")[0])
    third_party = sorted(tops - set(sys.stdlib_module_names) - {"__future__"})
    assert listed == third_party == ["hijridate", "jdatetime", "numpy", "pandas", "scipy", "xlwings"]
    assert not any(ch in line for line in listed for ch in "=<>~")  # Pyodide decides versions


@pytest.mark.slow
def test_the_same_bytes_every_time(main_text):
    assert lite_main_source() == main_text
    assert lite_requirements(main_text) == ["hijridate", "jdatetime", "numpy", "pandas", "scipy", "xlwings"]


# ----------------------------------------------------------------- writing the files
@pytest.mark.slow
def test_refuses_to_overwrite_without_force(tmp_path):
    write_lite_bundle(tmp_path)
    (tmp_path / "main.py").write_text("# the user's own code\n", encoding="utf-8")
    with pytest.raises(OutputExists, match="main.py already exists"):
        write_lite_bundle(tmp_path)
    assert (tmp_path / "main.py").read_text(encoding="utf-8") == "# the user's own code\n"
    write_lite_bundle(tmp_path, force=True)
    assert (tmp_path / "main.py").read_text(encoding="utf-8").startswith("# main.py for xlwings Lite")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.py", "requirements.txt"]  # no temp files


@pytest.mark.slow
def test_one_existing_file_is_enough_to_refuse(tmp_path):
    (tmp_path / "requirements.txt").write_text("pandas\n", encoding="utf-8")
    with pytest.raises(OutputExists, match="requirements.txt already exists"):
        write_lite_bundle(tmp_path)
    assert not (tmp_path / "main.py").exists()


@pytest.mark.slow
def test_creates_the_folder_and_refuses_a_file(tmp_path):
    paths = write_lite_bundle(tmp_path / "new" / "lite")
    assert [p.name for p in paths] == ["main.py", "requirements.txt"]
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match="is a file"):
        write_lite_bundle(tmp_path / "file")


# ----------------------------------------------------------------- the inliner's refusals
def _build_with(monkeypatch, tmp_path, script):
    formulas, _ = lite._entries()
    monkeypatch.setattr(lite, "_entries", lambda: [formulas, (lite.SCRIPT_MODULE, script, "script.py")])
    return lite_main_source()


def test_refuses_plain_import_of_the_package(monkeypatch, tmp_path):
    with pytest.raises(DataError, match=r"line 1: write `from retention_xl.x import y`"):
        _build_with(monkeypatch, tmp_path, "import retention_xl.labels\n")


def test_refuses_import_inside_a_function(monkeypatch, tmp_path):
    script = "def f():\n    from retention_xl.labels import label\n    return label\n"
    with pytest.raises(DataError, match="line 2: imports retention_xl below the top level"):
        _build_with(monkeypatch, tmp_path, script)


@pytest.mark.parametrize("names, error", [
    ('["CRR", "NOPE"]', "retention_xl/udfs.py: __all__ lists NOPE, which it does not define"),
    ('list(NAMES)', "retention_xl/udfs.py: __all__ must be written as a list of the formulas' names"),
])
def test_the_formulas_are_the_names_their_module_lists(monkeypatch, names, error):
    """Read from the module's source (importing it would start xlwings: 0.75 s of the build)."""
    formulas = ("from retention_xl.analysis.metrics import crr\n\nNAMES = ['CRR']\n"
                f"__all__ = {names}\n\n\ndef CRR(s, e, n):\n    return crr(s, e, n)\n")
    script = (lite.SCRIPT_MODULE, "X = 1\n", "script.py")  # small: two modules to copy, not 66
    monkeypatch.setattr(lite, "_entries", lambda: [(lite.FORMULAS_MODULE, formulas, "retention_xl/udfs.py"), script])
    with pytest.raises(DataError, match=re.escape(error)):
        lite_main_source()
    monkeypatch.setattr(lite, "_entries", lambda: [
        (lite.FORMULAS_MODULE, formulas.replace(f"__all__ = {names}", '__all__ = ["CRR"]'), "retention_xl/udfs.py"),
        script])
    assert "# Formulas: CRR." in lite_main_source()


def test_every_entry_is_read_and_refused_before_its_imports_are_followed(monkeypatch):
    from retention_xl.excel import project_modules

    read = []
    real = project_modules._load
    monkeypatch.setattr(project_modules, "_load", lambda name, *args, **kw: read.append(name) or real(name, *args, **kw))
    entries = [("one", "from retention_xl.labels import label\n", "one.py"), ("two", "import retention_xl.labels\n", "two.py")]
    with pytest.raises(DataError, match="two.py, line 1: write `from retention_xl.x import y`"):
        project_modules.collect_modules(entries)
    assert read == ["one", "two"]  # refused before labels and its imports were read


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_refuses_a_name_the_module_does_not_define(monkeypatch, tmp_path):
    with pytest.raises(DataError, match="does not define it"):
        _build_with(monkeypatch, tmp_path, "from retention_xl.labels import nothing_here\n")


def test_refuses_a_script_name_that_clashes_with_the_formulas(monkeypatch, tmp_path):
    with pytest.raises(DataError, match="`CATEGORY` clashes"):
        _build_with(monkeypatch, tmp_path, 'CATEGORY = "mine"\n')


@pytest.mark.slow
def test_import_under_another_name_is_rewritten(monkeypatch, tmp_path):
    text = _build_with(monkeypatch, tmp_path, "from retention_xl.labels import label as L\n\nX = L('en', 'fig.orders')\n")
    assert "X = label('en', 'fig.orders')" in text
    (tmp_path / "main.py").write_text(text, encoding="utf-8")
    assert _import(tmp_path / "main.py", monkeypatch).X == "Orders"


# ----------------------------------------------------------------- the build_report script
ORDERS = [
    ["Customer", "Order date", "Amount"],
    ["a", 45296.0, 10.0],  # 2024-01-05, as Excel hands a date over: a serial number
    ["a", 45352.0, 20.0],  # 2024-03-01
    ["b", 45311.0, 5.0],  # 2024-01-20
    ["b", 45324.0, 5.0],  # 2024-02-02
    ["c", 45332.0, 8.0],  # 2024-02-10
    [None, None, None],
]


def _sheet_rows(sheet):
    return sheet.grid


def test_build_report_writes_every_report_sheet(main, capsys):
    book = FakeBook()
    book.sheets.add(name="Orders").tables.append(FakeTable("Orders", book.sheets["Orders"], ORDERS, row=4))
    main.build_report(book)
    assert [s.name for s in book.sheets] == ["Orders", "Summary", "Cohorts", "Segments", "Contacts", "Data issues"]
    rows = book.sheets["Summary"].grid
    assert rows[0][0] == "Customer retention summary"
    assert rows[1][0].startswith("Table 'Orders' on sheet 'Orders': 2024-01-05 to 2024-03-01. "
                                 "Rows read: 6; used: 5; skipped: 1")
    labels, values = rows[3], rows[4]
    figures = dict(zip(labels, values))
    assert figures["Customers"] == 3 and figures["Orders"] == 5 and figures["Net revenue"] == 48
    assert figures["Average order value"] == pytest.approx(9.6)
    assert figures["Repeat rate"] == pytest.approx(2 / 3)
    cohorts = book.sheets["Cohorts"].grid
    start = next(i for i, r in enumerate(cohorts) if r[0] == "Cohort")
    assert cohorts[start][:5] == ["Cohort", "Cohort size", "P0", "P1", "P2"]
    jan, feb = cohorts[start + 1], cohorts[start + 2]
    assert jan[:2] == ["2024-01", 2] and jan[2:5] == [1.0, 0.5, 0.5]
    assert feb[:2] == ["2024-02", 1] and feb[2:5] == [1.0, 0.0, None]  # April not reached yet: blank
    assert book.sheets["Cohorts"].formats[(start + 2, 3)] == "0.0%"
    assert book.sheets["Summary"].formats[(5, 1)] == "#,##0"  # customers
    assert book.active is book.sheets["Summary"]
    assert [n.name for n in book.names] == [f"RetentionXL_{k}"
                                            for k in ("summary", "cohorts", "segments", "contacts", "issues")]
    out = capsys.readouterr().out
    assert "row 10: blank row (skipped)" in out and "colour scale" in out
    assert "\n1 row of Orders was not used (the Data issues sheet lists every row skipped or fixed)" in out


def test_build_report_follows_a_settings_table(main):
    book = FakeBook()
    orders = [["Who", "When", "Paid"], *[list(r) for r in ORDERS[1:]]]
    book.sheets.add(name="Orders").tables.append(FakeTable("Orders", book.sheets["Orders"], orders, row=1))
    settings = [["Setting", "Value"], ["Customer column", "Who"], ["Date column", "When"],
                ["Amount column", "Paid"], ["Language", "fa"]]
    book.sheets.add(name="Settings").tables.append(FakeTable("Settings", book.sheets["Settings"], settings, row=1))
    main.build_report(book)
    assert main.label("fa", "sheet.summary") in [s.name for s in book.sheets]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_build_report_replaces_only_its_own_sheets(main):
    book = FakeBook()
    book.sheets.add(name="Orders").tables.append(FakeTable("orders", book.sheets["Orders"], ORDERS, row=1))
    main.build_report(book)
    main.build_report(book)
    main.build_report(book, "fa")  # a second run, in Persian: the first sheets go
    keys = ("summary", "cohorts", "segments", "contacts", "issues")
    assert [s.name for s in book.sheets] == ["Orders", *(main.label("fa", f"sheet.{k}") for k in keys)]
    summary = main.label("fa", "sheet.summary")
    assert [n.refers_to for n in book.names][0] == f"='{summary}'!$A$1"
    book.sheets[summary].delete()  # the user deletes it; the name shows #REF!
    main.build_report(book, "en")  # added again at the end, as the ribbon does
    assert [s.name for s in book.sheets] == ["Orders", "Cohorts", "Segments", "Contacts", "Data issues", "Summary"]
    assert len(book.names.items) == 5


def test_a_sheet_of_the_user_s_named_like_a_report_sheet_is_left_alone(main):
    """The ribbon's rule: the report takes the next free name; before, Lite rewrote Summary and
    Cohorts and then stopped at the user's Segments, leaving half a report."""
    book = FakeBook()
    book.sheets.add(name="Orders").tables.append(FakeTable("Orders", book.sheets["Orders"], ORDERS, row=1))
    book.sheets.add(name="segments").grid = [["the user's own"]]  # Excel compares names ignoring case
    book.sheets.add(name="Segments (2)").grid = [["also the user's"]]
    for _ in range(2):  # the second run rewrites its own "Segments (3)"
        main.build_report(book)
        assert [s.name for s in book.sheets] == ["Orders", "segments", "Segments (2)", "Summary", "Cohorts",
                                                 "Segments (3)", "Contacts", "Data issues"]
        assert book.sheets["segments"].grid == [["the user's own"]]
        assert book.sheets["Segments (2)"].grid == [["also the user's"]]
        assert {n.name: n.refers_to for n in book.names}["RetentionXL_segments"] == "='Segments (3)'!$A$1"
        assert len(book.names.items) == 5
        assert book.sheets["Segments (3)"].grid[0][0] == "Customer segments (RFM)"


def test_a_re_run_rewrites_the_report_sheets_in_place(main):
    """Deleting a sheet turns the user's =Summary!B5 into #REF! in Excel: the sheets are kept,
    renamed to the new language's names and cleared, and hold what a fresh run writes."""
    many = [ORDERS[0], *([f"c{i}", 45296.0 + 7 * i, 10.0 + i] for i in range(40))]  # 40 weekly orders: 10 cohorts
    book = FakeBook()
    book.sheets.add(name="Orders").tables.append(FakeTable("Orders", book.sheets["Orders"], many, row=1))
    main.build_report(book, "fa")
    before = list(book.sheets)
    tall = len(book.sheets[main.label("fa", "sheet.cohorts")].grid)
    book.sheets["Orders"].tables[0] = FakeTable("Orders", book.sheets["Orders"], ORDERS, row=1)  # fewer orders
    main.build_report(book, "en")
    assert list(book.sheets) == before  # the same sheet objects, in the same places
    assert [s.name for s in book.sheets] == ["Orders", "Summary", "Cohorts", "Segments", "Contacts", "Data issues"]
    fresh = FakeBook()
    fresh.sheets.add(name="Orders").tables.append(FakeTable("Orders", fresh.sheets["Orders"], ORDERS, row=1))
    main.build_report(fresh, "en")
    for old, new in zip(book.sheets, fresh.sheets):
        assert (old.grid, old.formats) == (new.grid, new.formats), old.name
    assert len(book.sheets["Cohorts"].grid) < tall  # nothing is left of the longer tables of the first run


def test_build_report_leaves_out_excel_s_total_row(main, capsys):
    """Table Design > Total Row: Lite's table range ends with it; it is no order (a COUNT of the
    dates there would even read as a 1900 date)."""
    book = FakeBook()
    rows = [list(r) for r in ORDERS[1:6]]  # the five orders, no blank row
    totals = ["Total", 5.0, 48.0]  # what Excel shows under the columns: a COUNT and a SUM
    book.sheets.add(name="Orders").tables.append(
        FakeTable("Orders", book.sheets["Orders"], [ORDERS[0], *rows, totals], row=1, show_totals=True))
    main.build_report(book)
    summary = book.sheets["Summary"].grid
    assert summary[1][0].startswith("Table 'Orders' on sheet 'Orders': 2024-01-05 to 2024-03-01. "
                                    "Rows read: 5; used: 5; skipped: 0")
    figures = dict(zip(summary[3], summary[4]))
    assert figures["Customers"] == 3 and figures["Orders"] == 5 and figures["Net revenue"] == 48
    assert "were not used" not in capsys.readouterr().out


@pytest.mark.parametrize("headers, lang", [
    (["العميل", "تاريخ الطلب", "المبلغ"], "ar"),
    (["مشتری", "تاریخ سفارش", "مبلغ"], "fa"),  # ی and ک are Persian letters
])
def test_build_report_auto_follows_the_headers_as_the_ribbon_does(main, headers, lang):
    book = FakeBook()
    sheet = book.sheets.add(name="Orders")
    sheet.tables.append(FakeTable("Orders", sheet, [headers, *(list(r) for r in ORDERS[1:])], row=1))
    main.build_report(book)  # Lite runs a script with its defaults: lang="auto"
    keys = ("summary", "cohorts", "segments", "contacts", "issues")
    assert [s.name for s in book.sheets] == ["Orders", *(main.label(lang, f"sheet.{k}") for k in keys)]
    figures = dict(zip(book.sheets[main.label(lang, "sheet.summary")].grid[3],
                       book.sheets[main.label(lang, "sheet.summary")].grid[4]))
    assert figures[main.label(lang, "fig.orders")] == 5


@pytest.mark.parametrize("lang, source", [
    ("ar", "الجدول 'Orders' في الورقة 'الطلبات': من 2024-01-05 إلى 2024-03-01."),
    ("fa", "جدول «Orders» در برگه‌ی «الطلبات»: از 2024-01-05 تا 2024-03-01."),
])
def test_the_subtitle_names_the_orders_table_in_the_report_s_language(main, capsys, lang, source):
    book = FakeBook()
    sheet = book.sheets.add(name="الطلبات")
    sheet.tables.append(FakeTable("Orders", sheet, ORDERS, row=1))
    main.build_report(book, lang)
    for key in ("summary", "issues"):  # the two sheets that start with the source
        assert book.sheets[main.label(lang, f"sheet.{key}")].grid[1][0].startswith(source), key
    printed = capsys.readouterr().out.splitlines()[1:]  # after the note on what Lite writes
    assert printed[0].startswith({"ar": "لم يُستخدم صف واحد من Orders (", "fa": "1 ردیف از Orders به کار نرفت ("}[lang])
    assert printed[1] == {"ar": "  الصف 7: صف فارغ (تم التخطي)", "fa": "  ردیف 7: ردیف خالی (کنار گذاشته شد)"}[lang]


def test_build_report_needs_the_orders_table(main, capsys):
    book = FakeBook()
    book.sheets.add(name="Sheet1")
    main.build_report(book)
    assert capsys.readouterr().out.startswith("Retention report: no Excel table named Orders: select the order rows")


# A stand-in for the part of xlwings' Book that build_report uses (names as in xlwings).
class FakeRange:
    def __init__(self, sheet, first, last=None, values=None, row=None):
        self.sheet, self.first, self.last = sheet, first, last or first
        self._values, self.row = values, row

    def options(self, **_):
        return self

    @property
    def value(self):
        return self._values

    @value.setter
    def value(self, grid):  # as Excel writes: over the cells there, the others keep what they hold
        assert self.first == (1, 1)
        old = self.sheet.grid
        height, width = max(len(old), len(grid)), max([len(r) for r in old + grid], default=0)
        merged = [list(r) + [None] * (width - len(r)) for r in old] + [[None] * width] * (height - len(old))
        for i, row in enumerate(grid):
            merged[i] = list(row) + merged[i][len(row):]
        self.sheet.grid = merged

    @property
    def number_format(self):
        raise NotImplementedError

    @number_format.setter
    def number_format(self, fmt):
        for r in range(self.first[0], self.last[0] + 1):
            for c in range(self.first[1], self.last[1] + 1):
                self.sheet.formats[(r, c)] = fmt


class FakeTable:
    """``range`` is the whole Table, header and Total Row included, as xlwings Lite's is."""

    def __init__(self, name, sheet, values, row, show_totals=False):
        self.name, self.range = name, FakeRange(sheet, (row, 1), values=values, row=row)
        self.show_totals = show_totals


class FakeSheet:
    def __init__(self, book, name):
        self.book, self.name, self.tables, self.grid, self.formats = book, name, [], [], {}

    def range(self, first, last=None):
        return FakeRange(self, first, last)

    def activate(self):
        self.book.active = self

    def delete(self):
        self.book.sheets.items.remove(self)

    def clear(self):  # xlwings Lite: values and formats of every cell
        self.grid, self.formats = [], {}


class FakeSheets:
    def __init__(self, book):
        self.book, self.items = book, []

    def __iter__(self):
        return iter(list(self.items))

    def __getitem__(self, name):
        return next(s for s in self.items if s.name == name)

    def add(self, name, after=None):  # xlwings Lite adds at the end without after=
        assert all(s.name.casefold() != name.casefold() for s in self.items), "Excel refuses a duplicate"
        sheet = FakeSheet(self.book, name)
        self.items.insert(len(self.items) if after is None else self.items.index(after) + 1, sheet)
        return sheet


class FakeName:
    def __init__(self, names, name, refers_to):
        self.names, self.name, self.refers_to = names, name, refers_to

    @property
    def refers_to_range(self):
        sheet_name = self.refers_to[1:].rsplit("!", 1)[0].strip("'").replace("''", "'")
        sheets = [s for s in self.names.book.sheets if s.name == sheet_name]
        if not sheets:  # as xlwings does when the name shows #REF!
            raise ValueError(f"Name '{self.name}' does not refer to a single range.")
        return FakeRange(sheets[0], (1, 1))

    def delete(self):
        self.names.items.remove(self)


class FakeNames:
    def __init__(self, book):
        self.book, self.items = book, []

    def __iter__(self):
        return iter(list(self.items))

    def add(self, name, refers_to):
        assert all(n.name.casefold() != name.casefold() for n in self.items), "Excel refuses a duplicate"
        self.items.append(FakeName(self, name, refers_to))


class FakeBook:
    def __init__(self):
        self.sheets, self.names, self.active = FakeSheets(self), FakeNames(self), None


def test_fake_cells_are_plain_python(main):
    """What the script writes must be plain values (xlwings cannot send numpy types or NaN)."""
    book = FakeBook()
    book.sheets.add(name="Orders").tables.append(FakeTable("Orders", book.sheets["Orders"], ORDERS, row=1))
    main.build_report(book)
    for row in (r for sheet in book.sheets for r in sheet.grid):
        for v in row:
            assert v is None or type(v) in (str, int, float, bool, datetime.datetime) and not (isinstance(v, float) and math.isnan(v))


@pytest.mark.slow
def test_a_module_imported_whole_becomes_a_namespace(monkeypatch, tmp_path):
    """As udfs.py does with metrics, and as a COHORT formula may do with cohorts or periods."""
    script = "from retention_xl.analysis import periods\n\nP = periods.normalise_period('month')\n"
    text = _build_with(monkeypatch, tmp_path, script)
    assert "periods = SimpleNamespace(\n    normalise_period=normalise_period,\n)" in text
    (tmp_path / "main.py").write_text(text, encoding="utf-8")
    assert _import(tmp_path / "main.py", monkeypatch).P == "M"


def test_refuses_a_module_used_other_than_through_its_names(monkeypatch, tmp_path):
    script = "from retention_xl.analysis import periods\n\nP = periods\n"
    with pytest.raises(DataError, match="line 3: module `periods` is used other than as `periods.name`"):
        _build_with(monkeypatch, tmp_path, script)


def test_first_use_imports_of_the_formulas_move_to_the_top():
    """udfs imports cleaning and the models inside the formulas; main.py holds them once."""
    from retention_xl.excel.lite import _hoist_project_imports

    source = "import x\n\n\ndef f():\n    from retention_xl.a import b\n    return b\n\n\ndef g():\n    from retention_xl.a import b\n    return b\n"
    assert _hoist_project_imports(source) == (
        "import x\nfrom retention_xl.a import b\n\n\ndef f():\n\n    return b\n\n\ndef g():\n\n    return b\n")
    assert _hoist_project_imports("import x\n") == "import x\n"


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_files_are_written_with_the_usual_permissions(tmp_path):
    """Readable by others as any file the user saves (the umask decides), not mkstemp's 0600."""
    import os

    old = os.umask(0o022)
    try:
        for path in write_lite_bundle(tmp_path / "bundle"):
            assert path.stat().st_mode & 0o777 == 0o644, path
    finally:
        os.umask(old)



def test_build_report_says_a_problem_in_one_line_in_the_reports_language(main, capsys):
    # a Persian user's Orders table whose headers name no role: one line, its title and
    # remedy in Persian (the Settings table), no traceback
    book = FakeBook()
    orders = [["کد", "روز", "پول"], ["a", 45296.0, 10.0], ["b", 45311.0, 5.0]]
    book.sheets.add(name="سفارش‌ها").tables.append(FakeTable("Orders", book.sheets["سفارش‌ها"], orders, row=1))
    main.build_report(book)
    out = capsys.readouterr().out.strip()
    assert out.startswith("گزارش نگهداشت مشتری: could not tell which column holds the customer and date and amount")
    assert out.endswith(". سرستون‌های ستون‌های مشتری، تاریخ و مبلغ را کنار 'ستون مشتری'، 'ستون تاریخ' و 'ستون مبلغ' "
                        "در جدولی به نام Settings (Setting | Value) بنویسید")
    assert [s.name for s in book.sheets] == ["سفارش‌ها"]  # nothing written
    # a column named in the Settings table that the orders lack: the setting and its cell
    book.sheets.add(name="Settings").tables.append(
        FakeTable("Settings", book.sheets["Settings"], [["Setting", "Value"], ["Customer column", "Email"]], row=1))
    main.build_report(book)
    out = capsys.readouterr().out.strip()
    assert "'Customer column' names the column 'Email', which the orders do not have" in out
