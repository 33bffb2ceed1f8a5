"""The ribbon's **Build report**: read the pasted orders from the live workbook, build the report.

The orders are read by :mod:`retention_xl.excel.live_orders` (which also picks the report
language), the optional ``Survey`` and ``Contacts`` Tables by
:mod:`retention_xl.excel.live_side_tables`; they are cleaned, analysed and laid out by the same steps as every other door
(:mod:`retention_xl.pipeline`) and written into the workbook by
:mod:`retention_xl.excel.xlwings_writer`.

Excel's status bar shows each step and gets its previous text back afterwards, also on
error; screen updating is off while the sheets are written. When this Excel could not
apply part of the report (frozen panes on macOS, ...), the status bar keeps one line
saying what, as the Summary sheet does. :func:`main` (what the
button runs, through ``retention_xl.main()``) shows any problem as one line in the status
bar and a message box, never a traceback. Filled rows below the orders that were not read
(:mod:`~retention_xl.excel.live_orders`) are said on the Summary, on Data issues and in
the status bar.

Examples
--------
>>> import xlwings as xw                       # doctest: +SKIP
>>> run = run_report(xw.Book.caller())         # doctest: +SKIP
>>> run.written.sheets                         # doctest: +SKIP
('Summary', 'Cohorts', 'Segments', 'Contacts', 'Data issues')
"""

from __future__ import annotations

import dataclasses
import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from retention_xl.analysis.overview import Analysis
from retention_xl.analysis.text_language import report_language, sample_texts
from retention_xl.errors import (
    DataError,
    InvalidValue,
    MissingColumns,
    RetentionError,
    UnknownColumn,
)
from retention_xl.excel.live_header import header_cells, header_gap
from retention_xl.excel.live_orders import (
    LiveOrders,
    NoOrderRows,
    NotOrdersSheet,
    TooLarge,
    orders_elsewhere,
    read_orders,
    source_text,
)
from retention_xl.excel.live_settings import (
    read_settings,
)
from retention_xl.excel.live_side_tables import read_side_table
from retention_xl.excel.messages import (
    TITLE,
    HeaderNotFound,
    error_message,
    in_language,
    listed,
    settings_remedy,
)
from retention_xl.excel.workbook_marks import marked_sheets
from retention_xl.excel.xlwings_writer import LiveReport, notes_line, write_report
from retention_xl.input_sheets import INPUT_SHEETS
from retention_xl.labels import label
from retention_xl.layout.blocks import Report
from retention_xl.options import AUTO, ReportOptions
from retention_xl.pipeline import analyse, build_report, clean, clean_side_table
from retention_xl.sources.orders_sheet import same_sheet_name
from retention_xl.wording import counted, notice_text

__all__ = ["LiveRun", "main", "run_report"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveRun:
    """One run of the button: the orders read, the report built, the sheets written."""

    orders: LiveOrders
    analysis: Analysis
    report: Report
    written: LiveReport
    lang: str


@contextmanager
def _status(app, progress: Callable[[str], None] | None) -> Iterator[Callable[[str], None]]:
    """Show steps in the status bar (and ``progress``); give the status bar back afterwards."""
    previous = app.status_bar

    def show(step: str) -> None:
        """Show step ``step`` (a ``ribbon.step.*`` label) in ``show.lang``; ``progress`` is told it in English."""
        app.status_bar = f"{label(show.lang, 'ribbon.title')}: {label(show.lang, f'ribbon.step.{step}')}..."
        if progress is not None:
            progress(label("en", f"ribbon.step.{step}"))

    show.lang = "en"  # the report's language once it is known


    try:
        yield show
    finally:
        app.status_bar = previous


@contextmanager
def _screen_frozen(app) -> Iterator[None]:
    previous = app.screen_updating
    app.screen_updating = False
    try:
        yield
    finally:
        app.screen_updating = previous


def run_report(book, options: ReportOptions | None = None, *, lang: str | None = None,
               progress: Callable[[str], None] | None = None) -> LiveRun:
    """Build the retention report from the orders in ``book`` and write it into ``book``.

    The ``Survey`` and ``Contacts`` Tables, where the workbook has them, add the Feedback
    sheet and feed the contact plan.

    Parameters
    ----------
    book : xlwings.Book
    options : ReportOptions, optional
        The report options; by default read from the workbook's Settings table
        (:func:`~retention_xl.excel.live_settings.read_settings`).
    lang : {"en", "ar", "fa"}, optional
        Report language over the options'; when neither names one, it follows the orders
        sheet (see :func:`report_language`).
    progress : callable, optional
        Called with each step's name, besides Excel's status bar.

    Raises
    ------
    RetentionError
        With a one-line reason, e.g. no customer column found.
    """
    app = book.app
    with _status(app, progress) as show:
        chosen = options is not None and options.lang != AUTO  # "auto": as when none is chosen
        settings = None
        if options is None:
            settings = read_settings(book)
            options, chosen = settings.options, settings.language_chosen
        # until the orders are read, the language chosen, else that of the Settings sheet
        show.lang = lang or (options.lang if chosen else settings.lang if settings is not None else "en")
        show("reading")
        try:
            orders = read_orders(book, {r: c for r, c in dataclasses.asdict(options.roles).items() if c})
        except NotOrdersSheet as err:
            raise _not_orders(book, err, lang or (options.lang if chosen else None), settings) from None
        except TooLarge as err:  # in the language chosen, else the header's, else the Settings'
            where = lang or (options.lang if chosen else None) or report_language(err.headers)
            where = where if where != "en" or lang or chosen or settings is None else settings.lang
            raise in_language(DataError(err.text(where)), where) from None
        except NoOrderRows as err:  # in the language of the header
            where = lang or (options.lang if chosen else report_language(err.headers))
            source = source_text(where, err.sheet, table=err.table, cells=err.cells)
            raise in_language(DataError(label(where, "ribbon.no_rows", source=source)), where) from None
        language = lang or (options.lang if chosen else report_language(
            list(orders.frame.columns), sample_texts(orders.frame), orders.right_to_left))
        options = dataclasses.replace(options, lang=language, door="excel")  # a remedy names the Settings table
        show.lang = language
        side = {kind: read_side_table(book, kind) for kind in ("survey", "contacts")}
        show("cleaning")
        try:
            cleaned = clean(orders.frame, options, first_row=orders.first_row, name=orders.source_in(language))
        except MissingColumns as err:
            raise _misplaced(book, orders, err, language) or _no_header(book, orders, err, language) \
                or in_language(err, language)
        except UnknownColumn as err:  # a column named in the Settings table: name its cell
            raise (settings and settings.unknown_column(err)) or in_language(err, language)
        except InvalidValue as err:  # a currency of the Settings table the orders do not have: name its cell
            if err.option == "currency" and settings is not None and "currency" in settings.cells:
                raise settings.problem("currency", "currency", value=options.currency,
                                       known=label(settings.lang, "list.join").join(getattr(err, "found", ())))
            raise in_language(err, language)
        except RetentionError as err:
            raise in_language(err, language)
        if orders.notices:  # what the reading decided (rows left out) is said with the cleaning's
            cleaned = dataclasses.replace(cleaned, notices=orders.notices + cleaned.notices)
        try:
            survey, contacts = (None if t is None else clean_side_table(t.frame, kind, options, first_row=t.first_row,
                                                                         name=t.source_in(language))
                                for kind, t in side.items())
        except RetentionError as err:
            raise in_language(err, language)
        try:
            show("analysing")
            analysis = analyse(cleaned, options, survey=survey, contacts=contacts)
            show("laying_out")
            report = build_report(analysis, options)
            show("writing")
            with _screen_frozen(app):
                kept = (orders.sheet, *(t.sheet for t in side.values() if t is not None))
                written = write_report(book, report, keep=kept)
        except RetentionError as err:  # no usable orders ...: its title and remedy in the report's language
            raise err if getattr(err, "lang", None) else in_language(err, language)
    lines = [notice_text(n, language) for n in orders.notices]
    if written.notes:
        lines.append(notes_line(written.notes, language))
    if lines:  # after the status bar was given back: this line stays
        app.status_bar = f"{label(language, 'ribbon.title')}: {' '.join(lines)}"
    return LiveRun(orders, analysis, report, written, language)


def _not_orders(book, err: NotOrdersSheet, lang: str | None, settings) -> DataError:
    """``err`` in the language chosen, else that of the sheet clicked from (the Arabic report's
    Summary, a Persian Settings sheet), else that of the Settings."""
    lang = lang or _sheet_language(book, err.sheet, err.holds) or (settings.lang if settings is not None else "en")
    if err.holds == "touching":
        message = label(lang, "ribbon.not_orders.touching", sheet=err.sheet, table=err.table)
    else:
        message = label(lang, "ribbon.not_orders", sheet=err.sheet, holds=label(lang, f"ribbon.holds.{err.holds}"),
                        orders=INPUT_SHEETS["orders"][lang])
    return in_language(DataError(message), lang)


def _sheet_language(book, sheet: str, holds: str) -> str | None:
    """The language a report sheet or an input sheet is named in, by its name; ``None`` for
    another name (a Table of the input on a sheet of any name)."""
    if holds == "touching":
        return None
    if holds == "report":
        key = next((k for k, ws in marked_sheets(book).items() if ws.name == sheet), None)
        base = re.sub(r" \(\d+\)$", "", sheet).casefold()  # Summary (2), beside a sheet of the user's
        return next((lang for lang in ("en", "ar", "fa") if key and label(lang, f"sheet.{key}").casefold() == base),
                    None)
    return next((lang for lang, name in INPUT_SHEETS[holds].items() if same_sheet_name(sheet, name)), None)


def _misplaced(book, orders: LiveOrders, err: MissingColumns, lang: str = "en") -> DataError | None:
    """The orders are on another sheet: the block read (on the active sheet) has at most one
    of the customer, date and amount columns, and another sheet's header names them all;
    said in ``lang``."""
    if err.table != "orders" or len({"customer", "date", "amount"} & set(err.roles)) < 2:
        return None
    other = orders_elsewhere(book, orders)
    if other is None:
        return None
    sep = label(lang, "list.join")
    found = sep.join(f"'{c}'" for c in err.columns[:6]) + (f"{sep}..." if len(err.columns) > 6 else "")
    return in_language(DataError(label(lang, "ribbon.misplaced", sheet=orders.sheet, source=orders.source_in(lang),
                                       found=found, other=other, orders=INPUT_SHEETS["orders"][lang])), lang)


def _no_header(book, orders: LiveOrders, err: MissingColumns, lang: str) -> HeaderNotFound | None:
    """The block read has no header row because of where it ends (an empty column or row, a
    title line above the header): say which range was read and why it ended, and how to mend
    the block (or make it a Table) before the Settings table, which cannot help then."""
    if err.table != "orders":
        return None
    gap = header_gap(book, orders)
    if gap is None:
        return None
    v = gap.values
    if gap.code == "column":
        why = label(lang, f"ribbon.no_header.column.{v['side']}", column=v["column"])
        fix = label(lang, "ribbon.fix.column", column=v["column"])
    elif gap.code == "row":
        why = label(lang, "ribbon.no_header.row", row=v["row"])
        fix = label(lang, "ribbon.fix.row", row=v["row"])
    else:
        why = label(lang, "ribbon.no_header.banner", **v)
        fix = label(lang, counted("ribbon.fix.banner", v["header"] - v["row"], lang),
                    first=v["row"], last=v["header"] - 1)
    sep = label(lang, "list.join")
    cells = header_cells(book, orders)
    shown = sep.join(f"'{c}'" for c in cells[:6]) + (f"{sep}..." if len(cells) > 6 else "")
    c0 = orders.cells.split(":")[0]
    message = label(lang, "ribbon.no_header", source=orders.source_in(lang), roles=listed(err.roles, lang),
                    row=int("".join(ch for ch in c0 if ch.isdigit())), cells=shown, why=why, fix=fix,
                    settings=settings_remedy(err.roles, lang))
    return HeaderNotFound(message, roles=err.roles, columns=err.columns, gap=gap, lang=lang)


def _tell(app, message: str, lang: str = "en") -> None:
    """One message: in the status bar, and in a message box (its title in ``lang``) where the
    host has one."""
    previous = app.status_bar
    app.status_bar = message
    try:
        app.alert(message, title=label(lang, "ribbon.title"), mode="critical")
    except Exception:  # noqa: BLE001 -- no message box here: the status bar keeps the message
        return
    app.status_bar = previous


def main() -> None:
    """What **Build report** runs (``retention_xl.main()``): the report for the calling workbook."""
    import xlwings as xw

    try:
        book = xw.Book.caller()
    except Exception:  # noqa: BLE001 -- not started from Excel
        if sys.stderr is not None:
            print(f"{TITLE}: start it from Excel's Retention tab (Build report), or use "
                  f"'retention-xl report' on a file.", file=sys.stderr)
        return
    try:
        run_report(book)
    except Exception as err:  # noqa: BLE001 -- the user sees one line, never a traceback
        _log.debug("report failed", exc_info=True)
        try:
            _tell(book.app, error_message(err), getattr(err, "lang", "en") if isinstance(err, RetentionError) else "en")
        except Exception:  # noqa: BLE001 -- Excel itself is gone
            if sys.stderr is not None:
                print(error_message(err), file=sys.stderr)
