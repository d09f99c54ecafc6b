"""SEPA credit transfer files (pain.001) for the bank: the one module that uses sepaxml.

sepaxml 2.7.0 builds the skeleton of the XML; this module checks everything before it reaches sepaxml and repairs
what sepaxml gets wrong or cannot do (see ``docs/sepa.md``):

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
* sepaxml exports without validation (its xmlschema validation is slow and fails above ~66,000 payments), and the
  bytes are then validated with ``lxml.etree.XMLSchema`` against our copy of the XSD in ``payments/xsd/``;
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
from typing import Final, Literal, cast, get_args
from zoneinfo import ZoneInfo

from lxml import etree
from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors
from sepaxml import SepaTransfer

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
_AMSTERDAM = "Europe/Amsterdam"
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


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A transfer after validation and cleaning: exactly what goes into the XML."""

    end_to_end_id: str
    instruction_id: str | None
    name: str
    iban: str
    bic: str | None
    amount_cents: int
    issuer: str | None
    structured_ref: str | None
    unstructured: str
    category_purpose: str | None


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


def _check_bic(raw: str) -> str | None:
    try:
        return str(BIC(raw).compact)
    except ValueError:
        return None


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
    return _Prepared(e2e, transfer.instruction_id, name, iban, bic, amount, issuer, structured, unstructured, purpose)


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
    for payment in payments:
        data: dict[str, object] = {
            "name": payment.name,
            "IBAN": payment.iban,
            "amount": payment.amount_cents,
            "execution_date": execution_date,
            "description": payment.unstructured,
            "endtoend_id": payment.end_to_end_id,
        }
        if payment.bic:
            data["BIC"] = payment.bic
        sepa.add_payment(data)
    content: bytes = sepa.export(validate=False)
    return content


def _credtm(created_at: datetime) -> str:
    """CreDtTm in Dutch local time without offset, the form the Dutch banks' guides show."""
    return created_at.astimezone(ZoneInfo(_AMSTERDAM)).strftime("%Y-%m-%dT%H:%M:%S")


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
) -> bytes:
    q = _qualifier(version)

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(raw, parser)
    initiation = root.find(q("CstmrCdtTrfInitn"))
    if initiation is None:
        raise BankFileInvalid("sepaxml produced no CstmrCdtTrfInitn")
    header = initiation.find(q("GrpHdr"))
    pmt_infs = initiation.findall(q("PmtInf"))
    if header is None or len(pmt_infs) != 1:
        raise BankFileInvalid("sepaxml produced an unexpected structure")
    pmt_inf = pmt_infs[0]

    total = sum(p.amount_cents for p in payments)
    if header.findtext(q("NbOfTxs")) != str(len(payments)) or _cents(header.findtext(q("CtrlSum"))) != total:
        raise BankFileInvalid("sepaxml's group header does not match the payments")
    _set_text(header, q("MsgId"), msg_id)
    _set_text(header, q("CreDtTm"), _credtm(created_at))

    transactions = pmt_inf.findall(q("CdtTrfTxInf"))
    if len(transactions) != len(payments):
        raise BankFileInvalid("sepaxml lost or added transactions")
    for tx, payment in zip(transactions, payments, strict=True):
        _fix_transaction(tx, payment, q)

    groups: dict[str | None, list[int]] = {}
    for position, payment in enumerate(payments):
        groups.setdefault(payment.category_purpose, []).append(position)
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
        _set_text(block, q("PmtInfId"), f"{msg_id}-{number}")
        _set_text(block, q("BtchBookg"), "true" if batch_booking else "false")
        _set_text(block, q("NbOfTxs"), str(len(positions)))
        _set_text(block, q("CtrlSum"), cents_to_str(sum(payments[p].amount_cents for p in positions)))
        date_node = block.find(q("ReqdExctnDt"))
        if date_node is None or "".join(str(t) for t in date_node.itertext()).strip() != execution_date.isoformat():
            raise BankFileInvalid("sepaxml wrote another execution date")
        if purpose is not None:
            type_info = block.find(q("PmtTpInf"))
            if type_info is None:
                raise BankFileInvalid("sepaxml wrote no PmtTpInf")
            etree.SubElement(etree.SubElement(type_info, q("CtgyPurp")), q("Cd")).text = purpose

    return _XML_DECLARATION + bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=False))


def _set_text(parent: etree._Element, tag: str, text: str) -> None:
    node = parent.find(tag)
    if node is None:
        raise BankFileInvalid(f"missing {tag}")
    node.text = text


def _fix_transaction(tx: etree._Element, payment: _Prepared, q: Callable[[str], str]) -> None:
    """Add InstrId, put a structured reference in place of Ustrd, drop an empty RmtInf (children by position:
    sepaxml writes PmtId first, with EndToEndId as its only child, and RmtInf last)."""
    payment_id = tx[0]
    if payment_id.tag != q("PmtId") or payment_id[-1].text != payment.end_to_end_id:
        raise BankFileInvalid(f"transaction order or EndToEndId lost for {payment.end_to_end_id}")
    if payment.instruction_id is not None:
        instruction = etree.Element(q("InstrId"))
        instruction.text = payment.instruction_id
        payment_id.insert(0, instruction)

    remittance = tx[-1]
    if remittance.tag != q("RmtInf"):
        raise BankFileInvalid("sepaxml wrote no RmtInf")
    if payment.structured_ref is not None and payment.issuer is not None:
        del remittance[:]
        structured = copy.deepcopy(_structured_template(q("Strd"), payment.issuer))
        structured[0][-1].text = payment.structured_ref
        remittance.append(structured)
    elif not payment.unstructured:
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


# --- public API --------------------------------------------------------------------------------------------------


def build_bank_files(
    debtor: DebtorAccount,
    transfers: Sequence[Transfer],
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
    if not transfers:
        errors["transfers"] = Message("Er zijn geen betalingen om in een bankbestand te zetten.")

    prepared: list[_Prepared] = []
    first_index: dict[str, int] = {}
    changes_by_id: dict[str | None, list[TextChange]] = {None: changes}
    for index, transfer in enumerate(transfers):
        own_changes: list[TextChange] = []
        item = _prepare_transfer(index, transfer, errors, own_changes)
        e2e = transfer.end_to_end_id
        if e2e in first_index:
            errors[f"transfers[{index}].end_to_end_id"] = Message(
                "Betaling %(end_to_end_id)s komt twee keer voor (nummer %(first)s en %(second)s); elke betaling "
                "heeft een eigen EndToEndId nodig.",
                end_to_end_id=e2e,
                first=first_index[e2e],
                second=index,
            )
        else:
            first_index[e2e] = index
        if own_changes:
            changes_by_id[e2e] = own_changes
        if item is not None:
            prepared.append(item)

    chunks = [prepared[start : start + max_per_file] for start in range(0, len(prepared), max_per_file)]
    purposes = {p.category_purpose for p in prepared}
    msg_ids = _msg_ids(msg_id_base, max(len(chunks), 1), max(len(purposes), 1), errors)
    if errors:
        raise ValidationError(errors, Message("Het bankbestand kan niet worden gemaakt; zie de fouten per betaling."))

    files: list[BankFile] = []
    for msg_id, chunk in zip(msg_ids, chunks, strict=True):
        raw = _sepaxml_export(clean_debtor, chunk, execution_date, version)
        content = _fix_xml(raw, version, chunk, msg_id, created_at, execution_date, batch_booking)
        del raw
        problems = validate_xml(content, version)
        if problems:
            raise BankFileInvalid(
                Message(
                    "Het bankbestand %(msg_id)s voldoet niet aan het schema: %(problem)s",
                    msg_id=msg_id,
                    problem=problems[0],
                )
            )
        ids = tuple(p.end_to_end_id for p in chunk)
        file_changes = list(changes) if not files else []
        for e2e in ids:
            file_changes.extend(changes_by_id.get(e2e, ()))
        files.append(
            BankFile(
                filename=f"{msg_id}.xml",
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                msg_id=msg_id,
                count=len(chunk),
                control_sum_cents=sum(p.amount_cents for p in chunk),
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
