"""Ending the period: at its end date, or earlier when bijstand stopped.

The household's status moves ``active`` → ``ending`` → ``ended``:

- ``ending`` from the end date on (inclusive): no fixed cost falls due after the end, and the payment run for the
  end date pays out the remaining balance as final leefgeld (the payments package does that, see its ``prepare_run``);
- ``ended`` once its funds account is zero and nothing for it is still waiting for approval. Its persons' BSNs are then
  released (``Person.active_bsn`` NULL), so they can be enrolled again.

While an extension request is pending the household stays ``active`` past its end date (no final payout, no close, no
BSN release) and the daily job raises an ``extension_decide`` signal for the supervisors instead
(:mod:`budgetbeheer.lifecycle.extensions`); once it is rejected or withdrawn the next daily job moves it on.

Money that reaches an ``ended`` household later (income still paid to the managed account, a returned payment) is
the household's: it goes back to ``ending`` (:func:`reopen_for_payout`, BSNs stay released), the next run pays the
balance out as final leefgeld, and at zero it is ``ended`` again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.audit.service import Actor, Change, record, record_many
from budgetbeheer.db.base import utcnow
from budgetbeheer.db.bulk_write import id_in, in_chunks
from budgetbeheer.errors import Conflict, Message, ValidationError
from budgetbeheer.events import publish
from budgetbeheer.fields import parse_iso_date
from budgetbeheer.households.common import get_household
from budgetbeheer.ledger.service import household_balances
from budgetbeheer.lifecycle.events import HouseholdEnded
from budgetbeheer.lifecycle.extensions import DECIDE_AHEAD_DAYS, close_decide_signals
from budgetbeheer.lifecycle.signals import raise_signal
from budgetbeheer.payments.batches import withdraw_household_items
from budgetbeheer.tables.households import ExpectedIncome, Household, Person
from budgetbeheer.tables.lifecycle import ExtensionRequest
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem
from budgetbeheer.tables.states import (
    BatchStatus,
    ExtensionStatus,
    HouseholdStatus,
    ItemStatus,
    require_household_transition,
)

MAX_REASON_LENGTH = 2000
MIN_REASON_LENGTH = 3


def validate_end(household: Household, end_date: object, reason: object) -> tuple[date, str]:
    """Check the end date (within ``[start, current end]``) and the reason; name every bad field."""
    return check_end(household, end_date, reason)


def check_end(household: Household, end_date: object, reason: object, *, benefit: bool = False) -> tuple[date, str]:
    """The end date and reason checked, every bad field named, nothing written (also the web's confirmation step).
    ``benefit``: the bijstand stops on that day, which may lie after the period's end (the period then ends at its
    own end)."""
    errors: dict[str, Message] = {}
    parsed = parse_iso_date(end_date)
    if parsed is None:
        errors["date"] = Message("Vul de laatste dag in (JJJJ-MM-DD).") if not str(end_date or "").strip() else \
            Message("Geef een datum als JJJJ-MM-DD.")
    elif parsed < household.period_start:
        errors["date"] = Message(
            "De einddatum ligt vóór de start van de periode (%(start)s).", start=household.period_start.isoformat()
        )
    elif parsed > household.period_end and not benefit:
        errors["date"] = Message(
            "De einddatum ligt na het huidige einde van de periode (%(end)s). Vraag een verlenging aan om later te "
            "stoppen.",
            end=household.period_end.isoformat(),
        )
    text = _end_reason(errors, reason)
    if errors:
        raise ValidationError(errors)
    assert parsed is not None
    return parsed, text


def _end_reason(errors: dict[str, Message], reason: object) -> str:
    """The reason an end is given for, stripped; a field error when it is missing or too long."""
    text = reason.strip() if isinstance(reason, str) else ""
    if len(text) < MIN_REASON_LENGTH:
        errors["reason"] = Message("Schrijf de reden op, bijvoorbeeld: bijstand gestopt wegens werk.")
    elif len(text) > MAX_REASON_LENGTH:
        errors["reason"] = Message("Gebruik hoogstens %(maximum)s tekens.", maximum=MAX_REASON_LENGTH)
    return text


def household_state(household: Household) -> dict[str, Any]:
    return {
        "status": household.status,
        "period_end": household.period_end,
        "ended_on": household.ended_on,
        "end_reason": household.end_reason,
    }


def end_period(
    session: Session, actor: Actor, household_id: int, *, end_date: object, reason: object, today: date | None = None
) -> Household:
    """Record that the period ends on ``end_date`` (bijstand stopped); the last day is ``end_date`` itself.

    No fixed cost due after that day is paid (the payment run reads ``ended_on``), a pending extension request is
    withdrawn, and from that day on the household is ``ending`` (see :func:`advance_endings`).
    """
    today = today or clock.today()
    household = get_household(session, household_id, lock=True)
    if household.status != HouseholdStatus.ACTIVE or household.ended_on is not None:
        raise Conflict(
            Message("De periode van dit huishouden is al beëindigd."), {"date": Message("al beëindigd")}
        )
    new_end, text = validate_end(household, end_date, reason)
    before = household_state(household)
    household.period_end = new_end
    household.ended_on = new_end
    household.end_reason = text
    for pending in session.scalars(
        select(ExtensionRequest).where(
            ExtensionRequest.household_id == household_id, ExtensionRequest.status == ExtensionStatus.PENDING
        )
    ):
        pending.status = ExtensionStatus.WITHDRAWN
        pending.decided_by = actor.name
        pending.decided_by_user_id = actor.user_id
        pending.decided_at = utcnow()
        pending.decision_note = "Periode beëindigd"
        record(session, actor, "extension.withdrawn", "extension_request", pending.id,
               before={"status": ExtensionStatus.PENDING},
               after={"status": ExtensionStatus.WITHDRAWN}, reason="Periode beëindigd")
        close_decide_signals(session, actor, pending.id, "Verzoek ingetrokken: de periode is beëindigd")
    session.flush()
    record(session, actor, "household.period_ended_early", "household", household.id,
           before=before, after=household_state(household), reason=text)
    _stop_payments_after(session, actor, household, new_end)
    if today >= new_end:
        start_ending(session, actor, household)
    return household


def _stop_payments_after(session: Session, actor: Actor, household: Household, last_day: date) -> None:
    """Payments already proposed for after the new last day leave their batches; approved ones are finance's call."""
    approved = withdraw_household_items(
        session, actor, household.id, due_after=last_day,
        reason=f"Periode van huishouden {household.id} eindigt op {last_day:%d-%m-%Y}",
    )
    for batch_id in approved:
        raise_signal(
            session, kind="payment_after_end", household_id=household.id,
            message=Message(
                "De periode van huishouden %(household)s eindigt op %(end)s, maar goedgekeurde betaalrun %(batch)s "
                "bevat nog betalingen met een latere vervaldatum. Annuleer de run en maak hem opnieuw als het bestand "
                "nog niet naar de bank is, of vraag het geld terug.", household=household.id, end=last_day, batch=batch_id),
            dedup_key=f"ended_with_approved_payments:{household.id}:{batch_id}",
        )


def _refuse_ended() -> Conflict:
    return Conflict(Message("De periode van dit huishouden is al beëindigd."), {"date": Message("al beëindigd")})


_ENDING_REASON = "Einddatum bereikt: vaste lasten stoppen, het saldo wordt als laatste leefgeld uitbetaald."


def _ending(household: Household) -> Change:
    """Move the household to ``ending`` (not flushed); the audit entry it needs."""
    require_household_transition(household.status, HouseholdStatus.ENDING, _refuse_ended)
    before = household_state(household)
    household.status = HouseholdStatus.ENDING
    return Change("household.ending", "household", household.id, before=before, after=household_state(household),
                  reason=_ENDING_REASON)


def start_ending(session: Session, actor: Actor, household: Household) -> None:
    """``active`` → ``ending``: the end date is reached (or the period was ended early on or before today)."""
    change = _ending(household)
    session.flush()
    record(session, actor, change.action, change.entity_type, change.entity_id, before=change.before,
           after=change.after, reason=change.reason)


def _with_waiting_payments(session: Session, household_ids: list[int]) -> set[int]:
    """Which of the households have payments in batches still waiting for approval, in one query per chunk of
    households. A held item of a batch that was approved or cancelled is dead (its obligation is proposed again by a
    later run) and does not count."""
    found: set[int] = set()
    for chunk in in_chunks(session, household_ids):
        found.update(session.scalars(
            select(PaymentItem.household_id).distinct()
            .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
            .where(
                id_in(session, PaymentItem.household_id, chunk),
                PaymentItem.status.in_((ItemStatus.PROPOSED, ItemStatus.HELD)),
                PaymentBatch.status == BatchStatus.PROPOSED,
            )
        ))
    return found


@dataclass(frozen=True)
class EndingResult:
    ending: list[int]
    ended: list[int]
    waiting: list[int] = field(default_factory=list)
    """Households at or past their end date kept open because an extension request awaits a decision."""

    def describe(self) -> str:
        text = f"{len(self.ending)} naar 'ending', {len(self.ended)} beëindigd"
        return text + (f", {len(self.waiting)} wachten op een besluit over verlenging" if self.waiting else "")


def advance_endings(session: Session, actor: Actor, today: date) -> EndingResult:
    """The daily job: periods that reached their end date become ``ending``; ``ending`` ones at zero become ``ended``.

    A household with a pending extension request does neither: it waits for the supervisor, who gets an
    ``extension_decide`` signal (from :data:`~budgetbeheer.lifecycle.extensions.DECIDE_AHEAD_DAYS` before the end on).
    Running it twice for the same day changes nothing the second time.
    """
    pending = {
        row.household_id: row
        for row in session.scalars(select(ExtensionRequest).where(ExtensionRequest.status == ExtensionStatus.PENDING))
    }
    waiting: list[int] = []
    ending: list[int] = []
    changes: list[Change] = []
    for household in session.scalars(
        select(Household).where(Household.status == HouseholdStatus.ACTIVE, Household.period_end <= today).order_by(Household.id)
    ):
        if household.id in pending:
            waiting.append(household.id)
            continue
        changes.append(_ending(household))
        ending.append(household.id)
    session.flush()
    record_many(session, actor, changes)  # the same entries as start_ending's, one chain append for the day
    closing: list[Household] = []
    candidates = list(session.scalars(select(Household).where(Household.status == HouseholdStatus.ENDING).order_by(Household.id)))
    balances = household_balances(session, [h.id for h in candidates])
    with_payments = _with_waiting_payments(
        session, [h.id for h in candidates if h.id not in pending and balances.get(h.id, 0) == 0])
    for household in candidates:
        if household.id in pending:
            waiting.append(household.id)
            continue
        if balances.get(household.id, 0) != 0 or household.id in with_payments:
            continue
        closing.append(household)
    close_households(session, actor, closing)  # set-based: one update of the persons, one audit append
    ended = [household.id for household in closing]
    _signal_decisions_due(session, list(pending.values()), today)
    return EndingResult(ending, ended, sorted(waiting))


def _signal_decisions_due(session: Session, requests: list[ExtensionRequest], today: date) -> None:
    """An ``extension_decide`` signal for each pending request whose period ends within
    :data:`~budgetbeheer.lifecycle.extensions.DECIDE_AHEAD_DAYS` days or has ended: once per request and end date."""
    for row in sorted(requests, key=lambda r: r.id):
        household = session.get(Household, row.household_id)
        if household is None or household.status == HouseholdStatus.ENDED or household.ended_on is not None:
            continue
        end = household.period_end
        if end > today + timedelta(days=DECIDE_AHEAD_DAYS):
            continue
        when = (Message("de periode eindigt op %(end)s", end=end) if end >= today else
                Message("de periode is op %(end)s geëindigd; beslis zo snel mogelijk", end=end))
        message = Message(
            "Beslis vóór %(end)s over verlengingsverzoek %(id)s (%(months)s maanden, gevraagd door %(who)s) voor "
            "huishouden %(household)s: %(when)s. Zolang het verzoek openstaat, wordt het huishouden niet afgesloten "
            "en krijgt het geen eindafrekening; het geld voor de vaste lasten na de einddatum blijft gereserveerd en "
            "wordt na goedkeuring betaald.", end=end, id=row.id, months=row.months, who=row.requested_by,
            household=household.id, when=when)
        raise_signal(session, kind="extension_decide", household_id=household.id, message=message,
                     dedup_key=f"extension_decide:{row.id}:{end.isoformat()}")


def close_household(session: Session, actor: Actor, household: Household) -> None:
    """``ending`` → ``ended``: the funds account is zero; release the persons' BSNs for a new enrolment."""
    close_households(session, actor, [household])


_ENDED_REASON = "Het saldo is nul: het ontzorgen is afgerond."


def close_households(session: Session, actor: Actor, households: list[Household]) -> None:
    """:func:`close_household` for many at once (the daily job's): their statuses in one flush, their persons' BSNs
    released with one ``UPDATE`` per chunk of households, their audit entries in one chain append (the same entries
    as one :func:`~budgetbeheer.audit.service.record` each), then one ``HouseholdEnded`` each, in order."""
    # Not checked against HOUSEHOLD_TRANSITIONS: :func:`advance_endings` only closes ``ending`` households, and the
    # tests close an ``active`` one directly to build the state before issue 10 (closed while a request was pending).
    if not households:
        return
    changes: list[Change] = []
    for household in households:
        before = household_state(household)
        household.status = HouseholdStatus.ENDED
        if household.ended_on is None:
            household.ended_on = household.period_end
        changes.append(Change("household.ended", "household", household.id, before=before,
                              after=household_state(household) | {"bsns_released": True}, reason=_ENDED_REASON))
    for chunk in in_chunks(session, [household.id for household in households]):
        session.execute(
            update(Person).where(id_in(session, Person.household_id, chunk)).values(active_bsn=None)
            .execution_options(synchronize_session="fetch")
        )
    session.flush()
    record_many(session, actor, changes)
    for household in households:
        publish(session, HouseholdEnded(household_id=household.id, ended_on=household.ended_on or household.period_end,
                                              actor=actor))


def reopen_for_payout(session: Session, actor: Actor, household_id: int, why: str) -> bool:
    """``ended`` → ``ending`` because money for the household arrived after the end; True when it was ended.

    The payment runs pay an ``ending`` household's whole balance out as final leefgeld, and :func:`advance_endings`
    ends it again at zero. The BSNs stay released: the persons may be enrolled elsewhere by now.
    """
    household = session.scalar(
        select(Household).where(Household.id == household_id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if household is None or household.status != HouseholdStatus.ENDED:
        return False
    require_household_transition(household.status, HouseholdStatus.ENDING, _refuse_ended)
    before = household_state(household)
    household.status = HouseholdStatus.ENDING
    session.flush()
    record(session, actor, "household.reopened_for_payout", "household", household.id, before=before,
           after=household_state(household), reason=why)
    return True


def benefit_ended(
    session: Session, actor: Actor, household_id: int, *, end_date: object, reason: object, today: date | None = None
) -> Household:
    """Bijstand stops on ``end_date`` (work found, moved away), reported by the benefit system or the caseworker.

    The expected benefit stops after that day, and the period ends by the ending rules: on that day when it lies in
    the period (:func:`end_period`), at its own end when the benefit stops later. Audited as ``household.benefit_ended``.
    """
    today = today or clock.today()
    household = get_household(session, household_id, lock=True)
    if household.status != HouseholdStatus.ACTIVE or household.ended_on is not None:
        raise _refuse_ended()
    parsed, text = check_end(household, end_date, reason, benefit=True)
    stopped = []
    for income in session.scalars(select(ExpectedIncome).where(
            ExpectedIncome.household_id == household.id, ExpectedIncome.kind == "benefit")):
        if income.end_date is None or income.end_date > parsed:
            stopped.append({"id": income.id, "end_date_before": income.end_date})
            income.end_date = max(parsed, income.start_date)
    session.flush()
    record(session, actor, "household.benefit_ended", "household", household.id,
           before={"period_end": household.period_end, "benefit_incomes": stopped},
           after={"benefit_end": parsed, "period_ends": min(parsed, household.period_end)}, reason=text)
    if parsed < household.period_end:
        return end_period(session, actor, household.id, end_date=parsed.isoformat(), reason=text, today=today)
    return household
