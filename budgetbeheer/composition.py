"""The composition root: settings → engine → session factory → the feature registry, in one place.

The web app (:func:`budgetbeheer.web.app.create_app`), the command line (:mod:`budgetbeheer.cli`) and the scheduler
(``budgetbeheer scheduler``) each build one :class:`Root` with :func:`build` and take from it what they need; nothing
else creates engines or sessions. :func:`registry` calls each feature's ``plugin.register(registry)`` once (see
:mod:`budgetbeheer.features` for the contract).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from budgetbeheer import events
from budgetbeheer.config import Settings, load_settings
from budgetbeheer.db.engine import is_sqlite, make_engine, make_session_factory
from budgetbeheer.db.unit_of_work import UnitOfWork, unit_of_work
from budgetbeheer.features import Registry
from budgetbeheer.households import plugin as households_plugin
from budgetbeheer.lifecycle import plugin as lifecycle_plugin
from budgetbeheer.payments import plugin as payments_plugin
from budgetbeheer.reports import plugin as reports_plugin

PLUGINS: tuple[ModuleType, ...] = (households_plugin, payments_plugin, lifecycle_plugin, reports_plugin)
"""Every feature's plug-in, in the order their menus, tasks and jobs are listed (see ``features.FEATURES``)."""


@cache
def registry() -> Registry:
    """What every feature plugged in (built once per process; it holds no settings and no connections)."""
    built = Registry()
    for plugin in PLUGINS:
        plugin.register(built)
    events.set_bus_factory(lambda: events.EventBus(built.handlers()))
    return built


@dataclass
class Root:
    """The application's parts for one process (or one command, or one test app)."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    registry: Registry
    _read_engine: Engine | None = field(default=None, repr=False)
    _read_sessions: sessionmaker[Session] | None = field(default=None, repr=False)

    def read_sessions(self) -> sessionmaker[Session]:
        """Sessions for read-only use cases (reports, exports, the audit walk): on SQLite they do not take the write
        lock up front (``BEGIN DEFERRED``), so a long read never holds up writers."""
        if not is_sqlite(self.settings.database_url):
            return self.sessions
        if self._read_sessions is None:
            self._read_engine = make_engine(self.settings.database_url, sqlite_begin="DEFERRED")
            self._read_sessions = make_session_factory(self._read_engine)
        return self._read_sessions

    def begin(self, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work the caller finishes (the web app: one per request)."""
        return UnitOfWork(self.read_sessions() if read_only else self.sessions)

    @contextmanager
    def unit_of_work(self, *, read_only: bool = False) -> Iterator[Session]:
        """One use case in one transaction: committed at the end, rolled back on any exception."""
        with unit_of_work(self.read_sessions() if read_only else self.sessions) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self._read_engine is not None:
            self._read_engine.dispose()


def build(settings: Settings | None = None) -> Root:
    """Settings (from the environment unless given) → engine → session factory → the feature registry."""
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    return Root(settings=settings, engine=engine, sessions=make_session_factory(engine), registry=registry())
