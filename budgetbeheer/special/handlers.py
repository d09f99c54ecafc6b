"""What the special payments feature does when other features publish an event (see :mod:`budgetbeheer.events`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from budgetbeheer.households.events import ReceiptBooked, ReceiptsBooked
from budgetbeheer.payments.events import FinalPayoutRecovers
from budgetbeheer.special.advances import recover_from_final_payout, recover_from_receipt, recover_from_receipts

SUBSCRIPTIONS: tuple[tuple[type, Callable[..., Any]], ...] = (
    (ReceiptBooked, recover_from_receipt),
    (ReceiptsBooked, recover_from_receipts),
    (FinalPayoutRecovers, recover_from_final_payout),
)
