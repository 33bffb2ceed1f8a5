"""One input column as codes into its distinct values: what is blank, how cells read as
text, and customer keys.

Every per-value step of the cleaning (orders, survey answers, contact logs) works on the
distinct values of a column and spreads the result over the rows through ``codes``, so a
million rows with a few thousand distinct values cost little more than the distinct
values.

Examples
--------
>>> col = ColumnValues.of(pd.Series(["a", "", "N/A", "a"]))
>>> col.codes.tolist(), col.missing_rows().tolist()
([0, 1, 2, 0], [False, True, True, False])
>>> customer_keys(ColumnValues.of(pd.Series(["Ann@X.com", "ann@x.com", " ۱۲۳ "])))[0].tolist()
['ann@x.com', 'ann@x.com', '123']
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retention_xl.analysis.letters import ARABIC_KEYBOARD, KEY_LETTERS
from retention_xl.analysis.numerals import clean_text

__all__ = ["BLANK", "EMAIL", "NULL_TEXT", "TOTALS_LABELS", "ColumnValues", "as_id", "cell_text", "clean_ids", "customer_keys", "email_case_example", "email_spellings", "first_spellings", "id_codes", "id_texts", "key_text", "keyboard_letters", "plain_values", "row_keys", "row_texts", "shown_ids", "totals_rows", "typed_digits"]

#: a cell holding only spaces and invisible marks
BLANK = "[ \t\r\n\x0b\x0c\u00a0\u202f\u2007\u2009\u3000\u200b\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]*"
#: text that means "no value"
NULL_TEXT = {"nan", "none", "null", "n/a", "#n/a", "na", "nil", "-", "--"}
#: spellings of those words that are people's names (Nan, Nil, Na), not a program's blank
NAMES_NOT_NULL = {"Nan", "Nil", "Na"}


@dataclass
class ColumnValues:
    """One input column as codes into its distinct values."""

    codes: np.ndarray  # -1 for missing
    uniques: pd.Series
    counts: np.ndarray
    blank: np.ndarray  # per distinct value: empty, or only spaces and invisible marks
    null: np.ndarray  # per distinct value: blank, or text such as "N/A", "null", "-"

    @classmethod
    def of(cls, values: pd.Series) -> ColumnValues:
        values = plain_values(values)
        try:
            codes, uniques = _sorted_runs(values) or pd.factorize(values, use_na_sentinel=True)
        except TypeError:  # lists or dicts in a DataFrame's column: compared as their text
            values = values.map(lambda v: v if _hashable(v) else str(v), na_action="ignore")
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        uniques = pd.Series(np.asarray(uniques, dtype=object) if values.dtype == object else uniques)
        counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
        blank = np.zeros(len(uniques), bool)
        null = blank.copy()
        if len(uniques) and (values.dtype == object or values.dtype == "str"):
            if values.dtype == "str":
                is_text = np.ones(len(uniques), bool)
                text = uniques
            else:
                is_text = uniques.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
                text = uniques[is_text].astype("str")
            blank[is_text] = text.str.fullmatch(BLANK).to_numpy(dtype=bool)
            short = text.str.len().to_numpy() <= 5
            stripped = text[short].str.strip()
            null[np.flatnonzero(is_text)[short]] = (stripped.str.lower().isin(NULL_TEXT)
                                                    & ~stripped.isin(NAMES_NOT_NULL)).to_numpy()
            null |= blank
        return cls(codes, uniques, counts, blank, null)

    def missing_rows(self, null_text: bool = True) -> np.ndarray:
        empty = self.null if null_text else self.blank
        return (self.codes < 0) | (empty[np.maximum(self.codes, 0)] if len(empty) else False)

    def spread(self, per_unique: np.ndarray, fill: object) -> np.ndarray:
        """A per-distinct-value array spread over the rows (``fill`` for missing cells)."""
        if not len(self.uniques):
            return np.full(len(self.codes), fill, dtype=object)
        out = np.asarray(per_unique, dtype=object)[np.maximum(self.codes, 0)]
        out[self.codes < 0] = fill
        return out

    def text(self, rows: np.ndarray) -> np.ndarray:
        """The original cells of ``rows`` as text, at most 100 characters."""
        codes = self.codes[rows]
        used = np.unique(codes[codes >= 0])
        shown = np.full(len(self.uniques), "", dtype=object)
        shown[used] = [cell_text(v) for v in self.uniques.iloc[used]]
        return np.where(codes >= 0, shown[np.maximum(codes, 0)] if len(shown) else "", "")


def plain_values(values: pd.Series) -> pd.Series:
    """A column in the types the cleaning reads, whatever pandas dtype a DataFrame gave it:
    text (``string``, ``string[pyarrow]``, Arrow strings, categories of text) as pandas'
    default string dtype, so a blank or "N/A" cell is missing in any of them; categories as
    their values (a category of numbers as numbers); Arrow dates as datetimes in seconds (a
    year before 1677 stays that year); Arrow lists and structures as Python objects.

    >>> plain_values(pd.Series(["a", None, ""], dtype="string[pyarrow]")).dtype == "str"
    True
    >>> plain_values(pd.Series([17850.0, None]).astype("category")).tolist()
    [17850.0, nan]
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        kind = dtype.categories.dtype
        if kind == "str" or kind == object or isinstance(kind, pd.StringDtype):
            return plain_values(values.astype(kind))
        return pd.Series(np.asarray(values), index=values.index, name=values.name)
    if isinstance(dtype, pd.StringDtype):
        return values if dtype == "str" else values.astype("str")
    if isinstance(dtype, pd.ArrowDtype):
        try:
            import pyarrow as pa
        except ImportError:  # pragma: no cover - an Arrow column needs pyarrow
            return values
        kind = dtype.pyarrow_dtype
        if pa.types.is_dictionary(kind):
            kind = kind.value_type
            values = values.astype(pd.ArrowDtype(kind))
        if pa.types.is_string(kind) or pa.types.is_large_string(kind) or getattr(pa.types, "is_string_view", bool)(kind):
            return values.astype("str")
        if pa.types.is_date(kind):
            stamps = pa.array(values).cast(pa.timestamp("s")).to_pandas(coerce_temporal_nanoseconds=False)
            return pd.Series(stamps.to_numpy(), index=values.index, name=values.name)
        if pa.types.is_nested(kind):
            return pd.Series(values.to_numpy(dtype=object), index=values.index, name=values.name)
    return values


def _hashable(v: object) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def _sorted_runs(values: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """``pd.factorize(values)`` of a column already in order (order ids, dates: exports
    are usually sorted by them), found by comparing neighbours instead of hashing every
    value: the same codes and distinct values. Text in ascending order, whole numbers and
    datetimes in either order (none missing); ``None`` for any other column.

    >>> codes, firsts = _sorted_runs(pd.Series([9, 9, 7, 3, 3]))
    >>> codes.tolist(), firsts.tolist()
    ([0, 0, 1, 2, 2], [9, 7, 3])
    """
    if len(values) < 2:
        return None
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iuM":
        return _sorted_numbers(values)
    if values.dtype != "str":
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - factorised by hashing
        return None
    text = pa.array(values)
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if text.null_count:
        return None
    before, after = text.slice(0, len(text) - 1), text.slice(1)
    if not pc.all(pc.less_equal(before, after)).as_py():
        return None
    new = np.empty(len(text), dtype=bool)
    new[0] = True
    new[1:] = pc.not_equal(before, after).to_numpy(zero_copy_only=False)
    # taken from the one combined array: a take across a file reader's dozens of chunks
    # costs three times as much
    if getattr(values.dtype, "storage", None) == "pyarrow":
        firsts = pd.Series(pd.arrays.ArrowStringArray(text.filter(pa.array(new)), dtype=values.dtype))
    else:
        firsts = values.iloc[np.flatnonzero(new)].reset_index(drop=True)
    return np.cumsum(new) - 1, firsts


def _sorted_numbers(values: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """:func:`_sorted_runs` of whole numbers or datetimes, ascending or descending (a NaT
    compares false both ways, so a column with one is left to hashing)."""
    v = values.to_numpy()
    before, after = v[:-1], v[1:]
    if not (before <= after).all() and not (before >= after).all():
        return None
    new = np.empty(len(v), dtype=bool)
    new[0] = True
    np.not_equal(before, after, out=new[1:])
    return np.cumsum(new) - 1, values.iloc[np.flatnonzero(new)].reset_index(drop=True)


def cell_text(v: object) -> str:
    """A cell as the user reads it: 12.0 as ``12``, a date at midnight as ``2024-01-05``.

    >>> cell_text(12.0), cell_text(dt.datetime(2204, 3, 1)), cell_text(pd.Timestamp("2024-01-05 14:30"))
    ('12', '2204-03-01', '2024-01-05 14:30:00')
    """
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, dt.datetime) and v.time() == dt.time(0) and v.tzinfo is None:
        return v.date().isoformat()
    return str(v)[:100]


#: what an e-mail address looks like (compared without regard to case)
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"


def looks_like_email(ids: pd.Series) -> np.ndarray:
    """Which texts match :data:`EMAIL`. Only those with an ``@`` go through the pattern:
    pandas runs a pattern with ``\\s`` in Python's ``re``, one value at a time.

    >>> looks_like_email(pd.Series(["a@b.co", "C17", "x@y", "A@B.CO"], dtype="str")).tolist()
    [True, False, False, True]
    """
    at = ids.str.contains("@", regex=False).to_numpy(dtype=bool)
    email = np.zeros(len(ids), dtype=bool)
    if at.any():
        email[at] = ids[at].str.fullmatch(EMAIL).to_numpy(dtype=bool)
    return email


def customer_keys(col: ColumnValues) -> tuple[pd.Series, int, int]:
    """Distinct customer values as ids: spaces, invisible marks and digit scripts cleaned,
    e-mail addresses case-folded. Returns the ids, how many distinct values merged with
    another spelling, and how many of those were e-mails differing only in case."""
    ids, real = clean_ids(col)
    merged = int(real.sum() - ids[real].nunique())
    email = looks_like_email(ids) & real
    if email.any():
        before = ids[real].nunique()
        ids = ids.copy()
        ids[email] = ids[email].str.casefold()
        folded = int(before - ids[real].nunique())
    else:
        folded = 0
    return ids, merged, folded


def first_spellings(col: ColumnValues) -> pd.Series:
    """Each customer key of a column (:func:`customer_keys`) and the first cell that reads
    as it, as it was (a number stays a number): the customer as the user wrote it, for
    showing back where the user will look the customer up.

    >>> col = ColumnValues.of(pd.Series(["Ann@X.com", 1001.0, None, "ann@x.com", "1001", "N/A"], dtype=object))
    >>> first_spellings(col).to_dict()
    {'ann@x.com': 'Ann@X.com', '1001': 1001.0}
    >>> first_spellings(ColumnValues.of(pd.Series([True, float("inf")], dtype=object))).to_dict()
    {'True': 'True', 'inf': 'inf'}
    """
    keys = customer_keys(col)[0].to_numpy(dtype=object)
    real = ~col.null
    # a column's distinct values are in the order they first appear in it; a value a
    # sheet cannot show back as itself (TRUE, an infinite number) is shown as its key
    cells = col.uniques.to_numpy(dtype=object)
    shown = np.fromiter((_shows_as_itself(v) for v in cells), bool, len(cells))
    firsts = pd.Series(np.where(shown, cells, keys)[real], index=keys[real], dtype=object)
    return firsts[~firsts.index.duplicated()]


def _shows_as_itself(value: object) -> bool:
    """Text, a finite number or a date: what a cell can hold and a lookup can match."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        try:
            return math.isfinite(value)  # an int beyond any float is no cell's value
        except OverflowError:
            return False
    return isinstance(value, (str, dt.date, np.datetime64))


def keyboard_letters(col: ColumnValues) -> tuple[int, int, int, int, int]:
    """How a customer column was typed, in rows: with the Arabic keyboard's ye or kaf (``ي``,
    ``ك``), with the Persian keyboard's (``ی``, ``ک``), and with digits 0-9, Arabic-Indic
    digits (``٣٧``) and Persian digits (``۳۷``). The customer keys read both letters as
    Persian's and every digit as 0-9 (:func:`key_text`); a column mostly typed in Arabic
    letters, or in Arabic-Indic or Persian digits, shows its customers so again
    (:func:`shown_ids`). Rows add up over the slices of a table.

    >>> keyboard_letters(ColumnValues.of(pd.Series(["كريم", "علي", "كريم", "مهدی", "a@x.com", "مشتری ۳۷", "c7"])))
    (3, 2, 1, 0, 1)
    """
    u = col.uniques
    if not len(u) or not (u.dtype == object or u.dtype == "str"):
        return 0, 0, 0, 0, 0
    text = u.map(lambda v: v if isinstance(v, str) else "") if u.dtype == object else u
    counts = col.counts
    found = [text.str.contains(pattern, regex=True).to_numpy(dtype=bool)
             for pattern in ("[يك]", "[یک]", "[0-9]", "[٠-٩]", "[۰-۹]")]
    return tuple(int(counts[rows].sum()) for rows in found)  # type: ignore[return-value]


def typed_digits(typing: tuple[int, ...]) -> str | None:
    """The digits customers are shown in, from :func:`keyboard_letters`' counts:
    ``"persian"`` or ``"arabic_indic"`` when more customer cells were typed in them than in
    0-9, else ``None`` (0-9).

    >>> typed_digits((0, 5, 1, 0, 4)), typed_digits((0, 0, 3, 1, 2)), typed_digits((0, 0, 0, 0, 0))
    ('persian', None, None)
    """
    latin, arabic, persian = (tuple(typing) + (0, 0, 0, 0, 0))[2:5]
    if max(arabic, persian) <= latin:
        return None
    return "persian" if persian >= arabic else "arabic_indic"


#: 0-9 written in the digits of a script (:func:`shown_ids`)
_SHOWN_DIGITS = {"persian": str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"),
                 "arabic_indic": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")}


def shown_ids(ids: pd.Series, arabic: bool, digits: str | None = None) -> pd.Series:
    """Customer keys as a table shows them: in Arabic letters when the customer column was
    mostly typed in them (:func:`keyboard_letters`), so that ``علي`` is not shown as ``علی``
    (which reads as ``على`` to an Arabic reader); in Persian or Arabic-Indic digits when it
    was mostly typed in those (``digits``, :func:`typed_digits`), so that ``مشتری ۳۷`` is not
    shown as ``مشتری 37``. Ids with Latin letters or an ``@`` (e-mails, codes such as
    ``C-1001``) keep 0-9. As they are otherwise.

    >>> shown_ids(pd.Series(["کریم", "a@x.com"]), arabic=True).tolist()
    ['كريم', 'a@x.com']
    >>> shown_ids(pd.Series(["مشتری 37", "1003", "ali37@x.com", "C-7"]), False, "persian").tolist()
    ['مشتری ۳۷', '۱۰۰۳', 'ali37@x.com', 'C-7']
    """
    if not len(ids) or (not arabic and digits not in _SHOWN_DIGITS):
        return ids
    text = ids.astype("str")
    if arabic:
        text = text.str.translate(ARABIC_KEYBOARD)
    if digits in _SHOWN_DIGITS:
        plain = ~text.str.contains("[A-Za-z@]", regex=True).to_numpy(dtype=bool)
        text = text.where(~plain, text.str.translate(_SHOWN_DIGITS[digits]))
    return text


def clean_ids(col: ColumnValues) -> tuple[pd.Series, np.ndarray]:
    """Distinct customer values as keys (:func:`key_text`; not yet case-folded), and which
    of them are real (not blank)."""
    cached = getattr(col, "_ids", None)  # the cleaning asks for them up to three times
    if cached is not None:
        return cached
    u = col.uniques
    if u.dtype.kind in "iuf" or u.dtype == object:
        u = u.map(as_id)
    col._ids = key_text(u), ~col.blank
    return col._ids


#: a phone number written with spaces, dashes, dots or brackets: at least 7 digits
_PHONE = r"\+?\(?\d[\d \-.()]*\d"
_PHONE_SEPARATORS = r"[ \-.()]"


#: what a totals row says where the customer should be (compared as keys: case, a final colon, Arabic
#: or Persian ye and kaf aside)
TOTALS_LABELS = (
    "Total", "Totals", "Grand total", "Sum", "Subtotal", "Sub total", "Sub-total", "Overall total",
    "المجموع", "مجموع", "الإجمالي", "الاجمالي", "إجمالي", "اجمالي", "المجموع الكلي", "الإجمالي الكلي",
    "جمع", "جمع کل", "مجموع کل",
)


@functools.cache
def _totals_keys() -> frozenset:
    """The labels as compared, in each spelling of their ye and kaf (Arabic or Persian)."""
    labels = {label.casefold() for label in TOTALS_LABELS}
    return frozenset(labels | {t.translate(ARABIC_KEYBOARD) for t in labels}
                     | {t.translate(KEY_LETTERS) for t in labels})


def totals_rows(col: ColumnValues) -> np.ndarray:
    """Per row, whether the cell is a totals label (:data:`TOTALS_LABELS`: ``Total``, ``Grand
    total``, ``المجموع``, ``جمع کل`` ...), as exports and sheets end a table.

    >>> totals_rows(ColumnValues.of(pd.Series(["a@x.com", "Grand Total:", "المجموع", "Totally Fresh Ltd"]))).tolist()
    [False, True, True, False]
    """
    if not len(col.uniques) or not (col.uniques.dtype == "str" or col.uniques.dtype == object):
        return np.zeros(len(col.codes), bool)
    text = (col.uniques.map(lambda v: v if isinstance(v, str) else "").astype("str") if col.uniques.dtype == object
            else col.uniques)
    words = ~text.str.contains(r"[\d@]", regex=True).fillna(True).to_numpy(dtype=bool)  # no id, no e-mail
    label = np.zeros(len(text), bool)
    if words.any():
        folded = text[words].str.strip().str.rstrip(":").str.strip().str.casefold()
        label[words] = folded.isin(_totals_keys()).to_numpy(dtype=bool)
    if not label.any():
        return np.zeros(len(col.codes), bool)
    return (col.codes >= 0) & label[np.maximum(col.codes, 0)]


def key_text(values: pd.Series) -> pd.Series:
    """Customer values as the keys customers are compared by: :func:`~retention_xl.analysis.numerals.clean_text`
    (digits 0-9, no invisible marks, one space), Arabic ``ي``/``ك`` as Persian ``ی``/``ک``
    (one name typed on two keyboards), and a phone number without its spaces, dashes, dots
    and brackets.

    >>> key_text(pd.Series(["علي رضايي", "کاوه", "0912 111 2223", "0912-111-2223", "C-100 200", "12 34"])).tolist()
    ['علی رضایی', 'کاوه', '09121112223', '09121112223', 'C-100 200', '12 34']
    """
    text = clean_text(values)
    arabic = text.str.contains("[يك]", regex=True).fillna(False).to_numpy(dtype=bool)
    if arabic.any():
        text = text.copy()
        text[arabic] = text[arabic].str.translate(KEY_LETTERS)
    spaced = text.str.contains(r"\d[ \-.()]", regex=True).fillna(False).to_numpy(dtype=bool)
    if spaced.any():
        candidates = text[spaced]
        phone = candidates.str.fullmatch(_PHONE).fillna(False).to_numpy(dtype=bool)
        bare = candidates[phone].str.replace(_PHONE_SEPARATORS, "", regex=True)
        long_enough = (bare.str.count(r"\d") >= 7).to_numpy(dtype=bool)
        if long_enough.any():
            text = text.copy()
            where = np.flatnonzero(spaced)[np.flatnonzero(phone)[long_enough]]
            text.iloc[where] = bare[long_enough].to_numpy()
    return text


def email_spellings(col: ColumnValues, cleaned: tuple[pd.Series, np.ndarray] | None = None) -> pd.DataFrame:
    """The distinct e-mail addresses of a customer column as cleaned (``clean``) and as
    compared (``folded``): distinct ``clean`` less distinct ``folded`` is how many matched
    another spelling, over any number of slices of one table. ``cleaned`` is
    ``clean_ids(col)`` when already made."""
    ids, real = clean_ids(col) if cleaned is None else cleaned
    email = looks_like_email(ids) & real
    clean = ids[email].drop_duplicates()
    return pd.DataFrame({"clean": clean.to_numpy(dtype=object), "folded": clean.str.casefold().to_numpy(dtype=object)})


def email_case_example(spellings: pd.DataFrame) -> tuple[str, str] | None:
    """Two spellings of one e-mail address that differ only in case, from
    :func:`email_spellings`: of the addresses written more than one way, the one that sorts
    first case-folded, as its first and last spelling in sort order; ``None`` when no
    address is. The engines pick the same pair in SQL over all slices of a table.

    >>> email_case_example(pd.DataFrame({"clean": ["b@x.com", "B@X.com", "a@x.com"],
    ...                                  "folded": ["b@x.com", "b@x.com", "a@x.com"]}))
    ('B@X.com', 'b@x.com')
    """
    spellings = spellings.drop_duplicates("clean")
    several = spellings[spellings["folded"].duplicated(keep=False)]
    if several.empty:
        return None
    one = several[several["folded"] == several["folded"].min()]["clean"]
    return str(one.min()), str(one.max())


def as_id(v: object) -> str:
    if isinstance(v, (float, np.floating)) and np.isfinite(v) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return str(int(v))
    return str(v)




def id_texts(values: pd.Series) -> np.ndarray:
    """Order ids as the text they are compared by: a whole number without its ``.0``
    (:func:`as_id`), then :func:`~retention_xl.analysis.numerals.clean_text` (digits 0-9, no
    invisible marks, one space), so ``1003``, ``1003.0``, ``"١٠٠٣"`` and ``"۱۰۰۳"`` are one
    id. Missing values come back as ``None``.

    >>> id_texts(pd.Series([1003.0, "١٠٠٣", "۱۰۰۳", "\u200f1003 ", None, "#7"], dtype=object)).tolist()
    ['1003', '1003', '1003', '1003', None, '#7']
    """
    missing = values.isna().to_numpy(dtype=bool)
    if values.dtype.kind in "iu":  # whole numbers, as str() writes them
        return values.astype("str").to_numpy(dtype=object)
    text = values.astype("str") if values.dtype == "str" else values.map(as_id, na_action="ignore").astype("str")
    out = clean_text(text).to_numpy(dtype=object)
    out[missing] = None
    return out


#: text :func:`id_texts` would change: non-ASCII characters, runs of spaces, spaces at an end
_UNCLEAN_ID = "[^\x00-\x7f]|  |[\t\r\n]|^ | $"


def id_codes(col: ColumnValues) -> np.ndarray:
    """Each row's code, one for every spelling of an id (:func:`id_texts`: ``1003`` and
    ``"1003"``, as a pasted sheet mixes them; ``"١٠٠٣"`` and ``"۱۰۰۳"``, as Arabic and
    Persian keyboards write it): an order id's code. ``-1`` where the cell is empty.

    >>> id_codes(ColumnValues.of(pd.Series([1003.0, "1003", "#7", None, 1003, "١٠٠٣", "۱۰۰۳"], dtype=object))).tolist()
    [0, 0, 1, -1, 0, 0, 0]
    >>> id_codes(ColumnValues.of(pd.Series(["#7", "1003", "۱۰۰۳", "A1", "a1"], dtype="str"))).tolist()
    [0, 1, 1, 2, 3]
    """
    codes = np.where(col.missing_rows(), -1, col.codes)
    u = col.uniques
    if len(u) < 2 or u.dtype.kind in "iufmMb":  # numbers or dates: the codes already tell them apart
        return codes
    if u.dtype == "str" and not pd.Series(u).str.contains(_UNCLEAN_ID, regex=True).fillna(False).any():
        return codes  # text only, plain ASCII, no spaces to trim: each spelling is its own id (fast)
    merged = pd.factorize(pd.Series(id_texts(u), dtype=object))[0]
    if (merged == np.arange(len(u))).all():
        return codes
    return np.where(codes >= 0, merged[np.maximum(codes, 0)], -1)


def row_keys(col: ColumnValues) -> np.ndarray:
    """Each row's customer key (:func:`customer_keys`), "" where the cell is empty."""
    if not len(col.uniques):
        return np.full(len(col.codes), "", dtype=object)
    ids = customer_keys(col)[0].to_numpy(dtype=object)
    ids[col.null] = ""
    return col.spread(ids, "")


def row_texts(col: ColumnValues) -> np.ndarray:
    """Each row's value as clean text (digits 0-9, no invisible marks), "" where empty."""
    if not len(col.uniques):
        return np.full(len(col.codes), "", dtype=object)
    text = clean_text(col.uniques.map(as_id)).to_numpy(dtype=object)
    text[col.null] = ""
    return col.spread(text, "")
