"""Where a DuckDB report's time and memory go, stage by stage.

Run from the repository root, on a dataset made by ``bench_engines.py``::

    python benchmarks/engine_stages.py benchmarks/.data/lines-100000000 [2GB]

Prints, at each stage the report announces (``report_source(..., progress=...)``), the
seconds since the start and since the previous stage, this process's resident memory now
and its peak so far (the cleaning's worker processes are not counted; each holds a batch).
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from retention_xl.engines.run import report_source
from retention_xl.options import ReportOptions


def resident_gib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def main() -> None:
    source = sys.argv[1]
    limit = sys.argv[2] if len(sys.argv) > 2 else "2GB"
    start = last = time.perf_counter()

    def stage(text: str) -> None:
        nonlocal last
        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        if not text.startswith("Cleaning orders: rows"):
            print(f"{now - start:8.1f} s (+{now - last:6.1f})  memory {resident_gib():5.2f} GiB, peak {peak:5.2f}  {text}",
                  flush=True)
            last = now

    with tempfile.TemporaryDirectory() as tmp:
        report_source(source, Path(tmp) / "report.xlsx", ReportOptions(engine="duckdb", memory_limit=limit),
                      progress=stage)
        stage("done")


if __name__ == "__main__":
    main()
