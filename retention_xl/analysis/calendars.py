"""Dates in the calendars order exports use: Gregorian, Solar Hijri (Jalali), the Saudi
lunar Hijri calendar (Umm al-Qura), Excel serials.

Month names (English, Arabic, Persian; Jalali months in Persian and Arabic spelling), the
years a date may have in each calendar, Excel's 1900 date system and its two-digit years,
and vectorised conversions of all of them to numpy datetime64[ns]. Jalali dates are
converted with ``jdatetime`` and Umm al-Qura dates with ``hijridate``, once per distinct
day. :mod:`retention_xl.analysis.dates` uses these to read a date column.

Examples
--------
>>> MONTH_NAMES["sept"], MONTH_NAMES["أغسطس"], JALALI_MONTH_NAMES["فروردین"]
(9, 8, 1)
"""

from __future__ import annotations

from collections.abc import Callable

import jdatetime
import numpy as np
import pandas as pd

from retention_xl.analysis.letters import fold_arabic

__all__ = [
    "EXCEL_EPOCH",
    "GREGORIAN_YEARS",
    "HIJRI_MONTH_NAMES",
    "HIJRI_YEARS",
    "JALALI_MONTH_NAMES",
    "JALALI_YEARS",
    "MONTH_NAMES",
    "excel_serial_to_datetime",
    "full_year",
    "gregorian_to_datetime",
    "hijri_to_gregorian",
    "jalali_to_gregorian",
    "jalali_year_today",
    "month_key",
]

EXCEL_EPOCH = np.datetime64("1899-12-30", "s")
GREGORIAN_YEARS = (1900, 2200)
JALALI_YEARS = (1300, 1500)
HIJRI_YEARS = (1343, 1500)  # the Umm al-Qura tables: 1924-08-01 to 2077-11-16

MONTH_NAMES = {
    **{m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())},
    **{m: i + 1 for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )},
    "sept": 9,
    # Arabic (Egypt/Gulf) and Levantine Gregorian month names.
    **{m: i + 1 for i, m in enumerate(
        "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
    )},
    "ابريل": 4, "اغسطس": 8, "اكتوبر": 10, "إبريل": 4,
    # Egypt's June and July; Morocco's months; Algeria's and Tunisia's (from the French).
    "يونيه": 6, "يوليه": 7,
    **{m: i + 1 for i, m in enumerate(
        "يناير فبراير مارس أبريل ماي يونيو يوليوز غشت شتنبر أكتوبر نونبر دجنبر".split()
    )},
    **{m: i + 1 for i, m in enumerate(
        "جانفي فيفري مارس أفريل ماي جوان جويلية أوت سبتمبر أكتوبر نوفمبر ديسمبر".split()
    )},
    # The Syriac names of Syria, Lebanon, Jordan, Palestine and Iraq (two words for four of them).
    **{m: i + 1 for i, m in enumerate(
        "كانون_الثاني شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين_الأول تشرين_الثاني كانون_الأول".split()
    )},
    # Persian names of Gregorian months.
    **{m: i + 1 for i, m in enumerate(
        "ژانویه فوریه مارس آوریل مه ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر".split()
    )},
}
JALALI_MONTH_NAMES = {
    m: i + 1 for i, m in enumerate(
        "فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند".split()
    )
}
JALALI_MONTH_NAMES.update({k.replace("ی", "ي"): v for k, v in list(JALALI_MONTH_NAMES.items())})

#: lunar Hijri months as Saudi systems (and Persian texts) name them, two-word names with
#: ``_`` (see :func:`month_key`)
HIJRI_MONTH_NAMES = {
    "محرم": 1, "صفر": 2, "ربيع_الأول": 3, "ربيع_الآخر": 4, "ربيع_الثاني": 4, "جمادى_الأولى": 5,
    "جمادى_الأول": 5, "جمادى_الآخرة": 6, "جمادى_الثانية": 6, "جمادى_الآخر": 6, "رجب": 7, "شعبان": 8,
    "رمضان": 9, "شوال": 10, "ذو_القعدة": 11, "ذي_القعدة": 11, "ذو_الحجة": 12, "ذي_الحجة": 12,
}
# and written as one word, as Persian does with a zero-width non-joiner (ذی‌الحجه)
HIJRI_MONTH_NAMES.update({k.replace("_", ""): v for k, v in list(HIJRI_MONTH_NAMES.items()) if "_" in k})



def month_key(name: str) -> str:
    """A month name as the tables are looked up: alef with hamza or madda as plain alef,
    alef maqsura and Persian ye as Arabic ye, Persian kaf as Arabic kaf, ta marbuta as he
    (:func:`~retention_xl.analysis.letters.fold_arabic`), words joined by ``_``
    (``"تشرين الأول"``, ``"تشرين الاول"`` and ``"آذر"``, ``"اذر"`` are each one name).

    >>> month_key("تشرين الأول"), month_key("آذر")
    ('تشرين_الاول', 'اذر')
    """
    return fold_arabic(name).replace(" ", "_")


def excel_serial_to_datetime(serial: np.ndarray) -> np.ndarray:
    """Convert Excel serial day numbers (1900 date system) to datetime64[ns].

    Excel counts days from 1899-12-30 for every date after February 1900; the fraction is
    the time of day, rounded here to the second.

    Examples
    --------
    >>> excel_serial_to_datetime(np.array([44927.0, 45000.5])).astype(str).tolist()
    ['2023-01-01T00:00:00.000000000', '2023-03-15T12:00:00.000000000']
    """
    seconds = np.round(np.asarray(serial, dtype=float) * 86_400).astype("int64")
    return (EXCEL_EPOCH + seconds.astype("timedelta64[s]")).astype("datetime64[ns]")


def jalali_to_gregorian(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Convert Solar Hijri (Jalali) dates to Gregorian datetime64[ns]; NaT where invalid.

    The conversion is done once per distinct (year, month, day) with ``jdatetime``.

    Examples
    --------
    >>> jalali_to_gregorian(np.array([1402, 1402]), np.array([1, 12]), np.array([1, 30]))
    array(['2023-03-21T00:00:00.000000000',                           'NaT'],
          dtype='datetime64[ns]')
    """
    return _each_distinct_day(year, month, day, lambda y, m, d: jdatetime.date(y, m, d).togregorian())


def hijri_to_gregorian(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Convert lunar Hijri dates of the Umm al-Qura calendar (Saudi Arabia's civil
    calendar, which Saudi systems print) to Gregorian datetime64[ns]; NaT where invalid or
    outside its tables (:data:`HIJRI_YEARS`).

    The conversion is done once per distinct (year, month, day) with ``hijridate``.

    Examples
    --------
    >>> hijri_to_gregorian(np.array([1445, 1445, 1342]), np.array([6, 13, 1]), np.array([20, 1, 1]))
    array(['2024-01-02T00:00:00.000000000',                           'NaT',
                                     'NaT'], dtype='datetime64[ns]')
    """
    from hijridate import Hijri  # only a lunar Hijri column pays for the import

    return _each_distinct_day(year, month, day, lambda y, m, d: Hijri(y, m, d).to_gregorian())


def _each_distinct_day(year: np.ndarray, month: np.ndarray, day: np.ndarray,
                       convert: Callable[[int, int, int], object]) -> np.ndarray:
    """``convert`` (a calendar's day to a ``datetime.date``) applied once per distinct
    day; NaT where it refuses the day."""
    ymd = np.stack([np.asarray(year), np.asarray(month), np.asarray(day)], axis=1).astype("int64")
    if len(ymd) == 0:
        return np.array([], dtype="datetime64[ns]")
    distinct, inverse = np.unique(ymd, axis=0, return_inverse=True)
    converted = np.full(len(distinct), np.datetime64("NaT"), dtype="datetime64[ns]")
    for i, (y, m, d) in enumerate(distinct.tolist()):  # distinct calendar days only
        try:
            converted[i] = np.datetime64(convert(y, m, d), "ns")
        except (ValueError, OverflowError):  # not a day of the calendar, or outside its tables
            pass
    return converted[inverse.ravel()]


def jalali_year_today() -> int:
    """The Solar Hijri year of today: a 13xx/14xx year above it is not a Jalali order date
    (it would lie in the future) but a lunar Hijri one.

    >>> jalali_year_today() >= 1405
    True
    """
    return jdatetime.date.today().year



def full_year(yy: np.ndarray) -> np.ndarray:
    """Two-digit years the way Excel reads them: 00-29 -> 2000s, 30-99 -> 1900s.

    Examples
    --------
    >>> full_year(np.array([5, 29, 30, 99])).tolist()
    [2005, 2029, 1930, 1999]
    """
    return np.where(yy < 30, 2000 + yy, 1900 + yy)



def gregorian_to_datetime(y, mo, d, hh, mi, ss) -> np.ndarray:
    """Gregorian year, month, day (and hour, minute, second, or all three None) to
    datetime64[ns]; NaT where there is no such day or time.

    Examples
    --------
    >>> gregorian_to_datetime(np.array([2023, 2023]), np.array([1, 2]), np.array([15, 30]),
    ...                       None, None, None).astype(str).tolist()
    ['2023-01-15T00:00:00.000000000', 'NaT']
    """
    frame = pd.DataFrame({"year": y, "month": mo, "day": d})
    if hh is not None:
        frame["hour"], frame["minute"], frame["second"] = hh, mi, ss
    valid = (frame["month"].between(1, 12) & frame["day"].between(1, 31)).to_numpy()
    out = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")
    if valid.any():
        out[valid] = pd.to_datetime(frame[valid], errors="coerce").to_numpy(dtype="datetime64[ns]")
    return out

