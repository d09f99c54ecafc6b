"""Household services on a real database: intake, fixed costs, income, receipts, statement."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.errors import Conflict, NotFound, ValidationError
from budgetbeheer.households import creditors, fixed_costs, intake, read, receipts
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.ledger.service import household_balance, money_identity
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, Household, Person, Receipt
from tests.factories import enrol, intake_data, person_data, receipt

ACTOR = Actor.system("test")
BSN_A = "111222333"
BSN_B = "123456782"
RENT_IBAN = "NL91ABNA0417164300"


INTAKE_DAY = date(2026, 8, 20)
"""The day the tests enrol (a start more than a year back is refused): not the wall clock."""
HADDADS: dict[str, Any] = {
    "persons": [person_data(bsn=BSN_A, first_name="Amina", last_name="Haddad", date_of_birth="1990-04-02"),
                person_data(bsn=BSN_B, first_name="Omar", last_name="Haddad", date_of_birth="1988-11-30")],
    "iban": "nl91 abna 0417 1643 00",
    "account_holder": "A. Haddad",
    "start": date(2026, 8, 31),
    "leefgeld": {"frequency": "weekly", "day": 1, "buffer": "25.00"},
}
"""Two adults, the IBAN as people type it (the intake body: ``intake_data(**HADDADS)``)."""


def counts(session: Session) -> tuple[int, ...]:
    return tuple(
        int(session.scalar(select(func.count()).select_from(model)) or 0)
        for model in (Household, Person, Creditor, FixedCost, ExpectedIncome, Receipt, Transaction, AuditEntry)
    )


def test_enrol_sets_period_opens_account_and_audits(session: Session) -> None:
    household = enrol(session, ACTOR, today=INTAKE_DAY, **HADDADS)
    session.commit()
    assert household.iban == "NL91ABNA0417164300"
    assert (household.period_start, household.period_end) == (date(2026, 8, 31), date(2027, 2, 28))
    assert [p.active_bsn for p in household.persons] == [BSN_A, BSN_B]
    assert household.buffer_cents == 2500
    assert household_balance(session, household.id) == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.enrolled")).one()
    assert BSN_A not in (entry.after_json or "")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"persons": [{"bsn": "111222334", "first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"}]},
         "persons.0.bsn"),
        ({"iban": "NL91ABNA0417164301"}, "iban"),
        ({"iban": "US64SVBKUS6S3300958879"}, "iban"),
        ({"benefit_start_date": "2026-02-30"}, "benefit_start_date"),
        ({"leefgeld": {"frequency": "weekly", "day": 8, "buffer": "0"}}, "leefgeld.day"),
        ({"leefgeld": {"frequency": "monthly", "day": 1, "buffer": "1.001"}}, "leefgeld.buffer"),
        ({"persons": []}, "persons"),
    ],
)
def test_enrol_refuses_bad_input_and_writes_nothing(session: Session, change: dict[str, Any], field: str) -> None:
    before = counts(session)
    with pytest.raises(ValidationError) as caught:
        intake.enrol_household(session, ACTOR, intake_data(**HADDADS | change), today=INTAKE_DAY)
    assert field in caught.value.fields
    session.rollback()
    assert counts(session) == before


def test_bsn_in_a_running_household_is_refused(session: Session) -> None:
    enrol(session, ACTOR, today=INTAKE_DAY, **HADDADS)
    session.commit()
    before = counts(session)
    other = person_data(bsn=BSN_B, first_name="X", last_name="Y", date_of_birth="1970-01-01")
    with pytest.raises(ValidationError) as caught:
        enrol(session, ACTOR, today=INTAKE_DAY, **HADDADS | {"persons": [other]})
    assert "persons.0.bsn" in caught.value.fields
    session.rollback()
    assert counts(session) == before


def test_fixed_cost_with_new_creditor_and_amount_history(session: Session) -> None:
    household = enrol(session, ACTOR, today=INTAKE_DAY, **HADDADS)
    cost = fixed_costs.add_fixed_cost(session, ACTOR, household.id, {
        "category": "rent", "creditor": {"name": "Woonstad Rotterdam", "iban": RENT_IBAN}, "amount": "650.00",
        "frequency": "monthly", "due_day": 31, "reference": "huur sept", "start_date": "2026-09-01",
    })
    fixed_costs.change_fixed_cost_amount(session, ACTOR, cost.id, {"amount": "675.50", "effective_from": "2027-01-01"})
    session.commit()
    assert cost.creditor_id is not None
    assert fixed_costs.fixed_cost_amount_on(cost, date(2026, 12, 31)) == 65000
    assert fixed_costs.fixed_cost_amount_on(cost, date(2027, 1, 1)) == 67550
    view = read.household_view(session, household.id, today=date(2026, 10, 1))
    assert view.fixed_costs[0].amount_cents == 65000
    assert view.fixed_costs[0].amounts == ((date(2026, 9, 1), 65000), (date(2027, 1, 1), 67550))
    assert view.fixed_costs[0].creditor_bic == "ABNANL2A"
    assert view.missing_required_categories == ("health_insurance", "energy", "water")


def test_reference_is_checked_against_the_creditors_rule(session: Session) -> None:
    household = enrol(session, ACTOR, today=INTAKE_DAY, **HADDADS)
    creditor = creditors.create_creditor(session, ACTOR, {
        "name": "Zorgverzekeraar", "iban": RENT_IBAN, "reference_required": True, "reference_kind": "betalingskenmerk",
    })
    session.commit()
    before = counts(session)
    base = {"category": "health_insurance", "creditor_id": creditor.id, "amount": "140.00", "due_day": 1}
    with pytest.raises(ValidationError) as caught:
        fixed_costs.add_fixed_cost(session, ACTOR, household.id, {**base, "reference": "5000056789012346"})
    assert "reference" in caught.value.fields
    with pytest.raises(ValidationError) as caught:
        fixed_costs.add_fixed_cost(session, ACTOR, household.id, base)
    assert "reference" in caught.value.fields
    session.rollback()
    assert counts(session) == before
    cost = fixed_costs.add_fixed_cost(session, ACTOR, household.id, {**base, "reference": "5000 0567 8901 2345"})
    assert cost.reference == "5000056789012345"


def test_receipt_is_booked_once_per_key_and_conflicts_on_another_body(session: Session) -> None:
    household = enrol(session, ACTOR, today=INTAKE_DAY, **HADDADS)
    session.commit()
    body = {"household_id": household.id, "amount": "1450.00", "date": "2026-09-01", "kind": "benefit"}
    first, created = receipts.book_receipt(session, ACTOR, body, idempotency_key="k-1")
    again, created_again = receipts.book_receipt(session, ACTOR, dict(body), idempotency_key="k-1")
    session.commit()
    assert created and not created_again and first.id == again.id
    assert household_balance(session, household.id) == 145000
    assert money_identity(session).holds
    with pytest.raises(Conflict):
        receipts.book_receipt(session, ACTOR, {**body, "amount": "1.00"}, idempotency_key="k-1")
    household.status = "ended"  # a resend after the period ended is still the same receipt
    session.commit()
    resent, created_late = receipts.book_receipt(session, ACTOR, dict(body), idempotency_key="k-1")
    assert resent.id == first.id and not created_late


def test_receipt_for_unknown_or_ended_household_is_refused(session: Session) -> None:
    household = enrol(session, ACTOR, today=INTAKE_DAY, **HADDADS)
    household.status = "ended"
    session.commit()
    before = counts(session)
    for household_id in (household.id, household.id + 99):
        with pytest.raises(ValidationError) as caught:
            receipts.book_receipt(session, ACTOR, {"household_id": household_id, "amount": "10.00",
                                                  "date": "2026-09-01", "kind": "benefit"})
        assert "household_id" in caught.value.fields
    session.rollback()
    assert counts(session) == before


def test_statement_has_running_balance(session: Session) -> None:
    household = enrol(session, ACTOR, today=INTAKE_DAY, **HADDADS)
    for day, amount in ((date(2026, 9, 1), "1000.00"), (date(2026, 9, 15), "50.25")):
        receipt(session, household.id, amount, day, ACTOR)
    session.commit()
    result = read.statement(session, household.id, date(2026, 9, 2), date(2026, 9, 30))
    assert result.opening_cents == 1000_00
    assert [(m.amount_cents, m.balance_cents) for m in result.movements] == [(50_25, 1050_25)]
    assert result.closing_cents == 1050_25
    with pytest.raises(NotFound):
        read.statement(session, household.id + 5)


def test_a_number_in_other_digits_is_a_field_error_not_a_crash() -> None:
    """``"²".isdigit()`` is true but ``int("²")`` fails: ids from forms, CSV files and the API go through one check."""
    from budgetbeheer import validation as v
    from budgetbeheer.households.receipts import _raw_household_id, parse_receipt

    assert _raw_household_id({"household_id": "²"}) is None
    assert _raw_household_id({"household_id": " 12 "}) == 12
    errors = v.Errors()
    parse_receipt(errors, {"household_id": "²", "amount": "10.00", "date": "2026-11-02"}, {1: "active"})
    assert "household_id" in errors.fields


def test_forecast_prices_each_instalment_at_its_own_due_date(session: Session) -> None:
    """A rent rise already entered for a later month is in the forecast from that month, as in the payment run."""
    household = enrol(session, ACTOR, today=INTAKE_DAY, **HADDADS)
    cost = fixed_costs.add_fixed_cost(session, ACTOR, household.id, {
        "category": "rent", "creditor": {"name": "Woonstad Rotterdam", "iban": RENT_IBAN}, "amount": "650.00",
        "frequency": "monthly", "due_day": 1, "reference": "huur", "start_date": "2026-09-01",
    })
    fixed_costs.change_fixed_cost_amount(session, ACTOR, cost.id, {"amount": "900.00", "effective_from": "2026-11-01"})
    session.commit()
    schedule = fixed_costs.obligation_schedule(cost, date(2026, 10, 10))
    assert [(d.due_date, d.amount_cents) for d in schedule.instalments(date(2026, 10, 10), date(2026, 12, 2))] == [
        (date(2026, 11, 1), 90000), (date(2026, 12, 1), 90000)]
    assert fixed_costs.obligation_schedule(cost, date(2026, 9, 10)).instalments(date(2026, 9, 10), date(2026, 10, 2))[
        0].amount_cents == 65000
