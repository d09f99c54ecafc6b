"""Every check a transfer goes through before it reaches sepaxml: IBAN, BIC, amount, name, reference, identifiers.

All problems of a batch are reported together, each naming its EndToEndId. Every transfer goes through every check,
but a valid one takes a quick path (:func:`_prepare_valid`, its answers remembered per distinct value for one export
in :class:`ExportChecks`); messages are only built for a transfer that has a problem (:func:`_prepare_checked`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Final

from schwifty import BIC, IBAN

from budgetbeheer.domain import address as postal
from budgetbeheer.domain import epc
from budgetbeheer.domain.references import ReferenceKind, validate_reference
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.fields import FORBIDDEN_CHARACTERS, check_iban
from budgetbeheer.money import format_eur
from budgetbeheer.payments.sepa.model import (
    MAX_AMOUNT_CENTS,
    MAX_MSG_ID_BASE,
    MIN_AMOUNT_CENTS,
    DebtorAccount,
    TextChange,
    Transfer,
    _Address,
    _Prepared,
)
from budgetbeheer.payments.sepa.repair import clean_name, record_change

_CATEGORY_PURPOSE = re.compile(r"[A-Z]{4}")
_FORBIDDEN: Final = re.compile("[" + "".join(re.escape(c) for c in sorted(FORBIDDEN_CHARACTERS)) + "]")
"""A character no text that goes to a bank may hold (:data:`budgetbeheer.fields.FORBIDDEN_CHARACTERS`: control
characters, bidi overrides and isolates, zero-width characters). Every form, the API and the CSV imports refuse them
on entry; the bank file refuses a payment that still carries one (a name stored before that check, a row written
past the services) rather than clean it silently: the screen would have shown other text than the bank gets."""


def forbidden_in(text: str | None) -> str | None:
    """The first forbidden character of ``text`` as ``U+202E``; None when it has none."""
    found = _FORBIDDEN.search(text) if text else None
    return None if found is None else f"U+{ord(found.group()):04X}"


def _transfer_texts(transfer: Transfer) -> list[tuple[str, str | None]]:
    """The texts of ``transfer`` that go to the bank, by field name."""
    texts: list[tuple[str, str | None]] = [("creditor_name", transfer.creditor_name),
                                           ("reference", transfer.reference),
                                           ("remittance_text", transfer.remittance_text)]
    address = transfer.creditor_address
    if address is not None:
        texts += [(f"creditor_address.{part}", getattr(address, part))
                  for part in ("street_name", "building_number", "postal_code", "town_name")]
    return texts
_ISSUERS: Final = {ReferenceKind.BETALINGSKENMERK: "CUR", ReferenceKind.ISO11649: "ISO"}


def _check_iban(raw: str) -> tuple[str, str]:
    """``(compact IBAN, "")`` or ``("", problem)`` with problem one of checksum, length, country, sepa, structure
    (:func:`budgetbeheer.fields.check_iban`, the one IBAN check)."""
    checked = check_iban(raw)
    return checked.compact, checked.problem


_IBAN_MESSAGES: Final = {
    "checksum": "Betaling %(end_to_end_id)s: het controlegetal van IBAN %(iban)s klopt niet. Waarschijnlijk is er "
    "een teken verkeerd overgenomen.",
    "length": "Betaling %(end_to_end_id)s: IBAN %(iban)s heeft niet het juiste aantal tekens.",
    "country": "Betaling %(end_to_end_id)s: IBAN %(iban)s begint niet met een bestaande landcode.",
    "sepa": "Betaling %(end_to_end_id)s: IBAN %(iban)s hoort bij een land buiten het SEPA-gebied; daarheen kan "
    "niet met een SEPA-overboeking worden betaald.",
    "structure": "Betaling %(end_to_end_id)s: %(iban)s is geen geldig IBAN.",
}
_DEBTOR_IBAN_MESSAGES: Final = {
    "checksum": "Het controlegetal van het IBAN van de eigen rekening (%(iban)s) klopt niet.",
    "length": "Het IBAN van de eigen rekening (%(iban)s) heeft niet het juiste aantal tekens.",
    "country": "Het IBAN van de eigen rekening (%(iban)s) begint niet met een bestaande landcode.",
    "sepa": "De eigen rekening (%(iban)s) ligt buiten het SEPA-gebied.",
    "structure": "Het IBAN van de eigen rekening (%(iban)s) is geen geldig IBAN.",
}


def _check_bic(raw: str) -> str | None:
    try:
        return str(BIC(raw).compact)
    except ValueError:
        return None


def _reference_check(kind: ReferenceKind) -> Callable[[str], tuple[str | None, str] | None]:
    """For one kind: ``(issuer, normalised reference)`` when ``validate_reference`` accepts the text (issuer
    ``CUR``/``ISO`` for a structured kind, else None), or None when it does not (the full check then builds the
    message)."""

    def check(text: str) -> tuple[str | None, str] | None:
        try:
            normalised = validate_reference(kind, text)
        except ValidationError:
            return None
        return _ISSUERS.get(kind), normalised

    return check


class ExportChecks:
    """The checks of one export (one :func:`~.bundle.build_bank_files`), each remembered per distinct value for that
    export only: an export of 100,000s of transfers has far fewer distinct IBANs, BICs, names and references, and
    nothing is kept between exports (a process that exports every week would otherwise keep them all).

    Every remembered answer is a plain tuple of strings, bools and None keyed by one string: the garbage collector
    soon stops tracking such tuples, so 100,000s of entries cost nothing in the full collections during an export.
    """

    __slots__ = ("bic", "iban", "name", "references")

    def __init__(self) -> None:
        self.iban: Callable[[str], tuple[str, str]] = cache(_check_iban)
        self.bic: Callable[[str], str | None] = cache(_check_bic)
        self.name: Callable[[str], tuple[str, bool, bool]] = cache(clean_name)
        self.references: dict[str, Callable[[str], tuple[str | None, str] | None]] = {
            kind: cache(_reference_check(kind)) for kind in ReferenceKind
        }


def _prepare_debtor(
    checks: ExportChecks, debtor: DebtorAccount, errors: dict[str, Message], changes: list[TextChange]
) -> DebtorAccount:
    bad = forbidden_in(debtor.name)
    if bad is not None:
        errors["debtor.name"] = Message("De naam van de eigen rekening bevat een teken dat niet naar de bank mag "
                                        "(%(code)s).", code=bad)
    name = record_change(debtor.name, epc.clean_name(debtor.name), None, "debtor.name", changes)
    if not name:
        errors["debtor.name"] = Message("De naam van de eigen rekening ontbreekt.")
    iban, problem = checks.iban(debtor.iban)
    bic: str | None = None
    if problem:
        errors["debtor.iban"] = Message(_DEBTOR_IBAN_MESSAGES[problem], iban=debtor.iban)
    elif debtor.bic:
        bic = checks.bic(debtor.bic)
        if bic is None:
            errors["debtor.bic"] = Message("De BIC van de eigen rekening (%(bic)s) is ongeldig.", bic=debtor.bic)
    else:
        derived = IBAN(iban).bic
        if derived is None:
            errors["debtor.bic"] = Message(
                "De BIC van de eigen rekening (%(iban)s) is niet bekend; vul de BIC in.", iban=iban
            )
        else:
            bic = str(derived.compact)
    return DebtorAccount(name, iban, bic)


def _prepare_transfer(
    checks: ExportChecks, index: int, transfer: Transfer, errors: dict[str, Message], changes: list[TextChange]
) -> _Prepared | None:
    """``transfer`` checked and cleaned, or None with its problems added to ``errors``; text changes go to
    ``changes``. Every check happens for every transfer: the common, valid case is decided by :func:`_prepare_valid`
    (remembered per distinct IBAN, BIC, name and reference for this export: :class:`ExportChecks`), anything else by :func:`_prepare_checked`,
    which builds the messages."""
    prepared = _prepare_valid(checks, transfer, changes)
    if prepared is not None:
        return prepared
    return _prepare_checked(checks, index, transfer, errors, changes)


def _prepare_valid(checks: ExportChecks, transfer: Transfer, changes: list[TextChange]) -> _Prepared | None:
    """The result of :func:`_prepare_checked` for a transfer without any problem, else None (and ``changes`` left
    as it was). The same checks in the same terms, without building messages."""
    e2e = transfer.end_to_end_id
    if type(e2e) is not str or not epc.is_epc_identifier(e2e):
        return None
    instruction_id = transfer.instruction_id
    if instruction_id is not None and not epc.is_epc_identifier(instruction_id):
        return None
    amount = transfer.amount_cents
    if type(amount) is not int or not MIN_AMOUNT_CENTS <= amount <= MAX_AMOUNT_CENTS:
        return None
    iban, problem = checks.iban(transfer.creditor_iban)
    if problem:
        return None
    if any(_FORBIDDEN.search(text) for _, text in _transfer_texts(transfer) if text):
        return None
    bic: str | None = None
    if transfer.creditor_bic:
        bic = checks.bic(transfer.creditor_bic)
        if bic is None:
            return None
    name, name_changed, name_truncated = checks.name(transfer.creditor_name)
    if not name:
        return None
    purpose = transfer.category_purpose
    if purpose is not None and not _CATEGORY_PURPOSE.fullmatch(purpose):
        return None
    kind = transfer.reference_kind
    check = checks.references.get(kind) if isinstance(kind, str) else None
    valid = None if check is None else check(transfer.reference)
    if valid is None:
        return None
    issuer, reference = valid
    address = transfer.creditor_address
    if address is not None and not address.complete:
        address = None
    if address is None and postal.needs_address(iban):
        return None

    if name_changed:
        changes.append(TextChange(e2e, "creditor_name", transfer.creditor_name, name, name_truncated))
    remittance_text = transfer.remittance_text
    structured = None
    if issuer is not None and reference:
        structured = reference
        if remittance_text.strip():
            changes.append(TextChange(e2e, "remittance_text", remittance_text, "", False))
        joined = ""
    else:
        issuer = None
        # Only free text leaves a reference here: validate_reference gives "" for kind NONE.
        if reference:
            joined = f"{reference} {remittance_text}" if remittance_text.strip() else reference
        else:
            joined = remittance_text if remittance_text.strip() else ""
    unstructured = joined
    if not epc.is_clean_text(joined, epc.REMITTANCE_MAX):
        cleaned = epc.clean_remittance(joined)
        if cleaned.changed:
            changes.append(TextChange(e2e, "remittance", joined, cleaned.text, cleaned.truncated))
        unstructured = cleaned.text
    clean_address = _clean_address(address, e2e, changes) if address is not None else None
    return (e2e, instruction_id, name, iban, bic, amount, issuer, structured, unstructured, purpose, clean_address)


_ADDRESS_PARTS: Final = (
    ("street_name", postal.STREET_MAX),
    ("building_number", postal.BUILDING_MAX),
    ("postal_code", postal.POSTAL_CODE_MAX),
    ("town_name", postal.TOWN_MAX),
)


def _clean_address(address: postal.PostalAddress, e2e: str, changes: list[TextChange]) -> _Address:
    """The address's parts in the EPC character set and within their pain.001.001.09 lengths (each change kept as a
    :class:`TextChange` of field ``creditor_address.<part>``); the country as its two capitals."""
    parts = [
        record_change(value, epc.clean_text(value, limit), e2e, f"creditor_address.{field}", changes)
        if (value := getattr(address, field) or "") else ""
        for field, limit in _ADDRESS_PARTS
    ]
    return (parts[0], parts[1], parts[2], parts[3], (address.country or "").upper())


def _prepare_checked(
    checks: ExportChecks, index: int, transfer: Transfer, errors: dict[str, Message], changes: list[TextChange]
) -> _Prepared | None:
    e2e = transfer.end_to_end_id
    key = f"transfers[{index}]"
    before = len(errors)

    if not isinstance(e2e, str) or not epc.is_epc_identifier(e2e):
        errors[f"{key}.end_to_end_id"] = Message(
            "Betaling %(index)s: de EndToEndId %(end_to_end_id)s is leeg, langer dan 35 tekens of bevat tekens "
            "die de bank niet accepteert.",
            index=index,
            end_to_end_id=repr(e2e),
        )
    if transfer.instruction_id is not None and not epc.is_epc_identifier(transfer.instruction_id):
        errors[f"{key}.instruction_id"] = Message(
            "Betaling %(end_to_end_id)s: de InstrId %(instruction_id)s is leeg, langer dan 35 tekens of bevat tekens "
            "die de bank niet accepteert.",
            end_to_end_id=e2e,
            instruction_id=repr(transfer.instruction_id),
        )

    amount = transfer.amount_cents
    if type(amount) is not int:
        errors[f"{key}.amount_cents"] = Message(
            "Betaling %(end_to_end_id)s: het bedrag moet een geheel aantal centen zijn.", end_to_end_id=e2e
        )
    elif amount < MIN_AMOUNT_CENTS:
        errors[f"{key}.amount_cents"] = Message(
            "Betaling %(end_to_end_id)s: het bedrag (%(amount)s) moet groter zijn dan nul.",
            end_to_end_id=e2e,
            amount=format_eur(amount),
        )
    elif amount > MAX_AMOUNT_CENTS:
        errors[f"{key}.amount_cents"] = Message(
            "Betaling %(end_to_end_id)s: het bedrag (%(amount)s) is hoger dan de %(maximum)s die in één "
            "SEPA-overboeking mag.",
            end_to_end_id=e2e,
            amount=format_eur(amount),
            maximum=format_eur(MAX_AMOUNT_CENTS),
        )

    iban, problem = checks.iban(transfer.creditor_iban)
    if problem:
        errors[f"{key}.creditor_iban"] = Message(
            _IBAN_MESSAGES[problem], end_to_end_id=e2e, iban=transfer.creditor_iban
        )

    bic: str | None = None
    if transfer.creditor_bic:
        bic = checks.bic(transfer.creditor_bic)
        if bic is None:
            errors[f"{key}.creditor_bic"] = Message(
                "Betaling %(end_to_end_id)s: BIC %(bic)s is ongeldig.", end_to_end_id=e2e, bic=transfer.creditor_bic
            )

    for field, text in _transfer_texts(transfer):
        bad = forbidden_in(text)
        if bad is not None:
            errors[f"{key}.{field}"] = Message(
                "Betaling %(end_to_end_id)s: %(field)s bevat een teken dat niet naar de bank mag (%(code)s: een "
                "stuurteken, een teken dat de leesrichting omdraait of een onzichtbaar teken). Verbeter de gegevens "
                "in het register of bij het huishouden en maak de betaalrun opnieuw.",
                end_to_end_id=e2e, field=field, code=bad)
    name = record_change(transfer.creditor_name, epc.clean_name(transfer.creditor_name), e2e, "creditor_name", changes)
    if not name:
        errors[f"{key}.creditor_name"] = Message(
            "Betaling %(end_to_end_id)s: de naam van de ontvanger ontbreekt.", end_to_end_id=e2e
        )

    purpose = transfer.category_purpose
    if purpose is not None and not _CATEGORY_PURPOSE.fullmatch(purpose):
        errors[f"{key}.category_purpose"] = Message(
            "Betaling %(end_to_end_id)s: categorie %(purpose)s is geen code van vier hoofdletters (zoals SUPP).",
            end_to_end_id=e2e,
            purpose=purpose,
        )

    kind = transfer.reference_kind
    reference = ""
    try:
        reference = validate_reference(kind, transfer.reference)
        kind = ReferenceKind(kind)
    except ValidationError as exc:
        why = exc.fields.get("reference", exc.message)
        errors[f"{key}.reference"] = Message(
            "Betaling %(end_to_end_id)s: %(problem)s", end_to_end_id=e2e, problem=str(why)
        )

    issuer = structured = None
    text_parts: list[str] = []
    if kind in _ISSUERS and reference:
        issuer, structured = _ISSUERS[ReferenceKind(kind)], reference
        if transfer.remittance_text.strip():
            changes.append(TextChange(e2e, "remittance_text", transfer.remittance_text, "", False))
    else:
        if kind == ReferenceKind.FREE_TEXT and reference:
            text_parts.append(reference)
        if transfer.remittance_text.strip():
            text_parts.append(transfer.remittance_text)
    joined = " ".join(text_parts)
    unstructured = record_change(joined, epc.clean_remittance(joined), e2e, "remittance", changes)

    address = transfer.creditor_address
    if address is not None and not address.complete:
        address = None
    if iban and address is None and postal.needs_address(iban):
        errors[f"{key}.creditor_address"] = Message(
            "Betaling %(end_to_end_id)s: IBAN %(iban)s is van een land buiten de Europese Economische Ruimte; de "
            "bank wil dan het adres van de ontvanger (ten minste plaats en land).",
            end_to_end_id=e2e,
            iban=iban,
        )

    if len(errors) > before:
        return None
    clean_address = _clean_address(address, e2e, changes) if address is not None else None
    return (e2e, transfer.instruction_id, name, iban, bic, amount, issuer, structured, unstructured, purpose,
            clean_address)


def _msg_ids(msg_id_base: str, file_count: int, block_count: int, errors: dict[str, Message]) -> list[str]:
    if not epc.is_epc_identifier(msg_id_base) or len(msg_id_base) > MAX_MSG_ID_BASE:
        errors["msg_id_base"] = Message(
            "Het berichtkenmerk %(base)s moet uit 1 tot %(maximum)s tekens bestaan, zonder spaties en alleen met "
            "letters, cijfers en / - ? : ( ) . , ' +.",
            base=repr(msg_id_base),
            maximum=MAX_MSG_ID_BASE,
        )
        return []
    ids = [f"{msg_id_base}-{number}" for number in range(1, file_count + 1)]
    if len(f"{ids[-1]}-{block_count}") > epc.IDENTIFIER_MAX:
        errors["msg_id_base"] = Message(
            "Het berichtkenmerk %(base)s is te lang voor %(files)s bestanden.", base=msg_id_base, files=file_count
        )
        return []
    return ids

