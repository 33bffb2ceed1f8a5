"""Which columns of an order export hold the customer, the order date and the amount.

Exports name their columns in many ways and languages ("Customer Email", "Created_At",
"Total (SAR)", "کد مشتری", "تاريخ الطلب"). :func:`detect_columns` matches each header
against :data:`SYNONYMS`, a list of names per role, best first, ignoring case, spaces,
punctuation and Arabic/Persian letter variants; names the user gives win over detection.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from retention_xl.analysis.numerals import clean_string
from retention_xl.errors import MissingColumns, UnknownColumn

__all__ = ["ColumnMap", "detect_columns", "SYNONYMS"]

# Header names per role, best first. Matching ignores case, spaces, "_", "-", ".", and
# Arabic/Persian letter variants (ي/ی, ك/ک, أ/إ/آ/ا).
SYNONYMS: dict[str, list[str]] = {
    "customer": [
        "customer id", "customer", "client id", "client", "customer email", "email", "e-mail",
        "buyer", "customer code", "customer number", "customer name", "client name",
        "user id", "user", "account", "contact", "phone", "mobile",
        "رقم العميل", "العميل", "عميل", "كود العميل", "اسم العميل", "الزبون", "البريد الإلكتروني",
        "کد مشتری", "شناسه مشتری", "مشتری", "شماره مشتری", "نام مشتری", "خریدار", "ایمیل", "موبایل",
    ],
    "date": [
        "order date", "date", "invoice date", "purchase date", "transaction date", "created at",
        "created", "order time", "order datetime", "timestamp", "datetime", "paid at",
        "تاريخ الطلب", "التاريخ", "تاريخ", "تاريخ الفاتورة", "تاريخ الشراء",
        "تاریخ سفارش", "تاریخ", "تاریخ خرید", "تاریخ فاکتور", "زمان سفارش", "زمان",
    ],
    "amount": [
        "amount", "total", "order total", "grand total", "revenue", "sales", "price", "value",
        "order value", "net amount", "paid", "payment", "sum", "subtotal",
        "المبلغ", "مبلغ", "الإجمالي", "الاجمالي", "المجموع", "القيمة", "السعر", "المبيعات",
        "مبلغ کل", "جمع کل", "جمع", "قیمت", "مبلغ سفارش", "مجموع", "فروش", "درآمد",
    ],
    "order_id": [
        "order id", "order", "order number", "order no", "invoice", "invoice number",
        "invoice no", "transaction id", "receipt", "رقم الطلب", "رقم الفاتورة", "شماره سفارش",
        "کد سفارش", "شماره فاکتور",
    ],
}
# Partial matches that name something else (a discount amount is not the order amount).
_NOT = {
    "amount": {"discount", "tax", "vat", "shipping", "fee", "qty", "quantity", "count", "unit", "id"},
    "date": {"update", "updated", "ship", "shipped", "delivery", "birth", "due", "refund"},
    "customer": {"since", "count", "type", "group", "segment"},
    "order_id": {"date", "total", "amount", "count", "status", "items"},
}
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا", "ـ": None,
                          "\u200c": " ", "\u200d": None})


@dataclass(frozen=True)
class ColumnMap:
    """Which input columns hold the customer, the order date, the amount (and order id)."""

    customer: str
    date: str
    amount: str
    order_id: str | None = None



def _tokens(header: object) -> list[str]:
    text = unicodedata.normalize("NFKC", str(header))
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # OrderDate -> Order Date
    text = clean_string(text).casefold().translate(_LETTERS)
    return [t for t in re.split(r"[\s_\-.:/()\[\]#]+", text) if t]


def _match(header: object, role: str) -> tuple[int, int] | None:
    """Rank of ``header`` for ``role``: (0 exact | 1 partial, synonym position), or None."""
    tokens = _tokens(header)
    key = "".join(tokens)
    for pos, syn in enumerate(SYNONYMS[role]):
        if key == "".join(_tokens(syn)):
            return (0, pos)
    if _NOT[role] & set(tokens):
        return None
    for pos, syn in enumerate(SYNONYMS[role]):
        st = _tokens(syn)
        if any(tokens[i:i + len(st)] == st for i in range(len(tokens) - len(st) + 1)):
            return (1, pos)
    return None


def _resolve(name: str, headers: list[str], role: str) -> str:
    if name in headers:
        return name
    wanted = "".join(_tokens(name))
    for h in headers:
        if "".join(_tokens(h)) == wanted:
            return h
    raise UnknownColumn(f"there is no column '{short_text(name)}' for the {role}; the columns are: {_listed(headers)}",
                        role=role, name=name, columns=tuple(headers))


def short_text(text: str, width: int = 40) -> str:
    """``text`` cut to ``width`` characters for a message, with an ellipsis."""
    return text if len(text) <= width else text[:width - 1] + "…"


def _listed(headers: list[str], most: int = 30) -> str:
    """Headers for a message: quoted, long ones shortened, at most ``most`` of them."""
    shown = ", ".join(f"'{short_text(h)}'" for h in headers[:most]) or "none"
    return shown + (f" and {len(headers) - most:,} more" if len(headers) > most else "")


def detect_columns(headers, *, customer: str | None = None, date: str | None = None,
                   amount: str | None = None) -> ColumnMap:
    """Find the customer, date, amount (and optional order id) columns by their headers.

    Exact synonyms beat partial ones ("Order date" beats "Date of shipping"), earlier
    synonyms beat later ones ("Customer ID" beats "Customer name"), and on a tie the
    leftmost column wins. Names given as overrides win over detection.

    Parameters
    ----------
    headers : iterable
        The column headers, in order.
    customer, date, amount : str, optional
        Column names chosen by the user (matched exactly, else ignoring case and spaces).

    Returns
    -------
    ColumnMap

    Raises
    ------
    UnknownColumn
        When an override names no column.
    MissingColumns
        When a role cannot be found; the message lists the columns and the header names
        that would be recognised.

    Examples
    --------
    >>> detect_columns(["Order ID", "Customer Email", "Created_At", "Total (SAR)"])
    ColumnMap(customer='Customer Email', date='Created_At', amount='Total (SAR)', order_id='Order ID')
    >>> detect_columns(["کد مشتری", "تاریخ سفارش", "مبلغ"]).amount
    'مبلغ'
    """
    headers = [str(h) for h in headers]
    chosen: dict[str, str] = {}
    for role, name in (("customer", customer), ("date", date), ("amount", amount)):
        if name is not None:
            chosen[role] = _resolve(str(name), headers, role)
    free = [h for h in headers if h not in chosen.values()]
    candidates = []
    for role in ("customer", "date", "amount", "order_id"):
        if role in chosen:
            continue
        for col, h in enumerate(headers):
            rank = _match(h, role) if h in free else None
            if rank is not None:
                candidates.append((rank[0], rank[1], col, role, h))
    for *_, role, h in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if role not in chosen and h not in chosen.values():
            chosen[role] = h
    missing = [r for r in ("customer", "date", "amount") if r not in chosen]
    if missing:
        listed = _listed(headers)
        hints = "; ".join(f"{r}: a header such as '{SYNONYMS[r][0].title()}' (or {', '.join(SYNONYMS[r][1:3])})"
                          for r in missing)
        raise MissingColumns(f"could not tell which column holds the {' and '.join(missing)}; "
                             f"columns found: {listed}; recognised headers: {hints}",
                             roles=tuple(missing), columns=tuple(headers))
    return ColumnMap(chosen["customer"], chosen["date"], chosen["amount"], chosen.get("order_id"))
