"""Web pages for one-off payments and advances: the household page's panel (``special/_household_money.html``),
asking for a one-off payment, granting an advance, finance's list of one-off payments waiting for approval, and the
approve/reject and write-off actions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from budgetbeheer.errors import BudgetbeheerError, Message, ValidationError
from budgetbeheer.households.common import get_household
from budgetbeheer.households.creditors import list_creditors
from budgetbeheer.households.income import INCOME_KIND_LABELS
from budgetbeheer.http.context import actor, current, db, discard, language, settings
from budgetbeheer.http.idempotency import once_per_submission
from budgetbeheer.http.redirects import safe_next
from budgetbeheer.http.security import requires
from budgetbeheer.i18n import translate
from budgetbeheer.special import advances, one_offs
from budgetbeheer.tables.households import Household
from budgetbeheer.users.permissions import allowed

bp = Blueprint("special", __name__)

NAV = [("Incidentele betalingen", "special.one_offs_waiting", "one_offs.approve")]


def _t(message: Message | str) -> str:
    return translate(message, language())


def _errors(error: BudgetbeheerError, main_field: str) -> dict[str, Message]:
    if isinstance(error, ValidationError) and error.fields:
        return dict(error.fields)
    return {main_field: error.message}


def _flash_error(error: BudgetbeheerError) -> None:
    if isinstance(error, ValidationError) and error.fields:
        flash(" ".join(_t(why) for why in error.fields.values()), "error")
    else:
        flash(_t(error.message), "error")


def _household_page(household_id: int) -> str:
    return url_for("households.show", household_id=household_id)


def special_panel(household_id: int) -> dict[str, Any]:
    """What the household page shows of one-off payments and advances (a template global)."""
    session = db()
    user = current()
    roles = user.roles if user else frozenset()
    rows = one_offs.one_offs_for(session, household_id)
    return {
        "one_offs": [one_offs.one_off_json(session, r) for r in rows],
        "advances": [advances.advance_json(session, r) for r in advances.advances_for(session, household_id)],
        "open_cents": advances.open_cents(session, household_id),
        "can_request": allowed(roles, "one_offs.request"),
        "can_approve": allowed(roles, "one_offs.approve"),
        "can_grant": allowed(roles, "advances.write"),
        "user_id": user.id if user else None,
        "rows": {r.id: r for r in rows},
    }


@bp.route("/households/<int:household_id>/one-off-payments/new", methods=["GET", "POST"])
@requires("one_offs.request")
@once_per_submission
def ask_one_off(household_id: int) -> Any:
    session = db()
    household = get_household(session, household_id)
    errors: dict[str, Message] = {}
    if request.method == "POST":
        data = {"amount": request.form.get("amount"), "reference": request.form.get("reference"),
                "reason": request.form.get("reason"),
                "to_household": request.form.get("payee") == "household",
                "creditor_id": request.form.get("creditor_id") if request.form.get("payee") != "household" else None}
        try:
            one_offs.request_one_off(session, actor(), household_id, data,
                                     lead_business_days=settings().lead_business_days)
            flash(_t("Incidentele betaling aangevraagd. Een financieel medewerker keurt hem goed."), "success")
            return redirect(_household_page(household_id))
        except BudgetbeheerError as error:
            discard()
            errors = _errors(error, "amount")
    money = one_offs.spendable(session, household_id, settings().lead_business_days)
    return render_template("special/one_off_form.html", household=household, errors=errors, form=request.form,
                           creditors=list_creditors(session), spendable=money), (422 if errors else 200)


@bp.route("/one-off-payments", endpoint="one_offs_waiting")
@requires("one_offs.approve")
def one_offs_waiting() -> str:
    session = db()
    rows = one_offs.waiting_for_approval(session)
    households = {r.household_id: session.get(Household, r.household_id) for r in rows}
    user = current()
    return render_template("special/one_offs.html", rows=rows, households=households,
                           items=[one_offs.one_off_json(session, r) for r in rows], user_id=user.id if user else None)


@bp.route("/one-off-payments/<int:one_off_id>/approve", methods=["POST"])
@requires("one_offs.approve")
def approve(one_off_id: int) -> WerkzeugResponse:
    session = db()
    try:
        row = one_offs.approve_one_off(session, actor(), one_off_id, request.form.get("note", ""),
                                       lead_business_days=settings().lead_business_days)
        flash(_t("Incidentele betaling goedgekeurd; de volgende betaalrun betaalt hem."), "success")
        household_id = row.household_id
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
        household_id = None
    fallback = _household_page(household_id) if household_id else url_for("special.one_offs_waiting")
    return redirect(safe_next(request.form.get("next"), fallback))


@bp.route("/one-off-payments/<int:one_off_id>/reject", methods=["POST"])
@requires("one_offs.approve")
def reject(one_off_id: int) -> WerkzeugResponse:
    session = db()
    try:
        one_offs.reject_one_off(session, actor(), one_off_id, request.form.get("note", ""))
        flash(_t("Incidentele betaling afgewezen."), "success")
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
    return redirect(safe_next(request.form.get("next"), url_for("special.one_offs_waiting")))


@bp.route("/households/<int:household_id>/advances/new", methods=["GET", "POST"])
@requires("advances.write")
@once_per_submission
def grant_advance(household_id: int) -> Any:
    session = db()
    household = get_household(session, household_id)
    errors: dict[str, Message] = {}
    if request.method == "POST":
        recovery: dict[str, object] = {"type": request.form.get("recovery_type")}
        if recovery["type"] == "next_income":
            recovery["kind"] = request.form.get("recovery_kind")
        else:
            recovery["count"] = request.form.get("recovery_count")
        data = {"amount": request.form.get("amount"), "reason": request.form.get("reason"), "recovery": recovery}
        try:
            advances.grant_advance(session, actor(), household_id, data, maximum_cents=settings().advance_max_cents)
            flash(_t("Voorschot verstrekt en geboekt."), "success")
            return redirect(_household_page(household_id))
        except BudgetbeheerError as error:
            discard()
            errors = _errors(error, "amount")
    return render_template("special/advance_form.html", household=household, errors=errors, form=request.form,
                           kinds=INCOME_KIND_LABELS, maximum=settings().advance_max_cents,
                           owed=advances.open_cents(session, household_id)), (422 if errors else 200)


@bp.route("/advances/<int:advance_id>/write-off", methods=["POST"])
@requires("advances.write")
def write_off(advance_id: int) -> WerkzeugResponse:
    session = db()
    household_id = advances.get_advance(session, advance_id).household_id
    try:
        advances.write_off(session, actor(), advance_id, request.form.get("reason", ""))
        flash(_t("Het openstaande voorschot is afgeschreven."), "success")
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
    return redirect(_household_page(household_id))
