"""Every setting of a report, in one frozen object that any door builds and the pipeline reads.

The command line builds :class:`ReportOptions` from its flags, the ribbon from the
workbook's Settings sheet, a notebook user by hand; the pipeline
(:mod:`retention_xl.pipeline`) takes nothing else. Values are checked once, here, with
messages that name the option (and carry its name as the error's ``option``).

Examples
--------
>>> options = ReportOptions(period="quarter", roles=ColumnRoles(customer="Email"))
>>> options.period, options.roles.customer, options.window
('Q', 'Email', 180)
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import dataclass, field, fields

from retention_xl.analysis.dates import read_day
from retention_xl.analysis.kpis import DEFAULT_WINDOW_DAYS, check_window
from retention_xl.analysis.option_checks import whole
from retention_xl.analysis.periods import check_calendar, normalise_period
from retention_xl.engines.choice import ENGINES, parse_memory
from retention_xl.errors import InvalidValue, OutOfRange
from retention_xl.labels import LANGUAGES

#: ``lang`` for the language of the orders' headers
AUTO = "auto"

__all__ = ["ColumnRoles", "ReportOptions", "ROLES", "DOORS"]

#: who builds a report: a Python caller, the command line, Excel (the ribbon, xlwings Lite)
DOORS = ("python", "cli", "excel")


@dataclass(frozen=True)
class ColumnRoles:
    """Column names chosen by the user for each role; ``None`` means "detect it". A whole
    number is the name of a DataFrame's column numbered so (``pd.read_csv(header=None)``).

    Attributes
    ----------
    customer : the customer key (an id or e-mail; not a per-order id)
    customer_fallback : a second key for rows whose customer key is blank (billing name, phone)
    date : the order date
    amount : the order (or order line) amount
    order_id : rows sharing it are lines of one order
    quantity, unit_price : a line amount is quantity x unit price when there is no amount
    status : the order's status (cancelled, refunded, pending ... orders are not sales)
    refund : an amount refunded on the order, taken off its revenue
    currency_column : the order's currency (USD, EUR, ر.س ...): a report adds up one currency
    """

    customer: str | None = None
    customer_fallback: str | None = None
    date: str | None = None
    amount: str | None = None
    order_id: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    status: str | None = None
    refund: str | None = None
    currency_column: str | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, numbers.Integral) and not isinstance(value, bool):
                # a DataFrame read without a header (pd.read_csv(header=None)) names its columns 0, 1, 2
                value = str(int(value))
                object.__setattr__(self, f.name, value)
            if value is not None and not (isinstance(value, str) and value.strip()):
                raise InvalidValue(f"{f.name} must be a column name, got {value!r}", option=f.name)

    def chosen(self) -> dict[str, str]:
        """The roles the user named, e.g. ``{"customer": "Email"}``."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


#: the column roles, in the order they are shown
ROLES = tuple(f.name for f in fields(ColumnRoles))


@dataclass(frozen=True)
class ReportOptions:
    """The settings of one report.

    Attributes
    ----------
    roles : ColumnRoles
        Columns chosen by the user; the others are detected.
    period : {"W", "M", "Q", "Y"}
        Cohort and KPI period ("week", "month" ... are accepted and normalised).
    window_days : int or None
        Activity window: a customer is in the base while its last order is at most this
        many days old. ``None``: 90 days for W and M, 180 for Q, 366 for Y.
    lang : {"en", "ar", "fa", "auto"}
        Language of the report (Arabic and Persian sheets run right to left). ``"auto"``:
        the language the orders' headers are written in
        (:func:`~retention_xl.analysis.text_language.report_language`), settled when the
        orders are read (:func:`~retention_xl.pipeline.with_language`).
    horizon : int
        Months predicted by the purchase models (expected purchases, predicted CLV).
    margin : float
        Share of revenue that is profit, for both CLVs (1 = revenue).
    discount : float
        Discount rate per month for the predicted CLV.
    dayfirst : bool or None
        Order of ambiguous text dates such as 03/04/2023; ``None`` decides from the data.
    include_statuses, exclude_statuses : tuple of str
        Order statuses to count as sales, or not, beyond the built-in rules.
    currency : str or None
        The currency to report when the currency column holds several (a code or a
        spelling as in the data, e.g. ``"EUR"`` or ``"ر.س"``); orders in the others are left
        out and listed. ``None``: the currency of most orders.
    as_of : datetime.date or None
        The day the contact plan is for (a date, or text like ``2025-01-31``).
        ``None``: the day of the last order in the data, so the same data always gives
        the same plan; a live shop passes today's date.
    quiet_days : int
        Days after a logged contact before a customer is contacted again (a call-back to
        an unhappy customer excepted).
    contact_weeks : int
        Weeks the contact plan and its calendar cover.
    calendar : {"auto", "gregorian", "jalali"}
        The calendar of the cohorts' and KPIs' periods: Jalali months, quarters and years
        (weeks from Saturday) for a Persian shop; ``"auto"``: Jalali when the order dates
        are written in it (:func:`~retention_xl.analysis.periods.report_calendar`).
    engine : {"auto", "pandas", "duckdb", "spark"}
        What computes a file report (:mod:`retention_xl.engines`): ``auto`` picks pandas
        for what fits in memory, DuckDB for Parquet datasets, databases and long files.
    memory_limit : str or None
        DuckDB's memory limit, e.g. ``"4GB"`` (None: DuckDB's default, 80% of the memory).
    customers_limit : int
        Customers the report's Customers table keeps at most (the most valuable and the
        most valuable at-risk ones); the full table is written beside the workbook.
    door : {"python", "cli", "excel"}
        Who builds the report, so that a notice's remedy speaks that door's language:
        ``currency="EUR"`` here, ``--currency EUR`` on the command line, the Settings
        table in Excel (the ribbon, xlwings Lite).
    """

    roles: ColumnRoles = field(default_factory=ColumnRoles)
    period: str = "M"
    window_days: int | None = None
    lang: str = "en"
    horizon: int = 12
    margin: float = 1.0
    discount: float = 0.01
    dayfirst: bool | None = None
    include_statuses: tuple[str, ...] = ()
    exclude_statuses: tuple[str, ...] = ()
    currency: str | None = None
    as_of: dt.date | None = None
    quiet_days: int = 30
    contact_weeks: int = 12
    calendar: str = "auto"
    engine: str = "auto"
    memory_limit: str | None = None
    customers_limit: int = 100_000
    door: str = "python"

    def __post_init__(self) -> None:
        if not isinstance(self.roles, ColumnRoles):
            raise InvalidValue(f"roles must be ColumnRoles, got {type(self.roles).__name__}", option="roles")
        object.__setattr__(self, "period", normalise_period(self.period))
        if str(self.calendar).strip().casefold() == "auto":
            object.__setattr__(self, "calendar", "auto")
        else:
            object.__setattr__(self, "calendar", check_calendar(self.calendar))
        if self.lang not in (*LANGUAGES, AUTO):
            raise InvalidValue(f"lang must be one of {', '.join((*LANGUAGES, AUTO))}, got {self.lang!r}", option="lang")
        if self.window_days is not None:
            check_window(self.window_days, self.period)
        whole("horizon", self.horizon, 1, 1200)
        _fraction("margin", self.margin, low_open=True)
        _fraction("discount", self.discount, high_open=True)
        if self.dayfirst not in (None, True, False):
            raise InvalidValue(f"dayfirst must be true, false or empty, got {self.dayfirst!r}", option="dayfirst")
        for name in ("include_statuses", "exclude_statuses"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(str(v).strip() for v in value if str(v).strip()))
        if self.currency is not None:
            if not isinstance(self.currency, str) or not self.currency.strip():
                raise InvalidValue(f"currency must be a currency code such as USD or EUR, got {self.currency!r}",
                                   option="currency")
            object.__setattr__(self, "currency", self.currency.strip())
        if self.as_of is not None:
            object.__setattr__(self, "as_of", read_day(self.as_of, "as_of", self.dayfirst).date())
        whole("quiet_days", self.quiet_days, 1, 3660)
        whole("contact_weeks", self.contact_weeks, 1, 520)
        if self.engine not in ENGINES:
            raise InvalidValue(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}", option="engine")
        if self.memory_limit is not None:
            parse_memory(self.memory_limit)
        whole("customers_limit", self.customers_limit, 1, 1_000_000)
        if self.door not in DOORS:
            raise InvalidValue(f"door must be one of {', '.join(DOORS)}, got {self.door!r}", option="door")

    @property
    def window(self) -> int:
        """The activity window in days, the default of the period when none was chosen."""
        return DEFAULT_WINDOW_DAYS[self.period] if self.window_days is None else int(self.window_days)

    def cleaning(self) -> dict[str, object]:
        """What these options ask of the cleaning: the keyword arguments of
        :func:`~retention_xl.analysis.orders.clean_orders` (column roles, statuses, date
        order, currency).

        >>> ReportOptions(roles=ColumnRoles(customer="Email"), dayfirst=True).cleaning()
        {'customer': 'Email', 'include_statuses': (), 'exclude_statuses': (), 'dayfirst': True, 'currency': None}
        """
        return {**self.roles.chosen(), "include_statuses": self.include_statuses,
                "exclude_statuses": self.exclude_statuses, "dayfirst": self.dayfirst, "currency": self.currency}


def _fraction(name: str, value: object, *, low_open: bool = False, high_open: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidValue(f"{name} must be a number, got {value!r}", option=name)
    too_low = value <= 0 if low_open else value < 0
    too_high = value >= 1 if high_open else value > 1
    if too_low or too_high:
        low, high = ("(0" if low_open else "[0"), ("1)" if high_open else "1]")
        raise OutOfRange(f"{name} must be a fraction in {low}, {high}, got {value:g}", option=name)


def given_options(options: object) -> ReportOptions:
    """``options``, or the defaults for ``None``; anything else (a dict of settings, say) is
    an ``InvalidValue`` saying how to build them."""
    if options is None:
        return ReportOptions()
    if not isinstance(options, ReportOptions):
        raise InvalidValue(f"options must be ReportOptions (rx.ReportOptions(period=\"Q\", ...)), "
                           f"got {type(options).__name__}")
    return options
