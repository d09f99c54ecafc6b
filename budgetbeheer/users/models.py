from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from budgetbeheer.db.base import Base, BigId, UtcDateTime, one_of

ROLES = ("caseworker", "finance", "supervisor", "accountant", "admin")
DEFAULT_TEAM = "standaard"
"""The team every user and household belongs to unless told otherwise: a municipality with one team works as before."""
TEAM_MAX_LENGTH = 40
GRANT_STATUSES = ("pending", "confirmed", "rejected")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(5), default="nl")
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    team: Mapped[str] = mapped_column(String(TEAM_MAX_LENGTH), default=DEFAULT_TEAM, server_default=DEFAULT_TEAM,
                                      index=True)
    """The team (a name) a caseworker or supervisor works in: they see and change that team's households only. For
    the other roles it means nothing (finance and accountants read every household)."""
    """Kept in every session cookie at log-in and compared on every request: log-out, a password or role change and
    deactivation add one, which ends every session of the user at once (a copied cookie included)."""

    is_service_account: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A machine client (the benefit system): no password, no roles, only the permissions of ``grant_rows``
    (:mod:`budgetbeheer.users.service_accounts`)."""

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    grant_rows: Mapped[list[ServicePermission]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def service_permissions(self) -> frozenset[str]:
        """What a service account may do; nothing for a person (a person's permissions come from the roles)."""
        return frozenset(row.permission for row in self.grant_rows) if self.is_service_account else frozenset()

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    # The interface Flask-Login expects, without importing Flask into the domain.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")

    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
    )


class ServicePermission(Base):
    """One permission of a service account (see :data:`budgetbeheer.users.permissions.SERVICE_PERMISSIONS`)."""

    __tablename__ = "service_permissions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(40), primary_key=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RoleGrant(Base):
    """A role that moves money (finance), asked for by one admin and waiting for a second admin's confirmation.

    ``pending_key`` is ``<user id>:<role>`` while the grant waits and NULL once decided: its UNIQUE constraint keeps one
    waiting grant per user and role."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    pending_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint(one_of("status", GRANT_STATUSES), name="status"),
    )
