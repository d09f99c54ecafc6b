"""Preparing payment runs on SQLite and PostgreSQL: exactly once, priority and shortfalls, held items, final payout."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.errors import ValidationError
from budgetbeheer.ledger.service import household_balance, money_identity
from budgetbeheer.payments import service
from budgetbeheer.payments.runs.model import fixed_cost_key
from budgetbeheer.tables.households import Creditor, FixedCost, Household
from budgetbeheer.tables.payments import PaymentBatch, PaymentItem, Shortfall
from budgetbeheer.users.models import User
from tests.factories import RUN_DATE, payable_household, receipt

SCHEDULER = Actor.system("scheduler")


def items_of(session: Session, batch_id: int) -> list[PaymentItem]:
    return list(session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch_id).order_by(PaymentItem.id)))


def test_run_pays_fixed_costs_then_spreads_leefgeld_over_the_weeks_until_the_benefit(
    session: Session, settings: Settings
) -> None:
    household = payable_household(session)
    batch, created = service.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    session.commit()
    assert created
    by_kind = {item.kind: item for item in items_of(session, batch.id)}
    assert {k: v.amount_cents for k, v in by_kind.items()} == {
        "rent": 650_00, "health_insurance": 150_00, "energy": 100_00, "water": 30_00,
        # 1500 - 930 fixed costs - 50 buffer = 520, over the five Wednesdays 2 to 30 December: the next benefit is
        # expected on Friday 25 December, Christmas (TARGET2 closed), so it is booked on Monday 28 December and first
        # used by the run of 29 December; payday 30 December is executed on the 28th and shares this money.
        "leefgeld": 104_00,
    }
    assert by_kind["leefgeld"].due_date == date(2026, 12, 2)
    assert by_kind["rent"].obligation_key == fixed_cost_key(household.fixed_cost_ids["rent"], date(2026, 12, 1))
    assert by_kind["health_insurance"].reference_kind == "betalingskenmerk"
    assert batch.total_cents == 1034_00 and batch.item_count == 5 and batch.status == "proposed"
    assert len({item.end_to_end_id for item in by_kind.values()}) == 5
    assert money_identity(session).holds
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "payment_batch.prepared"))
    assert entry is not None and entry.entity_id == str(batch.id)


def test_preparing_the_same_date_twice_gives_one_batch(session: Session, settings: Settings) -> None:
    payable_household(session)
    first, created = service.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    session.commit()
    second, created_again = service.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    session.commit()
    assert created and not created_again and first.id == second.id
    assert session.scalar(select(PaymentBatch.id).where(PaymentBatch.id != first.id)) is None
    assert len(items_of(session, first.id)) == 5


def test_a_later_run_does_not_pay_an_instalment_again(session: Session, settings: Settings) -> None:
    payable_household(session)
    first, _ = service.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    second, created = service.prepare_run(session, SCHEDULER, date(2026, 12, 1), settings)
    session.commit()
    assert created and second.id != first.id
    later = items_of(session, second.id)
    assert [item.kind for item in later if item.kind != "leefgeld"] == []
    assert money_identity(session).holds


@pytest.mark.parametrize(
    ("day", "next_day"), [(date(2026, 12, 5), "2026-12-07"), (date(2026, 12, 25), "2026-12-28"),
                          (date(2027, 1, 1), "2027-01-04")]
)
def test_a_closed_day_is_refused_naming_the_next_business_day(
    session: Session, settings: Settings, day: date, next_day: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        service.prepare_run(session, SCHEDULER, day, settings)
    assert next_day in str(caught.value.fields["execution_date"])
    assert session.scalar(select(PaymentBatch.id)) is None


def test_short_balance_pays_by_priority_records_shortfalls_and_carries_them(
    session: Session, settings: Settings
) -> None:
    household = payable_household(session, balance="700.00")
    batch, _ = service.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    session.commit()
    paid = {item.kind: item.amount_cents for item in items_of(session, batch.id)}
    # rent 650 fits; health insurance 150 and energy 100 do not; water 30 still fits (skip and continue)
    assert paid == {"rent": 650_00, "water": 30_00}
    shortfalls = session.scalars(select(Shortfall).where(Shortfall.batch_id == batch.id)).all()
    assert sorted((s.category, s.amount_cents) for s in shortfalls) == [("energy", 100_00),
                                                                        ("health_insurance", 150_00)]
    receipt(session, household.id, "300.00", date(2026, 11, 28), kind="allowance")
    later, _ = service.prepare_run(session, SCHEDULER, date(2026, 12, 1), settings)
    session.commit()
    carried = {item.kind: (item.amount_cents, item.due_date) for item in items_of(session, later.id)}
    assert carried["health_insurance"] == (150_00, date(2026, 12, 1))
    assert carried["energy"] == (100_00, date(2026, 12, 1))
    assert money_identity(session).holds


def test_a_creditor_iban_that_became_invalid_is_held_out_and_the_rest_goes(
    session: Session, settings: Settings
) -> None:
    payable_household(session)
    session.execute(update(Creditor).where(Creditor.name == "Energie Direct").values(iban="NL20INGB0001234568"))
    batch, _ = service.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    session.commit()
    held = [item for item in items_of(session, batch.id) if item.status == "held"]
    assert [(item.kind, item.obligation_key) for item in held] == [("energy", None)]
    assert held[0].hold_reason is not None and "NL20INGB0001234568" in held[0].hold_reason
    assert batch.item_count == 4 and batch.total_cents == 1034_00 - 100_00


def test_a_reference_that_fails_its_check_is_held_out(session: Session, settings: Settings) -> None:
    household = payable_household(session)
    session.execute(
        update(FixedCost).where(FixedCost.id == household.fixed_cost_ids["health_insurance"])
        .values(reference="5000056789012346")
    )
    batch, _ = service.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    held = [item for item in items_of(session, batch.id) if item.status == "held"]
    assert [item.kind for item in held] == ["health_insurance"]
    assert "5000056789012346" in (held[0].hold_reason or "")


def test_an_ended_period_pays_out_the_whole_remaining_balance(session: Session, settings: Settings) -> None:
    household = payable_household(session)
    session.execute(
        update(Household).where(Household.id == household.id)
        .values(status="ending", ended_on=date(2026, 11, 30), end_reason="verhuisd")
    )
    batch = service.final_payout(session, SCHEDULER, household.id, RUN_DATE, settings)
    session.commit()
    items = items_of(session, batch.id)
    # rent and the rest fall due on 1 December, after the end: nothing of that is paid, all 1500 goes to the household
    assert [(item.kind, item.amount_cents) for item in items] == [("leefgeld", 1500_00)]
    assert items[0].obligation_key is not None and items[0].obligation_key.endswith(":final")
    assert "einde periode" in items[0].reason
    again, created = service.prepare_run(session, SCHEDULER, RUN_DATE, settings)
    assert not created and again.id == batch.id and len(items_of(session, batch.id)) == 1


def test_prepare_and_approve_move_the_money_and_keep_the_identity(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    household = payable_household(session)
    preparer = make_user("fatima", "finance")
    approver = make_user("frank", "finance")
    from budgetbeheer.users.service import actor_for

    batch, _ = service.prepare_run(session, actor_for(preparer), RUN_DATE, settings)
    session.commit()
    service.approve(session, actor_for(approver), batch.id)
    session.commit()
    assert household_balance(session, household.id) == 1500_00 - 1034_00
    identity = money_identity(session)
    assert identity.holds and identity.in_transit == 1034_00
