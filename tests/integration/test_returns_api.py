"""Returned payments through the API: a return that says the account is wrong or closed holds the IBAN until a
four-eyes correction; other returns are retried; money returned for an ended household is paid to the household.

The household is enrolled and run as in practice: a caseworker's intake through the API, the benefit pushed as a
receipt, finance preparing, approving, downloading (which writes the bank file) and settling the runs, and the bank's
return entered with its reason code.
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
from budgetbeheer.ledger.service import money_identity
from budgetbeheer.lifecycle import ending
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.tables.payments import IbanChange, IbanHold
from tests.factories import fixed_cost_data, income_data, intake_data, person_data, receipt_data

TODAY = date(2026, 11, 28)
START = date(2026, 11, 25)
RUN_DATE = date(2026, 11, 30)
"""Monday: covers due dates up to Wednesday 2 December (lead time two business days)."""
RENT_IBAN = "NL91ABNA0417164300"
ENERGY_IBAN = "NL20INGB0001234567"
HOUSEHOLD_IBAN = "NL44RABO0123456789"
NEW_IBAN = "NL39RABO0300065264"
BAD_IBAN = "NL00ABNA0417164301"


@pytest.fixture(autouse=True)
def frozen_today() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def users(api_token: Callable[..., dict[str, str]]) -> dict[str, dict[str, str]]:
    return {
        "karin": api_token("karin", "caseworker"),
        "kees": api_token("kees", "caseworker"),
        "fatima": api_token("fatima", "finance"),
        "frank": api_token("frank", "finance"),
    }


def _data(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["data"]


def enrol(client: FlaskClient, users: dict[str, dict[str, str]], *, benefit: str = "1500.00") -> int:
    caseworker = users["karin"]
    household = _data(client.post("/api/v1/households", headers=caseworker, json=intake_data(
        start=START, persons=[person_data(bsn="111222333")], iban=HOUSEHOLD_IBAN)), 201)
    for category, name, iban, amount in (("rent", "Woonstichting De Linde", RENT_IBAN, "650.00"),
                                         ("energy", "Energie Direct", ENERGY_IBAN, "100.00")):
        cost = _data(client.post(f"/api/v1/households/{household['id']}/fixed-costs", headers=caseworker,
                                 json=fixed_cost_data(category, amount=amount, creditor={"name": name, "iban": iban})),
                     201)
        if cost["creditor"]["status"] == "pending":  # new from the caseworker: finance confirms it (issue 14)
            _data(client.post(f"/api/v1/creditors/{cost['creditor_id']}/confirm", headers=users["fatima"]))
    _data(client.post(f"/api/v1/households/{household['id']}/expected-income", headers=caseworker,
                      json=income_data(amount="1500.00", day=25)), 201)
    receive(client, users, household["id"], benefit, "2026-11-28")
    return int(household["id"])


def receive(client: FlaskClient, users: dict[str, dict[str, str]], household_id: int, amount: str, on: str) -> None:
    _data(client.post("/api/v1/receipts", headers=users["fatima"] | {"Idempotency-Key": f"r-{household_id}-{on}-{amount}"},
                      json=receipt_data(household_id, amount, date.fromisoformat(on))), 201)


def run(client: FlaskClient, users: dict[str, dict[str, str]], on: date, *, settle: bool = True) -> dict[str, Any]:
    """Prepare (fatima), approve (frank), download the bank file and settle the run of ``on``."""
    batch = _data(client.post("/api/v1/payment-runs", headers=users["fatima"],
                              json={"execution_date": on.isoformat()}), 201)
    if settle and batch["count"]:
        url = f"/api/v1/batches/{batch['id']}"
        _data(client.post(f"{url}/approve", headers=users["frank"]))
        assert client.get(f"{url}/pain001", headers=users["frank"]).status_code == 200
        _data(client.post(f"{url}/settle", headers=users["frank"]))
    return batch


def propose(client: FlaskClient, users: dict[str, dict[str, str]], who: str, path: str,
            body: dict[str, str]) -> Any:
    return client.post(f"/api/v1/{path}/iban-changes", headers=users[who], json=body)


def item(batch: dict[str, Any], kind: str, *, held: bool = False) -> dict[str, Any]:
    [found] = [i for i in batch["held" if held else "items"] if i["kind"] == kind]
    return found


def return_payment(client: FlaskClient, users: dict[str, dict[str, str]], item_id: int, code: str) -> Any:
    return _data(client.post(f"/api/v1/payment-items/{item_id}/return", headers=users["fatima"],
                             json={"reason_code": code, "date": "2026-12-01"}))


def open_signals(client: FlaskClient, users: dict[str, dict[str, str]], who: str) -> list[dict[str, Any]]:
    return [s for s in _data(client.get("/api/v1/signals?state=open&scope=role", headers=users[who]))
            if s["kind"] in ("iban_held", "returned_payment")]


def test_ac04_on_rent_holds_the_creditor_iban_until_a_confirmed_correction(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]]
) -> None:
    household_id = enrol(client, users)
    first = run(client, users, RUN_DATE)
    rent = item(first, "rent")
    returned = return_payment(client, users, rent["id"], "ac04")
    assert returned["status"] == "returned" and returned["holds_iban"] is True
    assert returned["iban_hold"]["iban"] == RENT_IBAN and returned["iban_hold"]["reason_code"] == "AC04"

    # One signal for the caseworker (with the household) and one for finance, each naming the reason.
    for who, role in (("karin", "caseworker"), ("fatima", "finance")):
        [signal] = open_signals(client, users, who)
        assert (signal["kind"], signal["role"], signal["household_id"]) == ("iban_held", role, household_id)
        assert "AC04" in signal["message"] and "rekening opgeheven" in signal["message"]

    # The next run holds the rent out with the reason; the household's balance keeps the money for it.
    second = run(client, users, date(2026, 12, 1), settle=False)
    held = item(second, "rent", held=True)
    assert held["iban"] == RENT_IBAN and held["amount"] == "650.00"
    assert "AC04" in held["hold_reason"] and "rekening opgeheven" in held["hold_reason"]
    assert [i for i in second["items"] if i["kind"] == "rent"] == []

    # The caseworker proposes the correction; she cannot confirm it herself, nor can another caseworker.
    proposed = _data(propose(client, users, "karin", f"creditors/{rent_creditor(client, users)}",
                             {"iban": NEW_IBAN.lower()[:8] + " " + NEW_IBAN[8:], "reason": "Nieuwe rekening"}), 201)
    assert (proposed["status"], proposed["old_iban"], proposed["iban"]) == ("pending", RENT_IBAN, NEW_IBAN)
    assert proposed["bic"] == "RABONL2U"
    assert client.post(f"/api/v1/iban-changes/{proposed['id']}/confirm", headers=users["karin"]).status_code == 409
    assert client.post(f"/api/v1/iban-changes/{proposed['id']}/confirm", headers=users["kees"]).status_code == 403
    assert _data(client.get("/api/v1/iban-holds", headers=users["fatima"]))[0]["iban"] == RENT_IBAN

    confirmed = _data(client.post(f"/api/v1/iban-changes/{proposed['id']}/confirm", headers=users["frank"]))
    assert (confirmed["status"], confirmed["decided_by"]) == ("confirmed", "frank")
    assert client.post(f"/api/v1/iban-changes/{proposed['id']}/confirm", headers=users["fatima"]).status_code == 409
    assert _data(client.get("/api/v1/iban-holds", headers=users["fatima"])) == []
    assert open_signals(client, users, "karin") == [] and open_signals(client, users, "fatima") == []

    third = run(client, users, date(2026, 12, 2), settle=False)
    paid = item(third, "rent")
    assert (paid["iban"], paid["amount"], paid["due_date"]) == (NEW_IBAN, "650.00", "2026-12-01")

    session.expire_all()
    changed = session.scalars(select(AuditEntry).where(AuditEntry.action == "creditor.iban_changed")).one()
    assert RENT_IBAN in (changed.before_json or "") and NEW_IBAN in (changed.after_json or "")
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "iban_hold.lifted")) == 1
    assert money_identity(session).holds


def rent_creditor(client: FlaskClient, users: dict[str, dict[str, str]]) -> int:
    [creditor] = [c for c in _data(client.get("/api/v1/creditors", headers=users["fatima"])) if c["iban"] == RENT_IBAN]
    return int(creditor["id"])


def test_a_correction_to_an_iban_that_fails_the_check_is_refused_and_writes_nothing(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]]
) -> None:
    household_id = enrol(client, users)
    rent = item(run(client, users, RUN_DATE), "rent")
    return_payment(client, users, rent["id"], "AC01")
    session.expire_all()
    entries = session.scalar(select(func.count()).select_from(AuditEntry))
    session.commit()
    for path, body in ((f"creditors/{rent_creditor(client, users)}", {"iban": BAD_IBAN, "reason": "nieuw"}),
                       (f"households/{household_id}", {"iban": "NL44RABO012345678", "account_holder": "A. Haddad",
                                                       "reason": "nieuw"})):
        refused = propose(client, users, "karin", path, body)
        assert refused.status_code == 422, refused.get_data(as_text=True)
        assert set(refused.get_json()["error"]["fields"]) == {"iban"}
    # Proposing the IBAN that is itself held is refused too (for another payee), naming the field.
    refused = propose(client, users, "karin", f"households/{household_id}",
                      {"iban": RENT_IBAN, "account_holder": "A. Haddad", "reason": "nieuw"})
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"iban"}
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(IbanChange)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    assert session.scalar(select(IbanHold.active_iban)) == RENT_IBAN


@pytest.mark.parametrize("code", ["AM04", "MS03"])
def test_a_return_for_another_reason_is_retried_to_the_same_iban(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]], code: str
) -> None:
    household_id = enrol(client, users)
    rent = item(run(client, users, RUN_DATE), "rent")
    returned = return_payment(client, users, rent["id"], code)
    assert returned["holds_iban"] is False and returned["iban_hold"] is None
    [signal] = open_signals(client, users, "fatima")
    assert (signal["kind"], signal["household_id"]) == ("returned_payment", household_id)
    assert code in signal["message"] and "betaalt opnieuw" in signal["message"]
    assert open_signals(client, users, "karin") == []
    again = run(client, users, date(2026, 12, 1), settle=False)
    paid = item(again, "rent")
    assert (paid["iban"], paid["amount"], paid["due_date"]) == (RENT_IBAN, "650.00", rent["due_date"])
    assert again["held"] == []
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(IbanHold)) == 0


@pytest.mark.parametrize("code", ["MS03", "AC04"])
def test_a_return_for_an_ended_household_is_paid_to_the_household_as_final_leefgeld(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]], code: str
) -> None:
    household_id = enrol(client, users)
    _data(client.post(f"/api/v1/households/{household_id}/end", headers=users["karin"],
                      json={"date": "2026-12-02", "reason": "bijstand gestopt: werk gevonden"}))
    final = run(client, users, RUN_DATE)
    assert {i["kind"] for i in final["items"]} == {"rent", "energy", "leefgeld"}
    assert item(final, "leefgeld")["amount"] == "750.00"  # 1,500 − rent 650 − energy 100: the whole rest
    ending.advance_endings(session, Actor.system("test"), date(2026, 12, 2))
    session.commit()
    assert session.scalar(select(Household.status).where(Household.id == household_id)) == "ended"
    session.commit()

    return_payment(client, users, item(final, "rent")["id"], code)
    session.expire_all()
    household = session.get(Household, household_id)
    assert household is not None and household.status == "ending" and household.reopened_for_payout_at is not None
    session.commit()
    if code == "MS03":
        [signal] = open_signals(client, users, "fatima")
        assert "laatste leefgeld" in signal["message"] and "niet opnieuw aan de schuldeiser" in signal["message"]

    payout = run(client, users, date(2026, 12, 3))
    assert [(i["kind"], i["amount"], i["iban"]) for i in payout["items"]] == [("leefgeld", "650.00", HOUSEHOLD_IBAN)]
    assert payout["held"] == [] and payout["shortfalls"] == []
    ending.advance_endings(session, Actor.system("test"), date(2026, 12, 3))
    session.commit()
    assert session.scalar(select(Household.status).where(Household.id == household_id)) == "ended"
    later = run(client, users, date(2026, 12, 4), settle=False)
    assert [i for i in later["items"] if i["household_id"] == household_id] == []
    session.expire_all()
    assert money_identity(session).holds


def test_a_rent_return_for_an_ending_household_with_a_held_iban_goes_to_the_household(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]]
) -> None:
    """In ``ending`` the instalment belongs to the period and is retried, unless its IBAN is held: then the money
    goes to the household with the rest of the final payout."""
    household_id = enrol(client, users, benefit="1600.00")
    rent = item(run(client, users, RUN_DATE), "rent")
    _data(client.post(f"/api/v1/households/{household_id}/end", headers=users["karin"],
                      json={"date": "2026-12-02", "reason": "verhuisd naar een andere gemeente"}))
    return_payment(client, users, rent["id"], "AC04")
    ending.advance_endings(session, Actor.system("test"), date(2026, 12, 2))
    session.commit()
    assert session.scalar(select(Household.status).where(Household.id == household_id)) == "ending"
    session.commit()
    payout = run(client, users, date(2026, 12, 3), settle=False)
    mine = [(i["kind"], i["iban"]) for i in payout["items"] if i["household_id"] == household_id]
    assert mine == [("leefgeld", HOUSEHOLD_IBAN)]
    assert payout["held"] == []


def test_a_leefgeld_return_ac04_holds_the_household_iban_until_finance_confirms_a_new_one(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]], api_token: Callable[..., dict[str, str]]
) -> None:
    household_id = enrol(client, users)
    first = run(client, users, RUN_DATE)
    leefgeld = item(first, "leefgeld")
    returned = return_payment(client, users, leefgeld["id"], "AC04")
    assert returned["iban_hold"]["iban"] == HOUSEHOLD_IBAN and returned["iban_hold"]["party"] == "household"
    assert {(s["kind"], s["role"]) for s in open_signals(client, users, "karin") + open_signals(client, users, "fatima")
            } == {("iban_held", "caseworker"), ("iban_held", "finance")}
    receive(client, users, household_id, "400.00", "2026-11-28")

    # While the correction waits for confirmation the household's own IBAN stays held.
    both = api_token("bea", "caseworker", "finance")
    proposed = _data(client.post(f"/api/v1/households/{household_id}/iban-changes", headers=both, json={
        "iban": NEW_IBAN, "account_holder": "A. Haddad-Karimi", "reason": "Rekening opgeheven, nieuwe bij de Rabobank"}),
        201)
    assert client.post(f"/api/v1/households/{household_id}/iban-changes", headers=users["karin"], json={
        "iban": NEW_IBAN, "account_holder": "A. Haddad", "reason": "nog een keer"}).status_code == 409
    assert client.post(f"/api/v1/iban-changes/{proposed['id']}/confirm", headers=both).status_code == 409
    waiting = run(client, users, date(2026, 12, 7), settle=False)
    held = item(waiting, "leefgeld", held=True)
    assert held["iban"] == HOUSEHOLD_IBAN and "AC04" in held["hold_reason"]
    assert [i for i in waiting["items"] if i["kind"] == "leefgeld"] == []

    _data(client.post(f"/api/v1/iban-changes/{proposed['id']}/confirm", headers=users["fatima"]))
    paid = run(client, users, date(2026, 12, 8), settle=False)
    leefgeld_now = item(paid, "leefgeld")
    assert leefgeld_now["iban"] == NEW_IBAN and leefgeld_now["creditor"] == "A. Haddad-Karimi"
    session.expire_all()
    household = session.get(Household, household_id)
    assert household is not None and (household.iban, household.account_holder) == (NEW_IBAN, "A. Haddad-Karimi")
    assert session.scalar(select(IbanHold.active_iban)) is None
    assert set(session.scalars(select(Signal.state).where(Signal.kind == "iban_held"))) == {"done"}


def test_a_held_iban_confirmed_as_right_is_lifted_and_a_proposal_can_be_withdrawn(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]]
) -> None:
    """AC06 (blocked) can end: proposing the same IBAN says the account is fine again; confirming lifts the hold.
    Without a hold the same IBAN is refused; a pending proposal can be withdrawn by its proposer."""
    enrol(client, users)
    energy = item(run(client, users, RUN_DATE), "energy")
    creditors = {c["iban"]: c["id"] for c in _data(client.get("/api/v1/creditors", headers=users["fatima"]))}
    same = propose(client, users, "fatima", f"creditors/{creditors[ENERGY_IBAN]}",
                   {"iban": ENERGY_IBAN, "reason": "geen wijziging"})
    assert same.status_code == 422 and set(same.get_json()["error"]["fields"]) == {"iban"}
    return_payment(client, users, energy["id"], "AC06")
    withdrawn = _data(propose(client, users, "karin", f"creditors/{creditors[ENERGY_IBAN]}",
                              {"iban": NEW_IBAN, "reason": "misschien nieuw"}), 201)
    assert client.post(f"/api/v1/iban-changes/{withdrawn['id']}/reject", headers=users["kees"],
                       json={"note": "niet van mij"}).status_code == 403
    assert _data(client.post(f"/api/v1/iban-changes/{withdrawn['id']}/reject", headers=users["karin"],
                             json={"note": "vergissing"}))["status"] == "rejected"
    unblocked = _data(propose(client, users, "fatima", f"creditors/{creditors[ENERGY_IBAN]}",
                              {"iban": ENERGY_IBAN, "reason": "Bank bevestigt: rekening weer vrij"}), 201)
    _data(client.post(f"/api/v1/iban-changes/{unblocked['id']}/confirm", headers=users["frank"]))
    again = run(client, users, date(2026, 12, 1), settle=False)
    assert item(again, "energy")["iban"] == ENERGY_IBAN
    statuses = [c["status"] for c in _data(client.get("/api/v1/iban-changes", headers=users["fatima"]))]
    assert statuses == ["confirmed", "rejected"]


def test_finding3_iban_holds_and_the_history_follow_the_household_team(
    client: FlaskClient, session: Session, users: dict[str, dict[str, str]]
) -> None:
    """Issue 14: a caseworker of another team does not see the household's IBAN hold; reading the household's
    history (it holds the persons' BSNs) is logged as a view."""
    from budgetbeheer.users.service import create_token, create_user

    household_id = enrol(client, users)
    rent = item(run(client, users, RUN_DATE), "rent")
    return_payment(client, users, rent["id"], "ac04")
    other = create_user(session, Actor.system("test"), username="noor", roles=["caseworker"], password=None,
                        team="noord")
    noor = {"Authorization": f"Bearer {create_token(session, Actor.system('test'), other)}"}
    session.commit()
    assert [h["iban"] for h in _data(client.get("/api/v1/iban-holds", headers=users["karin"]))] == [RENT_IBAN]
    assert _data(client.get("/api/v1/iban-holds", headers=noor)) == []
    assert _data(client.get("/api/v1/iban-holds", headers=users["fatima"]))[0]["iban"] == RENT_IBAN
    _data(client.get(f"/api/v1/households/{household_id}/history", headers=users["karin"]))
    session.commit()
    viewed = session.scalars(select(AuditEntry).where(AuditEntry.action == "household.viewed",
                                                      AuditEntry.entity_id == str(household_id))).all()
    assert any('"api:history"' in (entry.after_json or "") for entry in viewed)
