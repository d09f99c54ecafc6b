"""Bank tables: imported files, the statements in them and their lines, and the status reports.

Exactly-once is the database's job: ``BankImport.sha256`` is UNIQUE (the same file again is the import it already
was), ``BankStatement`` is UNIQUE per account and statement id (another file claiming an imported statement is
refused), ``BankLine`` per statement and position, and a line's ledger booking carries an idempotency key.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from budgetbeheer.db.base import Base, BigId, UtcDateTime, one_of
from budgetbeheer.tables.states import values


class ImportKind(StrEnum):
    STATEMENT = "statement"
    STATUS_REPORT = "status_report"


class LineState(StrEnum):
    """``unmatched``: in the queue (booked bank ↔ unmatched); ``matched``: the system found what it is;
    ``assigned``: a person said what it is."""

    UNMATCHED = "unmatched"
    MATCHED = "matched"
    ASSIGNED = "assigned"


class MatchedTo(StrEnum):
    ITEM = "item"
    BATCH = "batch"
    RECEIPT = "receipt"
    RETURN = "return"
    ACCOUNT = "account"
    LINE = "line"
    """A reversal (``RvslInd``) that undid another bank line: ``matched_id`` is that line's id."""


class BankImport(Base):
    __tablename__ = "bank_imports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (CheckConstraint(one_of("kind", values(ImportKind)), name="kind"),)


class BankStatement(Base):
    __tablename__ = "bank_statements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("bank_imports.id"), index=True)
    message_kind: Mapped[str] = mapped_column(String(20))
    account_iban: Mapped[str] = mapped_column(String(34))
    statement_id: Mapped[str] = mapped_column(String(70))
    sequence_number: Mapped[int | None] = mapped_column(BigInteger)
    from_date: Mapped[date | None] = mapped_column(Date)
    to_date: Mapped[date | None] = mapped_column(Date)
    opening_balance_cents: Mapped[int | None] = mapped_column(BigInteger)
    closing_balance_cents: Mapped[int | None] = mapped_column(BigInteger)
    closing_date: Mapped[date | None] = mapped_column(Date, index=True)
    entry_count: Mapped[int] = mapped_column(Integer)
    credits_cents: Mapped[int] = mapped_column(BigInteger)
    debits_cents: Mapped[int] = mapped_column(BigInteger)
    ledger_bank_balance_cents: Mapped[int | None] = mapped_column(BigInteger)
    """The books' bank balance on the closing date, right after this import's matching."""

    __table_args__ = (UniqueConstraint("account_iban", "statement_id"),)


class BankLine(Base):
    """One entry of a statement (a batch booked as one entry is one line)."""

    __tablename__ = "bank_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id"))
    """No index of its own: UNIQUE(statement_id, position) leads with it (one index less per line written)."""
    position: Mapped[int] = mapped_column(Integer)
    booking_date: Mapped[date] = mapped_column(Date)
    value_date: Mapped[date | None] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    """Signed: credit (money in) positive."""
    counterparty_name: Mapped[str | None] = mapped_column(String(140))
    counterparty_iban: Mapped[str | None] = mapped_column(String(34))
    remittance: Mapped[str] = mapped_column(Text, default="")
    end_to_end_id: Mapped[str | None] = mapped_column(String(70))
    bank_reference: Mapped[str | None] = mapped_column(String(70))
    payment_information_id: Mapped[str | None] = mapped_column(String(70))
    return_reason: Mapped[str | None] = mapped_column(String(8))
    reversal: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(String(16), index=True)
    matched_type: Mapped[str | None] = mapped_column(String(16))
    matched_id: Mapped[str | None] = mapped_column(String(70))
    reason: Mapped[str | None] = mapped_column(Text)
    """Why the line is unmatched, or (assigned) the person's reason."""
    ledger_transaction_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transactions.id"))
    assigned_by: Mapped[str | None] = mapped_column(String(120))
    assigned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("statement_id", "position"),
        CheckConstraint(one_of("state", values(LineState)), name="state"),
        CheckConstraint(f"matched_type IS NULL OR ({one_of('matched_type', values(MatchedTo))})", name="matched_type"),
    )


class StatusReportRecord(Base):
    """A pain.002 imported: what it said of which file."""

    __tablename__ = "bank_status_reports"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("bank_imports.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(70))
    original_message_id: Mapped[str] = mapped_column(String(70))
    group_status: Mapped[str | None] = mapped_column(String(8))
    rejected_items: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)
    unknown: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("message_id"),)
