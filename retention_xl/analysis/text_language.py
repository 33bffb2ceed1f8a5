"""Which language a table is written in (``"en"``, ``"ar"`` or ``"fa"``), from its headers and first texts.

Every door that is not told the report's language takes it from the orders the user gave:
the ribbon, xlwings Lite and the command line (``--lang auto``, its default). English,
except when the headers are written in Arabic script or the sheet runs right to left; then
Persian when the headers (or, for a right-to-left sheet with Latin headers, the first rows
of text) use a letter only Persian has (پ چ ژ گ and Persian ک ی) or a header word only
Persian uses, otherwise Arabic.
"""

from __future__ import annotations

import re

import pandas as pd

from retention_xl.analysis.letters import fold_word

__all__ = ["report_language", "sample_texts"]

#: letters only Persian uses
_PERSIAN_ONLY = frozenset("پچژگکی")
#: header words only Persian uses (order, number, name, purchase, sale, status, price, code),
#: spelled as :func:`~retention_xl.analysis.letters.fold_word` spells them: Persian headers
#: typed on an Arabic keyboard have none of the letters above ("تاريخ سفارش")
_PERSIAN_WORDS = frozenset(fold_word(w) for w in (
    "سفارش", "سفارشات", "سفارشها", "شماره", "نام", "خرید", "فروش", "وضعیت", "قیمت", "کد"))
_SAMPLE_ROWS = 200


def _arabic_letters(text: str) -> bool:
    return any(ch.isalpha() and "\u0600" <= ch <= "\u06ff" for ch in text)


def report_language(headers: list[str], texts: list[str] = (), right_to_left: bool | None = None) -> str:
    """The report language the orders suggest: ``"en"``, ``"ar"`` or ``"fa"``.

    Arabic-script headers, or a right-to-left sheet, mean Arabic or Persian; Persian
    when a letter only Persian uses is in the headers (or, with Latin headers on a
    right-to-left sheet, in ``texts``: text cells from the first rows).

    >>> report_language(["Customer", "Date", "Amount"])
    'en'
    >>> report_language(["رقم العميل", "تاريخ الطلب", "المبلغ"])
    'ar'
    >>> report_language(["کد مشتری", "تاریخ سفارش", "مبلغ"])
    'fa'
    >>> report_language(["کد مشتري", "تاريخ سفارش", "مبلغ"])  # Persian typed on an Arabic keyboard
    'fa'
    >>> report_language(["Customer", "Date"], ["علی رضایی"], right_to_left=True)
    'fa'
    >>> report_language(["Customer", "Date"], ["C001"], right_to_left=True)
    'ar'
    """
    head = " ".join(str(h) for h in headers)
    if _arabic_letters(head):
        pool = head
    elif right_to_left:
        pool = " ".join(texts)
    else:
        return "en"
    if any(ch in _PERSIAN_ONLY for ch in pool):
        return "fa"
    words = set(re.split(r"[\W_]+", fold_word(pool)))
    return "fa" if words & _PERSIAN_WORDS else "ar"


def sample_texts(frame: pd.DataFrame) -> list[str]:
    """Text cells of the first rows, for :func:`report_language` when the headers are Latin."""
    head = frame.head(_SAMPLE_ROWS)
    return [v for col in head.columns for v in head[col].tolist() if isinstance(v, str)]
