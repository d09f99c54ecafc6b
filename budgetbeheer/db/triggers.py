"""Database triggers that keep the books and the audit trail honest, for SQLite and PostgreSQL.

- A ledger transaction is inserted after its postings; its insert is refused unless it has at least two postings
  that sum to zero and carry the transaction's business date. A posting for a transaction that is already booked is
  refused. On SQLite these are row triggers; on PostgreSQL statement triggers over the statement's new rows (a
  transition table), so a bulk booking (``COPY`` of 5,000 transactions) is checked by one join instead of 5,000 trigger
  calls; either way a refused row refuses the whole statement. (The posting's foreign key is
  deferred, so postings without their transaction fail at COMMIT.)
- Postings, transactions and audit entries refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
- On SQLite they also refuse an INSERT that would meet an existing row on a unique key: ``INSERT OR REPLACE`` deletes
  the old row without firing DELETE triggers (unless a connection sets ``recursive_triggers``), so without this a
  rewritten row slipped past the append-only rule. A trigger in the file holds for every client, ours or not.
  (PostgreSQL has no REPLACE; ``INSERT ... ON CONFLICT DO UPDATE`` fires the UPDATE trigger.)

The revisions do not call this module: each carries the statements it runs as frozen text (migrations/README.md).
A change here therefore needs a new revision; tests/unit/test_frozen_migrations.py fails until one carries it.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

APPEND_ONLY_TABLES = ("ledger_postings", "ledger_transactions", "audit_entries")

_SQLITE_BALANCE = [
    """
    CREATE TRIGGER ledger_postings_sealed BEFORE INSERT ON ledger_postings
    WHEN EXISTS (SELECT 1 FROM ledger_transactions WHERE id = NEW.transaction_id)
    BEGIN SELECT RAISE(ABORT, 'ledger transaction is already booked; book a new transaction'); END
    """,
    """
    CREATE TRIGGER ledger_transactions_balanced BEFORE INSERT ON ledger_transactions
    WHEN (SELECT COUNT(*) FROM ledger_postings WHERE transaction_id = NEW.id) < 2
      OR (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger_postings WHERE transaction_id = NEW.id) <> 0
      OR EXISTS (SELECT 1 FROM ledger_postings WHERE transaction_id = NEW.id AND business_date <> NEW.business_date)
    BEGIN SELECT RAISE(ABORT, 'unbalanced ledger transaction refused (or postings dated otherwise)'); END
    """,
]

_POSTGRES_FUNCTIONS = [
    """
    CREATE OR REPLACE FUNCTION bb_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION bb_postings_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        booked bigint;
    BEGIN
        SELECT p.transaction_id INTO booked
        FROM new_postings p JOIN ledger_transactions t ON t.id = p.transaction_id LIMIT 1;
        IF booked IS NOT NULL THEN
            RAISE EXCEPTION 'ledger transaction % is already booked; book a new transaction', booked;
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION bb_transactions_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        refused record;
    BEGIN
        SELECT t.id, count(p.id) AS postings, coalesce(sum(p.amount_cents), 0) AS total,
               coalesce(bool_or(p.business_date <> t.business_date), false) AS other_date
        INTO refused
        FROM new_transactions t LEFT JOIN ledger_postings p ON p.transaction_id = t.id
        GROUP BY t.id, t.business_date
        HAVING count(p.id) < 2 OR coalesce(sum(p.amount_cents), 0) <> 0
            OR coalesce(bool_or(p.business_date <> t.business_date), false)
        ORDER BY t.id LIMIT 1;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        IF refused.postings < 2 OR refused.total <> 0 THEN
            RAISE EXCEPTION 'unbalanced ledger transaction % refused (% postings, sum %)',
                refused.id, refused.postings, refused.total;
        END IF;
        RAISE EXCEPTION 'ledger transaction % refused: its postings carry another business date', refused.id;
    END
    $$
    """,
    """
    CREATE TRIGGER ledger_postings_sealed AFTER INSERT ON ledger_postings
    REFERENCING NEW TABLE AS new_postings
    FOR EACH STATEMENT EXECUTE FUNCTION bb_postings_sealed()
    """,
    """
    CREATE TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transactions
    REFERENCING NEW TABLE AS new_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION bb_transactions_balanced()
    """,
]


_SQLITE_UNIQUE_KEYS = {
    "ledger_postings": ("id",),
    "ledger_transactions": ("id", "idempotency_key", "reverses_id"),
    "audit_entries": ("id", "previous_hash", "entry_hash"),
}
"""Every unique key of the append-only tables: a REPLACE over any of them would delete the row it meets."""


_SQLITE_NO_REPLACE = """
        CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
        WHEN EXISTS (SELECT 1 FROM {table} WHERE {meets})
        BEGIN SELECT RAISE(ABORT, '{table} is append-only: an insert over an existing row refused'); END
        """
_SQLITE_NO_UPDATE = """
        CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END
        """
_SQLITE_NO_DELETE = """
        CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END
        """


def _sqlite_append_only(table: str) -> list[str]:
    """The DDL of the append-only triggers of ``table``: made from this module's own table and column names, no
    input reaches it."""
    meets = " OR ".join(f"{key} = NEW.{key}" for key in _SQLITE_UNIQUE_KEYS[table])
    return [ddl.format(table=table, meets=meets) for ddl in (_SQLITE_NO_REPLACE, _SQLITE_NO_UPDATE, _SQLITE_NO_DELETE)]


def _postgres_append_only(table: str) -> list[str]:
    return [
        f"""
        CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION bb_refuse_change()
        """,
        f"""
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION bb_refuse_change()
        """,
    ]


def trigger_statements(dialect_name: str) -> list[str]:
    if dialect_name == "sqlite":
        statements = list(_SQLITE_BALANCE)
        for table in APPEND_ONLY_TABLES:
            statements += _sqlite_append_only(table)
        return statements
    if dialect_name == "postgresql":
        statements = list(_POSTGRES_FUNCTIONS)
        for table in APPEND_ONLY_TABLES:
            statements += _postgres_append_only(table)
        return statements
    raise RuntimeError(f"no triggers written for database {dialect_name!r}")


def drop_statements(dialect_name: str) -> list[str]:
    names = ["ledger_postings_sealed", "ledger_transactions_balanced"]
    if dialect_name == "sqlite":
        for table in APPEND_ONLY_TABLES:
            names += [f"{table}_no_replace", f"{table}_no_update", f"{table}_no_delete"]
        return [f"DROP TRIGGER IF EXISTS {name}" for name in names]
    statements = [
        "DROP TRIGGER IF EXISTS ledger_postings_sealed ON ledger_postings",
        "DROP TRIGGER IF EXISTS ledger_transactions_balanced ON ledger_transactions",
    ]
    for table in APPEND_ONLY_TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        ]
    statements += [
        "DROP FUNCTION IF EXISTS bb_refuse_change()",
        "DROP FUNCTION IF EXISTS bb_postings_sealed()",
        "DROP FUNCTION IF EXISTS bb_transactions_balanced()",
    ]
    return statements


def _execute(connection: Connection, statement: str) -> None:
    if connection.dialect.name == "postgresql":
        statement = statement.replace("%", "%%")  # psycopg reads a lone % as a placeholder
    connection.exec_driver_sql(statement)


def install_triggers(connection: Connection) -> None:
    for statement in trigger_statements(connection.dialect.name):
        _execute(connection, statement)


def remove_triggers(connection: Connection) -> None:
    for statement in drop_statements(connection.dialect.name):
        _execute(connection, statement)
