"""How the special payments feature (one-off payments, advances) plugs in (see :mod:`budgetbeheer.features`)."""

from __future__ import annotations

from budgetbeheer.features import Registry
from budgetbeheer.special import api, demo, handlers, web


def register(registry: Registry) -> None:
    registry.add_blueprint(web.bp)
    for label, endpoint, permission in web.NAV:
        registry.add_nav(label, endpoint, permission)
    registry.add_api_routes(api.routes)
    registry.add_panel("special_panel", web.special_panel)  # on the household page
    for event_type, handler in handlers.SUBSCRIPTIONS:
        registry.subscribe(event_type, handler)
    registry.add_task("finance", "Incidentele betalingen", "special.one_offs_waiting")
    registry.add_demo(demo.load)
