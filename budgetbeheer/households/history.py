"""A household's history: the audit trail's entries about it (the household itself, its fixed costs, expected income,
receipts, IBAN changes, one-off payments and advances), newest first, with before and after as recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.households.common import get_household
from budgetbeheer.tables.households import ExpectedIncome, FixedCost, Receipt
from budgetbeheer.tables.payments import Advance, IbanChange, OneOffPayment

NOT_CHANGES = ("household.viewed",)
"""Entries that are no change of the household (who looked at its file is in the audit trail, not its history)."""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    id: int
    recorded_at: str
    actor: str
    action: str
    entity_type: str
    entity_id: str | None
    before: Any
    after: Any
    reason: str | None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "recorded_at": self.recorded_at, "actor": self.actor, "action": self.action,
                "entity": {"type": self.entity_type, "id": self.entity_id}, "before": self.before,
                "after": self.after, "reason": self.reason}


def _ids(session: Session, column: Any, where: Any) -> list[str]:
    return [str(i) for i in session.scalars(select(column).where(where))]


def household_history(session: Session, household_id: int, *, page: int = 1,
                      per_page: int = 50) -> tuple[list[HistoryEntry], int]:
    """One page of the household's history and the number of entries in all."""
    household = get_household(session, household_id)
    related = [
        ("household", [str(household.id)]),
        ("fixed_cost", _ids(session, FixedCost.id, FixedCost.household_id == household.id)),
        ("expected_income", _ids(session, ExpectedIncome.id, ExpectedIncome.household_id == household.id)),
        ("receipt", _ids(session, Receipt.id, Receipt.household_id == household.id)),
        ("iban_change", _ids(session, IbanChange.id, IbanChange.household_id == household.id)),
        ("one_off_payment", _ids(session, OneOffPayment.id, OneOffPayment.household_id == household.id)),
        ("advance", _ids(session, Advance.id, Advance.household_id == household.id)),
    ]
    condition = and_(or_(*(and_(AuditEntry.entity_type == kind, AuditEntry.entity_id.in_(ids))
                           for kind, ids in related if ids)), AuditEntry.action.not_in(NOT_CHANGES))
    total = int(session.scalar(select(func.count()).select_from(AuditEntry).where(condition)) or 0)
    rows = session.scalars(select(AuditEntry).where(condition).order_by(AuditEntry.id.desc())
                           .offset((max(page, 1) - 1) * per_page).limit(per_page))
    return [HistoryEntry(row.id, row.recorded_at, row.actor, row.action, row.entity_type, row.entity_id,
                         json.loads(row.before_json) if row.before_json else None,
                         json.loads(row.after_json) if row.after_json else None, row.reason)
            for row in rows], total
