"""Calendar periods (week, month, quarter, year) as integers, and their labels.

Cohorts and period KPIs work on period *ordinals*: consecutive integers, so "period k of a
cohort" is a subtraction. In the Gregorian calendar weeks start on Monday (ISO weeks).

In the Solar Hijri (Jalali) calendar (``calendar="jalali"``), the calendar of Iran and
Afghanistan, months, quarters and years are Jalali ones and weeks start on Saturday: a
Persian shop's Farvardin 1402 cohort is the orders of 2023-03-21 to 2023-04-20, labelled
``1402-01``, not parts of March and April. Dates are converted once per distinct day with
``jdatetime``.
"""

from __future__ import annotations

import jdatetime
import numpy as np
import pandas as pd

from retention_xl.analysis.letters import fold_word
from retention_xl.errors import InvalidValue

__all__ = ["PERIODS", "CALENDARS", "normalise_period", "check_calendar", "report_calendar", "period_ordinals",
           "period_starts", "period_labels"]

#: the calendars periods are counted in
CALENDARS = ("gregorian", "jalali")
#: accepted period codes and the pandas frequency behind each
PERIODS = {"W": "W-SUN", "M": "M", "Q": "Q-DEC", "Y": "Y-DEC"}
_ALIASES = {
    "W": "W", "WEEK": "W", "WEEKLY": "W",
    "M": "M", "MONTH": "M", "MONTHLY": "M",
    "Q": "Q", "QUARTER": "Q", "QUARTERLY": "Q",
    "Y": "Y", "YEAR": "Y", "YEARLY": "Y", "A": "Y",
}
#: the period words of an Arabic or Persian settings sheet (matched as :func:`_period_key` spells them)
_WORDS = {
    "W": ("أسبوع", "أسبوعي", "أسبوعيا", "هفته", "هفتگی", "هفتگي"),
    "M": ("شهر", "شهري", "شهريا", "ماه", "ماهانه", "ماهیانه"),
    "Q": ("ربع", "ربع سنة", "ربع سنوي", "ربع سنوية", "ربعي", "فصل", "فصلي", "سه ماه", "سه ماهه"),
    "Y": ("سنة", "سنوي", "سنويا", "عام", "سال", "سالانه", "سالیانه"),
}


def _period_key(word: object) -> str:
    """A period word as compared: upper case, Arabic/Persian letter variants, tanween, tatweel
    and the zero-width non-joiner aside (``"شهريًا"`` = ``"شهریا"``)."""
    return " ".join(fold_word(str(word)).upper().split())


_ALIASES.update({_period_key(w): code for code, words in _WORDS.items() for w in words})


def normalise_period(period: str) -> str:
    """``"month"``, ``"m"`` or ``"M"`` -> ``"M"``, as the Arabic and Persian words
    (``"شهري"``, ``"ماهانه"``); an unknown code is ``#VALUE!``.

    >>> normalise_period("week"), normalise_period("شهريًا"), normalise_period("سه‌ماهه")
    ('W', 'M', 'Q')
    """
    code = _ALIASES.get(_period_key(period))
    if code is None:
        raise InvalidValue(f'period must be W, M, Q or Y (week, month, quarter, year), got "{period}"',
                           option="period")
    return code


def check_calendar(calendar: str) -> str:
    """``calendar`` if it is one of :data:`CALENDARS` (``"jalali"`` also as ``"persian"``,
    ``"shamsi"`` or ``"solar hijri"``), else ``InvalidValue``.

    >>> check_calendar("Shamsi")
    'jalali'
    """
    key = " ".join(str(calendar).strip().casefold().replace("_", " ").replace("-", " ").split())
    found = {"gregorian": "gregorian", "jalali": "jalali", "persian": "jalali", "shamsi": "jalali",
             "solar hijri": "jalali"}.get(key)
    if found is None:
        raise InvalidValue(f"calendar must be gregorian or jalali, got {calendar!r}", option="calendar")
    return found


def report_calendar(calendar: str, notices=()) -> str:
    """The calendar a report counts its periods in: ``calendar``, or for ``"auto"`` Jalali
    when the dates were written in it (a ``date_jalali`` notice among ``notices``: the
    orders' own decisions), else Gregorian.

    >>> from retention_xl.analysis.notices import Notice
    >>> report_calendar("auto", [Notice("date_jalali", column="تاریخ", count=4, example="")])
    'jalali'
    >>> report_calendar("auto"), report_calendar("gregorian", [Notice("date_jalali", column="d")])
    ('gregorian', 'gregorian')
    """
    if str(calendar).strip().casefold() != "auto":
        return check_calendar(calendar)
    return "jalali" if any(n.code == "date_jalali" for n in notices) else "gregorian"


_EPOCH_SATURDAY = 2  # 1970-01-03, day 2 of the Unix epoch, was a Saturday: Jalali weeks start then


def _days(dates) -> np.ndarray:
    """Each date's day number (days since 1970-01-01)."""
    return pd.DatetimeIndex(dates).as_unit("ns").asi8 // 86_400_000_000_000


def _jalali_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Jalali year and month of each day number (converted once per distinct day)."""
    uniq, inverse = np.unique(days, return_inverse=True)
    parts = [jdatetime.date.fromgregorian(date=d) for d in uniq.astype("datetime64[D]").tolist()]
    year = np.fromiter((p.year for p in parts), dtype=np.int64, count=len(parts))
    month = np.fromiter((p.month for p in parts), dtype=np.int64, count=len(parts))
    return year[inverse].reshape(days.shape), month[inverse].reshape(days.shape)


def period_ordinals(dates: pd.Series | pd.DatetimeIndex | np.ndarray, period: str,
                    calendar: str = "gregorian") -> np.ndarray:
    """Integer ordinal of the period each date falls in (consecutive periods differ by 1).

    >>> d = pd.to_datetime(["2024-01-31", "2024-02-01", "2025-01-15"])
    >>> o = period_ordinals(d, "M"); (o - o[0]).tolist()
    [0, 1, 12]
    >>> d = pd.to_datetime(["2023-03-20", "2023-03-21", "2023-04-20", "2023-04-21"])  # Esfand 29, Farvardin 1, 31, Ordibehesht 1
    >>> o = period_ordinals(d, "M", "jalali"); (o - o[0]).tolist()
    [0, 1, 1, 2]
    """
    code = normalise_period(period)
    if check_calendar(calendar) == "gregorian":
        return pd.DatetimeIndex(dates).to_period(PERIODS[code]).asi8.astype(np.int64)
    days = _days(dates)
    if code == "W":
        return (days - _EPOCH_SATURDAY) // 7
    year, month = _jalali_parts(days)
    return {"M": year * 12 + month - 1, "Q": year * 4 + (month - 1) // 3, "Y": year}[code]


def _jalali_firsts(ordinals: np.ndarray, code: str) -> list[jdatetime.date]:
    """The first Jalali day of each month, quarter or year ordinal."""
    if code == "M":
        return [jdatetime.date(int(o) // 12, int(o) % 12 + 1, 1) for o in ordinals]
    if code == "Q":
        return [jdatetime.date(int(o) // 4, int(o) % 4 * 3 + 1, 1) for o in ordinals]
    return [jdatetime.date(int(o), 1, 1) for o in ordinals]


def period_starts(ordinals: np.ndarray, period: str, calendar: str = "gregorian") -> pd.DatetimeIndex:
    """The first day of each period ordinal (midnight).

    >>> period_starts(np.array([1402 * 12, 1402 * 12 + 1]), "M", "jalali").strftime("%Y-%m-%d").tolist()
    ['2023-03-21', '2023-04-21']
    """
    code = normalise_period(period)
    ordinals = np.asarray(ordinals, dtype=np.int64)
    if check_calendar(calendar) == "gregorian":
        return pd.PeriodIndex.from_ordinals(ordinals, freq=PERIODS[code]).start_time
    if code == "W":
        days = ordinals * 7 + _EPOCH_SATURDAY
    else:
        days = np.array([d.togregorian().toordinal() for d in _jalali_firsts(ordinals, code)],
                        dtype=np.int64) - 719_163  # date.toordinal() of 1970-01-01
    return pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))


def period_labels(ordinals: np.ndarray, period: str, calendar: str = "gregorian") -> list[str]:
    """Labels a reader recognises: ``2024-01``, ``2024-Q1``, ``2024``, weeks by Monday's date;
    in the Jalali calendar ``1402-01``, ``1402-Q1``, ``1402``, weeks by Saturday's Jalali date.

    >>> period_labels(period_ordinals(pd.to_datetime(["2024-05-08"]), "Q"), "Q")
    ['2024-Q2']
    >>> period_labels(period_ordinals(pd.to_datetime(["2024-03-20", "2024-03-23"]), "W", "jalali"), "W", "jalali")
    ['1402-12-26', '1403-01-04']
    """
    code = normalise_period(period)
    if check_calendar(calendar) == "jalali":
        ordinals = np.asarray(ordinals, dtype=np.int64)
        if code == "M":
            return [f"{o // 12}-{o % 12 + 1:02d}" for o in ordinals.tolist()]
        if code == "Q":
            return [f"{o // 4}-Q{o % 4 + 1}" for o in ordinals.tolist()]
        if code == "Y":
            return [str(o) for o in ordinals.tolist()]
        saturdays = (ordinals * 7 + _EPOCH_SATURDAY).astype("datetime64[D]").tolist()
        return [jdatetime.date.fromgregorian(date=d).strftime("%Y-%m-%d") for d in saturdays]
    starts = period_starts(ordinals, code)
    if code == "M":
        return list(starts.strftime("%Y-%m"))
    if code == "Q":
        return [f"{y}-Q{q}" for y, q in zip(starts.year, starts.quarter)]
    if code == "Y":
        return [str(y) for y in starts.year]
    return list(starts.strftime("%Y-%m-%d"))
