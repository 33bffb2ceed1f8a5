"""Errors raised by retention-xl, each carrying the spreadsheet error code it maps to.

The analysis layer raises these; the Excel layer turns them into the error value a
spreadsheet user recognises (``#DIV/0!``, ``#VALUE!``, ``#NUM!``) and the command line
turns them into a one-line message and a non-zero exit code.
"""

from __future__ import annotations

__all__ = [
    "RetentionError",
    "EngineOutOfMemory",
    "TooLargeForMemory",
    "DivisionByZero",
    "InvalidValue",
    "OutOfRange",
    "DataError",
    "MissingColumns",
    "UnknownColumn",
    "NoUsableOrders",
    "ModelError",
    "OutputExists",
    "OutputIsInput",
    "OutputInsideInput",
    "EnvironmentProblem",
]


class RetentionError(Exception):
    """Base class: a problem the user can fix, with a one-line reason.

    ``option`` is the name of the argument at fault when one is (``"window_days"``,
    ``"as_of"`` ...), as the API spells it: the reason speaks of it by that name, and a door
    that names it otherwise (a command-line flag, a settings cell) words it its own way.
    """

    code = "#VALUE!"

    def __init__(self, reason: str, *, option: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.option = option

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


class MissingColumns(DataError):
    """No column could be found for one or more roles.

    Attributes
    ----------
    roles : tuple of str
        The roles not found (``"customer"``, ``"date"``, ``"amount"`` ...).
    columns : tuple of str
        The headers of the table, in order.
    table : str
        Which table lacks them: ``"orders"``, or ``"survey"`` / ``"contacts"`` for the
        optional survey answers and contact log.
    """

    def __init__(self, reason: str, *, roles: tuple[str, ...], columns: tuple[str, ...], table: str = "orders"):
        super().__init__(reason)
        self.roles = tuple(roles)
        self.columns = tuple(columns)
        self.table = table


class UnknownColumn(DataError):
    """A column chosen for a role is not in the table (``role``, ``name``, ``columns``)."""

    def __init__(self, reason: str, *, role: str, name: str, columns: tuple[str, ...]):
        super().__init__(reason)
        self.role = role
        self.name = name
        self.columns = tuple(columns)


class NoUsableOrders(DataError):
    """Not one row of the table could be used; ``roles`` maps each role to its column."""

    def __init__(self, reason: str, *, roles: dict[str, str] | None = None):
        super().__init__(reason)
        self.roles = dict(roles or {})


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


class OutputExists(RetentionError):
    """The file to write exists and replacing it was not asked for (``path``; ``option``: which
    of a command's outputs it is, when it has several)."""

    def __init__(self, path: object, option: str | None = None):
        super().__init__(f"{path} already exists")
        self.path = path
        self.option = option  # which output it is, for a door to name its own option ("output", "ics")


class OutputIsInput(RetentionError):
    """The file to write is a file being read (``path``, and the ``input`` as given): writing it
    would replace the user's data, which ``force`` never allows."""

    def __init__(self, path: object, input: object):
        same = str(path) == str(input)
        super().__init__(f"{path} is {'a file being read' if same else f'the file being read, {input}'}: "
                         "writing there would replace it")
        self.path = path
        self.input = input


class OutputInsideInput(RetentionError):
    """The file to write would be one of the files a folder or glob being read is made of
    (``path``, and the ``input`` as given): the next run on that input would read it as
    data, whatever ``force`` says."""

    def __init__(self, path: object, input: object):
        super().__init__(f"{path} would become part of {input}, which is being read: "
                         "the next run on it would read that file as data")
        self.path = path
        self.input = input


class EnvironmentProblem(RetentionError):
    """This machine lacks something the command needs (a package, a folder, a setting);
    the data is not at fault."""


class EngineOutOfMemory(EnvironmentProblem):
    """An engine needed more than the memory it was given for one step (``engine``, its
    ``limit`` as written, and the ``step``: the relation it was computing)."""

    def __init__(self, reason: str, *, engine: str, limit: str | None, step: str):
        super().__init__(reason)
        self.engine, self.limit, self.step = engine, limit, step


class TooLargeForMemory(EnvironmentProblem):
    """The input would not fit in this machine's memory with the chosen engine
    (``rows``, ``needed`` and ``available`` bytes, the ``engine`` that would fit)."""

    def __init__(self, reason: str, *, rows: int, needed: int, available: int, engine: str):
        super().__init__(reason)
        self.rows, self.needed, self.available, self.engine = rows, needed, available, engine
