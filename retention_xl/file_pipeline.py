"""The pipeline on files: read an order file, write its report workbook, check the models on it.

:func:`read_orders` reads a file (or takes a DataFrame) and cleans it; :func:`report_file`
and :func:`check_holdout` are the pipeline's steps (:mod:`retention_xl.pipeline`) in
sequence for one file, with a progress callback, so that each command of the command line
is one call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from retention_xl.analysis.columns import detect_columns
from retention_xl.analysis.models import holdout_validation
from retention_xl.analysis.orders import Orders, no_orders_error
from retention_xl.analysis.overview import Analysis
from retention_xl.analysis.prediction import split_orders
from retention_xl.errors import OutputExists
from retention_xl.options import ReportOptions
from retention_xl.pipeline import analyse, build_report, clean
from retention_xl.layout.blocks import Report
from retention_xl.sources.files import read_table
from retention_xl.writers.xlsx_file import write_xlsx

__all__ = ["read_orders", "report_file", "ReportRun", "check_holdout", "HoldoutCheck", "STEPS"]

#: the steps :func:`report_file` reports to a progress display, in order
STEPS = ("Reading orders", "Cleaning orders", "Analysing", "Laying out the report", "Writing the workbook")


def read_orders(source: str | Path | pd.DataFrame, options: ReportOptions | None = None, *,
                sheet: str | None = None, **roles: str) -> Orders:
    """Read an order table and clean it: usable orders, the problems found, the columns used.

    Parameters
    ----------
    source : path or pandas.DataFrame
        A .csv/.txt/.tsv, .xlsx/.xlsm or .parquet file, or a table already in memory (one
        row per order or order line, with a header).
    options : ReportOptions, optional
        Column roles and reading options (date order, statuses).
    sheet : str, optional
        Worksheet of an .xlsx file (default: "Orders", else the first sheet with data).
    **roles : str
        Column names by role (``customer="Email"``, ``date="Paid at"`` ...), over those
        of ``options``; see :class:`~retention_xl.options.ColumnRoles`.

    Returns
    -------
    Orders

    Raises
    ------
    MissingColumns, UnknownColumn
        A role's column cannot be found, or a named column does not exist.
    DataError
        The file cannot be read.

    Examples
    --------
    >>> orders = read_orders(pd.DataFrame({"Email": ["A@x.com"], "Paid at": ["2024-01-05"], "Total": ["9.50"]}))
    >>> orders.columns.customer, orders.frame["amount"].tolist()
    ('Email', [9.5])
    """
    if isinstance(source, pd.DataFrame):
        return clean(source, options, **roles)
    table = read_table(source, sheet=sheet, check=_header_check(options, roles))
    return clean(table.frame, options, first_row=table.first_row, name=table.source, **roles)


def _header_check(options: ReportOptions | None, roles: dict | None = None):
    """A check of a sheet's header and first rows: the columns of every role can be found."""
    chosen = {**(options or ReportOptions()).roles.chosen(), **(roles or {})}
    return lambda sample: detect_columns(sample.columns, **chosen)


@dataclass(frozen=True)
class ReportRun:
    """What :func:`report_file` did: the orders read, the analysis, the file written."""

    orders: Orders
    analysis: Analysis
    report: Report
    path: Path


def report_file(source: str | Path, output: str | Path, options: ReportOptions | None = None, *,
                sheet: str | None = None, force: bool = False,
                progress: Callable[[str], None] | None = None) -> ReportRun:
    """Read ``source``, analyse it and write the report workbook ``output`` in one call.

    ``progress`` is called with each step of :data:`STEPS`. ``output`` is never replaced
    unless ``force`` (:class:`~retention_xl.errors.OutputExists`); it is checked before any
    work.
    """
    options = options or ReportOptions()
    step = progress or (lambda _: None)
    output = Path(output)
    if output.exists() and not force:
        raise OutputExists(output)
    step(STEPS[0])
    table = read_table(source, sheet=sheet, check=_header_check(options))
    step(STEPS[1])
    orders = clean(table.frame, options, first_row=table.first_row, name=table.source)
    step(STEPS[2])
    analysis = analyse(orders, options)
    step(STEPS[3])
    report = build_report(analysis, options)
    step(STEPS[4])
    path = write_xlsx(report, output, force=force)
    return ReportRun(orders, analysis, report, path)


@dataclass(frozen=True)
class HoldoutCheck:
    """What :func:`check_holdout` compared: the orders read, the calibration customers'
    summary, the holdout length (model time units) and the comparison."""

    orders: Orders
    calibration: pd.DataFrame
    length: float
    result: dict


def check_holdout(source: str | Path | pd.DataFrame, holdout_start, options: ReportOptions | None = None, *,
                  sheet: str | None = None, progress: Callable[[str], None] | None = None) -> HoldoutCheck:
    """Fit the purchase model on the orders before ``holdout_start`` and compare its
    predictions with the purchases made from that day on (``retention-xl validate``)."""
    step = progress or (lambda _: None)
    step(STEPS[0])
    orders = read_orders(source, options, sheet=sheet)
    if orders.frame.empty:
        raise no_orders_error(orders)
    step("Fitting and comparing")
    calibration, actual, length = split_orders(orders.frame, holdout_start)
    return HoldoutCheck(orders, calibration, length, holdout_validation(calibration, actual, length))
