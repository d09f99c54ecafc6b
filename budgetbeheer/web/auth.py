"""Log-in, log-out and the language switch."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers import Response

from budgetbeheer.errors import Message
from budgetbeheer.http.context import actor, commit_on_error, db, language, settings
from budgetbeheer.http.security import public
from budgetbeheer.i18n import translate
from budgetbeheer.users.service import authenticate

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@public
@commit_on_error  # a failed log-in answers 401, and its audit entry and failure count (the lockout) must stay
def login() -> str | Response:
    error = None
    if request.method == "POST":
        config = settings()
        db_session = db()
        outcome = authenticate(
            db_session,
            actor(),
            request.form.get("username", ""),
            request.form.get("password", ""),
            max_failures=config.login_max_failures,
            lockout=timedelta(minutes=config.login_lockout_minutes),
        )
        if outcome.user is not None:
            session.clear()
            login_user(outcome.user)
            return redirect(_safe_next(request.args.get("next")))
        if outcome.locked:
            error = Message(
                "Te veel mislukte pogingen. Probeer het over %(minutes)s minuten opnieuw.",
                minutes=settings().login_lockout_minutes,
            )
        else:
            error = Message("Gebruikersnaam of wachtwoord klopt niet.")
    return render_template("login.html", error=error), (401 if error else 200)  # type: ignore[return-value]


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    lang = language()
    logout_user()
    session.clear()
    session["lang"] = lang
    flash(translate("U bent uitgelogd.", lang), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code: str) -> Response:
    if code in ("nl", "en"):
        session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))
