"""An index for the signals inbox: open (or done) signals newest first (issue 16)

Revision ID: 0015_signals_inbox_index
Revises: 0014_bank_lines_one_index_less
Create Date: 2026-12-03 17:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op


revision: str = '0015_signals_inbox_index'
down_revision: str | None = '0014_bank_lines_one_index_less'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_signals_state_created_at', 'signals', ['state', 'created_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_signals_state_created_at', table_name='signals')
