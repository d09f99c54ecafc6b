"""The bank queue beyond "this is a household's money": suggestions, money that is no household's, undoing.

- :func:`suggestions`: the households a waiting line most likely belongs to (its payer's IBAN is the household's own
  account, the household's number or the account holder's name is in the text, the amount is an expected income).
- :func:`assign_to_account`: a line that is no household's money (bank charges, a top-up or a refund by the
  municipality) goes from unmatched to a named account of :data:`ACCOUNTS`, with a reason; the money identity keeps
  holding (those accounts are its ``municipality`` term).
- :func:`unassign`: an assignment to an account is undone by a reversal booking; the line waits again. (An
  assignment to a household booked a receipt: that is corrected by rebooking the receipt, not here.)

Everything is audited in the caller's transaction; nothing booked is edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.ledger.service import (
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
from budgetbeheer.tables.households import ExpectedIncome, Household
from budgetbeheer.tables.states import HouseholdStatus

ACCOUNTS = (BANK_COSTS, MUNICIPALITY)
"""The named accounts a line that is no household's money may go to."""
MAX_SUGGESTIONS = 5
_NUMBER = re.compile(r"\b(\d{1,12})\b")


def _line(session: Session, line_id: int, *, lock: bool = False) -> BankLine:
    query = select(BankLine).where(BankLine.id == line_id).execution_options(populate_existing=True)
    line = session.scalar(query.with_for_update() if lock else query)
    if line is None:
        raise NotFound(Message("Bankpost %(id)s bestaat niet.", id=line_id))
    return line


@dataclass(frozen=True)
class Suggestion:
    household_id: int
    account_holder: str
    status: str
    why: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"household_id": self.household_id, "account_holder": self.account_holder, "status": self.status,
                "why": list(self.why)}


def suggestions(session: Session, line_id: int) -> list[Suggestion]:
    """The likely households of a line, best first (most reasons first, then the household's number)."""
    line = _line(session, line_id)
    text = f"{line.remittance or ''} {line.counterparty_name or ''}".lower()
    reasons: dict[int, list[str]] = {}

    def add(household_id: int, why: str) -> None:
        found = reasons.setdefault(int(household_id), [])
        if why not in found:
            found.append(why)

    if line.counterparty_iban:
        for hid in session.scalars(select(Household.id).where(Household.iban == line.counterparty_iban)):
            add(hid, "iban")
    numbers = {int(n) for n in _NUMBER.findall(text)}
    if numbers:
        for hid in session.scalars(select(Household.id).where(Household.id.in_(sorted(numbers)[:50]))):
            add(hid, "reference")
    name = (line.counterparty_name or "").strip()
    words = [w for w in re.split(r"\W+", name.lower()) if len(w) >= 4]
    if words:
        conditions = [Household.account_holder.ilike(f"%{word}%") for word in words[:5]]
        for hid in session.scalars(select(Household.id).where(or_(*conditions)).limit(50)):
            add(hid, "name")
    if line.amount_cents > 0:
        for hid in session.scalars(select(ExpectedIncome.household_id)
                                   .where(ExpectedIncome.amount_cents == line.amount_cents).limit(50)):
            add(hid, "amount")
    if not reasons:
        return []
    rows = {int(h.id): h for h in session.scalars(select(Household).where(Household.id.in_(list(reasons))))}
    ranked = sorted(reasons, key=lambda hid: (-len(reasons[hid]), rows[hid].status == HouseholdStatus.ENDED, hid))
    return [Suggestion(hid, rows[hid].account_holder, str(rows[hid].status), tuple(reasons[hid]))
            for hid in ranked[:MAX_SUGGESTIONS] if hid in rows]


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


def unassign(session: Session, actor: Actor, line_id: int, reason: object) -> BankLine:
    """Undo an assignment to an account: the booking is reversed (on the line's booking date), the line waits again."""
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError({"reason": Message("Geef een reden voor het terugdraaien.")})
    line = _line(session, line_id, lock=True)
    if line.state != LineState.ASSIGNED:
        raise Conflict(Message("Bankpost %(id)s is niet toegewezen; er is niets terug te draaien.", id=line.id),
                       {"state": Message(str(line.state))})
    if line.matched_type != MatchedTo.ACCOUNT:
        raise Conflict(Message("Bankpost %(id)s is als ontvangst %(receipt)s aan een huishouden geboekt; corrigeer "
                               "die ontvangst (overboeken naar het goede huishouden).", id=line.id,
                               receipt=line.matched_id or "?"))
    prefix = f"bank-line:{line.id}:account:"
    last = session.scalar(select(Transaction.id).where(Transaction.idempotency_key.like(prefix + "%"))
                          .order_by(Transaction.id.desc()).limit(1))
    assert last is not None
    reversal = reverse(session, last, business_date=line.booking_date, booked_by=actor.name,
                       reason=f"toewijzing van bankpost {line.id} teruggedraaid: {reason.strip()}")
    before = {"state": line.state, "account": line.matched_id}
    line.state = LineState.UNMATCHED
    line.matched_type = None
    line.matched_id = None
    line.reason = f"Toewijzing teruggedraaid: {reason.strip()}"
    line.assigned_by = None
    line.assigned_at = None
    session.flush()
    record(session, actor, "bank_line.unassigned", "bank_line", line.id, before=before,
           after={"state": line.state, "ledger_transaction_id": reversal.id}, reason=reason.strip())
    return line
