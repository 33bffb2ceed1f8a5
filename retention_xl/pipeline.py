"""The report's steps on a table in memory: clean the orders, analyse them, lay out the report.

Each step is one call, and every door runs the same steps: the command line and
:func:`retention_xl.read_orders` after reading a file (:mod:`retention_xl.file_pipeline`),
the ribbon and xlwings Lite after reading the workbook's order table::

    orders = clean(frame)                               # clean orders + issues + columns used
    analysis = analyse(orders, ReportOptions(period="Q"))
    report = build_report(analysis, ReportOptions(lang="fa"))

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({"Customer": ["a", "b", "a"], "Date": ["2024-01-05", "2024-01-20", "2024-02-03"],
...                     "Total": [10, 20, 5]})
>>> analysis = analyse(clean(raw))
>>> analysis.headline["customers"], analysis.headline["orders"]
(2, 3)
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from retention_xl.analysis.orders import Orders, clean_orders
from retention_xl.analysis.overview import Analysis, analyse_orders
from retention_xl.analysis.side_tables import SideTable, clean_contact_log, clean_survey
from retention_xl.errors import InvalidValue
from retention_xl.layout import layout_report
from retention_xl.layout.blocks import Report
from retention_xl.analysis.text_language import report_language
from retention_xl.options import AUTO, ColumnRoles, ReportOptions, given_options

__all__ = ["clean", "clean_side_table", "side_table", "analyse", "build_report", "with_language"]


def clean(raw: pd.DataFrame, options: ReportOptions | None = None, *, first_row: int = 2,
          name: str = "DataFrame", **roles: str) -> Orders:
    """Clean an order table already in memory: usable orders, problems found, columns used.

    Parameters
    ----------
    raw : pandas.DataFrame
        One row per order or order line, with a header; not modified.
    options : ReportOptions, optional
        Column roles and reading options (date order, statuses).
    first_row : int
        The spreadsheet row of ``raw``'s first row, so problems name the rows the user
        sees (header in row 1 -> 2).
    name : str
        What to call the table in the report.
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
    """
    if not isinstance(raw, pd.DataFrame):
        raise InvalidValue(f"the order table must be a pandas DataFrame, got {type(raw).__name__}")
    options = _with_roles(given_options(options), roles)
    return clean_orders(raw, **options.cleaning(), first_row=first_row, source=name)


def _with_roles(options: ReportOptions, roles: dict[str, str]) -> ReportOptions:
    if not roles:
        return options
    unknown = sorted(set(roles) - {f.name for f in dataclasses.fields(ColumnRoles)})
    if unknown:
        raise InvalidValue(f"unknown column role {unknown[0]!r}; the roles are "
                           + ", ".join(f.name for f in dataclasses.fields(ColumnRoles)))
    return dataclasses.replace(options, roles=dataclasses.replace(options.roles, **roles))


def clean_side_table(raw: pd.DataFrame, kind: str, options: ReportOptions | None = None, *, first_row: int = 2,
                     name: str = "") -> SideTable:
    """Clean survey answers (``kind="survey"``) or a contact log (``kind="contacts"``) held
    in memory; columns are found by their headers, dates read in the order of ``options``.
    See :mod:`~retention_xl.analysis.side_tables`."""
    if kind not in ("survey", "contacts"):
        raise InvalidValue(f'kind must be "survey" or "contacts", got {kind!r}')
    dayfirst = given_options(options).dayfirst
    cleaner = clean_survey if kind == "survey" else clean_contact_log
    return cleaner(raw, first_row=first_row, dayfirst=dayfirst, source=name)


def side_table(table: SideTable | pd.DataFrame | None, kind: str, options: ReportOptions | None = None) \
        -> SideTable | None:
    """Survey answers or a contact log as the analysis takes them: cleaned when raw, and
    of the ``kind`` asked for (a survey given as a contact log is an ``InvalidValue``)."""
    if table is None or isinstance(table, SideTable) and table.kind == kind:
        return table
    if isinstance(table, pd.DataFrame):
        return clean_side_table(table, kind, options)
    what = f"{table.kind} table" if isinstance(table, SideTable) else type(table).__name__
    raise InvalidValue(f"{kind} must be a pandas DataFrame or rx.read_side_table(..., \"{kind}\"), got a {what}")


def analyse(orders: Orders | pd.DataFrame, options: ReportOptions | None = None, *,
            survey: SideTable | pd.DataFrame | None = None,
            contacts: SideTable | pd.DataFrame | None = None) -> Analysis:
    """Every analysis of the report: period KPIs, cohorts, customers, segments, predictions,
    the contact plan and, with survey answers, the feedback figures.

    Parameters
    ----------
    orders : Orders or pandas.DataFrame
        The result of :func:`read_orders`, or a raw order table (cleaned here with the
        column roles of ``options``).
    options : ReportOptions, optional
        Period, activity window, horizon, margin, discount, and the contact plan's day,
        quiet period and weeks.
    survey, contacts : SideTable or pandas.DataFrame, optional
        Survey answers and a contact log, cleaned (:func:`clean_side_table`) or raw.

    Returns
    -------
    Analysis

    Raises
    ------
    NoUsableOrders
        Not one row was usable (the error says the commonest problems).
    """
    options = given_options(options)
    if not isinstance(orders, (Orders, pd.DataFrame)):
        raise InvalidValue(f"orders must be the result of rx.read_orders or a pandas DataFrame, "
                           f"got {type(orders).__name__}")
    if not isinstance(orders, Orders):
        orders = clean(orders, options)
    survey = side_table(survey, "survey", options)
    contacts = side_table(contacts, "contacts", options)
    return analyse_orders(orders, period=options.period, window_days=options.window, margin=options.margin,
                          horizon=options.horizon, discount=options.discount, as_of=options.as_of,
                          quiet_days=options.quiet_days, contact_weeks=options.contact_weeks,
                          survey=survey, contacts=contacts, calendar=options.calendar)


def build_report(analysis: Analysis, options: ReportOptions | None = None) -> Report:
    """Lay out the report sheets (Summary, Cohorts, Segments, Data issues) in the language of
    ``options``; write the result with :func:`~retention_xl.writers.xlsx_file.write_xlsx` or
    into a live workbook."""
    if not isinstance(analysis, Analysis):
        raise InvalidValue(f"build_report takes the result of rx.analyse, got {type(analysis).__name__}")
    options = with_language(given_options(options), analysis.orders.columns.used().values())
    return layout_report(analysis, lang=options.lang, door=options.door)


def with_language(options: ReportOptions | None, headers) -> ReportOptions:
    """``options`` with ``lang="auto"`` settled: the language the orders' ``headers`` are
    written in (:func:`~retention_xl.analysis.text_language.report_language`); a language
    given is kept.

    >>> with_language(ReportOptions(lang="auto"), ["کد مشتری", "تاریخ", "مبلغ"]).lang
    'fa'
    >>> with_language(ReportOptions(lang="en"), ["کد مشتری", "تاریخ", "مبلغ"]).lang
    'en'
    """
    options = given_options(options)
    if options.lang != AUTO:
        return options
    return dataclasses.replace(options, lang=report_language([str(h) for h in headers]))
