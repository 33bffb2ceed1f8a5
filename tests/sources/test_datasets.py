"""Sources where large order tables live: Parquet files, folders and globs (partitioned
too), DuckDB and SQLite tables and queries, PostgreSQL by URL, Spark tables; each gives the
report the same numbers as the table read whole, and names itself in the report."""

import sqlite3

import openpyxl
import pandas as pd
import pytest
from services import POSTGRES_URL, postgres_or_skip, postgres_table, spark_or_skip

from retention_xl.engines.run import report_source
from retention_xl.engines.staging import whole_orders
from retention_xl.errors import DataError, InvalidValue
from retention_xl.options import ColumnRoles, ReportOptions
from retention_xl.sample import sample_path
from retention_xl.sources.datasets import is_dataset, open_dataset

ORDERS = pd.DataFrame({
    "Customer": ["a", "b", "a", "c", "b", "a", "d", "c"],
    "Date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-10", "2024-03-01",
                            "2024-03-15", "2024-03-20", "2024-04-02"]),
    "Total": [10.0, 20.0, 5.0, 8.0, 12.5, -5.0, 30.0, 9.25],
    "Region": ["north", "south", "north", "east", "south", "north", "east", "east"],
})


def _report(source, tmp_path, name="r", **kwargs):
    return report_source(source, tmp_path / f"{name}.xlsx", ReportOptions(engine="duckdb"), batch_rows=3, **kwargs)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ref")
    ORDERS.to_parquet(tmp / "orders.parquet")
    return report_source(tmp / "orders.parquet", tmp / "ref.xlsx", ReportOptions(engine="pandas")).analysis


def assert_same(a, b):
    pd.testing.assert_frame_equal(a.kpis, b.kpis, check_dtype=False)
    pd.testing.assert_frame_equal(a.cohorts.revenue, b.cohorts.revenue)
    pd.testing.assert_frame_equal(a.customers, b.customers, check_dtype=False)
    assert a.headline["revenue"] == pytest.approx(b.headline["revenue"]) == 89.75


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_partitioned_parquet_folder_and_a_glob(tmp_path, reference):
    for region, part in ORDERS.groupby("Region", sort=False):
        folder = tmp_path / "lake" / f"Region={region}"
        folder.mkdir(parents=True)
        part.drop(columns="Region").to_parquet(folder / "part-0.parquet")
    dataset = open_dataset(tmp_path / "lake")
    assert dataset.kind == "parquet" and dataset.name == "lake/ (Parquet dataset, 3 files)"
    assert dataset.count_rows() == 8
    run = _report(tmp_path / "lake", tmp_path)
    assert run.engine == "duckdb" and run.orders.source == "lake/ (Parquet dataset, 3 files)"
    assert run.orders.n_input_rows == 8
    # row order differs by partition, so compare the sums that do not depend on it
    assert run.analysis.headline["revenue"] == pytest.approx(89.75)
    assert run.analysis.kpis["revenue"].tolist() == reference.kpis["revenue"].tolist()
    glob_run = _report(str(tmp_path / "lake" / "*" / "*.parquet"), tmp_path, name="g")
    assert glob_run.analysis.kpis["customers_end"].tolist() == reference.kpis["customers_end"].tolist()


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_the_automatic_engine_is_duckdb_for_datasets_and_pandas_for_a_short_file(tmp_path):
    ORDERS.to_parquet(tmp_path / "o.parquet")
    (tmp_path / "dir").mkdir()
    ORDERS.to_parquet(tmp_path / "dir" / "o.parquet")
    auto = ReportOptions()
    assert report_source(tmp_path / "o.parquet", tmp_path / "a.xlsx", auto).engine == "pandas"
    assert report_source(tmp_path / "dir", tmp_path / "b.xlsx", auto).engine == "duckdb"


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_sqlite_table_and_query(tmp_path, reference):
    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as con:
        ORDERS.assign(Date=ORDERS["Date"].dt.strftime("%Y-%m-%d")).to_sql("orders", con, index=False)
    run = _report(db, tmp_path, table="orders")
    assert run.orders.source == "shop.sqlite, table orders"
    assert_same(reference, run.analysis)
    only_a = _report(db, tmp_path, name="q", query="SELECT * FROM orders WHERE Customer = 'a'")
    assert only_a.analysis.headline["customers"] == 1 and only_a.orders.source == "shop.sqlite, query"


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_duckdb_database_table(tmp_path, reference):
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE orders AS SELECT * FROM ORDERS")
    run = _report(db, tmp_path, table="orders")
    assert run.orders.source == "shop.duckdb, table orders"
    assert_same(reference, run.analysis)


def test_a_database_needs_one_table_or_query_and_a_real_name(tmp_path):
    db = tmp_path / "x.sqlite"
    sqlite3.connect(db).close()
    with pytest.raises(InvalidValue, match="needs a table or a query"):
        open_dataset(db)
    with pytest.raises(InvalidValue, match="table must be a table name"):
        open_dataset(db, table="orders; DROP TABLE orders")
    with pytest.raises(DataError, match="no Parquet files"):
        (tmp_path / "empty").mkdir()
        open_dataset(tmp_path / "empty")
    assert is_dataset("postgresql://u@h/db") and is_dataset("spark:orders") and not is_dataset(tmp_path / "o.csv")


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.services
def test_postgresql_table_and_query_by_url(tmp_path, reference):
    con = postgres_or_skip()
    with postgres_table("rx_orders") as table:
        with con:
            con.execute(f'CREATE TABLE {table} ("Customer" text, "Date" date, "Total" numeric(12, 2), "Region" text)')
            with con.cursor() as cur:
                cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s, %s)",
                                [(c, d.date(), t, r) for c, d, t, r in ORDERS.itertuples(index=False)])
        run = _report(POSTGRES_URL, tmp_path, table=table)
        assert run.engine == "duckdb" and run.orders.source.endswith(f", table {table}")
        assert ":" not in run.orders.source.split("//")[1].split("@")[0]  # no password shown
        assert_same(reference, run.analysis)
        query = _report(POSTGRES_URL, tmp_path, name="q", query=f'SELECT * FROM {table} WHERE "Total" > 9')
        assert query.analysis.headline["orders"] == 5


@pytest.mark.services
@pytest.mark.slow  # starts a local Spark session
def test_spark_table(tmp_path, reference):
    spark = spark_or_skip()
    spark.createDataFrame(ORDERS.astype({"Date": "datetime64[us]"})).createOrReplaceTempView("rx_orders")
    run = report_source("spark:rx_orders", tmp_path / "s.xlsx", ReportOptions(), spark=spark, batch_rows=3)
    assert run.engine == "spark" and run.orders.source == "Spark, table rx_orders"
    assert_same(reference, run.analysis)


def test_parquet_batches_are_even_across_row_groups_and_files(tmp_path):
    """Every batch but the last has exactly the rows asked for, wherever the dataset's row
    groups and files end (cleaning a batch has a fixed cost)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"Customer": [f"c{i % 13}" for i in range(47)], "Date": ["2024-01-05"] * 47,
                      "Total": [float(i) for i in range(47)]})
    folder = tmp_path / "lake"
    folder.mkdir()
    pq.write_table(table.slice(0, 30), folder / "a.parquet", row_group_size=7)
    pq.write_table(table.slice(30), folder / "b.parquet", row_group_size=4)
    batches = list(open_dataset(folder).batches(5))
    assert [b.num_rows for b in batches] == [5] * 9 + [2]
    assert pa.Table.from_batches(batches).equals(table)


def test_a_batch_never_ends_inside_an_order():
    """Lines sharing an order id stay in one batch: the rows of the id at a batch's end are
    carried into the next batch (exports write an order's lines together)."""
    lines = pd.DataFrame({"Customer": list("aabbbcc"), "Order": [1, 1, 2, 2, 2, 3, 3]})
    batches = [lines.iloc[i:i + 3].reset_index(drop=True) for i in range(0, 7, 3)]
    assert [f["Order"].tolist() for f in whole_orders(batches, "Order")] == [[1, 1], [2, 2, 2], [3, 3]]
    assert [f["Order"].tolist() for f in whole_orders(batches, None)] == [[1, 1, 2], [2, 2, 3], [3]]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_csv_file_is_streamed_by_the_engines_with_the_same_result(tmp_path, reference):
    """A CSV too long for memory (or past the input's cell limit) is read in batches by
    DuckDB and Spark, every cell as text, as the pandas reader reads it."""
    text = ORDERS.assign(Date=ORDERS["Date"].dt.strftime("%d/%m/%Y"), Total=ORDERS["Total"].map("{:,.2f}".format))
    path = tmp_path / "orders.csv"
    path.write_text("\n" + text.to_csv(sep=";", index=False), encoding="utf-8-sig")
    whole = report_source(path, tmp_path / "p.xlsx", ReportOptions(engine="pandas"))
    streamed = report_source(path, tmp_path / "d.xlsx", ReportOptions(engine="duckdb"), batch_rows=3)
    assert streamed.orders.first_row == whole.orders.first_row == 3
    assert set(streamed.orders.notices) == set(whole.orders.notices)
    assert_same(whole.analysis, streamed.analysis)
    assert_same(reference, streamed.analysis)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_row_repeated_in_a_batch_where_a_whole_number_is_missing_is_found(tmp_path):
    # a file written without pandas' notes (by Spark, DuckDB ...): its column of whole numbers
    # reaches pandas as decimals in the batch with the gap, as whole numbers in the others
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = ORDERS.assign(Units=pd.array([1, 2, 3, 1, None, 2, 1, 4], dtype="Int64"))
    repeated = pd.concat([rows.iloc[:5], rows.iloc[[0]], rows.iloc[5:]], ignore_index=True)
    (tmp_path / "lake").mkdir()  # a folder: read in batches (a single file this small is read whole)
    pq.write_table(pa.Table.from_pandas(repeated, preserve_index=False).replace_schema_metadata(None),
                   tmp_path / "lake" / "part-0.parquet")
    run = _report(tmp_path / "lake", tmp_path)  # batches of 3: rows 1-3, 4-6, 7-9
    dup = run.orders.issues[run.orders.issues["problem"] == "possible_duplicate"]
    assert dup["row"].tolist() == [6] and dup["detail"].tolist() == ["1"] and dup["action"].tolist() == ["kept"]


def test_a_parquet_dataset_gives_its_types_without_reading_a_row(tmp_path, monkeypatch):
    """The schema a dataset's batches will have (decimals as float64, dictionaries decoded),
    from Parquet's metadata; the staging then decides the date order without reading rows
    when the dates are typed (reading a first batch took 0.5-4 s on a 10,000,000-line
    dataset, whose scanner reads whole row groups; the order-id column was found the same
    way), and still reads them when they are text."""
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    from retention_xl.engines import staging
    from retention_xl.sources.datasets import Dataset

    table = pa.table({"Customer": pa.array(["a", "b", "a"]).dictionary_encode(),
                      "Date": pa.array([1, 2, 3], pa.timestamp("us")),
                      "Total": pa.array([decimal.Decimal("1.50")] * 3, pa.decimal128(9, 2)),
                      "Text date": ["03/04/2024", "13/04/2024", "05/04/2024"]})
    folder = tmp_path / "lake"
    folder.mkdir()
    pq.write_table(table, folder / "a.parquet")
    dataset = open_dataset(folder)
    batch = next(iter(dataset.batches(2)))
    assert dataset.arrow_schema() == batch.schema
    assert [str(t) for t in batch.schema.types] == ["string", "timestamp[us]", "double", "string"]
    assert Dataset.of_csv(sample_path()).arrow_schema() is None

    def unread(self, rows=0, columns=None):
        raise AssertionError("a row was read")

    with monkeypatch.context() as patched:
        patched.setattr(Dataset, "batches", unread)
        options = ReportOptions(roles=ColumnRoles(customer="Customer", date="Date", amount="Total"))
        assert staging._first_pass(dataset, options, 1000, print) == (options, None, None, None,
                                                                         staging.SliceDecisions())
        with_id = ReportOptions(roles=ColumnRoles(customer="Customer", date="Date", amount="Total", order_id="Text date"))
        assert staging._order_id_column(dataset, with_id, 1000) == "Text date"
    options = ReportOptions(roles=ColumnRoles(customer="Customer", date="Text date", amount="Total"))
    read = []
    real = Dataset.batches
    monkeypatch.setattr(Dataset, "batches", lambda self, rows=0, columns=None: (read.append(columns),
                                                                                  real(self, rows, columns))[1])
    decided, notice, lunar, currency, dates = staging._first_pass(dataset, options, 1000, print)
    assert decided.dayfirst is True and notice.code == "date_order" and lunar is False and currency is None
    assert (dates.swapped, dates.mostly_real) == (False, False)  # text dates only: no paste to put right
    assert read == [["Text date"]]  # one pass, over the one column it decides on


def test_files_are_read_across_their_row_groups_and_a_file_of_other_types_as_the_dataset_has_them(tmp_path):
    """A dataset without partition folders is read file by file, ``rows`` at a time across
    row groups (the dataset scanner cut every row group's last batch short, and evening the
    batches out again copied them); a file whose types differ is cast to the dataset's
    types, as the scanner casts it."""
    import pyarrow as pa
    import pyarrow.dataset as pds
    import pyarrow.parquet as pq

    folder = tmp_path / "lake"
    folder.mkdir()
    first = pa.table({"Customer": [f"c{i % 5}" for i in range(23)], "Total": [float(i) for i in range(23)]})
    second = pa.table({"Customer": ["x", "y", "z"], "Total": pa.array([7, 8, 9], pa.int64())})
    pq.write_table(first, folder / "a.parquet", row_group_size=6)
    pq.write_table(second, folder / "b.parquet")
    dataset = open_dataset(folder)
    scanned = pds.dataset(sorted(str(p) for p in folder.iterdir()), format="parquet").to_table()
    batches = list(dataset.batches(5))
    assert [b.num_rows for b in batches] == [5, 5, 5, 5, 5, 1]
    read = pa.Table.from_batches(batches)
    assert read.equals(scanned) and read.schema.field("Total").type == pa.float64()
    assert read.column("Total").to_pylist()[-3:] == [7.0, 8.0, 9.0]


def test_what_a_folder_or_glob_would_read_is_what_it_reads(tmp_path):
    from retention_xl.sources.datasets import would_read

    lake = tmp_path / "lake"
    (lake / "Region=north").mkdir(parents=True)
    ORDERS.to_parquet(lake / "Region=north" / "part-0.parquet")
    for name, read in [("r-customers.parquet", True), ("Region=east/r-customers.PQ", True), ("r.xlsx", False),
                       ("_staging/r-customers.parquet", False), (".r-customers.parquet.tmp", False)]:
        assert would_read(lake, lake / name) is read, name
        assert would_read(str(lake) + "/", str(lake / name)) is read, name  # as typed, with its slash
    (lake / "Region=east").mkdir()
    ORDERS.to_parquet(lake / "Region=east" / "r-customers.parquet")  # a file there now is read: the rule is open_dataset's
    assert str(lake / "Region=east" / "r-customers.parquet") in [f for f in _files(lake)]
    assert not would_read(lake, tmp_path / "r-customers.parquet")  # beside the folder, not in it
    pattern = str(lake / "*" / "*.parquet")
    assert would_read(pattern, lake / "Region=west" / "r-customers.parquet")
    assert not would_read(pattern, lake / "r-customers.parquet") and not would_read(pattern, tmp_path / "r.parquet")
    assert not would_read("postgresql://u@h/db", tmp_path / "r.parquet")


def _files(folder):
    return open_dataset(folder).files


def _sources(tmp_path):
    """The ORDERS table in each kind of source that runs here without a server."""
    import duckdb

    text = ORDERS.assign(Date=ORDERS["Date"].dt.strftime("%Y-%m-%d"))
    ORDERS.to_parquet(tmp_path / "o.parquet")
    lake = tmp_path / "lake" / "year=2024"
    lake.mkdir(parents=True)
    ORDERS.to_parquet(lake / "part-0.parquet")
    text.to_csv(tmp_path / "o.csv", index=False)
    with sqlite3.connect(tmp_path / "o.sqlite") as con:
        text.to_sql("orders", con, index=False)
    with duckdb.connect(str(tmp_path / "o.duckdb")) as con:
        con.execute("CREATE TABLE orders AS SELECT * FROM ORDERS")
    from retention_xl.sources.datasets import Dataset

    return {"parquet file": open_dataset(tmp_path / "o.parquet"), "partitioned folder": open_dataset(tmp_path / "lake"),
            "csv": Dataset.of_csv(tmp_path / "o.csv"), "sqlite": open_dataset(tmp_path / "o.sqlite", table="orders"),
            "duckdb": open_dataset(tmp_path / "o.duckdb", query='SELECT * FROM orders ORDER BY "Date"'),
            "frame": Dataset.of_frame(ORDERS, "orders", 2)}


def _rows(dataset, columns=None):
    import pyarrow as pa

    parts = [b if isinstance(b, pd.DataFrame) else pa.Table.from_batches([b]).to_pandas()
             for b in dataset.batches(3, columns=columns)]
    return pd.concat(parts, ignore_index=True)


def test_every_source_reads_only_the_columns_asked_for_in_their_order(tmp_path):
    for kind, dataset in _sources(tmp_path).items():
        whole = _rows(dataset)
        two = _rows(dataset, ["Total", "Customer"])
        assert two.columns.tolist() == ["Total", "Customer"], kind
        pd.testing.assert_frame_equal(two, whole[["Total", "Customer"]], check_dtype=False, obj=kind)


@pytest.mark.services
@pytest.mark.slow  # a PostgreSQL server and a local Spark session
def test_postgresql_and_spark_read_only_the_columns_asked_for(tmp_path):
    with postgres_table("orders_with_columns") as table:
        with postgres_or_skip() as con:
            con.execute(f'CREATE TABLE {table} ("Customer" text, "Total" double precision, "Odd ""name""" text)')
            con.execute(f"INSERT INTO {table} VALUES (%s, %s, %s), (%s, %s, %s)", ("a", 1.5, "x", "b", 2.0, "y"))
            con.commit()
        pg = open_dataset(POSTGRES_URL, table=table)
        assert _rows(pg, ['Odd "name"', "Total"]).to_dict("list") == {'Odd "name"': ["x", "y"], "Total": [1.5, 2.0]}
    spark = spark_or_skip()
    spark.createDataFrame(ORDERS.assign(Date=ORDERS["Date"].dt.strftime("%Y-%m-%d")).rename(
        columns={"Total": "Order.Total"})).createOrReplaceTempView("orders_with_a_dot")
    dataset = open_dataset("spark:orders_with_a_dot", spark=spark)
    assert _rows(dataset, ["Order.Total", "Customer"]).columns.tolist() == ["Order.Total", "Customer"]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_parquet_file_past_the_cell_limit_is_streamed_by_the_engines(tmp_path, monkeypatch, reference):
    from retention_xl.sources import file_checks

    ORDERS.to_parquet(tmp_path / "big.parquet")
    monkeypatch.setattr(file_checks, "MAX_FILE_CELLS", 20)  # 8 rows x 4 columns is "too large" now
    with pytest.raises(DataError, match="more than retention-xl reads"):
        report_source(tmp_path / "big.parquet", tmp_path / "p.xlsx", ReportOptions(engine="pandas"))
    run = report_source(tmp_path / "big.parquet", tmp_path / "d.xlsx", ReportOptions(engine="duckdb"), batch_rows=3)
    assert run.engine == "duckdb" and run.orders.n_input_rows == 8
    assert_same(reference, run.analysis)
    fake = tmp_path / "fake.parquet"
    fake.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match="it is text or another format, not a Parquet file"):
        report_source(fake, tmp_path / "x.xlsx", ReportOptions(engine="duckdb"))


def test_the_date_order_and_the_currency_are_decided_in_one_pass_over_their_columns(tmp_path, monkeypatch):
    from retention_xl.analysis.orders import clean_orders
    from retention_xl.engines import staging
    from retention_xl.sources.datasets import Dataset

    shop = pd.DataFrame({"Order ID": ["#1", "#1", "#2", "#3", "#4", "#5"], "Email": ["a", "a", "b", "a", "c", "b"],
                         "Created at": ["13/01/2024", "13/01/2024", "02/02/2024", "05/03/2024", "20/03/2024", "01/04/2024"],
                         "Total": [10.0, None, 20.0, 5.0, 8.0, 7.0], "Currency": ["EUR", "EUR", "USD", "EUR", "usd", "EUR"],
                         "Note": ["x"] * 6})
    shop.to_parquet(tmp_path / "shop.parquet")
    dataset = open_dataset(tmp_path / "shop.parquet")
    read = []
    real = Dataset.batches
    monkeypatch.setattr(Dataset, "batches", lambda self, rows=0, columns=None: (read.append(columns),
                                                                                  real(self, rows, columns))[1])
    options, notice, lunar, currency, _ = staging._first_pass(dataset, ReportOptions(), 2, print)
    assert read == [["Created at", "Currency", "Order ID"]]  # one pass, three of the six columns
    assert options.dayfirst is True and notice.code == "date_order" and lunar is False
    whole = clean_orders(shop)  # the same decision as the cleaning of the whole table
    assert (currency.code, currency.currencies) == ("eur", ("eur", "usd"))
    assert whole.frame["amount"].tolist() == [10.0, 5.0, 7.0]  # the EUR orders


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_parquet_file_with_a_pandas_index_gives_the_engines_that_column(tmp_path):
    # pandas writes an index into the file's metadata; read back batch by batch it became
    # each batch's index, and DuckDB counted every line as an order (600 orders, not 200)
    lines = pd.DataFrame([{"Order ID": f"A{o}", "Customer": f"c{o % 30}", "Order Date": f"2023-{o % 12 + 1:02d}-{o % 28 + 1:02d}",
                           "Line Total": 10.0} for o in range(200) for _ in range(3)])
    lines.set_index("Order ID").to_parquet(tmp_path / "named.parquet")
    lines.set_index(pd.Index(range(1000, 1600))).to_parquet(tmp_path / "unnamed.parquet")  # __index_level_0__
    for name in ("named.parquet", "unnamed.parquet"):
        runs = [report_source(tmp_path / name, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine), batch_rows=250,
                              force=True) for engine in ("pandas", "duckdb")]
        assert [r.analysis.headline["orders"] for r in runs] == [200, 200], name
        assert "__index_level_0__" not in runs[1].orders.columns.used().values()


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_query_with_a_semicolon_or_a_comment_runs_on_the_engines(tmp_path, reference):
    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as con:  # text dates: the first pass reads the date column alone
        ORDERS.assign(Date=ORDERS["Date"].dt.strftime("%Y-%m-%d")).to_sql("orders", con, index=False)
    for query in ("SELECT * FROM orders;", "SELECT * FROM orders -- every order"):
        run = _report(db, tmp_path, name=str(len(query)), query=query)
        assert_same(reference, run.analysis)


def test_a_missing_parquet_file_is_named_on_every_engine(tmp_path):
    for engine in ("pandas", "duckdb"):
        with pytest.raises(DataError, match="File not found"):
            report_source(tmp_path / "nope" / "orders.parquet", tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine))


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_csv_with_a_repeated_header_is_read_alike_by_every_engine(tmp_path):
    # the streamed CSV named its columns as written; two 'Currency' columns stopped the
    # DuckDB engine with advice for a DataFrame ("df.columns = [...]")
    lines = ["Customer,Date,Amount,Currency,Currency"] + [
        f"c{i % 40},{i % 28 + 1:02d}/{i % 12 + 1:02d}/2023,{10 + i % 50},USD,USD" for i in range(300)]
    (tmp_path / "dup.csv").write_text("\n".join(lines) + "\n")
    runs = [report_source(tmp_path / "dup.csv", tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine), batch_rows=100)
            for engine in ("pandas", "duckdb")]
    assert [r.orders.columns.currency_column for r in runs] == ["Currency", "Currency"]
    assert runs[0].analysis.headline == runs[1].analysis.headline


_ROWS = "".join(f"c{i % 4},2024-0{1 + i % 9}-1{i % 9},{10 + i}\n" for i in range(12))
_HEADER = "Customer,Order Date,Total\n"


_SLOW = pytest.mark.slow  # about a second a case: the blank line (row numbers) stays in the quick loop


@pytest.mark.parametrize("data", [
    pytest.param((_HEADER + _ROWS[:40] + "\n" + _ROWS[40:] + "c9,notadate,5\n").encode(), id="blank_line"),
    pytest.param((_HEADER + _ROWS + "c9,2024-05-05\n").encode(), id="short_row", marks=_SLOW),
    pytest.param((_HEADER + _ROWS + "   \nc8,2024-05-06,4\n").encode(), id="spaces_line", marks=_SLOW),
    # NUL padding, as block-writing systems leave it
    pytest.param((_HEADER + _ROWS).encode() + b"\x00" * 64, id="nul_padding", marks=_SLOW),
    # every row ends with a delimiter the header lacks
    pytest.param((_HEADER + _ROWS.replace("\n", ",\n")).encode(), id="trailing_comma", marks=_SLOW),
    pytest.param((_HEADER.replace(",", ";") + _ROWS.replace(",", ";").replace("\n", ";\n")).encode(),
                 id="trailing_semicolon", marks=_SLOW),
    # blank rows at the end: not rows of the table
    pytest.param((_HEADER + _ROWS + ",,\n\n,,\n").encode(), id="blank_rows_at_the_end", marks=_SLOW),
])
@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_a_csv_streamed_in_batches_reads_its_rows_as_the_file_reader_does(data, tmp_path):
    source = tmp_path / "orders.csv"
    source.write_bytes(data)
    whole = report_source(source, tmp_path / "p.xlsx", ReportOptions(engine="pandas"), force=True)
    streamed = _report(source, tmp_path, force=True)
    assert streamed.orders.n_input_rows == whole.orders.n_input_rows
    cols = ["row", "problem", "action"]
    assert streamed.orders.issues[cols].values.tolist() == whole.orders.issues[cols].values.tolist()
    a, b = whole.analysis, streamed.analysis
    pd.testing.assert_frame_equal(a.kpis, b.kpis, check_dtype=False)
    pd.testing.assert_frame_equal(a.customers, b.customers, check_dtype=False)
    assert a.headline["revenue"] == b.headline["revenue"]


def test_a_csv_row_with_a_value_past_the_header_is_refused_streamed_too(tmp_path):
    source = tmp_path / "orders.csv"
    source.write_text(_HEADER + _ROWS + "c9,2024-05-05,5,extra\n")
    for engine in ("pandas", "duckdb"):
        with pytest.raises(DataError, match="line 14 has 4 cells, but the header was taken to be line 1, which has 3"):
            report_source(source, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine), batch_rows=3, force=True)


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_an_empty_parquet_file_is_named_and_a_file_of_no_rows_takes_the_others_types(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = pa.Table.from_pandas(ORDERS.drop(columns="Region"), preserve_index=False)
    folder = tmp_path / "lake"
    folder.mkdir()
    pq.write_table(rows.slice(0, 4), folder / "part-1.parquet")
    pq.write_table(rows.slice(4), folder / "part-2.parquet")
    (folder / "part-3.parquet").write_bytes(b"")  # a write that did not finish
    for engine in ("pandas", "duckdb"):
        with pytest.raises(DataError, match=r"'part-3.parquet' is empty \(0 bytes\), so it is not a Parquet file: "
                                            r"a write that did not finish\? Write it again, or move it out of lake/"):
            report_source(folder, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine), force=True)
    # a file of no rows written without types, first in the folder: its columns are null-typed
    (folder / "part-3.parquet").unlink()
    pq.write_table(pa.table({name: pa.array([], pa.null()) for name in rows.column_names}), folder / "part-0.parquet")
    for engine in ("pandas", "duckdb"):
        run = report_source(folder, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine), batch_rows=3, force=True)
        assert run.orders.n_input_rows == 8 and run.analysis.headline["revenue"] == 89.75


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_a_sqlite_id_stored_as_a_number_in_one_row_and_text_in_another_is_one_customer(tmp_path):
    """SQLite keeps each value's own storage class in a column declared without a type: the
    customer 42 stored as 42, '42' and 42.0 is one customer, on every engine, as in a sheet."""
    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as con:
        con.execute('CREATE TABLE orders (customer, "Order Date", amount)')
        con.executemany("INSERT INTO orders VALUES (?, ?, ?)", [
            (42, "2024-01-05", 100), ("42", "2024-02-05", "50.5"), (42.0, "2024-03-05", 20.25),
            ("C7", "2024-01-10", 30), (1e3, "2024-02-02", 9), ("1000", "2024-03-02", 9)])
    for engine in ("pandas", "duckdb"):
        run = report_source(db, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine), table="orders")
        customers = run.analysis.customers
        assert sorted(customers.index) == ["1000", "42", "C7"], engine
        assert customers.loc["42", "orders"] == 3 and customers.loc["42", "revenue"] == 170.75
        assert customers.loc["1000", "orders"] == 2


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_a_query_joining_tables_with_the_same_column_names_is_read_as_a_file_with_a_repeated_header(tmp_path):
    """SELECT * over a join gives two columns named id and two named name: they are numbered
    apart (id, id.1), as the file readers number a repeated header, on every engine; the
    report was refused with advice for a Python DataFrame."""
    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as con:
        con.execute('CREATE TABLE orders (id INTEGER, customer_id INTEGER, "Order Date" TEXT, total REAL, name TEXT)')
        con.execute("CREATE TABLE customers (id INTEGER, email TEXT, name TEXT)")
        con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?)", [
            (1, 1, "2024-01-05", 10, "o1"), (2, 2, "2024-01-06", 20, "o2"), (3, 1, "2024-02-05", 30, "o3"),
            (4, 3, "2024-03-05", 5, "o4")])
        con.executemany("INSERT INTO customers VALUES (?, ?, ?)", [(1, "a@x.com", "Ann"), (2, "b@x.com", "Bob"),
                                                                   (3, "c@x.com", "Cy")])
    query = "SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id"
    assert next(open_dataset(db, query=query).batches()).schema.names == [
        "id", "customer_id", "Order Date", "total", "name", "id.1", "email", "name.1"]
    for engine in ("pandas", "duckdb"):
        run = report_source(db, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine), query=query, batch_rows=3)
        assert run.analysis.headline["revenue"] == 65 and run.analysis.headline["orders"] == 4, engine
        assert run.analysis.customers["orders"].sort_index().tolist() == [2, 1, 1]


@pytest.mark.services
@pytest.mark.slow  # starts a local Spark session
def test_a_spark_timestamp_is_read_as_the_session_shows_it_whatever_the_machines_time_zone(tmp_path, monkeypatch):
    """The session (UTC) shows 2024-01-31 23:00: the order is January's, on a machine set
    to Tehran time too (pyspark's rows give datetimes in the machine's zone: 2024-02-01 02:30);
    a column named with a dot is read beside them."""
    import time

    spark = spark_or_skip()
    spark.sql("CREATE OR REPLACE TEMP VIEW rx_stamps AS SELECT * FROM VALUES "
              "('a', TIMESTAMP '2024-01-31 23:00:00', 10.0), ('a', TIMESTAMP '2024-03-01 00:30:00', 5.0) "
              "AS t(Customer, `Order Date`, `Order.Total`)")
    monkeypatch.setenv("TZ", "Asia/Tehran")
    time.tzset()
    try:
        batch = next(open_dataset("spark:rx_stamps", spark=spark).batches())
    finally:
        monkeypatch.undo()
        time.tzset()
    stamps = batch.column("Order Date")
    assert [str(v.replace(tzinfo=None)) for v in stamps.to_pylist()] == ["2024-01-31 23:00:00", "2024-03-01 00:30:00"]
    # marked with the session's zone, which the report names, as a database's session zone
    assert stamps.type.tz == spark.conf.get("spark.sql.session.timeZone")


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_bigint_customer_ids_with_an_empty_cell_stay_apart_on_every_engine(tmp_path):
    """Customers 9007199254740993 and 9007199254740992 (past 2**53) in an integer column with
    an empty cell were made floats by the batch readers: one customer of 3 orders, shown with
    the other's id; the file reader kept them apart only in a file pandas wrote."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ids = pd.array([9007199254740993, 9007199254740992, None, 9007199254740993], dtype="Int64")
    orders = pd.DataFrame({"customer_id": ids, "Order Date": ["2024-01-05", "2024-01-06", "2024-02-05", "2024-03-05"],
                           "total": [10.0, 20.0, 30.0, 5.0]})
    orders.to_parquet(tmp_path / "o.parquet")
    pq.write_table(pa.Table.from_pandas(orders, preserve_index=False).replace_schema_metadata(None),
                   tmp_path / "other.parquet")  # as another tool writes it: no pandas types to restore
    db = tmp_path / "shop.sqlite"
    with sqlite3.connect(db) as con:
        orders.astype({"customer_id": object}).where(orders.notna(), None).to_sql("orders", con, index=False)
    for source, table in ((tmp_path / "o.parquet", None), (tmp_path / "other.parquet", None), (db, "orders")):
        for engine in ("pandas", "duckdb"):
            run = report_source(source, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine), table=table,
                                batch_rows=2, force=True)
            customers = run.analysis.customers
            assert customers["orders"].to_dict() == {"9007199254740993": 2, "9007199254740992": 1}, (source, engine)


def _cents(n: int = 4000) -> list[str]:
    """Amounts as a shop writes them: 0.10, 19.99, 3939.91 ... (one in eight of such amounts
    is one a careless decimal-to-float conversion misses in the last bit)."""
    import numpy as np

    cents = np.random.default_rng(5).integers(1, 10**7, n)
    return ["0.10", "19.99", "3939.91", *(f"{c / 100:.2f}" for c in cents)]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_a_duckdb_decimal_column_reads_as_the_same_amounts_as_its_csv_export(tmp_path):
    """DECIMAL(12, 2) amounts: 3939.91 was read as 3939.9100000000003 (about one amount in
    eight off in its last bit), so the database's report differed from its CSV export's."""
    duckdb = pytest.importorskip("duckdb")
    text = _cents()
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE amounts (amount DECIMAL(12, 2))")
        con.executemany("INSERT INTO amounts VALUES (?)", [(t,) for t in text])
    read = [v for b in open_dataset(db, table="amounts").batches(1000) for v in b.column(0).to_pylist()]
    assert read == [float(t) for t in text]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.services
def test_postgresql_numeric_amounts_read_as_their_csv_export_does(tmp_path):
    """numeric amounts of any scale (0.1 beside an amount of 20 decimals): read as the
    nearest floats, as the CSV export of the same table is; each customer's revenue and
    each amount of the report is then the same to the last bit."""
    con = postgres_or_skip()
    text = _cents(400) + ["0.10000000000000000001"]
    rows = [(f"c{i % 37}", f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", t) for i, t in enumerate(text)]
    with postgres_table("rx_numeric_amounts") as table:
        with con:
            con.execute(f'CREATE TABLE {table} ("Customer" text, "Date" text, "Total" numeric)')
            with con.cursor() as cur:
                cur.executemany(f"INSERT INTO {table} VALUES (%s, %s, %s)", rows)
        read = [v for b in open_dataset(POSTGRES_URL, table=table).batches(100) for v in b.column("Total").to_pylist()]
        assert read == [float(t) for t in text]
        pd.DataFrame(rows, columns=["Customer", "Date", "Total"]).to_csv(tmp_path / "export.csv", index=False)
        csv = report_source(tmp_path / "export.csv", tmp_path / "csv.xlsx", ReportOptions(engine="pandas")).analysis
        for engine in ("pandas", "duckdb"):
            db = report_source(POSTGRES_URL, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine),
                               table=table, batch_rows=150).analysis
            pd.testing.assert_frame_equal(csv.customers, db.customers, check_exact=True)
            assert csv.headline["revenue"] == db.headline["revenue"]


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
@pytest.mark.services
def test_postgresql_timestamptz_is_read_in_the_sessions_zone_and_the_report_names_it(tmp_path):
    """timestamptz is an instant: psycopg gives it in the session's time zone (the server's
    TimeZone setting, or the client's PGTZ / options=-c TimeZone=...), as psql shows it and
    COPY ... TO writes it. The report kept those local times and said only 'carried a time
    zone', so an order at 00:10 Tehran time on 1 February was a January order on a UTC server
    with nothing saying why; now the notice names the zone the times were read in."""
    con = postgres_or_skip()
    with postgres_table("rx_zoned_orders") as table:
        with con:
            con.execute(f'CREATE TABLE {table} ("Customer" text, "Date" timestamptz, "Total" numeric(12, 2))')
            con.execute(f"INSERT INTO {table} VALUES ('a', '2024-01-10 12:00+03:30', 10), "
                        "('a', '2024-02-01 00:10+03:30', 5), ('b', '2024-02-20 12:00+03:30', 7)")
        tehran = POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + "options=-c%20TimeZone%3DAsia/Tehran"
        for url, zone, months in ((POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + "options=-c%20TimeZone%3DUTC",
                                   "UTC", ["2024-01", "2024-01", "2024-02"]),
                                  (tehran, "Asia/Tehran", ["2024-01", "2024-02", "2024-02"])):
            for engine in ("pandas", "duckdb"):
                run = report_source(url, tmp_path / f"{engine}.xlsx", ReportOptions(engine=engine),
                                    table=table, force=True)
                notice = [n.values for n in run.orders.notices if n.code == "date_time_zone"]
                assert notice == [{"column": "Date", "zones": (zone,)}], (engine, zone)
                assert run.analysis.kpis["orders"].tolist() == [months.count(m) for m in sorted(set(months))], (engine, zone)
                ws = openpyxl.load_workbook(tmp_path / f"{engine}.xlsx")["Data issues"]
                assert any(f"time zone ({zone})" in str(c.value) for row in ws.iter_rows() for c in row), (engine, zone)
            # the CSV the same session exports (COPY writes '2024-02-01 00:10:00+03:30', '... 20:40:00+00') has
            # the same months: its rows with a whole-hour offset were 'not a date' and skipped
            import psycopg

            export = tmp_path / f"export-{zone.replace('/', '-')}.csv"
            with psycopg.connect(url) as session, session.cursor() as cur, export.open("wb") as f, \
                    cur.copy(f"COPY {table} TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
                for data in copy:
                    f.write(data)
            csv = report_source(export, tmp_path / "csv.xlsx", ReportOptions(engine="pandas"), force=True)
            assert csv.analysis.kpis["orders"].tolist() == run.analysis.kpis["orders"].tolist(), zone
            assert not len(csv.orders.issues), zone


@pytest.mark.services
def test_postgres_table_names_are_unique_and_dropped():
    """Two names of one stem differ, and the table is gone once the block ends."""
    con = postgres_or_skip()
    with postgres_table("rx_probe") as first, postgres_table("rx_probe") as second:
        assert first != second and first.startswith("rx_probe_")
        con.execute(f'CREATE TABLE "{first}" (x int)')
    assert not con.execute("SELECT 1 FROM pg_tables WHERE tablename = %s", (first,)).fetchall()
