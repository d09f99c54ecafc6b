"""The household's figures and the unpaid instalments, as pure values (no database)."""

from __future__ import annotations

from datetime import date

from budgetbeheer.households.categories import Category
from budgetbeheer.households.figures import (
    BUFFER,
    HouseholdFigures,
    figures_from,
    reservation_horizon,
    reserved_instalments,
)
from budgetbeheer.households.forecast import IncomeExpectation, ObligationSchedule
from budgetbeheer.households.schedule import Frequency
from budgetbeheer.payments.arrears import ShortInstalment, summarise

RENT = ObligationSchedule(1, Category.RENT, 600_00, Frequency.MONTHLY, 1, date(2027, 4, 1),
                          later_amounts=((date(2027, 6, 1), 650_00),))
ENERGY = ObligationSchedule(2, Category.ENERGY, 120_00, Frequency.MONTHLY, 5, date(2027, 4, 1))
BENEFIT = IncomeExpectation("benefit", 1500_00, 15, date(2027, 3, 1))
ALLOWANCE = IncomeExpectation("allowance", 80_00, 3, date(2027, 3, 1))


def figures(on: date, balance: int, *, planned: int = 0, live: frozenset[tuple[int, date]] = frozenset(),
            final: bool = False, buffer: int = 50_00) -> HouseholdFigures:
    return figures_from(household_id=1, on=on, balance_cents=balance, planned_cents=planned, in_transit_cents=0,
                        schedules=[RENT, ENERGY], incomes=[BENEFIT, ALLOWANCE], first_day=date(2027, 3, 1),
                        last_day=date(2027, 8, 31), buffer_cents=buffer, final=final, live=live)


def test_reserved_until_the_next_benefit_not_the_allowance() -> None:
    horizon, due = reserved_instalments([RENT, ENERGY], [BENEFIT, ALLOWANCE], date(2027, 3, 20),
                                        first_day=date(2027, 3, 1), last_day=date(2027, 8, 31), live=(), final=False)
    assert horizon == date(2027, 4, 15)
    assert [(d.category, d.due_date, d.amount_cents) for d in due] == [
        (Category.RENT, date(2027, 4, 1), 600_00), (Category.ENERGY, date(2027, 4, 5), 120_00)]


def test_an_instalment_with_a_live_payment_is_not_reserved_and_one_already_due_is() -> None:
    on = date(2027, 4, 10)
    live = frozenset({(1, date(2027, 4, 1))})
    _, due = reserved_instalments([RENT, ENERGY], [BENEFIT], on, first_day=date(2027, 3, 1),
                                  last_day=date(2027, 8, 31), live=live, final=False)
    assert [(d.obligation_id, d.due_date) for d in due] == [(2, date(2027, 4, 5))]  # energy: due, still unpaid


def test_each_instalment_at_the_amount_on_its_due_date() -> None:
    _, due = reserved_instalments([RENT], [], date(2027, 5, 20), first_day=date(2027, 5, 20),
                                  last_day=date(2027, 6, 30), live=(), final=False)
    assert [(d.due_date, d.amount_cents) for d in due] == [(date(2027, 6, 1), 650_00)]


def test_the_five_figures_add_up() -> None:
    result = figures(date(2027, 3, 18), 1500_00, planned=730_00)
    assert result.reserved_cents == 600_00 + 120_00 + 50_00 and result.buffer_cents == 50_00
    assert result.available_cents == 0 and result.uncovered_cents == 730_00 + 770_00 - 1500_00 == 0
    rich = figures(date(2027, 3, 18), 2000_00, planned=730_00)
    assert rich.available_cents == 2000_00 - 730_00 - 770_00 == 500_00
    poor = figures(date(2027, 3, 18), 700_00)
    assert (poor.available_cents, poor.uncovered_cents) == (0, 70_00)
    for value in (result, rich, poor):
        assert value.balance_cents == (value.planned_cents + value.reserved_cents + value.available_cents
                                       - value.uncovered_cents)


def test_a_period_that_is_over_keeps_no_buffer_and_nothing_after_its_last_day() -> None:
    assert reservation_horizon([BENEFIT], date(2027, 8, 31), date(2027, 8, 31), final=True) == date(2027, 9, 1)
    result = figures(date(2027, 9, 2), 300_00, final=True)
    assert all(line.kind != BUFFER for line in result.reserved)
    assert max(line.due_date for line in result.reserved if line.due_date) <= date(2027, 8, 31)


def test_overdue_lines_are_marked_and_carried_into_the_forecast() -> None:
    result = figures(date(2027, 4, 10), 0, live=frozenset({(1, date(2027, 4, 1))}))
    assert [(line.kind, line.due_date, line.overdue) for line in result.reserved if line.kind != BUFFER] == [
        ("energy", date(2027, 4, 5), True)]
    assert [(o.obligation_id, o.due_date) for o in result.overdue_obligations()] == [(2, date(2027, 4, 5))]


def _short(due: date, cents: int, first: date, paid_on: date | None) -> ShortInstalment:
    return ShortInstalment(1, int(due.strftime("%m")), "rent", due, cents, None, "", "", None, first, first, 3,
                           1 if paid_on else None, 9 if paid_on else None, paid_on, "settled" if paid_on else None)


def test_each_unpaid_instalment_counts_once_split_into_paid_late_and_still_unpaid() -> None:
    rows = [
        _short(date(2027, 1, 1), 150_00, date(2026, 12, 30), date(2027, 1, 20)),  # short before the range, paid in it
        _short(date(2027, 3, 1), 600_00, date(2027, 2, 25), None),  # short in February, never paid
        _short(date(2026, 11, 1), 99_00, date(2026, 10, 29), date(2026, 12, 1)),  # paid before the range
        _short(date(2027, 4, 1), 600_00, date(2027, 4, 2), None),  # short after the range
    ]
    quarter = summarise(rows, date(2027, 1, 1), date(2027, 3, 31))
    assert (quarter.unpaid_during.count, quarter.unpaid_during.amount_cents) == (2, 750_00)
    assert (quarter.paid_late.count, quarter.paid_late.amount_cents) == (1, 150_00)
    assert (quarter.unpaid_at_end.count, quarter.unpaid_at_end.amount_cents) == (1, 600_00)
    january = summarise(rows, date(2027, 1, 1), date(2027, 1, 31))
    assert (january.unpaid_during.count, january.paid_late.count, january.unpaid_at_end.count) == (1, 1, 0)
    february = summarise(rows, date(2027, 2, 1), date(2027, 2, 28))
    assert (february.unpaid_during.amount_cents, february.unpaid_at_end.amount_cents) == (600_00, 600_00)
