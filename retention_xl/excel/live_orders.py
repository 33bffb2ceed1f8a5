"""Reading the pasted order table from the live workbook.

Where the orders are read from, first match wins:

1. an Excel Table (ListObject) named ``Orders`` on any sheet (the template's table); filled
   rows under it in its columns (orders pasted below an empty row, which do not join the
   Table) are not read, and a notice names them;
2. the sheet named *Orders* (or the template's Arabic/Persian name for it): the block of
   its used range whose first row with two or more filled cells is the header;
3. the active sheet: the current region around the active cell (the region Excel itself
   would make a table of), or the sheet's used range when the active cell is outside
   any table. The report's other inputs are never the orders: a click from the Settings,
   Survey or Contact log sheet (in any language), or from inside a Table named Settings,
   Survey or Contacts, is refused with "go to the sheet with your orders (or name it
   Orders)", as a click from a report sheet is; orders touching such a Table (the block
   around the active cell takes in both) are told to leave an empty column or row between
   them. When the block read has no order columns
   and another sheet's header names them, :func:`orders_elsewhere` names that sheet.

Without a Table, the orders run from their header down to the end of the sheet's used
range, across empty rows, as long as what follows continues the table. Below the first
empty row, each block of rows (rows up to the next empty row) is read when it
**continues the table**: it fills no cell outside the table's columns, and it fills every
*key column*, a column filled on nine rows in ten of the table above (the customer, the
date ... that every order has; next month's orders pasted below an empty row do that). The
empty rows between are read too and listed on *Data issues* as blank rows, as the cleaning
does for a file. The first block that does not continue the table (a total line, a summary
or a pivot of other columns under the data) ends the orders: it and every row below it are
not read, and a notice names those rows (:class:`LiveOrders` ``notices``: the Summary, Data
issues and the status bar say it).

The cells are read in one bulk read (Currency and Accounting cells, which classic xlwings
reads as ``decimal.Decimal``, become numbers); the first row is the header and ``first_row`` is the
sheet row of the first data row, so *Data issues* names the rows the user sees. The
source is named in the report's subtitle in the report's language (:func:`source_text`:
the labels ``source.table`` and ``source.cells``), e.g. ``Table 'Orders' on sheet 'Data'``
or ``الورقة 'الطلبات'، الخلايا A1:D201``; what was read is carried as its parts (sheet,
Table, cells) because the language is decided after reading.

Before reading, the size of the block is checked: more than :data:`MAX_LIVE_CELLS` cells
(e.g. a used range that reaches row 1,048,576 because whole columns were formatted) is
refused with one line naming the block and how to fix it, instead of Excel and Python
working for minutes and running out of memory. Whole columns being *selected* does not
matter: the current region around the active cell is read, not the selection.

The report's language, unless given, is the one the orders suggest
(:func:`~retention_xl.analysis.text_language.report_language`, from the headers and, on a
right-to-left sheet, the first rows).

Examples
--------
>>> import xlwings as xw                       # doctest: +SKIP
>>> orders = read_orders(xw.Book.caller())     # doctest: +SKIP
>>> orders.source_in("en")                     # doctest: +SKIP
"Table 'Orders' on sheet 'Data'"
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from retention_xl.analysis.columns import detect_columns
from retention_xl.analysis.export_layouts import header_key, recognise_layout
from retention_xl.analysis.notices import Notice
from retention_xl.errors import DataError, RetentionError
from retention_xl.excel.workbook_marks import marked_sheets, native_supported
from retention_xl.input_sheets import INPUT_TABLES
from retention_xl.labels import label
from retention_xl.wording import counted
from retention_xl.sources.orders_sheet import named_sheet, orders_sheet
from retention_xl.sources.table_shape import column_letter, trim_blank_rows, unique_headers

__all__ = [
    "MAX_LIVE_CELLS",
    "ORDERS_TABLE",
    "TooLarge",
    "LiveOrders",
    "NoOrderRows",
    "NotOrdersSheet",
    "orders_elsewhere",
    "read_orders",
    "source_text",
]

ORDERS_TABLE = INPUT_TABLES["orders"]
#: Largest block of cells (rows x columns) read from a workbook: 1,000,000 orders of five
#: columns. Each cell costs about 16 bytes in the array Excel hands over and 60-80 bytes as
#: a Python value and in the table made from it, so this is 0.5-1 GB before the orders are
#: cleaned; larger exports are for ``retention-xl report`` on a CSV or Parquet file.
MAX_LIVE_CELLS = 5_000_000


@dataclass(frozen=True)
class LiveOrders:
    """The order table as read from the workbook.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns named by the header cells, values as Excel gave them (object dtype).
    first_row : int
        Sheet row of ``frame``'s first row.
    sheet : str
        Name of the sheet holding the orders (never written to).
    right_to_left : bool or None
        Whether that sheet runs right to left; ``None`` where Excel cannot say.
    located : {"table", "sheet", "active"}
        How the orders were found: the Table named Orders, the sheet named Orders, or the
        active sheet.
    notices : tuple of Notice
        What the reading decided that the report should say, e.g. ``rows_not_read``
        (``sheet``, ``first``, ``last``, ``count``: sheet rows below the orders that do not continue
        their table and were left out), ``rows_below_table`` (the same, filled rows under the
        Table named Orders, and ``table``).
    table : str or None
        The name of the Table read, when the orders are a Table.
    cells : str or None
        The cells read (``"A1:D201"``), when the orders are not a Table.
    """

    frame: pd.DataFrame
    first_row: int
    sheet: str
    right_to_left: bool | None = None
    located: str = "active"
    notices: tuple[Notice, ...] = ()
    table: str | None = None
    cells: str | None = None

    def source_in(self, lang: str) -> str:
        """What was read, in ``lang``: the first words of the report's subtitle."""
        return source_text(lang, self.sheet, table=self.table, cells=self.cells)

    @property
    def source(self) -> str:
        """What was read, in English, for the ribbon's (English) error messages."""
        return self.source_in("en")


def source_text(lang: str, sheet: str, *, table: str | None = None, cells: str | None = None) -> str:
    """Where a live input was read, in ``lang``: a Table on a sheet, cells of a sheet, or a sheet.

    >>> source_text("en", "Data", table="Orders")
    "Table 'Orders' on sheet 'Data'"
    >>> source_text("en", "Sheet1", cells="A1:D201")
    "Sheet 'Sheet1', cells A1:D201"
    >>> source_text("ar", "الطلبات", cells="A1:D201")
    "الورقة 'الطلبات'، الخلايا A1:D201"
    >>> source_text("fa", "تنظیمات")
    'برگه‌ی «تنظیمات»'
    """
    if table is not None:
        return label(lang, "source.table", table=table, sheet=sheet)
    if cells is not None:
        return label(lang, "source.cells", sheet=sheet, cells=cells)
    return label(lang, "source.sheet", sheet=sheet)


def _address(row: int, col: int, nrows: int, ncols: int) -> str:
    return f"{column_letter(col)}{row}:{column_letter(col + ncols - 1)}{row + nrows - 1}"


def _filled(grid: pd.DataFrame) -> pd.DataFrame:
    """Cells holding something other than nothing or blank text."""
    blank_text = grid.map(lambda v: isinstance(v, str) and not v.strip())
    return grid.notna() & ~blank_text


def _locate(values: list[list[object]]) -> tuple[int, int, int]:
    """``(header row, first column, end column)`` of the table inside a block of cells.

    The header is the first row with two or more filled cells (title lines above a table
    have one), or the first filled row; the columns run from the first to the last one
    with anything in or below the header.

    >>> _locate([["Orders export", None, None], [None, None, None],
    ...          [None, "Customer", "Date"], [None, "a", "2024-01-05"]])
    (2, 1, 3)
    """
    grid = pd.DataFrame(values, dtype=object)
    filled = _filled(grid)
    per_row = filled.sum(axis=1).to_numpy()
    rows = (per_row >= 2).nonzero()[0]
    if not len(rows):
        rows = (per_row >= 1).nonzero()[0]
    if not len(rows):
        raise DataError("no order table found: the cells read are empty")
    header = int(rows[0])
    cols = filled.iloc[header:].any(axis=0).to_numpy().nonzero()[0]
    return header, int(cols[0]), int(cols[-1]) + 1


#: share of the table's rows a column is filled on to be a key column, that every block of
#: orders below an empty row must fill
KEY_SHARE = 0.9


def _table_end(values: list[list[object]], header: int, c0: int, c1: int) -> tuple[int, int | None]:
    """Where the table whose header is row ``header`` (columns ``c0:c1``) of ``values`` ends.

    Returns ``(end, left_out)``: the rows ``header:end`` are the table, empty rows between
    blocks included; ``left_out`` is the first row of a filled block that does not
    continue the table (it and all below are not the orders), else ``None``. See the
    module's docstring for the rule.

    >>> grid = [["Customer", "Date", "Amount"], ["a", "2024-01-05", 5], [None, None, None],
    ...         ["b", "2024-02-01", 7], [None, None, None], ["Total", None, 12]]
    >>> _table_end(grid, 0, 0, 3)
    (4, 5)
    >>> _table_end(grid[:4], 0, 0, 3)
    (4, None)
    """
    filled = _filled(pd.DataFrame(values, dtype=object)).to_numpy()
    if filled.shape[1] < max(c1, 1):
        return len(values), None
    inside = filled[:, c0:c1]
    anywhere = filled.any(axis=1)
    end = header + 1
    while end < len(values) and inside[end].any():
        end += 1
    body = inside[header + 1:end]
    share = body.mean(axis=0) if len(body) else np.zeros(c1 - c0)
    key = share >= KEY_SHARE
    if not key.any():  # a sparse table: the columns filled on most of its rows
        key = share >= 0.5
    row = end
    while row < len(values):
        if not anywhere[row]:
            row += 1
            continue
        stop = row
        while stop < len(values) and anywhere[stop]:
            stop += 1
        outside = filled[row:stop].any(axis=0).copy()
        outside[c0:c1] = False
        if outside.any() or not inside[row:stop].any(axis=0)[key].all():
            return end, row
        end = row = stop
    return end, None


def _frame(values: list[list[object]], first_col: int) -> pd.DataFrame:
    """The table's values under its header names (blank header: ``Column X``), as io reads files."""
    header, body = values[0], values[1:]
    width = len(header)
    grid = pd.DataFrame(body, columns=range(width), dtype=object)
    named = _filled(pd.DataFrame([header], dtype=object)).iloc[0].to_numpy()
    used = _filled(grid).any(axis=0).to_numpy() if len(grid) else [False] * width
    keep = [i for i in range(width) if named[i] or used[i]]
    names = [header[i] if named[i] else f"Column {column_letter(first_col + i)}" for i in keep]
    frame = grid[keep].map(_plain_number)
    frame.columns = unique_headers(names)
    return trim_blank_rows(frame.reset_index(drop=True))


def _plain_number(value: object) -> object:
    """Classic xlwings reads Currency and Accounting cells as ``Decimal``: make them floats."""
    return float(value) if type(value) is Decimal else value


def _orders_table(book):
    for ws in book.sheets:
        for table in ws.tables:
            if table.name.casefold() == ORDERS_TABLE.casefold():
                return ws, table
    return None


#: the other inputs of the report, never read as orders: what each holds, for messages
_OTHER_INPUTS = {"settings": "the report's settings", "survey": "survey answers", "contacts": "a contact log"}


#: cells under the Orders Table looked at for orders pasted there (40,000 rows of five columns)
_BELOW_CELLS = 200_000


def _below_table(ws, rng, name: str) -> tuple[Notice, ...]:
    """A ``rows_below_table`` notice when rows under the Table ``name`` (range ``rng``) are filled
    in its columns, outside other Tables: orders pasted below an empty row do not join a
    Table, and are not read.

    Only the first :data:`_BELOW_CELLS` cells below are looked at (a used range inflated by
    formatting to row 1,048,576 is not read)."""
    used = ws.used_range
    top, cols = rng.row + rng.shape[0], rng.shape[1]
    last = min(used.row + used.shape[0] - 1, top + max(_BELOW_CELLS // cols, 1) - 1)
    if last < top:
        return ()
    values = ws.range((top, rng.column), (last, rng.column + cols - 1)).options(ndim=2).value
    filled = _filled(pd.DataFrame(values, dtype=object)).to_numpy().copy()
    for other in ws.tables:  # another Table below (the Settings ...) is no orders pasted there
        t = other.range
        r1, c1 = t.row - top, t.column - rng.column  # in the block read
        r2, c2 = r1 + t.shape[0], c1 + t.shape[1]
        if r2 > 0 and c2 > 0:
            filled[max(r1, 0):r2, max(c1, 0):c2] = False
    filled = filled.any(axis=1).nonzero()[0]
    if not len(filled):
        return ()
    return (Notice("rows_below_table", sheet=ws.name, table=name, first=top + int(filled[0]),
                   last=top + int(filled[-1]), count=len(filled)),)


def _other_input(ws, rng) -> str | None:
    """The other input (``"settings"``, ``"survey"``, ``"contacts"``) that sheet ``ws`` is by
    its name, or whose Table holds the block ``rng``; else ``None``."""
    for kind in _OTHER_INPUTS:
        if named_sheet([ws.name], kind) is not None:
            return kind
    for table, kind in _input_tables(ws, rng):
        t = table.range
        if t.row <= rng.row and t.column <= rng.column and t.row + t.shape[0] >= rng.row + rng.shape[0] \
                and t.column + t.shape[1] >= rng.column + rng.shape[1]:
            return kind
    return None


def _input_tables(ws, rng) -> list:
    """``(Table, kind)`` of the other inputs' Tables on ``ws`` that the block ``rng`` overlaps."""
    r1, c1 = rng.row, rng.column
    r2, c2 = r1 + rng.shape[0] - 1, c1 + rng.shape[1] - 1
    found = []
    for table in ws.tables:
        kind = next((k for k in _OTHER_INPUTS if table.name.casefold() == INPUT_TABLES[k].casefold()), None)
        t = table.range
        if kind and not (t.row > r2 or t.row + t.shape[0] - 1 < r1 or t.column > c2 or t.column + t.shape[1] - 1 < c1):
            found.append((table, kind))
    return found


class NotOrdersSheet(DataError):
    """The click came from a sheet that is not the orders: one of the report's (``holds`` =
    ``"report"``) or another input (``"settings"``, ``"survey"``, ``"contacts"``); the ribbon
    words it in the user's language (:mod:`~retention_xl.excel.macro`).

    Attributes
    ----------
    sheet : str
        The active sheet's name.
    holds : str
        What it is; ``"touching"`` when the block around the active cell takes in another
        input's Table beside the orders (a Settings table typed right next to them).
    table : str or None
        That Table's name.
    """

    def __init__(self, sheet: str, holds: str, table: str | None = None):
        if holds == "touching":
            super().__init__(f"the orders on sheet '{sheet}' touch the Table {table}: leave an empty column or row "
                             f"between them, or make the orders a Table named Orders (select them, Ctrl+T, then "
                             f"Table Design > Table Name), and click Build report again")
        else:
            what = "is a sheet of the report" if holds == "report" else f"holds {_OTHER_INPUTS[holds]}, not orders"
            super().__init__(f"'{sheet}' {what}: go to the sheet with your orders (or name it Orders) "
                             f"and click Build report again")
        self.sheet, self.holds, self.table = sheet, holds, table


class NoOrderRows(DataError):
    """The orders found are a header without rows below it; the ribbon words it in the
    language of the ``headers`` (:mod:`~retention_xl.excel.macro`).

    Attributes
    ----------
    sheet, table, cells
        Where it was read (see :func:`source_text`).
    headers : list of str
        The header's filled cells.
    """

    def __init__(self, sheet: str, headers: list[str], *, table: str | None = None, cells: str | None = None):
        super().__init__(f"{source_text('en', sheet, table=table, cells=cells)} has a header but no orders below it: "
                         f"paste the orders under the header row")
        self.sheet, self.headers, self.table, self.cells = sheet, headers, table, cells


def _go_to_orders(ws, holds: str) -> DataError:
    return NotOrdersSheet(ws.name, holds)


#: rows at the top of a sheet looked at for a header by :func:`orders_elsewhere`, and the
#: widest sheet looked at
_HEAD_ROWS, _HEAD_COLUMNS = 10, 1000


def orders_elsewhere(book, orders: LiveOrders) -> str | None:
    """Another sheet whose header names a customer, a date and an amount column, when
    ``orders`` were read from the active sheet: the sheet the user meant, or ``None``.

    Only the first rows of each sheet are read; the report's own sheets and the other
    inputs are passed over.
    """
    if orders.located != "active":
        return None
    report_sheets = {s.name for s in marked_sheets(book).values()}
    for ws in book.sheets:
        if ws.name in (orders.sheet, *report_sheets) or _other_input(ws, ws.range((1, 1))) is not None:
            continue
        used = ws.used_range
        rows, cols = min(used.shape[0], _HEAD_ROWS), used.shape[1]
        if rows < 2 or cols < 2 or cols > _HEAD_COLUMNS:
            continue
        top = ws.range((used.row, used.column), (used.row + rows - 1, used.column + cols - 1))
        values = top.options(ndim=2).value
        try:
            header, c0, c1 = _locate(values)
            detect_columns(unique_headers(str(h) for h in values[header][c0:c1] if h is not None))
        except RetentionError:
            continue
        return ws.name
    return None


def _is_orders_sheet(name: str) -> bool:
    return orders_sheet([name]) is not None


def _right_to_left(ws) -> bool | None:
    """Whether ``ws`` runs right to left, where Excel's object model can say (Windows)."""
    if not native_supported():
        return None
    try:
        return bool(ws.api.DisplayRightToLeft)
    except Exception:  # noqa: BLE001 -- another host or an older Excel: decide from the headers alone
        return None


def _active_region(book, ws):
    """The current region around the active cell, or the used range if that is no table.

    Returns the range and what it is, for messages.
    """
    try:
        selection = book.selection
    except Exception:  # noqa: BLE001 -- a chart or a shape is selected
        selection = None
    if selection is not None and selection.sheet.name == ws.name:
        region = selection.resize(1, 1).current_region
        if region.shape[0] >= 2:
            return region, f"The block of cells around the active cell on sheet '{ws.name}'"
    return ws.used_range, f"The used range of sheet '{ws.name}'"


def _with_rows_below(ws, region):
    """``region`` and the rows of the used range below it, as one box, and the columns
    ``(lo, hi)`` of ``region`` in that box: the orders may go on below an empty row."""
    used = ws.used_range
    last_row = used.row + used.shape[0] - 1
    if last_row <= region.row + region.shape[0] - 1:
        return region, (0, region.shape[1])
    first_col = min(used.column, region.column)
    last_col = max(used.column + used.shape[1], region.column + region.shape[1]) - 1
    box = ws.range((region.row, first_col), (last_row, last_col))
    lo = region.column - first_col
    return box, (lo, lo + region.shape[1])


def _needed_columns(ws, rng, roles: dict[str, str], table: bool) -> tuple[list[str], int, list[str]]:
    """The columns the report would use from the block ``rng`` (its role columns, the customer's
    fallbacks, and those by which a known export is recognised, e.g. Shopify's 'Lineitem
    quantity'), found from the header in its first rows, the number of columns of the header
    and its names; ``([], 0, [])`` when no header names them. Only the first rows are read (and at most
    :data:`_HEAD_COLUMNS` columns)."""
    rows, cols = min(rng.shape[0], _HEAD_ROWS), min(rng.shape[1], _HEAD_COLUMNS)
    values = ws.range((rng.row, rng.column), (rng.row + rows - 1, rng.column + cols - 1)).options(ndim=2).value
    try:
        header, c0, c1 = (0, 0, cols) if table else _locate(values)
        names = unique_headers(str(h) if h is not None else f"Column {column_letter(rng.column + c0 + i)}"
                               for i, h in enumerate(values[header][c0:c1]))
        found = detect_columns(names, **roles)
    except RetentionError:
        return [], 0, []
    layout = recognise_layout(names) if found.layout not in ("generic", "invoice_lines") else None
    by_key = {header_key(n): n for n in reversed(names)}
    signature = next((g for g in layout.signature if all(header_key(h) in by_key for h in g)), ()) if layout else ()
    needed = [*found.used().values(), *found.fallbacks(), *(by_key[header_key(h)] for h in signature)]
    return list(dict.fromkeys(needed)), len(names), names


def _inflated(ws, rng) -> bool:
    """Whether the block ends in empty cells: its last row is empty, or its last column is
    empty in its first rows (whole rows or columns once formatted or filled)."""
    r2, c2 = rng.row + rng.shape[0] - 1, rng.column + rng.shape[1] - 1
    c_last = min(c2, rng.column + _HEAD_COLUMNS - 1)
    last_row = ws.range((r2, rng.column), (r2, c_last)).options(ndim=2).value
    last_col = ws.range((rng.row, c2), (min(r2, rng.row + _HEAD_ROWS - 1), c2)).options(ndim=2).value
    return not _filled(pd.DataFrame(last_row, dtype=object)).to_numpy().any() \
        or not _filled(pd.DataFrame(last_col, dtype=object)).to_numpy().any()


def _check_size(rng, what: str, ws=None, roles: dict[str, str] | None = None) -> None:
    """Refuse a block of more than :data:`MAX_LIVE_CELLS` cells before reading it.

    Only the block's first rows (for the header) and its last row and column are read, to
    say which columns the report needs and whether the block is inflated by empty cells
    (then, and only then, a Table named Orders would make it smaller).

    >>> class Block:
    ...     row, column, shape = 1, 1, (1_048_576, 5)
    >>> _check_size(Block(), "The used range of sheet 'Orders'")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    retention_xl.excel.live_orders.TooLarge: The used range of sheet 'Orders' is A1:E1048576 (1,048,576 rows x 5 columns = 5,242,880 cells), more than the 5,000,000 cells a report reads from Excel: ...
    """
    rows, cols = rng.shape
    cells = rows * cols
    if cells <= MAX_LIVE_CELLS:
        return
    table = what.startswith("Table")
    needed, width, headers = _needed_columns(ws, rng, roles or {}, table) if ws is not None else ([], 0, [])
    raise TooLarge(kind="table" if table else "block" if what.startswith("The block") else "used",
                   what=what, sheet=getattr(ws, "name", None), address=_address(rng.row, rng.column, rows, cols),
                   rows=rows, cols=cols, needed=needed if needed and len(needed) < width else [],
                   other=width - len(needed), inflated=not table and (ws is None or _inflated(ws, rng)),
                   headers=headers)


class TooLarge(DataError):
    """The block to read is larger than :data:`MAX_LIVE_CELLS` cells; :meth:`text` words it in
    a language (the ribbon: :mod:`~retention_xl.excel.macro`), the message is the English.

    Attributes
    ----------
    parts : dict
        ``kind`` ("table", "block", "used"), ``what`` (in English), ``sheet``, ``address``,
        ``rows``, ``cols``, ``needed`` (the columns the report uses, when fewer than the
        header's), ``other`` (the header's other columns), ``inflated``.
    headers : list of str
        The header's names, where they were found (for the language).
    """

    def __init__(self, *, headers: list[str], **parts):
        self.parts, self.headers = parts, headers
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        p = self.parts
        if p["kind"] == "table" or p["sheet"] is None:
            what = p["what"] if lang == "en" or p["sheet"] is None else source_text(lang, p["sheet"], table=ORDERS_TABLE)
        else:
            what = label(lang, f"ribbon.too_large.{p['kind']}", sheet=p["sheet"])
        if p["needed"]:
            listed = label(lang, "list.join").join(f"'{c}'" for c in p["needed"])
            hint = label(lang, counted("ribbon.too_large.columns", p["other"], lang), count=len(p["needed"]),
                         listed=listed, other=p["other"])
        else:
            hint = label(lang, "ribbon.too_large.rows")
        if p["inflated"]:
            hint += label(lang, "ribbon.too_large.inflated")
        return label(lang, "ribbon.too_large", what=what, address=p["address"], rows=p["rows"], cols=p["cols"],
                     cells=p["rows"] * p["cols"], limit=MAX_LIVE_CELLS, hint=hint)


def read_orders(book, roles: dict[str, str] | None = None) -> LiveOrders:
    """Read the pasted order table from ``book`` (an ``xlwings.Book``) in one bulk read.

    ``roles`` are the columns named in the Settings table (``{"customer": "Email"}``): a
    block too large to read names the columns the report would use.

    Raises
    ------
    DataError
        The active sheet is one of the report's own sheets, or nothing is there to read.
    """
    found = _orders_table(book)
    lo = hi = 0  # the columns to find the header in (0, 0: all)
    notices: tuple[Notice, ...] = ()
    located = "table"
    table_name = cells = None
    if found is not None:
        ws, table = found
        rng = table.range
        table_name = table.name
        source = source_text("en", ws.name, table=table_name)
        _check_size(rng, source, ws, roles)
        values = rng.options(ndim=2).value
        if table.show_totals:
            values = values[:-1]
        header, c0, c1 = 0, 0, len(values[0])
        notices = _below_table(ws, rng, table_name)
    else:
        ws = next((s for s in book.sheets if _is_orders_sheet(s.name)), None)
        located = "sheet" if ws is not None else "active"
        if ws is not None:
            rng, what = ws.used_range, f"The used range of sheet '{ws.name}'"
        else:
            ws = book.sheets.active
            report_sheets = {s.name for s in marked_sheets(book).values()}
            if ws.name in report_sheets:
                raise _go_to_orders(ws, "report")
            rng, what = _active_region(book, ws)
            other = _other_input(ws, rng)
            if other is not None:
                raise _go_to_orders(ws, other)
            beside = _input_tables(ws, rng)
            if beside:
                raise NotOrdersSheet(ws.name, "touching", beside[0][0].name)
            if what.startswith("The block"):
                rng, (lo, hi) = _with_rows_below(ws, rng)
        _check_size(rng, what, ws, roles)
        values = rng.options(ndim=2).value
        header, c0, c1 = _locate([r[lo:hi] for r in values] if hi else values)
        c0, c1 = c0 + lo, c1 + lo
        end, left_out = _table_end(values, header, c0, c1)
        if left_out is not None:
            notices = (Notice("rows_not_read", sheet=ws.name, first=rng.row + left_out,
                              last=rng.row + len(values) - 1, count=len(values) - left_out),)
        values = values[:end]
        used = _filled(pd.DataFrame([r[c0:c1] for r in values[header:]], dtype=object)).any(axis=0)
        c0, c1 = c0 + int(used.to_numpy().nonzero()[0][0]), c0 + int(used.to_numpy().nonzero()[0][-1]) + 1
        nrows = len(values) - header
        cells = _address(rng.row + header, rng.column + c0, nrows, c1 - c0)
        source = source_text("en", ws.name, cells=cells)
    block = [list(r[c0:c1]) for r in values[header:]]
    if len(block) < 2:
        raise NoOrderRows(ws.name, [str(h) for h in block[0] if h is not None], table=table_name, cells=cells)
    frame = _frame(block, rng.column + c0)
    return LiveOrders(frame, rng.row + header + 1, ws.name, _right_to_left(ws), located, notices,
                      table=table_name, cells=cells)


