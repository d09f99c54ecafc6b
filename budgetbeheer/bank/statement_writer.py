"""Writing test bank files: a camt.053 (or camt.054) in the shape of a Dutch bank, and a pain.002 status report.

Used by the demo (``budgetbeheer demo --bank-statement FILE``), the integration tests' simulated bank and the
benchmark. The statement is written entry by entry with :class:`lxml.etree.xmlfile`, so a file of 350,000 entries
never exists as a tree in memory; pass ``entries`` as a generator to avoid holding them at all. What
:func:`budgetbeheer.bank.camt.read_statements` reads back is the same :class:`Statement` (see ``docs/bank.md``).

The shapes:

* ``BNG``: an entry with a :class:`BatchBooking` is written as one entry with ``NtryDtls/Btch`` and *no*
  ``TxDtls`` (its transfers are left out); a return names its original in ``RtrInf/OrgnlEndToEndId``.
* ``ING``: ``TxDtls`` per transfer (next to ``Btch`` for a batch), the bank reference in ``Refs/AcctSvcrRef``, a
  return's original as ``Refs/EndToEndId``.
* ``ABNAMRO``: like ING, but ``BookgDt`` as a date-time (``DtTm``) and the bank reference in ``Refs/TxId``.
* ``RABO``: ``TxDtls`` per transfer; a return names its original in ``RtrInf/OrgnlEndToEndId``.

A proprietary code without an issuer gets the shape's issuer (:data:`ISSUERS`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import IO
from zoneinfo import ZoneInfo

from lxml import etree

from budgetbeheer.bank.model import BankCode, Entry, Statement, StatusReport, Transfer

SHAPES = ("BNG", "ING", "ABNAMRO", "RABO")
ISSUERS = {"BNG": "BNGBANK", "ING": "INGGroup", "ABNAMRO": "ABNAMRO", "RABO": "RABOBANK"}
BICS = {"BNG": "BNGHNL2G", "ING": "INGBNL2A", "ABNAMRO": "ABNANL2A", "RABO": "RABONL2U"}
STATEMENT_WRITE_VERSIONS = ("camt.053.001.02", "camt.053.001.08", "camt.054.001.02", "camt.054.001.08")
STATUS_WRITE_VERSIONS = ("pain.002.001.03", "pain.002.001.10")
NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:{}"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

Target = str | os.PathLike[str] | IO[bytes]


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _sub(parent: etree._Element, tag: str, value: str | None = None, **attributes: str) -> etree._Element:
    # No namespace on purpose: written inside the root's default namespace, the elements land in it when read, and
    # lxml does not repeat the xmlns declaration on every entry.
    child = etree.SubElement(parent, tag, attributes)
    if value is not None:
        child.text = value
    return child


def _path(parent: etree._Element, path: str, value: str) -> etree._Element:
    """``A/B/C`` with ``value`` as C's text, creating each step."""
    element = parent
    for step in path.split("/"):
        element = _sub(element, step)
    element.text = value
    return element


class _Writer:
    def __init__(self, shape: str, version: str) -> None:
        if shape not in SHAPES:
            raise ValueError(f"shape {shape!r}: one of {', '.join(SHAPES)}")
        if version not in STATEMENT_WRITE_VERSIONS:
            raise ValueError(f"version {version!r}: one of {', '.join(STATEMENT_WRITE_VERSIONS)}")
        self.shape = shape
        self.version = version
        self.new = version.endswith(".08")
        self.currency = "EUR"

    def _date(self, parent: etree._Element, tag: str, day: date, *, moment: bool = False) -> None:
        holder = _sub(parent, tag)
        if moment:
            _sub(holder, "DtTm", datetime.combine(day, time(), AMSTERDAM).isoformat(timespec="milliseconds"))
        else:
            _sub(holder, "Dt", day.isoformat())

    def header(self, statement: Statement) -> etree._Element:
        header = etree.Element("GrpHdr")
        _sub(header, "MsgId", statement.message_id)
        if statement.created_at is not None:
            _sub(header, "CreDtTm", statement.created_at.isoformat())
        return header

    def statement_head(self, statement: Statement) -> list[etree._Element]:
        self.currency = statement.currency
        parts = [etree.Element("Id")]
        parts[0].text = statement.statement_id
        holder = etree.Element("holder")
        if statement.sequence_number is not None:
            _sub(holder, "ElctrncSeqNb", str(statement.sequence_number))
        if statement.created_at is not None:
            _sub(holder, "CreDtTm", statement.created_at.isoformat())
        if statement.from_date or statement.to_date:
            period = _sub(holder, "FrToDt")
            if statement.from_date:
                _sub(period, "FrDtTm", datetime.combine(statement.from_date, time()).isoformat())
            if statement.to_date:
                _sub(period, "ToDtTm", datetime.combine(statement.to_date, time(23, 59, 59)).isoformat())
        account = _sub(holder, "Acct")
        _path(account, "Id/IBAN", statement.account_iban)
        _sub(account, "Ccy", statement.currency)
        _path(account, "Svcr/FinInstnId/" + ("BICFI" if self.new else "BIC"), BICS[self.shape])
        balances = (
            ("OPBD", statement.opening_balance_cents, statement.from_date or statement.closing_date),
            ("CLBD", statement.closing_balance_cents, statement.closing_date),
        )
        for code, cents, day in balances:
            if cents is None:
                continue
            balance = _sub(holder, "Bal")
            _path(balance, "Tp/CdOrPrtry/Cd", code)
            _sub(balance, "Amt", _amount(abs(cents)), Ccy=statement.currency)
            _sub(balance, "CdtDbtInd", "DBIT" if cents < 0 else "CRDT")
            if day is not None:
                self._date(balance, "Dt", day)
        return parts + list(holder)

    def entry(self, entry: Entry) -> etree._Element:
        element = etree.Element("Ntry")
        if entry.entry_reference is not None:
            _sub(element, "NtryRef", entry.entry_reference)
        _sub(element, "Amt", _amount(abs(entry.amount_cents)), Ccy=self.currency)
        credit = entry.amount_cents > 0
        _sub(element, "CdtDbtInd", "CRDT" if credit else "DBIT")
        if entry.reversal:
            _sub(element, "RvslInd", "true")
        if self.new:
            _path(element, "Sts/Cd", entry.status)
        else:
            _sub(element, "Sts", entry.status)
        self._date(element, "BookgDt", entry.booking_date, moment=self.shape == "ABNAMRO")
        if entry.value_date is not None:
            self._date(element, "ValDt", entry.value_date)
        if entry.account_servicer_reference is not None:
            _sub(element, "AcctSvcrRef", entry.account_servicer_reference)
        self._code(element, entry.code)
        transfers = () if entry.batch is not None and self.shape == "BNG" else entry.transfers
        if entry.batch is not None or transfers:
            details = _sub(element, "NtryDtls")
            if entry.batch is not None:
                batch = _sub(details, "Btch")
                for tag, value in (("MsgId", entry.batch.message_id),
                                   ("PmtInfId", entry.batch.payment_information_id)):
                    if value is not None:
                        _sub(batch, tag, value)
                if entry.batch.number_of_transactions is not None:
                    _sub(batch, "NbOfTxs", str(entry.batch.number_of_transactions))
                if entry.batch.total_cents is not None:
                    _sub(batch, "TtlAmt", _amount(entry.batch.total_cents), Ccy=self.currency)
                    _sub(batch, "CdtDbtInd", "CRDT" if credit else "DBIT")
            for transfer in transfers:
                self._transfer(_sub(details, "TxDtls"), transfer, credit)
        if entry.additional_info:
            _sub(element, "AddtlNtryInf", entry.additional_info)
        return element

    def _code(self, parent: etree._Element, code: BankCode) -> None:
        if not any((code.domain, code.family, code.sub_family, code.proprietary, code.issuer)):
            return
        holder = _sub(parent, "BkTxCd")
        if code.domain or code.family or code.sub_family:
            domain = _sub(holder, "Domn")
            _sub(domain, "Cd", code.domain or "")
            family = _sub(domain, "Fmly")
            _sub(family, "Cd", code.family or "")
            _sub(family, "SubFmlyCd", code.sub_family or "")
        if code.proprietary or code.issuer:
            own = _sub(holder, "Prtry")
            _sub(own, "Cd", code.proprietary or "")
            _sub(own, "Issr", code.issuer or ISSUERS[self.shape])

    def _transfer(self, details: etree._Element, transfer: Transfer, credit: bool) -> None:
        refs = _sub(details, "Refs")
        if transfer.message_id is not None:
            _sub(refs, "MsgId", transfer.message_id)
        if transfer.bank_reference is not None and self.shape != "ABNAMRO":
            _sub(refs, "AcctSvcrRef", transfer.bank_reference)
        if transfer.payment_information_id is not None:
            _sub(refs, "PmtInfId", transfer.payment_information_id)
        _sub(refs, "EndToEndId", transfer.end_to_end_id or "NOTPROVIDED")
        if transfer.bank_reference is not None and self.shape == "ABNAMRO":
            _sub(refs, "TxId", transfer.bank_reference)
        if transfer.amount_cents is not None:
            if self.new:
                _sub(details, "Amt", _amount(transfer.amount_cents), Ccy=self.currency)
                _sub(details, "CdtDbtInd", "CRDT" if credit else "DBIT")
            else:
                _path(details, "AmtDtls/TxAmt/Amt", _amount(transfer.amount_cents)).set("Ccy", self.currency)
        if transfer.counterparty_name is not None or transfer.counterparty_iban is not None:
            parties = _sub(details, "RltdPties")
            side = "Dbtr" if credit else "Cdtr"
            if transfer.counterparty_name is not None:
                _path(parties, f"{side}/Pty/Nm" if self.new else f"{side}/Nm", transfer.counterparty_name)
            if transfer.counterparty_iban is not None:
                _path(parties, f"{side}Acct/Id/IBAN", transfer.counterparty_iban)
        if transfer.remittance or transfer.structured_reference is not None:
            remittance = _sub(details, "RmtInf")
            if transfer.remittance:
                _sub(remittance, "Ustrd", transfer.remittance)
            if transfer.structured_reference is not None:
                reference = _path(remittance, "Strd/CdtrRefInf", "")
                reference.text = None
                kind = _sub(reference, "Tp")
                _path(kind, "CdOrPrtry/Cd", "SCOR")
                if transfer.reference_issuer is not None:
                    _sub(kind, "Issr", transfer.reference_issuer)
                _sub(reference, "Ref", transfer.structured_reference)
        original = transfer.original_end_to_end_id
        name_original = original is not None and (
            self.shape in ("BNG", "RABO") or original != transfer.end_to_end_id or transfer.return_reason is None
        )
        if transfer.return_reason is not None or name_original:
            returned = _sub(details, "RtrInf")
            if name_original and original is not None:
                _sub(returned, "OrgnlEndToEndId", original)
            if transfer.return_reason is not None:
                _path(returned, "Rsn/Cd", transfer.return_reason)


def write_statements(
    target: Target, statements: Iterable[Statement], *, shape: str = "ING", version: str | None = None,
    entries: Iterable[Entry] | None = None,
) -> None:
    """Write ``statements`` as one camt.053 (or camt.054, by ``version`` or the first statement's ``kind``) file in
    ``shape``. The group header comes from the first statement. ``entries``, when given, replaces the entries of a
    single statement (a generator keeps a 350,000-entry file out of memory)."""
    items = iter(statements)
    first = next(items, None)
    if first is None:
        raise ValueError("no statement to write")
    chosen = version or (first.kind if first.kind in STATEMENT_WRITE_VERSIONS else "camt.053.001.02")
    writer = _Writer(shape, chosen)
    notification = chosen.startswith("camt.054")
    namespace = NAMESPACE.format(chosen)
    with etree.xmlfile(target, encoding="UTF-8") as out:
        out.write_declaration()
        with out.element(f"{{{namespace}}}Document", nsmap={None: namespace}):
            out.write("\n")
            with out.element("BkToCstmrDbtCdtNtfctn" if notification else "BkToCstmrStmt"):
                out.write("\n", writer.header(first), "\n")
                statement: Statement | None = first
                while statement is not None:
                    with out.element("Ntfctn" if notification else "Stmt"):
                        out.write("\n")
                        for part in writer.statement_head(statement):
                            out.write(part, "\n")
                        for entry in statement.entries if entries is None else entries:
                            out.write(writer.entry(entry), "\n")
                    out.write("\n")
                    statement = next(items, None)
                    entries = None


def write_statement(
    target: Target, statement: Statement, *, shape: str = "ING", version: str | None = None,
    entries: Iterable[Entry] | None = None,
) -> None:
    """Write one statement; see :func:`write_statements`."""
    write_statements(target, [statement], shape=shape, version=version, entries=entries)


def statement_bytes(statement: Statement, *, shape: str = "ING", version: str | None = None) -> bytes:
    """The file :func:`write_statement` writes, as bytes (for tests and small files)."""
    buffer = io.BytesIO()
    write_statement(buffer, statement, shape=shape, version=version)
    return buffer.getvalue()


def _reason(parent: etree._Element, reason: str | None, info: str = "") -> None:
    if reason is None and not info:
        return
    holder = _sub(parent, "StsRsnInf")
    if reason is not None:
        _path(holder, "Rsn/Cd", reason)
    if info:
        _sub(holder, "AddtlInf", info)


def write_status_report(
    target: Target, report: StatusReport, version: str | None = None, *,
    original_message_name: str = "pain.001.001.09",
) -> None:
    """Write ``report`` as a pain.002 (``version`` .001.03 or .001.10; default the report's ``kind``)."""
    chosen = version or report.kind
    if chosen not in STATUS_WRITE_VERSIONS:
        raise ValueError(f"version {chosen!r}: one of {', '.join(STATUS_WRITE_VERSIONS)}")
    namespace = NAMESPACE.format(chosen)
    with etree.xmlfile(target, encoding="UTF-8") as out:
        out.write_declaration()
        with out.element(f"{{{namespace}}}Document", nsmap={None: namespace}), out.element("CstmrPmtStsRpt"):
            header = etree.Element("GrpHdr")
            _sub(header, "MsgId", report.message_id)
            if report.created_at is not None:
                _sub(header, "CreDtTm", report.created_at.isoformat())
            group = etree.Element("OrgnlGrpInfAndSts")
            _sub(group, "OrgnlMsgId", report.original_message_id)
            _sub(group, "OrgnlMsgNmId", original_message_name)
            if report.group_status is not None:
                _sub(group, "GrpSts", report.group_status)
            _reason(group, report.group_reason)
            out.write("\n", header, "\n", group, "\n")
            for block in report.payment_informations:
                element = etree.Element("OrgnlPmtInfAndSts")
                _sub(element, "OrgnlPmtInfId", block.original_payment_information_id)
                if block.status is not None:
                    _sub(element, "PmtInfSts", block.status)
                _reason(element, block.reason)
                for transfer in block.transfers:
                    item = _sub(element, "TxInfAndSts")
                    if transfer.original_instruction_id is not None:
                        _sub(item, "OrgnlInstrId", transfer.original_instruction_id)
                    if transfer.original_end_to_end_id is not None:
                        _sub(item, "OrgnlEndToEndId", transfer.original_end_to_end_id)
                    _sub(item, "TxSts", transfer.status)
                    _reason(item, transfer.reason, transfer.additional_info)
                out.write(element, "\n")


def status_report_bytes(report: StatusReport, version: str | None = None) -> bytes:
    """The file :func:`write_status_report` writes, as bytes."""
    buffer = io.BytesIO()
    write_status_report(buffer, report, version)
    return buffer.getvalue()
