"""Signals' texts and payment items' reasons also stored as a message id with parameters, to be shown in the reader's
language (issue 15); rows from before keep their Dutch sentence only

Revision ID: 0020_texts_with_ids
Revises: 0019_service_accounts
Create Date: 2026-12-04 02:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0020_texts_with_ids'
down_revision: str | None = '0019_service_accounts'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_id', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('message_params', sa.JSON(), nullable=True))
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_id', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reason_params', sa.JSON(), nullable=True))
    with op.batch_alter_table('shortfalls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_id', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reason_params', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('shortfalls', schema=None) as batch_op:
        batch_op.drop_column('reason_params')
        batch_op.drop_column('reason_id')
    with op.batch_alter_table('payment_items', schema=None) as batch_op:
        batch_op.drop_column('reason_params')
        batch_op.drop_column('reason_id')
    with op.batch_alter_table('signals', schema=None) as batch_op:
        batch_op.drop_column('message_params')
        batch_op.drop_column('message_id')
