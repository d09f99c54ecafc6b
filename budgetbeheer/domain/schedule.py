"""When fixed costs, income and leefgeld fall due.

All windows are half-open: ``[window_from, window_to)``. A schedule's own ``end`` is inclusive.

The due-day rule: a due day beyond the month's length means the month's last day (day 31 in April is 30 April, in
February the 28th or 29th). A month is never skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from enum import StrEnum

from budgetbeheer.domain.period import add_months, day_in_month
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.fields import as_whole_number


class Frequency(StrEnum):
    """How often a fixed cost (or an expected income) falls due."""

    WEEKLY = "weekly"
    FOUR_WEEKLY = "four_weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class LeefgeldFrequency(StrEnum):
    """How often leefgeld is paid to the household."""

    WEEKLY = "weekly"
    MONTHLY = "monthly"


_STEP_DAYS = {Frequency.WEEKLY: 7, Frequency.FOUR_WEEKLY: 28}
_STEP_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def due_dates(
    frequency: Frequency | str,
    due_day: int,
    start: date,
    end: date | None,
    window_from: date,
    window_to: date,
) -> list[date]:
    """The due dates of a schedule in ``[window_from, window_to)``, in order.

    Only dates in ``[start, end]`` count (``end`` inclusive; ``None`` = open-ended).

    - weekly / four_weekly: ``due_day`` is ignored; the dates are ``start + k·7`` or ``start + k·28`` days (k ≥ 0), so
      the first one is ``start`` itself and a four-weekly cost falls due 13 times a year, crossing months freely.
    - monthly / quarterly / yearly: one date in each of the months ``start``'s month + k·1, k·3 or k·12 (k ≥ 0), on
      ``due_day`` clamped to that month's length. A date in ``start``'s own month before ``start`` does not count: a
      monthly cost starting on 15 January with due day 1 first falls due on 1 February; a quarterly one from
      1 November falls due in November, February, May and August.
    """
    frequency = Frequency(frequency)
    low = max(start, window_from)
    high = window_to if end is None else min(window_to, end + timedelta(days=1))
    if low >= high:
        return []
    if frequency in _STEP_DAYS:
        step = _STEP_DAYS[frequency]
        first = -(-(low - start).days // step)
        result = []
        current = start + timedelta(days=first * step)
        while current < high:
            result.append(current)
            current += timedelta(days=step)
        return result
    if not 1 <= due_day <= 31:
        raise ValueError(f"due day must be 1 to 31, not {due_day}")
    step = _STEP_MONTHS[frequency]
    months_to_low = (low.year - start.year) * 12 + (low.month - start.month)
    k = max(0, months_to_low // step)
    result = []
    while True:
        month_start = add_months(start.replace(day=1), k * step)
        if month_start >= high:
            return result
        current = day_in_month(month_start.year, month_start.month, due_day)
        if low <= current < high:
            result.append(current)
        k += 1


def leefgeld_paydays(
    frequency: LeefgeldFrequency | str,
    day: int,
    window_from: date,
    window_to: date,
) -> list[date]:
    """Leefgeld paydays in ``[window_from, window_to)``, in order.

    weekly: ``day`` is the ISO weekday (1 = Monday … 7 = Sunday), every week. monthly: ``day`` 1-31 of every month,
    clamped to the month's last day like a due day.
    """
    frequency = LeefgeldFrequency(frequency)
    if window_from >= window_to:
        return []
    result = []
    if frequency is LeefgeldFrequency.WEEKLY:
        if not 1 <= day <= 7:
            raise ValueError(f"a weekly payday is an ISO weekday 1 to 7, not {day}")
        current = window_from + timedelta(days=(day - window_from.isoweekday()) % 7)
        while current < window_to:
            result.append(current)
            current += timedelta(days=7)
        return result
    if not 1 <= day <= 31:
        raise ValueError(f"a monthly payday is day 1 to 31, not {day}")
    month_start = window_from.replace(day=1)
    while month_start < window_to:
        current = day_in_month(month_start.year, month_start.month, day)
        if window_from <= current < window_to:
            result.append(current)
        month_start = add_months(month_start, 1)
    return result


def validate_due_day(day: object) -> int:
    """A due day entered by a person: 1 to 31 (beyond a month's length means its last day). Field "due_day"."""
    value = as_whole_number(day)
    if value is None or not 1 <= value <= 31:
        raise ValidationError({"due_day": Message("Kies een dag van 1 tot en met 31.")})
    return value


def validate_leefgeld_day(frequency: LeefgeldFrequency | str, day: object, field: str = "day") -> int:
    """A leefgeld payday entered by a person: weekday 1-7 (Monday-Sunday) when weekly, day 1-31 when monthly."""
    value = as_whole_number(day)
    if LeefgeldFrequency(frequency) is LeefgeldFrequency.WEEKLY:
        if value is None or not 1 <= value <= 7:
            raise ValidationError({field: Message("Kies een weekdag van 1 (maandag) tot en met 7 (zondag).")})
    elif value is None or not 1 <= value <= 31:
        raise ValidationError({field: Message("Kies een dag van 1 tot en met 31.")})
    return value


def amount_in_force(amounts: Iterable[tuple[date, int]], day: date) -> int | None:
    """The amount in force on ``day``: that of the last ``(effective_from, cents)`` on or before it, in the order
    given (oldest first); None when every change is later. The one rule for "the amount on a day", used by the runs,
    the forecast and the household's fixed costs (which fall back to the first amount before the first change)."""
    current = None
    for effective_from, cents in amounts:
        if effective_from <= day:
            current = cents
    return current
