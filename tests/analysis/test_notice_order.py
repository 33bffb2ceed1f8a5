"""The notices in the cleaning's order, whatever order a batched cleaning found them in."""

from retention_xl.analysis.columns import ColumnMap
from retention_xl.analysis.notice_order import cleaning_order
from retention_xl.analysis.notices import Notice


def test_amount_columns_are_said_column_by_column_then_the_rest_in_the_cleanings_order():
    cols = ColumnMap(customer="c", date="d", amount=None, quantity="q", unit_price="p", refund="r")
    found = [Notice("possible_duplicates", count=1, value=2.0), Notice("decimal_comma", column="r"),
             Notice("date_order", column="d", dayfirst=True), Notice("currency_removed", column="p", marks=("$",)),
             Notice("decimal_comma", column="p"), Notice("customer_ids_merged", column="c", count=1),
             Notice("currency_removed", column="q", marks=("$",)), Notice("date_swapped", column="d", count=1)]
    assert [(n.code, n.values.get("column")) for n in cleaning_order(found, cols)] == [
        ("currency_removed", "q"), ("decimal_comma", "p"), ("currency_removed", "p"), ("decimal_comma", "r"),
        ("customer_ids_merged", "c"), ("date_order", "d"), ("date_swapped", "d"), ("possible_duplicates", None)]


def test_notices_of_one_code_and_unknown_codes_keep_their_order():
    cols = ColumnMap(customer="c", date="d", amount="a")
    found = [Notice("something_new"), Notice("digits", script="persian"), Notice("digits", script="arabic_indic")]
    assert [n.values.get("script", n.code) for n in cleaning_order(found, cols)] == [
        "persian", "arabic_indic", "something_new"]
