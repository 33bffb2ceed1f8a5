"""The report from order lines in Parquet on each engine: wall time and peak memory.

Run from the repository root (one size per run; the data is made once)::

    python benchmarks/bench_engines.py 10000000              # DuckDB report, bare DuckDB cohort query, Spark
    python benchmarks/bench_engines.py 100000000 duckdb bare  # only these
    python benchmarks/bench_engines.py 5000000 pandas

The input is a Parquet dataset under ``benchmarks/.data/lines-<rows>/`` (git-ignored): files
of 5,000,000 rows, sorted by date, with ``customer_id`` (text, about 10 rows per customer),
``order_id``, ``order_date`` (timestamp, 4 years), ``amount`` (2 decimals, 3% refunds) and
``channel``, made by numpy from a fixed seed. Customers behave as the purchase models
assume, so the models have something to find: each arrives at a uniform time, buys at a
rate drawn from Gamma(0.9, 50) a day and leaves at a rate drawn from Gamma(0.8, 600) a day
(Pareto/NBD), with her own typical amount. (Drawing customers and times uniformly, as the
first version of this script did, gives every customer the same rate and nobody leaves:
no model can be fitted to that, and the prediction never ran.) Each measurement runs in a child process
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


#: the dataset's recipe; a folder made by another recipe is made again
RECIPE = "pareto-nbd r=0.9 alpha=50 s=0.8 beta=600, 4 years, sorted by date"
DAYS = 4 * 365


def _customers(rng: np.random.Generator, n: int, first_id: int) -> tuple[np.ndarray, ...]:
    """Exactly ``n`` order lines of whole customers (the last one cut short): customer
    number, seconds since START, amount."""
    cust, offsets, sizes = [], [], []
    total, k = 0, first_id
    while total < n:
        m = max((n - total) // 8, 1000)
        arrival = rng.uniform(0, DAYS, m)
        rate = rng.gamma(0.9, 1 / 50, m)
        life = rng.exponential(1 / rng.gamma(0.8, 1 / 600, m))
        span = np.minimum(life, DAYS - arrival)
        orders = 1 + rng.poisson(rate * span)
        cust.append(np.arange(k, k + m)), offsets.append((arrival, span)), sizes.append(orders)
        total, k = total + int(orders.sum()), k + m
    ids = np.concatenate(cust)
    arrival, span = (np.concatenate(v) for v in zip(*offsets))
    orders = np.concatenate(sizes)
    keep = np.searchsorted(np.cumsum(orders), n) + 1
    ids, arrival, span, orders = ids[:keep], arrival[:keep], span[:keep], orders[:keep].copy()
    orders[-1] -= int(orders.sum()) - n
    who = np.repeat(np.arange(keep), orders)
    first = np.zeros(n, dtype=bool)
    first[np.concatenate([[0], np.cumsum(orders)[:-1]])] = True
    # the first order at arrival, the repeat ones uniform over her active span (a Poisson process)
    days = arrival[who] + np.where(first, 0.0, rng.uniform(0, 1, n) * span[who])
    typical = rng.gamma(3.0, 20.0, keep)
    amount = np.round(rng.gamma(4.0, typical[who] / 4.0), 2)
    return ids[who], np.minimum(days * 86_400, DAYS * 86_400 - 1).astype(np.int64), amount


def make_input(rows: int) -> Path:
    """The dataset of ``rows`` order lines (made once)."""
    folder = DATA / f"lines-{rows}"
    recipe = DATA / f"lines-{rows}.recipe"  # beside the folder: a dataset folder holds data only
    if (folder.exists() and recipe.exists() and recipe.read_text() == RECIPE
            and sum(pq.ParquetFile(f).metadata.num_rows for f in folder.glob("*.parquet")) == rows):
        return folder
    if folder.exists():
        for old in folder.glob("*.parquet"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    first_id = 0
    for k, start in enumerate(range(0, rows, PART)):
        n = min(PART, rows - start)
        rng = np.random.default_rng(1000 + k)
        cust, seconds, amount = _customers(rng, n, first_id)
        first_id = int(cust.max()) + 1
        amount[rng.random(n) < 0.03] *= -1
        order = np.argsort(seconds, kind="stable")
        cust, seconds, amount = cust[order], seconds[order], amount[order]
        table = pa.table({
            "customer_id": pa.array(np.char.add("C", cust.astype(str))),
            "order_id": pa.array(np.arange(start, start + n, dtype=np.int64)),
            "order_date": pa.array((START + seconds.astype("timedelta64[s]")).astype("datetime64[us]")),
            "amount": pa.array(amount),
            "channel": pa.array(np.array(["web", "store", "marketplace", "phone"])[rng.integers(0, 4, n)]),
        })
        pq.write_table(table, folder / f"part-{k:03d}.parquet", compression="zstd")
    recipe.write_text(RECIPE)
    return folder


def single_file(rows: int) -> Path:
    path, folder = DATA / f"lines-{rows}.parquet", make_input(rows)
    if not path.exists() or path.stat().st_mtime < (DATA / f"lines-{rows}.recipe").stat().st_mtime:
        pq.write_table(pq.read_table(folder), path, compression="zstd")
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
