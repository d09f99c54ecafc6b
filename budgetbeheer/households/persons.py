"""Persons after intake: correct a name or date of birth, add a person (a child born, a partner through family
reunification), a person leaves (with a date; their BSN is released), and each person's own period.

The law extends per person (art. 57 Pw), so each person may have a period of their own (``Person.period_start`` and
``period_end``; NULL: the household's). The household's period is the span of its persons' periods
(:func:`household_span`): a person who joins mid-period starts a period of six months of their own, and the household's
end moves out to theirs. Every change is validated first (one ``ValidationError`` naming each bad field, nothing
written) and written to the audit trail with before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.domain.period import period_end
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.households.common import get_household, running
from budgetbeheer.tables.households import Household, Person
from budgetbeheer.users.models import User
from budgetbeheer.users.permissions import allowed

MIN_REASON = 3
MAX_REASON = 2000


def person_snapshot(person: Person) -> dict[str, Any]:
    """What the audit trail keeps of a person (BSN masked, as the intake's snapshot)."""
    return {
        "id": person.id, "bsn": v.mask_bsn(person.bsn), "first_name": person.first_name,
        "last_name": person.last_name, "date_of_birth": person.date_of_birth,
        "period_start": person.period_start, "period_end": person.period_end, "left_on": person.left_on,
    }


def person_period(household: Household, person: Person) -> tuple[date, date]:
    """The person's own period ``[start, end]`` (inclusive), the household's when they have none; ends on the day
    they left when they left earlier."""
    start = person.period_start or household.period_start
    end = person.period_end or household.period_end
    if person.left_on is not None:
        end = min(end, person.left_on)
    return start, max(end, start)


def household_span(household: Household, persons: Iterable[Person]) -> tuple[date, date]:
    """The household's period as the span of its persons' periods; persons who left count up to their leaving day."""
    periods = [person_period(household, p) for p in persons]
    if not periods:
        return household.period_start, household.period_end
    return min(s for s, _ in periods), max(e for _, e in periods)


def _reason(errors: v.Errors, raw: object, *, required: bool) -> str | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        if required:
            errors.add("reason", Message("Schrijf de reden op."))
        return None
    if len(text) < MIN_REASON:
        errors.add("reason", Message("Schrijf de reden op."))
        return None
    if len(text) > MAX_REASON:
        errors.add("reason", Message("Gebruik hoogstens %(maximum)s tekens.", maximum=MAX_REASON))
        return None
    return text


def get_person(session: Session, household_id: int, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.household_id != household_id:
        raise NotFound(Message("Persoon %(id)s hoort niet bij dit huishouden.", id=person_id))
    return person


def _may_see_households(session: Session, actor: Actor) -> bool:
    if actor.user_id is None:
        return False
    user = session.get(User, actor.user_id)
    return user is not None and user.is_active and allowed(user.roles, "households.read")


def _bsn_taken(session: Session, actor: Actor, bsn: str, household_id: int) -> Message | None:
    """Why ``bsn`` cannot join: it is in this household already, or in another running one (named only to a reader
    who may see households)."""
    other = session.scalar(select(Person.household_id).where(Person.active_bsn == bsn))
    if other is None:
        return None
    if other == household_id:
        return Message("Deze persoon staat al in dit huishouden.")
    if _may_see_households(session, actor):
        return Message("Dit BSN hoort bij huishouden %(id)s, waarvan het ontzorgen nog loopt; laat de persoon daar "
                       "eerst vertrekken.", id=other)
    return Message("Dit BSN hoort al bij een ander huishouden waarvan het ontzorgen nog loopt.")


def correct_person(session: Session, actor: Actor, household_id: int, person_id: int,
                   data: Mapping[str, Any]) -> Person:
    """Correct a person's first name, last name or date of birth (what is given), with an optional reason."""
    household = running(get_household(session, household_id, lock=True))
    person = get_person(session, household.id, person_id)
    errors = v.Errors()
    changes: dict[str, Any] = {}
    for name in ("first_name", "last_name"):
        if name in data:
            value = v.text(errors, name, data.get(name))
            if value is not None:
                changes[name] = value
    if "date_of_birth" in data:
        born = v.iso_date(errors, "date_of_birth", data.get("date_of_birth"), earliest=date(1900, 1, 1),
                          latest=date.max)
        if born is not None and born > clock.today():
            errors.add("date_of_birth", Message("De geboortedatum ligt in de toekomst."))
        elif born is not None:
            changes["date_of_birth"] = born
    reason = _reason(errors, data.get("reason"), required=False)
    if not changes and not errors:
        errors.add("first_name", Message("Geef wat er verandert: voornaam, achternaam of geboortedatum."))
    errors.raise_if_any()
    before = person_snapshot(person)
    for name, value in changes.items():
        setattr(person, name, value)
    session.flush()
    record(session, actor, "person.corrected", "household", household.id, before=before,
           after=person_snapshot(person), reason=reason)
    return person


def add_person(session: Session, actor: Actor, household_id: int, data: Mapping[str, Any],
               *, today: date | None = None) -> Person:
    """Add a person (BSN with the 11-check, in no running household) from a date (``from``, default today).

    The person's own period starts on that date and lasts six months; when it ends after the household's, the
    household's end moves out to it (the span), and the persons already there keep the period they had."""
    today = today or clock.today()
    household = running(get_household(session, household_id, lock=True))
    errors = v.Errors()
    number = v.bsn(errors, "bsn", data.get("bsn"))
    first = v.text(errors, "first_name", data.get("first_name"))
    last = v.text(errors, "last_name", data.get("last_name"))
    born = v.iso_date(errors, "date_of_birth", data.get("date_of_birth"), earliest=date(1900, 1, 1), latest=date.max)
    if born is not None and born > today:
        errors.add("date_of_birth", Message("De geboortedatum ligt in de toekomst."))
    joined = v.iso_date(errors, "from", data.get("from"), required=False, earliest=v.BUSINESS_EARLIEST,
                        latest=v.years_ahead(today, 1)) or max(today, household.period_start)
    if joined < household.period_start or joined > household.period_end:
        errors.add("from", Message("Kies een datum in de periode (%(start)s tot en met %(end)s).",
                                   start=household.period_start.isoformat(), end=household.period_end.isoformat()))
    reason = _reason(errors, data.get("reason"), required=False)
    if number is not None:
        taken = _bsn_taken(session, actor, number, household.id)
        if taken is not None:
            errors.add("bsn", taken)
    errors.raise_if_any()
    assert number and first and last and born
    before = {"period": {"start": household.period_start, "end": household.period_end}}
    own_end = period_end(joined)
    for present in household.persons:
        if present.left_on is None and present.period_start is None:
            present.period_start, present.period_end = household.period_start, household.period_end
    person = Person(household_id=household.id, bsn=number, active_bsn=number, first_name=first, last_name=last,
                    date_of_birth=born, period_start=joined, period_end=own_end)
    try:
        with session.begin_nested():
            session.add(person)
            session.flush()
    except IntegrityError:
        raise ValidationError({"bsn": Message("Dit BSN hoort al bij een ander huishouden waarvan het ontzorgen nog "
                                              "loopt.")}) from None
    session.refresh(household, ["persons"])
    household.period_start, household.period_end = household_span(household, household.persons)
    session.flush()
    record(session, actor, "person.added", "household", household.id, before=before,
           after={"person": person_snapshot(person),
                  "period": {"start": household.period_start, "end": household.period_end}}, reason=reason)
    return person


def person_leaves(session: Session, actor: Actor, household_id: int, person_id: int, data: Mapping[str, Any],
                  *, today: date | None = None) -> Person:
    """A person leaves on ``date`` (their last day in the household, inside the period) with a reason; their BSN is
    released for another household at once. The last person cannot leave: end the period instead."""
    today = today or clock.today()
    household = running(get_household(session, household_id, lock=True))
    person = get_person(session, household.id, person_id)
    if person.left_on is not None:
        raise Conflict(Message("Deze persoon is al vertrokken op %(date)s.", date=person.left_on.isoformat()),
                       {"date": Message("al vertrokken")})
    staying = [p for p in household.persons if p.left_on is None and p.id != person.id]
    if not staying:
        raise Conflict(Message("Dit is de laatste persoon van het huishouden; beëindig de periode in plaats daarvan."),
                       {"person_id": Message("laatste persoon")})
    errors = v.Errors()
    left = v.iso_date(errors, "date", data.get("date"), earliest=v.BUSINESS_EARLIEST, latest=v.years_ahead(today, 1))
    start, end = person_period(household, person)
    if left is not None and not start <= left <= end:
        errors.add("date", Message("Kies een datum in de periode van deze persoon (%(start)s tot en met %(end)s).",
                                   start=start.isoformat(), end=end.isoformat()))
    reason = _reason(errors, data.get("reason"), required=True)
    errors.raise_if_any()
    assert left is not None
    before = person_snapshot(person) | {"period": {"start": household.period_start, "end": household.period_end}}
    for present in household.persons:
        if present.left_on is None and present.period_start is None:
            present.period_start, present.period_end = household.period_start, household.period_end
    person.left_on = left
    person.leave_reason = reason
    person.active_bsn = None
    session.flush()
    _, new_end = household_span(household, staying)
    household.period_end = max(new_end, household.period_start)
    session.flush()
    record(session, actor, "person.left", "household", household.id, before=before,
           after=person_snapshot(person) | {"period": {"start": household.period_start, "end": household.period_end}},
           reason=reason)
    return person
