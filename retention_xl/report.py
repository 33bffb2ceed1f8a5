"""The report, laid out once for every writer.

:func:`layout_report` turns an :class:`~retention_xl.analysis.overview.Analysis` into
:class:`Report`: sheets made of named tables, figure blocks, notes and charts, with cell
positions and number formats but no spreadsheet library. The file writer
(:mod:`retention_xl.excel.xlsx_writer`) and the live-workbook writer draw the same layout,
so the ribbon report and the command-line report are the same report.

Positions are 0-based (row, column). Every table is an Excel Table with a fixed name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retention_xl.analysis.overview import Analysis
from retention_xl.analysis.prediction import Prediction
from retention_xl.labels import RIGHT_TO_LEFT, label, labels_for

__all__ = [
    "Column",
    "Table",
    "Figures",
    "Text",
    "Chart",
    "Sheet",
    "Report",
    "FORMATS",
    "SHEET_KEYS",
    "SHEET_MARK",
    "table_values",
    "layout_report",
]

#: number formats by kind (Excel format codes, understood by every writer)
FORMATS = {
    "text": "@",
    "int": "#,##0",
    "number": "#,##0.00",
    "money": "#,##0.00",
    "percent": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "score": "0",
    "bool": "General",
}
#: the report's own sheets, in order; the marker a writer leaves on them
SHEET_KEYS = ("summary", "cohorts", "segments", "issues")
SHEET_MARK = "RetentionXL_{key}"  # workbook-level name marking a sheet a writer made (key from SHEET_KEYS)
RECENT_COHORTS_IN_CHART = 8


@dataclass(frozen=True)
class Column:
    key: str  # column of the table's frame
    header: str  # what the reader sees
    kind: str  # a key of FORMATS
    width: float = 12.0


@dataclass(frozen=True)
class Table:
    """A named Excel Table; ``row, col`` is its header cell, ``title`` sits just above."""

    name: str
    frame: pd.DataFrame
    columns: tuple[Column, ...]
    row: int
    col: int = 0
    title: str | None = None
    heatmap_from: int | None = None  # first column of a colour-scale range, if any

    @property
    def last_row(self) -> int:
        """Row of the last data line (a table always has at least one)."""
        return self.row + max(len(self.frame), 1)


@dataclass(frozen=True)
class Figures:
    """Label/value pairs laid out in two rows: labels above, values below."""

    row: int
    items: tuple[tuple[str, object, str], ...]  # (label, value, kind)
    col: int = 0
    title: str | None = None


@dataclass(frozen=True)
class Text:
    """Lines of text, one per row, starting at ``row``."""

    row: int
    lines: tuple[str, ...]
    col: int = 0
    style: str = "note"  # "title", "subtitle", "note", "heading"


@dataclass(frozen=True)
class Chart:
    """A native chart drawn from a table of the same sheet.

    ``by_row``: each of ``series`` is a row index of the table (e.g. a cohort) plotted over
    the columns ``value_columns``; otherwise each of ``series`` is a column plotted against
    the ``category`` column.
    """

    kind: str  # "line" or "bar"
    title: str
    table: str
    row: int
    col: int
    series: tuple
    value_columns: tuple[str, ...] = ()
    category: str | None = None
    by_row: bool = False
    percent: bool = False
    width_cols: int = 9
    height_rows: int = 18


@dataclass(frozen=True)
class Sheet:
    key: str  # one of SHEET_KEYS: how a writer recognises its own sheets
    name: str
    blocks: tuple
    rtl: bool = False
    freeze: tuple[int, int] | None = None
    widths: dict[int, float] = field(default_factory=dict)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass(frozen=True)
class Report:
    sheets: tuple[Sheet, ...]
    lang: str

    def table(self, name: str) -> Table:
        return next(t for s in self.sheets for t in s.tables if t.name == name)


def _fmt_date(ts: pd.Timestamp) -> str:
    return f"{ts:%Y-%m-%d}" if pd.notna(ts) else ""


def _widths(tables: list[Table]) -> dict[int, float]:
    widths: dict[int, float] = {}
    for t in tables:
        for i, c in enumerate(t.columns):
            widths[t.col + i] = max(widths.get(t.col + i, 0.0), c.width)
    return widths


def _summary(a: Analysis, lang: str, subtitle: str) -> Sheet:
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    h = a.headline
    kinds = {
        "customers": "int", "orders": "int", "revenue": "money", "aov": "money",
        "purchase_frequency": "number", "repeat_rate": "percent", "avg_crr": "percent",
        "avg_churn": "percent",
    }
    figures = Figures(row=3, items=tuple((L(f"fig.{k}"), h[k], kind) for k, kind in kinds.items()))
    cols = (
        Column("period", L("col.period"), "text", 11),
        Column("start", L("col.start"), "date", 12),
        Column("customers_start", L("col.customers_start"), "int", 14),
        Column("new", L("col.new"), "int", 10),
        Column("reactivated", L("col.reactivated"), "int", 12),
        Column("lost", L("col.lost"), "int", 10),
        Column("customers_end", L("col.customers_end"), "int", 14),
        Column("crr", L("col.crr"), "percent", 10),
        Column("churn", L("col.churn"), "percent", 10),
        Column("buyers", L("col.buyers"), "int", 10),
        Column("orders", L("col.orders"), "int", 10),
        Column("revenue", L("col.revenue"), "money", 14),
        Column("aov", L("col.aov"), "money", 10),
        Column("repeat_rate", L("col.repeat_rate"), "percent", 11),
    )
    table = Table("PeriodKPIs", a.kpis, cols, row=7, title=L("table.PeriodKPIs"))
    blocks = (
        Text(0, (L("title.summary"),), style="title"),
        Text(1, (subtitle,), style="subtitle"),
        Text(2, (L("note.window", window=a.window_days),)),
        figures,
        table,
    )
    return Sheet("summary", L("sheet.summary"), blocks, lang in RIGHT_TO_LEFT, (8, 1), _widths([table]))


def _cohort_frame(matrix: pd.DataFrame, size: pd.Series) -> pd.DataFrame:
    out = matrix.copy()
    out.insert(0, "size", size.to_numpy())
    out.insert(0, "cohort", matrix.index.astype(str))
    return out.reset_index(drop=True)


def _cohorts(a: Analysis, lang: str) -> Sheet:
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    c = a.cohorts
    p_cols = list(c.customers.columns)
    head = (Column("cohort", L("col.cohort"), "text", 11), Column("size", L("col.size"), "int", 10))

    def table(name: str, matrix: pd.DataFrame, kind: str, row: int, heat: bool = False) -> Table:
        cols = head + tuple(Column(p, p, kind, 8 if kind == "percent" else 10) for p in p_cols)
        return Table(name, _cohort_frame(matrix, c.size), cols, row=row, title=L(f"table.{name}"),
                     heatmap_from=3 if heat else None)  # from P1: P0 is always 100%

    n = len(c.size)
    retention = table("CohortRetention", c.retention, "percent", 4, heat=True)
    # recent cohorts that have at least two periods to draw
    reached = c.retention.notna().sum(axis=1).to_numpy()
    candidates = [i for i in range(n) if reached[i] >= 2]
    chosen = tuple(candidates[-RECENT_COHORTS_IN_CHART:])
    chart_row = retention.last_row + 2
    chart = Chart("line", L("chart.retention"), "CohortRetention", chart_row, 0, chosen,
                  value_columns=tuple(p_cols), by_row=True, percent=True, width_cols=12)
    customers = table("CohortCustomers", c.customers, "int", chart_row + chart.height_rows + 2)
    revenue = table("CohortRevenue", c.revenue, "money", customers.last_row + 3)
    blocks = (
        Text(0, (L(f"title.cohorts.{a.period}"),), style="title"),
        Text(1, (L("note.cohorts"),)),
        retention,
        *((chart,) if chosen else ()),
        customers,
        revenue,
    )
    tables = [retention, customers, revenue]
    return Sheet("cohorts", L("sheet.cohorts"), blocks, lang in RIGHT_TO_LEFT, (3, 2), _widths(tables))


#: model names are the same in every language
MODEL_NAMES = {"bg_nbd": "BG/NBD", "mbg_nbd": "MBG/NBD", "pareto_nbd": "Pareto/NBD", "bg_bb": "BG/BB",
               "gamma_gamma": "Gamma-Gamma", "sbg": "sBG"}


def _model_reason(error, lang: str) -> str:
    """A model error (its ``kind`` and ``fields``) in the report's language."""
    fields = dict(error.fields)
    if "model" in fields:
        fields["model"] = MODEL_NAMES.get(fields["model"], fields["model"])
    if "towards" in fields:
        fields["towards"] = "0" if fields["towards"] == "zero" else "∞"
    if "q" in fields:
        fields["q"] = f"{fields['q']:.3g}"
    key = f"model_error.{error.kind}"
    return label(lang, key if key in labels_for(lang) else "model_error.model", **fields)


def _model_choice(p: Prediction, lang: str) -> str:
    """Which purchase model and why, from the codes and values of the choice."""
    from retention_xl.analysis.prediction import MIN_HOLDOUT_DAYS

    choice = p.choice
    name = MODEL_NAMES[choice.model]
    fitted = [c for c in choice.candidates if c.problem is None]
    failed = [c for c in choice.candidates if c.problem is not None]
    others = [c for c in fitted if c.model != choice.model]
    if choice.rule == "holdout":
        line = label(lang, "note.model_choice.holdout", model=name,
                     days=f"{round(choice.holdout_length * p.unit_days):,}",
                     error=f"{choice.candidate(choice.model).holdout_rmse:.3f}",
                     others=", ".join(f"{MODEL_NAMES[c.model]} {c.holdout_rmse:.3f}" for c in others) or "-")
    else:
        why = label(lang, f"note.model_skip.{p.holdout_skipped}", days=f"{p.history_days or 0:,}",
                    needed=MIN_HOLDOUT_DAYS)
        line = label(lang, "note.model_choice.likelihood", model=name, why=why,
                     others=", ".join(f"{MODEL_NAMES[c.model]} {c.log_likelihood:,.1f}" for c in fitted))
    for c in failed:
        line += " " + label(lang, "note.model_choice.alone", model=name, other=MODEL_NAMES[c.model],
                            reason=_model_reason(c.problem, lang))
    return line


def _model_note(p: Prediction, lang: str) -> str:
    """One line: the models and parameters behind the predictions, which and why, or why there are none."""
    if not p.available:
        return label(lang, "note.model_none", reason=_model_reason(p.problem, lang))
    line = label(lang, "note.model", models=p.params_text, horizon=p.horizon,
                 discount=f"{p.discount * 100:.4g}%", margin=f"{p.margin * 100:.4g}%")
    line += " " + _model_choice(p, lang)
    if p.purchase_limit is not None:
        line += " " + label(lang, f"note.model_limit.{p.purchase_limit}")
    if p.spend_problem is not None:
        line += " " + label(lang, "note.model_spend", spend=f"{p.mean_repeat_spend:,.2f}",
                            reason=_model_reason(p.spend_problem, lang))
    return line + " " + label(lang, "note.model_interval", level=f"{p.interval_level:.0%}")


def _segments(a: Analysis, lang: str) -> Sheet:
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    names = labels_for(lang)
    horizon = a.prediction.horizon
    seg = a.segments.reset_index()
    seg["segment"] = [names[f"seg.{s}"] for s in seg["segment"]]
    seg_cols = (
        Column("segment", L("col.segment"), "text", 20),
        Column("customers", L("col.customers"), "int", 11),
        Column("share", L("col.share"), "percent", 11),
        Column("revenue", L("col.revenue"), "money", 14),
        Column("revenue_share", L("col.revenue_share"), "percent", 11),
        Column("avg_days_since_last", L("col.avg_days_since_last"), "number", 13),
        Column("avg_orders", L("col.avg_orders"), "number", 11),
        Column("avg_revenue", L("col.avg_revenue"), "money", 12),
        Column("avg_clv", L("col.avg_clv"), "money", 12),
        Column("avg_predicted_clv", L("col.avg_predicted_clv"), "money", 13),
        Column("avg_predicted_clv_low", L("col.avg_predicted_clv_low"), "money", 13),
        Column("avg_predicted_clv_high", L("col.avg_predicted_clv_high"), "money", 13),
    )
    summary = Table("SegmentSummary", seg, seg_cols, row=4, title=L("table.SegmentSummary"))
    chart = Chart("bar", L("chart.segments"), "SegmentSummary", 3, len(seg_cols) + 1,
                  ("customers",), category="segment", width_cols=8, height_rows=16)
    h = a.headline
    pareto = Figures(
        row=summary.last_row + 3,
        title=L("fig.pareto"),
        items=(
            (L("fig.top20_share"), h["top20_share"], "percent"),
            (L("fig.customers_for_80"), h["customers_for_80"], "percent"),
            (L("fig.at_risk"), h["at_risk"], "int"),
        ),
    )
    cust = a.customers.reset_index()
    translated = {s: names[f"seg.{s}"] for s in cust["segment"].astype("category").cat.categories}
    cust["segment"] = cust["segment"].map(translated).astype(str)  # once per segment, not per customer
    cust_cols = (
        Column("customer", L("col.customer"), "text", 16),
        Column("first_order", L("col.first_order"), "date", 12),
        Column("last_order", L("col.last_order"), "date", 12),
        Column("orders", L("col.orders"), "int", 9),
        Column("revenue", L("col.revenue"), "money", 12),
        Column("days_since_last", L("col.days_since_last"), "int", 12),
        Column("r", L("col.r"), "score", 5),
        Column("f", L("col.f"), "score", 5),
        Column("m", L("col.m"), "score", 5),
        Column("rfm", L("col.rfm"), "score", 7),
        Column("segment", L("col.segment"), "text", 20),
        Column("clv", L("col.clv"), "money", 13),
        Column("p_alive", L("col.p_alive"), "percent", 9),
        Column("expected_purchases", L("col.expected_purchases", horizon=horizon), "number", 13),
        Column("expected_purchases_low", L("col.expected_purchases_low"), "number", 11),
        Column("expected_purchases_high", L("col.expected_purchases_high"), "number", 11),
        Column("predicted_clv", L("col.predicted_clv", horizon=horizon), "money", 13),
        Column("predicted_clv_low", L("col.predicted_clv_low"), "money", 11),
        Column("predicted_clv_high", L("col.predicted_clv_high"), "money", 11),
        Column("at_risk", L("col.at_risk"), "bool", 9),
    )
    customers = Table("Customers", cust, cust_cols, row=pareto.row + 4, title=L("table.Customers"))
    blocks = (  # the Customers table stays last: a writer may stream its rows
        Text(0, (L("title.segments"),), style="title"),
        Text(1, (L("note.segments"),)),
        Text(2, (_model_note(a.prediction, lang),)),
        summary,
        chart,
        pareto,
        customers,
    )
    return Sheet("segments", L("sheet.segments"), blocks, lang in RIGHT_TO_LEFT, (3, 1),
                 _widths([summary, customers]))


def _issues(issues: pd.DataFrame, notes: list[str], lang: str, subtitle: str) -> Sheet:
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    frame = issues.copy()
    if len(frame):
        frame["action"] = [L(f"action.{a}") if f"action.{a}" in labels_for(lang) else a for a in frame["action"]]
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
                 (table.row + 1, 0), _widths([table]))


def layout_report(
    analysis: Analysis,
    *,
    issues: pd.DataFrame,
    notes: list[str],
    n_input_rows: int,
    source: str,
    lang: str = "en",
) -> Report:
    """Lay out the four report sheets (Summary, Cohorts, Segments, Data issues)."""
    labels_for(lang)  # an unknown language fails here, before any work
    skipped = int(issues.loc[issues["action"] == "skipped", "row"].nunique()) if len(issues) else 0
    h = analysis.headline
    subtitle = label(
        lang, "subtitle", source=source, first=_fmt_date(h["first_order"]), last=_fmt_date(h["last_order"]),
        rows=f"{n_input_rows:,}", used=f"{n_input_rows - skipped:,}", skipped=f"{skipped:,}",
    )
    return Report(
        sheets=(
            _summary(analysis, lang, subtitle),
            _cohorts(analysis, lang),
            _segments(analysis, lang),
            _issues(issues, notes, lang, subtitle),
        ),
        lang=lang,
    )


def table_values(table: Table) -> list[list[object]]:
    """The table's data as rows of plain Python values (NaN/NaT as None), header excluded."""
    cols = []
    for c in table.columns:
        s = table.frame[c.key]
        if c.kind in ("date", "datetime"):
            values = [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in s]
        elif c.kind == "bool":
            values = [None if pd.isna(v) else bool(v) for v in s]
        elif c.kind == "text":
            values = [None if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in s]
        else:
            arr = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
            values = [None if not np.isfinite(v) else float(v) for v in arr]
        cols.append(values)
    return [list(r) for r in zip(*cols)] if cols else []
