"""Web pages for accountants (and finance): choose a report, a range and a format, and download it; the accountability
report also on screen, with charts drawn on the server as SVG and the same figures in tables."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from typing import IO, Any

from flask import Blueprint, Response, render_template, request

from budgetbeheer import clock
from budgetbeheer.domain.categories import LABELS_NL, Category
from budgetbeheer.errors import Message, PermissionDenied, ValidationError
from budgetbeheer.http.context import actor, current, db, discard, language, settings
from budgetbeheer.http.security import requires
from budgetbeheer.i18n import format_money, translate
from budgetbeheer.reports import charts
from budgetbeheer.reports.accountability import (
    ACCOUNTABILITY_COLUMNS,
    LEDGER_COLUMNS,
    Accountability,
    accountability_figures,
    figures_row,
)
from budgetbeheer.reports.export import FORMATS, export_report
from budgetbeheer.reports.model import LEEFGELD, parse_period
from budgetbeheer.reports.queries import DateRange
from budgetbeheer.reports.reports import REPORTS, report_kind
from budgetbeheer.users.permissions import allowed

bp = Blueprint("reports", __name__, url_prefix="/reports")

NAV = [("Rapportages", "reports.index", "reports.read")]

FORMAT_LABELS = {
    "xlsx": "Excel (XLSX)",
    "csv": "CSV (komma, decimale punt)",
    "csv-nl": "CSV voor Nederlandse Excel (puntkomma, decimale komma)",
    "json": "JSON",
}


def last_quarter(today: date) -> DateRange:
    quarter_start_month = 3 * ((today.month - 1) // 3) + 1
    this_quarter = date(today.year, quarter_start_month, 1)
    end = this_quarter - timedelta(days=1)
    return DateRange(date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end)


def file_response(spool: IO[bytes], download_name: str, media_type: str, *, attachment: bool = True) -> Response:
    """Stream the written report in chunks and close the temporary file when the last chunk has gone."""
    size = spool.seek(0, os.SEEK_END)
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        try:
            while chunk := spool.read(256 * 1024):
                yield chunk
        finally:
            spool.close()

    response = Response(chunks(), mimetype=media_type)
    response.headers["Content-Length"] = str(size)
    if attachment:
        response.headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return response


def exporter_label() -> str:
    user = current()
    return f"{user.display_name} ({user.username})" if user else "onbekend"


def may_export(name: str) -> bool:
    user = current()
    return user is not None and allowed(user.roles, report_kind(name).permission)


def _choices() -> list[tuple[str, str]]:
    return [(name, kind.title) for name, kind in REPORTS.items() if may_export(name)]


def _form(errors: dict[str, Message] | None = None, status: int = 200) -> tuple[str, int]:
    default = last_quarter(clock.today())
    values = {
        "report": request.args.get("report", "accountability"),
        "from": request.args.get("from", default.start.isoformat()),
        "to": request.args.get("to", default.end.isoformat()),
        "format": request.args.get("format", "xlsx"),
    }
    return render_template(
        "reports/index.html",
        choices=_choices(),
        formats=[(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
        values=values,
        errors=errors or {},
    ), status


@bp.route("/")
@requires("reports.read")
def index() -> tuple[str, int]:
    return _form()


@bp.route("/download")
@requires("reports.read")
def download() -> Response | tuple[str, int]:
    name = request.args.get("report", "")
    try:
        if name not in REPORTS:
            raise ValidationError({"report": Message("Kies een rapport.")})
        if not may_export(name):
            raise PermissionDenied(Message("U heeft geen rechten voor dit rapport."))
        period = parse_period(request.args.get("from"), request.args.get("to"))
        session = db()
        spool, download_name, media_type = export_report(
            session, actor(), name=name, period=period, fmt=request.args.get("format", "xlsx"),
            municipality=settings().municipality_name, exported_by=exporter_label(), language=language(),
        )
    except ValidationError as error:
        discard()
        return _form(error.fields, 422)
    return file_response(spool, download_name, media_type)


def _money(cents: int) -> str:
    return format_money(cents, language())


def accountability_charts(result: Accountability, lang: str) -> list[dict[str, Any]]:
    labels = [f.label for f in result.months]
    kinds = [str(c) for c in Category if any(f.paid.get(str(c)) for f in result.months)]
    if any(f.paid.get(LEEFGELD) for f in result.months):
        kinds.append(LEEFGELD)
    names = {**{str(c): LABELS_NL[c] for c in Category}, LEEFGELD: "leefgeld"}
    paid = [charts.Series(translate(names[k], lang), [f.paid.get(k, 0) for f in result.months], key=k) for k in kinds]

    def euros(cents: int) -> str:
        return format_money(cents, lang)

    t = lambda text: translate(text, lang)  # noqa: E731
    return [
        {
            "id": "chart-paid",
            "title": t("Betaald per maand en categorie"),
            "svg": charts.bar_chart(
                "chart-paid", t("Betaald per maand en categorie"),
                t("Gestapelde staven: per maand het bedrag dat is betaald, verdeeld over de categorieën vaste lasten "
                  "en leefgeld. De tabel hieronder geeft dezelfde bedragen."),
                labels, paid, stacked=True, fmt=euros),
        },
        {
            "id": "chart-active",
            "title": t("Actieve huishoudens per maand"),
            "svg": charts.line_chart(
                "chart-active", t("Actieve huishoudens per maand"),
                t("Lijn: het aantal huishoudens en personen dat in de maand werd ontzorgd. De tabel hieronder geeft "
                  "dezelfde aantallen."),
                labels,
                [charts.Series(t("huishoudens"), [f.households_active for f in result.months]),
                 charts.Series(t("personen"), [f.persons_active for f in result.months])]),
        },
        {
            "id": "chart-extensions",
            "title": t("Verlengingen per maand"),
            "svg": charts.bar_chart(
                "chart-extensions", t("Verlengingen per maand"),
                t("Staven naast elkaar: per maand het aantal gevraagde, toegekende en afgewezen verlengingen. De tabel "
                  "hieronder geeft dezelfde aantallen."),
                labels,
                [charts.Series(t("gevraagd"), [f.extensions_asked for f in result.months]),
                 charts.Series(t("toegekend"), [f.extensions_approved for f in result.months]),
                 charts.Series(t("afgewezen"), [f.extensions_rejected for f in result.months])],
                stacked=False),
        },
    ]


@bp.route("/accountability")
@requires("reports.read")
def accountability() -> tuple[str, int]:
    try:
        period = parse_period(request.args.get("from"), request.args.get("to"))
    except ValidationError as error:
        discard()
        return _form(error.fields, 422)
    result = accountability_figures(db(), period)
    lang = language()
    rows: list[tuple[Any, ...]] = [figures_row(f) for f in result.months] + [figures_row(result.total)]
    periods = [row[0] for row in rows]
    figure_rows = [(column, [row[index] for row in rows]) for index, column in enumerate(ACCOUNTABILITY_COLUMNS)
                   if index > 0]
    led = result.ledger
    ledger_row = list(zip(LEDGER_COLUMNS, (period.end, led["bank"], led["households"], led["in_transit"],
                                           led["unmatched"], led["advances"], result.identity_holds), strict=True))
    return render_template(
        "reports/accountability.html",
        period=period,
        charts=accountability_charts(result, lang),
        periods=periods,
        figure_rows=figure_rows,
        ledger_row=ledger_row,
        identity_holds=result.identity_holds,
        money=_money,
    ), 200
