"""The template workbook a consultant hands over: ``retention-xl template [PATH]``.

Four sheets, written with openpyxl:

* *Start here* — what to paste where, how to install the add-in, the formula catalog;
* *Orders* — an Excel Table ``Orders`` (Customer, Order date, Amount, Order id, Channel)
  with date/number validation, optionally filled with sample orders;
* *Metrics* — yellow input cells with workbook-level names (``CustomersStart`` …) feeding
  the add-in formulas (``=CRR(CustomersStart,CustomersEnd,NewCustomers)`` …), each next to
  a plain-Excel check computing the same number, so the sheet works before the add-in does;
* *Survey* — an Excel Table ``Survey`` (Score, Satisfaction, Effort) feeding NPS, NPS_MOE,
  CSAT and CES.

Defined names, table names and table headers are ASCII and the same in every language;
labels come from :mod:`retention_xl.template_labels`, what the sheets hold from
:mod:`retention_xl.template_content`, and :mod:`retention_xl.template_sheets` lays them
out. The output is byte-for-byte deterministic: fixed document properties and fixed zip
entry timestamps.

Examples
--------
>>> from openpyxl import load_workbook
>>> import io
>>> wb = load_workbook(io.BytesIO(template_bytes()))
>>> wb["Metrics"]["C6"].value
10
>>> wb.defined_names["CustomersStart"].attr_text
"'Metrics'!$C$6"
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

from openpyxl.xml.functions import tostring

from retention_xl.atomic_write import write_atomically
from retention_xl.errors import DataError, InvalidValue
from retention_xl.sample import load_sample_orders
from retention_xl.labels import LANGUAGES
from retention_xl.template_sheets import FIXED_TIME, workbook

__all__ = [
    "DEFAULT_FILENAME",
    "build_template",
    "sample_orders",
    "template_bytes",
]

DEFAULT_FILENAME = "workbook_template.xlsx"
SAMPLE_SIZE = 50


def template_bytes(lang: str = "en", sample: bool = False,
                   rows: list[tuple] | None = None) -> bytes:
    """Return the template workbook as ``.xlsx`` bytes, identical on every call.

    Parameters
    ----------
    lang : {"en", "ar", "fa"}
        Language of every label; ``ar`` and ``fa`` sheets run right to left.
    sample : bool
        Fill the ``Orders`` table with about 50 sample orders.
    rows : list of tuple, optional
        Orders to write instead, as ``(customer, order_date, amount, order_id, channel)``;
        trailing fields may be left out. Given rows are written whatever ``sample`` says.

    Returns
    -------
    bytes
        The workbook.

    Examples
    --------
    >>> template_bytes("fa") == template_bytes("fa")
    True
    """
    if lang not in LANGUAGES:
        raise InvalidValue(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    if rows is None:
        rows = sample_orders() if sample else []
    wb = workbook(lang, [_order_row(i, r) for i, r in enumerate(rows, start=1)])
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.properties.modified = FIXED_TIME  # openpyxl stamps the save time; undo it
    return _stable_zip(buffer.getvalue(), tostring(wb.properties.to_tree()))


def build_template(path: str | os.PathLike | None = None, *, lang: str = "en",
                   sample: bool = False, force: bool = False,
                   rows: list[tuple] | None = None) -> Path:
    """Write the template workbook to ``path`` and return the path written.

    The file is written to a temporary file next to ``path`` and renamed into place, so
    a reader never sees half a workbook. An existing file is replaced only with ``force``.

    Parameters
    ----------
    path : str or path-like, optional
        Where to write; ``workbook_template.xlsx`` in the current folder by default.
    lang, sample, rows
        As for :func:`template_bytes`.
    force : bool
        Replace an existing file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = build_template(pathlib.Path(tempfile.mkdtemp()) / "retention.xlsx", lang="ar")
    >>> out.name
    'retention.xlsx'
    """
    target = Path(DEFAULT_FILENAME if path is None else path)
    if target.suffix.lower() != ".xlsx":
        raise DataError(f"{target} must end in .xlsx: the template is a plain Excel workbook")
    if not target.parent.is_dir():
        raise DataError(f"folder {target.parent} does not exist: create it or choose another path")
    data = template_bytes(lang, sample, rows)
    return write_atomically(target, lambda handle: handle.write(data), force=force)


def sample_orders(n: int = SAMPLE_SIZE) -> list[tuple]:
    """Sample orders for the template: orders of regular customers from the bundled sample.

    Returns
    -------
    list of tuple
        ``(customer, order_date, amount, order_id, channel)``, at most ``n`` rows, the same
        on every call.

    Examples
    --------
    >>> sample_orders(3) == sample_orders(3)
    True
    """
    orders = load_sample_orders()
    clean = orders[(orders["customer"] != "") & (orders["amount"] > 0)].drop_duplicates()
    # customers who come back, in order of their first order, so the rows show repeat buying
    counts = clean["customer"].value_counts()
    regulars = [c for c in clean["customer"].drop_duplicates() if counts[c] >= 3][:12]
    chosen = clean[clean["customer"].isin(regulars)].head(n)
    return [
        (r.customer, r.order_date.date(), float(r.amount), r.order_id, r.channel.title())
        for r in chosen.itertuples(index=False)
    ]


def _order_row(number: int, row: tuple) -> tuple:
    if not 3 <= len(row) <= 5:
        raise DataError(f"order row {number} has {len(row)} fields: give customer, order date, "
                        "amount and optionally order id and channel")
    customer, when, amount, order_id, channel = (*row, None, None)[:5]
    if isinstance(when, str):
        try:
            when = dt.date.fromisoformat(when.strip()[:10])
        except ValueError:
            raise DataError(f"order row {number}: date {when!r} is not YYYY-MM-DD") from None
    if isinstance(when, dt.datetime):
        when = when.date()
    if not isinstance(when, dt.date):
        raise DataError(f"order row {number}: {when!r} is not a date")
    try:
        amount = float(amount)
    except (TypeError, ValueError):
        raise DataError(f"order row {number}: amount {amount!r} is not a number") from None
    return customer, when, amount, order_id, channel


def _stable_zip(data: bytes, core_xml: bytes) -> bytes:
    """Re-pack the archive in the same order with fixed timestamps and the fixed core.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            payload = core_xml if info.filename == "docProps/core.xml" else src.read(info)
            dst.writestr(entry, payload)
    return out.getvalue()
