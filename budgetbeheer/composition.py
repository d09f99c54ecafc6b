"""The composition root: settings → engine → session factory → the feature registry, in one place.

The web app (:func:`budgetbeheer.web.app.create_app`), the command line (:mod:`budgetbeheer.cli`) and the scheduler
(``budgetbeheer scheduler``) each build one :class:`Root` with :func:`build` and take from it what they need; nothing
else creates engines or sessions. :func:`registry` calls each feature's ``plugin.register(registry)`` once (see
:mod:`budgetbeheer.features` for the contract).
"""

from __future__ import annotations

from functools import cache
from types import ModuleType

from budgetbeheer import events
from budgetbeheer.bank import plugin as bank_plugin
from budgetbeheer.config import Settings, load_settings
from budgetbeheer.db.engine import make_engine, make_session_factory
from budgetbeheer.features import Registry
from budgetbeheer.households import plugin as households_plugin
from budgetbeheer.http import idempotency
from budgetbeheer.lifecycle import plugin as lifecycle_plugin
from budgetbeheer.payments import plugin as payments_plugin
from budgetbeheer.reports import plugin as reports_plugin
from budgetbeheer.root import Root
from budgetbeheer.special import plugin as special_plugin
from budgetbeheer.worklist import plugin as worklist_plugin

PLUGINS: tuple[ModuleType, ...] = (households_plugin, payments_plugin, bank_plugin, special_plugin,
                                   lifecycle_plugin, reports_plugin, worklist_plugin)
"""Every feature's plug-in, in the order their menus, tasks and jobs are listed (see ``features.FEATURES``)."""


@cache
def registry() -> Registry:
    """What every feature plugged in (built once per process; it holds no settings and no connections)."""
    built = Registry()
    for plugin in PLUGINS:
        plugin.register(built)
    built.jobs.add("http.forget_idempotent_requests", idempotency.forget_old_requests, order=90,
                   description="Idempotency-Keys en formuliertokens ouder dan de bewaartermijn vergeten")
    events.set_bus_factory(lambda: events.EventBus(built.handlers()))
    return built


def build(settings: Settings | None = None) -> Root:
    """Settings (from the environment unless given) → engine → session factory → the feature registry."""
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    return Root(settings=settings, engine=engine, sessions=make_session_factory(engine), registry=registry())
