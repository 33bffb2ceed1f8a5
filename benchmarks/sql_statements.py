"""Time each statement of the SQL engines' shared definitions on DuckDB, one by one.

Run from the repository root, on a dataset made by ``bench_engines.py``::

    python benchmarks/sql_statements.py benchmarks/.data/lines-10000000            # all its files, 2.5GB
    python benchmarks/sql_statements.py benchmarks/.data/lines-100000000 6 750MB   # its first 6 files
    python benchmarks/sql_statements.py benchmarks/.data/lines-10000000 --compare /tmp/before

The dataset's order lines become a table in the staged layout once (one row per line,
``row`` numbered from 1, ``key`` a hash of the whole line, every customer text plain),
written beside the dataset as ``staged-<files>.parquet`` (git-ignored) and reused. Then a
:class:`~retention_xl.engines.duckdb_engine.DuckDBEngine` with the memory limit runs what
:func:`~retention_xl.engines.sql_analysis.analyse_staged` runs up to the customer rows
(the duplicates across batches, the customers' days, every relation, the KPI, cohort and
headline queries, the customer rows), timing each, in a fresh process. No cleaning, no
models: this isolates the SQL half. With ``--compare DIR`` the same runs alternate with
the checkout in DIR (e.g. ``git archive`` of an earlier commit), ``--repeat`` rounds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from retention_xl.engines import definitions as sql
from retention_xl.engines.duckdb_engine import DuckDBEngine

print(f"  definitions: {sql.__file__}", flush=True)
engine = DuckDBEngine(memory_limit=sys.argv[3])
engine.con.execute("SET enable_progress_bar = false")
engine.stage([sys.argv[2]])
times = {}

def timed(name, run):
    start = time.perf_counter()
    run()
    times[name] = time.perf_counter() - start
    print(f"  {name:22s} {times[name]:7.2f} s", flush=True)

timed("duplicate_rows", lambda: engine.create("duplicate_rows", sql.DUPLICATE_ROWS))
engine.create("orders", sql.ORDERS, view=True)
timed("customer_days", lambda: engine.create("customer_days", sql.CUSTOMER_DAYS))
span = engine.fetch(sql.DAY_RANGE).iloc[0]
engine.register("calendar", sql.calendar_frame(int(span["first_day"]), int(span["last_day"]), "M", 90))
for name, select in sql.RELATIONS(90):
    timed(name, lambda: engine.create(name, select))
for name in ("PERIOD_TOTALS", "NEW_PER_PERIOD", "SPELL_HISTOGRAMS", "COHORT_CELLS", "COHORT_SIZES", "HEADLINE",
             "PURCHASE_DAYS", "CUSTOMER_ROWS"):
    timed(name, lambda: engine.fetch(getattr(sql, name)))
print(f"  {'all statements':22s} {sum(times.values()):7.2f} s", flush=True)
engine.close()
"""


def staged_file(dataset: Path, files: int | None) -> Path:
    """The dataset's first ``files`` Parquet files as one staged table (made once)."""
    parts = sorted(dataset.glob("*.parquet"))[:files] if files else sorted(dataset.glob("*.parquet"))
    target = dataset.parent / f"{dataset.name}-staged-{len(parts)}.parquet"
    if not target.exists():
        import duckdb

        start = time.perf_counter()
        listed = ", ".join(f"'{p}'" for p in parts)
        con = duckdb.connect()
        con.execute(f"""COPY (
            SELECT row_number() OVER () AS row, customer_id AS customer, epoch_ns(order_date) AS t,
                   CAST(epoch_ns(order_date) // 86400000000000 AS INTEGER) AS day, amount,
                   CAST(hash(customer_id, order_id, order_date, amount, channel) >> 1 AS BIGINT) AS key,
                   true AS plain
            FROM read_parquet([{listed}])) TO '{target}.part' (FORMAT parquet)""")
        os.replace(f"{target}.part", target)
        print(f"staged {len(parts)} files as {target} in {time.perf_counter() - start:.1f} s")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("files", nargs="?", type=int, help="use the first FILES files only")
    parser.add_argument("memory_limit", nargs="?", default="2.5GB")
    parser.add_argument("--compare", metavar="DIR", help="also run the checkout in DIR, alternating")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    staged = staged_file(args.dataset, args.files)
    checkouts = [("this checkout", str(ROOT))] + ([("compared", args.compare)] if args.compare else [])
    for round_ in range(args.repeat):
        for label, path in checkouts:
            print(f"round {round_ + 1}, {label} ({path}), memory limit {args.memory_limit}:", flush=True)
            subprocess.run([sys.executable, "-P", "-c", CHILD, path, str(staged), args.memory_limit], check=True)


if __name__ == "__main__":
    main()
