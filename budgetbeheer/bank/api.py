"""JSON API for bank statements, status reports and the queue of unmatched lines (see interface.md)."""

from __future__ import annotations

from flask import Response, request
from werkzeug.http import parse_options_header

from budgetbeheer.bank import naming, queue, rules, service, shapes, suggest
from budgetbeheer.errors import BudgetbeheerError, Message, NotFound, ValidationError
from budgetbeheer.http.api import ApiRoutes, json_body, ok
from budgetbeheer.http.context import actor, db, settings
from budgetbeheer.http.inputs import query_number
from budgetbeheer.money import cents_to_str
from budgetbeheer.tables.bank import BankLine, LineState

routes = ApiRoutes()
LINE_STATES = (*LineState, "all")
SUGGESTIONS = 5


def _file() -> bytes:
    content = request.get_data(cache=False)
    if not content:
        raise ValidationError({"file": Message("Stuur het bestand als de body van het verzoek.")})
    return content


def _filename() -> str | None:
    """The file's name: the ``X-Filename`` header, else the ``filename`` of a ``Content-Disposition`` header; None
    when the client sent neither (the messages then say "het bestand")."""
    named = request.headers.get("X-Filename") or ""
    if not named.strip():
        disposition = request.headers.get("Content-Disposition", "")
        named = parse_options_header(disposition)[1].get("filename", "") if disposition else ""
    return named.strip()[:200] or None


def _page() -> tuple[int, int]:
    page = query_number("page", 1)
    per_page = query_number("per_page", 50, maximum=500)
    return page, per_page


@routes.route("/bank-statements", ["POST"], summary="Import a camt.053 statement (or a zip of several)",
              permission="bank.import",
              responses={"201": "imported", "409": "another file claims an imported statement",
                         "422": "refused, with the reason in fields.file"})
def import_statement() -> tuple[Response, int]:
    session = db()
    filename = _filename()
    try:
        result = service.import_statements(session, actor(), _file(), settings(), filename)
    except BudgetbeheerError as error:
        raise naming.for_file(error, filename) from None
    return ok(shapes.import_json(session, result), 201 if result.created else 200)


@routes.route("/bank-statements", ["GET"], summary="Imported statements, newest first", permission="bank.read",
              query={"page": "page number", "per_page": "at most 500"})
def list_statements() -> tuple[Response, int]:
    page, per_page = _page()
    session = db()
    rows, total = service.list_statements(session, page, per_page)
    return ok({"items": [shapes.statement_json(session, s) for s in rows], "total": total, "page": page,
               "per_page": per_page})


@routes.route("/bank-statements/<int:statement_id>", ["GET"], summary="A statement with its lines",
              permission="bank.read")
def get_statement(statement_id: int) -> tuple[Response, int]:
    session = db()
    return ok(shapes.statement_json(session, service.get_statement(session, statement_id), with_lines=True))


@routes.route("/bank-lines", ["GET"], summary="Bank lines; state=unmatched is the queue", permission="bank.read",
              query={"state": "unmatched (default), matched, assigned or all", "page": "page number",
                     "per_page": "at most 500"})
def list_lines() -> tuple[Response, int]:
    state = request.args.get("state", LineState.UNMATCHED)
    if state not in LINE_STATES:
        raise ValidationError({"state": Message("Kies unmatched, matched, assigned of all.")})
    page, per_page = _page()
    rows, total = service.list_lines(db(), state, page, per_page)
    return ok({"items": [shapes.line_json(line) for line in rows], "total": total, "page": page,
               "per_page": per_page})


@routes.route("/bank-lines/<int:line_id>/assign", ["POST"], summary="Say whose money an unmatched line is",
              permission="bank.assign",
              request_body={"type": "object", "properties": {"household_id": {"type": "integer"},
                                                             "kind": {"type": "string"},
                                                             "account": {"type": "string",
                                                                         "enum": list(queue.ACCOUNTS)},
                                                             "reason": {"type": "string"}}},
              responses={"409": "no longer unmatched", "422": "invalid household, kind, account or reason"})
def assign_line(line_id: int) -> tuple[Response, int]:
    return ok(shapes.line_json(service.assign_line(db(), actor(), line_id, json_body())))


@routes.route("/bank-lines/<int:line_id>/unassign", ["POST"],
              summary="Undo an assignment to an account or a household (reversal bookings; the line waits again)",
              permission="bank.assign",
              request_body={"type": "object", "properties": {"reason": {"type": "string"}}, "required": ["reason"]},
              responses={"409": "not assigned; the household no longer holds the money; a confirmed announced "
                                "receipt; reversed by the bank", "422": "no reason"})
def unassign_line(line_id: int) -> tuple[Response, int]:
    return ok(shapes.line_json(queue.unassign(db(), actor(), line_id, json_body().get("reason"))))


@routes.route("/bank-lines/<int:line_id>/suggestions", ["GET"], summary="The households a line likely belongs to",
              permission="bank.read")
def line_suggestions(line_id: int) -> tuple[Response, int]:
    session = db()
    line = session.get(BankLine, line_id)
    if line is None:
        raise NotFound(Message("Bankpost %(id)s bestaat niet.", id=line_id))
    return ok([s.as_json() for s in suggest.suggestions(session, [line], top=SUGGESTIONS).get(line.id, [])])


@routes.route("/payment-status-reports", ["POST"], summary="Import a pain.002 payment status report",
              permission="bank.import", responses={"201": "imported", "422": "refused"})
def import_status_report() -> tuple[Response, int]:
    filename = _filename()
    try:
        result = service.import_status_report(db(), actor(), _file(), filename)
    except BudgetbeheerError as error:
        raise naming.for_file(error, filename) from None
    return ok(shapes.status_report_json(result.record), 201 if result.created else 200)


@routes.route("/households/<int:household_id>/expected-income/<int:income_id>/match-rule", ["PUT"],
              summary="How the bank statement recognises this income: payer IBAN, words, amount tolerance",
              permission="receipts.write",
              request_body={"type": "object", "properties": {
                  "payer_iban": {"type": "string"}, "match_words": {"type": "string"},
                  "amount_tolerance": {"type": "string"}}},
              responses={"404": "no such expected income", "422": "invalid values"})
def set_match_rule(household_id: int, income_id: int) -> tuple[Response, int]:
    income = rules.set_match_rule(db(), actor(), household_id, income_id, json_body())
    return ok({"id": income.id, "household_id": income.household_id, "payer_iban": income.payer_iban,
               "match_words": income.match_words,
               "amount_tolerance": cents_to_str(income.amount_tolerance_cents)})
