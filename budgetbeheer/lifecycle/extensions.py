"""Extension requests (verlenging, maatwerk art. 57 Pw): a caseworker asks, a supervisor who did not ask decides.

Approval moves the household's end date by the months asked, by the same rule as the intake
(:func:`budgetbeheer.domain.period.extend_period_end`). Several extensions in a row are allowed, one pending request
per household at a time. Every step is in the audit trail.

While a request is pending the period is kept open as if it will be approved (:func:`pending_extension_ends`): the
payment run makes no final payout and keeps the money for the fixed costs after the end date (it pays them only once
approved), the daily end job neither moves the household to ``ending`` nor closes it nor releases its BSNs, and it
raises an ``extension_decide`` signal for the supervisors ("beslis vóór <einddatum>"). A decision after the end date is
possible as long as the household has not been paid out (:func:`paid_out_reason`); an approval then carries the fixed
costs on without a gap (the next run pays the instalments due since the old end) and a household already ``ending``
is ``active`` again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.domain.period import days_left, extend_period_end, validate_extension_months
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.households.common import get_household, row_id
from budgetbeheer.households.persons import household_span, person_period
from budgetbeheer.tables.access import Scope
from budgetbeheer.tables.households import Household, Person
from budgetbeheer.tables.lifecycle import ExtensionRequest, Signal
from budgetbeheer.tables.payments import PaymentItem
from budgetbeheer.tables.states import (
    ExtensionStatus,
    HouseholdStatus,
    SignalState,
    household_transition_allowed,
    require_household_transition,
)

REASON_CATEGORIES: Mapping[str, str] = {
    "language_course": "Taalcursus nog niet afgerond",
    "debts": "Schulden",
    "health": "Gezondheid",
    "family_reunification": "Gezinshereniging",
    "other": "Anders",
}
"""Reason categories with their Dutch label (a message id)."""

MIN_REASON_LENGTH = 10
MAX_TEXT_LENGTH = 2000
DECISIONS = ("approve", "reject")
DECIDE_AHEAD_DAYS = 7
"""The ``extension_decide`` signal is raised for a pending request once its period ends within this many days."""


def request_or_404(session: Session, request_id: int, *, lock: bool = False) -> ExtensionRequest:
    query = select(ExtensionRequest).where(ExtensionRequest.id == request_id)
    if lock:
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        raise NotFound(Message("Verlengingsverzoek %(id)s bestaat niet.", id=request_id))
    return row


def snapshot(row: ExtensionRequest) -> dict[str, Any]:
    return {
        "household_id": row.household_id,
        "months": row.months,
        "reason_category": row.reason_category,
        "reason_text": row.reason_text,
        "status": row.status,
        "requested_by": row.requested_by,
        "decided_by": row.decided_by,
        "decision_note": row.decision_note,
        "end_before": row.end_before,
        "end_after": row.end_after,
        "person_id": row.person_id,
    }


def validate_request(months: object, reason_category: object, reason_text: object) -> tuple[int, str, str]:
    """Check every field of a request at once; raise one ``ValidationError`` naming each bad field."""
    errors: dict[str, Message] = {}
    checked_months = 0
    try:
        checked_months = validate_extension_months(months)
    except ValidationError as error:
        errors.update(error.fields)
    category = reason_category.strip() if isinstance(reason_category, str) else ""
    if category not in REASON_CATEGORIES:
        errors["reason_category"] = Message(
            "Kies een reden: %(choices)s.", choices=", ".join(REASON_CATEGORIES)
        )
    text = reason_text.strip() if isinstance(reason_text, str) else ""
    if len(text) < MIN_REASON_LENGTH:
        errors["reason"] = Message(
            "Leg de reden uit in minstens %(minimum)s tekens.", minimum=MIN_REASON_LENGTH
        )
    elif len(text) > MAX_TEXT_LENGTH:
        errors["reason"] = Message("Gebruik hoogstens %(maximum)s tekens.", maximum=MAX_TEXT_LENGTH)
    if errors:
        raise ValidationError(errors)
    return checked_months, category, text


def ensure_extendable(household: Household, *, ending_allowed: bool = False) -> None:
    """409 unless the period can still be extended: ``active`` (or, for a decision, ``ending`` and not paid out: see
    :func:`paid_out_reason`) and not ended early."""
    if household.ended_on is not None or not (
        household.status == HouseholdStatus.ACTIVE
        or (ending_allowed and household_transition_allowed(household.status, HouseholdStatus.ACTIVE))
    ):
        raise _not_extendable()


def _not_extendable() -> Conflict:
    return Conflict(
        Message("De periode van dit huishouden is beëindigd; verlengen kan niet meer."),
        {"household_id": Message("periode beëindigd")},
    )


def final_payout_batch(session: Session, household_id: int) -> int | None:
    """The batch holding the household's live final payout (proposed, approved or paid), or None.

    A final payout's obligation key ends in ``:final`` (:func:`budgetbeheer.payments.runs.model.leefgeld_key`) and is NULL
    once the payment is cancelled or returned, so a cancelled batch does not count."""
    return session.scalar(
        select(PaymentItem.batch_id)
        .where(PaymentItem.household_id == household_id, PaymentItem.obligation_key.like("lg:%:final"))
        .order_by(PaymentItem.id.desc())
        .limit(1)
    )


def paid_out_reason(session: Session, household: Household) -> Message | None:
    """Why no decision on an extension is possible any more because the household was paid out; None when it was not.

    Paid out: ``ended`` (the funds account reached zero and the BSNs were released), or a final payout in a batch that
    is not cancelled."""
    if household.status == HouseholdStatus.ENDED:
        return Message(
            "Huishouden %(id)s is al uitbetaald en afgesloten (eindafrekening gedaan, BSN's vrijgegeven); over een "
            "verlenging kan niet meer worden besloten. Trek het verzoek in; is verder ontzorgen nodig, schrijf het "
            "huishouden dan opnieuw in.",
            id=household.id,
        )
    batch_id = final_payout_batch(session, household.id)
    if batch_id is not None:
        return Message(
            "Huishouden %(id)s is al uitbetaald: de eindafrekening staat in betaalrun %(batch)s. Over een verlenging kan "
            "niet meer worden besloten. Trek het verzoek in, of laat financiën de betaalrun annuleren zolang het "
            "bankbestand nog niet is gemaakt.",
            id=household.id, batch=batch_id,
        )
    return None


def close_decide_signals(session: Session, actor: Actor, request_id: int, note: str) -> None:
    """Close the open ``extension_decide`` signals of a request that was decided or withdrawn, with a note."""
    for signal in session.scalars(
        select(Signal).where(Signal.dedup_key.like(f"extension_decide:{request_id}:%"), Signal.state == SignalState.OPEN)
    ):
        signal.state = SignalState.DONE
        signal.done_by = actor.name
        signal.done_at = utcnow()
        signal.note = note
        record(session, actor, "signal.done", "signal", signal.id, before={"state": SignalState.OPEN},
               after={"state": SignalState.DONE}, reason=note)


def request_extension(
    session: Session,
    actor: Actor,
    household_id: int,
    *,
    months: object,
    reason_category: object,
    reason_text: object,
    person_id: object = None,
) -> ExtensionRequest:
    """A caseworker asks to extend the period by 1-12 whole months, for one person (``person_id``) or for every
    person still in the household (None). Returns the pending request."""
    checked_months, category, text = validate_request(months, reason_category, reason_text)
    household = get_household(session, household_id, lock=True)
    ensure_extendable(household)
    person: Person | None = None
    if person_id not in (None, ""):
        wanted = row_id(person_id)
        person = session.get(Person, wanted) if wanted is not None else None
        if person is None or person.household_id != household.id or person.left_on is not None:
            raise ValidationError({"person_id": Message("Kies een persoon die nog in dit huishouden is.")})
    if actor.user_id is None:
        raise Conflict(Message("Alleen een medewerker kan een verlenging aanvragen."))
    pending = session.scalar(
        select(ExtensionRequest.id).where(
            ExtensionRequest.household_id == household_id, ExtensionRequest.status == ExtensionStatus.PENDING
        )
    )
    if pending is not None:
        raise Conflict(
            Message("Er staat al een verlengingsverzoek open voor dit huishouden (%(id)s).", id=pending),
            {"household_id": Message("verzoek staat open")},
        )
    row = ExtensionRequest(
        household_id=household_id,
        months=checked_months,
        reason_category=category,
        reason_text=text,
        status=ExtensionStatus.PENDING,
        requested_by_user_id=actor.user_id,
        requested_by=actor.name,
        requested_at=utcnow(),
        end_before=household.period_end,
        person_id=person.id if person is not None else None,
    )
    session.add(row)
    session.flush()
    record(session, actor, "extension.requested", "extension_request", row.id, after=snapshot(row), reason=text)
    return row


def check_decision(decision: object, note: object) -> str:
    """The decision's input checked (a known decision, a note of at most :data:`MAX_TEXT_LENGTH` characters); the
    note's text. Also the web's confirmation step, before anything is decided."""
    errors: dict[str, Message] = {}
    if decision not in DECISIONS:
        errors["decision"] = Message("Kies goedkeuren (approve) of afwijzen (reject).")
    note_text = note.strip() if isinstance(note, str) else ""
    if not note_text:
        errors["note"] = Message("Schrijf een korte toelichting bij het besluit.")
    elif len(note_text) > MAX_TEXT_LENGTH:
        errors["note"] = Message("Gebruik hoogstens %(maximum)s tekens.", maximum=MAX_TEXT_LENGTH)
    if errors:
        raise ValidationError(errors)
    return note_text


def end_if_approved(household: Household, row: ExtensionRequest) -> date | None:
    """The household's end date after approving ``row``, read without changing anything, where one period covers
    everyone (no person has a period of their own); None otherwise (the request then extends per person)."""
    staying = [p for p in household.persons if p.left_on is None]
    if row.person_id is None and all(p.period_start is None and p.period_end is None for p in staying):
        return extend_period_end(household.period_start, household.period_end, row.months)
    return None


def decide_extension(
    session: Session, actor: Actor, request_id: int, *, decision: object, note: object
) -> ExtensionRequest:
    """A supervisor approves or rejects a pending request they did not ask for themselves (four eyes)."""
    note_text = check_decision(decision, note)
    row = request_or_404(session, request_id, lock=True)
    if row.status != ExtensionStatus.PENDING:
        raise Conflict(
            Message("Over dit verzoek is al besloten (%(status)s).", status=row.status),
            {"decision": Message("al besloten")},
        )
    if actor.user_id is None or actor.user_id == row.requested_by_user_id or actor.name == row.requested_by:
        raise Conflict(
            Message("U kunt niet besluiten over uw eigen verzoek: een andere teamleider beslist (vier ogen)."),
            {"decision": Message("eigen verzoek")},
        )
    before = snapshot(row)
    household = get_household(session, row.household_id, lock=True)
    paid_out = paid_out_reason(session, household)
    if paid_out is not None:
        raise Conflict(paid_out, {"decision": Message("al uitbetaald")})
    now = utcnow()
    if decision == "approve":
        # Also after the end date: an ``ending`` household that was not paid out is ``active`` again.
        ensure_extendable(household, ending_allowed=True)
        old_end, old_status = household.period_end, household.status
        new_end = _extend_persons(household, row)
        household.period_end = new_end
        if household.status != HouseholdStatus.ACTIVE:  # ``ending`` → ``active``
            require_household_transition(household.status, HouseholdStatus.ACTIVE, _not_extendable)
        household.status = HouseholdStatus.ACTIVE
        row.end_before, row.end_after = old_end, new_end
        record(
            session, actor, "household.period_extended", "household", household.id,
            before={"period_end": old_end, "status": old_status},
            after={"period_end": new_end, "status": HouseholdStatus.ACTIVE, "extension_request_id": row.id},
            reason=note_text,
        )
    # The guarded UPDATE makes a racing second decision change nothing.
    changed = session.execute(  # type: ignore[attr-defined]
        update(ExtensionRequest)
        .where(ExtensionRequest.id == row.id, ExtensionRequest.status == ExtensionStatus.PENDING)
        .values(
            status=ExtensionStatus.APPROVED if decision == "approve" else ExtensionStatus.REJECTED,
            decided_by_user_id=actor.user_id,
            decided_by=actor.name,
            decided_at=now,
            decision_note=note_text,
            end_before=row.end_before,
            end_after=row.end_after,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise Conflict(Message("Over dit verzoek is al besloten."), {"decision": Message("al besloten")})
    session.flush()
    session.refresh(row)
    record(
        session, actor, f"extension.{ExtensionStatus.APPROVED if decision == 'approve' else ExtensionStatus.REJECTED}", "extension_request",
        row.id, before=before, after=snapshot(row), reason=note_text,
    )
    close_decide_signals(session, actor, row.id,
                         f"{'Goedgekeurd' if decision == 'approve' else 'Afgewezen'} door {actor.name}: {note_text}")
    return row


def _extend_persons(household: Household, row: ExtensionRequest) -> date:
    """Extend the period of the request's person (or of every person still in the household) by its months, each
    counted from that person's own start; returns the household's new end, the span of its persons' periods.

    A household whose persons have no period of their own (everyone since intake) extends as one period, as before."""
    staying = [p for p in household.persons if p.left_on is None]
    if row.person_id is None and all(p.period_start is None and p.period_end is None for p in staying):
        return extend_period_end(household.period_start, household.period_end, row.months)
    for person in staying:
        if person.period_start is None or person.period_end is None:
            person.period_start, person.period_end = person_period(household, person)
        if row.person_id is None or person.id == row.person_id:
            assert person.period_start is not None and person.period_end is not None
            person.period_end = extend_period_end(person.period_start, person.period_end, row.months)
    return max(household.period_end, household_span(household, staying)[1])


def withdraw_extension(session: Session, actor: Actor, request_id: int, *, note: str | None = None) -> ExtensionRequest:
    """Withdraw a request while it is pending."""
    row = request_or_404(session, request_id, lock=True)
    if row.status != ExtensionStatus.PENDING:
        raise Conflict(
            Message("Alleen een verzoek dat nog openstaat kan worden ingetrokken (nu: %(status)s).", status=row.status)
        )
    before = snapshot(row)
    row.status = ExtensionStatus.WITHDRAWN
    row.decided_by = actor.name
    row.decided_by_user_id = actor.user_id
    row.decided_at = utcnow()
    row.decision_note = (note or "").strip() or None
    session.flush()
    record(session, actor, "extension.withdrawn", "extension_request", row.id, before=before, after=snapshot(row),
           reason=row.decision_note)
    close_decide_signals(session, actor, row.id, f"Verzoek ingetrokken door {actor.name}")
    return row


def requests_for(session: Session, household_id: int) -> list[ExtensionRequest]:
    return list(
        session.scalars(
            select(ExtensionRequest).where(ExtensionRequest.household_id == household_id).order_by(ExtensionRequest.id)
        )
    )


def list_requests(session: Session, status: str | None = None, limit: int = 500,
                  offset: int = 0, scope: Scope | None = None) -> list[ExtensionRequest]:
    """Requests (of ``status``, None: all) of the households in ``scope`` (the user's team), oldest first: ``limit``
    of them from ``offset`` on (a page)."""
    query = select(ExtensionRequest).order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
    if scope is not None and not scope.is_everything:
        query = query.where(scope.condition(ExtensionRequest.household_id))
    if status:
        query = query.where(ExtensionRequest.status == status)
    return list(session.scalars(query.offset(offset).limit(limit)))


def count_requests(session: Session, status: str | None = None, scope: Scope | None = None) -> int:
    query = select(func.count(ExtensionRequest.id))
    if scope is not None and not scope.is_everything:
        query = query.where(scope.condition(ExtensionRequest.household_id))
    if status:
        query = query.where(ExtensionRequest.status == status)
    return int(session.scalar(query) or 0)


@dataclass(frozen=True)
class TimelineEvent:
    """One point on the period's timeline (``kind``: start, extension, requested, end, ended)."""

    kind: str
    on: date | None
    label: Message
    detail: str | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class PeriodTimeline:
    """What the household page shows about the period: start, each extension, the end, and what can be done."""

    household_id: int
    status: str
    start: date
    end: date
    original_end: date
    days_left: int
    events: tuple[TimelineEvent, ...]
    requests: tuple[ExtensionRequest, ...]
    pending: ExtensionRequest | None
    can_extend: bool
    can_end: bool
    ended_on: date | None
    end_reason: str | None


def period_timeline(session: Session, household_id: int, today: date | None = None) -> PeriodTimeline:
    """The data for ``lifecycle/_household_period.html``."""
    today = today or clock.today()
    household = get_household(session, household_id)
    requests = requests_for(session, household_id)
    approved = [r for r in requests if r.status == ExtensionStatus.APPROVED]
    original_end = approved[0].end_before if approved and approved[0].end_before else household.period_end
    events = [TimelineEvent("start", household.period_start, Message("Start van de periode"))]
    for r in approved:
        events.append(
            TimelineEvent(
                "extension",
                r.end_after,
                Message("Verlengd met %(months)s maanden", months=r.months),
                f"{r.decided_by}: {r.decision_note or ''}",
                r.id,
            )
        )
    if household.end_reason is not None and household.ended_on is not None:  # only end_period gives a reason
        events.append(TimelineEvent("ended", household.ended_on, Message("Periode eerder beëindigd"),
                                    household.end_reason))
    else:
        events.append(TimelineEvent("end", household.period_end, Message("Einde van de periode")))
    pending = next((r for r in requests if r.status == ExtensionStatus.PENDING), None)
    open_period = household.status == HouseholdStatus.ACTIVE and household.ended_on is None
    return PeriodTimeline(
        household_id=household.id,
        status=household.status,
        start=household.period_start,
        end=household.period_end,
        original_end=original_end,
        days_left=days_left(household.period_end, today),
        events=tuple(events),
        requests=tuple(requests),
        pending=pending,
        can_extend=open_period and pending is None,
        can_end=open_period,
        ended_on=household.ended_on,
        end_reason=household.end_reason,
    )


def request_json(row: ExtensionRequest) -> dict[str, Any]:
    return {
        "id": row.id,
        "household_id": row.household_id,
        "months": row.months,
        "reason_category": row.reason_category,
        "reason": row.reason_text,
        "status": row.status,
        "requested_by": row.requested_by,
        "requested_at": row.requested_at.isoformat(),
        "decided_by": row.decided_by,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "note": row.decision_note,
        "end_before": row.end_before.isoformat() if row.end_before else None,
        "end_after": row.end_after.isoformat() if row.end_after else None,
        "person_id": row.person_id,
    }
