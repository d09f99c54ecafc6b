"""Holding an IBAN after a return that says the account is wrong or closed, and lifting the hold.

A payment that comes back with such a reason (:func:`budgetbeheer.payments.return_reasons.holds_iban`) holds the IBAN
it was paid to: for a fixed cost the creditor's IBAN in the register, for leefgeld the household's own IBAN. While
the hold is active every payment a run plans to that IBAN is held out (status ``held``, with the reason), for every
creditor and household that has it; the money stays in the household's funds. An
:class:`~budgetbeheer.payments.events.IbanHeld` event goes out, then all of a use case's as one
:class:`~budgetbeheer.payments.events.IbansHeld` (lifecycle gives the caseworker of the household and
finance each one signal per hold); lifting publishes :class:`~budgetbeheer.payments.events.IbanHoldLifted`.

A hold is lifted by a confirmed IBAN change (:mod:`budgetbeheer.payments.iban_changes`): when the payee moves to
another IBAN and no other payee still has the held one, or when the change confirms the same IBAN (the bank says the
account is fine again). Lifting closes the hold's signals with a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, Change, record, record_many
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Message
from budgetbeheer.events import publish
from budgetbeheer.i18n import Cents, Said
from budgetbeheer.payments.events import IbanHeld, IbanHoldLifted, IbansHeld
from budgetbeheer.payments.return_reasons import reason_for
from budgetbeheer.tables.households import Creditor, Household
from budgetbeheer.tables.payments import IbanHold, PaymentItem
from budgetbeheer.tables.states import HouseholdStatus

LEEFGELD = "leefgeld"


def compact(iban: str) -> str:
    return "".join(iban.split()).upper()


def active_hold(session: Session, iban: str) -> IbanHold | None:
    return session.scalar(select(IbanHold).where(IbanHold.active_iban == compact(iban)))


def hold_reason(hold: IbanHold, end_to_end_id: str | None = None) -> str:
    """Why a payment to a held IBAN is held out, as the batch and the household page show it (Dutch, like the other
    hold reasons of a run)."""
    reason = reason_for(hold.reason_code)
    returned = f"betaling {end_to_end_id} " if end_to_end_id else "een betaling "
    return (
        f"IBAN {hold.iban} is tegengehouden: {returned}kwam op {hold.held_at:%d-%m-%Y} terug met {reason.code} "
        f"({reason.nl}); niets gaat naar dit IBAN tot financiën of de klantmanager het verbetert"
    )


def active_hold_reasons(session: Session) -> dict[str, str]:
    """IBAN → hold reason for every active hold: what a payment run needs (one small query)."""
    rows = session.execute(
        select(IbanHold, PaymentItem.end_to_end_id)
        .join(PaymentItem, PaymentItem.id == IbanHold.payment_item_id)
        .where(IbanHold.active_iban.is_not(None))
    ).all()
    return {hold.iban: hold_reason(hold, e2e) for hold, e2e in rows}


def hold_snapshot(hold: IbanHold) -> dict[str, Any]:
    return {
        "id": hold.id,
        "iban": hold.iban,
        "active": hold.active_iban is not None,
        "party": hold.party,
        "creditor_id": hold.creditor_id,
        "household_id": hold.household_id,
        "payment_item_id": hold.payment_item_id,
        "reason_code": hold.reason_code,
        "reason": reason_for(hold.reason_code).nl,
        "held_at": hold.held_at.isoformat(),
        "held_by": hold.held_by,
        "lifted_at": hold.lifted_at.isoformat() if hold.lifted_at else None,
        "lifted_by": hold.lifted_by,
        "lifted_by_change_id": hold.lifted_by_change_id,
        "lift_reason": hold.lift_reason,
    }


def _current_ibans(session: Session, items: Iterable[PaymentItem]) -> dict[int, str | None]:
    """Each payee's IBAN as it is now (it may have been changed since the payment left), by item id."""
    items = list(items)
    households = {i.household_id for i in items if i.kind == LEEFGELD}
    creditors = {i.creditor_id for i in items if i.kind != LEEFGELD and i.creditor_id is not None}
    household_ibans = dict(session.execute(select(Household.id, Household.iban).where(Household.id.in_(households)))
                           .all()) if households else {}
    creditor_ibans = dict(session.execute(select(Creditor.id, Creditor.iban).where(Creditor.id.in_(creditors)))
                          .all()) if creditors else {}
    return {i.id: household_ibans.get(i.household_id) if i.kind == LEEFGELD
            else creditor_ibans.get(i.creditor_id) if i.creditor_id is not None else None for i in items}


def hold_for_returns(session: Session, actor: Actor, returned: Sequence[tuple[PaymentItem, str]]) -> dict[int, IbanHold]:
    """Hold the IBAN each item was paid to, because it came back with its code; item id → its hold. An IBAN that is
    already held keeps its first hold (one active hold per IBAN, guaranteed by the database: a hold made by another
    return at the same moment makes this use case fail, to be tried again, rather than hold twice). Each new hold is
    audited and, when the payee still has that IBAN, announced (:class:`IbanHeld`, then all of them as
    :class:`IbansHeld`)."""
    if not returned:
        return {}
    ibans = sorted({compact(item.iban) for item, _code in returned})
    active = {hold.active_iban: hold for hold in session.scalars(
        select(IbanHold).where(IbanHold.active_iban.in_(ibans)))}
    held: dict[int, IbanHold] = {}
    created: list[tuple[IbanHold, PaymentItem]] = []
    for item, code in returned:
        iban = compact(item.iban)
        hold = active.get(iban)
        if hold is None:
            party = "household" if item.kind == LEEFGELD or item.creditor_id is None else "creditor"
            hold = active[iban] = IbanHold(
                iban=iban, active_iban=iban, party=party,
                creditor_id=item.creditor_id if party == "creditor" else None, household_id=item.household_id,
                payment_item_id=item.id, reason_code=code, held_at=utcnow(), held_by=actor.name,
            )
            session.add(hold)
            created.append((hold, item))
        held[item.id] = hold
    session.flush()
    record_many(session, actor, [
        Change("iban_hold.created", "iban_hold", hold.id, after=hold_snapshot(hold),
               reason=f"Betaling {item.end_to_end_id} teruggekomen met {hold.reason_code} "
                      f"({reason_for(hold.reason_code).nl})")
        for hold, item in created])
    current = _current_ibans(session, (item for _hold, item in created))
    announced = tuple(_held(hold, item, actor) for hold, item in created if current[item.id] == hold.iban)
    for event in announced:  # an IBAN already replaced needs nobody's action
        publish(session, event)
    if announced:
        publish(session, IbansHeld(holds=announced, actor=actor))
    return held


def _held(hold: IbanHold, item: PaymentItem, actor: Actor) -> IbanHeld:
    reason = reason_for(hold.reason_code)
    whose = (Message("het eigen IBAN van huishouden %(household)s", household=hold.household_id)
             if hold.party == "household" else
             Message("het IBAN van %(creditor)s in het register", creditor=item.creditor_name))
    message = Said(
        "De betaling van %(amount)s aan %(creditor)s (%(iban)s) is teruggekomen met %(code)s (%(meaning)s). Er gaat "
        "niets meer naar dit IBAN: het geld blijft op het saldo van het huishouden. Verbeter %(whose)s "
        "(IBAN-wijziging, bevestigd door een tweede medewerker financiën).",
        amount=Cents(item.amount_cents), creditor=item.creditor_name, iban=hold.iban, code=reason.code,
        meaning=Message(reason.nl), whose=whose)
    return IbanHeld(hold_id=hold.id, household_id=hold.household_id, message=message, actor=actor)


def payees_using(session: Session, iban: str) -> int:
    """How many creditors in the register and households not yet ended have this IBAN."""
    iban = compact(iban)
    creditors = session.scalar(select(func.count(Creditor.id)).where(Creditor.iban == iban)) or 0
    households = session.scalar(
        select(func.count(Household.id)).where(Household.iban == iban, Household.status != HouseholdStatus.ENDED)
    ) or 0
    return int(creditors) + int(households)


def lift(session: Session, actor: Actor, hold: IbanHold, *, reason: str, change_id: int | None = None) -> None:
    """Lift an active hold (the IBAN is corrected or confirmed), with its audit entry; its open signals are closed
    with the same note."""
    if hold.active_iban is None:
        return
    before = hold_snapshot(hold)
    hold.active_iban = None
    hold.lifted_at = utcnow()
    hold.lifted_by = actor.name
    hold.lifted_by_change_id = change_id
    hold.lift_reason = reason
    session.flush()
    record(session, actor, "iban_hold.lifted", "iban_hold", hold.id, before=before, after=hold_snapshot(hold),
           reason=reason)
    publish(session, IbanHoldLifted(hold_id=hold.id, reason=reason, actor=actor))


def holds_for(
    session: Session, *, household_id: int | None = None, ibans: Iterable[str] = (), active_only: bool = True
) -> list[IbanHold]:
    """Holds raised by a household's returns or on any of ``ibans``, newest first."""
    conditions = []
    if household_id is not None:
        conditions.append(IbanHold.household_id == household_id)
    wanted = [compact(i) for i in ibans]
    if wanted:
        conditions.append(IbanHold.iban.in_(wanted))
    if not conditions:
        return []
    query = select(IbanHold).where(or_(*conditions))
    if active_only:
        query = query.where(IbanHold.active_iban.is_not(None))
    return list(session.scalars(query.order_by(IbanHold.id.desc())))


def list_holds(session: Session, *, active_only: bool = True, limit: int = 500) -> list[IbanHold]:
    query = select(IbanHold)
    if active_only:
        query = query.where(IbanHold.active_iban.is_not(None))
    return list(session.scalars(query.order_by(IbanHold.id.desc()).limit(limit)))

