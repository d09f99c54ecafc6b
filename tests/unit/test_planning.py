from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetbeheer.domain.calendar import execution_date_for_due_date
from budgetbeheer.domain.categories import LABELS_NL, PRIORITY, REQUIRED_CATEGORIES, Category, priority
from budgetbeheer.domain.planning import (
    LEEFGELD,
    DueObligation,
    RunPlan,
    income_usable_through,
    kept_through,
    leefgeld_amount,
    open_paydays_from,
    payment_order,
    plan_run,
)
from budgetbeheer.money import split_evenly

RUN = date(2026, 11, 1)
NEXT_INCOME = date(2026, 12, 1)
MONDAYS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]


def due(obligation_id: int, category: str, euros: float | int, due_date: date = RUN) -> DueObligation:
    return DueObligation(
        obligation_id, Category(category), round(euros * 100), due_date, creditor_id=100 + obligation_id
    )


def plan(balance: int, obligations: list[DueObligation], **kwargs: object) -> RunPlan:
    arguments: dict[str, object] = {
        "next_income_date": NEXT_INCOME,
        "buffer_cents": 0,
        "leefgeld_frequency": "monthly",
    }
    arguments.update(kwargs)
    return plan_run(balance, obligations, **arguments)  # type: ignore[arg-type]


def paid_ids(result: RunPlan) -> list[int | None]:
    return [p.obligation_id for p in result.payments if p.kind != LEEFGELD]


def test_categories_and_their_order() -> None:
    assert [c.value for c in sorted(Category, key=priority)] == [
        "rent",
        "health_insurance",
        "energy",
        "water",
        "municipal_taxes",
        "contents_insurance",
        "liability_insurance",
        "loan_repayment",
        "other",
    ]
    assert priority("rent") == 1
    assert priority(Category.OTHER) == 9
    assert set(REQUIRED_CATEGORIES) == {Category.RENT, Category.HEALTH_INSURANCE, Category.ENERGY, Category.WATER}
    assert set(LABELS_NL) == set(Category) == set(PRIORITY)
    with pytest.raises(ValueError):
        priority("groceries")


def test_everything_paid_when_there_is_enough_in_priority_order() -> None:
    obligations = [due(3, "water", 30), due(1, "rent", 650), due(2, "health_insurance", 150)]
    result = plan(100000, obligations)
    assert paid_ids(result) == [1, 2, 3]
    assert result.shortfalls == ()
    assert result.fixed_costs_cents == 83000
    assert result.payments[0].kind == "rent"
    assert result.payments[0].creditor_id == 101
    assert result.balance_after_cents == 100000 - 83000
    assert result.leefgeld is None  # no payday in this run


def test_short_balance_pays_by_priority_and_skips_what_does_not_fit() -> None:
    obligations = [
        due(4, "water", 30),
        due(3, "energy", 120),
        due(2, "health_insurance", 150),
        due(1, "rent", 650),
    ]
    result = plan(70000, obligations, leefgeld_paydays=[RUN])
    # rent 650 fits (50 left); health 150 and energy 120 do not; water 30 still fits: skip and continue.
    assert paid_ids(result) == [1, 4]
    assert [(s.obligation_id, s.category, s.amount_cents) for s in result.shortfalls] == [
        (2, Category.HEALTH_INSURANCE, 15000),
        (3, Category.ENERGY, 12000),
    ]
    assert result.balance_after_cents == 2000
    assert result.leefgeld is not None
    assert result.leefgeld.amount_cents == 0
    assert result.leefgeld_cents == 0
    assert "past niet in het saldo € 50,00" in result.shortfalls[0].reason
    assert "zorgverzekering € 150,00" in result.shortfalls[0].reason
    assert "na een vaste last die niet paste" in result.payments[1].reason


def test_nothing_is_paid_from_an_empty_or_negative_balance() -> None:
    for balance in (0, -500):
        result = plan(balance, [due(1, "rent", 650), due(2, "water", 30)], leefgeld_paydays=[RUN])
        assert result.payments == ()
        assert [s.obligation_id for s in result.shortfalls] == [1, 2]
        assert result.balance_after_cents == balance


def test_exactly_enough_is_enough() -> None:
    result = plan(65000, [due(1, "rent", 650)])
    assert paid_ids(result) == [1]
    assert result.balance_after_cents == 0


def test_within_a_category_the_earlier_due_date_goes_first() -> None:
    october = due(1, "rent", 650, date(2026, 10, 1))
    november = due(1, "rent", 650, date(2026, 11, 1))
    result = plan(70000, [november, october])
    assert [p.due_date for p in result.payments] == [date(2026, 10, 1)]
    assert [s.due_date for s in result.shortfalls] == [date(2026, 11, 1)]


def test_a_carried_lower_priority_shortfall_waits_behind_rent() -> None:
    old_energy = due(3, "energy", 120, date(2026, 10, 15))
    result = plan(70000, [old_energy, due(1, "rent", 650)])
    assert paid_ids(result) == [1]
    assert [s.obligation_id for s in result.shortfalls] == [3]


def test_equal_priority_and_date_keeps_the_given_order() -> None:
    result = plan(5000, [due(7, "other", 50), due(8, "other", 50)])
    assert paid_ids(result) == [7]
    assert payment_order([due(8, "other", 1), due(7, "other", 1)])[0].obligation_id == 8


def test_brief_example_weekly_leefgeld_over_four_paydays() -> None:
    result = plan(
        120000,
        [due(1, "rent", 650)],
        buffer_cents=5000,
        leefgeld_frequency="weekly",
        leefgeld_paydays=MONDAYS[:4],
    )
    leefgeld = result.payments[-1]
    assert leefgeld.kind == LEEFGELD
    assert leefgeld.obligation_id is None
    assert leefgeld.amount_cents == 12500
    assert leefgeld.due_date == date(2026, 11, 2)
    assert leefgeld.reason == (
        "saldo € 1.200,00 \u2212 vaste lasten tot 01-12-2026 € 650,00 \u2212 buffer € 50,00 = € 500,00; "
        "week 1 van 4 tot de volgende inkomsten → € 125,00"
    )
    assert result.leefgeld is not None
    assert result.leefgeld.available_cents == 50000
    assert result.balance_after_cents == 120000 - 65000 - 12500


def test_costs_due_later_before_the_next_income_are_kept_back() -> None:
    later = [due(3, "energy", 120, date(2026, 11, 15)), due(4, "water", 30, date(2026, 11, 28))]
    result = plan(
        150000, [due(1, "rent", 650)], due_before_next_income=later, buffer_cents=2500, leefgeld_paydays=[RUN]
    )
    # 1500 - (650 + 120 + 30) - 25 = 675, one monthly payday.
    assert result.leefgeld_cents == 67500
    assert paid_ids(result) == [1]  # the later ones are not paid now
    assert "vaste lasten tot 01-12-2026 € 800,00" in result.payments[-1].reason


def test_leefgeld_is_never_below_zero() -> None:
    result = plan(70000, [due(1, "rent", 650)], buffer_cents=10000, leefgeld_paydays=[RUN])
    assert result.leefgeld_cents == 0
    assert [p.kind for p in result.payments] == ["rent"]
    assert result.leefgeld is not None
    assert result.leefgeld.amount_cents == 0
    assert "= -€ 50,00; minder dan nul, dus geen leefgeld (€ 0,00)" in result.leefgeld.reason


def test_no_leefgeld_while_a_cost_of_this_run_is_unpaid() -> None:
    # 650 rent does not fit, 30 water does; the unpaid rent is still owed, so nothing is released as leefgeld.
    result = plan(60000, [due(1, "rent", 650), due(2, "water", 30)], leefgeld_paydays=[RUN])
    assert paid_ids(result) == [2]
    assert result.leefgeld_cents == 0
    assert result.balance_after_cents == 57000


def test_paydays_on_or_after_the_next_income_do_not_count() -> None:
    result = plan(
        100000,
        [],
        leefgeld_frequency="weekly",
        leefgeld_paydays=[*MONDAYS, date(2026, 12, 7)],
        next_income_date=date(2026, 11, 30),
    )
    assert result.leefgeld is not None
    assert result.leefgeld.paydays == 4
    assert result.leefgeld_cents == 25000


def test_paydays_in_any_order_the_earliest_is_this_runs() -> None:
    result = plan(100000, [], leefgeld_frequency="weekly", leefgeld_paydays=list(reversed(MONDAYS[:4])))
    assert result.payments[-1].due_date == MONDAYS[0]
    assert result.leefgeld_cents == 25000


def test_weekly_leefgeld_over_four_paydays_with_odd_cents() -> None:
    """Each week the run sees what is left and the remaining paydays; the four payments add up to the whole."""
    balance = 100003
    paid = []
    for week in range(4):
        result = plan(balance, [], leefgeld_frequency="weekly", leefgeld_paydays=MONDAYS[week:4])
        paid.append(result.leefgeld_cents)
        balance = result.balance_after_cents
    assert paid == [25001, 25001, 25001, 25000]
    assert sum(paid) == 100003
    assert balance == 0


def test_weekly_leefgeld_over_five_paydays_with_odd_cents() -> None:
    balance = 100002 + 7500  # 75.00 buffer stays
    paid = []
    for week in range(5):
        result = plan(balance, [], buffer_cents=7500, leefgeld_frequency="weekly", leefgeld_paydays=MONDAYS[week:])
        paid.append(result.leefgeld_cents)
        balance = result.balance_after_cents
    assert paid == [20001, 20001, 20000, 20000, 20000]
    assert balance == 7500
    first = plan(100002 + 7500, [], buffer_cents=7500, leefgeld_frequency="weekly", leefgeld_paydays=MONDAYS)
    assert first.payments[0].reason.endswith("week 1 van 5 tot de volgende inkomsten → € 200,01")


def test_monthly_leefgeld_with_two_paydays_before_a_late_income() -> None:
    result = plan(
        60001,
        [],
        leefgeld_frequency="monthly",
        leefgeld_paydays=[date(2026, 11, 1), date(2026, 12, 1)],
        next_income_date=date(2026, 12, 20),
    )
    assert result.leefgeld_cents == 30001
    assert "betaaldag 1 van 2" in result.payments[0].reason


def test_no_next_income_keeps_back_what_the_caller_listed() -> None:
    result = plan(
        100000,
        [],
        due_before_next_income=[due(1, "rent", 650, date(2026, 11, 20))],
        next_income_date=None,
        leefgeld_paydays=[RUN],
    )
    assert result.leefgeld_cents == 35000
    assert "geen inkomsten meer verwacht" in result.payments[0].reason


def test_final_run_pays_out_the_whole_remaining_balance() -> None:
    result = plan(
        100000,
        [due(1, "rent", 650)],
        due_before_next_income=[due(2, "energy", 120, date(2026, 11, 15))],
        buffer_cents=5000,
        leefgeld_paydays=[RUN],
        final=True,
    )
    assert paid_ids(result) == [1]
    assert result.leefgeld_cents == 35000
    assert result.balance_after_cents == 0
    assert result.leefgeld is not None
    assert result.leefgeld.final
    assert "het hele resterende saldo € 350,00" in result.payments[-1].reason


def test_final_run_with_a_shortfall_still_pays_out_what_is_left() -> None:
    result = plan(60000, [due(1, "rent", 650), due(2, "water", 30)], leefgeld_paydays=[RUN], final=True)
    assert paid_ids(result) == [2]
    assert [s.obligation_id for s in result.shortfalls] == [1]
    assert result.leefgeld_cents == 57000
    assert result.balance_after_cents == 0


def test_final_run_with_nothing_left() -> None:
    result = plan(65000, [due(1, "rent", 650)], leefgeld_paydays=[RUN], final=True)
    assert [p.kind for p in result.payments] == ["rent"]
    assert result.leefgeld is not None
    assert result.leefgeld.amount_cents == 0
    assert "geen saldo over" in result.leefgeld.reason


def test_final_run_needs_a_payout_date() -> None:
    with pytest.raises(ValueError):
        plan(1000, [], final=True)


def test_the_same_instalment_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        plan(100000, [due(1, "rent", 650), due(1, "rent", 650)])
    with pytest.raises(ValueError, match="twice"):
        plan(100000, [due(1, "rent", 650)], due_before_next_income=[due(1, "rent", 650)])


def test_negative_buffer_is_refused() -> None:
    with pytest.raises(ValueError):
        plan(100000, [], buffer_cents=-1)


def test_due_obligation_checks_and_normalises() -> None:
    obligation = DueObligation(1, "rent", 100, RUN)  # type: ignore[arg-type]
    assert obligation.category is Category.RENT
    with pytest.raises(ValueError):
        DueObligation(1, Category.RENT, 0, RUN)
    with pytest.raises(ValueError):
        DueObligation(1, "groceries", 100, RUN)  # type: ignore[arg-type]


def test_a_shortfall_carries_into_the_next_run() -> None:
    result = plan(0, [due(1, "rent", 650)])
    carried = result.shortfalls[0].as_due()
    assert carried == due(1, "rent", 650)
    assert paid_ids(plan(65000, [carried])) == [1]


def test_leefgeld_amount_on_its_own() -> None:
    amount = leefgeld_amount(120000, 65000, 5000, paydays=4, next_income=NEXT_INCOME, frequency="weekly")
    assert (amount.amount_cents, amount.available_cents, amount.paydays) == (12500, 50000, 4)
    assert leefgeld_amount(120000, 65000, 5000).amount_cents == 50000
    assert leefgeld_amount(100, 200, 0).amount_cents == 0
    assert leefgeld_amount(-100, 0, 0, final=True).amount_cents == 0
    assert leefgeld_amount(12345, 99999, 99999, final=True).amount_cents == 12345
    with pytest.raises(ValueError):
        leefgeld_amount(100, 0, 0, paydays=0)
    with pytest.raises(ValueError):
        leefgeld_amount(100, -1, 0)


# --- properties -----------------------------------------------------------------------------------------------------

categories = st.sampled_from(list(Category))
amounts = st.integers(min_value=1, max_value=200_000)


@st.composite
def obligations(draw: st.DrawFn, max_size: int = 12) -> list[DueObligation]:
    items = draw(st.lists(st.tuples(categories, amounts, st.integers(min_value=-40, max_value=0)), max_size=max_size))
    return [
        DueObligation(i, category, amount, RUN + timedelta(days=shift))
        for i, (category, amount, shift) in enumerate(items, start=1)
    ]


@st.composite
def later_obligations(draw: st.DrawFn) -> list[DueObligation]:
    items = draw(st.lists(st.tuples(categories, amounts, st.integers(min_value=1, max_value=29)), max_size=5))
    return [DueObligation(1000 + i, c, a, RUN + timedelta(days=shift)) for i, (c, a, shift) in enumerate(items)]


balances = st.integers(min_value=0, max_value=1_000_000)
buffers = st.integers(min_value=0, max_value=20_000)
payday_counts = st.integers(min_value=0, max_value=5)


@given(balances, obligations(), later_obligations(), buffers, payday_counts, st.booleans())
def test_run_properties(
    balance: int,
    due_now: list[DueObligation],
    later: list[DueObligation],
    buffer: int,
    paydays: int,
    final: bool,
) -> None:
    if final:
        paydays = max(paydays, 1)
    result = plan_run(
        balance,
        due_now,
        due_before_next_income=later,
        next_income_date=NEXT_INCOME,
        buffer_cents=buffer,
        leefgeld_frequency="weekly",
        leefgeld_paydays=MONDAYS[:paydays],
        final=final,
    )
    total_paid = sum(p.amount_cents for p in result.payments)
    # Nothing is paid that is not there.
    assert total_paid <= balance
    assert result.balance_after_cents == balance - total_paid >= 0
    assert all(p.amount_cents > 0 for p in result.payments)

    # Every cost of the run is either paid in full or a shortfall with the full amount; nothing else is paid.
    by_key: dict[tuple[int | None, date], DueObligation] = {(o.obligation_id, o.due_date): o for o in due_now}
    paid = {(p.obligation_id, p.due_date): p for p in result.payments if p.kind != LEEFGELD}
    short = {(s.obligation_id, s.due_date): s for s in result.shortfalls}
    assert len(paid) + len(short) == len(due_now)
    assert set(paid) | set(short) == set(by_key)
    assert not set(paid) & set(short)
    for key, payment in paid.items():
        assert payment.amount_cents == by_key[key].amount_cents
        assert payment.kind == by_key[key].category.value
    for key, shortfall in short.items():
        assert shortfall.amount_cents == by_key[key].amount_cents

    # The priority order: no unpaid higher-priority cost when a lower-priority one of >= amount was paid.
    for shortfall in result.shortfalls:
        for payment in paid.values():
            if priority(payment.kind) > priority(shortfall.category):
                assert payment.amount_cents < shortfall.amount_cents
    # Skip and continue: no shortfall would have fitted in what was left after the fixed costs.
    left_after_fixed = balance - result.fixed_costs_cents
    assert all(s.amount_cents > left_after_fixed for s in result.shortfalls)

    # Leefgeld is never below zero, only on a payday, and never eats money kept for fixed costs (unless final).
    assert result.leefgeld_cents >= 0
    assert [p.kind for p in result.payments].count(LEEFGELD) <= 1
    if paydays == 0:
        assert result.leefgeld is None and result.leefgeld_cents == 0
    elif final:
        assert result.balance_after_cents == 0
    else:
        reserved = sum(o.amount_cents for o in due_now) + sum(o.amount_cents for o in later)
        available = max(0, balance - reserved - buffer)
        assert result.leefgeld_cents == split_evenly(available, paydays)[0]
        assert result.balance_after_cents >= sum(o.amount_cents for o in later) + buffer or result.leefgeld_cents == 0
        if result.shortfalls:
            assert result.leefgeld_cents == 0


@given(st.integers(min_value=0, max_value=10_000_000), st.integers(min_value=1, max_value=5), buffers)
def test_weekly_parts_add_up_to_what_was_available(available: int, paydays: int, buffer: int) -> None:
    balance = available + buffer
    paid = []
    for week in range(paydays):
        result = plan(
            balance, [], buffer_cents=buffer, leefgeld_frequency="weekly", leefgeld_paydays=MONDAYS[week:paydays]
        )
        paid.append(result.leefgeld_cents)
        balance = result.balance_after_cents
    assert sum(paid) == available
    assert balance == buffer
    assert max(paid) - min(paid) <= 1
    assert paid == sorted(paid, reverse=True)
    assert split_evenly(available, paydays) == paid


@given(
    available=st.integers(min_value=0, max_value=10**9),
    paydays=st.integers(min_value=1, max_value=6),
    buffer=st.integers(min_value=0, max_value=10**5),
)
def test_leefgeld_is_the_first_part_of_an_even_split(available: int, paydays: int, buffer: int) -> None:
    result = leefgeld_amount(available + buffer, 0, buffer, paydays=paydays, frequency="weekly")
    assert result.available_cents == available
    assert result.amount_cents == split_evenly(available, paydays)[0]


@given(st.lists(st.sampled_from(list(Category)), min_size=1, max_size=12))
def test_payment_order_is_the_category_priority_then_the_order_given(categories: list[Category]) -> None:
    obligations = [DueObligation(n, category.value, 100, RUN) for n, category in enumerate(categories)]
    ordered = payment_order(obligations)
    assert [o.obligation_id for o in ordered] == sorted(
        range(len(categories)), key=lambda n: (priority(categories[n]), n)
    )
    assert all(type(o.category) is Category for o in ordered)


# --- when the next income can be used, and which paydays are open (issue 10, finding 1) ----------------------------


def test_a_run_can_use_the_income_expected_up_to_the_business_day_before_it() -> None:
    assert income_usable_through(date(2026, 7, 27), 2) == date(2026, 7, 24)  # Monday: prepared on Friday
    assert income_usable_through(date(2026, 7, 28), 2) == date(2026, 7, 27)
    assert income_usable_through(date(2026, 4, 7), 2) == date(2026, 4, 2)  # after Easter: Thursday before Good Friday
    assert income_usable_through(date(2026, 7, 27), None) == date(2026, 7, 27)  # the forecast: the day's own income


def test_kept_through_counts_the_lead_time_to_the_first_run_that_can_use_the_income() -> None:
    # Benefit on Tuesday 25 August 2026: booked that day, first used by the run of Wednesday 26 August; everything
    # executed up to 25 August (due up to Thursday 27 August, two business days later) comes from the money there now.
    assert kept_through(date(2026, 8, 25), 2) == date(2026, 8, 27)
    # Saturday 25 July: booked on Monday 27 July, first used on Tuesday 28 July: due up to Wednesday 29 July.
    assert kept_through(date(2026, 7, 25), 2) == date(2026, 7, 29)
    # Christmas (Friday 25 December, TARGET2 closed): booked Monday 28 December; due up to Wednesday 30 December.
    assert kept_through(date(2026, 12, 25), 2) == date(2026, 12, 30)
    assert kept_through(date(2026, 8, 25), 0) == date(2026, 8, 25)
    assert kept_through(date(2026, 8, 25), None) == date(2026, 8, 24)  # the forecast: the days before the income


@given(st.dates(date(2026, 1, 1), date(2027, 12, 31)), st.dates(date(2026, 1, 1), date(2027, 12, 31)),
       st.sampled_from([0, 1, 2, 3, None]))
def test_kept_through_keeps_exactly_what_a_run_that_cannot_use_the_income_pays(
    income: date, due: date, lead: int | None
) -> None:
    """An instalment is kept back for ``income`` if and only if the run that pays it cannot have that income: the two
    halves of the rule say the same thing, in the payment runs' calendar and in the forecast's."""
    run = due if lead is None else execution_date_for_due_date(due, lead)
    run_can_use_it = income <= income_usable_through(run, lead)
    assert (due <= kept_through(income, lead)) is (not run_can_use_it)


def test_a_payday_is_open_until_it_passes_then_only_if_no_earlier_run_covered_it() -> None:
    run = date(2026, 7, 28)
    assert open_paydays_from(run, None) is None  # no earlier run at all: every payday (of the search window) is open
    assert open_paydays_from(run, date(2026, 7, 1)) == date(2026, 7, 2)  # 1 July was covered: closed
    assert open_paydays_from(run, date(2026, 7, 30)) == run  # paydays from the run's own date on are never closed
    assert open_paydays_from(run, date(2026, 6, 20)) == date(2026, 6, 21)


def test_paydays_share_what_is_kept_up_to_kept_through_and_the_reason_says_so() -> None:
    wednesdays = [date(2026, 7, 29) + timedelta(weeks=n) for n in range(6)]  # 29 July .. 2 September
    result = plan(
        120000, [], due_before_next_income=[due(1, "rent", 600, date(2026, 8, 1)), due(2, "health_insurance", 150,
                                                                                    date(2026, 8, 1))],
        next_income_date=date(2026, 8, 23), kept_through=date(2026, 8, 26),
        leefgeld_frequency="weekly", leefgeld_paydays=wednesdays,
    )
    assert result.leefgeld is not None and result.leefgeld.paydays == 5  # 29 July, 5, 12, 19 and 26 August
    assert result.leefgeld_cents == 9000
    assert result.leefgeld.reason == (
        "saldo € 1.200,00 \u2212 vaste lasten t/m 26-08-2026 (volgende inkomsten 23-08-2026) € 750,00 \u2212 "
        "buffer € 0,00 = € 450,00; week 1 van 5 tot de volgende inkomsten → € 90,00"
    )
    without = leefgeld_amount(1000, 0, 0, kept_through=date(2026, 8, 26))
    assert "vaste lasten t/m 26-08-2026 (geen inkomsten meer verwacht)" in without.reason


def test_closed_paydays_from_the_runs_before() -> None:
    """The database facts behind rule 6: which earlier runs count for a household, by when it was enrolled."""
    from datetime import UTC, datetime

    from budgetbeheer.payments.runs.paydays import ClosedPaydays

    def at(day: int, month: int = 7, hour: int = 6) -> datetime:
        return datetime(2026, month, day, hour, 0, tzinfo=UTC)

    def closed(runs: list[tuple[datetime, date]], enrolled: datetime | None = None) -> date | None:
        """The first open payday for a run of 28 July of a household enrolled at ``enrolled`` (None: long ago)."""
        paydays = ClosedPaydays(runs, date(2026, 7, 28), 2)
        if enrolled is not None and runs and enrolled > max(runs, key=lambda run: run[1])[0]:
            paydays.enrolled_later = {1: enrolled}  # what plan_items reads: enrolled after the latest run was made
        return paydays.open_from(1)

    # Runs of 29 June (prepared 26 June) and 27 July (prepared 24 July), before a run of 28 July.
    both = [(at(24), date(2026, 7, 27)), (at(26, 6), date(2026, 6, 29))]
    # Enrolled before both (or before the latest was prepared): the run of 27 July (covers due dates up to 29 July)
    # closes every payday before the run's own date.
    assert closed(both) == date(2026, 7, 28)
    assert closed(both, at(20)) == date(2026, 7, 28)
    # Enrolled 25 July 10:00, after both were prepared: no run counts for its paydays from 25 July on, but a payday
    # before intake (1 July, covered on 29 June) is closed: paydays from the intake day on are open.
    assert closed(both, at(25, hour=10)) == date(2026, 7, 25)
    # No run before: every payday is open (within the search window).
    assert closed([], at(20)) is None
    # Only the run of 29 June, prepared before intake on 10 July: payday 1 July was covered by it and is closed;
    # paydays from 2 July on were covered by no run at all, so the first run after intake is their run.
    only_june = [(at(26, 6), date(2026, 6, 29))]
    assert closed(only_june, at(10)) == date(2026, 7, 2)
    assert closed(only_june) == date(2026, 7, 2)
