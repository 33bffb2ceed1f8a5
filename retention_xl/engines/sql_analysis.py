"""The report's analysis on a SQL engine: run the shared definitions, assemble the results.

:func:`analyse_staged` runs the statements of :mod:`retention_xl.engines.definitions` on
an engine that holds the staged ``orders`` table (DuckDB or Spark, see
:class:`SqlEngine`), brings back only small results (per-period and per-cohort
aggregates, histograms over period boundaries, the compressed (frequency, recency, T)
counts) and assembles them into the same :class:`~retention_xl.analysis.overview.Analysis`
the pandas engine builds, with the same formulas as
:func:`~retention_xl.analysis.kpis.period_kpis` and
:func:`~retention_xl.analysis.cohorts.cohort_tables` applied to those aggregates.

The per-customer table stays in the engine (``customer_table``): the report receives the
customers the Customers sheet keeps (:func:`kept_customers_sql`), and the full table is
written to Parquet by the engine itself.

The purchase and spend models fit on the compressed counts: BG/NBD on the distinct
(frequency, recency, T) triples with their customer counts, Gamma-Gamma on the repeat
buyers' (frequency, mean spend); predictions are made once per distinct triple and joined
back in the engine.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from retention_xl.analysis.cohorts import Cohorts
from retention_xl.analysis.kpis import DEFAULT_WINDOW_DAYS, PERIOD_MAX_DAYS
from retention_xl.analysis.models.bg_nbd import BetaGeo
from retention_xl.analysis.models.clv import discounted_purchases
from retention_xl.analysis.models.gamma_gamma import GammaGamma
from retention_xl.analysis.notices import Notice
from retention_xl.analysis.orders import Orders
from retention_xl.analysis.overview import Analysis
from retention_xl.analysis.periods import normalise_period, period_labels, period_starts
from retention_xl.analysis.prediction import PREDICTION_COLUMNS, Prediction
from retention_xl.analysis.segments import SEGMENTS, pareto
from retention_xl.engines import definitions as sql
from retention_xl.errors import DataError, InvalidValue, ModelError

__all__ = ["SqlEngine", "StagedAnalysis", "analyse_staged", "CUSTOMER_COLUMNS"]

#: the per-customer table's columns, as the pandas engine names them
CUSTOMER_COLUMNS = ("first_order", "last_order", "orders", "revenue", "days_since_last", "frequency", "recency",
                    "T", "monetary", "r", "f", "m", "rfm", "segment", "clv", *PREDICTION_COLUMNS, "at_risk")

UNIT_DAYS = 7.0  # the purchase model's time unit, as predict_customers
PERIOD_DAYS = 30.4375  # a CLV period: an average month


class SqlEngine(Protocol):
    """What the analysis needs from an engine (DuckDB, Spark): SQL in DuckDB's dialect."""

    name: str

    def create(self, name: str, select: str, *, view: bool = False) -> None:
        """Materialise ``select`` as the table ``name`` (or define it as a view, read where used)."""

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make a small pandas table available to SQL as ``name``."""

    def fetch(self, select: str) -> pd.DataFrame:
        """Run ``select`` and return its (small) result."""

    def write_parquet(self, select: str, path: str) -> None:
        """Write the result of ``select`` to the Parquet file ``path``."""


@dataclass(frozen=True)
class StagedAnalysis:
    """An analysis computed in an engine.

    Attributes
    ----------
    analysis : Analysis
        As the pandas engine gives it; ``customers`` holds the customers kept for the sheet.
    n_customers : int
        Customers in the full per-customer table (``customer_table`` in the engine).
    """

    analysis: Analysis
    n_customers: int


def analyse_staged(engine: SqlEngine, orders: Orders, *, period: str = "M", window_days: int | None = None,
                   margin: float = 1.0, horizon: int = 12, discount: float = 0.01, customers_limit: int = 100_000,
                   progress: Callable[[str], None] | None = None) -> StagedAnalysis:
    """Every analysis of the report, computed by ``engine`` on its staged ``orders`` table.

    Parameters
    ----------
    engine : SqlEngine
        Holds the table ``orders`` (see :mod:`retention_xl.engines.definitions`).
    orders : Orders
        The staged cleaning's summary: issues, notices, columns, rows read (its ``frame``
        is not used; the orders are in the engine).
    customers_limit : int
        Customers the report's Customers table keeps at most.
    """
    step = progress or (lambda _: None)
    step("Aggregating: duplicates across batches")
    engine.create("duplicate_rows", sql.DUPLICATE_ROWS)
    engine.create("orders", sql.ORDERS, view=True)
    orders = _with_duplicates(orders, engine.fetch("SELECT row, first_row FROM duplicate_rows"))
    orders = _with_merged_ids(orders, engine)
    code = normalise_period(period)
    window = DEFAULT_WINDOW_DAYS[code] if window_days is None else int(window_days)
    if window < PERIOD_MAX_DAYS[code]:
        raise InvalidValue(f"the activity window must be a whole number of days of at least "
                           f"{PERIOD_MAX_DAYS[code]} for period {code}, got {window}")
    step("Aggregating: orders per customer and day")
    engine.create("customer_days", sql.CUSTOMER_DAYS)
    span = engine.fetch(sql.DAY_RANGE).iloc[0]
    if not int(span["n"]):
        raise DataError("no usable orders")
    first_day, last_day = int(span["first_day"]), int(span["last_day"])
    engine.register("calendar", sql.calendar_frame(first_day, last_day, code, window))
    engine.register("segment_grid", sql.segment_grid_frame())
    for name, select in sql.RELATIONS(window):
        step(f"Aggregating: {name.replace('_', ' ')}")
        engine.create(name, select)

    step("Aggregating: period KPIs")
    kpis = _period_kpis(engine, code, first_day, last_day)
    step("Aggregating: cohorts")
    cohorts = _cohorts(engine, code)
    step("Aggregating: headline figures")
    head = engine.fetch(sql.HEADLINE).iloc[0]
    n_customers = int(head["customers"])
    if n_customers == 0:
        raise DataError("no orders to summarise (every row is a refund)")
    as_of_day = last_day + 1

    step("Fitting the purchase and spend models")
    prediction, predictions, spend = _fit_models(engine, as_of_day, margin=margin, horizon=horizon, discount=discount)
    if predictions is not None:
        engine.register("predictions", predictions)
    gap = engine.fetch(sql.POPULATION_GAP).iloc[0]["gap"]
    population_gap = float(gap) if pd.notna(gap) else 30.0  # AT_RISK_MIN_DAYS when nobody has a gap
    step("Aggregating: customers and segments")
    engine.create("customer_table", sql.customer_table_sql(
        as_of_day=as_of_day, n_customers=n_customers, margin=margin, population_gap=population_gap,
        spend=spend, mean_spend=prediction.mean_repeat_spend, predicted=predictions is not None))
    segments = _segments(engine)
    revenue = engine.fetch("SELECT revenue FROM customer_table")["revenue"]
    customers = _kept_customers(engine, n_customers, customers_limit)

    complete = kpis.iloc[:-1] if len(kpis) > 1 else kpis
    complete = complete[complete["customers_start"] > 0]
    n_orders = int(head["orders"])
    headline = {
        "customers": n_customers,
        "orders": n_orders,
        "revenue": float(head["revenue"]),
        "aov": float(head["gross"]) / n_orders if n_orders else float("nan"),
        "purchase_frequency": n_orders / n_customers,
        "repeat_rate": int(head["repeaters"]) / n_customers,
        "avg_crr": float(complete["crr"].mean()) if len(complete) else float("nan"),
        "avg_churn": float(complete["churn"].mean()) if len(complete) else float("nan"),
        "first_order": pd.Timestamp(int(head["first_t"])),
        "last_order": pd.Timestamp(int(head["last_t"])),
    }
    headline.update(pareto(revenue))
    headline["at_risk"] = int(segments.pop("at_risk").sum())
    prediction = _with_customers(prediction, customers)
    analysis = Analysis(orders=orders, period=code, window_days=window, kpis=kpis, headline=headline,
                        cohorts=cohorts, customers=customers, segments=segments, prediction=prediction)
    return StagedAnalysis(analysis, n_customers)


def _with_duplicates(orders: Orders, duplicates: pd.DataFrame) -> Orders:
    """``orders`` with the rows that repeat a row of an earlier batch listed as duplicates."""
    if duplicates.empty:
        return orders
    rows = duplicates["row"].to_numpy(dtype=np.int64)
    found = pd.DataFrame({"row": rows, "column": "", "value": "", "problem": "duplicate",
                          "detail": duplicates["first_row"].astype(np.int64).astype(str).to_numpy(), "action": "skipped"})
    found = found.astype({c: "str" for c in ("column", "value", "problem", "detail", "action")})
    issues = pd.concat([orders.issues, found], ignore_index=True).sort_values("row", kind="stable", ignore_index=True)
    return dataclasses.replace(orders, issues=issues)


def _with_merged_ids(orders: Orders, engine: SqlEngine) -> Orders:
    """``orders`` with the ``customer_ids_merged`` notice counted over the whole table."""
    if not getattr(engine, "has_spellings", False):
        return orders
    merged = int(engine.fetch(sql.MERGED_IDS).iloc[0]["merged"])
    if merged <= 0:
        return orders
    notice = Notice("customer_ids_merged", column=orders.columns.customer, count=merged)
    return dataclasses.replace(orders, notices=(notice, *orders.notices))


def _histogram(frame: pd.DataFrame, kind: str, size: int) -> np.ndarray:
    part = frame[frame["kind"] == kind]
    return np.bincount(part["i"].to_numpy(dtype=np.int64), weights=part["n"].to_numpy(dtype=float),
                       minlength=size)[:size].astype(np.int64)


def _period_kpis(engine: SqlEngine, code: str, first_day: int, last_day: int) -> pd.DataFrame:
    """:func:`~retention_xl.analysis.kpis.period_kpis` from the engine's aggregates."""
    totals = engine.fetch(sql.PERIOD_TOTALS)
    base, last = int(totals["per"].min()), int(totals["per"].max())
    n_periods = last - base + 1
    n_b = n_periods + 1
    hist = engine.fetch(sql.SPELL_HISTOGRAMS)
    active = np.cumsum(_histogram(hist, "lo", n_b + 1) - _histogram(hist, "hi", n_b + 1))[:n_b]
    both = np.cumsum(_histogram(hist, "long_lo", n_b + 1) - _histogram(hist, "long_hi", n_b + 1))[: n_b - 1]
    both = both + _histogram(hist, "next", n_b)[: n_b - 1]
    new_rows = engine.fetch(sql.NEW_PER_PERIOD)
    new = np.bincount(new_rows["per"].to_numpy(dtype=np.int64) - base, weights=new_rows["n"].to_numpy(dtype=float),
                      minlength=n_periods).astype(np.int64)

    idx = totals["per"].to_numpy(dtype=np.int64) - base
    revenue = np.bincount(idx, weights=totals["revenue"].to_numpy(dtype=float), minlength=n_periods)
    n_orders = np.bincount(idx, weights=totals["orders"].to_numpy(dtype=float), minlength=n_periods).astype(np.int64)
    gross = np.bincount(idx, weights=totals["gross"].to_numpy(dtype=float), minlength=n_periods)
    buyers = np.bincount(idx, weights=totals["buyers"].to_numpy(dtype=float), minlength=n_periods).astype(np.int64)
    bounds = pd.DatetimeIndex(period_starts(np.arange(base, last + 2), code)).as_unit("ns").asi8
    bounds[-1] = min(bounds[-1], (last_day + 1) * sql.DAY_NS)

    s, e = active[:-1], active[1:]
    lost = s - both
    reactivated = e - both - new
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "period": period_labels(np.arange(base, last + 1), code),
            "start": pd.DatetimeIndex(bounds[:-1].astype("datetime64[ns]")),
            "customers_start": s, "new": new, "reactivated": reactivated, "lost": lost, "customers_end": e,
            "crr": np.where(s > 0, (e - new) / s, np.nan),
            "churn": np.where(s > 0, lost / s, np.nan),
            "buyers": buyers, "orders": n_orders, "revenue": revenue,
            "aov": np.where(n_orders > 0, gross / n_orders, np.nan),
            "repeat_rate": np.where(buyers > 0, (buyers - new) / buyers, np.nan),
        })


def _cohorts(engine: SqlEngine, code: str) -> Cohorts:
    """:func:`~retention_xl.analysis.cohorts.cohort_tables` from the engine's cohort cells."""
    cells = engine.fetch(sql.COHORT_CELLS)
    sizes = engine.fetch(sql.COHORT_SIZES)
    if sizes.empty:
        raise DataError("no orders to build cohorts from (every row is a refund)")
    base = int(sizes["cohort"].min())
    n_cohorts = int(sizes["cohort"].max()) - base + 1
    n_offsets = int(cells["last_per"].max()) - base + 1
    shape = (n_cohorts, n_offsets)
    flat = (cells["cohort"].to_numpy(dtype=np.int64) - base) * n_offsets + cells["k"].to_numpy(dtype=np.int64)

    def matrix(column: str) -> np.ndarray:
        return np.bincount(flat, weights=cells[column].to_numpy(dtype=float),
                           minlength=n_cohorts * n_offsets).reshape(shape).astype(float)

    size = np.bincount(sizes["cohort"].to_numpy(dtype=np.int64) - base, weights=sizes["size"].to_numpy(dtype=float),
                       minlength=n_cohorts).astype(float)
    active, revenue, n_orders = matrix("customers"), matrix("revenue"), matrix("orders")
    reached = np.arange(n_offsets)[None, :] <= (n_offsets - 1 - np.arange(n_cohorts))[:, None]
    labels = period_labels(np.arange(base, base + n_cohorts), code)
    cols = [f"P{k}" for k in range(n_offsets)]

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(np.where(reached, values, np.nan), index=labels, columns=cols)

    with np.errstate(invalid="ignore", divide="ignore"):
        retention = frame(np.where(size[:, None] > 0, active / size[:, None], np.nan))
    keep = size > 0
    return Cohorts(size=pd.Series(size, index=labels, name="size")[keep], customers=frame(active)[keep],
                   retention=retention[keep], revenue=frame(revenue)[keep], orders=frame(n_orders)[keep], period=code)


def _fit_models(engine: SqlEngine, as_of_day: int, *, margin: float, horizon: int, discount: float):
    """BG/NBD on the compressed counts, Gamma-Gamma on repeat spend; predictions per distinct triple.

    Returns the :class:`Prediction` (without per-customer rows), the predictions table
    (``frequency, recency, age`` in days, ``p_alive, expected_purchases, discounted``) or
    None, and the Gamma-Gamma parameters or None.
    """
    counts = engine.fetch(sql.CUSTOMER_COUNTS.format(as_of_day=as_of_day) + " ORDER BY frequency, recency, age")
    x = counts["frequency"].to_numpy(dtype=float)
    t_x = counts["recency"].to_numpy(dtype=float) / UNIT_DAYS
    age = counts["age"].to_numpy(dtype=float) / UNIT_DAYS
    weights = counts["customers"].to_numpy(dtype=np.int64)
    spend_rows = engine.fetch(sql.REPEAT_SPEND + " ORDER BY frequency, monetary")  # a fit that does not depend on row order
    sx, m = spend_rows["frequency"].to_numpy(dtype=float), spend_rows["monetary"].to_numpy(dtype=float)
    mean_spend = float(sx @ m / sx.sum()) if sx.sum() else float("nan")
    options = {"horizon": horizon, "margin": margin, "discount": discount, "unit_days": UNIT_DAYS,
               "period_days": PERIOD_DAYS, "mean_repeat_spend": mean_spend}
    empty = pd.DataFrame(columns=list(PREDICTION_COLUMNS), dtype=float)
    try:
        bg = _fit_purchase_model(x, t_x, age, weights)
    except ModelError as e:
        note = f"No predictions: {e}. P(alive), expected purchases and predicted CLV are left empty rather than guessed."
        return Prediction(empty, note, None, None, str(e), None, **options), None, None
    step = PERIOD_DAYS / UNIT_DAYS
    predictions = pd.DataFrame({
        "frequency": counts["frequency"].to_numpy(dtype=np.int64),
        "recency": counts["recency"].to_numpy(dtype=np.int64),
        "age": counts["age"].to_numpy(dtype=np.int64),
        "p_alive": bg.p_alive(x, t_x, age),
        "expected_purchases": bg.expected_purchases(horizon * step, x, t_x, age),
        "discounted": discounted_purchases(bg, x, t_x, age, horizon=horizon, discount=discount, freq_per_period=step),
    })
    gg, spend_problem = GammaGamma(), None
    try:
        gg.fit(sx, m)
        has_one_time = bool((x == 0).any()) or len(sx) < int(weights[x > 0].sum())
        gg.expected_spend([0.0 if has_one_time else sx.min()], [0.0])  # q <= 1 fails as predict_customers does
    except ModelError as e:
        gg, spend_problem = None, str(e)
    unit, periods, period = "weeks", "months", "month"
    fitted = Prediction(empty, "", dict(bg.params_), None if gg is None else dict(gg.params_), None,
                        spend_problem, **options)
    note = (f"Predictions: {'BG/NBD' if gg is None else 'BG/NBD and Gamma-Gamma'} models, "
            f"time in {unit} (α in {unit}): {fitted.params_text}. "
            f"Expected purchases and CLV over the next {horizon} {periods}, discount "
            f"{discount * 100:.4g}% per {period}, margin {margin * 100:.4g}% of spend.")
    if spend_problem:
        note += (f" Spend per order: the mean repeat order value {mean_spend:,.2f} for every "
                 f"customer, because {spend_problem}.")
    return dataclasses.replace(fitted, model_note=note), predictions, None if gg is None else dict(gg.params_)


def _fit_purchase_model(x: np.ndarray, t_x: np.ndarray, age: np.ndarray, weights: np.ndarray) -> BetaGeo:
    """BG/NBD fitted on the distinct (frequency, recency, T) triples with their customer
    counts when :meth:`BetaGeo.fit` takes ``weights``; otherwise on the counts expanded to
    one row per customer (the same likelihood, one term per customer)."""
    if "weights" in inspect.signature(BetaGeo.fit).parameters:
        return BetaGeo().fit(x, t_x, age, weights=weights)
    return BetaGeo().fit(np.repeat(x, weights), np.repeat(t_x, weights), np.repeat(age, weights))


def _segments(engine: SqlEngine) -> pd.DataFrame:
    """:func:`~retention_xl.analysis.segments.segment_summary` plus ``avg_predicted_clv`` and an
    ``at_risk`` count (taken off by the caller)."""
    raw = engine.fetch(sql.SEGMENT_TOTALS).set_index("segment").reindex(SEGMENTS)
    out = pd.DataFrame({
        "customers": raw["customers"].fillna(0).astype(np.int64),
        "revenue": raw["revenue"].astype(float).fillna(0.0),
        "avg_days_since_last": raw["avg_days_since_last"].astype(float),
        "avg_orders": raw["avg_orders"].astype(float),
        "avg_revenue": raw["avg_revenue"].astype(float),
        "avg_clv": raw["avg_clv"].astype(float),
    })
    total_c, total_r = out["customers"].sum(), out["revenue"].sum()
    out.insert(1, "share", out["customers"] / total_c if total_c else np.nan)
    out.insert(3, "revenue_share", out["revenue"] / total_r if total_r else np.nan)
    out["avg_predicted_clv"] = raw["avg_predicted_clv"].astype(float).to_numpy()
    out["at_risk"] = raw["at_risk"].fillna(0).astype(np.int64)
    out.index.name = "segment"
    return out


def customer_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Engine rows of ``customer_table`` as the pandas engine's Customers frame (types, names, index)."""
    out = pd.DataFrame({
        "first_order": pd.to_datetime(rows["first_t"].to_numpy(dtype=np.int64), unit="ns"),
        "last_order": pd.to_datetime(rows["last_t"].to_numpy(dtype=np.int64), unit="ns"),
        "orders": rows["orders"].to_numpy(dtype=np.int64),
        "revenue": rows["revenue"].to_numpy(dtype=float),
        "days_since_last": rows["days_since_last"].to_numpy(dtype=np.int64),
        "frequency": rows["frequency"].to_numpy(dtype=np.int64),
        "recency": rows["recency"].to_numpy(dtype=float),
        "T": rows["age"].to_numpy(dtype=float),
        "monetary": rows["monetary"].to_numpy(dtype=float),
        "r": rows["r"].to_numpy(dtype=np.int64), "f": rows["f"].to_numpy(dtype=np.int64),
        "m": rows["m"].to_numpy(dtype=np.int64), "rfm": rows["rfm"].to_numpy(dtype=np.int64),
        "segment": pd.Categorical(rows["segment"].astype(str), categories=SEGMENTS),
        "clv": rows["clv"].to_numpy(dtype=float),
        **{c: pd.to_numeric(rows[c], errors="coerce").to_numpy(dtype=float) for c in PREDICTION_COLUMNS},
        "at_risk": rows["at_risk"].to_numpy(dtype=bool),
    }, index=pd.Index(rows["customer"].astype(str).to_numpy(), name="customer"))
    return out


def _kept_customers(engine: SqlEngine, n_customers: int, limit: int) -> pd.DataFrame:
    """The Customers sheet's rows: every customer in order of first appearance (as the
    pandas engine), or past ``limit`` the kept ones by net revenue."""
    if n_customers <= limit:
        engine.create("first_seen", sql.FIRST_SEEN)
        rows = engine.fetch("SELECT c.* FROM customer_table c JOIN first_seen s ON s.customer = c.customer "
                            "ORDER BY s.first_seen, s.first_row")
    else:
        rows = engine.fetch(f"SELECT * FROM ({sql.kept_customers_sql(limit)}) kept ORDER BY revenue DESC, customer")
    return customer_frame(rows)


def _with_customers(prediction: Prediction, customers: pd.DataFrame) -> Prediction:
    return dataclasses.replace(prediction, customers=customers[list(PREDICTION_COLUMNS)].copy())
