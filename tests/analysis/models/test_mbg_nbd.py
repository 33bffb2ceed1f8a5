"""MBG/NBD: the published CDNOW estimates, lifetimes' predictions, one-time buyers who leave."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from order_tables import DATA

from retention_xl.analysis.models import BetaGeo, ModifiedBetaGeo

CDNOW = pd.read_csv(DATA / "cdnow_summary.csv")
# Batislam, Denizel & Filiztekin (2007) / BTYDplus `mbgcnbd` with k = 1 on the CDNOW sample
# (weeks); lifetimes 0.11.3 `ModifiedBetaGeoFitter` finds the same
PUBLISHED = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
# CDNOW customers 1, 2, 3, 11, 101, 501, 1001, 2001 and what lifetimes 0.11.3 gives for them at
# PUBLISHED: ModifiedBetaGeoFitter with params_ = PUBLISHED, conditional_probability_alive
# and conditional_expected_number_of_purchases_up_to_time(39, ...)
IDS = [1, 2, 3, 11, 101, 501, 1001, 2001]
LIFETIMES_P_ALIVE = [0.7062022651184873, 0.17083648431040802, 0.3897350809187629, 0.46776578367544897,
                     0.8518888847677485, 0.39795679346362905, 0.40544295483476445, 0.42204673186581604]
LIFETIMES_EXPECTED_39 = [1.2629606232673432, 0.18883654136434078, 0.15401274667514553, 1.767499917464808,
                         3.26106867170483, 0.16658818186498428, 0.17874141400709628, 0.20824835676793485]
# expected_number_of_purchases_up_to_time(39) and probability_of_n_purchases_up_to_time(39, n), n = 0..4
LIFETIMES_NEW_39 = 1.1829536655971713
LIFETIMES_PMF_39 = [0.5824731894932891, 0.18278307728754056, 0.08689482567349055, 0.04857044295156923,
                    0.02977414855939118]


@pytest.fixture
def published():
    model = ModifiedBetaGeo()
    model.params_ = dict(PUBLISHED)
    return model


def customers(ids):
    rows = CDNOW.set_index("customer_id").loc[ids]
    return rows["frequency"].to_numpy(float), rows["recency"].to_numpy(float), rows["T"].to_numpy(float)


def test_cdnow_reproduces_published_estimates():
    model = ModifiedBetaGeo().fit(CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])
    assert [model.params_[k] for k in PUBLISHED] == pytest.approx(list(PUBLISHED.values()), abs=6e-4)
    assert model.log_likelihood_ == pytest.approx(-9582.13, abs=0.01)
    assert model.limit_ is None


def test_predictions_match_lifetimes(published):
    x, t_x, T = customers(IDS)
    assert published.p_alive(x, t_x, T) == pytest.approx(LIFETIMES_P_ALIVE, rel=1e-12)
    assert published.expected_purchases(39, x, t_x, T) == pytest.approx(LIFETIMES_EXPECTED_39, rel=1e-12)
    assert float(published.expected_purchases_new(39)) == pytest.approx(LIFETIMES_NEW_39, rel=1e-12)
    assert published.probability_of_purchases(np.arange(5), 39) == pytest.approx(LIFETIMES_PMF_39, rel=1e-12)


def test_p_alive_of_a_one_time_buyer_by_hand_and_falling(published):
    r, alpha, a, b = PUBLISHED.values()
    ages = np.array([0.0, 1.0, 10.0, 52.0, 104.0])
    by_hand = 1 / (1 + a / b * ((alpha + ages) / alpha) ** r)
    alive = published.p_alive(0, 0.0, ages)
    assert alive == pytest.approx(by_hand, rel=1e-13)
    assert alive[0] == pytest.approx(b / (a + b))  # she may leave right after her first purchase
    assert np.all(np.diff(alive) < 0)
    # under BG/NBD she would be alive for sure
    bg = BetaGeo()
    bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert np.all(bg.p_alive(0, 0.0, ages) == 1.0)


def test_probabilities_of_purchases_add_up_and_their_mean_is_the_expectation(published):
    n = np.arange(2000)
    pmf = published.probability_of_purchases(n, 52.0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert n @ pmf == pytest.approx(float(published.expected_purchases_new(52.0)), rel=1e-9)
    assert float(published.probability_of_purchases(0, 0.0)) == 1.0


def test_no_purchase_in_t(published):
    x, t_x, T = customers([1])
    r, alpha, _, _ = PUBLISHED.values()
    alive = float(published.p_alive(x, t_x, T)[0])
    by_hand = 1 - alive + alive * ((alpha + T[0]) / (alpha + T[0] + 10.0)) ** (r + x[0])
    assert float(published.probability_no_purchase(10.0, x, t_x, T)[0]) == pytest.approx(by_hand, rel=1e-13)
    assert float(published.probability_no_purchase(0.0, x, t_x, T)[0]) == 1.0


def test_weights_give_the_same_fit_as_one_row_per_customer():
    from retention_xl.analysis.models import compress_customers

    counts = compress_customers(CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])
    assert counts.frequency.size < len(CDNOW) and counts.n_customers == len(CDNOW)
    full = ModifiedBetaGeo().fit(CDNOW["frequency"], CDNOW["recency"], CDNOW["T"])
    compressed = ModifiedBetaGeo().fit(counts.frequency, counts.recency, counts.T, weights=counts.weights)
    assert compressed.params_ == pytest.approx(full.params_, rel=1e-6)
    assert compressed.log_likelihood_ == pytest.approx(full.log_likelihood_, rel=1e-12)


params = st.fixed_dictionaries({name: st.floats(0.05, 20.0) for name in PUBLISHED})


@settings(max_examples=150, deadline=None)
@given(params, st.integers(0, 300), st.floats(0.0, 1.0), st.floats(0.01, 3000.0), st.floats(0.0, 3000.0))
def test_predictions_are_finite_and_in_range(parameters, x, share, T, t):
    t_x = max(share * T, 1e-6) if x > 0 else 0.0
    model = ModifiedBetaGeo()
    model.params_ = parameters
    alive = float(model.p_alive(x, t_x, T))
    now, later = (float(v) for v in model.expected_purchases([t, t + 10.0], x, t_x, T))
    none = float(model.probability_no_purchase(t, x, t_x, T))
    assert 0.0 <= alive <= 1.0 and 0.0 <= none <= 1.0
    assert np.isfinite(now) and 0.0 <= now <= later * (1 + 1e-6)
