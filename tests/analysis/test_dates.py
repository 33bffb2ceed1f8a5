"""Reading order dates the way exports write them."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from order_tables import said, words

from retention_xl.analysis.calendars import (
    excel_serial_to_datetime,
    jalali_to_gregorian,
)
from retention_xl.analysis.dates import parse_dates


def day(text):
    return np.datetime64(text, "ns")


def read(items, dtype=None, **kw):
    return parse_dates(pd.Series(items, dtype=dtype), **kw)


def test_excel_serials():
    # 1 Jan 2023 is serial 44927; 0.5 is noon; 60 would be Excel's fictitious 29 Feb 1900
    got = excel_serial_to_datetime(np.array([44927, 45000.5, 25569, 36526.25]))
    assert got.dtype == np.dtype("datetime64[ns]")
    assert list(got) == [day("2023-01-01"), day("2023-03-15T12:00"), day("1970-01-01"), day("2000-01-01T06:00")]


def test_jalali_known_new_years():
    # Nowruz: 1399/01/01 = 2020-03-20, 1402/01/01 = 2023-03-21, 1404/01/01 = 2025-03-21
    got = jalali_to_gregorian(np.array([1399, 1402, 1404, 1399, 1402]), np.array([1, 1, 1, 12, 12]),
                              np.array([1, 1, 1, 30, 30]))
    assert list(got[:4]) == [day("2020-03-20"), day("2023-03-21"), day("2025-03-21"), day("2021-03-20")]
    assert np.isnat(got[4])  # 1402 is not a leap year: Esfand has 29 days


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023-01-15", "2023-01-15"),
        ("2023-01-15 10:30", "2023-01-15T10:30"),
        ("2023-01-15T10:30:45", "2023-01-15T10:30:45"),
        ("2023-01-15T10:30:45.123Z", "2023-01-15T10:30:45"),
        ("2023-01-15 10:30:00+03:30", "2023-01-15T10:30"),
        ("2023/1/5", "2023-01-05"),
        ("20230115", "2023-01-15"),
        ("15-Jan-2023", "2023-01-15"),
        ("15 January 2023", "2023-01-15"),
        ("Jan 5, 2023", "2023-01-05"),
        ("Sunday, January 15th, 2023", "2023-01-15"),
        ("15-Jan-23", "2023-01-15"),
        ("Jan 5, 2023 3:45 PM", "2023-01-05T15:45"),
        ("Jan 5, 2023 12:10 am", "2023-01-05T00:10"),
        ("15 يناير 2023", "2023-01-15"),
        ("  2023-01-15\u00a0", "2023-01-15"),
        ("\u200e2023-01-15\u200f", "2023-01-15"),
        ("٢٠٢٣-٠١-١٥", "2023-01-15"),
        ("1402/01/15", "2023-04-04"),
        ("۱۴۰۲/۰۱/۱۵", "2023-04-04"),
        ("1402-01-15", "2023-04-04"),
        ("14020115", "2023-04-04"),
        ("۱۵ فروردین ۱۴۰۲", "2023-04-04"),
        ("۱۴۰۲/۰۱/۱۵ ۱۰:۳۰", "2023-04-04T10:30"),
        ("۱۴۰۲/۰۱/۱۵ ۰۲:۳۰ ب.ظ", "2023-04-04T14:30"),
        ("44927", "2023-01-01"),
    ],
)
def test_one_text_value(text, expected):
    r = read([text])
    assert r.problem[0] is None
    assert r.values[0] == day(expected)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("soon", "not a date"),
        ("2023-02-30", "not a valid date (no such day or time)"),
        ("1402/12/30", "not a valid date (no such day or time)"),
        ("2023-13-01", "not a valid date (no such day or time)"),
        ("2023-01-15 25:00", "not a valid date (no such day or time)"),
        ("0000-00-00", "year out of range (use 4-digit years from 1900 or Solar Hijri 1300-1500)"),
        ("1750-01-01", "year out of range (use 4-digit years from 1900 or Solar Hijri 1300-1500)"),
        ("15 Foo 2023", "not a date"),
        # a month without a day: its year is not split into a day and a year (20 Jan 2024,
        # 14 Mehr 2003 = July 2003)
        ("Jan 2024", "not a date"),
        ("Oct-2024", "not a date"),
        ("مهر ۱۴۰۳", "not a date"),
        ("12", "a number that is not a date"),
    ],
)
def test_unreadable_values(text, problem):
    r = read([text, "2023-01-01"])
    assert np.isnat(r.values[0])
    assert said(r.problem[0]) == problem
    assert r.values[1] == day("2023-01-01")


def test_day_first_proven_by_the_data():
    r = read(["31/01/2023", "05/02/2023", "01/03/2023"], column="Order date")
    assert list(r.values) == [day("2023-01-31"), day("2023-02-05"), day("2023-03-01")]
    assert words(r.notices) == ["Dates in 'Order date' read as day/month/year (1 of 3 values have a first part above 12)."]


def test_month_first_proven_by_the_data():
    r = read(["01/31/2023", "02/05/2023", "3/1/23"])
    assert list(r.values) == [day("2023-01-31"), day("2023-02-05"), day("2023-03-01")]
    assert "month/day/year" in words(r.notices)[0]


def test_ambiguous_dates_default_to_day_first_and_say_so():
    r = read(["01/02/2023", "03/04/2023"], column="Date")
    assert list(r.values) == [day("2023-02-01"), day("2023-04-03")]
    assert words(r.notices)[0].startswith("Dates in 'Date' read as day/month/year: none of the 2 values settles it")


def test_dayfirst_can_be_forced():
    r = read(["01/02/2023", "03/04/2023"], dayfirst=False)
    assert list(r.values) == [day("2023-01-02"), day("2023-03-04")]
    assert words(r.notices) == ["Dates in 'date' read as month/day/year as requested."]


def test_conflicting_evidence_majority_wins_and_others_are_reported():
    items = ["13/01/2023", "14/01/2023", "01/15/2023", "02/03/2023"]
    r = read(items)
    assert list(r.values) == [day("2023-01-13"), day("2023-01-14"), day("2023-01-15"), day("2023-03-02")]
    assert said(r.fixed.tolist()) == [None, None, "read as month/day/year: it cannot be day/month/year", None]
    assert "2 of 4 values" in words(r.notices)[0] and "1 value can only be the other order" in words(r.notices)[0]


def test_weights_count_rows_not_distinct_values():
    # one distinct month-first value carried by 5 rows beats two day-first values
    r = parse_dates(pd.Series(["13/01/2023", "14/01/2023", "01/15/2023"]), np.array([1, 1, 5]))
    assert r.values[2] == day("2023-01-15") and r.fixed[2] is None
    assert said(r.fixed[0]) == "read as day/month/year: it cannot be month/day/year"


def test_jalali_column_note():
    r = read(["۱۴۰۲/۰۱/۰۱", "۱۴۰۲/۰۱/۰۲"], column="تاریخ")
    assert list(r.values) == [day("2023-03-21"), day("2023-03-22")]
    assert words(r.notices) == ["Dates in 'تاریخ' are Solar Hijri (Jalali); 2 values converted to Gregorian "
                       "(e.g. ۱۴۰۲/۰۱/۰۱ = 2023-03-21)."]  # the column's first value, as written


@pytest.mark.parametrize(
    "text, expected",
    [
        # a Persian keyboard's zero-width non-joiner (Shift+Space) inside a month name, as
        # the Academy spells it, or left after the digits
        ("۱۰ اردی\u200cبهشت ۱۴۰۴", "2025-04-30"),
        ("۱۴۰۳/۰۷/۱۵\u200c", "2024-10-06"),
        ("\u200c۱۴۰۳/۰۷/۱۵ ۱۴:۳۰", "2024-10-06T14:30"),
    ],
)
def test_a_zero_width_non_joiner_in_a_jalali_date(text, expected):
    r = read([text])
    assert r.problem[0] is None
    assert r.values[0] == day(expected)


@pytest.mark.parametrize(
    "text, expected",
    [  # "mehr-month": a Jalali month name followed by ماه, with or without a space
        ("۱۵ مهرماه ۱۴۰۳", "2024-10-06"),
        ("۱۵ مهر ماه ۱۴۰۳", "2024-10-06"),
        ("۳۰ اسفند ماه ۱۴۰۳", "2025-03-20"),
        ("دوشنبه ۱۰ دی\u200cماه ۱۴۰۳ ۱۴:۳۰", "2024-12-30T14:30"),
    ],
)
def test_a_jalali_month_name_with_the_word_month(text, expected):
    r = read([text])
    assert r.problem[0] is None
    assert r.values[0] == day(expected)


def test_a_month_name_says_the_calendar_of_its_year():
    # Mehr is the 7th Jalali month, never July: a two-digit year with it is Jalali (۰۳ is
    # 1403, ۹۹ is 1399), and a Gregorian year with it, or a Jalali one with January, is no date
    r = read(["۱۵ مهر ۰۳", "۱۰ اسفند ۹۹", "۱۵ مهر ۲۰۲۴", "15 Jan 1403"])
    assert list(r.values[:2]) == [day("2024-10-06"), day("2021-02-28")]
    assert np.isnat(r.values[2:]).all()
    assert said(r.problem.tolist()[2:]) == ["year out of range (use 4-digit years from 1900 or Solar Hijri 1300-1500)"] * 2


@pytest.mark.parametrize(
    "text, expected",
    [  # the time after a dash, a Persian or Arabic comma, or the word for "at" (hour)
        ("۱۴۰۳/۰۷/۱۵ - ۱۴:۳۰", "2024-10-06T14:30"),
        ("۱۴۰۳/۰۷/۱۵، ۱۴:۳۰", "2024-10-06T14:30"),
        ("۱۵ مهر ۱۴۰۳ ساعت ۱۴:۳۰", "2024-10-06T14:30"),
        ("٢٠/٠٦/١٤٤٥ هـ الساعة ١٠:١٥", "2024-01-02T10:15"),
    ],
)
def test_the_time_after_a_dash_a_comma_or_the_word_hour(text, expected):
    r = read([text])
    assert r.problem[0] is None
    assert r.values[0] == day(expected)


@pytest.mark.parametrize(
    "text, expected",
    [  # the Syriac month names of Syria, Lebanon, Jordan, Palestine and Iraq, in one or two words
        ("15 كانون الثاني 2024", "2024-01-15"),
        ("15 شباط 2024", "2024-02-15"),
        ("3 آذار 2024", "2024-03-03"),
        ("٣ اذار ٢٠٢٤", "2024-03-03"),
        ("١٥ أيار ٢٠٢٤", "2024-05-15"),
        ("1 تشرين الأول 2024 10:30", "2024-10-01T10:30"),
        ("الثلاثاء، 31 كانون الأول 2024", "2024-12-31"),
        # and a Jalali month typed without its madda: آذر as اذر
        ("۱۵ اذر ۱۴۰۳", "2024-12-05"),
        # typed on a Persian keyboard (its kaf and ye), as an Iraqi Kurdish or Afghan shop may
        ("15 کانون الثانی 2024", "2024-01-15"),
    ],
)
def test_levantine_month_names(text, expected):
    r = read([text])
    assert r.problem[0] is None
    assert r.values[0] == day(expected)


@pytest.mark.parametrize(
    "text, expected",
    [  # Egypt's spelling of June and July, Morocco's months, and Algeria's and Tunisia's
        ("15 يونيه 2024", "2024-06-15"),
        ("١٥ يوليه ٢٠٢٤", "2024-07-15"),
        ("15 يوليوز 2024", "2024-07-15"),
        ("15 غشت 2024", "2024-08-15"),
        ("15 شتنبر 2024", "2024-09-15"),
        ("15 نونبر 2024", "2024-11-15"),
        ("15 دجنبر 2024", "2024-12-15"),
        ("15 جانفي 2024", "2024-01-15"),
        ("15 فيفري 2024", "2024-02-15"),
        ("15 أفريل 2024", "2024-04-15"),
        ("15 ماي 2024", "2024-05-15"),
        ("15 جوان 2024", "2024-06-15"),
        ("15 جويلية 2024", "2024-07-15"),
        ("15 أوت 2024", "2024-08-15"),
    ],
)
def test_egyptian_and_maghreb_month_names(text, expected):
    r = read([text])
    assert r.problem[0] is None
    assert r.values[0] == day(expected)


@pytest.mark.parametrize(
    "text, expected",
    [  # lunar Hijri month names, Arabic and Persian spellings, with or without the هـ mark
        ("٢٠ جمادى الآخرة ١٤٤٥ هـ", "2024-01-02"),
        ("٢٠ جمادى الآخرة ١٤٤٥", "2024-01-02"),
        ("1 رمضان 1445", "2024-03-11"),
        ("10 ذو الحجة 1445", "2024-06-16"),
        ("الأحد 12 ربيع الأول 1446هـ", "2024-09-15"),
        ("۱۰ ذی\u200cالحجه ۱۴۴۵", "2024-06-16"),
        ("1 محرم 1445", "2023-07-19"),
    ],
)
def test_lunar_hijri_month_names(text, expected):
    r = read([text])
    assert r.problem[0] is None
    assert r.values[0] == day(expected)
    assert r.lunar


@pytest.mark.parametrize(
    "text, expected",
    [  # "morning" and "evening", "before noon" and "after noon", written out in Arabic and Persian
        ("2024/01/02 10:15 مساءً", "2024-01-02T22:15"),
        ("٢٠٢٤/٠١/٠٢ ١٠:١٥ صباحاً", "2024-01-02T10:15"),
        ("2024/01/02 12:05 صباحا", "2024-01-02T00:05"),
        ("2024/01/02 09:05 صباحًا", "2024-01-02T09:05"),
        ("۱۴۰۳/۰۷/۱۵ ۰۲:۳۰ بعدازظهر", "2024-10-06T14:30"),
        ("۱۴۰۳/۰۷/۱۵ ۰۲:۳۰ بعد از ظهر", "2024-10-06T14:30"),
        ("۱۴۰۳/۰۷/۱۵ ۱۰:۳۰ قبل\u200cازظهر", "2024-10-06T10:30"),
    ],
)
def test_am_and_pm_in_words(text, expected):
    r = read([text])
    assert r.problem[0] is None
    assert r.values[0] == day(expected)


@pytest.mark.parametrize(
    "text, expected",
    [  # "م" (ميلادي) after a Gregorian year, as "هـ" after a Hijri one; after a time it is pm
        ("15/01/2024م", "2024-01-15"),
        ("١٥ يناير ٢٠٢٤م", "2024-01-15"),
        ("٢٠٢٤/٠١/١٥ م", "2024-01-15"),
        ("2024/01/02 10:15 م", "2024-01-02T22:15"),
        ("2024/01/02 10:15:30م", "2024-01-02T22:15:30"),
    ],
)
def test_the_gregorian_mark(text, expected):
    r = read([text])
    assert r.problem[0] is None
    assert r.values[0] == day(expected)


def test_jalali_day_first():
    r = read(["15/01/1402", "20/12/1401"])
    assert list(r.values) == [day("2023-04-04"), day("2023-03-11")]


def test_real_datetimes_and_serials_from_a_workbook():
    items = [dt.datetime(2023, 5, 1, 8, 30), dt.date(2023, 5, 2), 45000, 45000.75, "2023-05-03", None]
    r = read(items, dtype=object)
    assert list(r.values[:5]) == [day("2023-05-01T08:30"), day("2023-05-02"), day("2023-03-15"),
                                  day("2023-03-15T18:00"), day("2023-05-03")]
    assert np.isnat(r.values[5]) and r.problem[5] is None
    assert said(r.fixed.tolist()) == [None, None, None, None, "date typed as text", None]


#: a day/month/year export pasted into a spreadsheet set to month/day/year: 05/03/2024
#: (5 March) became the date 3 May; 13/03/2024 stayed text (it cannot be month/day/year)
PASTED = [dt.datetime(2024, 3, 5, 9, 15), dt.datetime(2024, 1, 1), 45360.0, dt.datetime(2024, 2, 7),
          dt.datetime(2024, 4, 11), dt.datetime(2024, 6, 12), "13/03/2024", "28/02/2024 10:00", "30/04/2024",
          "17/05/2024"]


def test_dates_a_month_first_spreadsheet_swapped_on_paste_are_swapped_back():
    r = read(PASTED, dtype=object, weights=np.array([2] + [1] * 9))
    assert list(r.values) == [day("2024-05-03T09:15"), day("2024-01-01"), day("2024-09-03"), day("2024-07-02"),
                              day("2024-11-04"), day("2024-12-06"), day("2024-03-13"), day("2024-02-28T10:00"),
                              day("2024-04-30"), day("2024-05-17")]  # serial 45360 is 2024-03-09: 03/09 month first
    assert said(r.fixed.tolist()[:6]) == ["a date with day and month swapped by the spreadsheet: swapped back"] * 6
    assert words(r.notices)[-1] == (
        "Dates in 'date': the text dates are all day/month/year that cannot be month/day/year, which is what a "
        "spreadsheet set to month/day/year leaves as text when it turns the others into dates with day and month "
        "swapped; 7 such dates were swapped back (e.g. 2024-03-05 09:15 read as 2024-05-03 09:15; see Data issues).")


def test_a_few_dates_are_not_enough_to_tell_a_paste():
    # 2 real dates and 1 text date: a workbook typed by hand as likely (9%) as a paste
    r = read([dt.datetime(2023, 1, 2), 44935, "15/01/2023"], dtype=object)
    assert list(r.values) == [day("2023-01-02"), day("2023-01-09"), day("2023-01-15")]
    # 5 real and 4 text dates: 0.13%, still taken as they are; the sixth real date tips it
    assert "date_swapped" not in [n.code for n in read(PASTED[1:], dtype=object).notices]


def test_the_orders_pasted_so_are_listed_as_fixed_and_land_in_their_months():
    from retention_xl.analysis.orders import clean_orders

    raw = pd.DataFrame({"Customer": list("abcdefghij"), "Order date": PASTED, "Total": [5.0] * 10})
    orders = clean_orders(raw)
    assert orders.frame["date"].dt.strftime("%Y-%m").tolist() == [
        "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-05", "2024-07", "2024-09", "2024-11", "2024-12"]
    fixed = orders.issues[orders.issues["problem"] == "excel_swapped"]
    assert fixed["row"].tolist() == [2, 3, 4, 5, 6, 7] and set(fixed["action"]) == {"fixed"}


def test_a_day_first_spreadsheet_swaps_month_first_text_the_other_way():
    real = [dt.datetime(2024, 4, 3), dt.datetime(2024, 5, 1), dt.datetime(2024, 6, 2), dt.datetime(2024, 7, 8),
            dt.datetime(2024, 9, 10), dt.datetime(2024, 11, 11)]
    r = read(real + ["12/25/2024", "01/13/2024", "02/29/2024", "03/30/2024"], dtype=object)
    assert list(r.values[:2]) == [day("2024-03-04"), day("2024-01-05")]
    assert r.values[6] == day("2024-12-25")
    assert [n.values["count"] for n in r.notices if n.code == "date_swapped"] == [6]


@pytest.mark.parametrize("items", [
    # a real date with a day above 12 cannot come from such a paste
    PASTED[:1] + [dt.datetime(2024, 3, 20)] + PASTED[1:],
    # text that the other order could read too was not left by such a paste
    PASTED + ["05/04/2024"],
    # text in another shape (ISO) was not left by such a paste
    PASTED + ["2024-03-13"],
    # no text date at all
    PASTED[:6],
    # Jalali text dates are text in any spreadsheet, whatever their order: a Persian sheet of
    # real dates beside Jalali ones typed day first (2024-03-05 became 2024-05-03)
    PASTED[:6] + ["15/07/1403", "20/08/1403", "25/09/1403", "18/10/1403"],
])
def test_real_dates_are_taken_as_they_are_unless_the_paste_explains_them(items):
    r = read(items, dtype=object)
    assert r.values[0] == day("2024-03-05T09:15")
    assert "date_swapped" not in [n.code for n in r.notices]


def test_serial_in_a_text_column_is_reported():
    r = read(["2023-05-01", "2023-05-02", 45000], dtype=object)
    assert r.values[2] == day("2023-03-15")
    assert said(r.fixed[2]) == "Excel serial number read as a date"


def test_numeric_column_of_serials_and_compact_dates():
    r = parse_dates(pd.Series([44927.0, 20230115.0, 5.0, np.nan]), column="d")
    assert list(r.values[:2]) == [day("2023-01-01"), day("2023-01-15")]
    assert said(r.problem[2]) == "a number that is not a date"
    assert np.isnat(r.values[3]) and r.problem[3] is None
    assert words(r.notices) == ["Dates in 'd' were Excel serial numbers (1 value, e.g. 44927 = 2023-01-01)."]


def test_compact_solar_hijri_numbers_are_read_as_their_text_is():
    # an Iranian accounting export read by pandas as int64: 14020115 is 1402/01/15 = 2023-04-04,
    # as the text "14020115" is; it was 1986-08-04 23:34:33.709551616 (year 1402 wrapped
    # around the nanosecond range), silently. A Gregorian year before 1900 is out of range,
    # as in text (18001231 was 1800-12-31)
    for values in (pd.Series([14020115, 14031112, 18001231]), pd.Series([14020115.0, 14031112.0, 18001231.0]),
                   pd.Series([14020115, 14031112, 18001231], dtype=object)):
        r = parse_dates(values, column="d")
        assert list(r.values[:2]) == [day("2023-04-04"), day("2025-01-31")]
        assert np.isnat(r.values[2]) and said(r.problem[2]) == said(parse_dates(pd.Series(["18001231"])).problem[0])
        assert [n.code for n in r.notices] == ["date_jalali"]


def test_datetime64_column_and_time_zones():
    r = parse_dates(pd.Series(pd.to_datetime(["2023-01-01 10:00", None])))
    assert r.values[0] == day("2023-01-01T10:00") and np.isnat(r.values[1])
    aware = pd.Series(pd.to_datetime(["2023-01-01 10:00"]).tz_localize("Asia/Tehran"))
    r = parse_dates(aware, column="When")
    assert r.values[0] == day("2023-01-01T10:00")
    assert words(r.notices) == ["Dates in 'When' carried a time zone (Asia/Tehran); their local times in it were kept."]


def test_lunar_hijri_dates_of_saudi_systems():
    # Umm al-Qura: 1445/06/20 is 2 January 2024 (as Jalali it would be 2066)
    r = parse_dates(pd.Series(["1445/06/20", "1445/07/01", "١٤٤٥/٠٨/١٥", "1445/13/01"]), column="التاريخ")
    assert [str(v)[:10] for v in r.values] == ["2024-01-02", "2024-01-13", "2024-02-25", "NaT"]
    assert said(r.problem[3]) == "not a valid date (no such day or time)"
    assert words(r.notices) == [("Dates in 'التاريخ' are lunar Hijri (Umm al-Qura); 3 values converted to Gregorian "
                                 "(e.g. 1445/06/20 = 2024-01-02).")]


def test_the_hijri_mark_makes_a_date_lunar_and_is_read_past():
    r = parse_dates(pd.Series(["20/06/1445 هـ", "1445/07/01هـ", "1403/07/01 هـ"]))
    assert [str(v)[:10] for v in r.values] == ["2024-01-02", "2024-01-13", "1983-04-14"]


def test_recent_jalali_years_stay_jalali_and_a_future_majority_is_lunar():
    assert str(parse_dates(pd.Series(["1403/01/01", "1402/05/17"])).values[0])[:10] == "2024-03-20"
    # one Jalali typo (1445) among Jalali dates stays Jalali: the majority decides
    r = parse_dates(pd.Series(["1402/05/17", "1403/01/01", "1445/01/01"]))
    assert str(r.values[2])[:10] == "2066-03-20"
    # weighted by rows: two distinct lunar values on 5 rows against a Jalali-looking one on 1
    r = parse_dates(pd.Series(["1445/06/20", "1445/07/01", "1404/01/01"]), np.array([3, 2, 1]))
    assert [str(v)[:10] for v in r.values[:2]] == ["2024-01-02", "2024-01-13"]


def test_the_calendar_decided_for_the_whole_column_is_the_one_a_slice_reads_in():
    # a slice of a Saudi column without its marked rows would be read as Jalali on its own
    alone = parse_dates(pd.Series(["1403/02/10", "1403/02/11"]))
    assert alone.lunar is False and str(alone.values[0])[:10] == "2024-04-29"
    told = parse_dates(pd.Series(["1403/02/10", "1403/02/11"]), lunar=True)
    assert told.lunar is True and [str(v)[:10] for v in told.values] == ["1982-11-25", "1982-11-26"]
    assert told.notices[-1].code == "date_hijri"
    assert parse_dates(pd.Series(["1445/06/20"]), lunar=False).values[0] == day("2066-09-10")
    assert parse_dates(pd.Series([44927])).lunar is None  # no text date: nothing decided


def test_datetimes_in_several_zones_keep_their_local_times():
    # a hand-made frame or a database driver: zones mixed, and beside naive values
    tehran = dt.timezone(dt.timedelta(hours=3, minutes=30))
    values = pd.Series([pd.Timestamp("2024-01-05 10:00", tz="UTC"), dt.datetime(2024, 2, 5, 23, 30, tzinfo=tehran),
                        dt.datetime(2024, 3, 5)], dtype=object)
    r = parse_dates(values, column="When")
    assert [str(v) for v in r.values] == ["2024-01-05T10:00:00.000000000", "2024-02-05T23:30:00.000000000",
                                          "2024-03-05T00:00:00.000000000"]
    assert list(r.problem) == [None, None, None]
    assert words(r.notices) == ["Dates in 'When' carried a time zone (UTC, UTC+03:30); their local times in it were kept."]


def test_text_dates_with_an_offset_say_the_offsets_their_days_were_counted_in():
    """'2023-03-31T22:00:00+00:00' is 31 March where it was written, 1 April in Tehran: the
    local time written is kept, as for a zoned column, and the note names each offset (in
    order of first appearance; +00, Z and GMT are UTC), where the text's offsets said nothing."""
    values = pd.Series(["2023-03-01T10:00:00+03:30", "2023-03-31T22:00:00+00:00", "2023-04-01 01:00:00+0330",
                        "2023-04-02 10:00:00+00", "2023-04-03T08:00:00Z", "2023-04-04 09:15-05:00", "2023-04-05"])
    r = parse_dates(values, column="When")
    assert [str(v)[:16] for v in r.values] == ["2023-03-01T10:00", "2023-03-31T22:00", "2023-04-01T01:00",
                                               "2023-04-02T10:00", "2023-04-03T08:00", "2023-04-04T09:15",
                                               "2023-04-05T00:00"]
    assert list(r.problem) == [None] * 7
    assert words(r.notices) == [("Dates in 'When' carried a time zone (UTC+03:30, UTC, UTC-05:00); "
                                 "their local times in it were kept.")]
    from retention_xl.wording import notice_text

    assert notice_text(r.notices[0], "ar") == ("تواريخ 'When' تحمل منطقة زمنية (UTC+03:30، UTC، UTC-05:00)؛ "
                                               "احتُفظ بأوقاتها المحلية فيها.")
    assert notice_text(r.notices[0], "fa") == ("تاریخ‌های «When» منطقه‌ی زمانی داشتند (UTC+03:30، UTC، UTC-05:00)؛ "
                                               "ساعت محلی آن‌ها در همان منطقه نگه داشته شد.")
    assert not parse_dates(pd.Series(["2023-04-05", "2023-04-06 10:00"])).notices  # no offset: no note


def test_a_column_of_zoned_datetimes_and_zoned_text_has_one_note():
    tehran = dt.timezone(dt.timedelta(hours=3, minutes=30))
    values = pd.Series([dt.datetime(2024, 2, 5, 23, 30, tzinfo=tehran), "2024-02-06 10:00:00+00:00"], dtype=object)
    r = parse_dates(values, column="When")
    assert [str(v)[:16] for v in r.values] == ["2024-02-05T23:30", "2024-02-06T10:00"]
    assert [(n.code, n.values["zones"]) for n in r.notices if n.code == "date_time_zone"] == [
        ("date_time_zone", ("UTC+03:30", "UTC"))]


def test_out_of_range_datetime():
    r = parse_dates(pd.Series([dt.datetime(1800, 1, 1)], dtype=object))
    assert said(r.problem[0]) == "date out of range (before 1900 or after 2200)"


def test_datetimes_nanoseconds_cannot_hold_are_out_of_range_not_wrapped():
    # year 1500 in a column of seconds, or as Python/numpy objects, overflows nanoseconds
    seconds = pd.Series(np.array(["2024-01-01", "1500-01-01"], dtype="datetime64[s]"))
    objects = pd.Series([dt.datetime(2024, 1, 1), dt.datetime(1500, 1, 1), np.datetime64("1000-01-01")],
                        dtype=object)
    for values in (seconds, objects):
        r = parse_dates(values)
        assert str(r.values[0]) == "2024-01-01T00:00:00.000000000"
        assert np.isnat(r.values[1:]).all()
        assert [said(p) for p in r.problem[1:]] == ["date out of range (before 1900 or after 2200)"] * (len(values) - 1)


def test_booleans_are_not_dates():
    assert said(parse_dates(pd.Series([True])).problem[0]) == "not a date (true/false)"


def test_empty_input():
    assert len(parse_dates(pd.Series([], dtype="str")).values) == 0


# ----------------------------------------------------------------- plain ISO fast path
@pytest.mark.parametrize(
    "texts",
    [
        ["2024-01-31", "2023-12-01", "2024-02-29"],
        ["2024-01-31 09:15", "2023-12-01 23:59", "2024-02-29 00:00"],
        ["2024-01-31 09:15:07", "2023-12-01 23:59:59"],
    ],
)
def test_plain_iso_columns_read_the_same_by_the_fast_path(texts, monkeypatch):
    from retention_xl.analysis import dates

    values = pd.Series(texts, dtype="str")
    fast = dates.parse_dates(values, column="d")
    monkeypatch.setattr(dates, "_plain_iso", lambda v: None)  # the general reader
    general = dates.parse_dates(values, column="d")
    assert np.array_equal(fast.values, general.values)
    assert words(fast.notices) == words(general.notices) and list(fast.problem) == list(general.problem)
    assert fast.values[0] == np.datetime64(texts[0].replace(" ", "T"))


@pytest.mark.parametrize(
    "texts",
    [
        ["2024-01-31", "31/01/2024"],  # mixed shapes
        ["2024-01-31", "2024-02-30"],  # no such day: the general reader reports it
        ["1402-01-15", "1402-02-01"],  # Solar Hijri years: converted by the general reader
        ["2024-01-31", "۲۰۲۴-۰۲-۰۱"],  # Persian digits
    ],
)
def test_other_columns_take_the_general_reader(texts):
    from retention_xl.analysis.dates import _plain_iso

    assert _plain_iso(pd.Series(texts, dtype="str")) is None


# ---------------------------------------------------------------- the notices' examples are the data's

@pytest.mark.parametrize("lang, sentence", [
    ("en", "Dates in 'Date' were Excel serial numbers (3 values, e.g. 45292 = 2024-01-01)."),
    ("ar", "تواريخ 'Date' كانت أرقامًا تسلسلية في Excel (عدد القيم 3، مثل 45292 = 2024-01-01)."),
    ("fa", "تاریخ‌های «Date» عدد سریال Excel بودند (3 مقدار، مثلاً 45292 = 2024-01-01)."),
])
def test_the_serials_notice_shows_the_columns_first_serial(lang, sentence):
    # /tmp/explore-cli/serial_dates.csv: 45292, 45300, 45350.5; 45292 is 2024-01-01 (44927 + 365)
    from retention_xl.wording import notice_text

    r = read([45292, 45300, 45350.5], column="Date")
    assert [notice_text(n, lang) for n in r.notices] == [sentence]


def test_a_serial_with_a_time_is_shown_with_it():
    (notice,) = read([45350.5, 45292], column="Date").notices
    assert (notice.values["serial"], notice.values["gregorian"]) == ("45350.5", "2024-02-28 12:00")


@pytest.mark.parametrize("lang, sentence", [
    ("en", "Dates in 'تاریخ' are Solar Hijri (Jalali); 6 values converted to Gregorian (e.g. ۱۴۰۲/۰۵/۱۷ = 2023-08-08)."),
    ("ar", "تواريخ 'تاریخ' هجرية شمسية (جلالية)؛ حُوّلت قيمها إلى الميلادي، وعددها 6 (مثل ۱۴۰۲/۰۵/۱۷ = 2023-08-08)."),
    ("fa", "تاریخ‌های «تاریخ» هجری شمسی (جلالی) هستند؛ 6 مقدار به میلادی تبدیل شد (مثلاً ۱۴۰۲/۰۵/۱۷ = 2023-08-08)."),
])
def test_the_jalali_notice_counts_only_the_dates_converted(lang, sentence):
    # /tmp/explore-cli/fa_jalali.csv: 7 dates, 1402/12/30 does not exist (1402 is not a leap
    # year: Esfand has 29 days) and is skipped; 1402/05/17 is 140 days after 1402/01/01 =
    # 2023-03-21, so 2023-08-08
    from retention_xl.wording import notice_text

    cells = ["۱۴۰۲/۰۵/۱۷", "۱۴۰۲/۰۵/۳۰", "۱۴۰۲/۰۶/۱۰", "۱۴۰۲/۰۷/۰۱", "۱۴۰۲/۰۷/۲۹", "۱۴۰۲/۱۲/۲۹", "۱۴۰۲/۱۲/۳۰"]
    r = read(cells, column="تاریخ")
    assert r.problem.tolist() == [None] * 6 + ["invalid_date"]
    assert [notice_text(n, lang) for n in r.notices] == [sentence]


def test_no_jalali_notice_when_no_date_was_converted():
    r = read(["1402/12/30"], column="Date")
    assert r.problem.tolist() == ["invalid_date"] and r.notices == []


def test_a_24_hour_clock_with_its_am_pm_mark_reads_as_the_hour_it_gives():
    # Magento writes dates as 'M j, Y H:i:s A': "Mar 15, 2024 15:22:10 PM"
    r = parse_dates(pd.Series(["Mar 15, 2024 15:22:10 PM", "Mar 15, 2024 03:22:10 PM", "Jan 5, 2024 00:30:00 AM",
                               "Jan 5, 2024 13:00 AM", "Jan 5, 2024 0:30 PM"]))
    assert pd.Series(r.values).dt.strftime("%Y-%m-%d %H:%M:%S").tolist()[:3] == [
        "2024-03-15 15:22:10", "2024-03-15 15:22:10", "2024-01-05 00:30:00"]
    assert r.problem.tolist() == [None, None, None, "invalid_date", "invalid_date"]  # 13 AM, 0 PM contradict


def test_a_timestamp_with_a_whole_hour_offset_as_postgresql_writes_it_is_a_date():
    """A CSV exported from PostgreSQL (COPY, psql's \\copy) writes a timestamptz as
    '2024-01-31 22:30:00+00' or '... 09:15:00-05': an offset of whole hours in two digits.
    Every such row was 'not a date' and skipped; now read at the local time written, as
    '+03:30' and '+0000' already were."""
    r = parse_dates(pd.Series(["2024-01-31 22:30:00+00", "2024-02-01 09:15:00-05", "2024-02-01 00:10:00+03:30",
                               "2024-03-01 08:00:00.25+00", "2024-01-31-05"]))
    assert [str(v) for v in r.values] == ["2024-01-31T22:30:00.000000000", "2024-02-01T09:15:00.000000000",
                                          "2024-02-01T00:10:00.000000000", "2024-03-01T08:00:00.000000000", "NaT"]
    assert r.problem.tolist() == [None, None, None, None, "not_a_date"]
