"""Time the formulas as Excel calls them: import, range formulas, and the orders formulas.

Run from the repository root::

    python benchmarks/bench_udfs.py              # everything: 100,000 cells / rows
    python benchmarks/bench_udfs.py --cells 1000000 --repeat 5 --orders 0 --imports 0

1. **Import** (``--imports N``, default 7 runs): ``python -X importtime -c "import
   retention_xl.udfs"``; what our module adds is its cumulative import time minus that of
   the ``xlwings`` it imports, in the same process (median of N runs). Goal: <= 0.2 s.
2. **Range formulas** (``--cells``): each formula is called exactly as xlwings calls it
   for a column range: a list of one-element row lists of floats, with blanks as ``None``
   and some text cells. The comparison columns do the same sum in plain Python (a list
   comprehension and ``sum``) and in pandas (``pd.to_numeric(..., errors="coerce")`` then
   vectorised), starting from the same list; neither checks its input the way the
   formulas do. Goal: at most 50 ms a call.
3. **Orders formulas** (``--orders``, default 100,000 rows): COHORT, P_ALIVE and
   CLV_PREDICT on ranges of customer ids, order dates (``datetime``, as xlwings hands
   Excel dates over) and amounts from ``generate_orders``, twice: dates as days (what
   most exports hold) and as date-times (every order at its minute). Each is split into
   converting the ranges (``cells.column``), cleaning (``clean_orders``) and the rest; the
   comparison is a plain-pandas cohort count from the same lists, which checks nothing.
   Goal: <= 0.25 s a call.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # time this checkout, not an installed copy

from retention_xl import udfs  # noqa: E402

GOAL_MS = 50.0
Z95 = statistics.NormalDist().inv_cdf(0.975)


def column(values: np.ndarray, rng: np.random.Generator, blank: float = 0.02, text: float = 0.005) -> list:
    """A column range as xlwings hands it over: ``[[v], [v], ...]`` with blanks and text."""
    cells: list[list] = [[float(v)] for v in values]
    u = rng.random(len(cells))
    for i in np.flatnonzero(u < blank):
        cells[i] = [None]
    for i in np.flatnonzero((u >= blank) & (u < blank + text)):
        cells[i] = ["n/a"]
    return cells


def id_column(n: int, rng: np.random.Generator) -> list:
    ids = np.char.add("C", np.char.zfill(rng.integers(1, n // 3, n).astype(str), 6))
    cells: list[list] = [[str(v)] for v in ids]
    for i in np.flatnonzero(rng.random(n) < 0.02):
        cells[i] = [None]
    return cells


# --------------------------------------------------------------------- what a user writes
def py_numbers(cells: list) -> list[float]:
    return [c[0] for c in cells if isinstance(c[0], float)]


def pd_numbers(cells: list) -> pd.Series:
    return pd.to_numeric(pd.Series([c[0] for c in cells]), errors="coerce").dropna()


def py_nps(cells):
    xs = py_numbers(cells)
    return 100 * (sum(x >= 9 for x in xs) - sum(x <= 6 for x in xs)) / len(xs)


def pd_nps(cells):
    s = pd_numbers(cells)
    return 100 * ((s >= 9).mean() - (s <= 6).mean())


def py_nps_moe(cells):
    xs = py_numbers(cells)
    p = sum(x >= 9 for x in xs) / len(xs)
    d = sum(x <= 6 for x in xs) / len(xs)
    return 100 * Z95 * math.sqrt((p + d - (p - d) ** 2) / len(xs))


def pd_nps_moe(cells):
    s = pd_numbers(cells)
    p, d = (s >= 9).mean(), (s <= 6).mean()
    return 100 * Z95 * math.sqrt((p + d - (p - d) ** 2) / len(s))


def py_csat(cells):
    xs = py_numbers(cells)
    return sum(x >= 4 for x in xs) / len(xs)


def pd_csat(cells):
    return (pd_numbers(cells) >= 4).mean()


def py_mean(cells):
    xs = py_numbers(cells)
    return sum(xs) / len(xs)


def pd_mean(cells):
    return pd_numbers(cells).mean()


def py_churn(cells, start):
    return sum(py_numbers(cells)) / start


def pd_churn(cells, start):
    return pd_numbers(cells).sum() / start


def py_churn_cost(cells, value):
    return sum(py_numbers(cells)) * value


def pd_churn_cost(cells, value):
    return pd_numbers(cells).sum() * value


def py_repeat_rate(cells):
    counts = Counter(c[0] for c in cells if c[0] is not None)
    return sum(k > 1 for k in counts.values()) / len(counts)


def pd_repeat_rate(cells):
    counts = pd.Series([c[0] for c in cells]).dropna().value_counts()
    return (counts > 1).mean()


# --------------------------------------------------------------------- timing
def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up (imports, caches)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def cases(n: int, seed: int) -> list[tuple[str, Callable, Callable, Callable, tuple]]:
    rng = np.random.default_rng(seed)
    nps = column(rng.integers(0, 11, n), rng)
    csat = column(rng.integers(1, 6, n), rng)
    ces = column(rng.integers(1, 8, n), rng)
    amounts = column(np.round(rng.gamma(2.0, 30.0, n), 2), rng)
    lost = column(rng.integers(0, 4, n), rng)
    ids = id_column(n, rng)
    start = float(4 * n)
    return [
        ("NPS(scores)", udfs.NPS, py_nps, pd_nps, (nps,)),
        ("NPS_MOE(scores)", udfs.NPS_MOE, py_nps_moe, pd_nps_moe, (nps,)),
        ("CSAT(scores)", udfs.CSAT, py_csat, pd_csat, (csat,)),
        ("CES(scores)", udfs.CES, py_mean, pd_mean, (ces,)),
        ("AOV(amounts)", udfs.AOV, py_mean, pd_mean, (amounts,)),
        ("CHURN(lost, start)", udfs.CHURN, py_churn, pd_churn, (lost, start)),
        ("CHURN_COST(lost, value)", udfs.CHURN_COST, py_churn_cost, pd_churn_cost, (lost, 120.0)),
        ("REPEAT_RATE(ids)", udfs.REPEAT_RATE, py_repeat_rate, pd_repeat_rate, (ids,)),
    ]


IMPORT_GOAL_S = 0.2
ORDERS_GOAL_S = 0.25


def import_times(runs: int) -> tuple[float, float, float]:
    """Median seconds: ``import retention_xl.udfs`` in all, of it ``xlwings``, and ours (the difference)."""
    totals, xlwings, ours = [], [], []
    for _ in range(runs):
        err = subprocess.run([sys.executable, "-X", "importtime", "-c", "import retention_xl.udfs"],
                             capture_output=True, text=True, cwd=ROOT, check=True).stderr
        cumulative: dict[str, int] = {}
        for line in err.splitlines():
            m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| *(\S+)", line)
            if m:
                cumulative.setdefault(m.group(2), int(m.group(1)))  # the first (outermost) import
        totals.append(cumulative["retention_xl.udfs"] / 1e6)
        xlwings.append(cumulative["xlwings"] / 1e6)
        ours.append(totals[-1] - xlwings[-1])
    return statistics.median(totals), statistics.median(xlwings), statistics.median(ours)


def order_ranges(n: int, seed: int, *, days: bool) -> tuple[list, list, list]:
    """Customer ids, order dates and amounts as xlwings hands three column ranges over."""
    from retention_xl.sample import generate_orders

    frame = generate_orders(max(n // 3, 10), seed=seed).head(n)
    dates = frame["order_date"].dt.floor("D") if days else frame["order_date"]
    return ([[v] for v in frame["customer"].tolist()], [[v] for v in dates.dt.to_pydatetime().tolist()],
            [[float(v)] for v in frame["amount"].tolist()])


def pandas_cohort(ids: list, dates: list) -> pd.DataFrame:
    """What a user could write instead: active customers by first month and months since (no checks)."""
    frame = pd.DataFrame({"c": [r[0] for r in ids], "d": pd.to_datetime([r[0] for r in dates])}).dropna()
    month = frame["d"].dt.year * 12 + frame["d"].dt.month
    first = month.groupby(frame["c"]).transform("min")
    return frame.assign(k=month - first, f=first).groupby(["f", "k"])["c"].nunique().unstack()


def orders_rows(ids: list, dates: list, amounts: list, repeat: int) -> list[tuple[str, float, float, float]]:
    """(formula, total s, converting s, cleaning s), medians of ``repeat`` calls."""
    from retention_xl.analysis.orders import clean_orders
    from retention_xl.excel.cells import column

    def convert():
        return column(ids, "customer_ids"), column(dates, "order_dates"), column(amounts, "amounts")

    c, d, a = convert()
    raw = pd.DataFrame({"customer": c, "date": d, "amount": a})
    t_convert = median_ms(convert, repeat) / 1000
    t_clean = median_ms(lambda: clean_orders(raw, customer="customer", date="date", amount="amount"),
                        repeat) / 1000
    out = []
    for name, call in (("COHORT", lambda: udfs.COHORT(ids, dates)),
                       ("P_ALIVE", lambda: udfs.P_ALIVE(ids, dates)),
                       ("CLV_PREDICT", lambda: udfs.CLV_PREDICT(ids, dates, amounts))):
        result = call()
        if isinstance(result, str):
            raise SystemExit(f"{name}: {result}")
        out.append((name, median_ms(call, repeat) / 1000, t_convert, t_clean))
    out.append(("pandas cohort count (baseline)", median_ms(lambda: pandas_cohort(ids, dates), repeat) / 1000,
                math.nan, math.nan))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=100_000, help="cells in each column range")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per formula (median)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--imports", type=int, default=7, help="runs of the import timing (0: skip)")
    parser.add_argument("--orders", type=int, default=100_000, help="rows for COHORT, P_ALIVE, CLV_PREDICT (0: skip)")
    args = parser.parse_args(argv)
    missed = 0

    if args.imports:
        total, xw_s, ours = import_times(args.imports)
        ok = ours <= IMPORT_GOAL_S
        missed += not ok
        print(f"import retention_xl.udfs: {total:.3f} s, of which xlwings {xw_s:.3f} s; ours adds {ours:.3f} s "
              f"(goal <= {IMPORT_GOAL_S} s: {'met' if ok else 'MISS'}; median of {args.imports} runs)\n")

    print(f"{args.cells:,}-cell column ranges, median of {args.repeat} calls (ms); goal <= {GOAL_MS:.0f} ms")
    head = f"{'formula':<26}{'retention-xl':>13}{'plain Python':>14}{'pandas':>9}   goal  result"
    print(head)
    print("-" * len(head))
    for name, formula, py, pdf, args_ in cases(args.cells, args.seed):
        ours = formula(*args_)
        for other in (py(*args_), pdf(*args_)):
            if isinstance(ours, str) or not math.isclose(ours, float(other), rel_tol=1e-9, abs_tol=1e-9):
                raise SystemExit(f"{name}: retention-xl gives {ours!r}, the comparison {other!r}")
        t_ours = median_ms(lambda: formula(*args_), args.repeat)
        t_py = median_ms(lambda: py(*args_), args.repeat)
        t_pd = median_ms(lambda: pdf(*args_), args.repeat)
        ok = t_ours <= GOAL_MS
        missed += not ok
        print(f"{name:<26}{t_ours:>13.1f}{t_py:>14.1f}{t_pd:>9.1f}   {'met ' if ok else 'MISS'}  {ours:.6g}")

    if args.orders:
        repeat = max(3, args.repeat // 3)
        for days in (True, False):
            ids, dates, amounts = order_ranges(args.orders, args.seed, days=days)
            customers = len({r[0] for r in ids})
            print(f"\n{len(ids):,} orders of {customers:,} customers, order dates as "
                  f"{'days' if days else 'date-times'}; median of {repeat} calls (s); goal <= {ORDERS_GOAL_S} s")
            head = f"{'formula':<32}{'total':>8}{'ranges':>9}{'cleaning':>10}{'rest':>8}   goal"
            print(head)
            print("-" * len(head))
            for name, total, convert, clean in orders_rows(ids, dates, amounts, repeat):
                if math.isnan(convert):
                    print(f"{name:<32}{total:>8.3f}")
                    continue
                ok = total <= ORDERS_GOAL_S
                missed += not ok
                print(f"{name:<32}{total:>8.3f}{convert:>9.3f}{clean:>10.3f}{total - convert - clean:>8.3f}"
                      f"   {'met' if ok else 'MISS'}")
    print("\nevery formula within the goal" if not missed else f"\n{missed} measurement(s) over the goal")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
