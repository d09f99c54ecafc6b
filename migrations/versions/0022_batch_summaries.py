"""A batch's page sums kept per state of the batch (issue 16): payment_batches.items_version, raised with every
change of an item's status, and batch_summaries, the sums computed once for one version of the batch and of the
previous month's batches; a batch's items indexed by (batch, id) and (batch, household, id) for their pages

Revision ID: 0022_batch_summaries
Revises: 0021_audit_pending
Create Date: 2026-12-04 19:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0022_batch_summaries'
down_revision: str | None = '0021_audit_pending'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('items_version', sa.Integer(), server_default='0', nullable=False))
    # A page of a batch's items straight from an index: by id (the API) and by household (the batch page). The
    # index on batch_id alone is the first column of both, so it goes. No index has status in it: an item's status
    # changes stay HOT updates (0010).
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.create_index('ix_payment_items_batch_id_id', ['batch_id', 'id'], unique=False)
        batch_op.create_index('ix_payment_items_batch_household', ['batch_id', 'household_id', 'id'], unique=False)
        batch_op.drop_index('ix_payment_items_batch_id')
    op.create_table(
        'batch_summaries',
        sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('state_key', sa.Text(), nullable=False),
        sa.Column('items', sa.Integer(), nullable=False),
        sa.Column('held', sa.Integer(), nullable=False),
        sa.Column('shortfalls', sa.Integer(), nullable=False),
        sa.Column('by_kind', sa.JSON(), nullable=False),
        sa.Column('by_payee', sa.JSON(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('changed_households', sa.Integer(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['payment_batches.id'],
                                name=op.f('fk_batch_summaries_batch_id_payment_batches')),
        sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_batch_summaries')),
    )


def downgrade() -> None:
    op.drop_table('batch_summaries')
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.create_index('ix_payment_items_batch_id', ['batch_id'], unique=False)
        batch_op.drop_index('ix_payment_items_batch_household')
        batch_op.drop_index('ix_payment_items_batch_id_id')
    with op.batch_alter_table('payment_batches', schema=None) as batch_op:
        batch_op.drop_column('items_version')
