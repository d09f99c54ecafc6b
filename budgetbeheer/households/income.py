"""Expected income: what the household expects each month (benefit, allowances, wages), from which the forecast and
the reservations know when money comes in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.domain.schedule import Frequency
from budgetbeheer.errors import Message
from budgetbeheer.households.common import get_household, running
from budgetbeheer.households.inputs import IncomeData
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.households import ExpectedIncome

INCOME_KINDS = ("benefit", "allowance", "child_benefit", "wages", "other")
INCOME_KIND_LABELS = {
    "benefit": "bijstandsuitkering",
    "allowance": "toeslag",
    "child_benefit": "kinderbijslag",
    "wages": "loon",
    "other": "overig",
}


def add_expected_income(
    session: Session, actor: Actor, household_id: int, data: IncomeData
) -> ExpectedIncome:
    """Income the household expects each month: kind, amount, day of the month, from a start date."""
    household = running(get_household(session, household_id))
    errors = v.Errors()
    kind = v.choice(errors, "kind", data.get("kind") or "benefit", INCOME_KINDS)
    amount = v.amount(errors, "amount", data.get("amount"))
    day = v.day_number(errors, "day", data.get("day"), 1, 31)
    frequency = v.choice(errors, "frequency", data.get("frequency") or "monthly", [f.value for f in Frequency])
    today = clock.today()
    start = v.iso_date(errors, "start_date", data.get("start_date"), required=False, earliest=v.BUSINESS_EARLIEST,
                       latest=v.years_ahead(today, 2)) or household.period_start
    end = v.iso_date(errors, "end_date", data.get("end_date"), required=False, earliest=v.BUSINESS_EARLIEST,
                     latest=v.years_ahead(today, 30))
    if end is not None and end < start:
        errors.add("end_date", Message("De einddatum ligt vóór de begindatum."))
    errors.raise_if_any()
    assert kind and amount and day and frequency
    income = ExpectedIncome(household_id=household.id, kind=kind, amount_cents=amount, day=day, frequency=frequency,
                            start_date=start,
                            end_date=end, created_at=utcnow())
    session.add(income)
    session.flush()
    record(session, actor, "expected_income.added", "expected_income", income.id, after=income_snapshot(income))
    return income


def income_snapshot(income: ExpectedIncome) -> dict[str, Any]:
    """What the audit trail keeps of expected income (amounts as "650.00"); the API shapes its own JSON (``households/api.py``)."""
    return {
        "id": income.id,
        "household_id": income.household_id,
        "kind": income.kind,
        "amount": cents_to_str(income.amount_cents),
        "day": income.day,
        "frequency": income.frequency,
        "start_date": income.start_date.isoformat(),
        "end_date": income.end_date.isoformat() if income.end_date else None,
    }


def incomes_of(session: Session, household_id: int) -> list[ExpectedIncome]:
    return list(
        session.scalars(select(ExpectedIncome).where(ExpectedIncome.household_id == household_id)
                        .order_by(ExpectedIncome.id))
    )
