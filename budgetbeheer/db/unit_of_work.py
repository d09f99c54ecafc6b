"""The unit of work: one use case, one database transaction. The only place that commits.

The web app (one per request, see :mod:`budgetbeheer.http.context`), the command line (one per command, see
:func:`budgetbeheer.clitools.use_case`) and the scheduler (one per job run, see :func:`budgetbeheer.jobs.run_job`)
all go through :class:`UnitOfWork`: commit when the use case ends well, roll back on any exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """One transaction on a fresh session. :meth:`finish` commits or rolls back, :meth:`close` ends it."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.session = factory()
        self.finished = False

    def finish(self, *, commit: bool) -> None:
        """Commit (``commit=True``) or roll back. A failing commit is rolled back and raised."""
        self.finished = True
        if not commit:
            self.session.rollback()
            return
        try:
            self.session.commit()
        except BaseException:
            self.session.rollback()
            raise

    def discard(self) -> None:
        """Undo what was written so far; the unit of work stays open (a failed step whose caller goes on)."""
        self.session.rollback()

    def close(self) -> None:
        """End the unit of work; anything not committed by :meth:`finish` is rolled back."""
        try:
            if not self.finished:
                self.session.rollback()
        finally:
            self.session.close()


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Run a use case in one transaction: committed when the block ends, rolled back on any exception."""
    work = UnitOfWork(factory)
    try:
        try:
            yield work.session
        except BaseException:
            work.finish(commit=False)
            raise
        work.finish(commit=True)
    finally:
        work.close()


def checkpoint(session: Session) -> None:
    """Commit what a long use case has done so far and go on in a new transaction: long work (an import) that commits
    in bounded chunks, each all or nothing, so it never holds the database for its whole length. The unit of work's
    end commits (or rolls back) what comes after the last checkpoint."""
    session.commit()
