"""Demo data of the special payments feature: for the first demo household, one advance granted by finance (a late
zorgtoeslag, recovered from the next allowance) and one one-off payment a caseworker asked for, waiting for the
second finance user's approval. Idempotent: a household that has either gets nothing new."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.errors import BudgetbeheerError
from budgetbeheer.special import advances, one_offs
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.payments import Advance, OneOffPayment
from budgetbeheer.tables.states import HouseholdStatus
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for

DEFAULTS = Settings()


def load(session: Session, actor: Actor) -> Iterator[str]:
    caseworker = session.scalar(select(User).where(User.username == "klantmanager"))
    finance = session.scalar(select(User).where(User.username == "financien"))
    household_id = session.scalar(select(Household.id).where(Household.status == HouseholdStatus.ACTIVE)
                                  .order_by(Household.id).limit(1))
    if caseworker is None or finance is None or household_id is None:
        return
    if session.scalar(select(Advance.id).where(Advance.household_id == household_id)) is None:
        advance = advances.grant_advance(session, actor_for(finance), household_id, {
            "amount": "300.00", "reason": "Zorgtoeslag is aangevraagd maar nog niet toegekend",
            "recovery": {"type": "next_income", "kind": "allowance"}}, maximum_cents=DEFAULTS.advance_max_cents)
        yield f"advance {advance.id}: EUR 300.00 for household {household_id} (recovered from the next allowance)"
    if session.scalar(select(OneOffPayment.id).where(OneOffPayment.household_id == household_id)) is None:
        try:
            row = one_offs.request_one_off(session, actor_for(caseworker), household_id, {
                "amount": "45.00", "to_household": True, "reason": "Schoolreis van de oudste (extra leefgeld)"},
                lead_business_days=DEFAULTS.lead_business_days)
        except BudgetbeheerError:
            return  # the money is not there: no demo request
        yield f"one-off payment {row.id}: EUR 45.00 for household {household_id}, waiting for approval"
