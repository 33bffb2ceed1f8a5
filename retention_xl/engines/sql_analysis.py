"""The report's analysis on a SQL engine: run the shared definitions, assemble the results.

:func:`analyse_staged` runs the statements of :mod:`retention_xl.engines.definitions` on
an engine that holds the staged ``orders`` table (DuckDB or Spark, see
:class:`SqlEngine`) and brings back only what is per period, per cohort or per customer:
the period KPIs and cohort matrices (the same formulas as
:func:`~retention_xl.analysis.kpis.period_kpis` and
:func:`~retention_xl.analysis.cohorts.cohort_tables`, applied to the engine's
aggregates), the headline totals, the per-customer summary with each customer's median
gap between order days, and the model choice's calibration/holdout split. From the
per-customer summary on, the analysis is the pandas engine's own code
(:func:`~retention_xl.analysis.overview.customer_table` and
:func:`~retention_xl.analysis.overview.finish_analysis`): scores, segments, the models,
the contact plan and the survey feedback are defined once.

What stays in the engine is what grows with the order lines: the lines themselves, the
orders per customer and day, the steps between them, the activity spells.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Protocol

import numpy as np
import pandas as pd

from retention_xl.analysis.cohorts import Cohorts
from retention_xl.analysis.holdout_split import (
    MIN_HOLDOUT_DAYS,
    MIN_HOLDOUT_REPEAT_BUYERS,
)
from retention_xl.analysis.kpis import DEFAULT_WINDOW_DAYS, check_window
from retention_xl.analysis.notice_order import cleaning_order
from retention_xl.analysis.notices import Notice
from retention_xl.analysis.orders import Orders
from retention_xl.analysis.overview import Analysis, customer_table, finish_analysis
from retention_xl.analysis.periods import (
    normalise_period,
    period_labels,
    period_starts,
    report_calendar,
)
from retention_xl.analysis.side_tables import SideTable
from retention_xl.engines import definitions as sql
from retention_xl.errors import DataError

__all__ = ["SqlEngine", "analyse_staged", "build_relations"]

UNIT_DAYS = 7.0  # the purchase model's time unit, as predict_customers


class SqlEngine(Protocol):
    """What the analysis needs from an engine (DuckDB, Spark): SQL in DuckDB's dialect."""

    name: str

    def create(self, name: str, select: str, *, view: bool = False) -> None:
        """Materialise ``select`` as the table ``name`` (or define it as a view, read where used)."""

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make a small pandas table available to SQL as ``name``."""

    def fetch(self, select: str) -> pd.DataFrame:
        """Run ``select`` and return its result as pandas."""

    def drop(self, name: str) -> None:
        """Give back the memory of the relation ``name``."""

    def shrink(self) -> None:
        """Keep less of this process's memory for the rest (the calibration split and the
        customer rows)."""

    def fetch_and_close(self, select: str, step: str) -> pd.DataFrame:
        """Run ``select``, the last statement, and return its result as pandas; the
        engine is closed (and its memory given back, as far as it holds any in this
        process) before the result is read in."""

    def close(self) -> None:
        """Give back the engine's memory (may be called again)."""


def analyse_staged(engine: SqlEngine, orders: Orders, *, period: str = "M", window_days: int | None = None,
                   margin: float = 1.0, horizon: int = 12, discount: float = 0.01, as_of=None,
                   quiet_days: int = 30, contact_weeks: int = 12, survey: SideTable | None = None,
                   contacts: SideTable | None = None, calendar: str = "auto",
                   progress: Callable[[str], None] | None = None) -> Analysis:
    """Every analysis of the report, the order-level part computed by ``engine`` on its
    staged ``orders`` table, the per-customer part as the pandas engine computes it.

    Parameters
    ----------
    engine : SqlEngine
        Holds the table ``staged`` (see :mod:`retention_xl.engines.definitions`).
    orders : Orders
        The staged cleaning's summary: issues, notices, columns, rows read (its ``frame``
        is empty; the orders are in the engine).
    period, window_days, margin, horizon, discount, as_of, quiet_days, contact_weeks, survey, contacts, calendar
        As :func:`~retention_xl.analysis.overview.analyse_orders`.

    The engine is closed once its results are fetched, so that its memory goes to the
    per-customer half.
    """
    step = progress or (lambda _: None)
    step("Aggregating: rows repeated across batches")
    engine.create("duplicate_rows", sql.DUPLICATE_ROWS)
    engine.create("orders", sql.ORDERS, view=True)
    orders = _with_duplicates(orders, engine.fetch(
        "SELECT d.row, d.first_row, s.amount FROM duplicate_rows d JOIN staged s ON s.row = d.row"),
        _line_repeats(orders, engine))
    orders = _with_merged_ids(orders, engine)
    orders = _with_folded_emails(orders, engine)
    orders = dataclasses.replace(orders, notices=cleaning_order(orders.notices, orders.columns))  # as pandas says them
    code = normalise_period(period)
    window = DEFAULT_WINDOW_DAYS[code] if window_days is None else check_window(window_days, code)
    calendar = report_calendar(calendar, orders.notices)
    last_day = build_relations(engine, code, window, step, calendar)

    step("Aggregating: period KPIs")
    kpis = _period_kpis(engine, code, last_day, calendar)
    step("Aggregating: cohorts")
    cohorts = _cohorts(engine, code, calendar)
    step("Aggregating: headline figures")
    headline = _headline(engine, kpis, window)
    for name in ("customer_periods", "cohorts_of", "spells", "customer_totals"):
        engine.drop(name)  # what follows reads the customers' days and summaries only
    step("Aggregating: customers")
    engine.shrink()  # its tables are built: the rest is for the per-customer half
    holdout = _holdout(engine)
    engine.drop("customer_days")  # the summary rows are fetched beside the customers' tables only
    summary, gaps = _customer_summary(engine, last_day)  # the last fetch: the engine is closed
    step("Fitting the purchase and spend models")
    customers, prediction = customer_table(None, summary=summary, gaps=gaps, holdout=holdout, margin=margin,
                                           horizon=horizon, discount=discount)
    del summary, holdout  # the Customers table holds what is needed of them
    step("Planning contacts")
    return finish_analysis(orders, code, window, kpis, cohorts, headline, customers, prediction, gaps,
                           as_of=as_of, quiet_days=quiet_days, contact_weeks=contact_weeks,
                           survey=survey, contacts=contacts, calendar=calendar)


def build_relations(engine: SqlEngine, code: str, window: int,
                    progress: Callable[[str], None] | None = None, calendar: str = "gregorian") -> int:
    """Build the orders per customer and day, the calendar and every relation of
    :func:`~retention_xl.engines.definitions.RELATIONS` on ``engine`` (which holds the view
    ``orders``) for period ``code`` of ``calendar`` and an activity window of ``window`` days; return the
    last order day (days since 1970).

    Raises
    ------
    DataError
        No usable orders.
    """
    step = progress or (lambda _: None)
    step("Aggregating: orders per customer and day")
    engine.create("customer_days", sql.CUSTOMER_DAYS)
    span = engine.fetch(sql.DAY_RANGE).iloc[0]
    if not int(span["n"]):
        raise DataError("no usable orders")
    first_day, last_day = int(span["first_day"]), int(span["last_day"])
    engine.register("calendar", sql.calendar_frame(first_day, last_day, code, window, calendar))
    for name, select in sql.RELATIONS(window):
        step(f"Aggregating: {name.replace('_', ' ')}")
        engine.create(name, select)
    engine.drop("day_steps")  # read by the spells and the gaps only
    return last_day


def _line_repeats(orders: Orders, engine: SqlEngine) -> pd.DataFrame:
    """The possible duplicates the batches' cleanings found among the later lines of an order
    (rows that are not an order's own row in ``staged``): a repeated line repeats its own
    order's line, and an order's lines are cleaned in one batch, so its batch found it."""
    found = orders.issues[orders.issues["problem"] == "possible_duplicate"]
    if found.empty:
        return found
    engine.register("batch_repeats", pd.DataFrame({"row": found["row"].to_numpy(dtype=np.int64)}))
    staged = engine.fetch("SELECT b.row FROM batch_repeats b JOIN staged s ON s.row = b.row")["row"]
    return found[~found["row"].isin(staged.to_numpy(dtype=np.int64))]


def _with_duplicates(orders: Orders, duplicates: pd.DataFrame, line_repeats: pd.DataFrame | None = None) -> Orders:
    """``orders`` with the possible duplicates found over the whole table (each batch's
    cleaning saw only its own rows): every row that repeats an earlier row, kept and listed
    with the first row it repeats, as the cleaning lists them for one table. The orders'
    own rows are compared by the engine (``duplicates``); the later lines of an order, which
    the engine does not hold, as their batch found them (``line_repeats``)."""
    issues = orders.issues[orders.issues["problem"] != "possible_duplicate"]
    notices = tuple(n for n in orders.notices if n.code != "possible_duplicates")
    lines = line_repeats if line_repeats is not None else issues.iloc[:0]
    if duplicates.empty and lines.empty:
        return dataclasses.replace(orders, issues=issues.reset_index(drop=True), notices=notices)
    rows = duplicates["row"].to_numpy(dtype=np.int64)
    value = duplicates["amount"].to_numpy(dtype=float)
    found = pd.DataFrame({"row": rows, "column": "", "value": "", "problem": "possible_duplicate",
                          "detail": duplicates["first_row"].astype(np.int64).astype(str).to_numpy(),
                          "action": "kept", "lines": np.ones(len(rows), dtype=np.int64), "amount": value})
    found = found.astype({c: "str" for c in ("column", "value", "problem", "detail", "action")})
    found = pd.concat([found, lines[found.columns]], ignore_index=True) if len(lines) else found
    found = found.sort_values("row", kind="stable", ignore_index=True)
    rows, value = found["row"].to_numpy(dtype=np.int64), found["amount"].to_numpy(dtype=float)
    # a row's duplicate mark comes before its cell problems, as the cleaning orders them
    issues = pd.concat([found, issues], ignore_index=True).sort_values("row", kind="stable", ignore_index=True)
    notice = Notice("possible_duplicates", count=len(rows), value=float(np.nansum(value)))
    return dataclasses.replace(orders, issues=issues, notices=(*notices, notice))


def _with_merged_ids(orders: Orders, engine: SqlEngine) -> Orders:
    """``orders`` with the ``customer_ids_merged`` notice counted over the whole table."""
    if "spellings" not in getattr(engine, "side", ()):
        return orders
    merged = int(engine.fetch(sql.MERGED_IDS).iloc[0]["merged"])
    if merged <= 0:
        return orders
    notice = Notice("customer_ids_merged", column=orders.columns.customer, count=merged)
    return dataclasses.replace(orders, notices=(notice, *orders.notices))


def _with_folded_emails(orders: Orders, engine: SqlEngine) -> Orders:
    """``orders`` with the ``emails_casefolded`` notice counted over the whole table."""
    if "emails" not in getattr(engine, "side", ()):
        return orders
    folded = int(engine.fetch(sql.FOLDED_EMAILS).iloc[0]["folded"])
    if folded <= 0:
        return orders
    notices = list(orders.notices)
    at = next((i + 1 for i, n in enumerate(notices) if n.code == "customer_ids_merged"), 0)
    example = engine.fetch(sql.FOLDED_EMAIL_EXAMPLE).iloc[0]
    notices.insert(at, Notice("emails_casefolded", column=orders.columns.customer, count=folded,
                              spelling=str(example["spelling"]), matched=str(example["matched"])))
    return dataclasses.replace(orders, notices=tuple(notices))


def _histogram(frame: pd.DataFrame, kind: str, size: int) -> np.ndarray:
    part = frame[frame["kind"] == kind]
    return np.bincount(part["i"].to_numpy(dtype=np.int64), weights=part["n"].to_numpy(dtype=float),
                       minlength=size)[:size].astype(np.int64)


def _period_kpis(engine: SqlEngine, code: str, last_day: int, calendar: str = "gregorian") -> pd.DataFrame:
    """:func:`~retention_xl.analysis.kpis.period_kpis` from the engine's aggregates."""
    totals = engine.fetch(sql.PERIOD_TOTALS)
    if not int(totals["orders"].sum()):  # as period_kpis says it, first
        raise DataError("no orders to compute period KPIs from (every row is a refund)")
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
    bounds = pd.DatetimeIndex(period_starts(np.arange(base, last + 2), code, calendar)).as_unit("ns").asi8
    bounds[-1] = min(bounds[-1], (last_day + 1) * sql.DAY_NS)

    s, base_end = active[:-1], active[1:]
    lost = s - both
    reactivated = base_end - both - new
    e = both + new  # E = S - lost + N: the customers back from a lapse are counted apart
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "period": period_labels(np.arange(base, last + 1), code, calendar),
            "start": pd.DatetimeIndex(bounds[:-1].astype("datetime64[ns]")),
            "customers_start": s, "new": new, "reactivated": reactivated, "lost": lost, "customers_end": e,
            "crr": np.where(s > 0, (e - new) / s, np.nan),
            "churn": np.where(s > 0, lost / s, np.nan),
            "buyers": buyers, "orders": n_orders, "revenue": revenue,
            "aov": np.where(n_orders > 0, gross / n_orders, np.nan),
            "repeat_rate": np.where(buyers > 0, (buyers - new) / buyers, np.nan),
        })


def _cohorts(engine: SqlEngine, code: str, calendar: str = "gregorian") -> Cohorts:
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
    labels = period_labels(np.arange(base, base + n_cohorts), code, calendar)
    cols = [f"P{k}" for k in range(n_offsets)]

    def frame(values: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(np.where(reached, values, np.nan), index=labels, columns=cols)

    with np.errstate(invalid="ignore", divide="ignore"):
        retention = frame(np.where(size[:, None] > 0, active / size[:, None], np.nan))
    keep = size > 0
    return Cohorts(size=pd.Series(size, index=labels, name="size")[keep], customers=frame(active)[keep],
                   retention=retention[keep], revenue=frame(revenue)[keep], orders=frame(n_orders)[keep], period=code)


def _headline(engine: SqlEngine, kpis: pd.DataFrame, window: int) -> dict:
    """:func:`~retention_xl.analysis.kpis.headline_kpis` from the engine's totals."""
    head = engine.fetch(sql.HEADLINE).iloc[0]
    n_customers, n_orders = int(head["customers"]), int(head["orders"])
    if n_customers == 0:
        raise DataError("no orders to summarise (every row is a refund)")
    first = pd.Timestamp(int(head["first_t"]))
    complete = kpis.iloc[:-1] if len(kpis) > 1 else kpis
    if len(kpis):
        ends = kpis["start"].shift(-1)
        warm = (ends <= first + pd.Timedelta(days=int(window))).to_numpy(dtype=bool)
        complete = complete[~warm[: len(complete)]]
    complete = complete[complete["customers_start"] > 0]
    return {
        "customers": n_customers,
        "orders": n_orders,
        "revenue": float(head["revenue"]),
        "aov": float(head["gross"]) / n_orders if n_orders else float("nan"),
        "purchase_frequency": n_orders / n_customers,
        "repeat_rate": int(head["repeaters"]) / n_customers,
        "avg_crr": float(complete["crr"].mean()) if len(complete) else float("nan"),
        "avg_churn": float(complete["churn"].mean()) if len(complete) else float("nan"),
        "avg_from": str(complete["period"].iloc[0]) if len(complete) else "",
        "refund_only_customers": int(head["refund_only_customers"]),
        "refund_only_revenue": float(head["refund_only_revenue"]) if pd.notna(head["refund_only_revenue"]) else 0.0,
        "first_order": first,
        "last_order": pd.Timestamp(int(head["last_t"])),
    }


def _customer_summary(engine: SqlEngine, last_day: int) -> tuple[pd.DataFrame, pd.Series]:
    """:func:`~retention_xl.analysis.customers.customer_summary` (customers in order of
    first appearance, times to the last day of the data) and the median gaps."""
    # the engine's memory goes to the per-customer half before its rows are read in
    rows = engine.fetch_and_close(sql.CUSTOMER_ROWS, "the customer rows")
    first_ns = rows.pop("first_t").to_numpy(dtype=np.int64)
    last_ns = rows.pop("last_t").to_numpy(dtype=np.int64)
    index = pd.Index(rows.pop("customer").astype("str"), name="customer")  # Arrow-backed text, not Python objects
    first_day, last_of = first_ns // sql.DAY_NS, last_ns // sql.DAY_NS
    # the fetched columns are taken as they are (copy=False: no block of them all is stacked)
    summary = pd.DataFrame({
        "first_order": first_ns.view("datetime64[ns]"),
        "last_order": last_ns.view("datetime64[ns]"),
        "orders": rows.pop("orders").to_numpy(dtype=np.int64),
        "revenue": rows.pop("revenue").to_numpy(dtype=float),
        "days_since_last": last_day - last_of,
        "frequency": rows.pop("frequency").to_numpy(dtype=np.int64),
        "recency": (last_of - first_day).astype(float),
        "T": (last_day - first_day).astype(float),
        "monetary": rows.pop("monetary").to_numpy(dtype=float),
    }, index=index, copy=False)
    del first_day, last_of
    gaps = pd.Series(rows.pop("median_gap").to_numpy(dtype=float), index=index, name="median_gap", copy=False)
    return summary, gaps


def _holdout(engine: SqlEngine) -> tuple:
    """:func:`~retention_xl.analysis.holdout_split.holdout_split` from the engine: the last
    third of the history (whole days) as the holdout, the calibration summary before it."""
    span_row = engine.fetch(sql.PURCHASE_DAYS).iloc[0]
    first, last = int(span_row["first_day"]), int(span_row["last_day"])
    span = last - first + 1
    if span < MIN_HOLDOUT_DAYS:
        return None, "short_history", span
    start = last - span // 3 + 1
    rows = engine.fetch(sql.calibration_sql(start))
    calibration = pd.DataFrame({  # the customers in order of first purchase; their ids are not needed
        "frequency": rows.pop("frequency").to_numpy(dtype=float),
        "recency": rows.pop("recency").to_numpy(dtype=float) / UNIT_DAYS,
        "T": rows.pop("age").to_numpy(dtype=float) / UNIT_DAYS,
        "monetary": rows.pop("monetary").to_numpy(dtype=float),
    }, copy=False)
    if int((calibration["frequency"] > 0).sum()) < MIN_HOLDOUT_REPEAT_BUYERS:
        return None, "few_repeat_buyers", span
    actual = rows["actual"].to_numpy(dtype=np.int64)
    return (calibration, actual, (last - start + 1) / UNIT_DAYS), None, span
