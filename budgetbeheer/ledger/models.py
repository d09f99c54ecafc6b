"""Ledger tables. Sign convention: a posting's ``amount_cents`` is positive for a debit and negative for a credit.

Asset accounts (the managed bank account, advances) grow with debits; liability accounts (household funds, payments in
transit, unmatched receipts) grow with credits. The database refuses an unbalanced transaction (see
:mod:`budgetbeheer.db.triggers`): postings are inserted first and the transaction row last, and the insert of the
transaction row checks that its postings sum to zero.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Sequence,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from budgetbeheer.db.base import Base, BigId, UtcDateTime, one_of

TRANSACTION_ID_SEQUENCE = Sequence("ledger_transaction_id_seq")


class AccountKind:
    ASSET = "asset"
    LIABILITY = "liability"


class Account(Base):
    __tablename__ = "ledger_accounts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (CheckConstraint(one_of("kind", ("asset", "liability")), name="kind"),)


class Transaction(Base):
    __tablename__ = "ledger_transactions"

    id: Mapped[int] = mapped_column(BigId, TRANSACTION_ID_SEQUENCE, primary_key=True, autoincrement=False)
    business_date: Mapped[date] = mapped_column(Date, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(500))
    booked_by: Mapped[str] = mapped_column(String(120))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transactions.id"), unique=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of the transaction with its postings (:func:`budgetbeheer.ledger.service.transaction_hash`), written
    with the row; ``audit verify`` recomputes it, so an edited posting is named. NULL for transactions booked before
    it was kept."""


class Posting(Base):
    __tablename__ = "ledger_postings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_transactions.id", deferrable=True, initially="DEFERRED")
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    business_date: Mapped[date] = mapped_column(Date)
    """The transaction's business date, kept on each posting (the database checks they agree) so that balances and the
    trial balance for a date range are one GROUP BY over postings, without a join."""

    __table_args__ = (
        CheckConstraint("amount_cents <> 0", name="nonzero"),
        Index("ix_ledger_postings_transaction", "transaction_id"),
        Index("ix_ledger_postings_account_transaction", "account_id", "transaction_id"),
        Index("ix_ledger_postings_account_date", "account_id", "business_date", "amount_cents"),
    )
