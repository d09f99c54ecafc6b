"""Who reaches which household: by team, and by "breaking the glass".

One rule, used by every feature's lists and by the request guard (:mod:`budgetbeheer.http.access`):

- finance and accountants read every household (finance needs them for receipts and the bank queue), and so does a
  service account (the benefit system books receipts for every household; it holds only the permissions it was
  given);
- a caseworker or supervisor reaches the households of their own team (:attr:`User.team`), and a household of
  another team only while a :class:`BreakGlass` of theirs for it is open (a stated reason, audited, for
  :data:`BREAK_GLASS_MINUTES`);
- anyone else (admin) reaches none through the household pages (their permissions say so already).

A :class:`Scope` is that rule for one user as a value: ``Scope.everything()`` or a team with the user's id.
:meth:`Scope.household_ids` is a sub-select to filter any table with a ``household_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Select, Text, or_, select, true
from sqlalchemy.orm import Mapped, Session, mapped_column

from budgetbeheer import clock
from budgetbeheer.db.base import Base, BigId, UtcDateTime
from budgetbeheer.tables.households import Household
from budgetbeheer.users.models import User

BREAK_GLASS_MINUTES = 60
"""How long a household of another team stays open after the glass was broken for it."""

READ_ALL_ROLES = frozenset({"finance", "accountant"})
"""Roles that read every household (not by team)."""


class BreakGlass(Base):
    """A user opened a household of another team, with a reason; open until ``expires_at``."""

    __tablename__ = "break_glass"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True, slots=True)
class Scope:
    """The households one user reaches. ``team`` None: every household."""

    team: str | None
    user_id: int | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @classmethod
    def of(cls, user: User | None) -> Scope:
        """The scope of a signed-in user (None: the system, a command: every household)."""
        if user is None or user.roles & READ_ALL_ROLES or user.is_service_account:
            return cls.everything()
        return cls(user.team, user.id)

    @property
    def is_everything(self) -> bool:
        return self.team is None

    def _glass(self, now: datetime) -> Select[Any]:
        return select(BreakGlass.household_id).where(BreakGlass.user_id == self.user_id, BreakGlass.expires_at > now)

    def household_ids(self, now: datetime | None = None) -> Select[Any]:
        """A sub-select of the ids of the households in scope: ``X.household_id.in_(scope.household_ids())``."""
        now = now or clock.now()
        return select(Household.id).where(or_(Household.team == self.team, Household.id.in_(self._glass(now))))

    def condition(self, column: ColumnElement[int] | Mapped[int] | Mapped[int | None]) -> ColumnElement[bool]:
        """A WHERE condition on a household id column (true for every row when the scope is everything)."""
        if self.is_everything:
            return true()
        return column.in_(self.household_ids())

    def covers(self, session: Session, household_id: int) -> bool:
        """Whether the household is in scope (False for one that does not exist, when the scope is a team)."""
        if self.is_everything:
            return True
        return session.scalar(self.household_ids().where(Household.id == household_id)) is not None

    def in_team(self, session: Session, household_id: int) -> bool:
        """Whether the household is in the user's own team (without the broken glass)."""
        if self.is_everything:
            return True
        team = session.scalar(select(Household.team).where(Household.id == household_id))
        return team == self.team


EVERYTHING = Scope(None)
"""The scope of finance, accountants, the system and commands: every household."""


def open_break_glass(session: Session, user_id: int, household_id: int, reason: str,
                     now: datetime | None = None) -> BreakGlass:
    """Open a household of another team for :data:`BREAK_GLASS_MINUTES` (the caller audits it)."""
    now = now or clock.now()
    row = BreakGlass(user_id=user_id, household_id=household_id, reason=reason, opened_at=now,
                     expires_at=now + timedelta(minutes=BREAK_GLASS_MINUTES))
    session.add(row)
    session.flush()
    return row
