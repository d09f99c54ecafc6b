"""What a log-in needs beyond the password: a user's two-step code secret (TOTP) and the identities that an OpenID
Connect provider vouches for. Tables of their own, so the ``users`` table keeps its shape."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from budgetbeheer.db.base import Base, BigId, UtcDateTime


class UserTotp(Base):
    """A user's TOTP secret (RFC 6238, 30-second steps, 6 digits), encrypted with the TOTP key (Fernet).

    ``confirmed_at`` is NULL while the user enrols (the secret is shown, no code confirmed yet): only a confirmed
    secret is asked for at log-in. ``last_step`` is the time step of the last code accepted: a code of that step or an
    earlier one is refused, so a code cannot be used twice (not even within its window)."""

    __tablename__ = "user_totp"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_step: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class UserIdentity(Base):
    """A user as the identity provider knows them: its issuer and the ``sub`` it gives (stable, never reused).
    Users are matched by this pair only, never by a name or an e-mail address."""

    __tablename__ = "user_identities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (UniqueConstraint("issuer", "subject"),)
