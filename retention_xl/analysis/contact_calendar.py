"""The contact plan as weekly batches: how many contacts fall in each of the next weeks, by action.

Week 1 starts on the plan day, week 2 seven days later, and so on; each batch counts the
plan's rows whose day to act falls in it, per action, and adds up their value at stake.
The Contacts sheet shows it as a table and a chart, and ``retention-xl contacts --ics``
turns each non-empty week into a calendar event.

Examples
--------
>>> plan = pd.DataFrame({"week": [1, 1, 3], "action": ["call_back", "reminder", "reminder"],
...                      "value": [10.0, 5.0, 2.5]})
>>> weekly_batches(plan, pd.Timestamp("2024-03-14"), 3, ("call_back", "reminder"))[["week", "start", "end", "contacts", "reminder", "value"]]
   week      start        end  contacts  reminder  value
0     1 2024-03-14 2024-03-20         2         1   15.0
1     2 2024-03-21 2024-03-27         0         0    0.0
2     3 2024-03-28 2024-04-03         1         1    2.5
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["weekly_batches"]


def weekly_batches(plan: pd.DataFrame, as_of: pd.Timestamp, weeks: int, actions: tuple[str, ...]) -> pd.DataFrame:
    """One row per week of the plan: ``week``, ``start``, ``end`` (inclusive), ``contacts``,
    one count per action of ``actions`` and ``value`` (value at stake).

    Parameters
    ----------
    plan : pandas.DataFrame
        ``week`` (1-based), ``action`` and ``value`` per planned contact; rows outside
        weeks 1..``weeks`` are not counted.
    as_of : pandas.Timestamp
        The plan day: the first day of week 1.
    weeks : int
        Number of weeks.
    actions : tuple of str
        The action codes to count, each becoming a column
        (:data:`~retention_xl.analysis.contacts.ACTIONS`).
    """
    week = plan["week"].to_numpy(dtype=np.int64)
    inside = (week >= 1) & (week <= weeks)
    slot = week[inside] - 1
    start = pd.Timestamp(as_of).normalize() + pd.to_timedelta(np.arange(weeks) * 7, unit="D")
    out = pd.DataFrame({
        "week": np.arange(1, weeks + 1, dtype=np.int64),
        "start": start,
        "end": start + pd.Timedelta(days=6),
        "contacts": np.bincount(slot, minlength=weeks),
    })
    action = plan["action"]
    for name in actions:
        out[name] = np.bincount(slot[(action == name).to_numpy()[inside]], minlength=weeks)
    out["value"] = np.bincount(slot, weights=plan["value"].to_numpy(dtype=float)[inside], minlength=weeks)
    return out
