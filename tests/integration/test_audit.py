"""The audit trail: written with its change, refused UPDATE/DELETE, and tamper-evident."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor, record, verify
from budgetbeheer.cli import main

ACTOR = Actor("tester", user_id=None, request_id="req-1", client_address="127.0.0.1")


def _fill(session: Session, n: int = 5) -> None:
    for i in range(n):
        record(session, ACTOR, "thing.changed", "thing", i, before={"n": i}, after={"n": i + 1}, reason=f"r{i}")
    session.commit()


def _bypass(session: Session, dialect: str, *statements: str) -> None:
    """Change the table as a database owner would: with the protecting triggers switched off."""
    if dialect == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        session.execute(text("DROP TRIGGER audit_entries_no_update"))
        session.execute(text("DROP TRIGGER audit_entries_no_delete"))
    for statement in statements:
        session.execute(text(statement))
    session.commit()


def test_intact_trail_verifies(session: Session) -> None:
    _fill(session)
    result = verify(session)
    assert result.ok and result.count == 5
    entry = session.get(AuditEntry, 3)
    assert entry is not None and entry.actor == "tester" and entry.request_id == "req-1"
    assert entry.before_json == '{"n":2}' and entry.after_json == '{"n":3}'


def test_entry_rolls_back_with_its_change(session: Session) -> None:
    _fill(session, 2)
    record(session, ACTOR, "thing.changed", "thing", 99)
    session.rollback()
    assert verify(session).count == 2


@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET reason = 'x'", "DELETE FROM audit_entries"])
def test_database_refuses_update_and_delete(session: Session, statement: str) -> None:
    _fill(session, 2)
    with pytest.raises((IntegrityError, DBAPIError)):
        session.execute(text(statement))
        session.commit()
    session.rollback()
    assert verify(session).ok


def test_edited_entry_is_named(session: Session, dialect: str) -> None:
    _fill(session)
    _bypass(session, dialect, "UPDATE audit_entries SET after_json = 'tampered' WHERE id = 3")
    result = verify(session)
    assert not result.ok and result.first_bad_id == 3 and "edited" in (result.problem or "")


def test_deleted_entry_is_found_at_the_gap(session: Session, dialect: str) -> None:
    _fill(session)
    _bypass(session, dialect, "DELETE FROM audit_entries WHERE id = 2")
    result = verify(session)
    assert not result.ok and result.first_bad_id == 3


def test_reordered_entries_are_found(session: Session, dialect: str) -> None:
    _fill(session)
    # swap the content of entries 2 and 4 (ids stay, so the order of events changes)
    _bypass(
        session, dialect,
        "UPDATE audit_entries SET id = -2 WHERE id = 2",
        "UPDATE audit_entries SET id = 2 WHERE id = 4",
        "UPDATE audit_entries SET id = 4 WHERE id = -2",
    )
    result = verify(session)
    assert not result.ok and result.first_bad_id == 2


def test_inserted_entry_is_found(session: Session, dialect: str) -> None:
    _fill(session)
    _bypass(
        session, dialect,
        "UPDATE audit_entries SET id = id + 100 WHERE id >= 3",
        "INSERT INTO audit_entries (id, recorded_at, actor, action, entity_type, previous_hash, entry_hash) "
        "SELECT 3, recorded_at, 'intruder', 'x', 'x', 'p', 'h' FROM audit_entries WHERE id = 1",
        "UPDATE audit_entries SET id = id - 99 WHERE id >= 103",
    )
    result = verify(session)
    assert not result.ok and result.first_bad_id == 3


def test_cli_audit_verify(session: Session, db_url: str, dialect: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(session, 4)
    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")
    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", db_url)
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0 and result.output.splitlines()[0] == "ok: 4 entries"
    _bypass(session, dialect, "UPDATE audit_entries SET actor = 'someone else' WHERE id = 2")
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code != 0
    assert "entry 2" in result.output
