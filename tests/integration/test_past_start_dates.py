"""Issue 10, finding 9: a benefit start date in the past, through the API and the intake form (SQLite and PostgreSQL).

A bijstand decision often comes weeks late. A start up to a year back is accepted with a warning that says what it
means; further back (or more than a year ahead) is refused naming the field, nothing written. Fixed costs start from
the intake day unless an earlier start is entered on purpose, so the first run does not make every past month's rent
due at once. A period that is over reads "Afgelopen", never "Lopend, nog 0 dagen".
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

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.lifecycle import ending
from budgetbeheer.tables.households import FixedCost, Household, Person
from budgetbeheer.users.models import User
from tests.factories import MONTHLY_LEEFGELD, fixed_cost_data, intake_data, person_data

TODAY = date(2027, 5, 10)
RENT = fixed_cost_data("rent", amount="600.00", creditor={"name": "Woonstad", "iban": "NL20INGB0001234567"},
                       reference="Huur")


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(datetime(2027, 5, 10, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


AMINA: dict[str, Any] = {"iban": "NL91ABNA0417164300", "leefgeld": MONTHLY_LEEFGELD}
AMINA_PERSON = {"first_name": "Amina", "date_of_birth": "1990-04-02"}


def counts(session: Session) -> tuple[int, ...]:
    session.rollback()
    result = tuple(int(session.scalar(select(func.count()).select_from(model)) or 0)
                   for model in (Household, Person, FixedCost, AuditEntry))
    session.rollback()
    return result


@pytest.mark.parametrize(("start", "words"), [
    ("2026-05-09", "meer dan een jaar in het verleden (vóór 10-05-2026)"),
    ("2025-01-01", "meer dan een jaar in het verleden"),
    ("2028-05-11", "meer dan een jaar in de toekomst (na 10-05-2028)"),
])
def test_a_start_more_than_a_year_away_is_refused_naming_the_field(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]], start: str, words: str,
) -> None:
    case = api_token("kim", "caseworker")
    before = counts(session)
    refused = client.post("/api/v1/households", headers=case, json=intake_data(
        benefit_start_date=start, persons=[person_data(bsn="111222333", **AMINA_PERSON)], **AMINA))
    assert refused.status_code == 422
    assert words in refused.get_json()["error"]["fields"]["benefit_start_date"]
    assert counts(session) == before


def test_a_start_in_the_past_is_accepted_with_a_warning_and_costs_start_from_the_intake(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]],
) -> None:
    case, finance = api_token("kim", "caseworker"), api_token("fenna", "finance")
    created = client.post("/api/v1/households", headers=case, json=intake_data(
        benefit_start_date="2027-03-01", persons=[person_data(bsn="111222333", **AMINA_PERSON)], **AMINA))
    assert created.status_code == 201, created.get_json()
    data = created.get_json()["data"]
    assert (data["period"]["start"], data["period"]["end"], data["status"]) == ("2027-03-01", "2027-08-31", "active")
    warning = data["warnings"]["benefit_start_date"]
    assert "01-03-2027 ligt in het verleden" in warning and "Vaste lasten tellen vanaf vandaag (10-05-2027)" in warning
    household_id = data["id"]
    # A year back to the day is still accepted; a start from today on gets no warning.
    oldest = client.post("/api/v1/households", headers=case, json=intake_data(
        benefit_start_date="2026-05-10", persons=[person_data(bsn="123456782", **AMINA_PERSON)], **AMINA))
    assert oldest.status_code == 201 and oldest.get_json()["data"]["period"]["over"] is True
    fresh = client.post("/api/v1/households", headers=case, json=intake_data(
        benefit_start_date="2027-05-10", persons=[person_data(bsn="100000009", **AMINA_PERSON)], **AMINA))
    assert fresh.status_code == 201 and fresh.get_json()["data"]["warnings"] == {}

    url = f"/api/v1/households/{household_id}/fixed-costs"
    rent = client.post(url, json=RENT, headers=case)
    assert rent.status_code == 201 and rent.get_json()["data"]["start_date"] == "2027-05-10"
    energy = client.post(url, headers=case, json={**RENT, "category": "energy", "amount": "80.00",
                                                  "creditor": {"name": "Energie", "iban": "NL44RABO0123456789"},
                                                  "start_date": "2027-04-01"})  # on purpose: April is owed
    assert energy.status_code == 201 and energy.get_json()["data"]["start_date"] == "2027-04-01"
    # The new creditor waits for finance (issue 14); finance confirms it before the run.
    assert client.post(f"/api/v1/creditors/{energy.get_json()['data']['creditor_id']}/confirm",
                       headers=finance).status_code == 200
    before = counts(session)
    too_early = client.post(url, json={**RENT, "start_date": "2027-02-01"}, headers=case)
    assert too_early.status_code == 422
    assert "vóór de start van de periode (01-03-2027)" in too_early.get_json()["error"]["fields"]["start_date"]
    assert counts(session) == before

    client.post("/api/v1/receipts", headers={**finance, "Idempotency-Key": "uwv-mei"}, json={
        "household_id": household_id, "amount": "1500.00", "date": "2027-05-10", "kind": "benefit"})
    batch = client.post("/api/v1/payment-runs", json={"execution_date": "2027-05-11"}, headers=finance)
    assert batch.status_code == 201
    items = sorted((i["kind"], i["due_date"], i["amount"]) for i in batch.get_json()["data"]["items"]
                   if i["household_id"] == household_id and i["kind"] != "leefgeld")
    # Not March, April and May's rent at once: no rent before the intake; the energy of April and May, as entered.
    assert items == [("energy", "2027-04-01", "80.00"), ("energy", "2027-05-01", "80.00")]


def test_a_period_that_is_over_reads_ended_and_the_end_job_moves_it_on(
    client: FlaskClient, session: Session, login: Callable[..., User], api_token: Callable[..., dict[str, str]],
) -> None:
    case = api_token("kim", "caseworker")
    created = client.post("/api/v1/households", headers=case, json=intake_data(
        benefit_start_date="2026-09-30", persons=[person_data(bsn="111222333", **AMINA_PERSON)], **AMINA))
    assert created.status_code == 201
    data = created.get_json()["data"]
    assert data["period"]["end"] == "2027-03-29"
    assert "de periode is al voorbij (einde 29-03-2027)" in data["warnings"]["benefit_start_date"]
    household_id = data["id"]
    shown = client.get(f"/api/v1/households/{household_id}", headers=case).get_json()["data"]
    assert (shown["status"], shown["period"]["days_left"], shown["period"]["over"]) == ("active", 0, True)

    login("karin", "caseworker")
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert 'data-testid="household-status">Afgelopen</span>' in page
    assert "nog 0 dagen" not in page and "Lopend" not in page
    assert "afgelopen; de eindafrekening volgt" in page
    listing = client.get("/households/").get_data(as_text=True)
    assert "Afgelopen" in listing and "Lopend" not in listing

    finance = api_token("fenna", "finance")
    assert client.post("/api/v1/receipts", headers={**finance, "Idempotency-Key": "uwv-mei"}, json={
        "household_id": household_id, "amount": "1500.00", "date": "2027-05-10", "kind": "benefit"}).status_code == 201
    ending.advance_endings(session, Actor.system("scheduler"), TODAY)  # lifecycle.end_periods, as before
    session.commit()
    household = session.get(Household, household_id)
    assert household is not None and household.status == "ending"
    session.rollback()
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert 'data-testid="household-status">Loopt af</span>' in page and "nog 0 dagen" not in page


def test_the_intake_form_warns_after_saving_and_refuses_a_start_over_a_year_back(
    client: FlaskClient, session: Session, login: Callable[..., User],
) -> None:
    login("karin", "caseworker")
    form = {
        "persons.0.bsn": "111222333", "persons.0.first_name": "Hamid", "persons.0.last_name": "Ahmadi",
        "persons.0.date_of_birth": "1985-06-01", "iban": "NL20INGB0001234567", "account_holder": "H. Ahmadi",
        "benefit_start_date": "2026-04-30", "leefgeld.frequency": "monthly", "leefgeld.day": "1",
        "leefgeld.buffer": "0,00",
    }
    before = counts(session)
    refused = client.post("/households/new", data=form)
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="e-benefit_start_date"' in text and "meer dan een jaar in het verleden" in text
    assert counts(session) == before
    assert "Een startdatum in het verleden mag, tot een jaar terug." in client.get("/households/new").get_data(
        as_text=True)

    saved = client.post("/households/new", data={**form, "benefit_start_date": "2027-04-06"}, follow_redirects=True)
    assert saved.status_code == 200
    page = saved.get_data(as_text=True)
    assert 'class="flash warning"' in page
    assert "de startdatum 06-04-2027 ligt in het verleden" in page and "eindigt op 05-10-2027" in page
    assert "Vaste lasten tellen vanaf vandaag (10-05-2027)" in page
    household_id = session.scalars(select(Household.id)).one()
    session.rollback()
    cost_form = client.get(f"/households/{household_id}/fixed-costs/new").get_data(as_text=True)
    assert 'value="2027-05-10"' in cost_form  # the default start: today, not the period start
    assert "betaalt de eerstvolgende betaalrun alle termijnen sinds die datum" in cost_form
