"""Holdout check of a purchase model: predicted versus actual purchases.

Split the order history at a date: the *calibration* period gives each customer's
(frequency, recency, T) and is used to fit the model; the *holdout* period that follows,
``holdout_length`` time units long, gives the purchases that really happened. A model
worth trusting predicts the holdout totals and the per-customer ranking well.

Example
-------
>>> from retention_xl.analysis.models import BetaGeo
>>> from retention_xl.analysis.models.holdout import holdout_validation
>>> bg = BetaGeo()
>>> bg.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
>>> calibration = {"frequency": [2, 0, 5], "recency": [30.4, 0.0, 35.0], "T": [38.9, 38.9, 38.9]}
>>> result = holdout_validation(calibration, [1, 0, 4], holdout_length=39, model=bg)
>>> result["total_actual"], round(result["total_predicted"], 2)
(5.0, 4.58)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from retention_xl.errors import DataError, InvalidValue, OutOfRange
from retention_xl.analysis.models.base import as_float_array
from retention_xl.analysis.models.bg_nbd import BetaGeo
from retention_xl.analysis.models.counts import customer_arrays
from retention_xl.analysis.models.purchase_model import PurchaseModel

__all__ = ["holdout_validation"]


def holdout_validation(summary_calibration: Mapping, actual_holdout_purchases, holdout_length: float,
                       model: PurchaseModel | None = None, max_frequency: int = 7) -> dict:
    """Compare a purchase model's predictions for a holdout period with the purchases that happened.

    Parameters
    ----------
    summary_calibration : mapping or DataFrame
        Columns ``frequency``, ``recency`` and ``T`` of the calibration period, one row
        per customer.
    actual_holdout_purchases : array-like
        Purchases each customer made in the holdout period (same order, >= 0).
    holdout_length : float
        Length of the holdout period, in the time unit of recency and T.
    model : PurchaseModel, optional
        A fitted model (BetaGeo, ModifiedBetaGeo, ParetoNBD); by default a BetaGeo is
        fitted on ``summary_calibration``.
    max_frequency : int, default 7
        Calibration frequencies at or above this value are grouped in ``by_frequency``.

    Returns
    -------
    dict
        ``per_customer`` (DataFrame: frequency, recency, T, predicted, actual, error =
        predicted - actual), ``by_frequency`` (DataFrame indexed by calibration frequency
        0..max_frequency, the last meaning "or more": customers, mean predicted, mean actual),
        ``mae``, ``rmse``, ``total_predicted``, ``total_actual``, ``correlation`` (Pearson,
        NaN when either side is constant), ``params`` and ``model`` (its code, e.g.
        ``"bg_nbd"``) of the model.

    Raises
    ------
    DataError
        A missing column in ``summary_calibration``.
    InvalidValue
        ``actual_holdout_purchases`` of a different length.
    """
    missing = [c for c in ("frequency", "recency", "T") if c not in summary_calibration]
    if missing:
        raise DataError(f"summary_calibration lacks column(s) {', '.join(missing)}; "
                        "it needs frequency, recency and T")
    x, t_x, age = (v.ravel() for v in customer_arrays(
        summary_calibration["frequency"], summary_calibration["recency"], summary_calibration["T"]))
    actual = as_float_array("actual_holdout_purchases", actual_holdout_purchases).ravel()
    if actual.size != x.size:
        raise InvalidValue(f"actual_holdout_purchases has {actual.size} values for "
                           f"{x.size} customers; give one count per customer")
    length = float(as_float_array("holdout_length", holdout_length))
    if length <= 0:
        raise OutOfRange("holdout_length must be > 0")
    if model is None:
        model = BetaGeo().fit(x, t_x, age)
    predicted = model.expected_purchases(length, x, t_x, age)
    error = predicted - actual
    per_customer = pd.DataFrame({"frequency": x, "recency": t_x, "T": age,
                                 "predicted": predicted, "actual": actual, "error": error})
    group = np.minimum(x, max_frequency).astype(int)
    by_frequency = (per_customer.assign(group=group).groupby("group")
                    .agg(customers=("actual", "size"), predicted=("predicted", "mean"),
                         actual=("actual", "mean")))
    by_frequency.index.name = "frequency"
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = (float(np.corrcoef(predicted, actual)[0, 1])
                       if x.size > 1 and predicted.std() > 0 and actual.std() > 0 else float("nan"))
    return {
        "per_customer": per_customer,
        "by_frequency": by_frequency,
        "mae": float(np.mean(np.abs(error))),
        "rmse": float(np.sqrt(np.mean(error ** 2))),
        "total_predicted": float(predicted.sum()),
        "total_actual": float(actual.sum()),
        "correlation": correlation,
        "params": dict(model.params_),
        "model": model.model_code,
    }
