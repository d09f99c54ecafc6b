"""The one clock: what day and what moment it is, in the municipality's time zone.

Business dates (due dates, execution dates, the period) are days in the Netherlands; timestamps are stored in UTC.
Everything that needs "today" or "now" asks here, so a test can move time for the whole application at once
(``time_machine``) and a job that runs *for* a given day is handed that day instead of asking.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

LOCAL_ZONE: Final = ZoneInfo("Europe/Amsterdam")
"""The municipality's time zone: the calendar day of a business date."""


def now() -> datetime:
    """This moment, timezone-aware, in UTC (how every timestamp is stored)."""
    return datetime.now(UTC)


def local_now() -> datetime:
    """This moment on the wall clock in the Netherlands."""
    return now().astimezone(LOCAL_ZONE)


def today() -> date:
    """Today's date in the Netherlands."""
    return local_now().date()


def local_day(moment: datetime) -> date:
    """The day in the Netherlands on which a (timezone-aware) moment falls."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given where a timezone-aware moment is required")
    return moment.astimezone(LOCAL_ZONE).date()


def local_midnight_utc(day: date) -> datetime:
    """The moment the day begins in the Netherlands, in UTC."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def day_bounds_utc(start: date, end: date) -> tuple[datetime, datetime]:
    """Half-open UTC bounds ``[lower, upper)`` of the local days ``start`` to ``end`` inclusive."""
    return local_midnight_utc(start), local_midnight_utc(end + timedelta(days=1))
