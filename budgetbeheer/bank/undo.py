"""Undoing what a bank line booked, shared by the bank's reversals (:mod:`budgetbeheer.bank.reversal`) and a person
undoing an assignment from the queue (:func:`budgetbeheer.bank.queue.unassign`).

Nothing booked is edited or deleted: a receipt is undone by a reversal of its ledger transaction (the receipt row
stays, with the reversal beside it in the ledger and the audit trail); the household's money is taken back only as
far as the household still holds it (:func:`shortfall`), since money already paid out cannot be taken back by a
booking.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.households.receipts import receipt_snapshot
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.ledger.service import household_balance, reverse
from budgetbeheer.tables.bank import BankLine, MatchedTo
from budgetbeheer.tables.households import Receipt


def receipt_of(session: Session, line: BankLine) -> Receipt | None:
    """The receipt a line was matched or assigned to, or None."""
    if line.matched_type != MatchedTo.RECEIPT or not (line.matched_id or "").isdigit():
        return None
    return session.get(Receipt, int(line.matched_id or 0))


def booked_from(receipt: Receipt, line: BankLine) -> bool:
    """Whether matching booked ``receipt`` from this very line (not an announced receipt the line confirmed)."""
    return receipt.source == "bank" and receipt.idempotency_key == f"bank-line:{line.id}"


def reversal_of(session: Session, transaction_id: int | None) -> int | None:
    """The ledger transaction that reversed ``transaction_id``, or None."""
    if transaction_id is None:
        return None
    return session.scalar(select(Transaction.id).where(Transaction.reverses_id == transaction_id))


def receipt_reversed(session: Session, receipt: Receipt) -> bool:
    return reversal_of(session, receipt.ledger_transaction_id) is not None


def shortfall(session: Session, receipt: Receipt) -> int:
    """How many cents of the receipt the household no longer holds (0: its funds still cover the receipt)."""
    if receipt.household_id is None:
        return 0
    return max(0, receipt.amount_cents - household_balance(session, receipt.household_id))


def reverse_receipt(session: Session, actor: Actor, receipt: Receipt, *, on: date, reason: str) -> Transaction:
    """Reverse the receipt's booking (the household's funds give the money back to where it came from: the bank or
    ``unmatched``), audited as ``receipt.reversed``."""
    booked = reverse(session, receipt.ledger_transaction_id, business_date=on, booked_by=actor.name,
                     reason=f"ontvangst {receipt.id} teruggedraaid: {reason}"[:400])
    record(session, actor, "receipt.reversed", "receipt", receipt.id, before=receipt_snapshot(receipt),
           after=receipt_snapshot(receipt) | {"reversed_by_transaction_id": booked.id}, reason=reason)
    return booked


def reversed_by(session: Session, line_id: int) -> BankLine | None:
    """The bank's reversal (``RvslInd``) that undid this line, or None."""
    return session.scalar(select(BankLine).where(BankLine.reversal.is_(True), BankLine.matched_type == MatchedTo.LINE,
                                                 BankLine.matched_id == str(line_id)).limit(1))
