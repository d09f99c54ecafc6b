"""Separation of duties (role grants), session versions, how actors proved who they were, seals on ledger
transactions and approved payment items; SQLite's append-only tables also refuse INSERT OR REPLACE

Revision ID: 0009_duties_and_seals
Revises: 0008_bank_file_blocks
Create Date: 2026-12-03 13:52:04.670710
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009_duties_and_seals'
down_revision: str | None = '0008_bank_file_blocks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen SQL (migrations/README.md). The complete set of triggers after this revision, per dialect, exactly as
# budgetbeheer/db/triggers.py wrote them on 2026-12-03: SQLite's append-only tables gain a BEFORE INSERT trigger that
# refuses a row meeting an existing one on a unique key (INSERT OR REPLACE would delete that row unseen).
TRIGGERS: dict[str, list[str]] = {
    "sqlite": [
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
    "postgresql": [
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

# Their removal (downgrade), per dialect.
TRIGGER_DROPS: dict[str, list[str]] = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS ledger_postings_sealed",
        "DROP TRIGGER IF EXISTS ledger_transactions_balanced",
        "DROP TRIGGER IF EXISTS ledger_postings_no_replace",
        "DROP TRIGGER IF EXISTS ledger_postings_no_update",
        "DROP TRIGGER IF EXISTS ledger_postings_no_delete",
        "DROP TRIGGER IF EXISTS ledger_transactions_no_replace",
        "DROP TRIGGER IF EXISTS ledger_transactions_no_update",
        "DROP TRIGGER IF EXISTS ledger_transactions_no_delete",
        "DROP TRIGGER IF EXISTS audit_entries_no_replace",
        "DROP TRIGGER IF EXISTS audit_entries_no_update",
        "DROP TRIGGER IF EXISTS audit_entries_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS ledger_postings_sealed ON ledger_postings",
        "DROP TRIGGER IF EXISTS ledger_transactions_balanced ON ledger_transactions",
        "DROP TRIGGER IF EXISTS ledger_postings_no_change ON ledger_postings",
        "DROP TRIGGER IF EXISTS ledger_postings_no_truncate ON ledger_postings",
        "DROP TRIGGER IF EXISTS ledger_transactions_no_change ON ledger_transactions",
        "DROP TRIGGER IF EXISTS ledger_transactions_no_truncate ON ledger_transactions",
        "DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries",
        "DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries",
        "DROP FUNCTION IF EXISTS bb_refuse_change()",
        "DROP FUNCTION IF EXISTS bb_posting_sealed()",
        "DROP FUNCTION IF EXISTS bb_transaction_balanced()",
    ],
}

# What revision 0001 installed, removed before the new set goes in (and put back by downgrade).
PREVIOUS_TRIGGERS: dict[str, list[str]] = {
    "sqlite": [
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
        CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
        BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
        BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only: DELETE refused'); END
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
        CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: UPDATE refused'); END
        """,
        """
        CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
        BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only: DELETE refused'); END
        """,
    ],
    "postgresql": [
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
    "sqlite": [
        "DROP TRIGGER IF EXISTS ledger_postings_sealed",
        "DROP TRIGGER IF EXISTS ledger_transactions_balanced",
        "DROP TRIGGER IF EXISTS ledger_postings_no_update",
        "DROP TRIGGER IF EXISTS ledger_postings_no_delete",
        "DROP TRIGGER IF EXISTS ledger_transactions_no_update",
        "DROP TRIGGER IF EXISTS ledger_transactions_no_delete",
        "DROP TRIGGER IF EXISTS audit_entries_no_update",
        "DROP TRIGGER IF EXISTS audit_entries_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS ledger_postings_sealed ON ledger_postings",
        "DROP TRIGGER IF EXISTS ledger_transactions_balanced ON ledger_transactions",
        "DROP TRIGGER IF EXISTS ledger_postings_no_change ON ledger_postings",
        "DROP TRIGGER IF EXISTS ledger_postings_no_truncate ON ledger_postings",
        "DROP TRIGGER IF EXISTS ledger_transactions_no_change ON ledger_transactions",
        "DROP TRIGGER IF EXISTS ledger_transactions_no_truncate ON ledger_transactions",
        "DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries",
        "DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries",
        "DROP FUNCTION IF EXISTS bb_refuse_change()",
        "DROP FUNCTION IF EXISTS bb_posting_sealed()",
        "DROP FUNCTION IF EXISTS bb_transaction_balanced()",
    ],
}


def _execute_all(statements: list[str]) -> None:
    bind = op.get_bind()
    for statement in statements:
        if bind.dialect.name == "postgresql":
            statement = statement.replace("%", "%%")
        bind.exec_driver_sql(statement)



def upgrade() -> None:
    # Triggers off first: on SQLite a batch operation may copy a table, and a dropped table takes its triggers along.
    _execute_all(PREVIOUS_DROPS[op.get_bind().dialect.name])
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('role_grants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('pending_key', sa.String(length=40), nullable=True),
    sa.Column('requested_by', sa.String(length=120), nullable=False),
    sa.Column('requested_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role = 'caseworker' OR role = 'finance' OR role = 'supervisor' OR role = 'accountant' OR role = 'admin'", name=op.f('ck_role_grants_role')),
    sa.CheckConstraint("status = 'pending' OR status = 'confirmed' OR status = 'rejected'", name=op.f('ck_role_grants_status')),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_role_grants_decided_by_user_id_users')),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['users.id'], name=op.f('fk_role_grants_requested_by_user_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_grants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grants')),
    sa.UniqueConstraint('pending_key', name=op.f('uq_role_grants_pending_key'))
    )
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grants_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_method', sa.String(length=20), nullable=True))

    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))

    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_hash', sa.String(length=64), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1', nullable=False))

    # ### end Alembic commands ###
    _execute_all(TRIGGERS[op.get_bind().dialect.name])


def downgrade() -> None:
    _execute_all(TRIGGER_DROPS[op.get_bind().dialect.name])
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')

    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.drop_column('approved_hash')

    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.drop_column('content_hash')

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('auth_method')

    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_grants_user_id'))

    op.drop_table('role_grants')
    # ### end Alembic commands ###
    _execute_all(PREVIOUS_TRIGGERS[op.get_bind().dialect.name])
