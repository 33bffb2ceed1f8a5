"""The report command with numpy's huge-page advice and without it, runs alternating.

Run from the repository root::

    python benchmarks/bench_huge_pages.py                       # the 1,000,000-order CSV, 4 pairs
    python benchmarks/bench_huge_pages.py benchmarks/.data/orders-1m.parquet --pairs 6

numpy advises the kernel to back each array of 4 MB or more with huge pages; where
transparent huge pages are set to "madvise" the kernel assembles them when they are first
touched, compacting memory if it must. ``retention-xl`` leaves huge pages to the system
(``NUMPY_MADVISE_HUGEPAGE=0`` unless the user set it). Each pair runs
``retention-xl report FILE`` once with ``NUMPY_MADVISE_HUGEPAGE=1`` (numpy's own default on
Linux 4.6 and later) and once as it comes, under ``/usr/bin/time``, and prints wall, user
and system seconds of each run and their medians. The input is made by
``bench_report.py`` (``benchmarks/.data/orders-1m.csv``).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "benchmarks" / ".data" / "orders-1m.csv"


def run(source: Path, out: Path, advice: str | None) -> tuple[float, float, float]:
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    if advice is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = advice
    cmd = ["/usr/bin/time", "-f", "TIMES %e %U %S", sys.executable, "-m", "retention_xl", "report",
           str(source), "-o", str(out), "--force"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the report failed:\n{done.stdout}\n{done.stderr}")
    wall, user, system = map(float, re.search(r"TIMES (\S+) (\S+) (\S+)", done.stderr).groups())
    return wall, user, system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--pairs", type=int, default=4)
    args = parser.parse_args()
    if not args.source.exists():
        raise SystemExit(f"{args.source} is missing: run benchmarks/bench_report.py once to make it")
    print(f"{args.source}; THP {Path('/sys/kernel/mm/transparent_hugepage/enabled').read_text().strip()}, "
          f"defrag {Path('/sys/kernel/mm/transparent_hugepage/defrag').read_text().strip()}")
    runs: dict[str, list[tuple[float, float, float]]] = {"advised (NUMPY_MADVISE_HUGEPAGE=1)": [],
                                                          "as it comes (the system's policy)": []}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.xlsx"
        for i in range(args.pairs):
            for (name, times), advice in zip(runs.items(), ("1", None)):
                times.append(run(args.source, out, advice))
                wall, user, system = times[-1]
                print(f"  pair {i + 1}, {name}: {wall:.2f} s (user {user:.2f}, system {system:.2f})", flush=True)
    for name, times in runs.items():
        wall, user, system = (statistics.median(t[k] for t in times) for k in range(3))
        print(f"median, {name}: {wall:.2f} s (user {user:.2f}, system {system:.2f})")


if __name__ == "__main__":
    main()
