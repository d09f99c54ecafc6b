"""A batch's life after it was proposed: four-eyes approval, cancellation, bank files, sent, settled, returns.

proposed → approved → exported → sent → settled (or ``partly_returned``); cancelled only before export.
Money moves in the ledger at approval (households' funds → payments in transit, one balanced transaction for the
whole batch), at settlement (in transit → bank) and on a return (back to the household's funds). Every step is in the
audit trail, in the same database transaction as the change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, Change, record, record_many
from budgetbeheer.bulk import cycle_collector_paused
from budgetbeheer.config import Settings
from budgetbeheer.db.base import table_of, utcnow
from budgetbeheer.db.bulk_write import id_in
from budgetbeheer.domain.address import PostalAddress
from budgetbeheer.domain.period import add_months
from budgetbeheer.domain.references import ReferenceKind
from budgetbeheer.errors import BudgetbeheerError, Conflict, Message, NotFound, PermissionDenied, ValidationError
from budgetbeheer.events import publish
from budgetbeheer.ledger.models import Account
from budgetbeheer.ledger.service import (
    BANK,
    IN_TRANSIT,
    Booking,
    Leg,
    account_id,
    book,
    book_many,
    household_account_ids,
    household_balances,
    reverse,
)
from budgetbeheer.money import format_eur
from budgetbeheer.payments.events import BatchApproved, BatchSettled, PaymentReturned, PaymentsReturned
from budgetbeheer.payments.iban_holds import hold_for_returns
from budgetbeheer.payments.return_reasons import describe, normalise_code, reason_for
from budgetbeheer.payments.seals import approval_mismatches, approval_seals, changed_items, item_digest
from budgetbeheer.payments.sepa import bundle as sepa_bundle
from budgetbeheer.payments.sepa import model as sepa_model
from budgetbeheer.tables.households import Creditor, Household
from budgetbeheer.tables.payments import BankFile, BatchApproval, PaymentBatch, PaymentItem
from budgetbeheer.tables.states import (
    BATCH_AT_BANK,
    BATCH_CANCELLABLE,
    BATCH_FILE_WRITTEN,
    ITEM_BOOKED,
    ITEM_IN_BANK_FILE,
    ITEM_NOT_PAYING,
    ITEM_UNPAID,
    BatchStatus,
    HouseholdStatus,
    ItemStatus,
    require_batch_transition,
    status_label,
)
from budgetbeheer.users.models import User

SCHEDULER = "system:scheduler"


def get_batch(session: Session, batch_id: int, *, lock: bool = False) -> PaymentBatch:
    query = select(PaymentBatch).where(PaymentBatch.id == batch_id).execution_options(populate_existing=True)
    if lock:
        query = query.with_for_update()
    batch = session.scalar(query)
    if batch is None:
        raise NotFound(Message("Betaalrun %(id)s bestaat niet.", id=batch_id))
    return batch


def _state(batch: PaymentBatch) -> dict[str, object]:
    return {"status": batch.status, "total_cents": batch.total_cents, "count": batch.item_count}


def items_changed(batch: PaymentBatch) -> None:
    """The status of some of the batch's items changes in this transaction: a new ``items_version``, so the batch
    page's kept sums (:mod:`budgetbeheer.payments.summary`) are computed again. The batch is locked by the caller."""
    batch.items_version = PaymentBatch.items_version + 1  # in SQL: no lost update


def approvals_of(session: Session, batch_id: int) -> list[BatchApproval]:
    return list(
        session.scalars(select(BatchApproval).where(BatchApproval.batch_id == batch_id).order_by(BatchApproval.sequence))
    )


def approve(session: Session, actor: Actor, batch_id: int) -> PaymentBatch:
    """Approve as a finance user who did not prepare the batch. The last approval needed moves the money."""
    batch = get_batch(session, batch_id, lock=True)
    # Read the approver afresh: roles or the account may have changed since the batch was prepared or the page shown.
    user = (
        session.scalar(select(User).where(User.id == actor.user_id).execution_options(populate_existing=True))
        if actor.user_id is not None else None
    )
    if user is not None:
        session.refresh(user, ["role_rows"])
    if user is None or not user.is_active or "finance" not in user.roles:
        raise PermissionDenied(Message("Alleen een medewerker financiën kan een betaalrun goedkeuren."))
    if "admin" in user.roles:  # an account from before the rule (users.service refuses the combination)
        raise PermissionDenied(Message(
            "Een beheerder kan geen betaalrun goedkeuren: wie gebruikers en rollen beheert, beweegt geen geld."))
    require_batch_transition(batch.id, batch.status, BatchStatus.APPROVED)
    if batch.prepared_by_user_id == user.id or batch.prepared_by == user.username:
        raise Conflict(
            Message("U heeft deze betaalrun zelf voorbereid; een andere medewerker financiën moet hem goedkeuren."),
            {"approver": Message("vier-ogenprincipe")},
        )
    existing = approvals_of(session, batch.id)
    if any(a.approver_user_id == user.id for a in existing):
        raise Conflict(
            Message("U heeft deze betaalrun al goedgekeurd; een tweede, andere medewerker moet hem goedkeuren."),
            {"approver": Message("al goedgekeurd")},
        )
    if batch.item_count == 0:
        raise Conflict(Message("Deze betaalrun heeft geen betalingen om goed te keuren."))
    before = _state(batch)
    approval = BatchApproval(
        batch_id=batch.id, approver_user_id=user.id, approver=user.username, sequence=len(existing) + 1,
        approved_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(approval)
            session.flush()
    except IntegrityError:
        raise Conflict(Message("Iemand anders keurde deze betaalrun net goed; laad de pagina opnieuw.")) from None
    if approval.sequence >= batch.required_approvals:
        _move_to_transit(session, actor, batch)
        batch.status = BatchStatus.APPROVED
        batch.approved_at = approval.approved_at
        session.execute(
            update(PaymentItem)
            .where(PaymentItem.batch_id == batch.id, PaymentItem.status == ItemStatus.PROPOSED)
            .values(status=ItemStatus.APPROVED, approved_hash=item_digest(session.get_bind().dialect.name))
        )
        items_changed(batch)
        publish(session, BatchApproved(batch_id=batch.id, actor=actor))  # e.g. "not paid" signals close now
    session.flush()
    sealed = approval_seals(session, batch.id, batch.approval_transaction_id) \
        if batch.status == BatchStatus.APPROVED else {}
    record(
        session, actor, "payment_batch.approved", "payment_batch", batch.id, before=before,
        after=_state(batch) | {"approval": approval.sequence, "required_approvals": batch.required_approvals,
                               "ledger_transaction_id": batch.approval_transaction_id} | sealed,
    )
    return batch


def _household_accounts(session: Session, batch_id: int) -> dict[int, int]:
    rows = session.execute(
        select(Account.household_id, Account.id).where(
            Account.household_id.in_(select(PaymentItem.household_id).where(PaymentItem.batch_id == batch_id))
        )
    )
    return {int(hid or 0): int(aid) for hid, aid in rows}


def _move_to_transit(session: Session, actor: Actor, batch: PaymentBatch) -> None:
    per_household = session.execute(
        select(PaymentItem.household_id, func.sum(PaymentItem.amount_cents))
        .where(PaymentItem.batch_id == batch.id, PaymentItem.status == ItemStatus.PROPOSED)
        .group_by(PaymentItem.household_id)
        .order_by(PaymentItem.household_id)
    ).all()
    accounts = _household_accounts(session, batch.id)
    legs = [Leg(accounts[int(hid)], int(cents or 0)) for hid, cents in per_household]
    total = sum(leg.amount_cents for leg in legs)
    if total != batch.total_cents:
        raise Conflict(Message("De betaalrun is veranderd tijdens het goedkeuren; laad de pagina opnieuw."))
    _check_cover(session, batch, {int(hid): int(cents or 0) for hid, cents in per_household})
    legs.append(Leg(account_id(session, IN_TRANSIT), -total))
    transaction = book(
        session,
        business_date=batch.execution_date,
        kind="payment_batch_approved",
        description=f"Betaalrun {batch.id} ({batch.execution_date.isoformat()}) goedgekeurd: naar betalingen onderweg",
        booked_by=actor.name,
        legs=legs,
        idempotency_key=f"payment_batch:{batch.id}:approved",
    )
    batch.approval_transaction_id = transaction.id


def _check_cover(session: Session, batch: PaymentBatch, amounts: dict[int, int]) -> None:
    """Refuse the approval when a household's funds no longer cover its payments in this batch (say a receipt was
    reversed after the run was prepared): the books would silently go below zero. Nothing in a batch changes at
    approval, so finance cancels the batch and prepares it again, which plans from the balance as it is now."""
    balances = household_balances(session, amounts)
    short = sorted(hid for hid, cents in amounts.items() if balances.get(hid, 0) < cents)
    if short:
        shown = ", ".join(
            f"{hid} (saldo {format_eur(balances.get(hid, 0))}, nodig {format_eur(amounts[hid])})" for hid in short[:20]
        )
        raise Conflict(
            Message(
                "Betaalrun %(id)s kan niet worden goedgekeurd: het saldo van %(count)s huishouden(s) dekt de betalingen "
                "niet meer: %(households)s. Annuleer de betaalrun en maak hem opnieuw.",
                id=batch.id, count=len(short), households=shown + (" …" if len(short) > 20 else ""),
            ),
            {"household_id": Message("saldo te laag")},
        )


def cancel(session: Session, actor: Actor, batch_id: int, reason: str) -> PaymentBatch:
    """Cancel before export, with a reason. The obligations become free for a new proposal; an approval is reversed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": Message("Geef een reden voor het annuleren.")})
    batch = get_batch(session, batch_id, lock=True)
    require_batch_transition(batch.id, batch.status, BatchStatus.CANCELLED)
    before = _state(batch)
    if batch.approval_transaction_id is not None:
        reverse(session, batch.approval_transaction_id, business_date=batch.execution_date, booked_by=actor.name,
                reason=f"betaalrun {batch.id} geannuleerd: {reason}")
    session.execute(
        update(PaymentItem)
        .where(PaymentItem.batch_id == batch.id)
        .values(status=ItemStatus.CANCELLED, obligation_key=None)
    )
    items_changed(batch)
    batch.status = BatchStatus.CANCELLED
    batch.active_execution_date = None
    batch.cancelled_reason = reason
    session.flush()
    record(session, actor, "payment_batch.cancelled", "payment_batch", batch.id, before=before, after=_state(batch),
           reason=reason)
    return batch


def withdraw_household_items(
    session: Session, actor: Actor, household_id: int, *, due_after: date, reason: str
) -> list[int]:
    """Take a household's payments due after ``due_after`` out of batches that still wait for approval (a proposed
    batch may change; an approved one may not). Their obligations become free, so the next run plans them anew (for an
    ended period: the final payout). Returns the ids of approved-but-not-exported batches that still hold such
    payments: finance must decide whether to cancel and prepare those again."""
    rows = session.execute(
        select(PaymentItem.id, PaymentItem.batch_id, PaymentBatch.status)
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(
            PaymentItem.household_id == household_id,
            PaymentItem.due_date > due_after,
            PaymentItem.status.in_((ItemStatus.PROPOSED, ItemStatus.HELD, ItemStatus.APPROVED)),
            PaymentBatch.status.in_(BATCH_CANCELLABLE),
        )
    ).all()
    approved = {batch_id for _, batch_id, status in rows if status == BatchStatus.APPROVED}
    for batch_id in sorted({batch_id for _, batch_id, status in rows if status == BatchStatus.PROPOSED}):
        batch = get_batch(session, batch_id, lock=True)
        if batch.status != BatchStatus.PROPOSED:  # approved (or cancelled) by someone else since the read: hands off
            if batch.status == BatchStatus.APPROVED:
                approved.add(batch_id)
            continue
        before = _state(batch)
        item_ids = [item_id for item_id, item_batch, _ in rows if item_batch == batch_id]
        session.execute(
            update(PaymentItem).where(PaymentItem.id.in_(item_ids)).values(status=ItemStatus.CANCELLED, obligation_key=None)
        )
        items_changed(batch)
        recount(session, batch)
        session.flush()
        record(session, actor, "payment_batch.items_withdrawn", "payment_batch", batch_id, before=before,
               after=_state(batch) | {"household_id": household_id, "items": item_ids}, reason=reason)
    return sorted(approved)


def recount(session: Session, batch: PaymentBatch) -> None:
    """Set the batch's total and number from its proposed items, as stored."""
    total, count = session.execute(
        select(func.coalesce(func.sum(PaymentItem.amount_cents), 0), func.count(PaymentItem.id)).where(
            PaymentItem.batch_id == batch.id, PaymentItem.status == ItemStatus.PROPOSED
        )
    ).one()
    batch.total_cents, batch.item_count = int(total), int(count)


def _transfers(session: Session, batch_id: int) -> Iterator[sepa_model.Transfer]:
    """The batch's payments as transfers, in id order, yielded one by one as the rows are read: a batch holds up to
    some 100,000s of payments, which then never all sit in memory as objects (nor get walked again and again by the
    garbage collector while sepaxml builds its tree). A Core select of the table: plain rows, no ORM entities."""
    items = PaymentItem.__table__.c
    creditors = Creditor.__table__.c
    rows = session.execute(
        select(
            items.end_to_end_id, items.creditor_name, items.iban, items.bic, items.amount_cents, items.reference_kind,
            items.reference, items.remittance, creditors.street_name, creditors.building_number,
            creditors.postal_code, creditors.town_name, creditors.country,
        )
        .outerjoin(Creditor.__table__, creditors.id == items.creditor_id)
        .where(items.batch_id == batch_id, items.status.in_(ITEM_IN_BANK_FILE))
        .order_by(items.id)
    )
    kinds: dict[str | None, ReferenceKind] = {kind.value: kind for kind in ReferenceKind}
    kinds[None] = kinds[""] = ReferenceKind.NONE
    transfer = sepa_model.Transfer
    addresses: dict[tuple[str | None, ...], PostalAddress] = {}
    """One address object per distinct address: a batch pays a few hundred creditors 100,000s of times."""
    for e2e, name, iban, bic, amount, kind, reference, remittance, *parts in rows:
        address = None
        if any(parts):
            key = tuple(parts)
            address = addresses.get(key)
            if address is None:
                address = addresses[key] = PostalAddress(*parts)
        yield transfer(
            e2e, name, iban, bic, int(amount), kinds.get(kind) or ReferenceKind(kind),
            reference or "", remittance or "", creditor_address=address,
        )


def bank_files(session: Session, batch_id: int) -> list[BankFile]:
    return list(session.scalars(select(BankFile).where(BankFile.batch_id == batch_id).order_by(BankFile.sequence)))


def export(session: Session, actor: Actor, batch_id: int, settings: Settings) -> list[BankFile]:
    """Write and store the pain.001 file(s) of an approved batch; once exported, the stored files are returned."""
    batch = get_batch(session, batch_id, lock=True)
    if batch.status in BATCH_FILE_WRITTEN:
        return bank_files(session, batch.id)
    require_batch_transition(batch.id, batch.status, BatchStatus.EXPORTED)
    assert batch.msg_id_base is not None and batch.approved_at is not None
    changed = changed_items(session, batch.id, ITEM_IN_BANK_FILE)
    if not changed and approval_mismatches(session, batch.id):
        raise Conflict(Message(
            "Geen bankbestand: de betalingen van betaalrun %(batch)s zijn niet meer wat de goedkeuring in het auditlog "
            "vastlegde. Annuleer de betaalrun en laat hem opnieuw voorbereiden en goedkeuren.", batch=batch.id))
    if changed:
        raise Conflict(Message(
            "Geen bankbestand: betaling %(ids)s van betaalrun %(batch)s is gewijzigd na de goedkeuring. Annuleer de "
            "betaalrun en laat hem opnieuw voorbereiden en goedkeuren.", ids=", ".join(map(str, changed)),
            batch=batch.id))
    version = batch.pain_version or settings.pain001_version
    with cycle_collector_paused():  # sepaxml builds a tree of 10 objects per payment: no cycles, nothing to collect
        built = sepa_bundle.build_bank_files(
            sepa_model.DebtorAccount(settings.managed_account_name, settings.managed_account_iban,
                               settings.managed_account_bic or None),
            _transfers(session, batch.id),
            batch.execution_date,
            batch.msg_id_base,
            created_at=batch.approved_at,
            version=version,  # type: ignore[arg-type]
            max_per_file=settings.max_transactions_per_file,  # 1 to 100,000: checked when the settings load
            max_bytes=settings.pain001_max_bytes,  # at least 10,000: checked when the settings load
        )
    total = sum(f.control_sum_cents for f in built)
    if total != batch.total_cents or sum(f.count for f in built) != batch.item_count:
        raise sepa_model.BankFileInvalid(Message("Het bankbestand telt niet op tot het totaal van de betaalrun."))
    now = utcnow()
    rows = [
        BankFile(
            batch_id=batch.id, sequence=number, filename=f.filename, msg_id=f.msg_id, sha256=f.sha256,
            content=f.content, transaction_count=f.count, control_sum_cents=f.control_sum_cents, created_at=now,
            blocks_json=json.dumps([[b.payment_information_id, list(b.end_to_end_ids), b.total_cents]
                                    for b in f.blocks], separators=(",", ":")),
        )
        for number, f in enumerate(built, start=1)
    ]
    session.add_all(rows)
    before = _state(batch)
    batch.status = BatchStatus.EXPORTED
    batch.exported_at = now
    batch.pain_version = version
    session.flush()
    record(
        session, actor, "payment_batch.exported", "payment_batch", batch.id, before=before,
        after=_state(batch) | {"files": [{"filename": r.filename, "sha256": r.sha256, "count": r.transaction_count}
                                         for r in rows],
                               "text_changes": sum(len(f.changes) for f in built)},
    )
    return rows


def download(session: Session, batch_id: int) -> tuple[str, bytes]:
    """The stored file (or a deterministic zip of the files) of an exported batch: the same bytes every time."""
    batch = get_batch(session, batch_id)
    files = bank_files(session, batch.id)
    if not files:
        raise Conflict(Message("Betaalrun %(id)s heeft nog geen bankbestand.", id=batch.id))
    return sepa_bundle.bundle(
        [
            sepa_model.BankFile(f.filename, f.content, f.sha256, f.msg_id, f.transaction_count, f.control_sum_cents,
                          batch.pain_version or "", (), ())
            for f in files
        ]
    )


def mark_sent(session: Session, actor: Actor, batch_id: int) -> PaymentBatch:
    batch = get_batch(session, batch_id, lock=True)
    require_batch_transition(batch.id, batch.status, BatchStatus.SENT)
    before = _state(batch)
    batch.status = BatchStatus.SENT
    batch.sent_at = utcnow()
    session.flush()
    record(session, actor, "payment_batch.sent", "payment_batch", batch.id, before=before, after=_state(batch))
    return batch


def settle(session: Session, actor: Actor, batch_id: int, on: date | None = None) -> PaymentBatch:
    """The bank executed the batch (by hand for now): in transit → bank for every payment not returned."""
    batch = get_batch(session, batch_id, lock=True)
    require_batch_transition(batch.id, batch.status, BatchStatus.SETTLED)
    return _settle(session, actor, batch, on, _figures(session, batch.id))


@dataclass(frozen=True)
class _BatchFigures:
    approved: int
    approved_cents: int
    returned: int


def _figures(session: Session, batch_id: int) -> _BatchFigures:
    """A batch's payments still to execute (count, cents) and returned, in one pass over the batch (a month's batch
    has 125,000 payments: one scan instead of one per figure)."""
    approved = PaymentItem.status == ItemStatus.APPROVED
    count, cents, returned = session.execute(select(
        func.count(PaymentItem.id).filter(approved),
        func.coalesce(func.sum(PaymentItem.amount_cents).filter(approved), 0),
        func.count(PaymentItem.id).filter(PaymentItem.status == ItemStatus.RETURNED),
    ).where(PaymentItem.batch_id == batch_id)).one()
    return _BatchFigures(int(count or 0), int(cents or 0), int(returned or 0))


def _settle(session: Session, actor: Actor, batch: PaymentBatch, on: date | None,
            figures: _BatchFigures) -> PaymentBatch:
    before = _state(batch)
    amount = figures.approved_cents
    if amount:
        transaction = book(
            session,
            business_date=on or batch.execution_date,
            kind="payment_batch_settled",
            description=f"Betaalrun {batch.id} ({batch.execution_date.isoformat()}) afgeschreven door de bank",
            booked_by=actor.name,
            legs=[Leg(account_id(session, IN_TRANSIT), amount), Leg(account_id(session, BANK), -amount)],
            idempotency_key=f"payment_batch:{batch.id}:settled",
        )
        transaction_id: int | None = transaction.id
    else:
        transaction_id = None
    if figures.approved:
        session.execute(
            update(PaymentItem)
            .where(PaymentItem.batch_id == batch.id, PaymentItem.status == ItemStatus.APPROVED)
            .values(status=ItemStatus.SETTLED)
        )
        items_changed(batch)
    returned = figures.returned
    batch.status = BatchStatus.PARTLY_RETURNED if returned else BatchStatus.SETTLED
    batch.settled_at = utcnow()
    session.flush()
    record(session, actor, "payment_batch.settled", "payment_batch", batch.id, before=before,
           after=_state(batch) | {"amount_cents": amount, "ledger_transaction_id": transaction_id})
    publish(session, BatchSettled(batch_id=batch.id, amount_cents=amount, partly_returned=bool(returned),
                                  actor=actor))
    return batch


def settle_items(
    session: Session, actor: Actor, batch_id: int, item_ids: Iterable[int], *, on: date, key: str,
    finish: bool = True,
) -> tuple[int, int | None]:
    """The bank executed these payments of the batch (its statement says so): in transit → bank for those still
    ``approved``, on ``on``. When none of the batch is left to execute, the batch is settled as :func:`settle` does
    (with ``finish`` False the caller does that once for all its blocks: :func:`finish_settlement`). ``key`` makes
    the booking exactly-once (the statement line that proved it). Returns the amount booked and the ledger
    transaction (None when nothing was left to book)."""
    batch = get_batch(session, batch_id, lock=True)
    wanted = sorted(set(item_ids))
    items = table_of(PaymentItem).c
    session.flush()
    # Core: a statement's thousands of items without the ORM's bookkeeping. Found by primary key alone, and their
    # batch checked on what the update returns: with ``batch_id`` in the WHERE, PostgreSQL's planner (its statistics
    # not yet told of a run's new payments) scanned the whole batch for every block of it.
    changed = session.execute(
        update(table_of(PaymentItem))
        .where(id_in(session, items.id, wanted), items.status == ItemStatus.APPROVED)
        .values(status=ItemStatus.SETTLED).returning(items.batch_id, items.amount_cents)
    ).all()
    foreign = sorted({int(b) for b, _amount in changed if b != batch.id})
    if foreign:  # a caller's mistake: the caller's transaction is undone, nothing of it stays
        raise ValueError(f"payment items of batch(es) {foreign} given to settle batch {batch.id}")
    amounts = [int(amount) for _batch, amount in changed]
    if changed:
        items_changed(batch)
    settled = set(wanted)
    for item in list(session.identity_map.values()):  # what this session holds of them is read again
        if isinstance(item, PaymentItem) and item.id in settled:
            session.expire(item, ["status"])
    amount = sum(amounts)
    if not amount:
        return 0, None
    require_batch_transition(batch.id, batch.status, BatchStatus.SETTLED)  # refused: the caller's transaction is undone
    transaction = book(
        session, business_date=on, kind="payment_items_settled",
        description=f"Betaalrun {batch.id}: betalingen afgeschreven door de bank ({key})", booked_by=actor.name,
        legs=[Leg(account_id(session, IN_TRANSIT), amount), Leg(account_id(session, BANK), -amount)],
        idempotency_key=f"payment_items:{key}:settled",
    )
    record(session, actor, "payment_items.settled", "payment_batch", batch.id,
           after={"amount_cents": amount, "items": len(wanted), "ledger_transaction_id": transaction.id, "by": key})
    if finish:
        finish_settlement(session, actor, batch.id, on)
    return amount, transaction.id


def finish_settlement(session: Session, actor: Actor, batch_id: int, on: date) -> None:
    """A batch whose payments the bank has all executed (none ``approved`` any more) is settled, on ``on``."""
    batch = get_batch(session, batch_id, lock=True)
    if batch.status in (BatchStatus.SETTLED, BatchStatus.PARTLY_RETURNED):
        return
    figures = _figures(session, batch_id)
    if not figures.approved:
        require_batch_transition(batch.id, batch.status, BatchStatus.SETTLED)
        _settle(session, actor, batch, on, figures)


def return_item(
    session: Session, actor: Actor, item_id: int, reason_code: str, on: date | None = None
) -> PaymentItem:
    """A payment came back: its money goes back to the household's funds, and what happens next depends on the
    bank's reason code (:mod:`budgetbeheer.payments.return_reasons`) and on the household:

    - a code saying the payee's account is wrong or closed (AC01, AC04, MD07, ...) holds that IBAN
      (:func:`budgetbeheer.payments.iban_holds.hold_for_return`): runs hold out every payment to it until the IBAN is
      corrected, and the caseworker and finance are signalled;
    - any other code: the obligation is free again, so the next run pays it again (to the same IBAN);
    - an ``ended`` household gets the money as final leefgeld instead: it is reopened for the payout (by lifecycle's
      handler of :class:`~budgetbeheer.payments.events.PaymentReturned`) and from then on no fixed cost is paid for it (the returned instalment is unpaid; the handover already told the household what
      it must pay itself). An ``ending`` household's instalment is retried like any other, unless its IBAN is held.
    """
    answer = return_items(session, actor, [ItemReturn(item_id, reason_code, on)])[0]
    if isinstance(answer, BudgetbeheerError):
        raise answer
    return answer


@dataclass(frozen=True)
class ItemReturn:
    """One payment that came back: the item, the bank's reason code and the booking date (today when None)."""

    item_id: int
    reason_code: str
    on: date | None = None


def _in_chunks(ids: Iterable[int], size: int = 900) -> Iterator[list[int]]:
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), size):
        yield wanted[start:start + size]


def _refusal(item: PaymentItem | None, batch: PaymentBatch | None, item_id: int, code: str | None,
             returned: set[int]) -> BudgetbeheerError | None:
    """Why this payment cannot come back now, or None."""
    if code is None:
        return ValidationError({"reason_code": Message("Geef de redencode van de bank, zoals AC04.")})
    if item is None or batch is None:
        return NotFound(Message("Betaling %(id)s bestaat niet.", id=item_id))
    if item.status == ItemStatus.RETURNED or item.id in returned:
        return Conflict(Message("Betaling %(id)s is al teruggekomen (%(code)s); er wordt niets dubbel geboekt.",
                                id=item.id, code=item.return_reason_code or code))
    if item.status in ITEM_BOOKED and batch.status in (BatchStatus.APPROVED, BatchStatus.EXPORTED):
        return Conflict(
            Message("Betaalrun %(batch)s is nog niet als verzonden gemarkeerd; de bank kan betaling %(id)s dan niet "
                    "terugsturen. Markeer de run eerst als verzonden als het bestand wel bij de bank is.",
                    batch=batch.id, id=item.id),
            {"status": status_label(batch.status)},
        )
    if item.status not in ITEM_BOOKED or batch.status not in BATCH_AT_BANK:
        return Conflict(
            Message("Betaling %(id)s is niet naar de bank gegaan (status %(status)s) en kan niet terugkomen.",
                    id=item.id, status=status_label(item.status))
        )
    return None


def return_items(
    session: Session, actor: Actor, returns: Sequence[ItemReturn]
) -> list[PaymentItem | BudgetbeheerError]:
    """Many payments came back at once (a statement's returns, a status report's rejections): each as
    :func:`return_item` describes, set-based — one read of the items, batches and households, one booking per
    return written together, the holds and signals in one go. Each answer is the returned item, or why it could
    not come back (nothing is written for that one); the rest is written in the caller's transaction."""
    items: dict[int, PaymentItem] = {}
    for chunk in _in_chunks(r.item_id for r in returns):
        items.update({i.id: i for i in session.scalars(
            select(PaymentItem).where(PaymentItem.id.in_(chunk)).with_for_update()
            .execution_options(populate_existing=True))})
    found: dict[int, PaymentBatch] = {}
    for chunk in _in_chunks(i.batch_id for i in items.values()):
        found.update({b.id: b for b in session.scalars(
            select(PaymentBatch).where(PaymentBatch.id.in_(chunk)).order_by(PaymentBatch.id).with_for_update()
            .execution_options(populate_existing=True))})
    answers: list[PaymentItem | BudgetbeheerError] = []
    accepted: list[tuple[PaymentItem, PaymentBatch, str, date]] = []
    returned: set[int] = set()
    for wanted in returns:
        code = normalise_code(wanted.reason_code)
        item = items.get(wanted.item_id)
        batch = found.get(item.batch_id) if item is not None else None
        refusal = _refusal(item, batch, wanted.item_id, code, returned)
        if refusal is not None:
            answers.append(refusal)
            continue
        assert item is not None and batch is not None and code is not None
        returned.add(item.id)
        accepted.append((item, batch, code, wanted.on or utcnow().date()))
        answers.append(item)
    if not accepted:
        return answers
    statuses: dict[int, str] = {}
    for chunk in _in_chunks(item.household_id for item, *_rest in accepted):  # locked: their lifecycle reacts
        statuses.update(dict(session.execute(
            select(Household.id, Household.status).where(Household.id.in_(chunk)).with_for_update()).all()))
    accounts = household_account_ids(session, (item.household_id for item, *_rest in accepted))
    sources = {ItemStatus.SETTLED: account_id(session, BANK), ItemStatus.APPROVED: account_id(session, IN_TRANSIT)}
    book_many(session, [
        Booking(business_date=on, kind="payment_returned",
                description=f"Betaling {item.end_to_end_id} teruggekomen ({describe(code)})", booked_by=actor.name,
                legs=(Leg(sources[ItemStatus(item.status)], item.amount_cents),
                      Leg(accounts[item.household_id], -item.amount_cents)),
                idempotency_key=f"payment_item:{item.id}:returned", household_id=item.household_id)
        for item, _batch, code, on in accepted])
    befores = {item.id: {"status": item.status, "obligation_key": item.obligation_key} for item, *_r in accepted}
    for item, batch, code, _on in accepted:
        item.status = ItemStatus.RETURNED
        item.return_reason_code = code
        item.obligation_key = None
        if batch.status == BatchStatus.SETTLED:
            require_batch_transition(batch.id, batch.status, BatchStatus.PARTLY_RETURNED)
            batch.status = BatchStatus.PARTLY_RETURNED
    for batch in {batch.id: batch for _item, batch, _code, _on in accepted}.values():
        items_changed(batch)
    session.flush()
    holds = hold_for_returns(session, actor, [(item, code) for item, _b, code, _on in accepted
                                              if reason_for(code).holds_iban])
    events = tuple(
        PaymentReturned(item_id=item.id, household_id=item.household_id, reason=describe(code),
                        iban_held=item.id in holds, paid_out_to_household=statuses.get(item.household_id)
                        == HouseholdStatus.ENDED, actor=actor)
        for item, _batch, code, _on in accepted)
    for event in events:
        publish(session, event)
    publish(session, PaymentsReturned(returns=events, actor=actor))
    record_many(session, actor, [
        Change("payment_item.returned", "payment_item", item.id, before=befores[item.id],
               after={"status": item.status, "reason_code": code, "batch_id": batch.id,
                      "amount_cents": item.amount_cents,
                      "iban_hold_id": holds[item.id].id if item.id in holds else None,
                      "next": "paid_out_to_household" if event.paid_out_to_household
                      else "held" if item.id in holds else "retried"},
               reason=describe(code))
        for (item, batch, code, _on), event in zip(accepted, events, strict=True)])
    return answers


def totals_by(session: Session, batch_id: int, column: object) -> list[tuple[str, int, int]]:
    rows = session.execute(
        select(column, func.count(PaymentItem.id), func.sum(PaymentItem.amount_cents))  # type: ignore[call-overload]
        .where(PaymentItem.batch_id == batch_id, PaymentItem.status.not_in(ITEM_NOT_PAYING))
        .group_by(column)
        .order_by(func.sum(PaymentItem.amount_cents).desc())
    )
    return [(str(name), int(count), int(total)) for name, count, total in rows]


def change_against_previous_month(session: Session, batch: PaymentBatch, limit: int = 200) -> list[dict[str, int]]:
    """Per household: this batch's total against what was paid to and for it in the previous calendar month (live
    batches), only where it differs; at most ``limit`` rows, largest change first."""
    return all_changes_against_previous_month(session, batch)[:limit]


def all_changes_against_previous_month(session: Session, batch: PaymentBatch) -> list[dict[str, int]]:
    """:func:`change_against_previous_month` for every household whose total differs, largest change first."""
    month_start = batch.execution_date.replace(day=1)
    previous_start = add_months(month_start, -1)
    current = dict(
        session.execute(
            select(PaymentItem.household_id, func.sum(PaymentItem.amount_cents))
            .where(PaymentItem.batch_id == batch.id, PaymentItem.status.not_in(ITEM_NOT_PAYING))
            .group_by(PaymentItem.household_id)
        ).all()
    )
    previous = dict(
        session.execute(
            select(PaymentItem.household_id, func.sum(PaymentItem.amount_cents))
            .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
            .where(
                PaymentBatch.execution_date >= previous_start,
                PaymentBatch.execution_date < month_start,
                PaymentBatch.status != BatchStatus.CANCELLED,
                PaymentItem.status.not_in(ITEM_UNPAID),
                PaymentItem.household_id.in_(select(PaymentItem.household_id).where(PaymentItem.batch_id == batch.id)),
            )
            .group_by(PaymentItem.household_id)
        ).all()
    )
    rows = []
    for hid, now in current.items():
        before = int(previous.get(hid, 0))
        if int(now) != before:
            rows.append({"household_id": int(hid), "now": int(now), "previous": before, "change": int(now) - before})
    rows.sort(key=lambda r: (-abs(r["change"]), r["household_id"]))
    return rows
