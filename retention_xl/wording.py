"""The analysis' codes in the user's words: notices and data problems as sentences (en/ar/fa).

The cleaning and the analysis return :class:`~retention_xl.analysis.notices.Notice`
objects and problem codes; the report layout and the doors call these functions to show
them, so every language gets the same facts.

Examples
--------
>>> from retention_xl.analysis.notices import Notice
>>> notice_text(Notice("decimal_comma", column="Total"), "en")
"Amounts in 'Total' use a decimal comma (1.234,50 = 1234.50)."
>>> problem_text("duplicate", "230", "en")
'duplicate of row 230'
"""

from __future__ import annotations

import pandas as pd

from retention_xl.analysis.notices import Notice
from retention_xl.labels import label, labels_for

__all__ = ["counted", "notice_text", "problem_text", "problem_texts"]


def notice_text(notice: Notice, lang: str) -> str:
    """One notice as a sentence in ``lang``; a code without words is shown as the code."""
    values = dict(notice.values)
    code = notice.code
    if code == "date_order":
        return _date_order(values, lang)
    if code == "digits":
        values["script"] = label(lang, f"script.{values['script']}")
    if code == "live_windows_only":
        return label(lang, f"notice.live_windows_only.{values['what']}")
    if code == "refund_column":
        return _refund_column(values, lang)
    if code in ("statuses_excluded", "statuses_kept"):  # the statuses not named, counted
        for key, more in (("statuses", "statuses_more"), ("kept", "kept_more")):
            if values.get(more):
                values[key] = label(lang, "notice.statuses.more", listed=values[key], more=values[more])
    if code == "orders_by_id":  # counted in orders, and in refunds when there are some
        key = counted("notice.orders_by_id.returns", values["returns"], lang) if values.get("returns") \
            else counted("notice.orders_by_id", values["orders"], lang)
        return label(lang, key, **values)
    key = counted(f"notice.{code}", values.get("count"), lang)
    if key not in labels_for(lang):
        return code.replace("_", " ") + (": " + ", ".join(f"{k} {v}" for k, v in values.items()) if values else "")
    return label(lang, key, **values)


def counted(key: str, count: object, lang: str) -> str:
    """``key`` + ``.one`` when ``count`` is 1 and the language words one thing differently."""
    return f"{key}.one" if count == 1 and f"{key}.one" in labels_for(lang) else key


def _refund_column(v: dict, lang: str) -> str:
    """The refunds applied and the orders refunded in full, each said only when there are some."""
    parts = [label(lang, counted(f"notice.refund_column.{part}", v[key], lang), **v)
             for part, key in (("partly", "count"), ("full", "full")) if v[key]]
    return label(lang, "notice.refund_column", column=v["column"],
                 parts=label(lang, "notice.refund_column.join").join(parts))


def _date_order(v: dict, lang: str) -> str:
    dayfirst = bool(v["dayfirst"])
    order = label(lang, "order.dmy" if dayfirst else "order.mdy")
    other_order = label(lang, "order.mdy" if dayfirst else "order.dmy")
    common = {"column": v["column"], "order": order, "other_order": other_order, "total": v["total"]}
    if v["chosen"]:
        return label(lang, "notice.date_order.chosen", **common)
    if v["dmy"] == 0 and v["mdy"] == 0:
        return label(lang, "notice.date_order.default", **common)
    proof = v["dmy"] if dayfirst else v["mdy"]
    part = label(lang, "part.first" if dayfirst else "part.second")
    key = counted("notice.date_order.against", v["other"], lang) if v["other"] else "notice.date_order.proof"
    return label(lang, key, proof=proof, part=part, other=v["other"], **common)


def problem_text(code: str, detail: str, lang: str) -> str:
    """A data problem (or fix) as words; ``detail`` fills its ``{detail}``."""
    key = f"problem.{code}"
    if key not in labels_for(lang):
        return code.replace("_", " ") + (f" {detail}" if detail else "")
    return label(lang, key, detail=detail)


def problem_texts(problems: pd.Series, details: pd.Series, lang: str) -> pd.Series:
    """:func:`problem_text` for a column of codes and details, worded once per distinct pair."""
    pairs = pd.MultiIndex.from_arrays([problems.astype("str"), details.astype("str")])
    codes, uniques = pairs.factorize()
    words = [problem_text(c, d, lang) for c, d in uniques]
    return pd.Series(pd.Index(words, dtype="str").take(codes), index=problems.index, dtype="str")
