"""Log-in throttling (Flask-Limiter), per client address and per name typed, counting failed log-ins only.

Each is a list of limits, such as ``5 per minute;20 per hour;100 per day``: a few failures cost a minute's wait, more
an hour's, many a day's (the delays grow). Throttled, the log-in page answers 429 with the same words whether or not
the name is a user. It replaces the account lock, which anyone could set off for anyone with a few wrong passwords;
a throttle on the name still slows a guesser who spreads over many addresses.

The counts live in ``BUDGETBEHEER_RATELIMIT_STORAGE_URI`` (``memory://`` by default: per process; give gunicorn's
workers a shared store such as ``redis://`` so they count together).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, render_template, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address

from budgetbeheer.config import Settings
from budgetbeheer.errors import Message

EXTENSION = "budgetbeheer_limiter"


def _name_key() -> str:
    typed = request.form.get("username", "").strip().lower()
    return "login-name:" + hashlib.sha256(typed.encode("utf-8")).hexdigest()[:32]


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _throttled(limit: RequestLimit) -> Response:
    minutes = max(1, math.ceil((limit.reset_at - time.time()) / 60))
    error = Message("Te veel mislukte pogingen om in te loggen. Probeer het over %(minutes)s minuten opnieuw.",
                    minutes=minutes)
    response = Response(render_template("login.html", error=error), status=429)
    response.headers["Retry-After"] = str(minutes * 60)
    return response


def limit_login(app: Flask, endpoint: str, settings: Settings) -> None:
    """Throttle the log-in view ``endpoint`` of ``app`` (POST only) by client address and by the name typed."""
    limiter = Limiter(
        get_remote_address, app=app, storage_uri=settings.ratelimit_storage_uri, strategy="moving-window",
        key_prefix=f"bb{id(app)}",
    )
    app.extensions[EXTENSION] = limiter
    view: Callable[..., Any] = app.view_functions[endpoint]
    view = limiter.limit(settings.login_limit_per_address, methods=["POST"], deduct_when=_failed,
                         on_breach=_throttled, scope="login-address")(view)
    view = limiter.limit(settings.login_limit_per_name, key_func=_name_key, methods=["POST"], deduct_when=_failed,
                         on_breach=_throttled, scope="login-name")(view)
    app.view_functions[endpoint] = view
