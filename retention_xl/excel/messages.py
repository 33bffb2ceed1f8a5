"""The Excel doors' words for a report that failed: one line for the user, in the report's
language, with the remedy a workbook offers (its Settings table takes the place of the
command line's flags). The ribbon (:mod:`~retention_xl.excel.macro`) and the xlwings Lite
script (:mod:`~retention_xl.excel.lite_report`) say their errors with it.

The reason of an error is the library's own, in English; its title and its remedy are in
the language the error is marked with (:func:`in_language`).
"""

from __future__ import annotations

from retention_xl.analysis.notices import Notice
from retention_xl.errors import (
    MissingColumns,
    NoUsableOrders,
    RetentionError,
    UnknownColumn,
)
from retention_xl.excel.live_settings import SettingProblem, setting_name
from retention_xl.labels import label
from retention_xl.wording import counted

__all__ = ["TITLE", "HeaderNotFound", "error_message", "in_language", "listed", "settings_remedy"]

TITLE = "Retention report"


class HeaderNotFound(MissingColumns):
    """The block of cells read as orders has no header row (:mod:`~retention_xl.excel.live_header`),
    worded for the ribbon in the report's language.

    Attributes
    ----------
    gap : Notice
        Why the block read ends where it does (``"column"``, ``"row"``, ``"banner"``).
    lang : {"en", "ar", "fa"}
        The report's language, which the message is in.
    """

    def __init__(self, reason: str, *, roles: tuple[str, ...], columns: tuple[str, ...], gap: Notice, lang: str):
        super().__init__(reason, roles=roles, columns=columns)
        self.gap, self.lang = gap, lang


def listed(items, lang: str, key: str = "role") -> str:
    """``items`` as a list in ``lang``: "customer, date and amount" ("'Date column' and ...")."""
    words = [label(lang, f"{key}.{i}") if key else i for i in items]
    if len(words) < 2:
        return "".join(words)
    return label(lang, "list.join").join(words[:-1]) + label(lang, "ribbon.list_and") + words[-1]


def settings_remedy(roles: tuple[str, ...], lang: str) -> str:
    """"write the customer, date and amount columns' headers next to 'Customer column', ... in a
    table named Settings (Setting | Value)", in ``lang``."""
    names = listed([f"'{setting_name(r, lang)}'" for r in roles], lang, key="")
    return label(lang, counted("ribbon.settings", len(roles), lang), roles=listed(roles, lang), names=names)


def in_language(err: RetentionError, lang: str) -> RetentionError:
    """``err`` marked with the report's language, for its title and remedy (its reason is the
    library's own, in English)."""
    err.lang = lang
    return err


def error_message(err: BaseException) -> str:
    """One line for the user: the reason of a :class:`RetentionError`, else what went wrong.

    >>> from retention_xl.errors import DataError
    >>> error_message(DataError("no customer column found"))
    'Retention report: no customer column found'
    >>> error_message(KeyError("x"))
    "Retention report failed unexpectedly (KeyError: 'x'). Please report this with the workbook's layout."
    """
    if isinstance(err, (SettingProblem, HeaderNotFound)):  # worded for the ribbon already, in their language
        return f"{label(err.lang, 'ribbon.title')}: {err}"
    if isinstance(err, RetentionError):
        lang = getattr(err, "lang", "en")
        hint = _remedy(err, lang)
        return f"{label(lang, 'ribbon.title')}: {err}" + (f". {hint}" if hint else "")
    reason = " ".join(f"{type(err).__name__}: {err}".split())[:200]
    return f"{TITLE} failed unexpectedly ({reason}). Please report this with the workbook's layout."


def _remedy(error: RetentionError, lang: str = "en") -> str:
    """How to fix ``error`` in the workbook, in ``lang``: the Settings table takes the place of flags.

    >>> _remedy(MissingColumns("no date column", roles=("date",), columns=("A",)))
    "Write the date column's header next to 'Date column' in a table named Settings (Setting | Value)"
    >>> _remedy(MissingColumns("no column", roles=("customer", "date", "amount"), columns=("A",)))
    "Write the customer, date and amount columns' headers next to 'Customer column', 'Date column' and 'Amount column' in a table named Settings (Setting | Value)"
    >>> _remedy(NoUsableOrders("no usable orders"), "fa")
    'ستون\u200cهای به\u200cکاررفته را بررسی کنید، یا در جدول تنظیمات (Settings) ستون\u200cهای دیگری برگزینید (ستون مشتری، ستون تاریخ، ...)'
    """
    if isinstance(error, MissingColumns):
        if error.table != "orders":  # the Survey and Contacts Tables' columns are no settings
            return ""
        text = settings_remedy(error.roles, lang)
        return text[0].upper() + text[1:]
    if isinstance(error, UnknownColumn):
        return label(lang, "ribbon.fix.unknown_column", name=setting_name(error.role, lang))
    if isinstance(error, NoUsableOrders):
        return label(lang, "ribbon.fix.no_orders",
                     names=label(lang, "list.join").join(setting_name(r, lang) for r in ("customer", "date")))
    if error.option == "currency_column":
        return label(lang, "ribbon.fix.currency_column", column=setting_name("currency_column", lang),
                     currency=setting_name("currency", lang))
    if error.option == "currency":
        return label(lang, "ribbon.fix.currency", currency=setting_name("currency", lang))
    return ""
