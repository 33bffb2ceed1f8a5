"""Reading order exports from CSV, Excel workbooks and Parquet files."""

import datetime as dt
import shutil
import subprocess

import numpy as np
import openpyxl
import pandas as pd
import pytest

from retention_xl.analysis.orders import clean_orders
from retention_xl.errors import DataError
from retention_xl.sources.files import detect_delimiter, detect_encoding, read_table

ARABIC_CSV = "رقم العميل,تاريخ الطلب,المبلغ\n١٠١,١٥/٠١/٢٠٢٣,١٢٣٫٥٠ ر.س\n١٠٢,٠١/٠٢/٢٠٢٣,٧٥ ر.س\n"
# Windows-1256 has no Arabic-Indic digits: Arabic Excel writes 0-9 in such files.
ARABIC_1256 = "رقم العميل;تاريخ الطلب;المبلغ\n101;15/01/2023;123,50 ر.س\n102;01/02/2023;75 ر.س\n"


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# ---------------------------------------------------------------- CSV

def test_csv_values_stay_text(tmp_path):
    table = read_table(write(tmp_path / "orders.csv", "id,customer,amount\n007,a,1.50\n008,,\"1,000\"\n"))
    assert table.source == "orders.csv"
    assert table.first_row == 2
    assert table.frame.columns.tolist() == ["id", "customer", "amount"]
    assert table.frame.to_dict("list") == {"id": ["007", "008"], "customer": ["a", ""], "amount": ["1.50", "1,000"]}
    assert all(str(t) == "str" for t in table.frame.dtypes)


@pytest.mark.parametrize(
    "text, encoding",
    [(ARABIC_CSV, "utf-8"), (ARABIC_CSV, "utf-8-sig"), (ARABIC_CSV, "utf-16"), (ARABIC_CSV, "utf-16-le"),
     (ARABIC_1256, "cp1256")],
)
def test_arabic_csv_in_every_encoding(tmp_path, text, encoding):
    table = read_table(write(tmp_path / "ar.csv", text, encoding))
    assert table.frame.columns.tolist() == ["رقم العميل", "تاريخ الطلب", "المبلغ"]
    assert table.frame.iloc[0].tolist() == text.splitlines()[1].split(text[10])
    result = clean_orders(table.frame, first_row=table.first_row)
    assert result.frame["customer"].tolist() == ["101", "102"]
    assert result.frame["date"].tolist() == [pd.Timestamp("2023-01-15"), pd.Timestamp("2023-02-01")]
    assert result.frame["amount"].tolist() == [123.5, 75.0]


def test_detect_encoding():
    assert detect_encoding("a,b".encode("utf-8")) == "utf-8"
    assert detect_encoding("\ufeffa,b".encode("utf-8")) == "utf-8-sig"
    assert detect_encoding("a,b".encode("utf-16")) == "utf-16"
    assert detect_encoding("a,b\n1,2".encode("utf-16-le")) == "utf-16-le"
    assert detect_encoding("العميل,المبلغ".encode("utf-16-be")) == "utf-16-be"
    assert detect_encoding("العميل,المبلغ".encode("cp1256")) == "cp1256"
    assert detect_encoding("Café,Zoë".encode("cp1252")) == "cp1252"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(tmp_path, delimiter):
    text = delimiter.join(["Customer", "Date", "Total"]) + "\n" + delimiter.join(["a", "01/02/2023", '"1,5"']) + "\n"
    table = read_table(write(tmp_path / "d.csv", text))
    assert table.frame.columns.tolist() == ["Customer", "Date", "Total"]
    assert table.frame.iloc[0].tolist() == ["a", "01/02/2023", "1,5"]


def test_detect_delimiter_prefers_consistent_splits():
    assert detect_delimiter("a;b;c\n1,5;2;3\n2,5;4;5\n") == ";"
    assert detect_delimiter("a,b\n1,2\n") == ","
    assert detect_delimiter("only\n1\n") == ","


def test_blank_lines_keep_row_numbers(tmp_path):
    text = "\n\nCustomer,Date,Amount\na,2023-01-01,1\n\nb,2023-01-02,2\n,,\n\n\n"
    table = read_table(write(tmp_path / "b.csv", text))
    assert table.first_row == 4  # header on line 3
    assert table.frame["Customer"].tolist() == ["a", "", "b"]  # trailing blank lines are not data
    result = clean_orders(table.frame, first_row=table.first_row)
    assert result.frame["row"].tolist() == [4, 6]
    assert result.issues[["row", "problem"]].values.tolist() == [[5, "blank_row"]]


def test_short_rows_and_duplicate_headers(tmp_path):
    table = read_table(write(tmp_path / "s.csv", "Customer,Date,Amount,Amount\na,2023-01-01\nb,2023-01-02,3,4\n"))
    assert table.frame.columns.tolist() == ["Customer", "Date", "Amount", "Amount.1"]
    assert table.frame["Amount"].tolist()[1] == "3"


def test_ragged_csv_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="Cannot read 'r.csv' as CSV"):
        read_table(write(tmp_path / "r.csv", "a,b\n1,2\n1,2,3,4\n"))
    # an unquoted comma in every row would otherwise shift values into the wrong columns
    with pytest.raises(DataError, match="more cells than the header"):
        read_table(write(tmp_path / "u.csv", "Customer,Date,Total\na,2023-01-01,1,5\nb,2023-01-02,2,5\n"))


def test_empty_csv(tmp_path):
    with pytest.raises(DataError, match="'e.csv' is empty"):
        read_table(write(tmp_path / "e.csv", "\n \n"))


# ---------------------------------------------------------------- XLSX

def make_workbook(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


ORDERS = [
    ["Customer ID", "Order date", "Total"],
    [101, dt.datetime(2023, 1, 2), 10.5],
    ["۱۰۲", "15/01/2023", "(4.00)"],
    [None, None, None],
    [101.0, 44935, 7],
]


def test_xlsx_values_as_openpyxl_gives_them(tmp_path):
    table = read_table(make_workbook(tmp_path / "o.xlsx", {"Orders": ORDERS}))
    assert table.source == "o.xlsx, sheet 'Orders'"
    assert table.first_row == 2
    assert table.frame.columns.tolist() == ["Customer ID", "Order date", "Total"]
    assert table.frame.iloc[0].tolist() == [101, dt.datetime(2023, 1, 2), 10.5]
    assert table.frame.iloc[1].tolist() == ["۱۰۲", "15/01/2023", "(4.00)"]
    assert table.frame.iloc[2].isna().all()
    result = clean_orders(table.frame, first_row=table.first_row)
    assert result.frame["row"].tolist() == [2, 5, 3]
    assert result.frame["customer"].tolist() == ["101", "101", "102"]
    assert result.frame["date"].tolist() == [pd.Timestamp("2023-01-02"), pd.Timestamp("2023-01-09"),
                                              pd.Timestamp("2023-01-15")]
    assert result.frame["amount"].tolist() == [10.5, 7.0, -4.0]
    assert result.issues[["row", "problem", "action"]].values.tolist() == [
        [3, "date_as_text", "fixed"],
        [3, "accounting_negative", "fixed"],
        [4, "blank_row", "skipped"],
    ]


def test_xlsx_sheet_choice(tmp_path):
    path = make_workbook(tmp_path / "s.xlsx", {
        "Notes": [], "Summary": [["x"]], "orders": ORDERS, "Other": [["Customer", "Date", "Amount"], ["a", "2023-01-01", 1]],
    })
    assert read_table(path).source == "s.xlsx, sheet 'orders'"
    assert read_table(path, sheet="Other").frame.columns.tolist() == ["Customer", "Date", "Amount"]
    assert read_table(path, sheet="OTHER").source == "s.xlsx, sheet 'Other'"
    with pytest.raises(DataError, match="has no sheet 'Nope'; its sheets are: 'Notes', 'Summary', 'orders', 'Other'"):
        read_table(path, sheet="Nope")
    path = make_workbook(tmp_path / "f.xlsx", {"Empty": [], "Data": ORDERS})
    assert read_table(path).source == "f.xlsx, sheet 'Data'"


def test_xlsx_title_rows_blank_headers_and_trailing_space(tmp_path):
    path = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Export"
    ws["B3"] = "Customer"
    ws["C3"] = " Date "
    ws["E3"] = "Amount"
    ws["B4"], ws["C4"], ws["D4"], ws["E4"] = "a", "2023-01-01", "note", 5
    ws["B9"] = None
    ws["F20"].number_format = "0.00"  # formatting far below the table is not data
    book.save(path)
    table = read_table(path)
    assert table.first_row == 4
    assert table.frame.columns.tolist() == ["Customer", "Date", "Column D", "Amount"]
    assert len(table.frame) == 1


def test_xlsx_empty_sheet(tmp_path):
    with pytest.raises(DataError, match="Sheet 'Empty' of 'e.xlsx' is empty"):
        read_table(make_workbook(tmp_path / "e.xlsx", {"Empty": []}))


def test_broken_workbook(tmp_path):
    with pytest.raises(DataError, match="'bad.xlsx' is not an Excel workbook: it is not a zip package"):
        read_table(write(tmp_path / "bad.xlsx", "not a zip"))


# ---------------------------------------------------------------- Parquet and others

def test_parquet_keeps_native_types(tmp_path):
    frame = pd.DataFrame({"customer": [1, 2], "date": pd.to_datetime(["2023-01-01", "2023-01-02"]),
                          "amount": [1.5, 2.5]})
    frame.to_parquet(tmp_path / "o.parquet")
    table = read_table(tmp_path / "o.parquet")
    assert table.first_row == 1 and table.source == "o.parquet"
    assert table.frame.dtypes.astype(str).tolist()[0] == "int64"
    assert table.frame["date"].dtype.kind == "M"
    result = clean_orders(table.frame, first_row=table.first_row)
    assert result.frame["row"].tolist() == [1, 2]
    assert result.frame["amount"].tolist() == [1.5, 2.5]


def test_parquet_named_index_is_data(tmp_path):
    frame = pd.DataFrame({"date": ["2023-01-01"], "amount": [3.0]}, index=pd.Index(["c1"], name="customer"))
    frame.to_parquet(tmp_path / "i.parquet")
    assert read_table(tmp_path / "i.parquet").frame.columns.tolist() == ["customer", "date", "amount"]


def test_broken_parquet(tmp_path):
    with pytest.raises(DataError, match="Cannot read 'x.parquet' as Parquet"):
        read_table(write(tmp_path / "x.parquet", "nope"))


@pytest.mark.parametrize(
    "name, message",
    [
        ("o.ods", "unsupported file type '.ods'; use .csv, .xlsx, .xls or .parquet"),
        ("noext", "unsupported file type '(none)'"),
    ],
)
def test_unsupported_files(tmp_path, name, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_table(write(tmp_path / name, "x"))


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="File not found"):
        read_table(tmp_path / "nope.csv")


def test_read_then_clean_a_large_generated_file(tmp_path):
    rng = np.random.default_rng(1)
    n = 5_000
    frame = pd.DataFrame({
        "Customer": rng.integers(1, 300, n).astype(str),
        "Date": pd.Series(np.datetime64("2023-01-01") + rng.integers(0, 365, n).astype("timedelta64[D]"))
        .dt.strftime("%d/%m/%Y"),
        "Amount": (rng.integers(100, 10_000, n) / 100).astype(str),
    })
    frame.to_csv(tmp_path / "big.csv", index=False)
    table = read_table(tmp_path / "big.csv")
    result = clean_orders(table.frame, first_row=table.first_row)
    expected = pd.to_datetime(frame["Date"], format="%d/%m/%Y")
    assert len(result.frame) + result.issues["row"].nunique() == n
    got = result.frame.sort_values("row")
    kept = got["row"].to_numpy() - 2
    assert (got["date"].to_numpy() == expected.to_numpy()[kept]).all()
    assert np.allclose(got["amount"].to_numpy(), frame["Amount"].astype(float).to_numpy()[kept])


def test_xlsx_header_and_a_sample_are_checked_before_the_rest_of_the_sheet(tmp_path, monkeypatch):
    from retention_xl.sources import file_checks, files

    path = tmp_path / "orders.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["A", "B", "Total"])
    for i in range(1000):
        ws.append([f"x{i}", "2024-01-01", i])
    wb.save(path)
    seen = []
    real = file_checks.check_sheet_size
    monkeypatch.setattr(file_checks, "check_sheet_size", lambda *a: (seen.append(a[2]), real(*a)))
    samples = []

    def check(sample):
        samples.append(sample)
        raise DataError("no customer column")

    with pytest.raises(DataError, match="no customer column"):
        read_table(path, check=check)
    assert max(seen) == files.SAMPLE_ROWS  # the other 800 rows were never read
    assert list(samples[0].columns) == ["A", "B", "Total"] and len(samples[0]) == files.SAMPLE_ROWS - 1
    # a sheet that passes the check is read whole
    table = read_table(path, check=lambda sample: None)
    assert len(table.frame) == 1000


def test_read_orders_refuses_a_workbook_without_usable_columns_from_its_header(tmp_path):
    from retention_xl.errors import MissingColumns
    from retention_xl.file_pipeline import read_orders

    path = tmp_path / "orders.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["A", "B", "Total"])
    wb.active.append(["x", "2024-01-01", 1])
    wb.save(path)
    with pytest.raises(MissingColumns, match="customer and date"):
        read_orders(path)


def test_a_workbook_made_from_the_template_is_read_from_its_tables(tmp_path):
    """Titles and hints above the template's Tables are not the header: the Table's range is read."""
    from retention_xl.template import build_template

    book = build_template(tmp_path / "mine.xlsx", sample=True)
    orders = read_table(book)
    assert list(orders.frame.columns) == ["Customer", "Order date", "Amount", "Order id", "Channel"]
    assert orders.first_row == 5 and orders.source == "mine.xlsx, table 'Orders' on sheet 'Orders'"
    survey = read_table(book, table="Survey")
    assert survey.frame.columns[:3].tolist() == ["Customer", "Date", "Score"] and len(survey.frame) == 10


def test_a_blank_header_has_one_name_in_every_reader(tmp_path):
    # a blank header is "Column C" (its column, as Excel shows the file) in a CSV and in a
    # workbook, in the first rows the header check sees and in the whole sheet read, and in
    # the CSV streamed to DuckDB: the name the lists of columns show is the one --amount takes
    from retention_xl.sources.datasets import Dataset

    csv_path = write(tmp_path / "blank.csv", "Customer,Date,\na,2024-01-01,10\n")
    assert read_table(csv_path).frame.columns.tolist() == ["Customer", "Date", "Column C"]
    streamed = next(Dataset.of_csv(csv_path).batches())
    assert streamed.schema.names == ["Customer", "Date", "Column C"]
    assert streamed.column(2).to_pylist() == ["10"]

    xlsx_path = tmp_path / "merged.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws["A1"], ws["B1"] = "Customer", "Order"
    ws.merge_cells("B1:C1")
    ws.append(["c1", dt.datetime(2024, 1, 3), 120])
    book.save(xlsx_path)
    seen = []
    table = read_table(xlsx_path, check=lambda sample: seen.append(sample.columns.tolist()))
    assert seen == [table.frame.columns.tolist()] == [["Customer", "Order", "Column C"]]


TITLE_ROWS = ("My Shop - Orders export\nGenerated 2024-04-01\n\nCustomer,Date,Amount\n"
              "a,2024-01-05,10\nb,2024-01-06,20\n")
SEP_HINT = "sep=;\nCustomer;Date;Amount\na;05/01/2024;10,5\nb;06/01/2024;20\na;07/02/2024;1.000,25\n"


def test_title_lines_above_a_csv_header_are_passed_over_as_in_a_workbook(tmp_path):
    # was pandas' "Error tokenizing data. C error: Expected 1 fields in line 4, saw 3"
    from retention_xl.sources.datasets import Dataset

    path = write(tmp_path / "title_rows.csv", TITLE_ROWS)
    table = read_table(path)
    assert table.frame.columns.tolist() == ["Customer", "Date", "Amount"]
    assert table.frame["Amount"].tolist() == ["10", "20"] and table.first_row == 5
    streamed = Dataset.of_csv(path)
    assert next(streamed.batches()).column(2).to_pylist() == ["10", "20"] and streamed.first_row == 5


def test_excels_sep_hint_decides_the_delimiter(tmp_path):
    from retention_xl.sources.datasets import Dataset

    path = write(tmp_path / "sep_hint.csv", SEP_HINT)
    table = read_table(path)
    assert table.frame.columns.tolist() == ["Customer", "Date", "Amount"]
    assert table.frame["Amount"].tolist() == ["10,5", "20", "1.000,25"] and table.first_row == 3
    assert next(Dataset.of_csv(path).batches()).column(2).to_pylist() == ["10,5", "20", "1.000,25"]


def test_a_csv_that_cannot_be_parsed_says_where_its_header_was_taken_to_be(tmp_path):
    with pytest.raises(DataError, match=r"more cells than the header \(taken to be line 1, with 2 cells\).*"
                                        r"delete the lines above its header"):
        read_table(write(tmp_path / "t.csv", "Orders export, April\nCustomer,Date,Amount\na,2024-01-05,10\n"))
    with pytest.raises(DataError, match="line 3 has 5 cells, but the header was taken to be line 1, which has 3"):
        read_table(write(tmp_path / "r.csv", "Customer,Date,Amount\na,2024-01-05,10\nb,2024-01-05,10,5,6\n"))


# ---------------------------------------------------------------- Western and Arabic code pages

# German Excel's "CSV (Trennzeichen-getrennt)": Windows-1252, semicolons, decimal comma, CRLF
GERMAN_1252 = ("Customer;Order date;Amount\r\nJörg Bäcker;05.01.2024;10,00\r\nÄnne Größ;06.01.2024;20,00\r\n"
               "Jörg Bäcker;07.02.2024;5,00\r\n")
# Persian Windows' code page has no Persian ye (U+06CC): it writes the Arabic one (U+064A)
PERSIAN_1256 = ("نام مشتري;ايميل;تاريخ;مبلغ\r\nعلي رضايي;ali.rezaei@example.com;1402/01/15;12000\r\n"
                "مريم گل‌محمدي;maryam.g@example.ir;1402/02/01;500\r\n")


def test_a_western_windows_1252_csv_is_not_read_as_arabic(tmp_path):
    # ä ö ß Ä are Arabic letters in Windows-1256 (Jِrg Bنcker), but inside Latin words
    table = read_table(write(tmp_path / "de1252.csv", GERMAN_1252, "cp1252"))
    assert table.frame["Customer"].tolist() == ["Jörg Bäcker", "Änne Größ", "Jörg Bäcker"]
    assert detect_encoding("Muñoz;HÔTEL MÜLLER;Øre\r\n".encode("cp1252")) == "cp1252"


def test_arabic_and_persian_windows_1256_csvs_with_latin_e_mails(tmp_path):
    table = read_table(write(tmp_path / "fa1256.csv", PERSIAN_1256, "cp1256"))
    assert table.frame.columns.tolist() == ["نام مشتري", "ايميل", "تاريخ", "مبلغ"]
    assert table.frame["نام مشتري"].tolist() == ["علي رضايي", "مريم گل‌محمدي"]
    arabic = "العميل,البريد,المبلغ\r\nمحمد علي,m.ali@example.com,10\r\nسارة,sara@example.com,5\r\n"
    assert detect_encoding(arabic.encode("cp1256")) == "cp1256"


# ---------------------------------------------------------------- a delimiter at the end of each row

def test_rows_ending_with_a_delimiter_the_header_lacks_are_read_as_the_header_columns(tmp_path):
    # was "more cells than the header ... an unquoted ',' inside a value?"
    table = read_table(write(tmp_path / "t.csv", "Customer,Order date,Amount\na,2024-01-05,10,\nb,2024-01-06,20,\n"))
    assert table.frame.to_dict("list") == {"Customer": ["a", "b"], "Order date": ["2024-01-05", "2024-01-06"],
                                           "Amount": ["10", "20"]}
    # decimal commas: the delimiter was taken to be "," (two cells a row, one header lower)
    text = "Customer;Order date;Amount\r\na@x.com;05/01/2024;100,00;\r\n\r\nb@x.com;06/01/2024;20,50;\r\n"
    assert detect_delimiter(text) == ";"
    table = read_table(write(tmp_path / "s.csv", text))
    assert table.frame.columns.tolist() == ["Customer", "Order date", "Amount"] and table.first_row == 2
    result = clean_orders(table.frame, first_row=table.first_row)
    assert result.frame["amount"].tolist() == [100.0, 20.5] and result.frame["row"].tolist() == [2, 4]


def test_rows_with_a_value_past_the_header_are_still_refused(tmp_path):
    with pytest.raises(DataError, match="more cells than the header"):
        read_table(write(tmp_path / "u.csv", "Customer,Date,Total\na,2024-01-05,10,\nb,2024-01-06,20,5\n"))
    # all the first 200 KB end with an empty cell, a row further down has a value there
    rows = "".join(f"c{i},2024-01-05,10,\n" for i in range(12_000))
    with pytest.raises(DataError, match=r"more cells than the header \(taken to be line 1, with 3 cells\)"):
        read_table(write(tmp_path / "late.csv", "Customer,Date,Total\n" + rows + "z,2024-01-06,20,5\n"))


# ---------------------------------------------------------------- which sheet, and which header

@pytest.mark.parametrize("name", ["الطلبات", "طلبات", "سفارش‌ها", "سفارشات", "سفارش ها", " ORDERS "])
def test_a_sheet_named_for_the_orders_in_arabic_or_persian_is_preferred(tmp_path, name):
    path = make_workbook(tmp_path / "w.xlsx", {"Notes": [["Exported 2024-04-01", "by ERP"]], name: ORDERS,
                                               "Summary": [["x", "y"]]})
    assert read_table(path).source == f"w.xlsx, sheet '{name}'"


def test_columns_not_found_on_a_sheet_name_the_other_sheets_and_the_argument_to_choose_one(tmp_path):
    from retention_xl.errors import MissingColumns
    from retention_xl.file_pipeline import read_orders

    path = make_workbook(tmp_path / "w.xlsx", {"Notes": [["Region", "Note"], ["x", "y"]],
                                               "Orders 2024": ORDERS, "Summary": [["x"]]})
    with pytest.raises(MissingColumns) as e:
        read_orders(path)
    assert str(e.value).endswith("; this is worksheet 'Notes' of 'w.xlsx', whose other sheets are 'Orders 2024', "
                                 "'Summary': to read one of them, name it with sheet")
    assert e.value.option == "sheet" and e.value.roles == ("customer", "date", "amount")
    assert "header was taken" not in str(e.value)  # the header is on row 1
    assert sorted(read_orders(path, sheet="Orders 2024").frame["amount"]) == [-4.0, 7.0, 10.5]
    # the command line names the argument by its flag
    from typer.testing import CliRunner

    from retention_xl.cli import app

    result = CliRunner().invoke(app, ["report", str(path), "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 1
    assert "to read one of them, name it with --sheet. Name the column with --customer" in " ".join(result.output.split())
    # a column named "sheet" listed before it stays its name
    named = make_workbook(tmp_path / "n.xlsx", {"Notes": [["sheet", "Note"], ["x", "y"]], "Orders 2024": ORDERS})
    result = CliRunner().invoke(app, ["report", str(named), "-o", str(tmp_path / "r.xlsx")])
    said = " ".join(result.output.split())
    assert "columns found: 'sheet', 'Note'" in said and "to read one of them, name it with --sheet." in said
    # a workbook of one sheet has no other to choose
    one = make_workbook(tmp_path / "one.xlsx", {"Notes": [["Region", "Note"], ["x", "y"]]})
    with pytest.raises(MissingColumns) as e:
        read_orders(one)
    assert "other sheets" not in str(e.value) and e.value.option is None


def test_columns_not_found_below_a_title_block_say_which_line_was_the_header(tmp_path):
    from retention_xl.errors import MissingColumns
    from retention_xl.file_pipeline import read_orders

    # a title block whose second line fills two cells: that line is the header (the rule stays)
    text = "Orders report,,\nFrom,2024-01-01,to 2024-03-31\nCustomer,Order date,Amount\na,2024-01-05,10\n"
    with pytest.raises(MissingColumns, match=r"columns found: 'From', '2024-01-01', 'to 2024-03-31'; .*; the header "
                                             r"was taken to be line 2 of 't.csv', the first with two or more filled "
                                             r"cells; if the table starts lower, delete the lines above its header$"):
        read_orders(write(tmp_path / "t.csv", text))
    path = make_workbook(tmp_path / "t.xlsx", {"Report": [["Orders report"], ["From", "2024-01-01", "to 2024-03-31"],
                                                          ["Customer", "Order date", "Amount"], ["a", "2024-01-05", 10]]})
    with pytest.raises(MissingColumns, match=r"; the header was taken to be row 2 of worksheet 'Report', the first "
                                             r"with two or more filled cells; if the table starts lower, delete the "
                                             r"rows above its header$"):
        read_orders(path)
    # nothing above the header (blank lines and Excel's sep= hint aside): nothing to delete
    with pytest.raises(MissingColumns) as e:
        read_orders(write(tmp_path / "h.csv", "sep=,\n\nFoo,Bar,Baz\n1,2,3\n"))
    assert "taken to be" not in str(e.value)


def _formula_workbook(path, amount_formulas=True):
    # as openpyxl (and other programs that do not calculate) write formulas: no values
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Orders"
    ws.append(["Customer", "Date", "Qty", "Price", "Amount", "Note"])
    for i in range(2, 8):
        ws.append([f"c{i % 3}", dt.date(2024, 1, i), 2, 5.5, f"=C{i}*D{i}" if amount_formulas else 11.0,
                   f'=A{i}&" (web)"'])
    wb.save(path)
    return path


def test_formulas_never_calculated_in_a_column_used_are_refused_with_the_remedy(tmp_path):
    from retention_xl import read_orders

    path = _formula_workbook(tmp_path / "orders.xlsx")
    with pytest.raises(DataError, match=r"The formulas of column 'Amount' \(=C2\*D2\) of sheet 'Orders' in "
                                        r"'orders.xlsx' have no calculated values \(each reads as blank or 0\): .* Open it in Excel or LibreOffice "
                                        r"and save it"):
        read_orders(path)
    # xlsxwriter writes a 0 for every formula's result: the revenue would be 0.00
    import xlsxwriter

    book = xlsxwriter.Workbook(tmp_path / "xlsxwriter.xlsx")
    ws = book.add_worksheet("Orders")
    ws.write_row(0, 0, ["Customer", "Date", "Qty", "Price", "Amount"])
    for i in range(1, 7):
        ws.write_row(i, 0, [f"c{i % 3}", f"2024-01-0{i}", 2, 5.5])
        ws.write_formula(i, 4, f"=C{i + 1}*D{i + 1}")
    book.close()
    with pytest.raises(DataError, match=r"column 'Amount' \(=C2\*D2\) .* \(each reads as blank or 0\)"):
        read_orders(tmp_path / "xlsxwriter.xlsx")
    # a column the report does not use may hold such formulas
    orders = read_orders(_formula_workbook(tmp_path / "values.xlsx", amount_formulas=False))
    assert orders.frame["amount"].tolist() == [11.0] * 6


@pytest.mark.slow  # LibreOffice converts the file: over a second
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_same_formulas_saved_by_libreoffice_are_read_with_their_values(tmp_path):
    from retention_xl import read_orders

    source = _formula_workbook(tmp_path / "orders.xlsx")
    out = tmp_path / "saved"
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                             "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                            capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr.decode()
    assert read_orders(out / "orders.xlsx").frame["amount"].tolist() == [11.0] * 6
