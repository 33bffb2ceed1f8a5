"""The order the cleaning states its notices in, whatever order they were found in.

:func:`~retention_xl.analysis.orders.clean_orders` finds its decisions in one pass over
one table: the amount columns' separators and currency marks, then the customers, the
dates, the orders left out, the duplicates, the statuses, the refunds, how orders were
built, the digits. DuckDB and Spark clean a table in batches and find some of them over
the whole table afterwards (ids merged, duplicates, the date order decided in a first
pass), so their notices arrive in another order. Both are put in this one order, so the
*Data issues* sheet lists the same notes in the same order on every engine.

Examples
--------
>>> from retention_xl.analysis.columns import ColumnMap
>>> cols = ColumnMap(customer="c", date="d", amount="a")
>>> [n.code for n in cleaning_order([Notice("digits", script="persian", columns=("a",)),
...                                  Notice("customer_ids_merged", column="c", count=2),
...                                  Notice("currency_removed", column="a", marks=("ریال",))], cols)]
['currency_removed', 'customer_ids_merged', 'digits']
"""

from __future__ import annotations

from collections.abc import Iterable

from retention_xl.analysis.columns import ColumnMap
from retention_xl.analysis.notices import Notice

__all__ = ["AMOUNT_NOTICES", "NOTICE_ORDER", "cleaning_order"]

#: what the cleaning says of each amount column, column by column (amount, or quantity and
#: unit price, then the refund column): its decimal separator first, then its currency marks
AMOUNT_NOTICES = {"decimal_comma": 0, "decimal_point_assumed": 0, "currency_removed": 1, "currencies_mixed": 1}

#: the other notices, in the order the cleaning finds them; a code not listed goes last
NOTICE_ORDER = (
    "customer_ids_merged", "emails_casefolded",
    "date_time_zone", "date_serials", "date_order", "date_hijri", "date_jalali", "date_swapped",
    "customer_fallback", "cancelled_orders", "far_dates", "duplicates_dropped", "possible_duplicates",
    "currency", "currency_kept", "statuses_excluded", "statuses_kept",
    "cancellation_documents", "negative_orders", "status_refunds", "refund_column", "refund_on_returns",
    "orders_by_id", "amount_from_lines", "amount_order_total", "amount_sum_of_lines", "digits",
)
_RANK = {code: i for i, code in enumerate(NOTICE_ORDER)}


def cleaning_order(notices: Iterable[Notice], columns: ColumnMap) -> tuple[Notice, ...]:
    """``notices`` in the cleaning's order: first what each amount column's reading found
    (:data:`AMOUNT_NOTICES`, column by column as the cleaning reads them), then the others
    by :data:`NOTICE_ORDER`; notices of one code keep the order they came in.

    Parameters
    ----------
    notices : iterable of Notice
    columns : ColumnMap
        The columns used: the amount columns' order.

    Returns
    -------
    tuple of Notice
    """
    amounts = [c for c in (columns.amount, columns.quantity if columns.amount is None else None,
                           columns.unit_price if columns.amount is None else None, columns.refund) if c]

    def key(item: tuple[int, Notice]) -> tuple[int, int, int, int]:
        at, notice = item
        if notice.code in AMOUNT_NOTICES:
            column = notice.values.get("column")
            place = amounts.index(column) if column in amounts else len(amounts)
            return 0, place, AMOUNT_NOTICES[notice.code], at
        return 1, _RANK.get(notice.code, len(NOTICE_ORDER)), 0, at

    return tuple(n for _, n in sorted(enumerate(notices), key=key))
