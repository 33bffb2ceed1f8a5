"""Order dates far from all the others: groups split by gaps of more than ten years, the
small ones (at most 1% of the orders and at most 100, or at most 3 beside ten times as many)
left out, the bulk never."""

import numpy as np

from retention_xl.analysis.far_dates import far_days


def days(*texts):
    return np.array(texts, dtype="datetime64[D]").astype("int64")


def shown(found):
    return found.astype("datetime64[D]").astype(str).tolist()


def test_a_mistyped_year_before_or_after_the_orders_is_far():
    bulk = days("2023-01-02", "2023-07-01", "2024-12-30")
    assert shown(far_days(np.r_[bulk, days("1924-03-05")], np.array([200, 200, 100, 1]))) == ["1924-03-05"]
    assert shown(far_days(np.r_[bulk, days("2104-03-05")], np.array([200, 200, 100, 1]))) == ["2104-03-05"]
    # both, on either side: two groups of one order each
    both = far_days(np.r_[days("2104-03-05"), bulk, days("1924-03-05")], np.array([2, 200, 200, 100, 1]))
    assert shown(both) == ["1924-03-05", "2104-03-05"]


def test_a_business_with_orders_every_year_has_no_gap():
    every_year = days(*[f"{y}-06-01" for y in range(1990, 2025)])
    assert len(far_days(every_year, np.full(35, 3))) == 0
    # a single order in 1990, then one every nine years: still no gap of more than ten
    assert len(far_days(days("1990-01-01", "1999-01-01", "2008-01-01", "2017-01-01", "2024-01-01"),
                        np.array([1, 1, 1, 1, 5000]))) == 0


def test_a_table_split_in_half_has_a_gap_but_no_small_group():
    assert len(far_days(days("1990-05-01", "2024-05-01"), np.array([250, 250]))) == 0


def test_a_group_is_small_at_one_percent_and_a_hundred_orders_at_most():
    bulk = days("2023-01-01", "2024-01-01")
    # 5 of 500 orders is 1%: far; 6 of 501 is more than 1%: kept
    assert shown(far_days(np.r_[days("1924-01-01"), bulk], np.array([5, 250, 245]))) == ["1924-01-01"]
    assert len(far_days(np.r_[days("1924-01-01"), bulk], np.array([6, 250, 245]))) == 0
    # 100 of 20,000 orders is 0.5% and 100: far; 101 of 20,000 is more than 100: kept
    assert shown(far_days(np.r_[days("1924-01-01"), bulk], np.array([100, 10_000, 9_900]))) == ["1924-01-01"]
    assert len(far_days(np.r_[days("1924-01-01"), bulk], np.array([101, 10_000, 9_899]))) == 0


def test_in_a_small_table_a_few_orders_beside_ten_times_as_many_are_far():
    # a sheet of 20 orders, one dated 1420/01/05 for 1402 (2041): 5% of the orders, kept
    # before, and the report ran over 18 years of empty periods
    bulk = days("2023-03-25", "2023-09-01", "2024-02-01")
    assert shown(far_days(np.r_[bulk, days("2041-03-25")], np.array([7, 6, 6, 1]))) == ["2041-03-25"]
    # three orders beside thirty: far; four beside forty, or two beside nineteen: kept
    assert shown(far_days(np.r_[bulk, days("2041-03-25")], np.array([10, 10, 10, 3]))) == ["2041-03-25"]
    assert len(far_days(np.r_[bulk, days("2041-03-25")], np.array([14, 13, 13, 4]))) == 0
    assert len(far_days(np.r_[bulk, days("2041-03-25")], np.array([7, 6, 6, 2]))) == 0
    # two tiny groups: neither is ten times the other
    assert len(far_days(days("1990-01-01", "2024-01-01"), np.array([1, 9]))) == 0


def test_a_gap_of_exactly_ten_years_does_not_split():
    # 2013-06-01 to 2023-06-01 is ten years, not more; a day more is
    assert len(far_days(days("2013-06-01", "2023-06-01"), np.array([1, 500]))) == 0
    assert shown(far_days(days("2013-05-31", "2023-06-01"), np.array([1, 500]))) == ["2013-05-31"]
    # ten years after a 29 February is 28 February
    assert len(far_days(days("2012-02-29", "2022-02-28"), np.array([1, 500]))) == 0
    assert shown(far_days(days("2012-02-29", "2022-03-01"), np.array([1, 500]))) == ["2012-02-29"]


def test_a_group_of_several_days_is_left_out_whole():
    found = far_days(days("1924-03-05", "1925-01-01", "2023-01-01", "2024-01-01"), np.array([1, 2, 400, 400]))
    assert shown(found) == ["1924-03-05", "1925-01-01"]


def test_no_orders_or_one_day_leave_nothing_out():
    assert len(far_days(np.array([], dtype=np.int64), np.array([]))) == 0
    assert len(far_days(days("1924-03-05"), np.array([1]))) == 0
