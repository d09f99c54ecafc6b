"""Intake: enrolling a household (persons with BSN, its own IBAN, the period, leefgeld, caseworker).

Everything is validated first (one :class:`~budgetbeheer.errors.ValidationError` naming every bad field, nothing
written), then the household, its persons and its funds account are written and the audit trail records it; the
commit is the caller's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.domain.period import period_end
from budgetbeheer.domain.schedule import LeefgeldFrequency
from budgetbeheer.errors import Message
from budgetbeheer.households.common import household_name, row_id, sub_mapping
from budgetbeheer.households.inputs import IntakeData
from budgetbeheer.ledger import service as ledger
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.households import Household, Person
from budgetbeheer.tables.states import HouseholdStatus
from budgetbeheer.users.models import DEFAULT_TEAM, User

MAX_PERSONS = 20


@dataclass(frozen=True)
class _PersonInput:
    bsn: str
    first_name: str
    last_name: str
    date_of_birth: date


def _validate_persons(session: Session, errors: v.Errors, raw: Any) -> list[_PersonInput]:
    if not isinstance(raw, list) or not raw:
        errors.add("persons", Message("Voeg minstens één persoon toe."))
        return []
    if len(raw) > MAX_PERSONS:
        errors.add("persons", Message("Hoogstens %(maximum)s personen.", maximum=MAX_PERSONS))
        return []
    persons: list[_PersonInput] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        prefix = f"persons.{index}."
        if not isinstance(item, Mapping):
            errors.add(f"persons.{index}", Message("Geef de gegevens van de persoon."))
            continue
        number = v.bsn(errors, prefix + "bsn", item.get("bsn"))
        first = v.text(errors, prefix + "first_name", item.get("first_name"))
        last = v.text(errors, prefix + "last_name", item.get("last_name"))
        born = v.iso_date(errors, prefix + "date_of_birth", item.get("date_of_birth"), earliest=date(1900, 1, 1),
                          latest=date.max)
        if born is not None and born > clock.today():
            errors.add(prefix + "date_of_birth", Message("De geboortedatum ligt in de toekomst."))
            born = None
        if number is not None:
            if number in seen:
                errors.add(prefix + "bsn", Message("Dit BSN staat al bij persoon %(other)s.", other=seen[number] + 1))
                number = None
            else:
                seen[number] = index
        if number and first and last and born:
            persons.append(_PersonInput(number, first, last, born))
    if seen:
        active = session.scalars(select(Person.bsn).where(Person.active_bsn.in_(list(seen))))
        for number in set(active):
            errors.add(
                f"persons.{seen[number]}.bsn",
                Message("Dit BSN hoort al bij een ander huishouden waarvan het ontzorgen nog loopt."),
            )
    return persons


def _validate_leefgeld(errors: v.Errors, raw: Mapping[str, object]) -> tuple[str | None, int | None, int | None]:
    frequency = v.choice(errors, "leefgeld.frequency", raw.get("frequency") or "monthly",
                         [f.value for f in LeefgeldFrequency])
    day: int | None = None
    raw_day = raw.get("day")
    if raw_day is None or raw_day == "":
        raw_day = 1  # Monday, or the first of the month
    if frequency == LeefgeldFrequency.WEEKLY:
        day = v.day_number(errors, "leefgeld.day", raw_day, 1, 7)
    elif frequency is not None:
        day = v.day_number(errors, "leefgeld.day", raw_day, 1, 31)
    buffer = v.amount(errors, "leefgeld.buffer", raw.get("buffer"), allow_zero=True)
    return frequency, day, buffer


def _validate_caseworker(session: Session, errors: v.Errors, actor: Actor, raw: Any) -> User | None:
    """The household's caseworker: the one chosen, else the acting user (None for the system)."""
    if raw is None or raw == "":
        return session.get(User, actor.user_id) if actor.user_id is not None else None
    user_id = row_id(raw)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active or "caseworker" not in user.roles:
        errors.add("caseworker_id", Message("Kies een actieve klantmanager."))
        return None
    return user


def enrol_household(
    session: Session, actor: Actor, data: IntakeData, *, today: date | None = None
) -> Household:
    """Intake: persons with BSN, the household's own IBAN, start date (period of six months), leefgeld, caseworker.

    The start date may lie up to a year in the past (a bijstand decision often comes weeks late) or ahead; see
    :func:`~budgetbeheer.validation.past_start_warning` for what the caseworker is told. Opens the
    household's funds account in the ledger.
    """
    today = today or clock.today()
    errors = v.Errors()
    persons = _validate_persons(session, errors, data.get("persons"))
    iban = v.iban(errors, "iban", data.get("iban"))
    holder = v.text(errors, "account_holder", data.get("account_holder"), maximum=70)
    start = v.benefit_start_date(errors, "benefit_start_date", data.get("benefit_start_date"), today)
    frequency, day, buffer = _validate_leefgeld(errors, sub_mapping(data, "leefgeld"))
    address = sub_mapping(data, "address")
    street = v.text(errors, "address.street", address.get("street"), required=False, maximum=200)
    postal_code = v.text(errors, "address.postal_code", address.get("postal_code"), required=False, maximum=10)
    city = v.text(errors, "address.city", address.get("city"), required=False)
    caseworker = _validate_caseworker(session, errors, actor, data.get("caseworker_id"))
    errors.raise_if_any()
    assert iban is not None and holder and start and frequency and day is not None and buffer is not None

    household = Household(
        iban=str(iban.compact),
        account_holder=holder,
        address_street=street,
        address_postal_code=postal_code.upper() if postal_code else None,
        address_city=city,
        caseworker_id=caseworker.id if caseworker is not None else None,
        team=caseworker.team if caseworker is not None else DEFAULT_TEAM,  # the caseworker's team sees it
        benefit_start_date=start,
        period_start=start,
        period_end=period_end(start),
        status=HouseholdStatus.ACTIVE,
        leefgeld_frequency=frequency,
        leefgeld_day=day,
        buffer_cents=buffer,
        created_at=utcnow(),
        created_by=actor.name,
    )
    session.add(household)
    session.flush()
    for person in persons:
        session.add(
            Person(
                household_id=household.id,
                bsn=person.bsn,
                active_bsn=person.bsn,
                first_name=person.first_name,
                last_name=person.last_name,
                date_of_birth=person.date_of_birth,
            )
        )
    session.flush()
    session.refresh(household, ["persons"])
    ledger.open_household_account(session, household.id, f"Huishouden {household.id} ({household_name(household)})")
    record(session, actor, "household.enrolled", "household", household.id, after=household_snapshot(household))
    return household


def household_snapshot(household: Household) -> dict[str, Any]:
    """What the audit trail keeps of a household (BSNs masked: the trail is read more widely than the file)."""
    return {
        "persons": [
            {"bsn": v.mask_bsn(p.bsn), "first_name": p.first_name, "last_name": p.last_name} for p in household.persons
        ],
        "iban": household.iban,
        "account_holder": household.account_holder,
        "benefit_start_date": household.benefit_start_date,
        "period": {"start": household.period_start, "end": household.period_end},
        "leefgeld": {
            "frequency": household.leefgeld_frequency,
            "day": household.leefgeld_day,
            "buffer": cents_to_str(household.buffer_cents),
        },
        "caseworker_id": household.caseworker_id,
        "status": household.status,
    }

