"""Which column holds each role: the same preferences in English, Arabic and Persian."""

import pandas as pd
import pytest
from order_tables import spellings, words

from retention_xl.analysis.columns import detect_columns
from retention_xl.analysis.orders import clean_orders
from retention_xl.layout.statement import columns_sentence

# ---------------------------------------------------------------- the customer: an e-mail before a name

@pytest.mark.parametrize("headers, email, name", [
    (["Order Number", "Order Date", "Customer Name", "Email", "Order Total"], "Email", "Customer Name"),
    (["رقم الطلب", "تاريخ الطلب", "اسم العميل", "البريد الإلكتروني", "الإجمالي"], "البريد الإلكتروني", "اسم العميل"),
    (["رقم الطلب", "تاريخ الطلب", "اسم العميل", "البريد الالكتروني", "إجمالي الطلب"], "البريد الالكتروني", "اسم العميل"),
    (["شماره سفارش", "تاریخ سفارش", "نام مشتری", "ایمیل", "مبلغ کل"], "ایمیل", "نام مشتری"),
])
def test_an_email_is_the_customer_and_the_name_only_its_fallback_in_every_language(headers, email, name):
    got = detect_columns(headers)
    assert (got.customer, got.customer_fallback) == (email, name)


@pytest.mark.parametrize("headers, customer", [
    (["Customer Name", "Customer ID", "Date", "Total"], "Customer ID"),
    (["اسم العميل", "معرف العميل", "التاريخ", "الإجمالي"], "معرف العميل"),
    (["نام مشتری", "شناسه مشتری", "تاریخ", "مبلغ"], "شناسه مشتری"),
    (["Customer Number", "Email", "Date", "Total"], "Email"),
    (["رقم العميل", "البريد الإلكتروني", "التاريخ", "الإجمالي"], "البريد الإلكتروني"),
    (["کد مشتری", "ایمیل", "تاریخ", "مبلغ"], "ایمیل"),
])
def test_customer_words_rank_alike_in_the_three_languages(headers, customer):
    # an id before a name, and an e-mail before a customer number, as in English
    assert detect_columns(headers).customer == customer


@pytest.mark.parametrize("frame", [
    {"رقم الطلب": ["1", "2"], "تاريخ الطلب": ["2024-01-01", "2024-02-01"], "اسم العميل": ["محمد أحمد", "محمد احمد"],
     "البريد الإلكتروني": ["m@x.sa", "m@x.sa"], "الإجمالي": ["10", "20"]},
    {"شماره سفارش": ["1", "2"], "تاریخ سفارش": ["1402/10/01", "1402/11/01"], "نام مشتری": ["علی رضایی", "علي رضايي"],
     "ایمیل": ["ali@x.ir", "ali@x.ir"], "مبلغ کل": ["10", "20"]},
])
def test_two_spellings_of_a_name_with_one_email_are_one_customer(frame):
    # /tmp/explore-cli/ar_name_email.csv and fa_name_email.csv gave 2 customers
    result = clean_orders(pd.DataFrame(frame, dtype="str"))
    assert result.frame["customer"].nunique() == 1
    assert result.frame["amount"].sum() == 30


# ---------------------------------------------------------------- the amount: the order's total before a subtotal

@pytest.mark.parametrize("total", [
    "إجمالي الطلب", "الإجمالي", "المبلغ الإجمالي", "مجموع الطلب", "الإجمالي الكلي",
    "مبلغ کل", "جمع کل", "مبلغ نهایی", "مبلغ سفارش", "مبلغ قابل پرداخت",
])
def test_arabic_and_persian_order_totals_are_the_amount(total):
    assert detect_columns(["البريد الإلكتروني", "تاريخ الطلب", total]).amount == total


@pytest.mark.parametrize("subtotal, total", [
    ("Subtotal", "Total"),
    ("المجموع الفرعي", "إجمالي الطلب"),
    ("المجموع الفرعي", "المبلغ الإجمالي"),
    ("جمع جزء", "مبلغ نهایی"),
    ("جمع فرعی", "جمع کل"),
])
def test_a_total_beats_a_subtotal_in_every_language(subtotal, total):
    assert detect_columns(["Email", "Date", subtotal, "Shipping", total]).amount == total
    assert detect_columns(["Email", "Date", subtotal]).amount == subtotal  # the last resort


@pytest.mark.parametrize("tax", ["مبلغ الضريبة", "قيمة الضريبة", "مبلغ الضريبه", "مبلغ ضريبة القيمة المضافة"])
def test_an_arabic_tax_amount_is_never_the_orders_amount(tax):
    # the tax column comes first and names an amount ("مبلغ"); the order's amount is the other
    assert detect_columns(["العميل", "التاريخ", tax, "مبلغ الطلب"]).amount == "مبلغ الطلب"
    assert detect_columns(["العميل", "التاريخ", "مبلغ الطلب", tax]).amount == "مبلغ الطلب"


@pytest.mark.parametrize("refund", ["المسترد", "الاسترداد", "مبلغ الاسترداد", "المبلغ المسترد", "مبلغ مسترد"])
def test_an_arabic_refund_column_is_the_refund_never_the_amount(refund):
    # "المسترد" (refunded, with its article) was no column of the report: the refunds were
    # counted as revenue; "مبلغ الاسترداد" (refund amount), first in the table, was taken for the
    # orders' amount
    for headers in (["العميل", "التاريخ", "المبلغ", refund], ["العميل", "التاريخ", refund, "مبلغ الطلب"]):
        found = detect_columns(headers)
        assert (found.amount, found.refund) == (headers[2] if headers[2] != refund else headers[3], refund), headers


def test_an_arabic_subtotal_with_a_currency_is_not_taken_for_the_sum():
    # "المجموع الفرعي (ر.س)" contains "المجموع" (sum); it is a subtotal, not the order's sum
    assert detect_columns(["Email", "Date", "المجموع الفرعي (ر.س)", "إجمالي الطلب (ر.س)"]).amount == "إجمالي الطلب (ر.س)"


def salla_orders():
    """A Salla-style export (as /tmp/explore-cli/salla.py writes it): subtotal, shipping,
    discount and the order total."""
    rows = [
        ("5001", "2024-01-03 10:00:00", "تم التوصيل", "محمد أحمد", "0501111111", "m@ex.sa", "100", "20", "0", "120"),
        ("5002", "2024-01-10 10:00:00", "تم التنفيذ", "سارة علي", "0502222222", "s@ex.sa", "200", "0", "0", "200"),
        ("5003", "2024-02-03 10:00:00", "ملغي", "محمد أحمد", "0501111111", "m@ex.sa", "50", "0", "0", "50"),
        ("5006", "2024-03-01 10:00:00", "قيد التنفيذ", "محمد أحمد", "0501111111", "m@ex.sa", "60", "0", "0", "60"),
        ("5007", "2024-03-05 10:00:00", "تم الشحن", "محمد احمد", "0501111111", "m@ex.sa", "40", "0", "0", "40"),
        ("5009", "2024-04-06 10:00:00", "تم التوصيل", "نورة", "0504444444", "", "35", "0", "5", "30"),
    ]
    header = ["رقم الطلب", "تاريخ الطلب", "حالة الطلب", "اسم العميل", "جوال العميل", "البريد الالكتروني",
              "المجموع الفرعي", "الشحن", "الخصم", "إجمالي الطلب"]
    return pd.DataFrame(rows, columns=header, dtype="str")


def test_a_salla_export_counts_the_order_totals_and_the_email():
    result = clean_orders(salla_orders())
    cols = result.columns
    assert (cols.customer, cols.amount, cols.customer_fallback) == ("البريد الالكتروني", "إجمالي الطلب", "اسم العميل")
    # sales: 120 + 200 + 60 + 40 + 30 (5003 is cancelled) = 450, not the subtotals' 435;
    # m@ex.sa three times under two spellings of the name, s@ex.sa, and نورة by her name
    assert result.frame["amount"].sum() == 450
    assert result.frame.groupby("customer", observed=True)["amount"].sum().to_dict() == {
        "m@ex.sa": 220.0, "s@ex.sa": 200.0, "نورة": 30.0}


# ---------------------------------------------------------------- the fallback: the first column that is not blank

def shopify_lines():
    return pd.DataFrame({
        "Name": ["#1", "#2", "#3", "#4"],
        "Email": ["x@y.com", "", "", ""],
        "Financial Status": ["paid", "paid", "paid", "paid"],
        "Created at": ["2024-01-31 10:00:00 -0500", "2024-02-01 10:00:00 -0500", "2024-02-02 10:00:00 -0500",
                       "2024-02-03 10:00:00 -0500"],
        "Lineitem quantity": ["1", "1", "1", "1"],
        "Total": ["10.00", "20.00", "30.00", "40.00"],
        "Billing Name": ["", "Dan Diner", "", ""],
        "Phone": ["", "+15550009", "+15550001", ""],
    }, dtype="str")


def test_a_blank_email_and_billing_name_fall_back_to_the_phone():
    # /tmp/explore-cli/shopify_tz_cur.csv: order #4 had only a Phone and was skipped
    result = clean_orders(shopify_lines())
    assert result.columns.fallbacks() == ("Billing Name", "Phone")
    assert result.frame.set_index("amount")["customer"].astype(str).to_dict() == {
        10.0: "x@y.com", 20.0: "Dan Diner", 30.0: "+15550001"}
    assert result.issues[["row", "problem"]].values.tolist() == [[5, "missing_customer"]]
    said = words(result.notices)
    assert "1 order with a blank 'Email' was given the customer in 'Billing Name'." in said
    assert "1 order with a blank 'Email' was given the customer in 'Phone'." in said


@pytest.mark.parametrize("lang, sentence", [
    ("en", "Columns used: customer 'Email', customer when blank 'Billing Name', then 'Phone', date 'Created at', "),
    ("ar", "العميل عند غيابه 'Billing Name' ثم 'Phone'، التاريخ 'Created at'"),
    ("fa", "مشتری در صورت خالی بودن «Billing Name» سپس «Phone»، تاریخ «Created at»"),
])
def test_the_columns_sentence_names_the_fallbacks_in_the_order_they_are_tried(lang, sentence):
    assert sentence in columns_sentence(detect_columns(shopify_lines().columns), lang)


def test_a_generic_table_falls_back_to_a_name_then_a_phone():
    raw = pd.DataFrame({"Email": ["a@x.com", "", ""], "Date": ["2024-01-01", "2024-01-02", "2024-01-03"],
                        "Total": ["1", "2", "3"], "Phone": ["", "0501", "0502"], "Customer Name": ["", "", "Bo"]},
                       dtype="str")
    result = clean_orders(raw)
    assert result.columns.fallbacks() == ("Customer Name", "Phone")
    assert result.frame["customer"].astype(str).tolist() == ["a@x.com", "0501", "Bo"]


def test_a_fallback_the_user_names_is_the_only_one():
    raw = shopify_lines()
    result = clean_orders(raw, customer_fallback="Billing Name")
    assert result.columns.fallbacks() == ("Billing Name",)
    assert sorted(result.issues["row"]) == [4, 5]  # #3 and #4 have no billing name


@pytest.mark.parametrize("role", ["customer", "customer_fallback", "date", "amount", "order_id", "quantity",
                                  "unit_price", "status", "refund"])
def test_every_arabic_and_persian_synonym_is_found_however_it_is_typed(role):
    from retention_xl.analysis.columns import SYNONYMS, names_role

    for word in SYNONYMS[role]:
        if word.isascii():
            continue
        for spelling in spellings(word):
            assert names_role(spelling, role), (role, word, spelling)
