"""Advances (voorschotten): finance lends a household money while its income is late, and gets it back by a rule.

Granting books advances (asset) ↔ the household's funds: the money identity ``bank = households + in transit +
unmatched + municipality − advances`` holds, as the household's funds and the advances grow alike. The household's
balance is its funds account, so the advance is spent like any other money of the household.

Recovery (each booking household funds → advances, with an :class:`~budgetbeheer.tables.payments.AdvanceRecovery`):

- ``next_income`` of a kind: every receipt of that kind recovers what is still open, as far as the receipt goes;
- ``instalments``: every benefit receipt recovers one part (the amount divided by the count, rounded up), as far as
  the receipt and what is open go;

both when the receipt is booked (:func:`recover_from_receipt`, a handler of
:class:`~budgetbeheer.households.events.ReceiptBooked`). What is open at the end of the period is kept back from the
final payout by the payment run (:func:`recover_from_final_payout`, a handler of
:class:`~budgetbeheer.payments.events.FinalPayoutRecovers`); what the money does not cover is written off by a
finance user who did not grant it (:func:`write_off`: the municipality's own money ↔ advances).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.households.common import get_household, running, sub_mapping
from budgetbeheer.households.events import ReceiptBooked, ReceiptsBooked
from budgetbeheer.households.income import INCOME_KIND_LABELS, INCOME_KINDS
from budgetbeheer.ledger import service as ledger
from budgetbeheer.money import cents_to_str, format_eur
from budgetbeheer.payments.events import FinalPayoutRecovers
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.payments import Advance, AdvanceRecovery, PaymentItem
from budgetbeheer.tables.states import HouseholdStatus, RecoveryKind, RecoveryType, values

MAX_REASON = 500
MAX_INSTALMENTS = 12
BENEFIT = "benefit"
_OPEN_KEY = "budgetbeheer.special.open_advances"


def _parse(data: Mapping[str, object]) -> tuple[int, str, str, str | None, int | None]:
    errors = v.Errors()
    cents = v.amount(errors, "amount", data.get("amount"))
    reason = v.text(errors, "reason", data.get("reason"), maximum=MAX_REASON, multiline=True)
    if reason is not None and len(reason) < 5:
        errors.add("reason", Message("Geef een reden van minstens 5 tekens."))
    recovery = sub_mapping(data, "recovery")
    kind_of = v.choice(errors, "recovery.type", recovery.get("type"), values(RecoveryType))
    income_kind: str | None = None
    count: int | None = None
    if kind_of == RecoveryType.NEXT_INCOME:
        income_kind = v.choice(errors, "recovery.kind", recovery.get("kind"), INCOME_KINDS)
    elif kind_of == RecoveryType.INSTALMENTS:
        count = v.day_number(errors, "recovery.count", recovery.get("count"), 1, MAX_INSTALMENTS)
    errors.raise_if_any()
    assert cents is not None and reason is not None and kind_of is not None
    return cents, reason, kind_of, income_kind, count


def open_cents(session: Session, household_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.sum(Advance.open_cents), 0))
                              .where(Advance.household_id == household_id)) or 0)


def snapshot(row: Advance) -> dict[str, Any]:
    return {"id": row.id, "household_id": row.household_id, "amount": cents_to_str(row.amount_cents),
            "open": cents_to_str(row.open_cents), "recovery_type": row.recovery_type,
            "recovery_kind": row.recovery_kind, "instalments": row.instalments, "granted_on": row.granted_on.isoformat(),
            "ledger_transaction_id": row.ledger_transaction_id}


def grant_advance(session: Session, actor: Actor, household_id: int, data: Mapping[str, object], *,
                  maximum_cents: int) -> Advance:
    """Finance lends ``amount`` to a running household (not one whose period is ending), with a reason and how it
    is recovered. Refused (field ``amount``) when the household would owe more than ``maximum_cents`` in advances."""
    household = running(get_household(session, household_id, lock=True))
    cents, reason, recovery_type, income_kind, count = _parse(data)
    if household.status != HouseholdStatus.ACTIVE:
        raise Conflict(Message("De periode van dit huishouden loopt af; een voorschot kan niet meer. Betaal uit het "
                               "saldo met een incidentele betaling."))
    if actor.user_id is None:
        raise Conflict(Message("Alleen een medewerker kan een voorschot verstrekken."))
    owed = open_cents(session, household.id)
    if owed + cents > maximum_cents:
        raise ValidationError({"amount": Message(
            "Boven de grens: een huishouden mag hoogstens %(maximum)s aan voorschotten open hebben; dit huishouden "
            "heeft al %(owed)s open, dus nu kan hoogstens %(room)s.", maximum=format_eur(maximum_cents),
            owed=format_eur(owed), room=format_eur(max(0, maximum_cents - owed)))})
    today = clock.today()
    transaction = ledger.transfer(
        session, debit_account_id=ledger.account_id(session, ledger.ADVANCES),
        credit_account_id=ledger.household_account_id(session, household.id), amount_cents=cents,
        business_date=today, kind="advance", description=f"Voorschot: {reason}", booked_by=actor.name,
        household_id=household.id)
    row = Advance(household_id=household.id, amount_cents=cents, open_cents=cents, granted_on=today, reason=reason,
                  created_by=actor.name, created_by_user_id=actor.user_id, created_at=utcnow(),
                  ledger_transaction_id=transaction.id, recovery_type=recovery_type, recovery_kind=income_kind,
                  instalments=count)
    session.add(row)
    session.flush()
    cached = _open_cache(session, create=False)
    if cached is not None:
        cached.add(household.id)
    record(session, actor, "advance.granted", "advance", row.id, after=snapshot(row), reason=reason)
    return row


def get_advance(session: Session, advance_id: int, *, lock: bool = False) -> Advance:
    query = select(Advance).where(Advance.id == advance_id)
    row = session.scalar(query.with_for_update() if lock else query)
    if row is None:
        raise NotFound(Message("Voorschot %(id)s bestaat niet.", id=advance_id))
    return row


def _book_recovery(session: Session, actor: Actor, row: Advance, cents: int, kind: RecoveryKind, on: date, *,
                   receipt_id: int | None = None, note: str | None = None) -> AdvanceRecovery:
    if kind == RecoveryKind.WRITE_OFF:
        debit = ledger.municipality_account_id(session, ledger.MUNICIPALITY)
        description = f"Voorschot {row.id} afgeschreven: {note}"
    else:
        debit = ledger.household_account_id(session, row.household_id)
        description = (f"Voorschot {row.id} terug uit de ontvangst {receipt_id}" if receipt_id is not None
                       else f"Voorschot {row.id} terug uit de eindafrekening")
    transaction = ledger.transfer(
        session, debit_account_id=debit, credit_account_id=ledger.account_id(session, ledger.ADVANCES),
        amount_cents=cents, business_date=on, kind=f"advance_{kind.value}", description=description,
        booked_by=actor.name, household_id=row.household_id)
    before = snapshot(row)
    row.open_cents -= cents
    recovery = AdvanceRecovery(advance_id=row.id, kind=kind, amount_cents=cents, receipt_id=receipt_id,
                               ledger_transaction_id=transaction.id, booked_on=on, booked_by=actor.name,
                               booked_by_user_id=actor.user_id, created_at=utcnow(), note=note)
    session.add(recovery)
    session.flush()
    record(session, actor, f"advance.{'written_off' if kind == RecoveryKind.WRITE_OFF else 'recovered'}", "advance",
           row.id, before=before, after=snapshot(row) | {"recovered": cents_to_str(cents), "how": kind.value,
                                                         "receipt_id": receipt_id}, reason=note)
    return recovery


def _open_cache(session: Session, *, create: bool = True) -> set[int] | None:
    """The households with an open advance, read once per database transaction (a statement's thousands of
    receipts ask for each one)."""
    transaction = session.get_transaction()
    cached = session.info.get(_OPEN_KEY)
    if cached is not None and cached[0] is transaction:
        return cast(set[int], cached[1])
    if not create:
        return None
    found = set(session.scalars(select(Advance.household_id).where(Advance.open_cents > 0).distinct()))
    session.info[_OPEN_KEY] = (transaction, found)
    return found


def _open_advances(session: Session, household_id: int) -> list[Advance]:
    return list(session.scalars(select(Advance).where(Advance.household_id == household_id, Advance.open_cents > 0)
                                .order_by(Advance.id).with_for_update()))


def recover_from_receipt(session: Session, event: ReceiptBooked) -> None:
    """A receipt was booked to a household: recover its open advances by their rules, oldest first."""
    if event.household_id is None or event.household_id not in (_open_cache(session) or set()):
        return
    left = event.amount_cents
    for row in _open_advances(session, event.household_id):
        if left <= 0:
            break
        if row.recovery_type == RecoveryType.NEXT_INCOME:
            if row.recovery_kind != event.kind:
                continue
            wanted = row.open_cents
        else:
            if event.kind != BENEFIT:
                continue
            wanted = min(row.open_cents, -(-row.amount_cents // (row.instalments or 1)))
        cents = min(wanted, left)
        _book_recovery(session, event.actor, row, cents, RecoveryKind.INCOME, event.received_on,
                       receipt_id=event.receipt_id)
        left -= cents


def recover_from_receipts(session: Session, event: ReceiptsBooked) -> None:
    """Many receipts were booked at once: each one's household with an open advance recovers it as
    :func:`recover_from_receipt` does (the households with an open advance are read once)."""
    open_households = _open_cache(session) or set()
    if not open_households:
        return
    for receipt in event.receipts:
        if receipt.household_id in open_households:
            recover_from_receipt(session, receipt)


def recover_from_final_payout(session: Session, event: FinalPayoutRecovers) -> None:
    """A run's final payouts kept money back for open advances: book it, oldest advance first."""
    for household_id, cents in event.recoveries:
        left = cents
        for row in _open_advances(session, household_id):
            if left <= 0:
                break
            part = min(row.open_cents, left)
            _book_recovery(session, event.actor, row, part, RecoveryKind.FINAL, event.business_date,
                           note="uit de eindafrekening")
            left -= part


def write_off(session: Session, actor: Actor, advance_id: int, reason: object) -> Advance:
    """Write off what is still open once the period is over or its final payout is planned (that payout recovered
    what it could), by a finance user who did not grant the advance."""
    row = get_advance(session, advance_id, lock=True)
    errors = v.Errors()
    text = v.text(errors, "reason", reason, maximum=MAX_REASON, multiline=True)
    errors.raise_if_any()
    assert text is not None
    if row.open_cents == 0:
        raise Conflict(Message("Dit voorschot staat niet meer open; er is niets af te schrijven."))
    if actor.user_id is None or actor.user_id == row.created_by_user_id:
        raise Conflict(Message("U verstrekte dit voorschot zelf; een andere financieel medewerker schrijft het af."),
                       {"written_off_by": Message("vier ogen: niet wie het voorschot verstrekte")})
    household = session.get(Household, row.household_id)
    assert household is not None
    today = clock.today()
    end = household.ended_on or household.period_end
    final_planned = session.scalar(select(PaymentItem.id).where(
        PaymentItem.household_id == household.id, PaymentItem.obligation_key.like("lg:%:final")).limit(1))
    if household.status == HouseholdStatus.ACTIVE and end >= today and final_planned is None and not any(
            r.kind == RecoveryKind.FINAL for r in recoveries_of(session, row.id)):
        raise Conflict(Message("De periode loopt nog tot %(end)s: het voorschot wordt teruggehaald uit de inkomsten "
                               "en de eindafrekening. Afschrijven kan daarna.", end=end.strftime("%d-%m-%Y")))
    # Booked on the day of the final payout's recovery when that lies ahead (its batch's execution date).
    on = max([today, *(r.booked_on for r in recoveries_of(session, row.id))])
    _book_recovery(session, actor, row, row.open_cents, RecoveryKind.WRITE_OFF, on, note=text)
    return row


def advances_for(session: Session, household_id: int) -> list[Advance]:
    return list(session.scalars(select(Advance).where(Advance.household_id == household_id).order_by(Advance.id)))


def recoveries_of(session: Session, advance_id: int) -> list[AdvanceRecovery]:
    return list(session.scalars(select(AdvanceRecovery).where(AdvanceRecovery.advance_id == advance_id)
                                .order_by(AdvanceRecovery.id)))


def rule_words(row: Advance) -> Message:
    if row.recovery_type == RecoveryType.NEXT_INCOME:
        return Message("uit de volgende inkomsten: %(kind)s",
                       kind=INCOME_KIND_LABELS.get(row.recovery_kind or "", row.recovery_kind or ""))
    return Message("in %(count)s termijnen uit de uitkering", count=row.instalments or 1)


def advance_json(session: Session, row: Advance) -> dict[str, Any]:
    recovered = written_off = 0
    recoveries = recoveries_of(session, row.id)
    for r in recoveries:
        if r.kind == RecoveryKind.WRITE_OFF:
            written_off += r.amount_cents
        else:
            recovered += r.amount_cents
    recovery: dict[str, Any] = {"type": row.recovery_type}
    if row.recovery_type == RecoveryType.NEXT_INCOME:
        recovery["kind"] = row.recovery_kind
    else:
        recovery["count"] = row.instalments
    return {
        "id": row.id, "household_id": row.household_id, "amount": cents_to_str(row.amount_cents),
        "open": cents_to_str(row.open_cents), "recovered": cents_to_str(recovered),
        "written_off": cents_to_str(written_off), "reason": row.reason, "recovery": recovery,
        "granted_on": row.granted_on.isoformat(), "granted_by": row.created_by,
        "recoveries": [{"kind": r.kind, "amount": cents_to_str(r.amount_cents), "on": r.booked_on.isoformat(),
                        "receipt_id": r.receipt_id, "by": r.booked_by, "note": r.note} for r in recoveries],
    }
