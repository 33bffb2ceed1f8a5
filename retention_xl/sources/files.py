"""Reading order exports from files: CSV, Excel workbooks (.xlsx, and .xls through
:mod:`~retention_xl.sources.xls_file`) and Parquet.

The reader keeps values as the file has them (CSV cells as text, workbook cells as
openpyxl gives them, Parquet columns with their own types) and remembers which file row
the first data row came from, so problems can be reported by the row number the user sees.
Cleaning is :func:`retention_xl.analysis.orders.clean_orders`'s job.

Files are untrusted input: before a parser sees one, :mod:`retention_xl.sources.file_checks` checks
its kind, size and shape and refuses hostile or broken files with one clear line.

Examples
--------
>>> table = read_table("orders.csv")                       # doctest: +SKIP
>>> clean_orders(table.frame, first_row=table.first_row)   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from retention_xl.errors import DataError, MissingColumns, UnknownColumn
from retention_xl.input_sheets import INPUT_TABLES
from retention_xl.sources import file_checks
from retention_xl.sources.orders_sheet import orders_sheet
from retention_xl.sources.table_shape import (
    filled,
    header_names,
    trim_blank_rows,
    unique_headers,
)
from retention_xl.sources.workbook_tables import TableRef, workbook_tables

__all__ = ["RawTable", "read_table", "workbook_sheets", "detect_encoding", "detect_delimiter", "text_layout", "SAMPLE_ROWS",
           "trailing_delimiter", "more_cells", "cells_past_header"]

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
XLS_SUFFIXES = {".xls"}
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
    file, sheet, table : str or None
        The parts of ``source`` for a workbook's sheet (and the Excel Table read on it), for
        a door to name them in the report's language; None for a file of one table.
    """

    frame: pd.DataFrame
    first_row: int
    source: str
    file: str | None = None
    sheet: str | None = None
    table: str | None = None


#: rows of a workbook sheet read before the rest, for the header check
SAMPLE_ROWS = 200


def read_table(path: str | Path, *, sheet: str | None = None, table: str = INPUT_TABLES["orders"],
               check: Callable[[pd.DataFrame], object] | None = None) -> RawTable:
    """Read an order export (.csv/.txt/.tsv, .xlsx/.xlsm, .xls or .parquet).

    Parameters
    ----------
    path : str or pathlib.Path
    sheet : str, optional
        Workbook sheet to read; by default the sheet of the Excel Table named ``table``,
        else a sheet named for the orders in English, Arabic or Persian ("Orders", "الطلبات",
        "سفارش‌ها" ...: :func:`~retention_xl.sources.orders_sheet.orders_sheet`), else the
        first sheet that has data. On the sheet, an
        Excel Table (the one named ``table``, or the only one) is read within its own range,
        whatever titles or notes are above it; without one, the header is the first row with
        two or more filled cells.
    table : str
        Name of the Excel Table to prefer in a workbook ("Orders"; "Survey", "Contacts" for
        the side tables).
    check : callable, optional
        Called with the header and the first :data:`SAMPLE_ROWS` rows of a workbook sheet
        (as a DataFrame) before the rest is read, so that a sheet whose columns cannot be
        used fails in a second rather than after reading every row, and with a CSV file's
        first rows; its exception propagates, a column error
        (:class:`~retention_xl.errors.MissingColumns`, :class:`~retention_xl.errors.UnknownColumn`)
        said with the line or row its header was taken from when lines above it were passed
        over, and the workbook's other sheets when it has some (``option="sheet"``).

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
        return _read_csv(path, check)
    if suffix in XLSX_SUFFIXES or suffix in XLS_SUFFIXES:
        kind = file_checks.workbook_kind(path)
        if kind == "ole" or (suffix in XLS_SUFFIXES and kind != "zip"):
            return _read_xls(path, sheet, check, kind)
        return _read_xlsx(path, sheet, check, table)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path)
    raise DataError(f"Cannot read '{path.name}': unsupported file type '{suffix or '(none)'}'; "
                    "use .csv, .xlsx, .xls or .parquet.")


def workbook_sheets(path: Path) -> list[str] | None:
    """The sheet names of a workbook file (.xlsx/.xlsm or .xls, by what it holds), after the
    checks :func:`read_table` makes (a hostile or protected file is refused); ``None`` for
    a file that is no workbook or cannot be opened (:func:`read_table` then says what is
    wrong with it)."""
    kind = file_checks.workbook_kind(path)
    if kind == "ole":
        import xlrd

        file_checks.check_binary_workbook(path)
        try:
            book = xlrd.open_workbook(str(path), on_demand=True)
        except Exception:  # noqa: BLE001 -- read_table says what is wrong with the file
            return None
        try:
            return book.sheet_names()
        finally:
            book.release_resources()
    if kind != "zip":
        return None
    import openpyxl

    file_checks.check_workbook(path)
    try:
        with path.open("rb") as handle:  # a handle: openpyxl refuses a package named .xls
            book = openpyxl.load_workbook(handle, read_only=True, keep_links=False)
            try:
                return book.sheetnames
            finally:
                book.close()
    except Exception:  # noqa: BLE001 -- read_table says what is wrong with the file
        return None


def detect_encoding(data: bytes) -> str:
    """Name the text encoding of a CSV export.

    A byte-order mark decides (UTF-8, UTF-16); otherwise UTF-16 without a mark is
    recognised by its high bytes (0x00 for Latin, 0x06 for Arabic letters), valid UTF-8 is UTF-8, and anything else is Windows-1256
    when its accented bytes are mostly Arabic letters in words of their own (Arabic Excel's
    "CSV"), else Windows-1252. Western letters read as Windows-1256 are Arabic letters too
    (``Jörg`` reads ``Jِrg``), but inside Latin words: a word with an A-Z letter in it is
    no evidence of Arabic.

    Examples
    --------
    >>> detect_encoding("العميل".encode("cp1256")), detect_encoding("Jörg Bäcker".encode("cp1252"))
    ('cp1256', 'cp1252')
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
    high = sum(b >= 0x80 for b in data[:200_000])
    words = _WORD.findall(data[:200_000].decode("cp1256", errors="replace"))
    arabic = sum(len(_ARABIC.findall(w)) for w in words if not _LATIN.search(w))
    return "cp1256" if arabic * 2 >= high else "cp1252"


#: a word of a text read as Windows-1256: Latin (ASCII and accented) and Arabic letters and marks
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u0600-\u06ff]+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_delimiter(sample: str) -> str:
    """Pick the delimiter (, ; tab |) that splits the first lines into equal field counts
    (see :func:`text_layout`).

    Examples
    --------
    >>> detect_delimiter("a;b;c\\n1,5;2;3\\n")
    ';'
    """
    return text_layout(sample)[0]


#: Excel's hint on the first line of a CSV file: ``sep=;`` (the delimiter is the character after "=")
_SEP_HINT = re.compile(r'^\s*"?sep=(.)"?\s*$', re.IGNORECASE)
#: lines of a text file searched for its header row
_HEADER_SEARCH = 100


def text_layout(text: str) -> tuple[str, int]:
    """The delimiter of a text table and the line (0-based) its header is on.

    The header is found as in a workbook (:func:`header_row`): the first line with two or
    more filled cells, so titles, notes and blank lines above the table are passed over.
    Excel's ``sep=;`` hint on the first line decides the delimiter; otherwise it is the one
    (, ; tab |) that splits the lines from its header on into equal field counts, the one
    whose header comes first on a tie. A row that ends with the delimiter (one empty cell
    more than the header, as some systems write every row) counts as equal.

    Examples
    --------
    >>> text_layout("My Shop - Orders export\\nGenerated 2024-04-01\\n\\nCustomer,Date,Amount\\na,2024-01-05,10\\n")
    (',', 3)
    >>> text_layout("sep=;\\nCustomer;Date;Amount\\na;05/01/2024;10,5\\n")
    (';', 1)
    >>> text_layout("Customer;Date;Amount\\na@x.com;05/01/2024;100,00;\\nb@x.com;06/01/2024;20,50;\\n")
    (';', 0)
    """
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and (hint := _SEP_HINT.match(lines[first])):
        delimiter = hint.group(1)
        return delimiter, first + 1 + _header_line(lines[first + 1:], delimiter)
    best, best_score = (",", _header_line(lines, ",")), None
    for delimiter in _DELIMITERS:
        start = _header_line(lines, delimiter)
        rows = list(csv.reader([ln for ln in lines[start:start + 50] if ln.strip()], delimiter=delimiter))
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        fits = sum(len(r) == width or (len(r) == width + 1 and not r[-1].strip()) for r in rows)
        score = (fits / len(rows), -start, width)
        if best_score is None or score > best_score:
            best, best_score = (delimiter, start), score
    return best


def _header_line(lines: list[str], delimiter: str) -> int:
    """The first of ``lines`` with two or more filled cells, else the first with any (0: none)."""
    first = None
    for i, cells in enumerate(csv.reader(lines[:_HEADER_SEARCH], delimiter=delimiter)):
        count = sum(bool(c.strip()) for c in cells)
        if count >= 2:
            return i
        if count and first is None:
            first = i
    return first or 0


def _read_csv(path: Path, check: Callable[[pd.DataFrame], object] | None = None) -> RawTable:
    file_checks.check_text_size(path)
    data = path.read_bytes()
    file_checks.check_text_kind(path, data)
    if not data.strip():
        raise DataError(f"'{path.name}' is empty.")
    encoding = detect_encoding(data)
    if not encoding.startswith("utf-16"):
        data = data.rstrip(b"\x00")  # some systems pad the end of an export with NUL bytes
    head = data[:200_000].decode(encoding, errors="ignore").lstrip("\ufeff")
    file_checks.check_text(path, data, encoding, head)
    lines = head.splitlines()
    delimiter, leading_blank = text_layout(head)  # the lines above the header: blank, titles, a sep= hint
    header = next(csv.reader(lines[leading_blank:leading_blank + 1], delimiter=delimiter), [])
    n_lines = data.count(b"\n") + 1
    file_checks.check_text_shape(path, len(header), n_lines)
    body = lines[leading_blank + 1:] if len(data) <= 200_000 else lines[leading_blank + 1:-1]  # the last may be cut
    trailing = trailing_delimiter(body, delimiter, len(header))
    frame = _csv_with_pyarrow(data, encoding, delimiter, leading_blank, len(header) + 1 if trailing else None)
    if frame is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(
                    io.BytesIO(data), sep=delimiter, encoding=encoding, dtype="str", index_col=False,
                    keep_default_na=False, na_filter=False, skip_blank_lines=False,
                    **({"header": None, "names": range(len(header) + 1), "skiprows": leading_blank + 1}
                       if trailing else {"skiprows": leading_blank}),
                )
        except pd.errors.ParserWarning as exc:
            raise more_cells(path, leading_blank, len(header), delimiter) from exc
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise DataError(f"Cannot read '{path.name}': it is not UTF-8 text, and byte 0x{data[exc.start]:02X} on "
                            f"line {line} is not a letter in {_CODEPAGES.get(encoding, encoding)} either; save "
                            "the file from Excel as 'CSV UTF-8'.") from exc
        except (pd.errors.ParserError, ValueError) as exc:
            raise _unparsed(path, exc, leading_blank, len(header)) from exc
    if trailing:  # the rows' empty last cell dropped, as Excel shows the file; a value there is refused
        if frame.iloc[:, -1].str.strip().ne("").any():
            raise more_cells(path, leading_blank, len(header), delimiter)
        frame = frame.iloc[:, :-1]
    # the header as the file has it, a blank cell named for its column (pandas would say "Unnamed: 2")
    frame.columns = unique_headers(header_names(header) if len(header) == frame.shape[1] else frame.columns)
    if frame.empty:
        raise DataError(f"'{path.name}' has a header row but no rows below it.")
    if check is not None:
        titles = any(ln.strip() and not _SEP_HINT.match(ln) for ln in lines[:leading_blank])
        try:
            check(frame.head(SAMPLE_ROWS - 1))
        except (MissingColumns, UnknownColumn) as exc:
            where = (f"the header was taken to be line {leading_blank + 1} of '{path.name}', the first with two or "
                     "more filled cells; if the table starts lower, delete the lines above its header")
            raise _told_where(exc, [where] if titles else []) from None
    return RawTable(trim_blank_rows(frame), leading_blank + 2, path.name)


def trailing_delimiter(rows: list[str], delimiter: str, width: int) -> bool:
    """Whether every data row ends with the delimiter the header does not end with: one cell
    more than the header's ``width``, and that one empty (blank lines aside).

    >>> trailing_delimiter(["a,2024-01-05,10,", "", "b,2024-01-06,20,"], ",", 3)
    True
    >>> trailing_delimiter(["a,2024-01-05,10,", "b,2024-01-06,20,5"], ",", 3)
    False
    """
    cells = [r for r in csv.reader(rows, delimiter=delimiter) if any(c.strip() for c in r)]
    return bool(cells) and all(len(r) == width + 1 and not r[-1].strip() for r in cells)


def more_cells(path: Path, header_line: int, width: int, delimiter: str) -> DataError:
    """Rows with more cells than the header, said with where the header was taken to be."""
    return DataError(f"Cannot read '{path.name}' as CSV: some rows have more cells than the header "
                     f"(taken to be line {header_line + 1}, with {width} cells): an unquoted "
                     f"'{delimiter}' inside a value? Quote such values; if the table starts lower, delete "
                     "the lines above its header.")


def _unparsed(path: Path, error: Exception, header_line: int, width: int) -> DataError:
    """The parser's error, said with where the header was taken to be."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
    if found is None:
        return DataError(f"Cannot read '{path.name}' as CSV: {' '.join(str(error).split())[:300]}")
    return cells_past_header(path, int(found.group(2)), int(found.group(3)), header_line, width)


def cells_past_header(path: Path, line: int, saw: int, header_line: int, width: int) -> DataError:
    """A line of the file with more cells (``saw``) than the header's ``width``, said with
    where the header was taken to be (``header_line`` lines above it)."""
    return DataError(f"Cannot read '{path.name}' as CSV: line {line} has {saw} cells, but the header was taken to "
                     f"be line {header_line + 1}, which has {width}; if the table starts lower, delete the lines "
                     "above its header, or quote the values that hold the delimiter")


_CODEPAGES = {"cp1252": "Windows-1252 (Western)", "cp1256": "Windows-1256 (Arabic)"}


def _csv_with_pyarrow(data: bytes, encoding: str, delimiter: str, skip: int,
                      width: int | None = None) -> pd.DataFrame | None:
    """Fast path for well-formed files; None when pyarrow is missing or the file is irregular
    (blank lines, short rows), which the pandas parser then handles row by row. With
    ``width``, the header line is skipped too and the rows' ``width`` cells are columns 0, 1 ..."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    names = [str(i) for i in range(width or 0)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(encoding="utf8" if encoding.startswith("utf-8") else encoding,
                                           **({"skip_rows": skip} if width is None else
                                              {"skip_rows": skip + 1, "column_names": names})),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[],
                column_types=_all_text(data, encoding, delimiter, skip) if width is None else
                dict.fromkeys(names, pa.string()),
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


def _read_xlsx(path: Path, sheet: str | None, check: Callable[[pd.DataFrame], object] | None = None,
               prefer: str = INPUT_TABLES["orders"]) -> RawTable:
    import openpyxl

    file_checks.check_workbook(path)
    # a handle, not the name, for a package named .xls: openpyxl refuses any name but
    # .xlsx/.xlsm, and the file is read as what it is
    handle = path.open("rb") if path.suffix.lower() not in XLSX_SUFFIXES else None
    try:
        book = openpyxl.load_workbook(handle or path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # zip, XML or openpyxl errors: all mean "not a readable workbook"
        if handle is not None:
            handle.close()
        raise file_checks.unreadable_workbook(path, exc) from exc
    tables = workbook_tables(path)
    sheets = book.sheetnames
    chosen = None
    if sheet is None:
        chosen = next((t for t in tables if t.name.casefold() == prefer.casefold()), None)
        sheet = None if chosen is None else chosen.sheet
    try:
        ws = _pick_sheet(book, sheet, path.name)
        title = ws.title
        if chosen is None:
            on_sheet = [t for t in tables if t.sheet == title]
            chosen = next((t for t in on_sheet if t.name.casefold() == prefer.casefold()),
                          on_sheet[0] if len(on_sheet) == 1 else None)
        rows, width = _sheet_rows(ws, path.name, None if check is None else
                                  lambda head: _check_sample(head, check, title, chosen), box=chosen)
    except (DataError, _SampleRefused) as exc:
        if isinstance(exc, _SampleRefused):
            raise _sheet_refused(exc, path.name, sheets) from None
        raise
    except Exception as exc:  # a damaged or hostile sheet part, found while parsing it
        raise file_checks.unreadable_workbook(path, exc) from exc
    finally:
        book.close()
        if handle is not None:
            handle.close()
    table = _sheet_table(rows, width, title, path.name, chosen)
    _refuse_uncalculated(path, title, chosen, table, check)
    return table


def _blank_or_zero(values: pd.Series) -> bool:
    """Whether no cell of ``values`` holds anything but a blank or the number 0."""
    return all(not filled(v) or (type(v) in (int, float) and v == 0) for v in values)


def _refuse_uncalculated(path: Path, title: str, box: TableRef | None, table: RawTable,
                         check: Callable[[pd.DataFrame], object] | None) -> None:
    """Refuse a table whose column of a role holds formulas never calculated: a program that
    writes formulas without their results (openpyxl does) leaves the cells without values,
    which read as blanks, or with a 0 for every result (xlsxwriter's). A column the report
    does not use may stay so."""
    blank = [c for c in table.frame.columns if _blank_or_zero(table.frame[c].head(SAMPLE_ROWS))
             and _blank_or_zero(table.frame[c])]
    if blank and check is not None:  # only the columns of a role: the file is not opened again for others
        try:
            found = check(table.frame.head(0))
        except Exception:  # noqa: BLE001 -- the columns are the cleaning's to explain
            return
        roles = {v for v in vars(found).values() if isinstance(v, str)} if hasattr(found, "__dict__") else set()
        blank = [c for c in blank if c in roles]
    if not blank:
        return
    import openpyxl

    with path.open("rb") as handle:
        book = openpyxl.load_workbook(handle, read_only=True, data_only=False, keep_links=False)
        try:
            ws = book[title]
            ws.reset_dimensions()
            bounds = {} if box is None else dict(min_row=box.min_row, max_row=box.max_row - box.totals_rows,
                                                  min_col=box.min_col, max_col=box.max_col)
            head = [row for row, _ in zip(ws.iter_rows(values_only=True, **bounds), range(SAMPLE_ROWS))]
        finally:
            book.close()
    start = header_row(head)
    if start is None:
        return
    width = max(len(r) for r in head[start:])
    names = unique_headers(header_names(list(head[start]) + [None] * (width - len(head[start])),
                                        1 if box is None else box.min_col))
    formulas = {}
    for row in head[start + 1:]:
        for name, value in zip(names, row):
            if name in blank and isinstance(value, str) and value.startswith("="):
                formulas.setdefault(name, value)
    if formulas:
        listed = ", ".join(f"'{name}' ({f})" for name, f in formulas.items())
        raise DataError(
            f"The formulas of column {listed} of {table.source.split(', ', 1)[-1]} in '{path.name}' have no "
            "calculated values (each reads as blank or 0): the file was written by a program that saves formulas "
            "without their results. "
            "Open it in Excel or LibreOffice and save it, then read it again, or export the values instead of "
            "the formulas.")


def _read_xls(path: Path, sheet: str | None, check: Callable[[pd.DataFrame], object] | None, kind: str) -> RawTable:
    """An .xls file: an Excel 97-2003 workbook (:mod:`~retention_xl.sources.xls_file`), or
    what some systems export under that name: tab-separated text (read as CSV) or a web page
    (refused with how to make a workbook of it)."""
    if kind == "page":
        raise DataError(f"'{path.name}' is not an Excel workbook: it is an HTML or XML page with an .xls name "
                        "(some web systems export that way); open it in Excel and save it as an Excel "
                        "Workbook (.xlsx) or as CSV UTF-8.")
    if kind == "text":
        return _read_csv(path, check)
    from retention_xl.sources.xls_file import xls_rows

    try:
        rows, width, title = xls_rows(path, sheet, None if check is None else
                                      lambda head, title: _check_sample(head, check, title), SAMPLE_ROWS)
    except _SampleRefused as exc:
        raise _sheet_refused(exc, path.name, workbook_sheets(path) or []) from None
    return _sheet_table(rows, width, title, path.name, None)


def _sheet_table(rows: list[tuple], width: int, title: str, name: str, chosen: TableRef | None) -> RawTable:
    """A sheet's rows (within an Excel Table's range when ``chosen``) as the raw table: the
    header row, the columns with a header or a value, blank rows at the end dropped."""
    start = header_row(rows) if chosen is None else 0
    if start is None or not rows:
        raise DataError(f"Sheet '{title}' of '{name}' is empty.")
    body = [tuple(r) + (None,) * (width - len(r)) for r in rows[start + 1:]]
    header = list(rows[start]) + [None] * (width - len(rows[start]))
    names = header_names(header, chosen.min_col if chosen is not None else 1)
    frame = pd.DataFrame(body, columns=range(width), dtype=object)
    keep = [i for i in range(width) if filled(header[i]) or frame[i].map(filled).any()]
    frame = frame[keep]
    frame.columns = unique_headers([names[i] for i in keep])
    frame = trim_blank_rows(frame)
    where = f"table '{chosen.name}' on sheet '{title}'" if chosen is not None else f"sheet '{title}'"
    if frame.empty:
        raise DataError(f"The {where} of '{name}' has a header row but no rows below it.")
    first = (chosen.min_row if chosen is not None else 1) + start + 1
    return RawTable(frame, first, f"{name}, {where}", name, title, chosen.name if chosen is not None else None)


class _SampleRefused(Exception):
    """The header check refused a sheet's first rows: the check's exception, the ``sheet``,
    the sheet row its ``header`` was taken from, and whether filled rows were ``passed_over``
    above it."""

    def __init__(self, error: BaseException, sheet: str, header: int, passed_over: bool):
        super().__init__(str(error))
        self.error, self.sheet, self.header, self.passed_over = error, sheet, header, passed_over


def _sheet_refused(refused: _SampleRefused, name: str, sheets: list[str]) -> BaseException:
    """The check's error, said with the row its header was taken from (when rows above it were
    passed over) and the workbook's other sheets (when it has some), for the user to choose."""
    parts = []
    if refused.passed_over:
        parts.append(f"the header was taken to be row {refused.header} of worksheet '{refused.sheet}', the first "
                     "with two or more filled cells; if the table starts lower, delete the rows above its header")
    others = [t for t in sheets if t != refused.sheet]
    if others:
        listed = ", ".join(f"'{t}'" for t in others[:10]) + (f" and {len(others) - 10} more" if len(others) > 10 else "")
        parts.append(f"this is worksheet '{refused.sheet}' of '{name}', whose other sheets are {listed}: to read "
                     "one of them, name it with sheet")
    return _told_where(refused.error, parts, option="sheet" if others else None)


def _told_where(error: BaseException, parts: list[str], option: str | None = None) -> BaseException:
    """A column error of the header check (:class:`~retention_xl.errors.MissingColumns`,
    :class:`~retention_xl.errors.UnknownColumn`) with ``parts`` added to its reason: where the
    table was read from, which the check cannot know; ``option``: the argument that chooses
    another place (its door names it its own way). Other errors are returned as they are."""
    if not parts or not isinstance(error, (MissingColumns, UnknownColumn)):
        return error
    error.reason = f"{error.reason}; " + "; ".join(parts)
    error.args = (error.reason,)
    error.option = option or error.option
    return error


def header_row(rows: list[tuple]) -> int | None:
    """Index of the header row: the first row with two or more filled cells (a title or a note
    above a table fills one), else the first row with any; None for an empty sheet.

    >>> header_row([(None,), ("Orders of 2024", None), ("Customer", "Date", "Total"), ("a", 1, 2)])
    2
    """
    first = None
    for i, r in enumerate(rows):
        count = sum(filled(v) for v in r)
        if count >= 2:
            return i
        if count and first is None:
            first = i
    return first


def _check_sample(head: list[tuple], check: Callable[[pd.DataFrame], object], sheet: str,
                  box: TableRef | None = None) -> None:
    """Run ``check`` on the header and first rows read so far (before the rest of the sheet
    ``sheet``; within an Excel Table's ``box``), their columns named as the whole sheet's will be."""
    start = header_row(head)
    if start is None:
        return
    width = max(len(r) for r in head[start:])
    header = list(head[start]) + [None] * (width - len(head[start]))
    names = header_names(header, 1 if box is None else box.min_col)
    body = [tuple(r) + (None,) * (width - len(r)) for r in head[start + 1:]]
    sample = pd.DataFrame(body, columns=range(width), dtype=object)
    sample.columns = unique_headers(names)
    try:
        check(sample)
    except Exception as exc:  # the caller's own error, raised after the workbook is closed
        passed_over = box is None and any(filled(v) for r in head[:start] for v in r)
        raise _SampleRefused(exc, sheet, (1 if box is None else box.min_row) + start, passed_over) from exc


def _sheet_rows(ws, name: str, on_sample: Callable[[list[tuple]], None] | None = None,
                box: TableRef | None = None) -> tuple[list[tuple], int]:
    """The sheet's rows without trailing blank cells (within a Table's ``box``: its header and
    data rows), and the widest row's length; ``on_sample`` sees the first
    :data:`SAMPLE_ROWS` rows before the rest is read.

    The sheet's own claim about its size (``<dimension>``) is ignored: it can be wrong, or
    claim all 17 billion cells of a sheet so that a reader pads every row to 16,384 columns.
    """
    ws.reset_dimensions()
    rows: list[tuple] = []
    width = 0
    bounds = {} if box is None else dict(min_row=box.min_row, max_row=box.max_row - box.totals_rows,
                                          min_col=box.min_col, max_col=box.max_col)
    for row in ws.iter_rows(values_only=True, **bounds):
        end = len(row)
        while end and row[end - 1] is None:
            end -= 1
        rows.append(row[:end] if end < len(row) else row)
        width = max(width, end)
        file_checks.check_sheet_size(ws.title, name, len(rows), width)
        if on_sample is not None and len(rows) == SAMPLE_ROWS:
            on_sample(rows)
            on_sample = None
    if on_sample is not None:
        on_sample(rows)
    return rows, width


def _pick_sheet(book, sheet: str | None, name: str):
    titles = book.sheetnames
    if sheet is not None:
        match = [t for t in titles if t == sheet] or [t for t in titles if t.casefold() == sheet.casefold()]
        if not match:
            raise DataError(f"'{name}' has no sheet '{sheet}'; its sheets are: "
                            + ", ".join(f"'{t}'" for t in titles) + ".")
        return book[match[0]]
    if (named := orders_sheet(titles)) is not None:
        return book[named]
    for t in titles:
        book[t].reset_dimensions()  # the sheet's size claim is not trusted (see _sheet_rows)
        for row in book[t].iter_rows(values_only=True, max_row=50):
            if any(filled(v) for v in row):
                return book[t]
    return book[titles[0]]


def _exact_ids(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the file's 64-bit whole-number columns that pandas made floats (an
    empty cell, a file written by another tool) read again exact when a number is past 2**53
    (:func:`~retention_xl.sources.datasets.exact_whole_numbers`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from retention_xl.sources.datasets import exact_whole_numbers

    if not frame.columns.is_unique:  # a name twice: numbered apart later, read as pandas made it
        return frame
    wide = [f.name for f in pq.read_schema(path) if pa.types.is_integer(f.type) and f.type.bit_width == 64
            and f.name in frame.columns and frame[f.name].dtype.kind == "f"]
    if not wide:
        return frame
    return exact_whole_numbers(frame, pq.read_table(path, columns=wide))


def _read_parquet(path: Path) -> RawTable:
    file_checks.check_parquet(path)
    try:
        frame = pd.read_parquet(path)
        frame = _exact_ids(path, frame)
    except Exception as exc:  # pyarrow raises several types for a damaged or foreign file
        raise DataError(f"Cannot read '{path.name}' as Parquet: {' '.join(str(exc).split())[:300]}") from exc
    if any(n is not None for n in frame.index.names):
        frame = frame.reset_index()  # a named index (e.g. customer id) is data
    frame = frame.reset_index(drop=True)
    frame.columns = unique_headers(frame.columns)
    return RawTable(frame, 1, path.name)
