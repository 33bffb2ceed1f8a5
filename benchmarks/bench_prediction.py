"""Speed of the report's analysis with per-customer predictions, 100,000 customers.

Run from the repository root::

    python benchmarks/bench_prediction.py

Builds the seeded order table ``generate_orders(100_000, seed=11, a=0.5, b=6.0, r=1.3,
alpha=30.0)``, cleans it once, then times (best of 3):

* ``analyse()`` -- everything the report computes, predictions included;
* ``predict_customers(summary, orders=orders)`` -- the predictions alone as the report makes
  them: the choice of purchase model on a holdout (Pareto/NBD and MBG/NBD fitted on the
  first two thirds of the history, the winner again on all of it), Gamma-Gamma, P(alive),
  expected purchases, 12-month CLV and the 90% intervals -- what predictions add;
* the same without orders (choice by likelihood: both candidates fitted once);
* its steps, to show where the time goes.

Goal: the predictions add well under 1 s for 100,000 customers.
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402

from retention_xl.analysis.customers import customer_summary  # noqa: E402
from retention_xl.analysis.models import GammaGamma, ModifiedBetaGeo, ParetoNBD  # noqa: E402
from retention_xl.analysis.models.clv import discounted_purchases  # noqa: E402
from retention_xl.analysis.orders import clean_orders  # noqa: E402
from retention_xl.pipeline import analyse  # noqa: E402
from retention_xl.analysis.prediction import predict_customers  # noqa: E402
from retention_xl.sample import generate_orders  # noqa: E402

MONTH_IN_WEEKS = 30.4375 / 7


def best(function, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    print(f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
          f"scipy {scipy.__version__}")
    raw = generate_orders(100_000, seed=11, a=0.5, b=6.0, r=1.3, alpha=30.0)
    cleaned = clean_orders(raw)
    orders = cleaned.frame
    summary = customer_summary(orders)
    print(f"{len(orders):,} orders, {len(summary):,} customers, "
          f"{int((summary['frequency'] > 0).sum()):,} repeat buyers")

    t_analyse, analysis = best(lambda: analyse(cleaned))
    t_predict, prediction = best(lambda: predict_customers(summary, orders=orders))
    t_likelihood, _ = best(lambda: predict_customers(summary))
    print(prediction.params_text, "| chosen by", prediction.choice.rule,
          {c.model: round(c.holdout_rmse, 4) for c in prediction.choice.candidates})

    x = summary["frequency"].to_numpy(float)
    t_x, age = summary["recency"].to_numpy(float) / 7, summary["T"].to_numpy(float) / 7
    m = summary["monetary"].to_numpy(float)
    t_pareto, _ = best(lambda: ParetoNBD().fit(x, t_x, age))
    t_fit, bg = best(lambda: ModifiedBetaGeo().fit(x, t_x, age))
    t_alive, _ = best(lambda: bg.p_alive(x, t_x, age))
    t_expected, _ = best(lambda: bg.expected_purchases(12 * MONTH_IN_WEEKS, x, t_x, age))
    t_discounted, _ = best(lambda: discounted_purchases(bg, x, t_x, age, horizon=12, discount=0.01,
                                                        freq_per_period=MONTH_IN_WEEKS))
    t_gg, _ = best(lambda: GammaGamma().fit(np.where(m > 0, x, 0), m))

    print()
    print("| step | seconds |")
    print("|---|---|")
    for name, seconds in [
        ("`analyse()`, predictions included", t_analyse),
        ("`predict_customers(summary, orders=orders)` (what predictions add)", t_predict),
        ("`predict_customers(summary)` (choice by likelihood)", t_likelihood),
        ("  Pareto/NBD fit, whole history", t_pareto),
        ("  MBG/NBD fit, whole history", t_fit),
        ("  P(alive)", t_alive),
        ("  expected purchases, 12 months", t_expected),
        ("  discounted purchases, 12 monthly steps (CLV)", t_discounted),
        ("  Gamma-Gamma fit", t_gg),
    ]:
        print(f"| {name} | {seconds:.3f} |")
    print()
    print(f"Predictions are {t_predict / t_analyse:.0%} of analyse(); goal < 1 s: "
          f"{'met' if t_predict < 1 else 'NOT met'}.")
    print("(P(alive), expected purchases and the CLV sum above are the MBG/NBD steps.)")
    assert analysis.prediction.available


if __name__ == "__main__":
    main()
