"""Reversals (``RvslInd``): the bank takes back an earlier booking, and what the original did is undone."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.bank import queue as bank_queue
from budgetbeheer.bank import service as bank
from budgetbeheer.bank import simulate
from budgetbeheer.bank.model import Entry, Statement
from budgetbeheer.bank.statement_writer import statement_bytes
from budgetbeheer.config import Settings
from budgetbeheer.errors import Conflict
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.ledger.service import (
    BANK,
    IN_TRANSIT,
    MUNICIPALITY,
    UNMATCHED,
    account_id,
    balance,
    household_account_id,
    household_balance,
    money_identity,
    municipality_account_id,
    transfer,
)
from budgetbeheer.payments import service
from budgetbeheer.tables.bank import BankLine, BankStatement, LineState, MatchedTo
from budgetbeheer.tables.households import Receipt
from budgetbeheer.tables.payments import BankFile, PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, batch, payable_household

DAY1, DAY2 = date(2026, 12, 1), date(2026, 12, 2)
STRANGER = "NL02ABNA0123456789"


@pytest.fixture(autouse=True)
def after_the_run() -> Any:
    with time_machine.travel("2026-12-03 09:00 +01:00", tick=False):
        yield


@pytest.fixture
def finance(make_user: Callable[..., User]) -> tuple[Actor, Actor]:
    return actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))


def _credit(amount: int, text: str, e2e: str, ref: str, on: date = DAY1, payer: str = STRANGER) -> Entry:
    (entry,) = simulate.credit_entries([simulate.Credit(amount, on, "Betaler", payer, text, end_to_end_id=e2e)])
    return replace(entry, account_servicer_reference=ref)


def _reversal(of: Entry, ref: str, on: date = DAY2) -> Entry:
    """The bank's storno of ``of``: the opposite amount, ``RvslInd``, the same EndToEndId."""
    return replace(of, amount_cents=-of.amount_cents, reversal=True, booking_date=on, value_date=on,
                   account_servicer_reference=ref)


def _import(session: Session, settings: Settings, actor: Actor, number: int, entries: Sequence[Entry]) -> bytes:
    days = [e.booking_date for e in entries]
    previous = session.scalars(select(BankStatement).order_by(BankStatement.id.desc()).limit(1)).first()
    opening = (previous.closing_balance_cents or 0) if previous is not None else balance(
        session, account_id(session, BANK), date.fromordinal(min(days).toordinal() - 1))
    made = Statement(kind="camt.053.001.02", message_id=f"REV-{number}-MSG", statement_id=f"REV-{number}",
                     sequence_number=number, created_at=None,
                     account_iban=settings.managed_account_iban.replace(" ", ""), currency="EUR",
                     from_date=min(days), to_date=max(days), opening_balance_cents=opening,
                     closing_balance_cents=opening + sum(e.amount_cents for e in entries), closing_date=max(days),
                     entries=tuple(entries))
    content = statement_bytes(made)
    result = bank.import_statements(session, actor, content, settings, f"afschrift-{number}.xml")
    session.commit()
    for stored in result.statements:
        figures = bank.reconciliation_of(session, stored)
        assert figures.difference_cents == 0, figures
    assert money_identity(session).holds
    return content


def _line(session: Session, amount: int, reversal: bool = False) -> BankLine:
    return session.scalars(select(BankLine).where(BankLine.amount_cents == amount,
                                                  BankLine.reversal.is_(reversal))).one()


def test_a_reversed_income_takes_the_receipt_back_from_the_household(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    household = payable_household(session)
    session.commit()
    before = household_balance(session, household.id)
    income = _credit(12_345, f"Uitkering klantnummer {household.id}", "E2E-INC-1", "BANK-1")
    _import(session, settings, finance[0], 1, [income])
    original = _line(session, 12_345)
    assert original.state == LineState.MATCHED and household_balance(session, household.id) == before + 12_345

    content = _import(session, settings, finance[0], 2, [_reversal(income, "BANK-1-R")])
    storno = _line(session, -12_345, reversal=True)
    assert (storno.state, storno.matched_type, storno.matched_id) == (LineState.MATCHED, MatchedTo.LINE,
                                                                      str(original.id))
    assert household_balance(session, household.id) == before
    receipt = session.get(Receipt, int(original.matched_id or 0))
    assert receipt is not None  # kept: nothing booked is edited or deleted
    assert session.scalar(select(Transaction.id).where(Transaction.reverses_id == receipt.ledger_transaction_id))
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "bank_line.reversed")).one()
    assert audit.entity_id == str(storno.id)
    assert json.loads(audit.after_json or "{}")["original_line_id"] == original.id
    assert json.loads(audit.before_json or "{}") == {"state": "unmatched"}
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "receipt.reversed")) == 1

    again = bank.import_statements(session, finance[1], content, settings)  # the same file: nothing changes
    session.commit()
    assert not again.created and household_balance(session, household.id) == before

    # a second storno of the same income finds nothing left to undo: it waits
    _import(session, settings, finance[0], 3, [_reversal(income, "BANK-1-R2", on=date(2026, 12, 3))])
    waiting = session.scalars(select(BankLine).where(BankLine.reversal.is_(True),
                                                     BankLine.state == LineState.UNMATCHED)).one()
    assert "niet gevonden" in (waiting.reason or "")
    assert household_balance(session, household.id) == before
    with pytest.raises(Conflict):  # the bank undid it: nothing for a person to undo
        bank_queue.unassign(session, finance[0], original.id, "fout")
    session.rollback()


def test_a_reversal_without_its_original_waits_in_the_queue(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    unknown = _reversal(_credit(5_000, "iets", "E2E-NOBODY", "BANK-X"), "BANK-X-R", on=DAY1)
    _import(session, settings, finance[0], 1, [unknown])
    line = _line(session, -5_000, reversal=True)
    assert line.state == LineState.UNMATCHED and "oorspronkelijke post is niet gevonden" in (line.reason or "")
    assert balance(session, account_id(session, UNMATCHED)) == -5_000


def test_a_reversed_credit_assigned_to_a_household_or_an_account_is_undone(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    household = payable_household(session)
    session.commit()
    before = household_balance(session, household.id)
    gift = _credit(4_200, "terugbetaling", "E2E-GIFT", "BANK-G")
    topup = _credit(50_000, "aanvulling", "E2E-TOPUP", "BANK-T")
    _import(session, settings, finance[0], 1, [gift, topup])
    bank.assign_line(session, finance[0], _line(session, 4_200).id, {"household_id": household.id})
    bank_queue.assign_to_account(session, finance[0], _line(session, 50_000).id, MUNICIPALITY, "aanvulling")
    session.commit()
    assert household_balance(session, household.id) == before + 4_200

    _import(session, settings, finance[0], 2, [_reversal(gift, "BANK-G-R"), _reversal(topup, "BANK-T-R")])
    for amount in (-4_200, -50_000):
        assert _line(session, amount, reversal=True).state == LineState.MATCHED
    assert household_balance(session, household.id) == before
    assert balance(session, municipality_account_id(session, MUNICIPALITY)) == 0
    assert balance(session, account_id(session, UNMATCHED)) == 0


def test_a_reversal_of_money_already_paid_out_waits_with_the_reason(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    household = payable_household(session, balance=None)
    session.commit()
    income = _credit(10_000, f"klantnummer {household.id}", "E2E-PAID", "BANK-P")
    _import(session, settings, finance[0], 1, [income])
    transfer(session, debit_account_id=household_account_id(session, household.id),  # the money is on its way out
             credit_account_id=account_id(session, IN_TRANSIT), amount_cents=6_000, business_date=DAY1,
             kind="test_payout", description="leefgeld", booked_by="test", household_id=household.id)
    session.commit()
    _import(session, settings, finance[0], 2, [_reversal(income, "BANK-P-R")])
    storno = _line(session, -10_000, reversal=True)
    assert storno.state == LineState.UNMATCHED and "60.00" in (storno.reason or "")
    assert household_balance(session, household.id) == 4_000


def test_a_reversed_settlement_or_return_waits_with_the_reason(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    payable_household(session)
    approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
    service.export(session, finance[1], approved.id, settings)
    session.commit()
    files = list(session.scalars(select(BankFile.content).where(BankFile.batch_id == approved.id)))
    rent = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == approved.id,
                                                     PaymentItem.kind == "rent")).one()
    made = simulate.statement(files, account_iban=settings.managed_account_iban, opening_balance_cents=0,
                              returns={rent.end_to_end_id: "MS03"})
    debit = next(e for e in made.entries if e.amount_cents < 0)
    returned = next(e for e in made.entries if e.amount_cents > 0)
    _import(session, settings, finance[0], 1, list(made.entries))
    statuses = set(session.scalars(select(PaymentItem.status).where(PaymentItem.batch_id == approved.id)))
    assert statuses == {"settled", "returned"}

    later = date(2026, 12, 3)
    _import(session, settings, finance[0], 2, [_reversal(debit, "R-DEBIT", on=later),
                                               _reversal(returned, "R-RETURN", on=later)])
    stornos = session.scalars(select(BankLine).where(BankLine.reversal.is_(True))).all()
    assert {line.state for line in stornos} == {LineState.UNMATCHED}
    reasons = " ".join(line.reason or "" for line in stornos)
    assert "blijven als afgeschreven geboekt" in reasons and "toch uitgevoerd" in reasons
    assert set(session.scalars(select(PaymentItem.status).where(PaymentItem.batch_id == approved.id))) == statuses


def test_a_reversal_in_the_same_statement_as_its_original_undoes_it(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    household = payable_household(session)
    session.commit()
    before = household_balance(session, household.id)
    income = _credit(8_800, f"Toeslag klantnummer {household.id}", "E2E-SAME", "BANK-S")
    _import(session, settings, finance[0], 1, [income, _reversal(income, "BANK-S-R", on=DAY1)])
    storno = _line(session, -8_800, reversal=True)
    assert (storno.state, storno.matched_id) == (LineState.MATCHED, str(_line(session, 8_800).id))
    assert household_balance(session, household.id) == before
