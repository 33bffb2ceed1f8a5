"""Which sheets of a workbook the report made, and whether Excel's Windows object model is here.

Every report sheet is marked with a workbook-level defined name ``RetentionXL_<key>``
(:data:`~retention_xl.layout.blocks.SHEET_MARK`) pointing at it, by every writer; the
readers use the marks to tell the report's sheets from the user's, the writers to find
the sheets to update.

Examples
--------
>>> mark_key("RetentionXL_summary"), mark_key("Sheet1!RetentionXL_summary"), mark_key("Other")
('summary', None, None)
"""

from __future__ import annotations

import sys
from typing import Any

from retention_xl.layout.blocks import SHEET_KEYS, SHEET_MARK

__all__ = ["mark_key", "sheet_marks", "marked_sheets", "native_supported"]


def native_supported() -> bool:
    """True where Excel's object model (``.api``) is the Windows COM one the finishing touches use."""
    return sys.platform == "win32"


def mark_key(name: str) -> str | None:
    """The sheet key a defined name marks, or None for any other name."""
    prefix = SHEET_MARK.format(key="")
    if "!" in name or not name.startswith(prefix):  # "Sheet1!x" is a sheet-level name
        return None
    key = name[len(prefix):]
    return key if key in SHEET_KEYS else None


def sheet_marks(book) -> dict[str, tuple[Any, Any]]:
    """The report's marks by key: the defined name and its sheet (None when the user deleted
    the sheet and the name refers to ``#REF!``)."""
    found: dict[str, tuple[Any, Any]] = {}
    for name in list(book.names):
        key = mark_key(name.name)
        if key is None:
            continue
        try:
            found[key] = (name, name.refers_to_range.sheet)
        except Exception:  # noqa: BLE001 -- refers to #REF!: the sheet was deleted
            found[key] = (name, None)
    return found


def marked_sheets(book) -> dict[str, Any]:
    """The report's sheets from an earlier run, by key, found through their marks.

    A mark whose sheet is gone is ignored; writing that sheet again redefines it.
    """
    return {key: sheet for key, (_, sheet) in sheet_marks(book).items() if sheet is not None}
