"""Calendar periods (week, month, quarter, year) as integers, and their labels.

Cohorts and period KPIs work on period *ordinals*: consecutive integers, so "period k of a
cohort" is a subtraction. Weeks start on Monday (ISO weeks).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_xl.analysis.letters import fold_word
from retention_xl.errors import InvalidValue

__all__ = ["PERIODS", "normalise_period", "period_ordinals", "period_starts", "period_labels"]

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


def period_ordinals(dates: pd.Series | pd.DatetimeIndex | np.ndarray, period: str) -> np.ndarray:
    """Integer ordinal of the period each date falls in (consecutive periods differ by 1).

    >>> d = pd.to_datetime(["2024-01-31", "2024-02-01", "2025-01-15"])
    >>> o = period_ordinals(d, "M"); (o - o[0]).tolist()
    [0, 1, 12]
    """
    freq = PERIODS[normalise_period(period)]
    idx = pd.DatetimeIndex(dates)
    return idx.to_period(freq).asi8.astype(np.int64)


def period_starts(ordinals: np.ndarray, period: str) -> pd.DatetimeIndex:
    """The first day of each period ordinal (midnight)."""
    freq = PERIODS[normalise_period(period)]
    return pd.PeriodIndex.from_ordinals(np.asarray(ordinals, dtype=np.int64), freq=freq).start_time


def period_labels(ordinals: np.ndarray, period: str) -> list[str]:
    """Labels a reader recognises: ``2024-01``, ``2024-Q1``, ``2024``, weeks by Monday's date.

    >>> period_labels(period_ordinals(pd.to_datetime(["2024-05-08"]), "Q"), "Q")
    ['2024-Q2']
    """
    code = normalise_period(period)
    starts = period_starts(ordinals, code)
    if code == "M":
        return list(starts.strftime("%Y-%m"))
    if code == "Q":
        return [f"{y}-Q{q}" for y, q in zip(starts.year, starts.quarter)]
    if code == "Y":
        return [str(y) for y in starts.year]
    return list(starts.strftime("%Y-%m-%d"))
