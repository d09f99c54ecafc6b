"""The audit sequencer (issue 17, "no write stops the house"): entries are written without a lock in the business
transaction and chained right after its commit in short steps; what a crash leaves waiting is chained later."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit import chain
from budgetbeheer.audit.models import AuditEntry, PendingAuditEntry
from budgetbeheer.audit.service import Actor, Change, record, record_many, verify
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_session_factory
from budgetbeheer.scheduler import SchedulerRunner

ACTOR = Actor("tester", request_id="req-1", client_address="127.0.0.1", auth_method="session")


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_entries_are_chained_right_after_their_commit(session: Session) -> None:
    before = _count(session, AuditEntry)
    record(session, ACTOR, "thing.made", "thing", 1, after={"n": 1})
    record_many(session, ACTOR, [Change("thing.changed", "thing", 1, before={"n": 1}, after={"n": n})
                                 for n in (2, 3)])
    record(session, ACTOR, "thing.ended", "thing", 1)
    assert _count(session, AuditEntry) == before  # nothing chained inside the business transaction
    session.commit()
    assert _actions(session)[before:] == ["thing.made", "thing.changed", "thing.changed", "thing.ended"]
    assert _count(session, PendingAuditEntry) == 0
    result = verify(session)
    assert result.ok and result.count == before + 4 and result.waiting == 0


def test_a_rolled_back_transaction_leaves_nothing_written_or_waiting(session: Session) -> None:
    before = _count(session, AuditEntry)
    record(session, ACTOR, "thing.made", "thing", 1)
    session.rollback()
    record(session, ACTOR, "thing.made", "thing", 2)  # a new transaction: a new token, chained at its commit
    session.commit()
    assert _count(session, AuditEntry) == before + 1 and _count(session, PendingAuditEntry) == 0


def test_entries_a_crash_left_waiting_are_chained_by_the_sweep(session: Session, engine: Engine,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A process killed between its commit and the sequencer's step: its entries are committed, waiting."""
    before = _count(session, AuditEntry)
    monkeypatch.setattr(chain, "chain_written", lambda *_args: (_ for _ in ()).throw(RuntimeError("killed")))
    record(session, ACTOR, "thing.made", "thing", 1)
    record(session, ACTOR, "thing.changed", "thing", 1)
    session.commit()  # the business is committed even though chaining failed
    monkeypatch.undo()
    assert _count(session, PendingAuditEntry) == 2
    waiting = verify(session)
    assert waiting.ok and waiting.waiting == 2 and "2 written, still waiting" in waiting.describe()
    session.commit()
    assert chain.chain_waiting(engine) == 2
    assert _actions(session)[before:] == ["thing.made", "thing.changed"]
    assert verify(session).ok and _count(session, PendingAuditEntry) == 0


def test_a_large_transaction_is_chained_in_bounded_steps(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    steps: list[int] = []
    original = chain._step

    def counted(engine: Engine, token: str | None) -> int:
        moved = original(engine, token)
        steps.append(moved)
        return moved

    monkeypatch.setattr(chain, "CHUNK", 10)
    monkeypatch.setattr(chain, "_step", counted)
    record_many(session, ACTOR, [Change("thing.made", "thing", n) for n in range(25)])
    session.commit()
    assert steps == [10, 10, 5]
    result = verify(session)
    assert result.ok and _count(session, PendingAuditEntry) == 0
    assert list(session.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "thing.made")
                                .order_by(AuditEntry.id))) == [str(n) for n in range(25)]


def test_the_scheduler_renewal_chains_what_waits(session: Session, engine: Engine, settings: Settings) -> None:

    session.add(PendingAuditEntry(written_by="a-crashed-process", recorded_at="2026-12-04T10:00:00.000000Z",
                                  actor="tester", action="thing.made", entity_type="thing"))
    session.commit()  # no token: written directly, as a crash would leave it
    assert _count(session, PendingAuditEntry) == 1
    runner = SchedulerRunner(settings, jobs=(), engine=engine)
    runner._chain_waiting()
    session.commit()
    assert _count(session, PendingAuditEntry) == 0 and verify(session).ok


def test_a_long_transaction_holds_up_no_other_writer(session: Session, engine: Engine, dialect: str) -> None:
    """Finding 5: a long import that has written audit entries and not yet committed; meanwhile another user's
    action (a page view's access entry) commits and is chained at once, without waiting for the import."""
    if dialect != "postgresql":
        pytest.skip("SQLite has one writer at a time; there long work commits in chunks instead")
    factory = make_session_factory(engine)
    long_import = factory()
    record_many(long_import, ACTOR, [Change("receipt.booked", "receipt", n) for n in range(100)])
    long_import.flush()
    try:
        done = threading.Event()

        def page_view() -> None:
            other = factory()
            record(other, ACTOR, "household.viewed", "household", 7)
            other.commit()
            other.close()
            done.set()

        started = time.monotonic()
        worker = threading.Thread(target=page_view)
        worker.start()
        assert done.wait(10), "the page view waited for the open import"
        assert time.monotonic() - started < 5
        worker.join()
        assert "household.viewed" in _actions(session)
    finally:
        long_import.commit()
        long_import.close()
    session.commit()
    assert _actions(session)[-100:] == ["receipt.booked"] * 100
    assert verify(session).ok


def test_concurrent_writers_never_fork_the_chain(engine: Engine, session: Session) -> None:
    factory = make_session_factory(engine)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for step in range(10):
                own = factory()
                record(own, ACTOR, "thing.changed", "thing", number, after={"step": step})
                own.commit()
                own.close()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    session.commit()
    result = verify(session)
    assert result.ok and _count(session, PendingAuditEntry) == 0
    assert int(session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "thing.changed")) or 0) == 40


def test_a_savepoint_neither_chains_early_nor_forgets_the_transaction(session: Session) -> None:
    """A savepoint released or undone inside the transaction (a booking with a key does that) is not the commit."""
    before = _count(session, AuditEntry)
    record(session, ACTOR, "thing.made", "thing", 1)
    with session.begin_nested():
        record(session, ACTOR, "thing.changed", "thing", 1)
    assert _count(session, AuditEntry) == before  # still the open transaction's
    try:
        with session.begin_nested():
            record(session, ACTOR, "thing.changed", "thing", 2)
            raise ValueError
    except ValueError:
        pass
    session.commit()
    assert _actions(session)[before:] == ["thing.made", "thing.changed"]
    assert _count(session, PendingAuditEntry) == 0
