"""Orders in several currencies: one currency is reported, the others' orders are listed,
the choice is stated and can be changed; a table in one currency is reported as before."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from order_tables import DATA, built_report, words

from retention_xl.analysis.column_values import ColumnValues
from retention_xl.analysis.columns import detect_columns
from retention_xl.analysis.currencies import (
    CurrencyCount,
    currency_count,
    currency_pairs,
)
from retention_xl.analysis.orders import clean_orders
from retention_xl.engines.staging import count_pairs, pairs_table
from retention_xl.errors import InvalidValue
from retention_xl.file_pipeline import read_orders
from retention_xl.layout.blocks import Table, Text
from retention_xl.options import ReportOptions

ISSUE = ["row", "column", "value", "problem", "detail", "action", "lines", "amount"]


def shopify_usd_and_eur() -> pd.DataFrame:
    """Shopify's "Export orders" fixture (tests/data/shopify_orders_export.csv, USD) with
    orders #1003 and #1008 in EUR: their first lines carry the currency, as Shopify writes it."""
    raw = pd.read_csv(DATA / "shopify_orders_export.csv", dtype="str", keep_default_na=False)
    raw.loc[raw["Name"].isin(["#1003", "#1008"]) & (raw["Currency"] != ""), "Currency"] = "EUR"
    return raw


def issues_sheet_lines(report):
    sheet = next(s for s in report.sheets if s.key == "issues")
    return [line for b in sheet.blocks if isinstance(b, Text) for line in b.lines]


def reasons_table(report):
    sheet = next(s for s in report.sheets if s.key == "issues")
    return next(b for b in sheet.blocks if isinstance(b, Table) and b.name == "IssueReasons").frame


# ---------------------------------------------------------------- several currencies
def test_a_shopify_export_in_usd_and_eur_is_reported_in_usd_the_eur_orders_listed():
    # By hand: 6 orders in USD (#1001, #1002, #1004, #1005, #1006, #1007), 2 in EUR (#1003
    # 40.00 with 10.00 refunded, #1008 80.00): USD is kept. USD sales: #1001 alice 55.00 and
    # #1005 Dan Diner 15.00 (voided, refunded, pending, cancelled are not sales): revenue 70.00,
    # 2 orders, 2 customers. Before, 180.00 of dollars and euros were added up.
    r = built_report(shopify_usd_and_eur())
    assert r.clean.columns.currency_column == "Currency"
    h = r.analysis.headline
    assert (h["customers"], h["orders"]) == (2, 2)
    assert h["revenue"] == pytest.approx(70.0)
    assert sorted(r.analysis.customers.index) == ["Dan Diner", "alice@example.com"]
    left = r.clean.issues[r.clean.issues["action"] == "left_out"][ISSUE]
    assert left.to_dict("list") == {
        "row": [5, 12], "column": ["Currency", "Currency"], "value": ["EUR", "EUR"],
        "problem": ["other_currency", "other_currency"], "detail": ["EUR", "EUR"],
        "action": ["left_out", "left_out"], "lines": [1, 1], "amount": [40.0, 80.0]}
    notice = ("'Currency' holds more than one currency (USD, EUR), and amounts in different currencies cannot "
              "be added up: the report keeps the orders in USD, the currency of most orders, and leaves out 2 "
              "orders in EUR (120.00 EUR) (see Data issues). To report in EUR instead, pass "
              "ReportOptions(currency=\"EUR\").")
    assert notice in words(r.clean.notices)
    # the statuses are counted over the USD orders only: the two EUR sales are not "paid" USD ones
    assert ("Statuses in 'Financial Status': 3 orders (67.00) are not sales and were left out: voided (1), "
            "refunded (1), pending (1). Counted as sales: paid (2).") in words(r.clean.notices)
    # every input row is used or left out with a reason: 3 used (#1001's 2 lines, #1005), 8 not
    assert r.clean.n_used_rows == 3 and r.clean.skipped_rows == 8
    reasons = reasons_table(r.report)
    eur = reasons[reasons["reason"] == "in EUR, another currency than the report's"]
    assert eur[["action", "lines", "amount"]].to_dict("records") == [
        {"action": "left out (currency)", "lines": 2, "amount": 120.0}]
    assert notice in issues_sheet_lines(r.report)


@pytest.mark.parametrize("lang, kept, left, remedy", [
    ("ar", "يبقي التقرير الطلبات بعملة USD", "طلبات بعملة EUR عددها 2 (120.00 EUR)", "‎--currency EUR"),
    ("fa", "گزارش سفارش‌های به USD را نگه می‌دارد", "2 سفارش به EUR (120.00 EUR)", "‎--currency EUR"),
])
def test_the_currency_notice_speaks_arabic_and_persian_with_the_doors_remedy(lang, kept, left, remedy):
    r = built_report(shopify_usd_and_eur(), lang=lang, door="cli")
    notice = next(line for line in issues_sheet_lines(r.report) if "USD، EUR" in line)  # listed with the language's comma
    assert kept in notice and left in notice and remedy in notice
    summary = next(s for s in r.report.sheets if s.key == "summary")
    assert notice in [line for b in summary.blocks if isinstance(b, Text) for line in b.lines]
    reasons = reasons_table(r.report)
    assert reasons["lines"].tolist().count(2) >= 1 and reasons["amount"].tolist().count(120.0) == 1


@pytest.mark.parametrize("door, remedy", [
    ("python", "To report in EUR instead, pass ReportOptions(currency=\"EUR\")."),
    ("cli", "To report in EUR instead, run it again with --currency EUR."),
    ("excel", "To report in EUR instead, write EUR next to 'Currency' in the Settings table and build the "
              "report again."),
])
def test_each_door_says_how_to_choose_another_currency_its_own_way(door, remedy):
    r = built_report(shopify_usd_and_eur(), door=door)
    assert any(line.endswith(remedy) for line in issues_sheet_lines(r.report))


def test_the_currency_chosen_is_reported_and_the_others_left_out():
    # EUR, written in lower case: #1003 40.00 - 10.00 refunded + #1008 80.00 = 110.00; the 6
    # USD orders on 9 lines (55 + 30 + 25 + 15 + 12 + 60 = 197.00) are left out, whatever their status
    r = built_report(shopify_usd_and_eur(), currency="eur")
    h = r.analysis.headline
    assert (h["customers"], h["orders"], h["revenue"]) == (2, 2, pytest.approx(110.0))
    left = r.clean.issues[r.clean.issues["action"] == "left_out"]
    assert left["row"].tolist() == [2, 4, 6, 7, 8, 9]
    assert left["lines"].sum() == 9 and left["amount"].sum() == pytest.approx(197.0)
    assert set(left["detail"]) == {"USD"}
    assert any("keeps the orders in EUR, as chosen, and leaves out 6 orders in USD (197.00 USD)" in w
               for w in words(r.clean.notices))


def test_a_currency_not_in_the_data_is_an_error_naming_the_currencies_found():
    with pytest.raises(InvalidValue) as caught:
        read_orders(shopify_usd_and_eur(), ReportOptions(currency="GBP"))
    assert caught.value.option == "currency"
    assert str(caught.value) == "currency 'GBP' is not in the data; the currencies found are: USD, EUR"


def test_a_currency_chosen_for_a_table_without_a_currency_column_is_an_error():
    raw = pd.DataFrame({"Customer": ["a"], "Date": ["2024-01-05"], "Total": ["10"]})
    with pytest.raises(InvalidValue, match="no currency column") as caught:
        read_orders(raw, ReportOptions(currency="USD"))
    assert caught.value.option == "currency_column"


def test_codes_and_local_spellings_of_one_currency_are_one():
    # SAR, "ر.س" and " sar " are one currency: 3 orders; USD 2 orders: SAR is kept, 10 + 20 + 30
    raw = pd.DataFrame({"Customer": ["a", "b", "c", "d", "e"],
                        "Date": ["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09"],
                        "Total": ["10", "20", "30", "7", "8"],
                        "العملة": ["SAR", "ر.س", " sar ", "USD", "usd"]})
    orders = clean_orders(raw)
    assert orders.columns.currency_column == "العملة"
    assert orders.frame["amount"].tolist() == [10.0, 20.0, 30.0]
    assert orders.issues["detail"].tolist() == ["USD", "USD"]
    # IRR and ریال (Persian) are one: one currency, nothing left out
    raw["واحد پول"] = ["IRR", "ریال", "irr", "ریال", "IRR"]
    orders = clean_orders(raw.drop(columns=["العملة"]))
    assert orders.frame["amount"].sum() == 75.0
    assert words(orders.notices) == ["Amounts are in IRR (the currency in 'واحد پول')."]


def test_a_tie_keeps_the_currency_met_first():
    raw = pd.DataFrame({"Customer": ["a", "b", "c", "d"], "Date": ["2024-01-05"] * 4, "Total": ["1", "2", "3", "4"],
                        "Currency": ["EUR", "USD", "USD", "EUR"]})
    assert clean_orders(raw).frame["amount"].tolist() == [1.0, 4.0]


def test_the_currency_is_decided_on_orders_not_lines():
    # order 1 has three lines in EUR, orders 2 and 3 one line each in USD: USD has more orders
    raw = pd.DataFrame({"Order": ["1", "1", "1", "2", "3"], "Customer": ["a", "a", "a", "b", "c"],
                        "Date": ["2024-01-05"] * 5, "Amount": ["1", "2", "3", "4", "5"],
                        "Currency": ["EUR", "EUR", "EUR", "USD", "USD"]})
    orders = clean_orders(raw)
    assert orders.frame["amount"].tolist() == [4.0, 5.0]
    assert orders.issues[ISSUE[:7]].to_dict("records") == [
        {"row": 2, "column": "Currency", "value": "EUR", "problem": "other_currency", "detail": "EUR",
         "action": "left_out", "lines": 3}]


def test_an_order_with_lines_in_two_currencies_is_left_out():
    raw = pd.DataFrame({"Order": ["1", "1", "2", "3"], "Customer": ["a", "a", "b", "c"],
                        "Date": ["2024-01-05"] * 4, "Amount": ["1", "2", "4", "5"],
                        "Currency": ["EUR", "USD", "USD", "USD"]})
    orders = clean_orders(raw)
    assert orders.frame["amount"].tolist() == [4.0, 5.0]
    issue = orders.issues.iloc[0]
    assert (issue["row"], issue["problem"], issue["detail"], issue["lines"], issue["amount"]) == (
        2, "mixed_currency", "EUR, USD", 2, 3.0)  # in the order the table names them
    assert any("1 order with lines in more than one currency" in w for w in words(orders.notices))


def test_a_blank_currency_is_the_only_currency_else_unknown_and_left_out():
    raw = pd.DataFrame({"Customer": ["a", "b", "c"], "Date": ["2024-01-05"] * 3, "Total": ["10", "5", "7"],
                        "Currency": ["USD", "", "usd"]})
    one = clean_orders(raw)
    assert one.frame["amount"].sum() == 22.0 and not len(one.issues)
    assert words(one.notices) == ["Amounts are in USD (the currency in 'Currency'); 1 order with no currency "
                                  "was taken as USD."]
    several = pd.concat([raw, pd.DataFrame({"Customer": ["d"], "Date": ["2024-01-06"], "Total": ["4"],
                                            "Currency": ["EUR"]})], ignore_index=True)
    orders = clean_orders(several)
    assert orders.frame["amount"].tolist() == [10.0, 7.0]
    assert orders.issues[["row", "problem", "action", "amount"]].to_dict("list") == {
        "row": [3, 5], "problem": ["unknown_currency", "other_currency"], "action": ["left_out", "left_out"],
        "amount": [5.0, 4.0]}
    assert any("leaves out 1 order in EUR (4.00 EUR), 1 order with no currency (5.00)" in w
               for w in words(orders.notices))


# ---------------------------------------------------------------- one currency
def test_a_table_in_one_currency_is_reported_as_before_with_its_currency_stated():
    raw = pd.read_csv(DATA / "shopify_orders_export.csv", dtype="str", keep_default_na=False)
    with_currency = built_report(raw)
    without = built_report(raw.drop(columns=["Currency"]))
    pd.testing.assert_series_equal(pd.Series(with_currency.analysis.headline, dtype=object),
                                   pd.Series(without.analysis.headline, dtype=object))
    pd.testing.assert_frame_equal(with_currency.clean.frame, without.clean.frame)
    pd.testing.assert_frame_equal(with_currency.clean.issues, without.clean.issues)
    pd.testing.assert_frame_equal(with_currency.analysis.customers, without.analysis.customers)
    added = [w for w in words(with_currency.clean.notices) if w not in words(without.clean.notices)]
    assert added == ["Amounts are in USD (the currency in 'Currency')."]
    assert len(with_currency.clean.notices) == len(without.clean.notices) + 1


# ---------------------------------------------------------------- the column
@pytest.mark.parametrize("header", ["Currency", "Order Currency", "order_currency", "currency_code", "العملة",
                                    "عملة الطلب", "واحد پول", "ارز"])
def test_the_currency_column_is_found_by_its_header(header):
    assert detect_columns(["Customer", "Date", "Total", header]).currency_column == header


@pytest.mark.parametrize("header", ["Exchange rate", "Currency rate", "Total (USD)", "Presentment currency amount"])
def test_a_rate_or_an_amount_is_not_the_currency(header):
    assert detect_columns(["Customer", "Date", "Total", header]).currency_column is None


def test_the_currency_column_can_be_named():
    raw = pd.DataFrame({"Customer": ["a", "b"], "Date": ["2024-01-05"] * 2, "Total": ["1", "2"],
                        "Money": ["USD", "EUR"], "Currency": ["X", "X"]})
    orders = read_orders(raw, ReportOptions(currency="EUR"), currency_column="Money")
    assert orders.columns.currency_column == "Money" and orders.frame["amount"].tolist() == [2.0]


_ids = st.one_of(st.none(), st.sampled_from(["", "N/A", "#1001", "#1002", "1003"]), st.integers(1, 6),
                 st.sampled_from([4.0, 1003.0, 2.5]))
_currencies = st.one_of(st.none(), st.sampled_from(["USD", "usd ", "EUR", "SAR", "ر.س", "", "N/A"]))


@given(st.lists(st.tuples(_ids, _currencies), min_size=0, max_size=30), st.booleans(), st.integers(1, 7))
@example([("#1001", "USD"), ("#1002", "EUR"), ("#1001", "EUR"), (None, "usd "), ("1003", None)], True, 2)
def test_one_tables_count_is_the_count_of_its_pairs_and_of_its_batches_pairs(rows, with_ids, batch):
    """currency_count (integer codes, one table) counts what CurrencyCount.of counts of the
    text pairs, of the whole table and of its batches concatenated, and what the batch
    engines' Arrow count (count_pairs) counts of the batches."""
    ids = pd.Series([i for i, _ in rows], dtype=object)
    cur = pd.Series([c for _, c in rows], dtype=object)
    order = ColumnValues.of(ids) if with_ids else None
    whole = CurrencyCount.of(currency_pairs(ColumnValues.of(cur), order, np.arange(len(rows))))
    assert currency_count(ColumnValues.of(cur), order) == whole
    parts = [currency_pairs(ColumnValues.of(cur[k:k + batch].reset_index(drop=True)),
                            ColumnValues.of(ids[k:k + batch].reset_index(drop=True)) if with_ids else None,
                            np.arange(k, min(k + batch, len(rows))))
             for k in range(0, len(rows), batch)]
    if parts:
        assert CurrencyCount.of(pd.concat(parts, ignore_index=True)) == whole
        assert count_pairs([pairs_table(p) for p in parts]) == whole  # the batch engines' count, with Arrow


def test_order_ids_are_the_same_text_in_every_batch_whatever_their_type():
    cur = ColumnValues.of(pd.Series(["USD", "EUR", "USD"]))
    for ids in (pd.Series([1003, 7, 1003]), pd.Series([1003.0, 7.0, 1003.0]), pd.Series(["1003", "7", "1003"]),
                pd.Series([1003, "7", 1003.0], dtype=object)):
        pairs = currency_pairs(cur, ColumnValues.of(ids), np.arange(3))
        assert pairs["id"].tolist() == ["1003", "7"], ids.dtype


def test_the_currencies_of_a_table_are_listed_with_the_languages_comma():
    # an Arabic sheet read "'العملة' فيه أكثر من عملة (USD, EUR)" with a Latin comma
    from retention_xl.analysis.orders import clean_orders
    from retention_xl.wording import notice_text

    raw = pd.DataFrame({"Customer": ["a", "b", "c"], "Date": ["2024-01-05", "2024-01-06", "2024-01-07"],
                        "Amount": ["10", "20", "30"], "Currency": ["USD", "USD", "EUR"]})
    notice = next(n for n in clean_orders(raw).notices if n.code == "currency_kept")
    assert "(USD، EUR)" in notice_text(notice, "ar") and "(USD، EUR)" in notice_text(notice, "fa")
    assert "(USD, EUR)" in notice_text(notice, "en")
