"""Matching a statement's entries to the books (see ``docs/bank.md``, "Matching and reconciliation").

1. A debit settles our payments: by the EndToEndIds of its transfers (ING, ABN AMRO, Rabobank), or a whole
   payment-information block by its ``PmtInfId`` when the count and the total agree (BNG's one entry per block). The
   payments go in transit → bank on the booking date (:func:`budgetbeheer.payments.batches.settle_items`); a batch
   with nothing left to execute is settled.
2. A credit with return information finds its payment by the original EndToEndId and returns it
   (:func:`budgetbeheer.payments.batches.return_item`: back to the household, or the IBAN held for a wrong or closed
   account).
3. A credit confirms a receipt already booked through the API or a CSV (same amount, booked within
   :data:`RECEIPT_WINDOW_DAYS` days, not yet confirmed by another line; the household's number in the text decides
   between several), or is booked to the household whose number the remittance names (``klantnummer 123``), or to
   the one household whose matching rules it meets (:mod:`budgetbeheer.bank.rules`: payer IBAN, words, tolerance).
4. Everything else waits in the queue: booked bank ↔ unmatched, so the books follow the bank, with the reason.

Entries are handled debits first, so a return in the same statement as its payment finds the payment settled.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.bank import reversal, xmlsafe
from budgetbeheer.bank.events import MoneyForEndedHousehold
from budgetbeheer.bank.model import Entry, Transfer
from budgetbeheer.bank.rules import RuleBook
from budgetbeheer.db.base import table_of
from budgetbeheer.db.bulk_write import id_in, in_chunks, insert_rows, next_ids
from budgetbeheer.errors import BudgetbeheerError, Message
from budgetbeheer.events import Event, publish
from budgetbeheer.households.receipts import Booked, ReceiptInput, book_receipts_in_bulk
from budgetbeheer.ledger.models import Posting, Transaction
from budgetbeheer.ledger.service import BANK, UNMATCHED, Booking, Leg, account_id, book_many
from budgetbeheer.money import cents_to_str
from budgetbeheer.payments import batches
from budgetbeheer.payments.batches import ItemReturn
from budgetbeheer.payments.sepa.model import SentBlock
from budgetbeheer.tables.bank import BankLine, LineState, MatchedTo
from budgetbeheer.tables.households import Household, Receipt
from budgetbeheer.tables.payments import BankFile, PaymentBatch, PaymentItem
from budgetbeheer.tables.states import BatchStatus, HouseholdStatus, ItemStatus

RECEIPT_WINDOW_DAYS = 5
RECEIPT_CHUNK = 25_000
"""Credits booked as receipts per round (each round: a few reads, three COPYs, one audit entry and one event)."""
CLIENT_NUMBER = re.compile(r"klantnummer\s*:?\s*(\d{1,12})", re.IGNORECASE)
INCOME_WORDS = (("kinderbijslag", "child_benefit"), ("toeslag", "allowance"), ("loon", "wages"),
                ("salaris", "wages"))


@dataclass
class Outcome:
    """What matching did, for the import's summary."""

    matched: int = 0
    unmatched: int = 0
    settled_items: int = 0
    returned_items: int = 0
    receipts_booked: int = 0
    receipts_confirmed: int = 0


@dataclass(slots=True)
class Line:
    """A statement line being matched: the row :func:`match_and_store` inserts once its outcome is known (a
    thousandfold cheaper than an ORM object per line). The names are :class:`BankLine`'s columns."""

    id: int
    statement_id: int
    position: int
    booking_date: date
    value_date: date | None
    amount_cents: int
    counterparty_name: str | None
    counterparty_iban: str | None
    remittance: str
    end_to_end_id: str | None
    bank_reference: str | None
    payment_information_id: str | None
    return_reason: str | None
    reversal: bool
    state: str = LineState.UNMATCHED
    matched_type: str | None = None
    matched_id: str | None = None
    reason: str | None = None
    ledger_transaction_id: int | None = None

    @classmethod
    def of(cls, line_id: int, statement_id: int, position: int, entry: Entry) -> Line:
        first = entry.transfers[0] if entry.transfers else None
        return cls(
            id=line_id, statement_id=statement_id, position=position, booking_date=entry.booking_date,
            value_date=entry.value_date, amount_cents=entry.amount_cents,
            counterparty_name=first.counterparty_name if first else None,
            counterparty_iban=first.counterparty_iban if first else None,
            remittance=" ".join(filter(None, [first.remittance if first else "", entry.additional_info])),
            end_to_end_id=first.end_to_end_id if first and len(entry.transfers) == 1 else None,
            bank_reference=entry.account_servicer_reference or (first.bank_reference if first else None),
            payment_information_id=entry.batch.payment_information_id if entry.batch else None,
            return_reason=first.return_reason if first else None, reversal=entry.reversal,
        )

    def row(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}


class _Target(Protocol):
    """What matching sets on a line: a :class:`Line` before it is stored, a :class:`BankLine` after."""

    id: int
    state: str
    matched_type: str | None
    matched_id: str | None
    reason: str | None


def _sent_blocks(content: bytes) -> list[SentBlock]:
    """The blocks of one of our own pain.001 files: only what settling needs (PmtInfId, each EndToEndId and
    amount), streamed with every transfer released as it is read."""
    document = xmlsafe.open_xml(content, name="pain.001")
    blocks: list[SentBlock] = []
    block_id: str | None = None
    e2es: list[str] = []
    total = 0
    for element in xmlsafe.iterparse(document, ("PmtInfId", "EndToEndId", "InstdAmt", "CdtTrfTxInf")):
        name = xmlsafe.local(element)
        if name == "CdtTrfTxInf":
            xmlsafe.release(element)
        elif name == "PmtInfId":
            if block_id is not None:
                blocks.append(SentBlock(block_id, tuple(e2es), total))
            block_id, e2es, total = (element.text or "").strip(), [], 0
        elif name == "EndToEndId":
            e2es.append((element.text or "").strip())
        else:
            total += int((Decimal((element.text or "0").strip()) * 100).to_integral_value())
    if block_id is not None:
        blocks.append(SentBlock(block_id, tuple(e2es), total))
    return blocks


class _Blocks:
    """The payment-information blocks of our own pain.001 files, read from the stored file a statement names.

    A block's ``PmtInfId`` is ``<MsgId>-<n>`` (:mod:`budgetbeheer.payments.sepa.repair`), so the file is found by its
    unique ``MsgId`` whatever its batch's status: a batch already settled by hand is recognised (and not booked
    again) instead of being queued. Each file is read once per statement."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._files: dict[str, list[SentBlock]] = {}

    def _file(self, message_id: str) -> list[SentBlock]:
        if message_id not in self._files:
            blocks = self._session.scalar(select(BankFile.blocks_json).where(BankFile.msg_id == message_id))
            if blocks is not None:  # kept when the file was written
                self._files[message_id] = [SentBlock(pmt_inf_id, tuple(e2es), total)
                                           for pmt_inf_id, e2es, total in json.loads(blocks)]
            else:  # a file written before the blocks were kept: read them from its XML
                content = self._session.scalar(select(BankFile.content).where(BankFile.msg_id == message_id))
                self._files[message_id] = _sent_blocks(content) if content is not None else []
        return self._files[message_id]

    def get(self, payment_information_id: str | None, message_id: str | None) -> list[SentBlock]:
        if payment_information_id:
            for name in filter(None, (message_id, payment_information_id.rsplit("-", 1)[0])):
                found = [b for b in self._file(name) if b.payment_information_id == payment_information_id]
                if found:
                    return found
        return self._file(message_id) if message_id else []


@dataclass(slots=True)
class _Item:
    id: int
    batch_id: int
    amount_cents: int
    status: str


_ITEM_COLUMNS = (PaymentItem.end_to_end_id, PaymentItem.id, PaymentItem.batch_id, PaymentItem.amount_cents,
                 PaymentItem.status)


def _items_by_e2e(session: Session, ids: Iterable[str]) -> dict[str, _Item]:
    wanted = sorted({i for i in ids if i})
    found: dict[str, _Item] = {}
    for chunk in in_chunks(session, wanted):
        for e2e, item_id, batch_id, amount, status in session.execute(
                select(*_ITEM_COLUMNS).where(id_in(session, PaymentItem.end_to_end_id, chunk))):
            found[e2e] = _Item(item_id, batch_id, amount, status)
    return found


class _Items:
    """Our payments by EndToEndId, for a statement's debits: a block's payments are one batch's, so the first one
    found brings in its whole batch (one indexed read instead of one lookup per thousand payments)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[str, _Item] = {}
        self._batches: set[int] = set()

    def _load_batch(self, batch_id: int) -> None:
        self._batches.add(batch_id)
        for e2e, item_id, batch, amount, status in self._session.execute(
                select(*_ITEM_COLUMNS).where(PaymentItem.batch_id == batch_id)):
            self._known[e2e] = _Item(item_id, batch, amount, status)

    def get(self, e2es: Sequence[str]) -> dict[str, _Item]:
        for e2e in e2es:
            if e2e in self._known:
                continue
            first = _items_by_e2e(self._session, [e2e]).get(e2e)
            if first is None or first.batch_id in self._batches:
                break
            self._load_batch(first.batch_id)
        missing = [e for e in e2es if e not in self._known]
        if missing:
            self._known.update(_items_by_e2e(self._session, missing))
        return {e: self._known[e] for e in e2es if e in self._known}

    def settled(self, e2es: Iterable[str]) -> None:
        """These were settled just now (what a later line of the statement must see)."""
        for e2e in e2es:
            item = self._known.get(e2e)
            if item is not None and item.status == ItemStatus.APPROVED:
                item.status = ItemStatus.SETTLED


def _unmatched(line: _Target, reason: str) -> None:
    line.state = LineState.UNMATCHED
    line.reason = reason


def _matched(line: _Target, kind: MatchedTo, target: object) -> None:
    line.state = LineState.MATCHED
    line.matched_type = kind
    line.matched_id = str(target)
    line.reason = None


def _settle(session: Session, actor: Actor, line: Line, entry: Entry, outcome: Outcome, blocks: _Blocks,
            known: _Items, settled: dict[int, date]) -> None:
    """A debit: our payments executed by the bank (``settled``: batch → the latest booking date seen, for
    :func:`budgetbeheer.payments.batches.finish_settlement` once all the statement's debits are in)."""
    e2es = [t.end_to_end_id for t in entry.transfers if t.end_to_end_id]
    if not e2es and entry.batch is not None:
        found = blocks.get(entry.batch.payment_information_id, entry.batch.message_id)
        if not found:
            return _unmatched(line, f"Geen betaalbestand van ons met PmtInfId {entry.batch.payment_information_id} "
                                    f"of MsgId {entry.batch.message_id} wacht nog op de bank.")
        count = sum(len(b.end_to_end_ids) for b in found)
        total = sum(b.total_cents for b in found)
        if (entry.batch.number_of_transactions not in (None, count) or entry.batch.total_cents not in (None, total)
                or total != -entry.amount_cents):
            return _unmatched(line, f"Aantal of totaal klopt niet: de bank boekte {entry.batch.number_of_transactions} "
                                    f"betalingen voor {cents_to_str(-entry.amount_cents)}, ons bestand heeft {count} "
                                    f"voor {cents_to_str(total)}.")
        e2es = [e2e for b in found for e2e in b.end_to_end_ids]
    if not e2es:
        return _unmatched(line, "Afschrijving zonder betalingskenmerk van ons (EndToEndId of PmtInfId).")
    items = known.get(e2es)
    missing = [e for e in e2es if e not in items]
    if missing:
        return _unmatched(line, f"Onbekende betaling(en): {', '.join(missing[:5])}.")
    if sum(items[e].amount_cents for e in e2es) != -entry.amount_cents:
        return _unmatched(line, "Het bedrag van de afschrijving is niet de som van onze betalingen.")
    by_batch: dict[int, list[int]] = {}
    for e2e in e2es:
        by_batch.setdefault(items[e2e].batch_id, []).append(items[e2e].id)
    waiting = [items[e].id for e in e2es if items[e].status == ItemStatus.APPROVED]
    if not waiting and all(items[e].status in (ItemStatus.SETTLED, ItemStatus.RETURNED) for e in e2es):
        # settled by hand before the statement came (``batches settle``): the books already have this debit
        return _matched(line, MatchedTo.ITEM if len(e2es) == 1 else MatchedTo.BATCH,
                        items[e2es[0]].id if len(e2es) == 1 else items[e2es[0]].batch_id)
    if len(waiting) != len(e2es):
        return _unmatched(line, "Niet al deze betalingen zijn goedgekeurd en onderweg naar de bank.")
    for batch_id, item_ids in sorted(by_batch.items()):
        batches.settle_items(session, actor, batch_id, item_ids, on=entry.booking_date, key=f"bank-line:{line.id}",
                             finish=False)
        settled[batch_id] = max(settled.get(batch_id, entry.booking_date), entry.booking_date)
    known.settled(e2es)
    outcome.settled_items += len(waiting)
    if len(e2es) == 1:
        _matched(line, MatchedTo.ITEM, items[e2es[0]].id)
    else:
        _matched(line, MatchedTo.BATCH, ",".join(str(b) for b in sorted(by_batch)))


def _returned_by_hand_from_bank(session: Session, item: _Item) -> bool:
    """The payment was booked as returned by hand (``payments return`` or the Bank pages) after the bank executed
    it, so that booking debited the bank, and no statement line is its return yet: a return credit for it is that
    booking's money, not new money."""
    booked = session.scalar(select(Transaction.id).where(
        Transaction.idempotency_key == f"payment_item:{item.id}:returned"))
    if booked is None or session.scalar(select(Posting.id).where(
            Posting.transaction_id == booked, Posting.account_id == account_id(session, BANK),
            Posting.amount_cents == item.amount_cents)) is None:
        return False
    return session.scalar(select(BankLine.id).where(BankLine.matched_type == MatchedTo.RETURN,
                                                    BankLine.matched_id == str(item.id))) is None


def _return(session: Session, line: Line, entry: Entry, tx: Transfer, items: Mapping[str, _Item],
            work: _Work) -> None:
    """A credit with return information: checked against its payment here, returned with the statement's other
    returns in one go (:func:`_book_returns`)."""
    original = tx.original_end_to_end_id or tx.end_to_end_id
    item = items.get(original or "")
    if item is None:
        return _unmatched(line, f"Terugboeking van een onbekende betaling ({original or 'geen kenmerk'}).")
    if item.amount_cents != entry.amount_cents:
        return _unmatched(line, f"Terugboeking van {cents_to_str(entry.amount_cents)}, de betaling was "
                                f"{cents_to_str(item.amount_cents)}.")
    if item.status == ItemStatus.RETURNED:
        if item.id not in work.recognised and _returned_by_hand_from_bank(session, item):
            work.recognised.add(item.id)  # the return booked by hand has this money in the books already
            return _matched(line, MatchedTo.RETURN, item.id)
        return _unmatched(line, f"Betaling {original} is al als teruggekomen geboekt.")
    line.state = LineState.MATCHED  # returned below, with every other return of the statement
    work.returns.append((line, item, ItemReturn(item.id, tx.return_reason or "NARR", entry.booking_date)))


def _book_returns(session: Session, actor: Actor, work: _Work, outcome: Outcome) -> None:
    if not work.returns:
        return
    batch_ids = sorted({item.batch_id for _line, item, _wanted in work.returns})
    for batch_id in session.scalars(select(PaymentBatch.id).where(PaymentBatch.id.in_(batch_ids),
                                                                  PaymentBatch.status == BatchStatus.EXPORTED)):
        batches.mark_sent(session, actor, batch_id)  # the bank had the file: it sends the payment back
    answers = batches.return_items(session, actor, [wanted for _line, _item, wanted in work.returns])
    for (line, item, _wanted), answer in zip(work.returns, answers, strict=True):
        if isinstance(answer, BudgetbeheerError):
            _unmatched(line, f"Terugboeking niet verwerkt: {answer.message}")
            work.queued.append(line)
        else:
            outcome.returned_items += 1
            _matched(line, MatchedTo.RETURN, item.id)


def _household_in(text: str) -> int | None:
    found = CLIENT_NUMBER.search(text)
    return int(found.group(1)) if found else None


def _income_kind(text: str) -> str:
    lowered = text.lower()
    return next((kind for word, kind in INCOME_WORDS if word in lowered), "benefit")


class _Receipts:
    """The announced receipts a statement's credits can confirm (booked through the API or a CSV, not yet confirmed
    by a line), read once per statement: by amount, in (received on, id) order. What a line confirms is taken."""

    def __init__(self, session: Session, entries: Iterable[Entry]) -> None:
        days = [e.booking_date for e in entries if e.amount_cents > 0]
        self._by_amount: dict[int, list[tuple[date, int, int | None]]] = {}
        self._taken: set[int] = set()
        if not days:
            return
        low, high = min(days) - timedelta(days=RECEIPT_WINDOW_DAYS), max(days) + timedelta(days=1)
        rows = session.execute(
            select(Receipt.amount_cents, Receipt.received_on, Receipt.id, Receipt.household_id)
            .where(Receipt.received_on >= low, Receipt.received_on <= high, Receipt.source != "bank",
                   Receipt.household_id.is_not(None))
            .order_by(Receipt.received_on, Receipt.id)
        ).all()
        for amount, received_on, receipt_id, household_id in rows:
            self._by_amount.setdefault(amount, []).append((received_on, receipt_id, household_id))
        wanted = [str(row[2]) for row in rows]
        for chunk in in_chunks(session, wanted):
            self._taken.update(int(i) for i in session.scalars(
                select(BankLine.matched_id).where(BankLine.matched_type == MatchedTo.RECEIPT,
                                                  id_in(session, BankLine.matched_id, chunk))) if i)

    def free(self, amount_cents: int, low: date, high: date) -> list[tuple[date, int, int | None]]:
        return [c for c in self._by_amount.get(amount_cents, ()) if low <= c[0] <= high and c[1] not in self._taken]

    def take(self, receipt_id: int) -> None:
        self._taken.add(receipt_id)


def _confirm(line: Line, entry: Entry, text: str, outcome: Outcome, receipts: _Receipts) -> bool:
    low, high = entry.booking_date - timedelta(days=RECEIPT_WINDOW_DAYS), entry.booking_date + timedelta(days=1)
    free = receipts.free(entry.amount_cents, low, high)
    named = _household_in(text)
    if named is not None:
        free = [c for c in free if c[2] == named] or ([] if len(free) > 1 else free)
    if len(free) != 1 and not (free and named is not None):
        return False
    receipts.take(free[0][1])
    _matched(line, MatchedTo.RECEIPT, free[0][1])
    outcome.receipts_confirmed += 1
    return True


def _income_text(entry: Entry) -> str:
    tx = entry.transfers[0] if entry.transfers else Transfer()
    return " ".join(filter(None, [tx.remittance, tx.structured_reference or "", entry.additional_info]))


def _households_named(session: Session, entries: Iterable[Entry]) -> dict[int, str]:
    """The status of each household the credits name (``klantnummer``), read in one go."""
    named = sorted({n for e in entries if e.amount_cents > 0 and (n := _household_in(_income_text(e))) is not None})
    found: dict[int, str] = {}
    for chunk in in_chunks(session, named):
        found.update(dict(session.execute(select(Household.id, Household.status)
                                          .where(id_in(session, Household.id, chunk))).all()))
    return found


@dataclass
class _Work:
    """What matching found to do after deciding every line: receipts to book in one go, lines to queue, events
    that name a stored line."""

    receipts: list[tuple[Line, ReceiptInput]] = field(default_factory=list)
    queued: list[Line] = field(default_factory=list)
    after_store: list[Event] = field(default_factory=list)
    reversals: list[tuple[Line, Entry]] = field(default_factory=list)
    returns: list[tuple[Line, _Item, ItemReturn]] = field(default_factory=list)
    recognised: set[int] = field(default_factory=set)


def _income(session: Session, actor: Actor, line: Line, entry: Entry, outcome: Outcome, receipts: _Receipts,
            named: Mapping[int, str], rules: RuleBook, work: _Work) -> None:
    text = _income_text(entry)
    if _confirm(line, entry, text, outcome, receipts):
        return
    household_id = _household_in(text)
    kind = _income_kind(text)
    if household_id is None:
        payer = entry.transfers[0].counterparty_iban if entry.transfers else None
        rule = rules.match(entry.amount_cents, payer, text)
        if rule is not None:
            household_id, kind = rule.household_id, rule.kind
            named = {household_id: HouseholdStatus.ACTIVE}  # rules are kept for households in ontzorgen only
    status = named.get(household_id) if household_id is not None else None
    if household_id is None or status is None:
        return _unmatched(line, "Geen huishouden herkend (geen aangekondigde ontvangst, geen klantnummer in de "
                                "omschrijving, de herkenningsregels van geen of meer dan één huishouden).")
    if status == HouseholdStatus.ENDED:
        work.after_store.append(MoneyForEndedHousehold(line_id=line.id, household_id=household_id,
                                                       amount_cents=entry.amount_cents, actor=actor))
        return _unmatched(line, f"Geld voor huishouden {household_id}, maar het ontzorgen is beëindigd.")
    line.state = LineState.MATCHED  # booked below, with every other credit of the statement
    # typed already: booked without reading text for the amount and the date (the same checks all the same)
    work.receipts.append((line, ReceiptInput(household_id, entry.amount_cents, entry.booking_date, kind,
                                             text[:140] or None)))


def _book_receipts(session: Session, actor: Actor, work: _Work, outcome: Outcome) -> None:
    answers: list[Booked | dict[str, Message]] = []
    for start in range(0, len(work.receipts), RECEIPT_CHUNK):  # in chunks: bounded memory for 100,000 credits
        answers += book_receipts_in_bulk(session, actor, [(data, f"bank-line:{line.id}")
                                                          for line, data in work.receipts[start:start + RECEIPT_CHUNK]])
    for (line, _data), answer in zip(work.receipts, answers, strict=True):
        if isinstance(answer, Booked):
            line.ledger_transaction_id = answer.ledger_transaction_id
            outcome.receipts_booked += 1
            _matched(line, MatchedTo.RECEIPT, answer.receipt_id)
        else:
            _unmatched(line, "Niet geboekt: " + "; ".join(f"{name}: {why}" for name, why in answer.items()))
            work.queued.append(line)


def _queue_booking(line: Line | BankLine, bank: int, unmatched: int, actor: Actor) -> Booking:
    """An unmatched line booked bank ↔ unmatched, so the books follow the bank while it waits."""
    return Booking(business_date=line.booking_date, kind="bank_line_unmatched",
                   description=f"Bankpost {line.id} nog niet toegewezen: {(line.counterparty_name or '')[:60]}",
                   booked_by=actor.name, idempotency_key=f"bank-line:{line.id}:unmatched",
                   legs=(Leg(bank, line.amount_cents), Leg(unmatched, -line.amount_cents)))


def _queue_all(session: Session, actor: Actor, lines: Sequence[Line | BankLine]) -> None:
    """Queue unmatched lines (:func:`_queue_booking`), in one go."""
    if not lines:
        return
    bank, unmatched = account_id(session, BANK), account_id(session, UNMATCHED)
    ids = book_many(session, [_queue_booking(line, bank, unmatched, actor) for line in lines])
    for line, transaction_id in zip(lines, ids, strict=True):
        line.ledger_transaction_id = transaction_id


def match_and_store(session: Session, actor: Actor, statement_pk: int, entries: Sequence[Entry]) -> Outcome:
    """Match every entry of one statement (debits first) and store each as a :class:`BankLine` with what it was
    matched to, queueing what is left; see the module docstring. Set-based where the volume is: every line is
    decided first; then the statement's returns, receipts, queue bookings and lines are written in one go each
    (``docs/bank.md``, "Import")."""
    outcome = Outcome()
    work = _Work()
    blocks = _Blocks(session)
    known = _Items(session)
    receipts = _Receipts(session, entries)
    named = _households_named(session, entries)
    rules = RuleBook(session)
    line_ids = next_ids(session, table_of(BankLine), len(entries))
    lines = [Line.of(line_id, statement_pk, position, entry)
             for (position, entry), line_id in zip(enumerate(entries, start=1), line_ids, strict=True)]
    returned = {t.original_end_to_end_id or t.end_to_end_id for e in entries if e.amount_cents > 0
                for t in e.transfers if t.return_reason}
    returned_items = _items_by_e2e(session, (e2e for e2e in returned if e2e))
    settled: dict[int, date] = {}
    for line, entry in sorted(zip(lines, entries, strict=True), key=lambda p: (p[1].amount_cents > 0, p[0].position)):
        back = next((t for t in entry.transfers if t.return_reason), None)
        if entry.reversal:
            work.reversals.append((line, entry))
            continue
        if entry.amount_cents < 0:
            _settle(session, actor, line, entry, outcome, blocks, known, settled)
        elif back is not None:
            _return(session, line, entry, back, returned_items, work)
        else:
            _income(session, actor, line, entry, outcome, receipts, named, rules, work)
        if line.state == LineState.UNMATCHED:
            work.queued.append(line)
    for batch_id, on in sorted(settled.items()):  # a batch the bank executed whole is settled (before its returns)
        batches.finish_settlement(session, actor, batch_id, on)
    _book_returns(session, actor, work, outcome)
    _book_receipts(session, actor, work, outcome)
    _queue_all(session, actor, work.queued)
    # one by one as they are sent: the rows of a 100,000-line statement are never all held
    insert_rows(session, table_of(BankLine), (line.row() for line in lines))
    for event in work.after_store:
        publish(session, event)
    unmatched = sum(1 for line in lines if line.state == LineState.UNMATCHED and not line.reversal)
    for pending, entry in work.reversals:
        stored = session.get(BankLine, pending.id)
        assert stored is not None
        reversal.undo(session, actor, stored, entry)  # undoes its original, or leaves it unmatched with why
        if stored.state == LineState.UNMATCHED:
            _queue_all(session, actor, [stored])
            unmatched += 1
    outcome.unmatched = unmatched
    outcome.matched = len(lines) - unmatched
    session.flush()
    return outcome
