"""Old binary Excel workbooks (.xls): read as the .xlsx reader reads a workbook, from a file
a real spreadsheet application wrote; what some systems export under the .xls name (text, a
web page, an .xlsx package) read or refused by what it is."""

import datetime as dt
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest
from order_tables import DATA

from retention_xl.analysis.orders import clean_orders
from retention_xl.errors import DataError
from retention_xl.sources.files import read_table

XLS = DATA / "orders_fa_libreoffice.xls"  # written by LibreOffice (see tests/data/README.md)
HEADER = ["کد مشتری", "تاریخ سفارش", "مبلغ", "تاریخ شمسی", "شماره سفارش", "ارسال"]


def test_a_libreoffice_xls_is_read_with_its_cells_as_openpyxl_gives_them():
    table = read_table(XLS)
    assert table.source == "orders_fa_libreoffice.xls, sheet 'سفارش‌ها'"
    assert table.first_row == 3  # a title line, then the header on row 2
    assert table.frame.columns.tolist() == HEADER
    first = table.frame.iloc[0].tolist()
    assert first == ["C1", dt.datetime(2024, 1, 5, 10, 30), 120000, "۱۴۰۲/۱۰/۱۵", 1001, True]
    assert type(first[2]) is int and type(first[4]) is int  # whole numbers as int, as openpyxl
    assert table.frame.iloc[1].tolist()[1:] == [dt.datetime(2024, 1, 9), 80000.5, "۱۴۰۲/۱۰/۱۹", "1002", False]
    assert table.frame["مبلغ"].tolist()[3] == "۴۵٬۰۰۰"  # text stays text
    assert table.frame.iloc[4].isna().all()  # the blank row
    assert table.frame["مبلغ"].tolist()[-1] == 200000.5  # the formula's value LibreOffice stored


def test_the_xls_orders_are_cleaned_like_any_workbook():
    table = read_table(XLS)
    result = clean_orders(table.frame, first_row=table.first_row)
    assert result.frame["customer"].tolist() == ["C1", "C2", "C1", "C3", "C2"]
    assert result.frame["amount"].tolist() == [120000.0, 80000.5, -20000.0, 45000.0, 70000.0]
    issues = result.issues.set_index("row")
    assert issues.loc[6, "problem"] == "number_as_text"  # ۴۵٬۰۰۰, read as the number
    assert issues.loc[7, "problem"] == "blank_row"
    assert issues.loc[[9], "problem"].tolist() == ["missing_customer", "missing_date"]  # the formula's row


@pytest.mark.slow  # LibreOffice converts the file: over a second
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_same_workbook_as_xlsx_gives_the_same_table(tmp_path):
    profile = tmp_path / "profile"
    result = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
                             "--outdir", str(tmp_path), str(XLS)], capture_output=True, timeout=180)
    assert result.returncode == 0, result.stderr.decode()
    as_xlsx = read_table(tmp_path / "orders_fa_libreoffice.xlsx")
    ours = read_table(XLS)
    pd.testing.assert_frame_equal(ours.frame, as_xlsx.frame)
    assert ours.first_row == as_xlsx.first_row


def test_a_sheet_is_chosen_by_name_and_a_missing_one_is_named():
    with pytest.raises(DataError, match="The sheet 'Notes' of 'orders_fa_libreoffice.xls' has a header row but no rows"):
        read_table(XLS, sheet="notes")  # found without case; one line of text, no table
    with pytest.raises(DataError, match="has no sheet 'Orders 2024'; its sheets are: 'سفارش‌ها', 'Notes'"):
        read_table(XLS, sheet="Orders 2024")


def test_the_header_check_sees_the_first_rows_before_the_rest(monkeypatch):
    samples = []

    def check(sample):
        samples.append(sample)
        raise DataError("no customer column")

    with pytest.raises(DataError, match="no customer column"):
        read_table(XLS, check=check)
    assert samples[0].columns.tolist() == HEADER


def test_text_under_an_xls_name_is_read_as_the_text_it_is(tmp_path):
    path = tmp_path / "export.xls"  # tab-separated text, as many systems' "Excel" export
    path.write_text("Customer\tDate\tAmount\na\t2024-01-05\t10\nb\t2024-01-09\t20\n", encoding="utf-16")
    table = read_table(path)
    assert table.frame.to_dict("list") == {"Customer": ["a", "b"], "Date": ["2024-01-05", "2024-01-09"],
                                           "Amount": ["10", "20"]}


def test_a_web_page_under_an_xls_name_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "report.xls"
    path.write_text("<html><body><table><tr><td>Customer</td></tr></table></body></html>")
    with pytest.raises(DataError, match="is an HTML or XML page with an .xls name .* save it as an Excel Workbook"):
        read_table(path)


def test_an_xlsx_package_under_an_xls_name_is_read_as_xlsx(tmp_path):
    path = tmp_path / "orders.xls"
    wb = openpyxl.Workbook()
    wb.active.append(["Customer", "Date", "Amount"])
    wb.active.append(["a", dt.datetime(2024, 1, 5), 10])
    wb.save(path)
    assert read_table(path).frame.iloc[0].tolist() == ["a", dt.datetime(2024, 1, 5), 10]


def test_a_damaged_xls_is_one_clear_error(tmp_path):
    path = tmp_path / "cut.xls"
    path.write_bytes(XLS.read_bytes()[:3000])
    with pytest.raises(DataError, match=r"Cannot read 'cut.xls' as an Excel 97-2003 workbook \(.xls\): .*save it as"):
        read_table(path)


def test_a_password_protected_workbook_under_an_xls_name_says_so(tmp_path):
    path = tmp_path / "locked.xls"
    path.write_bytes((DATA / "hostile" / "password.xlsx").read_bytes())
    with pytest.raises(DataError, match="is protected with a password"):
        read_table(path)


def test_an_xls_too_large_to_read_into_memory_is_refused_before_xlrd(monkeypatch):
    from retention_xl.sources import file_checks

    monkeypatch.setattr(file_checks, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(DataError, match="more than retention-xl reads of an .xls workbook"):
        read_table(XLS)


def test_survey_answers_and_a_contact_log_are_read_from_their_own_sheets_of_an_xls():
    # the Orders sheet comes first: a side table must not be read from it
    from retention_xl.file_pipeline import read_side_table

    book = DATA / "orders_survey_contacts_libreoffice.xls"
    survey = read_side_table(book, "survey")
    assert (survey.frame["customer"].tolist(), survey.frame["score"].tolist()) == (["a", "b"], [9.0, 3.0])
    contacts = read_side_table(book, "contacts")
    assert contacts.frame["customer"].tolist() == ["zz"]


def test_a_date_cell_xlrd_cannot_make_a_date_of_stays_its_number():
    from retention_xl.sources.xls_file import _date

    assert (_date(-1.0, 0), _date(3e6, 0)) == (-1.0, 3e6)  # before 1900, past 9999
    assert (_date(45000.5, 0), _date(0.25, 0)) == (dt.datetime(2023, 3, 15, 12), dt.time(6))


def test_columns_not_found_on_an_xls_sheet_name_the_other_sheets():
    from retention_xl.errors import MissingColumns
    from retention_xl.file_pipeline import header_check

    with pytest.raises(MissingColumns, match="; this is worksheet 'Notes' of 'orders_fa_libreoffice.xls', whose other "
                                             "sheets are 'سفارش‌ها': to read one of them, name it with sheet$"):
        read_table(XLS, sheet="Notes", check=header_check(None))
