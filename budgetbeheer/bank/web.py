"""Web pages for finance: the bank statements with their reconciliation state and the upload of a statement
(camt.053/.054, one file or a zip) or a payment status report (pain.002), one statement's lines with what each was
matched to, and the queue of unmatched lines with search, filters, suggestions and assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse

from budgetbeheer.bank import service, suggest
from budgetbeheer.bank.reconcile import Reconciliation
from budgetbeheer.errors import BudgetbeheerError, Conflict, Message, ValidationError
from budgetbeheer.fields import parse_iso_date
from budgetbeheer.households.income import INCOME_KIND_LABELS, INCOME_KINDS
from budgetbeheer.http.context import actor, db, discard, language, registry, settings
from budgetbeheer.http.inputs import query_number
from budgetbeheer.http.security import requires
from budgetbeheer.i18n import format_money, translate
from budgetbeheer.ledger.service import MUNICIPALITY_ACCOUNT_NAMES, MUNICIPALITY_ACCOUNTS
from budgetbeheer.tables.bank import BankLine, BankStatement, LineState, MatchedTo
from budgetbeheer.tables.households import Receipt
from budgetbeheer.tables.payments import PaymentItem

bp = Blueprint("bank", __name__, url_prefix="/bank")
STATEMENTS_PER_PAGE = 25
LINES_PER_PAGE = 200
QUEUE_PER_PAGE = 50
FILE_KINDS = (("statement", "Rekeningafschrift (camt.053)"), ("status_report", "Statusrapport (pain.002)"))
STATE_LABELS = {LineState.UNMATCHED: "in de wachtrij", LineState.MATCHED: "herkend",
                LineState.ASSIGNED: "toegewezen"}
DIRECTION_LABELS = (("all", "Bij- en afschrijvingen"), ("credit", "Alleen bijschrijvingen"),
                    ("debit", "Alleen afschrijvingen"))


def _t(message: Message | str, **params: object) -> str:
    return translate(message, language(), **params)


def _money(cents: int | None) -> str:
    return format_money(cents, language())


def household_url(household_id: int | None) -> str | None:
    """The household page (the ``household`` link the households feature registered), else no link."""
    if household_id is None:
        return None
    endpoint = registry().links.get("household")
    if endpoint is None or endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, household_id=household_id)


def _page() -> int:
    return query_number("page", 1)


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def _upload_limit() -> int | None:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return int(limit) if limit else None


# ------------------------------------------------------------------------------------------------ statements


def _queued_counts(statement_ids: list[int]) -> dict[int, int]:
    if not statement_ids:
        return {}
    rows = db().execute(select(BankLine.statement_id, func.count(BankLine.id))
                        .where(BankLine.statement_id.in_(statement_ids), BankLine.state == LineState.UNMATCHED)
                        .group_by(BankLine.statement_id)).all()
    return {int(statement_id): int(count) for statement_id, count in rows}


def _statements_page(errors: dict[str, Message], kind: str = "statement", refused: str | None = None) -> str:
    session = db()
    page = _page()
    rows, total = service.list_statements(session, page, STATEMENTS_PER_PAGE)
    figures = {s.id: service.reconciliation_of(session, s) for s in rows}
    return render_template(
        "bank/statements.html", statements=rows, figures=figures, queued=_queued_counts([s.id for s in rows]),
        page=page, pages=_pages(total, STATEMENTS_PER_PAGE), total=total, errors=errors, kinds=FILE_KINDS,
        kind=kind, limit=_upload_limit(), refused=refused,
    )


@bp.route("/")
@requires("bank.read")
def statements() -> str:
    return _statements_page({})


def _statement_flash(session: Any, result: service.StatementImport) -> None:
    if not result.created:
        flash(_t("Dit bestand was al ingelezen; er is niets veranderd."), "success")
        return
    for stored in result.statements:
        numbers = service.statement_summary(session, stored, result.outcomes.get(stored.id))
        figures: Reconciliation = numbers["reconciliation"]
        text = _t("Afschrift %(id)s ingelezen: %(lines)s posten, %(matched)s herkend, %(unmatched)s in de wachtrij.",
                  id=stored.statement_id, lines=stored.entry_count, matched=numbers["matched"],
                  unmatched=numbers["unmatched"])
        if figures.difference_cents == 0:
            text += " " + _t("Het eindsaldo klopt met de boeken.")
        elif figures.unexplained_cents == 0:
            text += " " + _t("Verschil met de boeken: %(difference)s, helemaal verklaard.",
                             difference=_money(figures.difference_cents))
        else:
            text += " " + _t("Verschil met de boeken: %(difference)s, waarvan %(unexplained)s onverklaard.",
                             difference=_money(figures.difference_cents),
                             unexplained=_money(figures.unexplained_cents))
        flash(text, "success" if figures.unexplained_cents == 0 else "warning")


def _naming(reason: Message, filename: str) -> Message:
    """The reader names an upload ``(upload)``; the page names the file the user chose."""
    if reason.params.get("name") == "(upload)":
        return Message(reason.msgid, **(reason.params | {"name": filename}))
    return reason


@bp.route("/upload", methods=["POST"])
@requires("bank.import")
def upload() -> str | WerkzeugResponse | tuple[str, int]:
    kind = request.form.get("kind", "statement")
    upload = request.files.get("file")
    errors: dict[str, Message] = {}
    status = 422
    refused: str | None = None
    if kind not in dict(FILE_KINDS):
        errors = {"kind": Message("Kies het soort bestand.")}
    elif upload is None or not upload.filename:
        errors = {"file": Message("Kies een bestand om in te lezen.")}
    else:
        content = upload.read()
        filename = upload.filename
        try:
            session = db()
            if kind == "status_report":
                report = service.import_status_report(session, actor(), content, filename)
                stored = report.record
                if report.created:
                    flash(_t("Statusrapport %(id)s ingelezen (antwoord op %(original)s): %(rejected)s betalingen "
                             "geweigerd en teruggeboekt, %(accepted)s geaccepteerd, %(unknown)s onbekend.",
                             id=stored.message_id, original=stored.original_message_id,
                             rejected=stored.rejected_items, accepted=stored.accepted, unknown=stored.unknown),
                          "success")
                else:
                    flash(_t("Dit statusrapport was al ingelezen; er is niets veranderd."), "success")
                return redirect(url_for("bank.statements"))
            result = service.import_statements(session, actor(), content, settings(), filename)
            _statement_flash(session, result)
            if len(result.statements) == 1:
                return redirect(url_for("bank.statement", statement_id=result.statements[0].id))
            return redirect(url_for("bank.statements"))
        except BudgetbeheerError as error:
            discard()
            refused = filename
            status = 409 if isinstance(error, Conflict) else 422
            reason = error.fields.get("file") if isinstance(error, ValidationError) else None
            errors = {"file": _naming(reason or error.message, filename)}
            if isinstance(error, ValidationError):
                errors |= {name: why for name, why in error.fields.items() if name != "file"}
    return _statements_page(errors, kind, refused), status


# ------------------------------------------------------------------------------------------- one statement


@dataclass(frozen=True)
class Target:
    """What a line was matched to, as the page names and links it."""

    label: Message
    url: str | None = None


def _targets(lines: list[BankLine]) -> dict[int, list[Target]]:
    """Line id → what it was matched to: the payment or batch (the batch page), the receipt or return (the household
    page)."""
    session = db()
    item_ids = {int(line.matched_id or 0) for line in lines if line.matched_type in (MatchedTo.ITEM, MatchedTo.RETURN)
                and (line.matched_id or "").isdigit()}
    receipt_ids = {int(line.matched_id or 0) for line in lines if line.matched_type == MatchedTo.RECEIPT
                   and (line.matched_id or "").isdigit()}
    items = {row.id: (row.batch_id, row.household_id) for row in session.execute(
        select(PaymentItem.id, PaymentItem.batch_id, PaymentItem.household_id)
        .where(PaymentItem.id.in_(sorted(item_ids))))} if item_ids else {}
    receipts = dict(session.execute(select(Receipt.id, Receipt.household_id)
                                    .where(Receipt.id.in_(sorted(receipt_ids)))).all()) if receipt_ids else {}
    found: dict[int, list[Target]] = {}
    for line in lines:
        targets: list[Target] = []
        raw = line.matched_id or ""
        if line.matched_type == MatchedTo.BATCH:
            for part in raw.split(","):
                if part.strip().isdigit():
                    targets.append(Target(Message("betaalrun %(id)s", id=int(part)),
                                          url_for("payments.batch", batch_id=int(part))))
        elif line.matched_type in (MatchedTo.ITEM, MatchedTo.RETURN) and raw.isdigit() and int(raw) in items:
            batch_id, household_id = items[int(raw)]
            what = "betaling %(id)s in betaalrun %(batch)s" if line.matched_type == MatchedTo.ITEM else \
                "terugboeking van betaling %(id)s in betaalrun %(batch)s"
            targets.append(Target(Message(what, id=int(raw), batch=batch_id),
                                  url_for("payments.batch", batch_id=batch_id)))
            targets.append(Target(Message("huishouden %(id)s", id=household_id), household_url(household_id)))
        elif line.matched_type == MatchedTo.RECEIPT and raw.isdigit():
            household = receipts.get(int(raw))
            targets.append(Target(Message("ontvangst %(id)s", id=int(raw))))
            if household is not None:
                targets.append(Target(Message("huishouden %(id)s", id=household), household_url(household)))
        elif line.matched_type == MatchedTo.ACCOUNT:
            targets.append(Target(Message(MUNICIPALITY_ACCOUNT_NAMES.get(raw, raw))))
        elif line.matched_type is not None:
            targets.append(Target(Message("%(type)s %(id)s", type=line.matched_type, id=raw)))
        found[line.id] = targets
    return found


@bp.route("/statements/<int:statement_id>")
@requires("bank.read")
def statement(statement_id: int) -> str:
    session = db()
    found = service.get_statement(session, statement_id)
    state = request.args.get("state", "all")
    if state not in (*LineState, "all"):
        state = "all"
    page = _page()
    query = select(BankLine).where(BankLine.statement_id == statement_id)
    if state != "all":
        query = query.where(BankLine.state == state)
    lines = list(session.scalars(query.order_by(BankLine.position).limit(LINES_PER_PAGE)
                                 .offset((page - 1) * LINES_PER_PAGE)))
    counts = {str(s): int(c) for s, c in session.execute(
        select(BankLine.state, func.count(BankLine.id)).where(BankLine.statement_id == statement_id)
        .group_by(BankLine.state)).all()}
    shown = sum(counts.values()) if state == "all" else counts.get(state, 0)
    return render_template(
        "bank/statement.html", statement=found, figures=service.reconciliation_of(session, found), lines=lines,
        targets=_targets(lines), counts=counts, state=state, page=page, pages=_pages(shown, LINES_PER_PAGE),
        state_labels=STATE_LABELS,
    )


# --------------------------------------------------------------------------------------------------- the queue


def _queue_filter() -> tuple[suggest.QueueFilter, dict[str, Message]]:
    errors: dict[str, Message] = {}
    direction = request.args.get("direction", "all")
    if direction not in suggest.DIRECTIONS:
        direction = "all"
    dates = {}
    for name in ("from", "to"):
        raw = request.args.get(name, "").strip()
        dates[name] = parse_iso_date(raw) if raw else None
        if raw and dates[name] is None:
            errors[name] = Message("Geef een datum als JJJJ-MM-DD.")
    return suggest.QueueFilter(query=request.args.get("q", "").strip()[:200], direction=direction,
                               date_from=dates["from"], date_to=dates["to"]), errors


@bp.route("/queue")
@requires("bank.read")
def queue() -> tuple[str, int]:
    session = db()
    wanted, errors = _queue_filter()
    page = _page()
    rows, total = suggest.queue(session, wanted, page, QUEUE_PER_PAGE)
    statement_ids = sorted({line.statement_id for line in rows})
    statement_names = dict(session.execute(select(BankStatement.id, BankStatement.statement_id)
                                           .where(BankStatement.id.in_(statement_ids))).all()) if rows else {}
    args = {k: v for k, v in {"q": wanted.query, "direction": wanted.direction if wanted.direction != "all" else "",
                              "from": request.args.get("from", ""), "to": request.args.get("to", "")}.items() if v}
    return render_template(
        "bank/queue.html", lines=rows, total=total, page=page, pages=_pages(total, QUEUE_PER_PAGE), wanted=wanted,
        raw_from=request.args.get("from", ""), raw_to=request.args.get("to", ""), errors=errors,
        suggestions=suggest.suggestions(session, rows), kinds=[(k, INCOME_KIND_LABELS[k]) for k in INCOME_KINDS],
        guessed={line.id: suggest.guessed_kind(line) for line in rows}, directions=DIRECTION_LABELS,
        statement_names=statement_names, args=args, household_url=household_url,
        accounts=[(a, MUNICIPALITY_ACCOUNT_NAMES[a]) for a in MUNICIPALITY_ACCOUNTS],
    ), (422 if errors else 200)


def _back() -> str:
    """Where to go after an assignment: the queue page the form was on (only a path of this site's queue)."""
    raw = request.form.get("back", "")
    parts = urlsplit(raw)
    if not parts.scheme and not parts.netloc and parts.path == url_for("bank.queue"):
        return raw
    return url_for("bank.queue")


@bp.route("/lines/<int:line_id>/assign", methods=["POST"])
@requires("bank.assign")
def assign(line_id: int) -> WerkzeugResponse:
    """Whose money a waiting line is: a household (a credit; ``suggested`` or ``household_id``, and ``kind``) or, with
    ``account`` and ``reason``, no household's (bank charges, the municipality's own money)."""
    account = request.form.get("account")
    household_id = (request.form.get("suggested") or request.form.get("household_id") or "").strip()
    data: dict[str, Any] = ({"account": account, "reason": request.form.get("reason", "")} if account is not None
                            else {"household_id": household_id, "kind": request.form.get("kind") or "benefit"})
    try:
        if account is None and not household_id:
            raise ValidationError({"household_id": Message("Vul het nummer van het huishouden in.")})
        line = service.assign_line(db(), actor(), line_id, data)
        if account is not None:
            flash(_t("Bankpost %(id)s (%(amount)s) geboekt op %(account)s.", id=line.id,
                     amount=_money(line.amount_cents), account=_t(MUNICIPALITY_ACCOUNT_NAMES.get(account, account))),
                  "success")
        else:
            flash(_t("Bankpost %(id)s (%(amount)s) toegewezen aan huishouden %(household)s.", id=line.id,
                     amount=_money(line.amount_cents), household=household_id), "success")
    except BudgetbeheerError as error:
        discard()
        text = _t(error.message)
        if isinstance(error, ValidationError) and error.fields:
            text = " ".join(_t(why) for why in error.fields.values())
        flash(_t("Bankpost %(id)s is niet toegewezen: %(why)s", id=line_id, why=text), "error")
    return redirect(_back())
