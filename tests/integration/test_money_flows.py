"""Every path that moves money or changes a payment's state, on SQLite and PostgreSQL, with the books checked after
every step: the ledger's money identity, no household below zero, the audit chain, and the accountant's identity
``received = paid to creditors + paid as leefgeld + in transit + held``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
import time_machine
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, verify
from budgetbeheer.config import Settings
from budgetbeheer.domain.planning import LEEFGELD
from budgetbeheer.errors import Conflict, NotFound, PermissionDenied, ValidationError
from budgetbeheer.households.fixed_costs import change_fixed_cost_amount
from budgetbeheer.ledger.models import Account, Posting, Transaction
from budgetbeheer.ledger.service import (
    IN_TRANSIT,
    UNMATCHED,
    account_id,
    balance,
    household_balance,
    money_identity,
    reverse,
)
from budgetbeheer.lifecycle import ending
from budgetbeheer.payments import service
from budgetbeheer.payments.runs.model import leefgeld_key
from budgetbeheer.tables.households import Household, Person, Receipt
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.users.models import User, UserRole
from budgetbeheer.users.service import actor_for
from tests.factories import CASEWORKER, RUN_DATE, fixed_cost, payable_household, receipt

NEXT_DATE = date(2026, 12, 1)
"""Tuesday after RUN_DATE: covers due dates up to Thursday 2026-12-03."""


@dataclass(frozen=True)
class Books:
    received: int
    paid_to_creditors: int
    paid_as_leefgeld: int
    in_transit: int
    held: int

    @property
    def holds(self) -> bool:
        return self.received == self.paid_to_creditors + self.paid_as_leefgeld + self.in_transit + self.held


def books(session: Session) -> Books:
    """The accountant's identity from two independent sources: receipts (not reversed) and payment items on one side,
    the ledger's in-transit, household and unmatched balances on the other."""
    reversed_ids = select(Transaction.reverses_id).where(Transaction.reverses_id.is_not(None))
    received = int(session.scalar(
        select(func.coalesce(func.sum(Receipt.amount_cents), 0))
        .where(Receipt.ledger_transaction_id.not_in(reversed_ids))
    ) or 0)

    def settled(kind_is_leefgeld: bool) -> int:
        kind = PaymentItem.kind == LEEFGELD if kind_is_leefgeld else PaymentItem.kind != LEEFGELD
        return int(session.scalar(
            select(func.coalesce(func.sum(PaymentItem.amount_cents), 0)).where(PaymentItem.status == "settled", kind)
        ) or 0)

    households = -int(session.scalar(
        select(func.coalesce(func.sum(Posting.amount_cents), 0))
        .join(Account, Account.id == Posting.account_id).where(Account.household_id.is_not(None))
    ) or 0)
    held = households + balance(session, account_id(session, UNMATCHED))
    return Books(received, settled(False), settled(True), balance(session, account_id(session, IN_TRANSIT)), held)


def check(session: Session) -> Books:
    """Every invariant; returns the books for further asserts."""
    session.flush()
    identity = money_identity(session)
    assert identity.holds, identity
    negative = session.execute(
        select(Account.household_id, func.sum(Posting.amount_cents))
        .join(Posting, Posting.account_id == Account.id)
        .where(Account.household_id.is_not(None))
        .group_by(Account.household_id)
        .having(func.sum(Posting.amount_cents) > 0)
    ).all()
    assert negative == [], f"households below zero: {negative}"
    in_items = int(session.scalar(
        select(func.coalesce(func.sum(PaymentItem.amount_cents), 0))
        .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
        .where(PaymentItem.status == "approved", PaymentBatch.status != "cancelled")
    ) or 0)
    result = books(session)
    assert result.in_transit == in_items, (result, in_items)
    assert result.holds, result
    audit = verify(session)
    assert audit.ok, audit
    return result


@pytest.fixture(autouse=True)
def before_the_first_run() -> Iterator[None]:
    """Saturday 28 November 2026, before every run these tests prepare: they must not depend on the real date (a
    run whose execution date has passed is refused)."""
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def finance(make_user: Callable[..., User]) -> tuple[Actor, Actor, Actor]:
    return tuple(actor_for(make_user(name, "finance")) for name in ("fatima", "frank", "fleur"))  # type: ignore[return-value]


def items_of(session: Session, batch_id: int) -> list[PaymentItem]:
    return list(session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch_id).order_by(PaymentItem.id)))


def paid_keys(session: Session) -> list[str]:
    """Obligation keys of every live payment: a duplicate here is a payment made twice."""
    return sorted(k for k in session.scalars(select(PaymentItem.obligation_key)) if k is not None)


# ------------------------------------------------------------------------------------------------ the happy path


def test_receipt_run_approve_export_sent_settle(session: Session, settings: Settings,
                                                finance: tuple[Actor, ...]) -> None:
    household = payable_household(session)
    assert check(session).held == 1500_00
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    assert check(session).in_transit == 0
    service.approve(session, finance[1], batch.id)
    session.commit()
    assert check(session).in_transit == batch.total_cents > 0
    service.export(session, finance[1], batch.id, settings)
    check(session)
    service.mark_sent(session, finance[1], batch.id)
    check(session)
    service.settle(session, finance[1], batch.id)
    session.commit()
    result = check(session)
    leefgeld = sum(i.amount_cents for i in items_of(session, batch.id) if i.kind == LEEFGELD)
    assert result.paid_as_leefgeld == leefgeld > 0
    assert result.paid_to_creditors == batch.total_cents - leefgeld
    assert result.held == household_balance(session, household.id) == 1500_00 - batch.total_cents
    with pytest.raises(Conflict):
        service.settle(session, finance[1], batch.id)
    session.rollback()


def test_cancel_after_approval_frees_everything_and_nothing_is_paid_twice(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    household = payable_household(session)
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    service.approve(session, finance[1], batch.id)
    session.commit()
    keys = paid_keys(session)
    check(session)
    service.cancel(session, finance[1], batch.id, "verkeerde datum")
    session.commit()
    assert check(session).held == household_balance(session, household.id) == 1500_00
    assert paid_keys(session) == []
    again, created = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    assert created and again.id != batch.id and paid_keys(session) == keys
    service.approve(session, finance[1], again.id)
    service.export(session, finance[1], again.id, settings)
    service.mark_sent(session, finance[1], again.id)
    service.settle(session, finance[1], again.id)
    session.commit()
    assert check(session).held == 1500_00 - again.total_cents
    later, _ = service.prepare_run(session, finance[0], NEXT_DATE, settings)
    session.commit()
    assert [i.obligation_key for i in items_of(session, later.id) if i.kind != LEEFGELD] == []
    assert len(paid_keys(session)) == len(set(paid_keys(session)))
    check(session)


def test_cancel_of_a_proposed_batch_and_refused_cancel_after_export(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    payable_household(session)
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    service.cancel(session, finance[0], batch.id, "te vroeg")
    session.commit()
    assert check(session).held == 1500_00
    again, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    service.approve(session, finance[1], again.id)
    service.export(session, finance[1], again.id, settings)
    session.commit()
    for status_step in ("exported", "sent"):
        with pytest.raises(Conflict):
            service.cancel(session, finance[1], again.id, "te laat")
        session.rollback()
        assert service.get_batch(session, again.id).status == status_step
        check(session)
        if status_step == "exported":
            service.mark_sent(session, finance[1], again.id)
            session.commit()


# ------------------------------------------------------------------------------------------------------ returns


def _settled_batch(session: Session, settings: Settings, finance: tuple[Actor, ...]) -> PaymentBatch:
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    service.approve(session, finance[1], batch.id)
    service.export(session, finance[1], batch.id, settings)
    service.mark_sent(session, finance[1], batch.id)
    service.settle(session, finance[1], batch.id)
    session.commit()
    return batch


def test_a_returned_payment_is_held_signalled_and_paid_again_once(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    """A return for a reason that does not put the IBAN in doubt (MS03: the bank gave none) is paid again, once; a
    return meaning the account is wrong or closed holds the IBAN instead (tests/integration/test_returns_api.py)."""
    household = payable_household(session)
    _settled_batch(session, settings, finance)
    rent = session.scalars(select(PaymentItem).where(PaymentItem.kind == "rent")).one()
    before = check(session)
    service.return_item(session, finance[1], rent.id, "MS03")
    session.commit()
    after = check(session)
    assert after.held == before.held + rent.amount_cents
    assert after.paid_to_creditors == before.paid_to_creditors - rent.amount_cents
    signals = session.scalars(select(Signal).where(Signal.kind == "returned_payment")).all()
    assert [(s.household_id, s.role) for s in signals] == [(household.id, "finance")]
    with pytest.raises(Conflict):
        service.return_item(session, finance[1], rent.id, "MS03")
    session.rollback()
    check(session)
    later, _ = service.prepare_run(session, finance[0], NEXT_DATE, settings)
    session.commit()
    again = [i for i in items_of(session, later.id) if i.kind == "rent"]
    assert [(i.due_date, i.amount_cents) for i in again] == [(rent.due_date, rent.amount_cents)]
    service.approve(session, finance[1], later.id)
    session.commit()
    check(session)
    third, _ = service.prepare_run(session, finance[0], date(2026, 12, 2), settings)
    session.commit()
    assert [i for i in items_of(session, third.id) if i.kind == "rent"] == []
    assert len(paid_keys(session)) == len(set(paid_keys(session)))


def test_a_return_of_an_item_in_transit_comes_from_transit(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    payable_household(session)
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    service.approve(session, finance[1], batch.id)
    service.export(session, finance[1], batch.id, settings)
    service.mark_sent(session, finance[1], batch.id)
    session.commit()
    energy = session.scalars(select(PaymentItem).where(PaymentItem.kind == "energy")).one()
    service.return_item(session, finance[1], energy.id, "AC01")
    session.commit()
    check(session)
    service.settle(session, finance[1], batch.id)
    session.commit()
    result = check(session)
    assert result.in_transit == 0
    assert service.get_batch(session, batch.id).status == "partly_returned"


def test_a_return_of_a_batch_not_yet_sent_is_refused(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    """Only the bank returns a payment, and it cannot return what it never received: an approved or exported batch
    must be marked sent first."""
    payable_household(session)
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    batch_id, item_id = batch.id, items_of(session, batch.id)[0].id
    for step in ("proposed", "approved", "exported"):
        with pytest.raises(Conflict):
            service.return_item(session, finance[1], item_id, "AC04")
        session.rollback()
        check(session)
        if step == "proposed":
            service.approve(session, finance[1], batch_id)
        elif step == "approved":
            service.export(session, finance[1], batch_id, settings)
        session.commit()
    assert session.get(PaymentItem, item_id).status == "approved"  # type: ignore[union-attr]
    service.mark_sent(session, finance[1], batch_id)
    service.return_item(session, finance[1], item_id, "AC04")
    session.commit()
    assert session.get(PaymentItem, item_id).status == "returned"  # type: ignore[union-attr]
    check(session)


# ------------------------------------------------------------------------------------ batches side by side


def _with_cost_on_day_3(session: Session, balance: str) -> int:
    """A household with rent due on the 1st and energy due on the 3rd: in the runs of RUN_DATE and NEXT_DATE."""
    household = payable_household(session, balance=balance, costs={"rent": "650.00"}, buffer="0.00")
    fixed_cost(session, household.id, "energy", amount="100.00", due_day=3,  # no start: from the day it is entered
               creditor={"name": "Energie Direct", "iban": "NL20INGB0001234567"})
    session.commit()
    return household.id


def _fixed(session: Session, batch_id: int) -> list[tuple[str, int]]:
    return [(i.kind, i.amount_cents) for i in items_of(session, batch_id) if i.kind != LEEFGELD]


def test_the_second_batch_does_not_spend_what_the_first_will_pay(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    household_id = _with_cost_on_day_3(session, "700.00")
    first, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    second, _ = service.prepare_run(session, finance[0], NEXT_DATE, settings)
    session.commit()
    check(session)
    assert _fixed(session, first.id) == [("rent", 650_00)]
    assert _fixed(session, second.id) == []  # energy does not fit in the EUR 50 the first batch leaves
    assert [(s.category, s.amount_cents) for s in session.scalars(select(Shortfall)
                                                                  .where(Shortfall.batch_id == second.id))] \
        == [("energy", 100_00)]
    assert first.total_cents + second.total_cents <= 700_00
    service.approve(session, finance[1], first.id)
    session.commit()
    assert check(session).in_transit == first.total_cents
    assert household_balance(session, household_id) >= 0


def test_approving_the_second_batch_before_the_first(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    household_id = _with_cost_on_day_3(session, "760.00")
    first, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    second, _ = service.prepare_run(session, finance[0], NEXT_DATE, settings)
    session.commit()
    assert _fixed(session, first.id) == [("rent", 650_00)] and _fixed(session, second.id) == [("energy", 100_00)]
    service.approve(session, finance[1], second.id)
    session.commit()
    check(session)
    service.approve(session, finance[1], first.id)
    session.commit()
    assert check(session).in_transit == first.total_cents + second.total_cents
    assert household_balance(session, household_id) == 760_00 - first.total_cents - second.total_cents >= 0


def test_cancelling_the_first_after_the_second_was_prepared(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    household_id = _with_cost_on_day_3(session, "800.00")
    first, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    second, _ = service.prepare_run(session, finance[0], NEXT_DATE, settings)
    session.commit()
    assert _fixed(session, first.id) == [("rent", 650_00)] and _fixed(session, second.id) == [("energy", 100_00)]
    service.approve(session, finance[1], first.id)
    service.cancel(session, finance[1], first.id, "verkeerde datum")
    session.commit()
    check(session)
    again, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    assert _fixed(session, again.id) == [("rent", 650_00)]
    for batch in (second, again):
        service.approve(session, finance[1], batch.id)
    session.commit()
    check(session)
    assert household_balance(session, household_id) == 800_00 - again.total_cents - second.total_cents >= 0
    assert len(paid_keys(session)) == len(set(paid_keys(session)))


def test_approval_is_refused_when_a_household_no_longer_has_the_money(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    """A receipt reversed after the run was prepared: approving would push the household below zero, so the
    approval is refused naming the household, and nothing moves; cancel and prepare again."""
    household = payable_household(session)
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    receipt = session.scalars(select(Receipt)).one()
    reverse(session, receipt.ledger_transaction_id, business_date=date(2026, 11, 29), booked_by="fleur",
            reason="ontvangst op het verkeerde huishouden geboekt")
    session.commit()
    with pytest.raises(Conflict) as refused:
        service.approve(session, finance[1], batch.id)
    assert str(household.id) in str(refused.value.message)
    session.rollback()
    assert service.get_batch(session, batch.id).status == "proposed"
    check(session)
    service.cancel(session, finance[1], batch.id, "saldo niet meer toereikend")
    again, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    assert again.item_count == 0
    check(session)


@pytest.mark.parametrize("change", ["deactivated", "lost_finance_role"])
def test_approval_by_someone_who_is_no_longer_allowed_is_refused(
    session: Session, settings: Settings, finance: tuple[Actor, ...], change: str
) -> None:
    payable_household(session)
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    user = session.get(User, finance[1].user_id)
    assert user is not None
    if change == "deactivated":
        user.is_active = False
    else:
        session.execute(UserRole.__table__.delete().where(UserRole.user_id == user.id))  # type: ignore[attr-defined]
        user.role_rows.append(UserRole(user_id=user.id, role="caseworker"))
    session.commit()
    session.expire_all()
    with pytest.raises(PermissionDenied):
        service.approve(session, finance[1], batch.id)
    session.rollback()
    assert service.get_batch(session, batch.id).status == "proposed"
    check(session)
    service.approve(session, finance[2], batch.id)
    session.commit()
    check(session)


# ------------------------------------------------------------------------------------------------------- ending

TODAY = date(2026, 11, 29)
"""The day the tests' clock shows (receipts may not be dated in the future)."""


def _pay(session: Session, settings: Settings, finance: tuple[Actor, ...], on: date) -> PaymentBatch:
    """Prepare, approve, export, send and settle the run of ``on``, checking the books after each step."""
    batch, _ = service.prepare_run(session, finance[0], on, settings)
    session.commit()
    check(session)
    if batch.item_count:
        service.approve(session, finance[1], batch.id)
        check(session)
        service.export(session, finance[1], batch.id, settings)
        service.mark_sent(session, finance[1], batch.id)
        service.settle(session, finance[1], batch.id)
        session.commit()
        check(session)
    return batch


def _status(session: Session, household_id: int) -> str:
    session.expire_all()
    household = session.get(Household, household_id)
    assert household is not None
    return household.status


def test_ending_early_with_money_left_pays_everything_out_and_ends_at_zero(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    household = payable_household(session)
    ending.end_period(session, CASEWORKER, household.id, end_date=TODAY.isoformat(), reason="bijstand gestopt: werk",
                      today=TODAY)
    session.commit()
    assert _status(session, household.id) == "ending"
    batch = _pay(session, settings, finance, RUN_DATE)
    paid = items_of(session, batch.id)
    assert [(i.kind, i.amount_cents) for i in paid] == [(LEEFGELD, 1500_00)]  # rent etc. fall due after the end
    assert paid[0].obligation_key == leefgeld_key(household.id, RUN_DATE, final=True)
    assert household_balance(session, household.id) == 0
    ending.advance_endings(session, CASEWORKER, RUN_DATE)
    session.commit()
    assert _status(session, household.id) == "ended"
    assert session.scalars(select(Person.active_bsn).where(Person.household_id == household.id)).all() == [None]
    assert check(session).paid_as_leefgeld == 1500_00
    later = _pay(session, settings, finance, NEXT_DATE)
    assert [i for i in items_of(session, later.id) if i.household_id == household.id] == []


def test_ending_with_a_pending_shortfall(session: Session, settings: Settings, finance: tuple[Actor, ...]) -> None:
    """The rent does not fit: the other costs due up to the end are paid, the rest is the final leefgeld, the rent
    stays a shortfall (a signal and on the handover), and the household ends at zero."""
    household = payable_household(session, balance="500.00")
    ending.end_period(session, CASEWORKER, household.id, end_date="2026-12-02", reason="bijstand gestopt: verhuisd",
                      today=TODAY)
    session.commit()
    batch = _pay(session, settings, finance, RUN_DATE)
    assert sorted((i.kind, i.amount_cents) for i in items_of(session, batch.id)) == [
        ("energy", 100_00), ("health_insurance", 150_00), (LEEFGELD, 220_00), ("water", 30_00)]
    assert [(s.category, s.amount_cents) for s in session.scalars(select(Shortfall))] == [("rent", 650_00)]
    assert household_balance(session, household.id) == 0
    ending.advance_endings(session, CASEWORKER, date(2026, 12, 2))
    session.commit()
    assert _status(session, household.id) == "ended"
    check(session)



def test_a_held_payment_in_a_past_batch_does_not_keep_a_household_from_ending(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    """The household's IBAN was wrong at the final run (its payout held), then corrected: the next run pays out, and
    the dead held item of the earlier, approved batch must not keep the household 'ending' for ever."""
    payable_household(session, holder="B. Other")
    household = payable_household(session)
    session.execute(Household.__table__.update().where(Household.id == household.id)  # type: ignore[attr-defined]
                    .values(iban="NL00BANK0000000000"))
    ending.end_period(session, CASEWORKER, household.id, end_date=TODAY.isoformat(), reason="bijstand gestopt",
                      today=TODAY)
    session.commit()
    first = _pay(session, settings, finance, RUN_DATE)
    assert [(i.kind, i.status) for i in items_of(session, first.id) if i.household_id == household.id] == [
        (LEEFGELD, "held")]
    session.execute(Household.__table__.update().where(Household.id == household.id)  # type: ignore[attr-defined]
                    .values(iban="NL44RABO0123456789"))
    session.commit()
    _pay(session, settings, finance, NEXT_DATE)
    assert household_balance(session, household.id) == 0
    assert ending.advance_endings(session, CASEWORKER, NEXT_DATE).ended == [household.id]
    session.commit()
    check(session)


def test_a_receipt_for_an_ending_household_is_paid_out_in_the_next_run(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    household = payable_household(session)
    ending.end_period(session, CASEWORKER, household.id, end_date=TODAY.isoformat(), reason="bijstand gestopt",
                      today=TODAY)
    session.commit()
    _pay(session, settings, finance, RUN_DATE)
    receipt(session, household.id, "75.00", TODAY)
    session.commit()
    assert check(session).held == 75_00
    ending.advance_endings(session, CASEWORKER, RUN_DATE)
    assert _status(session, household.id) == "ending"  # not at zero: not ended
    batch = _pay(session, settings, finance, NEXT_DATE)
    assert [(i.kind, i.amount_cents, i.obligation_key) for i in items_of(session, batch.id)] == [
        (LEEFGELD, 75_00, leefgeld_key(household.id, NEXT_DATE, final=True))]
    ending.advance_endings(session, CASEWORKER, NEXT_DATE)
    session.commit()
    assert _status(session, household.id) == "ended"
    assert check(session).held == 0


def test_a_receipt_for_an_ended_household_is_refused(session: Session, settings: Settings,
                                                     finance: tuple[Actor, ...]) -> None:
    """Issue 3 lists it as bad input: once the period has ended and the account is at zero, income is no longer
    booked here (the payer must pay the household directly); nothing is written."""
    household = payable_household(session)
    ending.end_period(session, CASEWORKER, household.id, end_date=TODAY.isoformat(), reason="bijstand gestopt",
                      today=TODAY)
    session.commit()
    _pay(session, settings, finance, RUN_DATE)
    ending.advance_endings(session, CASEWORKER, RUN_DATE)
    session.commit()
    assert _status(session, household.id) == "ended"
    held_before = check(session).held
    with pytest.raises(ValidationError) as refused:
        receipt(session, household.id, "40.00", TODAY)
    session.rollback()
    assert "household_id" in refused.value.fields
    assert _status(session, household.id) == "ended"
    assert check(session).held == held_before


def test_a_return_after_the_household_ended(session: Session, settings: Settings,
                                            finance: tuple[Actor, ...]) -> None:
    """The final payout comes back (closed account): the money is the household's again, it goes back to 'ending'
    with a signal to the caseworker and finance (its IBAN is held), and is paid out once more to the corrected
    IBAN."""
    household = payable_household(session)
    ending.end_period(session, CASEWORKER, household.id, end_date=TODAY.isoformat(), reason="bijstand gestopt",
                      today=TODAY)
    session.commit()
    batch = _pay(session, settings, finance, RUN_DATE)
    ending.advance_endings(session, CASEWORKER, RUN_DATE)
    session.commit()
    assert _status(session, household.id) == "ended"
    payout = items_of(session, batch.id)[0]
    service.return_item(session, finance[1], payout.id, "AC04")
    session.commit()
    assert _status(session, household.id) == "ending"
    assert check(session).held == 1500_00
    assert session.scalars(select(Signal.role).where(Signal.household_id == household.id,
                                                     Signal.kind == "iban_held").order_by(Signal.id)).all() == [
        "caseworker", "finance"]
    session.execute(Household.__table__.update().where(Household.id == household.id)  # type: ignore[attr-defined]
                    .values(iban="NL91ABNA0417164300"))
    session.commit()
    again = _pay(session, settings, finance, NEXT_DATE)
    assert [(i.kind, i.amount_cents, i.iban) for i in items_of(session, again.id)] == [
        (LEEFGELD, 1500_00, "NL91ABNA0417164300")]
    ending.advance_endings(session, CASEWORKER, NEXT_DATE)
    session.commit()
    assert _status(session, household.id) == "ended"
    assert check(session).paid_as_leefgeld == 1500_00


# ------------------------------------------------------------------------------------------ fixed costs over time


def test_a_changed_amount_and_an_end_date_between_two_runs(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    """Rent goes from EUR 650 to EUR 700 from 15 December: December's instalment (due 1 December) is paid at 650,
    January's at 700. Energy ends on 31 December: paid in December, not in January."""
    from budgetbeheer.domain.calendar import execution_date_for_due_date

    household = payable_household(session, balance="3000.00", costs={"rent": "650.00"}, frequency="monthly", day=28)
    energy = fixed_cost(session, household.id, "energy", start=date(2026, 11, 25), amount="100.00",
                        creditor={"name": "Energie Direct", "iban": "NL20INGB0001234567"}, end_date="2026-12-31")
    session.commit()
    december = _pay(session, settings, finance, RUN_DATE)
    change_fixed_cost_amount(session, CASEWORKER, household.fixed_cost_ids["rent"],
                             {"amount": "700.00", "effective_from": "2026-12-15", "reason": "huurverhoging"})
    with time_machine.travel(date(2026, 12, 26), tick=False):
        receipt(session, household.id, "1500.00", date(2026, 12, 24))
    session.commit()
    january_run = execution_date_for_due_date(date(2027, 1, 1), settings.lead_business_days)
    january = _pay(session, settings, finance, january_run)
    assert sorted(_fixed(session, december.id)) == [("energy", 100_00), ("rent", 650_00)]
    assert _fixed(session, january.id) == [("rent", 700_00)]
    assert [i for i in items_of(session, january.id) if i.fixed_cost_id == energy.id] == []
    assert len(paid_keys(session)) == len(set(paid_keys(session)))
    check(session)


# ------------------------------------------------------------------------------------------- random sequences

RUN_DATES = [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)]

household_index = st.integers(0, 2)
pick = st.integers(0, 50)
step = st.one_of(
    st.tuples(st.just("receipt"), household_index, st.integers(1, 900_00)),
    st.tuples(st.just("prepare"), st.sampled_from(RUN_DATES), st.just(0)),
    st.tuples(st.just("approve"), pick, st.just(0)),
    st.tuples(st.just("cancel"), pick, st.just(0)),
    st.tuples(st.just("export_and_send"), pick, st.just(0)),
    st.tuples(st.just("settle"), pick, st.just(0)),
    st.tuples(st.just("return"), pick, st.just(0)),
)


def _nth(session: Session, query: object, index: int) -> int | None:
    ids = list(session.scalars(query))  # type: ignore[call-overload]
    return ids[index % len(ids)] if ids else None


@hypothesis_settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=14))
def test_random_money_flows_keep_the_books(
    session: Session, settings: Settings, finance: tuple[Actor, ...],
    steps: list[tuple[str, object, int]],
) -> None:
    households = [
        payable_household(session, balance=amount, holder=f"H{n}")
        for n, amount in enumerate(("400.00", "1000.00", None))
    ]
    session.commit()
    check(session)
    preparer, approver = finance[0], finance[1]
    for action, arg, cents in steps:
        try:
            if action == "receipt":
                receipt(session, households[int(arg)].id, f"{cents // 100}.{cents % 100:02d}", TODAY)  # type: ignore[call-overload]
            elif action == "prepare":
                service.prepare_run(session, preparer, arg, settings)  # type: ignore[arg-type]
            else:
                statuses = {
                    "approve": ("proposed",), "cancel": ("proposed", "approved"), "export_and_send": ("approved",),
                    "settle": ("sent",),
                }
                if action == "return":
                    item_id = _nth(session, select(PaymentItem.id).join(PaymentBatch).where(
                        PaymentBatch.status.in_(("sent", "settled", "partly_returned")),
                        PaymentItem.status.in_(("approved", "settled", "returned"))).order_by(PaymentItem.id),
                        int(arg))  # type: ignore[call-overload]
                    if item_id is not None:
                        service.return_item(session, approver, item_id, "AC04")
                else:
                    batch_id = _nth(session, select(PaymentBatch.id).where(PaymentBatch.status.in_(statuses[action]))
                                    .order_by(PaymentBatch.id), int(arg))  # type: ignore[call-overload]
                    if batch_id is None:
                        continue
                    if action == "approve":
                        service.approve(session, approver, batch_id)
                    elif action == "cancel":
                        service.cancel(session, approver, batch_id, "willekeurig geannuleerd")
                    elif action == "export_and_send":
                        service.export(session, approver, batch_id, settings)
                        service.mark_sent(session, approver, batch_id)
                    else:
                        service.settle(session, approver, batch_id)
            session.commit()
        except (Conflict, ValidationError, PermissionDenied, NotFound):
            session.rollback()
        check(session)
        keys = paid_keys(session)
        assert len(keys) == len(set(keys))


def test_ending_early_takes_later_payments_out_of_a_proposed_batch(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    """The run of 30 November was proposed with rent and insurance due 1 December; the caseworker then records that
    bijstand stopped on 29 November. Those payments leave the (not yet approved) batch, the household's balance is
    untouched, and the next run pays everything out as final leefgeld."""
    household = payable_household(session)
    other = payable_household(session, holder="B. Karimi")
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    due_after = [i for i in items_of(session, batch.id) if i.household_id == household.id and i.due_date > TODAY]
    assert due_after  # rent etc. due 1 December
    total_before = batch.total_cents
    ending.end_period(session, CASEWORKER, household.id, end_date=TODAY.isoformat(), reason="bijstand gestopt: werk",
                      today=TODAY)
    session.commit()
    session.expire_all()
    remaining = [i for i in items_of(session, batch.id) if i.household_id == household.id and i.status == "proposed"]
    assert all(i.due_date <= TODAY for i in remaining)
    assert {i.status for i in items_of(session, batch.id) if i.id in {d.id for d in due_after}} == {"cancelled"}
    batch = session.get(PaymentBatch, batch.id)
    assert batch is not None
    assert batch.total_cents == total_before - sum(i.amount_cents for i in due_after)
    assert any(i.household_id == other.id for i in items_of(session, batch.id))  # the others stay
    service.approve(session, finance[1], batch.id)
    session.commit()
    check(session)
    later = _pay(session, settings, finance, NEXT_DATE)
    final = [i for i in items_of(session, later.id) if i.household_id == household.id]
    assert [i.kind for i in final] == [LEEFGELD] and final[0].obligation_key.endswith(":final")  # type: ignore[union-attr]
    assert household_balance(session, household.id) == 0
    check(session)


def test_an_ended_household_is_left_out_of_later_runs(
    session: Session, settings: Settings, finance: tuple[Actor, ...]
) -> None:
    """A household that ended with an unpaid instalment does not get the same shortfall again in every later run."""
    household = payable_household(session, balance="100.00")
    ending.end_period(session, CASEWORKER, household.id, end_date="2026-12-02", reason="bijstand gestopt: werk",
                      today=TODAY)
    session.commit()
    _pay(session, settings, finance, NEXT_DATE)  # rent due 1 December is short: a shortfall, the rest paid out
    ending.advance_endings(session, CASEWORKER, date(2026, 12, 3))
    session.commit()
    assert _status(session, household.id) == "ended"
    before = session.scalar(select(func.count(Shortfall.id)).where(Shortfall.household_id == household.id))
    later, _ = service.prepare_run(session, finance[0], date(2026, 12, 7), settings)
    session.commit()
    assert [i for i in items_of(session, later.id) if i.household_id == household.id] == []
    after = session.scalar(select(func.count(Shortfall.id)).where(Shortfall.household_id == household.id))
    assert after == before
