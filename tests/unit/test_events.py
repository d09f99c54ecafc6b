"""The in-process event bus: who is called, in which order, in which session."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session

from budgetbeheer import events
from budgetbeheer.composition import registry
from budgetbeheer.events import BUS_KEY, Event, EventBus
from budgetbeheer.lifecycle import handlers as lifecycle_handlers
from budgetbeheer.payments.events import BatchApproved, IbanHoldLifted, IbansHeld, PaymentsReturned


@dataclass(frozen=True)
class Happened(Event):
    what: str


@dataclass(frozen=True)
class HappenedLoudly(Happened):
    pass


def test_handlers_run_in_the_order_they_subscribed_with_the_publishers_session() -> None:
    calls: list[tuple[str, Any, str]] = []
    bus = EventBus([(Happened, lambda s, e: calls.append(("first", s, e.what)))])
    bus.subscribe(Happened, lambda s, e: calls.append(("second", s, e.what)))
    session = Session()
    bus.publish(session, Happened("rent paid"))
    assert calls == [("first", session, "rent paid"), ("second", session, "rent paid")]


def test_a_handler_of_a_base_type_hears_the_subtype_and_not_the_other_way_round() -> None:
    heard: list[str] = []
    bus = EventBus([(Happened, lambda s, e: heard.append("base")),
                    (HappenedLoudly, lambda s, e: heard.append("loud"))])
    bus.publish(Session(), HappenedLoudly("x"))
    assert sorted(heard) == ["base", "loud"]
    heard.clear()
    bus.publish(Session(), Happened("y"))
    assert heard == ["base"]


def test_an_event_nobody_hears_is_fine_and_events_are_immutable() -> None:
    EventBus().publish(Session(), Happened("nobody listens"))
    with pytest.raises(FrozenInstanceError):
        Happened("x").what = "y"  # type: ignore[misc]


def test_a_handler_that_fails_stops_the_publisher() -> None:
    def fails(session: Session, event: Happened) -> None:
        raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError, match="handler failed"):
        EventBus([(Happened, fails)]).publish(Session(), Happened("x"))


def test_a_session_may_carry_a_bus_of_its_own() -> None:
    heard: list[str] = []
    session = Session()
    session.info[BUS_KEY] = EventBus([(Happened, lambda s, e: heard.append(e.what))])
    events.publish(session, Happened("own bus"))
    assert heard == ["own bus"]


def test_the_application_bus_has_every_features_subscriptions() -> None:
    subscriptions = registry().handlers()
    assert (BatchApproved, lifecycle_handlers.on_batch_approved) in subscriptions
    bus = events.application_bus()
    for event_type in (BatchApproved, PaymentsReturned, IbansHeld, IbanHoldLifted):
        assert bus.handlers_for(event_type), event_type
