"""Payment items keep room on their pages for their status changes (PostgreSQL fillfactor 50: approving and
settling a payment are HOT updates that touch none of its five indexes), and PostgreSQL checks the books per statement
(balanced transactions, sealed postings: statement triggers over a transition table instead of a trigger call per row)

Revision ID: 0010_hot_items_statement_checks
Revises: 0009_duties_and_seals
Create Date: 2026-12-03 17:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0010_hot_items_statement_checks'
down_revision: str | None = '0009_duties_and_seals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen SQL (migrations/README.md). The complete set of triggers after this revision, per dialect, exactly as
# budgetbeheer/db/triggers.py wrote them on 2026-12-03. SQLite's are unchanged; on PostgreSQL the balance and seal
# checks become AFTER INSERT ... FOR EACH STATEMENT triggers with a transition table.
TRIGGERS: dict[str, list[str]] = {
    'sqlite': [
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
        """
        CREATE TRIGGER ledger_postings_no_replace BEFORE INSERT ON ledger_postings
        WHEN EXISTS (SELECT 1 FROM ledger_postings WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only: an insert over an existing row refused'); END
        """,
        """
        CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
        BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
        BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only: DELETE refused'); END
        """,
        """
        CREATE TRIGGER ledger_transactions_no_replace BEFORE INSERT ON ledger_transactions
        WHEN EXISTS (SELECT 1 FROM ledger_transactions WHERE id = NEW.id OR idempotency_key = NEW.idempotency_key OR reverses_id = NEW.reverses_id)
        BEGIN SELECT RAISE(ABORT, 'ledger_transactions is append-only: an insert over an existing row refused'); END
        """,
        """
        CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
        BEGIN SELECT RAISE(ABORT, 'ledger_transactions is append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
        BEGIN SELECT RAISE(ABORT, 'ledger_transactions is append-only: DELETE refused'); END
        """,
        """
        CREATE TRIGGER audit_entries_no_replace BEFORE INSERT ON audit_entries
        WHEN EXISTS (SELECT 1 FROM audit_entries WHERE id = NEW.id OR previous_hash = NEW.previous_hash OR entry_hash = NEW.entry_hash)
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: an insert over an existing row refused'); END
        """,
        """
        CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: DELETE refused'); END
        """,
    ],
    'postgresql': [
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
        """
        CREATE TRIGGER ledger_postings_no_change BEFORE UPDATE OR DELETE ON ledger_postings
        FOR EACH ROW EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
        FOR EACH STATEMENT EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER ledger_transactions_no_change BEFORE UPDATE OR DELETE ON ledger_transactions
        FOR EACH ROW EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
        FOR EACH STATEMENT EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION bb_refuse_change()
        """,
    ],
}

TRIGGER_DROPS: dict[str, list[str]] = {
    'sqlite': [
        'DROP TRIGGER IF EXISTS ledger_postings_sealed',
        'DROP TRIGGER IF EXISTS ledger_transactions_balanced',
        'DROP TRIGGER IF EXISTS ledger_postings_no_replace',
        'DROP TRIGGER IF EXISTS ledger_postings_no_update',
        'DROP TRIGGER IF EXISTS ledger_postings_no_delete',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_replace',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_update',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_delete',
        'DROP TRIGGER IF EXISTS audit_entries_no_replace',
        'DROP TRIGGER IF EXISTS audit_entries_no_update',
        'DROP TRIGGER IF EXISTS audit_entries_no_delete',
    ],
    'postgresql': [
        'DROP TRIGGER IF EXISTS ledger_postings_sealed ON ledger_postings',
        'DROP TRIGGER IF EXISTS ledger_transactions_balanced ON ledger_transactions',
        'DROP TRIGGER IF EXISTS ledger_postings_no_change ON ledger_postings',
        'DROP TRIGGER IF EXISTS ledger_postings_no_truncate ON ledger_postings',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_change ON ledger_transactions',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_truncate ON ledger_transactions',
        'DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries',
        'DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries',
        'DROP FUNCTION IF EXISTS bb_refuse_change()',
        'DROP FUNCTION IF EXISTS bb_postings_sealed()',
        'DROP FUNCTION IF EXISTS bb_transactions_balanced()',
    ],
}

# What revision 0009 installed and how it is dropped, as text (for upgrade and downgrade).
PREVIOUS_TRIGGERS: dict[str, list[str]] = {
    'sqlite': [
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
        """
        CREATE TRIGGER ledger_postings_no_replace BEFORE INSERT ON ledger_postings
        WHEN EXISTS (SELECT 1 FROM ledger_postings WHERE id = NEW.id)
        BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only: an insert over an existing row refused'); END
        """,
        """
        CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
        BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
        BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only: DELETE refused'); END
        """,
        """
        CREATE TRIGGER ledger_transactions_no_replace BEFORE INSERT ON ledger_transactions
        WHEN EXISTS (SELECT 1 FROM ledger_transactions WHERE id = NEW.id OR idempotency_key = NEW.idempotency_key OR reverses_id = NEW.reverses_id)
        BEGIN SELECT RAISE(ABORT, 'ledger_transactions is append-only: an insert over an existing row refused'); END
        """,
        """
        CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
        BEGIN SELECT RAISE(ABORT, 'ledger_transactions is append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
        BEGIN SELECT RAISE(ABORT, 'ledger_transactions is append-only: DELETE refused'); END
        """,
        """
        CREATE TRIGGER audit_entries_no_replace BEFORE INSERT ON audit_entries
        WHEN EXISTS (SELECT 1 FROM audit_entries WHERE id = NEW.id OR previous_hash = NEW.previous_hash OR entry_hash = NEW.entry_hash)
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: an insert over an existing row refused'); END
        """,
        """
        CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: DELETE refused'); END
        """,
    ],
    'postgresql': [
        """
    CREATE OR REPLACE FUNCTION bb_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
    END
    $$
    """,
        """
    CREATE OR REPLACE FUNCTION bb_posting_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM ledger_transactions WHERE id = NEW.transaction_id) THEN
            RAISE EXCEPTION 'ledger transaction % is already booked; book a new transaction', NEW.transaction_id;
        END IF;
        RETURN NEW;
    END
    $$
    """,
        """
    CREATE OR REPLACE FUNCTION bb_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        posting_count bigint;
        posting_sum numeric;
    BEGIN
        SELECT count(*), coalesce(sum(amount_cents), 0) INTO posting_count, posting_sum
        FROM ledger_postings WHERE transaction_id = NEW.id;
        IF posting_count < 2 OR posting_sum <> 0 THEN
            RAISE EXCEPTION 'unbalanced ledger transaction % refused (% postings, sum %)',
                NEW.id, posting_count, posting_sum;
        END IF;
        IF EXISTS (SELECT 1 FROM ledger_postings WHERE transaction_id = NEW.id
                   AND business_date <> NEW.business_date) THEN
            RAISE EXCEPTION 'ledger transaction % refused: its postings carry another business date', NEW.id;
        END IF;
        RETURN NEW;
    END
    $$
    """,
        """
    CREATE TRIGGER ledger_postings_sealed BEFORE INSERT ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION bb_posting_sealed()
    """,
        """
    CREATE TRIGGER ledger_transactions_balanced BEFORE INSERT ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION bb_transaction_balanced()
    """,
        """
        CREATE TRIGGER ledger_postings_no_change BEFORE UPDATE OR DELETE ON ledger_postings
        FOR EACH ROW EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
        FOR EACH STATEMENT EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER ledger_transactions_no_change BEFORE UPDATE OR DELETE ON ledger_transactions
        FOR EACH ROW EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
        FOR EACH STATEMENT EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries
        FOR EACH ROW EXECUTE FUNCTION bb_refuse_change()
        """,
        """
        CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
        FOR EACH STATEMENT EXECUTE FUNCTION bb_refuse_change()
        """,
    ],
}

PREVIOUS_DROPS: dict[str, list[str]] = {
    'sqlite': [
        'DROP TRIGGER IF EXISTS ledger_postings_sealed',
        'DROP TRIGGER IF EXISTS ledger_transactions_balanced',
        'DROP TRIGGER IF EXISTS ledger_postings_no_replace',
        'DROP TRIGGER IF EXISTS ledger_postings_no_update',
        'DROP TRIGGER IF EXISTS ledger_postings_no_delete',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_replace',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_update',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_delete',
        'DROP TRIGGER IF EXISTS audit_entries_no_replace',
        'DROP TRIGGER IF EXISTS audit_entries_no_update',
        'DROP TRIGGER IF EXISTS audit_entries_no_delete',
    ],
    'postgresql': [
        'DROP TRIGGER IF EXISTS ledger_postings_sealed ON ledger_postings',
        'DROP TRIGGER IF EXISTS ledger_transactions_balanced ON ledger_transactions',
        'DROP TRIGGER IF EXISTS ledger_postings_no_change ON ledger_postings',
        'DROP TRIGGER IF EXISTS ledger_postings_no_truncate ON ledger_postings',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_change ON ledger_transactions',
        'DROP TRIGGER IF EXISTS ledger_transactions_no_truncate ON ledger_transactions',
        'DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries',
        'DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries',
        'DROP FUNCTION IF EXISTS bb_refuse_change()',
        'DROP FUNCTION IF EXISTS bb_posting_sealed()',
        'DROP FUNCTION IF EXISTS bb_transaction_balanced()',
    ],
}


def _execute_all(statements: list[str]) -> None:
    bind = op.get_bind()
    for statement in statements:
        if bind.dialect.name == "postgresql":
            statement = statement.replace("%", "%%")
        bind.exec_driver_sql(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _execute_all(PREVIOUS_DROPS[dialect])
    if dialect == "postgresql":  # new pages keep half their room; a later VACUUM FULL or CLUSTER applies it to old ones
        op.execute("ALTER TABLE payment_items SET (fillfactor = 50)")
    _execute_all(TRIGGERS[dialect])


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _execute_all(TRIGGER_DROPS[dialect])
    if dialect == "postgresql":
        op.execute("ALTER TABLE payment_items RESET (fillfactor)")
    _execute_all(PREVIOUS_TRIGGERS[dialect])
