"""Payee controls (issue 14, finding 4): a creditor is pending until finance confirms it, with who added it, why
its name was flagged and who decided. Every creditor already in the register is confirmed.

Revision ID: 0017_payee_controls
Revises: 0016_teams
Create Date: 2026-12-04 01:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017_payee_controls'
down_revision: str | None = '0016_teams'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('creditors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('added_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('added_by_user_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('name_flag', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sa.Text(), nullable=True))
    # The register as it was is confirmed: finance kept it before this control existed.
    op.execute("UPDATE creditors SET status = 'confirmed'")
    with op.batch_alter_table('creditors', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_check_constraint(
            batch_op.f('ck_creditors_creditor_status'), "status = 'pending' OR status = 'confirmed' OR status = 'rejected'")
        batch_op.create_index(batch_op.f('ix_creditors_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('creditors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creditors_status'))
        batch_op.drop_constraint(batch_op.f('ck_creditors_creditor_status'), type_='check')
        batch_op.drop_column('decision_reason')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('name_flag')
        batch_op.drop_column('added_by_user_id')
        batch_op.drop_column('added_by')
        batch_op.drop_column('status')
