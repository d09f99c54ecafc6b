"""Preparing a payment run: one proposed batch per TARGET2 execution date, built with bulk queries and bulk inserts.

For every household in ontzorgen the run takes

* the fixed-cost instalments whose execution date (:func:`~budgetbeheer.payments.calendar.execution_date_for_due_date`)
  is on or before the run's date and that have no live payment yet (so instalments an earlier run could not pay, or
  whose payment was cancelled or returned, are carried forward), from the start of the household's period on;
* leefgeld for the latest open payday whose execution date has come and that has no leefgeld yet: a payday the run
  executes on or before, or one that passed while no earlier run covered it (:class:`_ClosedPaydays`);
* the next expected benefit this run cannot have (:func:`~budgetbeheer.payments.planning.income_usable_through`,
  with the household's latest benefit receipt for one that came early) and every instalment that must be paid before
  a run can use it (:func:`~budgetbeheer.payments.planning.kept_through`), kept out of the leefgeld;

and applies the pure run rules of :mod:`budgetbeheer.payments.planning` to the household's *available* balance: its
ledger balance minus what proposed (not yet approved) batches already plan to pay from it. When the period has ended
(status ``ending``/``ended``, or its last day falls within what this run covers) no fixed cost due after the end is
paid and the whole remaining balance is paid out as final leefgeld.

An IBAN held after a return (:mod:`budgetbeheer.payments.iban_holds`) gets nothing: a payment to it is held out with
the reason, like a payment to an invalid IBAN; in a final settlement an instalment to a held IBAN is not planned at
all (the money goes to the household), and a household reopened after it ended gets no fixed costs, only its balance
as final leefgeld (see :func:`_payable_costs` and ``docs/returns.md``).

Everything happens in the caller's database transaction: the whole proposal or nothing. The database guarantees
exactly-once: one live batch per execution date, one live payment per obligation key.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, cast

from schwifty import IBAN
from sqlalchemy import and_, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.bulk import cycle_collector_paused
from budgetbeheer.config import Settings
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, ValidationError
from budgetbeheer.households.categories import LABELS_NL, Category
from budgetbeheer.households.common import get_household
from budgetbeheer.households.forecast import BENEFIT, BENEFIT_EARLY_DAYS, IncomeExpectation, next_income_date
from budgetbeheer.households.models import Creditor, ExpectedIncome, FixedCost, FixedCostAmount, Household, Receipt
from budgetbeheer.households.schedule import due_dates, leefgeld_paydays
from budgetbeheer.ledger.models import Account, Posting
from budgetbeheer.payments.batches import get_batch, recount
from budgetbeheer.payments.calendar import check_execution_date
from budgetbeheer.payments.calendar import last_due_date_covered as last_due_date_covered
from budgetbeheer.payments.iban_holds import active_hold_reasons
from budgetbeheer.payments.models import PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.payments.planning import (
    LEEFGELD,
    DueObligation,
    LeefgeldAmount,
    income_usable_through,
    kept_through,
    open_paydays_from,
    plan_run,
)
from budgetbeheer.references import MAX_FREE_TEXT, ReferenceKind, validate_reference

_ONE_DAY = timedelta(days=1)
_CATEGORIES = {category.value: category for category in Category}
_NO_REFERENCE = ReferenceKind.NONE.value
_FREE_TEXT = ReferenceKind.FREE_TEXT.value
LEEFGELD_LOOKBACK_DAYS = 35
"""A leefgeld payday older than this is never paid any more (a bound on the search; the closed-payday rule already
keeps a payday that an earlier run covered from being paid later)."""
_COVER_DAYS = 14
"""A run that covered a payday executed at most this many days before it (the lead time, weekends and holidays)."""


def fixed_cost_key(fixed_cost_id: int, due: date) -> str:
    """``fc:<fixed cost, ten digits>:<due date>``. The ids are zero-padded so that the keys of a run, written in
    household order, sort in that order: each lands next to the previous one in the UNIQUE index."""
    return f"fc:{fixed_cost_id:010d}:{due.isoformat()}"


def leefgeld_key(household_id: int, payday: date, final: bool = False) -> str:
    """``lg:<household, ten digits>:<payday>``; the final payout of a period ends in ``:final`` so that it never
    collides with a regular leefgeld of the same payday."""
    return f"lg:{household_id:010d}:{payday.isoformat()}" + (":final" if final else "")


def msg_id_base(batch_id: int, execution_date: date) -> str:
    """Unique per batch and at most 27 characters: ``BB<yyyymmdd>-<batch id>``."""
    return f"BB{execution_date:%Y%m%d}-{batch_id}"


@lru_cache(maxsize=65_536)
def iban_problem(raw: str) -> str | None:
    """None when ``raw`` is a valid IBAN in the SEPA zone, else a Dutch reason."""
    try:
        iban = IBAN(raw)
    except ValueError as error:
        return f"IBAN {raw} is ongeldig ({error}); de betaling wordt tegengehouden tot het IBAN is verbeterd"
    if not iban.in_sepa_zone:
        return f"IBAN {raw} ligt buiten het SEPA-gebied; de betaling wordt tegengehouden"
    return None


@lru_cache(maxsize=262_144)
def _reference(kind: str, reference: str | None, required: bool) -> tuple[str, str, str | None]:
    """``(kind, normalised reference, hold reason or None)`` for a fixed cost's reference."""
    text = (reference or "").strip()
    if not text:
        if required:
            return ReferenceKind.NONE.value, "", "de schuldeiser vraagt een betalingskenmerk, maar er is er geen"
        return ReferenceKind.NONE.value, "", None
    if kind == ReferenceKind.NONE.value:
        kind = ReferenceKind.FREE_TEXT.value
    if kind == _FREE_TEXT and len(text) <= MAX_FREE_TEXT and " ".join(text.split()) == text:
        return kind, text, None  # what validate_reference gives for free text that is already normalised
    try:
        return kind, validate_reference(kind, text), None
    except ValidationError as error:
        why = error.fields.get("reference", error.message)
        return kind, text[:140], f"betalingskenmerk {text!r} klopt niet: {why}"


@lru_cache(maxsize=262_144)
def _due_dates(
    frequency: str, due_day: int, start: date, end: date | None, window_from: date, window_to: date
) -> tuple[date, ...]:
    """:func:`due_dates`, remembered: many households share a schedule and a window."""
    return tuple(due_dates(frequency, due_day, start, end, window_from, window_to))


@lru_cache(maxsize=65_536)
def _paydays(frequency: str, day: int, window_from: date, window_to: date) -> tuple[date, ...]:
    return tuple(leefgeld_paydays(frequency, day, window_from, window_to))


_IncomeRow = tuple[str, int, int, Any, Any]
"""``(kind, cents, day, start, end)`` of an expected income as the driver gives it (see :func:`_as_date`)."""


@lru_cache(maxsize=65_536)
def _next_income(
    incomes: tuple[_IncomeRow, ...], after: date, benefit_received_on: date | None, lead_business_days: int
) -> tuple[date | None, date | None]:
    """``(next income, the day after the last due date kept for it)``: :func:`next_income_date` and
    :func:`~budgetbeheer.payments.planning.kept_through`, remembered per distinct set of expected incomes (hashing
    the plain rows is cheap); ``(None, None)`` when no income is expected."""
    income = next_income_date(
        [
            _income(kind, int(cents), day, _as_date(start), None if end is None else _as_date(end))
            for kind, cents, day, start, end in incomes
        ],
        after,
        benefit_received_on=benefit_received_on,
    )
    return (None, None) if income is None else (income, kept_through(income, lead_business_days) + _ONE_DAY)


_parse_date = lru_cache(maxsize=16_384)(date.fromisoformat)


def _as_date(value: Any) -> date:
    """A date read by :func:`_driver_rows`: ISO text on SQLite, already a date on PostgreSQL."""
    return _parse_date(value) if type(value) is str else cast(date, value)


def _unchanged(value: date) -> date:
    return value


def _date_reader(session: Session) -> Callable[[Any], date]:
    """:func:`_as_date` for loops over many rows: the one conversion this database needs, without a test per value."""
    return cast(Callable[[Any], date], _parse_date if session.connection().dialect.name == "sqlite" else _unchanged)


def _driver_rows(session: Session, query: Any) -> list[tuple[Any, ...]]:
    """All rows of a column query as the driver's own tuples, in the session's transaction (the caller flushes first).

    A run reads some 650,000 rows at 50,000 households; SQLAlchemy's result rows and type processing (which parses
    every SQLite date with a regular expression) cost more than the queries. The statement is rendered with its
    parameters inline, which is safe here: they are dates, integers and fixed strings of this module, never user text.
    Dates come back as ISO text on SQLite: read them with :func:`_as_date`.
    """
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = cast(Any, connection.connection.driver_connection).cursor()
    try:
        cursor.execute(sql)
        return cast(list[tuple[Any, ...]], cursor.fetchall())
    finally:
        cursor.close()


class _Cost(NamedTuple):
    id: int
    kind: Category
    creditor_id: int
    frequency: str
    due_day: int
    start_date: date
    end_date: date | None
    reference: str | None
    amounts: list[tuple[date, int]]
    """``(effective from, cents)``, oldest first."""

    def amount_on(self, day: date) -> int | None:
        amount = None
        for effective_from, cents in self.amounts:
            if effective_from <= day:
                amount = cents
        return amount


class _HouseholdRow(NamedTuple):
    id: int
    iban: str
    account_holder: str
    period_start: date
    period_end: date
    status: str
    ended_on: date | None
    leefgeld_frequency: str
    leefgeld_day: int
    buffer_cents: int


class PlannedItem(NamedTuple):
    """One payment a run proposes, in the column order of ``payment_items`` (batch and EndToEndId are added when the
    batch is written)."""

    household_id: int
    kind: str
    fixed_cost_id: int | None
    creditor_id: int | None
    creditor_name: str
    iban: str
    bic: str | None
    amount_cents: int
    due_date: date
    reference_kind: str
    reference: str | None
    remittance: str
    obligation_key: str | None
    reason: str
    status: str
    hold_reason: str | None


class PlannedShortfall(NamedTuple):
    """A fixed cost a run could not pay, in the column order of ``shortfalls`` (without the batch)."""

    household_id: int
    fixed_cost_id: int
    category: str
    amount_cents: int
    due_date: date
    reason: str


class LeefgeldWorkedOut(NamedTuple):
    """The leefgeld computation of one household in a run: the money it started from (ledger balance minus what
    proposed batches plan) and :class:`~budgetbeheer.payments.planning.LeefgeldAmount` (also when it came to zero).
    The household's figures (:mod:`budgetbeheer.households.figures`) show the same ``available_cents``."""

    balance_cents: int
    leefgeld: LeefgeldAmount


@dataclass
class RunResult:
    """What :func:`plan_items` worked out, ready for bulk insert; with ``with_leefgeld`` also ``leefgeld``, the
    computation per household that had a payday (for comparison with the household's figures)."""

    items: list[PlannedItem] = field(default_factory=list)
    shortfalls: list[PlannedShortfall] = field(default_factory=list)
    leefgeld: dict[int, LeefgeldWorkedOut] = field(default_factory=dict)


@lru_cache(maxsize=65_536)
def _income(kind: str, amount_cents: int, day: int, start: date, end: date | None) -> IncomeExpectation:
    """One shared (immutable) expectation per distinct row: many households expect the same benefit."""
    return IncomeExpectation(kind, amount_cents, day, start, end)


def _households(session: Session, household_ids: Sequence[int] | None, last_due: date) -> list[_HouseholdRow]:
    query = select(
        Household.id,
        Household.iban,
        Household.account_holder,
        Household.period_start,
        Household.period_end,
        Household.status,
        Household.ended_on,
        Household.leefgeld_frequency,
        Household.leefgeld_day,
        Household.buffer_cents,
    ).where(Household.period_start <= last_due, Household.status != "ended")  # ended: nothing left to pay
    if household_ids is not None:
        query = query.where(Household.id.in_(household_ids))
    as_date = _date_reader(session)
    return [
        _HouseholdRow(hid, iban, holder, as_date(start), as_date(end), status,
                      None if ended is None else as_date(ended), frequency, day, buffer)
        for hid, iban, holder, start, end, status, ended, frequency, day, buffer
        in _driver_rows(session, query.order_by(Household.id))
    ]


def _ledger_balances(session: Session, household_ids: set[int]) -> dict[int, int]:
    """Each household's ledger balance (what its funds account holds)."""
    balances = dict.fromkeys(household_ids, 0)
    for household_id, credit in _driver_rows(session,
        select(Account.household_id, func.coalesce(func.sum(Posting.amount_cents), 0))
        .select_from(Account)
        .join(Posting, Posting.account_id == Account.id)
        .where(Account.household_id.is_not(None))
        .group_by(Account.household_id)
    ):
        if household_id in balances:
            balances[household_id] = -int(credit)
    return balances


@dataclass
class _EarlierPayments:
    """What earlier runs already did, read in one pass over ``payment_items``."""

    live_fixed: set[tuple[int, date]] = field(default_factory=set)
    """``(fixed cost, due date)`` of every live fixed-cost payment due on or after the earliest period start."""
    last_leefgeld: dict[int, date] = field(default_factory=dict)
    """Per household, the latest payday that has a live leefgeld."""
    pending: dict[int, int] = field(default_factory=dict)
    """Per household, what proposed (not yet approved) batches already plan to pay from its funds."""


def _earlier_payments(session: Session, scope: Any, earliest: date) -> _EarlierPayments:
    """Two passes over ``payment_items``: the live fixed-cost instalments as rows, and per household the last
    leefgeld and the pending amount added up by the database."""
    live = and_(PaymentItem.obligation_key.is_not(None), PaymentItem.due_date >= earliest)
    proposed = and_(
        PaymentItem.status == "proposed",
        PaymentItem.batch_id.in_(select(PaymentBatch.id).where(PaymentBatch.status == "proposed")),
    )
    as_date = _date_reader(session)
    found = _EarlierPayments(
        live_fixed={
            (fixed_cost_id, as_date(due))
            for fixed_cost_id, due in _driver_rows(session,
                select(PaymentItem.fixed_cost_id, PaymentItem.due_date)
                .where(scope(PaymentItem.household_id), live, PaymentItem.fixed_cost_id.is_not(None))
            )
        }
    )
    for household_id, last_leefgeld, pending in _driver_rows(session,
        select(
            PaymentItem.household_id,
            func.max(case((and_(live, PaymentItem.fixed_cost_id.is_(None)), PaymentItem.due_date))),
            func.sum(case((proposed, PaymentItem.amount_cents))),
        )
        .where(scope(PaymentItem.household_id))
        .group_by(PaymentItem.household_id)
    ):
        if last_leefgeld is not None:
            found.last_leefgeld[household_id] = as_date(last_leefgeld)
        if pending:
            found.pending[household_id] = int(pending)
    return found


def plan_items(
    session: Session,
    execution_date: date,
    settings: Settings,
    *,
    household_ids: Sequence[int] | None = None,
    force_final: Iterable[int] = (),
    with_leefgeld: bool = False,
) -> RunResult:
    """Work out the items and shortfalls of a run (nothing written). See the module docstring for the rules.
    ``with_leefgeld``: keep each household's leefgeld computation in :attr:`RunResult.leefgeld`.

    Everything is read with one query per table (fixed costs with their amounts in one), straight into plain tuples:
    at 50,000 households a run reads about 200,000 fixed costs and every live payment of the period."""
    lead = settings.lead_business_days
    last_due = last_due_date_covered(execution_date, lead)
    final_ids = set(force_final)
    session.flush()  # the reads below go through the session's connection, past the ORM: no autoflush
    households = _households(session, household_ids, last_due)
    ids = {h.id for h in households}
    if not ids:
        return RunResult()
    def scope(column: Any) -> Any:
        return column.in_(household_ids) if household_ids is not None else column.is_not(None)

    as_date = _date_reader(session)
    costs_by_household: dict[int, list[_Cost]] = {}
    cost: _Cost | None = None
    for cost_id, household_id, category, creditor_id, frequency, due_day, start, end, reference, since, cents in _driver_rows(
        session,
        select(
            FixedCost.id,
            FixedCost.household_id,
            FixedCost.category,
            FixedCost.creditor_id,
            FixedCost.frequency,
            FixedCost.due_day,
            FixedCost.start_date,
            FixedCost.end_date,
            FixedCost.reference,
            FixedCostAmount.effective_from,
            FixedCostAmount.amount_cents,
        )
        .join(FixedCostAmount, FixedCostAmount.fixed_cost_id == FixedCost.id)
        .where(scope(FixedCost.household_id), FixedCost.start_date <= last_due + timedelta(days=62))
        .order_by(FixedCost.id, FixedCostAmount.effective_from),
    ):
        if cost is None or cost.id != cost_id:
            if household_id not in ids:
                continue
            cost = _Cost(cost_id, _CATEGORIES[category], creditor_id, frequency, due_day, as_date(start),
                         None if end is None else as_date(end), reference, [])
            costs_by_household.setdefault(household_id, []).append(cost)
        cost.amounts.append((as_date(since), cents))

    payees = {
        creditor_id: _Payee.of(name, iban, bic, reference_kind, bool(required))
        for creditor_id, name, iban, bic, reference_kind, required in _driver_rows(session,
            select(
                Creditor.id, Creditor.name, Creditor.iban, Creditor.bic, Creditor.reference_kind,
                Creditor.reference_required,
            ).where(Creditor.id.in_(select(FixedCost.creditor_id).where(scope(FixedCost.household_id))))
        )
    }
    held_ibans = active_hold_reasons(session)
    if held_ibans:  # IBANs held after a return (payments.iban_holds): every payment to them is held out
        payees = {cid: _held_payee(payee, held_ibans) for cid, payee in payees.items()}
    payout_only = _reopened_for_payout(session, scope)
    incomes: dict[int, tuple[_IncomeRow, ...]] = {}
    for household_id, *income in _driver_rows(session,
        select(
            ExpectedIncome.household_id, ExpectedIncome.kind, ExpectedIncome.amount_cents, ExpectedIncome.day,
            ExpectedIncome.start_date, ExpectedIncome.end_date,
        )
        .where(scope(ExpectedIncome.household_id))
        .order_by(ExpectedIncome.household_id, ExpectedIncome.id)
    ):
        if household_id in ids:
            incomes[household_id] = (*incomes.get(household_id, ()), cast(_IncomeRow, tuple(income)))

    earliest = min(h.period_start for h in households)
    earlier = _earlier_payments(session, scope, earliest)
    balances = _ledger_balances(session, ids)
    pending, last_leefgeld = earlier.pending, earlier.last_leefgeld
    run = _Run(execution_date, last_due, payees, earlier.live_fixed, lead, held_ibans)
    run.with_leefgeld = with_leefgeld
    earlier_runs = _earlier_runs(execution_date, run.lookback_from)
    run.closed = _ClosedPaydays(_driver_rows(session, earlier_runs), execution_date, lead)
    run.closed.enrolled_later = _enrolled_after_latest_run(session, earlier_runs, scope)
    run.benefit_received = _benefits_received(session, scope, run.usable_through, as_date)
    # i10-extensions: households with a pending extension request, and the end they get once it is approved.
    from budgetbeheer.lifecycle.extensions import pending_extension_ends

    extension_ends = pending_extension_ends(session, household_ids)
    no_costs: list[_Cost] = []
    for household in households:
        hid = household.id
        costs = costs_by_household.get(hid, no_costs)
        if payout_only or held_ibans:
            costs = _payable_costs(household, costs, payees, held_ibans, payout_only, final_ids)
        _plan_household(
            run, household, costs, incomes.get(hid, ()),
            last_leefgeld.get(hid), balances[hid] - pending.get(hid, 0), hid in final_ids, extension_ends.get(hid),
        )
    return run.result


def first_open_payday(session: Session, household_id: int, period_start: date, execution_date: date,
                      lead_business_days: int) -> date:
    """The first payday a run for ``execution_date`` may still pay the household, by the same reading of the earlier
    runs as :func:`plan_items` (closed paydays, :class:`_ClosedPaydays`; the period's start; the look-back), before the
    household's own latest leefgeld is taken into account. The household's forecast starts its first run here."""
    lookback_from = execution_date - timedelta(days=LEEFGELD_LOOKBACK_DAYS)
    earlier = _earlier_runs(execution_date, lookback_from)
    closed = _ClosedPaydays(_driver_rows(session, earlier), execution_date, lead_business_days)
    closed.enrolled_later = _enrolled_after_latest_run(session, earlier, lambda column: column == household_id)
    open_from = closed.open_from(household_id) if closed.enrolled_later else closed.open_all
    window_from = period_start if period_start > lookback_from else lookback_from
    return open_from if open_from is not None and open_from > window_from else window_from


def _earlier_runs(execution_date: date, lookback_from: date) -> Any:
    """``(prepared_at, execution date)`` of every live batch executing before ``execution_date`` that can have
    covered a payday on or after ``lookback_from``."""
    return select(PaymentBatch.prepared_at, PaymentBatch.execution_date).where(
        PaymentBatch.status != "cancelled",
        PaymentBatch.execution_date < execution_date,
        PaymentBatch.execution_date >= lookback_from - timedelta(days=_COVER_DAYS),
    )


def _enrolled_after_latest_run(session: Session, earlier_runs: Any, scope: Callable[[Any], Any]) -> dict[int, Any]:
    """``{household: created_at}`` of the households enrolled after the latest of ``earlier_runs`` was prepared: the
    only ones for which an earlier run may not count (see :class:`_ClosedPaydays`); usually none or a few."""
    latest = earlier_runs.with_only_columns(PaymentBatch.prepared_at).order_by(
        PaymentBatch.execution_date.desc()).limit(1).scalar_subquery()
    return dict(_driver_rows(session, select(Household.id, Household.created_at).where(
        Household.created_at > latest, scope(Household.id))))


def _benefits_received(session: Session, scope: Callable[[Any], Any], usable_through: date,
                       as_date: Callable[[Any], date]) -> dict[int, date]:
    """Per household, the latest benefit receipt that can have been an expected benefit after ``usable_through``
    come early (see :func:`~budgetbeheer.households.forecast.next_income_date`); most households have none. The
    household's figures read the same for one household (:func:`budgetbeheer.households.figures.benefit_received_on`)."""
    return {
        household_id: as_date(latest)
        for household_id, latest in _driver_rows(session,
            select(Receipt.household_id, func.max(Receipt.received_on))
            .where(
                Receipt.kind == BENEFIT,
                Receipt.received_on > usable_through - timedelta(days=BENEFIT_EARLY_DAYS),
                scope(Receipt.household_id),
            )
            .group_by(Receipt.household_id)
        )
    }


def _intake_day(created_at: Any) -> date:
    """The day a household was enrolled, from ``households.created_at`` as the driver gives it (UTC)."""
    if isinstance(created_at, datetime):
        return created_at.date()
    return _parse_date(str(created_at)[:10])


@lru_cache(maxsize=4096)
def _covered(execution_date: date, lead_business_days: int) -> date:
    return last_due_date_covered(execution_date, lead_business_days)


class _ClosedPaydays:
    """Which paydays that have passed are closed for a household, read from the live batches before this run.

    Rule 6 of :mod:`.planning`: a payday that has passed is closed when an earlier live run covered it (executed on
    or after the payday's execution date) and that run counts for the household. A run counts when it was prepared
    at or after the household's enrolment; for a payday before the day of enrolment every run counts (such a payday
    is never paid afterwards, unless no run at all covered it: then the first run after intake is its own run). So the
    database proves which paydays are closed; nothing is recorded for a payday that paid nothing.

    Cheap per household: a household enrolled before the latest earlier run was prepared shares one answer; only
    those enrolled later (``enrolled_later``, with their ``created_at``) are looked at one by one. Preparation and
    enrolment times are compared as the driver gives them (ISO text on SQLite, datetimes on PostgreSQL).
    """

    __slots__ = ("_covered_all", "_latest_executed", "_lead", "_prepared", "_run_date", "enrolled_later", "open_all")

    def __init__(self, rows: Iterable[tuple[Any, Any]], run_date: date, lead_business_days: int) -> None:
        as_date = _parse_date
        runs = sorted(((prepared, executed if type(executed) is date else as_date(executed))
                       for prepared, executed in rows), key=lambda prepared_and_executed: prepared_and_executed[0])
        self._prepared = [prepared for prepared, _ in runs]
        latest: list[date] = []
        for _, executed in reversed(runs):
            latest.append(executed if not latest or executed > latest[-1] else latest[-1])
        latest.reverse()
        self._latest_executed = latest
        """``latest[i]``: the latest execution date among the runs prepared at or after ``_prepared[i]``."""
        self._run_date = run_date
        self._lead = lead_business_days
        self._covered_all: date | None = None
        self.open_all: date | None = None
        """The first open payday of a household for which every earlier run counts (None: every payday is open)."""
        self.enrolled_later: dict[int, Any] = {}
        if runs:
            self._covered_all = _covered(max(executed for _, executed in runs), lead_business_days)
            self.open_all = open_paydays_from(run_date, self._covered_all)

    def open_from(self, household_id: int) -> date | None:
        """The first payday still open for the household; None: every payday is."""
        created_at = self.enrolled_later.get(household_id)
        if created_at is None:
            return self.open_all  # enrolled before the latest earlier run was prepared: every earlier run counts
        index = bisect_left(self._prepared, created_at)
        own = _covered(self._latest_executed[index], self._lead) if index < len(self._prepared) else None
        before_intake = _intake_day(created_at) - _ONE_DAY
        covered_all = cast(date, self._covered_all)
        covered = covered_all if covered_all < before_intake else before_intake
        if own is not None and own > covered:
            covered = own
        return open_paydays_from(self._run_date, covered)


class _Run:
    """What every household of one run shares."""

    __slots__ = ("after_run", "benefit_received", "closed", "execution_date", "held_ibans", "last_due", "lead",
                 "live_fixed", "lookback_from", "payees", "result", "usable_through", "with_leefgeld")

    def __init__(
        self, execution_date: date, last_due: date, payees: dict[int, _Payee], live_fixed: set[tuple[int, date]],
        lead: int, held_ibans: dict[str, str] | None = None,
    ) -> None:
        self.execution_date = execution_date
        self.last_due = last_due
        self.after_run = last_due + _ONE_DAY
        self.lookback_from = execution_date - timedelta(days=LEEFGELD_LOOKBACK_DAYS)
        self.payees = payees
        self.live_fixed = live_fixed
        self.held_ibans = held_ibans or {}
        """IBAN → why it is held (a return said the account is wrong or closed)."""
        self.result = RunResult()
        self.lead = lead
        self.usable_through = income_usable_through(execution_date, lead)
        """Income expected up to this day can be in this run's balance; the next income is the first one after it."""
        self.closed = _ClosedPaydays([], execution_date, lead)
        self.benefit_received: dict[int, date] = {}
        self.with_leefgeld = False


def _plan_household(
    run: _Run,
    household: _HouseholdRow,
    costs: list[_Cost],
    incomes: tuple[_IncomeRow, ...],
    last_leefgeld: date | None,
    balance: int,
    force_final: bool,
    extension_end: date | None = None,
) -> None:
    end = household.period_end
    if household.ended_on is not None and household.ended_on < end:
        end = household.ended_on
    final = force_final or end <= run.last_due or household.status in ("ending", "ended")
    # i10-extensions (issue 10, finding 2) ------------------------------------------------------------------------
    # While an extension request is pending (``extension_end``: the end once approved) the period is not final, and
    # the leefgeld keeps back the fixed costs up to the next income as if the request will be approved. Instalments
    # after the current end are not paid before the approval (``pay_until`` stays), only reserved: ``waits``.
    reserve_end, waits = end, False
    if extension_end is not None and not force_final:
        final, reserve_end, waits = False, extension_end, True
    # -------------------------------------------------------------------------------------------- end i10-extensions
    pay_until = end if end < run.last_due else run.last_due
    live_fixed = run.live_fixed

    payday: date | None = None
    paydays: Sequence[date] = ()
    horizon: date | None = None
    next_income: date | None = None
    if final:
        payday = max(pay_until, run.execution_date)
        paydays = (payday,)
    else:
        window_from = household.period_start
        if window_from < run.lookback_from:
            window_from = run.lookback_from
        if last_leefgeld is not None and last_leefgeld >= window_from:
            window_from = last_leefgeld + _ONE_DAY
        closed = run.closed  # a payday that passed with nothing paid is closed
        open_from = closed.open_from(household.id) if closed.enrolled_later else closed.open_all
        if open_from is not None and open_from > window_from:
            window_from = open_from
        candidates = _paydays(household.leefgeld_frequency, household.leefgeld_day, window_from, run.after_run)
        if candidates:
            payday = candidates[-1]
            # Counted from the execution date: the next income this run cannot have, and everything that must be
            # paid before a run can use it (lead time included), not beyond the period's end (or, while an extension
            # is pending, the end it would get: i10-extensions).
            received = run.benefit_received
            next_income, kept_until = _next_income(incomes, run.usable_through,
                                                   received.get(household.id) if received else None, run.lead)
            horizon = reserve_end + _ONE_DAY
            if kept_until is not None and kept_until < horizon:
                horizon = kept_until
            paydays = _paydays(household.leefgeld_frequency, household.leefgeld_day, payday, horizon) or (payday,)

    # One pass over each cost's instalments: those up to this run's last due date are paid now (unless a live payment
    # exists), those after it and before the next income are kept out of the leefgeld.
    due: list[DueObligation] = []
    before_income: list[DueObligation] = []
    window_to = pay_until + _ONE_DAY
    until = horizon if horizon is not None and horizon > run.after_run else window_to
    if waits and until < run.after_run:  # i10-extensions: the instalments due by this run wait for the decision
        until = run.after_run
    for cost in costs:
        for day in _due_dates(cost.frequency, cost.due_day, cost.start_date, cost.end_date, household.period_start,
                              until):
            if (cost.id, day) not in live_fixed:
                amounts = cost.amounts  # usually one amount since the start: read it without a method call
                since, cents = amounts[0]
                amount = cost.amount_on(day) if len(amounts) > 1 else cents if since <= day else None
                if amount:
                    if day < window_to:
                        due.append(DueObligation(cost.id, cost.kind, amount, day, cost.creditor_id))
                    elif day >= run.after_run or waits:  # i10-extensions: ``or waits`` (after the end, reserved)
                        before_income.append(DueObligation(cost.id, cost.kind, amount, day, cost.creditor_id))
    if not due and not paydays:
        return

    plan = plan_run(
        balance,
        due,
        due_before_next_income=before_income,
        next_income_date=next_income,
        kept_through=None if horizon is None else horizon - _ONE_DAY,
        buffer_cents=household.buffer_cents,
        leefgeld_frequency=household.leefgeld_frequency,
        leefgeld_paydays=paydays,
        final=final,
    )
    if run.with_leefgeld and plan.leefgeld is not None:
        run.result.leefgeld[household.id] = LeefgeldWorkedOut(balance, plan.leefgeld)
    items = run.result.items
    for payment in plan.payments:
        if payment.kind == LEEFGELD:
            hold = iban_problem(household.iban) or run.held_ibans.get(household.iban.replace(" ", "").upper())
            items.append(PlannedItem(
                household.id, LEEFGELD, None, None, household.account_holder[:140],
                household.iban.replace(" ", "").upper()[:34], None, payment.amount_cents, payment.due_date,
                _NO_REFERENCE, None, _leefgeld_remittance(final, payment.due_date),
                None if hold else leefgeld_key(household.id, payment.due_date, final), payment.reason,
                "held" if hold else "proposed", hold,
            ))
            continue
        for cost in costs:
            if cost.id == payment.obligation_id:
                break
        else:  # pragma: no cover - every fixed-cost payment comes from one of the household's costs
            raise AssertionError(f"payment for unknown fixed cost {payment.obligation_id}")
        payee = run.payees[cost.creditor_id]
        kind, reference, reference_hold = _reference(payee.reference_kind, cost.reference, payee.reference_required)
        hold = payee.iban_problem or reference_hold
        items.append(PlannedItem(
            household.id, payment.kind, cost.id, cost.creditor_id, payee.name, payee.iban, payee.bic,
            payment.amount_cents, payment.due_date, kind, reference or None,
            _remittance(payment.kind, payment.due_date),
            None if hold else fixed_cost_key(cost.id, payment.due_date), payment.reason,
            "held" if hold else "proposed", hold,
        ))
    for shortfall in plan.shortfalls:
        run.result.shortfalls.append(PlannedShortfall(
            household.id, shortfall.obligation_id, str(shortfall.category), shortfall.amount_cents,
            shortfall.due_date, shortfall.reason,
        ))


def _held_payee(payee: _Payee, held_ibans: dict[str, str]) -> _Payee:
    hold = held_ibans.get(payee.iban)
    return payee._replace(iban_problem=payee.iban_problem or hold) if hold else payee


def _reopened_for_payout(session: Session, scope: Any) -> set[int]:
    """Households that had ended and were reopened because money came back (see ``Household.reopened_for_payout_at``)."""
    return set(session.scalars(
        select(Household.id).where(
            scope(Household.id), Household.status == "ending", Household.reopened_for_payout_at.is_not(None)
        )
    ))


def _payable_costs(
    household: _HouseholdRow, costs: list[_Cost], payees: dict[int, _Payee], held_ibans: dict[str, str],
    payout_only: set[int], final_ids: set[int],
) -> list[_Cost]:
    """The fixed costs a run may still pay for the household, after returns (``docs/returns.md``):

    - none for a household reopened after it ended: the money that came back is its final leefgeld, and what was
      unpaid is on its handover;
    - in the final settlement (``ending``, or a forced final payout) none to a held IBAN: the instalment belongs to
      the period, but the period is over and the money goes to the household; the handover lists it as unpaid.

    A household still running keeps its costs: a payment to a held IBAN is then held out (the money is kept for it).
    """
    if household.id in payout_only:
        return []
    if held_ibans and (household.status != "active" or household.id in final_ids):
        return [cost for cost in costs if payees[cost.creditor_id].iban not in held_ibans]
    return costs


class _Payee(NamedTuple):
    """A creditor as its payments carry it, worked out once per run."""

    name: str
    iban: str
    bic: str | None
    reference_kind: str
    reference_required: bool
    iban_problem: str | None

    @classmethod
    def of(cls, name: str, iban: str, bic: str | None, reference_kind: str, reference_required: bool) -> _Payee:
        return cls(name[:140], iban.replace(" ", "").upper()[:34], bic, reference_kind, reference_required,
                   iban_problem(iban))


@lru_cache(maxsize=4096)
def _remittance(kind: str, due: date) -> str:
    return f"{LABELS_NL[Category(kind)]} {due:%m-%Y}"


@lru_cache(maxsize=4096)
def _leefgeld_remittance(final: bool, due: date) -> str:
    return f"{'Leefgeld (eindafrekening)' if final else 'Leefgeld'} {due:%d-%m-%Y}"


def live_batch_for(session: Session, execution_date: date) -> PaymentBatch | None:
    return session.scalar(select(PaymentBatch).where(PaymentBatch.active_execution_date == execution_date))


_ITEM_COLUMNS = ("batch_id", "end_to_end_id", *PlannedItem._fields)
_SHORTFALL_COLUMNS = ("batch_id", *PlannedShortfall._fields)
_ITEM_DUE_DATE = PlannedItem._fields.index("due_date")
_SHORTFALL_DUE_DATE = PlannedShortfall._fields.index("due_date")


def _bulk_insert(session: Session, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) in the session's transaction, the cheapest way the driver
    offers: ``COPY ... FROM STDIN`` on PostgreSQL (psycopg), one ``executemany`` of the bare statement on SQLite. Every
    constraint and trigger applies as with ``INSERT``; SQLAlchemy's per-row parameter processing is skipped, so the
    values must already be what the driver takes (dates as ISO text on SQLite, as SQLAlchemy stores them there: see
    :func:`_insert_items`)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        driver = cast(Any, connection.connection.driver_connection)
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["?" if connection.dialect.paramstyle == "qmark" else "%s"] * len(columns))
    connection.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def _insert_items(session: Session, batch: PaymentBatch, result: RunResult) -> None:
    """Write the planned items and shortfalls of ``batch``.

    EndToEndId is ``<MsgId base>-<number in the batch>``, the number zero-padded to six digits so that the ids of a
    batch sort in the order they are written (each lands at the end of the UNIQUE index instead of all over it); at
    most 27 + 1 + 7 characters, within the 35 the bank allows."""
    start = int(
        session.scalar(select(func.count(PaymentItem.id)).where(PaymentItem.batch_id == batch.id)) or 0
    )
    base, batch_id = batch.msg_id_base, batch.id
    day: Callable[[Any], Any] = date.isoformat if session.connection().dialect.name == "sqlite" else _unchanged
    at = _ITEM_DUE_DATE
    items = [
        (batch_id, f"{base}-{number:06d}", *item[:at], day(item[at]), *item[at + 1 :])
        for number, item in enumerate(result.items, start=start + 1)
    ]
    _bulk_insert(session, PaymentItem.__tablename__, _ITEM_COLUMNS, items)
    at = _SHORTFALL_DUE_DATE
    shortfalls = [(batch_id, *row[:at], day(row[at]), *row[at + 1 :]) for row in result.shortfalls]
    _bulk_insert(session, Shortfall.__tablename__, _SHORTFALL_COLUMNS, shortfalls)


def refresh_totals(session: Session, batch: PaymentBatch, settings: Settings) -> None:
    recount(session, batch)
    batch.required_approvals = 2 if batch.total_cents > settings.approval_threshold_cents else 1


def batch_summary(session: Session, batch: PaymentBatch) -> dict[str, object]:
    held, shortfalls = session.execute(
        select(
            select(func.count(PaymentItem.id)).where(PaymentItem.batch_id == batch.id, PaymentItem.status == "held")
            .scalar_subquery(),
            select(func.count(Shortfall.id)).where(Shortfall.batch_id == batch.id).scalar_subquery(),
        )
    ).one()
    return {
        "execution_date": batch.execution_date,
        "status": batch.status,
        "total_cents": batch.total_cents,
        "count": batch.item_count,
        "held": int(held),
        "shortfalls": int(shortfalls),
        "required_approvals": batch.required_approvals,
    }


def _new_batch(session: Session, actor: Actor, execution_date: date, settings: Settings) -> PaymentBatch | None:
    """Insert the batch row in a savepoint; None when another live batch for the date won the race."""
    batch = PaymentBatch(
        execution_date=execution_date,
        active_execution_date=execution_date,
        status="proposed",
        prepared_by=actor.name,
        prepared_by_user_id=actor.user_id,
        prepared_at=utcnow(),
        total_cents=0,
        item_count=0,
        required_approvals=1,
        pain_version=settings.pain001_version,
    )
    try:
        with session.begin_nested():
            session.add(batch)
            session.flush()
            batch.msg_id_base = msg_id_base(batch.id, execution_date)
            session.flush()
    except IntegrityError:
        return None
    return batch


def prepare_run(
    session: Session, actor: Actor, execution_date: date, settings: Settings
) -> tuple[PaymentBatch, bool]:
    """Propose the batch for ``execution_date``; ``(batch, created)``. The same date again gives the same batch.

    Raises :class:`ValidationError` (field ``execution_date``, naming the next business day) for a closed day.
    """
    check_execution_date(execution_date)
    existing = live_batch_for(session, execution_date)
    if existing is not None:
        return existing, False
    batch = _new_batch(session, actor, execution_date, settings)
    if batch is None:
        existing = live_batch_for(session, execution_date)
        if existing is None:  # pragma: no cover - the winner was cancelled in between
            raise Conflict(Message("Een andere betaalrun voor %(date)s is net gemaakt; probeer opnieuw.",
                                   date=execution_date.isoformat()))
        return existing, False
    with cycle_collector_paused():
        result = plan_items(session, execution_date, settings)
        _insert_items(session, batch, result)
        del result
    refresh_totals(session, batch, settings)
    session.flush()
    record(session, actor, "payment_batch.prepared", "payment_batch", batch.id, after=batch_summary(session, batch))
    return batch, True


def final_payout(
    session: Session, actor: Actor, household_id: int, execution_date: date, settings: Settings
) -> PaymentBatch:
    """Add the final settlement of one household (fixed costs due up to its end, then the whole remaining balance as
    leefgeld) to the proposed batch of ``execution_date``, creating that batch when there is none.

    For the lifecycle: call it when a period ends. Raises :class:`Conflict` when the date's batch is already approved.
    """
    check_execution_date(execution_date)
    get_household(session, household_id)
    batch = live_batch_for(session, execution_date)
    created = False
    if batch is None:
        batch = _new_batch(session, actor, execution_date, settings)
        created = batch is not None
        batch = batch or live_batch_for(session, execution_date)
    if batch is not None and not created:
        batch = get_batch(session, batch.id, lock=True)  # an approval racing this one waits, or wins first
    if batch is None or batch.status != "proposed":
        raise Conflict(
            Message(
                "De betaalrun van %(date)s is al goedgekeurd; kies een latere uitvoeringsdatum voor de eindafrekening.",
                date=execution_date.isoformat(),
            ),
            {"execution_date": Message("al goedgekeurd")},
        )
    result = plan_items(session, execution_date, settings, household_ids=[household_id], force_final=[household_id])
    _insert_items(session, batch, result)
    refresh_totals(session, batch, settings)
    session.flush()
    record(
        session, actor, "payment_batch.final_payout", "payment_batch", batch.id,
        after={"household_id": household_id, "created": created, "items": len(result.items),
               "amount_cents": sum(item.amount_cents for item in result.items)},
    )
    return batch
