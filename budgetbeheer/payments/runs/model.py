"""The shapes a payment run works with, and the keys and identifiers it writes: plain values, no database.

The rows read for a run (:class:`_HouseholdRow`, :class:`_Cost`, :class:`_Payee`) are NamedTuples of the columns the
planning needs; what a run proposes (:class:`PlannedItem`, :class:`PlannedShortfall`) is in the column order of its
table, ready for a bulk insert (:mod:`.write`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from budgetbeheer.domain.address import needs_address
from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.planning import LeefgeldAmount
from budgetbeheer.domain.references import ReferenceKind
from budgetbeheer.domain.schedule import amount_in_force
from budgetbeheer.fields import check_iban

_ONE_DAY = timedelta(days=1)
_CATEGORIES = {category.value: category for category in Category}
_NO_REFERENCE = ReferenceKind.NONE.value
_FREE_TEXT = ReferenceKind.FREE_TEXT.value
LEEFGELD_LOOKBACK_DAYS = 35
"""A leefgeld payday older than this is never paid any more (a bound on the search; the closed-payday rule already
keeps a payday that an earlier run covered from being paid later)."""
_COVER_DAYS = 14
"""A run that covered a payday executed at most this many days before it (the lead time, weekends and holidays)."""


def fixed_cost_key(fixed_cost_id: int, due: date) -> str:
    """``fc:<fixed cost, ten digits>:<due date>``. The ids are zero-padded so that the keys of a run, written in
    household order, sort in that order: each lands next to the previous one in the UNIQUE index."""
    return f"fc:{fixed_cost_id:010d}:{due.isoformat()}"


def leefgeld_key(household_id: int, payday: date, final: bool = False) -> str:
    """``lg:<household, ten digits>:<payday>``; the final payout of a period ends in ``:final`` so that it never
    collides with a regular leefgeld of the same payday."""
    return f"lg:{household_id:010d}:{payday.isoformat()}" + (":final" if final else "")


def one_off_key(one_off_id: int) -> str:
    """``oo:<one-off payment, ten digits>``: one live payment per approved one-off payment."""
    return f"oo:{one_off_id:010d}"


ONE_OFF = "one_off"
"""The ``kind`` of a one-off payment's item (incidentele betaling), to a creditor or to the household itself."""


class _OneOff(NamedTuple):
    """An approved one-off payment without a live payment yet; ``creditor_id`` None: to the household's own IBAN."""

    id: int
    creditor_id: int | None
    amount_cents: int
    reference: str | None
    reason: str


def msg_id_base(batch_id: int, execution_date: date) -> str:
    """Unique per batch and at most 27 characters: ``BB<yyyymmdd>-<batch id>``."""
    return f"BB{execution_date:%Y%m%d}-{batch_id}"


def iban_problem(raw: str) -> str | None:
    """None when ``raw`` is a valid IBAN in the SEPA zone, else a Dutch reason. Not remembered here: a run remembers
    it per distinct IBAN for that run only (:class:`~.context.RunContext`)."""
    checked = check_iban(raw)
    if checked.problem == "sepa":
        return f"IBAN {raw} ligt buiten het SEPA-gebied; de betaling wordt tegengehouden"
    if not checked.ok:
        return (f"IBAN {raw} is ongeldig ({IBAN_PROBLEMS_NL[checked.problem]}); de betaling wordt tegengehouden tot "
                "het IBAN is verbeterd")
    return None


IBAN_PROBLEMS_NL = {"checksum": "de controlecijfers kloppen niet", "length": "de lengte klopt niet voor het land",
                    "country": "onbekende landcode", "structure": "de tekens kloppen niet"}


_plain_iban_problem = iban_problem

_IncomeRow = tuple[str, int, int, Any, Any, str]
"""``(kind, cents, day, start, end)`` of an expected income as the driver gives it (see :func:`.read.as_date`)."""


class _Cost(NamedTuple):
    id: int
    kind: Category
    creditor_id: int
    frequency: str
    due_day: int
    start_date: date
    end_date: date | None
    reference: str | None
    amounts: list[tuple[date, int]]
    """``(effective from, cents)``, oldest first."""

    def amount_on(self, day: date) -> int | None:
        return amount_in_force(self.amounts, day)


class _HouseholdRow(NamedTuple):
    id: int
    iban: str
    account_holder: str
    period_start: date
    period_end: date
    status: str
    ended_on: date | None
    leefgeld_frequency: str
    leefgeld_day: int
    buffer_cents: int


class PlannedItem(NamedTuple):
    """One payment a run proposes, in the column order of ``payment_items`` (batch and EndToEndId are added when the
    batch is written)."""

    household_id: int
    kind: str
    fixed_cost_id: int | None
    creditor_id: int | None
    creditor_name: str
    iban: str
    bic: str | None
    amount_cents: int
    due_date: date
    reference_kind: str
    reference: str | None
    remittance: str
    obligation_key: str | None
    reason: str
    status: str
    hold_reason: str | None


class PlannedShortfall(NamedTuple):
    """A fixed cost a run could not pay, in the column order of ``shortfalls`` (without the batch)."""

    household_id: int
    fixed_cost_id: int
    category: str
    amount_cents: int
    due_date: date
    reason: str


class LeefgeldWorkedOut(NamedTuple):
    """The leefgeld computation of one household in a run: the money it started from (ledger balance minus what
    proposed batches plan) and :class:`~budgetbeheer.domain.planning.LeefgeldAmount` (also when it came to zero).
    The household's figures (:mod:`budgetbeheer.households.figures`) show the same ``available_cents``."""

    balance_cents: int
    leefgeld: LeefgeldAmount


@dataclass
class RunResult:
    """What :func:`~.service.plan_items` worked out, ready for bulk insert; with ``with_leefgeld`` also ``leefgeld``, the
    computation per household that had a payday (for comparison with the household's figures)."""

    items: list[PlannedItem] = field(default_factory=list)
    shortfalls: list[PlannedShortfall] = field(default_factory=list)
    leefgeld: dict[int, LeefgeldWorkedOut] = field(default_factory=dict)
    advance_recoveries: dict[int, int] = field(default_factory=dict)
    """Per household, what its final payout keeps back to recover its open advances (voorschotten): the run that
    writes the payout books it (:class:`~budgetbeheer.payments.events.FinalPayoutRecovers`)."""


def _held_payee(payee: _Payee, held_ibans: dict[str, str]) -> _Payee:
    hold = held_ibans.get(payee.iban)
    return payee._replace(iban_problem=payee.iban_problem or hold) if hold else payee


class _Payee(NamedTuple):
    """A creditor as its payments carry it, worked out once per run."""

    name: str
    iban: str
    bic: str | None
    reference_kind: str
    reference_required: bool
    iban_problem: str | None
    unconfirmed: bool = False
    """Not (yet) confirmed by finance (pending or rejected): every payment to it is held out, and the final
    settlement plans none (as for a held IBAN)."""

    @classmethod
    def of(
        cls, name: str, iban: str, bic: str | None, reference_kind: str, reference_required: bool,
        problem: Callable[[str], str | None] | None = None, *, has_address: bool = True,
        status: str = "confirmed",
    ) -> _Payee:
        """``problem``: the run's remembered :func:`iban_problem` (:attr:`.context.RunContext.iban_problem`); None:
        the plain function (the field of the same name hides it in this class). ``has_address``: the creditor has
        town and country in the register; without them a payment to an IBAN outside the EEA is held out too
        (:func:`address_problem`), with that reason in the same field. ``status``: the creditor's status in the
        register; a creditor that finance has not confirmed gets nothing (:func:`unconfirmed_problem`)."""
        compact = iban.replace(" ", "").upper()[:34]
        hold = (unconfirmed_problem(name, compact, status) or (problem or _plain_iban_problem)(iban)
                or (None if has_address else address_problem(name, compact)))
        return cls(name[:140], compact, bic, reference_kind, reference_required, hold, status != "confirmed")


def unconfirmed_problem(name: str, iban: str, status: str) -> str | None:
    """None for a creditor finance confirmed, else the Dutch reason its payments are held out (issue 14, finding 4)."""
    if status == "confirmed":
        return None
    if status == "rejected":
        return (f"Schuldeiser {name} ({iban}) is afgewezen door financiën; er wordt niets aan betaald. Kies bij de "
                "vaste last een andere schuldeiser")
    return (f"Schuldeiser {name} ({iban}) wacht op bevestiging door financiën (nieuw of gemarkeerd in het register); "
            "de betaling wordt tegengehouden tot de schuldeiser is bevestigd")


def address_problem(name: str, iban: str) -> str | None:
    """None when a transfer to ``iban`` needs no address (its country is in the EEA), else the Dutch reason a
    payment to creditor ``name`` without an address is held out."""
    if not needs_address(iban):
        return None
    return (f"Schuldeiser {name} heeft een IBAN buiten de Europese Economische Ruimte ({iban}) maar geen adres in "
            "het register; de bank weigert de betaling zonder adres. De betaling wordt tegengehouden tot plaats en "
            "land zijn ingevuld")

