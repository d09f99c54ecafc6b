"""Repairs: text brought into the EPC character set with a trace, and the XML sepaxml gets wrong or cannot write.

Names, remittance text and identifiers are transliterated by :mod:`budgetbeheer.domain.epc`; every change is kept
as a :class:`~.model.TextChange` (:func:`record_change`). sepaxml's bytes are parsed once with lxml and repaired:
MsgId, PmtInfId and CreDtTm are ours and deterministic (sepaxml uses the clock and random hex), InstrId is written
when given, a structured reference goes into ``RmtInf/Strd/CdtrRefInf`` in place of ``Ustrd``, and transfers with
different category purposes go into separate PmtInf blocks. When only header values need repair (the common case)
they are replaced in sepaxml's bytes before parsing (:func:`_fix_xml`).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Final

from lxml import etree

from budgetbeheer import clock
from budgetbeheer.domain import epc
from budgetbeheer.money import cents_to_str
from budgetbeheer.payments.sepa.model import (
    _AMOUNT,
    _E2E,
    _INSTRUCTION_ID,
    _PURPOSE,
    _STRUCTURED,
    _UNSTRUCTURED,
    _XML_DECLARATION,
    BankFileInvalid,
    SchemaVersion,
    TextChange,
    _Prepared,
)


def clean_name(text: str) -> tuple[str, bool, bool]:
    """:func:`epc.clean_name` as ``(text, changed, truncated)``: a plain tuple, remembered per export
    (:class:`~.checks.ExportChecks`)."""
    cleaned = epc.clean_name(text)
    return cleaned.text, cleaned.changed, cleaned.truncated


def record_change(
    value: str, cleaned: epc.Cleaned, end_to_end_id: str | None, field: str, changes: list[TextChange]
) -> str:
    """The cleaned text, with a :class:`~.model.TextChange` in ``changes`` when cleaning changed it."""
    if cleaned.changed:
        changes.append(TextChange(end_to_end_id, field, value, cleaned.text, cleaned.truncated))
    return cleaned.text


# --- repairing sepaxml's XML -------------------------------------------------------------------------------------


def _credtm(created_at: datetime) -> str:
    """CreDtTm in Dutch local time without offset, the form the Dutch banks' guides show."""
    return created_at.astimezone(clock.LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M:%S")


def _cents(text: str | None) -> int:
    return int(Decimal(text or "0") * 100)


def purpose_groups(payments: Sequence[_Prepared]) -> dict[str | None, list[int]]:
    """The file's PmtInf blocks: category purpose → the positions of its payments, in order of first appearance
    (block ``n`` is PmtInfId ``<MsgId>-<n>``)."""
    purposes = [p[_PURPOSE] for p in payments]
    groups: dict[str | None, list[int]] = {}
    if len(set(purposes)) == 1:
        groups[purposes[0]] = list(range(len(payments)))
    else:
        for position, purpose in enumerate(purposes):
            groups.setdefault(purpose, []).append(position)
    return groups


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
    groups = purpose_groups(payments)
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
    strd = q("Strd")
    templates: dict[str, etree._Element] = {}
    """Per issuer the ``Strd`` element of this file's namespace, built once and deep-copied per transaction."""

    def structured_for(issuer: str) -> etree._Element:
        template = templates.get(issuer)
        if template is None:
            template = templates[issuer] = _structured_template(strd, issuer)
        return copy.deepcopy(template)

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
        _fix_transaction(transactions[position], payments[position], q, structured_for)

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


def _fix_transaction(
    tx: etree._Element, payment: _Prepared, q: Callable[[str], str], structured_for: Callable[[str], etree._Element]
) -> None:
    """Add InstrId, put a structured reference in place of Ustrd, drop an empty RmtInf (children by position:
    sepaxml writes PmtId first, with EndToEndId as its only child, and RmtInf last). ``structured_for(issuer)``: a
    fresh ``Strd`` element with an empty Ref."""
    payment_id = tx[0]
    end_to_end_id, instruction_id, _, _, _, _, issuer, structured_ref, unstructured, _, _ = payment
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
        structured = structured_for(issuer)
        structured[0][-1].text = structured_ref
        remittance.append(structured)
    elif not unstructured:
        tx.remove(remittance)


def _qualifier(version: str) -> Callable[[str], str]:
    """``q("MsgId")`` -> ``"{urn:iso:std:iso:20022:tech:xsd:<version>}MsgId"`` (a dict lookup: called 100,000s of times;
    built once per file)."""
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


def _structured_template(strd_tag: str, issuer: str) -> etree._Element:
    """``Strd/CdtrRefInf/(Tp/(CdOrPrtry/Cd=SCOR, Issr), Ref)`` for one namespace and issuer; Ref is filled per copy
    (:func:`_repair_tree` keeps one per file and deep-copies it)."""
    ns = strd_tag[: strd_tag.index("}") + 1]
    structured = etree.Element(strd_tag)
    reference_info = etree.SubElement(structured, f"{ns}CdtrRefInf")
    reference_type = etree.SubElement(reference_info, f"{ns}Tp")
    etree.SubElement(etree.SubElement(reference_type, f"{ns}CdOrPrtry"), f"{ns}Cd").text = "SCOR"
    etree.SubElement(reference_type, f"{ns}Issr").text = issuer
    etree.SubElement(reference_info, f"{ns}Ref")
    return structured


