"""The states of the models: one enum per status (or fixed-kind) column, and the transitions a batch and a household
may make.

The enum values are the strings stored in the database; the CHECK constraints of the models are built from them
(:func:`budgetbeheer.db.base.one_of`), so a value added here needs a migration. A ``StrEnum`` member equals its
string, so a status read from the database (a plain ``str``) compares equal to the member, and a member written to a
row, a JSON body or a template is its string.

A batch (:data:`BATCH_TRANSITIONS`)::

    proposed ─> approved ─> exported ─> sent ─> settled ─> partly_returned
        │           │           └──────────────> settled, or partly_returned when a payment came back first
        └───────────┴─> cancelled (only before export)

A household (:data:`HOUSEHOLD_TRANSITIONS`)::

    active ─> ending ─> ended ─> ending (money arrived after the end: reopened to pay it out)
                 └────> active (an extension approved before the final payout)

:func:`require_batch_transition` and :func:`require_household_transition` refuse, with a :class:`Conflict` (HTTP 409),
a move the tables do not allow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum

from budgetbeheer.domain.schedule import LeefgeldFrequency
from budgetbeheer.errors import Conflict, Message, MessageLike


class BatchStatus(StrEnum):
    """``PaymentBatch.status``."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    EXPORTED = "exported"
    SENT = "sent"
    SETTLED = "settled"
    PARTLY_RETURNED = "partly_returned"
    CANCELLED = "cancelled"


class ItemStatus(StrEnum):
    """``PaymentItem.status``."""

    PROPOSED = "proposed"
    HELD = "held"
    APPROVED = "approved"
    SETTLED = "settled"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class HouseholdStatus(StrEnum):
    """``Household.status`` (see :mod:`budgetbeheer.lifecycle.ending`)."""

    ACTIVE = "active"
    ENDING = "ending"
    ENDED = "ended"


class ExtensionStatus(StrEnum):
    """``ExtensionRequest.status``."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class IbanChangeStatus(StrEnum):
    """``IbanChange.status``."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class CreditorStatus(StrEnum):
    """``Creditor.status``: a creditor added outside the register (from a fixed cost, an intake or a correction), or
    one whose name is flagged, is ``pending`` until a finance user who did not add it confirms it; nothing is paid to
    it before (:mod:`budgetbeheer.households.creditors`)."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class SignalState(StrEnum):
    """``Signal.state``."""

    OPEN = "open"
    DONE = "done"


class SignalRole(StrEnum):
    """``Signal.role``: who must look at a signal."""

    CASEWORKER = "caseworker"
    FINANCE = "finance"
    SUPERVISOR = "supervisor"


class Party(StrEnum):
    """``IbanHold.party`` and ``IbanChange.party``: whose IBAN it is."""

    CREDITOR = "creditor"
    HOUSEHOLD = "household"


class OneOffStatus(StrEnum):
    """``OneOffPayment.status``: asked by a caseworker, approved (or rejected) by a finance user who did not ask.
    Once approved the next payment run pays it (a payment item with obligation key ``oo:<id>``)."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class RecoveryType(StrEnum):
    """``Advance.recovery_type``: how an advance is paid back from the household's income."""

    NEXT_INCOME = "next_income"
    """All of it (as far as it goes) from the next receipt of ``recovery_kind``, then from each one after it."""
    INSTALMENTS = "instalments"
    """In ``instalments`` equal parts, one from each benefit receipt."""


class RecoveryKind(StrEnum):
    """``AdvanceRecovery.kind``: how money came back on an advance (or was written off)."""

    INCOME = "income"
    FINAL = "final"
    WRITE_OFF = "write_off"


ENUMS: tuple[type[StrEnum], ...] = (
    BatchStatus, ItemStatus, HouseholdStatus, ExtensionStatus, IbanChangeStatus, SignalState, SignalRole, Party,
    LeefgeldFrequency, OneOffStatus, RecoveryType, RecoveryKind,
)
"""Every state enum (``LeefgeldFrequency``, ``Household.leefgeld_frequency``, is the domain's, from
:mod:`budgetbeheer.domain.schedule`); the web app hands them to the templates by name (``BatchStatus.PROPOSED``)."""


def values(states: Iterable[StrEnum]) -> tuple[str, ...]:
    """The stored strings of ``states``, in order (for a CHECK constraint, an API's ``enum`` or a ``*_STATUSES``)."""
    return tuple(state.value for state in states)


# -- groups of states that the code asks about --------------------------------------------------------------------

BATCH_FILE_WRITTEN = frozenset({BatchStatus.EXPORTED, BatchStatus.SENT, BatchStatus.SETTLED,
                                BatchStatus.PARTLY_RETURNED})
"""A batch whose bank file(s) exist: exporting it again returns the stored files."""
BATCH_PAID = (BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.SENT, BatchStatus.SETTLED,
              BatchStatus.PARTLY_RETURNED)
"""A batch whose money moved (approved or later, not cancelled)."""
BATCH_CANCELLABLE = (BatchStatus.PROPOSED, BatchStatus.APPROVED)
"""A batch that has not gone to the bank yet."""
BATCH_AT_BANK = (BatchStatus.SENT, BatchStatus.SETTLED, BatchStatus.PARTLY_RETURNED)
"""A batch the bank has: a payment of it can come back."""
BATCH_UPCOMING = (BatchStatus.PROPOSED, BatchStatus.APPROVED, BatchStatus.EXPORTED)
"""A batch not yet executed (when its execution date is today or later)."""
ITEM_BOOKED = frozenset({ItemStatus.APPROVED, ItemStatus.SETTLED})
"""An item whose money left the household's funds (approved, or settled by the bank) and did not come back."""
ITEM_UNPAID = (ItemStatus.HELD, ItemStatus.CANCELLED, ItemStatus.RETURNED)
"""An item that did not (or no longer) pay anything."""
ITEM_NOT_PAYING = (ItemStatus.HELD, ItemStatus.CANCELLED)
"""An item that does not go to the bank with its batch."""
ITEM_IN_BANK_FILE = (ItemStatus.APPROVED, ItemStatus.SETTLED, ItemStatus.RETURNED)
"""An item that is in its batch's bank file."""
ITEM_PLANNED = (ItemStatus.PROPOSED, ItemStatus.APPROVED, ItemStatus.SETTLED)
"""An item that pays (or will pay) what it planned."""
HOUSEHOLD_FINAL = (HouseholdStatus.ENDING, HouseholdStatus.ENDED)
"""A household whose period reached its end: no fixed cost after the end, the balance goes out as final leefgeld."""


# -- the words people read ----------------------------------------------------------------------------------------

STATUS_LABELS: dict[str, str] = {
    BatchStatus.PROPOSED: "voorgesteld",
    BatchStatus.APPROVED: "goedgekeurd",
    BatchStatus.EXPORTED: "bankbestand gemaakt",
    BatchStatus.SENT: "verzonden",
    BatchStatus.SETTLED: "afgeschreven",
    BatchStatus.PARTLY_RETURNED: "deels teruggekomen",
    BatchStatus.CANCELLED: "geannuleerd",
    ItemStatus.HELD: "tegengehouden",
    ItemStatus.RETURNED: "teruggekomen",
}
"""The Dutch word users see for a batch's or an item's status (English in ``payments/texts_en``)."""

IBAN_CHANGE_STATUS_LABELS: dict[str, str] = {
    IbanChangeStatus.PENDING: "wacht op bevestiging",
    IbanChangeStatus.CONFIRMED: "bevestigd",
    IbanChangeStatus.REJECTED: "afgewezen",
}


def status_label(status: str) -> Message:
    """The word for a batch's or an item's status, to be translated."""
    return Message(STATUS_LABELS.get(status, status))


# -- transitions --------------------------------------------------------------------------------------------------

BATCH_TRANSITIONS: dict[BatchStatus, frozenset[BatchStatus]] = {
    BatchStatus.PROPOSED: frozenset({BatchStatus.APPROVED, BatchStatus.CANCELLED}),
    BatchStatus.APPROVED: frozenset({BatchStatus.EXPORTED, BatchStatus.CANCELLED}),
    # settled straight from exported: the bank executed a file that nobody marked as sent
    BatchStatus.EXPORTED: frozenset({BatchStatus.SENT, BatchStatus.SETTLED, BatchStatus.PARTLY_RETURNED}),
    # partly_returned at settlement when a payment came back before the bank's debit was booked
    BatchStatus.SENT: frozenset({BatchStatus.SETTLED, BatchStatus.PARTLY_RETURNED}),
    BatchStatus.SETTLED: frozenset({BatchStatus.PARTLY_RETURNED}),
    BatchStatus.PARTLY_RETURNED: frozenset(),
    BatchStatus.CANCELLED: frozenset(),
}
"""Per batch status, the statuses it may move to."""

HOUSEHOLD_TRANSITIONS: dict[HouseholdStatus, frozenset[HouseholdStatus]] = {
    HouseholdStatus.ACTIVE: frozenset({HouseholdStatus.ENDING}),
    # ended at a zero balance; active again when an extension is approved before the final payout
    HouseholdStatus.ENDING: frozenset({HouseholdStatus.ENDED, HouseholdStatus.ACTIVE}),
    # money arrived after the end (a returned payment, late income): reopened to pay it out
    HouseholdStatus.ENDED: frozenset({HouseholdStatus.ENDING}),
}
"""Per household status, the statuses it may move to."""

BATCH_ACTIONS: dict[str, Message] = {
    BatchStatus.APPROVED: Message("goedkeuren"),
    BatchStatus.EXPORTED: Message("een bankbestand maken"),
    BatchStatus.SENT: Message("als verzonden markeren"),
    BatchStatus.SETTLED: Message("als afgeschreven boeken"),
    BatchStatus.PARTLY_RETURNED: Message("als afgeschreven boeken"),
}
"""What a person tried when a batch's move is refused, as the 409 text names it (``payments/texts_en``)."""


def batch_transition_allowed(current: str, target: str) -> bool:
    """Whether a batch in ``current`` may move to ``target`` (unknown statuses may not)."""
    try:
        return BatchStatus(target) in BATCH_TRANSITIONS[BatchStatus(current)]
    except ValueError:
        return False


def household_transition_allowed(current: str, target: str) -> bool:
    """Whether a household in ``current`` may move to ``target`` (unknown statuses may not)."""
    try:
        return HouseholdStatus(target) in HOUSEHOLD_TRANSITIONS[HouseholdStatus(current)]
    except ValueError:
        return False


def batch_refusal(batch_id: int, current: str, target: str) -> Conflict:
    """The 409 for a batch that cannot move from ``current`` to ``target``, in the words used since the start."""
    label = status_label(current)
    if target == BatchStatus.CANCELLED:
        return Conflict(
            Message("Betaalrun %(id)s is al %(status)s; alleen een run die nog niet naar de bank is gegaan kan worden "
                    "geannuleerd.", id=batch_id, status=label),
            {"status": label},
        )
    action = BATCH_ACTIONS.get(target, Message(str(target)))
    return Conflict(
        Message("Betaalrun %(id)s heeft status %(status)s; %(action)s kan niet.", id=batch_id, status=label,
                action=action),
        {"status": label},
    )


def require_batch_transition(batch_id: int, current: str, target: str) -> None:
    """Refuse (:class:`Conflict`, HTTP 409) a batch move that :data:`BATCH_TRANSITIONS` does not allow."""
    if not batch_transition_allowed(current, target):
        raise batch_refusal(batch_id, current, target)


def require_household_transition(
    current: str,
    target: str,
    refusal: MessageLike | Callable[[], Conflict],
    fields: Mapping[str, MessageLike] | None = None,
) -> None:
    """Refuse (:class:`Conflict`, HTTP 409) a household move that :data:`HOUSEHOLD_TRANSITIONS` does not allow.

    The text is the caller's: the same refusal reads differently where it happens (ending a period early, deciding on
    an extension). ``refusal`` is the message (with ``fields``) or a function that builds the whole error."""
    if household_transition_allowed(current, target):
        return
    if callable(refusal):
        raise refusal()
    raise Conflict(refusal, fields)
