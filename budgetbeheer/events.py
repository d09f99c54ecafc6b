"""In-process events: a feature says what happened, other features react, all in one transaction.

A feature that must let others know something happened publishes an event (an immutable dataclass it defines in its
own ``events.py``, such as :class:`budgetbeheer.payments.events.PaymentReturned`) with :func:`publish`. Features
that care subscribe a handler ``handler(session, event)`` in their ``plugin.register`` (see
:mod:`budgetbeheer.features`). Handlers run at once, in the publisher's session and transaction: what they write
commits or rolls back with the publisher's change, so an effect is never half done. A handler that raises stops the
use case like any other error.

The publisher never imports its subscribers: payments publishes ``PaymentReturned`` and lifecycle, a layer above,
raises the signal and reopens an ended household. Which bus a session uses: the one put in ``session.info`` under
:data:`BUS_KEY` (tests can give a session a bus of their own), else the application's bus with every feature's
subscriptions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from budgetbeheer import features

BUS_KEY = "budgetbeheer_event_bus"


@dataclass(frozen=True)
class Event:
    """Base class of every event: immutable facts, named in the past tense."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Session, Any], None]
Subscription = tuple[type[Event], Handler]


class EventBus:
    """Handlers by event type, called in the order they were subscribed."""

    def __init__(self, subscriptions: Iterable[Subscription] = ()) -> None:
        self._handlers: defaultdict[type[Event], list[Handler]] = defaultdict(list)
        for event_type, handler in subscriptions:
            self.subscribe(event_type, handler)

    def subscribe(self, event_type: type[E], handler: Callable[[Session, E], None]) -> None:
        self._handlers[event_type].append(handler)

    def handlers_for(self, event_type: type[Event]) -> list[Handler]:
        return [handler for kind in event_type.__mro__ for handler in self._handlers.get(kind, ())]

    def publish(self, session: Session, event: Event) -> None:
        for handler in self.handlers_for(type(event)):
            handler(session, event)


_application_bus: EventBus | None = None
_bus_factory: Callable[[], EventBus] | None = None


def set_bus_factory(factory: Callable[[], EventBus]) -> None:
    """How the application's bus is built; by default from every feature's subscriptions
    (:func:`budgetbeheer.features.event_subscriptions`). Built once, when the first event is published."""
    global _application_bus, _bus_factory
    _bus_factory = factory
    _application_bus = None


def application_bus() -> EventBus:
    global _application_bus
    if _application_bus is None:
        factory = _bus_factory or (lambda: EventBus(features.event_subscriptions()))
        _application_bus = factory()
    return _application_bus


def publish(session: Session, event: Event) -> None:
    """Run every handler subscribed to ``event``'s type (or a base type) now, in ``session``'s transaction."""
    bus = session.info.get(BUS_KEY)
    (bus if isinstance(bus, EventBus) else application_bus()).publish(session, event)
