"""The bank queue beyond "this is a household's money": money that is no household's, undoing an assignment.

(The households a waiting line most likely belongs to are :func:`budgetbeheer.bank.suggest.suggestions`.)

- :func:`assign_to_account`: a line that is no household's money (bank charges, a top-up or a refund by the
  municipality) goes from unmatched to a named account of :data:`ACCOUNTS`, with a reason; the money identity keeps
  holding (those accounts are its ``municipality`` term).
- :func:`unassign`: an assignment is undone by reversal bookings and the line waits again: one to an account (its
  booking reversed), one to a household (the receipt's booking reversed: household → unmatched), also a receipt that
  matching booked from the line itself (household → bank, and the line is queued bank → unmatched). Refused (409)
  when the household no longer holds the money (paid out or on its way to the bank), when the line confirms a
  receipt announced through the API or a CSV (correct that receipt), and when the bank itself reversed the line.

Everything is audited in the caller's transaction; nothing booked is edited.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.bank import undo
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.ledger.service import (
    BANK,
    BANK_COSTS,
    MUNICIPALITY,
    MUNICIPALITY_ACCOUNT_NAMES,
    UNMATCHED,
    account_id,
    municipality_account_id,
    reverse,
    transfer,
)
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.bank import BankLine, LineState, MatchedTo
from budgetbeheer.tables.households import Receipt

ACCOUNTS = (BANK_COSTS, MUNICIPALITY)
"""The named accounts a line that is no household's money may go to."""


def _line(session: Session, line_id: int, *, lock: bool = False) -> BankLine:
    query = select(BankLine).where(BankLine.id == line_id).execution_options(populate_existing=True)
    line = session.scalar(query.with_for_update() if lock else query)
    if line is None:
        raise NotFound(Message("Bankpost %(id)s bestaat niet.", id=line_id))
    return line


def _not_unmatched(line: BankLine) -> Conflict:
    return Conflict(Message("Bankpost %(id)s is al %(state)s; er wordt niets dubbel geboekt.", id=line.id,
                            state=line.state), {"state": Message(str(line.state))})


def assign_to_account(session: Session, actor: Actor, line_id: int, account: object, reason: object) -> BankLine:
    """Book an unmatched line to a named account (:data:`ACCOUNTS`) with a reason: unmatched ↔ that account."""
    if not isinstance(account, str) or account not in ACCOUNTS:
        raise ValidationError({"account": Message("Kies een van de rekeningen: %(accounts)s.",
                                                  accounts=", ".join(ACCOUNTS))})
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": Message("Geef een reden: waarom is dit geld van geen huishouden?")})
    line = _line(session, line_id, lock=True)
    if line.state != LineState.UNMATCHED:
        raise _not_unmatched(line)
    unmatched, target = account_id(session, UNMATCHED), municipality_account_id(session, account)
    credit = line.amount_cents > 0  # money in: unmatched → the account; a charge: the account → unmatched
    booked = transfer(
        session, debit_account_id=unmatched if credit else target, credit_account_id=target if credit else unmatched,
        amount_cents=abs(line.amount_cents), business_date=line.booking_date, kind="bank_line_assigned",
        description=f"Bankpost {line.id} naar {MUNICIPALITY_ACCOUNT_NAMES[account]}: {reason.strip()}",
        booked_by=actor.name, idempotency_key=f"bank-line:{line.id}:account:{_attempt(session, line)}",
    )
    before = {"state": line.state}
    line.state = LineState.ASSIGNED
    line.matched_type = MatchedTo.ACCOUNT
    line.matched_id = account
    line.reason = reason.strip()
    line.assigned_by = actor.name
    line.assigned_at = utcnow()
    session.flush()
    record(session, actor, "bank_line.assigned", "bank_line", line.id, before=before,
           after={"state": line.state, "account": account, "amount": cents_to_str(line.amount_cents),
                  "ledger_transaction_id": booked.id}, reason=reason.strip())
    return line


def _attempt(session: Session, line: BankLine) -> int:
    """How many times the line was assigned to an account before (an undone assignment may be made again)."""
    prefix = f"bank-line:{line.id}:account:"
    keys = session.scalars(select(Transaction.idempotency_key).where(Transaction.idempotency_key.like(prefix + "%")))
    return 1 + len(list(keys))


def assignment_key(session: Session, line: BankLine) -> str:
    """The idempotency key of the receipt an assignment of ``line`` to a household books: the first is
    ``bank-line:<id>:assigned``, one after an undone assignment gets ``:2``, ``:3``, ..."""
    base = f"bank-line:{line.id}:assigned"
    earlier = int(session.scalar(select(func.count(Receipt.id)).where(
        (Receipt.idempotency_key == base) | Receipt.idempotency_key.like(base + ":%"))) or 0)
    return base if not earlier else f"{base}:{earlier + 1}"


def unassign(session: Session, actor: Actor, line_id: int, reason: object) -> BankLine:
    """Undo an assignment (see the module docstring); the line waits again, audited as ``bank_line.unassigned``."""
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": Message("Geef een reden voor het terugdraaien.")})
    line = _line(session, line_id, lock=True)
    by_bank = undo.reversed_by(session, line.id)
    if by_bank is not None:
        raise Conflict(Message("Bankpost %(id)s is door de bank zelf teruggedraaid (storno, bankpost %(reversal)s); er "
                               "is niets meer terug te draaien.", id=line.id, reversal=by_bank.id))
    if line.matched_type == MatchedTo.RECEIPT and line.state in (LineState.ASSIGNED, LineState.MATCHED):
        return _unassign_household(session, actor, line, reason.strip())
    if line.state != LineState.ASSIGNED or line.matched_type != MatchedTo.ACCOUNT:
        raise Conflict(Message("Bankpost %(id)s is niet toegewezen; er is niets terug te draaien.", id=line.id),
                       {"state": Message(str(line.state))})
    prefix = f"bank-line:{line.id}:account:"
    last = session.scalar(select(Transaction.id).where(Transaction.idempotency_key.like(prefix + "%"))
                          .order_by(Transaction.id.desc()).limit(1))
    assert last is not None
    reversal = reverse(session, last, business_date=line.booking_date, booked_by=actor.name,
                       reason=f"toewijzing van bankpost {line.id} teruggedraaid: {reason.strip()}")
    before = {"state": line.state, "account": line.matched_id}
    _back_in_queue(line, f"Toewijzing teruggedraaid: {reason.strip()}")
    session.flush()
    record(session, actor, "bank_line.unassigned", "bank_line", line.id, before=before,
           after={"state": line.state, "ledger_transaction_id": reversal.id}, reason=reason.strip())
    return line


def _back_in_queue(line: BankLine, why: str) -> None:
    line.state = LineState.UNMATCHED
    line.matched_type = None
    line.matched_id = None
    line.reason = why
    line.assigned_by = None
    line.assigned_at = None


def _unassign_household(session: Session, actor: Actor, line: BankLine, reason: str) -> BankLine:
    """The receipt booked from the line is reversed when the household still holds the money; 409 otherwise."""
    receipt = undo.receipt_of(session, line)
    if receipt is None or undo.receipt_reversed(session, receipt):
        raise Conflict(Message("Ontvangst %(receipt)s van bankpost %(id)s bestaat niet of is al teruggedraaid.",
                               id=line.id, receipt=line.matched_id or "?"))
    from_line = line.state == LineState.ASSIGNED or undo.booked_from(receipt, line)
    if not from_line:
        raise Conflict(Message("Bankpost %(id)s bevestigt ontvangst %(receipt)s, die via de API of een CSV is "
                               "aangekondigd; corrigeer die ontvangst zelf.", id=line.id, receipt=receipt.id))
    short = undo.shortfall(session, receipt)
    if short:
        raise Conflict(Message(
            "Huishouden %(household)s heeft %(short)s van deze %(amount)s niet meer: het geld is al uitbetaald of "
            "onderweg naar de bank. Terugdraaien kan dan niet; boek een correctie bij het huishouden.",
            household=receipt.household_id, short=cents_to_str(short), amount=cents_to_str(receipt.amount_cents)),
            {"household_id": Message("het saldo dekt de ontvangst niet meer")})
    before = {"state": line.state, "household_id": receipt.household_id, "receipt_id": receipt.id,
              "ledger_transaction_id": line.ledger_transaction_id}
    booked = [undo.reverse_receipt(session, actor, receipt, on=line.booking_date,
                                   reason=f"toewijzing van bankpost {line.id} teruggedraaid: {reason}").id]
    if line.state == LineState.MATCHED:  # matching booked bank → household: the line now waits as bank → unmatched
        queued = transfer(
            session, debit_account_id=account_id(session, BANK), credit_account_id=account_id(session, UNMATCHED),
            amount_cents=line.amount_cents, business_date=line.booking_date, kind="bank_line_unmatched",
            description=f"Bankpost {line.id} terug in de wachtrij: {reason}"[:500], booked_by=actor.name,
            idempotency_key=f"bank-line:{line.id}:unmatched",
        )
        line.ledger_transaction_id = queued.id
        booked.append(queued.id)
    _back_in_queue(line, f"Toewijzing aan huishouden {receipt.household_id} teruggedraaid: {reason}")
    session.flush()
    record(session, actor, "bank_line.unassigned", "bank_line", line.id, before=before,
           after={"state": line.state, "household_id": None, "receipt_id": None,
                  "ledger_transaction_id": line.ledger_transaction_id, "ledger_transaction_ids": booked},
           reason=reason)
    return line
