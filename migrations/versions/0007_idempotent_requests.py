"""Requests that create, remembered per (actor, key) so a retry has one effect (issue 17)

Revision ID: 0007_idempotent_requests
Revises: 0006_bank_line_reversals
Create Date: 2026-12-03 13:55:47.459195
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007_idempotent_requests'
down_revision: str | None = '0006_bank_line_reversals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('idempotent_requests',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('key', sa.String(length=210), nullable=False),
    sa.Column('target', sa.String(length=300), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_requests')),
    sa.UniqueConstraint('actor', 'key', name=op.f('uq_idempotent_requests_actor_key'))
    )


def downgrade() -> None:
    op.drop_table('idempotent_requests')
