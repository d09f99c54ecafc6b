"""Writing a payment run: the batch row, then its items and shortfalls with one bulk insert per table.

The database guarantees exactly-once: one live batch per execution date (a UNIQUE ``active_execution_date``), one
live payment per obligation key; a run that loses a race for the date's batch gets the winner's batch instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.db.base import utcnow
from budgetbeheer.i18n import stored
from budgetbeheer.payments.batches import recount
from budgetbeheer.payments.runs.model import PlannedItem, PlannedShortfall, RunResult, msg_id_base
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.tables.states import BatchStatus


def _unchanged(value: Any) -> Any:
    return value


_ITEM_COLUMNS = ("batch_id", "end_to_end_id", *PlannedItem._fields, "reason_id", "reason_params")
_SHORTFALL_COLUMNS = ("batch_id", *PlannedShortfall._fields, "reason_id", "reason_params")
_ITEM_DUE_DATE = PlannedItem._fields.index("due_date")
_SHORTFALL_DUE_DATE = PlannedShortfall._fields.index("due_date")


def _bulk_insert(session: Session, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert ``rows`` (tuples in the order of ``columns``) in the session's transaction, the cheapest way the driver
    offers: ``COPY ... FROM STDIN`` on PostgreSQL (psycopg), one ``executemany`` of the bare statement on SQLite. Every
    constraint and trigger applies as with ``INSERT``; SQLAlchemy's per-row parameter processing is skipped, so the
    values must already be what the driver takes (dates as ISO text on SQLite, as SQLAlchemy stores them there: see
    :func:`insert_items`)."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        driver = cast(Any, connection.connection.driver_connection)
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["?" if connection.dialect.paramstyle == "qmark" else "%s"] * len(columns))
    # the table and column names are this module's own constants; every value is a bound parameter
    connection.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # nosec B608


def _reason_id(reason: str) -> tuple[str | None, str | None]:
    """The reason's message id and its parameters as JSON text (the raw insert skips SQLAlchemy's JSON type), when
    the reason was made as a :class:`~budgetbeheer.i18n.Said`; else ``(None, None)``."""
    _dutch, msgid, params = stored(reason)
    return (msgid, json.dumps(params, ensure_ascii=False)) if msgid else (None, None)


def insert_items(session: Session, batch: PaymentBatch, result: RunResult) -> None:
    """Write the planned items and shortfalls of ``batch``.

    EndToEndId is ``<MsgId base>-<number in the batch>``, the number zero-padded to six digits so that the ids of a
    batch sort in the order they are written (each lands at the end of the UNIQUE index instead of all over it); at
    most 27 + 1 + 7 characters, within the 35 the bank allows."""
    start = int(
        session.scalar(select(func.count(PaymentItem.id)).where(PaymentItem.batch_id == batch.id)) or 0
    )
    base, batch_id = batch.msg_id_base, batch.id
    day: Callable[[Any], Any] = date.isoformat if session.connection().dialect.name == "sqlite" else _unchanged
    at = _ITEM_DUE_DATE
    items = [
        (batch_id, f"{base}-{number:06d}", *item[:at], day(item[at]), *item[at + 1 :], *_reason_id(item.reason))
        for number, item in enumerate(result.items, start=start + 1)
    ]
    _bulk_insert(session, PaymentItem.__tablename__, _ITEM_COLUMNS, items)
    at = _SHORTFALL_DUE_DATE
    shortfalls = [(batch_id, *row[:at], day(row[at]), *row[at + 1 :], *_reason_id(row.reason))
                  for row in result.shortfalls]
    _bulk_insert(session, Shortfall.__tablename__, _SHORTFALL_COLUMNS, shortfalls)


def refresh_totals(session: Session, batch: PaymentBatch, settings: Settings) -> None:
    recount(session, batch)
    batch.required_approvals = 2 if batch.total_cents > settings.approval_threshold_cents else 1


def new_batch(session: Session, actor: Actor, execution_date: date, settings: Settings) -> PaymentBatch | None:
    """Insert the batch row in a savepoint; None when another live batch for the date won the race."""
    batch = PaymentBatch(
        execution_date=execution_date,
        active_execution_date=execution_date,
        status=BatchStatus.PROPOSED,
        prepared_by=actor.name,
        prepared_by_user_id=actor.user_id,
        prepared_at=utcnow(),
        total_cents=0,
        item_count=0,
        required_approvals=1,
        pain_version=settings.pain001_version,
    )
    try:
        with session.begin_nested():
            session.add(batch)
            session.flush()
            batch.msg_id_base = msg_id_base(batch.id, execution_date)
            session.flush()
    except IntegrityError:
        return None
    return batch

