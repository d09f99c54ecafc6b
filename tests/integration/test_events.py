"""Events in real use cases: the subscriber's effect is written in the publisher's transaction, or not at all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.events import BUS_KEY, EventBus
from budgetbeheer.features import event_subscriptions
from budgetbeheer.households.events import ReceiptBooked
from budgetbeheer.lifecycle import ending
from budgetbeheer.lifecycle.events import HouseholdEnded
from budgetbeheer.payments import service
from budgetbeheer.payments.events import BatchSettled, PaymentReturned
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.tables.payments import PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, enrol, payable_household, receipt


@pytest.fixture
def finance(make_user: Callable[..., User]) -> tuple[Actor, Actor]:
    return actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))


def _sent_rent(session: Session, settings: Settings, finance: tuple[Actor, Actor]) -> PaymentItem:
    payable_household(session)
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    service.approve(session, finance[1], batch.id)
    service.export(session, finance[1], batch.id, settings)
    service.mark_sent(session, finance[1], batch.id)
    session.commit()
    return session.scalars(select(PaymentItem).where(PaymentItem.kind == "rent")).one()


def test_the_lifecycle_signal_of_a_return_comes_with_the_return(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    rent = _sent_rent(session, settings, finance)
    heard: list[PaymentReturned] = []
    session.info[BUS_KEY] = EventBus([*event_subscriptions(), (PaymentReturned, lambda s, e: heard.append(e))])
    service.return_item(session, finance[1], rent.id, "MS03")
    session.commit()
    assert [(e.item_id, e.iban_held, e.paid_out_to_household) for e in heard] == [(rent.id, False, False)]
    assert session.scalars(select(Signal.kind)).all() == ["returned_payment"]


def test_when_a_subscriber_fails_the_return_is_not_booked_either(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    rent = _sent_rent(session, settings, finance)

    def refuses(session: Session, event: PaymentReturned) -> None:
        raise RuntimeError("subscriber failed")

    session.info[BUS_KEY] = EventBus([*event_subscriptions(), (PaymentReturned, refuses)])
    with pytest.raises(RuntimeError):
        service.return_item(session, finance[1], rent.id, "MS03")
    session.rollback()
    session.info.pop(BUS_KEY)
    assert session.get(PaymentItem, rent.id).status == "approved"
    assert session.scalars(select(Signal)).all() == []


def test_without_subscribers_payments_writes_no_signal(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    """Payments itself never raises a lifecycle signal: that is lifecycle's answer to the event."""
    rent = _sent_rent(session, settings, finance)
    session.info[BUS_KEY] = EventBus()
    service.return_item(session, finance[1], rent.id, "AC04")
    session.commit()
    assert session.get(PaymentItem, rent.id).status == "returned"
    assert session.scalars(select(Signal)).all() == []


def test_settling_ending_and_receipts_are_published(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    heard: list[object] = []
    session.info[BUS_KEY] = EventBus([*event_subscriptions(),
                                      *((kind, lambda s, e: heard.append(e))
                                        for kind in (ReceiptBooked, BatchSettled, HouseholdEnded))])
    rent = _sent_rent(session, settings, finance)
    service.settle(session, finance[1], rent.batch_id)
    session.commit()
    booked = [e for e in heard if isinstance(e, ReceiptBooked)]
    assert len(booked) == 1 and booked[0].household_id == rent.household_id
    settled = [e for e in heard if isinstance(e, BatchSettled)]
    assert [(e.batch_id, e.partly_returned) for e in settled] == [(rent.batch_id, False)]
    assert settled[0].amount_cents > 0
    receipt(session, rent.household_id)
    assert len([e for e in heard if isinstance(e, ReceiptBooked)]) == 2
    household = enrol(session)
    household.status = "ending"
    ending.close_household(session, finance[0], household)
    assert [(e.household_id, e.ended_on) for e in heard if isinstance(e, HouseholdEnded)] == [
        (household.id, household.period_end)]
