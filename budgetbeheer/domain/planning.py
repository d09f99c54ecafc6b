"""The rules of a payment run for one household, as pure functions: what to pay, what stays unpaid, and why.

The rules (``docs/money-rules.md`` has them in words, with a worked example):

1. A fixed cost is paid in full or not at all.
2. The fixed costs of the run are taken in priority order (:data:`~budgetbeheer.domain.categories.PRIORITY`:
   rent, health insurance, energy, water, municipal taxes, contents insurance, liability insurance, loan repayment,
   other), within a category the earlier due date first (then the order given). Each one that fits in what is left
   is paid; each one that does not becomes a :class:`Shortfall` with its full amount.
3. *Skip and continue*: after a cost that does not fit, the later ones are still tried, so a smaller, lower-priority
   cost that fits is paid. Stopping at the first that does not fit would leave money on the account while, say, the
   water company cuts off; skipping keeps the order for who goes first (a higher-priority cost is never passed over
   for a lower one that is as large or larger) and prevents the most harm with the money there is.
4. Leefgeld = balance - every fixed cost that must be paid before the next expected income can be used - the
   buffer, never below zero. "Before it can be used" is counted from the run's execution date: the next income is
   the first expected one whose money the run cannot have (:func:`income_usable_through`), and the money there now
   must pay every instalment whose run executes before the first run that can use that income, lead time included
   (:func:`kept_through`). Those of this run count too, paid or not: an unpaid one is still owed, so while a cost of
   this run is unpaid the result is zero and the money stays for the arrears.
5. The paydays up to that same date share that amount: this payday gets its part of ``split_evenly(amount,
   paydays)``; the rest stays on the account and the next run computes again from the balance it finds.
6. A payday is open for a run that executes on or before it; once it has passed with nothing paid it is *closed*,
   unless no earlier run covered it at all (:func:`open_paydays_from`). Later money goes to the next payday, never
   back to a closed one.
7. The final run of the period pays out the whole balance left after its fixed costs: no buffer, nothing reserved.

The payment runs and the household's forecast apply the same rules; they differ only in when a run executes what
falls due and when it can use an income, which :func:`income_usable_through` and :func:`kept_through` say for both
(``lead_business_days`` for the runs, ``None`` for the forecast's model of a run every day).

Every amount carries a short Dutch ``reason`` with the numbers, for the finance user, the caseworker and the household.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from budgetbeheer.domain.calendar import last_due_date_covered, next_business_day, subtract_business_days
from budgetbeheer.domain.categories import LABELS_NL, PRIORITY, Category
from budgetbeheer.domain.schedule import LeefgeldFrequency
from budgetbeheer.errors import Message
from budgetbeheer.i18n import Cents, Said
from budgetbeheer.money import format_eur

LEEFGELD = "leefgeld"
"""The ``kind`` of a leefgeld payment (a fixed-cost payment's kind is its category)."""

_ONE_DAY = timedelta(days=1)
_VALUES: dict[Category, str] = {category: category.value for category in Category}
"""A category's value by a dict lookup (``Category.value`` goes through the enum machinery)."""
_LEEFGELD_FREQUENCIES: dict[str, LeefgeldFrequency] = {member.value: member for member in LeefgeldFrequency}
"""Value to member by a dict lookup (a StrEnum member is also its own key): cheaper than calling the enum."""

# A reason is written out in Dutch with f-strings (cheap, for every household of a run) and carries the message id
# and parameters it says (budgetbeheer.i18n.Said.known), so a page shows it in the reader's language; the tests
# render each id and compare it with the Dutch text.
_eur = lru_cache(maxsize=65_536)(format_eur)
"""``format_eur`` remembered: a run formats the same amounts and balances for many households."""
_CATEGORY_LABELS = {category: Message(label) for category, label in LABELS_NL.items()}


@lru_cache(maxsize=4096)
def _day(d: date) -> str:
    return f"{d:%d-%m-%Y}"




class _DueObligationFields(NamedTuple):
    obligation_id: int
    category: Category
    amount_cents: int
    due_date: date
    creditor_id: int | None = None


class DueObligation(_DueObligationFields):
    """One instalment of a fixed cost that falls due (or fell due and is still unpaid: a carried shortfall).

    An immutable tuple, checked when made: ``category`` becomes a :class:`Category` (``ValueError`` for an unknown
    one) and ``amount_cents`` must be positive. A run makes several per household, so it is a light tuple rather than a
    dataclass."""

    __slots__ = ()

    def __new__(
        cls,
        obligation_id: int,
        category: Category | str,
        amount_cents: int,
        due_date: date,
        creditor_id: int | None = None,
    ) -> DueObligation:
        if type(category) is not Category:  # Category(a Category) is itself: skip the enum lookup
            category = Category(category)
        if amount_cents <= 0:
            raise ValueError(f"obligation {obligation_id}: amount must be positive, not {amount_cents}")
        return tuple.__new__(cls, (obligation_id, category, amount_cents, due_date, creditor_id))


class PlannedPayment(NamedTuple):
    """A transfer the run proposes. ``kind`` is the fixed cost's category or ``"leefgeld"``."""

    kind: str
    obligation_id: int | None
    amount_cents: int
    due_date: date
    reason: str
    creditor_id: int | None = None


class Shortfall(NamedTuple):
    """A fixed cost the run could not pay; always its full amount. A signal for the caseworker."""

    obligation_id: int
    category: Category
    amount_cents: int
    due_date: date
    reason: str
    creditor_id: int | None = None

    def as_due(self) -> DueObligation:
        """The same instalment, to carry into the next run."""
        return DueObligation(self.obligation_id, self.category, self.amount_cents, self.due_date, self.creditor_id)


class LeefgeldAmount(NamedTuple):
    """The leefgeld computation for one payday.

    ``available_cents`` is what may be paid as leefgeld until the next income (never below zero); ``amount_cents`` is
    this payday's part of it; ``paydays`` the number of paydays it is spread over.
    """

    amount_cents: int
    available_cents: int
    paydays: int
    reason: str
    final: bool = False


class RunPlan(NamedTuple):
    """What one run does for one household.

    ``payments`` holds the fixed costs paid in the order they were taken, then the leefgeld (only when above zero).
    ``leefgeld`` is the computation behind it, also when it came to zero (its reason says why); ``None`` when the run
    has no leefgeld payday. ``balance_after_cents`` = balance - every payment.
    """

    payments: tuple[PlannedPayment, ...]
    shortfalls: tuple[Shortfall, ...]
    balance_after_cents: int
    leefgeld: LeefgeldAmount | None = None

    @property
    def fixed_costs_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments if p.kind != LEEFGELD)

    @property
    def leefgeld_cents(self) -> int:
        return sum(p.amount_cents for p in self.payments if p.kind == LEEFGELD)

    @property
    def shortfall_cents(self) -> int:
        return sum(s.amount_cents for s in self.shortfalls)


def payment_order(due: Sequence[DueObligation]) -> list[DueObligation]:
    """``due`` in the order a run takes it: category priority, then due date, then the order given."""
    # A stable sort keeps the order given among equals; ``DueObligation.category`` is always a Category.
    return sorted(due, key=_priority_and_date)


_RANK: dict[Category, int] = dict(PRIORITY)


def _priority_and_date(obligation: DueObligation) -> tuple[int, date]:
    return _RANK[obligation.category], obligation.due_date


# --- when the next income can be used -------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def income_usable_through(run_date: date, lead_business_days: int | None) -> date:
    """The last expected-income date whose money a run for ``run_date`` can have in its balance.

    A payment run (``lead_business_days`` given) is prepared on the business day before its execution date (the
    scheduler prepares each business day the run of the next one) and sees what was booked by then: income expected
    up to that day. The forecast (``None``) runs each day after that day's income: income expected up to ``run_date``.
    Income that arrived early is found from the receipts (see
    :func:`~budgetbeheer.domain.forecast.next_income_date`); income that is late is not waited for: the run keeps
    money back until the income after it.
    """
    if lead_business_days is None:
        return run_date
    return subtract_business_days(run_date, 1)


@lru_cache(maxsize=4096)
def kept_through(next_income: date, lead_business_days: int | None) -> date:
    """The last due date (and payday) that the money already there must pay when the next income is expected on
    ``next_income``: everything whose run executes before the first run that can use that income.

    Payment runs: income booked on a business day is in the run prepared that day, which executes on the next
    business day; income expected on a closed day is booked on the next business day. So the first run that can use
    it executes on the business day after ``next_business_day(next_income)``, and every instalment whose execution
    date (due date minus the lead time) is on or before ``next_business_day(next_income)`` is kept back: with a lead
    of two business days and a benefit on Tuesday 25 August 2026, everything due up to Thursday 27 August.
    The forecast (``None``): each day's income comes before that day's run, which pays what is due that day: the days
    before ``next_income``.
    """
    if lead_business_days is None:
        return next_income - _ONE_DAY
    return last_due_date_covered(next_business_day(next_income), lead_business_days)


def open_paydays_from(run_date: date, covered_through: date | None) -> date | None:
    """The first payday still open for a run executing on ``run_date`` (rule 6), None when every payday is.

    A payday on or after ``run_date`` has not passed: it is open. A payday that has passed is open only when no earlier
    run counts as having covered it: ``covered_through`` is the last payday covered by the latest earlier run that
    counts (the payment run decides which runs count for a household: those prepared after its intake, and for a
    payday before intake any run), None when there is none.
    """
    if covered_through is None:
        return None
    first = covered_through + _ONE_DAY
    return first if first < run_date else run_date


@lru_cache(maxsize=4096)
def _costs_until(kept: date | None, next_income: date | None) -> Said:
    """The words for what is kept back, in a leefgeld reason."""
    if kept is None:
        return (Said("vaste lasten tot %(next)s", next=next_income) if next_income
                else Said("vaste lasten (geen inkomsten meer verwacht)"))
    if next_income is None:
        return Said("vaste lasten t/m %(kept)s (geen inkomsten meer verwacht)", kept=kept)
    return Said("vaste lasten t/m %(kept)s (volgende inkomsten %(next)s)", kept=kept, next=next_income)


def leefgeld_amount(
    balance_cents: int,
    fixed_costs_cents: int,
    buffer_cents: int,
    *,
    paydays: int = 1,
    next_income: date | None = None,
    kept_through: date | None = None,
    frequency: LeefgeldFrequency | str = LeefgeldFrequency.MONTHLY,
    final: bool = False,
) -> LeefgeldAmount:
    """Leefgeld for one payday.

    ``available = max(0, balance_cents - fixed_costs_cents - buffer_cents)``, where ``balance_cents`` is the balance
    before any of ``fixed_costs_cents`` is paid and ``fixed_costs_cents`` every fixed cost due through ``kept_through``
    (inclusive), the last due date the money there now must pay before the next expected income (on
    ``next_income``; ``None`` when none is expected) can be used. Both dates only go into the reason. This payday gets
    the first part of ``split_evenly(available, paydays)`` (the earlier paydays get the odd cents).

    ``final``: the end of the period; the whole ``balance_cents`` (never below zero) is paid out and
    ``fixed_costs_cents``, ``buffer_cents`` and ``paydays`` are ignored. Pass the balance left after the run's
    fixed-cost payments.
    """
    if final:
        amount = max(0, balance_cents)
        if amount:
            reason = Said("einde periode: het hele resterende saldo %(amount)s wordt uitbetaald (geen buffer, niets "
                          "gereserveerd)", amount=Cents(amount))
        else:
            reason = Said("einde periode: geen saldo over (%(zero)s)", zero=Cents(0))
        return LeefgeldAmount(amount, amount, 1, reason, final=True)
    if fixed_costs_cents < 0 or buffer_cents < 0:
        raise ValueError("fixed costs and buffer cannot be negative")
    if paydays < 1:
        raise ValueError(f"leefgeld is spread over at least one payday, not {paydays}")
    frequency = _LEEFGELD_FREQUENCIES.get(frequency) or LeefgeldFrequency(frequency)
    raw = balance_cents - fixed_costs_cents - buffer_cents
    available = max(0, raw)
    amount = -(-available // paydays)  # the first part of split_evenly(available, paydays): it gets the odd cent
    costs = _costs_until(kept_through, next_income)
    figures = {"balance": Cents(balance_cents), "costs": costs, "fixed": Cents(fixed_costs_cents),
               "buffer": Cents(buffer_cents), "raw": Cents(raw)}
    sum_nl = (f"saldo {_eur(balance_cents)} − {costs} {_eur(fixed_costs_cents)} − buffer {_eur(buffer_cents)} = "
              f"{_eur(raw)}")
    if raw < 0:
        reason = Said.known(f"{sum_nl}; minder dan nul, dus geen leefgeld ({_eur(0)})",
                            "saldo %(balance)s − %(costs)s %(fixed)s − buffer %(buffer)s = %(raw)s; minder dan nul, "
                            "dus geen leefgeld (%(zero)s)", zero=Cents(0), **figures)
    elif paydays > 1:
        unit = "week" if frequency is LeefgeldFrequency.WEEKLY else "betaaldag"
        reason = Said.known(f"{sum_nl}; {unit} 1 van {paydays} tot de volgende inkomsten → {_eur(amount)}",
                            "saldo %(balance)s − %(costs)s %(fixed)s − buffer %(buffer)s = %(raw)s; %(unit)s 1 van "
                            "%(paydays)s tot de volgende inkomsten → %(amount)s", unit=Message(unit),
                            paydays=paydays, amount=Cents(amount), **figures)
    else:
        reason = Said.known(sum_nl, "saldo %(balance)s − %(costs)s %(fixed)s − buffer %(buffer)s = %(raw)s",
                            **figures)
    return LeefgeldAmount(amount, available, paydays, reason)


def plan_run(
    balance_cents: int,
    due: Sequence[DueObligation],
    *,
    due_before_next_income: Sequence[DueObligation] = (),
    next_income_date: date | None,
    kept_through: date | None = None,
    buffer_cents: int,
    leefgeld_frequency: LeefgeldFrequency | str,
    leefgeld_paydays: Sequence[date] = (),
    final: bool = False,
) -> RunPlan:
    """Plan one household's part of a payment run.

    - ``balance_cents``: the household's available balance before the run.
    - ``due``: the fixed-cost instalments this run must pay, including shortfalls carried from earlier runs.
    - ``due_before_next_income``: fixed costs due after this run through ``kept_through``; they are not paid now,
      only kept out of the leefgeld. The caller decides the horizon (:func:`kept_through`, stopped at the period's
      end).
    - ``next_income_date``: the next expected income the run cannot use, ``None`` when none is expected (for the
      reason).
    - ``kept_through``: the last due date (and payday) the money there now must pay, inclusive; ``None``: the day
      before ``next_income_date`` (the forecast's model), or no limit when that is ``None`` too.
    - ``leefgeld_paydays``: this run's leefgeld payday and the later ones through ``kept_through``; the earliest is
      this run's. Later dates are not counted. Empty: the run pays no leefgeld.
    - ``final``: the last run of the period; the leefgeld is the whole balance left after the fixed costs, paid on the
      earliest of ``leefgeld_paydays`` (so at least one date is required).

    The same instalment (obligation id and due date) may appear only once over ``due`` and ``due_before_next_income``.
    See the module docstring for the rules.
    """
    if len(due) + len(due_before_next_income) > 1:
        keys = [(o.obligation_id, o.due_date) for o in (*due, *due_before_next_income)]
        if len(set(keys)) != len(keys):
            key = next(key for number, key in enumerate(keys) if key in keys[:number])
            raise ValueError(f"obligation {key[0]} due {key[1]} is listed twice")
    if buffer_cents < 0:
        raise ValueError("buffer cannot be negative")
    if final and not leefgeld_paydays:
        raise ValueError("the final run needs the payout date as its leefgeld payday")

    payments: list[PlannedPayment] = []
    shortfalls: list[Shortfall] = []
    remaining = balance_cents
    for obligation in payment_order(due) if due else ():
        label = Said.known(
            f"{LABELS_NL[obligation.category]} {_eur(obligation.amount_cents)}, vervalt {_day(obligation.due_date)}",
            "%(category)s %(amount)s, vervalt %(due)s", category=_CATEGORY_LABELS[obligation.category],
            amount=Cents(obligation.amount_cents), due=obligation.due_date)
        if obligation.amount_cents <= remaining:
            after = remaining - obligation.amount_cents
            if shortfalls:
                reason = Said.known(
                    f"{label}: betaald; saldo {_eur(remaining)} → {_eur(after)} (past nog, na een vaste last die "
                    "niet paste)",
                    "%(label)s: betaald; saldo %(before)s → %(after)s (past nog, na een vaste last die niet paste)",
                    label=label, before=Cents(remaining), after=Cents(after))
            else:
                reason = Said.known(f"{label}: betaald; saldo {_eur(remaining)} → {_eur(after)}",
                                    "%(label)s: betaald; saldo %(before)s → %(after)s", label=label,
                                    before=Cents(remaining), after=Cents(after))
            payments.append(
                PlannedPayment(
                    _VALUES[obligation.category],
                    obligation.obligation_id,
                    obligation.amount_cents,
                    obligation.due_date,
                    reason,
                    obligation.creditor_id,
                )
            )
            remaining = after
        else:
            reason = Said.known(
                f"{label}: past niet in het saldo {_eur(remaining)}; niet betaald (een vaste last wordt helemaal of "
                "niet betaald)",
                "%(label)s: past niet in het saldo %(balance)s; niet betaald (een vaste last wordt helemaal of niet "
                "betaald)", label=label, balance=Cents(remaining))
            shortfalls.append(
                Shortfall(
                    obligation.obligation_id,
                    obligation.category,
                    obligation.amount_cents,
                    obligation.due_date,
                    reason,
                    obligation.creditor_id,
                )
            )

    leefgeld: LeefgeldAmount | None = None
    if leefgeld_paydays:
        paydays = sorted(set(leefgeld_paydays)) if len(leefgeld_paydays) > 1 else leefgeld_paydays
        payday = paydays[0]
        if final:
            leefgeld = leefgeld_amount(remaining, 0, 0, final=True)
        else:
            last = kept_through
            if last is None and next_income_date is not None:
                last = next_income_date - _ONE_DAY
            counted = paydays if last is None or paydays[-1] <= last else [d for d in paydays if d <= last]
            reserved = sum([o.amount_cents for o in due]) + sum([o.amount_cents for o in due_before_next_income])
            leefgeld = leefgeld_amount(
                balance_cents,
                reserved,
                buffer_cents,
                paydays=max(1, len(counted)),
                next_income=next_income_date,
                kept_through=kept_through,
                frequency=leefgeld_frequency,
            )
        if leefgeld.amount_cents > 0:
            payments.append(PlannedPayment(LEEFGELD, None, leefgeld.amount_cents, payday, leefgeld.reason))
            remaining -= leefgeld.amount_cents

    return RunPlan(tuple(payments), tuple(shortfalls), remaining, leefgeld)
