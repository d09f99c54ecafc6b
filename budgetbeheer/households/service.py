"""Household use cases: intake, creditors, fixed costs, expected income, receipts, views and the statement.

Every function takes ``(session, actor, ...)``, validates everything first (one :class:`ValidationError` naming every
bad field, nothing written), flushes and records an audit entry, and leaves the commit to the caller.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.households import validation as v
from budgetbeheer.households.categories import REQUIRED_CATEGORIES, Category
from budgetbeheer.households.figures import (
    DEFAULT_LEAD_BUSINESS_DAYS,
    HouseholdFigures,
    Reservation,
    household_figures,
    income_expectations,
    schedule_of,
)
from budgetbeheer.households.forecast import (
    Forecast,
    LeefgeldPlan,
    ObligationSchedule,
    forecast,
)
from budgetbeheer.households.models import (
    Creditor,
    ExpectedIncome,
    FixedCost,
    FixedCostAmount,
    Household,
    Person,
    Receipt,
)
from budgetbeheer.households.period import as_whole_number, days_left, period_end, period_over
from budgetbeheer.households.schedule import Frequency, LeefgeldFrequency
from budgetbeheer.ledger import service as ledger
from budgetbeheer.ledger.models import Posting, Transaction
from budgetbeheer.money import cents_to_str
from budgetbeheer.payments.planning import DueObligation
from budgetbeheer.references import ReferenceKind, suspicious_reference, validate_reference
from budgetbeheer.users.models import User

MAX_PERSONS = 20
INCOME_KINDS = ("benefit", "allowance", "child_benefit", "wages", "other")
RECEIPT_KINDS = INCOME_KINDS
INCOME_KIND_LABELS = {
    "benefit": "bijstandsuitkering",
    "allowance": "toeslag",
    "child_benefit": "kinderbijslag",
    "wages": "loon",
    "other": "overig",
}
FREQUENCY_LABELS = {
    "weekly": "per week",
    "four_weekly": "per vier weken",
    "monthly": "per maand",
    "quarterly": "per kwartaal",
    "yearly": "per jaar",
}
REFERENCE_KIND_LABELS = {
    "betalingskenmerk": "betalingskenmerk",
    "iso11649": "RF-kenmerk (ISO 11649)",
    "free_text": "vrije tekst",
    "none": "geen kenmerk",
}
ENDED = "ended"
PAGE_SIZE = 25


# ---------------------------------------------------------------------------------------------------------- helpers


def get_household(session: Session, household_id: int, *, lock: bool = False) -> Household:
    """The household, or :class:`NotFound`. ``lock`` reads it with ``SELECT ... FOR UPDATE`` (PostgreSQL) for a
    change that depends on its current state (extending or ending the period)."""
    if lock:
        household = session.scalar(select(Household).where(Household.id == household_id).with_for_update())
    else:
        household = session.get(Household, household_id)
    if household is None:
        raise NotFound(Message("Huishouden %(id)s bestaat niet.", id=household_id))
    return household


def _row_id(raw: object) -> int | None:
    """A row id as typed in a form, a CSV cell or JSON (ASCII digits or an int, within a BIGINT), else None."""
    number = as_whole_number(raw)
    return number if number is not None and 0 < number < 2**63 else None


def _running(household: Household) -> Household:
    if household.status == ENDED:
        raise Conflict(Message("Het ontzorgen van dit huishouden is beëindigd; wijzigen kan niet meer."))
    return household


def _sub(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def household_name(household: Household) -> str:
    if not household.persons:
        return f"Huishouden {household.id}"
    first = household.persons[0]
    return f"{first.first_name} {first.last_name}"


def missing_required_categories(categories: Sequence[str]) -> list[str]:
    """The legally required categories (rent, health insurance, energy, water) that have no fixed cost yet."""
    present = set(categories)
    return [c.value for c in Category if c in REQUIRED_CATEGORIES and c.value not in present]


# ----------------------------------------------------------------------------------------------------------- intake


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
        born = v.iso_date(errors, prefix + "date_of_birth", item.get("date_of_birth"))
        if born is not None and born > date.today():
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


def _validate_leefgeld(errors: v.Errors, raw: Mapping[str, Any]) -> tuple[str | None, int | None, int | None]:
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


def _validate_caseworker(session: Session, errors: v.Errors, actor: Actor, raw: Any) -> int | None:
    if raw is None or raw == "":
        return actor.user_id
    user_id = _row_id(raw)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.is_active or "caseworker" not in user.roles:
        errors.add("caseworker_id", Message("Kies een actieve klantmanager."))
        return None
    return user.id


def enrol_household(
    session: Session, actor: Actor, data: Mapping[str, Any], *, today: date | None = None
) -> Household:
    """Intake: persons with BSN, the household's own IBAN, start date (period of six months), leefgeld, caseworker.

    The start date may lie up to a year in the past (a bijstand decision often comes weeks late) or ahead; see
    :func:`~budgetbeheer.households.validation.past_start_warning` for what the caseworker is told. Opens the
    household's funds account in the ledger.
    """
    today = today or date.today()
    errors = v.Errors()
    persons = _validate_persons(session, errors, data.get("persons"))
    iban = v.iban(errors, "iban", data.get("iban"))
    holder = v.text(errors, "account_holder", data.get("account_holder"), maximum=70)
    start = v.benefit_start_date(errors, "benefit_start_date", data.get("benefit_start_date"), today)
    frequency, day, buffer = _validate_leefgeld(errors, _sub(data, "leefgeld"))
    address = _sub(data, "address")
    street = v.text(errors, "address.street", address.get("street"), required=False, maximum=200)
    postal_code = v.text(errors, "address.postal_code", address.get("postal_code"), required=False, maximum=10)
    city = v.text(errors, "address.city", address.get("city"), required=False)
    caseworker_id = _validate_caseworker(session, errors, actor, data.get("caseworker_id"))
    errors.raise_if_any()
    assert iban is not None and holder and start and frequency and day is not None and buffer is not None

    household = Household(
        iban=str(iban.compact),
        account_holder=holder,
        address_street=street,
        address_postal_code=postal_code.upper() if postal_code else None,
        address_city=city,
        caseworker_id=caseworker_id,
        benefit_start_date=start,
        period_start=start,
        period_end=period_end(start),
        status="active",
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


def record_view(session: Session, actor: Actor, household_id: int, channel: str = "web") -> None:
    """The access log: who opened which household's file (with its BSNs), and when."""
    record(session, actor, "household.viewed", "household", household_id, after={"channel": channel})


# --------------------------------------------------------------------------------------------------------- creditors


def _creditor_fields(errors: v.Errors, data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    name = v.text(errors, prefix + "name", data.get("name"), maximum=70)
    iban = v.iban(errors, prefix + "iban", data.get("iban"))
    bic = v.bic(errors, prefix + "bic", data.get("bic"))
    if iban is not None and bic is None and prefix + "bic" not in errors.fields:
        derived = iban.bic
        if derived is None:
            errors.add(prefix + "bic", Message("We kennen de BIC van deze bank niet; vul de BIC in."))
        else:
            bic = str(derived)
    category = data.get("default_category")
    if category in ("", None):
        category = None
    else:
        category = v.choice(errors, prefix + "default_category", category, [c.value for c in Category])
    kind = v.choice(errors, prefix + "reference_kind", data.get("reference_kind") or "free_text",
                    [k.value for k in ReferenceKind])
    required = data.get("reference_required", False)
    if isinstance(required, str):
        required = required.strip().lower() in ("1", "true", "ja", "yes", "on", "y")
    if not isinstance(required, bool):
        errors.add(prefix + "reference_required", Message("Kies ja of nee."))
    return {
        "name": name,
        "iban": str(iban.compact) if iban is not None else None,
        "bic": bic,
        "default_category": category,
        "reference_kind": kind,
        "reference_required": bool(required) and kind != ReferenceKind.NONE,
    }


def creditor_snapshot(creditor: Creditor) -> dict[str, Any]:
    return {
        "id": creditor.id,
        "name": creditor.name,
        "iban": creditor.iban,
        "bic": creditor.bic,
        "default_category": creditor.default_category,
        "reference_required": creditor.reference_required,
        "reference_kind": creditor.reference_kind,
        "active": creditor.active,
    }


def _find_creditor(session: Session, name: str, iban: str) -> Creditor | None:
    return session.scalar(select(Creditor).where(Creditor.name == name, Creditor.iban == iban))


def _create_creditor(session: Session, actor: Actor, fields: Mapping[str, Any]) -> Creditor:
    creditor = Creditor(**fields, active=True, created_at=utcnow())
    session.add(creditor)
    session.flush()
    record(session, actor, "creditor.created", "creditor", creditor.id, after=creditor_snapshot(creditor))
    return creditor


def get_or_create_creditor(
    session: Session, actor: Actor, data: Mapping[str, Any], *, field_prefix: str = ""
) -> tuple[Creditor, bool]:
    """The register's creditor with this name and IBAN, created when it is not there yet. Returns ``(creditor, created)``."""
    errors = v.Errors()
    fields = _creditor_fields(errors, data, field_prefix)
    errors.raise_if_any()
    existing = _find_creditor(session, fields["name"], fields["iban"])
    if existing is not None:
        return existing, False
    return _create_creditor(session, actor, fields), True


def create_creditor(session: Session, actor: Actor, data: Mapping[str, Any]) -> Creditor:
    """Add a creditor to the register; a creditor with the same name and IBAN is a conflict."""
    errors = v.Errors()
    fields = _creditor_fields(errors, data)
    errors.raise_if_any()
    if _find_creditor(session, fields["name"], fields["iban"]) is not None:
        raise Conflict(Message("Deze schuldeiser (naam en IBAN) staat al in het register."))
    return _create_creditor(session, actor, fields)


def list_creditors(session: Session, query: str | None = None) -> list[Creditor]:
    statement = select(Creditor).where(Creditor.active.is_(True)).order_by(Creditor.name, Creditor.id)
    if query:
        statement = statement.where(func.lower(Creditor.name).contains(query.strip().lower()))
    return list(session.scalars(statement))


CREDITOR_CSV_COLUMNS = ("name", "iban")
CREDITOR_CSV_OPTIONAL = ("bic", "default_category", "reference_required", "reference_kind")


def load_creditors_csv(session: Session, actor: Actor, content: bytes) -> tuple[int, int]:
    """Load creditors from CSV (``name,iban[,bic,default_category,reference_required,reference_kind]``).

    All lines or none; existing creditors (same name and IBAN) are skipped. Returns ``(created, skipped)``.
    """
    from budgetbeheer.households.csvfile import read_csv

    rows = read_csv(content, CREDITOR_CSV_COLUMNS, CREDITOR_CSV_OPTIONAL)
    errors = v.Errors()
    parsed: list[dict[str, Any]] = []
    for line, row in rows:
        line_errors = v.Errors()
        fields = _creditor_fields(line_errors, row)
        for name, why in line_errors.fields.items():
            errors.add(f"regel {line}: {name}", why)
        parsed.append(fields)
    errors.raise_if_any()
    created = skipped = 0
    for fields in parsed:
        if _find_creditor(session, fields["name"], fields["iban"]) is None:
            _create_creditor(session, actor, fields)
            created += 1
        else:
            skipped += 1
    return created, skipped


# ------------------------------------------------------------------------------------------------------- fixed costs


def _reference_for(errors: v.Errors, creditor: Creditor | None, raw: Any) -> str | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if raw is not None and not isinstance(raw, str):
        errors.add("reference", Message("Geef het kenmerk als tekst."))
        return None
    if creditor is None:
        return text or None
    if not text:
        if creditor.reference_required:
            errors.add("reference", Message("Deze schuldeiser vraagt een betalingskenmerk; vul het in."))
        return None
    kind = ReferenceKind(creditor.reference_kind)
    if kind in (ReferenceKind.FREE_TEXT, ReferenceKind.NONE):
        warning = suspicious_reference(text)
        if warning is not None:
            errors.add("reference", warning)
            return None
        kind = ReferenceKind.FREE_TEXT
    try:
        return validate_reference(kind, text) or None
    except ValidationError as error:
        errors.merge(error)
        return None


def default_fixed_cost_start(household: Household, today: date) -> date:
    """A fixed cost without a start date starts on the later of the period start and ``today`` (the day it is entered):
    enrolling a household whose benefit started weeks ago must not make every past month's rent due at once. An
    earlier start entered on purpose is honoured (those instalments are paid by the next run)."""
    return max(household.period_start, today)


def add_fixed_cost(
    session: Session, actor: Actor, household_id: int, data: Mapping[str, Any], *, today: date | None = None
) -> FixedCost:
    """A fixed cost for the household: category, creditor (from the register or new), amount, schedule, reference.

    Without ``start_date`` it starts on :func:`default_fixed_cost_start`."""
    today = today or date.today()
    household = _running(get_household(session, household_id))
    errors = v.Errors()
    category = v.choice(errors, "category", data.get("category"), [c.value for c in Category])
    creditor: Creditor | None = None
    creditor_fields: dict[str, Any] | None = None
    raw_creditor_id = data.get("creditor_id")
    if raw_creditor_id not in (None, ""):
        creditor_id = _row_id(raw_creditor_id)
        creditor = session.get(Creditor, creditor_id) if creditor_id else None
        if creditor is None or not creditor.active:
            errors.add("creditor_id", Message("Kies een schuldeiser uit het register."))
            creditor = None
    elif isinstance(data.get("creditor"), Mapping):
        creditor_fields = _creditor_fields(errors, _sub(data, "creditor"), "creditor.")
        if creditor_fields["name"] and creditor_fields["iban"]:
            creditor = _find_creditor(session, creditor_fields["name"], creditor_fields["iban"])
    else:
        errors.add("creditor_id", Message("Kies een schuldeiser, of geef naam en IBAN van een nieuwe."))
    amount = v.amount(errors, "amount", data.get("amount"))
    frequency = v.choice(errors, "frequency", data.get("frequency") or "monthly", [f.value for f in Frequency])
    due_day = v.day_number(errors, "due_day", data.get("due_day"), 1, 31)
    if creditor is not None:
        reference = _reference_for(errors, creditor, data.get("reference"))
    else:
        pending = Creditor(reference_required=bool(creditor_fields and creditor_fields["reference_required"]),
                           reference_kind=(creditor_fields or {}).get("reference_kind") or "free_text")
        reference = _reference_for(errors, pending, data.get("reference"))
    start = v.iso_date(errors, "start_date", data.get("start_date"), required=False)
    if start is not None and start < household.period_start:
        errors.add("start_date", Message(
            "De ingangsdatum ligt vóór de start van de periode (%(start)s). Termijnen van vóór de periode betaalt het "
            "ontzorgen niet; kies een datum in de periode.", start=household.period_start.strftime("%d-%m-%Y")))
    start = start or default_fixed_cost_start(household, today)
    end = v.iso_date(errors, "end_date", data.get("end_date"), required=False)
    if end is not None and end < start:
        errors.add("end_date", Message("De einddatum ligt vóór de begindatum."))
    errors.raise_if_any()
    assert category and amount and frequency and due_day

    if creditor is None:
        assert creditor_fields is not None
        creditor = _create_creditor(session, actor, creditor_fields)
    now = utcnow()
    cost = FixedCost(
        household_id=household.id,
        category=category,
        creditor_id=creditor.id,
        frequency=frequency,
        due_day=due_day,
        reference=reference,
        start_date=start,
        end_date=end,
        created_at=now,
    )
    session.add(cost)
    session.flush()
    session.add(FixedCostAmount(fixed_cost_id=cost.id, amount_cents=amount, effective_from=start, created_at=now,
                                created_by=actor.name))
    session.flush()
    session.refresh(cost, ["amounts"])
    record(session, actor, "fixed_cost.added", "fixed_cost", cost.id, after=fixed_cost_snapshot(cost, creditor))
    return cost


def change_fixed_cost_amount(
    session: Session, actor: Actor, fixed_cost_id: int, data: Mapping[str, Any]
) -> FixedCostAmount:
    """A new amount from a date on; earlier amounts stay in the history."""
    cost = session.get(FixedCost, fixed_cost_id)
    if cost is None:
        raise NotFound(Message("Vaste last %(id)s bestaat niet.", id=fixed_cost_id))
    _running(get_household(session, cost.household_id))
    errors = v.Errors()
    amount = v.amount(errors, "amount", data.get("amount"))
    effective = v.iso_date(errors, "effective_from", data.get("effective_from"))
    if effective is not None and effective < cost.start_date:
        errors.add("effective_from", Message("Deze datum ligt vóór het begin van de vaste last."))
    if effective is not None and any(row.effective_from == effective for row in cost.amounts):
        errors.add("effective_from", Message("Op deze datum gaat al een bedrag in."))
    errors.raise_if_any()
    assert amount and effective
    before = fixed_cost_amount_on(cost, effective)
    row = FixedCostAmount(fixed_cost_id=cost.id, amount_cents=amount, effective_from=effective, created_at=utcnow(),
                          created_by=actor.name)
    session.add(row)
    session.flush()
    session.refresh(cost, ["amounts"])
    record(session, actor, "fixed_cost.amount_changed", "fixed_cost", cost.id,
           before={"amount": cents_to_str(before), "effective_from": effective},
           after={"amount": cents_to_str(amount), "effective_from": effective},
           reason=str(data.get("reason") or "") or None)
    return row


def obligation_schedule(fixed_cost: FixedCost, today: date | None = None) -> ObligationSchedule:
    """The fixed cost's schedule, each instalment at the amount in force on its own due date (the whole history:
    ``today`` is no longer needed and kept for callers)."""
    return schedule_of(fixed_cost)


def fixed_cost_amount_on(fixed_cost: FixedCost, day: date) -> int:
    """The amount in force on ``day``: the last change on or before it (the first amount before the first change)."""
    amounts = sorted(fixed_cost.amounts, key=lambda row: row.effective_from)
    if not amounts:
        raise ValueError(f"fixed cost {fixed_cost.id} has no amount")
    current = amounts[0].amount_cents
    for row in amounts:
        if row.effective_from <= day:
            current = row.amount_cents
    return current


def fixed_cost_snapshot(cost: FixedCost, creditor: Creditor | None = None, today: date | None = None) -> dict[str, Any]:
    today = today or date.today()
    result: dict[str, Any] = {
        "id": cost.id,
        "household_id": cost.household_id,
        "category": cost.category,
        "creditor_id": cost.creditor_id,
        "amount": cents_to_str(fixed_cost_amount_on(cost, today)),
        "frequency": cost.frequency,
        "due_day": cost.due_day,
        "reference": cost.reference,
        "start_date": cost.start_date.isoformat(),
        "end_date": cost.end_date.isoformat() if cost.end_date else None,
        "amounts": [
            {"amount": cents_to_str(row.amount_cents), "effective_from": row.effective_from.isoformat()}
            for row in sorted(cost.amounts, key=lambda r: r.effective_from)
        ],
    }
    if creditor is not None:
        result["creditor"] = {"id": creditor.id, "name": creditor.name, "iban": creditor.iban, "bic": creditor.bic}
    return result


# ------------------------------------------------------------------------------------------------------------ income


def add_expected_income(
    session: Session, actor: Actor, household_id: int, data: Mapping[str, Any]
) -> ExpectedIncome:
    """Income the household expects each month: kind, amount, day of the month, from a start date."""
    household = _running(get_household(session, household_id))
    errors = v.Errors()
    kind = v.choice(errors, "kind", data.get("kind") or "benefit", INCOME_KINDS)
    amount = v.amount(errors, "amount", data.get("amount"))
    day = v.day_number(errors, "day", data.get("day"), 1, 31)
    start = v.iso_date(errors, "start_date", data.get("start_date"), required=False) or household.period_start
    end = v.iso_date(errors, "end_date", data.get("end_date"), required=False)
    if end is not None and end < start:
        errors.add("end_date", Message("De einddatum ligt vóór de begindatum."))
    errors.raise_if_any()
    assert kind and amount and day
    income = ExpectedIncome(household_id=household.id, kind=kind, amount_cents=amount, day=day, start_date=start,
                            end_date=end, created_at=utcnow())
    session.add(income)
    session.flush()
    record(session, actor, "expected_income.added", "expected_income", income.id, after=income_snapshot(income))
    return income


def income_snapshot(income: ExpectedIncome) -> dict[str, Any]:
    return {
        "id": income.id,
        "household_id": income.household_id,
        "kind": income.kind,
        "amount": cents_to_str(income.amount_cents),
        "day": income.day,
        "start_date": income.start_date.isoformat(),
        "end_date": income.end_date.isoformat() if income.end_date else None,
    }


# ---------------------------------------------------------------------------------------------------------- receipts


@dataclass(frozen=True)
class ReceiptInput:
    household_id: int
    amount_cents: int
    received_on: date
    kind: str
    reference: str | None

    def request_hash(self) -> str:
        canonical = json.dumps(
            [self.household_id, self.amount_cents, self.received_on.isoformat(), self.kind, self.reference or ""],
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


def parse_receipt(
    errors: v.Errors, data: Mapping[str, Any], households: Mapping[int, str], prefix: str = ""
) -> ReceiptInput | None:
    """Check one receipt against ``households`` (id → status). Adds errors under ``prefix + field``."""
    household_id = _raw_household_id(data)
    if household_id is None:
        errors.add(prefix + "household_id", Message("Geef het nummer van het huishouden."))
    elif household_id not in households:
        errors.add(prefix + "household_id", Message("Huishouden %(id)s bestaat niet.", id=household_id))
        household_id = None
    elif households[household_id] == ENDED:
        errors.add(prefix + "household_id",
                   Message("Het ontzorgen van huishouden %(id)s is beëindigd; boek hier niet meer op.", id=household_id))
        household_id = None
    amount = v.amount(errors, prefix + "amount", data.get("amount"))
    received = v.iso_date(errors, prefix + "date", data.get("date"))
    if received is not None and received > date.today() + timedelta(days=1):
        errors.add(prefix + "date", Message("De datum ligt in de toekomst."))
        received = None
    kind = v.choice(errors, prefix + "kind", data.get("kind") or "benefit", RECEIPT_KINDS)
    reference = v.text(errors, prefix + "reference", data.get("reference"), required=False, maximum=140)
    if household_id is None or amount is None or received is None or kind is None:
        return None
    return ReceiptInput(household_id, amount, received, kind, reference)


def household_statuses(session: Session, ids: Sequence[int]) -> dict[int, str]:
    result: dict[int, str] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), 900):
        chunk = unique[start : start + 900]
        result.update(dict(session.execute(select(Household.id, Household.status).where(Household.id.in_(chunk))).all()))
    return result


def _raw_household_id(data: Mapping[str, Any]) -> int | None:
    return _row_id(data.get("household_id"))


def book_receipt(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    idempotency_key: str | None = None,
    source: str = "api",
) -> tuple[Receipt, bool]:
    """Book income for a household: debit the managed bank account, credit the household's funds.

    With an ``idempotency_key`` used before: the same body returns the first receipt (``created`` False); a different
    body is a :class:`Conflict`.
    """
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip()
        if not idempotency_key or len(idempotency_key) > 200:
            raise ValidationError({"Idempotency-Key": Message("De Idempotency-Key is leeg of langer dan 200 tekens.")})
    errors = v.Errors()
    raw_id = _raw_household_id(data)
    statuses = household_statuses(session, [raw_id] if raw_id is not None else [])
    parsed = parse_receipt(errors, data, statuses)
    if idempotency_key is not None:
        existing = session.scalar(select(Receipt).where(Receipt.idempotency_key == idempotency_key))
        if existing is not None:
            # Compared as first sent: the household may have ended since, which does not make it another receipt.
            known = {existing.household_id: "active"} if existing.household_id is not None else {}
            replay = parse_receipt(v.Errors(), data, known)
            if replay is not None and existing.request_hash == replay.request_hash():
                return existing, False
            raise Conflict(Message("Deze Idempotency-Key is al gebruikt voor een andere ontvangst."))
    errors.raise_if_any()
    assert parsed is not None
    return _book(session, actor, parsed, idempotency_key, source), True


def _book(session: Session, actor: Actor, parsed: ReceiptInput, idempotency_key: str | None, source: str) -> Receipt:
    label = INCOME_KIND_LABELS.get(parsed.kind, parsed.kind)
    description = f"Ontvangst {label}" + (f": {parsed.reference}" if parsed.reference else "")
    transaction = ledger.transfer(
        session,
        debit_account_id=ledger.account_id(session, ledger.BANK),
        credit_account_id=ledger.household_account_id(session, parsed.household_id),
        amount_cents=parsed.amount_cents,
        business_date=parsed.received_on,
        kind="receipt",
        description=description,
        booked_by=actor.name,
        household_id=parsed.household_id,
    )
    receipt = Receipt(
        household_id=parsed.household_id,
        amount_cents=parsed.amount_cents,
        received_on=parsed.received_on,
        kind=parsed.kind,
        reference=parsed.reference,
        source=source,
        idempotency_key=idempotency_key,
        request_hash=parsed.request_hash(),
        ledger_transaction_id=transaction.id,
        created_by=actor.name,
        created_at=utcnow(),
    )
    session.add(receipt)
    session.flush()
    record(session, actor, "receipt.booked", "receipt", receipt.id, after=receipt_snapshot(receipt))
    return receipt


def receipt_snapshot(receipt: Receipt) -> dict[str, Any]:
    return {
        "id": receipt.id,
        "household_id": receipt.household_id,
        "amount": cents_to_str(receipt.amount_cents),
        "date": receipt.received_on.isoformat(),
        "kind": receipt.kind,
        "reference": receipt.reference,
        "source": receipt.source,
        "ledger_transaction_id": receipt.ledger_transaction_id,
    }


RECEIPT_CSV_COLUMNS = ("household_id", "amount", "date", "kind")
RECEIPT_CSV_OPTIONAL = ("reference", "idempotency_key")


@dataclass(frozen=True)
class ImportResult:
    booked: int
    already_booked: int


def import_receipts_csv(session: Session, actor: Actor, content: bytes, source: str = "csv") -> ImportResult:
    """Book every line of a receipts CSV, or none: each line is checked first and every error names its line.

    Lines without an ``idempotency_key`` get ``csv:<sha256 of the file>:<line>``, so importing the same file twice
    books it once.
    """
    from budgetbeheer.households.csvfile import read_csv

    rows = read_csv(content, RECEIPT_CSV_COLUMNS, RECEIPT_CSV_OPTIONAL)
    digest = hashlib.sha256(content).hexdigest()
    statuses = household_statuses(session, [i for _, row in rows if (i := _raw_household_id(row)) is not None])
    errors = v.Errors()
    parsed: list[tuple[int, ReceiptInput, str]] = []
    keys: dict[str, int] = {}
    for line, row in rows:
        line_errors = v.Errors()
        receipt = parse_receipt(line_errors, row, statuses)
        key = (row.get("idempotency_key") or "").strip() or f"csv:{digest}:{line}"
        if key in keys:
            line_errors.add("idempotency_key", Message("Dezelfde sleutel staat ook op regel %(line)s.", line=keys[key]))
        keys.setdefault(key, line)
        for name, why in line_errors.fields.items():
            errors.add(f"regel {line}: {name}", why)
        if receipt is not None:
            parsed.append((line, receipt, key))
    existing: dict[str, Receipt] = {}
    key_list = list(keys)
    for start in range(0, len(key_list), 900):
        for found in session.scalars(select(Receipt).where(Receipt.idempotency_key.in_(key_list[start : start + 900]))):
            assert found.idempotency_key is not None
            existing[found.idempotency_key] = found
    for line, receipt, key in parsed:
        if key in existing and existing[key].request_hash != receipt.request_hash():
            errors.add(f"regel {line}: idempotency_key",
                       Message("Deze sleutel is al gebruikt voor een andere ontvangst."))
    if errors:
        raise ValidationError(errors.fields, Message("Het bestand is niet ingelezen: %(count)s fout(en).",
                                                     count=len(errors.fields)))
    booked = 0
    for _line, receipt, key in parsed:
        if key in existing:
            continue
        _book(session, actor, receipt, key, source)
        booked += 1
    return ImportResult(booked=booked, already_booked=len(parsed) - booked)


# ------------------------------------------------------------------------------------------------- reading a household


def _creditors_by_id(session: Session, ids: Sequence[int]) -> dict[int, Creditor]:
    if not ids:
        return {}
    return {c.id: c for c in session.scalars(select(Creditor).where(Creditor.id.in_(set(ids))))}


def fixed_costs_of(session: Session, household_id: int) -> list[FixedCost]:
    return list(session.scalars(select(FixedCost).where(FixedCost.household_id == household_id).order_by(FixedCost.id)))


def incomes_of(session: Session, household_id: int) -> list[ExpectedIncome]:
    return list(
        session.scalars(select(ExpectedIncome).where(ExpectedIncome.household_id == household_id)
                        .order_by(ExpectedIncome.id))
    )


@dataclass(frozen=True, slots=True)
class PersonView:
    id: int
    bsn: str
    first_name: str
    last_name: str
    date_of_birth: date


@dataclass(frozen=True, slots=True)
class FixedCostView:
    """A fixed cost as the household page and the API show it; ``amount_cents`` is the amount in force on the view's
    day, ``amounts`` the whole history ``(effective from, cents)``, oldest first."""

    id: int
    household_id: int
    category: str
    creditor_id: int
    creditor_name: str
    creditor_iban: str
    creditor_bic: str | None
    amount_cents: int
    frequency: str
    due_day: int
    reference: str | None
    start_date: date
    end_date: date | None
    amounts: tuple[tuple[date, int], ...]


@dataclass(frozen=True, slots=True)
class IncomeView:
    id: int
    household_id: int
    kind: str
    amount_cents: int
    day: int
    start_date: date
    end_date: date | None


@dataclass(frozen=True, slots=True)
class HouseholdView:
    """A household as ``GET /households/{id}`` and its page show it: typed values, amounts in cents. Its money is
    :attr:`figures` (:mod:`budgetbeheer.households.figures`); ``balance_cents`` is ``figures.balance_cents``."""

    id: int
    status: str
    persons: tuple[PersonView, ...]
    iban: str
    account_holder: str
    address_street: str | None
    address_postal_code: str | None
    address_city: str | None
    caseworker_id: int | None
    benefit_start_date: date
    period_start: date
    period_end: date
    days_left: int
    period_over: bool
    """The end date has passed (or the household ended): the page says "afgelopen", not "0 days left"."""
    leefgeld_frequency: str
    leefgeld_day: int
    buffer_cents: int
    figures: HouseholdFigures
    fixed_costs: tuple[FixedCostView, ...]
    expected_income: tuple[IncomeView, ...]
    missing_required_categories: tuple[str, ...]

    @property
    def balance_cents(self) -> int:
        return self.figures.balance_cents


def fixed_cost_view(cost: FixedCost, creditor: Creditor | None, today: date) -> FixedCostView:
    return FixedCostView(
        cost.id, cost.household_id, cost.category, cost.creditor_id, creditor.name if creditor else "",
        creditor.iban if creditor else "", creditor.bic if creditor else None, fixed_cost_amount_on(cost, today),
        cost.frequency, cost.due_day, cost.reference, cost.start_date, cost.end_date,
        tuple((row.effective_from, row.amount_cents) for row in sorted(cost.amounts, key=lambda r: r.effective_from)),
    )


def household_view(session: Session, household_id: int, today: date | None = None,
                   figures: HouseholdFigures | None = None, *,
                   lead_business_days: int = DEFAULT_LEAD_BUSINESS_DAYS) -> HouseholdView:
    """The household with its persons (full BSN), period, figures, fixed costs and expected income, for ``today``.
    Give ``lead_business_days`` from the settings (the figures follow the next payment run)."""
    today = today or date.today()
    household = get_household(session, household_id)
    costs = fixed_costs_of(session, household_id)
    creditors = _creditors_by_id(session, [c.creditor_id for c in costs])
    return HouseholdView(
        id=household.id,
        status=household.status,
        persons=tuple(PersonView(p.id, p.bsn, p.first_name, p.last_name, p.date_of_birth) for p in household.persons),
        iban=household.iban,
        account_holder=household.account_holder,
        address_street=household.address_street,
        address_postal_code=household.address_postal_code,
        address_city=household.address_city,
        caseworker_id=household.caseworker_id,
        benefit_start_date=household.benefit_start_date,
        period_start=household.period_start,
        period_end=household.period_end,
        days_left=days_left(household.period_end, today) if household.status != ENDED else 0,
        period_over=household.status == ENDED or period_over(household.period_end, today),
        leefgeld_frequency=household.leefgeld_frequency,
        leefgeld_day=household.leefgeld_day,
        buffer_cents=household.buffer_cents,
        figures=figures or household_figures(session, household_id, today, lead_business_days=lead_business_days),
        fixed_costs=tuple(fixed_cost_view(c, creditors.get(c.creditor_id), today) for c in costs),
        expected_income=tuple(
            IncomeView(i.id, i.household_id, i.kind, i.amount_cents, i.day, i.start_date, i.end_date)
            for i in incomes_of(session, household_id)
        ),
        missing_required_categories=tuple(missing_required_categories(
            [c.category for c in costs if c.end_date is None or c.end_date >= today])),
    )


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    names: list[str]
    masked_bsns: list[str]
    period_end: date
    status: str
    balance_cents: int


def search_households(
    session: Session, query: str | None = None, page: int = 1, page_size: int = PAGE_SIZE
) -> tuple[list[HouseholdRow], int]:
    """Households matching a name or the last digits of a BSN, paged. Returns ``(rows, total)``."""
    statement = select(Household.id)
    text = (query or "").strip()
    if text:
        digits = text.replace(" ", "")
        if digits.isascii() and digits.isdigit():
            condition = Person.bsn.endswith(digits)
        else:
            like = f"%{text.lower()}%"
            condition = or_(
                func.lower(Person.first_name).like(like),
                func.lower(Person.last_name).like(like),
                func.lower(Person.first_name + " " + Person.last_name).like(like),
            )
        statement = statement.where(Household.id.in_(select(Person.household_id).where(condition)))
    total = int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)
    page = max(1, page)
    ids = list(session.scalars(statement.order_by(Household.id.desc()).limit(page_size)
                               .offset((page - 1) * page_size)))
    households = {h.id: h for h in session.scalars(select(Household).where(Household.id.in_(ids)))}
    balances = ledger.household_balances(session, ids)
    rows = [
        HouseholdRow(
            id=h.id,
            names=[f"{p.first_name} {p.last_name}" for p in h.persons],
            masked_bsns=[v.mask_bsn(p.bsn) for p in h.persons],
            period_end=h.period_end,
            status=h.status,
            balance_cents=balances.get(h.id, 0),
        )
        for h in (households[i] for i in ids)
    ]
    return rows, total


def household_row_json(row: HouseholdRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "names": row.names,
        "bsns": row.masked_bsns,
        "period_end": row.period_end.isoformat(),
        "status": row.status,
        "balance": cents_to_str(row.balance_cents),
    }


def household_forecast(session: Session, household_id: int, today: date | None = None, days: int = 56,
                       figures: HouseholdFigures | None = None, *,
                       lead_business_days: int = DEFAULT_LEAD_BUSINESS_DAYS) -> Forecast:
    """The next ``days`` days (8 weeks) from the household's figures (:mod:`budgetbeheer.households.figures`): the
    payment runs the scheduler will make, by their own rules (:func:`~budgetbeheer.households.forecast.forecast` with
    ``lead_business_days``), so that its first run is the run the figures follow.

    It starts where that run starts: ``balance − planned`` (the funds now, less what proposed batches will pay).
    Every instalment that already has a live payment (proposed, approved or settled) is left out, and so is every
    payday up to the latest one with a live leefgeld, so nothing is counted or paid twice; the instalments already due
    without a live payment (arrears, or not yet taken by a run) are tried again by the first run. A benefit that came
    early is not expected again (the figures' ``benefit_received_on``, the runs' rule). While an extension request is
    pending the forecast runs to the end the period would get, as the runs reserve for it; a final settlement does not
    pay the fixed costs it cannot pay (a held IBAN). Each instalment is priced at the amount in force on its due date.
    """
    today = today or date.today()
    household = get_household(session, household_id)
    figures = figures or household_figures(session, household_id, today, lead_business_days=lead_business_days)
    schedules = [_Unpaid.of(schedule_of(cost), figures.live_instalments) for cost in fixed_costs_of(session, household_id)
                 if cost.id not in figures.unpayable]
    plan = LeefgeldPlan(LeefgeldFrequency(household.leefgeld_frequency), household.leefgeld_day,
                        household.buffer_cents)
    from budgetbeheer.payments.runs.service import first_open_payday  # the runs read households: imported when used

    open_from = first_open_payday(session, household_id, household.period_start, figures.next_run_on,
                                  lead_business_days)
    return forecast(figures.balance_cents - figures.planned_cents, today, days=days,
                    expected_incomes=income_expectations(session, household_id), fixed_costs=schedules, leefgeld=plan,
                    period_end=figures.last_day, open_shortfalls=figures.overdue_obligations(),
                    benefit_received_on=figures.benefit_received_on, lead_business_days=lead_business_days,
                    leefgeld_paid_through=figures.leefgeld_paid_through, first_open_payday=open_from)


@dataclass(frozen=True, slots=True)
class _Unpaid(ObligationSchedule):
    """A fixed cost's schedule without the instalments that already have a live payment."""

    paid: frozenset[tuple[int, date]] = frozenset()

    @classmethod
    def of(cls, schedule: ObligationSchedule, paid: frozenset[tuple[int, date]]) -> _Unpaid:
        return cls(schedule.id, schedule.category, schedule.amount_cents, schedule.frequency, schedule.due_day,
                   schedule.start_date, schedule.end_date, schedule.creditor_id, schedule.later_amounts,
                   frozenset(p for p in paid if p[0] == schedule.id))

    def instalments(self, window_from: date, window_to: date) -> list[DueObligation]:
        found = ObligationSchedule.instalments(self, window_from, window_to)
        return [d for d in found if (d.obligation_id, d.due_date) not in self.paid] if self.paid else found


@dataclass(frozen=True, slots=True)
class Movement:
    """One booking on the household's funds, from the household's side: money in is positive."""

    transaction_id: int
    date: date
    kind: str
    description: str
    amount_cents: int
    balance_cents: int


@dataclass(frozen=True, slots=True)
class Statement:
    """Every movement on the household's funds in ``[start, end]`` (inclusive) with the running balance, and what
    the balance is kept for now (:attr:`held`, the figures' reserved lines)."""

    household_id: int
    start: date
    end: date
    opening_cents: int
    movements: tuple[Movement, ...]
    figures: HouseholdFigures

    @property
    def closing_cents(self) -> int:
        return self.movements[-1].balance_cents if self.movements else self.opening_cents

    @property
    def held(self) -> tuple[Reservation, ...]:
        return self.figures.reserved


def statement(
    session: Session, household_id: int, from_: date | None = None, to: date | None = None,
    today: date | None = None, figures: HouseholdFigures | None = None, *,
    lead_business_days: int = DEFAULT_LEAD_BUSINESS_DAYS,
) -> Statement:
    """The household's statement for ``[from, to]`` (inclusive).

    ``from`` defaults to the period's start, ``to`` to today or the latest booking when that is later (an approved
    batch is booked on its execution date, which may lie a day or two ahead): so the statement's closing balance is
    the figures' balance. ``held`` is what the balance is kept for as of ``today``.
    """
    household = get_household(session, household_id)
    today = today or date.today()
    account = ledger.household_account_id(session, household_id)
    if to is None:
        latest = session.scalar(select(func.max(Posting.business_date)).where(Posting.account_id == account))
        to = max(today, latest) if latest is not None else today
    from_ = from_ or household.period_start
    if from_ > to:
        raise ValidationError({"from": Message("De begindatum ligt na de einddatum.")})
    opening = ledger.balance(session, account, as_of=from_ - timedelta(days=1))
    rows = session.execute(
        select(Transaction.id, Transaction.business_date, Transaction.kind, Transaction.description,
               Posting.amount_cents)
        .join(Posting, Posting.transaction_id == Transaction.id)
        .where(Posting.account_id == account, Transaction.business_date >= from_, Transaction.business_date <= to)
        .order_by(Transaction.business_date, Transaction.id)
    ).all()
    running = opening
    movements = []
    for row in rows:
        amount = -int(row.amount_cents)
        running += amount
        movements.append(Movement(int(row.id), row.business_date, row.kind, row.description, amount, running))
    return Statement(household_id, from_, to, opening, tuple(movements),
                     figures or household_figures(session, household_id, today,
                                                  lead_business_days=lead_business_days))
