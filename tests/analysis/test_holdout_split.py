"""The holdout split: the CDNOW calibration/holdout split of Fader, Hardie & Lee, refunds
and new customers left out, dates refused, and the ``validate`` comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retention_xl.analysis.holdout_split import holdout_split, split_orders, validate_models
from retention_xl.analysis.models import holdout_validation
from retention_xl.errors import DataError, InvalidValue

from order_tables import DATA, cdnow_orders, retail_orders

CDNOW = pd.read_csv(DATA / "cdnow_summary.csv")


# ----------------------------------------------------------------- holdout split
def test_cdnow_split_is_the_papers_split():
    summary, actual, length = split_orders(cdnow_orders(), "1997-10-01")
    assert length == 39.0
    assert len(summary) == 2357 and actual.sum() == 1882
    by_id = summary.set_axis(summary.index.astype(int))
    paper = CDNOW.set_index("customer_id")
    assert by_id["frequency"].reindex(paper.index).tolist() == paper["frequency"].tolist()
    assert np.allclose(by_id["T"].reindex(paper.index), paper["T"], atol=0.006)
    assert np.allclose(by_id["recency"].reindex(paper.index), paper["recency"], atol=0.006)
    result = holdout_validation(summary, actual, length)
    assert result["total_actual"] == 1882
    assert result["total_predicted"] == pytest.approx(1653.4, abs=0.1)  # lifetimes: 1653.42


def test_split_leaves_out_refunds_and_customers_new_in_the_holdout():
    orders = pd.DataFrame({
        "customer": ["a", "a", "b", "a", "a", "b", "c", "c"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-10", "2024-02-02", "2024-02-02",
                                "2024-02-03", "2024-02-05", "2024-02-09"]),
        "amount": [10.0, 20.0, 5.0, 15.0, 3.0, -5.0, 8.0, 9.0],
    })
    summary, actual, length = split_orders(orders, "2024-02-01", unit_days=1)
    assert summary.index.tolist() == ["a", "b"]  # c is new in the holdout
    assert summary["frequency"].tolist() == [1.0, 0.0]
    assert summary["recency"].tolist() == [7.0, 0.0]
    assert summary["T"].tolist() == [30.0, 21.0]  # to the end of 2024-01-31
    assert actual.tolist() == [1, 0]  # a: two orders on one day; b: a refund only
    assert length == 9.0  # 2024-02-01 .. 2024-02-09


@pytest.mark.parametrize(("start", "error", "match"), [
    ("2023-12-01", DataError, "no orders before the holdout start 2023-12-01"),
    ("2024-06-01", DataError, "no orders on or after the holdout start 2024-06-01"),
    ("soon", InvalidValue, "holdout_start must be a date"),
])
def test_split_errors(start, error, match):
    orders = pd.DataFrame({"customer": ["a", "a"], "date": pd.to_datetime(["2024-01-01", "2024-03-01"]),
                           "amount": [1.0, 2.0]})
    with pytest.raises(error, match=match):
        split_orders(orders, start)


# ----------------------------------------------------------------- validate
def test_validate_models_on_cdnow():
    v = validate_models(cdnow_orders(), "1997-10-01")
    assert v.customers == 2357 and v.holdout_length == 39.0
    assert [c.model for c in v.choice.candidates] == ["bg_nbd", "mbg_nbd", "pareto_nbd"]
    bg = v.choice.candidate("bg_nbd")
    assert bg.holdout["total_predicted"] == pytest.approx(1653.4, abs=0.1) and bg.holdout["total_actual"] == 1882
    rmse = {c.model: c.holdout_rmse for c in v.choice.candidates}
    assert v.choice.model == min(rmse, key=rmse.get) and v.choice.rule == "holdout"


@pytest.mark.parametrize("start", ["2011-06-01", *(pytest.param(d, marks=pytest.mark.slow)  # CI runs every start
                                                  for d in ("2011-07-01", "2011-08-01", "2011-09-01")), "2011-10-01"])
def test_validate_works_on_a_shop_like_online_retail(start):
    # the data that made the BG/NBD fit refuse with "parameter r is left almost undetermined"
    v = validate_models(retail_orders(), start)
    for c in v.choice.candidates:
        assert c.problem is None and c.limit == "no_dropout", c.model
        assert c.holdout["total_predicted"] == pytest.approx(c.holdout["total_actual"], rel=0.1)


# ----------------------------------------------------------------- the report's own split
def test_the_report_holds_out_the_last_third_of_the_history():
    orders = cdnow_orders()  # 1997-01-01 .. 1998-06-30: 546 days
    split, skipped, days = holdout_split(orders)
    assert skipped is None and days == 546
    calibration, actual, length = split
    assert length == 182 / 7  # 1997-12-31 .. 1998-06-30
    same = split_orders(orders, "1997-12-31")
    assert calibration.equals(same[0]) and np.array_equal(actual, same[1])


def test_no_split_for_a_short_history_or_few_repeat_buyers():
    days = pd.to_datetime(["2024-01-01", "2024-03-01", "2024-06-28"])  # 180 days
    short = pd.DataFrame({"customer": ["a", "a", "b"], "date": days[[0, 1, 1]], "amount": 1.0})
    assert holdout_split(short) == (None, "short_history", 61)
    few = pd.DataFrame({"customer": ["a", "a", "b"], "date": days, "amount": 1.0})
    assert holdout_split(few) == (None, "few_repeat_buyers", 180)


def test_a_solar_hijri_holdout_start_is_read_as_the_order_dates_are():
    orders = cdnow_orders()
    persian = split_orders(orders, "۱۳۷۶/۰۷/۰۹")  # 1997-10-01
    gregorian = split_orders(orders, "1997-10-01")
    assert persian[0].equals(gregorian[0]) and persian[2] == gregorian[2] == 39.0
