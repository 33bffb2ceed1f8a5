"""The workbook's input sheets and tables by name, in every language: what the template
writes and the ribbon reads.

A user pastes orders into the template's *Orders* table, survey answers into *Survey*,
options into *Settings*; the live readers look for those Tables by name (the same in every
language, so formulas such as ``=NPS(Survey[Score])`` work everywhere) and, without a
Table, for a sheet with the name in any of the languages.

Examples
--------
>>> INPUT_SHEETS["orders"]["fa"], "الإعدادات" in sheet_names("settings")
('سفارش‌ها', True)
"""

from __future__ import annotations

__all__ = ["INPUT_TABLES", "INPUT_SHEETS", "sheet_names"]

#: Excel Table names of the inputs (the same in every language)
INPUT_TABLES = {"orders": "Orders", "survey": "Survey", "contacts": "Contacts", "settings": "Settings"}
#: sheet names of the inputs, by language
INPUT_SHEETS = {
    "orders": {"en": "Orders", "ar": "الطلبات", "fa": "سفارش‌ها"},
    "survey": {"en": "Survey", "ar": "الاستبيان", "fa": "نظرسنجی"},
    "contacts": {"en": "Contact log", "ar": "سجل التواصل", "fa": "سابقه‌ی تماس"},
    "settings": {"en": "Settings", "ar": "الإعدادات", "fa": "تنظیمات"},
}


def sheet_names(kind: str) -> frozenset[str]:
    """The sheet names of an input in every language, case-folded, for matching."""
    return frozenset(name.strip().casefold() for name in INPUT_SHEETS[kind].values())
