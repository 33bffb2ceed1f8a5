"""BG/NBD model: published CDNOW estimates, hand-checked predictions, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from order_tables import DATA
from scipy.special import hyp2f1

from retention_xl.analysis.models import BetaGeo
from retention_xl.errors import InvalidValue, ModelError, OutOfRange

CDNOW = pd.read_csv(DATA / "cdnow_summary.csv")
# Fader, Hardie & Lee (2005), "Counting your customers the easy way", Table/section 4:
# CDNOW sample, 2,357 customers, 39-week calibration period, time unit weeks.
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def simulate(n, r, alpha, a, b, seed):
    """Customers drawn from the BG/NBD story itself (vectorised, T between 26 and 52)."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(26, 52, n)
    rate, dropout = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    possible, survived = rng.poisson(rate * T), rng.geometric(dropout)
    x = np.minimum(possible, survived)
    # given N arrivals in (0, T], the x-th one is the x-th of N uniform order statistics
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), np.maximum(possible - x + 1, 1)), 0.0)
    return x, t_x, T


@pytest.fixture(scope="module")
def cdnow_fit():
    return BetaGeo().fit(CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])


@pytest.fixture
def published():
    model = BetaGeo()
    model.params_ = dict(PUBLISHED)
    return model


def test_cdnow_reproduces_published_estimates(cdnow_fit):
    assert CDNOW.shape[0] == 2357
    for name, value in PUBLISHED.items():
        assert cdnow_fit.params_[name] == pytest.approx(value, abs=6e-4), name
    assert cdnow_fit.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)


def test_p_alive_is_one_without_repeat_purchases(published):
    assert published.p_alive([0, 0], [0.0, 0.0], [1.0, 38.86]).tolist() == [1.0, 1.0]


def test_p_alive_by_hand(published):
    # customer 1 of CDNOW: x = 2, t_x = 30.43, T = 38.86
    r, alpha, a, b = PUBLISHED.values()
    odds = a / (b + 2 - 1) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2)
    assert float(published.p_alive(2, 30.43, 38.86)) == pytest.approx(1 / (1 + odds), rel=1e-12)
    assert 1 / (1 + odds) == pytest.approx(0.7266, abs=1e-4)


def fhl_equation_10(params, t, x, t_x, T):
    """Equation (10) of the paper as printed, without the Euler transformation."""
    r, alpha, a, b = params.values()
    z = t / (alpha + T + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z)
    alive = 1 + (x > 0) * a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    return head * body / alive


@pytest.mark.parametrize("t, x, t_x, T", [(39, 2, 30.43, 38.86), (39, 1, 1.71, 38.86),
                                          (39, 0, 0.0, 38.86), (10, 5, 20.0, 30.0),
                                          (52, 12, 35.0, 36.0), (1, 3, 10.0, 32.0)])
def test_expected_purchases_equals_printed_formula(published, t, x, t_x, T):
    expected = fhl_equation_10(PUBLISHED, t, x, t_x, T)
    assert float(published.expected_purchases(t, x, t_x, T)) == pytest.approx(expected, rel=1e-9)


def test_expected_purchases_customer_one(cdnow_fit):
    # customer 1, next 39 weeks (also what lifetimes 0.11 gives: 1.2259)
    assert float(cdnow_fit.expected_purchases(39, 2, 30.43, 38.86)) == pytest.approx(1.2259, abs=1e-4)


def test_expected_purchases_slope_at_zero_is_posterior_rate(published):
    # for a tiny t: P(alive) * E[lambda | alive] * t = P(alive) (r + x) / (alpha + T) t
    r, alpha, _, _ = PUBLISHED.values()
    t = 1e-6
    slope = published.p_alive(3, 20.0, 30.0) * (r + 3) / (alpha + 30.0)
    assert float(published.expected_purchases(t, 3, 20.0, 30.0)) / t == pytest.approx(float(slope), rel=1e-4)


def test_expected_purchases_increase_with_t_and_broadcast(published):
    t = np.array([0.0, 1.0, 4.0, 13.0, 39.0, 104.0, 520.0])
    table = published.expected_purchases(t[:, None], CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])
    assert table.shape == (t.size, CDNOW.shape[0])
    assert np.all(table[0] == 0.0)
    assert np.all(np.diff(table, axis=0) > 0)


def test_parameter_recovery_on_simulated_customers():
    truth = {"r": 0.5, "alpha": 6.0, "a": 1.2, "b": 3.0}
    fitted = BetaGeo().fit(*simulate(40_000, *truth.values(), seed=7)).params_
    for name, value in truth.items():
        assert fitted[name] == pytest.approx(value, rel=0.15), name


def test_no_repeat_buyers_is_a_model_error():
    with pytest.raises(ModelError, match="repeat purchases"):
        BetaGeo().fit([0, 0, 0], [0, 0, 0], [10, 20, 30])


def test_unfitted_model_says_so():
    with pytest.raises(ModelError, match="not fitted"):
        BetaGeo().p_alive(1, 2, 3)


@pytest.mark.parametrize("frequency, recency, T, error", [
    ([1, 2], [1.0, 5.0], [2.0, 4.0], OutOfRange),      # recency > T
    ([-1], [0.0], [3.0], OutOfRange),                  # negative frequency
    ([1.5], [1.0], [3.0], OutOfRange),                 # fractional frequency
    ([2], [0.0], [3.0], OutOfRange),                   # repeat buyer with recency 0
    ([0], [2.0], [3.0], OutOfRange),                   # no repeat purchase, yet recency > 0
    ([1, 2], [1.0], [3.0, 4.0, 5.0], InvalidValue),    # lengths differ
    (["a"], [1.0], [3.0], InvalidValue),               # text
    ([np.nan], [1.0], [3.0], InvalidValue),            # missing
])
def test_bad_customer_data_is_refused(published, frequency, recency, T, error):
    with pytest.raises(error):
        published.p_alive(frequency, recency, T)


params = st.fixed_dictionaries({name: st.floats(0.05, 20.0) for name in PUBLISHED})
customers = st.tuples(st.integers(0, 500), st.floats(0.0, 1.0), st.floats(0.01, 5000.0))


@settings(max_examples=300, deadline=None)
@given(params, customers, st.floats(0.0, 5000.0))
def test_predictions_are_finite_and_in_range(parameters, customer, t):
    x, share, T = customer
    t_x = max(share * T, 1e-6) if x > 0 else 0.0
    model = BetaGeo()
    model.params_ = parameters
    alive = float(model.p_alive(x, t_x, T))
    now, later = (float(v) for v in model.expected_purchases([t, t + 10.0], x, t_x, T))
    assert 0.0 <= alive <= 1.0
    assert np.isfinite(now) and now >= 0.0
    assert later >= now * (1 - 1e-6)


def test_quadrature_agrees_with_the_closed_form():
    from retention_xl.analysis.models.active_purchases import purchases_by_quadrature, purchases_while_active

    r, alpha, a, b = PUBLISHED.values()
    x = np.array([0.0, 1.0, 2.0, 7.0, 29.0])
    T, t = np.full(5, 38.86), np.array([1.0, 10.0, 39.0, 78.0, 520.0])
    closed = purchases_while_active(r, alpha, a, b, x, T, t)
    numeric = purchases_by_quadrature(r + x, t / (alpha + T), a, b + x)
    assert numeric == pytest.approx(closed, rel=1e-8)


def test_hypergeometric_failure_falls_back_to_quadrature():
    # scipy's hyp2f1(4, 4, 104, 26/28) returns inf (integer parameters); the answer,
    # 25.9992145668 (mpmath, 30 digits), must still come out
    model = BetaGeo()
    model.params_ = {"r": 1.0, "alpha": 1.0, "a": 5.0, "b": 1.0}
    active = float(model.expected_purchases(26.0, 99, 1.0, 1.0) / model.p_alive(99, 1.0, 1.0))
    assert active == pytest.approx(25.999214566843573, rel=1e-9)


def test_customers_acquired_today_add_nothing_to_the_fit(cdnow_fit):
    # T = 0 (first purchase on the last day): likelihood r ln(alpha / alpha) = 0
    x = np.append(CDNOW["frequency"], [0, 0])
    t_x = np.append(CDNOW["recency"], [0.0, 0.0])
    T = np.append(CDNOW["T"], [0.0, 0.0])
    again = BetaGeo().fit(x, t_x, T)
    assert again.log_likelihood_ == pytest.approx(cdnow_fit.log_likelihood_, abs=1e-6)
    assert again.params_ == pytest.approx(cdnow_fit.params_, rel=1e-4)
    assert float(again.p_alive(0, 0.0, 0.0)) == 1.0


def test_purchases_while_active_once_per_distinct_case_equals_each_case():
    from retention_xl.analysis.models.active_purchases import purchases_while_active, purchases_while_active_each

    rng = np.random.default_rng(4)
    x = rng.integers(0, 30, 5_000).astype(float)
    age = rng.integers(1, 80, 5_000).astype(float)
    horizon = np.arange(0, 13.0)[:, None] * 4.35  # 65,000 cases, a few thousand distinct
    grouped = purchases_while_active(0.243, 4.414, 0.793, 2.426, x, age, horizon)
    each = purchases_while_active_each(0.243, 4.414, 0.793, 2.426, *np.broadcast_arrays(x, age, horizon))
    assert grouped.shape == each.shape == (13, 5_000)
    assert np.array_equal(grouped, each)
