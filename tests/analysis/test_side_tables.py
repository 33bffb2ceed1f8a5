"""Survey answers and contact logs read like the orders: columns by header, ids and dates in any script."""

import numpy as np
import pandas as pd
import pytest

from order_tables import said
from retention_xl.analysis.side_tables import clean_contact_log, clean_survey
from retention_xl.errors import MissingColumns, UnknownColumn


def test_survey_columns_found_by_their_english_names():
    s = clean_survey(pd.DataFrame({"Customer ID": ["c1"], "Submitted at": ["2024-05-02"], "NPS": [9],
                                   "CSAT": [4], "CES": [6], "Comments": ["fine"]}))
    assert dict(s.columns) == {"customer": "Customer ID", "date": "Submitted at", "score": "NPS",
                               "satisfaction": "CSAT", "effort": "CES", "comment": "Comments"}
    row = s.frame.iloc[0]
    assert (row["customer"], row["date"], row["score"], row["satisfaction"], row["effort"], row["comment"]) == (
        "c1", pd.Timestamp("2024-05-02"), 9.0, 4.0, 6.0, "fine")


def test_arabic_and_persian_headers_digits_and_jalali_dates():
    ar = clean_survey(pd.DataFrame({"العميل": ["٤٢"], "التاريخ": ["2024-05-02"], "التقييم": ["٧"], "تعليق": ["جيد"]}))
    assert ar.frame[["customer", "score", "comment"]].values.tolist() == [["42", 7.0, "جيد"]]
    fa = clean_survey(pd.DataFrame({"مشتری": ["۱۲۳"], "تاریخ": ["۱۴۰۲/۱۰/۱۵"], "امتیاز": ["۱۰"], "رضایت": [5]}))
    assert fa.frame["customer"].tolist() == ["123"]
    assert fa.frame["date"].tolist() == [pd.Timestamp("2024-01-05")]  # 15 Dey 1402
    assert [n.code for n in fa.notices] == ["date_jalali"]


def test_ids_are_written_as_the_orders_write_them():
    log = clean_contact_log(pd.DataFrame({"Customer": [123.0, " c\u200f7 "], "Date": ["2024-01-01", 45292.0]}))
    assert log.frame["customer"].tolist() == ["123", "c7"]
    assert log.frame["date"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-01")]


def test_keys_match_the_orders_keys_exactly():
    """The same function makes both keys, so a survey answer finds its customer's orders."""
    from retention_xl.analysis.orders import clean_orders

    cells = ["Ann@Shop.com", "۱۲۳", " c\u200f7 "]
    orders = clean_orders(pd.DataFrame({"Customer": cells, "Date": ["2024-01-01"] * 3, "Total": [1, 2, 3]}))
    survey = clean_survey(pd.DataFrame({"Customer": cells, "Date": ["2024-01-02"] * 3, "Score": [9, 3, 7]}))
    assert sorted(survey.frame["customer"]) == sorted(orders.frame["customer"]) == ["123", "ann@shop.com", "c7"]


def test_answers_outside_their_scale_and_rows_without_an_answer_are_skipped_and_listed():
    raw = pd.DataFrame({
        "Date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "", "2024-01-07", None],
        "Score": [11, 7.5, 9, None, 10, 8, "ten", None],
        "Satisfaction": [None, None, 6, None, 5, None, None, None],
        "Effort": [None, None, None, None, 0, None, None, None],
        "Comment": ["", "", "", "no score", "", "", "", None],
    })
    s = clean_survey(raw)
    assert s.frame["row"].tolist() == []
    issues = s.issues
    assert issues[["row", "column", "problem"]].values.tolist() == [
        [2, "Score", "answer_out_of_scale"], [3, "Score", "answer_out_of_scale"],
        [4, "Satisfaction", "answer_out_of_scale"], [5, "", "no_answer"],
        [6, "Effort", "answer_out_of_scale"], [7, "Date", "missing_date"], [8, "Score", "not_a_number"],
        [9, "", "blank_row"]]
    assert said(issues["problem"] + ":" + issues["detail"])[:3] == [
        "not a whole number from 0-10", "not a whole number from 0-10", "not a whole number from 1-5"]
    assert s.skipped_rows == 8 and s.n_input_rows == 8


def test_an_answer_needs_no_customer_but_a_contact_does():
    s = clean_survey(pd.DataFrame({"Date": ["2024-01-01"], "Score": [3]}))
    assert s.frame["customer"].tolist() == [""] and s.column("customer") is None
    log = clean_contact_log(pd.DataFrame({"Customer": ["", "x"], "Date": ["2024-01-01", "2024-01-02"],
                                          "Channel": ["phone", None]}))
    assert log.frame[["customer", "channel"]].values.tolist() == [["x", ""]]
    assert log.issues[["row", "problem"]].values.tolist() == [[2, "missing_customer"]]


def test_missing_columns_name_the_table_and_the_headers_it_would_recognise():
    with pytest.raises(MissingColumns, match="could not tell which column holds the date") as e:
        clean_survey(pd.DataFrame({"Score": [9]}), source="survey.csv")
    assert (e.value.table, e.value.roles) == ("survey", ("date",))
    assert str(e.value).startswith("survey.csv: ")
    with pytest.raises(MissingColumns, match="the score or satisfaction or effort") as e:
        clean_survey(pd.DataFrame({"Date": ["2024-01-01"], "Remarks": ["x"]}))
    assert e.value.roles == ("score", "satisfaction", "effort")
    with pytest.raises(MissingColumns, match="customer") as e:
        clean_contact_log(pd.DataFrame({"Date": ["2024-01-01"]}))
    assert e.value.table == "contacts"
    with pytest.raises(UnknownColumn, match="no column 'Mood' for the score"):
        clean_survey(pd.DataFrame({"Date": ["2024-01-01"], "Score": [9]}), score="Mood")


def test_named_columns_win_over_detection_and_are_matched_loosely():
    s = clean_survey(pd.DataFrame({"Score": [1], "Likelihood": [9], "Date": ["2024-01-01"]}), score=" likelihood")
    assert s.column("score") == "Likelihood" and s.frame["score"].tolist() == [9.0]


def test_dates_fixed_while_reading_are_listed_as_fixed():
    s = clean_survey(pd.DataFrame({"Date": ["25/01/2024", "03/02/2024"], "Score": [9, 10]}))
    assert s.frame["date"].tolist() == [pd.Timestamp("2024-01-25"), pd.Timestamp("2024-02-03")]
    assert [n.code for n in s.notices] == ["date_order"]
    assert np.all(s.issues["action"] != "skipped")


def test_an_answer_off_a_whole_number_by_float_rounding_is_that_answer():
    # a score computed as =0.3*10 is 3.0000000000000004: the report skipped it as "not a
    # whole number from 0-10" while Excel shows 3 (and NPS() counts it as 3)
    s = clean_survey(pd.DataFrame({"Date": ["2024-01-01", "2024-01-02"], "Score": [0.1 * 3 * 10, 7.5]}))
    assert s.frame["score"].tolist() == [3.0]
    assert s.issues[["row", "column", "problem"]].values.tolist() == [[3, "Score", "answer_out_of_scale"]]
