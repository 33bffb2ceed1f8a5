"""The public Python API: what a notebook user types, pandas in, pandas out."""

import ast
import functools
import subprocess
import sys
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import retention_xl as rx
from retention_xl.sample import sample_path

PACKAGE = Path(rx.__file__).parent
RAW = pd.DataFrame({
    "Email": ["ann@x.com", "bob@x.com", "ann@x.com", "cat@x.com", "bob@x.com"],
    "Order date": ["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-10", "2024-03-15"],
    "Total": ["10.00", "20.00", "5.00", "8.00", "12.50"],
})
SURVEY = pd.DataFrame({"Email": ["ann@x.com"], "Date": ["2024-02-04"], "NPS": [9]})


def test_every_public_name_resolves_and_nothing_else_is_promised():
    for name in rx.__all__:
        assert getattr(rx, name) is not None, name
    assert set(rx.__all__) == {"__version__", "main", *rx._WHERE}
    with pytest.raises(AttributeError):
        rx.clean_orders  # noqa: B018 -- internal, not part of the API


def test_importing_the_package_stays_light():
    # Excel imports retention_xl for every formula call: pandas, scipy and the writers load on first use
    code = "import sys, retention_xl; print(sorted(m for m in ('pandas', 'scipy', 'xlsxwriter') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_notebook_example_from_the_readme(tmp_path):
    orders = rx.read_orders(sample_path())
    analysis = rx.analyse(orders, rx.ReportOptions(period="M"))
    path = rx.write_xlsx(rx.build_report(analysis, rx.ReportOptions(lang="ar")), tmp_path / "report.xlsx")
    assert openpyxl.load_workbook(path, read_only=True).sheetnames[0] == "الملخص"
    assert analysis.headline["customers"] == len(analysis.customers)
    assert orders.n_input_rows == 5_499 and orders.source == "sample_orders.csv"


def test_read_orders_takes_a_dataframe_and_names_the_columns_it_used():
    orders = rx.read_orders(RAW)
    assert (orders.columns.customer, orders.columns.date, orders.columns.amount) == ("Email", "Order date", "Total")
    assert orders.frame["amount"].tolist() == [10.0, 20.0, 5.0, 8.0, 12.5]
    assert rx.read_orders(RAW.rename(columns={"Email": "Who"}), customer="Who").columns.customer == "Who"


def test_cohort_table_on_a_raw_export_by_hand():
    # ann: Jan, Feb; bob: Jan, Mar; cat: Feb. Cohort Jan = {ann, bob}: P1 ann, P2 bob.
    table = rx.cohort_table(RAW)
    assert table.index.tolist() == ["2024-01", "2024-02"]
    assert table["Size"].tolist() == [2, 1]
    assert table.loc["2024-01", ["P0", "P1", "P2"]].tolist() == [1.0, 0.5, 0.5]
    revenue = rx.cohort_table(RAW, show="revenue")
    assert revenue.loc["2024-01", ["P0", "P1", "P2"]].tolist() == [30.0, 5.0, 12.5]


def test_cohort_counts_need_no_amount_column():
    table = rx.cohort_table(RAW.drop(columns="Total"), show="customers")
    assert table.loc["2024-01", ["P0", "P1", "P2"]].tolist() == [2.0, 1.0, 1.0]


def test_the_cohort_and_kpi_helpers_count_jalali_periods_as_the_report_does():
    # Persian dates: the report's cohorts are 1402-01 ...; the helpers gave Gregorian months
    # (2023-03, 2023-04 ...), figures that did not match the report of the same table
    raw = pd.DataFrame({"مشتری": ["a", "b", "a", "c", "b"],
                        "تاریخ": ["1402/01/05", "1402/01/30", "1402/02/03", "1402/02/10", "1402/04/15"],
                        "مبلغ": ["10", "20", "5", "8", "12.5"]})
    analysis = rx.analyse(rx.read_orders(raw), rx.ReportOptions(calendar="auto"))
    table = rx.cohort_table(raw, show="customers")
    assert table.index.tolist() == ["1402-01", "1402-02"] == analysis.cohorts.customers.index.astype(str).tolist()
    assert table.loc["1402-01", ["P0", "P1", "P2", "P3"]].tolist() == [2.0, 1.0, 0.0, 1.0]
    kpis = rx.period_kpis(raw)
    assert kpis["period"].tolist() == ["1402-01", "1402-02", "1402-03", "1402-04"]
    pd.testing.assert_frame_equal(kpis, analysis.kpis)
    assert rx.period_kpis(raw, period="Q")["period"].tolist() == ["1402-Q1", "1402-Q2"]
    assert rx.cohort_table(raw, calendar="gregorian").index.tolist() == ["2023-03", "2023-04"]
    assert rx.cohort_table(rx.read_orders(raw)).index.tolist() == ["1402-01", "1402-02"]
    with pytest.raises(rx.InvalidValue, match="calendar"):
        rx.cohort_table(raw, calendar="lunar")


@pytest.mark.parametrize("helper", [rx.cohort_table, rx.period_kpis, rx.customer_table, rx.predict_clv])
def test_a_missing_column_names_the_role_never_a_key_error(helper):
    with pytest.raises(rx.MissingColumns) as err:
        helper(RAW.drop(columns="Email"))
    assert err.value.roles == ("customer",)
    assert err.value.columns == ("Order date", "Total")
    assert "customer" in str(err.value) and "'Order date'" in str(err.value)


@pytest.mark.slow  # over a second: left out of the quick loop, CI runs it
def test_helpers_give_the_report_tables():
    orders = rx.read_orders(sample_path())
    analysis = rx.analyse(orders)
    pd.testing.assert_frame_equal(rx.period_kpis(orders), analysis.kpis)
    customers = rx.customer_table(orders)
    assert customers["revenue"].sum() == pytest.approx(analysis.customers["revenue"].sum())
    assert customers.index.tolist() == analysis.customers.index.tolist()
    # the same model choice (on a holdout) as the report's: MBG/NBD's fit on the whole
    # history gave 0.2459 for C01208, the report's Pareto/NBD 0.2706
    predicted = rx.predict_clv(orders)
    pd.testing.assert_frame_equal(predicted, analysis.prediction.customers)
    assert predicted.loc["C01208", "p_alive"] == analysis.customers.loc["C01208", "p_alive"]


def test_sorting_the_rows_changes_no_figure_by_a_bit():
    # Data > Sort (here: largest order first) changed predicted CLV in its 8th digit: the
    # customers met in another order summed the models' likelihoods in another order
    raw = pd.read_csv(sample_path())
    raw["order_date"] = raw["order_date"].str[:10]  # an export of days: customers first seen together
    shuffled = raw.sort_values("amount", ascending=False, kind="stable").reset_index(drop=True)
    a, b = rx.analyse(rx.read_orders(raw)), rx.analyse(rx.read_orders(shuffled))
    assert a.customers["predicted_clv"].notna().all()
    pd.testing.assert_frame_equal(a.customers, b.customers, check_exact=True)
    pd.testing.assert_frame_equal(a.segments, b.segments, check_exact=True)
    pd.testing.assert_frame_equal(a.contacts.plan, b.contacts.plan, check_exact=True)


def test_options_are_checked_once_with_the_option_named():
    with pytest.raises(rx.OutOfRange, match="margin"):
        rx.ReportOptions(margin=1.5)
    with pytest.raises(rx.InvalidValue, match="period"):
        rx.ReportOptions(period="D")
    with pytest.raises(rx.InvalidValue, match="unknown column role 'client'"):
        rx.read_orders(RAW, client="Email")
    # a window shorter than the period was accepted here and refused in analyse()
    with pytest.raises(rx.OutOfRange, match="window_days must be from 92 to 36,600 days for period Q, got 30"):
        rx.ReportOptions(period="Q", window_days=30)


def test_the_plan_day_option_is_read_as_the_order_dates_are():
    import datetime as dt

    assert rx.ReportOptions(as_of="۱۴۰۲/۱۰/۱۵").as_of == dt.date(2024, 1, 5)  # Solar Hijri, Persian digits
    assert rx.ReportOptions(as_of="2024-01-05").as_of == dt.date(2024, 1, 5)
    assert rx.ReportOptions(as_of=dt.datetime(2024, 1, 5, 17, 30)).as_of == dt.date(2024, 1, 5)
    for word in ("today", " Today ", "امروز", "اليوم"):  # the word a user types on any door
        assert rx.ReportOptions(as_of=word).as_of in {dt.date.today(), dt.date.today() - dt.timedelta(days=1)}
    with pytest.raises(rx.InvalidValue, match="as_of must be a date like 2024-01-31, got 'soon'"):
        rx.ReportOptions(as_of="soon")
    # a number as a date column holds one (yyyymmdd, an Excel serial, a Solar Hijri 14021015):
    # 20240105 and 45296 were 1970-01-01 (nanoseconds since 1970), silently
    for number in (20240105, 45296, 45296.0, 14021015):
        assert rx.ReportOptions(as_of=number).as_of == dt.date(2024, 1, 5), number
    for number in (5, True):
        with pytest.raises(rx.InvalidValue, match=f"as_of must be a date like 2024-01-31, got {number}"):
            rx.ReportOptions(as_of=number)
    # in the date order chosen for the orders: 01/05/2024 with dayfirst=False was 1 May
    assert rx.ReportOptions(as_of="01/05/2024", dayfirst=False).as_of == dt.date(2024, 1, 5)
    assert rx.ReportOptions(as_of="05/01/2024", dayfirst=True).as_of == dt.date(2024, 1, 5)


def test_an_unusable_table_says_why():
    with pytest.raises(rx.NoUsableOrders, match="no usable orders: all 2 rows were skipped"):
        rx.analyse(pd.DataFrame({"Customer": ["", ""], "Date": ["2024-01-01", "x"], "Total": ["1", "2"]}))


# ----------------------------------------------------------------- the package's layering
@functools.cache
def _modules() -> tuple:
    """Every module of the package, parsed (once: the tests below only read the trees)."""
    return tuple((path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py")))


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []


def test_no_module_imports_another_modules_private_names():
    for path, tree in _modules():
        for module, names in _imports(tree):
            if module.startswith("retention_xl"):
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                assert not private, f"{path.relative_to(PACKAGE)} imports {private} from {module}"


def test_the_analysis_core_knows_no_spreadsheet_library_and_no_words():
    for path, tree in _modules():
        if "analysis" not in path.relative_to(PACKAGE).parts:
            continue
        for module, _ in _imports(tree):
            top = module.split(".")[0]
            assert top not in {"xlwings", "openpyxl", "xlsxwriter", "typer", "rich"}, (path.name, module)
            assert not module.startswith(("retention_xl.labels", "retention_xl.wording", "retention_xl.layout",
                                          "retention_xl.excel", "retention_xl.cli")), (path.name, module)


def test_modules_are_named_after_what_they_do():
    names = {p.stem for p in PACKAGE.rglob("*.py")}
    assert not names & {"utils", "helpers", "misc", "common"}


def test_the_wrong_object_at_a_step_says_which_step_takes_it(tmp_path):
    orders = rx.read_orders(RAW)
    analysis = rx.analyse(orders)
    slips = [
        (lambda: rx.write_xlsx(analysis, tmp_path / "r.xlsx"), "write_xlsx takes the result of rx.build_report, got Analysis"),
        (lambda: rx.build_report(orders), "build_report takes the result of rx.analyse, got Orders"),
        (lambda: rx.build_report(RAW), "build_report takes the result of rx.analyse, got DataFrame"),
        (lambda: rx.analyse(RAW, {"period": "Q"}), "options must be ReportOptions"),
        (lambda: rx.analyse(None), "orders must be the result of rx.read_orders or a pandas DataFrame, got NoneType"),
        (lambda: rx.read_orders(RAW, {"period": "Q"}), "options must be ReportOptions"),
        (lambda: rx.analyse(orders, contacts=rx.read_side_table(SURVEY, "survey")),
         "contacts must be a pandas DataFrame or rx.read_side_table(..., \"contacts\"), got a survey table"),
    ]
    for slip, message in slips:
        with pytest.raises(rx.InvalidValue) as err:
            slip()
        assert message in str(err.value)
    assert not (tmp_path / "r.xlsx").exists()


def test_the_contact_plan_takes_a_contact_log_as_read():
    log = pd.DataFrame({"Email": ["a@x"], "Date": ["2024-02-04"], "Channel": ["email"]})
    raw = pd.DataFrame({"Email": ["a@x", "a@x", "a@x", "b@x"],
                        "Order date": ["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-25"], "Total": [10, 10, 10, 30]})
    plan = rx.contact_plan(raw, as_of="2024-02-05", contacts=log)
    cleaned = rx.contact_plan(raw, as_of="2024-02-05", contacts=rx.read_side_table(log, "contacts"))
    pd.testing.assert_frame_equal(plan, cleaned)
    assert plan.set_index("customer").loc["a@x", "last_contact"] == pd.Timestamp("2024-02-04")
    with pytest.raises(rx.InvalidValue, match="got a survey table"):
        rx.contact_plan(raw, contacts=rx.read_side_table(SURVEY, "survey"))


def test_the_contact_plans_day_is_read_in_the_date_order_chosen():
    raw = pd.DataFrame({"Customer": ["a", "a", "a", "b"], "Date": ["2024-01-01", "2024-01-11", "2024-01-21", "2024-01-25"],
                        "Amount": [10, 10, 10, 30]})
    # 02/03/2024 month first is 3 February; with dayfirst=False it was 2 March all the same
    assert set(rx.contact_plan(raw, as_of="02/03/2024", dayfirst=False)["act_on"]) == {pd.Timestamp("2024-02-03")}
    assert set(rx.contact_plan(raw, as_of="03/02/2024", dayfirst=True)["act_on"]) == {pd.Timestamp("2024-02-03")}


def test_cleaning_options_given_with_cleaned_orders_are_refused_not_ignored():
    orders = rx.read_orders(RAW)
    with pytest.raises(rx.InvalidValue, match="customer=, dayfirst= would change how the table is cleaned, "
                                              "but these orders are cleaned already: give them to rx.read_orders"):
        rx.cohort_table(orders, customer="NoSuchColumn", dayfirst=True)
    pd.testing.assert_frame_equal(rx.cohort_table(orders), rx.cohort_table(RAW))


def test_two_columns_of_one_name_are_refused_not_guessed():
    raw = RAW.assign(Extra="z")
    raw.columns = ["Email", "Order date", "Total", "Email"]
    with pytest.raises(rx.InvalidValue, match="the table has 2 columns named 'Email': rename them apart"):
        rx.read_orders(raw, customer="Email")
    with pytest.raises(rx.InvalidValue, match="2 columns named 'Email'"):
        rx.cohort_table(raw)
    raw.columns = ["Email", "Order date", "Total", "Total"]
    with pytest.raises(rx.InvalidValue, match="2 columns named 'Total'"):
        rx.read_orders(raw)


def test_write_xlsx_takes_a_home_path_and_refuses_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    report = rx.build_report(rx.analyse(RAW))
    assert rx.write_xlsx(report, "~/r.xlsx") == tmp_path / "r.xlsx" and (tmp_path / "r.xlsx").is_file()
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(rx.DataError, match="dir.xlsx is a folder: name the file to write"):
        rx.write_xlsx(report, tmp_path / "dir.xlsx", force=True)  # was a bare IsADirectoryError


AMBIGUOUS = pd.DataFrame({"Customer": ["a", "b", "a", "c"], "Date": ["03/04/2024", "05/06/2024", "03/04/2024", "01/02/2024"],
                          "Amount": [10.0, 20.0, 15.0, 5.0]})


def test_read_orders_warns_once_when_the_day_month_order_is_a_guess(tmp_path):
    # every date has day and month of 12 or below: read day first, as the report's notice says,
    # and told to the notebook user as pandas tells a guessed date format
    with pytest.warns(UserWarning) as caught:
        orders = rx.read_orders(AMBIGUOUS)
    assert len(caught) == 1 and caught[0].filename == __file__  # pointed at the caller's line
    assert str(caught[0].message) == (
        "Could not tell the day/month order of the dates in column 'Date' (day and month are 12 or below in all "
        "4 of them): read as day/month/year, e.g. '03/04/2024' as 2024-04-03. If they are month/day/year, pass "
        "dayfirst=False; pass dayfirst=True to keep this reading without this warning.")
    assert _dates_by_row(orders, "%Y-%m-%d") == ["2024-04-03", "2024-06-05", "2024-04-03", "2024-02-01"]
    # the guess is recorded as data among the notices (what the report words in en/ar/fa)
    notice = next(n for n in orders.notices if n.code == "date_order")
    assert (notice.values["dayfirst"], notice.values["chosen"], notice.values["example"], notice.values["read_as"]) \
        == (True, False, "03/04/2024", "2024-04-03")
    path = tmp_path / "orders.csv"
    AMBIGUOUS.to_csv(path, index=False)
    with pytest.warns(UserWarning, match=r"column 'Date' .* pass dayfirst=False"):
        rx.read_orders(path)


def test_read_orders_is_quiet_when_the_order_is_chosen_or_settled(recwarn):
    assert _dates_by_row(rx.read_orders(AMBIGUOUS, dayfirst=False), "%m-%d") == \
        ["03-04", "05-06", "03-04", "01-02"]  # month first, as asked
    assert _dates_by_row(rx.read_orders(AMBIGUOUS, rx.ReportOptions(dayfirst=True)), "%d") == ["03", "05", "03", "01"]
    settled = AMBIGUOUS.assign(Date=["03/04/2024", "25/06/2024", "03/04/2024", "01/02/2024"])  # 25 can only be a day
    assert _dates_by_row(rx.read_orders(settled), "%Y-%m-%d")[:2] == ["2024-04-03", "2024-06-25"]
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]


def _dates_by_row(orders, form):
    return orders.frame.sort_values("row")["date"].dt.strftime(form).tolist()


# ---- the dtypes a DataFrame really has (pd.read_csv(dtype_backend="pyarrow"), categories ...)
MESSY = pd.DataFrame({
    "Customer": ["a", "", "N/A", "  ", "b", "a", "-"],
    "Date": ["2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-02-01", "2024-03-02", "2024-03-03"],
    "Amount": ["10", "20", "30", "40", "", "15.5", "7"],
})


def _read(frame):
    orders = rx.read_orders(frame)
    return orders.frame.to_dict("list"), orders.issues[["row", "problem"]].values.tolist(), orders.skipped_rows


@pytest.mark.parametrize("dtype", ["string[python]", "string[pyarrow]", "category",
                                   pd.ArrowDtype(__import__("pyarrow").large_string())], ids=str)
def test_blank_and_na_cells_are_missing_whatever_the_text_dtype(dtype):
    # by hand: rows 3, 4, 5 and 8 have no customer (blank, N/A, spaces, -), row 6 no amount
    plain = _read(MESSY)
    assert plain[1] == [[3, "missing_customer"], [4, "missing_customer"], [5, "missing_customer"],
                        [6, "missing_amount"], [8, "missing_customer"]]
    assert plain[0]["customer"] == ["a", "a"] and plain[0]["amount"] == [10.0, 15.5]
    assert _read(MESSY.astype(dtype)) == plain
    assert rx.cohort_table(MESSY.astype(dtype))["Size"].tolist() == [1]


def test_arrow_dates_before_1677_are_out_of_range_not_wrapped_into_the_future():
    import datetime as dt

    import pyarrow as pa

    days = [dt.date(2024, 1, 5), dt.date(1600, 1, 1), dt.date(2024, 3, 1)]
    for kind in (pa.date32(), pa.date64()):
        frame = pd.DataFrame({"Customer": ["a", "b", "a"], "Amount": [10.0, 20.0, 30.0],
                              "Date": pd.Series(pa.array(days).cast(kind), dtype=pd.ArrowDtype(kind))})
        orders = rx.read_orders(frame)
        assert orders.issues[["row", "problem"]].values.tolist() == [[3, "date_out_of_range"]], kind
        assert orders.frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-03-01"]


def test_arrow_zoned_timestamps_keep_their_local_time_as_pandas_zoned_ones_do():
    # pd.read_parquet(..., dtype_backend="pyarrow") of a shop's export in Paris time: by hand,
    # a's first order is on 31 December at 23:30 (10.00), the second on 1 January at 00:30
    # (20.00), so the December cohort's P0 revenue is 10.00; read in UTC it was 30.00 (both
    # orders in December) and a UserWarning was printed
    import pyarrow as pa

    stamps = pd.to_datetime(["2023-12-31 23:30", "2024-01-01 00:30", "2024-01-31 23:00"]).tz_localize("Europe/Paris")
    zoned = pd.DataFrame({"Customer": ["a", "a", "b"], "Date": stamps, "Amount": [10.0, 20.0, 30.0]})
    arrow = zoned.astype({"Date": pd.ArrowDtype(pa.timestamp("us", tz="Europe/Paris"))})
    for frame in (zoned, arrow):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            orders = rx.read_orders(frame)
        assert orders.frame.sort_values("row")["date"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
            "2023-12-31 23:30", "2024-01-01 00:30", "2024-01-31 23:00"]
        assert [(n.code, n.values["zones"]) for n in orders.notices] == [("date_time_zone", ("Europe/Paris",))]
        revenue = rx.cohort_table(frame, show="revenue")
        assert revenue.index.tolist() == ["2023-12", "2024-01"] and revenue["P0"].tolist() == [10.0, 30.0]
        assert revenue.loc["2023-12", "P1"] == 20.0


def test_a_column_of_lists_is_compared_as_its_text_not_a_type_error():
    frame = pd.DataFrame({"Customer": ["a", "a", "b", None], "Date": ["2024-01-05", "2024-01-05", "2024-02-01", None],
                          "Amount": [10.0, 10.0, 20.0, None], "Items": [["x"], ["x"], ["y"], []]})
    orders = rx.read_orders(frame)
    # rows 2 and 3 are identical (kept, listed); row 5 is blank but for its empty list: not blank
    assert orders.issues[["row", "problem", "action"]].values.tolist() == [
        [3, "possible_duplicate", "kept"], [5, "missing_customer", "skipped"], [5, "missing_date", "skipped"],
        [5, "missing_amount", "skipped"]]
    assert rx.period_kpis(frame)["orders"].tolist() == [2, 1]


def test_customer_ids_in_a_category_of_numbers_read_as_the_numbers_do():
    frame = pd.DataFrame({"CustomerID": [17850.0, 17850.0, 14527.0, None],
                          "InvoiceDate": ["2024-01-05", "2024-02-05", "2024-01-10", "2024-01-11"],
                          "Amount": [10.0, 20.0, 30.0, 5.0]})
    assert list(rx.customer_table(frame.astype({"CustomerID": "category"})).index) == ["17850", "14527"]
    assert list(rx.customer_table(frame).index) == ["17850", "14527"]


def test_columns_numbered_by_pandas_can_be_named_by_their_number():
    frame = pd.DataFrame([["a", "2024-01-05", 10.0], ["a", "2024-02-05", 20.0]])  # pd.read_csv(header=None)
    assert rx.period_kpis(frame, customer=0, date=1, amount=2)["orders"].tolist() == [1, 1]
    with pytest.raises(rx.RetentionError, match="customer must be a column name, got True"):
        rx.period_kpis(frame, customer=True, date=1, amount=2)


def test_lang_auto_follows_the_headers_of_the_orders():
    raw = pd.DataFrame({"اسم العميل": ["a", "b", "a"], "تاريخ الطلب": ["2024-01-05", "2024-01-09", "2024-02-01"],
                        "الإجمالي": ["10", "20", "30"]})
    analysis = rx.analyse(rx.read_orders(raw))
    assert rx.build_report(analysis, rx.ReportOptions(lang="auto")).lang == "ar"
    assert rx.build_report(analysis).lang == "en"  # the library's default stays English
    with pytest.raises(rx.InvalidValue, match="lang must be one of en, ar, fa, auto, got 'de'"):
        rx.ReportOptions(lang="de")


JALALI_ORDERS = pd.DataFrame({
    "نام مشتری": ["a", "b", "c", "a"],
    "تاریخ": ["1402/01/05", "1402/01/31", "1402/02/01", "1402/02/10"],  # 2023-03-25, 04-20, 04-21, 04-30
    "مبلغ": ["100", "80", "60", "50"],
})


def test_jalali_dates_give_jalali_cohorts_and_periods():
    analysis = rx.analyse(rx.read_orders(JALALI_ORDERS))
    # Farvardin 1402: a and b, a back in Ordibehesht; Ordibehesht: c
    assert analysis.calendar == "jalali"
    assert analysis.cohorts.size.to_dict() == {"1402-01": 2.0, "1402-02": 1.0}
    assert analysis.cohorts.customers.loc["1402-01", "P1"] == 1.0
    assert analysis.kpis["period"].tolist() == ["1402-01", "1402-02"]
    assert [f"{d:%Y-%m-%d}" for d in analysis.kpis["start"]] == ["2023-03-21", "2023-04-21"]
    assert analysis.kpis["revenue"].tolist() == [180.0, 110.0]
    report = rx.build_report(analysis, rx.ReportOptions(lang="fa"))
    lines = [line for s in report.sheets if s.key == "summary" for b in s.blocks if hasattr(b, "lines") for line in b.lines]
    assert "دوره‌ها به تقویم هجری شمسی (جلالی) هستند: دوره‌ی 1402-01 از 2023-03-21 تا 2023-04-20 است." in lines


def test_the_calendar_can_be_chosen_either_way():
    gregorian = rx.analyse(rx.read_orders(JALALI_ORDERS), rx.ReportOptions(calendar="gregorian"))
    # March: a; April: b and c (a's second order is in March's cohort, one month on)
    assert gregorian.cohorts.size.to_dict() == {"2023-03": 1.0, "2023-04": 2.0}
    assert gregorian.calendar == "gregorian"
    iso = pd.DataFrame({"Customer": ["a", "b"], "Date": ["2023-03-25", "2023-04-20"], "Total": ["1", "2"]})
    assert rx.analyse(iso).cohorts.size.index.tolist() == ["2023-03", "2023-04"]
    assert rx.analyse(iso, rx.ReportOptions(calendar="jalali")).cohorts.size.index.tolist() == ["1402-01"]
    with pytest.raises(rx.InvalidValue, match="calendar must be gregorian or jalali"):
        rx.ReportOptions(calendar="hijri")
