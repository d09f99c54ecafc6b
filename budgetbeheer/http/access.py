"""The request's side of access by team (:mod:`budgetbeheer.tables.access`): one guard for every route, web and API.

:func:`guard` runs before every view (after the permission check): a route that names a household, or a row that
belongs to one (a fixed cost, an extension request, a signal, an IBAN change, a one-off payment, an advance, a
receipt), is refused for a user whose scope does not cover that household: 403 with the way to break the glass
(:data:`BREAK_GLASS_FIELD`), or 404 for a row that does not exist (the view says so). Lists filter with
:func:`scope` themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from budgetbeheer.errors import Message, PermissionDenied
from budgetbeheer.http.context import current, db
from budgetbeheer.tables.access import Scope
from budgetbeheer.tables.households import FixedCost, Household, Receipt
from budgetbeheer.tables.lifecycle import ExtensionRequest, Signal
from budgetbeheer.tables.payments import Advance, IbanChange, OneOffPayment
from budgetbeheer.users.permissions import allowed

F = TypeVar("F", bound=Callable[..., Any])

BREAK_GLASS_FIELD = "break_glass_reason"

# A route argument that names a row, and the row's household column.
_HOUSEHOLD_OF: dict[str, InstrumentedAttribute[Any]] = {
    "fixed_cost_id": FixedCost.household_id,
    "request_id": ExtensionRequest.household_id,
    "signal_id": Signal.household_id,
    "change_id": IbanChange.household_id,
    "one_off_id": OneOffPayment.household_id,
    "advance_id": Advance.household_id,
    "receipt_id": Receipt.household_id,
}


def scope() -> Scope:
    """The households the signed-in user reaches (every one for finance, accountants and the system)."""
    if "household_scope" not in g:
        g.household_scope = Scope.of(current())
    return cast(Scope, g.household_scope)


def opens_glass(view: F) -> F:
    """Mark the view that breaks the glass: it is reached for a household outside the user's scope."""
    view._opens_glass = True  # type: ignore[attr-defined]
    return view


def household_of_route(session: Session, view_args: dict[str, Any]) -> int | None:
    """The household the route names, directly or through a row of its; None when it names none."""
    household_id = view_args.get("household_id")
    if isinstance(household_id, int):
        return household_id
    for name, column in _HOUSEHOLD_OF.items():
        row_id = view_args.get(name)
        if isinstance(row_id, int):
            table = column.class_
            found = session.scalar(select(column).where(table.id == row_id))
            return int(found) if found is not None else None
    return None


def refuse_other_team(household_id: int) -> None:
    """403 for a household outside the user's scope, with the way to open it (a stated reason) for a user who may."""
    user = current()
    if user is None or not allowed(user.roles, "households.break_glass"):
        raise PermissionDenied(Message("Huishouden %(id)s hoort bij een ander team.", id=household_id))
    raise PermissionDenied(
        Message("Huishouden %(id)s hoort bij een ander team. Openen kan alleen met een reden (break the glass); "
                "dat komt in het auditlog.", id=household_id),
        {BREAK_GLASS_FIELD: Message("geef een reden om dit huishouden van een ander team te openen")},
    )


def _exists(household_id: int) -> bool:
    return db().get(Household, household_id) is not None


def guard() -> None:
    """before_request: refuse a route that names a household outside the user's scope."""
    if request.endpoint is None or request.view_args is None:
        return
    user = current()
    if user is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "_opens_glass", False) or getattr(view, "_public", False):
        return
    current_scope = scope()
    if current_scope.is_everything:
        return
    session = db()
    household_id = household_of_route(session, request.view_args)
    if household_id is None or current_scope.covers(session, household_id):
        return
    if not _exists(household_id):
        return  # the view answers 404
    g.glass_household_id = household_id
    refuse_other_team(household_id)
