"""The report's words: the same labels and placeholders in every language, and English that counts right."""

import collections
import re
import string

import pytest

from retention_xl.analysis.notices import Notice
from retention_xl.labels import LANGUAGES, labels_for
from retention_xl.wording import notice_text


def fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_label_with_the_same_placeholders():
    keys = {lang: {k for k in labels_for(lang) if not k.endswith(".one")} for lang in LANGUAGES}
    assert keys["ar"] == keys["en"] and keys["fa"] == keys["en"]
    for key in keys["en"]:
        english = fields(labels_for("en")[key])
        for lang in ("ar", "fa"):
            assert fields(labels_for(lang)[key]) == english, (lang, key)


def test_a_singular_sentence_uses_only_its_notices_values():
    for lang in LANGUAGES:
        words = labels_for(lang)
        for key in (k for k in words if k.endswith(".one")):
            assert fields(words[key]) <= fields(words[key.removesuffix(".one")]) | {"count"}, (lang, key)


@pytest.mark.parametrize("key", sorted(k for k in labels_for("en") if k.startswith("notice.")
                                       and re.search(r"\{count[:}]", labels_for("en")[k]) and not k.endswith(".one")))
def test_a_notice_that_counts_has_its_english_singular(key):
    # "1 orders (5.00) are not sales" was what a single cancelled order read like
    assert f"{key}.one" in labels_for("en")


def test_one_cancelled_order_reads_in_the_singular():
    notice = Notice("statuses_excluded", column="Status", count=1, value=5.0, statuses=(("cancelled", 1),),
                    kept=(("paid", 3),), tally=())
    assert notice_text(notice, "en") == ("Statuses in 'Status': 1 order (5.00) is not a sale and was left out: "
                                         "cancelled (1). Counted as sales: paid (3).")


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_numbers_in_arabic_and_persian_sentences_are_written_as_the_cells_write_them(lang):
    # A sentence read "۱ سفارش از 2 ردیف": its fixed words had Persian digits, its counts the
    # digits 0-9 of Python's formatting and of the cells beside it. Every number is 0-9 now;
    # only the example of what the cleaning reads as 0-9 ('۱۲۳' = '123') keeps its digits.
    eastern = re.compile("[\u0660-\u0669\u06f0-\u06f9\u066a]")
    for key, text in labels_for(lang).items():
        assert not eastern.search(text.replace("'۱۲۳'", "")), (lang, key, text)


def test_an_arabic_count_is_not_followed_by_a_noun_that_agrees_with_some_numbers_only():
    # "5 عميلًا", "100 طلبًا": the noun after an Arabic number changes with the number (3-10,
    # 11-99, 100 ...), so a count stands after a colon or after "عددها" instead
    counts = ("count|orders|lines|returns|full|other|proof|total|shown|left_out|sheet_rows|in_plan|this_week|"
              "at_risk|lost|flagged|used|unknown|rows|skipped|with_customer|matched|documents|answers|min_answers|"
              "gap|days|needed|window|quiet|follow_up")  # counted, computed from the data, or a setting
    nouns = ("طلب", "سطر", "صف", "عميل", "قيمة", "إجابة", "رقم", "معرّف", "مبلغ", "تواصل", "يوم", "أيام")
    for key, text in labels_for("ar").items():
        for m in re.finditer(r"\{(?:" + counts + r")(?::[^}]*)?\}\s*(\S+)", text):
            word = m.group(1)
            assert not word.endswith("ًا") and not word.startswith(nouns), (key, m.group(0))


def test_a_persian_sentence_keeps_no_english_word_its_arabic_one_translates():
    # The Persian note on repeated rows pointed to "(Excel: Data > Remove Duplicates)" where the
    # Arabic one names Excel's menu in its own language; a name, a code or a flag stays in
    # Latin letters in both (Excel, NPS, --contacts), a word of Excel's menus in neither.
    ar, fa = labels_for("ar"), labels_for("fa")

    def latin_words(text: str) -> collections.Counter:
        return collections.Counter(re.findall(r"[A-Za-z][A-Za-z-]+", re.sub(r"\{[^}]*\}", "", text)))

    for key, text in fa.items():
        assert not latin_words(text) - latin_words(ar[key]), (key, text)


@pytest.mark.parametrize("lang", ["en", "ar", "fa"])
def test_the_customers_tables_headings_and_segment_names_are_distinct(lang):
    # they name the columns and values of the full customer table beside the workbook: two
    # columns under one heading would be one column there
    from retention_xl.layout.segments import customer_columns, segment_names

    headings = [c.header for c in customer_columns(lang, 12)]
    assert len(set(headings)) == len(headings)
    assert len(set(segment_names(lang).values())) == len(segment_names(lang)) == 11
