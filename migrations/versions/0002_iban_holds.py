"""IBAN holds after a return, four-eyes IBAN changes, households reopened for a payout

Revision ID: 0002_iban_holds
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002_iban_holds'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('iban_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('party', sa.String(length=16), nullable=False),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('creditor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('pending_key', sa.String(length=40), nullable=True),
    sa.Column('old_iban', sa.String(length=34), nullable=False),
    sa.Column('new_iban', sa.String(length=34), nullable=False),
    sa.Column('old_holder', sa.String(length=140), nullable=True),
    sa.Column('new_holder', sa.String(length=140), nullable=True),
    sa.Column('old_bic', sa.String(length=11), nullable=True),
    sa.Column('new_bic', sa.String(length=11), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposed_by', sa.String(length=120), nullable=False),
    sa.Column('proposed_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=120), nullable=True),
    sa.Column('decided_by_user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.CheckConstraint("(party = 'household' AND household_id IS NOT NULL AND creditor_id IS NULL) OR (party = 'creditor' AND creditor_id IS NOT NULL AND household_id IS NULL)", name=op.f('ck_iban_changes_payee')),
    sa.CheckConstraint("(status = 'pending') = (pending_key IS NOT NULL)", name=op.f('ck_iban_changes_pending_key')),
    sa.CheckConstraint("party = 'creditor' OR party = 'household'", name=op.f('ck_iban_changes_party')),
    sa.CheckConstraint("status = 'pending' OR status = 'confirmed' OR status = 'rejected'", name=op.f('ck_iban_changes_status')),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_iban_changes_creditor_id_creditors')),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['users.id'], name=op.f('fk_iban_changes_decided_by_user_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_iban_changes_household_id_households')),
    sa.ForeignKeyConstraint(['proposed_by_user_id'], ['users.id'], name=op.f('fk_iban_changes_proposed_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iban_changes')),
    sa.UniqueConstraint('pending_key', name=op.f('uq_iban_changes_pending_key'))
    )
    with op.batch_alter_table('iban_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iban_changes_creditor_id'), ['creditor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iban_changes_household_id'), ['household_id'], unique=False)

    op.create_table('iban_holds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('active_iban', sa.String(length=34), nullable=True),
    sa.Column('party', sa.String(length=16), nullable=False),
    sa.Column('creditor_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('household_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('payment_item_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reason_code', sa.String(length=8), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('held_by', sa.String(length=120), nullable=False),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lifted_by', sa.String(length=120), nullable=True),
    sa.Column('lifted_by_change_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('lift_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(party = 'creditor') = (creditor_id IS NOT NULL)", name=op.f('ck_iban_holds_creditor_party')),
    sa.CheckConstraint("party = 'creditor' OR party = 'household'", name=op.f('ck_iban_holds_party')),
    sa.CheckConstraint('active_iban IS NULL OR active_iban = iban', name=op.f('ck_iban_holds_active_iban')),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_iban_holds_creditor_id_creditors')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_iban_holds_household_id_households')),
    sa.ForeignKeyConstraint(['lifted_by_change_id'], ['iban_changes.id'], name=op.f('fk_iban_holds_lifted_by_change_id_iban_changes')),
    sa.ForeignKeyConstraint(['payment_item_id'], ['payment_items.id'], name=op.f('fk_iban_holds_payment_item_id_payment_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_iban_holds')),
    sa.UniqueConstraint('active_iban', name=op.f('uq_iban_holds_active_iban'))
    )
    with op.batch_alter_table('iban_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_iban_holds_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_iban_holds_iban'), ['iban'], unique=False)

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reopened_for_payout_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_column('reopened_for_payout_at')

    with op.batch_alter_table('iban_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iban_holds_iban'))
        batch_op.drop_index(batch_op.f('ix_iban_holds_household_id'))

    op.drop_table('iban_holds')
    with op.batch_alter_table('iban_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_iban_changes_household_id'))
        batch_op.drop_index(batch_op.f('ix_iban_changes_creditor_id'))

    op.drop_table('iban_changes')
