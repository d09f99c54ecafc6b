"""Requests that create something, remembered so that a retry has one effect (issue 17).

One row per (actor, key): an API client's ``Idempotency-Key`` header or a web form's one-time submission token. It is
written in the same transaction as the effect, first, so a second request with the same key waits on the UNIQUE
constraint until the first has committed (then it replays the stored answer) or rolled back (then it goes ahead).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from budgetbeheer.db.base import Base, BigId, UtcDateTime


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor: Mapped[str] = mapped_column(String(120))
    """Who sent it (user name or service account): keys of different clients never meet."""
    key: Mapped[str] = mapped_column(String(210))
    """``api:<Idempotency-Key>`` or ``form:<token>``."""
    target: Mapped[str] = mapped_column(String(300))
    """Method and path, e.g. ``POST /api/v1/households``."""
    request_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the method, the path and the canonical JSON body (or the form's fields)."""
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    """The first answer's JSON body (API), or where the form's answer sent the browser (web)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("actor", "key"),)
