"""An in-memory stand-in for the xlwings objects the live report reads and writes.

It implements only what :mod:`retention_xl.excel.macro`, :mod:`retention_xl.excel.live_orders`
and :mod:`retention_xl.excel.xlwings_writer` call, with Excel's behaviour where the report
depends on it:

* a string written to a cell whose number format is not Text (``@``) is what typing it
  would be: ``=...``, ``+...``, ``-...`` and ``@...`` become formulas, numeric text
  becomes a number; under ``@`` it stays the text written;
* sheet names are unique ignoring case (31 characters at most), table names are unique in
  the workbook (also against defined names), a table's headers must be filled and unique;
* a defined name follows its sheet through renames and turns into ``#REF!`` when the sheet
  is deleted; the last sheet cannot be deleted;
* ``current_region`` grows over filled neighbours (diagonals included), ``used_range`` is
  the box of filled cells;
* a read of more than :data:`READ_LIMIT` cells fails at once, as Excel would after minutes
  (or run out of memory), so a test that reads too much fails instead of hanging;
* Tables behave as ListObjects where a report's users depend on them: ``Table.resize``
  keeps the header row and must overlap the old range and no other table; a formula
  with a structured reference (``=SUM(PeriodKPIs[Net revenue])``) follows a renamed
  column header and a renamed table, and turns into ``#REF!`` for good when its table (or its sheet) is
  deleted or its column is resized away; :meth:`Book.calculate` evaluates such a SUM;
* whole rows (``sheet.range("5:7")``) can be inserted and deleted: cells, formats, fonts,
  tables, defined names and charts below move with them;
* a write through ``options(chunksize=n)`` goes in chunks of ``n`` rows, as xlwings
  writes it (one logged write per chunk);
* charts take the portable chart API of xlwings 0.37 (name, title, legend, value axis,
  series names, x-axis values); ``set_source_data`` makes one series per row or column
  of the source, as Excel does; conditional formats are recorded per range.

Every read, write and ``.api`` call is logged on the book so tests can count them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_A1 = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")
_ROWS = re.compile(r"^\$?(\d+):\$?(\d+)$")
_STRUCTURED = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\[([^\[\]]+)\]")
LAST_COLUMN = 16_384
_REF = re.compile(r"^=(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]+)\$?(\d+)$")
_FORMULA_START = ("=", "+", "-", "@")
READ_LIMIT = 10_000_000


def col_letter(col: int) -> str:
    out = ""
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _cell_ref(ref) -> tuple[int, int]:
    if isinstance(ref, tuple):
        return int(ref[0]), int(ref[1])
    m = _A1.match(ref.upper())
    if not m:
        raise ValueError(f"bad cell reference {ref!r}")
    return int(m.group(2)), col_number(m.group(1))


class Api:
    """Excel's object model as a recorder: attributes set are logged and kept, calls logged."""

    def __init__(self, log: list, path: str):
        object.__setattr__(self, "_log", log)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        return Api(self._log, f"{self._path}.{name}")

    def __setattr__(self, name: str, value: Any) -> None:
        self._log.append((f"{self._path}.{name}", value))
        self._values[name] = value

    def __call__(self, *args: Any) -> Api:
        self._log.append((f"{self._path}()", args))
        return Api(self._log, f"{self._path}({', '.join(map(str, args))})")


class App:
    def __init__(self, can_alert: bool = True):
        self._status_bar: Any = False  # False: Excel shows its own text
        self._screen_updating = True
        self.status_history: list[Any] = []
        self.screen_history: list[bool] = []
        self.alerts: list[dict] = []
        self.can_alert = can_alert
        self.book: Book | None = None

    @property
    def status_bar(self) -> Any:
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value: Any) -> None:
        self.status_history.append(value)
        self._status_bar = value

    @property
    def screen_updating(self) -> bool:
        return self._screen_updating

    @screen_updating.setter
    def screen_updating(self, value: bool) -> None:
        self.screen_history.append(value)
        self._screen_updating = value

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str:
        if not self.can_alert:
            raise NotImplementedError("alert is not supported here")
        self.alerts.append({"prompt": prompt, "title": title, "mode": mode, "status_bar": self._status_bar})
        return "ok"

    @property
    def api(self) -> Any:
        app = self

        class _AppApi:
            @property
            def ActiveWindow(self) -> Api:  # Excel's name
                return Api(app.book.api_log, f"Window[{app.book.sheets.active.name}]")

        return _AppApi()


class Book:
    def __init__(self, app: App | None = None):
        self.app = app or App()
        self.app.book = self
        self._sheets: list[Sheet] = []
        self.sheets = Sheets(self)
        self.names = Names(self)
        self._active: Sheet | None = None
        self.selection: Range | None = None
        self.log: list[tuple] = []  # (kind, sheet, (r1, c1, r2, c2), detail)
        self.api_log: list[tuple] = []

    def add_sheet(self, name: str) -> Sheet:
        """Test setup: a sheet at the end."""
        return self.sheets.add(name, after=self._sheets[-1] if self._sheets else None)

    def select(self, rng: Range) -> None:
        self._active = rng.sheet
        self.selection = rng

    def writes(self, kind: str | None = None) -> list[tuple]:
        return [e for e in self.log if e[0] != "read" and (kind is None or e[0] == kind)]

    def table(self, name: str) -> Table | None:
        return next((t for ws in self._sheets for t in ws.tables._items if t.name.casefold() == name.casefold()), None)

    def calculate(self, formula: str) -> Any:
        """``=SUM(Table[Column])`` as Excel computes it: numbers in the column's data rows."""
        m = re.fullmatch(r"=SUM\(([^\[\]]+)\[([^\[\]]+)\]\)", formula)
        if not m:
            return "#REF!" if "#REF!" in formula else "#NAME?"
        table = self.table(m.group(1))
        if table is None:
            return "#REF!"
        r1, c1, r2, c2 = table.range.box
        headers = [table.parent.values.get((r1, c)) for c in range(c1, c2 + 1)]
        if m.group(2) not in headers:
            return "#REF!"
        col = c1 + headers.index(m.group(2))
        return sum(v for r in range(r1 + 1, r2 + 1)
                   if isinstance(v := table.parent.values.get((r, col)), (int, float)) and not isinstance(v, bool))

    def _rewrite_references(self, change) -> None:
        """Apply ``change(table, column) -> str | None`` to every structured reference in every formula."""
        for ws in self._sheets:
            for cell, formula in list(ws.formulas.items()):
                def replace(m):
                    new = change(m.group(1), m.group(2))
                    return m.group(0) if new is None else new
                ws.formulas[cell] = _STRUCTURED.sub(replace, formula)

    def _table_gone(self, name: str, columns: set[str] | None = None) -> None:
        """Excel turns references to a deleted table (or to deleted columns of it) into #REF!."""
        def change(table, column):
            if table.casefold() == name.casefold() and (columns is None or column in columns):
                return "#REF!"
            return None
        self._rewrite_references(change)


class Sheets:
    def __init__(self, book: Book):
        self.book = book

    def __iter__(self):
        return iter(list(self.book._sheets))

    def __len__(self) -> int:
        return len(self.book._sheets)

    def __getitem__(self, key: int | str) -> Sheet:
        if isinstance(key, int):
            return self.book._sheets[key]
        for s in self.book._sheets:
            if s.name.casefold() == key.casefold():
                return s
        raise KeyError(key)

    @property
    def active(self) -> Sheet:
        return self.book._active

    def add(self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        sheets = self.book._sheets
        name = name or f"Sheet{len(sheets) + 1}"
        sheet = Sheet(self.book, name)
        self.book._check_sheet_name(name, None)
        if before is not None:
            sheets.insert(sheets.index(before), sheet)
        elif after is not None:
            sheets.insert(sheets.index(after) + 1, sheet)
        else:
            sheets.insert(sheets.index(self.book._active) if self.book._active else 0, sheet)
        self.book._active = sheet
        return sheet


def _check_sheet_name(self: Book, name: str, sheet: Sheet | None) -> None:
    if not name or len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
        raise ValueError(f"invalid sheet name {name!r}")
    for s in self._sheets:
        if s is not sheet and s.name.casefold() == name.casefold():
            raise ValueError(f"a sheet named {name!r} already exists")


Book._check_sheet_name = _check_sheet_name


class Sheet:
    def __init__(self, book: Book, name: str):
        self.book = book
        self._name = name
        self.values: dict[tuple[int, int], Any] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.format_rules: list[tuple[tuple[int, int, int, int], str]] = []
        self.widths: dict[int, float] = {}
        self.fonts: list[tuple[tuple[int, int, int, int], str, Any]] = []
        self.conditional_formats: list[tuple[tuple[int, int, int, int], tuple]] = []
        self.tables = Tables(self)
        self.charts = Charts(self)
        self.api = Api(book.api_log, f"Sheet[{name}]")
        self.deleted = False

    def _shift_rows(self, first: int, by: int) -> None:
        """Move everything from row ``first`` down by ``by`` rows (up when negative)."""
        def moved(box):
            r1, c1, r2, c2 = box
            return (r1 + by if r1 >= first else r1, c1, r2 + by if r2 >= first else r2, c2)

        for store in ("values", "formulas"):
            old = getattr(self, store)
            setattr(self, store, {((r + by) if r >= first else r, c): v for (r, c), v in old.items()})
        self.format_rules = [(moved(b), f) for b, f in self.format_rules]
        self.fonts = [(moved(b), a, v) for b, a, v in self.fonts]
        self.conditional_formats = [(moved(b), f) for b, f in self.conditional_formats]
        for table in self.tables._items:
            table.range = Range(self, *moved(table.range.box))
        for chart in self.charts._items:
            if chart.top >= 15.0 * (first - 1):
                chart.top += 15.0 * by
        for name in self.book.names._items:
            if name.sheet is self and name.cell[0] >= first:
                name.cell = (name.cell[0] + by, name.cell[1])

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self.book._check_sheet_name(value, self)
        self._name = value

    def range(self, cell1, cell2=None) -> Range:
        if isinstance(cell1, str) and (m := _ROWS.match(cell1)):  # whole rows, e.g. "5:7"
            return Range(self, int(m.group(1)), 1, int(m.group(2)), LAST_COLUMN)
        r1, c1 = _cell_ref(cell1)
        r2, c2 = _cell_ref(cell2) if cell2 is not None else (r1, c1)
        return Range(self, min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))

    @property
    def used_range(self) -> Range:
        if not self.values:
            return self.range((1, 1))
        rows = [r for r, _ in self.values]
        cols = [c for _, c in self.values]
        return Range(self, min(rows), min(cols), max(rows), max(cols))

    def activate(self) -> None:
        self.book._active = self

    def delete(self) -> None:
        book = self.book
        if len(book._sheets) == 1:
            raise RuntimeError("a workbook must keep at least one sheet")
        i = book._sheets.index(self)
        book._sheets.remove(self)
        self.deleted = True
        for table in self.tables._items:
            book._table_gone(table.name)
        if book._active is self:
            book._active = book._sheets[max(i - 1, 0)]

    def number_format_at(self, row: int, col: int) -> str:
        for (r1, c1, r2, c2), f in reversed(self.format_rules):  # the last rule set wins
            if r1 <= row <= r2 and c1 <= col <= c2:
                return f
        return "General"

    def font_at(self, row: int, col: int) -> dict:
        out: dict = {}
        for (r1, c1, r2, c2), attr, value in self.fonts:
            if r1 <= row <= r2 and c1 <= col <= c2:
                out[attr] = value
        return out

    def grid(self, r1: int, c1: int, r2: int, c2: int) -> list[list[Any]]:
        return [[self.values.get((r, c)) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    def put(self, top_left: str, rows: list[list[Any]]) -> None:
        """Test setup: values typed in as they are (no logging, no conversion)."""
        r0, c0 = _cell_ref(top_left)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is not None:
                    self.values[(r0 + i, c0 + j)] = v

    def __repr__(self) -> str:
        return f"<Sheet {self._name}>"


class _Options:
    def __init__(self, rng: Range, ndim: int | None, chunksize: int | None = None):
        self.rng, self.ndim, self.chunksize = rng, ndim, chunksize

    @property
    def value(self) -> Any:
        return self.rng._read(self.ndim)

    @value.setter
    def value(self, data: Any) -> None:
        """As xlwings' chunked write: rows ``[i*n, (i+1)*n)`` to the matching rows of the range."""
        if not self.chunksize or not isinstance(data, list) or not data or not isinstance(data[0], list):
            self.rng.value = data
            return
        r1, c1, _, c2 = self.rng.box
        for start in range(0, len(data), self.chunksize):
            chunk = data[start:start + self.chunksize]
            Range(self.rng.sheet, r1 + start, c1, r1 + start + len(chunk) - 1, c2).value = chunk


class Font:
    def __init__(self, rng: Range):
        object.__setattr__(self, "_rng", rng)

    def __setattr__(self, attr: str, value: Any) -> None:
        rng = self._rng
        rng.sheet.fonts.append((rng.box, attr, value))
        rng.sheet.book.log.append(("font", rng.sheet.name, rng.box, attr))


class Range:
    def __init__(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int):
        self.sheet = sheet
        self.box = (r1, c1, r2, c2)

    @property
    def row(self) -> int:
        return self.box[0]

    @property
    def column(self) -> int:
        return self.box[1]

    @property
    def shape(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self.box
        return r2 - r1 + 1, c2 - c1 + 1

    @property
    def address(self) -> str:
        r1, c1, r2, c2 = self.box
        first = f"${col_letter(c1)}${r1}"
        return first if (r1, c1) == (r2, c2) else f"{first}:${col_letter(c2)}${r2}"

    @property
    def left(self) -> float:
        return 48.0 * (self.box[1] - 1)

    @property
    def top(self) -> float:
        return 15.0 * (self.box[0] - 1)

    @property
    def api(self) -> Api:
        return Api(self.sheet.book.api_log, f"Range[{self.sheet.name}!{self.address.replace('$', '')}]")

    @property
    def font(self) -> Font:
        return Font(self)

    def options(self, ndim: int | None = None, chunksize: int | None = None, **_: Any) -> _Options:
        return _Options(self, ndim, chunksize)

    @property
    def formula(self) -> str | None:
        return self.sheet.formulas.get(self.box[:2])

    @formula.setter
    def formula(self, text: str) -> None:
        self.sheet.formulas[self.box[:2]] = text

    def clear(self) -> None:
        """Contents and formats (number formats, fonts, conditional formats) of the cells."""
        r1, c1, r2, c2 = self.box
        sheet = self.sheet
        for cell in [k for k in sheet.values if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
            del sheet.values[cell]
        for cell in [k for k in sheet.formulas if r1 <= k[0] <= r2 and c1 <= k[1] <= c2]:
            del sheet.formulas[cell]
        sheet.format_rules.append((self.box, "General"))
        sheet.fonts = [f for f in sheet.fonts if not _inside(f[0], self.box)]
        sheet.conditional_formats = [f for f in sheet.conditional_formats if not _inside(f[0], self.box)]
        sheet.book.log.append(("clear", sheet.name, self.box, None))

    @property
    def conditional_formats(self) -> _ConditionalFormats:
        return _ConditionalFormats(self)

    def _whole_rows(self) -> tuple[int, int]:
        r1, c1, r2, c2 = self.box
        if (c1, c2) != (1, LAST_COLUMN):
            raise NotImplementedError("stand-in: only whole rows are inserted or deleted")
        return r1, r2

    def insert(self, shift: str, copy_origin: str = "format_from_left_or_above") -> None:
        """Insert whole rows: everything from the first row down moves down."""
        r1, r2 = self._whole_rows()
        self.sheet._shift_rows(r1, r2 - r1 + 1)
        self.sheet.book.log.append(("insert", self.sheet.name, self.box, None))

    def delete(self, shift: str | None = None) -> None:
        """Delete whole rows (no table may lie in them): everything below moves up."""
        r1, r2 = self._whole_rows()
        sheet = self.sheet
        for table in sheet.tables._items:
            t1, _, t2, _ = table.range.box
            if not (t2 < r1 or t1 > r2):
                raise NotImplementedError("stand-in: deleting rows through a table")
        for store in (sheet.values, sheet.formulas):
            for cell in [k for k in store if r1 <= k[0] <= r2]:
                del store[cell]
        sheet._shift_rows(r2 + 1, -(r2 - r1 + 1))
        sheet.book.log.append(("delete", sheet.name, self.box, None))

    def _read(self, ndim: int | None) -> Any:
        rows, cols = self.shape
        if rows * cols > READ_LIMIT:
            raise MemoryError(f"stand-in: a read of {rows * cols:,} cells")
        self.sheet.book.log.append(("read", self.sheet.name, self.box, None))
        grid = self.sheet.grid(*self.box)
        if ndim == 2:
            return grid
        rows, cols = self.shape
        if rows == cols == 1:
            return grid[0][0]
        if rows == 1:
            return grid[0]
        if cols == 1:
            return [r[0] for r in grid]
        return grid

    @property
    def value(self) -> Any:
        return self._read(None)

    @value.setter
    def value(self, data: Any) -> None:
        r0, c0 = self.box[:2]
        if not isinstance(data, (list, tuple)):
            rows = [[data]]
        elif data and isinstance(data[0], (list, tuple)):
            rows = data
        else:
            rows = [list(data)]
        sheet = self.sheet
        texts = any(f == "@" for _, f in sheet.format_rules)  # else no cell here can be formatted as text
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self._store(r0 + i, c0 + j, v, texts)
        width = max((len(r) for r in rows), default=0)
        sheet.book.log.append(("value", sheet.name, (r0, c0, r0 + len(rows) - 1, c0 + width - 1), None))

    def _store(self, r: int, c: int, v: Any, texts: bool = True) -> None:
        sheet = self.sheet
        for table in sheet.tables._items:  # a new header renames the column in every formula
            t1, u1, _, u2 = table.range.box
            old = sheet.values.get((r, c))
            if r == t1 and u1 <= c <= u2 and isinstance(old, str) and isinstance(v, str) and old != v:
                sheet.book._rewrite_references(
                    lambda t, col, name=table.name, old=old, new=v:
                    f"{t}[{new}]" if t.casefold() == name.casefold() and col == old else None)
        sheet.formulas.pop((r, c), None)
        if v is None or v == "":
            sheet.values.pop((r, c), None)
            return
        if isinstance(v, str) and not (texts and sheet.number_format_at(r, c) == "@"):
            try:
                v = float(v.replace(",", ""))
            except ValueError:
                if v.startswith(_FORMULA_START) and len(v) > 1:
                    sheet.formulas[(r, c)] = v
                    sheet.values[(r, c)] = "#FORMULA"
                    return
        sheet.values[(r, c)] = v

    @property
    def number_format(self) -> str:
        return self.sheet.number_format_at(*self.box[:2])

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        self.sheet.format_rules.append((self.box, fmt))
        self.sheet.book.log.append(("number_format", self.sheet.name, self.box, fmt))

    @property
    def column_width(self) -> float | None:
        return self.sheet.widths.get(self.box[1])

    @column_width.setter
    def column_width(self, width: float) -> None:
        for c in range(self.box[1], self.box[3] + 1):
            self.sheet.widths[c] = width
        self.sheet.book.log.append(("column_width", self.sheet.name, self.box, width))

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> Range:
        rows, cols = self.shape
        r1, c1 = self.box[:2]
        return Range(self.sheet, r1, c1, r1 + (row_size or rows) - 1, c1 + (column_size or cols) - 1)

    @property
    def current_region(self) -> Range:
        filled = self.sheet.values
        r1, c1, r2, c2 = self.box
        while True:
            grown = False
            for side in ("up", "down", "left", "right"):
                if side == "up" and r1 > 1:
                    cells = [(r1 - 1, c) for c in range(max(c1 - 1, 1), c2 + 2)]
                elif side == "down":
                    cells = [(r2 + 1, c) for c in range(max(c1 - 1, 1), c2 + 2)]
                elif side == "left" and c1 > 1:
                    cells = [(r, c1 - 1) for r in range(max(r1 - 1, 1), r2 + 2)]
                elif side == "right":
                    cells = [(r, c2 + 1) for r in range(max(r1 - 1, 1), r2 + 2)]
                else:
                    continue
                if any(cell in filled for cell in cells):
                    grown = True
                    r1, r2 = (r1 - 1, r2) if side == "up" else (r1, r2 + 1) if side == "down" else (r1, r2)
                    c1, c2 = (c1 - 1, c2) if side == "left" else (c1, c2 + 1) if side == "right" else (c1, c2)
            if not grown:
                return Range(self.sheet, r1, c1, r2, c2)

    def __repr__(self) -> str:
        return f"<Range {self.sheet.name}!{self.address}>"


def _inside(box, outer) -> bool:
    r1, c1, r2, c2 = box
    o1, p1, o2, p2 = outer
    return o1 <= r1 and r2 <= o2 and p1 <= c1 and c2 <= p2


def _overlap(a, b) -> bool:
    return not (a[2] < b[0] or a[0] > b[2] or a[3] < b[1] or a[1] > b[3])


@dataclass
class Table:
    parent: Sheet
    name: str
    range: Range
    table_style_name: str = "TableStyleMedium2"
    show_totals: bool = False

    @property
    def header_row_range(self) -> Range:
        r1, c1, _, c2 = self.range.box
        return Range(self.parent, r1, c1, r1, c2)

    @property
    def data_body_range(self) -> Range:
        r1, c1, r2, c2 = self.range.box
        return Range(self.parent, r1 + 1, c1, r2, c2)

    def resize(self, rng: Range) -> None:
        """ListObject.Resize: same header row, overlapping the old range, no other table in the way."""
        old, new = self.range.box, rng.box
        if rng.sheet is not self.parent or new[0] != old[0] or not _overlap(old, new) or new[2] <= new[0]:
            raise ValueError(f"table {self.name}: cannot resize {old} to {new} (the header row must stay "
                             "and the new range must overlap the old one)")
        for other in self.parent.tables._items:
            if other is not self and _overlap(other.range.box, new):
                raise ValueError(f"table {self.name}: a table cannot overlap table {other.name}")
        dropped = {self.parent.values.get((old[0], c)) for c in range(old[1], old[3] + 1)
                   if not new[1] <= c <= new[3]}
        if dropped:
            self.parent.book._table_gone(self.name, {d for d in dropped if isinstance(d, str)})
        self.range = rng
        self.parent.book.log.append(("resize", self.parent.name, new, self.name))

    def __setattr__(self, key, value):
        old = self.__dict__.get("name") if key == "name" else None
        object.__setattr__(self, key, value)
        if old is not None and old != value:  # Excel renames the Table in every formula using it
            self.parent.book._rewrite_references(
                lambda table, column: f"{value}[{column}]" if table.casefold() == old.casefold() else None)

    def delete(self) -> None:
        self.parent.tables._items.remove(self)
        self.parent.book._table_gone(self.name)
        self.parent.book.log.append(("table_delete", self.parent.name, self.range.box, self.name))


class Tables:
    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self._items: list[Table] = []

    def __iter__(self):
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, key: int | str) -> Table:
        if isinstance(key, int):
            return self._items[key]
        for table in self._items:
            if table.name.casefold() == key.casefold():
                return table
        raise KeyError(key)

    def __contains__(self, key: str) -> bool:
        return any(t.name.casefold() == key.casefold() for t in self._items)

    def add(self, source: Range | None = None, name: str | None = None,
            table_style_name: str = "TableStyleMedium2", **_: Any) -> Table:
        book = self.sheet.book
        taken = {t.name.casefold() for s in book._sheets for t in s.tables._items}
        taken |= {n.name.casefold() for n in book.names}
        if name is None or name.casefold() in taken:
            raise ValueError(f"a table or name {name!r} already exists")
        r1, c1, _, c2 = source.box
        headers = [self.sheet.values.get((r1, c)) for c in range(c1, c2 + 1)]
        if any(not isinstance(h, str) or not h for h in headers):
            raise ValueError(f"table {name}: every header must be text, got {headers}")
        if len({h.casefold() for h in headers}) != len(headers):
            raise ValueError(f"table {name}: repeated headers {headers}")
        for other in self._items:
            if _overlap(other.range.box, source.box):
                raise ValueError(f"table {name}: a table cannot overlap table {other.name}")
        table = Table(self.sheet, name, source, table_style_name)
        self._items.append(table)
        book.log.append(("table", self.sheet.name, source.box, name))
        return table



class _ConditionalFormats:
    def __init__(self, rng: Range):
        self.rng = rng

    def clear(self) -> None:
        sheet = self.rng.sheet
        sheet.conditional_formats = [f for f in sheet.conditional_formats if not _overlap(f[0], self.rng.box)]

    def add_color_scale(self, colors, *, thresholds=None, threshold_type="number") -> None:
        sheet = self.rng.sheet
        sheet.conditional_formats.append((self.rng.box, ("color_scale", tuple(colors))))
        sheet.book.log.append(("conditional_format", sheet.name, self.rng.box, tuple(colors)))


@dataclass
class _Series:
    name: str


@dataclass
class _Axis:
    settings: dict = field(default_factory=dict)

    def set(self, **settings: Any) -> None:
        self.settings.update(settings)


@dataclass
class _Legend:
    visible: bool = True


@dataclass
class Chart:
    parent: Sheet
    left: float
    top: float
    width: float
    height: float
    index: int
    source: Range | None = None
    chart_type: str | None = None
    name: str = ""
    title: str | None = None
    plot_by: str | None = None
    categories: Range | None = None
    series: list = field(default_factory=list)
    legend: _Legend = field(default_factory=_Legend)
    value_axis: _Axis = field(default_factory=_Axis)

    def set_source_data(self, source: Range, plot_by: str | None = None) -> None:
        """One series per row ("rows") or column ("columns"); Excel's own choice: the shorter side."""
        rows, cols = source.shape
        self.plot_by = plot_by or ("columns" if rows >= cols else "rows")
        self.source = source
        count = rows if self.plot_by == "rows" else cols
        self.series = [_Series(f"Series{i}") for i in range(1, count + 1)]

    def set_x_axis_values(self, source: Range) -> None:
        self.categories = source

    def delete(self) -> None:
        self.parent.charts._items.remove(self)

    @property
    def api(self) -> tuple[Api, Api]:
        log = self.parent.book.api_log
        path = f"Chart[{self.parent.name}#{self.index}]"
        return Api(log, path + ".object"), Api(log, path)


class Charts:
    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self._items: list[Chart] = []

    def __iter__(self):
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211) -> Chart:
        chart = Chart(self.sheet, left, top, width, height, len(self._items) + 1, name=f"Chart {len(self._items) + 1}")
        self._items.append(chart)
        self.sheet.book.log.append(("chart", self.sheet.name, None, None))
        return chart


@dataclass
class Name:
    book: Book
    name: str
    sheet: Sheet | None
    cell: tuple[int, int] = (1, 1)
    formula: str | None = None  # for names that are not a cell reference
    deleted: bool = field(default=False, repr=False)

    @property
    def refers_to(self) -> str:
        if self.formula is not None:
            return self.formula
        cell = f"${col_letter(self.cell[1])}${self.cell[0]}"
        if self.sheet is None or self.sheet.deleted:
            return f"=#REF!{cell}"
        return "='" + self.sheet.name.replace("'", "''") + "'!" + cell

    @property
    def refers_to_range(self) -> Range:
        if self.sheet is None or self.sheet.deleted:
            raise RuntimeError(f"{self.name} does not refer to a range")
        return self.sheet.range(self.cell)

    def delete(self) -> None:
        self.book.names._items.remove(self)


class Names:
    def __init__(self, book: Book):
        self.book = book
        self._items: list[Name] = []

    def __iter__(self):
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, name: str) -> Name:
        for n in self._items:
            if n.name.casefold() == name.casefold():
                return n
        raise KeyError(name)

    def add(self, name: str, refers_to: str) -> Name:
        m = _REF.match(refers_to)
        if m:
            sheet_name = (m.group(1) or "").replace("''", "'") or m.group(2)
            sheet = self.book.sheets[sheet_name]
            entry = Name(self.book, name, sheet, (int(m.group(4)), col_number(m.group(3))))
        else:
            entry = Name(self.book, name, None, formula=refers_to)
        self._items = [n for n in self._items if n.name.casefold() != name.casefold()]  # Excel redefines
        self._items.append(entry)
        self.book.log.append(("name", None, None, name))
        return entry
