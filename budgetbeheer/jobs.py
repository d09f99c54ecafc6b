"""Scheduled jobs: the registry (name, function, schedule) and how one job runs for one day.

Each feature adds its daily jobs in its ``plugin.register(registry)`` (``registry.jobs.add(name, func, ...)``); the
scheduler process (:mod:`budgetbeheer.scheduler`) runs them. A job is a function ``func(session, actor, run_for,
settings)`` that does the work *for the day* ``run_for`` (never for the wall clock's day) and returns a short text for
the admin page; it flushes but does not commit.

Exactly once per day: :func:`run_job` writes a :class:`~budgetbeheer.tables.lifecycle.JobRun` row for
``(job, run_for)`` in the same unit of work as the job's work. UNIQUE(job_name, run_for) makes a second run for the
same day change nothing; a failed run leaves a ``failed`` row and is tried again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from budgetbeheer.audit.service import Actor, AuthMethod
from budgetbeheer.config import Settings
from budgetbeheer.db.base import utcnow
from budgetbeheer.db.unit_of_work import unit_of_work
from budgetbeheer.tables.lifecycle import JobRun

log = logging.getLogger(__name__)

JobFunc = Callable[[Session, Actor, date, Settings], str | None]
SCHEDULER_ACTOR = Actor.system("scheduler")
BY_HAND_ACTOR = Actor(name=SCHEDULER_ACTOR.name, auth_method=AuthMethod.OPERATOR.value)
"""A job run by hand (``budgetbeheer jobs run``): the scheduler's work, and the audit trail says the operator
started it."""


@dataclass(frozen=True)
class Job:
    name: str
    func: JobFunc
    description: str
    order: int = 100
    catch_up_days: int = 7
    """How many missed days are run again when the scheduler starts."""
    not_by_hand: str | None = None
    """Why ``budgetbeheer jobs run`` may not run this job by hand, and what to do instead (None: it may)."""


class JobRegistry:
    """The daily jobs of every feature, by name."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}

    def add(self, name: str, func: JobFunc, *, description: str = "", order: int = 100,
            catch_up_days: int = 7, not_by_hand: str | None = None) -> Job:
        """Add (or replace) a daily job. Lower ``order`` runs first within a day."""
        job = Job(name, func, description, order, catch_up_days, not_by_hand)
        self._jobs[name] = job
        return job

    def all(self) -> list[Job]:
        """Every job, in running order."""
        return sorted(self._jobs.values(), key=lambda job: (job.order, job.name))

    def get(self, name: str) -> Job:
        try:
            return self._jobs[name]
        except KeyError:
            raise KeyError(f"no scheduled job named {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._jobs


@dataclass(frozen=True)
class RunOutcome:
    job: str
    run_for: date
    outcome: str
    """``succeeded``, ``failed`` or ``skipped`` (already done for that day)."""
    detail: str | None = None


class LeaseLost(Exception):
    """The scheduler lost its lease while the job ran: the job's work is rolled back, not committed."""


def run_job(factory: sessionmaker[Session], job: Job, run_for: date, settings: Settings,
            actor: Actor = SCHEDULER_ACTOR, still_allowed: Callable[[Session], bool] | None = None) -> RunOutcome:
    """Run ``job`` for ``run_for`` once, in one unit of work: its work and its JobRun row commit together, or
    neither does (then a separate unit of work records the failure). With ``still_allowed`` (the scheduler's lease,
    asked in the job's transaction), a job that may no longer commit when it is done writes nothing: outcome
    ``stopped``, and the JobRun stays as it was, for the scheduler that holds the lease now."""
    try:
        with unit_of_work(factory) as session:
            existing = session.scalar(select(JobRun).where(JobRun.job_name == job.name, JobRun.run_for == run_for))
            if existing is not None and existing.outcome == "succeeded":
                return RunOutcome(job.name, run_for, "skipped", existing.detail)
            row = existing or JobRun(job_name=job.name, run_for=run_for)
            row.started_at = utcnow()
            row.finished_at = None
            row.outcome = "running"
            row.detail = None
            session.add(row)
            session.flush()  # a second scheduler racing for the same day stops here (UNIQUE)
            detail = job.func(session, actor, run_for, settings)
            row.outcome = "succeeded"
            row.finished_at = utcnow()
            row.detail = (detail or "")[:2000] or None
            session.flush()
            if still_allowed is not None and not still_allowed(session):
                raise LeaseLost
        return RunOutcome(job.name, run_for, "succeeded", row.detail)
    except LeaseLost:
        log.warning("scheduled job %s for %s outlived the scheduler's lease: nothing written", job.name, run_for)
        return RunOutcome(job.name, run_for, "stopped", "de planner verloor zijn beurt; niets geschreven")
    except IntegrityError:
        return RunOutcome(job.name, run_for, "skipped", "al gedaan door een andere planner")
    except Exception as error:
        log.exception("scheduled job %s for %s failed", job.name, run_for)
        _record_failure(factory, job.name, run_for, f"{type(error).__name__}: {error}")
        return RunOutcome(job.name, run_for, "failed", str(error))


def _record_failure(factory: sessionmaker[Session], name: str, run_for: date, detail: str) -> None:
    try:
        with unit_of_work(factory) as session:
            row = session.scalar(select(JobRun).where(JobRun.job_name == name, JobRun.run_for == run_for))
            if row is None:
                row = JobRun(job_name=name, run_for=run_for, started_at=utcnow())
                session.add(row)
            if row.outcome != "succeeded":
                row.outcome = "failed"
                row.finished_at = utcnow()
                row.detail = detail[:2000]
    except Exception:
        log.exception("could not record the failure of %s", name)


def days_to_run(session: Session, job: Job, today: date) -> list[date]:
    """The days ``job`` still has to run for, through ``today``: after its last success, at most ``catch_up_days``
    back; only ``today`` when it never ran."""
    last = session.scalar(
        select(JobRun.run_for)
        .where(JobRun.job_name == job.name, JobRun.outcome == "succeeded")
        .order_by(JobRun.run_for.desc())
        .limit(1)
    )
    first = today if last is None else max(last + timedelta(days=1), today - timedelta(days=job.catch_up_days))
    days = []
    current = first
    while current <= today:
        days.append(current)
        current += timedelta(days=1)
    return days


def run_due(factory: sessionmaker[Session], settings: Settings, today: date, jobs: Sequence[Job],
            still_allowed: Callable[[Session], bool] | None = None) -> list[RunOutcome]:
    """Run every job for every day it missed through ``today``, day by day in job order. Idempotent. Stops at the
    first job that found it may no longer commit (``still_allowed``, see :func:`run_job`)."""
    with factory() as session:
        pending = {job.name: days_to_run(session, job, today) for job in jobs}
    outcomes: list[RunOutcome] = []
    for day in sorted({d for days in pending.values() for d in days}):
        for job in jobs:
            if day in pending[job.name]:
                outcomes.append(run_job(factory, job, day, settings, still_allowed=still_allowed))
                if outcomes[-1].outcome == "stopped":
                    return outcomes
    return outcomes


def last_runs(session: Session) -> dict[str, JobRun]:
    """The latest JobRun of each job."""
    result: dict[str, JobRun] = {}
    for row in session.scalars(select(JobRun).order_by(JobRun.run_for, JobRun.started_at)):
        result[row.job_name] = row
    return result
