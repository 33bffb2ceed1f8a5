"""Where a DuckDB report's time and memory go, stage by stage.

Run from the repository root, on a dataset made by ``bench_engines.py``::

    python benchmarks/engine_stages.py benchmarks/.data/lines-100000000 [2GB]

Prints, at each stage the report announces (``report_source(..., progress=...)``), the
seconds since the start and since the previous stage, this process's resident memory now
and its peak so far, and the peak so far of the whole report: the proportional set size
(PSS: shared pages divided among the processes sharing them) of this process and the
cleaning's worker processes added up, sampled every 0.1 s.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

from retention_xl.engines.run import report_source
from retention_xl.options import ReportOptions


def resident_gib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def tree_pss_gib(root: int) -> float:
    """The PSS of ``root`` and every process below it, added up."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue  # ended meanwhile
    tree, grown = {root}, True
    while grown:
        below = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= below
        grown = bool(below)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration):
            continue
    return total / 2**20


def main() -> None:
    source = sys.argv[1]
    limit = sys.argv[2] if len(sys.argv) > 2 else "2GB"
    start = last = time.perf_counter()
    tree_peak = [0.0]

    def sample() -> None:
        while True:
            tree_peak[0] = max(tree_peak[0], tree_pss_gib(os.getpid()))
            time.sleep(0.1)

    threading.Thread(target=sample, daemon=True).start()

    def stage(text: str) -> None:
        nonlocal last
        now = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        if not text.startswith("Cleaning orders: rows"):
            print(f"{now - start:8.1f} s (+{now - last:6.1f})  memory {resident_gib():5.2f} GiB, peak {peak:5.2f}, "
                  f"all processes' peak {tree_peak[0]:5.2f}  {text}", flush=True)
            last = now

    with tempfile.TemporaryDirectory() as tmp:
        report_source(source, Path(tmp) / "report.xlsx", ReportOptions(engine="duckdb", memory_limit=limit),
                      progress=stage)
        stage("done")


if __name__ == "__main__":
    main()
