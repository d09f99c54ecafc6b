"""Audit entries wait in audit_pending until the sequencer chains them right after their transaction commits, so no
lock on the chain is held for the length of a business transaction (issue 17)

Revision ID: 0021_audit_pending
Revises: 0020_texts_with_ids
Create Date: 2026-12-04 19:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0021_audit_pending'
down_revision: str | None = '0020_texts_with_ids'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'audit_pending',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('written_by', sa.String(length=32), nullable=False),
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
        sa.Column('auth_method', sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_pending')),
    )
    with op.batch_alter_table('audit_pending', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_pending_written_by'), ['written_by'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_pending', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_pending_written_by'))
    op.drop_table('audit_pending')
