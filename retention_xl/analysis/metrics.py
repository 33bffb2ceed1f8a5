"""The retention vocabulary as pure functions on numbers and numpy arrays.

Every function states its formula and carries a worked example from the articles our
users read. Rates are fractions (0.8 means 80%), NPS is in points (-100..100). Invalid
input raises an error from :mod:`retention_xl.errors` whose ``code`` is the spreadsheet
error a user would expect (``#DIV/0!``, ``#VALUE!``, ``#NUM!``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from statistics import NormalDist

import numpy as np

from retention_xl.errors import DivisionByZero, InvalidValue, OutOfRange

__all__ = [
    "crr",
    "churn",
    "churn_cost",
    "repeat_rate",
    "repeat_rate_from_ids",
    "clv",
    "clv_discounted",
    "lifespan",
    "nps",
    "nps_moe",
    "csat",
    "ces",
    "aov",
    "purchase_frequency",
    "whole_scores",
]


# --------------------------------------------------------------------------- checks
def _fmt(x: float) -> str:
    """A number as a user would type it: 10 not 10.0, 0.25 not 0.25000000001."""
    return f"{x:.10g}"


def _number(x: float, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise InvalidValue(f"{name} must be a number, got {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise OutOfRange(f"{name} must be a finite number, got {_fmt(x)}")
    return x


def _count(x: float, name: str) -> float:
    x = _number(x, name)
    if x < 0:
        raise OutOfRange(f"{name} cannot be negative, got {_fmt(x)}")
    return x


def _fraction(x: float, name: str) -> float:
    x = _number(x, name)
    if not 0 <= x <= 1:
        raise OutOfRange(f"{name} must be a fraction between 0 and 1 (e.g. 0.8 for 80%), got {_fmt(x)}")
    return x


def _array(values: Iterable[float] | np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float).ravel()
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.argmax(bad))
        raise OutOfRange(f"{name} must hold finite numbers; value {i + 1} is {_fmt(arr[i])}")
    return arr


def _total(values: float | Iterable[float], name: str) -> float:
    """A count given as one number or as a range of numbers that are summed."""
    if np.ndim(values) == 0:
        return _count(values, name)  # type: ignore[arg-type]
    arr = _array(values, name)
    neg = arr < 0
    if neg.any():
        raise OutOfRange(f"{name} cannot be negative, got {_fmt(arr[np.argmax(neg)])}")
    with np.errstate(over="ignore"):
        total = float(arr.sum())
    if not np.isfinite(total):
        raise OutOfRange(f"{name}: the numbers add up to more than a number can hold")
    return total


#: how far from a whole number a score may be and still be it: float rounding (=0.3*10 is
#: 3.0000000000000004), far below the 15 digits a spreadsheet shows
SCORE_ROUNDING = 1e-9


def whole_scores(values: np.ndarray) -> np.ndarray:
    """Survey answers with float rounding taken off: a value within :data:`SCORE_ROUNDING`
    of a whole number (relative, for large ones) is that number, as a spreadsheet shows it;
    any other value (8.5, NaN) is left as it is.

    >>> whole_scores(np.array([0.1 * 3 * 10, 8.5, 7.0])).tolist()
    [3.0, 8.5, 7.0]
    """
    arr = np.asarray(values, dtype=float)
    whole = np.round(arr)
    with np.errstate(invalid="ignore"):
        near = np.abs(arr - whole) <= SCORE_ROUNDING * np.maximum(1.0, np.abs(arr))
    return np.where(near, whole, arr)


def _scores(values: Iterable[float], name: str, low: int, high: int) -> np.ndarray:
    arr = _array(values, name)
    if arr.size == 0:
        raise DivisionByZero(f"{name}: no scores to average (the range holds no numbers)")
    arr = whole_scores(arr)
    bad = (arr < low) | (arr > high) | (arr != np.round(arr))
    if bad.any():
        i = int(np.argmax(bad))
        raise OutOfRange(
            f"{name}: score {_fmt(arr[i])} (value {i + 1}) is not a whole number from {low} to {_fmt(high)}"
        )
    return arr


# --------------------------------------------------------------------------- retention
def crr(start_customers: float, end_customers: float, new_customers: float) -> float:
    """Customer retention rate over a period: ``(E - N) / S``.

    Parameters
    ----------
    start_customers : customers at the start of the period (S)
    end_customers : customers at the end of the period (E)
    new_customers : customers acquired during the period (N)

    Returns
    -------
    float
        The share of the starting customers still there at the end, as a fraction.

    Examples
    --------
    >>> crr(10, 8, 0)       # 10 customers, 2 left, none won
    0.8
    >>> crr(2000, 2100, 300)
    0.9
    """
    s = _count(start_customers, "start_customers")
    e = _count(end_customers, "end_customers")
    n = _count(new_customers, "new_customers")
    if n > e:
        raise OutOfRange(f"new_customers ({_fmt(n)}) exceeds end_customers ({_fmt(e)}): "
                         "more customers won than there were at the end")
    if s == 0:
        raise DivisionByZero("start_customers is 0: no customers at the start of the period")
    if e - n > s:
        raise OutOfRange(f"end_customers minus new_customers ({_fmt(e - n)}) exceeds start_customers ({_fmt(s)}): "
                         "more customers retained than there were")
    return (e - n) / s


def churn(lost: float | Iterable[float], start: float) -> float:
    """Churn rate: ``lost / start``; ``lost`` may be several numbers, which are summed.

    Examples
    --------
    >>> round(churn(5, 150), 6)
    0.033333
    >>> round(churn([15, 4], 500), 6)   # 15 lost plus 4 of the new customers
    0.038
    """
    lost_total = _total(lost, "lost")
    s = _count(start, "start")
    if s == 0:
        raise DivisionByZero("start is 0: no customers at the start of the period")
    if lost_total > s:
        raise OutOfRange(f"lost ({_fmt(lost_total)}) exceeds start ({_fmt(s)}): more customers lost than there were")
    return lost_total / s


def churn_cost(lost: float | Iterable[float], value_per_customer: float) -> float:
    """Revenue (or profit) lost with churned customers: ``lost * value_per_customer``.

    Examples
    --------
    >>> churn_cost(15, 30000)
    450000.0
    """
    return _total(lost, "lost") * _number(value_per_customer, "value_per_customer")


def repeat_rate(repeat: float, customers: float) -> float:
    """Repeat purchase rate: ``repeat / customers``, the share who bought more than once.

    Examples
    --------
    >>> repeat_rate(900, 2000)
    0.45
    """
    r, c = _count(repeat, "repeat"), _count(customers, "customers")
    if c == 0:
        raise DivisionByZero("customers is 0")
    if r > c:
        raise OutOfRange(f"repeat ({_fmt(r)}) exceeds customers ({_fmt(c)}): more repeat customers than customers")
    return r / c


def repeat_rate_from_ids(customer_ids: Iterable[object]) -> float:
    """Share of distinct customers that appear more than once in a list of order ids.

    Examples
    --------
    >>> repeat_rate_from_ids(["a", "b", "a", "c", "c", "c"])   # a and c came back
    0.6666666666666666
    """
    ids = np.asarray(list(customer_ids), dtype=object)
    if ids.size == 0:
        raise DivisionByZero("no customer ids in the range")
    _, counts = np.unique(ids.astype(str), return_counts=True)
    return float((counts > 1).sum() / counts.size)


# --------------------------------------------------------------------------- value
def clv(
    avg_order_value: float,
    purchases_per_period: float,
    periods: float,
    margin: float = 1.0,
    acquisition_cost: float = 0.0,
) -> float:
    """Simple customer lifetime value: ``AOV * purchases_per_period * periods * margin - CAC``.

    Examples
    --------
    >>> clv(50, 4, 3)
    600.0
    >>> clv(50, 4, 3, 0.3, 40)
    140.0
    """
    a = _count(avg_order_value, "avg_order_value")
    f = _count(purchases_per_period, "purchases_per_period")
    t = _count(periods, "periods")
    m = _fraction(margin, "margin")
    cac = _count(acquisition_cost, "acquisition_cost")
    return a * f * t * m - cac


def clv_discounted(
    margin: float, retention: float, discount: float, periods: float | None = None
) -> float:
    """Lifetime value with retention and discounting.

    The margin ``m`` is earned at the start of each period in which the customer is still
    active; a customer survives each period with probability ``r``; money one period away
    is worth ``1/(1+d)``::

        CLV = sum_{t=0}^{T-1} m r^t / (1+d)^t       (T periods)
        CLV = m (1+d) / (1+d-r)                      (no horizon)

    Examples
    --------
    >>> round(clv_discounted(100, 0.8, 0.1), 2)
    366.67
    >>> round(clv_discounted(100, 0.8, 0.1, 3), 2)
    225.62
    """
    m = _number(margin, "margin")
    r = _fraction(retention, "retention")
    d = _number(discount, "discount")
    if d <= -1:
        raise OutOfRange(f"discount must be above -1 (e.g. 0.1 for 10%), got {_fmt(d)}")
    q = r / (1 + d)
    if periods is None:
        if q >= 1:
            raise OutOfRange(
                "retention >= 1 + discount: the value never stops growing; give a number of periods"
            )
        return m / (1 - q)
    t = _count(periods, "periods")
    if t != math.floor(t):
        raise OutOfRange(f"periods must be a whole number, got {_fmt(t)}")
    if q == 1:
        return m * t
    try:
        growth = q**t
    except OverflowError:  # q > 1 over very many periods
        growth = math.inf
    if not math.isfinite(growth):
        raise OutOfRange(
            f"retention above 1 + discount over {_fmt(t)} periods: the value grows beyond any number; "
            "give fewer periods"
        )
    return m * (1 - growth) / (1 - q)


def lifespan(churn_rate: float) -> float:
    """Expected customer lifespan in periods: ``1 / churn_rate``.

    Examples
    --------
    >>> lifespan(0.25)
    4.0
    """
    c = _fraction(churn_rate, "churn_rate")
    if c == 0:
        raise DivisionByZero("churn_rate is 0: customers never leave, the lifespan is unbounded")
    return 1 / c


# --------------------------------------------------------------------------- surveys
def nps(scores: Iterable[float]) -> float:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6), in points.

    Examples
    --------
    >>> nps([10, 10, 9, 9, 9, 8, 7, 6, 2, 10])   # 6 promoters, 2 detractors of 10
    40.0
    """
    s = _scores(scores, "scores", 0, 10)
    return float(100 * ((s >= 9).mean() - (s <= 6).mean()))


def nps_moe(scores: Iterable[float], confidence: float = 0.95) -> float:
    """Margin of error of the NPS, in points, at the given confidence level.

    With promoter share ``p``, detractor share ``d`` and ``n`` answers, the NPS ``p - d`` has
    variance ``(p + d - (p - d)^2) / n`` (multinomial answers); the margin is
    ``z * sqrt(variance) * 100`` with ``z`` the two-sided normal quantile.

    One answer has no margin of error at all (nothing to estimate a spread from), so it is
    refused (``#NUM!``) rather than given the margin 0. From two answers on, when every
    answer falls in the same group (all promoters, all passives or all detractors) the
    estimated variance is 0 and so is the margin: that is the normal (Wald) approximation's
    answer, stated here rather than replaced by another method, and it does not mean the NPS
    is exact. The approximation needs enough answers of each kind to hold, which is why the
    report leaves the NPS and its margin empty below
    :data:`~retention_xl.analysis.feedback.MIN_ANSWERS` (30) answers.

    Examples
    --------
    >>> round(nps_moe([10, 10, 9, 9, 9, 8, 7, 6, 2, 10]), 2)   # p=0.6, d=0.2, n=10
    49.58
    >>> nps_moe([10, 9])   # two promoters: the Wald margin is 0, not a proof of exactness
    0.0
    >>> nps_moe([10])
    Traceback (most recent call last):
    retention_xl.errors.OutOfRange: scores holds one answer: a margin of error needs at least two
    """
    s = _scores(scores, "scores", 0, 10)
    if s.size < 2:
        raise OutOfRange("scores holds one answer: a margin of error needs at least two")
    c = _number(confidence, "confidence")
    if not 0 < c < 1:
        raise OutOfRange(f"confidence must be between 0 and 1 (e.g. 0.95), got {_fmt(c)}")
    p, d = (s >= 9).mean(), (s <= 6).mean()
    variance = (p + d - (p - d) ** 2) / s.size
    q = 0.5 + c / 2
    z = NormalDist().inv_cdf(q) if q < 1 else math.inf  # the standard library's: scipy.stats costs 0.6 s to import
    if not math.isfinite(z):  # 0.5 + c/2 rounds to 1
        raise OutOfRange(f"confidence {c!r} is too close to 1 for a finite margin; use e.g. 0.99")
    return float(100 * z * math.sqrt(max(variance, 0.0)))


def csat(scores: Iterable[float], scale_max: float = 5) -> float:
    """Customer satisfaction: the share of answers in the top two boxes of a 1..max scale.

    Examples
    --------
    >>> csat([5, 4, 3, 5, 1])     # three of five answered 4 or 5
    0.6
    """
    top = _number(scale_max, "scale_max")
    if top < 2 or top != math.floor(top):
        raise OutOfRange(f"scale_max must be a whole number of at least 2, got {_fmt(top)}")
    s = _scores(scores, "scores", 1, int(top))
    return float((s >= top - 1).mean())


def ces(scores: Iterable[float]) -> float:
    """Customer effort score: the mean answer on a 1..7 agreement scale ("the company made it
    easy for me", 7 = very easy), so a higher score means less effort.

    Examples
    --------
    >>> ces([1, 2, 3, 7])
    3.25
    """
    return float(_scores(scores, "scores", 1, 7).mean())


# --------------------------------------------------------------------------- orders
def aov(amounts: Iterable[float]) -> float:
    """Average order value: total of the order amounts divided by their number.

    A negative amount is a refund, and a refund is no order: it is left out, as in the
    report's AOV (the value of the orders divided by their number, before refunds), so a
    range holding an order table's amounts with its refunds gives the report's figure.

    Examples
    --------
    >>> aov([20, 30, 70])
    40.0
    >>> aov([100, -100, 50, 70, 30])   # four orders and a refund of the first
    62.5
    """
    a = _array(amounts, "amounts")
    if a.size == 0:
        raise DivisionByZero("amounts: no order amounts in the range")
    orders = a[a >= 0]
    if orders.size == 0:
        raise DivisionByZero("amounts: no orders in the range, only refunds (negative amounts)")
    return float(orders.mean())


def purchase_frequency(orders: float, customers: float) -> float:
    """Purchase frequency: ``orders / customers``, orders per customer.

    The customers are those who ordered, so there are at least as many orders as
    customers: fewer is refused (the arguments swapped, most often).

    Examples
    --------
    >>> purchase_frequency(300, 120)
    2.5
    """
    o, c = _count(orders, "orders"), _count(customers, "customers")
    if c == 0:
        raise DivisionByZero("customers is 0")
    if o < c:
        raise OutOfRange(f"orders ({_fmt(o)}) is less than customers ({_fmt(c)}): "
                         "each customer who ordered placed at least one order")
    return o / c
