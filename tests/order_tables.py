"""Order tables for the analysis tests: hand-written ones and random ones (hypothesis)."""

from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import strategies as st

START = pd.Timestamp("2024-01-01")
DATA = Path(__file__).parent / "data"


def table(rows):
    """An order table from (customer, date, amount) tuples."""
    customer, date, amount = zip(*rows)
    return pd.DataFrame(
        {
            "customer": list(customer),
            "date": pd.to_datetime(list(date), format="ISO8601"),
            "amount": [float(a) for a in amount],
        }
    )


@st.composite
def order_tables(draw, max_rows=14, max_days=400, customers="abcde"):
    """Small random order tables; about one row in four is a refund, at least one is not."""
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(customers),
                st.integers(0, max_days),
                st.integers(0, 23),
                st.integers(-30, 100),  # about one in four is a refund
            ),
            min_size=1,
            max_size=max_rows,
        )
    )
    if all(amount < 0 for *_, amount in rows):
        rows[0] = (*rows[0][:3], -rows[0][3])
    customer, day, hour, amount = zip(*rows)
    return pd.DataFrame(
        {
            "customer": list(customer),
            "date": START + pd.to_timedelta(np.array(day) * 24 + np.array(hour), unit="h"),
            "amount": np.array(amount, dtype=float),
        }
    )


def built_report(raw, *, source="orders.csv", **options):
    """The report of ``raw`` through the public steps, with what it rests on:
    ``report``, ``analysis`` and ``clean`` (the cleaned orders)."""
    from types import SimpleNamespace

    from retention_xl.options import ReportOptions
    from retention_xl.pipeline import analyse, build_report, clean

    opts = ReportOptions(**options)
    orders = clean(raw, opts, name=source)
    analysis = analyse(orders, opts)
    return SimpleNamespace(report=build_report(analysis, opts), analysis=analysis, clean=orders)


def said(coded):
    """What the user reads for a problem code (``"code"`` or ``"code:detail"``), in English;
    ``None`` stays ``None``, and a list or array is worded item by item."""
    from retention_xl.wording import problem_text

    if coded is None:
        return None
    if not isinstance(coded, str):
        return [said(c) for c in coded]
    code, _, detail = coded.partition(":")
    return problem_text(code, detail, "en")


def words(notices):
    """What the user reads for a list of notices, in English."""
    from retention_xl.wording import notice_text

    return [notice_text(n, "en") for n in notices]


def cdnow_orders() -> pd.DataFrame:
    """The CDNOW sample's transactions as an order table (customer, date, amount)."""
    orders = pd.read_csv(DATA / "cdnow_sample_transactions.txt", sep=r"\s+", header=None,
                         names=["master", "customer", "date", "cds", "amount"], dtype={"date": str})
    orders["date"] = pd.to_datetime(orders["date"], format="%Y%m%d")
    orders["customer"] = orders["customer"].astype(str)
    return orders[["customer", "date", "amount"]]


def retail_orders(**options):
    """An order table like UCI Online Retail's (see retail_like.py)."""
    from retail_like import retail_invoices

    invoices = retail_invoices(**options)
    return invoices.rename(columns={"CustomerID": "customer", "InvoiceDate": "date", "Total": "amount"})[
        ["customer", "date", "amount"]]


def spellings(word: str) -> set[str]:
    """A word as Arabic and Persian users type it: on the other keyboard (ye, kaf), without
    the hamza or madda on the alef, with heh for teh marbuta, with a kashida."""
    arabic = word.translate(str.maketrans({"ی": "ي", "ک": "ك"}))
    persian = word.translate(str.maketrans({"ي": "ی", "ك": "ک"}))
    bare = word.translate(str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه"}))
    stretched = word.replace("م", "مـ", 1)
    return {arabic, persian, bare, stretched}


def zid_refunds(order_ids: bool = True) -> pd.DataFrame:
    """A Zid-like invoice export in Persian (Persian digits, Jalali dates): sales marked
    completed or delivered, a cancelled order, and credit notes of their own (numbered
    2001...) with a negative amount marked مرجوعی: 120,000 back on 1001 (all of it, ten days
    later) and 20,000 back on 1002 (part of it). By hand: 120,000 + 80,000 + 50,000 - 120,000
    - 20,000 = 110,000; علی 50,000, مریم 60,000; 1004 (30,000, cancelled) left out."""
    frame = pd.DataFrame({
        "شماره فاکتور": ["۱۰۰۱", "۱۰۰۲", "۱۰۰۳", "۱۰۰۴", "۲۰۰۱", "۲۰۰۲"],
        "مشتری": ["علی رضایی", "مریم کاظمی", "علی رضایی", "مریم کاظمی", "علی رضایی", "مریم کاظمی"],
        "تاریخ": ["۱۴۰۲/۱۰/۰۵", "۱۴۰۲/۱۰/۱۲", "۱۴۰۲/۱۱/۰۲", "۱۴۰۲/۱۱/۰۳", "۱۴۰۲/۱۰/۱۵", "۱۴۰۲/۱۱/۱۵"],
        "مبلغ": ["۱۲۰٬۰۰۰", "۸۰٬۰۰۰", "۵۰٬۰۰۰", "۳۰٬۰۰۰", "-۱۲۰٬۰۰۰", "-۲۰٬۰۰۰"],
        "وضعیت": ["تکمیل شده", "تحویل شده", "تکمیل شده", "لغو شده", "مرجوعی", "مرجوعی"],
    }, dtype="str")
    return frame if order_ids else frame.drop(columns="شماره فاکتور")


def refunded_order_and_its_refund_row(order_ids: bool = True) -> pd.DataFrame:
    """One row per order (50 orders #1..#50 of 100 + k, 2 ids repeated: under 5%, so each
    row is an order), as a shop export that lists a refund as a row of its own under the
    order's id: #7 is refunded (its row marked refunded, left out) and its refund is listed
    too (-107, refunded: the sale is left out already, so is the refund); #12 is completed
    and 30 of it came back (-30, refunded: taken off). By hand: 100 x 50 + (1 + ... + 50) =
    6,275; less #7's 107 left out = 6,168; less the refund of 30 = 6,138."""
    k = np.arange(1, 51)
    frame = pd.DataFrame({
        "Order": [f"#{i}" for i in k], "Customer": [f"c{i % 9}" for i in k],
        "Order Date": [f"2024-{1 + i % 6:02d}-{1 + i % 27:02d}" for i in k],
        "Total": (100 + k).astype(float), "Status": np.where(k == 7, "refunded", "completed"),
    })
    refunds = pd.DataFrame({"Order": ["#7", "#12"], "Customer": ["c7", "c3"], "Order Date": ["2024-03-20", "2024-03-25"],
                            "Total": [-107.0, -30.0], "Status": ["refunded", "refunded"]})
    frame = pd.concat([frame, refunds], ignore_index=True)
    return frame if order_ids else frame.drop(columns="Order")


def woocommerce_with_refund_rows() -> pd.DataFrame:
    """tests/data/woocommerce_orders_export.csv with two refunds listed as rows of their own,
    days later at the end of the export, under their order's id (a negative order total,
    status refunded): all of #507 (refunded: left out whole) and 20 of #503 (processing,
    its 'refunded_total' says 20 already). The whole table reads each as a line of its
    order, whose total is taken once: the figures of the export without them (revenue 265)."""
    base = pd.read_csv(DATA / "woocommerce_orders_export.csv", dtype=str, keep_default_na=False)
    refunds = base[base["order_id"].isin(["507", "503"])].copy()
    refunds["order_date"] = np.where(refunds["order_id"] == "507", "2024-02-25 09:00:00", "2024-01-28 09:00:00")
    refunds["order_total"] = np.where(refunds["order_id"] == "507", "-35.00", "-20.00")
    refunds["status"] = "refunded"
    return pd.concat([base, refunds], ignore_index=True)
