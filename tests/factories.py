"""Test builders: households, persons, creditors, fixed costs, incomes, receipts and payment batches.

Every test makes its data here, so that a change to intake (a new required field, a new rule) is fixed in one place.
The builders call the real services, as a caseworker or finance user would, with keyword overrides on sensible
defaults: a valid household of one adult (a fresh valid BSN each time), a creditor with a valid IBAN, rent and health
insurance, a benefit. The ``*_data`` functions give the request bodies alone, for tests that post them through the
JSON API or check validation.

This is also the ONE module of the tests that imports the household services for building (their modules may move:
fix the import here). Raw rows, past the services, only where a test needs a state intake cannot make; see
:func:`household_row`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from schwifty import IBAN
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.db.base import utcnow
from budgetbeheer.domain.references import make_betalingskenmerk
from budgetbeheer.households.creditors import create_creditor, get_or_create_creditor
from budgetbeheer.households.fixed_costs import add_fixed_cost
from budgetbeheer.households.income import add_expected_income
from budgetbeheer.households.intake import enrol_household
from budgetbeheer.households.receipts import book_receipt
from budgetbeheer.ledger import service as ledger
from budgetbeheer.ledger.models import Account, AccountKind
from budgetbeheer.payments import service as payments
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, Household, Person, Receipt
from budgetbeheer.tables.payments import PaymentBatch

CASEWORKER = Actor.system("test-caseworker")
"""Who builds, unless a test passes its own ``actor`` (a system actor: no user row needed)."""
REGISTER_KEEPER = Actor.system("test-finance")
"""Who keeps the creditors register in the builders: a creditor :func:`fixed_cost` names is put in the register by
finance first (confirmed), as the register's creditors are in practice. A test of a creditor added from a fixed cost
(pending until finance confirms it, issue 14) calls the service or the API itself."""

START = date(2026, 11, 25)
"""The payment tests' period: 2026-11-25 .. 2027-05-24; monthly costs on day 1 first fall due on 2026-12-01."""
RUN_DATE = date(2026, 11, 30)
"""Monday; covers due dates up to Wednesday 2026-12-02 with a lead of two business days."""
HOUSEHOLD_IBAN = "NL44RABO0123456789"
CREDITORS = {
    "rent": ("Woonstichting De Linde", "NL91ABNA0417164300"),
    "health_insurance": ("Zorgverzekeraar Zuid", "NL39RABO0300065264"),
    "energy": ("Energie Direct", "NL20INGB0001234567"),
    "water": ("Waterbedrijf Oost", "NL69INGB0123456789"),
    "other": ("Bibliotheek Midden", "NL02ABNA0123456789"),
}
"""The default creditor (name, IBAN) per category (any other category: the ``other`` one)."""
AMOUNTS = {"rent": "650.00", "health_insurance": "150.00", "energy": "100.00", "water": "30.00"}
"""The default monthly amount per category."""
DEFAULT_COSTS = {"rent": AMOUNTS["rent"], "health_insurance": AMOUNTS["health_insurance"]}
BENEFIT = "1500.00"
MONTHLY_LEEFGELD = {"frequency": "monthly", "day": 1, "buffer": "0.00"}
"""Leefgeld once a month on the 1st without a buffer (the default is weekly on Wednesday with a buffer)."""

# --------------------------------------------------------------------------------------------- numbers that pass


def _passes_eleven_check(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


_bsns = (f"{n:09d}" for n in itertools.count(300000000) if _passes_eleven_check(f"{n:09d}"))
_accounts = itertools.count(1)


def bsn() -> str:
    """A BSN that passes the 11-check and that no earlier call gave (BSNs are unique among running households).

    The numbers start at 300000000: well away from the fixed BSNs tests write out (111222333, 123456782).
    """
    return next(_bsns)


def iban(bank: str = "INGB") -> str:
    """A Dutch IBAN with correct check digits that no earlier call gave (account numbers from 9000000000 on)."""
    return str(IBAN.generate("NL", bank_code=bank, account_code=f"{9_000_000_000 + next(_accounts):010d}"))


# ------------------------------------------------------------------------------------------------ request bodies


def person_data(**overrides: Any) -> dict[str, Any]:
    """One adult for intake; ``bsn`` is fresh unless given."""
    data: dict[str, Any] = {"bsn": bsn(), "first_name": "Amal", "last_name": "Haddad", "date_of_birth": "1990-05-01"}
    return data | overrides


def intake_data(*, start: date = START, persons: list[dict[str, Any]] | None = None,
                leefgeld: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """The intake body: one adult (see :func:`person_data`), the household's IBAN, the start, weekly leefgeld."""
    data: dict[str, Any] = {
        "persons": persons if persons is not None else [person_data()],
        "iban": HOUSEHOLD_IBAN,
        "account_holder": "A. Haddad",
        "benefit_start_date": start.isoformat(),
        "leefgeld": leefgeld if leefgeld is not None else {"frequency": "weekly", "day": 3, "buffer": "50.00"},
    }
    return data | overrides


def creditor_data(category: str = "rent", **overrides: Any) -> dict[str, Any]:
    """A creditor (name, valid IBAN) of the category's default; health insurance wants a betalingskenmerk."""
    name, creditor_iban = CREDITORS.get(category, CREDITORS["other"])
    data: dict[str, Any] = {"name": name, "iban": creditor_iban}
    return data | overrides


def fixed_cost_data(category: str = "rent", *, start: date | None = None, **overrides: Any) -> dict[str, Any]:
    """A monthly cost on the 1st with the category's default creditor and amount.

    ``start``: the first day it counts. Give it: without it a cost starts on the day it is entered (the wall clock).
    Health insurance gets a betalingskenmerk reference (its default creditor asks for one).
    """
    data: dict[str, Any] = {
        "category": category,
        "creditor": overrides.get("creditor") or creditor_data(category),
        "amount": AMOUNTS.get(category, "100.00"),
        "frequency": "monthly",
        "due_day": 1,
    }
    if start is not None:
        data["start_date"] = start.isoformat()
    if category == "health_insurance" and "creditor" not in overrides:
        data["creditor"] |= {"reference_kind": "betalingskenmerk"}
        data["reference"] = make_betalingskenmerk("12345678901")
    return data | overrides


def income_data(**overrides: Any) -> dict[str, Any]:
    """A monthly benefit of 1,500.00 on the 25th."""
    data: dict[str, Any] = {"kind": "benefit", "amount": BENEFIT, "day": 25}
    return data | overrides


def receipt_data(household_id: int, amount: str = BENEFIT, on: date = date(2026, 11, 28),
                 **overrides: Any) -> dict[str, Any]:
    """Money received for the household (a benefit) on ``on``."""
    data: dict[str, Any] = {"household_id": household_id, "amount": amount, "date": on.isoformat(), "kind": "benefit"}
    return data | overrides


# ------------------------------------------------------------------------------------------- through the services


def enrol(session: Session, actor: Actor = CASEWORKER, *, today: date | None = None, start: date = START,
          **overrides: Any) -> Household:
    """Intake through the service (not committed). ``today`` defaults to ``start``, not the wall clock: a start more
    than a year back is refused. Other keywords override :func:`intake_data` (``persons``, ``iban``, ``leefgeld``...).
    """
    return enrol_household(session, actor, intake_data(start=start, **overrides), today=today or start)


def creditor(session: Session, actor: Actor = CASEWORKER, category: str = "rent", **overrides: Any) -> Creditor:
    """A creditor in the register (through the service)."""
    return create_creditor(session, actor, creditor_data(category, **overrides))


def fixed_cost(session: Session, household_id: int, category: str = "rent", actor: Actor = CASEWORKER, *,
               start: date | None = None, **overrides: Any) -> FixedCost:
    """A fixed cost through the service; keywords as :func:`fixed_cost_data`. Its creditor is taken from the
    register (added there by :data:`REGISTER_KEEPER`, confirmed, when it is not there yet)."""
    data = fixed_cost_data(category, start=start, **overrides)
    if isinstance(data.get("creditor"), dict) and "creditor_id" not in data:
        in_register, _ = get_or_create_creditor(session, REGISTER_KEEPER, data.pop("creditor"))
        data["creditor_id"] = in_register.id
    return add_fixed_cost(session, actor, household_id, data)


def income(session: Session, household_id: int, actor: Actor = CASEWORKER, **overrides: Any) -> ExpectedIncome:
    """Expected income through the service; keywords as :func:`income_data`."""
    return add_expected_income(session, actor, household_id, income_data(**overrides))


def receipt(session: Session, household_id: int, amount: str = BENEFIT, on: date = date(2026, 11, 28),
            actor: Actor = CASEWORKER, *, idempotency_key: str | None = None, **overrides: Any) -> Receipt:
    """A receipt booked through the service (debit bank, credit the household's funds); keywords as
    :func:`receipt_data` (``kind``, ``reference``)."""
    booked, _ = book_receipt(session, actor, receipt_data(household_id, amount, on, **overrides),
                             idempotency_key=idempotency_key)
    return booked


@dataclass
class BuiltHousehold:
    """What :func:`household` made: the household's id and the id of each fixed cost by category."""

    id: int
    fixed_cost_ids: dict[str, int] = field(default_factory=dict)


def household(
    session: Session,
    actor: Actor = CASEWORKER,
    *,
    start: date = START,
    costs: dict[str, str] | None = None,
    benefit: str | None = BENEFIT,
    benefit_day: int = 25,
    balance: str | None = None,
    received_on: date = date(2026, 11, 28),
    **intake: Any,
) -> BuiltHousehold:
    """A household as a caseworker sets it up: intake, fixed costs from the start, the benefit, and money received.

    ``costs``: category -> amount, monthly on the 1st from ``start`` with the category's default creditor (default
    rent and health insurance); ``benefit``: the expected monthly benefit on ``benefit_day`` (None: no income);
    ``balance``: a receipt booked on ``received_on`` (None: no money yet). Other keywords go to :func:`intake_data`.
    Flushed, not committed.
    """
    enrolled = enrol(session, actor, start=start, **intake)
    cost_ids = {
        category: fixed_cost(session, enrolled.id, category, actor, start=start, amount=amount).id
        for category, amount in (costs if costs is not None else DEFAULT_COSTS).items()
    }
    if benefit is not None:
        income(session, enrolled.id, actor, amount=benefit, day=benefit_day)
    if balance:
        receipt(session, enrolled.id, balance, received_on, actor)
    session.flush()
    return BuiltHousehold(enrolled.id, cost_ids)


def payable_household(
    session: Session,
    *,
    holder: str = "A. Haddad",
    balance: str | None = "1500.00",
    costs: dict[str, str] | None = None,
    frequency: str = "weekly",
    day: int = 3,
    buffer: str = "50.00",
    **overrides: Any,
) -> BuiltHousehold:
    """The payment tests' household, ready for the run of :data:`RUN_DATE`: rent, health insurance, energy and water
    (:data:`AMOUNTS`) due on the 1st from :data:`START`, the benefit on the 25th and ``balance`` received on 28 Nov.

    ``holder`` is the account holder and the person's last name (what shows on the bank file); ``frequency``, ``day``
    and ``buffer`` are the leefgeld's. Other keywords as :func:`household`.
    """
    return household(
        session,
        costs=costs if costs is not None else dict(AMOUNTS),
        balance=balance,
        account_holder=holder,
        persons=[person_data(last_name=holder)],
        leefgeld={"frequency": frequency, "day": day, "buffer": buffer},
        **overrides,
    )


def batch(session: Session, settings: Settings, execution_date: date, preparer: Actor,
          approver: Actor | None = None) -> PaymentBatch:
    """The payment run for ``execution_date`` (prepared by ``preparer``), approved by ``approver`` when given and the
    run pays anything (four eyes: the approver must be another finance user)."""
    prepared, _ = payments.prepare_run(session, preparer, execution_date, settings)
    if approver is not None and prepared.item_count:
        payments.approve(session, approver, prepared.id)
    return prepared


# ----------------------------------------------------------------------------------------------------- raw rows


def household_row(session: Session, *, start: date, end: date, persons: int = 1, name: str = "Test",
                  status: str = "active", ended_on: date | None = None, bsns: list[str] | None = None,
                  caseworker_id: int | None = None, account_name: str | None = None) -> Household:
    """RAW rows (no service, no audit entry): a household with its persons and its funds account.

    Only for states intake cannot make: any period end, an ended household (its persons' BSNs released) or a report's
    fixed data set whose audit trail must hold only what the test writes. Everything else: :func:`enrol`.
    """
    household = Household(
        iban=CREDITORS["rent"][1], account_holder=name, benefit_start_date=start, period_start=start,
        period_end=end, status=status, ended_on=ended_on, leefgeld_frequency="monthly", leefgeld_day=1,
        buffer_cents=0, created_at=utcnow(), created_by="test", caseworker_id=caseworker_id,
    )
    session.add(household)
    session.flush()
    numbers = bsns if bsns is not None else [bsn() for _ in range(persons)]
    for index, number in enumerate(numbers):
        session.add(Person(household_id=household.id, bsn=number, active_bsn=None if status == "ended" else number,
                           first_name=f"P{index}", last_name=name, date_of_birth=date(1990, 1, 1)))
    ledger.open_household_account(session, household.id, account_name or f"Huishouden {household.id}")
    return household


def ledger_account(session: Session, code: str = "household:test") -> int:
    """RAW: a bare liability account in the ledger, for the ledger's own tests (no household behind it)."""
    account = Account(code=code, name="test", kind=AccountKind.LIABILITY, created_at=utcnow())
    session.add(account)
    session.flush()
    return account.id
