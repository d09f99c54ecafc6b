"""The migrated database carries exactly the triggers that ``budgetbeheer/db/triggers.py`` writes today.

The revisions hold their trigger SQL as frozen text (see tests/unit/test_frozen_migrations.py); this test asks the
database itself: the definitions after all revisions equal those after reinstalling from triggers.py (done inside a
transaction that is rolled back, so the shared PostgreSQL test database stays as it was).
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from budgetbeheer.db.engine import make_engine
from budgetbeheer.db.triggers import install_triggers, remove_triggers


def _definitions(connection: Connection) -> dict[str, str]:
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = connection.execute(
            text(
                "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"
                " UNION ALL SELECT proname || '()', pg_get_functiondef(oid) FROM pg_proc"
                " WHERE proname LIKE 'bb\\_%' AND pronamespace = 'public'::regnamespace"
            )
        )
    return {str(name): str(definition) for name, definition in rows.tuples()}


def test_migrated_triggers_equal_a_fresh_install_from_triggers_py(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            migrated = _definitions(connection)
            remove_triggers(connection)
            assert _definitions(connection) == {}
            install_triggers(connection)
            fresh = _definitions(connection)
        finally:
            transaction.rollback()
        assert _definitions(connection) == migrated
    engine.dispose()
    assert migrated == fresh
    assert "ledger_transactions_balanced" in migrated
