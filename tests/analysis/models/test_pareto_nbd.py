"""Pareto/NBD: published CDNOW estimates, lifetimes' predictions, the quadrature behind them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from order_tables import DATA
from scipy.special import hyp2f1

from retention_xl.analysis.models import ParetoNBD, compress_customers
from retention_xl.analysis.models.pareto_nbd import tail_integral
from retention_xl.analysis.models.recall import FITS

CDNOW = pd.read_csv(DATA / "cdnow_summary.csv")
# Fader, Hardie & Lee (2005), "A note on implementing the Pareto/NBD model in MATLAB":
# CDNOW sample, weeks, log-likelihood -9594.98
PUBLISHED = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
# lifetimes 0.11.3 ParetoNBDFitter with params_ = PUBLISHED, for CDNOW customers IDS:
# conditional_probability_alive, conditional_expected_number_of_purchases_up_to_time(39, ...),
# conditional_probability_of_n_purchases_up_to_time(0, 39, ...), expected_number_of_purchases_up_to_time(39)
IDS = [1, 2, 3, 11, 101, 501, 1001, 2001]
LIFETIMES_P_ALIVE = [0.8691675591530111, 0.16800232672434479, 0.29528660461689443, 0.5868734466276728,
                     0.9724536327037137, 0.3129956316275895, 0.3296420364484881, 0.3682955137222764]
LIFETIMES_EXPECTED_39 = [1.4551231932576019, 0.1710929805537828, 0.10708146821530892, 2.137064221398576,
                         3.5857314552702224, 0.1194085770440523, 0.13159055038862472, 0.16211644405257727]
LIFETIMES_NONE_IN_39 = [0.4080627236064643, 0.9133587546650933, 0.9307148159456802, 0.4847211215898115,
                        0.1451958233779655, 0.9242117774563646, 0.9179528767223588, 0.9029131955140106]
LIFETIMES_NEW_39 = 1.2130028442810157


@pytest.fixture
def published():
    model = ParetoNBD()
    model.params_ = dict(PUBLISHED)
    return model


def customers(ids):
    rows = CDNOW.set_index("customer_id").loc[ids]
    return rows["frequency"].to_numpy(float), rows["recency"].to_numpy(float), rows["T"].to_numpy(float)


@pytest.fixture(scope="module")
def cdnow_fit():
    return ParetoNBD().fit(CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])


def test_cdnow_reproduces_published_estimates(cdnow_fit):
    assert [cdnow_fit.params_[k] for k in PUBLISHED] == pytest.approx(list(PUBLISHED.values()), abs=1.2e-3)
    assert cdnow_fit.log_likelihood_ == pytest.approx(-9594.98, abs=0.02)
    assert all(np.isfinite(v) and v > 0 for v in cdnow_fit.standard_errors_.values())


def test_predictions_match_lifetimes(published):
    x, t_x, T = customers(IDS)
    assert published.p_alive(x, t_x, T) == pytest.approx(LIFETIMES_P_ALIVE, rel=1e-10)
    assert published.expected_purchases(39, x, t_x, T) == pytest.approx(LIFETIMES_EXPECTED_39, rel=1e-10)
    assert published.probability_no_purchase(39, x, t_x, T) == pytest.approx(LIFETIMES_NONE_IN_39, rel=1e-10)
    assert float(published.expected_purchases_new(39)) == pytest.approx(LIFETIMES_NEW_39, rel=1e-12)


def test_p_alive_of_a_one_time_buyer_falls_with_time(published):
    alive = published.p_alive(0, 0.0, np.array([1.0, 13.0, 52.0, 104.0]))
    assert np.all(np.diff(alive) < 0) and alive[0] < 1.0


def hypergeometric_integral(A, B, k1, k2):
    """K = int_0^inf (A + u)^-k1 (B + u)^-k2 du in the hypergeometric form of the papers
    (Fader & Hardie 2005, eq. 19-20), with scipy's hyp2f1, for A >= B."""
    c = k1 + k2 - 1
    return A ** -c * hyp2f1(c, k2, c + 1, (A - B) / A) / c


@pytest.mark.parametrize("A, B, k1, k2", [
    (10.0, 11.0, 0.6, 1.6), (11.0, 10.0, 0.6, 1.6), (40.0, 12.0, 3.5, 1.6), (12.0, 40.0, 3.5, 1.6),
    (5.0, 5.0, 0.8, 1.2), (100.0, 1.0, 30.0, 1.05), (1.0, 100.0, 30.0, 1.05), (50.0, 45.0, 200.0, 2.0),
    (2.0, 1500.0, 1.2, 1.0),
])
def test_tail_integral_equals_the_hypergeometric_form(A, B, k1, k2):
    # the same integral with the roles of A and B swapped when A < B (the papers' two cases)
    expected = hypergeometric_integral(A, B, k1, k2) if A >= B else hypergeometric_integral(B, A, k2, k1)
    assert float(np.exp(tail_integral([A], [B], [k1], [k2])[0])) == pytest.approx(expected, rel=1e-9)


def test_tail_integral_gradient_by_differences():
    A, B, k1, k2 = np.array([7.0, 20.0]), np.array([15.0, 9.0]), np.array([2.3, 0.7]), np.array([1.4, 3.0])
    _, d_k1, d_k2, d_a, d_b = tail_integral(A, B, k1, k2, gradient=True)
    h = 1e-6
    for got, shift in ((d_k1, (0, 0, h, 0)), (d_k2, (0, 0, 0, h)), (d_a, (h, 0, 0, 0)), (d_b, (0, h, 0, 0))):
        up = tail_integral(A + shift[0], B + shift[1], k1 + shift[2], k2 + shift[3])
        down = tail_integral(A - shift[0], B - shift[1], k1 - shift[2], k2 - shift[3])
        assert got == pytest.approx((up - down) / (2 * h), rel=1e-6)


@pytest.mark.parametrize("items", [1, 1023, 1025, 10 * 1024 + 7])
def test_tail_integral_split_between_threads_is_the_one_thread_result(monkeypatch, items):
    # every block worked out once, by one thread or another, to the bit (gradients too)
    from retention_xl.analysis.models import pareto_nbd
    rng = np.random.default_rng(items)
    groups = max(items // 5, 1)
    A, B = rng.uniform(0.5, 200.0, groups), rng.uniform(0.5, 200.0, groups)
    A[0] = B[0]  # z = 0 in one group
    group = rng.integers(0, groups, items)
    k1, k2 = rng.uniform(0.1, 60.0, items), rng.uniform(1.01, 4.0, items)
    monkeypatch.setattr(pareto_nbd, "_BLOCKS_PER_THREAD", 10**9)
    alone = tail_integral(A, B, k1, k2, group, gradient=True)
    monkeypatch.setattr(pareto_nbd, "_BLOCKS_PER_THREAD", 1)
    monkeypatch.setattr(pareto_nbd.os, "cpu_count", lambda: 3)
    split = tail_integral(A, B, k1, k2, group, gradient=True)
    for one, many in zip(alone, split):
        np.testing.assert_array_equal(one, many)
    np.testing.assert_array_equal(tail_integral(A, B, k1, k2, group), alone[0])


def test_likelihood_gradient_by_differences():
    counts = compress_customers(CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])
    objective = ParetoNBD()._objective(counts)
    point = np.log([0.5, 9.0, 0.8, 14.0])
    _, grad = objective(point)
    h = 1e-6
    for i in range(4):
        step = np.zeros(4)
        step[i] = h
        numeric = (objective(point + step)[0] - objective(point - step)[0]) / (2 * h)
        assert grad[i] == pytest.approx(numeric, rel=1e-5)


def test_probabilities_of_purchases_add_up_and_their_mean_is_the_expectation(published):
    n = np.arange(400)
    pmf = published.probability_of_purchases(n, 39.0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
    assert n @ pmf == pytest.approx(LIFETIMES_NEW_39, rel=1e-8)


def test_no_dropout_limit_is_the_nbd(published):
    model = ParetoNBD()
    model.params_ = {"r": 0.553, "alpha": 10.578, "s": 0.0, "beta": 1.0}
    x, t_x, T = customers(IDS)
    assert np.all(model.p_alive(x, t_x, T) == 1.0)
    # purchases at the posterior mean rate (r + x) / (alpha + T) over t
    assert model.expected_purchases(39.0, x, t_x, T) == pytest.approx((0.553 + x) / (10.578 + T) * 39.0, rel=1e-12)


params = st.fixed_dictionaries({name: st.floats(0.05, 30.0) for name in PUBLISHED})


@settings(max_examples=100, deadline=None)
@given(params, st.integers(0, 200), st.floats(0.0, 1.0), st.floats(0.01, 2000.0), st.floats(0.0, 2000.0))
def test_predictions_are_finite_and_in_range(parameters, x, share, T, t):
    t_x = max(share * T, 1e-6) if x > 0 else 0.0
    model = ParetoNBD()
    model.params_ = parameters
    alive = float(model.p_alive(x, t_x, T))
    now, later = (float(v) for v in model.expected_purchases([t, t + 10.0], x, t_x, T))
    none = float(model.probability_no_purchase(t, x, t_x, T))
    assert 0.0 <= alive <= 1.0 + 1e-12 and 0.0 <= none <= 1.0
    assert np.isfinite(now) and 0.0 <= now <= later * (1 + 1e-6)


def test_a_sampled_first_search_ends_at_the_same_maximum(monkeypatch):
    """Above COARSE_CASES distinct customers the coarse search looks at a sample, and the
    fine search starts from its maximum with its curvature: the estimates are those of the
    search on every customer, and the fine search takes a few steps, not dozens."""
    import retention_xl.analysis.models.pareto_nbd as pareto
    from retention_xl.analysis.models import base

    x, t_x, T = (np.tile(CDNOW[c].to_numpy(float), 3) + np.repeat([0.0, 0.001, 0.002], len(CDNOW)) * (c != "frequency")
                 for c in ("frequency", "recency", "T"))
    t_x = np.where(x > 0, t_x, 0.0)  # three copies of CDNOW, a little apart: 3 x 2,357 customers
    monkeypatch.setattr(FITS, "size", 0)  # every fit below searches (they differ only inside)
    counted = {"fine": 0}
    real = pareto._Likelihood.__call__

    def counting(self, log_params):
        counted["fine"] += self.rule is pareto.FINE
        return real(self, log_params)

    monkeypatch.setattr(pareto._Likelihood, "__call__", counting)
    whole = ParetoNBD().fit(x, t_x, T)
    monkeypatch.setattr(pareto, "COARSE_CASES", 800)
    counted["fine"] = 0
    sampled = ParetoNBD().fit(x, t_x, T)
    fine_steps, counted["fine"] = counted["fine"], 0
    assert [sampled.params_[k] for k in PUBLISHED] == pytest.approx([whole.params_[k] for k in PUBLISHED], rel=1e-4)
    assert sampled.log_likelihood_ == pytest.approx(whole.log_likelihood_, abs=1e-6 * abs(whole.log_likelihood_))
    # without the curvature, BFGS starts the fine search from the identity again
    monkeypatch.setattr(base, "_usable_curvature", lambda curvature, free: None)
    ParetoNBD().fit(x, t_x, T)
    assert fine_steps <= counted["fine"] / 2  # 11 against 30 here


def test_a_curvature_that_is_not_positive_definite_is_not_used():
    from retention_xl.analysis.models.base import _usable_curvature

    assert _usable_curvature(None, 2) is None
    assert _usable_curvature(np.eye(3), 2) is None
    assert _usable_curvature(np.array([[1.0, 2.0], [2.0, 1.0]]), 2) is None  # indefinite
    assert _usable_curvature(np.array([[1.0, np.nan], [0.0, 1.0]]), 2) is None
    np.testing.assert_array_equal(_usable_curvature(np.array([[2.0, 0.1], [0.3, 1.0]]), 2),
                                  [[2.0, 0.2], [0.2, 1.0]])
