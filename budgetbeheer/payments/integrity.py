"""One check of everything that must not change: the audit chain, the ledger's seals, the approved payments' seals,
and the signature of the chain's head (``budgetbeheer audit verify``, the audit page)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from budgetbeheer.audit.service import VerificationResult, check_kept_signature, head_at, sign_head, verify
from budgetbeheer.ledger.service import LedgerVerification, verify_transactions
from budgetbeheer.payments.seals import ItemVerification, approval_mismatches, verify_items


@dataclass(frozen=True)
class BooksCheck:
    audit: VerificationResult
    ledger: LedgerVerification
    items: ItemVerification
    signature: str | None
    """HMAC-SHA256 of the head under ``BUDGETBEHEER_AUDIT_KEY``; None when no key is set (the head is unsigned)."""
    approvals: tuple[str, ...] = ()
    """Batches whose payments or approval booking differ from what their approval's audit entry sealed."""

    @property
    def ok(self) -> bool:
        return self.audit.ok and self.ledger.ok and self.items.ok and not self.approvals

    @property
    def count(self) -> int:
        return self.audit.count

    @property
    def first_bad_id(self) -> int | None:
        if not self.audit.ok:
            return self.audit.first_bad_id
        return self.ledger.first_bad_id if not self.ledger.ok else self.items.first_bad_id

    @property
    def problem(self) -> str | None:
        return "; ".join(self.problems()) or None

    def problems(self) -> list[str]:
        found = []
        if not self.audit.ok:
            found.append(self.audit.describe())
        if not self.ledger.ok:
            found.append(f"ledger transaction {self.ledger.first_bad_id}: {self.ledger.problem}")
        if not self.items.ok:
            found.append(f"payment item {self.items.first_bad_id} changed after approval (its seal does not match)")
        return found + list(self.approvals)

    def lines(self) -> list[str]:
        """What ``audit verify`` prints when everything holds: the counts, the head and its signature."""
        unsealed = f" ({self.ledger.unsealed} booked before seals were kept)" if self.ledger.unsealed else ""
        lines = [
            self.audit.describe(),
            f"ledger: {self.ledger.sealed} transactions sealed{unsealed}, all match",
            f"payments: {self.items.sealed} approved payments sealed, all match, and as their approvals recorded",
            f"head: entry {self.audit.count} sha256 {self.audit.head_hash}",
        ]
        if self.signature is None:
            lines.append("head unsigned: BUDGETBEHEER_AUDIT_KEY is not set")
        else:
            lines.append(f"signature: {self.audit.count}:{self.signature} (HMAC-SHA256; keep it with the accounts)")
        return lines


def check_books(session: Session, key: str) -> BooksCheck:
    audit = verify(session)
    signature = sign_head(key, audit.count, audit.head_hash) if key and audit.ok else None
    return BooksCheck(audit, verify_transactions(session), verify_items(session), signature,
                      tuple(approval_mismatches(session)))


def check_kept(session: Session, key: str, kept: str) -> str | None:
    """A signature kept earlier (``N:hex``, as ``audit verify`` printed it): None when the chain still ends entry N
    as it did then, else why not."""
    count_text, _, signature = kept.partition(":")
    if not count_text.strip().isdigit() or not signature:
        return "a kept signature reads N:hex, as audit verify printed it"
    count = int(count_text)
    if not check_kept_signature(key, count, head_at(session, count), signature):
        return f"the trail up to entry {count} is not what was signed (rewritten, or another key)"
    return None
