"""Why the block of cells read as orders has no header row, for the ribbon's message.

When the cleaning finds no customer, date or amount column in the orders read from a
sheet (not a Table), the cause is often where the block read ends, not the names of the
columns, and naming the columns in the Settings table cannot help. Looked at in this order:

- ``"row"``: the block starts below an empty row and the sheet has filled rows above it
  (the active cell was left in a month pasted below an empty row; the header is above);
- ``"column"``: the block around the active cell ends at an empty column (one inserted in
  the middle of the paste) and the sheet has filled cells on its other side, in the rows
  of the header;
- ``"banner"``: the first row read was taken as the header, but a row below it, within the
  first rows, has more filled cells (a title line of two or three cells above the header).

:func:`header_gap` looks at a few rows around the block's first row and returns the cause
as a :class:`~retention_xl.analysis.notices.Notice` (its values: the column letter or the
sheet rows), for :mod:`~retention_xl.excel.macro` to word in the report's language.

Examples
--------
>>> import xlwings as xw                                    # doctest: +SKIP
>>> header_gap(book, orders)                                # doctest: +SKIP
Notice('column', column='C', side='right')
"""

from __future__ import annotations

import pandas as pd
from openpyxl.utils.cell import range_boundaries

from retention_xl.analysis.notices import Notice
from retention_xl.excel.live_orders import LiveOrders
from retention_xl.sources.table_shape import column_letter, filled

__all__ = ["HEAD_ROWS", "header_cells", "header_gap"]

#: rows below the first row read that are looked at for a header (a banner line above it)
HEAD_ROWS = 10


def _filled(row: list[object]) -> list[bool]:
    return [filled(v) for v in row]


def _rows(ws, r1: int, c1: int, r2: int, c2: int) -> list[list[object]]:
    return ws.range((r1, c1), (r2, c2)).options(ndim=2).value


def header_cells(book, orders: LiveOrders) -> list[object]:
    """The filled cells of the first row read (what was taken as the header)."""
    c0, r0, c1, _ = range_boundaries(orders.cells)
    row = _rows(book.sheets[orders.sheet], r0, c0, r0, c1)[0]
    return [v for v, f in zip(row, _filled(row)) if f]


def header_gap(book, orders: LiveOrders) -> Notice | None:
    """Why the orders read from a sheet have no header row, or ``None`` when the block read
    seems whole (or the orders are a Table).

    Returns
    -------
    Notice or None
        ``Notice("column", column=...)`` (and ``side="right"`` or ``"left"``),
        ``Notice("row", row=...)`` (the empty row above the block) or
        ``Notice("banner", row=..., header=..., count=...)`` (the row taken as the header,
        the row below with more filled cells, and their number).
    """
    if orders.cells is None:
        return None
    ws = book.sheets[orders.sheet]
    c0, r0, c1, r1 = range_boundaries(orders.cells)
    used = ws.used_range
    u_r0, u_c0 = used.row, used.column
    u_c1 = u_c0 + used.shape[1] - 1
    head_end = min(r1, r0 + HEAD_ROWS)
    if u_r0 < r0 - 1 and not any(_filled(_rows(ws, r0 - 1, u_c0, r0 - 1, u_c1)[0])):
        return Notice("row", row=r0 - 1)
    if u_c1 > c1 + 1 or u_c0 < c0 - 1:  # the sheet goes on beside the block: an empty column between?
        band = _rows(ws, r0, u_c0, head_end, u_c1)
        in_use = pd.DataFrame([_filled(r) for r in band]).any(axis=0).to_numpy()
        for side, gap, beyond in (("right", c1 + 1, slice(c1 + 1 - u_c0, None)),
                                  ("left", c0 - 1, slice(0, max(c0 - 1 - u_c0, 0)))):
            if u_c0 <= gap <= u_c1 and not in_use[gap - u_c0] and in_use[beyond].any():
                return Notice("column", column=column_letter(gap), side=side)
    counts = [sum(_filled(r)) for r in _rows(ws, r0, c0, head_end, c1)]
    below = next((i for i, n in enumerate(counts[1:], 1) if n > counts[0]), None)
    if below is not None:
        return Notice("banner", row=r0, header=r0 + below, count=counts[below])
    return None
