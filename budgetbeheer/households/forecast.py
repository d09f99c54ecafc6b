"""A household's cash forecast: day by day, what comes in, what goes out, and when the money would fall short.

A model of the payment runs, not the runs themselves: one run every day, executing on that day. Each day's expected
income arrives first, then that day's run pays the fixed costs due that day and leefgeld on a payday, by the same
rules a payment run uses (:func:`budgetbeheer.payments.planning.plan_run`), without the lead time and the TARGET2
calendar. The leefgeld rule is the runs' rule in this model (:func:`~budgetbeheer.payments.planning.kept_through`
and :func:`~budgetbeheer.payments.planning.income_usable_through` with ``lead_business_days=None``): the run of a day
can use the income of that day, so it keeps back every fixed cost due before the next expected income, and the
paydays before it share what is left. A payday is paid by its own day's run only, so a payday that passed is closed
as in the runs. A fixed cost that does not fit is carried and tried again every following day, as later runs would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from budgetbeheer.households.categories import Category
from budgetbeheer.households.schedule import Frequency, LeefgeldFrequency, due_dates, leefgeld_paydays
from budgetbeheer.payments.planning import (
    DueObligation,
    PlannedPayment,
    Shortfall,
    income_usable_through,
    kept_through,
    plan_run,
)

BENEFIT = "benefit"
"""The income kind that sets the leefgeld horizon when expected (see :func:`next_income_date`)."""

BENEFIT_EARLY_DAYS = 7
"""A benefit receipt dated at most this many days before an expected benefit date is that benefit, come early (a
benefit due on a weekend or a holiday is paid on the business day before; Easter makes that four days)."""

_ONE_DAY = dt.timedelta(days=1)
_SEARCH_DAYS = 400
"""How far ahead the next income is looked for; more than a year, so a yearly income is found."""
_NEAR = dt.timedelta(days=62)


@dataclass(frozen=True, slots=True)
class IncomeExpectation:
    """Income expected on ``day`` (clamped like a due day) from ``start_date`` through ``end_date`` (inclusive)."""

    kind: str
    amount_cents: int
    day: int
    start_date: dt.date
    end_date: dt.date | None = None
    frequency: Frequency = Frequency.MONTHLY

    def __post_init__(self) -> None:
        object.__setattr__(self, "frequency", Frequency(self.frequency))
        if self.amount_cents <= 0:
            raise ValueError(f"expected income must be positive, not {self.amount_cents}")

    def dates(self, window_from: dt.date, window_to: dt.date) -> list[dt.date]:
        """Arrival dates in ``[window_from, window_to)``."""
        return due_dates(self.frequency, self.day, self.start_date, self.end_date, window_from, window_to)


@dataclass(frozen=True, slots=True)
class ObligationSchedule:
    """A fixed cost's schedule (see :func:`budgetbeheer.households.schedule.due_dates`); ``end_date`` inclusive."""

    id: int
    category: Category
    amount_cents: int
    frequency: Frequency
    due_day: int
    start_date: dt.date
    end_date: dt.date | None = None
    creditor_id: int | None = None
    later_amounts: tuple[tuple[dt.date, int], ...] = ()
    """Changes already entered that take effect later: ``(effective from, cents)``, oldest first. An instalment is
    priced at the amount in force on its own due date, as the payment run does."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "category", Category(self.category))
        object.__setattr__(self, "frequency", Frequency(self.frequency))
        if self.amount_cents <= 0 or any(cents <= 0 for _, cents in self.later_amounts):
            raise ValueError(f"fixed cost {self.id}: amount must be positive, not {self.amount_cents}")

    def amount_on(self, due: dt.date) -> int:
        amount = self.amount_cents
        for effective_from, cents in self.later_amounts:
            if effective_from <= due:
                amount = cents
        return amount

    def instalments(self, window_from: dt.date, window_to: dt.date) -> list[DueObligation]:
        """The instalments due in ``[window_from, window_to)``."""
        return [
            DueObligation(self.id, self.category, self.amount_on(due), due, self.creditor_id)
            for due in due_dates(self.frequency, self.due_day, self.start_date, self.end_date, window_from, window_to)
        ]


@dataclass(frozen=True, slots=True)
class LeefgeldPlan:
    """How the household gets its leefgeld: weekly on ISO weekday ``day`` or monthly on ``day``; the buffer kept."""

    frequency: LeefgeldFrequency
    day: int
    buffer_cents: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "frequency", LeefgeldFrequency(self.frequency))
        if self.buffer_cents < 0:
            raise ValueError("buffer cannot be negative")


@dataclass(frozen=True, slots=True)
class ForecastDay:
    """One day of the forecast. ``unpaid_cents``: fixed costs due by the end of this day that are still unpaid."""

    date: dt.date
    income_cents: int
    fixed_costs_cents: int
    leefgeld_cents: int
    closing_balance_cents: int
    unpaid_cents: int = 0
    payments: tuple[PlannedPayment, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()


class Uncovered(NamedTuple):
    """The first fixed cost the money would not cover: on ``date``, the instalment due on ``due_date``."""

    date: dt.date
    category: Category
    amount_cents: int
    obligation_id: int
    due_date: dt.date


@dataclass(frozen=True, slots=True)
class Forecast:
    opening_balance_cents: int
    days: tuple[ForecastDay, ...]
    first_uncovered: Uncovered | None

    @property
    def closing_balance_cents(self) -> int:
        return self.days[-1].closing_balance_cents if self.days else self.opening_balance_cents


def next_income_date(
    incomes: Sequence[IncomeExpectation], after: dt.date, *, benefit_received_on: dt.date | None = None
) -> dt.date | None:
    """The next expected income strictly after ``after``, the income that ends the leefgeld reservation.

    That is the next expected benefit (kind ``"benefit"``) when one is expected, else the next income of any kind. A
    small receipt (an allowance) before the benefit therefore does not shorten the reservation: money a fixed cost due
    before the benefit needs is never released as leefgeld because a few euros arrive first. ``None`` when nothing is
    expected within 400 days.

    ``benefit_received_on``: the date of the latest benefit receipt already in the balance. An expected benefit up to
    :data:`BENEFIT_EARLY_DAYS` days after it has arrived (early) and is not the next income: the money a run sees
    already holds it, so the reservation runs to the benefit after it.
    """
    window_from = after + _ONE_DAY
    window_to = window_from + dt.timedelta(days=_SEARCH_DAYS)
    benefit_from = window_from
    if benefit_received_on is not None:
        arrived_through = benefit_received_on + dt.timedelta(days=BENEFIT_EARLY_DAYS)
        if arrived_through >= benefit_from:
            benefit_from = arrived_through + _ONE_DAY
    firsts: list[tuple[bool, dt.date]] = []
    for income in incomes:
        is_benefit = income.kind == BENEFIT
        start = benefit_from if is_benefit else window_from
        # A monthly income falls within two months; look further (a year and more) only when it does not.
        dates = income.dates(start, start + _NEAR) or income.dates(start, window_to)
        if dates:
            firsts.append((is_benefit, dates[0]))
    benefit = [d for is_benefit, d in firsts if is_benefit]
    candidates = benefit or [d for _, d in firsts]
    return min(candidates, default=None)


class LeefgeldHorizon(NamedTuple):
    """How far a run's leefgeld looks ahead: the next income it cannot have (None: none expected) and the last due
    date (and payday) the money there now must pay, inclusive."""

    next_income: dt.date | None
    kept_through: dt.date


def leefgeld_horizon(
    incomes: Sequence[IncomeExpectation],
    run_date: dt.date,
    lead_business_days: int | None,
    period_end: dt.date,
    *,
    benefit_received_on: dt.date | None = None,
) -> LeefgeldHorizon:
    """The leefgeld rule's horizon for a run on ``run_date`` (rules 4 and 5 of :mod:`budgetbeheer.payments.planning`):
    the next expected income after :func:`~budgetbeheer.payments.planning.income_usable_through`, and what must be
    paid before it can be used (:func:`~budgetbeheer.payments.planning.kept_through`), never past ``period_end``.
    ``lead_business_days`` as the payment runs use it, or None for the forecast's model. The payment run computes
    the same from remembered parts (``payments.runs``); a page that shows what is reserved can use this."""
    next_income = next_income_date(incomes, income_usable_through(run_date, lead_business_days),
                                   benefit_received_on=benefit_received_on)
    if next_income is None:
        return LeefgeldHorizon(None, period_end)
    kept = kept_through(next_income, lead_business_days)
    return LeefgeldHorizon(next_income, kept if kept < period_end else period_end)


def forecast(
    opening_balance_cents: int,
    today: dt.date,
    *,
    days: int = 56,
    expected_incomes: Sequence[IncomeExpectation] = (),
    fixed_costs: Sequence[ObligationSchedule] = (),
    leefgeld: LeefgeldPlan,
    period_end: dt.date,
    open_shortfalls: Sequence[DueObligation] = (),
    benefit_received_on: dt.date | None = None,
) -> Forecast:
    """Forecast ``days`` days from ``today``: one row per day in ``[today, today + days)``.

    ``opening_balance_cents`` is the balance at the start of ``today``, before that day's income and payments.
    ``open_shortfalls`` are instalments already unpaid; they are tried again from ``today`` on.
    ``benefit_received_on``: the date of the latest benefit receipt in ``opening_balance_cents``; an expected benefit
    up to :data:`BENEFIT_EARLY_DAYS` days after it came early: it is in the opening balance and does not arrive again.

    Each day: the expected income arrives; then, through ``period_end`` (inclusive), a run pays that day's fixed costs
    and, on a leefgeld payday, leefgeld as :func:`~budgetbeheer.payments.planning.leefgeld_amount` computes it, keeping
    back the fixed costs due before the next expected income (:func:`next_income_date`) or through ``period_end``,
    whichever is first. On ``period_end`` the whole remaining balance is paid out. After ``period_end`` nothing is
    paid; income still arrives as far as ``expected_incomes`` say (give them an end date when it stops).

    ``first_uncovered``: the first day a fixed cost would not be covered, the highest-priority one of that day.
    """
    if days < 1:
        raise ValueError(f"a forecast covers at least one day, not {days}")
    balance = opening_balance_cents
    arrived_through = (
        None if benefit_received_on is None else benefit_received_on + dt.timedelta(days=BENEFIT_EARLY_DAYS)
    )
    carried = list(open_shortfalls)
    first_uncovered: Uncovered | None = None
    rows: list[ForecastDay] = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        tomorrow = day + _ONE_DAY
        income = sum(
            e.amount_cents * len(e.dates(day, tomorrow))
            for e in expected_incomes
            if arrived_through is None or e.kind != BENEFIT or day > arrived_through
        )
        balance += income
        fixed_out = leefgeld_out = 0
        payments: tuple[PlannedPayment, ...] = ()
        shortfalls: tuple[Shortfall, ...] = ()
        if day <= period_end:
            due_today = [due for cost in fixed_costs for due in cost.instalments(day, tomorrow)]
            next_income, last = leefgeld_horizon(expected_incomes, day, None, period_end,
                                                 benefit_received_on=benefit_received_on)
            horizon = last + _ONE_DAY
            final = day == period_end
            paydays: list[dt.date] = []
            if final:
                paydays = [day]
            elif leefgeld_paydays(leefgeld.frequency, leefgeld.day, day, tomorrow):
                paydays = leefgeld_paydays(leefgeld.frequency, leefgeld.day, day, horizon)
            if carried or due_today or paydays:
                plan = plan_run(
                    balance,
                    [*carried, *due_today],
                    due_before_next_income=[due for cost in fixed_costs for due in cost.instalments(tomorrow, horizon)],
                    next_income_date=next_income,
                    kept_through=last,
                    buffer_cents=leefgeld.buffer_cents,
                    leefgeld_frequency=leefgeld.frequency,
                    leefgeld_paydays=paydays,
                    final=final,
                )
                payments, shortfalls = plan.payments, plan.shortfalls
                fixed_out, leefgeld_out = plan.fixed_costs_cents, plan.leefgeld_cents
                balance = plan.balance_after_cents
                carried = [s.as_due() for s in shortfalls]
                if first_uncovered is None and shortfalls:
                    s = shortfalls[0]
                    first_uncovered = Uncovered(day, s.category, s.amount_cents, s.obligation_id, s.due_date)
        rows.append(
            ForecastDay(
                day,
                income,
                fixed_out,
                leefgeld_out,
                balance,
                sum(c.amount_cents for c in carried),
                payments,
                shortfalls,
            )
        )
    return Forecast(opening_balance_cents, tuple(rows), first_uncovered)
