"""Per-customer predictions: the CDNOW estimates through the product's summary, units,
fallbacks when the data cannot support a model, and slices of customers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retention_xl.analysis.customers import customer_summary
from retention_xl.analysis.holdout_split import split_orders
from retention_xl.analysis.models import BetaGeo, GammaGamma, predicted_clv
from retention_xl.pipeline import analyse
from retention_xl.analysis import prediction
from retention_xl.analysis.prediction import PREDICTION_COLUMNS, predict_customers
from retention_xl.analysis.segments import at_risk, median_gaps
from retention_xl.errors import DataError, InvalidValue, OutOfRange
from retention_xl.sample import generate_orders

from order_tables import DATA, cdnow_orders, retail_orders

CDNOW = pd.read_csv(DATA / "cdnow_summary.csv")
MONTH_IN_WEEKS = 30.4375 / 7


def cdnow_days() -> pd.DataFrame:
    """The CDNOW summary as customer_summary gives it: recency and T in days."""
    return pd.DataFrame({"frequency": CDNOW["frequency"], "recency": CDNOW["recency"] * 7,
                         "T": CDNOW["T"] * 7, "monetary": CDNOW["monetary_value"]}
                        ).set_axis(pd.Index(CDNOW["customer_id"], name="customer"))


@pytest.fixture(scope="module")
def cdnow():
    return predict_customers(cdnow_days(), candidates=("bg_nbd",))


def test_cdnow_in_days_gives_the_published_estimates_in_weeks(cdnow):
    # Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414 (weeks), a = 0.793, b = 2.426;
    # Gamma-Gamma on the 946 repeat buyers: p = 6.25, q = 3.74, v = 15.44
    bg, gg = cdnow.purchase_params, cdnow.spend_params
    assert [bg[k] for k in ("r", "alpha", "a", "b")] == pytest.approx([0.243, 4.414, 0.793, 2.426], abs=6e-4)
    assert [gg[k] for k in ("p", "q", "v")] == pytest.approx([6.25, 3.74, 15.44], abs=1e-2)
    assert cdnow.params_text == "BG/NBD r=0.243, α=4.41, a=0.793, b=2.43; Gamma-Gamma p=6.25, q=3.74, v=15.4"
    assert cdnow.available and cdnow.problem is None and cdnow.spend_problem is None
    assert cdnow.purchase_model == "bg_nbd" and cdnow.choice.rule == "likelihood"
    assert cdnow.holdout_skipped == "no_orders" and cdnow.purchase_limit is None


def test_cdnow_predictions_are_the_models_predictions(cdnow):
    bg, gg = BetaGeo(), GammaGamma()
    bg.params_, gg.params_ = cdnow.purchase_params, cdnow.spend_params
    x, t_x, age, m = (CDNOW[c].to_numpy(float) for c in ("frequency", "recency", "T", "monetary_value"))
    out = cdnow.customers
    assert list(out.columns) == list(PREDICTION_COLUMNS)
    assert out.index.tolist() == CDNOW["customer_id"].tolist()
    assert out["p_alive"].to_numpy() == pytest.approx(bg.p_alive(x, t_x, age), rel=1e-12)
    assert out["expected_purchases"].to_numpy() == pytest.approx(
        bg.expected_purchases(12 * MONTH_IN_WEEKS, x, t_x, age), rel=1e-12)
    assert out["expected_spend"].to_numpy() == pytest.approx(gg.expected_spend(x, m), rel=1e-12)
    assert out["predicted_clv"].to_numpy() == pytest.approx(
        predicted_clv(bg, gg, x, t_x, age, m, 12, 1.0, 0.01, freq_per_period=MONTH_IN_WEEKS), rel=1e-12)
    # customer 1: 2 repeat purchases, last at week 30.43 of 38.86 (the paper's example)
    assert out.loc[1, "p_alive"] == pytest.approx(0.727, abs=2e-3)


def test_cdnow_orders_with_T_to_the_last_order_day_give_the_published_estimates():
    # the calibration orders end on 1997-09-30, the paper's T; the estimates of the paper
    # (a = 0.793, b = 2.426, not 0.814, 2.48 as with T to the day after)
    orders = cdnow_orders()
    calibration = orders[orders["date"] <= "1997-09-30"]
    p = predict_customers(customer_summary(calibration), candidates=("bg_nbd",))
    assert [p.purchase_params[k] for k in ("r", "alpha", "a", "b")] == pytest.approx(
        [0.243, 4.414, 0.793, 2.426], abs=2e-3)


def test_the_report_chooses_by_likelihood_without_orders():
    p = predict_customers(cdnow_days())
    # MBG/NBD -9582.13 against Pareto/NBD -9594.97 on CDNOW (both have 4 parameters)
    assert p.choice.rule == "likelihood" and p.purchase_model == "mbg_nbd"
    assert [c.model for c in p.choice.candidates] == ["pareto_nbd", "mbg_nbd"]
    assert p.choice.candidate("mbg_nbd").log_likelihood == pytest.approx(-9582.13, abs=0.01)
    assert p.choice.candidate("pareto_nbd").log_likelihood == pytest.approx(-9594.97, abs=0.02)
    assert p.params_text.startswith("MBG/NBD r=0.525, α=6.18, a=0.891, b=1.61; Gamma-Gamma")


@pytest.fixture(scope="module")
def cdnow_full():
    orders = cdnow_orders()
    return orders, predict_customers(customer_summary(orders), orders=orders)


def test_with_orders_and_a_long_history_the_report_chooses_on_a_holdout(cdnow_full):
    orders, p = cdnow_full
    assert p.history_days == 546 and p.holdout_skipped is None  # 1997-01-01 .. 1998-06-30
    choice = p.choice
    assert choice.rule == "holdout" and choice.holdout_length == pytest.approx(182 / 7)
    rmse = {c.model: c.holdout_rmse for c in choice.candidates}
    assert all(np.isfinite(v) for v in rmse.values())
    assert p.purchase_model == min(rmse, key=rmse.get)
    # the holdout is the last third: orders from 1998-01-00 + ... are held out
    calibration, actual, length = split_orders(orders, "1998-01-01")
    assert length == pytest.approx(181 / 7)  # the split of the report starts a day earlier


def test_one_time_buyers_p_alive_falls_with_time(cdnow_full):
    _, p = cdnow_full
    summary = customer_summary(cdnow_orders())
    once = summary["frequency"] == 0
    alive = p.customers.loc[once, "p_alive"]
    assert (alive < 1).all()
    by_age = pd.DataFrame({"T": summary.loc[once, "T"], "p": alive}).sort_values("T")
    assert np.all(np.diff(by_age["p"].to_numpy()) <= 1e-15)
    assert by_age["p"].iloc[-1] < 0.5  # one purchase 78 weeks ago


def test_intervals_by_the_delta_method(cdnow):
    # by hand for customer 1: gradient of expected purchases in the log-parameters by
    # central differences, variance g V g', interval value x exp(+-1.645 sd / value)
    bg = BetaGeo()
    bg.params_ = cdnow.purchase_params
    row = CDNOW[CDNOW["customer_id"] == 1].iloc[0]
    x, t_x, T = row["frequency"], row["recency"], row["T"]
    fitted = BetaGeo().fit(CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])
    g = []
    for name in ("r", "alpha", "a", "b"):
        up, down = BetaGeo(), BetaGeo()
        up.params_, down.params_ = dict(bg.params_), dict(bg.params_)
        up.params_[name] *= np.exp(1e-5)
        down.params_[name] *= np.exp(-1e-5)
        g.append(float(up.expected_purchases(12 * MONTH_IN_WEEKS, x, t_x, T)
                       - down.expected_purchases(12 * MONTH_IN_WEEKS, x, t_x, T)) / 2e-5)
    g = np.array(g)
    value = cdnow.customers.loc[1, "expected_purchases"]
    sd = np.sqrt(g @ fitted.log_covariance_ @ g) / value
    assert cdnow.customers.loc[1, "expected_purchases_low"] == pytest.approx(value * np.exp(-1.6448536 * sd), rel=1e-3)
    assert cdnow.customers.loc[1, "expected_purchases_high"] == pytest.approx(value * np.exp(1.6448536 * sd), rel=1e-3)
    c = cdnow.customers
    assert (c["predicted_clv_low"] <= c["predicted_clv"]).all() and (c["predicted_clv"] <= c["predicted_clv_high"]).all()
    # CLV adds the spend model's uncertainty to the purchases': at least as wide as spend alone
    gg = GammaGamma().fit(CDNOW["frequency"], CDNOW["monetary_value"])
    p_, q_, v_ = (gg.params_[k] for k in ("p", "q", "v"))
    m = row["monetary_value"]
    g_spend = np.array([1 - p_ * x / (p_ * x + q_ - 1), -q_ / (p_ * x + q_ - 1), v_ / (v_ + x * m)])
    sd_spend = np.sqrt(g_spend @ gg.log_covariance_ @ g_spend)
    assert np.log(c.loc[1, "predicted_clv_high"] / c.loc[1, "predicted_clv"]) > 1.6448536 * sd_spend


def test_interval_of_a_segment_mean(cdnow):
    everyone = np.ones(len(CDNOW), dtype=bool)
    low, high = cdnow.clv_mean_interval(everyone)
    mean = cdnow.customers["predicted_clv"].mean()
    assert low < mean < high
    # the shared parameter uncertainty does not average out: the mean's interval is as
    # wide, relatively, as a typical customer's, not 1/sqrt(n) of it
    assert np.log(high / mean) > 0.5 * np.median(np.log(cdnow.customers["predicted_clv_high"]
                                                        / cdnow.customers["predicted_clv"]))
    assert cdnow.clv_mean_interval(np.zeros(len(CDNOW), dtype=bool)) != cdnow.clv_mean_interval(everyone)


def test_one_month_without_discount_by_hand(cdnow):
    # horizon 1, no discount: CLV = margin x spend x purchases expected in the month
    one = predict_customers(cdnow_days(), horizon=1, discount=0.0, margin=0.3, candidates=("bg_nbd",)).customers
    expected = one["expected_purchases"]
    assert one["predicted_clv"].to_numpy() == pytest.approx(
        (0.3 * one["expected_spend"] * expected).to_numpy(), rel=1e-12)
    assert (expected < cdnow.customers["expected_purchases"]).all()  # a month is less than a year


def test_predictions_do_not_depend_on_the_time_unit():
    # the models are scale free: fitted in days, alpha and beta are 7 times larger and
    # every prediction over the same calendar horizon is the same
    days = predict_customers(cdnow_days(), unit_days=1)
    weeks = predict_customers(cdnow_days(), unit_days=7)
    assert days.purchase_model == weeks.purchase_model
    assert days.purchase_params["alpha"] == pytest.approx(7 * weeks.purchase_params["alpha"], rel=1e-4)
    for column in PREDICTION_COLUMNS:
        assert days.customers[column].to_numpy() == pytest.approx(weeks.customers[column].to_numpy(), rel=1e-3, abs=1e-9)


def test_no_repeat_buyers_gives_empty_columns_and_the_reason():
    summary = pd.DataFrame({"frequency": [0.0, 0.0, 0.0], "recency": [0.0] * 3, "T": [10.0, 50.0, 90.0],
                            "monetary": [0.0] * 3}, index=pd.Index(["a", "b", "c"], name="customer"))
    p = predict_customers(summary)
    assert not p.available and p.purchase_params is None and p.spend_params is None
    assert p.customers.index.tolist() == ["a", "b", "c"]
    assert p.customers.isna().all().all()
    assert p.problem.kind == "no_repeat_buyers" and p.problem.fields == {"model": "pareto_nbd"}
    assert p.choice.rule == "none" and p.params_text == ""


def test_too_few_customers_gives_no_prediction():
    summary = pd.DataFrame({"frequency": [1.0, 0.0, 2.0], "recency": [20.0, 0.0, 40.0],
                            "T": [60.0, 30.0, 50.0], "monetary": [10.0, 0.0, 12.0]})
    p = predict_customers(summary)
    assert not p.available and p.problem.kind in ("undetermined", "not_converged")
    assert p.customers.isna().all().all()


def test_same_spend_everywhere_falls_back_to_the_mean_repeat_order_value(cdnow):
    summary = cdnow_days().assign(monetary=np.where(CDNOW["frequency"] > 0, 20.0, 0.0))
    p = predict_customers(summary, margin=0.5, candidates=("bg_nbd",))
    assert p.available and p.spend_params is None and p.spend_problem.kind == "same_spend"
    assert p.mean_repeat_spend == 20.0
    assert (p.customers["expected_spend"] == 20.0).all()
    # the purchase side is unchanged, so CLV scales: 0.5 x 20 x discounted purchases
    full = cdnow.customers
    ratio = full["predicted_clv"] / full["expected_spend"]
    assert p.customers["predicted_clv"].to_numpy() == pytest.approx((0.5 * 20.0 * ratio).to_numpy(), rel=1e-9)
    assert p.params_text.startswith("BG/NBD r=0.243") and "Gamma-Gamma" not in p.params_text


def test_mean_repeat_spend_weights_every_repeat_order():
    summary = pd.DataFrame({"frequency": [1.0, 3.0, 0.0], "recency": [7.0, 21.0, 0.0], "T": [30.0] * 3,
                            "monetary": [10.0, 30.0, 0.0]})
    assert predict_customers(summary).mean_repeat_spend == pytest.approx((10 + 3 * 30) / 4)


def test_free_repeat_orders_count_as_purchases_but_not_as_spend(cdnow):
    summary = cdnow_days()
    summary.loc[1, "monetary"] = 0.0  # customer 1's two repeat orders were free
    p = predict_customers(summary, candidates=("bg_nbd",))
    assert p.spend_params["p"] == pytest.approx(cdnow.spend_params["p"], rel=0.02)
    assert p.customers.loc[1, "p_alive"] == cdnow.customers.loc[1, "p_alive"]
    gg = GammaGamma()
    gg.params_ = p.spend_params
    assert p.customers.loc[1, "expected_spend"] == pytest.approx(float(gg.expected_spend(0, 0.0)))


def test_a_shop_where_nobody_drops_out_gets_the_limit_model_and_says_so():
    orders = retail_orders()
    p = predict_customers(customer_summary(orders), orders=orders)
    assert p.available and p.purchase_limit == "no_dropout"
    assert p.choice.rule == "holdout"
    assert (p.customers["p_alive"] == 1.0).all()
    assert "a=0" in p.params_text or "s=0" in p.params_text


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_in_a_shop_where_customers_leave_a_one_time_buyer_of_long_ago_may_be_gone():
    orders = retail_orders(dropout=0.15)
    summary = customer_summary(orders)
    p = predict_customers(summary, orders=orders)
    assert p.available and p.purchase_limit is None
    once = summary["frequency"] == 0
    old = once & (summary["T"] >= 300)
    assert old.sum() > 50
    # each purchase is followed by a 15% chance of leaving, and these customers buy rarely:
    # a one-time buyer of ten months ago is alive with a chance of about a half
    assert (p.customers.loc[old, "p_alive"] < 0.6).all()
    assert (p.customers.loc[once & (summary["T"] <= 14), "p_alive"] > p.customers.loc[old, "p_alive"].max()).all()


@pytest.mark.parametrize(("options", "error", "match"), [
    ({"horizon": 0}, OutOfRange, "horizon"),
    ({"horizon": 1.5}, OutOfRange, "horizon"),
    ({"discount": -1.0}, OutOfRange, "discount"),
    ({"unit_days": 0}, OutOfRange, "unit_days"),
    ({"margin": float("nan")}, OutOfRange, "margin"),
])
def test_bad_options_are_refused(options, error, match):
    with pytest.raises(error, match=match):
        predict_customers(cdnow_days(), **options)


def test_missing_column_is_named():
    with pytest.raises(DataError, match="monetary"):
        predict_customers(cdnow_days().drop(columns="monetary"))


# ----------------------------------------------------------------- in the analysis
@pytest.fixture(scope="module")
def sample_orders():
    orders = generate_orders(1500, seed=5).rename(columns={"order_date": "date"})
    last = orders["date"].max().normalize()
    # a heavy buyer who stopped: 11 orders 3 days apart, the last 26 days before the end
    heavy = pd.DataFrame({"customer": "heavy", "amount": 40.0,
                          "date": last - pd.to_timedelta(np.arange(25, 56, 3)[::-1], unit="D")})
    return pd.concat([orders[["customer", "date", "amount"]], heavy], ignore_index=True)


@pytest.fixture(scope="module")
def analysis(sample_orders):
    return analyse(sample_orders)


def test_analysis_carries_the_predictions(analysis):
    customers, p = analysis.customers, analysis.prediction
    assert p.available
    for column in PREDICTION_COLUMNS:
        assert customers[column].notna().all()
    assert customers["p_alive"].between(0, 1).all()
    # one-day customers may have left too, the longer ago the likelier
    once = customers[customers["frequency"] == 0].sort_values("T")
    assert (once["p_alive"] < 1).all()
    assert np.all(np.diff(once["p_alive"].to_numpy()) <= 1e-12)
    expected = customers.groupby("segment", observed=False)["predicted_clv"].mean()
    assert analysis.segments["avg_predicted_clv"].to_numpy() == pytest.approx(
        expected.reindex(analysis.segments.index).to_numpy(), nan_ok=True)
    segments = analysis.segments.dropna(subset=["avg_predicted_clv"])
    assert (segments["avg_predicted_clv_low"] < segments["avg_predicted_clv"]).all()
    assert (segments["avg_predicted_clv"] < segments["avg_predicted_clv_high"]).all()


def test_at_risk_is_the_gap_rule_or_the_model_rule_for_customers_not_lost(analysis, sample_orders):
    c = analysis.customers
    gaps = median_gaps(sample_orders).set_axis(median_gaps(sample_orders).index.astype(str))
    by_gap = at_risk(c["days_since_last"], gaps.reindex(c.index))
    by_model = (c["p_alive"] < 0.5) & (c["frequency"] + 1 >= 2)
    assert by_model.any()
    lost = analysis.contacts.customers["status"].reindex(c.index) == "lost"
    assert c["at_risk"].tolist() == ((by_gap | by_model) & ~lost).tolist()
    # under 30 days of silence is not long for the gap rule; for the model it is
    heavy = c.loc["heavy"]
    assert heavy["days_since_last"] == 25 and heavy["orders"] == 11  # to the last order day
    assert not by_gap["heavy"] and heavy["p_alive"] < 0.5 and heavy["at_risk"]
    assert analysis.headline["at_risk"] == int(c["at_risk"].sum())


def test_at_risk_without_a_model_is_the_gap_rule():
    orders = pd.DataFrame({"customer": ["a", "b", "a"],
                           "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-03-01"]),
                           "amount": [5.0, 6.0, 7.0]})
    a = analyse(orders)
    assert not a.prediction.available
    assert a.customers["p_alive"].isna().all()
    # b: one order, 59 days ago, against a's gap of 60 days -> limit 120: not at risk
    assert a.customers["at_risk"].tolist() == [False, False]


def test_predictions_a_slice_of_customers_at_a_time_are_the_same(monkeypatch):
    orders = generate_orders(3000, seed=5).rename(columns={"order_date": "date"})
    summary = customer_summary(orders)
    whole = predict_customers(summary, orders=orders)
    monkeypatch.setattr(prediction, "PREDICTION_SLICE", 257)
    sliced = predict_customers(summary, orders=orders)
    pd.testing.assert_frame_equal(sliced.customers, whole.customers, rtol=1e-12, atol=0)
    np.testing.assert_allclose(sliced.clv_gradient, whole.clv_gradient, rtol=1e-12, atol=0)
    assert sliced.clv_mean_interval(summary["frequency"].to_numpy() > 2) == \
        pytest.approx(whole.clv_mean_interval(summary["frequency"].to_numpy() > 2), rel=1e-12)


def test_gradients_kept_per_group_give_the_intervals_of_the_customers_gradients(monkeypatch):
    orders = generate_orders(3000, seed=5).rename(columns={"order_date": "date"})
    summary = customer_summary(orders)
    groups = np.minimum(summary["frequency"].to_numpy(dtype=np.int64), 3)
    monkeypatch.setattr(prediction, "PREDICTION_SLICE", 257)  # sums over several slices
    whole = predict_customers(summary, orders=orders)
    grouped = predict_customers(summary, orders=orders, groups=groups)
    assert grouped.clv_gradient is None and grouped.group_gradient.shape == (4, whole.clv_gradient.shape[1])
    pd.testing.assert_frame_equal(grouped.customers, whole.customers, check_exact=True)
    for group in range(4):
        assert grouped.group_clv_interval(groups, group) == \
            pytest.approx(whole.clv_mean_interval(groups == group), rel=1e-12)
    assert np.isnan(grouped.group_clv_interval(groups, 9)).all()  # a group without customers
    with pytest.raises(InvalidValue):
        predict_customers(summary, groups=groups[:-1])


def test_a_holdout_winner_that_cannot_fit_the_whole_history_says_why_and_the_report_is_built():
    # the calibration part fits (a generated shop), the whole history does not (three
    # customers): the report said nothing and stopped with an AttributeError before
    from retention_xl.analysis.holdout_split import holdout_split
    from retention_xl.layout.segments import _model_note

    shop = generate_orders(600, seed=3).rename(columns={"order_date": "date"})
    split, skipped, days = holdout_split(shop)
    assert split is not None
    summary = pd.DataFrame({"frequency": [1.0, 0.0, 2.0], "recency": [20.0, 0.0, 40.0],
                            "T": [60.0, 30.0, 50.0], "monetary": [10.0, 0.0, 12.0]})
    p = predict_customers(summary, holdout=(split, skipped, days))
    assert all(c.holdout is not None for c in p.choice.candidates)  # both fitted the calibration part
    assert not p.available and p.choice.rule == "none"
    assert p.problem is not None and p.problem.kind in ("undetermined", "not_converged")
    assert p.customers.isna().all().all()
    assert _model_note(p, "en").startswith("No predictions: ")
