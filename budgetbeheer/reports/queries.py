"""The SQL behind the reports. Every figure is summed in the database (GROUP BY); long listings are read in pages.

Ranges are inclusive at both ends: ``[start, end]`` business dates. Timestamps (``recorded_at``, ``requested_at``,
``decided_at``) belong to the calendar day in the Netherlands (Europe/Amsterdam) on which they happened.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from budgetbeheer import clock
from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.db.base import UtcDateTime
from budgetbeheer.ledger.models import Account, Posting, Transaction
from budgetbeheer.tables.households import Household, Person, Receipt
from budgetbeheer.tables.lifecycle import ExtensionRequest
from budgetbeheer.tables.payments import Advance, AdvanceRecovery, PaymentBatch, PaymentItem
from budgetbeheer.tables.states import BATCH_PAID, ITEM_UNPAID, ExtensionStatus, ItemStatus, RecoveryKind

PAGE_SIZE = 5000

PAID_BATCH_STATUSES = BATCH_PAID
"""A batch in one of these states has sent (or is sending) its money to the bank."""
UNPAID_ITEM_STATUSES = ITEM_UNPAID
"""An item in one of these states did not pay anything (a returned item came back; it is counted as a return)."""


@dataclass(frozen=True)
class DateRange:
    """Business dates from ``start`` to ``end``, both inclusive."""

    start: date
    end: date

    def months(self) -> list[Month]:
        months: list[Month] = []
        year, month = self.start.year, self.start.month
        while date(year, month, 1) <= self.end:
            first = date(year, month, 1)
            last = date(year, month, calendar.monthrange(year, month)[1])
            months.append(Month(f"{year:04d}-{month:02d}", max(first, self.start), min(last, self.end), first, last))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def label(self) -> str:
        return f"{self.start.isoformat()} t/m {self.end.isoformat()}"


@dataclass(frozen=True)
class Month:
    """A calendar month clipped to the report's range: ``start``..``end`` inclusive; ``first``..``last`` the whole month."""

    label: str
    start: date
    end: date
    first: date
    last: date

    @property
    def days_in_month(self) -> int:
        return (self.last - self.first).days + 1


def audit_bound(moment: datetime) -> str:
    """An audit entry's ``recorded_at`` text for a moment, so the stored text compares in time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def month_of_date(column: Any, months: Sequence[Month]) -> ColumnElement[Any]:
    """A CASE giving the month label of a date column (NULL outside the months): the GROUP BY key."""
    return case(*[(and_(column >= m.start, column <= m.end), literal(m.label)) for m in months], else_=None)


def month_of_timestamp(column: Any, months: Sequence[Month]) -> ColumnElement[Any]:
    whens = []
    for m in months:
        lower, upper = clock.day_bounds_utc(m.start, m.end)
        whens.append(
            (and_(column >= literal(lower, UtcDateTime()), column < literal(upper, UtcDateTime())), literal(m.label))
        )
    return case(*whens, else_=None)


def _pages(session: Session, query: Select[Any] | Any, key: Any, key_index: int, page_size: int) -> Iterator[Any]:
    """One pass over ``query`` ordered by the unique ``key``, fetched ``page_size`` rows at a time (a server-side
    cursor on PostgreSQL, SQLite's stepping cursor): bounded memory for any number of rows, and a single scan."""
    result = session.execute(query.order_by(key).execution_options(yield_per=page_size))
    yield from result


# --- ledger -----------------------------------------------------------------------------------------------------


def journal_rows(session: Session, period: DateRange, page_size: int = PAGE_SIZE) -> Iterator[tuple[Any, ...]]:
    """Every posting of every transaction with a business date in the range, in posting order: ``(posting id,
    transaction id, business date, recorded at (UTC), kind, account code, household id, cents, description, booked
    by, reverses id)``.

    Streamed from the driver (:func:`_driver_stream`), each row as plain values of the types SQLAlchemy would give:
    a year of books is 2.4 million postings, and SQLAlchemy's rows and type processing cost more than the query and
    the CSV together."""
    query = (
        select(
            Posting.id,
            Posting.transaction_id,
            Transaction.business_date,
            Transaction.recorded_at,
            Transaction.kind,
            Account.code,
            func.coalesce(Account.household_id, Transaction.household_id),
            Posting.amount_cents,
            Transaction.description,
            Transaction.booked_by,
            Transaction.reverses_id,
        )
        .join(Transaction, Transaction.id == Posting.transaction_id)
        .join(Account, Account.id == Posting.account_id)
        .where(Transaction.business_date >= period.start, Transaction.business_date <= period.end)
        .order_by(Posting.id)
    )
    as_date: Any = cache(_as_date)
    for posting_id, transaction_id, business_date, recorded_at, *rest in _driver_stream(session, query, page_size):
        yield (posting_id, transaction_id, as_date(business_date), _as_utc(recorded_at), *rest)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _as_utc(value: Any) -> datetime:
    """A ``UtcDateTime`` as the driver gives it (ISO text in UTC on SQLite, a datetime on PostgreSQL), aware UTC."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _driver_stream(session: Session, query: Any, page_size: int) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` as the driver's tuples, ``page_size`` at a time, in the session's transaction: a
    server-side cursor on PostgreSQL, SQLite's stepping cursor; bounded memory for any number of rows. The statement
    is rendered with its parameters inline (dates and names of this module, never user text)."""
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    driver = cast(Any, connection.connection.driver_connection)
    postgresql = connection.dialect.name == "postgresql"
    cursor = driver.cursor(name=f"stream_{uuid.uuid4().hex[:12]}") if postgresql else driver.cursor()
    try:
        if postgresql:
            cursor.itersize = page_size
        cursor.execute(sql)
        while rows := cursor.fetchmany(page_size):
            yield from rows
    finally:
        cursor.close()


def trial_balance_rows(session: Session, period: DateRange) -> list[Any]:
    """Per account: opening (before the range), debits and credits in the range, closing; debit positive.

    Two plain GROUP BYs over the postings (each carries its transaction's business date, and the index on
    (account, date, amount) covers both): the opening balance before the range, and per account in the range the net
    sum and the sum of absolute amounts, from which debit = (gross + net) / 2 and credit = (gross - net) / 2 exactly.
    No CASE per posting and no join to the transactions."""
    amount = Posting.amount_cents
    opening = (
        select(Posting.account_id.label("account_id"), func.sum(amount).label("opening"))
        .where(Posting.business_date < period.start)
        .group_by(Posting.account_id)
        .subquery()
    )
    inside = (
        select(
            Posting.account_id.label("account_id"),
            func.sum(amount).label("net"),
            func.sum(func.abs(amount)).label("gross"),
        )
        .where(Posting.business_date >= period.start, Posting.business_date <= period.end)
        .group_by(Posting.account_id)
        .subquery()
    )
    query = (
        select(
            Account.code,
            Account.name,
            Account.kind,
            Account.household_id,
            func.coalesce(opening.c.opening, 0),
            func.coalesce(inside.c.net, 0),
            func.coalesce(inside.c.gross, 0),
        )
        .select_from(Account)
        .outerjoin(opening, opening.c.account_id == Account.id)
        .outerjoin(inside, inside.c.account_id == Account.id)
        .order_by(Account.household_id.is_not(None), Account.household_id, Account.code)
    )
    rows = []
    for code, name, kind, household_id, opening_cents, net, gross in session.execute(query):
        net, gross = int(net), int(gross)
        rows.append((code, name, kind, household_id, int(opening_cents), (gross + net) // 2, (gross - net) // 2))
    return rows


def closing_by_group(session: Session, as_of: date) -> dict[str, int]:
    """Debit-positive balances at the end of ``as_of``: each system account, and all households together."""
    group = case((Account.household_id.is_not(None), literal("households")), else_=Account.code)
    query = (
        select(group, func.coalesce(func.sum(Posting.amount_cents), 0))
        .select_from(Posting)
        .join(Account, Account.id == Posting.account_id)
        .where(Posting.business_date <= as_of)
        .group_by(group)
    )
    return {str(name): int(total) for name, total in session.execute(query)}


def statement_accounts(session: Session, household_id: int | None) -> list[tuple[int, int]]:
    query = select(Account.household_id, Account.id).where(Account.household_id.is_not(None))
    if household_id is not None:
        query = query.where(Account.household_id == household_id)
    return [(int(h or 0), int(a)) for h, a in session.execute(query.order_by(Account.household_id))]


def statement_movements(session: Session, account_ids: Sequence[int], page_size: int = PAGE_SIZE) -> Iterator[Any]:
    """(household, date, transaction, kind, description, cents credit positive) of every posting on the given household
    accounts, by household then date then transaction. Callers pass a few hundred accounts at a time and split by date
    themselves: a date filter here makes planners walk every transaction in the range for each account."""
    query = (
        select(
            Account.household_id,
            Transaction.business_date,
            Posting.transaction_id,
            Transaction.kind,
            Transaction.description,
            -Posting.amount_cents,
        )
        .join(Transaction, Transaction.id == Posting.transaction_id)
        .join(Account, Account.id == Posting.account_id)
        .where(Posting.account_id.in_(list(account_ids)))
        .order_by(Account.household_id, Transaction.business_date, Posting.transaction_id, Posting.id)
    )
    return iter(session.execute(query.execution_options(yield_per=page_size)))


def hledger_transactions(session: Session, page_size: int = PAGE_SIZE) -> Iterator[tuple[Any, list[Any]]]:
    """Every transaction with its postings (account code and kind), in transaction id order, page by page."""
    last_id = 0
    while True:
        transactions = session.execute(
            select(
                Transaction.id,
                Transaction.business_date,
                Transaction.recorded_at,
                Transaction.kind,
                Transaction.description,
                Transaction.booked_by,
                Transaction.reverses_id,
            )
            .where(Transaction.id > last_id)
            .order_by(Transaction.id)
            .limit(page_size)
        ).all()
        if not transactions:
            return
        high = transactions[-1][0]
        postings: dict[int, list[Any]] = {}
        for row in session.execute(
            select(Posting.transaction_id, Account.code, Account.kind, Posting.amount_cents)
            .join(Account, Account.id == Posting.account_id)
            .where(Posting.transaction_id > last_id, Posting.transaction_id <= high)
            .order_by(Posting.transaction_id, Posting.id)
        ):
            postings.setdefault(row[0], []).append(row)
        for transaction in transactions:
            yield transaction, postings.get(transaction[0], [])
        last_id = high
        if len(transactions) < page_size:
            return


# --- payments ---------------------------------------------------------------------------------------------------


def _paid_items() -> ColumnElement[bool]:
    return and_(PaymentBatch.status.in_(PAID_BATCH_STATUSES), PaymentItem.status.not_in(UNPAID_ITEM_STATUSES))


def paid_by_month_and_kind(session: Session, months: Sequence[Month]) -> list[Any]:
    """(month, kind, count, cents) of paid items by execution date; kind is a category or ``leefgeld``."""
    month = month_of_date(PaymentBatch.execution_date, months)
    query = (
        select(month, PaymentItem.kind, func.count(PaymentItem.id), func.sum(PaymentItem.amount_cents))
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(_paid_items(), month.is_not(None))
        .group_by(month, PaymentItem.kind)
        .order_by(month, PaymentItem.kind)
    )
    return list(session.execute(query))


def paid_by_creditor(session: Session, period: DateRange) -> list[Any]:
    """(creditor name, IBAN, count, cents) of paid fixed costs in the range; leefgeld is not a creditor."""
    query = (
        select(PaymentItem.creditor_name, PaymentItem.iban, func.count(PaymentItem.id), func.sum(PaymentItem.amount_cents))
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(
            _paid_items(),
            PaymentItem.kind != "leefgeld",
            PaymentBatch.execution_date >= period.start,
            PaymentBatch.execution_date <= period.end,
        )
        .group_by(PaymentItem.creditor_name, PaymentItem.iban)
        .order_by(func.sum(PaymentItem.amount_cents).desc(), PaymentItem.creditor_name)
    )
    return list(session.execute(query))


def returned_by_month(session: Session, months: Sequence[Month]) -> dict[str, tuple[int, int]]:
    month = month_of_date(PaymentBatch.execution_date, months)
    query = (
        select(month, func.count(PaymentItem.id), func.sum(PaymentItem.amount_cents))
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(PaymentItem.status == ItemStatus.RETURNED, month.is_not(None))
        .group_by(month)
    )
    return {label: (int(n), int(total)) for label, n, total in session.execute(query)}


def advances_by_month(session: Session, months: Sequence[Month]) -> dict[str, tuple[int, int]]:
    month = month_of_date(Advance.granted_on, months)
    query = (
        select(month, func.count(Advance.id), func.sum(Advance.amount_cents))
        .where(month.is_not(None))
        .group_by(month)
    )
    return {label: (int(n), int(total)) for label, n, total in session.execute(query)}


def advance_recoveries_by_month(session: Session, months: Sequence[Month], *, written_off: bool
                                ) -> dict[str, tuple[int, int]]:
    """(count, cents) per month of what came back on advances (from receipts and final payouts), or with
    ``written_off`` of what was written off, by the day it was booked."""
    month = month_of_date(AdvanceRecovery.booked_on, months)
    kind = AdvanceRecovery.kind == RecoveryKind.WRITE_OFF.value
    query = (
        select(month, func.count(AdvanceRecovery.id), func.sum(AdvanceRecovery.amount_cents))
        .where(month.is_not(None), kind if written_off else ~kind)
        .group_by(month)
    )
    return {label: (int(n), int(total)) for label, n, total in session.execute(query)}


def advances_open_on(session: Session, day: date) -> tuple[int, int]:
    """(advances with something open, cents open) at the end of ``day``: granted by then minus what came back or
    was written off by then."""
    back = (select(AdvanceRecovery.advance_id, func.sum(AdvanceRecovery.amount_cents).label("cents"))
            .where(AdvanceRecovery.booked_on <= day).group_by(AdvanceRecovery.advance_id).subquery())
    open_cents = Advance.amount_cents - func.coalesce(back.c.cents, 0)
    row = session.execute(
        select(func.count(Advance.id), func.coalesce(func.sum(open_cents), 0))
        .select_from(Advance).outerjoin(back, back.c.advance_id == Advance.id)
        .where(Advance.granted_on <= day, open_cents > 0)
    ).one()
    return int(row[0]), int(row[1])


def receipts_by_month(session: Session, months: Sequence[Month]) -> dict[str, tuple[int, int]]:
    month = month_of_date(Receipt.received_on, months)
    query = (
        select(month, func.count(Receipt.id), func.sum(Receipt.amount_cents))
        .where(month.is_not(None))
        .group_by(month)
    )
    return {label: (int(n), int(total)) for label, n, total in session.execute(query)}


# --- households and extensions ------------------------------------------------------------------------------------


def household_periods(session: Session, period: DateRange) -> list[tuple[date, date, int, int]]:
    """(first day, last day, households, persons) of every period that overlaps the range, grouped by its dates.

    The last day is the day ontzorgen ended (``ended_on``) when it ended early, else the (extended) period end.
    Grouping by the two dates keeps the result small (at most one row per pair of dates) for any number of households.
    """
    last_day = func.coalesce(Household.ended_on, Household.period_end)
    persons = (
        select(Person.household_id, func.count(Person.id).label("n"))
        .group_by(Person.household_id)
        .subquery()
    )
    query = (
        select(Household.period_start, last_day, func.count(Household.id), func.coalesce(func.sum(persons.c.n), 0))
        .outerjoin(persons, persons.c.household_id == Household.id)
        .where(Household.period_start <= period.end, last_day >= period.start)
        .group_by(Household.period_start, last_day)
    )
    return [(start, end, int(n), int(p)) for start, end, n, p in session.execute(query)]


def extensions_by_month(session: Session, months: Sequence[Month]) -> dict[str, dict[str, int]]:
    """Per month: requests asked; decisions approved, rejected; months added by approvals."""
    result: dict[str, dict[str, int]] = {}
    asked = month_of_timestamp(ExtensionRequest.requested_at, months)
    for label, n in session.execute(
        select(asked, func.count(ExtensionRequest.id)).where(asked.is_not(None)).group_by(asked)
    ):
        result.setdefault(label, {})["asked"] = int(n)
    decided = month_of_timestamp(ExtensionRequest.decided_at, months)
    for label, status, n, added in session.execute(
        select(decided, ExtensionRequest.status, func.count(ExtensionRequest.id), func.sum(ExtensionRequest.months))
        .where(decided.is_not(None), ExtensionRequest.status.in_((ExtensionStatus.APPROVED, ExtensionStatus.REJECTED)))
        .group_by(decided, ExtensionRequest.status)
    ):
        result.setdefault(label, {})[str(status)] = int(n)
        if status == ExtensionStatus.APPROVED:
            result[label]["months_added"] = int(added)
    return result


def extension_rows(session: Session, period: DateRange) -> list[ExtensionRequest]:
    """Requests asked or decided in the range."""
    lower, upper = clock.day_bounds_utc(period.start, period.end)
    asked = and_(ExtensionRequest.requested_at >= lower, ExtensionRequest.requested_at < upper)
    decided = and_(ExtensionRequest.decided_at >= lower, ExtensionRequest.decided_at < upper)
    return list(session.scalars(select(ExtensionRequest).where(asked | decided).order_by(ExtensionRequest.id)))


def audit_rows(session: Session, period: DateRange, page_size: int = PAGE_SIZE) -> Iterator[Any]:
    lower, upper = clock.day_bounds_utc(period.start, period.end)
    query = select(
        AuditEntry.id,
        AuditEntry.recorded_at,
        AuditEntry.actor,
        AuditEntry.action,
        AuditEntry.entity_type,
        AuditEntry.entity_id,
        AuditEntry.reason,
        AuditEntry.before_json,
        AuditEntry.after_json,
        AuditEntry.request_id,
        AuditEntry.client_address,
        AuditEntry.entry_hash,
    ).where(AuditEntry.recorded_at >= audit_bound(lower), AuditEntry.recorded_at < audit_bound(upper))
    return _pages(session, query, AuditEntry.id, 0, page_size)
