"""Time travel: a household walks through its period under the scheduler's daily jobs, with nobody's hands but the
approvals, an extension and the benefit system's receipts; the period ends and the funds account ends at zero."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from budgetbeheer import jobs
from budgetbeheer.composition import registry
from budgetbeheer.config import Settings
from budgetbeheer.db.engine import make_engine, make_session_factory
from budgetbeheer.households.corrections import change_expected_income, change_fixed_cost
from budgetbeheer.households.details import change_household
from budgetbeheer.households.persons import add_person
from budgetbeheer.ledger.service import household_balance, money_identity
from budgetbeheer.lifecycle import extensions
from budgetbeheer.payments.service import approve
from budgetbeheer.special import advances, one_offs
from budgetbeheer.tables.households import Household, Person
from budgetbeheer.tables.lifecycle import JobRun, Signal
from budgetbeheer.tables.payments import Advance, AdvanceRecovery, PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import bsn, creditor, enrol, fixed_cost, income, person_data, receipt

BENEFIT = 1500_00
RENT = 600_00
ENERGY = 120_00


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)


@pytest.mark.slow
def test_six_months_an_extension_and_the_end(engine: Engine, session: Session, settings: Settings,
                                             make_user: Callable[..., User], request: pytest.FixtureRequest) -> None:
    # The jobs run as the scheduler does in production: on an engine that takes SQLite's write lock up front.
    jobs_engine = make_engine(settings.database_url)
    request.addfinalizer(jobs_engine.dispose)
    factory = make_session_factory(jobs_engine)
    case = actor_for(make_user("case", "caseworker"))
    boss = actor_for(make_user("boss", "supervisor"))
    finance = actor_for(make_user("fin", "finance"))
    start = date(2026, 3, 1)
    with time_machine.travel(at(start - timedelta(days=3)), tick=False) as traveller:
        household = enrol(session, case, start=start, today=start - timedelta(days=3),
                          persons=[person_data(date_of_birth="1990-04-01")], iban="NL91ABNA0417164300",
                          leefgeld={"frequency": "monthly", "day": 22, "buffer": "0.00"})
        fixed_cost(session, household.id, "rent", case, start=date(2026, 4, 1), amount="600.00",
                   creditor={"name": "Woonstad Zuidoever", "iban": "NL20INGB0001234567"}, reference="Huur Kerkstraat 1")
        fixed_cost(session, household.id, "energy", case, start=date(2026, 4, 1), amount="120.00", due_day=5,
                   creditor={"name": "Energie Direct", "iban": "NL44RABO0123456789"}, reference="Klant 778899")
        income(session, household.id, case, day=15)
        session.commit()
        assert household.period_end == date(2026, 8, 31)

        day = start
        approved_batches: list[int] = []
        extension_id: int | None = None
        while day <= date(2026, 10, 10):
            traveller.move_to(at(day))
            session.expire_all()
            status = session.scalar(select(Household.status).where(Household.id == household.id))
            session.rollback()  # one writer at a time on SQLite: the jobs below use their own sessions
            if day.day == 15 and status == "active":  # the benefit system pushes the month's bijstand
                receipt(session, household.id, "1500.00", day, case, reference=f"bijstand {day:%Y-%m}",
                        idempotency_key=f"benefit-{day:%Y-%m}")
                session.commit()
            if day == date(2026, 8, 10):
                extension_id = extensions.request_extension(
                    session, case, household.id, months=1, reason_category="language_course",
                    reason_text="Het taalexamen is pas in september").id
                session.commit()
            if day == date(2026, 8, 12):
                assert extension_id is not None
                extensions.decide_extension(session, boss, extension_id, decision="approve", note="Akkoord")
                session.commit()
            outcomes = jobs.run_due(factory, settings, day, registry().jobs.all())
            assert {o.outcome for o in outcomes} == {"succeeded"}, outcomes
            assert jobs.run_due(factory, settings, day, registry().jobs.all()) == []  # running again the same day changes nothing
            session.expire_all()
            for batch in session.scalars(select(PaymentBatch).where(PaymentBatch.status == "proposed")):
                if batch.item_count:
                    approve(session, finance, batch.id)
                    approved_batches.append(batch.id)
            session.commit()
            day += timedelta(days=1)

        session.expire_all()
        items = session.scalars(
            select(PaymentItem).where(PaymentItem.household_id == household.id, PaymentItem.status != "cancelled")
            .order_by(PaymentItem.due_date, PaymentItem.id)
        ).all()
        assert {i.status for i in items} == {"approved"}
        by_kind: dict[str, list[tuple[date, int]]] = defaultdict(list)
        for item in items:
            by_kind[item.kind].append((item.due_date, item.amount_cents))
        months = [date(2026, m, 1) for m in range(4, 10)]  # April to September: the extension added September
        assert by_kind["rent"] == [(m, RENT) for m in months]
        assert by_kind["energy"] == [(m.replace(day=5), ENERGY) for m in months]
        # Leefgeld: what the benefit leaves after the fixed costs due before the next benefit; in September (the
        # last month) nothing is due before the end, so the whole benefit goes out.
        leefgeld = by_kind["leefgeld"]
        assert sum(cents for _, cents in leefgeld) == 7 * BENEFIT - 6 * (RENT + ENERGY)
        assert [cents for _, cents in leefgeld][:6] == [BENEFIT - RENT - ENERGY] * 6
        assert session.scalar(select(Shortfall.id).where(Shortfall.household_id == household.id)) is None
        # Every batch was prepared by the scheduler, on a business day, and approved by finance.
        batches = session.scalars(select(PaymentBatch).where(PaymentBatch.id.in_(approved_batches))).all()
        assert {b.prepared_by for b in batches} == {"system:scheduler"}
        assert all(b.status == "approved" for b in batches)

        final = session.get(Household, household.id)
        assert final is not None
        assert final.period_end == date(2026, 9, 30)
        assert final.status == "ended" and final.ended_on == date(2026, 9, 30)
        assert household_balance(session, household.id) == 0
        assert money_identity(session).holds
        assert session.scalars(select(Person.active_bsn).where(Person.household_id == household.id)).all() == [None]
        kinds = set(session.scalars(select(Signal.dedup_key).where(Signal.household_id == household.id)))
        assert not any(key.startswith(("forecast_uncovered", "shortfall", "income_missing")) for key in kinds), kinds
        assert f"period_ending:{household.id}:2026-08-31" in kinds
        assert f"period_ending:{household.id}:2026-09-30" in kinds
        days_run = session.scalars(select(JobRun.run_for).where(JobRun.job_name == "payments.prepare_runs")).all()
        assert len(days_run) == len(set(days_run)) == (date(2026, 10, 10) - start).days + 1


@pytest.mark.slow
def test_a_late_benefit_decision_and_an_extension_decided_after_the_end(
    engine: Engine, session: Session, settings: Settings, make_user: Callable[..., User],
    request: pytest.FixtureRequest,
) -> None:
    """Issue 10, findings 2 and 9, day by day through the scheduler's jobs.

    The bijstand decision came late: the household is enrolled on 20 January 2027 with a benefit start of 1 September
    2026 (period through 28 February 2027). Its fixed costs start from the intake, so nothing from September to January
    falls due. On 10 February the caseworker asks for one more month; the supervisor decides only on 3 March. Until
    then no run pays a final payout, the end job neither closes the household nor releases its BSN, and the supervisor
    gets one "beslis vóór 28-02-2027" signal; the March rent is kept and paid in full after the approval. The
    extended period then ends on 31 March and the household is paid out and closed."""
    jobs_engine = make_engine(settings.database_url)
    request.addfinalizer(jobs_engine.dispose)
    factory = make_session_factory(jobs_engine)
    case = actor_for(make_user("case", "caseworker"))
    boss = actor_for(make_user("boss", "supervisor"))
    finance = actor_for(make_user("fin", "finance"))
    start, intake, old_end, new_end = date(2026, 9, 1), date(2027, 1, 20), date(2027, 2, 28), date(2027, 3, 31)
    with time_machine.travel(at(intake), tick=False) as traveller:
        household = enrol(session, case, start=start, today=intake,
                          persons=[person_data(bsn="111222333", date_of_birth="1990-04-01")],
                          iban="NL91ABNA0417164300", leefgeld={"frequency": "monthly", "day": 25, "buffer": "0.00"})
        for category, name, iban, amount in (("rent", "Woonstad Zuidoever", "NL20INGB0001234567", "600.00"),
                                             ("energy", "Energie Direct", "NL44RABO0123456789", "120.00")):
            fixed_cost(session, household.id, category, case, amount=amount,  # no start date: from the intake day on
                       creditor={"name": name, "iban": iban}, reference=f"{category} Haddad")
        income(session, household.id, case, day=24)
        receipt(session, household.id, "1500.00", intake, case, reference="bijstand 2027-01",
                idempotency_key="benefit-2027-01")
        session.commit()
        assert household.period_end == old_end

        day = intake
        extension_id: int | None = None
        statuses: dict[date, str] = {}
        while day <= date(2027, 4, 12):
            traveller.move_to(at(day))
            session.expire_all()
            status = session.scalar(select(Household.status).where(Household.id == household.id))
            session.rollback()
            if day.day == 24 and day.month != intake.month and status != "ended" and day < new_end:  # January: late
                receipt(session, household.id, "1500.00", day, case, reference=f"bijstand {day:%Y-%m}",
                        idempotency_key=f"benefit-{day:%Y-%m}")
                session.commit()
            if day == date(2027, 2, 10):
                extension_id = extensions.request_extension(
                    session, case, household.id, months=1, reason_category="language_course",
                    reason_text="Het taalexamen is pas in maart").id
                session.commit()
            if day == date(2027, 3, 3):
                assert extension_id is not None
                # Nothing was paid out while the request waited: the decision is still possible.
                assert session.scalar(
                    select(PaymentItem.id).where(PaymentItem.obligation_key.like("lg:%:final"))) is None
                extensions.decide_extension(session, boss, extension_id, decision="approve", note="Akkoord")
                session.commit()
            outcomes = jobs.run_due(factory, settings, day, registry().jobs.all())
            assert {o.outcome for o in outcomes} == {"succeeded"}, outcomes
            session.expire_all()
            for batch in session.scalars(select(PaymentBatch).where(PaymentBatch.status == "proposed")):
                if batch.item_count:
                    approve(session, finance, batch.id)
            session.commit()
            statuses[day] = session.scalar(select(Household.status).where(Household.id == household.id)) or ""
            if old_end <= day < date(2027, 3, 3):
                bsns = session.scalars(select(Person.active_bsn).where(Person.household_id == household.id)).all()
                assert bsns == ["111222333"], day
            session.rollback()
            day += timedelta(days=1)

        # Active until the extended end (also on the days between the old end and the approval), then paid out.
        assert {statuses[d] for d in statuses if d < new_end} == {"active"}
        assert statuses[date(2027, 4, 12)] == "ended"
        session.expire_all()
        items = session.scalars(
            select(PaymentItem).where(PaymentItem.household_id == household.id, PaymentItem.status != "cancelled")
            .order_by(PaymentItem.due_date, PaymentItem.id)
        ).all()
        by_kind: dict[str, list[tuple[date, int]]] = defaultdict(list)
        for item in items:
            by_kind[item.kind].append((item.due_date, item.amount_cents))
        # Nothing from before the intake; February and the extension's March, in full and without a gap.
        assert by_kind["rent"] == [(date(2027, 2, 1), RENT), (date(2027, 3, 1), RENT)]
        assert by_kind["energy"] == [(date(2027, 2, 1), ENERGY), (date(2027, 3, 1), ENERGY)]
        assert session.scalar(select(Shortfall.id).where(Shortfall.household_id == household.id)) is None
        finals = [i for i in items if i.obligation_key and i.obligation_key.endswith(":final")]
        assert len(finals) == 1 and finals[0].due_date >= new_end
        leefgeld = sum(cents for _, cents in by_kind["leefgeld"])
        assert leefgeld == 3 * BENEFIT - 2 * (RENT + ENERGY)
        decide = session.scalars(select(Signal).where(Signal.kind == "extension_decide")).all()
        assert [(s.dedup_key, s.state) for s in decide] == [(f"extension_decide:{extension_id}:{old_end}", "done")]
        final = session.get(Household, household.id)
        assert final is not None and (final.period_end, final.ended_on) == (new_end, new_end)
        assert household_balance(session, household.id) == 0
        assert money_identity(session).holds
        assert session.scalars(select(Person.active_bsn).where(Person.household_id == household.id)).all() == [None]


@pytest.mark.slow
def test_a_family_reunification_and_a_move_during_the_period(
    engine: Engine, session: Session, settings: Settings, make_user: Callable[..., User],
    request: pytest.FixtureRequest,
) -> None:
    """Issue 13, day by day through the scheduler's jobs: on 10 May the partner arrives through family reunification
    (added with a period of their own, 10 May through 9 November, so the household's period moves out to 9 November)
    and the benefit rises to 2,100.00 from June; on 10 June (before the June leefgeld is paid out) the household moves: the rent goes to the new landlord
    at 750.00 from 1 July, the old landlord's July rent is never paid. The period ends on 9 November at zero, both
    BSNs released."""
    jobs_engine = make_engine(settings.database_url)
    request.addfinalizer(jobs_engine.dispose)
    factory = make_session_factory(jobs_engine)
    case = actor_for(make_user("case", "caseworker"))
    finance = actor_for(make_user("fin", "finance"))
    start, new_end = date(2026, 3, 1), date(2026, 11, 9)
    old_landlord, new_landlord = "NL20INGB0001234567", "NL86INGB0002445588"
    with time_machine.travel(at(start - timedelta(days=3)), tick=False) as traveller:
        household = enrol(session, case, start=start, today=start - timedelta(days=3),
                          persons=[person_data(date_of_birth="1990-04-01")], iban="NL91ABNA0417164300",
                          leefgeld={"frequency": "monthly", "day": 22, "buffer": "0.00"})
        rent = fixed_cost(session, household.id, "rent", case, start=date(2026, 4, 1), amount="600.00",
                          creditor={"name": "Woonstad Zuidoever", "iban": old_landlord}, reference="Huur Kerkstraat 1")
        fixed_cost(session, household.id, "energy", case, start=date(2026, 4, 1), amount="120.00", due_day=5,
                   creditor={"name": "Energie Direct", "iban": "NL44RABO0123456789"}, reference="Klant 778899")
        benefit = income(session, household.id, case, day=15)
        landlord = creditor(session, case, name="Woonbedrijf Nieuw", iban=new_landlord)
        session.commit()
        rent_id, benefit_id, landlord_id = rent.id, benefit.id, landlord.id

        day = start
        while day <= date(2026, 11, 20):
            traveller.move_to(at(day))
            session.expire_all()
            current = session.get(Household, household.id)
            assert current is not None
            status, period_end = current.status, current.period_end
            session.rollback()
            if day.day == 15 and status == "active" and day <= period_end:
                amount = "1500.00" if day < date(2026, 6, 1) else "2100.00"
                receipt(session, household.id, amount, day, case, reference=f"bijstand {day:%Y-%m}",
                        idempotency_key=f"benefit-{day:%Y-%m}")
                session.commit()
            if day == date(2026, 5, 10):
                add_person(session, case, household.id, {
                    "bsn": bsn(), "first_name": "Omar", "last_name": "Haddad", "date_of_birth": "1987-06-01",
                    "from": "2026-05-10", "reason": "gezinshereniging"})
                change_expected_income(session, case, household.id, benefit_id,
                                       {"amount": "2100.00", "from": "2026-06-01", "reason": "bijstand voor twee"})
                session.commit()
            if day == date(2026, 6, 10):
                change_household(session, case, household.id, {
                    "address": {"street": "Nieuwstraat 3", "postal_code": "8011AB", "city": "Zwolle"}})
                change_fixed_cost(session, case, household.id, rent_id, {
                    "creditor_id": landlord_id, "amount": "750.00", "reference": "Huur Nieuwstraat 3",
                    "from": "2026-07-01", "reason": "verhuisd"})
                session.commit()
            outcomes = jobs.run_due(factory, settings, day, registry().jobs.all())
            assert {o.outcome for o in outcomes} == {"succeeded"}, outcomes
            session.expire_all()
            for batch in session.scalars(select(PaymentBatch).where(PaymentBatch.status == "proposed")):
                if batch.item_count:
                    approve(session, finance, batch.id)
            session.commit()
            day += timedelta(days=1)

        session.expire_all()
        items = session.scalars(
            select(PaymentItem).where(PaymentItem.household_id == household.id, PaymentItem.status != "cancelled")
            .order_by(PaymentItem.due_date, PaymentItem.id)
        ).all()
        rents = [(i.due_date, i.iban, i.amount_cents) for i in items if i.kind == "rent"]
        assert rents == [(date(2026, m, 1), old_landlord, 600_00) for m in (4, 5, 6)] + [
            (date(2026, m, 1), new_landlord, 750_00) for m in (7, 8, 9, 10, 11)]
        assert [i.due_date for i in items if i.kind == "energy"] == [date(2026, m, 5) for m in range(4, 12)]
        leefgeld = sum(i.amount_cents for i in items if i.kind == "leefgeld")
        assert leefgeld == 3 * 1500_00 + 5 * 2100_00 - (3 * 600_00 + 5 * 750_00) - 8 * ENERGY
        shortfalls = [(s.category, s.due_date, s.amount_cents, s.batch_id) for s in session.scalars(
            select(Shortfall).where(Shortfall.household_id == household.id))]
        assert shortfalls == []
        final = session.get(Household, household.id)
        assert final is not None and final.period_end == new_end and final.status == "ended"
        assert final.address_city == "Zwolle"
        assert household_balance(session, household.id) == 0
        assert money_identity(session).holds
        assert session.scalars(select(Person.active_bsn).where(Person.household_id == household.id)).all() == [
            None, None]


@pytest.mark.slow
def test_an_advance_recovered_from_a_late_zorgtoeslag_and_a_one_off_payment(
    engine: Engine, session: Session, settings: Settings, make_user: Callable[..., User],
    request: pytest.FixtureRequest,
) -> None:
    """Issue 13: the zorgtoeslag (expected on the 20th) is late; finance bridges with an advance to be recovered from
    the next zorgtoeslag, which comes in May for three months at once. In between a one-off payment (a GGD bill) is
    asked, approved by a second finance user and paid by the scheduler's next run. The books agree every day."""
    jobs_engine = make_engine(settings.database_url)
    request.addfinalizer(jobs_engine.dispose)
    factory = make_session_factory(jobs_engine)
    case = actor_for(make_user("case", "caseworker"))
    finance = actor_for(make_user("fin", "finance"))
    finance2 = actor_for(make_user("fin2", "finance"))
    start = date(2026, 3, 1)
    with time_machine.travel(at(start - timedelta(days=3)), tick=False) as traveller:
        household = enrol(session, case, start=start, today=start - timedelta(days=3),
                          persons=[person_data(date_of_birth="1988-02-11")], iban="NL91ABNA0417164300",
                          leefgeld={"frequency": "monthly", "day": 22, "buffer": "0.00"})
        fixed_cost(session, household.id, "rent", case, start=date(2026, 4, 1), amount="600.00",
                   creditor={"name": "Woonstad Zuidoever", "iban": "NL20INGB0001234567"}, reference="Huur Kerkstraat 1")
        income(session, household.id, case, day=15)
        income(session, household.id, case, kind="allowance", amount="120.00", day=20)
        ggd = creditor(session, case, "other", name="GGD Regio Midden", iban="NL02ABNA0123456789")
        session.commit()

        day = start
        advance_id = one_off_id = None
        while day <= date(2026, 6, 10):
            traveller.move_to(at(day))
            session.rollback()
            if day.day == 15:
                receipt(session, household.id, "1500.00", day, case, reference=f"bijstand {day:%Y-%m}",
                        idempotency_key=f"benefit-{day:%Y-%m}")
                session.commit()
            if day == date(2026, 4, 2):  # March's zorgtoeslag did not come: bridge it
                advance_id = advances.grant_advance(session, finance, household.id, {
                    "amount": "240.00", "reason": "zorgtoeslag komt laat (Belastingdienst, tot 13 weken)",
                    "recovery": {"type": "next_income", "kind": "allowance"}}, maximum_cents=settings.advance_max_cents).id
                session.commit()
            if day == date(2026, 4, 8):
                one_off_id = one_offs.request_one_off(session, case, household.id, {
                    "amount": "150.00", "creditor_id": ggd.id, "reference": "Factuur 2026-0412",
                    "reason": "GGD-rekening inentingen"}, lead_business_days=settings.lead_business_days).id
                session.commit()
            if day == date(2026, 4, 9):
                assert one_off_id is not None
                one_offs.approve_one_off(session, finance2, one_off_id, "akkoord",
                                         lead_business_days=settings.lead_business_days)
                session.commit()
            if day == date(2026, 5, 20):  # the late zorgtoeslag: March, April and May at once
                receipt(session, household.id, "360.00", day, case, kind="allowance", reference="zorgtoeslag mrt-mei",
                        idempotency_key="zorgtoeslag-2026-03-05")
                session.commit()
            outcomes = jobs.run_due(factory, settings, day, registry().jobs.all())
            assert {o.outcome for o in outcomes} == {"succeeded"}, outcomes
            session.expire_all()
            for batch in session.scalars(select(PaymentBatch).where(PaymentBatch.status == "proposed")):
                if batch.item_count:
                    approve(session, finance, batch.id)
            session.commit()
            assert money_identity(session).holds, day
            day += timedelta(days=1)

        session.expire_all()
        advance = session.get(Advance, advance_id)
        assert advance is not None and advance.open_cents == 0
        recoveries = session.scalars(select(AdvanceRecovery).where(AdvanceRecovery.advance_id == advance.id)).all()
        assert [(r.kind, r.amount_cents, r.booked_on) for r in recoveries] == [("income", 240_00, date(2026, 5, 20))]
        items = session.scalars(select(PaymentItem).where(
            PaymentItem.household_id == household.id, PaymentItem.status != "cancelled")).all()
        one_off = [i for i in items if i.kind == "one_off"]
        assert [(i.amount_cents, i.creditor_name, i.status) for i in one_off] == [
            (150_00, "GGD Regio Midden", "approved")]
        assert date(2026, 4, 9) < one_off[0].due_date <= date(2026, 4, 14)  # the first run after the approval
        assert {(i.kind, i.due_date) for i in items if i.kind == "rent"} == {
            ("rent", date(2026, m, 1)) for m in (4, 5, 6)}
        assert session.scalar(select(Shortfall.id).where(Shortfall.household_id == household.id)) is None
        # Everything that came in, less what went out and what was recovered, is what the household holds.
        paid = sum(i.amount_cents for i in items)
        received = 3 * 1500_00 + 360_00 + 240_00  # the benefits of March, April and May
        assert household_balance(session, household.id) == received - paid - 240_00
