"""Period KPIs (S, N, E, lost, reactivated, CRR, churn ...): worked by hand, the articles'
examples rebuilt from orders, a brute-force cross-check, invariants, errors."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from order_tables import START, table

from retention_xl.analysis.kpis import (
    DEFAULT_WINDOW_DAYS,
    PERIOD_MAX_DAYS,
    headline_kpis,
    period_kpis,
)
from retention_xl.analysis.periods import period_labels, period_ordinals, period_starts
from retention_xl.errors import DataError, InvalidValue, OutOfRange

NAN = math.nan
BASE_COLUMNS = ["customers_start", "new", "reactivated", "lost", "customers_end"]


def column(k, name):
    return k[name].tolist()


def same(actual, expected):
    """Lists equal, NaN matching NaN."""
    assert len(actual) == len(expected)
    for x, y in zip(actual, expected):
        assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y), (actual, expected)


# Three customers over four months of 2024 (the same table as in test_cohorts.py):
#   a buys 01-05, 02-20 and 04-10; b buys 01-15 and gets a 10.00 refund on 02-03;
#   c buys 02-01 (at midnight), lapses, and comes back on 04-25.
THREE = table(
    [
        ("a", "2024-01-05", 100),
        ("b", "2024-01-15", 40),
        ("c", "2024-02-01", 60),
        ("b", "2024-02-03", -10),
        ("a", "2024-02-20", 50),
        ("a", "2024-04-10", 30),
        ("c", "2024-04-25", 20),
    ]
)


# ----------------------------------------------------------------- worked by hand
def test_three_customers_monthly_with_a_31_day_window():
    # An order at t keeps its customer in the base for (t, t + 31 days]:
    #   a: (01-05, 02-05], then (02-20, 03-22], then (04-10, 05-11]
    #   b: (01-15, 02-15]          (the refund keeps nobody in the base)
    #   c: (02-01, 03-03], then (04-25, 05-26]
    # Base at 01-01: {}; 02-01: {a, b} (c's order at 02-01 00:00 is not *before* 02-01);
    # 03-01: {a, c}; 04-01: {}; end of data = midnight after 04-25, i.e. 04-26: {a, c}.
    # Jan: S 0, N {a, b}, E 2.
    # Feb: S {a, b}, E {a, c}, N {c}: lost {b}; a dipped out on 02-05 and came back on
    #      02-20, but it is in S and in E, so it is neither lost nor reactivated.
    # Mar: S {a, c}, base at the end {}: both lost. Apr: S {}, base at the end {a, c},
    #      nobody new: 2 reactivated, so E (those kept or new) is 0 and the next S would be 2.
    k = period_kpis(THREE, "M", 31)
    assert column(k, "period") == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert list(k["start"]) == list(pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]))
    assert k[BASE_COLUMNS].to_numpy().tolist() == [
        [0, 2, 0, 0, 2],
        [2, 1, 0, 1, 2],
        [2, 0, 0, 2, 0],
        [0, 0, 2, 0, 0],
    ]
    same(column(k, "crr"), [NAN, (2 - 1) / 2, 0 / 2, NAN])
    same(column(k, "churn"), [NAN, 1 / 2, 2 / 2, NAN])
    # buyers and orders ignore the refund; revenue is net of it (Feb: 60 + 50 - 10);
    # AOV is before refunds (Feb: (60 + 50) / 2); repeat rate = buyers who had bought
    # before / buyers (Feb: a of {a, c}; Apr: a and c both).
    assert column(k, "buyers") == [2, 2, 0, 2]
    assert column(k, "orders") == [2, 2, 0, 2]
    same(column(k, "revenue"), [140, 100, 0, 50])
    same(column(k, "aov"), [70, 55, NAN, 25])
    same(column(k, "repeat_rate"), [0, 0.5, NAN, 1])


def test_a_longer_window_keeps_lapsing_customers_in_the_base():
    # With 90 days every gap of a (46, 50 days) and c (84 days) is bridged:
    #   a: (01-05, 07-09]; b: (01-15, 04-14]; c: (02-01, 07-24].
    # Base at 02-01: {a, b}; 03-01 and 04-01: {a, b, c}; 04-26: {a, c} (b left on 04-14).
    k = period_kpis(THREE, "M", 90)
    assert k[BASE_COLUMNS].to_numpy().tolist() == [
        [0, 2, 0, 0, 2],
        [2, 1, 0, 0, 3],
        [3, 0, 0, 0, 3],
        [3, 0, 0, 1, 2],
    ]
    same(column(k, "crr"), [NAN, (3 - 1) / 2, 1, 2 / 3])
    same(column(k, "churn"), [NAN, 0, 0, 1 / 3])
    # the window changes who is in the base, never the sales figures
    m31 = period_kpis(THREE, "M", 31)
    for name in ("buyers", "orders", "revenue", "aov", "repeat_rate"):
        pd.testing.assert_series_equal(k[name], m31[name])


def test_default_window_is_90_days_for_months():
    assert DEFAULT_WINDOW_DAYS["M"] == 90
    pd.testing.assert_frame_equal(period_kpis(THREE, "M"), period_kpis(THREE, "M", 90))


def test_three_customers_quarterly_with_the_default_180_day_window():
    # Bounds 01-01, 04-01 and the end of data 04-26. Every order is within 180 days of
    # 04-01 and of 04-26 (b's 01-15 order lasts until 07-13): base {a, b, c} at both.
    # Q1: S 0, N 3, E 3; buyers 3, orders 4, revenue 240, AOV (100+40+60+50)/4 = 62.5.
    # Q2: S 3, E 3, nobody lost; a and c buy again: revenue 50, AOV 25, repeat rate 1.
    k = period_kpis(THREE, "quarter")
    assert column(k, "period") == ["2024-Q1", "2024-Q2"]
    assert k[BASE_COLUMNS].to_numpy().tolist() == [[0, 3, 0, 0, 3], [3, 0, 0, 0, 3]]
    same(column(k, "crr"), [NAN, 1])
    same(column(k, "churn"), [NAN, 0])
    same(column(k, "revenue"), [240, 50])
    same(column(k, "aov"), [62.5, 25])
    same(column(k, "repeat_rate"), [0, 1])


def test_weekly_periods_start_on_monday():
    # 2024-01-01 is a Monday. 7-day window.
    #   p: Mon 01-01 10:00 and Sun 01-07 20:00 (one spell, (01-01 10:00, 01-14 20:00]),
    #      then Mon 01-22 09:00 ((01-22 09:00, 01-29 09:00]);
    #   q: Wed 01-10 12:00 ((01-10 12:00, 01-17 12:00]).
    # Base at Mon 01-01: {}; 01-08: {p}; 01-15: {q}; 01-22 00:00: {} (p's order is later
    # that day); end of data 01-23: {p}.
    orders = table(
        [
            ("p", "2024-01-01 10:00", 5),
            ("p", "2024-01-07 20:00", 6),
            ("q", "2024-01-10 12:00", 7),
            ("p", "2024-01-22 09:00", 8),
        ]
    )
    k = period_kpis(orders, "W", 7)
    assert column(k, "period") == ["2024-01-01", "2024-01-08", "2024-01-15", "2024-01-22"]
    assert k[BASE_COLUMNS].to_numpy().tolist() == [
        [0, 1, 0, 0, 1],
        [1, 1, 0, 1, 1],  # p lost (its Sunday order ran out on the 14th), q new
        [1, 0, 0, 1, 0],  # q lost
        [0, 0, 1, 0, 0],  # p came back: reactivated, not in E
    ]
    assert column(k, "orders") == [2, 1, 0, 1]
    same(column(k, "crr"), [NAN, 0, 0, NAN])


def test_yearly_periods_and_a_customer_who_lapses_and_returns_within_a_year():
    # 366-day window (a leap year long).
    #   x: 2022-06-01 and 2023-03-01 (one spell, until 2024-03-01), then 2024-05-01
    #      (gap of 427 days: a new spell); y: 2023-01-10 (until 2024-01-11).
    # Base at 2023-01-01: {x}; 2024-01-01: {x, y}; end of data 2024-05-02: {x}.
    # 2024: x is in the base at both ends (two different spells): not lost, not
    # reactivated; y is lost. CRR (1 - 0) / 2 = 0.5.
    orders = table(
        [("x", "2022-06-01", 1), ("y", "2023-01-10", 2), ("x", "2023-03-01", 3), ("x", "2024-05-01", 4)]
    )
    k = period_kpis(orders, "Y", 366)
    assert column(k, "period") == ["2022", "2023", "2024"]
    assert k[BASE_COLUMNS].to_numpy().tolist() == [
        [0, 1, 0, 0, 1],
        [1, 1, 0, 0, 2],
        [2, 0, 0, 1, 1],
    ]
    same(column(k, "crr"), [NAN, 1, 0.5])
    same(column(k, "churn"), [NAN, 0, 0.5])


def test_default_yearly_window_is_accepted():
    orders = table([("x", "2022-06-01", 1), ("x", "2023-03-01", 3)])
    assert DEFAULT_WINDOW_DAYS["Y"] >= PERIOD_MAX_DAYS["Y"]
    k = period_kpis(orders, "Y")
    assert k[BASE_COLUMNS].to_numpy().tolist() == [[0, 1, 0, 0, 1], [1, 0, 0, 0, 1]]


def test_window_boundaries_to_the_nanosecond():
    # 31-day window. a orders 2023-12-31 23:00: in the base from that moment to
    # 2024-01-31 23:00. b orders exactly at 2024-01-01 00:00: in the base from just after
    # it to exactly 2024-02-01 00:00 (the end is included). c orders exactly at 02-01 00:00.
    # Dec: S 0, N {a}, E (at 01-01 00:00) {a}: b's order is not *before* 01-01 00:00.
    # Jan: S {a}, N {b}, E (at 02-01 00:00) {b}: a ran out an hour earlier: lost.
    # Feb: S {b}, N {c}, E (at 02-02 00:00, the end of data) {c}: b lost.
    orders = table(
        [("a", "2023-12-31 23:00", 1), ("b", "2024-01-01 00:00", 1), ("c", "2024-02-01 00:00", 1)]
    )
    k = period_kpis(orders, "M", 31)
    assert k[BASE_COLUMNS].to_numpy().tolist() == [
        [0, 1, 0, 0, 1],
        [1, 1, 0, 1, 1],
        [1, 1, 0, 1, 1],
    ]


def test_the_last_period_ends_at_midnight_after_the_last_row():
    # 60-day window. a orders 01-10 (in the base until 03-10), b orders 03-05: the data
    # stop at 03-06 00:00, when a is still in the base, so March loses nobody (measuring
    # at 04-01 would wrongly count a as lost).
    orders = table([("a", "2024-01-10", 1), ("b", "2024-03-05 14:00", 1)])
    k = period_kpis(orders, "M", 60)
    assert k[BASE_COLUMNS].to_numpy().tolist()[-1] == [1, 1, 0, 0, 2]


def test_refund_only_customer_counts_in_revenue_only():
    # d has only a 15.00 refund (of an order placed before the data): March revenue drops
    # to -15, and nothing else changes: d never enters the base, is never new, buys nothing.
    with_d = pd.concat([THREE, table([("d", "2024-03-10", -15)])], ignore_index=True)
    k, k0 = period_kpis(with_d, "M", 31), period_kpis(THREE, "M", 31)
    same(column(k, "revenue"), [140, 100, -15, 50])
    pd.testing.assert_frame_equal(k.drop(columns="revenue"), k0.drop(columns="revenue"))


def test_refund_before_the_first_order_has_its_own_period_row():
    # A refund dated December 2023 (before any order) adds a December row: revenue -5,
    # nobody in the base, nothing bought. The other rows are unchanged.
    with_d = pd.concat([table([("d", "2023-12-20", -5)]), THREE], ignore_index=True)
    k, k0 = period_kpis(with_d, "M", 31), period_kpis(THREE, "M", 31)
    assert column(k, "period")[0] == "2023-12"
    assert k.loc[0, BASE_COLUMNS].tolist() == [0, 0, 0, 0, 0]
    assert k.loc[0, "revenue"] == -5 and k.loc[0, "orders"] == 0
    pd.testing.assert_frame_equal(k.iloc[1:].reset_index(drop=True), k0)


# ----------------------------------------------------------------- the articles' examples
def lapsing_month(start, lost, new):
    """``start`` customers buy on 2024-02-10; all but ``lost`` buy again on 03-05; ``new``
    customers first buy on 03-12; one of the stayers buys on 03-31, so the data run to
    the end of March.

    With a 31-day window the 02-10 orders last until 03-12, so all ``start`` customers are
    in the base on 03-01 (S = start) and the ``lost`` ones are out by 04-01 while the 03-05
    buyers are in until 04-05: E = start - lost + new, with N = new and nobody reactivated.
    """
    ids = [f"c{i:03d}" for i in range(start)]
    stay = ids[: start - lost]
    rows = [(c, "2024-02-10", 25) for c in ids]
    rows += [(c, "2024-03-05", 30) for c in stay]
    rows += [(f"n{i:03d}", "2024-03-12", 20) for i in range(new)]
    rows += [(stay[0], "2024-03-31", 10)]
    return period_kpis(table(rows), "M", 31).set_index("period").loc["2024-03"]


def test_crr_example_ten_customers_two_lost_none_new():
    # S = 10, E = 8, N = 0: CRR = (8 - 0) / 10 = 0.8 (like =CRR(10, 8, 0)).
    march = lapsing_month(10, 2, 0)
    assert march[BASE_COLUMNS].tolist() == [10, 0, 0, 2, 8]
    assert march["crr"] == pytest.approx(0.8)
    assert march["churn"] == pytest.approx(0.2)


def test_churn_example_150_customers_five_lost():
    # S = 150, 5 lost: churn = 5 / 150 = 3.33% (like =CHURN(5, 150)); 20 new customers
    # that month change E but neither churn nor CRR = (165 - 20) / 150.
    march = lapsing_month(150, 5, 20)
    assert march[BASE_COLUMNS].tolist() == [150, 20, 0, 5, 165]
    assert march["churn"] == pytest.approx(5 / 150)
    assert round(100 * march["churn"], 2) == 3.33
    assert march["crr"] == pytest.approx(145 / 150)


def test_repeat_rate_example_900_of_2000_customers():
    # 2,000 customers buy once in January; 900 of them buy again in March; 100 of the
    # others get a refund in February, which is not an order: 900 / 2000 = 0.45
    # (like =REPEAT_RATE(900, 2000)).
    ids = [f"c{i:04d}" for i in range(2000)]
    rows = [(c, "2024-01-15", 40) for c in ids]
    rows += [(c, "2024-03-02", 60) for c in ids[:900]]
    rows += [(c, "2024-02-01", -40) for c in ids[1900:]]
    orders = table(rows)
    h = headline_kpis(orders, period_kpis(orders, "M"))
    assert h["repeat_rate"] == 0.45
    assert h["customers"] == 2000
    assert h["orders"] == 2900
    assert h["revenue"] == pytest.approx(2000 * 40 + 900 * 60 - 100 * 40)
    assert h["aov"] == pytest.approx((2000 * 40 + 900 * 60) / 2900)
    assert h["purchase_frequency"] == pytest.approx(2900 / 2000)


def test_headline_figures_of_the_three_customer_table():
    # 3 customers, 6 orders, revenue 290 net (300 before the refund): AOV 50, 2 orders per
    # customer; a (3 orders) and c (2) bought again, b did not: repeat rate 2/3.
    # Averages over the complete periods with customers at the start (Feb, Mar; April is
    # the last, incomplete, period): CRR (0.5 + 0) / 2, churn (0.5 + 1) / 2.
    h = headline_kpis(THREE, period_kpis(THREE, "M", 31))
    assert h["customers"] == 3
    assert h["orders"] == 6
    assert h["revenue"] == 290
    assert h["aov"] == 50
    assert h["purchase_frequency"] == 2
    assert h["repeat_rate"] == pytest.approx(2 / 3)
    assert h["avg_crr"] == pytest.approx(0.25)
    assert h["avg_churn"] == pytest.approx(0.75)
    assert h["first_order"] == pd.Timestamp("2024-01-05")
    assert h["last_order"] == pd.Timestamp("2024-04-25")


# ----------------------------------------------------------------- errors
def test_all_refund_table_is_a_data_error():
    with pytest.raises(DataError, match="every row is a refund"):
        period_kpis(table([("a", "2024-01-01", -5), ("b", "2024-02-01", -1)]), "M")


@pytest.mark.parametrize(("code", "window"), [("W", 6), ("M", 30), ("Q", 91), ("Y", 365), ("M", 0), ("M", -90),
                                               ("M", 36_601), ("W", 1_000_000)])
def test_window_outside_a_period_to_a_hundred_years_is_out_of_range(code, window):
    # a window of a million days overflowed the spells' nanoseconds: S was -6
    with pytest.raises(OutOfRange, match=f"window_days must be from {PERIOD_MAX_DAYS[code]} to 36,600 days "
                                         f"for period {code}, got {window:,}"):
        period_kpis(THREE, code, window)


@pytest.mark.parametrize("window", [90.5, "90", True])
def test_window_must_be_a_whole_number_of_days(window):
    with pytest.raises(InvalidValue, match=f"window_days must be a whole number, got {window!r}"):
        period_kpis(THREE, "M", window)


def test_a_whole_float_window_is_its_days():  # what Excel hands over for 90
    pd.testing.assert_frame_equal(period_kpis(THREE, "M", 90.0), period_kpis(THREE, "M", 90))


def test_numpy_integer_window_is_accepted():
    pd.testing.assert_frame_equal(period_kpis(THREE, "M", np.int64(31)), period_kpis(THREE, "M", 31))


@pytest.mark.parametrize("code", ["D", "fortnight", ""])
def test_unknown_period_is_invalid_value(code):
    with pytest.raises(InvalidValue, match="period must be W, M, Q or Y"):
        period_kpis(THREE, code)


# ----------------------------------------------------------------- brute force
SPAN_DAYS = {"W": 60, "M": 300, "Q": 700, "Y": 1500}


@st.composite
def order_tables(draw, max_rows=14):
    """Small random order tables over five customers, dates in days 0..1000, most at
    midnight (scaled to each period by the tests); about one row in four is a refund."""
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from("abcde"),
                st.integers(0, 1000),
                st.sampled_from([0, 0, 0, 9, 23]),  # many midnights: orders that end on a bound
                st.integers(-30, 100),  # about one in four is a refund
            ),
            min_size=1,
            max_size=max_rows,
        )
    )
    if all(amount < 0 for *_, amount in rows):
        rows[0] = (*rows[0][:3], -rows[0][3])
    customer, day, hour, amount = zip(*rows)
    return pd.DataFrame(
        {
            "customer": list(customer),
            "day": np.array(day),
            "hour": np.array(hour),
            "amount": np.array(amount, dtype=float),
        }
    )


def dated(raw, code):
    """Spread the raw days over the period's span, keeping the hour of day."""
    day = raw["day"].to_numpy() * SPAN_DAYS[code] // 1000
    date = START + pd.to_timedelta(day * 24 + raw["hour"].to_numpy(), unit="h")
    return pd.DataFrame({"customer": raw["customer"], "date": date, "amount": raw["amount"]})


def reference_kpis(orders, code, window):
    """The definitions with Python sets, one period at a time.

    A customer is in the base at moment x iff it has an order t with x - W <= t < x.
    S is the base at the period's first moment, E at its end (the next period's start, or
    midnight after the table's last row for the last period).
    """
    per = period_ordinals(orders["date"], code)
    rows = list(zip(orders["customer"], orders["date"], per, orders["amount"]))
    buys = [r for r in rows if r[3] >= 0]
    lo, hi = int(per.min()), int(per.max())
    bounds = list(period_starts(np.arange(lo, hi + 2), code))
    bounds[-1] = min(bounds[-1], orders["date"].max().normalize() + pd.Timedelta(days=1))
    w = pd.Timedelta(days=window)

    def base(x):
        return {c for c, t, _, _ in buys if x - w <= t < x}

    first = {}
    for c, _, p, _ in buys:
        first[c] = min(first.get(c, p), p)
    out = []
    for i, p in enumerate(range(lo, hi + 1)):
        s, e = base(bounds[i]), base(bounds[i + 1])
        new = {c for c, k in first.items() if k == p}
        bought = [(c, a) for c, _, q, a in buys if q == p]
        buyers = {c for c, _ in bought}
        gross = sum(a for _, a in bought)
        out.append(
            {
                "period": period_labels(np.array([p]), code)[0],
                "start": bounds[i],
                "customers_start": len(s),
                "new": len(new),
                "reactivated": len(e - s - new),
                "lost": len(s - e),
                "customers_end": len(s & e) + len(new),
                "crr": len(s & e) / len(s) if s else NAN,
                "churn": len(s - e) / len(s) if s else NAN,
                "buyers": len(buyers),
                "orders": len(bought),
                "revenue": float(sum(a for _, _, q, a in rows if q == p)),
                "aov": gross / len(bought) if bought else NAN,
                "repeat_rate": len({c for c in buyers if first[c] < p}) / len(buyers) if buyers else NAN,
            }
        )
    return pd.DataFrame(out)


def windows(code):
    return st.integers(PERIOD_MAX_DAYS[code], PERIOD_MAX_DAYS[code] * 3)


@st.composite
def cases(draw):
    code = draw(st.sampled_from(["W", "M", "Q", "Y"]))
    return dated(draw(order_tables()), code), code, draw(windows(code))


def assert_matches_reference(orders, code, window):
    k = period_kpis(orders, code, window)
    ref = reference_kpis(orders, code, window)
    assert k.columns.tolist() == ref.columns.tolist()
    for name in ref.columns:
        if name in ("crr", "churn", "revenue", "aov", "repeat_rate"):
            np.testing.assert_allclose(k[name].to_numpy(dtype=float), ref[name].to_numpy(dtype=float), rtol=1e-12, err_msg=name)
        else:
            assert k[name].tolist() == ref[name].tolist(), name


@given(cases())
def test_period_kpis_match_the_definitions(case):
    assert_matches_reference(*case)


def test_period_kpis_match_the_definitions_on_seeded_tables():
    # Larger tables than hypothesis draws: 8 customers, up to 60 rows, random windows.
    rng = np.random.default_rng(7)
    for _ in range(25):
        n = int(rng.integers(1, 60))
        code = str(rng.choice(["W", "M", "Q"]))
        orders = pd.DataFrame(
            {
                "customer": rng.choice(list("abcdefgh"), n),
                "date": START + pd.to_timedelta(rng.integers(0, SPAN_DAYS[code] * 24 * 60, n), unit="min"),
                "amount": np.where(rng.random(n) < 0.2, -1.0, 1.0) * rng.integers(1, 80, n),
            }
        )
        if (orders["amount"] < 0).all():
            continue
        window = int(rng.integers(PERIOD_MAX_DAYS[code], 3 * PERIOD_MAX_DAYS[code]))
        assert_matches_reference(orders, code, window)


# ----------------------------------------------------------------- invariants
@given(cases(), st.randoms(use_true_random=False))
def test_base_flows_add_up_and_row_order_does_not_matter(case, rnd):
    k = period_kpis(*case)
    s, e = k["customers_start"], k["customers_end"]
    assert (e == s - k["lost"] + k["new"]).all()
    # each period starts with the base the previous one ended with: E plus the reactivated
    assert (s.iloc[1:].to_numpy() == (e + k["reactivated"]).iloc[:-1].to_numpy()).all()
    assert s.iloc[0] == 0
    for name in BASE_COLUMNS + ["buyers", "orders"]:
        assert (k[name] >= 0).all(), name
    assert (k["lost"] <= s).all()
    assert (k["new"] <= k["buyers"]).all() and (k["buyers"] <= k["orders"]).all()
    has_start = s > 0
    churn, crr = k.loc[has_start, "churn"], k.loc[has_start, "crr"]
    assert ((churn >= 0) & (churn <= 1)).all() and (crr >= 0).all()
    # E - N = S - lost, so CRR = 1 - churn, never above 1, and =CRR(S, E, N) on the row
    # gives the same number
    np.testing.assert_allclose(crr, 1 - churn, rtol=1e-12)
    assert (crr <= 1).all()
    np.testing.assert_allclose(crr, (e[has_start] - k.loc[has_start, "new"]) / s[has_start], rtol=1e-12)
    assert k.loc[~has_start, ["crr", "churn"]].isna().all().all()
    # every customer with an order is new exactly once; all revenue is in some period
    orders = case[0]
    assert k["new"].sum() == orders.loc[orders["amount"] >= 0, "customer"].nunique()
    assert k["revenue"].sum() == pytest.approx(orders["amount"].sum())
    assert k["orders"].sum() == (orders["amount"] >= 0).sum()

    # nothing depends on the order of the rows
    orders, code, window = case
    shuffled = orders.iloc[rnd.sample(range(len(orders)), len(orders))].reset_index(drop=True)
    pd.testing.assert_frame_equal(period_kpis(shuffled, code, window), k)


def test_averages_skip_the_periods_before_anyone_could_lapse():
    # 90-day window, first order 01-05: nobody can leave the base before 04-04, so February
    # and March (ending 03-01 and 04-01) have CRR 100% by construction and are not averaged;
    # April and May are; June is the last, incomplete, period.
    orders = pd.concat([THREE, table([("a", "2024-05-20", 10), ("c", "2024-06-15", 5)])], ignore_index=True)
    k = period_kpis(orders, "M", 90)
    assert column(k, "period") == ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
    assert column(k, "crr")[1:3] == [1.0, 1.0]
    h = headline_kpis(orders, k, 90)
    assert h["avg_from"] == "2024-04"
    assert h["avg_crr"] == pytest.approx(np.mean(column(k, "crr")[3:5]))
    assert h["avg_churn"] == pytest.approx(np.mean(column(k, "churn")[3:5]))
    assert headline_kpis(orders, k)["avg_crr"] > h["avg_crr"]  # the warm-up would flatter it


def test_headline_customers_are_customers_with_a_purchase():
    # d only has a refund: not a customer of the headline (as in the Customers table), and
    # its refund is reported on its own so that revenue reconciles
    orders = pd.concat([THREE, table([("d", "2024-03-01", -7)])], ignore_index=True)
    orders["customer"] = orders["customer"].astype("category")  # as the analysis passes it
    h = headline_kpis(orders, period_kpis(orders, "M", 31))
    assert h["customers"] == 3
    assert (h["refund_only_customers"], h["refund_only_revenue"]) == (1, -7.0)
    assert h["revenue"] == 290 - 7
