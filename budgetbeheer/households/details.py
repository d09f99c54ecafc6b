"""Household details after intake: address, caseworker, and leefgeld frequency, day and buffer from a date.

Address and caseworker change at once. The leefgeld settings change from a date (``from``, default today): from
today they are the household's at once; from a later date they wait as a :class:`LeefgeldChange` that the daily job
applies on that day (:func:`apply_due_leefgeld_changes`), so the runs before it still pay as before. Each change is
audited with before and after. The household's own IBAN is not changed here: that is a payee change with four eyes
(:mod:`budgetbeheer.payments.iban_changes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.domain.schedule import LeefgeldFrequency
from budgetbeheer.errors import Message
from budgetbeheer.households.common import get_household, row_id, running, sub_mapping
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.households import Household, LeefgeldChange
from budgetbeheer.users.models import User

_FIELDS = ("address", "caseworker_id", "leefgeld", "iban", "account_holder")


def details_snapshot(household: Household) -> dict[str, Any]:
    return {
        "address": {"street": household.address_street, "postal_code": household.address_postal_code,
                    "city": household.address_city},
        "caseworker_id": household.caseworker_id,
        "team": household.team,
        "leefgeld": {"frequency": household.leefgeld_frequency, "day": household.leefgeld_day,
                     "buffer": cents_to_str(household.buffer_cents)},
    }


def _leefgeld(errors: v.Errors, household: Household, raw: Mapping[str, object]) -> tuple[str, int, int] | None:
    frequency = v.choice(errors, "leefgeld.frequency", raw.get("frequency") or household.leefgeld_frequency,
                         [f.value for f in LeefgeldFrequency])
    raw_day = raw.get("day")
    if raw_day is None or raw_day == "":
        raw_day = household.leefgeld_day if frequency == household.leefgeld_frequency else 1
    top = 7 if frequency == LeefgeldFrequency.WEEKLY else 31
    day = v.day_number(errors, "leefgeld.day", raw_day, 1, top)
    raw_buffer = raw.get("buffer")
    buffer = (household.buffer_cents if raw_buffer is None or raw_buffer == ""
              else v.amount(errors, "leefgeld.buffer", raw_buffer, allow_zero=True))
    if frequency is None or day is None or buffer is None:
        return None
    return frequency, day, buffer


def change_household(session: Session, actor: Actor, household_id: int, data: Mapping[str, Any],
                     *, today: date | None = None) -> Household:
    """``PATCH /households/{id}``: what is given of ``address``, ``caseworker_id`` and ``leefgeld`` (with ``from``)."""
    today = today or clock.today()
    household = running(get_household(session, household_id, lock=True))
    errors = v.Errors()
    if "iban" in data or "account_holder" in data:
        errors.add("iban", Message("Een nieuw IBAN is een wijziging met vier ogen: stel hem voor via "
                                   "/households/{id}/iban-changes."))
    if not any(name in data for name in _FIELDS):
        errors.add("address", Message("Geef wat er verandert: adres, klantmanager of leefgeld."))
    address: dict[str, str | None] | None = None
    if "address" in data:
        raw = sub_mapping(data, "address")
        address = {
            "street": v.text(errors, "address.street", raw.get("street"), required=False, maximum=200),
            "postal_code": v.text(errors, "address.postal_code", raw.get("postal_code"), required=False, maximum=10),
            "city": v.text(errors, "address.city", raw.get("city"), required=False),
        }
    caseworker_id: int | None = None
    if "caseworker_id" in data:
        caseworker_id = row_id(data.get("caseworker_id"))
        user = session.get(User, caseworker_id) if caseworker_id is not None else None
        if user is None or not user.is_active or "caseworker" not in user.roles:
            errors.add("caseworker_id", Message("Kies een actieve klantmanager."))
    leefgeld: tuple[str, int, int] | None = None
    effective = today
    if "leefgeld" in data:
        leefgeld = _leefgeld(errors, household, sub_mapping(data, "leefgeld"))
        effective = v.iso_date(errors, "from", data.get("from"), required=False, earliest=v.BUSINESS_EARLIEST,
                               latest=v.years_ahead(today, 1)) or today
        if effective < today:
            errors.add("from", Message("Het leefgeld van vóór vandaag is al gepland of betaald; kies vandaag of "
                                       "later."))
        elif effective > household.period_end:
            errors.add("from", Message("Deze datum ligt na het einde van de periode."))
    reason = v.text(errors, "reason", data.get("reason"), required=False, maximum=2000)
    errors.raise_if_any()
    before = details_snapshot(household)
    if address is not None:
        household.address_street = address["street"]
        household.address_postal_code = address["postal_code"].upper() if address["postal_code"] else None
        household.address_city = address["city"]
    if "caseworker_id" in data:
        household.caseworker_id = caseworker_id
        new_caseworker = session.get(User, caseworker_id) if caseworker_id is not None else None
        if new_caseworker is not None:
            household.team = new_caseworker.team  # a household belongs to its caseworker's team
    scheduled: LeefgeldChange | None = None
    if leefgeld is not None:
        if effective <= today:
            household.leefgeld_frequency, household.leefgeld_day, household.buffer_cents = leefgeld
        else:
            scheduled = LeefgeldChange(household_id=household.id, effective_from=effective,
                                       leefgeld_frequency=leefgeld[0], leefgeld_day=leefgeld[1],
                                       buffer_cents=leefgeld[2], reason=reason, created_by=actor.name,
                                       created_at=utcnow())
            session.add(scheduled)
    session.flush()
    after = details_snapshot(household)
    if scheduled is not None:
        after["leefgeld_from"] = {"from": effective, "frequency": leefgeld[0] if leefgeld else None,
                                  "day": scheduled.leefgeld_day, "buffer": cents_to_str(scheduled.buffer_cents)}
    record(session, actor, "household.changed", "household", household.id, before=before, after=after, reason=reason)
    return household


def pending_leefgeld_changes(session: Session, household_id: int) -> list[LeefgeldChange]:
    return list(session.scalars(select(LeefgeldChange).where(
        LeefgeldChange.household_id == household_id, LeefgeldChange.applied_at.is_(None))
        .order_by(LeefgeldChange.effective_from, LeefgeldChange.id)))


def apply_due_leefgeld_changes(session: Session, actor: Actor, today: date) -> int:
    """The daily job: leefgeld changes whose date has come become the household's (oldest first); returns how many."""
    due = list(session.scalars(select(LeefgeldChange).where(
        LeefgeldChange.applied_at.is_(None), LeefgeldChange.effective_from <= today)
        .order_by(LeefgeldChange.effective_from, LeefgeldChange.id)))
    for change in due:
        household = session.get(Household, change.household_id)
        assert household is not None
        before = details_snapshot(household)
        household.leefgeld_frequency = change.leefgeld_frequency
        household.leefgeld_day = change.leefgeld_day
        household.buffer_cents = change.buffer_cents
        change.applied_at = utcnow()
        session.flush()
        record(session, actor, "household.leefgeld_changed", "household", household.id, before=before,
               after=details_snapshot(household) | {"leefgeld_change_id": change.id, "from": change.effective_from},
               reason=change.reason)
    return len(due)
