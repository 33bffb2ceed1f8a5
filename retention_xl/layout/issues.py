"""The Data issues sheet: what was decided while reading the data, and every row skipped or fixed."""

from __future__ import annotations


from retention_xl.analysis.overview import Analysis
from retention_xl.labels import RIGHT_TO_LEFT, label, labels_for
from retention_xl.layout.blocks import Column, Sheet, Table, Text, widths
from retention_xl.wording import notice_text, problem_texts

__all__ = ["issues_sheet"]


def issues_sheet(a: Analysis, lang: str, subtitle: str) -> Sheet:
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    frame = a.orders.issues.copy()
    notes = [notice_text(n, lang) for n in a.orders.notices]
    if len(frame):
        words = labels_for(lang)
        frame["action"] = frame["action"].map({x: words.get(f"action.{x}", x) for x in frame["action"].unique()})
        frame["problem"] = problem_texts(frame["problem"], frame["detail"], lang)
    cols = (
        Column("row", L("col.row"), "int", 10),
        Column("column", L("col.column"), "text", 16),
        Column("value", L("col.value"), "text", 24),
        Column("problem", L("col.problem"), "text", 50),
        Column("action", L("col.action"), "text", 14),
    )
    lines = tuple(notes) if notes else ()
    first_table_row = 4 + (len(lines) + 2 if lines else 0) + (0 if len(frame) else 1)
    blocks: list = [Text(0, (L("title.issues"),), style="title"), Text(1, (subtitle,), style="subtitle")]
    if lines:
        blocks.append(Text(3, (L("notes"),), style="heading"))
        blocks.append(Text(4, lines))
    if not len(frame):
        blocks.append(Text(first_table_row - 1, (L("note.none"),)))
    table = Table("DataIssues", frame.reset_index(drop=True), cols, row=first_table_row + 1,
                  title=L("table.DataIssues"))
    blocks.append(table)
    return Sheet("issues", L("sheet.issues"), tuple(blocks), lang in RIGHT_TO_LEFT,
                 (table.row + 1, 0), widths([table]))
