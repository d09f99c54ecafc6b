"""The journal's rows streamed from the driver (issue 16) are the rows SQLAlchemy gives for the same query: the same
values and the same types (dates, aware UTC datetimes), on both databases, in posting order."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.ledger.models import Account, Posting, Transaction
from budgetbeheer.reports import queries
from tests.integration.test_reports_figures import Q1, build_books


def test_streamed_journal_rows_are_sqlalchemys_rows(session: Session) -> None:
    build_books(session)
    expected = [tuple(row) for row in session.execute(
        select(Posting.id, Posting.transaction_id, Transaction.business_date, Transaction.recorded_at,
               Transaction.kind, Account.code, func.coalesce(Account.household_id, Transaction.household_id),
               Posting.amount_cents, Transaction.description, Transaction.booked_by, Transaction.reverses_id)
        .join(Transaction, Transaction.id == Posting.transaction_id)
        .join(Account, Account.id == Posting.account_id)
        .where(Transaction.business_date >= Q1.start, Transaction.business_date <= Q1.end)
        .order_by(Posting.id))]
    streamed = list(queries.journal_rows(session, Q1, page_size=3))
    assert len(expected) > 6 and streamed == expected
    assert [tuple(type(v) for v in row) for row in streamed] == [tuple(type(v) for v in row) for row in expected]
    assert all(row[3].utcoffset() is not None and row[3].utcoffset().total_seconds() == 0 for row in streamed)
