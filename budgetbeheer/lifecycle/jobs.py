"""The registry of scheduled jobs and how one job runs for one day.

Each feature registers its daily jobs here (``register_job(name, func, ...)``); the scheduler process
(:mod:`budgetbeheer.lifecycle.scheduler`) runs them. A job is a function ``func(session, actor, run_for, settings)``
that returns a short text for the admin page; it flushes but does not commit.

Exactly once per day: :func:`run_job` writes a :class:`~budgetbeheer.tables.lifecycle.JobRun` row for
``(job, run_for)`` in the same database transaction as the job's work. UNIQUE(job_name, run_for) makes a second run
for the same day change nothing; a failed run leaves a ``failed`` row and is tried again.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from budgetbeheer import clock
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.db.base import utcnow
from budgetbeheer.features import FEATURES, feature_module
from budgetbeheer.tables.lifecycle import JobRun

log = logging.getLogger(__name__)

JobFunc = Callable[[Session, Actor, date, Settings], str | None]
SCHEDULER_ACTOR = Actor.system("scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    func: JobFunc
    description: str
    order: int = 100
    catch_up_days: int = 7
    """How many missed days are run again when the scheduler starts."""


_REGISTRY: dict[str, Job] = {}


def register_job(
    name: str, func: JobFunc, *, description: str = "", order: int = 100, catch_up_days: int = 7
) -> Job:
    """Add (or replace) a daily job. Lower ``order`` runs first within a day."""
    job = Job(name, func, description, order, catch_up_days)
    _REGISTRY[name] = job
    return job


def registered_jobs() -> list[Job]:
    """Every job, in running order; imports each feature's ``jobs`` module so that it can register its own."""
    load_feature_jobs()
    return sorted(_REGISTRY.values(), key=lambda job: (job.order, job.name))


def get_job(name: str) -> Job:
    load_feature_jobs()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no scheduled job named {name!r}") from None


_loaded = False


def load_feature_jobs() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for feature in FEATURES:
        if feature != "lifecycle":
            feature_module(feature, "jobs")  # importing registers its jobs


@dataclass(frozen=True)
class RunOutcome:
    job: str
    run_for: date
    outcome: str
    """``succeeded``, ``failed`` or ``skipped`` (already done for that day)."""
    detail: str | None = None


def run_job(factory: sessionmaker[Session], job: Job, run_for: date, settings: Settings) -> RunOutcome:
    """Run ``job`` for ``run_for`` once: its work and its JobRun row commit together, or neither does."""
    session = factory()
    try:
        existing = session.scalar(select(JobRun).where(JobRun.job_name == job.name, JobRun.run_for == run_for))
        if existing is not None and existing.outcome == "succeeded":
            session.rollback()
            return RunOutcome(job.name, run_for, "skipped", existing.detail)
        row = existing or JobRun(job_name=job.name, run_for=run_for)
        row.started_at = utcnow()
        row.finished_at = None
        row.outcome = "running"
        row.detail = None
        session.add(row)
        session.flush()  # a second scheduler racing for the same day stops here (UNIQUE)
        detail = job.func(session, SCHEDULER_ACTOR, run_for, settings)
        row.outcome = "succeeded"
        row.finished_at = utcnow()
        row.detail = (detail or "")[:2000] or None
        session.commit()
        return RunOutcome(job.name, run_for, "succeeded", row.detail)
    except IntegrityError:
        session.rollback()
        return RunOutcome(job.name, run_for, "skipped", "al gedaan door een andere planner")
    except Exception as error:
        session.rollback()
        log.exception("scheduled job %s for %s failed", job.name, run_for)
        _record_failure(factory, job.name, run_for, f"{type(error).__name__}: {error}")
        return RunOutcome(job.name, run_for, "failed", str(error))
    finally:
        session.close()


def _record_failure(factory: sessionmaker[Session], name: str, run_for: date, detail: str) -> None:
    session = factory()
    try:
        row = session.scalar(select(JobRun).where(JobRun.job_name == name, JobRun.run_for == run_for))
        if row is None:
            row = JobRun(job_name=name, run_for=run_for, started_at=utcnow())
            session.add(row)
        if row.outcome != "succeeded":
            row.outcome = "failed"
            row.finished_at = utcnow()
            row.detail = detail[:2000]
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not record the failure of %s", name)
    finally:
        session.close()


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


def run_due(factory: sessionmaker[Session], settings: Settings, today: date,
            jobs: list[Job] | None = None) -> list[RunOutcome]:
    """Run every job for every day it missed through ``today``, day by day in job order. Idempotent."""
    jobs = registered_jobs() if jobs is None else jobs
    with factory() as session:
        pending = {job.name: days_to_run(session, job, today) for job in jobs}
    outcomes: list[RunOutcome] = []
    for day in sorted({d for days in pending.values() for d in days}):
        for job in jobs:
            if day in pending[job.name]:
                outcomes.append(run_job(factory, job, day, settings))
    return outcomes


def last_runs(session: Session) -> dict[str, JobRun]:
    """The latest JobRun of each job."""
    result: dict[str, JobRun] = {}
    for row in session.scalars(select(JobRun).order_by(JobRun.run_for, JobRun.started_at)):
        result[row.job_name] = row
    return result


# ------------------------------------------------------------------------------------------------ the built-in jobs


def prepare_runs(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
    """Propose the batch for the next TARGET2 business day after ``run_for`` (``payments.service.prepare_run``)."""
    from budgetbeheer.domain.calendar import add_business_days

    if importlib.util.find_spec("budgetbeheer.payments.service") is None:
        return "betalingen zijn nog niet beschikbaar"
    from budgetbeheer.payments import service as payments

    execution_date = add_business_days(run_for, 1)
    if execution_date < clock.today():
        return f"uitvoerdatum {execution_date.isoformat()} is al voorbij; overgeslagen"
    batch, created = payments.prepare_run(session, actor, execution_date, settings)
    return (
        f"uitvoerdatum {execution_date.isoformat()}: batch {batch.id} "
        f"({'nieuw' if created else 'bestond al'}), {batch.item_count} betalingen"
    )


def end_periods(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
    from budgetbeheer.lifecycle.ending import advance_endings

    return advance_endings(session, actor, run_for).describe()


def raise_signals(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
    from budgetbeheer.lifecycle.signals import raise_all

    counts = raise_all(session, run_for, income_late_days=settings.income_late_days,
                       lead_business_days=settings.lead_business_days)
    return ", ".join(f"{kind}: {n}" for kind, n in counts.items() if n) or "geen nieuwe signalen"


register_job("lifecycle.end_periods", end_periods, order=10,
             description="Perioden die hun einddatum bereikten gaan naar 'ending'; bij saldo nul naar 'ended'.")
register_job("payments.prepare_runs", prepare_runs, order=20,
             description="Stelt de betaalrun voor de volgende TARGET2-werkdag voor.")
register_job("lifecycle.raise_signals", raise_signals, order=30,
             description="Maakt signalen: tekorten, inkomen te laat, teruggekomen betalingen, einde periode, "
                         "wachtende verlengingen, prognose.")
