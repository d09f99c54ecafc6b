"""``budgetbeheer demo --bank-statement FILE``: the statement the bank would send for the demo, to try the import.

Every exported batch not yet settled is booked as the bank books it (one entry per payment-information block), and
each active household's expected income arrives once, on its next day from today, from the demo benefit
administration with the household's number in the text. The opening balance is the ledger's bank balance, so a
complete import leaves no difference.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.bank import simulate
from budgetbeheer.bank.statement_writer import write_statement
from budgetbeheer.config import Settings
from budgetbeheer.domain.schedule import due_dates
from budgetbeheer.ledger.service import BANK, account_id, balance
from budgetbeheer.tables.households import ExpectedIncome, Household
from budgetbeheer.tables.payments import BankFile, PaymentBatch
from budgetbeheer.tables.states import BatchStatus, HouseholdStatus

PAYER_NAME = "Gemeente Demo, Werk en Inkomen"
PAYER_IBAN = "NL14BNGH0285001234"
"""The demo's benefit administration (a matching rule can recognise it by this IBAN)."""


def _next_day(income: ExpectedIncome, today: date) -> date | None:
    days = due_dates("monthly", income.day, income.start_date, income.end_date, today, today + timedelta(days=40))
    return days[0] if days else None


def write_demo_statement(session: Session, settings: Settings, target: Path, *, shape: str = "ING") -> str:
    """Write the statement to ``target``; returns a line for the user."""
    today = clock.today()
    files = list(session.scalars(
        select(BankFile.content).join(PaymentBatch, PaymentBatch.id == BankFile.batch_id)
        .where(PaymentBatch.status.in_((BatchStatus.EXPORTED, BatchStatus.SENT)))
        .order_by(BankFile.batch_id, BankFile.sequence)
    ))
    credits = []
    for income, household in session.execute(
        select(ExpectedIncome, Household).join(Household, Household.id == ExpectedIncome.household_id)
        .where(Household.status == HouseholdStatus.ACTIVE).order_by(ExpectedIncome.id)
    ).all():
        day = _next_day(income, today)
        if day is not None:
            credits.append(simulate.Credit(
                amount_cents=income.amount_cents, booking_date=day, payer_name=PAYER_NAME, payer_iban=PAYER_IBAN,
                remittance=f"Uitkering {day:%m-%Y} klantnummer {household.id} {income.kind}",
            ))
    made = simulate.statement(
        files, account_iban=settings.managed_account_iban,
        opening_balance_cents=balance(session, account_id(session, BANK)), credits=credits, shape=shape,
        statement_id=f"DEMO-{today:%Y%m%d}", sequence_number=int(f"{today:%j}"),
    )
    write_statement(target, made, shape=shape)
    return (f"{target}: {len(made.entries)} posten ({len(files)} betaalbestanden, {len(credits)} ontvangsten), "
            f"beginsaldo {made.opening_balance_cents}, eindsaldo {made.closing_balance_cents} (centen)")
