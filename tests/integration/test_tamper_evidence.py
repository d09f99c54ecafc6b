"""Issue 14, findings 8 and 9: the audit trail and the money cannot be rewritten unseen.

Each test names the finding it keeps closed (on SQLite and PostgreSQL).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor, Change, compute_hash, record, record_many, verify
from budgetbeheer.config import Settings
from budgetbeheer.errors import Conflict
from budgetbeheer.ledger.service import (
    BANK,
    UNMATCHED,
    Booking,
    Leg,
    account_id,
    book,
    book_many,
    verify_transactions,
)
from budgetbeheer.payments import service as payments
from budgetbeheer.payments.seals import verify_items
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, batch, payable_household

ACTOR = Actor("tester", request_id="req-1", client_address="127.0.0.1")
KEY = "een-sleutel-buiten-de-database"
MANAGED_IBAN = "NL46BNGH0285160126"


@pytest.fixture(autouse=True)
def before_the_run_date() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(managed_account_iban=MANAGED_IBAN)


def _fill(session: Session, n: int = 3) -> None:
    for i in range(n):
        record(session, ACTOR, "thing.changed", "thing", i, after={"n": i})
    session.commit()


def _as_owner(session: Session, dialect: str, *statements: str) -> None:
    """Change tables as a database owner would: with the protecting triggers switched off."""
    if dialect == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        for name in ("audit_entries_no_update", "ledger_postings_no_update", "ledger_transactions_no_update"):
            session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    for statement in statements:
        session.execute(text(statement))
    session.commit()


def _booking(session: Session) -> int:
    transaction = book(session, business_date=date(2026, 11, 27), kind="receipt", description="ontvangst",
                       booked_by="tester", legs=[Leg(account_id(session, BANK), 10_000),
                                                 Leg(account_id(session, UNMATCHED), -10_000)])
    session.commit()
    return transaction.id


# --------------------------------------------------------------- finding 8: INSERT OR REPLACE and the triggers


def _replace(dialect: str, table: str, columns: str, source: str, conflict: str = "id") -> str:
    if dialect == "sqlite":
        return f"INSERT OR REPLACE INTO {table} ({columns}) {source}"
    updates = ", ".join(f"{column.strip()} = EXCLUDED.{column.strip()}" for column in columns.split(","))
    return f"INSERT INTO {table} ({columns}) {source} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"


def test_finding8_insert_or_replace_cannot_rewrite_an_audit_entry(session: Session, dialect: str) -> None:
    _fill(session)
    columns = "id, recorded_at, actor, action, entity_type, previous_hash, entry_hash"
    for conflict, source in [
        ("id", "SELECT id, recorded_at, 'intruder', action, entity_type, previous_hash, entry_hash "
               "FROM audit_entries WHERE id = 2"),
        ("previous_hash", "SELECT 99, recorded_at, 'intruder', action, entity_type, previous_hash, 'other' "
                          "FROM audit_entries WHERE id = 2"),
    ]:
        with pytest.raises((IntegrityError, DBAPIError)):
            session.execute(text(_replace(dialect, "audit_entries", columns, source, conflict)))
        session.rollback()
    assert verify(session).ok and verify(session).count == 3
    assert session.scalar(select(AuditEntry.actor).where(AuditEntry.id == 2)) == "tester"


def test_finding8_insert_or_replace_cannot_rewrite_a_ledger_transaction_or_posting(
    session: Session, dialect: str
) -> None:
    transaction_id = _booking(session)
    replaces = [
        _replace(dialect, "ledger_transactions", "id, business_date, recorded_at, kind, description, booked_by",
                 "SELECT id, business_date, recorded_at, kind, 'rewritten', booked_by FROM ledger_transactions "
                 f"WHERE id = {transaction_id}"),
        _replace(dialect, "ledger_postings", "id, transaction_id, account_id, amount_cents, business_date",
                 "SELECT id, transaction_id, account_id, amount_cents * 2, business_date FROM ledger_postings "
                 f"WHERE transaction_id = {transaction_id}"),
    ]
    for statement in replaces:
        with pytest.raises((IntegrityError, DBAPIError)):
            session.execute(text(statement))
        session.rollback()
    assert verify_transactions(session).ok


# -------------------------------------------------------------------- finding 8: a key outside the database


def _rehash_everything(session: Session, dialect: str) -> None:
    """What the finding did: rewrite an entry and hash the whole chain anew, so that the keyless chain holds."""
    _as_owner(session, dialect, "UPDATE audit_entries SET actor = 'someone else' WHERE id = 2")
    previous = "0" * 64
    entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    statements = []
    for entry in entries:
        entry.previous_hash = previous
        new_hash = compute_hash(entry)
        statements.append(f"UPDATE audit_entries SET previous_hash = '{previous}', entry_hash = '{new_hash}' "
                          f"WHERE id = {entry.id}")
        previous = new_hash
    session.rollback()
    # two passes: the UNIQUE hashes must never meet halfway
    _as_owner(session, dialect, *[f"UPDATE audit_entries SET previous_hash = 'x{e.id}', entry_hash = 'y{e.id}' "
                                  f"WHERE id = {e.id}" for e in entries])
    _as_owner(session, dialect, *statements)


def test_finding8_audit_verify_signs_the_head_and_a_rehashed_trail_fails_the_kept_signature(
    session: Session, dialect: str, cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(session, 4)
    unsigned = cli("audit", "verify")
    assert unsigned.exit_code == 0 and "head unsigned: BUDGETBEHEER_AUDIT_KEY is not set" in unsigned.output
    monkeypatch.setenv("BUDGETBEHEER_AUDIT_KEY", KEY)
    signed = cli("audit", "verify")
    assert signed.exit_code == 0, signed.output
    head = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.id == 4))
    expected = hmac.new(KEY.encode(), f"budgetbeheer audit head 4 {head}".encode(), hashlib.sha256).hexdigest()
    assert f"head: entry 4 sha256 {head}" in signed.output
    assert f"signature: 4:{expected}" in signed.output
    kept = f"4:{expected}"
    assert cli("audit", "verify", "--kept", kept).exit_code == 0

    _rehash_everything(session, dialect)
    assert verify(session).ok  # the keyless chain alone is fooled ...
    rewritten = cli("audit", "verify", "--kept", kept)
    assert rewritten.exit_code == 2  # ... the signature kept with the accounts is not
    assert "the trail up to entry 4 is not what was signed" in rewritten.output


# ----------------------------------------------------------------- finding 8: postings and approved payments


def test_finding8_an_edited_posting_is_named_by_audit_verify(session: Session, dialect: str,
                                                             cli: Callable[..., Any]) -> None:
    transaction_id = _booking(session)
    assert cli("audit", "verify").exit_code == 0
    _as_owner(session, dialect, f"UPDATE ledger_postings SET amount_cents = amount_cents * 3 "
                                f"WHERE transaction_id = {transaction_id}")  # still balanced, another amount
    result = cli("audit", "verify")
    assert result.exit_code == 2
    assert f"ledger transaction {transaction_id}: the transaction or its postings do not match its seal" in result.output


def test_finding8_the_bulk_paths_seal_and_chain_like_the_single_ones(session: Session, dialect: str) -> None:
    legs = (Leg(account_id(session, BANK), 2_500), Leg(account_id(session, UNMATCHED), -2_500))
    ids = book_many(session, [Booking(date(2026, 11, 27), "receipt", f"ontvangst {n}", "tester", legs)
                              for n in range(3)])
    record_many(session, Actor("fenna", user_id=None, auth_method="cli-token"),
                [Change("thing.changed", "thing", n) for n in range(3)])
    session.commit()
    assert verify_transactions(session).sealed == 3 and verify(session).ok
    assert set(session.scalars(select(AuditEntry.auth_method))) == {"cli-token"}
    _as_owner(session, dialect, f"UPDATE ledger_postings SET amount_cents = -amount_cents WHERE transaction_id = {ids[1]}")
    assert verify_transactions(session).first_bad_id == ids[1]


@pytest.fixture
def approved(session: Session, settings: Settings, make_user: Callable[..., User]) -> PaymentBatch:
    payable_household(session)
    fatima, frank = make_user("fatima", "finance"), make_user("frank", "finance")
    prepared = batch(session, settings, RUN_DATE, actor_for(fatima), actor_for(frank))
    session.commit()
    assert prepared.status == "approved"
    return prepared


def test_finding8_an_iban_edited_in_an_approved_batch_is_refused_at_export_and_named(
    session: Session, settings: Settings, approved: PaymentBatch, cli: Callable[..., Any]
) -> None:
    assert verify_items(session).ok and verify_items(session).sealed == approved.item_count
    item_id = session.scalar(select(PaymentItem.id).where(PaymentItem.batch_id == approved.id,
                                                          PaymentItem.kind == "rent"))
    session.execute(text(f"UPDATE payment_items SET iban = 'NL02ABNA0123456789' WHERE id = {item_id}"))
    session.commit()
    with pytest.raises(Conflict) as refused:
        payments.export(session, Actor.system("test"), approved.id, settings)
    assert f"betaling {item_id} van betaalrun {approved.id} is gewijzigd na de goedkeuring" in str(refused.value)
    session.rollback()
    assert session.get(PaymentBatch, approved.id).status == "approved"  # type: ignore[union-attr]
    result = cli("audit", "verify")
    assert result.exit_code == 2 and f"payment item {item_id} changed after approval" in result.output


def test_finding8_an_untouched_approved_batch_exports_and_verifies(
    session: Session, settings: Settings, approved: PaymentBatch, cli: Callable[..., Any]
) -> None:
    payments.export(session, Actor.system("test"), approved.id, settings)
    session.commit()
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"payments: {approved.item_count} approved payments sealed, all match" in result.output


# ------------------------------------------------------------------ finding 9: a GET that changes state


def test_finding9_pain001_is_made_by_post_and_the_old_get_is_deprecated(
    session: Session, client: FlaskClient, approved: PaymentBatch, api_token: Callable[..., dict[str, str]]
) -> None:
    headers = api_token("fenna", "finance")
    url = f"/api/v1/batches/{approved.id}/pain001"
    made = client.post(url, headers=headers)
    assert made.status_code == 201 and made.headers["Location"] == url
    data = made.get_json()["data"]
    assert data["download"] == url and data["files"][0]["transactions"] == approved.item_count
    again = client.post(url, headers=headers)
    assert again.status_code == 200 and again.get_json()["data"]["files"] == data["files"]
    fetched = client.get(url, headers=headers)
    assert fetched.status_code == 200 and "Deprecation" not in fetched.headers
    assert hashlib.sha256(fetched.data).hexdigest() == data["files"][0]["sha256"]


def test_finding9_the_old_get_still_makes_the_file_with_a_deprecation_header(
    session: Session, client: FlaskClient, approved: PaymentBatch, api_token: Callable[..., dict[str, str]]
) -> None:
    headers = api_token("fenna", "finance")
    response = client.get(f"/api/v1/batches/{approved.id}/pain001", headers=headers)
    assert response.status_code == 200 and response.data.startswith(b"<?xml")
    assert response.headers["Deprecation"] == "true" and 'rel="successor-version"' in response.headers["Link"]


def test_finding8_an_item_edited_and_sealed_anew_is_caught_by_its_approvals_audit_entry(
    session: Session, settings: Settings, dialect: str, approved: PaymentBatch, cli: Callable[..., Any]
) -> None:
    """Whoever edits a row can compute its seal again; the approval's audit entry (under the signed head) cannot be
    changed unseen, and it keeps the batch's seals."""
    from budgetbeheer.payments.seals import item_digest

    item_id = session.scalar(select(PaymentItem.id).where(PaymentItem.batch_id == approved.id,
                                                          PaymentItem.kind == "rent"))
    session.execute(text(f"UPDATE payment_items SET iban = 'NL02ABNA0123456789' WHERE id = {item_id}"))
    session.execute(PaymentItem.__table__.update().where(PaymentItem.id == item_id)
                    .values(approved_hash=item_digest(dialect)))
    session.commit()
    assert verify_items(session).ok  # the row's own seal was made anew ...
    with pytest.raises(Conflict) as refused:
        payments.export(session, Actor.system("test"), approved.id, settings)
    assert "niet meer wat de goedkeuring in het auditlog vastlegde" in str(refused.value)  # ... the entry's is not
    session.rollback()
    result = cli("audit", "verify")
    assert result.exit_code == 2
    assert f"payment run {approved.id}: its approved payments are not what audit entry" in result.output


def test_finding8_an_approval_booking_edited_and_sealed_anew_is_caught(
    session: Session, dialect: str, approved: PaymentBatch, cli: Callable[..., Any]
) -> None:
    from budgetbeheer.ledger.models import Transaction
    from budgetbeheer.ledger.service import postings_of, transaction_hash

    booking = session.get(Transaction, approved.approval_transaction_id)
    assert booking is not None
    postings = postings_of(session, booking.id)
    legs = [(p.account_id, p.amount_cents * 2, p.business_date) for p in postings]  # doubled, still balanced
    forged = transaction_hash(booking.id, business_date=booking.business_date, recorded_at=booking.recorded_at,
                              kind=booking.kind, description=booking.description, booked_by=booking.booked_by,
                              idempotency_key=booking.idempotency_key, reverses_id=booking.reverses_id,
                              household_id=booking.household_id, postings=legs)
    session.rollback()
    _as_owner(session, dialect,
              f"UPDATE ledger_postings SET amount_cents = amount_cents * 2 WHERE transaction_id = {booking.id}",
              f"UPDATE ledger_transactions SET content_hash = '{forged}' WHERE id = {booking.id}")
    assert verify_transactions(session).ok  # the booking's own seal was made anew ...
    result = cli("audit", "verify")
    assert result.exit_code == 2  # ... the approval's audit entry still holds the old one
    assert f"its approval booking {booking.id} is not what audit entry" in result.output


def test_finding8_the_audit_page_shows_the_signature_and_names_an_edited_posting(
    session: Session, settings: Settings, dialect: str, make_user: Callable[..., User]
) -> None:
    from budgetbeheer.web.app import create_app
    from tests.conftest import TEST_PASSWORD

    app = create_app(settings.with_overrides(audit_key=KEY), TESTING=True, WTF_CSRF_ENABLED=False)
    make_user("anton", "accountant")
    transaction_id = _booking(session)
    browser = app.test_client()
    assert browser.post("/login", data={"username": "anton", "password": TEST_PASSWORD}).status_code == 302
    page = browser.get("/admin/audit?verify=1").get_data(as_text=True)
    assert 'data-testid="audit-signature">' in page and "alle zegels kloppen" in page
    _as_owner(session, dialect, f"UPDATE ledger_postings SET amount_cents = amount_cents * 3 "
                                f"WHERE transaction_id = {transaction_id}")
    page = browser.get("/admin/audit?verify=1").get_data(as_text=True)
    assert f"De boekhouding is na het boeken gewijzigd: ledger transaction {transaction_id}" in page
    app.extensions["budgetbeheer_engine"].dispose()
