"""Log-in throttling (Flask-Limiter), per client address and per name typed, counting failed log-ins only.

Each is a list of limits, such as ``5 per minute;20 per hour;100 per day``: a few failures cost a minute's wait, more
an hour's, many a day's (the delays grow). Throttled, the log-in page answers 429 with the same words whether or not
the name is a user. It replaces the account lock, which anyone could set off for anyone with a few wrong passwords.

The throttle on the name slows a guesser who spreads over many addresses; so that it cannot keep the user out in
turn, it does not apply in a browser where that user logged in before (a signed "known browser" cookie, set at each
successful log-in; it proves nothing else and opens nothing).

The counts live in ``BUDGETBEHEER_RATELIMIT_STORAGE_URI`` (``memory://`` by default: per process; give gunicorn's
workers a shared store such as ``redis://`` so they count together).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response as WerkzeugResponse

from budgetbeheer.config import Settings
from budgetbeheer.errors import Message

EXTENSION = "budgetbeheer_limiter"
KNOWN_BROWSER_COOKIE = "bb_known"
KNOWN_BROWSER_DAYS = 180
_KNOWN_SALT = "budgetbeheer-known-browser"
_MAX_NAMES = 5


def _typed_name() -> str:
    return request.form.get("username", "").strip().lower()


def _name_key() -> str:
    return "login-name:" + hashlib.sha256(_typed_name().encode("utf-8")).hexdigest()[:32]


class _KnownBrowserSigning(SecureCookieSessionInterface):
    salt = _KNOWN_SALT


def _serializer() -> Any:
    serializer = _KnownBrowserSigning().get_signing_serializer(current_app)  # signed with the app's secret key
    assert serializer is not None
    return serializer


def _known_names() -> list[str]:
    raw = request.cookies.get(KNOWN_BROWSER_COOKIE)
    if not raw:
        return []
    try:
        names = _serializer().loads(raw, max_age=KNOWN_BROWSER_DAYS * 86400)
    except Exception:  # a forged, stale or foreign cookie is simply not a known browser
        return []
    return [str(name) for name in names] if isinstance(names, list) else []


def _known_browser() -> bool:
    return _typed_name() in _known_names()


def remember_browser(response: WerkzeugResponse, username: str) -> None:
    """After a successful log-in: this browser knows ``username`` (see the module's docstring)."""
    names = [username.lower()] + [name for name in _known_names() if name != username.lower()]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE, _serializer().dumps(names[:_MAX_NAMES]), max_age=KNOWN_BROWSER_DAYS * 86400,
        httponly=True, secure=current_app.config.get("SESSION_COOKIE_SECURE", True), samesite="Lax",
    )


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _throttled(limit: RequestLimit) -> Response:
    minutes = max(1, round((limit.reset_at - time.time()) / 60))
    error = Message("Te veel mislukte pogingen om in te loggen. Probeer het over %(minutes)s minuten opnieuw.",
                    minutes=minutes)
    response = Response(render_template("login.html", error=error), status=429)
    response.headers["Retry-After"] = str(minutes * 60)
    return response


def limit_login(app: Flask, endpoint: str, settings: Settings, *,
                user_key: Callable[[], str] | None = None) -> None:
    """Throttle the log-in view ``endpoint`` of ``app`` (POST only) by client address and by the name typed.

    With ``user_key`` (a second log-in step, such as the two-step code, whose user is known from the first step) the
    second limit counts per that key instead, and a known browser is no exemption: the password is already proven,
    the code is the last barrier. Each step counts its own failures."""
    limiter = app.extensions.get(EXTENSION)
    if limiter is None:
        limiter = Limiter(
            get_remote_address, app=app, storage_uri=settings.ratelimit_storage_uri, strategy="moving-window",
            key_prefix=f"bb{id(app)}",
        )
        app.extensions[EXTENSION] = limiter
    view: Callable[..., Any] = app.view_functions[endpoint]
    view = limiter.limit(settings.login_limit_per_address, methods=["POST"], deduct_when=_failed,
                         on_breach=_throttled, scope="login-address")(view)
    if user_key is None:
        view = limiter.limit(settings.login_limit_per_name, key_func=_name_key, methods=["POST"], deduct_when=_failed,
                             exempt_when=_known_browser, on_breach=_throttled, scope="login-name")(view)
    else:
        view = limiter.limit(settings.login_limit_per_name, key_func=user_key, methods=["POST"], deduct_when=_failed,
                             on_breach=_throttled, scope="login-name")(view)
    app.view_functions[endpoint] = view
