"""Matching rules per expected income

Revision ID: 0005_income_match_rules
Revises: 0004_bank_statements
Create Date: 2026-12-03 12:00:39.038001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005_income_match_rules'
down_revision: str | None = '0004_bank_statements'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('expected_incomes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payer_iban', sa.String(length=34), nullable=True))
        batch_op.add_column(sa.Column('match_words', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('amount_tolerance_cents', sa.BigInteger(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('expected_incomes', schema=None) as batch_op:
        batch_op.drop_column('amount_tolerance_cents')
        batch_op.drop_column('match_words')
        batch_op.drop_column('payer_iban')

