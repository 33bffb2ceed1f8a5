"""Excel formulas of retention-xl (set xlwings' *UDF Modules* to ``retention_xl.udfs``).

Each formula only converts what Excel hands over (see :mod:`retention_xl.excel.cells`),
calls the pure function in :mod:`retention_xl.analysis` and shapes the result. The
docstring of each one is its description in Excel's function wizard.

Two things here are for Excel rather than for Python:

* Argument names are copied by xlwings into the VBA module that *Import Functions*
  creates, so each must be a legal VBA identifier and not a VBA reserved word
  (``end`` and ``new`` are reserved: CRR's arguments are ``start_customers``,
  ``end_customers``, ``new_customers``). ``tests/test_udfs_vba.py`` runs xlwings' own
  generator on this module and checks every name.
* Excel imports this module in the Python it starts for the formulas, so only what
  every formula needs is imported here; cleaning orders, the cohort tables and the
  models (pandas' heavier parts, scipy) are imported by the formulas that use them, on
  their first call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import xlwings as xw

from retention_xl.analysis import metrics
from retention_xl.errors import DataError, DivisionByZero, InvalidValue, OutOfRange
from retention_xl.excel.cells import (
    column,
    excel_formula,
    number,
    numbers,
    numbers_in_order,
    optional_flag,
    optional_number,
    text,
    values,
    whole_if_rounded,
)
from retention_xl.excel.formula_language import formula_language
from retention_xl.labels import labels_for

__all__ = [
    "AOV",
    "CES",
    "CHURN",
    "CHURN_COST",
    "CLV",
    "CLV_DISCOUNTED",
    "CLV_PREDICT",
    "COHORT",
    "CONTACT_PLAN",
    "CRR",
    "CSAT",
    "LIFESPAN",
    "NPS",
    "NPS_MOE",
    "PURCHASE_FREQUENCY",
    "P_ALIVE",
    "REPEAT_RATE",
    "SBG_RETENTION",
]

CATEGORY = "Retention"
#: the last argument of every formula that spills headers or words
LANGUAGE_DOC = ('Language of the headers and words: "en", "ar" or "fa" '
                "(default: that of the headings in the ranges, else of their text, else English).")


def _count_or_range(x: Any, name: str) -> np.ndarray:
    """The numbers of a range or of one cell, to be summed. Excel hands a one-cell range
    over as the bare value, so a range without any number answers as one cell would: a
    blank range as a blank cell, one starting with text as that text."""
    counts = numbers(x, name)
    if not counts.size:
        filled = [v for v in values(x, name) if v is not None and not (isinstance(v, str) and not v.strip())]
        number(filled[0] if filled else None, name)  # raises: blank, or not a number
    return counts


@xw.func(category=CATEGORY)
@xw.arg("start_customers", err_to_str=True, doc="Customers at the start of the period (S).")
@xw.arg("end_customers", err_to_str=True, doc="Customers at the end of the period (E).")
@xw.arg("new_customers", err_to_str=True, doc="New customers won during the period (N).")
@excel_formula
def CRR(start_customers, end_customers, new_customers):
    """Customer retention rate (E-N)/S as a fraction. Example: =CRR(10,8,0) gives 0.8 (80%)."""
    return metrics.crr(number(start_customers, "start_customers"), number(end_customers, "end_customers"),
                       number(new_customers, "new_customers"))


@xw.func(category=CATEGORY)
@xw.arg("lost", err_to_str=True, doc="Customers lost in the period: a number or a range of numbers (summed).")
@xw.arg("start", err_to_str=True, doc="Customers at the start of the period.")
@excel_formula
def CHURN(lost, start):
    """Churn rate lost/start as a fraction. Example: =CHURN(5,150) gives 0.0333 (3.33%)."""
    return metrics.churn(_count_or_range(lost, "lost"), number(start, "start"))


@xw.func(category=CATEGORY)
@xw.arg("lost", err_to_str=True, doc="Customers lost: a number or a range of numbers (summed).")
@xw.arg("value_per_customer", err_to_str=True, doc="Revenue or profit one customer brings.")
@excel_formula
def CHURN_COST(lost, value_per_customer):
    """Revenue or profit lost with churned customers. Example: =CHURN_COST(15,30000) gives 450000."""
    return metrics.churn_cost(
        _count_or_range(lost, "lost"), number(value_per_customer, "value_per_customer")
    )


@xw.func(category=CATEGORY)
@xw.arg("repeat", err_to_str=True, doc="Customers who bought more than once, or a range of customer ids (one per order); "
        "a heading such as Customer, Customer ID or Email and any title above it are left out, any other text counts as an id.")
@xw.arg("customers", err_to_str=True, doc="All customers. Leave out when the first argument is a range of ids.")
@xw.arg("amounts", err_to_str=True, doc="With a range of ids: the order amounts, same length (optional); "
        "a row with a negative amount (a refund) or none is no order.")
@xw.arg("order_ids", err_to_str=True, doc="With a range of ids: the order ids, same length (optional): rows sharing "
        "an id are one order, as in the report.")
@excel_formula
def REPEAT_RATE(repeat, customers=None, amounts=None, order_ids=None):
    """Share of customers who bought again, as a fraction. Example: =REPEAT_RATE(900,2000) gives 0.45."""
    if order_ids is not None:
        if repeat is None:
            raise DivisionByZero("no customer ids in the range")
        if customers is not None:
            raise InvalidValue("order_ids goes with a range of customer ids: leave customers out, "
                               "as in =REPEAT_RATE(A:A,,C:C,D:D)")
        frame, _, _ = _orders(repeat, NO_RANGE, amounts, order_ids, skip=_heading_rows(values(repeat, "repeat")),
                                customer_name="repeat")
        return metrics.repeat_rate_from_ids(frame["customer"].to_numpy()[frame["amount"].to_numpy() >= 0])
    if customers is None:  # one argument: a range of ids, of one cell (a bare value) or more
        if amounts is None and _is_count(repeat):
            # =REPEAT_RATE(900, B3) with B3 blank comes as REPEAT_RATE(900): a count whose
            # customers are missing, not one customer id 900 (a rate of 0); so does a count
            # stored as text, "900" or "۹۰۰", as every other count argument reads it
            raise InvalidValue("customers is blank: give the number of customers, or one range of customer ids")
        return metrics.repeat_rate_from_ids(_customer_keys(repeat, "repeat", amounts))
    if amounts is not None:
        raise InvalidValue("amounts goes with a range of customer ids: leave customers out")
    if isinstance(repeat, (list, tuple)) and isinstance(customers, (list, tuple)) and len(values(customers, "customers")) > 1:
        raise InvalidValue("customers is a range: for customer ids and their amounts, leave customers empty, "
                           "as in =REPEAT_RATE(A:A,,C:C)")
    return metrics.repeat_rate(number(repeat, "repeat"), number(customers, "customers"))


def _is_count(x: Any) -> bool:
    """Whether one cell's value is a number, or text that :func:`number` reads as one."""
    if isinstance(x, bool) or not isinstance(x, (int, float, str)):
        return False
    try:
        number(x, "repeat")
    except (InvalidValue, OutOfRange):
        return False
    return True


#: the roles whose column names, near the top of a range of customer ids, are its heading
CUSTOMER_ROLES = ("customer", "customer_fallback")
#: how far down a range of ids its heading is looked for: a whole column (A:A) of a sheet
#: with a title and hints above the table, as the template's Orders sheet has
HEADING_ROWS = 10


def _customer_keys(ids: Any, name: str, amounts: Any = None) -> np.ndarray:
    """The customer of each non-empty cell of a range, keyed as the cleaning keys orders'
    customers (e-mail case, digit scripts, invisible marks, 123 = "123"), so that every
    formula counts the same people. A cell among the first :data:`HEADING_ROWS` that is
    exactly a name the column detection knows for a customer column ("Customer",
    "Customer ID", "Email", "Billing name" ...) is the range's heading and left out with
    any title or hint above it (a whole column, A:A).

    With ``amounts`` (a range of the same size), only the rows that are orders count, as
    in the report: an amount of 0 or more, read as the report reads amounts; a refund (a
    negative amount) or a row without a usable amount is no order."""
    import pandas as pd

    from retention_xl.analysis.column_values import ColumnValues, row_keys
    from retention_xl.analysis.numerals import parse_numbers

    cells = values(ids, name)
    amount = None if amounts is None else column(amounts, "amounts")  # float64 when all numbers
    if amount is not None and len(amount) != len(cells):
        raise InvalidValue(f"amounts has {len(amount)} cells but {name} has {len(cells)}: give ranges of the same size")
    skip = _heading_rows(cells)
    if skip:  # the heading, and any title or hint above it
        cells = cells[skip:]
        amount = None if amount is None else amount[skip:]  # the amounts' heading
    keys = row_keys(ColumnValues.of(pd.Series(_no_booleans(cells), dtype=object)))
    if amount is not None:
        read = amount if amount.dtype == float else \
            parse_numbers(pd.Series(_no_booleans(list(amount)), dtype=object)).values
        keys = keys[np.isfinite(read) & (read >= 0)]
    return keys[keys != ""]


def _heading_rows(cells: list) -> int:
    """How many first cells of a range of customer ids are its heading and what stands
    above it (see :func:`_customer_keys`); 0 when none of the first :data:`HEADING_ROWS`
    is a customer column's name."""
    from retention_xl.analysis.columns import names_role

    heading = next((i for i, c in enumerate(cells[:HEADING_ROWS])
                    if isinstance(c, str) and any(names_role(c, r) for r in CUSTOMER_ROLES)), None)
    return 0 if heading is None else heading + 1


def _no_booleans(cells: list) -> list:
    """TRUE and FALSE cells as blanks: no customer's id (and Python's TRUE equals 1)."""
    return [None if isinstance(c, (bool, np.bool_)) else c for c in cells]


@xw.func(category=CATEGORY)
@xw.arg("avg_order_value", err_to_str=True, doc="Average order value.")
@xw.arg("purchases_per_period", err_to_str=True, doc="Purchases per customer per period.")
@xw.arg("periods", err_to_str=True, doc="Number of periods a customer stays.")
@xw.arg("margin", err_to_str=True, doc="Profit margin as a fraction (default 1: revenue).")
@xw.arg("acquisition_cost", err_to_str=True, doc="Cost of winning the customer (default 0).")
@excel_formula
def CLV(avg_order_value, purchases_per_period, periods, margin=None, acquisition_cost=None):
    """Simple lifetime value AOV*purchases*periods*margin-cost. Example: =CLV(50,4,3,0.3,40) gives 140."""
    return metrics.clv(
        number(avg_order_value, "avg_order_value"),
        number(purchases_per_period, "purchases_per_period"),
        number(periods, "periods"),
        optional_number(margin, "margin", 1.0),
        optional_number(acquisition_cost, "acquisition_cost", 0.0),
    )


@xw.func(category=CATEGORY)
@xw.arg("margin", err_to_str=True, doc="Margin earned per period while the customer is active.")
@xw.arg("retention", err_to_str=True, doc="Retention rate per period as a fraction (e.g. 0.8).")
@xw.arg("discount", err_to_str=True, doc="Discount rate per period as a fraction (e.g. 0.1).")
@xw.arg("periods", err_to_str=True, doc="Number of periods; leave out for an unlimited horizon.")
@excel_formula
def CLV_DISCOUNTED(margin, retention, discount, periods=None):
    """Lifetime value: sum of m*r^t/(1+d)^t, t=0..T-1, or m(1+d)/(1+d-r) with no T. =CLV_DISCOUNTED(100,0.8,0.1) gives 366.67."""
    return metrics.clv_discounted(
        number(margin, "margin"),
        number(retention, "retention"),
        number(discount, "discount"),
        whole_if_rounded(optional_number(periods, "periods", None)),
    )


@xw.func(category=CATEGORY)
@xw.arg("churn_rate", err_to_str=True, doc="Churn rate per period as a fraction.")
@excel_formula
def LIFESPAN(churn_rate):
    """Expected customer lifespan in periods, 1/churn_rate. Example: =LIFESPAN(0.25) gives 4."""
    return metrics.lifespan(number(churn_rate, "churn_rate"))


@xw.func(category=CATEGORY)
@xw.arg("scores", err_to_str=True, doc="Range of 0-10 answers; blanks and text are ignored.")
@excel_formula
def NPS(scores):
    """Net Promoter Score in points (-100..100): % of 9-10 minus % of 0-6 answers."""
    return metrics.nps(numbers(scores, "scores"))


@xw.func(category=CATEGORY)
@xw.arg("scores", err_to_str=True, doc="Range of 0-10 answers; blanks and text are ignored.")
@xw.arg("confidence", err_to_str=True, doc="Confidence level (default 0.95).")
@excel_formula
def NPS_MOE(scores, confidence=None):
    """Margin of error of the NPS in points, e.g. 8.5 means NPS plus or minus 8.5 at 95% confidence; needs two answers or more."""
    return metrics.nps_moe(
        numbers(scores, "scores"), optional_number(confidence, "confidence", 0.95)
    )


@xw.func(category=CATEGORY)
@xw.arg("scores", err_to_str=True, doc="Range of answers from 1 to scale_max; blanks and text are ignored.")
@xw.arg("scale_max", err_to_str=True, doc="Highest answer on the scale (default 5).")
@excel_formula
def CSAT(scores, scale_max=None):
    """Customer satisfaction: share of answers in the top two boxes, as a fraction (4 and 5 on a 1-5 scale)."""
    return metrics.csat(numbers(scores, "scores"), whole_if_rounded(optional_number(scale_max, "scale_max", 5)))


@xw.func(category=CATEGORY)
@xw.arg("scores", err_to_str=True, doc="Range of 1-7 answers to 'it was easy' (7 = very easy); blanks and text are ignored.")
@excel_formula
def CES(scores):
    """Customer effort score: the mean of 1-7 answers to "it was easy to ..." (higher means less effort)."""
    return metrics.ces(numbers(scores, "scores"))


@xw.func(category=CATEGORY)
@xw.arg("amounts", err_to_str=True, doc="Range of order amounts; blanks and text are ignored, "
        "and so are refunds (negative amounts): a refund is no order.")
@xw.arg("order_ids", err_to_str=True, doc="Range of order ids, same length (optional): rows sharing an id are "
        "one order, as in the report (lines added up, a repeated row counted once).")
@excel_formula
def AOV(amounts, order_ids=None):
    """Average order value: total of the order amounts divided by their number, refunds left out as in the report."""
    if order_ids is None or amounts is None:  # no amounts: no orders, whatever their ids
        return metrics.aov(numbers(amounts, "amounts"))
    frame, _, _ = _orders(NO_RANGE, NO_RANGE, amounts, order_ids)
    return metrics.aov(frame["amount"].to_numpy())


@xw.func(category=CATEGORY)
@xw.arg("orders", err_to_str=True, doc="Number of orders in the period.")
@xw.arg("customers", err_to_str=True, doc="Number of distinct customers who ordered.")
@excel_formula
def PURCHASE_FREQUENCY(orders, customers):
    """Orders per customer, orders/customers. Example: =PURCHASE_FREQUENCY(300,120) gives 2.5."""
    return metrics.purchase_frequency(number(orders, "orders"), number(customers, "customers"))


#: what a formula without a customer or date argument gives :func:`_orders` for it (a
#: blank argument is ``None``, one blank cell)
NO_RANGE = object()


def _orders(customer_ids: Any, order_dates: Any, amounts: Any = None, order_ids: Any = None,
            amounts_required: bool = False, skip: int = 0, customer_name: str = "customer_ids"):
    """Clean orders from the ranges (without amounts every line counts 1, unless
    ``amounts_required``: a formula that values customers refuses a blank amounts argument,
    ``=CLV_PREDICT(A:A,B:B,)``); with order ids,
    rows sharing an id are the lines of one order. Returns the orders' frame and each
    customer key's first cell in ``customer_ids`` as it was (a number stays a number), so
    a per-customer spill shows the id the user will look up, and the cleaning's notices.

    A formula that counts orders without dating them (``AOV``, ``REPEAT_RATE``) gives
    :data:`NO_RANGE` as ``order_dates`` (every row is then on one day) and ``AOV`` as
    ``customer_ids`` too (every row is then one customer's): the cleaning still turns
    lines into orders, leaves refunds out and drops a row that repeats its order as the
    report does, judged on the ranges given. ``skip`` leaves out that many first cells of every range (a heading);
    ``customer_name`` is the formula's name for ``customer_ids`` in its messages.
    """
    import pandas as pd

    from retention_xl.analysis.column_values import ColumnValues, first_spellings
    from retention_xl.analysis.orders import clean_orders

    given = {name: column(x, name)[skip:] for name, x, blank in (
        (customer_name, customer_ids, NO_RANGE), ("order_dates", order_dates, NO_RANGE),
        ("amounts", amounts, None), ("order_ids", order_ids, None)) if x is not blank}
    first = next(iter(given))  # the customers, or the amounts (AOV)
    n = len(given[first])
    for name, cells in given.items():
        if len(cells) != n:
            pair = (first, n, name, len(cells)) if name == "order_dates" else (name, len(cells), first, n)
            raise InvalidValue("{} has {} cells but {} has {}: give ranges of the same size".format(*pair))
    columns = {"customer": _no_booleans(given[customer_name]) if customer_ids is not NO_RANGE else np.ones(n),
               "date": given.get("order_dates", np.full(n, np.datetime64("2000-01-01", "ns"))),
               "amount": given.get("amounts", np.ones(n))}
    if order_ids is not None:
        columns["order"] = given["order_ids"]
    raw = pd.DataFrame(columns, copy=False)
    # blank rows of a whole-column range: no customer and no date; without dates, nothing in
    # any range given (a line without its customer is still a line of its order)
    told = ["customer", "date"] if order_dates is not NO_RANGE else \
        [c for c, name in (("customer", customer_name), ("amount", "amounts"), ("order", "order_ids")) if name in given]
    blank = np.logical_and.reduce([pd.isna(raw[c]).to_numpy() for c in told])
    if blank.any():
        raw = raw[~blank]
    if amounts is None and amounts_required and not raw.empty:
        raise InvalidValue("amounts is blank: give the range of order amounts")
    customers = ColumnValues.of(raw["customer"])
    orders = clean_orders(raw, customer="customer", date="date", amount="amount",
                          order_id="order" if order_ids is not None else None,
                          known_values={"customer": customers})
    if orders.frame.empty:
        what = ("customer, date or amount" if order_dates is not NO_RANGE else "amount" if customer_ids is NO_RANGE
                else "customer" if amounts is None else "customer or amount")
        raise DataError(f"no usable orders in the ranges (every row has a missing or unusable {what})")
    return orders.frame, first_spellings(customers), orders.notices


_SHOW = {"retention": "retention", "customers": "customers", "revenue": "revenue", "orders": "orders"}


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("customer_ids", err_to_str=True, doc="Range of customer ids, one per order.")
@xw.arg("order_dates", err_to_str=True, doc="Range of order dates, same length (dates, serial numbers or date text).")
@xw.arg("period", err_to_str=True, doc='Cohort period: "M" (default), "W", "Q" or "Y".')
@xw.arg("show", err_to_str=True, doc='"retention" (default, fractions), "customers", "orders" or "revenue".')
@xw.arg("amounts", err_to_str=True, doc="Range of order amounts (needed for revenue; negative = refund).")
@xw.arg("order_ids", err_to_str=True, doc="Range of order ids, same length (optional): rows sharing an id are one order.")
@xw.arg("language", err_to_str=True, doc=LANGUAGE_DOC)
@excel_formula
def COHORT(customer_ids, order_dates, period=None, show=None, amounts=None, order_ids=None,
           language=None):
    """Spills the cohort table: one row per cohort (period of first order), columns P0, P1... (periods since); Jalali dates give Jalali periods."""
    import pandas as pd

    from retention_xl.analysis.cohorts import cohort_tables
    from retention_xl.analysis.periods import report_calendar

    code = text(period, "period", "M")
    what = text(show, "show", "retention").lower()
    if what not in _SHOW:
        raise InvalidValue(f'show must be retention, customers, orders or revenue, got "{what}"')
    if amounts is None and what == "revenue":
        raise InvalidValue("revenue needs the amounts range as the 5th argument")
    frame, _, notices = _orders(customer_ids, order_dates, amounts, order_ids)
    calendar = report_calendar("auto", notices)
    cohorts = cohort_tables(frame, code, calendar)
    words = labels_for(formula_language(language, customer_ids, order_dates, amounts, order_ids,
                                        jalali=calendar == "jalali"))
    matrix = getattr(cohorts, _SHOW[what])
    header = [words["col.cohort"], words["formula.size"], *matrix.columns]
    body = np.column_stack([cohorts.size.to_numpy(), matrix.to_numpy()]).astype(object)
    # periods a cohort has not reached yet are blank; any other NaN (revenue that overflowed)
    # stays, for the formula's check to refuse
    body[:, 1:][pd.isna(cohorts.customers.to_numpy())] = ""
    return [header] + [[label, *row] for label, row in zip(matrix.index, body.tolist())]


def _as_typed(customers: Any, spellings: Any) -> list[Any]:
    """The customers (keys of the cleaning) as the user's own cells (see :func:`_orders`);
    a date stays a date, as the ``datetime`` xlwings handed over."""
    import pandas as pd

    cells = spellings.loc[np.asarray(customers, dtype=object)].tolist()
    return [v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in cells]


def _predictions(customer_ids: Any, order_dates: Any, amounts: Any = None, order_ids: Any = None,
                 amounts_required: bool = False, **options: float):
    """Per-customer predictions, the customers as the user's cells and whether the dates
    were Jalali; no model, no numbers: the reason as #NUM!."""
    from retention_xl.analysis.customers import customer_summary
    from retention_xl.analysis.periods import report_calendar
    from retention_xl.analysis.prediction import predict_customers

    orders, spellings, notices = _orders(customer_ids, order_dates, amounts, order_ids, amounts_required)
    prediction = predict_customers(customer_summary(orders), orders=orders, **options)
    if not prediction.available:
        raise prediction.problem
    return (prediction.customers, _as_typed(prediction.customers.index, spellings),
            report_calendar("auto", notices) == "jalali")


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("customer_ids", err_to_str=True, doc="Range of customer ids, one per order.")
@xw.arg("order_dates", err_to_str=True, doc="Range of order dates, same length (dates, serial numbers or date text).")
@xw.arg("amounts", err_to_str=True, doc="Range of order amounts, same length (negative = refund, left out).")
@xw.arg("horizon", err_to_str=True, doc="Months to predict (default 12).")
@xw.arg("margin", err_to_str=True, doc="Profit margin as a fraction (default 1: revenue).")
@xw.arg("discount", err_to_str=True, doc="Discount rate per month as a fraction (default 0.01).")
@xw.arg("intervals", err_to_str=True, doc="TRUE adds low/high columns: 90% intervals of expected purchases and CLV (default FALSE).")
@xw.arg("order_ids", err_to_str=True, doc="Range of order ids, same length (optional): rows sharing an id are one order.")
@xw.arg("language", err_to_str=True, doc=LANGUAGE_DOC)
@excel_formula
def CLV_PREDICT(customer_ids, order_dates, amounts, horizon=None, margin=None, discount=None, intervals=None,
                order_ids=None, language=None):
    """Spills per customer: P(alive), expected purchases and spend per order, predicted CLV over the horizon (Pareto/NBD or MBG/NBD and Gamma-Gamma models, fitted on the orders); optionally 90% intervals."""
    options = {
        "horizon": whole_if_rounded(optional_number(horizon, "horizon", 12)),
        "margin": optional_number(margin, "margin", 1.0),
        "discount": optional_number(discount, "discount", 0.01),
    }
    with_intervals = optional_flag(intervals, "intervals")
    p, typed, jalali = _predictions(customer_ids, order_dates, amounts, order_ids, amounts_required=True, **options)
    words = labels_for(formula_language(language, customer_ids, order_dates, amounts, order_ids, jalali=jalali))
    columns = ["p_alive", "expected_purchases", "expected_spend", "predicted_clv"]
    header = [words["col.customer"], words["col.p_alive"], words["formula.expected_purchases"],
              words["formula.expected_spend"], words["formula.predicted_clv"]]
    if with_intervals:
        extra = ["expected_purchases_low", "expected_purchases_high", "predicted_clv_low", "predicted_clv_high"]
        columns += extra
        header += [words[f"col.{c}"] for c in extra]
    body = p[columns].to_numpy().tolist()
    return [header] + [[c, *row] for c, row in zip(typed, body)]


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("customer_ids", err_to_str=True, doc="Range of customer ids, one per order.")
@xw.arg("order_dates", err_to_str=True, doc="Range of order dates, same length (dates, serial numbers or date text).")
@xw.arg("order_ids", err_to_str=True, doc="Range of order ids, same length (optional): rows sharing an id are one order.")
@xw.arg("language", err_to_str=True, doc=LANGUAGE_DOC)
@excel_formula
def P_ALIVE(customer_ids, order_dates, order_ids=None, language=None):
    """Spills per customer the probability that the customer is still active (Pareto/NBD or MBG/NBD model fitted on the orders): it falls the longer a customer has not ordered, one-time buyers included."""
    p, typed, jalali = _predictions(customer_ids, order_dates, order_ids=order_ids)
    words = labels_for(formula_language(language, customer_ids, order_dates, order_ids, jalali=jalali))
    return [[words["col.customer"], words["col.p_alive"]]] + [[c, v] for c, v in zip(typed, p["p_alive"].tolist())]


MAX_PERIODS_AHEAD = 1000


@xw.func(category=CATEGORY)
@xw.arg("survivors", err_to_str=True, doc="Range of customers still subscribed at the start of each period, starting with the cohort size, "
        "one per period without gaps (a heading above and blanks below are left out).")
@xw.arg("periods_ahead", err_to_str=True, doc="Periods to project beyond the data (0 for the fitted periods only).")
@xw.arg("language", err_to_str=True, doc=LANGUAGE_DOC)
@excel_formula
def SBG_RETENTION(survivors, periods_ahead, language=None):
    """Spills per period the projected survivors and retention rate of a subscription cohort (shifted-beta-geometric model fitted on the survivor counts)."""
    from retention_xl.analysis.models.shifted_beta_geo import ShiftedBetaGeo

    words = labels_for(formula_language(language, survivors))
    counts = numbers_in_order(survivors, "survivors", "period")
    ahead = whole_if_rounded(number(periods_ahead, "periods_ahead"))
    if not ahead.is_integer() or not 0 <= ahead <= MAX_PERIODS_AHEAD:
        raise OutOfRange(f"periods_ahead must be a whole number from 0 to {MAX_PERIODS_AHEAD}, got {ahead:g}")
    model = ShiftedBetaGeo().fit(counts)
    periods = np.arange(counts.size + int(ahead), dtype=float)
    projected = (counts[0] * model.survival(periods)).tolist()
    rates = [""] + model.retention_rates(periods[1:]).tolist()
    return [[words["col.period"], words["formula.survivors"], words["formula.retention_rate"]]] + [
        [t, n, r] for t, n, r in zip(periods.tolist(), projected, rates)]


#: CONTACT_PLAN's columns: (label of the header, column of the plan, kind)
PLAN_COLUMNS = (
    ("col.priority", "priority", "number"), ("col.customer", "customer", "customer"),
    ("col.status", "status", "status"), ("col.plan_action", "action", "plan_action"), ("col.why", "reason", "reason"),
    ("col.act_on", "act_on", "date"), ("col.last_order", "last_order", "date"),
    ("col.last_contact", "last_contact", "date"), ("col.expected_next", "expected_next", "date"),
    ("col.days_overdue", "days_overdue", "number"), ("col.value_at_stake", "value", "number"),
)


@xw.func(category=CATEGORY, call_in_wizard=False)
@xw.arg("customer_ids", err_to_str=True, doc="Range of customer ids, one per order.")
@xw.arg("order_dates", err_to_str=True, doc="Range of order dates, same length (dates, serial numbers or date text).")
@xw.arg("amounts", err_to_str=True, doc="Range of order amounts, same length (negative = refund).")
@xw.arg("as_of", err_to_str=True, doc="Day the plan is for (default: the day of the last order), e.g. =TODAY().")
@xw.arg("contact_ids", err_to_str=True, doc="Contact log: range of the customers contacted (optional).")
@xw.arg("contact_dates", err_to_str=True, doc="Contact log: range of the contact dates, same length.")
@xw.arg("order_ids", err_to_str=True, doc="Range of order ids, same length (optional): rows sharing an id are one order.")
@xw.arg("language", err_to_str=True, doc=LANGUAGE_DOC)
@excel_formula
def CONTACT_PLAN(customer_ids, order_dates, amounts, as_of=None, contact_ids=None, contact_dates=None,
                 order_ids=None, language=None):
    """Spills the contact plan of the next 12 weeks: per customer to contact, its status, action, why, day to act and value at stake, highest priority first; Jalali dates give Jalali days."""
    import pandas as pd

    from retention_xl.analysis.contacts import plan_contacts
    from retention_xl.analysis.overview import customer_table
    from retention_xl.analysis.periods import report_calendar
    from retention_xl.analysis.segments import median_gaps
    from retention_xl.analysis.side_tables import clean_contact_log

    frame, spellings, notices = _orders(customer_ids, order_dates, amounts, order_ids, amounts_required=True)
    calendar = report_calendar("auto", notices)
    words = labels_for(formula_language(language, customer_ids, order_dates, amounts, order_ids,
                                        jalali=calendar == "jalali"))
    day = _day_arg(as_of)
    log = None
    if (contact_ids is None) != (contact_dates is None):
        raise InvalidValue("give both contact_ids and contact_dates, or neither")
    if contact_ids is not None:
        ids, dates = values(contact_ids, "contact_ids"), values(contact_dates, "contact_dates")
        if len(ids) != len(dates):
            raise InvalidValue(f"contact_ids has {len(ids)} cells but contact_dates has {len(dates)}: "
                               "give ranges of the same size")
        raw = pd.DataFrame({"customer": pd.Series(ids, dtype=object), "date": pd.Series(dates, dtype=object)})
        raw = raw[~(raw["customer"].isna() & raw["date"].isna())]
        log = clean_contact_log(raw, customer="customer", date="date")
    customers, _ = customer_table(frame)
    plan = plan_contacts(customers, median_gaps(frame), as_of=day, contacts=log).plan
    if plan.empty:
        raise DataError("nobody to contact in the next 12 weeks: every customer is lost")
    columns = []
    for _, key, kind in PLAN_COLUMNS:
        col = plan[key]
        if kind == "date":
            columns.append(_day_texts(col, calendar))
        elif kind == "number":
            number = col.astype(float)
            if np.isinf(number).any():
                raise OutOfRange("amounts too large to add up: a value at stake is beyond the largest number")
            columns.append(number.tolist())
        elif kind == "customer":
            columns.append(_as_typed(col, spellings))
        else:
            columns.append([words[f"{kind}.{c}"] for c in col])
    return [[words[h] for h, _, _ in PLAN_COLUMNS]] + [list(row) for row in zip(*columns)]


def _day_texts(days: Any, calendar: str) -> list[str]:
    """Days as the report writes them in its sentences (:func:`~retention_xl.wording.day_text`):
    ``2024-03-20``, or ``1403-01-01`` when the orders' dates were Jalali; no day is "".
    Each distinct day is written once."""
    import pandas as pd

    from retention_xl.wording import day_text

    days = pd.to_datetime(days)
    if calendar != "jalali":
        return days.dt.strftime("%Y-%m-%d").fillna("").tolist()
    written = {day: day_text(day, calendar) for day in days.dropna().unique()}
    return days.map(written, na_action="ignore").astype(object).where(days.notna(), "").tolist()


def _day_arg(x: Any) -> object:
    """The plan day from a cell: a date, date text, or a serial number; blank is ``None``."""
    if isinstance(x, (list, tuple)):
        flat = values(x, "as_of")
        if len(flat) != 1:
            raise InvalidValue(f"as_of must be a single date, got a range of {len(flat)} cells")
        x = flat[0]
    if x is None or isinstance(x, (dt.datetime, dt.date)):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise InvalidValue(f"as_of must be a date, got {'TRUE' if x else 'FALSE'}")
    if isinstance(x, str):
        return text(x, "as_of", "") or None  # an error value is passed on; bad text is #VALUE!
    return _serial_day(number(x, "as_of"))


def _serial_day(serial: float) -> dt.datetime:
    """An Excel serial day number (1900 date system) as a date; 45658 = 2025-01-01."""
    if not 1 <= serial <= 2_958_465:
        raise OutOfRange(f"as_of must be a date, got the number {serial:g}")
    return dt.datetime(1899, 12, 30) + dt.timedelta(days=int(serial))
