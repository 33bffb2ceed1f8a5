"""xlwings Lite: the formulas (and a report script) as one ``main.py`` to paste into Excel.

xlwings Lite is an Excel add-in (Windows, Mac and Excel on the web) that runs Python in
the browser with Pyodide. It takes its code from the ``main.py`` and ``requirements.txt``
tabs of its own editor and installs ``requirements.txt`` from PyPI or from Pyodide's
own builds (numpy, scipy, pandas). retention-xl itself is not on PyPI, so the bundle
carries everything it needs: ``main.py`` holds the formula wrappers of
:mod:`retention_xl.udfs`, a ``build_report`` script, and every retention-xl module they
use, copied from this installation's source by
:class:`~retention_xl.excel.module_bundle.ModuleBundle` so that nothing is written twice.

xlwings' ``@xw.func`` / ``@xw.arg(..., doc=...)`` / ``@script`` work the same in Lite as
in classic xlwings; the ``category`` option is ignored there. A formula's error comes
back as the bare code (``#DIV/0!``), which Lite shows as a genuine Excel error, because
:mod:`retention_xl.excel.cells` sees ``sys.platform == "emscripten"``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import sys
import tempfile
import textwrap
from pathlib import Path

import retention_xl
from retention_xl.errors import DataError
from retention_xl.excel.module_bundle import ModuleBundle
from retention_xl.excel.project_modules import PROJECT, build_error, project_file
from retention_xl.layout.blocks import SHEET_MARK

__all__ = ["FORMULAS_MODULE", "lite_main_source", "lite_requirements", "write_lite_bundle"]

FORMULAS_MODULE = "retention_xl.udfs"
SCRIPT_MODULE = "retention_xl.excel.lite (build_report script)"

# The build_report script, copied into main.py after the modules it imports. Its
# ``from retention_xl...`` imports are resolved like those of any other module.
_SCRIPT = '''\
"""build_report: the Excel table Orders becomes a summary sheet."""

import math
from typing import Literal

import pandas as pd
import xlwings as xw

from retention_xl.errors import DataError
from retention_xl.labels import label
from retention_xl.pipeline import analyse, clean
from retention_xl.wording import problem_text

ORDERS_TABLE = "Orders"
SUMMARY_MARK = "@SUMMARY_MARK@"  # the workbook name the full report also uses for its summary
FIGURES = (
    ("customers", "0"),
    ("orders", "0"),
    ("revenue", "#,##0.00"),
    ("aov", "#,##0.00"),
    ("purchase_frequency", "0.00"),
    ("repeat_rate", "0.0%"),
    ("avg_crr", "0.0%"),
    ("avg_churn", "0.0%"),
    ("top20_share", "0.0%"),
    ("at_risk", "0"),
)


def _cell(x):
    """A value xlwings can write: plain numbers, text, datetimes, blanks for NaN."""
    if x is None:
        return None
    if hasattr(x, "item"):  # numpy scalar
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, pd.Timestamp):
        return x.to_pydatetime()
    return x


def _orders_table(book):
    for sheet in book.sheets:
        for table in sheet.tables:
            if table.name.casefold() == ORDERS_TABLE.casefold():
                return table
    raise DataError(
        f"no Excel table named {ORDERS_TABLE}: select the order rows with their header, "
        f"Insert > Table, and name it {ORDERS_TABLE} under Table Design > Table Name"
    )


def _summary_sheet(book, name):
    """A new, empty sheet; replaces the one this script (or the report) made before."""
    marks = [n for n in book.names if n.name.casefold() == SUMMARY_MARK.casefold()]
    old = None
    if marks:
        try:
            old = marks[0].refers_to_range.sheet
        except ValueError:  # the marked sheet was deleted: the name shows #REF!
            old = None
    for sheet in book.sheets:
        if sheet.name.casefold() == name.casefold() and (old is None or sheet.name != old.name):
            raise DataError(
                f"a sheet named {name} already exists and was not made by retention-xl: "
                "rename it, then run build_report again"
            )
    for mark in marks:
        mark.delete()
    if old is not None:
        old.delete()
    sheet = book.sheets.add(name=name)
    quoted = name.replace("'", "''")
    book.names.add(SUMMARY_MARK, f"='{quoted}'!$A$1")
    return sheet


@xw.script
def build_report(book: xw.Book, lang: Literal["en", "ar", "fa"] = "en"):
    """Read the table **Orders** (customer, order date, amount) and write the summary
    sheet: headline figures and the cohort retention matrix."""
    table = _orders_table(book)
    values = table.range.options(ndim=2).value
    raw = pd.DataFrame(values[1:], columns=[str(h) for h in values[0]], dtype=object)
    orders = clean(raw, first_row=table.range.row + 1, name=ORDERS_TABLE)
    result = analyse(orders)
    head = result.headline
    cohorts = result.cohorts

    first, last = head["first_order"], head["last_order"]
    grid = [
        [label(lang, "title.summary")],
        [f"{ORDERS_TABLE}: {first:%Y-%m-%d} - {last:%Y-%m-%d}, {len(orders.frame)} / {orders.n_input_rows}"],
        [],
    ]
    figures_row = len(grid) + 1
    grid += [[label(lang, f"fig.{key}"), _cell(head[key])] for key, _ in FIGURES]
    grid += [[], [label(lang, "table.CohortRetention")]]
    matrix_row = len(grid) + 1
    grid.append([label(lang, "col.cohort"), label(lang, "col.size")] + list(cohorts.retention.columns))
    for name, size, row in zip(cohorts.retention.index, cohorts.size, cohorts.retention.to_numpy()):
        grid.append([str(name), _cell(size)] + [_cell(v) for v in row])
    width = max(len(r) for r in grid)
    grid = [r + [None] * (width - len(r)) for r in grid]

    sheet = _summary_sheet(book, label(lang, "sheet.summary"))
    sheet.range((1, 1)).value = grid
    for i, (_, number_format) in enumerate(FIGURES):
        sheet.range((figures_row + i, 2)).number_format = number_format
    if cohorts.retention.shape[1] and len(cohorts.retention):
        sheet.range(
            (matrix_row + 1, 3), (matrix_row + len(cohorts.retention), 2 + cohorts.retention.shape[1])
        ).number_format = "0%"
    sheet.activate()
    skipped = orders.skipped_rows
    if skipped:
        print(f"{skipped} rows of {ORDERS_TABLE} were not used; the first problems:")
        for _, issue in orders.issues.head(10).iterrows():
            print(f"  row {issue['row']}: {problem_text(issue['problem'], issue['detail'], lang)} ({issue['action']})")
'''



# --------------------------------------------------------------------------- the bundle
def _formula_names() -> list[str]:
    from retention_xl import udfs  # the names the integrator exports, at build time

    return list(udfs.__all__)


def _hoist_project_imports(source: str) -> str:
    """The formulas module with its first-use imports of retention_xl moved to the top.

    :mod:`retention_xl.udfs` imports cleaning and the models inside the formulas that need
    them, so that Excel starts the formulas quickly. In ``main.py`` every module is copied
    into one namespace anyway, so those imports become ordinary top-level ones (which the
    bundle then removes like any other import between retention-xl modules).
    """
    tree = ast.parse(source)
    top = set(map(id, tree.body))
    inner = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and id(n) not in top and not n.level
             and (n.module or "").split(".")[0] == PROJECT]
    if not inner:
        return source
    lines = source.splitlines(keepends=True)
    moved = list(dict.fromkeys(textwrap.dedent(ast.get_source_segment(source, n)).strip() + "\n" for n in inner))
    for n in sorted(inner, key=lambda n: n.lineno, reverse=True):
        lines[n.lineno - 1:n.end_lineno] = ["\n"]
    last_import = max(n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)))
    lines[last_import:last_import] = moved
    return "".join(lines)


def _entries() -> list[tuple[str, str, str]]:
    formulas = project_file(FORMULAS_MODULE)
    assert formulas is not None
    script = _SCRIPT.replace("@SUMMARY_MARK@", SHEET_MARK.format(key="summary"))
    return [
        (FORMULAS_MODULE, _hoist_project_imports(formulas.read_text(encoding="utf-8")), "retention_xl/udfs.py"),
        (SCRIPT_MODULE, script, "build_report script"),
    ]


def lite_main_source() -> str:
    """The text of ``main.py`` for xlwings Lite, made from this installation's source.

    Raises :class:`DataError` if a module cannot be copied faithfully (see the module
    docstring); the message names the module and line.
    """
    bundle = ModuleBundle(_entries())
    formulas = _formula_names()
    missing = [f for f in formulas if f not in bundle.defined(FORMULAS_MODULE)]
    if missing:
        raise build_error(bundle.label(FORMULAS_MODULE), None,
                          f"__all__ lists {', '.join(missing)}, which it does not define")
    out = [
        "# main.py for xlwings Lite: the retention-xl Excel formulas and a report script.",
        "#",
        f"# Generated by `retention-xl lite` from retention-xl {retention_xl.__version__}. Do not edit:",
        "# generate it again with `retention-xl lite --force` from a newer retention-xl instead.",
        "#",
        "# To use it: open the xlwings Lite add-in (Home tab > xlwings Lite), replace everything",
        "# in its main.py tab with this file and everything in its requirements.txt tab with the",
        "# requirements.txt generated next to it, then restart xlwings Lite when it asks.",
        "#",
        *textwrap.wrap("Formulas: " + ", ".join(formulas) + ".", 88, initial_indent="# ",
                       subsequent_indent="#   "),
        "# Script: build_report reads the Excel table named Orders (customer, order date,",
        "# amount) and writes the Summary sheet: headline figures and cohort retention.",
        "# The full report (segments, data issues, charts) needs the desktop add-in or the",
        "# `retention-xl report` command.",
        "#",
        "# Copied from, in this order (imports between them removed, clashing names renamed):",
        *[f"#   {label}" for label in bundle.labels],
        "",
        "from __future__ import annotations",
        "",
        *bundle.import_lines(),
        *bundle.sections(),
    ]
    return "\n".join(out).rstrip() + "\n"


def lite_requirements(main_source: str | None = None) -> list[str]:
    """The distributions ``main.py`` imports, for Lite's ``requirements.txt``.

    Versions are left to Lite: numpy, scipy and pandas come from Pyodide's own builds,
    which are tied to its version, and Lite records what it installed in
    ``requirements-pinned.txt``.
    """
    source = lite_main_source() if main_source is None else main_source
    tree = ast.parse(source)
    optional = {  # imports guarded by ``except ImportError`` have a fallback: not required
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.Try)
        and any(isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers)
        for stmt in node.body
        for inner in ast.walk(stmt)
    }
    tops: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in optional:
            continue
        if isinstance(node, ast.Import):
            tops |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            tops.add(node.module.split(".")[0])
    tops -= set(sys.stdlib_module_names) | {"__future__"}
    providers = importlib.metadata.packages_distributions()
    out = set()
    for top in tops:
        if top == PROJECT:
            raise DataError("cannot build the xlwings Lite bundle: main.py still imports retention_xl")
        if top not in providers:
            raise DataError(f"cannot build the xlwings Lite bundle: no installed package provides `{top}`")
        out.add(providers[top][0].lower())
    return sorted(out)


def write_lite_bundle(directory: str | os.PathLike, *, force: bool = False) -> list[Path]:
    """Write ``main.py`` and ``requirements.txt`` for xlwings Lite into ``directory``.

    The directory is created if needed. Existing files are replaced only with
    ``force=True``; each file is written to a temporary file first and renamed into place.

    Returns
    -------
    list of Path
        The two files written.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in write_lite_bundle(d)]
    ['main.py', 'requirements.txt']
    """
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise DataError(f"{folder} is a file; give a folder for main.py and requirements.txt")
    main = lite_main_source()
    requirements = lite_requirements(main)
    contents = {
        "main.py": main,
        "requirements.txt": (
            f"# for xlwings Lite; generated by `retention-xl lite` from retention-xl {retention_xl.__version__}\n"
            + "".join(f"{r}\n" for r in requirements)
        ),
    }
    targets = [folder / name for name in contents]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = " and ".join(p.name for p in existing)
        raise DataError(f"{names} already in {folder}; use --force to replace, or choose another folder")
    folder.mkdir(parents=True, exist_ok=True)
    for path in targets:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
                f.write(contents[path.name])
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # a normal file, not mkstemp's private 0600
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return targets
