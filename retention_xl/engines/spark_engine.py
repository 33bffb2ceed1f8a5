"""Spark: the shared definitions on a Spark session, for data past one machine.

The statements of :mod:`retention_xl.engines.definitions` are written in DuckDB's
dialect; :func:`to_spark` transpiles each with sqlglot, the maintained SQL transpiler, and
the session runs it. Intermediate relations are cached temporary views; only small
results come back to the driver (as Arrow). With no session given, a local one is started
(``local[*]``): its cost is the start-up of the JVM, a few seconds, then the same work
as on a cluster.

Example
-------
>>> print(to_spark("SELECT customer, MEDIAN(gap) AS g FROM gaps GROUP BY customer"))
SELECT customer, MEDIAN(gap) AS g FROM gaps GROUP BY customer
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from retention_xl.errors import EnvironmentProblem

__all__ = ["SparkEngine", "spark_session", "to_spark"]


def to_spark(select: str) -> str:
    """A statement of DuckDB's dialect in Spark SQL."""
    import sqlglot

    return sqlglot.transpile(select, read="duckdb", write="spark")[0]


def spark_session(master: str = "local[*]"):
    """The active Spark session, or a new one set up for the report (UTC, no UI): on the
    cluster of ``SPARK_REMOTE`` (Spark Connect) when it is set, else local (``master``).

    Raises
    ------
    EnvironmentProblem
        pyspark is not installed, or no Java runtime can start it.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EnvironmentProblem("the Spark engine needs the Python package pyspark; install retention-xl[spark]") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder if os.environ.get("SPARK_REMOTE") else SparkSession.builder.master(master)
    try:
        return (builder.appName("retention-xl")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .getOrCreate())
    except Exception as exc:  # the JVM cannot start: no Java, or a broken one
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise EnvironmentProblem(f"Spark could not start ({first[:200]}); Spark needs a Java runtime (17 or later)") from None


class SparkEngine:
    """The report's statements on a Spark session.

    Parameters
    ----------
    session : pyspark.sql.SparkSession, optional
        Default: :func:`spark_session`.
    """

    name = "spark"

    def __init__(self, session=None):
        self.session = session or spark_session()
        self._views: list[str] = []
        self._cached: list = []
        self._relations: dict = {}

    def stage(self, files: Sequence[str], side: Mapping[str, Sequence[str]] | None = None) -> None:
        """The staged Parquet files become the view ``staged``; each non-empty list of
        ``side`` files (``spellings``, ``emails``) the view of its name."""
        self._view("staged", self.session.read.parquet(*[Path(f).resolve().as_uri() for f in files]))
        self.side = {name for name, paths in (side or {}).items() if paths}
        for name in self.side:
            self._view(name, self.session.read.parquet(*[Path(f).resolve().as_uri() for f in side[name]]))

    def drop(self, name: str) -> None:
        """Give back the memory of a relation no longer read."""
        frame = self._relations.pop(name, None)
        if frame is not None:
            frame.unpersist()
        self.session.catalog.dropTempView(name)

    def _view(self, name: str, frame) -> None:
        frame.createOrReplaceTempView(name)
        self._views.append(name)

    def create(self, name: str, select: str, *, view: bool = False) -> None:
        frame = self.session.sql(to_spark(select))
        if not view:
            frame = frame.cache()
            self._cached.append(frame)
            self._relations[name] = frame
        self._view(name, frame)

    def register(self, name: str, frame: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(frame, preserve_index=False)
        self._view(name, self.session.createDataFrame(table))

    def fetch(self, select: str) -> pd.DataFrame:
        return self.session.sql(to_spark(select)).toArrow().to_pandas()

    def shrink(self) -> None:
        """Nothing to do: the session's memory is the cluster's, not this process's."""

    def fetch_and_close(self, select: str, step: str = "a result") -> pd.DataFrame:
        """The last result; then the cached relations are dropped (the result is small
        beside them: the session's memory is the cluster's, not this process's)."""
        try:
            return self.fetch(select)
        finally:
            self.close()

    def close(self) -> None:
        """Drop the cached relations and views (again: nothing to do); the session stays."""
        for frame in self._cached:
            frame.unpersist()
        for name in self._views:
            self.session.catalog.dropTempView(name)
        self._cached, self._views = [], []
