"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 04:55:25.270670
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen SQL (issue 11): a revision never calls live code, so a later edit of budgetbeheer/db/triggers.py cannot
# rewrite history. tests/unit/test_frozen_migrations.py checks that the newest revision defining TRIGGERS and
# TRIGGER_DROPS agrees with what db/triggers.py writes today; a change there needs a new revision that carries it.

# The triggers this revision installs, per dialect, exactly as budgetbeheer/db/triggers.py wrote them on 2026-11-29.
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

# Their removal (downgrade), per dialect.
TRIGGER_DROPS: dict[str, list[str]] = {
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
    """Run raw SQL as budgetbeheer.db.triggers did in 2026-11 (psycopg reads a lone % as a placeholder)."""
    bind = op.get_bind()
    for statement in statements:
        if bind.dialect.name == "postgresql":
            statement = statement.replace("%", "%%")
        bind.exec_driver_sql(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.CreateSequence(sa.Sequence("ledger_transaction_id_seq")))
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('audit_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('recorded_at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('entity_type', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=60), nullable=True),
    sa.Column('before_json', sa.Text(), nullable=True),
    sa.Column('after_json', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('client_address', sa.String(length=64), nullable=True),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('entry_hash', name=op.f('uq_audit_entries_entry_hash')),
    sa.UniqueConstraint('previous_hash', name=op.f('uq_audit_entries_previous_hash'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_recorded_at'), ['recorded_at'], unique=False)

    op.create_table('creditors',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=140), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.Column('default_category', sa.String(length=32), nullable=True),
    sa.Column('reference_required', sa.Boolean(), nullable=False),
    sa.Column('reference_kind', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creditors')),
    sa.UniqueConstraint('name', 'iban', name=op.f('uq_creditors_name_iban'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('job_name', sa.String(length=60), nullable=False),
    sa.Column('run_for', sa.Date(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job_name', 'run_for', name=op.f('uq_job_runs_job_name_run_for'))
    )
    op.create_table('scheduler_leases',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_leases'))
    )
    op.create_table('users',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('failed_login_count', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('households',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('account_holder', sa.String(length=140), nullable=False),
    sa.Column('address_street', sa.String(length=200), nullable=True),
    sa.Column('address_postal_code', sa.String(length=10), nullable=True),
    sa.Column('address_city', sa.String(length=100), nullable=True),
    sa.Column('caseworker_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('benefit_start_date', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('leefgeld_frequency', sa.String(length=16), nullable=False),
    sa.Column('leefgeld_day', sa.Integer(), nullable=False),
    sa.Column('buffer_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("leefgeld_frequency = 'weekly' OR leefgeld_frequency = 'monthly'", name=op.f('ck_households_leefgeld_frequency')),
    sa.CheckConstraint("status = 'active' OR status = 'ending' OR status = 'ended'", name=op.f('ck_households_status')),
    sa.CheckConstraint('buffer_cents >= 0', name=op.f('ck_households_buffer')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_households_period')),
    sa.ForeignKeyConstraint(['caseworker_id'], ['users.id'], name=op.f('fk_households_caseworker_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households'))
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_caseworker_id'), ['caseworker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_period_end'), ['period_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_households_status'), ['status'], unique=False)

    op.create_table('user_roles',
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role = 'caseworker' OR role = 'finance' OR role = 'supervisor' OR role = 'accountant' OR role = 'admin'", name=op.f('ck_user_roles_role')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_roles_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'role', name=op.f('pk_user_roles'))
    )
    op.create_table('expected_incomes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_expected_incomes_positive')),
    sa.CheckConstraint('day BETWEEN 1 AND 31', name=op.f('ck_expected_incomes_day')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_expected_incomes_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expected_incomes'))
    )
    with op.batch_alter_table('expected_incomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expected_incomes_household_id'), ['household_id'], unique=False)

    op.create_table('extension_requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('reason_category', sa.String(length=40), nullable=False),
    sa.Column('reason_text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('requested_by', sa.String(length=120), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('end_before', sa.Date(), nullable=True),
    sa.Column('end_after', sa.Date(), nullable=True),
    sa.CheckConstraint("status = 'pending' OR status = 'approved' OR status = 'rejected' OR status = 'withdrawn'", name=op.f('ck_extension_requests_status')),
    sa.CheckConstraint('months BETWEEN 1 AND 12', name=op.f('ck_extension_requests_months')),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_extension_requests_decided_by_user_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_extension_requests_household_id_households')),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['users.id'], name=op.f('fk_extension_requests_requested_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_requests'))
    )
    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_requests_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extension_requests_status'), ['status'], unique=False)

    op.create_table('fixed_costs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('creditor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('frequency', sa.String(length=16), nullable=False),
    sa.Column('due_day', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=140), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('due_day BETWEEN 1 AND 31', name=op.f('ck_fixed_costs_due_day')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_fixed_costs_dates')),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_fixed_costs_creditor_id_creditors')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_fixed_costs_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fixed_costs'))
    )
    with op.batch_alter_table('fixed_costs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fixed_costs_creditor_id'), ['creditor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fixed_costs_household_id'), ['household_id'], unique=False)

    op.create_table('ledger_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'asset' OR kind = 'liability'", name=op.f('ck_ledger_accounts_kind')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_ledger_accounts_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_accounts')),
    sa.UniqueConstraint('code', name=op.f('uq_ledger_accounts_code')),
    sa.UniqueConstraint('household_id', name=op.f('uq_ledger_accounts_household_id'))
    )
    op.create_table('ledger_transactions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('booked_by', sa.String(length=120), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('reverses_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_ledger_transactions_household_id_households')),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_transactions_reverses_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_transactions')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_ledger_transactions_idempotency_key')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_transactions_reverses_id'))
    )
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_transactions_business_date'), ['business_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_transactions_household_id'), ['household_id'], unique=False)

    op.create_table('persons',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bsn', sa.String(length=9), nullable=False),
    sa.Column('active_bsn', sa.String(length=9), nullable=True),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_persons_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
    sa.UniqueConstraint('active_bsn', name=op.f('uq_persons_active_bsn'))
    )
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_persons_bsn'), ['bsn'], unique=False)
        batch_op.create_index(batch_op.f('ix_persons_household_id'), ['household_id'], unique=False)

    op.create_table('signals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('dedup_key', sa.String(length=160), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_by', sa.String(length=120), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("role = 'caseworker' OR role = 'finance' OR role = 'supervisor'", name=op.f('ck_signals_role')),
    sa.CheckConstraint("state = 'open' OR state = 'done'", name=op.f('ck_signals_state')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_signals_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signals')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_signals_dedup_key'))
    )
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signals_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signals_state'), ['state'], unique=False)

    op.create_table('advances',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ledger_transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_advances_positive')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_advances_household_id_households')),
    sa.ForeignKeyConstraint(['ledger_transaction_id'], ['ledger_transactions.id'], name=op.f('fk_advances_ledger_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advances'))
    )
    with op.batch_alter_table('advances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advances_household_id'), ['household_id'], unique=False)

    op.create_table('fixed_cost_amounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fixed_cost_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_fixed_cost_amounts_positive')),
    sa.ForeignKeyConstraint(['fixed_cost_id'], ['fixed_costs.id'], name=op.f('fk_fixed_cost_amounts_fixed_cost_id_fixed_costs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fixed_cost_amounts')),
    sa.UniqueConstraint('fixed_cost_id', 'effective_from', name=op.f('uq_fixed_cost_amounts_fixed_cost_id_effective_from'))
    )
    op.create_table('ledger_postings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.CheckConstraint('amount_cents <> 0', name=op.f('ck_ledger_postings_nonzero')),
    sa.ForeignKeyConstraint(['account_id'], ['ledger_accounts.id'], name=op.f('fk_ledger_postings_account_id_ledger_accounts')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_postings_transaction_id_ledger_transactions'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_postings'))
    )
    with op.batch_alter_table('ledger_postings', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_postings_account_date', ['account_id', 'business_date', 'amount_cents'], unique=False)
        batch_op.create_index('ix_ledger_postings_account_transaction', ['account_id', 'transaction_id'], unique=False)
        batch_op.create_index('ix_ledger_postings_transaction', ['transaction_id'], unique=False)

    op.create_table('payment_batches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('execution_date', sa.Date(), nullable=False),
    sa.Column('active_execution_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('prepared_by', sa.String(length=120), nullable=False),
    sa.Column('prepared_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('prepared_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('total_cents', sa.BigInteger(), nullable=False),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('required_approvals', sa.Integer(), nullable=False),
    sa.Column('pain_version', sa.String(length=20), nullable=True),
    sa.Column('msg_id_base', sa.String(length=35), nullable=True),
    sa.Column('cancelled_reason', sa.Text(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('exported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approval_transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("status = 'proposed' OR status = 'approved' OR status = 'exported' OR status = 'sent' OR status = 'settled' OR status = 'partly_returned' OR status = 'cancelled'", name=op.f('ck_payment_batches_status')),
    sa.ForeignKeyConstraint(['approval_transaction_id'], ['ledger_transactions.id'], name=op.f('fk_payment_batches_approval_transaction_id_ledger_transactions')),
    sa.ForeignKeyConstraint(['prepared_by_user_id'], ['users.id'], name=op.f('fk_payment_batches_prepared_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_batches')),
    sa.UniqueConstraint('active_execution_date', name=op.f('uq_payment_batches_active_execution_date')),
    sa.UniqueConstraint('msg_id_base', name=op.f('uq_payment_batches_msg_id_base'))
    )
    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_batches_execution_date'), ['execution_date'], unique=False)

    op.create_table('receipts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=140), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('request_hash', sa.String(length=64), nullable=True),
    sa.Column('ledger_transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_receipts_positive')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_receipts_household_id_households')),
    sa.ForeignKeyConstraint(['ledger_transaction_id'], ['ledger_transactions.id'], name=op.f('fk_receipts_ledger_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_receipts_idempotency_key'))
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipts_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipts_received_on'), ['received_on'], unique=False)

    op.create_table('bank_files',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('msg_id', sa.String(length=35), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('transaction_count', sa.Integer(), nullable=False),
    sa.Column('control_sum_cents', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'], name=op.f('fk_bank_files_batch_id_payment_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_files')),
    sa.UniqueConstraint('batch_id', 'sequence', name=op.f('uq_bank_files_batch_id_sequence')),
    sa.UniqueConstraint('msg_id', name=op.f('uq_bank_files_msg_id'))
    )
    with op.batch_alter_table('bank_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_files_batch_id'), ['batch_id'], unique=False)

    op.create_table('batch_approvals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('approver_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('approver', sa.String(length=120), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approver_user_id'], ['users.id'], name=op.f('fk_batch_approvals_approver_user_id_users')),
    sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'], name=op.f('fk_batch_approvals_batch_id_payment_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_approvals')),
    sa.UniqueConstraint('batch_id', 'approver_user_id', name=op.f('uq_batch_approvals_batch_id_approver_user_id')),
    sa.UniqueConstraint('batch_id', 'sequence', name=op.f('uq_batch_approvals_batch_id_sequence'))
    )
    with op.batch_alter_table('batch_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_approvals_batch_id'), ['batch_id'], unique=False)

    op.create_table('payment_items',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('fixed_cost_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('creditor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('creditor_name', sa.String(length=140), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('bic', sa.String(length=11), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('reference_kind', sa.String(length=20), nullable=True),
    sa.Column('reference', sa.String(length=140), nullable=True),
    sa.Column('remittance', sa.String(length=140), nullable=True),
    sa.Column('end_to_end_id', sa.String(length=35), nullable=False),
    sa.Column('obligation_key', sa.String(length=80), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('hold_reason', sa.Text(), nullable=True),
    sa.Column('return_reason_code', sa.String(length=8), nullable=True),
    sa.CheckConstraint("status = 'proposed' OR status = 'held' OR status = 'approved' OR status = 'settled' OR status = 'returned' OR status = 'cancelled'", name=op.f('ck_payment_items_status')),
    sa.CheckConstraint('amount_cents > 0', name=op.f('ck_payment_items_positive')),
    sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'], name=op.f('fk_payment_items_batch_id_payment_batches')),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_payment_items_creditor_id_creditors')),
    sa.ForeignKeyConstraint(['fixed_cost_id'], ['fixed_costs.id'], name=op.f('fk_payment_items_fixed_cost_id_fixed_costs')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_payment_items_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_items')),
    sa.UniqueConstraint('end_to_end_id', name=op.f('uq_payment_items_end_to_end_id')),
    sa.UniqueConstraint('obligation_key', name=op.f('uq_payment_items_obligation_key'))
    )
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_items_household_id'), ['household_id'], unique=False)

    op.create_table('shortfalls',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fixed_cost_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'], name=op.f('fk_shortfalls_batch_id_payment_batches')),
    sa.ForeignKeyConstraint(['fixed_cost_id'], ['fixed_costs.id'], name=op.f('fk_shortfalls_fixed_cost_id_fixed_costs')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_shortfalls_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shortfalls')),
    sa.UniqueConstraint('batch_id', 'fixed_cost_id', 'due_date', name=op.f('uq_shortfalls_batch_id_fixed_cost_id_due_date'))
    )
    with op.batch_alter_table('shortfalls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortfalls_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shortfalls_household_id'), ['household_id'], unique=False)

    # ### end Alembic commands ###
    _execute_all(TRIGGERS[op.get_bind().dialect.name])


def downgrade() -> None:
    _execute_all(TRIGGER_DROPS[op.get_bind().dialect.name])
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('shortfalls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shortfalls_household_id'))
        batch_op.drop_index(batch_op.f('ix_shortfalls_batch_id'))

    op.drop_table('shortfalls')
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_items_household_id'))
        batch_op.drop_index(batch_op.f('ix_payment_items_batch_id'))

    op.drop_table('payment_items')
    with op.batch_alter_table('batch_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_approvals_batch_id'))

    op.drop_table('batch_approvals')
    with op.batch_alter_table('bank_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_files_batch_id'))

    op.drop_table('bank_files')
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipts_received_on'))
        batch_op.drop_index(batch_op.f('ix_receipts_household_id'))

    op.drop_table('receipts')
    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_batches_execution_date'))

    op.drop_table('payment_batches')
    with op.batch_alter_table('ledger_postings', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_postings_transaction')
        batch_op.drop_index('ix_ledger_postings_account_transaction')
        batch_op.drop_index('ix_ledger_postings_account_date')

    op.drop_table('ledger_postings')
    op.drop_table('fixed_cost_amounts')
    with op.batch_alter_table('advances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_advances_household_id'))

    op.drop_table('advances')
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signals_state'))
        batch_op.drop_index(batch_op.f('ix_signals_household_id'))

    op.drop_table('signals')
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_persons_household_id'))
        batch_op.drop_index(batch_op.f('ix_persons_bsn'))

    op.drop_table('persons')
    with op.batch_alter_table('ledger_transactions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_transactions_household_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_transactions_business_date'))

    op.drop_table('ledger_transactions')
    op.drop_table('ledger_accounts')
    with op.batch_alter_table('fixed_costs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fixed_costs_household_id'))
        batch_op.drop_index(batch_op.f('ix_fixed_costs_creditor_id'))

    op.drop_table('fixed_costs')
    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extension_requests_status'))
        batch_op.drop_index(batch_op.f('ix_extension_requests_household_id'))

    op.drop_table('extension_requests')
    with op.batch_alter_table('expected_incomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expected_incomes_household_id'))

    op.drop_table('expected_incomes')
    op.drop_table('user_roles')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_status'))
        batch_op.drop_index(batch_op.f('ix_households_period_end'))
        batch_op.drop_index(batch_op.f('ix_households_caseworker_id'))

    op.drop_table('households')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('scheduler_leases')
    op.drop_table('job_runs')
    op.drop_table('creditors')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))

    op.drop_table('audit_entries')
    # ### end Alembic commands ###
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.schema.DropSequence(sa.Sequence("ledger_transaction_id_seq")))
