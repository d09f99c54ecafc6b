"""The ontzorgen period: its end date, extensions and the days left.

A period runs from its start date through its end date, both inclusive: ``[start, end]``. The standard end is
``start + N calendar months - 1 day`` (N = 6). Adding months keeps the day of the month; when that day does not exist
in the target month the month's last day is used *before* the day is subtracted:

- 2026-03-01 + 6 months = 2026-09-01, end 2026-08-31;
- 2026-08-31 + 6 months = 2027-02-31, which does not exist, so 2027-02-28; end 2027-02-27.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from budgetbeheer.errors import Message, ValidationError

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
    """The last day (inclusive) of a period of ``months`` calendar months from ``start``: ``start + months - 1 day``."""
    if months < 1:
        raise ValueError(f"a period lasts at least one month, not {months}")
    return add_months(start, months) - _ONE_DAY


def months_in_period(start: date, end: date) -> int:
    """How many whole months the period ``[start, end]`` covers: the largest N with ``period_end(start, N) <= end``.

    When ``end`` is on the grid (``end == period_end(start, N)``, as every end this module computes is) this is that N.
    An end off the grid (a period once ended early, or a date typed by hand) counts the whole months before it.
    ``end == start - 1 day`` gives 0; an earlier end is an error.
    """
    if end < start - _ONE_DAY:
        raise ValueError(f"period end {end} lies before its start {start}")
    months = max(0, (end.year - start.year) * 12 + (end.month - start.month) - 1)
    while months > 0 and add_months(start, months) - _ONE_DAY > end:
        months -= 1
    while add_months(start, months + 1) - _ONE_DAY <= end:
        months += 1
    return months


def extend_period_end(start: date, current_end: date, extra_months: int) -> date:
    """The end after extending ``[start, current_end]`` by ``extra_months`` whole months.

    The new end follows the same rule as the first: ``start + (months_so_far + extra_months) months - 1 day``, with
    ``months_so_far = months_in_period(start, current_end)``. Counting from the start (not from the current end) is what
    makes several extensions in a row give the same end as one extension of their sum, whatever the clamping did
    (31 Aug + 6 months ends 27 Feb; one more month ends 30 Mar, not 27 Mar).

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


def as_whole_number(raw: object) -> int | None:
    """An ``int`` or a string of ASCII digits as ``int``; ``None`` for anything else (``bool`` and ``float`` too)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.isascii() and text.isdigit():
            return int(text)
    return None
