"""What the bank feature lets other features know (see :mod:`budgetbeheer.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from budgetbeheer.audit.service import Actor
from budgetbeheer.events import Event


@dataclass(frozen=True)
class StatementReconciled(Event):
    """A statement was imported and matched, and its closing balance set against the books.

    ``unexplained_cents``: what the difference leaves after what explains it (None: the statement had no closing
    balance); ``missing_sequence``: the sequence numbers between the account's previous statement and this one that
    were never imported (empty when none are missing)."""

    statement_pk: int
    statement_id: str
    account_iban: str
    on: date | None
    unexplained_cents: int | None
    missing_sequence: tuple[int, ...]
    actor: Actor


@dataclass(frozen=True)
class MoneyForEndedHousehold(Event):
    """Money arrived for a household whose ontzorgen has ended; it waits in the queue."""

    line_id: int
    household_id: int
    amount_cents: int
    actor: Actor


@dataclass(frozen=True)
class ReceiptNotOnBank(Event):
    """An announced receipt (API or CSV) has not shown on any statement ``days`` after its date."""

    receipt_id: int
    household_id: int
    amount_cents: int
    received_on: date
    days: int
