"""The Customers sheet past a limit: the most valuable and the most valuable at-risk customers.

A report must fit in Excel whatever the input. When there are more customers than the
limit, the Customers table keeps

* the at-risk customers with the highest net revenue, up to half the limit, and
* the customers with the highest net revenue, for the rest of the limit,

shown by net revenue (highest first), ties by customer id; the full per-customer table is
written beside the workbook. With no more customers than the limit, every customer is
kept in order of first appearance. Every engine applies this rule to the same Customers
table (the per-customer half of the analysis is the same code on every engine).

Examples
--------
>>> import pandas as pd
>>> c = pd.DataFrame({"revenue": [5.0, 50.0, 1.0, 20.0], "at_risk": [True, False, True, False]},
...                  index=pd.Index(["a", "b", "c", "d"], name="customer"))
>>> kept_customers(c, 2).index.tolist()
['b', 'a']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from retention_xl.analysis.column_values import shown_ids

__all__ = ["kept_customers", "write_customer_table"]

#: customers converted and written at a time: the full table is never copied whole
SLICE_ROWS = 500_000


def kept_customers(customers: pd.DataFrame, limit: int) -> pd.DataFrame:
    """``customers`` (indexed by customer id, with ``revenue`` and ``at_risk``) cut to ``limit`` rows."""
    if len(customers) <= limit:
        return customers
    # by revenue (highest first), ties by id: sorted by Arrow on the ids' UTF-8 bytes (the
    # order of their code points, as Python compares text), with no Python string per id
    keys = pa.table({"revenue": customers["revenue"].to_numpy(dtype=float), "id": _ids(customers.index)})
    order = pc.sort_indices(keys, sort_keys=[("revenue", "descending"), ("id", "ascending")]).to_numpy()
    del keys
    risky = customers["at_risk"].to_numpy(dtype=bool)
    half = limit // 2
    keep = np.zeros(len(order), dtype=bool)
    keep[order[: limit - half]] = True  # the most valuable
    keep[order[risky[order]][:half]] = True  # the most valuable at risk
    return customers.iloc[order[keep[order]]]


def write_customer_table(customers: pd.DataFrame, file: BinaryIO, *, slice_rows: int = SLICE_ROWS,
                         arabic_letters: bool = False, digits: str | None = None, headings: Mapping[str, str] | None = None,
                         segments: Mapping[str, str] | None = None) -> None:
    """Write the full Customers table (indexed by customer id) to ``file`` as Parquet; the
    ids in the Arabic letters or the Persian or Arabic-Indic digits the orders were typed in
    (as the workbook shows them).

    The id becomes the first column, ``customer``; categorical columns are written as
    text. The table is converted ``slice_rows`` customers at a time, so that writing ten
    million customers needs the memory of one slice, not a copy of the whole table.

    ``headings`` (column -> heading, ``"customer"`` included), when given, chooses the
    columns written, their order and their names: the words of the workbook's Customers
    table, in the report's language. ``segments`` names each segment as the workbook does.

    Whole-number and categorical columns (orders, scores, segments) are stored with a
    dictionary of their values; the others (money, dates, the models' figures: nearly
    every value distinct) are not, for Parquet would build a dictionary for each only to
    give it up (a million customers: written in half the time, in a file no larger).
    """
    schema = None
    writer = None
    try:
        for start in range(0, max(len(customers), 1), slice_rows):
            part = customers.iloc[start:start + slice_rows]
            ids = part.index if not (arabic_letters or digits) else pd.Index(
                shown_ids(part.index.to_series(), arabic_letters, digits))
            if segments is not None and "segment" in part:  # once per segment, not per customer
                named = part["segment"].astype("category")
                part = part.assign(segment=named.cat.rename_categories(
                    [segments.get(str(c), str(c)) for c in named.cat.categories]))
            if headings is not None:
                part = part[[c for c in headings if c != "customer"]]
            name_of = (lambda c: str(c)) if headings is None else headings.__getitem__
            columns = {name_of("customer"): _ids(ids)}
            for name, column in part.items():
                array = pa.Array.from_pandas(column)
                columns[name_of(name)] = array.cast(pa.string()) if pa.types.is_dictionary(array.type) else array
            table = pa.table(columns)
            if writer is None:
                schema = table.schema
                coded = [name_of(name) for name, column in part.items()
                         if isinstance(column.dtype, pd.CategoricalDtype) or column.dtype.kind in "iu"]
                writer = pq.ParquetWriter(file, schema, use_dictionary=coded)
            writer.write_table(table.cast(schema))
    finally:
        if writer is not None:
            writer.close()


def _ids(index: pd.Index) -> pa.Array:
    """The customer ids as an Arrow string array (zero-copy when they are Arrow-backed)."""
    values = pa.array(index.array) if index.dtype == "str" or isinstance(index.dtype, pd.StringDtype) \
        else pa.array(index.astype(str).to_numpy(dtype=object), type=pa.string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(pa.string()) if values.type != pa.string() else values
