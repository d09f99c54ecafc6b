"""Each bank file keeps its payment-information blocks as written (issue 12)

Revision ID: 0008_bank_file_blocks
Revises: 0007_idempotent_requests
Create Date: 2026-12-03 15:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008_bank_file_blocks'
down_revision: str | None = '0007_idempotent_requests'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('bank_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocks_json', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('bank_files', schema=None) as batch_op:
        batch_op.drop_column('blocks_json')
