"""A user's own API tokens: made by the user, shown once on a page of its own (never in a flash message, which
travels in the session cookie), revoked by the user or an admin."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from budgetbeheer.errors import Message, NotFound
from budgetbeheer.http.context import actor, current, db, language
from budgetbeheer.http.security import requires
from budgetbeheer.i18n import translate
from budgetbeheer.users.models import ApiToken, User
from budgetbeheer.users.service import create_token, revoke_token

bp = Blueprint("account", __name__, url_prefix="/account")


def _me() -> User:
    user = current()
    assert user is not None  # the view's permission needs a signed-in user
    return user


@bp.route("/tokens")
@requires("tokens.own")
def tokens() -> str:
    rows = db().scalars(select(ApiToken).where(ApiToken.user_id == _me().id).order_by(ApiToken.id)).all()
    return render_template("account/tokens.html", tokens=rows)


@bp.route("/tokens", methods=["POST"])
@requires("tokens.own")
def new_token() -> str:
    token = create_token(db(), actor(), _me(), label=request.form.get("label") or None)
    return render_template("account/token_created.html", token=token)  # Cache-Control: no-store (security headers)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("tokens.own")
def revoke(token_id: int) -> Response:
    session = db()
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != _me().id:
        raise NotFound(Message("Token bestaat niet."))
    revoke_token(session, actor(), token_id)
    flash(translate("Token ingetrokken.", language()), "success")
    return redirect(url_for("account.tokens"))
