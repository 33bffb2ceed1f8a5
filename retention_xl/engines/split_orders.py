"""Orders whose lines are in more than one batch: finding their ids, taking their lines out.

The engines clean a table in batches (:mod:`~retention_xl.engines.staging`); the lines of
one order far apart in the table (a refund naming its order days later, an export sorted
by product) land in different batches. The helpers here find the ids found in more than
one batch's distinct ids (on disk: DuckDB where installed, else Arrow), skip that search
when the batches hold separate ranges of ids, and take those ids' lines out of a batch with
their row numbers; :mod:`~retention_xl.engines.staging` gathers and cleans them together.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from retention_xl.analysis.column_values import ColumnValues, id_texts
from retention_xl.options import ReportOptions

__all__ = ["apart", "gathered", "ids_in_several_batches", "ranges_overlap", "row_ids"]


def ranges_overlap(ranges: list[tuple | None]) -> bool:
    """Whether two batches' ranges of order ids (least, greatest; ``None``: no id) overlap,
    so that an id may be in both; a table sorted by its order ids (or numbered as it is
    written) has none, and its ids are not compared at all.

    >>> ranges_overlap([(1, 5), None, (6, 9)]), ranges_overlap([(1, 5), (5, 9)]), ranges_overlap([(1, 5), ("a", "b")])
    (False, True, True)
    """
    known = sorted((r for r in ranges if r is not None), key=lambda r: (str(type(r[0])), r[0]))
    if len({type(r[0]) for r in known}) > 1:  # numbers in one batch, texts in another: compare the ids
        return True
    return any(b[0] <= a[1] for a, b in itertools.pairwise(known))


def ids_in_several_batches(paths: list[str | None], root: Path, options: ReportOptions) -> tuple[pa.Array, set[int]]:
    """The order ids found in more than one of the batches' files of distinct ids
    (``paths``, one per batch, ``None`` for a batch with none), and the batches (by
    position) that hold them."""
    listed = [(i, path) for i, path in enumerate(paths) if path]
    if len(listed) < 2:
        return pa.array([], pa.string()), set()
    try:
        import duckdb
    except ImportError:
        duckdb = None
    if duckdb is not None:
        config = {"temp_directory": str(root / "ids-spill"), "preserve_insertion_order": False}
        if getattr(options, "memory_limit", None):
            from retention_xl.engines.choice import parse_memory

            config["memory_limit"] = f"{parse_memory(options.memory_limit) // 2**20}MiB"
        con = duckdb.connect(":memory:", config=config)
        try:
            names = ", ".join("'" + path.replace("'", "''") + "'" for _, path in listed)
            found = con.sql(f"""
                SELECT id, list(filename) AS filename FROM read_parquet([{names}], filename = true)
                GROUP BY id HAVING COUNT(*) > 1""").to_arrow_table()
        finally:
            con.close()
        where = {path: i for i, path in listed}
        files = {where[name] for name in pc.unique(pc.list_flatten(found["filename"])).to_pylist()}
        return pc.unique(found["id"]).cast(pa.string()), files
    table = pa.concat_tables([pq.read_table(path).append_column("batch", pa.array(np.full(pq.read_metadata(path).num_rows, i,
                                                                                          dtype=np.int64)))
                              for i, path in listed])
    counts = table.group_by("id").aggregate([("batch", "count")])
    ids = counts.filter(pc.greater(counts["batch_count"], 1))["id"]
    held = table.filter(pc.is_in(table["id"], value_set=ids))
    return ids.cast(pa.string()), set(pc.unique(held["batch"]).to_pylist())


def row_ids(column: pd.Series) -> np.ndarray:
    """Each row's order id as the batches' files of distinct ids write it (``None``: none)."""
    if column.dtype.kind in "iu":
        return column.astype("str").to_numpy(dtype=object)
    values = ColumnValues.of(column.reset_index(drop=True))
    texts = np.asarray(id_texts(values.uniques), dtype=object)
    texts[values.null] = None
    return np.where(values.codes >= 0, texts[np.maximum(values.codes, 0)], None)


def apart(frame: pd.DataFrame, first_row: int, order_id: str, ids: pa.Array):
    """A batch without the lines of the orders ``ids`` and its rows' numbers, and those
    lines apart: ``(frame, rows, (lines, their rows, their ids))``."""
    each_id = row_ids(frame[order_id])
    split = pc.is_in(pa.array(each_id, pa.string()), value_set=ids).to_numpy(zero_copy_only=False)
    numbers = np.arange(first_row, first_row + len(frame), dtype=np.int64)
    return (frame[~split].reset_index(drop=True), numbers[~split],
            (frame[split].reset_index(drop=True), numbers[split], each_id[split]))


def gathered(parts) -> tuple[np.ndarray, pd.DataFrame]:
    """The lines written to ``parts`` (one file per batch, in order), with their row numbers."""
    read = [pd.read_pickle(part) for part in parts]
    rows = np.concatenate([r for r, _ in read])
    frame = pd.concat([f for _, f in read], ignore_index=True)
    return rows, frame
