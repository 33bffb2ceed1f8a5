"""An order export shaped like UCI Online Retail, one row per invoice (test data made here).

UCI's "Online Retail" data set (Chen, Sain & Guo 2012; a UK online gift shop, invoices
2010-12-01 to 2011-12-09, 4,372 customers with an id, about a third of them with a single
invoice day) cannot be downloaded in this environment, and no package on PyPI bundles it.
:func:`retail_invoices` makes a table of the same shape that reproduces what makes that data
hard for the purchase models: many one-time buyers and almost nobody who drops out (the
BG/NBD drop-out parameter a runs to 0), plus the shop's calendar (no Saturdays, closed over
Christmas), a quarter of the customers already buying when the export starts, several
invoices on some days, and credit notes (negative invoices).

Process: customer i arrives on day A_i and buys on days of a Poisson process with rate
lambda_i ~ Gamma(r, rate alpha) per day, forever (no drop-out); a purchase day carries 1 +
Poisson(0.15) invoices; 8% of purchase days are followed by a credit note within 30 days.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

START, END = pd.Timestamp("2010-12-01"), pd.Timestamp("2011-12-09")
CLOSED = pd.date_range("2010-12-24", "2011-01-03")


def retail_invoices(n_customers: int = 4372, *, seed: int = 2011, r: float = 0.7,
                    alpha: float = 45.0, dropout: float = 0.0) -> pd.DataFrame:
    """Invoices: ``InvoiceNo, CustomerID, InvoiceDate, Total`` (negative = credit note).

    ``dropout`` is the probability of leaving after each purchase (0: nobody leaves). The
    table is made once per set of arguments; each caller gets its own copy.
    """
    return _invoices(n_customers, seed, r, alpha, dropout).copy()


@lru_cache(maxsize=8)
def _invoices(n_customers: int, seed: int, r: float, alpha: float, dropout: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    span = (END - START).days + 1
    early = rng.random(n_customers) < 0.22  # already customers when the export starts
    arrival = np.where(early, rng.uniform(0, 10, n_customers), rng.uniform(0, span, n_customers))
    rate = rng.gamma(r, 1.0 / alpha, n_customers)
    gaps = rng.exponential(1.0, (n_customers, 200)) / rate[:, None]
    times = np.concatenate([arrival[:, None], arrival[:, None] + np.cumsum(gaps, axis=1)], axis=1)
    if dropout > 0:  # purchase k happens only if she stayed after purchases 0 .. k-1
        gone = np.cumsum(rng.random(times.shape) < dropout, axis=1)
        times[:, 1:] = np.where(gone[:, :-1] > 0, np.inf, times[:, 1:])
    who, k = np.nonzero(times < span)
    day = START + pd.to_timedelta(np.floor(times[who, k]), unit="D")
    # the shop's calendar: Saturday orders move to Sunday, Christmas orders to 4 January
    day = pd.DatetimeIndex(np.where(day.day_of_week == 5, day + pd.Timedelta(days=1), day))
    day = pd.DatetimeIndex(np.where(day.isin(CLOSED), pd.Timestamp("2011-01-04"), day))
    keep = day <= END
    who, day = who[keep], day[keep]
    repeats = 1 + rng.poisson(0.15, who.size)
    who, day = np.repeat(who, repeats), day.repeat(repeats)
    spend = rng.gamma(2.0, 1.0 / rng.gamma(3.0, 1 / 400.0, n_customers))[who]
    invoices = pd.DataFrame({"CustomerID": 12346 + who, "InvoiceDate": day
                             + pd.to_timedelta(rng.integers(8 * 60, 20 * 60, who.size), unit="min"),
                             "Total": np.round(spend, 2)})
    credit = invoices.sample(frac=0.08, random_state=seed).copy()
    credit["InvoiceDate"] += pd.to_timedelta(rng.integers(1, 30, len(credit)), unit="D")
    credit["Total"] = -np.round(credit["Total"] * rng.uniform(0.1, 1.0, len(credit)), 2)
    credit = credit[credit["InvoiceDate"] <= END + pd.Timedelta(hours=23)]
    out = pd.concat([invoices.assign(kind=""), credit.assign(kind="C")]).sort_values("InvoiceDate", kind="stable")
    out.insert(0, "InvoiceNo", [f"{c}{536365 + i}" for i, c in enumerate(out.pop("kind"))])
    return out.reset_index(drop=True)
