"""Seals on approved payments: what the bank will be told is fixed at approval.

At approval every payment of the batch gets ``approved_hash``, the SHA-256 of its payee, IBAN, BIC, amount, due date,
reference and remittance (and its ids). It is computed by the database in the same UPDATE that approves the items
(SQLite: the ``bb_sha256`` function each connection registers, :mod:`budgetbeheer.db.engine`; PostgreSQL:
``sha256()``), so a batch of 100,000 payments costs no extra round trip. Before a bank file is made the seals are
checked (:func:`changed_items`) and ``audit verify`` checks them all (:func:`verify_items`): an IBAN edited in an
approved batch is named instead of paid.

A seal alone can be computed anew by whoever edits the row. So the approval's audit entry carries the batch's seals
too (:func:`batch_digest`, and the approval booking's ``content_hash``): the audit chain, whose head is signed with a
key outside the database, then covers what was approved, and an item edited and sealed again no longer matches the
entry (checked at export and by ``audit verify``, :func:`approval_mismatches`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.tables.payments import PaymentItem

APPROVED_ACTION = "payment_batch.approved"

_SEPARATOR = "\x1f"
_NULL = "\x1e"

SEALED_COLUMNS = (
    "id", "batch_id", "household_id", "kind", "creditor_id", "creditor_name", "iban", "bic", "amount_cents",
    "due_date", "reference_kind", "reference", "remittance", "end_to_end_id",
)
"""What a seal covers: every field that goes to the bank or says whose payment it is; not the status, which moves on."""


def _content() -> ColumnElement[str]:
    columns = PaymentItem.__table__.c
    parts = [func.coalesce(cast(columns[name], String), literal(_NULL)) for name in SEALED_COLUMNS]
    content: ColumnElement[str] = parts[0]
    for part in parts[1:]:
        content = content.op("||")(literal(_SEPARATOR)).op("||")(part)
    return content


def item_digest(dialect_name: str) -> ColumnElement[str]:
    """The SQL expression of a payment's seal (hex SHA-256 of its sealed columns), for that database."""
    content = _content()
    if dialect_name == "postgresql":
        return func.encode(func.sha256(func.convert_to(content, literal("UTF8"))), literal("hex"))
    return func.bb_sha256(content)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def changed_items(session: Session, batch_id: int, statuses: tuple[str, ...], limit: int = 10) -> list[int]:
    """Payments of the batch (in ``statuses``) that changed since approval, or whose seal is gone: at most ``limit``.
    A batch approved before seals were kept (no item sealed) passes."""
    items = PaymentItem.__table__.c
    in_file = (items.batch_id == batch_id) & items.status.in_(statuses)
    if session.scalar(select(func.count()).where(in_file, items.approved_hash.is_not(None))) == 0:
        return []
    rows = session.scalars(
        select(items.id)
        .where(in_file, items.approved_hash.is_(None) | (items.approved_hash != item_digest(_dialect(session))))
        .order_by(items.id).limit(limit)
    )
    return [int(row) for row in rows]


@dataclass(frozen=True)
class ItemVerification:
    sealed: int
    first_bad_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_items(session: Session) -> ItemVerification:
    """Recompute every sealed payment's seal; name the first that no longer matches."""
    items = PaymentItem.__table__.c
    sealed = int(session.scalar(select(func.count()).where(items.approved_hash.is_not(None))) or 0)
    bad = session.scalar(
        select(items.id)
        .where(items.approved_hash.is_not(None), items.approved_hash != item_digest(_dialect(session)))
        .order_by(items.id).limit(1)
    )
    return ItemVerification(sealed, None if bad is None else int(bad))


def batch_digest(session: Session, batch_id: int) -> str:
    """SHA-256 over the seals of the batch's approved payments (id and seal, in id order): one value that the
    approval's audit entry keeps. A payment withdrawn after approval keeps its seal, so the digest stays."""
    items = PaymentItem.__table__.c
    digest = hashlib.sha256()
    for item_id, seal in session.execute(
        select(items.id, items.approved_hash)
        .where(items.batch_id == batch_id, items.approved_hash.is_not(None)).order_by(items.id)
    ):
        digest.update(f"{item_id}:{seal}\n".encode("ascii"))
    return digest.hexdigest()


def approval_seals(session: Session, batch_id: int, transaction_id: int | None) -> dict[str, str | None]:
    """What the approval's audit entry keeps: the batch's digest and the approval booking's seal."""
    ledger_seal = session.scalar(select(Transaction.content_hash).where(Transaction.id == transaction_id)) \
        if transaction_id is not None else None
    return {"items_seal": batch_digest(session, batch_id), "ledger_seal": ledger_seal}


def _approval_entries(session: Session, batch_id: int | None = None) -> list[tuple[int, str, dict[str, object]]]:
    query = select(AuditEntry.id, AuditEntry.entity_id, AuditEntry.after_json).where(
        AuditEntry.action == APPROVED_ACTION, AuditEntry.after_json.contains('"items_seal"'))
    if batch_id is not None:
        query = query.where(AuditEntry.entity_id == str(batch_id))
    return [(int(entry_id), str(entity), json.loads(after or "{}"))
            for entry_id, entity, after in session.execute(query.order_by(AuditEntry.id))]


def approval_mismatches(session: Session, batch_id: int | None = None) -> list[str]:
    """Batches (one, or all) whose approved payments or approval booking no longer match what the approval's audit
    entry sealed; each as a sentence naming the batch and the entry."""
    found = []
    for entry_id, entity, after in _approval_entries(session, batch_id):
        batch = int(entity)
        if after.get("items_seal") != batch_digest(session, batch):
            found.append(f"payment run {batch}: its approved payments are not what audit entry {entry_id} sealed")
        transaction_id = after.get("ledger_transaction_id")
        if after.get("ledger_seal") is not None and isinstance(transaction_id, int):
            stored = session.scalar(select(Transaction.content_hash).where(Transaction.id == transaction_id))
            if stored != after["ledger_seal"]:
                found.append(f"payment run {batch}: its approval booking {transaction_id} is not what audit entry "
                             f"{entry_id} sealed")
    return found
