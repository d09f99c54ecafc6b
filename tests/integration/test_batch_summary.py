"""A batch's kept sums (issue 16) equal the sums straight from its items after every change of an item's status:
approve, settle, return (which also changes the next month's comparison), cancel; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.payments import service, summary
from budgetbeheer.tables.payments import BatchSummary, PaymentBatch, PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, payable_household


@pytest.fixture
def finance(make_user: Callable[..., User]) -> tuple[Actor, Actor]:
    return actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))


def kept_equals_direct(session: Session, batch: PaymentBatch) -> summary.Sums:
    """The batch's sums as a page reads them twice (the second from the kept summary), against the direct sums."""
    first = summary.sums(session, batch)
    session.commit()
    kept = summary.sums(session, batch)
    assert kept.kept
    direct = summary.compute(session, batch)
    for found in (first, kept):
        assert (found.items, found.held, found.shortfalls) == (direct.items, direct.held, direct.shortfalls)
        assert found.by_kind == direct.by_kind
        assert found.payees == direct.payees
        assert (found.changes, found.changed_households) == (direct.changes, direct.changed_households)
    session.commit()
    return kept


def test_kept_sums_follow_approve_settle_return_and_cancel(
    session: Session, settings: Settings, finance: tuple[Actor, Actor]
) -> None:
    payable_household(session)
    payable_household(session, holder="B. Yilmaz", costs={"rent": "650.00", "energy": "95.00"})
    november, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    proposed = kept_equals_direct(session, november)
    assert proposed.items == november.item_count and sum(total for _k, _c, total in proposed.by_kind) \
        == november.total_cents

    service.approve(session, finance[1], november.id)
    session.commit()
    assert not summary.sums(session, november).kept  # a new version of the batch: computed again
    session.rollback()
    kept_equals_direct(session, november)

    service.export(session, finance[1], november.id, settings)
    service.settle(session, finance[1], november.id)
    session.commit()
    kept_equals_direct(session, november)

    december, _ = service.prepare_run(session, finance[0], date(2026, 12, 7), settings)
    session.commit()
    before = kept_equals_direct(session, december)
    energy = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == november.id,
                                                       PaymentItem.kind == "energy")).first()
    assert energy is not None
    service.return_item(session, finance[1], energy.id, "ms03")
    session.commit()
    assert not summary.sums(session, december).kept  # November changed: December's comparison with it too
    session.rollback()
    after = kept_equals_direct(session, december)
    changed = {row["household_id"]: row["previous"] for row in after.changes}
    was = {row["household_id"]: row["previous"] for row in before.changes}
    assert changed.get(energy.household_id, 0) == was.get(energy.household_id, 0) - energy.amount_cents
    kept_equals_direct(session, november)

    service.cancel(session, finance[1], december.id, "opnieuw")
    session.commit()
    cancelled = kept_equals_direct(session, december)
    assert cancelled.by_kind == [] and cancelled.payees == [] and cancelled.changes == []


def test_the_batch_page_keeps_its_sums_and_pages_its_lists(
    client: FlaskClient, session: Session, settings: Settings, login: Callable[..., User],
    finance: tuple[Actor, Actor], api_token: Callable[..., dict[str, str]],
) -> None:
    payable_household(session)
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)
    session.commit()
    login("lisa", "finance")
    page = client.get(f"/batches/{batch.id}")
    assert page.status_code == 200 and 'data-testid="totals-kind"' in page.get_data(as_text=True)
    session.commit()
    kept = session.scalar(select(BatchSummary).where(BatchSummary.batch_id == batch.id))
    assert kept is not None and kept.items == batch.item_count
    again = client.get(f"/batches/{batch.id}?held_page=2&shortfalls_page=3")
    assert again.status_code == 200
    assert session.scalar(select(func.count()).select_from(BatchSummary)) == 1
    api = client.get(f"/api/v1/batches/{batch.id}?page=2&per_page=2", headers=api_token("anna", "finance"))
    assert api.status_code == 200
    body = api.get_json()["data"]
    assert body["total_items"] == batch.item_count and len(body["items"]) == min(2, batch.item_count - 2)
    assert body["page"] == 2 and body["per_page"] == 2 and body["total_held"] == 0
