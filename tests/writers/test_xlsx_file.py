"""A large table whose rows are streamed is the same Excel Table as one written cell by cell."""

import io
import re
import zipfile

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter
import pytest

from order_tables import built_report as build_report
from retention_xl.writers.xlsx_file import BULK_ROWS, report_bytes
from retention_xl.sample import generate_orders

pytestmark = pytest.mark.slow  # a 2,600-customer report written several ways


@pytest.fixture(scope="module")
def report():
    orders = generate_orders(2_600, seed=3)
    raw = orders.assign(order_date=orders["order_date"].dt.strftime("%Y-%m-%d %H:%M"))
    built = build_report(raw, source="orders.csv")
    assert len(built.report.table("Customers").frame) > BULK_ROWS  # streamed by default
    return built.report


def _parts(data: bytes, pattern: str) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if re.fullmatch(pattern, n)}


def test_streamed_table_parts_equal_the_cell_by_cell_ones(report):
    streamed = report_bytes(report)
    by_cell = report_bytes(report, bulk_rows=10**9)
    tables = _parts(streamed, r"xl/tables/table\d+\.xml")
    assert tables == _parts(by_cell, r"xl/tables/table\d+\.xml")
    customers = [x for x in tables.values() if b'displayName="Customers"' in x]
    assert len(customers) == 1


def test_streamed_table_covers_every_row_when_read_back(report):
    table = report.table("Customers")
    wb = openpyxl.load_workbook(io.BytesIO(report_bytes(report)))
    ws = next(ws for ws in wb if "Customers" in ws.tables)
    last_col = get_column_letter(table.col + len(table.columns))
    ref = f"A{table.row + 1}:{last_col}{table.last_row + 1}"
    assert ws.tables["Customers"].ref == ref
    assert ws.tables["Customers"].autoFilter.ref == ref
    last = table.frame.iloc[-1]
    assert ws.cell(row=table.last_row + 1, column=1).value == str(last["customer"])
    assert ws.cell(row=table.last_row + 1, column=4).value == last["orders"]


def test_rows_streamed_in_chunks_make_the_same_sheet(report, monkeypatch):
    from retention_xl.writers import xlsx_file

    whole = _parts(report_bytes(report), r"xl/worksheets/sheet\d+\.xml")
    monkeypatch.setattr(xlsx_file, "STREAM_CHUNK", 7)  # 2,600 rows in 372 chunks
    chunked = _parts(report_bytes(report), r"xl/worksheets/sheet\d+\.xml")
    assert chunked == whole


def test_write_xlsx_streams_the_same_file_as_report_bytes(report, tmp_path):
    from retention_xl.writers.xlsx_file import write_xlsx

    path = write_xlsx(report, tmp_path / "r.xlsx")
    on_disk = _parts(path.read_bytes(), r"xl/.*\.xml")
    in_memory = _parts(report_bytes(report), r"xl/.*\.xml")
    assert on_disk == in_memory


def test_a_streamed_categorical_text_column_reads_back_as_written_cell_by_cell():
    """Statuses and actions of the ContactPlan are categories: escaped once each, then spread."""
    from retention_xl.layout.blocks import Column, Report, Sheet, Table

    words = pd.Categorical(["a<b", None, "c&d", "", "a<b"] * 600, categories=["a<b", "c&d", "", "unused"])
    table = Table("T", pd.DataFrame({"w": words, "n": range(3000)}),
                  (Column("w", "Word", "text"), Column("n", "N", "int")), row=1)
    report = Report((Sheet("contacts", "S", (table,)),), "en")
    streamed = openpyxl.load_workbook(io.BytesIO(report_bytes(report)))["S"]
    by_cell = openpyxl.load_workbook(io.BytesIO(report_bytes(report, bulk_rows=10**9)))["S"]
    read = [[c.value for c in row] for row in streamed.iter_rows(min_row=3, max_row=7)]
    assert read == [[c.value for c in row] for row in by_cell.iter_rows(min_row=3, max_row=7)]
    assert [r[0] for r in read] == ["a<b", None, "c&d", "", "a<b"]
