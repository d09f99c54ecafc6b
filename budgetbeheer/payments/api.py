"""JSON API for payment runs and batches (see interface.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, request

from budgetbeheer import clock
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.fields import parse_iso_date
from budgetbeheer.http.access import scope
from budgetbeheer.http.api import API_PREFIX, ApiRoutes, json_body, ok
from budgetbeheer.http.context import actor, db, settings
from budgetbeheer.http.inputs import query_number
from budgetbeheer.money import cents_to_str
from budgetbeheer.payments import iban_changes, iban_holds, service, summary
from budgetbeheer.payments.payees import totals_by_payee
from budgetbeheer.payments.return_reasons import RETURN_REASONS, holds_iban
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.states import BatchStatus, IbanChangeStatus


def _iso_date(raw: Any, field: str) -> date:
    parsed = parse_iso_date(raw) if isinstance(raw, str) else None
    if parsed is not None:
        return parsed
    raise ValidationError({field: Message("Geef een datum als JJJJ-MM-DD.")})


routes = ApiRoutes()


@routes.route(
    "/payment-runs", ["POST"], summary="Propose the batch for an execution date (200 and the same batch when it exists)",
    permission="payments.prepare",
    request_body={"type": "object", "properties": {"execution_date": {"type": "string", "format": "date"}},
                  "required": ["execution_date"]},
    responses={"201": "proposed", "422": "not a TARGET2 business day, in the past or more than 364 days ahead (names the next possible date)"},
)
def prepare_run() -> tuple[Response, int]:
    execution_date = _iso_date(json_body().get("execution_date"), "execution_date")
    session = db()
    batch, created = service.prepare_run(session, actor(), execution_date, settings(), today=clock.today())
    data = service.batch_as_json(session, batch)
    return ok(data, 201 if created else 200)


@routes.route("/batches", ["GET"], summary="Batches, newest execution date first", permission="payments.read",
       query={"limit": "at most this many (default 100; the list as it always was)",
              "page": "page number: answers {items, total, page, per_page}", "per_page": "at most 500 (default 50)"})
def list_batches() -> tuple[Response, int]:
    session = db()
    if "page" not in request.args and "per_page" not in request.args:  # the old shape: a plain list
        limit = query_number("limit", 100, maximum=1000)
        return ok(service.batches_as_json(session, service.list_batches(session, limit)))
    page = query_number("page", 1)
    per_page = query_number("per_page", 50, maximum=500)
    rows = service.list_batches(session, per_page, (page - 1) * per_page)
    return ok({"items": service.batches_as_json(session, rows), "total": service.count_batches(session),
               "page": page, "per_page": per_page})


@routes.route("/batches/<int:batch_id>", ["GET"], summary="A batch with a page of its items, held items and shortfalls",
       permission="payments.read",
       query={"page": "page number (default 1)",
              "per_page": f"at most {service.MAX_ITEMS_PER_PAGE} (default {service.ITEMS_PER_PAGE})"})
def get_batch(batch_id: int) -> tuple[Response, int]:
    session = db()
    page = query_number("page", 1)
    per_page = query_number("per_page", service.ITEMS_PER_PAGE, maximum=service.MAX_ITEMS_PER_PAGE)
    batch = service.get_batch(session, batch_id)
    totals = summary.sums(session, batch)
    data = service.batch_as_json(session, batch, page=page, per_page=per_page, totals=totals)
    # The review by creditor and IBAN, flagged lines first (issue 14): as the batch page shows it.
    data["payees"] = [{"creditor_id": line.creditor_id, "creditor": line.name, "iban": line.iban,
                       "count": line.count, "amount": cents_to_str(line.total_cents), "flags": list(line.flags)}
                      for line in totals_by_payee(session, batch_id, rows=totals.payees)]
    return ok(data)


@routes.route("/batches/<int:batch_id>/approve", ["POST"], summary="Approve (four eyes; a second approver above the threshold)",
       permission="payments.approve", responses={"409": "own batch, approved twice or wrong status"})
def approve(batch_id: int) -> tuple[Response, int]:
    session = db()
    batch = service.approve(session, actor(), batch_id)
    data = service.batch_as_json(session, batch, with_items=False)
    return ok(data)


@routes.route("/batches/<int:batch_id>/cancel", ["POST"], summary="Cancel before export, with a reason",
       permission="payments.approve",
       request_body={"type": "object", "properties": {"reason": {"type": "string"}}, "required": ["reason"]},
       responses={"409": "already exported"})
def cancel(batch_id: int) -> tuple[Response, int]:
    reason = json_body().get("reason")
    session = db()
    batch = service.cancel(session, actor(), batch_id, reason if isinstance(reason, str) else "")
    data = service.batch_as_json(session, batch, with_items=False)
    return ok(data)


@routes.route("/batches/<int:batch_id>/settle", ["POST"], summary="Book the batch as executed by the bank (by hand)",
       permission="payments.settle")
def settle(batch_id: int) -> tuple[Response, int]:
    session = db()
    batch = service.settle(session, actor(), batch_id)
    data = service.batch_as_json(session, batch, with_items=False)
    return ok(data)


def _file_response(batch_id: int) -> Response:
    filename, content = service.download(db(), batch_id)
    mimetype = "application/zip" if filename.endswith(".zip") else "application/xml"
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@routes.route("/batches/<int:batch_id>/pain001", ["POST"],
       summary="Make the pain.001 file of an approved batch (201; 200 when it was made before); GET fetches it",
       permission="payments.export", responses={"201": "made", "409": "not approved yet, or a payment changed "
                                                                     "after approval"})
def make_pain001(batch_id: int) -> tuple[Response, int]:
    session = db()
    batch = service.get_batch(session, batch_id)
    made = batch.status == BatchStatus.APPROVED
    files = service.export(session, actor(), batch_id, settings())
    location = f"{API_PREFIX}/batches/{batch_id}/pain001"
    return ok(
        {"batch_id": batch_id, "download": location,
         "files": [{"filename": f.filename, "sha256": f.sha256, "transactions": f.transaction_count} for f in files]},
        201 if made else 200, headers={"Location": location},
    )


@routes.route("/batches/<int:batch_id>/pain001", ["GET"],
       summary="The pain.001 file (a zip when split). Deprecated for an approved batch without a file: it still "
               "makes the file then, with a Deprecation header; POST makes it",
       permission="payments.export", responses={"409": "not approved yet"})
def pain001(batch_id: int) -> Response:
    session = db()
    batch = service.get_batch(session, batch_id)
    made = batch.status == BatchStatus.APPROVED
    if made:
        service.export(session, actor(), batch_id, settings())
    response = _file_response(batch_id)
    if made:  # a GET that changes state: kept for old clients, marked as such (RFC 9745)
        response.headers["Deprecation"] = "true"
        successor = f"<{API_PREFIX}/batches/{batch_id}/pain001>"
        response.headers["Link"] = f'{successor}; rel="successor-version"; title="POST makes the file"'
    return response


# ------------------------------------------------------------------------------------ returns, held IBANs, changes


@routes.route("/return-reasons", ["GET"], summary="The bank's return reason codes and whether each holds the IBAN",
       permission="payments.read")
def return_reasons() -> tuple[Response, int]:
    return ok([
        {"code": r.code, "iso_name": r.iso_name, "description_nl": r.nl, "description_en": r.en,
         "holds_iban": r.holds_iban}
        for r in RETURN_REASONS.values()
    ])


@routes.route(
    "/payment-items/<int:item_id>/return", ["POST"],
    summary="Record that the bank returned a payment (reason code as on the statement); an account-wrong code holds "
            "the IBAN",
    permission="payments.settle",
    request_body={"type": "object", "required": ["reason_code"], "properties": {
        "reason_code": {"type": "string", "example": "AC04"}, "date": {"type": "string", "format": "date"}}},
    responses={"200": "returned", "404": "no such payment", "409": "not sent, or already returned",
               "422": "no reason code"},
)
def return_payment(item_id: int) -> tuple[Response, int]:
    body = json_body()
    on = _iso_date(body["date"], "date") if body.get("date") is not None else None
    raw_code = body.get("reason_code")
    session = db()
    item = service.return_item(session, actor(), item_id, raw_code if isinstance(raw_code, str) else "", on)
    hold = iban_holds.active_hold(session, item.iban)
    data = {"id": item.id, "status": item.status, "reason_code": item.return_reason_code,
            "holds_iban": holds_iban(item.return_reason_code or ""),
            "iban_hold": iban_holds.hold_snapshot(hold) if hold else None}
    return ok(data)


@routes.route("/iban-holds", ["GET"], summary="IBANs held after a return (active, or all with state=all)",
       permission="iban_changes.read", query={"state": "active (default) or all"})
def list_iban_holds() -> tuple[Response, int]:
    state = request.args.get("state", "active")
    if state not in ("active", "all"):
        raise ValidationError({"state": Message("Kies active of all.")})
    reach = scope()  # a caseworker sees the holds of their team's households
    holds = iban_holds.list_holds(db(), active_only=state == "active")
    if not reach.is_everything:  # one query for the households in reach, not one per hold
        reachable = set(db().scalars(reach.household_ids().where(Household.id.in_({h.household_id for h in holds}))))
        holds = [h for h in holds if h.household_id in reachable]
    visible = holds
    return ok([iban_holds.hold_snapshot(h) for h in visible])


_IBAN_CHANGE_RESPONSES = {"201": "pending change", "404": "not found",
                          "409": "a change is already pending, or the household ended",
                          "422": "invalid values (fields names each)"}


@routes.route(
    "/households/<int:household_id>/iban-changes", ["POST"],
    summary="Propose a new own IBAN for the household (confirmed by another finance user)",
    permission="iban_changes.propose",
    request_body={"type": "object", "required": ["iban", "account_holder", "reason"], "properties": {
        "iban": {"type": "string"}, "account_holder": {"type": "string"}, "reason": {"type": "string"}}},
    responses=_IBAN_CHANGE_RESPONSES,
)
def propose_household_iban(household_id: int) -> tuple[Response, int]:
    body = json_body()
    session = db()
    change = iban_changes.propose_household_change(session, actor(), household_id, body)
    data = iban_changes.change_json(change)
    return ok(data, 201)


@routes.route(
    "/creditors/<int:creditor_id>/iban-changes", ["POST"],
    summary="Propose a new IBAN for a creditor in the register (confirmed by another finance user)",
    permission="iban_changes.propose",
    request_body={"type": "object", "required": ["iban", "reason"], "properties": {
        "iban": {"type": "string"}, "bic": {"type": "string"}, "reason": {"type": "string"}}},
    responses=_IBAN_CHANGE_RESPONSES,
)
def propose_creditor_iban(creditor_id: int) -> tuple[Response, int]:
    body = json_body()
    session = db()
    change = iban_changes.propose_creditor_change(session, actor(), creditor_id, body)
    data = iban_changes.change_json(change)
    return ok(data, 201)


@routes.route("/iban-changes", ["GET"], summary="IBAN changes, newest first", permission="iban_changes.read",
       query={"status": "pending, confirmed or rejected"})
def list_iban_changes() -> tuple[Response, int]:
    status = request.args.get("status") or None
    if status is not None and status not in set(IbanChangeStatus):
        raise ValidationError({"status": Message("Kies pending, confirmed of rejected.")})
    return ok([iban_changes.change_json(c) for c in iban_changes.list_changes(db(), status, scope=scope())])


@routes.route("/iban-changes/<int:change_id>", ["GET"], summary="One IBAN change", permission="iban_changes.read")
def get_iban_change(change_id: int) -> tuple[Response, int]:
    return ok(iban_changes.change_json(iban_changes.get_change(db(), change_id)))


@routes.route("/iban-changes/<int:change_id>/confirm", ["POST"],
       summary="Confirm a pending IBAN change (a finance user who did not propose it); lifts the hold",
       permission="iban_changes.propose",
       responses={"403": "not a finance user", "409": "one's own proposal, or not pending"})
def confirm_iban_change(change_id: int) -> tuple[Response, int]:
    session = db()
    change = iban_changes.confirm_change(session, actor(), change_id)
    data = iban_changes.change_json(change)
    return ok(data)


@routes.route("/iban-changes/<int:change_id>/reject", ["POST"],
       summary="Reject (finance) or withdraw (who proposed it) a pending IBAN change, with a note",
       permission="iban_changes.propose",
       request_body={"type": "object", "required": ["note"], "properties": {"note": {"type": "string"}}},
       responses={"409": "not pending", "422": "no note"})
def reject_iban_change(change_id: int) -> tuple[Response, int]:
    body = json_body()
    session = db()
    change = iban_changes.reject_change(session, actor(), change_id, body.get("note"))
    data = iban_changes.change_json(change)
    return ok(data)
