"""What the households feature lets other features know (see :mod:`budgetbeheer.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from budgetbeheer.audit.service import Actor
from budgetbeheer.events import Event


@dataclass(frozen=True)
class ReceiptBooked(Event):
    """Money arrived and is booked: to a household's funds (bank → household), or, with no ``household_id``, to the
    unmatched money waiting to be matched."""

    receipt_id: int
    household_id: int | None
    amount_cents: int
    received_on: date
    kind: str
    actor: Actor
