"""The Summary sheet: headline figures, what the figures rest on, and the PeriodKPIs table."""

from __future__ import annotations

import pandas as pd

from retention_xl.analysis.overview import Analysis
from retention_xl.labels import RIGHT_TO_LEFT, label
from retention_xl.layout.blocks import Column, Figures, Sheet, Table, Text, widths
from retention_xl.layout.statement import basis_lines

__all__ = ["summary_sheet"]


def summary_sheet(a: Analysis, lang: str, subtitle: str, door: str = "python") -> Sheet:
    """Headline figures (with the revenue of refund-only customers on its own, so that net
    revenue reconciles with the Customers table), the columns, export and conventions the
    figures rest on, and the PeriodKPIs table."""
    L = lambda k, **v: label(lang, k, **v)  # noqa: E731
    h = a.headline
    kinds = {
        "customers": "int", "orders": "int", "revenue": "money", "aov": "money",
        "purchase_frequency": "number", "repeat_rate": "percent", "avg_crr": "percent",
        "avg_churn": "percent",
    }
    items = [(L(f"fig.{k}"), h[k], kind) for k, kind in kinds.items()]
    if h.get("refund_only_customers"):
        items += [(L("fig.customers_revenue"), float(a.customers["revenue"].sum()), "money"),
                  (L("fig.refund_only", count=h["refund_only_customers"]), h["refund_only_revenue"], "money")]
    figures = Figures(row=3, items=tuple(items))
    notes = [L("note.window", window=a.window_days)]
    if a.calendar == "jalali":  # say which calendar the periods are in, with the first one's days
        starts = a.kpis["start"]
        first = {"period": a.kpis["period"].iloc[0], "start": f"{starts.iloc[0]:%Y-%m-%d}"}
        if len(starts) > 1:
            notes.append(L("note.calendar.jalali", **first, end=f"{starts.iloc[1] - pd.Timedelta(days=1):%Y-%m-%d}"))
        else:
            notes.append(L("note.calendar.jalali_one", **first))
    if h.get("avg_from"):
        notes.append(L("note.avg_from", period=h["avg_from"], window=a.window_days))
    else:  # the two figures are blank: say why
        notes.append(L("note.avg_none", window=a.window_days))
    basis = basis_lines(a.orders.columns, a.orders.notices, lang, door)
    basis_row = 6
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
    table_row = basis_row + 1 + len(basis) + len(notes) - 1 + 2
    table = Table("PeriodKPIs", a.kpis, cols, row=table_row, title=L("table.PeriodKPIs"))
    blocks = (
        Text(0, (L("title.summary"),), style="title"),
        Text(1, (subtitle,), style="subtitle"),
        Text(2, (notes[0],)),
        figures,
        Text(basis_row, (L("title.basis"),), style="heading"),
        Text(basis_row + 1, tuple(basis) + tuple(notes[1:])),
        table,
    )
    return Sheet("summary", L("sheet.summary"), blocks, lang in RIGHT_TO_LEFT, (table_row + 1, 1), widths([table], (figures,)))
