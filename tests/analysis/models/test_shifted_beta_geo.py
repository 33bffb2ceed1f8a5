"""sBG retention model: the published estimates of Fader & Hardie (2007), hand checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retention_xl.analysis.models import ShiftedBetaGeo
from retention_xl.analysis.models.shifted_beta_geo import _Likelihood
from retention_xl.errors import InvalidValue, ModelError, OutOfRange

# Fader & Hardie (2007), "How to project customer retention", J. Interactive Marketing
# 21(1): customers of a cohort still active at the start of years 0..7 (per 1,000). The
# paper fits the first 7 renewal opportunities (years 1-7), i.e. these 8 counts, and
# reports alpha = 0.704, beta = 1.182 (regular) and alpha = 0.668, beta = 3.806 (high end).
# The same high-end fit is the test case of jdmaturen/shifted_beta_geometric_py, which
# also gives the log-likelihood -2.115 at alpha = beta = 1 for the shares 1, .869, ..., .491.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


@pytest.mark.parametrize("survivors, alpha, beta, log_likelihood", [
    (REGULAR, 0.704, 1.182, -1680.3),
    (HIGH_END, 0.668, 3.806, -1611.2),
])
def test_reproduces_published_estimates(survivors, alpha, beta, log_likelihood):
    model = ShiftedBetaGeo().fit(survivors)
    assert model.params_["alpha"] == pytest.approx(alpha, abs=5e-4)
    assert model.params_["beta"] == pytest.approx(beta, abs=5e-4)
    assert model.log_likelihood_ == pytest.approx(log_likelihood, abs=0.05)


def test_likelihood_at_one_one_by_hand():
    shares = np.array(HIGH_END) / 1000
    # with alpha = beta = 1: P(T = t) = 1 / (t (t + 1)), S(t) = 1 / (t + 1)
    lost = -np.diff(shares)
    t = np.arange(1, 8)
    by_hand = np.sum(lost * np.log(1 / (t * (t + 1)))) + shares[-1] * np.log(1 / 8)
    negative_ll, _ = _Likelihood(shares)(np.log([1.0, 1.0]))
    assert -negative_ll == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(-2.115, abs=1e-3)


def test_shares_are_refused_with_a_hint():
    with pytest.raises(InvalidValue, match="multiply shares by the cohort size"):
        ShiftedBetaGeo().fit(np.array(HIGH_END) / 1000)


def test_a_small_cohort_whose_churn_does_not_fall_is_told_so():
    # 10% then 11%: an sBG's churn can only fall, so alpha and beta run to infinity (this was
    # "undetermined", the flat ridge's own message); the same churn for all, 2 lost over 19
    # customer-periods at risk, fits as well
    with pytest.raises(ModelError, match="does not fall over time") as caught:
        ShiftedBetaGeo().fit([10, 9, 8])
    assert caught.value.kind == "constant_churn" and caught.value.fields["churn"] == pytest.approx(2 / 19)
    # a cohort losing exactly a tenth a period: the same
    with pytest.raises(ModelError, match="10.0% a period") as caught:
        ShiftedBetaGeo().fit([1000, 900, 810, 729, 656])
    assert caught.value.kind == "constant_churn"


def test_survival_and_retention_by_hand():
    model = ShiftedBetaGeo()
    model.params_ = {"alpha": 1.0, "beta": 1.0}
    assert model.survival([0, 1, 2, 9]).tolist() == pytest.approx([1.0, 1 / 2, 1 / 3, 1 / 10])
    assert model.retention_rates([1, 2, 3, 9]).tolist() == pytest.approx([1 / 2, 2 / 3, 3 / 4, 9 / 10])


def test_projection_of_regular_customers():
    model = ShiftedBetaGeo().fit(REGULAR)
    alpha, beta = model.params_["alpha"], model.params_["beta"]
    # first-year churn is the mean of the Beta distribution
    assert float(model.survival(1)) == pytest.approx(beta / (alpha + beta))
    # survival is the running product of retention rates
    t = np.arange(1, 13)
    assert model.survival(t) == pytest.approx(np.cumprod(model.retention_rates(t)))
    # the fit tracks the data it was fitted on within 2 points (Figure 3 of the paper)
    assert model.survival(np.arange(8)) * 1000 == pytest.approx(REGULAR, abs=20)


@pytest.mark.parametrize("survivors, error, match", [
    ([1000], InvalidValue, "at least one"),
    ([0, 0], OutOfRange, "cohort size"),
    ([1000, 900, 950], OutOfRange, "cannot increase"),
    ([1000, 1000, 1000], ModelError, "nobody"),
    ([1000, 0, 0], ModelError, "whole cohort"),
    ([1000, -5], OutOfRange, ">= 0"),
])
def test_bad_survivor_counts(survivors, error, match):
    with pytest.raises(error, match=match):
        ShiftedBetaGeo().fit(survivors)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.01, 100), st.floats(0.01, 100), st.integers(1, 500))
def test_survival_starts_at_one_and_retention_rises(alpha, beta, horizon):
    model = ShiftedBetaGeo()
    model.params_ = {"alpha": alpha, "beta": beta}
    t = np.arange(0, horizon + 1)
    survival = model.survival(t)
    assert survival[0] == 1.0
    assert np.all((survival[1:] > 0) & (np.diff(survival) < 0))
    rates = model.retention_rates(t[1:])
    assert np.all((rates > 0) & (rates < 1)) and np.all(np.diff(rates) > 0)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.2, 5), st.floats(0.2, 5))
def test_fit_recovers_parameters_from_exact_expected_counts(alpha, beta):
    model = ShiftedBetaGeo()
    model.params_ = {"alpha": alpha, "beta": beta}
    expected = 1e6 * model.survival(np.arange(0, 13))
    fitted = ShiftedBetaGeo().fit(expected).params_
    assert fitted["alpha"] == pytest.approx(alpha, rel=1e-3)
    assert fitted["beta"] == pytest.approx(beta, rel=1e-3)


def test_a_cohort_nobody_left_in_the_first_period_is_a_clear_model_error():
    # no cancellation in period 1, then about 6% a period: churn that does not fall, which an
    # sBG cannot describe (alpha and beta run to infinity together); the fit says so, with the
    # constant churn that fits as well, without numeric warnings on the way
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ModelError, match="does not fall over time") as caught:
            ShiftedBetaGeo().fit([1000, 1000, 900, 820, 760, 710, 670, 640])
    # 360 lost over 5,860 customer-periods at risk
    assert caught.value.kind == "constant_churn" and caught.value.fields["churn"] == pytest.approx(360 / 5860)
    assert "6.1% a period" in str(caught.value)


def test_a_fit_stopped_on_a_ridge_that_rises_to_the_edge_is_found_wherever_it_stopped():
    # where the search stops on such a ridge depends on the machine's rounding (a CPU with
    # AVX-512 stopped at alpha ~ 17,000 with finite standard errors, and the fit was taken);
    # from any point of the ridge the look along it to the edge finds the same answer, and
    # from a real maximum none
    from scipy.optimize import minimize_scalar

    from retention_xl.analysis.models import base
    from retention_xl.analysis.models.shifted_beta_geo import _Likelihood

    ridge = _Likelihood(np.array([1000, 1000, 900, 820, 760, 710, 670, 640], dtype=float))
    interior = _Likelihood(np.array([1000, 869, 743, 653, 593, 551, 517, 491], dtype=float))
    model = ShiftedBetaGeo()
    for log_alpha in np.log([1e5, 4e5]):  # the best beta for each alpha: points on the ridge
        best_beta = minimize_scalar(lambda b, a=log_alpha: ridge(np.array([a, b]))[0], method="bounded",
                                    bounds=(log_alpha, log_alpha + 6), options={"xatol": 1e-10}).x
        fit = model._settle(ridge, np.array([log_alpha, best_beta]), np.zeros(2, dtype=bool), 1000.0)
        assert fit.converged and fit.undetermined is None  # what the search alone would have accepted
        assert base._ridge_to_edge(ridge, fit) == (1, "infinity")
    best = model._settle(interior, np.log([0.668089, 3.806090]), np.zeros(2, dtype=bool), 1000.0)
    assert best.undetermined is None and base._ridge_to_edge(interior, best) is None
