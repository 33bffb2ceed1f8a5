"""Refusing hostile or broken order files before a parser sees them.

Files are untrusted input: an export may be damaged, renamed, password-protected, or made
to exhaust memory. Before a parser sees a file its size and shape are checked against the
limits below, and every failure is a :class:`~retention_xl.errors.DataError` that names the
file, what is wrong and what to do (never a traceback):

- workbooks: a real zip package (an old .xls or a password-protected workbook is named as
  such), at most ``MAX_ZIP_MEMBERS`` parts, ``MAX_UNCOMPRESSED_BYTES`` unpacked, no large
  part packed tighter than ``MAX_COMPRESSION_RATIO`` (Excel's own sheets pack about 15:1; a
  zip bomb packs 1000:1), no XML document type declaration (Excel never writes one; it is
  how an entity-expansion "billion laughs" bomb is built), and openpyxl's parser must be the
  protected one from defusedxml. Python's zip reader never returns more bytes than a part
  declares, so the declared sizes are a real bound. Sheet rows past Excel's 1,048,576 and
  tables larger than ``MAX_FILE_CELLS`` are refused; the sheet's own claim about its size is not
  trusted. Macros in .xlsm files are never run (openpyxl does not read them).
- CSV: at most ``MAX_TEXT_BYTES``, no NUL bytes or control characters of binary data, no
  line longer than ``MAX_LINE_BYTES``, at most ``MAX_COLUMNS`` columns and ``MAX_FILE_CELLS``
  cells; a zip, .xls or Parquet file with a .csv name is named as such.
- Parquet: the "PAR1" marks at both ends, and at most ``MAX_UNCOMPRESSED_BYTES`` and
  ``MAX_FILE_CELLS`` by the file's own metadata, checked before any column is decoded.

The limits are read when a check runs, so a test may lower one with
``monkeypatch.setattr(file_checks, "MAX_FILE_CELLS", 20)``.

Examples
--------
>>> check_text_shape(Path("orders.csv"), columns=3, lines=1_000)
>>> check_text_shape(Path("wide.csv"), columns=20_000, lines=2)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
retention_xl.errors.DataError: 'wide.csv' has 20,000 columns in its header row; an order table has a few ...
"""

from __future__ import annotations

import unicodedata
import zipfile
import zlib
from pathlib import Path

import numpy as np

from retention_xl.errors import DataError

__all__ = [
    "EXCEL_ROWS",
    "MAX_FILE_CELLS",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_LINE_BYTES",
    "MAX_TEXT_BYTES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_ZIP_MEMBERS",
    "RATIO_FLOOR_BYTES",
    "check_parquet",
    "check_sheet_size",
    "check_text",
    "check_text_kind",
    "check_text_shape",
    "check_text_size",
    "check_workbook",
    "unreadable_workbook",
    "workbook_kind",
    "encrypted_workbook",
    "check_binary_workbook",
    "check_parquet_marks",
]

#: a workbook's parts unpacked, or a Parquet file's columns decoded: 1.5 GiB at most
MAX_UNCOMPRESSED_BYTES = 1536 * 2**20
#: parts in a workbook package (Excel writes a few dozen; one per sheet, chart, image...)
MAX_ZIP_MEMBERS = 10_000
#: unpacked/packed size of a workbook part above RATIO_FLOOR_BYTES (Excel's sheets: ~15)
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 10 * 2**20
#: cells in one table, blanks included: e.g. 1,048,576 rows x 47 columns, 5 million x 10
MAX_FILE_CELLS = 50_000_000
#: size of a CSV file
MAX_TEXT_BYTES = 2 * 2**30
#: one line of a CSV file (32 cells of Excel's 32,767-character maximum)
MAX_LINE_BYTES = 2**20
#: columns of a CSV file, as in an Excel sheet
MAX_COLUMNS = 16_384
#: rows of an Excel sheet
EXCEL_ROWS = 1_048_576

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: .xls, or an encrypted workbook
_PARQUET_MAGIC = b"PAR1"
_SAVE_AS_XLSX = "open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV UTF-8"
_FRESH_EXPORT = "do not open it; ask whoever sent it for a fresh export"


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.1f} MB"


# ---------------------------------------------------------------- CSV text

def check_text_size(path: Path) -> None:
    """Refuse a CSV file larger than ``MAX_TEXT_BYTES`` before it is read into memory."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise DataError(f"'{path.name}' is {_size(size)}; retention-xl reads CSV files up to "
                        f"{_size(MAX_TEXT_BYTES)}: filter the export to fewer rows or columns.")


def check_text_kind(path: Path, data: bytes) -> None:
    """A workbook or Parquet file saved under a text name is named for what it is."""
    if data.startswith(_ZIP_MAGIC):
        raise DataError(f"'{path.name}' is a zip package (an .xlsx workbook?), not CSV text: if it is a "
                        "workbook, rename it to .xlsx.")
    if data.startswith(_OLE_MAGIC):
        raise DataError(f"'{path.name}' is a binary Excel file (.xls), not CSV text: {_SAVE_AS_XLSX}.")
    if data.startswith(_PARQUET_MAGIC):
        raise DataError(f"'{path.name}' is a Parquet file, not CSV text: rename it to .parquet.")


def check_text(path: Path, data: bytes, encoding: str, head: str) -> None:
    """Refuse binary data and absurd lines before a CSV parser sees them.

    ``head`` is the start of ``data`` decoded with ``encoding``.
    """
    if not encoding.startswith("utf-16"):
        nul = data.find(b"\x00")
        if nul >= 0:
            line = data.count(b"\n", 0, nul) + 1
            raise DataError(f"'{path.name}' contains binary data (a NUL byte on line {line:,}), "
                            f"not CSV text: export the orders again as CSV, or {_SAVE_AS_XLSX}.")
    sample = head[:65_536]
    control = sum(1 for ch in sample if ch not in "\t\n\r" and unicodedata.category(ch) == "Cc")
    if control > max(8, len(sample) // 100):
        raise DataError(f"'{path.name}' does not look like text ({control:,} control characters in its first "
                        f"{len(sample):,}): export the orders again as CSV, or {_SAVE_AS_XLSX}.")
    longest, line = _longest_line(data)
    if longest > MAX_LINE_BYTES * (2 if encoding.startswith("utf-16") else 1):
        raise DataError(f"Line {line:,} of '{path.name}' is {_size(longest)} long; an order row is a few hundred "
                        f"characters (limit {_size(MAX_LINE_BYTES)}): the file is not a table export, or a "
                        "quote (\") is never closed.")


def _longest_line(data: bytes, chunk: int = 2**24) -> tuple[int, int]:
    """Length in bytes and 1-based number of the longest line, read in chunks with numpy.

    >>> _longest_line(b"a,b\\nlonger,line\\nc")
    (12, 2)
    """
    best, best_line, start, lines = 0, 1, 0, 0
    view = np.frombuffer(data, dtype=np.uint8)
    for offset in range(0, len(view), chunk):
        ends = np.flatnonzero(view[offset:offset + chunk] == 10) + offset
        if len(ends):
            lengths = np.diff(ends, prepend=start)
            i = int(lengths.argmax())
            if lengths[i] > best:
                best, best_line = int(lengths[i]), lines + i + 1
            start, lines = int(ends[-1]) + 1, lines + len(ends)
    if len(view) - start > best:
        best, best_line = len(view) - start, lines + 1
    return best, best_line


def check_text_shape(path: Path, columns: int, lines: int) -> None:
    """Refuse a CSV header wider than ``MAX_COLUMNS``, or more than ``MAX_FILE_CELLS`` cells in all."""
    if columns > MAX_COLUMNS:
        raise DataError(f"'{path.name}' has {columns:,} columns in its header row; an order table has a "
                        f"few (Excel's limit is {MAX_COLUMNS:,}): is it the right file?")
    if columns * lines > MAX_FILE_CELLS:
        raise DataError(f"'{path.name}' has {lines:,} lines x {columns:,} columns, more than the "
                        f"{MAX_FILE_CELLS:,} cells retention-xl reads: keep only the order columns or filter rows.")


# ---------------------------------------------------------------- workbooks

def check_workbook(path: Path) -> None:
    """Refuse what is not a plain workbook package, or an unprotected XML parser, before openpyxl opens it."""
    import openpyxl.xml

    _check_package(path)
    if not openpyxl.xml.DEFUSEDXML:
        raise DataError(f"Cannot read '{path.name}' safely: openpyxl is not using defusedxml's protected XML "
                        "parser (install defusedxml, and do not set OPENPYXL_DEFUSEDXML=False).")


def workbook_kind(path: Path) -> str:
    """What a file named as a workbook holds, by its first bytes: ``"zip"`` (an .xlsx
    package), ``"ole"`` (an old binary .xls, or a password-protected workbook), ``"page"``
    (an HTML or XML page, as some web systems export "Excel") or ``"text"``."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(_ZIP_MAGIC):
        return "zip"
    if magic.startswith(_OLE_MAGIC):
        return "ole"
    head = magic.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    return "page" if head[:1] == b"<" else "text"


def encrypted_workbook(path: Path) -> DataError:
    return DataError(f"'{path.name}' is protected with a password (encrypted), so it cannot be read: open "
                     "it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
                     "Password, clear it), save, and try again; or save a copy as CSV UTF-8.")


def check_binary_workbook(path: Path) -> None:
    """Refuse a password-protected workbook, or an .xls file larger than retention-xl reads
    into memory, before xlrd opens it."""
    if _contains(path, "EncryptedPackage".encode("utf-16-le")):
        raise encrypted_workbook(path)
    size = path.stat().st_size
    if size > MAX_UNCOMPRESSED_BYTES:
        raise DataError(f"'{path.name}' is {_size(size)}, more than retention-xl reads of an .xls workbook "
                        f"({_size(MAX_UNCOMPRESSED_BYTES)}): {_SAVE_AS_XLSX}.")


def _check_package(path: Path) -> None:
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(_OLE_MAGIC):  # read as .xls by the caller (workbook_kind) unless encrypted
        check_binary_workbook(path)
        raise DataError(f"'{path.name}' is an old binary Excel file (.xls format) with an "
                        f"{path.suffix} name: {_SAVE_AS_XLSX}.")
    if not magic.startswith(_ZIP_MAGIC):
        kind = "an HTML or XML page (some web exports do that)" if magic.lstrip()[:1] == b"<" else "not a zip package"
        raise DataError(f"'{path.name}' is not an Excel workbook: it is {kind}; {_SAVE_AS_XLSX}.")
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
            _check_members(path, members)
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
                raise DataError(f"'{path.name}' is a zip file but not an Excel workbook (no xl/workbook part).")
            for m in members:
                if m.filename.endswith((".xml", ".rels", ".vml")) and m.file_size:
                    with package.open(m) as part:
                        prolog = part.read(4096).replace(b"\x00", b"")
                    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                        raise DataError(f"'{path.name}' is not a workbook Excel wrote: its part {m.filename} "
                                        "declares XML entities (<!DOCTYPE>), the way an XML bomb does; "
                                        f"{_FRESH_EXPORT}.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError) as exc:
        raise DataError(f"'{path.name}' is damaged (not a complete zip package: "
                        f"{' '.join(str(exc).split())[:200]}); get a fresh copy, or {_SAVE_AS_XLSX}.") from exc


def _check_members(path: Path, members: list[zipfile.ZipInfo]) -> None:
    bomb = f"'{path.name}' looks like a zip bomb"
    if len(members) > MAX_ZIP_MEMBERS:
        raise DataError(f"{bomb}: it holds {len(members):,} parts (a workbook has a few dozen; "
                        f"limit {MAX_ZIP_MEMBERS:,}).")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise DataError(f"{bomb}: it unpacks to {_size(total)} (limit {_size(MAX_UNCOMPRESSED_BYTES)}); a "
                        "genuine workbook that large is better exported as CSV or Parquet.")
    for m in members:
        if m.file_size > RATIO_FLOOR_BYTES and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1):
            raise DataError(f"{bomb}: its part {m.filename} unpacks from {_size(m.compress_size)} to "
                            f"{_size(m.file_size)} (more than {MAX_COMPRESSION_RATIO}:1; Excel's sheets pack "
                            f"about 15:1); {_FRESH_EXPORT}.")
        if m.flag_bits & 0x1:
            raise DataError(f"'{path.name}' is a password-protected zip, not a workbook Excel wrote; "
                            f"{_SAVE_AS_XLSX}.")


def _contains(path: Path, needle: bytes, chunk: int = 2**22) -> bool:
    with path.open("rb") as handle:
        tail = b""
        while block := handle.read(chunk):
            if needle in tail + block:
                return True
            tail = block[-len(needle):]
    return False


def check_sheet_size(title: str, name: str, rows: int, width: int) -> None:
    """Refuse a sheet, read so far to ``rows`` rows of ``width`` cells, past Excel's last row or ``MAX_FILE_CELLS``.

    Called while the rows are read, so a sheet claiming billions of rows stops early.

    >>> check_sheet_size("Orders", "orders.xlsx", 1_000, 5)
    """
    if rows > EXCEL_ROWS:
        raise DataError(f"Sheet '{title}' of '{name}' has rows past Excel's last row ({EXCEL_ROWS:,}): "
                        f"the file was not made by a spreadsheet; {_SAVE_AS_XLSX}.")
    if rows * width > MAX_FILE_CELLS:
        raise DataError(f"Sheet '{title}' of '{name}' spans more than {MAX_FILE_CELLS:,} cells ({rows:,} rows "
                        f"so far x {width:,} columns): delete unused columns, or keep only the order columns.")


def unreadable_workbook(path: Path, exc: Exception) -> DataError:
    """The error for a workbook openpyxl failed on: an XML entity bomb is named as such."""
    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps the parser's error in its own
        if type(cause).__module__.startswith("defusedxml"):
            return DataError(f"Cannot read '{path.name}': its XML declares entities ({type(cause).__name__}), "
                             f"which Excel never writes and an XML bomb uses; {_FRESH_EXPORT}.")
        cause = cause.__cause__ or cause.__context__
    text = " ".join(str(exc).split())[:300] or type(exc).__name__
    return DataError(f"Cannot read '{path.name}' as an Excel workbook: {text}")


# ---------------------------------------------------------------- Parquet

def check_parquet(path: Path) -> None:
    """Refuse a file without Parquet's marks, or larger than the limits by its own metadata."""
    check_parquet_marks(path)
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        cells = meta.num_rows * meta.num_columns
    except Exception as exc:  # pyarrow raises several types for a damaged or foreign file
        raise DataError(f"Cannot read '{path.name}' as Parquet: {' '.join(str(exc).split())[:300]}") from exc
    if unpacked > MAX_UNCOMPRESSED_BYTES or cells > MAX_FILE_CELLS:
        raise DataError(f"'{path.name}' holds {meta.num_rows:,} rows x {meta.num_columns:,} columns "
                        f"({_size(unpacked)} unpacked), more than retention-xl reads ({MAX_FILE_CELLS:,} cells, "
                        f"{_size(MAX_UNCOMPRESSED_BYTES)}): keep only the order columns or filter rows.")


def check_parquet_marks(path: Path) -> None:
    """Refuse a file without Parquet's marks at both ends (what it is instead, named)."""
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(max(path.stat().st_size - 4, 0))
        tail = handle.read(4)
    if head != _PARQUET_MAGIC or tail != _PARQUET_MAGIC:
        what = ("a workbook (zip package)" if head == _ZIP_MAGIC else "an old .xls file" if head == _OLE_MAGIC[:4]
                else "damaged or not complete" if head == _PARQUET_MAGIC else "text or another format")
        raise DataError(f"Cannot read '{path.name}' as Parquet: it is {what}, not a Parquet file (those start "
                        "and end with 'PAR1'); give it the name of its real type (.csv, .xlsx).")
