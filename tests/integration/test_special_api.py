"""One-off payments (incidentele betalingen) and advances (voorschotten) through the API, with the money identity
after each step (issue 13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.config import Settings
from budgetbeheer.ledger.service import money_identity
from budgetbeheer.reports.accountability import accountability_figures
from budgetbeheer.reports.queries import DateRange
from budgetbeheer.tables.payments import OneOffPayment
from tests.factories import RUN_DATE, START, creditor, fixed_cost, payable_household, receipt_data


@pytest.fixture(autouse=True)
def before_the_run_date() -> Iterator[None]:
    """Saturday 28 November 2026: the run of Monday 30 November is ahead."""
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(managed_account_iban="NL46BNGH0285160126")


def _holds(session: Session) -> bool:
    session.expire_all()
    return money_identity(session).holds


def _audited(session: Session, action: str) -> int:
    return int(session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action)) or 0)


def test_one_off_payment_asked_refused_approved_and_paid_by_the_next_run(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    built = payable_household(session)
    school = creditor(session, category="other", name="Basisschool De Wilg", iban="NL02ABNA0123456789")
    session.commit()
    karin, fatima, frank = (api_token("karin", "caseworker"), api_token("fatima", "finance"),
                            api_token("frank", "finance"))
    url = f"/api/v1/households/{built.id}/one-off-payments"
    # 1500.00 received; the run of 30 November pays 930.00 of fixed costs and keeps nothing else back before the
    # benefit of 25 December: 570.00 can be spent (the buffer of 50.00 included).
    too_much = client.post(url, json={"amount": "600.00", "creditor_id": school.id, "reason": "schoolreis"},
                           headers=karin)
    assert too_much.status_code == 422
    assert "570,00" in too_much.get_json()["error"]["fields"]["amount"]
    assert session.scalar(select(func.count(OneOffPayment.id))) == 0
    both = client.post(url, json={"amount": "10.00", "creditor_id": school.id, "to_household": True,
                                  "reason": "schoolreis"}, headers=karin)
    assert both.status_code == 422 and "creditor_id" in both.get_json()["error"]["fields"]
    neither = client.post(url, json={"amount": "10.00", "reason": "x"}, headers=karin)
    assert set(neither.get_json()["error"]["fields"]) == {"creditor_id", "reason"}
    assert client.post(url, json={"amount": "10.00", "to_household": True, "reason": "extra leefgeld"},
                       headers=fatima).status_code == 403

    asked = client.post(url, json={"amount": "200.00", "creditor_id": school.id, "reference": "Schoolreis groep 5",
                                   "reason": "schoolreis van de oudste"}, headers=karin)
    assert asked.status_code == 201, asked.get_json()
    one_off = asked.get_json()["data"]
    assert one_off["status"] == "requested" and one_off["payment"] == "requested"
    assert client.post(f"/api/v1/one-off-payments/{one_off['id']}/approve", json={}, headers=karin).status_code == 403
    approved = client.post(f"/api/v1/one-off-payments/{one_off['id']}/approve", json={"note": "akkoord"},
                           headers=fatima)
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["data"]["payment"] == "waiting"
    again = client.post(f"/api/v1/one-off-payments/{one_off['id']}/approve", json={}, headers=frank)
    assert again.status_code == 409
    assert _audited(session, "one_off_payment.requested") == 1 and _audited(session, "one_off_payment.approved") == 1
    # The household's figures keep it back from the next run's leefgeld, as the run will.
    figures = client.get(f"/api/v1/households/{built.id}", headers=karin).get_json()["data"]["figures"]
    assert {"for": "one_off", "amount": "200.00"}.items() <= next(
        r for r in figures["reservations"] if r["for"] == "one_off").items()
    # What was approved is no longer there for the next request: 370.00 left.
    more = client.post(url, json={"amount": "380.00", "to_household": True, "reason": "extra leefgeld"},
                       headers=karin)
    assert more.status_code == 422 and "370,00" in more.get_json()["error"]["fields"]["amount"]
    assert _holds(session)

    available = figures["available"]
    run = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=frank)
    assert run.status_code == 201
    items = run.get_json()["data"]["items"]
    assert available == "320.00"  # what the run shares over its paydays (below)
    one_offs = [i for i in items if i["kind"] == "one_off"]
    assert [(i["amount"], i["creditor"], i["iban"]) for i in one_offs] == [
        ("200.00", "Basisschool De Wilg", "NL02ABNA0123456789")]
    # Leefgeld: 1500 - 200 - 930 fixed costs - 50 buffer = 320.00 over the five Wednesdays the money must last.
    assert [i["amount"] for i in items if i["kind"] == "leefgeld"] == ["64.00"]
    listed = client.get(url, headers=karin).get_json()["data"]
    assert listed[0]["payment"] == "proposed" and listed[0]["batch_id"] == run.get_json()["data"]["id"]
    assert client.post(f"/api/v1/batches/{run.get_json()['data']['id']}/approve", headers=fatima).status_code == 200
    assert client.get(url, headers=karin).get_json()["data"][0]["payment"] == "approved"
    assert _holds(session)
    report = accountability_figures(session, DateRange(date(2026, 11, 1), date(2026, 12, 31))).total
    assert (report.paid["one_off"], report.fixed_costs_paid, report.total_paid) == (200_00, 930_00, 1130_00 + 64_00)
    handover = client.get(f"/api/v1/households/{built.id}/handover", headers=karin).get_json()["data"]
    assert handover["leefgeld_paid"] == "64.00"  # the one-off payment is no leefgeld


def test_one_off_to_the_household_and_own_request_cannot_be_approved(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]], make_user: Callable[..., object]
) -> None:
    built = payable_household(session)
    session.commit()
    both = api_token("bea", "caseworker", "finance")
    fatima = api_token("fatima", "finance")
    asked = client.post(f"/api/v1/households/{built.id}/one-off-payments",
                        json={"amount": "40.00", "to_household": True, "reason": "winterjas"}, headers=both)
    assert asked.status_code == 201
    one_off_id = asked.get_json()["data"]["id"]
    assert client.get("/api/v1/one-off-payments", headers=both).get_json()["data"] == []  # her own
    assert [r["id"] for r in client.get("/api/v1/one-off-payments", headers=fatima).get_json()["data"]] == [one_off_id]
    assert len(client.get("/api/v1/one-off-payments?all=true", headers=both).get_json()["data"]) == 1
    own = client.post(f"/api/v1/one-off-payments/{one_off_id}/approve", json={}, headers=both)
    assert own.status_code == 409 and "approved_by" in own.get_json()["error"]["fields"]
    rejected = client.post(f"/api/v1/one-off-payments/{one_off_id}/reject", json={"note": "niet nodig"},
                           headers=fatima)
    assert rejected.status_code == 200 and rejected.get_json()["data"]["status"] == "rejected"
    assert client.post(f"/api/v1/one-off-payments/{one_off_id}/approve", json={}, headers=fatima).status_code == 409
    asked = client.post(f"/api/v1/households/{built.id}/one-off-payments",
                        json={"amount": "40.00", "to_household": True, "reason": "winterjas"}, headers=both)
    assert client.post(f"/api/v1/one-off-payments/{asked.get_json()['data']['id']}/approve", json={},
                       headers=fatima).status_code == 200
    run = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=fatima)
    items = [i for i in run.get_json()["data"]["items"] if i["kind"] == "one_off"]
    assert [(i["amount"], i["iban"]) for i in items] == [("40.00", "NL44RABO0123456789")]
    assert _holds(session)
    history = client.get(f"/api/v1/households/{built.id}/history", headers=both).get_json()["data"]["items"]
    assert [e["action"] for e in history if e["entity"]["type"] == "one_off_payment"] == [
        "one_off_payment.approved", "one_off_payment.requested", "one_off_payment.rejected",
        "one_off_payment.requested"]  # on the household's history, newest first


def test_advance_granted_recovered_from_the_allowance_and_limited(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]], settings: Settings
) -> None:
    built = payable_household(session)
    session.commit()
    fatima, frank, karin = api_token("fatima", "finance"), api_token("frank", "finance"), api_token("karin", "caseworker")
    url = f"/api/v1/households/{built.id}/advances"
    body = {"amount": "400.00", "reason": "zorgtoeslag komt laat",
            "recovery": {"type": "next_income", "kind": "allowance"}}
    assert client.post(url, json=body, headers=karin).status_code == 403
    above = client.post(url, json=body | {"amount": "1500.01"}, headers=fatima)
    assert above.status_code == 422 and "1.500,00" in above.get_json()["error"]["fields"]["amount"]
    bad = client.post(url, json={"amount": "10.00", "reason": "laat", "recovery": {"type": "instalments",
                                                                                "count": 0}}, headers=fatima)
    assert bad.status_code == 422 and "recovery.count" in bad.get_json()["error"]["fields"]
    granted = client.post(url, json=body, headers=fatima)
    assert granted.status_code == 201, granted.get_json()
    advance = granted.get_json()["data"]
    assert advance["open"] == "400.00" and advance["recovery"] == {"type": "next_income", "kind": "allowance"}
    assert _holds(session)
    household = client.get(f"/api/v1/households/{built.id}", headers=karin).get_json()["data"]
    assert household["balance"] == "1900.00"
    assert [(a["amount"], a["open"]) for a in household["advances"]] == [("400.00", "400.00")]
    limit = client.post(url, json=body | {"amount": "1100.01"}, headers=frank)
    assert limit.status_code == 422 and "1.100,00" in limit.get_json()["error"]["fields"]["amount"]

    # The benefit does not recover it; the allowance does, as far as it goes.
    benefit = receipt_data(built.id, "1400.00", date(2026, 11, 28)) | {"reference": "bijstand dec"}
    assert client.post("/api/v1/receipts", json=benefit, headers=fatima).status_code == 201
    assert client.get(url, headers=fatima).get_json()["data"][0]["open"] == "400.00"
    allowance = receipt_data(built.id, "150.00", date(2026, 11, 28)) | {"kind": "allowance", "reference": "ZT nov"}
    assert client.post("/api/v1/receipts", json=allowance, headers=fatima).status_code == 201
    late = receipt_data(built.id, "300.00", date(2026, 11, 28)) | {"kind": "allowance", "reference": "ZT dec"}
    assert client.post("/api/v1/receipts", json=late, headers=fatima).status_code == 201
    rows = client.get(url, headers=fatima).get_json()["data"]
    assert (rows[0]["open"], rows[0]["recovered"]) == ("0.00", "400.00")
    assert [r["amount"] for r in rows[0]["recoveries"]] == ["150.00", "250.00"]
    assert _holds(session)
    household = client.get(f"/api/v1/households/{built.id}", headers=karin).get_json()["data"]
    assert household["balance"] == str(1500 + 400 + 1400 + 150 + 300 - 400) + ".00"
    assert client.post(f"/api/v1/advances/{advance['id']}/write-off", json={"reason": "niets open"},
                       headers=frank).status_code == 409
    history = client.get(f"/api/v1/households/{built.id}/history", headers=karin).get_json()["data"]["items"]
    assert [e["action"] for e in history if e["entity"]["type"] == "advance"] == [
        "advance.recovered", "advance.recovered", "advance.granted"]  # on the household's history, newest first


def test_advance_in_instalments_then_final_payout_and_write_off(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    built = payable_household(session, balance=None)
    session.commit()
    fatima, frank, karin = api_token("fatima", "finance"), api_token("frank", "finance"), api_token("karin", "caseworker")
    granted = client.post(f"/api/v1/households/{built.id}/advances", json={
        "amount": "900.00", "reason": "bijstand komt later", "recovery": {"type": "instalments", "count": 3}},
        headers=fatima)
    assert granted.status_code == 201
    assert client.post("/api/v1/receipts", json=receipt_data(built.id, "1000.00", date(2026, 11, 28)),
                       headers=fatima).status_code == 201
    row = client.get(f"/api/v1/households/{built.id}/advances", headers=fatima).get_json()["data"][0]
    assert (row["open"], row["recovered"]) == ("600.00", "300.00")
    assert _holds(session)
    # The period ends on 30 November: nothing falls due any more; the final payout keeps the 600.00 back and pays
    # out the rest (1000 + 900 - 300 - 600 = 1000.00).
    ended = client.post(f"/api/v1/households/{built.id}/end", json={"date": "2026-11-30", "reason": "werk gevonden"},
                        headers=karin)
    assert ended.status_code == 200, ended.get_json()
    run = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=frank)
    assert run.status_code in (200, 201)
    batch = client.get(f"/api/v1/batches/{run.get_json()['data']['id']}", headers=frank).get_json()["data"]
    assert [(i["kind"], i["amount"]) for i in batch["items"] if i["household_id"] == built.id] == [
        ("leefgeld", "1000.00")]
    row = client.get(f"/api/v1/households/{built.id}/advances", headers=fatima).get_json()["data"][0]
    assert (row["open"], row["recovered"]) == ("0.00", "900.00")
    assert [r["kind"] for r in row["recoveries"]] == ["income", "final"]
    assert _holds(session)


def test_what_the_final_payout_cannot_cover_is_written_off_by_a_second_finance_user(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    built = payable_household(session, balance=None, costs={"rent": "650.00"})
    session.commit()
    fatima, frank, karin = api_token("fatima", "finance"), api_token("frank", "finance"), api_token("karin", "caseworker")
    granted = client.post(f"/api/v1/households/{built.id}/advances", json={
        "amount": "900.00", "reason": "bijstand komt later", "recovery": {"type": "next_income", "kind": "benefit"}},
        headers=fatima)
    advance_id = granted.get_json()["data"]["id"]
    run = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=frank)
    assert client.post(f"/api/v1/batches/{run.get_json()['data']['id']}/approve", headers=fatima).status_code == 200
    left = int(client.get(f"/api/v1/households/{built.id}", headers=karin).get_json()["data"]["balance"]
               .replace(".", ""))
    assert 0 < left < 900_00 - 650_00  # the rent and some leefgeld were paid from the advance
    early = client.post(f"/api/v1/advances/{advance_id}/write-off", json={"reason": "oninbaar"}, headers=frank)
    assert early.status_code == 409 and "24-05-2027" in early.get_json()["error"]["message"]
    assert client.post(f"/api/v1/households/{built.id}/end", json={"date": "2026-11-30", "reason": "verhuisd"},
                       headers=karin).status_code == 200
    final = client.post("/api/v1/payment-runs", json={"execution_date": "2026-12-01"}, headers=frank)
    assert final.status_code in (200, 201)
    row = client.get(f"/api/v1/households/{built.id}/advances", headers=fatima).get_json()["data"][0]
    assert [(r["kind"], int(r["amount"].replace(".", ""))) for r in row["recoveries"]] == [("final", left)]
    assert int(row["open"].replace(".", "")) == 900_00 - left
    assert _holds(session)
    own = client.post(f"/api/v1/advances/{advance_id}/write-off", json={"reason": "oninbaar"}, headers=fatima)
    assert own.status_code == 409 and "written_off_by" in own.get_json()["error"]["fields"]
    assert client.post(f"/api/v1/advances/{advance_id}/write-off", json={}, headers=frank).status_code == 422
    written = client.post(f"/api/v1/advances/{advance_id}/write-off", json={"reason": "oninbaar"}, headers=frank)
    assert written.status_code == 200, written.get_json()
    data = written.get_json()["data"]
    assert data["open"] == "0.00" and int(data["written_off"].replace(".", "")) == 900_00 - left
    assert _holds(session)
    assert _audited(session, "advance.written_off") == 1 and _audited(session, "advance.granted") == 1
    report = accountability_figures(session, DateRange(date(2026, 11, 1), date(2026, 12, 31))).total
    assert (report.advances_count, report.advances_amount) == (1, 900_00)
    assert (report.advances_recovered_count, report.advances_recovered_amount) == (1, left)
    assert (report.advances_written_off_count, report.advances_written_off_amount) == (1, 900_00 - left)
    assert (report.advances_open_count, report.advances_open_amount) == (0, 0)
    november = accountability_figures(session, DateRange(date(2026, 11, 1), date(2026, 11, 30))).total
    assert (november.advances_open_count, november.advances_open_amount) == (1, 900_00)


def test_the_openapi_document_describes_the_new_endpoints(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    wanted = {
        "/api/v1/households/{household_id}/one-off-payments": {"get", "post"},
        "/api/v1/one-off-payments": {"get"},
        "/api/v1/one-off-payments/{one_off_id}/approve": {"post"},
        "/api/v1/one-off-payments/{one_off_id}/reject": {"post"},
        "/api/v1/households/{household_id}/advances": {"get", "post"},
        "/api/v1/advances/{advance_id}/write-off": {"post"},
        "/api/v1/signals/done": {"post"},
        "/api/v1/worklist": {"get"},
    }
    for path, methods in wanted.items():
        assert set(paths[path]) == methods, path
    assert paths["/api/v1/one-off-payments/{one_off_id}/approve"]["post"]["x-roles"] == ["finance"]
    assert {p["name"] for p in paths["/api/v1/signals"]["get"]["parameters"]} >= {"kind", "household_id"}


def test_an_approved_one_off_that_no_longer_fits_waits_and_keeps_the_leefgeld_back(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    built = payable_household(session)
    session.commit()
    karin, fatima, frank = (api_token("karin", "caseworker"), api_token("fatima", "finance"),
                            api_token("frank", "finance"))
    asked = client.post(f"/api/v1/households/{built.id}/one-off-payments",
                        json={"amount": "500.00", "to_household": True, "reason": "borg nieuwe woning"}, headers=karin)
    one_off_id = asked.get_json()["data"]["id"]
    assert client.post(f"/api/v1/one-off-payments/{one_off_id}/approve", json={}, headers=fatima).status_code == 200
    fixed_cost(session, built.id, "other", start=START, amount="200.00")  # a new bill: 370.00 is left beyond it
    session.commit()
    run = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=frank)
    items = run.get_json()["data"]["items"]
    assert {i["kind"] for i in items} == {"rent", "health_insurance", "energy", "water", "other"}  # no leefgeld
    assert run.get_json()["data"]["shortfalls"] == []
    assert client.get(f"/api/v1/households/{built.id}/one-off-payments",
                      headers=karin).get_json()["data"][0]["payment"] == "waiting"
    assert client.post(f"/api/v1/batches/{run.get_json()['data']['id']}/cancel", json={"reason": "opnieuw"},
                       headers=fatima).status_code == 200
    more = receipt_data(built.id, "300.00", date(2026, 11, 28)) | {"kind": "other", "reference": "gift"}
    assert client.post("/api/v1/receipts", json=more, headers=fatima).status_code == 201
    again = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=frank)
    paid = {i["kind"]: i["amount"] for i in again.get_json()["data"]["items"]}
    # 1800 - 500 - 1130 fixed costs - 50 buffer = 120.00 over five Wednesdays.
    assert (paid["one_off"], paid["leefgeld"]) == ("500.00", "24.00")
    assert _holds(session)


def test_an_approved_one_off_is_stopped_by_rejecting_it_before_a_run_has_it(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    built = payable_household(session)
    session.commit()
    karin, fatima, frank = (api_token("karin", "caseworker"), api_token("fatima", "finance"),
                            api_token("frank", "finance"))
    asked = client.post(f"/api/v1/households/{built.id}/one-off-payments",
                        json={"amount": "60.00", "to_household": True, "reason": "sportclub"}, headers=karin)
    one_off_id = asked.get_json()["data"]["id"]
    assert client.post(f"/api/v1/one-off-payments/{one_off_id}/approve", json={}, headers=fatima).status_code == 200
    again = client.post(f"/api/v1/one-off-payments/{one_off_id}/approve", json={}, headers=frank)
    assert again.status_code == 409 and "wijs hem af" in again.get_json()["error"]["message"]
    run = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=frank)
    batch_id = run.get_json()["data"]["id"]
    in_run = client.post(f"/api/v1/one-off-payments/{one_off_id}/reject", json={"note": "toch niet"}, headers=frank)
    assert in_run.status_code == 409 and f"betaalrun {batch_id}" in in_run.get_json()["error"]["message"]
    assert client.post(f"/api/v1/batches/{batch_id}/cancel", json={"reason": "incidentele betaling eruit"},
                       headers=fatima).status_code == 200
    stopped = client.post(f"/api/v1/one-off-payments/{one_off_id}/reject", json={"note": "toch niet"}, headers=frank)
    assert stopped.status_code == 200 and stopped.get_json()["data"]["status"] == "rejected"
    rerun = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=frank)
    assert "one_off" not in {i["kind"] for i in rerun.get_json()["data"]["items"]}
    assert _holds(session)
