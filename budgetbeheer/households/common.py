"""What every household use case shares: finding the household, refusing to change one that ended, reading a row id
as typed in a form, a CSV cell or JSON, and the household's name.

Kept apart from the use cases (intake, creditors, fixed costs, income, receipts, the read side) so that each of them,
and the payments and lifecycle packages, can import it without importing one another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.domain.categories import REQUIRED_CATEGORIES, Category
from budgetbeheer.errors import Conflict, Message, NotFound
from budgetbeheer.fields import as_whole_number
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.states import HouseholdStatus


def get_household(session: Session, household_id: int, *, lock: bool = False) -> Household:
    """The household, or :class:`NotFound`. ``lock`` reads it with ``SELECT ... FOR UPDATE`` (PostgreSQL) for a
    change that depends on its current state (extending or ending the period)."""
    if lock:
        household = session.scalar(select(Household).where(Household.id == household_id).with_for_update())
    else:
        household = session.get(Household, household_id)
    if household is None:
        raise NotFound(Message("Huishouden %(id)s bestaat niet.", id=household_id))
    return household


def row_id(raw: object) -> int | None:
    """A row id as typed in a form, a CSV cell or JSON (ASCII digits or an int, within a BIGINT), else None."""
    number = as_whole_number(raw)
    return number if number is not None and 0 < number < 2**63 else None


def running(household: Household) -> Household:
    """The household, or a :class:`Conflict` once it has ended: an ended household's file is kept as it was."""
    if household.status == HouseholdStatus.ENDED:
        raise Conflict(Message("Het ontzorgen van dit huishouden is beëindigd; wijzigen kan niet meer."))
    return household


def sub_mapping(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    """``data[key]`` when it is an object (``leefgeld``, ``address``, ``creditor``), else empty: a client that sends
    something else gets the field-named errors of the missing fields, not a crash."""
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def household_name(household: Household) -> str:
    if not household.persons:
        return f"Huishouden {household.id}"
    first = household.persons[0]
    return f"{first.first_name} {first.last_name}"


def missing_required_categories(categories: Sequence[str]) -> list[str]:
    """The legally required categories (rent, health insurance, energy, water) that have no fixed cost yet."""
    present = set(categories)
    return [c.value for c in Category if c in REQUIRED_CATEGORIES and c.value not in present]
