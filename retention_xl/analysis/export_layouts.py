"""Known order exports recognised by their headers: Shopify, WooCommerce, ERP invoice lines.

A shop system writes the same columns in every export, so once its header is recognised
the column of each role is known for sure (Shopify's ``Name`` is the order number, not the
customer; its ``Total`` is written on an order's first line only; ``Refunded Amount`` is
never revenue). :func:`recognise_layout` compares a header with the documented column
lists below; the generic detector (:func:`retention_xl.analysis.columns.detect_columns`)
fills whatever a layout leaves open, and takes over when no layout matches.

Sources of the column lists:

* Shopify admin, Orders > Export (CSV for Excel): ``Name, Email, Financial Status, Paid at,
  Fulfillment Status, Fulfilled at, Accepts Marketing, Currency, Subtotal, Shipping, Taxes,
  Total, Discount Code, Discount Amount, Shipping Method, Created at, Lineitem quantity,
  Lineitem name, Lineitem price, ..., Billing Name, ..., Billing Phone, ..., Cancelled at,
  Payment Method, Payment Reference, Refunded Amount, ..., Id, Tags, ...``; one row per line
  item, order-level fields on the first line only.
* WooCommerce Customer / Order / Coupon Export, CSV "Default - one row per item":
  ``order_id, order_number, order_date, status, ..., order_total, refunded_total, ...,
  billing_first_name, billing_last_name, billing_email, billing_phone, ..., item_name,
  item_quantity, item_total ...``, and the same fields under their labels ("Order ID",
  "Order Status", "Order Date", "Billing Email", "Order Total", "Refund Amount" ...) as
  other WooCommerce order exporters write them.
* The ERP/POS invoice-line layout (one row per invoice line: an invoice number, a quantity,
  a unit price and no amount; cancellations are invoices numbered ``C...`` with negative
  quantities), as in the UCI Online Retail data set (``InvoiceNo, StockCode, Description,
  Quantity, InvoiceDate, UnitPrice, CustomerID, Country``).

Examples
--------
>>> recognise_layout(["Name", "Email", "Financial Status", "Paid at", "Total", "Created at",
...                   "Lineitem quantity", "Lineitem price", "Refunded Amount"]).name
'shopify'
>>> recognise_layout(["Customer", "Date", "Total"]) is None
True
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["ExportLayout", "LAYOUTS", "recognise_layout", "layout_named", "header_key"]


def header_key(header: object) -> str:
    """A header without case, spaces or punctuation: ``"Lineitem quantity"`` -> ``"lineitemquantity"``."""
    text = unicodedata.normalize("NFKC", str(header)).casefold()
    return re.sub(r"[\W_]+", "", text)


@dataclass(frozen=True)
class ExportLayout:
    """A known export: how to recognise it and which column holds each role.

    Attributes
    ----------
    name : str
        A code (``"shopify"``, ``"woocommerce"``); the layout words it.
    signature : tuple of tuple of str
        Alternative sets of headers; the layout is recognised when every header of one set
        is present (compared by :func:`header_key`).
    roles : Mapping[str, tuple of str]
        For each role, the headers that hold it, best first (the first one present is used).
    amount_level : {"order", "line"}
        ``"order"``: the amount column is the order's total (written once per order);
        ``"line"``: it is a line amount, summed per order.
    statuses : Mapping[str, str]
        Status words that mean something of their own in this export (Magento's "Closed":
        refunded in full), as :data:`~retention_xl.analysis.order_status.NOT_SALES` maps
        them; they take precedence over the general list.
    """

    name: str
    signature: tuple[tuple[str, ...], ...]
    roles: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    amount_level: str = "order"
    statuses: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def matches(self, keys: set[str]) -> bool:
        return any(all(header_key(h) in keys for h in group) for group in self.signature)

    def columns(self, headers: list[str]) -> dict[str, str]:
        """The column of each role that this export has: ``{role: header}``."""
        by_key: dict[str, str] = {}
        for h in headers:
            by_key.setdefault(header_key(h), h)
        found = {}
        for role, names in self.roles.items():
            for name in names:
                if header_key(name) in by_key:
                    found[role] = by_key[header_key(name)]
                    break
        return found

    def present(self, headers: list[str], role: str) -> list[str]:
        """Every column of ``headers`` this export names for ``role``, in the export's order
        of preference (:meth:`columns` takes the first)."""
        by_key: dict[str, str] = {}
        for h in headers:
            by_key.setdefault(header_key(h), h)
        return list(dict.fromkeys(by_key[header_key(n)] for n in self.roles.get(role, ()) if header_key(n) in by_key))


def _layout(name: str, signature, amount_level: str = "order", statuses: dict[str, str] | None = None,
            **roles: tuple[str, ...]) -> ExportLayout:
    return ExportLayout(name, tuple(tuple(g) for g in signature), MappingProxyType(roles), amount_level,
                        MappingProxyType(statuses or {}))


#: the known exports, tried in this order
LAYOUTS: tuple[ExportLayout, ...] = (
    _layout(
        "shopify",
        [("Name", "Financial Status", "Lineitem quantity"), ("Name", "Financial Status", "Lineitem name")],
        customer=("Email",),
        customer_fallback=("Billing Name", "Billing Phone", "Phone", "Shipping Name"),
        date=("Created at", "Paid at"),
        amount=("Total", "Subtotal"),
        order_id=("Name", "Id"),
        quantity=("Lineitem quantity",),
        unit_price=("Lineitem price",),
        status=("Financial Status",),
        refund=("Refunded Amount",),
        cancelled=("Cancelled at",),
        currency_column=("Currency",),
    ),
    _layout(
        "woocommerce",
        [("order_id", "status", "order_total", "billing_email"),
         ("order_number", "status", "order_total", "billing_email"),
         ("Order ID", "Order Status", "Order Total"), ("Order Number", "Order Status", "Order Total"),
         ("Order ID", "Order Status", "Order Total Amount"), ("Order Number", "Order Status", "Order Total Amount")],
        customer=("billing_email", "Billing Email", "Customer Email", "Email (Billing)", "customer_email"),
        customer_fallback=("billing_phone", "Billing Phone", "Phone (Billing)", "billing_full_name",
                           "Billing Full Name", "billing_last_name", "Billing Last Name"),
        date=("order_date", "Order Date", "date_created", "Date Created"),
        amount=("order_total", "Order Total", "Order Total Amount"),
        order_id=("order_id", "Order ID", "order_number", "Order Number"),
        quantity=("item_quantity", "Item Quantity", "Quantity", "Qty"),
        status=("status", "Order Status"),
        refund=("refunded_total", "Refunded Total", "Order Refund", "Refund Amount", "Order Refund Amount"),
        currency_column=("order_currency", "Order Currency", "currency", "Currency"),
    ),
    # Magento 2 / Adobe Commerce: Sales > Orders, Export (CSV or Excel XML) of the order
    # grid's visible columns (sales_order_grid.xml; Customer Email, Customer Name and Total
    # Refunded are hidden by default, so the billing name is often the only customer key);
    # Magento 1's grid under its own headers. One row per order; "Closed" is an order
    # refunded in full by a credit memo.
    _layout(
        "magento",
        [("Purchase Date", "Grand Total (Base)"), ("Purchase Date", "Grand Total (Purchased)"),
         ("Purchase Date", "Bill-to Name"),
         ("Purchased On", "G.T. (Base)"), ("Purchased On", "G.T. (Purchased)"), ("Purchased On", "Bill to Name")],
        statuses={"closed": "refunded"},
        customer=("Customer Email", "Bill-to Name", "Bill to Name", "Customer Name", "Ship-to Name", "Ship to Name"),
        customer_fallback=("Bill-to Name", "Bill to Name", "Customer Name", "Ship-to Name", "Ship to Name"),
        date=("Purchase Date", "Purchased On"),
        # the store's base currency adds up across orders placed in other currencies
        amount=("Grand Total (Base)", "G.T. (Base)", "Grand Total (Purchased)", "G.T. (Purchased)"),
        order_id=("ID", "Order #"),
        status=("Status",),
        refund=("Total Refunded",),
    ),
)


def layout_named(name: str | None) -> ExportLayout | None:
    """The known export of that name (:attr:`ExportLayout.name`), or ``None``."""
    return next((layout for layout in LAYOUTS if layout.name == name), None)


def recognise_layout(headers) -> ExportLayout | None:
    """The known export whose documented columns ``headers`` has, or ``None``."""
    keys = {header_key(h) for h in headers}
    return next((layout for layout in LAYOUTS if layout.matches(keys)), None)
