"""Cleaning order exports: column detection, values in any script, every row accounted for."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from order_tables import (
    built_report,
    refunded_order_and_its_refund_row,
    words,
    zid_refunds,
)

from retention_xl.analysis.columns import ColumnMap, detect_columns
from retention_xl.analysis.orders import clean_orders
from retention_xl.errors import DataError
from retention_xl.wording import problem_texts

NBSP = "\u00a0"


def day(text):
    return pd.Timestamp(text)


def worded(issues):
    """The issues as the Data issues sheet shows them in English (problem and detail worded)."""
    return issues.assign(problem=problem_texts(issues["problem"], issues["detail"], "en")).drop(columns="detail")


def issues_of(result):
    """(row, column, value, problem in words, action) of each issue."""
    return [tuple(r) for r in worded(result.issues).drop(columns=["lines", "amount"]).itertuples(index=False)]


# ---------------------------------------------------------------- column detection

@pytest.mark.parametrize(
    "headers, expected",
    [
        (["Customer", "Date", "Amount"], ("Customer", "Date", "Amount", None)),
        (["order_id", "CUSTOMER ID", "order-date", "Total."], ("CUSTOMER ID", "order-date", "Total.", "order_id")),
        (["OrderDate", "CustomerID", "GrandTotal"], ("CustomerID", "OrderDate", "GrandTotal", None)),
        (["Invoice No", "Client", "Invoice Date", "Revenue"], ("Client", "Invoice Date", "Revenue", "Invoice No")),
        (["email", "created_at", "price"], ("email", "created_at", "price", None)),
        (["رقم العميل", "تاريخ الطلب", "المبلغ"], ("رقم العميل", "تاريخ الطلب", "المبلغ", None)),
        (["العميل", "التاريخ", "الإجمالي"], ("العميل", "التاريخ", "الإجمالي", None)),
        (["مشتری", "تاریخ", "جمع"], ("مشتری", "تاریخ", "جمع", None)),
        # Arabic letters typed for Persian words (ي, ك) still match
        (["كد مشتري", "تاريخ سفارش", "قيمت"], ("كد مشتري", "تاريخ سفارش", "قيمت", None)),
        (["نام مشتری", "تاریخ سفارش", "مبلغ"], ("نام مشتری", "تاریخ سفارش", "مبلغ", None)),
    ],
)
def test_detects_columns(headers, expected):
    got = detect_columns(headers)
    assert (got.customer, got.date, got.amount, got.order_id) == expected


def test_exact_synonym_beats_partial_and_id_beats_name():
    got = detect_columns(["Customer name", "Ship date", "Date", "Discount amount", "Customer ID", "Order total"])
    assert got == ColumnMap(customer="Customer ID", date="Date", amount="Order total", customer_fallback="Customer name")


def test_partial_matches_and_exclusions():
    got = detect_columns(["Buyer e-mail", "Updated at", "Order date (UTC)", "Tax amount", "Amount (SAR)"])
    assert got == ColumnMap(customer="Buyer e-mail", date="Order date (UTC)", amount="Amount (SAR)")


def test_ties_go_to_the_leftmost_column():
    assert detect_columns(["Total", "Date", "Customer", "Total.1"]).amount == "Total"


def test_overrides_win_and_match_loosely():
    got = detect_columns(["Customer", "Date", "Amount", "Net"], amount="net")
    assert got.amount == "Net"
    got = detect_columns(["Who", "When", "Amount"], customer="Who", date="When")
    assert got == ColumnMap(customer="Who", date="When", amount="Amount", chosen=("customer", "date"))


def test_override_naming_no_column_lists_the_columns():
    with pytest.raises(DataError, match=r"no column 'Price' for the amount; the columns are: 'Customer', 'Date', 'Sum'"):
        detect_columns(["Customer", "Date", "Sum"], amount="Price")


def test_unrecognised_layout_explains_what_to_do():
    with pytest.raises(DataError) as err:
        detect_columns(["A", "B", "Total"])
    message = str(err.value)
    assert "customer and date" in message
    assert "columns found: 'A', 'B', 'Total'" in message
    assert err.value.roles == ("customer", "date") and err.value.columns == ("A", "B", "Total")
    assert "\n" not in message


# ---------------------------------------------------------------- real exports

def english_export():
    return pd.DataFrame(
        {
            "Order ID": ["1001", "1002", "", "1003", "1004", "1005", "1006", "1007", "1002", "1008", "1009"],
            "Customer Email": ["ann@x.com", "bob@x.com ", "", "", "cat@x.com", "dan@x.com", "eve@x.com",
                               "ann@x.com", "bob@x.com ", "bob@x.com", f" cat@x.com{NBSP}"],
            "Order Date": ["2023-01-05", "2023-01-03", "", "2023-01-04", "someday", "2023-01-06", "2023-01-07",
                           "2023-01-08", "2023-01-03", "2023-01-09", "2023-01-02"],
            "Total": ["$1,200.00", "50", " ", "10", "20", "N/A", "twelve", "(25.00)", "50", "0", "1,000.5"],
        },
        dtype="str",
    )


def test_english_messy_export():
    raw = english_export()
    result = clean_orders(raw)
    assert result.columns == ColumnMap("Customer Email", "Order Date", "Total", "Order ID")
    assert result.columns.layout == "generic"
    assert result.n_input_rows == 11
    assert result.frame["row"].tolist() == [12, 3, 2, 9, 11]
    assert result.frame["customer"].tolist() == ["cat@x.com", "bob@x.com", "ann@x.com", "ann@x.com", "bob@x.com"]
    assert result.frame["date"].tolist() == [day("2023-01-02"), day("2023-01-03"), day("2023-01-05"),
                                              day("2023-01-08"), day("2023-01-09")]
    assert result.frame["amount"].tolist() == [1000.5, 50.0, 1200.0, -25.0, 0.0]
    assert issues_of(result) == [
        (4, "", "", "blank row", "skipped"),
        (5, "Customer Email", "", "missing customer", "skipped"),
        (6, "Order Date", "someday", "not a date", "skipped"),
        (7, "Total", "N/A", "missing amount", "skipped"),
        (8, "Total", "twelve", "not a number", "skipped"),
        (9, "Total", "(25.00)", "accounting negative read as -25", "fixed"),
        (10, "", "", "duplicate of row 3", "skipped"),
    ]
    assert "Currency marks ($) were removed from amounts in 'Total'." in words(result.notices)


def test_output_types():
    result = clean_orders(english_export())
    assert list(result.frame.columns) == ["row", "customer", "date", "amount"]
    assert result.frame.dtypes.astype(str).tolist() == ["int64", "category", "datetime64[ns]", "float64"]
    # customers: one category per customer id, sorted, as astype("category") makes them
    customers = result.frame["customer"]
    assert customers.cat.categories.dtype == "str"
    assert customers.cat.categories.tolist() == sorted(set(customers.astype(str)))
    assert list(result.issues.columns) == ["row", "column", "value", "problem", "detail", "action", "lines", "amount"]
    assert result.issues["row"].dtype == np.dtype("int64")
    assert result.frame.index.tolist() == list(range(len(result.frame)))


def test_input_is_not_modified():
    raw = english_export()
    before = raw.copy(deep=True)
    clean_orders(raw)
    pd.testing.assert_frame_equal(raw, before)
    mixed = workbook_frame()
    before = mixed.copy(deep=True)
    clean_orders(mixed)
    pd.testing.assert_frame_equal(mixed, before)


def test_first_row_sets_row_numbers():
    result = clean_orders(english_export(), first_row=7)
    assert result.frame["row"].min() == 7
    assert result.issues["row"].tolist()[0] == 9
    assert issues_of(result)[-1][3] == "duplicate of row 8"


def test_arabic_export():
    raw = pd.DataFrame(
        {
            "رقم العميل": ["١٠١", "١٠٢", "101"],
            "تاريخ الطلب": ["٢٠٢٣-٠١-١٥", "٢٠٢٣-٠٢-٠١", "2023-03-01"],
            "المبلغ": ["١٢٣٫٥٠ ر.س", "١٬٠٠٠ ر.س", "٧٥"],
        }
    )
    result = clean_orders(raw)
    assert result.frame["customer"].tolist() == ["101", "102", "101"]
    assert result.frame["date"].tolist() == [day("2023-01-15"), day("2023-02-01"), day("2023-03-01")]
    assert result.frame["amount"].tolist() == [123.5, 1000.0, 75.0]
    assert result.issues.empty
    assert "Arabic-Indic digits in 'رقم العميل', 'تاريخ الطلب', 'المبلغ' were read as 0-9." in words(result.notices)
    assert "Currency marks (ر.س) were removed from amounts in 'المبلغ'." in words(result.notices)
    assert ("Customer ids in 'رقم العميل' were compared after removing extra spaces and invisible marks, "
            "reading all digits as 0-9, Arabic ي and ك as Persian ی and ک, and phone numbers without their spaces "
            "and dashes; 1 id matched another spelling (e.g. '۱۲۳' = '123').") in words(result.notices)


def test_persian_export_with_jalali_dates():
    raw = pd.DataFrame(
        {
            "کد مشتری": ["۱۰۱", "۱۰۲", "۱۰۱"],
            "تاریخ سفارش": ["۱۴۰۲/۰۱/۱۵", "۱۴۰۲/۰۲/۰۱", "۱۴۰۱/۱۲/۲۹"],
            "مبلغ": ["۱۲۰٬۰۰۰ تومان", "۸۵٬۵۰۰ تومان", "۳۰٬۰۰۰"],
        }
    )
    result = clean_orders(raw)
    # 1402/01/01 = 2023-03-21; Farvardin has 31 days; 1401 is not a leap year (Esfand 29)
    assert result.frame["date"].tolist() == [day("2023-03-20"), day("2023-04-04"), day("2023-04-21")]
    assert result.frame["customer"].tolist() == ["101", "101", "102"]
    assert result.frame["amount"].tolist() == [30000.0, 120000.0, 85500.0]
    assert result.frame["row"].tolist() == [4, 2, 3]
    assert "Dates in 'تاریخ سفارش' are Solar Hijri (Jalali); 3 values converted to Gregorian " \
           "(e.g. ۱۴۰۲/۰۱/۱۵ = 2023-04-04)." in words(result.notices)  # its first date, as written
    assert "Persian digits in 'کد مشتری', 'تاریخ سفارش', 'مبلغ' were read as 0-9." in words(result.notices)


def test_day_first_and_month_first_columns():
    dmy = pd.DataFrame({"Customer": ["a", "b", "c"], "Date": ["25/12/2023", "01/02/2023", "3/4/2023"],
                        "Amount": ["1", "2", "3"]})
    result = clean_orders(dmy)
    assert sorted(result.frame["date"].tolist()) == [day("2023-02-01"), day("2023-04-03"), day("2023-12-25")]
    assert "Dates in 'Date' read as day/month/year (1 of 3 values have a first part above 12)." in words(result.notices)
    mdy = dmy.assign(Date=["12/25/2023", "01/02/2023", "3/4/2023"])
    result = clean_orders(mdy)
    assert sorted(result.frame["date"].tolist()) == [day("2023-01-02"), day("2023-03-04"), day("2023-12-25")]
    result = clean_orders(dmy.assign(Date=["01/02/2023", "3/4/2023", "05/06/2023"]))
    assert result.frame["date"].tolist() == [day("2023-02-01"), day("2023-04-03"), day("2023-06-05")]
    assert "this is the default" in " ".join(words(result.notices))
    result = clean_orders(dmy.assign(Date=["01/02/2023", "3/4/2023", "05/06/2023"]), dayfirst=False)
    assert result.frame["date"].tolist() == [day("2023-01-02"), day("2023-03-04"), day("2023-05-06")]


def test_conflicting_date_orders_are_reported_per_row():
    raw = pd.DataFrame({"Customer": ["a", "b", "c"], "Date": ["13/01/2023", "14/01/2023", "01/15/2023"],
                        "Amount": ["1", "2", "3"]})
    result = clean_orders(raw)
    assert result.frame["date"].tolist() == [day("2023-01-13"), day("2023-01-14"), day("2023-01-15")]
    assert issues_of(result) == [
        (4, "Date", "01/15/2023", "read as month/day/year: it cannot be day/month/year", "fixed")
    ]


def workbook_frame():
    """Cells as openpyxl hands them over: numbers, datetimes, text, None."""
    return pd.DataFrame(
        {
            "Customer ID": [123.0, 123, "۱۲۳", 7.5, None, 456],
            "Date": [dt.datetime(2023, 1, 2), 44929, "2023-01-04", dt.datetime(2023, 1, 5, 9, 30),
                     dt.datetime(2023, 1, 6), dt.datetime(2023, 1, 7)],
            "Amount": [10, 20.5, 30, "40", 50, "#VALUE!"],
        },
        dtype=object,
    )


def test_workbook_cells():
    result = clean_orders(workbook_frame())
    assert result.frame["customer"].tolist() == ["123", "123", "123", "7.5"]
    assert result.frame["date"].tolist() == [day("2023-01-02"), day("2023-01-03"), day("2023-01-04"),
                                              day("2023-01-05 09:30")]
    assert result.frame["amount"].tolist() == [10.0, 20.5, 30.0, 40.0]
    assert issues_of(result) == [
        (4, "Date", "2023-01-04", "date typed as text", "fixed"),
        (5, "Amount", "40", "number stored as text", "fixed"),
        (6, "Customer ID", "", "missing customer", "skipped"),
        (7, "Amount", "#VALUE!", "not a number", "skipped"),
    ]


def test_numeric_columns_from_parquet():
    raw = pd.DataFrame({"customer_id": np.array([5, 6, 5], dtype="int64"),
                        "order_date": pd.to_datetime(["2023-01-01", "2023-01-02", None]),
                        "revenue": [9.5, -2.0, 1.0]})
    result = clean_orders(raw)
    assert result.frame["customer"].tolist() == ["5", "6"]
    assert result.frame["amount"].tolist() == [9.5, -2.0]
    assert issues_of(result) == [(4, "order_date", "", "missing date", "skipped")]


def test_several_problems_in_one_row_are_all_listed_and_the_row_counted_once():
    raw = pd.DataFrame({"Customer": ["", "a"], "Date": ["x", "2023-01-01"], "Amount": ["y", "1"]})
    result = clean_orders(raw)
    assert [(r, c, p) for r, c, _, p, _ in issues_of(result)] == [
        (2, "Customer", "missing customer"), (2, "Date", "not a date"), (2, "Amount", "not a number")
    ]
    assert len(result.frame) == 1


def test_duplicates_compare_every_column():
    raw = pd.DataFrame({"Customer": ["a", "a", "a"], "Date": ["2023-01-01"] * 3, "Amount": ["5"] * 3,
                        "Product": ["pen", "ink", "pen"]})
    result = clean_orders(raw)
    assert result.frame["row"].tolist() == [2, 3, 4]  # kept: identical lines can be real
    assert issues_of(result) == [(4, "", "", "possible duplicate of row 2 (kept)", "kept")]
    assert result.issues["amount"].tolist() == [5.0]


@pytest.mark.parametrize("as_text", ["date", "amount", "customer"])
def test_a_row_pasted_twice_is_a_duplicate_whether_excel_read_its_cells_or_kept_them_as_text(as_text):
    # last month's export pasted (Excel made its dates dates, its numbers numbers) and this month's
    # below it (left as text), the two overlapping by an order: #30 was read as one order of two lines,
    # 60.00 instead of 30.00
    at = [dt.datetime(2024, 3, 1, 20, 12) + dt.timedelta(hours=7 * i) for i in range(61)]
    first = [(f"#{i}", float(1000 + i % 9), at[i], float(i)) for i in range(1, 31)]
    again = [(f"#{i}", f"{1000 + i % 9}" if as_text == "customer" else float(1000 + i % 9),
              at[i].strftime("%Y-%m-%d %H:%M") if as_text == "date" else at[i],
              f"{i:.2f}" if as_text == "amount" else float(i)) for i in range(30, 61)]
    raw = pd.DataFrame(first + again, columns=["Order id", "Customer", "Date", "Amount"], dtype=object)
    result = clean_orders(raw)
    assert issues_of(result) == [(32, "", "", "duplicate of row 31", "skipped")]
    assert result.frame["amount"].tolist() == [float(i) for i in range(1, 61)]


def test_issue_values_are_truncated():
    raw = pd.DataFrame({"Customer": ["a"], "Date": ["z" * 300], "Amount": ["1"]})
    assert clean_orders(raw).issues["value"].tolist() == ["z" * 100]


def test_no_rows():
    result = clean_orders(pd.DataFrame({"Customer": [], "Date": [], "Amount": []}, dtype="str"))
    assert result.frame.empty and result.issues.empty and result.n_input_rows == 0
    assert result.frame.dtypes.astype(str).tolist() == ["int64", "category", "datetime64[ns]", "float64"]


def test_mixed_currencies_are_flagged():
    raw = pd.DataFrame({"Customer": ["a", "b"], "Date": ["2023-01-01"] * 2, "Amount": ["10 تومان", "100 ریال"]})
    notes = words(clean_orders(raw).notices)
    assert "carry more than one currency (تومان, ریال)" in " ".join(notes)


def test_a_currency_written_two_ways_is_one_currency():
    # a Zid export writes SAR and ر.س for the Saudi riyal: one currency, not a mix
    raw = pd.DataFrame({"Customer": ["a", "b", "c"], "Date": ["2023-01-01"] * 3, "Amount": ["SAR 10", "5 ر.س", "7 ر.س."]})
    assert words(clean_orders(raw).notices) == ["Currency marks (SAR, ر.س, ر.س.) were removed from amounts in 'Amount'."]
    # a mark several currencies share (ريال: Saudi, Omani, Iranian ...) is not taken for one
    raw = pd.DataFrame({"Customer": ["a", "b"], "Date": ["2023-01-01"] * 2, "Amount": ["SAR 10", "10 ريال"]})
    assert "carry more than one currency (SAR, ريال)" in " ".join(words(clean_orders(raw).notices))


# ---------------------------------------------------------------- invariants

CUSTOMERS = st.sampled_from(["a", "b", " a ", "۱", "1", "", None, "N/A", 1.0, 2])
DATES = st.sampled_from(["2023-01-05", "05/01/2023", "01/13/2023", "13/01/2023", "bad", "", None, 44927,
                         "۱۴۰۲/۰۱/۱۵", dt.datetime(2023, 2, 1), "2023-02-30"])
AMOUNTS = st.sampled_from(["10", "(5)", "x", "", None, -3.5, "1,000.50", "1.234,5", "٣٫٥", "-", 0, "$7"])
EXTRA = st.sampled_from(["", "p", None])


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@settings(deadline=None)
@given(st.lists(st.tuples(CUSTOMERS, DATES, AMOUNTS, EXTRA), max_size=25), st.integers(1, 50))
def test_every_row_is_accounted_for_exactly_once(rows, first_row):
    raw = pd.DataFrame(rows, columns=["Customer", "Date", "Amount", "Note"], dtype=object)
    before = raw.copy(deep=True)
    result = clean_orders(raw, first_row=first_row)
    pd.testing.assert_frame_equal(raw, before)

    used = result.frame["row"].tolist()
    skipped = set(result.issues.loc[result.issues["action"] == "skipped", "row"])
    fixed = set(result.issues.loc[result.issues["action"] == "fixed", "row"])
    kept = set(result.issues.loc[result.issues["action"] == "kept", "row"])
    assert len(used) == len(set(used))
    assert not skipped & set(used)
    assert fixed <= set(used) and kept <= set(used)
    assert len(used) + len(skipped) == result.n_input_rows == len(raw)
    assert set(used) | skipped == set(range(first_row, first_row + len(raw)))
    assert result.n_used_rows == len(used) and result.skipped_rows == len(skipped)

    orders = result.frame
    assert orders.dtypes.astype(str).tolist() == ["int64", "category", "datetime64[ns]", "float64"]
    assert orders["customer"].cat.categories.tolist() == sorted(set(orders["customer"].astype(str)))
    keys = list(zip(orders["date"], orders["row"]))
    assert keys == sorted(keys)
    assert orders["amount"].notna().all() and orders["date"].notna().all()
    assert (orders["customer"].str.len() > 0).all()
    assert set(result.issues["action"]) <= {"skipped", "fixed", "kept"}


def test_rows_with_distinct_order_ids_are_not_duplicates():
    raw = pd.DataFrame({"Order ID": ["1", "2"], "Customer": ["a", "a"], "Date": ["2023-01-01"] * 2,
                        "Amount": ["5", "5"]})
    result = clean_orders(raw)
    assert result.frame["row"].tolist() == [2, 3] and result.issues.empty


def test_a_row_with_only_a_note_is_not_blank_but_has_no_customer():
    raw = pd.DataFrame({"Customer": ["a", "", ""], "Date": ["2024-01-02", "", ""],
                        "Total": ["5", "", ""], "Note": ["", "call back", ""]})
    issues = worded(clean_orders(raw).issues)
    problems = {r: set(issues.loc[issues["row"] == r, "problem"]) for r in (3, 4)}
    assert "missing customer" in problems[3] and "blank row" not in problems[3]  # the note makes it a row
    assert problems[4] == {"blank row"}


def test_duplicates_among_many_rows_name_the_first_occurrence():
    raw = pd.DataFrame({"Customer": ["a", "b", "a", "a", "b"],
                        "Date": ["2024-01-02"] * 5, "Total": ["5", "5", "5", "5", "5"],
                        "Channel": ["web", "web", "shop", "web", "web"]})
    issues = worded(clean_orders(raw).issues)
    # rows 2 and 5 are a on the web; 3 and 6 are b on the web; row 4 differs by channel
    assert dict(zip(issues["row"], issues["problem"])) == {5: "possible duplicate of row 2 (kept)",
                                                          6: "possible duplicate of row 3 (kept)"}


# ---------------------------------------------------------------- refund rows marked returned or refunded

@pytest.mark.parametrize("order_ids", [True, False], ids=["by_order_id", "no_order_id"])
def test_a_credit_note_marked_returned_reduces_revenue(order_ids):
    r = built_report(zid_refunds(order_ids))
    frame = r.clean.frame
    # by hand (zid_refunds): 120,000 + 80,000 + 50,000 - 120,000 - 20,000; the credit notes on
    # their own dates (1402/10/15 = 2024-01-05, 1402/11/15 = 2024-02-04)
    assert frame["amount"].sum() == 110_000
    assert frame.loc[frame["amount"] < 0, ["row", "date", "amount"]].values.tolist() == [
        [6, day("2024-01-05"), -120_000.0], [7, day("2024-02-04"), -20_000.0]]
    assert frame.groupby("customer", observed=True)["amount"].sum().to_dict() == {"علی رضایی": 50_000.0,
                                                                                 "مریم کاظمی": 60_000.0}
    h = r.analysis.headline
    assert (h["revenue"], h["orders"]) == (110_000, 3)
    assert h["aov"] == pytest.approx(250_000 / 3)  # the order value of purchases, refunds apart
    # every row once: 5 used, 1004 left out as cancelled
    issues = r.clean.issues
    assert issues[["row", "action", "amount"]].values.tolist() == [[5, "excluded", 30_000.0]]
    assert r.clean.n_used_rows == 5
    notices = {n.code: n for n in r.clean.notices}
    assert dict(notices["status_refunds"].values) == {"column": "وضعیت", "count": 2, "value": 140_000.0, "kept_out": 0,
                                                      "kept_out_value": 0.0,
                                                      "by": "order_id" if order_ids else "customer"}
    assert dict(notices["negative_orders"].values) == {"count": 2, "value": 140_000.0}
    # the credit notes are refunds, not sales of their status
    statuses = dict(notices["statuses_excluded"].values)
    assert (statuses["statuses"], statuses["kept"]) == ((("لغو شده", 1),), (("تکمیل شده", 2), ("تحویل شده", 1)))


def test_the_refunds_by_status_are_said_in_every_language():
    from retention_xl.layout.statement import basis_lines
    from retention_xl.wording import notice_text

    result = clean_orders(zid_refunds())
    notice = next(n for n in result.notices if n.code == "status_refunds")
    assert notice_text(notice, "en") == ("Refund rows in 'وضعیت' (a negative amount with a returned or refunded "
                                         "status): 2 reduce revenue by 140,000.00.")
    assert notice_text(notice, "fa") == ("ردیف‌های بازپرداخت در «وضعیت» (مبلغ منفی با وضعیت مرجوعی یا "
                                         "بازپرداخت‌شده): 2 ردیف درآمد را 140,000.00 کم می‌کنند.")
    assert notice_text(notice, "ar") == ("صفوف الاسترداد في 'وضعیت' (مبلغ سالب بحالة مرتجع أو مسترد): صفوف عددها 2 "
                                         "تُنقص الإيراد بمقدار 140,000.00.")
    for lang in ("en", "ar", "fa"):  # one of the conventions the figures rest on
        assert notice_text(notice, lang) in basis_lines(result.columns, result.notices, lang)
    # without an order id, how a refund found its sale is said, and what to add
    without = next(n for n in clean_orders(zid_refunds(order_ids=False)).notices if n.code == "status_refunds")
    assert notice_text(without, "en").endswith("Add the order id column to match each refund to its order.")
    assert "ستون شماره‌ی سفارش" in notice_text(without, "fa") and "عمود رقم الطلب" in notice_text(without, "ar")


@pytest.mark.parametrize("order_ids", [True, False], ids=["by_order_id", "no_order_id"])
def test_the_refund_row_of_an_order_left_out_is_not_taken_off_twice(order_ids):
    result = clean_orders(refunded_order_and_its_refund_row(order_ids))
    frame = result.frame
    # by hand (refunded_order_and_its_refund_row): 6,275 - 107 (#7 refunded, left out) - 30
    assert frame["amount"].sum() == 6_138
    assert frame.loc[frame["amount"] < 0, ["row", "amount"]].values.tolist() == [[53, -30.0]]
    out = result.issues[result.issues["action"] == "excluded"]
    # #7's row and its refund row, each left out with its status, as before
    assert out[["row", "problem", "detail", "amount"]].values.tolist() == [
        [8, "order_status", "refunded", 107.0], [52, "order_status", "refunded", -107.0]]
    assert len(frame) + len(out) == len(refunded_order_and_its_refund_row(order_ids))  # every row once
    notices = {n.code: dict(n.values) for n in result.notices}
    assert notices["status_refunds"] == {"column": "Status", "count": 1, "value": 30.0, "kept_out": 1,
                                         "kept_out_value": 107.0,
                                         "by": "order_id" if order_ids else "customer"}
    assert notices["statuses_excluded"]["count"] == 2 and notices["statuses_excluded"]["value"] == 0.0


def test_a_refund_row_of_a_sale_left_out_elsewhere_in_the_table_stays_out():
    # the keys of sales another slice left out (as the engines pass them): #12's refund stays out too
    result = clean_orders(refunded_order_and_its_refund_row(), left_out_sales=("id #12",))
    assert result.frame["amount"].sum() == 6_168
    assert {n.code: dict(n.values) for n in result.notices}["status_refunds"]["kept_out"] == 2


def test_a_refund_status_on_a_sale_or_on_a_row_with_its_order_is_decided_by_the_status():
    # a positive row marked returned is a returned order (left out, as before); a refund row
    # under the id of an order written in lines is a line of that order: the order's status decides
    raw = pd.DataFrame({"Order": ["1", "2", "2", "3", "3"], "Customer": ["a", "b", "b", "c", "c"],
                        "Date": ["2024-01-02", "2024-01-03", "2024-01-09", "2024-01-04", "2024-01-10"],
                        "Amount": ["40", "50", "-50", "60", "-10"],
                        "Status": ["returned", "refunded", "refunded", "completed", "returned"]})
    result = clean_orders(raw)
    # 1 left out (returned); 2 left out (its lines 50 - 50, refunded); 3 = 60 - 10, completed
    assert result.frame[["row", "amount"]].values.tolist() == [[5, 50.0]]
    assert "status_refunds" not in {n.code for n in result.notices}


def test_a_refund_status_the_user_counts_as_not_a_sale_leaves_its_rows_out():
    result = clean_orders(zid_refunds(), exclude_statuses=("مرجوعی",))
    assert result.frame["amount"].sum() == 250_000  # 120,000 + 80,000 + 50,000: the credit notes left out
    out = result.issues[result.issues["action"] == "excluded"]
    assert out[["row", "problem", "amount"]].values.tolist() == [
        [5, "order_status", 30_000.0], [6, "order_status", -120_000.0], [7, "order_status", -20_000.0]]
    assert "status_refunds" not in {n.code for n in result.notices}


# ---------------------------------------------------------------- the refund column

def test_the_refund_notice_counts_the_refunds_applied_and_says_which_were_not():
    raw = pd.DataFrame({
        "Customer": ["a", "b", "c", "d", "e"],
        "Date": ["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09"],
        "Total": [100, -10, 50, 0, 30],
        "Refunded": [20, 5, 0, 7, 30],
    })
    result = clean_orders(raw, refund="Refunded")
    # a and d get a refund row (20 + 7); e is refunded in full and left out; b is a return
    # already (-10): its 5 is not taken off again
    assert result.frame["amount"].tolist() == [100.0, -20.0, -10.0, 50.0, 0.0, -7.0]
    notices = {n.code: dict(n.values) for n in result.notices}
    assert notices["refund_column"] == {"column": "Refunded", "count": 2, "value": 27.0, "full": 1,
                                        "full_value": 30.0}
    assert notices["refund_on_returns"] == {"column": "Refunded", "count": 1, "value": 5.0}
    refund_rows = result.frame.loc[result.frame.duplicated("row", keep="first"), "amount"]
    assert -refund_rows.sum() == notices["refund_column"]["value"]  # what the sentence says is applied


@pytest.mark.parametrize("lang", ["en", "ar", "fa"])
def test_the_refunds_not_applied_are_said_in_every_language(lang):
    from retention_xl.analysis.notices import Notice
    from retention_xl.wording import notice_text

    one = notice_text(Notice("refund_on_returns", column="Refunded", count=1, value=5.0), lang)
    many = notice_text(Notice("refund_on_returns", column="Refunded", count=3, value=15.5), lang)
    assert ("«Refunded»" if lang == "fa" else "'Refunded'") in one and "5.00" in one and "refund on returns" not in one
    assert "3" in many and "15.50" in many and one != many


def test_a_row_proven_a_duplicate_is_in_no_count_of_the_sales():
    # one row per order (60 ids; #5 repeated by its refund row, under 5% of the ids), and
    # row 5 (order #3, a negative amount) exported twice: the second is the same order again
    raw = pd.DataFrame({"Order": [f"#{i}" for i in range(60)], "Customer": [f"c{i % 7}" for i in range(60)],
                        "Date": [f"2024-01-{1 + i % 28:02d}" for i in range(60)],
                        "Amount": [10.0 + i for i in range(60)], "Status": ["paid"] * 59 + ["cancelled"]})
    raw.loc[3, "Amount"] = -4.0
    refund = pd.DataFrame({"Order": ["#5"], "Customer": ["c5"], "Date": ["2024-01-20"], "Amount": [-5.0],
                           "Status": ["refunded"]})
    result = clean_orders(pd.concat([raw, refund, raw.iloc[[3]]], ignore_index=True))
    assert ("duplicate", "skipped") in {(p, a) for p, a in zip(result.issues["problem"], result.issues["action"])}
    frame = result.frame
    # 58 sales, #3's return and #5's refund row (its sale is paid, not left out: -5 is taken off)
    assert len(frame) == 60 and (frame["amount"] < 0).sum() == 2
    notices = {n.code: dict(n.values) for n in result.notices}
    assert notices["negative_orders"] == {"count": 2, "value": 9.0}
    assert {text: shown for text, shown, _, _ in notices["statuses_excluded"]["tally"]}["paid"] == 59


ORDER_IDS = st.sampled_from(["#1", "#2", "#3", "#4", "C5", None])
STATUSES = st.sampled_from(["paid", "completed", "pending", "cancelled", "refunded"])
REFUNDS = st.sampled_from([0, 0, 0, 5, 20, 100, None])


@settings(deadline=None)
@given(st.lists(st.tuples(ORDER_IDS, st.sampled_from(["a", "b", "c"]), st.integers(1, 20),
                          st.integers(-30, 100), STATUSES, REFUNDS), min_size=1, max_size=20),
       st.lists(st.integers(0, 19), max_size=3), st.booleans())
def test_what_the_notices_count_is_what_the_orders_hold(rows, repeated, with_ids):
    # random exports with statuses, a refund column, refund documents, order lines and
    # exported-twice rows: each sentence's count and value must be found in the orders
    raw = pd.DataFrame(rows, columns=["Order", "Customer", "Day", "Amount", "Status", "Refunded"])
    raw = pd.concat([raw, raw.iloc[[i for i in repeated if i < len(raw)]]], ignore_index=True)
    raw["Order"] = raw["Order"].where(raw["Order"].notna(), [f"#u{i}" for i in range(len(raw))])
    raw["Date"] = [f"2024-01-{d:02d}" for d in raw.pop("Day")]
    if not with_ids:
        raw = raw.drop(columns="Order")
    try:
        result = clean_orders(raw, refund="Refunded", status="Status")
    except DataError:
        return  # nothing usable: said in one line, no notices to check
    frame = result.frame
    refund_rows = frame.duplicated("row", keep="first")  # a refund row follows its order
    orders = frame[~refund_rows]
    notices = {n.code: dict(n.values) for n in result.notices}
    applied = notices.get("refund_column", {"count": 0, "value": 0.0})
    assert applied["count"] == refund_rows.sum()
    assert applied["value"] == pytest.approx(-frame.loc[refund_rows, "amount"].sum())
    negative = orders["amount"] < 0
    returns = notices.get("negative_orders", {"count": 0, "value": 0.0})
    documents = notices.get("cancellation_documents", {"documents": 0, "value": 0.0})
    assert returns["count"] + documents["documents"] == negative.sum()
    assert returns["value"] + documents["value"] == pytest.approx(-orders.loc[negative, "amount"].sum())
    statuses = notices.get("statuses_excluded") or notices.get("statuses_kept")
    if statuses is not None:
        counted = sum(shown - out for _, shown, out, _ in statuses["tally"])
        # every order here has a status; refund rows taken off are counted by their own notice
        assert counted == len(orders) - notices.get("status_refunds", {"count": 0})["count"]
    excluded = result.issues[result.issues["problem"].str.startswith("order_status")]
    assert notices.get("statuses_excluded", {"count": 0})["count"] == len(excluded)


@pytest.mark.parametrize("count, full, english", [
    (1, 0, "Refunds in 'R': 1 partly refunded order reduces revenue by 10.00."),
    (0, 2, "Refunds in 'R': 2 orders refunded in full were left out (5.00)."),
    (3, 1, ("Refunds in 'R': 3 partly refunded orders reduce revenue by 10.00; 1 order refunded in full was "
            "left out (5.00).")),
])
def test_the_refund_sentence_says_only_what_happened(count, full, english):
    from retention_xl.analysis.notices import Notice
    from retention_xl.wording import notice_text

    notice = Notice("refund_column", column="R", count=count, value=10.0, full=full, full_value=5.0)
    assert notice_text(notice, "en") == english
    for lang in ("ar", "fa"):
        text = notice_text(notice, lang)
        assert ("«R»" if lang == "fa" else "'R'") in text and ("10.00" in text) == bool(count) \
            and ("5.00" in text) == bool(full)


def test_the_orders_sentence_counts_the_refunds_among_the_lines():
    # invoice lines: two orders of two lines, a cancellation document of one line
    raw = pd.DataFrame({"InvoiceNo": ["1", "1", "2", "2", "C3"], "CustomerID": ["a", "a", "b", "b", "a"],
                        "InvoiceDate": ["2024-01-05"] * 5, "Quantity": [1, 2, 1, 1, -1],
                        "UnitPrice": [10.0, 5.0, 3.0, 4.0, 10.0]})
    notices = {n.code: dict(n.values) for n in clean_orders(raw).notices}
    assert notices["orders_by_id"] == {"column": "InvoiceNo", "orders": 2, "lines": 5, "returns": 1}
    assert "Orders = distinct 'InvoiceNo': 2 orders and 1 refund from 5 lines." in words(clean_orders(raw).notices)
    one = pd.DataFrame({"InvoiceNo": ["1", "1"], "CustomerID": ["a", "a"], "InvoiceDate": ["2024-01-05"] * 2,
                        "Quantity": [1, 2], "UnitPrice": [10.0, 5.0]})
    assert "Orders = distinct 'InvoiceNo': 1 order from 2 lines." in words(clean_orders(one).notices)



@pytest.mark.parametrize("lang, example", [("en", "(e.g. B@X.com = b@x.com)."), ("ar", "(مثل B@X.com = b@x.com)."),
                                           ("fa", "(مثلاً B@X.com = b@x.com).")])
def test_the_email_case_notice_shows_the_datas_own_two_spellings(lang, example):
    # /tmp/explore-cli/shopify_orders.csv: B@X.com and b@x.com; the notice said Ann@x.com
    from retention_xl.wording import notice_text

    raw = pd.DataFrame({"Email": ["b@x.com", "c@x.com", "B@X.com", "z@x.com", "Z@x.com", "Z@X.COM"],
                        "Date": ["2024-01-01"] * 6, "Total": ["1"] * 6}, dtype="str")
    result = clean_orders(raw)
    (notice,) = [n for n in result.notices if n.code == "emails_casefolded"]
    # b@x.com twice and z@x.com three times: 3 spellings matched another; the example is the
    # address that sorts first (b@x.com), its first and last spelling
    assert notice.values["count"] == 3
    assert notice_text(notice, lang).endswith(example)


# ---------------------------------------------------------------- dates far from the others

def test_the_rule_counts_orders_not_lines():
    """200 orders in 2023-2024 (20 of them of two lines: 220 rows) and one of three lines
    dated 2104: 1 order of 201 (0.5%) is far, though its 3 lines are 1.3% of the 223 rows;
    it is left out whole, listed once on its first line with its 3 lines and its total."""
    rows = []
    for k in range(200):
        when = str((day("2023-01-01") + pd.Timedelta(days=3 * k)).date())
        rows += [(f"A{k}", f"c{k % 40}", when, "2"), (f"A{k}", f"c{k % 40}", when, "0.5")] if k < 20 \
            else [(f"A{k}", f"c{k % 40}", when, "2.5")]
    rows += [("Z1", "c1", "2104-01-07", str(v)) for v in (1, 2, 3)]
    raw = pd.DataFrame(rows, columns=["Order", "Customer", "Date", "Amount"])
    result = clean_orders(raw)
    assert len(result.frame) == 200 and result.frame["date"].max() == day("2024-08-20")
    assert result.n_used_rows == 220 and result.skipped_rows == 3
    assert result.issues[["row", "column", "value", "problem", "detail", "action", "lines", "amount"]].to_dict("records") \
        == [{"row": 222, "column": "Date", "value": "2104-01-07", "problem": "far_date", "detail": "2104-01-07",
             "action": "skipped", "lines": 3, "amount": 6.0}]
    far = [n for n in result.notices if n.code == "far_dates"]
    assert [dict(n.values) for n in far] == [{"column": "Date", "count": 1, "value": 6.0, "first_row": 222,
                                              "first_date": "2104-01-07"}]
    assert worded(result.issues)["problem"].tolist() == [
        "date 2104-01-07 far from all the other orders (more than 10 years away): left out"]
    orders = next(n for n in result.notices if n.code == "orders_by_id")
    assert (orders.values["orders"], orders.values["lines"]) == (200, 220)


def test_two_far_orders_name_the_first_row_and_a_long_lived_or_split_table_is_untouched():
    bulk = [str((day("2023-01-01") + pd.Timedelta(days=k)).date()) for k in range(600)]
    raw = pd.DataFrame({"Customer": [f"c{k % 30}" for k in range(602)],
                        "Date": bulk[:100] + ["2104-02-01"] + bulk[100:500] + ["1924-03-05"] + bulk[500:],
                        "Total": [str(10 + k) for k in range(602)]})
    result = clean_orders(raw)
    assert result.issues["row"].tolist() == [102, 503] and result.issues["detail"].tolist() == ["2104-02-01", "1924-03-05"]
    notice = next(n for n in result.notices if n.code == "far_dates")
    assert (notice.values["count"], notice.values["first_row"], notice.values["first_date"]) == (2, 102, "2104-02-01")
    assert len(result.frame) == 600
    # a business with orders every year from 1990 to 2024, and a table half 1990 and half 2024
    every_year = pd.DataFrame({"Customer": [f"c{k}" for k in range(350)],
                               "Date": [f"{1990 + k % 35}-{1 + k // 35}-15" for k in range(350)], "Total": ["10"] * 350})
    halves = pd.DataFrame({"Customer": [f"c{k}" for k in range(400)],
                           "Date": ["1990-05-01"] * 200 + ["2024-05-01"] * 200, "Total": ["10"] * 400})
    for raw in (every_year, halves):
        result = clean_orders(raw)
        assert len(result.frame) == len(raw) and result.issues.empty
        assert "far_dates" not in {n.code for n in result.notices}


def test_a_mistyped_jalali_year_in_a_sheet_of_twenty_orders_is_far():
    # 1420/01/05 (2041) typed for 1402 among 19 orders of 1402: 5% of the orders, kept before,
    # and the monthly report ran over 18 years of empty periods
    raw = pd.DataFrame({"مشتری": [f"c{k % 7}" for k in range(20)],
                        "تاریخ": [f"1402/{1 + k % 12:02d}/{1 + k % 28:02d}" for k in range(19)] + ["1420/01/05"],
                        "مبلغ": [str(100 + k) for k in range(20)]})
    result = clean_orders(raw)
    assert result.issues[["row", "problem", "detail"]].values.tolist() == [[21, "far_date", "2041-03-24"]]
    assert len(result.frame) == 19 and result.frame["date"].max() < day("2024-03-20")


def test_the_days_a_caller_decided_are_left_out_and_none_when_it_says_none():
    raw = pd.DataFrame({"Customer": ["a", "b", "c"], "Date": ["2024-01-05", "2024-01-06", "1924-01-06"],
                        "Total": ["1", "2", "3"]})
    assert len(clean_orders(raw).frame) == 3  # 1 order of 3 is more than 1%
    told = clean_orders(raw, leave_out_days=[int(np.datetime64("2024-01-06", "D").astype("int64"))])
    assert told.frame["customer"].tolist() == ["c", "a"] and told.issues["row"].tolist() == [3]
    many = pd.concat([raw.iloc[[0]]] * 150 + [raw.iloc[[2]]], ignore_index=True)
    assert len(clean_orders(many).frame) == 150 and len(clean_orders(many, leave_out_days=()).frame) == 151


def test_an_amount_no_order_reaches_is_skipped_with_its_reason():
    raw = pd.DataFrame({"customer": ["a", "b", "c", "a"], "order id": ["1", "2", "3", "4"],
                        "date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-02-01"],
                        "quantity": [2, 1e10, 1, 1], "unit price": [5.0, 1e10, 1e18, 7.0]})
    result = clean_orders(raw)
    assert result.frame["amount"].tolist() == [10.0, 7.0]
    issues = result.issues.set_index("row")
    # the product of two ordinary-looking numbers, and a price of 10^18 itself
    assert issues.loc[[2 + 1, 3 + 1], "problem"].tolist() == ["amount_too_large"] * 2
    assert issues.loc[[2 + 1, 3 + 1], "column"].tolist() == ["unit price"] * 2
    assert clean_orders(raw.assign(**{"unit price": [5.0, 1.0, -1e19, 7.0]})).issues["problem"].tolist() == [
        "amount_too_large"]


def test_an_order_id_written_as_a_number_and_as_text_is_one_order():
    """A pasted sheet mixes 1003 (a number) and "1003" (text) in one column; the lines are one order."""
    raw = pd.DataFrame({"customer": ["a", "a", "b"], "order id": pd.Series([1003.0, "1003", "C7"], dtype=object),
                        "date": ["2024-01-01", "2024-01-01", "2024-01-05"], "amount": [10.0, 5.0, 7.0]})
    result = clean_orders(raw)
    assert result.frame["amount"].tolist() == [15.0, 7.0]
    assert result.frame["customer"].tolist() == ["a", "b"]


def test_a_refund_column_of_whole_thousands_takes_the_amounts_decimal_comma():
    # a European export: the amounts show the decimal comma, the refund column only "1.000"
    raw = pd.DataFrame({"Customer": ["anna@x.de", "bob@x.de", "anna@x.de"],
                        "Order date": ["05.01.2024", "13.02.2024", "01.03.2024"],
                        "Amount": ["1.010,00", "20,50", "99,99"], "Refunded Amount": ["1.000", "0", "0"]})
    result = clean_orders(raw)
    # by hand: 1010.00 + 20.50 + 99.99 - 1000 refunded = 130.49
    assert round(result.frame["amount"].sum(), 2) == 130.49
    assert [n.values["column"] for n in result.notices if n.code == "decimal_comma"] == ["Amount", "Refunded Amount"]
    # and the other way round: the refund column shows the comma, the amounts only thousands
    swapped = raw.assign(Amount=["1.000", "2.000", "3.000"], **{"Refunded Amount": ["12,50", "0", "0"]})
    assert clean_orders(swapped).frame["amount"].sum() == 6000.0 - 12.5


def test_amounts_that_cannot_settle_the_separator_say_a_point_was_taken():
    raw = pd.DataFrame({"Customer": ["a", "b", "a"], "Date": ["2024-01-05", "2024-02-13", "2024-03-01"],
                        "Amount": ["1.250", "2.500", "5"]})
    result = clean_orders(raw)
    assert result.frame["amount"].tolist() == [1.25, 2.5, 5.0]  # dinars: three decimals
    assert words(result.notices) == [("Amounts in 'Amount' such as 1.250 were read with a decimal point "
                                      "(1.250 = 1.25): nothing in the table shows whether the point separates "
                                      "thousands instead (1.000 = 1000). If it does, write these amounts without it.")]


def test_a_name_typed_on_two_keyboards_and_a_phone_written_with_spaces_are_one_customer():
    raw = pd.DataFrame({"مشتری": ["علی رضایی", "علي رضايي", "کاوه", "كاوه", "0912 111 2223", "09121112223",
                                  "0912-111-2223", "12 34", "1234"],
                        "تاریخ": ["2024-01-05", "2024-02-05", "2024-01-06", "2024-03-06", "2024-01-07",
                                  "2024-03-07", "2024-04-07", "2024-01-08", "2024-02-08"],
                        "مبلغ": ["10", "20", "5", "5", "1", "1", "1", "3", "4"]})
    result = clean_orders(raw)
    # by hand: Ali twice, Kaveh twice, one phone three times; "12 34" is not a phone (4 digits)
    assert result.frame.groupby("customer", observed=True).size().to_dict() == {
        "09121112223": 3, "12 34": 1, "1234": 1, "علی رضایی": 2, "کاوه": 2}
    assert [n.values["count"] for n in result.notices if n.code == "customer_ids_merged"] == [4]


def test_a_totals_row_with_a_date_is_skipped_not_a_customer():
    for label in ("Grand Total", "TOTAL:", "المجموع", "الإجمالي الكلي", "جمع کل", "جمع كل"):
        raw = pd.DataFrame({"Customer": ["a@x.com", "b@x.com", "a@x.com", "c@x.com", label],
                            "Order date": ["2024-01-05", "2024-02-10", "2024-03-01", "2024-03-15", "2024-03-31"],
                            "Amount": ["100.00", "50.50", "25.25", "10.00", "185.75"]})
        result = clean_orders(raw)
        # by hand: the four orders add up to 185.75; the fifth row is their total
        assert result.frame["amount"].sum() == 185.75 and result.frame["customer"].nunique() == 3, label
        assert result.issues[["row", "problem", "action"]].values.tolist() == [[6, "totals_row", "skipped"]], label
        assert result.skipped_rows == 1
    # a customer whose name only begins like one is a customer
    named = pd.DataFrame({"Customer": ["Totally Fresh Ltd", "Summit Foods"], "Order date": ["2024-01-05"] * 2,
                          "Amount": ["10", "20"]})
    assert sorted(clean_orders(named).frame["customer"]) == ["Summit Foods", "Totally Fresh Ltd"]


def test_a_totals_row_labelled_in_the_order_id_or_date_column_is_a_totals_row():
    # An export that ends with "Total" under the order ids (its first column), customer and date
    # blank: the row was listed as "missing customer" worth 185.75, the whole table's revenue
    # counted again among the skipped rows' values
    raw = pd.DataFrame({"Order ID": ["1001", "1002", "1003", "1004", "Total"],
                        "Customer": ["a@x.com", "b@x.com", "a@x.com", "c@x.com", ""],
                        "Order date": ["2024-01-05", "2024-02-10", "2024-03-01", "2024-03-15", ""],
                        "Amount": ["100.00", "50.50", "25.25", "10.00", "185.75"]})
    result = clean_orders(raw)
    assert result.frame["amount"].sum() == 185.75 and len(result.frame) == 4
    assert result.issues[["row", "column", "problem", "action"]].values.tolist() == [
        [6, "Order ID", "totals_row", "skipped"]]
    assert result.skipped_rows == 1
    # the same label in the date column (the table's first column)
    dated = raw.drop(columns="Order ID").assign(**{"Order date": ["2024-01-05", "2024-02-10", "2024-03-01",
                                                                  "2024-03-15", "المجموع"]})
    result = clean_orders(dated)
    assert result.issues[["row", "column", "problem"]].values.tolist() == [[6, "Order date", "totals_row"]]
    # under the products, with no order id, customer or date on its row
    lines = raw.assign(**{"Order ID": ["1001", "1002", "1003", "1004", ""],
                          "Product": ["Pen", "Desk", "Pen", "Lamp", "Grand total:"]})
    result = clean_orders(lines)
    assert result.issues[["row", "column", "value", "problem"]].values.tolist() == [
        [6, "Product", "Grand total:", "totals_row"]]
    assert result.issues["amount"].isna().all()  # its 185.75 is no skipped order's value
    # a product of that name on an order's row is sold like any other
    sold = lines.assign(Customer=["a@x.com", "b@x.com", "a@x.com", "c@x.com", "d@x.com"],
                        **{"Order date": ["2024-01-05", "2024-02-10", "2024-03-01", "2024-03-15", "2024-03-31"]})
    assert len(clean_orders(sold).frame) == 5
    # an order id that only begins like one is an order
    named = raw.assign(**{"Order ID": ["1001", "1002", "1003", "1004", "Sum-1005"],
                          "Customer": ["a@x.com", "b@x.com", "a@x.com", "c@x.com", "d@x.com"],
                          "Order date": ["2024-01-05", "2024-02-10", "2024-03-01", "2024-03-15", "2024-03-31"]})
    assert len(clean_orders(named).frame) == 5


def test_the_digits_notice_names_every_column_whose_digits_were_read_as_0_to_9():
    # the refunds ١٠٠ and ٥٠ were read as 100 and 50, but the notice named the dates and amounts only
    raw = pd.DataFrame({"العميل": ["أحمد", "سارة", "أحمد"], "التاريخ": ["٢٠٢٤/٠١/١٠", "٢٠٢٤/٠١/١٥", "٢٠٢٤/٠٣/٢٠"],
                        "المبلغ": ["١٢٠٠", "٣٠٠", "٧٥٠"], "المسترد": ["", "١٠٠", "٥٠"]})
    result = clean_orders(raw)
    assert result.frame["amount"].sum() == 1200 + 300 + 750 - 100 - 50
    assert [n.values for n in result.notices if n.code == "digits"] == [
        {"script": "arabic_indic", "columns": ("التاريخ", "المبلغ", "المسترد")}]


def test_a_notice_lists_and_quotes_its_columns_as_the_language_writes_them():
    # a Persian sentence quoted some columns «مبلغ» and others 'وضعیت' on one sheet, and listed
    # them with a Latin comma: "ارقام فارسی در 'تاریخ', 'مبلغ'"
    import re

    from retention_xl.analysis.notices import Notice
    from retention_xl.labels import labels_for
    from retention_xl.wording import notice_text

    notice = Notice("digits", script="persian", columns=("تاریخ", "مبلغ"))
    assert notice_text(notice, "fa") == "ارقام فارسی در «تاریخ»، «مبلغ» به‌صورت 0-9 خوانده شدند."
    assert notice_text(notice, "ar") == "قُرئت الأرقام الفارسية في 'تاریخ'، 'مبلغ' كأرقام 0-9."
    assert notice_text(notice, "en") == "Persian digits in 'تاریخ', 'مبلغ' were read as 0-9."
    assert not [k for k, text in labels_for("fa").items() if re.search(r"'\{[a-z_]+\}'", text)]


def test_a_date_cell_out_of_range_is_shown_as_the_day_it_holds():
    # a date cell 2204-03-01 (a mistyped year, typed as a date in Excel) was listed as
    # '2204-03-01 00:00:00'; a time the cell holds is still shown
    raw = pd.DataFrame({"Customer": ["a", "b", "c"], "Order date": [dt.datetime(2024, 1, 5), dt.datetime(2204, 3, 1),
                                                                    dt.datetime(2204, 3, 2, 14, 30)],
                        "Amount": [10.0, 20.0, 30.0]})
    issues = clean_orders(raw).issues
    assert issues["value"].tolist() == ["2204-03-01", "2204-03-02 14:30:00"]


def test_an_order_id_in_arabic_or_persian_digits_is_the_same_order_as_in_ascii():
    """'1003', '١٠٠٣' and '۱۰۰۳' are one order id typed on three keyboards: one order of
    three lines (60.00), not three orders of 10, 20 and 30."""
    frame = pd.DataFrame({"Order ID": ["1003", "١٠٠٣", "۱۰۰۳", "1004"],
                          "Customer": ["a@x.com", "a@x.com", "a@x.com", "b@x.com"],
                          "Order Date": ["2024-01-05", "2024-01-05", "2024-01-05", "2024-02-01"],
                          "Amount": [10.0, 20.0, 30.0, 5.0]})
    orders = clean_orders(frame)
    assert orders.frame[["customer", "amount"]].values.tolist() == [["a@x.com", 60.0], ["b@x.com", 5.0]]
    # and the report says the order ids' digits were read as 0-9, as it does for the other columns
    assert "Persian and Arabic-Indic digits in 'Order ID' were read as 0-9." in words(orders.notices)
