"""Hostile files and broken tables through ``retention-xl report``, end to end.

Every case ends in a report whose Data issues account for every input row, or in one clear
line and exit code 1: never a traceback, never a half-written file. What each case is and
what the command does is also listed in docs/reliability.md.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlsxwriter
from typer.testing import CliRunner

from retention_xl.sources import file_checks
from retention_xl.cli import app
from retention_xl import layout as report_layout
from retention_xl.writers import xlsx_file
from retention_xl.labels import label
from retention_xl.sample import generate_orders

runner = CliRunner()
DATA = Path(__file__).resolve().parent / "data" / "hostile"
HEADER = "Customer,Date,Amount\n"


def report(src: Path, *args: str):
    """Run the command; return (result, output path)."""
    target = src.with_name(src.stem + "-report.xlsx")
    result = runner.invoke(app, ["report", str(src), "-o", str(target), *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result, target


def refused(src: Path, *message: str, args: tuple[str, ...] = ()) -> str:
    result, target = report(src, *args)
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    for part in message:
        assert part in text, text
    assert not target.exists()
    assert not list(src.parent.glob(".*.tmp"))  # no temporary file left behind
    return text


def table(wb: openpyxl.Workbook, name: str) -> pd.DataFrame:
    for ws in wb.worksheets:
        if name in ws.tables:
            cells = ws[ws.tables[name].ref]
            rows = [[c.value for c in row] for row in cells]
            return pd.DataFrame(rows[1:], columns=rows[0])
    raise KeyError(name)


def accounted(target: Path, n_rows: int, lang: str = "en") -> tuple[int, int]:
    """Rows used (orders of the Customers table) and skipped (Data issues); they add up."""
    wb = openpyxl.load_workbook(target)
    customers = table(wb, "Customers")
    issues = table(wb, "DataIssues")
    used = int(customers.iloc[:, 3].fillna(0).sum())  # the Orders column
    skipped = issues.loc[issues.iloc[:, 4] == label(lang, "action.skipped"), issues.columns[0]].nunique()
    assert used + skipped == n_rows
    return used, skipped


# ---------------------------------------------------------------- broken tables

def test_empty_file(tmp_path):
    src = tmp_path / "empty.csv"
    src.write_bytes(b"")
    refused(src, "'empty.csv' is empty")


def test_header_only(tmp_path):
    src = tmp_path / "header.csv"
    src.write_text(HEADER)
    refused(src, "'header.csv' has a header row but no rows below it")
    book = tmp_path / "header.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Customer", "Date", "Amount"])
    wb.save(book)
    refused(book, "has a header row but no rows below it")


def test_unrecognised_columns_are_listed(tmp_path):
    src = tmp_path / "foo.csv"
    src.write_text("Foo,Bar,Baz\n1,2,3\n")
    refused(src, "could not tell which column holds the customer and date and amount",
            "columns found: 'Foo', 'Bar', 'Baz'", "--customer COLUMN")


@pytest.mark.slow
def test_a_thousand_odd_columns_are_listed_briefly(tmp_path):
    src = tmp_path / "wide.csv"
    src.write_text(",".join(f"field{i}" for i in range(1000)) + "\n" + ",".join("1" * 1000) + "\n")
    text = refused(src, "columns found: 'field0', 'field1'", "'field29' and 970 more")
    assert len(text) < 1000


def test_all_rows_invalid_says_why(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text(HEADER + ",2023-01-01,5\nb,soon,1\nc,2023-01-02,lots\n")
    refused(src, "no usable orders: all 3 rows were skipped (1 missing customer, 1 not a date,",
            "first: row 2, 'Customer' = '': missing customer",
            "customer 'Customer', date 'Date', amount 'Amount'")


def test_single_customer(tmp_path):
    src = tmp_path / "one.csv"
    src.write_text(HEADER + "a,2023-01-05,10\na,2023-03-01,20\na,2023-03-01,20\n")
    result, target = report(src)
    assert result.exit_code == 0, result.output
    assert "3 rows read, 3 used, 0 skipped" in " ".join(result.output.split())  # the identical row is kept
    assert accounted(target, 3) == (3, 0)
    issues = table(openpyxl.load_workbook(target), "DataIssues")
    assert issues.iloc[0].tolist()[:1] + issues.iloc[0].tolist()[3:] == [4, "possible duplicate of row 3 (kept)", "kept", 1]


def test_an_order_left_out_lists_how_many_rows_it_covers(tmp_path):
    # Shopify order lines: a voided order of 3 lines, a refunded one of 2, one without a
    # total. Each is listed at its first line; the Rows column makes the 6 rows skipped add up.
    src = tmp_path / "orders_export.csv"
    src.write_text(
        "Name,Email,Financial Status,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price\n"
        "#11,a@y.com,paid,30.00,2024-01-05 10:00:00 +0000,1,A,10.00\n"
        "#11,a@y.com,,,,1,B,20.00\n"
        "#12,a@y.com,voided,35.00,2024-02-05 10:00:00 +0000,1,A,10.00\n"
        "#12,a@y.com,,,,1,B,20.00\n"
        "#12,a@y.com,,,,1,C,5.00\n"
        "#13,b@y.com,refunded,50.00,2024-02-06 10:00:00 +0000,1,A,10.00\n"
        "#13,b@y.com,,,,2,B,20.00\n"
        "#14,b@y.com,paid,20.00,2024-03-06 10:00:00 +0000,1,A,10.00\n"
        "#15,c@y.com,paid,,2024-03-07 10:00:00 +0000,1,A,10.00\n"
    )
    result, target = report(src)
    assert result.exit_code == 0, result.output
    assert "9 rows read, 3 used, 6 skipped" in " ".join(result.output.split())
    issues = table(openpyxl.load_workbook(target), "DataIssues")
    assert issues.columns[-1] == "Rows"
    assert issues[["Input row", "Rows"]].to_numpy().tolist() == [[4, 3], [7, 2], [10, 1]]


def test_one_day_of_data(tmp_path):
    src = tmp_path / "day.csv"
    src.write_text(HEADER + "".join(f"c{i},2024-02-29,{i}\n" for i in range(1, 6)))
    result, target = report(src, "--period", "W")
    assert result.exit_code == 0, result.output
    assert accounted(target, 5) == (5, 0)
    kpis = table(openpyxl.load_workbook(target), "PeriodKPIs")
    assert len(kpis) == 1 and kpis.iloc[0, 3] == 5  # one week, five new customers


@pytest.mark.slow  # about a second with its cases: left out of the quick loop, CI runs it
def test_dates_far_in_the_future_and_before_1900(tmp_path):
    src = tmp_path / "far.csv"
    src.write_text(HEADER + "a,2023-01-01,1\nb,2200-12-31,2\nc,1850-03-01,3\nd,1899-12-31,4\ne,2201-01-01,5\n")
    result, target = report(src, "--period", "Y")
    assert result.exit_code == 0, result.output
    assert accounted(target, 5) == (2, 3)
    issues = table(openpyxl.load_workbook(target), "DataIssues")
    assert issues.iloc[:, 0].tolist() == [4, 5, 6]
    assert all("year out of range" in p for p in issues.iloc[:, 3])
    kpis = table(openpyxl.load_workbook(target), "PeriodKPIs")
    assert kpis.iloc[0, 0] == "2023" and kpis.iloc[-1, 0] == "2200" and len(kpis) == 178


def test_only_dates_before_1900(tmp_path):
    src = tmp_path / "old.csv"
    src.write_text(HEADER + "a,1850-01-01,1\nb,1851-02-01,2\n")
    refused(src, "no usable orders: all 2 rows were skipped (2 year out of range")


def test_arabic_windows_1256_export(tmp_path):
    """Arabic Excel's "CSV (Comma delimited)": Windows-1256, semicolons, decimal comma."""
    src = tmp_path / "arabic.csv"
    text = ("رقم العميل;تاريخ الطلب;المبلغ\r\n"
            "101;15/01/2023;123,50 ر.س\r\n102;01/02/2023;75 ر.س\r\n101;20/02/2023;10 ر.س\r\n"
            "عميل;غدا;5\r\n")
    src.write_bytes(text.encode("cp1256"))
    result, target = report(src, "--lang", "ar")
    assert result.exit_code == 0, result.output
    assert accounted(target, 4, "ar") == (3, 1)
    wb = openpyxl.load_workbook(target)
    assert wb.worksheets[0].sheet_view.rightToLeft
    customers = table(wb, "Customers")
    assert sorted(customers.iloc[:, 0]) == ["101", "102"]
    assert sorted(customers.iloc[:, 4]) == [75.0, 133.5]
    issues = table(wb, "DataIssues")
    assert issues.iloc[-1, :3].tolist() == [5, "تاريخ الطلب", "غدا"]


# ---------------------------------------------------------------- hostile text files

@pytest.mark.slow
def test_a_200_mb_line(tmp_path):
    src = tmp_path / "line.csv"
    with src.open("wb") as handle:
        handle.write(HEADER.encode())
        handle.write(b"a," * (100 * 2**20))
    refused(src, "Line 2 of 'line.csv' is 200.0 MB long", "a quote (\") is never closed")


def test_a_wide_header(tmp_path):
    src = tmp_path / "wide.csv"
    src.write_text(",".join(f"c{i}" for i in range(20_000)) + "\n")
    refused(src, "has 20,000 columns in its header row")


def test_binary_garbage(tmp_path):
    import numpy as np

    src = tmp_path / "garbage.csv"
    noise = np.random.default_rng(3).integers(1, 256, 100_000, dtype=np.uint8).tobytes()  # no NUL
    src.write_bytes(noise)
    refused(src, "'garbage.csv' does not look like text", "control characters")


def test_nul_bytes(tmp_path):
    src = tmp_path / "nul.csv"
    src.write_bytes((HEADER + "a,2023-01-01,1\nb\x00,2023-01-02,2\n").encode())
    refused(src, "contains binary data (a NUL byte on line 3)")
    padded = tmp_path / "padded.csv"  # NUL padding after the last line is dropped
    padded.write_bytes((HEADER + "a,2023-01-01,1\n").encode() + b"\x00" * 4096)
    result, target = report(padded)
    assert result.exit_code == 0, result.output
    assert accounted(target, 1) == (1, 0)


def test_bytes_of_no_known_encoding(tmp_path):
    src = tmp_path / "enc.csv"
    src.write_bytes(HEADER.encode() + b"caf\xe9 Zo\xeb na\xefve,2023-01-01,1\nb\x81,2023-01-02,2\n")
    refused(src, "it is not UTF-8 text, and byte 0x81 on line 3 is not a letter in Windows-1252")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("zip.csv", b"PK\x03\x04rest", "'zip.csv' is a zip package (an .xlsx workbook?)"),
        ("ole.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "'ole.csv' is a binary Excel file (.xls)"),
        ("pq.csv", b"PAR1rest", "'pq.csv' is a Parquet file, not CSV text"),
    ],
)
def test_other_formats_named_csv(tmp_path, name, data, message):
    src = tmp_path / name
    src.write_bytes(data)
    refused(src, message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (HEADER.encode() + b"a,2023-01-01,1\n", "it is text or another format, not a Parquet file"),
        (b"PK\x03\x04" + b"x" * 100, "it is a workbook (zip package), not a Parquet file"),
        (b"PAR1" + b"\x00" * 100, "it is damaged or not complete, not a Parquet file"),
        (b"PAR1" + b"\x00" * 100 + b"PAR1", "Cannot read 'o.parquet' as Parquet"),
    ],
)
def test_parquet_that_is_not_parquet(tmp_path, data, message):
    src = tmp_path / "o.parquet"
    src.write_bytes(data)
    refused(src, message)


def test_parquet_too_large_by_its_metadata(tmp_path, monkeypatch):
    src = tmp_path / "big.parquet"
    pd.DataFrame({"Customer": ["a"] * 30, "Date": ["2023-01-01"] * 30, "Amount": [1.0] * 30}).to_parquet(src)
    monkeypatch.setattr(file_checks, "MAX_FILE_CELLS", 60)
    refused(src, "'big.parquet' holds 30 rows x 3 columns", "keep only the order columns")


# ---------------------------------------------------------------- hostile workbooks

def workbook(path: Path, rows=(("Customer", "Date", "Amount"), ("a", "2023-01-01", 1))) -> Path:
    """A small workbook written by xlsxwriter (shared strings, as Excel writes them)."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Orders")
    for i, row in enumerate(rows):
        ws.write_row(i, 0, row)
    wb.close()
    return path


def repack(src: Path, dst: Path, parts: dict[str, bytes], level: int = 6) -> Path:
    """``src`` with some parts replaced or added."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        for info in zin.infolist():
            if info.filename not in parts:
                zout.writestr(info, zin.read(info.filename))
        for name, data in parts.items():
            zout.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return dst


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + "]>")


def billion_laughs(tmp_path: Path, part: str, padding: int) -> Path:
    """A workbook whose ``part`` declares the 'billion laughs' entities and uses &lol9;.

    ``padding`` characters of comment before the declaration push it past the first
    bytes of the part, so that only the XML parser itself can stop it.
    """
    base = workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as z:
        xml = z.read(part).decode()
    body = xml[xml.index("?>") + 2:]
    body = body.replace(">a<", ">&lol9;<", 1) if part.endswith("sharedStrings.xml") else \
        body.replace("<sheetData>", "<sheetData><!-- &lol9; -->", 1).replace("</worksheet>", "&lol9;</worksheet>")
    pad = f"<!--{'x' * padding}-->\n" if padding else ""
    return repack(base, tmp_path / "laughs.xlsx", {part: f'<?xml version="1.0"?>\n{pad}{LAUGHS}{body}'.encode()})


@pytest.mark.parametrize(
    ("part", "padding", "message"),
    [
        ("xl/sharedStrings.xml", 0, "its part xl/sharedStrings.xml declares XML entities"),
        ("xl/sharedStrings.xml", 10_000, "its XML declares entities (EntitiesForbidden)"),
        ("xl/worksheets/sheet1.xml", 10_000, "its XML declares entities (EntitiesForbidden)"),
    ],
)
def test_billion_laughs(tmp_path, part, padding, message):
    refused(billion_laughs(tmp_path, part, padding), message, "XML bomb")


def test_workbooks_need_the_protected_xml_parser(tmp_path, monkeypatch):
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # defusedxml is installed and openpyxl uses it
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    refused(workbook(tmp_path / "ok.xlsx"), "openpyxl is not using defusedxml's protected XML parser")


@pytest.mark.slow
def test_zip_bomb_of_2_gb(tmp_path):
    """A sheet part of 2 GB of zeros packed into a 9 MB file is refused from the zip's directory."""
    src = workbook(tmp_path / "base.xlsx")
    dst = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info, zin.read(info.filename))
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zout.open(info, "w", force_zip64=True) as part:
            zeros = b"0" * 2**26
            for _ in range(32):
                part.write(zeros)
    assert dst.stat().st_size < 16 * 2**20
    refused(dst, "'bomb.xlsx' looks like a zip bomb: it unpacks to 2.0 GB (limit 1.5 GB)")


def test_zip_bomb_by_ratio(tmp_path):
    src = workbook(tmp_path / "base.xlsx")
    dst = repack(src, tmp_path / "dense.xlsx", {"xl/media/image1.png": b"\x00" * (64 * 2**20)}, level=9)
    refused(dst, "its part xl/media/image1.png unpacks from 0.1 MB to 64.0 MB (more than 100:1")


def test_zip_with_too_many_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(file_checks, "MAX_ZIP_MEMBERS", 20)
    src = workbook(tmp_path / "base.xlsx")
    dst = repack(src, tmp_path / "parts.xlsx", {f"xl/media/i{i}.png": b"x" for i in range(20)})
    refused(dst, "it holds 30 parts")


def test_damaged_zip(tmp_path):
    src = workbook(tmp_path / "base.xlsx")
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    refused(cut, "'cut.xlsx' is damaged (not a complete zip package")
    flipped = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    flipped[info.header_offset + 30 + len(info.filename) + 5] ^= 0xFF  # inside the packed sheet
    bad = tmp_path / "crc.xlsx"
    bad.write_bytes(bytes(flipped))
    refused(bad, "'crc.xlsx' is damaged")


def test_zip_that_is_not_a_workbook(tmp_path):
    dst = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(dst, "w") as z:
        z.writestr("readme.txt", "hello")
    refused(dst, "'plain.xlsx' is a zip file but not an Excel workbook")


def test_html_saved_as_xlsx(tmp_path):
    src = tmp_path / "web.xlsx"
    src.write_text("<html><table><tr><td>Customer</td></tr></table></html>")
    refused(src, "it is an HTML or XML page (some web exports do that)", "save it as an Excel Workbook")


def test_password_protected_workbook():
    text = refused_copy("password.xlsx", "is protected with a password (encrypted)")
    assert "remove the password" in text


def test_old_binary_xls_is_read_under_its_own_name_and_renamed_xlsx(tmp_path):
    from retention_xl.sources.files import read_table

    for name in ("binary.xls", "renamed.xlsx"):
        path = tmp_path / name
        path.write_bytes((DATA / "binary.xls").read_bytes())
        assert read_table(path).frame["Customer"].tolist() == ["a", "b"]


def refused_copy(fixture: str, *message: str, as_name: str | None = None) -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / (as_name or fixture)
        src.write_bytes((DATA / fixture).read_bytes())
        return refused(src, *message)


def sheet_xml(rows: str, dimension: str = "A1") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def cells(r: int, *values: str) -> str:
    return f'<row r="{r}">' + "".join(
        f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values)) + "</row>"


def test_a_sheet_that_claims_every_cell_is_read_by_its_real_cells(tmp_path):
    """``<dimension ref="A1:XFD1048576">`` would make a reader pad every row to 16,384 cells."""
    rows = cells(1, "Customer", "Date", "Amount") + cells(2, "a", "2023-01-01", "1") + cells(3, "b", "2023-01-02", "2")
    src = repack(workbook(tmp_path / "base.xlsx"), tmp_path / "claim.xlsx",
                 {"xl/worksheets/sheet1.xml": sheet_xml(rows, "A1:XFD1048576")})
    result, target = report(src)
    assert result.exit_code == 0, result.output
    assert accounted(target, 2) == (2, 0)


@pytest.mark.slow
def test_a_sheet_with_rows_past_the_last_row(tmp_path):
    rows = cells(1, "Customer", "Date", "Amount") + cells(2, "a", "2023-01-01", "1") + cells(2_000_000_000, "b")
    src = repack(workbook(tmp_path / "base.xlsx"), tmp_path / "rows.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml(rows)})
    refused(src, "has rows past Excel's last row (1,048,576)")


def test_a_sheet_larger_than_the_cell_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(file_checks, "MAX_FILE_CELLS", 20)
    rows = cells(1, "Customer", "Date", "Amount") + "".join(cells(r, "a", "2023-01-01", "1") for r in range(2, 12))
    src = repack(workbook(tmp_path / "base.xlsx"), tmp_path / "many.xlsx", {"xl/worksheets/sheet1.xml": sheet_xml(rows)})
    refused(src, "spans more than 20 cells", "delete unused columns")


def test_formulas_are_read_as_their_values_and_never_run(tmp_path):
    src = tmp_path / "formula.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet("Orders")
    ws.write_row(0, 0, ["Customer", "Date", "Amount"])
    ws.write_row(1, 0, ["a", "2023-01-01"])
    ws.write_formula(1, 2, '=WEBSERVICE("http://example.invalid")+1', None, 7)
    wb.close()
    result, target = report(src)
    assert result.exit_code == 0, result.output
    customers = table(openpyxl.load_workbook(target), "Customers")
    assert customers.iloc[0, 4] == 7


# ---------------------------------------------------------------- the report's own limits

def test_a_table_longer_than_a_sheet_is_cut_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setattr(report_layout, "SHEET_ROWS", 200)
    src = tmp_path / "orders.csv"
    generate_orders(400, seed=3).to_csv(src, index=False)
    n_customers = pd.read_csv(src)["customer"].nunique()
    result, target = report(src)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(target)
    ws = next(w for w in wb.worksheets if "Customers" in w.tables)
    first, last = ws.tables["Customers"].ref.split(":")
    header_row = int("".join(ch for ch in first if ch.isdigit()))
    assert int("".join(ch for ch in last if ch.isdigit())) == 200
    shown = 200 - header_row
    title = ws.cell(header_row - 1, 1).value
    assert title.endswith(f"Only the first {shown:,} of {n_customers:,} rows are shown: an Excel sheet holds 200 rows, "
                          f"so {n_customers - shown:,} were left out. Filter the input (e.g. a shorter date range) "
                          "to see them.")
    assert ws.max_row == 200
    assert len(table(wb, "Customers")) == shown


# ---------------------------------------------------------------- writing

def test_an_interrupted_write_leaves_no_file(tmp_path, monkeypatch):
    src = workbook(tmp_path / "o.xlsx")

    def fail(report, out, bulk_rows):
        out.write(b"PK\x03\x04 half a workbook")  # interrupted in the middle of writing
        raise MemoryError("interrupted")

    monkeypatch.setattr(xlsx_file, "_write_report", fail)
    target = tmp_path / "o-report.xlsx"
    with pytest.raises(MemoryError):
        runner.invoke(app, ["report", str(src), "-o", str(target)], catch_exceptions=False)
    assert not target.exists() and not list(tmp_path.glob(".*.tmp"))
    target.write_bytes(b"the previous report")
    with pytest.raises(MemoryError):
        runner.invoke(app, ["report", str(src), "-o", str(target), "--force"], catch_exceptions=False)
    assert target.read_bytes() == b"the previous report" and not list(tmp_path.glob(".*.tmp"))


def test_a_write_that_fails_half_way_leaves_the_old_file(tmp_path, monkeypatch):
    """The bytes are in a temporary file when the move fails (a full disk, a locked file)."""
    import os

    src = workbook(tmp_path / "o.xlsx")
    target = tmp_path / "o-report.xlsx"
    target.write_bytes(b"the previous report")
    seen = []

    def fail(tmp, dst):
        seen.append(Path(tmp).stat().st_size)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        runner.invoke(app, ["report", str(src), "-o", str(target), "--force"], catch_exceptions=False)
    assert seen and seen[0] > 1000  # the new report had been written to the temporary file
    assert target.read_bytes() == b"the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o-report.xlsx", "o.xlsx"]
