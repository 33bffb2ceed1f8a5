"""Every formula under abuse: whatever a cell can hold, the answer is a number, a spill or an error.

Each formula in ``retention_xl.udfs.__all__`` is called with what Excel (through classic
xlwings or xlwings Lite) and Python callers hand over, mixed with plausible values so the
success paths are reached too:

* ranges as a column, a row, a block, ragged rows, tuples, numpy arrays, nested deeper;
* blanks (``None``), NaN and infinities, 1e308, 5e-324, -0.0, booleans, numpy scalars,
  ``decimal.Decimal`` (classic xlwings reads Currency-formatted cells that way);
* dates and datetimes from 1900-01-01 to 9999-12-31;
* text: numbers as text, Arabic-Indic and Persian digits, blank, whitespace, 5,000 characters;
* error values passed through from other cells, as text (``"#N/A"``, lower case, padded) and
  as the integer codes classic xlwings hands over for errors it does not name (``#SPILL!``).

The answer must be a finite number in the formula's documented range, a spilled table of
consistent shape whose numbers are finite, or an Excel error: one line starting with one of
:data:`retention_xl.excel.cells.EXCEL_ERRORS` (exactly the code in the Office.js runtimes),
never a traceback and never the catch-all "unexpected problem". The inputs must not change.

How many cases each formula ran, and how they ended, is printed at the end of the module
(and written as JSON to ``$RETENTION_XL_FUZZ_COUNTS`` when set). CI runs the default profile
(200 cases per formula); the long run is
``pytest tests/test_formula_fuzz.py --hypothesis-profile=fuzz``.
"""

from __future__ import annotations

import datetime as dt
import inspect
import itertools
import json
import math
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from retention_xl import udfs
from retention_xl.excel import cells

# ----------------------------------------------------------------- what a cell can hold
CODES = sorted(cells.EXCEL_ERRORS)
#: classic xlwings on Windows hands an error value it has no name for as its COM code
WINDOWS_CODES = {"#SPILL!": -2146826243, "#CALC!": -2146826238, "#GETTING_DATA": -2146826245}

error_text = st.sampled_from(CODES).flatmap(
    lambda c: st.sampled_from([c, c.lower(), f" {c} ", f"{c}\t", c.title()])
)
special_numbers = st.sampled_from(
    [0.0, -0.0, 1.0, -1.0, 0.5, 9.0, 10.0, 11.0, 1e308, -1e308, 1.7976931348623157e308, 5e-324,
     -5e-324, 2.2250738585072014e-308, 1e-300, 1e15, 2.0**53 + 1, 0.1 + 0.2, 1 - 1e-16]
)
numpy_scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(np.float32),
    st.floats(allow_nan=True, allow_infinity=True).map(np.float64),
    st.integers(-(2**63), 2**63 - 1).map(np.int64),
    st.integers(0, 255).map(np.uint8),
    st.booleans().map(np.bool_),
    st.sampled_from(["12", "x", "#N/A"]).map(np.str_),
    st.sampled_from([np.datetime64("2024-01-05"), np.datetime64("NaT")]),
)
dates = st.one_of(
    st.sampled_from([dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59), dt.date(1900, 1, 1),
                     dt.date(9999, 12, 31), dt.datetime(1900, 2, 28), dt.datetime(2024, 2, 29)]),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9999, 12, 31)),
)
texts = st.one_of(
    st.sampled_from(["", " ", "\t", "\u00a0", "12", " 12 ", "1,234.5", "1.234,5", "1e308", "1e999",
                     "nan", "inf", "-0", "TRUE", "١٢", "۱۲", "٣٫٥", "۹", "١٠", "۰", "n/a", "-", "x" * 5000,
                     "2024-01-05", "۱۴۰۲/۰۱/۱۵", "=1+1", "Error", "#", "#N/A#N/A", "\u200f۱۰\u200f"]),
    st.text(max_size=20),
)
cell = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    special_numbers,
    st.integers(-10**6, 10**6).map(float),
    st.integers(-(10**30), 10**30),
    st.sampled_from([10**400, -(10**400)]),
    st.booleans(),
    numpy_scalars,
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**9, max_value=10**9),
    dates,
    texts,
    error_text,
    st.sampled_from(sorted(WINDOWS_CODES.values())),
)


@st.composite
def laid_out(draw, values: list) -> object:
    """The same cells as Excel or a Python caller might hand them over."""
    if not values:
        return draw(st.sampled_from([[], [[]], [[None]], ()]))
    n = len(values)
    shape = draw(st.sampled_from(["column", "row", "block", "ragged", "tuple", "numpy", "deep", "scalar"]))
    if shape == "column":
        return [[v] for v in values]
    if shape == "row":
        return list(values)
    if shape == "block":
        width = draw(st.integers(1, max(1, min(n, 4))))
        padded = values + [None] * (-n % width)
        return [padded[i:i + width] for i in range(0, len(padded), width)]
    if shape == "ragged":
        cuts = sorted(draw(st.lists(st.integers(0, n), max_size=4)))
        bounds = [0, *cuts, n]
        return [values[a:b] for a, b in itertools.pairwise(bounds)]
    if shape == "tuple":
        return tuple((v,) for v in values)
    if shape == "numpy":
        arr = np.empty((n, 1), dtype=object)
        arr[:, 0] = values
        return arr
    if shape == "deep":
        return [[[v]] for v in values]
    return values[0] if n == 1 else [[v] for v in values]


def mixed(plausible: st.SearchStrategy, max_size: int = 12) -> st.SearchStrategy:
    """A list of cells, mostly plausible ones, sometimes anything at all."""
    return st.lists(st.one_of(plausible, plausible, plausible, cell), max_size=max_size)


def a_range(plausible: st.SearchStrategy, max_size: int = 12) -> st.SearchStrategy:
    return mixed(plausible, max_size).flatmap(laid_out)


def scalar(plausible: st.SearchStrategy) -> st.SearchStrategy:
    """A single argument: plausible, any cell, a one-cell range, or a range where one belongs."""
    return st.integers(0, 9).flatmap(
        lambda k: plausible if k < 6 else plausible.map(lambda v: [[v]]) if k < 7 else cell if k < 9
        else a_range(plausible, 4)
    )


counts = st.one_of(st.integers(0, 3000).map(float), st.floats(0, 1e6), special_numbers)
fractions = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 0.1, 0.5, 0.8, 0.95, 0.99]), special_numbers)
signed = st.one_of(st.floats(-1e6, 1e6), special_numbers)
scores = st.one_of(st.integers(0, 11).map(float), st.integers(0, 10).map(np.int64), cell)
customer_id = st.one_of(st.sampled_from(["C1", "C2", "C3", " C1", "c1", "مشتری ۱", "٣"]), st.integers(1, 4).map(float))
order_date = st.one_of(
    st.datetimes(min_value=dt.datetime(2022, 1, 1), max_value=dt.datetime(2024, 12, 31)),
    st.integers(44562, 45657).map(float),  # 2022-01-01 .. 2024-12-31 as serial numbers
    st.sampled_from(["2024-01-05", "05/01/2024", "۱۴۰۲/۱۰/۱۵", "1402-11-20", "٢٠٢٤-٠٣-٠١"]),
)
amount = st.one_of(st.floats(-100, 1000), st.sampled_from(["$12.50", "(5.00)", "۱۲٬۵۰۰ تومان", "1.234,50"]),
                   st.decimals(min_value=0, max_value=1000, places=2))

SCALARS = {
    # counts and money
    **{p: counts for p in ("start_customers", "end_customers", "new_customers", "start", "repeat", "customers",
                           "orders", "avg_order_value", "purchases_per_period", "periods", "acquisition_cost",
                           "horizon")},
    "periods_ahead": st.one_of(st.integers(0, 24).map(float), counts),  # mostly what a user asks
    "value_per_customer": signed,
    # fractions
    **{p: fractions for p in ("retention", "churn_rate", "margin", "confidence")},
    "discount": st.one_of(fractions, st.sampled_from([-0.5, -1.0, -2.0, 1e308])),
    "scale_max": st.one_of(st.sampled_from([2.0, 5.0, 7.0, 10.0, 1.0, 2.5, 1e308]), counts),
    # options
    "period": st.sampled_from(["M", "W", "Q", "Y", "m", " Q ", "D", "month", ""]),
    "show": st.sampled_from(["retention", "customers", "orders", "revenue", "Revenue", " customers ", "profit"]),
    "as_of": st.one_of(order_date, st.sampled_from(["2030-01-01", "today", ""])),
    "language": st.sampled_from(["en", "ar", "fa", "FA", " auto ", "", "de", "#N/A"]),
}
RANGES = {
    "lost": counts,
    "scores": scores,
    "amounts": amount,
    "survivors": counts,
    "contact_ids": customer_id,
    "contact_dates": order_date,
}
ORDER_TABLE = ("customer_ids", "order_dates", "amounts")
#: parameters drawn from any cell, number or fraction (no plausible value to favour)
ANY_VALUE = ("intervals", "order_ids")


def test_every_parameter_has_its_strategy():
    # a renamed parameter would silently fall back to any value and the fuzz would rarely
    # reach an answer (CRR's start, end, new became start_customers, ... for VBA)
    known = {*SCALARS, *RANGES, *ORDER_TABLE, *ANY_VALUE, "survivors", "repeat"}
    for name in udfs.__all__:
        unknown = set(inspect.signature(getattr(udfs, name)).parameters) - known
        assert not unknown, (name, unknown)
    used = {p for name in udfs.__all__ for p in inspect.signature(getattr(udfs, name)).parameters}
    assert not set(SCALARS) - used, set(SCALARS) - used


@st.composite
def survivor_counts(draw) -> list:
    """A shrinking cohort, as SBG_RETENTION expects, spoiled a third of the time: two
    times in three drawn from the model itself (churn falling over time, which it fits),
    else with any drops (a churn that does not fall is an answer too: a message)."""
    start = draw(st.integers(1, 5000))
    periods = draw(st.integers(1, 10))
    out = [float(start)]
    if draw(st.integers(0, 2)) > 0:
        a, b = draw(st.floats(0.2, 5.0)), draw(st.floats(0.5, 20.0))
        for t in range(1, periods + 1):  # S(t) = B(a, b + t) / B(a, b), one period at a time
            out.append(float(math.floor(start * math.exp(
                math.lgamma(b + t) + math.lgamma(a + b) - math.lgamma(b) - math.lgamma(a + b + t)))))
    else:
        for d in draw(st.lists(st.floats(0, 0.5), min_size=periods, max_size=periods)):
            out.append(float(math.floor(out[-1] * (1 - d))))
    if draw(st.integers(0, 2)) == 0:
        out[draw(st.integers(0, len(out) - 1))] = draw(cell)
    return out


def rarely(junk: st.SearchStrategy, plausible: st.SearchStrategy, share: float) -> st.SearchStrategy:
    """``junk`` for about ``share`` of the draws, ``plausible`` otherwise (hypothesis draws
    0.0 far more often than any other float: it must pick the plausible side)."""
    return st.floats(0, 1).flatmap(lambda u: junk if u > 1 - share else plausible)


@st.composite
def order_table(draw, params: list[str]) -> dict[str, object]:
    """customer_ids, order_dates (and amounts) of one length, as column ranges, sometimes spoiled."""
    junk = draw(st.sampled_from([0, 0.02, 0.1, 0.5]))  # share of cells that may hold anything
    if draw(st.booleans()):  # a small export: few rows, odd ids, dates and amounts as text
        n = draw(st.integers(0, 30))
        plausible = {"customer_ids": customer_id, "order_dates": order_date, "amounts": amount}
    else:  # a shop's orders: enough customers coming back for the models to be fitted
        n = draw(st.integers(20, 80))
        plausible = {"customer_ids": st.integers(1, 25).map(lambda i: f"C{i}"),
                     "order_dates": st.datetimes(min_value=dt.datetime(2023, 1, 1), max_value=dt.datetime(2024, 12, 31)),
                     "amounts": st.floats(1, 500)}
    cols = {p: draw(st.lists(rarely(cell, plausible[p], junk), min_size=n, max_size=n)) for p in ORDER_TABLE}
    out = {}
    for p in params:
        kind = draw(st.sampled_from(["column"] * 6 + ["other shape", "other length"]))
        if kind == "column":
            out[p] = [[v] for v in cols[p]]
        elif kind == "other shape":
            out[p] = draw(laid_out(cols[p]))
        else:
            out[p] = draw(a_range(customer_id if p == "customer_ids" else order_date, 31))
    return out


@st.composite
def arguments(draw, func) -> tuple[list, dict]:
    """Positional arguments for ``func``: required ones always, optional ones sometimes."""
    params = list(inspect.signature(func).parameters.values())
    required = sum(p.default is inspect.Parameter.empty for p in params)
    n = draw(st.integers(required, len(params)))
    names = [p.name for p in params[:n]]
    table = draw(order_table([p for p in names if p in ORDER_TABLE])) if "customer_ids" in names else {}
    args = []
    for name in names:
        if name in table:
            args.append(table[name])
        elif name == "survivors":
            cohort = survivor_counts().map(lambda v: [[x] for x in v])
            args.append(draw(rarely(a_range(counts), cohort, 0.25)))
        elif name == "scores":  # a survey's answers, spoiled a third of the time (NPS_MOE of one is #NUM!)
            answers = st.lists(st.integers(0, 10).map(float), min_size=2, max_size=12).map(lambda v: [[x] for x in v])
            args.append(draw(rarely(st.one_of(a_range(scores), scalar(scores)), answers, 1 / 3)))
        elif name in RANGES:
            args.append(draw(st.one_of(a_range(RANGES[name]), scalar(RANGES[name]))))
        elif name == "repeat":  # a count, or the range of customer ids of REPEAT_RATE(ids)
            args.append(draw(st.one_of(scalar(counts), a_range(customer_id, 20))))
        else:
            args.append(draw(scalar(SCALARS.get(name, st.one_of(counts, fractions, cell)))))
    return args, {name: arg for name, arg in zip(names, args)}


# ----------------------------------------------------------------- what must come back
#: documented range of the formulas that return one number
BOUNDS = {
    "CRR": (0, 1), "CHURN": (0, 1), "REPEAT_RATE": (0, 1), "CSAT": (0, 1),
    "NPS": (-100, 100), "NPS_MOE": (0, math.inf), "LIFESPAN": (1, math.inf), "CES": (1, 7),
    "AOV": (0, math.inf), "PURCHASE_FREQUENCY": (0, math.inf), "CHURN_COST": (-math.inf, math.inf),
    "CLV": (-math.inf, math.inf), "CLV_DISCOUNTED": (-math.inf, math.inf),
}
#: documented range of the columns of spilled tables, by header
COLUMN_BOUNDS = {
    "Size": (1, math.inf), "P(alive)": (0, 1), "Retention rate": (0, 1), "Survivors": (0, math.inf),
    "Expected purchases": (0, math.inf), "Priority": (1, math.inf), "Days overdue": (0, math.inf),
}
NUMBER_TYPES = (int, float, np.integer, np.floating)
#: formulas that fit a purchase model on the orders: a fuzz case rarely holds enough orders
#: for a fit, so here they only have to fail cleanly (their answers are tested on their own)
FITTED_ON_ORDERS = {"CLV_PREDICT", "P_ALIVE"}


def _is_number(v: object) -> bool:
    return isinstance(v, NUMBER_TYPES) and not isinstance(v, (bool, np.bool_))


def _flat(x: object):
    if isinstance(x, (list, tuple)):
        for v in x:
            yield from _flat(v)
    elif isinstance(x, np.ndarray):
        yield from x.ravel().tolist()
    else:
        yield x


def holds_error(args: list) -> bool:
    """An error value from another cell is somewhere in the arguments."""
    return any(
        (isinstance(v, str) and v.strip().upper() in cells.EXCEL_ERRORS)
        or (type(v) is int and v in WINDOWS_CODES.values())
        for v in _flat(args)
    )


def check_error(out: str, style: str) -> str:
    code = out.split(" ", 1)[0]
    assert code in cells.EXCEL_ERRORS, out[:300]
    assert "\n" not in out and "\r" not in out and "Traceback" not in out, out[:300]
    assert "unexpected problem" not in out, out[:300]  # a case the formula should name itself
    assert len(out) <= 300, out[:300]
    if style == "value":
        assert out == code and code in cells.OFFICE_JS_ERRORS, out  # a genuine error value there
    return code


def check_number(name: str, out: object, named: dict) -> None:
    assert _is_number(out), f"{name} returned {type(out).__name__}: {out!r}"
    assert math.isfinite(out), out
    low, high = BOUNDS.get(name, (-math.inf, math.inf))
    assert low <= out <= high, f"{name} = {out}, outside [{low}, {high}]"
    if name == "CLV_DISCOUNTED":  # a sum of margins with positive weights has the margin's sign
        m = cells.number(named["margin"], "margin")
        assert out * m >= 0 or out == 0


def _default_or(named: dict, key: str, value: str) -> bool:
    v = named.get(key)
    if isinstance(v, (list, tuple)) and len(v) == 1:
        v = v[0][0] if isinstance(v[0], (list, tuple)) and len(v[0]) == 1 else v[0]
    return v is None or (isinstance(v, str) and v.strip().lower() in ("", value))


def _english_headings() -> dict[str, str]:
    """A spilled heading in Arabic or Persian (the language of the data's text) -> English."""
    from retention_xl.labels import labels_for

    en = labels_for("en")
    return {labels_for(lang)[k]: en[k] for lang in ("ar", "fa") for k in en
            if k.startswith(("col.", "formula.")) and k in labels_for(lang)}


ENGLISH_HEADINGS = _english_headings()


def check_spill(name: str, out: list, named: dict) -> None:
    assert out and all(isinstance(row, list) for row in out), out[:3]
    header, *rows = out
    header = [ENGLISH_HEADINGS.get(h, h) for h in header]
    assert rows, "a spilled table has at least one row under its header"
    assert all(isinstance(h, str) and h for h in header)
    assert all(len(row) == len(header) for row in rows), [len(r) for r in out]
    for row in rows:
        for h, v in zip(header, row):
            if _is_number(v):
                assert math.isfinite(v), (h, v)
                low, high = COLUMN_BOUNDS.get(h, (-math.inf, math.inf))
                assert low <= v <= high, f"{name}: {h} = {v}, outside [{low}, {high}]"
            elif h == "Customer" and isinstance(v, (dt.date, np.datetime64)):
                pass  # a customer is spilled as the user typed it: a date cell stays a date
            else:
                assert isinstance(v, str) and "\n" not in v, (h, v)
    if name == "COHORT":
        assert header[:3] == ["Cohort", "Size", "P0"]
        size = [r[1] for r in rows]
        assert all(float(s).is_integer() for s in size)
        if _default_or(named, "show", "retention"):
            assert all(0 <= v <= 1 for r in rows for v in r[2:] if v != "")
            assert all(r[2] == 1 for r in rows)  # every customer is active in its first period
        elif _default_or(named, "show", "customers") and named.get("show") is not None:
            assert all(0 <= v <= r[1] for r in rows for v in r[2:] if v != "")


COUNTS: dict[str, Counter] = {}


@pytest.fixture(scope="module", autouse=True)
def report_counts(request):
    yield
    if not COUNTS:
        return
    lines = [f"{'formula':<20}{'cases':>7}{'numbers':>9}{'spills':>8}  errors"]
    for name, seen in COUNTS.items():
        errors = ", ".join(f"{k} {v}" for k, v in sorted(seen.items()) if k.startswith("#"))
        lines.append(f"{name:<20}{seen['cases']:>7}{seen['number']:>9}{seen['spill']:>8}  {errors}")
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:
        terminal.write_line("")
        for line in ["formula fuzzing, cases per formula:", *lines]:
            terminal.write_line(line)
    target = os.environ.get("RETENTION_XL_FUZZ_COUNTS")
    if target:
        Path(target).write_text(json.dumps({k: dict(v) for k, v in COUNTS.items()}, indent=1), encoding="utf-8")


#: formulas that clean and analyse order ranges or fit a model: seconds per hundred cases
SLOW_TO_FUZZ = {"COHORT", "CLV_PREDICT", "P_ALIVE", "SBG_RETENTION", "CONTACT_PLAN"}
#: fewer cases than this rarely reach both answers and errors
MIN_CASES = 100


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW_TO_FUZZ else n for n in udfs.__all__])
def test_formula_under_abuse(name):
    func = getattr(udfs, name)
    seen = COUNTS.setdefault(name, Counter())

    @given(call=arguments(func), style=st.sampled_from(["text", "value"]))
    @settings(max_examples=max(settings.default.max_examples, MIN_CASES))
    def run(call, style):
        args, named = call
        before = repr(args)
        with pytest.MonkeyPatch.context() as patch:  # this one variable (patch.dict copies all of them)
            patch.setenv("RETENTION_XL_ERRORS", style)
            out = func(*args)
        assert repr(args) == before, "a formula must not change what it was given"
        seen["cases"] += 1
        if holds_error(args):  # Excel passes an error on: never a number made from it
            assert isinstance(out, str), f"{name} returned {out!r} from an error value"
        if isinstance(out, str):
            kind = check_error(out, style)
        elif isinstance(out, list):
            check_spill(name, out, named)
            kind = "spill"
        else:
            check_number(name, out, named)
            kind = "number"
        seen[kind] += 1
        event(kind)

    run()
    # the cases reached both the answers and the errors, or the fuzzing proved little
    if name not in FITTED_ON_ORDERS:
        assert seen["number"] + seen["spill"] > 0, dict(seen)
    assert seen["cases"] > seen["number"] + seen["spill"], dict(seen)


# ----------------------------------------------------------------- cases found by fuzzing
@pytest.fixture()
def text_errors(monkeypatch):
    monkeypatch.setenv("RETENTION_XL_ERRORS", "text")


def test_discounted_clv_growing_without_bound_is_num(text_errors):
    # retention 1 with a -50% discount rate doubles the value every period
    assert udfs.CLV_DISCOUNTED(100.0, 1.0, -0.5, 20.0) == 100 * (2**20 - 1)
    assert udfs.CLV_DISCOUNTED(100.0, 1.0, -0.5, 1e308).startswith(
        "#NUM! retention above 1 + discount over 1e+308 periods")


def test_nps_margin_at_a_confidence_that_rounds_to_one_is_num(text_errors):
    assert udfs.NPS_MOE([[9.0], [3.0]], 0.9999999999999999).startswith(
        "#NUM! confidence 0.9999999999999999 is too close to 1")


def test_a_huge_scale_is_named_shortly(text_errors):
    assert udfs.CSAT(0.0, 1e308) == "#NUM! scores: score 0 (value 1) is not a whole number from 1 to 1e+308"


def test_an_amount_beyond_a_float_beside_text_is_not_a_finite_number(text_errors):
    # found by fuzzing CONTACT_PLAN: an integer of 401 digits among text amounts was read as
    # infinity and the plan showed an infinite value at stake
    plan = udfs.CONTACT_PLAN([[0.0], [0.0]], [[44562.0], [44570.0]], [[10**400], ["12"]])
    assert [row[-1] for row in plan[1:]] == [12.0]  # the 401-digit amount's row is left out
    cohort = udfs.COHORT([[0.0], [0.0]], [[44562.0], [44570.0]], None, "revenue", [[10**400], ["12"]])
    assert cohort[1][2] == 12.0


def test_a_solar_hijri_plan_day_is_read_as_the_order_dates_are(text_errors):
    # found by fuzzing CONTACT_PLAN: the plan day ۱۴۰۲/۱۰/۱۵ was read as the Gregorian year
    # 1402 and failed as "unexpected problem"; it is 2024-01-05, as in an order date column
    ids, dates, amounts = [["C1"], ["C1"]], [[dt.datetime(2024, 1, 1)], [dt.datetime(2024, 1, 2)]], [[5.0], [7.0]]
    persian = udfs.CONTACT_PLAN(ids, dates, amounts, "۱۴۰۲/۱۰/۱۵")
    assert isinstance(persian, list) and persian == udfs.CONTACT_PLAN(ids, dates, amounts, "2024-01-05")
    assert udfs.CONTACT_PLAN(ids, dates, amounts, dt.datetime(1402, 10, 15)).startswith("#VALUE! as_of must be a date")
