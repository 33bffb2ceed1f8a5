"""Copy retention-xl modules into one source file, as xlwings Lite's ``main.py`` needs.

xlwings Lite runs only the code pasted into its ``main.py`` tab and cannot install
retention-xl, so :mod:`retention_xl.excel.lite` gives this module the code it starts from
(the formulas of :mod:`retention_xl.udfs` and a script) and gets back the same code with
every retention-xl module it uses copied in front, from this installation's source so that
nothing is written twice. :class:`ModuleBundle` does the copying:

* starting from the entry modules, every ``from retention_xl... import ...`` is followed,
  transitively, and each module is copied once, dependencies first;
* those imports are removed; a module imported as a whole (``from retention_xl.analysis
  import metrics``) becomes a namespace object holding the names used through it;
* all other top-level imports are gathered at the top of the file;
* when two modules define the same top-level name (two private ``_fmt`` helpers), each
  copy is renamed (``_metrics_fmt``) together with every use of it in its own module;
* anything that cannot be copied faithfully stops the build with a :class:`DataError`
  naming the module and the line: ``import retention_xl`` forms other than
  ``from ... import``, an import of retention-xl inside a function, a rename that would
  touch a local variable, a module-level name used in an unexpected way.
"""

from __future__ import annotations

import ast
import re
import symtable
import sys

from retention_xl.excel.project_modules import SourceModule, build_error, collect_modules, local_name

__all__ = ["ModuleBundle"]

_RULE = "# " + "=" * 88  # above and below each copied module's title


# --------------------------------------------------------------------------- one namespace
def _import_key(node: ast.stmt, alias: ast.alias) -> tuple:
    if isinstance(node, ast.Import):
        return ("import", alias.name, alias.asname)
    return ("from", node.module, alias.name, alias.asname)


def _plan(modules: list[SourceModule]) -> tuple[dict[tuple[str, str], str], dict[str, tuple[str, set[str]]], dict]:
    """Decide the final global name of every module-level name.

    Returns the renames ``{(module, name): new_name}``, the namespace objects
    ``{alias: (module, attributes used)}`` and the hoisted imports ``{key: (node, alias)}``.
    """
    imports: dict[tuple, tuple[ast.stmt, ast.alias]] = {}
    import_locals: dict[str, tuple] = {}
    for m in modules:
        for node in m.hoisted:
            for alias in node.names:
                key, local = _import_key(node, alias), local_name(alias)
                if import_locals.setdefault(local, key) != key:
                    raise build_error(m.label, node, f"`{local}` is imported differently in another module")
                imports.setdefault(key, (node, alias))

    namespaces: dict[str, tuple[str, set[str]]] = {}
    for m in modules:
        whole = [b for b in m.bindings if b.attr is None]
        parents = {id(c): p for p in ast.walk(m.tree) for c in ast.iter_child_nodes(p)} if whole else {}
        for b in whole:
            target, attrs = namespaces.setdefault(b.local, (b.module, set()))
            if target != b.module:
                raise build_error(m.label, None, f"`{b.local}` names two different modules")
            for node in ast.walk(m.tree):
                if isinstance(node, ast.Name) and node.id == b.local:
                    parent = parents.get(id(node))
                    if not (isinstance(parent, ast.Attribute) and parent.value is node):
                        raise build_error(m.label, node, f"module `{b.local}` is used other than as `{b.local}.name`")
                    attrs.add(parent.attr)

    if namespaces:
        key = ("from", "types", "SimpleNamespace", None)
        if import_locals.setdefault("SimpleNamespace", key) != key:
            raise build_error(modules[-1].label, None, "`SimpleNamespace` is imported from elsewhere")
        imports.setdefault(key, None)

    fixed: dict[str, str] = {local: "an import" for local in import_locals}
    fixed.update({alias: "a module" for alias in namespaces})
    claims: dict[str, list[SourceModule]] = {}
    for m in modules:
        for name in sorted(m.defined):
            if m.entry:
                if name in fixed:
                    raise build_error(m.label, None, f"`{name}` clashes with {fixed[name]} of the same name")
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
                raise build_error(m.label, None, f"cannot rename `{name}`: `{new}` is taken")
            taken.add(new)
            renames[(m.name, name)] = new

    by_name = {m.name: m for m in modules}
    for alias, (target, attrs) in namespaces.items():
        missing = attrs - by_name[target].defined
        if missing:
            raise build_error(by_name[target].label, None, f"has no top-level {', '.join(sorted(missing))}")
    return renames, namespaces, imports


def _local_mapping(m: SourceModule, renames: dict[tuple[str, str], str], by_name: dict[str, SourceModule]) -> dict[str, str]:
    """Names to rewrite in one module: its renamed names and names imported under another name."""
    mapping = {name: new for (owner, name), new in renames.items() if owner == m.name}
    for b in m.bindings:
        if b.attr is None:
            continue
        target = by_name[b.module]
        if b.attr not in target.defined:
            raise build_error(m.label, None, f"imports {b.attr} from {b.module}, which does not define it at the top level")
        final = renames.get((b.module, b.attr), b.attr)
        if final != b.local:
            mapping[b.local] = final
    return mapping


def _check_global_only(m: SourceModule, names: set[str]) -> None:
    """Refuse a rename when a function or class uses one of ``names`` for something else."""

    def walk(table: symtable.SymbolTable) -> None:
        for child in table.get_children():
            for name in names & set(child.get_identifiers()):
                sym = child.lookup(name)
                if sym.is_local() or sym.is_parameter() or sym.is_declared_global():
                    raise build_error(m.label, None, f"`{name}` is also a local name in {child.get_name()}; "
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


def _renamed_source(m: SourceModule, mapping: dict[str, str]) -> str:
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
                raise build_error(m.label, node, f"cannot find the definition of `{node.name}`")
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
        raise build_error(m.label, None, f"renaming {', '.join(sorted(mapping))} did not give the expected code")
    return result


def _body(m: SourceModule, source: str) -> str:
    """The module's text without its dropped statements (imports, ``__all__``, docstring)."""
    lines = source.splitlines()
    body = m.tree.body
    drop: set[int] = set()
    for node in m.dropped:
        i = body.index(node)
        if (i > 0 and body[i - 1].end_lineno >= node.lineno) or \
                (i + 1 < len(body) and body[i + 1].lineno <= node.end_lineno):
            raise build_error(m.label, node, "shares its line with another statement")
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



# --------------------------------------------------------------------------- the copies together
class ModuleBundle:
    """Entry modules and every retention-xl module they import, as one namespace.

    Parameters
    ----------
    entries : list of (name, source, label)
        The modules to start from: a dotted name, the code, and how ``main.py`` names it.
        Their top-level names are kept as written; a name that clashes with an import or
        with another entry stops the build.

    Raises
    ------
    DataError
        If a module cannot be copied faithfully (see the module docstring); the message
        names the module and line.

    Examples
    --------
    >>> code = "from retention_xl.labels import label as L\\n\\nX = L('en', 'fig.orders')\\n"
    >>> bundle = ModuleBundle([("example", code, "example.py")])
    >>> bundle.labels  # doctest: +NORMALIZE_WHITESPACE
    ['retention_xl/errors.py', 'retention_xl/labels/ar.py', 'retention_xl/labels/en.py', 'retention_xl/labels/fa.py',
     'retention_xl/labels/__init__.py', 'example.py']
    >>> bundle.sections()[-1]
    "X = label('en', 'fig.orders')"
    """

    def __init__(self, entries: list[tuple[str, str, str]]):
        self._modules = collect_modules(entries)
        self._by_name = {m.name: m for m in self._modules}
        self._renames, self._namespaces, self._imports = _plan(self._modules)

    @property
    def labels(self) -> list[str]:
        """The modules copied, in the order they appear (dependencies first)."""
        return [m.label for m in self._modules]

    def label(self, name: str) -> str:
        """How ``main.py`` names the module ``name``."""
        return self._by_name[name].label

    def defined(self, name: str) -> set[str]:
        """The top-level names the module ``name`` defines, as written in its source."""
        return self._by_name[name].defined

    def exported(self, name: str) -> tuple[str, ...] | None:
        """The module ``name``'s ``__all__`` as written in its source (None if it has none
        written as a list of names)."""
        return self._by_name[name].exported

    def import_lines(self) -> list[str]:
        """The gathered imports: standard library, a blank line, then other packages."""
        return _render_imports(self._imports)

    def sections(self) -> list[str]:
        """The lines that follow the imports: each module under its title, renames applied."""
        out: list[str] = []
        for m in self._modules:
            text = _body(m, _renamed_source(m, _local_mapping(m, self._renames, self._by_name)))
            doc = ast.get_docstring(m.tree)
            title = f"{m.label}: {doc.splitlines()[0]}" if doc else m.label
            out += ["", "", _RULE, f"# {title}", _RULE, "", text]
            for alias, (target, attrs) in sorted(self._namespaces.items()):
                if target == m.name:
                    fields = "".join(f"    {a}={self._renames.get((m.name, a), a)},\n" for a in sorted(attrs))
                    out += ["", "", f"# `{alias}.name` as in {m.label}", f"{alias} = SimpleNamespace(\n{fields})"]
        return out
