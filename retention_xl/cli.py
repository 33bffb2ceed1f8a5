"""The ``retention-xl`` command line: a thin layer over the library.

Every command converts options, calls one library function and reports: errors the user
can fix are one red line and exit code 1, never a traceback.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from retention_xl import __version__
from retention_xl.errors import RetentionError

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


def _fail(message: str) -> None:
    err.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


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


@app.command()
def report(
    input: Annotated[Optional[Path], typer.Argument(help="Order table: .csv, .xlsx/.xlsm or .parquet.")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Report workbook to write (.xlsx).")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Use the bundled sample orders as input.")] = False,
    period: Annotated[str, typer.Option("--period", "-p", help="Cohort and KPI period: M (month), W, Q or Y.")] = "M",
    lang: Annotated[str, typer.Option("--lang", help="Report language: en, ar or fa (right to left).")] = "en",
    window: Annotated[
        Optional[int], typer.Option("--window", help="Activity window in days (default 90; Q 180, Y 366).")
    ] = None,
    margin: Annotated[float, typer.Option("--margin", help="Profit margin for historical CLV (1 = revenue).")] = 1.0,
    customer: Annotated[Optional[str], typer.Option("--customer", help="Name of the customer column.")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="Name of the order date column.")] = None,
    amount: Annotated[Optional[str], typer.Option("--amount", help="Name of the amount column.")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Worksheet to read from an .xlsx file.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUTPUT if it exists.")] = False,
) -> None:
    """Build the retention report (Summary, Cohorts, Segments, Data issues) from an order table."""
    from retention_xl.build import build_report
    from retention_xl.excel.xlsx_writer import write_xlsx
    from retention_xl.io import read_table
    from retention_xl.sample import sample_path

    if sample == (input is not None):
        _fail("give an order file, or --sample to use the bundled sample orders (not both)")
    source_path = sample_path() if sample else input
    target = output or Path.cwd() / ("retention-report.xlsx" if sample else f"{source_path.stem}-retention.xlsx")
    if target.exists() and not force:
        _fail(f"{target} already exists: choose another name with -o or pass --force to replace it")
    started = time.perf_counter()
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
            console=err, transient=True,
        ) as progress:
            task = progress.add_task("Reading orders", total=None)
            raw = read_table(source_path, sheet=sheet)
            built = build_report(
                raw.frame, source=raw.source, first_row=raw.first_row, customer=customer, date=date,
                amount=amount, period=period, window_days=window, lang=lang, margin=margin,
                progress=lambda s: progress.update(task, description=s),
            )
            progress.update(task, description="Writing the workbook")
            write_xlsx(built.report, target, force=force)
    except RetentionError as e:
        _fail(str(e))
    h = built.analysis.headline
    out.print(f"[bold green]Report written:[/] {target}")
    out.print(
        f"{built.clean.n_input_rows:,} rows read, {built.clean.n_input_rows - built.skipped_rows:,} used, "
        f"{built.skipped_rows:,} skipped (see the Data issues sheet); {h['customers']:,} customers, "
        f"{h['orders']:,} orders, repeat rate {h['repeat_rate']:.1%}. "
        f"({time.perf_counter() - started:.1f} s)",
        highlight=False,
    )
    for note in built.clean.notes:
        out.print(f"  - {note}", highlight=False)


@app.command()
def validate(
    input: Annotated[Path, typer.Argument(help="Order table: .csv, .xlsx/.xlsm or .parquet.")],
    holdout_start: Annotated[
        str, typer.Option("--holdout-start", help="First day of the holdout period, e.g. 2024-07-01.")
    ],
    customer: Annotated[Optional[str], typer.Option("--customer", help="Name of the customer column.")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="Name of the order date column.")] = None,
    amount: Annotated[Optional[str], typer.Option("--amount", help="Name of the amount column.")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Worksheet to read from an .xlsx file.")] = None,
) -> None:
    """Check the purchase models: fit BG/NBD, MBG/NBD and Pareto/NBD on the orders before
    --holdout-start, compare their predictions with the purchases made from that day on,
    and say which one the holdout favours."""
    from rich.table import Table

    from retention_xl.analysis.orders import clean_orders
    from retention_xl.analysis.prediction import validate_models
    from retention_xl.io import read_table
    from retention_xl.report import MODEL_NAMES

    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=err, transient=True) as progress:
            task = progress.add_task("Reading orders", total=None)
            raw = read_table(input, sheet=sheet)
            progress.update(task, description="Cleaning orders")
            clean = clean_orders(raw.frame, customer=customer, date=date, amount=amount, first_row=raw.first_row)
            progress.update(task, description="Fitting and comparing")
            result = validate_models(clean.orders, holdout_start)
    except RetentionError as e:
        _fail(str(e))
    choice = result.choice
    out.print(f"[bold]Holdout check of the purchase models[/] on {raw.source}", highlight=False)
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
def template(
    path: Annotated[Path, typer.Argument(help="Workbook to write.")] = Path("workbook_template.xlsx"),
    lang: Annotated[str, typer.Option("--lang", help="Language: en, ar or fa (right to left).")] = "en",
    sample: Annotated[bool, typer.Option("--sample", help="Fill the Orders table with sample rows.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace PATH if it exists.")] = False,
) -> None:
    """Make the ready-to-use template workbook (Start here, Orders, Metrics, Survey)."""
    from retention_xl.template import build_template

    try:
        written = build_template(path, lang=lang, sample=sample, force=force)
    except RetentionError as e:
        _fail(str(e))
    out.print(f"[bold green]Template written:[/] {written}")


@app.command()
def lite(
    directory: Annotated[Path, typer.Argument(help="Folder for main.py and requirements.txt.")] = Path("xlwings-lite"),
    force: Annotated[bool, typer.Option("--force", help="Replace existing files.")] = False,
) -> None:
    """Write main.py and requirements.txt to paste into the xlwings Lite add-in (Excel on the web and Mac)."""
    from retention_xl.excel.lite import write_lite_bundle

    try:
        paths = write_lite_bundle(directory, force=force)
    except RetentionError as e:
        _fail(str(e))
    for path in paths:
        out.print(f"[bold green]Written:[/] {path}")
    out.print("Paste main.py and requirements.txt into the xlwings Lite editor (Excel: Home > Add-ins > xlwings Lite).")


@addin_app.command("build")
def addin_build(
    path: Annotated[Path, typer.Argument(help="Folder or retention_xl.xlam path.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Replace an existing add-in file.")] = False,
) -> None:
    """Build retention_xl.xlam: a Retention ribbon tab with a Build report button."""
    from retention_xl.excel.addin import build_addin

    try:
        written = build_addin(path, force=force)
    except RetentionError as e:
        _fail(str(e))
    out.print(f"[bold green]Add-in written:[/] {written}")


@addin_app.command("install")
def addin_install(
    file: Annotated[Optional[Path], typer.Argument(help="A built add-in (default: build a fresh one).")] = None,
) -> None:
    """Install the add-in into Excel's startup folder (Windows, macOS)."""
    from retention_xl.excel.addin_install import install_addin

    try:
        written = install_addin(file)
    except RetentionError as e:
        _fail(str(e))
    out.print(f"[bold green]Add-in installed:[/] {written}. Restart Excel to see the Retention tab.")


@addin_app.command("uninstall")
def addin_uninstall() -> None:
    """Remove the add-in from Excel's startup folder."""
    from retention_xl.excel.addin_install import uninstall_addin

    try:
        removed = uninstall_addin()
    except RetentionError as e:
        _fail(str(e))
    out.print(f"Add-in removed: {removed}")


@addin_app.command("status")
def addin_status() -> None:
    """Say whether the add-in is installed, and where."""
    from retention_xl.excel.addin_install import addin_status as status

    try:
        out.print(str(status()), highlight=False)
    except RetentionError as e:
        _fail(str(e))
