"""The household's corrections page (``/households/<id>/corrections``): persons, details, fixed costs, expected
income, yearly settlements and (finance) receipts rebooked, each a small form that calls the same use case as the API.
A refusal shows each field's reason and writes nothing; every change lands on the household's history."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from budgetbeheer import clock
from budgetbeheer.audit.service import Actor
from budgetbeheer.domain.categories import LABELS_NL
from budgetbeheer.errors import BudgetbeheerError, Message, ValidationError
from budgetbeheer.households.common import get_household, row_id
from budgetbeheer.households.corrections import change_expected_income, change_fixed_cost, yearly_settlement
from budgetbeheer.households.creditors import list_creditors
from budgetbeheer.households.details import change_household, pending_leefgeld_changes
from budgetbeheer.households.fixed_costs import FREQUENCY_LABELS
from budgetbeheer.households.history import household_history
from budgetbeheer.households.income import INCOME_KIND_LABELS
from budgetbeheer.households.persons import add_person, correct_person, person_leaves
from budgetbeheer.households.read import household_view, record_view
from budgetbeheer.households.rebook import rebook_receipt
from budgetbeheer.http.context import actor, db, discard, language
from budgetbeheer.http.idempotency import once_per_submission
from budgetbeheer.http.security import has_permission, requires
from budgetbeheer.i18n import translate
from budgetbeheer.tables.households import Receipt
from budgetbeheer.tables.states import HouseholdStatus
from budgetbeheer.users.models import User, UserRole

bp = Blueprint("corrections", __name__, url_prefix="/households")

Handler = Callable[[Any, Actor, int, Mapping[str, Any]], Message]


def _given(form: Mapping[str, str], *names: str) -> dict[str, Any]:
    """The form's fields that were filled in (an empty field means: no change)."""
    return {name: form[name] for name in names if form.get(name, "").strip()}


def _number(raw: str | None) -> int:
    """A row id from the form, read as every id is (:func:`row_id`: ASCII digits within a BIGINT); 0 (found by no
    one: a clear 404 from the use case) otherwise."""
    return row_id(raw) or 0


def _person(session: Any, who: Actor, household_id: int, form: Mapping[str, str]) -> Message:
    correct_person(session, who, household_id, _number(form.get("person_id")),
                   _given(form, "first_name", "last_name", "date_of_birth", "reason"))
    return Message("Persoon gecorrigeerd.")


def _add_person(session: Any, who: Actor, household_id: int, form: Mapping[str, str]) -> Message:
    add_person(session, who, household_id, _given(form, "bsn", "first_name", "last_name", "date_of_birth", "from",
                                                  "reason"))
    return Message("Persoon toegevoegd.")


def _leave(session: Any, who: Actor, household_id: int, form: Mapping[str, str]) -> Message:
    person_leaves(session, who, household_id, _number(form.get("person_id")), _given(form, "date", "reason"))
    return Message("Vertrek vastgelegd; het BSN is vrijgegeven.")


def _details(session: Any, who: Actor, household_id: int, form: Mapping[str, str]) -> Message:
    data: dict[str, Any] = _given(form, "from", "reason")
    address = _given(form, "street", "postal_code", "city")
    if address:
        data["address"] = {"street": form.get("street"), "postal_code": form.get("postal_code"),
                           "city": form.get("city")}
    if form.get("caseworker_id"):
        data["caseworker_id"] = form["caseworker_id"]
    leefgeld = _given(form, "leefgeld_frequency", "leefgeld_day", "buffer")
    if leefgeld:
        data["leefgeld"] = {"frequency": form.get("leefgeld_frequency"), "day": form.get("leefgeld_day"),
                            "buffer": form.get("buffer")}
    change_household(session, who, household_id, data)
    return Message("Gegevens van het huishouden gewijzigd.")


def _fixed_cost(session: Any, who: Actor, household_id: int, form: Mapping[str, str]) -> Message:
    change_fixed_cost(session, who, household_id, _number(form.get("fixed_cost_id")),
                      _given(form, "end_date", "creditor_id", "reference", "due_day", "frequency", "amount", "from",
                             "reason"))
    return Message("Vaste last gewijzigd.")


def _settlement(session: Any, who: Actor, household_id: int, form: Mapping[str, str]) -> Message:
    yearly_settlement(session, who, household_id, _number(form.get("fixed_cost_id")),
                      _given(form, "type", "amount", "date", "reference", "reason"))
    return Message("Jaarafrekening vastgelegd.")


def _income(session: Any, who: Actor, household_id: int, form: Mapping[str, str]) -> Message:
    change_expected_income(session, who, household_id, _number(form.get("income_id")),
                           _given(form, "amount", "day", "frequency", "from", "end_date", "reason"))
    return Message("Verwacht inkomen gewijzigd.")


def _rebook(session: Any, who: Actor, household_id: int, form: Mapping[str, str]) -> Message:
    if not has_permission("receipts.rebook"):
        abort(403)
    rebook_receipt(session, who, _number(form.get("receipt_id")), _given(form, "household_id", "reason"))
    return Message("Ontvangst omgeboekt.")


FORM_IDS: dict[str, dict[str, str]] = {
    "person": {"person_id": "pc-person", "first_name": "pc-first", "last_name": "pc-last", "date_of_birth": "pc-born",
               "reason": "pc-reason"},
    "add-person": {"bsn": "ap-bsn", "first_name": "ap-first", "last_name": "ap-last", "date_of_birth": "ap-born",
                   "from": "ap-from", "reason": "ap-reason"},
    "leave": {"person_id": "lv-person", "date": "lv-date", "reason": "lv-reason"},
    "details": {"street": "hd-street", "postal_code": "hd-postal", "city": "hd-city", "caseworker_id": "hd-cw",
                "leefgeld_frequency": "hd-freq", "leefgeld_day": "hd-day", "buffer": "hd-buffer", "from": "hd-from",
                "reason": "hd-reason"},
    "fixed-cost": {"fixed_cost_id": "fc-id", "end_date": "fc-end", "creditor_id": "fc-creditor",
                   "reference": "fc-ref", "due_day": "fc-day", "frequency": "fc-freq", "amount": "fc-amount",
                   "from": "fc-from", "reason": "fc-reason"},
    "settlement": {"fixed_cost_id": "st-id", "type": "st-type", "amount": "st-amount", "date": "st-date",
                   "reference": "st-ref", "reason": "st-reason"},
    "income": {"income_id": "in-id", "amount": "in-amount", "day": "in-day", "frequency": "in-freq",
               "from": "in-from", "end_date": "in-end", "reason": "in-reason"},
    "rebook": {"receipt_id": "rb-receipt", "household_id": "rb-household", "reason": "rb-reason"},
}
"""Each correction form's fields (input name → element id in ``households/corrections.html``), for the error
summary's links and the inline messages of a refused correction."""

_SERVICE_NAMES = {"address.street": "street", "address.postal_code": "postal_code", "address.city": "city",
                  "leefgeld.frequency": "leefgeld_frequency", "leefgeld.day": "leefgeld_day",
                  "leefgeld.buffer": "buffer"}
"""The details form's fields under the names the service gives them (its input is nested)."""


def _form_errors(action: str, error: BudgetbeheerError) -> dict[str, Message]:
    """The refusal per field of the form; a refusal of the whole action (a conflict, a field the form does not
    have) under the form's first field, so the summary still links into the form."""
    fields = FORM_IDS[action]
    first = next(iter(fields))
    result: dict[str, Message] = {}
    for name, why in (error.fields or {}).items():
        name = _SERVICE_NAMES.get(name, name)
        result.setdefault(name if name in fields else first, why)
    if not result or not isinstance(error, ValidationError):
        result = {first: error.message, **{k: v for k, v in result.items() if k != first}}
    return result


ACTIONS: dict[str, Handler] = {
    "person": _person, "add-person": _add_person, "leave": _leave, "details": _details,
    "fixed-cost": _fixed_cost, "settlement": _settlement, "income": _income, "rebook": _rebook,
}
_WRITE = {"person", "add-person", "leave", "details", "fixed-cost", "settlement", "income"}


@bp.route("/<int:household_id>/corrections")
@requires("households.read")
def page(household_id: int) -> str:
    return _page(household_id)


def _page(household_id: int, **refused: Any) -> str:
    """The page; ``refused`` (``failed``, ``errors``, ``typed``, ``ids``): a refused correction shown again."""
    session = db()
    today = clock.today()
    household = get_household(session, household_id)
    view = household_view(session, household_id, today)
    record_view(session, actor(), household_id, channel="web:corrections")  # the page shows the full BSNs
    caseworkers = [(str(u.id), u.display_name) for u in session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id).where(UserRole.role == "caseworker",
                                                                       User.is_active.is_(True))
        .order_by(User.display_name))]
    receipts = list(session.scalars(select(Receipt).where(Receipt.household_id == household_id)
                                    .order_by(Receipt.id.desc()).limit(50)))
    history, total = household_history(session, household_id, per_page=100)
    return render_template(
        "households/corrections.html", h=view, household=household, today=today,
        can_write=has_permission("households.write") and household.status != HouseholdStatus.ENDED,
        can_rebook=has_permission("receipts.rebook"), caseworkers=caseworkers,
        creditors=[(str(c.id), f"{c.name} ({c.iban})") for c in list_creditors(session)],
        frequency_options=list(FREQUENCY_LABELS.items()), labels=dict(LABELS_NL), income_labels=INCOME_KIND_LABELS,
        receipts=receipts, history=history, history_total=total,
        scheduled=pending_leefgeld_changes(session, household_id), **refused,
    )


@bp.route("/<int:household_id>/corrections/<action>", methods=["POST"])
@requires("households.read")
@once_per_submission
def act(household_id: int, action: str) -> Response | tuple[str, int]:
    """One correction; refused, the page again (422) with that form open, what was typed kept and each field's
    reason named in words (nothing is written)."""
    if not (has_permission("households.write") or has_permission("receipts.rebook")):
        abort(403)  # a reader who may correct nothing is told so whatever the action (before an unknown one's 404)
    handler = ACTIONS.get(action)
    if handler is None:
        abort(404)
    if action in _WRITE and not has_permission("households.write"):
        abort(403)
    try:
        done = handler(db(), actor(), household_id, request.form)
        flash(translate(done, language()), "success")
    except BudgetbeheerError as error:
        discard()
        typed = {name: request.form.get(name, "") for name in FORM_IDS[action]}
        return _page(household_id, failed=action, errors=_form_errors(action, error), typed=typed,
                     ids=FORM_IDS[action]), 422
    return redirect(url_for("corrections.page", household_id=household_id), 303)
