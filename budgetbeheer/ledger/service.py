"""Booking transactions, reversing them, and reading balances.

All money movements go through :func:`book`. It checks the balance in Python (a clear error) and the database checks
it again (see :mod:`budgetbeheer.db.triggers`), so neither a bug nor raw SQL can unbalance the books.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.db.base import table_of, utcnow
from budgetbeheer.db.bulk_write import id_in, in_chunks, insert_rows, next_ids
from budgetbeheer.errors import LedgerError, Message
from budgetbeheer.ledger.models import TRANSACTION_ID_SEQUENCE, Account, AccountKind, Posting, Transaction

BANK = "bank"
"""The managed bank account (beheerrekening), an asset."""
IN_TRANSIT = "in_transit"
"""Payments approved and on their way to the bank, a liability until the bank statement settles them."""
UNMATCHED = "unmatched"
"""Receipts that could not be matched to a household yet, a liability."""
ADVANCES = "advances"
"""Outstanding advances (voorschotten) to households, an asset: money owed back to the municipality."""
BANK_COSTS = "bank_costs"
"""Bank charges on the managed account, borne by the municipality (a liability that runs below zero)."""
MUNICIPALITY = "municipality"
"""The municipality's own money on the managed account (a top-up, a refund to it), a liability."""
MUNICIPALITY_ACCOUNTS = (BANK_COSTS, MUNICIPALITY)
"""Money on the managed account that is no household's: assigned from the bank queue with a reason."""

SYSTEM_ACCOUNTS = {
    BANK: ("Beheerrekening (bank)", AccountKind.ASSET),
    IN_TRANSIT: ("Betalingen onderweg", AccountKind.LIABILITY),
    UNMATCHED: ("Niet-toegewezen ontvangsten", AccountKind.LIABILITY),
    ADVANCES: ("Uitstaande voorschotten", AccountKind.ASSET),
}
MUNICIPALITY_ACCOUNT_NAMES = {
    BANK_COSTS: "Bankkosten (voor rekening van de gemeente)",
    MUNICIPALITY: "Gemeente: eigen geld op de beheerrekening",
}
"""Liabilities made on first use (:func:`municipality_account_id`), so books without them list no empty accounts."""


def household_account_code(household_id: int) -> str:
    return f"household:{household_id}"


@dataclass(frozen=True)
class Leg:
    """One side of a transaction: positive cents debit the account, negative cents credit it."""

    account_id: int
    amount_cents: int


def ensure_system_accounts(session: Session) -> dict[str, int]:
    existing = {row.code: row.id for row in session.execute(select(Account.code, Account.id))}
    for code, (name, kind) in SYSTEM_ACCOUNTS.items():
        if code not in existing:
            account = Account(code=code, name=name, kind=kind, created_at=utcnow())
            session.add(account)
            session.flush()
            existing[code] = account.id
    return {code: existing[code] for code in SYSTEM_ACCOUNTS}


def account_id(session: Session, code: str) -> int:
    found = session.scalar(select(Account.id).where(Account.code == code))
    if found is None:
        if code in SYSTEM_ACCOUNTS:
            return ensure_system_accounts(session)[code]
        raise LedgerError(Message("Grootboekrekening %(code)s bestaat niet.", code=code))
    return found


def municipality_account_id(session: Session, code: str) -> int:
    """The account of :data:`MUNICIPALITY_ACCOUNTS` named ``code``, made on first use."""
    if code not in MUNICIPALITY_ACCOUNT_NAMES:
        raise LedgerError(Message("Grootboekrekening %(code)s bestaat niet.", code=code))
    found = session.scalar(select(Account.id).where(Account.code == code))
    if found is not None:
        return found
    account = Account(code=code, name=MUNICIPALITY_ACCOUNT_NAMES[code], kind=AccountKind.LIABILITY,
                      created_at=utcnow())
    session.add(account)
    session.flush()
    return account.id


def open_household_account(session: Session, household_id: int, name: str) -> Account:
    account = Account(
        code=household_account_code(household_id),
        name=name,
        kind=AccountKind.LIABILITY,
        household_id=household_id,
        created_at=utcnow(),
    )
    session.add(account)
    session.flush()
    return account


def household_account_id(session: Session, household_id: int) -> int:
    return account_id(session, household_account_code(household_id))


def check_legs(legs: Sequence[Leg]) -> None:
    if len(legs) < 2:
        raise LedgerError(Message("Een boeking heeft minstens twee regels."))
    if any(leg.amount_cents == 0 for leg in legs):
        raise LedgerError(Message("Een boekingsregel van nul euro is niet toegestaan."))
    if sum(leg.amount_cents for leg in legs) != 0:
        raise LedgerError(Message("De boeking is niet in evenwicht: debet en credit verschillen."))


def transaction_hash(
    transaction_id: int,
    *,
    business_date: date,
    recorded_at: datetime,
    kind: str,
    description: str,
    booked_by: str,
    idempotency_key: str | None,
    reverses_id: int | None,
    household_id: int | None,
    postings: Iterable[tuple[int, int, date]],
) -> str:
    """SHA-256 of a transaction with its postings (account, cents, business date; sorted, as posting ids say nothing
    about the booking). Written with the row by :func:`book`, recomputed by :func:`verify_transactions`."""
    content = [
        transaction_id, business_date.isoformat(), recorded_at.astimezone(UTC).isoformat(), kind, description,
        booked_by, idempotency_key, reverses_id, household_id,
        sorted([account, cents, day.isoformat()] for account, cents, day in postings),
    ]
    encoded = json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def book(
    session: Session,
    *,
    business_date: date,
    kind: str,
    description: str,
    booked_by: str,
    legs: Sequence[Leg],
    idempotency_key: str | None = None,
    household_id: int | None = None,
    reverses_id: int | None = None,
    recorded_at: datetime | None = None,
) -> Transaction:
    """Book one balanced transaction. With an ``idempotency_key`` that was used before, return the first booking."""
    if idempotency_key is not None:
        existing = session.scalar(select(Transaction).where(Transaction.idempotency_key == idempotency_key))
        if existing is not None:
            return existing
    (transaction_id,) = book_many(session, [Booking(
        business_date=business_date, kind=kind, description=description, booked_by=booked_by, legs=tuple(legs),
        idempotency_key=idempotency_key, household_id=household_id, reverses_id=reverses_id)], recorded_at)
    transaction = session.get(Transaction, transaction_id)
    assert transaction is not None
    return transaction


@dataclass(frozen=True)
class Booking:
    """One balanced transaction for :func:`book_many`."""

    business_date: date
    kind: str
    description: str
    booked_by: str
    legs: tuple[Leg, ...]
    idempotency_key: str | None = None
    household_id: int | None = None
    reverses_id: int | None = None


def book_many(session: Session, bookings: Sequence[Booking], recorded_at: datetime | None = None) -> list[int]:
    """Book balanced transactions in one go (postings, then transactions: the database checks each one's balance),
    each sealed with :func:`transaction_hash`; returns their ids in order. :func:`book` is this for one. No
    idempotency lookup here — a key used before is refused by its UNIQUE index, so the caller checks first."""
    if not bookings:
        return []
    for booking in bookings:
        check_legs(booking.legs)
    session.flush()
    ids = next_ids(session, table_of(Transaction), len(bookings), sequence=TRANSACTION_ID_SEQUENCE.name)
    moment = recorded_at or utcnow()
    insert_rows(session, table_of(Posting), (
        {"transaction_id": transaction_id, "account_id": leg.account_id, "amount_cents": leg.amount_cents,
         "business_date": booking.business_date}
        for transaction_id, booking in zip(ids, bookings, strict=True) for leg in booking.legs
    ))
    insert_rows(session, table_of(Transaction), (
        {"id": transaction_id, "business_date": booking.business_date, "recorded_at": moment, "kind": booking.kind,
         "description": booking.description[:500], "booked_by": booking.booked_by,
         "idempotency_key": booking.idempotency_key, "reverses_id": booking.reverses_id,
         "household_id": booking.household_id,
         "content_hash": transaction_hash(
             transaction_id, business_date=booking.business_date, recorded_at=moment, kind=booking.kind,
             description=booking.description[:500], booked_by=booking.booked_by,
             idempotency_key=booking.idempotency_key, reverses_id=booking.reverses_id, household_id=booking.household_id,
             postings=[(leg.account_id, leg.amount_cents, booking.business_date) for leg in booking.legs])}
        for transaction_id, booking in zip(ids, bookings, strict=True)
    ))
    return ids


def household_account_ids(session: Session, household_ids: Iterable[int]) -> dict[int, int]:
    """The funds account of each household (id → account id), read in chunks."""
    wanted = sorted(set(household_ids))
    found: dict[int, int] = {}
    for chunk in in_chunks(session, wanted):
        found.update({int(h or 0): int(a) for h, a in session.execute(
            select(Account.household_id, Account.id).where(id_in(session, Account.household_id, chunk)))})
    return found


def transfer(
    session: Session,
    *,
    debit_account_id: int,
    credit_account_id: int,
    amount_cents: int,
    business_date: date,
    kind: str,
    description: str,
    booked_by: str,
    idempotency_key: str | None = None,
    household_id: int | None = None,
) -> Transaction:
    """A two-legged booking of a positive amount."""
    if amount_cents <= 0:
        raise LedgerError(Message("Het bedrag moet groter zijn dan nul."))
    return book(
        session,
        business_date=business_date,
        kind=kind,
        description=description,
        booked_by=booked_by,
        legs=[Leg(debit_account_id, amount_cents), Leg(credit_account_id, -amount_cents)],
        idempotency_key=idempotency_key,
        household_id=household_id,
    )


@dataclass(frozen=True)
class LedgerVerification:
    """The outcome of :func:`verify_transactions`: how many transactions carry a seal, how many were booked before
    seals were kept, and the first one whose transaction or postings no longer match (with why)."""

    sealed: int
    unsealed: int
    first_bad_id: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_transactions(session: Session, batch_size: int = 2000) -> LedgerVerification:
    """Recompute every sealed transaction's hash from its row and postings. A transaction without a seal is accepted
    only before the first sealed one (booked before seals were kept); a posting without its transaction is named."""
    sealed = unsealed = 0
    seen_sealed = False
    last_id = 0
    table = Transaction.__table__.c
    postings = Posting.__table__.c
    while True:
        rows = session.execute(
            select(table.id, table.business_date, table.recorded_at, table.kind, table.description, table.booked_by,
                   table.idempotency_key, table.reverses_id, table.household_id, table.content_hash)
            .where(table.id > last_id).order_by(table.id).limit(batch_size)
        ).all()
        if not rows:
            break
        legs: dict[int, list[tuple[int, int, date]]] = {}
        for transaction_id, account, cents, day in session.execute(
            select(postings.transaction_id, postings.account_id, postings.amount_cents, postings.business_date)
            .where(postings.transaction_id > last_id, postings.transaction_id <= rows[-1].id)
        ):
            legs.setdefault(int(transaction_id), []).append((int(account), int(cents), day))
        for row in rows:
            if row.content_hash is None:
                if seen_sealed:
                    return LedgerVerification(sealed, unsealed, row.id, "its seal is missing (removed)")
                unsealed += 1
                continue
            seen_sealed = True
            recorded_at = row.recorded_at if row.recorded_at.tzinfo else row.recorded_at.replace(tzinfo=UTC)
            expected = transaction_hash(
                row.id, business_date=row.business_date, recorded_at=recorded_at, kind=row.kind,
                description=row.description, booked_by=row.booked_by, idempotency_key=row.idempotency_key,
                reverses_id=row.reverses_id, household_id=row.household_id, postings=legs.get(row.id, []),
            )
            if expected != row.content_hash:
                return LedgerVerification(
                    sealed, unsealed, row.id, "the transaction or its postings do not match its seal (edited)"
                )
            sealed += 1
        last_id = rows[-1].id
    orphan = session.scalar(
        select(postings.transaction_id).where(postings.transaction_id.not_in(select(table.id))).limit(1)
    )
    if orphan is not None:
        return LedgerVerification(sealed, unsealed, int(orphan), "postings without their transaction")
    return LedgerVerification(sealed, unsealed)


def postings_of(session: Session, transaction_id: int) -> list[Posting]:
    return list(session.scalars(select(Posting).where(Posting.transaction_id == transaction_id).order_by(Posting.id)))


def reverse(
    session: Session, transaction_id: int, *, business_date: date, booked_by: str, reason: str
) -> Transaction:
    """Book the mirror image of a transaction. A transaction can be reversed once; a reversal is not reversed."""
    original = session.get(Transaction, transaction_id)
    if original is None:
        raise LedgerError(Message("Boeking %(id)s bestaat niet.", id=transaction_id))
    if original.reverses_id is not None:
        raise LedgerError(Message("Een tegenboeking wordt niet zelf tegengeboekt; boek opnieuw."))
    already = session.scalar(select(Transaction.id).where(Transaction.reverses_id == transaction_id))
    if already is not None:
        raise LedgerError(Message("Boeking %(id)s is al tegengeboekt.", id=transaction_id))
    legs = [Leg(p.account_id, -p.amount_cents) for p in postings_of(session, transaction_id)]
    return book(
        session,
        business_date=business_date,
        kind="reversal",
        description=f"Tegenboeking van {transaction_id}: {reason}",
        booked_by=booked_by,
        legs=legs,
        reverses_id=transaction_id,
        household_id=original.household_id,
    )


def raw_balance(session: Session, account_id_: int, as_of: date | None = None) -> int:
    """Sum of postings (debit positive) on an account, up to and including ``as_of``."""
    query = select(func.coalesce(func.sum(Posting.amount_cents), 0)).where(Posting.account_id == account_id_)
    if as_of is not None:
        query = query.where(Posting.business_date <= as_of)
    return int(session.scalar(query) or 0)


def balance(session: Session, account_id_: int, as_of: date | None = None) -> int:
    """The account's balance on its natural side: an asset's debit balance, a liability's credit balance."""
    kind = session.scalar(select(Account.kind).where(Account.id == account_id_))
    raw = raw_balance(session, account_id_, as_of)
    return raw if kind == AccountKind.ASSET else -raw


def household_balance(session: Session, household_id: int, as_of: date | None = None) -> int:
    """What the municipality holds for the household (credit balance of its funds account)."""
    return balance(session, household_account_id(session, household_id), as_of)


def household_balances(session: Session, household_ids: Iterable[int]) -> dict[int, int]:
    """Balances of many households in one query."""
    ids = list(household_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Account.household_id, func.coalesce(func.sum(Posting.amount_cents), 0))
        .select_from(Account)
        .outerjoin(Posting, Posting.account_id == Account.id)
        .where(Account.household_id.in_(ids))
        .group_by(Account.household_id)
    )
    result = {int(household_id or 0): -int(total) for household_id, total in rows}
    return {household_id: result.get(household_id, 0) for household_id in ids}


def balances_by_code(session: Session, as_of: date | None = None) -> dict[str, int]:
    """Natural-side balance of every account, in one GROUP BY."""
    query = (
        select(Account.code, Account.kind, func.coalesce(func.sum(Posting.amount_cents), 0))
        .select_from(Account)
        .outerjoin(Posting, Posting.account_id == Account.id)
    )
    if as_of is not None:
        query = query.where((Posting.business_date <= as_of) | (Posting.id.is_(None)))
    query = query.group_by(Account.code, Account.kind)
    return {code: (int(raw) if kind == AccountKind.ASSET else -int(raw)) for code, kind, raw in session.execute(query)}


@dataclass(frozen=True)
class MoneyIdentity:
    """bank = households + in transit + unmatched + municipality − advances, with every term in cents
    (``municipality``: money on the managed account that is no household's, bank charges below zero)."""

    bank: int
    households: int
    in_transit: int
    unmatched: int
    advances: int
    municipality: int = 0

    @property
    def holds(self) -> bool:
        return self.bank == self.households + self.in_transit + self.unmatched + self.municipality - self.advances


def money_identity(session: Session, as_of: date | None = None) -> MoneyIdentity:
    balances = balances_by_code(session, as_of)
    households = sum(value for code, value in balances.items() if code.startswith("household:"))
    return MoneyIdentity(
        bank=balances.get(BANK, 0),
        households=households,
        in_transit=balances.get(IN_TRANSIT, 0),
        unmatched=balances.get(UNMATCHED, 0),
        advances=balances.get(ADVANCES, 0),
        municipality=sum(balances.get(code, 0) for code in MUNICIPALITY_ACCOUNTS),
    )
