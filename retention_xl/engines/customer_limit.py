"""The Customers sheet past a limit: the most valuable and the most valuable at-risk customers.

A report must fit in Excel whatever the input. When there are more customers than the
limit, the Customers table keeps

* the at-risk customers with the highest net revenue, up to half the limit, and
* the customers with the highest net revenue, for the rest of the limit,

shown by net revenue (highest first), ties by customer id; the full per-customer table is
written beside the workbook. With no more customers than the limit, every customer is
kept in order of first appearance. Every engine applies this rule to the same Customers
table (the per-customer half of the analysis is the same code on every engine).

Examples
--------
>>> import pandas as pd
>>> c = pd.DataFrame({"revenue": [5.0, 50.0, 1.0, 20.0], "at_risk": [True, False, True, False]},
...                  index=pd.Index(["a", "b", "c", "d"], name="customer"))
>>> kept_customers(c, 2).index.tolist()
['b', 'a']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["kept_customers"]


def kept_customers(customers: pd.DataFrame, limit: int) -> pd.DataFrame:
    """``customers`` (indexed by customer id, with ``revenue`` and ``at_risk``) cut to ``limit`` rows."""
    if len(customers) <= limit:
        return customers
    ids = customers.index.astype(str).to_numpy()
    order = np.lexsort((ids, -customers["revenue"].to_numpy(dtype=float)))
    value_rank = np.empty(len(order), dtype=np.int64)
    value_rank[order] = np.arange(1, len(order) + 1)
    risky = customers["at_risk"].to_numpy(dtype=bool)
    risk_order = order[risky[order]]
    risk_rank = np.zeros(len(order), dtype=np.int64)
    risk_rank[risk_order] = np.arange(1, len(risk_order) + 1)
    half = limit // 2
    keep = (risky & (risk_rank <= half)) | (value_rank <= limit - half)
    return customers.iloc[order[keep[order]]]
