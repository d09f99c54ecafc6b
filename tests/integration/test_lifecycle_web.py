"""The lifecycle's JSON API and web pages (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.lifecycle import signals
from budgetbeheer.users.models import User
from tests.factories import MONTHLY_LEEFGELD, enrol, fixed_cost


def add_rent(session: Session, household_id: int) -> None:
    fixed_cost(session, household_id, "rent", start=date(2026, 3, 1), amount="650.00", reference="Huur Kerkstraat 1",
               creditor={"name": "Woonstad Zuidoever", "iban": "NL91ABNA0417164300"})
    session.commit()


def test_extension_api_flow_with_conflicts(client: FlaskClient, session: Session,
                                           api_token: Callable[..., dict[str, str]]) -> None:
    household = enrol(session, start=date(2026, 3, 1), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    case = api_token("case", "caseworker")
    boss = api_token("boss", "supervisor", "caseworker")
    boss2 = api_token("boss2", "supervisor")
    url = f"/api/v1/households/{household.id}/extensions"
    bad = client.post(url, json={"months": 13, "reason": "kort"}, headers=case)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"months", "reason"}
    assert client.post(url, json={"months": 0, "reason": "Taalcursus loopt nog"}, headers=case).status_code == 422
    assert client.post(url, json={"months": 2, "reason": "Taalcursus loopt nog"}, headers=boss2).status_code == 403
    created = client.post(url, json={"months": 2, "reason": "Taalcursus loopt nog", "reason_category": "language_course"},
                          headers=boss)
    assert created.status_code == 201, created.get_json()
    request_id = created.get_json()["data"]["id"]
    assert created.get_json()["data"]["status"] == "pending"
    pending = client.get("/api/v1/extensions?status=pending", headers=boss2).get_json()["data"]
    assert [r["id"] for r in pending] == [request_id]
    assert client.get("/api/v1/extensions?status=nope", headers=boss2).status_code == 422
    decision_url = f"/api/v1/extensions/{request_id}/decision"
    own = client.post(decision_url, json={"decision": "approve", "note": "zelf"}, headers=boss)
    assert own.status_code == 409
    assert client.post(decision_url, json={"decision": "approve", "note": "ok"}, headers=case).status_code == 403
    approved = client.post(decision_url, json={"decision": "approve", "note": "Akkoord"}, headers=boss2)
    assert approved.status_code == 200 and approved.get_json()["data"]["end_after"] == "2026-10-31"
    assert client.post(decision_url, json={"decision": "reject", "note": "toch niet"}, headers=boss2).status_code == 409
    session.expire_all()
    actions = session.scalars(select(AuditEntry.action)).all()
    assert "extension.approved" in actions and "household.period_extended" in actions

    end_url = f"/api/v1/households/{household.id}/end"
    before_start = client.post(end_url, json={"date": "2026-02-01", "reason": "Werk"}, headers=case)
    assert before_start.status_code == 422 and "date" in before_start.get_json()["error"]["fields"]
    after_end = client.post(end_url, json={"date": "2026-11-01", "reason": "Werk"}, headers=case)
    assert after_end.status_code == 422
    assert client.post(end_url, json={"date": "2026-04-30"}, headers=case).status_code == 422
    ended = client.post(end_url, json={"date": "2026-04-30", "reason": "Werk gevonden"}, headers=case)
    assert ended.status_code == 200 and ended.get_json()["data"]["period"]["end"] == "2026-04-30"
    assert client.post(end_url, json={"date": "2026-04-29", "reason": "nog eens"}, headers=case).status_code == 409
    refused = client.post(url, json={"months": 1, "reason": "Taalcursus loopt nog"}, headers=case)
    assert refused.status_code == 409


def test_signals_api_and_inbox_page_with_count(client: FlaskClient, session: Session,
                                               api_token: Callable[..., dict[str, str]],
                                               login: Callable[..., User]) -> None:
    user = login("karin", "caseworker")
    household = enrol(session, start=date(2026, 1, 1), leefgeld=MONTHLY_LEEFGELD, caseworker_id=user.id)
    session.commit()
    assert signals.detect_period_ending(session, date(2026, 6, 10)) == 1
    session.commit()
    headers = api_token("case-api", "caseworker")
    assert client.get("/api/v1/signals", headers=headers).get_json()["data"] == []  # not this caseworker's household
    listed = client.get("/api/v1/signals?scope=role", headers=headers).get_json()["data"]
    assert [(s["kind"], s["household_id"], s["state"]) for s in listed] == [("period_ending", household.id, "open")]
    assert client.get("/api/v1/signals?state=bad", headers=headers).status_code == 422
    page = client.get("/signals")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'aria-label="1 open"' in html and "signal-period_ending" in html
    done = client.post(f"/signals/{listed[0]['id']}/done", data={"note": "Verlenging besproken"})
    assert done.status_code == 302
    html = client.get("/signals").get_data(as_text=True)
    assert 'aria-label="1 open"' not in html and "Geen signalen met deze keuze." in html
    again = client.post(f"/api/v1/signals/{listed[0]['id']}/done", json={"note": "x"}, headers=headers)
    assert again.status_code == 409


def test_pages_ask_decide_and_handover_files(app: object, client: FlaskClient, session: Session,
                                             make_user: Callable[..., User]) -> None:
    from tests.conftest import TEST_PASSWORD

    household = enrol(session, start=date(2026, 3, 1), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    add_rent(session, household.id)
    make_user("case", "caseworker")
    make_user("boss", "supervisor")
    client.post("/login", data={"username": "case", "password": TEST_PASSWORD})
    period = client.get(f"/households/{household.id}/period").get_data(as_text=True)
    assert "ask-extension" in period and "31-08-2026" in period
    form = client.post(f"/households/{household.id}/extensions/new",
                       data={"months": "13", "reason_category": "debts", "reason": "kort"})
    assert form.status_code == 422 and 'id="e-months"' in form.get_data(as_text=True)
    assert 'id="e-reason"' in form.get_data(as_text=True)
    asked = client.post(f"/households/{household.id}/extensions/new",
                        data={"months": "1", "reason_category": "debts", "reason": "Schuldhulp loopt nog"})
    assert asked.status_code == 302
    assert client.get("/extensions").status_code == 403
    csv_response = client.get(f"/households/{household.id}/handover-creditors.csv")
    text = csv_response.get_data(as_text=True)
    assert "Woonstad Zuidoever,NL91ABNA0417164300" in text and "650.00" in text and "Huur Kerkstraat 1" in text
    pdf = client.get(f"/households/{household.id}/handover.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and b"DejaVu" in pdf.data
    page = client.get(f"/households/{household.id}/handover").get_data(as_text=True)
    assert "Woonstad Zuidoever" in page and "€ 650,00" in page
    session.commit()
    viewed = session.scalars(select(AuditEntry.after_json).where(
        AuditEntry.action == "household.viewed", AuditEntry.entity_id == str(household.id), AuditEntry.actor == "case"))
    assert sorted(viewed) == ['{"channel":"handover"}', '{"channel":"handover.csv"}', '{"channel":"handover.pdf"}']
    client.post("/logout")
    client.post("/login", data={"username": "boss", "password": TEST_PASSWORD})
    queue = client.get("/extensions").get_data(as_text=True)
    assert "Schuldhulp loopt nog" in queue
    request_id = session.scalar(select(AuditEntry.entity_id).where(AuditEntry.action == "extension.requested"))
    decided = client.post(f"/extensions/{request_id}/decision", data={"decision": "approve", "note": "Akkoord",
                                                                       "confirm": "1"}, follow_redirects=True)
    assert "30-09-2026" in decided.get_data(as_text=True)


def test_scheduler_admin_page_and_api(client: FlaskClient, session: Session, login: Callable[..., User],
                                      api_token: Callable[..., dict[str, str]], settings: object) -> None:
    from budgetbeheer import jobs
    from budgetbeheer.composition import registry
    from budgetbeheer.db.engine import make_session_factory

    factory = make_session_factory(session.get_bind())  # type: ignore[arg-type]
    job = registry().jobs.get("lifecycle.raise_signals")
    outcome = jobs.run_job(factory, job, date(2026, 5, 4), settings)  # type: ignore[arg-type]
    assert outcome.outcome == "succeeded"
    login("bea", "admin")
    page = client.get("/admin/scheduler").get_data(as_text=True)
    assert "lifecycle.raise_signals" in page and "04-05-2026" in page and "Gelukt" in page
    data = client.get("/api/v1/scheduler/jobs", headers=api_token("admin-api", "admin")).get_json()["data"]
    by_name = {row["name"]: row for row in data}
    assert by_name["lifecycle.raise_signals"]["last_run_for"] == "2026-05-04"
    assert by_name["lifecycle.end_periods"]["outcome"] is None
    assert client.get("/api/v1/scheduler/jobs", headers=api_token("c", "caseworker")).status_code == 403
    Actor.system("x")
