"""retention-xl's own modules as source code, and the imports that tie them together.

Reading a module (:func:`collect_modules`) sorts its top-level statements for
:mod:`retention_xl.excel.module_bundle`, which copies modules into one file: imports from
retention-xl (followed, transitively, and removed from the copy), other imports (gathered
at the top of the file), ``__all__`` and the docstring (left out), and the names the
module defines. Anything that cannot be followed faithfully stops with a
:class:`DataError` naming the module and the line.
"""

from __future__ import annotations

import ast
import symtable
from dataclasses import dataclass, field
from pathlib import Path

import retention_xl
from retention_xl.errors import DataError

__all__ = ["PROJECT", "Binding", "SourceModule", "build_error", "collect_modules", "import_statements", "local_name",
           "project_file"]

PROJECT = "retention_xl"


@dataclass(frozen=True)
class Binding:
    """``local`` names ``module.attr`` (``attr`` None: the module as a whole)."""

    local: str
    module: str
    attr: str | None


@dataclass
class SourceModule:
    """One module's source, parsed, with what copying it into one file needs to know."""

    name: str
    label: str  # as shown in main.py, e.g. retention_xl/analysis/metrics.py
    source: str
    tree: ast.Module
    entry: bool
    bindings: list[Binding] = field(default_factory=list)
    hoisted: list[ast.stmt] = field(default_factory=list)  # top-level third-party/stdlib imports
    dropped: list[ast.stmt] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)
    exported: tuple[str, ...] | None = None  # its ``__all__``, when written as a list of names

    @property
    def tag(self) -> str:
        """The prefix of a renamed name (only modules that are not entries are renamed): the
        module's path below the package, ``metrics`` for the analysis core's
        ``retention_xl.analysis.metrics``, ``layout_cohorts`` for ``retention_xl.layout.cohorts``."""
        path = self.name.removeprefix("retention_xl.").removeprefix("analysis.")
        return path.replace(".", "_")


def build_error(module: str, node: ast.AST | None, what: str) -> DataError:
    """The error that stops the bundle, naming the module and, with ``node``, the line."""
    where = f"{module}, line {node.lineno}" if node is not None and hasattr(node, "lineno") else module
    return DataError(f"cannot build the xlwings Lite bundle: {where}: {what}")


def project_file(name: str) -> Path | None:
    """The source file of a retention-xl module, or None if ``name`` is not one."""
    parts = name.split(".")
    if parts[0] != PROJECT:
        return None
    base = Path(retention_xl.__file__).parent.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _absolute(module: SourceModule, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    is_package = module.label.endswith("__init__.py")
    package = package if is_package else package[:-1]
    if node.level - 1 >= len(package):
        raise build_error(module.label, node, "relative import goes above the package")
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _is_project(name: str) -> bool:
    return name == PROJECT or name.startswith(PROJECT + ".")


def _load(name: str, source: str, label: str, entry: bool) -> SourceModule:
    try:
        tree = ast.parse(source, label)
    except SyntaxError as err:
        raise build_error(label, None, f"does not parse ({err})") from None
    module = SourceModule(name, label, source, tree, entry)
    top = set(map(id, tree.body))
    for node, _ in import_statements(tree.body):
        if isinstance(node, ast.Import) and any(_is_project(a.name) for a in node.names):
            raise build_error(label, node, "write `from retention_xl.x import y`, not `import retention_xl.x`")
        if isinstance(node, ast.ImportFrom) and _is_project(_absolute(module, node)) and id(node) not in top:
            raise build_error(label, node, "imports retention_xl below the top level; move the import to the top")
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
                    raise build_error(label, node, "`import *` from retention_xl cannot be copied; name the imports")
                local = alias.asname or alias.name
                if project_file(f"{target}.{alias.name}") is not None:
                    module.bindings.append(Binding(local, f"{target}.{alias.name}", None))
                elif project_file(target) is not None:
                    module.bindings.append(Binding(local, target, alias.name))
                else:
                    raise build_error(label, node, f"no retention-xl module {target}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module.dropped.append(node)
            module.hoisted.append(node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and any(
            isinstance(t, ast.Name) and t.id == "__all__"
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        ):
            module.dropped.append(node)
            try:
                names = ast.literal_eval(node.value) if node.value is not None else None
            except ValueError:  # computed: not known without running the module
                names = None
            if isinstance(names, (list, tuple)) and all(isinstance(n, str) for n in names):
                module.exported = tuple(names)
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


def import_statements(statements, optional: bool = False):
    """Every import statement among ``statements`` and the statements nested in them, with
    whether it sits in the body of a ``try`` that catches ImportError. Imports are
    statements, so expressions are not visited (statements are 7% of this package's nodes).

    >>> tree = ast.parse("import a\\ntry:\\n    import b\\nexcept ImportError:\\n    import c\\n"
    ...                  "def f():\\n    from d import e\\n")
    >>> [(ast.unparse(node), optional) for node, optional in import_statements(tree.body)]
    [('import a', False), ('import b', True), ('import c', False), ('from d import e', False)]
    """
    for node in statements:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, optional
            continue
        guarded = isinstance(node, ast.Try) and any(
            isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
            for h in node.handlers)
        for name, value in ast.iter_fields(node):
            if not isinstance(value, list):
                continue
            inner = optional or (guarded and name == "body")
            for item in value:
                if isinstance(item, ast.stmt):
                    yield from import_statements([item], inner)
                elif isinstance(item, (ast.excepthandler, ast.match_case)):
                    yield from import_statements(item.body, inner)


def _imported_names(module: SourceModule) -> set[str]:
    names = {b.local for b in module.bindings}
    for node in module.hoisted:
        names |= {local_name(a) for a in node.names}
    for node in module.dropped:  # `from __future__ import annotations`: a compiler switch, not a name
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            names |= {local_name(a) for a in node.names}
    return names


def local_name(alias: ast.alias) -> str:
    """The name an import binds: ``import a.b`` binds ``a``, ``import a as c`` binds ``c``."""
    return alias.asname or alias.name.split(".")[0]


def collect_modules(entries: list[tuple[str, str, str]]) -> list[SourceModule]:
    """Entry modules and everything they import from retention_xl, dependencies first.

    Parameters
    ----------
    entries : list of (name, source, label)
        The modules to start from: a dotted name, the code, and how to name it in messages.

    Raises
    ------
    DataError
        On an import that cannot be followed: ``import retention_xl.x``, an import inside
        a function, ``import *``, a module that does not exist, a circular import.

    Examples
    --------
    >>> code = "from retention_xl.labels import label\\n\\nX = label('en', 'fig.orders')\\n"
    >>> [(m.label, m.entry) for m in collect_modules([("example", code, "example.py")])]  # doctest: +NORMALIZE_WHITESPACE
    [('retention_xl/errors.py', False), ('retention_xl/labels/ar.py', False), ('retention_xl/labels/en.py', False),
     ('retention_xl/labels/fa.py', False), ('retention_xl/labels/__init__.py', False), ('example.py', True)]
    """
    loaded: dict[str, SourceModule] = {}
    order: list[SourceModule] = []
    state: dict[str, str] = {}

    def visit(module: SourceModule, chain: tuple[str, ...]) -> None:
        state[module.name] = "open"
        for dep in dict.fromkeys(b.module for b in module.bindings):
            if state.get(dep) == "open":
                raise build_error(module.label, None, f"circular import: {' -> '.join(chain + (dep,))}")
            if dep not in state:
                path = project_file(dep)
                assert path is not None
                label = path.relative_to(Path(retention_xl.__file__).parent.parent).as_posix()
                loaded[dep] = _load(dep, path.read_text(encoding="utf-8"), label, entry=False)
                visit(loaded[dep], chain + (dep,))
        state[module.name] = "done"
        order.append(module)

    for name, source, label in entries:  # every entry read (and refused) before any import is followed
        loaded[name] = _load(name, source, label, entry=True)
    for name, _, _ in entries:
        visit(loaded[name], (name,))
    return order
