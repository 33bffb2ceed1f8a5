"""Each customer's row of the contact plan, from the plan's decisions kept in narrow arrays.

:func:`~retention_xl.analysis.contacts.plan_contacts` decides a status, an action, its
reason and its day for every customer and keeps them as one small array each
(:class:`PlanDecisions`); a customer's row of the plan (the dates, the usual gap, the days
overdue, the value at stake ...) is built from them and the Customers table's own columns
only for the rows asked for: the plan's rows, the unhappy customers' rows, or every row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ACTIONS", "DAY_NS", "PlanDecisions", "REASONS", "STATUSES", "day_numbers", "midnight_dates",
           "plan_weeks"]

#: statuses, from the best to the worst
STATUSES = ("on_track", "due", "overdue", "lapsing", "lost")
#: actions, in the order of their priority within a week
ACTIONS = ("call_back", "win_back", "second_order", "loyalty", "reminder")
#: why an action was chosen
REASONS = ("detractor", "low_satisfaction", "high_effort", "lapsing_valuable", "first_order", "best_customer",
           "order_overdue", "becomes_overdue", "contacted_recently")
DAY_NS = 86_400_000_000_000


def day_numbers(dates) -> np.ndarray:
    """Days since 1970-01-01 of each date (a Series or an array of dates), as floats (NaN for NaT)."""
    index = pd.DatetimeIndex(dates).as_unit("ns")
    out = (index.asi8 // DAY_NS).astype(float)
    out[index.isna()] = np.nan
    return out


def midnight_dates(days: np.ndarray) -> pd.DatetimeIndex:
    """Days since 1970-01-01 (NaN for none) as midnight dates."""
    values = np.where(np.isfinite(days), days, 0).astype(np.int64) * DAY_NS
    out = pd.DatetimeIndex(values.astype("datetime64[ns]"))
    return out.where(np.isfinite(days))


def plan_weeks(act: np.ndarray, today: int) -> np.ndarray:
    """The plan week of each day to act (1 = the week starting on the plan day; 0 for none)."""
    return np.where(np.isfinite(act), (np.nan_to_num(act, nan=today) - today) // 7 + 1, 0).astype(np.int64)


@dataclass(frozen=True)
class PlanDecisions:
    """What the plan decided for every customer, one narrow array each (in the order of the
    Customers table); the rest of a customer's row is read from the Customers table's own
    columns (shared, not copied) when the rows are asked for."""

    index: pd.Index
    today: int
    last_order: np.ndarray  # the Customers table's, shared
    p_alive: np.ndarray  # shared
    segment: pd.Categorical
    orders: np.ndarray  # shared
    status: np.ndarray  # int8 codes into STATUSES
    action: np.ndarray  # int8 codes into ACTIONS, len(ACTIONS) for none
    reason: np.ndarray  # int8 codes into REASONS, len(REASONS) for none
    act: np.ndarray  # day to act (days since 1970-01-01), NaN for none
    usual_gap: np.ndarray
    value: np.ndarray
    in_plan: np.ndarray
    contact_day: np.ndarray | None  # None: no contact logged for anyone
    channel: pd.Categorical

    def frame(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """The rows at positions ``rows`` (every customer when ``None``), as
        :attr:`ContactPlan.customers` lists them."""
        def take(values):
            return values if rows is None else values[rows]

        today = self.today
        last = day_numbers(take(self.last_order))
        g = take(self.usual_gap)
        expected = last + np.ceil(g)
        act = take(self.act)
        contact_day = np.full(len(last), np.nan) if self.contact_day is None else take(self.contact_day)
        return pd.DataFrame({
            "status": pd.Categorical.from_codes(take(self.status), list(STATUSES)),
            "action": pd.Categorical.from_codes(take(self.action), [*ACTIONS, ""]),
            "reason": pd.Categorical.from_codes(take(self.reason), [*REASONS, ""]),
            "act_on": midnight_dates(act),
            "week": plan_weeks(act, today),
            "last_order": midnight_dates(last),
            "last_contact": midnight_dates(contact_day),
            "channel": take(self.channel),
            "expected_next": midnight_dates(expected),
            "usual_gap": g,
            "days_since_last": (today - last).astype(np.int64),
            "days_overdue": np.maximum(today - expected, 0).astype(np.int64),
            "value": take(self.value),
            "p_alive": take(self.p_alive),
            "segment": take(self.segment),
            "orders": take(self.orders),
            "in_plan": take(self.in_plan),
        }, index=take(self.index))
