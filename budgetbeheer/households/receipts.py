"""Receipts: income that arrived for a household, booked from the managed bank account to the household's funds.

One at a time (API, by hand) or a whole CSV at once (all lines or none). An ``Idempotency-Key`` (or, in a CSV, the
file's hash and line) makes booking the same receipt twice return the first one instead of booking it again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.bulk import cycle_collector_paused
from budgetbeheer.db.base import table_of, utcnow
from budgetbeheer.db.bulk_write import id_in, in_chunks, insert_rows, next_ids
from budgetbeheer.errors import Conflict, Message, ValidationError
from budgetbeheer.events import publish
from budgetbeheer.households.common import get_household, row_id
from budgetbeheer.households.csvfile import FORMATS, read_csv
from budgetbeheer.households.events import ReceiptBooked, ReceiptsBooked
from budgetbeheer.households.income import INCOME_KIND_LABELS, INCOME_KINDS
from budgetbeheer.households.inputs import ReceiptData
from budgetbeheer.ledger import service as ledger
from budgetbeheer.money import AmountError, cents_to_str, format_eur, parse_amount
from budgetbeheer.tables.households import Household, Receipt
from budgetbeheer.tables.states import HouseholdStatus

RECEIPT_KINDS = INCOME_KINDS


@dataclass(frozen=True)
class ReceiptInput:
    household_id: int
    amount_cents: int
    received_on: date
    kind: str
    reference: str | None

    def request_hash(self) -> str:
        """SHA-256 of ``[household, cents, "date", "kind", "reference"]`` as compact JSON (the text ``json.dumps``
        with ``separators=(",", ":")`` writes, built directly: a CSV import asks it of every line); it is part of
        every CSV line's key, so it must never change."""
        canonical = (f"[{int(self.household_id)},{int(self.amount_cents)},\"{self.received_on.isoformat()}\","
                     f"{encode_basestring_ascii(self.kind)},{encode_basestring_ascii(self.reference or '')}]")
        return hashlib.sha256(canonical.encode()).hexdigest()


def parse_receipt(
    errors: v.Errors, data: Mapping[str, object], households: Mapping[int, str], prefix: str = ""
) -> ReceiptInput | None:
    """Check one receipt against ``households`` (id → status). Adds errors under ``prefix + field``."""
    household_id = _household_checked(errors, _raw_household_id(data), households, prefix)
    amount = v.amount(errors, prefix + "amount", data.get("amount"))
    # Dated from 2000 through tomorrow (a receipt announced the evening before): later is in the future.
    received = v.iso_date(errors, prefix + "date", data.get("date"), earliest=v.BUSINESS_EARLIEST,
                          latest=clock.today() + timedelta(days=1))
    kind = v.choice(errors, prefix + "kind", data.get("kind"), RECEIPT_KINDS)
    reference = v.text(errors, prefix + "reference", data.get("reference"), required=False, maximum=140)
    if household_id is None or amount is None or received is None or kind is None:
        return None
    return ReceiptInput(household_id, amount, received, kind, reference)


def _household_checked(errors: v.Errors, household_id: int | None, households: Mapping[int, str],
                       prefix: str) -> int | None:
    if household_id is None:
        errors.add(prefix + "household_id", Message("Geef het nummer van het huishouden."))
    elif household_id not in households:
        errors.add(prefix + "household_id", Message("Huishouden %(id)s bestaat niet.", id=household_id))
        household_id = None
    elif households[household_id] == HouseholdStatus.ENDED:
        errors.add(prefix + "household_id",
                   Message("Het ontzorgen van huishouden %(id)s is beëindigd; boek hier niet meer op.", id=household_id))
        household_id = None
    return household_id


def check_typed_receipt(errors: v.Errors, receipt: ReceiptInput, households: Mapping[int, str],
                        latest: date) -> ReceiptInput | None:
    """:func:`parse_receipt` for a receipt whose values are typed already (a bank statement's credit: cents, a date):
    the same rules and messages, without reading text for the amount and the date. ``latest`` is the latest date
    allowed (tomorrow, computed once for a bulk)."""
    household_id = _household_checked(errors, receipt.household_id, households, "")
    try:
        amount: int | None = parse_amount(Decimal(receipt.amount_cents).scaleb(-2))
    except AmountError as error:
        errors.add("amount", error.message)
        amount = None
    received = v.iso_date(errors, "date", receipt.received_on, earliest=v.BUSINESS_EARLIEST, latest=latest)
    kind = v.choice(errors, "kind", receipt.kind, RECEIPT_KINDS)
    reference = v.text(errors, "reference", receipt.reference, required=False, maximum=140)
    if household_id is None or amount is None or received is None or kind is None:
        return None
    return ReceiptInput(household_id, amount, received, kind, reference)


def check_receipt(session: Session, data: Mapping[str, object]) -> ReceiptInput:
    """What :func:`book_receipt` would book, checked without booking it: the manual form's confirm step, which names
    the household before anything is saved. The same :class:`ValidationError` the booking gives."""
    errors = v.Errors()
    raw = _raw_household_id(data)
    parsed = parse_receipt(errors, data, household_statuses(session, [raw] if raw is not None else []))
    errors.raise_if_any()
    assert parsed is not None
    return parsed


def household_statuses(session: Session, ids: Sequence[int]) -> dict[int, str]:
    result: dict[int, str] = {}
    unique = sorted(set(ids))
    for chunk in in_chunks(session, unique):
        result.update(dict(session.execute(select(Household.id, Household.status)
                                           .where(id_in(session, Household.id, chunk))).all()))
    return result


def _raw_household_id(data: Mapping[str, object]) -> int | None:
    return row_id(data.get("household_id"))


def book_receipt(
    session: Session,
    actor: Actor,
    data: ReceiptData,
    idempotency_key: str | None = None,
    source: str = "api",
    *,
    duplicate_days: int = 0,
) -> tuple[Receipt, bool]:
    """Book income for a household: debit the managed bank account, credit the household's funds.

    With an ``idempotency_key`` used before: the same body returns the first receipt (``created`` False); a different
    body is a :class:`Conflict`. Without a key and with ``duplicate_days``: a receipt equal to one booked in those
    last days (household, amount, date, kind, reference) is a :class:`Conflict` unless ``data`` says
    ``confirm_duplicate`` (see :func:`refuse_recent_twin`).
    """
    if idempotency_key is not None:
        idempotency_key = idempotency_key.strip()
        if not idempotency_key or len(idempotency_key) > 200:
            raise ValidationError({"Idempotency-Key": Message("De Idempotency-Key is leeg of langer dan 200 tekens.")})
    errors = v.Errors()
    raw_id = _raw_household_id(data)
    statuses = household_statuses(session, [raw_id] if raw_id is not None else [])
    parsed = parse_receipt(errors, data, statuses)
    if idempotency_key is not None:
        existing = _booked_before(session, data, idempotency_key)
        if existing is not None:
            return existing, False
    errors.raise_if_any()
    assert parsed is not None
    if idempotency_key is None:
        if duplicate_days > 0 and not _confirmed(data.get("confirm_duplicate")):
            refuse_recent_twin(session, parsed, duplicate_days)
        return _book(session, actor, parsed, idempotency_key, source), True
    try:
        with session.begin_nested():
            return _book(session, actor, parsed, idempotency_key, source), True
    except IntegrityError:
        # The same key arrived twice at the same moment and the other request won the UNIQUE index: ours waited on
        # it, so its transaction has committed and its receipt is there now (the same body: that receipt, not an
        # error) or the key came with a different body (a conflict). Only this booking's savepoint is undone.
        existing = _booked_before(session, data, idempotency_key)
        if existing is None:  # pragma: no cover - another unique index than the key's
            raise
        return existing, False


def _confirmed(raw: object) -> bool:
    return raw is True or (isinstance(raw, str) and raw.strip().lower() in ("true", "on", "1", "ja", "yes"))


def refuse_recent_twin(session: Session, parsed: ReceiptInput, days: int) -> None:
    """A :class:`Conflict` when a receipt equal to ``parsed`` was booked in the last ``days`` days: a retry or a
    double submit without a key would book the money twice. The household is locked first (PostgreSQL; SQLite's
    write lock is taken at BEGIN), so two such requests at once see each other."""
    get_household(session, parsed.household_id, lock=True)
    since = utcnow() - timedelta(days=days)
    twin = session.scalar(select(Receipt).where(
        Receipt.household_id == parsed.household_id, Receipt.request_hash == parsed.request_hash(),
        Receipt.created_at >= since).order_by(Receipt.id.desc()).limit(1))
    if twin is None:
        return
    why = Message(
        "Deze ontvangst is al geboekt: ontvangst %(id)s (%(amount)s op %(date)s, %(kind)s) voor huishouden "
        "%(household)s, %(booked)s. Is dit echt een tweede ontvangst, bevestig dat dan (API: \"confirm_duplicate\": "
        "true; op het scherm: het vinkje \"Dit is een tweede ontvangst\").", id=twin.id,
        amount=format_eur(twin.amount_cents), date=twin.received_on.isoformat(),
        kind=Message(INCOME_KIND_LABELS.get(twin.kind, twin.kind)),
        household=parsed.household_id, booked=twin.created_at.astimezone(clock.LOCAL_ZONE).strftime("%d-%m-%Y %H:%M"))
    raise Conflict(why, {"confirm_duplicate": why})


def book_from_unmatched(
    session: Session, actor: Actor, data: ReceiptData, idempotency_key: str
) -> Receipt:
    """Money that waited as unmatched (it is on the bank already) is the household's after all: the same checks as
    :func:`book_receipt`, booked unmatched → household (source ``bank``). Raises :class:`ValidationError` naming the
    field."""
    errors = v.Errors()
    raw_id = _raw_household_id(data)
    parsed = parse_receipt(errors, data, household_statuses(session, [raw_id] if raw_id is not None else []))
    errors.raise_if_any()
    assert parsed is not None
    return _book(session, actor, parsed, idempotency_key, "bank", from_account=ledger.UNMATCHED)


def _booked_before(session: Session, data: Mapping[str, object], idempotency_key: str) -> Receipt | None:
    """The receipt booked earlier with ``idempotency_key`` for the same body, ``None`` when the key is new, or a
    :class:`Conflict` when the key was used for another receipt."""
    existing = session.scalar(select(Receipt).where(Receipt.idempotency_key == idempotency_key))
    if existing is None:
        return None
    # Compared as first sent: the household may have ended since, which does not make it another receipt.
    known = {existing.household_id: HouseholdStatus.ACTIVE.value} if existing.household_id is not None else {}
    replay = parse_receipt(v.Errors(), data, known)
    if replay is not None and existing.request_hash == replay.request_hash():
        return existing
    raise Conflict(Message("Deze Idempotency-Key is al gebruikt voor een andere ontvangst."))


def _book(session: Session, actor: Actor, parsed: ReceiptInput, idempotency_key: str | None, source: str,
          from_account: str = ledger.BANK) -> Receipt:
    description = _description(parsed)
    transaction = ledger.transfer(
        session,
        debit_account_id=ledger.account_id(session, from_account),
        credit_account_id=ledger.household_account_id(session, parsed.household_id),
        amount_cents=parsed.amount_cents,
        business_date=parsed.received_on,
        kind="receipt",
        description=description,
        booked_by=actor.name,
        household_id=parsed.household_id,
    )
    receipt = Receipt(
        household_id=parsed.household_id,
        amount_cents=parsed.amount_cents,
        received_on=parsed.received_on,
        kind=parsed.kind,
        reference=parsed.reference,
        source=source,
        idempotency_key=idempotency_key,
        request_hash=parsed.request_hash(),
        ledger_transaction_id=transaction.id,
        created_by=actor.name,
        created_at=utcnow(),
    )
    session.add(receipt)
    session.flush()
    record(session, actor, "receipt.booked", "receipt", receipt.id, after=receipt_snapshot(receipt))
    publish(session, ReceiptBooked(receipt_id=receipt.id, household_id=receipt.household_id,
                                   amount_cents=receipt.amount_cents, received_on=receipt.received_on,
                                   kind=receipt.kind, actor=actor))
    return receipt


@dataclass(frozen=True)
class Booked:
    """A receipt :func:`book_receipts_in_bulk` booked (or found booked before under the same key)."""

    receipt_id: int
    ledger_transaction_id: int
    created: bool


def book_receipts_in_bulk(
    session: Session, actor: Actor, wanted: Sequence[tuple[ReceiptData | ReceiptInput, str]], source: str = "bank"
) -> list[Booked | dict[str, Message]]:
    """Book many receipts at once, each as :func:`book_receipt` books one (the same checks and ledger transaction;
    one audit entry ``receipts.booked`` lists them all, as a payment run's payments are audited with their batch;
    one :class:`~budgetbeheer.households.events.ReceiptsBooked` event names them all), for the bulk paths: a bank
    statement's tens of thousands of credits. Each comes with its idempotency key; a key booked before answers with
    that receipt (the same body) or with the conflict's message. A receipt comes as a body (checked as the API
    checks it: :func:`parse_receipt`) or as a :class:`ReceiptInput` whose values are typed already (a statement's
    credit: checked by the same rules without reading text, :func:`check_typed_receipt`). What a receipt's checks
    refuse is answered with its errors (field → message) and not booked; the rest is booked, in the caller's
    transaction."""
    keys = [key for _data, key in wanted]
    before: dict[str, Receipt] = {}
    for chunk in in_chunks(session, keys):
        before.update({r.idempotency_key or "": r for r in session.scalars(
            select(Receipt).where(id_in(session, Receipt.idempotency_key, chunk)))})
    raw_ids = [i for data, _key in wanted
               if (i := data.household_id if isinstance(data, ReceiptInput) else _raw_household_id(data)) is not None]
    statuses = household_statuses(session, raw_ids)
    latest = clock.today() + timedelta(days=1)
    answers: list[Booked | dict[str, Message] | None] = []
    parsed_rows: list[tuple[int, ReceiptInput, str]] = []
    for position, (data, key) in enumerate(wanted):
        if key in before:
            try:
                existing = (_typed_booked_before(before[key], data) if isinstance(data, ReceiptInput)
                            else _booked_before(session, data, key))
            except Conflict as conflict:
                answers.append({"Idempotency-Key": conflict.message})
                continue
            assert existing is not None
            answers.append(Booked(existing.id, existing.ledger_transaction_id, False))
            continue
        errors = v.Errors()
        parsed = (check_typed_receipt(errors, data, statuses, latest) if isinstance(data, ReceiptInput)
                  else parse_receipt(errors, data, statuses))
        if parsed is None or errors:
            answers.append(dict(errors.fields))
            continue
        answers.append(None)
        parsed_rows.append((position, parsed, key))
    booked = _book_parsed_in_bulk(session, actor, [(p, key) for _i, p, key in parsed_rows], source)
    for (position, _p, _key), (receipt_id, transaction_id) in zip(parsed_rows, booked, strict=True):
        answers[position] = Booked(receipt_id, transaction_id, True)
    return [answer for answer in answers if answer is not None]


def _typed_booked_before(existing: Receipt, receipt: ReceiptInput) -> Receipt:
    """:func:`_booked_before` for a typed receipt: the receipt booked earlier under its key when it is the same
    receipt (the same request hash), else the :class:`Conflict` of a key used for another receipt."""
    if existing.request_hash == receipt.request_hash():
        return existing
    raise Conflict(Message("Deze Idempotency-Key is al gebruikt voor een andere ontvangst."))


def _book_parsed_in_bulk(session: Session, actor: Actor, parsed: Sequence[tuple[ReceiptInput, str]],
                         source: str) -> list[tuple[int, int]]:
    """Book receipts already checked, each with its key, as :func:`_book` books one (the same ledger transaction
    and receipt), in bulk: one entry ``receipts.booked`` lists them all and one event
    :class:`~budgetbeheer.households.events.ReceiptsBooked` names them all. Returns (receipt id, ledger transaction
    id) per receipt, in order."""
    if not parsed:
        return []
    bank = ledger.account_id(session, ledger.BANK)
    accounts = ledger.household_account_ids(session, [p.household_id for p, _k in parsed])
    transaction_ids = ledger.book_many(session, [
        ledger.Booking(
            business_date=p.received_on, kind="receipt", description=_description(p), booked_by=actor.name,
            legs=(ledger.Leg(bank, p.amount_cents), ledger.Leg(accounts[p.household_id], -p.amount_cents)),
            household_id=p.household_id)
        for p, _k in parsed])
    now = utcnow()
    rows = [{"household_id": p.household_id, "amount_cents": p.amount_cents, "received_on": p.received_on,
             "kind": p.kind, "reference": p.reference, "source": source, "idempotency_key": key,
             "request_hash": p.request_hash(), "ledger_transaction_id": transaction_id, "created_by": actor.name,
             "created_at": now}
            for (p, key), transaction_id in zip(parsed, transaction_ids, strict=True)]
    receipt_ids = next_ids(session, table_of(Receipt), len(rows))
    for receipt_id, row in zip(receipt_ids, rows, strict=True):
        row["id"] = receipt_id
    insert_rows(session, table_of(Receipt), rows)
    # one entry for the lot, as a payment run's payments are audited with their batch
    record(session, actor, "receipts.booked", "receipt", None, after={
        "source": source, "count": len(rows), "total": cents_to_str(sum(p.amount_cents for p, _k in parsed)),
        "receipts": [_snapshot_of(receipt_id, row) for receipt_id, row in zip(receipt_ids, rows, strict=True)]})
    publish(session, ReceiptsBooked(receipts=tuple(  # one event for the lot
        ReceiptBooked(receipt_id=receipt_id, household_id=p.household_id, amount_cents=p.amount_cents,
                      received_on=p.received_on, kind=p.kind, actor=actor)
        for (p, _key), receipt_id in zip(parsed, receipt_ids, strict=True)), actor=actor))
    return list(zip(receipt_ids, transaction_ids, strict=True))


def _description(parsed: ReceiptInput) -> str:
    label = INCOME_KIND_LABELS.get(parsed.kind, parsed.kind)
    return f"Ontvangst {label}" + (f": {parsed.reference}" if parsed.reference else "")


def _snapshot_of(receipt_id: int, row: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit trail keeps of a receipt inserted in bulk (:func:`receipt_snapshot` without the source, which
    the entry names once)."""
    return {"id": receipt_id, "household_id": row["household_id"], "amount": cents_to_str(row["amount_cents"]),
            "date": row["received_on"].isoformat(), "kind": row["kind"], "reference": row["reference"],
            "ledger_transaction_id": row["ledger_transaction_id"]}


def receipt_snapshot(receipt: Receipt) -> dict[str, Any]:
    """What the audit trail keeps of a receipt (amounts as "650.00"); the API shapes its own JSON (``households/api.py``)."""
    return {
        "id": receipt.id,
        "household_id": receipt.household_id,
        "amount": cents_to_str(receipt.amount_cents),
        "date": receipt.received_on.isoformat(),
        "kind": receipt.kind,
        "reference": receipt.reference,
        "source": receipt.source,
        "ledger_transaction_id": receipt.ledger_transaction_id,
    }


MAX_KEY = 200
IMPORT_CHUNK = 5000
"""Receipts booked (and, by the commands and the upload page, committed) per step of a CSV import."""
"""The longest idempotency key (the column's width)."""


def line_key(receipt: ReceiptInput) -> str:
    """The key of a CSV line without one: ``csv:`` and the hash of what the line says (see :func:`import_receipts_csv`)."""
    return f"csv:{receipt.request_hash()}"


RECEIPT_CSV_COLUMNS = ("household_id", "amount", "date", "kind")
RECEIPT_CSV_OPTIONAL = ("reference", "idempotency_key")


@dataclass(frozen=True)
class ImportResult:
    booked: int
    already_booked: int


_DUTCH_DATE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")


def _dutch_cells(row: dict[str, str]) -> dict[str, str]:
    """A ``csv-nl`` line as the strict reader reads every line: a date as Dutch Excel writes it (``28-11-2026``)
    becomes ``2026-11-28``; anything else is left to the same checks as in a ``csv`` file (amounts such as
    ``1.234,56`` or ``45,50`` are read by :func:`budgetbeheer.money.parse_amount` in either format)."""
    date_text = row.get("date", "")
    if (match := _DUTCH_DATE.fullmatch(date_text)) is not None:
        row = {**row, "date": f"{match[3]}-{match[2]}-{match[1]}"}
    return row


def _booked_keys(session: Session, keys: Sequence[str], legacy: Mapping[str, str], digest: str) -> dict[str, str]:
    """Of ``keys``, those booked before, each with its receipt's request hash. A receipt booked under the earlier
    ``csv:<file hash>:<line>`` key counts under the line's key (``legacy``); those are looked for only when this file
    was imported that way before (one query for the file's prefix)."""
    found: dict[str, str] = {}
    for chunk in in_chunks(session, keys):
        found.update((str(key), str(request_hash)) for key, request_hash in session.execute(
            select(Receipt.idempotency_key, Receipt.request_hash).where(id_in(session, Receipt.idempotency_key, chunk))))
    if legacy and session.scalar(select(Receipt.id).where(Receipt.idempotency_key.startswith(f"csv:{digest}:",
                                                                                             autoescape=True)).limit(1)):
        for chunk in in_chunks(session, list(legacy)):
            for key, request_hash in session.execute(select(Receipt.idempotency_key, Receipt.request_hash)
                                                     .where(id_in(session, Receipt.idempotency_key, chunk))):
                found[legacy[str(key)]] = str(request_hash)
    return found


def import_receipts_csv(
    session: Session, actor: Actor, content: bytes, source: str = "csv", file_format: str = "csv", *,
    checkpoint: Callable[[int, int], None] | None = None, chunk: int = IMPORT_CHUNK,
) -> ImportResult:
    """Book every line of a receipts CSV: each line is checked first and every error names its line; a file with an
    error books nothing.

    The lines are booked in bulk, ``chunk`` at a time; after each chunk ``checkpoint(booked, of)`` is called, which
    the commands and the upload page use to commit it (:func:`budgetbeheer.db.unit_of_work.checkpoint`) and show
    progress, so a long import never holds the database for its whole length. Each chunk is all or nothing; after a
    crash the same file imported again books only the lines not booked yet (their keys say which), so the position is
    the database's, not the process's.

    Lines without an ``idempotency_key`` get a key from their content (:func:`line_key`: household, amount, date,
    kind and reference as read, so line ends, a BOM, spaces and "45,50" against "45.50" do not matter), so the same
    lines imported again (the file re-saved with other line ends, or in another file) are booked once; two identical
    lines without a key in one file are refused, naming both. A key the earlier ``csv:<sha256 of the file>:<line>``
    form gave (before issue 17) still counts as booked.
    """
    with cycle_collector_paused():  # a long file: many small objects that live to the end, none of them cyclic
        return _import_receipts(session, actor, content, source, file_format, checkpoint, chunk)


def _import_receipts(session: Session, actor: Actor, content: bytes, source: str, file_format: str,
                     checkpoint: Callable[[int, int], None] | None, chunk: int) -> ImportResult:

    if file_format not in FORMATS:
        raise ValidationError({"format": Message("Kies het formaat: CSV (komma) of Nederlandse Excel (puntkomma).")})
    rows = read_csv(content, RECEIPT_CSV_COLUMNS, RECEIPT_CSV_OPTIONAL, file_format=file_format, offers_dutch=True)
    if file_format == "csv-nl":
        rows = [(line, _dutch_cells(row)) for line, row in rows]
    digest = hashlib.sha256(content).hexdigest()
    statuses = household_statuses(session, [i for _, row in rows if (i := _raw_household_id(row)) is not None])
    errors = v.Errors()
    parsed: list[tuple[int, ReceiptInput, str]] = []
    keys: dict[str, int] = {}
    legacy: dict[str, str] = {}
    for line, row in rows:
        line_errors = v.Errors()
        receipt = parse_receipt(line_errors, row, statuses)
        given = (row.get("idempotency_key") or "").strip()
        if len(given) > MAX_KEY:
            line_errors.add("idempotency_key", Message("De sleutel is langer dan %(maximum)s tekens.", maximum=MAX_KEY))
        key = given or (line_key(receipt) if receipt is not None else f"csv:{digest}:{line}")
        if not given and receipt is not None:
            legacy[f"csv:{digest}:{line}"] = key
        if key in keys and not given:
            line_errors.add("line", Message(
                "Regel %(line)s is gelijk aan regel %(first)s (huishouden, bedrag, datum, soort en kenmerk). Zijn het "
                "echt twee ontvangsten, geef elke regel dan een eigen idempotency_key.", line=line, first=keys[key]))
        elif key in keys:
            line_errors.add("idempotency_key", Message("Dezelfde sleutel staat ook op regel %(line)s.", line=keys[key]))
        keys.setdefault(key, line)
        for name, why in line_errors.fields.items():
            errors.add(f"regel {line}: {name}", why)
        if receipt is not None:
            parsed.append((line, receipt, key))
    existing = _booked_keys(session, list(keys), legacy, digest)
    for line, receipt, key in parsed:
        if key in existing and existing[key] != receipt.request_hash():
            errors.add(f"regel {line}: idempotency_key",
                       Message("Deze sleutel is al gebruikt voor een andere ontvangst."))
    if errors:
        raise ValidationError(errors.fields, Message("Het bestand is niet ingelezen: %(count)s fout(en).",
                                                     count=len(errors.fields)))
    wanted = [(receipt, key) for _line, receipt, key in parsed if key not in existing]
    for start in range(0, len(wanted), chunk):
        try:
            _book_parsed_in_bulk(session, actor, wanted[start:start + chunk], source)
        except IntegrityError as raced:  # the same lines booked meanwhile by another import (their keys are UNIQUE)
            raise Conflict(Message(
                "Een deel van deze regels is zojuist door een andere import geboekt. Niets van deze stap is geboekt; "
                "lees het bestand opnieuw in: wat al geboekt is, wordt overgeslagen."),
                {"file": Message("tegelijk met een andere import")}) from raced
        if checkpoint is not None:
            checkpoint(min(start + chunk, len(wanted)), len(wanted))
    return ImportResult(booked=len(wanted), already_booked=len(parsed) - len(wanted))

