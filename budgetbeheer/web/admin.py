"""Admin pages: users and roles, API tokens; the audit trail for accountants and admins."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import verify
from budgetbeheer.errors import BudgetbeheerError, Message, NotFound
from budgetbeheer.http.context import actor, db, discard, language
from budgetbeheer.http.inputs import query_number
from budgetbeheer.http.security import requires
from budgetbeheer.i18n import translate
from budgetbeheer.users.models import ROLES, ApiToken, User
from budgetbeheer.users.service import create_token, create_user, revoke_token, update_user

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@requires("users.manage")
def users() -> str:
    rows = db().scalars(select(User).order_by(User.username)).all()
    return render_template("admin/users.html", users=rows, roles=ROLES)


@bp.route("/users/new", methods=["GET", "POST"])
@requires("users.manage")
def new_user() -> str | Response:
    errors: dict[str, Message] = {}
    form = request.form
    if request.method == "POST":
        try:
            session = db()
            create_user(
                session,
                actor(),
                username=form.get("username", ""),
                display_name=form.get("display_name") or None,
                roles=form.getlist("roles"),
                password=form.get("password", ""),
                language=form.get("language", "nl"),
            )
            flash(translate("Gebruiker aangemaakt.", language()), "success")
            return redirect(url_for("admin.users"))
        except BudgetbeheerError as error:
            discard()
            errors = error.fields or {"username": error.message}
    return render_template("admin/user_form.html", user=None, roles=ROLES, errors=errors, form=form), (
        422 if errors else 200
    )  # type: ignore[return-value]


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires("users.manage")
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
            update_user(
                work,
                actor(),
                user_id,
                roles=form.getlist("roles"),
                is_active=form.get("is_active") == "on",
                password=form.get("password") or None,
                display_name=form.get("display_name") or None,
            )
            flash(translate("Gebruiker bijgewerkt.", language()), "success")
            return redirect(url_for("admin.users"))
        except BudgetbeheerError as error:
            discard()
            errors = error.fields or {"roles": error.message}
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)).all()
    return render_template(
        "admin/user_form.html", user=user, roles=ROLES, errors=errors, form=request.form, tokens=tokens
    ), (422 if errors else 200)  # type: ignore[return-value]


@bp.route("/users/<int:user_id>/tokens", methods=["POST"])
@requires("users.manage")
def new_token(user_id: int) -> Response:
    session = db()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Message("Gebruiker bestaat niet."))
    token = create_token(session, actor(), user, label=request.form.get("label") or None)
    flash(translate("Nieuw API-token (wordt maar één keer getoond): %(token)s", language(), token=token), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@requires("users.manage")
def revoke(token_id: int) -> Response:
    session = db()
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(Message("Token bestaat niet."))
    user_id = row.user_id
    revoke_token(session, actor(), token_id)
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
    result = verify(session) if request.args.get("verify") else None
    return render_template("admin/audit.html", entries=entries, page=page, result=result)
