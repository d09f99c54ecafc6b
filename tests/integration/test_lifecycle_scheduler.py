"""One active scheduler at a time (lease), and jobs that run once per day and catch up missed days."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from budgetbeheer import jobs
from budgetbeheer.audit.service import Actor
from budgetbeheer.composition import registry
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_session_factory
from budgetbeheer.scheduler import Lease, SchedulerRunner, parse_run_time
from budgetbeheer.tables.lifecycle import JobRun, SchedulerLease, Signal


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_lease_is_held_by_one_and_lost_by_a_crashed_holder(engine: Engine, session: Session) -> None:
    clock = FakeClock()
    first = Lease(engine, "first", 30, clock=clock)
    second = Lease(engine, "second", 30, clock=clock)
    assert first.acquire() is True
    assert second.acquire() is False
    clock.now += timedelta(seconds=10)
    assert first.acquire() is True  # renewal moves the expiry to now + 30 s
    clock.now += timedelta(seconds=29)
    assert second.acquire() is False
    clock.now += timedelta(seconds=2)  # first stopped renewing ("crashed") 31 s ago
    assert second.acquire() is True
    assert first.acquire() is False
    assert first.current() == ("second", clock.now + timedelta(seconds=30))
    second.release()
    assert first.acquire() is True


def test_many_racing_for_a_free_lease_give_one_holder(engine: Engine, session: Session) -> None:
    clock = FakeClock()
    results: dict[str, bool] = {}
    barrier = threading.Barrier(6)

    def race(name: str) -> None:
        barrier.wait()
        results[name] = Lease(engine, name, 60, clock=clock).acquire()

    threads = [threading.Thread(target=race, args=(f"s{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results.values()) == [False] * 5 + [True]


def _counting_job(counter: list[date]) -> jobs.Job:
    def work(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
        counter.append(run_for)
        return f"ran for {run_for}"

    return jobs.Job("test.count", work, "counts")


def _wait_for(condition: object, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        threading.Event().wait(0.05)
    return False


def test_two_scheduler_processes_one_active_and_a_take_over(settings: Settings, session: Session,
                                                             tmp_path: Path) -> None:
    settings = settings.with_overrides(scheduler_lease_seconds=1, scheduler_run_time="23:59")
    counter: list[date] = []
    job = _counting_job(counter)
    runners = [SchedulerRunner(settings, holder=f"scheduler-{i}", jobs=[job]) for i in range(2)]
    threads = [threading.Thread(target=runner.run, daemon=True) for runner in runners]
    for thread in threads:
        thread.start()
    try:
        assert _wait_for(lambda: any(r.active.is_set() for r in runners))
        overlaps = 0
        deadline = time.monotonic() + 1.5  # several renewal rounds (every 1/3 s)
        while time.monotonic() < deadline:
            overlaps += all(r.active.is_set() for r in runners)
            threading.Event().wait(0.02)
        assert overlaps == 0
        active = next(r for r in runners if r.active.is_set())
        standby = next(r for r in runners if r is not active)
        assert counter == [date.today()]
        active.stop()
        threads[runners.index(active)].join(10)
        assert _wait_for(standby.active.is_set)
        assert standby.became_active == 1
        assert counter == [date.today()]  # the new active one finds today's job done
        rows = session.scalars(select(JobRun).where(JobRun.job_name == "test.count")).all()
        assert [(r.run_for, r.outcome) for r in rows] == [(date.today(), "succeeded")]
    finally:
        for runner in runners:
            runner.stop()
        for thread in threads:
            thread.join(10)
    assert not any(thread.is_alive() for thread in threads)


def test_a_job_runs_once_per_day_retries_a_failure_and_catches_up(engine: Engine, session: Session,
                                                                   settings: Settings) -> None:
    factory = make_session_factory(engine)
    calls: list[date] = []
    fail = {"once": True}

    def flaky(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
        calls.append(run_for)
        if fail.pop("once", False):
            raise RuntimeError("bank closed")
        return "ok"

    job = jobs.Job("test.flaky", flaky, "flaky", catch_up_days=3)
    day = date(2026, 5, 4)
    assert jobs.run_job(factory, job, day, settings).outcome == "failed"
    assert jobs.run_job(factory, job, day, settings).outcome == "succeeded"
    assert jobs.run_job(factory, job, day, settings).outcome == "skipped"
    assert calls == [day, day]
    outcomes = jobs.run_due(factory, settings, day + timedelta(days=10), [job])
    # Missed days are caught up, at most catch_up_days back.
    assert [o.run_for for o in outcomes] == [day + timedelta(days=n) for n in (7, 8, 9, 10)]
    assert jobs.run_due(factory, settings, day + timedelta(days=10), [job]) == []


def test_registry_and_run_time() -> None:
    names = [job.name for job in registry().jobs.all()]
    assert names.index("lifecycle.end_periods") < names.index("payments.prepare_runs") < names.index(
        "lifecycle.raise_signals")
    assert parse_run_time("06:30") == (6, 30)
    from budgetbeheer.config import ConfigurationError

    for bad in ("6", "25:00", "aa:bb"):
        with pytest.raises(ConfigurationError):
            parse_run_time(bad)


def test_finding6_a_catch_up_longer_than_the_lease_keeps_one_scheduler_active(
    settings: Settings, session: Session, dialect: str
) -> None:
    """Issue 17, finding 6: the lease was not renewed while the start-up catch-up ran, so with a catch-up longer than
    the lease a second scheduler became active too. Now a thread of its own renews it throughout."""
    if dialect != "postgresql":
        pytest.skip("SQLite has one write lock: while a job's transaction holds it, no one (the renewal included) "
                    "writes the lease; there the job's check before its commit holds (the next test)")
    settings = settings.with_overrides(scheduler_lease_seconds=1, scheduler_run_time="23:59")
    ran: list[str] = []

    def slow(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
        ran.append(threading.current_thread().name)
        threading.Event().wait(2.5)  # two and a half leases
        return "slow"

    job = jobs.Job("test.slow", slow, "slow", catch_up_days=0)
    runners = [SchedulerRunner(settings, holder=f"scheduler-{i}", jobs=[job]) for i in range(2)]
    threads = [threading.Thread(target=runner.run, daemon=True) for runner in runners]
    for thread in threads:
        thread.start()
    try:
        assert _wait_for(lambda: bool(ran))
        overlaps = 0
        deadline = time.monotonic() + 3.5  # through the slow job and after it
        while time.monotonic() < deadline:
            overlaps += all(r.active.is_set() for r in runners)
            threading.Event().wait(0.02)
        assert overlaps == 0
        assert sum(r.became_active for r in runners) == 1
        assert len(ran) == 1
        rows = session.scalars(select(JobRun).where(JobRun.job_name == "test.slow")).all()
        assert [(r.run_for, r.outcome) for r in rows] == [(date.today(), "succeeded")]
    finally:
        for runner in runners:
            runner.stop()
        for thread in threads:
            thread.join(10)


def test_finding6_a_job_that_outlives_the_lease_writes_nothing(engine: Engine, session: Session,
                                                                settings: Settings) -> None:
    """The lease is taken over while a job runs (its holder froze): at its commit the job finds the lease gone and
    writes nothing; the scheduler holding the lease now runs the day."""
    factory = make_session_factory(engine)
    moment = [datetime.now(UTC)]
    frozen = Lease(engine, "frozen", 1, clock=lambda: moment[0])
    assert frozen.acquire()
    written: list[int] = []

    def taken_over_meanwhile(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
        session.add(Signal(household_id=None, kind="test", role="finance", message="written by the job",
                           dedup_key=f"test:{run_for}", created_at=datetime.now(UTC)))
        session.flush()
        written.append(1)
        moment[0] += timedelta(seconds=5)  # the holder froze past its lease
        return "done"

    job = jobs.Job("test.outlived", taken_over_meanwhile, "outlived")
    outcomes = jobs.run_due(factory, settings, date.today(), [job], still_allowed=frozen.held_in)
    assert written == [1]
    assert [o.outcome for o in outcomes] == ["stopped"]
    session.expire_all()
    assert session.scalar(select(func.count(Signal.id)).where(Signal.kind == "test")) == 0
    assert session.scalars(select(JobRun).where(JobRun.job_name == "test.outlived")).all() == []


def test_scheduler_once_runs_the_jobs_and_leaves_the_lease_free(
    db_url: str, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``budgetbeheer scheduler --once`` (for cron): the renewal thread is stopped before the lease is given up, so a
    stand-by can take over at once (a renewal after the release held it for another lease)."""
    from click.testing import CliRunner

    from budgetbeheer.cli import main

    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", db_url)
    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")
    monkeypatch.setenv("BUDGETBEHEER_SCHEDULER_LEASE_SECONDS", "1")
    result = CliRunner().invoke(main, ["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    threading.Event().wait(0.8)  # more than two renewal intervals
    session.expire_all()
    lease = session.get(SchedulerLease, "scheduler")
    assert lease is not None and lease.expires_at <= datetime.now(UTC)
    assert Lease(session.get_bind(), "stand-by", 60).acquire()  # type: ignore[arg-type]
