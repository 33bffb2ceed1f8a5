"""The Summary sheet's note on how the report was computed: the engine, and where the full
per-customer table is when the Customers sheet keeps only part of it."""

from __future__ import annotations

import dataclasses

from retention_xl.labels import label
from retention_xl.layout.blocks import Report, Table, Text

__all__ = ["with_run_facts"]


def with_run_facts(report: Report, *, engine: str, shown: int, total: int, customers_file: str | None) -> Report:
    """``report`` with a note below the Summary sheet's last block: which engine computed it
    (``"pandas"``, ``"duckdb"``, ``"spark"``) and, when ``shown < total``, the file that
    holds every customer.

    Examples
    --------
    >>> from retention_xl.layout.blocks import Sheet
    >>> r = Report((Sheet("summary", "Summary", (Text(0, ("Title",)),)),), "en")
    >>> with_run_facts(r, engine="duckdb", shown=5, total=9, customers_file="x.parquet").sheets[0].blocks[-1].lines[0]
    'Computed by DuckDB (embedded, out of core).'
    """
    lang = report.lang
    lines = [label(lang, "note.engine", engine=label(lang, f"engine.{engine}"))]
    if customers_file is not None and shown < total:
        lines.append(label(lang, "note.customers_file", shown=f"{shown:,}", total=f"{total:,}", file=customers_file))
    sheets = []
    for sheet in report.sheets:
        if sheet.key == "summary":
            below = max((b.last_row if isinstance(b, Table) else b.row + len(getattr(b, "lines", ())) - 1
                         for b in sheet.blocks if isinstance(b, (Table, Text))), default=-1)
            sheet = dataclasses.replace(sheet, blocks=(*sheet.blocks, Text(below + 2, tuple(lines))))
        sheets.append(sheet)
    return dataclasses.replace(report, sheets=tuple(sheets))
