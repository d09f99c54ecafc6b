"""JSON API for one-off payments and advances."""

from __future__ import annotations

from flask import Response, g, request

from budgetbeheer.households.common import get_household
from budgetbeheer.households.income import INCOME_KINDS
from budgetbeheer.http.api import ApiRoutes, json_body, ok
from budgetbeheer.http.context import actor, db, settings
from budgetbeheer.special import advances, one_offs

routes = ApiRoutes()

_AMOUNT = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "examples": ["125.00"]}


@routes.route(
    "/households/<int:household_id>/one-off-payments", ["POST"],
    summary="Ask for a one-off payment (incidentele betaling) from the household's money; finance approves",
    permission="one_offs.request",
    request_body={"type": "object", "required": ["amount", "reason"], "properties": {
        "amount": _AMOUNT, "creditor_id": {"type": "integer"},
        "to_household": {"type": "boolean", "description": "extra leefgeld to the household's own IBAN"},
        "reference": {"type": "string", "maxLength": 140}, "reason": {"type": "string", "minLength": 5}}},
    responses={"201": "requested, waiting for a finance user's approval",
               "409": "the household ended", "422": "invalid, or more than the household has (says how much is)"},
)
def request_one_off(household_id: int) -> tuple[Response, int]:
    session = db()
    row = one_offs.request_one_off(session, actor(), household_id, json_body(),
                                   lead_business_days=settings().lead_business_days)
    return ok(one_offs.one_off_json(session, row), 201)


@routes.route("/households/<int:household_id>/one-off-payments", ["GET"],
              summary="A household's one-off payments and where each is", permission="households.read")
def list_one_offs(household_id: int) -> tuple[Response, int]:
    session = db()
    get_household(session, household_id)
    return ok([one_offs.one_off_json(session, r) for r in one_offs.one_offs_for(session, household_id)])


@routes.route("/one-off-payments", ["GET"], summary="One-off payments waiting for a finance user's approval",
              permission="one_offs.approve",
              query={"all": "false (default): those asked by others, which the token user may approve; true: all"})
def waiting_one_offs() -> tuple[Response, int]:
    session = db()
    everyone = request.args.get("all") == "true"
    rows = one_offs.waiting_for_approval(session, not_by_user=None if everyone else g.api_user.id)
    return ok([one_offs.one_off_json(session, r) for r in rows])


@routes.route(
    "/one-off-payments/<int:one_off_id>/approve", ["POST"],
    summary="Approve a one-off payment (not one's own request): the next payment run pays it",
    permission="one_offs.approve",
    request_body={"type": "object", "properties": {"note": {"type": "string"}}},
    responses={"409": "asked for by this user, or already decided", "422": "the money is no longer there"},
)
def approve_one_off(one_off_id: int) -> tuple[Response, int]:
    session = db()
    body = json_body()
    row = one_offs.approve_one_off(session, actor(), one_off_id, body.get("note"),
                                   lead_business_days=settings().lead_business_days)
    return ok(one_offs.one_off_json(session, row))


@routes.route(
    "/one-off-payments/<int:one_off_id>/reject", ["POST"], summary="Reject a one-off payment (not one's own request)",
    permission="one_offs.approve",
    request_body={"type": "object", "required": ["note"], "properties": {"note": {"type": "string"}}},
    responses={"409": "asked for by this user, or already decided"},
)
def reject_one_off(one_off_id: int) -> tuple[Response, int]:
    session = db()
    row = one_offs.reject_one_off(session, actor(), one_off_id, json_body().get("note"))
    return ok(one_offs.one_off_json(session, row))


@routes.route(
    "/households/<int:household_id>/advances", ["POST"],
    summary="Grant an advance (voorschot) while income is late, with how it is recovered",
    permission="advances.write",
    request_body={"type": "object", "required": ["amount", "reason", "recovery"], "properties": {
        "amount": _AMOUNT, "reason": {"type": "string", "minLength": 5},
        "recovery": {"oneOf": [
            {"type": "object", "required": ["type", "kind"], "properties": {
                "type": {"const": "next_income"}, "kind": {"type": "string", "enum": list(INCOME_KINDS)}}},
            {"type": "object", "required": ["type", "count"], "properties": {
                "type": {"const": "instalments"}, "count": {"type": "integer", "minimum": 1, "maximum": 12}}},
        ]}}},
    responses={"201": "granted and booked (advances ↔ household funds)",
               "409": "the period is ending or ended", "422": "invalid, or above the limit per household"},
)
def grant_advance(household_id: int) -> tuple[Response, int]:
    session = db()
    row = advances.grant_advance(session, actor(), household_id, json_body(),
                                 maximum_cents=settings().advance_max_cents)
    return ok(advances.advance_json(session, row), 201)


@routes.route("/households/<int:household_id>/advances", ["GET"],
              summary="A household's advances with what is still open", permission="households.read")
def list_advances(household_id: int) -> tuple[Response, int]:
    session = db()
    get_household(session, household_id)
    return ok([advances.advance_json(session, r) for r in advances.advances_for(session, household_id)])


@routes.route(
    "/advances/<int:advance_id>/write-off", ["POST"],
    summary="Write off what is still open on an advance after the period (not by who granted it)",
    permission="advances.write",
    request_body={"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}},
    responses={"409": "granted by this user, nothing open, or the period still runs"},
)
def write_off(advance_id: int) -> tuple[Response, int]:
    session = db()
    row = advances.write_off(session, actor(), advance_id, json_body().get("reason"))
    return ok(advances.advance_json(session, row))
