"""Time the cleaning at scale (the DuckDB and Spark engines' first stage) on a dataset of
``bench_engines.py``: one batch cleaned alone, and every batch cleaned by the worker
processes, with this process's CPU beside the wall time.

Run from the repository root::

    python benchmarks/bench_staging.py                          # lines-10000000, 2 rounds
    python benchmarks/bench_staging.py --rows 1000000 --repeat 3
    python benchmarks/bench_staging.py --compare /tmp/before    # and another checkout, alternating

``--compare DIR`` times the retention-xl checkout in DIR (e.g. ``git archive`` of an earlier
commit) in the same rounds, this checkout first, so that before and after meet the same
machine: its speed moves by a third and more within an hour. The dataset is made by
``bench_engines.make_input`` when missing (10,000,000 lines: about two minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: run in a fresh interpreter with the checkout to time first on the path
TIMED = r"""
import json, sys, tempfile, time
import pandas as pd
import retention_xl
from retention_xl.engines import staging
from retention_xl.options import ReportOptions
from retention_xl.sources.datasets import open_dataset

dataset = open_dataset(sys.argv[1])
frame = next(iter(dataset.batches())).to_pandas(date_as_object=False)
with tempfile.TemporaryDirectory() as folder:
    times = []
    for i in range(4):  # the first one warms up
        start = time.perf_counter()
        staging._clean_batch(frame, ReportOptions(), 2, "bench", f"{folder}/orders-{i:05d}.parquet")
        times.append(time.perf_counter() - start)
    start, cpu = time.perf_counter(), time.process_time()
    staged = staging.stage_orders(dataset, folder=folder)
    whole, main_cpu = time.perf_counter() - start, time.process_time() - cpu
    staged.remove()
print(json.dumps({"checkout": retention_xl.__file__, "batch_rows": len(frame), "batch": sorted(times[1:])[1],
                  "stage": whole, "main_cpu": main_cpu, "batches": staged.batches}))
"""


def run(checkout: Path, dataset: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    # -P: the working directory (this checkout) does not come before PYTHONPATH
    out = subprocess.run([sys.executable, "-P", "-c", TIMED, str(dataset)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="lines of the bench_engines dataset")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--compare", type=Path, help="another retention-xl checkout, timed in the same rounds")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_engines import make_input

    dataset = make_input(args.rows)
    checkouts = {"this checkout": ROOT} | ({f"{args.compare}": args.compare} if args.compare else {})
    results: dict[str, list[dict]] = {name: [] for name in checkouts}
    print(f"{dataset.relative_to(ROOT)}: {args.repeat} rounds; load average {os.getloadavg()[0]:.2f}", flush=True)
    for round_ in range(1, args.repeat + 1):
        for name, checkout in checkouts.items():
            r = run(checkout, dataset)
            assert Path(r["checkout"]).resolve().is_relative_to(checkout.resolve()), r["checkout"]
            results[name].append(r)
            print(f"  round {round_}, {name}: one batch of {r['batch_rows']:,} lines {r['batch']:.2f} s; "
                  f"{r['batches']} batches {r['stage']:.1f} s (main process CPU {r['main_cpu']:.1f} s)", flush=True)
    print()
    for name, runs in results.items():
        print(f"{name:>20}: one batch {statistics.median(r['batch'] for r in runs):.2f} s, "
              f"all batches {statistics.median(r['stage'] for r in runs):.1f} s (medians)")


if __name__ == "__main__":
    main()
