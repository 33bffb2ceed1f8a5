"""A report from any order source, on the engine that fits: :func:`report_source`.

The command line's ``report`` calls this one function. It recognises the source (a
file, a Parquet dataset, a database, a Spark table), chooses the engine
(:func:`~retention_xl.engines.choice.choose_engine`), computes the analysis, keeps the
Customers sheet within ``customers_limit`` (the full table, in the words of the Customers
sheet, goes beside the workbook as
``<workbook>-customers.parquet``), lays the report out, says on the Summary sheet which
engine ran, and writes the workbook. ``progress`` hears every stage, whatever the engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from retention_xl.analysis.orders import Orders, no_orders_error
from retention_xl.analysis.overview import Analysis
from retention_xl.analysis.prediction import PREDICTION_COLUMNS
from retention_xl.atomic_write import check_target, write_atomically
from retention_xl.engines.choice import check_pandas_fits, choose_engine, estimate_rows
from retention_xl.engines.customer_limit import kept_customers, write_customer_table
from retention_xl.engines.sql_analysis import analyse_staged
from retention_xl.engines.staging import stage_orders
from retention_xl.errors import DataError, InvalidValue
from retention_xl.file_pipeline import header_check, read_side_table, source_name
from retention_xl.layout.blocks import Report
from retention_xl.layout.run_facts import with_run_facts
from retention_xl.layout.segments import customer_columns, segment_names
from retention_xl.options import AUTO, ReportOptions
from retention_xl.pipeline import analyse, build_report, clean, with_language
from retention_xl.sources.datasets import (
    BATCH_ROWS,
    Dataset,
    batch_frame,
    is_dataset,
    open_dataset,
)
from retention_xl.sources.file_checks import check_parquet_marks
from retention_xl.sources.files import PARQUET_SUFFIXES, read_table
from retention_xl.writers.xlsx_file import check_xlsx_target, write_xlsx

__all__ = ["ScaleRun", "customers_path", "report_source"]

@dataclass(frozen=True)
class ScaleRun:
    """What :func:`report_source` did.

    Attributes
    ----------
    orders : Orders
        Issues, notices, columns used, rows read (``frame`` is empty for DuckDB and Spark).
    analysis : Analysis
        ``customers`` holds the customers the sheet keeps.
    report : Report
    path : pathlib.Path
        The workbook written.
    engine : str
        ``"pandas"``, ``"duckdb"`` or ``"spark"``.
    n_customers : int
        Customers in all.
    customers_file : pathlib.Path or None
        The full per-customer table, when the sheet keeps only part of it.
    """

    orders: Orders
    analysis: Analysis
    report: Report
    path: Path
    engine: str
    n_customers: int
    customers_file: Path | None


def customers_path(output: str | Path) -> Path:
    """Where the full per-customer table of the workbook ``output`` goes.

    >>> customers_path("out/report.xlsx").as_posix()
    'out/report-customers.parquet'
    """
    output = Path(output)
    return output.with_name(f"{output.stem}-customers.parquet")


def report_source(source: str | Path, output: str | Path, options: ReportOptions | None = None, *,
                  table: str | None = None, query: str | None = None, sheet: str | None = None,
                  force: bool = False, progress: Callable[[str], None] | None = None, spark=None,
                  batch_rows: int = BATCH_ROWS, staging: str | Path | None = None,
                  survey=None, contacts=None) -> ScaleRun:
    """Read ``source``, compute the report on the engine of ``options`` and write ``output``.

    Parameters
    ----------
    source : str or path
        A .csv/.xlsx/.parquet file, a Parquet directory or glob, a .duckdb/.sqlite file,
        a ``postgresql://`` URL or ``spark:TABLE`` (see :func:`~retention_xl.sources.datasets.open_dataset`).
    output : path
        The workbook to write; the full per-customer table, when needed, goes beside it
        (:func:`customers_path`). Neither is replaced unless ``force``, and neither may be
        written where a Parquet folder or glob being read would read it the next time
        (checked before any work, whether the table turns out to be needed or not).
    options : ReportOptions, optional
        ``engine``, ``memory_limit`` and ``customers_limit`` besides the report's settings.
    table, query : str, optional
        For databases and Spark.
    spark : pyspark.sql.SparkSession, optional
        The session for the Spark engine and Spark tables.
    batch_rows : int
        Rows cleaned at a time by the DuckDB and Spark engines.
    staging : path, optional
        Folder for the cleaned orders (default: the system's temporary folder); for Spark on
        a cluster, a folder every node can read (a shared mount).

    Raises
    ------
    OutputIsInput, OutputInsideInput, OutputExists, TooLargeForMemory, NoUsableOrders, MissingColumns, DataError, EnvironmentProblem
    """
    options = options or ReportOptions()
    if (table or query) and not is_dataset(source):  # a filter or table that would be ignored
        given = "table" if table else "query"
        raise InvalidValue(f"{given} is for databases and Spark tables; {Path(str(source)).name!r} is a file, "
                           "read whole", option=given)
    step = progress or (lambda _: None)
    # the outputs are checked before the work, not after it: a missing folder or a name
    # other than .xlsx would otherwise be found once millions of rows are analysed
    read = (source, survey, contacts)
    output = check_xlsx_target(output, force=force, inputs=read)
    beside = check_target(customers_path(output), force=force, inputs=read, option="output")
    step("Reading orders")
    dataset = open_dataset(source, table=table, query=query, spark=spark) if is_dataset(source) else None
    if dataset is None:
        path = Path(source)
        rows = _parquet_rows(path) if path.suffix.lower() in PARQUET_SUFFIXES and path.is_file() \
            else estimate_rows(path) if path.is_file() else None
        kind = "file"
    else:
        rows = dataset.count_rows()
        kind = {"parquet": "parquet-dataset", "spark": "spark"}.get(dataset.kind, "database")
        if dataset.kind == "parquet" and len(dataset.files) == 1 and Path(str(source)).is_file():
            kind = "file"
    engine = choose_engine(options.engine, kind=kind, rows=rows)

    # read before the orders, so that a broken survey or log is refused before a long run;
    # read again once the orders' headers settle the report's language (below)
    asked = options
    answers, log = (read_side_table(t, kind, options) for t, kind in ((survey, "survey"), (contacts, "contacts")))

    def in_report_language(settled: ReportOptions):
        """The side tables named in the report's language, not in their own headers' one."""
        if asked.lang != AUTO or settled.lang == AUTO:
            return answers, log
        return tuple(read_side_table(t, kind, settled) for t, kind in ((survey, "survey"), (contacts, "contacts")))

    if engine == "pandas":
        check_pandas_fits(rows)
        if dataset is None:  # the header checked before the whole file is read
            raw = read_table(source, sheet=sheet, check=header_check(options))
            options = with_language(options, raw.frame.columns)
            frame, first_row, name = raw.frame, raw.first_row, source_name(raw, options.lang)
        else:
            batches = [b if isinstance(b, pd.DataFrame) else batch_frame(b) for b in dataset.batches()]
            frame = pd.concat(batches, ignore_index=True) if batches else pd.DataFrame()
            first_row, name = 1, dataset.name
            options = with_language(options, frame.columns)
        step("Cleaning orders")
        orders = clean(frame, options, first_row=first_row, name=name)
        answers, log = in_report_language(options)
        step("Analysing")
        analysis = analyse(orders, options, survey=answers, contacts=log)
    else:
        if dataset is None and Path(source).suffix.lower() in (".csv", ".txt", ".tsv"):
            dataset = Dataset.of_csv(source)  # streamed: no cell limit
        elif dataset is None and Path(source).suffix.lower() in PARQUET_SUFFIXES:
            if not Path(source).is_file():
                raise DataError(f"File not found: {source}")
            check_parquet_marks(Path(source))
            dataset = open_dataset(source)  # streamed too (read whole, it met the cell limit)
        elif dataset is None:
            raw = read_table(source, sheet=sheet, check=header_check(options))
            options = with_language(options, raw.frame.columns)
            dataset = Dataset.of_frame(raw.frame, source_name(raw, options.lang), raw.first_row)
        staged = stage_orders(dataset, options, batch_rows=batch_rows, progress=step, folder=staging)
        options = with_language(options, staged.orders.columns.used().values())
        answers, log = in_report_language(options)
        try:
            sql_engine = _engine(engine, options, spark)
        except BaseException:
            staged.remove()
            raise
        try:
            if not staged.n_orders:
                raise no_orders_error(staged.orders)
            sql_engine.stage(staged.files, {"spellings": staged.spellings, "emails": staged.emails})
            analysis = analyse_staged(sql_engine, staged.orders, period=options.period, window_days=options.window,
                                      margin=options.margin, horizon=options.horizon, discount=options.discount,
                                      as_of=options.as_of, quiet_days=options.quiet_days,
                                      contact_weeks=options.contact_weeks, survey=answers, contacts=log,
                                      calendar=options.calendar, progress=step)
        finally:
            sql_engine.close()
            staged.remove()
    orders = analysis.orders
    n_customers = len(analysis.customers)
    customers_file = None
    if n_customers > options.customers_limit:
        step("Writing the full customer table")
        arabic = analysis.orders.arabic_letters
        # the words of the workbook's Customers table, in the report's language
        headings = {c.key: c.header for c in customer_columns(options.lang, analysis.prediction.horizon)}
        segments = segment_names(options.lang)
        write_atomically(beside, lambda f: write_customer_table(analysis.customers, f, arabic_letters=arabic,
                                                                digits=analysis.orders.customer_digits,
                                                                headings=headings, segments=segments),
                         force=force)
        customers_file = beside
        kept = kept_customers(analysis.customers, options.customers_limit)
        analysis = dataclasses.replace(analysis, customers=kept, prediction=dataclasses.replace(
            analysis.prediction, customers=kept[list(PREDICTION_COLUMNS)]))
    step("Laying out the report")
    report = with_run_facts(build_report(analysis, options), engine=engine, shown=len(analysis.customers),
                            total=n_customers, customers_file=None if customers_file is None else customers_file.name)
    step("Writing the workbook")
    path = write_xlsx(report, output, force=force)
    if customers_file is None and beside.is_file():
        # the full table of the report this one replaced (only --force lets a run get here with
        # one): left beside the new workbook, it would pass for this report's customers
        beside.unlink()
    return ScaleRun(orders, analysis, report, path, engine, n_customers, customers_file)


def _parquet_rows(path: Path) -> int:
    """Rows of a Parquet file from its metadata, after a check of its marks (a file that is
    not Parquet is one clear error); the cell limit is the whole-file reader's, for pandas."""
    check_parquet_marks(path)
    try:
        return open_dataset(path).count_rows()
    except (OSError, ValueError) as exc:  # pyarrow's errors for a damaged file
        raise DataError(f"Cannot read '{path.name}' as Parquet: {' '.join(str(exc).split())[:300]}") from exc


def _engine(name: str, options: ReportOptions, spark):
    if name == "spark":
        from retention_xl.engines.spark_engine import SparkEngine

        return SparkEngine(spark)
    from retention_xl.engines.duckdb_engine import DuckDBEngine

    return DuckDBEngine(memory_limit=options.memory_limit)
