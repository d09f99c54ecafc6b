"""Seals on approved payments: what the bank will be told is fixed at approval.

At approval every payment of the batch gets ``approved_hash``, the SHA-256 of its payee, IBAN, BIC, amount, due date,
reference and remittance (and its ids). It is computed by the database in the same UPDATE that approves the items
(SQLite: the ``bb_sha256`` function each connection registers, :mod:`budgetbeheer.db.engine`; PostgreSQL:
``sha256()``), so a batch of 100,000 payments costs no extra round trip. Before a bank file is made the seals are
checked (:func:`changed_items`) and ``audit verify`` checks them all (:func:`verify_items`): an IBAN edited in an
approved batch is named instead of paid.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, cast, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from budgetbeheer.tables.payments import PaymentItem

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
