"""The ribbon's report options, read from a Settings table in the workbook.

A ribbon user has no command-line flags; the same choices (columns, period, language,
margin ...) are rows of a two-column table: an Excel Table named ``Settings`` on any
sheet, else the first two columns of a sheet named *Settings* (or its Arabic or Persian
name). Each row is a setting and its value; a blank value keeps the default (detect the
column, the period of a month ...). Settings may be named in English, Arabic or Persian,
ignoring case and spaces. Numbers are read as the report reads amounts (Arabic-Indic and
Persian digits, ``٫``), a percent sign (``%``, ``٪``) meaning hundredths for the margin and
the discount; periods may be written as words in any of the three languages.

The result is a :class:`~retention_xl.options.ReportOptions`, checked like every other
door's. A value the report cannot use is a :class:`SettingProblem`: one line naming the
setting as the user wrote it and its cell, in the language of the settings sheet (its
name, or the names of its settings), e.g. ``cell B3 of sheet 'Settings': 'Activity window
(days)' must be a number, got '90 days'``.

Examples
--------
>>> rows = [["Setting", "Value"], ["Period", "Q"], ["Customer column", "Email"], ["Margin", "٣٠٪"]]
>>> found = settings_from_rows(rows, "Settings", first_row=4, table="Settings")
>>> found.options.period, found.options.roles.customer, found.options.margin
('Q', 'Email', 0.3)
>>> found.cells["margin"], found.lang
("cell B6 of sheet 'Settings'", 'en')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from retention_xl.analysis.kpis import MAX_WINDOW_DAYS, PERIOD_MAX_DAYS
from retention_xl.analysis.letters import fold_word
from retention_xl.analysis.numerals import parse_numbers
from retention_xl.analysis.periods import normalise_period
from retention_xl.errors import InvalidValue, RetentionError, UnknownColumn
from retention_xl.excel.live_orders import source_text
from retention_xl.input_sheets import INPUT_SHEETS, INPUT_TABLES
from retention_xl.labels import label
from retention_xl.options import ROLES, ColumnRoles, ReportOptions
from retention_xl.sources.orders_sheet import named_sheet, same_sheet_name
from retention_xl.sources.table_shape import column_letter

__all__ = ["SETTINGS_TABLE", "SETTING_NAMES", "LiveSettings", "SettingProblem", "read_settings",
           "setting_name", "settings_from_rows"]

SETTINGS_TABLE = INPUT_TABLES["settings"]

#: each setting's key and the names a user may give it (en, ar, fa), first = the template's
SETTING_NAMES: dict[str, tuple[str, ...]] = {
    "period": ("Period", "الفترة", "دوره"),
    "window_days": ("Activity window (days)", "Activity window", "نافذة النشاط (أيام)", "بازه‌ی فعالیت (روز)"),
    "lang": ("Language", "اللغة", "زبان"),
    "calendar": ("Calendar", "التقويم", "تقویم"),
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
SETTING_NAMES["customer_fallback"] += ("عمود العميل البديل", "ستون جایگزین مشتری")
SETTING_NAMES["quantity"] += ("عمود الكمية", "ستون تعداد")
SETTING_NAMES["unit_price"] += ("عمود سعر الوحدة", "ستون قیمت واحد")
SETTING_NAMES["status"] += ("عمود الحالة", "ستون وضعیت")
SETTING_NAMES["refund"] += ("عمود الاسترداد", "ستون بازپرداخت")

_LANG = {"en": "en", "english": "en", "ar": "ar", "arabic": "ar", "العربية": "ar", "عربي": "ar", "عربی": "ar",
         "fa": "fa", "persian": "fa", "farsi": "fa", "فارسی": "fa", "فارسي": "fa", "الفارسية": "fa",
         "الإنجليزية": "en", "انگلیسی": "en", "auto": None, "تلقائي": None, "خودکار": None, "": None}
_CALENDAR = {"auto": "auto", "": "auto", "تلقائي": "auto", "خودکار": "auto",
             "gregorian": "gregorian", "ميلادي": "gregorian", "میلادی": "gregorian",
             "jalali": "jalali", "persian": "jalali", "shamsi": "jalali", "solar hijri": "jalali",
             "هجري شمسي": "jalali", "شمسي": "jalali", "جلالي": "jalali", "هجری شمسی": "jalali", "شمسی": "jalali",
             "جلالی": "jalali"}
_DATE_ORDER = {"dmy": True, "d/m/y": True, "day/month/year": True, "mdy": False, "m/d/y": False,
               "month/day/year": False, "auto": None, "": None, "يوم/شهر/سنة": True, "روز/ماه/سال": True,
               "شهر/يوم/سنة": False, "ماه/روز/سال": False, "تلقائي": None, "خودکار": None}


#: what a setting's name may add or drop as users type it: spaces, _ and -, the Persian
#: half-space (ZWNJ) and joiner, direction marks, the kashida, a final colon
_IGNORED = re.compile(r"[\s_\-\u200c\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u0640]+")
#: the Persian ezafe written on a final heh (``حاشیهٔ``, ``حاشیۀ``), as ``حاشیه‌ی`` spells it
_EZAFE = re.compile("\u0647\u0654|\u06c0")


def _key(name: object) -> str:
    """A setting's name, or a word among its values, as compared (see :data:`_IGNORED`; the
    letters as :func:`~retention_xl.analysis.letters.fold_word` spells them, so a name typed
    without its hamza, with ``ه`` for ``ة`` or on an Arabic keyboard is the same name).

    >>> _key("حاشیه ی سود") == _key("حاشیه‌ی سود") == _key("حاشيه‌ي سود:") == _key("حاشیهٔ سود")
    True
    >>> _key("افق التنبؤ (اشهر)") == _key("أفق التنبؤ (أشهر)"), _key("\u200fMargin:") == _key("margin")
    (True, True)
    """
    text = _EZAFE.sub("\u0647\u06cc", str(name).casefold())
    return _IGNORED.sub("", fold_word(text).strip().rstrip(":：").strip())


_BY_NAME = {_key(n): key for key, names in SETTING_NAMES.items() for n in names}
_LANG_KEYS = {_key(word): lang for word, lang in _LANG.items()}
_DATE_ORDER_KEYS = {_key(word): dayfirst for word, dayfirst in _DATE_ORDER.items()}
_CALENDAR_KEYS = {_key(word): calendar for word, calendar in _CALENDAR.items()}


class SettingProblem(InvalidValue):
    """A setting the report cannot use, worded for the ribbon in the settings sheet's language.

    Attributes
    ----------
    option : str
        The setting's key (``"window_days"``, ``"customer"`` ...), as :data:`SETTING_NAMES` has it;
        ``None`` for a setting the report does not know.
    setting : str
        Its name as the user wrote it.
    cell : str
        Where it is (``"cell B3 of sheet 'Settings'"``), in ``lang``.
    lang : {"en", "ar", "fa"}
        The language of the settings sheet, which the message is in.
    """

    def __init__(self, reason: str, *, option: str | None, setting: str, cell: str, lang: str):
        super().__init__(reason, option=option)
        self.setting, self.cell, self.lang = setting, cell, lang


@dataclass(frozen=True)
class LiveSettings:
    """What the Settings table asked for.

    Attributes
    ----------
    options : ReportOptions
        The report options (language ``"en"`` when the table leaves it to be detected).
    language_chosen : bool
        Whether the table names a language (otherwise the ribbon detects it from the orders).
    sheet : str or None
        The sheet the settings were read from, or ``None`` when the workbook has none.
    table : str or None
        The name of their Table, when they are one.
    cells : dict
        Each setting given -> the cell of its value, for messages ("cell B7 of sheet 'Settings'").
    names : dict
        Each setting given -> its name as written ("Activity window", "عمود العميل").
    lang : {"en", "ar", "fa"}
        The language the settings are written in: their sheet's name, else their names.
    """

    options: ReportOptions = field(default_factory=lambda: ReportOptions(door="excel"))
    language_chosen: bool = False
    sheet: str | None = None
    table: str | None = None
    cells: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    lang: str = "en"

    def source_in(self, lang: str) -> str | None:
        """Where the settings were read, in ``lang`` (``"Table 'Settings' on sheet 'Setup'"``)."""
        return None if self.sheet is None else source_text(lang, self.sheet, table=self.table)

    @property
    def source(self) -> str | None:
        """Where the settings were read, in their own language (:attr:`lang`), as their messages are."""
        return self.source_in(self.lang)

    def problem(self, key: str, what: str, **values: object) -> SettingProblem:
        """The setting ``key`` given here cannot be used: ``what`` is the label (``settings.<what>``)."""
        return SettingProblem(label(self.lang, f"settings.{what}", where=self.cells[key], setting=self.names[key],
                                    **values), option=key, setting=self.names[key], cell=self.cells[key],
                              lang=self.lang)

    def unknown_column(self, err: UnknownColumn) -> SettingProblem | None:
        """A column named here is not in the orders: the message names the setting and its cell."""
        if err.role not in self.cells:
            return None
        columns = ", ".join(f"'{c}'" for c in err.columns[:30]) + (", ..." if len(err.columns) > 30 else "")
        return self.problem(err.role, "column", name=err.name, columns=columns)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: object, percent: bool = False) -> float | None:
    """``value`` as a number (any digits, ``٫``), or ``None``; with ``percent``, ``30%`` and
    ``٣٠٪`` are 0.3.

    >>> _number("٠٫٣"), _number("٣٠٪", percent=True), _number("30%"), _number("90 days")
    (0.3, 0.3, None, None)
    """
    if isinstance(value, (bool, dt.date, dt.datetime)):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    text = _text(value)
    hundredths = text.endswith(("%", "٪"))
    if hundredths:
        if not percent:
            return None
        text = text[:-1].strip()
    reading = parse_numbers(pd.Series([text], dtype=object))
    number = float(reading.values[0])
    if reading.problem[0] is not None or not math.isfinite(number):
        return None
    return number / 100 if hundredths else number


def settings_from_rows(rows: list[list[object]], sheet: str, first_row: int = 2, *, first_column: int = 1,
                       table: str | None = None) -> LiveSettings:
    """Options from the rows of a settings table on ``sheet``; ``rows[0]`` is its header row,
    ``first_row`` the sheet row of ``rows[1]`` and ``first_column`` the sheet column of the
    names (the values are in the next one); ``table`` is the Excel Table's name, if any.

    Raises
    ------
    SettingProblem
        An unknown setting, a setting given twice, or a value the option refuses; the
        message names the setting as written and its cell, in the settings' language.
    """
    named = [(i, row[0]) for i, row in enumerate(rows[1:]) if row and row[0] is not None and _text(row[0])]
    lang = _language(sheet, [_text(n) for _, n in named])

    def cell(i: int, column: int) -> str:
        letters = f"{column_letter(first_column + column)}{first_row + i}"
        return label(lang, "settings.cell", cell=letters, sheet=sheet)

    given: dict[str, object] = {}
    cells: dict[str, str] = {}
    names: dict[str, str] = {}
    for i, name in named:
        value = (list(rows[1 + i]) + [None, None])[1]
        key = _BY_NAME.get(_key(name))
        if key is None:
            known = label(lang, "list.join").join(_names_in(lang))
            raise SettingProblem(label(lang, "settings.unknown", where=cell(i, 0), setting=_text(name), known=known),
                                 option=None, setting=_text(name), cell=cell(i, 0), lang=lang)
        if key in names:
            raise SettingProblem(label(lang, "settings.twice", where=cell(i, 0), setting=_text(name),
                                       other=names[key]), option=key, setting=_text(name), cell=cell(i, 0), lang=lang)
        names[key] = _text(name)
        if value is None or _text(value) == "":
            continue
        given[key], cells[key] = value, cell(i, 1)
    found = LiveSettings(sheet=sheet, table=table, cells=cells, names=names, lang=lang)
    try:
        return LiveSettings(*_options(given), sheet=sheet, table=table, cells=cells, names=names, lang=lang)
    except RetentionError as e:
        key = _OPTION_KEYS.get(e.option, e.option)
        if key not in cells:
            raise
        raise _problem(found, key, given, e) from e


#: the API's option names that a setting of another key sets
_OPTION_KEYS = {"dayfirst": "date_order"}


def _local(names: tuple[str, ...], lang: str) -> str:
    """The name of a setting in ``lang``: of its names in Arabic script the first is Arabic,
    the second Persian; English (the template's) where it has no name in ``lang``."""
    script = [n for n in names if _arabic_script(n)]
    if lang == "ar" and script:
        return script[0]
    if lang == "fa" and len(script) > 1:
        return script[-1]
    return names[0]


def setting_name(key: str, lang: str) -> str:
    """The name of the setting ``key`` in ``lang``, as the template writes it there.

    >>> setting_name("customer", "en"), setting_name("customer", "ar"), setting_name("date", "fa")
    ('Customer column', 'عمود العميل', 'ستون تاریخ')
    """
    return _local(SETTING_NAMES[key], lang)


def _arabic_script(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def _names_in(lang: str) -> list[str]:
    """Each setting's name in ``lang``, for the list of settings."""
    return [_local(names, lang) for names in SETTING_NAMES.values()]


def _language(sheet: str, names: list[str]) -> str:
    """The language of a settings sheet: its name's (الإعدادات, تنظیمات), else that of the
    first setting written in Arabic or Persian, else English.

    >>> _language("Settings", ["Period", "دوره"]), _language("الإعدادات", ["Period"])
    ('fa', 'ar')
    """
    for lang, name in INPUT_SHEETS["settings"].items():
        if same_sheet_name(sheet, name):
            if lang != "en":
                return lang
    for name in names:
        key = _BY_NAME.get(_key(name))
        if key is not None and _arabic_script(name):
            return "fa" if _key(_local(SETTING_NAMES[key], "fa")) == _key(name) else "ar"
    return "en"


def _problem(found: LiveSettings, key: str, given: dict[str, object], err: RetentionError) -> SettingProblem:
    """``err`` (the options' own message) worded for the settings sheet."""
    value = _text(given[key])
    if key in ("window_days", "horizon", "margin", "discount") \
            and _number(given[key], percent=key in ("margin", "discount")) is None:
        return found.problem(key, "number", value=value)
    if key == "window_days":
        period = normalise_period(_text(given.get("period", "M")) or "M")
        return found.problem(key, "whole", low=PERIOD_MAX_DAYS[period], high=MAX_WINDOW_DAYS, value=value)
    if key == "horizon":
        return found.problem(key, "whole", low=1, high=1200, value=value)
    if key in ("margin", "discount", "period", "lang", "date_order", "calendar"):
        return found.problem(key, key, value=value)
    return found.problem(key, "invalid", value=value, reason=str(err))


def _options(given: dict[str, object]) -> tuple[ReportOptions, bool]:
    roles = ColumnRoles(**{r: _text(given[r]) for r in ROLES if r in given})
    kwargs: dict[str, object] = {"roles": roles}
    if "period" in given:
        kwargs["period"] = _text(given["period"])
    for key in ("window_days", "horizon", "margin", "discount"):
        if key in given:
            number = _number(given[key], percent=key in ("margin", "discount"))
            if number is None:
                raise InvalidValue(f"{key} must be a number, got {_text(given[key])!r}", option=key)
            kwargs[key] = int(number) if key in ("window_days", "horizon") and number.is_integer() else number
    lang = None
    if "lang" in given:
        text = _key(_text(given["lang"]))
        if text not in _LANG_KEYS:
            raise InvalidValue(f"lang must be en, ar, fa or auto, got {_text(given['lang'])!r}", option="lang")
        lang = _LANG_KEYS[text]
    if lang is not None:
        kwargs["lang"] = lang
    if "date_order" in given:
        text = _key(_text(given["date_order"]))
        if text not in _DATE_ORDER_KEYS:
            raise InvalidValue(f"date_order must be dmy or mdy (day/month/year or month/day/year), "
                               f"got {_text(given['date_order'])!r}", option="date_order")
        kwargs["dayfirst"] = _DATE_ORDER_KEYS[text]
    if "calendar" in given:
        text = _key(_text(given["calendar"]))
        if text not in _CALENDAR_KEYS:
            raise InvalidValue(f"calendar must be gregorian, jalali or auto, got {_text(given['calendar'])!r}",
                               option="calendar")
        kwargs["calendar"] = _CALENDAR_KEYS[text]
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
        rows = rng.options(ndim=2).value
        if table.show_totals:  # its Total Row ('Total' under the names) is no setting
            rows = rows[:-1]
        # the cell named in messages; a host whose ranges do not say their column (a stand-in): A
        return settings_from_rows(rows, ws.name, rng.row + 1, first_column=getattr(rng, "column", 1),
                                  table=table.name)
    name = named_sheet([s.name for s in book.sheets], "settings")
    if name is None:
        return LiveSettings()
    ws = book.sheets[name]
    used = ws.used_range
    grid = [list(r) for r in used.options(ndim=2).value]
    width = max((len(r) for r in grid), default=0)
    # the names are in the column holding the most known names (titles may sit beside or above)
    counts = [sum(1 for r in grid if c < len(r) and _known(r[c])) for c in range(width)]
    column = max(range(width), key=lambda c: counts[c], default=None) if any(counts) else None
    if column is None:  # no known name: rows that look like settings are told, not passed over
        column = next((c for c in range(width) if any(_setting_like(_pair(r, c)) for r in grid)), None)
        if column is None:
            return LiveSettings()
    rows = [_pair(r, column) for r in grid]
    first = next((i for i, r in enumerate(rows) if _known(r[0]) or _setting_like(r)), None)
    if first is None:
        return LiveSettings()
    return settings_from_rows([["", ""], *rows[first:]], ws.name, used.row + first, first_column=used.column + column)


#: a header row's words above the settings on a Settings sheet (Setting | Value)
_HEADER_WORDS = {_key(w) for w in ("Setting", "Settings", "Name", "Option", "الإعداد", "الإعدادات", "تنظیم", "تنظیمات")}


def _pair(row: list[object], column: int) -> list[object]:
    return (list(row) + [None, None])[column:column + 2] if column < len(row) else [None, None]


def _known(name: object) -> bool:
    return name is not None and _key(name) in _BY_NAME


def _setting_like(pair: list[object]) -> bool:
    """A row that reads as a setting, known or not: a name and a value beside it, and not
    the header's words (Setting | Value)."""
    name, value = pair
    return (name is not None and bool(_text(name)) and not _is_number_text(name) and value is not None
            and bool(_text(value)) and _key(name) not in _HEADER_WORDS)


def _is_number_text(value: object) -> bool:
    return isinstance(value, (int, float)) or bool(re.fullmatch(r"[\d\s.,]+", _text(value)))
