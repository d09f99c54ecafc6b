"""The held IBAN and its four-eyes correction on the pages: the household page shows the hold and the pending change,
the caseworker proposes, another finance user confirms with the button; the creditors register the same for a
creditor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.payments import service
from budgetbeheer.payments.iban_changes import confirm_change
from budgetbeheer.tables.households import Creditor, Household
from budgetbeheer.tables.payments import IbanChange, PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, payable_household

NEW_IBAN = "NL39RABO0300065264"


def _returned(session: Session, settings: object, approver: User, kind: str, code: str) -> tuple[int, PaymentItem]:
    """A household whose ``kind`` payment of the first run came back with ``code``."""
    household = payable_household(session, costs={"rent": "650.00"})
    finance = [Actor.system("prep"), actor_for(approver)]
    batch, _ = service.prepare_run(session, finance[0], RUN_DATE, settings)  # type: ignore[arg-type]
    service.approve(session, finance[1], batch.id)
    service.export(session, finance[1], batch.id, settings)  # type: ignore[arg-type]
    service.settle(session, finance[1], batch.id)
    item = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch.id,
                                                     PaymentItem.kind == kind)).one()
    service.return_item(session, finance[1], item.id, code, on=date(2026, 12, 1))
    session.commit()
    return household.id, item


def test_household_page_shows_the_hold_and_a_second_finance_user_confirms_the_correction(
    client: FlaskClient, session: Session, settings: object, login: Callable[..., User],
    make_user: Callable[..., User],
) -> None:
    household_id, _ = _returned(session, settings, make_user("fin", "finance"), "leefgeld", "AC04")
    login("karin", "caseworker")
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert 'data-testid="iban-held"' in page and "AC04: rekening opgeheven" in page
    assert 'data-testid="propose-iban-change"' in page
    response = client.post(f"/iban-changes/households/{household_id}", data={
        "iban": "NL00RABO0300065264", "account_holder": "A. Haddad", "reason": "nieuwe rekening",
        "next": f"/households/{household_id}"})
    assert response.status_code == 302
    assert "IBAN: dit IBAN klopt niet" in client.get(f"/households/{household_id}").get_data(as_text=True)  # in words
    client.post(f"/iban-changes/households/{household_id}", data={
        "iban": NEW_IBAN, "account_holder": "A. Haddad", "reason": "nieuwe rekening bij de Rabobank"})
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert 'data-testid="iban-change-pending"' in page and NEW_IBAN in page
    assert 'data-testid="confirm-iban-change"' not in page  # a caseworker cannot confirm; and it is her own
    client.post("/logout")
    login("frank", "finance")
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert 'data-testid="confirm-iban-change"' in page
    [change_id] = session.scalars(select(IbanChange.id)).all()
    session.commit()
    response = client.post(f"/iban-changes/{change_id}/confirm", data={"next": f"/households/{household_id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/households/{household_id}")
    page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert 'data-testid="iban-held"' not in page and 'data-testid="iban-change-pending"' not in page
    session.expire_all()
    household = session.get(Household, household_id)
    assert household is not None and household.iban == NEW_IBAN


def test_creditors_register_shows_held_ibans_and_refuses_ones_own_confirmation(
    client: FlaskClient, session: Session, settings: object, login: Callable[..., User],
    make_user: Callable[..., User],
) -> None:
    household_id, rent = _returned(session, settings, make_user("fin", "finance"), "rent", "AC01")
    assert rent.creditor_id is not None
    login("fatima", "finance")
    page = client.get("/households/creditors").get_data(as_text=True)
    assert 'data-testid="iban-held"' in page and rent.iban in page
    household_page = client.get(f"/households/{household_id}").get_data(as_text=True)
    assert 'data-testid="creditor-iban-held"' in household_page
    client.post("/iban-changes/creditors", data={"creditor_id": str(rent.creditor_id), "iban": NEW_IBAN,
                                                 "reason": "nieuw rekeningnummer woningcorporatie"})
    page = client.get("/households/creditors").get_data(as_text=True)
    assert 'data-testid="iban-change-pending"' in page and 'data-testid="confirm-iban-change"' not in page
    [change_id] = session.scalars(select(IbanChange.id)).all()
    session.commit()
    client.post(f"/iban-changes/{change_id}/confirm")
    assert "zelf voorgesteld" in client.get("/households/creditors").get_data(as_text=True)
    session.expire_all()
    creditor = session.get(Creditor, rent.creditor_id)
    assert creditor is not None and creditor.iban == rent.iban
    confirm_change(session, actor_for(make_user("frank", "finance")), change_id)
    session.commit()
    page = client.get("/households/creditors").get_data(as_text=True)
    assert 'data-testid="iban-held"' not in page and NEW_IBAN in page
