"""``GET /api/v1/reports/{name}?from=&to=&format=json|csv|csv-nl|xlsx``: the accountant's reports for scripts."""

from __future__ import annotations

from flask import Response, request

from budgetbeheer.errors import Message, PermissionDenied, ValidationError
from budgetbeheer.http.api import ApiRoutes
from budgetbeheer.http.context import actor, db, language, settings
from budgetbeheer.reports.export import export_report
from budgetbeheer.reports.model import parse_period
from budgetbeheer.reports.reports import REPORTS, report_kind
from budgetbeheer.reports.web import exporter_label, file_response, may_export


def _household_id() -> int | None:
    raw = request.args.get("household_id")
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        raise ValidationError({"household_id": Message("Geef het nummer van een huishouden.")})
    return int(raw)


routes = ApiRoutes()


@routes.route(
    "/reports/<name>",
    ["GET"],
    summary="A report for a date range (both ends inclusive): " + ", ".join(REPORTS),
    permission="reports.read",
    query={
        "from": "first business date, YYYY-MM-DD (inclusive)",
        "to": "last business date, YYYY-MM-DD (inclusive)",
        "date": "instead of from and to: one day (bank-reconciliation?date=D)",
        "format": "json (default), csv, csv-nl (semicolon, decimal comma) or xlsx",
        "table": "csv only: which table of the report (default: the first)",
        "household_id": "statement only: one household",
    },
    responses={"403": "audit needs audit.read", "404": "unknown report", "422": "bad range or format"},
)
def report(name: str) -> Response:
    report_kind(name)
    if not may_export(name):
        raise PermissionDenied(Message("U heeft geen rechten voor dit rapport."))
    on = request.args.get("date")  # bank-reconciliation?date=D: the statements closing on that day
    period = parse_period(request.args.get("from", on), request.args.get("to", on))
    household_id = _household_id()
    session = db()
    spool, download_name, media_type = export_report(
        session, actor(), name=name, period=period, fmt=request.args.get("format", "json"),
        municipality=settings().municipality_name, exported_by=exporter_label(), language=language(),
        table=request.args.get("table") or None, household_id=household_id,
    )
    fmt = request.args.get("format", "json")
    return file_response(spool, download_name, media_type, attachment=fmt != "json")
