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
from budgetbeheer.money import cents_to_str
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
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.tables.states import BATCH_UPCOMING, ItemStatus

__all__ = [
    "RETURN_REASONS",
    "SCHEDULER",
    "HouseholdPayment",
    "approvals_of",
    "approve",
    "bank_files",
    "batch_as_json",
    "cancel",
    "change_against_previous_month",
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


def batch_as_json(session: Session, batch: PaymentBatch, *, with_items: bool = True) -> dict[str, object]:
    """The API's shape of a batch (see interface.md)."""
    data: dict[str, object] = {
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
            for a in approvals_of(session, batch.id)
        ],
        "cancelled_reason": batch.cancelled_reason,
        "files": [
            {"filename": f.filename, "sha256": f.sha256, "count": f.transaction_count,
             "control_sum": cents_to_str(f.control_sum_cents)}
            for f in bank_files(session, batch.id)
        ],
    }
    if not with_items:
        return data
    items = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id).order_by(PaymentItem.id))
    data["items"] = []
    data["held"] = []
    for item in items:
        row = {
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
            data["held"].append(row | {"hold_reason": item.hold_reason})  # type: ignore[attr-defined]
        else:
            if item.return_reason_code:
                row["return_reason_code"] = item.return_reason_code
            data["items"].append(row)  # type: ignore[attr-defined]
    data["shortfalls"] = [
        {
            "household_id": s.household_id,
            "category": s.category,
            "amount": cents_to_str(s.amount_cents),
            "due_date": s.due_date.isoformat(),
            "reason": s.reason,
        }
        for s in session.scalars(select(Shortfall).where(Shortfall.batch_id == batch.id).order_by(Shortfall.id))
    ]
    return data


def list_batches(session: Session, limit: int = 100) -> list[PaymentBatch]:
    return list(
        session.scalars(select(PaymentBatch).order_by(PaymentBatch.execution_date.desc(), PaymentBatch.id.desc())
                        .limit(limit))
    )


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
            item.amount_cents, item.status, batch_status, item.reason, item.hold_reason, item.return_reason_code,
        )
        if item.status != ItemStatus.HELD and batch_status in BATCH_UPCOMING and execution_date >= today:
            upcoming.append(payment)
        else:
            past.append(payment)
    past.reverse()
    return {"upcoming": upcoming, "past": past}
