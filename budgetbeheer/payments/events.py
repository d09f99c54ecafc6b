"""What the payments feature lets other features know (see :mod:`budgetbeheer.events`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from budgetbeheer.audit.service import Actor
from budgetbeheer.events import Event


@dataclass(frozen=True)
class BatchApproved(Event):
    """A batch is approved: its money left the households' funds (booked to in transit), its items are approved."""

    batch_id: int
    actor: Actor


@dataclass(frozen=True)
class BatchSettled(Event):
    """The bank executed a batch: its payments left the managed account (in transit → bank). ``partly_returned``:
    some of its payments had already come back."""

    batch_id: int
    amount_cents: int
    partly_returned: bool
    actor: Actor


@dataclass(frozen=True)
class PaymentReturned(Event):
    """A payment came back from the bank; its money is back on the household's funds.

    ``iban_held``: the reason code holds the IBAN (its own :class:`IbanHeld` went out first);
    ``paid_out_to_household``: the household had ended, so the money goes to it as final leefgeld.
    """

    item_id: int
    household_id: int
    reason: str
    iban_held: bool
    paid_out_to_household: bool
    actor: Actor


@dataclass(frozen=True)
class IbanHeld(Event):
    """Nothing more is paid to an IBAN after a return saying the account is wrong or closed; ``message`` says what
    happened and what to do, for the caseworker and finance."""

    hold_id: int
    household_id: int
    message: str
    actor: Actor


@dataclass(frozen=True)
class PaymentsReturned(Event):
    """Every :class:`PaymentReturned` of one use case (a statement's returns, a status report's rejections, one
    return by hand), published after them: what the lifecycle reacts to in one go."""

    returns: tuple[PaymentReturned, ...]
    actor: Actor


@dataclass(frozen=True)
class IbansHeld(Event):
    """Every :class:`IbanHeld` of one use case, published after them (the lifecycle's signals in one go)."""

    holds: tuple[IbanHeld, ...]
    actor: Actor


@dataclass(frozen=True)
class IbanHoldLifted(Event):
    """A hold is lifted (the IBAN was corrected or confirmed), for ``reason``."""

    hold_id: int
    reason: str
    actor: Actor


@dataclass(frozen=True)
class FinalPayoutRecovers(Event):
    """A run wrote final payouts that keep back what households still owe on advances: ``recoveries`` is
    ``(household_id, cents)``; the advances feature books each (household funds → advances) on ``business_date``."""

    recoveries: tuple[tuple[int, int], ...]
    business_date: date
    actor: Actor
