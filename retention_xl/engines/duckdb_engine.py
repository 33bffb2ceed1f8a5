"""DuckDB, embedded: the shared definitions run out of core, in bounded memory.

DuckDB reads the staged Parquet files where they are, keeps its intermediate tables within
``memory_limit`` and spills the rest to a temporary folder, so the input's size is bounded
by the disk, not the memory. The statements are those of
:mod:`retention_xl.engines.definitions`, in DuckDB's own dialect.

Example
-------
>>> engine = DuckDBEngine(memory_limit="1GB")
>>> engine.fetch("SELECT 1 + 1 AS two")["two"].tolist()
[2]
>>> engine.close()
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from retention_xl.engines.choice import parse_memory
from retention_xl.errors import EngineOutOfMemory, EnvironmentProblem

__all__ = ["DuckDBEngine"]

class DuckDBEngine:
    """An in-process DuckDB database for one report.

    Parameters
    ----------
    memory_limit : str, optional
        DuckDB's ``memory_limit`` (``"4GB"``); default DuckDB's own (80% of the memory).
    threads : int, optional
        Worker threads (default: DuckDB's, one per core).
    temp_directory : str, optional
        Where DuckDB spills (default: a new temporary folder).
    """

    name = "duckdb"

    def __init__(self, *, memory_limit: str | None = None, threads: int | None = None,
                 temp_directory: str | None = None):
        try:
            import duckdb
        except ImportError:
            raise EnvironmentProblem("the DuckDB engine needs the Python package duckdb; "
                                     "install retention-xl[scale]") from None
        self._spill = tempfile.TemporaryDirectory(prefix="retention-xl-duckdb-") if temp_directory is None else None
        # the allocator's background threads give freed memory back to the system as DuckDB
        # works: without them, fetching ten million customer rows peaked 0.3 GiB higher
        # (benchmarks/duckdb_fetch_memory.py)
        config = {"temp_directory": temp_directory or self._spill.name, "preserve_insertion_order": False,
                  "allocator_background_threads": True}
        self.memory_limit = memory_limit
        self.temp_directory = temp_directory
        self._halved = False
        if memory_limit is not None:
            config["memory_limit"] = f"{parse_memory(memory_limit) // 2**20}MiB"
        if threads is not None:
            config["threads"] = int(threads)
        self.con = duckdb.connect(":memory:", config=config)

    def stage(self, files: Sequence[str], side: Mapping[str, Sequence[str]] | None = None) -> None:
        """The staged Parquet files become the view ``staged``; each non-empty list of
        ``side`` files (``spellings``, ``emails``) the view of its name."""
        self.con.execute(f"CREATE OR REPLACE VIEW staged AS SELECT * FROM read_parquet([{_listed(files)}])")
        self.side = {name for name, paths in (side or {}).items() if paths}
        for name in self.side:
            self.con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet([{_listed(side[name])}])")

    def create(self, name: str, select: str, *, view: bool = False) -> None:
        kind = "VIEW" if view else "TABLE"
        with self._within_memory(name):
            self.con.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {select}")

    @contextlib.contextmanager
    def _within_memory(self, step: str):
        """DuckDB's out-of-memory error as the project's: which step, which limit, what to do."""
        import duckdb

        try:
            yield
        except duckdb.OutOfMemoryException:
            given = f"its memory limit of {self.memory_limit}" if self.memory_limit else "the memory it may use"
            if self._halved:
                given = f"half {given} (what it keeps once its tables are built)"
            raise EngineOutOfMemory(f"DuckDB needed more than {given} to compute {step}",
                                    engine=self.name, limit=self.memory_limit, step=step) from None

    def drop(self, name: str) -> None:
        """Give back the memory of a relation no longer read."""
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self.con.register(f"{name}_frame", frame)
        with self._within_memory(name):
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_frame")
        self.con.unregister(f"{name}_frame")

    def fetch(self, select: str) -> pd.DataFrame:
        """The result streamed out in Arrow batches (held outside DuckDB's memory limit: a
        result of millions of customers does not have to fit beside its tables), text as
        Arrow-backed strings."""
        with self._within_memory("a result"):
            table = self.con.sql(select).to_arrow_reader(FETCH_ROWS).read_all()
        return _as_pandas(table)

    def fetch_and_close(self, select: str, step: str = "a result") -> pd.DataFrame:
        """The last result, read in once DuckDB has given back its memory: DuckDB writes
        it to a Parquet file and closes, then the file is read, so that the process never
        holds DuckDB's tables and the result at once (``benchmarks/duckdb_fetch_memory.py``:
        ten million customer rows, written within half the limit after :meth:`shrink`,
        peak 0.5 GiB lower than streamed out at half the limit, for about 5 s more)."""
        with tempfile.TemporaryDirectory(prefix="retention-xl-rows-", dir=self.temp_directory) as folder:
            path = Path(folder) / "rows.parquet"
            with self._within_memory(step):
                self.con.execute(f"COPY ({select}) TO {_listed([path])} (FORMAT parquet, ROW_GROUP_SIZE {FETCH_ROWS})")
            self.close()
            return _as_pandas(pq.read_table(path))

    def shrink(self) -> None:
        """Halve DuckDB's memory for what is left (its tables are built; the last
        statements read them, and what they need beyond the half spills to its temporary
        folder), so that the memory goes to the per-customer half of the report. A higher
        ``memory_limit`` raises this half too."""
        current = self.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        self.con.execute(f"SET memory_limit = '{parse_memory(current) // 2 // 2**20}MiB'")
        self._halved = True

    def close(self) -> None:
        """Give back the engine's memory and spill files (again: nothing to do)."""
        self.con.close()
        if self._spill is not None:
            self._spill.cleanup()
            self._spill = None


def _listed(paths: Sequence[str]) -> str:
    return ", ".join("'" + str(f).replace("'", "''") + "'" for f in paths)


#: rows per Arrow batch of a fetched result
FETCH_ROWS = 1_000_000


def _as_pandas(table: pa.Table) -> pd.DataFrame:
    """``table`` as pandas, text as Arrow-backed strings; each column converted on its own
    and its Arrow buffers freed once converted, so a result of ten million customers is
    not held twice."""
    return table.to_pandas(types_mapper=_text_as_arrow, split_blocks=True, self_destruct=True)


def _text_as_arrow(kind: pa.DataType):
    return pd.StringDtype("pyarrow", na_value=float("nan")) if pa.types.is_string(kind) or pa.types.is_large_string(kind) \
        else None
