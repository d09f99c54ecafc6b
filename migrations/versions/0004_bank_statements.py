"""Bank statements, their lines, status reports

Revision ID: 0004_bank_statements
Revises: 0003_creditor_address
Create Date: 2026-12-03 11:47:41.302347
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004_bank_statements'
down_revision: str | None = '0003_creditor_address'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bank_imports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('imported_by', sa.String(length=120), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'statement' OR kind = 'status_report'", name=op.f('ck_bank_imports_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_imports')),
    sa.UniqueConstraint('sha256', name=op.f('uq_bank_imports_sha256'))
    )
    op.create_table('bank_statements',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('import_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('message_kind', sa.String(length=20), nullable=False),
    sa.Column('account_iban', sa.String(length=34), nullable=False),
    sa.Column('statement_id', sa.String(length=70), nullable=False),
    sa.Column('sequence_number', sa.BigInteger(), nullable=True),
    sa.Column('from_date', sa.Date(), nullable=True),
    sa.Column('to_date', sa.Date(), nullable=True),
    sa.Column('opening_balance_cents', sa.BigInteger(), nullable=True),
    sa.Column('closing_balance_cents', sa.BigInteger(), nullable=True),
    sa.Column('closing_date', sa.Date(), nullable=True),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('credits_cents', sa.BigInteger(), nullable=False),
    sa.Column('debits_cents', sa.BigInteger(), nullable=False),
    sa.Column('ledger_bank_balance_cents', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['import_id'], ['bank_imports.id'], name=op.f('fk_bank_statements_import_id_bank_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statements')),
    sa.UniqueConstraint('account_iban', 'statement_id', name=op.f('uq_bank_statements_account_iban_statement_id'))
    )
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_statements_closing_date'), ['closing_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_statements_import_id'), ['import_id'], unique=False)

    op.create_table('bank_status_reports',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('import_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('message_id', sa.String(length=70), nullable=False),
    sa.Column('original_message_id', sa.String(length=70), nullable=False),
    sa.Column('group_status', sa.String(length=8), nullable=True),
    sa.Column('rejected_items', sa.Integer(), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('unknown', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['bank_imports.id'], name=op.f('fk_bank_status_reports_import_id_bank_imports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_status_reports')),
    sa.UniqueConstraint('message_id', name=op.f('uq_bank_status_reports_message_id'))
    )
    with op.batch_alter_table('bank_status_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_status_reports_import_id'), ['import_id'], unique=False)

    op.create_table('bank_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('statement_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('booking_date', sa.Date(), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('counterparty_name', sa.String(length=140), nullable=True),
    sa.Column('counterparty_iban', sa.String(length=34), nullable=True),
    sa.Column('remittance', sa.Text(), nullable=False),
    sa.Column('end_to_end_id', sa.String(length=70), nullable=True),
    sa.Column('bank_reference', sa.String(length=70), nullable=True),
    sa.Column('payment_information_id', sa.String(length=70), nullable=True),
    sa.Column('return_reason', sa.String(length=8), nullable=True),
    sa.Column('reversal', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('matched_type', sa.String(length=16), nullable=True),
    sa.Column('matched_id', sa.String(length=70), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('ledger_transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('assigned_by', sa.String(length=120), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("matched_type IS NULL OR (matched_type = 'item' OR matched_type = 'batch' OR matched_type = 'receipt' OR matched_type = 'return' OR matched_type = 'account')", name=op.f('ck_bank_lines_matched_type')),
    sa.CheckConstraint("state = 'unmatched' OR state = 'matched' OR state = 'assigned'", name=op.f('ck_bank_lines_state')),
    sa.ForeignKeyConstraint(['ledger_transaction_id'], ['ledger_transactions.id'], name=op.f('fk_bank_lines_ledger_transaction_id_ledger_transactions')),
    sa.ForeignKeyConstraint(['statement_id'], ['bank_statements.id'], name=op.f('fk_bank_lines_statement_id_bank_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_lines')),
    sa.UniqueConstraint('statement_id', 'position', name=op.f('uq_bank_lines_statement_id_position'))
    )
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_lines_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_lines_statement_id'), ['statement_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_lines_statement_id'))
        batch_op.drop_index(batch_op.f('ix_bank_lines_state'))

    op.drop_table('bank_lines')
    with op.batch_alter_table('bank_status_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_status_reports_import_id'))

    op.drop_table('bank_status_reports')
    with op.batch_alter_table('bank_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_statements_import_id'))
        batch_op.drop_index(batch_op.f('ix_bank_statements_closing_date'))

    op.drop_table('bank_statements')
    op.drop_table('bank_imports')
