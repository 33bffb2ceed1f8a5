"""Speed of the purchase models: fits and predictions beside a bare scipy fit and lifetimes.

Run from the repository root::

    python benchmarks/bench_models.py                       # CDNOW, 100,000 and 1,000,000 customers
    python benchmarks/bench_models.py --sizes 100000        # skip the million
    /tmp/lt/bin/python benchmarks/bench_models.py --peer    # the lifetimes column (its own venv)
    python benchmarks/bench_models.py --sizes --dataset benchmarks/.data/lines-10000000

``--dataset DIR`` (a dataset of ``bench_engines.py``) adds the customers of its order lines
(purchase days per customer by DuckDB: x the repeat purchase days, t_x and T in weeks from
the first purchase day to the last and to the day after the dataset's last day), fitted by
the three models without the bare fit: data like a big shop's, with repeat purchases up to
the hundreds, so many more distinct (x, t_x) and (x, T) pairs than the simulated customers.
With ``--threads-ab N`` the Pareto/NBD is fitted on those customers N times each way,
alternating in one process: its integrals in one thread, and split between the cores as
the package does (what the split saves, without the machine's drift between processes).

For BG/NBD, MBG/NBD and Pareto/NBD:

* ``retention-xl`` -- ``Model().fit(frequency, recency, T)`` on one row per customer: input
  checks, compression into distinct (x, t_x, T) rows, analytic gradient, BFGS, standard
  errors and the identification check; then P(alive) and expected purchases in 39 weeks
  for every customer;
* ``bare scipy`` (baseline) -- the closed-form log-likelihood of the papers written inline
  below (Pareto/NBD with scipy's ``hyp2f1``, as lifetimes and BTYD write it) on the same
  distinct rows with weights, minimised by ``scipy.optimize.minimize`` (BFGS) with its
  numerical gradient: the least one would write by hand;
* ``lifetimes`` (``--peer``) -- ``BetaGeoFitter``, ``ModifiedBetaGeoFitter``,
  ``ParetoNBDFitter`` on one row per customer.

Data: customers simulated from the BG/NBD story with CDNOW-like parameters (r 0.243,
alpha 4.414 weeks, a 0.793, b 2.426), first purchases spread over 78 weeks, times in whole
days expressed in weeks -- what ``customer_summary`` gives for a real order table. Each fit
runs once per size (a 2-core machine): read the ratios, not the third digit.
Goals: every fit <= 1.2x the bare fit; Pareto/NBD on 1,000,000 customers under 10 s.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

ROOT = Path(__file__).resolve().parent.parent
CDNOW = pd.read_csv(ROOT / "tests" / "data" / "cdnow_summary.csv")


def simulate(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(frequency, recency, T) in weeks of whole days, from the BG/NBD story."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = 0.243, 4.414 * 7, 0.793, 2.426  # alpha in days
    age = rng.integers(0, 546, n).astype(float)  # days since the first purchase
    rate, drop = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    possible, survived = rng.poisson(rate * age), rng.geometric(drop)
    x = np.minimum(possible, survived - 1).astype(float)
    last = np.where(x > 0, np.floor(age * rng.beta(np.maximum(x, 1), np.maximum(possible - x + 1, 1))), 0.0)
    last = np.where((x > 0) & (last < 1), 1.0, last)
    return x, last / 7, age / 7


def compress(x, t_x, T):
    frame = pd.DataFrame({"x": x, "t": t_x, "T": T})
    counts = frame.groupby(["x", "t", "T"], sort=False).size().reset_index()
    return counts["x"].to_numpy(), counts["t"].to_numpy(), counts["T"].to_numpy(), counts[0].to_numpy(float)


# ---------------------------------------------------------------- bare closed forms
def bare_bg(p, x, t, T, w):
    r, alpha, a, b = np.exp(p)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + t), -np.inf)
    return -np.sum(w * (a1 + a2 + np.logaddexp(a3, a4))) / w.sum()


def bare_mbg(p, x, t, T, w):
    r, alpha, a, b = np.exp(p)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.log(a) - np.log(b + x) - (r + x) * np.log(alpha + t)
    return -np.sum(w * (a1 + a2 + np.logaddexp(a3, a4))) / w.sum()


def bare_pareto(p, x, t, T, w):
    r, alpha, s, beta = np.exp(p)
    big, small_k = (alpha, s + 1) if alpha >= beta else (beta, r + x)
    c = r + s + x
    f1 = hyp2f1(c, small_k, c + 1, abs(alpha - beta) / (big + t)) / (big + t) ** c
    f2 = hyp2f1(c, small_k, c + 1, abs(alpha - beta) / (big + T)) / (big + T) ** c
    a0 = np.log(np.maximum(f1 - f2, 1e-300))
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    ll = head + np.logaddexp(-(r + x) * np.log(alpha + T) - s * np.log(beta + T), np.log(s) + a0 - np.log(c))
    return -np.sum(w * ll) / w.sum()


def bare_fit(function, data, start):
    with np.errstate(all="ignore"):
        result = minimize(function, np.log(start), args=data, method="BFGS")
    return np.exp(result.x), -result.fun * data[3].sum()


# ---------------------------------------------------------------- runs
def dataset_customers(folder: Path) -> tuple[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """frequency, recency and T (weeks) of the customers of a ``bench_engines.py`` dataset."""
    import duckdb

    files = str(folder / "*.parquet")
    summary = duckdb.connect().execute(f"""
        WITH days AS (SELECT customer_id, CAST(order_date AS DATE) AS day FROM read_parquet('{files}')
                      WHERE amount > 0 GROUP BY ALL),
             edge AS (SELECT MAX(day) AS last FROM days)
        SELECT COUNT(*) - 1 AS x, (MAX(day) - MIN(day)) / 7.0 AS t_x,
               (ANY_VALUE(edge.last) + 1 - MIN(day)) / 7.0 AS T
        FROM days, edge GROUP BY customer_id""").df()
    return (f"{folder.name} {len(summary):,}",
            tuple(summary[c].to_numpy(dtype=float) for c in ("x", "t_x", "T")))


def ours(sizes, dataset: Path | None = None):
    sys.path.insert(0, str(ROOT))
    from retention_xl.analysis.models import BetaGeo, ModifiedBetaGeo, ParetoNBD

    extra = [] if dataset is None else [dataset_customers(dataset)]

    models = {"BG/NBD": (BetaGeo, bare_bg, (1.0, 1.0, 1.0, 3.0)),
              "MBG/NBD": (ModifiedBetaGeo, bare_mbg, (1.0, 1.0, 1.0, 3.0)),
              "Pareto/NBD": (ParetoNBD, bare_pareto, (1.0, 1.0, 1.0, 10.0))}
    rows = []
    for label, (model_class, bare, start) in models.items():
        for name, (x, t, T) in [("CDNOW 2,357", (CDNOW["frequency"].to_numpy(float), CDNOW["recency"].to_numpy(),
                                                 CDNOW["T"].to_numpy()))] + [(f"{n:,}", simulate(n)) for n in sizes] + extra:
            began = time.perf_counter()
            model = model_class().fit(x, t, T)
            fit = time.perf_counter() - began
            began = time.perf_counter()
            model.p_alive(x, t, T)
            model.expected_purchases(39.0, x, t, T)
            predict = time.perf_counter() - began
            data = compress(x, t, T)
            bare_ll = bare_time = float("nan")
            if name not in [n for n, _ in extra]:  # no bare fit on a dataset's customers (minutes)
                began = time.perf_counter()
                _, bare_ll = bare_fit(bare, data, start)
                bare_time = time.perf_counter() - began
            rows.append({"model": label, "customers": name, "distinct rows": f"{data[0].size:,}",
                         "fit s": round(fit, 3), "bare fit s": round(bare_time, 3), "ratio": round(fit / bare_time, 2),
                         "predict s": round(predict, 3), "log-lik": round(model.log_likelihood_, 2),
                         "bare log-lik": round(bare_ll, 2),
                         "params": ", ".join(f"{k}={v:.4g}" for k, v in model.params_.items())})
            print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def threads_ab(dataset: Path, rounds: int) -> None:
    """Pareto/NBD fits on a dataset's customers, the integrals in one thread or split."""
    sys.path.insert(0, str(ROOT))
    from retention_xl.analysis.models import ParetoNBD, pareto_nbd
    from retention_xl.analysis.models.recall import FITS

    FITS.size = 0  # every fit searches
    name, (x, t, T) = dataset_customers(dataset)
    times: dict[str, list[float]] = {"one thread": [], "split": []}
    shared = pareto_nbd._BLOCKS_PER_THREAD
    try:
        for _ in range(rounds):
            for label, blocks in (("one thread", 10**12), ("split", shared)):
                pareto_nbd._BLOCKS_PER_THREAD = blocks
                began = time.perf_counter()
                model = ParetoNBD().fit(x, t, T)
                times[label].append(round(time.perf_counter() - began, 2))
                print(f"Pareto/NBD on {name}, integrals {label}: {times[label][-1]} s, "
                      f"log-lik {model.log_likelihood_:.2f}", flush=True)
    finally:
        pareto_nbd._BLOCKS_PER_THREAD = shared
    for label, runs in times.items():
        print(f"{label}: median {np.median(runs):.2f} s, runs {runs}")


def peer(sizes):
    import lifetimes

    fitters = {"BG/NBD": lifetimes.BetaGeoFitter, "MBG/NBD": lifetimes.ModifiedBetaGeoFitter,
               "Pareto/NBD": lifetimes.ParetoNBDFitter}
    rows = []
    for label, fitter in fitters.items():
        for name, (x, t, T) in [("CDNOW 2,357", (CDNOW["frequency"].to_numpy(float), CDNOW["recency"].to_numpy(),
                                                 CDNOW["T"].to_numpy()))] + [(f"{n:,}", simulate(n)) for n in sizes]:
            began = time.perf_counter()
            f = fitter().fit(x, t, T)
            fit = time.perf_counter() - began
            began = time.perf_counter()
            f.conditional_probability_alive(x, t, T)
            f.conditional_expected_number_of_purchases_up_to_time(39.0, x, t, T)
            predict = time.perf_counter() - began
            rows.append({"model": label, "customers": name, "lifetimes fit s": round(fit, 3),
                         "lifetimes predict s": round(predict, 3),
                         "params": ", ".join(f"{k}={v:.4g}" for k, v in f.params_.items())})
            print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--peer", action="store_true", help="time lifetimes instead (run with its venv's python)")
    parser.add_argument("--dataset", type=Path, help="also the customers of a bench_engines.py dataset (no bare fit)")
    parser.add_argument("--threads-ab", type=int, metavar="N",
                        help="only Pareto/NBD on --dataset's customers, N fits each way: integrals in one thread, split")
    args = parser.parse_args()
    if args.threads_ab:
        if args.dataset is None:
            parser.error("--threads-ab needs --dataset")
        threads_ab(args.dataset, args.threads_ab)
        return
    print(f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"scipy {scipy.__version__}")
    table = peer(args.sizes) if args.peer else ours(args.sizes, args.dataset)
    print(table.to_string(index=False))
    if not args.peer:
        missed = table[(table["ratio"] > 1.2)]
        slow = table[(table["model"] == "Pareto/NBD") & (table["customers"] == "1,000,000") & (table["fit s"] >= 10)]
        print("goal <= 1.2x the bare fit:", "met" if missed.empty else f"missed for {len(missed)} row(s)")
        print("goal Pareto/NBD on 1,000,000 customers < 10 s:", "missed" if len(slow) else "met (or not run)")


if __name__ == "__main__":
    main()
