"""The households JSON API: every endpoint, and every bad input refused with 422 naming the field, nothing written."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.tables.households import Creditor, ExpectedIncome, FixedCost, Household, Person, Receipt
from tests.factories import intake_data, person_data

HEALTH_IBAN = "NL91ABNA0417164300"


AMINA: dict[str, Any] = {
    "persons": [person_data(bsn="111222333", first_name="Amina", date_of_birth="1990-04-02")],
    "iban": "NL20INGB0001234567", "start": date(2026, 3, 1),
    "leefgeld": {"frequency": "monthly", "day": 5, "buffer": "20.00"},
}
"""The intake body the tests post: ``intake_data(**AMINA)``, with a change: ``intake_data(**AMINA | change)``."""


@pytest.fixture(autouse=True)
def _intake_day() -> Iterator[None]:
    """The tests enrol with a start of 2026-03-01; a start more than a year back is refused, so the clock stands
    on a day in that first month, after the receipts of 25 March (running on)."""
    with time_machine.travel(datetime(2026, 3, 26, 9, 0, tzinfo=UTC), tick=True):
        yield


def counts(session: Session) -> tuple[int, ...]:
    session.rollback()
    result = tuple(
        int(session.scalar(select(func.count()).select_from(model)) or 0)
        for model in (Household, Person, Creditor, FixedCost, ExpectedIncome, Receipt, Transaction, AuditEntry)
    )
    session.rollback()  # SQLite: every transaction holds the write lock; release it for the app
    return result


@pytest.fixture
def caseworker(api_token: Callable[..., dict[str, str]]) -> dict[str, str]:
    return api_token("kim", "caseworker")


@pytest.fixture
def finance(api_token: Callable[..., dict[str, str]]) -> dict[str, str]:
    return api_token("fenna", "finance")  # receipts are finance's (issue 14)


@pytest.fixture
def household_id(client: FlaskClient, caseworker: dict[str, str]) -> int:
    response = client.post("/api/v1/households", json=intake_data(**AMINA), headers=caseworker)
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["data"]["id"])


def test_enrol_view_list_and_access_log(client: FlaskClient, caseworker: dict[str, str], session: Session) -> None:
    response = client.post("/api/v1/households", json=intake_data(**AMINA), headers=caseworker)
    assert response.status_code == 201
    data = response.get_json()["data"]
    assert data["period"]["start"] == "2026-03-01" and data["period"]["end"] == "2026-08-31"
    assert data["status"] == "active" and data["balance"] == "0.00"
    shown = client.get(f"/api/v1/households/{data['id']}", headers=caseworker).get_json()["data"]
    assert shown["persons"][0]["bsn"] == "111222333"
    viewed = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.viewed")).all()
    assert [(e.entity_id, e.actor) for e in viewed] == [(str(data["id"]), "kim")]
    session.rollback()
    listing = client.post("/api/v1/households/search", json={"bsn": "111222333"}, headers=caseworker).get_json()
    assert listing["data"]["total"] == 1 and listing["data"]["items"][0]["bsns"] == ["*****2333"]
    assert client.post("/api/v1/households/search", json={"bsn": "123456782"},
                       headers=caseworker).get_json()["data"]["total"] == 0
    assert client.get("/api/v1/households?query=hadd", headers=caseworker).get_json()["data"]["total"] == 1


def test_fixed_cost_income_receipt_statement_and_forecast(
    client: FlaskClient, caseworker: dict[str, str], household_id: int, api_token: Callable[..., dict[str, str]]
) -> None:
    cost = client.post(f"/api/v1/households/{household_id}/fixed-costs", headers=caseworker, json={
        "category": "health_insurance", "creditor": {"name": "Zilveren Kruis", "iban": HEALTH_IBAN},
        "amount": "142.50", "frequency": "monthly", "due_day": 1, "reference": "polis 123",
        "start_date": "2026-03-01",
    })
    assert cost.status_code == 201, cost.get_json()
    assert cost.get_json()["data"]["amount"] == "142.50"
    income = client.post(f"/api/v1/households/{household_id}/expected-income", headers=caseworker,
                         json={"kind": "benefit", "amount": "1300.00", "day": 25, "start_date": "2026-03-01"})
    assert income.status_code == 201 and income.get_json()["data"]["day"] == 25
    finance = api_token("fenna", "finance")
    body = {"household_id": household_id, "amount": "1300.00", "date": "2026-03-25", "kind": "benefit"}
    first = client.post("/api/v1/receipts", json=body, headers={**finance, "Idempotency-Key": "uwv-1"})
    second = client.post("/api/v1/receipts", json=body, headers={**finance, "Idempotency-Key": "uwv-1"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["data"]["id"] == second.get_json()["data"]["id"]
    other = client.post("/api/v1/receipts", json={**body, "amount": "1299.00"},
                        headers={**finance, "Idempotency-Key": "uwv-1"})
    assert other.status_code == 409
    view = client.get(f"/api/v1/households/{household_id}", headers=caseworker).get_json()["data"]
    assert view["balance"] == "1300.00"
    assert view["missing_required_categories"] == ["rent", "energy", "water"]
    statement = client.get(f"/api/v1/households/{household_id}/statement?from=2026-03-01&to=2026-03-31",
                           headers=caseworker).get_json()["data"]
    assert [(m["amount"], m["balance"]) for m in statement["movements"]] == [("1300.00", "1300.00")]
    bad = client.get(f"/api/v1/households/{household_id}/statement?from=2026-13-01", headers=caseworker)
    assert bad.status_code == 422 and "from" in bad.get_json()["error"]["fields"]
    forecast = client.get(f"/api/v1/households/{household_id}/forecast", headers=caseworker).get_json()["data"]
    assert len(forecast["days"]) == 56


def test_roles(client: FlaskClient, api_token: Callable[..., dict[str, str]], household_id: int) -> None:
    accountant = api_token("ada", "accountant")
    assert client.get(f"/api/v1/households/{household_id}", headers=accountant).status_code == 200
    assert client.post("/api/v1/households", json=intake_data(**AMINA), headers=accountant).status_code == 403
    assert client.post("/api/v1/creditors", json={"name": "X", "iban": HEALTH_IBAN}, headers=accountant).status_code \
        == 403
    assert client.get("/api/v1/households/99999", headers=accountant).status_code == 404
    assert client.get("/api/v1/households").status_code == 401


def test_creditors_register(client: FlaskClient, api_token: Callable[..., dict[str, str]]) -> None:
    finance = api_token("fenna", "finance")
    body = {"name": "Vitens", "iban": "NL20INGB0001234567", "default_category": "water",
            "reference_required": True, "reference_kind": "betalingskenmerk"}
    created = client.post("/api/v1/creditors", json=body, headers=finance)
    assert created.status_code == 201 and created.get_json()["data"]["bic"] == "INGBNL2A"
    assert client.post("/api/v1/creditors", json=body, headers=finance).status_code == 409
    names = [c["name"] for c in client.get("/api/v1/creditors", headers=finance).get_json()["data"]]
    assert names == ["Vitens"]


def _refused(client: FlaskClient, session: Session, path: str, body: dict[str, Any], headers: dict[str, str],
             field: str) -> None:
    before = counts(session)
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"], response.get_json()
    assert counts(session) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"persons": [{"bsn": "111222334", "first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"}]},
         "persons.0.bsn"),
        ({"persons": [{"bsn": "111222333", "first_name": "A", "last_name": "B", "date_of_birth": "1990-01-01"}]},
         "persons.0.bsn"),
        ({"iban": "NL20INGB0001234568"}, "iban"),
        ({"iban": "BR1500000000000010932840814P2"}, "iban"),
        ({"leefgeld": {"frequency": "monthly", "day": 1, "buffer": "-5.00"}}, "leefgeld.buffer"),
    ],
)
def test_intake_bad_input(client: FlaskClient, session: Session, caseworker: dict[str, str], household_id: int,
                          change: dict[str, Any], field: str) -> None:
    _refused(client, session, "/api/v1/households", intake_data(**AMINA | change), caseworker, field)


FIXED_COST = {"category": "rent", "creditor": {"name": "Ymere", "iban": HEALTH_IBAN}, "amount": "700.00",
              "frequency": "monthly", "due_day": 1, "start_date": "2026-03-01"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "0.00"}, "amount"),
        ({"amount": "-10.00"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": "100000.01"}, "amount"),
        ({"due_day": 0}, "due_day"),
        ({"due_day": 32}, "due_day"),
        ({"end_date": "2026-02-28"}, "end_date"),
        ({"category": "holidays"}, "category"),
        ({"reference": "5000056789012346"}, "reference"),
        ({"reference": "RF18539007547035"}, "reference"),
        ({"creditor": {"name": "Ymere", "iban": "NL91ABNA0417164301"}}, "creditor.iban"),
        ({"frequency": "daily"}, "frequency"),
    ],
)
def test_fixed_cost_bad_input(client: FlaskClient, session: Session, caseworker: dict[str, str], household_id: int,
                              change: dict[str, Any], field: str) -> None:
    _refused(client, session, f"/api/v1/households/{household_id}/fixed-costs", {**FIXED_COST, **change},
             caseworker, field)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"amount": "0"}, "amount"), ({"amount": "-1"}, "amount"), ({"amount": "1.234"}, "amount"),
     ({"amount": "100000.01"}, "amount"), ({"day": 0}, "day"), ({"day": 32}, "day"), ({"kind": "lottery"}, "kind"),
     ({"end_date": "2026-01-01"}, "end_date")],
)
def test_income_bad_input(client: FlaskClient, session: Session, caseworker: dict[str, str], household_id: int,
                          change: dict[str, Any], field: str) -> None:
    body = {"kind": "benefit", "amount": "1200.00", "day": 1, "start_date": "2026-03-01", **change}
    _refused(client, session, f"/api/v1/households/{household_id}/expected-income", body, caseworker, field)


@pytest.mark.parametrize(
    ("change", "field"),
    [({"household_id": 999999}, "household_id"), ({"amount": "0.00"}, "amount"), ({"amount": "-3"}, "amount"),
     ({"amount": "2.999"}, "amount"), ({"amount": "100000.01"}, "amount"), ({"date": "gisteren"}, "date"),
     ({"kind": "gift"}, "kind")],
)
def test_receipt_bad_input(client: FlaskClient, session: Session, finance: dict[str, str], household_id: int,
                           change: dict[str, Any], field: str) -> None:
    body = {"household_id": household_id, "amount": "10.00", "date": "2026-03-25", "kind": "benefit", **change}
    _refused(client, session, "/api/v1/receipts", body, {**finance, "Idempotency-Key": "x"}, field)


def test_receipt_for_ended_household(client: FlaskClient, session: Session, finance: dict[str, str],
                                     household_id: int) -> None:
    household = session.get(Household, household_id)
    assert household is not None
    household.status = "ended"
    session.commit()
    body = {"household_id": household_id, "amount": "10.00", "date": "2026-03-25", "kind": "benefit"}
    _refused(client, session, "/api/v1/receipts", body, finance, "household_id")


def test_malformed_json_is_400(client: FlaskClient, caseworker: dict[str, str]) -> None:
    response = client.post("/api/v1/households", data="not json", headers={**caseworker,
                                                                          "Content-Type": "application/json"})
    assert response.status_code == 400


def test_same_idempotency_key_at_the_same_moment_books_once(
    client: FlaskClient, session: Session, engine: Any, api_token: Callable[..., dict[str, str]], household_id: int,
    dialect: str,
) -> None:
    """PostgreSQL: another request with the key holds its uncommitted insert; ours waits on the UNIQUE index, loses,
    and answers 200 with the winner's receipt instead of an error."""
    if dialect != "postgresql":
        pytest.skip("SQLite lets one writer in at a time (BEGIN IMMEDIATE); the race needs PostgreSQL")
    import threading

    from budgetbeheer.audit.service import Actor
    from budgetbeheer.db.engine import make_session_factory
    from budgetbeheer.households.receipts import book_receipt

    finance = api_token("fien", "finance")
    body = {"household_id": household_id, "amount": "1500.00", "date": "2026-03-25", "kind": "benefit",
            "reference": "UWV maart"}
    other = make_session_factory(engine)()
    book_receipt(other, Actor("other-request"), body, idempotency_key="race-1")
    other.flush()  # inserted, not committed: the index entry is taken
    answers: list[Any] = []
    request_thread = threading.Thread(
        target=lambda: answers.append(
            client.post("/api/v1/receipts", json=body, headers={**finance, "Idempotency-Key": "race-1"})
        )
    )
    request_thread.start()
    request_thread.join(timeout=1.0)
    assert request_thread.is_alive()  # waiting on the other transaction's index entry
    other.commit()
    other.close()
    request_thread.join(timeout=30)
    assert answers and answers[0].status_code == 200, answers[0].get_json()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Receipt)) == 1
