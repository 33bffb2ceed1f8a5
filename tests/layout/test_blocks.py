"""Table cells as the writers receive them: plain Python values, blanks as None."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from retention_xl.layout.blocks import Column, Table, table_values

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
