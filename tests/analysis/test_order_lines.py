"""Order lines to orders: the UCI Online Retail layout against an analyst's pandas, the
grouping helpers, and what is an order line and what is not."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from online_retail_layout import analyst_figures, online_retail_lines
from order_tables import built_report, words
from retention_xl.analysis.order_lines import amount_level, group_orders
from retention_xl.analysis.orders import clean_orders


@pytest.mark.parametrize("seed", [0, pytest.param(1, marks=pytest.mark.slow)])
def test_online_retail_layout_with_no_options_gives_the_analysts_figures(seed):
    raw = online_retail_lines(1500, seed)
    expected = analyst_figures(raw)
    r = built_report(raw)
    h = r.analysis.headline
    assert r.clean.columns.layout == "invoice_lines"
    assert h["customers"] == expected["customers"] == len(r.analysis.customers)
    assert h["orders"] == expected["orders"]
    assert h["revenue"] == pytest.approx(expected["revenue"], abs=1e-6)
    assert h["aov"] == pytest.approx(expected["aov"])
    assert h["repeat_rate"] == pytest.approx(expected["repeat_rate"])
    cohorts = r.analysis.cohorts
    assert cohorts.size.astype(int).tolist() == expected["cohort_sizes"]
    assert cohorts.retention.iloc[0, 1:4].tolist() == pytest.approx(expected["first_cohort_retention"])
    # the statement's counts are the analyst's
    notes = words(r.clean.notices)
    assert any(n.startswith(f"{expected['cancellation_lines']:,} cancellation lines") and
               f"reduce revenue by {expected['cancellation_value']:,.2f}" in n for n in notes)
    # dropping identical lines is the user's choice, and gives the analyst's other figure
    dropped = built_report(raw.drop_duplicates())
    assert dropped.analysis.headline["revenue"] == pytest.approx(expected["revenue_without_identical_lines"])


def test_groups_keep_an_orders_lines_together_in_input_order():
    g = group_orders(np.array([3, 1, 3, -1, 1, 3]), np.array([True, True, True, True, True, False]))
    assert [g.perm[s:e].tolist() for s, e in zip(g.starts, [*g.starts[1:], len(g.perm)])] == [[1, 4], [0, 2], [3]]
    assert g.code.tolist() == [1, 3, -1]
    assert g.of_rows().tolist() == [1, 0, 1, 2, 0, -1]
    assert g.first(np.array([False, False, True, True, True, True])).tolist() == [4, 2, 3]
    assert g.min(np.array([5, 9, 2, 7, 1, 0]), np.ones(6, bool)).tolist() == [1, 2, 7]


def _level(amounts, ids, header="Total"):
    present = np.array([a is not None for a in amounts])
    values = np.array([np.nan if a is None else a for a in amounts], dtype=float)
    return amount_level(group_orders(np.array(ids), np.ones(len(ids), bool)), present, values, [header.lower()])


def test_amount_level_from_the_data():
    # the total on the first line only (Shopify): an order total
    assert _level([55.0, None, 40.0, 15.0, None], [0, 0, 1, 2, 2]) == "order"
    # the same value on every line under "Total": an order total repeated
    assert _level([100.0, 100.0, 70.0], [0, 0, 1]) == "order"
    # the same value under a line header, or different values: line amounts
    assert _level([100.0, 100.0, 70.0], [0, 0, 1], header="Line amount") == "line"
    assert _level([60.0, 40.0, 70.0], [0, 0, 1]) == "line"


def test_a_line_total_of_one_price_on_every_line_is_still_a_line_amount():
    # a coffee shop's export: one price for every capsule, so each order's "Line Total"
    # cells are all the same; by hand, order 1 = 9.99 + 9.99, order 2 = 9.99 + 9.99 (two
    # lines of one order may be alike), order 3 = 9.99
    raw = pd.DataFrame({"Order ID": ["1", "1", "2", "2", "3"], "Customer": ["a", "a", "b", "b", "a"],
                        "Date": ["2024-01-05", "2024-01-05", "2024-02-05", "2024-02-05", "2024-03-05"],
                        "Product": ["Capsules", "Capsules decaf", "Capsules", "Capsules", "Capsules"],
                        "Quantity": ["1"] * 5, "Line Total": ["9.99"] * 5})
    for header in ("Line Total", "line_total", "LineTotal"):
        result = clean_orders(raw.rename(columns={"Line Total": header}))
        assert result.frame["amount"].round(2).tolist() == [19.98, 19.98, 9.99], header
    # the same cells under an order-total header are each order's total, taken once
    assert clean_orders(raw.rename(columns={"Line Total": "Order Total"})).frame["amount"].tolist() == [9.99] * 3


@pytest.mark.parametrize(("total", "line"), [
    ("إجمالي الطلب", "إجمالي المنتج"),     # Arabic, with the hamza
    ("اجمالي الطلب", "اجمالي المنتج"),     # as often typed, without it
    ("الإجمالي", "إجمالي السطر"),
    ("مجموع الفاتوره", "مجموع البند"),     # teh marbuta typed as heh
    ("مبلغ کل سفارش", "مبلغ کل ردیف"),     # Persian
    ("جمع كل", "جمع كالا"),                # Persian words typed on an Arabic keyboard
])
def test_an_arabic_or_persian_order_total_repeated_on_every_line_is_taken_once(total, line):
    # by hand: order 1 has two lines of one 50.00 order, order 2 one line of 20.00; the
    # order total is 50.00 + 20.00 = 70.00, not 50.00 + 50.00 + 20.00
    raw = pd.DataFrame({"رقم الطلب": ["1", "1", "2"], "العميل": ["a", "a", "b"],
                        "التاريخ": ["2024-01-05", "2024-01-05", "2024-02-05"], "المنتج": ["قهوة", "شاي", "قهوة"],
                        "الكمية": ["1", "1", "1"], total: ["50", "50", "20"]})
    assert clean_orders(raw).frame["amount"].tolist() == [50.0, 20.0]
    # the same cells under a line's own total are the lines' amounts, added up per order
    assert clean_orders(raw.rename(columns={total: line})).frame["amount"].tolist() == [100.0, 20.0]


def test_one_row_per_order_with_a_refund_row_carrying_the_orders_id():
    # 60 orders, one of them refunded later under its own id: still one row per order
    rows = [(f"SO-{i}", f"c{i % 7}", f"2024-01-{i % 28 + 1:02d}", "10") for i in range(60)]
    rows.append(("SO-3", "c3", "2024-02-10", "-10"))
    rows.append(("SO-5", "c5", "2024-01-06", "10"))  # an identical copy: the id proves it
    raw = pd.DataFrame(rows, columns=["Order ID", "Customer", "Date", "Amount"])
    result = clean_orders(raw)
    assert len(result.frame) == 61 and result.frame["amount"].sum() == pytest.approx(590.0)
    assert result.issues[["row", "problem", "detail", "action"]].values.tolist() == [[63, "duplicate", "7", "skipped"]]


def test_lines_without_a_customer_take_their_orders_customer():
    raw = pd.DataFrame({"Order": ["A1", "A1", "A2"], "Email": ["x@y.com", "", "z@y.com"],
                        "Date": ["2024-01-01", "", "2024-01-02"], "Qty": ["2", "1", "1"],
                        "Unit price": ["5", "3", "4"]})
    result = clean_orders(raw)
    assert result.frame[["customer", "amount"]].values.tolist() == [["x@y.com", 13.0], ["z@y.com", 4.0]]
    assert result.issues.empty


def test_a_line_without_quantity_is_listed_and_its_order_kept():
    raw = pd.DataFrame({"Order": ["A1", "A1"], "Customer": ["x", "x"], "Date": ["2024-01-01"] * 2,
                        "Qty": ["2", ""], "Unit price": ["5", "3"]})
    result = clean_orders(raw)
    assert result.frame["amount"].tolist() == [10.0]
    assert result.issues[["row", "problem", "action"]].values.tolist() == [[3, "missing_quantity", "skipped"]]


ids = st.sampled_from(["1", "2", "3", "C4", "5", ""])
line = st.tuples(ids, st.sampled_from(["a", "b", ""]), st.sampled_from(["2024-01-05", "2024-02-10", ""]),
                 st.integers(-3, 5), st.sampled_from([0.5, 2.0, 10.0]))


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@settings(deadline=None)
@given(st.lists(line, min_size=1, max_size=20))
def test_revenue_is_the_sum_of_usable_lines_and_every_row_is_accounted_for(lines):
    raw = pd.DataFrame([(i, c, d, str(q), str(p)) for i, c, d, q, p in lines],
                       columns=["InvoiceNo", "CustomerID", "InvoiceDate", "Quantity", "UnitPrice"])
    result = clean_orders(raw)
    # an order's customer and date come from any of its lines; a line without an id is an order
    key = raw["InvoiceNo"].where(raw["InvoiceNo"] != "", pd.Series(range(len(raw))).map(lambda i: f"#{i}"))
    cust = raw["CustomerID"].replace("", np.nan).groupby(key).transform("first")
    date = raw["InvoiceDate"].replace("", np.nan).groupby(key).transform("first")
    usable = cust.notna() & date.notna()
    amount = raw["Quantity"].astype(float) * raw["UnitPrice"].astype(float)
    assert result.frame["amount"].sum() == pytest.approx(amount[usable].sum())
    # one row per order with a customer and a date, its amount the sum of its lines; a
    # cancellation document (C...) worth nothing is no order at all
    total = amount.groupby(key).transform("sum")
    usable &= ~(key.str.startswith("C") & (total == 0))
    assert len(result.frame) == key[usable].nunique()
    assert result.n_used_rows == usable.sum() and result.skipped_rows == len(raw) - usable.sum()
