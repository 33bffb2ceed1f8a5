"""Predicted CLV: the lifetimes calculation, hand-checked sums, units and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from order_tables import DATA

from retention_xl.analysis.models import BetaGeo, GammaGamma, predicted_clv
from retention_xl.errors import InvalidValue, OutOfRange

CDNOW = pd.read_csv(DATA / "cdnow_summary.csv")
HISTORY = (CDNOW["frequency"], CDNOW["recency"], CDNOW["T"], CDNOW["monetary_value"])


@pytest.fixture(scope="module")
def fitted():
    bg = BetaGeo().fit(CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])
    gg = GammaGamma().fit(CDNOW["frequency"], CDNOW["monetary_value"])
    return bg, gg


def test_matches_lifetimes_on_cdnow(fitted):
    # lifetimes 0.11.3: GammaGammaFitter.customer_lifetime_value(bgf, ..., time=12,
    # freq="W", discount_rate=0.01) on the same data: customer 1 = 36.2785, sum = 71509.90
    clv = predicted_clv(*fitted, *HISTORY, horizon=12, discount=0.01, freq_per_period=4.345)
    assert clv[0] == pytest.approx(36.2785, abs=1e-3)
    assert clv.sum() == pytest.approx(71509.90, abs=0.05)


def test_sum_by_hand(fitted):
    bg, gg = fitted
    x, t_x, T, m = 3, 25.0, 36.0, 40.0
    spend = float(gg.expected_spend(x, m))
    e1, e2 = (float(v) for v in bg.expected_purchases([4.0, 8.0], x, t_x, T))
    clv = predicted_clv(bg, gg, x, t_x, T, m, horizon=2, margin=0.3, discount=0.05, freq_per_period=4.0)
    assert float(clv) == pytest.approx(0.3 * spend * (e1 / 1.05 + (e2 - e1) / 1.05 ** 2), rel=1e-12)
    undiscounted = predicted_clv(bg, gg, x, t_x, T, m, horizon=2, discount=0.0, freq_per_period=4.0)
    assert float(undiscounted) == pytest.approx(spend * e2, rel=1e-12)


def test_margin_horizon_and_discount_move_the_value_the_right_way(fitted):
    base = predicted_clv(*fitted, *HISTORY, freq_per_period=4.345)
    assert predicted_clv(*fitted, *HISTORY, margin=0.25, freq_per_period=4.345) == pytest.approx(0.25 * base)
    assert np.all(predicted_clv(*fitted, *HISTORY, horizon=24, freq_per_period=4.345) > base)
    assert np.all(predicted_clv(*fitted, *HISTORY, discount=0.05, freq_per_period=4.345) < base)


def test_time_unit_must_be_stated(fitted):
    with pytest.raises(TypeError, match="freq_per_period"):
        predicted_clv(*fitted, *HISTORY)


@pytest.mark.parametrize("options, match", [
    ({"horizon": 0}, "horizon"),
    ({"horizon": 2.5}, "horizon"),
    ({"freq_per_period": 0.0}, "freq_per_period"),
    ({"discount": -1.0}, "discount"),
])
def test_bad_options(fitted, options, match):
    kwargs = {"freq_per_period": 4.345, **options}
    with pytest.raises(OutOfRange, match=match):
        predicted_clv(*fitted, *HISTORY, **kwargs)


def test_models_must_be_the_right_kind(fitted):
    bg, gg = fitted
    with pytest.raises(InvalidValue, match="BetaGeo"):
        predicted_clv(gg, bg, *HISTORY, freq_per_period=1.0)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 300), st.floats(0.0, 1.0), st.floats(0.1, 2000.0), st.floats(0.01, 1e5),
       st.integers(1, 60), st.floats(0.0, 0.5), st.floats(0.1, 100.0))
def test_clv_is_finite_and_non_negative(fitted, x, share, T, m, horizon, discount, step):
    t_x = max(share * T, 1e-6) if x > 0 else 0.0
    clv = predicted_clv(*fitted, x, t_x, T, m, horizon=horizon, discount=discount, freq_per_period=step)
    assert np.isfinite(clv) and clv >= 0.0


@pytest.mark.parametrize("model", ["bg_nbd", "mbg_nbd", "pareto_nbd"])
def test_forecast_is_the_separate_predictions_to_the_last_bit(model):
    """One P(alive) shared by the expected and the discounted purchases gives the very
    numbers of the three separate calls, on enough customers for the distinct-case path."""
    from retention_xl.analysis.models.choice import PURCHASE_MODELS
    from retention_xl.analysis.models.clv import discounted_purchases, purchase_forecast

    fitted_model = PURCHASE_MODELS[model]().fit(CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])
    x, t_x, T = (np.tile(CDNOW[c].to_numpy(float), 6) for c in ("frequency", "recency", "T"))
    assert x.size > 10_000  # DISTINCT_FROM
    f = purchase_forecast(fitted_model, x, t_x, T, horizon=12, discount=0.01, freq_per_period=4.345)
    np.testing.assert_array_equal(f.p_alive, fitted_model.p_alive(x, t_x, T))
    np.testing.assert_array_equal(f.expected, fitted_model.expected_purchases(12 * 4.345, x, t_x, T))
    np.testing.assert_array_equal(f.discounted, discounted_purchases(fitted_model, x, t_x, T, horizon=12,
                                                                     discount=0.01, freq_per_period=4.345))
    assert f.expected.shape == f.discounted.shape == x.shape
