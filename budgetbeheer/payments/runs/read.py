"""Reading what a payment run needs, in one query per table, straight into plain tuples (no ORM objects).

At 50,000 households a run reads about 200,000 fixed costs and every live payment of the period; SQLAlchemy's result
rows and type processing would cost more than the queries, so the rows come from the driver (:func:`driver_rows`).
Everything is read in the caller's transaction and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from budgetbeheer.domain.forecast import BENEFIT, BENEFIT_EARLY_DAYS
from budgetbeheer.domain.planning import LEEFGELD, income_usable_through
from budgetbeheer.ledger.models import Account, Posting
from budgetbeheer.payments.iban_holds import active_hold_reasons
from budgetbeheer.payments.runs.context import RunContext
from budgetbeheer.payments.runs.model import (
    _CATEGORIES,
    _COVER_DAYS,
    LEEFGELD_LOOKBACK_DAYS,
    _Cost,
    _held_payee,
    _HouseholdRow,
    _IncomeRow,
    _OneOff,
    _Payee,
)
from budgetbeheer.payments.runs.paydays import ClosedPaydays
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, FixedCostAmount, Household, Receipt
from budgetbeheer.tables.payments import Advance, OneOffPayment, PaymentBatch, PaymentItem
from budgetbeheer.tables.reads import pending_extension_ends
from budgetbeheer.tables.states import BatchStatus, HouseholdStatus, ItemStatus, OneOffStatus


def _unchanged(value: date) -> date:
    return value


def date_reader(session: Session, context: RunContext) -> Callable[[Any], date]:
    """How to read a date from :func:`driver_rows` in loops over many rows: the one conversion this database needs
    (the run's remembered ``date.fromisoformat`` on SQLite), without a test per value."""
    if session.connection().dialect.name == "sqlite":
        return context.parse_date
    return _unchanged


def driver_rows(session: Session, query: Any) -> list[tuple[Any, ...]]:
    """All rows of a column query as the driver's own tuples, in the session's transaction (the caller flushes first).

    A run reads some 650,000 rows at 50,000 households; SQLAlchemy's result rows and type processing (which parses
    every SQLite date with a regular expression) cost more than the queries. The statement is rendered with its
    parameters inline, which is safe here: they are dates, integers and fixed strings of this module, never user text.
    Dates come back as ISO text on SQLite: read them with :func:`date_reader`.
    """
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = cast(Any, connection.connection.driver_connection).cursor()
    try:
        cursor.execute(sql)
        return cast(list[tuple[Any, ...]], cursor.fetchall())
    finally:
        cursor.close()


def _households(
    session: Session, household_ids: Sequence[int] | None, last_due: date, as_date: Callable[[Any], date]
) -> list[_HouseholdRow]:
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
    ).where(Household.period_start <= last_due, Household.status != HouseholdStatus.ENDED)  # ended: nothing left to pay
    if household_ids is not None:
        query = query.where(Household.id.in_(household_ids))
    return [
        _HouseholdRow(hid, iban, holder, as_date(start), as_date(end), status,
                      None if ended is None else as_date(ended), frequency, day, buffer)
        for hid, iban, holder, start, end, status, ended, frequency, day, buffer
        in driver_rows(session, query.order_by(Household.id))
    ]


def _ledger_balances(session: Session, household_ids: set[int]) -> dict[int, int]:
    """Each household's ledger balance (what its funds account holds)."""
    balances = dict.fromkeys(household_ids, 0)
    for household_id, credit in driver_rows(session,
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


def _earlier_payments(
    session: Session, scope: Any, earliest: date, as_date: Callable[[Any], date]
) -> _EarlierPayments:
    """Two passes over ``payment_items``: the live fixed-cost instalments as rows, and per household the last
    leefgeld and the pending amount added up by the database."""
    live = and_(PaymentItem.obligation_key.is_not(None), PaymentItem.due_date >= earliest)
    proposed = and_(
        PaymentItem.status == ItemStatus.PROPOSED,
        PaymentItem.batch_id.in_(select(PaymentBatch.id).where(PaymentBatch.status == BatchStatus.PROPOSED)),
    )
    found = _EarlierPayments(
        live_fixed={
            (fixed_cost_id, as_date(due))
            for fixed_cost_id, due in driver_rows(session,
                select(PaymentItem.fixed_cost_id, PaymentItem.due_date)
                .where(scope(PaymentItem.household_id), live, PaymentItem.fixed_cost_id.is_not(None))
            )
        }
    )
    for household_id, last_leefgeld, pending in driver_rows(session,
        select(
            PaymentItem.household_id,
            func.max(case((and_(live, PaymentItem.kind == LEEFGELD), PaymentItem.due_date))),
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


def earlier_runs(execution_date: date, lookback_from: date) -> Any:
    """``(prepared_at, execution date)`` of every live batch executing before ``execution_date`` that can have
    covered a payday on or after ``lookback_from``."""
    return select(PaymentBatch.prepared_at, PaymentBatch.execution_date).where(
        PaymentBatch.status != BatchStatus.CANCELLED,
        PaymentBatch.execution_date < execution_date,
        PaymentBatch.execution_date >= lookback_from - timedelta(days=_COVER_DAYS),
    )


def enrolled_after_latest_run(session: Session, earlier_runs: Any, scope: Callable[[Any], Any]) -> dict[int, Any]:
    """``{household: created_at}`` of the households enrolled after the latest of ``earlier_runs`` was prepared: the
    only ones for which an earlier run may not count (see :class:`~.paydays.ClosedPaydays`); usually none or a few."""
    latest = earlier_runs.with_only_columns(PaymentBatch.prepared_at).order_by(
        PaymentBatch.execution_date.desc()).limit(1).scalar_subquery()
    return dict(driver_rows(session, select(Household.id, Household.created_at).where(
        Household.created_at > latest, scope(Household.id))))


def _benefits_received(session: Session, scope: Callable[[Any], Any], usable_through: date,
                       as_date: Callable[[Any], date]) -> dict[int, date]:
    """Per household, the latest benefit receipt that can have been an expected benefit after ``usable_through``
    come early (see :func:`~budgetbeheer.domain.forecast.next_income_date`); most households have none. The
    household's figures read the same for one household (:func:`budgetbeheer.households.figures.benefit_received_on`)."""
    return {
        household_id: as_date(latest)
        for household_id, latest in driver_rows(session,
            select(Receipt.household_id, func.max(Receipt.received_on))
            .where(
                Receipt.kind == BENEFIT,
                Receipt.received_on > usable_through - timedelta(days=BENEFIT_EARLY_DAYS),
                scope(Receipt.household_id),
            )
            .group_by(Receipt.household_id)
        )
    }


def _reopened_for_payout(session: Session, scope: Any) -> set[int]:
    """Households that had ended and were reopened because money came back (see ``Household.reopened_for_payout_at``)."""
    return set(session.scalars(
        select(Household.id).where(
            scope(Household.id), Household.status == HouseholdStatus.ENDING, Household.reopened_for_payout_at.is_not(None)
        )
    ))


@dataclass
class RunInput:
    """Everything a run reads, per household where it is per household (see :func:`read_run`)."""

    households: list[_HouseholdRow]
    """The households the run is for, by id."""
    costs: dict[int, list[_Cost]]
    """Per household its fixed costs (with their amounts, oldest first) that can be due in this run's window."""
    payees: dict[int, _Payee]
    """The creditors of those costs, with the hold of an IBAN held after a return."""
    held_ibans: dict[str, str]
    """IBAN → why it is held (:mod:`budgetbeheer.payments.iban_holds`)."""
    payout_only: set[int]
    """Households reopened after they ended: only their balance is paid out."""
    incomes: dict[int, tuple[_IncomeRow, ...]]
    earlier: _EarlierPayments
    balances: dict[int, int]
    """Per household its ledger balance."""
    closed: ClosedPaydays
    benefit_received: dict[int, date]
    extension_ends: dict[int, date] = field(default_factory=dict)
    """i10-extensions: households with a pending extension request, and the end they get once it is approved."""
    one_offs: dict[int, list[_OneOff]] = field(default_factory=dict)
    """Per household its approved one-off payments without a live payment, oldest first."""
    open_advances: dict[int, int] = field(default_factory=dict)
    """Per household what it still owes on advances (recovered from its final payout)."""


def _open_advances(session: Session, scope: Callable[[Any], Any]) -> dict[int, int]:
    return {int(household_id): int(cents) for household_id, cents in driver_rows(session,
        select(Advance.household_id, func.sum(Advance.open_cents))
        .where(Advance.open_cents > 0, scope(Advance.household_id)).group_by(Advance.household_id))}


def _waiting_one_offs(session: Session, scope: Callable[[Any], Any], ids: set[int]) -> dict[int, list[_OneOff]]:
    """Approved one-off payments whose key has no live payment item (never paid, or its payment was cancelled or
    came back), per household, oldest first; usually none."""
    found: dict[int, list[_OneOff]] = {}
    live = select(PaymentItem.id).where(PaymentItem.obligation_key == OneOffPayment.obligation_key)
    for one_off_id, household_id, creditor_id, cents, reference, reason in driver_rows(session,
        select(OneOffPayment.id, OneOffPayment.household_id, OneOffPayment.creditor_id, OneOffPayment.amount_cents,
               OneOffPayment.reference, OneOffPayment.reason)
        .where(OneOffPayment.status == OneOffStatus.APPROVED.value, scope(OneOffPayment.household_id),
               ~live.exists())
        .order_by(OneOffPayment.id)
    ):
        if household_id in ids:
            found.setdefault(household_id, []).append(_OneOff(one_off_id, creditor_id, int(cents), reference, reason))
    return found


def read_run(
    session: Session, context: RunContext, execution_date: date, last_due: date, lead: int,
    household_ids: Sequence[int] | None,
) -> RunInput | None:
    """What a run for ``execution_date`` (covering due dates through ``last_due``) needs for ``household_ids`` (None:
    every household in ontzorgen); None when there is no household to plan. The caller flushes the session first:
    the reads go through the session's connection, past the ORM, so nothing is autoflushed."""
    as_date = date_reader(session, context)
    households = _households(session, household_ids, last_due, as_date)
    ids = {h.id for h in households}
    if not ids:
        return None

    def scope(column: Any) -> Any:
        return column.in_(household_ids) if household_ids is not None else column.is_not(None)

    costs_by_household: dict[int, list[_Cost]] = {}
    cost: _Cost | None = None
    for cost_id, household_id, category, creditor_id, frequency, due_day, start, end, reference, since, cents in driver_rows(
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

    problem = context.iban_problem
    payees = {
        creditor_id: _Payee.of(name, iban, bic, reference_kind, bool(required), problem,
                               has_address=bool(town and country), status=status)
        for creditor_id, name, iban, bic, reference_kind, required, town, country, status in driver_rows(session,
            select(
                Creditor.id, Creditor.name, Creditor.iban, Creditor.bic, Creditor.reference_kind,
                Creditor.reference_required, Creditor.town_name, Creditor.country, Creditor.status,
            ).where(Creditor.id.in_(select(FixedCost.creditor_id).where(scope(FixedCost.household_id)))
                    | Creditor.id.in_(select(OneOffPayment.creditor_id).where(
                        OneOffPayment.status == OneOffStatus.APPROVED.value, scope(OneOffPayment.household_id))))
        )
    }
    held_ibans = active_hold_reasons(session)
    if held_ibans:  # IBANs held after a return (payments.iban_holds): every payment to them is held out
        payees = {cid: _held_payee(payee, held_ibans) for cid, payee in payees.items()}
    payout_only = _reopened_for_payout(session, scope)
    incomes: dict[int, tuple[_IncomeRow, ...]] = {}
    for household_id, *income in driver_rows(session,
        select(
            ExpectedIncome.household_id, ExpectedIncome.kind, ExpectedIncome.amount_cents, ExpectedIncome.day,
            ExpectedIncome.start_date, ExpectedIncome.end_date, ExpectedIncome.frequency,
        )
        .where(scope(ExpectedIncome.household_id))
        .order_by(ExpectedIncome.household_id, ExpectedIncome.id)
    ):
        if household_id in ids:
            incomes[household_id] = (*incomes.get(household_id, ()), cast(_IncomeRow, tuple(income)))

    earliest = min(h.period_start for h in households)
    earlier = _earlier_payments(session, scope, earliest, as_date)
    balances = _ledger_balances(session, ids)
    runs_before = earlier_runs(execution_date, execution_date - timedelta(days=LEEFGELD_LOOKBACK_DAYS))
    closed = ClosedPaydays(driver_rows(session, runs_before), execution_date, lead, context)
    closed.enrolled_later = enrolled_after_latest_run(session, runs_before, scope)
    benefit_received = _benefits_received(session, scope, income_usable_through(execution_date, lead), as_date)
    return RunInput(households, costs_by_household, payees, held_ibans, payout_only, incomes, earlier, balances,
                    closed, benefit_received, pending_extension_ends(session, household_ids),
                    _waiting_one_offs(session, scope, ids), _open_advances(session, scope))
