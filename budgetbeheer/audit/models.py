"""The audit trail's tables. ``recorded_at`` is kept as the exact ISO text that was hashed."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from budgetbeheer.db.base import Base, BigId


class _WhatHappened:
    """The columns an entry has from the moment it is written (the chain's own columns come when it is chained)."""

    actor: Mapped[str] = mapped_column(String(120))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(60))
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    auth_method: Mapped[str | None] = mapped_column(String(20))
    """How the actor proved who they were (:class:`budgetbeheer.audit.service.AuthMethod`); NULL in entries written
    before it was recorded, and then left out of the hashed content so those entries still verify."""


class AuditEntry(_WhatHappened, Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    recorded_at: Mapped[str] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    previous_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class PendingAuditEntry(_WhatHappened, Base):
    """An entry written by a business transaction, waiting for its place in the chain.

    The business transaction only appends here (no lock, so a long import holds up nobody). Right after its commit the
    sequencer (:mod:`budgetbeheer.audit.chain`) moves its entries into :class:`AuditEntry`, chained, in a short
    transaction of its own; entries a crash left here are chained by the scheduler or before the trail is verified.
    ``written_by`` names the writing transaction, so its own commit chains exactly its entries."""

    __tablename__ = "audit_pending"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    written_by: Mapped[str] = mapped_column(String(32), index=True)
    recorded_at: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(80))
