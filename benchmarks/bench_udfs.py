"""Time the range formulas on a 100,000-cell column, against what a user would write instead.

Run from the repository root::

    python benchmarks/bench_udfs.py              # 100,000 cells, median of 15 calls
    python benchmarks/bench_udfs.py --cells 1000000 --repeat 5

Each formula is called exactly as xlwings calls it for a column range: a list of
one-element row lists of floats, with blanks as ``None`` and some text cells. The
comparison columns do the same sum in plain Python (a list comprehension and ``sum``) and
in pandas (``pd.to_numeric(..., errors="coerce")`` then vectorised), starting from the same
list; neither checks its input the way the formulas do. Goal: at most 50 ms a call.
"""

from __future__ import annotations

import argparse
import math
import statistics
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=100_000, help="cells in each column range")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per formula (median)")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)

    print(f"{args.cells:,}-cell column ranges, median of {args.repeat} calls (ms); goal <= {GOAL_MS:.0f} ms")
    head = f"{'formula':<26}{'retention-xl':>13}{'plain Python':>14}{'pandas':>9}   goal  result"
    print(head)
    print("-" * len(head))
    missed = 0
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
    print("every formula within the goal" if not missed else f"{missed} formula(s) over the goal")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
