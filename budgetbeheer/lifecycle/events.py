"""What the lifecycle feature lets other features know (see :mod:`budgetbeheer.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from budgetbeheer.audit.service import Actor
from budgetbeheer.events import Event


@dataclass(frozen=True)
class HouseholdEnded(Event):
    """A household's ontzorgen is over: its funds are zero, its persons' BSNs are released."""

    household_id: int
    ended_on: date
    actor: Actor
