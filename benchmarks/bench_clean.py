"""Time reading + cleaning a generated order export against a bare ``pandas.read_csv``.

Run from the repository root::

    python benchmarks/bench_clean.py            # 1,000,000 rows
    python benchmarks/bench_clean.py 200000     # another size

It runs twice: order dates (few distinct values, the usual export) and order date-times
(almost every row distinct, the worst case for per-value parsing).

The generated CSV looks like a real shop export: 50,000 customers (some ids in Persian
digits), about 1,100 distinct order days as d/m/Y text, amounts mostly plain with some
thousands separators, currency marks and accounting negatives, and a few bad rows.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from retention_xl.analysis.orders import clean_orders
from retention_xl.sources.files import read_table


def generate(n: int, seed: int = 7, timestamps: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    customer = rng.integers(1, 50_001, n).astype(str).astype(object)
    persian = rng.random(n) < 0.02
    customer[persian] = [c.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) for c in customer[persian]]
    days = np.datetime64("2022-01-01") + rng.integers(0, 1_100, n).astype("timedelta64[D]")
    if timestamps:  # "created at" exports: a distinct date and time on almost every row
        stamps = days + rng.integers(0, 86_400, n).astype("timedelta64[s]")
        date = pd.Series(stamps).dt.strftime("%d/%m/%Y %H:%M:%S").to_numpy(dtype=object)
    else:
        date = pd.Series(days).dt.strftime("%d/%m/%Y").to_numpy(dtype=object)
    cents = rng.integers(100, 500_000, n)
    amount = pd.Series(cents / 100).map("{:.2f}".format).to_numpy(dtype=object)
    styled = rng.random(n)
    amount[styled < 0.05] = pd.Series(cents[styled < 0.05] / 100).map("{:,.2f}".format).to_numpy()
    amount[(styled >= 0.05) & (styled < 0.07)] = "$" + amount[(styled >= 0.05) & (styled < 0.07)]
    amount[(styled >= 0.07) & (styled < 0.075)] = "(" + amount[(styled >= 0.07) & (styled < 0.075)] + ")"
    bad = rng.random(n) < 0.001
    date[bad] = "unknown"
    order_id = np.arange(100_000, 100_000 + n).astype(str)
    return pd.DataFrame({"Order ID": order_id, "Customer ID": customer, "Order Date": date, "Total": amount})


def best_of(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main(n: int, timestamps: bool = False) -> None:
    frame = generate(n, timestamps=timestamps)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.csv"
        frame.to_csv(path, index=False)
        t_bare = best_of(lambda: pd.read_csv(path))
        t_read = best_of(lambda: read_table(path))
        table = read_table(path)
        t_clean = best_of(lambda: clean_orders(table.frame, first_row=table.first_row))
        result = clean_orders(table.frame, first_row=table.first_row)
    kind = "d/m/Y date-times, ~all distinct" if timestamps else "d/m/Y dates, ~1,100 distinct"
    print(f"rows: {n:,} ({kind})  kept: {len(result.frame):,}  issues: {len(result.issues):,}")
    print(f"pd.read_csv (bare)      {t_bare:6.2f} s")
    print(f"read_table              {t_read:6.2f} s")
    print(f"clean_orders            {t_clean:6.2f} s")
    print(f"read_table + clean      {t_read + t_clean:6.2f} s")


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    main(size)
    main(size, timestamps=True)
