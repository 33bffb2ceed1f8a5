"""xlwings Lite: the formulas (and a report script) as one ``main.py`` to paste into Excel.

xlwings Lite is an Excel add-in (Windows, Mac and Excel on the web) that runs Python in
the browser with Pyodide. It takes its code from the ``main.py`` and ``requirements.txt``
tabs of its own editor and installs ``requirements.txt`` from PyPI or from Pyodide's
own builds (numpy, scipy, pandas). retention-xl itself is not on PyPI, so the bundle
carries everything it needs: ``main.py`` holds the formula wrappers of
:mod:`retention_xl.udfs`, a ``build_report`` script, and every retention-xl module they
use, copied from this installation's source so that nothing is written twice.

How ``main.py`` is put together (:func:`lite_main_source`):

* starting from :mod:`retention_xl.udfs` and the script below, every
  ``from retention_xl... import ...`` is followed, transitively, and each module is copied
  once, dependencies first;
* those imports are removed; a module imported as a whole (``from retention_xl.analysis
  import metrics``) becomes a namespace object holding the names used through it;
* all other top-level imports are gathered at the top of the file;
* when two modules define the same top-level name (two private ``_fmt`` helpers), each
  copy is renamed (``_metrics_fmt``) together with every use of it in its own module;
* anything that cannot be copied faithfully stops the build with a :class:`DataError`
  naming the module and the line: ``import retention_xl`` forms other than
  ``from ... import``, an import of retention-xl inside a function, a rename that would
  touch a local variable, a module-level name used in an unexpected way.

xlwings' ``@xw.func`` / ``@xw.arg(..., doc=...)`` / ``@script`` work the same in Lite as
in classic xlwings; the ``category`` option is ignored there. A formula's error comes
back as the bare code (``#DIV/0!``), which Lite shows as a genuine Excel error, because
:mod:`retention_xl.excel.cells` sees ``sys.platform == "emscripten"``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import symtable
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import retention_xl
from retention_xl.errors import DataError
from retention_xl.excel.xlsx_writer import SHEET_MARK

__all__ = ["FORMULAS_MODULE", "lite_main_source", "lite_requirements", "write_lite_bundle"]

PROJECT = "retention_xl"
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

from retention_xl.analysis.orders import clean_orders
from retention_xl.analysis.overview import analyse
from retention_xl.errors import DataError
from retention_xl.labels import label

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
    clean = clean_orders(raw, first_row=table.range.row + 1)
    result = analyse(clean.orders)
    head = result.headline
    cohorts = result.cohorts

    first, last = head["first_order"], head["last_order"]
    grid = [
        [label(lang, "title.summary")],
        [f"{ORDERS_TABLE}: {first:%Y-%m-%d} - {last:%Y-%m-%d}, {len(clean.orders)} / {clean.n_input_rows}"],
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
    skipped = clean.n_input_rows - len(clean.orders)
    if skipped:
        print(f"{skipped} rows of {ORDERS_TABLE} were not used; the first problems:")
        for _, issue in clean.issues.head(10).iterrows():
            print(f"  row {issue['row']}: {issue['problem']} ({issue['action']})")
'''


# --------------------------------------------------------------------------- reading modules
@dataclass(frozen=True)
class _Binding:
    """``local`` names ``module.attr`` (``attr`` None: the module as a whole)."""

    local: str
    module: str
    attr: str | None


@dataclass
class _Module:
    name: str
    label: str  # as shown in main.py, e.g. retention_xl/analysis/metrics.py
    source: str
    tree: ast.Module
    entry: bool
    bindings: list[_Binding] = field(default_factory=list)
    hoisted: list[ast.stmt] = field(default_factory=list)  # top-level third-party/stdlib imports
    dropped: list[ast.stmt] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)

    @property
    def tag(self) -> str:
        return "script" if self.name == SCRIPT_MODULE else self.name.rsplit(".", 1)[-1]


def _fail(module: str, node: ast.AST | None, what: str) -> DataError:
    where = f"{module}, line {node.lineno}" if node is not None and hasattr(node, "lineno") else module
    return DataError(f"cannot build the xlwings Lite bundle: {where}: {what}")


def _project_file(name: str) -> Path | None:
    """The source file of a retention-xl module, or None if ``name`` is not one."""
    parts = name.split(".")
    if parts[0] != PROJECT:
        return None
    base = Path(retention_xl.__file__).parent.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _absolute(module: _Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    is_package = module.label.endswith("__init__.py")
    package = package if is_package else package[:-1]
    if node.level - 1 >= len(package):
        raise _fail(module.label, node, "relative import goes above the package")
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_project(name: str) -> bool:
    return name == PROJECT or name.startswith(PROJECT + ".")


def _load(name: str, source: str, label: str, entry: bool) -> _Module:
    try:
        tree = ast.parse(source, label)
    except SyntaxError as err:
        raise _fail(label, None, f"does not parse ({err})") from None
    module = _Module(name, label, source, tree, entry)
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(_is_project(a.name) for a in node.names):
            raise _fail(label, node, "write `from retention_xl.x import y`, not `import retention_xl.x`")
        if isinstance(node, ast.ImportFrom) and _is_project(_absolute(module, node)) and id(node) not in top:
            raise _fail(label, node, "imports retention_xl below the top level; move the import to the top")
    for i, node in enumerate(tree.body):
        if i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            module.dropped.append(node)  # module docstring: its first line becomes the section title
        elif isinstance(node, ast.ImportFrom) and node.module == "__future__":
            module.dropped.append(node)
        elif isinstance(node, ast.ImportFrom) and _is_project(_absolute(module, node)):
            module.dropped.append(node)
            target = _absolute(module, node)
            for alias in node.names:
                if alias.name == "*":
                    raise _fail(label, node, "`import *` from retention_xl cannot be copied; name the imports")
                local = alias.asname or alias.name
                if _project_file(f"{target}.{alias.name}") is not None:
                    module.bindings.append(_Binding(local, f"{target}.{alias.name}", None))
                elif _project_file(target) is not None:
                    module.bindings.append(_Binding(local, target, alias.name))
                else:
                    raise _fail(label, node, f"no retention-xl module {target}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module.dropped.append(node)
            module.hoisted.append(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and any(
            isinstance(t, ast.Name) and t.id == "__all__"
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        ):
            module.dropped.append(node)
    table = symtable.symtable(source, label, "exec")
    module.defined = {
        s.get_name() for s in table.get_symbols()
        if (s.is_assigned() or s.is_namespace()) and not s.is_imported()
    } - {"__all__", "__doc__"}
    # imports left in place at module level (under an `if`/`try`) define names too
    module.defined |= {
        s.get_name() for s in table.get_symbols()
        if s.is_imported() and s.get_name() not in _imported_names(module)
    }
    return module


def _imported_names(module: _Module) -> set[str]:
    names = {b.local for b in module.bindings}
    for node in module.hoisted:
        names |= {_local_name(a) for a in node.names}
    return names


def _local_name(alias: ast.alias) -> str:
    return alias.asname or alias.name.split(".")[0]


def _collect(entries: list[tuple[str, str, str]]) -> list[_Module]:
    """Entry modules and everything they import from retention_xl, dependencies first."""
    loaded: dict[str, _Module] = {}
    order: list[_Module] = []
    state: dict[str, str] = {}

    def visit(module: _Module, chain: tuple[str, ...]) -> None:
        state[module.name] = "open"
        for dep in dict.fromkeys(b.module for b in module.bindings):
            if state.get(dep) == "open":
                raise _fail(module.label, None, f"circular import: {' -> '.join(chain + (dep,))}")
            if dep not in state:
                path = _project_file(dep)
                assert path is not None
                label = path.relative_to(Path(retention_xl.__file__).parent.parent).as_posix()
                loaded[dep] = _load(dep, path.read_text(encoding="utf-8"), label, entry=False)
                visit(loaded[dep], chain + (dep,))
        state[module.name] = "done"
        order.append(module)

    for name, source, label in entries:
        loaded[name] = _load(name, source, label, entry=True)
        visit(loaded[name], (name,))
    return order


# --------------------------------------------------------------------------- one namespace
def _import_key(node: ast.stmt, alias: ast.alias) -> tuple:
    if isinstance(node, ast.Import):
        return ("import", alias.name, alias.asname)
    return ("from", node.module, alias.name, alias.asname)


def _plan(modules: list[_Module]) -> tuple[dict[tuple[str, str], str], dict[str, tuple[str, set[str]]], dict]:
    """Decide the final global name of every module-level name.

    Returns the renames ``{(module, name): new_name}``, the namespace objects
    ``{alias: (module, attributes used)}`` and the hoisted imports ``{key: (node, alias)}``.
    """
    imports: dict[tuple, tuple[ast.stmt, ast.alias]] = {}
    import_locals: dict[str, tuple] = {}
    for m in modules:
        for node in m.hoisted:
            for alias in node.names:
                key, local = _import_key(node, alias), _local_name(alias)
                if import_locals.setdefault(local, key) != key:
                    raise _fail(m.label, node, f"`{local}` is imported differently in another module")
                imports.setdefault(key, (node, alias))

    namespaces: dict[str, tuple[str, set[str]]] = {}
    for m in modules:
        parents = {id(c): p for p in ast.walk(m.tree) for c in ast.iter_child_nodes(p)}
        for b in (b for b in m.bindings if b.attr is None):
            target, attrs = namespaces.setdefault(b.local, (b.module, set()))
            if target != b.module:
                raise _fail(m.label, None, f"`{b.local}` names two different modules")
            for node in ast.walk(m.tree):
                if isinstance(node, ast.Name) and node.id == b.local:
                    parent = parents.get(id(node))
                    if not (isinstance(parent, ast.Attribute) and parent.value is node):
                        raise _fail(m.label, node, f"module `{b.local}` is used other than as `{b.local}.name`")
                    attrs.add(parent.attr)

    if namespaces:
        key = ("from", "types", "SimpleNamespace", None)
        if import_locals.setdefault("SimpleNamespace", key) != key:
            raise _fail(modules[-1].label, None, "`SimpleNamespace` is imported from elsewhere")
        imports.setdefault(key, None)

    fixed: dict[str, str] = {local: "an import" for local in import_locals}
    fixed.update({alias: "a module" for alias in namespaces})
    claims: dict[str, list[_Module]] = {}
    for m in modules:
        for name in sorted(m.defined):
            if m.entry:
                if name in fixed:
                    raise _fail(m.label, None, f"`{name}` clashes with {fixed[name]} of the same name")
                fixed[name] = m.label
            else:
                claims.setdefault(name, []).append(m)
    taken = set(fixed) | set(claims)
    renames: dict[tuple[str, str], str] = {}
    for name, owners in claims.items():
        if len(owners) == 1 and name not in fixed:
            continue
        for m in owners:
            new = f"_{m.tag}_{name.lstrip('_')}"
            if new in taken:
                raise _fail(m.label, None, f"cannot rename `{name}`: `{new}` is taken")
            taken.add(new)
            renames[(m.name, name)] = new

    by_name = {m.name: m for m in modules}
    for alias, (target, attrs) in namespaces.items():
        missing = attrs - by_name[target].defined
        if missing:
            raise _fail(by_name[target].label, None, f"has no top-level {', '.join(sorted(missing))}")
    return renames, namespaces, imports


def _local_mapping(m: _Module, renames: dict[tuple[str, str], str], by_name: dict[str, _Module]) -> dict[str, str]:
    """Names to rewrite in one module: its renamed names and names imported under another name."""
    mapping = {name: new for (owner, name), new in renames.items() if owner == m.name}
    for b in m.bindings:
        if b.attr is None:
            continue
        target = by_name[b.module]
        if b.attr not in target.defined:
            raise _fail(m.label, None, f"imports {b.attr} from {b.module}, which does not define it at the top level")
        final = renames.get((b.module, b.attr), b.attr)
        if final != b.local:
            mapping[b.local] = final
    return mapping


def _check_global_only(m: _Module, names: set[str]) -> None:
    """Refuse a rename when a function or class uses one of ``names`` for something else."""

    def walk(table: symtable.SymbolTable) -> None:
        for child in table.get_children():
            for name in names & set(child.get_identifiers()):
                sym = child.lookup(name)
                if sym.is_local() or sym.is_parameter() or sym.is_declared_global():
                    raise _fail(m.label, None, f"`{name}` is also a local name in {child.get_name()}; "
                                               "rename one of them")
            walk(child)

    walk(symtable.symtable(m.source, m.label, "exec"))


class _Renamer(ast.NodeTransformer):
    def __init__(self, mapping: dict[str, str]):
        self.mapping = mapping

    def visit_Name(self, node: ast.Name) -> ast.Name:
        node.id = self.mapping.get(node.id, node.id)
        return node

    def _def(self, node):
        node.name = self.mapping.get(node.name, node.name)
        self.generic_visit(node)
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _def


def _renamed_source(m: _Module, mapping: dict[str, str]) -> str:
    """The module's text with ``mapping`` applied to names (not to attributes or strings)."""
    if not mapping:
        return m.source
    _check_global_only(m, set(mapping))
    lines = m.source.splitlines(keepends=True)
    edits: dict[int, list[tuple[int, int, str]]] = {}
    for node in ast.walk(m.tree):
        if isinstance(node, ast.Name) and node.id in mapping:
            edits.setdefault(node.lineno, []).append((node.col_offset, node.end_col_offset, mapping[node.id]))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in mapping:
            line = lines[node.lineno - 1]
            found = re.search(rf"\b(?:def|class)\s+({re.escape(node.name)})\b", line)
            if found is None:
                raise _fail(m.label, node, f"cannot find the definition of `{node.name}`")
            start = len(line[: found.start(1)].encode("utf-8"))
            edits.setdefault(node.lineno, []).append((start, start + len(node.name.encode()), mapping[node.name]))
    for lineno, spans in edits.items():
        raw = lines[lineno - 1].encode("utf-8")
        for start, end, new in sorted(spans, reverse=True):  # offsets are in UTF-8 bytes
            raw = raw[:start] + new.encode("utf-8") + raw[end:]
        lines[lineno - 1] = raw.decode("utf-8")
    result = "".join(lines)
    expected = _Renamer(mapping).visit(ast.parse(m.source))
    if ast.dump(ast.parse(result)) != ast.dump(expected):
        raise _fail(m.label, None, f"renaming {', '.join(sorted(mapping))} did not give the expected code")
    return result


def _body(m: _Module, source: str) -> str:
    """The module's text without its dropped statements (imports, ``__all__``, docstring)."""
    lines = source.splitlines()
    body = m.tree.body
    drop: set[int] = set()
    for node in m.dropped:
        i = body.index(node)
        if (i > 0 and body[i - 1].end_lineno >= node.lineno) or \
                (i + 1 < len(body) and body[i + 1].lineno <= node.end_lineno):
            raise _fail(m.label, node, "shares its line with another statement")
        drop.update(range(node.lineno - 1, node.end_lineno))
    kept = [line for i, line in enumerate(lines) if i not in drop]
    text = re.sub(r"\n{3,}", "\n\n\n", "\n".join(kept).strip("\n"))
    return text


def _render_imports(imports: dict) -> list[str]:
    lines = {"stdlib": [], "third": []}
    froms: dict[str, set[str]] = {}
    plain: set[str] = set()
    for key in imports:
        if key[0] == "import":
            plain.add(f"import {key[1]}" + (f" as {key[2]}" if key[2] else ""))
        else:
            froms.setdefault(key[1], set()).add(key[2] + (f" as {key[3]}" if key[3] else ""))
    for line in plain:
        kind = "stdlib" if line.split()[1].split(".")[0] in sys.stdlib_module_names else "third"
        lines[kind].append(line)
    for mod, names in froms.items():
        kind = "stdlib" if mod.split(".")[0] in sys.stdlib_module_names else "third"
        lines[kind].append(f"from {mod} import {', '.join(sorted(names))}")
    key = lambda line: (line.startswith("from"), line.split()[1])
    out = sorted(lines["stdlib"], key=key)
    if lines["third"]:
        out += [""] + sorted(lines["third"], key=key)
    return out


# --------------------------------------------------------------------------- the bundle
def _formula_names() -> list[str]:
    from retention_xl import udfs  # the names the integrator exports, at build time

    return list(udfs.__all__)


def _entries() -> list[tuple[str, str, str]]:
    formulas = _project_file(FORMULAS_MODULE)
    assert formulas is not None
    script = _SCRIPT.replace("@SUMMARY_MARK@", SHEET_MARK.format(key="summary"))
    return [
        (FORMULAS_MODULE, formulas.read_text(encoding="utf-8"), "retention_xl/udfs.py"),
        (SCRIPT_MODULE, script, "build_report script"),
    ]


def lite_main_source() -> str:
    """The text of ``main.py`` for xlwings Lite, made from this installation's source.

    Raises :class:`DataError` if a module cannot be copied faithfully (see the module
    docstring); the message names the module and line.
    """
    modules = _collect(_entries())
    by_name = {m.name: m for m in modules}
    renames, namespaces, imports = _plan(modules)

    formulas = _formula_names()
    udfs_module = by_name[FORMULAS_MODULE]
    missing = [f for f in formulas if f not in udfs_module.defined]
    if missing:
        raise _fail(udfs_module.label, None, f"__all__ lists {', '.join(missing)}, which it does not define")
    copied = [m.label for m in modules]
    rule = "# " + "=" * 88
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
        *[f"#   {label}" for label in copied],
        "",
        "from __future__ import annotations",
        "",
        *_render_imports(imports),
    ]
    for m in modules:
        text = _body(m, _renamed_source(m, _local_mapping(m, renames, by_name)))
        doc = ast.get_docstring(m.tree)
        title = f"{m.label}: {doc.splitlines()[0]}" if doc else m.label
        out += ["", "", rule, f"# {title}", rule, "", text]
        for alias, (target, attrs) in sorted(namespaces.items()):
            if target == m.name:
                fields = "".join(f"    {a}={renames.get((m.name, a), a)},\n" for a in sorted(attrs))
                out += ["", "", f"# `{alias}.name` as in {m.label}", f"{alias} = SimpleNamespace(\n{fields})"]
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
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return targets
