"""Corrections after intake, through the use cases, on SQLite and PostgreSQL: persons, details, fixed costs, expected
income, yearly settlements, receipts rebooked, the benefit ending; the payment runs follow each change from its
date, every refusal names the field and writes nothing, and the money identity holds after each."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.errors import Conflict, NotFound, ValidationError
from budgetbeheer.households.corrections import change_expected_income, change_fixed_cost, yearly_settlement
from budgetbeheer.households.details import apply_due_leefgeld_changes, change_household
from budgetbeheer.households.history import household_history
from budgetbeheer.households.persons import add_person, correct_person, person_leaves
from budgetbeheer.households.rebook import rebook_receipt
from budgetbeheer.i18n import translate
from budgetbeheer.ledger.service import household_balance, money_identity
from budgetbeheer.lifecycle.ending import benefit_ended
from budgetbeheer.payments import service as payments
from budgetbeheer.tables.households import ExpectedIncome, FixedCost, Household, Person, Receipt
from budgetbeheer.tables.payments import PaymentItem
from tests.factories import RUN_DATE, START, bsn, creditor, enrol, income, payable_household, receipt

CASEWORKER = Actor.system("test-caseworker")
FINANCE = Actor.system("test-finance")
SCHEDULER = Actor.system("scheduler")
TODAY = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=UTC), tick=False):
        yield


def audit_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def refused(session: Session, call: object, *args: object, error: type[Exception] = ValidationError) -> Exception:
    """Call, expect ``error``, and check that nothing was written (the audit trail did not grow)."""
    before = audit_count(session)
    with pytest.raises(error) as caught:
        call(*args)  # type: ignore[operator]
    session.rollback()
    assert audit_count(session) == before
    return caught.value


def items(session: Session, batch_id: int) -> list[PaymentItem]:
    return list(session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch_id)))


# ------------------------------------------------------------------------------------------------------ persons


def test_a_person_is_corrected_added_with_an_own_period_and_leaves(session: Session) -> None:
    household = enrol(session)
    session.commit()
    first = household.persons[0]
    correct_person(session, CASEWORKER, household.id, first.id, {"first_name": "Amina", "reason": "typfout"})
    session.commit()
    assert first.first_name == "Amina"

    number = bsn()
    partner = add_person(session, CASEWORKER, household.id, {
        "bsn": number, "first_name": "Omar", "last_name": "Haddad", "date_of_birth": "1988-02-03",
        "from": "2027-01-10", "reason": "gezinshereniging"})
    session.commit()
    assert (partner.period_start, partner.period_end) == (date(2027, 1, 10), date(2027, 7, 9))
    session.refresh(household)
    assert household.period_end == date(2027, 7, 9)  # the span of the persons' periods
    assert (first.period_start, first.period_end) == (START, date(2027, 5, 24))  # keeps its own

    person_leaves(session, CASEWORKER, household.id, partner.id, {"date": "2027-03-01", "reason": "verhuisd"})
    session.commit()
    session.refresh(household)
    assert partner.active_bsn is None and partner.left_on == date(2027, 3, 1)
    assert household.period_end == date(2027, 5, 24)  # back to the one who stays
    other = enrol(session, persons=[{"bsn": number, "first_name": "Omar", "last_name": "Haddad",
                                     "date_of_birth": "1988-02-03"}])
    assert other.id != household.id  # the BSN was released
    actions = [e.action for e in household_history(session, household.id)[0]]
    assert actions[:3] == ["person.left", "person.added", "person.corrected"]
    assert money_identity(session).holds


def test_bad_person_input_names_the_field_and_writes_nothing(session: Session) -> None:
    household = enrol(session)
    elsewhere = enrol(session)
    session.commit()
    taken = elsewhere.persons[0].bsn
    data = {"first_name": "X", "last_name": "Y", "date_of_birth": "2000-01-01"}
    error = refused(session, add_person, session, CASEWORKER, household.id, data | {"bsn": taken})
    # A system actor is no user who may read households: the other household is not named to it.
    assert translate(error.fields["bsn"]) == (  # type: ignore[attr-defined]
        "Dit BSN hoort al bij een ander huishouden waarvan het ontzorgen nog loopt.")
    error = refused(session, add_person, session, CASEWORKER, household.id,
                    data | {"bsn": household.persons[0].bsn})
    assert "bsn" in error.fields  # type: ignore[attr-defined]  # added twice
    error = refused(session, add_person, session, CASEWORKER, household.id, data | {"bsn": "123456789"})
    assert "bsn" in error.fields  # type: ignore[attr-defined]  # 11-check
    partner = add_person(session, CASEWORKER, household.id, data | {"bsn": bsn()})
    session.commit()
    error = refused(session, person_leaves, session, CASEWORKER, household.id, partner.id,
                    {"date": "2030-01-01", "reason": "verhuisd"})
    assert "date" in error.fields  # type: ignore[attr-defined]  # outside the period
    refused(session, person_leaves, session, CASEWORKER, household.id, 10**12, {"date": "2027-01-01"},
            error=NotFound)
    assert session.scalar(select(func.count()).select_from(Person).where(Person.household_id == household.id)) == 2


# ------------------------------------------------------------------------------------------------------ details


def test_details_change_now_and_leefgeld_from_a_later_date(session: Session) -> None:
    household = enrol(session)
    session.commit()
    change_household(session, CASEWORKER, household.id, {
        "address": {"street": "Nieuwstraat 3", "postal_code": "1234ab", "city": "Zwolle"},
        "leefgeld": {"buffer": "25.00"}, "reason": "verhuisd"})
    session.commit()
    assert (household.address_street, household.address_postal_code, household.buffer_cents) == (
        "Nieuwstraat 3", "1234AB", 25_00)
    change_household(session, CASEWORKER, household.id, {
        "leefgeld": {"frequency": "monthly", "day": 15}, "from": "2026-12-14"})
    session.commit()
    assert household.leefgeld_frequency != "monthly" or household.leefgeld_day != 15
    assert apply_due_leefgeld_changes(session, SCHEDULER, date(2026, 12, 13)) == 0
    assert apply_due_leefgeld_changes(session, SCHEDULER, date(2026, 12, 14)) == 1
    session.commit()
    assert (household.leefgeld_frequency, household.leefgeld_day) == ("monthly", 15)
    for bad, field in (({"leefgeld": {"day": 9}, "from": "2026-11-01"}, "from"),
                       ({"iban": "NL91ABNA0417164300"}, "iban"), ({"caseworker_id": 999999}, "caseworker_id"),
                       ({"leefgeld": {"frequency": "weekly", "day": 8}}, "leefgeld.day")):
        error = refused(session, change_household, session, CASEWORKER, household.id, bad)
        assert field in error.fields  # type: ignore[attr-defined]
    assert money_identity(session).holds


# -------------------------------------------------------------------------------------------------- fixed costs


def test_an_ended_fixed_cost_is_not_paid_after_its_end_and_not_ended_before_a_paid_one(
    session: Session, settings: Settings
) -> None:
    built = payable_household(session)
    first, _ = payments.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    session.commit()
    water = built.fixed_cost_ids["water"]
    assert any(i.fixed_cost_id == water for i in items(session, first.id))  # 1 December is in the first run
    error = refused(session, change_fixed_cost, session, CASEWORKER, built.id, water, {"end_date": "2026-11-30"},
                    error=Conflict)
    assert "end_date" in error.fields  # type: ignore[attr-defined]
    change_fixed_cost(session, CASEWORKER, built.id, water, {"end_date": "2026-12-01", "reason": "opgezegd"})
    session.commit()
    with time_machine.travel(datetime(2026, 12, 28, 9, 0, tzinfo=UTC), tick=False):
        receipt(session, built.id, "1500.00", date(2026, 12, 28))
        later, _ = payments.prepare_run(session, SCHEDULER, date(2026, 12, 30), settings)
        session.commit()
    paid = {i.fixed_cost_id for i in items(session, later.id)}
    assert water not in paid and built.fixed_cost_ids["rent"] in paid
    assert money_identity(session).holds


def test_a_moved_rent_goes_to_the_new_creditor_from_its_date_with_the_history_kept(
    session: Session, settings: Settings
) -> None:
    built = payable_household(session)
    payments.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    session.commit()
    rent = built.fixed_cost_ids["rent"]
    landlord = creditor(session, name="Woonbedrijf Nieuw", iban="NL86INGB0002445588")
    session.commit()
    error = refused(session, change_fixed_cost, session, CASEWORKER, built.id, rent,
                    {"creditor_id": landlord.id, "from": "2026-12-01"}, error=Conflict)
    assert "from" in error.fields  # type: ignore[attr-defined]  # 1 December was paid to the old landlord
    new = change_fixed_cost(session, CASEWORKER, built.id, rent, {
        "creditor_id": landlord.id, "amount": "700.00", "due_day": 3, "from": "2026-12-15", "reason": "verhuisd"})
    session.commit()
    old = session.get(FixedCost, rent)
    assert old is not None and old.end_date == date(2026, 12, 14)
    assert new.replaces_id == rent and new.creditor_id == landlord.id and new.start_date == date(2026, 12, 15)
    with time_machine.travel(datetime(2026, 12, 28, 9, 0, tzinfo=UTC), tick=False):
        receipt(session, built.id, "1500.00", date(2026, 12, 28))
        later, _ = payments.prepare_run(session, SCHEDULER, date(2026, 12, 30), settings)
        session.commit()
    by_cost = {i.fixed_cost_id: i for i in items(session, later.id)}
    assert rent not in by_cost
    assert by_cost[new.id].iban == "NL86INGB0002445588" and by_cost[new.id].amount_cents == 700_00
    assert by_cost[new.id].due_date == date(2027, 1, 3)
    assert money_identity(session).holds


def test_a_yearly_settlement_owed_is_paid_once_and_a_refund_is_income(session: Session, settings: Settings) -> None:
    built = payable_household(session)
    session.commit()
    energy = built.fixed_cost_ids["energy"]
    before = household_balance(session, built.id)
    refund = yearly_settlement(session, CASEWORKER, built.id, energy,
                               {"type": "refund", "amount": "84.10", "date": "2026-11-30"})
    session.commit()
    assert isinstance(refund, Receipt) and household_balance(session, built.id) == before + 84_10
    owed = yearly_settlement(session, CASEWORKER, built.id, energy,
                             {"type": "owed", "amount": "120.00", "date": "2026-12-02"})
    session.commit()
    assert isinstance(owed, FixedCost) and owed.start_date == owed.end_date == date(2026, 12, 2)
    batch, _ = payments.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    session.commit()
    assert [i.amount_cents for i in items(session, batch.id) if i.fixed_cost_id == owed.id] == [120_00]
    error = refused(session, yearly_settlement, session, CASEWORKER, built.id, energy,
                    {"type": "owed", "amount": "120.00", "date": "2026-01-01"})
    assert "date" in error.fields  # type: ignore[attr-defined]
    assert money_identity(session).holds


# ---------------------------------------------------------------------------------------------- expected income


def test_expected_income_changes_from_a_date_stops_and_a_quarterly_one_is_added(session: Session) -> None:
    household = enrol(session)
    benefit = income(session, household.id, amount="1500.00", day=25)
    session.commit()
    new = change_expected_income(session, CASEWORKER, household.id, benefit.id,
                                 {"amount": "1450.00", "from": "2027-01-01", "reason": "korting"})
    session.commit()
    assert benefit.end_date == date(2026, 12, 31) and new.replaces_id == benefit.id and new.amount_cents == 1450_00
    child = income(session, household.id, kind="child_benefit", amount="300.00", day=1, frequency="quarterly",
                   start_date="2027-01-01")
    session.commit()
    assert child.frequency == "quarterly"
    change_expected_income(session, CASEWORKER, household.id, child.id, {"end_date": "2027-03-31"})
    session.commit()
    assert child.end_date == date(2027, 3, 31)
    error = refused(session, change_expected_income, session, CASEWORKER, household.id, benefit.id,
                    {"amount": "1.00", "from": "2027-02-01"}, error=Conflict)  # replaced: change the new one
    assert error is not None
    error = refused(session, change_expected_income, session, CASEWORKER, household.id, new.id,
                    {"frequency": "daily", "from": "2027-02-01"})
    assert "frequency" in error.fields  # type: ignore[attr-defined]
    assert session.scalar(select(func.count()).select_from(ExpectedIncome)) == 3


# ------------------------------------------------------------------------------------------------------ receipts


def test_a_receipt_is_rebooked_once_with_a_reversal(session: Session) -> None:
    wrong = enrol(session)
    right = enrol(session)
    booked = receipt(session, wrong.id, "1500.00", date(2026, 11, 28))
    session.commit()
    new = rebook_receipt(session, FINANCE, booked.id, {"household_id": right.id, "reason": "verkeerd huishouden"})
    session.commit()
    assert household_balance(session, wrong.id) == 0 and household_balance(session, right.id) == 1500_00
    assert new.rebooked_from_id == booked.id and new.reversal_transaction_id is not None
    assert money_identity(session).holds
    refused(session, rebook_receipt, session, FINANCE, booked.id, {"household_id": right.id, "reason": "nog eens"},
            error=Conflict)
    error = refused(session, rebook_receipt, session, FINANCE, new.id, {"household_id": right.id, "reason": ""})
    assert set(error.fields) == {"household_id", "reason"}  # type: ignore[attr-defined]


# -------------------------------------------------------------------------------------------------- benefit end


def test_the_benefit_ends_and_the_period_ends_by_the_ending_rules(session: Session) -> None:
    household = enrol(session)
    benefit = income(session, household.id, amount="1500.00", day=25)
    session.commit()
    benefit_ended(session, CASEWORKER, household.id, end_date="2027-01-31", reason="werk gevonden")
    session.commit()
    assert benefit.end_date == date(2027, 1, 31)
    assert household.ended_on == date(2027, 1, 31) and household.period_end == date(2027, 1, 31)
    with pytest.raises(Conflict):
        benefit_ended(session, CASEWORKER, household.id, end_date="2027-01-31", reason="nog eens")
    session.rollback()
    later = enrol(session)
    session.commit()
    with pytest.raises(ValidationError) as caught:
        benefit_ended(session, CASEWORKER, later.id, end_date="2020-01-01", reason="")
    assert set(caught.value.fields) == {"date", "reason"}
    session.rollback()
    assert session.get(Household, later.id).ended_on is None  # type: ignore[union-attr]


def test_the_law_extends_per_person_and_the_household_spans_them(session: Session, make_user: object) -> None:
    from budgetbeheer.lifecycle import extensions
    from budgetbeheer.users.service import actor_for

    case = actor_for(make_user("case", "caseworker"))  # type: ignore[operator]
    boss = actor_for(make_user("boss", "supervisor"))  # type: ignore[operator]
    household = enrol(session)
    session.commit()
    first = household.persons[0]
    partner = add_person(session, CASEWORKER, household.id, {
        "bsn": bsn(), "first_name": "Omar", "last_name": "Haddad", "date_of_birth": "1988-02-03",
        "from": "2027-01-10"})
    session.commit()
    assert household.period_end == date(2027, 7, 9)
    with pytest.raises(ValidationError) as caught:
        extensions.request_extension(session, case, household.id, months=1, reason_category="language_course",
                                     reason_text="Taalexamen pas in augustus", person_id=10**12)
    assert set(caught.value.fields) == {"person_id"}
    session.rollback()
    row = extensions.request_extension(session, case, household.id, months=3, reason_category="language_course",
                                       reason_text="Taalexamen pas in augustus", person_id=first.id)
    extensions.decide_extension(session, boss, row.id, decision="approve", note="Akkoord")
    session.commit()
    assert first.period_end == date(2027, 8, 24) and partner.period_end == date(2027, 7, 9)
    assert household.period_end == date(2027, 8, 24)  # the span: the first person's longer period
    row = extensions.request_extension(session, case, household.id, months=2, reason_category="debts",
                                       reason_text="Schulden nog niet geregeld")
    extensions.decide_extension(session, boss, row.id, decision="approve", note="Akkoord")
    session.commit()
    assert (first.period_end, partner.period_end) == (date(2027, 10, 24), date(2027, 9, 9))
    assert household.period_end == date(2027, 10, 24)
    assert money_identity(session).holds
