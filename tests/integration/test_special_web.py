"""One-off payments and advances through the pages: the forms, finance's list, the household page (issue 13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.ledger.service import money_identity
from budgetbeheer.tables.payments import Advance, OneOffPayment
from budgetbeheer.tables.states import OneOffStatus
from tests.factories import creditor, payable_household


@pytest.fixture(autouse=True)
def before_the_run_date() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=UTC), tick=False):
        yield


def test_caseworker_asks_finance_approves_on_the_pages(
    session: Session, client: FlaskClient, login: Callable[..., object]
) -> None:
    built = payable_household(session)
    school = creditor(session, category="other", name="GGD Regio", iban="NL02ABNA0123456789")
    session.commit()
    login("karin", "caseworker")
    form = client.get(f"/households/{built.id}/one-off-payments/new")
    assert form.status_code == 200 and "570,00" in form.get_data(as_text=True)
    refused = client.post(f"/households/{built.id}/one-off-payments/new", data={
        "amount": "571.00", "payee": "creditor", "creditor_id": str(school.id), "reason": "GGD-rekening"})
    assert refused.status_code == 422 and "570,00" in refused.get_data(as_text=True)
    assert session.scalar(select(OneOffPayment.id)) is None
    asked = client.post(f"/households/{built.id}/one-off-payments/new", data={
        "amount": "85.50", "payee": "creditor", "creditor_id": str(school.id), "reference": "factuur 2026-118",
        "reason": "GGD-rekening vaccinatie"})
    assert asked.status_code == 302
    page = client.get(f"/households/{built.id}").get_data(as_text=True)
    assert "GGD Regio" in page and "wacht op goedkeuring" in page

    login("fatima", "finance")
    waiting = client.get("/one-off-payments").get_data(as_text=True)
    assert "GGD-rekening vaccinatie" in waiting and "85.50" in waiting
    row = session.scalar(select(OneOffPayment))
    assert row is not None
    approved = client.post(f"/one-off-payments/{row.id}/approve", data={"next": "/one-off-payments"})
    assert approved.status_code == 302
    session.expire_all()
    assert session.get(OneOffPayment, row.id).status == OneOffStatus.APPROVED  # type: ignore[union-attr]
    assert "Niets te doen." in client.get("/one-off-payments").get_data(as_text=True)
    page = client.get(f"/households/{built.id}").get_data(as_text=True)
    assert "goedgekeurd; in de volgende betaalrun" in page and "Tegenhouden" in page
    stopped = client.post(f"/one-off-payments/{row.id}/reject", data={"note": "dubbel ingediend",
                                                                      "next": f"/households/{built.id}"})
    assert stopped.status_code == 302 and stopped.headers["Location"].endswith(f"/households/{built.id}")
    session.expire_all()
    assert session.get(OneOffPayment, row.id).status == OneOffStatus.REJECTED  # type: ignore[union-attr]


def test_finance_grants_an_advance_on_the_page(
    session: Session, client: FlaskClient, login: Callable[..., object]
) -> None:
    built = payable_household(session)
    session.commit()
    login("fatima", "finance")
    form = client.get(f"/households/{built.id}/advances/new")
    assert form.status_code == 200 and "1.500,00" in form.get_data(as_text=True)
    above = client.post(f"/households/{built.id}/advances/new", data={
        "amount": "2000.00", "reason": "huurtoeslag komt laat", "recovery_type": "next_income",
        "recovery_kind": "allowance"})
    assert above.status_code == 422
    granted = client.post(f"/households/{built.id}/advances/new", data={
        "amount": "300.00", "reason": "huurtoeslag komt laat", "recovery_type": "instalments", "recovery_count": "3"})
    assert granted.status_code == 302
    advance = session.scalar(select(Advance))
    assert advance is not None and (advance.open_cents, advance.instalments) == (300_00, 3)
    page = client.get(f"/households/{built.id}").get_data(as_text=True)
    assert 'data-testid="advances"' in page and "in 3 termijnen" in page
    session.expire_all()
    assert money_identity(session).holds
