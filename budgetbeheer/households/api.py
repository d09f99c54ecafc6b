"""JSON API for households, fixed costs, expected income, receipts, statements and creditors."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from flask import Response, request

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.domain.categories import LABELS_NL, Category
from budgetbeheer.domain.forecast import Forecast
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.households.creditors import (
    change_creditor_address,
    confirm_creditor,
    create_creditor,
    creditor_warning,
    list_creditors,
    reject_creditor,
)
from budgetbeheer.households.figures import ONE_OFFS, HouseholdFigures, Reservation
from budgetbeheer.households.fixed_costs import add_fixed_cost, change_fixed_cost_amount
from budgetbeheer.households.glass import REASON_FIELD, break_glass
from budgetbeheer.households.income import add_expected_income
from budgetbeheer.households.inputs import (
    AmountChangeData,
    CreditorData,
    FixedCostData,
    IncomeData,
    IntakeData,
    ReceiptData,
)
from budgetbeheer.households.intake import enrol_household
from budgetbeheer.households.read import (
    PAGE_SIZE,
    FixedCostView,
    HouseholdRow,
    HouseholdView,
    IncomeView,
    Statement,
    fixed_cost_view,
    has_digits,
    household_forecast,
    household_view,
    households_elsewhere,
    income_view,
    record_bsn_search,
    record_view,
    search_households,
    statement,
)
from budgetbeheer.households.receipts import RECEIPT_KINDS, book_receipt
from budgetbeheer.http.access import opens_glass, scope
from budgetbeheer.http.api import ApiRoutes, json_body, ok
from budgetbeheer.http.context import actor, current, db, language, settings
from budgetbeheer.http.inputs import parsed_json, query_number
from budgetbeheer.i18n import translate
from budgetbeheer.money import cents_to_str
from budgetbeheer.payments.arrears import ShortInstalment
from budgetbeheer.tables.households import Creditor, FixedCost, Receipt
from budgetbeheer.tables.states import CreditorStatus, values

_AMOUNT = {
    "type": "string", "pattern": r"^(€ ?)?([0-9]+([.,][0-9]{1,2})?|[0-9]{1,3}(\.[0-9]{3})+,[0-9]{1,2})$",
    "maxLength": 40,
    "description": "1234.56, 1234,56 or 1.234,56; positive, at most 100000.00; 1,000.00 and 1.000 are refused",
}
_DATE = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
_PERSON = {
    "type": "object",
    "properties": {"bsn": {"type": "string"}, "first_name": {"type": "string"}, "last_name": {"type": "string"},
                   "date_of_birth": {"type": "string", "format": "date"}},
    "required": ["bsn", "first_name", "last_name", "date_of_birth"],
}
_HOUSEHOLD_BODY = {
    "type": "object",
    "properties": {
        "persons": {"type": "array", "items": _PERSON},
        "iban": {"type": "string"},
        "account_holder": {"type": "string"},
        "benefit_start_date": {"type": "string", "format": "date"},
        "leefgeld": {"type": "object", "properties": {"frequency": {"enum": ["weekly", "monthly"]},
                                                      "day": {"type": "integer"}, "buffer": {"type": "string"}}},
        "address": {"type": "object", "properties": {"street": {"type": "string"}, "postal_code": {"type": "string"},
                                                     "city": {"type": "string"}}},
        "caseworker_id": {"type": "integer"},
    },
    "required": ["persons", "iban", "account_holder", "benefit_start_date"],
}
_FIXED_COST_BODY = {
    "type": "object",
    "properties": {
        "category": {"type": "string"}, "creditor_id": {"type": "integer"},
        "creditor": {"type": "object", "properties": {"name": {"type": "string"}, "iban": {"type": "string"}}},
        "amount": _AMOUNT, "frequency": {"type": "string"}, "due_day": {"type": "integer"},
        "reference": {"type": "string"}, "start_date": _DATE, "end_date": _DATE,
    },
    "required": ["category", "amount", "due_day"],
}
_INCOME_BODY = {
    "type": "object",
    "properties": {"kind": {"type": "string"}, "amount": _AMOUNT, "day": {"type": "integer"},
                   "frequency": {"enum": ["weekly", "four_weekly", "monthly", "quarterly", "yearly"]},
                   "start_date": _DATE, "end_date": _DATE},
    "required": ["kind", "amount", "day"],
}
_RECEIPT_BODY = {
    "type": "object",
    "properties": {"household_id": _ID, "amount": _AMOUNT,
                   "date": {**_DATE, "description": "2000-01-01 through tomorrow"},
                   "kind": {"enum": list(RECEIPT_KINDS)}, "reference": {"type": "string", "maxLength": 140},
                   "confirm_duplicate": {"type": "boolean", "description": "without an Idempotency-Key: book it even "
                                         "though an equal receipt was booked in the last days (else 409)"}},
    "required": ["household_id", "amount", "date", "kind"],
}
_ADDRESS_PROPERTIES = {
    "street_name": {"type": "string", "maxLength": 70}, "building_number": {"type": "string", "maxLength": 16},
    "postal_code": {"type": "string", "maxLength": 16}, "town_name": {"type": "string", "maxLength": 35},
    "country": {"type": "string", "description": "ISO 3166 alpha-2; town and country required once any part is "
                "given, and for an IBAN outside the EEA"},
}
_CREDITOR_BODY = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "iban": {"type": "string"}, "bic": {"type": "string"},
                   "default_category": {"type": "string"}, "reference_required": {"type": "boolean"},
                   "reference_kind": {"enum": ["betalingskenmerk", "iso11649", "free_text", "none"]},
                   **_ADDRESS_PROPERTIES},
    "required": ["name", "iban"],
}
_ADDRESS_BODY = {"type": "object", "properties": _ADDRESS_PROPERTIES}
# The bodies below are cast to the use cases' input types (households/inputs.py) unchecked: the JSON schema above
# documents them, and each use case validates every field itself, so a bad value is a 422 naming that field.
_ERRORS = {"422": "invalid values", "404": "household not found", "409": "household ended"}


# ------------------------------------------------------------------------------------- the read side as JSON


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def reservation_json(line: Reservation) -> dict[str, Any]:
    """One line of what the balance is kept for (the statement's ``held``)."""
    label = (line.kind if line.kind in ("buffer", ONE_OFFS) else LABELS_NL.get(Category(line.kind), line.kind))
    return {"for": line.kind, "label": label, "fixed_cost_id": line.fixed_cost_id,
            "due_date": _iso(line.due_date) or "", "amount": cents_to_str(line.amount_cents),
            "overdue": line.overdue, "in_arrears": line.in_arrears}


def arrear_json(row: ShortInstalment) -> dict[str, Any]:
    return {"fixed_cost_id": row.fixed_cost_id, "category": row.category, "creditor": row.creditor_name,
            "due_date": row.due_date.isoformat(), "amount": cents_to_str(row.amount_cents),
            "first_short_on": row.first_short_on.isoformat(), "runs_short": row.runs_short}


def figures_json(figures: HouseholdFigures) -> dict[str, Any]:
    """The household's five figures (see :mod:`budgetbeheer.households.figures`), amounts as "650.00", with the run
    they follow (``next_run``, its execution date), what it keeps back (``reserved_through`` inclusive,
    ``reserved_until`` the day after, ``next_income``) and, for a final settlement, ``not_paid_at_end``."""
    return {
        "as_of": figures.on.isoformat(),
        "balance": cents_to_str(figures.balance_cents),
        "planned": cents_to_str(figures.planned_cents),
        "in_transit": cents_to_str(figures.in_transit_cents),
        "reserved": cents_to_str(figures.reserved_cents),
        "available": cents_to_str(figures.available_cents),
        "uncovered": cents_to_str(figures.uncovered_cents),
        "reserved_until": figures.reserved_until.isoformat(),
        "reserved_through": figures.reserved_through.isoformat(),
        "next_run": figures.next_run_on.isoformat(),
        "next_income": _iso(figures.next_income),
        "final": figures.final,
        "extension_pending": figures.extension_pending,
        "reservations": [reservation_json(line) for line in figures.reserved],
        "not_paid_at_end": [reservation_json(line) for line in figures.not_paid_at_end],
        "arrears": [arrear_json(row) for row in figures.arrears],
    }


def household_json(view: HouseholdView) -> dict[str, Any]:
    """``GET /households/{id}``: the household with ``balance`` (its funds account) and all its ``figures``."""
    return {
        "id": view.id,
        "status": view.status,
        "persons": [{"id": p.id, "bsn": p.bsn, "first_name": p.first_name, "last_name": p.last_name,
                     "date_of_birth": p.date_of_birth.isoformat(),
                     "period": {"start": _iso(p.period_start), "end": _iso(p.period_end)},
                     "left_on": _iso(p.left_on), "leave_reason": p.leave_reason} for p in view.persons],
        "iban": view.iban,
        "account_holder": view.account_holder,
        "address": {"street": view.address_street, "postal_code": view.address_postal_code,
                    "city": view.address_city},
        "caseworker_id": view.caseworker_id,
        "benefit_start_date": view.benefit_start_date.isoformat(),
        "period": {"start": view.period_start.isoformat(), "end": view.period_end.isoformat(),
                   "days_left": view.days_left, "over": view.period_over},
        "leefgeld": {"frequency": view.leefgeld_frequency, "day": view.leefgeld_day,
                     "buffer": cents_to_str(view.buffer_cents)},
        "balance": cents_to_str(view.balance_cents),
        "figures": figures_json(view.figures),
        "fixed_costs": [fixed_cost_json(c) for c in view.fixed_costs],
        "expected_income": [income_json(i) for i in view.expected_income],
        "missing_required_categories": list(view.missing_required_categories),
        "advances": [{"id": a.id, "amount": cents_to_str(a.amount_cents), "open": cents_to_str(a.open_cents),
                      "granted_on": a.granted_on.isoformat(), "recovery_type": a.recovery_type}
                     for a in view.advances],
    }


def fixed_cost_json(cost: FixedCostView, *, with_creditor: bool = True) -> dict[str, Any]:
    """A fixed cost with its amount on the view's day and its history; ``with_creditor`` adds the creditor's name and
    account (adding a fixed cost answers with it, changing its amount does not)."""
    body = {
        "id": cost.id, "household_id": cost.household_id, "category": cost.category, "creditor_id": cost.creditor_id,
        "amount": cents_to_str(cost.amount_cents), "frequency": cost.frequency, "due_day": cost.due_day,
        "reference": cost.reference, "start_date": cost.start_date.isoformat(), "end_date": _iso(cost.end_date),
        "replaces_id": cost.replaces_id,
        "amounts": [{"amount": cents_to_str(cents), "effective_from": since.isoformat()}
                    for since, cents in cost.amounts],
    }
    if with_creditor:
        body["creditor"] = {"id": cost.creditor_id, "name": cost.creditor_name, "iban": cost.creditor_iban,
                            "bic": cost.creditor_bic}
    return body


def income_json(income: IncomeView) -> dict[str, Any]:
    return {"id": income.id, "household_id": income.household_id, "kind": income.kind,
            "amount": cents_to_str(income.amount_cents), "day": income.day, "frequency": income.frequency,
            "start_date": income.start_date.isoformat(), "end_date": _iso(income.end_date),
            "replaces_id": income.replaces_id}


def receipt_json(receipt: Receipt) -> dict[str, Any]:
    return {"id": receipt.id, "household_id": receipt.household_id, "amount": cents_to_str(receipt.amount_cents),
            "date": receipt.received_on.isoformat(), "kind": receipt.kind, "reference": receipt.reference,
            "source": receipt.source, "ledger_transaction_id": receipt.ledger_transaction_id}


def creditor_json(creditor: Creditor) -> dict[str, Any]:
    return {"id": creditor.id, "name": creditor.name, "iban": creditor.iban, "bic": creditor.bic,
            "default_category": creditor.default_category, "reference_required": creditor.reference_required,
            "reference_kind": creditor.reference_kind, "active": creditor.active,
            "address": {name: getattr(creditor, name) for name in v.ADDRESS_FIELDS},
            "status": creditor.status, "name_flag": creditor.name_flag, "added_by": creditor.added_by,
            "decided_by": creditor.decided_by, "decision_reason": creditor.decision_reason}


def household_row_json(row: HouseholdRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "names": list(row.names),
        "bsns": list(row.masked_bsns),
        "period_end": row.period_end.isoformat(),
        "status": row.status,
        "balance": cents_to_str(row.balance_cents),
    }


def statement_json(result: Statement) -> dict[str, Any]:
    return {
        "household_id": result.household_id,
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "opening_balance": cents_to_str(result.opening_cents),
        "closing_balance": cents_to_str(result.closing_cents),
        "movements": [
            {"transaction_id": m.transaction_id, "date": m.date.isoformat(), "kind": m.kind,
             "description": m.description, "amount": cents_to_str(m.amount_cents),
             "balance": cents_to_str(m.balance_cents)}
            for m in result.movements
        ],
        "held": [reservation_json(line) for line in result.held],
        "figures": figures_json(result.figures),
    }


def forecast_json(result: Forecast) -> dict[str, Any]:
    uncovered = result.first_uncovered
    return {
        "opening_balance": cents_to_str(result.opening_balance_cents),
        "days": [
            {"date": d.date.isoformat(), "income": cents_to_str(d.income_cents),
             "fixed_costs": cents_to_str(d.fixed_costs_cents), "leefgeld": cents_to_str(d.leefgeld_cents),
             "balance": cents_to_str(d.closing_balance_cents), "unpaid": cents_to_str(d.unpaid_cents)}
            for d in result.days
        ],
        "first_uncovered": None if uncovered is None else {
            "date": uncovered.date.isoformat(), "category": uncovered.category.value,
            "amount": cents_to_str(uncovered.amount_cents), "due_date": uncovered.due_date.isoformat(),
        },
    }


routes = ApiRoutes()


@routes.route("/households", ["POST"], summary="Enrol a household (intake)", permission="households.write",
       request_body=_HOUSEHOLD_BODY, responses={"201": "created", "422": "invalid values"})
def households_create() -> tuple[Response, int]:
    data = cast(IntakeData, json_body())
    today = clock.today()
    session = db()
    household = enrol_household(session, actor(), data, today=today)
    household_id = household.id
    warning = v.past_start_warning(household.period_start, household.period_end, today)
    view = household_json(household_view(db(), household_id, today,
                                                 lead_business_days=settings().lead_business_days))
    # A start in the past is accepted with a warning: what it means, in words (the form shows the same text).
    view["warnings"] = {} if warning is None else {"benefit_start_date": translate(warning, language())}
    return ok(view, 201)


@routes.route("/households", ["GET"], summary="Households, searched by name (BSN masked; a BSN: POST /households/search)",
       permission="households.read", query={"query": "a name (digits are refused: a BSN never goes in a URL)",
                                            "page": "page number", "per_page": f"at most 500 (default {PAGE_SIZE})"},
       responses={"422": "digits in query: search a BSN with POST /households/search"})
def households_list() -> tuple[Response, int]:
    query = request.args.get("query")
    if has_digits(query):
        raise ValidationError({"query": Message(
            "Een BSN hoort niet in een adres: zoek het met POST /api/v1/households/search en {\"bsn\": \"...\"} "
            "(het volledige BSN); hier alleen een naam.")})
    page = query_number("page", 1)
    per_page = query_number("per_page", PAGE_SIZE, maximum=500)
    rows, total = search_households(db(), query, page, per_page, scope=scope())
    return _list_json(rows, total, page, per_page)


def _list_json(rows: list[HouseholdRow], total: int, page: int, per_page: int,
               **extra: Any) -> tuple[Response, int]:
    return ok({"items": [household_row_json(r) for r in rows], "total": total, "page": page,
               "page_size": per_page, "per_page": per_page, **extra})


@routes.route("/households/search", ["POST"], summary="Households by a full BSN (audited) or a name, BSN masked",
       permission="households.read",
       request_body={"bsn": "a full BSN (9 digits, the 11-check)", "query": "or a name"},
       query={"page": "page number", "per_page": f"at most 500 (default {PAGE_SIZE})"},
       responses={"200": "the list", "422": "no full BSN, or digits in query"})
def households_search() -> tuple[Response, int]:
    body = json_body()
    page = query_number("page", 1)
    per_page = query_number("per_page", PAGE_SIZE, maximum=500)
    session = db()
    if body.get("bsn") not in (None, ""):
        errors = v.Errors()
        number = v.bsn(errors, "bsn", body.get("bsn"))
        errors.raise_if_any()
        assert number is not None
        rows, total = search_households(session, bsn=number, page=page, page_size=per_page, scope=scope())
        elsewhere = households_elsewhere(session, number, scope())
        record_bsn_search(session, actor(), number, rows, channel="api", elsewhere=elsewhere)
        # Another team's household with this BSN: only its number, to open with POST /households/{id}/break-glass.
        return _list_json(rows, total, page, per_page, other_teams=[{"id": other} for other in elsewhere])
    query = body.get("query")
    if query is not None and not isinstance(query, str):
        raise ValidationError({"query": Message("Geef hier tekst.")})
    if has_digits(query):
        raise ValidationError({"query": Message("Zoek op een naam, of geef het volledige BSN in bsn.")})
    rows, total = search_households(session, query, page, per_page, scope=scope())
    return _list_json(rows, total, page, per_page)


@routes.route("/households/<int:household_id>/break-glass", ["POST"],
       summary="Open a household of another team for an hour, with a stated reason (audited: break the glass)",
       permission="households.break_glass", request_body={REASON_FIELD: "why you open it (required)"},
       responses={"201": "open until `until`", "404": "not found", "422": "no reason"})
@opens_glass
def households_break_glass(household_id: int) -> tuple[Response, int]:
    row = break_glass(db(), actor(), household_id, json_body().get(REASON_FIELD))
    return ok({"household_id": row.household_id, "until": row.expires_at.isoformat(), "reason": row.reason}, 201)


@routes.route("/households/<int:household_id>", ["GET"], summary="A household with balance, figures, period, costs and income",
       permission="households.read", responses={"404": "not found"})
def households_get(household_id: int) -> tuple[Response, int]:
    session = db()
    view = household_view(session, household_id, lead_business_days=settings().lead_business_days)
    record_view(session, actor(), household_id, channel="api")
    return ok(household_json(view))


@routes.route("/households/<int:household_id>/fixed-costs", ["POST"], summary="Add a fixed cost",
       permission="households.write", request_body=_FIXED_COST_BODY, responses={"201": "created", **_ERRORS})
def households_add_fixed_cost(household_id: int) -> tuple[Response, int]:
    data = cast(FixedCostData, json_body())
    session = db()
    cost = add_fixed_cost(session, actor(), household_id, data)
    creditor = session.get(Creditor, cost.creditor_id)
    body = fixed_cost_json(fixed_cost_view(cost, creditor, clock.today()))
    if creditor is not None:  # a creditor finance has not confirmed gets nothing yet: say so (issue 14)
        body["creditor"] |= {"status": creditor.status, "name_flag": creditor.name_flag}
        warning = creditor_warning(creditor)
        body["warnings"] = {} if warning is None else {"creditor": translate(warning, language())}
    return ok(body, 201)


@routes.route("/fixed-costs/<int:fixed_cost_id>/amounts", ["POST"], summary="Change a fixed cost's amount from a date on",
       permission="households.write",
       request_body={"type": "object", "properties": {"amount": _AMOUNT,
                                                      "effective_from": _DATE,
                                                      "reason": {"type": "string"}}},
       responses={"201": "created", **_ERRORS})
def households_change_amount(fixed_cost_id: int) -> tuple[Response, int]:
    data = cast(AmountChangeData, json_body())
    session = db()
    change_fixed_cost_amount(session, actor(), fixed_cost_id, data)
    cost = session.get(FixedCost, fixed_cost_id)
    assert cost is not None
    body = fixed_cost_json(fixed_cost_view(cost, None, clock.today()), with_creditor=False)
    return ok(body, 201)


@routes.route("/households/<int:household_id>/expected-income", ["POST"], summary="Add expected income",
       permission="households.write", request_body=_INCOME_BODY, responses={"201": "created", **_ERRORS})
def households_add_income(household_id: int) -> tuple[Response, int]:
    data = cast(IncomeData, json_body())
    session = db()
    income = add_expected_income(session, actor(), household_id, data)
    body = income_json(income_view(income))
    return ok(body, 201)


@routes.route("/receipts", ["POST"], summary="Book a receipt (header Idempotency-Key: the same key again returns it)",
       permission="receipts.write", request_body=_RECEIPT_BODY,
       responses={"201": "booked", "422": "invalid values (or a service account without an Idempotency-Key)",
                  "409": "key used with another body"})
def receipts_create() -> tuple[Response, int]:
    data = cast(ReceiptData, json_body())
    key = request.headers.get("Idempotency-Key")
    user = current()
    if key is None and user is not None and user.is_service_account:  # a machine retries: each retry must be one
        raise ValidationError({"Idempotency-Key": Message(
            "Een service-account geeft bij elke ontvangst een Idempotency-Key mee, zodat een nieuwe poging niet "
            "nog eens boekt.")})
    session = db()
    receipt, created = book_receipt(session, actor(), data, idempotency_key=key, source="api",
                                    duplicate_days=settings().receipt_duplicate_days)
    body = receipt_json(receipt)
    return ok(body, 201 if created else 200)


def _dates() -> tuple[Any, Any]:
    errors = v.Errors()
    start = v.iso_date(errors, "from", request.args.get("from"), required=False)
    end = v.iso_date(errors, "to", request.args.get("to"), required=False)
    errors.raise_if_any()
    return start, end


@routes.route("/households/<int:household_id>/statement", ["GET"], summary="Every movement with running balance",
       permission="households.read", query={"from": "YYYY-MM-DD (inclusive)", "to": "YYYY-MM-DD (inclusive)"},
       responses={"404": "not found", "422": "bad dates"})
def households_statement(household_id: int) -> tuple[Response, int]:
    start, end = _dates()
    return ok(statement_json(statement(db(), household_id, start, end,
                                               lead_business_days=settings().lead_business_days)))


@routes.route("/households/<int:household_id>/forecast", ["GET"], summary="Day-by-day forecast for the next 8 weeks",
       permission="households.read", responses={"404": "not found"})
def households_forecast(household_id: int) -> tuple[Response, int]:
    return ok(forecast_json(household_forecast(db(), household_id,
                                                       lead_business_days=settings().lead_business_days)))


@routes.route("/creditors", ["GET"], summary="The creditors register", permission="creditors.read",
       query={"query": "part of the name", "status": "pending, confirmed or rejected"},
       responses={"422": "unknown status"})
def creditors_list() -> tuple[Response, int]:
    raw_status = request.args.get("status")
    status = None
    if raw_status:
        errors = v.Errors()
        status = v.choice(errors, "status", raw_status, values(CreditorStatus))
        errors.raise_if_any()
    return ok([creditor_json(c) for c in list_creditors(db(), request.args.get("query"), status)])


_DECISION_BODY = {"type": "object", "properties": {"reason": {"type": "string"}}}


@routes.route("/creditors/<int:creditor_id>/confirm", ["POST"],
       summary="Confirm a creditor that waits for confirmation (finance; not the one who added it)",
       permission="creditors.confirm", request_body=_DECISION_BODY,
       responses={"200": "the creditor", "404": "no such creditor", "409": "not pending, or your own"})
def creditors_confirm(creditor_id: int) -> tuple[Response, int]:
    body = parsed_json()
    creditor = confirm_creditor(db(), actor(), creditor_id, body.get("reason") if isinstance(body, dict) else None)
    return ok(creditor_json(creditor))


@routes.route("/creditors/<int:creditor_id>/reject", ["POST"],
       summary="Reject a creditor that waits for confirmation, with a reason (finance; not the one who added it)",
       permission="creditors.confirm", request_body=_DECISION_BODY,
       responses={"200": "the creditor", "404": "no such creditor", "409": "not pending, or your own",
                  "422": "no reason"})
def creditors_reject(creditor_id: int) -> tuple[Response, int]:
    body = parsed_json()
    creditor = reject_creditor(db(), actor(), creditor_id, body.get("reason") if isinstance(body, dict) else None)
    return ok(creditor_json(creditor))


@routes.route("/creditors", ["POST"], summary="Add a creditor to the register", permission="creditors.write",
       request_body=_CREDITOR_BODY, responses={"201": "created", "409": "already there", "422": "invalid values"})
def creditors_create() -> tuple[Response, int]:
    data = cast(CreditorData, json_body())
    session = db()
    creditor = create_creditor(session, actor(), data)
    body = creditor_json(creditor)
    warning = creditor_warning(creditor)
    body["warnings"] = {} if warning is None else {"name": translate(warning, language())}
    return ok(body, 201)


@routes.route("/creditors/<int:creditor_id>/address", ["PUT"], summary="Set a creditor's postal address",
       permission="creditors.write", request_body=_ADDRESS_BODY,
       responses={"200": "the creditor", "404": "no such creditor", "422": "invalid values"})
def creditors_address(creditor_id: int) -> tuple[Response, int]:
    creditor = change_creditor_address(db(), actor(), creditor_id, json_body())
    return ok(creditor_json(creditor))
