"""The households web pages: intake, household page, forms with errors next to the field, receipts, creditors."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.households import fixed_costs
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.tables.households import (
    Creditor,
    ExpectedIncome,
    FixedCost,
    FixedCostAmount,
    Household,
    Person,
    Receipt,
)
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import MONTHLY_LEEFGELD, enrol, person_data

RENT_IBAN = "NL91ABNA0417164300"
INTAKE_DAY = date(2026, 2, 2)
"""The day the tests enrol (a start more than a year back is refused): not the wall clock."""


def counts(session: Session) -> tuple[int, ...]:
    session.rollback()
    result = tuple(
        int(session.scalar(select(func.count()).select_from(model)) or 0)
        for model in (Household, Person, Creditor, FixedCost, ExpectedIncome, Receipt, Transaction, AuditEntry)
    )
    session.rollback()
    return result


def intake_form(**overrides: str) -> dict[str, str]:
    form = {
        "persons.0.bsn": "111222333", "persons.0.first_name": "Hamid", "persons.0.last_name": "Ahmadi",
        "persons.0.date_of_birth": "1985-06-01",
        "persons.1.bsn": "123456782", "persons.1.first_name": "Zahra", "persons.1.last_name": "Ahmadi",
        "persons.1.date_of_birth": "1987-02-14",
        "iban": "NL20 INGB 0001 2345 67", "account_holder": "H. Ahmadi", "benefit_start_date": "2026-01-31",
        "leefgeld.frequency": "weekly", "leefgeld.day": "3", "leefgeld.buffer": "15,00",
        "address.street": "Laan 1", "address.postal_code": "1234ab", "address.city": "Utrecht",
    }
    form.update(overrides)
    return form


HAMID = {
    "persons": [person_data(bsn="111222333", first_name="Hamid", last_name="Ahmadi", date_of_birth="1985-06-01")],
    "iban": "NL20INGB0001234567", "account_holder": "H. Ahmadi", "start": date(2026, 1, 31), "today": INTAKE_DAY,
    "leefgeld": MONTHLY_LEEFGELD,
}
"""The household the tests enrol through the service (the intake form's first person, on his own)."""


@time_machine.travel(datetime(2026, 2, 2, 9, 0, tzinfo=UTC), tick=True)
def test_intake_with_two_persons_then_household_page_logs_the_view(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    user = login("karin", "caseworker")
    page = client.get("/households/new")
    assert page.status_code == 200 and 'id="f-persons.5.bsn"' in page.get_data(as_text=True)
    response = client.post("/households/new", data=intake_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    household = session.scalars(select(Household)).one()
    assert household.caseworker_id == user.id
    assert household.period_end.isoformat() == "2026-07-30"
    assert household.address_postal_code == "1234AB"
    session.rollback()
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Zahra Ahmadi" in shown and "123456782" in shown
    assert "huur, zorgverzekering, energie, water" in shown
    assert 'data-testid="forecast-chart"' in shown
    viewed = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.viewed")).all()
    assert [(e.actor, e.entity_id) for e in viewed] == [("karin", str(household.id))]
    session.rollback()


def test_list_masks_bsn_searches_and_pages(client: FlaskClient, login: Callable[..., User], session: Session) -> None:
    user = login("karin", "caseworker")
    actor = Actor(name=user.username, user_id=user.id)
    for n, bsn in enumerate(["111222333", "123456782", "100000009"]):
        enrol(session, actor, start=date(2026, 1, 1), today=INTAKE_DAY, iban=RENT_IBAN, account_holder="x",
              persons=[person_data(bsn=bsn, first_name=f"Naam{'abc'[n]}", last_name="Yilmaz", date_of_birth="1990-01-01")],
              leefgeld={})  # the service's default leefgeld
    session.commit()
    text = client.get("/households/").get_data(as_text=True)
    assert "*****2333" in text and "111222333" not in text
    text = client.post("/households/search", data={"q": "123456782"}).get_data(as_text=True)  # a full BSN, POSTed
    assert "*****6782" in text and "*****2333" not in text
    text = client.get("/households/?q=naamc").get_data(as_text=True)
    assert "*****0009" in text and "*****6782" not in text
    assert "1 huishouden(s)" in text
    assert client.get("/households/?page=2").status_code == 200


INTAKE_BAD = [
    ({"persons.0.bsn": "111222334"}, "persons.0.bsn"),
    ({"persons.1.bsn": "111222333"}, "persons.1.bsn"),
    ({"iban": "NL20INGB0001234568"}, "iban"),
    ({"iban": "US64SVBKUS6S3300958879"}, "iban"),
    ({"leefgeld.buffer": "1,234"}, "leefgeld.buffer"),
    ({"leefgeld.day": "8"}, "leefgeld.day"),
    ({"benefit_start_date": ""}, "benefit_start_date"),
]


def test_intake_form_shows_error_next_to_field_and_writes_nothing(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    login("karin", "caseworker")  # one log-in for every case: argon2 is slow on purpose
    before = counts(session)
    for change, field in INTAKE_BAD:
        response = client.post("/households/new", data=intake_form(**change))
        assert response.status_code == 422, change
        assert f'id="e-{field}"' in response.get_data(as_text=True), change
        assert counts(session) == before, change


def test_intake_form_refuses_a_bsn_active_elsewhere(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    user = login("karin", "caseworker")
    enrol(session, actor_for(user), **HAMID)
    session.commit()
    before = counts(session)
    response = client.post("/households/new", data=intake_form())
    assert response.status_code == 422
    assert 'id="e-persons.0.bsn"' in response.get_data(as_text=True)
    assert counts(session) == before


FIXED_COST_FORM = {"category": "rent", "creditor.name": "Mitros", "creditor.iban": RENT_IBAN, "amount": "712,40",
                   "frequency": "monthly", "due_day": "31", "reference": "", "start_date": "2026-02-01"}


def test_fixed_cost_and_income_forms(client: FlaskClient, login: Callable[..., User], session: Session) -> None:
    user = login("karin", "caseworker")
    household_id = enrol(session, actor_for(user), **HAMID).id
    session.commit()
    form = client.get(f"/households/{household_id}/fixed-costs/new").get_data(as_text=True)
    assert "huur, zorgverzekering, energie, water" in form
    response = client.post(f"/households/{household_id}/fixed-costs/new", data=FIXED_COST_FORM)
    assert response.status_code == 302, response.get_data(as_text=True)
    cost = session.scalars(select(FixedCost)).one()
    assert fixed_costs.fixed_cost_amount_on(cost, cost.start_date) == 71240
    session.rollback()
    response = client.post(f"/households/fixed-costs/{cost.id}/amount",
                           data={"amount": "720,00", "effective_from": "2026-07-01"})
    assert response.status_code == 302
    assert "Nieuw bedrag vastgelegd." in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    amounts = session.scalars(select(FixedCostAmount.amount_cents).order_by(FixedCostAmount.effective_from)).all()
    assert amounts == [71240, 72000]
    session.rollback()
    response = client.post(f"/households/{household_id}/income/new",
                           data={"kind": "benefit", "amount": "1.350,00", "day": "28", "start_date": "2026-01-31"})
    assert response.status_code == 302
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert "Mitros" in page and "€ 1.350,00" in page and "zorgverzekering, energie, water" in page


FIXED_COST_BAD = [({"amount": "0"}, "amount"), ({"amount": "-5,00"}, "amount"), ({"amount": "1,001"}, "amount"),
     ({"amount": "100.000,01"}, "amount"), ({"due_day": "0"}, "due_day"), ({"due_day": "32"}, "due_day"),
     ({"end_date": "2026-01-01"}, "end_date"), ({"category": "vacation"}, "category"),
     ({"reference": "5000056789012346"}, "reference"), ({"creditor.iban": "NL91ABNA0417164301"}, "creditor.iban"),
     ({"creditor.iban": "US64SVBKUS6S3300958879"}, "creditor.iban")]


def test_fixed_cost_form_bad_input(client: FlaskClient, login: Callable[..., User], session: Session) -> None:
    household_id = enrol(session, actor_for(login("karin", "caseworker")), **HAMID).id
    session.commit()
    before = counts(session)
    for change, field in FIXED_COST_BAD:
        response = client.post(f"/households/{household_id}/fixed-costs/new", data={**FIXED_COST_FORM, **change})
        assert response.status_code == 422, change
        assert f'id="e-{field}"' in response.get_data(as_text=True), change
        assert counts(session) == before, change


INCOME_BAD = [({"amount": "0"}, "amount"), ({"amount": "-1"}, "amount"), ({"amount": "3,333"}, "amount"),
     ({"amount": "200000"}, "amount"), ({"day": "0"}, "day"), ({"day": "32"}, "day"), ({"kind": "gift"}, "kind"),
     ({"end_date": "2025-12-31"}, "end_date")]


def test_income_form_bad_input(client: FlaskClient, login: Callable[..., User], session: Session) -> None:
    household_id = enrol(session, actor_for(login("karin", "caseworker")), **HAMID).id
    session.commit()
    before = counts(session)
    for change, field in INCOME_BAD:
        data = {"kind": "benefit", "amount": "1200", "day": "1", "start_date": "2026-02-01", **change}
        response = client.post(f"/households/{household_id}/income/new", data=data)
        assert response.status_code == 422, change
        assert f'id="e-{field}"' in response.get_data(as_text=True), change
        assert counts(session) == before, change


def _upload(client: FlaskClient, content: bytes, path: str = "/households/receipts") -> Any:
    return client.post(path, data={"file": (io.BytesIO(content), "upload.csv")}, content_type="multipart/form-data")


def test_receipts_upload_and_manual_receipt(
    client: FlaskClient, login: Callable[..., User], session: Session, make_user: Callable[..., User]
) -> None:
    household_id = enrol(session, actor_for(make_user("karin", "caseworker")), **HAMID).id
    session.commit()
    login("fenna", "finance")
    ok = _upload(client, f"household_id,amount,date,kind\n{household_id},1350.00,2026-02-25,benefit\n".encode())
    assert ok.status_code == 302
    response = client.post("/households/receipts/manual", data={
        "household_id": str(household_id), "amount": "25,00", "date": "2026-02-26", "kind": "allowance",
        "reference": "zorgtoeslag", "confirmed_household": str(household_id)})
    assert response.status_code == 302
    session.rollback()
    assert sorted(r.source for r in session.scalars(select(Receipt))) == ["manual", "upload"]
    session.rollback()


BAD_FILES = [
        (b"household_id,amount,date\n1,10.00,2026-03-01\n", "kind"),
        (b"household_id;amount;date;kind\n1;10.00;2026-03-01;benefit\n", "komma"),
        ("household_id,amount,date,kind,reference\n{id},10.00,2026-03-01,benefit,\u00e9\n".encode("latin-1"), "UTF-8"),
        (b"household_id,amount,date,kind\n{id},+10.00,2026-03-01,benefit\n", "formule"),
        (b"household_id,amount,date,kind\n{id},10.00,2026-03-01,benefit\n4242,1.00,2026-03-01,benefit\n",
         "Regel 3, Nummer huishouden: huishouden 4242 bestaat niet."),
]


def test_receipts_upload_bad_files(client: FlaskClient, login: Callable[..., User], session: Session) -> None:
    household_id = enrol(session, actor_for(login("fenna", "finance")), **HAMID).id
    session.commit()
    before = counts(session)
    for content, expected in BAD_FILES:
        response = _upload(client, content.replace(b"{id}", str(household_id).encode()))
        assert response.status_code == 422, expected
        assert expected in response.get_data(as_text=True), expected
        assert counts(session) == before, expected


def test_manual_receipt_bad_input_and_caseworker_may_not(
    client: FlaskClient, login: Callable[..., User], session: Session, make_user: Callable[..., User]
) -> None:
    household_id = enrol(session, actor_for(make_user("karin", "caseworker")), **HAMID).id
    session.commit()
    login("fenna", "finance")
    before = counts(session)
    response = client.post("/households/receipts/manual", data={
        "household_id": "99999", "amount": "0", "date": "2026-02-26", "kind": "allowance"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="e-household_id"' in text and 'id="e-amount"' in text
    assert counts(session) == before
    client.post("/logout")
    login("kees", "caseworker")
    response = client.post("/households/receipts/manual", data={
        "household_id": str(household_id), "amount": "5", "date": "2026-02-26", "kind": "allowance"})
    assert response.status_code == 403


def test_creditors_register_for_finance_read_only_for_caseworker(
    client: FlaskClient, login: Callable[..., User], session: Session
) -> None:
    login("fenna", "finance")
    response = client.post("/households/creditors", data={"name": "Eneco", "iban": RENT_IBAN,
                                                          "default_category": "energy", "reference_kind": "free_text"})
    assert response.status_code == 302
    bad = client.post("/households/creditors", data={"name": "X", "iban": "NL91ABNA0417164301",
                                                     "reference_kind": "free_text"})
    assert bad.status_code == 422 and 'id="e-iban"' in bad.get_data(as_text=True)
    upload = _upload(client, b"name,iban\nWaternet,NL20INGB0001234567\n", "/households/creditors/upload")
    assert upload.status_code == 302
    bad_upload = _upload(client, b"name;iban\nX;NL20INGB0001234567\n", "/households/creditors/upload")
    assert bad_upload.status_code == 422
    client.post("/logout")
    login("kees", "caseworker")
    page = client.get("/households/creditors").get_data(as_text=True)
    assert "Eneco" in page and "Waternet" in page and "Schuldeiser toevoegen" not in page
    assert client.post("/households/creditors", data={"name": "Y", "iban": RENT_IBAN}).status_code == 403


def test_accountant_reads_but_cannot_enrol(client: FlaskClient, login: Callable[..., User], session: Session,
                                           make_user: Callable[..., User]) -> None:
    household_id = enrol(session, actor_for(make_user("karin", "caseworker")), **HAMID).id
    session.commit()
    login("ada", "accountant")
    assert client.get(f"/households/{household_id}").status_code == 200
    assert client.get("/households/new").status_code == 403
    assert client.get("/households/99999").status_code == 404
