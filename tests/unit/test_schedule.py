from __future__ import annotations

import calendar
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetbeheer.domain.schedule import (
    Frequency,
    LeefgeldFrequency,
    due_dates,
    leefgeld_paydays,
    validate_due_day,
    validate_leefgeld_day,
)
from budgetbeheer.errors import ValidationError

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
frequencies = st.sampled_from(list(Frequency))
due_days = st.integers(min_value=1, max_value=31)


def test_frequency_values_are_the_api_values() -> None:
    assert [f.value for f in Frequency] == ["weekly", "four_weekly", "monthly", "quarterly", "yearly"]
    assert [f.value for f in LeefgeldFrequency] == ["weekly", "monthly"]


def test_monthly_on_day_31_never_skips_a_month() -> None:
    assert due_dates(Frequency.MONTHLY, 31, date(2026, 1, 1), None, date(2026, 1, 1), date(2026, 7, 1)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
    ]


def test_monthly_on_day_31_in_a_leap_february() -> None:
    assert due_dates("monthly", 31, date(2028, 1, 1), None, date(2028, 2, 1), date(2028, 3, 1)) == [date(2028, 2, 29)]


def test_monthly_on_day_30_in_february() -> None:
    assert due_dates("monthly", 30, date(2026, 1, 1), None, date(2026, 2, 1), date(2026, 4, 1)) == [
        date(2026, 2, 28),
        date(2026, 3, 30),
    ]


def test_monthly_due_day_before_the_start_first_falls_due_next_month() -> None:
    assert due_dates("monthly", 1, date(2026, 1, 15), None, date(2026, 1, 1), date(2026, 4, 1)) == [
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert due_dates("monthly", 20, date(2026, 1, 15), None, date(2026, 1, 1), date(2026, 3, 1)) == [
        date(2026, 1, 20),
        date(2026, 2, 20),
    ]


def test_monthly_on_the_start_day_itself() -> None:
    assert due_dates("monthly", 15, date(2026, 1, 15), None, date(2026, 1, 15), date(2026, 1, 16)) == [
        date(2026, 1, 15)
    ]


def test_end_date_is_inclusive_and_window_end_exclusive() -> None:
    start = date(2026, 1, 1)
    assert due_dates("monthly", 10, start, date(2026, 3, 10), date(2026, 1, 1), date(2027, 1, 1)) == [
        date(2026, 1, 10),
        date(2026, 2, 10),
        date(2026, 3, 10),
    ]
    assert due_dates("monthly", 10, start, date(2026, 3, 9), date(2026, 1, 1), date(2027, 1, 1)) == [
        date(2026, 1, 10),
        date(2026, 2, 10),
    ]
    assert due_dates("monthly", 10, start, None, date(2026, 1, 10), date(2026, 3, 10)) == [
        date(2026, 1, 10),
        date(2026, 2, 10),
    ]


def test_quarterly_from_november_crosses_the_year() -> None:
    start = date(2026, 11, 1)
    assert due_dates("quarterly", 15, start, None, date(2026, 1, 1), date(2027, 12, 1)) == [
        date(2026, 11, 15),
        date(2027, 2, 15),
        date(2027, 5, 15),
        date(2027, 8, 15),
        date(2027, 11, 15),
    ]
    assert due_dates("quarterly", 31, start, None, date(2026, 1, 1), date(2027, 9, 1)) == [
        date(2026, 11, 30),
        date(2027, 2, 28),
        date(2027, 5, 31),
        date(2027, 8, 31),
    ]


def test_quarterly_window_in_between_occurrences_is_empty() -> None:
    assert due_dates("quarterly", 15, date(2026, 11, 1), None, date(2026, 12, 1), date(2027, 2, 1)) == []


def test_yearly_on_29_february() -> None:
    assert due_dates("yearly", 29, date(2026, 2, 1), None, date(2026, 1, 1), date(2029, 1, 1)) == [
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


def test_four_weekly_is_anchored_at_the_start_and_crosses_months() -> None:
    start = date(2026, 1, 20)
    assert due_dates("four_weekly", 31, start, None, date(2026, 1, 1), date(2026, 5, 1)) == [
        date(2026, 1, 20),
        date(2026, 2, 17),
        date(2026, 3, 17),
        date(2026, 4, 14),
    ]
    # A window starting mid-cycle finds the next anchored date, not the window's first day.
    assert due_dates("four_weekly", 1, start, None, date(2026, 2, 1), date(2026, 3, 1)) == [date(2026, 2, 17)]
    # 13 times in a year.
    assert len(due_dates("four_weekly", 1, start, None, start, start + timedelta(days=364))) == 13


def test_four_weekly_twice_in_one_month() -> None:
    assert due_dates("four_weekly", 1, date(2026, 3, 2), None, date(2026, 3, 1), date(2026, 4, 1)) == [
        date(2026, 3, 2),
        date(2026, 3, 30),
    ]


def test_weekly_ignores_the_due_day() -> None:
    start = date(2026, 11, 4)  # a Wednesday
    result = due_dates(Frequency.WEEKLY, 0, start, date(2026, 11, 25), date(2026, 11, 1), date(2026, 12, 31))
    assert result == [date(2026, 11, 4), date(2026, 11, 11), date(2026, 11, 18), date(2026, 11, 25)]


def test_a_window_long_after_the_start() -> None:
    assert due_dates("monthly", 31, date(2020, 1, 31), None, date(2030, 2, 1), date(2030, 3, 1)) == [date(2030, 2, 28)]
    assert due_dates("weekly", 1, date(2020, 1, 6), None, date(2030, 1, 1), date(2030, 1, 8)) == [date(2030, 1, 7)]


def test_nothing_before_the_start_or_after_the_end() -> None:
    assert due_dates("monthly", 1, date(2026, 6, 1), None, date(2026, 1, 1), date(2026, 6, 1)) == []
    assert due_dates("monthly", 1, date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1), date(2026, 12, 1)) == []
    assert due_dates("monthly", 1, date(2026, 1, 1), None, date(2026, 5, 1), date(2026, 5, 1)) == []


@pytest.mark.parametrize("day", [0, 32, -1])
def test_monthly_refuses_an_impossible_due_day(day: int) -> None:
    with pytest.raises(ValueError):
        due_dates("monthly", day, date(2026, 1, 1), None, date(2026, 1, 1), date(2026, 12, 1))


def test_unknown_frequency() -> None:
    with pytest.raises(ValueError):
        due_dates("daily", 1, date(2026, 1, 1), None, date(2026, 1, 1), date(2026, 12, 1))


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), (31, 31), ("15", 15)])
def test_valid_due_day(raw: object, expected: int) -> None:
    assert validate_due_day(raw) == expected


@pytest.mark.parametrize("raw", [0, 32, -5, True, 1.0, "", "x", None])
def test_invalid_due_day(raw: object) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_due_day(raw)
    assert set(caught.value.fields) == {"due_day"}


def test_weekly_leefgeld_paydays_on_an_iso_weekday() -> None:
    # November 2026 has five Mondays.
    assert leefgeld_paydays(LeefgeldFrequency.WEEKLY, 1, date(2026, 11, 1), date(2026, 12, 1)) == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
        date(2026, 11, 30),
    ]
    assert leefgeld_paydays("weekly", 7, date(2026, 11, 1), date(2026, 11, 15)) == [
        date(2026, 11, 1),
        date(2026, 11, 8),
    ]
    assert leefgeld_paydays("weekly", 1, date(2026, 11, 3), date(2026, 11, 9)) == []


def test_monthly_leefgeld_paydays_clamp_like_due_days() -> None:
    assert leefgeld_paydays(LeefgeldFrequency.MONTHLY, 31, date(2026, 1, 15), date(2026, 5, 1)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    assert leefgeld_paydays("monthly", 1, date(2026, 1, 2), date(2026, 2, 1)) == []


@pytest.mark.parametrize(("frequency", "day"), [("weekly", 0), ("weekly", 8), ("monthly", 0), ("monthly", 32)])
def test_leefgeld_paydays_refuse_an_impossible_day(frequency: str, day: int) -> None:
    with pytest.raises(ValueError):
        leefgeld_paydays(frequency, day, date(2026, 1, 1), date(2026, 3, 1))


def test_validate_leefgeld_day() -> None:
    assert validate_leefgeld_day("weekly", 7) == 7
    assert validate_leefgeld_day("monthly", "31") == 31
    with pytest.raises(ValidationError) as caught:
        validate_leefgeld_day("weekly", 8, field="leefgeld.day")
    assert set(caught.value.fields) == {"leefgeld.day"}
    with pytest.raises(ValidationError):
        validate_leefgeld_day("monthly", 32)


@given(frequencies, due_days, dates, dates, st.integers(min_value=0, max_value=800), st.integers(0, 800))
def test_windows_can_be_split_anywhere(
    frequency: Frequency, due_day: int, start: date, window_from: date, first: int, second: int
) -> None:
    middle = window_from + timedelta(days=first)
    window_to = middle + timedelta(days=second)
    whole = due_dates(frequency, due_day, start, None, window_from, window_to)
    parts = due_dates(frequency, due_day, start, None, window_from, middle)
    parts += due_dates(frequency, due_day, start, None, middle, window_to)
    assert whole == parts
    assert whole == sorted(set(whole))
    assert all(window_from <= d < window_to and d >= start for d in whole)


@given(st.sampled_from([Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.YEARLY]), due_days, dates, dates)
def test_calendar_schedules_fall_on_the_clamped_due_day_every_step(
    frequency: Frequency, due_day: int, start: date, window_from: date
) -> None:
    step = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}[frequency]
    window_to = window_from + timedelta(days=1500)
    result = due_dates(frequency, due_day, start, None, window_from, window_to)
    for d in result:
        assert d.day == min(due_day, calendar.monthrange(d.year, d.month)[1])
        assert ((d.year * 12 + d.month) - (start.year * 12 + start.month)) % step == 0
    for earlier, later in pairwise(result):
        assert (later.year * 12 + later.month) - (earlier.year * 12 + earlier.month) == step


@given(st.sampled_from([Frequency.WEEKLY, Frequency.FOUR_WEEKLY]), dates, dates)
def test_weekly_schedules_are_anchored_at_the_start(frequency: Frequency, start: date, window_from: date) -> None:
    step = 7 if frequency is Frequency.WEEKLY else 28
    result = due_dates(frequency, 1, start, None, window_from, window_from + timedelta(days=200))
    assert all((d - start).days % step == 0 for d in result)
    assert all((later - earlier).days == step for earlier, later in pairwise(result))


@given(st.integers(min_value=1, max_value=7), dates)
def test_weekly_paydays_are_every_seven_days_on_the_weekday(day: int, window_from: date) -> None:
    result = leefgeld_paydays("weekly", day, window_from, window_from + timedelta(days=70))
    assert len(result) == 10
    assert all(d.isoweekday() == day for d in result)
