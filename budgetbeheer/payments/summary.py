"""A batch's sums, computed once per state of the batch and kept (issue 16): the batch page and the API's batch read
them instead of summing a run's 100,000 items on every view.

What is kept (:class:`~budgetbeheer.tables.payments.BatchSummary`): the totals by kind, the creditor payments by
creditor and IBAN (the rows :func:`~budgetbeheer.payments.payees.totals_by_payee` flags; the flags themselves are
derived on every view, as a creditor's stored name flag may change without the batch changing), the 200 largest
changes against the previous month and how many households changed, and how many items, held items and shortfalls
the batch has. These change only when an item's status changes (approve, cancel, withdraw, settle, return: each
raises the batch's ``items_version`` in its own transaction, :func:`~budgetbeheer.payments.batches.items_changed`),
or, for the changes, when a batch of the previous calendar month changes or is prepared. So the summary is keyed by
``state_key``: the ids and ``items_version`` of the batch and of the previous month's batches, read in one query. A
view that finds the key it reads uses the summary; otherwise it computes the sums directly, as before, and keeps
them (an upsert: two views at once write the same thing). Computed from an older state than the key it is kept under
is impossible: the key is read first and a batch's items only change together with a new version.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from budgetbeheer.db.base import utcnow
from budgetbeheer.domain.period import add_months
from budgetbeheer.payments.batches import all_changes_against_previous_month, totals_by
from budgetbeheer.payments.payees import PayeeRow, payee_rows
from budgetbeheer.tables.payments import BatchSummary, PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.tables.states import ItemStatus

CHANGES_KEPT = 200
"""The largest changes against the previous month the page shows (and the summary keeps)."""


@dataclass(frozen=True)
class Sums:
    """A batch's sums for its page, kept or computed."""

    items: int
    """Items not held (the page's list "Alle betalingen")."""
    held: int
    shortfalls: int
    by_kind: list[tuple[str, int, int]]
    payees: list[PayeeRow]
    changes: list[dict[str, int]]
    changed_households: int
    kept: bool = False
    """True when read from the kept summary, False when computed by this call."""


def state_key(session: Session, batch: PaymentBatch) -> str:
    """``id:version`` of the batch and of every batch of the previous calendar month, by id."""
    month_start = batch.execution_date.replace(day=1)
    previous_start = add_months(month_start, -1)
    rows = session.execute(
        select(PaymentBatch.id, PaymentBatch.items_version).where(or_(
            PaymentBatch.id == batch.id,
            and_(PaymentBatch.execution_date >= previous_start, PaymentBatch.execution_date < month_start),
        )).order_by(PaymentBatch.id)
    ).all()
    return ";".join(f"{batch_id}:{version}" for batch_id, version in rows)


def compute(session: Session, batch: PaymentBatch) -> Sums:
    """The sums straight from the items (what a kept summary must equal)."""
    not_held = session.scalar(select(func.count(PaymentItem.id)).where(
        PaymentItem.batch_id == batch.id, PaymentItem.status != ItemStatus.HELD)) or 0
    held = session.scalar(select(func.count(PaymentItem.id)).where(
        PaymentItem.batch_id == batch.id, PaymentItem.status == ItemStatus.HELD)) or 0
    shortfalls = session.scalar(select(func.count(Shortfall.id)).where(Shortfall.batch_id == batch.id)) or 0
    changes = all_changes_against_previous_month(session, batch)
    return Sums(items=int(not_held), held=int(held), shortfalls=int(shortfalls),
                by_kind=totals_by(session, batch.id, PaymentItem.kind), payees=payee_rows(session, batch.id),
                changes=changes[:CHANGES_KEPT], changed_households=len(changes))


def _read(session: Session, batch: PaymentBatch) -> tuple[str, Sums | None]:
    """The batch's present key, and its kept summary when it is of that key."""
    key = state_key(session, batch)
    row = session.execute(select(BatchSummary).where(BatchSummary.batch_id == batch.id)
                          .execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None or row.state_key != key:
        return key, None
    return key, Sums(items=row.items, held=row.held, shortfalls=row.shortfalls,
                     by_kind=[(str(k), int(c), int(t)) for k, c, t in row.by_kind],
                     payees=[PayeeRow(None if c is None else int(c), str(n), str(i), int(k), int(t))
                             for c, n, i, k, t in row.by_payee],
                     changes=[dict(c) for c in row.changes],
                     changed_households=row.changed_households, kept=True)


def kept(session: Session, batch: PaymentBatch) -> Sums | None:
    """The kept summary when it is of the batch's present state; None (nothing computed) otherwise."""
    return _read(session, batch)[1]


def sums(session: Session, batch: PaymentBatch) -> Sums:
    """The batch's sums: the kept summary when it is of the batch's present state, else computed and kept."""
    key, found = _read(session, batch)
    if found is not None:
        return found
    found = compute(session, batch)
    _keep(session, batch.id, key, found)
    return found


def _keep(session: Session, batch_id: int, key: str, found: Sums) -> None:
    values = {
        "batch_id": batch_id, "state_key": key, "items": found.items, "held": found.held,
        "shortfalls": found.shortfalls, "by_kind": [list(row) for row in found.by_kind],
        "by_payee": [list(row) for row in found.payees], "changes": found.changes,
        "changed_households": found.changed_households, "computed_at": utcnow(),
    }
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(BatchSummary).values(values)
    session.execute(statement.on_conflict_do_update(
        index_elements=[BatchSummary.batch_id],
        set_={name: statement.excluded[name] for name in values if name != "batch_id"},
    ))
