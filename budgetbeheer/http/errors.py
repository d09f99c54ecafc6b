"""Mapping domain errors to HTTP statuses (one place) and friendly error pages without stack traces."""

from __future__ import annotations

import logging

from flask import render_template

from budgetbeheer.errors import (
    BudgetbeheerError,
    Conflict,
    LedgerError,
    MalformedInput,
    Message,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    TooLarge,
    ValidationError,
)

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[BudgetbeheerError], int] = {
    MalformedInput: 400,
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    ValidationError: 422,
    LedgerError: 422,
}


def status_for(error: BudgetbeheerError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


PAGE_TEXT = {
    400: (Message("Ongeldig verzoek"), Message("Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en probeer het nog eens.")),
    403: (Message("Geen toegang"), Message("U heeft geen rechten voor deze pagina.")),
    404: (Message("Niet gevonden"), Message("Deze pagina bestaat niet.")),
    405: (Message("Niet toegestaan"), Message("Deze methode is hier niet toegestaan.")),
    409: (Message("Conflict"), Message("Deze actie past niet bij de huidige stand van zaken.")),
    413: (Message("Bestand te groot"), Message("Het bestand is te groot om te uploaden.")),
    422: (Message("Ongeldig verzoek"), Message("De invoer is niet geldig.")),
    500: (Message("Er ging iets mis"), Message("Er ging iets mis aan onze kant. De fout is vastgelegd; probeer het later opnieuw.")),
}


def error_page(status: int, detail: Message | None = None) -> tuple[str, int]:
    title, text = PAGE_TEXT.get(status, PAGE_TEXT[500])
    return render_template("error.html", status=status, title=title, text=detail or text), status
