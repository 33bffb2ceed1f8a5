"""The engines that compute a report: pandas, DuckDB (embedded) and Spark.

* :mod:`~retention_xl.engines.definitions` -- the aggregations, once, as SQL in DuckDB's
  dialect (orders per customer and period, cohort matrices, period KPIs, the per-customer
  summary, the compressed (frequency, recency, T) counts); DuckDB runs them as written,
  Spark transpiled by sqlglot. The pandas engine is today's vectorised code
  (:mod:`retention_xl.analysis`), the reference the others are tested against.
* :mod:`~retention_xl.engines.staging` -- the pandas cleaning applied a batch at a time,
  staged as Parquet; :mod:`~retention_xl.engines.split_orders` finds the orders whose lines
  are in more than one batch, so that they are cleaned together.
* :mod:`~retention_xl.engines.sql_analysis` -- the definitions run on an engine and
  assembled into the report's :class:`~retention_xl.analysis.overview.Analysis`.
* :mod:`~retention_xl.engines.duckdb_engine`, :mod:`~retention_xl.engines.spark_engine`.
* :mod:`~retention_xl.engines.choice` -- which engine runs, and whether pandas fits.
* :mod:`~retention_xl.engines.customer_limit` -- the Customers sheet's rows past a limit.
* :mod:`~retention_xl.engines.run` -- :func:`report_source`: a source to a workbook.

Nothing here imports a spreadsheet library; DuckDB, pyspark and sqlglot are imported only
by the engine that needs them (``pip install retention-xl[scale]``, ``[spark]``).
"""

__all__ = ["report_source", "ScaleRun", "choose_engine", "ENGINES"]


def __getattr__(name: str):
    if name in ("report_source", "ScaleRun"):
        from retention_xl.engines import run

        return getattr(run, name)
    if name in ("choose_engine", "ENGINES"):
        from retention_xl.engines import choice

        return getattr(choice, name)
    raise AttributeError(f"module 'retention_xl.engines' has no attribute {name!r}")
