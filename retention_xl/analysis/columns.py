"""Which columns of an order export hold each role: customer, date, amount, order id and the rest.

Exports name their columns in many ways and languages ("Customer Email", "Created_At",
"Total (SAR)", "کد مشتری", "تاريخ الطلب"). A known export (Shopify, WooCommerce) is
recognised from its documented header first (:mod:`~retention_xl.analysis.export_layouts`);
otherwise :func:`detect_columns` matches each header against :data:`SYNONYMS`, a list of
names per role, best first, ignoring case, spaces, punctuation and Arabic/Persian letter
variants. Names the user gives win over both.

The roles (see :class:`~retention_xl.options.ColumnRoles`): ``customer`` (a stable key: a
unique customer id or an e-mail, never a per-order id), ``customer_fallback`` (a second key
for rows whose customer is blank: billing name, phone), ``date`` (the order's purchase or
creation date, never a shipping, delivery or approval date), ``amount`` (the order or line
amount, never a refund, discount, tax or shipping column), ``order_id`` (rows sharing it
are lines of one order), ``quantity`` and ``unit_price`` (a line amount is their product
when there is no amount), ``status``, ``refund``, ``cancelled`` (a cancelled-at date) and
``currency_column`` (each order's currency code: USD, EUR, ر.س ...).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from retention_xl.analysis.export_layouts import recognise_layout
from retention_xl.analysis.letters import fold_word
from retention_xl.analysis.numerals import clean_string
from retention_xl.errors import MissingColumns, UnknownColumn

__all__ = ["ROLE_ORDER", "SYNONYMS", "ColumnMap", "detect_columns", "header_words", "names_role"]

# Header names per role, best first. Matching ignores case, spaces, "_", "-", ".", and
# Arabic/Persian letter variants (ي/ی, ك/ک, أ/إ/آ/ا).
SYNONYMS: dict[str, list[str]] = {
    # The same ranks in every language: a unique id, a customer id, "customer", an e-mail,
    # a buyer, a customer code or number, and only then a name (two spellings of one name,
    # "محمد أحمد" and "محمد احمد", are two customers) or a user, account or phone.
    "customer": [
        "customer unique id", "unique customer id",
        "customer id", "customer", "client id", "client",
        "معرف العميل الفريد", "معرف العميل", "العميل", "عميل", "الزبون",
        "شناسه یکتای مشتری", "شناسه مشتری", "مشتری",
        "customer email", "email", "e-mail",
        "البريد الإلكتروني للعميل", "بريد العميل", "البريد الإلكتروني", "البريد", "الإيميل",
        "ایمیل مشتری", "ایمیل", "پست الکترونیک", "رایانامه",
        "buyer", "المشتري", "خریدار",
        "customer code", "customer number", "كود العميل", "رمز العميل", "رقم العميل", "کد مشتری", "شماره مشتری",
        "customer name", "client name", "اسم العميل", "نام مشتری", "نام خریدار",
        "user id", "user", "account", "contact", "phone", "mobile",
        "جوال العميل", "رقم الجوال", "الجوال", "موبایل", "شماره موبایل",
    ],
    # Names first, then phones (the key a blank customer falls back to; see ColumnMap.fallbacks).
    "customer_fallback": [
        "billing name", "customer name", "client name", "اسم العميل", "اسم المشتري", "نام مشتری", "نام خریدار",
        "billing phone", "phone", "mobile", "telephone", "جوال العميل", "رقم الجوال", "الجوال", "رقم الهاتف",
        "الهاتف", "شماره موبایل", "موبایل", "تلفن", "شماره تماس",
        "shipping name", "name", "الاسم", "نام",
    ],
    "date": [
        "order date", "date", "invoice date", "purchase date", "transaction date", "created at",
        "order purchase timestamp", "purchase timestamp", "date created", "created date", "order created",
        "created", "order time", "order datetime", "timestamp", "datetime", "paid at",
        "تاريخ الطلب", "التاريخ", "تاريخ", "تاريخ الفاتورة", "تاريخ الشراء",
        "تاریخ سفارش", "تاریخ", "تاریخ خرید", "تاریخ فاکتور", "زمان سفارش", "زمان",
    ],
    # The same ranks in every language: an amount, a total, the order's total, revenue, a
    # price, a value, a payment, a sum, and a subtotal last (before shipping and tax).
    "amount": [
        "amount", "المبلغ", "مبلغ",
        "total", "الإجمالي", "الإجمالى", "إجمالي", "جمع کل", "مبلغ کل",
        "order total", "grand total", "إجمالي الطلب", "المبلغ الإجمالي", "مجموع الطلب", "الإجمالي الكلي",
        "المجموع الكلي", "مبلغ نهایی", "مبلغ سفارش", "جمع سفارش", "مبلغ قابل پرداخت", "جمع کل سفارش",
        "revenue", "sales", "المبيعات", "الإيرادات", "فروش", "درآمد",
        "price", "السعر", "قیمت",
        "value", "order value", "القيمة", "قيمة الطلب", "ارزش سفارش",
        "net amount", "paid", "payment", "المبلغ المدفوع", "مبلغ پرداختی", "مبلغ پرداخت شده",
        "sum", "المجموع", "مجموع", "جمع",
        "subtotal", "المجموع الفرعي", "الإجمالي الفرعي", "جمع جزء", "جمع فرعی",
    ],
    "order_id": [
        "order id", "order", "order number", "order no", "invoice", "invoice number",
        "invoice no", "transaction id", "receipt", "receipt number", "document number",
        "رقم الطلب", "معرف الطلب", "رقم الفاتورة", "شماره سفارش", "شناسه سفارش", "کد سفارش", "شماره فاکتور",
    ],
    "quantity": [
        "quantity", "qty", "lineitem quantity", "item quantity", "units", "pieces", "pcs",
        "الكمية", "كمية", "العدد", "تعداد", "مقدار",
    ],
    "unit_price": [
        "unit price", "price", "lineitem price", "item price", "price each", "price per unit", "unit cost",
        "سعر الوحدة", "السعر", "سعر", "قیمت واحد", "فی", "بهای واحد", "قیمت",
    ],
    "status": [
        "financial status", "order status", "payment status", "status", "state",
        "حالة الطلب", "الحالة", "حالة", "وضعیت سفارش", "وضعیت", "وضعیت پرداخت",
    ],
    "refund": [
        "refunded amount", "refund amount", "refunded total", "amount refunded", "refunded", "refund",
        "order refund", "refunds", "المبلغ المسترد", "مبلغ مسترد", "مبلغ الاسترداد", "المسترد", "مسترد",
        "الاسترداد", "استرداد",
        "مبلغ استرداد", "مبلغ برگشتی", "بازپرداخت", "مرجوعی",
    ],
    "cancelled": [
        "cancelled at", "canceled at", "cancelled date", "cancellation date", "date cancelled",
        "cancelled", "canceled", "تاريخ الإلغاء", "تاریخ لغو",
    ],
    "currency_column": [
        "currency", "order currency", "currency code", "العملة", "عملة", "عملة الطلب", "رمز العملة",
        "واحد پول", "ارز", "واحد ارز", "واحد پولی",
    ],
}
#: the roles, in the order they are shown
ROLE_ORDER = ("customer", "customer_fallback", "date", "amount", "order_id", "quantity", "unit_price",
              "status", "refund", "cancelled", "currency_column")
# Words that make a partial match name something else (a discount amount is not the order
# amount, a delivery date is not the order date, a customer's city is not the customer).
_NOT = {
    "amount": {"discount", "tax", "taxes", "vat", "shipping", "fee", "qty", "quantity", "count", "unit", "id",
               "refund", "refunded", "refunds", "lineitem", "item", "cost", "compare", "outstanding", "balance",
               "duties", "freight", "sub", "خصم", "الخصم", "ضريبة", "الضريبة", "الشحن", "مسترد", "المسترد",
               "استرداد", "الاسترداد",
               "تخفیف", "مالیات", "ارسال", "هزینه", "بازپرداخت", "مرجوعی",
               "الفرعی", "فرعی", "جزء"},  # a subtotal is the amount only when named as one
    "date": {"update", "updated", "ship", "shipped", "shipping", "delivery", "delivered", "carrier", "birth", "due",
             "refund", "approved", "approval", "estimated", "cancelled", "canceled", "cancellation", "fulfilled",
             "fulfillment", "closed", "الشحن", "التسليم", "ارسال", "تحویل"},
    "customer": {"since", "count", "type", "group", "segment", "note", "notes", "zip", "city", "state", "country",
                 "address", "prefix", "marketing", "accepts", "tags", "delivered"},
    "customer_fallback": {"id", "count", "type", "note", "notes", "zip", "city", "state", "country", "address",
                          "company", "code", "lineitem", "item", "product"},
    "order_id": {"date", "total", "amount", "count", "status", "items", "item", "line", "product", "customer",
                 "timestamp", "time", "at", "purchase", "approved", "delivered", "estimated", "value", "price",
                 "note", "notes"},
    "quantity": {"refunded", "returned", "id", "price", "total", "amount"},
    "unit_price": {"total", "compare", "original", "discount", "tax", "refund", "shipping"},
    "status": {"fulfillment", "lineitem", "shipping", "delivery", "item"},
    "refund": {"date", "at", "reason", "status", "qty", "quantity", "id", "method"},
    "cancelled": {"reason", "by", "qty", "quantity"},
    "currency_column": {"rate", "exchange", "amount", "total", "price", "value", "converted", "presentment",
                        "shop", "نرخ", "سعر", "صرف", "مبلغ", "المبلغ"},
}
# Header names that are the amount of a line when a quantity column exists (a price next
# to a quantity is a unit price), and the order's amount otherwise.
_PRICE_WORDS = {"price", "السعر", "قیمت"}


@dataclass(frozen=True)
class ColumnMap:
    """Which input columns hold each role, and which known export the table is.

    Attributes
    ----------
    customer, date : str
    amount : str or None
        ``None`` when line amounts are ``quantity`` x ``unit_price``.
    order_id, quantity, unit_price, status, refund, customer_fallback, cancelled, currency_column : str or None
        ``None``: the table has no such column.
    more_fallbacks : tuple of str
        Further columns for a customer whose ``customer`` and ``customer_fallback`` are
        both blank, tried in this order (Shopify's ``Phone`` after ``Billing Name``);
        :meth:`fallbacks` lists them all.
    layout : str
        The export recognised: ``"shopify"``, ``"woocommerce"``, ``"invoice_lines"`` (an
        ERP/POS invoice-line table: order id, quantity and unit price) or ``"generic"``.
    chosen : tuple of str
        The roles the user named.
    """

    customer: str
    date: str
    amount: str | None
    order_id: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    status: str | None = None
    refund: str | None = None
    customer_fallback: str | None = None
    cancelled: str | None = None
    currency_column: str | None = None
    more_fallbacks: tuple[str, ...] = ()
    layout: str = "generic"
    chosen: tuple[str, ...] = ()

    def used(self) -> dict[str, str]:
        """``{role: column}`` for every role that has a column, in :data:`ROLE_ORDER`."""
        return {role: getattr(self, role) for role in ROLE_ORDER if getattr(self, role) is not None}

    def digit_columns(self) -> tuple[str, ...]:
        """The columns whose Persian or Arabic-Indic digits the cleaning reads as 0-9 (the
        customer's, the date's, every number's and the order id's), in the order the ``digits``
        notice names them."""
        return tuple(dict.fromkeys(c for c in (self.customer, self.date, self.amount, self.quantity,
                                               self.unit_price, self.refund, self.order_id) if c))

    def fallbacks(self) -> tuple[str, ...]:
        """The columns a blank customer falls back to, in the order they are tried (the
        first that is not blank gives the key)."""
        first = () if self.customer_fallback is None else (self.customer_fallback,)
        return tuple(c for c in dict.fromkeys(first + self.more_fallbacks) if c != self.customer)

    @property
    def amount_from_lines(self) -> bool:
        """Line amounts are quantity x unit price (there is no amount column)."""
        return self.amount is None


def header_words(header: object) -> list[str]:
    """The words of a header as compared: "OrderDate" and "order_date" are both
    ``["order", "date"]``."""
    return list(_words(str(header)))


@functools.lru_cache(maxsize=8192)  # the synonyms are compared with every header of every table
def _words(header: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", header)
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # OrderDate -> Order Date
    text = fold_word(clean_string(text).casefold())
    return tuple(t for t in re.split(r"[\s_\-.:/()\[\]#]+", text) if t)


def names_role(header: object, role: str) -> bool:
    """Whether ``header`` is exactly one of the names of ``role`` in :data:`SYNONYMS`, as
    headers are compared (case, spaces, punctuation and letter variants aside).

    >>> [names_role(h, "customer") for h in ("Customer ID", "CustomerID", "E-mail", "Customer city", "C17")]
    [True, True, True, False, False]
    """
    match = _match(header, role)
    return match is not None and match[0] == 0


@functools.cache
def _not_words(role: str) -> frozenset[str]:
    """The words of :data:`_NOT` for ``role``, spelled as headers are compared."""
    return frozenset(w for word in _NOT[role] for w in _words(word))


def _match(header: object, role: str) -> tuple[int, int] | None:
    """Rank of ``header`` for ``role``: (0 exact | 1 partial, synonym position), or None."""
    tokens = _words(str(header))
    key = "".join(tokens)
    for pos, syn in enumerate(SYNONYMS[role]):
        if key == "".join(_words(syn)):
            return (0, pos)
    if _not_words(role) & set(tokens):
        return None
    for pos, syn in enumerate(SYNONYMS[role]):
        st = _words(syn)
        if any(tokens[i:i + len(st)] == st for i in range(len(tokens) - len(st) + 1)):
            return (1, pos)
    return None


def _resolve(name: str, headers: list[str], role: str) -> str:
    if name in headers:
        return name
    wanted = "".join(header_words(name))
    for h in headers:
        if "".join(header_words(h)) == wanted:
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
                   amount: str | None = None, order_id: str | None = None, quantity: str | None = None,
                   unit_price: str | None = None, status: str | None = None, refund: str | None = None,
                   customer_fallback: str | None = None, currency_column: str | None = None) -> ColumnMap:
    """Find the column of each role by the headers.

    A known export (:func:`~retention_xl.analysis.export_layouts.recognise_layout`) gives its
    documented columns. Otherwise exact synonyms beat partial ones ("Order date" beats "Date
    of shipping"), earlier synonyms beat later ones ("Customer unique id" beats "Customer
    ID", "Customer ID" beats "Customer name"), and on a tie the leftmost column wins. A
    price next to a quantity is a unit price: with no amount column, a line's amount is
    quantity x unit price (an order/invoice-line table, layout ``"invoice_lines"``). Names
    given as overrides win over detection.

    Parameters
    ----------
    headers : iterable
        The column headers, in order.
    customer, date, amount, order_id, quantity, unit_price, status, refund, customer_fallback, currency_column : str, optional
        Column names chosen by the user (matched exactly, else ignoring case and spaces).

    Returns
    -------
    ColumnMap

    Raises
    ------
    UnknownColumn
        When an override names no column.
    MissingColumns
        When the customer, the date or the amount (or quantity and unit price) cannot be
        found; the message lists the columns and the header names that would be recognised.

    Examples
    --------
    >>> detect_columns(["Order ID", "Customer Email", "Created_At", "Total (SAR)"]).used()
    {'customer': 'Customer Email', 'date': 'Created_At', 'amount': 'Total (SAR)', 'order_id': 'Order ID'}
    >>> detect_columns(["کد مشتری", "تاریخ سفارش", "مبلغ"]).amount
    'مبلغ'
    >>> m = detect_columns(["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"])
    >>> m.layout, m.amount, m.quantity, m.unit_price, m.order_id
    ('invoice_lines', None, 'Quantity', 'UnitPrice', 'InvoiceNo')
    """
    headers = [str(h) for h in headers]
    given = {"customer": customer, "customer_fallback": customer_fallback, "date": date, "amount": amount,
             "order_id": order_id, "quantity": quantity, "unit_price": unit_price, "status": status,
             "refund": refund, "currency_column": currency_column}
    chosen: dict[str, str] = {}
    for role, name in given.items():
        if name is not None:
            chosen[role] = _resolve(str(name), headers, role)
    user_roles = tuple(r for r in ROLE_ORDER if r in chosen)
    layout = recognise_layout(headers)
    if layout is not None:
        taken = set(chosen.values())
        for role, h in layout.columns(headers).items():
            if role not in chosen and h not in taken:
                chosen[role] = h
                taken.add(h)
        known = set(layout.roles)
        more = [h for h in layout.present(headers, "customer_fallback") if h not in taken]
    else:
        known = set()
        more = []
    candidates = []
    for role in ROLE_ORDER:
        if role in chosen or role in known:
            continue
        for col, h in enumerate(headers):
            rank = _match(h, role) if h not in chosen.values() else None
            if rank is not None:  # a second key takes only what no other role wants
                candidates.append((rank[0], rank[1] + (1000 if role == "customer_fallback" else 0), col, role, h))
    for *_, role, h in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if role not in chosen and h not in chosen.values():
            chosen[role] = h
        elif role == "customer_fallback" and layout is None and h not in chosen.values() and h not in more:
            more.append(h)  # a further fallback (a phone after a name), in rank order
    if layout is None:
        price = chosen.get("unit_price")
        if "amount" not in chosen and "quantity" not in chosen and price is not None and "unit_price" not in user_roles:
            chosen["amount"] = chosen.pop("unit_price")  # a price with no quantity is the amount
        elif ("amount" in chosen and "amount" not in user_roles and "quantity" in chosen and "unit_price" not in chosen
              and "".join(header_words(chosen["amount"])) in {"".join(header_words(w)) for w in _PRICE_WORDS}):
            chosen["unit_price"] = chosen.pop("amount")  # a price next to a quantity is a unit price
    if "amount" in chosen:  # line amounts are not computed: quantity and price are not used
        for role in ("quantity", "unit_price"):
            if role not in user_roles:
                chosen.pop(role, None)
    has_lines = "quantity" in chosen and "unit_price" in chosen
    missing = [r for r in ("customer", "date") if r not in chosen]
    if "amount" not in chosen and not has_lines:
        missing.append("amount")
    if missing:
        listed = _listed(headers)
        hints = "; ".join(f"{r}: a header such as '{_hint_words(r)[0].title()}' (or "
                          f"{', '.join(_hint_words(r)[1:3])})"
                          + (", or quantity and unit price columns" if r == "amount" else "")
                          for r in missing)
        raise MissingColumns(f"could not tell which column holds the {' and '.join(missing)}; "
                             f"columns found: {listed}; recognised headers: {hints}",
                             roles=tuple(missing), columns=tuple(headers))
    if layout is not None:
        name = layout.name
    elif "order_id" in chosen and has_lines and "amount" not in chosen:
        name = "invoice_lines"
    else:
        name = "generic"
    return ColumnMap(
        customer=chosen["customer"], date=chosen["date"], amount=chosen.get("amount"),
        order_id=chosen.get("order_id"), quantity=chosen.get("quantity"), unit_price=chosen.get("unit_price"),
        status=chosen.get("status"), refund=chosen.get("refund"), customer_fallback=chosen.get("customer_fallback"),
        cancelled=chosen.get("cancelled"), currency_column=chosen.get("currency_column"), layout=name,
        chosen=user_roles,
        more_fallbacks=() if "customer_fallback" in user_roles or "customer_fallback" not in chosen
        else tuple(h for h in more if h not in chosen.values()),
    )


_HINT = {"customer": 2}  # the synonym to show first in a hint ("Customer Id", not "Customer Unique Id")


def _hint_words(role: str) -> list[str]:
    """The English synonyms of ``role`` a message shows, from its :data:`_HINT` on."""
    return [w for w in SYNONYMS[role][_HINT.get(role, 0):] if w.isascii()]
