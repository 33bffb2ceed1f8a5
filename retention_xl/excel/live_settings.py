"""The ribbon's report options, read from a Settings table in the workbook.

A ribbon user has no command-line flags; the same choices (columns, period, language,
margin ...) are rows of a two-column table: an Excel Table named ``Settings`` on any
sheet, else the first two columns of a sheet named *Settings* (or its Arabic or Persian
name). Each row is a setting and its value; a blank value keeps the default (detect the
column, the period of a month ...). Settings may be named in English, Arabic or Persian,
ignoring case and spaces. The result is a :class:`~retention_xl.options.ReportOptions`,
checked like every other door's, so a wrong value is one line naming the setting and the
cell that holds it.

Examples
--------
>>> rows = [["Setting", "Value"], ["Period", "Q"], ["Customer column", "Email"], ["Margin", 0.3]]
>>> found = settings_from_rows(rows, "Table 'Settings' on sheet 'Settings'", first_row=4)
>>> found.options.period, found.options.roles.customer, found.options.margin
('Q', 'Email', 0.3)
>>> found.cells["margin"]
"Table 'Settings' on sheet 'Settings', row 6"
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from retention_xl.errors import InvalidValue, RetentionError
from retention_xl.input_sheets import INPUT_TABLES, sheet_names
from retention_xl.options import ROLES, ColumnRoles, ReportOptions

__all__ = ["SETTINGS_TABLE", "SETTING_NAMES", "LiveSettings", "read_settings", "settings_from_rows"]

SETTINGS_TABLE = INPUT_TABLES["settings"]
SETTINGS_SHEETS = sheet_names("settings")

#: each setting's key and the names a user may give it (en, ar, fa), first = the template's
SETTING_NAMES: dict[str, tuple[str, ...]] = {
    "period": ("Period", "الفترة", "دوره"),
    "window_days": ("Activity window (days)", "Activity window", "نافذة النشاط (أيام)", "بازه‌ی فعالیت (روز)"),
    "lang": ("Language", "اللغة", "زبان"),
    "horizon": ("Horizon (months)", "Horizon", "أفق التنبؤ (أشهر)", "افق پیش‌بینی (ماه)"),
    "margin": ("Margin", "هامش الربح", "حاشیه‌ی سود"),
    "discount": ("Discount rate (per month)", "Discount rate", "Discount", "معدل الخصم (شهريًا)",
                 "نرخ تنزیل (ماهانه)"),
    "date_order": ("Date order", "ترتيب التاريخ", "ترتیب تاریخ"),
    "include_statuses": ("Include statuses", "الحالات المشمولة", "وضعیت‌های شمرده‌شده"),
    "exclude_statuses": ("Exclude statuses", "الحالات المستبعدة", "وضعیت‌های کنارگذاشته"),
    "currency": ("Currency", "العملة", "واحد پول"),
    **{role: (f"{role.replace('_', ' ').capitalize()} column",) for role in ROLES if role != "currency_column"},
    "currency_column": ("Currency column", "عمود العملة", "ستون واحد پول"),
}
SETTING_NAMES["customer"] += ("عمود العميل", "ستون مشتری")
SETTING_NAMES["date"] += ("عمود التاريخ", "ستون تاریخ")
SETTING_NAMES["amount"] += ("عمود المبلغ", "ستون مبلغ")
SETTING_NAMES["order_id"] += ("Order id column", "عمود رقم الطلب", "ستون شماره سفارش")

_LANG = {"en": "en", "english": "en", "ar": "ar", "arabic": "ar", "العربية": "ar", "عربي": "ar",
         "fa": "fa", "persian": "fa", "farsi": "fa", "فارسی": "fa", "auto": None, "": None}
_DATE_ORDER = {"dmy": True, "d/m/y": True, "day/month/year": True, "mdy": False, "m/d/y": False,
               "month/day/year": False, "auto": None, "": None}


def _key(name: object) -> str:
    return re.sub(r"[\s_\-]+", " ", str(name).strip().casefold())


_BY_NAME = {_key(n): key for key, names in SETTING_NAMES.items() for n in names}


@dataclass(frozen=True)
class LiveSettings:
    """What the Settings table asked for.

    Attributes
    ----------
    options : ReportOptions
        The report options (language ``"en"`` when the table leaves it to be detected).
    language_chosen : bool
        Whether the table names a language (otherwise the ribbon detects it from the orders).
    source : str or None
        Where the settings were read, or ``None`` when the workbook has none.
    cells : dict
        Each setting given -> where it is, for messages ("Table 'Settings' ..., row 7").
    """

    options: ReportOptions = field(default_factory=lambda: ReportOptions(door="excel"))
    language_chosen: bool = False
    source: str | None = None
    cells: dict[str, str] = field(default_factory=dict)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        raise InvalidValue(f"{key} must be a number, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    text = _text(value).rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        raise InvalidValue(f"{key} must be a number, got {_text(value)!r}") from None
    return number / 100 if _text(value).endswith("%") else number


def settings_from_rows(rows: list[list[object]], source: str, first_row: int = 2) -> LiveSettings:
    """Options from the rows of a settings table; ``rows[0]`` is its header row and
    ``first_row`` the sheet row of ``rows[1]``.

    Raises
    ------
    InvalidValue, OutOfRange
        An unknown setting, a setting given twice, or a value the option refuses; the
        message names the setting and its row.
    """
    given: dict[str, object] = {}
    cells: dict[str, str] = {}
    for i, row in enumerate(rows[1:]):
        name, value = (list(row) + [None, None])[:2]
        if name is None or not _text(name):
            continue
        where = f"{source}, row {first_row + i}"
        key = _BY_NAME.get(_key(name))
        if key is None:
            known = ", ".join(names[0] for names in SETTING_NAMES.values())
            raise InvalidValue(f"{where}: unknown setting '{_text(name)}'; the settings are: {known}")
        if key in given:
            raise InvalidValue(f"{where}: '{_text(name)}' is given twice (also {cells[key]})")
        if value is None or _text(value) == "":
            continue
        given[key], cells[key] = value, where
    try:
        return LiveSettings(*_options(given), source=source, cells=cells)
    except RetentionError as e:
        key = next((k for k in cells if k in str(e) or k.replace("_", " ") in str(e)), None)
        raise type(e)(f"{cells[key]}: {e}" if key else f"{source}: {e}") from None


def _options(given: dict[str, object]) -> tuple[ReportOptions, bool]:
    roles = ColumnRoles(**{r: _text(given[r]) for r in ROLES if r in given})
    kwargs: dict[str, object] = {"roles": roles}
    if "period" in given:
        kwargs["period"] = _text(given["period"])
    for key in ("window_days", "horizon"):
        if key in given:
            number = _number(key, given[key])
            kwargs[key] = int(number) if number.is_integer() else number
    for key in ("margin", "discount"):
        if key in given:
            kwargs[key] = _number(key, given[key])
    lang = None
    if "lang" in given:
        text = _text(given["lang"]).casefold()
        if text not in _LANG:
            raise InvalidValue(f"lang must be en, ar, fa or auto, got {_text(given['lang'])!r}")
        lang = _LANG[text]
    if lang is not None:
        kwargs["lang"] = lang
    if "date_order" in given:
        text = _text(given["date_order"]).casefold().replace(" ", "")
        if text not in _DATE_ORDER:
            raise InvalidValue(f"date_order must be dmy or mdy (day/month/year or month/day/year), "
                               f"got {_text(given['date_order'])!r}")
        kwargs["dayfirst"] = _DATE_ORDER[text]
    if "currency" in given:
        kwargs["currency"] = _text(given["currency"])
    for key in ("include_statuses", "exclude_statuses"):
        if key in given:
            kwargs[key] = tuple(s.strip() for s in re.split(r"[,;،؛]", _text(given[key])) if s.strip())
    return ReportOptions(**kwargs, door="excel"), lang is not None


def _settings_table(book):
    for ws in book.sheets:
        for table in ws.tables:
            if table.name.casefold() == SETTINGS_TABLE.casefold():
                return ws, table
    return None


def read_settings(book) -> LiveSettings:
    """The report options from ``book``'s Settings table or sheet; defaults when it has none."""
    found = _settings_table(book)
    if found is not None:
        ws, table = found
        rng = table.range
        source = f"Table '{table.name}' on sheet '{ws.name}'"
        rows = rng.options(ndim=2).value
        return settings_from_rows(rows, source, rng.row + 1)
    ws = next((s for s in book.sheets if s.name.strip().casefold() in SETTINGS_SHEETS), None)
    if ws is None:
        return LiveSettings()
    used = ws.used_range
    values = used.options(ndim=2).value
    rows = [(list(r) + [None, None])[:2] for r in values]
    # titles and a header may sit above the settings: they start at the first known name
    first = next((i for i, r in enumerate(rows) if _key(r[0] if r[0] is not None else "") in _BY_NAME), None)
    if first is None:
        return LiveSettings()
    return settings_from_rows([["", ""], *rows[first:]], f"Sheet '{ws.name}'", used.row + first)
