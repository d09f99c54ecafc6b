"""Importing a bank statement (camt.053 or camt.054, one file or a zip) and a payment status report (pain.002).

One use case each, in the caller's unit of work; a refusal writes nothing:

* the file is read whole first (:func:`budgetbeheer.bank.camt.read_statements` refuses what is not a safe, readable
  statement), then every statement is checked: the managed account (naming both IBANs) and euros;
* the same file again (its SHA-256) answers with the import it already was (``created`` False);
* another file claiming a statement already imported (same account and statement id) is a 409;
* then each entry becomes a :class:`~budgetbeheer.tables.bank.BankLine` and is matched
  (:mod:`budgetbeheer.bank.matching`), and the statement's closing balance is set against the books.

Two imports of the same file at the same moment: the UNIQUE ``sha256`` lets one in; the other answers with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.bank import camt, pain002, queue
from budgetbeheer.bank.events import StatementReconciled
from budgetbeheer.bank.matching import Outcome, match_and_store
from budgetbeheer.bank.model import Statement, StatusReport
from budgetbeheer.bank.reconcile import Reconciliation, reconcile
from budgetbeheer.bulk import cycle_collector_paused
from budgetbeheer.config import Settings
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.events import publish
from budgetbeheer.households.receipts import book_from_unmatched
from budgetbeheer.money import cents_to_str
from budgetbeheer.payments import batches
from budgetbeheer.tables.bank import (
    BankImport,
    BankLine,
    BankStatement,
    ImportKind,
    LineState,
    MatchedTo,
    StatusReportRecord,
)
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem
from budgetbeheer.tables.states import BatchStatus, ItemStatus


@dataclass
class StatementImport:
    """What one import did: the statements (new or, for the same file again, the ones it already was)."""

    import_id: int
    created: bool
    statements: list[BankStatement]
    outcomes: dict[int, Outcome] = field(default_factory=dict)


def _compact(iban: str) -> str:
    return "".join(iban.split()).upper()


def _check(statements: Sequence[Statement], settings: Settings) -> None:
    managed = _compact(settings.managed_account_iban)
    if not statements:
        raise ValidationError({"file": Message("Het bestand bevat geen afschrift.")})
    for statement in statements:
        if statement.account_iban != managed:
            raise ValidationError({"file": Message(
                "Afschrift %(id)s is van rekening %(iban)s, niet van de beheerrekening %(managed)s.",
                id=statement.statement_id, iban=statement.account_iban, managed=managed)})
        if statement.currency != "EUR":
            raise ValidationError({"file": Message(
                "Afschrift %(id)s is in %(currency)s; alleen euro's kunnen worden ingelezen.",
                id=statement.statement_id, currency=statement.currency)})


def _existing(session: Session, digest: str) -> StatementImport | None:
    found = session.scalar(select(BankImport).where(BankImport.sha256 == digest))
    if found is None:
        return None
    statements = list(session.scalars(select(BankStatement).where(BankStatement.import_id == found.id)
                                      .order_by(BankStatement.id)))
    return StatementImport(import_id=found.id, created=False, statements=statements)


def import_statements(session: Session, actor: Actor, content: bytes, settings: Settings,
                      filename: str | None = None) -> StatementImport:
    """Import a camt.053/camt.054 file or a zip of several (see the module docstring)."""
    digest = hashlib.sha256(content).hexdigest()
    again = _existing(session, digest)
    if again is not None:
        return again
    with cycle_collector_paused():  # a month's statement: millions of small objects, none of them cyclic
        return _import(session, actor, content, settings, filename, digest)


def _import(session: Session, actor: Actor, content: bytes, settings: Settings, filename: str | None,
            digest: str) -> StatementImport:
    statements = list(camt.read_statements(content))
    _check(statements, settings)
    for statement in statements:
        known = session.scalar(select(BankStatement.id).where(
            BankStatement.account_iban == statement.account_iban, BankStatement.statement_id == statement.statement_id))
        if known is not None:
            raise Conflict(Message("Afschrift %(id)s van %(iban)s is al ingelezen uit een ander bestand (import "
                                   "%(known)s).", id=statement.statement_id, iban=statement.account_iban, known=known),
                           {"file": Message("al ingelezen")})
    try:
        with session.begin_nested():
            imported = BankImport(kind=ImportKind.STATEMENT, sha256=digest, filename=(filename or "")[:200] or None,
                                  size_bytes=len(content), imported_by=actor.name, imported_at=utcnow())
            session.add(imported)
            session.flush()
    except IntegrityError:  # the same file, imported at the same moment by someone else: theirs counts
        raced = _existing(session, digest)
        if raced is None:  # pragma: no cover - another unique index
            raise
        return raced
    result = StatementImport(import_id=imported.id, created=True, statements=[])
    for statement in statements:
        stored, outcome = _store(session, actor, imported.id, statement)
        result.statements.append(stored)
        result.outcomes[stored.id] = outcome
    record(session, actor, "bank_statement.imported", "bank_import", imported.id,
           after={"sha256": digest, "statements": [s.statement_id for s in statements],
                  "lines": sum(len(s.entries) for s in statements)})
    return result


def _store(session: Session, actor: Actor, import_id: int, statement: Statement) -> tuple[BankStatement, Outcome]:
    stored = BankStatement(
        import_id=import_id, message_kind=statement.kind[:20], account_iban=statement.account_iban,
        statement_id=statement.statement_id[:70], sequence_number=statement.sequence_number,
        from_date=statement.from_date, to_date=statement.to_date,
        opening_balance_cents=statement.opening_balance_cents, closing_balance_cents=statement.closing_balance_cents,
        closing_date=statement.closing_date or statement.to_date, entry_count=len(statement.entries),
        credits_cents=sum(e.amount_cents for e in statement.entries if e.amount_cents > 0),
        debits_cents=-sum(e.amount_cents for e in statement.entries if e.amount_cents < 0),
    )
    session.add(stored)
    session.flush()
    outcome = match_and_store(session, actor, stored.id, statement.entries)
    figures = reconcile(session, stored)
    stored.ledger_bank_balance_cents = figures.ledger_bank_balance_cents
    session.flush()
    publish(session, StatementReconciled(
        statement_pk=stored.id, statement_id=stored.statement_id, account_iban=stored.account_iban, on=figures.on,
        unexplained_cents=figures.unexplained_cents, missing_sequence=_missing_sequence(session, stored),
        actor=actor))
    return stored, outcome


def _missing_sequence(session: Session, stored: BankStatement) -> tuple[int, ...]:
    """The sequence numbers between the account's latest earlier statement and this one (a gap: a statement never
    imported). At most 31 are named."""
    if stored.sequence_number is None:
        return ()
    previous = session.scalar(select(func.max(BankStatement.sequence_number)).where(
        BankStatement.account_iban == stored.account_iban, BankStatement.id != stored.id,
        BankStatement.sequence_number < stored.sequence_number))
    if previous is None:
        return ()
    return tuple(range(previous + 1, stored.sequence_number))[:31]


def get_statement(session: Session, statement_id: int) -> BankStatement:
    found = session.get(BankStatement, statement_id)
    if found is None:
        raise NotFound(Message("Afschrift %(id)s bestaat niet.", id=statement_id))
    return found


def list_statements(session: Session, page: int, per_page: int) -> tuple[list[BankStatement], int]:
    total = int(session.scalar(select(func.count(BankStatement.id))) or 0)
    rows = list(session.scalars(select(BankStatement).order_by(BankStatement.closing_date.desc(),
                                                               BankStatement.id.desc())
                                .offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def lines_of(session: Session, statement_id: int) -> list[BankLine]:
    return list(session.scalars(select(BankLine).where(BankLine.statement_id == statement_id)
                                .order_by(BankLine.position)))


def list_lines(session: Session, state: str, page: int, per_page: int) -> tuple[list[BankLine], int]:
    query = select(BankLine)
    if state != "all":
        query = query.where(BankLine.state == state)
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = list(session.scalars(query.order_by(BankLine.booking_date, BankLine.id)
                                .offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def reconciliation_of(session: Session, statement: BankStatement) -> Reconciliation:
    return reconcile(session, statement)


# ------------------------------------------------------------------------------------------- payment status report


@dataclass(frozen=True)
class StatusReportImport:
    record: StatusReportRecord
    created: bool


def import_status_report(session: Session, actor: Actor, content: bytes,
                         filename: str | None = None) -> StatusReportImport:
    """A pain.002: every rejected transfer (``RJCT``, per transfer, per block or the whole group) comes back to the
    household as a return with the bank's reason code; accepted ones change nothing; unknown ones are counted."""
    digest = hashlib.sha256(content).hexdigest()
    known = session.scalar(select(StatusReportRecord).join(BankImport, BankImport.id == StatusReportRecord.import_id)
                           .where(BankImport.sha256 == digest))
    if known is not None:
        return StatusReportImport(known, False)
    report = pain002.read_status_report(content)
    rejected = _rejections(session, report)
    imported = BankImport(kind=ImportKind.STATUS_REPORT, sha256=digest, filename=(filename or "")[:200] or None,
                          size_bytes=len(content), imported_by=actor.name, imported_at=utcnow())
    session.add(imported)
    session.flush()
    batch_ids = sorted({item.batch_id for item, _reason in rejected.items})
    for batch_id in session.scalars(select(PaymentBatch.id).where(PaymentBatch.id.in_(batch_ids),
                                                                  PaymentBatch.status == BatchStatus.EXPORTED)):
        batches.mark_sent(session, actor, batch_id)
    rejectable = [(item, reason) for item, reason in rejected.items
                  if item.status in (ItemStatus.APPROVED, ItemStatus.SETTLED)]
    answers = batches.return_items(session, actor, [batches.ItemReturn(item.id, reason or "NARR")
                                                    for item, reason in rejectable])
    done = sum(1 for answer in answers if isinstance(answer, PaymentItem))
    stored = StatusReportRecord(import_id=imported.id, message_id=report.message_id[:70],
                                original_message_id=report.original_message_id[:70], group_status=report.group_status,
                                rejected_items=done, accepted=rejected.accepted, unknown=rejected.unknown)
    session.add(stored)
    session.flush()
    record(session, actor, "payment_status_report.imported", "bank_import", imported.id,
           after={"message_id": report.message_id, "original_message_id": report.original_message_id,
                  "group_status": report.group_status, "rejected_items": done, "unknown": rejected.unknown})
    return StatusReportImport(stored, True)


@dataclass
class _Rejections:
    items: list[tuple[PaymentItem, str | None]]
    accepted: int
    unknown: int


def _rejections(session: Session, report: StatusReport) -> _Rejections:
    result = _Rejections([], 0, 0)
    group_rejected = report.group_status == "RJCT"
    for block in report.payment_informations:
        block_rejected = group_rejected or block.status == "RJCT"
        for status in block.transfers:
            rejected = status.status == "RJCT" or (block_rejected and not status.status)
            item = session.scalar(select(PaymentItem).where(
                PaymentItem.end_to_end_id == (status.original_end_to_end_id or "")))
            if item is None:
                result.unknown += 1
            elif rejected:
                result.items.append((item, status.reason or block.reason or report.group_reason))
            else:
                result.accepted += 1
    return result


def statement_summary(session: Session, statement: BankStatement, outcome: Outcome | None = None) -> dict[str, Any]:
    """The numbers of a statement: counts of lines by state, and the reconciliation (cents)."""
    counts = dict(session.execute(select(BankLine.state, func.count(BankLine.id))
                                  .where(BankLine.statement_id == statement.id).group_by(BankLine.state)).all())
    figures = reconcile(session, statement)
    return {
        "matched": int(counts.get(LineState.MATCHED, 0)) + int(counts.get(LineState.ASSIGNED, 0)),
        "unmatched": int(counts.get(LineState.UNMATCHED, 0)),
        "settled_items": outcome.settled_items if outcome else None,
        "returned_items": outcome.returned_items if outcome else None,
        "receipts_booked": outcome.receipts_booked if outcome else None,
        "receipts_confirmed": outcome.receipts_confirmed if outcome else None,
        "reconciliation": figures,
    }


# ---------------------------------------------------------------------------------------------- the queue of lines


def assign_line(session: Session, actor: Actor, line_id: int, data: dict[str, Any]) -> BankLine:
    """A person says whose money an unmatched credit is: ``{household_id, kind}`` books it unmatched → the household
    (as a receipt, source ``bank``). 409 when the line is no longer unmatched; 422 naming the field otherwise."""
    line = session.scalar(select(BankLine).where(BankLine.id == line_id).with_for_update()
                          .execution_options(populate_existing=True))
    if line is None:
        raise NotFound(Message("Bankpost %(id)s bestaat niet.", id=line_id))
    if line.state != LineState.UNMATCHED:
        raise Conflict(Message("Bankpost %(id)s is al %(state)s; er wordt niets dubbel geboekt.", id=line.id,
                               state=line.state), {"state": Message(str(line.state))})
    if "account" in data:  # money that is no household's: bank charges, the municipality's own
        return queue.assign_to_account(session, actor, line.id, data.get("account"), data.get("reason"))
    if line.amount_cents <= 0:
        raise ValidationError({"household_id": Message(
            "Een afschrijving kan niet aan een huishouden worden toegewezen.")})
    before = {"state": line.state}
    receipt = book_from_unmatched(
        session, actor,
        {"household_id": data.get("household_id") or "", "amount": cents_to_str(line.amount_cents),
         "date": line.booking_date.isoformat(), "kind": data.get("kind") or "benefit",
         "reference": (line.remittance or "")[:140] or None},
        idempotency_key=queue.assignment_key(session, line),
    )
    line.state = LineState.ASSIGNED
    line.matched_type = MatchedTo.RECEIPT
    line.matched_id = str(receipt.id)
    line.assigned_by = actor.name
    line.assigned_at = utcnow()
    session.flush()
    record(session, actor, "bank_line.assigned", "bank_line", line.id, before=before,
           after={"state": line.state, "household_id": receipt.household_id, "receipt_id": receipt.id,
                  "amount_cents": line.amount_cents})
    return line
