"""Reading order exports from files: CSV, Excel workbooks and Parquet.

The reader keeps values as the file has them (CSV cells as text, workbook cells as
openpyxl gives them, Parquet columns with their own types) and remembers which file row
the first data row came from, so problems can be reported by the row number the user sees.
Cleaning is :func:`retention_xl.analysis.orders.clean_orders`'s job.

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
  tables larger than ``MAX_CELLS`` are refused; the sheet's own claim about its size is not
  trusted. Macros in .xlsm files are never run (openpyxl does not read them).
- CSV: at most ``MAX_TEXT_BYTES``, no NUL bytes or control characters of binary data, no
  line longer than ``MAX_LINE_BYTES``, at most ``MAX_COLUMNS`` columns and ``MAX_CELLS``
  cells; a zip, .xls or Parquet file with a .csv name is named as such.
- Parquet: the "PAR1" marks at both ends, and at most ``MAX_UNCOMPRESSED_BYTES`` and
  ``MAX_CELLS`` by the file's own metadata, checked before any column is decoded.

Examples
--------
>>> table = read_table("orders.csv")                       # doctest: +SKIP
>>> clean_orders(table.frame, first_row=table.first_row)   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from retention_xl.errors import DataError

__all__ = [
    "RawTable", "read_table", "detect_encoding", "detect_delimiter", "MAX_UNCOMPRESSED_BYTES",
    "MAX_ZIP_MEMBERS", "MAX_COMPRESSION_RATIO", "MAX_CELLS", "MAX_TEXT_BYTES", "MAX_LINE_BYTES",
    "MAX_COLUMNS", "EXCEL_ROWS",
]

#: a workbook's parts unpacked, or a Parquet file's columns decoded: 1.5 GiB at most
MAX_UNCOMPRESSED_BYTES = 1536 * 2**20
#: parts in a workbook package (Excel writes a few dozen; one per sheet, chart, image...)
MAX_ZIP_MEMBERS = 10_000
#: unpacked/packed size of a workbook part above RATIO_FLOOR_BYTES (Excel's sheets: ~15)
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 10 * 2**20
#: cells in one table, blanks included: e.g. 1,048,576 rows x 47 columns, 5 million x 10
MAX_CELLS = 50_000_000
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

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
_DELIMITERS = [",", ";", "\t", "|"]


@dataclass
class RawTable:
    """A table as read from a file.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns named by the header cells; values untouched as far as possible.
    first_row : int
        File row number of ``frame``'s first row (header in row 1 -> 2; Parquet -> 1).
    source : str
        Where it came from, e.g. ``"orders.xlsx, sheet 'Orders'"``.
    """

    frame: pd.DataFrame
    first_row: int
    source: str


def read_table(path: str | Path, *, sheet: str | None = None) -> RawTable:
    """Read an order export (.csv/.txt/.tsv, .xlsx/.xlsm or .parquet).

    Parameters
    ----------
    path : str or pathlib.Path
    sheet : str, optional
        Workbook sheet to read; by default a sheet called "Orders", else the first sheet
        that has data.

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        The file is missing, of an unsupported type, or cannot be read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(f"File not found: {path}")
    if suffix in CSV_SUFFIXES:
        return _read_csv(path)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, sheet)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path)
    if suffix == ".xls":
        raise DataError(f"Cannot read '{path.name}': the old .xls format is not supported; "
                        "open it in Excel and save it as .xlsx (or CSV).")
    raise DataError(f"Cannot read '{path.name}': unsupported file type '{suffix or '(none)'}'; "
                    "use .csv, .xlsx or .parquet.")


def detect_encoding(data: bytes) -> str:
    """Name the text encoding of a CSV export.

    A byte-order mark decides (UTF-8, UTF-16); otherwise UTF-16 without a mark is
    recognised by its high bytes (0x00 for Latin, 0x06 for Arabic letters), valid UTF-8 is UTF-8, and anything else is Windows-1256
    when its accented bytes are mostly Arabic letters (Arabic Excel's "CSV"), else
    Windows-1252.

    Examples
    --------
    >>> detect_encoding("العميل".encode("cp1256"))
    'cp1256'
    >>> detect_encoding(b"\\xef\\xbb\\xbfa,b")
    'utf-8-sig'
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    # UTF-16 without a mark: the high byte of Latin (0x00) and Arabic/Persian (0x06)
    # characters fills every second byte.
    head = data[: min(len(data), 4000) // 2 * 2]
    if head:
        high_odd = sum(b in (0, 6) for b in head[1::2]) / (len(head) // 2)
        high_even = sum(b in (0, 6) for b in head[0::2]) / (len(head) // 2)
        if high_odd > 0.9 and high_even < 0.5:
            return "utf-16-le"
        if high_even > 0.9 and high_odd < 0.5:
            return "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    high = bytes(b for b in data[:200_000] if b >= 0x80)
    arabic = sum(1 for ch in high.decode("cp1256", errors="replace") if "\u0600" <= ch <= "\u06ff")
    return "cp1256" if arabic * 2 >= len(high) else "cp1252"


def detect_delimiter(sample: str) -> str:
    """Pick the delimiter (, ; tab |) that splits the first lines into equal field counts.

    Examples
    --------
    >>> detect_delimiter("a;b;c\\n1,5;2;3\\n")
    ';'
    """
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    best, best_score = ",", (-1.0, 0)
    for delim in _DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delim)] if lines else []
        if not counts or counts[0] < 2:
            continue
        score = (sum(c == counts[0] for c in counts) / len(counts), counts[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(path: Path) -> RawTable:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise DataError(f"'{path.name}' is {_size(size)}; retention-xl reads CSV files up to "
                        f"{_size(MAX_TEXT_BYTES)}: filter the export to fewer rows or columns.")
    data = path.read_bytes()
    _not_other_format(path, data)
    if not data.strip():
        raise DataError(f"'{path.name}' is empty.")
    encoding = detect_encoding(data)
    if not encoding.startswith("utf-16"):
        data = data.rstrip(b"\x00")  # some systems pad the end of an export with NUL bytes
    head = data[:200_000].decode(encoding, errors="ignore").lstrip("\ufeff")
    _check_text(path, data, encoding, head)
    lines = head.splitlines()
    leading_blank = next((i for i, line in enumerate(lines) if line.strip(" ,;\t|")), len(lines))
    delimiter = detect_delimiter("\n".join(lines[leading_blank:]))
    header = next(csv.reader(lines[leading_blank:leading_blank + 1], delimiter=delimiter), [])
    n_lines = data.count(b"\n") + 1
    if len(header) > MAX_COLUMNS:
        raise DataError(f"'{path.name}' has {len(header):,} columns in its header row; an order table has a "
                        f"few (Excel's limit is {MAX_COLUMNS:,}): is it the right file?")
    if len(header) * n_lines > MAX_CELLS:
        raise DataError(f"'{path.name}' has {n_lines:,} lines x {len(header):,} columns, more than the "
                        f"{MAX_CELLS:,} cells retention-xl reads: keep only the order columns or filter rows.")
    frame = _csv_with_pyarrow(data, encoding, delimiter, leading_blank)
    if frame is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(
                    io.BytesIO(data), sep=delimiter, encoding=encoding, dtype="str", index_col=False,
                    keep_default_na=False, na_filter=False, skip_blank_lines=False, skiprows=leading_blank,
                )
        except pd.errors.ParserWarning as exc:
            raise DataError(f"Cannot read '{path.name}' as CSV: some rows have more cells than the header "
                            f"(an unquoted '{delimiter}' inside a value?); quote such values.") from exc
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise DataError(f"Cannot read '{path.name}': it is not UTF-8 text, and byte 0x{data[exc.start]:02X} on "
                            f"line {line} is not a letter in {_CODEPAGES.get(encoding, encoding)} either; save "
                            "the file from Excel as 'CSV UTF-8'.") from exc
        except (pd.errors.ParserError, ValueError) as exc:
            raise DataError(f"Cannot read '{path.name}' as CSV: {' '.join(str(exc).split())[:300]}") from exc
    frame.columns = _headers(frame.columns)
    if frame.empty:
        raise DataError(f"'{path.name}' has a header row but no orders below it.")
    return RawTable(_trim(frame), leading_blank + 2, path.name)


_CODEPAGES = {"cp1252": "Windows-1252 (Western)", "cp1256": "Windows-1256 (Arabic)"}


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.1f} MB"


def _not_other_format(path: Path, data: bytes) -> None:
    """A workbook or Parquet file saved under a text name is named for what it is."""
    if data.startswith(_ZIP_MAGIC):
        raise DataError(f"'{path.name}' is a zip package (an .xlsx workbook?), not CSV text: if it is a "
                        "workbook, rename it to .xlsx.")
    if data.startswith(_OLE_MAGIC):
        raise DataError(f"'{path.name}' is a binary Excel file (.xls), not CSV text: {_SAVE_AS_XLSX}.")
    if data.startswith(_PARQUET_MAGIC):
        raise DataError(f"'{path.name}' is a Parquet file, not CSV text: rename it to .parquet.")


def _check_text(path: Path, data: bytes, encoding: str, head: str) -> None:
    """Refuse binary data and absurd lines before a CSV parser sees them."""
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
    """Length in bytes and 1-based number of the longest line, read in chunks with numpy."""
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


def _csv_with_pyarrow(data: bytes, encoding: str, delimiter: str, skip: int) -> pd.DataFrame | None:
    """Fast path for well-formed files; None when pyarrow is missing or the file is irregular
    (blank lines, short rows), which the pandas parser then handles row by row."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(encoding="utf8" if encoding.startswith("utf-8") else encoding,
                                           skip_rows=skip),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[],
                column_types=_all_text(data, encoding, delimiter, skip),
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
        return None
    columns = {i: pd.Series(table.column(i).to_pandas(), dtype="str") for i in range(table.num_columns)}
    return pd.DataFrame(columns).set_axis(table.column_names, axis=1)


def _all_text(data: bytes, encoding: str, delimiter: str, skip: int) -> dict:
    import pyarrow as pa

    lines = data[:200_000].decode(encoding, errors="ignore").lstrip("\ufeff").splitlines()
    header = next(csv.reader(lines[skip:skip + 1], delimiter=delimiter), [])
    return {name: pa.string() for name in header}


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    import openpyxl
    import openpyxl.xml
    from openpyxl.utils import get_column_letter

    _check_package(path)
    if not openpyxl.xml.DEFUSEDXML:
        raise DataError(f"Cannot read '{path.name}' safely: openpyxl is not using defusedxml's protected XML "
                        "parser (install defusedxml, and do not set OPENPYXL_DEFUSEDXML=False).")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # zip, XML or openpyxl errors: all mean "not a readable workbook"
        raise _unreadable(path, exc) from exc
    try:
        ws = _pick_sheet(book, sheet, path.name)
        title = ws.title
        rows, width = _sheet_rows(ws, path.name)
    except DataError:
        raise
    except Exception as exc:  # a damaged or hostile sheet part, found while parsing it
        raise _unreadable(path, exc) from exc
    finally:
        book.close()
    start = next((i for i, r in enumerate(rows) if any(_filled(v) for v in r)), None)
    if start is None:
        raise DataError(f"Sheet '{title}' of '{path.name}' is empty.")
    body = [tuple(r) + (None,) * (width - len(r)) for r in rows[start + 1:]]
    header = list(rows[start]) + [None] * (width - len(rows[start]))
    names = [v if _filled(v) else f"Column {get_column_letter(i + 1)}" for i, v in enumerate(header)]
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    keep = [i for i in range(width) if _filled(header[i]) or frame[i].map(_filled).any()]
    frame = frame[keep]
    frame.columns = _headers([names[i] for i in keep])
    frame = _trim(frame)
    if frame.empty:
        raise DataError(f"Sheet '{title}' of '{path.name}' has a header row but no orders below it.")
    return RawTable(frame, start + 2, f"{path.name}, sheet '{title}'")


def _sheet_rows(ws, name: str) -> tuple[list[tuple], int]:
    """The sheet's rows without trailing blank cells, and the widest row's length.

    The sheet's own claim about its size (``<dimension>``) is ignored: it can be wrong, or
    claim all 17 billion cells of a sheet so that a reader pads every row to 16,384 columns.
    """
    ws.reset_dimensions()
    rows: list[tuple] = []
    width = 0
    for row in ws.iter_rows(values_only=True):
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        rows.append(row[:end] if end < len(row) else row)
        width = max(width, end)
        if len(rows) > EXCEL_ROWS:
            raise DataError(f"Sheet '{ws.title}' of '{name}' has rows past Excel's last row ({EXCEL_ROWS:,}): "
                            f"the file was not made by a spreadsheet; {_SAVE_AS_XLSX}.")
        if len(rows) * width > MAX_CELLS:
            raise DataError(f"Sheet '{ws.title}' of '{name}' spans more than {MAX_CELLS:,} cells ({len(rows):,} rows "
                            f"so far x {width:,} columns): delete unused columns, or keep only the order columns.")
    return rows, width


def _unreadable(path: Path, exc: Exception) -> DataError:
    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps the parser's error in its own
        if type(cause).__module__.startswith("defusedxml"):
            return DataError(f"Cannot read '{path.name}': its XML declares entities ({type(cause).__name__}), "
                             f"which Excel never writes and an XML bomb uses; {_FRESH_EXPORT}.")
        cause = cause.__cause__ or cause.__context__
    text = " ".join(str(exc).split())[:300] or type(exc).__name__
    return DataError(f"Cannot read '{path.name}' as an Excel workbook: {text}")


def _check_package(path: Path) -> None:
    """Refuse what is not a plain workbook package before openpyxl opens it."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(_OLE_MAGIC):
        if _contains(path, "EncryptedPackage".encode("utf-16-le")):
            raise DataError(f"'{path.name}' is protected with a password (encrypted), so it cannot be read: open "
                            "it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
                            "Password, clear it), save, and try again; or save a copy as CSV UTF-8.")
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


def _pick_sheet(book, sheet: str | None, name: str):
    titles = book.sheetnames
    if sheet is not None:
        match = [t for t in titles if t == sheet] or [t for t in titles if t.casefold() == sheet.casefold()]
        if not match:
            raise DataError(f"'{name}' has no sheet '{sheet}'; its sheets are: "
                            + ", ".join(f"'{t}'" for t in titles) + ".")
        return book[match[0]]
    for t in titles:
        if t.strip().casefold() == "orders":
            return book[t]
    for t in titles:
        book[t].reset_dimensions()  # the sheet's size claim is not trusted (see _sheet_rows)
        for row in book[t].iter_rows(values_only=True, max_row=50):
            if any(_filled(v) for v in row):
                return book[t]
    return book[titles[0]]


def _read_parquet(path: Path) -> RawTable:
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(max(path.stat().st_size - 4, 0))
        tail = handle.read(4)
    if head != _PARQUET_MAGIC or tail != _PARQUET_MAGIC:
        what = ("a workbook (zip package)" if head == _ZIP_MAGIC else "an old .xls file" if head == _OLE_MAGIC[:4]
                else "damaged or not complete" if head == _PARQUET_MAGIC else "text or another format")
        raise DataError(f"Cannot read '{path.name}' as Parquet: it is {what}, not a Parquet file (those start "
                        "and end with 'PAR1'); give it the name of its real type (.csv, .xlsx).")
    try:
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        cells = meta.num_rows * meta.num_columns
    except Exception as exc:  # pyarrow raises several types for a damaged or foreign file
        raise DataError(f"Cannot read '{path.name}' as Parquet: {' '.join(str(exc).split())[:300]}") from exc
    if unpacked > MAX_UNCOMPRESSED_BYTES or cells > MAX_CELLS:
        raise DataError(f"'{path.name}' holds {meta.num_rows:,} rows x {meta.num_columns:,} columns "
                        f"({_size(unpacked)} unpacked), more than retention-xl reads ({MAX_CELLS:,} cells, "
                        f"{_size(MAX_UNCOMPRESSED_BYTES)}): keep only the order columns or filter rows.")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a damaged or foreign file
        raise DataError(f"Cannot read '{path.name}' as Parquet: {' '.join(str(exc).split())[:300]}") from exc
    if any(n is not None for n in frame.index.names):
        frame = frame.reset_index()  # a named index (e.g. customer id) is data
    frame = frame.reset_index(drop=True)
    frame.columns = _headers(frame.columns)
    return RawTable(frame, 1, path.name)


def _filled(v: object) -> bool:
    return v is not None and not (isinstance(v, str) and not v.strip())


def _headers(names) -> list[str]:
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


def _trim(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop blank rows at the end (formatting below a table is not data)."""
    if frame.empty or any(_filled(v) and not (isinstance(v, float) and v != v) for v in frame.iloc[-1]):
        return frame
    filled = frame.apply(lambda col: col.map(_filled) if col.dtype == object else
                         (col.str.strip() != "") if col.dtype == "str" else col.notna()).any(axis=1)
    last = filled.to_numpy().nonzero()[0]
    end = int(last[-1]) + 1 if len(last) else 0
    return frame.iloc[:end].reset_index(drop=True) if end < len(frame) else frame
