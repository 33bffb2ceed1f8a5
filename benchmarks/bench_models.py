"""Speed of the customer models: BG/NBD fit on CDNOW and a 100,000-customer pipeline.

Run from the repository root::

    python benchmarks/bench_models.py

Compares, on the CDNOW sample (2,357 customers, weeks):

* ``retention-xl``  -- ``BetaGeo().fit`` (validation, analytic gradient, identification check);
* ``bare scipy``    -- the closed-form log-likelihood written inline below and
  ``scipy.optimize.minimize`` with its default method and numerical gradient: the
  least one would write by hand, the baseline;
* ``lifetimes``     -- ``lifetimes.BetaGeoFitter`` when ``lifetimes`` can be imported
  (it needs pandas < 2.2 and numpy < 2; see benchmarks/README-models.md).

Then fits and predicts (P(alive), expected purchases, Gamma-Gamma, 12-month CLV) for
100,000 customers simulated from the BG/NBD and Gamma-Gamma stories. Goal: < 2 s.
"""

from __future__ import annotations

import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy
from scipy.optimize import minimize
from scipy.special import gammaln

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from retention_xl.analysis.models import BetaGeo, GammaGamma, predicted_clv  # noqa: E402

try:
    import lifetimes
    from lifetimes import BetaGeoFitter, GammaGammaFitter
except Exception as problem:  # old package: often fails with pandas 3 / numpy 2
    lifetimes = None
    LIFETIMES_NOTE = f"lifetimes not importable here ({type(problem).__name__}: {problem})"
else:
    LIFETIMES_NOTE = f"lifetimes {lifetimes.__version__}"

CDNOW = pd.read_csv(ROOT / "tests" / "data" / "cdnow_summary.csv")


def timed(function, repeat: int = 7, number: int = 5) -> tuple[float, object]:
    """Median over ``repeat`` rounds of the mean time of ``number`` calls, and the last result."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            result = function()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds), result


def bare_fit(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, float]:
    """Baseline: BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6) + scipy defaults."""

    def negative_ll(log_params):
        r, alpha, a, b = np.exp(log_params)
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
        a3 = -(r + x) * np.log(alpha + T)
        a4 = np.where(x > 0, np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x), -np.inf)
        return -np.sum(a1 + a2 + np.logaddexp(a3, a4))

    result = minimize(negative_ll, np.zeros(4))
    return np.exp(result.x), -result.fun


def bare_fit_with_our_gradient(x, t_x, T) -> tuple[np.ndarray, float]:
    """The package's likelihood and gradient, plain BFGS, no input checks or identification
    test: shows what the checks in ``BetaGeo.fit`` cost."""
    from retention_xl.analysis.models.bg_nbd import _Likelihood

    objective = _Likelihood(x, t_x, T)
    result = minimize(lambda z: objective(z), np.zeros(4), jac=True, method="BFGS")
    return np.exp(result.x), -result.fun


def simulate(n: int, seed: int = 2026) -> dict[str, np.ndarray]:
    """Customers drawn from the BG/NBD and Gamma-Gamma stories with the CDNOW estimates."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    p, q, v = 6.25, 3.74, 15.44
    T = rng.uniform(1.0, 78.0, n)
    rate, dropout = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    possible, survived = rng.poisson(rate * T), rng.geometric(dropout)
    x = np.minimum(possible, survived)
    t_x = np.where(x > 0, T * rng.beta(np.maximum(x, 1), np.maximum(possible - x + 1, 1)), 0.0)
    scale = rng.gamma(q, 1 / v, n)  # per-customer Gamma rate nu
    spend = np.where(x > 0, rng.gamma(p * np.maximum(x, 1), 1.0) / (np.maximum(x, 1) * scale), 0.0)
    return {"frequency": x.astype(float), "recency": t_x, "T": T, "monetary_value": spend}


def cdnow_fit_table() -> list[tuple[str, float, dict, float]]:
    x, t_x, T = (CDNOW[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    rows = []
    seconds, model = timed(lambda: BetaGeo().fit(x, t_x, T))
    rows.append(("retention-xl BetaGeo.fit", seconds, model.params_, model.log_likelihood_))
    seconds, (params, ll) = timed(lambda: bare_fit(x, t_x, T))
    rows.append(("bare scipy (baseline)", seconds, dict(zip(("r", "alpha", "a", "b"), params)), ll))
    seconds, (params, ll) = timed(lambda: bare_fit_with_our_gradient(x, t_x, T))
    rows.append(("  same + our analytic gradient", seconds, dict(zip(("r", "alpha", "a", "b"), params)), ll))
    if lifetimes is not None:
        seconds, fitter = timed(lambda: BetaGeoFitter().fit(x, t_x, T))
        params = {k: float(fitter.params_[k]) for k in ("r", "alpha", "a", "b")}
        rows.append((f"lifetimes {lifetimes.__version__} BetaGeoFitter", seconds, params,
                     -_negative_ll_at(params, x, t_x, T)))
    return rows


def _negative_ll_at(params: dict, x, t_x, T) -> float:
    """Log-likelihood in weeks at given parameters (lifetimes reports a scaled mean)."""
    from retention_xl.analysis.models.bg_nbd import _Likelihood

    return _Likelihood(x, t_x, T)(np.log([params[k] for k in ("r", "alpha", "a", "b")]))[0]


def pipeline(data: dict[str, np.ndarray]) -> dict[str, float]:
    x, t_x, T, m = data["frequency"], data["recency"], data["T"], data["monetary_value"]
    steps: dict[str, float] = {}
    start = time.perf_counter()
    bg = BetaGeo().fit(x, t_x, T)
    steps["BetaGeo.fit"] = time.perf_counter() - start
    mark = time.perf_counter()
    bg.p_alive(x, t_x, T)
    steps["p_alive"] = time.perf_counter() - mark
    mark = time.perf_counter()
    bg.expected_purchases(39.0, x, t_x, T)
    steps["expected_purchases(39)"] = time.perf_counter() - mark
    mark = time.perf_counter()
    gg = GammaGamma().fit(x, m)
    steps["GammaGamma.fit"] = time.perf_counter() - mark
    mark = time.perf_counter()
    predicted_clv(bg, gg, x, t_x, T, m, horizon=12, discount=0.01, freq_per_period=52 / 12)
    steps["predicted_clv(12 months)"] = time.perf_counter() - mark
    steps["total"] = time.perf_counter() - start
    return steps


def lifetimes_pipeline(data: dict[str, np.ndarray]) -> float:
    x, t_x, T, m = data["frequency"], data["recency"], data["T"], data["monetary_value"]
    start = time.perf_counter()
    bg = BetaGeoFitter().fit(x, t_x, T)
    bg.conditional_probability_alive(x, t_x, T)
    bg.conditional_expected_number_of_purchases_up_to_time(39.0, x, t_x, T)
    repeat = x > 0
    gg = GammaGammaFitter().fit(x[repeat], m[repeat])
    gg.customer_lifetime_value(bg, pd.Series(x), pd.Series(t_x), pd.Series(T), pd.Series(m),
                               time=12, freq="W", discount_rate=0.01)
    return time.perf_counter() - start


def main() -> None:
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"pandas {pd.__version__}; {LIFETIMES_NOTE}")
    print("\nBG/NBD fit on CDNOW (2,357 customers, weeks), median of 7 rounds x 5 fits")
    rows = cdnow_fit_table()
    print(f"{'fitter':38} {'seconds':>9} {'r':>7} {'alpha':>7} {'a':>7} {'b':>7} {'log-lik':>10}")
    for name, seconds, params, ll in rows:
        print(f"{name:38} {seconds:9.4f} {params['r']:7.3f} {params['alpha']:7.3f} "
              f"{params['a']:7.3f} {params['b']:7.3f} {ll:10.2f}")
    ours, bare = rows[0][1], rows[1][1]
    print(f"retention-xl / bare = {ours / bare:.2f}x (target <= 1.2x)")
    print(f"retention-xl / same likelihood without checks = {ours / rows[2][1]:.2f}x")
    if len(rows) > 3:
        print(f"retention-xl / lifetimes = {ours / rows[3][1]:.2f}x (target < 1)")
    else:
        print("lifetimes column skipped: " + LIFETIMES_NOTE)

    data = simulate(100_000)
    print(f"\n100,000 simulated customers ({int((data['frequency'] > 0).sum()):,} repeat buyers), "
          "best of 3 runs")
    runs = [pipeline(data) for _ in range(3)]
    best = min(runs, key=lambda steps: steps["total"])
    for step, seconds in best.items():
        print(f"  {step:28} {seconds:7.3f} s")
    print(f"  goal < 2 s: {'met' if best['total'] < 2 else 'NOT met'}")
    if lifetimes is not None:
        seconds = min(lifetimes_pipeline(data) for _ in range(2))
        print(f"  lifetimes, same steps:       {seconds:7.3f} s")


if __name__ == "__main__":
    main()
