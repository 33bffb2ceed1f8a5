"""Everything the report shows, computed once from a clean order table.

Besides the historical figures, every customer gets the predictions of
:func:`~retention_xl.analysis.prediction.predict_customers` (P(alive), purchases and CLV
over the next 12 months); when the data cannot support the models, those columns are
empty and :attr:`Analysis.prediction` says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.cohorts import Cohorts, cohort_tables
from retention_xl.analysis.customers import customer_summary
from retention_xl.analysis.kpis import DEFAULT_WINDOW_DAYS, headline_kpis, period_kpis
from retention_xl.analysis.periods import normalise_period
from retention_xl.analysis.prediction import Prediction, predict_customers
from retention_xl.analysis.segments import (
    SEGMENTS,
    at_risk,
    median_gaps,
    pareto,
    rfm_scores,
    rfm_segments,
    segment_summary,
)
from retention_xl.errors import DataError

__all__ = ["Analysis", "analyse"]


@dataclass(frozen=True)
class Analysis:
    """The results behind the report.

    Attributes
    ----------
    period, window_days : the options used
    kpis : :func:`~retention_xl.analysis.kpis.period_kpis`
    headline : :func:`~retention_xl.analysis.kpis.headline_kpis` plus Pareto and at-risk count
    cohorts : :func:`~retention_xl.analysis.cohorts.cohort_tables`
    customers : one row per customer: summary, R/F/M scores, segment, CLV, the
        predictions (``p_alive, expected_purchases, expected_spend, predicted_clv``) and
        the at-risk flag
    segments : :func:`~retention_xl.analysis.segments.segment_summary` plus
        ``avg_predicted_clv`` and its 90% interval ``avg_predicted_clv_low/high``
    prediction : the models behind the predictions, or why there are none
    """

    period: str
    window_days: int
    kpis: pd.DataFrame
    headline: dict
    cohorts: Cohorts
    customers: pd.DataFrame
    segments: pd.DataFrame
    prediction: Prediction


def analyse(
    orders: pd.DataFrame, *, period: str = "M", window_days: int | None = None, margin: float = 1.0,
    horizon: int = 12,
) -> Analysis:
    """Run every analysis of the report on a clean order table.

    ``margin`` turns revenue into profit for the historical and the predicted CLV
    (1 = revenue); ``horizon`` is the number of months predicted.
    """
    if orders.empty:
        raise DataError("no usable orders: every input row was skipped (see the data issues)")
    code = normalise_period(period)
    window = DEFAULT_WINDOW_DAYS[code] if window_days is None else window_days
    # one categorical column makes every later groupby on customers cheap
    orders = orders.assign(customer=orders["customer"].astype("category"))

    kpis = period_kpis(orders, code, window)
    cohorts = cohort_tables(orders, code)
    summary = customer_summary(orders)
    scores = rfm_scores(summary)
    customers = summary.join(scores)
    customers["rfm"] = (scores["r"] * 100 + scores["f"] * 10 + scores["m"]).astype(np.int64)
    customers["segment"] = rfm_segments(scores)
    customers["clv"] = customers["revenue"] * margin
    prediction = predict_customers(summary, orders=orders, horizon=horizon, margin=margin)
    customers = customers.join(prediction.customers)
    customers["at_risk"] = at_risk(customers["days_since_last"], median_gaps(orders).reindex(customers.index),
                                   customers["p_alive"], customers["frequency"] + 1)
    customers.index = customers.index.astype(str)
    segments = segment_summary(customers)
    segments["avg_predicted_clv"] = (customers.groupby("segment", observed=False)["predicted_clv"]
                                     .mean().reindex(SEGMENTS).to_numpy())
    segment_of = customers["segment"].to_numpy()
    bounds = [prediction.clv_mean_interval(segment_of == name) for name in SEGMENTS]
    segments["avg_predicted_clv_low"] = [low for low, _ in bounds]
    segments["avg_predicted_clv_high"] = [high for _, high in bounds]

    headline = headline_kpis(orders, kpis)
    headline.update(pareto(customers["revenue"]))
    headline["at_risk"] = int(customers["at_risk"].sum())
    return Analysis(
        period=code,
        window_days=window,
        kpis=kpis,
        headline=headline,
        cohorts=cohorts,
        customers=customers,
        segments=segments,
        prediction=prediction,
    )
