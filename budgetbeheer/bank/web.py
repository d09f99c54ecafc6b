"""Web pages for finance: the bank statements with their reconciliation state and the upload of a statement
(camt.053/.054, one file or a zip) or a payment status report (pain.002), one statement's lines with what each was
matched to (and undoing an assignment), the queue of unmatched lines with search, filters, suggestions and
assignment, returns recorded by hand when the bank sent no file, and the matching rules per expected income."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response as WerkzeugResponse

from budgetbeheer import clock
from budgetbeheer.bank import naming, rules, service, suggest
from budgetbeheer.bank import queue as bank_queue
from budgetbeheer.bank.reconcile import Reconciliation
from budgetbeheer.errors import BudgetbeheerError, Conflict, Message, ValidationError
from budgetbeheer.fields import parse_iso_date
from budgetbeheer.households.income import INCOME_KIND_LABELS, INCOME_KINDS
from budgetbeheer.households.read import household_labels
from budgetbeheer.http.access import scope
from budgetbeheer.http.context import actor, db, discard, language, registry, settings
from budgetbeheer.http.idempotency import once_per_submission
from budgetbeheer.http.inputs import query_number
from budgetbeheer.http.security import has_permission, requires
from budgetbeheer.i18n import format_money, translate
from budgetbeheer.ledger.service import MUNICIPALITY_ACCOUNT_NAMES, MUNICIPALITY_ACCOUNTS
from budgetbeheer.money import cents_to_str
from budgetbeheer.payments import batches
from budgetbeheer.payments.return_reasons import RETURN_REASONS, describe, normalise_code, reason_for
from budgetbeheer.tables.bank import BankLine, BankStatement, LineState, MatchedTo
from budgetbeheer.tables.households import ExpectedIncome, Household, Receipt
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem
from budgetbeheer.tables.states import BatchStatus, ItemStatus, status_label

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
            naming.for_file(error, filename)
            status = 409 if isinstance(error, Conflict) else 422
            reason = error.fields.get("file") if isinstance(error, ValidationError) else None
            errors = {"file": reason or error.message}
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
    names = household_labels(session, [*(h for _b, h in items.values()), *receipts.values()], scope())

    def household_target(household_id: int) -> Target:  # by number and name (masked where the reader may not see it)
        return Target(Message("huishouden %(id)s: %(name)s", id=household_id, name=names.get(household_id, "")),
                      household_url(household_id))

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
            targets.append(household_target(household_id))
        elif line.matched_type == MatchedTo.RECEIPT and raw.isdigit():
            household = receipts.get(int(raw))
            targets.append(Target(Message("ontvangst %(id)s", id=int(raw))))
            if household is not None:
                targets.append(household_target(household))
        elif line.matched_type == MatchedTo.ACCOUNT:
            targets.append(Target(Message(MUNICIPALITY_ACCOUNT_NAMES.get(raw, raw))))
        elif line.matched_type == MatchedTo.LINE and raw.isdigit():
            targets.append(Target(Message("storno: draait bankpost %(id)s terug", id=int(raw)),
                                  _line_url(int(raw))))
        elif line.matched_type is not None:
            targets.append(Target(Message("%(type)s %(id)s", type=line.matched_type, id=raw)))
        found[line.id] = targets
    return found


def _line_url(line_id: int) -> str | None:
    statement_id = db().scalar(select(BankLine.statement_id).where(BankLine.id == line_id))
    return url_for("bank.statement", statement_id=statement_id) + f"#line-{line_id}" if statement_id else None


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
        state_labels=STATE_LABELS, undoable=undoable(lines),
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


# ---------------------------------------------------------------------------------------- undoing an assignment


def undoable(lines: list[BankLine]) -> set[int]:
    """The lines a person may undo (:func:`budgetbeheer.bank.queue.unassign`): assigned, or matched to a receipt that
    matching booked from the line itself; not a line the bank itself reversed."""
    session = db()
    candidates = [line for line in lines if line.matched_type in (MatchedTo.RECEIPT, MatchedTo.ACCOUNT)
                  and (line.state == LineState.ASSIGNED
                       or (line.state == LineState.MATCHED and line.matched_type == MatchedTo.RECEIPT))]
    if not candidates:
        return set()
    keys = {f"bank-line:{line.id}": line.id for line in candidates if line.state == LineState.MATCHED}
    booked = {keys[key] for key in session.scalars(select(Receipt.idempotency_key)
                                                   .where(Receipt.idempotency_key.in_(sorted(keys)))) if key} \
        if keys else set()
    reversed_ = set(session.scalars(select(BankLine.matched_id).where(
        BankLine.reversal.is_(True), BankLine.matched_type == MatchedTo.LINE,
        BankLine.matched_id.in_([str(line.id) for line in candidates]))))
    return {line.id for line in candidates if str(line.id) not in reversed_
            and (line.state == LineState.ASSIGNED or line.id in booked)}


@bp.route("/lines/<int:line_id>/unassign", methods=["POST"])
@requires("bank.assign")
def unassign(line_id: int) -> WerkzeugResponse:
    """Undo an assignment (to a household or an account) with a reason; back to the statement's page."""
    session = db()
    line = session.get(BankLine, line_id)
    back = url_for("bank.statement", statement_id=line.statement_id) if line is not None else url_for("bank.queue")
    try:
        undone = bank_queue.unassign(session, actor(), line_id, request.form.get("reason", ""))
        flash(_t("Toewijzing van bankpost %(id)s (%(amount)s) teruggedraaid; de post staat weer in de wachtrij.",
                 id=undone.id, amount=_money(undone.amount_cents)), "success")
    except BudgetbeheerError as error:
        discard()
        text = " ".join(_t(why) for why in error.fields.values()) if isinstance(error, ValidationError) \
            else _t(error.message)
        flash(_t("Bankpost %(id)s is niet teruggedraaid: %(why)s", id=line_id, why=text), "error")
    return redirect(back)


# ------------------------------------------------------------------------------------ returns recorded by hand

REASON_CHOICES = [(code, Message("%(code)s – %(meaning)s", code=code, meaning=Message(reason.nl)))
                  for code, reason in sorted(RETURN_REASONS.items())]


def _find_item(errors: dict[str, Message], raw: str) -> PaymentItem | None:
    session = db()
    text = raw.strip()
    if not text:
        errors["payment"] = Message("Geef het betalingskenmerk (EndToEndId) of het nummer van de betaling.")
        return None
    item = session.scalar(select(PaymentItem).where(PaymentItem.end_to_end_id == text))
    if item is None and text.isdigit():
        item = session.get(PaymentItem, int(text))
    if item is None:
        errors["payment"] = Message("Geen betaling met kenmerk of nummer %(value)s.", value=text)
    return item


def _return_form(errors: dict[str, Message], values: dict[str, str]) -> tuple[str, int]:
    return render_template("bank/returns.html", errors=errors, values=values, reasons=REASON_CHOICES,
                           today=clock.today().isoformat()), (422 if errors else 200)


@bp.route("/returns")
@requires("payments.settle")
def returns() -> tuple[str, int]:
    """The form to record a return when the bank sent no file (a letter, a phone call, the bank's portal)."""
    return _return_form({}, {"date": clock.today().isoformat(), "reason_code": "AC04"})


@bp.route("/returns", methods=["POST"])
@requires("payments.settle")
def record_return() -> str | tuple[str, int] | WerkzeugResponse:
    """First the check and the confirmation page (what will happen), then, confirmed, the return itself
    (:func:`budgetbeheer.payments.batches.return_item`, audited as ``payment_item.returned``)."""
    values = {name: request.form.get(name, "").strip() for name in ("payment", "reason_code", "date")}
    errors: dict[str, Message] = {}
    item = _find_item(errors, values["payment"])
    code = normalise_code(values["reason_code"])
    if code is None or code not in RETURN_REASONS:
        errors["reason_code"] = Message("Kies de redencode die de bank gaf.")
    on = parse_iso_date(values["date"])
    if on is None:
        errors["date"] = Message("Geef een datum als JJJJ-MM-DD.")
    elif on > clock.today():
        errors["date"] = Message("De datum ligt in de toekomst.")
    if item is not None and item.status == ItemStatus.RETURNED:
        errors["payment"] = Message("Betaling %(id)s is al teruggekomen (%(code)s).", id=item.id,
                                    code=item.return_reason_code or "?")
    elif item is not None and item.status not in (ItemStatus.APPROVED, ItemStatus.SETTLED):
        errors["payment"] = Message("Betaling %(id)s is niet naar de bank gegaan (status %(status)s) en kan niet "
                                    "terugkomen.", id=item.id, status=status_label(item.status))
    if errors or item is None or code is None or on is None:
        return _return_form(errors, values)
    session = db()
    batch = session.get(PaymentBatch, item.batch_id)
    if request.form.get("confirm") != "1":
        return render_template("bank/return_confirm.html", item=item, batch=batch, values=values,
                               reason=reason_for(code), household_url=household_url,
                               mark_sent=batch is not None and batch.status == BatchStatus.EXPORTED)
    try:
        if batch is not None and batch.status == BatchStatus.EXPORTED:
            batches.mark_sent(session, actor(), batch.id)  # the bank had the file: it sends the payment back
        returned = batches.return_item(session, actor(), item.id, code, on)
    except BudgetbeheerError as error:
        discard()
        return _return_form({"payment": error.message}, values)
    flash(_t("Betaling %(e2e)s (%(amount)s) is als teruggekomen geboekt (%(reason)s); het geld staat weer bij "
             "huishouden %(household)s.", e2e=returned.end_to_end_id, amount=_money(returned.amount_cents),
             reason=describe(code, language()), household=returned.household_id), "success")
    return redirect(url_for("bank.returns"))


# ------------------------------------------------------------------------------ matching rules per expected income


def match_rules_link(household_id: int) -> str | None:
    """The matching rules page of a household, for the household page (a panel), when the user may set them."""
    return url_for("bank.match_rules", household_id=household_id) if has_permission("receipts.write") else None


def _incomes(household_id: int) -> list[ExpectedIncome]:
    return list(db().scalars(select(ExpectedIncome).where(ExpectedIncome.household_id == household_id)
                             .order_by(ExpectedIncome.start_date, ExpectedIncome.id)))


def _rules_page(household_id: int | None, errors: dict[int, dict[str, Message]] | None = None,
                values: dict[int, dict[str, str]] | None = None, lookup_error: Message | None = None) -> str:
    session = db()
    household = session.get(Household, household_id) if household_id is not None else None
    if household_id is not None and household is None:
        lookup_error = Message("Huishouden %(id)s bestaat niet.", id=household_id)
    incomes = _incomes(household.id) if household is not None else []
    shown = {income.id: {"payer_iban": income.payer_iban or "", "match_words": income.match_words or "",
                         "amount_tolerance": cents_to_str(income.amount_tolerance_cents)
                         if income.amount_tolerance_cents else ""} for income in incomes}
    for income_id, given in (values or {}).items():
        shown[income_id] = given
    return render_template("bank/match_rules.html", household=household, incomes=incomes, shown=shown,
                           errors=errors or {}, lookup_error=lookup_error, kind_labels=INCOME_KIND_LABELS,
                           household_url=household_url)


@bp.route("/match-rules")
@requires("receipts.write")
def match_rules() -> tuple[str, int]:
    """Per expected income of a household, how the statement recognises it: the payer's IBAN, words in the text, how
    far the amount may differ (:func:`budgetbeheer.bank.rules.set_match_rule`)."""
    raw = request.args.get("household_id", "").strip()
    if raw and not raw.isdigit():
        return _rules_page(None, lookup_error=Message("Geef het nummer van het huishouden.")), 422
    page = _rules_page(int(raw) if raw else None)
    return page, 200


@bp.route("/match-rules/<int:household_id>/<int:income_id>", methods=["POST"])
@requires("receipts.write")
@once_per_submission  # a double submit sets the rule once (one audit entry)
def set_match_rule(household_id: int, income_id: int) -> tuple[str, int] | WerkzeugResponse:
    data = {name: request.form.get(name, "") for name in ("payer_iban", "match_words", "amount_tolerance")}
    try:
        rules.set_match_rule(db(), actor(), household_id, income_id, data)
    except ValidationError as error:
        discard()
        return _rules_page(household_id, {income_id: error.fields}, {income_id: data}), 422
    flash(_t("De herkenningsregel van dit inkomen is opgeslagen."), "success")
    return redirect(url_for("bank.match_rules", household_id=household_id) + f"#income-{income_id}")
