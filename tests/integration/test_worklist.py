"""The worklist: each role's start page and GET /api/v1/worklist say what needs them today (issue 13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.lifecycle.signals import raise_signal
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.payments import BatchApproval, PaymentBatch
from budgetbeheer.users.models import User
from tests.factories import RUN_DATE, household, payable_household


@pytest.fixture(autouse=True)
def saturday() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(managed_account_iban="NL46BNGH0285160126")


def _items(data: dict[str, Any], role: str) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in data[role]["items"]}


def test_caseworker_and_finance_worklists_through_the_api(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]],
    make_user: Callable[..., User],
) -> None:
    karin_headers = api_token("karin", "caseworker")
    karin = session.query(User).filter_by(username="karin").one()
    other = make_user("otto", "caseworker")
    mine = payable_household(session)
    ending = household(session, start=date(2026, 6, 10))  # ends 9 December 2026: within four weeks
    theirs = household(session)
    for household_id, owner in ((mine.id, karin.id), (ending.id, karin.id), (theirs.id, other.id)):
        row = session.get(Household, household_id)
        assert row is not None
        row.caseworker_id = owner
    for number, (kind, household_id) in enumerate((("shortfall", mine.id), ("income_missing", mine.id),
                                                   ("shortfall", theirs.id), ("period_ending", ending.id))):
        raise_signal(session, kind=kind, household_id=household_id, message="x", dedup_key=f"wl:{number}")
    session.commit()
    fatima, frank = api_token("fatima", "finance"), api_token("frank", "finance")
    asked = client.post(f"/api/v1/households/{mine.id}/one-off-payments",
                        json={"amount": "25.00", "to_household": True, "reason": "zwemles"}, headers=karin_headers)
    assert asked.status_code == 201

    data = client.get("/api/v1/worklist", headers=karin_headers).get_json()["data"]
    assert set(data) == {"caseworker"}
    items = _items(data, "caseworker")
    assert items["open_signals"]["count"] == 3  # not otto's household's
    assert items["periods_ending"]["count"] == 1
    assert items["periods_ending"]["rows"][0]["household_id"] == ending.id
    assert items["periods_ending"]["rows"][0]["days_left"] == 11
    assert items["short_or_income_missing"]["count"] == 1
    assert items["short_or_income_missing"]["rows"][0]["household_id"] == mine.id
    assert items["asked_by_me"]["count"] == 1 and items["asked_by_me"]["rows"][0]["kind"] == "one_off_payment"
    assert items["open_signals"]["link"] == "/signals"

    run = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=fatima)
    assert run.status_code == 201
    own = _items(client.get("/api/v1/worklist", headers=fatima).get_json()["data"], "finance")
    assert own["batches_to_approve"]["count"] == 0  # she prepared it
    assert own["to_confirm"]["count"] == 1
    other_finance = _items(client.get("/api/v1/worklist", headers=frank).get_json()["data"], "finance")
    assert other_finance["batches_to_approve"]["count"] == 1
    assert other_finance["batches_to_approve"]["rows"][0]["link"] == f"/batches/{run.get_json()['data']['id']}"
    assert (other_finance["bank_queue"]["count"], other_finance["returns"]["count"]) == (0, 0)
    # above the threshold a batch waits for a second approver: not for the first one any more
    batch = session.get(PaymentBatch, run.get_json()["data"]["id"])
    frank_user = session.query(User).filter_by(username="frank").one()
    assert batch is not None
    batch.required_approvals = 2
    session.add(BatchApproval(batch_id=batch.id, approver_user_id=frank_user.id, approver="frank", sequence=1,
                              approved_at=datetime.now(UTC)))
    session.commit()
    approved_once = _items(client.get("/api/v1/worklist", headers=frank).get_json()["data"], "finance")
    assert approved_once["batches_to_approve"]["count"] == 0
    third = _items(client.get("/api/v1/worklist", headers=api_token("fenna", "finance")).get_json()["data"], "finance")
    assert third["batches_to_approve"]["count"] == 1
    assert client.get("/api/v1/worklist", headers=api_token("adam", "admin")).status_code == 403


def test_supervisor_sees_extension_requests_oldest_first_with_forecast_and_days_left(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    first, second = payable_household(session), payable_household(session, holder="B. Yilmaz")
    session.commit()
    karin = api_token("karin", "caseworker")
    for built in (second, first):
        assert client.post(f"/api/v1/households/{built.id}/extensions",
                           json={"months": 2, "reason": "Taalcursus loopt nog door"}, headers=karin).status_code == 201
    data = client.get("/api/v1/worklist", headers=api_token("sam", "supervisor")).get_json()["data"]
    extensions = _items(data, "supervisor")["extensions"]
    assert extensions["count"] == 2
    assert [row["household_id"] for row in extensions["rows"]] == [second.id, first.id]
    assert extensions["rows"][0]["days_left"] == (date(2027, 5, 24) - date(2026, 11, 28)).days
    assert set(extensions["rows"][0]["forecast"]) == {"closing_balance", "first_uncovered"}


def test_accountant_and_the_start_page(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]],
    login: Callable[..., object],
) -> None:
    built = payable_household(session)
    raise_signal(session, kind="shortfall", household_id=built.id, message="huur niet betaald",
                 dedup_key="wl:page", actor=Actor.system("test"))
    session.commit()
    data = client.get("/api/v1/worklist", headers=api_token("anna", "accountant")).get_json()["data"]
    items = _items(data, "accountant")
    assert items["reconciliation"]["rows"] == [] and items["audit"]["count"] > 0
    assert items["audit"]["link"] == "/admin/audit"
    login("karin", "caseworker")
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="worklist-caseworker"' in page and "Open signalen van uw huishoudens" in page
    assert 'data-testid="worklist-finance"' not in page
