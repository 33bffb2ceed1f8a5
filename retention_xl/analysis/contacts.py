"""The contact plan: each customer's status, the action it calls for, the day to act, and what it is worth.

Every rule works on whole days as of the *plan day* ``as_of`` (by default the day of
the last order in the data, the day the Customers table's "days since last order" is
counted to). For a customer:

* ``d`` = days from its last order day to the plan day;
* ``g`` = its *usual gap*: the median days between its order days; a customer with one
  order day has no rhythm of its own and gets the median of the repeat customers' usual
  gaps (30 days when nobody has bought twice), as in the at-risk rule of
  :mod:`~retention_xl.analysis.segments`;
* the *expected next order* is ``g`` days after the last order (rounded up to a day).

Status (the first rule that holds):

=========  ==================================================================================
lost       ``d > max(4 g, activity window)``: gone longer than four usual gaps and out of the
           customer base; not in the plan
lapsing    at risk by the Segments sheet's rule and not lost: ``d > max(2 g, 30)``, or the
           purchase model gives P(alive) below 50% (for customers with orders on 2 or more
           days); the report's *at risk* count
overdue    ``d >= 1.5 g``
due        ``d >= g``: the expected next order day has come
on track   otherwise; also a due or overdue customer contacted less than ``quiet_days``
           ago (a touch answers the reminder; wait for the order)
=========  ==================================================================================

Action (the first rule that holds; lost customers get none):

=============  ===========================================================================
call_back      an unhappy survey answer (detractor: NPS 0-6; low satisfaction: CSAT 1-2;
               high effort: 1-3 on the 7-point ease scale) given at most 90 days before the
               plan day, with no contact logged on or after its day. Act on the plan day
               (on the answer's day when the survey is newer than the orders), quiet
               period or not.
win_back       lapsing, and a value at stake at or above the median value at stake of the
               customers who are not lost (*valuable*); a lapsing customer's value at
               stake is the larger of its predicted and its historical value (what a
               win-back recovers)
second_order   one order day only and not lapsing: thank them and invite a second order,
               7 days after the first order
loyalty        orders on 2 or more days, value at stake in the top 10% (at or above the 90th
               percentile of the customers who are not lost), not lapsing: a thank-you or
               reward timed to the expected next order
reminder       valuable and not lapsing: a reminder on the day it becomes overdue (1.5 g after
               its last order), unless it orders first
=============  ===========================================================================

Everyone else (lapsing or due customers worth less than the median, and the lost) is
counted per status but not planned: a plan a person can work through lists the customers
worth a contact.

The day to act is never before the plan day, and apart from a call-back never less than
``quiet_days`` after the last logged contact. The plan lists the actions that fall within
``weeks`` weeks of the plan day, by week, then by action in the order above, then by value
at stake (highest first).

*Value at stake* is the predicted CLV where the purchase model gives one, else the
historical CLV (revenue x margin).

Examples
--------
A customer who ordered every 10 days, last on 1 March, planned for 14 March (d = 13,
due from d = 10, overdue from d = 15):

>>> customers = pd.DataFrame({
...     "first_order": pd.to_datetime(["2024-02-10"]), "last_order": pd.to_datetime(["2024-03-01"]),
...     "frequency": [2], "p_alive": [0.9], "predicted_clv": [50.0], "clv": [60.0],
...     "segment": ["Loyal"], "orders": [3]}, index=pd.Index(["c1"], name="customer"))
>>> plan = plan_contacts(customers, pd.Series({"c1": 10.0}), as_of="2024-03-14")
>>> plan.plan[["customer", "status", "action", "reason", "expected_next", "days_overdue"]].values.tolist()
[['c1', 'due', 'loyalty', 'best_customer', Timestamp('2024-03-11 00:00:00'), 3]]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from retention_xl.analysis.contact_calendar import weekly_batches
from retention_xl.analysis.contact_rows import (
    ACTIONS,
    DAY_NS,
    REASONS,
    STATUSES,
    PlanDecisions,
    day_numbers,
    midnight_dates,
    plan_weeks,
)
from retention_xl.analysis.dates import read_day
from retention_xl.analysis.option_checks import whole
from retention_xl.analysis.segments import AT_RISK_MIN_DAYS, at_risk
from retention_xl.analysis.side_tables import SideTable
from retention_xl.errors import DataError

__all__ = [
    "ContactPlan",
    "OVERDUE_FACTOR",
    "LOST_FACTOR",
    "FOLLOW_UP_DAYS",
    "CALL_BACK_DAYS",
    "VALUABLE_QUANTILE",
    "BEST_QUANTILE",
    "DEFAULT_QUIET_DAYS",
    "DEFAULT_WEEKS",
    "plan_contacts",
    "value_at_stake",
]

OVERDUE_FACTOR = 1.5  # overdue from this many usual gaps
LOST_FACTOR = 4.0  # lost beyond this many usual gaps (and the activity window)
FOLLOW_UP_DAYS = 7  # the second-order follow-up, days after the first order
CALL_BACK_DAYS = 90  # an unhappy answer older than this no longer calls for a call-back
VALUABLE_QUANTILE = 0.5  # win-back from the median value at stake of the customers not lost
BEST_QUANTILE = 0.9  # loyalty: the top 10% by value at stake
DEFAULT_QUIET_DAYS = 30
DEFAULT_WEEKS = 12


#: customers whose statuses and actions are worked out at a time: the work arrays stay the
#: size of one slice, whatever the number of customers
PLAN_SLICE = 500_000


@dataclass(frozen=True)
class ContactPlan:
    """The plan and the figures behind it.

    Attributes
    ----------
    plan : pandas.DataFrame
        The customers to contact within ``weeks`` weeks, in priority order: ``priority``
        (1, 2 ...), ``customer``, ``status``, ``action``, ``reason`` (codes of
        :data:`STATUSES`, :data:`ACTIONS`, :data:`REASONS`), ``act_on``, ``week``
        (1 = the week starting on the plan day), ``last_order``, ``last_contact``,
        ``channel`` (of the last contact), ``expected_next``, ``usual_gap`` (days),
        ``days_since_last``, ``days_overdue`` (days past the expected next order, 0 when
        not yet), ``value`` (value at stake), ``p_alive``, ``segment``, ``orders``.
    customers : pandas.DataFrame
        Every customer (index: customer id), the same columns without ``priority`` and
        ``customer``, plus ``in_plan``; ``action`` and ``reason`` are ``""`` (and
        ``act_on`` empty) for customers without an action. Built when first asked for:
        the plan keeps a few narrow arrays per customer.
    counts : pandas.DataFrame
        Per status (index :data:`STATUSES`): ``customers``, ``in_plan``, ``value``.
    calendar : pandas.DataFrame
        The weekly batches (:func:`~retention_xl.analysis.contact_calendar.weekly_batches`).
    as_of : pandas.Timestamp
        The plan day.
    quiet_days, weeks, window_days : int
        The options used.
    population_gap : float
        The usual gap given to customers with one order day.
    valuable_value, best_value : float
        The value at stake from which a lapsing customer gets a win-back, and from which a
        repeat customer is among the best (NaN when every customer is lost).
    value_basis : {"predicted", "historical", "mixed"}
        Where the values at stake come from.
    contacts_used, contacts_unknown : int
        Contact-log rows whose customer is in the orders, and those whose customer is not.
    """

    plan: pd.DataFrame
    counts: pd.DataFrame
    calendar: pd.DataFrame
    as_of: pd.Timestamp
    quiet_days: int
    weeks: int
    window_days: int
    population_gap: float
    valuable_value: float
    best_value: float
    value_basis: str
    contacts_used: int = 0
    contacts_unknown: int = 0
    decisions: PlanDecisions | None = field(default=None, repr=False, compare=False)

    @cached_property
    def customers(self) -> pd.DataFrame:
        """Every customer's row (see the class), built on first use."""
        return self.decisions.frame()

    def rows_of(self, ids) -> pd.DataFrame:
        """The rows of :attr:`customers` for the customer ids ``ids``, in their order (empty
        rows for ids without orders), built for those customers only."""
        ids = pd.Index(ids).astype(str).rename(self.decisions.index.name)
        position = self.decisions.index.get_indexer(ids)
        return self.decisions.frame(np.unique(position[position >= 0])).reindex(ids)

    @property
    def at_risk(self) -> int:
        """Customers to win back before they are lost: the lapsing ones."""
        return int(self.counts.loc["lapsing", "customers"])

    @property
    def lapsing(self) -> np.ndarray:
        """Whether each customer (in the order of the Customers table planned for) is lapsing."""
        return self.decisions.status == STATUSES.index("lapsing")


def value_at_stake(customers: pd.DataFrame) -> pd.Series:
    """Predicted CLV where the purchase model gives one, else the historical CLV; never below
    0 (a customer whose refunds exceed the purchases has nothing at stake).

    >>> value_at_stake(pd.DataFrame({"predicted_clv": [10.0, np.nan, np.nan], "clv": [99.0, 7.0, -7.5]})).tolist()
    [10.0, 7.0, 0.0]
    """
    predicted = customers["predicted_clv"].to_numpy(dtype=float)
    value = np.where(np.isfinite(predicted), predicted, customers["clv"].to_numpy(dtype=float))
    return pd.Series(np.maximum(value, 0.0), index=customers.index, name="value")


def _last_contacts(index: pd.Index, contacts: SideTable | None) -> tuple[np.ndarray | None, pd.Categorical, int, int]:
    """Day and channel of each customer's latest logged contact (NaN / "" when none; the
    days are ``None`` when the log is empty)."""
    if contacts is None or contacts.frame.empty:
        return None, pd.Categorical.from_codes(np.zeros(len(index), np.int8), [""]), 0, 0
    day = np.full(len(index), np.nan)
    log = contacts.frame
    position = index.get_indexer(log["customer"])
    known = position >= 0
    latest = log[known].assign(position=position[known]).sort_values(["date", "row"], kind="stable")
    latest = latest.drop_duplicates("position", keep="last")
    where = latest["position"].to_numpy()
    day[where] = day_numbers(latest["date"])
    names, uniques = pd.factorize(latest["channel"].astype(str))
    labels = [""] + [u for u in uniques if u != ""]
    relabel = np.array([labels.index(u) for u in uniques], dtype=np.int64)
    codes = np.zeros(len(index), np.int64)
    codes[where] = relabel[names]
    return day, pd.Categorical.from_codes(codes, labels), int(known.sum()), int((~known).sum())


def _unhappy(index: pd.Index, unhappy: pd.DataFrame | None) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Day and reason (code into :data:`REASONS`, -1 for none) of each customer's unhappy
    answer; ``None, None`` when there is none."""
    if unhappy is None or unhappy.empty:
        return None, None
    day = np.full(len(index), np.nan)
    reason = np.full(len(index), -1, dtype=np.int64)
    position = index.get_indexer(unhappy.index.astype(str))
    known = position >= 0
    day[position[known]] = day_numbers(unhappy["answered"])[known]
    reason[position[known]] = pd.Categorical(unhappy["reason"].astype(str), categories=list(REASONS)).codes[known]
    return day, reason


def plan_contacts(customers: pd.DataFrame, gaps: pd.Series, *, as_of=None, window_days: int = 90,
                  quiet_days: int = DEFAULT_QUIET_DAYS, weeks: int = DEFAULT_WEEKS,
                  contacts: SideTable | None = None, unhappy: pd.DataFrame | None = None) -> ContactPlan:
    """Status, action and day to act for every customer, and the plan of the next ``weeks`` weeks.

    Parameters
    ----------
    customers : pandas.DataFrame
        Indexed by customer id: ``first_order``, ``last_order``, ``frequency`` (repeat
        order days), ``p_alive``, ``predicted_clv`` (NaN: no model), ``clv``, ``segment``,
        ``orders`` (the report's Customers table).
    gaps : pandas.Series
        Each customer's median days between order days (NaN with one order day), e.g.
        :func:`~retention_xl.analysis.segments.median_gaps`.
    as_of : date-like, optional
        The plan day; by default the day of the last order in the data (the day the
        Customers table's days since the last order count to). It may not be before the
        last order day.
    window_days : int
        The activity window of the report (lost customers are beyond it).
    quiet_days : int
        Days after a logged contact before the next one (except a call-back).
    weeks : int
        Weeks the plan covers.
    contacts : SideTable, optional
        The contact log (:func:`~retention_xl.analysis.side_tables.clean_contact_log`).
    unhappy : pandas.DataFrame, optional
        Indexed by customer id: ``answered`` (the day of the unhappy answer) and
        ``reason`` (``detractor``, ``low_satisfaction`` or ``high_effort``), e.g.
        :attr:`~retention_xl.analysis.feedback.Feedback.unhappy`.

    Returns
    -------
    ContactPlan

    Raises
    ------
    DataError
        ``as_of`` is before the last order day, or there are no customers.
    InvalidValue, OutOfRange
        A bad option.
    """
    quiet_days = whole("quiet_days", quiet_days, 1, 3660)
    weeks = whole("weeks", weeks, 1, 520)
    window_days = whole("window_days", window_days, 1, 36_600)
    if customers.empty:
        raise DataError("no customers to plan contacts for")
    index = customers.index if customers.index.dtype == "str" else customers.index.astype(str)
    index = index.rename("customer")
    last_order = customers["last_order"].to_numpy()
    first_order = customers["first_order"].to_numpy()
    last_day = int(np.nanmax(day_numbers(last_order)))
    today = last_day if as_of is None else int(read_day(as_of, "as_of").value // DAY_NS)
    if today < last_day:
        shown, asked = midnight_dates(np.array([float(last_day), float(today)]))
        raise DataError(f"as_of {asked:%Y-%m-%d} is before the last order day in the data ({shown:%Y-%m-%d}); "
                        "the plan is for a day on or after it", option="as_of")

    n = len(customers)
    frequency = customers["frequency"].to_numpy(dtype=float)
    p_alive = customers["p_alive"].to_numpy(dtype=float)
    predicted = customers["predicted_clv"].to_numpy(dtype=float)
    clv = customers["clv"].to_numpy(dtype=float)
    g = (gaps if gaps.index.equals(customers.index) else gaps.reindex(customers.index)).to_numpy(dtype=float,
                                                                                                 copy=True)
    known = np.isfinite(g)
    population = float(np.nanmedian(g)) if known.any() else float(AT_RISK_MIN_DAYS)
    g[~known] = population
    del known
    contact_day, channel, used, unknown = _last_contacts(index, contacts)
    answered, unhappy_reason = _unhappy(index, unhappy)

    # first pass, a slice at a time: each customer's status and value at stake
    status = np.empty(n, dtype=np.int8)
    value = np.empty(n)
    rested = np.zeros(n, dtype=bool)
    for part in _slices(n):
        last = day_numbers(last_order[part])
        d = today - last
        gap = g[part]
        flagged = at_risk(pd.Series(d), pd.Series(gap), pd.Series(p_alive[part]),
                          pd.Series(frequency[part] + 1)).to_numpy()
        lost = d > np.maximum(LOST_FACTOR * gap, window_days)
        # statuses as codes into STATUSES (0 on track ... 4 lost)
        st = np.select([lost, flagged, d >= OVERDUE_FACTOR * gap, d >= gap], [4, 3, 2, 1], 0).astype(np.int8)
        if contact_day is not None:
            day = contact_day[part]
            quiet = np.isfinite(day) & (today - day < quiet_days)
            rested[part] = quiet & ((st == 1) | (st == 2))
            st[rested[part]] = 0
        status[part] = st
        # refunds beyond the purchases (an order bought before the data) put nothing at stake
        value[part] = np.maximum(np.where(np.isfinite(predicted[part]), predicted[part], clv[part]), 0.0)

    alive_values = value[status != 4]
    valuable = float(np.quantile(alive_values, VALUABLE_QUANTILE)) if alive_values.size else np.nan
    best = float(np.quantile(alive_values, BEST_QUANTILE)) if alive_values.size else np.nan
    del alive_values

    # second pass: the action, its reason and its day
    action = np.empty(n, dtype=np.int8)
    reason = np.empty(n, dtype=np.int8)
    act = np.empty(n)
    in_plan = np.empty(n, dtype=bool)
    code = {r: i for i, r in enumerate(REASONS)}
    for part in _slices(n):
        st, v, gap = status[part], value[part], g[part]  # views: the lapsing values are raised in place
        # a lapsing customer's predicted value is low because it is lapsing: what a win-back
        # recovers is what it was worth, its historical value (when that is the larger)
        lapsing = st == 3
        v[lapsing] = np.fmax(v[lapsing], clv[part][lapsing])
        alive = st != 4
        steady = st <= 2
        order_days = frequency[part] + 1
        last = day_numbers(last_order[part])
        day = np.full(len(st), np.nan) if contact_day is None else contact_day[part]
        call = np.zeros(len(st), dtype=bool) if answered is None else \
            alive & np.isfinite(answered[part]) & (today - answered[part] <= CALL_BACK_DAYS) \
            & ~(np.isfinite(day) & (day >= answered[part]))
        win = alive & lapsing & (v >= valuable)
        second = alive & steady & (order_days == 1)
        loyal = alive & steady & (order_days >= 2) & (v >= best)
        remind = alive & steady & (v >= valuable)
        rules = [call, win, second, loyal, remind]
        a = np.select(rules, [0, 1, 2, 3, 4], len(ACTIONS)).astype(np.int8)  # codes into ACTIONS, or none
        # the day to act: never before the plan day nor, but for a call-back, within the quiet period
        not_before = np.where(np.isfinite(day), day + quiet_days, -np.inf)
        when = np.full(len(st), np.nan)
        when[alive] = np.maximum(today, not_before[alive])
        called = a == 0  # on the plan day, or on the answer's day when the survey is the newer export
        if called.any():
            when[called] = np.maximum(today, answered[part][called])
        follow = a == 2
        when[follow] = np.maximum(when[follow], day_numbers(first_order[part][follow]) + FOLLOW_UP_DAYS)
        timed = a == 3
        when[timed] = np.maximum(when[timed], last[timed] + np.ceil(gap[timed]))
        reminded = a == 4
        when[reminded] = np.maximum(when[reminded], last[reminded] + np.ceil(OVERDUE_FACTOR * gap[reminded]))
        when[a == len(ACTIONS)] = np.nan
        # reasons as codes into REASONS
        remind_reason = np.select([rested[part], st == 2], [code["contacted_recently"], code["order_overdue"]],
                                  code["becomes_overdue"])
        unhappy_code = -1 if unhappy_reason is None else unhappy_reason[part]
        reason[part] = np.select(rules, [unhappy_code, code["lapsing_valuable"], code["first_order"],
                                         code["best_customer"], remind_reason], len(REASONS)).astype(np.int8)
        action[part], act[part] = a, when
        in_plan[part] = (a < len(ACTIONS)) & (when < today + 7 * weeks)
    del rested

    decisions = PlanDecisions(index=index, today=today, last_order=last_order, p_alive=p_alive,
                              segment=pd.Categorical(customers["segment"]),
                              orders=customers["orders"].to_numpy(), status=status, action=action, reason=reason,
                              act=act, usual_gap=g, value=value, in_plan=in_plan, contact_day=contact_day,
                              channel=channel)
    chosen = np.flatnonzero(in_plan)
    order = np.lexsort((chosen, -value[chosen], action[chosen], plan_weeks(act[chosen], today)))
    plan = decisions.frame(chosen[order]).drop(columns="in_plan").reset_index()
    plan.insert(0, "priority", np.arange(1, len(plan) + 1, dtype=np.int64))

    counts = pd.DataFrame({
        "customers": np.bincount(status, minlength=len(STATUSES)),
        "in_plan": np.bincount(status[in_plan], minlength=len(STATUSES)),
        "value": np.bincount(status, weights=value, minlength=len(STATUSES)),
    }, index=pd.Index(STATUSES, name="status"))
    finite = np.isfinite(predicted)
    basis = "predicted" if finite.all() else "historical" if not finite.any() else "mixed"
    as_of_ts = midnight_dates(np.array([float(today)]))[0]
    return ContactPlan(plan, counts, weekly_batches(plan, as_of_ts, weeks, ACTIONS), as_of_ts, quiet_days, weeks,
                       window_days, population, valuable, best, basis, used, unknown, decisions)


def _slices(n: int):
    """Slices of :data:`PLAN_SLICE` customers covering ``n``."""
    return (slice(lo, min(lo + PLAN_SLICE, n)) for lo in range(0, n, PLAN_SLICE))
