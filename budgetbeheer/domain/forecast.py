"""A household's cash forecast: day by day, what comes in, what goes out, and when the money would fall short.

A model of the payment runs, by the runs' own rules (:func:`budgetbeheer.domain.planning.plan_run`, the leefgeld
horizon of :func:`leefgeld_horizon`, closed paydays as :func:`~budgetbeheer.domain.planning.open_paydays_from`
says). With the lead time (``lead_business_days``, as the household page and its signals use it) it models the runs
the scheduler will make: one on every TARGET2 business day from the next one on, each paying what falls due by its
execution date and seeing the income expected up to the business day before it, so that its first run is the run
the household's figures (:mod:`budgetbeheer.households.figures`) describe: the same money, the same reservation,
the same leefgeld. Without it (``None``) it is a model without a calendar: a run every day, after that day's income,
paying what is due that day. A fixed cost that does not fit is carried and tried again by every following run, as
later runs would.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple, Protocol

from budgetbeheer.domain.calendar import add_business_days, last_due_date_covered, subtract_business_days
from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.planning import (
    DueObligation,
    LeefgeldAmount,
    PlannedPayment,
    Shortfall,
    income_usable_through,
    kept_through,
    open_paydays_from,
    plan_run,
)
from budgetbeheer.domain.schedule import Frequency, LeefgeldFrequency, amount_in_force, due_dates, leefgeld_paydays

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
    """A fixed cost's schedule (see :func:`budgetbeheer.domain.schedule.due_dates`); ``end_date`` inclusive."""

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
        later = amount_in_force(self.later_amounts, due)
        return self.amount_cents if later is None else later

    def instalments(self, window_from: dt.date, window_to: dt.date) -> list[DueObligation]:
        """The instalments due in ``[window_from, window_to)``."""
        return [
            DueObligation(self.id, self.category, self.amount_on(due), due, self.creditor_id)
            for due in due_dates(self.frequency, self.due_day, self.start_date, self.end_date, window_from, window_to)
        ]

    def due_amounts(self, window_from: dt.date, window_to: dt.date) -> list[tuple[dt.date, int]]:
        """``(due date, cents)`` of each instalment due in ``[window_from, window_to)``: :meth:`instalments` as
        plain pairs."""
        return [(o.due_date, o.amount_cents) for o in self.instalments(window_from, window_to)]


class DueAmounts(Protocol):
    """What :func:`cannot_fall_short` asks of a fixed cost: its instalments as ``(due date, cents)`` pairs."""

    def due_amounts(self, window_from: dt.date, window_to: dt.date) -> list[tuple[dt.date, int]]: ...


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
    """One day of the forecast. ``unpaid_cents``: fixed costs a run could not pay and that are still unpaid at the
    end of this day. On a run's execution date: its ``payments`` and ``shortfalls``, and ``leefgeld``, the leefgeld
    computation behind it when the run had a payday (also when it came to zero)."""

    date: dt.date
    income_cents: int
    fixed_costs_cents: int
    leefgeld_cents: int
    closing_balance_cents: int
    unpaid_cents: int = 0
    payments: tuple[PlannedPayment, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    leefgeld: LeefgeldAmount | None = None


class Uncovered(NamedTuple):
    """The first fixed cost the money would not cover: in the run of ``date`` (its execution date), the instalment
    due on ``due_date``."""

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
    """The leefgeld rule's horizon for a run on ``run_date`` (rules 4 and 5 of :mod:`budgetbeheer.domain.planning`):
    the next expected income after :func:`~budgetbeheer.domain.planning.income_usable_through`, and what must be
    paid before it can be used (:func:`~budgetbeheer.domain.planning.kept_through`), never past ``period_end``.
    ``lead_business_days`` as the payment runs use it, or None for the forecast's model. The payment run computes
    the same from remembered parts (``payments.runs``); a page that shows what is reserved can use this."""
    next_income = next_income_date(incomes, income_usable_through(run_date, lead_business_days),
                                   benefit_received_on=benefit_received_on)
    if next_income is None:
        return LeefgeldHorizon(None, period_end)
    kept = kept_through(next_income, lead_business_days)
    return LeefgeldHorizon(next_income, kept if kept < period_end else period_end)


def _runs_after(first: dt.date, until: dt.date, lead_business_days: int | None) -> list[dt.date]:
    """The execution dates of the modelled runs in ``[first, until)``: every day (the forecast's own model), or every
    TARGET2 business day (the payment runs)."""
    runs = []
    day = first
    while day < until:
        runs.append(day)
        day = day + _ONE_DAY if lead_business_days is None else add_business_days(day, 1)
    return runs


@lru_cache(maxsize=256)
def _run_days(first: dt.date, until: dt.date, lead_business_days: int | None) -> frozenset[dt.date]:
    """:func:`_runs_after` as a set, remembered: every household forecast on the same day models the same runs."""
    return frozenset(_runs_after(first, until, lead_business_days))


@lru_cache(maxsize=8192)
def _paydays(frequency: LeefgeldFrequency, day: int, window_from: dt.date, window_to: dt.date) -> tuple[dt.date, ...]:
    """:func:`~budgetbeheer.domain.schedule.leefgeld_paydays`, remembered (households share their payday rules)."""
    return tuple(leefgeld_paydays(frequency, day, window_from, window_to))


@lru_cache(maxsize=4096)
def _last_due(run_date: dt.date, lead_business_days: int | None) -> dt.date:
    """The last due date (and payday) a run for ``run_date`` pays: that day itself in the forecast's own model."""
    return run_date if lead_business_days is None else last_due_date_covered(run_date, lead_business_days)


def first_run_date(today: dt.date, lead_business_days: int | None) -> dt.date:
    """The first run a forecast from ``today`` models: the next run the scheduler prepares (the first TARGET2
    business day after ``today``, :func:`budgetbeheer.lifecycle.jobs.prepare_runs`), or, in the model of a run every
    day, ``today``'s own run."""
    return today if lead_business_days is None else add_business_days(today, 1)


class _RunPlan(NamedTuple):
    """The runs a forecast from one day models (:func:`_run_plan`), shared by every household's bound."""

    runs: tuple[dt.date, ...]
    covers: tuple[dt.date, ...]
    """Per run the last due date it pays (:func:`_last_due`)."""
    usable_through: tuple[dt.date, ...]
    """Per run the last income date it can use (:func:`~budgetbeheer.domain.planning.income_usable_through`)."""
    run_of_due: dict[dt.date, int]
    """Per due date from the day up to the last run's, the run whose window holds it."""
    run_of_income: dict[dt.date, int]
    """Per income date up to the last run's usable day, the first run that can use it."""
    costs_until: dt.date
    """The bound counts instalments due before this day (:func:`bound_costs_until`)."""


@lru_cache(maxsize=64)
def _run_plan(today: dt.date, days: int, lead_business_days: int | None) -> _RunPlan:
    """The modelled runs of a forecast of ``days`` days from ``today`` (:func:`first_run_date`,
    :func:`_runs_after`) with what the bound looks up per date; remembered, every household shares them."""
    first = first_run_date(today, lead_business_days)
    runs = tuple(_runs_after(first, today + dt.timedelta(days=days), lead_business_days))
    covers = tuple(_last_due(run, lead_business_days) for run in runs)
    usable = tuple(income_usable_through(run, lead_business_days) for run in runs)
    run_of_due: dict[dt.date, int] = {}
    run_of_income: dict[dt.date, int] = {}
    if runs:
        day = today
        while day <= covers[-1]:
            run_of_due[day] = bisect_left(covers, day)
            day += _ONE_DAY
        day = min(usable[0], today)
        while day <= usable[-1]:
            run_of_income[day] = bisect_left(usable, day)
            day += _ONE_DAY
    costs_until = (covers[-1] if runs else today) + _NEAR + _ONE_DAY
    return _RunPlan(runs, covers, usable, run_of_due, run_of_income, costs_until)


def bound_costs_until(today: dt.date, days: int = 56, lead_business_days: int | None = None) -> dt.date:
    """The day before which :func:`cannot_fall_short` must be given every instalment when it is given them as
    ``instalments`` (its reservation looks 62 days past the last run's window at most)."""
    return _run_plan(today, days, lead_business_days).costs_until


def cannot_fall_short(
    opening_balance_cents: int,
    today: dt.date,
    *,
    days: int = 56,
    expected_incomes: Sequence[IncomeExpectation] = (),
    fixed_costs: Sequence[DueAmounts] = (),
    instalments: Sequence[tuple[dt.date, int]] | None = None,
    leefgeld: LeefgeldPlan,
    period_end: dt.date,
    open_shortfalls: Sequence[DueObligation] = (),
    benefit_received_on: dt.date | None = None,
    lead_business_days: int | None = None,
    leefgeld_paid_through: dt.date | None = None,
    first_open_payday: dt.date | None = None,
) -> bool:
    """True when :func:`forecast` with the same arguments is sure to find no uncovered fixed cost
    (``first_uncovered`` is None), proven by a cheap bound; False when the bound cannot tell (then only the forecast
    can). For the daily signals of every household: most households' money covers every run, and this says so in a
    handful of steps per household instead of the forecast's day-by-day model of some forty runs.

    The bound follows the forecast's runs, with the leefgeld taken as large as the rules could ever make it:

    - A run falls short exactly when what it must pay (``due``: the carried shortfalls and the instalments of its
      window) is more than the money it can use (``usable``), since every instalment is positive and is paid when it
      fits (rule 1 to 3 of :mod:`budgetbeheer.domain.planning`).
    - A run that does not fall short pays ``due`` and a leefgeld of at most ``max(0, usable − due − before − buffer)``
      (rule 4: the reservation ``before`` is every instalment after the run's window up to its horizon ``kept``; rule 5
      shares that amount over one payday or more, the first part never more than the whole; fewer paydays, a payday
      already paid or closed, only pay less). So the money after it is at least
      ``min(usable − due, before + buffer)``. The final run (its window reaches ``period_end``) pays the rest out and
      is the last run.
    - The next run's money is at least that plus the income that run can use and the one before could not.

    Starting from the forecast's own opening money, this gives a lower bound of every run's money; when each run's
    ``due`` fits within its bound, no run falls short. The bound is only evaluated at the runs where something changes
    (the first run, a run with instalments, a run that can use a new income, the final run): in between ``due`` is
    zero, the money grows by nothing and the horizon stays (it moves only when a run can use the next income, which
    such a run does), so a run there cannot fall short and leaves the bound as it found it. The horizon is the
    forecast's own (:func:`next_income_date` and :func:`~budgetbeheer.domain.planning.kept_through`, stopped at
    ``period_end``), read from the incomes' dates; where it could move without an income arriving (no income
    expected within the search window, or an expected benefit beyond it) the bound does not decide (False). The
    reservation is counted up to 62 days after the last run's window at most (counting less only lowers the bound).

    ``instalments``: the fixed costs' instalments as ``(due date, cents)`` pairs instead of ``fixed_costs`` (which is
    then not asked), when the caller has them: every instalment due from ``today`` up to
    :func:`bound_costs_until` (later ones are not looked at).
    ``leefgeld_paid_through`` and ``first_open_payday`` only take paydays away, so the bound does not need them; they
    are accepted so that the call takes :func:`forecast`'s arguments. ``tests/unit/test_forecast_bound.py`` checks
    the promise on random households against :func:`forecast` itself.
    """
    del leefgeld_paid_through, first_open_payday  # fewer paydays only lower the leefgeld: the bound holds without them
    if days < 1:
        raise ValueError(f"a forecast covers at least one day, not {days}")
    lead = lead_business_days
    until = today + dt.timedelta(days=days)
    plan = _run_plan(today, days, lead)
    covers, usable_through = plan.covers, plan.usable_through
    if not covers:
        return True  # no run, no shortfall
    last = len(covers) - 1
    final_run = bisect_left(covers, period_end)  # the first run whose window reaches the period's end
    if final_run < last:
        last = final_run
    # What each run must pay: the carried shortfalls in the first, every instalment in the window it pays.
    due: dict[int, int] = {0: sum(o.amount_cents for o in open_shortfalls)}
    costs_until = plan.costs_until
    horizon_end = costs_until - _ONE_DAY
    run_of_due = plan.run_of_due
    if instalments is None:
        instalments = [pair for cost in fixed_costs for pair in cost.due_amounts(today, costs_until)]
    costs: list[tuple[dt.date, int]] = []
    for when, cents in instalments:
        if when > horizon_end:
            continue
        costs.append((when, cents))
        run = run_of_due.get(when, last + 1)
        if run <= last:
            due[run] = due.get(run, 0) + cents
    costs.sort()
    cost_days = [when for when, _ in costs]
    cost_sums = [0, *accumulate(cents for _, cents in costs)]
    # The income each run can use first, and the dates that set the horizon (next_income_date's rule).
    arrived_through = (
        None if benefit_received_on is None else benefit_received_on + dt.timedelta(days=BENEFIT_EARLY_DAYS)
    )
    arrives_from = today if lead is None else today + _ONE_DAY
    dates_from = usable_through[0] + _ONE_DAY
    if arrives_from < dates_from:
        dates_from = arrives_from
    near_to = usable_through[last] + _NEAR  # dates up to here first; further only when a horizon needs them
    search_to = usable_through[last] + dt.timedelta(days=_SEARCH_DAYS + 1)
    run_of_income = plan.run_of_income
    income: dict[int, int] = {}
    benefit_days: list[dt.date] = []
    other_days: list[dt.date] = []
    for expectation in expected_incomes:
        is_benefit = expectation.kind == BENEFIT
        for when in expectation.dates(dates_from, near_to):
            (benefit_days if is_benefit else other_days).append(when)
            if when >= until:
                continue
            # The first run that can use it: there the horizon moves on (also for an income expected up to today,
            # which is in the opening balance or late and does not arrive again, yet sets the horizon until then).
            run = run_of_income.get(when, last + 1)
            if run > last:
                continue
            arrives = when >= arrives_from and not (
                is_benefit and arrived_through is not None and when <= arrived_through)  # a benefit come early
            income[run] = income.get(run, 0) + (expectation.amount_cents if arrives else 0)
    benefit_days.sort()
    other_days.sort()
    complete = False  # whether the date lists reach search_to (else only near_to)
    buffer = leefgeld.buffer_cents
    money = opening_balance_cents
    for run in sorted({0, last, *due, *income}):
        if run > last:
            break
        money += income.get(run, 0)
        pays = due.get(run, 0)
        if pays > money:
            return False  # the bound cannot promise this run
        if run == last and last == final_run:
            return True  # the final run pays the rest out; nothing after it
        # The horizon of this run's leefgeld: next_income_date after the income it can use, as kept_through says.
        window_from = usable_through[run] + _ONE_DAY
        window_to = window_from + dt.timedelta(days=_SEARCH_DAYS)
        benefit_from = window_from
        if arrived_through is not None and arrived_through >= benefit_from:
            benefit_from = arrived_through + _ONE_DAY
        at = bisect_left(benefit_days, benefit_from)
        if not complete and at == len(benefit_days):
            # no benefit among the near dates: every date of the search window, once, to tell
            complete = True
            benefit_days = sorted(when for e in expected_incomes if e.kind == BENEFIT
                                  for when in e.dates(dates_from, search_to))
            other_days = sorted(when for e in expected_incomes if e.kind != BENEFIT
                                for when in e.dates(dates_from, search_to))
            at = bisect_left(benefit_days, benefit_from)
        if at < len(benefit_days) and benefit_days[at] < window_to:
            next_income: dt.date = benefit_days[at]
        else:
            if at < len(benefit_days):
                return False  # a benefit beyond the search window could become the horizon between runs
            at = bisect_left(other_days, window_from)
            if at == len(other_days) or other_days[at] >= window_to:
                return False  # nothing expected: the horizon is the period's end, and could move closer
            next_income = other_days[at]
        kept = kept_through(next_income, lead)
        if kept > period_end:
            kept = period_end
        if kept > horizon_end:
            kept = horizon_end
        reserved = 0
        if kept > covers[run]:
            reserved = cost_sums[bisect_right(cost_days, kept)] - cost_sums[bisect_right(cost_days, covers[run])]
        money -= pays
        if money > reserved + buffer:
            money = reserved + buffer  # the most leefgeld this run could pay
    return True


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
    lead_business_days: int | None = None,
    leefgeld_paid_through: dt.date | None = None,
    first_open_payday: dt.date | None = None,
    with_days: bool = True,
) -> Forecast:
    """Forecast ``days`` days from ``today``: one row per day in ``[today, today + days)`` (``with_days=False``:
    none, only ``first_uncovered``, for the daily signals of every household; the model stops at it).

    ``open_shortfalls`` are instalments due before ``today`` and still unpaid; the first run tries them again.
    ``fixed_costs`` give the instalments from ``today`` on (leave out those that already have a live payment).
    ``benefit_received_on``: the date of the latest benefit receipt in ``opening_balance_cents``; an expected benefit
    up to :data:`BENEFIT_EARLY_DAYS` days after it came early: it is in the opening balance and does not arrive again,
    and it is not the next income (:func:`next_income_date`).
    ``leefgeld_paid_through``: the latest payday that already has a live leefgeld payment; no modelled run pays it or
    an earlier payday again. ``first_open_payday``: the first payday the first run may still pay, as the payment run
    reads it from the earlier runs (:func:`budgetbeheer.payments.runs.service.first_open_payday`); without it the run before
    the first one is taken to have covered its paydays (the scheduler makes a run every business day).

    The runs, by the rules of :mod:`budgetbeheer.domain.planning` (:func:`~budgetbeheer.domain.planning.plan_run`
    with the horizon of :func:`leefgeld_horizon`):

    - ``lead_business_days`` given (the household's page, its signals): the payment runs as the scheduler makes them.
      ``opening_balance_cents`` is the money now (balance − planned); the first run is the next one the scheduler
      prepares (:func:`first_run_date`), and it sees exactly that money, as the household's figures do; then one run
      on every TARGET2 business day. A run for execution date *E* pays the instalments due up to
      ``last_due_date_covered(E)`` and the latest open payday up to then, and it sees the income expected up to the
      business day before *E* (:func:`~budgetbeheer.domain.planning.income_usable_through`). Expected income after
      ``today`` arrives on its day; income expected up to ``today`` is in the opening balance or late (a run does not
      wait for it). Money leaves on the run's execution date.
    - ``None`` (a model without a calendar): ``opening_balance_cents`` is the balance at the start of ``today``; a
      run every day, executing that day after that day's income, paying what is due that day and the payday of that
      day.

    A payday passed with nothing paid is closed, as in the runs (:func:`~budgetbeheer.domain.planning.
    open_paydays_from`). The run whose coverage reaches ``period_end`` is the final one: it pays the instalments due
    up to the end and the whole remaining balance; after it nothing is paid, while income still arrives as far as
    ``expected_incomes`` say (give them an end date when it stops).

    ``first_uncovered``: the first run in which a fixed cost would not be covered (its execution date), the
    highest-priority one of that run.
    """
    if days < 1:
        raise ValueError(f"a forecast covers at least one day, not {days}")
    lead = lead_business_days
    until = today + dt.timedelta(days=days)
    arrived_through = (
        None if benefit_received_on is None else benefit_received_on + dt.timedelta(days=BENEFIT_EARLY_DAYS)
    )
    # The income the forecast expects: per day, and in order (a run uses what came up to its usable day).
    arrives_from = today if lead is None else today + _ONE_DAY
    income_on: dict[dt.date, int] = {}
    for expectation in expected_incomes:
        for arrival in expectation.dates(arrives_from, until):
            if expectation.kind == BENEFIT and arrived_through is not None and arrival <= arrived_through:
                continue  # it came early: it is in the opening balance
            income_on[arrival] = income_on.get(arrival, 0) + expectation.amount_cents
    arrivals = sorted(income_on.items())
    arrival_days = [when for when, _ in arrivals]
    arrived_by = list(accumulate(cents for _, cents in arrivals))
    """``arrived_by[i]``: the income of the first ``i + 1`` arrivals (a run uses what came up to its usable day)."""

    first = first_run_date(today, lead)
    runs = _run_days(first, until, lead)
    previous = first - _ONE_DAY if lead is None else subtract_business_days(first, 1)
    covered = _last_due(previous, lead)  # the paydays the run before the first one covered
    paid_through = leefgeld_paid_through
    taken_from = today  # instalments from here on come from the schedules; earlier ones are open_shortfalls
    carried = list(open_shortfalls)
    paid_total = 0
    done = False

    balance = opening_balance_cents
    first_uncovered: Uncovered | None = None
    rows: list[ForecastDay] = []
    for offset in range(days):
        day = today + dt.timedelta(days=offset)
        income = income_on.get(day, 0)
        balance += income
        fixed_out = leefgeld_out = 0
        payments: tuple[PlannedPayment, ...] = ()
        shortfalls: tuple[Shortfall, ...] = ()
        computed: LeefgeldAmount | None = None
        if day in runs and not done:
            usable_through = income_usable_through(day, lead)
            arrived = bisect_right(arrival_days, usable_through)
            usable = opening_balance_cents - paid_total + (arrived_by[arrived - 1] if arrived else 0)
            last_due = _last_due(day, lead)
            final = period_end <= last_due
            pay_until = period_end if final else last_due
            due = [*carried, *(o for cost in fixed_costs for o in cost.instalments(taken_from, pay_until + _ONE_DAY))]
            taken_from = pay_until + _ONE_DAY
            paydays: list[dt.date] = []
            before_income: list[DueObligation] = []
            next_income: dt.date | None = None
            kept: dt.date | None = None
            if final:
                paydays = [max(pay_until, day)]
            else:
                window_from = open_paydays_from(day, covered) or day
                if day == first and first_open_payday is not None:
                    window_from = first_open_payday
                if paid_through is not None and paid_through >= window_from:
                    window_from = paid_through + _ONE_DAY
                candidates = _paydays(leefgeld.frequency, leefgeld.day, window_from, last_due + _ONE_DAY)
                if candidates:
                    next_income, kept = leefgeld_horizon(expected_incomes, day, lead, period_end,
                                                         benefit_received_on=benefit_received_on)
                    paydays = list(_paydays(leefgeld.frequency, leefgeld.day, candidates[-1],
                                            kept + _ONE_DAY)) or [candidates[-1]]
                    before_income = [o for cost in fixed_costs
                                     for o in cost.instalments(last_due + _ONE_DAY, kept + _ONE_DAY)]
            covered = last_due
            if due or paydays:
                plan = plan_run(
                    usable,
                    due,
                    due_before_next_income=before_income,
                    next_income_date=next_income,
                    kept_through=kept,
                    buffer_cents=leefgeld.buffer_cents,
                    leefgeld_frequency=leefgeld.frequency,
                    leefgeld_paydays=paydays,
                    final=final,
                )
                payments, shortfalls, computed = plan.payments, plan.shortfalls, plan.leefgeld
                fixed_out, leefgeld_out = plan.fixed_costs_cents, plan.leefgeld_cents
                paid_total += fixed_out + leefgeld_out
                balance -= fixed_out + leefgeld_out
                if leefgeld_out:
                    paid_through = paydays[0]
                carried = [s.as_due() for s in shortfalls]
                if first_uncovered is None and shortfalls:
                    s = shortfalls[0]
                    first_uncovered = Uncovered(day, s.category, s.amount_cents, s.obligation_id, s.due_date)
            done = final
        if not with_days:
            if first_uncovered is not None:
                break  # all that is asked for; the days after it change nothing in it
            continue
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
                computed,
            )
        )
    return Forecast(opening_balance_cents, tuple(rows), first_uncovered)
