"""Cleaning at scale: the pandas cleaning run on a source a slice at a time, staged as Parquet.

The cleaning rules (column roles, dates, digits, amounts, statuses ...) are those of
:func:`retention_xl.pipeline.clean`, applied to each Arrow record batch of the source
(a few hundred thousand rows), so a report from a data lake reads its data exactly as a
report from a pasted sheet. Each batch's clean orders go to a Parquet file in a
temporary folder, in the engines' staged layout (:mod:`retention_xl.engines.definitions`)
plus ``key``, a hash of the whole input row; its issues and notices are kept.

What needs the whole table at once, and how it is handled:

* **The day/month order and the calendar of text dates** are decided per column from all
  its values: a first pass reads only the date column, collects its distinct values and
  decides with the same rules (:func:`~retention_xl.analysis.dates.parse_dates`): the
  order (unless ``dayfirst`` is given) and whether 13xx/14xx years are lunar Hijri or
  Jalali (a "هـ" mark anywhere, or most rows in the future as Jalali), and, in a column
  mixing real dates and text (a workbook), whether the real dates were swapped on paste
  and are most of the column; every batch is then cleaned with those decisions, so no
  batch reads ``1445/06/20`` in another calendar than the rest. With typed dates there is
  no first pass.
* **Orders dated far from all the others** (a mistyped year,
  :mod:`~retention_xl.analysis.far_dates`): every batch counts its orders per day, none
  left out; the far days are decided once over those counts, and the few batches holding
  an order on a far day are read and cleaned again, leaving those orders out exactly as
  the cleaning of the whole table does.
* **The currency reported**, with a currency column: a first pass collects each order's
  currencies over the whole table (:func:`~retention_xl.analysis.currencies.currency_pairs`)
  and decides as the cleaning of one table does; every batch is cleaned with that choice,
  and the orders each batch leaves out in each currency are added up into one notice.
* **Identical rows anywhere in the table**: the engine finds rows whose whole-row ``key``
  and clean customer, time and amount equal an earlier row's (``duplicate_rows``); they
  are kept and listed as possible duplicates of the first, as the cleaning does for one
  table (an order's repeated lines are within one batch and dropped there).
* **Order lines of one order split across batches**: a batch never ends inside a run of
  rows with the same order id (the rows of the id at its end are carried into the next
  batch), so the lines of an order written together, as exports write them, are cleaned
  together. Lines of one order far apart (a refund naming its order days later, an export
  sorted by product) are joined as the cleaning of one table joins them: the ids found in
  more than one batch's distinct ids (compared on disk) are taken out of their batches,
  gathered by id into batches of whole orders, each line keeping its row number, and
  cleaned as such (:func:`_split_orders`); the batches they left are cleaned again without
  them.
* **A refund by status whose sale another batch left out** (a negative row marked
  returned or refunded, :mod:`~retention_xl.analysis.order_status`): every batch gives the
  keys of the sales it left out and of the refunds by status it applied (the order id, or
  with no id the customer and value); a refund whose sale another batch left out is left
  out as the cleaning of the whole table leaves it out, its batch cleaned again with those
  keys (a refund under its order's id is cleaned with that order, as above).
* **The amount level and the decimal separators** (an order total repeated on each line,
  or line amounts; one row per order with a few ids repeated; a decimal comma or point in
  each amount column): every batch counts what the decision rests on
  (:class:`~retention_xl.analysis.orders.SliceEvidence`), the decisions are taken once over
  those counts as the cleaning of one table takes them, and a batch that decided otherwise
  is cleaned again with the whole table's decisions.
* **Column-level conventions decided per batch** (currency marks, time zones, digit scripts, statuses):
  the batches' notices become the whole table's
  (:mod:`retention_xl.engines.batch_notices`); e-mails compared without case and ids read
  as another spelling are counted by the engine over every batch's distinct spellings.

Memory: one batch and its clean result at a time, plus the issues (kept for the Data
issues sheet).
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import operator
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from retention_xl.analysis.column_values import (
    ColumnValues,
    clean_ids,
    email_spellings,
    id_codes,
    id_texts,
)
from retention_xl.analysis.columns import detect_columns, header_words
from retention_xl.analysis.currencies import (
    CurrencyChoice,
    CurrencyCount,
    choose_currency,
    currency_notice,
    currency_pairs,
)
from retention_xl.analysis.dates import parse_dates
from retention_xl.analysis.far_dates import far_days
from retention_xl.analysis.issue_table import issue_frame
from retention_xl.analysis.notices import Notice
from retention_xl.analysis.numerals import (
    NumberReading,
    clean_text,
    decide_comma,
    digit_script,
    plain_ascii,
)
from retention_xl.analysis.orders import (
    Orders,
    SliceDecisions,
    SliceEvidence,
    clean_orders,
    decide_row_level,
    status_notice,
)
from retention_xl.engines.batch_notices import (
    Spellings,
    digit_notices,
    merge_notice,
    tally_currencies,
    tally_statuses,
)
from retention_xl.engines.row_hashes import row_hashes
from retention_xl.engines.split_orders import (
    apart,
    gathered,
    ids_in_several_batches,
    ranges_overlap,
)
from retention_xl.errors import RetentionError
from retention_xl.options import ReportOptions
from retention_xl.pipeline import clean
from retention_xl.sources.datasets import BATCH_ROWS, Dataset, batch_frame

__all__ = [
    "DISTINCT_DATES_LIMIT",
    "STAGED_SCHEMA",
    "Staged",
    "count_pairs",
    "pairs_table",
    "stage_orders",
    "whole_orders",
]

DAY_NS = 86_400_000_000_000
#: distinct date texts the first pass keeps; past it, the decision rests on those seen
DISTINCT_DATES_LIMIT = 2_000_000
STAGED_SCHEMA = pa.schema([("row", pa.int64()), ("customer", pa.string()), ("t", pa.int64()), ("day", pa.int32()),
                           ("amount", pa.float64()), ("key", pa.int64()), ("plain", pa.bool_())])
#: the staged columns worth a dictionary: the others (row, time, hash) are nearly all
#: distinct, and pyarrow would build a dictionary for each only to drop it (a staged
#: batch is written in about half the time, and no larger)
STAGED_DICTIONARY = ["customer", "day"]


@dataclass(frozen=True)
class Staged:
    """Clean orders on disk, ready for an engine.

    Attributes
    ----------
    folder : pathlib.Path
        Temporary folder of Parquet files (``orders-00000.parquet`` ...); removed by
        :meth:`remove`.
    files : tuple of str
    order_ids : tuple of str
        Parquet files of each batch's distinct order ids (no id is in two: the lines of an
        order found in several batches are cleaned together, in a batch of their own).
    emails : tuple of str
        Parquet files of each batch's distinct e-mail addresses as cleaned and as compared
        (``clean, folded``), from which the engine counts the addresses that matched another
        in case only (``emails_casefolded``).
    spellings : tuple of str
        Parquet files of the distinct customer texts of each batch and their ids (``raw,
        id``), from which the engine counts the ids that matched another spelling over the
        whole table (``customer_ids_merged``).
    orders : Orders
        Issues, notices, columns used and rows read, as :func:`~retention_xl.pipeline.clean`
        gives them for the whole table (``frame`` is empty: the orders are in ``files``).
    n_orders : int
        Clean rows staged (before cross-batch duplicates are dropped).
    batches : int
    """

    folder: Path
    files: tuple[str, ...]
    spellings: tuple[str, ...]
    orders: Orders
    n_orders: int
    batches: int
    emails: tuple[str, ...] = ()
    order_ids: tuple[str, ...] = ()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def stage_orders(dataset: Dataset, options: ReportOptions | None = None, *, batch_rows: int = BATCH_ROWS,
                 folder: str | Path | None = None, progress: Callable[[str], None] | None = None,
                 workers: int | None = None) -> Staged:
    """Clean ``dataset`` batch by batch and stage the orders as Parquet.

    Parameters
    ----------
    dataset : Dataset
    options : ReportOptions, optional
        Column roles, date order, statuses (as for :func:`~retention_xl.pipeline.clean`).
    batch_rows : int
        Rows cleaned at a time.
    folder : path, optional
        Where to put the staged files (default: a new temporary folder).
    progress : callable, optional
        Called with a line per batch.
    workers : int, optional
        Processes that clean batches at once (default: one per core, at most 4); the
        first batch is always cleaned here (while a worker cleans the second), the others
        in parallel when there are more.

    Raises
    ------
    MissingColumns, UnknownColumn
        As :func:`~retention_xl.pipeline.clean`, on the first batch.
    """
    options = options or ReportOptions()
    step = progress or (lambda _: None)
    root = Path(tempfile.mkdtemp(prefix="retention-xl-", dir=folder))
    try:
        options, decided, lunar, currency, dates = _first_pass(dataset, options, batch_rows, step)
        workers = min(os.cpu_count() or 1, 4) if workers is None else int(workers)
        return _stage(dataset, options, batch_rows, root, step, decided, workers, lunar, currency, dates)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


#: no decision of the whole table yet: each batch decides and says on what
_SLICE = SliceDecisions()


def _first_pass(dataset: Dataset, options: ReportOptions, batch_rows: int,
                step) -> tuple[ReportOptions, Notice | None, bool | None, CurrencyChoice | None, SliceDecisions]:
    """What must be decided over the whole table before a batch is cleaned, in one pass
    that reads only the columns concerned (a wide export's two columns, not all of them):

    - text dates: the day/month order over all their distinct values (the one given, or
      the data's) and the notice that says so, whether 13xx/14xx years are lunar Hijri
      (None: no text dates), and, when real dates are among them, whether they were
      swapped on paste and whether they are most of the column
      (:attr:`~retention_xl.analysis.dates.DateReading.swapped`, ``mostly_real``);
    - a currency column: each order's currencies, and the currency the report keeps
      (:func:`~retention_xl.analysis.currencies.choose_currency`, which refuses a
      ``currency`` the table does not have).

    Returns the options (with the day/month order decided), the date notice, the lunar
    flag, the currency choice and the dates' decisions."""
    names, typed = _first_look(dataset, batch_rows)
    if names is None:
        return options, None, None, None, SliceDecisions()
    cols = detect_columns(pd.Index(names), **options.roles.chosen())
    dates = cols.date if _is_text(typed, cols.date) else None
    currency = cols.currency_column
    if currency is None and options.currency is not None:  # the cleaning's error, before any work
        clean(pd.DataFrame({name: pd.Series([], dtype=object) for name in names}), options)
    if dates is None and currency is None:
        return options, None, None, None, SliceDecisions()
    step(" and ".join(w for w, on in (("Deciding the date order", dates), ("finding the currencies", currency)) if on)
         .capitalize())
    order_id = cols.order_id if currency is not None else None
    wanted = list(dict.fromkeys(c for c in (dates, currency, order_id) if c is not None))
    counts = _Counts()
    parts: list[pd.DataFrame] = []
    start = dataset.first_row
    for batch in dataset.batches(batch_rows, columns=wanted):
        frame = batch if isinstance(batch, pd.DataFrame) else None
        n = len(batch) if frame is not None else batch.num_rows
        if dates is not None:
            counts.add(frame[dates] if frame is not None else batch.column(dates))
            if counts.more_than(DISTINCT_DATES_LIMIT):  # enough to decide: the dates are done
                dates = None
                if currency is None:
                    break
        if currency is not None:
            ids = ColumnValues.of(_column(batch, order_id)) if order_id is not None else None
            parts.append(pairs_table(currency_pairs(ColumnValues.of(_column(batch, currency)), ids,
                                                    np.arange(start, start + n, dtype=np.int64))))
        start += n
    decided, lunar, date_decisions = _date_order(cols.date, counts.series(), options)
    if decided is not None:
        options = dataclasses.replace(options, dayfirst=bool(decided.values["dayfirst"]))
    choice = choose_currency(count_pairs(parts), options.currency) if parts else None
    return options, decided, lunar, choice, date_decisions


def _column(batch, name: str) -> pd.Series:
    """One column of a batch (pandas or Arrow) as a pandas Series."""
    return batch[name] if isinstance(batch, pd.DataFrame) else batch_frame(batch.select([name]))[name]


def pairs_table(pairs: pd.DataFrame) -> pa.Table:
    """A batch's currency pairs (:func:`~retention_xl.analysis.currencies.currency_pairs`)
    as an Arrow table: its ids as Arrow text take a fraction of the memory of Python strings
    (ten million orders' pairs are kept until the last batch)."""
    return pa.table({"id": pa.array(pairs["id"], pa.string()), "row": pa.array(pairs["row"], pa.int64()),
                     "currency": pa.array(pairs["currency"], pa.string())})


def count_pairs(parts: list[pa.Table]) -> CurrencyCount:
    """:meth:`~retention_xl.analysis.currencies.CurrencyCount.of` the batches' pairs
    (:func:`pairs_table`), the same count with Arrow's hash aggregation: the pairs of ten
    million orders in about 4 s, where pandas' drop_duplicates and groupby on their text
    took 7.5 s."""
    table = pa.concat_tables(parts)
    if not table.num_rows:
        return CurrencyCount((), ())
    currencies = tuple(pc.unique(table["currency"]).to_pylist())  # in order of first appearance
    per_order = table.group_by(["id", "row"], use_threads=False).aggregate(
        [("currency", "count_distinct"), ("currency", "min")])
    alone = per_order.filter(pc.equal(per_order["currency_count_distinct"], 1))
    counts = alone.group_by("currency_min").aggregate([([], "count_all")])
    tally = dict(zip(counts["currency_min"].to_pylist(), counts["count_all"].to_pylist(), strict=True))
    return CurrencyCount(currencies, tuple(int(tally.get(c, 0)) for c in currencies))


class _Counts:
    """How many times each value of a column occurs, over batches: Arrow's hash
    aggregation for Arrow batches (the distinct values of ten million text dates, added
    batch to batch, took 13 s as pandas Series aligned on their index), value_counts for a
    table in memory (whose cells may mix dates and text). The batches' counts are added up
    only when their distinct values together might pass a limit, and at the end."""

    def __init__(self) -> None:
        self._parts: list[pa.Table] = []
        self._series: pd.Series | None = None

    def add(self, column) -> None:
        if isinstance(column, pd.Series):
            part = column.value_counts()
            part = part[part.index.notna()]
            self._series = part if self._series is None else self._series.add(part, fill_value=0)
            return
        tally = pc.value_counts(column)
        part = pa.table({"value": tally.field("values"), "count": tally.field("counts").cast(pa.int64())})
        self._parts.append(part.filter(pc.is_valid(part["value"])))

    def _merged(self) -> pa.Table:
        if len(self._parts) > 1:
            summed = pa.concat_tables(self._parts).group_by("value", use_threads=False).aggregate([("count", "sum")])
            self._parts = [pa.table({"value": summed["value"], "count": summed["count_sum"]})]
        return self._parts[0]

    def more_than(self, limit: int) -> bool:
        """Whether more than ``limit`` distinct values were counted."""
        if self._series is not None:
            return len(self._series) > limit
        if sum(p.num_rows for p in self._parts) <= limit:  # distinct values at most the rows of the parts
            return False
        return self._merged().num_rows > limit

    def series(self) -> pd.Series:
        """The counts by value (empty when nothing was counted); text values keep their
        text dtype."""
        if self._series is not None:
            return self._series
        if not self._parts:
            return pd.Series([], dtype=np.int64)
        table = self._merged()
        return pd.Series(table["count"].to_numpy(), index=pd.Index(table["value"].to_pandas(), dtype="str"))


def _date_order(column: str, counts: pd.Series,
                options: ReportOptions) -> tuple[Notice | None, bool | None, SliceDecisions]:
    """The day/month order decided on a text date column's distinct values and their
    counts: the notice that says it, whether 13xx/14xx years are lunar Hijri, and whether
    its real dates were swapped on paste (False when the column's values cannot say) and
    are most of it."""
    if counts.empty:
        return None, None, SliceDecisions()
    reading = parse_dates(pd.Series(counts.index, dtype=counts.index.dtype), counts.to_numpy(dtype=np.int64),
                          dayfirst=options.dayfirst, column=column)
    notice = next((n for n in reading.notices if n.code == "date_order"), None)
    return notice, reading.lunar, SliceDecisions(swapped=bool(reading.swapped), mostly_real=reading.mostly_real)


def _first_look(dataset: Dataset, batch_rows: int) -> tuple[list[str] | None, object]:
    """The dataset's column names and what tells their types: its schema where the source
    gives it without reading a row (Parquet's metadata; a first batch of a large dataset
    took 1.5-2.5 s, its scanner reading whole row groups), else its first rows; ``(None,
    None)`` when it has no rows."""
    schema = dataset.arrow_schema()
    if schema is not None:
        return schema.names, schema
    first = next(iter(dataset.batches(min(batch_rows, 10_000))), None)
    if first is None:
        return None, None
    return (list(first.columns) if isinstance(first, pd.DataFrame) else first.schema.names), first


def _is_text(typed, column: str) -> bool:
    """Whether ``column`` holds text, in a first batch (pandas or Arrow) or a schema."""
    if isinstance(typed, pd.DataFrame):
        return typed[column].dtype == object or typed[column].dtype == "str"
    kind = (typed if isinstance(typed, pa.Schema) else typed.schema).field(column).type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


@dataclass(frozen=True)
class _Batch:
    """What cleaning one batch gave, besides its staged file."""

    issues: pd.DataFrame
    notices: tuple[tuple[str, dict], ...]  # (code, values): a Notice's mapping does not pickle
    columns: object
    n_rows: int
    n_orders: int
    scripts: dict
    spellings: str | None
    sales: tuple[int, int, int]  # orders that are sales (not refunds), the input lines used, refunds (returns)
    emails: str | None  # Parquet file of the batch's e-mail spellings (clean, folded)
    order_ids: str | None  # Parquet file of the batch's distinct order ids
    days: tuple[np.ndarray, np.ndarray]  # the distinct days of its orders (since 1970), and orders on each
    evidence: SliceEvidence | None = None  # what its amount level and decimal separators rest on
    letters: tuple[int, ...] = (0, 0, 0, 0, 0)  # how its customer cells were typed (keyboard_letters)
    id_range: tuple | None = None  # its least and greatest order id (numbers, or texts as compared)
    left_out: str | None = None  # Parquet file of the keys of the sales it left out (refund_keys)


def _clean_batch(frame: pd.DataFrame, options: ReportOptions, first_row: int, name: str, path: str,
                 lunar: bool | None = None, leave_out: tuple[int, ...] = (),
                 currency: CurrencyChoice | None = None, decided: SliceDecisions = _SLICE,
                 rows: np.ndarray | None = None, left_out_sales: tuple[str, ...] = ()) -> _Batch:
    """Clean one batch and stage its orders at ``path`` (runs in a worker process too);
    ``lunar`` is the calendar of 13xx/14xx years decided over the whole column, ``leave_out``
    the days far from all the others, decided over the whole table (none: the first pass),
    ``currency`` the currency kept, ``decided`` the amount level and decimal separators,
    decided over the whole table (none: the batch decides, and says on what),
    and ``left_out_sales`` the keys of sales other batches left out, whose refunds stay out.
    ``rows``: each row's number in the table, for a batch of rows that are not one run (the
    lines of orders split across batches, gathered; a batch without them), else they are
    numbered on from ``first_row``."""
    if rows is not None:
        result = _clean_batch(frame, options, 0, name, path, lunar, leave_out, currency, decided, None,
                              left_out_sales)
        return _renumbered(result, path, np.asarray(rows, dtype=np.int64))
    # the customer column's distinct values, found once for the cleaning and the staging
    customer = detect_columns(frame.columns, **options.roles.chosen()).customer
    raw_customers = frame.iloc[:, [str(c) for c in frame.columns].index(customer)]  # the first of a name, as cleaned
    distinct = ColumnValues.of(raw_customers)
    cleaned = clean_orders(frame, **options.cleaning(), first_row=first_row, source=name,
                           known_values={customer: distinct}, lunar_hijri=lunar, leave_out_days=leave_out,
                           currency_choice=currency, decided=decided, left_out_sales=left_out_sales)
    cols = cleaned.columns
    customers_are_text = raw_customers.dtype == object or raw_customers.dtype == "str"
    cleaned_ids = clean_ids(distinct)
    spelling = Spellings.of(raw_customers, distinct, cleaned_ids[0]) if customers_are_text else None
    pq.write_table(_staged_table(cleaned, frame, first_row, spelling), path, compression="zstd",
                   use_dictionary=STAGED_DICTIONARY)
    scripts = {}
    for column in cols.digit_columns():
        if not _is_text(frame, column):
            continue  # dates or numbers already: no digits of a script (and no distinct values to find)
        if plain_ascii(frame[column]):
            continue  # order numbers, ISO dates: no digits of a script, without finding the distinct values
        values = spelling.raw if column == cols.customer and spelling is not None else frame[column].drop_duplicates()
        script = digit_script(pd.Series(values))
        if script:
            scripts.setdefault(column, set()).update(("persian", "arabic_indic") if script.startswith("persian_and") else (script,))
    spellings_path = None
    if spelling is not None:
        pairs = spelling.pairs(frame, cleaned, first_row)
        if len(pairs):
            spellings_path = path.replace("orders-", "spellings-")
            pq.write_table(pa.table({"raw": pa.array(pairs["raw"], type=pa.string()),
                                     "id": pa.array(pairs["id"], type=pa.string())}), spellings_path)
    amount = cleaned.frame["amount"].to_numpy()
    refund_row = cleaned.frame["row"].duplicated().to_numpy()  # a refund-column row follows its order
    order_days = np.floor_divide(pd.DatetimeIndex(cleaned.frame["date"]).as_unit("ns").asi8[~refund_row], DAY_NS)
    days = np.unique(order_days, return_counts=True)
    sales = (int((amount >= 0).sum()), int(cleaned.n_used_rows or 0), int(((amount < 0) & ~refund_row).sum()))
    emails_path = None
    emails = email_spellings(distinct, cleaned_ids)
    if len(emails):
        emails_path = path.replace("orders-", "emails-")
        pq.write_table(pa.table({"clean": pa.array(emails["clean"], type=pa.string()),
                                 "folded": pa.array(emails["folded"], type=pa.string())}), emails_path)
    ids_path = id_range = None
    if cols.order_id is not None:
        ids = frame[cols.order_id].dropna().drop_duplicates()
        if ids.dtype.kind in "iu":  # written by Arrow, as str() writes them, with no Python string per id
            id_text = pa.array(ids).cast(pa.string())
            id_range = (int(ids.min()), int(ids.max())) if len(ids) else None
        else:  # 17 and 17.0, 1003 and ۱۰۰۳ are one id; a blank or "N/A" cell is none (the cleaning's rule)
            distinct = ColumnValues.of(ids.reset_index(drop=True))
            id_text = pa.array(pd.unique(id_texts(distinct.uniques[~distinct.null])), type=pa.string())
            least = pc.min_max(id_text)
            id_range = (least["min"].as_py(), least["max"].as_py()) if len(id_text) else None
        if id_range is not None:
            ids_path = path.replace("orders-", "ids-")
            pq.write_table(pa.table({"id": id_text}), ids_path, use_dictionary=False)  # distinct within the batch
    evidence, left_out_path = cleaned.slice_evidence, None
    if evidence is not None and len(evidence.left_out):  # on disk: a batch may leave out 100,000 sales
        left_out_path = path.replace("orders-", "left-out-")
        pq.write_table(pa.table({"key": pa.array(evidence.left_out, type=pa.string())}), left_out_path)
        evidence = dataclasses.replace(evidence, left_out=np.array([], dtype=object))
    return _Batch(cleaned.issues, tuple((n.code, dict(n.values)) for n in cleaned.notices), cols, len(frame),
                  len(cleaned.frame), scripts, spellings_path, sales, emails_path, ids_path, days,
                  evidence, cleaned.customer_typing, id_range, left_out_path)


def _stage(dataset: Dataset, options: ReportOptions, batch_rows: int, root: Path, step,
           decided: Notice | None, workers: int, lunar: bool | None,
           currency: CurrencyChoice | None = None, dates: SliceDecisions = _SLICE) -> Staged:
    files: list[str] = []
    spellings: list[str] = []
    emails: list[str] = []
    scripts: dict[str, set] = {}
    issues: list[pd.DataFrame] = []
    notices: dict[tuple, Notice] = {}
    if decided is not None:  # the first pass's decision, worded for the whole column
        merge_notice(notices, decided)
    columns = None
    n_rows = n_orders = 0
    order_id = _order_id_column(dataset, options, batch_rows)
    order_ids: list[str] = []
    pending: deque = deque()
    results: dict[str, _Batch] = {}  # by staged file, until every batch is cleaned
    pool = None
    first = None  # the first batch's arguments, until it is cleaned

    sales = [0, 0, 0]
    letters = [0, 0, 0, 0, 0]  # how the customer cells were typed: which letters and digits to show
    statuses: dict = {}
    currencies: dict = {}  # the currency notice's counts over the batches
    marks: dict[str, dict] = {}  # per amount column, the currency marks removed, in order of first appearance
    zones: dict[str, dict] = {}  # per date column, the time zones its times were read in, in order of first appearance

    def collect(result: _Batch) -> None:
        nonlocal columns, n_orders
        columns = columns or result.columns
        for i, part in enumerate(result.sales):
            sales[i] += part
        for i, part in enumerate(result.letters):
            letters[i] += part
        if len(result.issues):
            issues.append(result.issues)
        for code, values in result.notices:
            notice = Notice(code, **values)
            if notice.code in ("digits", "customer_ids_merged", "emails_casefolded"):
                continue  # decided over the whole table below and by the engine
            if notice.code in ("statuses_excluded", "statuses_kept"):
                tally_statuses(statuses, notice)
                merge_notice(notices, Notice("statuses", column=values["column"]))  # its place in the list
                continue
            if notice.code == "currency_kept":
                tally_currencies(currencies, notice)
                merge_notice(notices, Notice("currency_kept", column=values["column"]))  # its place in the list
                continue
            if notice.code == "date_time_zone":  # one notice of every batch's zones
                zones.setdefault(values["column"], {}).update(dict.fromkeys(values["zones"]))
                merge_notice(notices, Notice("date_time_zone", column=values["column"]))  # its place in the list
                continue
            if notice.code in ("currency_removed", "currencies_mixed"):  # one notice of every batch's marks
                marks.setdefault(values["column"], {}).update(dict.fromkeys(values["marks"]))
                merge_notice(notices, Notice("currency_marks", column=values["column"]))  # its place in the list
                continue
            if not (decided is not None and notice.code == "date_order"):
                merge_notice(notices, notice)
        for column, found in result.scripts.items():
            scripts.setdefault(column, set()).update(found)
        if result.spellings:
            spellings.append(result.spellings)
        if result.emails:
            emails.append(result.emails)
        if result.order_ids:
            order_ids.append(result.order_ids)
        n_orders += result.n_orders

    try:
        for number, frame in enumerate(whole_orders(dataset.batches(batch_rows), order_id)):
            first_row = dataset.first_row + n_rows  # Parquet and database rows are numbered from 1
            n_rows += len(frame)
            step(f"Cleaning orders: rows {first_row:,} to {first_row + len(frame) - 1:,}")
            path = str(root / f"orders-{number:05d}.parquet")
            files.append(path)
            args = (frame, options, first_row, dataset.name, path, lunar, (), currency, dates)
            if workers < 2:
                results[path] = _clean_batch(*args)
                continue
            if number == 0:  # cleaned here once a worker has the second batch (or there is none)
                first = args
                continue
            if pool is None:  # a second batch: clean the rest in parallel
                pool = ProcessPoolExecutor(workers, mp_context=_process_context())
            pending.append((pool.submit(_clean_batch, *args), args))
            if first is not None:
                results[first[4]] = _clean_batch(*first)
                first = None
            while len(pending) > workers:
                future, args = pending.popleft()
                results[args[4]] = _result(future, args)
        if first is not None:
            results[first[4]] = _clean_batch(*first)
        while pending:
            future, args = pending.popleft()
            results[args[4]] = _result(future, args)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    split = _split_orders(dataset, options, batch_rows, order_id, results, files, root, lunar, currency, dates, step,
                          workers)
    decided = dataclasses.replace(_table_decisions(results.values()), swapped=dates.swapped,
                                  mostly_real=dates.mostly_real)
    differ = {path for path in files if _differs(results[path].evidence, decided)}
    if differ:
        _clean_again(dataset, options, batch_rows, order_id, results, files, lunar, np.array([], dtype=np.int64),
                     differ, decided, currency, step, "Cleaning again with the decisions of the whole table", split)
    refunds_out, again = _refunds_kept_out(results, files)
    if again:
        _clean_again(dataset, options, batch_rows, order_id, results, files, lunar, np.array([], dtype=np.int64),
                     again, decided, currency, step, "Leaving out the refunds of sales left out", split, refunds_out)
    far = _far_days(results.values())
    if len(far):
        again = {path for path in files if np.isin(results[path].days[0], far).any()}
        _clean_again(dataset, options, batch_rows, order_id, results, files, lunar, far, again, decided, currency,
                     step, "Leaving out orders dated far from the others", split, refunds_out)
    for path in files:
        collect(results[path])
    if columns is not None:
        for notice in digit_notices(scripts, columns):
            merge_notice(notices, notice)
    for ident, notice in notices.items():  # a batch of one-line orders says nothing: count them all
        if notice.code == "orders_by_id":
            notices[ident] = Notice("orders_by_id", column=notice.values["column"], orders=sales[0], lines=sales[1],
                                    returns=sales[2])
        if notice.code == "statuses":
            tally, count, value = statuses[notice.values["column"]]
            notices[ident] = status_notice(notice.values["column"], tally, count, value)
        if notice.code == "currency_marks":
            found = list(marks[notice.values["column"]])
            several = NumberReading(np.array([]), np.array([]), np.array([]), currencies=found).mixed_currencies
            notices[ident] = Notice("currencies_mixed" if several else "currency_removed",
                                    column=notice.values["column"], marks=tuple(found[:6]))
        if notice.code == "date_time_zone":
            notices[ident] = Notice("date_time_zone", column=notice.values["column"],
                                    zones=tuple(zones[notice.values["column"]]))
        if notice.code == "currency_kept":
            left, unknown, mixed = currencies[notice.values["column"]]
            notices[ident] = currency_notice(notice.values["column"], currency, left, tuple(unknown), tuple(mixed), 0)
    if columns is None:  # no rows at all: clean an empty table for the columns and the error
        empty = pd.DataFrame({name: pd.Series([], dtype=object) for name in _names(dataset)})
        columns = clean(empty, options, name=dataset.name).columns
    # by row, as the cleaning of one table lists them (the gathered lines of split orders come last)
    issue_frame = pd.concat(issues, ignore_index=True).sort_values("row", kind="stable", ignore_index=True) \
        if issues else _no_issues()
    summary = Orders(pd.DataFrame({"row": pd.Series([], dtype="int64"), "customer": pd.Series([], dtype="str"),
                                   "date": pd.Series([], dtype="datetime64[ns]"),
                                   "amount": pd.Series([], dtype="float64")}),
                     issue_frame, columns, tuple(notices.values()), n_rows, dataset.name, dataset.first_row,
                     n_used_rows=sales[1],  # rows of orders left out for their status are not used either
                     customer_typing=tuple(letters))
    return Staged(root, tuple(files), tuple(spellings), summary, n_orders, len(files), tuple(emails),
                  tuple(order_ids))


def _refunds_kept_out(results: dict, files: list[str]) -> tuple[tuple[str, ...], set[str]]:
    """The refunds by status a batch applied whose sale another batch left out (with no
    order id: the same customer and value, :func:`~retention_xl.analysis.order_status.refund_keys`),
    as the cleaning of the whole table leaves them out. Returns their keys and the batches
    to clean again. (No refund is found under the id of an order of another batch: the
    lines of an order found in several batches are cleaned together, :func:`_split_orders`,
    so no order id is in two batches.)"""
    refunds = [pd.DataFrame({"key": pd.Series(results[path].evidence.refunds, dtype=object), "path": path})
               for path in files if results[path].evidence is not None and len(results[path].evidence.refunds)]
    if not refunds:
        return (), set()
    applied = pd.concat(refunds, ignore_index=True)  # the refunds applied: few beside the sales
    keys = pa.array(applied["key"], type=pa.string())
    kept = np.zeros(len(applied), bool)
    for path in files:  # each batch's sales left out, read once
        if results[path].left_out is not None:
            kept |= pc.is_in(keys, value_set=pq.read_table(results[path].left_out)["key"]).to_numpy(zero_copy_only=False)
    return tuple(sorted(set(applied.loc[kept, "key"]))), set(applied.loc[kept, "path"])


def _far_days(results) -> np.ndarray:
    """The days far from all the others (:func:`~retention_xl.analysis.far_dates.far_days`),
    over the orders per day of every batch."""
    parts = [r.days for r in results if len(r.days[0])]
    if not parts:
        return np.array([], dtype=np.int64)
    counts = pd.Series(np.concatenate([c for _, c in parts]), index=np.concatenate([d for d, _ in parts]))
    counts = counts.groupby(level=0).sum()
    return far_days(counts.index.to_numpy(dtype=np.int64), counts.to_numpy())


def _table_decisions(results) -> SliceDecisions:
    """The amount level and each amount column's decimal separator, decided over the whole
    table from what every batch counted, as the cleaning of one table decides them."""
    evidence = [r.evidence for r in results if r.evidence is not None]
    counts = [e.level_counts for e in evidence if e.level_counts is not None]
    level = None
    if counts:
        amount = next(r.columns.amount for r in results)
        level = decide_row_level(functools.reduce(operator.add, counts), header_words(amount))
    votes: dict[str, tuple] = {}
    for e in evidence:
        for column, v in e.votes:
            votes[column] = tuple(a + b for a, b in zip(votes.get(column, (0.0,) * 4), v))
    own = {column: decide_comma(v, comma_hint=False) for column, v in votes.items()}
    hint = any(comma and not unsettled for comma, unsettled in own.values())  # another column shows the comma
    return SliceDecisions(level, tuple((c, bool(comma or (unsettled and hint))) for c, (comma, unsettled) in own.items()))


def _differs(evidence: SliceEvidence | None, decided: SliceDecisions) -> bool:
    """Whether a batch applied another amount level or decimal separator than the whole table's."""
    if evidence is None:
        return False
    if decided.level is not None and evidence.level_counts is not None and evidence.level != decided.level:
        return True
    table = dict(decided.comma)
    return any(table.get(column, comma) != comma for column, comma in evidence.comma)


def _clean_again(dataset: Dataset, options: ReportOptions, batch_rows: int, order_id: str | None,
                 results: dict, files: list[str], lunar: bool | None, far: np.ndarray, again: set[str],
                 decided: SliceDecisions, currency: CurrencyChoice | None, step, doing: str,
                 split: _SplitOrders | None = None, left_out_sales: tuple[str, ...] = ()) -> None:
    """Clean the batches ``again`` once more (their staged files and results replaced),
    leaving out the orders on the ``far`` days and the refunds of ``left_out_sales``, with
    the ``decided`` amount level and separators of the whole table: the batches are read
    again as the first pass read them, up to the last one concerned, without the lines of
    ``split`` orders, which are cleaned again from their gathered batches."""
    again = set(again)
    held = {path: parts for path, parts in (split.held if split is not None else {}).items() if path in again}
    again -= held.keys()
    n_rows = 0
    for number, frame in enumerate(whole_orders(dataset.batches(batch_rows), order_id) if again else ()):
        first_row = dataset.first_row + n_rows
        n_rows += len(frame)
        path = files[number]
        if path not in again:
            continue
        step(f"{doing}: rows {first_row:,} to {first_row + len(frame) - 1:,}")
        rows = None
        if split is not None and path in split.affected:
            frame, rows, _ = apart(frame, first_row, order_id, split.ids)
        results[path] = _clean_batch(frame, options, first_row, dataset.name, path, lunar, tuple(far.tolist()),
                                     currency, decided, rows, left_out_sales)
        again.discard(path)
        if not again:
            break
    for path, parts in held.items():
        rows, frame = gathered(parts)
        step(f"{doing}: {len(frame):,} lines of orders found in several batches")
        results[path] = _clean_batch(frame, options, 0, dataset.name, path, lunar, tuple(far.tolist()),
                                     currency, decided, rows, left_out_sales)


@dataclass(frozen=True)
class _SplitOrders:
    """The orders whose lines are in more than one batch, and where their lines went.

    Attributes
    ----------
    ids : pyarrow.Array
        Their ids, as :func:`~retention_xl.analysis.column_values.id_texts` writes them.
    affected : frozenset of str
        The staged files of the batches that held some of their lines (cleaned again
        without them).
    held : dict of str to tuple of str
        Per staged file of gathered lines, the files its lines were written to, batch by
        batch (each id's lines all go to one: the hash of the id chooses it).
    """

    ids: pa.Array
    affected: frozenset
    held: dict


def _split_orders(dataset: Dataset, options: ReportOptions, batch_rows: int, order_id: str | None,
                  results: dict, files: list[str], root: Path, lunar: bool | None,
                  currency: CurrencyChoice | None, decided: SliceDecisions, step,
                  workers: int = 1) -> _SplitOrders | None:
    """Join the lines of orders whose id is found in more than one batch, as the cleaning
    of the whole table joins them: the batches that hold such lines are read again and
    cleaned without them, and their lines, gathered by id into batches of whole orders
    (each line with its own row number), are cleaned as batches of their own (added to
    ``files``), so an order's customer (its first line that has one), date (its earliest),
    amount (its lines added up, or its total), status and refunds are its whole table's.

    The ids are compared over every batch's distinct ids on disk (DuckDB, out of core,
    where it is installed; else Arrow); memory holds the ids found in several batches and
    a batch of their lines per process cleaning them (``workers``, as for the first cleaning)."""
    if order_id is None or not ranges_overlap([results[path].id_range for path in files]):
        return None
    ids, affected = ids_in_several_batches([results[path].order_ids for path in files], root, options)
    if not len(ids):
        return None
    affected = frozenset(files[i] for i in affected)
    buckets = max(1, -(-2 * len(ids) // max(batch_rows, 1)))  # an order is a few lines: about a batch each
    cleaning = _Cleaning(results, workers, ((options, dataset.name), (lunar, (), currency, decided)))
    held: dict[int, list[str]] = {}
    n_rows = 0
    last = max(files.index(path) for path in affected)
    for number, frame in enumerate(whole_orders(dataset.batches(batch_rows), order_id)):
        first_row = dataset.first_row + n_rows
        n_rows += len(frame)
        path = files[number]
        if path not in affected:
            continue
        step(f"Joining the lines of orders found in several batches: rows {first_row:,} to "
             f"{first_row + len(frame) - 1:,}")
        kept, rows, (lines, line_rows, line_ids) = apart(frame, first_row, order_id, ids)
        bucket = pd.util.hash_array(line_ids) % buckets
        for k in np.unique(bucket):
            part = str(root / f"lines-{k:05d}-{number:05d}.pickle")
            pd.to_pickle((line_rows[bucket == k], lines[bucket == k].reset_index(drop=True)), part)
            held.setdefault(int(k), []).append(part)
        cleaning.add(path, kept, first_row, rows)
        if number == last:
            break
    out = {}
    for k in sorted(held):
        path = str(root / f"orders-{len(files):05d}.parquet")
        files.append(path)
        out[path] = tuple(held[k])
        rows, frame = gathered(out[path])
        step(f"Cleaning {len(frame):,} lines of orders found in several batches")
        cleaning.add(path, frame, 0, rows)
    cleaning.finish()
    return _SplitOrders(ids, affected, out)


class _Cleaning:
    """Batches cleaned in ``workers`` processes at once (here, with one), their results put
    in ``results`` by staged file; at most ``workers`` batches wait, so memory holds a few."""

    def __init__(self, results: dict, workers: int, args: tuple) -> None:
        self.results, self.workers, self.args = results, workers, args  # (options, name) and (lunar, far, currency, decided)
        self.pool = ProcessPoolExecutor(workers, mp_context=_process_context()) if workers > 1 else None
        self.pending: deque = deque()

    def add(self, path: str, frame: pd.DataFrame, first_row: int, rows: np.ndarray | None) -> None:
        (options, name), rest = self.args
        args = (frame, options, first_row, name, path, *rest, rows)
        if self.pool is None:
            self.results[path] = _clean_batch(*args)
            return
        self.pending.append((self.pool.submit(_clean_batch, *args), args))
        while len(self.pending) > self.workers:
            future, args = self.pending.popleft()
            self.results[args[4]] = _result(future, args)

    def finish(self) -> None:
        try:
            while self.pending:
                future, args = self.pending.popleft()
                self.results[args[4]] = _result(future, args)
        finally:
            if self.pool is not None:
                self.pool.shutdown(cancel_futures=True)


def _renumbered(result: _Batch, path: str, rows: np.ndarray) -> _Batch:
    """A batch's ``result``, cleaned with its rows numbered from 0, with the row numbers
    they have in the table (``rows``): its staged orders, its issues (and the row a
    duplicate repeats), the first row of its far dates."""
    staged = pq.read_table(path)
    staged = staged.set_column(0, "row", pa.array(rows[staged["row"].to_numpy()]))
    pq.write_table(staged, path, compression="zstd", use_dictionary=STAGED_DICTIONARY)
    issues = result.issues.copy()
    if len(issues):
        issues["row"] = rows[issues["row"].to_numpy(dtype=np.int64)]
        repeats = issues["problem"].isin(["possible_duplicate", "duplicate"]).to_numpy(dtype=bool)
        if repeats.any():
            issues.loc[repeats, "detail"] = rows[issues.loc[repeats, "detail"].astype(np.int64).to_numpy()].astype(str)
    def renumbered(code: str, values: dict) -> dict:
        if code == "far_dates":
            return {**values, "first_row": int(rows[values["first_row"]])}
        if code in ("statuses_excluded", "statuses_kept"):  # the row of each status's first order
            return {**values, "tally": tuple((text, shown, out, int(rows[first]))
                                             for text, shown, out, first in values["tally"])}
        return values

    notices = tuple((code, renumbered(code, values)) for code, values in result.notices)
    return dataclasses.replace(result, issues=issues, notices=notices)


def _order_id_column(dataset: Dataset, options: ReportOptions, batch_rows: int) -> str | None:
    """The order-id column the cleaning will use (named, or found by its header), so that
    no batch ends inside an order's lines."""
    names, _ = _first_look(dataset, batch_rows)
    if names is None:
        return None
    try:
        return detect_columns(pd.Index(names), **options.roles.chosen()).order_id
    except RetentionError:  # the first batch's cleaning raises the same error, worded for the user
        return None


def _process_context():
    """Worker processes forked where the system can (no re-import of the caller's script),
    else spawned."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and os.uname().sysname == "Linux" else "spawn")


def _result(future, args) -> _Batch:
    """A worker's result; if the workers cannot run (a script without a main guard, a
    killed process), the batch is cleaned here instead."""
    try:
        return future.result()
    except BrokenProcessPool:
        return _clean_batch(*args)


def whole_orders(batches, order_id: str | None):
    """``batches`` (Arrow or pandas) as pandas frames that never end inside a run of rows
    with the same ``order_id``: the run at a batch's end is carried into the next one.

    >>> frames = [pd.DataFrame({"id": [1, 1, 2]}), pd.DataFrame({"id": [2, 3]})]
    >>> [f["id"].tolist() for f in whole_orders(frames, "id")]
    [[1, 1], [2, 2, 3]]

    A batch that is all one order's lines is carried whole:

    >>> [f["id"].tolist() for f in whole_orders([pd.DataFrame({"id": [k]}) for k in (1, 1, 2, 3)], "id")]
    [[1, 1], [2, 3]]
    """
    carry: pd.DataFrame | None = None
    for raw, last in _with_end(batches):
        frame = batch_frame(raw, date_as_object=False) if isinstance(raw, pa.RecordBatch) else raw
        if carry is not None:
            frame = pd.concat([carry, frame], ignore_index=True)
            carry = None
        if order_id is not None and order_id in frame.columns and not last and len(frame):
            ids = id_codes(ColumnValues.of(frame[order_id]))  # 1003 and ۱۰۰۳ are one id
            same = (ids[::-1] == ids[-1]) if ids[-1] >= 0 else np.zeros(1, bool)
            keep = len(frame) - int(np.logical_and.accumulate(same).sum())  # the run of the last id
            carry, frame = frame.iloc[keep:].reset_index(drop=True), frame.iloc[:keep]
        if len(frame):
            yield frame


def _with_end(batches):
    """Each batch with a flag: is it the last?"""
    previous = None
    for batch in batches:
        if previous is not None:
            yield previous, False
        previous = batch
    if previous is not None:
        yield previous, True


def _names(dataset: Dataset) -> list[str]:
    for batch in dataset.batches(1):
        return list(batch.columns) if isinstance(batch, pd.DataFrame) else batch.schema.names
    return []


def _staged_table(cleaned: Orders, raw: pd.DataFrame, first_row: int, spelling: Spellings | None) -> pa.Table:
    """The clean orders in the staged layout, with the hash of each one's whole input row and
    whether its customer text is its id as written (``plain``)."""
    frame = cleaned.frame
    t = pd.DatetimeIndex(frame["date"]).as_unit("ns").asi8
    positions = frame["row"].to_numpy(dtype=np.int64) - first_row
    key = row_hashes(_as_compared(raw.iloc[positions], cleaned.columns))
    customer = _arrow_text(frame["customer"])
    if spelling is not None and spelling.rekeyed().any():
        written = raw[cleaned.columns.customer].iloc[positions].map(str).to_numpy(dtype=object)
        plain = pa.array(written == frame["customer"].astype(str).to_numpy(dtype=object))
    else:
        plain = pa.array(np.ones(len(frame), bool))
    return pa.table({
        "row": pa.array(frame["row"].to_numpy(dtype=np.int64)),
        "customer": customer,
        "t": pa.array(t),
        "day": pa.array(np.floor_divide(t, DAY_NS).astype(np.int32)),
        "amount": pa.array(frame["amount"].to_numpy(dtype=float)),
        "key": pa.array(key.view(np.int64)),
        "plain": plain,
    }, schema=STAGED_SCHEMA)


def _as_compared(rows: pd.DataFrame, cols) -> pd.DataFrame:
    """``rows`` as the cleaning compares rows for duplicates: the customer and the date left
    out (the engine compares the clean customer and time beside the hash), the order id as
    :func:`~retention_xl.analysis.column_values.id_texts` and the amount cells with their
    digits 0-9 (``1003`` and ``۱۰۰۳``, ``10`` and ``۱۰`` alike); the other columns as they are.

    >>> from retention_xl.analysis.columns import ColumnMap
    >>> rows = pd.DataFrame({"id": ["1003", "۱۰۰۳"], "c": ["C1", "C۱"], "a": ["10", "١٠"], "note": ["x", "x"]})
    >>> _as_compared(rows, ColumnMap(customer="c", date="d", amount="a", order_id="id")).to_dict("list")
    {'id': ['1003', '1003'], 'a': ['10', '10'], 'note': ['x', 'x']}
    """
    names = [str(c) for c in rows.columns]
    keep = [i for i, name in enumerate(names) if name not in (cols.customer, cols.date)]
    out = rows.iloc[:, keep].copy()
    out.columns = [names[i] for i in keep]
    if cols.order_id in out.columns and out[cols.order_id].dtype.kind not in "iufmM":
        out[cols.order_id] = id_texts(out[cols.order_id])
    for name in (cols.amount, cols.quantity, cols.unit_price):
        if name in out.columns and (out[name].dtype == object or out[name].dtype == "str"):
            text = out[name].map(lambda v: v if isinstance(v, str) else None)
            out[name] = out[name].where(text.isna(), clean_text(text.fillna("")))
    return out


def _arrow_text(column: pd.Series) -> pa.Array:
    """A categorical column of texts as an Arrow string array: its categories taken by the
    codes (no Python string per row); any other column converted as text."""
    if isinstance(column.dtype, pd.CategoricalDtype) and not (column.cat.codes < 0).any():
        categories = pa.array(column.cat.categories.astype("str").array, type=pa.string())
        return categories.take(pa.array(column.cat.codes.to_numpy()))
    return pa.array(column.astype("str"), type=pa.string())


def _no_issues() -> pd.DataFrame:
    return issue_frame([], np.array([], dtype=np.int64), [])
