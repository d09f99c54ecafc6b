"""A round trip through the bank: prepare, approve, export, the bank's statement, import; and what is refused."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
import time_machine
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.bank import service as bank
from budgetbeheer.bank import simulate
from budgetbeheer.bank.jobs import receipts_not_on_bank
from budgetbeheer.bank.model import PaymentInformationStatus, StatusReport, TransferStatus
from budgetbeheer.bank.statement_writer import statement_bytes, status_report_bytes
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_session_factory
from budgetbeheer.errors import Conflict, ValidationError
from budgetbeheer.ledger.service import BANK, UNMATCHED, account_id, balance, money_identity
from budgetbeheer.payments import service
from budgetbeheer.special.advances import grant_advance
from budgetbeheer.tables.bank import BankImport, BankLine, LineState
from budgetbeheer.tables.households import Receipt
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.tables.payments import BankFile, PaymentBatch, PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, batch, household_row, payable_household, receipt

INCOME_DAY = date(2026, 12, 2)


@pytest.fixture
def finance(make_user: Callable[..., User]) -> tuple[Actor, Actor]:
    return actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))


@pytest.fixture(autouse=True)
def after_the_income_day() -> object:
    with time_machine.travel("2026-12-03 09:00 +01:00", tick=False):
        yield


def _exported(session: Session, settings: Settings, finance: tuple[Actor, Actor]) -> tuple[PaymentBatch, list[bytes]]:
    approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
    service.export(session, finance[1], approved.id, settings)
    session.commit()
    files = list(session.scalars(select(BankFile.content).where(BankFile.batch_id == approved.id)))
    return approved, files


def _opening(session: Session) -> int:
    return balance(session, account_id(session, BANK), date(2026, 11, 29))


@pytest.mark.parametrize("shape", ["BNG", "ING", "ABNAMRO", "RABO"])
def test_every_payment_is_settled_or_returned_and_the_bank_agrees_with_the_books(
    session: Session, settings: Settings, finance: tuple[Actor, Actor], shape: str
) -> None:
    households = [payable_household(session, holder=f"B. Num{n}") for n in range(3)]
    approved, files = _exported(session, settings, finance)
    items = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == approved.id)).all()
    rent = next(i for i in items if i.kind == "rent" and i.household_id == households[0].id)
    water = next(i for i in items if i.kind == "water" and i.household_id == households[1].id)
    credits = [
        simulate.Credit(123_456, INCOME_DAY, "Gemeente", "NL14BNGH0285001234",
                        f"Uitkering 12-2026 klantnummer {households[2].id}"),
        simulate.Credit(4_200, INCOME_DAY, "Onbekend", "NL02ABNA0123456789", "terugbetaling"),
    ]
    made = simulate.statement(files, account_iban=settings.managed_account_iban, opening_balance_cents=_opening(session),
                              credits=credits, returns={rent.end_to_end_id: "AC04", water.end_to_end_id: "MS03"},
                              shape=shape)
    content = statement_bytes(made, shape=shape)

    result = bank.import_statements(session, finance[0], content, settings, "afschrift.xml")
    session.commit()

    assert result.created and len(result.statements) == 1
    outcome = result.outcomes[result.statements[0].id]
    statuses = dict(session.execute(select(PaymentItem.id, PaymentItem.status)
                                    .where(PaymentItem.batch_id == approved.id)).all())
    assert statuses[rent.id] == statuses[water.id] == "returned"
    assert {s for i, s in statuses.items() if i not in (rent.id, water.id)} == {"settled"}
    assert session.get(PaymentBatch, approved.id).status == "partly_returned"
    assert outcome.returned_items == 2 and outcome.receipts_booked == 1 and outcome.unmatched == 1
    booked = session.scalars(select(Receipt).where(Receipt.source == "bank")).one()
    assert (booked.household_id, booked.amount_cents) == (households[2].id, 123_456)
    queue = session.scalars(select(BankLine).where(BankLine.state == LineState.UNMATCHED)).all()
    assert [(q.amount_cents, q.counterparty_name) for q in queue] == [(4_200, "Onbekend")]
    assert balance(session, account_id(session, UNMATCHED)) == 4_200
    assert money_identity(session).holds
    figures = bank.reconciliation_of(session, result.statements[0])
    assert figures.difference_cents == 0 and figures.unexplained_cents == 0

    again = bank.import_statements(session, finance[1], content, settings)
    session.commit()
    assert not again.created and [s.id for s in again.statements] == [s.id for s in result.statements]
    assert session.scalar(select(func.count(BankImport.id))) == 1
    assert session.scalar(select(func.count(Receipt.id)).where(Receipt.source == "bank")) == 1

    other = statement_bytes(replace(made, message_id="OTHER-MSG"), shape=shape)
    with pytest.raises(Conflict):
        bank.import_statements(session, finance[1], other, settings)
    session.rollback()


def test_an_announced_receipt_is_confirmed_not_booked_twice(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    household = payable_household(session)
    _, files = _exported(session, settings, finance)
    announced = session.scalars(select(Receipt).where(Receipt.household_id == household.id)).one()
    credit = simulate.Credit(announced.amount_cents, announced.received_on, "UWV", "NL14BNGH0285001234", "Uitkering")
    opening = balance(session, account_id(session, BANK), date(2026, 11, 27))
    made = simulate.statement(files, account_iban=settings.managed_account_iban, opening_balance_cents=opening,
                              credits=[credit])
    result = bank.import_statements(session, finance[0], statement_bytes(made), settings)
    session.commit()
    assert result.outcomes[result.statements[0].id].receipts_confirmed == 1
    assert session.scalar(select(func.count(Receipt.id))) == 1
    figures = bank.reconciliation_of(session, result.statements[0])
    assert figures.unexplained_cents == 0


def test_a_statement_of_another_account_or_currency_is_refused_and_writes_nothing(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    payable_household(session)
    _, files = _exported(session, settings, finance)
    made = simulate.statement(files, account_iban="NL02ABNA0123456789", opening_balance_cents=0)
    with pytest.raises(ValidationError) as refused:
        bank.import_statements(session, finance[0], statement_bytes(made), settings)
    session.rollback()
    assert str(refused.value.fields["file"]) == (
        f"Afschrift SIM-1 is van rekening NL02ABNA0123456789, niet van de beheerrekening "
        f"{settings.managed_account_iban.replace(' ', '')}.")
    assert session.scalar(select(func.count(BankImport.id))) == 0
    assert session.scalar(select(func.count(BankLine.id))) == 0


def test_a_rejection_in_a_status_report_returns_the_payment_to_the_household(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    payable_household(session)
    approved, _ = _exported(session, settings, finance)
    rent = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == approved.id,
                                                     PaymentItem.kind == "rent")).one()
    msg_id = session.scalars(select(BankFile.msg_id).where(BankFile.batch_id == approved.id)).first()
    report = StatusReport(
        kind="pain.002.001.10", message_id="STS-1", created_at=None, original_message_id=str(msg_id),
        group_status="PART", group_reason=None,
        payment_informations=(PaymentInformationStatus(
            original_payment_information_id=f"{msg_id}-1", status="PART", reason=None,
            transfers=(TransferStatus(original_end_to_end_id=rent.end_to_end_id, original_instruction_id=None,
                                      status="RJCT", reason="AC04"),
                       TransferStatus(original_end_to_end_id="NOT-OURS", original_instruction_id=None,
                                      status="RJCT", reason="AC04")),
        ),),
    )
    content = status_report_bytes(report)
    result = bank.import_status_report(session, finance[0], content)
    session.commit()
    assert (result.record.rejected_items, result.record.unknown) == (1, 1)
    assert session.get(PaymentItem, rent.id).status == "returned"
    assert money_identity(session).holds
    assert not bank.import_status_report(session, finance[0], content).created


def test_a_gap_a_difference_ended_households_money_and_a_receipt_never_on_the_bank_are_signalled(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    household = payable_household(session)
    announced = receipt(session, household.id, "77.00", on=date(2026, 12, 3))
    ended = household_row(session, start=date(2026, 1, 1), end=date(2026, 6, 30), status="ended",
                          ended_on=date(2026, 6, 30))
    session.commit()
    first = simulate.statement([], account_iban=settings.managed_account_iban, opening_balance_cents=0,
                               statement_id="S-10", sequence_number=10,
                               credits=[simulate.Credit(1_000, date(2026, 12, 1), "X", "NL02ABNA0123456789", "x")])
    bank.import_statements(session, finance[0], statement_bytes(first), settings)
    later = simulate.statement([], account_iban=settings.managed_account_iban, opening_balance_cents=999_999,
                               statement_id="S-13", sequence_number=13,
                               credits=[simulate.Credit(2_500, date(2026, 12, 2), "Y", "NL02ABNA0123456789",
                                                        f"klantnummer {ended.id}")])
    bank.import_statements(session, finance[0], statement_bytes(later), settings)
    receipts_not_on_bank(session, finance[0], date(2026, 12, 20), settings)
    session.commit()
    kinds = sorted(session.scalars(select(Signal.kind)))
    assert kinds.count("statement_gap") == 1 and "bank_difference" in kinds
    assert "ended_household_money" in kinds
    gap = session.scalars(select(Signal).where(Signal.kind == "statement_gap")).one()
    assert "11, 12" in gap.message
    late = session.scalars(select(Signal).where(Signal.kind == "receipt_not_on_bank")).one()
    assert late.household_id == household.id and f"ontvangst {announced.id}" in late.message


def test_two_imports_of_the_same_file_racing_give_one_import(
    engine: Engine, session: Session, settings: Settings, finance: tuple[Actor, Actor], dialect: str
) -> None:
    if dialect != "postgresql":
        pytest.skip("SQLite serialises writers with one database lock; the race is a PostgreSQL question")
    payable_household(session)
    _, files = _exported(session, settings, finance)
    made = simulate.statement(files, account_iban=settings.managed_account_iban, opening_balance_cents=_opening(session))
    content = statement_bytes(made)
    factory = make_session_factory(engine)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def import_as(actor: Actor) -> None:
        own = factory()
        try:
            barrier.wait(timeout=10)
            result = bank.import_statements(own, actor, content, settings)
            own.commit()
            outcomes.append("created" if result.created else "the same")
        except Exception as error:
            own.rollback()
            outcomes.append(repr(error))
        finally:
            own.close()

    threads = [threading.Thread(target=import_as, args=(a,)) for a in finance]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["created", "the same"]
    session.expire_all()
    assert session.scalar(select(func.count(BankImport.id))) == 1
    assert session.scalar(select(func.count(BankLine.id))) == len(made.entries)
    assert money_identity(session).holds


def test_a_block_settled_by_hand_before_the_statement_is_recognised_not_booked_again(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    payable_household(session)
    approved, files = _exported(session, settings, finance)
    opening = _opening(session)
    service.mark_sent(session, finance[1], approved.id)
    service.settle(session, finance[1], approved.id, RUN_DATE)
    session.commit()
    made = simulate.statement(files, account_iban=settings.managed_account_iban, opening_balance_cents=opening,
                              shape="BNG")
    result = bank.import_statements(session, finance[0], statement_bytes(made, shape="BNG"), settings)
    session.commit()
    lines = session.scalars(select(BankLine)).all()
    assert [line.state for line in lines] == [LineState.MATCHED] * len(made.entries)
    assert balance(session, account_id(session, UNMATCHED)) == 0
    assert money_identity(session).holds
    assert bank.reconciliation_of(session, result.statements[0]).unexplained_cents == 0


@pytest.mark.parametrize("kept", [True, False], ids=["blocks kept", "file written before blocks were kept"])
def test_a_block_booked_as_one_entry_is_matched_by_the_blocks_kept_with_its_file_or_by_reading_the_file(
    session: Session, settings: Settings, finance: tuple[Actor, Actor], kept: bool
) -> None:
    payable_household(session)
    approved, files = _exported(session, settings, finance)
    stored = session.scalars(select(BankFile).where(BankFile.batch_id == approved.id)).all()
    assert all(f.blocks_json for f in stored)
    if not kept:
        session.execute(update(BankFile).where(BankFile.batch_id == approved.id).values(blocks_json=None))
    session.commit()
    made = simulate.statement(files, account_iban=settings.managed_account_iban, opening_balance_cents=_opening(session),
                              shape="BNG")
    result = bank.import_statements(session, finance[0], statement_bytes(made, shape="BNG"), settings)
    session.commit()
    assert result.outcomes[result.statements[0].id].settled_items == approved.item_count
    assert {line.state for line in session.scalars(select(BankLine))} == {LineState.MATCHED}
    assert money_identity(session).holds


def test_a_statement_credit_booked_to_a_household_recovers_its_open_advance_and_refuses_what_a_receipt_may_not_hold(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    """The statement's credits are booked as typed receipts with one ReceiptsBooked for the lot: the special
    feature still recovers an open advance from them, and the receipt checks still apply (a text with a character
    no text may hold is not booked: the line waits, saying why)."""
    household = payable_household(session)
    other = payable_household(session)
    advance = grant_advance(session, finance[0], household.id, {
        "amount": "100.00", "reason": "uitkering komt laat", "recovery": {"type": "next_income", "kind": "wages"}},
        maximum_cents=1_000_00)
    session.commit()
    made = simulate.statement([], account_iban=settings.managed_account_iban, opening_balance_cents=0, credits=[
        simulate.Credit(250_00, INCOME_DAY, "Werkgever", "NL02ABNA0123456789", f"Loon klantnummer {household.id}"),
        simulate.Credit(80_00, INCOME_DAY, "Werkgever", "NL02ABNA0123456789",
                        f"Loon klantnummer {other.id} \u202e"),
    ])
    result = bank.import_statements(session, finance[0], statement_bytes(made), settings)
    session.commit()
    outcome = result.outcomes[result.statements[0].id]
    assert (outcome.receipts_booked, outcome.unmatched) == (1, 1)
    booked = session.scalars(select(Receipt).where(Receipt.household_id == household.id, Receipt.source == "bank")).one()
    assert (booked.amount_cents, booked.kind, booked.received_on) == (250_00, "wages", INCOME_DAY)
    session.refresh(advance)
    assert advance.open_cents == 0
    waiting = session.scalars(select(BankLine).where(BankLine.state == LineState.UNMATCHED)).one()
    assert waiting.amount_cents == 80_00 and "Niet geboekt: reference" in (waiting.reason or "")
    assert money_identity(session).holds
