"""Order dates as exports write them.

A date column may hold real dates (from Excel or Parquet), Excel serial numbers
(``44927`` is 1 Jan 2023), ISO text (``2023-01-15 10:30``), day/month/year or
month/day/year text (``15/01/2023``, ``01/15/23``), month names (``15-Jan-2023``), compact
``20230115``, Solar Hijri (Jalali) dates as Iranian systems write them (``۱۴۰۲/۰۱/۱۵``,
``1402-01-15``, ``۱۵ فروردین ۱۴۰۲``), converted to Gregorian with ``jdatetime``, or lunar
Hijri dates of the Umm al-Qura calendar as Saudi systems write them (``1445/06/20``,
``١٤٤٥/٠٦/٢٠ هـ``), converted with ``hijridate``. A column's 13xx/14xx years are lunar when
its dates carry "هـ" or would mostly lie in the future as Jalali dates.

Whether ``03/04/2023`` is 3 April or 4 March is decided once per column from the data:
a first part above 12 proves day/month/year, a second part above 12 proves
month/day/year; the majority wins and the rows that can only be read the other way are
read that way and reported. When nothing settles it, day/month/year is used (the order
used in most of the world, including the Middle East), and the note says so.

Like :mod:`retention_xl.analysis.numerals`, the functions work on the distinct values of a
column; ``weights`` say how many rows carry each value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retention_xl.analysis.calendars import (
    GREGORIAN_YEARS,
    JALALI_MONTH_NAMES,
    JALALI_YEARS,
    excel_serial_to_datetime,
    gregorian_to_datetime,
    jalali_year_today,
)
from retention_xl.analysis.date_parts import DateParts
from retention_xl.analysis.notices import Notice
from retention_xl.analysis.numerals import clean_text
from retention_xl.errors import InvalidValue

__all__ = ["DateReading", "parse_dates", "read_day"]

SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 .. 2119-01-10: what a date column can hold

_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[ t][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)?"


@dataclass
class DateReading:
    """What :func:`parse_dates` read, aligned with its input.

    Attributes
    ----------
    values : numpy.ndarray
        datetime64[ns]; NaT where the value is blank or could not be read.
    problem, fixed : numpy.ndarray
        object; ``None`` or why the value was skipped / what was done to it, as a code
        (``"not_a_date"``, ``"read_as_dmy"`` ...).
    notices : list of Notice
        Column-level decisions (``date_order``, ``date_serials``, ``date_jalali``, ``date_hijri``,
        ``date_time_zone``); ``date_serials``, ``date_jalali`` and ``date_hijri`` carry the
        values converted (``count``) and the column's first one as an example (``serial`` or
        ``jalali``, and its ``gregorian`` date). ``date_order`` carries the votes for each
        order (``dmy``, ``mdy`` of ``total`` ambiguous-looking values) and whether it was
        ``chosen``; when nothing settled it (no votes, not chosen: the default is a guess) it
        also carries an ``example`` of those values and the day it was ``read_as``.
    lunar : bool or None
        Whether the column's 13xx/14xx years were read as lunar Hijri (True) or Solar
        Hijri (False); None when no text date went through that decision.
    swapped : bool or None
        Whether the column's real dates were found swapped on paste and put right (see
        :func:`_swapped_on_paste`); None when the column could not be such a paste (no real
        dates beside text dates that settle the order).
    mostly_real : bool or None
        Whether most of a mixed column's values are real dates (datetimes, serials): then
        its text dates are each listed as fixed (``date_as_text``), else its serials
        (``serial_date``); None for a column of one type.
    """

    values: np.ndarray
    problem: np.ndarray
    fixed: np.ndarray
    notices: list[Notice] = field(default_factory=list)
    lunar: bool | None = None
    swapped: bool | None = None
    mostly_real: bool | None = None



def parse_dates(
    values: pd.Series,
    weights: np.ndarray | None = None,
    *,
    dayfirst: bool | None = None,
    column: str = "date",
    lunar: bool | None = None,
    swapped: bool | None = None,
    mostly_real: bool | None = None,
) -> DateReading:
    """Read order dates in any of the usual export styles.

    Parameters
    ----------
    values : pandas.Series
        The (distinct) values of a date column: datetimes, Excel serials, text or a mix.
    weights : numpy.ndarray, optional
        How many rows carry each value (defaults to 1 each); used to decide day/month
        order and to count values in notices.
    dayfirst : bool, optional
        Force day/month/year (True) or month/day/year (False) for text dates such as
        ``03/04/2023``; by default the column's own data decide.
    column : str
        The column's header, named in the notices.
    lunar : bool, optional
        Read 13xx/14xx years as lunar Hijri (True) or Solar Hijri (False), as decided over
        the whole column by a caller that reads it in slices (see
        :attr:`DateReading.lunar`); by default decided from ``values``.
    swapped : bool, optional
        Whether the column's real dates were swapped on paste (:attr:`DateReading.swapped`),
        as decided over the whole column by a caller that reads it in slices: True puts
        every real date right (their order is then ``dayfirst``), False none; by default
        decided from ``values``.
    mostly_real : bool, optional
        Whether most of the column's values are real dates (:attr:`DateReading.mostly_real`),
        as decided over the whole column by a caller that reads it in slices.

    Returns
    -------
    DateReading

    Examples
    --------
    >>> r = parse_dates(pd.Series(["31/01/2023", "05/02/2023", "۱۴۰۲/۰۱/۰۱", 44927, "soon"],
    ...                           dtype=object))
    >>> [str(v)[:10] for v in r.values]
    ['2023-01-31', '2023-02-05', '2023-03-21', '2023-01-01', 'NaT']
    >>> r.problem[4]
    'not_a_date'
    """
    n = len(values)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    reading = DateReading(
        np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"),
        np.full(n, None, dtype=object),
        np.full(n, None, dtype=object),
    )
    if n == 0:
        return reading
    kind = values.dtype.kind
    if kind == "M" or isinstance(values.dtype, pd.DatetimeTZDtype) or kind in "iuf":
        if kind in "iuf":
            _read_number_values(values.to_numpy(dtype=float, na_value=np.nan), reading, np.arange(n), w, column, lunar)
        else:
            _read_datetimes(values, reading, np.arange(n), column)
        if swapped:  # a slice of a column pasted the other way round: its real dates too
            _swap_back(reading, np.arange(n), bool(dayfirst), w, column)
        return reading
    if kind == "b":
        reading.problem[:] = "boolean_not_date"
        return reading

    if values.dtype == object:
        is_dt = values.map(lambda v: isinstance(v, (dt.date, np.datetime64))).to_numpy(dtype=bool)
        is_num = values.map(
            lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        ).to_numpy(dtype=bool)
        is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        other = ~(is_dt | is_num | is_text) & values.notna().to_numpy()
        reading.problem[other] = "not_a_date"
    else:
        is_dt = np.zeros(n, bool)
        is_num = np.zeros(n, bool)
        is_text = values.notna().to_numpy()

    if is_dt.any():
        idx = np.flatnonzero(is_dt)
        _read_datetime_objects(values.iloc[idx], reading, idx, column)
    if is_num.any():
        idx = np.flatnonzero(is_num)
        _read_number_values(values.iloc[idx].astype(float).to_numpy(), reading, idx, w, column, lunar)
    text_serials = np.zeros(n, bool)
    if is_text.any():
        idx = np.flatnonzero(is_text)
        text_serials[idx], text_order = _read_text(values.iloc[idx], reading, idx, w, dayfirst, column, lunar)
        if swapped is None and text_order is not None and (is_dt | is_num).any():
            reading.swapped = _swapped_on_paste(reading, np.flatnonzero(is_dt | is_num), idx, text_order, w, column)
    if swapped and (is_dt | is_num).any():
        _swap_back(reading, np.flatnonzero(is_dt | is_num), bool(dayfirst), w, column)

    real = (is_dt | is_num)
    real_w, text_w = w[real].sum(), w[is_text & ~text_serials].sum()
    ok = ~np.isnat(reading.values)
    reading.mostly_real = bool(real_w > text_w) if mostly_real is None else mostly_real
    if reading.mostly_real:
        typed = is_text & ok & (reading.fixed == None)  # noqa: E711
        reading.fixed[typed] = "date_as_text"
    elif (is_num & ok).any():
        reading.fixed[is_num & ok] = "serial_date"
    return reading


def _read_datetimes(values: pd.Series, reading: DateReading, idx: np.ndarray, column: str) -> None:
    arrow_zone = getattr(getattr(values.dtype, "pyarrow_dtype", None), "tz", None)  # dtype_backend="pyarrow"
    if isinstance(values.dtype, pd.DatetimeTZDtype) or arrow_zone:
        zone = str(arrow_zone or values.dt.tz)
        values = values.dt.tz_localize(None)  # the local time, as the export wrote it, not UTC
        _note_zones(reading, column, (zone,))
    elif values.dtype == object:
        values = pd.Series(pd.to_datetime(values, errors="coerce"))
    stamps = values.to_numpy()  # in the column's own unit: year 1500 overflows nanoseconds
    if stamps.dtype.kind != "M":
        stamps = stamps.astype("datetime64[ns]")
    years = stamps.astype("datetime64[Y]").astype(int) + 1970
    bad = ~np.isnat(stamps) & ((years < GREGORIAN_YEARS[0]) | (years > GREGORIAN_YEARS[1]))
    reading.values[idx] = np.where(bad, np.datetime64("NaT"), stamps).astype("datetime64[ns]")
    reading.problem[idx[bad]] = "date_out_of_range"


def _note_zones(reading: DateReading, column: str, zones) -> None:
    """Say the zones the column's times were read in (``date_time_zone``): one notice per
    column, its zones in order of first appearance, whether they came with typed datetimes
    or written after the text's times."""
    if not len(zones):
        return
    at = next((i for i, n in enumerate(reading.notices) if n.code == "date_time_zone"), None)
    known = reading.notices[at].values["zones"] if at is not None else ()
    notice = Notice("date_time_zone", column=column, zones=tuple(dict.fromkeys((*known, *zones))))
    if at is None:
        reading.notices.append(notice)
    else:
        reading.notices[at] = notice


#: a zone or offset written after a time: 10:00:00+03:30, 22:30:00+00 (PostgreSQL's), 10:00z, 10:00 utc
_WRITTEN_ZONE = r"\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)$"


def _written_zones(text: pd.Series) -> tuple[str, ...]:
    """The zones written after the times of ``text`` (dates read, lower case), in order of
    first appearance, named as Python names a fixed offset (``UTC+03:30``, ``UTC-05:00``;
    ``UTC`` for Z, GMT and +00:00): the local time written is the one kept, so the days are
    counted in each date's own offset.

    >>> _written_zones(pd.Series(["2023-03-01t10:00:00+03:30", "2023-03-02 22:30:00+00", "2023-03-02", "1/2/2024 9:15-0500"]))
    ('UTC+03:30', 'UTC', 'UTC-05:00')
    """
    found = text.str.extract(_WRITTEN_ZONE, expand=False).dropna() if len(text) else pd.Series([], dtype=object)
    return tuple(dict.fromkeys(_zone_name(v) for v in pd.unique(found)))  # a few distinct offsets


def _zone_name(written: str) -> str:
    if written in ("z", "utc", "gmt"):
        return "UTC"
    digits = written[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) > 2 else 0)
    return "UTC" if minutes == 0 else f"UTC{written[0]}{minutes // 60:02d}:{minutes % 60:02d}"


def _read_datetime_objects(values: pd.Series, reading: DateReading, idx: np.ndarray, column: str) -> None:
    """Python or numpy datetimes in a mixed column. Each one keeps its local time, whatever
    its time zone (several zones, or zones beside naive values, as a hand-made frame or a
    database driver gives them), like a column in one zone."""
    zoned = np.fromiter((getattr(v, "tzinfo", None) is not None for v in values), bool, len(values))
    plain = [v.replace(tzinfo=None) if z else v for v, z in zip(values, zoned)]
    stamps = pd.Series(pd.to_datetime(plain, errors="coerce"))
    if zoned.any():
        _note_zones(reading, column, tuple(str(v.tzinfo) for v, z in zip(values, zoned) if z))
    unread = stamps.isna().to_numpy()
    _read_datetimes(stamps, reading, idx, column)
    reading.problem[idx[unread]] = "not_a_date"  # a date pandas cannot hold


def _read_number_values(x: np.ndarray, reading: DateReading, idx: np.ndarray, w: np.ndarray, column: str,
                        lunar: bool | None) -> None:
    """The numbers of a date column: an 8-digit year-month-day number is read as its digits
    are as text (20230115; 14020115, a Solar Hijri date, converted; a year before 1900 out
    of range), the others as Excel serials."""
    compact = (x == np.floor(x)) & (x >= 13_000_101) & (x <= 22_001_231)
    if compact.any():
        digits = pd.Series(x[compact].astype("int64").astype(str), dtype=object)
        _read_text(digits, reading, idx[compact], w, None, column, lunar)
    _read_numbers(x[~compact], reading, idx[~compact], column, w)


def _read_numbers(x: np.ndarray, reading: DateReading, idx: np.ndarray, column: str, w: np.ndarray) -> None:
    """Excel serials; 8-digit Gregorian numbers such as 20230115 as year-month-day."""
    lo, hi = SERIAL_RANGE
    serial = (x >= lo) & (x < hi)
    reading.values[idx[serial]] = excel_serial_to_datetime(x[serial])
    # Gregorian only: a Hijri year (14020115) is read as text by _read_number_values
    compact = ~serial & (x == np.floor(x)) & (x >= 19_000_101) & (x <= 22_001_231)
    if compact.any():
        k = x[compact].astype("int64")
        sub = np.flatnonzero(compact)
        got = gregorian_to_datetime(k // 10_000, k // 100 % 100, k % 100, None, None, None)
        reading.values[idx[sub]] = got
        reading.problem[idx[sub[np.isnat(got)]]] = "invalid_date"
    rest = ~serial & ~compact & ~np.isnan(x)
    reading.problem[idx[rest]] = "number_not_date"
    if serial.any():
        share = w[idx[serial]].sum()
        first = np.flatnonzero(serial)[0]  # the column's first serial, as the example
        reading.notices.append(Notice("date_serials", column=column, count=int(share), serial=_number_text(x[first]),
                                      gregorian=_day_text(reading.values[idx[first]])))


def _number_text(x: float) -> str:
    """A serial as a sheet shows it: ``45292``, ``45350.5``."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _day_text(stamp: np.datetime64) -> str:
    """A date for a notice's example: ``2024-01-01``, with the time when it has one."""
    t = pd.Timestamp(stamp)
    return t.strftime("%Y-%m-%d") if t == t.normalize() else t.strftime("%Y-%m-%d %H:%M")



_PLAIN_ISO = {10: "%Y-%m-%d", 16: "%Y-%m-%d %H:%M", 19: "%Y-%m-%d %H:%M:%S"}


def _plain_iso(values: pd.Series) -> np.ndarray | None:
    """All values as datetimes when every one is a plain ISO date or date-time of the same
    shape (``2024-01-31``, ``2024-01-31 09:15[:00]``) in the accepted years; else None.

    The usual export, parsed by one strict pass instead of the general reader (the same
    result: these values are ISO dates either way).
    """
    first = values.iloc[0] if len(values) else None
    fmt = _PLAIN_ISO.get(len(first)) if isinstance(first, str) else None
    if fmt is None or not first[:4].isdigit():
        return None
    stamps = _exact_iso(values, len(first))
    if stamps is None:
        stamps = pd.to_datetime(values, format=fmt, errors="coerce").to_numpy()
    if np.isnat(stamps).any():
        return None
    years = stamps.astype("datetime64[Y]").astype("int64") + 1970
    if ((years < GREGORIAN_YEARS[0]) | (years > GREGORIAN_YEARS[1])).any():
        return None
    return stamps.astype("datetime64[ns]")


#: byte positions of the separators in each plain ISO shape (the other bytes are digits)
_ISO_SEPARATORS = {10: {4: b"-", 7: b"-"}, 16: {4: b"-", 7: b"-", 10: b" ", 13: b":"},
                   19: {4: b"-", 7: b"-", 10: b" ", 13: b":", 16: b":"}}


def _exact_iso(values: pd.Series, width: int) -> np.ndarray | None:
    """The datetimes of text values that all have exactly one plain ISO shape of ``width``
    characters (digits and the separators of ``2024-01-31 09:15:00``), read by pyarrow's
    ISO parser, which checks the fields (month 13, 30 February, hour 24 fail) as strictly
    as the format string does; ``None`` when a value differs from the shape or the text is
    not pyarrow text, so that the format string decides."""
    if values.dtype != "str":
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - the format string reads them
        return None
    text = pa.array(values)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if text.null_count or not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return None
    lengths = pc.binary_length(text)
    if pc.min(lengths).as_py() != width or pc.max(lengths).as_py() != width:
        return None
    _, offsets, data = text.buffers()
    start = np.frombuffer(offsets, dtype=np.int64 if pa.types.is_large_string(text.type) else np.int32)[text.offset]
    chars = np.frombuffer(data, dtype=np.uint8)[start:start + width * len(text)].reshape(len(text), width)
    separators = _ISO_SEPARATORS[width]
    digits = np.array([i not in separators for i in range(width)])
    if not ((chars[:, digits] >= ord("0")) & (chars[:, digits] <= ord("9"))).all():
        return None
    if any((chars[:, i] != ord(mark)).any() for i, mark in separators.items()):
        return None
    try:
        stamps = pc.cast(text, pa.timestamp("ns"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return stamps.to_numpy(zero_copy_only=False).astype("datetime64[ns]")


#: how unlikely "every real date has a day of 12 or less and every text date a day above 12"
#: must be, for dates of a column typed at random, before a paste is taken to explain it
SWAP_EVIDENCE = 1e-3


def _swapped_on_paste(reading: DateReading, real: np.ndarray, text: np.ndarray, dayfirst: bool, w: np.ndarray,
                      column: str) -> bool | None:
    """Put right the real dates of a column whose text dates a spreadsheet could not read.

    A spreadsheet set to month/day/year that opens or pastes ``05/03/2024`` (5 March, in a
    day/month/year export) makes it the date 3 May, and leaves ``13/03/2024`` as text: it
    cannot be month/day/year. So when every text date of a column can only be ``dayfirst``
    order (:func:`_read_text`) and every real date (``real``: datetimes and serials) has a
    day of 12 or less, the real dates are the same text read the other way round: their
    day and month are swapped back (the time of day kept), each listed as fixed
    (``excel_swapped``) and counted in the notice ``date_swapped``. One real date with a
    day above 12 says the column is not such a paste: nothing changes. Nor does a column
    too short to tell: the distinct days, real ones all 12 or less and text ones all above
    12, must be less likely than :data:`SWAP_EVIDENCE` for days typed at random (a day of 12
    or less one time in 2.5): 2 real dates and 1 text date of a workbook typed by hand are
    taken as they are, 6 real and 4 text dates are a paste. Returns whether they were
    swapped (None: no real date to tell).
    """
    real = real[~np.isnat(reading.values[real])]
    if not len(real):
        return None
    days = reading.values[real].astype("datetime64[D]")
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    if (day > 12).any():
        return False
    text_days = reading.values[text].astype("datetime64[D]")
    n, m = np.unique(days).size, np.unique(text_days[~np.isnat(text_days)]).size
    small = 12 / 30.44  # the share of a month's days that are 12 or less
    if n * np.log(small) + m * np.log(1 - small) > np.log(SWAP_EVIDENCE):
        return False
    _swap_back(reading, real, dayfirst, w, column)
    return True


def _swap_back(reading: DateReading, real: np.ndarray, dayfirst: bool, w: np.ndarray, column: str) -> None:
    """Swap the day and month of the real dates ``real`` back (see :func:`_swapped_on_paste`;
    one with a day above 12 cannot have been swapped, and stays)."""
    real = real[~np.isnat(reading.values[real])]
    days = reading.values[real].astype("datetime64[D]")
    real = real[(days - days.astype("datetime64[M]")).astype(np.int64) < 12]
    if not len(real):
        return
    stamps = reading.values[real]
    days = stamps.astype("datetime64[D]")
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    turned = pd.to_datetime(pd.DataFrame({"year": year, "month": day, "day": month})).to_numpy()
    reading.values[real] = (turned + (stamps - days)).astype("datetime64[ns]")
    reading.fixed[real] = "excel_swapped"
    k = int(np.argmax(day != month)) if (day != month).any() else 0  # an example that shows the swap
    reading.notices.append(Notice("date_swapped", column=column, count=int(w[real].sum()), dayfirst=bool(dayfirst),
                                  was=_day_text(stamps[k]), now=_day_text(reading.values[real[k]])))


def _read_text(values: pd.Series, reading: DateReading, idx: np.ndarray, w: np.ndarray,
               dayfirst: bool | None, column: str, lunar: bool | None) -> tuple[np.ndarray, bool | None]:
    """Parse text dates; returns which values were serial numbers written as text, and
    whether every text date read is day/month/year that cannot be month/day/year (True),
    the other way round (False), or neither (None): what a spreadsheet set to the other
    order leaves as text when it reads the rest as dates (see :func:`_swapped_on_paste`)."""
    plain = _plain_iso(values)
    if plain is not None:
        reading.values[idx] = plain
        return np.zeros(len(values), bool), None
    text = clean_text(values).str.lower().reset_index(drop=True)
    # a zero-width (non-)joiner: inside a month name (اردی‌بهشت) or left beside the digits
    joined = text.str.contains("[\u200c\u200d]", regex=True).fillna(False).to_numpy(dtype=bool)
    if joined.any():
        text = text.copy()
        text[joined] = text[joined].str.replace("[\u200c\u200d]", "", regex=True).str.strip()
    # a Jalali month name followed by "month", as formal Persian writes it: ۱۵ مهرماه ۱۴۰۳
    month_word = text.str.contains("ماه", regex=False).fillna(False).to_numpy(dtype=bool)
    if month_word.any():
        text = text.copy()
        text[month_word] = text[month_word].str.replace(_JALALI_MONTH_WORD, r"\1", regex=True)
    # and a Gregorian one with "م" (ميلادي) after its year: 2024/01/15م (after a time, "م" is pm)
    gregorian_mark = text.str.endswith("م").fillna(False).to_numpy(dtype=bool, copy=True)
    if gregorian_mark.any():
        gregorian_mark[gregorian_mark] = text[gregorian_mark].str.contains(_GREGORIAN_MARK, regex=True).to_numpy(bool)
    if gregorian_mark.any():
        text = text.copy()
        text[gregorian_mark] = text[gregorian_mark].str.replace(_GREGORIAN_MARK, "", regex=True)
    # Saudi systems mark a lunar Hijri date with "هـ" after it (1445/06/20 هـ [10:15 ص])
    marked = text.str.contains(_HIJRI_MARK, regex=True).fillna(False).to_numpy(dtype=bool)
    if marked.any():
        text = text.str.replace(_HIJRI_MARK, "", regex=True)
    wt = w[idx]
    parts = DateParts(len(text))

    # ISO dates and timestamps, the bulk of most exports, are parsed in one go.
    iso = text.str.fullmatch(_ISO).fillna(False).to_numpy(dtype=bool)
    if iso.any():
        stamps = pd.to_datetime(text[iso], format="ISO8601", errors="coerce").to_numpy()  # any unit
        years = stamps.astype("datetime64[Y]").astype("int64") + 1970
        fine = ~np.isnat(stamps) & (years >= GREGORIAN_YEARS[0]) & (years <= GREGORIAN_YEARS[1])
        sub = np.flatnonzero(iso)[fine]
        reading.values[idx[sub]] = stamps[fine].astype("datetime64[ns]")
        parts.done[sub] = True
    iso_done = parts.done.copy()
    parts.numeric(text)
    parts.compact(text)
    parts.month_names(text)

    # Serial numbers written as text (a CSV saved from a sheet of unformatted dates).
    serial_text = np.zeros(len(text), bool)
    rest = np.flatnonzero(~parts.done)
    num = pd.to_numeric(text.iloc[rest], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    sub = rest[np.isfinite(num)]
    if len(sub):
        _read_numbers(num[np.isfinite(num)], reading, idx[sub], column, w)
        serial_text[sub] = parts.done[sub] = True

    decided, contradicts, votes = parts.day_month_order(wt, dayfirst)
    reading.fixed[idx[contradicts]] = "read_as_mdy" if decided else "read_as_dmy"

    parsed = parts.done & ~serial_text & ~iso_done
    if lunar is None:
        lunar = _lunar_hijri(parts.y, parsed, marked | parts.lunar_named, wt)
    reading.lunar = bool(lunar)
    out, jalali, greg = parts.to_dates(parsed, lunar)
    if votes[2]:
        dmy, mdy, total = votes
        guess = {}
        if dayfirst is None and not dmy and not mdy:  # nothing settles it: the default, a guess
            guess = _date_order_example(values, wt, parts.year_last & (parts.y > 0) & parsed & ~np.isnat(out), out)
        reading.notices.append(Notice("date_order", column=column, dayfirst=bool(decided),
                                      chosen=dayfirst is not None, dmy=int(dmy), mdy=int(mdy),
                                      total=int(total), other=int(mdy if decided else dmy), **guess))
    reading.values[idx[parsed]] = out[parsed]
    converted = jalali & ~np.isnat(out)  # a date that does not exist (1402/12/30) is skipped, not converted
    if converted.any():
        first = np.flatnonzero(converted)[0]  # the column's first converted date, as the example
        reading.notices.append(Notice("date_hijri" if lunar else "date_jalali", column=column,
                                      count=int(wt[converted].sum()), jalali=str(values.iloc[first]).strip(),
                                      gregorian=_day_text(out[first])))
    problem = np.full(len(text), None, dtype=object)
    problem[~parts.done] = "not_a_date"
    problem[parsed & ~jalali & ~greg] = "year_out_of_range"
    problem[parsed & (jalali | greg) & np.isnat(out)] = "invalid_date"
    has = problem != None  # noqa: E711
    reading.problem[idx[has]] = problem[has]
    reading.fixed[idx[has]] = None
    _note_zones(reading, column, _written_zones(text[parts.done & ~serial_text & ~has]))
    # ISO text too: a spreadsheet reads it in any order; not a Solar or lunar Hijri date, which
    # stays text in a spreadsheet set to either order
    read = parts.done & ~serial_text & ~has & ~jalali
    only = None
    if read.any() and (parts.year_last[read] & (parts.y[read] > 0)).all():
        a, b = parts.first[read], parts.second[read]
        if ((a > 12) & (b <= 12)).all() and decided:
            only = True
        elif ((b > 12) & (a <= 12)).all() and not decided:
            only = False
    return serial_text, only


def _date_order_example(values: pd.Series, weights: np.ndarray, ambiguous: np.ndarray, read: np.ndarray) -> dict:
    """An ambiguous date of the column and the day it was read as (``example``, ``read_as``),
    for a day/month order that is a guess: the value on most rows, ties by its text, so
    that reading the distinct values in any order (every engine) gives the same one."""
    at = np.flatnonzero(ambiguous)
    if not len(at):
        return {}
    texts = np.array([str(v).strip() for v in values.iloc[at]], dtype=object)
    best = at[np.lexsort((texts, -weights[at]))[0]]
    return {"example": str(values.iloc[best]).strip(), "read_as": _day_text(read[best])}


_HIJRI_MARK = r"(?<=\d)\s*هـ?(?:\s*$|(?=\s))"  # at the end, or before the time
_GREGORIAN_MARK = r"(?<=\d)(?<!:\d\d)\s*م\s*$"
_JALALI_MONTH_WORD = "(" + "|".join(sorted(JALALI_MONTH_NAMES, key=len, reverse=True)) + ") ?ماه"


def _lunar_hijri(years: np.ndarray, parsed: np.ndarray, marked: np.ndarray, weights: np.ndarray) -> bool:
    """Whether a column's 13xx/14xx years are lunar Hijri (Umm al-Qura) rather than Solar
    Hijri (Jalali): when its dates carry the "هـ" mark, or when most of them (by rows) would
    lie in the future as Jalali dates (1445/06/20 is 2066 as Jalali, 2024 as lunar Hijri).
    Jalali years up to this year's are lunar years before 1985, no order date of today's
    exports: both calendars are read right for their own recent dates."""
    hijri = parsed & (years >= JALALI_YEARS[0]) & (years <= JALALI_YEARS[1])
    if not hijri.any():
        return False
    if marked[hijri].any():
        return True
    future = hijri & (years > jalali_year_today())
    return bool(weights[future].sum() * 2 > weights[hijri].sum())


TODAY_WORDS = frozenset({"today", "امروز", "اليوم"})


def read_day(value, name: str, dayfirst: bool | None = None) -> pd.Timestamp:
    """One day given as an option (a plan day, a holdout start), at midnight in ns.

    Text and numbers are read as the order dates are (Arabic-Indic and Persian digits,
    Solar Hijri dates, ``20240131``, Excel serials), ``03/04/2024`` in the order ``dayfirst``
    chooses (the date order the user chose for the orders); dates and datetimes are taken as
    they are. The word for today (``today``, Persian ``امروز``, Arabic ``اليوم``) is this
    machine's day.

    >>> str(read_day("۱۴۰۲/۱۰/۱۵", "as_of").date()), str(read_day("2024-01-31 10:00", "as_of"))
    ('2024-01-05', '2024-01-31 00:00:00')
    >>> str(read_day(20240131, "as_of").date()), str(read_day(45322, "as_of").date())
    ('2024-01-31', '2024-01-31')
    >>> str(read_day("01/02/2024", "as_of", dayfirst=False).date())
    '2024-01-02'
    """
    if isinstance(value, str) and value.strip().casefold() in TODAY_WORDS:
        return pd.Timestamp.today().normalize().as_unit("ns")
    if isinstance(value, (str, int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        ts = pd.Timestamp(parse_dates(pd.Series([value], dtype=object), dayfirst=dayfirst, column=name).values[0])
    else:
        try:
            ts = pd.Timestamp(value)
        except (TypeError, ValueError):
            ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        raise InvalidValue(f"{name} must be a date like 2024-01-31, got {value!r}", option=name)
    try:
        return ts.normalize().as_unit("ns")
    except (OverflowError, ValueError):  # e.g. the year 1402 as a Gregorian date
        raise InvalidValue(f"{name} must be a date from 1678 to 2261, got {value!r}", option=name) from None
