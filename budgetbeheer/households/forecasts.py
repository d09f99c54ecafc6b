"""Every household's figures and forecast at once: the set-based twin of :func:`~.figures.household_figures` and
:func:`~.read.household_forecast`, for the daily signals job at national scale.

The per-household functions ask about ten small queries each (13 ms a household: 11 minutes at 50,000). Here every
input is read once for all households, one query per table straight from the driver
(:func:`~budgetbeheer.payments.runs.read.driver_rows`), and handed per household to the same pure rules
(:func:`~.figures.figures_from`, :func:`~budgetbeheer.domain.forecast.forecast`), so the answers are the same by
construction; ``tests/integration/test_bulk_forecasts.py`` compares them on a few hundred random households on both
databases. The schedules' due dates are remembered for one call (many households share a schedule and a window), as
the payment run remembers them (:class:`~budgetbeheer.payments.runs.context.RunContext`); nothing outlives the call.

The daily signals ask only for every household's first uncovered instalment (:meth:`AllFigures.uncovered`): a cheap
bound (:func:`~budgetbeheer.domain.forecast.cannot_fall_short`) settles most households from what was read, and only
the others get their figures (computed on first use, :attr:`AllFigures.figures`) and the full forecast, which stops
at the first uncovered instalment. The bound cannot change a signal: when it says a household cannot fall short,
the forecast finds nothing (the proof is in its docstring; ``tests/unit/test_forecast_bound.py`` checks it on random
households, the comparison test above on the database).

Why not pandas or SQL window functions: the reading is already one query per table at the driver's speed (the
benchmark's floor), and what cost was the forecast, a day-by-day simulation of the runs (carried shortfalls, the
leefgeld horizon, closed paydays) that does not vectorise without writing the rules a second time, where they could
drift from the runs' own. Pruning with a bound that only has to be safe (never to agree with the rules in detail)
removes the forecast for most households instead. (pandas is not a dependency of this project; it was not added.)
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from budgetbeheer.domain.calendar import last_due_date_covered
from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.forecast import (
    BENEFIT,
    BENEFIT_EARLY_DAYS,
    Forecast,
    IncomeExpectation,
    LeefgeldPlan,
    ObligationSchedule,
    Uncovered,
    bound_costs_until,
    cannot_fall_short,
    forecast,
)
from budgetbeheer.domain.planning import DueObligation, income_usable_through
from budgetbeheer.domain.schedule import Frequency, LeefgeldFrequency, due_dates
from budgetbeheer.households.figures import (
    DEFAULT_LEAD_BUSINESS_DAYS,
    FINAL_STATUSES,
    HouseholdFigures,
    Instalment,
    figures_from,
    next_run_date,
)
from budgetbeheer.ledger.models import Account, Posting
from budgetbeheer.payments.arrears import ShortInstalment, short_instalments
from budgetbeheer.payments.iban_holds import active_hold_reasons, compact
from budgetbeheer.payments.runs.context import RunContext
from budgetbeheer.payments.runs.model import LEEFGELD_LOOKBACK_DAYS
from budgetbeheer.payments.runs.paydays import ClosedPaydays
from budgetbeheer.payments.runs.read import date_reader, driver_rows, earlier_runs, enrolled_after_latest_run
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, FixedCostAmount, Household, Receipt
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem
from budgetbeheer.tables.reads import pending_extension_ends, waiting_one_off_cents_by_household
from budgetbeheer.tables.states import ITEM_PLANNED, BatchStatus, CreditorStatus, HouseholdStatus, ItemStatus

SPAN_DAYS = 500
"""How far after the day the due dates are read at once (beyond what a forecast looks ahead: 56 days, and a horizon
of at most 400 days to the next income)."""

_CATEGORIES: dict[str, Category] = {member.value: member for member in Category}
_FREQUENCIES: dict[str, Frequency] = {member.value: member for member in Frequency}
_LEEFGELD_FREQUENCIES: dict[str, LeefgeldFrequency] = {member.value: member for member in LeefgeldFrequency}
"""Value to member by a dict lookup (cheaper than calling the enum, for every fixed cost read)."""

DueDates = Callable[[str, int, date, date | None, date, date], tuple[date, ...]]


def _due_dates(frequency: str, due_day: int, start: date, end: date | None, window_from: date,
               window_to: date) -> tuple[date, ...]:
    return tuple(due_dates(frequency, due_day, start, end, window_from, window_to))


@dataclass(frozen=True, slots=True)
class _Span:
    """The window every due date of one call is looked up in: ``[start, end)``."""

    start: date
    end: date


@dataclass(frozen=True, slots=True)
class _Schedule(ObligationSchedule):
    """A fixed cost's schedule without the instalments that have a live payment (``paid``). Its due dates in the
    call's whole :class:`_Span` are asked once from the remembered :func:`~budgetbeheer.domain.schedule.due_dates`
    (``dates``; households share schedules), and every window inside the span is a slice of them (a window is only a
    filter on a schedule's dates); a window outside the span asks ``dates`` itself."""

    paid: frozenset[Instalment] = frozenset()
    dates: DueDates = field(default=_due_dates, compare=False, repr=False)
    span: _Span | None = field(default=None, compare=False, repr=False)
    in_span: tuple[date, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if (type(self.category) is not Category or type(self.frequency) is not Frequency or self.amount_cents <= 0
                or self.later_amounts):
            ObligationSchedule.__post_init__(self)  # converts and checks; read values mostly need neither

    def _dates(self, window_from: date, window_to: date) -> Sequence[date]:
        span = self.span
        if span is not None and span.start <= window_from and window_to <= span.end:
            dates = self.in_span
            low = bisect_left(dates, window_from)
            high = bisect_left(dates, window_to, low)
            return dates[low:high] if low < high else ()
        return self.dates(self.frequency, self.due_day, self.start_date, self.end_date, window_from, window_to)

    def instalments(self, window_from: date, window_to: date) -> list[DueObligation]:
        chosen = self._dates(window_from, window_to)
        if not chosen:
            return []
        found = [DueObligation(self.id, self.category, self.amount_on(due), due, self.creditor_id) for due in chosen]
        return [d for d in found if (d.obligation_id, d.due_date) not in self.paid] if self.paid else found

    def due_amounts(self, window_from: date, window_to: date, paid: Collection[date] = ()) -> list[tuple[date, int]]:
        """:meth:`instalments` as ``(due date, cents)`` pairs, also without those due on a date in ``paid``."""
        chosen = self._dates(window_from, window_to)
        if not chosen:
            return []
        if self.later_amounts:
            found = [(due, self.amount_on(due)) for due in chosen]
        else:
            cents = self.amount_cents
            found = [(due, cents) for due in chosen]
        if self.paid:
            found = [(due, cents) for due, cents in found if (self.id, due) not in self.paid]
        return [(due, cents) for due, cents in found if due not in paid] if paid else found


@dataclass(frozen=True, slots=True)
class _Income(IncomeExpectation):
    dates_of: DueDates = field(default=_due_dates, compare=False, repr=False)

    def dates(self, window_from: date, window_to: date) -> list[date]:
        return list(self.dates_of(self.frequency, self.day, self.start_date, self.end_date, window_from, window_to))


@dataclass(frozen=True, slots=True)
class _HouseholdRow:
    id: int
    period_start: date
    period_end: date
    status: str
    ended_on: date | None
    leefgeld_frequency: str
    leefgeld_day: int
    buffer_cents: int
    reopened: bool

    @property
    def last_day(self) -> date:
        """:func:`~.figures.last_day`."""
        if self.ended_on is not None and self.ended_on < self.period_end:
            return self.ended_on
        return self.period_end


@dataclass
class _Payments:
    planned_cents: int = 0
    in_transit_cents: int = 0
    live: set[Instalment] = field(default_factory=set)
    leefgeld_paid_through: date | None = None
    live_by_cost: dict[int, set[date]] = field(default_factory=dict)
    """``live`` by fixed cost: the due dates with a live payment."""


@dataclass(frozen=True, slots=True)
class _Inputs:
    """What :func:`~.figures.figures_from` and the forecast's bound take for one household, as read."""

    household: _HouseholdRow
    balance_cents: int
    payments: _Payments
    ending: bool
    extension_end: date | None
    final: bool
    unpayable: frozenset[int]
    benefit_received_on: date | None
    arrears: list[ShortInstalment]
    one_offs_cents: int


class _Figures(Mapping[int, HouseholdFigures]):
    """Every household's figures by id, each computed (:func:`~.figures.figures_from`) when first asked for: the daily
    signals need them only for the households whose forecast the bound cannot settle."""

    def __init__(self, found: AllFigures) -> None:
        self._found = found  # a view made on each use: AllFigures holds no reference back (no cycle to collect)

    def __getitem__(self, household_id: int) -> HouseholdFigures:
        done = self._found.computed
        figures = done.get(household_id)
        if figures is None:
            figures = done[household_id] = self._found.figures_of(self._found.household(household_id))
        return figures

    def __iter__(self) -> Iterator[int]:
        return iter(self._found.inputs)

    def __len__(self) -> int:
        return len(self._found.inputs)


@dataclass
class AllFigures:
    """What :func:`all_figures` read, per household."""

    on: date
    lead_business_days: int
    households: list[_HouseholdRow]
    schedules: dict[int, list[_Schedule]]
    incomes: dict[int, list[IncomeExpectation]]
    open_from: dict[int, date]
    """Per household, the first payday its first run may still pay (``payments.runs.service.first_open_payday``)."""
    inputs: dict[int, _Inputs]
    run_date: date
    computed: dict[int, HouseholdFigures] = field(default_factory=dict)
    """The figures computed so far (:attr:`figures`)."""

    @property
    def figures(self) -> Mapping[int, HouseholdFigures]:
        """Per household its figures (:func:`~.figures.household_figures`), each computed when first asked for."""
        return _Figures(self)

    def household(self, household_id: int) -> _HouseholdRow:
        return self.inputs[household_id].household

    def figures_of(self, household: _HouseholdRow) -> HouseholdFigures:
        """:func:`~.figures.figures_from` for one of the households read."""
        hid = household.id
        given = self.inputs[hid]
        paid = given.payments
        return figures_from(
            household_id=hid, on=self.on, balance_cents=given.balance_cents, planned_cents=paid.planned_cents,
            in_transit_cents=paid.in_transit_cents, schedules=self.schedules.get(hid, []),
            incomes=self.incomes.get(hid, []), first_day=household.period_start, last_day=household.last_day,
            buffer_cents=household.buffer_cents, ending=given.ending, lead_business_days=self.lead_business_days,
            run_date=self.run_date, extension_end=given.extension_end,
            benefit_received_on=given.benefit_received_on, live=frozenset(paid.live), arrears=given.arrears,
            unpayable=given.unpayable, leefgeld_paid_through=paid.leefgeld_paid_through,
            one_offs_cents=given.one_offs_cents,
        )

    def forecast(self, household_id: int, days: int = 56) -> Forecast:
        """:func:`~.read.household_forecast` of one of the households read."""
        household = self.household(household_id)
        return self._forecast(household, self.figures[household_id], days)

    def forecasts(self, days: int = 56, *, with_days: bool = True) -> Iterator[tuple[int, Forecast]]:
        """Every household's forecast, by household id (``with_days=False``: only ``first_uncovered``, see
        :func:`~budgetbeheer.domain.forecast.forecast`)."""
        for household in self.households:
            yield household.id, self._forecast(household, self.figures[household.id], days, with_days)

    def uncovered(self, days: int = 56, *, prune: bool = True) -> Iterator[tuple[int, Uncovered]]:
        """Every household's ``first_uncovered`` that is not None, by household id: what the daily signals need.

        A household whose money the bound of :func:`~budgetbeheer.domain.forecast.cannot_fall_short` proves
        sufficient is not forecast at all, nor are its figures computed: the bound is given the forecast's own
        opening money (balance − planned) and horizon (the last day, the latest benefit receipt), its fixed costs
        without the instalments that have a live payment, and as carried shortfalls every such instalment due from
        the period's start up to the day (the forecast carries those of them the figures still reserve; counting more
        only lowers the bound). Only for the others are the figures and the forecast computed, exactly as
        :meth:`forecasts` does (``prune=False``: for every household, for the comparison in the tests)."""
        for household in self.households:
            if prune and self.settled(household, days):
                continue
            found = self._forecast(household, self.figures[household.id], days, with_days=False).first_uncovered
            if found is not None:
                yield household.id, found

    def settled(self, household: _HouseholdRow, days: int = 56) -> bool:
        """Whether the bound (:func:`~budgetbeheer.domain.forecast.cannot_fall_short`) proves from what was read
        that the household's forecast finds no uncovered fixed cost (see :meth:`uncovered`)."""
        hid = household.id
        on = self.on
        given = self.inputs[hid]
        paid = given.payments
        live = paid.live_by_cost
        since = household.period_start if household.period_start < on else on
        until = bound_costs_until(on, days, self.lead_business_days)
        carried = 0
        instalments: list[tuple[date, int]] = []
        for schedule in self.schedules.get(hid, ()):
            for due, cents in schedule.due_amounts(since, until, live.get(schedule.id, ())):
                if due < on:
                    carried += cents  # due before the day and unpaid: carried into the first run
                else:
                    instalments.append((due, cents))
        return cannot_fall_short(
            given.balance_cents - paid.planned_cents, on, days=days, expected_incomes=self.incomes.get(hid, ()),
            instalments=instalments,
            leefgeld=LeefgeldPlan(_LEEFGELD_FREQUENCIES.get(household.leefgeld_frequency)
                                  or LeefgeldFrequency(household.leefgeld_frequency), household.leefgeld_day,
                                  household.buffer_cents),
            period_end=given.extension_end if given.extension_end is not None else household.last_day,
            open_shortfalls=[_CARRIED._replace(amount_cents=carried)] if carried else (),
            benefit_received_on=given.benefit_received_on, lead_business_days=self.lead_business_days)

    def _forecast(self, household: _HouseholdRow, figures: HouseholdFigures, days: int,
                  with_days: bool = True) -> Forecast:
        paid: dict[int, set[Instalment]] = {}
        for instalment in figures.live_instalments:
            paid.setdefault(instalment[0], set()).add(instalment)
        schedules = [
            _Schedule(s.id, s.category, s.amount_cents, s.frequency, s.due_day, s.start_date, s.end_date,
                      s.creditor_id, s.later_amounts, frozenset(paid.get(s.id, ())), s.dates, s.span, s.in_span)
            for s in self.schedules.get(household.id, ()) if s.id not in figures.unpayable
        ]
        plan = LeefgeldPlan(LeefgeldFrequency(household.leefgeld_frequency), household.leefgeld_day,
                            household.buffer_cents)
        return forecast(figures.balance_cents - figures.planned_cents, self.on, days=days,
                        expected_incomes=self.incomes.get(household.id, []), fixed_costs=schedules, leefgeld=plan,
                        period_end=figures.last_day, open_shortfalls=figures.overdue_obligations(),
                        benefit_received_on=figures.benefit_received_on, lead_business_days=self.lead_business_days,
                        leefgeld_paid_through=figures.leefgeld_paid_through,
                        first_open_payday=self.open_from[household.id], with_days=with_days)


_CARRIED = DueObligation(0, Category.OTHER, 1, date.min)
"""The carried shortfalls of the bound as one sum (only their total counts there)."""


def all_figures(session: Session, on: date, *, lead_business_days: int = DEFAULT_LEAD_BUSINESS_DAYS,
                statuses: Sequence[str] | None = (HouseholdStatus.ACTIVE,),
                household_ids: Sequence[int] | None = None) -> AllFigures:
    """The figures (:func:`~.figures.household_figures`) of every household in one of ``statuses`` (None: all), or
    of ``household_ids``, for the calendar day ``on``, read with one query per table; and what their forecasts need
    (:meth:`AllFigures.forecasts`). Nothing is written; the session is flushed first (the reads go past the ORM).
    Made for all households at once: with ``household_ids`` the costs, payments and balances are still read for
    every household and filtered here (a page about one household uses the one-household functions)."""
    session.flush()
    context = RunContext()
    as_date = date_reader(session, context)
    dates_of: DueDates = cache(_due_dates)
    query = select(Household.id, Household.period_start, Household.period_end, Household.status, Household.ended_on,
                   Household.leefgeld_frequency, Household.leefgeld_day, Household.buffer_cents,
                   Household.reopened_for_payout_at).order_by(Household.id)
    if statuses is not None:
        query = query.where(Household.status.in_([str(s) for s in statuses]))
    if household_ids is not None:
        query = query.where(Household.id.in_(list(household_ids)))
    households = [
        _HouseholdRow(int(hid), as_date(start), as_date(end), str(status), None if ended is None else as_date(ended),
                      str(frequency), int(day), int(buffer), reopened is not None)
        for hid, start, end, status, ended, frequency, day, buffer, reopened in driver_rows(session, query)
    ]
    wanted = {h.id for h in households}
    span = _Span(min((h.period_start for h in households), default=on), on + timedelta(days=SPAN_DAYS))
    schedules = _schedules(session, wanted, as_date, dates_of, span)
    payments = _payments(session, wanted, as_date)
    balances = _balances(session, wanted)
    incomes: dict[int, list[IncomeExpectation]] = {}
    remembered_income = cache(_Income)
    for household_id, kind, cents, day, frequency, start, end in driver_rows(session, select(
        ExpectedIncome.household_id, ExpectedIncome.kind, ExpectedIncome.amount_cents, ExpectedIncome.day,
        ExpectedIncome.frequency, ExpectedIncome.start_date, ExpectedIncome.end_date,
    ).order_by(ExpectedIncome.household_id, ExpectedIncome.id)):
        if household_id in wanted:
            incomes.setdefault(household_id, []).append(remembered_income(
                str(kind), int(cents), int(day), as_date(start), None if end is None else as_date(end),
                Frequency(frequency), dates_of))
    run_date = next_run_date(on)
    lead = lead_business_days
    usable_through = income_usable_through(run_date, lead)
    benefits = {
        int(household_id): as_date(latest)
        for household_id, latest in driver_rows(session, select(Receipt.household_id, func.max(Receipt.received_on))
            .where(Receipt.kind == BENEFIT, Receipt.received_on > usable_through - timedelta(days=BENEFIT_EARLY_DAYS))
            .group_by(Receipt.household_id))
    }
    extension_ends = pending_extension_ends(session, None if household_ids is None else household_ids)
    one_offs = waiting_one_off_cents_by_household(session)
    arrears: dict[int, list[ShortInstalment]] = {}
    for row in short_instalments(session, household_ids=household_ids):
        if row.unpaid and row.household_id in wanted:
            arrears.setdefault(row.household_id, []).append(row)
    held = active_hold_reasons(session)
    creditor_ibans = dict(driver_rows(session, select(Creditor.id, Creditor.iban))) if held else {}
    unconfirmed = set(session.scalars(select(Creditor.id).where(Creditor.status != CreditorStatus.CONFIRMED.value)))
    lookback_from = run_date - timedelta(days=LEEFGELD_LOOKBACK_DAYS)
    runs_before = earlier_runs(run_date, lookback_from)
    closed = ClosedPaydays(driver_rows(session, runs_before), run_date, lead, context)
    closed.enrolled_later = enrolled_after_latest_run(session, runs_before, lambda column: column.is_not(None))

    open_from: dict[int, date] = {}
    inputs: dict[int, _Inputs] = {}
    no_payments = _Payments()
    covered = last_due_date_covered(run_date, lead)  # is_final_run's test, once for every household
    for household in households:
        hid = household.id
        own_costs = schedules.setdefault(hid, [])
        ending = household.status in FINAL_STATUSES
        extension_end = None if household.status == HouseholdStatus.ENDED else extension_ends.get(hid)
        final = extension_end is None and (ending or household.last_day <= covered)
        unpayable: frozenset[int] = frozenset()
        if final and household.status == HouseholdStatus.ENDING and own_costs:
            if household.reopened:
                unpayable = frozenset(c.id for c in own_costs)
            elif held or unconfirmed:
                unpayable = frozenset(c.id for c in own_costs
                                      if compact(creditor_ibans.get(c.creditor_id, "")) in held
                                      or c.creditor_id in unconfirmed)
        inputs[hid] = _Inputs(household, balances.get(hid, 0), payments.get(hid, no_payments), ending, extension_end, final,
                              unpayable, None if final else benefits.get(hid), arrears.get(hid, []),
                              one_offs.get(hid, 0))
        first_open = closed.open_from(hid)
        window_from = household.period_start if household.period_start > lookback_from else lookback_from
        open_from[hid] = first_open if first_open is not None and first_open > window_from else window_from
    return AllFigures(on, lead, households, schedules, incomes, open_from, inputs, run_date)


def _schedules(session: Session, wanted: set[int], as_date: Callable[[Any], date], dates_of: DueDates,
               span: _Span) -> dict[int, list[_Schedule]]:
    """Per household its fixed costs' schedules by id, each with its amounts by ``effective_from``
    (:func:`~.figures.schedule_of`) and its due dates in ``span``."""
    found: dict[int, list[_Schedule]] = {}
    rows: list[tuple[Any, ...]] = []

    def schedule() -> None:
        cost_id, household_id, category, frequency, due_day, start, end, creditor_id = rows[0][:8]
        start, end = as_date(start), None if end is None else as_date(end)
        amounts = [(as_date(row[8]), int(row[9])) for row in rows]
        frequency = str(frequency)
        found.setdefault(int(household_id), []).append(_Schedule(
            int(cost_id), _CATEGORIES.get(category) or Category(category), amounts[0][1],
            _FREQUENCIES.get(frequency) or Frequency(frequency), int(due_day), start, end, creditor_id,
            tuple(amounts[1:]), frozenset(), dates_of, span,
            dates_of(frequency, int(due_day), start, end, span.start, span.end)))

    for row in driver_rows(
        session,
        select(FixedCost.id, FixedCost.household_id, FixedCost.category, FixedCost.frequency, FixedCost.due_day,
               FixedCost.start_date, FixedCost.end_date, FixedCost.creditor_id, FixedCostAmount.effective_from,
               FixedCostAmount.amount_cents)
        .join(FixedCostAmount, FixedCostAmount.fixed_cost_id == FixedCost.id)
        .order_by(FixedCost.household_id, FixedCost.id, FixedCostAmount.effective_from),
    ):
        if row[1] not in wanted:
            continue
        if rows and rows[0][0] != row[0]:
            schedule()
            rows = []
        rows.append(row)
    if rows:
        schedule()
    return found


_PROPOSED, _BATCH_PROPOSED, _APPROVED = str(ItemStatus.PROPOSED), str(BatchStatus.PROPOSED), str(ItemStatus.APPROVED)


def _payments(session: Session, wanted: set[int], as_date: Callable[[Any], date]) -> dict[int, _Payments]:
    """Per household what ``figures._payments`` reads for one: planned and in-transit cents, the live instalments and
    the latest payday with a live leefgeld."""
    found: dict[int, _Payments] = {}
    for household_id, status, batch_status, cents, fixed_cost_id, due, key in driver_rows(session,
        select(PaymentItem.household_id, PaymentItem.status, PaymentBatch.status, PaymentItem.amount_cents,
               PaymentItem.fixed_cost_id, PaymentItem.due_date, PaymentItem.obligation_key)
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(PaymentItem.status.in_([str(s) for s in ITEM_PLANNED]))
    ):
        if household_id not in wanted:
            continue
        paid = found.get(household_id)
        if paid is None:
            paid = found[household_id] = _Payments()
        if status == _PROPOSED and batch_status == _BATCH_PROPOSED:
            paid.planned_cents += int(cents)
        elif status == _APPROVED:
            paid.in_transit_cents += int(cents)
        if key is None:
            continue
        day = as_date(due)
        if fixed_cost_id is not None:
            paid.live.add((int(fixed_cost_id), day))
            paid.live_by_cost.setdefault(int(fixed_cost_id), set()).add(day)
        elif str(key).startswith("lg:") and (paid.leefgeld_paid_through is None or day > paid.leefgeld_paid_through):
            paid.leefgeld_paid_through = day  # a one-off payment (``oo:``) is no leefgeld payday, as in figures
    return found


def _balances(session: Session, wanted: set[int]) -> dict[int, int]:
    """Each household's ledger balance (:func:`~budgetbeheer.ledger.service.household_balance`)."""
    return {
        int(household_id): -int(credit)
        for household_id, credit in driver_rows(session,
            select(Account.household_id, func.coalesce(func.sum(Posting.amount_cents), 0))
            .select_from(Account)
            .join(Posting, and_(Posting.account_id == Account.id))
            .where(Account.household_id.is_not(None))
            .group_by(Account.household_id))
        if household_id in wanted
    }
