"""Which engine runs a report: pandas for what fits in memory, DuckDB past that, Spark on request.

* ``pandas`` -- today's vectorised code, in memory; the engine of Excel (formulas, the
  ribbon, xlwings Lite). About :data:`PANDAS_BYTES_PER_ROW` bytes per order row at its
  peak (0.26 GiB per million orders, measured from 1 to 20 million, linear).
* ``duckdb`` -- embedded, out of core, bounded memory (``memory_limit``): chosen
  automatically for Parquet datasets (a directory or glob), databases, and a Parquet file
  of more than :data:`AUTO_DUCKDB_ROWS` rows.
* ``spark`` -- only when asked (``engine="spark"``), or for a Spark table.

A pandas run that would not fit in the memory available now is refused before it starts
(:class:`~retention_xl.errors.TooLargeForMemory`, naming the engine that would fit).

Examples
--------
>>> choose_engine("auto", kind="parquet-dataset", rows=None)
'duckdb'
>>> choose_engine("auto", kind="file", rows=200_000)
'pandas'
>>> choose_engine("spark", kind="file", rows=10)
'spark'
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from retention_xl.errors import InvalidValue, TooLargeForMemory

__all__ = ["ENGINES", "AUTO_DUCKDB_ROWS", "PANDAS_BYTES_PER_ROW", "choose_engine", "check_pandas_fits",
           "available_memory", "estimate_rows", "parse_memory"]

ENGINES = ("auto", "pandas", "duckdb", "spark")
#: a Parquet file longer than this goes to DuckDB when the engine is automatic (see BENCHMARKS.md)
AUTO_DUCKDB_ROWS = 2_000_000
#: peak memory of a pandas report per order row (0.26 GiB per million, BENCHMARKS.md)
PANDAS_BYTES_PER_ROW = int(0.26 * 2**30 / 1_000_000)


def choose_engine(requested: str, *, kind: str, rows: int | None) -> str:
    """The engine to run: ``requested`` unless it is ``"auto"``.

    ``kind``: ``"file"`` (CSV, XLSX, a Parquet file), ``"parquet-dataset"`` (a directory
    or glob), ``"database"`` or ``"spark"``; ``rows``: the input's rows when known.
    """
    if requested not in ENGINES:
        raise InvalidValue(f"engine must be one of {', '.join(ENGINES)}, got {requested!r}")
    if requested != "auto":
        return requested
    if kind == "spark":
        return "spark"
    wanted = "duckdb" if kind in ("parquet-dataset", "database") or (rows is not None and rows > AUTO_DUCKDB_ROWS) \
        else "pandas"
    if wanted == "duckdb" and importlib.util.find_spec("duckdb") is None:
        return "pandas"  # not installed (pip install "retention-xl[scale]"): pandas, within its memory check
    return wanted


def available_memory() -> int | None:
    """Bytes of memory available now (Linux ``MemAvailable``), or None where unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check_pandas_fits(rows: int | None, available: int | None = None) -> None:
    """Refuse a pandas run of ``rows`` order rows that would not fit in memory.

    Raises
    ------
    TooLargeForMemory
        The estimate (:data:`PANDAS_BYTES_PER_ROW` per row) exceeds the memory available.

    >>> check_pandas_fits(1_000, available=2**30)
    >>> check_pandas_fits(100_000_000, available=8 * 2**30)
    Traceback (most recent call last):
    ...
    retention_xl.errors.TooLargeForMemory: 100,000,000 rows need about 26.0 GiB in memory with the pandas engine; 8.0 GiB are available
    """
    available = available_memory() if available is None else available
    if rows is None or available is None:
        return
    needed = rows * PANDAS_BYTES_PER_ROW
    if needed > available:
        raise TooLargeForMemory(f"{rows:,} rows need about {needed / 2**30:.1f} GiB in memory with the pandas engine; "
                                f"{available / 2**30:.1f} GiB are available",
                                rows=rows, needed=needed, available=available, engine="duckdb")


def estimate_rows(path: Path) -> int | None:
    """Rows of a CSV file estimated from its size and its first lines (None for other files)."""
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        return None
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(1 << 20)
    lines = head.count(b"\n")
    return int(size / (len(head) / lines)) if lines else 1


_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*$", re.IGNORECASE)
_UNITS = {None: 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def parse_memory(text: str) -> int:
    """Bytes in a memory size such as ``"4GB"``, ``"512MiB"`` or ``"2.5 GiB"``.

    >>> parse_memory("4GB"), parse_memory("1.5GiB")
    (4000000000, 1610612736)
    """
    match = _MEMORY.match(str(text))
    if not match:
        raise InvalidValue(f"memory_limit must be a size such as 4GB or 512MiB, got {text!r}", option="memory_limit")
    unit = match.group(2).upper() if match.group(2) else None
    size = int(float(match.group(1)) * _UNITS[unit])
    if size < 64 * 2**20:
        raise InvalidValue(f"memory_limit must be at least 64MiB, got {text!r}", option="memory_limit")
    return size
