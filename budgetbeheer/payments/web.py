"""Web pages for finance: batches, preparing a run, a batch in full, approving and cancelling (with a confirmation
step), the bank file.

The household page shows a household's payments with ``{% include "payments/_household_payments.html" %}`` and
``household_payments = budgetbeheer.payments.service.payments_for_household(session, household_id)``."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from budgetbeheer import clock
from budgetbeheer.domain.calendar import next_business_day
from budgetbeheer.domain.categories import LABELS_NL, Category
from budgetbeheer.errors import BudgetbeheerError, Message, ValidationError
from budgetbeheer.fields import parse_iso_date
from budgetbeheer.http.context import actor, db, discard, language, settings
from budgetbeheer.http.inputs import query_number
from budgetbeheer.http.security import requires
from budgetbeheer.i18n import translate
from budgetbeheer.payments import service, summary
from budgetbeheer.payments.payees import totals_by_payee
from budgetbeheer.tables.payments import PaymentItem, Shortfall
from budgetbeheer.tables.states import STATUS_LABELS, BatchStatus, ItemStatus

bp = Blueprint("payments", __name__, url_prefix="/batches")
NAV = [("Betaalruns", "payments.batches", "payments.read")]
PAGE_SIZE = 200
KIND_LABELS = {c.value: LABELS_NL[c] for c in Category} | {"leefgeld": "leefgeld", "one_off": "incidentele betaling"}


def payment_labels() -> dict[str, object]:
    """Template context on every page: the words for payment statuses and kinds."""
    return {"payment_status_labels": STATUS_LABELS, "payment_kind_labels": KIND_LABELS}


def _flash_error(error: BudgetbeheerError) -> None:
    lang = language()
    text = translate(error.message, lang)
    if error.fields and isinstance(error, ValidationError):  # a conflict's fields only repeat its message
        text += " " + "; ".join(translate(why, lang) for why in error.fields.values())
    flash(text, "error")


@bp.route("/")
@requires("payments.read")
def batches() -> str:
    session = db()
    rows = service.list_batches(session)
    held = service.held_counts(session, [b.id for b in rows])
    suggestion = next_business_day(clock.today())
    return render_template("payments/batches.html", batches=rows, held=held, suggestion=suggestion, errors={})


@bp.route("/", methods=["POST"])
@requires("payments.prepare")
def prepare() -> str | WerkzeugResponse | tuple[str, int]:
    raw = request.form.get("execution_date", "")
    errors: dict[str, Message] = {}
    execution_date = parse_iso_date(raw)
    if execution_date is None:
        errors = {"execution_date": Message("Geef een datum als JJJJ-MM-DD.")}
    else:
        try:
            session = db()
            batch, created = service.prepare_run(session, actor(), execution_date, settings(),
                                                 today=clock.today())
            batch_id = batch.id
            flash(translate("Betaalrun voorbereid." if created else "Er was al een betaalrun voor deze datum.",
                            language()), "success")
            return redirect(url_for("payments.batch", batch_id=batch_id))
        except BudgetbeheerError as error:
            discard()
            errors = error.fields or {"execution_date": error.message}
    session = db()
    rows = service.list_batches(session)
    return render_template(
        "payments/batches.html", batches=rows, held=service.held_counts(session, [b.id for b in rows]),
        suggestion=raw, errors=errors,
    ), 422


@bp.route("/<int:batch_id>")
@requires("payments.read")
def batch(batch_id: int) -> str:
    """A batch in full. Its sums come from the batch's kept summary (:mod:`budgetbeheer.payments.summary`); each of
    its lists (payments, held payments, shortfalls) is paged on its own (``page``, ``held_page``,
    ``shortfalls_page``), :data:`PAGE_SIZE` rows a page."""
    session = db()
    found = service.get_batch(session, batch_id)
    totals = summary.sums(session, found)
    page = query_number("page", 1)
    held_page = query_number("held_page", 1)
    shortfalls_page = query_number("shortfalls_page", 1)
    items = session.scalars(
        select(PaymentItem).where(PaymentItem.batch_id == batch_id, PaymentItem.status != ItemStatus.HELD)
        .order_by(PaymentItem.household_id, PaymentItem.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all() if (page - 1) * PAGE_SIZE < totals.items else []
    held = session.scalars(
        select(PaymentItem).where(PaymentItem.batch_id == batch_id, PaymentItem.status == ItemStatus.HELD)
        .order_by(PaymentItem.id).limit(PAGE_SIZE).offset((held_page - 1) * PAGE_SIZE)
    ).all() if (held_page - 1) * PAGE_SIZE < totals.held else []
    shortfalls = session.scalars(
        select(Shortfall).where(Shortfall.batch_id == batch_id).order_by(Shortfall.household_id, Shortfall.id)
        .limit(PAGE_SIZE).offset((shortfalls_page - 1) * PAGE_SIZE)
    ).all() if (shortfalls_page - 1) * PAGE_SIZE < totals.shortfalls else []
    current = actor()
    approvals = service.approvals_of(session, batch_id)
    by_payee = totals_by_payee(session, batch_id, rows=totals.payees)
    return render_template(
        "payments/batch.html",
        batch=found,
        items=items,
        page=page,
        pages=_pages(totals.items),
        held_items=held,
        held_total=totals.held,
        held_page=held_page,
        held_pages=_pages(totals.held),
        shortfalls=shortfalls,
        shortfalls_total=totals.shortfalls,
        shortfalls_page=shortfalls_page,
        shortfalls_pages=_pages(totals.shortfalls),
        by_kind=totals.by_kind,
        by_payee=by_payee,
        payee_lines=len(totals.payees),
        flagged_payees={(line.creditor_id, line.iban) for line in by_payee if line.flagged},
        changes=totals.changes,
        changed_households=totals.changed_households,
        approvals=approvals,
        files=service.bank_files(session, batch_id),
        own_batch=found.prepared_by == current.name,
        approved_by_me=any(a.approver == current.name for a in approvals),
    )


def _pages(rows: int) -> int:
    return max(1, -(-int(rows) // PAGE_SIZE))


@bp.route("/<int:batch_id>/approve", methods=["GET", "POST"])
@requires("payments.approve")
def approve(batch_id: int) -> str | WerkzeugResponse:
    if request.method == "POST":
        try:
            session = db()
            found = service.approve(session, actor(), batch_id)
            status = found.status
            message = "Betaalrun goedgekeurd." if status == BatchStatus.APPROVED else \
                "Uw goedkeuring is vastgelegd; een tweede medewerker financiën moet nog goedkeuren."
            flash(translate(message, language()), "success")
        except BudgetbeheerError as error:
            discard()
            _flash_error(error)
        return redirect(url_for("payments.batch", batch_id=batch_id))
    session = db()
    found = service.get_batch(session, batch_id)
    rows = summary.sums(session, found).payees
    flagged = sum(1 for line in totals_by_payee(session, batch_id, limit=len(rows), rows=rows) if line.flagged)
    return render_template("payments/confirm_approve.html", batch=found, flagged_payees=flagged)


@bp.route("/<int:batch_id>/cancel", methods=["GET", "POST"])
@requires("payments.approve")
def cancel(batch_id: int) -> str | WerkzeugResponse | tuple[str, int]:
    errors: dict[str, Message] = {}
    if request.method == "POST":
        try:
            session = db()
            service.cancel(session, actor(), batch_id, request.form.get("reason", ""))
            flash(translate("Betaalrun geannuleerd.", language()), "success")
            return redirect(url_for("payments.batch", batch_id=batch_id))
        except BudgetbeheerError as error:
            discard()
            if not error.fields.get("reason"):
                _flash_error(error)
                return redirect(url_for("payments.batch", batch_id=batch_id))
            errors = error.fields
    found = service.get_batch(db(), batch_id)
    return render_template("payments/confirm_cancel.html", batch=found, errors=errors,
                           reason=request.form.get("reason", "")), (422 if errors else 200)


@bp.route("/<int:batch_id>/file", methods=["POST"])
@requires("payments.export")
def export(batch_id: int) -> WerkzeugResponse:
    try:
        session = db()
        service.export(session, actor(), batch_id, settings())
        flash(translate("Bankbestand gemaakt en gecontroleerd tegen het XSD.", language()), "success")
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
    return redirect(url_for("payments.batch", batch_id=batch_id))


@bp.route("/<int:batch_id>/file")
@requires("payments.export")
def download(batch_id: int) -> Response:
    filename, content = service.download(db(), batch_id)
    mimetype = "application/zip" if filename.endswith(".zip") else "application/xml"
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/<int:batch_id>/sent", methods=["POST"])
@requires("payments.export")
def sent(batch_id: int) -> WerkzeugResponse:
    try:
        session = db()
        service.mark_sent(session, actor(), batch_id)
        flash(translate("Vastgelegd dat het bankbestand naar de bank is gestuurd.", language()), "success")
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
    return redirect(url_for("payments.batch", batch_id=batch_id))


@bp.route("/<int:batch_id>/settled/confirm", methods=["POST"])
@requires("payments.settle")
def settle_confirm(batch_id: int) -> str:
    """The confirmation step of "Afgeschreven door de bank" (issue 15): what booking it makes; nothing written."""
    found = service.get_batch(db(), batch_id)
    return render_template("payments/confirm_settle.html", batch=found)


@bp.route("/<int:batch_id>/settled", methods=["POST"])
@requires("payments.settle")
def settle(batch_id: int) -> str | WerkzeugResponse:
    """Booked as debited by the bank, confirmed (``confirm=1``); without it, the confirmation step. The API settles
    in one call."""
    if request.form.get("confirm") != "1":
        return settle_confirm(batch_id)
    try:
        session = db()
        service.settle(session, actor(), batch_id)
        flash(translate("Betaalrun geboekt als afgeschreven door de bank.", language()), "success")
    except BudgetbeheerError as error:
        discard()
        _flash_error(error)
    return redirect(url_for("payments.batch", batch_id=batch_id))
