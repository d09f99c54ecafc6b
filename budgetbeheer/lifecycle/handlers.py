"""How the lifecycle reacts to what the payments feature publishes (see :mod:`budgetbeheer.events`).

Each handler runs in the publisher's transaction: the signal, the closed signal or the reopened household is written
with the payment change that caused it, or not at all.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.bank.events import MoneyForEndedHousehold, ReceiptNotOnBank, StatementReconciled
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Message
from budgetbeheer.i18n import Cents
from budgetbeheer.lifecycle.ending import reopen_for_payout
from budgetbeheer.lifecycle.signals import (
    NewSignal,
    close_paid_shortfalls,
    mark_done,
    raise_signal,
    raise_signals,
    returned_payment_signal,
)
from budgetbeheer.payments.events import BatchApproved, IbanHoldLifted, IbansHeld, PaymentsReturned
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.tables.payments import PaymentItem
from budgetbeheer.tables.states import SignalRole, SignalState

IBAN_HELD = "iban_held"
IBAN_HELD_ROLES = (SignalRole.CASEWORKER, SignalRole.FINANCE)


def iban_held_key(hold_id: int, role: str) -> str:
    return f"{IBAN_HELD}:{hold_id}:{role}"


def on_batch_approved(session: Session, event: BatchApproved) -> None:
    """An instalment the batch pays late: its "not paid" signal closes now."""
    close_paid_shortfalls(session)


def on_payments_returned(session: Session, event: PaymentsReturned) -> None:
    """An ended household goes back to ``ending`` so the next run pays the money out as final leefgeld; finance gets
    a signal for each return unless its IBAN was held (that has signals of its own). All of a use case's returns in
    one go."""
    reopened: set[int] = set()
    for returned in event.returns:
        if returned.paid_out_to_household and reopen_for_payout(
            session, returned.actor, returned.household_id,
            f"Betaling {_end_to_end_id(session, returned.item_id)} teruggekomen ({returned.reason}) na het einde; het "
            "geld wordt als laatste leefgeld aan het huishouden uitbetaald.",
        ):
            reopened.add(returned.household_id)
    for household_id in sorted(reopened):
        household = session.get(Household, household_id)
        assert household is not None
        if household.reopened_for_payout_at is None:
            household.reopened_for_payout_at = utcnow()
    session.flush()
    signalled = {r.item_id: r for r in event.returns if not r.iban_held}
    items: list[PaymentItem] = []
    wanted = sorted(signalled)
    for start in range(0, len(wanted), 900):
        items += session.scalars(select(PaymentItem).where(PaymentItem.id.in_(wanted[start:start + 900])))
    raise_signals(session, [returned_payment_signal(item, paid_out_to_household=signalled[item.id]
                                                    .paid_out_to_household)
                            for item in sorted(items, key=lambda i: i.id)],
                  actor=event.actor)


def on_ibans_held(session: Session, event: IbansHeld) -> None:
    """One signal for the household's caseworker and one for finance, per hold."""
    raise_signals(session, [NewSignal(kind=IBAN_HELD, household_id=held.household_id, message=held.message,
                                      role=role, dedup_key=iban_held_key(held.hold_id, role))
                            for held in event.holds for role in IBAN_HELD_ROLES], actor=event.actor)


def on_iban_hold_lifted(session: Session, event: IbanHoldLifted) -> None:
    """The hold's open signals close with the lift's reason as their note."""
    keys = [iban_held_key(event.hold_id, role) for role in IBAN_HELD_ROLES]
    for signal_id in session.scalars(
        select(Signal.id).where(Signal.dedup_key.in_(keys), Signal.state == SignalState.OPEN).order_by(Signal.id)
    ):
        mark_done(session, event.actor, signal_id, event.reason)


def on_statement_reconciled(session: Session, event: StatementReconciled) -> None:
    """Finance hears of a difference the statement leaves after matching, and of statements never imported."""
    if event.unexplained_cents:
        raise_signal(session, kind="bank_difference", household_id=None, dedup_key=f"bank_difference:{event.statement_pk}",
                     actor=event.actor, message=Message(
                         "Afschrift %(statement)s (%(iban)s): het eindsaldo verschilt %(amount)s met de boeken op "
                         "%(on)s, na alles wat het verklaart. Kijk de wachtrij en de niet-ontvangen aankondigingen na.",
                         statement=event.statement_id, iban=event.account_iban,
                         amount=Cents(event.unexplained_cents), on=event.on))
    if event.missing_sequence:
        numbers = ", ".join(str(n) for n in event.missing_sequence)
        raise_signal(session, kind="statement_gap", household_id=None, dedup_key=f"statement_gap:{event.statement_pk}",
                     actor=event.actor, message=Message(
                         "Voor afschrift %(statement)s van %(iban)s ontbreken de afschriften met volgnummer "
                         "%(numbers)s. Lees ze in, anders kloppen bank en boeken niet.",
                         statement=event.statement_id, iban=event.account_iban, numbers=numbers))


def on_money_for_ended_household(session: Session, event: MoneyForEndedHousehold) -> None:
    raise_signal(session, kind="ended_household_money", household_id=event.household_id,
                 dedup_key=f"ended_household_money:{event.line_id}", actor=event.actor, message=Message(
                     "Er kwam %(amount)s binnen voor huishouden %(household)s, maar het ontzorgen is beëindigd. De post "
                     "(bankpost %(line)s) wacht in de wachtrij: wijs hem toe of betaal hem terug.",
                     amount=Cents(event.amount_cents), household=event.household_id, line=event.line_id))


def on_receipt_not_on_bank(session: Session, event: ReceiptNotOnBank) -> None:
    raise_signal(session, kind="receipt_not_on_bank", household_id=event.household_id,
                 dedup_key=f"receipt_not_on_bank:{event.receipt_id}", message=Message(
                     "De ontvangst van %(amount)s van %(on)s (ontvangst %(receipt)s) staat %(days)s dagen later nog op "
                     "geen enkel bankafschrift. Is hij echt binnengekomen?",
                     amount=Cents(event.amount_cents), on=event.received_on, receipt=event.receipt_id, days=event.days))


def _end_to_end_id(session: Session, item_id: int) -> str:
    return str(session.scalar(select(PaymentItem.end_to_end_id).where(PaymentItem.id == item_id)))


SUBSCRIPTIONS = [
    (BatchApproved, on_batch_approved),
    (PaymentsReturned, on_payments_returned),
    (IbansHeld, on_ibans_held),
    (IbanHoldLifted, on_iban_hold_lifted),
    (StatementReconciled, on_statement_reconciled),
    (MoneyForEndedHousehold, on_money_for_ended_household),
    (ReceiptNotOnBank, on_receipt_not_on_bank),
]
