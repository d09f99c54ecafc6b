"""Corrections after intake: persons with their own period and leaving, fixed costs and expected income replaced
from a date (history as a chain), income frequency, receipts rebooked, leefgeld changes from a later date

Revision ID: 0012_corrections
Revises: 0011_scheduler_job_table
Create Date: 2026-12-03 16:52:53.587868
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012_corrections'
down_revision: str | None = '0011_scheduler_job_table'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('leefgeld_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('leefgeld_frequency', sa.String(length=16), nullable=False),
    sa.Column('leefgeld_day', sa.Integer(), nullable=False),
    sa.Column('buffer_cents', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("leefgeld_frequency = 'weekly' OR leefgeld_frequency = 'monthly'", name=op.f('ck_leefgeld_changes_change_frequency')),
    sa.CheckConstraint('buffer_cents >= 0', name=op.f('ck_leefgeld_changes_change_buffer')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_leefgeld_changes_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leefgeld_changes'))
    )
    with op.batch_alter_table('leefgeld_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leefgeld_changes_effective_from'), ['effective_from'], unique=False)
        batch_op.create_index(batch_op.f('ix_leefgeld_changes_household_id'), ['household_id'], unique=False)

    with op.batch_alter_table('expected_incomes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frequency', sa.String(length=16), server_default='monthly', nullable=False))
        batch_op.add_column(sa.Column('replaces_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_expected_incomes_replaces_id'), ['replaces_id'])
        batch_op.create_foreign_key(batch_op.f('fk_expected_incomes_replaces_id_expected_incomes'), 'expected_incomes', ['replaces_id'], ['id'])
        batch_op.create_check_constraint(
            batch_op.f('ck_expected_incomes_income_frequency'),
            "frequency = 'weekly' OR frequency = 'four_weekly' OR frequency = 'monthly' OR frequency = 'quarterly' "
            "OR frequency = 'yearly'")

    with op.batch_alter_table('fixed_costs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_fixed_costs_replaces_id'), ['replaces_id'])
        batch_op.create_foreign_key(batch_op.f('fk_fixed_costs_replaces_id_fixed_costs'), 'fixed_costs', ['replaces_id'], ['id'])

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('period_end', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('left_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('leave_reason', sa.Text(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_persons_person_period'),
            'period_end IS NULL OR period_start IS NULL OR period_end >= period_start')

    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_extension_requests_person_id_persons'), 'persons', ['person_id'], ['id'])

    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rebooked_from_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('reversal_transaction_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('rebook_reason', sa.Text(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_receipts_rebooked_from_id'), ['rebooked_from_id'])
        batch_op.create_foreign_key(batch_op.f('fk_receipts_reversal_transaction_id_ledger_transactions'), 'ledger_transactions', ['reversal_transaction_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_receipts_rebooked_from_id_receipts'), 'receipts', ['rebooked_from_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('extension_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_extension_requests_person_id_persons'), type_='foreignkey')
        batch_op.drop_column('person_id')

    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_receipts_rebooked_from_id_receipts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_receipts_reversal_transaction_id_ledger_transactions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_receipts_rebooked_from_id'), type_='unique')
        batch_op.drop_column('rebook_reason')
        batch_op.drop_column('reversal_transaction_id')
        batch_op.drop_column('rebooked_from_id')

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_persons_person_period'), type_='check')
        batch_op.drop_column('leave_reason')
        batch_op.drop_column('left_on')
        batch_op.drop_column('period_end')
        batch_op.drop_column('period_start')

    with op.batch_alter_table('fixed_costs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_fixed_costs_replaces_id_fixed_costs'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_fixed_costs_replaces_id'), type_='unique')
        batch_op.drop_column('replaces_id')

    with op.batch_alter_table('expected_incomes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_expected_incomes_replaces_id_expected_incomes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_expected_incomes_income_frequency'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_expected_incomes_replaces_id'), type_='unique')
        batch_op.drop_column('replaces_id')
        batch_op.drop_column('frequency')

    with op.batch_alter_table('leefgeld_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leefgeld_changes_household_id'))
        batch_op.drop_index(batch_op.f('ix_leefgeld_changes_effective_from'))

    op.drop_table('leefgeld_changes')
