"""Survey answers joined to the customers and trended: NPS per period and per segment, unhappy customers.

From the answers of :func:`~retention_xl.analysis.side_tables.clean_survey`:

* per period (the report's period): answers, promoters/passives/detractors, NPS with its
  margin of error at 95% (:func:`~retention_xl.analysis.metrics.nps`,
  :func:`~retention_xl.analysis.metrics.nps_moe`), CSAT and CES with their numbers of
  answers. A figure resting on fewer than :data:`MIN_ANSWERS` answers is left empty
  (``enough`` is False): with so few the margin of error is too wide, and the normal
  approximation behind it does not hold, for it to be read as a number;
* per customer segment, when answers carry customer ids known in the orders (the same
  figures and the same rule);
* unhappy customers: customers whose latest answer is a detractor (NPS 0-6), a low
  satisfaction (CSAT 1-2 of 5) or a high effort (1-3 on the 7-point ease scale, where 7 is
  very easy), ranked by value at stake; they also enter the contact plan with a call-back
  (:mod:`~retention_xl.analysis.contacts`).

Examples
--------
>>> from retention_xl.analysis.side_tables import clean_survey
>>> survey = clean_survey(pd.DataFrame({"Customer": ["a", "b", "a"], "Date": ["2024-01-05", "2024-01-09", "2024-02-01"],
...                                     "Score": [3, 10, 5]}))
>>> customers = pd.DataFrame({"segment": ["Loyal", "New"], "predicted_clv": [80.0, 20.0], "clv": [90.0, 25.0]},
...                          index=["a", "b"])
>>> fb = survey_feedback(survey, customers, "M", min_answers=2)
>>> fb.trend[["period", "answers", "nps", "enough"]].values.tolist()
[['2024-01', 2, 0.0, True], ['2024-02', 1, nan, False]]
>>> fb.unhappy[["answered", "score", "reason", "value"]].reset_index().values.tolist()
[['a', Timestamp('2024-02-01 00:00:00'), 5.0, 'detractor', 80.0]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis import metrics
from retention_xl.analysis.contacts import value_at_stake
from retention_xl.analysis.periods import (
    normalise_period,
    period_labels,
    period_ordinals,
    period_starts,
)
from retention_xl.analysis.segments import SEGMENTS
from retention_xl.analysis.side_tables import SideTable
from retention_xl.errors import InvalidValue

__all__ = [
    "Feedback",
    "MIN_ANSWERS",
    "DETRACTOR_MAX",
    "LOW_SATISFACTION_MAX",
    "HIGH_EFFORT_MAX",
    "UNHAPPY_REASONS",
    "survey_feedback",
]

MIN_ANSWERS = 30  # fewer answers than this: too few to show a figure
DETRACTOR_MAX = 6  # NPS 0-6
LOW_SATISFACTION_MAX = 2  # CSAT 1-2 of 5
HIGH_EFFORT_MAX = 3  # 1-3 of 7 (7 = very easy)
#: why an answer is unhappy, in the order they are checked
UNHAPPY_REASONS = ("detractor", "low_satisfaction", "high_effort")
_FIGURES = ("answers", "promoters", "passives", "detractors", "nps", "nps_moe", "csat_answers", "csat",
            "ces_answers", "ces", "enough")


@dataclass(frozen=True)
class Feedback:
    """The survey's figures.

    Attributes
    ----------
    survey : SideTable
        The answers used, and the rows left out.
    overall : dict
        The figures of all answers together (keys as the columns of ``trend`` after
        ``start``).
    trend : pandas.DataFrame
        One row per period from the first answer's to the last's: ``period``, ``start``,
        ``answers`` (NPS answers), ``promoters``, ``passives``, ``detractors`` (shares),
        ``nps`` (points), ``nps_moe`` (points, 95%), ``csat_answers``, ``csat`` (share),
        ``ces_answers``, ``ces`` (mean 1-7), ``enough`` (``answers >= min_answers``).
        NPS, its margin, CSAT and CES are NaN when resting on fewer than ``min_answers``
        answers (the margin also on one answer, whatever ``min_answers`` says).
    by_segment : pandas.DataFrame
        The same figures per customer segment (index: the segments of
        :data:`~retention_xl.analysis.segments.SEGMENTS`, plus ``customers`` answering);
        empty when no answer names a known customer.
    unhappy : pandas.DataFrame
        Indexed by customer: ``answered`` (day of the latest answer), ``score``,
        ``satisfaction``, ``effort``, ``comment``, ``reason`` (of
        :data:`UNHAPPY_REASONS`), ``segment``, ``value`` (value at stake); highest value
        first.
    period : str
    min_answers : int
    with_customer, matched : int
        Answers that name a customer, and those whose customer is in the orders.
    """

    survey: SideTable
    overall: dict
    trend: pd.DataFrame
    by_segment: pd.DataFrame
    unhappy: pd.DataFrame
    period: str
    min_answers: int
    with_customer: int
    matched: int


def _figures(answers: pd.DataFrame, min_answers: int) -> dict:
    """The figures of one group of answers."""
    score = answers["score"].to_numpy(dtype=float)
    score = score[np.isfinite(score)]
    sat = answers["satisfaction"].to_numpy(dtype=float)
    sat = sat[np.isfinite(sat)]
    effort = answers["effort"].to_numpy(dtype=float)
    effort = effort[np.isfinite(effort)]
    n = score.size
    out = {
        "answers": n,
        "promoters": float((score >= 9).mean()) if n else np.nan,
        "passives": float(((score >= 7) & (score <= 8)).mean()) if n else np.nan,
        "detractors": float((score <= DETRACTOR_MAX).mean()) if n else np.nan,
        "nps": metrics.nps(score) if n >= min_answers else np.nan,
        "nps_moe": metrics.nps_moe(score) if n >= max(min_answers, 2) else np.nan,  # one answer has none
        "csat_answers": sat.size,
        "csat": metrics.csat(sat) if sat.size >= min_answers else np.nan,
        "ces_answers": effort.size,
        "ces": metrics.ces(effort) if effort.size >= min_answers else np.nan,
        "enough": n >= min_answers,
    }
    return out


def _empty_figures() -> dict:
    return {"answers": 0, "promoters": np.nan, "passives": np.nan, "detractors": np.nan, "nps": np.nan,
            "nps_moe": np.nan, "csat_answers": 0, "csat": np.nan, "ces_answers": 0, "ces": np.nan, "enough": False}


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("answers", "csat_answers", "ces_answers"):
        frame[col] = frame[col].astype(np.int64)
    frame["enough"] = frame["enough"].astype(bool)
    return frame


def _unhappy_reason(answers: pd.DataFrame) -> np.ndarray:
    """The first unhappy reason of each answer, or ""."""
    score = answers["score"].to_numpy(dtype=float)
    sat = answers["satisfaction"].to_numpy(dtype=float)
    effort = answers["effort"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        rules = [score <= DETRACTOR_MAX, sat <= LOW_SATISFACTION_MAX, effort <= HIGH_EFFORT_MAX]
    return np.select(rules, list(UNHAPPY_REASONS), "")


def survey_feedback(survey: SideTable, customers: pd.DataFrame, period: str = "M", *,
                    min_answers: int = MIN_ANSWERS, calendar: str = "gregorian") -> Feedback:
    """The survey's figures per period and per segment, and the unhappy customers.

    Parameters
    ----------
    survey : SideTable
        :func:`~retention_xl.analysis.side_tables.clean_survey`.
    customers : pandas.DataFrame
        The report's Customers table (index: customer id; ``segment``,
        ``predicted_clv``, ``clv``).
    period : {"W", "M", "Q", "Y"}
        The trend's period.
    calendar : {"gregorian", "jalali"}
        The calendar of its periods (the report's).
    min_answers : int
        Fewest answers behind a figure.

    Returns
    -------
    Feedback
    """
    if not isinstance(survey, SideTable) or survey.kind != "survey":
        raise InvalidValue("survey must be the result of clean_survey()")
    if isinstance(min_answers, bool) or not isinstance(min_answers, (int, np.integer)) or min_answers < 1:
        raise InvalidValue(f"min_answers must be a whole number of at least 1, got {min_answers!r}")
    code = normalise_period(period)
    answers = survey.frame
    overall = _figures(answers, min_answers) if len(answers) else _empty_figures()

    if len(answers):
        ordinal = period_ordinals(answers["date"], code, calendar)
        span = np.arange(ordinal.min(), ordinal.max() + 1, dtype=np.int64)
        groups = dict(tuple(answers.groupby(ordinal, sort=True)))
        rows = [_figures(groups[o], min_answers) if o in groups else _empty_figures() for o in span]
        trend = _typed(pd.DataFrame(rows, columns=list(_FIGURES)))
        trend.insert(0, "start", period_starts(span, code, calendar))
        trend.insert(0, "period", period_labels(span, code, calendar))
    else:
        trend = _typed(pd.DataFrame({k: pd.Series([], dtype=float) for k in _FIGURES}))
        trend.insert(0, "start", pd.Series([], dtype="datetime64[ns]"))
        trend.insert(0, "period", pd.Series([], dtype="str"))

    index = pd.Index(customers.index.astype(str))
    named = answers["customer"].astype(str).to_numpy() != ""
    position = index.get_indexer(answers["customer"].astype(str))
    known = position >= 0
    segment = np.full(len(answers), "", dtype=object)
    segment[known] = customers["segment"].astype(str).to_numpy()[position[known]]
    if known.any():
        joined = answers[known].assign(segment=segment[known])
        grouped = dict(tuple(joined.groupby("segment", sort=False)))
        present = [s for s in SEGMENTS if s in grouped]
        by_segment = _typed(pd.DataFrame([_figures(grouped[s], min_answers) for s in present],
                                         columns=list(_FIGURES), index=pd.Index(present, name="segment")))
        by_segment.insert(0, "customers", [grouped[s]["customer"].nunique() for s in present])
    else:
        by_segment = _typed(pd.DataFrame({k: pd.Series([], dtype=float) for k in _FIGURES},
                                         index=pd.Index([], name="segment", dtype="str")))
        by_segment.insert(0, "customers", pd.Series([], dtype=np.int64))

    latest = answers[known].assign(position=position[known]).drop_duplicates("position", keep="last")
    reason = _unhappy_reason(latest)
    sad = latest[reason != ""].assign(reason=reason[reason != ""])
    values = value_at_stake(customers).to_numpy(dtype=float)
    where = sad["position"].to_numpy()
    unhappy = pd.DataFrame({
        "answered": sad["date"].dt.normalize().to_numpy(),
        "score": sad["score"].to_numpy(dtype=float),
        "satisfaction": sad["satisfaction"].to_numpy(dtype=float),
        "effort": sad["effort"].to_numpy(dtype=float),
        "comment": sad["comment"].astype(str).to_numpy(),
        "reason": sad["reason"].astype(str).to_numpy(),
        "segment": customers["segment"].astype(str).to_numpy()[where],
        "value": values[where],
    }, index=pd.Index(index.to_numpy()[where], name="customer"))
    unhappy = unhappy.iloc[np.lexsort((unhappy.index.to_numpy(), -unhappy["value"].to_numpy()))]
    return Feedback(survey, overall, trend, by_segment, unhappy, code, int(min_answers),
                    int(named.sum()), int(known.sum()))
