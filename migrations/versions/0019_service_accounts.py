"""Service accounts: machine clients with only the permissions they were given, never a role (issue 14)

Revision ID: 0019_service_accounts
Revises: 0018_totp_and_oidc
Create Date: 2026-12-04 02:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019_service_accounts'
down_revision: str | None = '0018_totp_and_oidc'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_service_account', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'service_permissions',
        sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('permission', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_service_permissions_user_id_users')),
        sa.PrimaryKeyConstraint('user_id', 'permission', name=op.f('pk_service_permissions')),
    )


def downgrade() -> None:
    op.drop_table('service_permissions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_service_account')
