from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from budgetbeheer.db.base import Base, BigId, UtcDateTime, one_of
from budgetbeheer.tables.states import ExtensionStatus, SignalRole, SignalState, values


class ExtensionRequest(Base):
    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    months: Mapped[int] = mapped_column(Integer)
    reason_category: Mapped[str] = mapped_column(String(40))
    reason_text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=ExtensionStatus.PENDING.value, index=True)
    requested_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)
    end_before: Mapped[date | None] = mapped_column(Date)
    end_after: Mapped[date | None] = mapped_column(Date)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    """The law extends per person: the person whose period is extended; NULL: every person still in the household.
    The household's period is then the span of its persons' periods."""

    __table_args__ = (
        CheckConstraint("months BETWEEN 1 AND 12", name="months"),
        CheckConstraint(one_of("status", values(ExtensionStatus)), name="status"),
    )


class Signal(Base):
    """Something a person must look at. ``dedup_key`` is UNIQUE so a job that raises it twice raises it once."""

    __tablename__ = "signals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(Text)
    """The message id (the Dutch text with placeholders) and its parameters in ``message_params``, to show the signal
    in the reader's language (:func:`budgetbeheer.i18n.shown`); NULL on signals from before, which show ``message``."""
    message_params: Mapped[dict[str, object] | None] = mapped_column(JSON)
    role: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10), default=SignalState.OPEN.value, index=True)
    dedup_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    done_by: Mapped[str | None] = mapped_column(String(120))
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(one_of("state", values(SignalState)), name="state"),
        CheckConstraint(one_of("role", values(SignalRole)), name="role"),
        Index("ix_signals_state_created_at", "state", "created_at", "id"),  # the inbox: newest first, a page
    )


class SchedulerLease(Base):
    """Who is the active scheduler. A holder that stops renewing loses the lease after it expires."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


APSCHEDULER_JOBS = Table(
    "apscheduler_jobs", Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),  # APScheduler's own: a POSIX timestamp, not money
    Column("job_state", LargeBinary, nullable=False),
)
"""APScheduler 3's job store (``SQLAlchemyJobStore``), with exactly the columns it defines. Made by our migration
(0011) instead of by APScheduler at start-up: two schedulers starting at once both issued ``CREATE TABLE``, and
the loser exited with a ``UniqueViolation``. APScheduler checks that the table exists and creates nothing."""


class JobRun(Base):
    """One run of a scheduled job for one day; UNIQUE(job, run_for) makes a job run once per day."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    job_name: Mapped[str] = mapped_column(String(60))
    run_for: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str] = mapped_column(String(16), default="running")
    detail: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("job_name", "run_for"),)
