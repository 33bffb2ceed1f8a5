"""The Feedback sheet: NPS, CSAT and CES per period and per segment, and the unhappy customers to call back."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_xl.analysis.column_values import shown_ids
from retention_xl.analysis.contacts import CALL_BACK_DAYS
from retention_xl.analysis.overview import Analysis
from retention_xl.labels import RIGHT_TO_LEFT, label, labels_for
from retention_xl.layout.blocks import Column, Figures, Sheet, Table, Text, widths
from retention_xl.layout.side_issues import side_issue_table
from retention_xl.wording import notice_text

__all__ = ["feedback_sheet"]


def _readings(frame: pd.DataFrame, min_answers: int, lang: str) -> list[str]:
    """"" for a row with enough answers, else why its figures are empty."""
    return ["" if enough else label(lang, "reading.none") if n == 0
            else label(lang, "reading.too_few", answers=f"{n:,}", min_answers=min_answers)
            for n, enough in zip(frame["answers"].tolist(), frame["enough"].tolist())]


def _figure_columns(lang: str) -> tuple[Column, ...]:
    L = lambda k: label(lang, k)  # noqa: E731
    return (
        Column("answers", L("col.answers"), "int", 10),
        Column("promoters", L("col.promoters"), "percent", 10),
        Column("passives", L("col.passives"), "percent", 10),
        Column("detractors", L("col.detractors"), "percent", 10),
        Column("nps", L("col.nps"), "number", 9),
        Column("nps_moe", L("col.nps_moe"), "number", 10),
        Column("csat_answers", L("col.csat_answers"), "int", 10),
        Column("csat", L("col.csat"), "percent", 9),
        Column("ces_answers", L("col.ces_answers"), "int", 10),
        Column("ces", L("col.ces"), "number", 9),
        Column("reading", L("col.reading"), "text", 26),
    )


def feedback_sheet(a: Analysis, lang: str) -> Sheet:
    """The Feedback sheet of ``a`` (which has survey answers) in ``lang``."""
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    fb = a.feedback
    survey = fb.survey
    used = len(survey.frame)
    subtitle = L("subtitle.feedback", source=survey.source or "-", rows=f"{survey.n_input_rows:,}", used=f"{used:,}",
                 skipped=f"{survey.skipped_rows:,}", with_customer=f"{fb.with_customer:,}", matched=f"{fb.matched:,}")
    o = fb.overall
    figures = Figures(row=4, title=L("fig.feedback"), items=(
        (L("fig.answers"), o["answers"], "int"),
        (L("fig.nps"), o["nps"], "number"),
        (L("fig.nps_moe"), o["nps_moe"], "number"),
        (L("fig.csat"), o["csat"], "percent"),
        (L("fig.ces"), o["ces"], "number"),
    ))
    blocks: list = [
        Text(0, (L("title.feedback"),), style="title"),
        Text(1, (subtitle,), style="subtitle"),
        Text(2, (L("note.feedback", min_answers=fb.min_answers),)),
        figures,
    ]
    if o["answers"] and not o["enough"]:
        blocks.append(Text(7, (L("reading.too_few", answers=f"{o['answers']:,}", min_answers=fb.min_answers),)))
    trend = fb.trend.assign(reading=_readings(fb.trend, fb.min_answers, lang))
    trend_cols = (Column("period", L("col.period"), "text", 11), Column("start", L("col.start"), "date", 12),
                  *_figure_columns(lang))
    trend_table = Table("FeedbackTrend", trend, trend_cols, row=10, title=L("table.FeedbackTrend"))
    blocks.append(trend_table)
    tables = [trend_table]
    row = trend_table.last_row + 3
    if len(fb.by_segment):
        seg = fb.by_segment.reset_index()
        seg = seg.assign(segment=[L(f"seg.{s}") for s in seg["segment"]],
                         reading=_readings(seg, fb.min_answers, lang))
        seg_cols = (Column("segment", L("col.segment"), "text", 20), Column("customers", L("col.customers"), "int", 11),
                    *_figure_columns(lang))
        seg_table = Table("FeedbackSegments", seg, seg_cols, row=row, title=L("table.FeedbackSegments"))
        blocks.append(seg_table)
        tables.append(seg_table)
        row = seg_table.last_row + 3
    else:
        blocks.append(Text(row - 1, (L("note.feedback.no_segments"),)))
        row += 1

    names = labels_for(lang)
    unhappy = fb.unhappy.reset_index()
    plan = a.contacts.rows_of(unhappy["customer"])
    unhappy = unhappy.assign(
        customer=shown_ids(unhappy["customer"], a.orders.arabic_letters, a.orders.customer_digits),
        reason=[names[f"reason.{r}"] for r in unhappy["reason"]],
        segment=[names[f"seg.{s}"] for s in unhappy["segment"]],
        status=[names[f"status.{s}"] for s in plan["status"]],
        action=[names[f"plan_action.{x}"] if x else "" for x in plan["action"]],
        act_on=np.where(plan["in_plan"].to_numpy(dtype=bool), plan["act_on"].to_numpy(), np.datetime64("NaT")),
    )
    unhappy_cols = (
        Column("customer", L("col.customer"), "text", 16),
        Column("answered", L("col.answered"), "date", 12),
        Column("score", L("col.score"), "score", 9),
        Column("satisfaction", L("col.satisfaction"), "score", 10),
        Column("effort", L("col.effort"), "score", 9),
        Column("reason", L("col.why"), "text", 26),
        Column("value", L("col.value_at_stake"), "money", 13),
        Column("segment", L("col.segment"), "text", 18),
        Column("status", L("col.status"), "text", 14),
        Column("action", L("col.plan_action"), "text", 16),
        Column("act_on", L("col.act_on"), "date", 11),
        Column("comment", L("col.comment"), "text", 40),
    )
    unhappy_table = Table("UnhappyCustomers", unhappy, unhappy_cols, row=row, title=L("table.UnhappyCustomers", days=CALL_BACK_DAYS))
    blocks.append(unhappy_table)
    tables.append(unhappy_table)
    row = unhappy_table.last_row + 3
    notes = tuple(notice_text(n, lang) for n in survey.notices)
    if notes:
        blocks.append(Text(row, notes))
        row += len(notes) + 1
    if not len(survey.issues):
        blocks.append(Text(row, (L("note.none"),)))
        row += 1
    issues = side_issue_table("SurveyIssues", survey.issues, row + 1, L("table.SurveyIssues"), lang)
    blocks.append(issues)
    tables.append(issues)
    return Sheet("feedback", L("sheet.feedback"), tuple(blocks), lang in RIGHT_TO_LEFT, (3, 1), widths(tables))
