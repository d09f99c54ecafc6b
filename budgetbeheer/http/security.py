"""Permissions on every view (deny by default), session login, API tokens, security headers.

A session counts only while the version it was given at log-in (``session["sv"]``) is the user's current
``session_version`` (:mod:`budgetbeheer.users.service`): log-out, a password or role change and deactivation end every
session of that user, a copied cookie included.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, abort, current_app, g, request, session
from flask_login import LoginManager

from budgetbeheer.http import logs
from budgetbeheer.http.access import guard
from budgetbeheer.http.context import current, db, is_api_request, settings
from budgetbeheer.users.models import User
from budgetbeheer.users.permissions import PERMISSIONS, allowed
from budgetbeheer.users.service import session_is_current

F = TypeVar("F", bound=Callable[..., Any])

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in om verder te gaan."
login_manager.session_protection = "strong"

SESSION_VERSION_KEY = "sv"
HSTS = "max-age=31536000; includeSubDomains"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def csp_with_form_target(origin: str) -> str:
    """:data:`CSP` with one more origin a form may go to (the log-in page's button to the identity provider: the
    browser checks ``form-action`` on the redirect after the POST too)."""
    return CSP.replace("form-action 'self'", f"form-action 'self' {origin}")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db().get(User, int(user_id))
    if user is None or not user.is_active or not session_is_current(user, session.get(SESSION_VERSION_KEY)):
        return None
    return user


def requires(permission: str) -> Callable[[F], F]:
    """Mark a view with the permission it needs. Views without a mark are refused (see :func:`enforce`)."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return view(*args, **kwargs)

        wrapper._permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    view._public = True  # type: ignore[attr-defined]
    return view


def has_permission(permission: str) -> bool:
    user = current()
    return user is not None and allowed(user.roles, permission, user.service_permissions)


def enforce() -> Response | None:
    """before_request: find the view's mark; deny unless it is public or the user's roles allow it."""
    if request.endpoint is None:
        return None  # 404 follows
    if request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "_public", False):
        return None
    permission = getattr(view, "_permission", None)
    user = current()
    if user is None:
        if is_api_request():
            abort(401)
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    if permission is None or not allowed(user.roles, permission, user.service_permissions):
        g.denied_permission = permission
        abort(403)
    return None


def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    if not (settings().is_development or current_app.debug):  # production only: never pin a local demo to https
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(enforce)
    app.before_request(guard)  # after the permission: a household outside the user's team (http/access.py)
    logs.install()  # no BSN in an access log's request lines
    app.after_request(security_headers)
