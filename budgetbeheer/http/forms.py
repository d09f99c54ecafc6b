"""Errors that help on every form (issue 15): each invalid field named in words in the error summary.

A service names an invalid field by its input name (``amount``, ``persons.1.bsn``); a person reads its label. The
error summary (``error_summary`` in ``web/templates/macros.html``) shows one line per field, "Bedrag: vul een bedrag
in.", linked to the field; :func:`summary_line` writes that line. A form whose label for a name differs from the
usual word passes its own ``labels`` to the macro.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from budgetbeheer.errors import Message
from budgetbeheer.i18n import translate

FIELD_LABELS: dict[str, str] = {
    "account_holder": "Naam rekeninghouder",
    "amount": "Bedrag",
    "benefit_start_date": "Startdatum bijstand",
    "bic": "BIC",
    "bsn": "BSN",
    "buffer": "Buffer",
    "building_number": "Huisnummer",
    "caseworker_id": "Klantmanager",
    "category": "Soort vaste last",
    "city": "Plaats",
    "code": "Code",
    "country": "Land",
    "creditor_id": "Schuldeiser",
    "date": "Datum",
    "date_of_birth": "Geboortedatum",
    "day": "Dag van de maand",
    "decision": "Besluit",
    "default_category": "Standaardsoort",
    "display_name": "Naam",
    "due_day": "Vervaldag",
    "effective_from": "Ingangsdatum",
    "end_date": "Einddatum",
    "execution_date": "Uitvoeringsdatum",
    "file": "Bestand",
    "first_name": "Voornaam",
    "fixed_cost_id": "Vaste last",
    "format": "Formaat",
    "frequency": "Hoe vaak",
    "from": "Van",
    "household_id": "Nummer huishouden",
    "iban": "IBAN",
    "idempotency_key": "Sleutel (idempotency_key)",
    "income_id": "Inkomen",
    "kind": "Soort",
    "last_name": "Achternaam",
    "leefgeld_day": "Betaaldag",
    "leefgeld_frequency": "Leefgeld hoe vaak",
    "months": "Aantal maanden",
    "name": "Naam",
    "note": "Toelichting",
    "password": "Wachtwoord",  # nosec B105: the label of the password field, not a password
    "payment": "Betaling",
    "person_id": "Persoon",
    "postal_code": "Postcode",
    "q": "Zoeken",
    "reason": "Reden",
    "reason_category": "Soort reden",
    "reason_code": "Redencode",
    "receipt_id": "Ontvangst",
    "reference": "Kenmerk",
    "reference_kind": "Soort kenmerk",
    "roles": "Rollen",
    "start_date": "Ingangsdatum",
    "street": "Straat en huisnummer",
    "street_name": "Straat",
    "to": "Tot en met",
    "town_name": "Plaats",
    "type": "Soort",
    "username": "Gebruikersnaam",
}
"""The usual label of a form field, by its input name (the part after the last dot)."""

PREFIX_LABELS: dict[str, str] = {
    "address": "Adres",
    "creditor": "Nieuwe schuldeiser",
    "leefgeld": "Leefgeld",
}
"""Groups of fields (``address.city``): the group's word before the field's ("Adres, plaats")."""

_PERSON = re.compile(r"^persons\.(\d+)\.(\w+)$")


def field_label(name: str, language: str, labels: Mapping[str, str] | None = None) -> str | None:
    """The words for field ``name`` in ``language``; None for a name with no known label."""
    if labels and name in labels:
        return translate(labels[name], language)
    person = _PERSON.match(name)
    if person is not None:
        inner = FIELD_LABELS.get(person.group(2))
        if inner is None:
            return None
        return translate("Persoon %(n)s, %(field)s", language, n=int(person.group(1)) + 1,
                         field=_lower_first(translate(inner, language)))
    if name == "persons":
        return translate("Personen", language)
    head, _, tail = name.rpartition(".")
    word = FIELD_LABELS.get(tail)
    if word is None:
        return None
    if head in PREFIX_LABELS:
        return f"{translate(PREFIX_LABELS[head], language)}, {_lower_first(translate(word, language))}"
    return translate(word, language)


def _lower_first(text: str) -> str:
    """"Vul een bedrag in." → "vul een bedrag in."; a word in capitals (IBAN, BSN) stays as it is."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def summary_line(name: str, why: Message | str, language: str, labels: Mapping[str, str] | None = None) -> str:
    """One line of the error summary: "Bedrag: vul een bedrag in." (the field in words, then what to do)."""
    reason = translate(why, language)
    label = field_label(name, language, labels)
    if label is None:
        return reason
    return f"{label}: {_lower_first(reason)}"
