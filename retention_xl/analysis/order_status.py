"""Which orders are not sales: statuses, cancellation documents, cancelled-at dates.

An order export lists orders that never became sales: Shopify's voided, expired, pending
and authorized payments; WooCommerce's cancelled, failed, pending, on-hold, refunded,
draft and trashed orders; Olist's canceled and unavailable ones; Salla's orders under
review and BigCommerce's awaiting payment; the same words in Arabic and Persian, also with
the words around them that do not change them ("تم إلغاء الطلب", "ملغى من العميل",
"cancelled by customer", "سفارش لغو شده"). :func:`status_reasons` reads a status column's distinct values and says,
for each, why the order is not a sale (a reason code) or that it is one (``None``).
Statuses not listed here (paid, completed, processing, delivered, partially refunded ...)
are sales; the user can move any status either way.

A returned order (``returned``, ``مرتجع``, ``مسترجع``, ``مرجوع شده``) is not a sale: the
goods came back and the money was paid back (or is owed back), as for a refunded order.
The whole order is left out and listed with its value, and a refund column on it is not
applied as well (that would take its money off twice). A partly returned order
(``partially returned``) is a sale whose refund column reduces revenue. A chargeback (the
card issuer took the money back), a failed or declined payment, an abandoned checkout and a
voided payment (``باطل شده``) are not sales either.

A refund written as a row of its own stays a refund when its status says so: a row (an
order) with a negative amount whose status is a returned or refunded one (``مرجوعی``,
``مرتجع``, ``مسترجع``, ``returned``, ``refunded``: :data:`REFUND_REASONS`) reduces revenue,
as any negative amount does (a credit note of a Zid/Salla-like or ERP invoice export,
dated when the money went back), **unless the sale it refunds is itself left out**: then
the money is out of revenue already, and taking the refund off as well would take it off
twice (WooCommerce lists a refunded order's own row as ``refunded``, left out whole, and
may list the refund beside it as a negative ``refunded`` row under the same order id).
Such a refund stays out and is listed with its status, as before. The sale a refund
refunds is the order with the same order id (a sale left out for its status, a
cancelled-at date or a refund column that refunds it in full). A row with no order id (a
table without the column: shop exports always carry one, a table typed or trimmed by hand
may not) is matched by its customer and value instead: a sale of the same customer and of
the refund's value left out that way keeps the refund out; a partial refund of a sale left
out cannot be told from the refund of another sale, and is applied
(:func:`refund_keys`). A refund row that shares its order id with a sale written in the
same order's lines (an order with a positive line) is no refund of its own: the order's
status decides, as for any order.

An ERP's cancellation is a document of its own: an invoice number starting with ``C``
whose lines have negative quantities (:func:`cancellation_documents`); it is a refund
of an earlier invoice, never a purchase.

Examples
--------
>>> status_reasons(pd.Series(["paid", "Voided", "wc-cancelled", "ملغي", "در انتظار پرداخت"])).tolist()
[None, 'voided', 'cancelled', 'cancelled', 'pending']
>>> status_reasons(pd.Series(["returned", "Partially returned", "فشل الدفع", "باطل شده"])).tolist()
['returned', None, 'failed', 'voided']
>>> status_reasons(pd.Series(["paid", "pending"]), include=("pending",), exclude=("paid",)).tolist()
['excluded', None]
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from retention_xl.analysis.letters import fold_word
from retention_xl.analysis.numerals import clean_text

__all__ = ["NOT_SALES", "REFUND_REASONS", "cancellation_documents", "refund_keys", "status_key", "status_reasons"]

#: status words (as :func:`status_key` writes them) -> why such an order is not a sale
NOT_SALES: dict[str, str] = {
    # Shopify financial status; WooCommerce order status (without its "wc-" prefix)
    "voided": "voided", "void": "voided", "expired": "expired", "pending": "pending",
    "authorized": "authorized", "authorised": "authorized", "pending payment": "pending",
    "cancelled": "cancelled", "canceled": "cancelled", "failed": "failed", "on hold": "on_hold",
    "refunded": "refunded", "draft": "draft", "checkout draft": "draft", "trash": "draft",
    "unavailable": "cancelled", "declined": "failed", "rejected": "failed", "unpaid": "pending",
    "payment failed": "failed", "returned": "returned", "return": "returned", "chargeback": "chargeback",
    "charged back": "chargeback", "chargedback": "chargeback", "abandoned": "abandoned",
    "abandoned checkout": "abandoned",
    # Magento's other order states that are no sale (yet)
    "payment review": "pending", "pending paypal": "pending", "suspected fraud": "on_hold",
    "paypal reversed": "chargeback",
    # Arabic
    "ملغي": "cancelled", "ملغى": "cancelled", "ملغاة": "cancelled", "ملغية": "cancelled", "تم الإلغاء": "cancelled",
    "الغاء": "cancelled", "إلغاء": "cancelled", "مسترد": "refunded", "مسترجع": "refunded", "تم الاسترداد": "refunded",
    "معلق": "pending", "قيد الانتظار": "pending", "بانتظار الدفع": "pending", "فشل": "failed", "فاشل": "failed",
    "مرفوض": "failed", "مسودة": "draft", "فشل الدفع": "failed", "فشلت عملية الدفع": "failed", "الدفع فشل": "failed",
    "مرتجع": "returned", "مرتجعة": "returned", "تم الإرجاع": "returned", "تم الارجاع": "returned",
    "مسترجعة": "returned", "في انتظار الدفع": "pending", "في الانتظار": "pending",
    # Persian
    "لغو شده": "cancelled", "لغو": "cancelled", "لغوشده": "cancelled", "کنسل": "cancelled", "کنسل شده": "cancelled",
    "مرجوع": "refunded", "مرجوع شده": "refunded", "مرجوعی": "refunded", "بازپرداخت شده": "refunded",
    "عودت": "refunded", "عودت شده": "refunded", "در انتظار": "pending", "در انتظار پرداخت": "pending",
    "ناموفق": "failed", "رد شده": "failed", "پیش نویس": "draft", "باطل شده": "voided", "باطل": "voided",
    "باطل شد": "voided", "پرداخت ناموفق": "failed", "برگشت خورده": "returned", "برگشتی": "returned",
    # WooCommerce in Persian: on hold and refunded
    "در انتظار بررسی": "on_hold", "مسترد شده": "refunded", "استرداد شده": "refunded",
    # BigCommerce's awaiting payment; Salla's statuses (under review: a bank transfer not yet
    # confirmed, as WooCommerce's on hold; restored: مسترجع); a cash-on-delivery order not yet
    # confirmed by phone; the same in Persian
    "awaiting payment": "pending", "payment pending": "pending", "under review": "on_hold",
    "awaiting confirmation": "on_hold", "restored": "refunded",
    "بانتظار المراجعة": "on_hold", "في انتظار المراجعة": "on_hold", "تحت المراجعة": "on_hold",
    "قيد المراجعة": "on_hold", "قيد التأكيد": "on_hold", "بانتظار التأكيد": "on_hold", "في انتظار التأكيد": "on_hold",
    "تم إلغاء": "cancelled", "ألغي": "cancelled", "ألغيت": "cancelled", "مرفوضة": "failed", "لم يتم الدفع": "pending",
    "غير مدفوع": "pending", "پرداخت نشده": "pending", "در انتظار تایید": "on_hold", "لغو شد": "cancelled",
}

#: the reasons (of :data:`NOT_SALES`) of a status that says the money went back: a row with
#: a negative amount and such a status is a refund, not an order left out
REFUND_REASONS = frozenset({"refunded", "returned"})

#: words around a status that do not change it: "Order cancelled", "cancelled by customer",
#: "تم إلغاء الطلب", "ملغى من العميل", "مرتجع من الشحن", "سفارش لغو شده", "لغو شده توسط مشتری"
def _words(*words: str) -> str:
    """A regex alternative of ``words`` spelled as :func:`status_key` spells them."""
    return "(?:" + "|".join(re.escape(fold_word(w)) for w in words) + ")"


_ORDER_WORDS = _words("the order", "order", "الطلب", "طلب", "سفارش")
_AROUND = re.compile(rf"^(?:{_ORDER_WORDS} )?(?P<core>.+?)(?: {_ORDER_WORDS})?"
                     rf"(?: {_words('by', 'من قبل', 'من', 'بواسطة', 'توسط', 'از طرف', 'از سوی')} .+)?$")


def status_key(value: object) -> str:
    """A status as compared: no case, no ``wc-`` prefix, ``_``/``-`` as spaces, one
    spelling of Arabic/Persian letters.

    >>> status_key(" WC-On_Hold "), status_key("Partially_Refunded")
    ('on hold', 'partially refunded')
    """
    text = clean_text(pd.Series([str(value)])).iloc[0].casefold().strip()
    text = re.sub(r"^wc-", "", text)
    text = re.sub(r"[\s_\-]+", " ", text).strip()
    return fold_word(text)


@functools.cache
def _not_sale_keys() -> dict[str, str]:
    """:data:`NOT_SALES` by :func:`status_key` (made on first use: 0.05 s of text cleaning)."""
    return {status_key(k): v for k, v in NOT_SALES.items()}


def status_reasons(statuses: pd.Series, include: tuple[str, ...] = (), exclude: tuple[str, ...] = (),
                   export: Mapping[str, str] | None = None) -> np.ndarray:
    """For each status, why an order with it is not a sale (a code), or ``None`` for a sale.

    Parameters
    ----------
    statuses : pandas.Series
        Distinct status values as written in the export.
    include, exclude : tuple of str
        Statuses the user counts as sales, or not (``"excluded"``), whatever the built-in
        list says.
    export : Mapping[str, str], optional
        Status words of the export recognised, before the built-in list (Magento's
        ``{"closed": "refunded"}``: :attr:`~retention_xl.analysis.export_layouts.ExportLayout.statuses`).

    Returns
    -------
    numpy.ndarray of object
    """
    keys = [status_key(s) for s in statuses]
    inc = {status_key(s) for s in include}
    exc = {status_key(s) for s in exclude}
    own = {status_key(k): v for k, v in (export or {}).items()}
    out = np.full(len(keys), None, dtype=object)
    for i, k in enumerate(keys):
        if k in inc:
            continue
        if k in exc:
            out[i] = "excluded"
        else:
            out[i] = _reason(k, own)
    return out


def _reason(key: str, own: Mapping[str, str]) -> str | None:
    """Why a status (a :func:`status_key`) is not a sale, read as written and then without
    the words around it (:data:`_AROUND`): ``None`` for a sale."""
    found = own.get(key, _not_sale_keys().get(key))
    if found is not None:
        return found
    m = _AROUND.match(key)
    core = m.group("core") if m else key
    if core == key:
        return None
    return own.get(core, _not_sale_keys().get(core))


def refund_keys(ids: np.ndarray, customers: np.ndarray, amounts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The keys by which a refund finds the sale it refunds, for each order: its order id
    (``None`` where it has none), and its customer with its value in cents (the key of a
    refund with no order id).

    A refund stays out when its key (the id key, else the customer key) is a key of a sale
    left out (either key of such a sale).

    Parameters
    ----------
    ids : numpy.ndarray of object
        Each order's id as compared (:func:`~retention_xl.analysis.column_values.id_texts`),
        ``None`` where it has none.
    customers : numpy.ndarray of str
        Each order's customer key.
    amounts : numpy.ndarray of float
        Each order's value; a refund's and its sale's are compared without sign.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) of object

    Examples
    --------
    >>> by_id, by_customer = refund_keys(np.array(["1001", None], dtype=object), np.array(["ali", "ali"]),
    ...                                  np.array([-120000.0, 120000.004]))
    >>> by_id.tolist(), by_customer.tolist()
    (['id 1001', None], ['customer ali 12000000', 'customer ali 12000000'])
    """
    ids = np.asarray(ids, dtype=object)
    cents = pd.Series(np.rint(np.abs(np.asarray(amounts, dtype="float64")) * 100).astype(np.int64)).astype("str")
    by_customer = ("customer " + pd.Series(customers, dtype="str") + " " + cents).to_numpy(dtype=object)
    has = pd.notna(ids)
    by_id = np.full(len(ids), None, dtype=object)
    if has.any():
        by_id[has] = ("id " + pd.Series(ids[has], dtype="str")).to_numpy(dtype=object)
    return by_id, by_customer


def cancellation_documents(order_ids: pd.Series) -> np.ndarray:
    """Which order ids are cancellation documents by the ERP convention: ``C`` then a number.

    >>> cancellation_documents(pd.Series(["C536379", "536380", "c12", "CASH1"])).tolist()
    [True, False, True, False]
    >>> cancellation_documents(pd.Series([536379, 536380])).tolist()
    [False, False]
    """
    out = np.zeros(len(order_ids), dtype=bool)
    if order_ids.dtype.kind in "iufb":  # numbers: no letter C (and no text made of a million ids)
        return out
    text = order_ids.astype("str")
    has_c = np.flatnonzero(text.str.contains("c", case=False, regex=False).fillna(False).to_numpy(dtype=bool))
    out[has_c] = text.iloc[has_c].str.strip().str.fullmatch(r"[Cc]\d+").to_numpy(dtype=bool)  # only those can be
    return out
