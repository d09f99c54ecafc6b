from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer.errors import LedgerError
from budgetbeheer.ledger import service as ledger
from tests.factories import ledger_account

DAY = date(2026, 11, 2)


def test_balanced_booking_moves_money_and_balances_follow(session: Session) -> None:
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    ledger.transfer(session, debit_account_id=bank, credit_account_id=funds, amount_cents=123_45,
                    business_date=DAY, kind="receipt", description="bijstand", booked_by="test")
    session.commit()
    assert ledger.balance(session, bank) == 123_45
    assert ledger.balance(session, funds) == 123_45
    assert ledger.balance(session, funds, as_of=date(2026, 11, 1)) == 0
    assert ledger.money_identity(session).holds


def test_python_refuses_unbalanced_and_zero(session: Session) -> None:
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    with pytest.raises(LedgerError):
        ledger.book(session, business_date=DAY, kind="x", description="x", booked_by="t",
                    legs=[ledger.Leg(bank, 100), ledger.Leg(funds, -99)])
    with pytest.raises(LedgerError):
        ledger.book(session, business_date=DAY, kind="x", description="x", booked_by="t",
                    legs=[ledger.Leg(bank, 0), ledger.Leg(funds, 0)])


def test_idempotency_key_books_once(session: Session) -> None:
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    first = ledger.transfer(session, debit_account_id=bank, credit_account_id=funds, amount_cents=500,
                            business_date=DAY, kind="receipt", description="x", booked_by="t", idempotency_key="k1")
    second = ledger.transfer(session, debit_account_id=bank, credit_account_id=funds, amount_cents=500,
                             business_date=DAY, kind="receipt", description="x", booked_by="t", idempotency_key="k1")
    session.commit()
    assert first.id == second.id
    assert ledger.balance(session, funds) == 500


def test_reversal_points_at_original_and_only_once(session: Session) -> None:
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    original = ledger.transfer(session, debit_account_id=bank, credit_account_id=funds, amount_cents=700,
                               business_date=DAY, kind="receipt", description="x", booked_by="t")
    reversal = ledger.reverse(session, original.id, business_date=DAY, booked_by="t", reason="dubbel")
    session.commit()
    assert reversal.reverses_id == original.id
    assert ledger.balance(session, funds) == 0
    with pytest.raises(LedgerError):
        ledger.reverse(session, original.id, business_date=DAY, booked_by="t", reason="nogmaals")


def _raw(session: Session, sql: str) -> None:
    session.execute(text(sql))
    session.commit()


def test_database_refuses_unbalanced_raw_insert(session: Session) -> None:
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    session.commit()
    with pytest.raises((IntegrityError, DBAPIError)):
        session.execute(text(f"INSERT INTO ledger_postings (transaction_id, account_id, amount_cents, business_date) VALUES (900, {bank}, 100, '2026-11-02')"))
        session.execute(text(f"INSERT INTO ledger_postings (transaction_id, account_id, amount_cents, business_date) VALUES (900, {funds}, -90, '2026-11-02')"))
        session.execute(text("INSERT INTO ledger_transactions (id, business_date, recorded_at, kind, description, booked_by) "
                             "VALUES (900, '2026-11-02', '2026-11-02 10:00:00', 'x', 'x', 'raw')"))
        session.commit()
    session.rollback()


def test_database_refuses_postings_dated_otherwise_than_their_transaction(session: Session) -> None:
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    session.commit()
    with pytest.raises((IntegrityError, DBAPIError)):
        session.execute(text(f"INSERT INTO ledger_postings (transaction_id, account_id, amount_cents, business_date) VALUES (902, {bank}, 100, '2026-11-02')"))
        session.execute(text(f"INSERT INTO ledger_postings (transaction_id, account_id, amount_cents, business_date) VALUES (902, {funds}, -100, '2025-01-01')"))
        session.execute(text("INSERT INTO ledger_transactions (id, business_date, recorded_at, kind, description, booked_by) "
                             "VALUES (902, '2026-11-02', '2026-11-02 10:00:00', 'x', 'x', 'raw')"))
        session.commit()
    session.rollback()


def test_a_balanced_raw_insert_in_the_right_order_is_accepted(session: Session) -> None:
    """The triggers refuse what is wrong, not raw SQL as such: the control case for the refusals above."""
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    session.commit()
    session.execute(text(f"INSERT INTO ledger_postings (transaction_id, account_id, amount_cents, business_date) VALUES (903, {bank}, 100, '2026-11-02')"))
    session.execute(text(f"INSERT INTO ledger_postings (transaction_id, account_id, amount_cents, business_date) VALUES (903, {funds}, -100, '2026-11-02')"))
    session.execute(text("INSERT INTO ledger_transactions (id, business_date, recorded_at, kind, description, booked_by) "
                         "VALUES (903, '2026-11-02', '2026-11-02 10:00:00', 'x', 'x', 'raw')"))
    session.commit()
    assert ledger.balance(session, funds) == 100


def test_database_refuses_postings_without_transaction(session: Session) -> None:
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    session.commit()
    with pytest.raises((IntegrityError, DBAPIError)):
        session.execute(text(f"INSERT INTO ledger_postings (transaction_id, account_id, amount_cents, business_date) VALUES (901, {bank}, 100, '2026-11-02')"))
        session.execute(text(f"INSERT INTO ledger_postings (transaction_id, account_id, amount_cents, business_date) VALUES (901, {funds}, -100, '2026-11-02')"))
        session.commit()
    session.rollback()


def test_database_refuses_adding_a_posting_to_a_booked_transaction(session: Session) -> None:
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    booked = ledger.transfer(session, debit_account_id=bank, credit_account_id=funds, amount_cents=100,
                             business_date=DAY, kind="receipt", description="x", booked_by="t")
    session.commit()
    with pytest.raises((IntegrityError, DBAPIError)):
        session.execute(text(f"INSERT INTO ledger_postings (transaction_id, account_id, amount_cents, business_date) VALUES ({booked.id}, {bank}, 5, '2026-11-02')"))
        session.commit()
    session.rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_postings SET amount_cents = amount_cents * 2",
        "DELETE FROM ledger_postings",
        "UPDATE ledger_transactions SET description = 'changed'",
        "DELETE FROM ledger_transactions",
    ],
)
def test_database_refuses_changing_booked_rows(session: Session, statement: str) -> None:
    bank = ledger.account_id(session, ledger.BANK)
    funds = ledger_account(session)
    ledger.transfer(session, debit_account_id=bank, credit_account_id=funds, amount_cents=100,
                    business_date=DAY, kind="receipt", description="x", booked_by="t")
    session.commit()
    with pytest.raises((IntegrityError, DBAPIError)):
        session.execute(text(statement))
        session.commit()
    session.rollback()
    assert ledger.balance(session, funds) == 100
