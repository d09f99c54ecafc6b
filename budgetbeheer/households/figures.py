"""A household's figures: one truth for the household page, the statement, the forecast, the handover and the API.

:class:`HouseholdFigures` is an immutable value in cents, for one household at one moment: the database as it is when
read (every booking, every batch in its current state) and the calendar day ``on`` (what has fallen due, what falls
due before the next income). Everything that shows a household's money takes it from :func:`household_figures`;
nothing computes a balance of its own and nothing parses a formatted amount back into cents.

The five figures and how they relate:

``balance``
    What the municipality holds for the household: the balance of its funds account in the ledger, every posting
    booked (a receipt or an advance raises it; a batch's approval lowers it by that household's payments, on the
    batch's execution date, which may be a day or two ahead; a returned payment raises it again).
``planned``
    Payments in batches that are still *proposed*: not approved, so their money is still in ``balance``.
``in_transit``
    Payments in batches that were approved (and perhaps exported or sent) but are not yet settled: their money has
    already left ``balance`` and is on its way to the bank (the household's part of the ledger's payments in
    transit). Not part of ``balance``, ``planned`` or ``reserved``.
``reserved``
    What ``balance`` is kept for besides ``planned``, listed line by line (:class:`Reservation`): every instalment of
    a fixed cost due before the next expected income (:func:`reservation_horizon`; an income that already arrived
    early is not expected again) that has no live payment yet, the ones already due included (arrears, and instalments no run has taken yet), and the household's buffer. A
    household whose period has ended keeps no buffer and reserves only instalments due up to its last day.
``available``
    What could be paid as leefgeld now: ``max(0, balance − planned − reserved)``, computed by the run's own rule
    (:func:`budgetbeheer.payments.planning.leefgeld_amount`).

So ``balance = planned + reserved + available − uncovered``, where ``uncovered = max(0, planned + reserved −
balance)`` is what the money does not cover (then ``available`` is zero). An instalment counts in exactly one of
``planned``/``in_transit``/``reserved`` (or none, once its payment is settled): a live payment takes it out of
``reserved``.

The reservation rule lives in one function, :func:`reserved_instalments`, built from the pure helpers of the planning
and the forecast (:func:`~budgetbeheer.households.forecast.next_income_date`,
:meth:`~budgetbeheer.households.forecast.ObligationSchedule.instalments`,
:func:`~budgetbeheer.payments.planning.payment_order`): when the payment run's rule for "until the next income"
changes, that function is the one place to point at it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.errors import Message, NotFound
from budgetbeheer.households.categories import Category
from budgetbeheer.households.forecast import IncomeExpectation, ObligationSchedule, next_income_date
from budgetbeheer.households.models import ExpectedIncome, FixedCost, Household, Receipt
from budgetbeheer.households.schedule import Frequency
from budgetbeheer.ledger.service import household_balance
from budgetbeheer.payments.arrears import ShortInstalment, short_instalments
from budgetbeheer.payments.models import PaymentBatch, PaymentItem
from budgetbeheer.payments.planning import DueObligation, leefgeld_amount, payment_order

BUFFER = "buffer"
"""The ``kind`` of the buffer's reservation (an instalment's kind is its category)."""
FINAL_STATUSES = ("ending", "ended")
_ONE_DAY = timedelta(days=1)

Instalment = tuple[int, date]
"""``(fixed cost id, due date)``: one obligation."""


@dataclass(frozen=True, slots=True)
class Reservation:
    """One thing the balance is kept for: an instalment (``kind`` its category) or the buffer (``kind`` "buffer")."""

    kind: str
    amount_cents: int
    fixed_cost_id: int | None = None
    due_date: date | None = None
    overdue: bool = False
    """Due before the figures' day and still unpaid."""
    in_arrears: bool = False
    """A payment run recorded it as a shortfall (:mod:`budgetbeheer.payments.arrears`)."""


@dataclass(frozen=True, slots=True)
class HouseholdFigures:
    """See the module docstring for what each figure means and how they add up."""

    household_id: int
    on: date
    balance_cents: int
    planned_cents: int
    in_transit_cents: int
    reserved: tuple[Reservation, ...]
    reserved_until: date
    """The reservation's horizon, exclusive: the next expected income, or the day after the period's last day."""
    final: bool
    """The period is over (``ending``/``ended``, or its last day has passed): no buffer, nothing after the end."""
    arrears: tuple[ShortInstalment, ...] = ()
    """The instalments a run could not pay and that are still unpaid (each once)."""
    live_instalments: frozenset[Instalment] = field(default=frozenset(), repr=False)
    """Every instalment that has a live payment (proposed, approved or settled)."""

    @property
    def reserved_cents(self) -> int:
        return sum(line.amount_cents for line in self.reserved)

    @property
    def reserved_fixed_costs_cents(self) -> int:
        return sum(line.amount_cents for line in self.reserved if line.kind != BUFFER)

    @property
    def buffer_cents(self) -> int:
        return sum(line.amount_cents for line in self.reserved if line.kind == BUFFER)

    @property
    def available_cents(self) -> int:
        """What could be paid as leefgeld now, by the run's rule: never below zero."""
        return leefgeld_amount(self.balance_cents - self.planned_cents, self.reserved_fixed_costs_cents,
                               self.buffer_cents).available_cents

    @property
    def uncovered_cents(self) -> int:
        """How much ``planned + reserved`` exceeds ``balance`` (zero when the money covers it all)."""
        return max(0, self.planned_cents + self.reserved_cents - self.balance_cents)

    @property
    def overdue(self) -> tuple[Reservation, ...]:
        return tuple(line for line in self.reserved if line.overdue)

    def overdue_obligations(self) -> list[DueObligation]:
        """The reserved instalments already due, as the planning's values (for the forecast's carried shortfalls)."""
        return [
            DueObligation(line.fixed_cost_id, Category(line.kind), line.amount_cents, line.due_date)
            for line in self.reserved
            if line.overdue and line.fixed_cost_id is not None and line.due_date is not None
        ]


# ----------------------------------------------------------------------------------------------- the pure rules


def schedule_of(cost: FixedCost) -> ObligationSchedule:
    """A fixed cost's schedule with its whole amount history: each instalment at the amount in force on its own due
    date, as the payment run prices it (also an instalment already due, priced before a later change)."""
    amounts = sorted(cost.amounts, key=lambda row: row.effective_from)
    if not amounts:
        raise ValueError(f"fixed cost {cost.id} has no amount")
    return ObligationSchedule(
        cost.id, Category(cost.category), amounts[0].amount_cents, Frequency(cost.frequency), cost.due_day,
        cost.start_date, cost.end_date, cost.creditor_id,
        tuple((row.effective_from, row.amount_cents) for row in amounts[1:]),
    )


def reservation_horizon(incomes: Sequence[IncomeExpectation], on: date, last_day: date, *, final: bool) -> date:
    """Until when (exclusive) the fixed costs are kept out of the leefgeld, for a run on ``on``: the next expected
    income after ``on`` (:func:`~budgetbeheer.households.forecast.next_income_date`), never beyond the day after the
    period's last day; for a period that is over, that day itself."""
    after_end = last_day + _ONE_DAY
    if final:
        return after_end
    next_income = next_income_date(incomes, on)
    return after_end if next_income is None or next_income > after_end else next_income


def reserved_instalments(
    schedules: Sequence[ObligationSchedule],
    incomes: Sequence[IncomeExpectation],
    on: date,
    *,
    first_day: date,
    last_day: date,
    live: Collection[Instalment],
    final: bool,
) -> tuple[date, list[DueObligation]]:
    """The reservation rule, in one place: ``(horizon, instalments)``.

    The instalments are every one due from the period's ``first_day`` up to the horizon
    (:func:`reservation_horizon`, exclusive) that has no live payment (``live``), in the order a run pays them
    (:func:`~budgetbeheer.payments.planning.payment_order`). Those already due are arrears or instalments no run has
    taken yet: a run takes them first, so they are kept too.
    """
    horizon = reservation_horizon(incomes, on, last_day, final=final)
    due = [
        instalment
        for schedule in schedules
        for instalment in schedule.instalments(first_day, horizon)
        if (instalment.obligation_id, instalment.due_date) not in live
    ]
    return horizon, payment_order(due)


def figures_from(
    *,
    household_id: int,
    on: date,
    balance_cents: int,
    planned_cents: int,
    in_transit_cents: int,
    schedules: Sequence[ObligationSchedule],
    incomes: Sequence[IncomeExpectation],
    first_day: date,
    last_day: date,
    buffer_cents: int,
    final: bool,
    live: frozenset[Instalment] = frozenset(),
    arrears: Sequence[ShortInstalment] = (),
) -> HouseholdFigures:
    """The figures from plain values (no database): :func:`household_figures` reads them, tests give them."""
    horizon, due = reserved_instalments(schedules, incomes, on, first_day=first_day, last_day=last_day, live=live,
                                        final=final)
    short = {(row.fixed_cost_id, row.due_date) for row in arrears}
    lines = [
        Reservation(instalment.category.value, instalment.amount_cents, instalment.obligation_id,
                    instalment.due_date, instalment.due_date < on,
                    (instalment.obligation_id, instalment.due_date) in short)
        for instalment in due
    ]
    if buffer_cents and not final:
        lines.append(Reservation(BUFFER, buffer_cents))
    return HouseholdFigures(household_id, on, balance_cents, planned_cents, in_transit_cents, tuple(lines), horizon,
                            final, tuple(arrears), live)


# ----------------------------------------------------------------------------------------------------- reading them


def last_day(household: Household) -> date:
    """The period's last day: the day ontzorgen ended when it ended early, else the (extended) end date."""
    if household.ended_on is not None and household.ended_on < household.period_end:
        return household.ended_on
    return household.period_end


RECEIVED_EARLY_DAYS = 7
"""A receipt of an income's kind up to this many days before its expected day counts as that income (the same window
as the missing-income signal)."""


def income_expectations(session: Session, household_id: int, on: date | None = None) -> list[IncomeExpectation]:
    """The household's expected incomes. With ``on``: each without its next arrival (on or after ``on``) when a
    receipt of its kind already came in for it (at most :data:`RECEIVED_EARLY_DAYS` days early, by ``on``), so
    money that is already here is not expected again: not by the forecast, and not as the end of the reservation."""
    rows = session.scalars(
        select(ExpectedIncome).where(ExpectedIncome.household_id == household_id).order_by(ExpectedIncome.id)
    )
    incomes = [IncomeExpectation(i.kind, i.amount_cents, i.day, i.start_date, i.end_date) for i in rows]
    if on is None or not incomes:
        return incomes
    window = timedelta(days=RECEIVED_EARLY_DAYS)
    received = session.execute(
        select(Receipt.kind, Receipt.received_on).where(
            Receipt.household_id == household_id, Receipt.received_on >= on - window, Receipt.received_on <= on)
    ).all()
    result = []
    for income in incomes:
        arrivals = income.dates(on, on + window + _ONE_DAY)
        if arrivals and any(kind == income.kind and arrivals[0] - window <= day for kind, day in received):
            income = replace(income, start_date=arrivals[0] + _ONE_DAY)
        result.append(income)
    return result


@dataclass(frozen=True, slots=True)
class _Payments:
    planned_cents: int
    in_transit_cents: int
    live: frozenset[Instalment]


def _payments(session: Session, household_id: int) -> _Payments:
    planned = in_transit = 0
    live: set[Instalment] = set()
    for status, batch_status, cents, fixed_cost_id, due, key in session.execute(
        select(PaymentItem.status, PaymentBatch.status, PaymentItem.amount_cents, PaymentItem.fixed_cost_id,
               PaymentItem.due_date, PaymentItem.obligation_key)
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(PaymentItem.household_id == household_id,
               PaymentItem.status.in_(("proposed", "approved", "settled")))
    ):
        if status == "proposed" and batch_status == "proposed":
            planned += int(cents)
        elif status == "approved":
            in_transit += int(cents)
        if key is not None and fixed_cost_id is not None:
            live.add((int(fixed_cost_id), due))
    return _Payments(planned, in_transit, frozenset(live))


def household_figures(session: Session, household_id: int, on: date | None = None) -> HouseholdFigures:
    """The household's figures now, for the calendar day ``on`` (today when not given): a few small queries on this
    one household, in the caller's transaction."""
    on = on or date.today()
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(Message("Huishouden %(id)s bestaat niet.", id=household_id))
    costs = session.scalars(select(FixedCost).where(FixedCost.household_id == household_id).order_by(FixedCost.id))
    payments = _payments(session, household_id)
    end = last_day(household)
    return figures_from(
        household_id=household_id,
        on=on,
        balance_cents=household_balance(session, household_id),
        planned_cents=payments.planned_cents,
        in_transit_cents=payments.in_transit_cents,
        schedules=[schedule_of(cost) for cost in costs],
        incomes=income_expectations(session, household_id, on),
        first_day=household.period_start,
        last_day=end,
        buffer_cents=household.buffer_cents,
        final=household.status in FINAL_STATUSES or on > end,
        live=payments.live,
        arrears=[row for row in short_instalments(session, household_id=household_id) if row.unpaid],
    )
