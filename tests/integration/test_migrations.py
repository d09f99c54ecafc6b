"""The migrations create exactly the models' schema, with the protecting triggers, and can be undone."""

from __future__ import annotations

from sqlalchemy import inspect, text

from budgetbeheer.db.engine import make_engine
from budgetbeheer.db.migrate import check, downgrade, upgrade
from budgetbeheer.tables import metadata


def test_migrations_match_models_and_install_triggers(db_url: str, dialect: str) -> None:
    check(db_url)  # raises when models and migrations disagree
    engine = make_engine(db_url)
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        if dialect == "sqlite":
            triggers = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
        else:
            triggers = {row[0] for row in connection.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))}
    engine.dispose()
    assert set(metadata.tables) <= tables
    assert {"ledger_transactions_balanced", "ledger_postings_sealed"} <= triggers
    assert any(name.startswith("audit_entries_no_") for name in triggers)


def test_downgrade_to_base_and_upgrade_again(db_url: str) -> None:
    downgrade(db_url, "base")
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert not set(metadata.tables) & set(inspect(connection).get_table_names())
    engine.dispose()
    upgrade(db_url)
    check(db_url)
