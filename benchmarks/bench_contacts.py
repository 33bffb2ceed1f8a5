"""What the contact plan adds to the report, on 100,000 customers (1,003,374 orders).

Run from the repository root::

    python benchmarks/bench_contacts.py            # best of 5 runs of each
    python benchmarks/bench_contacts.py --repeat 9

The table is the one of ``bench_report.py`` (``generate_orders(100_000, seed=11, a=0.5,
b=6.0, r=1.3, alpha=30.0)``, written once to ``benchmarks/.data/``). Each run is the whole
report in this process, from the CSV to the .xlsx bytes: read, clean, analyse, lay out,
write. It is timed twice, alternately:

* with the contact plan (the report as it is: the plan computed, the Contacts sheet with
  its 100,000-row-or-less ContactPlan table laid out and written);
* without it: the same code with the plan switched off (``plan_contacts`` replaced by a
  function returning nothing, so no Contacts sheet is laid out or written).

Beside them, the plan's own steps: the usual gaps (``median_gaps``, which the plan asks
for once more after the at-risk flag has), ``plan_contacts`` and the Contacts sheet's
layout. Goal: the plan adds at most 10% to the report's time. The runs alternate, and each
is timed as its best of ``--repeat`` (what ``timeit`` does: on a shared machine the fastest
run is the one least slowed by other work); the medians are shown beside them.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # time this checkout, not an installed copy
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench_report import ensure_csv  # noqa: E402
from retention_xl.analysis import overview  # noqa: E402
from retention_xl.analysis.contacts import plan_contacts  # noqa: E402
from retention_xl.analysis.segments import median_gaps  # noqa: E402
from retention_xl.layout.contacts import contacts_sheet  # noqa: E402
from retention_xl.pipeline import analyse, build_report, clean  # noqa: E402
from retention_xl.sources.files import read_table  # noqa: E402
from retention_xl.writers.xlsx_file import report_bytes  # noqa: E402

GOAL = 0.10


def whole_report(path: Path) -> tuple[float, object]:
    start = time.perf_counter()
    raw = read_table(path)
    analysis = analyse(clean(raw.frame, first_row=raw.first_row, name=raw.source))
    data = report_bytes(build_report(analysis))
    return time.perf_counter() - start, (analysis, len(data))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    path = ensure_csv()
    print(f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}; "
          f"{path.relative_to(ROOT)}; best (and median) of {args.repeat} runs")
    whole_report(path)  # warm the file cache and the lazy imports
    with_plan, without = [], []
    for _ in range(args.repeat):
        t, (analysis, size_with) = whole_report(path)
        with_plan.append(t)
        with mock.patch.object(overview, "plan_contacts", lambda *a, **k: None):
            t, (_, size_without) = whole_report(path)
        without.append(t)
    t_with, t_without = min(with_plan), min(without)
    m_with, m_without = statistics.median(with_plan), statistics.median(without)

    orders = analysis.orders.frame.assign(customer=analysis.orders.frame["customer"].astype("category"))
    gaps = median_gaps(orders)
    steps = {}
    for name, step in (
        ("median_gaps (the usual gaps, shared with at-risk)", lambda: median_gaps(orders)),
        ("plan_contacts (statuses, actions, plan, calendar)",
         lambda: plan_contacts(analysis.customers, gaps, window_days=analysis.window_days)),
        ("Contacts sheet layout", lambda: contacts_sheet(analysis, "en")),
    ):
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        steps[name] = min(times)

    p = analysis.contacts
    added = t_with - t_without
    share = added / t_without
    print(f"{len(analysis.customers):,} customers; plan for {p.as_of:%Y-%m-%d}: "
          + ", ".join(f"{s} {n:,}" for s, n in p.counts["customers"].items())
          + f"; {len(p.plan):,} rows in ContactPlan")
    print(f"report without the contact plan   {t_without:6.2f} s   (median {m_without:.2f} s; "
          f"{size_without / 2**20:.1f} MiB xlsx)")
    print(f"report with the contact plan      {t_with:6.2f} s   (median {m_with:.2f} s; {size_with / 2**20:.1f} MiB xlsx)")
    print(f"added by the plan                 {added:6.2f} s   = {share:.1%} of the report without it "
          f"(goal <= {GOAL:.0%}: {'met' if share <= GOAL else 'MISSED'})")
    for name, t in steps.items():
        print(f"  {name:<50} {t:6.3f} s")
    return 0 if share <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
