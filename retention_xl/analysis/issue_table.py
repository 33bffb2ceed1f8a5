"""The issues table: one row per problem found in an input row, sorted by row and column.

The cleaning of every input table (orders, survey answers, contact logs) collects its
problems as parts (rows, column, cells shown, problem codes, action, lines, value) and
:func:`issue_frame` makes the one table the report shows. A problem written
``"code:detail"`` is split into ``problem`` and ``detail``.

Examples
--------
>>> issue_frame([(np.array([1, 0]), "Date", np.array(["x", "y"]), "not_a_date", "skipped")],
...             np.array([2, 3]), ["Date"])[["row", "problem", "lines"]].to_dict("list")
{'row': [2, 3], 'problem': ['not_a_date', 'not_a_date'], 'lines': [1, 1]}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ISSUE_COLUMNS", "issue_frame"]

#: the columns of an issues table, in order
ISSUE_COLUMNS = ("row", "column", "value", "problem", "detail", "action", "lines", "amount")


def issue_frame(issues, rows: np.ndarray, names: list[str]) -> pd.DataFrame:
    """One row per problem, from parts ``(where, column, shown, problem, action[, lines[, value]])``;
    ``where`` indexes ``rows`` (the input row numbers), ``names`` orders the columns."""
    if not issues:
        return pd.DataFrame({"row": pd.Series([], dtype="int64"),
                             **{c: pd.Series([], dtype="str") for c in ISSUE_COLUMNS[1:6]},
                             "lines": pd.Series([], dtype="int64"), "amount": pd.Series([], dtype="float64")})
    issues = [tuple(i) + (1, np.nan)[len(i) - 5:] for i in issues]
    where = np.concatenate([w for w, *_ in issues])
    col = np.concatenate([np.full(len(w), c, dtype=object) for w, c, *_ in issues])
    value = np.concatenate([np.asarray(v, dtype=object) for _, _, v, *_ in issues])
    problem = np.concatenate([np.full(len(w), p, dtype=object) if isinstance(p, str) else p
                              for w, _, _, p, *_ in issues])
    action = np.concatenate([np.full(len(w), a, dtype=object) for w, _, _, _, a, *_ in issues])
    lines = np.concatenate([np.broadcast_to(np.asarray(k, dtype="int64"), (len(w),)) for w, *_, k, _ in issues])
    amount = np.concatenate([np.broadcast_to(np.asarray(v, dtype="float64"), (len(w),)) for w, *_, v in issues])
    position = {n: i + 1 for i, n in enumerate(names)}
    rank = pd.Series(col).map(position).fillna(0).to_numpy(dtype="int64")
    order = np.lexsort((rank, where))
    coded = pd.Series(problem[order], dtype="str").str.partition(":")
    return pd.DataFrame({
        "row": rows[where[order]],
        "column": pd.Series(col[order], dtype="str"),
        "value": pd.Series(value[order], dtype="str"),
        "problem": coded[0],
        "detail": coded[2],
        "action": pd.Series(action[order], dtype="str"),
        "lines": lines[order],
        "amount": amount[order],
    })
