"""Issue 14, findings 1 and 2: duties that cannot be combined, and the command line proves who acts.

Each test names the finding it keeps closed (on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.errors import Conflict, PermissionDenied
from budgetbeheer.payments import service as payments
from budgetbeheer.tables.payments import PaymentBatch
from budgetbeheer.users.models import ApiToken, RoleGrant, User, UserRole
from budgetbeheer.users.service import (
    actor_for,
    confirm_grant,
    create_token,
    create_user,
    pending_grants,
    update_user,
)
from tests.conftest import TEST_PASSWORD
from tests.factories import RUN_DATE, batch, household, payable_household

MANAGED_IBAN = "NL46BNGH0285160126"


@pytest.fixture(autouse=True)
def before_the_run_date() -> Iterator[None]:
    """Saturday 28 November 2026: RUN_DATE (Monday 30 November) is not yet in the past."""
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


def _entries(session: Session, action: str) -> list[AuditEntry]:
    session.commit()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _roles(session: Session, username: str) -> set[str]:
    session.commit()
    user = session.scalar(select(User).where(User.username == username).execution_options(populate_existing=True))
    assert user is not None
    session.refresh(user, ["role_rows"])
    return set(user.roles)


# ------------------------------------------------------------------------ finding 1: one admin cannot pay alone


def test_finding1_an_admin_cannot_give_themself_finance(client: FlaskClient, login: Callable[..., User],
                                                        session: Session) -> None:
    bea = login("bea", "admin")
    response = client.post(f"/admin/users/{bea.id}", data={"roles": ["admin", "finance"], "is_active": "on"})
    assert response.status_code == 422
    assert "Een beheerder kan niet ook financiën zijn" in response.get_data(as_text=True)
    assert _roles(session, "bea") == {"admin"}
    assert pending_grants(session) == []


def test_finding1_admin_and_finance_are_refused_together_in_the_service_and_the_cli(
    session: Session, cli: Callable[..., Any]
) -> None:
    with pytest.raises(Conflict) as refused:
        create_user(session, Actor.system("cli"), username="both", roles=["admin", "finance"], password=None)
    assert "Een beheerder kan niet ook financiën zijn" in str(refused.value)
    session.rollback()
    result = cli("users", "create", "--username", "both", "--role", "admin", "--role", "finance")
    assert result.exit_code == 1 and "Een beheerder kan niet ook financiën zijn" in result.output
    assert session.scalar(select(User.id).where(User.username == "both")) is None


def test_finding1_a_finance_user_made_by_an_admin_waits_for_a_second_admin(
    client: FlaskClient, login: Callable[..., User], make_user: Callable[..., User], session: Session, app: Any
) -> None:
    bea = login("bea", "admin")
    make_user("bob", "admin")
    created = client.post("/admin/users/new", data={"username": "nina", "password": "lang-genoeg-123",
                                                    "roles": ["finance"], "language": "nl"})
    assert created.status_code == 302
    assert _roles(session, "nina") == set()
    [grant] = pending_grants(session)
    assert grant.role == "finance" and grant.requested_by == "bea"
    own = client.post(f"/admin/role-grants/{grant.id}/confirm", follow_redirects=True)
    assert "een tweede beheerder moet hem bevestigen" in own.get_data(as_text=True)
    assert _roles(session, "nina") == set()
    second = app.test_client()
    assert second.post("/login", data={"username": "bob", "password": TEST_PASSWORD}).status_code == 302
    assert second.post(f"/admin/role-grants/{grant.id}/confirm").status_code == 302
    assert _roles(session, "nina") == {"finance"}
    [requested] = _entries(session, "role_grant.requested")
    [confirmed] = _entries(session, "role_grant.confirmed")
    assert requested.actor == "bea" and confirmed.actor == "bob" and '"finance"' in (confirmed.after_json or "")
    assert bea.id != grant.decided_by_user_id


def test_finding1_giving_an_existing_user_finance_waits_for_a_second_admin(
    session: Session, make_user: Callable[..., User]
) -> None:
    bea, bob = make_user("bea", "admin"), make_user("bob", "admin")
    karin = make_user("karin", "accountant")
    update_user(session, actor_for(bea), karin.id, roles=["accountant", "finance"])
    session.commit()
    assert _roles(session, "karin") == {"accountant"}
    [grant] = pending_grants(session, karin.id)
    with pytest.raises(Conflict):
        confirm_grant(session, actor_for(bea), grant.id)
    session.rollback()
    confirm_grant(session, actor_for(bob), grant.id)
    session.commit()
    assert _roles(session, "karin") == {"accountant", "finance"}
    assert session.get(RoleGrant, grant.id).status == "confirmed"  # type: ignore[union-attr]


def test_finding1_an_admin_cannot_make_a_token_for_someone_else(
    client: FlaskClient, login: Callable[..., User], make_user: Callable[..., User], session: Session
) -> None:
    bea = login("bea", "admin")
    frank = make_user("financien2", "finance")
    assert client.post(f"/admin/users/{frank.id}/tokens", data={"label": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        create_token(session, actor_for(bea), frank)
    session.rollback()
    assert session.scalar(select(ApiToken.id).where(ApiToken.user_id == frank.id)) is None


def test_finding1_cli_tokens_create_is_the_operators_command_and_audited_as_such(
    session: Session, make_user: Callable[..., User], cli: Callable[..., Any]
) -> None:
    make_user("financien2", "finance")
    result = cli("tokens", "create", "--username", "financien2")
    assert result.exit_code == 0 and result.output.startswith("bb_")
    [entry] = _entries(session, "token.created")
    assert entry.actor == "system:cli" and entry.auth_method == "operator"
    assert '"issued_by":"operator"' in (entry.after_json or "")


def test_finding1_an_admin_who_still_holds_finance_cannot_approve(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    payable_household(session)
    fatima = make_user("fatima", "finance")
    old = make_user("oud", "finance")
    session.add(UserRole(user_id=old.id, role="admin"))  # RAW: an account from before the rule
    session.commit()
    prepared = batch(session, settings.with_overrides(managed_account_iban=MANAGED_IBAN), RUN_DATE, actor_for(fatima))
    session.refresh(old, ["role_rows"])
    with pytest.raises(PermissionDenied) as refused:
        payments.approve(session, actor_for(old), prepared.id)
    assert "Een beheerder kan geen betaalrun goedkeuren" in refused.value.message.msgid


# ------------------------------------------------------------------ finding 2: the command line trusts --as


@pytest.fixture
def proposed(session: Session, settings: Settings, make_user: Callable[..., User],
             monkeypatch: pytest.MonkeyPatch) -> PaymentBatch:
    monkeypatch.setenv("BUDGETBEHEER_MANAGED_ACCOUNT_IBAN", MANAGED_IBAN)
    payable_household(session)
    fatima = make_user("fatima", "finance")
    make_user("financien2", "finance")
    prepared = batch(session, settings.with_overrides(managed_account_iban=MANAGED_IBAN), RUN_DATE, actor_for(fatima))
    session.commit()
    return prepared


def _status(session: Session, batch_id: int) -> str:
    session.commit()
    found = session.scalar(select(PaymentBatch.status).where(PaymentBatch.id == batch_id))
    assert found is not None
    return found


def test_finding2_cli_approve_without_proof_is_refused(session: Session, proposed: PaymentBatch,
                                                      cli: Callable[..., Any]) -> None:
    result = cli("batches", "approve", str(proposed.id), "--as", "financien2")
    assert result.exit_code == 2
    assert "moet bewijzen dat u financien2 bent" in result.output and "--password-stdin" in result.output
    assert _status(session, proposed.id) == "proposed"


def test_finding2_cli_approve_with_a_wrong_password_is_refused(session: Session, proposed: PaymentBatch,
                                                              cli: Callable[..., Any]) -> None:
    result = cli("batches", "approve", str(proposed.id), "--as", "financien2", "--password-stdin",
                 input="geraden-wachtwoord\n")
    assert result.exit_code == 2 and "het wachtwoord klopt niet" in result.output
    assert _status(session, proposed.id) == "proposed"


def test_finding2_cli_approve_with_the_users_password_names_how_they_proved_it(
    session: Session, proposed: PaymentBatch, cli: Callable[..., Any]
) -> None:
    result = cli("batches", "approve", str(proposed.id), "--as", "financien2", "--password-stdin",
                 input=TEST_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert _status(session, proposed.id) == "approved"
    [entry] = _entries(session, "payment_batch.approved")
    assert entry.actor == "financien2" and entry.auth_method == "cli-password"


def test_finding2_cli_approve_with_a_token_only_of_that_user(
    session: Session, proposed: PaymentBatch, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    fatima = session.scalar(select(User).where(User.username == "fatima"))
    frank = session.scalar(select(User).where(User.username == "financien2"))
    assert fatima is not None and frank is not None
    fatimas, franks = create_token(session, actor_for(fatima), fatima), create_token(session, actor_for(frank), frank)
    session.commit()
    monkeypatch.setenv("BUDGETBEHEER_TOKEN", fatimas)
    refused = cli("batches", "approve", str(proposed.id), "--as", "financien2")
    assert refused.exit_code == 2 and "is niet (meer) van financien2" in refused.output
    on_the_line = cli("batches", "approve", str(proposed.id), "--as", "financien2", "--token", franks)
    assert on_the_line.exit_code == 2 and "not on the command line" in on_the_line.output
    monkeypatch.setenv("BUDGETBEHEER_TOKEN", franks)
    result = cli("batches", "approve", str(proposed.id), "--as", "financien2")
    assert result.exit_code == 0, result.output
    [entry] = _entries(session, "payment_batch.approved")
    assert entry.actor == "financien2" and entry.auth_method == "cli-token"


def test_finding2_runs_prepare_needs_a_proven_preparer_who_cannot_approve_alone(
    session: Session, make_user: Callable[..., User], cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BUDGETBEHEER_MANAGED_ACCOUNT_IBAN", MANAGED_IBAN)
    payable_household(session)
    make_user("fatima", "finance")
    session.commit()
    day = RUN_DATE.isoformat()
    without_as = cli("runs", "prepare", "--date", day)
    assert without_as.exit_code == 2 and "--as" in without_as.output
    unproven = cli("runs", "prepare", "--date", day, "--as", "fatima")
    assert unproven.exit_code == 2 and "moet bewijzen dat u fatima bent" in unproven.output
    assert session.scalar(select(PaymentBatch.id)) is None
    prepared = cli("runs", "prepare", "--date", day, "--as", "fatima", "--password-stdin", input=TEST_PASSWORD + "\n")
    assert prepared.exit_code == 0, prepared.output
    batch_id = prepared.output.strip()
    row = session.get(PaymentBatch, int(batch_id))
    assert row is not None and row.prepared_by == "fatima"
    alone = cli("batches", "approve", batch_id, "--as", "fatima", "--password-stdin", input=TEST_PASSWORD + "\n")
    assert alone.exit_code == 1 and "zelf voorbereid" in alone.output
    [entry] = _entries(session, "payment_batch.prepared")
    assert entry.auth_method == "cli-password"


def test_finding2_the_audit_trail_names_how_each_actor_proved_who_they_were(
    session: Session, settings: Settings, client: FlaskClient, login: Callable[..., User],
    api_token: Callable[..., dict[str, str]],
) -> None:
    login("karin", "accountant")
    assert client.post("/account/tokens", data={"label": "mijn laptop"}).status_code == 200
    finance = api_token("fatima", "finance")
    assert client.post("/api/v1/creditors", json={"name": "Via token", "iban": "NL91ABNA0417164300"},
                       headers=finance).status_code == 201
    payable_household(session)
    session.commit()
    payments.prepare_run(session, Actor.system("scheduler"), RUN_DATE,
                         settings.with_overrides(managed_account_iban=MANAGED_IBAN))
    session.commit()
    [own] = [entry for entry in _entries(session, "token.created") if entry.actor == "karin"]
    assert own.auth_method == "session"
    created = session.scalar(select(AuditEntry).where(AuditEntry.actor == "fatima"))
    assert created is not None and created.auth_method == "token"
    [prepared] = _entries(session, "payment_batch.prepared")
    assert prepared.actor == "system:scheduler" and prepared.auth_method == "scheduler"


def test_finding2_preparing_the_payment_run_by_hand_as_a_job_is_refused(
    session: Session, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """By hand the job would make a scheduler's batch that the person who ran it could approve alone."""
    monkeypatch.setenv("BUDGETBEHEER_MANAGED_ACCOUNT_IBAN", MANAGED_IBAN)
    payable_household(session)
    session.commit()
    result = cli("jobs", "run", "payments.prepare_runs", "--date", "2026-11-27")
    assert result.exit_code == 2
    assert "runs prepare --date D --as U --password-stdin" in result.output
    assert _entries(session, "payment_batch.prepared") == []
    assert session.scalar(select(PaymentBatch.id)) is None


def test_finding2_a_scheduled_job_run_by_hand_is_audited_as_the_operators(
    session: Session, cli: Callable[..., Any]
) -> None:
    household(session)  # its period (from 25 November 2026) has ended by 26 May 2027
    session.commit()
    result = cli("jobs", "run", "lifecycle.end_periods", "--date", "2027-05-26")
    assert result.exit_code == 0, result.output
    entries = _entries(session, "household.ending")
    assert entries and all((e.actor, e.auth_method) == ("system:scheduler", "operator") for e in entries), [
        (e.action, e.actor, e.auth_method) for e in entries]
