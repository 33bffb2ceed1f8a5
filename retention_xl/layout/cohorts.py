"""The Cohorts sheet: retention heatmap, retention curves, active customers and revenue per cohort."""

from __future__ import annotations

import pandas as pd

from retention_xl.analysis.overview import Analysis
from retention_xl.labels import RIGHT_TO_LEFT, label
from retention_xl.layout.blocks import Chart, Column, Sheet, Table, Text, widths

__all__ = ["cohorts_sheet"]


RECENT_COHORTS_IN_CHART = 8


def _cohort_frame(matrix: pd.DataFrame, size: pd.Series) -> pd.DataFrame:
    out = matrix.copy()
    out.insert(0, "size", size.to_numpy())
    out.insert(0, "cohort", matrix.index.astype(str))
    return out.reset_index(drop=True)


def cohorts_sheet(a: Analysis, lang: str) -> Sheet:
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
    return Sheet("cohorts", L("sheet.cohorts"), blocks, lang in RIGHT_TO_LEFT, (3, 2), widths(tables))
