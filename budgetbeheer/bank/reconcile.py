"""Does the bank agree with the books? A statement's closing balance against the ledger's bank account that day.

``difference`` = statement closing balance − the books' bank balance on the closing date. What explains it:

* ``announced_not_received_cents``: receipts booked from the API or a CSV (the books have them) on or before the
  closing date, since the first imported statement began, that no statement line booked by that day confirmed;
* what is left is ``unexplained_cents``; zero when every line is matched or queued and every announced receipt came.

``in_transit_cents`` (approved payments the bank has not shown executed yet) is given beside it: those are neither on
the statement nor in the books' bank balance, so they explain nothing, but finance wants to see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from budgetbeheer.ledger.service import BANK, IN_TRANSIT, account_id, balance
from budgetbeheer.tables.bank import BankLine, BankStatement, MatchedTo
from budgetbeheer.tables.households import Receipt


@dataclass(frozen=True)
class Reconciliation:
    on: date | None
    statement_closing_cents: int | None
    ledger_bank_balance_cents: int
    difference_cents: int | None
    announced_not_received_cents: int
    unexplained_cents: int | None
    in_transit_cents: int

    @property
    def agrees(self) -> bool:
        return self.unexplained_cents == 0


def _announced_not_received(session: Session, on: date) -> int:
    """Receipts the books have on ``on`` (from the API or a CSV, since the first imported statement's first day)
    that no statement line booked on or before ``on`` confirmed: a receipt confirmed by a later statement was still
    on its way that day."""
    first = session.scalar(select(func.min(BankStatement.from_date)))
    confirmed = select(BankLine.matched_id).where(BankLine.matched_type == MatchedTo.RECEIPT,
                                                  BankLine.booking_date <= on)
    total = session.scalar(
        select(func.coalesce(func.sum(Receipt.amount_cents), 0)).where(
            Receipt.source != "bank", Receipt.received_on <= on,
            Receipt.received_on >= (first or on),
            cast(Receipt.id, String).not_in(confirmed),
        )
    )
    return int(total or 0)


def reconcile(session: Session, statement: BankStatement) -> Reconciliation:
    on = statement.closing_date or statement.to_date
    ledger_bank = balance(session, account_id(session, BANK), on)
    announced = _announced_not_received(session, on) if on else 0
    difference = None if statement.closing_balance_cents is None else statement.closing_balance_cents - ledger_bank
    return Reconciliation(
        on=on, statement_closing_cents=statement.closing_balance_cents, ledger_bank_balance_cents=ledger_bank,
        difference_cents=difference, announced_not_received_cents=announced,
        unexplained_cents=None if difference is None else difference + announced,
        in_transit_cents=balance(session, account_id(session, IN_TRANSIT), on),
    )
