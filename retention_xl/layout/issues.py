"""The Data issues sheet: what was decided while reading the data, the rows by reason, and
every row skipped, fixed, left out or kept as a possible duplicate."""

from __future__ import annotations

import pandas as pd

from retention_xl.analysis.overview import Analysis
from retention_xl.labels import RIGHT_TO_LEFT, label, labels_for
from retention_xl.layout.blocks import Column, Sheet, Table, Text, widths
from retention_xl.wording import notice_text, problem_text, problem_texts

__all__ = ["issues_sheet", "issue_reasons"]

# Problems whose detail names a kind (a status) rather than one row's data: counted per detail.
_BY_DETAIL = {"order_status", "other_currency", "mixed_currency"}


def issue_reasons(issues: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per reason (what was wrong and what was done): ``reason``, ``action``,
    ``lines`` (input rows concerned) and ``amount`` (their value), most rows first.

    A row with several problems (a totals row: no customer, no date) is counted once, under
    the first of them, so the rows skipped add up to the rows the report says it skipped.

    Examples
    --------
    >>> issues = pd.DataFrame({"row": [2, 5, 9], "column": ["", "Email", "Email"], "value": ["", "", ""],
    ...     "problem": ["blank_row", "missing_customer", "missing_customer"], "detail": ["", "", ""],
    ...     "action": ["skipped"] * 3, "lines": [1, 3, 1], "amount": [float("nan"), 30.0, 5.0]})
    >>> issue_reasons(issues, "en").to_dict("records")[0]
    {'reason': 'missing customer', 'action': 'skipped', 'lines': 4, 'amount': 35.0}
    >>> two = issues.assign(row=[2, 5, 5], problem=["blank_row", "missing_customer", "missing_date"])
    >>> issue_reasons(two, "en")[["reason", "lines"]].to_dict("list")
    {'reason': ['missing customer', 'blank row'], 'lines': [3, 1]}
    """
    if not len(issues):
        return pd.DataFrame({"reason": pd.Series([], dtype="str"), "action": pd.Series([], dtype="str"),
                             "lines": pd.Series([], dtype="int64"), "amount": pd.Series([], dtype="float64")})
    issues = issues.drop_duplicates(["row", "action"], keep="first")
    detail = issues["detail"].where(issues["problem"].isin(_BY_DETAIL), "")
    grouped = (issues.assign(detail=detail)
               .groupby(["problem", "detail", "action"], sort=False)
               .agg(lines=("lines", "sum"), amount=("amount", lambda v: v.sum(min_count=1))).reset_index())
    words = labels_for(lang)
    reasons = [words[f"reason.{p}"] if f"reason.{p}" in words else problem_text(p, d, lang)
               for p, d in zip(grouped["problem"], grouped["detail"])]
    actions = [words.get(f"action.{x}", x) for x in grouped["action"]]
    out = pd.DataFrame({"reason": pd.Series(reasons, dtype="str"), "action": pd.Series(actions, dtype="str"),
                        "lines": grouped["lines"].astype("int64"), "amount": grouped["amount"].astype("float64")})
    return out.sort_values("lines", ascending=False, kind="stable").reset_index(drop=True)


def issues_sheet(a: Analysis, lang: str, subtitle: str, door: str = "python") -> Sheet:
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    frame = a.orders.issues.copy()
    notes = [notice_text(n, lang, door, a.calendar) for n in a.orders.notices]
    reasons = issue_reasons(frame, lang)
    if len(frame):
        words = labels_for(lang)
        frame["action"] = frame["action"].map({x: words.get(f"action.{x}", x) for x in frame["action"].unique()})
        frame["problem"] = problem_texts(frame["problem"], frame["detail"], lang, a.calendar)
        # a row with several problems is listed under each, its rows counted under the first
        # (as the reasons count it), so the rows column adds up to the rows skipped
        again = frame.duplicated(["row", "action"], keep="first").to_numpy()
        frame["lines"] = frame["lines"].astype("float64").where(~again)
    cols = (
        Column("row", L("col.row"), "int", 10),
        Column("column", L("col.column"), "text", 16),
        Column("value", L("col.value"), "text", 24),
        Column("problem", L("col.problem"), "text", 50),
        Column("action", L("col.action"), "text", 14),
        # an order is listed at its first line; this says how many input rows it covers,
        # so the rows listed add up to the rows skipped
        Column("lines", L("col.lines"), "int", 8),
    )
    lines = tuple(notes) if notes else ()
    next_row = 4 + (len(lines) + 2 if lines else 0)
    blocks: list = [Text(0, (L("title.issues"),), style="title"), Text(1, (subtitle,), style="subtitle")]
    if lines:
        blocks.append(Text(3, (L("notes"),), style="heading"))
        blocks.append(Text(4, lines))
    if not len(frame):
        blocks.append(Text(next_row, (L("note.none"),)))
        next_row += 1
    # always there, empty when every row was used: a report Table never comes and goes,
    # so a formula or pivot on it survives the next run
    reason_cols = (  # under the row list's "What was wrong" and "What was done" columns
        Column("reason", L("col.reason"), "text", 50),
        Column("action", L("col.action"), "text", 14),
        Column("lines", L("col.lines"), "int", 10),
        Column("amount", L("col.amount"), "money", 14),
    )
    by_reason = Table("IssueReasons", reasons, reason_cols, row=next_row + 1, col=3,
                      title=L("table.IssueReasons"))
    blocks.append(by_reason)
    next_row = by_reason.last_row + 2
    table = Table("DataIssues", frame.reset_index(drop=True), cols, row=next_row + 1,
                  title=L("table.DataIssues"))
    blocks.append(table)
    tables = [b for b in blocks if isinstance(b, Table)]
    return Sheet("issues", L("sheet.issues"), tuple(blocks), lang in RIGHT_TO_LEFT,
                 (table.row + 1, 0), widths(tables))
