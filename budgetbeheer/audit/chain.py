"""The sequencer: gives written audit entries their place in the hash chain, in short transactions of its own.

A business transaction appends its entries to ``audit_pending`` and takes no lock for it, so a long import holds up
no one who writes an entry meanwhile (a page view, a log-in). Right after that transaction commits, its own entries
are chained (:func:`chain_written`, from the session's ``after_commit``), at most :data:`CHUNK` entries per
transaction: each step holds the chain's lock only while it hashes and moves one chunk, so others wait for one step at
most. Entries a crash or a failed step left behind are chained by :func:`chain_waiting`: the scheduler calls it each
time it renews its lease, and the trail is chained whole before it is verified or exported.

Each step takes its rows out of ``audit_pending`` with ``DELETE … RETURNING``, so two steps can never chain the same
entry: on SQLite as its first statement, so it holds the write lock from the start; on PostgreSQL after the chain's
advisory lock, which orders the steps, and by the ids read just before (one index scan each, however stale the new
table's statistics). The chain's order is the order of the steps (so ``recorded_at``, the time the entry was
written, can be a moment earlier than the entry before it).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from typing import Any

from sqlalchemy import Engine, delete, event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry, PendingAuditEntry
from budgetbeheer.db import locks
from budgetbeheer.db.base import table_of
from budgetbeheer.db.bulk_write import id_in, insert_rows

log = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
CHUNK = 5000
"""Entries chained per step (one short transaction)."""

CHAINED_FIELDS = ("id", "recorded_at", "actor", "action", "entity_type", "entity_id", "before_json", "after_json",
                  "reason", "request_id", "client_address", "previous_hash")
_WRITTEN_BY = "budgetbeheer.audit.written_by"
_CONTENT_COLUMNS = ("recorded_at", "actor", "action", "entity_type", "entity_id", "before_json", "after_json",
                    "reason", "request_id", "client_address", "auth_method")


def content_text(values: Any) -> str:
    """The text an entry's hash is taken of (``before_json``/``after_json`` under the names ``before``/``after``).
    ``auth_method`` is in it when set: entries written before it was kept hash as they did then."""
    content = {name.removesuffix("_json"): values[name] for name in CHAINED_FIELDS}
    if values.get("auth_method") is not None:
        content["auth_method"] = values["auth_method"]
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def written_by(session: Session) -> str:
    """The token of the session's current transaction, under which its entries wait (made at its first entry)."""
    token = session.info.get(_WRITTEN_BY)
    if token is None:
        token = session.info[_WRITTEN_BY] = uuid.uuid4().hex
    return str(token)


def _step(engine: Engine | Connection, token: str | None) -> int:
    """Chain up to :data:`CHUNK` waiting entries (of one transaction, or any) in one transaction; how many."""
    pending = table_of(PendingAuditEntry)
    chosen = select(pending.c.id).order_by(pending.c.id).limit(CHUNK)
    if token is not None:
        chosen = chosen.where(pending.c.written_by == token)
    with Session(engine) as session, session.begin():
        locks.hold(session, locks.Lock.AUDIT_CHAIN)
        if session.get_bind().dialect.name == "postgresql":
            # the ids first, then a delete by the array of them: with the subquery inside the DELETE the planner
            # chose a nested loop over the whole table when its statistics were stale (a table filled a moment ago)
            ids = list(session.scalars(chosen))
            if not ids:
                return 0
            which = id_in(session, pending.c.id, ids)
        else:  # SQLite: the DELETE is the first statement, so the step holds the write lock from its start
            which = pending.c.id.in_(chosen.scalar_subquery())
        taken = sorted(session.execute(
            delete(pending).where(which).returning(pending.c.id, *(pending.c[name] for name in _CONTENT_COLUMNS))
        ).mappings().all(), key=lambda row: row["id"])
        if not taken:
            return 0
        last = session.execute(
            select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)).first()
        next_id, previous = ((last.id + 1), last.entry_hash) if last else (1, GENESIS_HASH)
        rows: list[dict[str, Any]] = []
        for waiting in taken:
            row = {name: waiting[name] for name in _CONTENT_COLUMNS}
            row["id"], row["previous_hash"] = next_id, previous
            previous = row["entry_hash"] = hashlib.sha256(content_text(row).encode("utf-8")).hexdigest()
            rows.append(row)
            next_id += 1
        insert_rows(session, table_of(AuditEntry), rows)
    return len(taken)


def _chain(engine: Engine | Connection, token: str | None) -> int:
    total = 0
    while (moved := _step(engine, token)) > 0:
        total += moved
        if moved < CHUNK:
            break
    return total


def chain_written(engine: Engine | Connection, token: str) -> int:
    """Chain the entries one committed transaction wrote (its token), a chunk per step; how many."""
    return _chain(engine, token)


def chain_waiting(engine: Engine | Connection) -> int:
    """Chain every entry still waiting (left by a crash or a failed step, or not yet reached), oldest first."""
    return _chain(engine, None)


def waiting(session: Session) -> int:
    """How many entries wait to be chained."""
    return int(session.scalar(select(func.count()).select_from(PendingAuditEntry)) or 0)


@event.listens_for(Session, "after_commit")
def _chain_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the transaction goes on
        return
    token = session.info.pop(_WRITTEN_BY, None)
    if token is None:
        return
    try:
        chain_written(session.get_bind(), token)
    except Exception:  # the business is committed; its entries wait for chain_waiting
        log.exception("audit entries of transaction %s wait to be chained", token)


@event.listens_for(Session, "after_rollback")
def _forget_token(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint undone: the entries written before it still stand
        session.info.pop(_WRITTEN_BY, None)
