"""Issue 14, "Sessions": the optional two-step code (TOTP) for local accounts, required for some roles.

On SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.clitools import proven_actor
from budgetbeheer.config import Settings
from budgetbeheer.errors import NotAuthenticated
from budgetbeheer.users import second_factor
from budgetbeheer.users.login_models import UserTotp
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.conftest import TEST_PASSWORD, CommittingClient
from tests.factories import RUN_DATE, batch, payable_household

MANAGED_IBAN = "NL46BNGH0285160126"

START = datetime(2026, 12, 4, 9, 0, 5, tzinfo=UTC)  # early in a 30-second step
KEY = "test-secret-key"  # the test settings' secret key: the TOTP key when BUDGETBEHEER_TOTP_KEY is unset


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def enrolled(session: Session, user: User) -> pyotp.TOTP:
    """Enrol ``user`` by the service (confirmed with the current code); the app's TOTP."""
    secret = second_factor.start_enrolment(session, Actor.system("test"), user, KEY)
    assert second_factor.confirm_enrolment(session, Actor.system("test"), user, pyotp.TOTP(secret).now(), KEY)
    session.commit()
    return pyotp.TOTP(secret)


def actions(session: Session) -> list[str]:
    session.commit()
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def password_step(client: FlaskClient, username: str) -> str:
    response = client.post("/login", data={"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return str(response.headers["Location"])


def test_finding5_totp_enrol_on_the_account_page_then_log_in_asks_the_code(
        client: FlaskClient, login: Callable[..., User], session: Session,
        frozen_clock: time_machine.Coordinates) -> None:
    user = login("klant1", "caseworker")
    assert "Tweestapsverificatie staat uit" in client.get("/account/security").get_data(as_text=True)
    assert client.post("/account/security/totp").status_code == 302
    page = client.get("/account/security").get_data(as_text=True)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None and "otpauth://totp/" in page and 'src="data:image/svg+xml' in page
    app_code = pyotp.TOTP(secret.group(1).replace(" ", ""))
    wrong = client.post("/account/security/totp/confirm", data={"code": "000000" if app_code.now() != "000000" else "111111"})
    assert wrong.status_code == 422 and "De code klopt niet" in wrong.get_data(as_text=True)
    assert actions(session)[-1] == "totp.failed"  # kept although the answer is an error
    assert client.post("/account/security/totp/confirm", data={"code": app_code.now()}).status_code == 302
    assert "totp.enrolled" in actions(session)
    client.post("/logout")

    frozen_clock.shift(timedelta(seconds=30))
    assert password_step(client, "klant1").endswith("/login/code")
    assert client.get("/").status_code == 302  # not logged in before the code
    assert client.post("/login/code", data={"code": "12345"}).status_code == 401
    response = client.post("/login/code", data={"code": app_code.now()})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    session.commit()
    last = session.scalar(select(AuditEntry).where(AuditEntry.action == "login.succeeded").order_by(AuditEntry.id.desc()))
    assert last is not None and (last.actor, last.auth_method) == (user.username, "session+totp")


def test_finding5_totp_a_code_cannot_be_used_twice(app: Flask, make_user: Callable[..., User],
                                                   session: Session) -> None:
    totp = enrolled(session, make_user("klant2", "caseworker"))
    app.test_client_class = CommittingClient
    first, second = app.test_client(), app.test_client()
    for client in (first, second):
        assert isinstance(client, CommittingClient)
        client.test_session = session
    code = totp.at(START + timedelta(seconds=30))
    with time_machine.travel(START + timedelta(seconds=30), tick=False):
        password_step(first, "klant2")
        password_step(second, "klant2")
        assert first.post("/login/code", data={"code": code}).status_code == 302
        assert second.post("/login/code", data={"code": code}).status_code == 401  # the same code again: refused
    # the code of the enrolment's step (an earlier one) is refused too, though still inside the window
    with time_machine.travel(START + timedelta(seconds=31), tick=False):
        password_step(second, "klant2")
        assert second.post("/login/code", data={"code": totp.at(START)}).status_code == 401


def test_finding5_totp_required_role_goes_to_enrolment_and_nothing_else(
        settings: Settings, session: Session, make_user: Callable[..., User]) -> None:
    from budgetbeheer.web.app import create_app

    app = create_app(settings.with_overrides(require_totp_for=frozenset({"finance", "admin"})), TESTING=True,
                     WTF_CSRF_ENABLED=False)
    app.test_client_class = CommittingClient
    client = app.test_client()
    assert isinstance(client, CommittingClient)
    client.test_session = session
    make_user("fin1", "finance")
    assert password_step(client, "fin1").endswith("/login/enrol")
    assert client.get("/batches/").status_code == 302  # not logged in: nothing else
    assert client.get("/account/security").status_code == 302
    page = client.get("/login/enrol").get_data(as_text=True)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None
    assert client.post("/login/enrol", data={"code": "abcdef"}).status_code == 401
    response = client.post("/login/enrol", data={"code": pyotp.TOTP(secret.group(1).replace(" ", "")).now()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    page = client.get("/account/security").get_data(as_text=True)
    assert "u kunt haar niet uitzetten" in page  # required: no disable form
    app.extensions["budgetbeheer_engine"].dispose()


def test_finding5_totp_disabling_needs_a_current_code(client: FlaskClient, login: Callable[..., User],
                                                      session: Session,
                                                      frozen_clock: time_machine.Coordinates) -> None:
    user = login("klant3", "caseworker")
    frozen_clock.shift(timedelta(seconds=30))
    totp = enrolled(session, user)
    frozen_clock.shift(timedelta(seconds=30))
    assert client.post("/account/security/totp/disable", data={"code": "000000"}).status_code == 422
    assert second_factor.is_enrolled(session, user.id)
    assert client.post("/account/security/totp/disable", data={"code": totp.now()}).status_code == 302
    session.commit()
    assert not second_factor.is_enrolled(session, user.id)
    assert actions(session)[-1] == "totp.disabled"


def test_finding5_totp_wrong_codes_are_throttled(client: FlaskClient, make_user: Callable[..., User],
                                                 session: Session) -> None:
    enrolled(session, make_user("klant4", "caseworker"))  # the test settings: 3 failures per name per 15 minutes
    password_step(client, "klant4")
    statuses = [client.post("/login/code", data={"code": "999999"}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert actions(session).count("totp.failed") == 3


def test_finding5_totp_secret_is_stored_encrypted(make_user: Callable[..., User], session: Session) -> None:
    user = make_user("klant5", "caseworker")
    secret = second_factor.start_enrolment(session, Actor.system("test"), user, KEY)
    session.commit()
    row = session.get(UserTotp, user.id)
    assert row is not None and secret not in row.secret_encrypted
    assert second_factor.pending_secret(session, user, KEY) == secret
    with pytest.raises(Exception, match="sleutel"):
        second_factor.pending_secret(session, user, "another key")


def test_finding2_cli_password_stdin_then_code_line_for_a_totp_user(
        make_user: Callable[..., User], session: Session, monkeypatch: pytest.MonkeyPatch, db_url: str,
        frozen_clock: time_machine.Coordinates) -> None:
    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")
    monkeypatch.setenv("BUDGETBEHEER_SECRET_KEY", KEY)
    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", db_url)
    user = make_user("fin2", "finance")
    totp = enrolled(session, user)
    frozen_clock.shift(timedelta(seconds=30))
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{TEST_PASSWORD}\n"))
    with pytest.raises(NotAuthenticated, match="tweestapscode"):
        proven_actor(session, "batches approve", "fin2", True, None)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{TEST_PASSWORD}\n{totp.now()}\n"))
    actor = proven_actor(session, "batches approve", "fin2", True, None)
    assert (actor.name, actor.auth_method) == ("fin2", "cli-password+totp")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{TEST_PASSWORD}\n{totp.now()}\n"))
    with pytest.raises(NotAuthenticated):  # the same code again
        proven_actor(session, "batches approve", "fin2", True, None)


def test_finding2_cli_batches_approve_with_password_and_code_lines(
        make_user: Callable[..., User], session: Session, settings: Settings, cli: Callable[..., Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: ``batches approve ID --as U --password-stdin`` with the password line, then the code line."""
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, 5, tzinfo=UTC), tick=False):
        monkeypatch.setenv("BUDGETBEHEER_SECRET_KEY", KEY)
        monkeypatch.setenv("BUDGETBEHEER_MANAGED_ACCOUNT_IBAN", MANAGED_IBAN)
        payable_household(session)
        preparer = make_user("fatima", "finance")
        prepared = batch(session, settings.with_overrides(managed_account_iban=MANAGED_IBAN), RUN_DATE,
                         actor_for(preparer))
        session.commit()
        totp = enrolled(session, make_user("financien2", "finance"))
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, 35, tzinfo=UTC), tick=False):
        refused = cli("batches", "approve", str(prepared.id), "--as", "financien2", "--password-stdin",
                      input=f"{TEST_PASSWORD}\n000000\n" if totp.now() != "000000" else f"{TEST_PASSWORD}\n111111\n")
        assert refused.exit_code == 2 and "tweestapscode" in refused.output
        result = cli("batches", "approve", str(prepared.id), "--as", "financien2", "--password-stdin",
                     input=f"{TEST_PASSWORD}\n{totp.now()}\n")
        assert result.exit_code == 0, result.output
    session.commit()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "payment_batch.approved"))
    assert entry is not None and (entry.actor, entry.auth_method) == ("financien2", "cli-password+totp")


def test_finding2_cli_refuses_a_required_role_without_totp(
        make_user: Callable[..., User], session: Session, monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")
    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", db_url)
    monkeypatch.setenv("BUDGETBEHEER_REQUIRE_TOTP_FOR", "finance")
    make_user("fin3", "finance")
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{TEST_PASSWORD}\n"))
    with pytest.raises(NotAuthenticated, match="verplicht"):
        proven_actor(session, "batches approve", "fin3", True, None)


def test_finding5_operator_resets_a_lost_totp(cli: Callable[..., object], make_user: Callable[..., User],
                                              session: Session) -> None:
    user = make_user("klant6", "caseworker")
    enrolled(session, user)
    result = cli("users", "reset-totp", "--username", "klant6")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "reset" in result.output  # type: ignore[attr-defined]
    assert not second_factor.is_enrolled(session, user.id)
    assert actions(session)[-1] == "totp.reset"
