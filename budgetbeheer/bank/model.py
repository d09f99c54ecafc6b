"""What the bank tells us, as read from its files: immutable values in cents, independent of the XML they came from.

The readers (:mod:`budgetbeheer.bank.camt` for camt.053/camt.054, :mod:`budgetbeheer.bank.pain002` for pain.002)
turn a file into these values; matching (:mod:`budgetbeheer.bank.matching`) and the import use case
(:mod:`budgetbeheer.bank.service`) only ever see these. Amounts are integer euro-cents; an entry's ``amount_cents`` is
signed from the managed account's point of view (credit, money in: positive; debit, money out: negative).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class BankCode:
    """The bank transaction code: the ISO domain/family/sub-family (``PMNT``/``ICDT``/``ESCT``) and/or a proprietary
    code with its issuer (``BkTxCd/Prtry``: issuer such as BNGBANK, INGGroup, ABNAMRO)."""

    domain: str | None = None
    family: str | None = None
    sub_family: str | None = None
    proprietary: str | None = None
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class Transfer:
    """One transaction inside an entry (``NtryDtls/TxDtls``)."""

    end_to_end_id: str | None = None
    """``Refs/EndToEndId`` (``NOTPROVIDED`` is read as None)."""
    amount_cents: int | None = None
    """``Amt`` (or ``AmtDtls/TxAmt``), unsigned; None when the bank gave none (the entry's amount then)."""
    counterparty_name: str | None = None
    """The other side: the creditor of a debit, the debtor of a credit (``RltdPties``)."""
    counterparty_iban: str | None = None
    remittance: str = ""
    """Free text: every ``RmtInf/Ustrd`` joined by a space (no length limit: banks break the XSD's 140)."""
    structured_reference: str | None = None
    """``RmtInf/Strd/CdtrRefInf/Ref`` (a betalingskenmerk with issuer CUR, or an ISO 11649 RF reference)."""
    reference_issuer: str | None = None
    """``CdtrRefInf/Tp/Issr`` or the SCOR code's issuer: ``CUR``, ``ISO``, ..."""
    bank_reference: str | None = None
    """``Refs/AcctSvcrRef`` or ``Refs/TxId``: the bank's own reference of this transaction."""
    message_id: str | None = None
    """``Refs/MsgId``: for our own payments the pain.001 ``MsgId``."""
    payment_information_id: str | None = None
    """``Refs/PmtInfId``: for our own payments the pain.001 payment-information block."""
    return_reason: str | None = None
    """``RtrInf/Rsn/Cd``: this transaction is a return (or a reversal) for this ISO reason code (AC04, MD07, ...)."""
    original_end_to_end_id: str | None = None
    """For a return: the EndToEndId of the payment that came back (``RtrInf/OrgnlEndToEndId`` or, as most Dutch banks
    give it, ``Refs/EndToEndId`` of the return itself)."""


@dataclass(frozen=True, slots=True)
class BatchBooking:
    """``NtryDtls/Btch``: the bank booked a whole payment-information block as one entry (BNG's way)."""

    payment_information_id: str | None
    message_id: str | None
    number_of_transactions: int | None
    total_cents: int | None
    """``TtlAmt``, unsigned; None when not given."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One ``Ntry`` of a statement."""

    amount_cents: int
    """Signed: credit (``CdtDbtInd`` CRDT) positive, debit negative. A reversal (``RvslInd`` true) keeps the sign
    the bank booked it with."""
    booking_date: date
    """``BookgDt`` (a date-time there, as ABN AMRO gives it, is read as its date)."""
    value_date: date | None
    reversal: bool
    """``RvslInd``: this entry undoes an earlier entry (the bank's correction)."""
    status: str
    """``Sts`` (``BOOK``; camt.053.001.08 ``Sts/Cd``)."""
    code: BankCode
    entry_reference: str | None
    """``NtryRef``."""
    account_servicer_reference: str | None
    """``AcctSvcrRef``: the bank's unique reference of the entry."""
    additional_info: str
    """``AddtlNtryInf`` ('' when absent); some banks put the remittance text only here."""
    batch: BatchBooking | None
    transfers: tuple[Transfer, ...]
    """``TxDtls``, in file order; empty for a batch booked as one entry without details. Of a debit with several
    (ING's batch with a ``TxDtls`` per payment) the first is read in full, the others for their EndToEndId and
    amount only: what settling our payments needs, at 10,000 transfers an entry."""

    @property
    def is_credit(self) -> bool:
        return self.amount_cents > 0


@dataclass(frozen=True, slots=True)
class Statement:
    """One ``Stmt`` (camt.053) or ``Ntfctn`` (camt.054) for one account."""

    kind: str
    """``camt.053.001.02``, ``camt.053.001.08``, ``camt.054.001.02``, ... (the namespace's message version)."""
    message_id: str
    """``GrpHdr/MsgId``."""
    statement_id: str
    """``Stmt/Id``."""
    sequence_number: int | None
    """``ElctrncSeqNb`` (or ``LglSeqNb`` when that is all there is)."""
    created_at: datetime | None
    account_iban: str
    """``Acct/Id/IBAN``, compact and upper case."""
    currency: str
    """``Acct/Ccy`` (else the balances' and amounts' ``Ccy``)."""
    from_date: date | None
    to_date: date | None
    opening_balance_cents: int | None
    """``Bal`` with code OPBD (or PRCD), signed (DBIT negative)."""
    closing_balance_cents: int | None
    """``Bal`` with code CLBD, signed."""
    closing_date: date | None
    """The closing balance's ``Dt``."""
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class TransferStatus:
    """``OrgnlPmtInfAndSts/TxInfAndSts``: the bank's verdict on one transfer of a pain.001 we sent."""

    original_end_to_end_id: str | None
    original_instruction_id: str | None
    status: str
    """``TxSts``: ACCP, ACSC, ACTC, RJCT, PDNG, ..."""
    reason: str | None
    """``StsRsnInf/Rsn/Cd`` (AC01, AC04, AM04, ...)."""
    additional_info: str = ""


@dataclass(frozen=True, slots=True)
class PaymentInformationStatus:
    """``OrgnlPmtInfAndSts``: the verdict on one payment-information block (and its transfers, when given)."""

    original_payment_information_id: str
    status: str | None
    """``PmtInfSts``; None when only transfers carry a status."""
    reason: str | None
    transfers: tuple[TransferStatus, ...]


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A pain.002 payment status report."""

    kind: str
    """``pain.002.001.03`` or ``pain.002.001.10``."""
    message_id: str
    created_at: datetime | None
    original_message_id: str
    """``OrgnlGrpInfAndSts/OrgnlMsgId``: the pain.001 ``MsgId`` it answers."""
    group_status: str | None
    """``GrpSts``: ACCP, ACTC, RJCT, PART, ... (RJCT: every transfer of the file is rejected)."""
    group_reason: str | None
    payment_informations: tuple[PaymentInformationStatus, ...]
