"""Demo households load, are valid, and loading twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.households.demo import load
from budgetbeheer.ledger.service import money_identity
from budgetbeheer.tables.households import Creditor, Household, Receipt


def test_demo_is_idempotent_and_balanced(session: Session) -> None:
    list(load(session, Actor.system("demo")))
    session.commit()
    first = [int(session.scalar(select(func.count()).select_from(m)) or 0) for m in (Household, Creditor, Receipt)]
    assert first[0] >= 8 and first[1] >= 10 and first[2] == first[0]
    list(load(session, Actor.system("demo")))
    session.commit()
    assert [int(session.scalar(select(func.count()).select_from(m)) or 0) for m in (Household, Creditor, Receipt)] \
        == first
    assert money_identity(session).holds
