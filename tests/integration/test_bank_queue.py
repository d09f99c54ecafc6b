"""The bank queue: suggestions, money that is no household's (bank charges, the municipality's own), undoing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.bank import queue as bank_queue
from budgetbeheer.bank import service as bank_service
from budgetbeheer.bank import simulate
from budgetbeheer.bank.model import BankCode, Entry, Statement
from budgetbeheer.bank.statement_writer import statement_bytes
from budgetbeheer.config import Settings
from budgetbeheer.errors import Conflict
from budgetbeheer.ledger.service import (
    BANK,
    BANK_COSTS,
    IN_TRANSIT,
    MUNICIPALITY,
    UNMATCHED,
    account_id,
    balance,
    household_account_id,
    household_balance,
    money_identity,
    municipality_account_id,
    transfer,
)
from budgetbeheer.payments import service
from budgetbeheer.tables.bank import BankLine
from budgetbeheer.tables.households import Receipt
from budgetbeheer.tables.payments import BankFile
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import HOUSEHOLD_IBAN, RUN_DATE, batch, payable_household, receipt

STRANGER = "NL02ABNA0123456789"


@pytest.fixture(autouse=True)
def after_the_run() -> Any:
    with time_machine.travel("2026-12-03 09:00 +01:00", tick=False):
        yield


@pytest.fixture
def imported(client: FlaskClient, session: Session, settings: Settings, make_user: Callable[..., User],
             api_token: Callable[..., dict[str, str]]) -> tuple[dict[str, str], int, dict[str, int]]:
    """An imported statement: the exported batch, money from the household's own IBAN, a top-up by the municipality."""
    finance = actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))
    household = payable_household(session)
    approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
    service.export(session, finance[1], approved.id, settings)
    session.commit()
    files = list(session.scalars(select(BankFile.content).where(BankFile.batch_id == approved.id)))
    credits = [simulate.Credit(4_200, date(2026, 12, 2), "A. Haddad", HOUSEHOLD_IBAN, "terug van vakantiegeld"),
               simulate.Credit(50_000, date(2026, 12, 2), "Gemeente Voorbeeld", STRANGER, "aanvulling")]
    made = simulate.statement(files, account_iban=settings.managed_account_iban,
                              opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 11, 29)),
                              credits=credits)
    auth = api_token("finn", "finance")
    created = client.post("/api/v1/bank-statements", data=statement_bytes(made),
                          headers=auth | {"Content-Type": "application/xml"})
    assert created.status_code == 201, created.get_json()
    lines = {line.counterparty_name or "": line.id
             for line in session.scalars(select(BankLine).where(BankLine.state == "unmatched"))}
    return auth, household.id, lines


def test_suggestions_name_the_household_by_its_iban_and_name(
    client: FlaskClient, imported: tuple[dict[str, str], int, dict[str, int]]
) -> None:
    auth, household_id, lines = imported
    found = client.get(f"/api/v1/bank-lines/{lines['A. Haddad']}/suggestions", headers=auth)
    assert found.status_code == 200
    first = found.get_json()["data"][0]
    assert first["household_id"] == household_id
    assert {"iban", "name"} <= set(first["why"])
    assert client.get(f"/api/v1/bank-lines/{lines['Gemeente Voorbeeld']}/suggestions",
                      headers=auth).get_json()["data"] == []


def test_money_that_is_no_households_goes_to_a_named_account_and_can_be_undone(
    client: FlaskClient, session: Session, imported: tuple[dict[str, str], int, dict[str, int]]
) -> None:
    auth, _, lines = imported
    line_id = lines["Gemeente Voorbeeld"]
    no_reason = client.post(f"/api/v1/bank-lines/{line_id}/assign", json={"account": MUNICIPALITY}, headers=auth)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    wrong = client.post(f"/api/v1/bank-lines/{line_id}/assign", json={"account": "bank", "reason": "x"}, headers=auth)
    assert wrong.status_code == 422 and "account" in wrong.get_json()["error"]["fields"]

    done = client.post(f"/api/v1/bank-lines/{line_id}/assign",
                       json={"account": MUNICIPALITY, "reason": "aanvulling tekort december"}, headers=auth)
    assert done.status_code == 200, done.get_json()
    data = done.get_json()["data"]
    assert data["state"] == "assigned" and data["matched_to"] == {"type": "account", "id": MUNICIPALITY}
    assert balance(session, municipality_account_id(session, MUNICIPALITY)) == 50_000
    identity = money_identity(session)
    assert identity.holds and identity.municipality == 50_000
    again = client.post(f"/api/v1/bank-lines/{line_id}/assign",
                        json={"account": MUNICIPALITY, "reason": "nog eens"}, headers=auth)
    assert again.status_code == 409
    assert balance(session, municipality_account_id(session, MUNICIPALITY)) == 50_000

    undone = client.post(f"/api/v1/bank-lines/{line_id}/unassign", json={"reason": "verkeerde rekening"},
                         headers=auth)
    assert undone.status_code == 200, undone.get_json()
    assert undone.get_json()["data"]["state"] == "unmatched"
    assert balance(session, municipality_account_id(session, MUNICIPALITY)) == 0
    assert money_identity(session).holds
    assert client.post(f"/api/v1/bank-lines/{line_id}/unassign", json={"reason": "x"},
                       headers=auth).status_code == 409
    redone = client.post(f"/api/v1/bank-lines/{line_id}/assign",
                         json={"account": BANK_COSTS, "reason": "toch bankkosten terug"}, headers=auth)
    assert redone.status_code == 200, redone.get_json()
    assert balance(session, municipality_account_id(session, BANK_COSTS)) == 50_000
    assert money_identity(session).holds
    actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "bank_line")))
    assert actions == ["bank_line.assigned", "bank_line.unassigned", "bank_line.assigned"]


def test_an_assignment_to_a_household_is_undone_while_the_household_still_holds_the_money(
    client: FlaskClient, session: Session, imported: tuple[dict[str, str], int, dict[str, int]]
) -> None:
    auth, household_id, lines = imported
    line_id = lines["A. Haddad"]
    before = household_balance(session, household_id)
    assert client.post(f"/api/v1/bank-lines/{line_id}/assign", json={"household_id": household_id},
                       headers=auth).status_code == 200
    assert household_balance(session, household_id) == before + 4_200
    no_reason = client.post(f"/api/v1/bank-lines/{line_id}/unassign", json={}, headers=auth)
    assert no_reason.status_code == 422

    undone = client.post(f"/api/v1/bank-lines/{line_id}/unassign", json={"reason": "verkeerd huishouden"},
                         headers=auth)
    assert undone.status_code == 200, undone.get_json()
    data = undone.get_json()["data"]
    assert data["state"] == "unmatched" and "verkeerd huishouden" in data["reason"]
    assert household_balance(session, household_id) == before
    assert balance(session, account_id(session, UNMATCHED)) == 4_200 + 50_000
    assert money_identity(session).holds
    assert session.scalar(select(func.count(Receipt.id)).where(Receipt.source == "bank")) == 1  # kept, reversed

    again = client.post(f"/api/v1/bank-lines/{line_id}/assign", json={"household_id": household_id}, headers=auth)
    assert again.status_code == 200, again.get_json()  # assigned anew: a new receipt
    assert household_balance(session, household_id) == before + 4_200
    # the household's money goes out (paid): the assignment can no longer be undone
    transfer(session, debit_account_id=household_account_id(session, household_id),
             credit_account_id=account_id(session, IN_TRANSIT), amount_cents=before + 1_000,
             business_date=date(2026, 12, 2), kind="test_payout", description="uitbetaald", booked_by="test",
             household_id=household_id)
    session.commit()
    refused = client.post(f"/api/v1/bank-lines/{line_id}/unassign", json={"reason": "toch fout"}, headers=auth)
    assert refused.status_code == 409
    assert "al uitbetaald" in refused.get_json()["error"]["message"]
    assert session.scalar(select(func.count(BankLine.id)).where(BankLine.state == "assigned")) == 1
    actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "bank_line")))
    assert actions == ["bank_line.assigned", "bank_line.unassigned", "bank_line.assigned"]
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "receipt.reversed")) == 1


def test_a_receipt_matching_booked_from_the_line_is_undone_and_a_confirmation_is_not(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    finance = actor_for(make_user("fatima", "finance"))
    household = payable_household(session)
    announced = receipt(session, household.id, "77.00", on=date(2026, 12, 2))
    session.commit()
    before = household_balance(session, household.id)
    credits = [simulate.Credit(12_300, date(2026, 12, 2), "UWV", STRANGER, f"klantnummer {household.id}"),
               simulate.Credit(7_700, date(2026, 12, 2), "SVB", STRANGER, "kinderbijslag")]
    made = simulate.statement([], account_iban=settings.managed_account_iban,
                              opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 12, 1)),
                              credits=credits)
    result = bank_service.import_statements(session, finance, statement_bytes(made), settings)
    booked = session.scalars(select(BankLine).where(BankLine.amount_cents == 12_300)).one()
    confirmed = session.scalars(select(BankLine).where(BankLine.amount_cents == 7_700)).one()
    assert booked.state == confirmed.state == "matched" and confirmed.matched_id == str(announced.id)

    bank_queue.unassign(session, finance, booked.id, "niet van dit huishouden")
    assert booked.state == "unmatched" and household_balance(session, household.id) == before
    assert balance(session, account_id(session, UNMATCHED)) == 12_300
    assert money_identity(session).holds
    assert bank_service.reconciliation_of(session, result.statements[0]).difference_cents == 0
    with pytest.raises(Conflict, match="aangekondigd"):
        bank_queue.unassign(session, finance, confirmed.id, "fout")


def test_bank_charges_go_to_their_account_and_the_books_still_agree(
    session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    """A debit no payment of ours explains (the bank's own charges) waits, then goes to ``bank_costs``."""
    finance = actor_for(make_user("fatima", "finance"))
    charge = Entry(amount_cents=-1_250, booking_date=date(2026, 12, 1), value_date=date(2026, 12, 1), reversal=False,
                   status="BOOK", code=BankCode("ACMT", "MDOP", "CHRG"), entry_reference=None,
                   account_servicer_reference="KOSTEN-2026-11", additional_info="Kosten betalingsverkeer november",
                   batch=None, transfers=())
    made = Statement(kind="camt.053.001.02", message_id="KOSTEN-1", statement_id="2026-12-01-1", sequence_number=1,
                     created_at=None, account_iban=settings.managed_account_iban, currency="EUR",
                     from_date=date(2026, 12, 1), to_date=date(2026, 12, 1), opening_balance_cents=0,
                     closing_balance_cents=-1_250, closing_date=date(2026, 12, 1), entries=(charge,))
    bank_service.import_statements(session, finance, statement_bytes(made), settings)
    line = session.scalar(select(BankLine).where(BankLine.state == "unmatched"))
    assert line is not None and line.amount_cents == -1_250
    bank_queue.assign_to_account(session, finance, line.id, BANK_COSTS, "bankkosten november")
    assert line.state == "assigned"
    assert balance(session, municipality_account_id(session, BANK_COSTS)) == -1_250  # the municipality bears it
    identity = money_identity(session)
    assert identity.holds and identity.bank == -1_250 and identity.municipality == -1_250 and identity.unmatched == 0
