"""Table cells as the writers receive them: plain Python values, blanks as None."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from retention_xl.layout.blocks import Column, Figures, Table, table_values, widths

floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 1e308, 5e-324])


def _expected(value: object) -> float | None:
    """A number cell, value by value: blank unless a finite number (text that reads as one)."""
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@given(st.lists(floats, min_size=1, max_size=30), st.data())
def test_number_columns_of_every_dtype_give_python_floats_or_none(values, data):
    n = len(values)
    ints = data.draw(st.lists(st.integers(-(2**53), 2**53) | st.none(), min_size=n, max_size=n))
    flags = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    texts = data.draw(st.lists(st.sampled_from(["12.5", "x", "", "-3", "1e400", "nan"]) | st.none(), min_size=n,
                               max_size=n))
    with np.errstate(over="ignore"):  # 1e308 is infinite in float32
        narrow = np.array(values, dtype=np.float64).astype(np.float32)
    frame = pd.DataFrame({
        "float": pd.Series(values, dtype="float64"),
        "nullable": pd.Series(ints, dtype="Int64"),
        "float32": pd.Series(narrow),
        "bool": pd.Series(flags, dtype=bool),
        "decimal": pd.Series([decimal.Decimal(str(v)) if v is not None else None for v in ints], dtype=object),
        "text": pd.Series(texts, dtype=object),
    })
    table = Table("T", frame, tuple(Column(c, c, kind) for c, kind in
                                    [("float", "number"), ("nullable", "int"), ("float32", "money"),
                                     ("bool", "percent"), ("decimal", "number"), ("text", "number")]), row=0)
    rows = table_values(table)
    assert len(rows) == n
    for c, name in enumerate(frame.columns):
        column = frame[name]
        expected = [_expected(v) for v in (column.astype(float) if name == "float32" else column)]
        got = [row[c] for row in rows]
        assert [type(v) for v in got] == [type(v) for v in expected], name
        assert all(g is None and e is None or (g == e and math.copysign(1, g) == math.copysign(1, e))
                   for g, e in zip(got, expected)), (name, got, expected)


@given(st.lists(st.datetimes(min_value=dt.datetime(1800, 1, 1), max_value=dt.datetime(9999, 12, 31)) | st.none(),
                min_size=1, max_size=30))
def test_date_columns_give_python_datetimes_or_none(values):
    naive = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), name="d")
    frame = pd.DataFrame({"naive": naive, "text": pd.Series([v.isoformat() if v else None for v in values], dtype=object),
                          "aware": naive.dt.tz_localize("UTC")})
    table = Table("T", frame, (Column("naive", "Date", "date"), Column("text", "When", "datetime"),
                               Column("aware", "At", "datetime")), row=0)
    rows = table_values(table)
    assert [row[0] for row in rows] == [row[1] for row in rows] == values
    assert all(type(row[0]) is (dt.datetime if v is not None else type(None)) for row, v in zip(rows, values))
    assert [row[2] for row in rows] == [v.replace(tzinfo=dt.UTC) if v else None for v in values]


def test_columns_are_wide_enough_for_rial_amounts():
    # a Persian shop's year in rials: net revenue 1,281,200.50 and an order of 12,500,000,000
    # showed as ### in the Summary's headline figure and in a 14-wide money column
    from order_tables import built_report

    raw = pd.DataFrame({"مشتری": ["علی", "رضا", "علی", "مریم"],
                        "تاریخ": ["۱۴۰۳/۰۷/۱۵", "۱۴۰۳/۰۸/۰۱", "۱۴۰۳/۰۹/۰۱", "۱۴۰۳/۰۹/۰۲"],
                        "مبلغ": ["۱۲٬۵۰۰٬۰۰۰٬۰۰۰ ریال", "۱٬۲۵۰٬۰۰۰ ریال", "۳۰۰٬۰۰۰ ریال", "۴۰۰٬۰۰۰ ریال"]})
    summary = built_report(raw, lang="fa").report.sheets[0]
    figures = next(b for b in summary.blocks if isinstance(b, Figures))
    revenue = next(i for i, (_, _, kind) in enumerate(figures.items) if kind == "money")
    assert figures.items[revenue][1] == 12_501_950_000
    # "12,501,950,000.00" in the figures' 14-point bold, about 1.4 times a cell's characters
    assert summary.widths[figures.col + revenue] >= 1.4 * len("12,501,950,000.00")
    kpis = summary.tables[0]
    money = kpis.col + [c.key for c in kpis.columns].index("revenue")
    assert summary.widths[money] >= len("12,500,000,000.00") + 1


def test_widths_keep_the_columns_given_for_small_numbers():
    table = Table("T", pd.DataFrame({"n": [1.5, -2.0], "t": ["a", "b"]}),
                  (Column("n", "N", "money", 10), Column("t", "T", "text", 20)), row=0)
    assert widths([table]) == {0: 10, 1: 20}
