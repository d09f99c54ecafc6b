"""Rebooking a receipt that was booked to the wrong household (finance, with a reason), in one step.

Nothing booked is edited: the receipt's transaction is reversed (the money goes back to where it came from, the bank
or the unmatched account) and a new receipt books the same amount from there to the right household, both in the
same unit of work. The new receipt points back to the wrong one (``rebooked_from_id``, UNIQUE: a receipt is rebooked
once, a second try is a 409). When the wrong household no longer holds the money (it was paid out), the rebooking is
refused with what it still holds: recover it first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, LedgerError, Message, NotFound
from budgetbeheer.events import publish
from budgetbeheer.households.common import get_household, row_id, running
from budgetbeheer.households.events import ReceiptBooked
from budgetbeheer.households.receipts import receipt_snapshot
from budgetbeheer.ledger import service as ledger
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.households import Receipt

MIN_REASON = 3


def rebook_receipt(session: Session, actor: Actor, receipt_id: int, data: Mapping[str, Any],
                   *, today: date | None = None) -> Receipt:
    """Reverse receipt ``receipt_id`` and book it to ``household_id``; returns the new receipt."""
    today = today or clock.today()
    receipt = session.scalar(select(Receipt).where(Receipt.id == receipt_id).with_for_update())
    if receipt is None:
        raise NotFound(Message("Ontvangst %(id)s bestaat niet.", id=receipt_id))
    already = session.scalar(select(Receipt.id).where(Receipt.rebooked_from_id == receipt.id))
    if already is not None:
        raise Conflict(Message("Ontvangst %(id)s is al omgeboekt (naar ontvangst %(new)s); boek zo nodig die om.",
                               id=receipt.id, new=already), {"receipt_id": Message("al omgeboekt")})
    if receipt.household_id is None:
        raise Conflict(Message("Deze ontvangst staat nog niet bij een huishouden; wijs hem toe vanuit de wachtrij van "
                               "de bank."), {"receipt_id": Message("niet geboekt bij een huishouden")})
    errors = v.Errors()
    target_id = row_id(data.get("household_id"))
    if target_id is None:
        errors.add("household_id", Message("Kies het huishouden waar de ontvangst bij hoort."))
    elif target_id == receipt.household_id:
        errors.add("household_id", Message("De ontvangst staat al bij dit huishouden; kies het juiste huishouden."))
    raw_reason = data.get("reason")
    text = raw_reason.strip() if isinstance(raw_reason, str) else ""
    if len(text) < MIN_REASON:
        errors.add("reason", Message("Schrijf de reden op, bijvoorbeeld: verkeerd huishouden gekozen."))
    errors.raise_if_any()
    assert target_id is not None
    target = running(get_household(session, target_id))
    wrong = get_household(session, receipt.household_id)
    held = ledger.household_balance(session, wrong.id)
    if held < receipt.amount_cents:
        raise Conflict(
            Message("Huishouden %(id)s heeft nog %(held)s van deze %(amount)s; de rest is al uitbetaald. Vorder dat "
                    "eerst terug, of boek het verschil als eenmalige betaling.", id=wrong.id,
                    held=cents_to_str(max(held, 0)), amount=cents_to_str(receipt.amount_cents)),
            {"household_id": Message("te weinig saldo bij het verkeerde huishouden")},
        )
    source = next(p.account_id for p in ledger.postings_of(session, receipt.ledger_transaction_id)
                  if p.amount_cents > 0)
    try:
        reversal = ledger.reverse(session, receipt.ledger_transaction_id, business_date=today, booked_by=actor.name,
                                  reason=f"ontvangst {receipt.id} omgeboekt naar huishouden {target.id}: {text}")
    except LedgerError as error:
        raise Conflict(error.message, {"receipt_id": Message("al tegengeboekt")}) from None
    transaction = ledger.transfer(
        session, debit_account_id=source, credit_account_id=ledger.household_account_id(session, target.id),
        amount_cents=receipt.amount_cents, business_date=today, kind="receipt",
        description=f"Omgeboekte ontvangst {receipt.id} ({receipt.kind}, {receipt.received_on:%d-%m-%Y})",
        booked_by=actor.name, household_id=target.id,
    )
    new = Receipt(household_id=target.id, amount_cents=receipt.amount_cents, received_on=receipt.received_on,
                  kind=receipt.kind, reference=receipt.reference, source="rebook",
                  ledger_transaction_id=transaction.id, created_by=actor.name, created_at=utcnow(),
                  rebooked_from_id=receipt.id, reversal_transaction_id=reversal.id, rebook_reason=text)
    try:
        with session.begin_nested():
            session.add(new)
            session.flush()
    except IntegrityError:
        raise Conflict(Message("Deze ontvangst is net al omgeboekt; laad de pagina opnieuw."),
                       {"receipt_id": Message("al omgeboekt")}) from None
    snapshot = receipt_snapshot(receipt)
    record(session, actor, "receipt.rebooked", "household", wrong.id, before={"receipt": snapshot},
           after={"receipt_id": receipt.id, "reversal_transaction_id": reversal.id, "to_household_id": target.id,
                  "new_receipt_id": new.id}, reason=text)
    record(session, actor, "receipt.rebooked_in", "household", target.id, before=None,
           after={"receipt": receipt_snapshot(new), "from_household_id": wrong.id, "from_receipt_id": receipt.id},
           reason=text)
    publish(session, ReceiptBooked(receipt_id=new.id, household_id=target.id, amount_cents=new.amount_cents,
                                   received_on=new.received_on, kind=new.kind, actor=actor))
    return new
