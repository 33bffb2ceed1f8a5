"""The pipeline on files: read an order file, write its report workbook or its contact plan, check the models on it.

:func:`read_orders` reads a file (or takes a DataFrame) and cleans it, :func:`read_side_table`
does the same for survey answers and a contact log; :func:`report_file`,
:func:`contacts_file` and :func:`check_holdout` are the pipeline's steps
(:mod:`retention_xl.pipeline`) in sequence for one file, with a progress callback, so that
each command of the command line is one call.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from retention_xl.analysis.columns import detect_columns
from retention_xl.analysis.dates import read_day
from retention_xl.analysis.holdout_split import Validation, validate_models
from retention_xl.analysis.orders import Orders, no_orders_error
from retention_xl.analysis.overview import Analysis
from retention_xl.analysis.side_tables import SideTable
from retention_xl.input_sheets import INPUT_TABLES, sheet_names
from retention_xl.labels import label
from retention_xl.layout.blocks import Report
from retention_xl.layout.contacts import calendar_events, plan_table
from retention_xl.options import ReportOptions, given_options
from retention_xl.pipeline import (
    analyse,
    build_report,
    clean,
    clean_side_table,
    with_language,
)
from retention_xl.sources.files import RawTable, read_table, workbook_sheets
from retention_xl.writers.calendar_ics import check_ics_target, write_ics
from retention_xl.writers.csv_table import check_csv_target, write_table_csv
from retention_xl.writers.xlsx_file import check_xlsx_target, write_xlsx

__all__ = [
    "STEPS",
    "ContactsRun",
    "HoldoutCheck",
    "ReportRun",
    "check_holdout",
    "contacts_file",
    "header_check",
    "read_orders",
    "read_side_table",
    "report_file",
    "source_name",
]

#: the steps :func:`report_file` reports to a progress display, in order
STEPS = ("Reading orders", "Cleaning orders", "Analysing", "Laying out the report", "Writing the workbook")


def read_orders(source: str | Path | pd.DataFrame, options: ReportOptions | None = None, *,
                sheet: str | None = None, dayfirst: bool | None = None, **roles: str) -> Orders:
    """Read an order table and clean it: usable orders, the problems found, the columns used.

    When no date of the table settles the day/month order (``03/04/2024`` everywhere: day
    and month 12 or below), the dates are read day first and a :class:`UserWarning` says
    so, as pandas warns when it guesses a date format; ``dayfirst`` chooses the order and
    silences it. The guess is also among ``Orders.notices`` (code ``"date_order"``), which
    the report, the command line and the ribbon show in their own words instead.

    Parameters
    ----------
    source : path or pandas.DataFrame
        A .csv/.txt/.tsv, .xlsx/.xlsm or .parquet file, or a table already in memory (one
        row per order or order line, with a header).
    options : ReportOptions, optional
        Column roles and reading options (date order, statuses).
    sheet : str, optional
        Worksheet of an .xlsx file (default: "Orders", else the first sheet with data).
    dayfirst : bool, optional
        Text dates such as ``03/04/2024`` are day/month/year (True) or month/day/year
        (False), over ``options.dayfirst``; by default the dates decide.
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
    if dayfirst is not None:
        options = dataclasses.replace(options or ReportOptions(), dayfirst=dayfirst)
    orders, _ = _read_orders(source, options, sheet=sheet, **roles)
    for notice in orders.notices:
        if notice.code == "date_order" and "example" in notice.values:
            warnings.warn(_guessed_date_order(notice.values), UserWarning, stacklevel=2)
    return orders


def _guessed_date_order(v) -> str:
    """The warning of a day/month order read by default (the Python door's words)."""
    first, other = ("day/month/year", "month/day/year") if v["dayfirst"] else ("month/day/year", "day/month/year")
    return (f"Could not tell the day/month order of the dates in column {v['column']!r} (day and month are 12 or "
            f"below in all {v['total']:,} of them): read as {first}, e.g. {v['example']!r} as {v['read_as']}. "
            f"If they are {other}, pass dayfirst={not v['dayfirst']}; pass dayfirst={bool(v['dayfirst'])} to keep "
            "this reading without this warning.")


def source_name(table: RawTable, lang: str) -> str:
    """Where ``table`` came from, in ``lang``: ``"orders.xlsx، برگه‌ی «سفارش‌ها»"`` for a
    workbook's sheet, the file's name for a file of one table."""
    if table.sheet is None:
        return table.source
    if table.table is None:
        return label(lang, "source.file_sheet", file=table.file, sheet=table.sheet)
    return label(lang, "source.file_table", file=table.file, sheet=table.sheet, table=table.table)


def _lang(options: ReportOptions | None, table: RawTable) -> str:
    """The language ``table`` is named in: that of ``options``, or of its headers (``"auto"``)."""
    return with_language(options, table.frame.columns).lang


def _read_orders(source: str | Path | pd.DataFrame, options: ReportOptions | None, *, sheet: str | None = None,
                 **roles: str) -> tuple[Orders, ReportOptions]:
    """:func:`read_orders` without its warning, for the pipelines whose doors show the notices;
    with ``options``, their ``lang="auto"`` settled by the table's headers."""
    if isinstance(source, pd.DataFrame):
        return clean(source, options, **roles), with_language(options, source.columns)
    table = read_table(source, sheet=sheet, check=header_check(options, roles))
    options = with_language(options, table.frame.columns)
    return clean(table.frame, options, first_row=table.first_row, name=source_name(table, options.lang), **roles), options


def header_check(options: ReportOptions | None, roles: dict | None = None):
    """A check of a sheet's header and first rows: the columns of every role can be found
    (given to :func:`~retention_xl.sources.files.read_table`, it refuses a table before the
    whole file is read)."""
    chosen = {**(options or ReportOptions()).roles.chosen(), **(roles or {})}
    return lambda sample: detect_columns(sample.columns, **chosen)


def read_side_table(source: str | Path | pd.DataFrame | SideTable | None, kind: str,
                    options: ReportOptions | None = None, *, sheet: str | None = None) -> SideTable | None:
    """Read and clean survey answers (``kind="survey"``) or a contact log (``"contacts"``).

    ``source`` is a .csv/.xlsx/.parquet file, a table in memory, an already cleaned
    :class:`~retention_xl.analysis.side_tables.SideTable` (returned as is) or ``None``
    (nothing given: ``None``). Columns are found by their headers (see
    :mod:`~retention_xl.analysis.side_tables`).

    Examples
    --------
    >>> log = read_side_table(pd.DataFrame({"Customer": ["a"], "Date": ["2024-01-05"]}), "contacts")
    >>> log.kind, log.frame["customer"].tolist()
    ('contacts', ['a'])
    """
    if source is None or isinstance(source, SideTable):
        return source
    if isinstance(source, pd.DataFrame):
        return clean_side_table(source, kind, options)
    table = read_table(source, sheet=sheet or _side_sheet(Path(source), kind), table=INPUT_TABLES[kind])
    return clean_side_table(table.frame, kind, options, first_row=table.first_row,
                            name=source_name(table, _lang(options, table)))


#: sheet names a workbook may keep survey answers or a contact log under (compared casefolded)
SIDE_SHEETS = {
    "survey": {"survey", "survey answers", "answers", "nps"} | sheet_names("survey"),
    "contacts": {"contacts", "contact log", "contact history"} | sheet_names("contacts"),
}


def _side_sheet(path: Path, kind: str) -> str | None:
    """The sheet of a workbook to read ``kind`` from: one named for it, else the first sheet
    (never the "Orders" sheet an order export prefers); ``None`` for other files."""
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls") or not path.is_file():
        return None
    names = workbook_sheets(path)  # hostile or broken files are refused before a reader sees them
    if names is None:
        return None
    wanted = {n.strip().casefold() for n in SIDE_SHEETS[kind]}
    return next((n for n in names if n.strip().casefold() in wanted), names[0] if names else None)


@dataclass(frozen=True)
class ReportRun:
    """What :func:`report_file` did: the orders read, the analysis, the file written."""

    orders: Orders
    analysis: Analysis
    report: Report
    path: Path


def report_file(source: str | Path, output: str | Path, options: ReportOptions | None = None, *,
                sheet: str | None = None, force: bool = False,
                progress: Callable[[str], None] | None = None,
                survey: str | Path | pd.DataFrame | SideTable | None = None,
                contacts: str | Path | pd.DataFrame | SideTable | None = None) -> ReportRun:
    """Read ``source``, analyse it and write the report workbook ``output`` in one call.

    ``progress`` is called with each step of :data:`STEPS`. ``output`` is never replaced
    unless ``force`` (:class:`~retention_xl.errors.OutputExists`), and never when it is one
    of the files read (:class:`~retention_xl.errors.OutputIsInput`); it is checked before
    any work. ``survey`` answers and a ``contacts`` log (files or tables, optional) add the
    Feedback sheet and feed the contact plan (see :func:`read_side_table`).
    """
    options = options or ReportOptions()
    step = progress or (lambda _: None)
    output = check_xlsx_target(output, force=force, inputs=(source, survey, contacts))
    step(STEPS[0])
    table = read_table(source, sheet=sheet, check=header_check(options))
    options = with_language(options, table.frame.columns)
    step(STEPS[1])
    orders = clean(table.frame, options, first_row=table.first_row, name=source_name(table, options.lang))
    answers = read_side_table(survey, "survey", options)
    log = read_side_table(contacts, "contacts", options)
    step(STEPS[2])
    analysis = analyse(orders, options, survey=answers, contacts=log)
    step(STEPS[3])
    report = build_report(analysis, options)
    step(STEPS[4])
    path = write_xlsx(report, output, force=force)
    return ReportRun(orders, analysis, report, path)


@dataclass(frozen=True)
class ContactsRun:
    """What :func:`contacts_file` did: the analysis behind the plan and the files written
    (``calendar`` is ``None`` without an .ics file, and when no week has contacts: a
    calendar file must hold at least one event, RFC 5545)."""

    analysis: Analysis
    path: Path
    calendar: Path | None


def contacts_file(source: str | Path, output: str | Path, options: ReportOptions | None = None, *,
                  survey: str | Path | pd.DataFrame | SideTable | None = None,
                  contacts: str | Path | pd.DataFrame | SideTable | None = None,
                  ics: str | Path | None = None, sheet: str | None = None, force: bool = False,
                  progress: Callable[[str], None] | None = None) -> ContactsRun:
    """Read ``source`` (and the optional ``survey`` answers and ``contacts`` log), make the
    contact plan and write it as CSV to ``output`` (``retention-xl contacts``): the
    ContactPlan table of the report's Contacts sheet, in the language of ``options``.
    With ``ics``, the weekly batches are also written as an iCalendar file.

    Neither file is replaced unless ``force``, nor ever when it is one of the files read;
    both are checked (names, folders, existence) before any work.
    """
    options = options or ReportOptions()
    step = progress or (lambda _: None)
    read = (source, survey, contacts)
    output = check_csv_target(output, force=force, inputs=read)
    if ics is not None:
        ics = check_ics_target(ics, force=force, inputs=read)
    step(STEPS[0])
    orders, options = _read_orders(source, options, sheet=sheet)
    answers = read_side_table(survey, "survey", options)
    log = read_side_table(contacts, "contacts", options)
    step(STEPS[2])
    analysis = analyse(orders, options, survey=answers, contacts=log)
    step("Writing the plan")
    plan = plan_table(analysis.contacts, options.lang, arabic_letters=analysis.orders.arabic_letters,
                      digits=analysis.orders.customer_digits)
    path = write_table_csv(plan, output, force=force)
    calendar = None
    if ics is not None:
        name = label(options.lang, "table.ContactPlan")
        events = calendar_events(analysis, options.lang)
        if events:
            calendar = write_ics(events, ics, name=name, force=force)
    return ContactsRun(analysis, path, calendar)


@dataclass(frozen=True)
class HoldoutCheck:
    """What :func:`check_holdout` compared: the orders read and the validation of every
    purchase model (fits, holdout errors, the choice)."""

    orders: Orders
    validation: Validation


def check_holdout(source: str | Path | pd.DataFrame, holdout_start, options: ReportOptions | None = None, *,
                  sheet: str | None = None, progress: Callable[[str], None] | None = None) -> HoldoutCheck:
    """Fit the purchase models on the orders before ``holdout_start``, compare their
    predictions with the purchases made from that day on and choose one (``retention-xl
    validate``); a text ``holdout_start`` such as ``01/07/2024`` is read in the date order of
    ``options`` (``dayfirst``)."""
    start = read_day(holdout_start, "holdout_start", given_options(options).dayfirst)
    step = progress or (lambda _: None)
    step(STEPS[0])
    orders, _ = _read_orders(source, options, sheet=sheet)
    if orders.frame.empty:
        raise no_orders_error(orders)
    step("Fitting and comparing")
    return HoldoutCheck(orders, validate_models(orders.frame, start))
