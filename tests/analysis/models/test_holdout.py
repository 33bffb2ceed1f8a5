"""Holdout validation: the CDNOW calibration/holdout split and hand-made examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from order_tables import DATA

from retention_xl.analysis.models import BetaGeo, holdout_validation
from retention_xl.errors import DataError, InvalidValue

CDNOW = pd.read_csv(DATA / "cdnow_summary.csv")


def cdnow_orders() -> pd.DataFrame:
    orders = pd.read_csv(DATA / "cdnow_sample_transactions.txt", sep=r"\s+", header=None,
                         names=["customer", "customer_id", "date", "cds", "amount"],
                         dtype={"date": str})
    orders["date"] = pd.to_datetime(orders["date"], format="%Y%m%d")
    return orders


def cdnow_holdout_purchases() -> np.ndarray:
    """Repeat purchases (distinct purchase days) in weeks 40-78 per CDNOW customer."""
    orders = cdnow_orders()
    holdout = orders[orders["date"] > "1997-09-30"]
    counts = holdout.groupby("customer_id")["date"].nunique()
    return counts.reindex(CDNOW["customer_id"], fill_value=0).to_numpy()


def test_summary_agrees_with_the_transactions():
    orders = cdnow_orders()
    calibration = orders[orders["date"] <= "1997-09-30"].groupby("customer_id")["date"]
    frequency = calibration.nunique() - 1
    age = (pd.Timestamp("1997-09-30") - calibration.min()).dt.days / 7
    summary = CDNOW.set_index("customer_id")
    assert frequency.reindex(summary.index).tolist() == summary["frequency"].tolist()
    assert np.allclose(age.reindex(summary.index), summary["T"], atol=0.006)  # rounded to 0.01


@pytest.fixture
def published():
    model = BetaGeo()
    model.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    return model


def test_cdnow_holdout():
    actual = cdnow_holdout_purchases()
    result = holdout_validation(CDNOW, actual, holdout_length=39)
    assert result["total_actual"] == 1882
    # lifetimes 0.11.3 gives the same sum of conditional expectations: 1653.42
    assert result["total_predicted"] == pytest.approx(1653.42, abs=0.01)
    assert result["params"]["r"] == pytest.approx(0.243, abs=6e-4)
    per_customer = result["per_customer"]
    assert len(per_customer) == 2357
    assert result["mae"] == pytest.approx(per_customer["error"].abs().mean())
    assert result["rmse"] == pytest.approx(np.sqrt((per_customer["error"] ** 2).mean()))
    assert result["correlation"] == pytest.approx(np.corrcoef(per_customer["predicted"], actual)[0, 1])
    assert result["correlation"] > 0.5
    by_frequency = result["by_frequency"]
    assert by_frequency.index.tolist() == list(range(8))
    assert by_frequency["customers"].sum() == 2357
    assert by_frequency.loc[0, "customers"] == (CDNOW["frequency"] == 0).sum() == 1411
    # heavier calibration buyers buy more in the holdout, in the data and in the model
    assert np.all(np.diff(by_frequency["predicted"].to_numpy()) > 0)


def test_hand_example(published):
    calibration = {"frequency": [2, 0, 5], "recency": [30.4, 0.0, 35.0], "T": [38.9, 38.9, 38.9]}
    actual = [1, 0, 4]
    result = holdout_validation(calibration, actual, holdout_length=39, model=published)
    predicted = published.expected_purchases(39, *calibration.values())
    error = predicted - np.array(actual)
    assert result["per_customer"]["predicted"].tolist() == pytest.approx(predicted.tolist())
    assert result["mae"] == pytest.approx(np.abs(error).mean())
    assert result["rmse"] == pytest.approx(np.sqrt((error ** 2).mean()))
    assert result["total_actual"] == 5.0
    assert result["total_predicted"] == pytest.approx(predicted.sum())
    assert result["by_frequency"]["customers"].tolist() == [1, 1, 1]


def test_constant_actuals_give_no_correlation(published):
    calibration = {"frequency": [2, 0], "recency": [30.0, 0.0], "T": [38.0, 38.0]}
    result = holdout_validation(calibration, [0, 0], holdout_length=10, model=published)
    assert np.isnan(result["correlation"])


def test_missing_column_and_wrong_length(published):
    with pytest.raises(DataError, match="recency"):
        holdout_validation({"frequency": [1], "T": [3]}, [0], 10, model=published)
    with pytest.raises(InvalidValue, match="one count per customer"):
        holdout_validation({"frequency": [1], "recency": [1.0], "T": [3.0]}, [0, 1], 10, model=published)
