"""Checks for what people and systems enter about households: BSN, IBAN, dates, amounts, choices.

Each check takes a raw value and either returns the clean value or adds a Dutch message under the field's name to an
:class:`Errors` collector, so that one request reports every bad field at once and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import pycountry
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.nl import bsn as stdnum_bsn

from budgetbeheer.domain import address as postal
from budgetbeheer.domain.period import add_months
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.fields import (
    EARLIEST_DATE,
    LATEST_DATE,
    as_whole_number,
    check_iban,
    forbidden_character,
    parse_iso_date,
)
from budgetbeheer.money import AmountError, parse_amount

MAX_NAME = 100


class Errors:
    """Collects field errors; :meth:`raise_if_any` raises one :class:`ValidationError` naming them all."""

    def __init__(self) -> None:
        self.fields: dict[str, Message] = {}

    def add(self, field: str, message: Message) -> None:
        self.fields.setdefault(field, message)

    def merge(self, error: ValidationError, prefix: str = "") -> None:
        for name, why in error.fields.items():
            self.add(f"{prefix}{name}", why)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationError(self.fields)


def text(
    errors: Errors, field: str, raw: Any, *, required: bool = True, maximum: int = MAX_NAME, multiline: bool = False
) -> str | None:
    """Text for ``field``: spaces collapsed (line breaks kept where ``multiline``), at most ``maximum`` characters,
    and without a character no text may hold (control characters, bidi overrides, zero-width characters; see
    :data:`budgetbeheer.fields.FORBIDDEN_CHARACTERS`), on every database alike."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.add(field, Message("Vul dit veld in."))
        return None
    if not isinstance(raw, str):
        errors.add(field, Message("Geef hier tekst."))
        return None
    if not clean_text(errors, field, raw, multiline=True):
        return None
    if multiline:
        value = "\n".join(" ".join(line.split()) for line in raw.strip().splitlines())
    else:
        value = " ".join(raw.split())
    if len(value) > maximum:
        errors.add(field, Message("Hoogstens %(maximum)s tekens.", maximum=maximum))
        return None
    return value


def clean_text(errors: Errors, field: str, raw: str, *, multiline: bool = False) -> bool:
    """Whether ``raw`` holds no forbidden character; otherwise a message under ``field`` naming the character."""
    bad = forbidden_character(raw, multiline=multiline)
    if bad is None:
        return True
    errors.add(field, forbidden_character_message(bad))
    return False


def forbidden_character_message(code: str) -> Message:
    return Message("Dit veld bevat een teken dat niet is toegestaan (%(code)s: een stuurteken, een teken dat de "
                   "leesrichting omdraait of een onzichtbaar teken). Typ de tekst opnieuw zonder dat teken.",
                   code=code)


def bsn(errors: Errors, field: str, raw: Any) -> str | None:
    """A BSN: 9 digits (8 digits get a leading zero) that pass the 11-check."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        errors.add(field, Message("Vul het BSN in."))
        return None
    if not isinstance(raw, str):
        raw = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else ""
    compact = stdnum_bsn.compact(raw)
    if not compact.isdigit() or len(compact) != 9:
        errors.add(field, Message("Een BSN heeft 9 cijfers."))
        return None
    if not stdnum_bsn.is_valid(compact):
        errors.add(field, Message("Dit BSN klopt niet (de elfproef faalt). Controleer de cijfers."))
        return None
    return str(compact)


def mask_bsn(value: str) -> str:
    """``*****6789``: only the last four digits shown."""
    return "*****" + value[-4:]


def iban(errors: Errors, field: str, raw: Any) -> IBAN | None:
    """An IBAN in the SEPA zone with a correct checksum; spaces and case do not matter."""
    if raw is None or not isinstance(raw, str) or not raw.strip():
        errors.add(field, Message("Vul het IBAN in."))
        return None
    checked = check_iban(raw)
    if checked.problem == "sepa":
        errors.add(field, Message("Dit IBAN is van een land buiten SEPA; daar kunnen we niet naar betalen."))
        return None
    if not checked.ok:
        errors.add(field, Message("Dit IBAN klopt niet. Controleer de tekens en de controlecijfers."))
        return None
    value = IBAN(checked.compact)
    return value


def bic(errors: Errors, field: str, raw: Any) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return str(BIC("".join(str(raw).split()).upper()))
    except SchwiftyException:
        errors.add(field, Message("Deze BIC klopt niet."))
        return None


def iso_date(
    errors: Errors, field: str, raw: Any, *, required: bool = True, earliest: date = EARLIEST_DATE,
    latest: date = LATEST_DATE,
) -> date | None:
    """A date as ``YYYY-MM-DD`` only (not ``20261125`` or ``2026-W48-3``), from ``earliest`` through ``latest``
    (inclusive; the message says the range)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.add(field, Message("Vul een datum in (JJJJ-MM-DD)."))
        return None
    if isinstance(raw, datetime) or not isinstance(raw, (str, date)):
        errors.add(field, Message("Geef de datum als JJJJ-MM-DD."))
        return None
    value = raw if isinstance(raw, date) else parse_iso_date(raw)
    if value is None:
        errors.add(field, Message("\"%(value)s\" is geen datum (JJJJ-MM-DD).", value=str(raw).strip()[:20]))
        return None
    if not earliest <= value <= latest:
        errors.add(field, date_range_message(earliest, latest))
        return None
    return value


def date_range_message(earliest: date, latest: date) -> Message:
    return Message("Kies een datum van %(earliest)s tot en met %(latest)s.", earliest=earliest.isoformat(),
                   latest=latest.isoformat())


def amount(errors: Errors, field: str, raw: Any, *, allow_zero: bool = False) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if allow_zero:
            return 0
        errors.add(field, Message("Vul een bedrag in."))
        return None
    try:
        return parse_amount(raw, allow_zero=allow_zero)
    except AmountError as error:
        errors.add(field, error.message)
        return None


def choice(errors: Errors, field: str, raw: Any, allowed: Iterable[str]) -> str | None:
    options = list(allowed)
    if isinstance(raw, str) and raw.strip() in options:
        return raw.strip()
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        errors.add(field, Message("Kies een waarde."))
    else:
        errors.add(
            field,
            Message("Onbekende waarde \"%(value)s\"; kies uit: %(options)s.", value=str(raw)[:40],
                    options=", ".join(options)),
        )
    return None


def day_number(errors: Errors, field: str, raw: Any, low: int, high: int) -> int | None:
    value = as_whole_number(raw)
    if value is None or not low <= value <= high:
        errors.add(field, Message("Kies een dag van %(low)s tot en met %(high)s.", low=low, high=high))
        return None
    return value


BUSINESS_EARLIEST = date(2000, 1, 1)
"""No receipt, fixed cost, income or benefit in this service is dated before 2000 (a year like 1900 is a typing
error)."""


def years_ahead(today: date, years: int) -> date:
    """``today`` plus whole years (29 February becomes 28 February), the latest plausible date of a field."""
    return add_months(today, 12 * years)


START_DATE_REACH_MONTHS = 12
"""How far a benefit start date may lie from the intake day, back (a bijstand decision often comes weeks late) and
ahead: one year either way. Further is almost always a typing error."""


def benefit_start_date(errors: Errors, field: str, raw: Any, today: date) -> date | None:
    """The benefit start date of an intake: a date from one year before ``today`` through one year after it.

    A date in the past is accepted (see :func:`past_start_warning` for what the caseworker is told)."""
    value = iso_date(errors, field, raw)
    if value is None:
        return None
    earliest = add_months(today, -START_DATE_REACH_MONTHS)
    latest = add_months(today, START_DATE_REACH_MONTHS)
    if value < earliest:
        errors.add(field, Message(
            "De startdatum ligt meer dan een jaar in het verleden (vóór %(earliest)s). Controleer de datum; een "
            "periode die zo lang geleden begon, is al voorbij.", earliest=earliest.strftime("%d-%m-%Y")))
        return None
    if value > latest:
        errors.add(field, Message(
            "De startdatum ligt meer dan een jaar in de toekomst (na %(latest)s). Controleer de datum.",
            latest=latest.strftime("%d-%m-%Y")))
        return None
    return value


def past_start_warning(start: date, end: date, today: date) -> Message | None:
    """What the caseworker is told after enrolling a household whose period started before ``today``; None otherwise.

    The period still runs from the start (its end is counted from it). Fixed costs start from the intake day unless
    an earlier start date is entered on purpose; a period already over goes to the final settlement."""
    if start >= today:
        return None
    if today > end:
        return Message(
            "Let op: de startdatum %(start)s ligt in het verleden en de periode is al voorbij (einde %(end)s). Het "
            "huishouden gaat met de dagelijkse taak naar de eindafrekening: vaste lasten worden niet meer betaald en "
            "het saldo wordt als laatste leefgeld uitbetaald. Vraag zo nodig meteen een verlenging aan.",
            start=start.strftime("%d-%m-%Y"), end=end.strftime("%d-%m-%Y"))
    return Message(
        "Let op: de startdatum %(start)s ligt in het verleden. De periode telt vanaf die datum en eindigt op %(end)s. "
        "Vaste lasten tellen vanaf vandaag (%(today)s): termijnen van vóór vandaag worden niet betaald, tenzij u bij "
        "de vaste last bewust een eerdere ingangsdatum invult; die termijnen gaan dan mee in de eerstvolgende "
        "betaalrun.",
        start=start.strftime("%d-%m-%Y"), end=end.strftime("%d-%m-%Y"), today=today.strftime("%d-%m-%Y"))


ADDRESS_FIELDS = ("street_name", "building_number", "postal_code", "town_name", "country")
"""A creditor's structured address (:class:`~budgetbeheer.domain.address.PostalAddress`), as forms, CSV and API
name its parts."""
_ADDRESS_MAXIMA = {"street_name": postal.STREET_MAX, "building_number": postal.BUILDING_MAX,
                   "postal_code": postal.POSTAL_CODE_MAX, "town_name": postal.TOWN_MAX}


def country_code(errors: Errors, field: str, raw: Any) -> str | None:
    """An ISO 3166-1 alpha-2 country code (``NL``, ``ch``); None when empty or unknown (the latter with a message)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if len(code) != 2 or not code.isascii() or not code.isalpha() or pycountry.countries.get(alpha_2=code) is None:
        errors.add(field, Message("Geef het land als landcode van twee letters (ISO 3166), zoals NL, BE of CH."))
        return None
    return code


def postal_address(
    errors: Errors, data: Any, prefix: str = "", *, iban_text: str | None = None
) -> dict[str, str | None]:
    """The structured address in ``data`` (``street_name``, ``building_number``, ``postal_code``, ``town_name``,
    ``country``), each part optional and at most as long as pain.001.001.09 allows. Once any part is given, town
    and country are required. With ``iban_text`` (the creditor's compact IBAN): a creditor whose IBAN lies outside
    the EEA must have town and country (the bank needs the address), and the message says so under ``country``
    and ``town_name``."""
    values: dict[str, str | None] = {}
    for name in ADDRESS_FIELDS[:-1]:
        raw = data.get(name) if hasattr(data, "get") else None
        values[name] = text(errors, prefix + name, raw, required=False, maximum=_ADDRESS_MAXIMA[name])
    raw_country = data.get("country") if hasattr(data, "get") else None
    values["country"] = country_code(errors, prefix + "country", raw_country)
    given = any(values.values()) or any(
        prefix + name in errors.fields for name in ADDRESS_FIELDS
    )
    outside_eea = iban_text is not None and postal.needs_address(iban_text)
    if outside_eea:
        why = Message(
            "Het IBAN %(iban)s is van een land buiten de Europese Economische Ruimte; de bank wil dan het adres van "
            "de schuldeiser. Vul ten minste plaats en land in.",
            iban=iban_text,
        )
        for name in ("town_name", "country"):
            if not values[name] and prefix + name not in errors.fields:
                errors.add(prefix + name, why)
    elif given:
        for name, why in (("town_name", Message("Vul de plaats in; een adres heeft ten minste plaats en land.")),
                          ("country", Message("Vul het land in (zoals NL); een adres heeft ten minste plaats en "
                                              "land."))):
            if not values[name] and prefix + name not in errors.fields:
                errors.add(prefix + name, why)
    return values
