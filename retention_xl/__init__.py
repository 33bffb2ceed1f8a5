"""retention-xl: customer-retention analytics for Excel users, and for pandas users too.

The public API (everything else is internal)::

    import retention_xl as rx

    orders = rx.read_orders("orders.csv")              # or a DataFrame; roles: customer="Email" ...
    analysis = rx.analyse(orders, rx.ReportOptions(period="M"))
    report = rx.build_report(analysis, rx.ReportOptions(lang="ar"))
    rx.write_xlsx(report, "report.xlsx")

    rx.cohort_table(pd.read_csv("orders.csv"))         # one analysis, pandas in, pandas out
    rx.period_kpis(df); rx.customer_table(df); rx.predict_clv(df)
    survey = rx.read_side_table("survey.csv", "survey")  # optional: survey answers, a contact log
    analysis = rx.analyse(orders, survey=survey, contacts=rx.read_side_table("log.csv", "contacts"))
    rx.contacts_file("orders.csv", "plan.csv", ics="plan.ics")  # the contact plan for mail tools
    rx.contact_plan(df, as_of="2025-01-31")            # the plan's rows, pandas in, pandas out

* :func:`read_orders` -- an order table (path or DataFrame) cleaned: ``Orders`` with the
  usable ``frame``, the ``issues`` found, the ``columns`` used and the ``notices``;
* :class:`ReportOptions`, :class:`ColumnRoles` -- every report setting, checked once;
* :func:`analyse` -> :class:`Analysis`; :func:`build_report` -> :class:`Report`;
  :func:`write_xlsx`; :func:`report_file` (all three steps for one file);
* :func:`read_side_table` -- survey answers or a contact log (path or DataFrame) cleaned;
  :func:`contacts_file` -- the contact plan of an order file as CSV (and .ics);
* :func:`report_source` -- a report from a file, a Parquet dataset, a database or a Spark
  table on the engine that fits (pandas, DuckDB, Spark): :class:`ScaleRun`;
* :func:`cohort_table`, :func:`period_kpis`, :func:`customer_table`, :func:`predict_clv`,
  :func:`contact_plan`;
* the errors, all subclasses of :class:`RetentionError` with a one-line message.

Names are imported on first use, so ``import retention_xl`` (which Excel's formulas do)
stays light. ``main()`` is what the ribbon's **Build report** button runs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_WHERE = {
    "read_orders": "retention_xl.file_pipeline",
    "analyse": "retention_xl.pipeline",
    "build_report": "retention_xl.pipeline",
    "report_file": "retention_xl.file_pipeline",
    "ReportRun": "retention_xl.file_pipeline",
    "read_side_table": "retention_xl.file_pipeline",
    "contacts_file": "retention_xl.file_pipeline",
    "ContactsRun": "retention_xl.file_pipeline",
    "write_xlsx": "retention_xl.writers.xlsx_file",
    "ReportOptions": "retention_xl.options",
    "ColumnRoles": "retention_xl.options",
    "Orders": "retention_xl.analysis.orders",
    "Analysis": "retention_xl.analysis.overview",
    "Report": "retention_xl.layout.blocks",
    "cohort_table": "retention_xl.dataframes",
    "period_kpis": "retention_xl.dataframes",
    "customer_table": "retention_xl.dataframes",
    "predict_clv": "retention_xl.dataframes",
    "contact_plan": "retention_xl.dataframes",
    "RetentionError": "retention_xl.errors",
    "DataError": "retention_xl.errors",
    "MissingColumns": "retention_xl.errors",
    "UnknownColumn": "retention_xl.errors",
    "NoUsableOrders": "retention_xl.errors",
    "InvalidValue": "retention_xl.errors",
    "OutOfRange": "retention_xl.errors",
    "DivisionByZero": "retention_xl.errors",
    "ModelError": "retention_xl.errors",
    "OutputExists": "retention_xl.errors",
    "OutputIsInput": "retention_xl.errors",
    "OutputInsideInput": "retention_xl.errors",
    "EnvironmentProblem": "retention_xl.errors",
    "EngineOutOfMemory": "retention_xl.errors",
    "TooLargeForMemory": "retention_xl.errors",
    "report_source": "retention_xl.engines.run",
    "ScaleRun": "retention_xl.engines.run",
}

__all__ = [
    "__version__",
    "main",
    "read_orders",
    "analyse",
    "build_report",
    "report_file",
    "ReportRun",
    "read_side_table",
    "contacts_file",
    "ContactsRun",
    "write_xlsx",
    "ReportOptions",
    "ColumnRoles",
    "Orders",
    "Analysis",
    "Report",
    "cohort_table",
    "period_kpis",
    "customer_table",
    "predict_clv",
    "contact_plan",
    "RetentionError",
    "DataError",
    "MissingColumns",
    "UnknownColumn",
    "NoUsableOrders",
    "InvalidValue",
    "OutOfRange",
    "DivisionByZero",
    "ModelError",
    "OutputExists",
    "OutputIsInput",
    "OutputInsideInput",
    "EnvironmentProblem",
    "EngineOutOfMemory",
    "TooLargeForMemory",
    "report_source",
    "ScaleRun",
]

if TYPE_CHECKING:  # for type checkers and editors; at run time names load on first use
    from retention_xl.analysis.orders import Orders
    from retention_xl.analysis.overview import Analysis
    from retention_xl.dataframes import (
        cohort_table,
        contact_plan,
        customer_table,
        period_kpis,
        predict_clv,
    )
    from retention_xl.engines.run import ScaleRun, report_source
    from retention_xl.errors import (
        DataError,
        DivisionByZero,
        EngineOutOfMemory,
        EnvironmentProblem,
        InvalidValue,
        MissingColumns,
        ModelError,
        NoUsableOrders,
        OutOfRange,
        OutputExists,
        OutputInsideInput,
        OutputIsInput,
        RetentionError,
        TooLargeForMemory,
        UnknownColumn,
    )
    from retention_xl.file_pipeline import (
        ContactsRun,
        ReportRun,
        contacts_file,
        read_orders,
        read_side_table,
        report_file,
    )
    from retention_xl.layout.blocks import Report
    from retention_xl.options import ColumnRoles, ReportOptions
    from retention_xl.pipeline import analyse, build_report
    from retention_xl.writers.xlsx_file import write_xlsx


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'retention_xl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def main() -> None:
    """Build the retention report in the workbook that called (the ribbon's **Build report**).

    xlwings' ribbon add-in runs ``import retention_xl; retention_xl.main()``; the work is
    imported only here, so importing the package stays light.
    """
    from retention_xl.excel.macro import main as build_in_calling_workbook

    build_in_calling_workbook()
