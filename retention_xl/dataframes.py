"""One analysis at a time on any order DataFrame: pandas in, pandas out.

For a notebook: give an export as read (``pd.read_csv(...)``) or the result of
:func:`~retention_xl.pipeline.read_orders`; the columns are detected (or named with
``customer=``, ``date=``, ``amount=`` ...) and cleaned exactly as for the report, so the
numbers are the report's numbers. A missing column is a
:class:`~retention_xl.errors.MissingColumns` error naming the role and the columns found.

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({"Email": ["a@x", "b@x", "a@x"],
...                     "Order date": ["2024-01-05", "2024-01-20", "2024-02-03"]})
>>> cohort_table(raw)  # doctest: +NORMALIZE_WHITESPACE
         Size   P0   P1
Cohort
2024-01      2  1.0  0.5
"""

from __future__ import annotations

import pandas as pd

from retention_xl.analysis import kpis as _kpis
from retention_xl.analysis.cohorts import cohort_tables
from retention_xl.analysis.contacts import plan_contacts
from retention_xl.analysis.segments import median_gaps
from retention_xl.analysis.side_tables import SideTable
from retention_xl.analysis.orders import Orders, no_orders_error
from retention_xl.analysis.overview import customer_table as _customer_table
from retention_xl.analysis.periods import report_calendar
from retention_xl.errors import InvalidValue, MissingColumns, ModelError
from retention_xl.options import ReportOptions
from retention_xl.pipeline import clean, side_table

__all__ = ["cohort_table", "period_kpis", "customer_table", "predict_clv", "contact_plan"]

_SHOW = ("retention", "customers", "orders", "revenue")


def _frame(orders: Orders | pd.DataFrame, roles: dict[str, str], *, need_amount: bool = True,
           dayfirst: bool | None = None) -> pd.DataFrame:
    """Clean orders (``customer, date, amount``) from whatever the caller has."""
    return _orders(orders, roles, need_amount=need_amount, dayfirst=dayfirst).frame


def _orders(orders: Orders | pd.DataFrame, roles: dict[str, str], *, need_amount: bool = True,
            dayfirst: bool | None = None) -> Orders:
    """:func:`_frame`, with what the cleaning decided (the notices: the dates' calendar)."""
    if isinstance(orders, pd.DataFrame):
        options = ReportOptions(dayfirst=dayfirst)
        try:
            orders = clean(orders, options, **roles)
        except MissingColumns as e:
            if need_amount or e.roles != ("amount",):
                raise
            # without amounts every order counts one (a cohort of customers needs no money)
            orders = clean(orders.assign(**{"(count)": 1.0}), options, **{**roles, "amount": "(count)"})
    elif not isinstance(orders, Orders):
        raise InvalidValue(f"orders must be a pandas DataFrame or Orders, got {type(orders).__name__}")
    elif roles or dayfirst is not None:
        given = ", ".join(f"{k}=" for k in [*roles, *(["dayfirst"] if dayfirst is not None else [])])
        raise InvalidValue(f"{given} would change how the table is cleaned, but these orders are cleaned already: "
                           f"give them to rx.read_orders instead")
    if orders.frame.empty:
        raise no_orders_error(orders)
    return orders


def cohort_table(orders: Orders | pd.DataFrame, *, period: str = "M", show: str = "retention",
                 calendar: str = "auto", dayfirst: bool | None = None, **roles: str) -> pd.DataFrame:
    """The cohort matrix: one row per cohort (period of first order), ``Size``, then ``P0, P1 ...``.

    Parameters
    ----------
    orders : pandas.DataFrame or Orders
        An order export (amounts are needed only for ``show="revenue"``).
    period : {"M", "W", "Q", "Y"}
    show : {"retention", "customers", "orders", "revenue"}
        Share of the cohort active in period k, active customers, orders, or net revenue.
    calendar : {"auto", "gregorian", "jalali"}
        The calendar of the periods; ``"auto"``: Jalali when the dates were written in it,
        as the report counts them.
    **roles : str
        Column names by role (``customer=``, ``date=``, ``amount=`` ...).
    """
    if show not in _SHOW:
        raise InvalidValue(f"show must be one of {', '.join(_SHOW)}, got {show!r}")
    cleaned = _orders(orders, roles, need_amount=show == "revenue", dayfirst=dayfirst)
    cohorts = cohort_tables(cleaned.frame, period, report_calendar(calendar, cleaned.notices))
    table = getattr(cohorts, show).copy()
    table.insert(0, "Size", cohorts.size.to_numpy().astype("int64"))
    table.index = pd.Index(table.index.astype(str), name="Cohort")
    return table


def period_kpis(orders: Orders | pd.DataFrame, *, period: str = "M", window_days: int | None = None,
                calendar: str = "auto", dayfirst: bool | None = None, **roles: str) -> pd.DataFrame:
    """The report's PeriodKPIs table: customers at start S, new N, reactivated, lost, at end E,
    CRR, churn, buyers, orders, revenue, AOV and repeat rate per period; ``calendar`` as for
    :func:`cohort_table`."""
    cleaned = _orders(orders, roles, dayfirst=dayfirst)
    return _kpis.period_kpis(cleaned.frame, period, window_days, report_calendar(calendar, cleaned.notices))


def customer_table(orders: Orders | pd.DataFrame, *, margin: float = 1.0, horizon: int = 12,
                   discount: float = 0.01, dayfirst: bool | None = None, **roles: str) -> pd.DataFrame:
    """The report's Customers table: first/last order, orders, revenue, R/F/M scores, segment,
    CLV, the purchase-model predictions and the at-risk flag, one row per customer."""
    ReportOptions(margin=margin, horizon=horizon, discount=discount)  # checks the values
    frame = _frame(orders, roles, dayfirst=dayfirst)
    return _customer_table(frame, margin=margin, horizon=horizon, discount=discount)[0]


def predict_clv(orders: Orders | pd.DataFrame, *, horizon: int = 12, margin: float = 1.0,
                discount: float = 0.01, dayfirst: bool | None = None, **roles: str) -> pd.DataFrame:
    """Per customer: P(alive), expected purchases and predicted CLV over ``horizon`` months,
    with their 90% intervals: the report's prediction columns. The purchase model is chosen
    as for the report (Pareto/NBD, MBG/NBD or BG/NBD, on a holdout when the history is
    long enough) and spend per order comes from a Gamma-Gamma fit.

    Raises
    ------
    ModelError
        The data cannot support the purchase model (the message says why).
    """
    ReportOptions(margin=margin, horizon=horizon, discount=discount)  # checks the values
    frame = _frame(orders, roles, dayfirst=dayfirst)
    _, prediction = _customer_table(frame, margin=margin, horizon=horizon, discount=discount)
    if not prediction.available:
        raise ModelError(prediction.problem)
    return prediction.customers


def contact_plan(orders: Orders | pd.DataFrame, *, as_of=None, contacts: SideTable | pd.DataFrame | None = None,
                 quiet_days: int = 30, weeks: int = 12, window_days: int = 90, margin: float = 1.0,
                 dayfirst: bool | None = None, **roles: str) -> pd.DataFrame:
    """The contact plan (codes, not words): one row per customer to contact in the next
    ``weeks`` weeks, in priority order; see :mod:`retention_xl.analysis.contacts` for the
    status and action rules and the columns.

    ``contacts`` is a contact log (customer, date, channel): a DataFrame as read, or
    cleaned with :func:`~retention_xl.read_side_table`.

    Examples
    --------
    >>> raw = pd.DataFrame({"Customer": ["a", "a", "a", "b"],
    ...                     "Date": ["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-25"],
    ...                     "Amount": [10, 10, 10, 30]})
    >>> contact_plan(raw, as_of="2024-02-01")[["customer", "status", "action", "act_on"]]
      customer    status        action     act_on
    0        b  on_track  second_order 2024-02-01
    1        a       due       loyalty 2024-02-01
    """
    options = ReportOptions(dayfirst=dayfirst, as_of=as_of)  # as_of read in the date order chosen
    contacts = side_table(contacts, "contacts", options)
    frame = _frame(orders, roles, dayfirst=dayfirst)
    customers, _ = _customer_table(frame, margin=margin)
    return plan_contacts(customers, median_gaps(frame), as_of=options.as_of, window_days=window_days,
                         quiet_days=quiet_days, weeks=weeks, contacts=contacts).plan
