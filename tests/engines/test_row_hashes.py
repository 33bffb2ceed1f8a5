"""The whole-row hash that finds rows repeated across batches: equal rows, equal hashes,
however each batch came to hold them; any column different, a different hash."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os

import numpy as np
import pandas as pd
import pytest

from retention_xl.engines import row_hashes as module
from retention_xl.engines.row_hashes import row_hashes


def batches() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same three rows in two batches, in another order and as each batch's types make them."""
    first = pd.DataFrame({
        "customer": pd.Series(["C1", "C2", "C3"], dtype="str"),
        "when": pd.to_datetime(["2024-01-02 10:00", "2024-01-03 11:00", "2024-02-01 09:30"]),
        "amount": [10.5, np.nan, 3.0],
        "count": pd.array([1, None, 3], dtype="Int64"),
        "note": [None, 17, dt.date(2024, 1, 2)],  # an export's mixed column
        "channel": pd.Categorical(["web", "shop", "web"]),
    })
    second = pd.DataFrame({
        "customer": pd.Series(["C3", "C1", "C2"], dtype="str"),
        "when": pd.to_datetime(["2024-02-01 09:30", "2024-01-02 10:00", "2024-01-03 11:00"]),
        "amount": [3.0, 10.5, np.nan],
        "count": pd.array([3, 1, None], dtype="Int64"),
        "note": [dt.date(2024, 1, 2), float("nan"), "17"],
        "channel": pd.Categorical(["web", "web", "shop"], categories=["web", "shop", "phone"]),
    })
    return first, second


@pytest.fixture(params=["duckdb", "pandas"])
def hashing(request, monkeypatch):
    if request.param == "pandas":  # an installation without DuckDB
        monkeypatch.setattr(module, "_connection", lambda: None)
    return request.param


def test_equal_rows_of_two_batches_have_equal_hashes(hashing):
    first, second = batches()
    a, b = row_hashes(first), row_hashes(second)
    assert a.dtype == np.uint64 and len(set(a.tolist())) == 3
    assert a.tolist() == b[[1, 2, 0]].tolist()


@pytest.mark.parametrize("column, value", [
    ("customer", "C9"), ("when", pd.Timestamp("2024-01-02 10:00:01")), ("amount", 10.51), ("count", 2),
    ("note", "18"), ("channel", "shop"),
])
def test_a_row_different_in_any_column_has_another_hash(hashing, column, value):
    first, _ = batches()
    changed = first.copy()
    changed[column] = changed[column].astype(object) if column == "channel" else changed[column]
    changed.loc[0, column] = value
    assert row_hashes(changed)[0] != row_hashes(first)[0]
    assert row_hashes(changed)[1:].tolist() == row_hashes(first)[1:].tolist()


def test_duckdb_hashes_the_rows_where_it_is_installed():
    pytest.importorskip("duckdb")
    first, _ = batches()
    assert row_hashes(first).tolist() != pd.util.hash_pandas_object(first, index=False).tolist()


def test_whole_numbers_and_flags_agree_with_a_batch_where_a_cell_is_missing():
    # an integer or boolean column with a missing cell reaches pandas as decimals or objects
    pytest.importorskip("duckdb")
    whole = pd.DataFrame({"order": [17, 18], "gift": [True, False]})
    gappy = pd.DataFrame({"order": [17.0, np.nan], "gift": [True, None]})
    assert row_hashes(whole)[0] == row_hashes(gappy)[0]
    assert row_hashes(whole)[1] != row_hashes(gappy)[1]


def test_no_rows_or_no_columns():
    assert row_hashes(pd.DataFrame({"a": pd.Series([], dtype="str")})).tolist() == []
    assert row_hashes(pd.DataFrame(index=range(2))).tolist() == [0, 0]


def _in_a_forked_worker() -> tuple[list[int], bool]:
    first, _ = batches()
    hashes = row_hashes(first).tolist()
    return hashes, os.getpid() in module._CONNECTIONS and module._CONNECTIONS[os.getpid()] is not None


def test_a_forked_worker_hashes_on_its_own_connection():
    # the cleaning's workers are forked on Linux: a DuckDB connection must not cross the fork
    pytest.importorskip("duckdb")
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork here")
    first, _ = batches()
    here = row_hashes(first).tolist()  # the parent's connection exists before the fork
    with multiprocessing.get_context("fork").Pool(1) as pool:
        there, own = pool.apply(_in_a_forked_worker)
    assert own and there == here
