"""Unpaid instalments (achterstanden): one definition for the accountability report, the handover, the household
figures and the shortfall signals.

An *instalment* is one due date of one fixed cost: the obligation ``fc:<fixed cost>:<due date>``
(:func:`~budgetbeheer.payments.runs.model.fixed_cost_key`).

- It **fell short** when a payment run of a batch that was not cancelled recorded a shortfall for it (the balance
  did not cover it). A daily run records the same instalment again every day until it is paid: here it counts once.
- It is **unpaid** (in arrears) while no *live payment* exists for it: no payment item carries its obligation key.
  An item is live while it is proposed, approved or settled; a held, cancelled or returned item has given its key up,
  so the instalment is unpaid again.
- It was **paid late** when a later run paid it: its live payment's batch, executed on ``paid_on``. Whether that money
  has left the household's funds yet is ``payment_booked`` (the batch was approved: the item is approved or settled).
- Its **attempt** (:func:`attempts`) counts the situations: 1, plus one for every payment of it that left the funds
  (its batch was approved) and was undone (returned by the bank, or its approved batch cancelled) before the latest
  run that could not pay it. A payment that comes back and then falls short again is a new situation; a run that
  finds the same instalment short again the next day is not.

:func:`short_instalments` reads them (per household or for all, up to a date); :func:`summarise` splits them for a
range into "paid late in the range" and "still unpaid at the end of the range", each instalment once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from budgetbeheer.payments.runs.model import fixed_cost_key
from budgetbeheer.tables.households import Creditor, FixedCost
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.tables.states import ITEM_BOOKED, BatchStatus, ItemStatus

BOOKED_ITEM_STATUSES = ITEM_BOOKED
"""A live payment in one of these states has left the household's funds (its batch was approved)."""
_CHUNK = 900
"""Keys per ``IN (...)``: under SQLite's limit of bound parameters on old builds."""


def obligation_key(fixed_cost_id: int, due: date) -> str:
    """The obligation key of an instalment, as the payment run writes it (``fc:<ten digits>:<date>``)."""
    return fixed_cost_key(fixed_cost_id, due)


@dataclass(frozen=True, slots=True)
class ShortInstalment:
    """An instalment that a run could not pay, once, with how it ended.

    ``amount_cents`` is the amount of the latest shortfall recorded for it (the amount in force on its due date).
    ``first_short_on``/``last_short_on`` are the execution dates of the first and the latest run that could not pay
    it; ``runs_short`` how many runs recorded it. ``paid_*`` describe its live payment, ``None`` while it is unpaid.
    """

    household_id: int
    fixed_cost_id: int
    category: str
    due_date: date
    amount_cents: int
    creditor_id: int | None
    creditor_name: str
    creditor_iban: str
    reference: str | None
    first_short_on: date
    last_short_on: date
    runs_short: int
    paid_item_id: int | None = None
    paid_batch_id: int | None = None
    paid_on: date | None = None
    """The execution date of the batch that pays (or paid) it."""
    paid_status: str | None = None
    """The live payment's item status: proposed, approved or settled."""

    @property
    def key(self) -> str:
        return obligation_key(self.fixed_cost_id, self.due_date)

    @property
    def unpaid(self) -> bool:
        """No live payment exists for it (now)."""
        return self.paid_item_id is None

    @property
    def payment_booked(self) -> bool:
        """A later run paid it and that batch was approved: the money has left the household's funds."""
        return self.paid_status in BOOKED_ITEM_STATUSES

    def unpaid_on(self, day: date) -> bool:
        """Unpaid at the end of ``day``: it had fallen short by then and no run executed by then had paid it."""
        return self.first_short_on <= day and (self.paid_on is None or self.paid_on > day)

    def unpaid_during(self, start: date, end: date) -> bool:
        """Unpaid at some moment in ``[start, end]``: fallen short by ``end`` and not paid before ``start``."""
        return self.first_short_on <= end and (self.paid_on is None or self.paid_on >= start)

    def paid_late_in(self, start: date, end: date) -> bool:
        return self.paid_on is not None and start <= self.paid_on <= end


def short_instalments(
    session: Session,
    *,
    household_id: int | None = None,
    household_ids: Sequence[int] | None = None,
    through: date | None = None,
    due_from: date | None = None,
) -> list[ShortInstalment]:
    """Every instalment that a run (of a batch not cancelled, executed on or before ``through``) could not pay,
    once each, with its live payment if one exists now. Ordered by household, due date, fixed cost.

    ``household_id``/``household_ids`` limit it to those households, ``due_from`` to instalments due on or after it.
    The distinct instalments are found by the database (GROUP BY fixed cost and due date), their live payments by the
    UNIQUE obligation key, so a quarter of daily runs costs one row per instalment, not one per run.
    """
    grouped = (
        select(
            Shortfall.fixed_cost_id.label("fixed_cost_id"),
            Shortfall.due_date.label("due_date"),
            func.min(PaymentBatch.execution_date).label("first_short_on"),
            func.max(PaymentBatch.execution_date).label("last_short_on"),
            func.count(Shortfall.id).label("runs_short"),
            func.max(Shortfall.id).label("last_id"),
        )
        .join(PaymentBatch, PaymentBatch.id == Shortfall.batch_id)
        .where(PaymentBatch.status != BatchStatus.CANCELLED)
        .group_by(Shortfall.fixed_cost_id, Shortfall.due_date)
    )
    if household_id is not None:
        grouped = grouped.where(Shortfall.household_id == household_id)
    if household_ids is not None:
        grouped = grouped.where(Shortfall.household_id.in_(list(household_ids)))
    if through is not None:
        grouped = grouped.where(PaymentBatch.execution_date <= through)
    if due_from is not None:
        grouped = grouped.where(Shortfall.due_date >= due_from)
    g = grouped.subquery()
    latest = Shortfall.__table__.alias("latest")
    rows = session.execute(
        select(
            latest.c.household_id, g.c.fixed_cost_id, latest.c.category, g.c.due_date, latest.c.amount_cents,
            FixedCost.creditor_id, Creditor.name, Creditor.iban, FixedCost.reference, g.c.first_short_on,
            g.c.last_short_on, g.c.runs_short,
        )
        .select_from(g)
        .join(latest, latest.c.id == g.c.last_id)
        .join(FixedCost, FixedCost.id == g.c.fixed_cost_id)
        .outerjoin(Creditor, Creditor.id == FixedCost.creditor_id)
        .order_by(latest.c.household_id, g.c.due_date, g.c.fixed_cost_id)
    ).all()
    found = [
        ShortInstalment(int(hid), int(fid), str(category), _date(due), int(cents), creditor_id, name or "",
                        iban or "", reference, _date(first), _date(last), int(runs))
        for hid, fid, category, due, cents, creditor_id, name, iban, reference, first, last, runs in rows
    ]
    payments = live_payments(session, [row.key for row in found])
    result = []
    for row in found:
        payment = payments.get(row.key)
        if payment is None:
            result.append(row)
        else:
            item_id, batch_id, paid_on, status = payment
            result.append(_with_payment(row, item_id, batch_id, paid_on, status))
    return result


def live_payments(session: Session, keys: Iterable[str]) -> dict[str, tuple[int, int, date, str]]:
    """``obligation key -> (item, batch, execution date, item status)`` of the live payment of each key that has one."""
    wanted = sorted(set(keys))
    found: dict[str, tuple[int, int, date, str]] = {}
    for start in range(0, len(wanted), _CHUNK):
        for key, item_id, batch_id, execution_date, status in session.execute(
            select(PaymentItem.obligation_key, PaymentItem.id, PaymentItem.batch_id, PaymentBatch.execution_date,
                   PaymentItem.status)
            .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
            .where(PaymentItem.obligation_key.in_(wanted[start:start + _CHUNK]))
        ):
            found[str(key)] = (int(item_id), int(batch_id), _date(execution_date), str(status))
    return found


def _with_payment(row: ShortInstalment, item_id: int, batch_id: int, paid_on: date, status: str) -> ShortInstalment:
    return ShortInstalment(
        row.household_id, row.fixed_cost_id, row.category, row.due_date, row.amount_cents, row.creditor_id,
        row.creditor_name, row.creditor_iban, row.reference, row.first_short_on, row.last_short_on, row.runs_short,
        item_id, batch_id, paid_on, status,
    )


def _date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def attempts(session: Session, rows: Sequence[ShortInstalment]) -> dict[str, int]:
    """Per obligation key of ``rows``, which attempt its latest shortfall belongs to: 1 + the number of its payments
    that were booked (the batch was approved) and undone (returned, or the approved batch cancelled) in batches
    executed before the latest run that recorded it short. One query over the payments of the rows' households."""
    wanted = {(row.fixed_cost_id, row.due_date): row for row in rows}
    result = {row.key: 1 for row in rows}
    if not wanted:
        return result
    households = sorted({row.household_id for row in rows})
    undone = or_(PaymentItem.status == ItemStatus.RETURNED,
                 and_(PaymentItem.status == ItemStatus.CANCELLED, PaymentBatch.approval_transaction_id.is_not(None)))
    for start in range(0, len(households), _CHUNK):
        for fixed_cost_id, due, executed in session.execute(
            select(PaymentItem.fixed_cost_id, PaymentItem.due_date, PaymentBatch.execution_date)
            .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
            .where(PaymentItem.household_id.in_(households[start:start + _CHUNK]),
                   PaymentItem.fixed_cost_id.is_not(None), undone)
        ):
            row = wanted.get((int(fixed_cost_id or 0), _date(due)))
            if row is not None and _date(executed) < row.last_short_on:
                result[row.key] += 1
    return result


def unpaid(rows: Iterable[ShortInstalment]) -> list[ShortInstalment]:
    """The instalments still unpaid now."""
    return [row for row in rows if row.unpaid]


# --------------------------------------------------------------------------------------------------- counting a range


@dataclass(frozen=True, slots=True)
class Count:
    count: int = 0
    amount_cents: int = 0

    @classmethod
    def of(cls, rows: Iterable[ShortInstalment]) -> Count:
        chosen = list(rows)
        return cls(len(chosen), sum(row.amount_cents for row in chosen))


@dataclass(frozen=True, slots=True)
class ArrearsSummary:
    """The unpaid instalments of a range ``[start, end]``, each counted once.

    ``unpaid_during`` = every instalment that was unpaid at some moment in the range (fell short by ``end``, not paid
    before ``start``); it splits exactly into ``paid_late`` (a run executed in the range paid it) and
    ``unpaid_at_end`` (no run executed by ``end`` had paid it). ``paid_late`` adds up over months; ``unpaid_at_end``
    is a stock at the end of each month, so the range's figure is its last month's, not their sum.
    """

    unpaid_during: Count
    paid_late: Count
    unpaid_at_end: Count


def summarise(rows: Iterable[ShortInstalment], start: date, end: date) -> ArrearsSummary:
    inside = [row for row in rows if row.unpaid_during(start, end)]
    return ArrearsSummary(
        Count.of(inside),
        Count.of(row for row in inside if row.paid_late_in(start, end)),
        Count.of(row for row in inside if row.unpaid_on(end)),
    )


def in_range(rows: Iterable[ShortInstalment], start: date, end: date) -> list[ShortInstalment]:
    """The instalments that were unpaid at some moment in ``[start, end]``."""
    return [row for row in rows if row.unpaid_during(start, end)]
