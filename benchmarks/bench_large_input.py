"""The command line on an order file longer than an Excel sheet: rows, time, peak memory.

Run from the repository root::

    python benchmarks/bench_large_input.py            # 1,200,000 rows
    python benchmarks/bench_large_input.py 2000000    # another size

The input is made with :func:`retention_xl.sample.generate_orders` (seeded), repeated with
shifted customer ids until it has the asked number of rows, and written once to
``benchmarks/.data/orders-<rows>.csv`` (git-ignored). Then ``retention-xl report`` runs on it
in a child process under ``/usr/bin/time -v``, and the script prints the rows the command
reported, its wall time and its peak resident memory.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from retention_xl.sample import generate_orders

DATA = Path(__file__).resolve().parent / ".data"


def make_input(rows: int) -> Path:
    path = DATA / f"orders-{rows}.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    base = generate_orders(20_000, seed=11)
    copies = -(-rows // len(base))
    frame = pd.concat(
        [base.assign(customer=base["customer"].astype(str) + f"-{k}",
                     order_id=base["order_id"].astype(str) + f"-{k}") for k in range(copies)],
        ignore_index=True,
    ).iloc[:rows]
    frame.to_csv(path, index=False)
    return path


def main(rows: int = 1_200_000) -> None:
    source = make_input(rows)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "report.xlsx"
        run = subprocess.run(
            ["/usr/bin/time", "-v", sys.executable, "-m", "retention_xl", "report", str(source), "-o", str(target)],
            capture_output=True, text=True,
        )
        size = target.stat().st_size if target.exists() else 0
    if run.returncode != 0:
        print(run.stdout, run.stderr)
        raise SystemExit(run.returncode)
    summary = " ".join(run.stdout.split())
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", run.stderr).group(1)
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    print(f"input: {source.name}, {source.stat().st_size / 2**20:,.0f} MB, {rows:,} rows")
    print(f"report: {size / 2**20:,.1f} MB")
    print(f"wall time: {wall}; peak RSS: {peak / 1024:,.0f} MB")
    print(summary)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_200_000)
