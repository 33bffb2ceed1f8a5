"""Survey answers joined to customers and trended: NPS per month and per segment by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from retention_xl.analysis.feedback import survey_feedback
from retention_xl.analysis.side_tables import clean_survey
from retention_xl.errors import InvalidValue

Z95 = 1.959963984540054  # the two-sided 95% normal quantile


def survey(rows, columns=("Customer", "Date", "Score", "Satisfaction", "Effort", "Comment")):
    return clean_survey(pd.DataFrame(rows, columns=list(columns)))


def month_rows():
    jan = ([("", "2024-01-10", 10, 5, 5, "")] * 15 + [("", "2024-01-11", 8, 4, 5, "")] * 3
           + [("", "2024-01-12", 8, 3, 5, "")] * 6 + [("", "2024-01-13", 3, 2, 5, "")] * 6)
    feb = [("", "2024-02-02", 10, None, None, "")] * 12
    apr = [("", "2024-04-20", 10, None, None, "")] * 30
    return jan + feb + apr


NO_CUSTOMERS = pd.DataFrame({"segment": pd.Series([], dtype=str), "predicted_clv": [], "clv": []})


def test_nps_per_month_with_its_margin_and_too_few_answers_left_empty():
    fb = survey_feedback(survey(month_rows()), NO_CUSTOMERS, "M")
    t = fb.trend.set_index("period")
    assert t.index.tolist() == ["2024-01", "2024-02", "2024-03", "2024-04"]  # March: no answers, still listed
    # January: 15 promoters, 9 passives, 6 detractors of 30: NPS = 50% - 20% = 30
    jan = t.loc["2024-01"]
    assert (jan["answers"], jan["promoters"], jan["passives"], jan["detractors"]) == (30, 0.5, 0.3, 0.2)
    assert jan["nps"] == pytest.approx(30)
    assert jan["nps_moe"] == pytest.approx(Z95 * math.sqrt((0.5 + 0.2 - 0.3 ** 2) / 30) * 100)  # 27.95
    assert jan["nps_moe"] == pytest.approx(27.948, abs=1e-3)
    assert jan["csat"] == pytest.approx(18 / 30) and jan["csat_answers"] == 30  # 15 fives, 3 fours
    assert jan["ces"] == 5 and bool(jan["enough"])
    # February: 12 answers are too few for a figure; the count and the shares stay
    feb = t.loc["2024-02"]
    assert feb["answers"] == 12 and feb["promoters"] == 1.0
    assert math.isnan(feb["nps"]) and math.isnan(feb["nps_moe"]) and not feb["enough"]
    assert t.loc["2024-03", "answers"] == 0 and math.isnan(t.loc["2024-03", "nps"])
    # April: everyone a promoter: NPS 100, no spread
    assert t.loc["2024-04", ["nps", "nps_moe"]].tolist() == [100.0, 0.0]
    assert fb.overall["answers"] == 72 and fb.overall["nps"] == pytest.approx(100 * (57 - 6) / 72)
    assert fb.trend["start"].tolist() == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]))


def test_the_same_answers_by_quarter():
    t = survey_feedback(survey(month_rows()), NO_CUSTOMERS, "Q").trend
    assert t["period"].tolist() == ["2024-Q1", "2024-Q2"]
    assert t["answers"].tolist() == [42, 30]
    assert t["nps"].iloc[0] == pytest.approx(100 * (27 - 6) / 42)


CUSTOMERS = pd.DataFrame({
    "segment": ["Loyal", "Loyal", "New", "New", "Champions", "Champions"],
    "predicted_clv": [50.0, 80.0, np.nan, 10.0, 300.0, 5.0],
    "clv": [60.0, 90.0, 40.0, 15.0, 310.0, 6.0],
}, index=["a", "b", "c", "d", "e", "f"])


def joined():
    return survey([
        ("a", "2024-01-05", 10, None, None, ""),
        ("a", "2024-02-05", 9, None, None, "better now"),
        ("b", "2024-01-07", 2, 1, 2, "late delivery"),
        ("c", "2024-01-08", 7, None, None, ""),
        ("c", "2024-01-09", 8, None, None, ""),
        ("c", "2024-03-01", 6, None, None, "meh"),
        ("d", "2024-01-10", 8, 2, None, "rude"),
        ("e", "2024-01-11", 9, 5, 3, "hard to order"),
        ("f", "2024-01-12", 10, 5, 4, ""),
        ("zz", "2024-01-13", 0, None, None, "who?"),
        ("", "2024-01-14", 0, None, None, "anonymous"),
    ])


def test_nps_csat_and_ces_by_segment_when_answers_name_customers():
    fb = survey_feedback(joined(), CUSTOMERS, "M", min_answers=2)
    seg = fb.by_segment
    assert seg.index.tolist() == ["Champions", "Loyal", "New"]  # in the report's segment order
    # Loyal: a (10, 9) and b (2): 2 promoters, 1 detractor of 3 -> NPS 33.3
    assert seg.loc["Loyal", ["customers", "answers"]].tolist() == [2, 3]
    assert seg.loc["Loyal", "nps"] == pytest.approx(100 / 3)
    # New: c (7, 8, 6) and d (8): no promoter, 1 detractor of 4 -> NPS -25; CSAT of d's 2 alone: too few
    assert seg.loc["New", ["customers", "answers"]].tolist() == [2, 4]
    assert seg.loc["New", "nps"] == pytest.approx(-25)
    assert seg.loc["New", "csat_answers"] == 1 and math.isnan(seg.loc["New", "csat"])
    # Champions: e (9) and f (10): NPS 100; CSAT 2 of 2; CES (3 + 4) / 2
    assert seg.loc["Champions", ["nps", "csat", "ces"]].tolist() == [100.0, 1.0, 3.5]
    assert (fb.with_customer, fb.matched) == (10, 9)  # zz is not in the orders; one answer names no one


def test_unhappy_customers_by_their_latest_answer_ranked_by_value():
    fb = survey_feedback(joined(), CUSTOMERS, "M", min_answers=2)
    u = fb.unhappy
    # b: detractor (2); c: latest answer 6 (detractor); d: satisfaction 2 of 5; e: ease 3 of 7.
    # a's latest answer is 9; f's ease 4 is not high effort; zz is not a customer of the orders.
    assert u.index.tolist() == ["e", "b", "c", "d"]  # values 300, 80, 40 (historical: no model), 10
    assert u["reason"].tolist() == ["high_effort", "detractor", "detractor", "low_satisfaction"]
    assert u["value"].tolist() == [300.0, 80.0, 40.0, 10.0]
    assert u.loc["c", ["answered", "score", "comment"]].tolist() == [pd.Timestamp("2024-03-01"), 6.0, "meh"]
    assert u.loc["b", "segment"] == "Loyal"


def test_a_survey_with_nothing_usable_has_empty_figures():
    s = clean_survey(pd.DataFrame({"Date": ["soon"], "Score": [9]}))
    fb = survey_feedback(s, CUSTOMERS)
    assert fb.overall["answers"] == 0 and fb.trend.empty and fb.by_segment.empty and fb.unhappy.empty


def test_bad_arguments_are_refused():
    with pytest.raises(InvalidValue, match="survey must be the result of clean_survey"):
        survey_feedback(pd.DataFrame(), CUSTOMERS)
    with pytest.raises(InvalidValue, match="min_answers"):
        survey_feedback(joined(), CUSTOMERS, min_answers=0)


def test_one_answer_shows_its_nps_without_a_margin():
    # with min_answers=1 a month of one answer has an NPS (100: one promoter) but no margin of
    # error: one answer has none (was 0, which reads as exact)
    s = survey([("", "2024-01-10", 10, None, None, ""), ("", "2024-02-10", 9, None, None, ""),
                ("", "2024-02-11", 3, None, None, "")])
    t = survey_feedback(s, NO_CUSTOMERS, "M", min_answers=1).trend.set_index("period")
    assert t.loc["2024-01", "nps"] == 100.0 and math.isnan(t.loc["2024-01", "nps_moe"])
    # February: one promoter, one detractor of 2: NPS 0, margin 1.96 * sqrt((1 - 0) / 2) * 100
    assert t.loc["2024-02", "nps"] == 0.0
    assert t.loc["2024-02", "nps_moe"] == pytest.approx(Z95 * math.sqrt(0.5) * 100)
