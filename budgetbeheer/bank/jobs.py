"""The bank's daily job: announced receipts that never showed on the bank (registered in :mod:`.plugin`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.bank.events import ReceiptNotOnBank
from budgetbeheer.config import Settings
from budgetbeheer.events import publish
from budgetbeheer.jobs import JobRegistry
from budgetbeheer.tables.bank import BankLine, BankStatement, MatchedTo
from budgetbeheer.tables.households import Receipt


def receipts_not_on_bank(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
    """Every receipt booked from the API or a CSV on or after the first imported statement's start, at least
    ``receipt_not_on_bank_days`` before ``run_for``, that no statement line has confirmed: one event each (lifecycle
    raises a signal for finance, once per receipt). Nothing while no statement was ever imported."""
    first = session.scalar(select(func.min(BankStatement.from_date)))
    if first is None:
        return "nog geen bankafschrift ingelezen"
    days = settings.receipt_not_on_bank_days
    confirmed = select(BankLine.matched_id).where(BankLine.matched_type == MatchedTo.RECEIPT)
    late = list(session.scalars(select(Receipt).where(
        Receipt.source != "bank", Receipt.household_id.is_not(None), Receipt.received_on >= first,
        Receipt.received_on <= run_for - timedelta(days=days), cast(Receipt.id, String).not_in(confirmed),
    ).order_by(Receipt.id)))
    for receipt in late:
        assert receipt.household_id is not None
        publish(session, ReceiptNotOnBank(receipt_id=receipt.id, household_id=receipt.household_id,
                                          amount_cents=receipt.amount_cents, received_on=receipt.received_on,
                                          days=days))
    return f"{len(late)} aangekondigde ontvangsten niet op de bank"


def register(jobs: JobRegistry) -> None:
    jobs.add("bank.receipts_not_on_bank", receipts_not_on_bank, order=40,
             description="Signaleert aangekondigde ontvangsten die na een aantal dagen niet op de bank stonden.")
