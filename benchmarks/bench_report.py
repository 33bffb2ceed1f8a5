"""Time the whole report on a 1,000,000-order table, as CSV and as Parquet, against the
pandas a user would write.

Run from the repository root::

    python benchmarks/bench_report.py                 # all four parts
    python benchmarks/bench_report.py --profile       # plus where the report spends its time
    python benchmarks/bench_report.py --skip cd --compare /tmp/before   # (a)+(b), this checkout
                                                      # and another one, runs alternating
    python benchmarks/bench_report.py --lifetimes-python /tmp/lt/bin/python

The table is ``generate_orders(100_000, seed=11, a=0.5, b=6.0, r=1.3, alpha=30.0)``:
1,003,374 orders from 100,000 customers, written once to ``benchmarks/.data/`` (git-ignored)
as CSV, and the same table once as Parquet (read from the CSV by pyarrow, so the order
date is a timestamp and the amount a double there).

(a) baseline: bare ``pd.read_csv`` (``pd.read_parquet``) + one cohort groupby (first-order
    month per customer, distinct customers per cohort and month) - the reference time;
    Beside it, the same lines as a script in a fresh interpreter (imports, start-up and
    writing the counts out included, as a user would run it): not the goal's reference,
    shown because (b) pays the same start-up;
(b) ``retention-xl report FILE -o OUT.xlsx --force`` as a subprocess: wall time and peak
    memory; goal <= 5x (a) and <= 2 GiB, for either input. (a) and (b) run in alternation,
    ``--repeat`` rounds, and the medians are compared; with ``--compare DIR`` each round
    also runs the report of the retention-xl checkout in DIR (e.g. ``git archive`` of an
    earlier commit), so before and after are measured in the same conditions;
(c) ``customer_summary`` against a plain pandas groupby computing the same columns, goal
    <= 1.5x, and beside them ``lifetimes.utils.summary_data_from_transaction_data`` (run in
    whichever interpreter has lifetimes; skipped with a note when none has);
(d) the Customers table (100,000 rows x 13 columns, formats, an Excel Table) written by
    openpyxl (write-only), by xlsxwriter cell by cell, and by the report's writer.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # time this checkout, not an installed copy

from retention_xl.analysis.customers import customer_summary  # noqa: E402

DATA = ROOT / "benchmarks" / ".data"
CSV = DATA / "orders-1m.csv"
PARQUET = DATA / "orders-1m.parquet"
TABLE = dict(n_customers=100_000, seed=11, a=0.5, b=6.0, r=1.3, alpha=30.0)
GOAL_REPORT_X, GOAL_MEMORY_GIB, GOAL_SUMMARY_X = 5.0, 2.0, 1.5
SUMMARY_COLUMNS = ["first_order", "last_order", "orders", "revenue", "days_since_last",
                   "frequency", "recency", "T", "monetary"]


def ensure_csv() -> Path:
    if not CSV.exists():
        from retention_xl.sample import generate_orders

        print(f"generating {CSV.relative_to(ROOT)} ...", flush=True)
        DATA.mkdir(parents=True, exist_ok=True)
        frame = generate_orders(**TABLE)
        out = frame.assign(order_date=frame["order_date"].dt.strftime("%Y-%m-%d %H:%M"))
        out.to_csv(CSV, index=False, lineterminator="\n", float_format="%.2f")
    return CSV


def ensure_parquet() -> Path:
    """The same table as Parquet, made once from the CSV (typed columns: a timestamp, a double)."""
    if not PARQUET.exists():
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        print(f"writing {PARQUET.relative_to(ROOT)} ...", flush=True)
        pq.write_table(pacsv.read_csv(ensure_csv()), PARQUET)
    return PARQUET


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


# --------------------------------------------------------------------- (a) baseline
def baseline(path: Path) -> pd.Series:
    """What a pandas user writes for a cohort table: read, first month, distinct customers."""
    df = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    month = pd.to_datetime(df["order_date"]).dt.to_period("M")
    cohort = month.groupby(df["customer"]).transform("min")
    return df.groupby([cohort.rename("cohort"), month.rename("month")])["customer"].nunique()


BASELINE_SCRIPT = r'''
import sys
import pandas as pd
path = sys.argv[1]
df = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)
month = pd.to_datetime(df["order_date"]).dt.to_period("M")
cohort = month.groupby(df["customer"]).transform("min")
df.groupby([cohort.rename("cohort"), month.rename("month")])["customer"].nunique().to_csv(sys.argv[2])
'''


def run_baseline_script(path: Path, out: Path) -> float:
    """Wall seconds of (a) as the script a user would run: a fresh interpreter that imports
    pandas, reads the file, groups and writes the cohort counts out."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BASELINE_SCRIPT, str(path), str(out)], check=True)
    return time.perf_counter() - start


# --------------------------------------------------------------------- (b) the report
def run_report(path: Path, out: Path, code: Path = ROOT) -> tuple[float, float | None, str]:
    """Wall seconds and peak resident memory (GiB) of one ``retention-xl report`` run of the
    retention-xl checkout in ``code``."""
    cmd = [sys.executable, "-m", "retention_xl", "report", str(path), "-o", str(out), "--force"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(code), os.environ.get("PYTHONPATH", "")])}
    time_v = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    if time_v:
        cmd = [time_v, "-v", *cmd]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"retention-xl report failed:\n{done.stdout}\n{done.stderr}")
    peak = None
    if time_v:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        peak = int(m.group(1)) / 2**20 if m else None
        how = "/usr/bin/time -v"
    if peak is None:
        import resource

        # the largest child so far; the report runs are this script's first children
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
        how = "getrusage(RUSAGE_CHILDREN)"
    return wall, peak, how


# --------------------------------------------------------------------- (c) customer summary
def load_orders(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, usecols=["customer", "order_date", "amount"])
    return pd.DataFrame({"customer": df["customer"], "date": pd.to_datetime(df["order_date"]),
                         "amount": df["amount"].astype(float)})


def groupby_summary(orders: pd.DataFrame) -> pd.DataFrame:
    """The same columns as ``customer_summary``, written the natural pandas way."""
    day = orders["date"].dt.normalize()
    as_of = day.max()  # T and days since the last order count to the last order day, as lifetimes
    g = orders.groupby("customer", sort=False)
    out = g.agg(first_order=("date", "min"), last_order=("date", "max"),
                orders=("amount", "size"), revenue=("amount", "sum"))
    daily = orders.groupby(["customer", day], sort=False)["amount"].sum().reset_index()
    first_day = out["first_order"].dt.normalize()
    n_days = daily.groupby("customer", sort=False).size()
    repeat = daily[daily["date"] > daily["customer"].map(first_day)]
    out["days_since_last"] = (as_of - out["last_order"].dt.normalize()).dt.days
    out["frequency"] = n_days - 1
    out["recency"] = (out["last_order"].dt.normalize() - first_day).dt.days.astype(float)
    out["T"] = (as_of - first_day).dt.days.astype(float)
    out["monetary"] = repeat.groupby("customer", sort=False)["amount"].mean().reindex(out.index).fillna(0.0)
    return out


def check_same(ours: pd.DataFrame, theirs: pd.DataFrame) -> None:
    theirs = theirs.reindex(ours.index)
    for col in ("first_order", "last_order", "orders", "revenue", "frequency", "recency", "T", "monetary"):
        a, b = ours[col], theirs[col]
        same = (a == b).all() if a.dtype.kind == "M" else np.allclose(a.to_numpy(float), b.to_numpy(float))
        if not same:
            raise SystemExit(f"customer_summary and the groupby disagree on {col}")


LIFETIMES_SCRIPT = r"""
import json, sys, time
import pandas as pd
from lifetimes.utils import summary_data_from_transaction_data
df = pd.read_csv(sys.argv[1], usecols=["customer", "order_date", "amount"], parse_dates=["order_date"])
end = df["order_date"].max().normalize()  # lifetimes' default: the last transaction date
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    s = summary_data_from_transaction_data(df, "customer", "order_date", "amount",
                                           observation_period_end=end, freq="D")
    times.append(time.perf_counter() - t)
import lifetimes
print(json.dumps({"seconds": sorted(times)[len(times) // 2], "version": lifetimes.__version__,
                  "pandas": pd.__version__, "python": sys.version.split()[0],
                  "sums": {c: float(s[c].sum()) for c in ("frequency", "recency", "T", "monetary_value")}}))
"""


def find_lifetimes(given: str | None) -> str | None:
    candidates = [given] if given else [sys.executable, os.environ.get("LIFETIMES_PYTHON"), "/tmp/lt/bin/python"]
    for exe in filter(None, candidates):
        if Path(exe).exists() and subprocess.run([exe, "-c", "import lifetimes"], capture_output=True).returncode == 0:
            return exe
    return None


def run_lifetimes(exe: str, path: Path, repeat: int) -> dict:
    done = subprocess.run([exe, "-c", LIFETIMES_SCRIPT, str(path), str(repeat)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"lifetimes run failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------- (d) writers
def customers_table():
    """The report's Customers table, laid out as the report lays it out."""
    from retention_xl.pipeline import analyse, build_report, clean
    from retention_xl.sources.files import read_table

    raw = read_table(ensure_csv())
    report = build_report(analyse(clean(raw.frame, first_row=raw.first_row, name=raw.source)))
    return report, report.table("Customers")


def write_openpyxl(table, target: Path) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.table import Table as XlTable, TableStyleInfo
    from openpyxl.utils import get_column_letter

    from retention_xl.layout.blocks import FORMATS, table_values

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Customers")
    for j, c in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = c.width
    head = []
    for c in table.columns:
        cell = WriteOnlyCell(ws, value=c.header)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
        head.append(cell)
    ws.append(head)
    formats = [FORMATS[c.kind] for c in table.columns]
    for values in table_values(table):
        row = []
        for v, f in zip(values, formats):
            cell = WriteOnlyCell(ws, value=v)
            cell.number_format = f
            row.append(cell)
        ws.append(row)
    ref = f"A1:{get_column_letter(len(table.columns))}{len(table.frame) + 1}"
    xt = XlTable(displayName="Customers", ref=ref)
    xt.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    xt._initialise_columns()
    for col, c in zip(xt.tableColumns, table.columns):
        col.name = c.header
    with warnings.catch_warnings():  # write-only mode warns that columns are set by hand: they are
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(xt)
    wb.save(target)


def write_xlsxwriter(table, target: Path) -> None:
    import xlsxwriter

    from retention_xl.layout.blocks import FORMATS, table_values

    wb = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False})
    ws = wb.add_worksheet("Customers")
    fmt = {k: wb.add_format({"num_format": f}) for k, f in FORMATS.items()}
    writers = {"text": ws.write_string, "date": ws.write_datetime, "datetime": ws.write_datetime,
               "bool": ws.write_boolean}
    cols = [(writers.get(c.kind, ws.write_number), fmt[c.kind]) for c in table.columns]
    for j, c in enumerate(table.columns):
        ws.set_column(j, j, c.width)
    for i, values in enumerate(table_values(table), start=1):
        for j, v in enumerate(values):
            if v is not None:
                write, f = cols[j]
                write(i, j, v, f)
    header = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E79"})
    ws.add_table(0, 0, len(table.frame), len(table.columns) - 1, {
        "name": "Customers", "style": "Table Style Medium 2",
        "columns": [{"header": c.header, "format": fmt[c.kind], "header_format": header} for c in table.columns],
    })
    wb.close()


def write_ours(table, target: Path) -> None:
    from retention_xl.writers.xlsx_file import write_xlsx
    from retention_xl.layout.blocks import Report, Sheet

    sheet = Sheet("segments", "Customers", (table,), False, (table.row + 1, 1), {})
    write_xlsx(Report(sheets=(sheet,), lang="en"), target, force=True)


def check_written(target: Path, table) -> None:
    """The file holds every customer row, the last one last (read back with openpyxl)."""
    import openpyxl

    wb = openpyxl.load_workbook(target, read_only=True)
    last, n = None, 0
    for n, row in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1):
        last = row
    if n < len(table.frame) + 1 or str(last[table.col]) != str(table.frame.iloc[-1]["customer"]):
        raise SystemExit(f"{target.name}: the customer rows are not all there")


# --------------------------------------------------------------------- report
def profile_report(path: Path, top: int) -> None:
    from retention_xl.pipeline import analyse, build_report, clean
    from retention_xl.writers.xlsx_file import report_bytes
    from retention_xl.sources.files import read_table

    def run() -> None:
        raw = read_table(path)
        report_bytes(build_report(analyse(clean(raw.frame, first_row=raw.first_row, name=raw.source))))

    prof = cProfile.Profile()
    prof.enable()
    run()
    prof.disable()
    stats = pstats.Stats(prof)
    total = max(v[3] for v in stats.stats.values())
    print(f"\nprofile of one in-process report (cProfile, {total:.1f} s with profiling overhead)")
    print(f"{'cumulative':>10} {'share':>6}  function")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][3], reverse=True)
    shown = 0
    for (file, line, func), (_, _, _, cum, _) in rows:
        if "retention_xl" not in file and "xlsxwriter" not in file:
            continue
        where = file.split("site-packages/")[-1].split(str(ROOT) + "/")[-1]
        print(f"{cum:>9.2f}s {100 * cum / total:>5.0f}%  {where}:{line} {func}")
        shown += 1
        if shown >= top:
            break


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each part (median)")
    parser.add_argument("--lifetimes-python", help="interpreter with lifetimes installed")
    parser.add_argument("--profile", action="store_true", help="also profile one report run")
    parser.add_argument("--skip", default="", help="parts to skip, e.g. --skip d or --skip cd; "
                        "--skip parquet leaves out the Parquet input")
    parser.add_argument("--compare", metavar="DIR", help="also time the report of the retention-xl "
                        "checkout in DIR, in the same rounds (before/after)")
    args = parser.parse_args(argv)
    path = ensure_csv()
    misses: list[str] = []
    rows: list[tuple[str, str, str]] = []
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 2**20:.0f} MiB; median of {args.repeat} rounds\n")

    inputs = [("CSV", path)] + ([("Parquet", ensure_parquet())] if "parquet" not in args.skip else [])
    print(f"load average at the start: {load_average()}\n")
    for kind, table in inputs:
        baseline(table)  # warm the file cache and pandas' lazy imports before timing
        t_read, _ = timed(lambda: pd.read_parquet(table) if kind == "Parquet" else pd.read_csv(table), 5)
        code_dirs = [("this checkout", ROOT)] + ([(f"{args.compare}", Path(args.compare))] if args.compare else [])
        bases: list[float] = []
        scripts: list[float] = []  # (a) as a script in a fresh interpreter
        runs: dict[str, list] = {label: [] for label, _ in code_dirs}
        size = 0
        with tempfile.TemporaryDirectory() as tmp:
            for round_ in range(args.repeat if "b" not in args.skip else 0):
                bases.append(timed(lambda: baseline(table), 1)[0])  # (a) between the reports: same load
                scripts.append(run_baseline_script(table, Path(tmp) / "cohorts.csv"))
                for label, code in code_dirs[::-1] if round_ % 2 else code_dirs:  # alternate who goes first
                    runs[label].append(run_report(table, Path(tmp) / "report.xlsx", code))
                    size = (Path(tmp) / "report.xlsx").stat().st_size
            if not bases:
                bases = [timed(lambda: baseline(table), 1)[0] for _ in range(max(args.repeat, 5))]
        t_base = statistics.median(bases)
        cohorts = baseline(table)
        reader = "pd.read_parquet" if kind == "Parquet" else "pd.read_csv"
        rows.append((f"(a) {kind}: {reader} + cohort groupby", f"{t_base:.2f} s",
                     f"{reader} alone {t_read:.2f} s; {len(cohorts)} cohort-month cells; "
                     f"runs {', '.join(f'{b:.2f}' for b in bases)}"))
        if scripts:
            t_script = statistics.median(scripts)
            rows.append((f"    {kind}: the same as a script (fresh python)", f"{t_script:.2f} s",
                         f"imports and interpreter start included, as in (b); runs "
                         f"{', '.join(f'{b:.2f}' for b in scripts)}"))
        for label, code in code_dirs:
            if not runs[label]:
                continue
            wall = statistics.median(r[0] for r in runs[label])
            peak = max(r[1] for r in runs[label])
            x = wall / t_base
            ok = x <= GOAL_REPORT_X and peak <= GOAL_MEMORY_GIB
            if not ok and code == ROOT:
                misses.append(f"(b) {kind}")
            rows.append((f"(b) {kind}: retention-xl report, {label}", f"{wall:.2f} s",
                         f"{x:.1f}x (a)" + (f", {wall / t_script:.1f}x the script" if scripts else "") +
                         f", peak {peak:.2f} GiB [{runs[label][0][2]}], {size / 2**20:.1f} MiB xlsx; "
                         f"runs {', '.join(f'{r[0]:.2f}' for r in runs[label])}; goal <= {GOAL_REPORT_X:.0f}x, "
                         f"<= {GOAL_MEMORY_GIB:.0f} GiB: {'met' if ok else 'MISSED'}"))
    print(f"load average after (a) and (b): {load_average()}\n")

    if "c" not in args.skip:
        orders = load_orders(path)
        t_ours, ours = timed(lambda: customer_summary(orders), args.repeat)
        t_gb, theirs = timed(lambda: groupby_summary(orders), args.repeat)
        check_same(ours, theirs)
        x = t_ours / t_gb
        ok = x <= GOAL_SUMMARY_X
        if not ok:
            misses.append("(c)")
        rows.append(("(c) customer_summary", f"{t_ours:.2f} s",
                     f"{x:.2f}x the groupby; goal <= {GOAL_SUMMARY_X}x: {'met' if ok else 'MISSED'}"))
        rows.append(("    pandas groupby, same columns", f"{t_gb:.2f} s", "same values (checked)"))
        exe = find_lifetimes(args.lifetimes_python)
        if exe is None:
            rows.append(("    lifetimes summary_data_from_...", "skipped",
                         "lifetimes not importable here; see benchmarks/README.md for its venv"))
        else:
            lt = run_lifetimes(exe, path, args.repeat)
            ours_sums = {"frequency": ours["frequency"].sum(), "recency": ours["recency"].sum(),
                         "T": ours["T"].sum(), "monetary_value": ours["monetary"].sum()}
            agree = all(np.isclose(lt["sums"][k], v) for k, v in ours_sums.items())
            rows.append(("    lifetimes summary_data_from_...", f"{lt['seconds']:.2f} s",
                         f"{lt['seconds'] / t_ours:.0f}x customer_summary; lifetimes {lt['version']}, "
                         f"pandas {lt['pandas']}, Python {lt['python']}; "
                         f"{'same' if agree else 'DIFFERENT'} frequency/recency/T/monetary totals"))

    if "d" not in args.skip:
        _, table = customers_table()
        with tempfile.TemporaryDirectory() as tmp:
            for label, writer in (("openpyxl write-only, cell by cell", write_openpyxl),
                                  ("xlsxwriter, cell by cell", write_xlsxwriter),
                                  ("retention-xl writer (streamed rows)", write_ours)):
                target = Path(tmp) / f"{writer.__name__}.xlsx"
                t, _ = timed(lambda: writer(table, target), args.repeat)
                check_written(target, table)
                rows.append((f"(d) {label}", f"{t:.2f} s",
                             f"{len(table.frame):,} x {len(table.columns)}, {target.stat().st_size / 2**20:.1f} MiB"))

    width = max(len(r[0]) for r in rows)
    for name, t, note in rows:
        print(f"{name:<{width}}  {t:>8}  {note}")
    if args.profile:
        profile_report(path, top=25)
    print("\nall goals met" if not misses else f"\ngoals missed: {', '.join(misses)}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
