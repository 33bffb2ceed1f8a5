"""A 64-bit hash of each whole input row, the same for rows equal in every column whichever
batch they arrive in: how rows repeated across batches are found.

DuckDB hashes the rows where it is installed (one thread: the batches already keep every
core busy); it takes a fifth of the time pandas takes on a batch of order lines, most of
pandas' time going to the text columns. Without DuckDB (a Spark-only installation) pandas
hashes them. The choice depends only on what is installed, so every batch of a report is
hashed the same way.

Before DuckDB sees them, the columns are put in the form every batch gives them. Numbers
are hashed as decimals: a column of whole numbers reaches pandas as decimals in a batch
where one of its cells is missing, and 3 and 3.0 must agree (whole numbers past 2**53, such
as the largest order ids, can then meet another's hash; such rows are listed as possible
duplicates and kept, never dropped). Dates and times keep their type. Any other column,
true/false ones included (they turn to objects where a cell is missing), is compared as
text, a missing cell (``None``, ``NaN``) as missing, as pandas compares cells it cannot
hash as they are. Without DuckDB, pandas hashes the columns as they come.

Example
-------
>>> a = pd.DataFrame({"id": ["C1", "C2"], "note": pd.Series([None, 3], dtype=object)})
>>> b = pd.DataFrame({"id": ["C2", "C1"], "note": pd.Series(["3", float("nan")], dtype=object)})
>>> (row_hashes(a) == row_hashes(b)[::-1]).tolist()
[True, True]
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["row_hashes"]


def row_hashes(rows: pd.DataFrame) -> np.ndarray:
    """The hash of each row of ``rows`` (uint64)."""
    con = _connection()
    if con is None:
        return pd.util.hash_pandas_object(rows, index=False).to_numpy(dtype=np.uint64)
    if not rows.shape[1]:
        return np.zeros(len(rows), dtype=np.uint64)
    table = pa.table({f"c{i}": _arrow(rows.iloc[:, i]) for i in range(rows.shape[1])})
    cursor = con.cursor()
    try:
        cursor.register("batch_rows", table)
        return cursor.execute("SELECT hash(b) AS h FROM batch_rows b").fetchnumpy()["h"].astype(np.uint64, copy=False)
    finally:
        cursor.close()


def _arrow(column: pd.Series) -> pa.Array:
    kind = column.dtype.kind
    try:
        if kind in "iuf":
            return pa.array(column.astype("float64"))
        if kind in "mM":
            return pa.array(column)
    except (pa.ArrowException, TypeError, ValueError):
        pass
    text = column.astype("str")
    return pa.array(text.where(column.notna(), None), type=pa.string())


def _connection():
    """One in-memory DuckDB per process, on one thread; ``None`` without DuckDB. A worker
    forked from a process that had one makes its own: a connection does not cross a fork."""
    pid = os.getpid()
    if pid not in _CONNECTIONS:
        try:
            import duckdb
        except ImportError:
            _CONNECTIONS[pid] = None
        else:
            con = duckdb.connect()
            con.execute("SET threads = 1")
            _CONNECTIONS[pid] = con
    return _CONNECTIONS[pid]


_CONNECTIONS: dict[int, object] = {}
