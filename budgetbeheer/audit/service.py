"""Writing and verifying the hash-chained audit trail.

Each entry's hash is the SHA-256 of its canonical content, which includes its id and the previous entry's hash. An
edited entry no longer matches its hash; a deleted, inserted or reordered entry breaks the chain at the next entry. The
``previous_hash`` column is UNIQUE, so two writers can never fork the chain.

An entry is written in the business transaction it describes (:func:`record`) and gets its place in the chain right
after that transaction commits, from the sequencer (:mod:`budgetbeheer.audit.chain`): no lock is held for the length
of the business transaction, so a long import holds up no one else's writes.

A chain without a key can be rewritten and hashed anew by whoever can write the database. So the head (the last
entry's id and hash) is signed with HMAC-SHA256 under a key kept outside the database (``BUDGETBEHEER_AUDIT_KEY``):
``audit verify`` prints that signature, to be kept with the accounts, and checks a kept one against the chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.chain import CHAINED_FIELDS, GENESIS_HASH, content_text, waiting, written_by
from budgetbeheer.audit.models import AuditEntry, PendingAuditEntry
from budgetbeheer.db.base import table_of, utcnow
from budgetbeheer.db.bulk_write import insert_rows


class AuthMethod(StrEnum):
    """How an actor proved who they were; kept in every audit entry (``auth_method``)."""

    SESSION = "session"
    """signed in on the web pages (session cookie, checked against the user's session version)"""
    SESSION_TOTP = "session+totp"
    """signed in on the web pages with the password and a two-step code (TOTP)"""
    SESSION_OIDC = "session+oidc"
    """signed in on the web pages through the municipality's identity provider (OpenID Connect)"""
    TOKEN = "token"  # noqa: S105 (a name, not a secret)  # nosec B105
    """an API request with the user's Bearer token"""
    CLI_PASSWORD = "cli-password"  # noqa: S105 (a name, not a secret)  # nosec B105
    """a command with ``--as U`` and U's password on standard input"""
    CLI_PASSWORD_TOTP = "cli-password+totp"  # noqa: S105 (a name, not a secret)  # nosec B105
    """a command with ``--as U``, U's password and then a two-step code on standard input"""
    CLI_TOKEN = "cli-token"  # noqa: S105 (a name, not a secret)  # nosec B105
    """a command with ``--as U`` and U's API token in ``BUDGETBEHEER_TOKEN``"""
    CLI_UNPROVEN = "cli-unproven"
    """a command with ``--as U`` that needs no proof (exports, bank feedback): the name is the operator's word"""
    OPERATOR = "operator"
    """the operator's own command on the server (``system:cli``: users and tokens set up, imports without ``--as``; a
    scheduled job run by hand with ``budgetbeheer jobs run``)"""
    SCHEDULER = "scheduler"
    """the scheduler process, or one of its jobs run by hand"""
    SYSTEM = "system"
    """the application itself (an event handler, a test)"""


@dataclass(frozen=True)
class Actor:
    """Who does something: a user (with the request it came from) or ``system:<job>``, and how they proved it."""

    name: str
    user_id: int | None = None
    request_id: str | None = None
    client_address: str | None = None
    auth_method: str | None = None

    @classmethod
    def system(cls, job: str) -> Actor:
        if job == "scheduler":
            method = AuthMethod.SCHEDULER
        elif job == "cli":
            method = AuthMethod.OPERATOR
        else:
            method = AuthMethod.SYSTEM
        return cls(name=f"system:{job}", auth_method=method.value)

    @property
    def is_system(self) -> bool:
        return self.name.startswith("system:")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


def canonical_json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def entry_content(entry: AuditEntry) -> str:
    return content_text({name: getattr(entry, name) for name in (*CHAINED_FIELDS, "auth_method")})


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(entry_content(entry).encode("utf-8")).hexdigest()


def _waiting_row(session: Session, actor: Actor, recorded_at: str, action: str, entity_type: str,
                 entity_id: object | None, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
                 reason: str | None) -> dict[str, Any]:
    return {"written_by": written_by(session), "recorded_at": recorded_at, "actor": actor.name, "action": action,
            "entity_type": entity_type, "entity_id": None if entity_id is None else str(entity_id),
            "before_json": canonical_json(before), "after_json": canonical_json(after), "reason": reason,
            "request_id": actor.request_id, "client_address": actor.client_address,
            "auth_method": actor.auth_method}


def _now_text() -> str:
    return utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: object | None = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Write an entry in the caller's database transaction: it commits or rolls back with the change it describes,
    and gets its place in the chain right after that commit (:mod:`budgetbeheer.audit.chain`). No lock is taken."""
    session.add(PendingAuditEntry(**_waiting_row(session, actor, _now_text(), action, entity_type, entity_id,
                                                 before, after, reason)))


@dataclass(frozen=True)
class Change:
    """One entry for :func:`record_many`: what :func:`record` takes after the actor."""

    action: str
    entity_type: str
    entity_id: object | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    reason: str | None = None


def record_many(session: Session, actor: Actor, changes: Sequence[Change]) -> int:
    """Write many entries at once (one bulk insert), chained in order after the commit like one :func:`record` each;
    for the bulk paths (a statement's thousands of receipts). Returns the number written."""
    if not changes:
        return 0
    recorded_at = _now_text()
    insert_rows(session, table_of(PendingAuditEntry), (
        _waiting_row(session, actor, recorded_at, change.action, change.entity_type, change.entity_id, change.before,
                     change.after, change.reason) for change in changes))
    return len(changes)


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    count: int
    first_bad_id: int | None = None
    problem: str | None = None
    head_hash: str = GENESIS_HASH
    """The last entry's hash (the genesis hash for an empty trail)."""
    waiting: int = 0
    """Entries written but not yet chained (a moment after their commit, or left by a crash until the next sweep)."""

    def describe(self) -> str:
        if self.ok:
            still = f"; {self.waiting} written, still waiting for their place" if self.waiting else ""
            return f"ok: {self.count} entries{still}"
        return f"audit trail broken at entry {self.first_bad_id}: {self.problem}"


def sign_head(key: str, count: int, head_hash: str) -> str:
    """HMAC-SHA256 of the chain's head: entry ``count`` (ids run 1..count) and its hash."""
    message = f"budgetbeheer audit head {count} {head_hash}".encode()
    return hmac.new(key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def head_at(session: Session, entry_id: int) -> str | None:
    """The stored hash of entry ``entry_id`` (the head as it was when that entry was the last), or None."""
    return session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.id == entry_id))


def check_kept_signature(key: str, count: int, head_hash: str | None, signature: str) -> bool:
    """Whether a signature kept with the accounts (``count:signature``) still matches the chain at that entry."""
    if head_hash is None:
        return False
    return hmac.compare_digest(sign_head(key, count, head_hash), signature.strip().lower())


def _entries(session: Session, batch_size: int = 5000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch_size)
            )
        )
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def verify(session: Session) -> VerificationResult:
    """Walk the chain in id order; name the first entry whose content or link does not hold."""
    previous_hash = GENESIS_HASH
    expected_id = 1
    count = 0
    for entry in _entries(session):
        if entry.id != expected_id:
            return VerificationResult(False, count, entry.id, f"expected entry {expected_id} here (deleted or inserted)")
        if entry.previous_hash != previous_hash:
            return VerificationResult(
                False, count, entry.id, "link to the previous entry does not match (deleted, inserted or reordered)"
            )
        if compute_hash(entry) != entry.entry_hash:
            return VerificationResult(False, count, entry.id, "content does not match its hash (edited)")
        previous_hash = entry.entry_hash
        expected_id += 1
        count += 1
    return VerificationResult(True, count, head_hash=previous_hash, waiting=waiting(session))
