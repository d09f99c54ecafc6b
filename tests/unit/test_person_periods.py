"""Each person's own period and the household's span of them (no database: unsaved rows)."""

from __future__ import annotations

from datetime import date

from budgetbeheer.households.persons import household_span, person_period
from budgetbeheer.tables.households import Household, Person

HOUSEHOLD = Household(period_start=date(2026, 3, 1), period_end=date(2026, 8, 31))


def person(**values: object) -> Person:
    return Person(bsn="111222333", first_name="A", last_name="B", date_of_birth=date(1990, 1, 1), **values)


def test_a_person_without_an_own_period_has_the_households() -> None:
    assert person_period(HOUSEHOLD, person()) == (date(2026, 3, 1), date(2026, 8, 31))


def test_a_person_who_left_counts_up_to_the_day_they_left() -> None:
    assert person_period(HOUSEHOLD, person(left_on=date(2026, 5, 10))) == (date(2026, 3, 1), date(2026, 5, 10))
    own = person(period_start=date(2026, 5, 10), period_end=date(2026, 11, 9), left_on=date(2026, 5, 1))
    assert person_period(HOUSEHOLD, own) == (date(2026, 5, 10), date(2026, 5, 10))  # never before its start


def test_the_household_spans_its_persons_periods() -> None:
    later = person(period_start=date(2026, 5, 10), period_end=date(2026, 11, 9))
    assert household_span(HOUSEHOLD, [person(), later]) == (date(2026, 3, 1), date(2026, 11, 9))
    assert household_span(HOUSEHOLD, [later]) == (date(2026, 5, 10), date(2026, 11, 9))
    assert household_span(HOUSEHOLD, []) == (date(2026, 3, 1), date(2026, 8, 31))
