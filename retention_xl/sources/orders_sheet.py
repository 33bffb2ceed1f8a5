"""Which sheet of a workbook is named for the orders, in English, Arabic or Persian.

The names are the template's own (:data:`~retention_xl.input_sheets.INPUT_SHEETS`:
Orders, الطلبات, سفارش‌ها), as users and exports spell them: case, spaces, the Persian
half-space (ZWNJ) and the Arabic kashida aside, with or without the Arabic article (طلبات),
with either plural (سفارشات), Arabic or Persian ye and kaf.

Examples
--------
>>> orders_sheet(["Notes", "سفارش ها", "Summary"])
'سفارش ها'
>>> orders_sheet(["Sheet1", "طلبات"]), orders_sheet(["Notes"]) is None
('طلبات', True)
"""

from __future__ import annotations

import re

from retention_xl.analysis.letters import fold_word
from retention_xl.input_sheets import sheet_names

__all__ = ["named_sheet", "orders_sheet", "same_sheet_name"]

#: what a spelling of a sheet name may add or drop: spaces, ZWNJ and direction marks, kashida, _ and -
_IGNORED = re.compile(r"[\s\u200c\u200e\u200f\u0640_\-]+")
_ARTICLE = "ال"
_PLURALS = ("ها", "ات")


def _stem(name: str) -> str:
    """A sheet name as compared: case, spaces and half-spaces, the article and the plural set aside.

    >>> _stem(" الطلبات ") == _stem("طلبات"), _stem("سفارش‌ها") == _stem("سفارشات") == _stem("سفارش ها")
    (True, True)
    """
    word = fold_word(_IGNORED.sub("", str(name).casefold()))
    if word.startswith(_ARTICLE) and len(word) > len(_ARTICLE) + 2:
        word = word[len(_ARTICLE):]
    for plural in _PLURALS:
        if word.endswith(plural) and len(word) > len(plural) + 2:
            return word[: -len(plural)]
    return word


def named_sheet(titles: list[str], kind: str) -> str | None:
    """The first of ``titles`` named as the input ``kind`` ("orders", "settings" ...: the
    names of :data:`~retention_xl.input_sheets.INPUT_SHEETS`) is named in some language,
    spelt as the module says, else ``None``.

    >>> named_sheet(["Notes", "تنظيمات"], "settings"), named_sheet(["الاعدادات"], "settings")
    ('تنظيمات', 'الاعدادات')
    """
    stems = frozenset(_stem(name) for name in sheet_names(kind))
    return next((t for t in titles if _stem(t) in stems), None)


def same_sheet_name(a: str, b: str) -> bool:
    """Whether two sheet names are one name spelt two ways (see the module)."""
    return _stem(a) == _stem(b)


def orders_sheet(titles: list[str]) -> str | None:
    """The first of ``titles`` named for the orders (see the module), else ``None``."""
    return named_sheet(titles, "orders")
