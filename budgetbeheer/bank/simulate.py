"""A simulated bank: the statement a bank would send for the pain.001 files we gave it, plus the money that came in.

It reads our own pain.001 files as the bank does (every ``PmtInf`` block with its ``PmtInfId``, ``NbOfTxs`` and
transfers) and books each block as one debit entry: in the BNG shape with ``NtryDtls/Btch`` only, in the other shapes
with a ``TxDtls`` per transfer (see :mod:`budgetbeheer.bank.statement_writer`). Transfers named in ``returns`` come
back as credit entries with ``RtrInf`` (the reason code, the original EndToEndId) a few days later; ``credits`` are
the income that arrived. The closing balance is the opening balance plus every entry, so a complete import leaves no
difference with the books.

Pure: bytes and values in, a :class:`~budgetbeheer.bank.model.Statement` out. Used by ``budgetbeheer demo
--bank-statement FILE``, the integration tests and the benchmark.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from budgetbeheer.bank import xmlsafe
from budgetbeheer.bank.model import BankCode, BatchBooking, Entry, Statement, Transfer

OUTGOING = BankCode(domain="PMNT", family="ICDT", sub_family="ESCT")
INCOMING = BankCode(domain="PMNT", family="RCDT", sub_family="ESCT")
RETURNED = BankCode(domain="PMNT", family="ICDT", sub_family="RRTN")


@dataclass(frozen=True, slots=True)
class SentTransfer:
    """One transfer of a pain.001 file, as the bank reads it."""

    end_to_end_id: str
    amount_cents: int
    creditor_name: str
    creditor_iban: str
    remittance: str
    structured_reference: str | None


@dataclass(frozen=True, slots=True)
class SentBlock:
    """One payment-information block of a pain.001 file."""

    message_id: str
    payment_information_id: str
    execution_date: date
    transfers: tuple[SentTransfer, ...]

    @property
    def total_cents(self) -> int:
        return sum(t.amount_cents for t in self.transfers)


@dataclass(frozen=True, slots=True)
class Credit:
    """Money that came in: from ``payer_name`` (``payer_iban``) on ``booking_date``, with ``remittance``."""

    amount_cents: int
    booking_date: date
    payer_name: str
    payer_iban: str
    remittance: str = ""
    end_to_end_id: str | None = None


def _cents(text: str) -> int:
    return int((Decimal(text.strip()) * 100).to_integral_value())


def read_pain001(content: bytes) -> Iterator[SentBlock]:
    """The blocks of one of our pain.001 files (.03 or .09), read safely."""
    document = xmlsafe.open_xml(content, name="pain.001")
    message_id = ""
    for element in xmlsafe.iterparse(document, ("MsgId", "PmtInf")):
        local = xmlsafe.local(element)
        if local == "MsgId" and not message_id:
            message_id = (element.text or "").strip()
            continue
        if local != "PmtInf":
            continue
        block = _block(element, message_id)
        xmlsafe.release(element)
        yield block


def _text(node: etree._Element, path: str) -> str:
    found = node.find(path)
    return (found.text or "").strip() if found is not None else ""


def _block(element: etree._Element, message_id: str) -> SentBlock:
    tag = str(element.tag)
    ns = tag.split("}", 1)[0] + "}" if tag.startswith("{") else ""

    def q(path: str) -> str:
        return "/".join(f"{ns}{step}" for step in path.split("/"))

    executed = _text(element, q("ReqdExctnDt/Dt")) or _text(element, q("ReqdExctnDt"))
    transfers = tuple(
        SentTransfer(
            end_to_end_id=_text(tx, q("PmtId/EndToEndId")),
            amount_cents=_cents(_text(tx, q("Amt/InstdAmt"))),
            creditor_name=_text(tx, q("Cdtr/Nm")),
            creditor_iban=_text(tx, q("CdtrAcct/Id/IBAN")),
            remittance=_text(tx, q("RmtInf/Ustrd")),
            structured_reference=_text(tx, q("RmtInf/Strd/CdtrRefInf/Ref")) or None,
        )
        for tx in element.iterfind(q("CdtTrfTxInf"))
    )
    return SentBlock(message_id=message_id, payment_information_id=_text(element, q("PmtInfId")),
                     execution_date=date.fromisoformat(executed[:10]), transfers=transfers)


def debit_entries(blocks: Iterable[SentBlock], *, shape: str, with_batch: bool = True) -> Iterator[Entry]:
    """One debit entry per block, booked on its execution date (BNG: ``Btch`` and no transfers)."""
    for block in blocks:
        batch = BatchBooking(payment_information_id=block.payment_information_id, message_id=block.message_id,
                             number_of_transactions=len(block.transfers), total_cents=block.total_cents)
        transfers = () if shape == "BNG" else tuple(
            Transfer(end_to_end_id=t.end_to_end_id, amount_cents=t.amount_cents, counterparty_name=t.creditor_name,
                     counterparty_iban=t.creditor_iban, remittance=t.remittance,
                     structured_reference=t.structured_reference,
                     reference_issuer="CUR" if t.structured_reference else None,
                     message_id=block.message_id, payment_information_id=block.payment_information_id)
            for t in block.transfers
        )
        yield Entry(amount_cents=-block.total_cents, booking_date=block.execution_date,
                    value_date=block.execution_date, reversal=False, status="BOOK", code=OUTGOING,
                    entry_reference=block.payment_information_id, account_servicer_reference=None,
                    additional_info="", batch=batch if with_batch or shape == "BNG" else None, transfers=transfers)


def return_entries(blocks: Iterable[SentBlock], returns: Mapping[str, str], *, days_later: int = 3) -> Iterator[Entry]:
    """A credit entry with ``RtrInf`` for every transfer whose EndToEndId is in ``returns`` (→ its reason code)."""
    for block in blocks:
        for transfer in block.transfers:
            reason = returns.get(transfer.end_to_end_id)
            if reason is None:
                continue
            booked = date.fromordinal(block.execution_date.toordinal() + days_later)
            yield Entry(
                amount_cents=transfer.amount_cents, booking_date=booked, value_date=booked, reversal=False,
                status="BOOK", code=RETURNED, entry_reference=None, account_servicer_reference=None,
                additional_info=f"Retour {reason}", batch=None,
                transfers=(Transfer(end_to_end_id=transfer.end_to_end_id, amount_cents=transfer.amount_cents,
                                    counterparty_name=transfer.creditor_name,
                                    counterparty_iban=transfer.creditor_iban, remittance=transfer.remittance,
                                    return_reason=reason, original_end_to_end_id=transfer.end_to_end_id),),
            )


def credit_entries(credits: Iterable[Credit]) -> Iterator[Entry]:
    for credit in credits:
        yield Entry(
            amount_cents=credit.amount_cents, booking_date=credit.booking_date, value_date=credit.booking_date,
            reversal=False, status="BOOK", code=INCOMING, entry_reference=None, account_servicer_reference=None,
            additional_info="", batch=None,
            transfers=(Transfer(end_to_end_id=credit.end_to_end_id, amount_cents=credit.amount_cents,
                                counterparty_name=credit.payer_name, counterparty_iban=credit.payer_iban,
                                remittance=credit.remittance),),
        )


def statement(
    pain001_files: Sequence[bytes],
    *,
    account_iban: str,
    opening_balance_cents: int,
    credits: Sequence[Credit] = (),
    returns: Mapping[str, str] | None = None,
    shape: str = "ING",
    statement_id: str = "SIM-1",
    sequence_number: int = 1,
    kind: str = "camt.053.001.02",
) -> Statement:
    """The statement for ``pain001_files`` (each block one debit entry), ``returns`` and ``credits``, entries in
    booking order, from the first to the last booking day."""
    blocks = [block for content in pain001_files for block in read_pain001(content)]
    entries = sorted(
        [*debit_entries(blocks, shape=shape), *return_entries(blocks, returns or {}), *credit_entries(credits)],
        key=lambda entry: entry.booking_date,
    )
    days = [entry.booking_date for entry in entries]
    first, last = (min(days), max(days)) if days else (None, None)
    return Statement(
        kind=kind, message_id=f"{statement_id}-MSG", statement_id=statement_id, sequence_number=sequence_number,
        created_at=None, account_iban="".join(account_iban.split()).upper(), currency="EUR", from_date=first,
        to_date=last, opening_balance_cents=opening_balance_cents,
        closing_balance_cents=opening_balance_cents + sum(entry.amount_cents for entry in entries),
        closing_date=last, entries=tuple(entries),
    )
