"""Calendar periods: ordinals that step by one, Monday weeks, labels a reader recognises."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention_xl.analysis.periods import (
    PERIODS,
    normalise_period,
    period_labels,
    period_ordinals,
    period_starts,
)
from retention_xl.errors import InvalidValue


def _ord(dates, period):
    return period_ordinals(pd.to_datetime(dates, format="ISO8601"), period)


# ----------------------------------------------------------------- period codes
@pytest.mark.parametrize(
    ("given_code", "code"),
    [
        ("W", "W"), ("w", "W"), ("week", "W"), ("Weekly", "W"),
        ("M", "M"), ("month", "M"), (" monthly ", "M"),
        ("Q", "Q"), ("quarter", "Q"), ("QUARTERLY", "Q"),
        ("Y", "Y"), ("year", "Y"), ("yearly", "Y"), ("A", "Y"),
        # as an Arabic or Persian settings sheet writes them
        ("أسبوعي", "W"), ("هفتگی", "W"), ("شهري", "M"), ("شهريًا", "M"), ("ماهانه", "M"), ("ماهيانه", "M"),
        ("ربع سنوي", "Q"), ("فصلی", "Q"), ("سه‌ماهه", "Q"), ("سنوي", "Y"), ("سالانه", "Y"),
    ],
)
def test_period_codes_and_their_spelled_out_names(given_code, code):
    assert normalise_period(given_code) == code


def test_every_arabic_and_persian_period_word_is_read_however_it_is_typed():
    from order_tables import spellings

    from retention_xl.analysis.periods import _WORDS

    for code, words in _WORDS.items():
        for word in (w for w in words if not w.isascii()):
            for typed in spellings(word):
                assert normalise_period(typed) == code, (code, word, typed)


@pytest.mark.parametrize("bad", ["D", "day", "", "MM", "fortnight", None, 12])
def test_unknown_period_code_is_invalid_value(bad):
    with pytest.raises(InvalidValue, match="period must be W, M, Q or Y"):
        normalise_period(bad)


@pytest.mark.parametrize("fn", [period_ordinals, period_labels, period_starts])
def test_every_period_function_rejects_an_unknown_code(fn):
    arg = pd.to_datetime(["2024-01-01"]) if fn is period_ordinals else np.array([0])
    with pytest.raises(InvalidValue):
        fn(arg, "D")


# ----------------------------------------------------------------- weeks start on Monday
def test_weeks_run_monday_to_sunday():
    # 2024-01-01 is a Monday, 2024-01-07 the Sunday that ends its week, 2024-01-08 the next Monday.
    o = _ord(["2024-01-01", "2024-01-07 23:59", "2024-01-08", "2024-01-14", "2024-01-15"], "W")
    assert (o - o[0]).tolist() == [0, 0, 1, 1, 2]


def test_weeks_are_labelled_by_their_monday():
    # Wednesday 2024-05-08 is in the week of Monday 2024-05-06; Sunday 2024-12-29 in the week
    # of Monday 2024-12-23; Tuesday 2024-12-31 in the week of Monday 2024-12-30 (a week that
    # crosses the new year keeps the Monday's date).
    o = _ord(["2024-05-08", "2024-12-29", "2024-12-31", "2025-01-05"], "W")
    assert period_labels(o, "W") == ["2024-05-06", "2024-12-23", "2024-12-30", "2024-12-30"]
    assert list(period_starts(o, "W")) == list(
        pd.to_datetime(["2024-05-06", "2024-12-23", "2024-12-30", "2024-12-30"])
    )


# ----------------------------------------------------------------- months, quarters, years
def test_months_step_by_one_across_a_year_end_and_a_leap_day():
    o = _ord(["2023-11-30", "2023-12-01", "2024-01-31", "2024-02-29", "2024-03-01"], "M")
    assert (o - o[0]).tolist() == [0, 1, 2, 3, 4]
    assert period_labels(o, "M") == ["2023-11", "2023-12", "2024-01", "2024-02", "2024-03"]


def test_quarters_split_at_april_july_october():
    o = _ord(["2024-03-31 23:00", "2024-04-01", "2024-06-30", "2024-07-01", "2024-10-01", "2025-01-01"], "Q")
    assert (o - o[0]).tolist() == [0, 1, 1, 2, 3, 4]
    assert period_labels(o, "Q") == ["2024-Q1", "2024-Q2", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]
    assert list(period_starts(o[[0, 1, 5]], "Q")) == list(pd.to_datetime(["2024-01-01", "2024-04-01", "2025-01-01"]))


def test_years_split_on_the_first_of_january():
    o = _ord(["2023-12-31 23:59", "2024-01-01", "2024-12-31", "2026-06-15"], "Y")
    assert (o - o[0]).tolist() == [0, 1, 1, 3]
    assert period_labels(o, "Y") == ["2023", "2024", "2024", "2026"]
    assert period_starts(o[:1], "Y")[0] == pd.Timestamp("2023-01-01")


def test_period_starts_are_midnight_of_the_first_day():
    o = _ord(["2024-02-17 15:30"], "M")
    assert period_starts(o, "M")[0] == pd.Timestamp("2024-02-01 00:00")


def test_ordinals_accept_a_series_an_index_and_a_numpy_array():
    dates = pd.to_datetime(["2024-01-31", "2024-02-01"])
    expected = period_ordinals(dates, "M")
    assert period_ordinals(pd.Series(dates), "M").tolist() == expected.tolist()
    assert period_ordinals(dates.to_numpy(), "M").tolist() == expected.tolist()


# ----------------------------------------------------------------- properties
days = st.integers(min_value=0, max_value=20_000).map(lambda d: pd.Timestamp("1990-01-01") + pd.Timedelta(days=d))


@given(days, st.sampled_from(sorted(PERIODS)))
def test_a_date_falls_in_the_period_that_starts_on_or_before_it(day, code):
    o = period_ordinals(pd.DatetimeIndex([day]), code)
    start = period_starts(o, code)[0]
    next_start = period_starts(o + 1, code)[0]
    assert start <= day < next_start
    # the period's length is the one a calendar gives
    assert (next_start - start).days in {"W": {7}, "M": {28, 29, 30, 31}, "Q": {90, 91, 92}, "Y": {365, 366}}[code]


@given(days, st.sampled_from(sorted(PERIODS)))
def test_label_round_trips_through_the_start_date(day, code):
    o = period_ordinals(pd.DatetimeIndex([day]), code)
    start = period_starts(o, code)
    assert period_ordinals(start, code).tolist() == o.tolist()
    if code == "W":
        assert start[0].day_of_week == 0  # Monday
        assert period_labels(o, code) == [start[0].strftime("%Y-%m-%d")]


# ----------------------------------------------------------------- the Jalali calendar
@given(st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2060-12-31").date()),
       st.sampled_from(sorted(PERIODS)))
def test_a_jalali_period_holds_its_day_and_the_next_one_starts_after_it(day, period):
    d = pd.DatetimeIndex([pd.Timestamp(day)])
    o = period_ordinals(d, period, "jalali")
    starts = period_starts(np.r_[o, o + 1], period, "jalali")
    assert starts[0] <= d[0] < starts[1]
    # the same period for its first day, the next for the day after its last
    assert period_ordinals(starts[:1], period, "jalali")[0] == o[0]
    assert period_ordinals(starts[1:], period, "jalali")[0] == o[0] + 1


@pytest.mark.parametrize(("period", "dates", "labels"), [
    # Nowruz 1402 was 2023-03-21; Farvardin has 31 days, Esfand 1401 29
    ("M", ["2023-03-20", "2023-03-21", "2023-04-20", "2023-04-21"], ["1401-12", "1402-01", "1402-01", "1402-02"]),
    ("Q", ["2023-06-21", "2023-06-22", "2024-03-19"], ["1402-Q1", "1402-Q2", "1402-Q4"]),
    ("Y", ["2023-03-20", "2023-03-21", "2024-03-20"], ["1401", "1402", "1403"]),
    # weeks start on Saturday: Friday 2023-03-24 (1402-01-04) is in the week of Saturday
    # 2023-03-18 (1401-12-27); Saturday 2023-03-25 (1402-01-05) starts the next
    ("W", ["2023-03-24", "2023-03-25"], ["1401-12-27", "1402-01-05"]),
])
def test_jalali_periods_by_hand(period, dates, labels):
    o = period_ordinals(pd.to_datetime(dates), period, "jalali")
    assert period_labels(o, period, "jalali") == labels


def test_the_calendar_is_checked_and_spelled_as_users_spell_it():
    from retention_xl.analysis.periods import check_calendar

    assert [check_calendar(c) for c in ("Jalali", "persian", "Solar Hijri", "shamsi", "gregorian")] == \
        ["jalali"] * 4 + ["gregorian"]
    with pytest.raises(InvalidValue, match="calendar must be gregorian or jalali, got 'lunar'"):
        check_calendar("lunar")
