"""The daily signals job set-based, against the household one by one: on a few hundred random households (random
periods, fixed costs of every frequency, incomes, money, runs with shortfalls, pending extensions, ended periods),
every household's figures and forecast read at once (:func:`budgetbeheer.households.forecasts.all_figures`) are
exactly :func:`~budgetbeheer.households.figures.household_figures` and
:func:`~budgetbeheer.households.read.household_forecast`; the uncovered instalments found with the forecast's bound
(households it settles are not forecast) are exactly those of every household's forecast; and the detectors raise
exactly the signals the per-household detectors raised before (kept here as the reference: one forecast per
household, one count of receipts per income per due date)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.domain.categories import LABELS_NL
from budgetbeheer.domain.forecast import BENEFIT_EARLY_DAYS
from budgetbeheer.domain.schedule import due_dates
from budgetbeheer.households.figures import household_figures
from budgetbeheer.households.forecasts import all_figures
from budgetbeheer.households.read import household_forecast
from budgetbeheer.lifecycle import signals
from budgetbeheer.lifecycle.ending import end_period
from budgetbeheer.lifecycle.extensions import request_extension
from budgetbeheer.money import format_eur
from budgetbeheer.payments import service as payments
from budgetbeheer.payments.runs.model import fixed_cost_key
from budgetbeheer.tables.households import ExpectedIncome, Household, Receipt
from budgetbeheer.tables.lifecycle import Signal
from budgetbeheer.tables.payments import PaymentItem
from budgetbeheer.tables.states import HouseholdStatus
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import CASEWORKER, enrol, fixed_cost, income, person_data, receipt

TODAY = date(2026, 12, 1)
LEAD = 2
CATEGORIES = ["rent", "health_insurance", "energy", "water", "municipal_taxes", "loan_repayment"]
FREQUENCIES = ["monthly", "monthly", "monthly", "quarterly", "weekly", "four_weekly", "yearly"]
HOUSEHOLDS = 240


def _cents(rng: random.Random, low: int, high: int) -> str:
    return f"{rng.randint(low, high)}.{rng.randint(0, 99):02d}"


def build(session: Session, settings: Settings, make_user: Callable[..., User], rng: random.Random) -> list[int]:
    ids = []
    for n in range(HOUSEHOLDS):
        start = date(2026, 6, 1) + timedelta(days=rng.randint(0, 175))
        weekly = rng.random() < 0.5
        household = enrol(session, CASEWORKER, start=start, iban="NL91ABNA0417164300",
                          persons=[person_data(last_name=f"Huis {n}")], account_holder=f"Huis {n}",
                          leefgeld={"frequency": "weekly" if weekly else "monthly",
                                    "day": rng.randint(1, 5) if weekly else rng.randint(1, 28),
                                    "buffer": rng.choice(["0.00", "25.00", "50.00"])})
        for category in rng.sample(CATEGORIES, rng.randint(0, 4)):
            since = start + timedelta(days=rng.choice([0, 0, 5, 20, 40]))
            fixed_cost(session, household.id, category, CASEWORKER, start=since, amount=_cents(rng, 10, 700),
                       due_day=rng.randint(1, 28), frequency=rng.choice(FREQUENCIES),
                       creditor={"name": f"Schuldeiser {category}", "iban": "NL39RABO0300065264"})
        if rng.random() < 0.9:
            income(session, household.id, CASEWORKER, amount=_cents(rng, 300, 1800), day=rng.randint(1, 28),
                   start_date=start.isoformat())
        if rng.random() < 0.3:
            income(session, household.id, CASEWORKER, kind="allowance", amount=_cents(rng, 50, 300),
                   day=rng.randint(1, 28), start_date=start.isoformat(),
                   frequency=rng.choice(["monthly", "quarterly"]))  # kinderbijslag comes quarterly
        for _ in range(rng.randint(0, 3)):
            on = start + timedelta(days=rng.randint(0, max(0, (date(2026, 11, 27) - start).days)))
            receipt(session, household.id, _cents(rng, 100, 1500), on, CASEWORKER,
                    kind=rng.choice(["benefit", "benefit", "allowance"]))
        ids.append(household.id)
    session.flush()
    caseworker = actor_for(make_user("karin", "caseworker"))
    for hid in rng.sample(ids, 20):
        period_end = session.get(Household, hid).period_end  # type: ignore[union-attr]
        if period_end > TODAY:
            request_extension(session, caseworker, hid, months=rng.randint(1, 3), reason_category="language_course",
                              reason_text="Taalcursus loopt nog.")
    for hid in rng.sample(ids, 10):
        ending = session.get(Household, hid)
        assert ending is not None
        end = max(ending.period_start, min(ending.period_end, TODAY + timedelta(days=rng.randint(-3, 10))))
        end_period(session, caseworker, hid, end_date=end.isoformat(), reason="Bijstand gestopt wegens werk.",
                   today=TODAY - timedelta(days=5))
    preparer = actor_for(make_user("fenna", "finance"))
    approver = actor_for(make_user("frank", "finance"))
    first, _ = payments.prepare_run(session, preparer, date(2026, 11, 30), settings)
    if first.item_count:
        payments.approve(session, approver, first.id)
    payments.prepare_run(session, preparer, date(2026, 12, 1), settings)  # left proposed: planned money
    session.commit()
    return ids


def uncovered_one_by_one(session: Session, today: date) -> dict[str, str]:
    """The forecast detector as it was: one forecast per active household (the reference)."""
    found = {}
    for household_id in session.scalars(
        select(Household.id).where(Household.status == HouseholdStatus.ACTIVE).order_by(Household.id)
    ):
        uncovered = household_forecast(session, household_id, today, lead_business_days=LEAD).first_uncovered
        if uncovered is None or session.scalar(select(PaymentItem.id).where(
                PaymentItem.obligation_key == fixed_cost_key(uncovered.obligation_id, uncovered.due_date))):
            continue
        found[f"forecast_uncovered:{uncovered.obligation_id}:{uncovered.due_date.isoformat()}"] = (
            f"Volgens de prognose is er in de betaalrun van {uncovered.date:%d-%m-%Y} niet genoeg saldo voor "
            f"{LABELS_NL[uncovered.category]} ({format_eur(uncovered.amount_cents)}, vervaldag "
            f"{uncovered.due_date:%d-%m-%Y}).")
    return found


def missing_income_one_by_one(session: Session, today: date, late_days: int) -> dict[str, str]:
    """The missing-income detector as it was: receipts counted per income per due date (the reference)."""
    window_from = today - timedelta(days=signals.INCOME_LOOKBACK_DAYS)
    window_to = today - timedelta(days=late_days) + timedelta(days=1)
    found = {}
    for expected, household in session.execute(
        select(ExpectedIncome, Household).join(Household, Household.id == ExpectedIncome.household_id)
        .where(Household.status == HouseholdStatus.ACTIVE).order_by(ExpectedIncome.id)
    ).all():
        low = max(window_from, household.period_start)
        high = min(window_to, household.period_end + timedelta(days=1))
        for day in due_dates(expected.frequency, expected.day, expected.start_date, expected.end_date, low, high):
            if session.scalar(select(func.count(Receipt.id)).where(
                    Receipt.household_id == expected.household_id, Receipt.kind == expected.kind,
                    Receipt.received_on >= day - timedelta(days=BENEFIT_EARLY_DAYS), Receipt.received_on <= today)):
                continue
            found[f"income_missing:{expected.id}:{day.isoformat()}"] = (
                f"Verwacht inkomen ({expected.kind}, {format_eur(expected.amount_cents)}) op {day:%d-%m-%Y} is "
                f"{(today - day).days} dagen later nog niet ontvangen. Neem contact op met de uitkerende instantie "
                "of overweeg een voorschot.")
    return found


def raised(session: Session, kind: str) -> dict[str, str]:
    return {str(key): str(message) for key, message in
            session.execute(select(Signal.dedup_key, Signal.message).where(Signal.kind == kind))}


@pytest.mark.parametrize("seed", [16, 17])
def test_all_households_at_once_are_each_household_alone(
    session: Session, settings: Settings, make_user: Callable[..., User], seed: int
) -> None:
    ids = build(session, settings, make_user, random.Random(seed))
    found = all_figures(session, TODAY, lead_business_days=LEAD, statuses=None)
    assert sorted(found.figures) == sorted(ids)
    kinds = {"arrears": 0, "uncovered": 0, "final": 0, "pending": 0, "planned": 0}
    for hid in ids:
        alone = household_figures(session, hid, TODAY, lead_business_days=LEAD)
        assert found.figures[hid] == alone, hid
        assert found.forecast(hid) == household_forecast(session, hid, TODAY, lead_business_days=LEAD), hid
        kinds["arrears"] += bool(alone.arrears)
        kinds["uncovered"] += found.forecast(hid).first_uncovered is not None
        kinds["final"] += alone.final
        kinds["pending"] += alone.extension_pending
        kinds["planned"] += alone.planned_cents > 0
    # the random households cover the situations the comparison is about
    assert min(kinds["arrears"], kinds["uncovered"], kinds["final"], kinds["pending"], kinds["planned"]) > 0, kinds

    # The signals job skips the forecast of every household the bound settles (domain.forecast.cannot_fall_short):
    # the same uncovered instalments as a forecast of every household, and as each household's forecast alone.
    pruned = dict(found.uncovered())
    assert pruned == dict(found.uncovered(prune=False))
    assert pruned == {hid: uncovered for hid in ids
                      if (uncovered := household_forecast(session, hid, TODAY, lead_business_days=LEAD).first_uncovered)
                      is not None}
    settled = [household.id for household in found.households if found.settled(household)]
    assert all(found.forecast(hid).first_uncovered is None for hid in settled)
    assert len(settled) > len(ids) // 3, (len(settled), len(ids) - len(pruned))  # the bound decides for many

    expected_uncovered = uncovered_one_by_one(session, TODAY)
    expected_missing = missing_income_one_by_one(session, TODAY, settings.income_late_days)
    assert expected_uncovered and expected_missing
    counts = signals.raise_all(session, TODAY, income_late_days=settings.income_late_days, lead_business_days=LEAD)
    assert raised(session, "forecast_uncovered") == expected_uncovered
    assert raised(session, "income_missing") == expected_missing
    assert counts["forecast_uncovered"] == len(expected_uncovered)
    assert counts["shortfall"] > 0
    session.commit()
    again = signals.raise_all(session, TODAY, income_late_days=settings.income_late_days, lead_business_days=LEAD)
    assert sum(again.values()) == 0  # once per situation


def test_a_signal_raised_meanwhile_by_another_process_is_skipped(session: Session, system_actor: Actor) -> None:
    """The daily detectors' bulk insert gives way to a signal with the same key stored in between (one by one)."""
    wanted = [signals.NewSignal("period_ending", None, "a", "period_ending:test:1"),
              signals.NewSignal("period_ending", None, "b", "period_ending:test:2")]
    assert signals.raise_new(session, wanted[:1]) == 1
    assert signals.raise_new(session, wanted) == 1
    assert signals.raise_new(session, wanted) == 0
    assert sorted(raised(session, "period_ending")) == ["period_ending:test:1", "period_ending:test:2"]
