"""What the analysis decided or found, as a code and its values, for the layout to word.

The analysis never writes sentences for users: a decision such as "dates were read as
day/month/year" is a :class:`Notice` with a code (``"date_order"``) and the values that
go into the sentence (the column, the order, the counts). The report layout and each door
turn it into words in the user's language (:mod:`retention_xl.labels`), so an Arabic or
Persian report is Arabic or Persian all the way down.

Examples
--------
>>> n = Notice("decimal_comma", column="Total")
>>> n.code, n.values["column"]
('decimal_comma', 'Total')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["Notice"]


@dataclass(frozen=True, init=False)
class Notice:
    """A decision or finding: ``code`` names it, ``values`` fill its sentence.

    Attributes
    ----------
    code : str
        A stable identifier (``"date_order"``, ``"decimal_comma"`` ...); the label key is
        ``notice.<code>``.
    values : Mapping[str, object]
        Column names, counts and examples, as data (numbers stay numbers).
    """

    code: str
    values: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __init__(self, code: str, **values: object):
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "values", MappingProxyType(dict(values)))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"Notice({self.code!r}{', ' if inner else ''}{inner})"
