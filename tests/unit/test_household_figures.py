"""The household's figures and the unpaid instalments, as pure values (no database)."""

from __future__ import annotations

from datetime import date

from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.forecast import IncomeExpectation, LeefgeldHorizon, ObligationSchedule
from budgetbeheer.domain.schedule import Frequency
from budgetbeheer.households.figures import (
    BUFFER,
    HouseholdFigures,
    figures_from,
    next_run_date,
    reservation_horizon,
    reserved_instalments,
)
from budgetbeheer.payments.arrears import ShortInstalment, summarise

RENT = ObligationSchedule(1, Category.RENT, 600_00, Frequency.MONTHLY, 1, date(2027, 4, 1),
                          later_amounts=((date(2027, 6, 1), 650_00),))
ENERGY = ObligationSchedule(2, Category.ENERGY, 120_00, Frequency.MONTHLY, 5, date(2027, 4, 1))
WATER = ObligationSchedule(3, Category.WATER, 30_00, Frequency.MONTHLY, 19, date(2027, 4, 1))
BENEFIT = IncomeExpectation("benefit", 1500_00, 15, date(2027, 3, 1))
ALLOWANCE = IncomeExpectation("allowance", 80_00, 3, date(2027, 3, 1))
LAST_DAY = date(2027, 8, 31)  # a Tuesday


def figures(on: date, balance: int, *, planned: int = 0, live: frozenset[tuple[int, date]] = frozenset(),
            ending: bool = False, buffer: int = 50_00, extension_end: date | None = None,
            received: date | None = None) -> HouseholdFigures:
    return figures_from(household_id=1, on=on, balance_cents=balance, planned_cents=planned, in_transit_cents=0,
                        schedules=[RENT, ENERGY], incomes=[BENEFIT, ALLOWANCE], first_day=date(2027, 3, 1),
                        last_day=LAST_DAY, buffer_cents=buffer, ending=ending, live=live,
                        extension_end=extension_end, benefit_received_on=received)


def test_the_figures_follow_the_run_the_scheduler_prepares_next() -> None:
    assert next_run_date(date(2027, 3, 18)) == date(2027, 3, 19)  # Thursday: Friday's run
    assert next_run_date(date(2027, 3, 20)) == date(2027, 3, 22)  # Saturday: Monday's, prepared on Friday
    assert next_run_date(date(2027, 3, 25)) == date(2027, 3, 30)  # before Easter: Tuesday 30 March
    assert figures(date(2027, 3, 20), 0).next_run_on == date(2027, 3, 22)


def test_reserved_until_the_next_benefit_can_be_used_not_until_the_allowance() -> None:
    # The run of Monday 22 March: the next benefit is Thursday 15 April, first used by the run of Friday 16 April;
    # everything executed up to 15 April is kept, lead time included: due up to Monday 19 April.
    horizon = reservation_horizon([BENEFIT, ALLOWANCE], date(2027, 3, 22), lead_business_days=2,
                                  last_day=LAST_DAY, final=False)
    assert horizon == LeefgeldHorizon(date(2027, 4, 15), date(2027, 4, 19))
    due = reserved_instalments([RENT, ENERGY, WATER], horizon.kept_through, first_day=date(2027, 3, 1), live=())
    # The water of Monday 19 April is due after the benefit, but executed on the 15th, before a run can use it.
    assert [(d.category, d.due_date, d.amount_cents) for d in due] == [
        (Category.RENT, date(2027, 4, 1), 600_00), (Category.ENERGY, date(2027, 4, 5), 120_00),
        (Category.WATER, date(2027, 4, 19), 30_00)]


def test_an_instalment_with_a_live_payment_is_not_reserved_and_one_already_due_is() -> None:
    live = frozenset({(1, date(2027, 4, 1))})
    due = reserved_instalments([RENT, ENERGY], date(2027, 4, 19), first_day=date(2027, 3, 1), live=live)
    assert [(d.obligation_id, d.due_date) for d in due] == [(2, date(2027, 4, 5))]  # energy: due, still unpaid


def test_each_instalment_at_the_amount_on_its_due_date() -> None:
    due = reserved_instalments([RENT], date(2027, 6, 20), first_day=date(2027, 5, 20), live=())
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


def test_a_benefit_received_early_counts_as_arrived_by_the_planning_rule() -> None:
    # Tuesday 13 April, the April benefit (15th) came in today: the run of the 14th keeps everything up to the May
    # benefit (Saturday 15 May, booked Monday the 17th, first used on the 18th): due up to Wednesday 19 May.
    early = figures(date(2027, 4, 13), 1500_00, live=frozenset({(1, date(2027, 4, 1)), (2, date(2027, 4, 5))}),
                    received=date(2027, 4, 13))
    assert (early.next_income, early.reserved_through) == (date(2027, 5, 15), date(2027, 5, 19))
    assert [(line.kind, line.due_date) for line in early.reserved] == [
        ("rent", date(2027, 5, 1)), ("energy", date(2027, 5, 5)), ("buffer", None)]
    assert early.available_cents == 1500_00 - 600_00 - 120_00 - 50_00
    # Not counted as arrived: the benefit of the 15th is the next income and nothing after it is kept.
    waiting = figures(date(2027, 4, 13), 1500_00, live=frozenset({(1, date(2027, 4, 1)), (2, date(2027, 4, 5))}))
    assert (waiting.next_income, waiting.reserved_through, waiting.available_cents) == (
        date(2027, 4, 15), date(2027, 4, 19), 1500_00 - 50_00)


def test_the_final_settlement_reserves_what_it_pays_and_pays_out_the_rest() -> None:
    # Over (ending): no buffer, nothing after the last day; the final run pays what fits in priority order (rent
    # 600 does not fit in 300; the energy of April and May does) and the rest, 60.00, is paid out.
    result = figures(date(2027, 9, 2), 300_00, ending=True)
    assert result.final and all(line.kind != BUFFER for line in result.reserved)
    assert [(line.kind, line.due_date) for line in result.reserved] == [
        ("energy", date(2027, 4, 5)), ("energy", date(2027, 5, 5))]
    assert result.available_cents == 60_00 and result.uncovered_cents == 0
    assert max(line.due_date for line in result.not_paid_at_end if line.due_date) <= LAST_DAY
    assert {line.kind for line in result.not_paid_at_end} == {"rent", "energy"}
    assert result.balance_cents == result.planned_cents + result.reserved_cents + result.available_cents


def test_the_next_run_is_final_when_it_pays_the_last_day_unless_an_extension_is_pending() -> None:
    paid = frozenset((cost, date(2027, month, day)) for month in range(4, 9) for cost, day in ((1, 1), (2, 5)))
    assert not figures(date(2027, 8, 25), 1000_00, live=paid).final  # the run of Thursday 26 August pays to 30 August
    last = figures(date(2027, 8, 26), 1000_00, live=paid)  # the run of Friday 27 August pays through 31 August
    assert last.final and last.available_cents == 1000_00 and last.reserved == ()
    # While an extension request waits, the period counts as extended: the run keeps the buffer and the costs of
    # September, up to the September benefit (Wednesday 15th, first used on the 16th): due up to the 17th.
    pending = figures(date(2027, 8, 26), 1000_00, live=paid, extension_end=date(2027, 9, 30))
    assert not pending.final and pending.extension_pending and pending.last_day == date(2027, 9, 30)
    assert [(line.kind, line.due_date) for line in pending.reserved] == [
        ("rent", date(2027, 9, 1)), ("energy", date(2027, 9, 5)), ("buffer", None)]
    assert pending.available_cents == 1000_00 - 650_00 - 120_00 - 50_00


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


def _with_one_offs(balance: int, one_offs: int, *, ending: bool = False) -> HouseholdFigures:
    return figures_from(household_id=1, on=date(2027, 3, 20), balance_cents=balance, planned_cents=0,
                        in_transit_cents=0, schedules=[RENT, ENERGY], incomes=[BENEFIT, ALLOWANCE],
                        first_day=date(2027, 3, 1), last_day=LAST_DAY, buffer_cents=50_00, ending=ending,
                        one_offs_cents=one_offs)


def test_approved_one_off_payments_are_kept_back_from_the_leefgeld_as_the_run_pays_them_first() -> None:
    # Rent 600 and energy 120 are kept until the benefit; the buffer 50; an approved one-off of 200 waits for the run.
    plain, with_one_off = _with_one_offs(1500_00, 0), _with_one_offs(1500_00, 200_00)
    assert plain.available_cents == 1500_00 - 720_00 - 50_00
    assert with_one_off.available_cents == plain.available_cents - 200_00
    assert (with_one_off.one_offs_cents, with_one_off.reserved_fixed_costs_cents) == (200_00, 720_00)
    assert [line.kind for line in with_one_off.reserved][-2:] == ["one_off", BUFFER]
    # More than the money beyond the fixed costs: it waits, and no leefgeld is paid meanwhile.
    assert _with_one_offs(900_00, 200_00).available_cents == 0
    # The final settlement pays a one-off payment only when it fits after every fixed cost up to the end (rent
    # 600 + 3 x 650 + 600, energy 5 x 120 = 3,750.00), then pays out the rest.
    final = _with_one_offs(5000_00, 200_00, ending=True)
    assert final.final and final.one_offs_cents == 200_00 and final.available_cents == 5000_00 - 3750_00 - 200_00
    too_big = _with_one_offs(1000_00, 200_00, ending=True)
    assert too_big.one_offs_cents == 0
    assert too_big.available_cents == _with_one_offs(1000_00, 0, ending=True).available_cents
