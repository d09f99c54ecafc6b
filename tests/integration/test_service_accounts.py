"""Issue 14, finding 1 (the machine side): a service account holds only the permissions it was given, signs in
with a token only, and can never approve, hold a role or be given a permission that moves money."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.errors import Conflict, ValidationError
from budgetbeheer.tables.households import Receipt
from budgetbeheer.users.models import ApiToken, User
from budgetbeheer.users.permissions import MONEY_PERMISSIONS, SERVICE_PERMISSIONS
from budgetbeheer.users.service import actor_for, update_user
from budgetbeheer.users.service_accounts import create_service_account
from tests.factories import RUN_DATE, batch, payable_household

OPERATOR = Actor.system("cli")


@pytest.fixture(autouse=True)
def before_the_run_date() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_service_account_can_never_be_given_a_permission_that_moves_money() -> None:
    assert not SERVICE_PERMISSIONS & MONEY_PERMISSIONS


def test_finding1_service_account_from_the_command_line_prints_only_its_token(
    cli: Callable[..., Any], session: Session
) -> None:
    result = cli("service-accounts", "create", "--name", "uitkeringssysteem", "--permission", "receipts.write")
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("bb_") and "\n" not in token
    account = session.scalar(select(User).where(User.username == "uitkeringssysteem"))
    assert account is not None and account.is_service_account
    assert account.roles == frozenset() and account.password_hash is None
    assert account.service_permissions == {"receipts.write"}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "service_account.created"))
    assert entry is not None and entry.actor == "system:cli"

    listed = cli("service-accounts", "list")
    assert listed.exit_code == 0 and "uitkeringssysteem\tactive\treceipts.write" in listed.output


def test_finding1_a_money_permission_is_refused_and_nothing_is_written(
    cli: Callable[..., Any], session: Session
) -> None:
    result = cli("service-accounts", "create", "--name", "robot", "--permission", "payments.approve")
    assert result.exit_code == 2
    assert session.scalar(select(func.count(User.id)).where(User.username == "robot")) == 0
    with pytest.raises(ValidationError) as refused:
        create_service_account(session, OPERATOR, name="robot", permissions=["receipts.write", "payments.approve"])
    assert "permission" in refused.value.fields
    session.rollback()
    assert session.scalar(select(func.count(User.id)).where(User.username == "robot")) == 0


def test_finding1_the_service_account_books_receipts_and_is_audited_as_itself(
    client: FlaskClient, session: Session
) -> None:
    household = payable_household(session)
    _, token = create_service_account(session, OPERATOR, name="uitkeringssysteem", permissions=["receipts.write"])
    session.commit()
    body = {"household_id": household.id, "amount": "75.00", "date": "2026-11-27", "kind": "allowance"}
    answer = client.post("/api/v1/receipts", json=body, headers={**_bearer(token), "Idempotency-Key": "uwv-1"})
    assert answer.status_code == 201, answer.get_json()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "receipt.booked")
                           .order_by(AuditEntry.id.desc()))
    assert entry is not None and entry.actor == "uitkeringssysteem" and entry.auth_method == "token"
    # only what it was given: no household list, no batches, no payment runs
    assert client.get("/api/v1/households", headers=_bearer(token)).status_code == 403
    assert client.get("/api/v1/batches", headers=_bearer(token)).status_code == 403
    assert client.post("/api/v1/payment-runs", json={"execution_date": RUN_DATE.isoformat()},
                       headers=_bearer(token)).status_code == 403


def test_finding1_a_service_account_cannot_approve_a_batch(
    client: FlaskClient, session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    payable_household(session)
    preparer = make_user("financien", "finance")
    prepared = batch(session, settings, RUN_DATE, actor_for(preparer))
    _, token = create_service_account(session, OPERATOR, name="robot",
                                      permissions=sorted(SERVICE_PERMISSIONS))
    session.commit()
    answer = client.post(f"/api/v1/batches/{prepared.id}/approve", headers=_bearer(token))
    assert answer.status_code == 403
    session.refresh(prepared)
    assert prepared.status == "proposed" and prepared.approved_at is None


def test_finding1_a_service_account_gets_no_role_and_no_password(session: Session) -> None:
    account, _ = create_service_account(session, OPERATOR, name="robot", permissions=["bank.import"])
    session.commit()
    admin = Actor.system("test")
    with pytest.raises(Conflict):
        update_user(session, admin, account.id, roles=["finance"])
    session.rollback()
    with pytest.raises(Conflict):
        update_user(session, admin, account.id, password="een-lang-wachtwoord")
    session.rollback()
    session.refresh(account)
    assert account.roles == frozenset() and account.password_hash is None


def test_finding1_a_service_account_cannot_log_in_on_the_pages(client: FlaskClient, session: Session) -> None:
    create_service_account(session, OPERATOR, name="robot", permissions=["receipts.write"])
    session.commit()
    answer = client.post("/login", data={"username": "robot", "password": ""})
    assert answer.status_code in (200, 401)
    assert client.get("/").status_code == 302  # still sent to the log-in page


def test_finding1_deactivating_revokes_every_token(
    cli: Callable[..., Any], client: FlaskClient, session: Session
) -> None:
    token = cli("service-accounts", "create", "--name", "robot", "--permission", "households.read").output.strip()
    second = cli("service-accounts", "token", "--name", "robot").output.strip()
    assert client.get("/api/v1/households", headers=_bearer(second)).status_code == 200
    result = cli("service-accounts", "deactivate", "--name", "robot")
    assert result.exit_code == 0, result.output
    for each in (token, second):
        assert client.get("/api/v1/households", headers=_bearer(each)).status_code == 401
    assert session.scalar(select(func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None))) == 0


def test_finding2_a_service_account_must_give_an_idempotency_key_with_each_receipt(
    client: FlaskClient, session: Session
) -> None:
    """Issue 17: a machine retries on a time-out; without a key its retry would book the money twice."""
    household = payable_household(session)
    _, token = create_service_account(session, OPERATOR, name="uitkeringssysteem", permissions=["receipts.write"])
    session.commit()
    before = session.scalar(select(func.count(Receipt.id)))
    body = {"household_id": household.id, "amount": "75.00", "date": "2026-11-27", "kind": "allowance"}
    answer = client.post("/api/v1/receipts", json=body, headers=_bearer(token))
    assert answer.status_code == 422
    assert "Idempotency-Key" in answer.get_json()["error"]["fields"]
    assert session.scalar(select(func.count(Receipt.id))) == before
