from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetbeheer.domain.calendar import is_business_day
from budgetbeheer.domain.categories import Category
from budgetbeheer.domain.forecast import (
    Forecast,
    ForecastDay,
    IncomeExpectation,
    LeefgeldHorizon,
    LeefgeldPlan,
    ObligationSchedule,
    Uncovered,
    forecast,
    leefgeld_horizon,
    next_income_date,
)
from budgetbeheer.domain.planning import LEEFGELD, DueObligation, leefgeld_amount
from budgetbeheer.domain.schedule import Frequency, LeefgeldFrequency

TODAY = date(2026, 11, 1)  # a Sunday
FAR_END = date(2027, 4, 30)


def benefit(euros: int, day: int = 1, start: date = TODAY, end: date | None = None) -> IncomeExpectation:
    return IncomeExpectation("benefit", euros * 100, day, start, end)


def cost(
    obligation_id: int, category: str, euros: int, due_day: int, frequency: str = "monthly", start: date = TODAY
) -> ObligationSchedule:
    return ObligationSchedule(obligation_id, Category(category), euros * 100, Frequency(frequency), due_day, start)


def row(result: Forecast, day: date) -> ForecastDay:
    return next(r for r in result.days if r.date == day)


def active(result: Forecast) -> list[tuple[date, int, int, int, int]]:
    return [
        (r.date, r.income_cents, r.fixed_costs_cents, r.leefgeld_cents, r.closing_balance_cents)
        for r in result.days
        if r.income_cents or r.fixed_costs_cents or r.leefgeld_cents
    ]


MONTHLY_COSTS = [cost(1, "rent", 650, 1), cost(2, "health_insurance", 150, 1), cost(3, "energy", 120, 15)]


def test_a_steady_month() -> None:
    result = forecast(
        0,
        TODAY,
        expected_incomes=[benefit(1500)],
        fixed_costs=MONTHLY_COSTS,
        leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1, 5000),
        period_end=FAR_END,
    )
    assert len(result.days) == 56
    assert result.days[0].date == TODAY
    assert result.days[-1].date == TODAY + timedelta(days=55)
    # 1 Nov: 1500 in; rent and health paid; leefgeld = 1500 - (650 + 150 + energy 120 on the 15th) - 50 = 530.
    assert active(result) == [
        (date(2026, 11, 1), 150000, 80000, 53000, 17000),
        (date(2026, 11, 15), 0, 12000, 0, 5000),
        (date(2026, 12, 1), 150000, 80000, 58000, 17000),
        (date(2026, 12, 15), 0, 12000, 0, 5000),
    ]
    assert result.first_uncovered is None
    assert result.closing_balance_cents == 5000
    assert all(r.unpaid_cents == 0 for r in result.days)


def test_leefgeld_is_what_planning_says() -> None:
    result = forecast(
        0,
        TODAY,
        expected_incomes=[benefit(1500)],
        fixed_costs=MONTHLY_COSTS,
        leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1, 5000),
        period_end=FAR_END,
    )
    payment = next(p for p in result.days[0].payments if p.kind == LEEFGELD)
    expected = leefgeld_amount(150000, 92000, 5000, next_income=date(2026, 12, 1), kept_through=date(2026, 11, 30),
                               frequency="monthly")
    assert (payment.amount_cents, payment.reason) == (expected.amount_cents, expected.reason)


def test_late_benefit_leaves_rent_uncovered_until_it_arrives() -> None:
    result = forecast(
        0,
        TODAY,
        expected_incomes=[benefit(1500, day=20, start=date(2026, 11, 20))],
        fixed_costs=[cost(1, "rent", 650, 1)],
        leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 20, 0),
        period_end=FAR_END,
    )
    assert result.first_uncovered == Uncovered(TODAY, Category.RENT, 65000, 1, TODAY)
    assert row(result, date(2026, 11, 19)).unpaid_cents == 65000
    assert row(result, date(2026, 11, 19)).closing_balance_cents == 0
    # 20 Nov: the carried November rent is paid; leefgeld keeps the December rent back: 1500 - 650 - 650 = 200.
    nov20 = row(result, date(2026, 11, 20))
    assert (nov20.income_cents, nov20.fixed_costs_cents, nov20.leefgeld_cents) == (150000, 65000, 20000)
    assert nov20.unpaid_cents == 0
    assert [p.due_date for p in nov20.payments if p.kind == "rent"] == [date(2026, 11, 1)]
    assert row(result, date(2026, 12, 1)).fixed_costs_cents == 65000
    assert row(result, date(2026, 12, 1)).closing_balance_cents == 0


def test_open_shortfalls_are_tried_again_from_today() -> None:
    old = DueObligation(9, Category.ENERGY, 12000, date(2026, 10, 15))
    result = forecast(
        20000,
        TODAY,
        days=3,
        fixed_costs=[],
        leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 5, 0),
        period_end=FAR_END,
        open_shortfalls=[old],
    )
    assert result.days[0].fixed_costs_cents == 12000
    assert result.days[0].payments[0].due_date == date(2026, 10, 15)
    assert result.first_uncovered is None


def test_first_uncovered_names_the_highest_priority_cost_of_the_day() -> None:
    result = forecast(
        10000,
        TODAY,
        days=5,
        fixed_costs=[cost(2, "water", 30, 3), cost(1, "rent", 650, 3), cost(3, "energy", 120, 3)],
        leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 28, 0),
        period_end=FAR_END,
    )
    assert result.first_uncovered == Uncovered(date(2026, 11, 3), Category.RENT, 65000, 1, date(2026, 11, 3))
    nov3 = row(result, date(2026, 11, 3))
    assert [s.category for s in nov3.shortfalls] == [Category.RENT, Category.ENERGY]
    assert nov3.fixed_costs_cents == 3000  # water still fits
    assert nov3.unpaid_cents == 77000


def test_weekly_leefgeld_over_five_mondays_with_odd_cents() -> None:
    income = IncomeExpectation("benefit", 100003, 1, TODAY)
    result = forecast(
        0,
        TODAY,
        days=61,
        expected_incomes=[income],
        leefgeld=LeefgeldPlan(LeefgeldFrequency.WEEKLY, 1, 0),
        period_end=FAR_END,
    )
    november = [(r.date.day, r.leefgeld_cents) for r in result.days if r.leefgeld_cents and r.date.month == 11]
    assert november == [(2, 20001), (9, 20001), (16, 20001), (23, 20000), (30, 20000)]
    december = [(r.date.day, r.leefgeld_cents) for r in result.days if r.leefgeld_cents and r.date.month == 12]
    assert december == [(7, 25001), (14, 25001), (21, 25001), (28, 25000)]
    assert row(result, date(2026, 11, 30)).closing_balance_cents == 0
    assert row(result, date(2026, 12, 28)).closing_balance_cents == 0


def test_weekly_leefgeld_keeps_back_a_cost_due_mid_month() -> None:
    result = forecast(
        0,
        TODAY,
        days=30,
        expected_incomes=[benefit(1000)],
        fixed_costs=[cost(1, "rent", 600, 15)],
        leefgeld=LeefgeldPlan(LeefgeldFrequency.WEEKLY, 1, 0),
        period_end=FAR_END,
    )
    # 1000 - 600 = 400 over the five Mondays before 1 December: 80 each; the rent is paid on the 15th.
    assert [r.leefgeld_cents for r in result.days if r.leefgeld_cents] == [8000] * 5
    assert row(result, date(2026, 11, 15)).fixed_costs_cents == 60000
    assert result.first_uncovered is None


def test_four_weekly_cost_crossing_a_month_is_kept_back() -> None:
    result = forecast(
        0,
        TODAY,
        days=35,
        expected_incomes=[benefit(1000)],
        fixed_costs=[cost(1, "loan_repayment", 50, 0, "four_weekly", start=date(2026, 10, 6))],
        leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1, 0),
        period_end=FAR_END,
    )
    # Due 3 Nov, 1 Dec and 29 Dec (6 Oct + k·28); only 3 Nov falls before the benefit of 1 Dec, and December has two.
    assert row(result, TODAY).leefgeld_cents == 95000
    assert row(result, date(2026, 11, 3)).fixed_costs_cents == 5000
    dec1 = row(result, date(2026, 12, 1))
    assert (dec1.income_cents, dec1.fixed_costs_cents, dec1.leefgeld_cents) == (100000, 5000, 90000)


def test_a_small_allowance_before_the_benefit_does_not_release_the_rent() -> None:
    allowance = IncomeExpectation("allowance", 10000, 10, TODAY)
    result = forecast(
        0,
        TODAY,
        days=30,
        expected_incomes=[benefit(1500), allowance],
        fixed_costs=[cost(1, "rent", 650, 15)],
        leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1, 0),
        period_end=FAR_END,
    )
    assert row(result, TODAY).leefgeld_cents == 85000
    assert result.first_uncovered is None
    assert row(result, date(2026, 11, 15)).closing_balance_cents == 10000


def test_next_income_date() -> None:
    allowance = IncomeExpectation("allowance", 10000, 10, TODAY)
    assert next_income_date([benefit(1500), allowance], TODAY) == date(2026, 12, 1)
    assert next_income_date([allowance], TODAY) == date(2026, 11, 10)
    assert next_income_date([benefit(1500, end=date(2026, 11, 30)), allowance], TODAY) == date(2026, 11, 10)
    assert next_income_date([], TODAY) is None
    assert next_income_date([benefit(1500, day=1)], date(2026, 11, 30)) == date(2026, 12, 1)


def test_final_payout_on_the_period_end_and_nothing_after() -> None:
    period_end = date(2026, 11, 20)
    result = forecast(
        0,
        TODAY,
        days=40,
        expected_incomes=[benefit(1500)],
        fixed_costs=[cost(1, "rent", 650, 1), cost(2, "energy", 120, 25)],
        leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1, 5000),
        period_end=period_end,
    )
    # 1 Nov: the energy on the 25th falls after the period and is not kept back: 1500 - 650 - 50 = 800.
    assert row(result, TODAY).leefgeld_cents == 80000
    # The last day pays out the buffer that is left.
    end = row(result, period_end)
    assert (end.leefgeld_cents, end.closing_balance_cents) == (5000, 0)
    assert "einde periode" in end.payments[0].reason
    after = [r for r in result.days if r.date > period_end]
    assert all(r.fixed_costs_cents == 0 and r.leefgeld_cents == 0 and r.payments == () for r in after)
    # Income still arrives when the expectation says so; it is no longer paid out.
    assert row(result, date(2026, 12, 1)).closing_balance_cents == 150000


def test_final_payout_when_the_period_ends_on_a_payday_before_income() -> None:
    result = forecast(
        30000,
        TODAY,
        days=3,
        leefgeld=LeefgeldPlan(LeefgeldFrequency.WEEKLY, 1, 2000),
        period_end=date(2026, 11, 2),
    )
    assert [r.leefgeld_cents for r in result.days] == [0, 30000, 0]


def test_forecast_needs_a_day() -> None:
    with pytest.raises(ValueError):
        forecast(0, TODAY, days=0, leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1), period_end=FAR_END)


def test_inputs_are_checked_and_normalised() -> None:
    schedule = ObligationSchedule(1, "rent", 100, "monthly", 1, TODAY)  # type: ignore[arg-type]
    assert schedule.category is Category.RENT
    assert schedule.frequency is Frequency.MONTHLY
    assert LeefgeldPlan("weekly", 1).frequency is LeefgeldFrequency.WEEKLY  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ObligationSchedule(1, Category.RENT, 0, Frequency.MONTHLY, 1, TODAY)
    with pytest.raises(ValueError):
        IncomeExpectation("benefit", -1, 1, TODAY)
    with pytest.raises(ValueError):
        LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1, -1)


# --- properties -----------------------------------------------------------------------------------------------------

incomes = st.lists(
    st.builds(
        IncomeExpectation,
        kind=st.sampled_from(["benefit", "allowance", "child_benefit"]),
        amount_cents=st.integers(min_value=1, max_value=300_000),
        day=st.integers(min_value=1, max_value=31),
        start_date=st.dates(date(2026, 9, 1), date(2026, 12, 31)),
        end_date=st.none() | st.dates(date(2026, 10, 1), date(2027, 3, 31)),
        frequency=st.sampled_from(list(Frequency)),
    ),
    max_size=3,
)


@st.composite
def schedules(draw: st.DrawFn) -> list[ObligationSchedule]:
    items = draw(
        st.lists(
            st.tuples(
                st.sampled_from(list(Category)),
                st.integers(min_value=1, max_value=150_000),
                st.sampled_from(list(Frequency)),
                st.integers(min_value=1, max_value=31),
                st.dates(date(2026, 9, 1), date(2026, 12, 31)),
            ),
            max_size=6,
        )
    )
    return [ObligationSchedule(i, *item) for i, item in enumerate(items, start=1)]


leefgeld_plans = st.one_of(
    st.builds(LeefgeldPlan, st.just(LeefgeldFrequency.WEEKLY), st.integers(1, 7), st.integers(0, 20_000)),
    st.builds(LeefgeldPlan, st.just(LeefgeldFrequency.MONTHLY), st.integers(1, 31), st.integers(0, 20_000)),
)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=500_000),
    incomes,
    schedules(),
    leefgeld_plans,
    st.dates(TODAY, date(2027, 2, 28)),
)
def test_forecast_properties(
    opening: int,
    expected: list[IncomeExpectation],
    costs: list[ObligationSchedule],
    plan: LeefgeldPlan,
    period_end: date,
) -> None:
    result = forecast(
        opening, TODAY, expected_incomes=expected, fixed_costs=costs, leefgeld=plan, period_end=period_end
    )
    balance = opening
    first_short = None
    for r in result.days:
        assert r.fixed_costs_cents >= 0 and r.leefgeld_cents >= 0
        assert r.closing_balance_cents == balance + r.income_cents - r.fixed_costs_cents - r.leefgeld_cents
        assert r.closing_balance_cents >= 0
        assert r.fixed_costs_cents + r.leefgeld_cents == sum(p.amount_cents for p in r.payments)
        if r.date > period_end:
            assert r.payments == ()
        if r.date == period_end:
            assert r.closing_balance_cents == 0
        if r.shortfalls and first_short is None:
            first_short = (r.date, r.shortfalls[0])
        balance = r.closing_balance_cents
    if first_short is None:
        assert result.first_uncovered is None
    else:
        when, shortfall = first_short
        assert result.first_uncovered == Uncovered(
            when, shortfall.category, shortfall.amount_cents, shortfall.obligation_id, shortfall.due_date
        )


def test_next_income_date_skips_a_benefit_that_came_early() -> None:
    income = benefit(1200, day=25, start=date(2026, 7, 1))
    assert next_income_date([income], date(2026, 7, 23)) == date(2026, 7, 25)
    # Received on Friday 24 July for Saturday the 25th: the next income is that of August.
    assert next_income_date([income], date(2026, 7, 23), benefit_received_on=date(2026, 7, 24)) == date(2026, 8, 25)
    # Up to seven days early counts; a receipt eight days before is another payment.
    assert next_income_date([income], date(2026, 7, 17), benefit_received_on=date(2026, 7, 18)) == date(2026, 8, 25)
    assert next_income_date([income], date(2026, 7, 16), benefit_received_on=date(2026, 7, 17)) == date(2026, 7, 25)
    # Only a benefit: an allowance is never taken for one.
    allowance = IncomeExpectation("allowance", 10000, 25, date(2026, 7, 1))
    assert next_income_date([allowance], date(2026, 7, 23), benefit_received_on=date(2026, 7, 24)) == date(2026, 7, 25)


def test_forecast_keeps_back_what_is_due_before_the_next_income_as_the_runs_rule_says() -> None:
    """The forecast's model of a run each day: the run of the 1st can use that day's benefit, so it keeps back what
    is due before the next one (kept_through with no lead time), and its reason says up to which day."""
    result = forecast(
        0, TODAY, days=2, expected_incomes=[benefit(1500)], fixed_costs=MONTHLY_COSTS,
        leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1, 5000), period_end=FAR_END,
    )
    payment = next(p for p in result.days[0].payments if p.kind == LEEFGELD)
    assert "vaste lasten t/m 30-11-2026 (volgende inkomsten 01-12-2026) € 920,00" in payment.reason


def test_a_benefit_already_in_the_opening_balance_is_not_counted_again() -> None:
    """Opening on 24 July with the benefit of Saturday 25 July already received (on the 23rd): it does not arrive
    again, and the leefgeld keeps back the rent due before the August benefit: 1,200 - 600 over the paydays 24 July
    and 24 August, both before the benefit of 25 August."""
    income = benefit(1200, day=25, start=date(2026, 7, 1))
    rent = cost(1, "rent", 600, 1, start=date(2026, 8, 1))
    plan = LeefgeldPlan(LeefgeldFrequency.MONTHLY, 24, 0)
    early = forecast(1200_00, date(2026, 7, 24), days=40, expected_incomes=[income], fixed_costs=[rent], leefgeld=plan,
                     period_end=FAR_END, benefit_received_on=date(2026, 7, 23))
    assert row(early, date(2026, 7, 25)).income_cents == 0
    assert row(early, date(2026, 7, 24)).leefgeld_cents == 300_00
    assert row(early, date(2026, 8, 24)).leefgeld_cents == 300_00
    assert row(early, date(2026, 8, 1)).fixed_costs_cents == 600_00
    assert early.first_uncovered is None
    # Without it the forecast counts the July benefit a second time.
    twice = forecast(1200_00, date(2026, 7, 24), days=40, expected_incomes=[income], fixed_costs=[rent], leefgeld=plan,
                     period_end=FAR_END)
    assert row(twice, date(2026, 7, 25)).income_cents == 1200_00


def test_leefgeld_horizon_for_a_run_and_for_the_forecast() -> None:
    july = benefit(1200, day=25, start=date(2026, 7, 1))
    # The run of Thursday 30 July (lead 2): next benefit 25 August, first used on 26 August: due up to 27 August.
    assert leefgeld_horizon([july], date(2026, 7, 30), 2, FAR_END) == LeefgeldHorizon(date(2026, 8, 25),
                                                                                   date(2026, 8, 27))
    # The run of Friday 24 July was prepared on the 23rd: the benefit of the 25th is still its next income...
    assert leefgeld_horizon([july], date(2026, 7, 24), 2, FAR_END).next_income == date(2026, 7, 25)
    # ...unless it already came (on the 23rd): then it keeps everything up to the August benefit.
    assert leefgeld_horizon([july], date(2026, 7, 24), 2, FAR_END,
                            benefit_received_on=date(2026, 7, 23)).next_income == date(2026, 8, 25)
    # Never past the period's end; nothing expected: up to the end.
    assert leefgeld_horizon([july], date(2026, 7, 30), 2, date(2026, 8, 10)).kept_through == date(2026, 8, 10)
    assert leefgeld_horizon([], date(2026, 7, 30), 2, date(2026, 8, 10)) == LeefgeldHorizon(None, date(2026, 8, 10))
    # The forecast's model: the run of the 25th can use that day's benefit.
    assert leefgeld_horizon([july], date(2026, 7, 25), None, FAR_END) == LeefgeldHorizon(date(2026, 8, 25),
                                                                                      date(2026, 8, 24))


def test_with_the_lead_time_it_models_the_runs_the_scheduler_will_make() -> None:
    """Finding 1 of issue 10, from Wednesday 29 July 2026 with the July benefit received on Friday the 24th: the
    first run is Thursday 30 July (the next business day); it pays the rent and health insurance due 1 August and
    keeps everything executed before the run of 26 August (the first that can use the benefit of Tuesday 25 August):
    1,200 - 750 = 450 for payday 1 August. The benefit of the 25th arrives that day; the run of Friday 28 August pays
    September. Money leaves on the execution dates."""
    income = benefit(1200, day=25, start=date(2026, 7, 1))
    costs = [cost(1, "rent", 600, 1, start=date(2026, 8, 1)), cost(2, "health_insurance", 150, 1,
                                                                   start=date(2026, 8, 1))]
    result = forecast(1200_00, date(2026, 7, 29), days=35, expected_incomes=[income], fixed_costs=costs,
                      leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1, 0), period_end=FAR_END,
                      benefit_received_on=date(2026, 7, 24), lead_business_days=2)
    assert active(result) == [
        (date(2026, 7, 30), 0, 750_00, 450_00, 0),
        (date(2026, 8, 25), 1200_00, 0, 0, 1200_00),
        (date(2026, 8, 28), 0, 750_00, 450_00, 0),
    ]
    first = row(result, date(2026, 7, 30))
    assert first.leefgeld is not None and first.leefgeld.available_cents == 450_00
    assert "vaste lasten t/m 27-08-2026 (volgende inkomsten 25-08-2026)" in first.leefgeld.reason
    assert [p.due_date for p in first.payments if p.kind == LEEFGELD] == [date(2026, 8, 1)]
    # Not on a closed day: no run on the weekend or on 29 July itself (its run was prepared the day before).
    assert all(not r.payments for r in result.days if r.date.weekday() >= 5 or r.date == date(2026, 7, 29))


def test_a_payday_with_a_live_leefgeld_is_not_paid_again() -> None:
    # Weekly on Wednesdays: the run of Monday 27 July already paid 29 July; from then on the forecast's runs pay the
    # next Wednesdays only (Monday 3 August for the 5th, ...), from the money that is left.
    income = benefit(1200, day=23, start=date(2026, 7, 1))
    plan = LeefgeldPlan(LeefgeldFrequency.WEEKLY, 3, 0)
    again = forecast(450_00, date(2026, 7, 27), days=15, expected_incomes=[income], leefgeld=plan,
                     period_end=FAR_END, benefit_received_on=date(2026, 7, 23), lead_business_days=2)
    once = forecast(450_00, date(2026, 7, 27), days=15, expected_incomes=[income], leefgeld=plan,
                    period_end=FAR_END, benefit_received_on=date(2026, 7, 23), lead_business_days=2,
                    leefgeld_paid_through=date(2026, 7, 29))
    paydays = [(r.date, p.due_date) for r in once.days for p in r.payments if p.kind == LEEFGELD]
    assert paydays == [(date(2026, 8, 3), date(2026, 8, 5)), (date(2026, 8, 10), date(2026, 8, 12))]
    assert (date(2026, 7, 28), date(2026, 7, 29)) in [(r.date, p.due_date) for r in again.days for p in r.payments
                                                      if p.kind == LEEFGELD]


def test_with_the_lead_time_the_final_settlement_is_the_run_that_reaches_the_end() -> None:
    # Ends Friday 14 August 2026: the run of Wednesday 12 August pays everything due up to the 14th; it is the last.
    result = forecast(300_00, date(2026, 8, 10), days=10, fixed_costs=[cost(1, "rent", 100, 13,
                                                                              start=date(2026, 8, 1))],
                      leefgeld=LeefgeldPlan(LeefgeldFrequency.MONTHLY, 1, 5000), period_end=date(2026, 8, 14),
                      lead_business_days=2)
    assert active(result) == [(date(2026, 8, 11), 0, 100_00, 0, 200_00), (date(2026, 8, 12), 0, 0, 200_00, 0)]
    final = row(result, date(2026, 8, 12))
    assert final.leefgeld is not None and final.leefgeld.final
    assert [p.due_date for p in final.payments] == [date(2026, 8, 14)]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=500_000),
    incomes,
    schedules(),
    leefgeld_plans,
    st.dates(TODAY, date(2027, 2, 28)),
    st.one_of(st.none(), st.dates(date(2026, 10, 1), TODAY)),
)
def test_forecast_properties_with_the_lead_time(
    opening: int,
    expected: list[IncomeExpectation],
    costs: list[ObligationSchedule],
    plan: LeefgeldPlan,
    period_end: date,
    received: date | None,
) -> None:
    result = forecast(opening, TODAY, expected_incomes=expected, fixed_costs=costs, leefgeld=plan,
                      period_end=period_end, lead_business_days=2, benefit_received_on=received)
    balance = opening
    first_short = None
    finals = 0
    for r in result.days:
        assert r.closing_balance_cents == balance + r.income_cents - r.fixed_costs_cents - r.leefgeld_cents
        assert r.closing_balance_cents >= 0
        assert r.fixed_costs_cents + r.leefgeld_cents == sum(p.amount_cents for p in r.payments)
        if r.payments or r.shortfalls or r.leefgeld is not None:
            assert is_business_day(r.date) and r.date > TODAY and finals == 0
        if r.leefgeld is not None and r.leefgeld.final:
            finals += 1
        if r.shortfalls and first_short is None:
            first_short = (r.date, r.shortfalls[0])
        balance = r.closing_balance_cents
    if first_short is None:
        assert result.first_uncovered is None
    else:
        when, shortfall = first_short
        assert result.first_uncovered == Uncovered(
            when, shortfall.category, shortfall.amount_cents, shortfall.obligation_id, shortfall.due_date
        )
