"""A laid-out Table as the CSV file a mail or SMS tool imports."""

import pandas as pd

from retention_xl.layout.blocks import Column, Table
from retention_xl.writers.csv_table import table_csv_bytes


def rows(table: Table) -> list[str]:
    return table_csv_bytes(table).decode("utf-8-sig").splitlines()


def test_money_and_numbers_are_written_with_two_decimals_and_no_exponent():
    # a mail tool merges the value as written: 1273.7 and 1.5e+16 were written so
    frame = pd.DataFrame({"v": [1273.7, 2510.0, 1.5e16, -0.001, None], "g": [30.0, 12.346, 0.0, 1.0, 2.0],
                          "p": [0.5, 0.12346, 1e-05, 0.0, 1.0]})
    table = Table("T", frame, (Column("v", "Value", "money"), Column("g", "Gap", "number"),
                               Column("p", "Share", "percent")), row=0)
    assert rows(table) == ["Value,Gap,Share", "1273.70,30.00,0.5000", "2510.00,12.35,0.1235",
                           "15000000000000000.00,0.00,0.0000", "0.00,1.00,0.0000", ",2.00,1.0000"]


def test_a_phone_number_is_written_as_it_is_and_a_formula_never_runs():
    values = ["+966501234567", "+98 912 123 4567", "+1+2", "=HYPERLINK(\"x\")", "-5", "@sum(a1)", "+12345"]
    table = Table("T", pd.DataFrame({"c": values}), (Column("c", "Customer", "text"),), row=0)
    lines = table_csv_bytes(table).decode("utf-8-sig").splitlines()[1:]
    # an SMS tool needs the number as it is; the rest get a quote (a space or a second + is arithmetic)
    assert lines == ["+966501234567", "'+98 912 123 4567", "'+1+2", '"\'=HYPERLINK(""x"")"', "'-5", "'@sum(a1)",
                     "'+12345"]
