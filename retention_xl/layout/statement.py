"""What the figures rest on, in words: the column of each role, the export recognised, and
the conventions applied with their counts (orders = distinct InvoiceNo; amount = Quantity x
UnitPrice; 8,905 cancellation lines reduce revenue by 611,342.09).

The cleaning returns these as data (:class:`~retention_xl.analysis.columns.ColumnMap` and
convention :class:`~retention_xl.analysis.notices.Notice` objects); the Summary sheet and
the command line show them through :func:`basis_lines`.

Examples
--------
>>> from retention_xl.analysis.columns import ColumnMap
>>> cols = ColumnMap("CustomerID", "InvoiceDate", None, "InvoiceNo", "Quantity", "UnitPrice",
...                  layout="invoice_lines")
>>> columns_sentence(cols, "en")
"Columns used: customer 'CustomerID', date 'InvoiceDate', amount 'Quantity' × 'UnitPrice', order id 'InvoiceNo'."
"""

from __future__ import annotations

from retention_xl.analysis.columns import ColumnMap
from retention_xl.analysis.notices import Notice
from retention_xl.labels import label
from retention_xl.wording import notice_text

__all__ = ["CONVENTIONS", "basis_lines", "columns_sentence", "layout_sentence"]

#: notice codes that state how rows became orders and amounts, in the order they are shown
CONVENTIONS = (
    "rows_not_read", "rows_below_table", "currency", "currency_kept", "orders_by_id", "amount_from_lines",
    "amount_order_total",
    "amount_sum_of_lines", "cancellation_documents",
    "negative_orders", "status_refunds", "refund_column", "refund_on_returns", "statuses_excluded", "statuses_kept",
    "cancelled_orders",
    "customer_fallback", "emails_casefolded", "possible_duplicates", "duplicates_dropped",
)
_SHOWN = ("customer", "customer_fallback", "date", "amount", "order_id", "status", "refund", "cancelled",
          "currency_column")


def columns_sentence(columns: ColumnMap, lang: str) -> str:
    """The column used for each role, in ``lang`` (roles the user chose are marked)."""
    parts = []
    chosen = label(lang, "note.as_chosen")

    def quoted(column: str) -> str:
        return label(lang, "quoted", text=column)

    for role in _SHOWN:
        name = getattr(columns, role)
        if role == "amount" and name is None:
            value = f"{quoted(columns.quantity)} × {quoted(columns.unit_price)}"
            mark = " " + chosen if {"quantity", "unit_price"} & set(columns.chosen) else ""
        elif name is None:
            continue
        elif role == "customer_fallback":  # every fallback column, in the order they are tried
            value = label(lang, "join.then").join(quoted(c) for c in columns.fallbacks())
            mark = " " + chosen if role in columns.chosen else ""
        else:
            value = quoted(name)
            mark = " " + chosen if role in columns.chosen else ""
        parts.append(f"{label(lang, 'role.' + role)} {value}{mark}")
    return label(lang, "note.columns", roles=label(lang, "list.join").join(parts))


def layout_sentence(columns: ColumnMap, lang: str) -> str:
    """Which known export the table was recognised as, in ``lang``."""
    return label(lang, "note.layout", layout=label(lang, f"layout.{columns.layout}"))


def basis_lines(columns: ColumnMap, notices: tuple[Notice, ...], lang: str, door: str = "python") -> list[str]:
    """The columns, the export recognised and each convention applied, one sentence a line
    (a remedy worded for ``door``: see :func:`~retention_xl.wording.notice_text`)."""
    shown = sorted((n for n in notices if n.code in CONVENTIONS), key=lambda n: CONVENTIONS.index(n.code))
    return [columns_sentence(columns, lang), layout_sentence(columns, lang),
            *(notice_text(n, lang, door) for n in shown)]
