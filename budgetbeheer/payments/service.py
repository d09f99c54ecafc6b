"""The payments use cases in one place: prepare, approve, cancel, export, send, settle, return, and what to show.

The work is done in :mod:`.runs` (preparing a run) and :mod:`.batches` (the rest of a batch's life); this module
re-exports them and adds the read side (the API's batch shape, the list, a household's payments).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.domain.calendar import last_due_date_covered
from budgetbeheer.i18n import restored
from budgetbeheer.money import cents_to_str
from budgetbeheer.payments import summary
from budgetbeheer.payments.batches import (
    SCHEDULER,
    approvals_of,
    approve,
    bank_files,
    cancel,
    change_against_previous_month,
    download,
    export,
    get_batch,
    mark_sent,
    return_item,
    settle,
    totals_by,
)
from budgetbeheer.payments.return_reasons import RETURN_REASONS
from budgetbeheer.payments.runs.service import final_payout, plan_items, prepare_run
from budgetbeheer.tables.payments import BankFile, BatchApproval, PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.tables.states import BATCH_UPCOMING, ItemStatus

__all__ = [
    "RETURN_REASONS",
    "SCHEDULER",
    "HouseholdPayment",
    "approvals_of",
    "approve",
    "bank_files",
    "batch_as_json",
    "batches_as_json",
    "cancel",
    "change_against_previous_month",
    "count_batches",
    "download",
    "export",
    "final_payout",
    "get_batch",
    "last_due_date_covered",
    "list_batches",
    "mark_sent",
    "payments_for_household",
    "plan_items",
    "prepare_run",
    "return_item",
    "settle",
    "totals_by",
]


ITEMS_PER_PAGE = 500
"""A batch's items per page in the API unless ``per_page`` says otherwise (a run has up to 100,000)."""
MAX_ITEMS_PER_PAGE = 5000


@dataclass(frozen=True)
class _BatchExtras:
    """A batch's approvals and bank files, read for many batches at once (:func:`batches_as_json`)."""

    approvals: list[BatchApproval]
    files: list[BankFile]


def _extras(session: Session, batch_ids: list[int]) -> dict[int, _BatchExtras]:
    found = {batch_id: _BatchExtras([], []) for batch_id in batch_ids}
    if not batch_ids:
        return found
    for approval in session.scalars(select(BatchApproval).where(BatchApproval.batch_id.in_(batch_ids))
                                    .order_by(BatchApproval.batch_id, BatchApproval.sequence)):
        found[approval.batch_id].approvals.append(approval)
    for file in session.scalars(select(BankFile).where(BankFile.batch_id.in_(batch_ids))
                                .order_by(BankFile.batch_id, BankFile.sequence)):
        found[file.batch_id].files.append(file)
    return found


def _summary_json(batch: PaymentBatch, extras: _BatchExtras) -> dict[str, object]:
    return {
        "id": batch.id,
        "status": batch.status,
        "execution_date": batch.execution_date.isoformat(),
        "total": cents_to_str(batch.total_cents),
        "count": batch.item_count,
        "prepared_by": batch.prepared_by,
        "prepared_at": batch.prepared_at.isoformat(),
        "required_approvals": batch.required_approvals,
        "approvals": [
            {"approver": a.approver, "sequence": a.sequence, "approved_at": a.approved_at.isoformat()}
            for a in extras.approvals
        ],
        "cancelled_reason": batch.cancelled_reason,
        "files": [
            {"filename": f.filename, "sha256": f.sha256, "count": f.transaction_count,
             "control_sum": cents_to_str(f.control_sum_cents)}
            for f in extras.files
        ],
    }


def batches_as_json(session: Session, batches: list[PaymentBatch]) -> list[dict[str, object]]:
    """The API's shape of many batches without their items: two queries for all of them (approvals, files)."""
    extras = _extras(session, [batch.id for batch in batches])
    return [_summary_json(batch, extras[batch.id]) for batch in batches]


def _item_json(item: PaymentItem) -> dict[str, object]:
    row: dict[str, object] = {
        "id": item.id,
        "household_id": item.household_id,
        "kind": item.kind,
        "creditor": item.creditor_name,
        "iban": item.iban,
        "amount": cents_to_str(item.amount_cents),
        "due_date": item.due_date.isoformat(),
        "end_to_end_id": item.end_to_end_id,
        "reference": item.reference,
        "status": item.status,
        "reason": item.reason,
    }
    if item.status == ItemStatus.HELD:
        row["hold_reason"] = item.hold_reason
    elif item.return_reason_code:
        row["return_reason_code"] = item.return_reason_code
    return row


def batch_as_json(session: Session, batch: PaymentBatch, *, with_items: bool = True, page: int = 1,
                  per_page: int = ITEMS_PER_PAGE, totals: summary.Sums | None = None) -> dict[str, object]:
    """The API's shape of a batch (see interface.md). With its items, paged: ``items`` (not held), ``held`` and
    ``shortfalls`` each hold page ``page`` of ``per_page`` rows (by id), beside ``total_items``, ``total_held`` and
    ``total_shortfalls``; a batch up to ``per_page`` items answers as it always did (every item on page 1)."""
    data = _summary_json(batch, _extras(session, [batch.id])[batch.id])
    if not with_items:
        return data
    # The kept counts when there are (no count of a run's 100,000 items per page); the answer to preparing a run
    # counts them, as before, rather than computing all the batch page's sums in the preparing request.
    totals = totals or summary.kept(session, batch)
    offset = (page - 1) * per_page
    not_held = (PaymentItem.batch_id == batch.id, PaymentItem.status != ItemStatus.HELD)
    held = (PaymentItem.batch_id == batch.id, PaymentItem.status == ItemStatus.HELD)
    data["page"] = page
    data["per_page"] = per_page
    # A page past the end is not read: the kept counts say it is empty (a batch's few held items are not looked
    # for among its 100,000 others when it has none).
    total_items = totals.items if totals else int(
        session.scalar(select(func.count(PaymentItem.id)).where(*not_held)) or 0)
    total_held = totals.held if totals else int(session.scalar(select(func.count(PaymentItem.id)).where(*held)) or 0)
    total_shortfalls = totals.shortfalls if totals else int(session.scalar(
        select(func.count(Shortfall.id)).where(Shortfall.batch_id == batch.id)) or 0)
    data["items"] = [_item_json(item) for item in session.scalars(
        select(PaymentItem).where(*not_held).order_by(PaymentItem.id).offset(offset).limit(per_page))
    ] if offset < total_items else []
    data["total_items"] = total_items
    data["held"] = [_item_json(item) for item in session.scalars(
        select(PaymentItem).where(*held).order_by(PaymentItem.id).offset(offset).limit(per_page))
    ] if offset < total_held else []
    data["total_held"] = total_held
    data["shortfalls"] = [
        {
            "household_id": s.household_id,
            "category": s.category,
            "amount": cents_to_str(s.amount_cents),
            "due_date": s.due_date.isoformat(),
            "reason": s.reason,
        }
        for s in (session.scalars(select(Shortfall).where(Shortfall.batch_id == batch.id).order_by(Shortfall.id)
                                  .offset(offset).limit(per_page)) if offset < total_shortfalls else ())
    ]
    data["total_shortfalls"] = total_shortfalls
    return data


def list_batches(session: Session, limit: int = 100, offset: int = 0) -> list[PaymentBatch]:
    return list(
        session.scalars(select(PaymentBatch).order_by(PaymentBatch.execution_date.desc(), PaymentBatch.id.desc())
                        .offset(offset).limit(limit))
    )


def count_batches(session: Session) -> int:
    return int(session.scalar(select(func.count(PaymentBatch.id))) or 0)


def held_counts(session: Session, batch_ids: list[int]) -> dict[int, int]:
    if not batch_ids:
        return {}
    rows = session.execute(
        select(PaymentItem.batch_id, func.count(PaymentItem.id))
        .where(PaymentItem.batch_id.in_(batch_ids), PaymentItem.status == ItemStatus.HELD)
        .group_by(PaymentItem.batch_id)
    )
    return {int(b): int(c) for b, c in rows}


@dataclass(frozen=True)
class HouseholdPayment:
    """One payment for a household, as its page shows it."""

    item_id: int
    batch_id: int
    execution_date: date
    due_date: date
    kind: str
    creditor: str
    iban: str
    amount_cents: int
    status: str
    batch_status: str
    reason: str
    hold_reason: str | None
    return_reason_code: str | None


def payments_for_household(
    session: Session, household_id: int, today: date | None = None
) -> dict[str, list[HouseholdPayment]]:
    """``{"upcoming": [...], "past": [...]}``: payments not yet executed (proposed or approved, execution date today
    or later) and those executed, held or returned; cancelled ones are left out. Newest first in ``past``. A held
    payment is never upcoming: it does not go to the bank."""
    today = today or clock.today()
    rows = session.execute(
        select(PaymentItem, PaymentBatch.execution_date, PaymentBatch.status)
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(PaymentItem.household_id == household_id, PaymentItem.status != ItemStatus.CANCELLED)
        .order_by(PaymentBatch.execution_date, PaymentItem.id)
    )
    upcoming: list[HouseholdPayment] = []
    past: list[HouseholdPayment] = []
    for item, execution_date, batch_status in rows:
        payment = HouseholdPayment(
            item.id, item.batch_id, execution_date, item.due_date, item.kind, item.creditor_name, item.iban,
            item.amount_cents, item.status, batch_status, restored(item.reason, item.reason_id, item.reason_params),
            item.hold_reason, item.return_reason_code,
        )
        if item.status != ItemStatus.HELD and batch_status in BATCH_UPCOMING and execution_date >= today:
            upcoming.append(payment)
        else:
            past.append(payment)
    past.reverse()
    return {"upcoming": upcoming, "past": past}
