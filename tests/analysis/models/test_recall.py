"""Fits recalled in a session: the same state as a fresh search, and only for the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from order_tables import DATA

from retention_xl.analysis.models import (
    BetaGeo,
    BetaGeoBetaBinom,
    GammaGamma,
    ModifiedBetaGeo,
    ParetoNBD,
    ShiftedBetaGeo,
)
from retention_xl.analysis.models.base import CustomerModel
from retention_xl.analysis.models.recall import FITS, FitMemory
from retention_xl.errors import ModelError

CDNOW = pd.read_csv(DATA / "cdnow_summary.csv")
X, T_X, T = (CDNOW[c].to_numpy(float) for c in ("frequency", "recency", "T"))
STATE = ("params_", "log_likelihood_", "standard_errors_", "log_covariance_", "limit_", "at_edge_")


@pytest.fixture(autouse=True)
def searches(monkeypatch):
    """Forget earlier fits; count the searches (calls of ``_maximise``) made from here."""
    FITS.clear()
    counted = {"searches": 0}
    real = CustomerModel._maximise

    def counting(self, *args, **kwargs):
        counted["searches"] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(CustomerModel, "_maximise", counting)
    yield counted
    FITS.clear()


def _assert_same_state(a, b):
    for name in STATE:
        np.testing.assert_equal(getattr(a, name), getattr(b, name), err_msg=name)  # NaN equals NaN


def test_the_same_data_again_gives_the_fresh_fit_without_a_search(searches):
    fresh = ParetoNBD().fit(X, T_X, T)
    assert searches["searches"] == 1
    again = ParetoNBD().fit(X, T_X, T)
    assert searches["searches"] == 1
    _assert_same_state(fresh, again)
    assert again.params_ is not fresh.params_ and again.log_covariance_ is not fresh.log_covariance_
    again.params_["r"] = 99.0  # a caller's change reaches neither the first fit nor the next recall
    again.log_covariance_[0, 0] = 99.0
    third = ParetoNBD().fit(X, T_X, T)
    assert third.params_ == fresh.params_ and third.log_covariance_[0, 0] == fresh.log_covariance_[0, 0]
    assert searches["searches"] == 1


def test_rows_that_compress_to_the_same_counts_are_the_same_data(searches):
    x, t_x, age = np.array([0.0, 2, 2, 5, 1, 0]), np.array([0.0, 10, 10, 30, 4, 0]), np.array([40.0, 38, 38, 35, 20, 12])
    rows = BetaGeo().fit(x, t_x, age)
    weighted = BetaGeo().fit(x[[0, 1, 3, 4, 5]], t_x[[0, 1, 3, 4, 5]], age[[0, 1, 3, 4, 5]], weights=[1, 2, 1, 1, 1])
    assert searches["searches"] == 1
    _assert_same_state(rows, weighted)


@pytest.mark.parametrize("change", ["one value", "weights", "start", "model"])
def test_any_change_of_data_start_or_model_searches_again(searches, change):
    BetaGeo().fit(X, T_X, T)
    if change == "one value":
        T2 = T.copy()
        T2[17] += 0.5
        BetaGeo().fit(X, T_X, T2)
    elif change == "weights":
        weights = np.ones(X.size)
        weights[3] = 2.0
        BetaGeo().fit(X, T_X, T, weights=weights)
    elif change == "start":
        BetaGeo().fit(X, T_X, T, start={"r": 0.3, "alpha": 4.0, "a": 0.8, "b": 2.5})
    else:
        ModifiedBetaGeo().fit(X, T_X, T)
    assert searches["searches"] == 2


def _fit(model):
    """Fit each kind of model on small data of its own kind."""
    if isinstance(model, GammaGamma):
        return model.fit(X[:400], np.where(X[:400] > 0, 10.0 + 7.0 * (np.arange(400) % 13), 0.0))
    if isinstance(model, ShiftedBetaGeo):
        return model.fit([1000, 869, 743, 653, 593, 551, 517, 491])
    if isinstance(model, BetaGeoBetaBinom):
        n = np.full(6, 6.0)
        return model.fit([0, 1, 2, 3, 6, 4], [0, 3, 4, 5, 6, 6], n, weights=[1203, 728, 512, 357, 181, 329])
    return model.fit(X, T_X, T)


@pytest.mark.parametrize("kind", [BetaGeo, ModifiedBetaGeo, ParetoNBD, GammaGamma, ShiftedBetaGeo, BetaGeoBetaBinom])
def test_every_model_recalls_its_fits(searches, kind):
    fresh = _fit(kind())
    made = searches["searches"]
    assert made >= 1
    _assert_same_state(fresh, _fit(kind()))
    assert searches["searches"] == made


def test_a_fit_the_data_cannot_support_is_kept_as_its_error(searches, monkeypatch):
    real = CustomerModel._maximise

    def failing(self, *args, **kwargs):
        searches["searches"] += 1
        raise ModelError("the data cannot identify the BG/NBD model: parameter a is left almost undetermined",
                         kind="undetermined", model=self.model_code, param="a")

    monkeypatch.setattr(CustomerModel, "_maximise", failing)
    with pytest.raises(ModelError) as first:
        BetaGeo().fit(X, T_X, T)
    monkeypatch.setattr(CustomerModel, "_maximise", real)  # would succeed: but the same data are recalled
    with pytest.raises(ModelError) as again:
        BetaGeo().fit(X, T_X, T)
    assert searches["searches"] == 1
    assert again.value is not first.value and again.value.__traceback__ is not first.value.__traceback__
    assert (str(again.value), again.value.kind, again.value.fields) == (str(first.value), "undetermined",
                                                                       {"model": "bg_nbd", "param": "a"})
    assert BetaGeo().fit(X, T_X, T * 1.01).params_ is not None  # other data: searched
    assert searches["searches"] == 2


def test_the_oldest_fits_are_forgotten_first_and_size_0_keeps_none():
    memory = FitMemory(size=2)
    models = [BetaGeo() for _ in range(3)]
    keys = [memory.key(m, (np.arange(i + 1.0),)) for i, m in enumerate(models)]
    for model, key in zip(models, keys):
        model.params_ = {"r": float(len(key))}
        memory.keep(model, key)
    assert len(memory) == 2
    assert not memory.recall(BetaGeo(), keys[0])
    assert memory.recall(BetaGeo(), keys[1]) and memory.recall(BetaGeo(), keys[2])
    memory.size = 0
    assert not memory.recall(BetaGeo(), keys[2])
    memory.keep(models[0], keys[0])
    assert len(memory) == 2


def test_the_key_tells_types_lengths_and_start_apart():
    model = BetaGeo()
    assert FitMemory.key(model, (np.array([1.0, 2.0]),)) != FitMemory.key(model, (np.array([1, 2]),))
    assert FitMemory.key(model, (np.array([1.0, 2.0]), np.array([3.0]))) != \
        FitMemory.key(model, (np.array([1.0]), np.array([2.0, 3.0])))
    assert FitMemory.key(model, (np.array([1.0]),)) != FitMemory.key(model, (np.array([1.0]),), (1.0, 2.0))
    assert FitMemory.key(model, (np.array([1.0]),)) != FitMemory.key(ParetoNBD(), (np.array([1.0]),))
