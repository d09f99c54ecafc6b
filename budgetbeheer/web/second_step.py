"""The second step of a local log-in: the two-step code (TOTP), or enrolment first when the user's role requires it.

After a right password the session holds only a *pending* log-in (user id, session version, which step, when): it is
not logged in, so every other page still asks to log in. The code page (or the enrolment page) logs the session in
once the code is right. A pending log-in lasts five minutes and ends when the user's session version changes (log-out
elsewhere, a password or role change). Both pages are throttled like the log-in (per client address and per user).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import segno
from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from budgetbeheer.audit.service import AuthMethod
from budgetbeheer.config import Settings
from budgetbeheer.errors import Message
from budgetbeheer.http.context import AUTH_METHOD_KEY, commit_on_error, db, language, request_id, settings
from budgetbeheer.http.security import SESSION_VERSION_KEY, public
from budgetbeheer.http.throttle import limit_login, remember_browser
from budgetbeheer.i18n import translate
from budgetbeheer.users import second_factor
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for, complete_login

bp = Blueprint("second_step", __name__)

PENDING_KEY = "login_pending"
PENDING_SECONDS = 300


def totp_key() -> str:
    return second_factor.key_of(settings().totp_key, settings().secret_key)


def begin(user: User, step: str, next_url: str) -> Response:
    """After a right password: the session holds a pending log-in; the browser goes to the second step."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session[PENDING_KEY] = {"uid": user.id, "sv": user.session_version, "step": step, "at": int(time.time()),
                            "next": next_url}
    if step == second_factor.ENROL and second_factor.pending_secret(db(), user, totp_key()) is None:
        # made here, in the log-in's POST: the enrolment page itself only shows it (a GET changes nothing)
        who = actor_for(user, request_id(), request.remote_addr, AuthMethod.SESSION)
        second_factor.start_enrolment(db(), who, user, totp_key())
    return redirect(url_for("second_step.code" if step == second_factor.CODE else "second_step.enrol"))


def finish(user: User, method: AuthMethod | None, next_url: str) -> Response:
    """Log the session in (a fresh session: nothing from before the log-in is kept but the language)."""
    lang = session.get("lang")
    session.clear()
    login_user(user)
    session[SESSION_VERSION_KEY] = user.session_version
    if method is not None:
        session[AUTH_METHOD_KEY] = method.value
    if lang:
        session["lang"] = lang
    response = redirect(next_url)
    remember_browser(response, user.username)
    return response


def _pending(step: str) -> tuple[User, dict[str, Any]] | None:
    state = session.get(PENDING_KEY)
    if not isinstance(state, dict) or state.get("step") != step:
        return None
    if not isinstance(state.get("at"), int) or time.time() - state["at"] > PENDING_SECONDS:
        return None
    user = db().get(User, state.get("uid"))
    if user is None or not user.is_active or user.session_version != state.get("sv"):
        return None
    return user, state


def _start_again() -> Response:
    session.pop(PENDING_KEY, None)
    flash(translate("Log opnieuw in: de tweede stap duurde te lang of is niet meer geldig.", language()), "info")
    return redirect(url_for("auth.login"))


def _pending_user_key() -> str:
    state = session.get(PENDING_KEY)
    uid = state.get("uid") if isinstance(state, dict) else None
    return "login-user:" + hashlib.sha256(str(uid).encode()).hexdigest()[:32]


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code (an SVG data URI, made here: nothing leaves the server)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=4, border=2))


def enrolment_view(user: User, secret: str) -> dict[str, Any]:
    uri = second_factor.provisioning_uri(secret, user.username, f"budgetbeheer {settings().municipality_name}")
    return {"secret": second_factor.grouped(secret), "otpauth_uri": uri, "qr": qr_data_uri(uri)}


@bp.route("/login/code", methods=["GET", "POST"])
@public
@commit_on_error  # a wrong code answers 401, and its audit entry must stay
def code() -> str | Response:
    pending = _pending(second_factor.CODE)
    if pending is None:
        return _start_again()
    user, state = pending
    error = None
    if request.method == "POST":
        who = actor_for(user, request_id(), request.remote_addr, AuthMethod.SESSION)
        if second_factor.check_login_code(db(), who, user, request.form.get("code", ""), totp_key()):
            complete_login(db(), actor_for(user, request_id(), request.remote_addr, AuthMethod.SESSION_TOTP), user)
            return finish(user, AuthMethod.SESSION_TOTP, state["next"])
        error = second_factor.WRONG_CODE
    return render_template("login_code.html", error=error), (401 if error else 200)  # type: ignore[return-value]


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
@commit_on_error  # a wrong code answers 401, and its audit entry must stay
def enrol() -> str | Response:
    pending = _pending(second_factor.ENROL)
    if pending is None:
        return _start_again()
    user, state = pending
    key = totp_key()
    who = actor_for(user, request_id(), request.remote_addr, AuthMethod.SESSION)
    error: Message | None = None
    if request.method == "POST":
        if second_factor.confirm_enrolment(db(), who, user, request.form.get("code", ""), key):
            complete_login(db(), actor_for(user, request_id(), request.remote_addr, AuthMethod.SESSION_TOTP), user)
            flash(translate("Tweestapsverificatie staat aan.", language()), "success")
            return finish(user, AuthMethod.SESSION_TOTP, state["next"])
        error = second_factor.WRONG_CODE
    secret = second_factor.pending_secret(db(), user, key)
    if secret is None:  # enrolled meanwhile (another tab), or reset: start again
        return _start_again()
    return render_template("login_enrol.html", error=error, **enrolment_view(user, secret)), (401 if error else 200)  # type: ignore[return-value]


def init_app(app: Flask, config: Settings) -> None:
    app.register_blueprint(bp)
    for endpoint in ("second_step.code", "second_step.enrol"):
        limit_login(app, endpoint, config, user_key=_pending_user_key)
