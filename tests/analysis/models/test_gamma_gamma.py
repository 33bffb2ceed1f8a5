"""Gamma-Gamma spend model: published CDNOW estimates, hand-checked spends, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from order_tables import DATA

from retention_xl.analysis.models import GammaGamma
from retention_xl.errors import ModelError, OutOfRange

CDNOW = pd.read_csv(DATA / "cdnow_summary.csv")


@pytest.fixture(scope="module")
def cdnow_fit():
    return GammaGamma().fit(CDNOW["frequency"], CDNOW["monetary_value"])


def test_cdnow_reproduces_published_estimates(cdnow_fit):
    # Fader, Hardie & Lee (2005), "RFM and CLV", 946 repeat buyers of the CDNOW sample:
    # p = 6.25, q = 3.74, gamma (v) = 15.44; lifetimes' docs: 6.2502, 3.7441, 15.4475.
    assert (CDNOW["frequency"] > 0).sum() == 946
    assert cdnow_fit.params_["p"] == pytest.approx(6.25, abs=5e-3)
    assert cdnow_fit.params_["q"] == pytest.approx(3.74, abs=5e-3)
    assert cdnow_fit.params_["v"] == pytest.approx(15.44, abs=1e-2)
    assert cdnow_fit.params_["p"] == pytest.approx(6.2502, abs=2e-3)
    assert cdnow_fit.params_["q"] == pytest.approx(3.7441, abs=1e-3)
    assert cdnow_fit.params_["v"] == pytest.approx(15.4475, abs=1e-3)


def test_fit_ignores_customers_without_repeat_purchases(cdnow_fit):
    repeat = CDNOW[CDNOW["frequency"] > 0]
    again = GammaGamma().fit(repeat["frequency"], repeat["monetary_value"])
    assert again.params_ == pytest.approx(cdnow_fit.params_, rel=1e-9)
    assert again.log_likelihood_ == pytest.approx(cdnow_fit.log_likelihood_, rel=1e-12)


def test_expected_spend_by_hand():
    model = GammaGamma()
    model.params_ = {"p": 6.25, "q": 3.74, "v": 15.44}
    # p (v + x m) / (p x + q - 1)
    assert float(model.expected_spend(2, 22.35)) == pytest.approx(6.25 * (15.44 + 44.7) / (12.5 + 2.74))
    # no repeat purchase: the population mean p v / (q - 1), whatever monetary_value says
    assert model.expected_spend([0, 0], [0.0, 999.0]).tolist() == pytest.approx([6.25 * 15.44 / 2.74] * 2)


def test_expected_spend_moves_from_population_mean_to_own_mean():
    model = GammaGamma()
    model.params_ = {"p": 6.25, "q": 3.74, "v": 15.44}
    spends = model.expected_spend([1, 5, 50, 5000], 100.0)
    assert np.all(np.diff(spends) > 0)
    assert spends[-1] == pytest.approx(100.0, rel=1e-3)


def test_no_repeat_buyers_is_a_model_error():
    with pytest.raises(ModelError, match="repeat buyers"):
        GammaGamma().fit([0, 0, 0], [0.0, 0.0, 0.0])
    with pytest.raises(ModelError, match="repeat buyers"):
        GammaGamma().fit([0, 3], [0.0, 10.0])


def test_identical_spends_cannot_identify_the_model():
    with pytest.raises(ModelError, match="cannot identify"):
        GammaGamma().fit([1, 2, 3, 4, 1, 2], [10.0] * 6)


def test_zero_spend_of_a_repeat_buyer_is_refused():
    with pytest.raises(OutOfRange, match="monetary_value"):
        GammaGamma().fit([1, 2], [10.0, 0.0])


def test_infinite_population_mean_is_a_model_error():
    model = GammaGamma()
    model.params_ = {"p": 2.0, "q": 0.8, "v": 10.0}
    assert float(model.expected_spend(1, 10.0)) == pytest.approx(2.0 * 20.0 / 1.8)
    with pytest.raises(ModelError, match="infinite"):
        model.expected_spend(0, 0.0)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.1, 50), st.floats(1.05, 50), st.floats(0.1, 1e4),
       st.integers(0, 10_000), st.floats(0.01, 1e6))
def test_expected_spend_lies_between_population_and_own_mean(p, q, v, x, m):
    model = GammaGamma()
    model.params_ = {"p": p, "q": q, "v": v}
    spend = float(model.expected_spend(x, m))
    population = p * v / (q - 1)
    low, high = (min(population, m), max(population, m)) if x > 0 else (population, population)
    assert low * (1 - 1e-9) <= spend <= high * (1 + 1e-9)


def test_nearly_identical_spends_cannot_identify_the_model():
    with pytest.raises(ModelError, match="cannot identify"):
        GammaGamma().fit([1, 2, 3, 4, 1, 2], [10.0, 10.1, 9.9, 10.0, 10.05, 9.95])


def test_spends_with_too_heavy_a_tail_are_refused_clearly():
    # mean spends with a Pareto tail of index 2/3: their mean is infinite, and the fit finds
    # q <= 1 (the population mean p v / (q - 1) does not exist): refused, not a negative value
    rng = np.random.default_rng(1)
    x = rng.integers(1, 5, 3000).astype(float)
    m = 10 / rng.random(3000) ** 1.5
    with pytest.raises(ModelError, match="too heavy a tail") as caught:
        GammaGamma().fit(x, m)
    assert caught.value.kind == "heavy_tail" and caught.value.fields["q"] <= 1


def test_weights_give_the_same_fit_as_repeated_rows():
    import pandas as pd

    cdnow = pd.read_csv(DATA / "cdnow_summary.csv")
    repeat = cdnow[cdnow["frequency"] > 0]
    x, m = repeat["frequency"].to_numpy(float), repeat["monetary_value"].to_numpy(float)
    w = np.where(np.arange(x.size) % 3 == 0, 2.0, 1.0)
    weighted = GammaGamma().fit(x, m, weights=w)
    repeated = GammaGamma().fit(np.repeat(x, w.astype(int)), np.repeat(m, w.astype(int)))
    assert weighted.params_ == pytest.approx(repeated.params_, rel=1e-6)
    assert weighted.log_likelihood_ == pytest.approx(repeated.log_likelihood_, rel=1e-10)
