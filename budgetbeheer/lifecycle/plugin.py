"""How the lifecycle feature plugs in (see :mod:`budgetbeheer.features`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from budgetbeheer.features import Registry
from budgetbeheer.lifecycle import api, handlers, jobs, web


def register(registry: Registry) -> None:
    registry.add_blueprint(web.bp)
    for label, endpoint, permission in web.NAV:
        registry.add_nav(label, endpoint, permission)
    registry.add_api_routes(api.routes)
    jobs.register(registry.jobs)
    registry.add_template_context(web.lifecycle_helpers)
    registry.add_panel("lifecycle_period", web.period_panel)  # on the household page
    for event_type, handler in handlers.SUBSCRIPTIONS:
        registry.subscribe(event_type, cast(Callable[..., None], handler))  # mypy sees a bare 'function' here
    registry.add_task("caseworker", "Signalen", "lifecycle.signals")
    registry.add_task("finance", "Signalen", "lifecycle.signals")
    registry.add_task("supervisor", "Verlengingen", "lifecycle.extensions")
