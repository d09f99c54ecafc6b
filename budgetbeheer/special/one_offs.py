"""One-off payments (incidentele betalingen): asked by a caseworker, approved by a finance user who did not ask.

A one-off payment pays a bill once from the household's money (a GGD bill, a school trip, a fine) to a creditor in
the register, or extra leefgeld out of the buffer to the household's own IBAN. It is refused when the money is not
there: what the household can spend is its balance minus what proposed batches already plan, minus every fixed cost
the next run keeps back, minus the approved one-off payments that wait for a run (the buffer may be used). The
request says how much is there. Approval checks that again and sets the obligation key ``oo:<id>``; the next payment
run (:mod:`budgetbeheer.payments.runs.plan`) pays it as an item of kind ``one_off``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.households.common import get_household, row_id, running
from budgetbeheer.households.figures import household_figures
from budgetbeheer.money import cents_to_str, format_eur
from budgetbeheer.payments.runs.model import one_off_key
from budgetbeheer.tables.households import Creditor
from budgetbeheer.tables.payments import OneOffPayment, PaymentItem
from budgetbeheer.tables.reads import waiting_one_off_cents
from budgetbeheer.tables.states import OneOffStatus

MAX_REASON = 500
MAX_REFERENCE = 140


@dataclass(frozen=True)
class Spendable:
    """What the household can spend on a one-off payment now, and how it is made up (cents)."""

    balance_cents: int
    planned_cents: int
    fixed_costs_cents: int
    waiting_cents: int

    @property
    def cents(self) -> int:
        return max(0, self.balance_cents - self.planned_cents - self.fixed_costs_cents - self.waiting_cents)

    def why(self) -> Message:
        return Message(
            "Er is %(available)s beschikbaar (saldo %(balance)s − voorgesteld %(planned)s − vaste lasten tot de "
            "volgende inkomsten %(fixed)s − goedgekeurde incidentele betalingen %(waiting)s).",
            available=format_eur(self.cents), balance=format_eur(self.balance_cents),
            planned=format_eur(self.planned_cents), fixed=format_eur(self.fixed_costs_cents),
            waiting=format_eur(self.waiting_cents))


def spendable(session: Session, household_id: int, lead_business_days: int, *, leave_out: int | None = None
              ) -> Spendable:
    figures = household_figures(session, household_id, lead_business_days=lead_business_days)
    waiting = figures.one_offs_cents if leave_out is None else waiting_one_off_cents(session, household_id,
                                                                                      leave_out=leave_out)
    return Spendable(figures.balance_cents, figures.planned_cents, figures.reserved_fixed_costs_cents, waiting)


def _parse(session: Session, data: Mapping[str, object]) -> tuple[int, Creditor | None, str | None, str]:
    errors = v.Errors()
    cents = v.amount(errors, "amount", data.get("amount"))
    to_household = data.get("to_household")
    if to_household not in (None, True, False, "true", "false", "on", ""):
        errors.add("to_household", Message("Kies ja of nee."))
    to_household = to_household in (True, "true", "on")
    creditor: Creditor | None = None
    raw_creditor = data.get("creditor_id")
    if to_household:
        if raw_creditor not in (None, ""):
            errors.add("creditor_id", Message("Kies een schuldeiser óf betaal aan het huishouden zelf, niet beide."))
    elif raw_creditor in (None, ""):
        errors.add("creditor_id", Message("Kies de schuldeiser die betaald wordt, of betaal aan het huishouden zelf."))
    else:
        creditor_id = row_id(raw_creditor)
        creditor = session.get(Creditor, creditor_id) if creditor_id is not None else None
        if creditor is None:
            errors.add("creditor_id", Message("Deze schuldeiser staat niet in het register."))
    reference = v.text(errors, "reference", data.get("reference"), required=False, maximum=MAX_REFERENCE)
    reason = v.text(errors, "reason", data.get("reason"), maximum=MAX_REASON, multiline=True)
    if reason is not None and len(reason) < 5:
        errors.add("reason", Message("Geef een reden van minstens 5 tekens."))
    errors.raise_if_any()
    assert cents is not None and reason is not None
    return cents, creditor, reference, reason


def snapshot(row: OneOffPayment) -> dict[str, Any]:
    return {"id": row.id, "household_id": row.household_id, "creditor_id": row.creditor_id,
            "amount": cents_to_str(row.amount_cents), "reference": row.reference, "reason": row.reason,
            "status": row.status, "requested_by": row.requested_by, "decided_by": row.decided_by}


def request_one_off(session: Session, actor: Actor, household_id: int, data: Mapping[str, object], *,
                    lead_business_days: int) -> OneOffPayment:
    """A caseworker asks to pay ``amount`` once from the household's money: to ``creditor_id`` (with its
    ``reference``) or, with ``to_household``, to the household's own IBAN. Refused (field ``amount``) when the money
    is not there, saying how much is."""
    household = running(get_household(session, household_id, lock=True))
    cents, creditor, reference, reason = _parse(session, data)
    if actor.user_id is None:
        raise Conflict(Message("Alleen een medewerker kan een incidentele betaling aanvragen."))
    money = spendable(session, household.id, lead_business_days)
    if cents > money.cents:
        raise ValidationError({"amount": Message("Meer dan het huishouden heeft. %(why)s", why=money.why())})
    row = OneOffPayment(household_id=household.id, creditor_id=creditor.id if creditor else None, amount_cents=cents,
                        reference=reference, reason=reason, status=OneOffStatus.REQUESTED,
                        requested_by=actor.name, requested_by_user_id=actor.user_id, requested_at=utcnow())
    session.add(row)
    session.flush()
    record(session, actor, "one_off_payment.requested", "one_off_payment", row.id, after=snapshot(row), reason=reason)
    return row


def get_one_off(session: Session, one_off_id: int, *, lock: bool = False) -> OneOffPayment:
    query = select(OneOffPayment).where(OneOffPayment.id == one_off_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(Message("Incidentele betaling %(id)s bestaat niet.", id=one_off_id))
    return row


def _decidable(row: OneOffPayment, actor: Actor, *, rejecting: bool = False) -> None:
    """Refuses (409) a decision the one-off payment's state does not allow, or one by the user who asked for it.
    An approved one may still be rejected while no payment run has it (that stops it)."""
    if row.status == OneOffStatus.APPROVED and not rejecting:
        raise Conflict(Message("Deze incidentele betaling is al goedgekeurd (door %(who)s); de volgende betaalrun "
                               "betaalt hem. Moet hij toch niet betaald worden: wijs hem af zolang hij nog in geen "
                               "betaalrun staat.", who=row.decided_by or "?"))
    if row.status == OneOffStatus.REJECTED:
        raise Conflict(Message("Deze incidentele betaling is al afgewezen (door %(who)s); vraag zo nodig een nieuwe "
                               "aan.", who=row.decided_by or "?"))
    if actor.user_id is None or actor.user_id == row.requested_by_user_id:
        raise Conflict(Message("U vroeg deze betaling zelf aan; een andere financieel medewerker keurt hem goed."),
                       {"approved_by": Message("vier ogen: niet de aanvrager")})


def approve_one_off(session: Session, actor: Actor, one_off_id: int, note: object, *,
                    lead_business_days: int) -> OneOffPayment:
    """A finance user who did not ask approves: the next payment run pays it. Refused when the money is no longer
    there (field ``amount``, saying how much is)."""
    row = get_one_off(session, one_off_id, lock=True)
    _decidable(row, actor)
    household = running(get_household(session, row.household_id, lock=True))
    errors = v.Errors()
    text = v.text(errors, "note", note, required=False, maximum=MAX_REASON, multiline=True)
    errors.raise_if_any()
    money = spendable(session, household.id, lead_business_days, leave_out=row.id)
    if row.amount_cents > money.cents:
        raise ValidationError({"amount": Message("Meer dan het huishouden nu heeft. %(why)s", why=money.why())})
    before = snapshot(row)
    row.status = OneOffStatus.APPROVED
    row.obligation_key = one_off_key(row.id)
    row.decided_by, row.decided_by_user_id, row.decided_at, row.decision_note = actor.name, actor.user_id, utcnow(), text
    session.flush()
    record(session, actor, "one_off_payment.approved", "one_off_payment", row.id, before=before, after=snapshot(row),
           reason=text)
    return row


def reject_one_off(session: Session, actor: Actor, one_off_id: int, note: object) -> OneOffPayment:
    """A finance user who did not ask rejects, with a note: a request, or an approved one no payment run has taken
    yet (one in a run: 409, cancel that run first)."""
    row = get_one_off(session, one_off_id, lock=True)
    _decidable(row, actor, rejecting=True)
    errors = v.Errors()
    text = v.text(errors, "note", note, maximum=MAX_REASON, multiline=True)
    errors.raise_if_any()
    item = payment_of(session, row)
    if item is not None:
        raise Conflict(Message("Deze incidentele betaling staat al in betaalrun %(batch)s (%(status)s). Annuleer die "
                               "betaalrun vóór de export en wijs hem dan af; na de export kan het niet meer.",
                               batch=item.batch_id, status=item.status))
    before = snapshot(row)
    row.status = OneOffStatus.REJECTED
    row.obligation_key = None
    row.decided_by, row.decided_by_user_id, row.decided_at, row.decision_note = actor.name, actor.user_id, utcnow(), text
    session.flush()
    record(session, actor, "one_off_payment.rejected", "one_off_payment", row.id, before=before, after=snapshot(row),
           reason=text)
    return row


def payment_of(session: Session, row: OneOffPayment) -> PaymentItem | None:
    """The live payment item that pays it (proposed, held, approved or settled), None while it waits for a run."""
    if row.obligation_key is None:
        return None
    return session.scalar(select(PaymentItem).where(PaymentItem.obligation_key == row.obligation_key))


def one_offs_for(session: Session, household_id: int) -> list[OneOffPayment]:
    return list(session.scalars(select(OneOffPayment).where(OneOffPayment.household_id == household_id)
                                .order_by(OneOffPayment.id.desc())))


def waiting_for_approval(session: Session, *, not_by_user: int | None = None) -> list[OneOffPayment]:
    query = select(OneOffPayment).where(OneOffPayment.status == OneOffStatus.REQUESTED)
    if not_by_user is not None:
        query = query.where(OneOffPayment.requested_by_user_id.is_distinct_from(not_by_user))
    return list(session.scalars(query.order_by(OneOffPayment.id)))


def payment_state(session: Session, row: OneOffPayment) -> str:
    """``requested``, ``rejected``, ``waiting`` (approved, no live payment yet: no run took it, or its payment was
    cancelled or came back), or the state of its live payment item (``proposed``, ``approved``, ``settled``)."""
    if row.status != OneOffStatus.APPROVED:
        return str(row.status)
    item = payment_of(session, row)
    return "waiting" if item is None else str(item.status)


def one_off_json(session: Session, row: OneOffPayment) -> dict[str, Any]:
    creditor = session.get(Creditor, row.creditor_id) if row.creditor_id else None
    item = payment_of(session, row) if row.status == OneOffStatus.APPROVED else None
    return {
        "id": row.id, "household_id": row.household_id, "amount": cents_to_str(row.amount_cents),
        "creditor_id": row.creditor_id, "creditor": creditor.name if creditor else None,
        "to_household": row.creditor_id is None, "reference": row.reference, "reason": row.reason,
        "status": row.status, "payment": payment_state(session, row),
        "batch_id": item.batch_id if item else None,
        "requested_by": row.requested_by, "requested_at": row.requested_at.isoformat(),
        "decided_by": row.decided_by, "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "decision_note": row.decision_note,
    }
