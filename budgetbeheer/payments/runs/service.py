"""Preparing a payment run: one proposed batch per TARGET2 execution date, built with bulk queries and bulk inserts.

The entry points of :mod:`budgetbeheer.payments.runs`: :func:`prepare_run` (the scheduler's and the finance desk's
run), :func:`final_payout` (the lifecycle's final settlement of one household) and :func:`plan_items` (what a run
would do, nothing written). A run reads (:mod:`.read`), decides per household without a session (:mod:`.plan`, the
rules in its docstring) and writes (:mod:`.write`); what it remembers while it runs lives in one
:class:`~.context.RunContext` per run.

Everything happens in the caller's database transaction: the whole proposal or nothing. The database guarantees
exactly-once: one live batch per execution date, one live payment per obligation key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.bulk import cycle_collector_paused
from budgetbeheer.config import Settings
from budgetbeheer.db import locks
from budgetbeheer.domain.calendar import check_execution_date, last_due_date_covered
from budgetbeheer.errors import Conflict, Message, NotFound
from budgetbeheer.events import publish
from budgetbeheer.payments.batches import get_batch
from budgetbeheer.payments.events import FinalPayoutRecovers
from budgetbeheer.payments.runs.context import RunContext
from budgetbeheer.payments.runs.model import LEEFGELD_LOOKBACK_DAYS, RunResult
from budgetbeheer.payments.runs.paydays import ClosedPaydays
from budgetbeheer.payments.runs.plan import plan_households
from budgetbeheer.payments.runs.read import driver_rows, earlier_runs, enrolled_after_latest_run, read_run
from budgetbeheer.payments.runs.write import insert_items, new_batch, refresh_totals
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.tables.states import BatchStatus, ItemStatus


def plan_items(
    session: Session,
    execution_date: date,
    settings: Settings,
    *,
    household_ids: Sequence[int] | None = None,
    force_final: Iterable[int] = (),
    with_leefgeld: bool = False,
) -> RunResult:
    """Work out the items and shortfalls of a run (nothing written). See :mod:`.plan` for the rules.
    ``with_leefgeld``: keep each household's leefgeld computation in :attr:`RunResult.leefgeld`.

    Everything is read with one query per table (fixed costs with their amounts in one), straight into plain tuples:
    at 50,000 households a run reads about 200,000 fixed costs and every live payment of the period. What the run
    remembers (:class:`~.context.RunContext`) is made here and dropped with the result."""
    lead = settings.lead_business_days
    last_due = last_due_date_covered(execution_date, lead)
    final_ids = set(force_final)
    session.flush()  # the reads below go through the session's connection, past the ORM: no autoflush
    context = RunContext()
    found = read_run(session, context, execution_date, last_due, lead, household_ids)
    if found is None:
        return RunResult()
    return plan_households(found, execution_date, last_due, lead, final_ids, with_leefgeld, context)


def first_open_payday(session: Session, household_id: int, period_start: date, execution_date: date,
                      lead_business_days: int) -> date:
    """The first payday a run for ``execution_date`` may still pay the household, by the same reading of the earlier
    runs as :func:`plan_items` (closed paydays, :class:`~.paydays.ClosedPaydays`; the period's start; the look-back),
    before the household's own latest leefgeld is taken into account. The household's forecast starts its first run
    here."""
    lookback_from = execution_date - timedelta(days=LEEFGELD_LOOKBACK_DAYS)
    earlier = earlier_runs(execution_date, lookback_from)
    closed = ClosedPaydays(driver_rows(session, earlier), execution_date, lead_business_days, RunContext())
    closed.enrolled_later = enrolled_after_latest_run(session, earlier, lambda column: column == household_id)
    open_from = closed.open_from(household_id) if closed.enrolled_later else closed.open_all
    window_from = period_start if period_start > lookback_from else lookback_from
    return open_from if open_from is not None and open_from > window_from else window_from


def live_batch_for(session: Session, execution_date: date) -> PaymentBatch | None:
    return session.scalar(select(PaymentBatch).where(PaymentBatch.active_execution_date == execution_date))


def batch_summary(session: Session, batch: PaymentBatch) -> dict[str, object]:
    held, shortfalls = session.execute(
        select(
            select(func.count(PaymentItem.id)).where(PaymentItem.batch_id == batch.id, PaymentItem.status == ItemStatus.HELD)
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


PREPARE_WAIT_SECONDS = 10.0
"""How long a preparation waits for another one to finish before it is refused (409)."""


def prepare_run(
    session: Session, actor: Actor, execution_date: date, settings: Settings, *, today: date | None = None
) -> tuple[PaymentBatch, bool]:
    """Propose the batch for ``execution_date``; ``(batch, created)``. The same date again gives the same batch.

    Raises :class:`ValidationError` (field ``execution_date``, naming the next business day) for a closed day, and
    with ``today`` (a person asks: API, page, command) also for a date in the past or more than 364 days ahead,
    naming the next possible date. The scheduler passes no ``today``: it catches up missed days on purpose.
    """
    check_execution_date(execution_date, today)
    existing = live_batch_for(session, execution_date)
    if existing is not None:
        return existing, False
    # One preparation at a time: a run being prepared now (for this date or another) plans some of the same
    # obligations, which would meet on their unique key. Waiting a little for it (polling, never blocking inside the
    # database, since this transaction may hold other locks), then: the same date's batch it made, or a plan around
    # its payments; still busy after that, a sentence instead of a traceback.
    if not locks.try_hold_for(session, locks.Lock.PAYMENT_RUNS, PREPARE_WAIT_SECONDS):
        raise Conflict(Message(
            "Er wordt op dit moment een andere betaalrun voorbereid. Probeer het over een minuut opnieuw: deze run "
            "houdt dan rekening met de betalingen van die andere run."), {"execution_date": Message("even bezet")})
    existing = live_batch_for(session, execution_date)
    if existing is not None:  # made meanwhile by the preparation this one waited for
        return existing, False
    batch = new_batch(session, actor, execution_date, settings)
    if batch is None:
        existing = live_batch_for(session, execution_date)
        if existing is None:  # pragma: no cover - the winner was cancelled in between
            raise Conflict(Message("Een andere betaalrun voor %(date)s is net gemaakt; probeer opnieuw.",
                                   date=execution_date.isoformat()))
        return existing, False
    with cycle_collector_paused():
        result = plan_items(session, execution_date, settings)
        insert_items(session, batch, result)
        _recover_advances(session, actor, result, execution_date)
        del result
    refresh_totals(session, batch, settings)
    session.flush()
    record(session, actor, "payment_batch.prepared", "payment_batch", batch.id, after=batch_summary(session, batch))
    return batch, True


def _recover_advances(session: Session, actor: Actor, result: RunResult, execution_date: date) -> None:
    """What final payouts kept back for open advances is booked by the advances feature (through the event)."""
    if result.advance_recoveries:
        publish(session, FinalPayoutRecovers(recoveries=tuple(sorted(result.advance_recoveries.items())),
                                             business_date=execution_date, actor=actor))


def final_payout(
    session: Session, actor: Actor, household_id: int, execution_date: date, settings: Settings
) -> PaymentBatch:
    """Add the final settlement of one household (fixed costs due up to its end, then the whole remaining balance as
    leefgeld) to the proposed batch of ``execution_date``, creating that batch when there is none.

    For the lifecycle: call it when a period ends. Raises :class:`Conflict` when the date's batch is already approved.
    """
    check_execution_date(execution_date)
    if session.get(Household, household_id) is None:
        raise NotFound(Message("Huishouden %(id)s bestaat niet.", id=household_id))
    batch = live_batch_for(session, execution_date)
    created = False
    if batch is None:
        batch = new_batch(session, actor, execution_date, settings)
        created = batch is not None
        batch = batch or live_batch_for(session, execution_date)
    if batch is not None and not created:
        batch = get_batch(session, batch.id, lock=True)  # an approval racing this one waits, or wins first
    if batch is None or batch.status != BatchStatus.PROPOSED:
        raise Conflict(
            Message(
                "De betaalrun van %(date)s is al goedgekeurd; kies een latere uitvoeringsdatum voor de eindafrekening.",
                date=execution_date.isoformat(),
            ),
            {"execution_date": Message("al goedgekeurd")},
        )
    result = plan_items(session, execution_date, settings, household_ids=[household_id], force_final=[household_id])
    insert_items(session, batch, result)
    _recover_advances(session, actor, result, execution_date)
    refresh_totals(session, batch, settings)
    session.flush()
    record(
        session, actor, "payment_batch.final_payout", "payment_batch", batch.id,
        after={"household_id": household_id, "created": created, "items": len(result.items),
               "amount_cents": sum(item.amount_cents for item in result.items)},
    )
    return batch
