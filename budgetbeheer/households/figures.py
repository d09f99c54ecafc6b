"""A household's figures: one truth for the household page, the statement, the forecast, the handover and the API.

:class:`HouseholdFigures` is an immutable value in cents, for one household at one moment: the database as it is when
read (every booking, every batch in its current state) and the calendar day ``on``. Everything that shows a
household's money takes it from :func:`household_figures`; nothing computes a balance of its own and nothing parses a
formatted amount back into cents.

**"Reserved today" means what the next payment run keeps back.** The scheduler prepares on each day the run of the
next TARGET2 business day (``payments.prepare_runs``); the figures of ``on`` follow that run, the run executing on
:func:`next_run_date` (``add_business_days(on, 1)``), by the run's own rule: the leefgeld horizon of
:func:`~budgetbeheer.domain.forecast.leefgeld_horizon` (the next expected benefit that run cannot have, with the
latest benefit receipt for one that came early, and every instalment executed before a run can use it, lead time
included), the buffer, and the final settlement when that run is the last of the period. So ``available`` is exactly
the leefgeld that run would compute from the same state (:class:`~budgetbeheer.domain.planning.LeefgeldAmount`
``available_cents``, shared over the paydays up to the horizon). When that run is already prepared, its payments are
``planned`` and ``available`` is what is still free after them.

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
    a fixed cost that the next run keeps back (due from the period's start up to :attr:`HouseholdFigures.reserved_through`)
    and that has no live payment yet, the ones already due included (arrears, and instalments no run has taken yet),
    and the household's buffer. While an extension request is pending the period counts as extended (the run keeps
    the fixed costs after the end date back as if the request will be approved). When the next run is the final
    settlement there is no buffer and nothing after the last day, and only the instalments that run can pay (in full,
    in priority order) are reserved: the others are :attr:`HouseholdFigures.not_paid_at_end`, because the final run
    pays the rest of the money out.
``available``
    What could be paid as leefgeld by the next run: ``max(0, balance − planned − reserved)``
    (:func:`budgetbeheer.domain.planning.leefgeld_amount`); for the final settlement the whole rest.

So ``balance = planned + reserved + available − uncovered``, where ``uncovered = max(0, planned + reserved −
balance)`` is what the money does not cover (then ``available`` is zero). An instalment counts in exactly one of
``planned``/``in_transit``/``reserved``/``not_paid_at_end`` (or none, once its payment is settled or when it falls
after the horizon): a live payment takes it out of ``reserved``.

The reservation rule lives in :func:`figures_from` and the pure helpers above it, built from the planning's and the
forecast's own functions (:func:`~budgetbeheer.domain.forecast.leefgeld_horizon`,
:func:`~budgetbeheer.domain.planning.plan_run`); the payment run (:mod:`budgetbeheer.payments.runs`) applies the
same functions to every household.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.config import Settings
from budgetbeheer.domain.calendar import add_business_days, last_due_date_covered
from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.forecast import (
    BENEFIT,
    BENEFIT_EARLY_DAYS,
    IncomeExpectation,
    LeefgeldHorizon,
    ObligationSchedule,
    leefgeld_horizon,
)
from budgetbeheer.domain.planning import (
    LEEFGELD,
    DueObligation,
    income_usable_through,
    leefgeld_amount,
    payment_order,
    plan_run,
)
from budgetbeheer.domain.schedule import Frequency, LeefgeldFrequency
from budgetbeheer.errors import Message, NotFound
from budgetbeheer.ledger.service import household_balance
from budgetbeheer.payments.arrears import ShortInstalment, short_instalments
from budgetbeheer.payments.iban_holds import active_hold_reasons, compact
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, Household, Receipt
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem
from budgetbeheer.tables.reads import pending_extension_ends, waiting_one_off_cents
from budgetbeheer.tables.states import (
    HOUSEHOLD_FINAL,
    ITEM_PLANNED,
    BatchStatus,
    CreditorStatus,
    HouseholdStatus,
    ItemStatus,
)

BUFFER = "buffer"
"""The ``kind`` of the buffer's reservation (an instalment's kind is its category)."""
ONE_OFFS = "one_off"
"""The ``kind`` of the reservation of approved one-off payments the next run pays before the leefgeld."""
FINAL_STATUSES = HOUSEHOLD_FINAL
DEFAULT_LEAD_BUSINESS_DAYS = Settings.lead_business_days
"""``BUDGETBEHEER_LEAD_BUSINESS_DAYS`` when the caller does not give the settings' value."""
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
    """The reservation's horizon, exclusive: the day after the last due date the next run keeps back
    (:attr:`reserved_through`)."""
    final: bool
    """The next run is the final settlement of the period (``ending``/``ended``, or the period's last day falls
    within what that run pays) and no extension request is pending: no buffer, nothing after the end."""
    available_cents: int
    """What the next run could pay as leefgeld (see the module docstring); never below zero."""
    next_run_on: date
    """The execution date of the run these figures follow (:func:`next_run_date`)."""
    last_day: date
    """The last day the reservation counts to: the period's last day, or while an extension request is pending the
    end it would get."""
    next_income: date | None = None
    """The next expected income that run cannot have (the end of its reservation); None when none is expected or
    for the final settlement."""
    extension_pending: bool = False
    not_paid_at_end: tuple[Reservation, ...] = ()
    """For the final settlement: the instalments up to the last day without a live payment that it cannot pay (the
    money does not cover them in full, or their IBAN is held); the final run pays the rest out."""
    arrears: tuple[ShortInstalment, ...] = ()
    """The instalments a run could not pay and that are still unpaid (each once)."""
    benefit_received_on: date | None = None
    """The latest benefit receipt that can be an expected benefit come early, for the next run (as the run reads
    it)."""
    leefgeld_paid_through: date | None = None
    """The latest payday that has a live leefgeld payment."""
    unpayable: frozenset[int] = field(default=frozenset(), repr=False)
    """Fixed costs the final settlement does not pay (a held IBAN, or a household reopened for its payout)."""
    live_instalments: frozenset[Instalment] = field(default=frozenset(), repr=False)
    """Every instalment that has a live payment (proposed, approved or settled)."""

    @property
    def reserved_cents(self) -> int:
        return sum(line.amount_cents for line in self.reserved)

    @property
    def reserved_fixed_costs_cents(self) -> int:
        return sum(line.amount_cents for line in self.reserved if line.kind not in (BUFFER, ONE_OFFS))

    @property
    def one_offs_cents(self) -> int:
        """Approved one-off payments no run has taken yet (the next run pays them before the leefgeld)."""
        return sum(line.amount_cents for line in self.reserved if line.kind == ONE_OFFS)

    @property
    def buffer_cents(self) -> int:
        return sum(line.amount_cents for line in self.reserved if line.kind == BUFFER)

    @property
    def reserved_through(self) -> date:
        """The last due date (inclusive) the next run keeps back."""
        return self.reserved_until - _ONE_DAY

    @property
    def uncovered_cents(self) -> int:
        """How much ``planned + reserved`` exceeds ``balance`` (zero when the money covers it all)."""
        return max(0, self.planned_cents + self.reserved_cents - self.balance_cents)

    @property
    def overdue(self) -> tuple[Reservation, ...]:
        return tuple(line for line in self.reserved if line.overdue)

    def overdue_obligations(self) -> list[DueObligation]:
        """The instalments already due without a live payment that a run would still try, as the planning's values
        (the forecast's carried shortfalls)."""
        return [
            DueObligation(line.fixed_cost_id, Category(line.kind), line.amount_cents, line.due_date)
            for line in (*self.reserved, *self.not_paid_at_end)
            if line.overdue and line.fixed_cost_id is not None and line.due_date is not None
            and line.fixed_cost_id not in self.unpayable
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


def next_run_date(on: date) -> date:
    """The execution date of the run the figures of ``on`` follow: the run the scheduler prepares on ``on``
    (``payments.prepare_runs``: the first TARGET2 business day after it). On a weekend or a holiday that is the run it
    already prepared on the business day before."""
    return add_business_days(on, 1)


def is_final_run(run_date: date, last_day: date, lead_business_days: int, *, ending: bool,
                 extension_end: date | None = None) -> bool:
    """Whether the run for ``run_date`` is the household's final settlement, as the payment run decides: the household
    is ``ending`` (or ``ended``) or its ``last_day`` falls within what the run pays, and no extension request is
    pending (``extension_end``)."""
    if extension_end is not None:
        return False
    return ending or last_day <= last_due_date_covered(run_date, lead_business_days)


def reservation_horizon(
    incomes: Sequence[IncomeExpectation],
    run_date: date,
    *,
    lead_business_days: int,
    last_day: date,
    final: bool,
    benefit_received_on: date | None = None,
) -> LeefgeldHorizon:
    """What the run for ``run_date`` keeps back (:func:`~budgetbeheer.domain.forecast.leefgeld_horizon`): the
    next expected income it cannot have and the last due date the money there now must pay, never past ``last_day``;
    for the final settlement everything up to ``last_day``."""
    if final:
        return LeefgeldHorizon(None, last_day)
    return leefgeld_horizon(incomes, run_date, lead_business_days, last_day, benefit_received_on=benefit_received_on)


def reserved_instalments(
    schedules: Sequence[ObligationSchedule],
    kept_through: date,
    *,
    first_day: date,
    live: Collection[Instalment],
) -> list[DueObligation]:
    """Every instalment due from the period's ``first_day`` up to ``kept_through`` (inclusive) that has no live
    payment (``live``), in the order a run pays them (:func:`~budgetbeheer.domain.planning.payment_order`). Those
    already due are arrears or instalments no run has taken yet: a run takes them first, so they are kept too."""
    due = [
        instalment
        for schedule in schedules
        for instalment in schedule.instalments(first_day, kept_through + _ONE_DAY)
        if (instalment.obligation_id, instalment.due_date) not in live
    ]
    return payment_order(due)


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
    ending: bool,
    lead_business_days: int = DEFAULT_LEAD_BUSINESS_DAYS,
    run_date: date | None = None,
    extension_end: date | None = None,
    benefit_received_on: date | None = None,
    live: frozenset[Instalment] = frozenset(),
    arrears: Sequence[ShortInstalment] = (),
    unpayable: frozenset[int] = frozenset(),
    leefgeld_paid_through: date | None = None,
    one_offs_cents: int = 0,
) -> HouseholdFigures:
    """The figures from plain values (no database): :func:`household_figures` reads them, tests give them.

    ``ending``: the household's status is ``ending`` or ``ended``. ``run_date``: the run the figures follow
    (default :func:`next_run_date`). ``extension_end``: the end the period gets once a pending extension request is
    approved (None: none pending). ``unpayable``: fixed costs the final settlement does not pay. ``one_offs_cents``:
    approved one-off payments no run has taken yet; the run pays them first when they fit beyond the fixed costs
    (else they wait and the money is kept for them), so they are a line of their own (:data:`ONE_OFFS`)."""
    run_date = run_date or next_run_date(on)
    final = is_final_run(run_date, last_day, lead_business_days, ending=ending, extension_end=extension_end)
    counts_to = extension_end if extension_end is not None else last_day
    horizon = reservation_horizon(incomes, run_date, lead_business_days=lead_business_days, last_day=counts_to,
                                  final=final, benefit_received_on=benefit_received_on)
    due = reserved_instalments(schedules, horizon.kept_through, first_day=first_day, live=live)
    short = {(row.fixed_cost_id, row.due_date) for row in arrears}

    def line(instalment: DueObligation) -> Reservation:
        return Reservation(instalment.category.value, instalment.amount_cents, instalment.obligation_id,
                           instalment.due_date, instalment.due_date < on,
                           (instalment.obligation_id, instalment.due_date) in short)

    money = balance_cents - planned_cents
    not_paid: list[Reservation] = []
    one_off_lines: list[Reservation] = []
    if one_offs_cents:
        payable = [o for o in due if o.obligation_id not in unpayable] if final else due
        if not final or one_offs_cents <= money - sum(o.amount_cents for o in payable):
            one_off_lines.append(Reservation(ONE_OFFS, one_offs_cents))
            money -= one_offs_cents  # paid (or kept for) first; the final settlement pays it only when it fits
    if final:
        # The final settlement pays what fits, in priority order, and the whole rest as leefgeld.
        plan = plan_run(money, [o for o in due if o.obligation_id not in unpayable], next_income_date=None,
                        buffer_cents=0, leefgeld_frequency=LeefgeldFrequency.MONTHLY, leefgeld_paydays=[run_date],
                        final=True)
        paid = {(p.obligation_id, p.due_date) for p in plan.payments if p.kind != LEEFGELD}
        lines = [line(o) for o in due if (o.obligation_id, o.due_date) in paid] + one_off_lines
        not_paid = [line(o) for o in due if (o.obligation_id, o.due_date) not in paid]
        available = plan.leefgeld.available_cents if plan.leefgeld is not None else 0
    else:
        lines = [line(o) for o in due] + one_off_lines
        if buffer_cents:
            lines.append(Reservation(BUFFER, buffer_cents))
        available = leefgeld_amount(money, sum(o.amount_cents for o in due), buffer_cents).available_cents
    return HouseholdFigures(
        household_id, on, balance_cents, planned_cents, in_transit_cents, tuple(lines),
        horizon.kept_through + _ONE_DAY, final, available, run_date, counts_to,
        next_income=horizon.next_income, extension_pending=extension_end is not None,
        not_paid_at_end=tuple(not_paid), arrears=tuple(arrears), benefit_received_on=benefit_received_on,
        leefgeld_paid_through=leefgeld_paid_through, unpayable=unpayable, live_instalments=live,
    )


# ----------------------------------------------------------------------------------------------------- reading them


def last_day(household: Household) -> date:
    """The period's last day: the day ontzorgen ended when it ended early, else the (extended) end date."""
    if household.ended_on is not None and household.ended_on < household.period_end:
        return household.ended_on
    return household.period_end


def income_expectations(session: Session, household_id: int,
                        rows: Sequence[ExpectedIncome] | None = None) -> list[IncomeExpectation]:
    """The household's expected incomes, as entered (``rows``: already read, by id). A benefit that already came
    early is not taken out here: the planning's rule (``benefit_received_on``, :func:`benefit_received_on`) says
    when an expected benefit has arrived, for the runs, the figures and the forecast alike."""
    if rows is None:
        rows = list(session.scalars(
            select(ExpectedIncome).where(ExpectedIncome.household_id == household_id).order_by(ExpectedIncome.id)
        ))
    return [IncomeExpectation(i.kind, i.amount_cents, i.day, i.start_date, i.end_date,
                              Frequency(i.frequency)) for i in rows]


def benefit_received_on(session: Session, household_id: int, run_date: date, lead_business_days: int) -> date | None:
    """The latest benefit receipt that can be an expected benefit come early for the run of ``run_date``: dated
    after :data:`~budgetbeheer.domain.forecast.BENEFIT_EARLY_DAYS` days before the last day whose income that
    run can have (:func:`~budgetbeheer.domain.planning.income_usable_through`). The payment run reads the same for
    all households at once (``payments.runs.read._benefits_received``)."""
    usable_through = income_usable_through(run_date, lead_business_days)
    return session.scalar(
        select(func.max(Receipt.received_on)).where(
            Receipt.household_id == household_id,
            Receipt.kind == BENEFIT,
            Receipt.received_on > usable_through - timedelta(days=BENEFIT_EARLY_DAYS),
        )
    )


@dataclass(frozen=True, slots=True)
class _Payments:
    planned_cents: int
    in_transit_cents: int
    live: frozenset[Instalment]
    leefgeld_paid_through: date | None


def _payments(session: Session, household_id: int) -> _Payments:
    planned = in_transit = 0
    live: set[Instalment] = set()
    leefgeld_through: date | None = None
    for status, batch_status, cents, fixed_cost_id, due, key in session.execute(
        select(PaymentItem.status, PaymentBatch.status, PaymentItem.amount_cents, PaymentItem.fixed_cost_id,
               PaymentItem.due_date, PaymentItem.obligation_key)
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(PaymentItem.household_id == household_id,
               PaymentItem.status.in_(ITEM_PLANNED))
    ):
        if status == ItemStatus.PROPOSED and batch_status == BatchStatus.PROPOSED:
            planned += int(cents)
        elif status == ItemStatus.APPROVED:
            in_transit += int(cents)
        if key is None:
            continue
        if fixed_cost_id is not None:
            live.add((int(fixed_cost_id), due))
        elif key.startswith("lg:") and (leefgeld_through is None or due > leefgeld_through):
            leefgeld_through = due  # a one-off payment (``oo:``) is no leefgeld payday
    return _Payments(planned, in_transit, frozenset(live), leefgeld_through)


def _unpayable_at_end(session: Session, household: Household, costs: Sequence[FixedCost]) -> frozenset[int]:
    """The fixed costs a final settlement of an ``ending`` household does not pay (``payments.runs.plan._payable_costs``):
    all of them once the household was reopened for its payout, else those whose creditor's IBAN is held or whose
    creditor finance has not confirmed."""
    if household.status != HouseholdStatus.ENDING or not costs:
        return frozenset()
    if household.reopened_for_payout_at is not None:
        return frozenset(cost.id for cost in costs)
    held = active_hold_reasons(session)
    rows = session.execute(select(Creditor.id, Creditor.iban, Creditor.status).where(
        Creditor.id.in_({cost.creditor_id for cost in costs})))
    unpayable = {cid for cid, iban, status in rows
                 if compact(iban) in held or status != CreditorStatus.CONFIRMED.value}
    return frozenset(cost.id for cost in costs if cost.creditor_id in unpayable)


def household_figures(session: Session, household_id: int, on: date | None = None, *,
                      lead_business_days: int = DEFAULT_LEAD_BUSINESS_DAYS,
                      costs: Sequence[FixedCost] | None = None,
                      incomes: Sequence[ExpectedIncome] | None = None) -> HouseholdFigures:
    """The household's figures now, for the calendar day ``on`` (today when not given), following the run the
    scheduler prepares on ``on`` (:func:`next_run_date`) with the settings' ``lead_business_days``: a few small
    queries on this one household, in the caller's transaction. ``costs``/``incomes``: its fixed costs and expected
    incomes already read (by id), for a page that shows them too."""
    on = on or clock.today()
    household = session.get(Household, household_id)
    if household is None:
        raise NotFound(Message("Huishouden %(id)s bestaat niet.", id=household_id))
    if costs is None:
        costs = list(session.scalars(select(FixedCost).where(FixedCost.household_id == household_id)
                                     .order_by(FixedCost.id)))
    payments = _payments(session, household_id)
    run_date = next_run_date(on)
    ending = household.status in FINAL_STATUSES
    extension_end = None if household.status == HouseholdStatus.ENDED else pending_extension_ends(
        session, [household_id]).get(household_id)
    end = last_day(household)
    final = is_final_run(run_date, end, lead_business_days, ending=ending, extension_end=extension_end)
    return figures_from(
        household_id=household_id,
        on=on,
        balance_cents=household_balance(session, household_id),
        planned_cents=payments.planned_cents,
        in_transit_cents=payments.in_transit_cents,
        schedules=[schedule_of(cost) for cost in costs],
        incomes=income_expectations(session, household_id, incomes),
        first_day=household.period_start,
        last_day=end,
        buffer_cents=household.buffer_cents,
        ending=ending,
        lead_business_days=lead_business_days,
        run_date=run_date,
        extension_end=extension_end,
        benefit_received_on=None if final else benefit_received_on(session, household_id, run_date,
                                                                   lead_business_days),
        live=payments.live,
        arrears=[row for row in short_instalments(session, household_id=household_id) if row.unpaid],
        unpayable=_unpayable_at_end(session, household, costs) if final else frozenset(),
        leefgeld_paid_through=payments.leefgeld_paid_through,
        one_offs_cents=waiting_one_off_cents(session, household_id),
    )
