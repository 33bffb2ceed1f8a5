"""The report from order lines in Parquet on each engine: wall time and peak memory.

Run from the repository root (one size per run; the data is made once)::

    python benchmarks/bench_engines.py 10000000              # DuckDB report, bare DuckDB cohort query, Spark
    python benchmarks/bench_engines.py 100000000 duckdb bare  # only these
    python benchmarks/bench_engines.py 5000000 pandas

The input is a Parquet dataset under ``benchmarks/.data/lines-<rows>/`` (git-ignored): files
of 5,000,000 rows with ``customer_id`` (text, one customer per 10 rows on average),
``order_id``, ``order_date`` (timestamp, 4 years), ``amount`` (2 decimals, 3% refunds) and
``channel``, made by numpy from a fixed seed. Each measurement runs in a child process
under ``/usr/bin/time -v`` (wall time, peak resident memory):

* ``duckdb`` -- ``retention-xl report DIR --engine duckdb --memory-limit 2GB``;
* ``bare`` -- DuckDB's own cohort query on the same files (active customers per cohort
  month and month offset), nothing else: the floor the report is compared with;
* ``pandas`` -- ``retention-xl report FILE --engine pandas`` on one Parquet file of the rows;
* ``spark`` -- ``retention-xl report DIR --engine spark`` (local mode, 2 cores).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parent / ".data"
PART = 5_000_000
START = np.datetime64("2021-01-01T00:00:00", "s")

BARE = """
import duckdb, sys
con = duckdb.connect(config={"memory_limit": sys.argv[2]})
print(con.execute('''
  WITH o AS (SELECT customer_id, date_trunc('month', order_date) AS month FROM read_parquet(?) WHERE amount >= 0),
  f AS (SELECT customer_id, MIN(month) AS cohort FROM o GROUP BY customer_id)
  SELECT COUNT(*) FROM (SELECT f.cohort, date_diff('month', f.cohort, o.month) AS k, COUNT(DISTINCT o.customer_id) AS n
                        FROM o JOIN f USING (customer_id) GROUP BY 1, 2)''', [sys.argv[1]]).fetchall())
"""


def make_input(rows: int) -> Path:
    """The dataset of ``rows`` order lines (made once)."""
    folder = DATA / f"lines-{rows}"
    if folder.exists() and sum(pq.ParquetFile(f).metadata.num_rows for f in folder.glob("*.parquet")) == rows:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    customers = max(rows // 10, 1)
    for k, start in enumerate(range(0, rows, PART)):
        n = min(PART, rows - start)
        rng = np.random.default_rng(1000 + k)
        cust = rng.integers(0, customers, n)
        seconds = rng.integers(0, 4 * 365 * 86_400, n)
        amount = np.round(rng.gamma(2.0, 30.0, n), 2)
        amount[rng.random(n) < 0.03] *= -1
        table = pa.table({
            "customer_id": pa.array(np.char.add("C", cust.astype(str))),
            "order_id": pa.array(np.arange(start, start + n, dtype=np.int64)),
            "order_date": pa.array((START + seconds.astype("timedelta64[s]")).astype("datetime64[us]")),
            "amount": pa.array(amount),
            "channel": pa.array(np.array(["web", "store", "marketplace", "phone"])[rng.integers(0, 4, n)]),
        })
        pq.write_table(table, folder / f"part-{k:03d}.parquet", compression="zstd")
    return folder


def single_file(rows: int) -> Path:
    path = DATA / f"lines-{rows}.parquet"
    if not path.exists():
        pq.write_table(pq.read_table(make_input(rows)), path, compression="zstd")
    return path


def timed(args: list[str]) -> tuple[str, float, float, str]:
    run = subprocess.run(["/usr/bin/time", "-v", *args], capture_output=True, text=True)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", run.stderr).group(1)
    seconds = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1)) / 2**20
    tail = (run.stdout + run.stderr).strip().splitlines()
    status = "ok" if run.returncode == 0 else "failed: " + next((l for l in tail if "Error" in l), tail[-1] if tail else "")
    return status, seconds, peak, " ".join(run.stdout.split())[:300]


def main(rows: int, modes: list[str]) -> None:
    folder = make_input(rows)
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "duckdb": [sys.executable, "-m", "retention_xl", "report", str(folder), "-o", f"{tmp}/duckdb.xlsx",
                       "--engine", "duckdb", "--memory-limit", "2GB"],
            "bare": [sys.executable, "-c", BARE, str(folder / "*.parquet"), "2GB" if rows < 50_000_000 else "4GB"],
            "pandas": [sys.executable, "-m", "retention_xl", "report", str(single_file(rows)) if "pandas" in modes else "",
                       "-o", f"{tmp}/pandas.xlsx", "--engine", "pandas"],
            "spark": [sys.executable, "-m", "retention_xl", "report", str(folder), "-o", f"{tmp}/spark.xlsx",
                      "--engine", "spark"],
        }
        for mode in modes:
            status, seconds, peak, said = timed(commands[mode])
            print(f"{rows:>12,} lines  {mode:<7} {seconds:8.1f} s  peak {peak:6.2f} GiB  {status}  | {said}", flush=True)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    main(size, sys.argv[2:] or ["duckdb", "bare", "spark"])
