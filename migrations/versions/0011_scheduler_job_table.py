"""APScheduler's job table made by the migrations, not by APScheduler at start-up (two schedulers starting at once
both ran CREATE TABLE and the loser exited). A database where APScheduler already made it keeps it as it is.

Revision ID: 0011_scheduler_job_table
Revises: 0010_hot_items_statement_checks
Create Date: 2026-12-03 17:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_scheduler_job_table'
down_revision: str | None = '0010_hot_items_statement_checks'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("apscheduler_jobs"):
        return
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apscheduler_jobs")),
    )
    with op.batch_alter_table("apscheduler_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apscheduler_jobs_next_run_time"), ["next_run_time"], unique=False)


def downgrade() -> None:
    op.drop_table("apscheduler_jobs")
