"""From an order table to a laid-out report: clean -> analyse -> lay out.

The command line (files) and the ribbon button (a live workbook) both call
:func:`build_report`; only where the table comes from and where the report is written
differ.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from retention_xl.analysis.orders import CleanOrders, clean_orders, no_orders_reason
from retention_xl.analysis.overview import Analysis, analyse
from retention_xl.errors import DataError
from retention_xl.report import Report, layout_report

__all__ = ["BuiltReport", "build_report", "STEPS"]

#: the steps reported to a progress display, in order
STEPS = ("Cleaning orders", "Analysing", "Laying out the report")


@dataclass(frozen=True)
class BuiltReport:
    report: Report
    clean: CleanOrders
    analysis: Analysis

    @property
    def skipped_rows(self) -> int:
        issues = self.clean.issues
        return int(issues.loc[issues["action"] == "skipped", "row"].nunique()) if len(issues) else 0


def build_report(
    raw: pd.DataFrame,
    *,
    source: str,
    first_row: int = 2,
    customer: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    period: str = "M",
    window_days: int | None = None,
    lang: str = "en",
    margin: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> BuiltReport:
    """Clean ``raw`` (the order table as read), analyse it and lay out the report.

    ``first_row`` is the spreadsheet row number of ``raw``'s first data row, so the data
    issues name the rows the user sees. Column options override the detected columns.
    """
    step = progress or (lambda _: None)
    step(STEPS[0])
    clean = clean_orders(raw, customer=customer, date=date, amount=amount, first_row=first_row)
    if clean.orders.empty:
        raise DataError(no_orders_reason(clean))  # no report to show the data issues in
    step(STEPS[1])
    analysis = analyse(clean.orders, period=period, window_days=window_days, margin=margin)
    step(STEPS[2])
    report = layout_report(
        analysis,
        issues=clean.issues,
        notes=clean.notes,
        n_input_rows=clean.n_input_rows,
        source=source,
        lang=lang,
    )
    return BuiltReport(report, clean, analysis)
