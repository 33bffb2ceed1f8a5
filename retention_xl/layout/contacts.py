"""The Contacts sheet: the status and action rules with their counts, the weekly calendar and the ContactPlan table.

:func:`contacts_sheet` words the codes of :class:`~retention_xl.analysis.contacts.ContactPlan`
in the report's language; :func:`plan_table` is the ContactPlan table alone (the
``retention-xl contacts`` command writes it to CSV) and :func:`calendar_events` the weekly
batches as calendar events (its ``--ics`` file).
"""

from __future__ import annotations

import textwrap

import pandas as pd

from retention_xl.analysis.column_values import shown_ids
from retention_xl.analysis.contact_rows import ACTIONS, STATUSES
from retention_xl.analysis.contacts import CALL_BACK_DAYS, FOLLOW_UP_DAYS, ContactPlan
from retention_xl.analysis.overview import Analysis
from retention_xl.labels import RIGHT_TO_LEFT, label, labels_for
from retention_xl.layout.blocks import (
    CalendarEvent,
    Chart,
    Column,
    Sheet,
    Table,
    Text,
    fmt_date,
    widths,
)
from retention_xl.layout.side_issues import side_issue_table
from retention_xl.wording import counted, notice_text

__all__ = ["EVENT_LINES", "calendar_events", "contacts_sheet", "plan_table"]

EVENT_LINES = 200  # customers listed in one calendar event; the rest are counted
NOTE_WIDTH = 130  # characters of a note line: longer notes continue on the next row


def _words(codes: pd.Series, prefix: str, lang: str) -> pd.Series:
    """Codes worded once per distinct code (``""`` stays empty); categories stay categories."""
    names = labels_for(lang)
    codes = codes.astype("category")
    words = [names[f"{prefix}.{c}"] if c else "" for c in codes.cat.categories]
    if len(set(words)) == len(words):
        return codes.cat.rename_categories(words)
    return codes.map(dict(zip(codes.cat.categories, words))).astype(str)


def _plan_frame(plan: pd.DataFrame, lang: str, arabic_letters: bool = False,
                digits: str | None = None) -> pd.DataFrame:
    out = plan.copy()
    out["customer"] = shown_ids(plan["customer"], arabic_letters, digits)
    out["status"] = _words(plan["status"], "status", lang)
    out["action"] = _words(plan["action"], "plan_action", lang)
    out["reason"] = _words(plan["reason"], "reason", lang)
    out["segment"] = _words(plan["segment"], "seg", lang)
    return out


def plan_table(contacts: ContactPlan, lang: str, row: int = 1, title: str | None = None, *,
               arabic_letters: bool = False, digits: str | None = None) -> Table:
    """The ContactPlan table, worded in ``lang``, its header at ``row``; the customer ids in
    Arabic letters or Persian or Arabic-Indic digits when the orders were typed in them
    (:attr:`~retention_xl.analysis.orders.Orders.arabic_letters`, :attr:`~retention_xl.analysis.orders.Orders.customer_digits`)."""
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    cols = (
        Column("priority", L("col.priority"), "int", 7),
        Column("customer", L("col.customer"), "text", 12),
        Column("status", L("col.status"), "text", 13),
        Column("action", L("col.plan_action"), "text", 20),
        Column("reason", L("col.why"), "text", 30),
        Column("act_on", L("col.act_on"), "date", 11),
        Column("last_order", L("col.last_order"), "date", 11),
        Column("last_contact", L("col.last_contact"), "date", 11),
        Column("expected_next", L("col.expected_next"), "date", 11),
        Column("usual_gap", L("col.usual_gap"), "number", 9),
        Column("days_overdue", L("col.days_overdue"), "int", 9),
        Column("value", L("col.value_at_stake"), "money", 12),
        Column("segment", L("col.segment"), "text", 16),
    )
    return Table("ContactPlan", _plan_frame(contacts.plan, lang, arabic_letters, digits), cols, row=row, title=title)


def _money(x: float) -> str:
    """A value for a sentence; "-" when there is none (every customer lost)."""
    return "-" if pd.isna(x) else f"{x:,.2f}"


def _basis(contacts: ContactPlan, horizon: int, lang: str) -> str:
    return label(lang, f"note.contacts.basis.{contacts.value_basis}", horizon=horizon)


def contacts_sheet(a: Analysis, lang: str) -> Sheet:
    """The Contacts sheet of ``a`` in ``lang``."""
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    p = a.contacts
    as_of = fmt_date(p.as_of, a.calendar)
    counts = p.counts
    calendar = p.calendar
    lost = int(counts.loc["lost", "customers"])
    lines = [
        L(counted("note.contacts.scope", p.weeks, lang), in_plan=f"{len(p.plan):,}", weeks=p.weeks,
          this_week=f"{int(calendar['contacts'].iloc[0]):,}", first=fmt_date(calendar["start"].iloc[0], a.calendar),
          last=fmt_date(calendar["end"].iloc[0], a.calendar), basis=_basis(p, a.prediction.horizon, lang)),
        L("note.contacts.at_risk", at_risk=f"{p.at_risk:,}", lost=f"{lost:,}",
          lost_value=f"{counts.loc['lost', 'value']:,.2f}", flagged=f"{a.headline['at_risk']:,}"),
        L("note.contacts.terms", as_of=as_of, gap=f"{p.population_gap:g}",
          valuable=_money(p.valuable_value), best=_money(p.best_value)),
    ]
    log = a.contact_log
    if log is None:
        lines.append(L("note.contacts.no_log", quiet=p.quiet_days))
    else:
        unknown = L("note.contacts.log_unknown", unknown=f"{p.contacts_unknown:,}") if p.contacts_unknown else ""
        lines.append(L("note.contacts.log", source=log.source or "-", used=f"{p.contacts_used:,}",
                       unknown=unknown, quiet=p.quiet_days))
    lines.append(L("note.contacts.unplanned"))
    lines = [part for line in lines for part in textwrap.wrap(line, NOTE_WIDTH)]  # one short line per row

    status = pd.DataFrame({
        "status": [L(f"status.{s}") for s in STATUSES],
        "customers": counts["customers"].to_numpy(),
        "in_plan": counts["in_plan"].to_numpy(),
        "value": counts["value"].to_numpy(),
        "rule": [L(f"rule.status.{s}", quiet=p.quiet_days, window=p.window_days) for s in STATUSES],
    })
    status_cols = (
        Column("status", L("col.status"), "text", 16),
        Column("customers", L("col.customers"), "int", 11),
        Column("in_plan", L("col.in_plan"), "int", 11),
        Column("value", L("col.value_at_stake"), "money", 14),
        Column("rule", L("col.rule"), "text", 30),
    )
    top = len(lines) + 3
    status_table = Table("ContactStatus", status, status_cols, row=top, title=L("table.ContactStatus"))

    planned = p.plan
    actions = pd.DataFrame({
        "action": [L(f"plan_action.{x}") for x in ACTIONS],
        "contacts": [int((planned["action"] == x).sum()) for x in ACTIONS],
        "this_week": [int(calendar[x].iloc[0]) for x in ACTIONS],
        "value": [float(planned.loc[planned["action"] == x, "value"].sum()) for x in ACTIONS],
        "rule": [L(f"rule.action.{x}", days=CALL_BACK_DAYS, follow_up=FOLLOW_UP_DAYS) for x in ACTIONS],
    })
    action_cols = (
        Column("action", L("col.plan_action"), "text", 16),
        Column("contacts", L("col.contacts"), "int", 11),
        Column("this_week", L("col.this_week"), "int", 11),
        Column("value", L("col.value_at_stake"), "money", 14),
        Column("rule", L("col.rule"), "text", 30),
    )
    action_table = Table("ContactActions", actions, action_cols, row=status_table.last_row + 3,
                         title=L("table.ContactActions"))

    week_cols = (  # the chart's categories (week) just before its series (contacts), as charts take them
        Column("start", L("col.week_start"), "date", 12),
        Column("week", L("col.week"), "int", 7),
        Column("contacts", L("col.contacts"), "int", 10),
        *(Column(x, L(f"plan_action.{x}"), "int", 10) for x in ACTIONS),
        Column("value", L("col.value_at_stake"), "money", 12),
    )
    week_table = Table("ContactCalendar", calendar, week_cols, row=action_table.last_row + 3,
                       title=L("table.ContactCalendar"))
    chart = Chart("bar", L("chart.contacts"), "ContactCalendar", week_table.last_row + 2, 1,
                  ("contacts",), category="week", width_cols=9, height_rows=max(14, p.weeks + 3))
    blocks: list = [
        Text(0, (L("title.contacts", as_of=as_of),), style="title"),
        Text(1, tuple(lines)),
        status_table,
        action_table,
        week_table,
        chart,
    ]
    row = max(week_table.last_row, chart.row + chart.height_rows) + 3
    if log is not None and (len(log.issues) or log.notices):
        notes = tuple(notice_text(n, lang) for n in log.notices)
        if notes:
            blocks.append(Text(row, notes))
            row += len(notes) + 1
        issues = side_issue_table("ContactLogIssues", log.issues, row + 1, L("table.ContactLogIssues"), lang)
        blocks.append(issues)
        row = issues.last_row + 3
    plan = plan_table(p, lang, row=row, title=L("table.ContactPlan"), arabic_letters=a.orders.arabic_letters,
                      digits=a.orders.customer_digits)
    blocks.append(plan)  # the plan stays last: a writer may stream its rows
    tables = [b for b in blocks if isinstance(b, Table)]
    return Sheet("contacts", L("sheet.contacts"), tuple(blocks), lang in RIGHT_TO_LEFT, (plan.row + 1, 2),
                 widths(tables))


def _week_uid(start: pd.Timestamp) -> str:
    """An event's id, by the ISO week its plan week starts in: a newer plan's week replaces
    the older plan's week that starts in the same calendar week, whichever weekday either
    plan was made on (a plan's weeks start on its plan day, each in its own ISO week).

    >>> _week_uid(pd.Timestamp("2024-04-01")), _week_uid(pd.Timestamp("2024-04-03"))
    ('retention-xl-contacts-2024-W14', 'retention-xl-contacts-2024-W14')
    """
    year, week, _ = start.isocalendar()
    return f"retention-xl-contacts-{year}-W{week:02d}"


def calendar_events(a: Analysis, lang: str, most: int = EVENT_LINES) -> tuple[CalendarEvent, ...]:
    """One all-day event per week with contacts, on the week's first day: how many of each
    action, then the customers in priority order (at most ``most``)."""
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    p = a.contacts
    plan = _plan_frame(p.plan, lang, a.orders.arabic_letters, a.orders.customer_digits)
    events = []
    for week in p.calendar.itertuples(index=False):
        if not week.contacts:
            continue
        parts = [f"{L('plan_action.' + x)} {getattr(week, x):,}" for x in ACTIONS if getattr(week, x)]
        summary = f"{L('sheet.contacts')}: {week.contacts:,} ({L('list.join').join(parts)})"
        rows = plan[plan["week"] == week.week]
        lines = [f"{r.priority}. {r.customer}: {r.action} ({r.reason}), {L('col.value_at_stake')} {r.value:,.2f}"
                 for r in rows.head(most).itertuples(index=False)]
        if len(rows) > most:
            lines.append(f"... +{len(rows) - most:,}")
        days = a.calendar  # the calendar the report writes its days in
        title = (f"{L('title.contacts', as_of=fmt_date(p.as_of, days))}\n"
                 f"{fmt_date(week.start, days)} - {fmt_date(week.end, days)}")
        events.append(CalendarEvent(start=week.start.date(), days=1, summary=summary,
                                    description="\n".join([title, *lines]),
                                    uid=_week_uid(week.start)))
    return tuple(events)
