"""What the cleaning of one batch says, made true of the whole table.

:mod:`retention_xl.engines.staging` cleans a table a batch at a time; each batch's
notices are about that batch. Here they become the notices of the whole table, as the
cleaning would word them for it in one piece:

* notices of the same decision are merged, their counts and sums added up
  (:func:`merge_notice`);
* the statuses notices are rebuilt from each status's tally (:func:`tally_statuses`,
  then :func:`~retention_xl.analysis.orders.status_notice`), the currency notice from the
  orders left out in each currency (:func:`tally_currencies`, then
  :func:`~retention_xl.analysis.currencies.currency_notice`);
* the digit scripts are decided per column over all batches (:func:`digit_notices`);
* the customer texts read as another spelling are listed per batch (:class:`Spellings`)
  for the engine to count over the whole table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.column_values import ColumnValues, key_text, looks_like_email
from retention_xl.analysis.notices import Notice
from retention_xl.analysis.orders import Orders

__all__ = [
    "ADDITIVE",
    "EXAMPLES",
    "Spellings",
    "digit_notices",
    "merge_notice",
    "tally_currencies",
    "tally_statuses",
]

_PLAIN = r"[!-~]+(?: [!-~]+)*"  # printable ASCII, single spaces: key_text leaves it as it is (but a phone's spaces)


@dataclass(frozen=True)
class Spellings:
    """A batch's distinct customer texts and the ids the cleaning reads them as."""

    raw: np.ndarray
    ids: np.ndarray

    @classmethod
    def of(cls, values: pd.Series, distinct: ColumnValues | None = None, ids: pd.Series | None = None) -> Spellings:
        """From the column's ``values``; given their :class:`ColumnValues` (``distinct``) and
        its :func:`clean_ids` (``ids``), a text column's are taken from those, not found again."""
        if distinct is not None and ids is not None and values.dtype == "str":
            return cls(distinct.uniques.to_numpy(dtype=object), ids.to_numpy(dtype=object))
        raw = pd.Series(pd.Series(values.dropna().unique(), dtype=object).map(str).unique(), dtype="str")
        ids = raw.copy()
        odd = ~raw.str.fullmatch(_PLAIN).to_numpy(dtype=bool) | raw.str.contains(r"\d[ \-.()]").to_numpy(dtype=bool)
        if odd.any():
            ids[odd] = key_text(raw[odd]).astype("str").to_numpy()
        return cls(raw.to_numpy(dtype=object), ids.to_numpy(dtype=object))

    def rekeyed(self) -> np.ndarray:
        """Per text, whether its customer key is not the text itself: read as another id,
        or an e-mail address whose key is case-folded (the staged rows of the others are
        ``plain``: their key is their text)."""
        ids = pd.Series(self.ids, dtype="str")
        folded = np.zeros(len(ids), bool)
        email = looks_like_email(ids)
        if email.any():
            folded[email] = (ids[email] != ids[email].str.casefold()).to_numpy(dtype=bool)
        return (self.raw != self.ids) | folded

    def pairs(self, frame: pd.DataFrame, cleaned: Orders, first_row: int) -> pd.DataFrame:
        """The spellings the engine needs to count merged ids over the whole table: texts
        whose key is not themselves (:meth:`rekeyed`) with their ids, and the texts of
        skipped rows (the staged rows carry ``plain``), whether or not this batch has a text
        read as another: '42' on a pending order here and '۴۲' in another batch are one id
        written two ways."""
        changed = self.rekeyed() & (self.ids != "")
        out = [pd.DataFrame({"raw": self.raw[changed], "id": self.ids[changed]})]
        used = np.zeros(len(frame), bool)
        used[cleaned.frame["row"].to_numpy(dtype=np.int64) - first_row] = True
        skipped = pd.Series(frame[cleaned.columns.customer][~used].dropna().unique(), dtype=object).map(str).unique()
        plain = pd.Series(skipped, dtype="str")
        plain = plain[plain.str.fullmatch(_PLAIN).to_numpy(dtype=bool)]
        plain = plain[(key_text(plain) == plain).to_numpy(dtype=bool)].to_numpy(dtype=object)  # not a spaced phone
        out.append(pd.DataFrame({"raw": plain, "id": plain}))
        return pd.concat(out, ignore_index=True)


def digit_notices(scripts: dict[str, set], columns) -> list[Notice]:
    """The ``digits`` notices of the whole table, as the cleaning words them for one table."""
    def code(found: set) -> str:
        return "persian_and_arabic_indic" if len(found) > 1 else next(iter(found))

    by_column = {c: code(scripts[c]) for c in columns.digit_columns() if c in scripts}
    out = []
    for script in dict.fromkeys(by_column.values()):
        out.append(Notice("digits", script=script, columns=tuple(c for c, s in by_column.items() if s == script)))
    return out


#: the values of a notice that are counts or sums over the rows (added up over batches)
ADDITIVE = frozenset({"count", "value", "full", "full_value", "documents", "orders", "lines", "returns", "kept_out",
                      "kept_out_value"})


def tally_statuses(statuses: dict, notice: Notice) -> None:
    """Add a batch's statuses notice to the whole table's tally (per status: shown, left
    out, the row of its first order shown)."""
    tally, count, value = statuses.setdefault(notice.values["column"], ({}, 0, 0.0))
    for text, shown, out, first in notice.values["tally"]:
        both = tally.setdefault(text, [0, 0, first])
        both[0] += shown
        both[1] += out
        both[2] = min(both[2], first)
    statuses[notice.values["column"]] = (tally, count + int(notice.values.get("count", 0)),
                                         value + float(notice.values.get("value", 0.0)))


def tally_currencies(currencies: dict, notice: Notice) -> None:
    """Add a batch's ``currency_kept`` notice to the whole table's counts: per other
    currency [orders, value] left out, and [orders, value] with no currency and in two."""
    left, unknown, mixed = currencies.setdefault(notice.values["column"], ({}, [0, 0.0], [0, 0.0]))
    for name, n, value in notice.values["left"]:
        both = left.setdefault(name, [0, 0.0])
        both[0] += n
        both[1] += value
    for key, total in (("unknown", unknown), ("mixed", mixed)):
        total[0] += notice.values[key]
        total[1] += notice.values[f"{key}_value"]


#: the values of a notice that are an example from the data (the first batch's is the table's:
#: the cleaning takes a column's first value)
EXAMPLES = frozenset({"serial", "jalali", "gregorian", "spelling", "matched", "example", "read_as", "first_row",
                      "first_date", "was", "now"})


def merge_notice(notices: dict, notice: Notice) -> None:
    """Notices of the same decision from several batches become one, counts and sums added
    up, the example of the first batch kept."""
    values = dict(notice.values)
    ident = (notice.code, tuple(sorted((k, repr(v)) for k, v in values.items() if k not in ADDITIVE | EXAMPLES)))
    known = notices.get(ident)
    if known is not None:
        for key in ADDITIVE & values.keys() & known.values.keys():
            values[key] = known.values[key] + values[key]
        for key in EXAMPLES & values.keys() & known.values.keys():
            values[key] = known.values[key]
    notices[ident] = Notice(notice.code, **values)
