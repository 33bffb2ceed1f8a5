"""Which columns of survey answers or a contact log hold each role: found by their headers.

As :mod:`~retention_xl.analysis.columns` does for the orders: each header is matched
against :data:`SIDE_SYNONYMS`, a list of names per role in English, Arabic and Persian,
best first, ignoring case, spaces, punctuation and Arabic/Persian letter variants; exact
names beat partial ones, earlier synonyms beat later ones, and on a tie the leftmost
column wins. Names the caller gives win over detection.

Examples
--------
>>> find_side_columns(["Respondent", "Submitted at", "NPS", "Why"], "survey",
...                   ("customer", "date", "score", "comment"), {})
{'customer': 'Respondent', 'date': 'Submitted at', 'score': 'NPS', 'comment': 'Why'}
"""

from __future__ import annotations

import re
import unicodedata

from retention_xl.analysis.columns import SYNONYMS as ORDER_SYNONYMS
from retention_xl.analysis.letters import fold_word
from retention_xl.analysis.numerals import clean_string
from retention_xl.errors import MissingColumns, UnknownColumn

__all__ = ["SIDE_SYNONYMS", "KIND_NAMES", "find_side_columns", "missing_side_columns"]

#: header names per role, best first (matched ignoring case, spaces and punctuation)
SIDE_SYNONYMS: dict[str, list[str]] = {
    "customer": ORDER_SYNONYMS["customer"] + ["respondent", "respondent id", "المستجيب", "پاسخ‌دهنده"],
    "survey_date": [
        "date", "response date", "answer date", "survey date", "submitted at", "submitted", "answered at",
        "completed at", "created at", "timestamp", "datetime", "time",
        "التاريخ", "تاريخ", "تاريخ الرد", "تاريخ الاستبيان", "تاریخ", "تاریخ پاسخ", "تاریخ نظرسنجی", "زمان",
    ],
    "contact_date": [
        "date", "contact date", "contacted at", "contacted", "sent at", "sent", "touch date", "call date",
        "created at", "timestamp", "datetime", "time",
        "التاريخ", "تاريخ", "تاريخ التواصل", "تاريخ الاتصال", "تاریخ", "تاریخ تماس", "زمان",
    ],
    "score": [
        "score", "nps", "nps score", "likelihood to recommend", "recommend", "recommendation", "ltr",
        "rating", "درجة", "التقييم", "الترشيح", "امتیاز", "نمره", "امتیاز توصیه",
    ],
    "satisfaction": ["satisfaction", "csat", "csat score", "satisfied", "الرضا", "رضا العميل", "رضایت"],
    "effort": ["effort", "ces", "ces score", "ease", "customer effort", "الجهد", "السهولة", "سهولت", "تلاش"],
    "comment": [
        "comment", "comments", "feedback", "verbatim", "remarks", "note", "notes", "why", "reason",
        "تعليق", "التعليق", "ملاحظات", "نظر", "توضیحات", "دلیل",
    ],
    "channel": ["channel", "medium", "via", "contact type", "method", "القناة", "الوسيلة", "کانال", "روش"],
}
_SYNONYM_KEY = {"survey": {"date": "survey_date"}, "contacts": {"date": "contact_date"}}
#: what each table is called in messages
KIND_NAMES = {"survey": "survey answers", "contacts": "contact log"}


def _tokens(header: object) -> list[str]:
    text = unicodedata.normalize("NFKC", str(header))
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # ContactDate -> Contact Date
    text = fold_word(clean_string(text).casefold())
    return [t for t in re.split(r"[\s_\-.:/()\[\]#]+", text) if t]


def _rank(header: object, synonyms: list[str]) -> tuple[int, int] | None:
    """(0 exact | 1 partial, position of the synonym) for ``header``, or None."""
    tokens = _tokens(header)
    key = "".join(tokens)
    for pos, syn in enumerate(synonyms):
        if key == "".join(_tokens(syn)):
            return (0, pos)
    for pos, syn in enumerate(synonyms):
        st = _tokens(syn)
        if st and any(tokens[i:i + len(st)] == st for i in range(len(tokens) - len(st) + 1)):
            return (1, pos)
    return None


def find_side_columns(headers: list[str], kind: str, roles: tuple[str, ...],
                      chosen: dict[str, str | None]) -> dict[str, str]:
    """The header used for each role of ``kind`` ("survey" or "contacts"): the caller's
    choice (``chosen``, role -> name or None), else the best synonym match.

    Raises
    ------
    UnknownColumn
        A chosen name is not a header.
    """
    found: dict[str, str] = {}
    for role, name in chosen.items():
        if name is None:
            continue
        if name in headers:
            found[role] = name
            continue
        wanted = "".join(_tokens(name))
        match = next((h for h in headers if "".join(_tokens(h)) == wanted), None)
        if match is None:
            raise UnknownColumn(f"the {KIND_NAMES[kind]} have no column '{name}' for the {role}; the columns are: "
                                + ", ".join(f"'{h}'" for h in headers), role=role, name=name, columns=tuple(headers))
        found[role] = match
    candidates = []
    for role in roles:
        if role in found:
            continue
        synonyms = SIDE_SYNONYMS[_SYNONYM_KEY[kind].get(role, role)]
        for col, h in enumerate(headers):
            rank = None if h in found.values() else _rank(h, synonyms)
            if rank is not None:
                candidates.append((*rank, col, role, h))
    for *_, role, h in sorted(candidates, key=lambda c: c[:3]):
        if role not in found and h not in found.values():
            found[role] = h
    return {role: found[role] for role in roles if role in found}


def missing_side_columns(headers: list[str], kind: str, roles: list[str], table: str, *,
                         either: bool = False) -> MissingColumns:
    """The error for ``roles`` not found in ``table`` (all needed, or ``either`` one of them):
    the headers found and those that would be recognised."""
    hints = "; ".join(
        f"{role}: a header such as '{SIDE_SYNONYMS[_SYNONYM_KEY[kind].get(role, role)][0].title()}'" for role in roles)
    listed = ", ".join(f"'{h}'" for h in headers[:30]) or "none"
    what = (" or " if either else " and ").join(roles)
    return MissingColumns(f"{table}: could not tell which column holds the {what}; columns found: {listed}; "
                          f"recognised headers: {hints}", roles=tuple(roles), columns=tuple(headers), table=kind)
