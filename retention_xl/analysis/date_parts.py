"""Year, month, day and time read from text dates, before they become dates.

:class:`DateParts` reads the parts of date text with regular expressions, vectorised
over a column's distinct values: numbers with separators (``15/01/2023``,
``1402/01/15 10:30``, ``01.15.23 3:05 pm``), compact ``20230115``, and month names in
English, Arabic and Persian, Gregorian or Solar Hijri (``Jan 15, 2023``,
``۱۵ فروردین ۱۴۰۲``). It decides day/month order from the values and turns the parts
into dates with :mod:`retention_xl.analysis.calendars`. :mod:`retention_xl.analysis.dates`
explains what it read to the user.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_xl.analysis.calendars import (
    GREGORIAN_YEARS,
    HIJRI_MONTH_NAMES,
    HIJRI_YEARS,
    JALALI_MONTH_NAMES,
    JALALI_YEARS,
    MONTH_NAMES,
    full_year,
    gregorian_to_datetime,
    hijri_to_gregorian,
    jalali_to_gregorian,
    month_key,
)
from retention_xl.analysis.letters import LETTER_CLASSES

__all__ = ["DateParts"]

# the time after a space, "t", a comma (Latin or Arabic), a dash or the word for "at (hour)"
_TIME = (
    r"(?:(?:[ t,،\-]|ساعت|الساعة)+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?"
    # an offset of whole hours after a time, as PostgreSQL writes a timestamptz: 22:30:00+00, 09:15-05
    r"(?:[+-]\d{2})?"
    r"\s*(?P<ampm>a\.?m\.?|p\.?m\.?|ق\.?ظ|ب\.?ظ|ص|م|صباحاً?|صباحًا|مساءً?|مساءا|قبل ?از ?ظهر|بعد ?از ?ظهر)?)?"
    r"\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2})?"
)
_NUMERIC = r"(?P<a>\d{1,4})[-/.](?P<b>\d{1,2})[-/.](?P<c>\d{1,4})" + _TIME
_COMPACT = r"(?P<a>\d{4})(?P<b>\d{2})(?P<c>\d{2})"
_WEEKDAY = r"(?:[^\d\s,]+,?\s+)?"
_DAY_NAME = _WEEKDAY + r"(?P<a>\d{1,2})(?:st|nd|rd|th)?[ \-/.]*(?P<mon>[^\d\s\-/.,]+)\.?,?[ \-/.]*(?P<c>\d{2,4})" + _TIME
# the day and the year apart (by a comma or a separator): "Jan 2024" is a month, not 20 Jan 2024
#: month names as looked up (:func:`month_key`), and which of them are Jalali months
_MONTHS = {month_key(k): v for k, v in {**MONTH_NAMES, **JALALI_MONTH_NAMES, **HIJRI_MONTH_NAMES}.items()}
_JALALI_MONTHS = frozenset(month_key(k) for k in JALALI_MONTH_NAMES)
_HIJRI_MONTHS = frozenset(month_key(k) for k in HIJRI_MONTH_NAMES)
#: the month names of two words as a text may spell them (alef with or without hamza ...),
#: to be joined into one before the patterns read a month name as one word
_TWO_WORDS = "|".join(
    "".join(LETTER_CLASSES.get(ch, " " if ch == "_" else ch) for ch in key) for key in _MONTHS if "_" in key
)
_NAME_DAY = (_WEEKDAY + r"(?P<mon>[^\d\s\-/.,]+)\.?[ \-/.]*(?P<a>\d{1,2})(?:st|nd|rd|th)?[, \-/.][ \-/.]*(?P<c>\d{2,4})"
             + _TIME)


class DateParts:
    """Year, month, day and time read from text values, before they become dates.

    Each reader (:meth:`numeric`, :meth:`compact`, :meth:`month_names`) fills the values
    not yet ``done`` that match its pattern; -1 marks a part not read. ``first`` and
    ``second`` keep the two leading numbers of a date whose year comes last until
    :meth:`day_month_order` decides which is the day.

    Parameters
    ----------
    m : int
        How many values: the text given to the readers has this length.

    Examples
    --------
    >>> text = pd.Series(["15/01/2023", "1402/01/15 10:30", "5 jan 2024"])
    >>> parts = DateParts(3)
    >>> parts.numeric(text)
    >>> parts.month_names(text)
    >>> parts.y.tolist(), parts.first.tolist(), parts.d.tolist(), parts.hh.tolist()
    ([2023, 1402, 2024], [15, -1, -1], [-1, 15, 5], [0, 10, 0])
    >>> parts.day_month_order(np.ones(3), None)[0]  # 15 cannot be a month: day first
    True
    >>> parts.to_dates(parts.done)[0].astype(str).tolist()
    ['2023-01-15T00:00:00.000000000', '2023-04-04T10:30:00.000000000', '2024-01-05T00:00:00.000000000']
    """

    def __init__(self, m: int):
        self.y, self.mo, self.d = (np.full(m, -1, dtype="int64") for _ in range(3))
        self.hh, self.mi, self.ss = (np.zeros(m, dtype="int64") for _ in range(3))
        self.pm = np.zeros(m, dtype="int64")  # +1 pm, -1 am, 0 none
        self.first, self.second = np.full(m, -1, dtype="int64"), np.full(m, -1, dtype="int64")
        self.year_last = np.zeros(m, bool)  # 15/01/2023-like: day/month order to decide
        self.lunar_named = np.zeros(m, bool)  # a lunar Hijri month name: the column is lunar
        self.done = np.zeros(m, bool)

    def set_time(self, sel: np.ndarray, p: pd.DataFrame) -> None:
        self.hh[sel], self.mi[sel], self.ss[sel] = (np.maximum(p[k].to_numpy(), 0) for k in ("H", "M", "S"))
        ap = p["ampm"].fillna("")
        pm = ap.isin(["pm", "p.m.", "p.m", "ب.ظ", "بظ", "م"]) | ap.str.startswith(("مساء", "بعد"))
        self.pm[sel] = np.where(pm.to_numpy(dtype=bool), 1, np.where(ap.to_numpy(dtype=object) != "", -1, 0))

    def numeric(self, text: pd.Series) -> None:
        """2023-01-15, 15/01/2023, 01.15.23, 1402/01/15 (with an optional time)."""
        rest = np.flatnonzero(~self.done)
        p = _extract(text.iloc[rest], f"^{_NUMERIC}$")
        hit = p["a"].to_numpy() >= 0
        p, sel = p[hit], rest[hit]
        a, b, c = p["a"].to_numpy(), p["b"].to_numpy(), p["c"].to_numpy()
        year_first = p["a_len"].to_numpy() >= 3
        c_len = p["c_len"].to_numpy()
        self.y[sel] = np.where(year_first, a, np.where(c_len == 3, -1, np.where(c_len <= 2, full_year(c), c)))
        self.mo[sel] = np.where(year_first, b, -1)
        self.d[sel] = np.where(year_first, c, -1)
        self.year_last[sel] = ~year_first
        self.first[sel] = np.where(year_first, -1, a)
        self.second[sel] = np.where(year_first, -1, b)
        self.set_time(sel, p)
        self.done[sel] = True

    def compact(self, text: pd.Series) -> None:
        """20230115, 14020115."""
        rest = np.flatnonzero(~self.done)
        p = _extract(text.iloc[rest], f"^{_COMPACT}$")
        hit = p["a"].to_numpy() >= 0
        sel = rest[hit]
        self.y[sel], self.mo[sel], self.d[sel] = (p[k].to_numpy()[hit] for k in ("a", "b", "c"))
        self.done[sel] = True

    def month_names(self, text: pd.Series) -> None:
        """15-Jan-2023, Jan 15, 2023, ۱۵ فروردین ۱۴۰۲, 15 كانون الثاني 2023, ٢٠ جمادى الآخرة ١٤٤٥."""
        rest = np.flatnonzero(~self.done)
        spaced = rest[text.iloc[rest].str.contains(_TWO_WORDS, regex=True).fillna(False).to_numpy(dtype=bool)]
        if len(spaced):  # كانون الثاني: one word for the patterns
            text = text.copy()
            text.iloc[spaced] = text.iloc[spaced].str.replace(_TWO_WORDS, lambda m: m.group(0).replace(" ", "_"),
                                                              regex=True)
        for pattern in (_DAY_NAME, _NAME_DAY):
            rest = np.flatnonzero(~self.done)
            if not len(rest):
                return
            p = _extract(text.iloc[rest], f"^{pattern}$")
            mon = p["mon"].map(month_key, na_action="ignore")
            month = mon.map(_MONTHS)
            hit = month.notna().to_numpy()
            p, sel = p[hit], rest[hit]
            c, short = p["c"].to_numpy(), p["c_len"].to_numpy() <= 2
            # a Jalali month name makes its year Jalali (۱۵ مهر ۰۳ is 1403, read like Excel's
            # two-digit years: 00-29 are 14xx), a lunar Hijri one lunar (four digits), a
            # Gregorian one Gregorian: the other calendar's year (۱۵ مهر ۲۰۲۴, 15 Jan 1403)
            # is out of range
            jalali = mon[hit].isin(_JALALI_MONTHS).to_numpy()
            lunar = mon[hit].isin(_HIJRI_MONTHS).to_numpy()
            year = np.where(short, np.where(lunar, -1, full_year(c) - np.where(jalali, 600, 0)), c)
            hijri_year = (year >= JALALI_YEARS[0]) & (year <= JALALI_YEARS[1])
            other = np.where(jalali | lunar, ~hijri_year, hijri_year)
            self.lunar_named[sel] = lunar
            self.y[sel] = np.where(other, -1, year)
            self.mo[sel], self.d[sel] = month[hit].astype("int64").to_numpy(), p["a"].to_numpy()
            self.set_time(sel, p)
            self.done[sel] = True

    def day_month_order(self, weights: np.ndarray, dayfirst: bool | None) -> tuple[bool, np.ndarray, list]:
        """Decide day/month order from the evidence; returns (dayfirst, contradicting, counts)."""
        amb = self.year_last & (self.y > 0)
        a, b = self.first, self.second
        day_votes = weights[amb & (a > 12) & (b <= 12)].sum()
        month_votes = weights[amb & (b > 12) & (a <= 12)].sum()
        decided = dayfirst if dayfirst is not None else not month_votes > day_votes
        day, month = (a, b) if decided else (b, a)
        contradicts = amb & (month > 12) & (day <= 12)
        self.d[amb] = np.where(contradicts, month, day)[amb]
        self.mo[amb] = np.where(contradicts, day, month)[amb]
        return decided, contradicts, [day_votes, month_votes, weights[amb].sum()]

    def to_dates(self, which: np.ndarray, lunar: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Dates for ``which``; returns (dates, Hijri mask, gregorian mask). Years of the
        Hijri range are Solar Hijri (Jalali), or lunar Hijri (Umm al-Qura) when ``lunar``."""
        y, mo, d = self.y, self.mo, self.d
        years = HIJRI_YEARS if lunar else JALALI_YEARS
        jalali = which & (y >= years[0]) & (y <= years[1])
        greg = which & (y >= GREGORIAN_YEARS[0]) & (y <= GREGORIAN_YEARS[1])
        hh, mi, ss, pm = self.hh, self.mi, self.ss, self.pm
        hours = hh + np.where((pm == 1) & (hh < 12), 12, 0) - np.where((pm == -1) & (hh == 12), 12, 0)
        out = np.full(len(y), np.datetime64("NaT"), dtype="datetime64[ns]")
        if greg.any():
            out[greg] = gregorian_to_datetime(y[greg], mo[greg], d[greg], hours[greg], mi[greg], ss[greg])
        if jalali.any():
            ok = (mo[jalali] >= 1) & (mo[jalali] <= 12) & (d[jalali] >= 1) & (d[jalali] <= 31)
            convert = hijri_to_gregorian if lunar else jalali_to_gregorian
            days = convert(y[jalali], np.where(ok, mo[jalali], 1), np.where(ok, d[jalali], 1))
            clock = (hours[jalali] * 3600 + mi[jalali] * 60 + ss[jalali]).astype("timedelta64[s]")
            out[jalali] = np.where(ok, days, np.datetime64("NaT")) + clock
        # a 24-hour clock with its AM/PM mark as well ("15:22:10 PM", "00:30:00 AM": Magento's
        # exports) reads as the hour it gives; 13 AM or 0 PM contradicts itself
        bad_time = (hh > 23) | (mi > 59) | (ss > 59) | ((pm == -1) & (hh > 12)) | ((pm == 1) & (hh == 0))
        out[bad_time] = np.datetime64("NaT")
        return out, jalali, greg


def _extract(text: pd.Series, pattern: str) -> pd.DataFrame:
    """Named groups of ``pattern`` per value, positionally aligned with ``text``.

    Groups a, b, c, H, M, S come back as int64 (-1 when missing or not matched), with the
    digit counts of a and c as ``a_len`` and ``c_len``; other groups as text. pyarrow's
    regex engine is used when available (fast on large columns).
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pandas' own (slower) engine
        return _extract_with_pandas(text, pattern)
    found = pc.extract_regex(pa.array(text.reset_index(drop=True), type=pa.string()), pattern)
    out = {}
    for field_, col in zip(found.type, found.flatten()):
        if field_.name in _INT_GROUPS:
            digits = pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col)
            out[field_.name] = pc.cast(digits, pa.int64()).fill_null(-1).to_numpy()
            if field_.name in ("a", "c"):
                out[field_.name + "_len"] = pc.utf8_length(col).fill_null(0).to_numpy()
        else:
            out[field_.name] = col.to_pandas().astype(object)
    return pd.DataFrame(out)


_INT_GROUPS = {"a", "b", "c", "H", "M", "S"}


def _extract_with_pandas(text: pd.Series, pattern: str) -> pd.DataFrame:
    parts = text.reset_index(drop=True).str.extract(pattern)
    out = {}
    for name in parts.columns:
        if name in _INT_GROUPS:
            col = parts[name].astype(object)
            out[name] = pd.to_numeric(col, errors="coerce").fillna(-1).to_numpy(dtype="int64")
            if name in ("a", "c"):
                out[name + "_len"] = col.fillna("").map(len).to_numpy(dtype="int64")
        else:
            out[name] = parts[name].astype(object)
    return pd.DataFrame(out)
