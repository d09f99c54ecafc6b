"""The scheduler process (``budgetbeheer scheduler``): APScheduler 3 with its jobs kept in the database, one active.

Several scheduler processes may be started (on several machines, or by mistake); only the one holding the
:class:`~budgetbeheer.tables.lifecycle.SchedulerLease` runs jobs, the others wait as stand-by. The lease is taken with
one atomic ``UPDATE ... WHERE name = :name AND (expires_at < :now OR holder = :me)`` (or an INSERT when there is no
row yet), renewed every ``lease_seconds / 3`` seconds from a thread of its own (also while the catch-up of missed days runs), and
a holder that crashes loses it ``lease_seconds`` after its last renewal. A holder that cannot renew in time stops
APScheduler, and a job it was running checks the lease inside its own transaction before committing: a job that
outlived the lease writes nothing (see :meth:`Lease.held_in`). APScheduler's job table comes from our migrations,
so two schedulers starting at once do not both try to create it.

On becoming active, each job first runs for the days it missed (see :func:`budgetbeheer.jobs.run_due`); then
APScheduler fires it daily at ``scheduler_run_time``. Each job run is one unit of work
(:mod:`budgetbeheer.db.unit_of_work`). The jobs come from the features' plug-ins (the composition root hands them in,
see :mod:`budgetbeheer.composition`); the web app never runs jobs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, insert, inspect, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from budgetbeheer import jobs as job_registry
from budgetbeheer.audit.chain import chain_waiting
from budgetbeheer.clock import now as utc_now
from budgetbeheer.clock import today as local_today
from budgetbeheer.config import ConfigurationError, Settings
from budgetbeheer.db.engine import make_engine, make_session_factory, normalise_url
from budgetbeheer.tables.lifecycle import APSCHEDULER_JOBS, SchedulerLease

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
SCHEDULER_LEASES = cast(Table, SchedulerLease.__table__)
DAILY_JOB_ID = "budgetbeheer.daily"

Clock = Callable[[], datetime]


def new_holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def parse_run_time(text: str) -> tuple[int, int]:
    try:
        hour_text, minute_text = text.strip().split(":")
        hour, minute = int(hour_text), int(minute_text)
    except ValueError:
        raise ConfigurationError(f"BUDGETBEHEER_SCHEDULER_RUN_TIME must be HH:MM, not {text!r}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ConfigurationError(f"BUDGETBEHEER_SCHEDULER_RUN_TIME must be HH:MM, not {text!r}")
    return hour, minute


class Lease:
    """The database lease that makes one scheduler the active one."""

    def __init__(self, engine: Engine, holder: str, seconds: int, name: str = LEASE_NAME,
                 clock: Clock = utc_now) -> None:
        if seconds < 1:
            raise ValueError("a lease lasts at least one second")
        self.engine = engine
        self.holder = holder
        self.seconds = seconds
        self.name = name
        self.clock = clock

    def acquire(self) -> bool:
        """Take or renew the lease; True when this holder has it now. Safe against any number of competitors."""
        now = self.clock()
        expires = now + timedelta(seconds=self.seconds)
        table = SCHEDULER_LEASES
        with self.engine.begin() as connection:
            taken = connection.execute(
                update(table)
                .where(table.c.name == self.name, (table.c.expires_at < now) | (table.c.holder == self.holder))
                .values(holder=self.holder, expires_at=expires)
            ).rowcount
            if taken == 1:
                return True
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(table).values(name=self.name, holder=self.holder, acquired_at=now, expires_at=expires)
                )
            return True
        except IntegrityError:
            return False

    def held_in(self, session: Session) -> bool:
        """Whether this holder still holds the lease, asked inside a job's own transaction just before it commits.
        On PostgreSQL the lease row stays locked (``FOR UPDATE``) until that commit, so no take-over slips in
        between the answer and the commit; on SQLite the job's write transaction holds the database lock."""
        table = SCHEDULER_LEASES
        found = session.execute(
            select(table.c.name).where(table.c.name == self.name, table.c.holder == self.holder,
                                       table.c.expires_at > self.clock()).with_for_update()
        ).first()
        return found is not None

    def release(self) -> None:
        """Give the lease up at once (a clean stop), so a stand-by can take over without waiting."""
        table = SCHEDULER_LEASES
        with self.engine.begin() as connection:
            connection.execute(
                update(table)
                .where(table.c.name == self.name, table.c.holder == self.holder)
                .values(expires_at=self.clock() - timedelta(seconds=1))
            )

    def current(self) -> tuple[str, datetime] | None:
        with Session(self.engine) as session:
            row = session.get(SchedulerLease, self.name)
            return None if row is None else (row.holder, row.expires_at)


def jobstore_url(database_url: str) -> str:
    return normalise_url(database_url)


class SchedulerRunner:
    """One scheduler process: stand-by until it holds the lease, then APScheduler with the daily jobs.

    ``run(stop)`` blocks until ``stop`` is set. ``active`` tells whether it currently runs jobs.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        jobs: Sequence[job_registry.Job],
        holder: str | None = None,
        clock: Clock = utc_now,
        today: Callable[[], date] = local_today,
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings
        self.holder = holder or new_holder_id()
        self.engine = engine if engine is not None else make_engine(settings.database_url)
        self.factory: sessionmaker[Session] = make_session_factory(self.engine)
        self.lease = Lease(self.engine, self.holder, settings.scheduler_lease_seconds, clock=clock)
        self.jobs = jobs
        self.today = today
        self.active = threading.Event()
        self.became_active = 0
        self._lock = threading.Lock()
        self._scheduler: Any = None
        self._renewal: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def renew_seconds(self) -> float:
        return max(self.settings.scheduler_lease_seconds / 3, 0.2)

    def run_jobs(self) -> list[job_registry.RunOutcome]:
        """Run every job for the days it still needs, as long as this process holds the lease."""
        with self._lock:
            if not self.active.is_set():
                return []
            outcomes = job_registry.run_due(self.factory, self.settings, self.today(), self.jobs,
                                            still_allowed=self.lease.held_in)
        for outcome in outcomes:
            log.info("job %s for %s: %s %s", outcome.job, outcome.run_for, outcome.outcome, outcome.detail or "")
        return outcomes

    def _build_apscheduler(self) -> Any:
        # Imported here on purpose: only the active scheduler needs APScheduler (stand-bys and the CLI do not).
        from apscheduler.jobstores.memory import MemoryJobStore  # noqa: PLC0415
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore  # noqa: PLC0415
        from apscheduler.schedulers.blocking import BlockingScheduler  # noqa: PLC0415

        hour, minute = parse_run_time(self.settings.scheduler_run_time)
        scheduler = BlockingScheduler(
            jobstores={
                # its table comes from our migrations (0011): APScheduler finds it and creates nothing
                "default": SQLAlchemyJobStore(engine=self._jobstore_engine(), tablename=APSCHEDULER_JOBS.name),
                "local": MemoryJobStore(),
            },
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 12 * 3600},
        )
        # Kept in the database by reference, so whichever process holds the lease picks it up after a take-over.
        scheduler.add_job(
            "budgetbeheer.scheduler:_daily", "cron", hour=hour, minute=minute, id=DAILY_JOB_ID,
            name="dagelijkse taken", replace_existing=True, jobstore="default",
        )
        # A stop or a lost lease that came while APScheduler was still starting ends it here (no database work).
        scheduler.add_job(self._end_if_over, "interval", seconds=self.renew_seconds, id="stop-check",
                          jobstore="local", misfire_grace_time=None)
        return scheduler

    def _jobstore_engine(self) -> Engine:
        """APScheduler's own engine, without a pool: its ``shutdown`` disposes the engine from whichever thread stops
        it, possibly while its main loop still reads the job table; without a pool each read opens and closes its own
        connection, so none is left behind (and our engine stays ours)."""
        return make_engine(self.settings.database_url, poolclass=NullPool)

    def _end_if_over(self) -> None:
        scheduler = self._scheduler
        if (self._stop.is_set() or not self.active.is_set()) and scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)

    def renew(self) -> bool:
        """Renew the lease; on losing it, stop running jobs at once."""
        if self.lease.acquire():
            return True
        if self.active.is_set():
            log.warning("scheduler %s lost the lease; going to stand-by", self.holder)
            with self._lock:
                self.active.clear()
        return False

    def _keep_lease(self, active_since: int) -> None:
        """The renewal thread of one active spell: renews every ``renew_seconds`` while jobs run (the catch-up on
        becoming active included, which can outlast the lease at scale); on losing the lease or a stop, it stops
        APScheduler. A job still running then finds at its commit that the lease is gone and writes nothing
        (:meth:`Lease.held_in`)."""
        while not self._stop.wait(self.renew_seconds):
            if self.became_active != active_since or not self.renew():
                break
            self._chain_waiting()
        scheduler = self._scheduler
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)

    def _chain_waiting(self) -> None:
        """Give audit entries a crash left unchained their place (a short step; nothing to do is one query)."""
        try:
            chained = chain_waiting(self.engine)
        except Exception:
            log.exception("chaining waiting audit entries failed; the next renewal tries again")
            return
        if chained:
            log.info("chained %s audit entries that were waiting", chained)

    def step(self) -> bool:
        """One round of the stand-by loop: try to become (or stay) active. Returns whether this process is active."""
        if self.lease.acquire():
            if not self.active.is_set():
                log.info("scheduler %s is now active", self.holder)
                self.active.set()
                self.became_active += 1
                _ACTIVE_RUNNERS[self.holder] = self
                self._renewal = threading.Thread(target=self._keep_lease, args=(self.became_active,), daemon=True,
                                                 name=f"lease-{self.holder}")
                self._renewal.start()
                self.run_jobs()
            return True
        if self.active.is_set():
            with self._lock:
                self.active.clear()
        return False

    def stop(self) -> None:
        """Ask :meth:`run` to return (from another thread or a signal handler)."""
        self._stop.set()
        scheduler = self._scheduler
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)

    def run(self) -> None:
        """Stand-by until the lease is ours, then APScheduler's BlockingScheduler until the lease is lost or
        :meth:`stop` is called; then stand-by again."""
        try:
            while not self._stop.is_set():
                if self.step() and not self._stop.is_set():
                    self._scheduler = self._build_apscheduler()
                    self._scheduler.start()  # blocks until shutdown (lease lost or stop)
                    self._scheduler = None
                    continue
                self._stop.wait(self.renew_seconds)
        finally:
            self.end()
            self.engine.dispose()

    def end(self) -> None:
        """Stop for good: the renewal thread stopped first (it must neither renew a lease given up nor hold a
        connection when the engine goes), then the lease given up when this process held it."""
        self._stop.set()
        if self._renewal is not None:  # it wakes at the stop
            self._renewal.join(timeout=max(30.0, 3 * self.renew_seconds))
        _ACTIVE_RUNNERS.pop(self.holder, None)
        if self.active.is_set():
            self.active.clear()
            self.lease.release()


_ACTIVE_RUNNERS: dict[str, SchedulerRunner] = {}


def _daily() -> None:
    """APScheduler's entry point (stored in the database as a text reference): run the day's jobs."""
    for runner in list(_ACTIVE_RUNNERS.values()):
        if runner.active.is_set():
            runner.run_jobs()


def next_daily_run(connection: Connection) -> datetime | None:
    """When APScheduler will next run the daily jobs, read from its table (None before the first start)."""
    if not inspect(connection).has_table("apscheduler_jobs"):
        return None
    value = connection.execute(
        text("SELECT next_run_time FROM apscheduler_jobs WHERE id = :id"), {"id": DAILY_JOB_ID}
    ).scalar()
    if value is None:
        return None
    return datetime.fromtimestamp(float(value), tz=UTC)
