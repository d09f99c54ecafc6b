"""Fixed costs: what the household pays each period (rent, health insurance, energy, ...) to a creditor, and their
amounts over time.

An amount is never overwritten: a change starts on a date and the earlier amounts stay in the history, so every
instalment is priced at the amount in force on its own due date.
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
from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.forecast import ObligationSchedule
from budgetbeheer.domain.references import ReferenceKind, suspicious_reference, validate_reference
from budgetbeheer.domain.schedule import Frequency, amount_in_force
from budgetbeheer.errors import Message, NotFound, ValidationError
from budgetbeheer.households.common import get_household, row_id, running, sub_mapping
from budgetbeheer.households.creditors import create_creditor_row, creditor_fields, find_creditor
from budgetbeheer.households.figures import schedule_of
from budgetbeheer.households.inputs import AmountChangeData, FixedCostData
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.households import Creditor, FixedCost, FixedCostAmount, Household

FREQUENCY_LABELS = {
    "weekly": "per week",
    "four_weekly": "per vier weken",
    "monthly": "per maand",
    "quarterly": "per kwartaal",
    "yearly": "per jaar",
}


def _reference_for(errors: v.Errors, creditor: Creditor | None, raw: Any) -> str | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if raw is not None and not isinstance(raw, str):
        errors.add("reference", Message("Geef het kenmerk als tekst."))
        return None
    if not v.clean_text(errors, "reference", text):  # it goes to the bank: no control or bidi character
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
    session: Session, actor: Actor, household_id: int, data: FixedCostData, *, today: date | None = None
) -> FixedCost:
    """A fixed cost for the household: category, creditor (from the register or new), amount, schedule, reference.

    Without ``start_date`` it starts on :func:`default_fixed_cost_start`."""
    today = today or clock.today()
    household = running(get_household(session, household_id))
    errors = v.Errors()
    category = v.choice(errors, "category", data.get("category"), [c.value for c in Category])
    creditor: Creditor | None = None
    new_creditor: dict[str, Any] | None = None
    raw_creditor_id = data.get("creditor_id")
    if raw_creditor_id not in (None, ""):
        creditor_id = row_id(raw_creditor_id)
        creditor = session.get(Creditor, creditor_id) if creditor_id else None
        if creditor is None or not creditor.active:
            errors.add("creditor_id", Message("Kies een schuldeiser uit het register."))
            creditor = None
    elif isinstance(data.get("creditor"), Mapping):
        new_creditor = creditor_fields(errors, sub_mapping(data, "creditor"), "creditor.")
        if new_creditor["name"] and new_creditor["iban"]:
            creditor = find_creditor(session, new_creditor["name"], new_creditor["iban"])
    else:
        errors.add("creditor_id", Message("Kies een schuldeiser, of geef naam en IBAN van een nieuwe."))
    amount = v.amount(errors, "amount", data.get("amount"))
    frequency = v.choice(errors, "frequency", data.get("frequency") or "monthly", [f.value for f in Frequency])
    due_day = v.day_number(errors, "due_day", data.get("due_day"), 1, 31)
    if creditor is not None:
        reference = _reference_for(errors, creditor, data.get("reference"))
    else:
        pending = Creditor(reference_required=bool(new_creditor and new_creditor["reference_required"]),
                           reference_kind=(new_creditor or {}).get("reference_kind") or "free_text")
        reference = _reference_for(errors, pending, data.get("reference"))
    start = v.iso_date(errors, "start_date", data.get("start_date"), required=False,
                       earliest=v.BUSINESS_EARLIEST, latest=v.years_ahead(today, 2))
    if start is not None and start < household.period_start:
        errors.add("start_date", Message(
            "De ingangsdatum ligt vóór de start van de periode (%(start)s). Termijnen van vóór de periode betaalt het "
            "ontzorgen niet; kies een datum in de periode.", start=household.period_start.strftime("%d-%m-%Y")))
    start = start or default_fixed_cost_start(household, today)
    end = v.iso_date(errors, "end_date", data.get("end_date"), required=False, earliest=v.BUSINESS_EARLIEST,
                     latest=v.years_ahead(today, 30))
    if end is not None and end < start:
        errors.add("end_date", Message("De einddatum ligt vóór de begindatum."))
    errors.raise_if_any()
    assert category and amount and frequency and due_day

    if creditor is None:
        assert new_creditor is not None
        creditor = create_creditor_row(session, actor, new_creditor, in_register=False)
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
    session: Session, actor: Actor, fixed_cost_id: int, data: AmountChangeData
) -> FixedCostAmount:
    """A new amount from a date on; earlier amounts stay in the history."""
    cost = session.get(FixedCost, fixed_cost_id)
    if cost is None:
        raise NotFound(Message("Vaste last %(id)s bestaat niet.", id=fixed_cost_id))
    # Locked: two changes at once (PostgreSQL) wait for each other, so the second sees the first one's date.
    running(get_household(session, cost.household_id, lock=True))
    session.refresh(cost, ["amounts"])
    errors = v.Errors()
    amount = v.amount(errors, "amount", data.get("amount"))
    effective = v.iso_date(errors, "effective_from", data.get("effective_from"), earliest=v.BUSINESS_EARLIEST,
                           latest=v.years_ahead(clock.today(), 2))
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
    in_force = amount_in_force(((row.effective_from, row.amount_cents) for row in amounts), day)
    return amounts[0].amount_cents if in_force is None else in_force


def fixed_cost_snapshot(cost: FixedCost, creditor: Creditor | None = None, today: date | None = None) -> dict[str, Any]:
    """What the audit trail keeps of a fixed cost (amounts as "650.00"); the API shapes its own JSON (``households/api.py``)."""
    today = today or clock.today()
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


def fixed_costs_of(session: Session, household_id: int) -> list[FixedCost]:
    return list(session.scalars(select(FixedCost).where(FixedCost.household_id == household_id).order_by(FixedCost.id)))
