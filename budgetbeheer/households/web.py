"""Web pages for caseworkers (households, intake, fixed costs, income) and finance (receipts, creditors)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.db.unit_of_work import checkpoint
from budgetbeheer.domain.categories import LABELS_NL, REQUIRED_CATEGORIES, Category
from budgetbeheer.domain.forecast import Forecast
from budgetbeheer.domain.schedule import Frequency
from budgetbeheer.errors import BudgetbeheerError, Message, NotFound, ValidationError
from budgetbeheer.fields import as_whole_number
from budgetbeheer.households.common import get_household, missing_required_categories
from budgetbeheer.households.creditors import (
    CREDITOR_STATUS_LABELS,
    REFERENCE_KIND_LABELS,
    change_creditor_address,
    confirm_creditor,
    create_creditor,
    creditor_address,
    creditor_warning,
    list_creditors,
    load_creditors_csv,
    pending_creditors,
    reject_creditor,
)
from budgetbeheer.households.figures import household_figures
from budgetbeheer.households.fixed_costs import (
    FREQUENCY_LABELS,
    add_fixed_cost,
    change_fixed_cost_amount,
    default_fixed_cost_start,
    fixed_costs_of,
)
from budgetbeheer.households.glass import REASON_FIELD, break_glass
from budgetbeheer.households.history import household_history
from budgetbeheer.households.income import INCOME_KIND_LABELS, add_expected_income, incomes_of
from budgetbeheer.households.inputs import (
    AddressData,
    AmountChangeData,
    CreditorData,
    FixedCostData,
    IncomeData,
    IntakeData,
    LeefgeldData,
    PersonData,
    ReceiptData,
)
from budgetbeheer.households.intake import enrol_household
from budgetbeheer.households.read import (
    PAGE_SIZE,
    has_digits,
    household_forecast,
    household_labels,
    household_view,
    households_elsewhere,
    record_bsn_search,
    record_view,
    search_households,
    statement,
)
from budgetbeheer.households.receipts import (
    RECEIPT_CSV_COLUMNS,
    RECEIPT_CSV_OPTIONAL,
    book_receipt,
    check_receipt,
    import_receipts_csv,
)
from budgetbeheer.http.access import opens_glass, scope
from budgetbeheer.http.context import actor, current, db, discard, language, settings
from budgetbeheer.http.forms import summary_line
from budgetbeheer.http.idempotency import once_per_submission
from budgetbeheer.http.inputs import query_number
from budgetbeheer.http.redirects import safe_next
from budgetbeheer.http.security import has_permission, requires
from budgetbeheer.i18n import translate
from budgetbeheer.payments.service import payments_for_household
from budgetbeheer.tables.households import Creditor, FixedCost, Receipt
from budgetbeheer.tables.states import HouseholdStatus
from budgetbeheer.users.models import User, UserRole

bp = Blueprint("households", __name__, url_prefix="/households")

NAV = [
    ("Huishoudens", "households.index", "households.read"),
    ("Ontvangsten", "households.receipts", "receipts.write"),
    ("Schuldeisers", "households.creditors", "creditors.read"),
]

PERSON_ROWS = 6
PERSON_FIELDS = ("bsn", "first_name", "last_name", "date_of_birth")
CATEGORY_OPTIONS = [(c.value, LABELS_NL[c]) for c in Category]
FREQUENCY_OPTIONS = [(f.value, FREQUENCY_LABELS[f.value]) for f in Frequency]
INCOME_KIND_OPTIONS = list(INCOME_KIND_LABELS.items())
LEEFGELD_OPTIONS = [("monthly", "per maand"), ("weekly", "per week")]
REFERENCE_KIND_OPTIONS = list(REFERENCE_KIND_LABELS.items())
WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


def _t(text: str, **params: object) -> str:
    return translate(text, language(), **params)


def _render_form(template: str, errors: Mapping[str, Message], **context: Any) -> tuple[str, int]:
    return render_template(template, errors=errors, **context), (422 if errors else 200)


def _error_fields(error: BudgetbeheerError, fallback: str) -> dict[str, Message]:
    return dict(error.fields) if error.fields else {fallback: error.message}


# --------------------------------------------------------------------------------------------------------- the list


@bp.route("/")
@requires("households.read")
def index() -> str | tuple[str, int]:
    """The list, searched by name (``?q=``). A BSN is never in a URL: the search form POSTs (:func:`search`), and
    digits in ``q`` are refused here."""
    query = request.args.get("q", "").strip()
    if has_digits(query):
        return _list_page([], 0, 1, "", {"q": Message(BSN_IN_URL)}), 422
    page = query_number("page", 1)
    rows, total = search_households(db(), query, page, scope=scope())
    return _list_page(rows, total, page, query, {})


BSN_IN_URL = "Zoek op een BSN met het zoekformulier (het BSN hoort niet in een adres); geef het volledige BSN."


def _list_page(rows: list[Any], total: int, page: int, query: str, errors: Mapping[str, Message],
               bsn_search: bool = False, elsewhere: list[int] | None = None) -> str:
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("households/index.html", rows=rows, total=total, page=page, pages=pages, query=query,
                           today=clock.today(), errors=errors, bsn_search=bsn_search, elsewhere=elsewhere or [])


@bp.route("/search", methods=["POST"])
@requires("households.read")
def search() -> str | Response | tuple[str, int]:
    """The search form: a name goes on to the list (``?q=name``); a full BSN (the 11-check) is searched here, in
    the POST, audited, and never put in a URL. Digits that are no full BSN are refused (no suffix search)."""
    raw = request.form.get("q", "").strip()
    if not has_digits(raw):
        return redirect(url_for("households.index", q=raw or None))
    errors = v.Errors()
    number = v.bsn(errors, "q", raw)
    if number is None:
        return _list_page([], 0, 1, "", errors.fields), 422
    session = db()
    rows, total = search_households(session, bsn=number, page_size=PAGE_SIZE, scope=scope())
    elsewhere = households_elsewhere(session, number, scope())
    record_bsn_search(session, actor(), number, rows, channel="web", elsewhere=elsewhere)
    return _list_page(rows, total, 1, "", {}, bsn_search=True, elsewhere=elsewhere)


# ----------------------------------------------------------------------------------------------------------- intake


def _caseworkers() -> list[tuple[str, str]]:
    """The caseworkers to choose at intake: of the acting caseworker's team (the household becomes that team's)."""
    query = select(User).join(UserRole).where(UserRole.role == "caseworker", User.is_active.is_(True))
    team = scope().team
    if team is not None:
        query = query.where(User.team == team)
    users = db().scalars(query.order_by(User.display_name))
    return [(str(u.id), u.display_name) for u in users]


def intake_data(form: MultiDict[str, str]) -> tuple[IntakeData, list[int]]:
    """The service's intake input from the form, and for each person given the form row it came from."""
    persons: list[PersonData] = []
    rows: list[int] = []
    for row in range(PERSON_ROWS):
        values = {name: form.get(f"persons.{row}.{name}", "").strip() for name in PERSON_FIELDS}
        if any(values.values()):
            persons.append(PersonData(bsn=values["bsn"], first_name=values["first_name"],
                                      last_name=values["last_name"], date_of_birth=values["date_of_birth"]))
            rows.append(row)
    data = IntakeData(
        persons=persons,
        iban=form.get("iban", ""),
        account_holder=form.get("account_holder", ""),
        benefit_start_date=form.get("benefit_start_date", ""),
        leefgeld=LeefgeldData(frequency=form.get("leefgeld.frequency", ""), day=form.get("leefgeld.day", ""),
                              buffer=form.get("leefgeld.buffer", "")),
        address=AddressData(street=form.get("address.street", ""), postal_code=form.get("address.postal_code", ""),
                            city=form.get("address.city", "")),
        caseworker_id=form.get("caseworker_id", ""),
    )
    return data, rows


def _remap_person_errors(fields: Mapping[str, Message], rows: list[int]) -> dict[str, Message]:
    result: dict[str, Message] = {}
    for name, why in fields.items():
        parts = name.split(".")
        if parts[0] == "persons" and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(rows):
            parts[1] = str(rows[int(parts[1])])
            name = ".".join(parts) if len(parts) > 2 else f"persons.{parts[1]}.bsn"
        elif name == "persons":
            name = "persons.0.bsn"
        result[name] = why
    return result


@bp.route("/new", methods=["GET", "POST"])
@requires("households.write")
@once_per_submission
def new() -> str | Response | tuple[str, int]:
    errors: dict[str, Message] = {}
    form = request.form
    if request.method == "POST":
        data, rows = intake_data(form)
        try:
            today = clock.today()
            session = db()
            household = enrol_household(session, actor(), data, today=today)
            household_id = household.id
            warning = v.past_start_warning(household.period_start, household.period_end, today)
            flash(_t("Huishouden ingeschreven. Voeg nu de vaste lasten en het inkomen toe."), "success")
            if warning is not None:  # a start in the past: say what it means
                flash(translate(warning, language()), "warning")
            return redirect(url_for("households.show", household_id=household_id))
        except ValidationError as error:
            discard()
            errors = _remap_person_errors(error.fields, rows)
    user = current()
    defaults = {"caseworker_id": str(user.id) if user else "", "leefgeld.frequency": "monthly", "leefgeld.day": "1",
                "leefgeld.buffer": "0,00"}
    return _render_form(
        "households/new.html", errors, form=form, defaults=defaults, person_rows=range(PERSON_ROWS),
        caseworkers=_caseworkers(), leefgeld_options=LEEFGELD_OPTIONS,
        required=[LABELS_NL[c] for c in Category if c in REQUIRED_CATEGORIES],
    )


# ------------------------------------------------------------------------------------------------- the household page


def forecast_chart(result: Forecast, width: int = 640, height: int = 180) -> dict[str, Any]:
    """Coordinates for a small SVG line chart of the closing balance per day (no scripts, no inline styles)."""
    pad_left, pad_right, pad_top, pad_bottom = 70, 10, 10, 24
    balances = [result.opening_balance_cents] + [d.closing_balance_cents for d in result.days]
    low, high = min(0, *balances), max(1, *balances)
    span = high - low or 1
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom
    step = inner_w / max(1, len(balances) - 1)

    def y(cents: int) -> float:
        return round(pad_top + inner_h * (high - cents) / span, 1)

    points = " ".join(f"{round(pad_left + i * step, 1)},{y(b)}" for i, b in enumerate(balances))
    ticks = []
    for index, day in enumerate(result.days):
        if index % 14 == 0:
            ticks.append({"x": round(pad_left + (index + 1) * step, 1), "label": f"{day.date:%d-%m}"})
    uncovered = None
    if result.first_uncovered is not None:
        index = next(i for i, d in enumerate(result.days) if d.date == result.first_uncovered.date)
        uncovered = {"x": round(pad_left + (index + 1) * step, 1)}
    return {
        "width": width, "height": height, "points": points, "zero_y": y(0), "high_y": y(high), "low_y": y(low),
        "high": high, "low": low, "left": pad_left, "right": width - pad_right, "bottom": height - pad_bottom,
        "ticks": ticks, "uncovered": uncovered, "lowest": min(balances),
    }


@bp.route("/<int:household_id>")
@requires("households.read")
def show(household_id: int) -> str:
    """The household page. Every amount of money on it comes from one :class:`HouseholdFigures` read once: the
    "Saldo" box, the reserved list, the statement's closing balance and the forecast's starting point agree."""
    return _household_page(household_id)


def _household_page(household_id: int, **amount_change: Any) -> str:
    """The household page; ``amount_change`` (``amount_cost_id``, ``amount_errors``, ``amount_form``): a refused
    "Bedrag wijzigen", shown again open with what was typed and the error summary."""
    today = clock.today()
    session = db()
    record_view(session, actor(), household_id, channel="web")
    session = db()
    lead = settings().lead_business_days
    # Read once and held here (the session's identity map keeps objects only while someone holds them): the
    # household, its fixed costs (with their amounts) and its expected incomes serve the figures, the page and the
    # forecast alike.
    household = get_household(session, household_id)
    costs = fixed_costs_of(session, household_id)
    incomes = incomes_of(session, household_id)
    figures = household_figures(session, household_id, today, lead_business_days=lead, costs=costs, incomes=incomes)
    view = household_view(session, household_id, today, figures=figures, costs=costs, incomes=incomes)
    result = household_forecast(session, household_id, today, figures=figures, lead_business_days=lead, costs=costs,
                                incomes=incomes)
    movements = statement(session, household_id, min(household.period_start, today), None, today=today,
                                  figures=figures)
    caseworker = session.get(User, household.caseworker_id) if household.caseworker_id else None
    weekly = [d for i, d in enumerate(result.days) if i % 7 == 6]
    household_payments = payments_for_household(session, household_id, today)
    history, history_total = household_history(session, household_id, per_page=10)
    return render_template(
        "households/show.html", h=view, household=household, figures=figures, forecast=result,
        chart=forecast_chart(result), weekly=weekly, statement=movements, caseworker=caseworker,
        labels=dict(LABELS_NL), frequency_labels=FREQUENCY_LABELS, income_labels=INCOME_KIND_LABELS,
        weekdays=WEEKDAYS, today=today, household_payments=household_payments, history=history,
        history_total=history_total,
        can_write=has_permission("households.write") and view.status != HouseholdStatus.ENDED, **amount_change,
    )


@bp.route("/<int:household_id>/break-glass", methods=["POST"])
@requires("households.break_glass")
@opens_glass
@once_per_submission  # a double click opens the glass once: one row, one audit entry
def open_glass(household_id: int) -> Response | tuple[str, int]:
    """Break the glass: open a household of another team for an hour with a stated reason (in the audit trail)."""
    try:
        break_glass(db(), actor(), household_id, request.form.get(REASON_FIELD))
    except ValidationError as error:
        discard()
        g.glass_household_id = household_id
        return render_template("error.html", status=403, title=Message("Geen toegang"), text=error.message,
                               errors=error.fields), 422
    flash(_t("Huishouden geopend voor een uur; uw reden staat in het auditlog."), "warning")
    return redirect(safe_next(request.form.get("next"), url_for("households.show", household_id=household_id)))


# ------------------------------------------------------------------------------------------------ fixed cost, income


def _creditor_label(creditor: Creditor) -> str:
    """``Name (IBAN)``, and that it waits for finance when it does (nothing is paid to it yet)."""
    label = f"{creditor.name} ({creditor.iban})"
    if creditor.status != "confirmed":
        label += " – " + _t("wacht op bevestiging door financiën")
    return label


def _creditor_options() -> list[tuple[str, str]]:
    return [("", "— nieuwe schuldeiser (hieronder invullen) —")] + [
        (str(c.id), _creditor_label(c)) for c in list_creditors(db())
    ]


def _flash_creditor_warning(creditor: Creditor | None) -> None:
    warning = None if creditor is None else creditor_warning(creditor)
    if warning is not None:
        flash(translate(warning, language()), "warning")


def fixed_cost_data(form: MultiDict[str, str]) -> FixedCostData:
    data = FixedCostData(category=form.get("category", ""), amount=form.get("amount", ""),
                         frequency=form.get("frequency", ""), due_day=form.get("due_day", ""),
                         reference=form.get("reference", ""), start_date=form.get("start_date", ""),
                         end_date=form.get("end_date", ""))
    if form.get("creditor_id"):
        data["creditor_id"] = form.get("creditor_id", "")
    else:
        data["creditor"] = CreditorData(name=form.get("creditor.name", ""), iban=form.get("creditor.iban", ""),
                                        bic=form.get("creditor.bic", ""),
                                        reference_kind=form.get("creditor.reference_kind", "free_text"),
                                        reference_required=form.get("creditor.reference_required") == "on")
    return data


@bp.route("/<int:household_id>/fixed-costs/new", methods=["GET", "POST"])
@requires("households.write")
@once_per_submission
def new_fixed_cost(household_id: int) -> str | Response | tuple[str, int]:
    household = get_household(db(), household_id)
    errors: dict[str, Message] = {}
    if request.method == "POST":
        try:
            session = db()
            cost = add_fixed_cost(session, actor(), household_id, fixed_cost_data(request.form))
            flash(_t("Vaste last toegevoegd."), "success")
            _flash_creditor_warning(session.get(Creditor, cost.creditor_id))
            return redirect(url_for("households.show", household_id=household_id))
        except BudgetbeheerError as error:
            discard()
            errors = _error_fields(error, "category")
    costs = fixed_costs_of(db(), household_id)
    missing = missing_required_categories([c.category for c in costs])
    return _render_form(
        "households/fixed_cost_form.html", errors, household=household, form=request.form,
        category_options=CATEGORY_OPTIONS, frequency_options=FREQUENCY_OPTIONS, creditor_options=_creditor_options(),
        reference_kind_options=REFERENCE_KIND_OPTIONS, missing=[LABELS_NL[Category(c)] for c in missing],
        default_start=default_fixed_cost_start(household, clock.today()).isoformat(),
    )


@bp.route("/fixed-costs/<int:fixed_cost_id>/amount", methods=["POST"])
@requires("households.write")
@once_per_submission
def change_amount(fixed_cost_id: int) -> Response | tuple[str, int]:
    """A new amount from a date on; refused, the household page again (422) with this form open, what was typed
    kept and each field's error named in words."""
    session = db()
    cost = session.get(FixedCost, fixed_cost_id)
    if cost is None:
        raise NotFound(Message("Vaste last %(id)s bestaat niet.", id=fixed_cost_id))
    household_id = cost.household_id
    try:
        work = db()
        # The form's fields as typed: the service validates each one (amount, effective_from, reason).
        change_fixed_cost_amount(work, actor(), fixed_cost_id, cast(AmountChangeData, request.form.to_dict()))
        flash(_t("Nieuw bedrag vastgelegd."), "success")
    except BudgetbeheerError as error:
        discard()
        return _household_page(household_id, amount_cost_id=fixed_cost_id,
                               amount_errors=_error_fields(error, "amount"), amount_form=request.form), 422
    return redirect(url_for("households.show", household_id=household_id))


@bp.route("/<int:household_id>/income/new", methods=["GET", "POST"])
@requires("households.write")
@once_per_submission
def new_income(household_id: int) -> str | Response | tuple[str, int]:
    household = get_household(db(), household_id)
    errors: dict[str, Message] = {}
    if request.method == "POST":
        form = request.form
        data = IncomeData(kind=form.get("kind", ""), amount=form.get("amount", ""), day=form.get("day", ""),
                          start_date=form.get("start_date", ""), end_date=form.get("end_date", ""))
        try:
            session = db()
            add_expected_income(session, actor(), household_id, data)
            flash(_t("Verwacht inkomen toegevoegd."), "success")
            return redirect(url_for("households.show", household_id=household_id))
        except BudgetbeheerError as error:
            discard()
            errors = _error_fields(error, "kind")
    return _render_form("households/income_form.html", errors, household=household, form=request.form,
                        kind_options=INCOME_KIND_OPTIONS, default_start=household.period_start.isoformat())


# ---------------------------------------------------------------------------------------------------------- receipts


RECEIPT_FORMAT_OPTIONS = [("csv", "CSV (komma)"), ("csv-nl", "Nederlandse Excel (puntkomma)")]
_LINE_ERROR = re.compile(r"^regel (\d+)(?:: (\w+))?$")


def line_errors(fields: Mapping[str, Message]) -> list[tuple[int, str]]:
    """A refused file's errors per line (``regel 3: amount``), in line order, each in words for the reader:
    "Regel 3, Bedrag: vul een bedrag in." (a reason that names its line itself is shown as it is)."""
    found = []
    lang = language()
    for name, why in fields.items():
        if (match := _LINE_ERROR.match(name)) is None:
            continue
        line, field = int(match[1]), match[2]
        if why.msgid.startswith("Regel "):
            text = translate(why, lang)
        elif field and field != "line":
            text = f"{_t('Regel %(line)s', line=line)}, {summary_line(field, why, lang)}"
        else:
            text = f"{_t('Regel %(line)s', line=line)}: {translate(why, lang)}"
        found.append((line, text))
    return sorted(found, key=lambda item: item[0])


@bp.route("/receipts", methods=["GET", "POST"])
@requires("receipts.write")
@once_per_submission
def receipts() -> str | Response | tuple[str, int]:
    """Upload a receipts CSV (all lines or none), comma-separated or as Dutch Excel saves it (``csv-nl``). A
    refused file: the summary links to the file field, and under it every error with its line number."""
    errors: dict[str, Message] = {}
    lines: list[tuple[int, str]] = []
    if request.method == "POST":
        upload = request.files.get("file")
        file_format = request.form.get("format", "csv")
        if upload is None or not upload.filename:
            errors = {"file": Message("Kies een CSV-bestand.")}
        else:
            try:
                session = db()
                result = import_receipts_csv(session, actor(), upload.read(), source="upload",
                                             file_format=file_format,
                                             checkpoint=lambda _booked, _of: checkpoint(session))
                flash(_t("%(booked)s ontvangst(en) geboekt; %(already)s waren al geboekt.", booked=result.booked,
                         already=result.already_booked), "success")
                return redirect(url_for("households.receipts"))
            except BudgetbeheerError as error:
                discard()
                lines = line_errors(error.fields)
                if lines:
                    errors = {"file": Message("%(summary)s De fouten staan per regel onder het bestand.",
                                              summary=error.message)}
                else:
                    errors = _error_fields(error, "file")
    session = db()
    recent = session.scalars(select(Receipt).order_by(Receipt.id.desc()).limit(20)).all()
    return _render_form("households/receipts.html", errors, recent=recent, form=request.form,
                        kind_options=INCOME_KIND_OPTIONS, income_labels=INCOME_KIND_LABELS,
                        columns=RECEIPT_CSV_COLUMNS, optional=RECEIPT_CSV_OPTIONAL, line_errors=lines,
                        format_options=RECEIPT_FORMAT_OPTIONS,
                        manual_errors={}, can_manual=has_permission("receipts.manual"))


@bp.route("/receipts/manual", methods=["POST"])
@requires("receipts.manual")
@once_per_submission
def manual_receipt() -> str | Response | tuple[str, int]:
    """A receipt entered by hand by finance (e.g. from a bank statement line)."""
    form = request.form
    data = ReceiptData(household_id=form.get("household_id", ""), amount=form.get("amount", ""),
                       date=form.get("date", ""), kind=form.get("kind", ""), reference=form.get("reference", ""),
                       confirm_duplicate=form.get("confirm_duplicate", ""))
    preview = None
    try:
        session = db()
        checked = check_receipt(session, data)
        if form.get("confirmed_household", "") != str(checked.household_id):
            # the confirm step: the household it books to, by number and name, before anything is saved
            name = household_labels(session, [checked.household_id], scope()).get(checked.household_id, "")
            preview = {"household_id": checked.household_id, "name": name}
            raise _Preview
        receipt, _ = book_receipt(session, actor(), data, source="manual",
                                  duplicate_days=settings().receipt_duplicate_days)
        household_id = receipt.household_id
        flash(_t("Ontvangst geboekt."), "success")
        return redirect(url_for("households.show", household_id=household_id))
    except _Preview:
        manual_errors = {}
    except BudgetbeheerError as error:
        discard()
        manual_errors = _error_fields(error, "household_id")
    recent = db().scalars(select(Receipt).order_by(Receipt.id.desc()).limit(20)).all()
    page = _render_form("households/receipts.html", {}, recent=recent, form=request.form,
                        kind_options=INCOME_KIND_OPTIONS, income_labels=INCOME_KIND_LABELS,
                        columns=RECEIPT_CSV_COLUMNS, optional=RECEIPT_CSV_OPTIONAL, line_errors=[],
                        format_options=RECEIPT_FORMAT_OPTIONS,
                        manual_errors=manual_errors, can_manual=True, preview=preview)[0]
    return page, (200 if preview else 422)


class _Preview(Exception):
    """The manual receipt is checked and its household named; nothing is booked yet."""


# --------------------------------------------------------------------------------------------------------- creditors


@bp.route("/creditors", methods=["GET", "POST"])
@requires("creditors.read")
@once_per_submission
def creditors() -> str | Response | tuple[str, int]:
    errors: dict[str, Message] = {}
    if request.method == "POST":
        if not has_permission("creditors.write"):
            abort(403)
        form = request.form
        data = CreditorData(name=form.get("name", ""), iban=form.get("iban", ""), bic=form.get("bic", ""),
                            default_category=form.get("default_category", ""),
                            reference_kind=form.get("reference_kind", ""),
                            reference_required=form.get("reference_required") == "on",
                            street_name=form.get("street_name", ""), building_number=form.get("building_number", ""),
                            postal_code=form.get("postal_code", ""), town_name=form.get("town_name", ""),
                            country=form.get("country", ""))
        try:
            session = db()
            created = create_creditor(session, actor(), data)
            flash(_t("Schuldeiser toegevoegd."), "success")
            _flash_creditor_warning(created)
            return redirect(url_for("households.creditors"))
        except BudgetbeheerError as error:
            discard()
            errors = _error_fields(error, "name")
    query = request.args.get("q", "").strip()
    return _render_form(
        "households/creditors.html", errors, **_creditor_page(query), form=request.form,
        can_write=has_permission("creditors.write"), upload_errors={}, address_errors={},
    )


def _creditor_page(query: str = "") -> dict[str, object]:
    """What the creditors page shows besides the forms: the register (with each creditor's address) and the
    options of its forms."""
    found = list_creditors(db(), query)
    return {
        "creditors": found, "query": query, "addresses": {c.id: creditor_address(c).one_line() for c in found},
        "creditor_options": [(str(c.id), f"{c.name} ({c.iban})") for c in list_creditors(db())],
        "pending": pending_creditors(db(), limit=200), "status_labels": CREDITOR_STATUS_LABELS,
        "can_confirm": has_permission("creditors.confirm"),
        "category_options": [("", "—"), *CATEGORY_OPTIONS], "labels": dict(LABELS_NL),
        "reference_kind_options": REFERENCE_KIND_OPTIONS, "reference_labels": REFERENCE_KIND_LABELS,
    }


@bp.route("/creditors/address", methods=["POST"])
@requires("creditors.write")
def creditors_address() -> Response | tuple[str, int]:
    form = request.form
    address_errors: dict[str, Message] = {}
    creditor_id = as_whole_number(form.get("creditor_id", ""))
    if creditor_id is None:
        address_errors = {"creditor_id": Message("Kies een schuldeiser.")}
    else:
        try:
            change_creditor_address(db(), actor(), creditor_id,
                                    {name: form.get(f"address.{name}", "") for name in v.ADDRESS_FIELDS})
            flash(_t("Adres van de schuldeiser opgeslagen."), "success")
            return redirect(url_for("households.creditors"))
        except BudgetbeheerError as error:
            discard()
            address_errors = {f"address.{name}": why for name, why in _error_fields(error, "town_name").items()}
    return render_template(
        "households/creditors.html", errors={}, **_creditor_page(), form={}, address_form=form, can_write=True,
        upload_errors={}, address_errors=address_errors,
    ), 422


@bp.route("/creditors/<int:creditor_id>/confirm", methods=["POST"])
@requires("creditors.confirm")
def creditors_confirm(creditor_id: int) -> Response:
    """Finance confirms a creditor that waits (not one they added): from now on it is paid."""
    try:
        confirmed = confirm_creditor(db(), actor(), creditor_id, request.form.get("reason", ""))
        flash(_t("Schuldeiser %(name)s bevestigd; de volgende betaalrun betaalt eraan.", name=confirmed.name),
              "success")
    except BudgetbeheerError as error:
        discard()
        flash(_error_text(error), "error")
    return redirect(url_for("households.creditors") + "#pending")


@bp.route("/creditors/<int:creditor_id>/reject", methods=["POST"])
@requires("creditors.confirm")
def creditors_reject(creditor_id: int) -> Response:
    """Finance rejects a creditor that waits, with a reason: it leaves the register and is never paid."""
    try:
        rejected = reject_creditor(db(), actor(), creditor_id, request.form.get("reason", ""))
        flash(_t("Schuldeiser %(name)s afgewezen; er wordt niets aan betaald.", name=rejected.name), "success")
    except BudgetbeheerError as error:
        discard()
        flash(_error_text(error), "error")
    return redirect(url_for("households.creditors") + "#pending")


def _error_text(error: BudgetbeheerError) -> str:
    text = translate(error.message, language())
    if isinstance(error, ValidationError) and error.fields:
        text += " " + "; ".join(translate(why, language()) for why in error.fields.values())
    return text


@bp.route("/creditors/upload", methods=["POST"])
@requires("creditors.write")
@once_per_submission  # two uploads racing on PostgreSQL: the second waits for the first, then shows its result
def creditors_upload() -> Response | tuple[str, int]:
    upload = request.files.get("file")
    upload_errors: dict[str, Message] = {}
    if upload is None or not upload.filename:
        upload_errors = {"file": Message("Kies een CSV-bestand.")}
    else:
        try:
            session = db()
            created, skipped = load_creditors_csv(session, actor(), upload.read())
            flash(_t("%(created)s schuldeiser(s) toegevoegd; %(skipped)s stonden er al.", created=created,
                     skipped=skipped), "success")
            return redirect(url_for("households.creditors"))
        except BudgetbeheerError as error:
            discard()
            upload_errors = _error_fields(error, "file")
    return render_template(
        "households/creditors.html", errors={}, **_creditor_page(), form=request.form, can_write=True,
        upload_errors=upload_errors, address_errors={},
    ), 422


__all__ = ["NAV", "bp"]
