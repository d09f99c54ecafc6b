"""Corrections through the JSON API and the household's corrections page, on SQLite and PostgreSQL: every route of
interface.md's 'Corrections' paragraph, the refusals of the issue's Bad input list (field named, nothing written),
the household's history, the OpenAPI document, and the money identity after each change."""

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
from budgetbeheer.ledger.service import money_identity
from budgetbeheer.tables.households import ExpectedIncome, FixedCost, Household, Person, Receipt
from tests.factories import bsn, fixed_cost_data, income_data, intake_data, receipt_data

NEW_IBAN = "NL39RABO0300065264"
BAD_IBAN = "NL00ABNA0417164301"


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def users(api_token: Callable[..., dict[str, str]]) -> dict[str, dict[str, str]]:
    return {"karin": api_token("karin", "caseworker"), "fatima": api_token("fatima", "finance"),
            "frank": api_token("frank", "finance")}


def _data(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["data"]


def _fields(response: Any, status: int = 422) -> dict[str, str]:
    assert response.status_code == status, response.get_data(as_text=True)
    return dict(response.get_json()["error"].get("fields") or {})


def audit_count(session: Session) -> int:
    session.rollback()
    count = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    session.rollback()
    return count


def identity_holds(session: Session) -> bool:
    session.rollback()
    holds = money_identity(session).holds
    session.rollback()
    return holds


def enrol(client: FlaskClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    household = _data(client.post("/api/v1/households", json=intake_data(**overrides), headers=headers), 201)
    hid = household["id"]
    _data(client.post(f"/api/v1/households/{hid}/fixed-costs", json=fixed_cost_data("rent"), headers=headers), 201)
    _data(client.post(f"/api/v1/households/{hid}/expected-income", json=income_data(), headers=headers), 201)
    return dict(_data(client.get(f"/api/v1/households/{hid}", headers=headers)))


def test_persons_through_the_api(client: FlaskClient, session: Session, users: dict[str, dict[str, str]]) -> None:
    karin = users["karin"]
    household = enrol(client, karin)
    other = enrol(client, karin)
    hid, person = household["id"], household["persons"][0]
    body = _data(client.patch(f"/api/v1/households/{hid}/persons/{person['id']}", json={"last_name": "Haddad-Ali"},
                              headers=karin))
    assert body["last_name"] == "Haddad-Ali"
    before = audit_count(session)
    taken = other["persons"][0]["bsn"]
    new = {"first_name": "Omar", "last_name": "Haddad", "date_of_birth": "1988-02-03"}
    fields = _fields(client.post(f"/api/v1/households/{hid}/persons", json=new | {"bsn": taken}, headers=karin))
    assert str(other["id"]) in fields["bsn"]  # a caseworker may see households: it is named
    assert "bsn" in _fields(client.post(f"/api/v1/households/{hid}/persons", json=new | {"bsn": person["bsn"]},
                                        headers=karin))
    assert "bsn" in _fields(client.post(f"/api/v1/households/{hid}/persons", json=new | {"bsn": "123456789"},
                                        headers=karin))
    assert audit_count(session) == before
    added = _data(client.post(f"/api/v1/households/{hid}/persons", json=new | {"bsn": bsn(), "from": "2026-12-01"},
                              headers=karin), 201)
    assert added["period"] == {"start": "2026-12-01", "end": "2027-05-31"}
    assert _data(client.get(f"/api/v1/households/{hid}", headers=karin))["period"]["end"] == "2027-05-31"
    assert "date" in _fields(client.post(f"/api/v1/households/{hid}/persons/{added['id']}/leave",
                                         json={"date": "2028-01-01", "reason": "verhuisd"}, headers=karin))
    left = _data(client.post(f"/api/v1/households/{hid}/persons/{added['id']}/leave",
                             json={"date": "2027-01-31", "reason": "verhuisd"}, headers=karin))
    assert left["left_on"] == "2027-01-31"
    session.rollback()
    assert session.get(Person, added["id"]).active_bsn is None  # type: ignore[union-attr]
    session.rollback()
    history = _data(client.get(f"/api/v1/households/{hid}/history", headers=karin))
    assert [e["action"] for e in history["items"][:3]] == ["person.left", "person.added", "person.corrected"]
    assert history["items"][2]["before"]["last_name"] != history["items"][2]["after"]["last_name"]
    assert identity_holds(session)


def test_household_details_and_the_iban_needs_four_eyes(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]]
) -> None:
    karin, fatima, frank = users["karin"], users["fatima"], users["frank"]
    hid = enrol(client, karin)["id"]
    body = _data(client.patch(f"/api/v1/households/{hid}", json={
        "address": {"street": "Nieuwstraat 3", "postal_code": "8011AB", "city": "Zwolle"},
        "leefgeld": {"frequency": "monthly", "day": 15, "buffer": "10.00"}, "from": "2026-12-15"}, headers=karin))
    assert body["address"]["city"] == "Zwolle" and body["scheduled_leefgeld"][0]["from"] == "2026-12-15"
    assert "iban" in _fields(client.patch(f"/api/v1/households/{hid}", json={"iban": NEW_IBAN}, headers=karin))
    assert "iban" in _fields(client.post(f"/api/v1/households/{hid}/iban-changes", json={
        "iban": BAD_IBAN, "account_holder": "A. Haddad", "reason": "nieuwe bank"}, headers=karin))
    change = _data(client.post(f"/api/v1/households/{hid}/iban-changes", json={
        "iban": NEW_IBAN, "account_holder": "A. Haddad", "reason": "nieuwe bank"}, headers=fatima), 201)
    assert _data(client.get(f"/api/v1/households/{hid}", headers=karin))["iban"] != NEW_IBAN  # until confirmed
    assert client.post(f"/api/v1/iban-changes/{change['id']}/confirm", headers=fatima).status_code == 409
    _data(client.post(f"/api/v1/iban-changes/{change['id']}/confirm", headers=frank))
    assert _data(client.get(f"/api/v1/households/{hid}", headers=karin))["iban"] == NEW_IBAN
    actions = [e["action"] for e in _data(client.get(f"/api/v1/households/{hid}/history", headers=karin))["items"]]
    assert {"household.changed", "household.iban_changed", "iban_change.proposed"} <= set(actions)
    assert identity_holds(session)


def test_fixed_costs_income_and_settlement_through_the_api(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]]
) -> None:
    karin = users["karin"]
    household = enrol(client, karin)
    hid, rent, benefit = household["id"], household["fixed_costs"][0], household["expected_income"][0]
    changed = _data(client.patch(f"/api/v1/households/{hid}/fixed-costs/{rent['id']}", json={
        "reference": "Huur Nieuwstraat 3", "due_day": 2, "from": "2027-01-01"}, headers=karin))
    assert changed["replaces_id"] == rent["id"] and changed["due_day"] == 2 and changed["start_date"] == "2027-01-01"
    assert "fixed_cost_id" in _fields(client.patch(f"/api/v1/households/{hid}/fixed-costs/{rent['id']}",
                                                   json={"due_day": 3, "from": "2027-02-01"}, headers=karin), 409)
    ended = _data(client.patch(f"/api/v1/households/{hid}/fixed-costs/{changed['id']}",
                               json={"end_date": "2027-03-02"}, headers=karin))
    assert ended["end_date"] == "2027-03-02"
    assert "end_date" in _fields(client.patch(f"/api/v1/households/{hid}/fixed-costs/{changed['id']}",
                                              json={"end_date": "2026-01-01"}, headers=karin))
    owed = _data(client.post(f"/api/v1/households/{hid}/fixed-costs/{changed['id']}/settlement", json={
        "type": "owed", "amount": "75.00", "date": "2027-01-15"}, headers=karin), 201)
    assert owed["fixed_cost"]["amount"] == "75.00" and owed["fixed_cost"]["end_date"] == "2027-01-15"
    refund = _data(client.post(f"/api/v1/households/{hid}/fixed-costs/{changed['id']}/settlement", json={
        "type": "refund", "amount": "20.00", "date": "2026-11-28"}, headers=karin), 201)
    assert refund["receipt"]["amount"] == "20.00"
    new_income = _data(client.patch(f"/api/v1/households/{hid}/expected-income/{benefit['id']}", json={
        "amount": "1400.00", "from": "2027-01-01"}, headers=karin))
    assert new_income["replaces_id"] == benefit["id"] and new_income["amount"] == "1400.00"
    child = _data(client.post(f"/api/v1/households/{hid}/expected-income", json={
        "kind": "child_benefit", "amount": "280.00", "day": 1, "frequency": "quarterly"}, headers=karin), 201)
    assert child["frequency"] == "quarterly"
    stopped = _data(client.patch(f"/api/v1/households/{hid}/expected-income/{child['id']}",
                                 json={"end_date": "2027-04-30"}, headers=karin))
    assert stopped["end_date"] == "2027-04-30"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(FixedCost).where(FixedCost.household_id == hid)) == 3
    session.rollback()
    assert identity_holds(session)


def test_rebook_and_benefit_end_through_the_api(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]]
) -> None:
    karin, fatima = users["karin"], users["fatima"]
    wrong, right = enrol(client, karin)["id"], enrol(client, karin)["id"]
    booked = _data(client.post("/api/v1/receipts", json=receipt_data(wrong, "1500.00", date(2026, 11, 28)),
                               headers=fatima), 201)
    assert client.post(f"/api/v1/receipts/{booked['id']}/rebook", json={"household_id": right, "reason": "fout"},
                       headers=karin).status_code == 403  # finance only
    new = _data(client.post(f"/api/v1/receipts/{booked['id']}/rebook",
                            json={"household_id": right, "reason": "verkeerd huishouden"}, headers=fatima), 201)
    assert new["household_id"] == right and new["rebooked_from_id"] == booked["id"]
    assert _data(client.get(f"/api/v1/households/{wrong}", headers=karin))["balance"] == "0.00"
    assert _data(client.get(f"/api/v1/households/{right}", headers=karin))["balance"] == "1500.00"
    assert "receipt_id" in _fields(client.post(f"/api/v1/receipts/{booked['id']}/rebook",
                                               json={"household_id": right, "reason": "nog eens"}, headers=fatima), 409)
    assert identity_holds(session)
    ended = _data(client.post(f"/api/v1/households/{right}/benefit-end",
                              json={"date": "2027-01-31", "reason": "werk gevonden"}, headers=karin))
    assert ended["period"]["end"] == "2027-01-31" and ended["ended_on"] == "2027-01-31"
    assert client.post(f"/api/v1/households/{right}/benefit-end", json={"date": "2027-01-31", "reason": "x y z"},
                       headers=karin).status_code == 409
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Receipt).where(Receipt.rebooked_from_id.is_not(None))) == 1
    session.rollback()
    assert identity_holds(session)


def test_openapi_lists_the_correction_routes(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path, method in (("/api/v1/households/{household_id}", "patch"),
                         ("/api/v1/households/{household_id}/persons", "post"),
                         ("/api/v1/households/{household_id}/persons/{person_id}", "patch"),
                         ("/api/v1/households/{household_id}/persons/{person_id}/leave", "post"),
                         ("/api/v1/households/{household_id}/fixed-costs/{fixed_cost_id}", "patch"),
                         ("/api/v1/households/{household_id}/expected-income/{income_id}", "patch"),
                         ("/api/v1/households/{household_id}/iban-changes", "post"),
                         ("/api/v1/iban-changes/{change_id}/confirm", "post"),
                         ("/api/v1/receipts/{receipt_id}/rebook", "post"),
                         ("/api/v1/households/{household_id}/benefit-end", "post")):
        assert method in paths[path], path


def test_the_corrections_page_adds_a_person_and_shows_the_history(
    client: FlaskClient, session: Session, login: Callable[..., Any], users: dict[str, dict[str, str]]
) -> None:
    household = enrol(client, users["karin"])
    hid, person_id = household["id"], household["persons"][0]["id"]
    login("kim", "caseworker")
    page = client.get(f"/households/{hid}/corrections")
    assert page.status_code == 200 and "Persoon toevoegen" in page.get_data(as_text=True)
    form = {"bsn": bsn(), "first_name": "Sara", "last_name": "Haddad", "date_of_birth": "2026-11-20",
            "from": "2026-11-28", "submission_token": "t-add-sara"}
    response = client.post(f"/households/{hid}/corrections/add-person", data=form)
    assert response.status_code == 303
    again = client.post(f"/households/{hid}/corrections/add-person", data=form)  # a double submit: no second
    assert again.status_code in (302, 303)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Person).where(Person.household_id == hid)) == 2
    session.rollback()
    bad = client.post(f"/households/{hid}/corrections/leave",
                      data={"person_id": str(person_id), "date": "", "reason": "  "})
    text = bad.get_data(as_text=True)
    # issue 15: the page again with the form open, each field named in words and linked to it; nothing written
    assert bad.status_code == 422
    assert '<a href="#lv-date">Laatste dag in het huishouden: vul een datum in (JJJJ-MM-DD).</a>' in text or \
        '<a href="#lv-date">Datum: vul een datum in (JJJJ-MM-DD).</a>' in text
    assert '<a href="#lv-reason">Reden: schrijf de reden op.</a>' in text
    assert 'id="lv-date" name="date" type="date" aria-invalid="true" aria-describedby="e-lv-date"' in text
    assert "date: " not in text and "reason: " not in text
    page = client.get(f"/households/{hid}/corrections").get_data(as_text=True)
    assert "Sara" in page and "person.added" in page
    assert "person.added" in client.get(f"/households/{hid}").get_data(as_text=True)  # the household page too
    assert client.post(f"/households/{hid}/corrections/rebook", data={"receipt_id": "1"}).status_code == 403
    session.rollback()
    assert session.get(Household, hid) is not None
    session.rollback()
    assert identity_holds(session)


def test_the_end_page_reports_the_benefit_ending(
    client: FlaskClient, session: Session, login: Callable[..., Any], users: dict[str, dict[str, str]]
) -> None:
    household = enrol(client, users["karin"])
    hid, benefit = household["id"], household["expected_income"][0]["id"]
    login("kim", "caseworker")
    response = client.post(f"/households/{hid}/end", data={"date": "2027-02-28", "reason": "werk gevonden",
                                                           "benefit_end": "on", "confirm": "1"})
    assert response.status_code == 302
    session.rollback()
    ended = session.get(Household, hid)
    assert ended is not None and ended.ended_on == date(2027, 2, 28)
    assert session.get(ExpectedIncome, benefit).end_date == date(2027, 2, 28)  # type: ignore[union-attr]
    session.rollback()
    assert identity_holds(session)


def test_each_correction_through_the_page(
    client: FlaskClient, session: Session, login: Callable[..., Any], users: dict[str, dict[str, str]]
) -> None:
    household = enrol(client, users["karin"])
    other = enrol(client, users["karin"])
    hid, person = household["id"], household["persons"][0]
    rent, benefit = household["fixed_costs"][0], household["expected_income"][0]
    booked = _data(client.post("/api/v1/receipts", json=receipt_data(hid, "100.00", date(2026, 11, 28)),
                               headers=users["fatima"]), 201)
    login("kim", "caseworker")

    def post(action: str, status: int = 200, **form: str) -> str:
        response = client.post(f"/households/{hid}/corrections/{action}", data=form, follow_redirects=True)
        assert response.status_code == status
        return response.get_data(as_text=True)

    assert "Persoon gecorrigeerd." in post("person", person_id=str(person["id"]), last_name="Haddad-Ali")
    assert "Gegevens van het huishouden gewijzigd." in post("details", city="Deventer", street="Brink 1",
                                                             postal_code="7411BR", buffer="15,00")
    assert "Vaste last gewijzigd." in post("fixed-cost", fixed_cost_id=str(rent["id"]), due_day="3",
                                           **{"from": "2027-01-01"})
    assert "Jaarafrekening vastgelegd." in post("settlement", fixed_cost_id=str(rent["id"]), type="refund",
                                                amount="12,50", date="2026-11-28")
    assert "Verwacht inkomen gewijzigd." in post("income", income_id=str(benefit["id"]), end_date="2027-03-31")
    refused = post("fixed-cost", 422, fixed_cost_id=str(rent["id"]), due_day="40", **{"from": "2027-02-01"})
    assert '<a href="#fc-id">Vaste last: ' in refused  # the rent was replaced: change the new one (issue 15)
    assert 'value="40"' in refused  # what was typed is kept
    after = _data(client.get(f"/api/v1/households/{hid}", headers=users["karin"]))
    assert after["persons"][0]["last_name"] == "Haddad-Ali" and after["address"]["city"] == "Deventer"
    assert after["leefgeld"]["buffer"] == "15.00"
    assert [c["due_day"] for c in after["fixed_costs"]] == [1, 3]
    assert after["expected_income"][0]["end_date"] == "2027-03-31"
    assert after["balance"] == "112.50"

    client.get("/logout")
    login("fiona", "finance")
    text = post("rebook", receipt_id=str(booked["id"]), household_id=str(other["id"]), reason="verkeerd huishouden")
    assert "Ontvangst omgeboekt." in text
    assert _data(client.get(f"/api/v1/households/{other['id']}", headers=users["karin"]))["balance"] == "100.00"
    assert client.post(f"/households/{hid}/corrections/details", data={"city": "X"}).status_code == 403
    assert identity_holds(session)
