"""The ``retention-xl`` command line: a thin layer over the library.

Every command converts options, calls one library function and reports: errors the user
can fix are one red line and exit code 1, never a traceback.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from retention_xl import __version__
from retention_xl.errors import (
    EngineOutOfMemory,
    InvalidValue,
    MissingColumns,
    NoUsableOrders,
    OutputExists,
    OutputInsideInput,
    OutputIsInput,
    RetentionError,
    TooLargeForMemory,
    UnknownColumn,
)

if TYPE_CHECKING:
    from retention_xl.options import ReportOptions

app = typer.Typer(
    name="retention-xl",
    help="Customer-retention analytics for Excel users: reports, templates and the add-in.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
addin_app = typer.Typer(help="Build and install the Retention ribbon add-in for Excel.", no_args_is_help=True)
app.add_typer(addin_app, name="addin")

out = Console()
err = Console(stderr=True)

InputFile = Annotated[Path, typer.Argument(help="Order table: .csv, .xlsx/.xlsm, .xls or .parquet.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace the output if it exists.")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language: en, ar or fa (right to left).")]
ReportLangOpt = Annotated[str, typer.Option(
    "--lang", help="Language of the report: en, ar or fa (right to left); auto: that of the orders' headers "
                   "(Arabic or Persian headers give an Arabic or Persian report), as the ribbon chooses.")]


# ------------------------------------------------------------------ shared options
# The options of several commands are declared once, as groups: a group is a function whose
# parameters are the options and which returns the ReportOptions keywords they set. A command
# takes groups with @takes(...): it gets their options on the command line, one ReportOptions
# built from them all (its parameter ``options``), and the value of any group option it names
# as a parameter of its own (``sheet``, ``survey`` ...).

def order_reading(
    customer: Annotated[str | None, typer.Option("--customer", help="Column of the customer id or e-mail.")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Column of the order date.")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="Column of the order (or line) amount.")] = None,
    order_id: Annotated[str | None, typer.Option(
        "--order-id", help="Column of the order id: rows sharing it are one order.")] = None,
    quantity: Annotated[str | None, typer.Option(
        "--quantity", help="Column of the line quantity (amount = quantity x unit price).")] = None,
    unit_price: Annotated[str | None, typer.Option("--unit-price", help="Column of the line's unit price.")] = None,
    status: Annotated[str | None, typer.Option(
        "--status", help="Column of the order status (cancelled, pending ... are not sales).")] = None,
    refund: Annotated[str | None, typer.Option("--refund", help="Column of the amount refunded on the order.")] = None,
    customer_fallback: Annotated[str | None, typer.Option(
        "--customer-fallback",
        help="Column for the customer when the customer column is blank (billing name, phone).")] = None,
    currency_column: Annotated[str | None, typer.Option(
        "--currency-column", help="Column of the order's currency (USD, EUR, ر.س ...).")] = None,
    currency: Annotated[str | None, typer.Option(
        "--currency", help="Currency to report when the orders are in several, as written in the data, e.g. EUR "
                           "(default: the currency of most orders; the others' orders are left out and listed).")] = None,
    include_status: Annotated[list[str] | None, typer.Option(
        "--include-status", help="A status to count as a sale (repeat the option for several).")] = None,
    exclude_status: Annotated[list[str] | None, typer.Option(
        "--exclude-status", help="A status that is not a sale (repeat the option for several).")] = None,
    date_order: Annotated[str | None, typer.Option(
        "--date-order", help="Order of text dates like 03/04/2024: dmy or mdy (default: from the data).")] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Worksheet to read from an .xlsx file.")] = None,
) -> dict[str, object]:
    """How the orders are read and cleaned: the column of each role, the statuses, the date order
    (every command that reads orders takes these)."""
    from retention_xl.options import ColumnRoles

    return {"roles": ColumnRoles(customer=customer, date=date, amount=amount, order_id=order_id, quantity=quantity,
                                 unit_price=unit_price, status=status, refund=refund,
                                 customer_fallback=customer_fallback, currency_column=currency_column),
            "dayfirst": _dayfirst(date_order), "include_statuses": tuple(include_status or ()),
            "exclude_statuses": tuple(exclude_status or ()), "currency": currency}


def plan_settings(
    period: Annotated[str, typer.Option("--period", "-p", help="Cohort and KPI period: M (month), W, Q or Y.")] = "M",
    window: Annotated[str | None, typer.Option(
        "--window", metavar="DAYS", help="Activity window in days (default 90; Q 180, Y 366): lost customers are beyond it.")] = None,
    margin: Annotated[str, typer.Option(
        "--margin", metavar="FRACTION",
        help="Profit margin for both CLVs and the values at stake (1 = revenue; 0.3 or 30%).")] = "1",
    horizon: Annotated[str, typer.Option(
        "--horizon", metavar="MONTHS", help="Months predicted by the purchase models.")] = "12",
    discount: Annotated[str, typer.Option(
        "--discount", metavar="FRACTION", help="Discount rate per month of the predicted CLV (0.01 or 1%).")] = "0.01",
    lang: ReportLangOpt = "auto",
    calendar: Annotated[str, typer.Option(
        "--calendar", help="Calendar of the cohort and KPI periods: gregorian, jalali (Solar Hijri months, "
                           "quarters, years; weeks from Saturday) or auto (jalali when the order dates are).")] = "auto",
    survey: Annotated[Path | None, typer.Option(
        "--survey", help="Survey answers (.csv/.xlsx/.parquet): Customer (optional), Date, Score 0-10, "
                         "Satisfaction 1-5, Effort 1-7, Comment.")] = None,
    contact_log: Annotated[Path | None, typer.Option(
        "--contacts", help="Contact log (.csv/.xlsx/.parquet): Customer, Date, Channel.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Day the contact plan is for: YYYY-MM-DD, a Solar Hijri date such as 1402/10/15, or "
                        "'today' (default: the day of the last order in the data).")] = None,
    quiet_days: Annotated[str, typer.Option(
        "--quiet-days", metavar="DAYS",
        help="Days after a logged contact before the next one (a call-back excepted).")] = "30",
    contact_weeks: Annotated[str, typer.Option(
        "--contact-weeks", metavar="WEEKS", help="Weeks the contact plan covers.")] = "12",
) -> dict[str, object]:
    """What the analysis and the contact plan are computed with (the values at stake are
    predicted CLVs: the horizon and the discount change them too)."""
    return {"period": period, "window_days": _number(window, "window_days"), "margin": _number(margin, "margin", percent=True),
            "horizon": _number(horizon, "horizon"), "discount": _number(discount, "discount", percent=True),
            "lang": lang, "calendar": calendar, "as_of": _as_of(as_of), "quiet_days": _number(quiet_days, "quiet_days"),
            "contact_weeks": _number(contact_weeks, "contact_weeks")}


def engine_settings(
    engine: Annotated[str, typer.Option(
        "--engine", help="What computes the report: auto (pandas when it fits, DuckDB for Parquet datasets, "
                         "databases and long files), pandas, duckdb or spark.")] = "auto",
    memory_limit: Annotated[str | None, typer.Option("--memory-limit", help="DuckDB's memory limit, e.g. 4GB.")] = None,
    customers_limit: Annotated[str, typer.Option(
        "--customers-limit", metavar="CUSTOMERS",
        help="Customers the Customers sheet keeps at most; the full table is written beside the workbook.")] = "100000",
    table: Annotated[str | None, typer.Option("--table", help="Table to read from a database or Spark.")] = None,
    query: Annotated[str | None, typer.Option("--query", help="SELECT to run on a database or Spark.")] = None,
    staging_dir: Annotated[Path | None, typer.Option(
        "--staging-dir",
        help="Folder for the cleaned orders (DuckDB, Spark); for a Spark cluster, one every node can read.")] = None,
) -> dict[str, object]:
    """Where a large report is read from and what computes it (``report`` only: the figures
    are the same whatever the engine)."""
    return {"engine": engine, "memory_limit": memory_limit, "customers_limit": _number(customers_limit, "customers_limit")}


def takes(*groups: Callable[..., dict]) -> Callable[[Callable], Callable]:
    """Give a command the options of ``groups`` (see the note above :func:`order_reading`)."""

    def decorate(command: Callable) -> Callable:
        own = inspect.signature(command).parameters
        shared = {g: inspect.signature(g, eval_str=True).parameters for g in groups}
        given = {name for params in shared.values() for name in params}
        # the command's own options, their annotations evaluated (the hidden ones, such as
        # ``options: ReportOptions``, are not: the library is imported when a command runs)
        visible = [p.replace(annotation=eval(p.annotation, command.__globals__) if isinstance(p.annotation, str)
                             else p.annotation)
                   for name, p in own.items() if name != "options" and name not in given]
        for params in shared.values():
            visible += [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params.values()]

        @functools.wraps(command)
        def run(**kwargs):
            from retention_xl.options import ReportOptions

            settings: dict[str, object] = {}
            for group, params in shared.items():
                settings.update(group(**{name: kwargs[name] for name in params}))
            passed = {name: value for name, value in kwargs.items() if name in own}
            if "options" in own:  # a notice's remedy names a flag
                passed["options"] = ReportOptions(**settings, door="cli")
            return command(**passed)

        run.__signature__ = inspect.Signature(
            [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in visible])
        run.__annotations__ = {p.name: p.annotation for p in visible}
        run.shared_groups = groups
        return run

    return decorate


#: the flag of each argument of the library the command line sets (ReportOptions' fields and
#: roles, the file functions' arguments): an error about an argument is worded with its flag
FLAGS = {
    "customer": "--customer", "date": "--date", "amount": "--amount", "order_id": "--order-id",
    "quantity": "--quantity", "unit_price": "--unit-price", "status": "--status", "refund": "--refund",
    "customer_fallback": "--customer-fallback", "currency_column": "--currency-column", "currency": "--currency",
    "include_statuses": "--include-status",
    "exclude_statuses": "--exclude-status", "dayfirst": "--date-order", "sheet": "--sheet",
    "period": "--period", "window_days": "--window", "margin": "--margin", "horizon": "--horizon",
    "discount": "--discount", "lang": "--lang", "calendar": "--calendar", "survey": "--survey", "contacts": "--contacts",
    "as_of": "--as-of", "quiet_days": "--quiet-days", "contact_weeks": "--contact-weeks",
    "engine": "--engine", "memory_limit": "--memory-limit", "customers_limit": "--customers-limit",
    "table": "--table", "query": "--query", "staging": "--staging-dir", "holdout_start": "--holdout-start",
}
_ROLE_FLAGS = {role: FLAGS[role] for role in ("customer", "date", "amount")}


def _in_flags(error: RetentionError) -> str:
    """The error's one line, the argument it is about named by its flag: "window_days must be
    from 1 to 36,600" is "--window must be from 1 to 36,600" here."""
    text = str(error)
    flag = FLAGS.get(error.option or "")
    if flag is None:
        return text
    found = list(re.finditer(rf"(?<![\w-]){re.escape(error.option)}(?![\w-])", text))
    if not found:
        return f"{flag}: {text}"
    # the message's own word: its first when it opens the message ("currency must be a currency
    # code ..."), else its last, after any column names it lists (a column may be named "sheet")
    own = found[0] if found[0].start() == 0 else found[-1]
    return text[:own.start()] + flag + text[own.end():]


def _remedy(error: RetentionError) -> str:
    """How to fix ``error`` from the command line (the library's message says what is wrong)."""
    if isinstance(error, MissingColumns) and error.table != "orders":
        flag = "--survey" if error.table == "survey" else "--contacts"
        return f"Rename that column of the {flag} file to one of the recognised headers."
    if isinstance(error, MissingColumns):
        flags = ", ".join(f"{FLAGS.get(r, '--' + r.replace('_', '-'))} COLUMN" for r in error.roles)
        lines = " (or, for order lines, --quantity COLUMN and --unit-price COLUMN)" if "amount" in error.roles else ""
        return f"Name the column with {flags}{lines}."
    if isinstance(error, UnknownColumn):
        return f"Check the spelling of {FLAGS.get(error.role, '--' + error.role.replace('_', '-'))}."
    if isinstance(error, NoUsableOrders):
        return "Check the columns used, or choose others with " + ", ".join(_ROLE_FLAGS.values()) + "."
    if isinstance(error, OutputInsideInput):
        return ("Write the report (-o) outside it: the full customer table, when the Customers sheet cannot "
                "keep every customer, goes beside the workbook.")
    if isinstance(error, OutputIsInput):
        return "Give the output another name: a file being read is never written over, even with --force."
    if isinstance(error, OutputExists):
        name = {"output": "Choose another name (-o)", "ics": "Choose another name (--ics)"}.get(error.option,
                                                                                               "Choose another name")
        return f"{name} or pass --force to replace it."
    if isinstance(error, EngineOutOfMemory) and error.limit:
        return (f"Give it a higher --memory-limit than {error.limit} (DuckDB spills what does not fit "
                "to disk, but some steps need more room), or leave the option out.")
    if isinstance(error, EngineOutOfMemory):
        return "Run it on a machine with more memory, or on a Spark cluster with --engine spark."
    if isinstance(error, TooLargeForMemory):
        return f"Run it with --engine {error.engine} (out of core, see --memory-limit), or from a Parquet copy of the file."
    return ""


def errors_as_one_line(command: Callable) -> Callable:
    """The command line's one error boundary: a problem the user can fix is one red line
    (what is wrong, then how to fix it here) and exit code 1, never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RetentionError as e:
            hint = _remedy(e)
            err.print(f"[bold red]Error:[/] {_in_flags(e)}" + (f". {hint}" if hint else ""), highlight=False,
                      soft_wrap=True)
            raise typer.Exit(1) from None

    return run


def _fail(message: str) -> None:
    err.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _as_of(day: str | None):
    """The plan day: ``None`` (the library's default) or the text given (``today`` included),
    read by :class:`ReportOptions` as every door's plan day is."""
    return None if day is None else day.strip()


def _number(text: str | None, option: str, *, percent: bool = False) -> int | float | None:
    """A number typed for a flag, as the Settings sheet reads one: digits 0-9, Arabic-Indic or
    Persian (``٩٠``), the Arabic decimal sign (``٠٫٣``) and, for a fraction, a percent sign for
    hundredths (``30%``, ``٣٠٪``). Whether it is in range is the options' check; text that is
    no number is an error naming the option (its flag, once worded for the command line).

    >>> _number("٩٠", "window_days"), _number("٣٠٪", "margin", percent=True), _number("0.5", "margin")
    (90, 0.3, 0.5)
    """
    if text is None:
        return None
    from retention_xl.analysis.numerals import clean_string

    typed = clean_string(text).replace("٫", ".").replace("\u2212", "-")
    hundredths = percent and typed.endswith(("%", "٪"))
    if hundredths:
        typed = typed[:-1].strip()
    try:
        value: int | float = int(typed)
    except ValueError:
        try:
            value = float(typed)
        except ValueError:
            raise InvalidValue(f"{option} must be a number, got {text!r}", option=option) from None
    return value / 100 if hundredths else value


def _dayfirst(order: str | None) -> bool | None:
    if order is None:
        return None
    code = order.strip().lower().replace("/", "")
    if code not in ("dmy", "mdy"):
        raise InvalidValue(f"dayfirst must be dmy (day/month/year) or mdy (month/day/year), got {order!r}",
                           option="dayfirst")
    return code == "dmy"


@contextmanager
def _progress() -> Iterator[Callable[[str], None]]:
    """A spinner on standard error showing the current step."""
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("Starting", total=None)
        yield lambda step: progress.update(task, description=step)


def _version(value: bool) -> None:
    if value:
        out.print(f"retention-xl {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Customer-retention analytics for Excel users."""
    _no_huge_page_advice()


def _no_huge_page_advice() -> None:
    """Leave huge pages to the system's own policy in this process, not numpy's advice.

    numpy asks the kernel to back every array of 4 MB or more with huge pages. Where
    transparent huge pages are set to "madvise" (the default of Ubuntu and others), the
    kernel assembles each one when it is first touched, compacting memory if it must: a
    1,000,000-order report spent 1.0-1.4 s more in the kernel that way (BENCHMARKS.md,
    2026-12-02). numpy reads ``NUMPY_MADVISE_HUGEPAGE`` when it is imported, which a
    command does after this; a user's own setting wins.
    """
    if "numpy" not in sys.modules:
        os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")


@app.command()
@errors_as_one_line
@takes(order_reading, plan_settings, engine_settings)
def report(
    input: Annotated[str | None, typer.Argument(
        help="Order table: .csv, .xlsx/.xlsm, .xls or .parquet; a Parquet folder or glob; a .duckdb/.sqlite file or a "
             "postgresql:// URL (with --table or --query); spark:TABLE.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Report workbook to write (.xlsx).")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Use the bundled sample orders as input.")] = False,
    force: ForceOpt = False,
    *,
    options: ReportOptions,
    sheet: str | None,
    survey: Path | None,
    contact_log: Path | None,
    table: str | None,
    query: str | None,
    staging_dir: Path | None,
) -> None:
    """Build the retention report (Summary, Cohorts, Segments, Contacts, Feedback, Data issues) from an order table."""
    from retention_xl.engines.run import report_source
    from retention_xl.sample import sample_path

    if sample == (input is not None):
        _fail("give an order file, or --sample to use the bundled sample orders (not both)")
    source = str(sample_path()) if sample else input
    stem = "retention-report" if sample else (Path(source.split("://")[-1].split("?")[0].rstrip("/*")).stem or "orders")
    target = output or Path.cwd() / (f"{stem}.xlsx" if sample else f"{stem}-retention.xlsx")
    started = time.perf_counter()
    with _progress() as step:
        run = report_source(source, target, options, table=table, query=query, sheet=sheet, force=force,
                            progress=step, staging=staging_dir, survey=survey, contacts=contact_log)
    orders, h = run.orders, run.analysis.headline
    out.print(f"[bold green]Report written:[/] {run.path} (engine: {run.engine})")
    if run.customers_file is not None:
        out.print(f"Customers sheet: {len(run.analysis.customers):,} of {run.n_customers:,} customers; "
                  f"all of them in {run.customers_file}", highlight=False)
    out.print(
        f"{_how_many(orders.n_input_rows, 'row')} read, {orders.n_input_rows - orders.skipped_rows:,} used, "
        f"{orders.skipped_rows:,} skipped (see the Data issues sheet); {_how_many(h['customers'], 'customer')}, "
        f"{_how_many(h['orders'], 'order')}, net revenue {h['revenue']:,.2f}, average order value {h['aov']:,.2f}, "
        f"repeat rate {h['repeat_rate']:.1%}. "
        f"({time.perf_counter() - started:.1f} s)",
        highlight=False,
    )
    _basis(orders, run.analysis.calendar)
    _plan_summary(run.analysis)


def _basis(orders, calendar: str = "gregorian") -> None:
    """What the figures rest on (the columns, the export, the conventions) and what was decided while reading
    (a day written in the report's ``calendar``, as the workbook writes it)."""
    from retention_xl.layout.statement import CONVENTIONS, basis_lines
    from retention_xl.wording import notice_text

    out.print("What the figures rest on:", highlight=False)
    for line in basis_lines(orders.columns, orders.notices, "en", "cli"):
        out.print(f"  - {line}", highlight=False)
    others = [n for n in orders.notices if n.code not in CONVENTIONS]
    if others:
        out.print("Decided while reading the data:", highlight=False)
    for notice in others:
        out.print(f"  - {notice_text(notice, 'en', 'cli', calendar)}", highlight=False)


def _plan_summary(analysis) -> None:
    """The contact plan in two lines: the counts per status, and what the plan holds (its day in the
    report's calendar, as the workbook writes it)."""
    from retention_xl.wording import day_text

    p = analysis.contacts
    counts = ", ".join(f"{status.replace('_', ' ')} {n:,}" for status, n in p.counts["customers"].items())
    out.print(f"Contact plan for {day_text(p.as_of, analysis.calendar)}: {counts}; at risk (lapsing) {p.at_risk:,}.",
              highlight=False)
    out.print(f"  {_how_many(len(p.plan), 'contact')} in the next {_how_many(p.weeks, 'week')}, "
              f"{int(p.calendar['contacts'].iloc[0]):,} in the first (worth {p.calendar['value'].iloc[0]:,.2f}).",
              highlight=False)
    if analysis.feedback is not None:
        f = analysis.feedback
        nps = (f"NPS {f.overall['nps']:.1f} ± {f.overall['nps_moe']:.1f}" if f.overall["enough"]
               else "too few for an NPS")
        out.print(f"Survey: {_how_many(f.overall['answers'], 'NPS answer')}, {nps}; "
                  f"{_how_many(len(f.unhappy), 'unhappy customer')}.", highlight=False)


def _how_many(n: int, thing: str) -> str:
    """``n`` things, in the singular for one: ``1 contact``, ``1,204 contacts``."""
    return f"{n:,} {thing}" + ("" if n == 1 else "s")


@app.command()
@errors_as_one_line
@takes(order_reading, plan_settings)
def contacts(
    input: Annotated[Path | None, typer.Argument(help="Order table: .csv, .xlsx/.xlsm, .xls or .parquet.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Contact plan to write (.csv).")] = None,
    ics: Annotated[Path | None, typer.Option(
        "--ics", help="Also write the weekly batches as a calendar file (.ics) for Outlook or Google Calendar.")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Use the bundled sample orders as input.")] = False,
    force: ForceOpt = False,
    *,
    options: ReportOptions,
    sheet: str | None,
    survey: Path | None,
    contact_log: Path | None,
) -> None:
    """Write the contact plan (whom to contact, why, when, and what each is worth) as CSV for mail and SMS tools."""
    from retention_xl.file_pipeline import contacts_file
    from retention_xl.sample import sample_path

    if sample == (input is not None):
        _fail("give an order file, or --sample to use the bundled sample orders (not both)")
    source = sample_path() if sample else input
    target = output or Path.cwd() / ("contact-plan.csv" if sample else f"{source.stem}-contacts.csv")
    with _progress() as step:
        run = contacts_file(source, target, options, survey=survey, contacts=contact_log, ics=ics, sheet=sheet,
                            force=force, progress=step)
    out.print(f"[bold green]Contact plan written:[/] {run.path}")
    if run.calendar is not None:
        out.print(f"[bold green]Calendar written:[/] {run.calendar}")
    elif ics is not None:
        out.print(f"No calendar written to {ics}: no week of the plan has contacts.", highlight=False)
    orders = run.analysis.orders
    out.print(f"{_how_many(orders.n_input_rows, 'row')} read, {orders.n_input_rows - orders.skipped_rows:,} used, "
              f"{orders.skipped_rows:,} skipped (retention-xl report lists them on its Data issues sheet).",
              highlight=False)
    _basis(orders, run.analysis.calendar)
    _plan_summary(run.analysis)


@app.command()
@errors_as_one_line
@takes(order_reading)
def validate(
    input: InputFile,
    holdout_start: Annotated[
        str, typer.Option("--holdout-start", help="First day of the holdout period, e.g. 2024-07-01.")
    ],
    *,
    options: ReportOptions,
    sheet: str | None,
) -> None:
    """Check the purchase models: fitted on the orders before --holdout-start, scored on the purchases after it."""
    from rich.table import Table

    from retention_xl.analysis.models.choice import DEFAULT_CANDIDATES
    from retention_xl.file_pipeline import check_holdout
    from retention_xl.layout.segments import MODEL_NAMES

    with _progress() as step:
        check = check_holdout(input, holdout_start, options, sheet=sheet, progress=step)
    result = check.validation
    choice = result.choice
    out.print(f"[bold]Holdout check of the purchase models[/] on {check.orders.source}", highlight=False)
    orders = check.orders
    out.print(f"{_how_many(orders.n_input_rows, 'row')} read, {orders.n_input_rows - orders.skipped_rows:,} used, "
              f"{orders.skipped_rows:,} skipped (retention-xl report lists them on its Data issues sheet).",
              highlight=False)
    _basis(orders)
    out.print(
        f"Fitted on orders before {holdout_start}; holdout {result.holdout_length:.4g} weeks. Purchases are "
        "order days; refunds are left out, and customers first seen in the holdout are not compared.",
        highlight=False,
    )
    figures = Table(title=f"Predicted vs actual purchases in the holdout ({result.customers:,} customers compared)")
    for heading in ("Model", "Parameters (weeks)", "Log-likelihood", "Total predicted", "Total actual", "MAE",
                    "RMSE", "Correlation"):
        figures.add_column(heading, justify="left" if heading.startswith(("Model", "Param")) else "right")
    for c in choice.candidates:
        name = MODEL_NAMES[c.model] + (" (chosen)" if c.model == choice.model else "")
        if c.problem is not None:
            figures.add_row(name, f"not fitted: {c.problem}", "", "", "", "", "", "")
            continue
        symbols = {"alpha": "α", "beta": "β"}
        hidden = ("b", "beta") if c.limit == "no_dropout" else ()  # no effect at that limit
        params = ", ".join(f"{symbols.get(k, k)}={v:.3g}" for k, v in c.params.items() if k not in hidden)
        if c.limit == "no_dropout":
            params += " (limit: nobody drops out)"
        h = c.holdout
        figures.add_row(name, params, f"{c.log_likelihood:,.1f}", f"{h['total_predicted']:,.1f}",
                        f"{h['total_actual']:,.0f}", f"{h['mae']:.3f}", f"{h['rmse']:.3f}", f"{h['correlation']:.3f}")
    out.print(figures)
    best = choice.candidate(choice.model)
    out.print(f"Chosen: {MODEL_NAMES[choice.model]}, the smallest error per customer in the holdout "
              f"(RMSE {best.holdout_rmse:.3f}).", highlight=False)
    if choice.model not in DEFAULT_CANDIDATES:  # the report would not take it: say what the report takes
        scored = [c for code in DEFAULT_CANDIDATES for c in choice.candidates if c.model == code and c.holdout]
        if scored:
            pick = min(scored, key=lambda c: c.holdout_rmse)  # a tie goes to the earlier, as in the report
            names = " and ".join(MODEL_NAMES[c] for c in DEFAULT_CANDIDATES)
            out.print(f"The report chooses between {names} only (under BG/NBD a customer who never bought again "
                      f"stays alive forever); of those the holdout favours {MODEL_NAMES[pick.model]} "
                      f"(RMSE {pick.holdout_rmse:.3f}).", highlight=False)
    by_frequency = Table(title="Calibration vs holdout: mean purchases per customer in the holdout, by repeat "
                               "purchases before it")
    for heading in ("Repeat purchases", "Customers", "Actual", *(MODEL_NAMES[c.model] for c in choice.candidates
                                                                  if c.problem is None)):
        by_frequency.add_column(heading, justify="right")
    fitted = [c for c in choice.candidates if c.problem is None]
    table = best.holdout["by_frequency"]
    for freq, customers, actual_mean in table[["customers", "actual"]].itertuples():
        label = f"{freq}+" if freq == table.index.max() else str(freq)  # the last group is "or more"
        predicted = [f"{c.holdout['by_frequency'].loc[freq, 'predicted']:.3f}" for c in fitted]
        by_frequency.add_row(label, f"{customers:,}", f"{actual_mean:.3f}", *predicted)
    out.print(by_frequency)


@app.command()
@errors_as_one_line
def template(
    path: Annotated[Path, typer.Argument(help="Workbook to write.")] = Path("workbook_template.xlsx"),
    lang: LangOpt = "en",
    sample: Annotated[bool, typer.Option("--sample", help="Fill the Orders table with sample rows.")] = False,
    force: ForceOpt = False,
) -> None:
    """Make the ready-to-use template workbook (Start here, Orders, Metrics, Survey)."""
    from retention_xl.template import build_template

    written = build_template(path, lang=lang, sample=sample, force=force)
    out.print(f"[bold green]Template written:[/] {written}")


@app.command()
@errors_as_one_line
def lite(
    directory: Annotated[Path, typer.Argument(help="Folder for main.py and requirements.txt.")] = Path("xlwings-lite"),
    force: ForceOpt = False,
) -> None:
    """Write main.py and requirements.txt to paste into the xlwings Lite add-in (Excel on the web and Mac)."""
    from retention_xl.excel.lite import write_lite_bundle

    paths = write_lite_bundle(directory, force=force)
    for path in paths:
        out.print(f"[bold green]Written:[/] {path}")
    out.print("Paste main.py and requirements.txt into the xlwings Lite editor (Excel: Home > Add-ins > xlwings Lite).")


@addin_app.command("build")
@errors_as_one_line
def addin_build(
    path: Annotated[Path, typer.Argument(help="Folder or retention_xl.xlam path.")] = Path("."),
    force: ForceOpt = False,
) -> None:
    """Build retention_xl.xlam: a Retention ribbon tab with a Build report button."""
    from retention_xl.excel.addin import build_addin

    written = build_addin(path, force=force)
    out.print(f"[bold green]Add-in written:[/] {written}")


@addin_app.command("install")
@errors_as_one_line
def addin_install(
    file: Annotated[Path | None, typer.Argument(help="A built add-in (default: build a fresh one).")] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an installed add-in holding imported formulas even if "
                                           "they cannot be imported again.")
    ] = False,
) -> None:
    """Install the add-in into Excel's startup folder (Windows, macOS) with this Python, and on
    Windows import the formulas into it: one command for the ribbon and the formulas."""
    from retention_xl.excel.addin_install import install_addin

    installed = install_addin(file, force=force)
    for line in installed.lines():
        out.print(line, highlight=False, soft_wrap=True)


@addin_app.command("uninstall")
@errors_as_one_line
def addin_uninstall() -> None:
    """Remove the add-in from Excel's startup folder."""
    from retention_xl.excel.addin_install import uninstall_addin

    removed = uninstall_addin()
    out.print(f"Add-in removed: {removed}")


@addin_app.command("status")
@errors_as_one_line
def addin_status() -> None:
    """Say whether the add-in is installed, where, with which Python, whether the formulas are in it,
    and what is missing."""
    from retention_xl.excel.addin_install import addin_status as status

    out.print(str(status()), highlight=False)
