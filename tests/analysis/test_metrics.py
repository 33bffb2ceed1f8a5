"""The retention vocabulary against the worked examples our users read, and its invariants."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention_xl.analysis import metrics as m
from retention_xl.errors import DivisionByZero, InvalidValue, OutOfRange


# ----------------------------------------------------------------- worked examples
@pytest.mark.parametrize(
    ("args", "expected"),
    [((10, 8, 0), 0.8), ((2000, 2100, 300), 0.9)],
)
def test_crr_worked_examples(args, expected):
    assert m.crr(*args) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("lost", "start", "expected"),
    [
        (5, 150, 5 / 150),  # 5 of 150 customers left: 3.33%
        ([15, 4], 500, 0.038),  # 15 lost plus 4 of the 200 new ones
        ([20, 5], 681, 25 / 681),  # next month: 681 at start, 20 + 5 lost: 3.67%
    ],
)
def test_churn_worked_examples(lost, start, expected):
    assert m.churn(lost, start) == pytest.approx(expected, rel=1e-12)
    assert round(100 * m.churn(lost, start), 2) in (3.33, 3.8, 3.67)


def test_churn_cost_worked_example():
    assert m.churn_cost(15, 30000) == 450000


@pytest.mark.filterwarnings("error")  # no overflow warning on the way
def test_a_range_that_adds_up_past_the_largest_number_is_refused():
    for call in (lambda: m.churn_cost([1e308, 1e308], 2.0), lambda: m.churn([1e308, 1e308], 1e308)):
        with pytest.raises(OutOfRange, match="lost: the numbers add up to more than a number can hold"):
            call()


def test_repeat_rate_worked_example():
    assert m.repeat_rate(900, 2000) == 0.45


def test_repeat_rate_from_ids_counts_distinct_customers():
    # a (2 orders), b (1), c (3), d (1): two of four customers came back
    assert m.repeat_rate_from_ids(["a", "b", "a", "c", "c", "d", "c"]) == 0.5


def test_clv_worked_examples():
    assert m.clv(50, 4, 3) == 600
    assert m.clv(50, 4, 3, 0.3, 40) == pytest.approx(140)


def test_clv_discounted_worked_examples():
    assert m.clv_discounted(100, 0.8, 0.1) == pytest.approx(366.6666667)
    # 100 + 100*0.8/1.1 + 100*0.64/1.21
    assert m.clv_discounted(100, 0.8, 0.1, 3) == pytest.approx(225.6198347)
    assert m.clv_discounted(100, 1.0, 0.0, 4) == 400  # no decay: T margins


def test_clv_discounted_finite_horizon_tends_to_unlimited():
    assert m.clv_discounted(100, 0.8, 0.1, 500) == pytest.approx(m.clv_discounted(100, 0.8, 0.1))


def test_lifespan_worked_example():
    assert m.lifespan(0.25) == 4


def test_nps_worked_example():
    # 6 promoters (9-10), 2 passives (7-8), 2 detractors (0-6) of 10 answers
    assert m.nps([10, 10, 9, 9, 9, 8, 7, 6, 2, 10]) == pytest.approx(40)


def test_nps_moe_by_hand():
    # p = 0.6, d = 0.2, n = 10: var = (0.8 - 0.16)/10 = 0.064; z(95%) = 1.959964
    expected = 100 * 1.959963985 * math.sqrt(0.064)
    assert m.nps_moe([10, 10, 9, 9, 9, 8, 7, 6, 2, 10]) == pytest.approx(expected, rel=1e-8)
    # 90% confidence: z = 1.644854
    assert m.nps_moe([10, 10, 9, 9, 9, 8, 7, 6, 2, 10], 0.9) == pytest.approx(
        100 * 1.644853627 * math.sqrt(0.064), rel=1e-8
    )


def test_nps_moe_is_zero_when_everyone_agrees():
    # the normal approximation's margin with no spread in the answers (documented as such)
    assert m.nps_moe([10] * 30) == 0
    assert m.nps_moe([9, 10]) == 0  # two promoters: p = 1, d = 0


def test_nps_moe_of_one_answer_is_refused():
    with pytest.raises(OutOfRange, match="^scores holds one answer: a margin of error needs at least two$"):
        m.nps_moe([7])


def test_csat_top_two_boxes():
    assert m.csat([5, 4, 3, 5, 1]) == pytest.approx(0.6)
    assert m.csat([10, 9, 8, 1], scale_max=10) == pytest.approx(0.5)


def test_ces_mean():
    assert m.ces([1, 2, 3, 7]) == 3.25


def test_aov_and_purchase_frequency():
    assert m.aov([20, 30, 70]) == 40
    # a refund is no order (as in the report's AOV): the orders 100, 50, 70, 30 and a refund of 100
    assert m.aov([100, -100, 50, 70, 30]) == 62.5
    assert m.purchase_frequency(300, 120) == 2.5


# ----------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: m.crr(0, 5, 0), DivisionByZero, "start_customers is 0"),
        (lambda: m.crr(10, 5, 6), OutOfRange, "new_customers (6) exceeds end_customers (5)"),
        (lambda: m.crr(10, 30, 5), OutOfRange, "exceeds start_customers"),
        (lambda: m.crr(-1, 5, 0), OutOfRange, "start_customers cannot be negative"),
        (lambda: m.crr("10", 5, 0), InvalidValue, "start_customers must be a number"),
        (lambda: m.churn(5, 0), DivisionByZero, "start is 0"),
        (lambda: m.churn(200, 150), OutOfRange, "lost (200) exceeds start (150)"),
        (lambda: m.churn([3, -1], 150), OutOfRange, "lost cannot be negative, got -1"),
        (lambda: m.repeat_rate(3, 0), DivisionByZero, "customers is 0"),
        (lambda: m.clv(50, 4, 3, 1.5), OutOfRange, "margin must be a fraction"),
        (lambda: m.clv_discounted(100, 1.0, 0.0), OutOfRange, "never stops growing"),
        (lambda: m.clv_discounted(100, 0.8, 0.1, 2.5), OutOfRange, "whole number"),
        (lambda: m.clv_discounted(100, 0.8, -1), OutOfRange, "above -1"),
        (lambda: m.lifespan(0), DivisionByZero, "unbounded"),
        (lambda: m.lifespan(1.2), OutOfRange, "fraction"),
        (lambda: m.nps([]), DivisionByZero, "no scores"),
        (lambda: m.nps([9, 11]), OutOfRange, "score 11 (value 2)"),
        (lambda: m.nps([9, 8.5]), OutOfRange, "score 8.5"),
        (lambda: m.nps_moe([9, 10], 1.0), OutOfRange, "confidence"),
        (lambda: m.csat([0, 5]), OutOfRange, "score 0"),
        (lambda: m.csat([1], 1), OutOfRange, "scale_max"),
        (lambda: m.ces([8]), OutOfRange, "from 1 to 7"),
        (lambda: m.aov([]), DivisionByZero, "no order amounts"),
        (lambda: m.aov([-10, -5]), DivisionByZero, "amounts: no orders in the range, only refunds"),
        (lambda: m.purchase_frequency(10, 0), DivisionByZero, "customers is 0"),
        # the arguments swapped: 0.4 orders per customer is no frequency of customers who ordered
        (lambda: m.purchase_frequency(120, 300), OutOfRange,
         "orders (120) is less than customers (300): each customer who ordered placed at least one order"),
        (lambda: m.churn(float("nan"), 10), OutOfRange, "finite"),
    ],
)
def test_errors_name_the_problem(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_error_codes_are_spreadsheet_errors():
    assert DivisionByZero("x").code == "#DIV/0!"
    assert InvalidValue("x").code == "#VALUE!"
    assert OutOfRange("x").code == "#NUM!"


# ----------------------------------------------------------------- properties
counts = st.integers(min_value=0, max_value=10**7)
score_lists = st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=300)


@given(start=st.integers(1, 10**7), data=st.data())
def test_crr_is_a_fraction_for_consistent_counts(start, data):
    retained = data.draw(st.integers(0, start))
    new = data.draw(counts)
    rate = m.crr(start, retained + new, new)
    assert 0 <= rate <= 1
    assert rate == pytest.approx(retained / start)


@given(start=st.integers(1, 10**7), data=st.data())
def test_churn_is_a_fraction_and_complements_retention_without_new(start, data):
    lost = data.draw(st.integers(0, start))
    assert 0 <= m.churn(lost, start) <= 1
    assert m.churn(lost, start) + m.crr(start, start - lost, 0) == pytest.approx(1)


@given(score_lists)
def test_nps_in_range_and_matches_counting(scores):
    value = m.nps(scores)
    assert -100 <= value <= 100
    s = np.array(scores)
    assert value == pytest.approx(100 * ((s >= 9).sum() - (s <= 6).sum()) / s.size)


@given(st.lists(st.integers(min_value=0, max_value=10), min_size=2, max_size=300))
def test_nps_moe_is_non_negative_and_bounded(scores):
    # the standard error of a difference of shares is at most 1 (100 points) before z
    assert 0 <= m.nps_moe(scores) <= 100 * 1.96


@given(st.lists(st.integers(1, 5), min_size=1, max_size=200))
def test_csat_is_a_fraction(scores):
    assert 0 <= m.csat(scores) <= 1


@given(
    st.floats(-1e6, 1e6), st.floats(0, 1), st.floats(0.001, 1), st.integers(1, 200)
)
def test_clv_discounted_finite_at_most_unlimited_for_positive_margin(margin, r, d, t):
    finite = m.clv_discounted(abs(margin), r, d, t)
    assert finite <= m.clv_discounted(abs(margin), r, d) * (1 + 1e-9) + 1e-9


def test_a_score_off_a_whole_number_by_float_rounding_is_that_number():
    # =0.3*10 is 3.0000000000000004 in a float; Excel shows 3 and so does the reason, which
    # said "score 3 (value 1) is not a whole number from 0 to 10"
    assert m.nps([0.1 * 3 * 10, 10, 9]) == pytest.approx(100 * (2 / 3 - 1 / 3))
    assert m.ces([0.57 * 100 / 10 - 0.7]) == pytest.approx(5)
    with pytest.raises(OutOfRange, match=r"score 3\.0001 \(value 1\)"):
        m.nps([3.0001])
