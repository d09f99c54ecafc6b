"""TARGET2 business days: the days on which SEPA credit transfers are executed.

TARGET2 is closed on Saturdays and Sundays, on 1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December.
The closing days come from ``holidays.financial_holidays("XECB")``; each calendar year is computed once and cached.

Conventions (all dates are plain ``date`` objects, no time zone):

* :func:`next_business_day` and :func:`previous_business_day` return ``d`` itself when it is a business day
  ("on or after" and "on or before").
* :func:`subtract_business_days` counts business days strictly before ``d``, starting from the calendar date, whether
  or not ``d`` itself is a business day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from budgetbeheer.errors import Message, ValidationError

FIELD = "execution_date"
_ONE_DAY = timedelta(days=1)
_SATURDAY = 5
_SUNDAY = 6
_MAX_STEPS = 366
"""No stretch of closed days is longer than a few days; this bounds every search loop."""

_DUTCH_NAMES = {
    "New Year's Day": "Nieuwjaarsdag",
    "Good Friday": "Goede Vrijdag",
    "Easter Monday": "Tweede Paasdag",
    "Labour Day": "Dag van de Arbeid",
    "Christmas Day": "Eerste Kerstdag",
    "Christmas Holiday": "Tweede Kerstdag",
}


@lru_cache(maxsize=64)
def _closing_days(year: int) -> dict[date, str]:
    """TARGET2 holidays of one year (weekends not included), with their English names."""
    return dict(holidays.financial_holidays("XECB", years=year).items())


def is_business_day(d: date) -> bool:
    """True when TARGET2 is open on ``d``."""
    return d.weekday() < _SATURDAY and d not in _closing_days(d.year)


def closure_reason(d: date) -> str | None:
    """Why TARGET2 is closed on ``d``, in Dutch (``"zaterdag"``, ``"Goede Vrijdag"``), or None if it is open."""
    name = _closing_days(d.year).get(d)
    if name is not None:
        return _DUTCH_NAMES.get(name, name)
    if d.weekday() == _SATURDAY:
        return "zaterdag"
    if d.weekday() == _SUNDAY:
        return "zondag"
    return None


def next_business_day(d: date) -> date:
    """``d`` if it is a business day, else the first business day after it."""
    for _ in range(_MAX_STEPS):
        if is_business_day(d):
            return d
        d += _ONE_DAY
    raise AssertionError("no TARGET2 business day within a year")  # pragma: no cover


def previous_business_day(d: date) -> date:
    """``d`` if it is a business day, else the last business day before it."""
    for _ in range(_MAX_STEPS):
        if is_business_day(d):
            return d
        d -= _ONE_DAY
    raise AssertionError("no TARGET2 business day within a year")  # pragma: no cover


def add_business_days(d: date, n: int) -> date:
    """The ``n``-th business day strictly after ``d`` (``n >= 1``); for ``n == 0`` the same as next_business_day."""
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return next_business_day(d)
    for _ in range(n):
        d = next_business_day(d + _ONE_DAY)
    return d


def subtract_business_days(d: date, n: int) -> date:
    """The ``n``-th business day strictly before ``d`` (``n >= 1``); for ``n == 0`` the same as previous_business_day.

    Counting starts from the calendar date ``d`` even when ``d`` is closed: Monday minus 2 is the previous Thursday,
    and Saturday minus 2 is that week's Thursday as well.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    if n == 0:
        return previous_business_day(d)
    for _ in range(n):
        d = previous_business_day(d - _ONE_DAY)
    return d


def business_days_between(start: date, end: date) -> int:
    """The number of business days in the half-open range ``[start, end)``."""
    count = 0
    d = start
    while d < end:
        count += is_business_day(d)
        d += _ONE_DAY
    return count


def execution_date_for_due_date(due: date, lead_business_days: int = 2) -> date:
    """The requested execution date for a payment that must reach the creditor on ``due``.

    It is the latest business day that lies at least ``lead_business_days`` business days before ``due``, i.e.
    ``subtract_business_days(due, lead_business_days)``: between it and ``due`` (exclusive at both ends) there are
    ``lead_business_days - 1`` further business days. With the default lead of 2: due on Monday -> the previous
    Thursday; due on the Tuesday after Easter Monday -> the Wednesday before Good Friday; due on a Saturday -> that
    week's Thursday. A lead of 0 means "on the due date, or the last business day before it when it is closed".
    """
    return subtract_business_days(due, lead_business_days)


def last_due_date_covered(execution_date: date, lead_business_days: int = 2) -> date:
    """The latest due date whose execution date is on or before ``execution_date`` (execution dates only grow): the
    last due date a run for ``execution_date`` pays. ``execution_date`` need not be a business day."""
    due = execution_date
    while execution_date_for_due_date(due + _ONE_DAY, lead_business_days) <= execution_date:
        due += _ONE_DAY
    return due


MAX_DAYS_AHEAD = 364
"""The furthest ahead a bank takes an execution date: ABN AMRO 364 days (Rabobank one year)."""


def execution_date_range(today: date) -> tuple[date, date]:
    """The first and the last execution date a file made on ``today`` may carry: the first TARGET2 business day
    from ``today`` on, and the last one at most :data:`MAX_DAYS_AHEAD` days ahead."""
    return next_business_day(today), previous_business_day(today + timedelta(days=MAX_DAYS_AHEAD))


def check_execution_date(d: date, today: date | None = None) -> date:
    """Return ``d`` when it is a TARGET2 business day; else raise ValidationError naming the next business day.

    With ``today``: ``d`` must also not lie in the past nor more than :data:`MAX_DAYS_AHEAD` days ahead (ABN AMRO's
    limit); the refusal names the next possible date (and the last one)."""
    if today is not None:
        first, last = execution_date_range(today)
        if d < today:
            raise ValidationError({FIELD: Message(
                "%(date)s ligt in het verleden; de eerstvolgende mogelijke uitvoeringsdatum is %(next)s.",
                date=d.isoformat(), next=first.isoformat())})
        if d > today + timedelta(days=MAX_DAYS_AHEAD):
            raise ValidationError({FIELD: Message(
                "%(date)s ligt meer dan %(days)s dagen vooruit; dat neemt de bank niet aan. Kies een uitvoeringsdatum "
                "van %(next)s tot en met %(last)s.",
                date=d.isoformat(), days=MAX_DAYS_AHEAD, next=first.isoformat(), last=last.isoformat())})
    if is_business_day(d):
        return d
    raise ValidationError(
        {
            FIELD: Message(
                "%(date)s (%(reason)s) is geen TARGET2-werkdag; de eerstvolgende werkdag is %(next)s.",
                date=d.isoformat(),
                reason=closure_reason(d) or "gesloten",
                next=next_business_day(d).isoformat(),
            )
        }
    )
