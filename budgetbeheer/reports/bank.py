"""The ``bank-reconciliation`` report: does the bank agree with the books (see :mod:`budgetbeheer.bank.reconcile`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.bank.reconcile import reconcile
from budgetbeheer.reports.model import Column, ColumnType, Table
from budgetbeheer.reports.queries import DateRange
from budgetbeheer.tables.bank import BankLine, BankStatement, LineState

RECONCILIATION_COLUMNS = (
    Column("statement", "Afschrift"),
    Column("account_iban", "Rekening"),
    Column("sequence_number", "Volgnummer", ColumnType.INT),
    Column("closing_date", "Datum eindsaldo", ColumnType.DATE),
    Column("closing_balance", "Eindsaldo bank", ColumnType.AMOUNT),
    Column("ledger_bank_balance", "Bank in de boeken", ColumnType.AMOUNT),
    Column("difference", "Verschil", ColumnType.AMOUNT),
    Column("announced_not_received", "Aangekondigd, nog niet ontvangen", ColumnType.AMOUNT),
    Column("unexplained", "Onverklaard", ColumnType.AMOUNT),
    Column("in_transit", "Betalingen onderweg", ColumnType.AMOUNT),
    Column("unmatched_lines", "Posten in de wachtrij", ColumnType.INT),
)
QUEUE_COLUMNS = (
    Column("line", "Bankpost", ColumnType.INT),
    Column("booking_date", "Boekdatum", ColumnType.DATE),
    Column("amount", "Bedrag (bij +, af −)", ColumnType.AMOUNT),
    Column("counterparty", "Tegenpartij"),
    Column("counterparty_iban", "IBAN tegenpartij"),
    Column("remittance", "Omschrijving"),
    Column("reason", "Waarom in de wachtrij"),
)


def _statements(session: Session, period: DateRange) -> list[BankStatement]:
    return list(session.scalars(select(BankStatement).where(
        BankStatement.closing_date >= period.start, BankStatement.closing_date <= period.end)
        .order_by(BankStatement.closing_date, BankStatement.id)))


def reconciliation_row(session: Session, statement: BankStatement) -> tuple[Any, ...]:
    figures = reconcile(session, statement)
    waiting = session.scalar(select(func.count(BankLine.id)).where(
        BankLine.statement_id == statement.id, BankLine.state == LineState.UNMATCHED))
    return (statement.statement_id, statement.account_iban, statement.sequence_number, figures.on,
            figures.statement_closing_cents, figures.ledger_bank_balance_cents, figures.difference_cents,
            figures.announced_not_received_cents, figures.unexplained_cents, figures.in_transit_cents, int(waiting or 0))


def latest_reconciliation(session: Session, period: DateRange) -> list[tuple[Any, ...]]:
    """The last statement closing in the range, as one row (none when no statement closes in it)."""
    found = _statements(session, period)
    return [reconciliation_row(session, found[-1])] if found else []


def bank_reconciliation(session: Session, period: DateRange) -> list[Table]:
    def queue() -> Iterator[tuple[Any, ...]]:
        for line in session.scalars(select(BankLine).where(
                BankLine.state == LineState.UNMATCHED, BankLine.booking_date <= period.end)
                .order_by(BankLine.booking_date, BankLine.id)):
            yield (line.id, line.booking_date, line.amount_cents, line.counterparty_name, line.counterparty_iban,
                   line.remittance, line.reason)

    return [
        Table("statements", "Aansluiting bank en boeken per afschrift", RECONCILIATION_COLUMNS,
              [reconciliation_row(session, s) for s in _statements(session, period)]),
        Table("queue", "Wachtrij: niet-toegewezen bankposten", QUEUE_COLUMNS, queue()),
    ]
