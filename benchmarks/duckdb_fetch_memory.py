"""The resident memory of fetching ten million customer rows out of DuckDB.

Run from the repository root::

    python benchmarks/duckdb_fetch_memory.py [customers] [memory_limit]

Builds the two relations the report's customer rows are read from (``customer_summary``,
``customer_gaps``; 10,000,000 customers by default) in a
:class:`~retention_xl.engines.duckdb_engine.DuckDBEngine` and fetches
:data:`~retention_xl.engines.definitions.CUSTOMER_ROWS` from them four ways: streamed in
Arrow batches with the engine as it is configured, streamed with DuckDB's allocator
background threads switched off (its default), streamed with DuckDB at half its limit
(``DuckDBEngine.shrink``), and the report's way: at half the limit, written to Parquet by
DuckDB, which closes before the file is read (``DuckDBEngine.fetch_and_close``); each in
a fresh process. Prints the process's resident memory after building the relations,
its peak while fetching (sampled every 5 ms) and what it holds once the rows are in and
DuckDB is closed.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

CHILD = "--child"
WAYS = ("stream, background threads on", "stream, background threads off", "stream, half the limit",
        "half the limit, Parquet, closed first")


def resident_gib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**30


def child(customers: int, limit: str, way: str) -> None:
    from retention_xl.engines import definitions as sql
    from retention_xl.engines.duckdb_engine import DuckDBEngine

    peak = [0.0]

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], resident_gib())
            time.sleep(0.005)

    threading.Thread(target=sample, daemon=True).start()
    engine = DuckDBEngine(memory_limit=limit)
    engine.con.execute(f"SET allocator_background_threads = {str(way != WAYS[1]).lower()}")
    n = int(customers)
    engine.con.execute(f"""
        CREATE TEMP TABLE customer_summary AS
        SELECT 'C' || CAST(i * 7919 % {n} + 1000000000 AS VARCHAR) AS customer,
               i * 1000000000 AS seen_t, i * 1000000000 AS first_t, i * 1000000000 + 5 AS last_t,
               i % 17 + 1 AS orders,
               CAST(i % 1000 * 1.37 AS {sql.MONEY}) AS revenue, i % 13 AS frequency,
               CAST(i % 97 * 1.5 AS DOUBLE) AS monetary
        FROM range({n}) t(i)""")
    engine.con.execute("""CREATE TEMP TABLE customer_gaps AS
        SELECT customer, CAST(frequency AS DOUBLE) * 3 AS median_gap FROM customer_summary WHERE frequency > 0""")
    built = resident_gib()
    peak[0] = built
    start = time.perf_counter()
    if way in WAYS[2:]:
        engine.shrink()
    if way == WAYS[3]:
        rows = engine.fetch_and_close(sql.CUSTOMER_ROWS)
    else:
        rows = engine.fetch(sql.CUSTOMER_ROWS)
        engine.close()
    seconds = time.perf_counter() - start
    time.sleep(0.05)
    print(f"{way:37}: {len(rows):,} rows in {seconds:4.1f} s; resident after building {built:.2f} GiB, "
          f"peak while fetching {peak[0]:.2f} GiB (+{peak[0] - built:.2f}), after {resident_gib():.2f} GiB", flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        child(int(sys.argv[2]), sys.argv[3], WAYS[int(sys.argv[4])])
        return
    customers = sys.argv[1] if len(sys.argv) > 1 else "10000000"
    limit = sys.argv[2] if len(sys.argv) > 2 else "2.5GB"
    print(f"fetching {int(customers):,} customer rows, DuckDB memory_limit {limit}")
    for way in range(len(WAYS)):
        subprocess.run([sys.executable, __file__, CHILD, customers, limit, str(way)], check=True)


if __name__ == "__main__":
    main()
