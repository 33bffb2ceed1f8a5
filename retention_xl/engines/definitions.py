"""The report's aggregations, defined once as SQL (DuckDB's dialect) for every SQL engine.

DuckDB runs these statements as written; Spark runs them transpiled by sqlglot
(:mod:`retention_xl.engines.spark_engine`). The pandas engine
(:mod:`retention_xl.analysis.cohorts`, :mod:`~retention_xl.analysis.kpis`,
:mod:`~retention_xl.analysis.customers`) stays the reference implementation: it also runs
inside Excel (formulas, the ribbon, xlwings Lite in the browser), where neither DuckDB nor
Spark can be assumed, and the tests hold every engine to its numbers, to the cent.

The input is the staged table ``staged`` (one row per clean order, see
:mod:`retention_xl.engines.staging`)::

    row BIGINT, customer VARCHAR, t BIGINT (ns since 1970), day INTEGER (days since 1970), amount DOUBLE,
    key BIGINT (hash of the whole input row), plain BOOLEAN (the customer text is its id as written)

read through the view ``orders``,
and a small ``calendar`` table made in Python by :func:`calendar_frame` from the same
period functions the pandas engine uses (:func:`~retention_xl.analysis.periods.period_ordinals`),
so a period means the same thing in every engine::

    day INTEGER, per BIGINT (period ordinal), bound INTEGER (KPI period boundaries on or before the day)

Negative amounts are refunds: they count in revenue, never as orders.

The relations, in the order they are built (``customer_days`` aggregates the orders, and
every relation reads it; :func:`RELATIONS` gives the rest):

* ``customer_days`` -- orders, net and gross revenue per customer and day, with the first
  and last order times and the time of the day's first row (refunds too);
* ``customer_periods`` -- the same per customer and period;
* ``customer_totals`` -- every customer's totals over its days (refund-only customers too);
* ``cohorts_of`` -- each buying customer's cohort (period of its first order);
* ``day_steps`` -- each purchase day with what lies between it and the customer's
  purchase days before and after: whether it opens or closes an activity spell, the gap
  in days (one window pass, read by ``spells`` and ``customer_gaps``);
* ``spells`` -- activity spells: a customer's orders closer than the window, merged;
  ``lo``/``hi`` are the period boundaries the spell starts after and ends on or after;
* ``customer_summary`` -- frequency, recency, T, monetary, first/last order per buying customer;
* ``customer_gaps`` -- median days between a customer's order days.

What comes back to Python: period and cohort aggregates, histograms over period
boundaries, the headline totals, one row per customer (the summary and median gap, and
the model choice's calibration summary). The per-customer half of the analysis is the
pandas engine's (see :mod:`retention_xl.engines.sql_analysis`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_xl.analysis.periods import period_ordinals, period_starts

__all__ = [
    "COHORT_CELLS",
    "COHORT_SIZES",
    "CUSTOMER_DAYS",
    "CUSTOMER_ROWS",
    "DAY_RANGE",
    "DUPLICATE_ROWS",
    "FOLDED_EMAILS",
    "HEADLINE",
    "MERGED_IDS",
    "MONEY",
    "NEW_PER_PERIOD",
    "ORDERS",
    "PERIOD_TOTALS",
    "PURCHASE_DAYS",
    "RELATIONS",
    "SPELL_HISTOGRAMS",
    "calendar_frame",
    "calibration_sql",
    "number",
]

DAY_NS = 86_400_000_000_000


def number(value: float) -> str:
    """A number as a SQL double literal (a plain ``0.5`` is a DECIMAL in Spark).

    >>> number(0.25)
    'CAST(0.25 AS DOUBLE)'
    """
    return f"CAST({float(value)!r} AS DOUBLE)"


def calendar_frame(first_day: int, last_day: int, period: str, window_days: int,
                   calendar: str = "gregorian") -> pd.DataFrame:
    """The ``calendar`` table: every day from the first order to the last plus the window.

    ``bound`` counts the KPI period boundaries on or before the day: the starts of the
    periods after the first, and the end of the data (midnight after the last order),
    exactly as :func:`~retention_xl.analysis.kpis.period_kpis` places them, in ``calendar``.

    >>> c = calendar_frame(19723, 19754, "M", 31)   # 2024-01-01 .. 2024-02-01
    >>> c.loc[c["day"].isin([19723, 19753, 19754, 19755]), ["per", "bound"]].values.tolist()
    [[648, 1], [648, 1], [649, 2], [649, 3]]
    """
    days = np.arange(first_day, last_day + window_days + 1, dtype=np.int64)
    dates = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))
    per = period_ordinals(dates, period, calendar)
    base, last = int(per[0]), int(period_ordinals(dates[[last_day - first_day]], period, calendar)[0])
    bounds = pd.DatetimeIndex(period_starts(np.arange(base, last + 2), period, calendar)).as_unit("ns").asi8 // DAY_NS
    bounds[-1] = min(bounds[-1], last_day + 1)
    bound = np.searchsorted(bounds, days, side="right")
    return pd.DataFrame({"day": days.astype(np.int32), "per": per.astype(np.int64), "bound": bound.astype(np.int32)})


#: rows of different batches that repeat an earlier row exactly (the whole input row's
#: hash and the clean customer, time and amount are equal): possible duplicates, kept and
#: listed, as the cleaning keeps and lists them within a batch
DUPLICATE_ROWS = """
    WITH repeated AS (SELECT key FROM staged GROUP BY key HAVING COUNT(*) > 1),
    copies AS (
        SELECT s.row, MIN(s.row) OVER (PARTITION BY s.key, s.customer, s.t, s.amount) AS first_row
        FROM staged s JOIN repeated r ON r.key = s.key)
    SELECT row, first_row FROM copies WHERE row > first_row"""

#: the clean orders the analysis reads
ORDERS = "SELECT row, customer, t, day, amount FROM staged"

#: distinct customer texts less distinct ids: how many spellings matched another one
MERGED_IDS = """
    WITH pairs AS (SELECT raw, id FROM spellings
                   UNION SELECT customer AS raw, customer AS id FROM staged WHERE plain)
    SELECT COUNT(DISTINCT raw) - COUNT(DISTINCT id) AS merged FROM pairs"""

#: distinct e-mail addresses as written (cleaned) less as compared (case-folded)
FOLDED_EMAILS = "SELECT COUNT(DISTINCT clean) - COUNT(DISTINCT folded) AS folded FROM emails"

#: the example of an e-mail written two ways, as ``email_case_example`` picks it: of the
#: addresses with more than one spelling, the first case-folded, its first and last spelling
FOLDED_EMAIL_EXAMPLE = """
    SELECT MIN(clean) AS spelling, MAX(clean) AS matched FROM emails
    WHERE folded = (SELECT MIN(folded) FROM (SELECT folded FROM emails GROUP BY folded
                                             HAVING COUNT(DISTINCT clean) > 1) AS several)"""

#: money is summed exactly, as DECIMAL: a sum of doubles depends on the order the engine's
#: threads add them in, so two runs would differ in the last bits and a threshold (the
#: contact plan's value quantiles, ties in revenue) could fall differently. Values leave
#: the engine as DOUBLE.
MONEY = "DECIMAL(38, 9)"

#: orders per customer and day (the one aggregation of the orders; every relation reads this)
CUSTOMER_DAYS = f"""
    SELECT customer, day,
           SUM(CAST(amount AS {MONEY})) AS revenue,
           COUNT(CASE WHEN amount >= 0 THEN 1 END) AS orders,
           SUM(CASE WHEN amount >= 0 THEN CAST(amount AS {MONEY}) ELSE CAST(0 AS {MONEY}) END) AS gross,
           MIN(CASE WHEN amount >= 0 THEN t END) AS first_t,
           MAX(CASE WHEN amount >= 0 THEN t END) AS last_t,
           MIN(t) AS seen_t
    FROM orders GROUP BY customer, day"""

#: first and last order day, rows (needed to build the calendar)
DAY_RANGE = "SELECT MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS n FROM customer_days"


def _relations(window_days: int) -> tuple[tuple[str, str], ...]:
    w_ns = int(window_days) * DAY_NS
    return (
        ("customer_periods", """
            SELECT d.customer, c.per,
                   SUM(d.revenue) AS revenue, CAST(SUM(d.orders) AS BIGINT) AS orders, SUM(d.gross) AS gross
            FROM customer_days d JOIN calendar c ON d.day = c.day
            GROUP BY d.customer, c.per"""),
        # one pass over the customers' days for everything per customer; the first purchase
        # day's gross is that of the smallest day with orders (a customer's days are distinct)
        ("customer_totals", """
            SELECT customer,
                   MIN(CASE WHEN orders > 0 THEN day END) AS first_day,
                   MAX(CASE WHEN orders > 0 THEN day END) AS last_day,
                   MIN(first_t) AS first_t, MAX(last_t) AS last_t, MIN(seen_t) AS seen_t,
                   CAST(SUM(orders) AS BIGINT) AS orders, SUM(revenue) AS revenue, SUM(gross) AS gross,
                   COUNT(CASE WHEN orders > 0 THEN 1 END) AS n_days,
                   ARG_MIN(gross, CASE WHEN orders > 0 THEN day END) AS first_gross
            FROM customer_days GROUP BY customer"""),
        # a customer's cohort is the period of its first purchase day
        ("cohorts_of", """
            SELECT t.customer, c.per AS cohort FROM customer_totals t JOIN calendar c ON c.day = t.first_day
            WHERE t.orders > 0"""),
        # Within a day, orders are less than a window apart; between purchase days, a spell
        # breaks when the day's first order is more than a window after the last one before.
        ("day_steps", f"""
            SELECT customer, day,
                   CASE WHEN first_t - LAG(last_t) OVER (PARTITION BY customer ORDER BY day) <= {w_ns}
                        THEN 0 ELSE 1 END AS opens,
                   CASE WHEN LEAD(first_t) OVER (PARTITION BY customer ORDER BY day) - last_t <= {w_ns}
                        THEN 0 ELSE 1 END AS closes,
                   CAST(day - LAG(day) OVER (PARTITION BY customer ORDER BY day) AS DOUBLE) AS gap
            FROM customer_days WHERE orders > 0"""),
        # a spell runs from a day that opens one to the next day that closes one (the same
        # day, or the day before the next opening): among the days that open or close, the
        # day before a closing day that does not open is its spell's first
        ("spells", f"""
            WITH ends AS (
                SELECT customer, day, opens, closes,
                       LAG(day) OVER (PARTITION BY customer ORDER BY day) AS prev_day
                FROM day_steps WHERE opens = 1 OR closes = 1),
            spans AS (
                SELECT customer, CASE WHEN opens = 1 THEN day ELSE prev_day END AS a_day,
                       day + {int(window_days)} AS b_day
                FROM ends WHERE closes = 1)
            SELECT s.customer, s.a_day AS spell, ca.bound AS lo, cb.bound AS hi
            FROM spans s JOIN calendar ca ON ca.day = s.a_day JOIN calendar cb ON cb.day = s.b_day"""),
        ("customer_summary", """
            SELECT customer, seen_t, first_t, last_t, orders, revenue, first_day, last_day, n_days, first_gross,
                   n_days - 1 AS frequency, last_day - first_day AS recency,
                   CASE WHEN n_days > 1 THEN CAST(gross - first_gross AS DOUBLE) / (n_days - 1)
                        ELSE CAST(0 AS DOUBLE) END AS monetary
            FROM customer_totals WHERE orders > 0"""),
        # the median gap by its middle rows (one row, or the mean of two), as pandas takes it;
        # DuckDB's MEDIAN aggregate holds each group's values in memory and does not spill:
        # it ran out of a 750MB limit on 30,000,000 order lines, where this ranking spills
        ("customer_gaps", """
            WITH ranked AS (
                SELECT customer, gap, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY gap) AS k,
                       COUNT(*) OVER (PARTITION BY customer) AS n
                FROM day_steps WHERE gap IS NOT NULL)
            SELECT customer, AVG(gap) AS median_gap FROM ranked
            WHERE k = (n + 1) // 2 OR k = (n + 2) // 2 GROUP BY customer"""),
    )


def RELATIONS(window_days: int) -> tuple[tuple[str, str], ...]:  # noqa: N802 - a table of definitions
    """The intermediate relations (name, SELECT), in dependency order."""
    return _relations(window_days)


#: per period: net revenue, orders, gross revenue, buyers
PERIOD_TOTALS = """
    SELECT per, CAST(SUM(revenue) AS DOUBLE) AS revenue, SUM(orders) AS orders, CAST(SUM(gross) AS DOUBLE) AS gross,
           SUM(CASE WHEN orders > 0 THEN 1 ELSE 0 END) AS buyers
    FROM customer_periods GROUP BY per"""

#: customers acquired per period
NEW_PER_PERIOD = "SELECT cohort AS per, COUNT(*) AS n FROM cohorts_of GROUP BY cohort"

#: per cohort and offset k (a refund before the first order is booked in k = 0)
COHORT_CELLS = """
    SELECT k.cohort, GREATEST(cp.per - k.cohort, 0) AS k,
           CAST(SUM(cp.revenue) AS DOUBLE) AS revenue, SUM(cp.orders) AS orders,
           SUM(CASE WHEN cp.orders > 0 THEN 1 ELSE 0 END) AS customers,
           MAX(cp.per) AS last_per
    FROM customer_periods cp JOIN cohorts_of k ON cp.customer = k.customer
    GROUP BY k.cohort, GREATEST(cp.per - k.cohort, 0)"""

#: customers per cohort
COHORT_SIZES = "SELECT cohort, COUNT(*) AS size FROM cohorts_of GROUP BY cohort"

#: histograms over period boundaries behind S, E, lost and reactivated (see period_kpis)
SPELL_HISTOGRAMS = """
    SELECT 'lo' AS kind, lo AS i, COUNT(*) AS n FROM spells GROUP BY lo
    UNION ALL SELECT 'hi' AS kind, hi AS i, COUNT(*) AS n FROM spells GROUP BY hi
    UNION ALL SELECT 'long_lo' AS kind, lo AS i, COUNT(*) AS n FROM spells WHERE hi - lo >= 2 GROUP BY lo
    UNION ALL SELECT 'long_hi' AS kind, hi - 1 AS i, COUNT(*) AS n FROM spells WHERE hi - lo >= 2 GROUP BY hi - 1
    UNION ALL SELECT 'next' AS kind, prev_hi - 1 AS i, COUNT(*) AS n FROM (
        SELECT lo, hi, LAG(lo) OVER (PARTITION BY customer ORDER BY spell) AS prev_lo,
               LAG(hi) OVER (PARTITION BY customer ORDER BY spell) AS prev_hi
        FROM spells) AS pairs
      WHERE prev_hi > prev_lo AND hi > lo AND lo = prev_hi GROUP BY prev_hi - 1"""

#: the Summary sheet's totals (revenue counts every row, refunds of non-buyers too), from
#: one row per customer; refund-only customers are those with no orders
HEADLINE = """
    SELECT CAST(SUM(revenue) AS DOUBLE) AS revenue, SUM(orders) AS orders, CAST(SUM(gross) AS DOUBLE) AS gross,
           MIN(first_t) AS first_t, MAX(last_t) AS last_t,
           SUM(CASE WHEN orders > 0 THEN 1 ELSE 0 END) AS customers,
           SUM(CASE WHEN orders > 1 THEN 1 ELSE 0 END) AS repeaters,
           SUM(CASE WHEN orders = 0 THEN 1 ELSE 0 END) AS refund_only_customers,
           CAST(SUM(CASE WHEN orders = 0 THEN revenue END) AS DOUBLE) AS refund_only_revenue
    FROM customer_totals"""

#: the per-customer summary and median gap, in order of first appearance (the time of the
#: customer's first row, a refund's too; ties by id, compared as their UTF-8 bytes, the
#: order of Python's text): no order of the input rows changes it
CUSTOMER_ROWS = """
    SELECT s.customer, s.first_t, s.last_t, s.orders, CAST(s.revenue AS DOUBLE) AS revenue, s.frequency, s.monetary,
           g.median_gap
    FROM customer_summary s LEFT JOIN customer_gaps g ON g.customer = s.customer
    ORDER BY s.seen_t, s.customer"""

#: the first and last day with a purchase
PURCHASE_DAYS = "SELECT MIN(first_day) AS first_day, MAX(last_day) AS last_day FROM customer_summary"


def calibration_sql(start_day: int) -> str:
    """The model choice's calibration summary (purchases before ``start_day``, T to the day
    before it) and each calibration customer's purchase days from ``start_day`` on, in order
    of first purchase (see :func:`~retention_xl.analysis.holdout_split.holdout_split`). One
    pass over the purchase days; a customer's first purchase day (and its value) is the
    same before the holdout as over the whole history."""
    start = int(start_day)
    return f"""
    WITH split AS (
        SELECT customer,
               MAX(CASE WHEN day < {start} THEN day END) AS last_day,
               SUM(CASE WHEN day < {start} THEN 1 ELSE 0 END) AS n_days,
               SUM(CASE WHEN day < {start} THEN gross ELSE CAST(0 AS {MONEY}) END) AS gross,
               SUM(CASE WHEN day >= {start} THEN 1 ELSE 0 END) AS actual
        FROM customer_days WHERE orders > 0 GROUP BY customer)
    SELECT p.n_days - 1 AS frequency, p.last_day - s.first_day AS recency,
           {start - 1} - s.first_day AS age,
           CASE WHEN p.n_days > 1 THEN CAST(p.gross - s.first_gross AS DOUBLE) / (p.n_days - 1)
                ELSE CAST(0 AS DOUBLE) END AS monetary,
           p.actual
    FROM split p JOIN customer_summary s ON s.customer = p.customer
    WHERE p.n_days > 0
    ORDER BY s.first_t, s.customer"""
