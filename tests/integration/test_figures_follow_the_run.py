"""One truth per household, against the payment run itself: the household's figures (``available``, ``balance``)
and the forecast's first run are exactly what the next run the scheduler prepares computes from the same state.

Six weeks of runs on every TARGET2 business day (prepared on the business day before, as ``payments.prepare_runs``
does, each approved), July and August 2026, lead time two business days. Before each run is prepared, for every
household: the figures of that day, the run's own leefgeld computation from the same state (``plan_items``), and the
household's forecast. Then the run is prepared and its leefgeld payments must be what was worked out.

The households, each in another state (hand answers below, in the tests):

- ``monthly``: finding 1 of issue 10. Monthly leefgeld on the 1st, no buffer, bijstand 1,200.00 on the 25th (the July
  one arrives a day early, on Friday 24 July), rent 600.00 and health insurance 150.00 due on the 1st from August.
- ``weekly``: weekly leefgeld on Wednesdays, buffer 25.00, bijstand 1,200.00 on the 23rd (August's, due on a Sunday,
  comes on Friday 21 August), the same rent and health insurance.
- ``arrears``: monthly leefgeld on the 15th, buffer 50.00, bijstand 500.00 on the 25th, rent 600.00 from August: the
  August rent falls short, and is paid late after an allowance of 400.00 on 7 August.
- ``pending``: period 1 February - 31 July 2026, an extension request for one month waits for the supervisor; rent
  600.00 due on the 1st (the first instalment, 1 August, lies after the end), bijstand 1,200.00 on the 25th.
- ``final``: period 15 February - 14 August 2026, rent 500.00 on the 1st, buffer 30.00, bijstand 1,000.00 on the 25th:
  the run of 12 August is the final settlement.
- ``thin``: monthly leefgeld on the 1st, no buffer, bijstand 650.00 on the 25th (150.00 extra in July), rent 600.00
  on the 1st and energy 100.00 on the 26th (executed on the 24th, before the benefit of the 25th can be used).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.domain.calendar import add_business_days, is_business_day
from budgetbeheer.domain.forecast import Forecast
from budgetbeheer.households import read
from budgetbeheer.households.figures import HouseholdFigures, household_figures
from budgetbeheer.lifecycle.extensions import request_extension
from budgetbeheer.payments import service as payments
from budgetbeheer.payments.runs.service import plan_items
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import CASEWORKER, enrol, fixed_cost, income, person_data, receipt

FIRST_DAY = date(2026, 7, 20)
LAST_DAY = date(2026, 8, 31)
CREDITORS = {
    "rent": ("Woonstad Zuidoever", "NL20INGB0001234567"),
    "health_insurance": ("Zorgverzekeraar Zuid", "NL39RABO0300065264"),
    "energy": ("Energie Direct", "NL44RABO0123456789"),
}


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)


@dataclass
class Month:
    """The households by name, what was seen on each day, and the runs."""

    ids: dict[str, int]
    figures: dict[tuple[str, date], HouseholdFigures] = field(default_factory=dict)
    forecasts: dict[tuple[str, date], Forecast] = field(default_factory=dict)
    batches: dict[date, int] = field(default_factory=dict)
    compared: int = 0

    def leefgeld(self, session: Session, name: str) -> list[tuple[date, date, int, bool]]:
        """``(execution date, payday, cents, final)`` of every leefgeld payment to the household."""
        return [(executed, item.due_date, item.amount_cents, (item.obligation_key or "").endswith(":final"))
                for item, executed in session.execute(
                    select(PaymentItem, PaymentBatch.execution_date)
                    .join(PaymentBatch, PaymentBatch.id == PaymentItem.batch_id)
                    .where(PaymentItem.household_id == self.ids[name], PaymentItem.kind == "leefgeld")
                    .order_by(PaymentBatch.execution_date))]

    def paid(self, session: Session, name: str, execution_date: date) -> list[tuple[str, date, int]]:
        return [(item.kind, item.due_date, item.amount_cents) for item in session.scalars(
            select(PaymentItem).where(PaymentItem.batch_id == self.batches[execution_date],
                                      PaymentItem.household_id == self.ids[name], PaymentItem.kind != "leefgeld")
            .order_by(PaymentItem.id))]


def _enrol(session: Session, name: str, bsn: str, *, start: str, frequency: str, day: int, buffer: str,
           benefit: str, benefit_day: int, costs: tuple[tuple[str, str, int, str], ...]) -> int:
    household = enrol(session, CASEWORKER, start=date.fromisoformat(start), iban="NL91ABNA0417164300",
                      persons=[person_data(bsn=bsn, last_name=name, date_of_birth="1990-04-01")],
                      account_holder=f"A. {name}", leefgeld={"frequency": frequency, "day": day, "buffer": buffer})
    for category, amount, due_day, since in costs:
        creditor, iban = CREDITORS[category]
        fixed_cost(session, household.id, category, CASEWORKER, start=date.fromisoformat(since), amount=amount,
                   due_day=due_day, creditor={"name": creditor, "iban": iban}, reference=f"{category} {name}")
    income(session, household.id, CASEWORKER, amount=benefit, day=benefit_day)
    return household.id


RENT_AND_HEALTH = (("rent", "600.00", 1, "2026-08-01"), ("health_insurance", "150.00", 1, "2026-08-01"))
RECEIPTS = {
    date(2026, 7, 23): [("weekly", "1200.00", "benefit")],
    date(2026, 7, 24): [("monthly", "1200.00", "benefit"), ("arrears", "500.00", "benefit"),
                        ("pending", "1200.00", "benefit"), ("final", "1000.00", "benefit"),
                        ("thin", "650.00", "benefit"), ("thin", "150.00", "allowance")],
    date(2026, 8, 7): [("arrears", "400.00", "allowance")],
    date(2026, 8, 21): [("weekly", "1200.00", "benefit")],
    date(2026, 8, 25): [("monthly", "1200.00", "benefit"), ("arrears", "500.00", "benefit"),
                        ("pending", "1200.00", "benefit"), ("thin", "650.00", "benefit")],
}


def run_month(session: Session, settings: Settings, make_user: Callable[..., User]) -> Iterator[Month]:
    preparer = actor_for(make_user("fenna", "finance"))
    approver = actor_for(make_user("frank", "finance"))
    caseworker = actor_for(make_user("karin", "caseworker"))
    with time_machine.travel(at(FIRST_DAY), tick=False) as traveller:
        ids = {
            "monthly": _enrol(session, "Maandelijks", "111222333", start="2026-07-01", frequency="monthly", day=1,
                              buffer="0.00", benefit="1200.00", benefit_day=25, costs=RENT_AND_HEALTH),
            "weekly": _enrol(session, "Wekelijks", "123456782", start="2026-07-01", frequency="weekly", day=3,
                             buffer="25.00", benefit="1200.00", benefit_day=23, costs=RENT_AND_HEALTH),
            "arrears": _enrol(session, "Achterstand", "111111110", start="2026-07-01", frequency="monthly", day=15,
                              buffer="50.00", benefit="500.00", benefit_day=25,
                              costs=(("rent", "600.00", 1, "2026-08-01"),)),
            "pending": _enrol(session, "Verlenging", "100000009", start="2026-02-01", frequency="monthly", day=1,
                              buffer="0.00", benefit="1200.00", benefit_day=25,
                              costs=(("rent", "600.00", 1, "2026-07-20"),)),
            "final": _enrol(session, "Einde", "100000010", start="2026-02-15", frequency="monthly", day=1,
                            buffer="30.00", benefit="1000.00", benefit_day=25,
                            costs=(("rent", "500.00", 1, "2026-07-20"),)),
            "thin": _enrol(session, "Krap", "100000022", start="2026-07-01", frequency="monthly", day=1,
                           buffer="0.00", benefit="650.00", benefit_day=25,
                           costs=(("rent", "600.00", 1, "2026-08-01"), ("energy", "100.00", 26, "2026-08-01"))),
        }
        request_extension(session, caseworker, ids["pending"], months=1, reason_category="language_course",
                          reason_text="Taalcursus loopt nog tot september.")
        session.commit()
        month = Month(ids)
        day = FIRST_DAY
        while day <= LAST_DAY:
            traveller.move_to(at(day))
            for name, amount, kind in RECEIPTS.get(day, []):
                receipt(session, ids[name], amount, day, CASEWORKER, kind=kind)
            session.commit()
            if is_business_day(day):
                compare_and_run(session, settings, month, day, preparer, approver)
            day += timedelta(days=1)
        yield month


def compare_and_run(session: Session, settings: Settings, month: Month, today: date, preparer: Actor,
                    approver: Actor) -> None:
    """The figures and the forecast of ``today`` against the run the scheduler prepares today; then that run."""
    execution_date = add_business_days(today, 1)
    lead = settings.lead_business_days
    worked = plan_items(session, execution_date, settings, with_leefgeld=True).leefgeld
    for name, hid in month.ids.items():
        figures = household_figures(session, hid, today, lead_business_days=lead)
        forecast = read.household_forecast(session, hid, today, figures=figures, lead_business_days=lead, days=60)
        month.figures[name, today], month.forecasts[name, today] = figures, forecast
        assert figures.next_run_on == execution_date
        assert forecast.opening_balance_cents == figures.balance_cents - figures.planned_cents
        assert figures.balance_cents == (figures.planned_cents + figures.reserved_cents + figures.available_cents
                                         - figures.uncovered_cents)
        first_run = next(d for d in forecast.days if d.date == execution_date)
        run = worked.get(hid)
        if figures.extension_pending and first_run.leefgeld is not None and first_run.leefgeld.final:
            # The forecast assumes the extension is approved: then this run is the final settlement at the new end;
            # the real run waits for the decision (no final payout while a request is pending).
            assert run is None or not run.leefgeld.final
        elif run is not None:  # the run has a payday for the household: the same money, the same leefgeld
            month.compared += 1
            assert (run.balance_cents, run.leefgeld.available_cents) == (
                figures.balance_cents - figures.planned_cents, figures.available_cents), (name, today)
            assert first_run.leefgeld is not None, (name, today)
            assert (first_run.leefgeld.available_cents, first_run.leefgeld_cents) == (
                run.leefgeld.available_cents, run.leefgeld.amount_cents), (name, today)
        else:
            assert first_run.leefgeld is None, (name, today)
        if figures.uncovered_cents == 0 and forecast.first_uncovered is not None:
            # A fixed cost the page lists as reserved, with the money there, is never reported uncovered.
            uncovered = forecast.first_uncovered
            assert (uncovered.obligation_id, uncovered.due_date) not in {
                (line.fixed_cost_id, line.due_date) for line in figures.reserved}, (name, today)
    session.commit()
    batch, created = payments.prepare_run(session, preparer, execution_date, settings)
    assert created
    month.batches[execution_date] = batch.id
    for name, hid in month.ids.items():
        planned = sum(item.amount_cents for item in session.scalars(select(PaymentItem).where(
            PaymentItem.batch_id == batch.id, PaymentItem.household_id == hid, PaymentItem.kind == "leefgeld")))
        run = worked.get(hid)
        assert planned == (run.leefgeld.amount_cents if run is not None else 0), (name, execution_date)
    if batch.item_count:
        payments.approve(session, approver, batch.id)
    session.commit()


def test_every_day_the_figures_and_the_forecast_are_what_the_next_run_computes(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    """One simulated month (the comparison runs every business day), then the hand answers per household."""
    for month in run_month(session, settings, make_user):
        assert month.compared > 25  # most runs had a payday for some household: the comparison is not empty
        monthly_leefgeld_counted_from_the_execution_date(session, month)
        weekly_leefgeld_and_no_leefgeld_twice_in_the_forecast(session, month)
        arrears_are_kept_and_paid_late(session, month)
        a_pending_extension_keeps_the_costs_after_the_end_as_if_approved(session, month)
        the_final_settlement(session, month)
        the_forecast_warns_about_what_the_runs_will_not_pay(session, month)


def monthly_leefgeld_counted_from_the_execution_date(session: Session, month: Month) -> None:
    # Wednesday 29 July: the run of the 30th keeps everything executed before the run of 26 August, the first that
    # can use the benefit of Tuesday 25 August (due up to Thursday 27 August): 1,200 - 600 - 150 = 450.
    figures = month.figures["monthly", date(2026, 7, 29)]
    assert (figures.balance_cents, figures.reserved_cents, figures.available_cents) == (1200_00, 750_00, 450_00)
    assert (figures.next_income, figures.reserved_through) == (date(2026, 8, 25), date(2026, 8, 27))
    assert month.leefgeld(session, "monthly") == [(date(2026, 7, 30), date(2026, 8, 1), 450_00, False),
                                                  (date(2026, 8, 28), date(2026, 9, 1), 450_00, False)]


def weekly_leefgeld_and_no_leefgeld_twice_in_the_forecast(session: Session, month: Month) -> None:
    # Friday 24 July, for the run of Monday 27 July: the benefit of the 23rd is in; the next one (Sunday 23 August)
    # is booked on Monday the 24th, first used on the 25th: five Wednesdays up to 26 August share
    # 1,200 - 750 - 25 = 425: 85.00 each. 21 August the benefit comes early, so the run of 24 August keeps everything
    # up to the September benefit: (110 + 1,200 - 750 - 25) over the five Wednesdays 26 August - 23 September.
    figures = month.figures["weekly", date(2026, 7, 24)]
    assert (figures.available_cents, figures.buffer_cents, figures.reserved_through) == (
        425_00, 25_00, date(2026, 8, 26))
    assert [(payday, cents) for _, payday, cents, _ in month.leefgeld(session, "weekly") if cents] == [
        (date(2026, 7, 29), 85_00), (date(2026, 8, 5), 85_00), (date(2026, 8, 12), 85_00),
        (date(2026, 8, 19), 85_00), (date(2026, 8, 26), 107_00), (date(2026, 9, 2), 107_00)]
    assert month.figures["weekly", date(2026, 8, 21)].benefit_received_on == date(2026, 8, 21)
    # Monday 27 July, the payday of the 29th already has its leefgeld (approved in the run of the 27th): the forecast
    # does not pay it again; its runs pay the next Wednesdays from the money that is left, 85.00 each.
    forecast = month.forecasts["weekly", date(2026, 7, 27)]
    paid = [(day.date, p.due_date, p.amount_cents) for day in forecast.days for p in day.payments
            if p.kind == "leefgeld" and day.date < date(2026, 8, 24)]
    assert paid == [(date(2026, 8, 3), date(2026, 8, 5), 85_00), (date(2026, 8, 10), date(2026, 8, 12), 85_00),
                    (date(2026, 8, 17), date(2026, 8, 19), 85_00)]


def arrears_are_kept_and_paid_late(session: Session, month: Month) -> None:
    # The run of 30 July cannot pay the rent (500 on the account): a shortfall. After the allowance (Friday 7 August)
    # the run of Monday 10 August pays it late; the money for it and the buffer is kept: 900 - 600 - 50 = 250.
    short = session.scalars(select(Shortfall.due_date).where(Shortfall.household_id == month.ids["arrears"])).all()
    assert date(2026, 8, 1) in short
    figures = month.figures["arrears", date(2026, 8, 7)]
    assert [(line.kind, line.due_date, line.in_arrears) for line in figures.reserved] == [
        ("rent", date(2026, 8, 1), True), ("buffer", None, False)]
    assert figures.available_cents == 250_00
    assert month.paid(session, "arrears", date(2026, 8, 10)) == [("rent", date(2026, 8, 1), 600_00)]
    assert [(payday, cents) for _, payday, cents, _ in month.leefgeld(session, "arrears")] == [
        (date(2026, 8, 15), 250_00)]


def a_pending_extension_keeps_the_costs_after_the_end_as_if_approved(session: Session, month: Month) -> None:
    # Ends 31 July, a month's extension waits: the run of 30 July is no final settlement; it keeps the rent of
    # 1 August (after the end) back: 1,200 - 600 = 600 for payday 1 August. The page, the statement's held lines and
    # the forecast count the period to 31 August as well.
    figures = month.figures["pending", date(2026, 7, 29)]
    assert (figures.final, figures.extension_pending, figures.last_day) == (False, True, date(2026, 8, 31))
    assert [(line.kind, line.due_date) for line in figures.reserved] == [("rent", date(2026, 8, 1))]
    assert figures.available_cents == 600_00
    statement = read.statement(session, month.ids["pending"], today=date(2026, 7, 29), figures=figures)
    assert [(line.kind, line.due_date, line.amount_cents) for line in statement.held] == [
        ("rent", date(2026, 8, 1), 600_00)]
    forecast = month.forecasts["pending", date(2026, 7, 29)]
    assert forecast.first_uncovered is None
    assert all(p.kind != "leefgeld" or "einde periode" not in p.reason for d in forecast.days for p in d.payments
               if d.date < date(2026, 8, 27))  # no final payout at the old end
    assert month.paid(session, "pending", date(2026, 7, 30)) == []  # paid once approved
    assert month.leefgeld(session, "pending")[0] == (date(2026, 7, 30), date(2026, 8, 1), 600_00, False)


def the_final_settlement(session: Session, month: Month) -> None:
    # Ends Friday 14 August. The run of 30 July pays the August rent and 1,000 - 500 - 30 = 470 for 1 August. The run
    # of Wednesday 12 August pays everything due up to the 14th (executed on the 12th): it is the final settlement
    # and pays the rest, the buffer, as final leefgeld dated the last day.
    assert not month.figures["final", date(2026, 8, 10)].final  # the run of the 11th pays up to the 13th
    figures = month.figures["final", date(2026, 8, 11)]
    assert (figures.final, figures.reserved, figures.available_cents) == (True, (), 30_00)
    assert month.leefgeld(session, "final") == [(date(2026, 7, 30), date(2026, 8, 1), 470_00, False),
                                                (date(2026, 8, 12), date(2026, 8, 14), 30_00, True)]


def the_forecast_warns_about_what_the_runs_will_not_pay(session: Session, month: Month) -> None:
    # Thursday 30 July, after the run of that day (rent 600, leefgeld 100): the page keeps 100.00 for the energy of
    # 26 August (executed on the 24th, before the benefit of the 25th can be used). The runs pay it from that; the
    # September rent from the August benefit (run of 28 August); the September energy then does not fit in the 50.00
    # left (run of 24 September). The forecast says exactly that; a model without the lead time would have released
    # the energy's money and warned about the rent of 1 September instead.
    figures = month.figures["thin", date(2026, 7, 30)]
    assert [(line.kind, line.due_date, line.amount_cents) for line in figures.reserved] == [
        ("energy", date(2026, 8, 26), 100_00)]
    assert (figures.available_cents, figures.uncovered_cents) == (0, 0)
    forecast = month.forecasts["thin", date(2026, 7, 30)]
    uncovered = forecast.first_uncovered
    assert uncovered is not None
    assert (uncovered.date, uncovered.category.value, uncovered.due_date) == (
        date(2026, 9, 24), "energy", date(2026, 9, 26))
    assert month.paid(session, "thin", date(2026, 8, 24)) == [("energy", date(2026, 8, 26), 100_00)]
    assert month.paid(session, "thin", date(2026, 8, 28)) == [("rent", date(2026, 9, 1), 600_00)]
