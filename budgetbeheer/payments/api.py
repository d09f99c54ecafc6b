"""JSON API for payment runs and batches (see interface.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, request

from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.payments import service
from budgetbeheer.web.api import json_body, ok, route
from budgetbeheer.web.context import actor, db, settings, unit_of_work


def _iso_date(raw: Any, field: str) -> date:
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise ValidationError({field: Message("Geef een datum als JJJJ-MM-DD.")})


@route(
    "/payment-runs", ["POST"], summary="Propose the batch for an execution date (200 and the same batch when it exists)",
    permission="payments.prepare",
    request_body={"type": "object", "properties": {"execution_date": {"type": "string", "format": "date"}},
                  "required": ["execution_date"]},
    responses={"201": "proposed", "422": "not a TARGET2 business day (names the next one)"},
)
def prepare_run() -> tuple[Response, int]:
    execution_date = _iso_date(json_body().get("execution_date"), "execution_date")
    with unit_of_work() as session:
        batch, created = service.prepare_run(session, actor(), execution_date, settings())
        data = service.batch_as_json(session, batch)
    return ok(data, 201 if created else 200)


@route("/batches", ["GET"], summary="Batches, newest execution date first", permission="payments.read",
       query={"limit": "at most this many (default 100)"})
def list_batches() -> tuple[Response, int]:
    limit = min(max(request.args.get("limit", 100, type=int) or 100, 1), 1000)
    session = db()
    return ok([service.batch_as_json(session, b, with_items=False) for b in service.list_batches(session, limit)])


@route("/batches/<int:batch_id>", ["GET"], summary="A batch with its items, held items and shortfalls",
       permission="payments.read")
def get_batch(batch_id: int) -> tuple[Response, int]:
    session = db()
    return ok(service.batch_as_json(session, service.get_batch(session, batch_id)))


@route("/batches/<int:batch_id>/approve", ["POST"], summary="Approve (four eyes; a second approver above the threshold)",
       permission="payments.approve", responses={"409": "own batch, approved twice or wrong status"})
def approve(batch_id: int) -> tuple[Response, int]:
    with unit_of_work() as session:
        batch = service.approve(session, actor(), batch_id)
        data = service.batch_as_json(session, batch, with_items=False)
    return ok(data)


@route("/batches/<int:batch_id>/cancel", ["POST"], summary="Cancel before export, with a reason",
       permission="payments.approve",
       request_body={"type": "object", "properties": {"reason": {"type": "string"}}, "required": ["reason"]},
       responses={"409": "already exported"})
def cancel(batch_id: int) -> tuple[Response, int]:
    reason = json_body().get("reason")
    with unit_of_work() as session:
        batch = service.cancel(session, actor(), batch_id, reason if isinstance(reason, str) else "")
        data = service.batch_as_json(session, batch, with_items=False)
    return ok(data)


@route("/batches/<int:batch_id>/settle", ["POST"], summary="Book the batch as executed by the bank (by hand)",
       permission="payments.settle")
def settle(batch_id: int) -> tuple[Response, int]:
    with unit_of_work() as session:
        batch = service.settle(session, actor(), batch_id)
        data = service.batch_as_json(session, batch, with_items=False)
    return ok(data)


@route("/batches/<int:batch_id>/pain001", ["GET"],
       summary="The pain.001 file (a zip when split); written on the first download of an approved batch",
       permission="payments.export", responses={"409": "not approved yet"})
def pain001(batch_id: int) -> Response:
    with unit_of_work() as session:
        batch = service.get_batch(session, batch_id)
        if batch.status == "approved":
            service.export(session, actor(), batch_id, settings())
        filename, content = service.download(session, batch_id)
    mimetype = "application/zip" if filename.endswith(".zip") else "application/xml"
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
