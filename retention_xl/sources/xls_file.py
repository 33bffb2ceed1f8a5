"""Reading the sheets of an old binary Excel workbook (.xls, Excel 97-2003) with xlrd.

Accounting and shop systems still export ``.xls``; Excel opens it and so does the report.
The cells come out as the .xlsx reader gives them (openpyxl): text as ``str``, numbers as
``int`` when whole (1001) else ``float``, cells formatted as dates as ``datetime`` (xlrd knows a date only by its format,
as Excel does), TRUE/FALSE as ``bool``, an error as its text (``"#N/A"``), blanks as
``None``. A sheet holds at most 65,536 rows of 256 columns; the whole file is read into
memory, so a file past :data:`~retention_xl.sources.file_checks.MAX_UNCOMPRESSED_BYTES`
is refused before xlrd opens it.

Examples
--------
>>> rows, width, title = xls_rows(Path("orders.xls"), None)   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from retention_xl.errors import DataError
from retention_xl.sources import file_checks
from retention_xl.sources.orders_sheet import orders_sheet
from retention_xl.sources.table_shape import filled

__all__ = ["xls_rows"]


def xls_rows(path: Path, sheet: str | None, on_sample: Callable[[list[tuple], str], None] | None = None,
             sample_rows: int = 200) -> tuple[list[tuple], int, str]:
    """The rows of one sheet of the .xls workbook ``path`` without trailing blank cells, the
    widest row's length and the sheet's name. The sheet is ``sheet`` (exactly, else
    ignoring case), else one named for the orders (:func:`~retention_xl.sources.orders_sheet.orders_sheet`:
    Orders, الطلبات, سفارش‌ها ...), else the first with a filled cell in its first 50 rows.
    ``on_sample`` sees the first ``sample_rows`` rows and the sheet's name before the rest
    are converted."""
    import xlrd

    file_checks.check_binary_workbook(path)
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd's own error, or a struct/OLE error on a damaged file
        raise _unreadable(path, exc) from exc

    def sample(rows: list[tuple]) -> None:
        try:
            on_sample(rows, ws.name)
        except Exception as exc:  # the caller's own error, passed on as it is
            raise _FromCaller(exc) from exc

    try:
        ws = _pick_sheet(book, sheet, path.name)
        rows: list[tuple] = []
        width = 0
        for r in range(ws.nrows):
            row = _row(ws, r, book.datemode)
            rows.append(row)
            width = max(width, len(row))
            file_checks.check_sheet_size(ws.name, path.name, len(rows), width)
            if on_sample is not None and len(rows) == sample_rows:
                sample(rows)
                on_sample = None
        if on_sample is not None:
            sample(rows)
        return rows, width, ws.name
    except _FromCaller as exc:
        raise exc.error from None
    except DataError:
        raise
    except Exception as exc:  # a damaged sheet record, found while reading it
        raise _unreadable(path, exc) from exc
    finally:
        book.release_resources()


class _FromCaller(Exception):
    """An exception of the ``on_sample`` callback, kept apart from xlrd's own."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def _row(ws, r: int, datemode: int) -> tuple:
    """One row's cells as Python values (see the module), trailing blanks dropped."""
    import xlrd

    types, values = ws.row_types(r), ws.row_values(r)
    out = []
    for kind, value in zip(types, values):
        if kind == xlrd.XL_CELL_TEXT:
            out.append(value)
        elif kind == xlrd.XL_CELL_NUMBER:  # a whole number as int, as openpyxl reads one from .xlsx
            out.append(int(value) if value.is_integer() and abs(value) < 2**53 else float(value))
        elif kind == xlrd.XL_CELL_DATE:
            out.append(_date(value, datemode))
        elif kind == xlrd.XL_CELL_BOOLEAN:
            out.append(bool(value))
        elif kind == xlrd.XL_CELL_ERROR:
            out.append(xlrd.error_text_from_code.get(value, "#VALUE!"))
        else:  # empty or blank (formatted but empty)
            out.append(None)
    end = len(out)
    while end and out[end - 1] is None:
        end -= 1
    return tuple(out[:end])


def _date(value: float, datemode: int) -> object:
    """A date cell as ``datetime`` (a time of day alone as ``time``, as openpyxl gives it);
    a serial number xlrd cannot make a date of (negative, past 9999) stays the number."""
    import xlrd

    if value < 0:
        return float(value)
    try:
        stamp = xlrd.xldate_as_datetime(value, datemode)
    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
        return float(value)
    return stamp.time() if 0 <= value < 1 else stamp if isinstance(stamp, dt.datetime) else float(value)


def _pick_sheet(book, sheet: str | None, name: str):
    titles = book.sheet_names()
    if sheet is not None:
        match = [t for t in titles if t == sheet] or [t for t in titles if t.casefold() == sheet.casefold()]
        if not match:
            raise DataError(f"'{name}' has no sheet '{sheet}'; its sheets are: "
                            + ", ".join(f"'{t}'" for t in titles) + ".")
        return book.sheet_by_name(match[0])
    if (named := orders_sheet(titles)) is not None:
        return book.sheet_by_name(named)
    for i in range(len(titles)):
        ws = book.sheet_by_index(i)
        if any(filled(v) for r in range(min(ws.nrows, 50)) for v in ws.row_values(r)):
            return ws
    return book.sheet_by_index(0)


def _unreadable(path: Path, exc: Exception) -> DataError:
    text = " ".join(str(exc).split())[:200]
    if "encrypted" in text.lower():
        return file_checks.encrypted_workbook(path)
    return DataError(f"Cannot read '{path.name}' as an Excel 97-2003 workbook (.xls): {text or type(exc).__name__}; "
                     "open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV UTF-8.")
