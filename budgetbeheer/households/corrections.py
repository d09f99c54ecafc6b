"""Corrections of fixed costs and expected income after intake, with the history kept.

- A fixed cost **ends** on a last instalment date (``end_date``): never before an instalment that was already paid or
  is in a batch (409 saying what to do instead), so the runs pay nothing after it.
- A change of its **creditor, reference, due day or frequency** from a date (``from``) ends it the day before and
  starts a new fixed cost on that date (``replaces_id`` points back): what was paid stays with the old one, the next
  instalment goes to the new creditor. A new **amount** alone is a new amount row from that date
  (:func:`~budgetbeheer.households.fixed_costs.change_fixed_cost_amount`'s history). ``from`` must lie after the last
  paid (or planned) instalment.
- A creditor's **yearly settlement** (jaarafrekening): an extra amount owed becomes a one-off instalment to that
  creditor on a due date (a fixed cost of one yearly instalment, paid by the runs in the priority order); a refund is
  booked as income to the household.
- **Expected income**: a new amount, day or frequency from a date ends the old expectation the day before and starts
  a new one; ``end_date`` stops it.

Every change is validated first (one ``ValidationError`` naming each field, nothing written) and audited with before
and after on the household.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.domain.schedule import Frequency
from budgetbeheer.errors import Conflict, Message, NotFound
from budgetbeheer.households.common import get_household, row_id, running
from budgetbeheer.households.fixed_costs import _reference_for, fixed_cost_amount_on, fixed_cost_snapshot
from budgetbeheer.households.income import income_snapshot
from budgetbeheer.households.receipts import book_receipt
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, FixedCostAmount, Receipt
from budgetbeheer.tables.payments import PaymentItem
from budgetbeheer.tables.states import ItemStatus

_ONE_DAY = timedelta(days=1)
_TAKEN = (ItemStatus.PROPOSED, ItemStatus.APPROVED, ItemStatus.SETTLED)
"""Items that pay an instalment or are about to: a change must not reach back over them."""
_TERMS = ("creditor_id", "reference", "due_day", "frequency")
SETTLEMENT_TYPES = ("owed", "refund")


def _fixed_cost(session: Session, household_id: int, fixed_cost_id: int) -> FixedCost:
    cost = session.get(FixedCost, fixed_cost_id)
    if cost is None or cost.household_id != household_id:
        raise NotFound(Message("Vaste last %(id)s hoort niet bij dit huishouden.", id=fixed_cost_id))
    return cost


def last_taken_due_date(session: Session, fixed_cost_id: int) -> date | None:
    """The latest due date of an instalment of the fixed cost that was paid or is in a batch, or None."""
    found = session.scalar(select(func.max(PaymentItem.due_date)).where(
        PaymentItem.fixed_cost_id == fixed_cost_id, PaymentItem.status.in_([s.value for s in _TAKEN])))
    return found if isinstance(found, date) or found is None else date.fromisoformat(str(found))


def _paid_conflict(field: str, last: date) -> Conflict:
    return Conflict(
        Message("De termijn van %(date)s is al betaald of staat in een betaalrun; kies een datum na %(date)s (of "
                "annuleer eerst de voorgestelde run). Te veel betaald? Boek de terugbetaling van de schuldeiser als "
                "inkomen (jaarafrekening).", date=last.isoformat()),
        {field: Message("al betaald tot en met %(date)s", date=last.isoformat())},
    )


def change_fixed_cost(session: Session, actor: Actor, household_id: int, fixed_cost_id: int,
                      data: Mapping[str, Any], *, today: date | None = None) -> FixedCost:
    """``PATCH /households/{id}/fixed-costs/{fid}``: ``end_date``, and ``creditor_id``, ``reference``, ``due_day``,
    ``frequency``, ``amount`` each from ``from``. Returns the fixed cost that is in force from then on (the new one
    when the terms changed)."""
    today = today or clock.today()
    household = running(get_household(session, household_id, lock=True))
    cost = _fixed_cost(session, household.id, fixed_cost_id)
    errors = v.Errors()
    terms = [name for name in _TERMS if name in data]
    changes_amount = "amount" in data
    if not terms and not changes_amount and "end_date" not in data:
        errors.add("from", Message("Geef wat er verandert: einddatum, schuldeiser, kenmerk, vervaldag, frequentie of "
                                   "bedrag (met de ingangsdatum)."))
    successor = session.scalar(select(FixedCost.id).where(FixedCost.replaces_id == cost.id))
    if successor is not None or (cost.end_date is not None and cost.end_date < today and (terms or changes_amount)):
        raise Conflict(Message("Deze vaste last is afgelopen of vervangen; wijzig de vaste last die nu geldt."),
                       {"fixed_cost_id": Message("afgelopen")})
    last = last_taken_due_date(session, cost.id)
    effective: date | None = None
    if terms or changes_amount:
        effective = v.iso_date(errors, "from", data.get("from"), earliest=v.BUSINESS_EARLIEST,
                               latest=v.years_ahead(today, 2))
        if effective is not None and effective <= cost.start_date and terms:
            errors.add("from", Message("Kies een datum na het begin van de vaste last (%(date)s); een vaste last die "
                                       "nog niet begon, beëindigt u en voegt u opnieuw toe.",
                                       date=cost.start_date.isoformat()))
        elif effective is not None and effective < cost.start_date:
            errors.add("from", Message("Deze datum ligt vóór het begin van de vaste last."))
    creditor: Creditor | None = session.get(Creditor, cost.creditor_id)
    if "creditor_id" in data:
        new_id = row_id(data.get("creditor_id"))
        creditor = session.get(Creditor, new_id) if new_id else None
        if creditor is None or not creditor.active:
            errors.add("creditor_id", Message("Kies een schuldeiser uit het register."))
            creditor = None
    reference = cost.reference
    if "reference" in data or "creditor_id" in data:
        reference = _reference_for(errors, creditor, data.get("reference", cost.reference))
    due_day = cost.due_day
    if "due_day" in data:
        due_day = v.day_number(errors, "due_day", data.get("due_day"), 1, 31) or cost.due_day
    frequency = cost.frequency
    if "frequency" in data:
        frequency = v.choice(errors, "frequency", data.get("frequency"), [f.value for f in Frequency]) or frequency
    amount: int | None = None
    if changes_amount:
        amount = v.amount(errors, "amount", data.get("amount"))
    end: date | None = cost.end_date
    if "end_date" in data:
        end = v.iso_date(errors, "end_date", data.get("end_date"), required=False, earliest=v.BUSINESS_EARLIEST,
                         latest=v.years_ahead(today, 30))
        if end is not None and end < cost.start_date:
            errors.add("end_date", Message("De einddatum ligt vóór het begin van de vaste last (%(date)s).",
                                           date=cost.start_date.isoformat()))
    reason = v.text(errors, "reason", data.get("reason"), required=False, maximum=2000)
    errors.raise_if_any()
    if "end_date" in data and end is not None and last is not None and end < last:
        raise _paid_conflict("end_date", last)
    if effective is not None and last is not None and effective <= last:
        raise _paid_conflict("from", last)
    if effective is not None and end is not None and effective > end:
        raise Conflict(Message("De vaste last eindigt vóór deze ingangsdatum (%(date)s).", date=end.isoformat()),
                       {"from": Message("na de einddatum")})
    before = fixed_cost_snapshot(cost, session.get(Creditor, cost.creditor_id), today)
    if not terms:
        if "end_date" in data:
            cost.end_date = end
        if amount is not None and effective is not None:
            _set_amount(session, actor, cost, amount, effective)
        session.flush()
        session.refresh(cost, ["amounts"])
        record(session, actor, "fixed_cost.changed", "household", household.id,
               before={"fixed_cost": before},
               after={"fixed_cost": fixed_cost_snapshot(cost, creditor, today), "from": effective}, reason=reason)
        return cost
    assert effective is not None and creditor is not None
    in_force = amount if amount is not None else fixed_cost_amount_on(cost, effective)
    later = [row for row in cost.amounts if row.effective_from > effective]
    cost.end_date = effective - _ONE_DAY
    now = utcnow()
    new = FixedCost(household_id=household.id, category=cost.category, creditor_id=creditor.id, frequency=frequency,
                    due_day=due_day, reference=reference, start_date=effective, end_date=end, created_at=now,
                    replaces_id=cost.id)
    session.add(new)
    session.flush()
    session.add(FixedCostAmount(fixed_cost_id=new.id, amount_cents=in_force, effective_from=effective,
                                created_at=now, created_by=actor.name))
    for row in later if amount is None else []:
        session.add(FixedCostAmount(fixed_cost_id=new.id, amount_cents=row.amount_cents,
                                    effective_from=row.effective_from, created_at=now, created_by=actor.name))
    session.flush()
    session.refresh(new, ["amounts"])
    session.refresh(cost, ["amounts"])
    record(session, actor, "fixed_cost.replaced", "household", household.id,
           before={"fixed_cost": before},
           after={"fixed_cost": fixed_cost_snapshot(new, creditor, effective), "from": effective,
                  "old_end_date": cost.end_date},
           reason=reason)
    return new


def _set_amount(session: Session, actor: Actor, cost: FixedCost, amount: int, effective: date) -> None:
    same_day = next((row for row in cost.amounts if row.effective_from == effective), None)
    if same_day is not None:
        raise Conflict(Message("Op %(date)s gaat al een bedrag in; kies een andere datum.", date=effective.isoformat()),
                       {"from": Message("al een bedrag op deze datum")})
    session.add(FixedCostAmount(fixed_cost_id=cost.id, amount_cents=amount, effective_from=effective,
                                created_at=utcnow(), created_by=actor.name))


def yearly_settlement(session: Session, actor: Actor, household_id: int, fixed_cost_id: int,
                      data: Mapping[str, Any], *, today: date | None = None) -> FixedCost | Receipt:
    """A creditor's jaarafrekening for this fixed cost: ``type`` ``owed`` (an extra amount to pay once on ``date``)
    or ``refund`` (money that came in on ``date``, booked as income to the household)."""
    today = today or clock.today()
    household = running(get_household(session, household_id, lock=True))
    cost = _fixed_cost(session, household.id, fixed_cost_id)
    creditor = session.get(Creditor, cost.creditor_id)
    assert creditor is not None
    errors = v.Errors()
    kind = v.choice(errors, "type", data.get("type"), SETTLEMENT_TYPES)
    amount = v.amount(errors, "amount", data.get("amount"))
    reason = v.text(errors, "reason", data.get("reason"), required=False, maximum=2000)
    if kind == "refund":
        on = v.iso_date(errors, "date", data.get("date"), earliest=v.BUSINESS_EARLIEST, latest=today + _ONE_DAY)
        errors.raise_if_any()
        assert amount and on
        receipt, _ = book_receipt(session, actor, {
            "household_id": household.id, "amount": cents_to_str(amount), "date": on.isoformat(),
            "kind": "other", "reference": f"Jaarafrekening {creditor.name}"[:140], "confirm_duplicate": True,
        }, source="settlement")
        record(session, actor, "fixed_cost.settlement_refund", "household", household.id, before=None,
               after={"fixed_cost_id": cost.id, "receipt_id": receipt.id, "amount": cents_to_str(receipt.amount_cents),
                      "date": on}, reason=reason)
        return receipt
    on = v.iso_date(errors, "date", data.get("date"), earliest=today, latest=household.period_end)
    reference = _reference_for(errors, creditor, data.get("reference", cost.reference))
    errors.raise_if_any()
    assert amount and on
    now = utcnow()
    once = FixedCost(household_id=household.id, category=cost.category, creditor_id=creditor.id,
                     frequency=Frequency.YEARLY.value, due_day=on.day, reference=reference, start_date=on,
                     end_date=on, created_at=now)
    session.add(once)
    session.flush()
    session.add(FixedCostAmount(fixed_cost_id=once.id, amount_cents=amount, effective_from=on, created_at=now,
                                created_by=actor.name))
    session.flush()
    session.refresh(once, ["amounts"])
    record(session, actor, "fixed_cost.settlement_owed", "household", household.id, before=None,
           after={"settles_fixed_cost_id": cost.id, "fixed_cost": fixed_cost_snapshot(once, creditor, on)},
           reason=reason)
    return once


# --------------------------------------------------------------------------------------------------- expected income


def _income(session: Session, household_id: int, income_id: int) -> ExpectedIncome:
    income = session.get(ExpectedIncome, income_id)
    if income is None or income.household_id != household_id:
        raise NotFound(Message("Verwacht inkomen %(id)s hoort niet bij dit huishouden.", id=income_id))
    return income


def change_expected_income(session: Session, actor: Actor, household_id: int, income_id: int,
                           data: Mapping[str, Any], *, today: date | None = None) -> ExpectedIncome:
    """``PATCH /households/{id}/expected-income/{iid}``: ``amount``, ``day`` or ``frequency`` from ``from`` (a new
    expectation from that date, the old one ends the day before), or ``end_date`` (it stops)."""
    today = today or clock.today()
    household = running(get_household(session, household_id, lock=True))
    income = _income(session, household.id, income_id)
    errors = v.Errors()
    changes = [name for name in ("amount", "day", "frequency") if name in data]
    if not changes and "end_date" not in data:
        errors.add("from", Message("Geef wat er verandert: bedrag, dag of frequentie (met de ingangsdatum), of de "
                                   "einddatum."))
    if session.scalar(select(ExpectedIncome.id).where(ExpectedIncome.replaces_id == income.id)) is not None:
        raise Conflict(Message("Dit verwachte inkomen is vervangen; wijzig het inkomen dat nu geldt."),
                       {"income_id": Message("vervangen")})
    amount = v.amount(errors, "amount", data.get("amount")) if "amount" in data else income.amount_cents
    day = v.day_number(errors, "day", data.get("day"), 1, 31) if "day" in data else income.day
    frequency = (v.choice(errors, "frequency", data.get("frequency"), [f.value for f in Frequency])
                 if "frequency" in data else income.frequency)
    effective: date | None = None
    if changes:
        effective = v.iso_date(errors, "from", data.get("from"), earliest=v.BUSINESS_EARLIEST,
                               latest=v.years_ahead(today, 2))
        if effective is not None and effective <= income.start_date:
            errors.add("from", Message("Kies een datum na het begin van dit inkomen (%(date)s).",
                                       date=income.start_date.isoformat()))
    end = income.end_date
    if "end_date" in data:
        end = v.iso_date(errors, "end_date", data.get("end_date"), required=False, earliest=v.BUSINESS_EARLIEST,
                         latest=v.years_ahead(today, 30))
        if end is not None and end < income.start_date:
            errors.add("end_date", Message("De einddatum ligt vóór de begindatum."))
    if effective is not None and end is not None and effective > end:
        errors.add("from", Message("Het inkomen stopt vóór deze ingangsdatum."))
    reason = v.text(errors, "reason", data.get("reason"), required=False, maximum=2000)
    errors.raise_if_any()
    before = income_snapshot(income)
    if effective is None:
        income.end_date = end
        session.flush()
        record(session, actor, "expected_income.changed", "household", household.id,
               before={"expected_income": before}, after={"expected_income": income_snapshot(income)}, reason=reason)
        return income
    assert amount and day and frequency
    income.end_date = effective - _ONE_DAY
    new = ExpectedIncome(household_id=household.id, kind=income.kind, amount_cents=amount, day=day,
                         frequency=frequency, start_date=effective, end_date=end, created_at=utcnow(),
                         payer_iban=income.payer_iban, match_words=income.match_words,
                         amount_tolerance_cents=income.amount_tolerance_cents, replaces_id=income.id)
    session.add(new)
    session.flush()
    record(session, actor, "expected_income.replaced", "household", household.id,
           before={"expected_income": before},
           after={"expected_income": income_snapshot(new), "from": effective, "old_end_date": income.end_date},
           reason=reason)
    return new
