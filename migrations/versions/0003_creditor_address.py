"""Creditors get a structured address (pain.001.001.09 PstlAdr: street, number, postal code, town, country)

Revision ID: 0003_creditor_address
Revises: 0002_iban_holds
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003_creditor_address'
down_revision: str | None = '0002_iban_holds'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('creditors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('street_name', sa.String(length=70), nullable=True))
        batch_op.add_column(sa.Column('building_number', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('postal_code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('town_name', sa.String(length=35), nullable=True))
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('creditors', schema=None) as batch_op:
        batch_op.drop_column('country')
        batch_op.drop_column('town_name')
        batch_op.drop_column('postal_code')
        batch_op.drop_column('building_number')
        batch_op.drop_column('street_name')
