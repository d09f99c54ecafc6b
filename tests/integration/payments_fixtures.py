"""Building households for the payments tests through the households service (as a caseworker would)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.households.fixed_costs import add_fixed_cost
from budgetbeheer.households.income import add_expected_income
from budgetbeheer.households.intake import enrol_household
from budgetbeheer.households.receipts import book_receipt
from budgetbeheer.references import make_betalingskenmerk

CASEWORKER = Actor.system("test-caseworker")
START = date(2026, 11, 25)
"""Period 2026-11-25 .. 2027-05-24; monthly costs on day 1 first fall due on 2026-12-01."""
RUN_DATE = date(2026, 11, 30)
"""Monday; covers due dates up to Wednesday 2026-12-02 with a lead of two business days."""

_bsn_counter = [100000000]

CREDITOR_IBANS = {
    "rent": ("Woonstichting De Linde", "NL91ABNA0417164300"),
    "health_insurance": ("Zorgverzekeraar Zuid", "NL39RABO0300065264"),
    "energy": ("Energie Direct", "NL20INGB0001234567"),
    "water": ("Waterbedrijf Oost", "NL69INGB0123456789"),
}
AMOUNTS = {"rent": "650.00", "health_insurance": "150.00", "energy": "100.00", "water": "30.00"}


def _bsn() -> str:
    """The next number that passes the 11-check."""
    while True:
        _bsn_counter[0] += 1
        digits = f"{_bsn_counter[0]:09d}"
        total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
        if total % 11 == 0:
            return digits


@dataclass
class TestHousehold:
    id: int
    fixed_cost_ids: dict[str, int]


def make_household(
    session: Session,
    *,
    balance: str | None = "1500.00",
    start: date = START,
    frequency: str = "weekly",
    day: int = 3,
    buffer: str = "50.00",
    holder: str = "A. Haddad",
    iban: str = "NL44RABO0123456789",
    costs: dict[str, str] | None = None,
    received_on: date = date(2026, 11, 28),
) -> TestHousehold:
    household = enrol_household(
        session,
        CASEWORKER,
        {
            "persons": [{"bsn": _bsn(), "first_name": "Amal", "last_name": holder, "date_of_birth": "1990-05-01"}],
            "iban": iban,
            "account_holder": holder,
            "benefit_start_date": start.isoformat(),
            "leefgeld": {"frequency": frequency, "day": day, "buffer": buffer},
        },
        today=start,  # not the wall clock: a start more than a year back is refused
    )
    cost_ids: dict[str, int] = {}
    for category, amount in (costs if costs is not None else AMOUNTS).items():
        name, creditor_iban = CREDITOR_IBANS[category]
        data: dict[str, Any] = {
            "category": category,
            "creditor": {"name": name, "iban": creditor_iban, "bic": None},
            "amount": amount,
            "frequency": "monthly",
            "due_day": 1,
            # From the period start on purpose: without it a cost starts on the day it is entered (the wall clock).
            "start_date": start.isoformat(),
        }
        if category == "health_insurance":
            data["creditor"] |= {"reference_kind": "betalingskenmerk"}
            data["reference"] = make_betalingskenmerk("12345678901")
        cost = add_fixed_cost(session, CASEWORKER, household.id, data)
        cost_ids[category] = cost.id
    add_expected_income(session, CASEWORKER, household.id, {"kind": "benefit", "amount": "1500.00", "day": 25})
    if balance:
        book_receipt(
            session,
            CASEWORKER,
            {"household_id": household.id, "amount": balance, "date": received_on.isoformat(), "kind": "benefit"},
        )
    session.flush()
    return TestHousehold(household.id, cost_ids)
