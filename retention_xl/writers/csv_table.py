"""Write one laid-out Table to a CSV file, for tools that import lists (mail and SMS tools).

The columns and headers are the Table's, in the report's language; dates are written
``YYYY-MM-DD``, money and numbers with two decimals, shares as fractions. The file is
UTF-8 with a byte-order mark, so Excel opens Arabic and Persian text correctly. A text
cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``;
not an international phone number such as ``+966501234567``, which an SMS tool needs as it
is) gets a leading apostrophe, so opening the file never runs anything.

Examples
--------
>>> import tempfile, pathlib
>>> from retention_xl.layout.blocks import Column, Table
>>> t = Table("T", pd.DataFrame({"c": ["a", "=1+1"], "d": pd.to_datetime(["2024-01-05", None])}),
...           (Column("c", "Customer", "text"), Column("d", "Act on", "date")), row=0)
>>> path = write_table_csv(t, pathlib.Path(tempfile.mkdtemp()) / "plan.csv")
>>> path.read_text(encoding="utf-8-sig").splitlines()
['Customer,Act on', 'a,2024-01-05', "'=1+1,"]
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from retention_xl.atomic_write import check_target, refuse_folder, write_atomically
from retention_xl.errors import DataError
from retention_xl.layout.blocks import Table

__all__ = ["write_table_csv", "check_csv_target", "table_csv_bytes"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: an international phone number (a customer known by it): ``+`` and digits only is no
#: formula a spreadsheet runs, and an SMS tool needs it as it is, without a quote before it
_PHONE = r"\+\d{7,15}"


def _column(series: pd.Series, kind: str) -> pd.Series:
    if kind in ("date", "datetime"):
        fmt = "%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M"
        return pd.to_datetime(series).dt.strftime(fmt).fillna("")
    if kind == "text":
        text = series.astype("str").where(series.notna(), "")
        risky = text.str.startswith(_FORMULA_START) & ~text.str.fullmatch(_PHONE)
        return text.where(~risky, "'" + text)
    if kind == "bool":
        return series.map(lambda v: "" if pd.isna(v) else ("TRUE" if v else "FALSE"))
    values = pd.to_numeric(series, errors="coerce").astype(float)
    if kind in ("int", "score"):
        return pd.Series(np.where(np.isfinite(values), values.round().astype("Int64").astype("str"), ""),
                         index=series.index)
    digits = 4 if kind == "percent" else 2
    finite = np.isfinite(values)
    fixed = (values.round(digits) + 0.0).map(f"{{:.{digits}f}}".format)  # + 0.0: no "-0.00"
    return pd.Series(np.where(finite, fixed, ""), index=series.index)


def table_csv_bytes(table: Table) -> bytes:
    """The Table as the bytes of a CSV file (UTF-8 with a byte-order mark)."""
    frame = pd.DataFrame({c.header: _column(table.frame[c.key], c.kind).to_numpy() for c in table.columns})
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue().encode("utf-8-sig")


def check_csv_target(path: str | Path, *, force: bool = False, inputs=()) -> Path:
    """The checks of :func:`write_table_csv` on ``path``, made before any work: a .csv name,
    in a folder that exists, not one of the ``inputs`` read, not over an existing file
    unless ``force`` (see :func:`~retention_xl.atomic_write.check_target`)."""
    refuse_folder(path, "plan.csv")
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise DataError(f"the plan is written as CSV: name the output like {path.with_suffix('.csv').name}")
    return check_target(path, force=force, inputs=inputs, option="output")


def write_table_csv(table: Table, path: str | Path, *, force: bool = False) -> Path:
    """Write ``table`` to ``path`` atomically; an existing file is kept unless ``force``.

    Raises
    ------
    OutputExists
        ``path`` exists and ``force`` is false.
    DataError
        ``path`` does not end in .csv, or its folder does not exist.
    """
    path = check_csv_target(path, force=force)
    data = table_csv_bytes(table)
    return write_atomically(path, lambda handle: handle.write(data), force=force)
