"""Log-in, log-out and the language switch.

The log-in is throttled per client address and per name typed (:mod:`budgetbeheer.http.throttle`, installed by the
app factory); a session carries the user's session version (:mod:`budgetbeheer.http.security`).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import logout_user
from werkzeug.wrappers import Response

from budgetbeheer.errors import Message
from budgetbeheer.http.context import actor, commit_on_error, current, db, language, settings
from budgetbeheer.http.redirects import safe_next
from budgetbeheer.http.security import public
from budgetbeheer.i18n import translate
from budgetbeheer.users import second_factor
from budgetbeheer.users.service import authenticate, end_sessions
from budgetbeheer.users.service import set_language as keep_language
from budgetbeheer.web import second_step

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
@commit_on_error  # a failed log-in answers 401, and its audit entry must stay
def login() -> str | Response:
    error = None
    if request.method == "POST":
        required = settings().require_totp_for
        outcome = authenticate(db(), actor(), request.form.get("username", ""), request.form.get("password", ""),
                               next_step=lambda user: second_factor.next_step(db(), user, required))
        if outcome.user is not None:
            target = safe_next(request.args.get("next"), url_for("main.home"))
            if outcome.next_step is not None:  # not logged in yet: the two-step code (or enrolment) first
                return second_step.begin(outcome.user, outcome.next_step, target)
            return second_step.finish(outcome.user, None, target)
        error = Message("Gebruikersnaam of wachtwoord klopt niet.")
    return render_template("login.html", error=error), (401 if error else 200)  # type: ignore[return-value]


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    lang = language()
    user = current()
    if user is not None:
        end_sessions(db(), actor(), user.id)  # every session of this user ends, a copied cookie too
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
        user = current()
        if user is not None:  # kept with the user, so the next log-in is in this language too
            keep_language(db(), actor(), user.id, code)
    return redirect(safe_next(request.form.get("next"), url_for("main.home")))
