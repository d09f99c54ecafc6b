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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.bank import reversal
from budgetbeheer.bank.events import MoneyForEndedHousehold
from budgetbeheer.bank.model import Entry, Transfer
from budgetbeheer.bank.rules import match_by_rules
from budgetbeheer.bank.simulate import SentBlock, read_pain001
from budgetbeheer.events import publish
from budgetbeheer.households.receipts import book_receipt
from budgetbeheer.ledger.service import BANK, UNMATCHED, account_id, transfer
from budgetbeheer.money import cents_to_str
from budgetbeheer.payments import batches
from budgetbeheer.tables.bank import BankLine, LineState, MatchedTo
from budgetbeheer.tables.households import Household, Receipt
from budgetbeheer.tables.payments import BankFile, PaymentBatch, PaymentItem
from budgetbeheer.tables.states import BatchStatus, HouseholdStatus, ItemStatus

RECEIPT_WINDOW_DAYS = 5
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
            content = self._session.scalar(select(BankFile.content).where(BankFile.msg_id == message_id))
            self._files[message_id] = list(read_pain001(content)) if content is not None else []
        return self._files[message_id]

    def get(self, payment_information_id: str | None, message_id: str | None) -> list[SentBlock]:
        if payment_information_id:
            for name in filter(None, (message_id, payment_information_id.rsplit("-", 1)[0])):
                found = [b for b in self._file(name) if b.payment_information_id == payment_information_id]
                if found:
                    return found
        return self._file(message_id) if message_id else []


def _items_by_e2e(session: Session, ids: Iterable[str]) -> dict[str, PaymentItem]:
    wanted = sorted({i for i in ids if i})
    found: dict[str, PaymentItem] = {}
    for start in range(0, len(wanted), 900):
        for item in session.scalars(select(PaymentItem).where(PaymentItem.end_to_end_id.in_(wanted[start:start + 900]))):
            found[item.end_to_end_id] = item
    return found


def _unmatched(line: BankLine, reason: str) -> None:
    line.state = LineState.UNMATCHED
    line.reason = reason


def _matched(line: BankLine, kind: MatchedTo, target: object) -> None:
    line.state = LineState.MATCHED
    line.matched_type = kind
    line.matched_id = str(target)
    line.reason = None


def _settle(session: Session, actor: Actor, line: BankLine, entry: Entry, outcome: Outcome, blocks: _Blocks) -> None:
    e2es = [t.end_to_end_id for t in entry.transfers if t.end_to_end_id]
    if not e2es and entry.batch is not None:
        found = blocks.get(entry.batch.payment_information_id, entry.batch.message_id)
        if not found:
            return _unmatched(line, f"Geen betaalbestand van ons met PmtInfId {entry.batch.payment_information_id} "
                                    f"of MsgId {entry.batch.message_id} wacht nog op de bank.")
        count = sum(len(b.transfers) for b in found)
        total = sum(b.total_cents for b in found)
        if (entry.batch.number_of_transactions not in (None, count) or entry.batch.total_cents not in (None, total)
                or total != -entry.amount_cents):
            return _unmatched(line, f"Aantal of totaal klopt niet: de bank boekte {entry.batch.number_of_transactions} "
                                    f"betalingen voor {cents_to_str(-entry.amount_cents)}, ons bestand heeft {count} "
                                    f"voor {cents_to_str(total)}.")
        e2es = [t.end_to_end_id for b in found for t in b.transfers]
    if not e2es:
        return _unmatched(line, "Afschrijving zonder betalingskenmerk van ons (EndToEndId of PmtInfId).")
    items = _items_by_e2e(session, e2es)
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
        batches.settle_items(session, actor, batch_id, item_ids, on=entry.booking_date, key=f"bank-line:{line.id}")
    outcome.settled_items += len(waiting)
    if len(e2es) == 1:
        _matched(line, MatchedTo.ITEM, items[e2es[0]].id)
    else:
        _matched(line, MatchedTo.BATCH, ",".join(str(b) for b in sorted(by_batch)))


def _return(session: Session, actor: Actor, line: BankLine, entry: Entry, tx: Transfer, outcome: Outcome) -> None:
    original = tx.original_end_to_end_id or tx.end_to_end_id
    item = _items_by_e2e(session, [original or ""]).get(original or "")
    if item is None:
        return _unmatched(line, f"Terugboeking van een onbekende betaling ({original or 'geen kenmerk'}).")
    if item.amount_cents != entry.amount_cents:
        return _unmatched(line, f"Terugboeking van {cents_to_str(entry.amount_cents)}, de betaling was "
                                f"{cents_to_str(item.amount_cents)}.")
    if item.status == ItemStatus.RETURNED:
        return _unmatched(line, f"Betaling {original} is al als teruggekomen geboekt.")
    batch = session.get(PaymentBatch, item.batch_id)
    if batch is not None and batch.status == BatchStatus.EXPORTED:
        batches.mark_sent(session, actor, batch.id)  # the bank had the file: it sends the payment back
    batches.return_item(session, actor, item.id, tx.return_reason or "NARR", entry.booking_date)
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
        for start in range(0, len(wanted), 900):
            self._taken.update(int(i) for i in session.scalars(
                select(BankLine.matched_id).where(BankLine.matched_type == MatchedTo.RECEIPT,
                                                  BankLine.matched_id.in_(wanted[start:start + 900]))) if i)

    def free(self, amount_cents: int, low: date, high: date) -> list[tuple[date, int, int | None]]:
        return [c for c in self._by_amount.get(amount_cents, ()) if low <= c[0] <= high and c[1] not in self._taken]

    def take(self, receipt_id: int) -> None:
        self._taken.add(receipt_id)


def _confirm(line: BankLine, entry: Entry, text: str, outcome: Outcome, receipts: _Receipts) -> bool:
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


def _households_named(session: Session, entries: Iterable[Entry]) -> list[Household]:
    """The households the credits name, read in one go (kept by the caller, so ``session.get`` finds them)."""
    named = sorted({n for e in entries if e.amount_cents > 0 and (n := _household_in(_income_text(e))) is not None})
    found: list[Household] = []
    for start in range(0, len(named), 900):
        found += session.scalars(select(Household).where(Household.id.in_(named[start:start + 900])))
    return found


def _income(session: Session, actor: Actor, line: BankLine, entry: Entry, outcome: Outcome,
            receipts: _Receipts) -> None:
    text = _income_text(entry)
    if _confirm(line, entry, text, outcome, receipts):
        return
    household_id = _household_in(text)
    kind = _income_kind(text)
    if household_id is None:
        payer = entry.transfers[0].counterparty_iban if entry.transfers else None
        rule = match_by_rules(session, entry.amount_cents, payer, text)
        if rule is not None:
            household_id, kind = rule.household_id, rule.kind
    household = session.get(Household, household_id) if household_id is not None else None
    if household is None:
        return _unmatched(line, "Geen huishouden herkend (geen aangekondigde ontvangst, geen klantnummer in de "
                                "omschrijving, de herkenningsregels van geen of meer dan één huishouden).")
    if household.status == HouseholdStatus.ENDED:
        publish(session, MoneyForEndedHousehold(line_id=line.id, household_id=household.id,
                                                amount_cents=entry.amount_cents, actor=actor))
        return _unmatched(line, f"Geld voor huishouden {household.id}, maar het ontzorgen is beëindigd.")
    receipt, _ = book_receipt(
        session, actor,
        {"household_id": household.id, "amount": str(Decimal(entry.amount_cents) / 100),
         "date": entry.booking_date.isoformat(), "kind": kind, "reference": text[:140] or None},
        idempotency_key=f"bank-line:{line.id}", source="bank",
    )
    line.ledger_transaction_id = receipt.ledger_transaction_id
    outcome.receipts_booked += 1
    _matched(line, MatchedTo.RECEIPT, receipt.id)


def _queue(session: Session, actor: Actor, line: BankLine) -> None:
    """Book an unmatched line bank ↔ unmatched, so the books follow the bank while it waits."""
    bank, unmatched = account_id(session, BANK), account_id(session, UNMATCHED)
    credit = line.amount_cents > 0
    booked = transfer(
        session, debit_account_id=bank if credit else unmatched, credit_account_id=unmatched if credit else bank,
        amount_cents=abs(line.amount_cents), business_date=line.booking_date, kind="bank_line_unmatched",
        description=f"Bankpost {line.id} nog niet toegewezen: {(line.counterparty_name or '')[:60]}",
        booked_by=actor.name, idempotency_key=f"bank-line:{line.id}:unmatched",
    )
    line.ledger_transaction_id = booked.id


def match_lines(session: Session, actor: Actor, pairs: Sequence[tuple[BankLine, Entry]]) -> Outcome:
    """Match every line of one statement (debits first), queueing what is left; see the module docstring."""
    outcome = Outcome()
    blocks = _Blocks(session)
    receipts = _Receipts(session, (entry for _line, entry in pairs))
    households = _households_named(session, (entry for _line, entry in pairs))  # noqa: F841 (held for session.get)
    ordered = sorted(pairs, key=lambda pair: (pair[1].amount_cents > 0, pair[0].position))
    for line, entry in ordered:
        returned = next((t for t in entry.transfers if t.return_reason), None)
        if entry.reversal:
            reversal.undo(session, actor, line, entry, outcome)
        elif entry.amount_cents < 0:
            _settle(session, actor, line, entry, outcome, blocks)
        elif returned is not None:
            _return(session, actor, line, entry, returned, outcome)
        else:
            _income(session, actor, line, entry, outcome, receipts)
        if line.state == LineState.UNMATCHED:
            _queue(session, actor, line)
            outcome.unmatched += 1
        else:
            outcome.matched += 1
    session.flush()
    return outcome
