"""Time what a currency column and text dates cost: the cleaning of one table, and the
batch engines' first pass over a large dataset.

Run from the repository root::

    python benchmarks/bench_first_pass.py                # this checkout
    PYTHONPATH=/tmp/before python benchmarks/bench_first_pass.py   # another checkout, same data

(a) ``clean_orders`` on the 1,003,374 orders of ``bench_report.py``'s table (read as text),
    without and with a ``Currency`` column (2% of the orders in EUR), each twice, in one
    process (the first run of each pays the imports and caches);
(b) the DuckDB/Spark engines' first pass (deciding the day/month order of text dates and
    the currency kept) over 10,000,000 Shopify-like lines in one Parquet file: ``Name``
    (two lines an order), ``Email``, ``Created at`` as text with seconds (about 2.4 million
    distinct values before the pass stops counting), ``Total``, ``Currency`` (3% EUR) and
    five other columns; written once to ``benchmarks/.data/text-dates-10m/`` (git-ignored,
    265 MB, about 30 s). Run it in a fresh process: its peak memory is the process's.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data"
LINES = DATA / "text-dates-10m"


def make_lines(n: int = 10_000_000) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = LINES / "part-0.parquet"
    if target.exists():
        return LINES
    print(f"writing {target.relative_to(ROOT)} ...", flush=True)
    LINES.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    days = np.datetime64("2022-01-01") + rng.integers(0, 900, n).astype("timedelta64[D]")
    stamps = days.astype("datetime64[s]") + rng.integers(0, 86_400, n).astype("timedelta64[s]")
    table = pa.table({
        "Name": pa.array(np.char.add("#", (np.arange(n) // 2).astype(str))),
        "Email": pa.array(np.char.add(np.char.add("c", rng.integers(0, 1_000_000, n).astype(str)), "@x.com")),
        "Created at": pa.array(stamps).cast(pa.string()),
        "Total": pa.array(np.round(rng.gamma(2, 50, n), 2)),
        "Currency": pa.array(np.where(rng.random(n) < 0.03, "EUR", "USD")),
        "Lineitem name": pa.array(np.char.add("Product ", rng.integers(0, 500, n).astype(str))),
        "Lineitem quantity": pa.array(rng.integers(1, 4, n)),
        "Lineitem price": pa.array(np.round(rng.gamma(2, 20, n), 2)),
        "Shipping City": pa.array(np.char.add("City ", rng.integers(0, 300, n).astype(str))),
        "Financial Status": pa.array(np.where(rng.random(n) < 0.05, "refunded", "paid")),
    })
    pq.write_table(table, target, row_group_size=1 << 20)
    return LINES


def clean_with_currency() -> None:
    from retention_xl.analysis.orders import clean_orders

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_report import ensure_csv

    frame = pd.read_csv(ensure_csv(), dtype=str, keep_default_na=False)
    rng = np.random.default_rng(1)
    frame["Currency"] = np.where(rng.random(len(frame)) < 0.02, "EUR", "USD")
    for label, table in [("without a currency column", frame.drop(columns="Currency")),
                         ("with a currency column", frame)] * 2:
        start = time.perf_counter()
        clean_orders(table)
        print(f"(a) clean_orders, {len(table):,} orders, {label}: {time.perf_counter() - start:.2f} s", flush=True)


def first_pass() -> None:
    from retention_xl.engines import staging
    from retention_xl.options import ReportOptions
    from retention_xl.sources.datasets import BATCH_ROWS, open_dataset

    dataset = open_dataset(make_lines())
    start = time.perf_counter()
    if hasattr(staging, "_first_pass"):
        currency = staging._first_pass(dataset, ReportOptions(), BATCH_ROWS, lambda _: None)[3]
    else:  # a checkout from before the two passes were one
        options, _, _ = staging._decide_dates(dataset, ReportOptions(), BATCH_ROWS, lambda _: None)
        currency = staging._decide_currency(dataset, options, BATCH_ROWS, lambda _: None)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"(b) first pass over 10,000,000 lines: {time.perf_counter() - start:.2f} s, currency kept "
          f"{currency.code.upper()}, peak {peak:.2f} GiB (the process)", flush=True)


if __name__ == "__main__":
    if "PYTHONPATH" not in os.environ:
        sys.path.insert(0, str(ROOT))  # time this checkout, not an installed copy
    which = sys.argv[1:] or ["a", "b"]
    if "b" in which:  # first: the peak is the process's
        first_pass()
    if "a" in which:
        clean_with_currency()
