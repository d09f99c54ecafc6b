"""The ontzorgen period: its end date, extensions and the days left.

A period runs from its start date through its end date, both inclusive: ``[start, end]``. A period of N calendar months
(N = 6 at intake) ends in the month N months after the start month (the *end month*):

- when the start day exists in the end month, on the day before it: ``start + N months - 1 day``
  (2026-03-01 → 2026-08-31, 2026-07-15 → 2027-01-14);
- when the start day has no twin in the end month, on the end month's last day (2026-08-31 → 2027-02-28,
  2027-08-31 → 2028-02-29, 2026-12-31 → 2027-06-30, 2026-08-30 → 2027-02-28).

So a period is never shorter than N months: the end month is covered up to the day before the start day, or wholly
when it has no such day. (Until issue 10 the missing day was clamped to the month's last day *before* one day was
subtracted, so 31 August ended on 27 February: one day short. Households enrolled then keep the end date stored.)
Extensions use the same rule, counted from the start with the total number of months.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.fields import as_whole_number

STANDARD_MONTHS = 6
MIN_EXTENSION_MONTHS = 1
MAX_EXTENSION_MONTHS = 12

_ONE_DAY = timedelta(days=1)


def day_in_month(year: int, month: int, day: int) -> date:
    """``year-month-day``, or the month's last day when the month is shorter than ``day`` (day 31 in April → 30)."""
    if day < 1:
        raise ValueError(f"day must be 1 or more, not {day}")
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_months(d: date, months: int) -> date:
    """``d`` moved by ``months`` calendar months (negative moves back), keeping the day of the month.

    When that day does not exist in the target month, the month's last day is used: 2026-01-31 + 1 month = 2026-02-28,
    2028-01-31 + 1 month = 2028-02-29 (leap year).
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    return day_in_month(year, month0 + 1, d.day)


def period_end(start: date, months: int = STANDARD_MONTHS) -> date:
    """The last day (inclusive) of a period of ``months`` calendar months from ``start`` (see the module docstring):
    ``start + months - 1 day``, or the end month's last day when it has no twin of the start day."""
    if months < 1:
        raise ValueError(f"a period lasts at least one month, not {months}")
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    if start.day > last_day:
        return date(year, month0 + 1, last_day)
    return date(year, month0 + 1, start.day) - _ONE_DAY


def _clamped_end(start: date, months: int) -> date:
    """``start + months - 1 day`` with the missing day clamped first: the end rule before issue 10 (31 Aug → 27 Feb).
    Never later than :func:`period_end` and at most one day earlier; used to count the months of a stored end."""
    return add_months(start, months) - _ONE_DAY


def months_in_period(start: date, end: date) -> int:
    """How many whole months the period ``[start, end]`` covers.

    On the grid (``end == period_end(start, N)``, as every end this module computes is) this is that N. An end stored
    under the rule before issue 10 (one day earlier when the start day has no twin: 31 Aug → 27 Feb) counts the same N,
    so that extending such a household lands on today's grid. Any other end (a period once ended early, a date typed
    by hand) counts the whole months before it: the largest N with ``start + N months - 1 day <= end`` (the missing day
    clamped). ``end == start - 1 day`` gives 0; an earlier end is an error.
    """
    if end < start - _ONE_DAY:
        raise ValueError(f"period end {end} lies before its start {start}")
    months = max(0, (end.year - start.year) * 12 + (end.month - start.month) - 1)
    while months > 0 and _clamped_end(start, months) > end:
        months -= 1
    while _clamped_end(start, months + 1) <= end:
        months += 1
    return months


def extend_period_end(start: date, current_end: date, extra_months: int) -> date:
    """The end after extending ``[start, current_end]`` by ``extra_months`` whole months.

    The new end follows the same rule as the first: ``period_end(start, months_so_far + extra_months)``, with
    ``months_so_far = months_in_period(start, current_end)``. Counting from the start (not from the current end) is what
    makes several extensions in a row give the same end as one extension of their sum, whatever the month lengths
    (31 Aug + 6 months ends 28 Feb; one more month ends 30 Mar, not 28 Mar).

    Accepts any ``extra_months >= 1``; the limit on what a person may ask for is :func:`validate_extension_months`.
    """
    if extra_months < 1:
        raise ValueError(f"an extension adds at least one month, not {extra_months}")
    return period_end(start, months_in_period(start, current_end) + extra_months)


def days_left(end: date, today: date) -> int:
    """Days left in a period ending on ``end`` (inclusive), counting ``today`` itself; 0 once the period is over.

    ``days_left(end, end) == 1`` (the last day is still a day of the period); ``days_left(end, end + 1 day) == 0``.
    """
    return max(0, (end - today).days + 1)


def period_over(end: date, today: date) -> bool:
    """True once the period ending on ``end`` (inclusive) is over: from the day after ``end`` on."""
    return today > end


def validate_extension_months(months: object) -> int:
    """A person's extension request: whole months, 1 to 12. Returns the number; raises ``ValidationError`` on "months".

    Accepts an ``int`` or a string of digits (a form field); refuses ``bool``, ``float`` and anything else.
    """
    value = as_whole_number(months)
    if value is None:
        raise ValidationError({"months": Message("Geef het aantal maanden als heel getal.")})
    if not MIN_EXTENSION_MONTHS <= value <= MAX_EXTENSION_MONTHS:
        raise ValidationError(
            {
                "months": Message(
                    "Verleng met %(minimum)s tot en met %(maximum)s hele maanden.",
                    minimum=MIN_EXTENSION_MONTHS,
                    maximum=MAX_EXTENSION_MONTHS,
                )
            }
        )
    return value
