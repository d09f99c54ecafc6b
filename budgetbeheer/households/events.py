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


@dataclass(frozen=True)
class ReceiptsBooked(Event):
    """Many receipts booked at once (:func:`budgetbeheer.households.receipts.book_receipts_in_bulk`: a bank
    statement's credits): each as its :class:`ReceiptBooked` says. One event for the lot, so a subscriber reads
    what it needs once instead of once per receipt; a feature that reacts to a receipt subscribes to both."""

    receipts: tuple[ReceiptBooked, ...]
    actor: Actor
