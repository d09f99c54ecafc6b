"""The bank round trip over several weeks, as a property: whatever the bank does, the books follow it.

The world. Each example starts from an empty database with one to three households (:func:`payable_household`: rent,
health insurance, energy and water on the 1st, weekly leefgeld, 1,500.00 received on 28 November). For two or three
weeks from Monday 30 November, on the Friday before each Monday the week's run is prepared, approved by a second
finance user and exported; the bank may reject some of its transfers at once (a pain.002 with ``RJCT``, imported the
next moment); on the Friday of the week the bank's statement for the week is imported. The bank books the run as one
entry per payment block (BNG: ``Btch`` only, matched by ``PmtInfId``; a block with a rejection is booked per
transfer instead, as the matcher refuses a block whose count or total disagrees), as one entry per block with a
``TxDtls`` per transfer (ING, ABN AMRO, Rabobank) or as one entry per transfer; it returns some transfers one to three
days later (with reason codes that hold the IBAN or not). Income per household and week: none; announced through the
service (a receipt, as the benefit system posts it) and on the bank the same day; announced on Friday and on the
bank only on the next Monday (late: in the next week's statement); or unannounced with ``klantnummer N`` in the text;
next to it, money from strangers that no household explains. Sometimes the bank reverses (``RvslInd``) an
unannounced income of the week before.

The property, after the last week: every payment that went to the bank is settled or returned (none still
``approved``); every credit line is booked (matched or assigned) or waits in the queue with its booking bank ↔
unmatched, and exactly the strangers' money waits; every debit that is not a reversal is matched; the money identity
holds; no statement leaves an unexplained difference and the last one (nothing announced left on its way) none at
all; importing every statement and status report again changes nothing.

Bounded: a few examples per database (``BUDGETBEHEER_BANK_EXAMPLES``), no deadline, no shrinking (an example takes a
few seconds; a failure prints its world).
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.bank import service as bank
from budgetbeheer.bank import simulate
from budgetbeheer.bank.model import Entry, PaymentInformationStatus, Statement, StatusReport, TransferStatus
from budgetbeheer.bank.statement_writer import statement_bytes, status_report_bytes
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_engine, make_session_factory
from budgetbeheer.ledger.models import Transaction
from budgetbeheer.ledger.service import BANK, account_id, balance, ensure_system_accounts, money_identity
from budgetbeheer.payments import service as payments
from budgetbeheer.tables.bank import BankLine, BankStatement, LineState
from budgetbeheer.tables.households import Receipt
from budgetbeheer.tables.payments import BankFile, PaymentBatch, PaymentItem
from budgetbeheer.users.service import actor_for, create_user
from tests.conftest import TEST_PASSWORD, PostgresDatabase
from tests.factories import RUN_DATE, payable_household, receipt

EXAMPLES = int(os.environ.get("BUDGETBEHEER_BANK_EXAMPLES", "6"))
STRANGER = "NL02ABNA0123456789"
PAYER = "NL14BNGH0285001234"
INCOME = ("none", "announced", "late", "unannounced")


@dataclass(frozen=True)
class Week:
    booking: str
    """``block`` (BNG), ``batch`` (a ``TxDtls`` per transfer) or ``per_transfer`` (one entry each)."""
    shape: str
    returns: tuple[tuple[int, str], ...]
    """(index into the week's payments, reason code)."""
    rejections: tuple[tuple[int, str], ...]
    incomes: tuple[tuple[str, int], ...]
    """Per household: what comes in (:data:`INCOME`) and on which weekday (0 Monday .. 4 Friday)."""
    strangers: int
    base_cents: int
    storno: bool
    """The bank reverses an unannounced income of the week before."""


@dataclass(frozen=True)
class World:
    households: int
    weeks: tuple[Week, ...]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    households = draw(st.integers(1, 3))
    count = draw(st.integers(2, 3))
    weeks = []
    for number in range(count):
        booking = draw(st.sampled_from(["block", "batch", "per_transfer"]))
        shape = "BNG" if booking == "block" else draw(st.sampled_from(["ING", "ABNAMRO", "RABO", "BNG"]
                                                                     if booking == "per_transfer"
                                                                     else ["ING", "ABNAMRO", "RABO"]))
        kinds = INCOME if number < count - 1 else ("none", "announced", "unannounced")  # nothing late after the end
        weeks.append(Week(
            booking=booking, shape=shape,
            returns=tuple(draw(st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["AC04", "MS03", "MD07"])),
                                        max_size=2))),
            rejections=tuple(draw(st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["AC01", "AM04"])),
                                           max_size=1))),
            incomes=tuple((draw(st.sampled_from(kinds)), draw(st.integers(0, 4))) for _ in range(households)),
            strangers=draw(st.integers(0, 2)), base_cents=draw(st.integers(5, 90)) * 1_000,
            storno=number > 0 and draw(st.booleans()),
        ))
    return World(households, tuple(weeks))


@dataclass
class Bank:
    """What was sent to the bank and what it sent back, to check and to import again."""

    files: list[bytes]
    opening_cents: int
    late: list[Entry]
    unannounced: list[Entry]
    strangers: int = 0


def _per_transfer(blocks: list[simulate.SentBlock], excluded: set[str]) -> Iterator[Entry]:
    for block in blocks:
        for entry in simulate.debit_entries([replace(block, transfers=(t,)) for t in block.transfers
                                             if t.end_to_end_id not in excluded], shape="ING", with_batch=False):
            yield replace(entry, batch=None, entry_reference=None)


def _debits(week: Week, blocks: list[simulate.SentBlock], rejected: set[str]) -> tuple[list[Entry], str]:
    booking = "per_transfer" if week.booking == "block" and rejected else week.booking
    if booking == "block":
        return list(simulate.debit_entries(blocks, shape="BNG")), "BNG"
    if booking == "per_transfer":
        return list(_per_transfer(blocks, rejected)), week.shape
    entries = []
    for entry in simulate.debit_entries(blocks, shape="ING"):
        kept = tuple(t for t in entry.transfers if t.end_to_end_id not in rejected)
        if kept:
            entries.append(replace(entry, transfers=kept, amount_cents=-sum(t.amount_cents or 0 for t in kept)))
    return entries, week.shape if week.shape != "BNG" else "ING"


class RoundTrip:
    def __init__(self, url: str, settings_: Settings, traveller: time_machine.Coordinates, world: World) -> None:
        self.settings = settings_
        self.world = world
        self.traveller = traveller
        self.engine = make_engine(url, sqlite_begin="DEFERRED")
        self.session: Session = make_session_factory(self.engine)()
        ensure_system_accounts(self.session)
        system = Actor.system("test")
        self.finance = [actor_for(create_user(self.session, system, username=name, roles=["finance"],
                                              password=TEST_PASSWORD)) for name in ("fatima", "frank")]
        self.at(RUN_DATE - timedelta(days=3), 8)
        self.households = [payable_household(self.session, holder=f"B. Num{n}").id for n in range(world.households)]
        self.session.commit()
        self.bank = Bank(files=[], late=[], unannounced=[],
                         opening_cents=balance(self.session, account_id(self.session, BANK), RUN_DATE - timedelta(1)))
        self.imported: list[bytes] = []
        self.reports: list[bytes] = []
        self.statements: list[int] = []

    def close(self) -> None:
        self.session.close()
        self.engine.dispose()

    def at(self, day: date, hour: int) -> None:
        self.traveller.move_to(datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC))

    def run(self) -> None:
        for number, week in enumerate(self.world.weeks):
            self.week(number, week)

    def _export(self, monday: date) -> tuple[PaymentBatch | None, list[bytes]]:
        session = self.session
        self.at(monday - timedelta(days=3), 20)
        prepared, _ = payments.prepare_run(session, self.finance[0], monday, self.settings)
        if not prepared.item_count:
            session.commit()
            return None, []
        payments.approve(session, self.finance[1], prepared.id)
        payments.export(session, self.finance[1], prepared.id, self.settings)
        session.commit()
        return prepared, list(session.scalars(select(BankFile.content).where(BankFile.batch_id == prepared.id)
                                             .order_by(BankFile.sequence)))

    def _reject(self, week: Week, files: list[bytes], blocks: list[simulate.SentBlock]) -> set[str]:
        transfers = [t for block in blocks for t in block.transfers]
        wanted = {transfers[i % len(transfers)].end_to_end_id: code for i, code in week.rejections} if transfers \
            else {}
        if not wanted:
            return set()
        self.at(blocks[0].execution_date - timedelta(days=3), 21)
        for content in files:
            sent = list(simulate.read_pain001(content))
            report = StatusReport(
                kind="pain.002.001.10", message_id=f"STS-{sent[0].message_id}"[:35], created_at=None,
                original_message_id=sent[0].message_id, group_status="PART", group_reason=None,
                payment_informations=tuple(PaymentInformationStatus(
                    original_payment_information_id=block.payment_information_id, status="PART", reason=None,
                    transfers=tuple(TransferStatus(original_end_to_end_id=t.end_to_end_id,
                                                   original_instruction_id=None,
                                                   status="RJCT" if t.end_to_end_id in wanted else "ACCP",
                                                   reason=wanted.get(t.end_to_end_id))
                                    for t in block.transfers)) for block in sent))
            content_ = status_report_bytes(report)
            bank.import_status_report(self.session, self.finance[0], content_, "pain002.xml")
            self.session.commit()
            self.reports.append(content_)
        return set(wanted)

    def week(self, number: int, week: Week) -> None:
        monday = RUN_DATE + timedelta(days=7 * number)
        _, files = self._export(monday)
        blocks = [block for content in files for block in simulate.read_pain001(content)]
        rejected = self._reject(week, files, blocks)
        debits, shape = _debits(week, blocks, rejected)
        executed = [t for block in blocks for t in block.transfers if t.end_to_end_id not in rejected]
        returns = {executed[i % len(executed)].end_to_end_id: code for i, code in week.returns} if executed else {}
        entries: list[Entry] = [*debits, *simulate.return_entries(blocks, returns, days_later=1 + number % 3)]
        entries += self.bank.late
        self.bank.late = []
        self.at(monday + timedelta(days=4), 8)  # Friday of the week: what the benefit system posted by now
        if week.storno and self.bank.unannounced:
            original = self.bank.unannounced[0]
            entries.append(replace(original, amount_cents=-original.amount_cents, reversal=True,
                                   booking_date=monday + timedelta(days=1), value_date=monday + timedelta(days=1),
                                   account_servicer_reference=f"STORNO-{number}"))
        self.bank.unannounced = []
        for index, (household, (kind, weekday)) in enumerate(zip(self.households, week.incomes, strict=True)):
            cents = week.base_cents + 10 * number + index + 1
            day = monday + timedelta(days=weekday)
            if kind == "announced":
                receipt(self.session, household, f"{cents / 100:.2f}", on=day, reference="uitkering")
                entries += self._credit(cents, day, "Uitkering", f"ANN-{number}-{index}")
            elif kind == "late":
                friday = monday + timedelta(days=4)
                receipt(self.session, household, f"{cents / 100:.2f}", on=friday, reference="uitkering")
                self.bank.late += self._credit(cents, monday + timedelta(days=7), "Uitkering",
                                               f"LATE-{number}-{index}")
            elif kind == "unannounced":
                credit = self._credit(cents + 100, day, f"Toeslag klantnummer {household}", f"UNA-{number}-{index}")
                entries += credit
                self.bank.unannounced += credit
        for stranger in range(week.strangers):
            (gift,) = simulate.credit_entries([simulate.Credit(week.base_cents + 200 + 10 * number + stranger,
                                                               monday + timedelta(days=stranger), "Onbekend",
                                                               STRANGER, "gift", f"GIFT-{number}-{stranger}")])
            entries.append(gift)
        self.bank.strangers += week.strangers
        self.session.commit()
        self.at(monday + timedelta(days=4), 18)
        self._import(number, sorted(entries, key=lambda e: e.booking_date), shape)

    def _credit(self, cents: int, day: date, text: str, e2e: str) -> list[Entry]:
        return [replace(entry, account_servicer_reference=f"REF-{e2e}") for entry in simulate.credit_entries(
            [simulate.Credit(cents, day, "Gemeente Voorbeeld", PAYER, text, e2e)])]

    def _import(self, number: int, entries: list[Entry], shape: str) -> None:
        if not entries:
            return
        days = [e.booking_date for e in entries]
        closing = self.bank.opening_cents + sum(e.amount_cents for e in entries)
        made = Statement(kind="camt.053.001.02", message_id=f"WEEK-{number}-MSG", statement_id=f"2026-W{number}",
                         sequence_number=number + 1, created_at=None,
                         account_iban=self.settings.managed_account_iban.replace(" ", ""), currency="EUR",
                         from_date=min(days), to_date=max(days), opening_balance_cents=self.bank.opening_cents,
                         closing_balance_cents=closing, closing_date=max(days), entries=tuple(entries))
        content = statement_bytes(made, shape=shape)
        result = bank.import_statements(self.session, self.finance[0], content, self.settings, f"week-{number}.xml")
        self.session.commit()
        assert result.created
        self.imported.append(content)
        self.statements += [s.id for s in result.statements]
        self.bank.opening_cents = closing

    # ------------------------------------------------------------------------------------------------ the property

    def check(self) -> None:
        session = self.session
        waiting = session.scalar(select(func.count(PaymentItem.id)).join(
            PaymentBatch, PaymentBatch.id == PaymentItem.batch_id).where(
            PaymentBatch.status != "cancelled", PaymentItem.status == "approved"))
        assert waiting == 0, "payments still on their way to the bank after its statements"
        lines = list(session.scalars(select(BankLine)))
        for line in lines:
            if line.amount_cents > 0:
                assert line.state in (LineState.MATCHED, LineState.ASSIGNED) or (
                    line.state == LineState.UNMATCHED and line.ledger_transaction_id is not None), line.reason
            elif not line.reversal:
                assert line.state == LineState.MATCHED, line.reason
        queued = [line for line in lines if line.amount_cents > 0 and line.state == LineState.UNMATCHED]
        assert len(queued) == self.bank.strangers and {q.counterparty_iban for q in queued} <= {STRANGER}, \
            [q.reason for q in queued]
        assert money_identity(session).holds
        for position, statement_id in enumerate(self.statements):
            stored = session.get(BankStatement, statement_id)
            assert stored is not None
            figures = bank.reconciliation_of(session, stored)
            assert figures.unexplained_cents == 0, figures
            if position == len(self.statements) - 1:
                assert figures.difference_cents == 0, figures

        def counts() -> tuple[int, ...]:
            return tuple(int(session.scalar(select(func.count()).select_from(table)) or 0)
                         for table in (Transaction, BankLine, Receipt, AuditEntry, PaymentItem))

        before = counts()
        for content in self.imported:
            assert not bank.import_statements(session, self.finance[1], content, self.settings).created
        for content in self.reports:
            assert not bank.import_status_report(session, self.finance[1], content).created
        session.commit()
        assert counts() == before


@pytest.fixture
def fresh_database(db_url: str, dialect: str, tmp_path: Path, sqlite_template: Path,
                   postgres_database: PostgresDatabase | None) -> Callable[[], str]:
    """An empty, migrated database for each example (the ``db_url`` fixture gives one per test)."""
    numbers = itertools.count()

    def make() -> str:
        if dialect == "sqlite":
            path = tmp_path / f"example-{next(numbers)}.sqlite3"
            shutil.copyfile(sqlite_template, path)
            return f"sqlite:///{path}"
        assert postgres_database is not None
        postgres_database.clean()
        return db_url

    return make


@pytest.mark.slow
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(world=worlds())
def test_whatever_the_bank_does_over_the_weeks_the_books_follow_it(
    world: World, fresh_database: Callable[[], str], settings: Settings
) -> None:
    url = fresh_database()
    with time_machine.travel(datetime(2026, 11, 27, 8, tzinfo=UTC), tick=False) as traveller:
        trip = RoundTrip(url, settings.with_overrides(database_url=url), traveller, world)
        try:
            trip.run()
            trip.check()
        finally:
            trip.close()
