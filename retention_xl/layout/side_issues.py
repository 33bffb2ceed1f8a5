"""The rows of the survey answers or the contact log that were skipped or fixed, as a table
worded like the Data issues sheet's (shown on the Feedback and Contacts sheets)."""

from __future__ import annotations

import pandas as pd

from retention_xl.labels import label, labels_for
from retention_xl.layout.blocks import Column, Table
from retention_xl.wording import problem_texts

__all__ = ["side_issue_table"]


def side_issue_table(name: str, issues: pd.DataFrame, row: int, title: str, lang: str) -> Table:
    """The Table ``name`` of ``issues`` (columns of
    :data:`~retention_xl.analysis.issue_table.ISSUE_COLUMNS`), its header at ``row``."""
    frame = issues.copy()
    if len(frame):
        words = labels_for(lang)
        frame["action"] = frame["action"].map({x: words.get(f"action.{x}", x) for x in frame["action"].unique()})
        frame["problem"] = problem_texts(frame["problem"], frame["detail"], lang)
    cols = (
        Column("row", label(lang, "col.row"), "int", 10),
        Column("column", label(lang, "col.column"), "text", 16),
        Column("value", label(lang, "col.value"), "text", 24),
        Column("problem", label(lang, "col.problem"), "text", 40),
        Column("action", label(lang, "col.action"), "text", 14),
    )
    return Table(name, frame.reset_index(drop=True), cols, row=row, title=title)
