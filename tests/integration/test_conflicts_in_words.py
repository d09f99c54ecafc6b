"""Issue 17, findings 7 and 8 (conflicts answer in words). Finding 8: ``batches export`` had committed the batch as exported before its file was on disk, so a kill
in between left an exported batch and no file. The file is now complete on disk (written next to ``--out`` and
renamed) before the status is committed; a commit that never happens leaves the batch approved, and the next
``batches export`` writes the same bytes again."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.cli import main
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_session_factory
from budgetbeheer.db.locks import Lock
from budgetbeheer.db.unit_of_work import UnitOfWork
from budgetbeheer.errors import Conflict
from budgetbeheer.ledger.service import money_identity
from budgetbeheer.payments import service
from budgetbeheer.payments.runs import service as runs_service
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem
from budgetbeheer.tables.states import BatchStatus
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, payable_household

MANAGED_IBAN = "NL46BNGH0285160126"


@pytest.fixture(autouse=True)
def before_the_run_date() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def approved_batch(session: Session, settings: Settings, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> int:
    payable_household(session)
    frank = make_user("frank", "finance")
    session.commit()
    batch, _ = service.prepare_run(session, Actor.system("scheduler"), RUN_DATE,
                                   settings.with_overrides(managed_account_iban=MANAGED_IBAN))
    session.commit()
    service.approve(session, actor_for(frank), batch.id)
    session.commit()
    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")
    monkeypatch.setenv("BUDGETBEHEER_MANAGED_ACCOUNT_IBAN", MANAGED_IBAN)
    return batch.id


def _status(session: Session, batch_id: int) -> str:
    session.expire_all()
    batch = session.get(PaymentBatch, batch_id)
    assert batch is not None
    status = batch.status
    session.rollback()
    return status


def test_finding8_the_file_is_on_disk_before_the_export_is_committed(
    session: Session, approved_batch: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "batch.xml"
    seen_at_commit: list[bool] = []
    real_finish = UnitOfWork.finish

    def killed_at_commit(self: UnitOfWork, *, commit: bool) -> None:
        if commit:
            seen_at_commit.append(out.exists() and out.stat().st_size > 0)
            raise KeyboardInterrupt  # the process dies here: nothing of the unit of work is committed
        real_finish(self, commit=commit)

    monkeypatch.setattr(UnitOfWork, "finish", killed_at_commit)
    killed = CliRunner().invoke(main, ["batches", "export", str(approved_batch), "--out", str(out)])
    assert killed.exit_code != 0
    assert seen_at_commit == [True]  # complete on disk before the commit
    assert _status(session, approved_batch) == BatchStatus.APPROVED  # and the batch was not committed as exported
    first = out.read_bytes()
    assert not list(tmp_path.glob(".*.partial"))

    monkeypatch.setattr(UnitOfWork, "finish", real_finish)
    again = CliRunner().invoke(main, ["batches", "export", str(approved_batch), "--out", str(out)])
    assert again.exit_code == 0, again.output
    assert _status(session, approved_batch) == BatchStatus.EXPORTED
    assert out.read_bytes() == first  # the same file, byte for byte: what the bank may already have is the same


def test_finding8_a_failed_write_leaves_no_half_file_and_no_export(
    session: Session, approved_batch: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "batch.xml"

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", disk_full)
    failed = CliRunner().invoke(main, ["batches", "export", str(approved_batch), "--out", str(out)])
    assert failed.exit_code != 0
    assert not out.exists() and not list(tmp_path.glob(".*.partial"))
    assert _status(session, approved_batch) == BatchStatus.APPROVED


def test_finding7_two_runs_prepared_at_once_answer_in_words(
    engine: Engine, session: Session, settings: Settings, dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ``runs prepare`` for different dates at once: the one that finds the other still busy after waiting a
    little is refused with a sentence (409), not a ``UniqueViolation`` traceback; tried again after the first
    committed, it plans around its payments."""
    if dialect != "postgresql":
        pytest.skip("SQLite serialises writers with one database lock; the race is a PostgreSQL question")
    monkeypatch.setattr(runs_service, "PREPARE_WAIT_SECONDS", 0.3)
    payable_household(session)
    session.commit()
    settings = settings.with_overrides(managed_account_iban=MANAGED_IBAN)
    factory = make_session_factory(engine)
    first, second = factory(), factory()
    try:
        service.prepare_run(first, Actor.system("scheduler"), RUN_DATE, settings)  # holds the preparation
        with pytest.raises(Conflict) as refused:
            service.prepare_run(second, Actor.system("cli"), RUN_DATE + timedelta(days=7), settings)
        assert "andere betaalrun voorbereid" in str(refused.value.message)
        assert "execution_date" in refused.value.fields
        second.rollback()
        first.commit()
        later, created = service.prepare_run(second, Actor.system("cli"), RUN_DATE + timedelta(days=7), settings)
        second.commit()
        assert created and later.execution_date == RUN_DATE + timedelta(days=7)
    finally:
        first.close()
        second.close()
    keys = [key for key in session.scalars(select(PaymentItem.obligation_key)) if key]
    assert len(keys) == len(set(keys))
    assert money_identity(session).holds


def test_finding7_the_api_answers_409_while_another_run_is_prepared(
    engine: Engine, session: Session, settings: Settings, dialect: str, client: FlaskClient,
    api_token: Callable[..., dict[str, str]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    if dialect != "postgresql":
        pytest.skip("SQLite serialises writers with one database lock; the race is a PostgreSQL question")
    monkeypatch.setattr(runs_service, "PREPARE_WAIT_SECONDS", 0.3)
    payable_household(session)
    session.commit()
    fatima = api_token("fatima", "finance")
    busy = make_session_factory(engine)()
    try:
        busy.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(Lock.PAYMENT_RUNS)})
        answer = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=fatima)
    finally:
        busy.rollback()
        busy.close()
    assert answer.status_code == 409
    body = answer.get_json()
    assert "andere betaalrun" in json.dumps(body, ensure_ascii=False)
    assert client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()},
                       headers=fatima).status_code == 201
