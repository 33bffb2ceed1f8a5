"""The UCI Online Retail figures with no options, beside an analyst's pandas on the same file.

Run from the repository root with the data set as CSV (the UCI "Online Retail.xlsx" saved
as CSV, or Kaggle's ``data.csv``; 541,909 lines)::

    python benchmarks/online_retail_figures.py "Online Retail.csv"

The analyst's figures: customers with a purchase, invoices not numbered ``C``, net revenue
= sum of Quantity x UnitPrice over lines with a CustomerID (cancellations included;
identical lines kept, and the figure with ``drop_duplicates()`` beside it), AOV = gross
revenue / invoices, monthly cohorts and the Dec-2010 cohort's retention P1-P3.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retention_xl.file_pipeline import read_orders  # noqa: E402
from retention_xl.pipeline import analyse  # noqa: E402


def analyst(path: Path) -> dict:
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "CustomerID": str}, encoding_errors="replace")
    df = df[df["CustomerID"].notna()]
    amount = df["Quantity"] * df["UnitPrice"]
    buy = ~df["InvoiceNo"].str.startswith("C")
    first = pd.to_datetime(df.loc[buy, "InvoiceDate"], format="mixed").groupby(df.loc[buy, "CustomerID"]).min()
    cohorts = first.dt.to_period("M").value_counts().sort_index()
    dedup = df.drop_duplicates()
    return {"customers": int(df.loc[buy, "CustomerID"].nunique()), "orders": int(df.loc[buy, "InvoiceNo"].nunique()),
            "revenue": round(float(amount.sum()), 2),
            "revenue_without_identical_lines": round(float((dedup["Quantity"] * dedup["UnitPrice"]).sum()), 2),
            "aov": round(float(amount[buy].sum() / df.loc[buy, "InvoiceNo"].nunique()), 2),
            "cohorts": [int(c) for c in cohorts.head(3)]}


def ours(path: Path) -> dict:
    orders = read_orders(path)
    a = analyse(orders)
    h = a.headline
    retention = (a.cohorts.retention.iloc[0, 1:4] * 100).round(2).tolist()
    return {"customers": h["customers"], "orders": h["orders"], "revenue": round(h["revenue"], 2),
            "aov": round(h["aov"], 2), "repeat_rate": round(100 * h["repeat_rate"], 1),
            "cohorts": a.cohorts.size.head(3).astype(int).tolist(), "dec_2010_retention_p1_p3": retention,
            "customers_table": len(a.customers)}


if __name__ == "__main__":
    csv = Path(sys.argv[1])
    print("analyst:", analyst(csv))
    print("retention-xl, no options:", ours(csv))
