"""Numbers as order exports write them.

Shops, accounting systems and CRMs in the Middle East write numbers with Arabic-Indic
(``٠١٢٣``) or Persian (``۰۱۲۳``) digits, the Arabic decimal separator ``٫`` and thousands
separator ``٬``, a currency mark before or after (``ر.س``, ``تومان``, ``$``, ``SAR``), and
invisible right-to-left marks around the digits. European exports use decimal commas
(``1.234,50``); accounting exports write negatives in parentheses (``(12.00)``) or with a
trailing minus (``12.00-``). This module turns such text into plain numbers.

The functions work element-wise on a Series. For speed, call them on the *distinct* values
of a column and map the result back (this is what :func:`retention_xl.analysis.orders.
clean_orders` does); column-level choices (decimal comma or point) can be weighted by how
often each distinct value occurs.
"""

from __future__ import annotations

import decimal
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from retention_xl.analysis.letters import LETTER_CLASSES, fold_arabic

__all__ = [
    "NumberReading",
    "clean_string",
    "clean_text",
    "currency_code",
    "decide_comma",
    "digit_script",
    "parse_numbers",
    "plain_ascii",
]

_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
# Marks that change how text is displayed but carry no content: LRM, RLM, ALM, the
# embedding/override/isolate controls, zero-width space and the byte-order mark.
_INVISIBLE = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\ufeff"
# Spaces that look like a space: no-break, narrow no-break, figure, thin, ideographic.
_ODD_SPACES = "\u00a0\u202f\u2007\u2009\u3000\t\r\n"

_TEXT_TABLE = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(_ARABIC_INDIC)},
        **{c: str(i) for i, c in enumerate(_PERSIAN)},
        **{c: None for c in _INVISIBLE},
        **{c: " " for c in _ODD_SPACES},
    }
)
# For numbers only: Arabic decimal/thousands separators (and the Arabic comma an Arabic or
# Persian keyboard types for the thousands one: read as a comma is), the minus sign, and the
# zero-width (non-)joiner a Persian keyboard leaves beside digits (part of a word in a name,
# nothing in a number).
_NUMBER_TABLE = str.maketrans({"٫": ".", "٬": ",", "،": ",", "\u2212": "-", "\u2013": "-", "’": "'",
                               "\u200c": None, "\u200d": None})

#: currencies named with their country, as Arabic and Persian write an amount in words
#: (١٠٠ ريال سعودي), by ISO code
_NAMED_CURRENCIES = {
    "ريال سعودي": "sar", "ريال عماني": "omr", "ريال قطري": "qar", "ريال يمني": "yer", "ريال إيراني": "irr",
    "ریال ایران": "irr", "درهم إماراتي": "aed", "درهم مغربي": "mad", "جنيه مصري": "egp", "جنيه سوداني": "sdg",
    "جنيه إسترليني": "gbp", "دينار كويتي": "kwd", "دينار عراقي": "iqd", "دينار أردني": "jod", "دينار بحريني": "bhd",
    "دينار تونسي": "tnd", "دينار جزائري": "dzd", "دينار ليبي": "lyd", "ليرة تركية": "try", "ليرة سورية": "syp",
    "ليرة لبنانية": "lbp", "دولار أمريكي": "usd", "دلار آمریکا": "usd", "دولار كندي": "cad", "دولار أسترالي": "aud",
}
#: the letters Arabic and Persian spell two ways, as the patterns find them
_LETTER_CLASS = {**LETTER_CLASSES, " ": r"\s*"}


def _folded(name: str) -> str:
    return " ".join(fold_arabic(name).split())


_NAMED_CODES = {_folded(k): v for k, v in _NAMED_CURRENCIES.items()}
_NAMED_PATTERNS = sorted({"".join(_LETTER_CLASS.get(ch, ch) for ch in k) for k in _NAMED_CODES}, key=len,
                         reverse=True)

_CURRENCY_WORDS = [
    # Currencies named with their country first: "ريال" alone would leave the country behind.
    *_NAMED_PATTERNS,
    # Arabic and Persian names and abbreviations (dotted ones first: they contain a dot).
    r"ر\.س\.?", r"د\.إ\.?", r"د\.ا\.?", r"د\.ك\.?", r"ر\.ق\.?", r"ر\.ع\.?", r"د\.ب\.?",
    r"ج\.م\.?", r"د\.أ\.?", r"د\.ع\.?", r"ل\.س\.?", r"ل\.ل\.?", r"د\.ت\.?", r"د\.م\.?", r"د\.ج\.?",
    r"ل\.د\.?", r"ر\.ي\.?", r"ج\.س\.?", "ریال", "ريال", "تومان", "تومن", "درهم", "دينار", "دینار", "جنيه",
    "ليرة", "لیر", "دولار", "دلار", "یورو", "يورو",
    # ISO codes and common Latin abbreviations.
    "usd", "eur", "gbp", "sar", "aed", "irr", "irt", "kwd", "qar", "bhd", "omr", "egp",
    "jod", "iqd", "syp", "lbp", "tnd", "mad", "dzd", "lyd", "yer", "sdg", "afn", "try", "chf", "cad", "aud",
    "inr", "rials?", "tomans?", "sr", "dhs?", "us",
]
_CURRENCY_SYMBOLS = "$€£¥₹﷼₺₽¢₪؋"
#: marks that name one currency only, by its ISO code: "SAR 10" and "10 ر.س" are not two
#: currencies. Marks several currencies share (ريال, دينار, $, dhs) stand for themselves;
#: ریال written with the Persian yeh is Iran's rial (the Arabic ريال is also Saudi, Omani ...).
_SAME_CURRENCY = {
    "ریال": "irr",
    "ر.س": "sar", "sr": "sar", "د.إ": "aed", "د.ك": "kwd", "ر.ق": "qar", "ر.ع": "omr", "د.ب": "bhd",
    "ج.م": "egp", "د.ا": "jod", "د.أ": "jod", "د.ع": "iqd", "ل.س": "syp", "ل.ل": "lbp", "د.ت": "tnd",
    "د.م": "mad", "د.ج": "dzd", "ل.د": "lyd", "ر.ي": "yer", "ج.س": "sdg", "؋": "afn",
    "تومان": "irt", "تومن": "irt", "toman": "irt", "tomans": "irt",
    "€": "eur", "یورو": "eur", "يورو": "eur", "£": "gbp", "₹": "inr", "₺": "try", "₪": "ils", "₽": "rub",
}
_CURRENCY = "(?:" + "|".join(_CURRENCY_WORDS) + f"|[{_CURRENCY_SYMBOLS}])"

# A number written with comma thousands and a decimal point (1,234.50) ...
_POINT_STYLE = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+"
# ... or with point thousands and a decimal comma (1.234,50).
_COMMA_STYLE = r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d*)?|,\d+"


@dataclass
class NumberReading:
    """What :func:`parse_numbers` read, aligned with its input.

    Attributes
    ----------
    values : numpy.ndarray
        float64; NaN where the value is blank or could not be read.
    problem : numpy.ndarray
        object; ``None`` or why the value could not be read, as a code
        (``"not_a_number"``, ``"not_finite"`` ...).
    fixed : numpy.ndarray
        object; ``None`` or a per-value correction the user should know about, as a
        code, with the value read after a colon (``"accounting_negative:-12"``).
    decimal_comma : bool
        The text values of the column were read with a decimal comma (``1.234,50``).
    settled_by_table : bool
        The column alone did not settle its separator and was read with the table's decimal
        comma (``comma_hint``): its ``1.000`` is a thousand.
    point_assumed : str or None
        The first value such as ``1.000`` (a point and three digits) read with a decimal
        point when nothing in the column, nor the table's ``comma_hint``, settled whether
        the point separates thousands; ``None`` otherwise.
    votes : tuple of float
        The rows that settle the separator: values only a decimal comma reads, values that
        need a decimal point (written so, and plain ones such as ``12.5``: these counted
        only when they matter, or with ``evidence``), and ``1.000``-like values when
        nothing else settles it. :func:`decide_comma` decides from the votes of several
        slices added up, as :func:`parse_numbers` decides from one column's.
    currencies : list of str
        Currency marks removed from the values, in order of first appearance.
    """

    values: np.ndarray
    problem: np.ndarray
    fixed: np.ndarray
    decimal_comma: bool = False
    currencies: list[str] = field(default_factory=list)
    settled_by_table: bool = False
    point_assumed: str | None = None
    votes: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    @property
    def mixed_currencies(self) -> bool:
        """Whether the marks name more than one currency ("SAR" and "ر.س" are one).

        >>> NumberReading(np.array([]), np.array([]), np.array([]), currencies=["ر.س", "SAR", "sr."]).mixed_currencies
        False
        """
        return len({currency_code(m) for m in self.currencies}) > 1


def currency_code(mark: str) -> str:
    """The currency a mark or code names, as compared: its ISO code in lower case where the
    mark names one currency only, else the mark itself, without case, spaces or a final dot.

    >>> [currency_code(m) for m in ("SAR", " sar ", "ر.س", "ر.س.", "IRR", "ریال", "د.إ", "US$")]
    ['sar', 'sar', 'sar', 'sar', 'irr', 'irr', 'aed', 'us$']
    """
    key = " ".join(clean_string(str(mark)).split()).casefold().rstrip(".")
    return _SAME_CURRENCY.get(key) or _NAMED_CODES.get(_folded(key), key)


def clean_text(values: pd.Series) -> pd.Series:
    """Normalise text the way a reader sees it: ASCII digits, no invisible marks, one space.

    Arabic-Indic and Persian digits become 0-9, right-to-left/left-to-right marks and
    zero-width characters are dropped, no-break and other odd spaces become plain spaces,
    runs of spaces collapse to one, and the ends are stripped. Only values with non-ASCII
    characters go through the character mapping, so plain exports stay fast.

    Parameters
    ----------
    values : pandas.Series
        Text (non-text elements are turned into text with ``str``; missing stays missing).

    Returns
    -------
    pandas.Series
        ``str`` dtype, same index.

    Examples
    --------
    >>> clean_text(pd.Series(["\u200f۱۲۳\u00a0", " ٤٥  6 "])).tolist()
    ['123', '45 6']
    """
    text = values.astype("str") if values.dtype != "str" else values
    foreign = text.str.contains("[^\x00-\x7f]|  |[\t\r\n]", regex=True).fillna(False).to_numpy(dtype=bool)
    if foreign.any():
        fixed = text[foreign].map(clean_string, na_action="ignore")
        text = text.copy()
        text[foreign] = fixed
    return text.str.strip()


def clean_string(text: str) -> str:
    """:func:`clean_text` for one string.

    Examples
    --------
    >>> clean_string("\u200e ۱۴۰۲/۰۱/۱۵ ")
    '1402/01/15'
    """
    return " ".join(part for part in text.translate(_TEXT_TABLE).split(" ") if part)


def digit_script(values: pd.Series) -> str | None:
    """The non-ASCII digits used in ``values``, as a code: "persian", "arabic_indic",
    "persian_and_arabic_indic", or None.

    Examples
    --------
    >>> digit_script(pd.Series(["۱۴۰۲/۰۱/۱۵", "x"]))
    'persian'
    >>> digit_script(pd.Series(["12"])) is None
    True
    """
    if values.dtype != "str":
        if values.dtype.kind in "biufcmM" or isinstance(values.dtype, pd.DatetimeTZDtype):
            return None  # dates or numbers: no text, no digits of a script
        values = values[values.map(lambda v: isinstance(v, str))].astype("str")
    if plain_ascii(values):
        return None  # order numbers, ISO dates: no digits of a script, found without a regex
    text = values.dropna()
    text = text[text.str.contains(f"[{_PERSIAN}{_ARABIC_INDIC}]", regex=True).to_numpy(dtype=bool)]
    if text.empty:
        return None
    persian = bool(text.str.contains(f"[{_PERSIAN}]", regex=True).any())
    arabic = bool(text.str.contains(f"[{_ARABIC_INDIC}]", regex=True).any())
    if persian and arabic:
        return "persian_and_arabic_indic"
    return "persian" if persian else "arabic_indic" if arabic else None


def plain_ascii(values: pd.Series) -> bool:
    """Whether Arrow-backed text is all ASCII (so it has no Persian or Arabic-Indic digit),
    found by Arrow in one pass; ``False`` when that cannot be known so cheaply.

    >>> plain_ascii(pd.Series(["SO-1", None], dtype="str")), plain_ascii(pd.Series(["۱"], dtype="str"))
    (True, False)
    """
    if not isinstance(values.array, pd.arrays.ArrowStringArray):
        return False
    try:  # Arrow holds the text, so it is there; the guard keeps it out of xlwings Lite's requirements
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return False
    return pc.all(pc.string_is_ascii(pa.array(values.array))).as_py() is not False


def _is_number(v: object) -> bool:
    """A real number of any kind: int, float, numpy's, and the ``Decimal`` and ``Fraction``
    that databases and Parquet's decimal columns give for money; not a boolean."""
    return isinstance(v, (numbers.Real, decimal.Decimal)) and not isinstance(v, (bool, np.bool_))


def parse_numbers(values: pd.Series, weights: np.ndarray | None = None, *, comma_hint: bool = False,
                  forced_comma: bool | None = None, evidence: bool = False) -> NumberReading:
    """Read amounts written as numbers or as text in any of the usual export styles.

    Numbers pass through. Text is read with a fast path first (plain ``1234.5``); only the
    values that fail it are normalised: digits to 0-9, ``٫``/``٬`` to ``.``/``,``, currency
    marks and spaces removed, ``(12.00)`` and ``12.00-`` made negative. Whether ``.`` or
    ``,`` is the decimal separator is decided once for the column from the values that
    settle it (``1.234,50`` or ``12,5`` for a comma; ``1,234.50`` or ``12.5`` for a point),
    weighted by ``weights``; a value that only fits the other style is still read and is
    reported in ``fixed``. A column that settles nothing (only ``1.000``-like values beside
    whole numbers) takes the decimal comma when ``comma_hint`` says another amount column of
    the table has one, and otherwise a decimal point, said in ``point_assumed``.

    Parameters
    ----------
    values : pandas.Series
        The (distinct) values of an amount column: numbers, text or both.
    weights : numpy.ndarray, optional
        How many rows carry each value (defaults to 1 each).
    comma_hint : bool
        Another amount column of the same table was read with a decimal comma.
    forced_comma : bool, optional
        The separator decided over the whole table this is a slice of (see
        :func:`decide_comma`): a decimal comma (True) or a point (False).
    evidence : bool
        Count the values with a decimal point in ``votes`` whatever else the column shows,
        for a caller that adds up the votes of several slices.

    Returns
    -------
    NumberReading

    Examples
    --------
    >>> r = parse_numbers(pd.Series(["1,234.50", "(12.00)", "۱۲٬۵۰۰ تومان", "abc", "$7"]))
    >>> r.values.tolist()[:3], r.problem[3], r.fixed[1]
    ([1234.5, -12.0, 12500.0], 'not_a_number', 'accounting_negative:-12')
    >>> parse_numbers(pd.Series(["1.234,50", "12,5"])).values.tolist()
    [1234.5, 12.5]
    >>> parse_numbers(pd.Series(["1.000", "0"]), comma_hint=True).values.tolist()
    [1000.0, 0.0]
    >>> parse_numbers(pd.Series(["1.000", "0"])).point_assumed
    '1.000'
    """
    n = len(values)
    out = np.full(n, np.nan)
    problem = np.full(n, None, dtype=object)
    fixed = np.full(n, None, dtype=object)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    reading = NumberReading(out, problem, fixed)
    if n == 0:
        return reading

    if values.dtype.kind in "iuf":
        out[:] = values.to_numpy(dtype=float, na_value=np.nan)
        bad = np.isinf(out)
        problem[bad] = "not_finite"
        out[bad] = np.nan
        return reading
    if values.dtype.kind == "b":
        problem[:] = "boolean_not_number"
        return reading

    if values.dtype == object:
        kinds = values.map(_is_number).to_numpy(dtype=bool)
        is_text = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        try:
            out[kinds] = values[kinds].astype(float).to_numpy()
        except OverflowError:  # an integer beyond any float: infinite, refused below
            out[kinds] = [float(v) if abs(v) < 1e308 else np.inf for v in values[kinds]]
        infinite = kinds & ~np.isfinite(out)
        problem[infinite] = "not_finite"
        out[infinite] = np.nan
        blank = values.isna().to_numpy()
        other = ~kinds & ~is_text & ~blank
        problem[other] = "not_a_number"
        text_idx = np.flatnonzero(is_text)
        number_cells = w[kinds].sum()
    else:  # str dtype (CSV)
        text_idx = np.flatnonzero(values.notna().to_numpy())
        number_cells = 0.0
    if len(text_idx) == 0:
        _drop_non_finite(reading)
        return reading

    text = values.iloc[text_idx].astype("str").reset_index(drop=True)
    fast = pd.to_numeric(text.str.strip(), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    fast_ok = np.isfinite(fast)
    out[text_idx[fast_ok]] = fast[fast_ok]

    slow_idx = np.flatnonzero(~fast_ok)
    slow = _normalise_number_text(text.iloc[slow_idx].reset_index(drop=True))
    blank_slow = (slow.core == "").to_numpy()
    point = slow.core.str.fullmatch(_POINT_STYLE).to_numpy(dtype=bool)
    comma = slow.core.str.fullmatch(_COMMA_STYLE).to_numpy(dtype=bool)

    # Evidence about the decimal separator, weighted by rows.
    w_text = w[text_idx]
    comma_votes = w_text[slow_idx][comma & ~point].sum()
    slow_points = point_votes = w_text[slow_idx][point & ~comma].sum()
    # a plain 1.000 or 12.345.678: a thousand with a decimal comma, one with a decimal point
    grouped = None
    if comma_votes == 0 and point_votes == 0:
        # cheap first: a point fourth from the end (or spaces around), then the whole shape
        grouped = ((text.str.slice(-4, -3) == ".") | text.str.endswith(" ")).to_numpy(dtype=bool) & fast_ok
        if grouped.any():
            grouped[grouped] = text[grouped].str.strip().str.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+").to_numpy(dtype=bool)
        # the same written with Persian or Arabic digits or a currency mark (۱.۰۰۰ تومان), not
        # with the Arabic decimal sign, which settles it (۱٫۰۰۰ is one)
        slow_grouped = point & comma & slow.core.str.fullmatch(r"\d{1,3}(?:\.\d{3})+").to_numpy(dtype=bool)
        if slow_grouped.any():
            slow_grouped &= ~text.iloc[slow_idx].str.contains("٫", regex=False).to_numpy(dtype=bool)
            grouped[slow_idx[slow_grouped]] = True
    fast_points = 0.0
    if comma_votes > 0 or (grouped is not None and grouped.any()) or evidence:  # only then look for decimal points
        fast_text = text[fast_ok]
        fast_points = w_text[fast_ok][
            fast_text.str.contains(r"\.(?:\d{1,2}|\d{4,})$", regex=True).to_numpy(dtype=bool)
        ].sum()
    if comma_votes > 0 or (grouped is not None and grouped.any()):
        point_votes += fast_points
    grouped_weight = float(w_text[grouped].sum()) if grouped is not None else 0.0
    reading.votes = (float(comma_votes), float(slow_points), float(fast_points), grouped_weight)
    decimal_comma = bool(comma_votes > point_votes)
    if grouped is not None and grouped.any() and point_votes == 0:  # nothing in the column settles it
        if comma_hint:
            decimal_comma = reading.settled_by_table = True
        else:
            reading.point_assumed = str(text[grouped].iloc[0]).strip()
    if forced_comma is not None:  # decided over the whole table this is a slice of
        decimal_comma = forced_comma
        reading.settled_by_table = False
        if decimal_comma or not (grouped is not None and grouped.any()):
            reading.point_assumed = None
        elif reading.point_assumed is None:
            reading.point_assumed = str(text[grouped].iloc[0]).strip()
    reading.decimal_comma = decimal_comma

    if decimal_comma:
        # Plain-looking values such as 1.234 are thousands in a decimal-comma column.
        grouped = text.str.strip().str.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+").to_numpy(dtype=bool) & fast_ok
        idx = text_idx[grouped]
        out[idx] = pd.to_numeric(text[grouped].str.replace(".", "", regex=False)).to_numpy(dtype=float)
        odd = fast_ok & ~grouped & text.str.contains(".", regex=False).to_numpy(dtype=bool)
        fixed[text_idx[odd]] = "decimal_point_in_comma_column"

    # the Arabic separators say which is which (١٬٢٥٠ is 1,250, ۱٫۵ is 1.5) whatever the column's style
    arabic = point & text.iloc[slow_idx].str.contains("[٫٬]", regex=True).to_numpy(dtype=bool)
    if decimal_comma:
        mine, theirs, as_comma = (comma & ~arabic) | arabic, point & ~arabic, comma & ~arabic
    else:
        mine, theirs, as_comma = point, comma, ~point & comma
    core = slow.core.where(~as_comma, slow.core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    core = core.where(as_comma, core.str.replace(",", "", regex=False))
    number = pd.to_numeric(core.where(mine | theirs, ""), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    number = np.where(slow.negative.to_numpy(dtype=bool), -number, number)
    dash = slow.dash.to_numpy(dtype=bool)
    number[dash] = 0.0

    target = text_idx[slow_idx]
    ok = np.isfinite(number)
    out[target[ok]] = number[ok]
    unreadable = ~ok & ~blank_slow
    problem[target[unreadable]] = "not_a_number"
    notes = np.full(len(slow_idx), None, dtype=object)
    other_style = ok & ~mine & theirs
    notes[other_style] = "decimal_point_in_comma_column" if decimal_comma else "decimal_comma_in_point_column"
    paren = ok & slow.parens.to_numpy(dtype=bool)
    notes[paren] = [f"accounting_negative:{_fmt(v)}" for v in number[paren]]
    trailing = ok & slow.trailing_minus.to_numpy(dtype=bool)
    notes[trailing] = [f"trailing_minus:{_fmt(v)}" for v in number[trailing]]
    notes[ok & dash] = "dash_zero"
    fixed[target] = np.where(notes != None, notes, fixed[target])  # noqa: E711
    if number_cells > w_text.sum():  # mostly real numbers: the text ones are worth a word
        as_text = text_idx[np.isfinite(out[text_idx])]
        fixed[as_text] = np.where(fixed[as_text] == None, "number_as_text", fixed[as_text])  # noqa: E711
    reading.currencies = [c for c in dict.fromkeys(slow.currency.dropna().tolist()) if c]
    return reading


def decide_comma(votes: tuple[float, float, float, float], comma_hint: bool) -> tuple[bool, bool]:
    """The decimal separator of a column from its :attr:`NumberReading.votes` (added up over
    the slices of a table, each counted with ``evidence``), as :func:`parse_numbers`
    decides for one: whether it is a comma, and whether nothing settled it (``1.000``
    beside whole numbers; then a comma only with ``comma_hint``).

    >>> decide_comma((0, 0, 0, 3), comma_hint=False), decide_comma((0, 0, 0, 3), comma_hint=True)
    ((False, True), (True, True))
    >>> decide_comma((5, 1, 2, 0), comma_hint=False)
    (True, False)
    """
    comma, slow_points, fast_points, grouped = votes
    if comma > 0:
        return comma > slow_points + fast_points, False
    if slow_points > 0:
        return False, False
    if grouped > 0:
        return (comma_hint, True) if fast_points == 0 else (False, False)
    return False, False


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e15 else repr(v)


def _drop_non_finite(reading: NumberReading) -> None:
    bad = np.isinf(reading.values)
    reading.problem[bad] = "not_finite"
    reading.values[bad] = np.nan


@dataclass
class _NumberText:
    core: pd.Series  # digits and separators only
    negative: pd.Series
    parens: pd.Series
    trailing_minus: pd.Series
    dash: pd.Series
    currency: pd.Series


def _normalise_number_text(text: pd.Series) -> _NumberText:
    t = clean_text(text).str.translate(_NUMBER_TABLE)
    currency = t.str.extract(f"(?i)({_CURRENCY})", expand=False)
    t = t.str.lower()
    t = t.str.replace(_CURRENCY, " ", regex=True).str.strip()
    parens = t.str.fullmatch(r"\(.*\)")
    t = t.where(~parens, t.str.slice(1, -1).str.strip())
    trailing = t.str.fullmatch(r"[^-]*\d[^-]*-")
    t = t.where(~trailing, t.str.slice(0, -1))
    t = t.str.strip()
    # A currency mark between the sign and the digits ("-$12") was removed above.
    leading = t.str.match(r"-\s*\S")
    t = t.where(~leading, t.str.slice(1))
    t = t.where(~t.str.startswith("+"), t.str.slice(1)).str.strip()
    dash = t.str.fullmatch(r"-+") & ~parens
    # Thousands written with spaces or apostrophes: 1 234 567 / 1'234'567.
    t = t.str.replace(r"(\d)[ '](\d)", r"\1\2", regex=True).str.replace(r"(\d)[ '](\d)", r"\1\2", regex=True)
    negative = parens | trailing | leading
    return _NumberText(
        core=t,
        negative=negative,
        parens=parens & ~leading,
        trailing_minus=trailing & ~leading,
        dash=dash,
        currency=currency.where(currency.notna(), None),
    )
