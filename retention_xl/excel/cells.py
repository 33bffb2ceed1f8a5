"""What Excel hands a formula, and what a formula hands back.

xlwings passes a single cell as a scalar (``float``, ``str``, ``bool``, ``datetime`` or
``None`` for a blank) and a range as a list of lists. These functions turn that into the
numbers and arrays the analysis layer takes, following Excel's own rules:

* a range argument ignores blanks, text and booleans, the way ``AVERAGE`` does, but an
  error value inside it (``#N/A`` arriving from another cell) is passed on, as Excel does,
  and a number stored as text (also in Arabic-Indic or Persian digits) is read as one;
* a scalar argument that is not a number is an error (``#VALUE!``); a number stored as
  text is the number, as in Excel's own arithmetic, in any digits (``"١٥٠"``).

An error value reaches a formula as its text (``"#N/A"``) when the argument is declared
with ``err_to_str=True``; classic xlwings on Windows hands the errors it has no name for
(``#SPILL!``, ``#CALC!``, ``#GETTING_DATA`` ...) as their COM code, an ``int`` such as
``-2146826243``, with or without that option, so both forms are read as errors. A
Currency- or Accounting-formatted cell arrives from classic xlwings as ``decimal.Decimal``
and is read as the number it is.

Errors go back as a genuine Excel error value where the runtime can show one and as one
line of text starting with the error code where it cannot (see :func:`error_result`).
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
import os
import re
import sys
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from retention_xl.analysis.metrics import whole_scores
from retention_xl.analysis.numerals import clean_string, parse_numbers
from retention_xl.errors import InvalidValue, OutOfRange, RetentionError

__all__ = [
    "EXCEL_ERRORS",
    "OFFICE_JS_ERRORS",
    "number",
    "optional_number",
    "optional_flag",
    "whole_if_rounded",
    "numbers",
    "numbers_in_order",
    "values",
    "column",
    "text",
    "error_result",
    "excel_formula",
]

#: The error values a cell can hold; a string equal to one of them is an error, not text.
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!", "#CALC!", "#GETTING_DATA",
     "#CONNECT!", "#BLOCKED!", "#UNKNOWN!", "#FIELD!", "#BUSY!", "#EXTERNAL!", "#PYTHON!"}
)
#: Excel's error numbers (``CVErr``) as the COM code pywin32 hands over: 0x800A0000 + number.
_COM_ERRORS = {
    -2146828288 + number: code
    for number, code in {
        2000: "#NULL!", 2007: "#DIV/0!", 2015: "#VALUE!", 2023: "#REF!", 2029: "#NAME?", 2036: "#NUM!",
        2042: "#N/A", 2043: "#GETTING_DATA", 2045: "#SPILL!", 2046: "#CONNECT!", 2047: "#BLOCKED!",
        2048: "#UNKNOWN!", 2049: "#FIELD!", 2050: "#CALC!",
    }.items()
}
_NUMBER = (int, float, np.integer, np.floating, decimal.Decimal)


class PassedError(RetentionError):
    """An error value arriving from another cell, handed on unchanged."""

    def __init__(self, code: str, name: str):
        super().__init__(f"{name} contains {code}")
        self.code = code


def _error_code(x: object) -> str | None:
    """The error value ``x`` stands for, or ``None`` for any other value."""
    if isinstance(x, str):
        code = x.strip().upper()
        return code if code in EXCEL_ERRORS else None
    if type(x) is int:  # a COM error code; numbers from cells arrive as float
        return _COM_ERRORS.get(x)
    return None


def _is_error(x: object) -> bool:
    return _error_code(x) is not None


def _is_bool(x: object) -> bool:
    return isinstance(x, (bool, np.bool_))


def _flatten(x: Any) -> Iterator[Any]:
    if isinstance(x, (list, tuple)):
        for item in x:
            yield from _flatten(item)
    elif isinstance(x, np.ndarray):
        yield from x.ravel().tolist()
    else:
        yield x


#: cell types that need no per-cell look in :func:`numbers`: Excel's numbers, blanks, text
#: and booleans exactly as xlwings hands them over (subclasses take the general path)
_PLAIN_CELLS = frozenset({float, type(None), str, bool})
_NESTED = (list, tuple, np.ndarray)


def _cells(x: Any) -> tuple[list[Any], set[type]]:
    """Every cell of ``x`` in reading order (as :func:`_flatten`) and the set of their types.

    A range arrives as a list of row lists; flattening that with C-level iteration instead
    of a recursive generator is what keeps a 100,000-cell range within a few milliseconds.
    Anything nested deeper falls back to :func:`_flatten`, so the result is the same.
    """
    if isinstance(x, (list, tuple)):
        outer = set(map(type, x))
        flat = list(chain.from_iterable(x)) if outer and outer <= {list, tuple} else list(x)
        kinds = set(map(type, flat))
        if not any(issubclass(k, _NESTED) for k in kinds):
            return flat, kinds
    flat = list(_flatten(x))
    return flat, set(map(type, flat))


def _first_error(flat: list[Any], kinds: set[type]) -> str | int | None:
    """The first error value among the cells, if any, in reading order.

    Only text cells and plain integers (classic xlwings' COM codes) can hold one, and every
    error text starts with "#", so the full check runs only on the few cells holding one.
    """
    if not any(issubclass(k, str) or k is int for k in kinds):
        return None
    return next((v for v in flat if ((isinstance(v, str) and "#" in v) or type(v) is int) and _is_error(v)),
                None)


def _float(x: object) -> float:
    """A number as a float; one too large for a float is infinite (refused by the caller)."""
    try:
        return float(x)
    except OverflowError:  # an int beyond 1.8e308
        return math.inf if x > 0 else -math.inf
    except ValueError:  # a signalling NaN Decimal
        return math.nan


def _describe(x: object) -> str:
    if _is_bool(x):
        return "TRUE" if x else "FALSE"
    if isinstance(x, (dt.datetime, dt.date)):
        return f"the date {x:%Y-%m-%d}"
    if isinstance(x, str):
        return f'the text "{_short(x)}"'
    if isinstance(x, _NUMBER):  # as a cell shows it: 1, not 1.0
        return f"the number {_float(x):.10g}"
    return _short(repr(x))


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "..."


#: a number written as text, once its digits are 0-9: a sign, digits, one decimal point
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _number_text(x: str) -> float | None:
    """The number a text spells with nothing else in it, in any digits (``"10"``,
    ``"١٠"``, ``"۰٫۸"``, ``"١٬٥٠٠"``), else ``None``. A comma is no decimal point here
    (``"1,5"`` is 1.5 in some countries and 15 in others), and nor is anything else
    (``"95%"``, ``"SAR 12"``): such text stays text.

    >>> _number_text("۰٫۸"), _number_text(" 10 "), _number_text("١٬٥٠٠"), _number_text("1,5")
    (0.8, 10.0, 1500.0, None)
    """
    s = clean_string(x).replace("\u066b", ".").replace("\u066c", "").replace("\u2212", "-")
    return float(s) if _NUMBER_TEXT.fullmatch(s) else None


def number(x: Any, name: str) -> float:
    """One number from a single cell or a typed constant.

    A number stored as text is read as that number, as Excel reads ``="10"+1``, also in
    Arabic-Indic or Persian digits (``"١٥٠"``, ``"۰٫۸"``): a cell pasted from a web page
    or typed on an Arabic or Persian keyboard. Blank, other text, a boolean, a date or a
    multi-cell range are ``#VALUE!``; an error value from another cell is passed on.
    """
    if isinstance(x, (list, tuple, np.ndarray)):
        flat = list(_flatten(x))
        if len(flat) != 1:
            raise InvalidValue(f"{name} must be a single number, got a range of {len(flat)} cells")
        x = flat[0]
    if _is_error(x):
        raise PassedError(_error_code(x), name)
    if x is None or (isinstance(x, str) and not x.strip()):
        raise InvalidValue(f"{name} is blank; it needs a number")
    if isinstance(x, str) and (read := _number_text(x)) is not None:
        x = read
    if _is_bool(x) or not isinstance(x, _NUMBER):
        raise InvalidValue(f"{name} must be a number, got {_describe(x)}")
    x = _float(x)
    if not math.isfinite(x):
        raise OutOfRange(f"{name} must be a finite number")
    return x


def whole_if_rounded(x: float | None) -> float | None:
    """A number off a whole number only by float rounding, as that whole number (the
    survey answers' tolerance, :func:`~retention_xl.analysis.metrics.whole_scores`):
    ``=0.1*3*10`` is 3.0000000000000004, which Excel shows as 3, and an argument that
    must be a whole number (a count of periods) takes it as 3. Anything else is as it is.

    >>> whole_if_rounded(0.1 * 3 * 10), whole_if_rounded(2.5), whole_if_rounded(None)
    (3.0, 2.5, None)
    """
    return None if x is None else float(whole_scores(np.array([x]))[0])


def optional_number(x: Any, name: str, default: float | None) -> float | None:
    """Like :func:`number`, but an omitted argument (or a blank cell, or one holding the
    empty text of ``=""``) takes ``default``."""
    def empty(v: Any) -> bool:
        return v is None or (isinstance(v, str) and not v.strip())

    if empty(x) or (isinstance(x, (list, tuple)) and all(empty(v) for v in _flatten(x))):
        return default
    return number(x, name)


def numbers(x: Any, name: str) -> np.ndarray:
    """The numbers in a range (or a single value), ignoring blanks, booleans and text that
    is not a number.

    A number stored as text (``"10"``, ``"١٠"``, ``"۱۲۳٫۵"``, ``"1,234.50"``, ``"SAR 12"``)
    is read as the report reads the order table's amounts
    (:func:`~retention_xl.analysis.numerals.parse_numbers`): a survey pasted from the web
    or a text export would otherwise lose those cells without a word. A date inside a
    range of numbers is refused rather than read as a serial number, because a date among
    survey scores or amounts is a sign of the wrong range.
    """
    flat, kinds = _cells(x)
    if kinds <= _PLAIN_CELLS:
        # numbers, blanks, text and booleans only: nothing but an error value can fail
        # before the finite check, so the cells are sorted out in bulk
        error = _first_error(flat, kinds)
        if error is not None:
            raise PassedError(_error_code(error), name)
        if kinds <= {float}:
            arr = np.array(flat, dtype=float)
        elif str not in kinds:
            arr = np.array([v for v in flat if type(v) is float], dtype=float)
        else:
            arr = _in_cell_order([(i, v) for i, v in enumerate(flat) if type(v) is float],
                                 [(i, v) for i, v in enumerate(flat) if type(v) is str])[1]
        return _finite(arr, name)
    out: list[tuple[int, float]] = []
    texts: list[tuple[int, str]] = []
    for i, v in enumerate(flat, start=1):
        if v is None or _is_bool(v):
            continue
        if _is_error(v):
            raise PassedError(_error_code(v), name)
        if isinstance(v, str):
            texts.append((i, v))
            continue
        if isinstance(v, (dt.datetime, dt.date)):
            raise InvalidValue(f"{name}: cell {i} holds {_describe(v)}, not a number")
        if isinstance(v, _NUMBER):
            out.append((i, _float(v)))
            continue
        raise InvalidValue(f"{name}: cell {i} holds {_describe(v)}, not a number")
    return _finite(_in_cell_order(out, texts)[1], name)


def _in_cell_order(real: list[tuple[int, float]], texts: list[tuple[int, str]]) -> tuple[np.ndarray, np.ndarray]:
    """The positions and values of the numbers among ``real`` numbers and ``texts`` (each
    with its cell's position), in the cells' order: a number stored as text stays in its
    place (the first survivors of a cohort, a score), other text is left out."""
    texts = [(i, t) for i, t in texts if any(c.isdigit() for c in t)]  # no digit, no number: no pandas
    positions = np.array([i for i, _ in real], dtype=np.int64)
    values = np.array([v for _, v in real], dtype=float)
    if texts:
        read = parse_numbers(pd.Series([t for _, t in texts], dtype="str")).values
        keep = np.isfinite(read)
        positions = np.concatenate([positions, np.array([i for i, _ in texts], dtype=np.int64)[keep]])
        values = np.concatenate([values, read[keep]])
        order = np.argsort(positions, kind="stable")
        positions, values = positions[order], values[order]
    return positions, values


def numbers_in_order(x: Any, name: str, place: str) -> np.ndarray:
    """The numbers of a range that is a sequence, one number per ``place`` (a period).

    Blanks and text before the first number (a heading) and after the last (the rest of
    a whole column) are left out, as :func:`numbers` leaves them out; one between two
    numbers is ``#VALUE!``, because leaving it out would move every later number up a
    place. Places are counted from 0 at the first number.

    >>> numbers_in_order([["Survivors"], [1000.0], [631.0], [None]], "survivors", "period").tolist()
    [1000.0, 631.0]
    >>> numbers_in_order([[1000.0], [None], [382.0]], "survivors", "period")
    Traceback (most recent call last):
    retention_xl.errors.InvalidValue: survivors: blank at period 1; fill in its number (leaving it out would move the later periods up)
    """
    counts = numbers(x, name)  # errors, dates and infinities refused as in any range
    flat, _ = _cells(x)
    at, _ = _in_cell_order([(i, 0.0) for i, v in enumerate(flat) if isinstance(v, _NUMBER) and not _is_bool(v)],
                           [(i, v) for i, v in enumerate(flat) if isinstance(v, str)])
    inside = flat[at[0]:at[-1] + 1] if len(at) else []
    numeric = set((at - at[0]).tolist()) if len(at) else set()
    for i, v in enumerate(inside):
        if v is None or (isinstance(v, str) and not v.strip()):
            raise InvalidValue(f"{name}: blank at {place} {i}; fill in its number "
                               f"(leaving it out would move the later {place}s up)")
        if i not in numeric:
            raise InvalidValue(f"{name}: {_describe(v)} at {place} {i}, not a number")
    return counts


def _finite(arr: np.ndarray, name: str) -> np.ndarray:
    bad = ~np.isfinite(arr)
    if bad.any():
        raise OutOfRange(f"{name}: value {int(np.argmax(bad)) + 1} is not a finite number")
    return arr


def values(x: Any, name: str) -> list[Any]:
    """Every cell of a range in reading order, blanks as ``None``; errors are passed on.

    Currency amounts (``decimal.Decimal``) become ``float``, as every other number is, and
    so does an integer beyond a float's range (as an infinity, which the analysis refuses).
    numpy numbers and text (from Python callers) become Python's own, which compare
    exactly: numpy compares ``float32(64)`` with the integer ``2**128`` (same hash) by
    rounding the integer to ``float32``, with an overflow warning.

    >>> values([[np.float32(0.5)], [np.int64(7)], [np.str_("C1")], [None]], "customer_ids")
    [0.5, 7, 'C1', None]
    """
    flat, kinds = _cells(x)
    return _checked(flat, kinds, name)


_NUMPY_SCALARS = (np.number, np.bool_, np.str_)


def _checked(flat: list[Any], kinds: set[type], name: str) -> list[Any]:
    """``flat`` with errors passed on, Currency or huge integers made float and numpy
    numbers and text made Python's (in place)."""
    error = _first_error(flat, kinds)
    if error is not None:
        raise PassedError(_error_code(error), name)
    if any(issubclass(k, (decimal.Decimal, *_NUMPY_SCALARS)) for k in kinds) or int in kinds:
        for i, v in enumerate(flat):
            if isinstance(v, _NUMPY_SCALARS):
                v = flat[i] = v.item()
            if isinstance(v, decimal.Decimal) or (type(v) is int and abs(v) > sys.float_info.max):
                flat[i] = _float(v)
    return flat


#: cell types that make a typed column in :func:`column`
_FLOAT_CELLS = frozenset({float, type(None)})
_DATETIME_CELLS = frozenset({dt.datetime, type(None)})  # not date: pandas would read it as text


def column(x: Any, name: str) -> np.ndarray:
    """Every cell of a range as one column, typed when the cells allow it; errors are passed on.

    A range of numbers and blanks becomes ``float64`` (blank = NaN), a range of dates and
    blanks ``datetime64[us]`` (blank = NaT, as xlwings hands Excel dates over as naive
    ``datetime``), anything else an object array of :func:`values`. Handing the orders
    formulas typed columns saves the cleaning from looking at 100,000 Python objects.

    Examples
    --------
    >>> column([[1.0], [None], [2.5]], "amounts")
    array([1. , nan, 2.5])
    >>> column([[dt.datetime(2024, 1, 5)], [None]], "order_dates").astype("datetime64[D]")
    array(['2024-01-05',        'NaT'], dtype='datetime64[D]')
    >>> column([["C1"], [2.0]], "customer_ids")
    array(['C1', 2.0], dtype=object)
    """
    flat, kinds = _cells(x)
    if kinds <= _FLOAT_CELLS:
        return np.array([math.nan if v is None else v for v in flat] if type(None) in kinds else flat,
                        dtype=float)
    if kinds <= _DATETIME_CELLS and dt.datetime in kinds:
        import pandas as pd  # imported by xlwings already

        try:  # one C-level conversion; time zones, mixed or out of range: as objects below
            dates = pd.DatetimeIndex(flat)
        except (TypeError, ValueError, OverflowError):
            dates = None
        if dates is not None and dates.tz is None:
            return dates.to_numpy()
    out = np.empty(len(flat), dtype=object)
    out[:] = _checked(flat, kinds, name)
    return out


def optional_flag(x: Any, name: str) -> bool:
    """TRUE/FALSE (or 1/0, or the text TRUE/FALSE); omitted or blank (an empty cell, or one
    holding the empty text of ``=""``) is FALSE.

    >>> optional_flag(None, "intervals"), optional_flag(True, "intervals"), optional_flag("true", "intervals")
    (False, True, True)
    """
    def empty(v: Any) -> bool:
        return v is None or (isinstance(v, str) and not v.strip())

    if isinstance(x, (list, tuple)) and len(flat := list(_flatten(x))) == 1:
        x = flat[0]  # a one-cell range, as xlwings hands a cell over
    if empty(x) or (isinstance(x, (list, tuple)) and all(empty(v) for v in _flatten(x))):
        return False
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, str) and x.strip().upper() in ("TRUE", "FALSE"):
        return x.strip().upper() == "TRUE"
    if isinstance(x, (str, dt.datetime, dt.date)) and not _is_error(x):
        raise InvalidValue(f"{name} must be TRUE or FALSE, got {_describe(x)}")
    return number(x, name) != 0


def text(x: Any, name: str, default: str) -> str:
    """One text option (e.g. ``"M"``); omitted or blank takes ``default``."""
    if isinstance(x, (list, tuple)):
        flat = list(_flatten(x))
        if len(flat) != 1:
            raise InvalidValue(f"{name} must be a single value, got a range of {len(flat)} cells")
        x = flat[0]
    if x is None or (isinstance(x, str) and not x.strip()):
        return default
    if _is_error(x):
        raise PassedError(_error_code(x), name)
    if not isinstance(x, str):
        raise InvalidValue(f"{name} must be text, got {_describe(x)}")
    return x.strip()


def _error_style() -> str:
    """``"value"``: return the bare error code, which the runtime shows as a real error.

    xlwings turns a returned ``"#DIV/0!"`` into a genuine error value in the Office.js
    runtimes (xlwings Lite, which runs in the browser, and xlwings Server). Classic
    xlwings on Windows (COM) has no such conversion, so there a formula returns one line
    of text starting with the code, e.g. ``#DIV/0! start is 0``. ``RETENTION_XL_ERRORS``
    (``value`` or ``text``) overrides the choice, e.g. for xlwings Server.
    """
    chosen = os.environ.get("RETENTION_XL_ERRORS", "").strip().lower()
    if chosen in {"value", "text"}:
        return chosen
    return "value" if sys.platform == "emscripten" else "text"


#: the error values xlwings' Office.js runtimes (Lite, Server) turn into genuine errors
#: (``errorstr_to_errortype`` in ``xlwings/pro/_xlofficejs.py``); any other code returned
#: there would show as text, which a SUM reads as 0
OFFICE_JS_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})


def error_result(err: RetentionError) -> str:
    """The cell content for an error: ``"#DIV/0!"`` or ``"#DIV/0! start is 0"``.

    In the Office.js runtimes an error passed on from another cell that xlwings cannot
    return as an error value (``#SPILL!``, ``#CALC!``, ``#BUSY!``...) becomes ``#VALUE!``,
    so that the cell still holds a genuine error.
    """
    if _error_style() == "value":
        return err.code if err.code in OFFICE_JS_ERRORS else "#VALUE!"
    if isinstance(err, PassedError):
        return err.code
    return f"{err.code} {err}"


def _check_finite(result: Any) -> None:
    """Refuse a result that holds an infinity or NaN (``#NUM!``), one number or a spilled
    table: Excel has no such number, and finite arguments can still overflow (amounts of
    1e308 added up). A spilled table names the cell: its column header and row label.

    >>> _check_finite([["Cohort", "P0"], ["2024-01", float("inf")]])
    Traceback (most recent call last):
    retention_xl.errors.OutOfRange: the result is too large to show as a number (P0 of 2024-01)
    """
    if isinstance(result, (float, np.floating)):
        if not math.isfinite(result):
            raise OutOfRange("the result is " + ("not a number" if math.isnan(result) else
                                                "too large to show as a number"))
        return
    if not isinstance(result, list):
        return
    for i, row in enumerate(result):
        for j, v in enumerate(row if isinstance(row, (list, tuple)) else (row,)):
            if isinstance(v, (float, np.floating)) and not math.isfinite(v):
                header, label = result[0], row[0] if isinstance(row, (list, tuple)) else None
                where = (f" ({header[j]} of {label})" if i and j and isinstance(header, (list, tuple))
                         and isinstance(header[j], str) and isinstance(label, (str, int, float)) else "")
                raise OutOfRange("the result is " + ("not a number" if math.isnan(v) else
                                                    "too large to show as a number") + where)


def excel_formula(func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a formula so that no exception ever reaches a cell.

    A :class:`RetentionError` becomes its error code and reason; anything unexpected
    becomes ``#VALUE!`` and one line naming it, never a traceback; a result holding an
    infinity or NaN, one number or any cell of a spilled table, is ``#NUM!``
    (:func:`_check_finite`): numpy's overflow warnings on the way are not printed to
    Excel's log, since the cell says it.
    """

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                result = func(*args)
            _check_finite(result)
            return result
        except RetentionError as err:
            return error_result(err)
        except Exception as err:  # a cell must never show a traceback
            reason = " ".join(f"{type(err).__name__}: {err}".split())[:200]
            return error_result(InvalidValue(f"unexpected problem: {reason}"))

    return wrapper
