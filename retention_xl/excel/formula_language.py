"""The language a spilling formula writes its headers and words in: ``"en"``, ``"ar"`` or ``"fa"``.

A formula cannot ask the workbook for a setting without slowing every recalculation, so it
takes the language from what it is handed:

1. its optional last argument, ``language``: ``"en"``, ``"ar"`` or ``"fa"`` (blank or
   ``"auto"``: as below);
2. else the headings inside the ranges it was given (a whole column, ``A:A``, starts with
   the table's heading): text among the first rows that names a column the report knows
   (``Customer``, ``تاريخ الطلب``, ``کد مشتری``), or stands above the first number or
   date; their language is the report's (:func:`~retention_xl.analysis.text_language.report_language`);
3. else, with no heading (a Table column such as ``Orders[Customer]``), the data's own
   script: text in Arabic letters means Arabic, or Persian when it has a letter or word
   only Persian uses; Persian digits (``۱۴۰۳/۰۱/۱۵``) mean Persian, Arabic-Indic digits
   Arabic;
4. else Persian when the order dates were written in the Jalali calendar (``1403/01/15``);
5. else English.

Only the spilled words follow it. An error's reason stays English: it names the
arguments as the function wizard and the imported VBA module show them (English
identifiers in every Excel), and only classic xlwings shows a reason at all; xlwings Lite
and Server show the bare code (``#VALUE!``), the same in every language.

>>> formula_language(None, [["Customer"], ["C1"]])
'en'
>>> formula_language(None, [["رقم العميل"], ["C1"]])
'ar'
>>> formula_language(None, [["علی رضایی"], ["C1"]])
'fa'
>>> formula_language(None, [["C1"]], [["۱۴۰۳/۰۱/۱۵"]])
'fa'
>>> formula_language("AR", [["Customer"]])
'ar'
>>> formula_language(None, [["C1"]], [["1403/01/15"]], jalali=True)
'fa'
"""

from __future__ import annotations

from typing import Any

from retention_xl.analysis.columns import ROLE_ORDER, names_role
from retention_xl.analysis.text_language import report_language
from retention_xl.errors import InvalidValue
from retention_xl.excel.cells import text
from retention_xl.labels import LANGUAGES

__all__ = ["formula_language"]

#: how far down a range its heading is looked for (a title and hints may stand above it)
HEADING_ROWS = 10
#: how many cells of each range are read for the data's script
SAMPLE_CELLS = 200
_PERSIAN_DIGITS = frozenset("۰۱۲۳۴۵۶۷۸۹")
_ARABIC_DIGITS = frozenset("٠١٢٣٤٥٦٧٨٩")


def _first_cells(x: Any, n: int) -> list[Any]:
    """The first ``n`` cells of a range in reading order (a one-cell range is its value)."""
    if not isinstance(x, (list, tuple)):
        return [x]
    out: list[Any] = []
    for row in x:
        out.extend(row if isinstance(row, (list, tuple)) else [row])
        if len(out) >= n:
            break
    return out[:n]


def _names_a_column(text: str) -> bool:
    return any(names_role(text, role) for role in ROLE_ORDER)


def _headings(cells: list[Any]) -> list[str]:
    """The heading texts among a range's first cells: a known column name, or text above
    the first number or date."""
    top = cells[:HEADING_ROWS]
    first_value = next((i for i, c in enumerate(top)
                        if c is not None and not isinstance(c, (str, bool))), None)
    return [c for i, c in enumerate(top) if isinstance(c, str) and c.strip()
            and ((first_value is not None and i < first_value) or _names_a_column(c))]


def formula_language(choice: Any, *ranges: Any, jalali: bool = False) -> str:
    """The language of a formula's spilled words (see the module's description); an
    unknown ``choice`` is ``#VALUE!``, an error value in it is passed on. ``jalali``: the
    order dates among ``ranges`` were read as Jalali dates."""
    code = text(choice, "language", "auto").lower()  # an error value is passed on
    if code != "auto":
        if code not in LANGUAGES:
            raise InvalidValue(f'language must be en, ar or fa (or blank), got "{code}"')
        return code
    samples = [_first_cells(x, SAMPLE_CELLS) for x in ranges if x is not None]
    headings = [h for cells in samples for h in _headings(cells)]
    if headings:
        return report_language(headings)
    texts = [c for cells in samples for c in cells if isinstance(c, str)]
    arabic_script = [t for t in texts if any(ch.isalpha() and "\u0600" <= ch <= "\u06ff" for ch in t)]
    if arabic_script:
        return report_language([], arabic_script, right_to_left=True)
    digits = {ch for t in texts for ch in t if ch in _PERSIAN_DIGITS or ch in _ARABIC_DIGITS}
    if digits & _PERSIAN_DIGITS:
        return "fa"
    if digits:
        return "ar"
    return "fa" if jalali else "en"
