"""Order-line exports in the exact layout of the UCI Online Retail data set, generated.

UCI Online Retail (Chen, Sain & Guo 2012; CC BY 4.0) cannot be downloaded where the tests
run, so the tests generate tables of the same layout and conventions and compare the
report with what an analyst computes with pandas on the same table:

* ``InvoiceNo``: 6-digit invoice numbers; a cancellation is a document of its own numbered
  ``C`` + 6 digits whose lines have negative quantities;
* ``StockCode, Description, Quantity, InvoiceDate`` (text ``M/D/YYYY H:MM``), ``UnitPrice``
  (0 on some lines), ``CustomerID`` (blank on whole invoices), ``Country``;
* a few lines repeated exactly within an invoice (the data set has 5,225 such lines).
"""

import numpy as np
import pandas as pd


def online_retail_lines(n_invoices: int = 1500, seed: int = 0) -> pd.DataFrame:
    """An export of ``n_invoices`` invoices (about 8 lines each) in the UCI layout, as text."""
    rng = np.random.default_rng(seed)
    customers = rng.choice(np.arange(12346, 18288), 400, replace=False)
    weight = rng.pareto(1.2, customers.size) + 1
    cust = rng.choice(customers, n_invoices, p=weight / weight.sum()).astype(str)
    cust[rng.random(n_invoices) < 0.15] = ""  # invoices without a customer
    start = np.datetime64("2010-12-01T08:00")
    minutes = np.sort(rng.integers(0, 373 * 24 * 60, n_invoices))
    when = pd.DatetimeIndex(start + minutes.astype("timedelta64[m]"))
    cancel = (rng.random(n_invoices) < 0.04) & (cust != "")
    number = np.char.add(np.where(cancel, "C", ""), (536365 + np.arange(n_invoices)).astype(str))
    sizes = rng.integers(1, 16, n_invoices)
    sizes[cancel] = rng.integers(1, 3, cancel.sum())
    inv = np.repeat(np.arange(n_invoices), sizes)
    n = inv.size
    stock = rng.integers(20000, 23000, n)
    qty = rng.integers(1, 25, n) * np.where(cancel[inv], -1, 1)
    price = np.round(rng.gamma(1.5, 2.5, n), 2)
    price[rng.random(n) < 0.005] = 0.0
    frame = pd.DataFrame({
        "InvoiceNo": number[inv], "StockCode": stock.astype(str), "Description": np.char.add("ITEM ", stock.astype(str)),
        "Quantity": qty.astype(str), "InvoiceDate": when[inv].strftime("%-m/%-d/%Y %-H:%M"),
        "UnitPrice": pd.Series(price).map(lambda p: f"{p:g}"), "CustomerID": cust[inv], "Country": "United Kingdom",
    })
    repeat = np.flatnonzero(rng.random(n) < 0.01)  # an exact copy right after the line
    frame = pd.concat([frame, frame.iloc[repeat]]).sort_index(kind="stable").reset_index(drop=True)
    return frame


def analyst_figures(frame: pd.DataFrame) -> dict:
    """What an analyst computes with pandas: lines with a customer; purchases are invoices
    not numbered C; net revenue = sum of quantity x unit price (cancellations included,
    identical lines kept); AOV = purchases' revenue / invoices; monthly cohorts."""
    df = frame[frame["CustomerID"] != ""].copy()
    df["amount"] = df["Quantity"].astype(float) * df["UnitPrice"].astype(float)
    df["date"] = pd.to_datetime(df["InvoiceDate"], format="%m/%d/%Y %H:%M")
    buy = ~df["InvoiceNo"].str.startswith("C")
    buys = df[buy]
    per_customer = buys.groupby("CustomerID")["InvoiceNo"].nunique()
    first = buys.groupby("CustomerID")["date"].min().dt.to_period("M")
    month = buys["date"].dt.to_period("M")
    cohort = buys["CustomerID"].map(first)
    active = buys.assign(cohort=cohort, age=(month - cohort).map(lambda d: d.n)).groupby(["cohort", "age"])[
        "CustomerID"].nunique()
    sizes = first.value_counts().sort_index()
    c0 = sizes.index[0]
    return {
        "customers": int(per_customer.size),
        "orders": int(buys["InvoiceNo"].nunique()),
        "revenue": float(df["amount"].sum()),
        "revenue_without_identical_lines": float(
            (lambda d: (d["Quantity"].astype(float) * d["UnitPrice"].astype(float)).sum())(
                frame[frame["CustomerID"] != ""].drop_duplicates())),
        "aov": float(buys["amount"].sum() / buys["InvoiceNo"].nunique()),
        "repeat_rate": float((per_customer > 1).mean()),
        "cohort_sizes": sizes.tolist(),
        "first_cohort_retention": [active.get((c0, k), 0) / sizes.iloc[0] for k in (1, 2, 3)],
        "cancellation_lines": int((~buy).sum()),
        "cancellation_value": float(-df.loc[~buy, "amount"].sum()),
    }
