"""The household forecast counts an instalment that was already paid ahead once, not twice: it starts from the
household's figures (the funds now) and leaves out every instalment that already has a live payment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from budgetbeheer.config import Settings
from budgetbeheer.households.figures import household_figures
from budgetbeheer.households.read import household_forecast
from budgetbeheer.ledger.service import household_balance
from budgetbeheer.payments import service as payments
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, payable_household


def test_rent_paid_ahead_is_not_reported_uncovered(session: Session, settings: Settings,
                                                   make_user: Callable[..., User]) -> None:
    # 650 rent + 150 health insurance due 1 December, 1,000.00 on the balance; monthly leefgeld on the 20th.
    household = payable_household(session, balance="1000.00", costs={"rent": "650.00", "health_insurance": "150.00"},
                               frequency="monthly", day=20, buffer="0.00")
    session.commit()
    prepare, approve = actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))
    batch, _ = payments.prepare_run(session, prepare, RUN_DATE, settings)  # Monday 30 November
    payments.approve(session, approve, batch.id)
    session.commit()
    today = date(2026, 12, 1)  # the day after execution, the due day of both costs
    assert household_balance(session, household.id, as_of=today) == 200_00
    result = household_forecast(session, household.id, today)
    assert result.first_uncovered is None
    assert result.opening_balance_cents == 200_00  # the funds now: the 800.00 left at approval
    first_day = result.days[0]
    assert first_day.fixed_costs_cents == 0  # both instalments are paid (approved): not paid again
    assert first_day.closing_balance_cents == 200_00
    figures = household_figures(session, household.id, today)
    assert (figures.balance_cents, figures.in_transit_cents, figures.planned_cents) == (200_00, 800_00, 0)
