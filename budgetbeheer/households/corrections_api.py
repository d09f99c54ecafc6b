"""JSON API for corrections after intake: household details, persons, fixed costs, expected income, receipts rebooked,
and the household's history (the audit trail of its changes)."""

from __future__ import annotations

from typing import Any

from flask import Response

from budgetbeheer import clock
from budgetbeheer.households.api import _AMOUNT, _DATE, _ID, fixed_cost_json, income_json, receipt_json
from budgetbeheer.households.corrections import change_expected_income, change_fixed_cost, yearly_settlement
from budgetbeheer.households.details import change_household, details_snapshot, pending_leefgeld_changes
from budgetbeheer.households.history import household_history
from budgetbeheer.households.persons import add_person, correct_person, person_leaves, person_snapshot
from budgetbeheer.households.read import fixed_cost_view, income_view, record_view
from budgetbeheer.households.rebook import rebook_receipt
from budgetbeheer.http.api import ApiRoutes, json_body, ok
from budgetbeheer.http.context import actor, db
from budgetbeheer.http.inputs import query_number
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.households import Creditor, Person, Receipt

routes = ApiRoutes()

_ERRORS = {"422": "invalid values (fields names each)", "404": "not found",
           "409": "already paid or booked, or the household ended (the message says what to do instead)"}
_STRING = {"type": "string"}
_REASON = {"type": "string", "maxLength": 2000}


def _person_json(person: Person) -> dict[str, Any]:
    snapshot = person_snapshot(person)
    return {"id": person.id, "bsn": person.bsn, "first_name": person.first_name, "last_name": person.last_name,
            "date_of_birth": person.date_of_birth.isoformat(),
            "period": {"start": _iso(snapshot["period_start"]), "end": _iso(snapshot["period_end"])},
            "left_on": _iso(person.left_on), "leave_reason": person.leave_reason}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@routes.route("/households/<int:household_id>", ["PATCH"],
              summary="Correct household details: address, caseworker, leefgeld frequency/day/buffer from a date",
              permission="households.write",
              request_body={"type": "object", "properties": {
                  "address": {"type": "object", "properties": {"street": _STRING, "postal_code": _STRING,
                                                               "city": _STRING}},
                  "caseworker_id": _ID,
                  "leefgeld": {"type": "object", "properties": {"frequency": {"enum": ["weekly", "monthly"]},
                                                                "day": {"type": "integer"}, "buffer": _AMOUNT}},
                  "from": {**_DATE, "description": "when the leefgeld settings apply (today or later; default today)"},
                  "reason": _REASON}},
              responses={"200": "the household's details", **_ERRORS})
def households_patch(household_id: int) -> tuple[Response, int]:
    session = db()
    household = change_household(session, actor(), household_id, json_body())
    body = details_snapshot(household) | {"id": household.id, "scheduled_leefgeld": [
        {"from": c.effective_from.isoformat(), "frequency": c.leefgeld_frequency, "day": c.leefgeld_day,
         "buffer": cents_to_str(c.buffer_cents)} for c in pending_leefgeld_changes(session, household.id)]}
    return ok(body)


_PERSON_BODY = {"type": "object", "properties": {
    "bsn": _STRING, "first_name": _STRING, "last_name": _STRING, "date_of_birth": _DATE,
    "from": {**_DATE, "description": "the day the person joins; their own period of six months starts then"},
    "reason": _REASON}, "required": ["bsn", "first_name", "last_name", "date_of_birth"]}


@routes.route("/households/<int:household_id>/persons", ["POST"],
              summary="Add a person (BSN 11-check, in no other running household) with a period of their own",
              permission="households.write", request_body=_PERSON_BODY, responses={"201": "added", **_ERRORS})
def persons_add(household_id: int) -> tuple[Response, int]:
    person = add_person(db(), actor(), household_id, json_body())
    return ok(_person_json(person), 201)


@routes.route("/households/<int:household_id>/persons/<int:person_id>", ["PATCH"],
              summary="Correct a person's name or date of birth", permission="households.write",
              request_body={"type": "object", "properties": {"first_name": _STRING, "last_name": _STRING,
                                                             "date_of_birth": _DATE, "reason": _REASON}},
              responses={"200": "the person", **_ERRORS})
def persons_patch(household_id: int, person_id: int) -> tuple[Response, int]:
    person = correct_person(db(), actor(), household_id, person_id, json_body())
    return ok(_person_json(person))


@routes.route("/households/<int:household_id>/persons/<int:person_id>/leave", ["POST"],
              summary="A person leaves on a date (inside their period), with a reason; their BSN is released",
              permission="households.write",
              request_body={"type": "object", "required": ["date", "reason"],
                            "properties": {"date": _DATE, "reason": _REASON}},
              responses={"200": "the person", **_ERRORS})
def persons_leave(household_id: int, person_id: int) -> tuple[Response, int]:
    person = person_leaves(db(), actor(), household_id, person_id, json_body())
    return ok(_person_json(person))


@routes.route("/households/<int:household_id>/fixed-costs/<int:fixed_cost_id>", ["PATCH"],
              summary="End a fixed cost, or change its creditor, reference, due day, frequency or amount from a date",
              permission="households.write",
              request_body={"type": "object", "properties": {
                  "end_date": {**_DATE, "description": "last instalment date; not before one already paid (409)"},
                  "creditor_id": _ID, "reference": _STRING, "due_day": {"type": "integer"},
                  "frequency": {"enum": ["weekly", "four_weekly", "monthly", "quarterly", "yearly"]},
                  "amount": _AMOUNT,
                  "from": {**_DATE, "description": "when the change applies; after the last paid instalment"},
                  "reason": _REASON}},
              responses={"200": "the fixed cost in force from then on (a new one, replaces_id set, when "
                                "creditor, reference, due day or frequency changed)", **_ERRORS})
def fixed_costs_patch(household_id: int, fixed_cost_id: int) -> tuple[Response, int]:
    session = db()
    cost = change_fixed_cost(session, actor(), household_id, fixed_cost_id, json_body())
    return ok(fixed_cost_json(fixed_cost_view(cost, session.get(Creditor, cost.creditor_id), clock.today())))


@routes.route("/households/<int:household_id>/fixed-costs/<int:fixed_cost_id>/settlement", ["POST"],
              summary="A creditor's yearly settlement (jaarafrekening): an extra amount owed once, or a refund "
                      "booked as income", permission="households.write",
              request_body={"type": "object", "required": ["type", "amount", "date"], "properties": {
                  "type": {"enum": ["owed", "refund"]}, "amount": _AMOUNT,
                  "date": {**_DATE, "description": "owed: the due date (today through the period end); refund: "
                                                   "the day it came in"},
                  "reference": _STRING, "reason": _REASON}},
              responses={"201": "owed: the one-off fixed cost; refund: the receipt", **_ERRORS})
def fixed_costs_settlement(household_id: int, fixed_cost_id: int) -> tuple[Response, int]:
    session = db()
    result = yearly_settlement(session, actor(), household_id, fixed_cost_id, json_body())
    if isinstance(result, Receipt):
        return ok({"type": "refund", "receipt": receipt_json(result)}, 201)
    view = fixed_cost_view(result, session.get(Creditor, result.creditor_id), result.start_date)
    return ok({"type": "owed", "fixed_cost": fixed_cost_json(view)}, 201)


@routes.route("/households/<int:household_id>/expected-income/<int:income_id>", ["PATCH"],
              summary="Change expected income's amount, day or frequency from a date, or stop it (end_date)",
              permission="households.write",
              request_body={"type": "object", "properties": {
                  "amount": _AMOUNT, "day": {"type": "integer"},
                  "frequency": {"enum": ["weekly", "four_weekly", "monthly", "quarterly", "yearly"]},
                  "from": _DATE, "end_date": _DATE, "reason": _REASON}},
              responses={"200": "the expectation in force from then on", **_ERRORS})
def income_patch(household_id: int, income_id: int) -> tuple[Response, int]:
    income = change_expected_income(db(), actor(), household_id, income_id, json_body())
    return ok(income_json(income_view(income)))


@routes.route("/receipts/<int:receipt_id>/rebook", ["POST"],
              summary="Reverse a receipt booked to the wrong household and book it to the right one (finance)",
              permission="receipts.rebook",
              request_body={"type": "object", "required": ["household_id", "reason"],
                            "properties": {"household_id": _ID, "reason": _REASON}},
              responses={"201": "the new receipt (rebooked_from_id: the wrong one)",
                         "409": "already rebooked, or the wrong household no longer holds the money", **{
                             k: v for k, v in _ERRORS.items() if k != "409"}})
def receipts_rebook(receipt_id: int) -> tuple[Response, int]:
    new = rebook_receipt(db(), actor(), receipt_id, json_body())
    return ok(receipt_json(new) | {"rebooked_from_id": new.rebooked_from_id,
                                   "reversal_transaction_id": new.reversal_transaction_id}, 201)


@routes.route("/households/<int:household_id>/history", ["GET"],
              summary="The household's history: every change with before and after, newest first",
              permission="households.read", query={"page": "page number", "per_page": "1-200"},
              responses={"404": "not found"})
def households_history(household_id: int) -> tuple[Response, int]:
    page = query_number("page", 1)
    per_page = min(max(query_number("per_page", 50), 1), 200)
    items, total = household_history(db(), household_id, page=page, per_page=per_page)
    record_view(db(), actor(), household_id, channel="api:history")  # the history holds the persons' BSNs
    return ok({"items": [entry.as_json() for entry in items], "total": total, "page": page, "per_page": per_page})



