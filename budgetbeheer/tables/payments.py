"""Payment tables.

Exactly-once is the database's job: ``PaymentBatch.active_execution_date`` (NULL once cancelled) is UNIQUE, so one live
batch per execution date; ``PaymentItem.obligation_key`` (``fc:<fixed_cost_id>:<due_date>`` or
``lg:<household_id>:<payday>``, ids zero-padded, NULL once cancelled or returned) is UNIQUE, so one payment per fixed
cost per due date and one leefgeld per household per payday.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from budgetbeheer.db.base import Base, BigId, UtcDateTime, one_of
from budgetbeheer.tables.states import (
    BatchStatus,
    IbanChangeStatus,
    ItemStatus,
    OneOffStatus,
    Party,
    RecoveryKind,
    RecoveryType,
    values,
)

BATCH_STATUSES = values(BatchStatus)
ITEM_STATUSES = values(ItemStatus)
IBAN_CHANGE_STATUSES = values(IbanChangeStatus)

"""The stored strings, in the order of the CHECK constraints (the enums are in :mod:`budgetbeheer.tables.states`)."""


class PaymentBatch(Base):
    __tablename__ = "payment_batches"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    execution_date: Mapped[date] = mapped_column(Date, index=True)
    active_execution_date: Mapped[date | None] = mapped_column(Date, unique=True)
    status: Mapped[str] = mapped_column(String(20), default=BatchStatus.PROPOSED.value)
    prepared_by: Mapped[str] = mapped_column(String(120))
    prepared_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    prepared_at: Mapped[datetime] = mapped_column(UtcDateTime())
    total_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    required_approvals: Mapped[int] = mapped_column(Integer, default=1)
    pain_version: Mapped[str | None] = mapped_column(String(20))
    msg_id_base: Mapped[str | None] = mapped_column(String(35), unique=True)
    cancelled_reason: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    exported_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    approval_transaction_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_transactions.id"))
    items_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Goes up by one in the transaction that changes the status of any of the batch's items (approve, cancel,
    withdraw, settle, return): the kept sums of the batch page (:class:`BatchSummary`) are those of one version."""

    __table_args__ = (
        CheckConstraint(one_of("status", BATCH_STATUSES), name="status"),
    )


class BatchSummary(Base):
    """A batch's sums as its page shows them (by kind, by creditor and IBAN, against the previous month, how many
    items, held items and shortfalls), computed once for ``state_key`` and kept: the ``items_version`` of the batch
    and of the batches of the previous calendar month it is compared with. A page that finds another key computes
    them again (:mod:`budgetbeheer.payments.summary`). Derived data only: nothing here is booked or audited."""

    __tablename__ = "batch_summaries"

    batch_id: Mapped[int] = mapped_column(BigId, ForeignKey("payment_batches.id"), primary_key=True)
    state_key: Mapped[str] = mapped_column(Text)
    items: Mapped[int] = mapped_column(Integer)
    held: Mapped[int] = mapped_column(Integer)
    shortfalls: Mapped[int] = mapped_column(Integer)
    by_kind: Mapped[list[Any]] = mapped_column(JSON)
    by_payee: Mapped[list[Any]] = mapped_column(JSON)
    changes: Mapped[list[Any]] = mapped_column(JSON)
    changed_households: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BatchApproval(Base):
    """One approval of a batch. ``sequence`` 1 or 2; UNIQUE(batch, sequence) makes racing approvals give one."""

    __tablename__ = "batch_approvals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    approver_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approver: Mapped[str] = mapped_column(String(120))
    sequence: Mapped[int] = mapped_column(Integer)
    approved_at: Mapped[datetime] = mapped_column(UtcDateTime())

    __table_args__ = (
        UniqueConstraint("batch_id", "sequence"),
        UniqueConstraint("batch_id", "approver_user_id"),
    )


class PaymentItem(Base):
    __tablename__ = "payment_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id"))
    """Indexed with ``id`` (the API's pages of a batch, by id) and with ``household_id, id`` (the batch page's, by
    household): a page of a run's 100,000 items is read from the index, not sorted (migration 0022)."""
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    fixed_cost_id: Mapped[int | None] = mapped_column(ForeignKey("fixed_costs.id"))
    """No index of its own: a live payment of a fixed cost is found by its ``obligation_key``, and fixed costs are
    never deleted (they end)."""
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"))
    creditor_name: Mapped[str] = mapped_column(String(140))
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    due_date: Mapped[date] = mapped_column(Date)
    reference_kind: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(140))
    remittance: Mapped[str | None] = mapped_column(String(140))
    end_to_end_id: Mapped[str] = mapped_column(String(35), unique=True)
    obligation_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    reason_id: Mapped[str | None] = mapped_column(Text)
    """The reason's message id (the Dutch text with placeholders) and its parameters in ``reason_params``, to show it
    in the reader's language (:func:`budgetbeheer.i18n.shown`); NULL on items from before, which show ``reason``."""
    reason_params: Mapped[dict[str, object] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=ItemStatus.PROPOSED.value)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    return_reason_code: Mapped[str | None] = mapped_column(String(8))
    approved_hash: Mapped[str | None] = mapped_column(String(64))
    """SHA-256 of what the bank is told (payee, IBAN, amount, reference, ...) at the moment of approval
    (:mod:`budgetbeheer.payments.seals`): checked again before a bank file is made and by ``audit verify``."""

    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="positive"),
        CheckConstraint(one_of("status", ITEM_STATUSES), name="status"),
        Index("ix_payment_items_batch_id_id", "batch_id", "id"),
        Index("ix_payment_items_batch_household", "batch_id", "household_id", "id"),
        # An item changes status twice after it is written (approved, then settled or returned): with pages half
        # full those updates stay on their page (HOT) and touch none of the indexes (migration 0010); so no index
        # has ``status`` in it.
        {"postgresql_with": {"fillfactor": 50}},
    )


class Shortfall(Base):
    """A fixed cost that a run could not pay because the balance was short; a signal for the caseworker."""

    __tablename__ = "shortfalls"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    fixed_cost_id: Mapped[int] = mapped_column(ForeignKey("fixed_costs.id"))
    category: Mapped[str] = mapped_column(String(32))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    due_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    reason_id: Mapped[str | None] = mapped_column(Text)
    """As :attr:`PaymentItem.reason_id`: the reason in the reader's language."""
    reason_params: Mapped[dict[str, object] | None] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("batch_id", "fixed_cost_id", "due_date"),)


class BankFile(Base):
    """A pain.001 file written for an approved batch, kept byte for byte with its SHA-256."""

    __tablename__ = "bank_files"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(120))
    msg_id: Mapped[str] = mapped_column(String(35), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    transaction_count: Mapped[int] = mapped_column(Integer)
    control_sum_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    blocks_json: Mapped[str | None] = mapped_column(Text)
    """The file's PmtInf blocks as written: ``[[PmtInfId, [EndToEndId, ...], total cents], ...]``, so a statement's
    batch booking is matched without reading the XML again (None for files written before it was kept)."""

    __table_args__ = (UniqueConstraint("batch_id", "sequence"),)


class Advance(Base):
    """A voorschot: money the municipality lends a household while income is late; recovered from later income."""

    __tablename__ = "advances"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    granted_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ledger_transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recovery_type: Mapped[str] = mapped_column(String(16), default=RecoveryType.NEXT_INCOME.value)
    recovery_kind: Mapped[str | None] = mapped_column(String(32))
    """For ``next_income``: the income kind (benefit, allowance, ...) it is recovered from."""
    instalments: Mapped[int | None] = mapped_column(Integer)
    """For ``instalments``: in how many parts, one from each benefit receipt."""
    open_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    """What is still owed: ``amount_cents`` minus every :class:`AdvanceRecovery`; 0 once recovered or written off."""

    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="positive"),
        CheckConstraint("open_cents >= 0 AND open_cents <= amount_cents", name="open_within_amount"),
        CheckConstraint(one_of("recovery_type", values(RecoveryType)), name="recovery_type"),
        CheckConstraint("(recovery_type = 'next_income') = (recovery_kind IS NOT NULL)", name="recovery_kind"),
        CheckConstraint("(recovery_type = 'instalments') = (instalments IS NOT NULL AND instalments > 0)",
                        name="recovery_instalments"),
    )


class AdvanceRecovery(Base):
    """Money that came back on an advance (from a receipt, from the final payout) or was written off, each with its
    ledger booking (advances ↔ household funds; a write-off: advances ↔ the municipality's own money). UNIQUE
    (advance, receipt): a receipt recovers an advance once."""

    __tablename__ = "advance_recoveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    advance_id: Mapped[int] = mapped_column(ForeignKey("advances.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipts.id"))
    ledger_transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"))
    booked_on: Mapped[date] = mapped_column(Date)
    booked_by: Mapped[str] = mapped_column(String(120))
    booked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="positive"),
        CheckConstraint(one_of("kind", values(RecoveryKind)), name="kind"),
        UniqueConstraint("advance_id", "receipt_id"),
    )


class OneOffPayment(Base):
    """An incidentele betaling: a bill paid once from the household's money to a creditor (``creditor_id``), or
    extra leefgeld to the household itself (``creditor_id`` NULL), asked by a caseworker and approved by a finance
    user who did not ask. Once approved, the next payment run pays it as an item of its own (obligation key
    ``oo:<id>``; a cancelled or returned payment frees the key, and a later run pays it again)."""

    __tablename__ = "one_off_payments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str | None] = mapped_column(String(140))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=OneOffStatus.REQUESTED.value, index=True)
    obligation_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    """``oo:<id, ten digits>``, set at approval: the key its payment item carries while it is live."""
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="positive"),
        CheckConstraint(one_of("status", values(OneOffStatus)), name="status"),
    )


class IbanHold(Base):
    """An IBAN that must not be paid: a payment to it came back with a reason saying the account is wrong or closed
    (see :mod:`budgetbeheer.payments.return_reasons`). While a hold is active every payment a run plans to that IBAN
    is held out. ``active_iban`` is the IBAN while the hold is active and NULL once lifted; its UNIQUE constraint
    keeps one active hold per IBAN. The party (a creditor in the register or a household's own account) is the one
    whose payment came back."""

    __tablename__ = "iban_holds"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    iban: Mapped[str] = mapped_column(String(34), index=True)
    active_iban: Mapped[str | None] = mapped_column(String(34), unique=True)
    party: Mapped[str] = mapped_column(String(16))
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    """The household whose payment came back (for a creditor's IBAN: the household it was paid for)."""
    payment_item_id: Mapped[int] = mapped_column(ForeignKey("payment_items.id"))
    reason_code: Mapped[str] = mapped_column(String(8))
    held_at: Mapped[datetime] = mapped_column(UtcDateTime())
    held_by: Mapped[str] = mapped_column(String(120))
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    lifted_by: Mapped[str | None] = mapped_column(String(120))
    lifted_by_change_id: Mapped[int | None] = mapped_column(ForeignKey("iban_changes.id"))
    lift_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(one_of("party", values(Party)), name="party"),
        CheckConstraint(f"(party = '{Party.CREDITOR.value}') = (creditor_id IS NOT NULL)", name="creditor_party"),
        CheckConstraint("active_iban IS NULL OR active_iban = iban", name="active_iban"),
    )


class IbanChange(Base):
    """A proposed change of a payee's IBAN (a household's own account, or a creditor's in the register), confirmed
    by a finance user who did not propose it (four eyes). ``pending_key`` (``household:<id>`` or ``creditor:<id>``)
    is set while the change is pending and NULL once decided: one pending change per payee."""

    __tablename__ = "iban_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    party: Mapped[str] = mapped_column(String(16))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("creditors.id"), index=True)
    pending_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    old_iban: Mapped[str] = mapped_column(String(34))
    new_iban: Mapped[str] = mapped_column(String(34))
    old_holder: Mapped[str | None] = mapped_column(String(140))
    new_holder: Mapped[str | None] = mapped_column(String(140))
    old_bic: Mapped[str | None] = mapped_column(String(11))
    new_bic: Mapped[str | None] = mapped_column(String(11))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=IbanChangeStatus.PENDING.value)
    proposed_by: Mapped[str] = mapped_column(String(120))
    proposed_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint(one_of("party", values(Party)), name="party"),
        CheckConstraint(one_of("status", IBAN_CHANGE_STATUSES), name="status"),
        CheckConstraint(
            "(party = 'household' AND household_id IS NOT NULL AND creditor_id IS NULL) OR "
            "(party = 'creditor' AND creditor_id IS NOT NULL AND household_id IS NULL)",
            name="payee",
        ),
        CheckConstraint(f"(status = '{IbanChangeStatus.PENDING.value}') = (pending_key IS NOT NULL)", name="pending_key"),
    )
