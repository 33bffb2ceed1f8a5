"""The seeded order generator and the bundled sample."""

import pytest
import numpy as np
import pandas as pd

from retention_xl.sample import generate_orders, sample_path, write_sample


def test_same_seed_same_table_other_seed_other_table():
    a = generate_orders(300, seed=3)
    pd.testing.assert_frame_equal(a, generate_orders(300, seed=3))
    assert not a.equals(generate_orders(300, seed=4))


def test_orders_are_plausible():
    df = generate_orders(2000, seed=5)
    assert df["customer"].nunique() == 2000  # every customer places a first order
    assert (df["amount"] > 0).all()
    assert df["order_date"].is_monotonic_increasing
    per_customer = df.groupby("customer").size()
    assert 0.3 < (per_customer > 1).mean() < 0.9  # some come back, not all
    assert 20 < df["amount"].median() < 150


def test_later_customers_order_less_often():
    df = generate_orders(3000, seed=9)
    first = df.groupby("customer")["order_date"].min()
    orders = df.groupby("customer").size()
    early = orders[first < "2024-07-01"].mean()
    late = orders[first >= "2025-07-01"].mean()
    assert early > late


def test_messy_table_has_refunds_duplicates_and_blank_customers():
    df = generate_orders(1500, seed=7, messy=True)
    assert (df["amount"] < 0).sum() > 0
    assert df.duplicated().sum() > 0
    assert (df["customer"] == "").sum() > 0


def test_bundled_sample_is_what_the_generator_writes(tmp_path):
    fresh = write_sample(tmp_path / "s.csv")
    assert fresh.read_bytes() == sample_path().read_bytes()


@pytest.mark.slow
def test_benchmark_table_has_a_million_orders_from_100k_customers():
    # the benchmarks' table: 100,000 customers, about a million orders
    df = generate_orders(100_000, seed=11, a=0.5, b=6.0, r=1.3, alpha=30.0)
    assert df["customer"].nunique() == 100_000
    assert 950_000 < len(df) < 1_050_000
    assert np.isfinite(df["amount"]).all()
