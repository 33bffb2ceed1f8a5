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

less the exact duplicates of rows in other batches (``duplicate_rows``): the view ``orders``,
and a small ``calendar`` table made in Python by :func:`calendar_frame` from the same
period functions the pandas engine uses (:func:`~retention_xl.analysis.periods.period_ordinals`),
so a period means the same thing in every engine::

    day INTEGER, per BIGINT (period ordinal), bound INTEGER (KPI period boundaries on or before the day)

Negative amounts are refunds: they count in revenue, never as orders.

The relations, in the order they are built (``customer_days`` is the one pass over the
orders; :func:`RELATIONS` gives the rest):

* ``customer_days`` -- orders, net and gross revenue per customer and day, with the first
  and last order times;
* ``customer_periods`` -- the same per customer and period;
* ``cohorts_of`` -- each buying customer's cohort (period of its first order);
* ``spells`` -- activity spells: a customer's orders closer than the window, merged;
  ``lo``/``hi`` are the period boundaries the spell starts after and ends on or after;
* ``customer_summary`` -- frequency, recency, T, monetary, first/last order per customer;
* ``customer_gaps`` -- median days between a customer's order days.

Statements whose results come back to Python are small: period and cohort aggregates,
histograms over period boundaries, the compressed (frequency, recency, T) counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retention_xl.analysis.periods import period_ordinals, period_starts
from retention_xl.analysis.segments import SEGMENT_GRID

__all__ = [
    "DUPLICATE_ROWS", "ORDERS", "MERGED_IDS", "CUSTOMER_DAYS", "RELATIONS", "calendar_frame", "segment_grid_frame", "number",
    "DAY_RANGE", "PERIOD_TOTALS", "NEW_PER_PERIOD", "COHORT_CELLS", "COHORT_SIZES", "SPELL_HISTOGRAMS",
    "HEADLINE", "CUSTOMER_COUNTS", "REPEAT_SPEND", "POPULATION_GAP", "customer_table_sql", "SEGMENT_TOTALS",
    "kept_customers_sql", "FIRST_SEEN",
]

DAY_NS = 86_400_000_000_000


def number(value: float) -> str:
    """A number as a SQL double literal (a plain ``0.5`` is a DECIMAL in Spark).

    >>> number(0.25)
    'CAST(0.25 AS DOUBLE)'
    """
    return f"CAST({float(value)!r} AS DOUBLE)"


def calendar_frame(first_day: int, last_day: int, period: str, window_days: int) -> pd.DataFrame:
    """The ``calendar`` table: every day from the first order to the last plus the window.

    ``bound`` counts the KPI period boundaries on or before the day: the starts of the
    periods after the first, and the end of the data (midnight after the last order),
    exactly as :func:`~retention_xl.analysis.kpis.period_kpis` places them.

    >>> c = calendar_frame(19723, 19754, "M", 31)   # 2024-01-01 .. 2024-02-01
    >>> c.loc[c["day"].isin([19723, 19753, 19754, 19755]), ["per", "bound"]].values.tolist()
    [[648, 1], [648, 1], [649, 2], [649, 3]]
    """
    days = np.arange(first_day, last_day + window_days + 1, dtype=np.int64)
    dates = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))
    per = period_ordinals(dates, period)
    base, last = int(per[0]), int(period_ordinals(dates[[last_day - first_day]], period)[0])
    bounds = pd.DatetimeIndex(period_starts(np.arange(base, last + 2), period)).as_unit("ns").asi8 // DAY_NS
    bounds[-1] = min(bounds[-1], last_day + 1)
    bound = np.searchsorted(bounds, days, side="right")
    return pd.DataFrame({"day": days.astype(np.int32), "per": per.astype(np.int64), "bound": bound.astype(np.int32)})


def segment_grid_frame() -> pd.DataFrame:
    """The RFM grid (:data:`~retention_xl.analysis.segments.SEGMENT_GRID`) as a table ``r, f, segment``."""
    r, f = np.meshgrid(np.arange(1, 6), np.arange(1, 6), indexing="ij")
    return pd.DataFrame({"r": r.ravel().astype(np.int64), "f": f.ravel().astype(np.int64),
                         "segment": SEGMENT_GRID.ravel().astype(str)})


#: rows of different batches that repeat an earlier row exactly (the whole input row's
#: hash and the clean customer, time and amount are equal): left out as duplicates
DUPLICATE_ROWS = """
    WITH repeated AS (SELECT key FROM staged GROUP BY key HAVING COUNT(*) > 1),
    copies AS (
        SELECT s.row, MIN(s.row) OVER (PARTITION BY s.key, s.customer, s.t, s.amount) AS first_row
        FROM staged s JOIN repeated r ON r.key = s.key)
    SELECT row, first_row FROM copies WHERE row > first_row"""

#: the clean orders the analysis reads: the staged rows less the duplicates across batches
ORDERS = "SELECT row, customer, t, day, amount FROM staged WHERE row NOT IN (SELECT row FROM duplicate_rows)"

#: distinct customer texts less distinct ids: how many spellings matched another one
MERGED_IDS = """
    WITH pairs AS (SELECT raw, id FROM spellings
                   UNION SELECT customer AS raw, customer AS id FROM staged WHERE plain)
    SELECT COUNT(DISTINCT raw) - COUNT(DISTINCT id) AS merged FROM pairs"""

#: orders per customer and day (the one pass over the orders; every relation reads this)
CUSTOMER_DAYS = """
    SELECT customer, day,
           SUM(amount) AS revenue,
           SUM(CASE WHEN amount >= 0 THEN 1 ELSE 0 END) AS orders,
           SUM(CASE WHEN amount >= 0 THEN amount ELSE 0 END) AS gross,
           MIN(CASE WHEN amount >= 0 THEN t END) AS first_t,
           MAX(CASE WHEN amount >= 0 THEN t END) AS last_t
    FROM orders GROUP BY customer, day"""

#: first and last order day, rows (needed to build the calendar)
DAY_RANGE = "SELECT MIN(day) AS first_day, MAX(day) AS last_day, COUNT(*) AS n FROM customer_days"


def _relations(window_days: int) -> tuple[tuple[str, str], ...]:
    w_ns = int(window_days) * DAY_NS
    return (
        ("customer_periods", """
            SELECT d.customer, c.per,
                   SUM(d.revenue) AS revenue, SUM(d.orders) AS orders, SUM(d.gross) AS gross
            FROM customer_days d JOIN calendar c ON d.day = c.day
            GROUP BY d.customer, c.per"""),
        ("cohorts_of", """
            SELECT customer, MIN(per) AS cohort FROM customer_periods WHERE orders > 0 GROUP BY customer"""),
        # Within a day, orders are less than a window apart; between order days, a spell
        # breaks when the day's first order is more than a window after the last one before.
        ("spells", f"""
            WITH marks AS (
                SELECT customer, day,
                       CASE WHEN first_t - LAG(last_t) OVER (PARTITION BY customer ORDER BY day) <= {w_ns}
                            THEN 0 ELSE 1 END AS opens
                FROM customer_days WHERE orders > 0),
            numbered AS (
                SELECT customer, day,
                       SUM(opens) OVER (PARTITION BY customer ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS spell
                FROM marks),
            spans AS (
                SELECT customer, spell, MIN(day) AS a_day, MAX(day) + {int(window_days)} AS b_day
                FROM numbered GROUP BY customer, spell)
            SELECT s.customer, s.spell, ca.bound AS lo, cb.bound AS hi
            FROM spans s JOIN calendar ca ON ca.day = s.a_day JOIN calendar cb ON cb.day = s.b_day"""),
        ("customer_summary", """
            WITH per_customer AS (
                SELECT customer,
                       MIN(CASE WHEN orders > 0 THEN day END) AS first_day,
                       MAX(CASE WHEN orders > 0 THEN day END) AS last_day,
                       MIN(first_t) AS first_t, MAX(last_t) AS last_t,
                       SUM(orders) AS orders, SUM(revenue) AS revenue, SUM(gross) AS gross,
                       SUM(CASE WHEN orders > 0 THEN 1 ELSE 0 END) AS n_days
                FROM customer_days GROUP BY customer HAVING SUM(orders) > 0)
            SELECT p.customer, p.first_t, p.last_t, p.orders, p.revenue, p.first_day, p.last_day, p.n_days,
                   p.n_days - 1 AS frequency, p.last_day - p.first_day AS recency,
                   CASE WHEN p.n_days > 1 THEN (p.gross - d.gross) / (p.n_days - 1) ELSE CAST(0 AS DOUBLE) END AS monetary
            FROM per_customer p JOIN customer_days d ON d.customer = p.customer AND d.day = p.first_day"""),
        # the median gap by its middle rows (one row, or the mean of two), as pandas takes it;
        # a per-group MEDIAN aggregate is far slower on millions of customers
        ("customer_gaps", """
            WITH gaps AS (
                SELECT customer, CAST(day - LAG(day) OVER (PARTITION BY customer ORDER BY day) AS DOUBLE) AS gap
                FROM customer_days WHERE orders > 0),
            ranked AS (
                SELECT customer, gap, ROW_NUMBER() OVER (PARTITION BY customer ORDER BY gap) AS k,
                       COUNT(*) OVER (PARTITION BY customer) AS n
                FROM gaps WHERE gap IS NOT NULL)
            SELECT customer, AVG(gap) AS median_gap FROM ranked
            WHERE k = (n + 1) // 2 OR k = (n + 2) // 2 GROUP BY customer"""),
    )


def RELATIONS(window_days: int) -> tuple[tuple[str, str], ...]:  # noqa: N802 - a table of definitions
    """The intermediate relations (name, SELECT), in dependency order."""
    return _relations(window_days)


#: per period: net revenue, orders, gross revenue, buyers
PERIOD_TOTALS = """
    SELECT per, SUM(revenue) AS revenue, SUM(orders) AS orders, SUM(gross) AS gross,
           SUM(CASE WHEN orders > 0 THEN 1 ELSE 0 END) AS buyers
    FROM customer_periods GROUP BY per"""

#: customers acquired per period
NEW_PER_PERIOD = "SELECT cohort AS per, COUNT(*) AS n FROM cohorts_of GROUP BY cohort"

#: per cohort and offset k (a refund before the first order is booked in k = 0)
COHORT_CELLS = """
    SELECT k.cohort, GREATEST(cp.per - k.cohort, 0) AS k,
           SUM(cp.revenue) AS revenue, SUM(cp.orders) AS orders,
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

#: the Summary sheet's totals (revenue counts every row, refunds of non-buyers too)
HEADLINE = """
    SELECT SUM(revenue) AS revenue, SUM(orders) AS orders, SUM(gross) AS gross,
           MIN(first_t) AS first_t, MAX(last_t) AS last_t, MAX(day) AS last_day,
           (SELECT COUNT(*) FROM customer_summary) AS customers,
           (SELECT COUNT(*) FROM customer_summary WHERE orders > 1) AS repeaters
    FROM customer_days"""

#: the compressed (frequency, recency, T) counts the purchase model fits on (days)
CUSTOMER_COUNTS = """
    SELECT frequency, recency, {as_of_day} - first_day AS age, COUNT(*) AS customers
    FROM customer_summary GROUP BY frequency, recency, {as_of_day} - first_day"""

#: repeat buyers' frequency and mean repeat spend, for the spend model
REPEAT_SPEND = "SELECT frequency, monetary FROM customer_summary WHERE frequency > 0 AND monetary > 0"

#: the median of the customers' median gaps (the usual gap of one-day customers)
POPULATION_GAP = "SELECT MEDIAN(median_gap) AS gap FROM customer_gaps"


def customer_table_sql(*, as_of_day: int, n_customers: int, margin: float, population_gap: float,
                       spend: dict | None, mean_spend: float, predicted: bool) -> str:
    """The report's per-customer table (the Customers sheet's columns), one row per customer.

    R, F, M scores are ``1 + floor(5 * share strictly worse)``
    (:func:`~retention_xl.analysis.segments.rfm_scores`): ``RANK() - 1`` counts the
    customers strictly below. Predictions come from the table ``predictions`` (one row per
    distinct (frequency, recency, T) in days); ``spend`` holds the fitted Gamma-Gamma
    ``p, q, v`` (else every customer's spend per order is ``mean_spend``).
    """
    n = number(n_customers)
    five = number(5)
    if spend is not None:
        p, q, v = (number(spend[k]) for k in ("p", "q", "v"))
        sx = "(CASE WHEN s.frequency > 0 AND s.monetary > 0 THEN CAST(s.frequency AS DOUBLE) ELSE CAST(0 AS DOUBLE) END)"
        own = f"(CASE WHEN {sx} > 0 THEN s.monetary ELSE CAST(0 AS DOUBLE) END)"
        spend_sql = f"{p} * ({v} + {sx} * {own}) / ({p} * {sx} + {q} - CAST(1 AS DOUBLE))"
    else:
        spend_sql = number(mean_spend) if np.isfinite(mean_spend) else "CAST(NULL AS DOUBLE)"
    if predicted:
        prediction = (f"p.p_alive, p.expected_purchases, {spend_sql} AS expected_spend, "
                      f"{number(margin)} * {spend_sql} * p.discounted AS predicted_clv")
        join = "LEFT JOIN predictions p ON p.frequency = s.frequency AND p.recency = s.recency AND p.age = {a} - s.first_day".format(a=as_of_day)
    else:
        prediction = ("CAST(NULL AS DOUBLE) AS p_alive, CAST(NULL AS DOUBLE) AS expected_purchases, "
                      "CAST(NULL AS DOUBLE) AS expected_spend, CAST(NULL AS DOUBLE) AS predicted_clv")
        join = ""
    gap = number(population_gap)
    return f"""
    WITH scored AS (
        SELECT s.customer, s.first_t, s.last_t, s.orders, s.revenue,
               {as_of_day} - s.last_day AS days_since_last,
               s.frequency, s.recency, {as_of_day} - s.first_day AS age, s.monetary, s.n_days,
               1 + CAST(FLOOR({five} * (RANK() OVER (ORDER BY {as_of_day} - s.last_day DESC) - 1) / {n}) AS BIGINT) AS r,
               1 + CAST(FLOOR({five} * (RANK() OVER (ORDER BY s.orders) - 1) / {n}) AS BIGINT) AS f,
               1 + CAST(FLOOR({five} * (RANK() OVER (ORDER BY s.revenue) - 1) / {n}) AS BIGINT) AS m,
               {prediction},
               g.median_gap
        FROM customer_summary s {join}
        LEFT JOIN customer_gaps g ON g.customer = s.customer)
    SELECT c.customer, c.first_t, c.last_t, c.orders, c.revenue, c.days_since_last,
           c.frequency, c.recency, c.age, c.monetary, c.r, c.f, c.m, c.r * 100 + c.f * 10 + c.m AS rfm,
           grid.segment, c.revenue * {number(margin)} AS clv,
           c.p_alive, c.expected_purchases, c.expected_spend, c.predicted_clv,
           (CAST(c.days_since_last AS DOUBLE) > GREATEST({number(2)} * COALESCE(c.median_gap, {gap}), {number(30)}))
             OR COALESCE(c.p_alive < {number(0.5)} AND c.n_days >= 2, FALSE) AS at_risk
    FROM scored c JOIN segment_grid grid ON grid.r = c.r AND grid.f = c.f"""


#: per segment: the sums and means of the Segments table
SEGMENT_TOTALS = """
    SELECT segment, COUNT(*) AS customers, SUM(revenue) AS revenue,
           AVG(CAST(days_since_last AS DOUBLE)) AS avg_days_since_last, AVG(CAST(orders AS DOUBLE)) AS avg_orders,
           AVG(revenue) AS avg_revenue, AVG(clv) AS avg_clv, AVG(predicted_clv) AS avg_predicted_clv,
           SUM(CASE WHEN at_risk THEN 1 ELSE 0 END) AS at_risk
    FROM customer_table GROUP BY segment"""

#: each customer's first appearance in the order table (date, then input row)
FIRST_SEEN = """
    SELECT o.customer, MIN(o.row) AS first_row, MIN(o.t) AS first_seen
    FROM orders o JOIN (SELECT customer, MIN(t) AS t FROM orders GROUP BY customer) f
      ON f.customer = o.customer AND f.t = o.t
    GROUP BY o.customer"""


def kept_customers_sql(limit: int) -> str:
    """The customers the Customers sheet keeps when there are more than ``limit``: the
    most valuable at-risk customers (up to half the limit) and the most valuable of all
    (the rest), by net revenue, ties by customer id; see
    :func:`retention_xl.engines.customer_limit.kept_customers`."""
    at_risk_share = int(limit) // 2
    return f"""
    SELECT * FROM (
        SELECT *, ROW_NUMBER() OVER (ORDER BY revenue DESC, customer) AS value_rank,
               ROW_NUMBER() OVER (PARTITION BY at_risk ORDER BY revenue DESC, customer) AS risk_rank
        FROM customer_table) ranked
    WHERE (at_risk AND risk_rank <= {at_risk_share}) OR value_rank <= {int(limit) - at_risk_share}"""
