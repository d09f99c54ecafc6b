"""Reading camt.053 statements (and camt.054 notifications) as :class:`~budgetbeheer.bank.model.Statement` values.

Read by structure, not by the XSD (real Dutch statements break it: a 173-character ``Ustrd``, a 49-character
``PmtInfId``, a date-time as booking date); elements are found by local name in any namespace. The file is streamed
(:func:`budgetbeheer.bank.xmlsafe.iterparse`) and every entry is freed once it has been read. ``docs/bank.md``
("Reading bank files") says what is read from where.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from lxml import etree

from budgetbeheer.bank.model import BankCode, BatchBooking, Entry, Statement, Transfer
from budgetbeheer.bank.xmlsafe import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    Source,
    iterparse,
    local,
    open_documents,
    refuse,
    release,
)
from budgetbeheer.errors import Message

STATEMENT_VERSIONS = frozenset({"camt.053.001.02", "camt.053.001.08", "camt.054.001.02", "camt.054.001.08"})
MESSAGE_NAMES = {
    "camt.052": "tussentijds rekeningoverzicht (camt.052)",
    "camt.053": "rekeningafschrift (camt.053)",
    "camt.054": "bij- en afschrijvingsbericht (camt.054)",
    "camt.056": "verzoek tot terugboeking (camt.056)",
    "pain.001": "betaalopdracht (pain.001)",
    "pain.002": "statusrapport van betalingen (pain.002)",
    "pain.008": "incasso-opdracht (pain.008)",
    "pacs.002": "statusbericht tussen banken (pacs.002)",
    "pacs.004": "terugboeking tussen banken (pacs.004)",
    "pacs.008": "overboeking tussen banken (pacs.008)",
}
NOT_PROVIDED = "NOTPROVIDED"
Where = Message | str
_AMOUNT = re.compile(r"(-?)(\d+)(?:\.(\d+))?")


@cache
def _p(path: str) -> str:
    """``Refs/EndToEndId`` → ``{*}Refs/{*}EndToEndId``: a path of local names in any namespace."""
    return "/".join(f"{{*}}{step}" for step in path.split("/"))


def text(element: etree._Element | None, path: str) -> str | None:
    """The stripped text at ``path`` (local names), None when absent or empty."""
    if element is None:
        return None
    value = element.findtext(_p(path))
    if value is None:
        return None
    value = value.strip()
    return value or None


def _interned(value: str | None) -> str | None:
    return sys.intern(value) if value is not None else None


def cents(element: etree._Element | None, where: Where, name: str) -> int | None:
    """An ``Amt`` element's value in integer cents, exactly (no float): refused when negative, not a number, or with
    cents of a cent (``12.500`` is 12.50; ``12.505`` is refused)."""
    if element is None:
        return None
    raw = (element.text or "").strip()
    found = _AMOUNT.fullmatch(raw)
    if not found:
        raise refuse("Het bedrag %(amount)s in %(where)s van %(name)s is geen bedrag.", amount=raw, where=where,
                     name=name)
    sign, whole, fraction = found.group(1), found.group(2), found.group(3) or ""
    if sign:
        raise refuse("Het bedrag %(amount)s in %(where)s van %(name)s is negatief; een bankbestand geeft bedragen "
                     "zonder teken, met CRDT of DBIT.", amount=raw, where=where, name=name)
    if fraction[2:].strip("0"):
        raise refuse("Het bedrag %(amount)s in %(where)s van %(name)s heeft meer dan twee decimalen.", amount=raw,
                     where=where, name=name)
    return int(whole) * 100 + int((fraction[:2]).ljust(2, "0"))


def parse_datetime(value: str | None, where: Where, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise refuse("De datum %(value)s in %(where)s van %(name)s is geen datum.", value=value, where=where,
                     name=name) from error


def _date(element: etree._Element | None, path: str, where: Where, name: str) -> date | None:
    """``path/Dt`` or ``path/DtTm`` (as its date), None when neither is there."""
    if element is None:
        return None
    day = text(element, f"{path}/Dt")
    if day is not None:
        try:
            return date.fromisoformat(day[:10])
        except ValueError as error:
            raise refuse("De datum %(value)s in %(where)s van %(name)s is geen datum.", value=day, where=where,
                         name=name) from error
    moment = parse_datetime(text(element, f"{path}/DtTm"), where, name)
    return moment.date() if moment else None


Found = dict[str, list[etree._Element]]
_LOCAL_NAMES: dict[object, str] = {}


def _local(element: etree._Element) -> str:
    """The element's local name (cached per tag: a statement has a few dozen distinct tags)."""
    tag = element.tag
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = _LOCAL_NAMES[tag] = tag[tag.find("}") + 1:] if isinstance(tag, str) else ""
    return name
Wanted = dict[str, tuple[str, "Wanted"]]
"""The paths a reader reads, as a tree of local names: name → (its path, the wanted names under it)."""


def wanted(*paths: str) -> Wanted:
    """The tree of ``paths`` (``Refs/EndToEndId``, ...) for :func:`index`: every prefix of a path is walked, and a
    path listed as ``Name/`` is listed but not entered."""
    tree: Wanted = {}
    for full in paths:
        node = tree
        steps = full.rstrip("/").split("/")
        for depth, step in enumerate(steps):
            path = "/".join(steps[:depth + 1])
            if step not in node:
                node[step] = (path, {})
            node = node[step][1]
    return tree


ENTRY_PATHS = wanted(
    "Amt", "CdtDbtInd", "ValDt/Dt", "ValDt/DtTm", "BookgDt/Dt", "BookgDt/DtTm", "RvslInd", "Sts/Cd", "NtryRef",
    "AcctSvcrRef", "AddtlNtryInf", "BkTxCd/Domn/Cd", "BkTxCd/Domn/Fmly/Cd", "BkTxCd/Domn/Fmly/SubFmlyCd",
    "BkTxCd/Prtry/Cd", "BkTxCd/Prtry/Issr", "NtryDtls/Btch/NbOfTxs", "NtryDtls/Btch/PmtInfId",
    "NtryDtls/Btch/MsgId", "NtryDtls/Btch/TtlAmt", "NtryDtls/TxDtls/",
)
"""What an entry is read for (its transfers, ``NtryDtls/TxDtls``, are listed, each read on its own)."""
TRANSFER_PATHS = wanted(
    "Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt", "Refs/EndToEndId", "Refs/AcctSvcrRef", "Refs/TxId",
    "Refs/MsgId", "Refs/PmtInfId", "RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry", "RtrInf/OrgnlEndToEndId",
    *(f"RltdPties/{side}{path}" for side in ("Dbtr", "Cdtr") for path in ("/Nm", "/Pty/Nm", "Acct/Id/IBAN")),
    "RmtInf/Ustrd", "RmtInf/Strd/CdtrRefInf/Ref", "RmtInf/Strd/CdtrRefInf/Tp/Issr",
    "RmtInf/Strd/CdtrRefInf/Tp/CdOrPrtry/Issr",
)
"""What a transfer (``TxDtls``) is read for."""
REFERENCE_PATHS = wanted("Refs/EndToEndId", "Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")
"""What a further transfer of a debit booked as one entry is read for (what settling our payments needs)."""


def index(root: etree._Element, paths: Wanted) -> Found:
    """The elements under ``root`` at the wanted ``paths`` (of local names: ``Refs/EndToEndId``), each path's in
    document order. One pass that enters only what is wanted: far cheaper than a ``find`` per field on 350,000
    entries, and than walking every element of a subtree."""
    found: Found = {}
    queue: list[tuple[etree._Element, Wanted]] = [(root, paths)]
    names = _LOCAL_NAMES
    position = 0
    while position < len(queue):
        element, node = queue[position]
        position += 1
        for child in element.iterchildren(etree.Element):  # elements only (no comments), picked in C
            tag = child.tag
            local_name = names.get(tag)
            if local_name is None:
                local_name = names[tag] = _local(child)
            step = node.get(local_name)
            if step is None:
                continue
            path, below = step
            same = found.get(path)
            if same is None:
                found[path] = [child]
            else:
                same.append(child)
            if below:
                queue.append((child, below))
    return found


def first(found: Found, path: str) -> etree._Element | None:
    same = found.get(path)
    return same[0] if same else None


def found_text(found: Found, path: str) -> str | None:
    """The stripped text of the first element at ``path``, None when absent or empty."""
    same = found.get(path)
    if not same:
        return None
    value = same[0].text
    if value is None:
        return None
    value = value.strip()
    return value or None


def _found_date(found: Found, path: str, where: Where, name: str) -> date | None:
    day = found_text(found, path + "/Dt")
    if day is not None:
        try:
            return date.fromisoformat(day[:10])
        except ValueError as error:
            raise refuse("De datum %(value)s in %(where)s van %(name)s is geen datum.", value=day, where=where,
                         name=name) from error
    moment = parse_datetime(found_text(found, path + "/DtTm"), where, name)
    return moment.date() if moment else None


def _iban(value: str | None) -> str | None:
    return sys.intern("".join(value.split()).upper()) if value else None


def message_name(kind: str) -> Message:
    """A reader's words for a message type: ``pain.001.001.09`` → ``betaalopdracht (pain.001), versie 001.09``."""
    base = kind[:8]
    described = Message(MESSAGE_NAMES[base]) if base in MESSAGE_NAMES else Message("%(type)s-bericht", type=base)
    return Message("%(what)s, versie %(version)s", what=described, version=kind[9:])


def check_message(document: Document, wanted: Message, versions: frozenset[str]) -> str:
    """The message type of ``document`` when it is one of ``versions``; refused (naming what it is) otherwise.
    ``wanted`` is the Dutch name of what was expected."""
    kind = document.root.message_type
    if kind is None:
        raise refuse("Het bestand %(name)s is geen %(wanted)s: het is geen ISO 20022-bericht (hoofdelement "
                     "%(root)s, namespace %(namespace)s).", name=document.name, wanted=wanted,
                     root=document.root.local_name, namespace=document.root.namespace or Message("geen"))
    if kind in versions:
        return kind
    if any(version.startswith(kind[:8]) for version in versions):
        raise refuse("Het bestand %(name)s is een %(kind)s; die versie wordt niet gelezen (wel: %(versions)s).",
                     name=document.name, kind=message_name(kind), versions=", ".join(sorted(versions)))
    raise refuse("Het bestand %(name)s is geen %(wanted)s maar een %(kind)s.", name=document.name, wanted=wanted,
                 kind=message_name(kind))


@dataclass(slots=True)
class _Header:
    statement_id: str
    sequence_number: int | None
    created_at: datetime | None
    account_iban: str
    currency: str | None
    from_date: date | None
    to_date: date | None
    opening: int | None
    closing: int | None
    closing_date: date | None


@dataclass(slots=True)
class _Reader:
    document: Document
    kind: str
    message_id: str | None = None
    created_at: datetime | None = None
    header: _Header | None = None
    entries: list[Entry] = field(default_factory=list)
    codes: dict[tuple[str | None, ...], BankCode] = field(default_factory=dict)
    count: int = 0

    def read(self) -> Iterator[Statement]:
        for element in iterparse(self.document, ("GrpHdr", "Stmt", "Ntfctn", "Ntry")):
            name = local(element)
            if name == "Ntry":
                parent = element.getparent()
                if self.header is None and parent is not None:
                    self.header = self._header(parent)
                self.entries.append(self._entry(element, len(self.entries) + 1))
                release(element)
            elif name == "GrpHdr":
                self.message_id = text(element, "MsgId")
                self.created_at = parse_datetime(text(element, "CreDtTm"), "GrpHdr", self.document.name)
                release(element)
            else:
                yield self._statement(element)
                release(element)
        if not self.count:
            raise refuse("Het bestand %(name)s bevat geen afschrift (Stmt of Ntfctn).", name=self.document.name)

    def _where(self) -> Message:
        if self.header is None:
            return Message("het afschrift")
        return Message("afschrift %(statement)s", statement=self.header.statement_id)

    def _header(self, statement: etree._Element) -> _Header:
        name = self.document.name
        statement_id = text(statement, "Id")
        if statement_id is None:
            raise refuse("Een afschrift in %(name)s heeft geen Id.", name=name)
        where = Message("afschrift %(statement)s", statement=statement_id)
        iban = _iban(text(statement, "Acct/Id/IBAN"))
        if iban is None:
            raise refuse("In %(name)s noemt %(where)s geen IBAN van de rekening (Acct/Id/IBAN).", where=where,
                         name=name)
        sequence = text(statement, "ElctrncSeqNb") or text(statement, "LglSeqNb")
        if sequence is not None and not sequence.isdigit():
            raise refuse("Het volgnummer %(value)s van %(where)s in %(name)s is geen getal.", value=sequence,
                         where=where, name=name)
        currency = text(statement, "Acct/Ccy")
        opening = closing = None
        closing_date = None
        for balance in statement.iterfind(_p("Bal")):
            code = text(balance, "Tp/CdOrPrtry/Cd") or text(balance, "Tp/CdOrPrtry/Prtry")
            amount_element = balance.find(_p("Amt"))
            amount = cents(amount_element, Message("saldo %(code)s van %(of)s", code=code or "", of=where), name)
            if amount is None:
                continue
            if currency is None and amount_element is not None:
                currency = amount_element.get("Ccy")
            signed = -amount if text(balance, "CdtDbtInd") == "DBIT" else amount
            if code == "OPBD" or (code == "PRCD" and opening is None):
                opening = signed
            elif code == "CLBD":
                closing, closing_date = signed, _date(
                    balance, "Dt", Message("saldo %(code)s van %(of)s", code="CLBD", of=where), name
                )
        from_to = statement.find(_p("FrToDt"))
        start = parse_datetime(text(from_to, "FrDtTm"), where, name)
        end = parse_datetime(text(from_to, "ToDtTm"), where, name)
        return _Header(
            statement_id, int(sequence) if sequence else None,
            parse_datetime(text(statement, "CreDtTm"), where, name) or self.created_at,
            iban, currency, start.date() if start else None, end.date() if end else None, opening, closing,
            closing_date,
        )

    def _statement(self, element: etree._Element) -> Statement:
        header = self.header or self._header(element)
        if self.message_id is None:
            raise refuse("Het bestand %(name)s heeft geen berichtnummer (GrpHdr/MsgId).", name=self.document.name)
        entries, self.entries, self.header = tuple(self.entries), [], None
        self.count += 1
        return Statement(
            kind=self.kind, message_id=self.message_id, statement_id=header.statement_id,
            sequence_number=header.sequence_number, created_at=header.created_at, account_iban=header.account_iban,
            currency=header.currency or "EUR", from_date=header.from_date, to_date=header.to_date,
            opening_balance_cents=header.opening, closing_balance_cents=header.closing,
            closing_date=header.closing_date, entries=entries,
        )

    def _currency(self, amount: etree._Element | None, where: Message) -> None:
        if amount is None or self.header is None:
            return
        currency = amount.get("Ccy")
        if currency is None:
            return
        if self.header.currency is None:
            self.header.currency = currency
        elif currency != self.header.currency:
            raise refuse("In %(name)s is %(where)s in %(currency)s, de rekening in %(account)s.", where=where,
                         currency=currency, account=self.header.currency, name=self.document.name)

    def _entry(self, element: etree._Element, number: int) -> Entry:
        name = self.document.name
        where = Message("post %(number)s van %(of)s", number=number, of=self._where())
        found = index(element, ENTRY_PATHS)
        amount_element = first(found, "Amt")
        amount = cents(amount_element, where, name)
        if amount is None:
            raise refuse("In %(name)s heeft %(where)s geen bedrag.", where=where, name=name)
        self._currency(amount_element, where)
        indicator = found_text(found, "CdtDbtInd")
        if indicator not in ("CRDT", "DBIT"):
            raise refuse("In %(name)s is %(where)s geen bij- of afschrijving (CdtDbtInd %(value)s).", where=where,
                         name=name, value=indicator or Message("ontbreekt"))
        value_date = _found_date(found, "ValDt", where, name)
        booking = _found_date(found, "BookgDt", where, name) or value_date
        if booking is None:
            raise refuse("In %(name)s heeft %(where)s geen boekdatum.", where=where, name=name)
        credit = indicator == "CRDT"
        return Entry(
            amount_cents=amount if credit else -amount,
            booking_date=booking,
            value_date=value_date,
            reversal=(found_text(found, "RvslInd") or "").lower() in ("true", "1"),
            status=_interned(found_text(found, "Sts/Cd") or found_text(found, "Sts")) or "",
            code=self._code(found),
            entry_reference=found_text(found, "NtryRef"),
            account_servicer_reference=found_text(found, "AcctSvcrRef"),
            additional_info=found_text(found, "AddtlNtryInf") or "",
            batch=self._batch(found, where) if "NtryDtls/Btch" in found else None,
            transfers=tuple(
                self._transfer(detail, credit, Message("transactie %(number)s van %(of)s", number=count, of=where))
                if count == 1 or credit else
                self._reference(detail, Message("transactie %(number)s van %(of)s", number=count, of=where))
                for count, detail in enumerate(found.get("NtryDtls/TxDtls", ()), 1)
            ),
        )

    def _code(self, found: Found) -> BankCode:
        key = (
            found_text(found, "BkTxCd/Domn/Cd"), found_text(found, "BkTxCd/Domn/Fmly/Cd"),
            found_text(found, "BkTxCd/Domn/Fmly/SubFmlyCd"), found_text(found, "BkTxCd/Prtry/Cd"),
            found_text(found, "BkTxCd/Prtry/Issr"),
        )
        code = self.codes.get(key)
        if code is None:
            code = self.codes[key] = BankCode(*key)
        return code

    def _batch(self, found: Found, where: Message) -> BatchBooking:
        count = found_text(found, "NtryDtls/Btch/NbOfTxs")
        if count is not None and not count.isdigit():
            raise refuse("Het aantal transacties %(value)s in %(where)s van %(name)s is geen getal.", value=count,
                         where=where, name=self.document.name)
        return BatchBooking(
            payment_information_id=found_text(found, "NtryDtls/Btch/PmtInfId"),
            message_id=found_text(found, "NtryDtls/Btch/MsgId"),
            number_of_transactions=int(count) if count else None,
            total_cents=cents(first(found, "NtryDtls/Btch/TtlAmt"), Message("Btch van %(of)s", of=where),
                              self.document.name),
        )

    def _reference(self, element: etree._Element, where: Message) -> Transfer:
        """A further transfer of a debit booked as one entry (ING's batch with a ``TxDtls`` per payment, 10,000 in
        one entry): what settling our payments needs, its EndToEndId and amount, walking only the paths to them
        (the first transfer is read in full: the line shows it)."""
        found = index(element, REFERENCE_PATHS)
        amounts = found.get("Amt") or found.get("AmtDtls/TxAmt/Amt") or found.get("AmtDtls/InstdAmt/Amt")
        end_to_end = found_text(found, "Refs/EndToEndId")
        return Transfer(end_to_end_id=None if end_to_end == NOT_PROVIDED else end_to_end,
                        amount_cents=cents(amounts[0] if amounts else None, where, self.document.name))

    def _transfer(self, element: etree._Element, credit: bool, where: Message) -> Transfer:
        found = index(element, TRANSFER_PATHS)
        amounts = found.get("Amt") or found.get("AmtDtls/TxAmt/Amt") or found.get("AmtDtls/InstdAmt/Amt")
        amount_element = amounts[0] if amounts else None
        side = "RltdPties/Dbtr" if credit else "RltdPties/Cdtr"
        end_to_end = found_text(found, "Refs/EndToEndId")
        if end_to_end == NOT_PROVIDED:
            end_to_end = None
        return_reason = found_text(found, "RtrInf/Rsn/Cd") or found_text(found, "RtrInf/Rsn/Prtry")
        original = found_text(found, "RtrInf/OrgnlEndToEndId")
        if original == NOT_PROVIDED:
            original = None
        if original is None and return_reason is not None:
            original = end_to_end
        reference = "RmtInf/Strd/CdtrRefInf/"
        return Transfer(
            end_to_end_id=end_to_end,
            amount_cents=cents(amount_element, where, self.document.name),
            counterparty_name=_interned(found_text(found, f"{side}/Nm") or found_text(found, f"{side}/Pty/Nm")),
            counterparty_iban=_iban(found_text(found, f"{side}Acct/Id/IBAN")),
            remittance=" ".join(
                value for line in found.get("RmtInf/Ustrd", ()) if (value := (line.text or "").strip())
            ),
            structured_reference=found_text(found, reference + "Ref"),
            reference_issuer=_interned(
                found_text(found, reference + "Tp/Issr") or found_text(found, reference + "Tp/CdOrPrtry/Issr")
            ),
            bank_reference=found_text(found, "Refs/AcctSvcrRef") or found_text(found, "Refs/TxId"),
            message_id=found_text(found, "Refs/MsgId"),
            payment_information_id=found_text(found, "Refs/PmtInfId"),
            return_reason=_interned(return_reason),
            original_end_to_end_id=original,
        )


def read_statements(source: Source, limits: Limits = DEFAULT_LIMITS) -> Iterator[Statement]:
    """Every statement in ``source`` (one camt.053/camt.054 file, or a zip of several), in file order.

    Refused (:class:`~budgetbeheer.errors.ValidationError` on ``file``): not XML, a DOCTYPE, too large, another
    message type (named), an unknown version, a negative amount, an amount with cents of a cent, a statement without
    the account's IBAN, an entry in another currency than the account. A refusal can come after earlier statements
    were yielded: read the whole source before writing anything (``list(read_statements(...))``)."""
    for document in open_documents(source, limits):
        kind = check_message(document, Message("rekeningafschrift (camt.053)"), STATEMENT_VERSIONS)
        yield from _Reader(document, kind).read()
