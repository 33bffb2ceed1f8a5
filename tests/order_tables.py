"""Order tables for the analysis tests: hand-written ones and random ones (hypothesis)."""

import numpy as np
import pandas as pd
from hypothesis import strategies as st

START = pd.Timestamp("2024-01-01")


def table(rows):
    """An order table from (customer, date, amount) tuples."""
    customer, date, amount = zip(*rows)
    return pd.DataFrame(
        {
            "customer": list(customer),
            "date": pd.to_datetime(list(date), format="ISO8601"),
            "amount": [float(a) for a in amount],
        }
    )


@st.composite
def order_tables(draw, max_rows=14, max_days=400, customers="abcde"):
    """Small random order tables; about one row in four is a refund, at least one is not."""
    rows = draw(
        st.lists(
            st.tuples(
                st.sampled_from(customers),
                st.integers(0, max_days),
                st.integers(0, 23),
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
            "date": START + pd.to_timedelta(np.array(day) * 24 + np.array(hour), unit="h"),
            "amount": np.array(amount, dtype=float),
        }
    )
