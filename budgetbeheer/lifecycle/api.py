"""JSON API for extensions, ending, signals, the handover and the scheduler's jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, g, request
from sqlalchemy import select

from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.fields import as_whole_number
from budgetbeheer.households.api import figures_json
from budgetbeheer.households.common import get_household
from budgetbeheer.households.read import record_view
from budgetbeheer.http.access import scope
from budgetbeheer.http.api import ApiRoutes, json_body, ok
from budgetbeheer.http.context import actor, db, registry, settings
from budgetbeheer.http.inputs import query_number
from budgetbeheer.jobs import last_runs
from budgetbeheer.ledger import service as ledger
from budgetbeheer.lifecycle import ending, extensions, handover, signals
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.states import ExtensionStatus, SignalState, values

STATUSES = values(ExtensionStatus)


def _viewer() -> signals.Viewer:
    user = g.api_user
    return signals.Viewer(user.id, user.roles, scope())


routes = ApiRoutes()


@routes.route(
    "/households/<int:household_id>/extensions", ["POST"], summary="Ask to extend the period (pending request)",
    permission="extensions.request",
    request_body={"type": "object", "required": ["months", "reason"], "properties": {
        "months": {"type": "integer", "minimum": 1, "maximum": 12},
        "reason": {"type": "string", "minLength": 10},
        "reason_category": {"type": "string", "enum": list(extensions.REASON_CATEGORIES), "default": "other"},
        "person_id": {"type": "integer", "description": "the person whose period is extended (the law extends per "
                      "person); without it every person still in the household"},
    }},
    responses={"201": "pending request", "409": "period ended or a request is already pending", "422": "invalid"},
)
def request_extension(household_id: int) -> tuple[Response, int]:
    body = json_body()
    session = db()
    row = extensions.request_extension(
        session, actor(), household_id, months=body.get("months"),
        reason_category=body.get("reason_category", "other"), reason_text=body.get("reason"),
        person_id=body.get("person_id"),
    )
    data = extensions.request_json(row)
    return ok(data, 201)


@routes.route("/households/<int:household_id>/extensions", ["GET"], summary="A household's extension requests",
       permission="extensions.read")
def household_extensions(household_id: int) -> tuple[Response, int]:
    get_household(db(), household_id)
    return ok([extensions.request_json(r) for r in extensions.requests_for(db(), household_id)])


def _paged() -> tuple[int, int] | None:
    """``(page, per_page)`` when the client asked for a page; None: the old unpaged list."""
    if "page" not in request.args and "per_page" not in request.args:
        return None
    return query_number("page", 1), query_number("per_page", 50, maximum=500)


@routes.route("/extensions", ["GET"], summary="Extension requests, optionally by status", permission="extensions.read",
       query={"status": "pending, approved, rejected or withdrawn",
              "page": "page number: answers {items, total, page, per_page}", "per_page": "at most 500 (default 50)"})
def list_extensions() -> tuple[Response, int]:
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise ValidationError({"status": Message("Kies pending, approved, rejected of withdrawn.")})
    paged = _paged()
    if paged is None:
        return ok(_with_households(extensions.list_requests(db(), status, scope=scope())))
    page, per_page = paged
    rows = extensions.list_requests(db(), status, per_page, (page - 1) * per_page, scope())
    return ok({"items": _with_households(rows), "total": extensions.count_requests(db(), status, scope()),
               "page": page, "per_page": per_page})


def _with_households(rows: list[Any]) -> list[dict[str, Any]]:
    """Each request with what its decision needs of the household (by need: no BSN, not the file): the account
    holder's name, the period and the balance."""
    ids = sorted({row.household_id for row in rows})
    households = {h.id: h for h in db().scalars(select(Household).where(Household.id.in_(ids)))} if ids else {}
    balances = ledger.household_balances(db(), ids) if ids else {}
    result = []
    for row in rows:
        household = households[row.household_id]
        result.append(extensions.request_json(row) | {"household": {
            "name": household.account_holder,
            "period": {"start": household.period_start.isoformat(), "end": household.period_end.isoformat()},
            "balance": cents_to_str(balances.get(row.household_id, 0))}})
    return result


@routes.route(
    "/extensions/<int:request_id>/decision", ["POST"], summary="Approve or reject (not one's own request)",
    permission="extensions.decide",
    request_body={"type": "object", "required": ["decision", "note"], "properties": {
        "decision": {"type": "string", "enum": ["approve", "reject"]}, "note": {"type": "string"}}},
    responses={"409": "the decider asked for it, it was already decided, or the household was already paid out",
               "422": "invalid"},
)
def decide_extension(request_id: int) -> tuple[Response, int]:
    body = json_body()
    session = db()
    row = extensions.decide_extension(session, actor(), request_id, decision=body.get("decision"),
                                      note=body.get("note"))
    data = extensions.request_json(row)
    return ok(data)


@routes.route("/extensions/<int:request_id>/withdraw", ["POST"], summary="Withdraw a pending request",
       permission="extensions.request", responses={"409": "not pending"})
def withdraw_extension(request_id: int) -> tuple[Response, int]:
    body = request.get_json(silent=True) or {}
    session = db()
    row = extensions.withdraw_extension(session, actor(), request_id,
                                        note=body.get("note") if isinstance(body, dict) else None)
    data = extensions.request_json(row)
    return ok(data)


@routes.route(
    "/households/<int:household_id>/end", ["POST"], summary="End the period on a date (bijstand stopped)",
    permission="households.end",
    request_body={"type": "object", "required": ["date", "reason"], "properties": {
        "date": {"type": "string", "format": "date"}, "reason": {"type": "string"}}},
    responses={"409": "already ended", "422": "date before the start or after the current end"},
)
def end_period(household_id: int) -> tuple[Response, int]:
    body = json_body()
    session = db()
    household = ending.end_period(session, actor(), household_id, end_date=body.get("date"),
                                  reason=body.get("reason"))
    return ok(_ending_json(household))


@routes.route(
    "/households/<int:household_id>/benefit-end", ["POST"],
    summary="Bijstand stops on a date (benefit system or caseworker): the benefit stops and the period ends by the "
            "ending rules", permission="households.benefit_end",
    request_body={"type": "object", "required": ["date", "reason"], "properties": {
        "date": {"type": "string", "format": "date"}, "reason": {"type": "string"}}},
    responses={"409": "already ended", "422": "date before the start, or no reason"},
)
def benefit_end(household_id: int) -> tuple[Response, int]:
    body = json_body()
    session = db()
    household = ending.benefit_ended(session, actor(), household_id, end_date=body.get("date"),
                                     reason=body.get("reason"))
    return ok(_ending_json(household))


def _ending_json(household: Household) -> dict[str, Any]:
    """What the end and benefit-end routes answer: the household's state and period after the change."""
    return {
        "id": household.id, "status": household.status,
        "period": {"start": household.period_start.isoformat(), "end": household.period_end.isoformat()},
        "ended_on": household.ended_on.isoformat() if household.ended_on else None,
        "end_reason": household.end_reason,
    }


def _instalments(rows: tuple[handover.Instalment, ...], on_key: str | None = None) -> list[dict[str, Any]]:
    result = []
    for row in rows:
        entry: dict[str, Any] = {"due_date": row.due_date.isoformat(), "amount": cents_to_str(row.amount_cents)}
        if on_key is not None:
            entry[on_key] = row.on.isoformat() if row.on else None
        result.append(entry)
    return result


@routes.route("/households/<int:household_id>/handover", ["GET"],
       summary="The handover overview: paid and unpaid per fixed cost, how to pay them, the money left, contact",
       permission="households.read")
def handover_json(household_id: int) -> tuple[Response, int]:
    config = settings()
    data = handover.handover_data(db(), household_id, municipality=config.municipality_name,
                                  contact=config.contact_line, lead_business_days=config.lead_business_days)
    session = db()
    record_view(session, actor(), household_id, channel="api:handover")
    lines = [*handover.intro_lines(data), *handover.money_lines(data), *handover.contact_lines(data)]
    return ok({
        "household_id": data.household_id,
        "date": data.made_on.isoformat(),
        "period": {"start": data.period_start.isoformat(), "end": data.period_end.isoformat()},
        "status": data.status,
        "payments_stop_on": data.stops_on.isoformat(),
        "fixed_costs": [
            {"fixed_cost_id": c.fixed_cost_id, "category": c.category, "creditor": c.creditor, "iban": c.iban,
             "bic": c.bic, "amount": cents_to_str(c.amount_cents), "frequency": c.frequency, "due_day": c.due_day,
             "reference": c.reference,
             "paid": _instalments(c.paid, "paid_on"),
             "last_paid": None if c.last_paid is None else _instalments((c.last_paid,), "paid_on")[0],
             "planned": _instalments(c.planned, "paid_on"),
             "unpaid": _instalments(c.unpaid),
             "first_due_yourself": c.first_due_yourself.isoformat() if c.first_due_yourself else None,
             "text": [handover.text(m) for m in handover.cost_lines(c)]}
            for c in data.costs
        ],
        "arrears": [
            {"category": cost.category, "creditor": cost.creditor, "iban": cost.iban,
             "due_date": row.due_date.isoformat(), "amount": cents_to_str(row.amount_cents)}
            for cost, row in data.arrears
        ],
        "arrears_total": cents_to_str(data.arrears_cents),
        "balance": cents_to_str(data.balance_cents),
        "payouts": [{"state": p.state, "amount": cents_to_str(p.amount_cents),
                     "on": p.on.isoformat() if p.on else None} for p in data.payouts],
        "leefgeld_paid": cents_to_str(data.leefgeld_paid_cents),
        "caseworker": {"name": data.caseworker, "contact": data.contact or None},
        "figures": figures_json(data.figures) if data.figures is not None else None,
        "text": [handover.text(m) for m in lines],
    })


def signal_filters(args: Mapping[str, str]) -> dict[str, Any]:
    """``state``, ``scope``, ``kind`` and ``household_id`` of a signals query (API or page), or a 422 naming each
    one that is not valid."""
    state = args.get("state") or SignalState.OPEN
    scope = args.get("scope") or "mine"
    kind = args.get("kind") or None
    raw_household = args.get("household_id") or None
    errors: dict[str, Message] = {}
    if state not in (*SignalState, "all"):
        errors["state"] = Message("Kies open, done of all.")
    if scope not in ("mine", "role"):
        errors["scope"] = Message("Kies mine of role.")
    if kind is not None and kind not in signals.KINDS:
        errors["kind"] = Message("Onbekende soort; kies uit: %(options)s.", options=", ".join(signals.KINDS))
    household_id = as_whole_number(raw_household) if raw_household is not None else None
    if raw_household is not None and (household_id is None or not 0 < household_id < 2**63):
        errors["household_id"] = Message("Geef het nummer van een huishouden.")
    if errors:
        raise ValidationError(errors)
    return {"state": state, "scope": scope, "kind": kind, "household_id": household_id}


@routes.route("/signals", ["GET"], summary="Signals for the token user's roles and households", permission="signals.read",
       query={"state": "open (default), done or all", "scope": "mine (default) or role",
              "kind": "one kind of signal (shortfall, income_missing, ...)", "household_id": "one household",
              "page": "page number: answers {items, total, page, per_page}", "per_page": "at most 500 (default 50)"})
def list_signals() -> tuple[Response, int]:
    chosen = signal_filters(request.args)
    paged = _paged()
    if paged is None:  # the old shape: the newest 500 as a plain list
        return ok([signals.signal_json(s) for s in signals.inbox(db(), _viewer(), **chosen)])
    page, per_page = paged
    rows = signals.inbox(db(), _viewer(), limit=per_page, offset=(page - 1) * per_page, **chosen)
    return ok({"items": [signals.signal_json(s) for s in rows],
               "total": signals.inbox_total(db(), _viewer(), **chosen), "page": page, "per_page": per_page})


@routes.route("/signals/done", ["POST"], summary="Close several signals with one note (all or none)",
       permission="signals.write",
       request_body={"type": "object", "required": ["ids", "note"], "properties": {
           "ids": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": signals.MAX_AT_ONCE},
           "note": {"type": "string"}}},
       responses={"404": "a signal that is not for the user's roles", "409": "one of them was already closed"})
def signals_done() -> tuple[Response, int]:
    body = json_body()
    session = db()
    rows = signals.mark_many_done(session, actor(), body.get("ids"), body.get("note"), viewer=_viewer())
    return ok([signals.signal_json(s) for s in rows])


@routes.route("/signals/<int:signal_id>/done", ["POST"], summary="Close a signal with a note", permission="signals.write",
       request_body={"type": "object", "required": ["note"], "properties": {"note": {"type": "string"}}},
       responses={"409": "already done"})
def signal_done(signal_id: int) -> tuple[Response, int]:
    body = json_body()
    session = db()
    row = signals.mark_done(session, actor(), signal_id, body.get("note"), viewer=_viewer())
    data = signals.signal_json(row)
    return ok(data)


@routes.route("/scheduler/jobs", ["GET"], summary="Each scheduled job's last run and outcome", permission="scheduler.read")
def scheduler_jobs() -> tuple[Response, int]:
    last = last_runs(db())
    result: list[dict[str, Any]] = []
    for job in registry().jobs.all():
        run = last.get(job.name)
        result.append({
            "name": job.name, "description": job.description,
            "last_run_for": run.run_for.isoformat() if run else None,
            "outcome": run.outcome if run else None,
            "finished_at": run.finished_at.isoformat() if run and run.finished_at else None,
            "detail": run.detail if run else None,
        })
    return ok(result)
