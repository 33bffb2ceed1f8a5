"""The language of the words a formula spills: its last argument, the ranges' headings, their script."""

import datetime as dt

import pytest

from retention_xl import udfs
from retention_xl.excel.formula_language import formula_language
from retention_xl.labels import labels_for

IDS = [["a"], ["a"], ["b"], ["b"], ["c"]]
DATES = [[dt.datetime(2024, 1, 5)], [dt.datetime(2024, 3, 1)], [dt.datetime(2024, 1, 20)],
         [dt.datetime(2024, 2, 2)], [dt.datetime(2024, 2, 10)]]
AMOUNTS = [[10.0], [20.0], [30.0], [40.0], [50.0]]


@pytest.mark.parametrize(("lang", "header"), [
    ("en", ["Cohort", "Size"]), ("ar", ["الفوج", "الحجم"]), ("fa", ["کوهورت", "اندازه"]),
    (" FA ", ["کوهورت", "اندازه"]), ("auto", ["Cohort", "Size"]), ("", ["Cohort", "Size"]),
])
def test_cohort_spills_its_headers_in_the_language_asked_for(lang, header):
    # every workbook read "Cohort", "Size" above an Arabic or Persian user's cohorts
    out = udfs.COHORT(IDS, DATES, None, None, None, None, lang)
    assert out[0] == [*header, "P0", "P1", "P2"]  # period columns stay P0, P1 ... as in the report
    assert out[1] == ["2024-01", 2.0, 1.0, 0.5, 0.5]


def test_an_unknown_language_is_a_value_error_naming_the_choices():
    assert udfs.COHORT(IDS, DATES, None, None, None, None, "de") == \
        '#VALUE! language must be en, ar or fa (or blank), got "de"'
    assert udfs.COHORT(IDS, DATES, None, None, None, None, "#N/A") == "#N/A"


def test_a_whole_column_speaks_the_language_of_its_heading():
    ids = [["رقم العميل"], *IDS, [None], [None]]
    dates = [["تاريخ الطلب"], *DATES, [None], [None]]
    assert udfs.COHORT(ids, dates)[0][:2] == ["الفوج", "الحجم"]
    # an English heading over Arabic names stays English: the heading is the sheet's language
    names = [["Customer"], ["علی"], ["علی"], ["مریم"], ["مریم"], ["سارا"]]
    assert udfs.COHORT(names, [["Order date"], *DATES])[0][:2] == ["Cohort", "Size"]


def test_a_table_column_without_heading_speaks_the_language_of_its_text():
    names = [["علی"], ["علی"], ["مریم"], ["مریم"], ["سارا"]]
    assert udfs.COHORT(names, DATES)[0][:2] == ["کوهورت", "اندازه"]
    assert udfs.COHORT([["أحمد"], ["أحمد"], ["سالم"], ["سالم"], ["هدى"]], DATES)[0][:2] == ["الفوج", "الحجم"]


def test_contact_plan_headers_and_words_follow_the_language():
    words = labels_for("fa")
    plan = udfs.CONTACT_PLAN(IDS, DATES, AMOUNTS, None, None, None, None, "fa")
    assert plan[0][:4] == [words["col.priority"], words["col.customer"], words["col.status"], words["col.plan_action"]]
    statuses = {words[k] for k in words if k.startswith("status.")}
    assert plan[1:] and all(row[2] in statuses for row in plan[1:])
    english = udfs.CONTACT_PLAN(IDS, DATES, AMOUNTS)
    assert english[0][:4] == ["Priority", "Customer", "Status", "Action"]


def test_sbg_retention_reads_the_heading_above_its_counts():
    out = udfs.SBG_RETENTION([["المشتركون"], [1000.0], [631.0], [468.0], [382.0], [326.0]], 0)
    assert out[0] == ["الفترة", "المشتركون الباقون", "نسبة الاحتفاظ"]
    assert udfs.SBG_RETENTION([[1000.0], [631.0], [468.0]], 0, "fa")[0] == ["دوره", "مشترکان باقی‌مانده", "نرخ نگهداشت"]


@pytest.mark.parametrize(("ranges", "lang"), [
    (([["C1"]], [["1403/01/15"]]), "en"),
    (([["C1"]], [["۱۴۰۳/۰۱/۱۵"]]), "fa"),
    (([["C1"]], [["١٤٤٥/٠١/١٥"]]), "ar"),
    (([["Customer ID"], [1001.0]], [["Date"], [45000.0]]), "en"),
    (([["کد مشتری"], [1001.0]],), "fa"),
    (([["مشتری"], [1001.0]], [None]), "fa"),
    ((None, [[None]]), "en"),
])
def test_the_language_found_in_the_ranges(ranges, lang):
    assert formula_language(None, *ranges) == lang


def test_jalali_dates_in_latin_digits_speak_persian():
    # =COHORT(Orders[Customer], Orders[Order date]) over "1402/10/15": Jalali cohorts under English headers
    ids, dates = [["a"], ["b"], ["a"]], [["1402/10/15"], ["1402/11/20"], ["1402/11/25"]]
    assert udfs.COHORT(ids, dates, None, "customers")[0] == ["کوهورت", "اندازه", "P0", "P1"]
    assert udfs.CONTACT_PLAN(ids, dates, [[10.0], [20.0], [30.0]])[0][0] == labels_for("fa")["col.priority"]
    assert udfs.COHORT(ids, dates, None, "customers", None, None, "en")[0][:2] == ["Cohort", "Size"]
    # Gregorian dates in the same form stay English
    assert udfs.COHORT(ids, [["2024/01/05"], ["2024/02/09"], ["2024/02/14"]])[0][:2] == ["Cohort", "Size"]
