"""Issue 10, finding 2: a pending extension request keeps the period open, through the API (SQLite and PostgreSQL).

The hand case: a household whose period ends on Sunday 28 February 2027, rent EUR 600 and health insurance EUR 150 due
on the 1st, the benefit of EUR 1,200 on the 24th, leefgeld monthly on the 25th, no buffer. The caseworker asks for one
more month on 10 February; the supervisor decides only on 1 March, the day after the end date.

By hand (the leefgeld rule of ``docs/money-rules.md``): the run of Thursday 28 January pays rent and health insurance
for 1 February and leefgeld for payday 25 January; the payday of 25 February is executed on 23 February, before the
benefit of 24 February can be used, so both paydays share what is left: 450.00 / 2 = 225.00. The run of Thursday
25 February (it covers due dates through Monday 1 March, after the end date) pays no final leefgeld but the ordinary
share: 225.00 left + 1,200.00 received - 600.00 - 150.00 kept for 1 March = 675.00, shared with payday 25 March (also
executed before the March benefit can be used) = 337.50. The daily end job of 28 February does not close the household
nor release its BSN, and raises the supervisor's "beslis vóór 28-02-2027" signal; the approval on 1 March succeeds
(period through 31 March) and the next run pays the March rent and health insurance in full from the money kept for
them; 337.50 stays for payday 25 March.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer import jobs
from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.composition import registry
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_engine, make_session_factory
from budgetbeheer.ledger.service import household_balance, money_identity
from budgetbeheer.lifecycle import ending
from budgetbeheer.payments.service import final_payout
from budgetbeheer.tables.households import Household, Person
from budgetbeheer.tables.lifecycle import ExtensionRequest, Signal
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem, Shortfall
from tests.factories import fixed_cost_data, income_data, intake_data, person_data, receipt_data

START = date(2026, 9, 1)
END = date(2027, 2, 28)
EXTENDED_END = date(2027, 3, 31)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(at(date(2027, 1, 22)), tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(api_token: Callable[..., dict[str, str]]) -> dict[str, dict[str, str]]:
    return {
        "case": api_token("karin", "caseworker"),
        "boss": api_token("bas", "supervisor"),
        "fin1": api_token("fatima", "finance"),
        "fin2": api_token("frank", "finance"),
    }


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()["data"]


def enrol(client: FlaskClient, people: dict[str, dict[str, str]]) -> int:
    """The household of the hand case, enrolled on 22 January 2027 with a benefit start in September (finding 9)."""
    case = people["case"]
    household = _ok(client.post("/api/v1/households", headers=case, json=intake_data(
        start=START, persons=[person_data(bsn="111222333", date_of_birth="1990-04-01")], iban="NL91ABNA0417164300",
        leefgeld={"frequency": "monthly", "day": 25, "buffer": "0.00"})), 201)
    assert household["period"]["end"] == END.isoformat()
    household_id = int(household["id"])
    for category, name, iban, amount in (("rent", "Woonstad", "NL20INGB0001234567", "600.00"),
                                         ("health_insurance", "Zorgverzekeraar", "NL44RABO0123456789", "150.00")):
        cost = _ok(client.post(f"/api/v1/households/{household_id}/fixed-costs", headers=case, json=fixed_cost_data(
            category, amount=amount, creditor={"name": name, "iban": iban}, reference=f"{category} Haddad")), 201)
        if cost["creditor"]["status"] == "pending":  # new from the caseworker: finance confirms it (issue 14)
            _ok(client.post(f"/api/v1/creditors/{cost['creditor_id']}/confirm", headers=people["fin1"]))
    _ok(client.post(f"/api/v1/households/{household_id}/expected-income", headers=case,
                    json=income_data(amount="1200.00", day=24)), 201)
    return household_id


def receive(client: FlaskClient, people: dict[str, dict[str, str]], household_id: int, on: date) -> None:
    _ok(client.post("/api/v1/receipts", headers={**people["fin1"], "Idempotency-Key": f"uwv-{on}"},
                    json=receipt_data(household_id, "1200.00", on)), 201)


def run_and_approve(client: FlaskClient, people: dict[str, dict[str, str]], execution_date: date) -> dict[str, Any]:
    batch = _ok(client.post("/api/v1/payment-runs", headers=people["fin1"],
                            json={"execution_date": execution_date.isoformat()}), 201)
    if batch["count"]:
        _ok(client.post(f"/api/v1/batches/{batch['id']}/approve", headers=people["fin2"]))
    return dict(batch)


def of_household(batch: dict[str, Any], household_id: int) -> list[tuple[str, str, str]]:
    return sorted((i["kind"], i["due_date"], i["amount"]) for i in batch["items"] if i["household_id"] == household_id)


def end_job(settings: Settings, day: date, request: pytest.FixtureRequest) -> jobs.RunOutcome:
    """The daily job ``lifecycle.end_periods`` for ``day``, as the scheduler runs it (its own engine and session)."""
    engine = make_engine(settings.database_url)
    request.addfinalizer(engine.dispose)
    return jobs.run_job(make_session_factory(engine), registry().jobs.get("lifecycle.end_periods"), day, settings)


def test_a_request_pending_over_the_end_date_keeps_the_period_open_and_a_late_approval_pays_the_rent(
    client: FlaskClient, session: Session, settings: Settings, people: dict[str, dict[str, str]], clock: Any,
    request: pytest.FixtureRequest,
) -> None:
    household_id = enrol(client, people)
    receive(client, people, household_id, date(2027, 1, 22))  # January's bijstand, late with the decision
    january = run_and_approve(client, people, date(2027, 1, 28))  # covers 1 February
    assert of_household(january, household_id) == [
        ("health_insurance", "2027-02-01", "150.00"), ("leefgeld", "2027-01-25", "225.00"),
        ("rent", "2027-02-01", "600.00")]

    clock.move_to(at(date(2027, 2, 10)))
    asked = _ok(client.post(f"/api/v1/households/{household_id}/extensions", headers=people["case"], json={
        "months": 1, "reason": "Het taalexamen is pas in maart", "reason_category": "language_course"}), 201)
    assert asked["status"] == "pending"

    clock.move_to(at(date(2027, 2, 24)))
    receive(client, people, household_id, date(2027, 2, 24))
    over_the_end = run_and_approve(client, people, date(2027, 2, 25))  # covers Monday 1 March, after the end
    # No final payout: the ordinary leefgeld, with the rent and health insurance of 1 March kept back.
    assert of_household(over_the_end, household_id) == [("leefgeld", "2027-02-25", "337.50")]
    leefgeld = next(i for i in over_the_end["items"] if i["household_id"] == household_id)
    assert "einde periode" not in leefgeld["reason"] and "750,00" in leefgeld["reason"]
    assert session.scalar(select(PaymentItem.id).where(PaymentItem.obligation_key.like("lg:%:final"))) is None

    for day in (date(2027, 2, 28), date(2027, 3, 1)):
        clock.move_to(at(day))
        outcome = end_job(settings, day, request)
        assert outcome.outcome == "succeeded" and "1 wachten op een besluit" in (outcome.detail or "")
        session.expire_all()
        household = session.get(Household, household_id)
        assert household is not None and household.status == "active" and household.ended_on is None
        assert session.scalars(select(Person.active_bsn).where(Person.household_id == household_id)).all() == [
            "111222333"]
        session.rollback()
    decide = session.scalars(select(Signal).where(Signal.kind == "extension_decide")).all()
    assert [(s.role, s.state, s.household_id) for s in decide] == [("supervisor", "open", household_id)]
    assert decide[0].message.startswith(f"Beslis vóór 28-02-2027 over verlengingsverzoek {asked['id']}")
    session.rollback()

    # The day after the end date: the page and the API say the period is over, not "Lopend, nog 0 dagen".
    shown = _ok(client.get(f"/api/v1/households/{household_id}", headers=people["case"]))
    assert shown["status"] == "active" and shown["period"]["days_left"] == 0 and shown["period"]["over"] is True

    decided = _ok(client.post(f"/api/v1/extensions/{asked['id']}/decision", headers=people["boss"],
                              json={"decision": "approve", "note": "Akkoord, taalexamen in maart"}))
    assert (decided["status"], decided["end_before"], decided["end_after"]) == (
        "approved", END.isoformat(), EXTENDED_END.isoformat())
    session.expire_all()
    assert session.scalars(select(Signal.state).where(Signal.kind == "extension_decide")).all() == ["done"]
    session.rollback()

    clock.move_to(at(date(2027, 3, 1)))
    march = run_and_approve(client, people, date(2027, 3, 2))
    # The first rent of the extension is paid in full, from the money kept for it.
    assert of_household(march, household_id) == [
        ("health_insurance", "2027-03-01", "150.00"), ("rent", "2027-03-01", "600.00")]
    assert session.scalar(select(Shortfall.id).where(Shortfall.household_id == household_id)) is None
    assert household_balance(session, household_id) == 337_50  # the leefgeld of payday 25 March
    assert money_identity(session).holds
    session.rollback()


def _pending_household(client: FlaskClient, people: dict[str, dict[str, str]]) -> tuple[int, int]:
    household_id = enrol(client, people)
    receive(client, people, household_id, date(2027, 1, 22))
    asked = _ok(client.post(f"/api/v1/households/{household_id}/extensions", headers=people["case"], json={
        "months": 2, "reason": "Schuldhulp loopt nog door", "reason_category": "debts"}), 201)
    return household_id, int(asked["id"])


def _writes(session: Session) -> tuple[int, ...]:
    session.rollback()
    counts = tuple(int(session.scalar(select(func.count()).select_from(model)) or 0)
                   for model in (AuditEntry, ExtensionRequest, PaymentItem, Signal))
    session.rollback()
    return counts


def test_a_decision_on_a_household_with_its_final_payout_in_a_batch_is_refused_and_writes_nothing(
    client: FlaskClient, session: Session, settings: Settings, people: dict[str, dict[str, str]], clock: Any,
) -> None:
    household_id, request_id = _pending_household(client, people)
    # Finance settles the household by hand (final payout), which a pending request does not stop.
    batch = final_payout(session, Actor.system("test"), household_id, date(2027, 1, 26), settings)
    session.commit()
    before = _writes(session)
    for decision in ("approve", "reject"):
        refused = client.post(f"/api/v1/extensions/{request_id}/decision", headers=people["boss"],
                              json={"decision": decision, "note": "Akkoord"})
        assert refused.status_code == 409
        error = refused.get_json()["error"]
        assert "al uitbetaald" in error["message"] and f"betaalrun {batch.id}" in error["message"]
        assert error["fields"] == {"decision": "al uitbetaald"}
        assert _writes(session) == before
    session.expire_all()
    pending = session.get(ExtensionRequest, request_id)
    household = session.get(Household, household_id)
    assert pending is not None and pending.status == "pending"
    assert household is not None and household.period_end == END
    session.rollback()
    # Once the batch is cancelled the household is no longer paid out: the decision is possible again.
    _ok(client.post(f"/api/v1/batches/{batch.id}/cancel", headers=people["fin2"], json={"reason": "verlenging"}))
    decided = _ok(client.post(f"/api/v1/extensions/{request_id}/decision", headers=people["boss"],
                              json={"decision": "approve", "note": "Akkoord"}))
    assert decided["end_after"] == "2027-04-30"


def test_a_decision_on_an_ended_household_is_refused_saying_so(
    client: FlaskClient, session: Session, people: dict[str, dict[str, str]], clock: Any,
) -> None:
    household_id, request_id = _pending_household(client, people)
    household = session.get(Household, household_id)
    assert household is not None
    ending.close_household(session, Actor.system("test"), household)  # as before issue 10: closed while pending
    session.commit()
    before = _writes(session)
    refused = client.post(f"/api/v1/extensions/{request_id}/decision", headers=people["boss"],
                          json={"decision": "approve", "note": "Akkoord"})
    assert refused.status_code == 409
    assert "al uitbetaald en afgesloten" in refused.get_json()["error"]["message"]
    assert _writes(session) == before
    # Withdrawing it still works.
    _ok(client.post(f"/api/v1/extensions/{request_id}/withdraw", headers=people["case"], json={"note": "afgesloten"}))


def test_an_approval_after_the_end_makes_an_ending_household_active_again(
    client: FlaskClient, session: Session, people: dict[str, dict[str, str]], clock: Any,
) -> None:
    """A household that went to ``ending`` with a request pending (as the end job did before issue 10) and was not
    paid out yet: the approval carries it on."""
    household_id, request_id = _pending_household(client, people)
    household = session.get(Household, household_id)
    assert household is not None
    ending.start_ending(session, Actor.system("test"), household)
    session.commit()
    clock.move_to(at(date(2027, 3, 2)))
    decided = _ok(client.post(f"/api/v1/extensions/{request_id}/decision", headers=people["boss"],
                              json={"decision": "approve", "note": "Akkoord"}))
    assert decided["end_after"] == "2027-04-30"
    session.expire_all()
    household = session.get(Household, household_id)
    assert household is not None and (household.status, household.period_end) == ("active", date(2027, 4, 30))
    extended = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.period_extended")).one()
    assert '"ending"' in (extended.before_json or "") and '"active"' in (extended.after_json or "")
    session.rollback()


def test_ending_early_withdraws_the_pending_request_and_closes_its_signal(
    client: FlaskClient, session: Session, people: dict[str, dict[str, str]], clock: Any,
) -> None:
    household_id, request_id = _pending_household(client, people)
    clock.move_to(at(date(2027, 2, 23)))
    ending.advance_endings(session, Actor.system("scheduler"), date(2027, 2, 23))  # the end is 5 days away
    session.commit()
    assert session.scalars(select(Signal.state).where(Signal.kind == "extension_decide")).all() == ["open"]
    session.rollback()
    ended = client.post(f"/api/v1/households/{household_id}/end", headers=people["case"],
                        json={"date": "2027-02-23", "reason": "Bijstand gestopt wegens werk"})
    assert ended.status_code == 200, ended.get_json()
    session.expire_all()
    row = session.get(ExtensionRequest, request_id)
    household = session.get(Household, household_id)
    assert row is not None and row.status == "withdrawn"
    assert household is not None and household.status == "ending" and household.ended_on == date(2027, 2, 23)
    assert session.scalars(select(Signal.state).where(Signal.kind == "extension_decide")).all() == ["done"]
    session.rollback()
    # No request waits any more: the next run pays February's fixed costs and the rest out as final leefgeld.
    batch = run_and_approve(client, people, date(2027, 2, 24))
    assert of_household(batch, household_id) == [
        ("health_insurance", "2027-02-01", "150.00"), ("leefgeld", "2027-02-24", "450.00"),
        ("rent", "2027-02-01", "600.00")]
    assert session.scalar(select(PaymentItem.id).where(PaymentItem.obligation_key.like("lg:%:final"))) is not None
    assert session.scalar(select(PaymentBatch.id).where(PaymentBatch.status == "approved")) is not None
