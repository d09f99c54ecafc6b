"""The read side: a household as its page and the API show it, the household list, the forecast and the statement.

Everything here returns typed values (frozen dataclasses, amounts in integer cents, dates as :class:`~datetime.date`):
the JSON API shapes them (``households/api.py``: cents as "650.00", ISO dates) and the templates format them for people
(the ``money`` and ``nldate`` filters), so no layer parses text back into cents.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.domain.forecast import Forecast, LeefgeldPlan, ObligationSchedule, forecast
from budgetbeheer.domain.period import days_left, period_over
from budgetbeheer.domain.planning import DueObligation
from budgetbeheer.domain.schedule import LeefgeldFrequency
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.households.common import get_household, missing_required_categories
from budgetbeheer.households.figures import (
    DEFAULT_LEAD_BUSINESS_DAYS,
    HouseholdFigures,
    Reservation,
    household_figures,
    income_expectations,
    schedule_of,
)
from budgetbeheer.households.fixed_costs import fixed_cost_amount_on, fixed_costs_of
from budgetbeheer.households.income import incomes_of
from budgetbeheer.ledger import service as ledger
from budgetbeheer.ledger.models import Posting, Transaction
from budgetbeheer.payments.runs.service import first_open_payday
from budgetbeheer.tables.access import Scope
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, Household, Person
from budgetbeheer.tables.payments import Advance
from budgetbeheer.tables.states import HouseholdStatus

PAGE_SIZE = 25


def record_view(session: Session, actor: Actor, household_id: int, channel: str = "web") -> None:
    """The access log: who opened which household's file (with its BSNs), and when."""
    record(session, actor, "household.viewed", "household", household_id, after={"channel": channel})


def _creditors_by_id(session: Session, ids: Sequence[int]) -> dict[int, Creditor]:
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(Creditor).where(Creditor.id.in_(set(ids))))}


@dataclass(frozen=True, slots=True)
class PersonView:
    id: int
    bsn: str
    first_name: str
    last_name: str
    date_of_birth: date
    period_start: date | None = None
    """The person's own period (inclusive); the household's when they have none of their own."""
    period_end: date | None = None
    left_on: date | None = None
    leave_reason: str | None = None


@dataclass(frozen=True, slots=True)
class FixedCostView:
    """A fixed cost as the household page and the API show it; ``amount_cents`` is the amount in force on the view's
    day, ``amounts`` the whole history ``(effective from, cents)``, oldest first."""

    id: int
    household_id: int
    category: str
    creditor_id: int
    creditor_name: str
    creditor_iban: str
    creditor_bic: str | None
    amount_cents: int
    frequency: str
    due_day: int
    reference: str | None
    start_date: date
    end_date: date | None
    amounts: tuple[tuple[date, int], ...]
    replaces_id: int | None = None


@dataclass(frozen=True, slots=True)
class IncomeView:
    id: int
    household_id: int
    kind: str
    amount_cents: int
    day: int
    start_date: date
    end_date: date | None
    frequency: str = "monthly"
    replaces_id: int | None = None


@dataclass(frozen=True, slots=True)
class HouseholdView:
    """A household as ``GET /households/{id}`` and its page show it: typed values, amounts in cents. Its money is
    :attr:`figures` (:mod:`budgetbeheer.households.figures`); ``balance_cents`` is ``figures.balance_cents``."""

    id: int
    status: str
    persons: tuple[PersonView, ...]
    iban: str
    account_holder: str
    address_street: str | None
    address_postal_code: str | None
    address_city: str | None
    caseworker_id: int | None
    benefit_start_date: date
    period_start: date
    period_end: date
    days_left: int
    period_over: bool
    """The end date has passed (or the household ended): the page says "afgelopen", not "0 days left"."""
    leefgeld_frequency: str
    leefgeld_day: int
    buffer_cents: int
    figures: HouseholdFigures
    fixed_costs: tuple[FixedCostView, ...]
    expected_income: tuple[IncomeView, ...]
    missing_required_categories: tuple[str, ...]
    advances: tuple[Advance, ...] = ()
    """Its advances (voorschotten), each with what is still open (``open_cents``); granted and recovered by the
    special payments feature. The balance is the funds account, so an advance is in it."""

    @property
    def balance_cents(self) -> int:
        return self.figures.balance_cents


def fixed_cost_view(cost: FixedCost, creditor: Creditor | None, today: date) -> FixedCostView:
    return FixedCostView(
        cost.id, cost.household_id, cost.category, cost.creditor_id, creditor.name if creditor else "",
        creditor.iban if creditor else "", creditor.bic if creditor else None, fixed_cost_amount_on(cost, today),
        cost.frequency, cost.due_day, cost.reference, cost.start_date, cost.end_date,
        tuple((row.effective_from, row.amount_cents) for row in sorted(cost.amounts, key=lambda r: r.effective_from)),
        cost.replaces_id,
    )


def income_view(income: ExpectedIncome) -> IncomeView:
    return IncomeView(income.id, income.household_id, income.kind, income.amount_cents, income.day, income.start_date,
                      income.end_date, income.frequency, income.replaces_id)


def household_view(session: Session, household_id: int, today: date | None = None,
                   figures: HouseholdFigures | None = None, *,
                   lead_business_days: int = DEFAULT_LEAD_BUSINESS_DAYS,
                   costs: Sequence[FixedCost] | None = None,
                   incomes: Sequence[ExpectedIncome] | None = None) -> HouseholdView:
    """The household with its persons (full BSN), period, figures, fixed costs and expected income, for ``today``.
    Give ``lead_business_days`` from the settings (the figures follow the next payment run); ``costs``/``incomes``
    when already read (by id)."""
    today = today or clock.today()
    household = get_household(session, household_id)
    costs = fixed_costs_of(session, household_id) if costs is None else costs
    creditors = _creditors_by_id(session, [c.creditor_id for c in costs])
    return HouseholdView(
        id=household.id,
        status=household.status,
        persons=tuple(PersonView(p.id, p.bsn, p.first_name, p.last_name, p.date_of_birth,
                                 p.period_start or household.period_start,
                                 min(p.period_end or household.period_end, p.left_on or date.max), p.left_on,
                                 p.leave_reason) for p in household.persons),
        iban=household.iban,
        account_holder=household.account_holder,
        address_street=household.address_street,
        address_postal_code=household.address_postal_code,
        address_city=household.address_city,
        caseworker_id=household.caseworker_id,
        benefit_start_date=household.benefit_start_date,
        period_start=household.period_start,
        period_end=household.period_end,
        days_left=days_left(household.period_end, today) if household.status != HouseholdStatus.ENDED else 0,
        period_over=household.status == HouseholdStatus.ENDED or period_over(household.period_end, today),
        leefgeld_frequency=household.leefgeld_frequency,
        leefgeld_day=household.leefgeld_day,
        buffer_cents=household.buffer_cents,
        figures=figures or household_figures(session, household_id, today, lead_business_days=lead_business_days),
        fixed_costs=tuple(fixed_cost_view(c, creditors.get(c.creditor_id), today) for c in costs),
        expected_income=tuple(income_view(i) for i in (incomes_of(session, household_id) if incomes is None
                                                       else incomes)),
        missing_required_categories=tuple(missing_required_categories(
            [c.category for c in costs if c.end_date is None or c.end_date >= today])),
        advances=tuple(session.scalars(select(Advance).where(Advance.household_id == household_id)
                                       .order_by(Advance.id))),
    )


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    """A household in the list: its persons' names and masked BSNs (the list is read more widely than the file)."""

    id: int
    names: tuple[str, ...]
    masked_bsns: tuple[str, ...]
    period_end: date
    status: str
    balance_cents: int


def _like_escaped(text: str) -> str:
    """``%text%`` for LIKE with ``%``, ``_`` and the escape character itself taken literally (``ESCAPE '\\'``)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def has_digits(text: str | None) -> bool:
    """Whether a name search holds digits: the list is searched by a full BSN only (:func:`search_households`'
    ``bsn``, never a suffix), so digits in a name search are refused by the callers."""
    return any(c.isdigit() for c in (text or ""))


def search_households(
    session: Session, query: str | None = None, page: int = 1, page_size: int = PAGE_SIZE, *,
    bsn: str | None = None, scope: Scope | None = None,
) -> tuple[list[HouseholdRow], int]:
    """Households matching a name (``query``; ``%`` and ``_`` match themselves) or exactly one full ``bsn`` (checked
    by the caller), within ``scope`` (the user's team; every household when None), paged. Returns ``(rows, total)``.
    A BSN search is the caller's to audit (:func:`record_bsn_search`)."""
    statement = select(Household.id)
    if scope is not None and not scope.is_everything:
        statement = statement.where(scope.condition(Household.id))
    text = (query or "").strip()
    if bsn is not None:
        statement = statement.where(Household.id.in_(select(Person.household_id).where(Person.bsn == bsn)))
    elif text:
        # "first last" holds the text whenever the first or the last name does: one LIKE per person, not three.
        like = _like_escaped(text.lower())
        condition = func.lower(Person.first_name + " " + Person.last_name).like(like, escape="\\")
        statement = statement.where(Household.id.in_(select(Person.household_id).where(condition)))
    page = max(1, page)
    # The page and the total in one pass (a search reads every person once, not twice); a page past the end has no
    # row to carry the total, so only then it is counted apart.
    found = session.execute(statement.add_columns(func.count().over()).order_by(Household.id.desc())
                            .limit(page_size).offset((page - 1) * page_size)).all()
    ids = [int(row[0]) for row in found]
    total = int(found[0][1]) if found else int(
        session.scalar(select(func.count()).select_from(statement.subquery())) or 0) if page > 1 else 0
    households = {h.id: h for h in session.scalars(select(Household).where(Household.id.in_(ids)))}
    balances = ledger.household_balances(session, ids)
    rows = [
        HouseholdRow(
            id=h.id,
            names=tuple(f"{p.first_name} {p.last_name}" for p in h.persons),
            masked_bsns=tuple(v.mask_bsn(p.bsn) for p in h.persons),
            period_end=h.period_end,
            status=h.status,
            balance_cents=balances.get(h.id, 0),
        )
        for h in (households[i] for i in ids)
    ]
    return rows, total


def households_elsewhere(session: Session, bsn: str, scope: Scope | None) -> list[int]:
    """The households with this (full) BSN outside ``scope``: another team's, which a caseworker may open by
    breaking the glass (the search names their number only, nothing of their file)."""
    if scope is None or scope.is_everything:
        return []
    return list(session.scalars(
        select(Household.id).where(Household.id.in_(select(Person.household_id).where(Person.bsn == bsn)),
                                   ~Household.id.in_(scope.household_ids())).order_by(Household.id)))


def record_bsn_search(session: Session, actor: Actor, bsn: str, rows: Sequence[HouseholdRow],
                      channel: str = "web", elsewhere: Sequence[int] = ()) -> None:
    """Every BSN search is in the audit trail: who searched, when, for which BSN (masked: the trail is read more
    widely than the file), which households it found and which of another team it named."""
    record(session, actor, "household.bsn_searched", "household", rows[0].id if len(rows) == 1 else None,
           after={"bsn": v.mask_bsn(bsn), "found": [row.id for row in rows], "other_teams": list(elsewhere),
                  "channel": channel})


def household_forecast(session: Session, household_id: int, today: date | None = None, days: int = 56,
                       figures: HouseholdFigures | None = None, *,
                       lead_business_days: int = DEFAULT_LEAD_BUSINESS_DAYS,
                       costs: Sequence[FixedCost] | None = None,
                       incomes: Sequence[ExpectedIncome] | None = None) -> Forecast:
    """The next ``days`` days (8 weeks) from the household's figures (:mod:`budgetbeheer.households.figures`): the
    payment runs the scheduler will make, by their own rules (:func:`~budgetbeheer.domain.forecast.forecast` with
    ``lead_business_days``), so that its first run is the run the figures follow.

    It starts where that run starts: ``balance − planned`` (the funds now, less what proposed batches will pay).
    Every instalment that already has a live payment (proposed, approved or settled) is left out, and so is every
    payday up to the latest one with a live leefgeld, so nothing is counted or paid twice; the instalments already due
    without a live payment (arrears, or not yet taken by a run) are tried again by the first run. A benefit that came
    early is not expected again (the figures' ``benefit_received_on``, the runs' rule). While an extension request is
    pending the forecast runs to the end the period would get, as the runs reserve for it; a final settlement does not
    pay the fixed costs it cannot pay (a held IBAN). Each instalment is priced at the amount in force on its due date.
    """
    today = today or clock.today()
    household = get_household(session, household_id)
    figures = figures or household_figures(session, household_id, today, lead_business_days=lead_business_days)
    costs = fixed_costs_of(session, household_id) if costs is None else costs
    schedules = [_Unpaid.of(schedule_of(cost), figures.live_instalments) for cost in costs
                 if cost.id not in figures.unpayable]
    plan = LeefgeldPlan(LeefgeldFrequency(household.leefgeld_frequency), household.leefgeld_day,
                        household.buffer_cents)

    open_from = first_open_payday(session, household_id, household.period_start, figures.next_run_on,
                                  lead_business_days)
    return forecast(figures.balance_cents - figures.planned_cents, today, days=days,
                    expected_incomes=income_expectations(session, household_id, incomes), fixed_costs=schedules,
                    leefgeld=plan,
                    period_end=figures.last_day, open_shortfalls=figures.overdue_obligations(),
                    benefit_received_on=figures.benefit_received_on, lead_business_days=lead_business_days,
                    leefgeld_paid_through=figures.leefgeld_paid_through, first_open_payday=open_from)


@dataclass(frozen=True, slots=True)
class _Unpaid(ObligationSchedule):
    """A fixed cost's schedule without the instalments that already have a live payment."""

    paid: frozenset[tuple[int, date]] = frozenset()

    @classmethod
    def of(cls, schedule: ObligationSchedule, paid: frozenset[tuple[int, date]]) -> _Unpaid:
        return cls(schedule.id, schedule.category, schedule.amount_cents, schedule.frequency, schedule.due_day,
                   schedule.start_date, schedule.end_date, schedule.creditor_id, schedule.later_amounts,
                   frozenset(p for p in paid if p[0] == schedule.id))

    def instalments(self, window_from: date, window_to: date) -> list[DueObligation]:
        found = ObligationSchedule.instalments(self, window_from, window_to)
        return [d for d in found if (d.obligation_id, d.due_date) not in self.paid] if self.paid else found


@dataclass(frozen=True, slots=True)
class Movement:
    """One booking on the household's funds, from the household's side: money in is positive."""

    transaction_id: int
    date: date
    kind: str
    description: str
    amount_cents: int
    balance_cents: int


@dataclass(frozen=True, slots=True)
class Statement:
    """Every movement on the household's funds in ``[start, end]`` (inclusive) with the running balance, and what
    the balance is kept for now (:attr:`held`, the figures' reserved lines)."""

    household_id: int
    start: date
    end: date
    opening_cents: int
    movements: tuple[Movement, ...]
    figures: HouseholdFigures

    @property
    def closing_cents(self) -> int:
        return self.movements[-1].balance_cents if self.movements else self.opening_cents

    @property
    def held(self) -> tuple[Reservation, ...]:
        return self.figures.reserved


def statement(
    session: Session, household_id: int, from_: date | None = None, to: date | None = None,
    today: date | None = None, figures: HouseholdFigures | None = None, *,
    lead_business_days: int = DEFAULT_LEAD_BUSINESS_DAYS,
) -> Statement:
    """The household's statement for ``[from, to]`` (inclusive).

    ``from`` defaults to the period's start, ``to`` to today or the latest booking when that is later (an approved
    batch is booked on its execution date, which may lie a day or two ahead): so the statement's closing balance is
    the figures' balance. ``held`` is what the balance is kept for as of ``today``.
    """
    household = get_household(session, household_id)
    today = today or clock.today()
    account = ledger.household_account_id(session, household_id)
    if to is None:
        latest = session.scalar(select(func.max(Posting.business_date)).where(Posting.account_id == account))
        to = max(today, latest) if latest is not None else today
    from_ = from_ or household.period_start
    if from_ > to:
        raise ValidationError({"from": Message("De begindatum ligt na de einddatum.")})
    opening = ledger.balance(session, account, as_of=from_ - timedelta(days=1))
    rows = session.execute(
        select(Transaction.id, Transaction.business_date, Transaction.kind, Transaction.description,
               Posting.amount_cents)
        .join(Posting, Posting.transaction_id == Transaction.id)
        .where(Posting.account_id == account, Transaction.business_date >= from_, Transaction.business_date <= to)
        .order_by(Transaction.business_date, Transaction.id)
    ).all()
    running = opening
    movements = []
    for row in rows:
        amount = -int(row.amount_cents)
        running += amount
        movements.append(Movement(int(row.id), row.business_date, row.kind, row.description, amount, running))
    return Statement(household_id, from_, to, opening, tuple(movements),
                     figures or household_figures(session, household_id, today,
                                                  lead_business_days=lead_business_days))


def mask_name(name: str) -> str:
    """A name shown to a reader who may not see the household: its initials only (``A. Haddad`` → ``A. H.``), as a
    BSN is shown by its last digits."""
    return " ".join(f"{word[0]}." for word in name.replace(".", " ").split() if word[0].isalpha())


def household_labels(session: Session, ids: Iterable[int | None], scope: Scope) -> dict[int, str]:
    """Each household's name for lists (its account holder, as on the bank file), masked (:func:`mask_name`) for a
    household outside ``scope``: one query for all of ``ids``."""
    wanted = sorted({int(i) for i in ids if i is not None})
    if not wanted:
        return {}
    reached = Household.id.in_(scope.household_ids()) if not scope.is_everything else None
    labels: dict[int, str] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        columns = [Household.id, Household.account_holder]
        query = select(*columns, reached.label("reached")) if reached is not None else select(*columns)
        for row in session.execute(query.where(Household.id.in_(chunk))):
            visible = reached is None or bool(row[2])
            labels[cast(int, row[0])] = str(row[1]) if visible else mask_name(str(row[1]))
    return labels
