"""Real order exports with no options: Shopify, WooCommerce and ERP invoice lines give an
analyst's figures (computed by hand below), and the detector picks the right columns."""

import pandas as pd
import pytest
from order_tables import DATA, built_report, words

from retention_xl.analysis.columns import detect_columns
from retention_xl.analysis.export_layouts import recognise_layout
from retention_xl.file_pipeline import read_orders
from retention_xl.layout.statement import basis_lines


def report_of(name, **options):
    raw = pd.read_csv(DATA / name, dtype="str", keep_default_na=False)
    return built_report(raw, source=name, **options)


def excluded(result):
    issues = result.issues[result.issues["action"] == "excluded"]
    return sorted(zip(issues["problem"] + ":" + issues["detail"], issues["amount"]))


# ---------------------------------------------------------------- Shopify "Export orders"
def test_shopify_export_gives_an_analysts_figures():
    # 8 orders on 11 lines (tests/data/shopify_orders_export.csv). Sales: #1001 alice 55.00
    # (2 lines), #1003 ALICE@ (case-folded: alice) 40.00 with 10.00 refunded, #1005 with no
    # e-mail: Billing Name "Dan Diner", 15.00, #1008 erin 80.00 (partially paid).
    # Not sales: #1002 voided 30, #1004 refunded 25, #1006 pending 12, #1007 cancelled 60.
    # Customers 3 (alice twice), orders 4, gross 190, net 190 - 10 = 180, AOV 47.50.
    r = report_of("shopify_orders_export.csv")
    cols = r.clean.columns
    assert cols.layout == "shopify"
    assert (cols.customer, cols.date, cols.amount, cols.order_id) == ("Email", "Created at", "Total", "Name")
    assert (cols.status, cols.refund, cols.customer_fallback, cols.cancelled) == (
        "Financial Status", "Refunded Amount", "Billing Name", "Cancelled at")
    h = r.analysis.headline
    assert (h["customers"], h["orders"]) == (3, 4)
    assert h["revenue"] == pytest.approx(180.0)
    assert h["aov"] == pytest.approx(47.5)
    assert h["repeat_rate"] == pytest.approx(1 / 3)
    assert sorted(r.analysis.customers.index) == ["Dan Diner", "alice@example.com", "erin@example.com"]
    assert r.analysis.customers.loc["alice@example.com", "revenue"] == pytest.approx(85.0)
    assert excluded(r.clean) == [("cancelled_order:2024-03-06 09:00:00 +0100", 60.0), ("order_status:pending", 12.0),
                                 ("order_status:refunded", 25.0), ("order_status:voided", 30.0)]
    # the 2nd..nth lines of an order are not issues
    assert set(r.clean.issues["action"]) == {"excluded"}
    assert r.clean.n_used_rows == 5 and r.clean.skipped_rows == 6


def test_shopify_statement_names_every_column_and_convention():
    lines = basis_lines(*_columns_and_notices("shopify_orders_export.csv"), "en")
    assert lines[0] == ("Columns used: customer 'Email', customer when blank 'Billing Name', then 'Billing Phone', "
                        "then 'Phone', then 'Shipping Name', date 'Created at', "
                        "amount 'Total', order id 'Name', status 'Financial Status', refund 'Refunded Amount', "
                        "cancelled at 'Cancelled at', currency 'Currency'.")
    assert lines[1] == "Export recognised: Shopify orders export."
    assert lines[2] == "Amounts are in USD (the currency in 'Currency')."
    assert "Orders = distinct 'Name': 4 orders from 5 lines." in lines
    assert "Amount = 'Total', the order's total, taken once per order." in lines
    assert "Refunds in 'Refunded Amount': 1 partly refunded order reduces revenue by 10.00." in lines
    assert ("Statuses in 'Financial Status': 3 orders (67.00) are not sales and were left out: voided (1), "
            "refunded (1), pending (1). Counted as sales: paid (2), partially_refunded (1), partially_paid (1).") in lines
    assert "1 order with a blank 'Email' was given the customer in 'Billing Name'." in lines
    assert "1 order with a date in 'Cancelled at' was cancelled and left out (60.00)." in lines


def _columns_and_notices(name):
    orders = read_orders(DATA / name)
    return orders.columns, orders.notices


def test_shopify_without_total_does_not_take_the_refund_as_revenue():
    raw = pd.read_csv(DATA / "shopify_orders_export.csv", dtype="str", keep_default_na=False)
    cols = detect_columns(raw.drop(columns=["Total"]).columns)
    assert cols.amount == "Subtotal" and cols.refund == "Refunded Amount"
    cols = detect_columns(raw.drop(columns=["Total", "Subtotal"]).columns)
    assert cols.amount is None and (cols.quantity, cols.unit_price) == ("Lineitem quantity", "Lineitem price")
    # line amounts: #1001 = 2 x 20 + 1 x 10 = 50 (the total was 55 with shipping)
    r = built_report(raw.drop(columns=["Total", "Subtotal"]))
    assert r.analysis.headline["revenue"] == pytest.approx(50 + 40 - 10 + 15 + 75)


def test_statuses_can_be_moved_either_way():
    r = report_of("shopify_orders_export.csv", include_statuses=("pending",), exclude_statuses=("partially_paid",))
    assert ("order_status:pending", 12.0) not in excluded(r.clean)
    assert ("order_status:partially_paid", 80.0) in excluded(r.clean)
    assert r.analysis.headline["orders"] == 4  # #1006 in, #1008 out


# ---------------------------------------------------------------- WooCommerce order export
def test_woocommerce_export_gives_an_analysts_figures():
    # One row per item, the order's fields repeated on each row. Sales: 501 ann 100 (2
    # items), 503 Ann@ (= ann) 70 with 20 refunded, 506 a guest with no e-mail: billing
    # phone, 90 (3 items), 508 bo 25. Not sales: 502 cancelled 50, 504 failed 30, 505
    # on-hold 45, 507 refunded 35, 509 checkout-draft 10.
    # Customers 3, orders 4, gross 285, net 265, AOV 71.25.
    r = report_of("woocommerce_orders_export.csv")
    cols = r.clean.columns
    assert cols.layout == "woocommerce"
    assert (cols.customer, cols.date, cols.amount, cols.order_id, cols.status, cols.refund, cols.customer_fallback) == (
        "billing_email", "order_date", "order_total", "order_id", "status", "refunded_total", "billing_phone")
    h = r.analysis.headline
    assert (h["customers"], h["orders"]) == (3, 4)
    assert h["revenue"] == pytest.approx(265.0)
    assert h["aov"] == pytest.approx(71.25)
    assert sorted(r.analysis.customers.index) == ["+966500000001", "ann@example.com", "bo@example.com"]
    assert excluded(r.clean) == [("order_status:cancelled", 50.0), ("order_status:checkout-draft", 10.0),
                                 ("order_status:failed", 30.0), ("order_status:on-hold", 45.0),
                                 ("order_status:refunded", 35.0)]
    assert set(r.clean.issues["action"]) == {"excluded"}  # repeated order fields are not duplicates


def test_woocommerce_refunds_listed_as_rows_are_not_taken_off_twice():
    # the export above plus #507's refund (-35, refunded) and 20 of #503 as rows of their own
    # (order_tables.woocommerce_with_refund_rows): #507 is left out whole and 20 of #503 comes
    # off through 'refunded_total', as without them: net 265, and each row is counted once
    from order_tables import woocommerce_with_refund_rows

    r = built_report(woocommerce_with_refund_rows(), source="orders.csv")
    h = r.analysis.headline
    assert (h["customers"], h["orders"], h["revenue"]) == (3, 4, pytest.approx(265.0))
    assert excluded(r.clean) == [("order_status:cancelled", 50.0), ("order_status:checkout-draft", 10.0),
                                 ("order_status:failed", 30.0), ("order_status:on-hold", 45.0),
                                 ("order_status:refunded", 35.0)]
    out = r.clean.issues
    assert out.loc[out["detail"] == "refunded", ["row", "lines"]].values.tolist() == [[11, 2]]  # with its refund row
    assert r.clean.n_used_rows + out["lines"].sum() == 14
    assert "status_refunds" not in {n.code for n in r.clean.notices}


# ---------------------------------------------------------------- ERP invoice lines (UCI layout)
def test_erp_invoice_lines_give_an_analysts_figures():
    # tests/data/erp_invoice_lines.csv, the UCI Online Retail layout, by hand:
    # 536365 = 6 x 2.55 + 6 x 3.39 = 35.64; 536366 = 6 x 1.85 = 11.10; 536367 = 2 identical
    # lines of 32 x 1.69 = 108.16 (kept); 536380 = 24 x 1.45 = 34.80; 536520 = 2 x 1.25 =
    # 2.50. Cancellations C536379 = -27.50 (customer 14527) and C536391 = -19.80 (17548,
    # who never bought). 536414 has no customer: skipped.
    # Orders 5, gross 192.20, net 192.20 - 47.30 = 144.90, AOV 38.44; customers 17850,
    # 13047, 14527 (17850 bought 3 times: repeat rate 1/3).
    r = report_of("erp_invoice_lines.csv")
    cols = r.clean.columns
    assert cols.layout == "invoice_lines"
    assert (cols.amount, cols.quantity, cols.unit_price, cols.order_id) == (None, "Quantity", "UnitPrice", "InvoiceNo")
    h = r.analysis.headline
    assert (h["customers"], h["orders"]) == (3, 5)
    assert h["revenue"] == pytest.approx(144.90)
    assert h["aov"] == pytest.approx(38.44)
    assert h["repeat_rate"] == pytest.approx(1 / 3)
    # the Customers table holds the 3 buyers; 17548's refund is on its own line
    customers = r.analysis.customers
    assert len(customers) == h["customers"]
    assert customers["revenue"].sum() == pytest.approx(164.70)
    assert (h["refund_only_customers"], h["refund_only_revenue"]) == (1, pytest.approx(-19.80))
    assert customers["revenue"].sum() + h["refund_only_revenue"] == pytest.approx(h["revenue"])
    notes = words(r.clean.notices)
    assert ("2 cancellation lines (documents numbered C... in 'InvoiceNo': 2) reduce revenue by 47.30; "
            "they are refunds, not purchases.") in notes
    assert any(n.startswith("1 row repeats an earlier row in every column (54.08); it was kept") for n in notes)
    # one cohort, December 2010 (the three buyers); 17850 is back in January 2011
    cohorts = r.analysis.cohorts
    assert cohorts.size.index.tolist() == ["2010-12"] and cohorts.size.tolist() == [3]
    assert cohorts.retention.iloc[0].tolist() == pytest.approx([1.0, 1 / 3])


def test_identical_lines_dropped_by_the_user_give_the_deduplicated_figure():
    raw = pd.read_csv(DATA / "erp_invoice_lines.csv", dtype="str", keep_default_na=False)
    r = built_report(raw.drop_duplicates())
    assert r.analysis.headline["revenue"] == pytest.approx(144.90 - 54.08)


# ---------------------------------------------------------------- detector precision
OLIST = ["order_id", "customer_id", "order_status", "order_purchase_timestamp", "order_approved_at",
         "order_delivered_carrier_date", "order_delivered_customer_date", "order_estimated_delivery_date",
         "customer_unique_id", "customer_zip_code_prefix", "customer_city", "customer_state", "payment_value"]


def test_olist_header_takes_the_stable_customer_and_the_purchase_date():
    # Olist's customer_id is per order (repeat rate ~ 0); customer_unique_id is the person.
    cols = detect_columns(OLIST)
    assert cols.customer == "customer_unique_id"
    assert cols.date == "order_purchase_timestamp"
    assert (cols.amount, cols.order_id, cols.status) == ("payment_value", "order_id", "order_status")
    # without the purchase timestamp, approval, carrier and delivery dates are still never taken
    with pytest.raises(Exception, match="date"):
        detect_columns([h for h in OLIST if h != "order_purchase_timestamp"])


@pytest.mark.parametrize("headers, amount", [
    (["Customer", "Date", "Refunded Amount", "Total"], "Total"),
    (["Customer", "Date", "Discount amount", "Tax amount", "Shipping amount", "Amount"], "Amount"),
    (["Customer", "Date", "Refund amount", "Order value"], "Order value"),
    (["العميل", "التاريخ", "المبلغ المسترد", "المبلغ"], "المبلغ"),
    (["مشتری", "تاریخ", "مبلغ بازپرداخت", "مبلغ"], "مبلغ"),
])
def test_never_a_refund_discount_tax_or_shipping_column_as_the_amount(headers, amount):
    assert detect_columns(headers).amount == amount


@pytest.mark.parametrize("headers, date", [
    (["Customer", "Ship date", "Delivery date", "Order date", "Total"], "Order date"),
    (["Customer", "Delivered at", "Approved at", "Created at", "Total"], "Created at"),
    (["Customer", "Cancelled at", "Paid at", "Total"], "Paid at"),
])
def test_order_dates_beat_shipping_delivery_and_approval_dates(headers, date):
    assert detect_columns(headers).date == date


@pytest.mark.parametrize("headers, expected", [
    (["رقم الفاتورة", "رقم العميل", "تاريخ الفاتورة", "الكمية", "سعر الوحدة"], ("الكمية", "سعر الوحدة")),
    (["شماره فاکتور", "کد مشتری", "تاریخ فاکتور", "تعداد", "قیمت واحد"], ("تعداد", "قیمت واحد")),
    (["Invoice", "Customer", "Date", "Qty", "Price"], ("Qty", "Price")),
])
def test_quantity_and_unit_price_in_three_languages(headers, expected):
    cols = detect_columns(headers)
    assert cols.amount is None and (cols.quantity, cols.unit_price) == expected


def test_a_price_without_a_quantity_is_the_amount():
    assert detect_columns(["email", "created_at", "price"]).amount == "price"


def test_every_role_can_be_overridden():
    cols = detect_columns(["A", "B", "C", "D", "E", "F", "G", "H"], customer="A", date="B", order_id="C",
                          quantity="D", unit_price="E", status="F", refund="G", customer_fallback="H")
    assert cols.used() == {"customer": "A", "customer_fallback": "H", "date": "B", "order_id": "C",
                           "quantity": "D", "unit_price": "E", "status": "F", "refund": "G"}
    assert cols.chosen == ("customer", "customer_fallback", "date", "order_id", "quantity", "unit_price",
                           "status", "refund")


def test_known_layouts_are_recognised_only_from_their_own_headers():
    assert recognise_layout(["Name", "Email", "Financial Status", "Lineitem quantity"]).name == "shopify"
    assert recognise_layout(["Order ID", "Order Status", "Order Total", "Billing Email"]).name == "woocommerce"
    assert recognise_layout(["ID", "Purchase Point", "Purchase Date", "Bill-to Name", "Grand Total (Base)"]).name == "magento"
    assert recognise_layout(["Name", "Email", "Status", "Total"]) is None
    assert recognise_layout(["ID", "Purchase Date", "Customer", "Total"]) is None
    assert recognise_layout(OLIST) is None


# ---------------------------------------------------------------- the report says what it did
def _texts(sheet):
    from retention_xl.layout.blocks import Text

    return [line for b in sheet.blocks if isinstance(b, Text) for line in b.lines]


@pytest.mark.parametrize("lang, columns_word", [("en", "Columns used"), ("ar", "الأعمدة المستخدمة"),
                                                ("fa", "ستون‌های به‌کاررفته")])
def test_summary_sheet_names_every_column_and_convention(lang, columns_word):
    r = report_of("erp_invoice_lines.csv", lang=lang)
    summary = r.report.sheets[0]
    texts = _texts(summary)
    assert basis_lines(r.clean.columns, r.clean.notices, lang) == [t for t in texts if t in basis_lines(
        r.clean.columns, r.clean.notices, lang)]
    quantity_times_price = "«Quantity» × «UnitPrice»" if lang == "fa" else "'Quantity' × 'UnitPrice'"
    assert any(t.startswith(columns_word) and quantity_times_price in t for t in texts)
    # revenue reconciles on the sheet: the Customers table's revenue and the refund-only line
    figures = next(b for b in summary.blocks if type(b).__name__ == "Figures")
    values = [v for _, v, _ in figures.items]
    assert values[2] == pytest.approx(144.90) and values[-2:] == [pytest.approx(164.70), pytest.approx(-19.80)]


def test_data_issues_count_rows_and_value_by_reason():
    r = report_of("shopify_orders_export.csv")
    reasons = r.report.table("IssueReasons").frame
    assert reasons.to_dict("list") == {
        "reason": ["cancelled orders", "status 'voided': not a sale", "status 'refunded': not a sale",
                   "status 'pending': not a sale"],
        "action": ["left out (not a sale)"] * 4,
        "lines": [3, 1, 1, 1],
        "amount": [60.0, 30.0, 25.0, 12.0],
    }
    r = report_of("erp_invoice_lines.csv")
    reasons = r.report.table("IssueReasons").frame
    assert reasons[["reason", "lines"]].values.tolist() == [["possible duplicates (kept)", 1], ["missing customer", 1]]
    assert reasons["amount"].tolist() == pytest.approx([54.08, 0.0])


# ---------------------------------------------------------------- Magento order grid
def test_magento_order_grid_export_gives_an_analysts_figures():
    # tests/data/magento_order_grid_export.csv, by hand. Sales: 000000012 sara 120.00 base
    # (450.00 in the customer's currency) with 20.00 refunded, 000000009 a guest without
    # e-mail: Bill-to Name "Omar Khalid", 60.00, 000000008 SARA@ (= sara) 30.00.
    # Not sales: 011 closed (refunded in full) 80.50, 010 canceled 45, 007 pending 25,
    # 006 suspected fraud 99. Customers 2, orders 3, net 120 - 20 + 60 + 30 = 190, AOV 63.33.
    r = report_of("magento_order_grid_export.csv")
    cols = r.clean.columns
    assert cols.layout == "magento"
    assert (cols.customer, cols.date, cols.amount, cols.order_id, cols.status, cols.refund, cols.customer_fallback) == (
        "Customer Email", "Purchase Date", "Grand Total (Base)", "ID", "Status", "Total Refunded", "Bill-to Name")
    h = r.analysis.headline
    assert (h["customers"], h["orders"]) == (2, 3)
    assert h["revenue"] == pytest.approx(190.0)
    assert sorted(r.analysis.customers.index) == ["Omar Khalid", "sara@example.com"]
    assert excluded(r.clean) == [("order_status:Canceled", 45.0), ("order_status:Closed", 80.5),
                                 ("order_status:Pending", 25.0), ("order_status:Suspected Fraud", 99.0)]
    # "15:22:10 PM": Magento's 24-hour clock with its AM/PM mark
    assert r.clean.frame["date"].max() == pd.Timestamp("2024-03-15 15:22:10")


def test_magento_default_grid_without_e_mails_keys_customers_by_billing_name():
    raw = pd.read_csv(DATA / "magento_order_grid_export.csv", dtype="str", keep_default_na=False)
    r = built_report(raw.drop(columns=["Customer Email", "Total Refunded"]), source="orders.csv")
    assert (r.clean.columns.layout, r.clean.columns.customer) == ("magento", "Bill-to Name")
    assert sorted(r.analysis.customers.index) == ["Omar Khalid", "S. Ahmadi", "Sara Ahmadi"]


def test_closed_is_a_refund_in_magento_only():
    # a generic export's "Closed" (a finished order in many systems) stays a sale
    raw = pd.DataFrame({"Customer": ["a", "b"], "Order Date": ["2024-01-05", "2024-01-09"], "Total": ["10", "20"],
                        "Status": ["Closed", "Complete"]})
    assert built_report(raw, source="orders.csv").analysis.headline["orders"] == 2


def test_magento_1_grid_headers_are_recognised():
    cols = detect_columns(["Order #", "Purchased From (Store)", "Purchased On", "Bill to Name", "Ship to Name",
                           "G.T. (Base)", "G.T. (Purchased)", "Status"])
    assert (cols.layout, cols.customer, cols.date, cols.amount, cols.order_id) == (
        "magento", "Bill to Name", "Purchased On", "G.T. (Base)", "Order #")
