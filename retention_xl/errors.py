"""Errors raised by retention-xl, each carrying the spreadsheet error code it maps to.

The analysis layer raises these; the Excel layer turns them into the error value a
spreadsheet user recognises (``#DIV/0!``, ``#VALUE!``, ``#NUM!``) and the command line
turns them into a one-line message and a non-zero exit code.
"""

from __future__ import annotations

__all__ = [
    "RetentionError",
    "DivisionByZero",
    "InvalidValue",
    "OutOfRange",
    "DataError",
    "ModelError",
]


class RetentionError(Exception):
    """Base class: a problem the user can fix, with a one-line reason."""

    code = "#VALUE!"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:  # one line, always
        return " ".join(str(self.reason).split())


class DivisionByZero(RetentionError):
    """A ratio whose denominator is zero (Excel's ``#DIV/0!``)."""

    code = "#DIV/0!"


class InvalidValue(RetentionError):
    """An argument of the wrong kind, e.g. text where a number belongs (``#VALUE!``)."""

    code = "#VALUE!"


class OutOfRange(RetentionError):
    """A number outside the metric's domain, e.g. an NPS score of 11 (``#NUM!``)."""

    code = "#NUM!"


class DataError(RetentionError):
    """An order table that cannot be analysed as given (missing columns, no valid rows)."""

    code = "#VALUE!"


class ModelError(RetentionError):
    """The data cannot identify a model (e.g. no repeat buyers for Gamma-Gamma).

    Besides the one-line reason it carries ``kind``, a code for what went wrong (e.g.
    ``"undetermined"``), and ``fields``, the values a layout needs to word it in any
    language (e.g. ``{"model": "bg_nbd", "param": "a"}``).
    """

    code = "#NUM!"

    def __init__(self, reason: str, *, kind: str = "model", **fields: object):
        super().__init__(reason)
        self.kind = kind
        self.fields = fields
