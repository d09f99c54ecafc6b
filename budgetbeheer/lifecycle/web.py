"""Web pages: the signals inbox, the extension queue, asking for an extension, ending a period, the handover, and
the scheduler's status for admins. The household page includes ``lifecycle/_household_period.html``."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as cookie_session
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from budgetbeheer import clock
from budgetbeheer.errors import BudgetbeheerError, Message, ValidationError
from budgetbeheer.households.common import get_household
from budgetbeheer.households.read import record_view
from budgetbeheer.http.access import scope
from budgetbeheer.http.context import actor, current, db, discard, language, registry, settings
from budgetbeheer.http.idempotency import once_per_submission
from budgetbeheer.http.inputs import query_number
from budgetbeheer.http.redirects import safe_next
from budgetbeheer.http.security import requires
from budgetbeheer.i18n import translate
from budgetbeheer.jobs import last_runs
from budgetbeheer.ledger import service as ledger
from budgetbeheer.lifecycle import ending, extensions, handover, month_letter, signals
from budgetbeheer.lifecycle.api import signal_filters
from budgetbeheer.lifecycle.letters import LETTER_LANGUAGES
from budgetbeheer.scheduler import LEASE_NAME, next_daily_run
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.lifecycle import SchedulerLease
from budgetbeheer.tables.states import ExtensionStatus, SignalState
from budgetbeheer.users.permissions import allowed

bp = Blueprint("lifecycle", __name__)
PER_PAGE = 100
"""Signals and extension requests per page."""

NAV = [
    ("Signalen", "lifecycle.signals", "signals.read"),
    ("Verlengingen", "lifecycle.extensions", "extensions.decide"),
    ("Planner", "lifecycle.scheduler_status", "scheduler.read"),
]

def household_url(household_id: int | None) -> str:
    """The household page (the ``household`` link a feature registered), else this package's period page."""
    if household_id is None:
        return ""
    endpoint = registry().links.get("household")
    if endpoint is not None and endpoint in current_app.view_functions:
        return url_for(endpoint, household_id=household_id)
    return url_for("lifecycle.household_period", household_id=household_id)


def viewer() -> signals.Viewer:
    user = current()
    return signals.Viewer(user.id if user else None, user.roles if user else frozenset(), scope())


def _t(message: Message | str) -> str:
    return translate(message, language())


def _error_text(error: BudgetbeheerError) -> str:
    """A flash message: the conflict's own text, or each invalid field's reason."""
    if error.fields and error.message.msgid == "De invoer is niet geldig.":
        return " ".join(_t(why) for why in error.fields.values())
    return _t(error.message)


def _back_to(household_id: int) -> WerkzeugResponse:
    return redirect(safe_next(request.form.get("next"), household_url(household_id)))


# ------------------------------------------------------------------------------------------------------------ signals


@bp.route("/signals", endpoint="signals")
@requires("signals.read")
def signals_page() -> Any:
    try:
        chosen = signal_filters(request.args)
        errors: dict[str, Message] = {}
    except ValidationError as error:
        chosen = {"state": SignalState.OPEN, "scope": "mine", "kind": None, "household_id": None}
        errors = dict(error.fields)
    page = query_number("page", 1)
    rows = signals.inbox(db(), viewer(), limit=PER_PAGE, offset=(page - 1) * PER_PAGE, **chosen)
    total = signals.inbox_total(db(), viewer(), **chosen)
    if chosen == _MENU_FILTERS:  # the menu's own count: it is not counted a second time for this page
        g.open_signal_count = total
    return render_template("lifecycle/signals.html", signals=rows, kinds=signals.KINDS, errors=errors, page=page,
                           pages=max(1, -(-total // PER_PAGE)), total=total, **chosen), (422 if errors else 200)


@bp.route("/signals/done", methods=["POST"])
@requires("signals.write")
def signals_done() -> WerkzeugResponse:
    try:
        session = db()
        closed = signals.mark_many_done(session, actor(), request.form.getlist("ids"), request.form.get("note", ""),
                                        viewer=viewer())
        forget_menu_count()
        flash(_t(Message("%(count)s signalen afgehandeld met één notitie.", count=len(closed))), "success")
    except BudgetbeheerError as error:
        discard()
        flash(_error_text(error), "error")
    return redirect(safe_next(request.form.get("next"), url_for("lifecycle.signals")))


@bp.route("/signals/<int:signal_id>/done", methods=["POST"])
@requires("signals.write")
def signal_done(signal_id: int) -> WerkzeugResponse:
    try:
        session = db()
        signals.mark_done(session, actor(), signal_id, request.form.get("note", ""), viewer=viewer())
        forget_menu_count()
        flash(_t("Signaal afgehandeld."), "success")
    except BudgetbeheerError as error:
        discard()
        flash(_error_text(error), "error")
    return redirect(url_for("lifecycle.signals"))


# ---------------------------------------------------------------------------------------------------------- extensions


@bp.route("/extensions", endpoint="extensions")
@requires("extensions.decide")
def extensions_page() -> str:
    return _extensions_page()


def _extensions_page(**refused: Any) -> str:
    """The queue; ``refused`` (``failed``: the request's id, ``errors``, ``typed``): a decision whose input was
    refused, shown again with the error summary and what was typed."""
    status = request.args.get("status", ExtensionStatus.PENDING)
    chosen = status if status in set(ExtensionStatus) else None
    page = query_number("page", 1)
    rows = extensions.list_requests(db(), chosen, PER_PAGE, (page - 1) * PER_PAGE, scope())
    wanted = sorted({r.household_id for r in rows})
    households = {h.id: h for h in db().scalars(select(Household).where(Household.id.in_(wanted)))} if wanted else {}
    # By need: what the decision needs (name, period, reasons, balance) without the household file and its BSNs.
    balances = ledger.household_balances(db(), wanted) if wanted else {}
    total = extensions.count_requests(db(), chosen, scope())
    context: dict[str, Any] = {"errors": {}, "failed": None, "typed": {}} | refused
    return render_template("lifecycle/extensions.html", requests=rows, status=status, households=households,
                           balances=balances,
                           reasons=extensions.REASON_CATEGORIES, today=clock.today(), page=page,
                           pages=max(1, -(-total // PER_PAGE)), total=total, **context)


@bp.route("/extensions/<int:request_id>/decision/confirm", methods=["POST"])
@requires("extensions.decide")
def decide_confirm(request_id: int) -> str | tuple[str, int]:
    """The decision's confirmation step (issue 15): what will happen, nothing written yet."""
    return _decision_step(request_id)


def _decision_step(request_id: int) -> str | tuple[str, int]:
    decision, note = request.form.get("decision"), request.form.get("note", "")
    try:
        extensions.check_decision(decision, note)
    except ValidationError as error:
        return _extensions_page(errors=dict(error.fields), failed=request_id, typed={"note": note}), 422
    row = extensions.request_or_404(db(), request_id)
    household = get_household(db(), row.household_id)
    return render_template("lifecycle/decide_confirm.html", r=row, household=household, decision=decision,
                           note=note, new_end=extensions.end_if_approved(household, row),
                           balance=ledger.household_balances(db(), [household.id]).get(household.id, 0))


@bp.route("/extensions/<int:request_id>/decision", methods=["POST"])
@requires("extensions.decide")
def decide(request_id: int) -> str | tuple[str, int] | WerkzeugResponse:
    """The decision itself, confirmed (``confirm=1``); without it, the confirmation step. The API decides in one
    call (its client confirms by calling)."""
    if request.form.get("confirm") != "1":
        return _decision_step(request_id)
    try:
        session = db()
        row = extensions.decide_extension(session, actor(), request_id, decision=request.form.get("decision"),
                                          note=request.form.get("note", ""))
        approved = row.status == ExtensionStatus.APPROVED
        new_end = row.end_after
        if approved and new_end:
            flash(_t(Message("Verlenging goedgekeurd. Nieuwe einddatum: %(end)s.", end=f"{new_end:%d-%m-%Y}")),
                  "success")
        else:
            flash(_t("Verlenging afgewezen."), "success")
    except BudgetbeheerError as error:
        discard()
        flash(_error_text(error), "error")
    return redirect(url_for("lifecycle.extensions"))


@bp.route("/extensions/<int:request_id>/withdraw", methods=["POST"])
@requires("extensions.request")
def withdraw(request_id: int) -> WerkzeugResponse:
    session = db()
    row = extensions.withdraw_extension(session, actor(), request_id, note=request.form.get("note"))
    household_id = row.household_id
    flash(_t("Verzoek ingetrokken."), "success")
    return _back_to(household_id)


@bp.route("/households/<int:household_id>/extensions/new", methods=["GET", "POST"])
@requires("extensions.request")
@once_per_submission
def ask_extension(household_id: int) -> Any:
    errors: dict[str, Message] = {}
    household = get_household(db(), household_id)
    if request.method == "POST":
        try:
            session = db()
            extensions.request_extension(
                session, actor(), household_id, months=request.form.get("months", ""),
                reason_category=request.form.get("reason_category", ""),
                reason_text=request.form.get("reason", ""), person_id=request.form.get("person_id") or None,
            )
            flash(_t("Verlenging aangevraagd. Een teamleider beslist."), "success")
            return _back_to(household_id)
        except BudgetbeheerError as error:
            discard()
            errors = _form_errors(error, "months")
    return render_template("lifecycle/ask_extension.html", household=household, errors=errors, form=request.form,
                           reasons=extensions.REASON_CATEGORIES), (422 if errors else 200)


def _form_errors(error: BudgetbeheerError, main_field: str) -> dict[str, Message]:
    """Field errors of invalid input; any other refusal (a conflict with the state) as its whole sentence on the
    form's main field: a conflict's own fields are only short labels."""
    if isinstance(error, ValidationError) and error.fields:
        return dict(error.fields)
    return {main_field: error.message}


# ---------------------------------------------------------------------------------------------------------- ending


@bp.route("/households/<int:household_id>/end", methods=["GET", "POST"])
@requires("households.end")
@once_per_submission
def end_period(household_id: int) -> Any:
    """Ending a period: the form (the date starts empty: no default), then the confirmation step (what will
    happen), then, confirmed (``confirm=1``), the end itself. The API ends in one call."""
    errors: dict[str, Message] = {}
    household = get_household(db(), household_id)
    if request.method == "POST":
        if request.form.get("confirm") != "1":
            return _end_step(household_id)
        try:
            session = db()
            # "De bijstand stopt": the expected benefit stops too, and a date after the period's end leaves the
            # period to end at its own end (ending.benefit_ended, as POST /households/{id}/benefit-end).
            end = ending.benefit_ended if request.form.get("benefit_end") == "on" else ending.end_period
            end(session, actor(), household_id, end_date=request.form.get("date", ""),
                reason=request.form.get("reason", ""))
            flash(_t("De periode is beëindigd. Het saldo wordt bij de volgende betaalrun uitbetaald."), "success")
            return redirect(url_for("lifecycle.handover_page", household_id=household_id))
        except BudgetbeheerError as error:
            discard()
            errors = _form_errors(error, "date")
    return render_template("lifecycle/end_period.html", household=household, errors=errors, form=request.form,
                           today=clock.today()), (422 if errors else 200)


@bp.route("/households/<int:household_id>/end/confirm", methods=["POST"])
@requires("households.end")
def end_period_confirm(household_id: int) -> Any:
    """The confirmation step of ending a period (issue 15): what will happen; nothing is written."""
    return _end_step(household_id)


def _end_step(household_id: int) -> Any:
    household = get_household(db(), household_id)
    benefit = request.form.get("benefit_end") == "on"
    try:
        last_day, reason = ending.check_end(household, request.form.get("date", ""), request.form.get("reason", ""),
                                            benefit=benefit)
    except ValidationError as error:
        return render_template("lifecycle/end_period.html", household=household, errors=dict(error.fields),
                               form=request.form, today=clock.today()), 422
    balance = ledger.household_balances(db(), [household_id]).get(household_id, 0)
    period_end = min(last_day, household.period_end)
    return render_template("lifecycle/end_confirm.html", household=household, last_day=last_day,
                           period_end=period_end, day_after=period_end + timedelta(days=1), reason=reason,
                           benefit=benefit, balance=balance, form=request.form)


@bp.route("/households/<int:household_id>/period")
@requires("households.read")
def household_period(household_id: int) -> str:
    household = get_household(db(), household_id)
    return render_template("lifecycle/period.html", household=household)


# ---------------------------------------------------------------------------------------------------------- handover


def _handover(household_id: int, channel: str) -> handover.Handover:
    """The overview's data; opening it (page, PDF or CSV) is logged like opening the household page."""
    config = settings()
    data = handover.handover_data(db(), household_id, municipality=config.municipality_name,
                                  contact=config.contact_line, lead_business_days=config.lead_business_days)
    session = db()
    record_view(session, actor(), household_id, channel=channel)
    return data


def _download(content: bytes | str, content_type: str, filename: str) -> Response:
    response = make_response(content)
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/households/<int:household_id>/handover")
@requires("households.read")
def handover_page(household_id: int) -> str:
    data = _handover(household_id, "handover")
    return render_template("lifecycle/handover.html", data=data, intro=handover.intro_lines(data),
                           cost_lines=handover.cost_lines, money=handover.money_lines(data),
                           contact=handover.contact_lines(data))


@bp.route("/households/<int:household_id>/handover.pdf")
@requires("households.read")
def handover_pdf(household_id: int) -> Response:
    """The letter in Dutch, or in English or Arabic with ``?lang=en`` / ``?lang=ar``."""
    chosen = _letter_language()
    pdf = handover.handover_pdf(_handover(household_id, "handover.pdf"), language=chosen,
                                texts=settings().letter_texts)
    return _letter(pdf, f"overdracht-{household_id}", chosen)


def _letter_language() -> str:
    """The letter's language from ``?lang=`` (nl, en or ar); Dutch for anything else."""
    chosen = request.args.get("lang", "nl")
    return chosen if chosen in LETTER_LANGUAGES else "nl"


def _letter(pdf: bytes, name: str, language: str) -> Response:
    suffix = "" if language == "nl" else f"-{language}"
    return _download(pdf, "application/pdf", f"{name}{suffix}.pdf")


@bp.route("/households/<int:household_id>/month-letter.pdf")
@requires("households.read")
def month_letter_pdf(household_id: int) -> Response:
    """The monthly letter (``?month=YYYY-MM``, default this month) in Dutch, or ``?lang=en`` / ``?lang=ar``."""
    chosen = _letter_language()
    config = settings()
    month = month_letter.parse_month(request.args.get("month"), clock.today())
    data = month_letter.month_letter(db(), household_id, month, municipality=config.municipality_name,
                                     contact=config.contact_line)
    record_view(db(), actor(), household_id, channel="month-letter.pdf")
    pdf = month_letter.month_letter_pdf(data, language=chosen, texts=config.letter_texts)
    return _letter(pdf, f"maandbrief-{household_id}-{month:%Y-%m}", chosen)


@bp.route("/households/<int:household_id>/handover-creditors.csv")
@requires("households.read")
def handover_csv(household_id: int) -> Response:
    rows = handover.creditors_csv(_handover(household_id, "handover.csv"))
    return _download(rows, "text/csv; charset=utf-8", f"schuldeisers-{household_id}.csv")


# ---------------------------------------------------------------------------------------------------------- scheduler


@bp.route("/admin/scheduler")
@requires("scheduler.read")
def scheduler_status() -> str:
    session = db()
    last = last_runs(session)
    row = session.get(SchedulerLease, LEASE_NAME)
    lease = None if row is None else (row.holder, row.expires_at)
    return render_template(
        "lifecycle/scheduler.html", jobs=registry().jobs.all(), last=last, lease=lease,
        next_run=next_daily_run(session.connection()), run_time=settings().scheduler_run_time,
    )


MENU_COUNT_SECONDS = 60
"""How old the menu's count of open signals may be: counted at most once a minute per user (kept in the user's
session), and at once on the signals page and after the user closes signals. Without it every page counted the
inbox (some 50,000 open signals at 50,000 households: 60 ms on PostgreSQL)."""
_MENU_FILTERS = {"state": SignalState.OPEN, "scope": "mine", "kind": None, "household_id": None}
_MENU_KEY = "menu_signals"


def forget_menu_count() -> None:
    """The user changed their signals: the menu counts them again on the next page."""
    cookie_session.pop(_MENU_KEY, None)


def menu_signal_count() -> int:
    """The open signals of the user's inbox (``scope="mine"``) for the menu: the signals page's own total when this
    request counted it, else the count kept in the session when it is of this user, roles and team and younger than
    :data:`MENU_COUNT_SECONDS`, else counted now (and kept)."""
    user = current()
    if user is None or not allowed(user.roles, "signals.read"):
        return 0
    reader = viewer()
    key = f"{user.id}|{','.join(sorted(reader.roles))}|{reader.households.team}"
    now = time.time()
    counted = g.get("open_signal_count")
    kept = cookie_session.get(_MENU_KEY)
    if counted is None and isinstance(kept, list) and len(kept) == 3 and kept[0] == key \
            and 0 <= now - float(kept[2]) < MENU_COUNT_SECONDS:
        return int(kept[1])
    count = int(counted) if counted is not None else signals.open_count(db(), reader)
    cookie_session[_MENU_KEY] = [key, count, now]
    return count


def lifecycle_helpers() -> dict[str, Any]:
    """Template context on every page: the open signals in the menu, links to households, extension reasons."""
    count = 0
    if request.blueprint != "api" and current() is not None:
        count = menu_signal_count()
    return {
        "signal_count": count,
        "household_url": household_url,
        "extension_reasons": extensions.REASON_CATEGORIES,
    }


def period_panel(household_id: int) -> Any:
    """The period's timeline, the panel this package shows on the household page."""
    return extensions.period_timeline(db(), household_id)
