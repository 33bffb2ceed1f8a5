"""Where the report file's writer should stop writing cells one by one: the workbook of
the bundled sample (its tables of 5 to 1,500 rows) written with each threshold.

Run from the repository root::

    python benchmarks/bench_writer.py [--repeat 7]

A sheet's last table longer than ``bulk_rows`` is streamed (its rows serialised column by
column with pyarrow, :mod:`retention_xl.writers.bulk_rows`); the others are written cell by
cell by xlsxwriter. For each threshold: the best and median of ``--repeat`` writes of the
same laid-out report to memory, and the file's size. ``10**9`` writes every cell through
xlsxwriter; ``0`` streams every sheet's last table.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # time this checkout, not an installed copy

import retention_xl as rx  # noqa: E402
from retention_xl.writers.xlsx_file import BULK_ROWS, report_bytes  # noqa: E402

THRESHOLDS = (10**9, 2000, 500, 100, 20, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    report = rx.build_report(rx.analyse(rx.read_orders(ROOT / "retention_xl" / "data" / "sample_orders.csv")))
    tables = [(s.name, len(b.frame)) for s in report.sheets for b in s.tables]
    print("tables (sheet, rows):", ", ".join(f"{name} {rows:,}" for name, rows in tables))
    report_bytes(report)  # the imports and first-use costs, once
    print(f"{'bulk_rows':>10} {'best':>8} {'median':>8} {'bytes':>9}")
    for threshold in THRESHOLDS:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            data = report_bytes(report, bulk_rows=threshold)
            times.append(time.perf_counter() - start)
        mark = "  (the writer's default)" if threshold == BULK_ROWS else ""
        print(f"{threshold:>10,} {min(times):>7.3f}s {statistics.median(times):>7.3f}s {len(data):>9,}{mark}")


if __name__ == "__main__":
    main()
