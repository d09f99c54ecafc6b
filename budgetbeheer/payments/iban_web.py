"""Web side of held IBANs and IBAN changes: propose, confirm and reject from the household page and the creditors
register. The pages include ``payments/_household_iban.html`` (needs ``household``) and
``payments/_creditor_iban_changes.html``; both take their data from the ``iban_panel`` template global."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from budgetbeheer.errors import BudgetbeheerError, ValidationError
from budgetbeheer.http.context import actor, current, db, discard, language
from budgetbeheer.http.forms import summary_line
from budgetbeheer.http.redirects import safe_next
from budgetbeheer.http.security import has_permission, requires
from budgetbeheer.i18n import translate
from budgetbeheer.payments import iban_changes, iban_holds
from budgetbeheer.payments.return_reasons import reason_for
from budgetbeheer.tables.households import Creditor, FixedCost, Household
from budgetbeheer.tables.payments import IbanChange, IbanHold
from budgetbeheer.tables.states import HouseholdStatus, IbanChangeStatus, Party

bp = Blueprint("iban_changes", __name__, url_prefix="/iban-changes")


@dataclass
class IbanPanel:
    """What a payee's page shows: active holds with their reason, pending changes, and what the reader may do."""

    holds: list[tuple[IbanHold, str]] = field(default_factory=list)
    creditor_holds: list[tuple[IbanHold, str, str]] = field(default_factory=list)
    """Holds on the IBANs of the household's creditors: ``(hold, reason, creditor name)``."""
    pending: list[IbanChange] = field(default_factory=list)
    can_propose: bool = False
    can_confirm: bool = False
    creditors: list[tuple[int, str]] = field(default_factory=list)


def _reason(hold: IbanHold) -> str:
    reason = reason_for(hold.reason_code)
    return f"{reason.code}: {reason.en if language() == 'en' else reason.nl}"


def panel(household_id: int | None = None) -> IbanPanel:
    """For a household page (``household_id``) or, without it, for the creditors register."""
    session = db()
    result = IbanPanel(can_propose=has_permission("iban_changes.propose"),
                       can_confirm=has_permission("iban_changes.confirm"))
    if household_id is not None:
        household = session.get(Household, household_id)
        if household is None:
            return result
        result.can_propose = result.can_propose and household.status != HouseholdStatus.ENDED
        result.holds = [(h, _reason(h)) for h in iban_holds.holds_for(session, ibans=[household.iban])]
        creditors = session.execute(
            select(Creditor.iban, Creditor.name).where(
                Creditor.id.in_(select(FixedCost.creditor_id).where(FixedCost.household_id == household_id))
            )
        ).all()
        names = {str(iban): str(name) for iban, name in creditors}
        result.creditor_holds = [(h, _reason(h), names[h.iban])
                                 for h in iban_holds.holds_for(session, ibans=list(names))]
        waiting = iban_changes.pending_change(session, household_id=household_id)
        result.pending = [waiting] if waiting else []
        return result
    result.holds = [(h, _reason(h)) for h in iban_holds.list_holds(session) if h.party == "creditor"]
    result.pending = [c for c in iban_changes.list_changes(session, IbanChangeStatus.PENDING) if c.party == Party.CREDITOR]
    result.creditors = [(cid, name) for cid, name in session.execute(
        select(Creditor.id, Creditor.name).order_by(Creditor.name, Creditor.id).limit(2000))]
    return result


def _flash_error(error: BudgetbeheerError) -> None:
    lang = language()
    text = translate(error.message, lang)
    if error.fields and isinstance(error, ValidationError):
        text += " " + " ".join(summary_line(name, why, lang) for name, why in error.fields.items())  # in words
    flash(text, "error")


def _back(fallback: str) -> WerkzeugResponse:
    return redirect(safe_next(request.form.get("next"), fallback))


def _form(*names: str) -> dict[str, Any]:
    return {name: request.form.get(name, "") for name in names}


@bp.route("/households/<int:household_id>", methods=["POST"])
@requires("iban_changes.propose")
def propose_for_household(household_id: int) -> WerkzeugResponse:
    try:
        session = db()
        iban_changes.propose_household_change(session, actor(), household_id,
                                              _form("iban", "account_holder", "reason"))
        flash(translate("IBAN-wijziging voorgesteld; een andere medewerker financiën moet hem bevestigen.",
                        language()), "success")
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
    return _back(url_for("households.show", household_id=household_id))


@bp.route("/creditors", methods=["POST"])
@requires("iban_changes.propose")
def propose_for_creditor() -> WerkzeugResponse:
    raw = request.form.get("creditor_id", "")
    try:
        if not raw.isdigit():
            raise ValidationError({"creditor_id": "Kies een schuldeiser."})
        session = db()
        iban_changes.propose_creditor_change(session, actor(), int(raw), _form("iban", "bic", "reason"))
        flash(translate("IBAN-wijziging voorgesteld; een andere medewerker financiën moet hem bevestigen.",
                        language()), "success")
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
    return _back(url_for("households.creditors"))


@bp.route("/<int:change_id>/confirm", methods=["POST"])
@requires("iban_changes.propose")
def confirm(change_id: int) -> WerkzeugResponse:
    try:
        session = db()
        iban_changes.confirm_change(session, actor(), change_id)
        flash(translate("IBAN-wijziging bevestigd; de volgende betaalrun betaalt naar het nieuwe IBAN.", language()),
              "success")
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
    return _back(url_for("households.creditors"))


@bp.route("/<int:change_id>/reject", methods=["POST"])
@requires("iban_changes.propose")
def reject(change_id: int) -> WerkzeugResponse:
    try:
        session = db()
        iban_changes.reject_change(session, actor(), change_id, request.form.get("note", ""))
        flash(translate("IBAN-wijziging afgewezen.", language()), "success")
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
    return _back(url_for("households.creditors"))


def iban_helpers() -> dict[str, Any]:
    """Template context on every page: whether an IBAN change was proposed by the signed-in user."""
    user = current()
    return {
        "iban_change_is_mine": lambda change: user is not None and (
            change.proposed_by_user_id == user.id or change.proposed_by == user.username),
    }
