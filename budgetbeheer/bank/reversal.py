"""Reversals (``RvslInd``): the bank takes back an earlier booking of its own; undo what that original line did.

The original is the most recent line already matched or assigned, not yet reversed, of the opposite amount (a
reversal keeps the sign the bank booked: the storno of a credit of 100.00 is a debit of 100.00) with one of the
reversal's references: an EndToEndId, the bank's reference or the ``PmtInfId``. Its effect is undone by reversing
ledger transactions; nothing booked is edited or deleted:

- income booked or confirmed as a receipt: the receipt's booking is reversed (household → bank), when the
  household's funds still cover it;
- a credit assigned to a household: the receipt's booking is reversed (household → unmatched) and the original's
  queue booking (bank → unmatched) too, when the funds still cover it;
- a line assigned to an account (bank charges, the municipality): that assignment and the original's queue booking
  are reversed;
- a settlement debit of our payments: **the queue**. No rule lets a settled payment go back in transit
  (:mod:`budgetbeheer.tables.states`); the bank must say whether it executes them again;
- a return of one of our payments: **the queue**. The returned payment may have been paid again in a later run and
  its IBAN may be held; a person decides.

Anything else, no original found, or a household whose funds no longer cover the receipt (the money was paid out):
the reversal waits in the queue with the reason. A reversal that undid its original is ``matched`` to it
(:attr:`MatchedTo.LINE`, ``matched_id`` the original's id), audited as ``bank_line.reversed``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.bank import undo as undoing
from budgetbeheer.bank.model import Entry
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.ledger.service import reverse
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.bank import BankLine, LineState, MatchedTo


def _references(line: BankLine, entry: Entry) -> tuple[set[str], set[str], set[str]]:
    e2e = {t.end_to_end_id for t in entry.transfers if t.end_to_end_id}
    e2e |= {t.original_end_to_end_id for t in entry.transfers if t.original_end_to_end_id}
    if line.end_to_end_id:
        e2e.add(line.end_to_end_id)
    bank = {r for r in (entry.account_servicer_reference, line.bank_reference,
                        *(t.bank_reference for t in entry.transfers)) if r}
    blocks = {r for r in (line.payment_information_id, entry.batch.payment_information_id if entry.batch else None,
                          *(t.payment_information_id for t in entry.transfers)) if r}
    return e2e, bank, blocks


def find_original(session: Session, line: BankLine, entry: Entry) -> BankLine | None:
    """The line this reversal undoes (see the module docstring), locked; None when there is none."""
    e2e, bank, blocks = _references(line, entry)
    refs: list[ColumnElement[bool]] = []
    if e2e:
        refs.append(BankLine.end_to_end_id.in_(sorted(e2e)))
    if bank:
        refs.append(BankLine.bank_reference.in_(sorted(bank)))
    if blocks:
        refs.append(BankLine.payment_information_id.in_(sorted(blocks)))
    if not refs:
        return None
    candidates = list(session.scalars(
        select(BankLine).where(BankLine.amount_cents == -line.amount_cents, BankLine.reversal.is_(False),
                               BankLine.id != line.id, BankLine.state.in_((LineState.MATCHED, LineState.ASSIGNED)),
                               or_(*refs))
        .order_by(BankLine.booking_date.desc(), BankLine.id.desc()).limit(20)))
    if not candidates:
        return None
    undone = set(session.scalars(select(BankLine.matched_id).where(
        BankLine.reversal.is_(True), BankLine.matched_type == MatchedTo.LINE,
        BankLine.matched_id.in_([str(c.id) for c in candidates]))))
    for candidate in candidates:
        if str(candidate.id) not in undone:
            return session.scalar(select(BankLine).where(BankLine.id == candidate.id).with_for_update())
    return None


def _queued(line: BankLine, reason: str) -> None:
    line.state = LineState.UNMATCHED
    line.reason = reason


def _last_account_booking(session: Session, original: BankLine) -> int | None:
    prefix = f"bank-line:{original.id}:account:"
    return session.scalar(select(Transaction.id).where(Transaction.idempotency_key.like(prefix + "%"))
                          .order_by(Transaction.id.desc()).limit(1))


def _undo_receipt(session: Session, actor: Actor, line: BankLine, original: BankLine) -> str | dict[str, Any]:
    receipt = undoing.receipt_of(session, original)
    if receipt is None:
        return f"Correctie (storno) van bankpost {original.id}, maar de ontvangst daarvan is niet gevonden."
    if undoing.receipt_reversed(session, receipt):
        return (f"Correctie (storno) van bankpost {original.id}, maar ontvangst {receipt.id} is al teruggedraaid; "
                "kijk na wat er met het geld gebeurd is.")
    short = undoing.shortfall(session, receipt)
    if short:
        return (f"Correctie (storno) door de bank van ontvangst {receipt.id} ({cents_to_str(receipt.amount_cents)}) "
                f"voor huishouden {receipt.household_id}, maar het huishouden heeft {cents_to_str(short)} daarvan "
                "niet meer (al uitbetaald of onderweg). Zoek uit hoe het tekort wordt teruggehaald.")
    why = f"storno door de bank (bankpost {line.id})"
    booked = [undoing.reverse_receipt(session, actor, receipt, on=line.booking_date, reason=why).id]
    if original.state == LineState.ASSIGNED and original.ledger_transaction_id is not None:
        # assigned from the queue: the money had come in as bank → unmatched; that goes back too
        booked.append(reverse(session, original.ledger_transaction_id, business_date=line.booking_date,
                              booked_by=actor.name, reason=f"bankpost {original.id}: {why}").id)
    return {"receipt_id": receipt.id, "household_id": receipt.household_id, "ledger_transaction_ids": booked}


def _undo_account(session: Session, actor: Actor, line: BankLine, original: BankLine) -> str | dict[str, Any]:
    assigned = _last_account_booking(session, original)
    if assigned is None or original.ledger_transaction_id is None or undoing.reversal_of(session, assigned) is not None:
        return f"Correctie (storno) van bankpost {original.id}, maar de boeking op de rekening is niet gevonden."
    why = f"storno door de bank (bankpost {line.id})"
    booked = [reverse(session, assigned, business_date=line.booking_date, booked_by=actor.name,
                      reason=f"toewijzing van bankpost {original.id}: {why}").id,
              reverse(session, original.ledger_transaction_id, business_date=line.booking_date,
                      booked_by=actor.name, reason=f"bankpost {original.id}: {why}").id]
    return {"account": original.matched_id, "ledger_transaction_ids": booked}


def undo_line(session: Session, actor: Actor, line: BankLine, original: BankLine) -> str | dict[str, Any]:
    """Undo what ``original`` did for the reversal ``line``: what was booked (a dict), or why it must wait (a str)."""
    kind = original.matched_type
    if kind == MatchedTo.RECEIPT:
        return _undo_receipt(session, actor, line, original)
    if kind == MatchedTo.ACCOUNT and original.state == LineState.ASSIGNED:
        return _undo_account(session, actor, line, original)
    if kind in (MatchedTo.ITEM, MatchedTo.BATCH):
        return (f"Correctie (storno) door de bank van afschrijving bankpost {original.id} (betalingen "
                f"{original.matched_id}): die betalingen blijven als afgeschreven geboekt. Vraag de bank of ze opnieuw "
                "worden uitgevoerd, of boek het bedrag op een rekening met de reden.")
    if kind == MatchedTo.RETURN:
        return (f"Correctie (storno) door de bank van terugboeking bankpost {original.id} (betaling "
                f"{original.matched_id}): volgens de bank is de betaling toch uitgevoerd. Het geld staat weer bij het "
                "huishouden en de betaling kan al opnieuw zijn betaald; zoek uit wat er moet gebeuren.")
    return f"Correctie (storno) van bankpost {original.id}; kijk na welke post hij herstelt."


def undo(session: Session, actor: Actor, line: BankLine, entry: Entry) -> None:
    """Match a reversal entry: undo its original (matched to it) or leave it for the queue with the reason; the caller
    (:func:`budgetbeheer.bank.matching.match_and_store`) queues an unmatched line and counts it."""
    original = find_original(session, line, entry)
    if original is None:
        return _queued(line, "Correctie (storno) door de bank, maar de oorspronkelijke post is niet gevonden (zelfde "
                             "bedrag met het andere teken, hetzelfde EndToEndId, bankkenmerk of PmtInfId, herkend of "
                             "toegewezen en nog niet teruggedraaid).")
    done = undo_line(session, actor, line, original)
    if isinstance(done, str):
        return _queued(line, done)
    before = {"state": line.state}
    line.state = LineState.MATCHED
    line.matched_type = MatchedTo.LINE
    line.matched_id = str(original.id)
    line.reason = None
    line.ledger_transaction_id = done["ledger_transaction_ids"][-1]
    session.flush()
    record(session, actor, "bank_line.reversed", "bank_line", line.id, before=before,
           after={"state": line.state, "original_line_id": original.id, "original_matched_to": original.matched_type,
                  "amount": cents_to_str(line.amount_cents), **done})
