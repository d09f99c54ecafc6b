"""bank_lines loses its index on statement_id alone: UNIQUE(statement_id, position) leads with that column and serves
every lookup by statement, so a statement's 100,000 lines are written with one index less

Revision ID: 0014_bank_lines_one_index_less
Revises: 0013_one_offs_and_advances
Create Date: 2026-12-03 18:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0014_bank_lines_one_index_less'
down_revision: str | None = '0013_one_offs_and_advances'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_lines_statement_id'))


def downgrade() -> None:
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_lines_statement_id'), ['statement_id'], unique=False)
