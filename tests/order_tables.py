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
