"""The application's parts for one process: settings, engine, sessions and the feature registry (:class:`Root`).

Built only by the composition root (:func:`budgetbeheer.composition.build`); the tools for views
(:mod:`budgetbeheer.http.context`) and commands (:mod:`budgetbeheer.clitools`) hand it on. It sits below the features,
so those tools can name its type without importing the composition root, which imports every feature.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from budgetbeheer.config import Settings
from budgetbeheer.db.engine import is_sqlite, make_engine, make_session_factory
from budgetbeheer.db.unit_of_work import UnitOfWork, unit_of_work
from budgetbeheer.features import Registry


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
