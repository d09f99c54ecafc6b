"""Named locks held until the end of the transaction, for work that must not run twice at once.

On PostgreSQL a transaction-level advisory lock (``pg_advisory_xact_lock``): a second transaction asking for the same
lock waits until the first commits or rolls back, then goes on and sees what the first committed (:func:`hold`), or
is told at once that someone holds it (:func:`try_hold`: for a lock taken after others, which must not wait, or two
transactions could each wait for the other). On SQLite nothing is needed: every write transaction starts with
``BEGIN IMMEDIATE`` and so holds the database's one write lock.
"""

from __future__ import annotations

import time
from enum import IntEnum

from sqlalchemy import text
from sqlalchemy.orm import Session


class Lock(IntEnum):
    """The advisory lock keys this application uses (one number each, never reused)."""

    AUDIT_CHAIN = 7245001
    """The audit trail's hash chain: one entry at a time gets the next place."""
    PAYMENT_RUNS = 7245002
    """Preparing a payment run: two preparations at once would plan some of the same obligations."""


def hold(session: Session, lock: Lock) -> None:
    """Take ``lock`` for the rest of the session's transaction (waiting for whoever holds it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(lock)})


def try_hold(session: Session, lock: Lock) -> bool:
    """Take ``lock`` for the rest of the transaction if nobody else holds it; False (without waiting) when someone
    does. Taken again by the same transaction, it is simply held."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": int(lock)}))


def try_hold_for(session: Session, lock: Lock, seconds: float, interval: float = 0.1) -> bool:
    """:func:`try_hold` again and again for up to ``seconds``: waits for a holder that finishes soon, without ever
    blocking inside the database (so no two transactions can wait for each other's locks for good)."""
    deadline = time.monotonic() + seconds
    while not try_hold(session, lock):
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True
