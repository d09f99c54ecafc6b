"""Log-in, throttling, CSRF, permissions on every endpoint, API tokens, security headers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.cli import main
from budgetbeheer.config import Settings
from budgetbeheer.users.models import ApiToken, User
from budgetbeheer.users.service import create_token, pending_grants, revoke_token
from tests.conftest import TEST_PASSWORD

PUBLIC_ENDPOINTS = {"auth.login", "auth.logout", "auth.set_language", "static", "api.openapi",
                    "oidc.start", "oidc.callback"}  # the OIDC routes answer 404 unless configured (test_oidc.py)


def _example_url(app: Flask, rule: object) -> str:
    path = str(rule)
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", path)


def test_every_endpoint_refuses_anonymous_users(app: Flask, client: FlaskClient) -> None:
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(_example_url(app, rule), method=method)
            if rule.endpoint.startswith("api."):
                assert response.status_code == 401, (rule, method)
                assert response.get_json()["error"]["message"]
            else:
                assert response.status_code == 302 and "/login" in response.headers["Location"], (rule, method)
            checked += 1
    assert checked >= 5


def test_every_view_carries_a_permission_or_is_public(app: Flask) -> None:
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        assert getattr(view, "_permission", None) or getattr(view, "_public", False), endpoint


def test_user_without_the_role_gets_403(client: FlaskClient, login: Callable[..., User]) -> None:
    login("karin", "caseworker")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Geen toegang" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_admin_manages_users_and_roles(client: FlaskClient, login: Callable[..., User], session: Session) -> None:
    login("bea", "admin")
    response = client.post("/admin/users/new", data={
        "username": "nieuw", "display_name": "Nieuwe Collega", "password": "lang-genoeg-123",
        "roles": ["finance", "accountant"], "language": "nl"})
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.username == "nieuw"))
    # finance moves money: it waits for a second admin (tests/integration/test_duties.py)
    assert user is not None and user.roles == {"accountant"}
    assert [grant.role for grant in pending_grants(session, user.id)] == ["finance"]
    response = client.post("/admin/users/new", data={"username": "x y", "password": "kort", "roles": []})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Een wachtwoord heeft minstens 10 tekens." in body and "Kies minstens één rol." in body


def test_passwords_are_hashed_with_argon2(session: Session, make_user: Callable[..., User]) -> None:
    user = make_user("fatima", "finance")
    assert user.password_hash is not None
    assert TEST_PASSWORD not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


def test_login_is_throttled_after_repeated_failures(client: FlaskClient, make_user: Callable[..., User]) -> None:
    make_user("karin", "caseworker")
    for _ in range(3):  # settings fixture: login_limit_per_name="3 per 15 minutes"
        assert client.post("/login", data={"username": "karin", "password": "wrong"}).status_code == 401
    response = client.post("/login", data={"username": "karin", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Te veel mislukte pogingen om in te loggen" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_form_post_without_csrf_token_is_refused(settings: Settings, make_user: Callable[..., User]) -> None:
    from budgetbeheer.web.app import create_app

    app = create_app(settings, TESTING=True)  # CSRF on, as in production
    make_user("karin", "caseworker")
    client = app.test_client()
    response = client.post("/login", data={"username": "karin", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Het formulier is verlopen of ongeldig" in response.get_data(as_text=True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = client.post("/login", data={"username": "karin", "password": TEST_PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302
    app.extensions["budgetbeheer_engine"].dispose()


def test_security_headers_and_cookie_flags(settings: Settings, make_user: Callable[..., User]) -> None:
    from budgetbeheer.web.app import create_app

    app = create_app(settings.with_overrides(environment="production"), TESTING=True, WTF_CSRF_ENABLED=False)
    make_user("karin", "caseworker")
    client = app.test_client()
    response = client.post("/login", data={"username": "karin", "password": TEST_PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    app.extensions["budgetbeheer_engine"].dispose()


def test_api_tokens_are_stored_hashed_and_revocable(client: FlaskClient, session: Session,
                                                    make_user: Callable[..., User]) -> None:
    user = make_user("systeem", "caseworker")
    token = create_token(session, Actor.system("test"), user)
    session.commit()
    assert session.scalar(select(ApiToken.id).where(ApiToken.token_hash == token)) is None
    headers = {"Authorization": f"Bearer {token}"}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"data": {"id": user.id, "username": "systeem", "roles": ["caseworker"]}}
    row = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row is not None
    revoke_token(session, Actor.system("test"), row.id)
    session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_openapi_describes_every_api_route(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    described = {(path, method) for path, operations in document["paths"].items() for method in operations}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(rule))
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, (path, method)


def test_api_error_format_and_language(client: FlaskClient, api_token: Callable[..., dict[str, str]]) -> None:
    headers = api_token("karin", "caseworker")
    response = client.get("/api/v1/does-not-exist", headers=headers)
    assert response.status_code == 404
    assert response.get_json() == {"error": {"message": "Deze pagina bestaat niet.", "fields": {}}}


def test_english_is_available(client: FlaskClient, login: Callable[..., User]) -> None:
    login("karin", "caseworker", language="en")
    body = client.get("/").get_data(as_text=True)
    assert "Welcome, Karin" in body and "Log out" in body
    client.post("/language/nl", data={"next": "/"})
    assert "Welkom, Karin" in client.get("/").get_data(as_text=True)


def test_friendly_404_without_stack_trace(client: FlaskClient, login: Callable[..., User]) -> None:
    login("karin", "caseworker")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet." in response.get_data(as_text=True)


def test_cli_users_create_and_tokens_create(db_url: str, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDGETBEHEER_ENV", "test")
    monkeypatch.setenv("BUDGETBEHEER_DATABASE_URL", db_url)
    runner = CliRunner()
    result = runner.invoke(main, ["users", "create", "--username", "fin", "--role", "finance", "--role", "accountant",
                                  "--password-stdin"], input="een-lang-wachtwoord\n")
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["tokens", "create", "--username", "fin"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert re.fullmatch(r"bb_[A-Za-z0-9_-]{40,}", token)
    result = runner.invoke(main, ["users", "create", "--username", "fin2", "--role", "boss"])
    assert result.exit_code == 1
    assert "Onbekende rol: boss" in result.output
    assert session.scalar(select(User.id).where(User.username == "fin2")) is None
    result = runner.invoke(main, ["tokens", "create", "--username", "nobody"])
    assert result.exit_code == 1 and "bestaat niet" in result.output


def test_api_ignores_the_browser_session_cookie(client: FlaskClient, login: Callable[..., User]) -> None:
    """The API has no CSRF protection, so a signed-in browser must not be able to call it with its cookie alone."""
    login("fin-cookie", "finance")
    assert client.get("/api/v1/me").status_code == 401
    response = client.post("/api/v1/creditors", json={"name": "Via cookie", "iban": "NL91ABNA0417164300"})
    assert response.status_code == 401
    assert client.get("/batches/").status_code == 200  # the pages still know the user


def test_a_failed_login_is_kept_although_it_answers_401(client: FlaskClient, make_user: Callable[..., User],
                                                        session: Session) -> None:
    """The request's unit of work rolls back on a status >= 400; the log-in view opts out, so the failure is kept."""
    user = make_user("piet", "caseworker")
    response = client.post("/login", data={"username": "piet", "password": "wrong"})
    assert response.status_code == 401
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "login.failed"))
    assert entry is not None and entry.entity_id == str(user.id)
