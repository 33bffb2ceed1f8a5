"""Everything the report shows, computed once from a clean order table.

Besides the historical figures, every customer gets the predictions of
:func:`~retention_xl.analysis.prediction.predict_customers` (P(alive), purchases and CLV
over the next 12 months); when the data cannot support the models, those columns are
empty and :attr:`Analysis.prediction` says why.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.cohorts import Cohorts, cohort_tables
from retention_xl.analysis.contacts import ContactPlan, plan_contacts
from retention_xl.analysis.customers import customer_summary
from retention_xl.analysis.feedback import Feedback, survey_feedback
from retention_xl.analysis.kpis import DEFAULT_WINDOW_DAYS, headline_kpis, period_kpis
from retention_xl.analysis.orders import Orders, no_orders_error
from retention_xl.analysis.periods import normalise_period, report_calendar
from retention_xl.analysis.prediction import PREDICTION_COLUMNS, Prediction, predict_customers
from retention_xl.analysis.segments import (
    SEGMENTS,
    at_risk,
    median_gaps,
    pareto,
    rfm_scores,
    rfm_segments,
    segment_summary,
)
from retention_xl.analysis.side_tables import SideTable

__all__ = ["Analysis", "analyse_orders", "customer_table", "finish_analysis"]


@dataclass(frozen=True)
class Analysis:
    """The results behind the report.

    Attributes
    ----------
    orders : the cleaned order table the analysis ran on (issues, notices, source)
    period, window_days : the options used
    calendar : the calendar of the periods, ``"gregorian"`` or ``"jalali"``
    kpis : :func:`~retention_xl.analysis.kpis.period_kpis`
    headline : :func:`~retention_xl.analysis.kpis.headline_kpis` plus Pareto and at-risk count
    cohorts : :func:`~retention_xl.analysis.cohorts.cohort_tables`
    customers : one row per customer: summary, R/F/M scores, segment, CLV, the
        predictions (``p_alive, expected_purchases, expected_spend, predicted_clv``) and
        the at-risk flag
    segments : :func:`~retention_xl.analysis.segments.segment_summary` plus
        ``avg_predicted_clv`` and its 90% interval ``avg_predicted_clv_low/high``
    prediction : the models behind the predictions, or why there are none
    contacts : :func:`~retention_xl.analysis.contacts.plan_contacts`: whom to contact,
        when, why, and the counts per status
    feedback : :func:`~retention_xl.analysis.feedback.survey_feedback`, or ``None``
        without survey answers
    contact_log : the contact log used, or ``None``
    """

    orders: Orders
    period: str
    window_days: int
    kpis: pd.DataFrame
    headline: dict
    cohorts: Cohorts
    customers: pd.DataFrame
    segments: pd.DataFrame
    prediction: Prediction
    contacts: ContactPlan | None = None
    feedback: Feedback | None = None
    contact_log: SideTable | None = None
    calendar: str = "gregorian"


def customer_table(orders: pd.DataFrame | None, *, margin: float = 1.0, horizon: int = 12,
                   discount: float = 0.01, gaps: pd.Series | None = None, summary: pd.DataFrame | None = None,
                   holdout: tuple | None = None) -> tuple[pd.DataFrame, Prediction]:
    """The report's Customers table from clean orders, and the models behind its predictions.

    One row per customer (index: the customer id as text): the summary of
    :func:`~retention_xl.analysis.customers.customer_summary`, R/F/M scores, ``rfm``,
    ``segment``, historical ``clv`` (revenue x ``margin``), the predictions of
    :func:`~retention_xl.analysis.prediction.predict_customers` and the ``at_risk`` flag.

    An engine that keeps the orders elsewhere (:mod:`retention_xl.engines`) passes
    ``orders=None`` with the ``summary``, the ``gaps`` and the model choice's ``holdout``
    split (as :func:`~retention_xl.analysis.holdout_split.holdout_split` returns it) computed
    there: everything from the summary on is this one definition.
    """
    summary = customer_summary(orders) if summary is None else summary
    scores = rfm_scores(summary)
    # the summary's columns are shared, not copied: with ten million customers a copy is a gigabyte
    customers = summary.copy(deep=False)
    for name in scores:
        customers[name] = scores[name]
    r, f, m = (scores[name].to_numpy().astype(np.int16) for name in "rfm")
    customers["rfm"] = r * 100 + f * 10 + m  # 111-555: two bytes a customer
    del r, f, m
    customers["segment"] = rfm_segments(scores)
    customers["clv"] = customers["revenue"] * margin
    del scores
    prediction = predict_customers(summary, orders=orders, horizon=horizon, margin=margin, discount=discount,
                                   holdout=holdout, groups=customers["segment"].cat.codes.to_numpy())
    for name in PREDICTION_COLUMNS:
        customers[name] = prediction.customers[name]
    gaps = median_gaps(orders) if gaps is None else gaps
    customers["at_risk"] = at_risk(customers["days_since_last"], gaps.reindex(customers.index),
                                   customers["p_alive"], customers["frequency"] + 1)
    if customers.index.dtype != "str":
        customers.index = customers.index.astype(str)
    # the prediction's table becomes a view of the Customers table's columns: one copy in memory
    prediction = dataclasses.replace(prediction, customers=customers[list(PREDICTION_COLUMNS)])
    return customers, prediction


def analyse_orders(
    clean: Orders, *, period: str = "M", window_days: int | None = None, margin: float = 1.0,
    horizon: int = 12, discount: float = 0.01, as_of=None, quiet_days: int = 30, contact_weeks: int = 12,
    survey: SideTable | None = None, contacts: SideTable | None = None, calendar: str = "auto",
) -> Analysis:
    """Run every analysis of the report on a cleaned order table.

    ``margin`` turns revenue into profit for the historical and the predicted CLV
    (1 = revenue); ``horizon`` is the number of months predicted, ``discount`` the
    discount rate per month of the predicted CLV. ``as_of``, ``quiet_days`` and
    ``contact_weeks`` shape the contact plan; ``survey`` answers and a ``contacts`` log
    (:mod:`~retention_xl.analysis.side_tables`) feed the feedback figures and the plan.
    ``calendar`` counts the periods in the Gregorian or the Jalali calendar; ``"auto"``:
    Jalali when the dates were written in it (:func:`~retention_xl.analysis.periods.report_calendar`).

    Raises
    ------
    NoUsableOrders
        Not one row of the table was usable.
    """
    orders = clean.frame
    if orders.empty:
        raise no_orders_error(clean)
    code = normalise_period(period)
    window = DEFAULT_WINDOW_DAYS[code] if window_days is None else window_days
    # one categorical column makes every later groupby on customers cheap
    orders = orders.assign(customer=orders["customer"].astype("category"))

    calendar = report_calendar(calendar, clean.notices)
    kpis = period_kpis(orders, code, window, calendar)
    cohorts = cohort_tables(orders, code, calendar)
    gaps = median_gaps(orders)
    customers, prediction = customer_table(orders, margin=margin, horizon=horizon, discount=discount, gaps=gaps)
    headline = headline_kpis(orders, kpis, window)
    return finish_analysis(clean, code, window, kpis, cohorts, headline, customers, prediction, gaps,
                           as_of=as_of, quiet_days=quiet_days, contact_weeks=contact_weeks,
                           survey=survey, contacts=contacts, calendar=calendar)


def finish_analysis(clean: Orders, code: str, window: int, kpis: pd.DataFrame, cohorts: Cohorts, headline: dict,
                    customers: pd.DataFrame, prediction: Prediction, gaps: pd.Series, *, as_of=None,
                    quiet_days: int = 30, contact_weeks: int = 12, survey: SideTable | None = None,
                    contacts: SideTable | None = None, calendar: str = "gregorian") -> Analysis:
    """The per-customer half of the analysis, whichever engine computed the aggregates:
    segments, the contact plan (and the at-risk flag it decides), the survey feedback."""
    segments = segment_summary(customers)
    segments["avg_predicted_clv"] = (customers.groupby("segment", observed=False)["predicted_clv"]
                                     .mean().reindex(SEGMENTS).to_numpy())
    segment_of = customers["segment"].cat.codes.to_numpy()
    bounds = [prediction.group_clv_interval(segment_of, code) for code in range(len(SEGMENTS))]
    segments["avg_predicted_clv_low"] = [low for low, _ in bounds]
    segments["avg_predicted_clv_high"] = [high for _, high in bounds]

    headline = dict(headline)
    headline.update(pareto(customers["revenue"]))
    feedback = None if survey is None else survey_feedback(survey, customers, code, calendar=calendar)
    gaps = gaps if gaps.index.dtype == "str" else gaps.set_axis(gaps.index.astype(str))
    plan = plan_contacts(customers, gaps, as_of=as_of, window_days=window,
                         quiet_days=quiet_days,
                         weeks=contact_weeks, contacts=contacts,
                         unhappy=None if feedback is None else feedback.unhappy)
    # at risk = still savable: the lost (gone beyond four usual gaps and the window) are not
    customers["at_risk"] = plan.lapsing
    headline["at_risk"] = plan.at_risk
    return Analysis(
        orders=clean,
        period=code,
        window_days=window,
        kpis=kpis,
        headline=headline,
        cohorts=cohorts,
        customers=customers,
        segments=segments,
        prediction=prediction,
        contacts=plan,
        feedback=feedback,
        contact_log=contacts,
        calendar=calendar,
    )
