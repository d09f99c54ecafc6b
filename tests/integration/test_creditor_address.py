"""Issue 12: a creditor's structured address in the register, the EEA rule on entry and in a run, and the .09 file."""

from __future__ import annotations

import json
from collections.abc import Callable

from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.households.creditors import change_creditor_address
from budgetbeheer.payments import service
from budgetbeheer.payments.sepa.schema import validate_xml
from budgetbeheer.tables.households import Creditor, FixedCost
from budgetbeheer.tables.payments import PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, fixed_cost, payable_household

SWISS_IBAN = "CH9300762011623852957"
ZURICH_BIC = "UBSWCHZH80A"
ZURICH = {"street_name": "Bahnhofstrasse", "building_number": "1", "postal_code": "8001", "town_name": "Zürich",
          "country": "CH"}
FINANCE = Actor.system("test")


def test_api_refuses_a_creditor_outside_the_eea_without_an_address_and_writes_nothing(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    finance = api_token("fiona", "finance")
    before = session.scalar(select(func.count(AuditEntry.id)))
    refused = client.post("/api/v1/creditors", json={"name": "Zurich Versicherung", "iban": SWISS_IBAN},
                          headers=finance)
    assert refused.status_code == 422
    fields = refused.get_json()["error"]["fields"]
    assert {"country", "town_name"} <= set(fields) and "Europese Economische Ruimte" in fields["country"]
    assert session.scalar(select(func.count(Creditor.id))) == 0
    assert session.scalar(select(func.count(AuditEntry.id))) == before
    bad = client.post("/api/v1/creditors", json={"name": "X", "iban": "NL91ABNA0417164300", "street_name": "Dorp",
                                                 "country": "Nederland"}, headers=finance)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"country", "town_name"}

    created = client.post("/api/v1/creditors", json={"name": "Zurich Versicherung", "iban": SWISS_IBAN, "bic": ZURICH_BIC, **ZURICH},
                          headers=finance)
    assert created.status_code == 201
    body = created.get_json()["data"]
    assert body["address"] == ZURICH
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "creditor.created"))
    assert entry is not None and json.loads(entry.after_json or "{}")["town_name"] == "Zürich"

    url = f"/api/v1/creditors/{body['id']}/address"
    cleared = client.put(url, json={}, headers=finance)
    assert cleared.status_code == 422 and "country" in cleared.get_json()["error"]["fields"]
    moved = client.put(url, json={"town_name": "Basel", "country": "ch"}, headers=finance)
    assert moved.status_code == 200 and moved.get_json()["data"]["address"]["town_name"] == "Basel"
    change = session.scalar(select(AuditEntry).where(AuditEntry.action == "creditor.address_changed"))
    assert change is not None and json.loads(change.before_json or "{}")["town_name"] == "Zürich"
    assert json.loads(change.after_json or "{}")["town_name"] == "Basel"


def test_an_existing_creditor_outside_the_eea_without_an_address_is_held_out_of_a_run(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    household = payable_household(session)
    cost = fixed_cost(session, household.id, "contents_insurance", start=RUN_DATE.replace(day=25),
                      creditor={"name": "Zurich Versicherung", "iban": SWISS_IBAN, "bic": ZURICH_BIC,
                                "reference_kind": "none", **ZURICH})
    creditor_id = cost.creditor_id
    # a creditor from before the address existed (migration 0003): no address in the register
    session.execute(update(Creditor).where(Creditor.id == creditor_id).values(town_name=None, country=None,
                                                                              street_name=None))
    session.commit()
    batch, _ = service.prepare_run(session, Actor.system("scheduler"), RUN_DATE, settings)
    held = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id,
                                                     PaymentItem.creditor_id == creditor_id)).all()
    assert held and all(item.status == "held" for item in held)
    assert "buiten de Europese Economische Ruimte" in (held[0].hold_reason or "")
    assert "plaats en land" in (held[0].hold_reason or "")
    assert session.scalar(select(func.count(PaymentItem.id)).where(
        PaymentItem.batch_id == batch.id, PaymentItem.status == "proposed")) >= 4
    session.rollback()

    # with the address the next run pays it, and the .09 file carries it
    change_creditor_address(session, FINANCE, creditor_id, ZURICH)
    session.commit()
    assert session.scalar(select(FixedCost.creditor_id).where(FixedCost.id == cost.id)) == creditor_id
    batch, _ = service.prepare_run(session, Actor.system("scheduler"), RUN_DATE, settings)
    paid = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id,
                                                     PaymentItem.creditor_id == creditor_id)).all()
    assert paid and all(item.status == "proposed" for item in paid)
    approver = actor_for(make_user("frank", "finance"))
    service.approve(session, approver, batch.id)
    [file] = service.export(session, approver, batch.id, settings)
    assert validate_xml(file.content, "pain.001.001.09") == []
    root = etree.fromstring(file.content)
    ns = {"p": root.nsmap[None]}
    towns = [n.text for n in root.iterfind(".//p:Cdtr/p:PstlAdr/p:TwnNm", ns)]
    assert towns == ["Zurich"]
