"""The Excel Tables (ListObjects) of a workbook file: their names, sheets and cell ranges.

A workbook made from the template keeps its inputs in Tables (``Orders``, ``Survey``,
``Contacts``) under title and hint rows; reading the Table's own range gets exactly the
header and the rows the user typed, whatever is above or beside it. openpyxl's read-only
mode, which the file reader uses for large sheets, does not see Tables, so they are read
here from the package's parts (workbook, relationships, table parts), through defusedxml:
the file has already passed :mod:`~retention_xl.sources.file_checks`.

Examples
--------
>>> from pathlib import Path
>>> tables = workbook_tables(Path(__file__).parents[2] / "workbook_template.xlsx")
>>> [(t.name, t.sheet, t.ref) for t in tables][:2]
[('Orders', 'Orders', 'A4:E5'), ('Survey', 'Survey', 'B4:G14')]
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

__all__ = ["TableRef", "workbook_tables"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class TableRef:
    """An Excel Table: ``name``, the ``sheet`` title, its range ``ref`` ("A4:E54") as 1-based
    bounds, and how many header and totals rows it has."""

    name: str
    sheet: str
    ref: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int
    header_rows: int = 1
    totals_rows: int = 0


def _cell(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]), col


def _rels(book: zipfile.ZipFile, part: str) -> dict[str, str]:
    """A part's relationships: id -> target part name."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in book.namelist():
        return {}
    out = {}
    for rel in ElementTree.fromstring(book.read(rels)).iter(f"{_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = path
    return out


def workbook_tables(path: str | Path) -> list[TableRef]:
    """Every Excel Table of an .xlsx/.xlsm file, in sheet order; [] when it has none or its
    parts cannot be read (the sheet is then read without them)."""
    try:
        with zipfile.ZipFile(path) as book:
            sheets = _rels(book, "xl/workbook.xml")
            workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
            found: list[TableRef] = []
            for sheet in workbook.iter(f"{_MAIN}sheet"):
                part = sheets.get(sheet.get(_R_ID, ""))
                if part is None:
                    continue
                for target in _rels(book, part).values():
                    if not target.startswith("xl/tables/") or target not in book.namelist():
                        continue
                    table = ElementTree.fromstring(book.read(target))
                    ref = table.get("ref", "")
                    if ":" not in ref:
                        continue
                    (r1, c1), (r2, c2) = (_cell(x) for x in ref.split(":"))
                    found.append(TableRef(table.get("displayName") or table.get("name", ""), sheet.get("name", ""),
                                          ref, r1, c1, r2, c2, int(table.get("headerRowCount", "1")),
                                          int(table.get("totalsRowCount", "0"))))
            return found
    except (zipfile.BadZipFile, KeyError, ValueError, ElementTree.ParseError):
        return []
