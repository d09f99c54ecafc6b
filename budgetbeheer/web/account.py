"""A user's own account: API tokens (made by the user, shown once on a page of its own, never in a flash message,
which travels in the session cookie; revoked by the user or an admin) and the two-step code (TOTP: enrol, confirm,
disable with a current code; :mod:`budgetbeheer.users.second_factor`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from budgetbeheer.errors import Message, NotFound
from budgetbeheer.http.context import actor, commit_on_error, current, db, language, settings
from budgetbeheer.http.idempotency import lands_at, once_per_submission
from budgetbeheer.http.security import requires
from budgetbeheer.i18n import translate
from budgetbeheer.users import second_factor
from budgetbeheer.users.models import ApiToken, User
from budgetbeheer.users.service import create_token, revoke_token
from budgetbeheer.web.second_step import enrolment_view, totp_key

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
@once_per_submission
def new_token() -> str:
    token = create_token(db(), actor(), _me(), label=request.form.get("label") or None)
    lands_at(url_for("account.tokens"))  # a second submit makes no second token; the list shows the one made
    return render_template("account/token_created.html", token=token)  # Cache-Control: no-store (security headers)


def revoke_step(row: ApiToken, action: str, back: str) -> str:
    """The confirmation step of revoking a token (issue 15): which token, what stops working; nothing written."""
    owner = db().get(User, row.user_id)
    return render_template("account/revoke_confirm.html", token=row, owner=owner, action=action, back=back)


def _own_token(token_id: int) -> ApiToken:
    row = db().get(ApiToken, token_id)
    if row is None or row.user_id != _me().id:
        raise NotFound(Message("Token bestaat niet."))
    return row


@bp.route("/tokens/<int:token_id>/revoke/confirm", methods=["POST"])
@requires("tokens.own")
def revoke_confirm(token_id: int) -> str:
    return revoke_step(_own_token(token_id), url_for("account.revoke", token_id=token_id), url_for("account.tokens"))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("tokens.own")
def revoke(token_id: int) -> Response | str:
    """Revoking, confirmed (``confirm=1``); without it, the confirmation step. The API revokes in one call."""
    row = _own_token(token_id)
    if request.form.get("confirm") != "1":
        return revoke_confirm(token_id)
    revoke_token(db(), actor(), row.id)
    flash(translate("Token ingetrokken.", language()), "success")
    return redirect(url_for("account.tokens"))


def _security_page(error: Message | None = None) -> tuple[str, int]:
    user = _me()
    enrolled = second_factor.is_enrolled(db(), user.id)
    secret = None if enrolled else second_factor.pending_secret(db(), user, totp_key())
    return render_template(
        "account/security.html", enrolled=enrolled, error=error,
        required=second_factor.is_required(user, settings().require_totp_for),
        **(enrolment_view(user, secret) if secret else {}),
    ), (422 if error else 200)


@bp.route("/security")
@requires("account.own")
def security() -> tuple[str, int]:
    return _security_page()


@bp.route("/security/totp", methods=["POST"])
@requires("account.own")
@once_per_submission  # a second submit keeps the secret the first one made (the app may have read it already)
def totp_start() -> Response:
    second_factor.start_enrolment(db(), actor(), _me(), totp_key())
    return redirect(url_for("account.security"))


@bp.route("/security/totp/confirm", methods=["POST"])
@requires("account.own")
@commit_on_error  # a wrong code answers 422, and its audit entry must stay
def totp_confirm() -> Response | tuple[str, int]:
    if not second_factor.confirm_enrolment(db(), actor(), _me(), request.form.get("code", ""), totp_key()):
        return _security_page(second_factor.WRONG_CODE)
    flash(translate("Tweestapsverificatie staat aan.", language()), "success")
    return redirect(url_for("account.security"))


@bp.route("/security/totp/disable", methods=["POST"])
@requires("account.own")
@commit_on_error  # a wrong code answers 422, and its audit entry must stay
def totp_disable() -> Response | tuple[str, int]:
    user = _me()
    if not second_factor.disable(db(), actor(), user, request.form.get("code", ""), totp_key(),
                                 settings().require_totp_for):
        return _security_page(second_factor.WRONG_CODE)
    flash(translate("Tweestapsverificatie staat uit.", language()), "success")
    return redirect(url_for("account.security"))
