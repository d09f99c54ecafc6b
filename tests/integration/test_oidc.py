"""Issue 14, "Sessions": log-in through the municipality's identity provider (OpenID Connect), against a real provider
(node's oidc-provider, started by the ``oidc_provider`` fixture). The Flask test client plays the application, a
``requests`` session the user's browser at the provider.

On SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.users.login_models import UserIdentity
from budgetbeheer.users.models import RoleGrant, User
from budgetbeheer.users.service import actor_for, confirm_grant
from tests.conftest import CommittingClient
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, GROUP_ROLES, OidcProvider, oidc_provider  # noqa: F401

CALLBACK = "/login/oidc/callback"


@pytest.fixture
def oidc_settings(settings: Settings, oidc_provider: OidcProvider) -> Settings:  # noqa: F811
    return settings.with_overrides(
        oidc_issuer=oidc_provider.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET,
        oidc_group_roles=GROUP_ROLES, municipality_name="Gemeente Teststad",
    )


@pytest.fixture
def oidc_app(oidc_settings: Settings, session: Session) -> Iterator[Flask]:
    from budgetbeheer.web.app import create_app

    app = create_app(oidc_settings, TESTING=True, WTF_CSRF_ENABLED=False)
    app.test_client_class = CommittingClient
    yield app
    app.extensions["budgetbeheer_engine"].dispose()


@pytest.fixture
def new_client(oidc_app: Flask, session: Session) -> Callable[[], FlaskClient]:
    def make() -> FlaskClient:
        client = oidc_app.test_client()
        assert isinstance(client, CommittingClient)
        client.test_session = session
        return client

    return make


def at_provider(start: str, account: str) -> str:
    """The browser at the provider: sign in as ``account`` on its form; returns where it sends the browser back."""
    browser = requests.Session()
    url = start
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=5)
        if response.status_code == 200 and 'name="login"' in response.text:
            action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
            assert action is not None
            response = browser.post(requests.compat.urljoin(url, action.group(1)),
                                    data={"prompt": "login", "login": account, "password": "any"},
                                    allow_redirects=False, timeout=5)
        assert response.status_code in (302, 303), response.text[:500]
        url = requests.compat.urljoin(url, response.headers["Location"])
        if urlsplit(url).path == CALLBACK:
            return url
    raise AssertionError("the provider never sent the browser back")


def log_in_by_provider(client: FlaskClient, account: str) -> tuple[int, str]:
    started = client.post("/login/oidc")
    assert started.status_code == 302
    back = urlsplit(at_provider(started.headers["Location"], account))
    response = client.get(f"{back.path}?{back.query}")
    return response.status_code, response.get_data(as_text=True)


def user_named(session: Session, username: str) -> User:
    session.commit()
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    session.refresh(user)
    return user


def test_finding5_oidc_code_flow_with_pkce_logs_in_with_the_mapped_role(
        new_client: Callable[[], FlaskClient], session: Session, oidc_provider: OidcProvider) -> None:  # noqa: F811
    client = new_client()
    page = client.get("/login").get_data(as_text=True)
    assert "Inloggen met Gemeente Teststad" in page
    started = client.post("/login/oidc")
    query = parse_qs(urlsplit(started.headers["Location"]).query)
    assert started.headers["Location"].startswith(oidc_provider.issuer)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["state"] and query["nonce"]
    back = urlsplit(at_provider(started.headers["Location"], "anna"))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Anna de Klantmanager" in client.get("/").get_data(as_text=True)
    anna = user_named(session, "anna")
    assert anna.roles == {"caseworker"} and anna.password_hash is None
    identity = session.scalar(select(UserIdentity).where(UserIdentity.user_id == anna.id))
    assert identity is not None and (identity.issuer, identity.subject) == (oidc_provider.issuer, "anna")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "login.succeeded"))
    assert entry is not None and (entry.actor, entry.auth_method) == ("anna", "session+oidc")


def test_finding5_oidc_a_removed_group_removes_the_role_and_ends_sessions(
        new_client: Callable[[], FlaskClient], session: Session, oidc_provider: OidcProvider) -> None:  # noqa: F811
    oidc_provider.set_groups("tim", ["bb-klantmanagers", "bb-teamleiders"])
    first, second = new_client(), new_client()
    assert log_in_by_provider(first, "tim")[0] == 302
    assert user_named(session, "tim").roles == {"caseworker", "supervisor"}
    assert first.get("/").status_code == 200
    oidc_provider.set_groups("tim", ["bb-klantmanagers"])
    assert log_in_by_provider(second, "tim")[0] == 302
    assert user_named(session, "tim").roles == {"caseworker"}
    assert first.get("/").status_code == 302  # the older session ended with the role change
    assert second.get("/").status_code == 200
    oidc_provider.set_groups("tim", [])
    status, text = log_in_by_provider(new_client(), "tim")
    assert status == 403 and "geen rol" in text
    assert user_named(session, "tim").roles == frozenset()
    assert second.get("/").status_code == 302


def test_finding1_oidc_groups_giving_admin_and_finance_are_refused(
        new_client: Callable[[], FlaskClient], session: Session) -> None:
    status, text = log_in_by_provider(new_client(), "bea")
    assert status == 403 and "gaan niet samen" in text
    session.commit()
    assert session.scalar(select(User).where(User.username == "bea")) is None
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "login.failed"))
    assert entry is not None and "admin_with_money_role" in (entry.after_json or "")


def test_finding1_oidc_finance_waits_for_an_admins_confirmation(
        new_client: Callable[[], FlaskClient], session: Session, make_user: Callable[..., User]) -> None:
    status, text = log_in_by_provider(new_client(), "fred")
    assert status == 403 and "wacht" in text
    fred = user_named(session, "fred")
    assert fred.roles == frozenset()
    grant = session.scalar(select(RoleGrant).where(RoleGrant.user_id == fred.id))
    assert grant is not None and (grant.status, grant.role, grant.requested_by) == ("pending", "finance", "system:oidc")
    admin = make_user("beheerder1", "admin")
    confirm_grant(session, actor_for(admin), grant.id)
    session.commit()
    client = new_client()
    assert log_in_by_provider(client, "fred")[0] == 302
    assert user_named(session, "fred").roles == {"finance"}
    assert client.get("/").status_code == 200


def test_finding5_oidc_no_mapped_group_no_user(new_client: Callable[[], FlaskClient], session: Session) -> None:
    status, text = log_in_by_provider(new_client(), "nora")
    assert status == 403 and "geen rol" in text
    session.commit()
    assert session.scalar(select(User).where(User.username == "nora")) is None


def test_finding5_oidc_a_forged_state_is_refused(new_client: Callable[[], FlaskClient], session: Session) -> None:
    client = new_client()
    started = client.post("/login/oidc")
    back = urlsplit(at_provider(started.headers["Location"], "anna"))
    query = parse_qs(back.query)
    response = client.get(CALLBACK, query_string={"code": query["code"][0], "state": "forged"})
    assert response.status_code == 401
    assert client.get("/").status_code == 302  # not logged in
    session.commit()
    assert session.scalar(select(User).where(User.username == "anna")) is None
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "login.failed")) is not None


def test_finding5_oidc_a_code_is_used_once(new_client: Callable[[], FlaskClient]) -> None:
    client = new_client()
    started = client.post("/login/oidc")
    back = urlsplit(at_provider(started.headers["Location"], "anna"))
    other = new_client()
    with client.session_transaction() as state:
        copied = dict(state)
    with other.session_transaction() as state:
        state.update(copied)
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    assert other.get(f"{back.path}?{back.query}").status_code == 401  # the provider refuses a code used before


def test_finding5_oidc_a_local_user_of_the_same_name_is_not_taken_over(
        new_client: Callable[[], FlaskClient], session: Session, make_user: Callable[..., User]) -> None:
    local = make_user("anna", "accountant")
    assert log_in_by_provider(new_client(), "anna")[0] == 302
    session.commit()
    identity = session.scalar(select(UserIdentity).where(UserIdentity.subject == "anna"))
    assert identity is not None and identity.user_id != local.id
    assert user_named(session, "anna").roles == {"accountant"}


def test_the_provider_button_only_when_configured(client: FlaskClient) -> None:
    assert "Inloggen met" not in client.get("/login").get_data(as_text=True)
    assert client.post("/login/oidc").status_code == 404


def test_provider_actor_is_the_provider() -> None:
    from budgetbeheer.users.identity import provider_actor

    assert provider_actor() == Actor(name="system:oidc", auth_method="session+oidc")


@pytest.mark.parametrize("field", ["nonce", "code_verifier"])
def test_finding5_oidc_nonce_and_pkce_verifier_are_checked(new_client: Callable[[], FlaskClient], session: Session,
                                                           field: str) -> None:
    """The ID token must carry the nonce of this browser's request, and the token endpoint must get the verifier
    of its code challenge: change either in the session and the log-in is refused."""
    client = new_client()
    started = client.post("/login/oidc")
    back = urlsplit(at_provider(started.headers["Location"], "anna"))
    with client.session_transaction() as state:
        (key,) = [name for name in state if name.startswith("_state_")]
        kept = state[key]
        assert kept["data"][field]
        kept["data"][field] = "x" * len(kept["data"][field])
        state[key] = kept
    assert client.get(f"{back.path}?{back.query}").status_code == 401
    assert client.get("/").status_code == 302
    session.commit()
    assert session.scalar(select(User).where(User.username == "anna")) is None
