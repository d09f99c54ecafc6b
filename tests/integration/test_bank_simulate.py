"""The simulated bank reads our own pain.001 files as a bank does and writes the statement it would send."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.bank import simulate
from budgetbeheer.bank.camt import read_statements
from budgetbeheer.bank.statement_writer import statement_bytes
from budgetbeheer.config import Settings
from budgetbeheer.payments import service
from budgetbeheer.tables.payments import BankFile, PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, batch, payable_household


@pytest.fixture
def finance(make_user: Callable[..., User]) -> tuple[Actor, Actor]:
    return actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))


@pytest.mark.parametrize("shape", ["BNG", "ING", "ABNAMRO", "RABO"])
def test_the_statement_for_our_files_books_each_block_and_the_returns(
    session: Session, settings: Settings, finance: tuple[Actor, Actor], shape: str
) -> None:
    payable_household(session)
    approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
    service.export(session, finance[1], approved.id, settings)
    files = [f.content for f in session.scalars(select(BankFile).where(BankFile.batch_id == approved.id))]
    items = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == approved.id)).all()
    rent = next(i for i in items if i.kind == "rent")
    income = simulate.Credit(amount_cents=120_000, booking_date=RUN_DATE, payer_name="Gemeente", payer_iban="NL91ABNA0417164300",
                             remittance="Bijstand december")
    made = simulate.statement(files, account_iban=settings.managed_account_iban, opening_balance_cents=500_000,
                              credits=[income], returns={rent.end_to_end_id: "AC04"}, shape=shape)

    read = list(read_statements(statement_bytes(made, shape=shape)))
    assert len(read) == 1
    entries = read[0].entries
    debits = [e for e in entries if e.amount_cents < 0]
    assert sum(-e.amount_cents for e in debits) == sum(i.amount_cents for i in items)
    assert all(e.batch is not None and e.batch.number_of_transactions for e in debits)
    if shape != "BNG":
        assert sorted(t.end_to_end_id for e in debits for t in e.transfers) == sorted(i.end_to_end_id for i in items)
    returned = [e for e in entries if e.transfers and e.transfers[0].return_reason]
    assert [(e.amount_cents, e.transfers[0].return_reason) for e in returned] == [(rent.amount_cents, "AC04")]
    assert returned[0].transfers[0].original_end_to_end_id == rent.end_to_end_id
    assert read[0].closing_balance_cents == 500_000 + sum(e.amount_cents for e in entries)


def test_demo_writes_a_statement_of_the_exported_batches_and_expected_income(
    session: Session, settings: Settings, finance: tuple[Actor, Actor], cli: Callable[..., object], tmp_path: Path
) -> None:
    household = payable_household(session)
    approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
    service.export(session, finance[1], approved.id, settings)
    target = tmp_path / "afschrift.xml"
    result = cli("demo", "--bank-statement", str(target), "--shape", "BNG")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "posten" in result.output  # type: ignore[attr-defined]
    (read,) = read_statements(target)
    assert read.account_iban == settings.managed_account_iban.replace(" ", "")
    debits = [e for e in read.entries if e.amount_cents < 0]
    assert -sum(e.amount_cents for e in debits) == approved.total_cents
    assert all(e.batch is not None and not e.transfers for e in debits)  # BNG: one entry per block, no details
    credits = [e for e in read.entries if e.amount_cents > 0]
    assert credits and all(f"klantnummer {household.id}" in e.transfers[0].remittance for e in credits)
    assert read.closing_balance_cents == read.opening_balance_cents + sum(e.amount_cents for e in read.entries)
