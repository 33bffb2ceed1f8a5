"""Realistic, seeded order tables: the bundled sample and the benchmarks' data.

Customers follow the buying process that marketing science uses to describe
non-contractual businesses (shops, marketplaces, agencies):

* customers arrive at a steady pace over the period covered;
* while active, a customer buys at its own rate ``lambda ~ Gamma(shape=r, rate=alpha)``
  (per day), so waiting times between orders are exponential;
* after each order a customer drops out for good with its own probability
  ``p ~ Beta(a, b)`` (the BG/NBD story of Fader, Hardie & Lee 2005);
* order amounts follow the Gamma-Gamma spend model: each customer has a typical spend,
  and single orders scatter around it with a gamma distribution.

``messy=True`` adds what real exports contain: refunds (negative amounts), exact
duplicate rows and a few rows with a missing customer, so that every page of the report
has something to show. The bundled ``retention_xl/data/sample_orders.csv`` is
``generate_orders(1500, seed=7, messy=True)`` written with :func:`write_sample`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["generate_orders", "load_sample_orders", "sample_path", "write_sample", "SAMPLE_FILE"]

SAMPLE_FILE = "sample_orders.csv"
CHANNELS = np.array(["web", "store", "marketplace", "phone"])
CHANNEL_WEIGHTS = np.array([0.55, 0.25, 0.15, 0.05])
MAX_ORDERS = 100  # orders simulated per customer at most (a cap, not a target)


def generate_orders(
    n_customers: int = 1500,
    *,
    start: str = "2024-01-01",
    end: str = "2025-12-31",
    seed: int = 7,
    messy: bool = False,
    r: float = 0.9,
    alpha: float = 40.0,
    a: float = 1.0,
    b: float = 3.0,
) -> pd.DataFrame:
    """A seeded order table with columns ``order_id, customer, order_date, amount, channel``.

    Parameters
    ----------
    n_customers : customers who place a first order within the period.
    start, end : the period covered (inclusive).
    seed : random seed; the same arguments always give the same table.
    messy : add refunds, duplicate rows and rows without a customer.
    r, alpha : purchase rates per day are ``Gamma(r, rate=alpha)`` (mean r/alpha).
    a, b : drop-out probability after each order is ``Beta(a, b)``.

    Examples
    --------
    >>> df = generate_orders(200, seed=1)
    >>> list(df.columns)
    ['order_id', 'customer', 'order_date', 'amount', 'channel']
    >>> bool((df["order_date"] >= "2024-01-01").all() and (df["order_date"] < "2026-01-01").all())
    True
    """
    rng = np.random.default_rng(seed)
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    span_days = (t1 - t0).days + 1

    # Arrivals: uniform over the period, so later customers have less time to come back.
    first = rng.uniform(0, span_days, n_customers)
    lam = rng.gamma(r, 1.0 / alpha, n_customers)
    p_drop = rng.beta(a, b, n_customers)

    # Waiting times between orders, and whether the customer is still active at each order.
    gaps = rng.exponential(1.0, (n_customers, MAX_ORDERS - 1)) / lam[:, None]
    times = np.concatenate([first[:, None], first[:, None] + np.cumsum(gaps, axis=1)], axis=1)
    dropped = rng.random((n_customers, MAX_ORDERS - 1)) < p_drop[:, None]
    alive = np.concatenate(
        [np.ones((n_customers, 1), bool), np.cumsum(dropped, axis=1) == 0], axis=1
    )
    placed = alive & (times < span_days)

    cust_idx, _ = np.nonzero(placed)
    day = times[placed]

    # Spend: each customer's typical order value, orders scattered around it.
    # Gamma-Gamma: order value ~ Gamma(p, rate=nu), nu ~ Gamma(q, rate=gamma); mean ~ 60.
    p_shape, q_shape, gamma_rate = 6.0, 4.0, 40.0
    nu = rng.gamma(q_shape, 1.0 / gamma_rate, n_customers)
    amount = rng.gamma(p_shape, 1.0 / nu[cust_idx]) if cust_idx.size else np.empty(0)
    amount = np.round(amount, 2)

    seconds = np.round((day - np.floor(day)) * 86400 // 60 * 60)
    order_date = (
        t0 + pd.to_timedelta(np.floor(day), unit="D") + pd.to_timedelta(seconds, unit="s")
    )
    ids = np.char.add("C", np.char.zfill((np.arange(n_customers) + 1).astype(str), 5))
    frame = pd.DataFrame(
        {
            "customer": ids[cust_idx],
            "order_date": order_date,
            "amount": amount,
            "channel": rng.choice(CHANNELS, cust_idx.size, p=CHANNEL_WEIGHTS),
        }
    )
    frame = frame.sort_values(["order_date", "customer"], kind="stable").reset_index(drop=True)
    frame.insert(0, "order_id", np.char.add("SO-", np.char.zfill(np.arange(1, len(frame) + 1).astype(str), 7)))
    if messy and len(frame):
        frame = _add_mess(frame, rng)
    return frame


def _add_mess(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Refunds a few days after 1% of orders (carrying the order's id), 0.2% exact duplicate
    rows (an export glitch) and 0.1% rows whose customer is blank."""
    n = len(frame)
    refunded = rng.choice(n, max(1, n // 100), replace=False)
    refunds = frame.iloc[refunded].copy()
    refunds["order_date"] = refunds["order_date"] + pd.to_timedelta(
        rng.integers(1, 15, len(refunds)), unit="D"
    )
    refunds = refunds[refunds["order_date"] <= frame["order_date"].max()]
    refunds["amount"] = -np.round(refunds["amount"] * rng.choice([1.0, 0.5], len(refunds)), 2)
    dupes = frame.iloc[rng.choice(n, max(1, n // 500), replace=False)]
    blanks = frame.iloc[rng.choice(n, max(1, n // 1000), replace=False)].copy()
    blanks["customer"] = ""
    out = pd.concat([frame, refunds, dupes, blanks], ignore_index=True)
    return out.sort_values("order_date", kind="stable").reset_index(drop=True)


def write_sample(path: str | Path) -> Path:
    """Write the bundled sample (``generate_orders(1500, seed=7, messy=True)``) as CSV."""
    path = Path(path)
    frame = generate_orders(1500, seed=7, messy=True)
    out = frame.assign(order_date=frame["order_date"].dt.strftime("%Y-%m-%d %H:%M"))
    out.to_csv(path, index=False, lineterminator="\n", float_format="%.2f")
    return path


def sample_path() -> Path:
    """Path of the bundled sample order table (a CSV inside the installed package)."""
    return Path(str(resources.files("retention_xl") / "data" / SAMPLE_FILE))


def load_sample_orders() -> pd.DataFrame:
    """The bundled sample as a DataFrame (dates parsed, amounts as floats)."""
    return pd.read_csv(sample_path(), parse_dates=["order_date"], keep_default_na=False)
