"""The same data gives the same report through pandas, DuckDB and Spark: every table of
the analysis, to the bit, on the bundled sample, the CDNOW orders and a messy
Arabic/Persian export; the Customers sheet's limit and the full table beside the workbook."""

import sqlite3
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from order_tables import (
    DATA,
    refunded_order_and_its_refund_row,
    woocommerce_with_refund_rows,
    zid_refunds,
)
from services import spark_or_skip

from retention_xl.engines.customer_limit import kept_customers, write_customer_table
from retention_xl.engines.run import customers_path, report_source
from retention_xl.errors import DataError, EngineOutOfMemory, InvalidValue
from retention_xl.labels import label, labels_for
from retention_xl.options import ReportOptions
from retention_xl.sample import generate_orders, sample_path


def cdnow_frame() -> pd.DataFrame:
    """The CDNOW sample (Fader & Hardie's 1/10th sample of the CDNOW customers), as an export."""
    raw = pd.read_csv(DATA / "cdnow_sample_transactions.txt", sep=r"\s+", header=None, dtype=str,
                      names=["Customer ID", "Sample ID", "Order date", "CDs", "Amount"])
    return raw[["Customer ID", "Order date", "Amount"]]


def messy_export() -> pd.DataFrame:
    """A shop export in Persian and Arabic: Jalali and Gregorian dates in Persian and
    Arabic-Indic digits, day/month text dates, currency marks, refunds in parentheses, blank
    and unreadable rows, N/A customers, exact duplicates, ids spelled two ways."""
    rng = np.random.default_rng(7)
    n = 900
    ids = rng.integers(1, 120, n)
    to_persian = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    to_arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    customer = [f"C{i}".translate(to_persian if k % 3 == 0 else to_arabic if k % 3 == 1 else {}) for k, i in enumerate(ids)]
    days = pd.Timestamp("2023-03-21") + pd.to_timedelta(rng.integers(0, 700, n), unit="D")
    dates = []
    for k, d in enumerate(days):
        if k % 4 == 0:
            import jdatetime

            dates.append(jdatetime.date.fromgregorian(date=d.date()).strftime("%Y/%m/%d").translate(to_persian))
        elif k % 4 == 1:
            dates.append(f"{d:%d/%m/%Y}")
        elif k % 4 == 2:
            dates.append(f"{d:%Y-%m-%d}".translate(to_arabic))
        else:
            dates.append(f"{d:%Y-%m-%d}")
    amounts = np.round(rng.gamma(2, 400_000, n), -3)
    total = []
    for k, a in enumerate(amounts):
        text = f"{int(a):,}"
        if k % 17 == 0:
            total.append(f"({text})")
        elif k % 5 == 0:
            total.append(f"{text} ریال".translate(to_persian))
        else:
            total.append(text.translate(to_arabic) if k % 5 == 1 else text)
    frame = pd.DataFrame({"کد مشتری": customer, "تاریخ سفارش": dates, "مبلغ": total, "کانال": rng.choice(["وب", "فروشگاه"], n)})
    frame.loc[[10, 400], :] = ""
    frame.loc[[20, 500], "کد مشتری"] = "N/A"
    frame.loc[[30, 600], "تاریخ سفارش"] = "فردا"
    frame = pd.concat([frame, frame.iloc[[50, 700]]], ignore_index=True)  # duplicates far from their first rows
    return frame


def invoice_lines() -> pd.DataFrame:
    """UCI Online Retail's invoice-line layout (test data made here): several lines per
    invoice, quantity x unit price, credit notes numbered C... with negative quantities."""
    from retail_like import retail_invoices

    invoices = retail_invoices(400, seed=5)
    rng = np.random.default_rng(5)
    lines = rng.integers(1, 4, len(invoices))
    rows = invoices.loc[invoices.index.repeat(lines)].reset_index(drop=True)
    quantity = rng.integers(1, 6, len(rows))
    credit = rows["Total"].to_numpy() < 0
    price = np.round(np.abs(rows["Total"].to_numpy()) / np.repeat(lines, lines) / quantity, 2)
    return pd.DataFrame({
        "InvoiceNo": rows["InvoiceNo"].astype(str),  # credit notes are already numbered C...
        "StockCode": [f"SKU{k}" for k in rng.integers(100, 999, len(rows))],
        "Quantity": np.where(credit, -quantity, quantity).astype(str),
        "InvoiceDate": pd.to_datetime(rows["InvoiceDate"]).dt.strftime("%m/%d/%Y %H:%M"),
        "UnitPrice": price.astype(str),
        "CustomerID": rows["CustomerID"].astype(str),
        "Country": "United Kingdom",
    })


def shopify_export() -> pd.DataFrame:
    """Shopify's "Export orders" layout, 40 copies of the fixture of the export tests (order
    names, e-mails and dates moved for each copy): lines after an order's first, totals on the
    first line only, refunds in 'Refunded Amount', voided/pending/refunded statuses, blank
    e-mails with a billing name, e-mails differing in case."""
    base = pd.read_csv(DATA / "shopify_orders_export.csv", dtype=str, keep_default_na=False)
    copies = []
    for k in range(40):
        part = base.copy()
        part["Name"] = part["Name"].str.replace("#1", f"#{k + 1}", regex=False)
        part["Email"] = part["Email"].str.replace("@", f"+{k % 7}@", regex=False)
        for column in ("Paid at", "Created at", "Cancelled at"):
            when = pd.to_datetime(part[column].str[:19], errors="coerce") + pd.Timedelta(days=9 * k)
            part[column] = when.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("") + np.where(when.notna(), " +0100", "")
        copies.append(part)
    return pd.concat(copies, ignore_index=True)


def shopify_usd_eur_sar() -> pd.DataFrame:
    """The Shopify export above in three currencies: every third copy's orders in EUR (written
    "eur"), every fifth's in SAR (written "ر.س"), one order with lines in two currencies and
    one with no currency: USD, the currency of most orders, is kept over the whole table."""
    frame = shopify_export()
    copy = frame["Name"].str[1:-3].astype(int)
    written = frame["Currency"] != ""
    frame.loc[written & (copy % 3 == 0), "Currency"] = "eur"
    frame.loc[written & (copy % 5 == 0), "Currency"] = "ر.س"
    frame.loc[frame["Name"] == "#2007", "Currency"] = ["USD", "EUR", "EUR"]  # lines in two currencies
    frame.loc[frame["Name"] == "#2005", "Currency"] = ""  # no currency: unknown in a table of several
    return frame


def persian_customers() -> pd.DataFrame:
    """Customers known by name or mobile number, typed on Arabic and Persian keyboards (ي/ی,
    ك/ک, digits ۰-۹ or 0-9) and with or without spaces and dashes; some rows skipped (no amount)."""
    rng = np.random.default_rng(11)
    n = 600
    names = [f"{a} {b}" for a in ("علی", "کاوه", "یاسمن", "کیان", "مریم") for b in ("کریمی", "یزدی", "رضایی", "کاظمی")]
    phones = [f"0912{k:07d}" for k in rng.integers(0, 10_000_000, 20)]
    to_arabic = str.maketrans({"ی": "ي", "ک": "ك"})
    persian_digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
    customer = []
    for k, c in enumerate(rng.choice(names + phones, n)):
        if c.startswith("0912"):
            c = [c, f"{c[:4]} {c[4:7]} {c[7:]}", f"{c[:4]}-{c[4:7]}-{c[7:]}"][k % 3]
            c = c.translate(persian_digits) if k % 5 else c  # most typed in Persian digits
        else:
            c = c.translate(to_arabic) if k % 2 else c
        customer.append(c)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 500, n), unit="D")
    amounts = [f"{a:.2f}" if k % 37 else "" for k, a in enumerate(rng.gamma(2, 30, n))]
    return pd.DataFrame({"مشتری": customer, "تاریخ": [f"{d:%Y-%m-%d}" for d in days], "مبلغ": amounts})


DATASETS = {
    "persian_customers": persian_customers,
    "shopify": shopify_export,
    "shopify_currencies": shopify_usd_eur_sar,
    "magento": lambda: pd.read_csv(DATA / "magento_order_grid_export.csv", dtype=str, keep_default_na=False),
    "invoice_lines": invoice_lines,
    "sample": lambda: pd.read_csv(sample_path(), dtype=str, keep_default_na=False),
    "cdnow": cdnow_frame,
    "messy": messy_export,
}


def _run(frame: pd.DataFrame, engine: str, tmp: Path, spark=None, limit=100_000, **options):
    source = tmp / f"in-{engine}.parquet"
    frame.to_parquet(source)
    # small batches: every dataset is cleaned in several batches by DuckDB and Spark
    return report_source(source, tmp / f"{engine}.xlsx", ReportOptions(engine=engine, customers_limit=limit, **options),
                         batch_rows=max(len(frame) // 3, 50), spark=spark, force=True)


def assert_same_analysis(a, b, rows_left_out: bool = True):
    """Every table of two analyses equal to the bit (money is summed exactly on every engine);
    with ``rows_left_out``, the same rows left out and the same notes too."""
    pd.testing.assert_frame_equal(a.kpis, b.kpis, check_dtype=False, check_exact=True)
    for name in ("customers", "retention", "revenue", "orders"):
        pd.testing.assert_frame_equal(getattr(a.cohorts, name), getattr(b.cohorts, name), check_exact=True)
    pd.testing.assert_series_equal(a.cohorts.size, b.cohorts.size)
    pd.testing.assert_frame_equal(a.segments, b.segments, check_dtype=False, check_exact=True)
    pd.testing.assert_frame_equal(a.customers, b.customers, check_dtype=False, check_exact=True)
    for key, value in a.headline.items():
        assert b.headline[key] == value or (value != value and b.headline[key] != b.headline[key]), key
    assert a.prediction.params_text == b.prediction.params_text
    ca, cb = a.prediction.choice, b.prediction.choice
    assert (ca.model, ca.rule, ca.holdout_length) == (cb.model, cb.rule, cb.holdout_length)
    for x, y in zip(ca.candidates, cb.candidates, strict=True):  # the same fits on the same calibration data
        assert (x.model, x.limit, x.params) == (y.model, y.limit, y.params)
        assert y.log_likelihood == pytest.approx(x.log_likelihood, rel=0, abs=0, nan_ok=True)
        assert y.holdout_rmse == pytest.approx(x.holdout_rmse, rel=0, abs=0, nan_ok=True)
    for name in ("customers", "plan", "calendar", "counts"):
        pd.testing.assert_frame_equal(getattr(a.contacts, name), getattr(b.contacts, name), check_dtype=False,
                                      check_exact=True)
    if not rows_left_out:
        return
    issues = ["row", "column", "value", "problem", "detail", "action", "lines", "amount"]
    pd.testing.assert_frame_equal(a.orders.issues[issues].reset_index(drop=True),
                                  b.orders.issues[issues].reset_index(drop=True))
    assert _notices(a.orders.notices) == _notices(b.orders.notices)
    assert a.orders.n_input_rows == b.orders.n_input_rows


def _notices(notices) -> set:
    """Notices as comparable values: sums of money to the cent (batches add in another order)."""
    def value(v):
        if isinstance(v, tuple):  # a tally: (currency, orders, value) ...
            return tuple(value(x) for x in v)
        return round(v, 2) if isinstance(v, float) else v

    return {(n.code, tuple(sorted((k, value(v)) for k, v in n.values.items()))) for n in notices}


@pytest.fixture(scope="module")
def spark():
    return spark_or_skip()


# the quick loop keeps the messy export (cleaning); the others are over a second each (CI runs them)
@pytest.mark.parametrize("name", [pytest.param(name, marks=[] if name == "messy" else [pytest.mark.slow])
                                  for name in sorted(DATASETS)])
def test_duckdb_gives_the_pandas_report(name, tmp_path):
    frame = DATASETS[name]()
    reference = _run(frame, "pandas", tmp_path)
    run = _run(frame, "duckdb", tmp_path)
    assert (reference.engine, run.engine) == ("pandas", "duckdb")
    assert_same_analysis(reference.analysis, run.analysis)
    # the Summary's rows read, used and skipped (orders left out for their status included)
    assert (run.orders.n_input_rows, run.orders.skipped_rows) == (reference.orders.n_input_rows,
                                                                  reference.orders.skipped_rows)
    # the customers shown in the letters most of their cells were typed in, counted over every batch
    assert run.orders.customer_typing == reference.orders.customer_typing
    assert run.report.table("Customers").frame["customer"].equals(reference.report.table("Customers").frame["customer"])


@pytest.mark.services
@pytest.mark.slow  # a local Spark session: 10-20 s a data set
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_spark_gives_the_pandas_report(name, tmp_path, spark):
    frame = DATASETS[name]()
    reference = _run(frame, "pandas", tmp_path)
    run = _run(frame, "spark", tmp_path, spark=spark)
    assert run.engine == "spark"
    assert_same_analysis(reference.analysis, run.analysis)
    assert run.orders.customer_typing == reference.orders.customer_typing


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_the_messy_export_is_really_messy(tmp_path):
    """The messy export exercises the cleaning: skipped rows of every kind, converted calendars."""
    run = _run(messy_export(), "duckdb", tmp_path)
    problems = set(run.orders.issues["problem"])
    assert {"blank_row", "missing_customer", "not_a_date", "possible_duplicate"} <= problems
    codes = {n.code for n in run.orders.notices}
    assert {"date_jalali", "digits", "customer_ids_merged", "date_order"} <= codes
    # the two duplicates are in another batch than the rows they repeat: found by the engine
    dup = run.orders.issues[run.orders.issues["problem"] == "possible_duplicate"]
    assert dup["row"].tolist() == [901, 902] and dup["detail"].tolist() == ["51", "701"]  # Parquet rows from 1
    assert set(dup["action"]) == {"kept"}  # identical rows can be real orders: kept and listed


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_period_and_window_options_reach_the_engines(tmp_path):
    frame = cdnow_frame()
    for period, window in (("Q", 200), ("W", 30), ("Y", None)):
        a = _run(frame, "pandas", tmp_path, period=period, window_days=window).analysis
        b = _run(frame, "duckdb", tmp_path, period=period, window_days=window).analysis
        assert_same_analysis(a, b)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_customers_past_the_limit_are_cut_the_same_way_and_written_beside(tmp_path):
    frame = DATASETS["sample"]()
    a = _run(frame, "pandas", tmp_path, limit=300)
    b = _run(frame, "duckdb", tmp_path, limit=300)
    assert a.n_customers == b.n_customers == 1500
    assert len(a.analysis.customers) == len(b.analysis.customers) <= 300
    assert_same_analysis(a.analysis, b.analysis)
    # the sheet keeps the top at-risk customers (half the limit) and the most valuable overall
    # headed as the Customers sheet is (an English report here)
    full = pd.read_parquet(b.customers_file).set_index("Customer")
    assert b.customers_file == customers_path(tmp_path / "duckdb.xlsx") and len(full) == 1500
    kept = b.analysis.customers
    coded = full.rename(columns={"Net revenue": "revenue", "At risk": "at_risk"})
    assert kept.index.tolist() == kept_customers(coded, 300).index.tolist()
    top = coded.sort_values("revenue", ascending=False).index[:150]
    assert set(top) <= set(kept.index)
    at_risk = coded[coded["at_risk"]].sort_values("revenue", ascending=False).index[:150]
    assert set(at_risk) <= set(kept.index)
    pandas_full = pd.read_parquet(a.customers_file).set_index("Customer").sort_index()
    pd.testing.assert_frame_equal(pandas_full, full.sort_index()[pandas_full.columns], check_dtype=False,
                                  check_exact=True)
    # the Summary sheet names the file and the engine
    summary = b.report.sheets[0].blocks[-1].lines
    assert summary[0] == "Computed by DuckDB (embedded, out of core)."
    assert "duckdb-customers.parquet" in summary[1] and "300" not in summary[1].split("shows")[0]


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_the_full_customer_table_speaks_the_language_of_the_report(tmp_path, lang):
    # the Customers sheet keeps at most 4 of 20 customers; the table beside it has every customer,
    # under the sheet's own headings and with the sheet's segment names, not column codes
    days = pd.date_range("2024-01-01", periods=60, freq="5D")
    frame = pd.DataFrame({"customer": [f"c{i % 20}" for i in range(60)], "date": days,
                          "amount": [10.0 + i for i in range(60)]})
    for engine in ("pandas", "duckdb"):
        run = _run(frame, engine, tmp_path, limit=4, lang=lang)
        full = pd.read_parquet(run.customers_file)
        sheet = openpyxl.load_workbook(run.path)[label(lang, "sheet.segments")]
        table = sheet.tables["Customers"]
        rows = list(sheet[table.ref])
        assert full.columns.tolist() == [c.value for c in rows[0]]
        kept = len(run.analysis.customers)
        assert len(full) == 20 and len(rows) == 1 + kept and kept <= 4
        words = {v for k, v in labels_for(lang).items() if k.startswith("seg.")}
        assert set(full[label(lang, "col.segment")]) <= words
        shown = {r[0].value: r[10].value for r in rows[1:]}  # each kept customer's segment, as the sheet says
        assert full.set_index(label(lang, "col.customer")).loc[list(shown), label(lang, "col.segment")].to_dict() == shown
        # the Summary sheet names the file beside the workbook, in the report's language
        note = openpyxl.load_workbook(run.path).worksheets[0]
        texts = [c.value for row in note.iter_rows() for c in row if isinstance(c.value, str)]
        named = [t for t in texts if run.customers_file.name in t]
        assert named == [label(lang, "note.customers_file", shown=kept, total=20, file=run.customers_file.name)]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_report_states_its_engine_in_each_language(tmp_path):
    frame = DATASETS["cdnow"]()
    for lang, words in (("ar", "DuckDB"), ("fa", "DuckDB")):
        run = _run(frame, "duckdb", tmp_path, lang=lang)
        assert words in run.report.sheets[0].blocks[-1].lines[0]


def test_a_pandas_run_that_would_not_fit_stops_with_the_engine_that_would(tmp_path, monkeypatch):
    from retention_xl.engines import choice
    from retention_xl.errors import TooLargeForMemory

    frame = DATASETS["cdnow"]()
    frame.to_parquet(tmp_path / "cdnow.parquet")
    monkeypatch.setattr(choice, "available_memory", lambda: 100 * 2**20)  # 100 MiB free
    monkeypatch.setattr(choice, "PANDAS_BYTES_PER_ROW", 100_000)  # as if each row took 100 kB
    with pytest.raises(TooLargeForMemory, match=r"^6,919 rows need about 0.6 GiB in memory with the pandas engine; "
                                                r"0.1 GiB are available$") as caught:
        report_source(tmp_path / "cdnow.parquet", tmp_path / "r.xlsx", ReportOptions(engine="pandas"))
    assert caught.value.engine == "duckdb" and not (tmp_path / "r.xlsx").exists()


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("output, message", [("missing/report.xlsx", "does not exist"),
                                              ("report.xls", "name the output like report.xlsx")])
def test_an_output_that_cannot_be_written_is_refused_before_any_row_is_read(tmp_path, output, message):
    """A report on millions of rows must not end in "folder does not exist": the output is
    checked before the work begins."""
    seen = []
    with pytest.raises(DataError, match=message):
        report_source(sample_path(), tmp_path / output, ReportOptions(engine="duckdb"), progress=seen.append)
    assert seen == [] and not list(tmp_path.iterdir())


@pytest.mark.parametrize("filters", [{"query": "SELECT * FROM orders WHERE amount > 100"}, {"table": "orders_2024"}],
                         ids=["query", "table"])
def test_a_query_or_table_given_with_a_file_is_refused_not_ignored(tmp_path, filters):
    # the whole file was reported as if the query had filtered it (a Parquet folder refused it already)
    (name, _), = filters.items()
    with pytest.raises(InvalidValue, match=rf"^{name} is for databases and Spark tables; 'sample_orders.csv' is a "
                                           r"file, read whole$") as caught:
        report_source(sample_path(), tmp_path / "r.xlsx", **filters)
    assert caught.value.option == name and not (tmp_path / "r.xlsx").exists()


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_every_engine_reports_its_stages(tmp_path):
    frame = DATASETS["cdnow"]()
    frame.to_parquet(tmp_path / "cdnow.parquet")
    for engine, expected in (("pandas", ["Reading orders", "Cleaning orders", "Analysing", "Laying out the report",
                                         "Writing the workbook"]),
                             ("duckdb", ["Reading orders", "Deciding the date order", "Cleaning orders: rows 1 to 3,000",
                                         "Aggregating: orders per customer and day", "Aggregating: period KPIs",
                                         "Fitting the purchase and spend models", "Writing the workbook"])):
        seen = []
        report_source(tmp_path / "cdnow.parquet", tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine),
                      progress=seen.append, batch_rows=3000)
        assert [s for s in seen if s in expected] == expected, engine


def test_a_replaced_report_leaves_no_full_customer_table_of_the_report_it_replaced(tmp_path):
    """A report of 3 customers kept 1 on its sheet and wrote all 3 beside it; run again with
    --force and room for all of them on the sheet, the old table stayed beside the new
    workbook, three customers of another run under the new report's name."""
    frame = pd.DataFrame({"Customer": ["a", "b", "c", "a"], "Date": ["2024-01-05", "2024-01-09", "2024-02-01",
                                                                     "2024-03-01"],
                          "Amount": [10.0, 20.0, 30.0, 40.0]})
    first = _run(frame, "pandas", tmp_path, limit=1)
    assert first.customers_file is not None and first.customers_file.exists()
    again = _run(frame.iloc[:3], "pandas", tmp_path)
    assert again.customers_file is None and len(again.analysis.customers) == 3
    assert not first.customers_file.exists()
    assert (tmp_path / "pandas.xlsx").exists()


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_the_digits_notice_names_the_refund_column_in_every_engine(tmp_path):
    frame = pd.DataFrame({"العميل": ["أحمد", "سارة", "أحمد"], "التاريخ": ["٢٠٢٤/٠١/١٠", "٢٠٢٤/٠١/١٥", "٢٠٢٤/٠٣/٢٠"],
                          "المبلغ": ["١٢٠٠", "٣٠٠", "٧٥٠"], "المسترد": ["", "١٠٠", "٥٠"]})
    for engine in ("pandas", "duckdb"):
        run = _run(frame, engine, tmp_path)
        assert [n.values["columns"] for n in run.orders.notices if n.code == "digits"] == [
            ("التاريخ", "المبلغ", "المسترد")], engine


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_a_line_repeated_within_an_order_is_listed_by_every_engine(tmp_path):
    """Order 1004's two identical lines: the pandas report listed the second as a possible
    duplicate (kept, 200.00) and said so in a notice; DuckDB, looking for repeats among
    whole orders only, listed nothing."""
    frame = pd.DataFrame({"Order ID": ["1001", "1001", "1004", "1004", "1007", "1008"],
                          "Customer": ["a@x.com", "a@x.com", "a@x.com", "a@x.com", "d@x.com", "e@x.com"],
                          "Order Date": ["2024-01-05", "2024-01-05", "2024-02-14", "2024-02-14", "2024-03-11",
                                         "2024-03-15"],
                          "Product": ["Widget", "Gadget", "Widget", "Widget", "Widget", "Widget"],
                          "Qty": [2, 1, 1, 1, 2, 1], "Unit Price": [1250.0, 500.0, 200.0, 200.0, 40.0, 1000.5]})
    for engine in ("pandas", "duckdb"):
        run = _run(frame, engine, tmp_path)
        dup = run.orders.issues[run.orders.issues["problem"] == "possible_duplicate"]
        # Parquet rows from 1: the repeated line is row 4, the line it repeats row 3
        assert dup[["row", "detail", "action", "amount"]].values.tolist() == [[4, "3", "kept", 200.0]], engine
        notice = [n.values for n in run.orders.notices if n.code == "possible_duplicates"]
        assert notice == [{"count": 1, "value": 200.0}], engine


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_an_order_id_found_again_in_a_later_batch_is_one_order_with_its_refund(tmp_path):
    """The sample's refunds name the order they refund, days later and hundreds of rows
    further down: DuckDB, cleaning in slices, counted each refund as an order of its own
    and said how many ids came back; now the order and its refund are one order, as pandas
    has them, every issue and note alike."""
    frame = DATASETS["sample"]()
    ids = frame["order_id"]
    far = ids[ids.duplicated(keep=False)].unique()
    assert len(far) > 10  # the sample does have them
    reference = _run(frame, "pandas", tmp_path)
    run = _run(frame, "duckdb", tmp_path)
    assert run.analysis.headline["orders"] == reference.analysis.headline["orders"]
    assert_same_analysis(reference.analysis, run.analysis)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_an_order_id_found_again_as_a_decimal_in_a_later_batch_is_one_order(tmp_path):
    """A SQLite table whose order ids are whole numbers, and one 7.0 stored as a decimal
    further down: the batches differ in type (whole numbers, then decimals), and 7 and 7.0
    are one id, one order (its refund of 10.00 leaves it at 0), as pandas has it."""
    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE orders (order_id, customer TEXT, order_date TEXT, amount REAL)")
        con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)",
                        [(i, f"c{i % 9}", f"2024-01-{1 + i % 28:02d}", 10.0) for i in range(1, 41)]
                        + [(7.0, "c7", "2024-03-01", -10.0), (41, "c2", "2024-03-02", 5.0)])
    runs = {engine: report_source(db, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine), table="orders",
                                  batch_rows=40) for engine in ("pandas", "duckdb")}
    for engine, run in runs.items():
        assert run.analysis.headline["orders"] == 41 and run.analysis.headline["revenue"] == 395.0, engine
        assert run.analysis.customers.loc["c7", "revenue"] == 30.0, engine  # orders 7 (10 - 10), 16, 25, 34
    assert_same_analysis(runs["pandas"].analysis, runs["duckdb"].analysis)


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_workbook_without_the_columns_is_refused_on_its_header(engine, tmp_path, monkeypatch):
    """The command line's path checks a sheet's header before reading the whole file, on
    every engine, as report_file does (a 20 MB export is refused in a moment)."""
    from retention_xl.engines import run
    from retention_xl.errors import MissingColumns

    checks = []
    real = run.read_table

    def spy(*args, check=None, **kwargs):
        checks.append(check)
        return real(*args, check=check, **kwargs)

    monkeypatch.setattr(run, "read_table", spy)
    path = tmp_path / "export.xlsx"
    pd.DataFrame({"Product": ["mug"], "Colour": ["blue"]}).to_excel(path, index=False)
    with pytest.raises(MissingColumns):
        report_source(path, tmp_path / "out.xlsx", ReportOptions(engine=engine))
    assert checks and checks[0] is not None


def test_a_customer_with_no_segment_is_written_with_none_not_the_text_nan(tmp_path):
    customers = pd.DataFrame({"segment": pd.Categorical(["Lost", None])}, index=pd.Index(["a", "b"], name="customer"))
    with open(tmp_path / "full.parquet", "wb") as f:
        write_customer_table(customers, f)
    assert pq.read_table(tmp_path / "full.parquet")["segment"].to_pylist() == ["Lost", None]


def test_the_full_customer_table_written_in_slices_is_the_table(tmp_path):
    customers = pd.DataFrame({
        "revenue": [5.0, 50.0, 1.0, 20.0, 20.0],
        "orders": [1, 3, 1, 2, 2],
        "at_risk": [True, False, True, False, True],
        "segment": pd.Categorical(["Champions", "Lost", "Champions", "At risk", "Lost"]),
        "first_order": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"]),
    }, index=pd.Index(["a", "ب", "۳", "b", "A"], name="customer"))
    path = tmp_path / "full.parquet"
    with open(path, "wb") as f:
        write_customer_table(customers, f, slice_rows=2)
    back = pd.read_parquet(path)
    assert back.columns.tolist() == ["customer", *customers.columns]
    assert back["customer"].tolist() == customers.index.tolist()
    assert back["segment"].tolist() == customers["segment"].astype(str).tolist()
    assert back["revenue"].tolist() == customers["revenue"].tolist()
    assert (back["first_order"] == customers["first_order"].to_numpy()).all()
    # a dictionary of values for the columns of few values (counts, segments), none
    # for money and dates, where nearly every value differs
    chunks = pq.ParquetFile(path).metadata.row_group(0)
    coded = {chunks.column(i).path_in_schema for i in range(chunks.num_columns)
             if "RLE_DICTIONARY" in chunks.column(i).encodings}
    assert coded == {"orders", "segment"}
    # ties in revenue go by id, in the order Python compares text (code points)
    assert kept_customers(customers, 4).index.tolist() == ["ب", "A", "a"]  # "A" before "b" at 20.0
    assert sorted(["ب", "۳", "b", "A"]) == ["A", "b", "ب", "۳"]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_money_sums_do_not_depend_on_the_order_of_the_rows(tmp_path):
    # a sum of doubles changes in its last bits with the order it is taken in (DuckDB's
    # threads take it in any order): the engines sum money exactly, so the same orders
    # in another row order give the same revenue to the bit, and the same thresholds
    rng = np.random.default_rng(7)
    n = 3000
    frame = pd.DataFrame({
        "order_id": [f"O{i}" for i in range(n)],
        "customer_id": [f"C{i % 40}" for i in range(n)],
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
        "amount": rng.choice([0.1, 0.2, 0.7, 1234567.89, 3.3, -0.3], n),
    })
    shuffled = frame.sample(frac=1.0, random_state=3).reset_index(drop=True)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = _run(frame, "duckdb", tmp_path / "a").analysis
    b = _run(shuffled, "duckdb", tmp_path / "b").analysis
    ra = a.customers["revenue"].sort_index().to_numpy()
    rb = b.customers["revenue"].sort_index().to_numpy()
    assert ra.tobytes() == rb.tobytes()
    assert a.headline["revenue"] == b.headline["revenue"]
    assert a.kpis["revenue"].tolist() == b.kpis["revenue"].sort_index().tolist()


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.services)])
def test_every_engine_gives_the_same_money_to_the_bit(engine, tmp_path, request):
    # pandas summed doubles and the SQL engines decimals: a revenue of 219.79 was 219.79000000000002
    # in one and 219.79 in the other, so two customers of equal spend differed in pandas
    # and a spend score at that value (the "m" of RFM) fell differently in one customer
    # of 101,457 (bench_engines.py's 1,000,000 lines). Both now sum money exactly.
    rng = np.random.default_rng(11)
    orders = generate_orders(800, seed=21)
    price = rng.choice([0.1, 0.2, 0.3, 4.35, 9.99, 12.07, 19.9, 41.1, 41.2, 41.3], len(orders))
    orders["amount"] = price * rng.integers(1, 4, len(orders))  # line totals as a shop computes them
    orders.loc[rng.random(len(orders)) < 0.05, "amount"] *= -1
    (tmp_path / "p").mkdir()
    (tmp_path / "d").mkdir()
    a = _run(orders, "pandas", tmp_path / "p").analysis
    spark = request.getfixturevalue("spark") if engine == "spark" else None
    b = _run(orders, engine, tmp_path / "d", spark=spark).analysis
    assert a.prediction.available and b.prediction.available
    pd.testing.assert_frame_equal(a.customers, b.customers, check_dtype=False, check_exact=True)
    pd.testing.assert_frame_equal(a.kpis, b.kpis, check_dtype=False, check_exact=True)
    pd.testing.assert_frame_equal(a.cohorts.revenue, b.cohorts.revenue, check_exact=True)
    assert a.headline["revenue"] == b.headline["revenue"] and a.headline["aov"] == b.headline["aov"]
    pd.testing.assert_frame_equal(a.contacts.customers, b.contacts.customers, check_dtype=False, check_exact=True)


def test_a_parquet_decimal_money_column_is_read_by_every_engine(tmp_path):
    # pyarrow turns decimal128 into Python Decimals; they were "not a number" on every row
    import decimal

    import pyarrow as pa

    table = pa.table({"Customer": ["a", "b", "a", "c"],
                      "Date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-10"]),
                      "Amount": pa.array([decimal.Decimal(v) for v in ("10.00", "20.50", "-2.25", "7.10")],
                                         pa.decimal128(12, 2))})
    pq.write_table(table, tmp_path / "orders.parquet")
    for engine in ("pandas", "duckdb"):
        run = report_source(tmp_path / "orders.parquet", tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine))
        headline = run.analysis.headline
        assert (headline["customers"], headline["orders"], headline["revenue"]) == (3, 3, 35.35), engine


def test_duckdb_closes_before_the_last_result_is_read_in_and_leaves_no_file(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    from retention_xl.engines.duckdb_engine import DuckDBEngine

    for folder in (None, tmp_path):
        engine = DuckDBEngine(memory_limit="1GB", temp_directory=None if folder is None else str(folder))
        spill = engine._spill.name if folder is None else None
        engine.con.execute("CREATE TEMP TABLE t AS SELECT range AS v, 'c' || range AS id FROM range(1000)")
        rows = engine.fetch_and_close("SELECT v, id FROM t ORDER BY v DESC", "the rows")
        assert rows["v"].tolist() == list(range(999, -1, -1))
        assert rows["id"].iloc[0] == "c999" and rows["id"].dtype.storage == "pyarrow"  # Arrow-backed text
        with pytest.raises(duckdb.ConnectionException):
            engine.con.execute("SELECT 1")
        assert list(tmp_path.iterdir()) == [] and (spill is None or not Path(spill).exists())
        engine.close()  # again: nothing to do


def test_duckdb_gives_half_its_memory_to_the_per_customer_half_once_its_tables_are_built():
    pytest.importorskip("duckdb")
    from retention_xl.engines.choice import parse_memory
    from retention_xl.engines.duckdb_engine import DuckDBEngine

    engine = DuckDBEngine(memory_limit="1GB")
    engine.con.execute("CREATE TEMP TABLE t AS SELECT range AS v FROM range(1000)")
    engine.shrink()
    rows = engine.fetch_and_close("SELECT current_setting('memory_limit') AS m, SUM(v) AS s FROM t")
    assert parse_memory(rows["m"].iloc[0]) == 476 * 2**20  # half of 1GB (953 MiB)
    assert rows["s"].tolist() == [499500]  # still answers


def test_duckdb_names_the_step_that_ran_out_of_memory_in_the_last_result():
    pytest.importorskip("duckdb")
    from retention_xl.engines.duckdb_engine import DuckDBEngine

    engine = DuckDBEngine(memory_limit="128MiB", threads=1)
    engine.shrink()
    try:
        with pytest.raises(EngineOutOfMemory) as error:
            engine.fetch_and_close("SELECT range % 7 AS a, list(range) AS b FROM range(20000000) GROUP BY a",
                                   "the customer rows")
    finally:
        engine.close()
    assert str(error.value) == ("DuckDB needed more than half its memory limit of 128MiB (what it keeps once its "
                                "tables are built) to compute the customer rows")
    assert error.value.limit == "128MiB" and error.value.step == "the customer rows"


@given(st.lists(st.tuples(st.sampled_from([0.0, 1.5, 20.0, 99.0, -3.0]), st.booleans()), min_size=1, max_size=40),
       st.integers(1, 45))
def test_the_kept_customers_follow_the_rule_of_the_sheet(rows, limit):
    customers = pd.DataFrame({"revenue": [r for r, _ in rows], "at_risk": [a for _, a in rows]},
                             index=pd.Index([f"c{i:02d}" for i in range(len(rows))], name="customer"))
    kept = kept_customers(customers, limit).index.tolist()
    if len(rows) <= limit:
        assert kept == customers.index.tolist()  # all, in order of first appearance
        return
    ranked = sorted(customers.index, key=lambda c: (-customers.loc[c, "revenue"], c))
    risky = [c for c in ranked if customers.loc[c, "at_risk"]][: limit // 2]
    chosen = set(ranked[: limit - limit // 2]) | set(risky)
    assert kept == [c for c in ranked if c in chosen]


@given(st.lists(st.sampled_from(["C1", " C1", "c1 ", "C\u200b1", "۱۲", "12", "Ann@X.com", "ann@x.com", "", "  ",
                                 "A  B", "x y", "١٢"]) | st.none(), min_size=1, max_size=30))
def test_a_batchs_spellings_from_the_cleanings_distinct_values_are_the_same(cells):
    """The staged spellings and e-mails of a text column, taken from the distinct values the
    batch already found, are those found from the column afresh."""
    from retention_xl.analysis.column_values import (
        ColumnValues,
        clean_ids,
        email_spellings,
    )
    from retention_xl.engines.batch_notices import Spellings

    values = pd.Series(cells, dtype="str")
    distinct = ColumnValues.of(values)
    ids = clean_ids(distinct)
    shared, fresh = Spellings.of(values, distinct, ids[0]), Spellings.of(values)
    assert sorted(zip(shared.raw, shared.ids)) == sorted(zip(fresh.raw, fresh.ids))
    pd.testing.assert_frame_equal(email_spellings(distinct, ids), email_spellings(ColumnValues.of(values)))


def _sql_half(orders: pd.DataFrame, window: int):
    """The SQL engine's order-level half on ``orders`` (``customer, date, amount``, one row
    per clean order, in input order): period KPIs, cohorts, headline, customer rows and gaps."""
    from retention_xl.engines import definitions as sql
    from retention_xl.engines import sql_analysis
    from retention_xl.engines.duckdb_engine import DuckDBEngine

    t = orders["date"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    staged = pd.DataFrame({"row": np.arange(1, len(orders) + 1, dtype=np.int64), "customer": orders["customer"],
                           "t": t, "day": (t // sql.DAY_NS).astype(np.int32), "amount": orders["amount"],
                           "key": np.arange(len(orders), dtype=np.int64), "plain": True})
    engine = DuckDBEngine(threads=2)
    try:
        engine.register("staged", staged)
        engine.create("orders", sql.ORDERS, view=True)
        last_day = sql_analysis.build_relations(engine, "M", window)
        kpis = sql_analysis._period_kpis(engine, "M", last_day)
        cohorts = sql_analysis._cohorts(engine, "M")
        headline = sql_analysis._headline(engine, kpis, window)
        summary, gaps = sql_analysis._customer_summary(engine, last_day)
    finally:
        engine.close()
    return kpis, cohorts, headline, summary, gaps


# customers, days whose differences are often exactly a window (31, 45 or 90 days: a spell
# goes on or breaks right at its edge), hours (several orders a day, ties in time), refunds;
# refund-only customers too
_DAYS = [0, 1, 31, 32, 45, 62, 90, 93, 124, 135, 180, 200]
_orders = st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D"]), st.sampled_from(_DAYS) | st.integers(0, 200),
                             st.sampled_from([0, 0, 9, 23]),
                             st.sampled_from([10.0, 25.5, 0.0, -5.0])), min_size=1, max_size=40)


@pytest.mark.slow  # DuckDB runs a dozen statements an example
@given(_orders, st.sampled_from([31, 45, 90]))
def test_the_sql_half_of_any_orders_is_the_pandas_one(rows, window):
    """Spells (activity across the window), cohorts, first rows, gaps and totals: the
    statements against the pandas definitions, on small tables built to hit their edges."""
    pytest.importorskip("duckdb")
    from retention_xl.analysis.cohorts import cohort_tables
    from retention_xl.analysis.customers import customer_summary
    from retention_xl.analysis.kpis import headline_kpis, period_kpis
    from retention_xl.analysis.segments import median_gaps

    orders = pd.DataFrame({"customer": [c for c, *_ in rows],
                           "date": [pd.Timestamp("2024-01-01") + pd.Timedelta(days=d, hours=h) for _, d, h, _ in rows],
                           "amount": [a for *_, a in rows]})
    if not (orders["amount"] >= 0).any():
        return  # no purchase: both engines refuse the table (tested with the reports)
    kpis, cohorts, headline, summary, gaps = _sql_half(orders, window)
    ordered = orders.sort_values("date", kind="stable").reset_index(drop=True)  # as the cleaning hands them over
    expected = period_kpis(ordered, "M", window)
    pd.testing.assert_frame_equal(kpis, expected, check_dtype=False)
    reference_cohorts = cohort_tables(ordered, "M")
    for name in ("customers", "retention", "revenue", "orders"):
        pd.testing.assert_frame_equal(getattr(cohorts, name), getattr(reference_cohorts, name), check_dtype=False)
    pd.testing.assert_series_equal(cohorts.size, reference_cohorts.size, check_dtype=False)
    for key, value in headline_kpis(ordered, expected, window).items():
        assert headline[key] == value or (pd.isna(value) and pd.isna(headline[key])), key
    reference = customer_summary(ordered)
    pd.testing.assert_index_equal(summary.index, reference.index.astype("str"))
    pd.testing.assert_frame_equal(summary.reset_index(drop=True), reference[summary.columns].reset_index(drop=True),
                                  check_dtype=False)
    pd.testing.assert_series_equal(gaps.reset_index(drop=True),
                                   median_gaps(ordered).reindex(reference.index).reset_index(drop=True),
                                   check_names=False, check_dtype=False)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_guessed_date_order_names_the_same_example_in_every_engine(tmp_path):
    """Day and month 12 or below everywhere: the order is a guess, and its notice's example is
    the date on most rows (ties by text), not the first a slice happened to read: 05/06/2024
    on 100 rows, 04/04/2024 on 99, 02/03/2024 and 03/02/2024 on 50 each, 01/01/2024 first."""
    n = 300
    dates = ["05/06/2024"] * 100 + ["02/03/2024", "03/02/2024"] * 50 + ["04/04/2024"] * 100
    dates[0], dates[-1] = "01/01/2024", "05/06/2024"  # still 100 rows of 05/06/2024
    frame = pd.DataFrame({"Customer": [f"c{i % 40}" for i in range(n)], "Date": dates,
                          "Total": [float(1 + i % 7) for i in range(n)]})
    for engine in ("pandas", "duckdb"):
        found = {m.code: dict(m.values) for m in _run(frame, engine, tmp_path).orders.notices}
        assert found["date_order"] == {"column": "Date", "dayfirst": True, "chosen": False, "dmy": 0, "mdy": 0,
                                       "total": n, "other": 0, "example": "05/06/2024", "read_as": "2024-06-05"}, engine


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_the_notices_examples_are_the_datas_in_every_engine(tmp_path):
    """Serial dates and e-mails written in two cases, cleaned by DuckDB in three slices: the
    notices count over the whole table and show the same example from the data as pandas'
    (the first serial of the column; the e-mail that sorts first, its first and last spelling)."""
    n = 300
    emails = [f"c{i % 40}@x.com" for i in range(n)]
    emails[10], emails[250] = "C7@X.com", "C3@x.com"  # c7@ in the first slice, c3@ in the last
    frame = pd.DataFrame({"Email": emails, "Date": [45300.0 + i % 90 for i in range(n)],
                          "Total": [float(1 + i % 7) for i in range(n)]})
    frame.loc[0, "Date"] = 45292.0
    runs = {engine: _run(frame, engine, tmp_path) for engine in ("pandas", "duckdb")}
    for engine, run in runs.items():
        found = {n.code: dict(n.values) for n in run.orders.notices}
        assert found["date_serials"] == {"column": "Date", "count": n, "serial": "45292", "gregorian": "2024-01-01"}, engine
        assert found["emails_casefolded"] == {"column": "Email", "count": 2, "spelling": "C3@x.com",
                                              "matched": "c3@x.com"}, engine


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_the_currency_kept_is_decided_over_the_whole_table_not_per_slice(tmp_path):
    # 300 one-line orders: the first 120 in EUR, then 180 in USD. A slice of 100 rows sees only
    # EUR; over the table USD has the most orders: USD is kept, 120 EUR orders (1 each) left out.
    n = 300
    frame = pd.DataFrame({"Customer": [f"c{i % 40}" for i in range(n)],
                          "Date": [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)],
                          "Total": ["1.25"] * n, "Currency": ["EUR"] * 120 + ["USD"] * 180})
    reference = _run(frame, "pandas", tmp_path)
    run = report_source(tmp_path / "in-pandas.parquet", tmp_path / "sliced.xlsx", ReportOptions(engine="duckdb"),
                        batch_rows=100, force=True)
    assert run.analysis.headline["orders"] == 180 and run.analysis.headline["revenue"] == 225.0
    assert run.orders.issues["detail"].tolist() == ["EUR"] * 120
    assert_same_analysis(reference.analysis, run.analysis)
    chosen = report_source(tmp_path / "in-pandas.parquet", tmp_path / "eur.xlsx",
                           ReportOptions(engine="duckdb", currency="eur"), batch_rows=100, force=True)
    assert chosen.analysis.headline["orders"] == 120 and chosen.analysis.headline["revenue"] == 150.0


def _in_batches(frame: pd.DataFrame, engine: str, batch: int, tmp_path, request) -> dict:
    """The report of ``frame`` (as a Parquet file) by pandas and by ``engine`` cleaning it
    ``batch`` rows at a time, by engine name."""
    source = tmp_path / "in.parquet"
    frame.to_parquet(source)
    spark = request.getfixturevalue("spark") if engine == "spark" else None
    return {name: report_source(source, tmp_path / f"{name}.xlsx", ReportOptions(engine=name), batch_rows=batch,
                                spark=spark, force=True) for name in ("pandas", engine)}


def _hijri_or_jalali(kind: str) -> pd.DataFrame:
    """Dates whose first batch alone would be read as Jalali and the others as lunar Hijri:
    ``"marked"``, six unmarked 1403 dates, then six marked "هـ" in Arabic-Indic digits (the
    mark makes the whole column lunar); ``"future"``, four 1403 dates (this year or
    earlier as Jalali), then six 1446 dates (the future as Jalali: most of the column)."""
    to_arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    if kind == "marked":
        dates = [f"1403/02/{10 + k}" for k in range(6)] + [f"1403/05/{20 + k} هـ".translate(to_arabic) for k in range(6)]
    else:
        dates = [f"1403/02/{10 + k}" for k in range(4)] + [f"1446/01/0{1 + k}" for k in range(6)]
    n = len(dates)
    return pd.DataFrame({"Customer": [f"c{k % 3}" for k in range(n)], "Date": dates,
                         "Total": [str(10 + k) for k in range(n)]})


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=[pytest.mark.services, pytest.mark.slow])])
@pytest.mark.parametrize("kind, batch, first", [("marked", 6, "1982-11-25"), ("future", 4, "1982-11-25")])
def test_the_calendar_of_hijri_years_is_decided_once_for_the_whole_column(engine, kind, batch, first, tmp_path,
                                                                          request):
    """1403/02/10 is 2024-04-29 as a Jalali date and 1982-11-25 as a lunar Hijri one; the
    whole column is lunar (a "هـ" mark; most rows in the future as Jalali), so every batch
    reads it so, though its first batch alone would be Jalali."""
    frame = _hijri_or_jalali(kind)
    runs = _in_batches(frame, engine, batch, tmp_path, request)
    for name, run in runs.items():
        assert str(run.analysis.customers.loc["c0", "first_order"].date()) == first, name
        found = {n.code: dict(n.values) for n in run.orders.notices}
        assert "date_jalali" not in found and found["date_hijri"]["count"] == len(frame), name
        assert run.orders.issues.empty, name
    assert_same_analysis(runs["pandas"].analysis, runs[engine].analysis)


def _far_dates(kind: str) -> tuple[pd.DataFrame, int]:
    """Orders of 2023-2024 with a few typed in 1924, and the batch size that cleans them in
    slices that would decide otherwise on their own.

    ``"left_out"``: 600 orders, one in ten of two lines (660 rows), and 3 orders of two lines
    in 1924 before orders 420, 450 and 480, at input rows 463, 498 and 533 (numbered from 1:
    420 + 42 lines before, then 450 + 45 + 2, 480 + 48 + 4), all in the slice of rows 451-600:
    about 2% of that slice's orders, 0.5% of the table's (3 of 603): far. One order in ten
    is cancelled (its status), and not counted.
    ``"kept"``: 500 one-line orders and 6 in 1924, one in each of the first slices of 111
    rows (0.9% of such a slice: far on its own; 1.2% of the table: not far)."""
    n = 600 if kind == "left_out" else 500
    when = [str((pd.Timestamp("2023-01-01") + pd.Timedelta(days=k * 730 // n)).date()) for k in range(n)]
    status = ["cancelled" if k % 10 == 3 else "paid" for k in range(n)]
    if kind == "left_out":
        orders = [[(f"A{k}", f"c{k % 60}", when[k], amount, status[k])
                   for amount in ((f"{10 + k % 13}.25", "1") if k % 10 == 0 else (f"{10 + k % 13}.25",))]
                  for k in range(n)]
        for j, at in enumerate((420, 450, 480)):
            orders.insert(at + j, [(f"Z{j}", f"c{j}", f"1924-0{j + 1}-05", amount, "paid") for amount in ("7", "8")])
        rows = [row for order in orders for row in order]
        return pd.DataFrame(rows, columns=["Order", "Customer", "Date", "Amount", "Status"]), 150
    rows = [(f"A{k}", f"c{k % 60}", when[k], f"{10 + k % 13}.25", "paid") for k in range(n)]
    for j in range(6):
        rows.insert(50 + 101 * j, (f"Z{j}", f"c{j}", f"1924-0{j + 1}-05", "7", "paid"))
    return pd.DataFrame(rows, columns=["Order", "Customer", "Date", "Amount", "Status"]), 111


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=[pytest.mark.services, pytest.mark.slow])])
@pytest.mark.parametrize("kind", ["left_out", "kept"])
def test_dates_far_from_the_others_are_decided_over_the_whole_table(engine, kind, tmp_path, request):
    frame, batch = _far_dates(kind)
    runs = _in_batches(frame, engine, batch, tmp_path, request)
    for name, run in runs.items():
        issues = run.orders.issues
        far = issues[issues["problem"] == "far_date"]
        notices = {n.code: dict(n.values) for n in run.orders.notices}
        if kind == "left_out":
            assert far[["row", "detail", "lines", "amount"]].values.tolist() == [
                [463, "1924-01-05", 2, 15.0], [498, "1924-02-05", 2, 15.0], [533, "1924-03-05", 2, 15.0]], name
            assert notices["far_dates"] == {"column": "Date", "count": 3, "value": 45.0, "first_row": 463,
                                            "first_date": "1924-01-05"}, name
            assert run.analysis.headline["first_order"] == pd.Timestamp("2023-01-01"), name
            assert run.analysis.headline["orders"] == 540, name  # 600 less the 60 cancelled
        else:
            assert far.empty and "far_dates" not in notices, name
            assert run.analysis.headline["first_order"] == pd.Timestamp("1924-01-05"), name
    assert_same_analysis(runs["pandas"].analysis, runs[engine].analysis)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_amounts_no_order_reaches_are_skipped_alike_and_huge_totals_summed_alike(tmp_path):
    """An amount of 10^18 or more is skipped with its reason on every engine (DuckDB's
    DECIMAL cast stopped the run with a traceback at 10^29); customers whose orders add up
    past the int64 parts of pandas' exact sums get DuckDB's exact sums."""
    frame = generate_orders(300, seed=3)[["customer", "order_date", "amount"]].copy()
    frame.loc[5, "amount"] = 1e30
    frame.loc[6, "amount"] = -2e18
    rich = frame["customer"] == frame.loc[10, "customer"]
    frame.loc[rich, "amount"] = 9e17 + 0.37  # each below the limit, their total above 10^18
    reference = _run(frame, "pandas", tmp_path)
    run = _run(frame, "duckdb", tmp_path)
    assert_same_analysis(reference.analysis, run.analysis)
    issues = reference.analysis.orders.issues
    assert sorted(issues.loc[issues["problem"] == "amount_too_large", "row"]) == [5 + 1, 6 + 1]  # rows from 1
    customers = reference.analysis.customers
    assert customers.loc[frame.loc[10, "customer"], "revenue"] == pytest.approx((9e17 + 0.37) * rich.sum())


def _repeated_totals():
    # ten two-line orders, "Total" repeated on both lines; order #5's lines differ: order totals
    rows = [(f"#{o}", f"c{o % 3}", f"2024-0{1 + o % 9}-10", str(100 + o if o != 5 else (40, 60)[line]))
            for o in range(1, 11) for line in range(2)]
    return pd.DataFrame(rows, columns=["Order ID", "Customer", "Order Date", "Total"])


def _row_per_order():
    # one row per order, one id repeated on a row with no customer: each row an order
    rows = [(f"SO-{i}", f"c{i % 7}", f"2024-{1 + i % 12:02d}-10", "10") for i in range(40)]
    rows.insert(6, ("SO-5", "", "2024-06-10", "10"))
    return pd.DataFrame(rows, columns=["order_id", "customer", "order_date", "amount"])


def _decimal_comma():
    # a decimal comma shown by some rows only; batches of 1.250-like values alone would take a point
    amounts = ["12,50", "7,25", "3,10", "1.250", "2.000", "1.500", "1.750"] * 3
    return pd.DataFrame({"Customer": [f"c{i % 5}" for i in range(21)],
                         "Order Date": [f"2024-{1 + i % 12:02d}-{1 + i:02d}" for i in range(21)], "Amount": amounts})


def _comma_in_the_refunds():
    frame = _decimal_comma().assign(Amount=["1.250", "2.000", "1.500"] * 7)
    return frame.assign(**{"Refunded Amount": ["0", "0", "2,50"] * 7})


@pytest.mark.slow  # about 2 s a case: CI runs them
@pytest.mark.parametrize("make", [_repeated_totals, _row_per_order, _decimal_comma, _comma_in_the_refunds],
                         ids=lambda f: f.__name__.strip("_"))
def test_what_the_whole_table_decides_holds_in_every_batch(make, tmp_path):
    """The amount level, the one-row-per-order rule and the decimal separators are decided
    over the whole table, not batch by batch (batches of 3 and 4 rows here)."""
    source = tmp_path / "in.parquet"
    make().to_parquet(source)
    reference = report_source(source, tmp_path / "p.xlsx", ReportOptions(engine="pandas"), force=True)
    for batch in (3, 4):
        run = report_source(source, tmp_path / f"d{batch}.xlsx", ReportOptions(engine="duckdb"), batch_rows=batch,
                            force=True)
        assert_same_analysis(reference.analysis, run.analysis)
        assert run.orders.skipped_rows == reference.orders.skipped_rows
        assert sorted(n.code for n in run.orders.notices) == sorted(n.code for n in reference.orders.notices)


@pytest.mark.slow  # three reports through DuckDB: 3 s
def test_dates_swapped_on_paste_are_put_right_in_every_batch(tmp_path):
    """A d/m/y export pasted into an Excel set to m/d/y: dates with a day of 12 or less became
    real dates with day and month swapped, the rest stayed text. Whether the column is such
    a paste is decided over the whole column, so a batch of only real dates is put right too."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Customer", "Order Date", "Amount"])
    for i in range(60):
        d = dt.date(2024, 1, 1) + dt.timedelta(days=6 * i)
        sheet.append([f"c{i % 7}", dt.datetime(d.year, d.day, d.month) if d.day <= 12 else f"{d:%d/%m/%Y}", 10 + i])
    source = tmp_path / "swapped.xlsx"
    book.save(source)
    reference = report_source(source, tmp_path / "p.xlsx", ReportOptions(engine="pandas"), force=True)
    swapped = reference.orders.issues["problem"] == "excel_swapped"
    assert swapped.sum() == 24  # by hand: 24 of the 60 days have a day of 12 or less
    for batch in (3, 7, 50):
        run = report_source(source, tmp_path / f"d{batch}.xlsx", ReportOptions(engine="duckdb"), batch_rows=batch,
                            force=True)
        assert_same_analysis(reference.analysis, run.analysis)
        assert (run.orders.issues["problem"] == "excel_swapped").sum() == 24, batch
        assert [n.values["count"] for n in run.orders.notices if n.code == "date_swapped"] == [24], batch


def _currency_marks():
    days = [f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}" for i in range(21)]
    return pd.DataFrame({"Customer": [f"c{i % 5}" for i in range(21)], "Order Date": days,
                         "Amount": ["$12.50", "€7", "10", "ر.س 30", "20 SAR", "15", "9"] * 3})


def _emails_in_two_cases():
    days = [f"2024-{1 + i % 12:02d}-{1 + i % 27:02d}" for i in range(21)]
    emails = ["Ann@X.com", " ann@x.com", "ANN@x.com ", "bob@y.com", "Bob@Y.com", "carl@z.com", "", "dd@q.com"] * 3
    names = ["Ann", "", "", "Bob", "", "Carl", "Zed Name", ""] * 3
    return pd.DataFrame({"Email": emails[:21], "Billing Name": names[:21], "Created at": days,
                         "Total": [str(10 + i) for i in range(21)]})


@pytest.mark.slow  # about a second a case
@pytest.mark.parametrize("make", [_currency_marks, _emails_in_two_cases], ids=lambda f: f.__name__.strip("_"))
def test_notices_of_batches_say_what_the_whole_table_says(make, tmp_path):
    """The currency marks of every batch in one notice (mixed when they are, taken together);
    e-mails whose key is case-folded are not counted as ids read another way."""
    source = tmp_path / "in.parquet"
    make().to_parquet(source)
    reference = report_source(source, tmp_path / "p.xlsx", ReportOptions(engine="pandas"), force=True)
    run = report_source(source, tmp_path / "d.xlsx", ReportOptions(engine="duckdb"), batch_rows=3, force=True)
    assert_same_analysis(reference.analysis, run.analysis)


def _reports_by_batch(frame: pd.DataFrame, tmp_path, cases) -> dict:
    """The report of ``frame`` (as a Parquet file) for each ``(engine, batch_rows)`` of ``cases``."""
    source = tmp_path / "in.parquet"
    frame.to_parquet(source)
    return {(engine, batch): report_source(source, tmp_path / f"{engine}{batch}.xlsx", ReportOptions(engine=engine),
                                           batch_rows=batch, force=True)
            for engine, batch in cases}


def _refund_tables():
    """Tables with refunds listed as rows marked returned or refunded, and their revenue by hand
    (tests/order_tables.py)."""
    return {"zid": (zid_refunds(), 110_000), "zid_no_ids": (zid_refunds(order_ids=False), 110_000),
            "refund_rows": (refunded_order_and_its_refund_row(), 6_138),
            "refund_rows_no_ids": (refunded_order_and_its_refund_row(order_ids=False), 6_138),
            "woocommerce": (woocommerce_with_refund_rows(), 265)}


def _assert_refunds_as_pandas(runs: dict, frame: pd.DataFrame, revenue: float) -> None:
    """Every run of ``runs`` (by (engine, batch rows)) has the revenue by hand and the pandas
    run's figures, the same rows left out and the same notes; every row is used or listed once."""
    reference = next(run for (engine, _), run in runs.items() if engine == "pandas")
    for case, run in runs.items():
        assert run.analysis.headline["revenue"] == pytest.approx(revenue), case
        assert_same_analysis(reference.analysis, run.analysis)
        issues = run.orders.issues
        left_out = issues.loc[issues["action"].isin(["skipped", "excluded"]), "lines"].sum()
        assert run.orders.n_used_rows + left_out == run.orders.n_input_rows == len(frame), case
        columns = ["row", "problem", "detail", "action", "lines", "amount"]
        pd.testing.assert_frame_equal(issues[columns].reset_index(drop=True),
                                      reference.orders.issues[columns].reset_index(drop=True))
        assert _notices(run.orders.notices) == _notices(reference.orders.notices), case


@pytest.mark.slow  # about 1.5 s a table: CI runs them
@pytest.mark.parametrize("name", ["zid", "zid_no_ids", "refund_rows", "refund_rows_no_ids", "woocommerce"])
def test_refund_rows_by_status_give_the_pandas_figures_whatever_the_batches(name, tmp_path):
    """A refund row marked returned/refunded comes off revenue, and the refund of a sale left
    out stays out, when the refund and its sale are cleaned in different batches (batches of
    2 and 5 rows): the keys of the sales every batch left out reach the others. In the
    WooCommerce export a refund row far from its order is a line of that order, on every
    engine (the lines of an order found in several batches are cleaned together)."""
    frame, revenue = _refund_tables()[name]
    runs = _reports_by_batch(frame, tmp_path, (("pandas", len(frame)), ("duckdb", 2), ("duckdb", 5)))
    _assert_refunds_as_pandas(runs, frame, revenue)
    if name == "woocommerce":  # no refund row is taken off
        for case, run in runs.items():
            notes = {n.code: n.values for n in run.orders.notices}
            assert notes.get("status_refunds", {"count": 0})["count"] == 0, case


@pytest.mark.slow
@pytest.mark.services
@pytest.mark.parametrize("name", ["zid", "refund_rows_no_ids", "woocommerce"])
def test_spark_takes_off_the_refund_rows_as_pandas_does(name, tmp_path, spark):
    frame, revenue = _refund_tables()[name]
    source = tmp_path / "in.parquet"
    frame.to_parquet(source)
    runs = {(engine, batch): report_source(source, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine),
                                           batch_rows=batch, spark=spark, force=True)
            for engine, batch in (("pandas", len(frame)), ("spark", 3))}
    _assert_refunds_as_pandas(runs, frame, revenue)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_an_id_written_plainly_only_on_a_skipped_row_of_another_batch_is_counted_as_merged(tmp_path):
    """Customer 42 is written '42' on a pending order (left out) and '۴۲' on a paid one in a
    later batch: one id written two ways, counted by every engine, whatever the batch."""
    frame = pd.DataFrame({"Customer": ["a", "b", "42", "c", "۴۲", "a"],
                          "Order Date": [f"2024-0{m}-05" for m in range(1, 7)],
                          "Total": ["10", "20", "30", "40", "50", "60"],
                          "Status": ["paid", "paid", "pending", "paid", "paid", "paid"]})
    runs = _reports_by_batch(frame, tmp_path, (("pandas", 6), ("duckdb", 2), ("duckdb", 3), ("duckdb", 6)))
    for case, run in runs.items():
        assert [n.values["count"] for n in run.orders.notices if n.code == "customer_ids_merged"] == [1], case


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_statuses_of_equal_counts_are_named_in_the_same_order_by_every_engine(tmp_path):
    """Statuses with as many orders each are named in the order their first counted order
    comes in the table: the cancelled order on row 2 has no customer (not counted), so
    'pending (1), refunded (1), cancelled (1)', whatever the batches."""
    frame = pd.DataFrame({"Customer": ["a", "", "b", "c", "d", "e"],
                          "Order Date": [f"2024-0{m}-05" for m in range(1, 7)],
                          "Total": ["10", "20", "30", "40", "50", "60"],
                          "Status": ["paid", "cancelled", "pending", "refunded", "cancelled", "paid"]})
    runs = _reports_by_batch(frame, tmp_path, (("pandas", 6), ("duckdb", 2), ("duckdb", 3), ("duckdb", 6)))
    for case, run in runs.items():
        notice = next(n for n in run.orders.notices if n.code == "statuses_excluded")
        assert notice.values["statuses"] == (("pending", 1), ("refunded", 1), ("cancelled", 1)), case


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_identical_lines_of_one_order_are_listed_as_possible_duplicates_by_every_engine(tmp_path):
    """Order #1's two identical lines are added up (the order's lines carry different
    dates elsewhere in the table, so lines are kept) and the second is listed as a possible
    duplicate of the first: the engines found repeats among orders only and left it out."""
    frame = pd.DataFrame({"Order ID": ["#1", "#1", "#2", "#2"], "Customer": ["a", "a", "b", "b"],
                          "Order Date": ["2023-12-15", "2023-12-15", "2023-11-20", "2023-02-07"],
                          "Total": ["36", "36", "230", "156"]})
    reference = _run(frame, "pandas", tmp_path)
    listed = reference.orders.issues[reference.orders.issues["problem"] == "possible_duplicate"]
    assert listed[["row", "detail", "amount"]].values.tolist() == [[2, "1", 36.0]]  # Parquet rows from 1
    assert reference.analysis.headline["revenue"] == 458
    for batch in (2, 4):
        run = report_source(tmp_path / "in-pandas.parquet", tmp_path / f"d{batch}.xlsx", ReportOptions(engine="duckdb"),
                            batch_rows=batch, force=True)
        assert_same_analysis(reference.analysis, run.analysis)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_an_order_with_more_lines_than_a_batch_is_cleaned_whole(tmp_path):
    """WooCommerce's export repeats the order on each line; with batches of one row, every
    batch was one line of an order and was cleaned alone: 3 orders for Ann where there are 2.
    A batch all of one order's lines goes on to the next, as a run at a batch's end does."""
    frame = pd.read_csv(DATA / "woocommerce_orders_export.csv", dtype=str, keep_default_na=False)
    reference = _run(frame, "pandas", tmp_path)
    for batch in (1, 2):
        run = report_source(tmp_path / "in-pandas.parquet", tmp_path / f"d{batch}.xlsx", ReportOptions(engine="duckdb"),
                            batch_rows=batch, force=True)
        assert_same_analysis(reference.analysis, run.analysis)


def test_a_table_of_refunds_only_is_refused_with_the_same_words_by_every_engine(tmp_path):
    frame = pd.DataFrame({"Customer": ["a", "b", "a"], "Order Date": ["2024-01-05", "2024-02-05", "2024-03-05"],
                          "Total": ["-10", "-20", "-5"]})
    for engine in ("pandas", "duckdb"):
        with pytest.raises(DataError) as caught:
            _run(frame, engine, tmp_path)
        assert str(caught.value) == "no orders to compute period KPIs from (every row is a refund)", engine


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=[pytest.mark.services, pytest.mark.slow])])
def test_an_order_id_in_arabic_or_persian_digits_is_one_order_in_every_engine(engine, tmp_path, request):
    """'1003', '١٠٠٣' and '۱۰۰۳' (one id typed on three keyboards) were three orders of 10,
    20 and 30, and an engine cleaning two rows at a time cut the lines at the change of
    script; now one order of 60.00 everywhere. An id found again in a later batch in
    another script is one order with its first lines, as the same id in the same digits is."""
    frame = pd.DataFrame({"Order ID": ["1003", "١٠٠٣", "۱۰۰۳", "1004", "1005", "۱۰۰۵", "1006", "1007"],
                          "Customer": ["a@x.com"] * 3 + ["b@x.com"] + ["a@x.com"] * 2 + ["c@x.com"] * 2,
                          "Order Date": ["2024-01-05"] * 3 + ["2024-02-01"] + ["2024-03-01"] * 2
                          + ["2024-03-02", "2024-03-03"],
                          "Amount": [10.0, 20.0, 30.0, 5.0, 7.0, 8.0, 4.0, 4.0]})
    runs = _in_batches(frame, engine, 2, tmp_path, request)
    for name, run in runs.items():
        assert run.analysis.headline["orders"] == 5, name
        assert run.analysis.customers.loc["a@x.com", ["orders", "revenue"]].tolist() == [2, 75.0], name
    assert_same_analysis(runs["pandas"].analysis, runs[engine].analysis)
    # the report says the order ids' digits were read as 0-9, on every engine
    for name, run in runs.items():
        digits = [n.values for n in run.orders.notices if n.code == "digits"]
        assert digits == [{"script": "persian_and_arabic_indic", "columns": ("Order ID",)}], name
    again = pd.concat([frame, frame.iloc[[4]].assign(**{"Order ID": "١٠٠٥"})], ignore_index=True)
    (tmp_path / "again").mkdir()
    runs = _in_batches(again, engine, 2, tmp_path / "again", request)
    for name, run in runs.items():  # 1005 is 7 + 8 + 7
        assert run.analysis.customers.loc["a@x.com", ["orders", "revenue"]].tolist() == [2, 82.0], name
    assert_same_analysis(runs["pandas"].analysis, runs[engine].analysis)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=[pytest.mark.services, pytest.mark.slow])])
def test_the_notes_come_in_the_pandas_order_in_every_engine(engine, tmp_path, request):
    """The messy export's notes on the Data issues sheet: pandas said the currency marks,
    the merged ids, the date order, Jalali dates, the possible duplicates, the refunds, the
    digits; DuckDB and Spark put the merged ids and the date order first and the possible
    duplicates last. Now the pandas order on every engine."""
    runs = _in_batches(messy_export(), engine, 300, tmp_path, request)

    def notes(run):
        return [(n.code, n.values.get("column")) for n in run.orders.notices]

    assert [code for code, _ in notes(runs["pandas"])] == [
        "currency_removed", "customer_ids_merged", "date_order", "date_jalali", "possible_duplicates",
        "negative_orders", "digits"]
    assert notes(runs[engine]) == notes(runs["pandas"])


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_blank_rows_in_several_batches_are_no_order_id_found_again(tmp_path, request):
    """A text export with a blank row in two batches: DuckDB said '1 order id ... was found
    again in rows far from its first lines' (the empty id), pandas nothing; now neither."""
    frame = pd.DataFrame({"Order ID": ["1", "2", "", "3", "4", "N/A", "5", "", "6"],
                          "Customer": ["a", "b", "", "a", "c", "", "b", "", "a"],
                          "Order Date": ["2024-01-05", "2024-01-06", "", "2024-02-01", "2024-02-03", "",
                                         "2024-03-01", "", "2024-03-05"],
                          "Amount": ["10", "5", "", "7", "8", "", "9", "", "4"]})
    runs = _in_batches(frame, "duckdb", 3, tmp_path, request)
    assert [n.code for n in runs["duckdb"].orders.notices] == [n.code for n in runs["pandas"].orders.notices]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=[pytest.mark.services, pytest.mark.slow])])
def test_a_row_repeated_in_other_digits_is_a_possible_duplicate_in_every_engine(engine, tmp_path, request):
    """Order 1003's line written again with its id in Persian digits ('۱۰۰۳') was listed by no
    engine, though the same line with '1003' is; and C1's order repeated three rows on as
    'C۱' was listed by pandas (row 4 repeats row 1) and not by DuckDB or Spark, which
    compared the rows of different batches as written. Now both, everywhere."""
    lines = pd.DataFrame({"Order ID": ["1003", "۱۰۰۳", "1004"], "Customer": ["a", "a", "b"],
                          "Date": ["2024-01-05", "2024-01-05", "2024-02-01"], "Product": ["w", "w", "w"],
                          "Amount": ["10", "10", "5"]})
    orders = pd.DataFrame({"Customer": ["C1", "b", "c", "C۱", "d", "e"],
                           "Date": ["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-05", "2024-01-08", "2024-01-09"],
                           "Amount": ["10", "5", "6", "۱۰", "7", "8"]})
    for name, frame, expected in (("lines", lines, [[2, "1"]]), ("orders", orders, [[4, "1"]])):
        (tmp_path / name).mkdir()
        runs = _in_batches(frame, engine, 3, tmp_path / name, request)
        for run_name, run in runs.items():
            found = run.orders.issues[run.orders.issues["problem"] == "possible_duplicate"]
            assert found[["row", "detail"]].values.tolist() == expected, (name, run_name)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=[pytest.mark.services, pytest.mark.slow])])
def test_text_dates_in_two_offsets_have_one_time_zone_note_in_every_engine(engine, tmp_path, request):
    """A CSV of dates written with +03:30 and +00:00 offsets: pandas said nothing of them,
    and an engine cleaning two rows at a time would have said each batch's zones apart (two
    notes). Now one note, naming both offsets in the order they first come, with the same
    words in every engine and language; each day is the day written (31 March 22:00 UTC is a
    March order, 1 April 01:00 +03:30 an April one)."""
    from retention_xl.wording import notice_text

    frame = pd.DataFrame({"Customer": ["a", "b", "c", "a", "b"],
                          "Date": ["2023-03-01T10:00:00+03:30", "2023-03-05T10:00:00+03:30", "2023-03-31T22:00:00+00:00",
                                   "2023-04-02T10:00:00+00:00", "2023-04-01T01:00:00+03:30"],
                          "Total": ["10", "20", "30", "40", "50"]})
    source = tmp_path / "zoned.csv"
    frame.to_csv(source, index=False)
    spark = request.getfixturevalue("spark") if engine == "spark" else None
    runs = {name: report_source(source, tmp_path / f"{name}.xlsx", ReportOptions(engine=name), batch_rows=2,
                                spark=spark, force=True) for name in ("pandas", engine)}
    expected = {"en": "Dates in 'Date' carried a time zone (UTC+03:30, UTC); their local times in it were kept.",
                "ar": "تواريخ 'Date' تحمل منطقة زمنية (UTC+03:30، UTC)؛ احتُفظ بأوقاتها المحلية فيها.",
                "fa": "تاریخ‌های «Date» منطقه‌ی زمانی داشتند (UTC+03:30، UTC)؛ ساعت محلی آن‌ها در همان منطقه نگه داشته شد."}
    for name, run in runs.items():
        notes = [n for n in run.orders.notices if n.code == "date_time_zone"]
        assert {lang: [notice_text(n, lang) for n in notes] for lang in expected} == \
            {lang: [text] for lang, text in expected.items()}, name
        assert run.analysis.kpis["orders"].tolist() == [3, 2], name
        assert run.analysis.kpis["revenue"].tolist() == [60.0, 90.0], name
        assert run.orders.issues.empty, name
    assert_same_analysis(runs["pandas"].analysis, runs[engine].analysis)


def _far_apart_lines() -> pd.DataFrame:
    """Orders whose lines are far apart (rows 1 and 5, 2 and 10, 3 and 12, 6 and 8): A1's first
    line has no customer, B1's last no date, C1's last another customer and an earlier date,
    E1's first status is 'cancelled'."""
    return pd.DataFrame({
        "Order ID": ["A1", "B1", "C1", "D1", "A1", "E1", "F1", "E1", "G1", "B1", "H1", "C1"],
        "Customer": ["", "b", "c", "d", "a", "e", "f", "e", "g", "b", "h", "x"],
        "Date": ["2024-01-20", "2024-01-05", "2024-02-01", "2024-02-10", "2024-01-10", "2024-03-01", "2024-03-05",
                 "2024-03-02", "2024-03-10", "", "2024-04-01", "2024-01-15"],
        "Amount": ["10", "5", "7", "3", "20", "4", "6", "9", "2", "8", "1", "2"],
        "Status": ["", "paid", "paid", "paid", "paid", "cancelled", "paid", "paid", "paid", "", "paid", ""]})


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=[pytest.mark.services, pytest.mark.slow])])
def test_lines_of_one_order_far_apart_are_one_order_in_every_engine(engine, tmp_path, request):
    """Cleaning two rows at a time, DuckDB and Spark saw A1's first line alone (no customer:
    skipped), E1's second line alone (paid: a sale) and B1 and C1 as two orders each, and
    said only that 4 ids came back. As pandas does for the whole table: A1 is a's order of
    30.00 on 10 January (its first line with a customer, its earliest date, its lines
    added up), B1 13.00 on 5 January, C1 c's 9.00 on 15 January, E1 left out for its first
    status (13.00, 2 lines, row 6); 7 orders, 64.00."""
    frame = _far_apart_lines()
    for batch in (2, 5):
        (tmp_path / str(batch)).mkdir()
        runs = _in_batches(frame, engine, batch, tmp_path / str(batch), request)
        for name, run in runs.items():
            case = (name, batch)
            assert run.analysis.headline["orders"] == 7 and run.analysis.headline["revenue"] == 64.0, case
            assert run.analysis.kpis["orders"].tolist() == [3, 1, 2, 1], case
            assert run.analysis.kpis["revenue"].tolist() == [52.0, 3.0, 8.0, 1.0], case
            customers = run.analysis.customers
            assert sorted(customers.index) == list("abcdfgh"), case
            assert str(customers.loc["a", "first_order"].date()) == "2024-01-10", case
            assert customers.loc[["a", "b", "c"], "revenue"].tolist() == [30.0, 13.0, 9.0], case
            issues = run.orders.issues[["row", "problem", "detail", "action", "lines", "amount"]].values.tolist()
            assert issues == [[6, "order_status", "cancelled", "excluded", 2, 13.0]], case
        assert_same_analysis(runs["pandas"].analysis, runs[engine].analysis)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_far_apart_lines_keep_their_rows_when_batches_are_cleaned_again(tmp_path, request):
    """Order I1 is dated 1924 (far from all the others: left out) and its lines are far
    apart, and B1's first line is written again at the end: the lines gathered from several
    batches are cleaned again once the far days are known, and every issue names the row of
    the table, not of the gathered batch: I1 on row 13 (its first line, 2 lines, 5.00), the
    repeated line on row 19 as a repeat of row 2."""
    extra = pd.DataFrame({
        "Order ID": ["I1", "J1", "K1", "L1", "M1", "I1", "B1"],
        "Customer": ["i", "j", "k", "l", "m", "i", "b"],
        "Date": ["1924-05-01", "2024-04-02", "2024-04-03", "2024-04-04", "2024-04-05", "", "2024-01-05"],
        "Amount": ["4", "1", "1", "1", "1", "1", "5"],
        "Status": ["paid"] * 7})
    frame = pd.concat([_far_apart_lines(), extra], ignore_index=True)
    for batch in (2, 5):
        (tmp_path / str(batch)).mkdir()
        runs = _in_batches(frame, "duckdb", batch, tmp_path / str(batch), request)
        for name, run in runs.items():
            issues = run.orders.issues
            far = issues[issues["problem"] == "far_date"][["row", "detail", "lines", "amount"]].values.tolist()
            assert far == [[13, "1924-05-01", 2, 5.0]], (name, batch)
            repeat = issues[issues["problem"] == "possible_duplicate"][["row", "detail"]].values.tolist()
            assert repeat == [[19, "2"]], (name, batch)
            assert [n.values["first_row"] for n in run.orders.notices if n.code == "far_dates"] == [13], (name, batch)
            assert run.analysis.customers.loc["b", "revenue"] == 18.0, (name, batch)  # 5 + 8 + the repeated 5
        assert_same_analysis(runs["pandas"].analysis, runs["duckdb"].analysis)


@pytest.mark.slow  # stages a table twice: about a second
def test_split_orders_are_found_with_or_without_duckdb(monkeypatch):
    """The ids found in several batches are compared by DuckDB where it is installed, else
    by Arrow (a Spark installation need not have DuckDB): the same orders staged either way.
    A1 is row 1 (its first line), customer a, 30.00; C1 row 3, customer c, 9.00."""
    import sys

    from retention_xl.engines.staging import stage_orders
    from retention_xl.sources.datasets import Dataset

    def staged() -> list:
        result = stage_orders(Dataset.of_frame(_far_apart_lines(), "lines", first_row=1), batch_rows=2, workers=1)
        try:
            table = pd.concat([pq.read_table(f).to_pandas() for f in result.files]).sort_values("row")
            return table[["row", "customer", "amount"]].values.tolist()
        finally:
            result.remove()

    with_duckdb = staged()
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb raises ImportError
    assert staged() == with_duckdb
    assert with_duckdb == [[1, "a", 30.0], [2, "b", 13.0], [3, "c", 9.0], [4, "d", 3.0], [7, "f", 6.0],
                           [9, "g", 2.0], [11, "h", 1.0]]
