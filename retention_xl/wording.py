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

import jdatetime
import pandas as pd

from retention_xl.analysis.notices import Notice
from retention_xl.labels import label, labels_for

__all__ = ["counted", "day_text", "notice_text", "problem_text", "problem_texts"]


def day_text(day, calendar: str = "gregorian") -> str:
    """A day written inside a sentence, in the report's calendar as its periods are written
    (``1402-01``; Jalali weeks ``1402-12-26``); text that is not a day is kept as it is.

    >>> day_text("2024-03-20"), day_text("2024-03-20", "jalali"), day_text(pd.Timestamp("2024-03-19"), "jalali")
    ('2024-03-20', '1403-01-01', '1402-12-29')
    """
    if day is None or (not isinstance(day, str) and pd.isna(day)):
        return ""
    try:
        ts = pd.Timestamp(day)
    except (TypeError, ValueError):
        return str(day)
    if calendar == "jalali":
        jalali = jdatetime.date.fromgregorian(date=ts.date())
        return f"{jalali.year:04d}-{jalali.month:02d}-{jalali.day:02d}"
    return f"{ts:%Y-%m-%d}"


def notice_text(notice: Notice, lang: str, door: str = "python", calendar: str = "gregorian") -> str:
    """One notice as a sentence in ``lang``; a code without words is shown as the code.
    A remedy in it is worded for ``door`` (``"python"``, ``"cli"``, ``"excel"``: see
    :class:`~retention_xl.options.ReportOptions`); a day in it is written in the report's
    ``calendar`` (:func:`day_text`)."""
    values = dict(notice.values)
    code = notice.code
    if code == "far_dates":  # the first order left out, dated as the report writes its days
        values["first_date"] = day_text(values["first_date"], calendar)
    if code == "currency_kept":
        return _currency_kept(values, lang, door)
    if code == "currency" and not values["count"]:  # no order without a currency
        return label(lang, "notice.currency.plain", **values)
    if code == "date_order":
        return _date_order(values, lang)
    if code == "date_swapped":  # the text's order, and the spreadsheet's (the other)
        values["order"] = label(lang, "order.dmy" if values["dayfirst"] else "order.mdy")
        values["other_order"] = label(lang, "order.mdy" if values["dayfirst"] else "order.dmy")
    if code == "digits":  # the columns quoted and listed as the language writes them
        values["script"] = label(lang, f"script.{values['script']}")
        values["columns"] = label(lang, "list.join").join(label(lang, "quoted", text=c) for c in values["columns"])
    if code == "live_windows_only":
        return label(lang, f"notice.live_windows_only.{values['what']}")
    if code == "refund_column":
        return _refund_column(values, lang)
    if code == "status_refunds":
        return _status_refunds(values, lang)
    if code == "date_time_zone":  # the zones the times were read in, as the source gave them
        values["zones"] = label(lang, "list.join").join(values.get("zones", ()))
    if code in ("currency_removed", "currencies_mixed"):
        values["marks"] = label(lang, "list.join").join(values["marks"])
    if code in ("statuses_excluded", "statuses_kept"):  # each status with its orders; those not named, counted
        for key, more in (("statuses", "statuses_more"), ("kept", "kept_more")):
            if key in values:
                values[key] = label(lang, "list.join").join(f"{text} ({n:,})" for text, n in values[key]) or "-"
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


def _status_refunds(v: dict, lang: str) -> str:
    """The refunds by status applied and those left out with their sale, each said only when
    there are some; without an order id, how refunds were matched to their sales."""
    kept_out = "kept_out" if v["by"] == "order_id" else "kept_out_customer"
    parts = [label(lang, counted(f"notice.status_refunds.{part}", v[key], lang), **v)
             for part, key in (("applied", "count"), (kept_out, "kept_out")) if v[key]]
    text = label(lang, "notice.status_refunds", column=v["column"],
                 parts=label(lang, "notice.status_refunds.join").join(parts))
    return text + " " + label(lang, "notice.status_refunds.no_id") if v["by"] == "customer" else text


def _currency_kept(v: dict, lang: str, door: str) -> str:
    """The currency kept, the orders left out in each other currency (with their value in
    it), with no currency and with lines in two, and how to choose another currency here.

    >>> n = Notice("currency_kept", column="Currency", currency="USD", chosen=False, currencies=("USD", "EUR"),
    ...            left=(("EUR", 2, 80.5),), unknown=0, unknown_value=0.0, mixed=0, mixed_value=0.0, count=2)
    >>> notice_text(n, "en", door="cli")  # doctest: +NORMALIZE_WHITESPACE
    "'Currency' holds more than one currency (USD, EUR), and amounts in different currencies cannot be
    added up: the report keeps the orders in USD, the currency of most orders, and leaves out 2 orders
    in EUR (80.50 EUR) (see Data issues). To report in EUR instead, run it again with --currency EUR."
    """
    parts = [label(lang, counted("notice.currency_kept.other", n, lang), count=n, currency=name, value=value)
             for name, n, value in v["left"] if n]
    for key in ("unknown", "mixed"):
        if v[key]:
            parts.append(label(lang, counted(f"notice.currency_kept.{key}", v[key], lang), count=v[key],
                               value=v[f"{key}_value"]))
    left_out = label(lang, "notice.currency_kept.join").join(parts) if parts else label(lang, "notice.currency_kept.none")
    others = sorted(((n, -i, name) for i, (name, n, _) in enumerate(v["left"])), reverse=True)
    other = others[0][2] if others else v["currency"]
    why = label(lang, "notice.currency_kept.chosen" if v["chosen"] else "notice.currency_kept.most")
    remedy = label(lang, f"remedy.currency.{door}", currency=other)
    currencies = label(lang, "list.join").join(v["currencies"])
    return label(lang, "notice.currency_kept", column=v["column"], currencies=currencies, currency=v["currency"],
                 why=why, left=left_out, remedy=remedy)


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


def problem_text(code: str, detail: str, lang: str, calendar: str = "gregorian") -> str:
    """A data problem (or fix) as words; ``detail`` fills its ``{detail}`` (a day written in
    the report's ``calendar``)."""
    if code == "far_date":
        detail = day_text(detail, calendar)
    key = f"problem.{code}"
    if key not in labels_for(lang):
        return code.replace("_", " ") + (f" {detail}" if detail else "")
    return label(lang, key, detail=detail)


def problem_texts(problems: pd.Series, details: pd.Series, lang: str, calendar: str = "gregorian") -> pd.Series:
    """:func:`problem_text` for a column of codes and details, worded once per distinct pair."""
    pairs = pd.MultiIndex.from_arrays([problems.astype("str"), details.astype("str")])
    codes, uniques = pairs.factorize()
    words = [problem_text(c, d, lang, calendar) for c, d in uniques]
    return pd.Series(pd.Index(words, dtype="str").take(codes), index=problems.index, dtype="str")
