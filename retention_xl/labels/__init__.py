"""Words of the report in English, Arabic and Persian.

Table names (``PeriodKPIs``, ``Customers`` ...) and period columns (``P0``, ``P1`` ...)
stay the same in every language so formulas that refer to them keep working; everything a
reader sees is translated, and Arabic and Persian sheets run right to left.
"""

from __future__ import annotations

from retention_xl.errors import InvalidValue
from retention_xl.labels.ar import LABELS as _AR
from retention_xl.labels.en import LABELS as _EN
from retention_xl.labels.fa import LABELS as _FA

__all__ = ["LANGUAGES", "RIGHT_TO_LEFT", "label", "labels_for"]

LANGUAGES = ("en", "ar", "fa")
RIGHT_TO_LEFT = frozenset({"ar", "fa"})
_LABELS = {"en": _EN, "ar": _AR, "fa": _FA}


def labels_for(lang: str) -> dict[str, str]:
    """All labels of one language; an unknown language is ``#VALUE!``."""
    if lang not in _LABELS:
        raise InvalidValue(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return _LABELS[lang]


def label(lang: str, key: str, **values: object) -> str:
    """One label, with ``{placeholders}`` filled in.

    >>> label("en", "note.window", window=90)
    'A customer is in the customer base while its last order is at most 90 days old.'
    """
    text = labels_for(lang)[key]
    return text.format(**values) if values else text
