"""Issue 14: every route × every role (anonymous and a service account too), against the permission table.

The expected answer of each cell is computed from the route's mark (``@requires(permission)`` or ``@public``) and
:data:`~budgetbeheer.users.permissions.PERMISSIONS`, never written down by hand, so a new route is walked the day it
is added. To keep the walk free of side effects, every view is replaced by a stub that keeps the view's mark and
answers 299: a cell that reaches its stub passed the permission check exactly as the real view would have. The
other half (a view whose own checks go further than the table: a team's households, a batch of one's own) is in the
tests of each feature. The README's table is compared with the one the permission table makes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.users.models import ROLES, User
from budgetbeheer.users.permissions import DESCRIPTIONS, PERMISSIONS, SERVICE_PERMISSIONS, allowed, permission_table
from budgetbeheer.users.service import create_token
from budgetbeheer.users.service_accounts import create_service_account
from tests.conftest import TEST_PASSWORD

REACHED = 299
README = Path(__file__).resolve().parents[2] / "README.md"


def _stub(view: Callable[..., Any]) -> Callable[..., Any]:
    def reached(**_: Any) -> tuple[str, int]:
        return "", REACHED

    for mark in ("_permission", "_public"):
        if hasattr(view, mark):
            setattr(reached, mark, getattr(view, mark))
    return reached


@pytest.fixture
def stubbed_app(settings: Settings) -> Iterator[Flask]:
    from budgetbeheer.web.app import create_app

    app = create_app(settings, TESTING=True, WTF_CSRF_ENABLED=False)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint not in ("static", "auth.login"):  # the walk logs in through the real page
            app.view_functions[endpoint] = _stub(view)
    yield app
    app.extensions["budgetbeheer_engine"].dispose()


def _cells(app: Flask) -> Iterator[tuple[Rule, str, str]]:
    for rule in sorted(app.url_map.iter_rules(), key=str):
        if rule.endpoint == "static":
            continue
        url = re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", str(rule))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method, url


def _mark(app: Flask, rule: Rule) -> str | None:
    view = app.view_functions[rule.endpoint]
    return "public" if getattr(view, "_public", False) else getattr(view, "_permission", None)


def _expected(mark: str | None, roles: frozenset[str], granted: frozenset[str], signed_in: bool,
              api: bool) -> str:
    if mark == "public":
        return "reached"
    if not signed_in:
        return "anonymous"
    if mark is not None and allowed(roles, mark, granted):
        return "reached"
    return "refused"


def _observed(status: int, location: str, api: bool, mark: str | None) -> str:
    if mark == "public":  # the log-in page answers for itself (a form, a redirect, a refusal of the empty form)
        return "reached" if status not in (403, 500) else f"status {status}"
    if status == REACHED:
        return "reached"
    if status == 401 if api else (status == 302 and "/login" in location):
        return "anonymous"
    if status == 403:
        return "refused"
    # the strict reader (issue 17) runs after the permission check and may refuse an empty body: passed the check
    return "reached" if status in (400, 415, 422, 428) else f"status {status}"


def test_the_permission_table_describes_every_permission() -> None:
    assert set(DESCRIPTIONS) == set(PERMISSIONS)
    assert all(roles <= set(ROLES) for roles in PERMISSIONS.values())
    assert set(PERMISSIONS) >= SERVICE_PERMISSIONS


def test_the_readme_table_is_the_permission_table() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- permissions:start -->\n", "<!-- permissions:end -->"
    assert start in text and end in text, "the README has no table of who may do what"
    in_readme = text.split(start, 1)[1].split(end, 1)[0]
    assert in_readme == permission_table(), "run: .venv/bin/python scripts/permission_table.py, paste into README"


def test_every_route_times_every_role_answers_as_the_permission_table_says(
    stubbed_app: Flask, session: Session, make_user: Callable[..., User]
) -> None:
    principals: list[tuple[str, frozenset[str], frozenset[str], FlaskClient | None, dict[str, str]]] = []
    principals.append(("anonymous", frozenset(), frozenset(), None, {}))
    for role in ROLES:
        user = make_user(f"matrix-{role}", role)
        token = create_token(session, Actor.system("test"), user)
        session.commit()
        principals.append((role, frozenset({role}), frozenset(), None, {"Authorization": f"Bearer {token}"}))
    _, machine = create_service_account(session, Actor.system("test"), name="matrix-service",
                                        permissions=sorted(SERVICE_PERMISSIONS))
    session.commit()
    principals.append(("service account", frozenset(), SERVICE_PERMISSIONS, None,
                       {"Authorization": f"Bearer {machine}"}))

    wrong: list[str] = []
    cells = 0
    for name, roles, granted, _, headers in principals:
        client = stubbed_app.test_client()
        signed_in_on_pages = name not in ("anonymous", "service account")
        if signed_in_on_pages:
            answer = client.post("/login", data={"username": f"matrix-{name}", "password": TEST_PASSWORD})
            assert answer.status_code == 302, (name, answer.status_code)
        for rule, method, url in _cells(stubbed_app):
            api = rule.endpoint.startswith("api.")
            if not api and not signed_in_on_pages and name == "service account":
                signed_in = False  # a service account has no session: the pages see a stranger
            else:
                signed_in = name != "anonymous"
            mark = _mark(stubbed_app, rule)
            expected = _expected(mark, roles, granted if api else frozenset(), signed_in, api)
            answer = client.open(url, method=method, headers=headers if api else {})
            observed = _observed(answer.status_code, answer.headers.get("Location", ""), api, mark)
            cells += 1
            if observed != expected:
                wrong.append(f"{name:15} {method:6} {rule} ({mark}): expected {expected}, got {observed}")
    assert not wrong, "\n".join(wrong)
    assert cells > 1000
