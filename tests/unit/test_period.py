from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetbeheer.domain.period import (
    STANDARD_MONTHS,
    add_months,
    day_in_month,
    days_left,
    extend_period_end,
    months_in_period,
    period_end,
    period_over,
    validate_extension_months,
)
from budgetbeheer.errors import ValidationError

starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
ONE_DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("d", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 31), -2, date(2025, 11, 30)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_add_months_clamps_to_the_months_last_day(d: date, months: int, expected: date) -> None:
    assert add_months(d, months) == expected


def test_day_in_month() -> None:
    assert day_in_month(2026, 4, 31) == date(2026, 4, 30)
    assert day_in_month(2026, 2, 31) == date(2026, 2, 28)
    assert day_in_month(2028, 2, 30) == date(2028, 2, 29)
    assert day_in_month(2026, 2, 1) == date(2026, 2, 1)
    with pytest.raises(ValueError):
        day_in_month(2026, 2, 0)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 1), 6, date(2026, 6, 30)),
        (date(2026, 3, 1), 6, date(2026, 8, 31)),
        (date(2026, 7, 15), 6, date(2027, 1, 14)),
        # The start day has no twin in the end month: the period ends on that month's last day.
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # 31 Feb does not exist
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year: 31 Feb still does not exist
        (date(2026, 8, 30), 6, date(2027, 2, 28)),
        (date(2026, 8, 29), 6, date(2027, 2, 28)),  # 29 Feb 2027 does not exist
        (date(2026, 12, 31), 6, date(2027, 6, 30)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        # The start day has a twin: the day before it.
        (date(2027, 8, 29), 6, date(2028, 2, 28)),  # 29 Feb 2028 exists
        (date(2027, 8, 30), 6, date(2028, 2, 29)),  # 30 Feb does not
        (date(2028, 2, 29), 6, date(2028, 8, 28)),
        (date(2026, 12, 1), 1, date(2026, 12, 31)),
        (date(2026, 9, 30), 6, date(2027, 3, 29)),
        (date(2026, 10, 31), 6, date(2027, 4, 30)),
        (date(2026, 5, 31), 6, date(2026, 11, 30)),
        (date(2026, 1, 31), 6, date(2026, 7, 30)),  # 31 July exists
    ],
)
def test_period_end(start: date, months: int, expected: date) -> None:
    assert period_end(start, months) == expected


def test_period_end_defaults_to_six_months() -> None:
    assert period_end(date(2026, 8, 31)) == date(2027, 2, 28)


def test_period_end_needs_at_least_one_month() -> None:
    with pytest.raises(ValueError):
        period_end(date(2026, 1, 1), 0)


def test_months_in_period_on_the_grid() -> None:
    start = date(2026, 8, 31)
    assert months_in_period(start, date(2027, 2, 28)) == 6
    assert months_in_period(start, date(2026, 8, 30)) == 0
    assert months_in_period(start, date(2026, 9, 30)) == 1
    assert months_in_period(start, date(2026, 9, 29)) == 1  # the old rule's one-month end counts too


def test_months_in_period_counts_an_end_stored_under_the_old_rule() -> None:
    """Households enrolled before issue 10 keep their end (31 Aug → 27 Feb); it still counts as six months."""
    start = date(2026, 8, 31)
    assert months_in_period(start, date(2027, 2, 27)) == 6
    assert extend_period_end(start, date(2027, 2, 27), 1) == date(2027, 3, 30)
    assert months_in_period(date(2026, 12, 31), date(2027, 6, 29)) == 6


def test_months_in_period_off_the_grid_counts_whole_months() -> None:
    start = date(2026, 8, 31)
    assert months_in_period(start, date(2026, 12, 10)) == 3  # 30 Nov is the 3-month end, 30 Dec the 4-month end
    assert months_in_period(start, date(2027, 3, 1)) == 6
    assert months_in_period(start, date(2026, 8, 31)) == 0


def test_months_in_period_refuses_an_end_before_the_start() -> None:
    with pytest.raises(ValueError):
        months_in_period(date(2026, 8, 31), date(2026, 8, 29))


def test_extension_counts_from_the_start_not_from_the_end() -> None:
    start = date(2026, 8, 31)
    end = period_end(start)
    assert end == date(2027, 2, 28)
    # start + 7 months = 31 Mar, minus one day; not 28 Feb + 1 month.
    assert extend_period_end(start, end, 1) == date(2027, 3, 30)
    assert extend_period_end(start, end, 2) == date(2027, 4, 30)  # 31 Apr does not exist
    assert extend_period_end(start, end, 6) == date(2027, 8, 30)
    assert extend_period_end(start, extend_period_end(start, end, 1), 1) == date(2027, 4, 30)
    assert extend_period_end(date(2026, 12, 31), date(2027, 6, 30), 2) == date(2027, 8, 30)
    assert extend_period_end(date(2026, 12, 31), date(2027, 6, 30), 1) == date(2027, 7, 30)


def test_extension_from_an_ordinary_start() -> None:
    start = date(2026, 3, 1)
    assert extend_period_end(start, date(2026, 8, 31), 3) == date(2026, 11, 30)
    assert extend_period_end(start, date(2026, 8, 31), 12) == date(2027, 8, 31)


def test_extension_of_an_off_grid_end_lands_on_the_grid() -> None:
    start = date(2026, 8, 31)
    assert extend_period_end(start, date(2026, 12, 10), 1) == date(2026, 12, 30)


def test_extension_needs_at_least_one_month() -> None:
    with pytest.raises(ValueError):
        extend_period_end(date(2026, 3, 1), date(2026, 8, 31), 0)


@pytest.mark.parametrize(
    ("end", "today", "expected"),
    [
        (date(2026, 8, 31), date(2026, 8, 31), 1),
        (date(2026, 8, 31), date(2026, 8, 30), 2),
        (date(2026, 8, 31), date(2026, 8, 1), 31),
        (date(2026, 8, 31), date(2026, 9, 1), 0),
        (date(2026, 8, 31), date(2027, 1, 1), 0),
    ],
)
def test_days_left_counts_today_and_the_last_day(end: date, today: date, expected: int) -> None:
    assert days_left(end, today) == expected
    assert period_over(end, today) == (expected == 0)


@pytest.mark.parametrize(("raw", "expected"), [(1, 1), (6, 6), (12, 12), ("3", 3), (" 12 ", 12)])
def test_valid_extension_months(raw: object, expected: int) -> None:
    assert validate_extension_months(raw) == expected


@pytest.mark.parametrize("raw", [0, 13, -1, 100, True, False, 1.0, 2.5, "", "abc", "1.5", "-3", "٣", None, [3]])
def test_invalid_extension_months(raw: object) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_extension_months(raw)
    assert set(caught.value.fields) == {"months"}


@given(starts, st.integers(min_value=-600, max_value=600))
def test_add_months_lands_in_the_right_month_on_the_nearest_day(d: date, months: int) -> None:
    result = add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day == d.day or (result.day < d.day and (result + timedelta(days=1)).day == 1)


def _end_month(start: date, months: int) -> tuple[int, int]:
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    return year, month0 + 1


@given(starts, st.integers(min_value=1, max_value=120))
def test_a_period_is_never_shorter_than_its_months(start: date, months: int) -> None:
    """Every day of the end month before the start day is in the period (all of it when the day has no twin), and
    nothing of the end month from the start day on: N months, not less."""
    end = period_end(start, months)
    year, month = _end_month(start, months)
    last_day = calendar.monthrange(year, month)[1]
    covered_to = date(year, month, min(start.day - 1, last_day)) if start.day > 1 else date(year, month, 1) - ONE_DAY
    assert end == covered_to
    assert end >= add_months(start, months) - ONE_DAY  # never before the old (clamped) end
    assert end + ONE_DAY >= add_months(start, months)


@given(starts, st.integers(min_value=1, max_value=120))
def test_a_period_is_never_longer_than_its_months_and_three_days(start: date, months: int) -> None:
    """Measured against the start day carried into the end month as if every month had 31 days (31 Aug + 6 months =
    "31 Feb" = 3 Mar), the period is at most three days shorter and never longer; against the clamped month (28 Feb)
    it is at most one day longer."""
    end = period_end(start, months)
    year, month = _end_month(start, months)
    overflow = date(year, month, 1) + timedelta(days=start.day - 1)  # "31 Feb" → 3 Mar
    assert end < overflow
    assert (overflow - end).days <= 4  # end + 3 days + 1 day at most
    assert (end - (add_months(start, months) - ONE_DAY)).days <= 1
    assert (end - start).days + 1 <= 31 * months + 3


@given(starts, st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=60))
def test_an_extension_of_a_plus_b_is_a_then_b(start: date, a: int, b: int) -> None:
    first = period_end(start, STANDARD_MONTHS)
    assert extend_period_end(start, first, a + b) == extend_period_end(start, extend_period_end(start, first, a), b)
    assert extend_period_end(start, first, a) == period_end(start, STANDARD_MONTHS + a)


@given(starts, st.integers(min_value=1, max_value=120))
def test_period_end_grows_with_each_month_and_inverts(start: date, months: int) -> None:
    end = period_end(start, months)
    assert end >= start + timedelta(days=28 * months - 1)
    assert period_end(start, months + 1) > end
    assert months_in_period(start, end) == months


@given(starts, st.integers(min_value=1, max_value=24), st.lists(st.integers(min_value=1, max_value=12), max_size=6))
def test_repeated_extensions_equal_one_extension_of_the_sum(start: date, months: int, extensions: list[int]) -> None:
    end = period_end(start, months)
    for extra in extensions:
        new_end = extend_period_end(start, end, extra)
        assert new_end > end
        end = new_end
    assert end == period_end(start, months + sum(extensions))
    if extensions:
        assert end == extend_period_end(start, period_end(start, months), sum(extensions))


@given(starts, st.integers(min_value=0, max_value=400), st.lists(st.integers(min_value=1, max_value=12), max_size=4))
def test_repeated_extensions_of_any_end_equal_one_extension_of_the_sum(
    start: date, length: int, extensions: list[int]
) -> None:
    end = start + timedelta(days=length)
    one = extend_period_end(start, end, sum(extensions)) if extensions else end
    for extra in extensions:
        end = extend_period_end(start, end, extra)
    assert end == one
