"""Admin pages: users and roles (a money role waits for a second admin), revoking API tokens; the audit trail for
accountants and admins. An admin makes no token for anyone else: each user makes their own (:mod:`.account`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.errors import BudgetbeheerError, Message, NotFound, ValidationError
from budgetbeheer.http.context import actor, db, discard, language, settings
from budgetbeheer.http.idempotency import once_per_submission
from budgetbeheer.http.inputs import query_number
from budgetbeheer.http.security import requires
from budgetbeheer.i18n import translate
from budgetbeheer.payments.integrity import check_books
from budgetbeheer.users.models import ROLES, ApiToken, RoleGrant, User
from budgetbeheer.users.service import (
    confirm_grant,
    create_user,
    pending_grants,
    reject_grant,
    revoke_token,
    teams,
    update_user,
)
from budgetbeheer.web.account import revoke_step

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _form_errors(error: BudgetbeheerError, main_field: str) -> dict[str, Message]:
    """Invalid input by field; a refusal (a conflict: admin and finance together, a name taken) as its whole sentence
    on the field it is about, the short labels of its fields being no explanation."""
    if isinstance(error, ValidationError) and error.fields:
        return dict(error.fields)
    return {next(iter(error.fields), main_field): error.message}


@bp.route("/users")
@requires("users.manage")
def users() -> str:
    session = db()
    rows = session.scalars(select(User).order_by(User.username)).all()
    names = {user.id: user.username for user in rows}
    return render_template("admin/users.html", users=rows, roles=ROLES, grants=pending_grants(session), names=names)


def _saved_message(session_user: User) -> str:
    waiting = [grant.role for grant in pending_grants(db(), session_user.id)]
    if waiting:
        return translate("Opgeslagen. De rol %(roles)s wacht op bevestiging door een tweede beheerder.", language(),
                         roles=", ".join(waiting))
    return translate("Opgeslagen.", language())


@bp.route("/users/new", methods=["GET", "POST"])
@requires("users.manage")
@once_per_submission
def new_user() -> str | Response:
    errors: dict[str, Message] = {}
    form = request.form
    if request.method == "POST":
        try:
            session = db()
            created = create_user(
                session,
                actor(),
                username=form.get("username", ""),
                display_name=form.get("display_name") or None,
                roles=form.getlist("roles"),
                password=form.get("password", ""),
                language=form.get("language", "nl"),
                team=form.get("team") or None,
            )
            flash(translate("Gebruiker aangemaakt.", language()) + " " + _saved_message(created), "success")
            return redirect(url_for("admin.users"))
        except BudgetbeheerError as error:
            discard()
            errors = _form_errors(error, "username")
    return render_template("admin/user_form.html", user=None, roles=ROLES, errors=errors, form=form,
                           teams=teams(db())), (
        422 if errors else 200
    )  # type: ignore[return-value]


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("users.manage")
@once_per_submission
def edit_user(user_id: int) -> str | Response:
    session = db()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Message("Gebruiker bestaat niet."))
    errors: dict[str, Message] = {}
    if request.method == "POST":
        form = request.form
        try:
            work = db()
            updated = update_user(
                work,
                actor(),
                user_id,
                roles=form.getlist("roles"),
                is_active=form.get("is_active") == "on",
                password=form.get("password") or None,
                display_name=form.get("display_name") or None,
                team=form.get("team") or None,
            )
            flash(translate("Gebruiker bijgewerkt.", language()) + " " + _saved_message(updated), "success")
            return redirect(url_for("admin.users"))
        except BudgetbeheerError as error:
            discard()
            errors = _form_errors(error, "roles")
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)).all()
    return render_template(
        "admin/user_form.html", user=user, roles=ROLES, errors=errors, form=request.form, tokens=tokens,
        grants=pending_grants(session, user_id), teams=teams(session),
    ), (422 if errors else 200)  # type: ignore[return-value]


@bp.route("/role-grants/<int:grant_id>/confirm", methods=["POST"])
@requires("users.manage")
def confirm_role(grant_id: int) -> Response:
    return _decide_grant(grant_id, "confirm")


@bp.route("/role-grants/<int:grant_id>/reject", methods=["POST"])
@requires("users.manage")
def reject_role(grant_id: int) -> Response:
    return _decide_grant(grant_id, "reject")


def _decide_grant(grant_id: int, decision: str) -> Response:
    session = db()
    grant = session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound(Message("Deze roltoekenning bestaat niet."))
    try:
        if decision == "confirm":
            confirm_grant(session, actor(), grant_id)
            flash(translate("Rol bevestigd.", language()), "success")
        else:
            reject_grant(session, actor(), grant_id)
            flash(translate("Roltoekenning afgewezen.", language()), "success")
    except BudgetbeheerError as error:
        discard()
        flash(translate(error.message, language()), "error")
    return redirect(url_for("admin.edit_user", user_id=grant.user_id))


def _token(token_id: int) -> ApiToken:
    row = db().get(ApiToken, token_id)
    if row is None:
        raise NotFound(Message("Token bestaat niet."))
    return row


@bp.route("/tokens/<int:token_id>/revoke/confirm", methods=["POST"])
@requires("users.manage")
def revoke_confirm(token_id: int) -> str:
    """The confirmation step of revoking a user's token (issue 15); nothing written."""
    row = _token(token_id)
    return revoke_step(row, url_for("admin.revoke", token_id=token_id),
                       url_for("admin.edit_user", user_id=row.user_id))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("users.manage")
def revoke(token_id: int) -> Response | str:
    """Revoking, confirmed (``confirm=1``); without it, the confirmation step."""
    row = _token(token_id)
    if request.form.get("confirm") != "1":
        return revoke_confirm(token_id)
    user_id = row.user_id
    revoke_token(db(), actor(), token_id)
    flash(translate("Token ingetrokken.", language()), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/audit")
@requires("audit.read")
def audit() -> str:
    session = db()
    page = query_number("page", 1)
    entries = session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(50).offset((page - 1) * 50)
    ).all()
    result = check_books(session, settings().audit_key) if request.args.get("verify") else None
    return render_template("admin/audit.html", entries=entries, page=page, result=result)
