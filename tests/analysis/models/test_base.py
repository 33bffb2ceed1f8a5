"""Shared model machinery: input checking and the refusal of unidentified fits."""

from __future__ import annotations

import numpy as np
import pytest
from order_tables import DATA

from retention_xl.analysis.models import BetaGeo, ModifiedBetaGeo, ShiftedBetaGeo, compress_customers
from retention_xl.analysis.models.base import as_float_array
from retention_xl.errors import InvalidValue, ModelError, OutOfRange


def test_as_float_array():
    assert as_float_array("x", [1, 2.5]).tolist() == [1.0, 2.5]
    assert as_float_array("x", -3, minimum=None).tolist() == -3.0
    with pytest.raises(InvalidValue, match="x must contain numbers"):
        as_float_array("x", ["a", 1])
    with pytest.raises(InvalidValue, match="missing"):
        as_float_array("x", [1.0, np.nan])
    with pytest.raises(OutOfRange, match="x must be >= 0"):
        as_float_array("x", [1.0, -0.5])


def test_error_codes_are_spreadsheet_errors_with_a_kind_and_fields():
    with pytest.raises(ModelError) as caught:
        BetaGeo().fit([0, 0], [0, 0], [5, 5])
    assert caught.value.code == "#NUM!"
    assert "\n" not in str(caught.value)
    assert caught.value.kind == "no_repeat_buyers" and caught.value.fields == {"model": "bg_nbd"}


def test_four_identical_customers_leave_the_rate_spread_undetermined():
    # nobody left (a -> 0: the limit "nobody drops out"), and four customers with the same
    # history say nothing about how purchase rates vary: r and alpha run along a ridge
    with pytest.raises(ModelError, match="parameter (r|alpha) is left almost undetermined") as caught:
        BetaGeo().fit([5, 5, 5, 5], [40.0, 40.0, 40.0, 40.0], [40.0, 40.0, 40.0, 40.0])
    assert caught.value.kind == "undetermined"
    assert caught.value.fields["model"] == "bg_nbd" and caught.value.fields["param"] in ("r", "alpha")


def test_repr_shows_fit_state():
    model = ShiftedBetaGeo()
    assert repr(model) == "ShiftedBetaGeo(not fitted)"
    model.fit([1000, 869, 743, 653, 593, 551, 517, 491])
    assert repr(model) == "ShiftedBetaGeo(alpha=0.6681, beta=3.806)"


def test_inverse_of_a_small_positive_definite_matrix():
    from retention_xl.analysis.models.base import _inverse_positive_definite

    rng = np.random.default_rng(3)
    for k in (1, 2, 3, 4):
        factor = rng.normal(size=(k, k))
        matrix = factor @ factor.T + 0.1 * np.eye(k)
        assert _inverse_positive_definite(matrix) == pytest.approx(np.linalg.inv(matrix), rel=1e-9, abs=1e-12)
    assert _inverse_positive_definite(np.array([[1.0, 2.0], [2.0, 1.0]])) is None  # indefinite
    assert _inverse_positive_definite(np.array([[1.0, np.nan], [np.nan, 1.0]])) is None


def test_the_undetermined_parameter_is_the_one_along_the_flattest_direction():
    from retention_xl.analysis.models.base import _flattest_direction

    # the third parameter hardly changes the likelihood: it is the one to name, not the first
    assert _flattest_direction(np.diag([4.0, 9.0, 1e-10, 2.0])) == 2
    # a ridge along a + b: both move, the larger component wins
    ridge = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.999], [0.0, 0.999, 1.0]])
    assert _flattest_direction(ridge) in (1, 2)
    assert _flattest_direction(np.array([[1.0, 0.0], [0.0, np.inf]])) == 1  # not finite counts as flat


def nbd_customers(n, r, alpha, seed):
    """Customers who never drop out (the NBD story): rates Gamma(r, alpha), ages 20-60."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(20, 60, n)
    rate = rng.gamma(r, 1 / alpha, n)
    x = rng.poisson(rate * T)
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), 1), 0.0)  # the last of x uniform times
    return x, t_x, T


def nbd_log_likelihood(r, alpha, x, T):
    """log L of the NBD (Fader, Hardie & Lee 2005 with a = 0), written out here."""
    from scipy.special import gammaln

    return float(np.sum(gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + T)))


def test_nobody_drops_out_is_the_limit_model_not_an_error():
    x, t_x, T = nbd_customers(5000, 0.8, 10.0, seed=1)
    model = BetaGeo().fit(x, t_x, T)
    assert model.limit_ == "no_dropout" and model.at_edge_ == {}
    assert model.params_["a"] == 0.0 and model.params_["b"] == 1.0
    assert np.isnan(model.standard_errors_["a"]) and np.isnan(model.standard_errors_["b"])
    assert model.params_["r"] == pytest.approx(0.8, rel=0.1)
    assert model.params_["alpha"] == pytest.approx(10.0, rel=0.15)
    # the limit is fitted exactly: its likelihood is the NBD likelihood at its maximum
    assert model.log_likelihood_ == pytest.approx(nbd_log_likelihood(model.params_["r"], model.params_["alpha"], x, T),
                                                  rel=1e-12)
    assert model.standard_errors_["r"] > 0 and model.log_covariance_[2:, :].sum() == 0
    assert model.p_alive(x, t_x, T).min() == 1.0  # nobody has left


def test_a_flat_ridge_towards_the_limit_ends_at_the_limit():
    # MBG/NBD on customers who never leave: the likelihood rises a little as a -> 0 along a
    # ridge where b is undetermined; the limit fits as well (within LIMIT_TOLERANCE)
    from retention_xl.analysis.models.base import LIMIT_TOLERANCE

    x, t_x, T = nbd_customers(3000, 0.8, 10.0, seed=2)
    model = ModifiedBetaGeo().fit(x, t_x, T)
    assert model.limit_ == "no_dropout"
    objective = ModifiedBetaGeo()._objective(compress_customers(x, t_x, T))
    for a, b in ((1e-3, 1.0), (1e-2, 5.0), (0.1, 50.0)):
        nearby = -objective(np.log([model.params_["r"], model.params_["alpha"], a, b]))[0]
        assert model.log_likelihood_ >= nearby - LIMIT_TOLERANCE


def test_standard_errors_match_lifetimes_on_cdnow():
    # lifetimes 0.11.3 (autograd Hessian): BetaGeoFitter().fit(...).summary["se(coef)"]
    import pandas as pd

    cdnow = pd.read_csv(DATA / "cdnow_summary.csv")
    model = BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert [model.standard_errors_[k] for k in ("r", "alpha", "a", "b")] == pytest.approx(
        [0.01256, 0.37822, 0.18572, 0.70535], abs=2e-5)
    mbg = ModifiedBetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert [mbg.standard_errors_[k] for k in ("r", "alpha", "a", "b")] == pytest.approx(
        [0.08326, 0.6956, 0.15479, 0.53747], abs=5e-5)
    # the covariance is of the log-parameters: se(theta) = theta se(log theta)
    se_log = np.sqrt(np.diag(model.log_covariance_))
    assert se_log * np.array(list(model.params_.values())) == pytest.approx(list(model.standard_errors_.values()))


def test_no_floating_point_exceptions_under_strict_numpy_settings():
    # np.seterr(all="raise") in the caller must not turn underflows inside the models into errors
    import pandas as pd

    from retention_xl.analysis.models import BetaGeoBetaBinom, GammaGamma, ParetoNBD, predicted_clv

    cdnow = pd.read_csv(DATA / "cdnow_summary.csv")
    x, t_x, T, m = (cdnow[c].to_numpy(float) for c in ("frequency", "recency", "T", "monetary_value"))
    old = np.seterr(all="raise")
    try:
        gg = GammaGamma().fit(x, m)
        for model_class in (BetaGeo, ModifiedBetaGeo, ParetoNBD):
            model = model_class().fit(x, t_x, T)
            # a one-time buyer of long ago and a heavy buyer who stopped: extreme odds
            xs, txs, Ts = np.append(x, [0, 300]), np.append(t_x, [0.0, 1.0]), np.append(T, [5000.0, 5000.0])
            assert np.all(np.isfinite(model.p_alive(xs, txs, Ts)))
            assert np.all(np.isfinite(model.expected_purchases(np.array([0.0, 39.0])[:, None], xs, txs, Ts)))
            assert np.all(np.isfinite(model.probability_no_purchase(39.0, xs, txs, Ts)))
            assert np.all(np.isfinite(model.probability_of_purchases(np.arange(50), 39.0)))
            assert np.isfinite(model.expected_purchases_new(0.0)) and np.isfinite(model.expected_purchases_new(39.0))
            assert np.all(np.isfinite(predicted_clv(model, gg, x, t_x, T, m, freq_per_period=4.345)))
        donations = pd.read_csv(DATA / "donations.csv")
        bb = BetaGeoBetaBinom().fit(donations["frequency"], donations["recency"], donations["periods"],
                                    weights=donations["weights"])
        assert np.all(np.isfinite(bb.p_alive(donations["frequency"], donations["recency"], donations["periods"])))
    finally:
        np.seterr(**old)
