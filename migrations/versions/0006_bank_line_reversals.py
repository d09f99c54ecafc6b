"""A bank line may be matched to another bank line (a reversal, RvslInd, that undid it)

Revision ID: 0006_bank_line_reversals
Revises: 0005_income_match_rules
Create Date: 2026-12-03 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0006_bank_line_reversals'
down_revision: str | None = '0005_income_match_rules'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = ("matched_type IS NULL OR (matched_type = 'item' OR matched_type = 'batch' OR matched_type = 'receipt' OR "
       "matched_type = 'return' OR matched_type = 'account')")
NEW = ("matched_type IS NULL OR (matched_type = 'item' OR matched_type = 'batch' OR matched_type = 'receipt' OR "
       "matched_type = 'return' OR matched_type = 'account' OR matched_type = 'line')")


def upgrade() -> None:
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_bank_lines_matched_type'), type_='check')
        batch_op.create_check_constraint('matched_type', NEW)


def downgrade() -> None:
    with op.batch_alter_table('bank_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_bank_lines_matched_type'), type_='check')
        batch_op.create_check_constraint('matched_type', OLD)
