"""TARGET2 business days and the execution date for a due date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetbeheer.domain.calendar import (
    add_business_days,
    business_days_between,
    check_execution_date,
    closure_reason,
    execution_date_for_due_date,
    is_business_day,
    next_business_day,
    previous_business_day,
    subtract_business_days,
)
from budgetbeheer.errors import ValidationError

GOOD_FRIDAY_2027 = date(2027, 3, 26)
EASTER_MONDAY_2027 = date(2027, 3, 29)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (date(2027, 3, 25), True),  # Thursday before Easter
        (GOOD_FRIDAY_2027, False),
        (date(2027, 3, 27), False),  # Saturday
        (date(2027, 3, 28), False),  # Easter Sunday
        (EASTER_MONDAY_2027, False),
        (date(2027, 3, 30), True),  # Tuesday after Easter
        (date(2026, 5, 1), False),  # Labour Day on a Friday
        (date(2026, 5, 5), True),  # Liberation Day is a Dutch holiday, not a TARGET2 one
        (date(2026, 5, 14), True),  # Ascension Day: open for TARGET2
        (date(2026, 12, 24), True),
        (date(2026, 12, 25), False),
        (date(2026, 12, 26), False),  # Boxing Day (also a Saturday)
        (date(2025, 12, 26), False),  # Boxing Day on a Friday
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), False),
        (date(2027, 1, 4), True),
        (date(2027, 4, 3), False),  # Saturday
        (date(2027, 4, 4), False),  # Sunday
    ],
)
def test_is_business_day(day: date, open_: bool) -> None:
    assert is_business_day(day) is open_


def test_closure_reasons_in_dutch() -> None:
    assert closure_reason(GOOD_FRIDAY_2027) == "Goede Vrijdag"
    assert closure_reason(EASTER_MONDAY_2027) == "Tweede Paasdag"
    assert closure_reason(date(2026, 5, 1)) == "Dag van de Arbeid"
    assert closure_reason(date(2026, 12, 25)) == "Eerste Kerstdag"
    assert closure_reason(date(2025, 12, 26)) == "Tweede Kerstdag"
    assert closure_reason(date(2027, 1, 1)) == "Nieuwjaarsdag"
    assert closure_reason(date(2027, 4, 3)) == "zaterdag"
    assert closure_reason(date(2027, 4, 4)) == "zondag"
    assert closure_reason(date(2027, 3, 25)) is None


def test_next_and_previous_business_day_around_easter() -> None:
    assert next_business_day(GOOD_FRIDAY_2027) == date(2027, 3, 30)
    assert previous_business_day(EASTER_MONDAY_2027) == date(2027, 3, 25)
    assert next_business_day(date(2027, 3, 25)) == date(2027, 3, 25)
    assert previous_business_day(date(2027, 3, 25)) == date(2027, 3, 25)


def test_next_business_day_over_christmas_and_new_year() -> None:
    assert next_business_day(date(2026, 12, 25)) == date(2026, 12, 28)
    assert next_business_day(date(2027, 1, 1)) == date(2027, 1, 4)
    assert previous_business_day(date(2027, 1, 1)) == date(2026, 12, 31)


def test_subtract_business_days_counts_strictly_before() -> None:
    monday = date(2027, 4, 5)
    assert subtract_business_days(monday, 1) == date(2027, 4, 2)  # Friday
    assert subtract_business_days(monday, 2) == date(2027, 4, 1)  # Thursday
    assert subtract_business_days(monday, 0) == monday
    assert subtract_business_days(date(2027, 4, 3), 0) == date(2027, 4, 2)  # Saturday -> Friday


def test_add_business_days_skips_easter() -> None:
    assert add_business_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert add_business_days(date(2027, 3, 25), 0) == date(2027, 3, 25)
    assert add_business_days(GOOD_FRIDAY_2027, 0) == date(2027, 3, 30)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        subtract_business_days(date(2027, 1, 4), -1)
    with pytest.raises(ValueError, match="negative"):
        add_business_days(date(2027, 1, 4), -1)


@pytest.mark.parametrize(
    ("due", "lead", "expected"),
    [
        (date(2027, 4, 5), 2, date(2027, 4, 1)),  # due Monday -> previous Thursday
        (date(2027, 4, 3), 2, date(2027, 4, 1)),  # due Saturday: counting from the calendar date -> Thursday
        (date(2027, 4, 4), 2, date(2027, 4, 1)),  # due Sunday -> Thursday
        (date(2027, 3, 30), 2, date(2027, 3, 24)),  # Tuesday after Easter -> Wednesday before Good Friday
        (date(2027, 3, 30), 1, date(2027, 3, 25)),  # lead 1 -> Thursday before Good Friday
        (EASTER_MONDAY_2027, 2, date(2027, 3, 24)),  # due on a closed day -> counting still from the date
        (date(2027, 5, 3), 2, date(2027, 4, 29)),  # 1 May 2027 is a Saturday anyway
        (date(2026, 5, 4), 2, date(2026, 4, 29)),  # Monday after Labour Day (Friday): Thu 30 Apr, Wed 29 Apr
        (date(2026, 12, 28), 2, date(2026, 12, 23)),  # Monday after Christmas: Thu 24, Wed 23
        (date(2027, 1, 4), 2, date(2026, 12, 30)),  # Monday after New Year: Thu 31, Wed 30
        (date(2027, 1, 1), 0, date(2026, 12, 31)),  # lead 0 on a closed day -> last business day before
        (date(2027, 1, 5), 0, date(2027, 1, 5)),  # lead 0 on an open day -> the day itself
    ],
)
def test_execution_date_for_due_date(due: date, lead: int, expected: date) -> None:
    assert execution_date_for_due_date(due, lead) == expected


def test_execution_date_default_lead_is_two() -> None:
    assert execution_date_for_due_date(date(2027, 4, 5)) == date(2027, 4, 1)


def test_check_execution_date_names_the_next_business_day() -> None:
    with pytest.raises(ValidationError) as info:
        check_execution_date(GOOD_FRIDAY_2027)
    message = info.value.fields["execution_date"]
    assert message.params == {"date": "2027-03-26", "reason": "Goede Vrijdag", "next": "2027-03-30"}
    assert "geen TARGET2-werkdag" in str(message)
    assert "de eerstvolgende werkdag is 2027-03-30" in str(message)


def test_check_execution_date_on_a_weekend_and_an_open_day() -> None:
    with pytest.raises(ValidationError) as info:
        check_execution_date(date(2026, 12, 26))
    assert info.value.fields["execution_date"].params["next"] == "2026-12-28"
    assert check_execution_date(date(2027, 3, 25)) == date(2027, 3, 25)


@given(d=dates)
def test_next_business_day_is_the_first_open_day_on_or_after(d: date) -> None:
    result = next_business_day(d)
    assert result >= d
    assert is_business_day(result)
    assert business_days_between(d, result) == 0


@given(d=dates)
def test_previous_business_day_is_the_last_open_day_on_or_before(d: date) -> None:
    result = previous_business_day(d)
    assert result <= d
    assert is_business_day(result)
    assert business_days_between(result + timedelta(days=1), d + timedelta(days=1)) == 0


@given(due=dates, lead=st.integers(min_value=1, max_value=10))
def test_execution_date_is_the_latest_day_with_enough_business_days(due: date, lead: int) -> None:
    result = execution_date_for_due_date(due, lead)
    assert is_business_day(result)
    assert result < due
    assert business_days_between(result, due) == lead
    # Any later day would leave fewer than `lead` business days.
    assert business_days_between(result + timedelta(days=1), due) == lead - 1


@given(d=dates, n=st.integers(min_value=0, max_value=10))
def test_add_then_subtract_returns_to_a_business_day(d: date, n: int) -> None:
    start = next_business_day(d)
    assert subtract_business_days(add_business_days(start, n), n) == start


def test_business_days_between_is_half_open() -> None:
    assert business_days_between(date(2027, 3, 22), date(2027, 3, 29)) == 4  # Mon-Thu; Good Friday closed
    assert business_days_between(date(2027, 3, 22), date(2027, 3, 22)) == 0
