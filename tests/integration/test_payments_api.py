"""The batch endpoints, commands and pages from the outside."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from budgetbeheer.cli import main
from budgetbeheer.config import Settings
from budgetbeheer.ledger.service import money_identity
from budgetbeheer.payments.sepa.schema import validate_xml
from budgetbeheer.users.models import User
from tests.conftest import TEST_PASSWORD
from tests.factories import RUN_DATE, payable_household

MANAGED_IBAN = "NL46BNGH0285160126"


@pytest.fixture(autouse=True)
def before_the_run_date() -> Iterator[None]:
    """Saturday 28 November 2026 (as in test_returns_api): RUN_DATE (Monday 30 November) is not yet in the past,
    which a person's request for a run may not be (issue 12)."""
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(managed_account_iban=MANAGED_IBAN)


def test_api_prepare_approve_cancel_and_download(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    payable_household(session)
    session.commit()
    fatima, frank = api_token("fatima", "finance"), api_token("frank", "finance")
    closed = client.post("/api/v1/payment-runs", json={"execution_date": "2026-12-05"}, headers=fatima)
    assert closed.status_code == 422 and "2026-12-07" in closed.get_json()["error"]["fields"]["execution_date"]
    created = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=fatima)
    assert created.status_code == 201
    batch = created.get_json()["data"]
    assert batch["total"] == "1034.00" and batch["count"] == 5 and batch["prepared_by"] == "fatima"
    assert {i["kind"] for i in batch["items"]} == {"rent", "health_insurance", "energy", "water", "leefgeld"}
    assert set(batch["items"][0]) >= {"household_id", "kind", "creditor", "iban", "amount", "due_date", "end_to_end_id"}
    again = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=frank)
    assert again.status_code == 200 and again.get_json()["data"]["id"] == batch["id"]
    url = f"/api/v1/batches/{batch['id']}"
    assert client.get(f"{url}/pain001", headers=frank).status_code == 409
    assert client.post(f"{url}/approve", headers=fatima).status_code == 409
    approved = client.post(f"{url}/approve", headers=frank)
    assert approved.status_code == 200 and approved.get_json()["data"]["approvals"][0]["approver"] == "frank"
    assert client.post(f"{url}/approve", headers=frank).status_code == 409
    download = client.get(f"{url}/pain001", headers=frank)
    assert download.status_code == 200 and download.mimetype == "application/xml"
    assert validate_xml(download.data, "pain.001.001.09") == []
    assert client.get(f"{url}/pain001", headers=fatima).data == download.data
    assert client.post(f"{url}/cancel", json={"reason": "fout"}, headers=frank).status_code == 409
    listed = client.get("/api/v1/batches", headers=frank).get_json()["data"]
    assert [(b["id"], b["status"]) for b in listed] == [(batch["id"], "exported")]
    assert client.post(f"{url}/settle", headers=frank).status_code == 200
    session.expire_all()
    assert money_identity(session).holds
    caseworker = api_token("karin", "caseworker")
    assert client.post("/api/v1/payment-runs", json={"execution_date": "2026-12-01"}, headers=caseworker).status_code == 403


def test_api_cancel_needs_a_reason(
    session: Session, client: FlaskClient, api_token: Callable[..., dict[str, str]]
) -> None:
    payable_household(session)
    session.commit()
    fatima = api_token("fatima", "finance")
    batch = client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()}, headers=fatima)
    url = f"/api/v1/batches/{batch.get_json()['data']['id']}/cancel"
    assert client.post(url, json={}, headers=fatima).status_code == 422
    cancelled = client.post(url, json={"reason": "verkeerde datum"}, headers=fatima)
    assert cancelled.status_code == 200 and cancelled.get_json()["data"]["status"] == "cancelled"


def test_commands_prepare_approve_export_settle(
    session: Session, settings: Settings, make_user: Callable[..., User], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    payable_household(session)
    make_user("fatima", "finance")
    make_user("frank", "finance")
    session.commit()
    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")
    monkeypatch.setenv("BUDGETBEHEER_MANAGED_ACCOUNT_IBAN", MANAGED_IBAN)
    runner = CliRunner()
    password = TEST_PASSWORD + "\n"
    prepared = runner.invoke(main, ["runs", "prepare", "--date", RUN_DATE.isoformat(), "--as", "fatima",
                                    "--password-stdin"], input=password)
    assert prepared.exit_code == 0, prepared.output
    batch_id = prepared.output.strip()
    assert batch_id.isdigit()
    refused = runner.invoke(main, ["batches", "approve", batch_id, "--as", "fatima", "--password-stdin"], input=password)
    assert refused.exit_code == 1 and "zelf voorbereid" in refused.output
    approved = runner.invoke(main, ["batches", "approve", batch_id, "--as", "frank", "--password-stdin"], input=password)
    assert approved.exit_code == 0, approved.output
    out = tmp_path / "batch.xml"
    exported = runner.invoke(main, ["batches", "export", batch_id, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert validate_xml(out.read_bytes(), "pain.001.001.09") == []
    assert runner.invoke(main, ["batches", "settle", batch_id, "--as", "frank"]).exit_code == 0
    weekend = runner.invoke(main, ["runs", "prepare", "--date", "2026-12-05", "--as", "fatima", "--password-stdin"],
                            input=password)
    assert weekend.exit_code == 1 and "2026-12-07" in weekend.output


def test_pages_list_prepare_confirm_and_approve(
    session: Session, app: Flask, client: FlaskClient, login: Callable[..., User], make_user: Callable[..., User]
) -> None:
    payable_household(session)
    session.commit()
    login("fatima", "finance")
    page = client.get("/batches/")
    assert page.status_code == 200 and "Betaalrun voorbereiden" in page.get_data(as_text=True)
    refused = client.post("/batches/", data={"execution_date": "2026-12-05"})
    assert refused.status_code == 422 and "2026-12-07" in refused.get_data(as_text=True)
    made = client.post("/batches/", data={"execution_date": RUN_DATE.isoformat()})
    assert made.status_code == 302
    batch_url = made.headers["Location"]
    detail = client.get(batch_url).get_data(as_text=True)
    assert "Woonstichting De Linde" in detail and "Totalen per schuldeiser" in detail
    assert "U heeft deze betaalrun voorbereid" in detail
    client.post("/logout")
    make_user("frank", "finance")
    from tests.conftest import TEST_PASSWORD

    client.post("/login", data={"username": "frank", "password": TEST_PASSWORD})
    confirm = client.get(batch_url + "/approve")
    assert confirm.status_code == 200 and "Ja, goedkeuren" in confirm.get_data(as_text=True)
    client.post(batch_url + "/approve")
    assert "goedgekeurd" in client.get(batch_url).get_data(as_text=True)
    client.post(batch_url + "/file")
    download = client.get(batch_url + "/file")
    assert download.status_code == 200 and b"CstmrCdtTrfInitn" in download.data
