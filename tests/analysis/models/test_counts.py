"""Customers as the purchase models see them: checks and compression into weighted rows."""

from __future__ import annotations

import numpy as np
import pytest

from retention_xl.analysis.models import compress_customers
from retention_xl.analysis.models.counts import customer_arrays
from retention_xl.errors import InvalidValue, OutOfRange


def test_identical_customers_become_one_weighted_row():
    c = compress_customers([0, 0, 2, 2, 0, 1], [0, 0, 5, 5, 0, 3], [10, 10, 9, 9, 3, 9])
    assert list(zip(c.frequency, c.recency, c.T, c.weights)) == [
        (0.0, 0.0, 10.0, 2.0), (2.0, 5.0, 9.0, 2.0), (0.0, 0.0, 3.0, 1.0), (1.0, 3.0, 9.0, 1.0)]
    assert c.n_customers == 6.0


def test_weights_add_up_and_zero_weights_drop_out():
    c = compress_customers([1, 1, 0], [2.0, 2.0, 0.0], [5.0, 5.0, 5.0], weights=[2.5, 1.5, 0.0])
    assert c.weights.tolist() == [4.0] and c.frequency.tolist() == [1.0]


def test_compression_round_trip_on_many_customers():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 6, 50_000).astype(float)
    T = rng.integers(1, 60, 50_000).astype(float)
    t_x = np.where(x > 0, np.minimum(T, rng.integers(1, 60, 50_000)), 0.0)
    c = compress_customers(x, t_x, T)
    assert c.n_customers == 50_000
    # the same multiset of triples
    full = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    order = np.lexsort((c.T, c.recency, c.frequency))
    assert np.array_equal(np.column_stack([c.frequency, c.recency, c.T])[order], full[0])
    assert np.array_equal(c.weights[order], full[1])


@pytest.mark.parametrize("frequency, recency, T, weights, error, match", [
    ([0], [2.0], [3.0], None, OutOfRange, "recency must be 0 for a customer with frequency 0"),
    ([1], [0.0], [3.0], None, OutOfRange, "needs recency > 0"),
    ([1], [4.0], [3.0], None, OutOfRange, "cannot exceed T"),
    ([1, 2], [1.0, 2.0], [3.0, 3.0], [1.0], InvalidValue, "one weight per row"),
    ([1], [1.0], [3.0], [-1.0], OutOfRange, "weights must be >= 0"),
])
def test_impossible_summaries_are_refused(frequency, recency, T, weights, error, match):
    with pytest.raises(error, match=match):
        compress_customers(frequency, recency, T, weights)


def test_customer_arrays_broadcast():
    x, t_x, T = customer_arrays([0, 3], 0.0 * np.ones(2) + [0.0, 4.0], 10.0)
    assert T.tolist() == [10.0, 10.0]


def test_a_sample_stands_for_all_the_customers():
    rng = np.random.default_rng(5)
    T = rng.integers(10, 400, 30_000).astype(float)
    x = rng.integers(0, 8, T.size).astype(float)
    t_x = np.where(x > 0, np.floor(T * rng.random(T.size)) + 1, 0.0)
    counts = compress_customers(x, np.minimum(t_x, T), T)
    sample = counts.sample(2_000)
    assert sample.frequency.size == 2_000
    assert sample.n_customers == pytest.approx(counts.n_customers)
    # every triple of the sample is one of the table's, with its own values
    table = set(zip(counts.frequency, counts.recency, counts.T))
    assert set(zip(sample.frequency, sample.recency, sample.T)) <= table
    # the mean frequency per customer, estimated from 2,000 of ~20,000 triples
    mean = counts.weights @ counts.frequency / counts.n_customers
    assert sample.weights @ sample.frequency / sample.n_customers == pytest.approx(mean, rel=0.05)
    again = counts.sample(2_000)
    np.testing.assert_array_equal(again.T, sample.T)  # the same draw for the same seed
    assert counts.sample(counts.frequency.size) is counts


def test_a_sample_keeps_the_few_repeat_buyers():
    """One customer in a thousand bought again: a plain draw of 500 triples out of 60,000
    would hold none of them; the sample keeps them, and their exact number."""
    T = np.arange(1.0, 60_001.0)
    x = np.zeros(T.size)
    x[::1000] = 2.0
    t_x = np.where(x > 0, T / 2, 0.0)
    counts = compress_customers(x, t_x, T)
    sample = counts.sample(500)
    assert sample.frequency.size == 500
    buyers = sample.frequency > 0
    assert buyers.sum() == 50  # a tenth of the sample, all 60 would be more than that
    assert sample.weights[buyers].sum() == pytest.approx(60.0)
    assert sample.n_customers == pytest.approx(60_000.0)
    assert np.all(np.diff(sample.T) > 0)  # in the table's order (its T rise here)


def test_a_sample_keeps_the_few_one_time_buyers_too():
    """The other way round: 100 one-time buyers among 60,000 histories keep a tenth of the
    sample (they had one draw of 500 before the floor applied to both groups)."""
    T = np.arange(1.0, 60_001.0)
    x = np.full(T.size, 2.0)
    x[::600] = 0.0
    t_x = np.where(x > 0, T / 2, 0.0)
    counts = compress_customers(x, t_x, T)
    sample = counts.sample(500)
    once = sample.frequency == 0
    assert sample.frequency.size == 500 and once.sum() == 50
    assert sample.weights[once].sum() == pytest.approx(100.0)
    assert sample.n_customers == pytest.approx(60_000.0)
