"""Reading numbers the way order exports write them."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from order_tables import said
from retention_xl.analysis.numerals import clean_string, clean_text, currency_code, digit_script, parse_numbers


def values(items, dtype=None):
    return parse_numbers(pd.Series(items, dtype=dtype))


def test_clean_text_digits_marks_and_spaces():
    got = clean_text(pd.Series(["\u200f۱۲۳\u00a0", " ٤٥  6 ", "a\u200eb", "plain", None], dtype="str"))
    assert got.tolist()[:4] == ["123", "45 6", "ab", "plain"]
    assert pd.isna(got.iloc[4])


def test_clean_string_matches_clean_text():
    assert clean_string("\u061c ۱۴۰۲/۰۱/۱۵\u202f ") == "1402/01/15"


def test_digit_script_names_the_digits():
    assert digit_script(pd.Series(["۱۲", "3"])) == "persian"
    assert digit_script(pd.Series(["١٢"])) == "arabic_indic"
    assert digit_script(pd.Series(["١", "۲"])) == "persian_and_arabic_indic"
    assert digit_script(pd.Series(["12", None])) is None
    assert digit_script(pd.Series([12.0, "x"], dtype=object)) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234.5", 1234.5),
        ("1,234.50", 1234.5),
        ("  42 ", 42.0),
        ("$1,234", 1234.0),
        ("-$5", -5.0),
        ("$-5", -5.0),
        ("USD 12.30", 12.3),
        ("12.30 usd", 12.3),
        ("SAR 45", 45.0),
        ("٣٤٫٥ ر.س", 34.5),
        ("١٬٢٣٤٫٥٠", 1234.5),
        ("۱۲٬۵۰۰ تومان", 12500.0),
        ("۲۵۰٬۰۰۰ ریال", 250000.0),
        ("100 د.إ", 100.0),
        ("€ 99", 99.0),
        ("£7.5", 7.5),
        ("1 234 567", 1234567.0),
        ("1\u00a0234", 1234.0),
        ("\u200f٥٠\u200f", 50.0),
        ("۱۲۵۰۰۰۰\u200c", 1250000.0),  # a zero-width non-joiner typed after the digits
        ("۱۲۵۰۰\u200cتومان", 12500.0),
        ("۱،۲۵۰،۰۰۰ ریال", 1250000.0),  # the Arabic comma an Arabic or Persian keyboard types
        ("+8", 8.0),
        ("\u22127", -7.0),
        ("0", 0.0),
    ],
)
def test_one_value(text, expected):
    r = values([text])
    assert r.values[0] == pytest.approx(expected)
    assert r.problem[0] is None


@pytest.mark.parametrize(
    "text, expected, fixed",
    [
        ("(12.00)", -12.0, "accounting negative read as -12"),
        ("($1,200.50)", -1200.5, "accounting negative read as -1200.5"),
        ("12.00-", -12.0, "trailing minus read as -12"),
        ("-", 0.0, "dash read as 0 (Excel's accounting format)"),
    ],
)
def test_accounting_forms_are_read_and_reported(text, expected, fixed):
    r = values([text, "1.00"])
    assert r.values[0] == expected
    assert said(r.fixed[0]) == fixed
    assert r.fixed[1] is None


@pytest.mark.parametrize("text", ["abc", "12 apples", "1.2.3,4,5", "#N/A", "nan", "inf", "--5"])
def test_unreadable_text_is_a_problem(text):
    r = values([text, "3"])
    assert np.isnan(r.values[0])
    assert said(r.problem[0]) == "not a number"
    assert r.values[1] == 3.0


def test_blank_text_is_neither_value_nor_problem():
    r = values(["", "  ", None, "5"], dtype="str")
    assert np.isnan(r.values[:3]).all()
    assert list(r.problem[:3]) == [None, None, None]


def test_decimal_comma_column():
    r = values(["1.234,50", "12,5", "1.234", "7", "3.5"])
    assert r.decimal_comma
    assert r.values.tolist() == [1234.5, 12.5, 1234.0, 7.0, 3.5]
    # "3.5" only makes sense with a decimal point: read so, and said so
    assert said(r.fixed.tolist()) == [None, None, None, None, "decimal point in a column that uses decimal commas"]


def test_decimal_point_column_keeps_ambiguous_values_as_thousands():
    r = values(["1,234", "12.50", "2,000.25"])
    assert not r.decimal_comma
    assert r.values.tolist() == [1234.0, 12.5, 2000.25]


def test_a_column_that_settles_nothing_takes_the_tables_decimal_comma_or_says_it_took_a_point():
    # "1.000" and whole numbers: a thousand in a European export, one dinar and no fils in Kuwait
    alone = values(["1.000", "0", "2.500"])
    assert alone.values.tolist() == [1.0, 0.0, 2.5] and not alone.decimal_comma
    assert alone.point_assumed == "1.000"
    hinted = parse_numbers(pd.Series(["1.000", "0", "2.500"]), comma_hint=True)
    assert hinted.values.tolist() == [1000.0, 0.0, 2500.0] and hinted.decimal_comma and hinted.settled_by_table
    assert hinted.point_assumed is None
    # a column with its own evidence keeps it, whatever the hint
    own = parse_numbers(pd.Series(["1.000", "12.50"]), comma_hint=True)
    assert own.values.tolist() == [1.0, 12.5] and not own.decimal_comma and own.point_assumed is None
    assert values(["12", "7"]).point_assumed is None  # nothing ambiguous, nothing to say


@pytest.mark.parametrize("written", [["۱.۰۰۰", "۰", "۲.۵۰۰"], ["1.000 تومان", "0 تومان", "2.500 تومان"],
                                     ["١.٠٠٠ ر.س", "٠", "٢.٥٠٠ ر.س"]])
def test_a_column_that_settles_nothing_in_persian_digits_or_with_a_currency_is_told_as_in_plain_digits(written):
    # Persian or Arabic digits, or a currency mark, took another path: "۱.۰۰۰" was read as 1
    # without a word, and with the table's decimal comma still as 1 (not a thousand)
    alone = values(written)
    assert alone.values.tolist() == [1.0, 0.0, 2.5] and alone.point_assumed == written[0]
    hinted = parse_numbers(pd.Series(written), comma_hint=True)
    assert hinted.values.tolist() == [1000.0, 0.0, 2500.0] and hinted.decimal_comma and hinted.settled_by_table


def test_the_arabic_decimal_sign_settles_its_value():
    r = parse_numbers(pd.Series(["۱٫۰۰۰", "۰"]), comma_hint=True)
    assert r.values.tolist() == [1.0, 0.0] and r.point_assumed is None and not r.decimal_comma


def test_the_arabic_separators_keep_their_meaning_in_a_decimal_comma_column():
    # "١٬٢٥٠" is 1,250 whatever the column's other values say ("1.234,50" made it 1.25)
    r = values(["١٬٢٥٠", "1.234,50", "١٬٠٠٠", "12,5", "۱٫۵"])
    assert r.decimal_comma
    assert r.values.tolist() == [1250.0, 1234.5, 1000.0, 12.5, 1.5]
    assert r.fixed.tolist() == [None] * 5  # written as they are meant: nothing to say


def test_decimal_comma_minority_is_read_and_reported():
    r = values(["12.50", "3.75", "4,5"])
    assert not r.decimal_comma
    assert r.values.tolist() == [12.5, 3.75, 4.5]
    assert said(r.fixed[2]) == "decimal comma in a column that uses decimal points"


def test_weights_decide_the_separator():
    items = ["1,5", "2.25"]
    assert parse_numbers(pd.Series(items), np.array([10, 1])).decimal_comma
    assert not parse_numbers(pd.Series(items), np.array([1, 10])).decimal_comma


def test_numbers_pass_through():
    r = values([1, 2.5, -3])
    assert r.values.tolist() == [1.0, 2.5, -3.0]
    r = parse_numbers(pd.Series([1.0, np.nan, np.inf]))
    assert r.values[0] == 1.0 and np.isnan(r.values[1]) and said(r.problem[2]) == "not a finite number"


def test_mixed_cells_from_a_workbook():
    r = values([1, 2.5, "3", None, True, "(4)", 7], dtype=object)
    assert r.values[:3].tolist() == [1.0, 2.5, 3.0]
    assert r.values[5] == -4.0
    # mostly real numbers: a number typed as text is worth a word, as in Excel
    assert said(r.fixed[2]) == "number stored as text"
    assert said(r.fixed[5]) == "accounting negative read as -4"
    assert r.fixed[0] is None and r.fixed[6] is None
    assert said(r.problem[4]) == "not a number"
    assert np.isnan(r.values[3]) and r.problem[3] is None


def test_text_numbers_in_a_mostly_text_column_are_not_reported():
    r = values(["3", "4", 5], dtype=object)
    assert r.values.tolist() == [3.0, 4.0, 5.0]
    assert said(r.fixed.tolist()) == [None, None, None]


def test_currencies_are_listed_in_order_of_appearance():
    r = values(["SAR 10", "ر.س 5", "$3", "SAR 1"])
    assert r.currencies == ["SAR", "ر.س", "$"]
    assert values(["10", "5"]).currencies == []


@pytest.mark.parametrize("text, code", [
    ("١٢٬٥٠٠ د.ع", "iqd"), ("IQD 12,500", "iqd"), ("١٢٬٥٠٠ ل.س", "syp"), ("١٢٬٥٠٠ ل.ل", "lbp"),
    ("١٢٬٥٠٠ د.ت", "tnd"), ("١٢٬٥٠٠ د.م.", "mad"), ("١٢٬٥٠٠ د.ج", "dzd"), ("١٢٬٥٠٠ ل.د", "lyd"),
    ("١٢٬٥٠٠ ر.ي", "yer"), ("١٢٬٥٠٠ ج.س", "sdg"), ("۱۲٬۵۰۰ ؋", "afn"),
])
def test_the_marks_of_arab_currencies_beyond_the_gulf(text, code):
    # Iraq, Syria, Lebanon, the Maghreb, Libya, Yemen, Sudan, Afghanistan: the amount is
    # read (it was "not a number" and the order was skipped) and the mark names its currency
    r = values([text])
    assert r.values[0] == 12500.0 and r.problem[0] is None
    assert [currency_code(m) for m in r.currencies] == [code]


@pytest.mark.parametrize("text, code", [
    ("١٠٠ ريال سعودي", "sar"), ("١٠٠ درهم إماراتي", "aed"), ("١٠٠ درهم اماراتي", "aed"), ("١٠٠ جنيه مصري", "egp"),
    ("١٠٠ دينار كويتي", "kwd"), ("١٠٠ دينار عراقي", "iqd"), ("١٠٠ ليرة تركية", "try"), ("١٠٠ ريال عماني", "omr"),
    ("١٠٠ ريال قطري", "qar"), ("١٠٠ دولار أمريكي", "usd"), ("۱۰۰ ریال ایران", "irr"), ("۱۰۰ دلار آمریکا", "usd"),
    ("١٠٠ دينار أردني", "jod"), ("ريال سعودي ١٠٠", "sar"),
])
def test_a_currency_named_with_its_country(text, code):
    # "100 Saudi riyals", as Arabic writes an amount in words: it was not a number
    r = values([text])
    assert r.values[0] == 100.0 and r.problem[0] is None
    assert [currency_code(m) for m in r.currencies] == [code]


def test_decimal_and_fraction_money_is_read_as_numbers():
    # what a database driver or a Parquet decimal column gives pandas for money
    r = values([Decimal("10.00"), Decimal("-2.50"), Fraction(1, 4), Decimal("Infinity"), np.float32(1.5)], dtype=object)
    assert r.values[:3].tolist() == [10.0, -2.5, 0.25] and r.values[4] == 1.5
    assert said(r.problem.tolist()) == [None, None, None, "not a finite number", None]


def test_booleans_are_not_numbers():
    r = parse_numbers(pd.Series([True, False]))
    assert said(r.problem.tolist()) == ["not a number (true/false)"] * 2


def test_empty_input():
    r = parse_numbers(pd.Series([], dtype="str"))
    assert len(r.values) == 0
