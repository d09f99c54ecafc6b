"""SEPA credit transfer files (pain.001) for the bank: the one module that uses sepaxml.

sepaxml 2.7.0 builds the skeleton of the XML; this module checks everything before it reaches sepaxml and repairs
what sepaxml gets wrong or cannot do (see ``docs/sepa.md`` in the repository):

* every IBAN is checked with schwifty (checksum, length, structure, SEPA country) and every amount lies between
  EUR 0.01 and EUR 999,999,999.99; all problems of a batch are reported together, each naming its EndToEndId;
* names, remittance text and identifiers are brought into the EPC basic character set (:mod:`.epc`); every change is
  returned as a :class:`TextChange` so the caller can keep a trace of what was sent;
* MsgId (``<msg_id_base>-<file number>``), PmtInfId (``<MsgId>-<block number>``) and CreDtTm are ours and
  deterministic: the same input gives the same bytes (sepaxml uses the clock and random hex);
* EndToEndId is always ours (never sepaxml's ``NOTPROVIDED``); InstrId is written when given;
* a betalingskenmerk or RF reference goes into ``RmtInf/Strd/CdtrRefInf`` with ``Tp/CdOrPrtry/Cd = SCOR`` and
  ``Issr = CUR`` or ``ISO`` in place of ``Ustrd`` (EPC allows one or the other, so any remittance text is then left
  out and recorded as a change);
* a category purpose goes into ``PmtInf/PmtTpInf/CtgyPurp/Cd``; transfers with different purposes go into separate
  PmtInf blocks, because the Dutch banks want payment type information at one level only;
* a batch is split into files of at most ``max_per_file`` transfers (BNG Bank: 100,000);
* sepaxml exports without validation (its xmlschema validation is slow and fails above ~66,000 payments); its bytes
  are parsed once with lxml, repaired, and the repaired tree is validated with ``lxml.etree.XMLSchema`` against our
  copy of the XSD in ``payments/xsd/`` before any bytes are returned. When only header values need repair (the
  common case) they are replaced in sepaxml's bytes before parsing, so the file returned is exactly what was parsed
  and validated; otherwise the validated tree is serialised once;
* every transfer goes through every check, but a valid one takes a quick path (results cached per distinct IBAN,
  BIC, name and reference); messages are only built for a transfer that has a problem;
* each sepaxml object is exported exactly once and is given a fresh dict per payment (``add_payment`` mutates it,
  a second ``export`` doubles the payments).
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal, TypeAlias, cast, get_args

from lxml import etree
from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors
from sepaxml import SepaTransfer

from budgetbeheer import clock
from budgetbeheer.errors import BudgetbeheerError, Message, ValidationError
from budgetbeheer.money import cents_to_str, format_eur
from budgetbeheer.payments import epc
from budgetbeheer.payments.calendar import check_execution_date
from budgetbeheer.references import ReferenceKind, validate_reference

SchemaVersion = Literal["pain.001.001.03", "pain.001.001.09"]
SUPPORTED_VERSIONS: Final[tuple[str, ...]] = get_args(SchemaVersion)
DEFAULT_VERSION: Final[SchemaVersion] = "pain.001.001.03"
"""Accepted by every Dutch bank; .09 is needed for structured addresses at BNG Bank."""

MIN_AMOUNT_CENTS: Final = 1
MAX_AMOUNT_CENTS: Final = 99_999_999_999
"""EUR 999,999,999.99, the largest amount the EPC rulebook allows in one credit transfer."""
MAX_PER_FILE: Final = 100_000
"""BNG Bank refuses files with more transactions."""
MAX_MSG_ID_BASE: Final = 27
"""Leaves room for ``-<file>-<block>`` within the 35 characters of a PmtInfId (up to 999 files and 999 blocks)."""

XSD_DIR: Final = Path(__file__).with_name("xsd")
_CATEGORY_PURPOSE = re.compile(r"[A-Z]{4}")
_ISSUERS: Final = {ReferenceKind.BETALINGSKENMERK: "CUR", ReferenceKind.ISO11649: "ISO"}
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class BankFileInvalid(BudgetbeheerError):
    """The pain.001 we produced does not validate against its XSD or does not add up. A bug on our side: nothing
    may be sent to the bank."""


@dataclass(frozen=True, slots=True)
class DebtorAccount:
    """The municipality's own account that pays. ``bic`` is derived from the IBAN when not given."""

    name: str
    iban: str
    bic: str | None = None


@dataclass(frozen=True, slots=True)
class Transfer:
    """One credit transfer.

    ``end_to_end_id`` is ours, unique per payment and stored, so that status reports and statements can be matched
    back; it must already be a clean EPC identifier (at most 35 characters). ``reference_kind``/``reference`` follow
    :mod:`budgetbeheer.references`. The text the creditor sees (``Ustrd``) is the free-text reference followed by
    ``remittance_text``; with a structured reference only the reference is sent. ``category_purpose`` is an ISO
    external category purpose code such as ``SUPP`` or ``BENE``.
    """

    end_to_end_id: str
    creditor_name: str
    creditor_iban: str
    creditor_bic: str | None
    amount_cents: int
    reference_kind: ReferenceKind = ReferenceKind.NONE
    reference: str = ""
    remittance_text: str = ""
    category_purpose: str | None = None
    instruction_id: str | None = None


@dataclass(frozen=True, slots=True)
class TextChange:
    """A text that went to the bank differently from how it was given (``end_to_end_id`` None: the debtor)."""

    end_to_end_id: str | None
    field: str
    before: str
    after: str
    truncated: bool


@dataclass(frozen=True, slots=True)
class BankFile:
    """One pain.001 file, ready for upload."""

    filename: str
    content: bytes
    sha256: str
    msg_id: str
    count: int
    control_sum_cents: int
    version: str
    end_to_end_ids: tuple[str, ...]
    changes: tuple[TextChange, ...]


_Prepared: TypeAlias = tuple[str, str | None, str, str, str | None, int, str | None, str | None, str, str | None]
"""A transfer after validation and cleaning, exactly what goes into the XML: ``(end_to_end_id, instruction_id, name,
iban, bic, amount_cents, issuer, structured_ref, unstructured, category_purpose)``, read with the indexes below.

A plain tuple on purpose: holding only strings, ints and None, it is soon no longer tracked by the garbage collector,
where 100,000s of NamedTuples or dataclass instances would be walked by every full collection during the export
(sepaxml's own included), and cost three to ten times as much to build."""
_E2E: Final = 0
_INSTRUCTION_ID: Final = 1
_NAME: Final = 2
_IBAN: Final = 3
_BIC: Final = 4
_AMOUNT: Final = 5
_ISSUER: Final = 6
_STRUCTURED: Final = 7
_UNSTRUCTURED: Final = 8
_PURPOSE: Final = 9


# --- validation --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=65_536)
def _check_iban(raw: str) -> tuple[str, str]:
    """``(compact IBAN, "")`` or ``("", problem)`` with problem one of checksum, length, country, sepa, structure."""
    try:
        iban = IBAN(raw)
    except iban_errors.InvalidChecksumDigits:
        return "", "checksum"
    except iban_errors.InvalidLength:
        return "", "length"
    except iban_errors.InvalidCountryCode:
        return "", "country"
    except ValueError:
        return "", "structure"
    if not iban.in_sepa_zone:
        return "", "sepa"
    return str(iban.compact), ""


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


@lru_cache(maxsize=65_536)
def _check_bic(raw: str) -> str | None:
    try:
        return str(BIC(raw).compact)
    except ValueError:
        return None


# The caches below return plain tuples of strings, bools and None, and take one string as key: the garbage collector
# soon stops tracking such tuples, so 100,000s of entries cost nothing in the full collections during an export.


@lru_cache(maxsize=65_536)
def _clean_name(text: str) -> tuple[str, bool, bool]:
    """:func:`epc.clean_name` as ``(text, changed, truncated)``."""
    cleaned = epc.clean_name(text)
    return cleaned.text, cleaned.changed, cleaned.truncated


def _reference_check(kind: ReferenceKind) -> Callable[[str], tuple[str | None, str] | None]:
    """For one kind: ``(issuer, normalised reference)`` when ``validate_reference`` accepts the text (issuer
    ``CUR``/``ISO`` for a structured kind, else None), or None when it does not (the full check then builds the
    message)."""

    @lru_cache(maxsize=65_536)
    def check(text: str) -> tuple[str | None, str] | None:
        try:
            normalised = validate_reference(kind, text)
        except ValidationError:
            return None
        return _ISSUERS.get(kind), normalised

    return check


_REFERENCE_CHECKS: Final = {kind: _reference_check(kind) for kind in ReferenceKind}


def _cleaned(value: str, cleaned: epc.Cleaned, end_to_end_id: str | None, field: str, changes: list[TextChange]) -> str:
    if cleaned.changed:
        changes.append(TextChange(end_to_end_id, field, value, cleaned.text, cleaned.truncated))
    return cleaned.text


def _prepare_debtor(debtor: DebtorAccount, errors: dict[str, Message], changes: list[TextChange]) -> DebtorAccount:
    name = _cleaned(debtor.name, epc.clean_name(debtor.name), None, "debtor.name", changes)
    if not name:
        errors["debtor.name"] = Message("De naam van de eigen rekening ontbreekt.")
    iban, problem = _check_iban(debtor.iban)
    bic: str | None = None
    if problem:
        errors["debtor.iban"] = Message(_DEBTOR_IBAN_MESSAGES[problem], iban=debtor.iban)
    elif debtor.bic:
        bic = _check_bic(debtor.bic)
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
    index: int, transfer: Transfer, errors: dict[str, Message], changes: list[TextChange]
) -> _Prepared | None:
    """``transfer`` checked and cleaned, or None with its problems added to ``errors``; text changes go to
    ``changes``. Every check happens for every transfer: the common, valid case is decided by :func:`_prepare_valid`
    (cached per distinct IBAN, BIC, name, reference and remittance text), anything else by :func:`_prepare_checked`,
    which builds the messages."""
    prepared = _prepare_valid(transfer, changes)
    if prepared is not None:
        return prepared
    return _prepare_checked(index, transfer, errors, changes)


def _prepare_valid(transfer: Transfer, changes: list[TextChange]) -> _Prepared | None:
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
    iban, problem = _check_iban(transfer.creditor_iban)
    if problem:
        return None
    bic: str | None = None
    if transfer.creditor_bic:
        bic = _check_bic(transfer.creditor_bic)
        if bic is None:
            return None
    name, name_changed, name_truncated = _clean_name(transfer.creditor_name)
    if not name:
        return None
    purpose = transfer.category_purpose
    if purpose is not None and not _CATEGORY_PURPOSE.fullmatch(purpose):
        return None
    kind = transfer.reference_kind
    check = _REFERENCE_CHECKS.get(kind) if isinstance(kind, str) else None
    valid = None if check is None else check(transfer.reference)
    if valid is None:
        return None
    issuer, reference = valid

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
    return (e2e, instruction_id, name, iban, bic, amount, issuer, structured, unstructured, purpose)


def _prepare_checked(
    index: int, transfer: Transfer, errors: dict[str, Message], changes: list[TextChange]
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

    iban, problem = _check_iban(transfer.creditor_iban)
    if problem:
        errors[f"{key}.creditor_iban"] = Message(
            _IBAN_MESSAGES[problem], end_to_end_id=e2e, iban=transfer.creditor_iban
        )

    bic: str | None = None
    if transfer.creditor_bic:
        bic = _check_bic(transfer.creditor_bic)
        if bic is None:
            errors[f"{key}.creditor_bic"] = Message(
                "Betaling %(end_to_end_id)s: BIC %(bic)s is ongeldig.", end_to_end_id=e2e, bic=transfer.creditor_bic
            )

    name = _cleaned(transfer.creditor_name, epc.clean_name(transfer.creditor_name), e2e, "creditor_name", changes)
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
    unstructured = _cleaned(joined, epc.clean_remittance(joined), e2e, "remittance", changes)

    if len(errors) > before:
        return None
    return (e2e, transfer.instruction_id, name, iban, bic, amount, issuer, structured, unstructured, purpose)


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


# --- building the XML --------------------------------------------------------------------------------------------


def _sepaxml_export(
    debtor: DebtorAccount, payments: Sequence[_Prepared], execution_date: date, version: SchemaVersion
) -> bytes:
    """One fresh sepaxml object, one fresh dict per payment, exported exactly once and without validation."""
    config = {"name": debtor.name, "IBAN": debtor.iban, "BIC": debtor.bic, "batch": True, "currency": "EUR"}
    sepa = SepaTransfer(dict(config), schema=version, clean=False)
    for e2e, _instruction_id, name, iban, bic, amount, _issuer, _structured, unstructured, _purpose in payments:
        data: dict[str, object] = {
            "name": name,
            "IBAN": iban,
            "amount": amount,
            "execution_date": execution_date,
            "description": unstructured,
            "endtoend_id": e2e,
        }
        if bic:
            data["BIC"] = bic
        sepa.add_payment(data)
    content: bytes = sepa.export(validate=False)
    return content


def _credtm(created_at: datetime) -> str:
    """CreDtTm in Dutch local time without offset, the form the Dutch banks' guides show."""
    return created_at.astimezone(clock.LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M:%S")


def _cents(text: str | None) -> int:
    return int(Decimal(text or "0") * 100)


def _fix_xml(
    raw: bytes,
    version: SchemaVersion,
    payments: Sequence[_Prepared],
    msg_id: str,
    created_at: datetime,
    execution_date: date,
    batch_booking: bool,
) -> tuple[etree._Element, bytes | None]:
    """sepaxml's output repaired, as ``(tree, content)``: the tree to validate, and the bytes it was parsed from, or
    None when the tree was changed and must still be serialised.

    When only header values need repair (MsgId, CreDtTm, PmtInfId, BtchBookg: no transaction needs a change and
    there is one PmtInf block without category purpose, the common case), they are replaced in sepaxml's bytes
    before parsing, and the same repairs applied to the parsed tree must then change nothing: the bytes returned are
    the very bytes that were parsed, checked and (by the caller) validated. Otherwise (or should the repaired bytes
    not read back as intended) sepaxml's bytes are parsed and the tree is repaired, visiting only the transactions
    that need a change (InstrId, a structured reference, no remittance text, another category purpose than the
    first). Either way every transaction is checked to carry our EndToEndId, in order.
    """
    credtm = _credtm(created_at)
    purposes = [p[_PURPOSE] for p in payments]
    groups: dict[str | None, list[int]] = {}
    if len(set(purposes)) == 1:
        groups[purposes[0]] = list(range(len(payments)))
    else:
        for position, purpose in enumerate(purposes):
            groups.setdefault(purpose, []).append(position)
    to_fix = [
        position
        for position, payment in enumerate(payments)
        if payment[_INSTRUCTION_ID] is not None or payment[_STRUCTURED] is not None or not payment[_UNSTRUCTURED]
    ]
    plan = (version, payments, msg_id, credtm, execution_date, batch_booking, groups, to_fix)
    if not to_fix and list(groups) == [None]:
        content = _repaired_header(raw, msg_id, credtm, f"{msg_id}-1", batch_booking)
        if content is not None:
            root, changed = _repair_tree(content, *plan)
            if not changed:
                return root, content
            del root
    root, _ = _repair_tree(raw, *plan)
    return root, None


def _repair_tree(
    source: bytes,
    version: SchemaVersion,
    payments: Sequence[_Prepared],
    msg_id: str,
    credtm: str,
    execution_date: date,
    batch_booking: bool,
    groups: dict[str | None, list[int]],
    to_fix: list[int],
) -> tuple[etree._Element, bool]:
    """Parse ``source`` (sepaxml's bytes, or those with the header repaired), check it and repair it: the tree, and
    whether any repair changed it. ``groups`` maps each category purpose to the positions of its payments, ``to_fix``
    lists the positions of the transactions that need a repair."""
    q = _qualifier(version)

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(source, parser)
    initiation = root.find(q("CstmrCdtTrfInitn"))
    if initiation is None:
        raise BankFileInvalid("sepaxml produced no CstmrCdtTrfInitn")
    header = initiation.find(q("GrpHdr"))
    pmt_infs = initiation.findall(q("PmtInf"))
    if header is None or len(pmt_infs) != 1:
        raise BankFileInvalid("sepaxml produced an unexpected structure")
    pmt_inf = pmt_infs[0]

    total = sum(p[_AMOUNT] for p in payments)
    if header.findtext(q("NbOfTxs")) != str(len(payments)) or _cents(header.findtext(q("CtrlSum"))) != total:
        raise BankFileInvalid("sepaxml's group header does not match the payments")
    changed = _set_text(header, q("MsgId"), msg_id)
    changed |= _set_text(header, q("CreDtTm"), credtm)

    # EndToEndId occurs only in CdtTrfTxInf/PmtId (sepaxml writes it there, the XSD allows it nowhere else).
    written = [node.text for node in pmt_inf.iter(q("EndToEndId"))]
    if len(written) != len(payments):
        raise BankFileInvalid("sepaxml lost or added transactions")
    if written != [p[_E2E] for p in payments]:
        for text, payment in zip(written, payments, strict=True):
            if text != payment[_E2E]:
                raise BankFileInvalid(f"transaction order or EndToEndId lost for {payment[_E2E]}")
    del written

    transactions: list[etree._Element] = []
    if to_fix or len(groups) > 1:
        transactions = pmt_inf.findall(q("CdtTrfTxInf"))
        if len(transactions) != len(payments):
            raise BankFileInvalid("sepaxml lost or added transactions")
    for position in to_fix:
        _fix_transaction(transactions[position], payments[position], q)

    blocks = [pmt_inf]
    template = [child for child in pmt_inf if child.tag != q("CdtTrfTxInf")]
    parent_index = initiation.index(pmt_inf)
    for offset, positions in enumerate(list(groups.values())[1:], start=1):
        block = etree.Element(q("PmtInf"))
        for child in template:
            block.append(copy.deepcopy(child))
        for position in positions:
            block.append(transactions[position])
        initiation.insert(parent_index + offset, block)
        blocks.append(block)
    for number, (block, (purpose, positions)) in enumerate(zip(blocks, groups.items(), strict=True), start=1):
        changed |= _set_text(block, q("PmtInfId"), f"{msg_id}-{number}")
        changed |= _set_text(block, q("BtchBookg"), "true" if batch_booking else "false")
        changed |= _set_text(block, q("NbOfTxs"), str(len(positions)))
        block_total = total if len(groups) == 1 else sum(payments[p][_AMOUNT] for p in positions)
        changed |= _set_text(block, q("CtrlSum"), cents_to_str(block_total))
        date_node = block.find(q("ReqdExctnDt"))
        if date_node is None or "".join(str(t) for t in date_node.itertext()).strip() != execution_date.isoformat():
            raise BankFileInvalid("sepaxml wrote another execution date")
        if purpose is not None:
            type_info = block.find(q("PmtTpInf"))
            if type_info is None:
                raise BankFileInvalid("sepaxml wrote no PmtTpInf")
            etree.SubElement(etree.SubElement(type_info, q("CtgyPurp")), q("Cd")).text = purpose

    return root, changed


_SEPAXML_DECLARATION: Final = b'<?xml version="1.0" encoding="UTF-8"?>'
_FIRST_TRANSACTION: Final = b"<CdtTrfTxInf>"


def _repaired_header(raw: bytes, msg_id: str, credtm: str, pmt_inf_id: str, batch_booking: bool) -> bytes | None:
    """sepaxml's bytes with our declaration line, MsgId, CreDtTm, PmtInfId and BtchBookg, each replaced once in the
    part before the first transaction (values that need no escaping: identifiers, a timestamp, a boolean); None when
    the bytes do not look as expected, and the tree is then repaired instead. The caller checks the result."""
    end = raw.find(_FIRST_TRANSACTION)
    if not raw.startswith(_SEPAXML_DECLARATION) or end < 0:
        return None
    head = raw[len(_SEPAXML_DECLARATION) : end]
    values = {"MsgId": msg_id, "CreDtTm": credtm, "PmtInfId": pmt_inf_id, "BtchBookg": str(batch_booking).lower()}
    for tag, value in values.items():
        if not epc.is_epc_identifier(value):
            return None
        head, count = re.subn(f"<{tag}>[^<]*</{tag}>".encode(), f"<{tag}>{value}</{tag}>".encode(), head, count=1)
        if count != 1:
            return None
    return b"".join((_XML_DECLARATION, head, memoryview(raw)[end:]))


def _set_text(parent: etree._Element, tag: str, text: str) -> bool:
    """Set the text of ``parent``'s child ``tag``; True when that changed it."""
    node = parent.find(tag)
    if node is None:
        raise BankFileInvalid(f"missing {tag}")
    if node.text == text:
        return False
    node.text = text
    return True


def _fix_transaction(tx: etree._Element, payment: _Prepared, q: Callable[[str], str]) -> None:
    """Add InstrId, put a structured reference in place of Ustrd, drop an empty RmtInf (children by position:
    sepaxml writes PmtId first, with EndToEndId as its only child, and RmtInf last)."""
    payment_id = tx[0]
    end_to_end_id, instruction_id, _, _, _, _, issuer, structured_ref, unstructured, _ = payment
    if payment_id.tag != q("PmtId") or payment_id[-1].text != end_to_end_id:
        raise BankFileInvalid(f"transaction order or EndToEndId lost for {end_to_end_id}")
    if instruction_id is not None:
        instruction = etree.Element(q("InstrId"))
        instruction.text = instruction_id
        payment_id.insert(0, instruction)

    remittance = tx[-1]
    if remittance.tag != q("RmtInf"):
        raise BankFileInvalid("sepaxml wrote no RmtInf")
    if structured_ref is not None and issuer is not None:
        del remittance[:]
        structured = copy.deepcopy(_structured_template(q("Strd"), issuer))
        structured[0][-1].text = structured_ref
        remittance.append(structured)
    elif not unstructured:
        tx.remove(remittance)


@lru_cache(maxsize=8)
def _qualifier(version: str) -> Callable[[str], str]:
    """``q("MsgId")`` -> ``"{urn:iso:std:iso:20022:tech:xsd:<version>}MsgId"`` (a dict lookup: called 100,000s of times)."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:{version}"
    names = [
        "CstmrCdtTrfInitn",
        "GrpHdr",
        "MsgId",
        "CreDtTm",
        "NbOfTxs",
        "CtrlSum",
        "PmtInf",
        "PmtInfId",
        "BtchBookg",
        "PmtTpInf",
        "CtgyPurp",
        "Cd",
        "ReqdExctnDt",
        "CdtTrfTxInf",
        "PmtId",
        "InstrId",
        "EndToEndId",
        "RmtInf",
        "Strd",
        "CdtrRefInf",
        "Tp",
        "CdOrPrtry",
        "Issr",
        "Ref",
    ]
    return {name: f"{{{ns}}}{name}" for name in names}.__getitem__


@lru_cache(maxsize=8)
def _structured_template(strd_tag: str, issuer: str) -> etree._Element:
    """``Strd/CdtrRefInf/(Tp/(CdOrPrtry/Cd=SCOR, Issr), Ref)`` for one namespace and issuer; Ref is filled per copy.

    Never modified itself: callers deep-copy it."""
    ns = strd_tag[: strd_tag.index("}") + 1]
    structured = etree.Element(strd_tag)
    reference_info = etree.SubElement(structured, f"{ns}CdtrRefInf")
    reference_type = etree.SubElement(reference_info, f"{ns}Tp")
    etree.SubElement(etree.SubElement(reference_type, f"{ns}CdOrPrtry"), f"{ns}Cd").text = "SCOR"
    etree.SubElement(reference_type, f"{ns}Issr").text = issuer
    etree.SubElement(reference_info, f"{ns}Ref")
    return structured


# --- validation against the XSD ----------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _schema(schema_name: str) -> etree.XMLSchema:
    path = XSD_DIR / f"{schema_name}.xsd"
    if not path.is_file() or path.parent != XSD_DIR:
        raise ValueError(f"unknown schema {schema_name!r}")
    return etree.XMLSchema(etree.parse(str(path)))


def validate_xml(content: bytes, schema_name: str) -> list[str]:
    """Parse ``content`` and validate it against ``xsd/<schema_name>.xsd``; the errors (empty list when valid).

    ``schema_name`` is e.g. ``"pain.001.001.03"``, ``"pain.001.001.09"``, ``"pain.002.001.03"`` or
    ``"camt.053.001.02"``. Entities are not resolved and nothing is fetched from the network.
    """
    schema = _schema(schema_name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        document = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: not well-formed XML: {exc.msg}"]
    if schema.validate(document):
        return []
    entries = cast("Iterable[etree._LogEntry]", schema.error_log)
    return [f"line {entry.line}: {entry.message}" for entry in entries]


def _validated_content(root: etree._Element, content: bytes | None, version: SchemaVersion, msg_id: str) -> bytes:
    """Validate the repaired tree against the XSD and return its bytes: ``content`` when the tree was parsed from
    it and left unchanged (see :func:`_fix_xml`), else the tree serialised, once, after validation.

    The tree is validated rather than parsed again from the bytes: lxml writes a tree out without loss (element
    names, namespaces, text), so the bytes hold exactly what was validated; the tests parse the bytes again and
    validate them with :func:`validate_xml`. When the tree is invalid the bytes are validated as well, so that the
    message names the line of the file that would have been sent."""
    schema = _schema(version)
    valid = schema.validate(root)
    entries = cast("Iterable[etree._LogEntry]", schema.error_log)
    problems = [] if valid else [f"line {entry.line}: {entry.message}" for entry in entries]
    if content is None:
        content = _XML_DECLARATION + bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=False))
    if problems:
        problems = validate_xml(content, version) or problems
        raise BankFileInvalid(
            Message(
                "Het bankbestand %(msg_id)s voldoet niet aan het schema: %(problem)s",
                msg_id=msg_id,
                problem=problems[0],
            )
        )
    return content


# --- public API --------------------------------------------------------------------------------------------------


def build_bank_files(
    debtor: DebtorAccount,
    transfers: Iterable[Transfer],
    execution_date: date,
    msg_id_base: str,
    *,
    created_at: datetime,
    version: SchemaVersion = DEFAULT_VERSION,
    max_per_file: int = MAX_PER_FILE,
    batch_booking: bool = True,
) -> list[BankFile]:
    """Build the pain.001 file(s) for ``transfers`` from ``debtor``'s account on ``execution_date``.

    ``msg_id_base`` (at most 27 characters, a clean EPC identifier, unique per batch, e.g. built from the batch id)
    becomes MsgId ``<msg_id_base>-1``, ``-2``, ... per file. ``created_at`` (timezone-aware) is written as CreDtTm,
    so the output depends only on the arguments. Transfers keep their order and are split into files of at most
    ``max_per_file``. ``batch_booking`` asks the bank for one debit entry per PmtInf block on the statement.
    ``transfers`` is read once, in order, and may be an iterator: a caller with 100,000s of transfers can then read
    them from the database one by one, and they need not all stay in memory while sepaxml builds its tree.

    Raises :class:`ValidationError` listing every problem found (each transfer's field keyed as
    ``transfers[<index>].<field>`` with a message naming its EndToEndId), and :class:`BankFileInvalid` if the result
    would not validate against the XSD.
    """
    if version not in SUPPORTED_VERSIONS:
        raise ValueError(f"unsupported version {version!r}; use one of {SUPPORTED_VERSIONS}")
    if not 1 <= max_per_file <= MAX_PER_FILE:
        raise ValueError(f"max_per_file must be between 1 and {MAX_PER_FILE}")
    if isinstance(execution_date, datetime) or not isinstance(execution_date, date):
        raise TypeError("execution_date must be a date")
    if created_at.tzinfo is None or created_at.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware")

    errors: dict[str, Message] = {}
    changes: list[TextChange] = []
    try:
        check_execution_date(execution_date)
    except ValidationError as exc:
        errors.update(exc.fields)
    clean_debtor = _prepare_debtor(debtor, errors, changes)

    prepared: list[_Prepared] = []
    first_index: dict[str, int] = {}
    changes_by_id: dict[str | None, list[TextChange]] = {None: changes}
    own_changes: list[TextChange] = []
    index = -1
    for index, transfer in enumerate(transfers):
        item = _prepare_transfer(index, transfer, errors, own_changes)
        e2e = transfer.end_to_end_id
        first = first_index.setdefault(e2e, index)
        if first != index:
            errors[f"transfers[{index}].end_to_end_id"] = Message(
                "Betaling %(end_to_end_id)s komt twee keer voor (nummer %(first)s en %(second)s); elke betaling "
                "heeft een eigen EndToEndId nodig.",
                end_to_end_id=e2e,
                first=first,
                second=index,
            )
        if own_changes:
            changes_by_id[e2e] = own_changes
            own_changes = []
        if item is not None:
            prepared.append(item)
    if index < 0:
        errors["transfers"] = Message("Er zijn geen betalingen om in een bankbestand te zetten.")

    chunks = [prepared[start : start + max_per_file] for start in range(0, len(prepared), max_per_file)]
    purposes = {p[_PURPOSE] for p in prepared}
    msg_ids = _msg_ids(msg_id_base, max(len(chunks), 1), max(len(purposes), 1), errors)
    if errors:
        raise ValidationError(errors, Message("Het bankbestand kan niet worden gemaakt; zie de fouten per betaling."))

    files: list[BankFile] = []
    for msg_id, chunk in zip(msg_ids, chunks, strict=True):
        ids = tuple(p[_E2E] for p in chunk)
        control_sum = sum(p[_AMOUNT] for p in chunk)
        raw = _sepaxml_export(clean_debtor, chunk, execution_date, version)
        root, content = _fix_xml(raw, version, chunk, msg_id, created_at, execution_date, batch_booking)
        del raw
        content = _validated_content(root, content, version, msg_id)
        del root
        file_changes = list(changes) if not files else []
        if len(changes_by_id) > 1:
            for e2e in ids:
                file_changes.extend(changes_by_id.get(e2e, ()))
        files.append(
            BankFile(
                filename=f"{msg_id}.xml",
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                msg_id=msg_id,
                count=len(chunk),
                control_sum_cents=control_sum,
                version=version,
                end_to_end_ids=ids,
                changes=tuple(file_changes),
            )
        )
    return files


def bundle(files: Sequence[BankFile]) -> tuple[str, bytes]:
    """What to hand to the bank or the browser: the XML itself for one file, else a deterministic zip of all files.

    The zip is named after the common MsgId base; its entries have a fixed timestamp (1980-01-01), fixed permissions
    and fixed compression, so the same files always give the same bytes.
    """
    if not files:
        raise ValueError("nothing to bundle")
    if len(files) == 1:
        return files[0].filename, files[0].content
    names = [f.filename for f in files]
    if len(set(names)) != len(names):
        raise ValueError("duplicate file names")
    base = files[0].msg_id.rsplit("-", 1)[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for file in files:
            info = zipfile.ZipInfo(file.filename, date_time=_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, file.content, compresslevel=6)
    return f"{base}.zip", buffer.getvalue()
