"""Building the pain.001 file(s) of a batch with sepaxml, split at ``max_per_file`` transfers and ``max_bytes`` bytes,
and bundling them for the bank.

sepaxml 2.7.0 builds the skeleton of the XML; :mod:`.checks` checks everything before it reaches sepaxml and
:mod:`.repair` repairs what sepaxml gets wrong or cannot do (see ``docs/sepa.md`` in the repository):

* a batch is split into files of at most ``max_per_file`` transfers (BNG Bank: 100,000) and ``max_bytes`` bytes
  (Rabobank Internet Banking Professional: 3 MB);
* a creditor's address goes in as sepaxml's ``address``: structured in .09, ``Ctry`` and ``AdrLine`` in .03;
* sepaxml exports without validation (its xmlschema validation is slow and fails above ~66,000 payments); its bytes
  are parsed once with lxml, repaired, and the repaired tree is validated with ``lxml.etree.XMLSchema`` against our
  copy of the XSD (:mod:`.schema`) before any bytes are returned;
* each sepaxml object is exported exactly once and is given a fresh dict per payment (``add_payment`` mutates it,
  a second ``export`` doubles the payments);
* what the checks remember and the compiled XSD live for one call of :func:`build_bank_files`, not for the process.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from lxml import etree
from sepaxml import SepaTransfer

from budgetbeheer.domain import epc
from budgetbeheer.domain.address import ADDRESS_LINE_MAX
from budgetbeheer.domain.calendar import check_execution_date
from budgetbeheer.errors import Message, ValidationError
from budgetbeheer.payments.sepa.checks import ExportChecks, _msg_ids, _prepare_debtor, _prepare_transfer
from budgetbeheer.payments.sepa.model import (
    _AMOUNT,
    _E2E,
    _PURPOSE,
    DEFAULT_VERSION,
    MAX_BYTES,
    MAX_PER_FILE,
    MIN_BYTES,
    SUPPORTED_VERSIONS,
    BankFile,
    DebtorAccount,
    SchemaVersion,
    SentBlock,
    TextChange,
    Transfer,
    _Address,
    _Prepared,
)
from budgetbeheer.payments.sepa.repair import _fix_xml, purpose_groups
from budgetbeheer.payments.sepa.schema import _validated_content, load_schema

_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


# --- building the XML --------------------------------------------------------------------------------------------


def _sepaxml_export(
    debtor: DebtorAccount, payments: Sequence[_Prepared], execution_date: date, version: SchemaVersion
) -> bytes:
    """One fresh sepaxml object, one fresh dict per payment, exported exactly once and without validation."""
    config = {"name": debtor.name, "IBAN": debtor.iban, "BIC": debtor.bic, "batch": True, "currency": "EUR"}
    sepa = SepaTransfer(dict(config), schema=version, clean=False)
    structured_address = version != "pain.001.001.03"
    for e2e, _instruction_id, name, iban, bic, amount, _issuer, _structured, unstructured, _purpose, address in payments:
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
        if address is not None:
            data["address"] = _sepaxml_address(address, structured_address)
        sepa.add_payment(data)
    content: bytes = sepa.export(validate=False)
    return content



def _sepaxml_address(address: _Address, structured: bool) -> dict[str, object]:
    """sepaxml's ``address`` of a payment, which it writes as ``Cdtr/PstlAdr`` in the XSD's order: in .09 the
    structured parts (StrtNm, BldgNb, PstCd, TwnNm, Ctry), in .03 ``Ctry`` and at most two ``AdrLine`` (street and
    number; postal code and town), as the EPC guidelines for .03 allow."""
    street, building, postal_code, town, country = address
    if structured:
        parts = {"street_name": street, "building_number": building, "postcode": postal_code, "town": town,
                 "country": country}
        return {key: value for key, value in parts.items() if value}
    lines = [
        epc.clean_text(line, ADDRESS_LINE_MAX).text
        for line in (" ".join(p for p in (street, building) if p), " ".join(p for p in (postal_code, town) if p))
        if line
    ]
    return {"country": country, "lines": lines}


def _one_file(
    debtor: DebtorAccount,
    chunk: Sequence[_Prepared],
    execution_date: date,
    version: SchemaVersion,
    msg_id: str,
    created_at: datetime,
    batch_booking: bool,
    schema: etree.XMLSchema,
) -> bytes:
    """One pain.001 file for ``chunk``: sepaxml's bytes, repaired, validated against the XSD."""
    raw = _sepaxml_export(debtor, chunk, execution_date, version)
    root, content = _fix_xml(raw, version, chunk, msg_id, created_at, execution_date, batch_booking)
    del raw
    return _validated_content(root, content, schema, version, msg_id)


def build_bank_files(
    debtor: DebtorAccount,
    transfers: Iterable[Transfer],
    execution_date: date,
    msg_id_base: str,
    *,
    created_at: datetime,
    version: SchemaVersion = DEFAULT_VERSION,
    max_per_file: int = MAX_PER_FILE,
    max_bytes: int = MAX_BYTES,
    batch_booking: bool = True,
) -> list[BankFile]:
    """Build the pain.001 file(s) for ``transfers`` from ``debtor``'s account on ``execution_date``.

    ``msg_id_base`` (at most 27 characters, a clean EPC identifier, unique per batch, e.g. built from the batch id)
    becomes MsgId ``<msg_id_base>-1``, ``-2``, ... per file. ``created_at`` (timezone-aware) is written as CreDtTm,
    so the output depends only on the arguments. Transfers keep their order and are split into files of at most
    ``max_per_file``, and a file above ``max_bytes`` bytes is split again (each part built anew, the MsgIds numbered
    in order), so no file exceeds either limit. ``batch_booking`` asks the bank for one debit entry per PmtInf block on the statement.
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
    if max_bytes < MIN_BYTES:
        raise ValueError(f"max_bytes must be at least {MIN_BYTES}")
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
    checks = ExportChecks()  # what this export remembers per distinct IBAN, BIC, name and reference
    clean_debtor = _prepare_debtor(checks, debtor, errors, changes)

    prepared: list[_Prepared] = []
    first_index: dict[str, int] = {}
    changes_by_id: dict[str | None, list[TextChange]] = {None: changes}
    own_changes: list[TextChange] = []
    index = -1
    for index, transfer in enumerate(transfers):
        item = _prepare_transfer(checks, index, transfer, errors, own_changes)
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
    _msg_ids(msg_id_base, max(len(chunks), 1), max(len(purposes), 1), errors)
    if errors:
        raise ValidationError(errors, Message("Het bankbestand kan niet worden gemaakt; zie de fouten per betaling."))

    del checks
    schema = load_schema(version)
    files: list[BankFile] = []
    pending = chunks[::-1]  # a stack: the next chunk on top, so a chunk split by size is built again at once
    while pending:
        chunk = pending.pop()
        msg_id = f"{msg_id_base}-{len(files) + 1}"
        content = _one_file(clean_debtor, chunk, execution_date, version, msg_id, created_at, batch_booking, schema)
        if len(content) > max_bytes:
            if len(chunk) == 1:
                raise ValidationError({"max_bytes": Message(
                    "Betaling %(end_to_end_id)s past niet in een bankbestand van hoogstens %(maximum)s bytes.",
                    end_to_end_id=chunk[0][_E2E], maximum=max_bytes)})
            # The size grows by about the same number of bytes per transfer: take the share that fits (a little
            # less, for the header), at least one and at most all but one; the rest follows in the next file(s).
            fits = max(1, min(len(chunk) - 1, len(chunk) * max_bytes * 97 // (len(content) * 100)))
            pending.append(chunk[fits:])
            pending.append(chunk[:fits])
            continue
        ids = tuple(p[_E2E] for p in chunk)
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
                control_sum_cents=sum(p[_AMOUNT] for p in chunk),
                version=version,
                end_to_end_ids=ids,
                changes=tuple(file_changes),
                blocks=tuple(
                    SentBlock(f"{msg_id}-{number}", tuple(chunk[i][_E2E] for i in positions),
                              sum(chunk[i][_AMOUNT] for i in positions))
                    for number, positions in enumerate(purpose_groups(chunk).values(), start=1)),
            )
        )
    if len(files) > len(chunks):  # split by size: the MsgIds of the extra files must still fit
        _msg_ids(msg_id_base, len(files), max(len(purposes), 1), errors)
        if errors:
            raise ValidationError(errors)
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

