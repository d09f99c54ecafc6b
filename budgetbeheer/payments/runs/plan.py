"""The decisions of a payment run for each household, from what :mod:`.read` read: pure, no session.

For every household in ontzorgen the run takes

* the fixed-cost instalments whose execution date (:func:`~budgetbeheer.domain.calendar.execution_date_for_due_date`)
  is on or before the run's date and that have no live payment yet (so instalments an earlier run could not pay, or
  whose payment was cancelled or returned, are carried forward), from the start of the household's period on;
* leefgeld for the latest open payday whose execution date has come and that has no leefgeld yet: a payday the run
  executes on or before, or one that passed while no earlier run covered it (:class:`ClosedPaydays`);
* the next expected benefit this run cannot have (:func:`~budgetbeheer.domain.planning.income_usable_through`,
  with the household's latest benefit receipt for one that came early) and every instalment that must be paid before
  a run can use it (:func:`~budgetbeheer.domain.planning.kept_through`), kept out of the leefgeld;

and applies the pure run rules of :mod:`budgetbeheer.domain.planning` to the household's *available* balance: its
ledger balance minus what proposed (not yet approved) batches already plan to pay from it. When the period has ended
(status ``ending``/``ended``, or its last day falls within what this run covers) no fixed cost due after the end is
paid and the whole remaining balance is paid out as final leefgeld.

An IBAN held after a return (:mod:`budgetbeheer.payments.iban_holds`) gets nothing: a payment to it is held out with
the reason, like a payment to an invalid IBAN; in a final settlement an instalment to a held IBAN is not planned at
all (the money goes to the household), and a household reopened after it ended gets no fixed costs, only its balance
as final leefgeld (see :func:`_payable_costs` and ``docs/returns.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from budgetbeheer.domain.planning import LEEFGELD, DueObligation, income_usable_through, plan_run
from budgetbeheer.i18n import Cents, Said
from budgetbeheer.payments.runs.context import RunContext
from budgetbeheer.payments.runs.model import (
    _NO_REFERENCE,
    _ONE_DAY,
    LEEFGELD_LOOKBACK_DAYS,
    ONE_OFF,
    LeefgeldWorkedOut,
    PlannedItem,
    PlannedShortfall,
    RunResult,
    _Cost,
    _HouseholdRow,
    _IncomeRow,
    _OneOff,
    _Payee,
    fixed_cost_key,
    leefgeld_key,
    one_off_key,
)
from budgetbeheer.payments.runs.paydays import ClosedPaydays
from budgetbeheer.payments.runs.read import RunInput
from budgetbeheer.tables.states import HOUSEHOLD_FINAL, HouseholdStatus, ItemStatus

_HELD, _PROPOSED = ItemStatus.HELD.value, ItemStatus.PROPOSED.value
"""Plain strings for the items' status: a run writes them for up to 100,000s of rows."""


def plan_households(
    found: RunInput, execution_date: date, last_due: date, lead: int, final_ids: set[int], with_leefgeld: bool,
    context: RunContext,
) -> RunResult:
    """The items and shortfalls of a run for ``execution_date`` (covering due dates through ``last_due``) over the
    households read (``final_ids``: those to settle finally whatever their status); see the module docstring."""
    run = _Run(execution_date, last_due, found.payees, found.earlier.live_fixed, lead, found.held_ibans, context)
    run.with_leefgeld = with_leefgeld
    run.closed = found.closed
    run.benefit_received = found.benefit_received
    pending, last_leefgeld = found.earlier.pending, found.earlier.last_leefgeld
    payees, held_ibans, payout_only, balances = found.payees, found.held_ibans, found.payout_only, found.balances
    unconfirmed = any(payee.unconfirmed for payee in payees.values())
    costs_by_household, incomes, extension_ends = found.costs, found.incomes, found.extension_ends
    one_offs, open_advances = found.one_offs, found.open_advances
    no_costs: list[_Cost] = []
    for household in found.households:
        hid = household.id
        costs = costs_by_household.get(hid, no_costs)
        if payout_only or held_ibans or unconfirmed:
            costs = _payable_costs(household, costs, payees, held_ibans, payout_only, final_ids)
        _plan_household(
            run, household, costs, incomes.get(hid, ()),
            last_leefgeld.get(hid), balances[hid] - pending.get(hid, 0), hid in final_ids, extension_ends.get(hid),
            one_offs.get(hid) if one_offs else None, open_advances.get(hid, 0) if open_advances else 0,
        )
    return run.result


class _Run:
    """What every household of one run shares."""

    __slots__ = ("after_run", "benefit_received", "closed", "context", "execution_date", "held_ibans", "last_due",
                 "lead", "live_fixed", "lookback_from", "payees", "result", "usable_through", "with_leefgeld")

    def __init__(
        self, execution_date: date, last_due: date, payees: dict[int, _Payee], live_fixed: set[tuple[int, date]],
        lead: int, held_ibans: dict[str, str] | None = None, context: RunContext | None = None,
    ) -> None:
        self.context = context or RunContext()
        """What this run remembers (and no other run sees)."""
        self.execution_date = execution_date
        self.last_due = last_due
        self.after_run = last_due + _ONE_DAY
        self.lookback_from = execution_date - timedelta(days=LEEFGELD_LOOKBACK_DAYS)
        self.payees = payees
        self.live_fixed = live_fixed
        self.held_ibans = held_ibans or {}
        """IBAN → why it is held (a return said the account is wrong or closed)."""
        self.result = RunResult()
        self.lead = lead
        self.usable_through = income_usable_through(execution_date, lead)
        """Income expected up to this day can be in this run's balance; the next income is the first one after it."""
        self.closed = ClosedPaydays([], execution_date, lead, self.context)
        self.benefit_received: dict[int, date] = {}
        self.with_leefgeld = False


def _plan_household(
    run: _Run,
    household: _HouseholdRow,
    costs: list[_Cost],
    incomes: tuple[_IncomeRow, ...],
    last_leefgeld: date | None,
    balance: int,
    force_final: bool,
    extension_end: date | None = None,
    one_offs: list[_OneOff] | None = None,
    open_advance: int = 0,
) -> None:
    end = household.period_end
    if household.ended_on is not None and household.ended_on < end:
        end = household.ended_on
    final = force_final or end <= run.last_due or household.status in HOUSEHOLD_FINAL
    # i10-extensions (issue 10, finding 2) ------------------------------------------------------------------------
    # While an extension request is pending (``extension_end``: the end once approved) the period is not final, and
    # the leefgeld keeps back the fixed costs up to the next income as if the request will be approved. Instalments
    # after the current end are not paid before the approval (``pay_until`` stays), only reserved: ``waits``.
    reserve_end, waits = end, False
    if extension_end is not None and not force_final:
        final, reserve_end, waits = False, extension_end, True
    # -------------------------------------------------------------------------------------------- end i10-extensions
    pay_until = end if end < run.last_due else run.last_due
    live_fixed = run.live_fixed
    context = run.context
    due_dates = context.due_dates

    payday: date | None = None
    paydays: Sequence[date] = ()
    horizon: date | None = None
    next_income: date | None = None
    if final:
        payday = max(pay_until, run.execution_date)
        paydays = (payday,)
    else:
        window_from = household.period_start
        if window_from < run.lookback_from:
            window_from = run.lookback_from
        if last_leefgeld is not None and last_leefgeld >= window_from:
            window_from = last_leefgeld + _ONE_DAY
        closed = run.closed  # a payday that passed with nothing paid is closed
        open_from = closed.open_from(household.id) if closed.enrolled_later else closed.open_all
        if open_from is not None and open_from > window_from:
            window_from = open_from
        candidates = context.paydays(household.leefgeld_frequency, household.leefgeld_day, window_from, run.after_run)
        if candidates:
            payday = candidates[-1]
            # Counted from the execution date: the next income this run cannot have, and everything that must be
            # paid before a run can use it (lead time included), not beyond the period's end (or, while an extension
            # is pending, the end it would get: i10-extensions).
            received = run.benefit_received
            next_income, kept_until = context.next_income(incomes, run.usable_through,
                                                   received.get(household.id) if received else None, run.lead)
            horizon = reserve_end + _ONE_DAY
            if kept_until is not None and kept_until < horizon:
                horizon = kept_until
            paydays = context.paydays(household.leefgeld_frequency, household.leefgeld_day, payday, horizon) or (payday,)

    # One pass over each cost's instalments: those up to this run's last due date are paid now (unless a live payment
    # exists), those after it and before the next income are kept out of the leefgeld.
    due: list[DueObligation] = []
    before_income: list[DueObligation] = []
    window_to = pay_until + _ONE_DAY
    until = horizon if horizon is not None and horizon > run.after_run else window_to
    if waits and until < run.after_run:  # i10-extensions: the instalments due by this run wait for the decision
        until = run.after_run
    for cost in costs:
        for day in due_dates(cost.frequency, cost.due_day, cost.start_date, cost.end_date, household.period_start,
                              until):
            if (cost.id, day) not in live_fixed:
                amounts = cost.amounts  # usually one amount since the start: read it without a method call
                since, cents = amounts[0]
                amount = cost.amount_on(day) if len(amounts) > 1 else cents if since <= day else None
                if amount:
                    if day < window_to:
                        due.append(DueObligation(cost.id, cost.kind, amount, day, cost.creditor_id))
                    elif day >= run.after_run or waits:  # i10-extensions: ``or waits`` (after the end, reserved)
                        before_income.append(DueObligation(cost.id, cost.kind, amount, day, cost.creditor_id))
    if not due and not paydays and not one_offs:
        return
    if one_offs:
        balance = _plan_one_offs(run, household, one_offs, balance, due, () if final else before_income, final)

    plan = plan_run(
        balance,
        due,
        due_before_next_income=before_income,
        next_income_date=next_income,
        kept_through=None if horizon is None else horizon - _ONE_DAY,
        buffer_cents=household.buffer_cents,
        leefgeld_frequency=household.leefgeld_frequency,
        leefgeld_paydays=paydays,
        final=final,
    )
    if run.with_leefgeld and plan.leefgeld is not None:
        run.result.leefgeld[household.id] = LeefgeldWorkedOut(balance, plan.leefgeld)
    items = run.result.items
    for payment in plan.payments:
        if payment.kind == LEEFGELD:
            if final and open_advance:  # the final payout first pays back what is still open on advances
                recovered = min(open_advance, payment.amount_cents)
                run.result.advance_recoveries[household.id] = recovered
                if recovered == payment.amount_cents:
                    continue
                payment = payment._replace(
                    amount_cents=payment.amount_cents - recovered,
                    reason=Said("%(reason)s; waarvan %(amount)s verrekend met het openstaande voorschot",
                                reason=payment.reason, amount=Cents(recovered)))
            hold = context.iban_problem(household.iban) or run.held_ibans.get(household.iban.replace(" ", "").upper())
            items.append(PlannedItem(
                household.id, LEEFGELD, None, None, household.account_holder[:140],
                household.iban.replace(" ", "").upper()[:34], None, payment.amount_cents, payment.due_date,
                _NO_REFERENCE, None, context.leefgeld_remittance(final, payment.due_date),
                None if hold else leefgeld_key(household.id, payment.due_date, final), payment.reason,
                _HELD if hold else _PROPOSED, hold,
            ))
            continue
        for cost in costs:
            if cost.id == payment.obligation_id:
                break
        else:  # pragma: no cover - every fixed-cost payment comes from one of the household's costs
            raise AssertionError(f"payment for unknown fixed cost {payment.obligation_id}")
        payee = run.payees[cost.creditor_id]
        kind, reference, reference_hold = context.reference(payee.reference_kind, cost.reference, payee.reference_required)
        hold = payee.iban_problem or reference_hold
        items.append(PlannedItem(
            household.id, payment.kind, cost.id, cost.creditor_id, payee.name, payee.iban, payee.bic,
            payment.amount_cents, payment.due_date, kind, reference or None,
            context.remittance(payment.kind, payment.due_date),
            None if hold else fixed_cost_key(cost.id, payment.due_date), payment.reason,
            _HELD if hold else _PROPOSED, hold,
        ))
    for shortfall in plan.shortfalls:
        run.result.shortfalls.append(PlannedShortfall(
            household.id, shortfall.obligation_id, str(shortfall.category), shortfall.amount_cents,
            shortfall.due_date, shortfall.reason,
        ))


def _plan_one_offs(
    run: _Run, household: _HouseholdRow, one_offs: list[_OneOff], balance: int, due: list[DueObligation],
    before_income: Sequence[DueObligation], final: bool,
) -> int:
    """Plan the household's approved one-off payments (oldest first) before its fixed costs and leefgeld; the
    balance left for :func:`plan_run`.

    A one-off payment is paid when it fits in what the balance holds beyond every fixed cost this run pays or keeps
    back (the buffer may be used: the caseworker asked for it and finance approved it). One that does not fit waits
    for a later run, and what it can have of the money beyond the fixed costs is kept out of this run's leefgeld;
    the final settlement keeps nothing back (the household's whole balance is paid out)."""
    free = balance - sum(o.amount_cents for o in due) - sum(o.amount_cents for o in before_income)
    context, items = run.context, run.result.items
    kept = 0
    for one in one_offs:
        if one.amount_cents > free:
            if not final and free > 0:
                kept += free
                free = 0
            continue
        free -= one.amount_cents
        balance -= one.amount_cents
        reason: str = Said("incidentele betaling %(amount)s (goedgekeurd): %(reason)s", amount=Cents(one.amount_cents),
                           reason=one.reason)
        if len(reason) > 500:
            reason = reason[:500]
        remittance = f"Incidentele betaling {one.reference or ''}".strip()[:140]
        if one.creditor_id is None:
            iban = household.iban.replace(" ", "").upper()[:34]
            hold = context.iban_problem(household.iban) or run.held_ibans.get(iban)
            items.append(PlannedItem(
                household.id, ONE_OFF, None, None, household.account_holder[:140], iban, None, one.amount_cents,
                run.execution_date, _NO_REFERENCE, None, remittance, None if hold else one_off_key(one.id), reason,
                _HELD if hold else _PROPOSED, hold,
            ))
            continue
        payee = run.payees[one.creditor_id]
        kind, reference, reference_hold = context.reference(payee.reference_kind, one.reference,
                                                            payee.reference_required)
        hold = payee.iban_problem or reference_hold
        items.append(PlannedItem(
            household.id, ONE_OFF, None, one.creditor_id, payee.name, payee.iban, payee.bic, one.amount_cents,
            run.execution_date, kind, reference or None, remittance, None if hold else one_off_key(one.id), reason,
            _HELD if hold else _PROPOSED, hold,
        ))
    return balance - kept


def _payable_costs(
    household: _HouseholdRow, costs: list[_Cost], payees: dict[int, _Payee], held_ibans: dict[str, str],
    payout_only: set[int], final_ids: set[int],
) -> list[_Cost]:
    """The fixed costs a run may still pay for the household, after returns (``docs/returns.md``):

    - none for a household reopened after it ended: the money that came back is its final leefgeld, and what was
      unpaid is on its handover;
    - in the final settlement (``ending``, or a forced final payout) none to a held IBAN, nor to a creditor finance
      has not confirmed: the instalment belongs to the period, but the period is over and the money goes to the
      household; the handover lists it as unpaid.

    A household still running keeps its costs: a payment to a held IBAN is then held out (the money is kept for it).
    """
    if household.id in payout_only:
        return []
    if household.status != HouseholdStatus.ACTIVE or household.id in final_ids:
        return [cost for cost in costs if payees[cost.creditor_id].iban not in held_ibans
                and not payees[cost.creditor_id].unconfirmed]
    return costs

