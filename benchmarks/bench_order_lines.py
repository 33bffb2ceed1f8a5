"""Time the report on a 5,000,000-line order-line export against the pandas a user would write.

Run from the repository root::

    python benchmarks/bench_order_lines.py            # 5,000,000 lines, about 1,000,000 invoices
    python benchmarks/bench_order_lines.py --lines 500000

The export has the ERP invoice-line layout of the UCI Online Retail data set (``InvoiceNo``
with ``C``-numbered cancellations, ``StockCode, Description, Quantity, InvoiceDate`` as
``M/D/YYYY H:MM``, ``UnitPrice, CustomerID`` with blanks, ``Country``), generated once into
``benchmarks/.data/`` (git-ignored): 100,000 customers, 5 lines per invoice on average, 2%
of invoices cancellations, 1% of invoices without a customer.

(a) baseline: bare ``pd.read_csv`` + lines to orders (amount = quantity x unit price summed
    per invoice, first date and customer per invoice) + cohort counts (distinct customers
    per first-order month and month) - what a pandas user writes;
(b) ``retention-xl report CSV -o OUT.xlsx --force`` as a subprocess, no options: wall time
    and peak memory; goal <= 10x (a).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data"
GOAL_X = 10.0


def ensure_csv(lines: int) -> Path:
    path = DATA / f"order-lines-{lines}.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(9)
    n_inv = lines // 5
    sizes = rng.poisson(4, n_inv) + 1
    sizes[-1] += lines - sizes.sum() if sizes.sum() < lines else 0
    inv = np.repeat(np.arange(n_inv), sizes)[:lines]
    customer = rng.integers(12000, 112000, n_inv)
    minutes = np.sort(rng.integers(0, 2 * 365 * 24 * 60, n_inv))
    cancel = rng.random(n_inv) < 0.02
    start = np.datetime64("2010-12-01T08:00")
    when = pd.DatetimeIndex((start + minutes.astype("timedelta64[m]"))[inv])
    qty = rng.integers(1, 25, lines) * np.where(cancel[inv], -1, 1)
    price = np.round(rng.gamma(2.0, 2.0, lines), 2)
    stock = rng.integers(10000, 14000, lines)
    customer = customer.astype(str)
    customer[rng.random(n_inv) < 0.01] = ""  # invoices without a customer
    cust = customer[inv]
    number = (536365 + inv).astype(str)
    number = np.where(cancel[inv], np.char.add("C", number), number)
    frame = pd.DataFrame({
        "InvoiceNo": number, "StockCode": stock, "Description": np.char.add("ITEM ", stock.astype(str)),
        "Quantity": qty, "InvoiceDate": when.strftime("%-m/%-d/%Y %-H:%M"), "UnitPrice": price,
        "CustomerID": cust, "Country": "United Kingdom",
    })
    part = path.with_suffix(".part")
    frame.to_csv(part, index=False)
    part.rename(path)  # a run stopped while writing leaves no truncated file behind
    return path


def baseline(path: Path) -> pd.Series:
    """Read, lines to orders, cohort counts: the pandas a user writes for this export."""
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "CustomerID": str})
    df = df[df["CustomerID"].notna()]
    df["amount"] = df["Quantity"] * df["UnitPrice"]
    orders = df.groupby("InvoiceNo").agg(customer=("CustomerID", "first"), date=("InvoiceDate", "first"),
                                         amount=("amount", "sum"))
    orders["date"] = pd.to_datetime(orders["date"], format="%m/%d/%Y %H:%M")
    buys = orders[~orders.index.str.startswith("C")]
    month = buys["date"].dt.to_period("M")
    cohort = month.groupby(buys["customer"]).transform("min")
    return buys.groupby([cohort.rename("cohort"), month.rename("month")])["customer"].nunique()


def run_report(path: Path, out: Path) -> tuple[float, float | None]:
    cmd = [sys.executable, "-m", "retention_xl", "report", str(path), "-o", str(out), "--force"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    time_v = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    if time_v:
        cmd = [time_v, "-v", *cmd]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"retention-xl report failed:\n{done.stdout}\n{done.stderr}")
    print(done.stdout)
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return wall, (int(m.group(1)) / 2**20 if m else None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each part (median)")
    args = parser.parse_args(argv)
    path = ensure_csv(args.lines)
    print(f"{path.name}: {path.stat().st_size / 2**20:,.0f} MiB")
    base = [time.perf_counter()]
    for _ in range(args.repeat):
        t = time.perf_counter()
        baseline(path)
        base.append(time.perf_counter() - t)
    t_base = statistics.median(base[1:])
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run_report(path, Path(tmp) / "report.xlsx") for _ in range(args.repeat)]
    wall = statistics.median(w for w, _ in runs)
    peak = max((p for _, p in runs if p is not None), default=None)
    print(f"(a) pandas baseline (read + lines to orders + cohort counts): {t_base:.1f} s")
    print(f"(b) retention-xl report: {wall:.1f} s = {wall / t_base:.1f}x the baseline (goal <= {GOAL_X:g}x)"
          + (f", peak memory {peak:.2f} GiB" if peak else ""))
    return 0 if wall <= GOAL_X * t_base else 1


if __name__ == "__main__":
    sys.exit(main())
