"""The shape of a table as read: which cells are filled, unique header names, no blank tail.

Shared by every reader of order tables (files and the live workbook), so a table pasted
into Excel and the same table saved as a file get the same headers and rows.

Examples
--------
>>> unique_headers(["Total", " Total ", "Date"])
['Total', 'Total.1', 'Date']
"""

from __future__ import annotations

import pandas as pd

__all__ = ["column_letter", "filled", "header_names", "unique_headers", "trim_blank_rows"]


def filled(v: object) -> bool:
    """A cell with something in it (not None, not blank text)."""
    return v is not None and not (isinstance(v, str) and not v.strip())


def header_names(cells, first_column: int = 1) -> list[object]:
    """Header cells with a name for each blank one: ``Column C`` for a blank header in the
    sheet's column C (``first_column`` is the sheet column of the first cell; a text file's
    columns count from A, as Excel shows the file). The name is the one a user sees in the
    lists of columns and can give to choose the column.

    >>> header_names(["Customer", None, " "], first_column=26)
    ['Customer', 'Column AA', 'Column AB']
    """
    return [cell if filled(cell) else f"Column {column_letter(first_column + i)}" for i, cell in enumerate(cells)]


def column_letter(column: int) -> str:
    """Excel's letters of the 1-based ``column``.

    >>> column_letter(1), column_letter(26), column_letter(28), column_letter(703)
    ('A', 'Z', 'AB', 'AAA')
    """
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def unique_headers(names) -> list[str]:
    """Header cells as unique text: surrounding spaces dropped, repeats numbered (.1, .2)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for v in names:
        text = str(v).strip().lstrip("\ufeff")
        base, k = text, seen.get(text, 0)
        while text in seen:
            k += 1
            text = f"{base}.{k}"
        seen[base] = k
        seen[text] = 0
        out.append(text)
    return out


def trim_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop blank rows at the end (formatting below a table is not data)."""
    if frame.empty or any(filled(v) and not (isinstance(v, float) and v != v) for v in frame.iloc[-1]):
        return frame
    rows = frame.apply(lambda col: col.map(filled) if col.dtype == object else
                       (col.str.strip() != "") if col.dtype == "str" else col.notna()).any(axis=1)
    last = rows.to_numpy().nonzero()[0]
    end = int(last[-1]) + 1 if len(last) else 0
    return frame.iloc[:end].reset_index(drop=True) if end < len(frame) else frame
