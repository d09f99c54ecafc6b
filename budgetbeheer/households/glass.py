"""Break the glass: a caseworker opens a household of another team, with a stated reason, for a limited time.

The reason is required; the opening is in the audit trail as ``household.break_glass`` (who, which household, why,
until when). While it is open the household is in the user's scope (:class:`budgetbeheer.tables.access.Scope`).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from budgetbeheer import validation as v
from budgetbeheer.audit.service import Actor, record
from budgetbeheer.errors import Message, PermissionDenied
from budgetbeheer.households.common import get_household
from budgetbeheer.tables.access import BreakGlass, open_break_glass

REASON_FIELD = "break_glass_reason"


def break_glass(session: Session, actor: Actor, household_id: int, reason: object) -> BreakGlass:
    """Open ``household_id`` for the acting user for :data:`~budgetbeheer.tables.access.BREAK_GLASS_MINUTES`."""
    if actor.user_id is None:
        raise PermissionDenied(Message("Alleen een aangemelde gebruiker kan een huishouden openen."))
    household = get_household(session, household_id)
    errors = v.Errors()
    text = v.text(errors, REASON_FIELD, reason, maximum=2000, multiline=True)
    errors.raise_if_any()
    assert text is not None
    row = open_break_glass(session, actor.user_id, household.id, text)
    record(session, actor, "household.break_glass", "household", household.id,
           after={"team": household.team, "until": row.expires_at.isoformat()}, reason=row.reason)
    return row
