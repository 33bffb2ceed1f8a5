"""Which orders are not sales by their status, and the sentence that says which were left out."""

import pandas as pd
import pytest

from retention_xl.analysis.notices import Notice
from retention_xl.analysis.order_status import status_reasons
from retention_xl.analysis.orders import clean_orders
from retention_xl.wording import notice_text


@pytest.mark.parametrize("status, reason", [
    ("returned", "returned"), ("Returned", "returned"), ("chargeback", "chargeback"), ("Charged back", "chargeback"),
    ("abandoned", "abandoned"), ("payment_failed", "failed"),
    ("فشل الدفع", "failed"), ("مرتجع", "returned"), ("تم الإرجاع", "returned"),
    ("باطل شده", "voided"), ("باطل", "voided"), ("در انتظار بررسی", "on_hold"), ("مسترد شده", "refunded"),
    ("في انتظار الدفع", "pending"), ("مُسترد", "refunded"), ("بإنتظار الدفع", "pending"),
    # Salla (Arabic and its API's English), BigCommerce, cash-on-delivery shops
    ("بإنتظار المراجعة", "on_hold"), ("تحت المراجعة", "on_hold"), ("Under Review", "on_hold"),
    ("قيد التأكيد", "on_hold"), ("Restored", "refunded"), ("Awaiting Payment", "pending"),
    ("پرداخت نشده", "pending"), ("در انتظار تایید", "on_hold"),
    # the same statuses with the words around them
    ("تم الغاء الطلب", "cancelled"), ("تم إلغاء الطلب", "cancelled"), ("الطلب ملغي", "cancelled"),
    ("ملغى من العميل", "cancelled"), ("ملغاة بواسطة المتجر", "cancelled"), ("مرتجع من الشحن", "returned"),
    ("سفارش لغو شده", "cancelled"), ("لغو شده توسط مشتری", "cancelled"), ("لغو توسط فروشنده", "cancelled"),
    ("Order Cancelled", "cancelled"), ("Cancelled by customer", "cancelled"), ("Refunded by PayPal", "refunded"),
])
def test_statuses_that_are_not_sales(status, reason):
    assert status_reasons(pd.Series([status])).tolist() == [reason]


@pytest.mark.parametrize("status", ["partially returned", "Partially refunded", "completed", "تم التوصيل", "ارسال شده",
                                    "قيد التنفيذ", "تم التنفيذ", "تم الشحن", "Partially refunded by merchant",
                                    "not refunded", "جزء من الطلب مسترجع", "order completed", "سفارش تحویل شده"])
def test_statuses_that_are_sales(status):
    assert status_reasons(pd.Series([status])).tolist() == [None]


def test_a_returned_order_is_left_out_whole_and_its_refund_not_taken_off_again():
    raw = pd.DataFrame({"Order ID": ["1", "2", "3"], "Customer": ["a", "a", "b"],
                        "Date": ["2024-01-01", "2024-01-02", "2024-01-03"], "Total": ["50", "30", "40"],
                        "Status": ["completed", "returned", "partially returned"], "Refund Amount": ["", "30", "15"]},
                       dtype="str")
    result = clean_orders(raw)
    # order 2 (30, returned) is out with its value; order 3 stays, 40 less its 15 refunded
    assert result.frame["amount"].sum() == 50 + 40 - 15
    out = result.issues[result.issues["action"] == "excluded"]
    assert out[["row", "problem", "detail", "amount"]].values.tolist() == [[3, "order_status", "returned", 30.0]]


STATUSES = ["wc-completed", "wc-cancelled", "wc-pending", "wc-on-hold", "wc-refunded", "wc-failed",
            "wc-checkout-draft", "wc-processing", " Cancelled ", "CANCELED", "Partially refunded", "returned",
            "chargeback", "test", "abandoned", "unpaid", "declined"]
AMOUNTS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 15, 16, 17, 18, 19, 21, 22, 23]


def test_the_statuses_left_out_are_counted_beyond_the_eight_named():
    # /tmp/explore-cli/statuses.csv: 17 orders, one per status
    raw = pd.DataFrame({"Customer": list("abcdefghijklmnopq"), "Date": [f"2024-01-{d:02d}" for d in range(1, 18)],
                        "Amount": [str(a) for a in AMOUNTS], "Status": STATUSES}, dtype="str")
    result = clean_orders(raw)
    # sales: completed 10, processing 80, partially refunded 16, test 19 = 125; the other 13
    # (20+30+40+50+60+70+90+15 + returned 17, chargeback 18, abandoned 21, unpaid 22, declined 23) = 476
    assert result.frame["amount"].sum() == 125
    notice = next(n for n in result.notices if n.code == "statuses_excluded")
    assert (notice.values["count"], notice.values["value"]) == (13, 476.0)
    assert notice_text(notice, "en") == (
        "Statuses in 'Status': 13 orders (476.00) are not sales and were left out: wc-cancelled (1), wc-pending (1), "
        "wc-on-hold (1), wc-refunded (1), wc-failed (1), wc-checkout-draft (1),  Cancelled  (1), CANCELED (1) "
        "and 5 more. Counted as sales: wc-completed (1), wc-processing (1), Partially refunded (1), test (1).")


def excluded_notice(n_out, n_kept):
    out = tuple((f"s{i}", 1) for i in range(8))
    kept = tuple((f"k{i}", 1) for i in range(min(n_kept, 8)))
    return Notice("statuses_excluded", column="Status", count=n_out, value=5.0, statuses=out,
                  statuses_more=n_out - 8, kept=kept, kept_more=max(n_kept - 8, 0), tally=())


@pytest.mark.parametrize("lang, out_more, kept_more", [
    ("en", "s7 (1) and 2 more.", "k7 (1) and 1 more."),
    ("ar", "s7 (1)، وحالات أخرى عددها 2.", "k7 (1)، وحالات أخرى عددها 1."),
    ("fa", "s7 (1) و 2 وضعیت دیگر.", "k7 (1) و 1 وضعیت دیگر."),
])
def test_the_statuses_not_named_are_counted_in_every_language(lang, out_more, kept_more):
    text = notice_text(excluded_notice(10, 9), lang)
    assert out_more in text and text.endswith(kept_more)
    kept = Notice("statuses_kept", column="Status", kept=(("k0", 1),), kept_more=3, tally=())
    assert {"en": "k0 (1) and 3 more", "ar": "k0 (1)، وحالات أخرى عددها 3",
            "fa": "k0 (1) و 3 وضعیت دیگر"}[lang] in notice_text(kept, lang)


def test_eight_statuses_or_fewer_are_all_named_with_no_more():
    text = notice_text(excluded_notice(8, 2), "en")
    assert "s7 (1). Counted as sales: k0 (1), k1 (1)." in text and "more" not in text


def test_a_persian_woocommerce_export_counts_each_order_once_and_only_the_sales():
    # WooCommerce in Persian, one row per item, the order's total on each of its rows; by hand:
    # 101 (two items, completed) 120,000 + 103 (processing) 90,000 + 104 (completed) 45,000 =
    # 255,000 in three orders; cancelled, on hold, refunded and awaiting payment are no sales
    header = ["شناسه سفارش", "تاریخ سفارش", "وضعیت سفارش", "نام", "ایمیل", "نام محصول", "تعداد", "مبلغ کل سفارش"]
    rows = [
        ("۱۰۱", "۱۴۰۲/۱۰/۱۵ ۱۴:۳۰", "تکمیل شده", "علی", "ali@example.com", "کتاب", "۱", "۱۲۰٬۰۰۰ تومان"),
        ("۱۰۱", "۱۴۰۲/۱۰/۱۵ ۱۴:۳۰", "تکمیل شده", "علی", "ali@example.com", "دفتر", "۲", "۱۲۰٬۰۰۰ تومان"),
        ("۱۰۲", "۱۴۰۲/۱۱/۰۳ ۰۹:۱۰", "لغو شده", "مریم", "maryam@example.com", "کتاب", "۱", "۸۵٬۰۰۰ تومان"),
        ("۱۰۳", "۱۴۰۲/۱۱/۲۰ ۱۸:۴۵", "در حال انجام", "مریم", "maryam@example.com", "کتاب", "۱", "۹۰٬۰۰۰ تومان"),
        ("۱۰۴", "۱۴۰۲/۱۲/۲۹ ۲۳:۵۹", "تکمیل شده", "علي", "Ali@Example.com", "قلم", "۳", "۴۵٬۰۰۰ تومان"),
        ("۱۰۵", "۱۴۰۳/۰۱/۰۲ ۱۰:۰۰", "مسترد شده", "رضا", "reza@example.com", "کتاب", "۱", "۶۰٬۰۰۰ تومان"),
        ("۱۰۶", "۱۴۰۳/۰۱/۰۵ ۱۱:۰۰", "در انتظار پرداخت", "رضا", "reza@example.com", "کتاب", "۱", "۶۰٬۰۰۰ تومان"),
        ("۱۰۷", "۱۴۰۳/۰۱/۰۶ ۱۲:۰۰", "در انتظار بررسی", "رضا", "reza@example.com", "کتاب", "۱", "۷۰٬۰۰۰ تومان"),
    ]
    result = clean_orders(pd.DataFrame(rows, columns=header))
    assert result.columns.order_id == "شناسه سفارش"
    assert result.frame["amount"].tolist() == [120000.0, 90000.0, 45000.0]
    assert result.frame["customer"].tolist() == ["ali@example.com", "maryam@example.com", "ali@example.com"]
    assert sorted(result.issues["row"].tolist()) == [4, 7, 8, 9]


def test_every_arabic_and_persian_status_is_found_however_it_is_typed():
    from order_tables import spellings

    from retention_xl.analysis.order_status import NOT_SALES

    words = [w for w in NOT_SALES if not w.isascii()]
    for word in words:
        typed = sorted(spellings(word))
        assert status_reasons(pd.Series(typed)).tolist() == [NOT_SALES[word]] * len(typed), word


def test_an_arabic_shop_export_leaves_out_its_cancelled_returned_and_unconfirmed_orders():
    # a Salla-like export: statuses as the shop's Arabic dashboard writes them
    raw = pd.DataFrame({
        "رقم الطلب": ["1", "2", "3", "4", "5", "6"],
        "اسم العميل": ["سارة", "سارة", "خالد", "خالد", "منى", "منى"],
        "تاريخ الطلب": ["2024-01-02", "2024-01-09", "2024-01-03", "2024-02-05", "2024-01-04", "2024-03-01"],
        "الإجمالي": ["100", "250", "80", "60", "40", "70"],
        "حالة الطلب": ["تم التنفيذ", "تم الغاء الطلب", "تم التوصيل", "مرتجع من الشحن", "بإنتظار المراجعة", "تم الشحن"],
    }, dtype="str")
    result = clean_orders(raw)
    # sales: 100 + 80 + 70; left out: 250 cancelled, 60 returned, 40 awaiting the transfer's review
    assert result.frame["amount"].sum() == 250
    out = result.issues[result.issues["action"] == "excluded"]
    assert out[["row", "detail", "amount"]].values.tolist() == [
        [3, "تم الغاء الطلب", 250.0], [5, "مرتجع من الشحن", 60.0], [6, "بإنتظار المراجعة", 40.0]]


@pytest.mark.parametrize("lang, sep", [("en", ", "), ("ar", "، "), ("fa", "، ")])
def test_the_lists_of_a_notice_are_joined_the_way_the_language_writes_a_list(lang, sep):
    raw = pd.DataFrame({"Customer": ["۱", "۲", "۳", "۴"], "Date": ["2024-01-01"] * 4, "Total": ["۱۰", "۲۰", "۳۰", "۴۰"],
                        "Status": ["paid", "cancelled", "refunded", "paid"]}, dtype="str")
    notices = {n.code: notice_text(n, lang) for n in clean_orders(raw).notices}
    assert f"cancelled (1){sep}refunded (1)" in notices["statuses_excluded"]


def test_statuses_and_currency_marks_are_listed_with_the_languages_comma():
    # an Arabic sheet read "ملغي (1), قيد الانتظار (1)" and "(تومان, ریال)": a Latin comma in Arabic script
    raw = pd.DataFrame({"العميل": ["أحمد", "سارة", "منى", "هدى"], "التاريخ": ["2024-01-10", "2024-02-03", "2024-03-01",
                                                                         "2024-03-05"],
                        "المبلغ": ["100 تومان", "450 ریال", "500 ریال", "75 ریال"],
                        "الحالة": ["مكتمل", "ملغي", "قيد الانتظار", "مكتمل"]})
    said = {n.code: notice_text(n, "ar") for n in clean_orders(raw).notices}
    assert "ملغي (1)، قيد الانتظار (1)" in said["statuses_excluded"]
    assert "(تومان، ریال)" in said["currencies_mixed"]
    english = {n.code: notice_text(n, "en") for n in clean_orders(raw).notices}
    assert "ملغي (1), قيد الانتظار (1)" in english["statuses_excluded"]
