"""Order tables too large for memory: Parquet datasets, database tables and queries, Spark tables.

A :class:`Dataset` is the data plus where it came from: its :attr:`~Dataset.name` is what
the report says it read, and :meth:`~Dataset.batches` streams its rows as Arrow record
batches of a bounded size, so a table of any length is read a slice at a time.

:func:`open_dataset` recognises the source from what the user typed:

=====================================  ==========================================================
``orders.parquet``                     one Parquet file
``lake/orders/`` or ``lake/*.parquet``  a directory (partitioned ``key=value`` folders too) or glob
``shop.duckdb`` / ``shop.sqlite``      a DuckDB or SQLite database (``table=`` or ``query=``)
``postgresql://user@host/db``          a PostgreSQL database (``table=`` or ``query=``)
``spark:orders``                       a table the Spark session can read (``table=`` works too)
=====================================  ==========================================================

Reading uses DuckDB for Parquet and DuckDB files, the standard library for SQLite, psycopg
for PostgreSQL (a server-side cursor) and the Spark session for Spark tables; each is
imported only when its kind of source is used.

Examples
--------
>>> import tempfile, pandas as pd
>>> folder = tempfile.mkdtemp()
>>> pd.DataFrame({"Customer": ["a", "b"], "Date": ["2024-01-05", "2024-02-01"], "Total": [10, 5]}).to_parquet(f"{folder}/o.parquet")
>>> ds = open_dataset(f"{folder}/o.parquet")
>>> ds.kind, [b.num_rows for b in ds.batches(1)]
('parquet', [1, 1])
"""

from __future__ import annotations

import fnmatch
import glob
import math
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from retention_xl.errors import DataError, EnvironmentProblem, InvalidValue
from retention_xl.sources.table_shape import header_names, unique_headers

__all__ = ["Dataset", "open_dataset", "is_dataset", "would_read", "batch_frame", "exact_whole_numbers", "decimal_floats", "DATABASE_SUFFIXES", "BATCH_ROWS",
           "EXACT_FLOAT"]

#: rows per batch read from a source (a few hundred thousand: bounded memory, fast cleaning)
BATCH_ROWS = 500_000
DATABASE_SUFFIXES = {".duckdb": "duckdb", ".ddb": "duckdb", ".db": "sqlite", ".sqlite": "sqlite",
                     ".sqlite3": "sqlite"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$")


@dataclass(frozen=True)
class Dataset:
    """An order table read in batches.

    Attributes
    ----------
    kind : {"parquet", "duckdb", "sqlite", "postgresql", "spark"}
    location : str
        The path, glob or connection URL (a URL's password is never shown in :attr:`name`).
    table, query : str or None
        For databases and Spark: the table to read, or a SELECT.
    name : str
        What the report says it read, e.g. ``"orders/ (Parquet dataset, 12 files)"``.
    files : tuple of str
        For Parquet: the files read.
    """

    kind: str
    location: str
    table: str | None = None
    query: str | None = None
    name: str = ""
    files: tuple[str, ...] = field(default=(), repr=False)
    spark: object = field(default=None, repr=False, compare=False)
    frame: object = field(default=None, repr=False, compare=False)
    first_row: int = 1

    @classmethod
    def of_csv(cls, path: str | Path) -> Dataset:
        """A CSV file streamed in batches, every cell as text (as
        :func:`~retention_xl.sources.files.read_table` reads it), its encoding and delimiter
        detected the same way; no cell limit, since it is never held whole."""
        import csv as csv_module

        from retention_xl.sources.files import (
            detect_encoding,
            text_layout,
            trailing_delimiter,
        )

        path = Path(path)
        if not path.is_file():
            raise DataError(f"File not found: {path}")
        with path.open("rb") as f:
            head = f.read(200_000)
            whole = not f.read(1)
        encoding = detect_encoding(head)
        text = head.decode(encoding, errors="ignore").lstrip("\ufeff")
        delimiter, blank = text_layout(text)
        lines = text.splitlines()
        width = len(next(csv_module.reader(lines[blank:blank + 1], delimiter=delimiter), []))
        trailing = trailing_delimiter(lines[blank + 1:] if whole else lines[blank + 1:-1], delimiter, width)
        return cls("csv", str(path), name=path.name, first_row=blank + 2,
                   frame=(encoding, delimiter, blank, trailing))

    @classmethod
    def of_frame(cls, frame, name: str, first_row: int = 2) -> Dataset:
        """A table already read (e.g. by :func:`~retention_xl.sources.files.read_table`), in
        slices; ``first_row`` is the file row of its first row."""
        return cls("frame", name, name=name, frame=frame, first_row=first_row)

    def select(self) -> str:
        """The SELECT that reads the table or runs the query."""
        return self.query if self.query else f"SELECT * FROM {self.table}"

    def count_rows(self) -> int | None:
        """Rows in the source when it can say cheaply (Parquet metadata), else None."""
        if self.kind == "frame":
            return len(self.frame)
        if self.kind == "csv":
            return None
        if self.kind != "parquet":
            return None
        import pyarrow.parquet as pq

        return sum(pq.ParquetFile(f).metadata.num_rows for f in self.files)

    def batches(self, rows: int = BATCH_ROWS, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """The rows in order, ``rows`` at a time (decimals as float64); a table in memory
        gives pandas slices, its values untouched. ``columns``: only those, in that order
        (a pass that needs two columns of a wide table reads those two)."""
        if self.kind == "frame":
            frame = self.frame if columns is None else self.frame[list(columns)]
            for start in range(0, len(frame), rows):
                yield frame.iloc[start:start + rows].reset_index(drop=True)
            return
        readers = {"csv": self._csv, "parquet": self._parquet, "duckdb": self._duckdb, "sqlite": self._sqlite,
                   "postgresql": self._postgresql, "spark": self._spark}
        for batch in readers[self.kind](rows, None if columns is None else list(columns)):
            if batch.num_rows:
                batch = _plain_types(_numbered_apart(batch))
                yield batch if columns is None or batch.schema.names == list(columns) else batch.select(list(columns))

    def _columns_of(self, columns: list[str] | None) -> str:
        """The SELECT of :meth:`select`, narrowed to ``columns`` (quoted as SQL names) for a
        table; a query is run as the user wrote it (a trailing ``;`` or ``--`` comment
        cannot be wrapped), its columns picked from the batches."""
        if columns is None or self.query:
            return self.select()
        names = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
        return f"SELECT {names} FROM ({self.select()}) AS source"

    def _csv(self, rows: int, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """The rows as :func:`~retention_xl.sources.files.read_table` reads them: a blank
        line is a (blank) row, a short row is padded, rows that all end with a delimiter
        the header lacks are read as the header's columns, NUL padding at the end is not
        data, and blank rows at the end of the file are not rows of the table."""
        held = None  # blank rows at the end of the batches so far
        for batch in self._csv_records(rows, columns):
            tail = _blank_tail(batch) if columns is None else 0
            if tail == batch.num_rows:
                held = batch if held is None else pa.Table.from_batches([held, batch]).combine_chunks().to_batches()[0]
                continue
            if held is not None:  # blank rows inside the table are rows of it (listed as blank)
                yield held
                held = None
            if tail:
                held = batch.slice(batch.num_rows - tail)
                batch = batch.slice(0, batch.num_rows - tail)
            yield batch

    def _csv_header(self) -> list[str]:
        import csv as csv_module

        encoding, delimiter, blank, _ = self.frame
        with open(self.location, encoding=encoding, errors="ignore", newline="") as f:
            for _ in range(blank):
                f.readline()
            header = next(csv_module.reader([f.readline().lstrip("\ufeff")], delimiter=delimiter), [])
        # a blank header named, and a repeated one numbered ("Currency.1"), as read_table names them
        return unique_headers(header_names(header))

    def _csv_records(self, rows: int, columns: list[str] | None) -> Iterator[pa.RecordBatch]:
        """The file's records, ``rows`` at a time: with pyarrow's reader while every record
        has the header's cells, then (from the first that has not) with Python's."""
        import pyarrow.csv as pacsv

        encoding, delimiter, blank, trailing = self.frame
        header = self._csv_header()
        names = [*header, _TRAILING] if trailing else header

        met = []

        def irregular(row) -> str:  # an exception raised here would be printed, not passed on
            met.append(row)
            return "error"

        done = 0
        try:
            reader = pacsv.open_csv(
                self.location,
                read_options=pacsv.ReadOptions(encoding="utf8" if encoding.startswith("utf-8") else encoding,
                                               skip_rows=blank + 1, column_names=names, block_size=1 << 24),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                                 invalid_row_handler=irregular),
                convert_options=pacsv.ConvertOptions(strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                     null_values=[], column_types=dict.fromkeys(names, pa.string()),
                                                     include_columns=columns if columns is None or not trailing
                                                     else [*columns, _TRAILING]))
            for batch in _exactly(reader, rows):
                yield self._without_trailing(batch, len(header), done)
                done += batch.num_rows
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            if met:
                yield from self._csv_python(header, rows, columns, done)
                return
            raise DataError(f"Cannot read '{Path(self.location).name}' as CSV: {' '.join(str(exc).split())[:300]}") from exc

    def _without_trailing(self, batch: pa.RecordBatch, width: int, done: int) -> pa.RecordBatch:
        """A batch of a file whose rows end with a delimiter the header lacks, without that
        last (empty) cell; a value there is refused, as the file reader refuses it."""
        if _TRAILING not in batch.schema.names:
            return batch
        last = batch.column(_TRAILING)
        if pc.any(pc.not_equal(pc.utf8_trim_whitespace(last), "")).as_py():
            raise self._more_cells(width)
        return batch.drop_columns([_TRAILING])

    def _more_cells(self, width: int) -> DataError:
        from retention_xl.sources.files import more_cells

        return more_cells(Path(self.location), self.frame[2], width, self.frame[1])

    def _csv_python(self, header: list[str], rows: int, columns: list[str] | None,
                    skip: int) -> Iterator[pa.RecordBatch]:
        """The records after the first ``skip``, read by Python's csv module: short ones padded
        with empty cells, blank lines blank rows, NULs at the end dropped (a file padded by
        a system that wrote it in fixed blocks); a record with more cells than the header
        (or, for a file whose rows end with a delimiter, than the header and that empty
        cell) is refused."""
        import csv as csv_module

        encoding, delimiter, blank, trailing = self.frame
        width = len(header)
        keep = list(range(width)) if columns is None else [header.index(c) for c in columns]
        names = header if columns is None else list(columns)
        with open(self.location, encoding=encoding, errors="ignore", newline="") as f:
            for _ in range(blank + 1):
                f.readline()
            lines = (line.replace("\x00", "") for line in f)
            cells: list[list[str]] = [[] for _ in keep]
            count = 0
            reader = csv_module.reader(lines, delimiter=delimiter)
            for n, record in enumerate(reader):
                if n < skip:
                    continue
                if len(record) > width and (not trailing or len(record) > width + 1 or record[width].strip()):
                    if trailing:
                        raise self._more_cells(width)
                    from retention_xl.sources.files import cells_past_header

                    raise cells_past_header(Path(self.location), blank + 1 + reader.line_num, len(record), blank, width)
                for out, i in zip(cells, keep):
                    out.append(record[i] if i < len(record) else "")
                count += 1
                if count == rows:
                    yield pa.record_batch([pa.array(c, pa.string()) for c in cells], names=names)
                    cells, count = [[] for _ in keep], 0
            if count:
                yield pa.record_batch([pa.array(c, pa.string()) for c in cells], names=names)

    def arrow_schema(self) -> pa.Schema | None:
        """The columns and their types as :meth:`batches` gives them, when the source says
        without reading rows (Parquet's metadata); else ``None``."""
        if self.kind != "parquet":
            return None
        return pa.schema([pa.field(f.name, _plain_type(f.type)) for f in self._arrow_dataset().schema
                          if not _PANDAS_INDEX.fullmatch(f.name)])

    def _arrow_dataset(self):
        """The files as one Arrow dataset, its columns typed as the first file has them; a
        column that file types as null (a file of no rows, written without types) takes
        the type the other files give it."""
        import pyarrow.dataset as pds
        import pyarrow.parquet as pq

        def dataset(schema=None):
            return pds.dataset(list(self.files), format="parquet", schema=schema,
                               partitioning="hive" if self._partitioned() else None,
                               partition_base_dir=self.location if Path(self.location).is_dir() else None)

        data = dataset()
        untyped = {f.name for f in data.schema if pa.types.is_null(f.type)}
        if not untyped:
            return data
        typed: dict[str, pa.DataType] = {}
        for path in self.files[1:]:
            for f in pq.read_schema(path):
                if f.name in untyped and f.name not in typed and not pa.types.is_null(f.type):
                    typed[f.name] = f.type
            if len(typed) == len(untyped):
                break
        return dataset(pa.schema([pa.field(f.name, typed.get(f.name, f.type)) for f in data.schema]))

    def _partitioned(self) -> bool:
        """Whether folder names give columns (``year=2024/``: Hive partitioning)."""
        return any("=" in Path(f).parent.name for f in self.files)

    def _parquet(self, rows: int, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        data = self._arrow_dataset()
        if not self._partitioned():  # no columns from folder names: file by file
            yield from _exactly(self._file_batches(data.schema, rows, columns), rows, _plain_types)
            return
        # one batch read ahead at most: memory stays at a few batches whatever the dataset
        # the scanner cuts at row-group ends too (a 1,048,576-row group gives 500,000 + 500,000 +
        # 48,576 rows): cleaning a batch has a fixed cost, so the slices are made even again
        yield from _exactly(data.to_batches(batch_size=rows, batch_readahead=1, fragment_readahead=1,
                                            use_threads=False, columns=columns), rows, _plain_types)

    def _file_batches(self, schema: pa.Schema, rows: int, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        """Each file's rows, ``rows`` at a time across its row groups (pyarrow's dataset
        scanner cuts at every row-group end: 500,000 + 500,000 + 48,576 rows of a
        1,048,576-row group, which made nearly every batch a copy of two); a file whose
        columns differ from the dataset's is read through the scanner, which casts them."""
        import pyarrow.dataset as pds
        import pyarrow.parquet as pq

        for path in self.files:
            with pq.ParquetFile(path) as file:
                if file.schema_arrow.equals(schema, check_metadata=False):
                    yield from file.iter_batches(batch_size=rows, use_threads=False, columns=columns)
                    continue
            yield from pds.dataset([path], schema=schema, format="parquet").to_batches(
                batch_size=rows, batch_readahead=1, fragment_readahead=1, use_threads=False, columns=columns)

    def _duckdb(self, rows: int, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        duckdb = _need("duckdb", "a DuckDB database")
        with duckdb.connect(self.location, read_only=True) as con:
            reader = con.sql(self._columns_of(columns)).to_arrow_reader(rows)
            yield from reader

    def _sqlite(self, rows: int, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        with sqlite3.connect(f"file:{self.location}?mode=ro", uri=True) as con:
            cursor = con.execute(self._columns_of(columns))
            names = [d[0] for d in cursor.description]
            while chunk := cursor.fetchmany(rows):
                yield _batch_of_rows(chunk, names)

    def _postgresql(self, rows: int, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        psycopg = _need("psycopg", "a PostgreSQL database")
        with psycopg.connect(self.location) as con, con.cursor(name="retention_xl_orders") as cursor:
            cursor.itersize = rows
            cursor.execute(self._columns_of(columns))
            names = None
            while chunk := cursor.fetchmany(rows):
                names = names or [d.name for d in cursor.description]
                yield _batch_of_rows(chunk, names)

    def _spark(self, rows: int, columns: list[str] | None = None) -> Iterator[pa.RecordBatch]:
        frame = self.spark.sql(self.select()) if self.query else self.spark.table(self.table)
        if len(set(frame.columns)) < len(frame.columns):  # a join's repeated names, numbered apart
            frame = frame.toDF(*unique_headers(frame.columns))
        frame, zone = _wall_times(frame)
        if columns is not None:  # Spark quotes names with backticks
            frame = frame.select(*["`" + c.replace("`", "``") + "`" for c in columns])
        zoned = set(zone) & set(frame.columns)
        schema = None
        buffer: list = []
        for row in frame.toLocalIterator(prefetchPartitions=True):
            buffer.append(tuple(row))
            schema = schema or frame.columns
            if len(buffer) == rows:
                yield _in_zone(_batch_of_rows(buffer, schema), zoned, zone)
                buffer = []
        if buffer:
            yield _in_zone(_batch_of_rows(buffer, schema), zoned, zone)


def _wall_times(frame):
    """A Spark frame whose timestamps are the times its session shows (its time zone's),
    as timestamps without a zone: pyspark's rows give a zoned timestamp in the time zone
    of the machine instead (2024-01-31 23:00 in a UTC session came as 2024-02-01 02:30 on
    a machine set to Tehran time, an order moved to another month). Also the names of
    those columns, each with the session's time zone, for :func:`_in_zone`."""
    from pyspark.sql.types import TimestampType

    zoned = {f.name for f in frame.schema.fields if isinstance(f.dataType, TimestampType)}
    if not zoned:
        return frame, {}
    def column(name: str):  # quoted: a name with a dot is not a field of a structure
        return frame["`" + name.replace("`", "``") + "`"]

    session_zone = frame.sparkSession.conf.get("spark.sql.session.timeZone")
    return (frame.select(*[column(name).cast("timestamp_ntz").alias(name) if name in zoned else column(name)
                           for name in frame.columns]), dict.fromkeys(zoned, session_zone))


def _in_zone(batch: pa.RecordBatch, names: set, zone: dict) -> pa.RecordBatch:
    """``batch`` with the session's wall times of the columns ``names`` marked with the
    session's time zone again: a zoned timestamp of a Spark table is read, and named on the
    report, in the session's zone as a database's is in its session's (PostgreSQL, DuckDB)."""
    if not names:
        return batch
    arrays = []
    for name, array in zip(batch.schema.names, batch.columns):
        if name in names and pa.types.is_timestamp(array.type) and array.type.tz is None:
            array = pc.assume_timezone(array, zone[name], ambiguous="earliest", nonexistent="earliest")
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


#: the name of the empty last cell of rows that end with a delimiter the header lacks
_TRAILING = "\x00trailing"


def _blank_tail(batch: pa.RecordBatch) -> int:
    """How many rows at the end of ``batch`` are blank (every cell empty or spaces)."""
    n = batch.num_rows
    if not n or not batch.num_columns:
        return 0
    def blank(part: pa.RecordBatch) -> np.ndarray:
        flags = np.ones(part.num_rows, bool)
        for column in part.columns:
            flags &= pc.equal(pc.utf8_trim_whitespace(column.cast(pa.string())), "").to_numpy(zero_copy_only=False)
        return flags
    if not blank(batch.slice(n - 1))[0]:
        return 0
    filled = np.flatnonzero(~blank(batch))
    return n - (int(filled[-1]) + 1 if len(filled) else 0)


def _exactly(batches, rows: int, convert=None) -> Iterator[pa.RecordBatch]:
    """``batches`` of one schema again as batches of exactly ``rows`` rows (the last one
    shorter); each is ``convert``-ed first when given.

    >>> parts = [pa.record_batch({"x": list(range(n))}) for n in (3, 3, 1)]
    >>> [b.num_rows for b in _exactly(parts, 2)]
    [2, 2, 2, 1]
    """
    buffered: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        batch = convert(batch) if convert is not None else batch
        if not buffered and batch.num_rows == rows:
            yield batch
            continue
        buffered.append(batch)
        count += batch.num_rows
        if count >= rows:
            table = pa.Table.from_batches(buffered)
            whole = count - count % rows
            for start in range(0, whole, rows):
                yield from table.slice(start, rows).combine_chunks().to_batches()
            rest = table.slice(whole)
            buffered, count = rest.to_batches(), rest.num_rows
    if count:
        yield from pa.Table.from_batches(buffered).combine_chunks().to_batches()


#: the largest whole number a float holds exactly: a column of larger ones is not made floats
EXACT_FLOAT = 2**53


def batch_frame(batch: pa.RecordBatch | pa.Table, **options) -> pd.DataFrame:
    """A batch as pandas (``options`` to pyarrow's ``to_pandas``), whole numbers exact: a
    column of 64-bit whole numbers with empty cells would become floats, and ids past 2**53
    (a database's bigint customer ids: 9007199254740993) would become their neighbours
    (9007199254740992, another customer's id); such a column is kept as Python whole numbers.

    >>> batch = pa.record_batch({"id": pa.array([9007199254740993, None]), "n": pa.array([1, None])})
    >>> batch_frame(batch).to_dict("list")
    {'id': [9007199254740993, None], 'n': [1.0, nan]}
    """
    return exact_whole_numbers(batch.to_pandas(**options), batch)


def exact_whole_numbers(frame: pd.DataFrame, source: pa.RecordBatch | pa.Table) -> pd.DataFrame:
    """``frame``, made by pandas from ``source``, with each column of 64-bit whole numbers
    that became floats and has a number past 2**53 as ``source``'s Python whole numbers."""
    for name, column in zip(source.schema.names, source.columns):
        if column.null_count and pa.types.is_integer(column.type) and column.type.bit_width == 64 \
                and name in frame.columns and frame[name].dtype.kind == "f" \
                and (pc.max(pc.abs(column)).as_py() or 0) > EXACT_FLOAT:
            frame[name] = pd.Series(column.to_pylist(), dtype=object, index=frame.index)
    return frame


def _numbered_apart(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A batch whose columns repeat a name (a query's ``SELECT *`` over a join: two ``id``)
    with the repeats numbered apart (``id``, ``id.1``), as the file readers number a repeated
    header; other batches as they are."""
    names = batch.schema.names
    if len(set(names)) == len(names):
        return batch
    return pa.RecordBatch.from_arrays(batch.columns, names=unique_headers(names))


def _batch_of_rows(rows: list[tuple], names: list[str]) -> pa.RecordBatch:
    columns = list(zip(*rows)) if rows else [[] for _ in names]
    arrays = []
    for values in columns:
        try:
            arrays.append(pa.array(values, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in one column: keep them as text
            arrays.append(pa.array([_mixed_text(v) for v in values], type=pa.string()))
    return pa.RecordBatch.from_arrays(arrays, names=list(names))


def _mixed_text(value: object) -> str | None:
    """A value of a column of mixed types (SQLite keeps each value's storage class) as
    text, a whole number as a sheet shows it: the customer 42 stored as ``42.0`` beside
    ``'42'`` is ``"42"``, one customer, as the cleaning keys the number 42.0.

    >>> [_mixed_text(v) for v in (42.0, 42, "42", 20.25, float("nan"), None)]
    ['42', '42', '42', '20.25', None, None]
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _plain_type(kind: pa.DataType) -> pa.DataType:
    """The type :func:`_plain_types` gives a column of type ``kind``."""
    if pa.types.is_decimal(kind):
        return pa.float64()
    return kind.value_type if pa.types.is_dictionary(kind) else kind


#: the column pandas writes for an index without a name (``__index_level_0__``): not data
_PANDAS_INDEX = re.compile(r"__index_level_\d+__")


def _plain_types(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Decimals as float64 (money columns of databases), dictionaries decoded, and pandas'
    schema metadata dropped: a file pandas wrote with an index would give it back as the
    index of every batch made a DataFrame, and the cleaning would not see that column (an
    order id, a customer); a named index is data, as the file reader reads it, and an
    unnamed one (``__index_level_0__``) is left out, as there."""
    if batch.schema.metadata:
        keep = [i for i, name in enumerate(batch.schema.names) if not _PANDAS_INDEX.fullmatch(name)]
        batch = batch.select(keep).replace_schema_metadata(None)
    arrays, changed = [], False
    for column in batch.columns:
        if pa.types.is_decimal(column.type):
            column, changed = decimal_floats(column), True
        elif pa.types.is_dictionary(column.type):
            column, changed = column.dictionary_decode(), True
        arrays.append(column)
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names) if changed else batch


def decimal_floats(column: pa.Array) -> pa.Array:
    """A decimal column (PostgreSQL's ``numeric``, a DuckDB or Parquet ``DECIMAL``) as the
    floats the same amounts written as text read as: each the nearest float to the decimal.
    Arrow's own cast multiplies by a power of ten in floating point and misses it in the
    last bit for about one amount in eight (3939.91 became 3939.9100000000003, 0.1 in a
    column of 20 decimals 0.09999999999999999), so a report from the database differed
    from the report of its CSV export.

    >>> import decimal
    >>> decimal_floats(pa.array([decimal.Decimal("3939.91"), decimal.Decimal("0.1"), None])).to_pylist()
    [3939.91, 0.1, None]
    """
    return column.cast(pa.string()).cast(pa.float64())


def _need(module: str, what: str):
    try:
        return __import__(module)
    except ImportError:
        raise EnvironmentProblem(f"reading {what} needs the Python package {module}; install retention-xl[scale]") from None


def is_dataset(source: object) -> bool:
    """True for what :func:`open_dataset` reads and a plain file reader does not: a Parquet
    directory or glob, a database, a connection URL, a Spark table."""
    text = str(source)
    if text.startswith(("postgresql://", "postgres://", "spark:")):
        return True
    if any(ch in text for ch in "*?["):
        return True
    path = Path(text)
    return path.is_dir() or path.suffix.lower() in DATABASE_SUFFIXES


def _safe_url(url: str) -> str:
    """A connection URL without its password."""
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1@", url)


def open_dataset(source: str | Path, *, table: str | None = None, query: str | None = None,
                 spark=None) -> Dataset:
    """Recognise a large order source (see the module's table) and describe it.

    Parameters
    ----------
    source : str or path
        A Parquet file, directory or glob; a .duckdb/.sqlite file; a ``postgresql://``
        URL; or ``spark:TABLE``.
    table, query : str, optional
        For databases and Spark: the table (``schema.table`` allowed) or a SELECT; exactly one.
    spark : pyspark.sql.SparkSession, optional
        The session that reads Spark tables (default: the active one, or a local one).

    Raises
    ------
    DataError
        Nothing at the path, or no Parquet files in a directory or glob.
    InvalidValue
        A database without ``table`` or ``query``, or both, or a table name that is not a name.
    """
    text = str(source)
    if text.startswith("spark:"):
        table = table or text[len("spark:"):] or None
        return _database("spark", text, table, query, spark=spark or _spark_session())
    if text.startswith(("postgresql://", "postgres://")):
        return _database("postgresql", text, table, query)
    path = Path(text)
    if path.suffix.lower() in DATABASE_SUFFIXES and not any(ch in text for ch in "*?["):
        if not path.is_file():
            raise DataError(f"File not found: {path}")
        return _database(DATABASE_SUFFIXES[path.suffix.lower()], str(path), table, query)
    if table or query:
        raise InvalidValue("table and query are for databases and Spark; a Parquet source is read whole")
    if path.is_dir():
        files = sorted(str(p) for p in path.rglob("*") if p.is_file() and _in_folder(p.relative_to(path)))
        where = f"{path.name}/"
    elif any(ch in text for ch in "*?["):
        files = sorted(glob.glob(text, recursive=True))
        where = text
    elif path.is_file():
        files = [str(path)]
        where = path.name
    else:
        raise DataError(f"File not found: {path}")
    if not files:
        raise DataError(f"no Parquet files in {text}")
    empty = [f for f in files if os.path.getsize(f) == 0]
    if empty:
        away = "" if path.is_file() else f", or move it out of {where}"
        raise DataError(f"'{Path(empty[0]).name}' is empty (0 bytes), so it is not a Parquet file: a write that did not "
                        f"finish? Write it again{away}")
    label = where if len(files) == 1 and path.is_file() else f"{where} (Parquet dataset, {len(files):,} files)"
    return Dataset("parquet", str(path) if path.is_dir() else text, name=label, files=tuple(files))


def _in_folder(relative: Path) -> bool:
    """Whether a Parquet folder's dataset is made of the file at ``relative`` (to the folder):
    a .parquet/.pq file not under a hidden or ``_``-named part (``_SUCCESS``, ``.tmp``)."""
    return relative.suffix.lower() in (".parquet", ".pq") and not any(
        part.startswith((".", "_")) for part in relative.parts)


def would_read(source: object, path: str | Path) -> bool:
    """Whether :func:`open_dataset` on the folder or glob ``source`` would read a file at
    ``path`` (there now or not): a file written there would become part of the data.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> would_read(folder, f"{folder}/year=2024/report-customers.parquet"), would_read(folder, f"{folder}/report.xlsx")
    (True, False)
    >>> would_read(f"{folder}/*.parquet", f"{folder}/report-customers.parquet"), would_read(folder + "/*.parquet", "x.parquet")
    (True, False)
    """
    if not isinstance(source, (str, os.PathLike)) or "://" in str(source) or str(source).startswith("spark:"):
        return False
    text, target = str(source), Path(os.path.abspath(Path(path).expanduser()))
    if any(ch in text for ch in "*?["):  # a glob reads whatever it matches (``*`` taken to match "/" too)
        return fnmatch.fnmatch(str(target), os.path.abspath(os.path.expanduser(text)))
    folder = Path(text).expanduser()
    if not folder.is_dir():
        return False
    try:
        relative = Path(os.path.realpath(target)).relative_to(os.path.realpath(folder))
    except ValueError:  # not inside it
        return False
    return _in_folder(relative)


def _database(kind: str, location: str, table: str | None, query: str | None, spark=None) -> Dataset:
    if (table is None) == (query is None):
        raise InvalidValue(f"a {kind} source needs a table or a query (one of them)")
    if table is not None and not _NAME.match(table):
        raise InvalidValue(f"table must be a table name such as orders or sales.orders, got {table!r}")
    where = _safe_url(location) if kind == "postgresql" else Path(location).name if kind in ("duckdb", "sqlite") else "Spark"
    what = f"table {table}" if table else "query"
    return Dataset(kind, location, table, query, name=f"{where}, {what}", spark=spark)


def _spark_session():
    from retention_xl.engines.spark_engine import spark_session

    return spark_session()
