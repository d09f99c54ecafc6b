"""The bank pages' actions beyond the queue: undoing an assignment, a return recorded by hand (checked, then
confirmed), and the matching rules per expected income."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.audit.models import AuditEntry
from budgetbeheer.audit.service import Actor
from budgetbeheer.bank import service as bank
from budgetbeheer.bank import simulate
from budgetbeheer.bank.statement_writer import statement_bytes
from budgetbeheer.config import Settings
from budgetbeheer.ledger.service import BANK, account_id, balance, household_balance, money_identity
from budgetbeheer.payments import service
from budgetbeheer.tables.bank import BankLine, BankStatement, LineState
from budgetbeheer.tables.households import ExpectedIncome
from budgetbeheer.tables.payments import BankFile, PaymentBatch, PaymentItem
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, batch, payable_household


@pytest.fixture(autouse=True)
def after_the_run() -> Any:
    with time_machine.travel("2026-12-03 09:00 +01:00", tick=False):
        yield


@pytest.fixture
def exported(session: Session, settings: Settings, make_user: Callable[..., User]) -> tuple[int, int, list[bytes]]:
    finance = actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))
    household = payable_household(session, holder="Haddad")
    approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
    service.export(session, finance[1], approved.id, settings)
    session.commit()
    files = list(session.scalars(select(BankFile.content).where(BankFile.batch_id == approved.id)))
    return household.id, approved.id, files


def test_an_assignment_is_undone_from_the_statement_page(
    client: FlaskClient, session: Session, settings: Settings, login: Callable[..., User],
    exported: tuple[int, int, list[bytes]]
) -> None:
    household_id, _, files = exported
    made = simulate.statement(files, account_iban=settings.managed_account_iban,
                              opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 11, 29)),
                              credits=[simulate.Credit(4_250, date(2026, 12, 2), "Iemand", "NL02ABNA0123456789", "x")])
    result = bank.import_statements(session, Actor.system("test"), statement_bytes(made), settings, "a.xml")
    session.commit()
    statement_id = result.statements[0].id
    line_id = session.scalars(select(BankLine.id).where(BankLine.amount_cents == 4_250)).one()
    login("finn", "finance")
    page = client.get(f"/bank/statements/{statement_id}").get_data(as_text=True)
    assert 'data-testid="unassign-form"' not in page  # nothing assigned yet
    before = household_balance(session, household_id)
    client.post(f"/bank/lines/{line_id}/assign", data={"household_id": str(household_id), "kind": "other"})
    page = client.get(f"/bank/statements/{statement_id}").get_data(as_text=True)
    assert page.count('data-testid="unassign-form"') == 1

    without = client.post(f"/bank/lines/{line_id}/unassign", data={"reason": " "})
    assert without.status_code == 302 and without.headers["Location"] == f"/bank/statements/{statement_id}"
    assert "Geef een reden voor het terugdraaien." in client.get(without.headers["Location"]).get_data(as_text=True)
    done = client.post(f"/bank/lines/{line_id}/unassign", data={"reason": "verkeerd huishouden"})
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "teruggedraaid; de post staat weer in de wachtrij" in shown
    session.expire_all()
    assert session.get(BankLine, line_id).state == LineState.UNMATCHED  # type: ignore[union-attr]
    assert household_balance(session, household_id) == before
    assert money_identity(session).holds
    client.post("/logout")
    login("anna", "accountant")
    assert client.post(f"/bank/lines/{line_id}/unassign", data={"reason": "x"}).status_code == 403


def test_a_return_is_recorded_by_hand_after_a_confirmation(
    client: FlaskClient, session: Session, login: Callable[..., User], exported: tuple[int, int, list[bytes]]
) -> None:
    household_id, batch_id, _ = exported
    rent = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch_id,
                                                     PaymentItem.kind == "rent")).one()
    login("finn", "finance")
    assert 'data-testid="to-returns"' in client.get("/bank/").get_data(as_text=True)
    form = client.get("/bank/returns")
    assert form.status_code == 200 and "AC04 – rekening opgeheven" in form.get_data(as_text=True)
    unknown = client.post("/bank/returns", data={"payment": "BESTAAT-NIET", "reason_code": "AC04",
                                                 "date": "2026-12-02"})
    assert unknown.status_code == 422 and "Geen betaling met kenmerk" in unknown.get_data(as_text=True)
    future = client.post("/bank/returns", data={"payment": rent.end_to_end_id, "reason_code": "AC04",
                                                "date": "2026-12-31"})
    assert future.status_code == 422 and "De datum ligt in de toekomst." in future.get_data(as_text=True)

    check = client.post("/bank/returns", data={"payment": rent.end_to_end_id, "reason_code": "AC04",
                                               "date": "2026-12-02"})
    page = check.get_data(as_text=True)
    assert check.status_code == 200 and 'data-testid="return-confirm"' in page
    assert "het IBAN wordt geblokkeerd" in page and "als verzonden gemarkeerd" in page
    session.expire_all()
    assert session.get(PaymentItem, rent.id).status == "approved"  # type: ignore[union-attr]  # not yet

    before = household_balance(session, household_id)
    done = client.post("/bank/returns", data={"payment": str(rent.id), "reason_code": "AC04", "date": "2026-12-02",
                                              "confirm": "1"})
    assert done.status_code == 302 and done.headers["Location"] == "/bank/returns"
    assert "is als teruggekomen geboekt" in client.get("/bank/returns").get_data(as_text=True)
    session.expire_all()
    item = session.get(PaymentItem, rent.id)
    assert item is not None and (item.status, item.return_reason_code) == ("returned", "AC04")
    assert session.get(PaymentBatch, batch_id).status == "sent"  # type: ignore[union-attr]
    assert household_balance(session, household_id) == before + rent.amount_cents
    assert money_identity(session).holds
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "payment_item.returned")) == 1
    twice = client.post("/bank/returns", data={"payment": str(rent.id), "reason_code": "AC04", "date": "2026-12-02",
                                               "confirm": "1"})
    assert twice.status_code == 422 and "al teruggekomen" in twice.get_data(as_text=True)
    client.post("/logout")
    login("kim", "caseworker")
    assert client.get("/bank/returns").status_code == 403


def test_a_finance_user_sets_the_matching_rule_of_an_expected_income(
    client: FlaskClient, session: Session, login: Callable[..., User]
) -> None:
    household = payable_household(session)
    session.commit()
    income = session.scalars(select(ExpectedIncome).where(ExpectedIncome.household_id == household.id)).one()
    login("kim", "finance")  # the rule books money in: finance's (receipts.write), no longer a caseworker's (issue 14)
    shown = client.get(f"/households/{household.id}").get_data(as_text=True)
    assert f'href="/bank/match-rules?household_id={household.id}"' in shown  # under the household's incomes
    assert client.get("/bank/match-rules?household_id=abc").status_code == 422
    assert "bestaat niet" in client.get("/bank/match-rules?household_id=99999").get_data(as_text=True)
    page = client.get(f"/bank/match-rules?household_id={household.id}").get_data(as_text=True)
    assert page.count('data-testid="rule-form"') == 1

    url = f"/bank/match-rules/{household.id}/{income.id}"
    bad = client.post(url, data={"payer_iban": "NL00BANK0000000000", "match_words": "uwv",
                                 "amount_tolerance": "5,00"})
    assert bad.status_code == 422 and 'data-testid="rule-error"' in bad.get_data(as_text=True)
    assert 'value="uwv"' in bad.get_data(as_text=True)  # what was typed stays
    done = client.post(url, data={"payer_iban": "NL14 BNGH 0285 0012 34", "match_words": "Uitkering  Haddad",
                                  "amount_tolerance": "5.00"})
    assert done.status_code == 302
    assert "opgeslagen" in client.get(done.headers["Location"]).get_data(as_text=True)
    session.expire_all()
    saved = session.get(ExpectedIncome, income.id)
    assert saved is not None
    assert (saved.payer_iban, saved.match_words, saved.amount_tolerance_cents) == ("NL14BNGH0285001234",
                                                                                   "uitkering haddad", 500)
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "expected_income.match_rule_set")).one()
    assert audit.before_json and audit.after_json and "NL14BNGH0285001234" in audit.after_json
    client.post("/logout")
    login("anna", "accountant")
    assert client.get(f"/bank/match-rules?household_id={household.id}").status_code == 403
    assert 'data-testid="match-rules-link"' not in client.get(f"/households/{household.id}").get_data(as_text=True)


def test_a_return_booked_by_hand_and_then_on_the_statement_is_recognised_by_the_import_not_booked_twice(
    client: FlaskClient, session: Session, settings: Settings, login: Callable[..., User],
    exported: tuple[int, int, list[bytes]]
) -> None:
    _, batch_id, files = exported
    rent = session.scalars(select(PaymentItem).where(PaymentItem.batch_id == batch_id,
                                                     PaymentItem.kind == "rent")).one()
    made = simulate.statement(files, account_iban=settings.managed_account_iban,
                              opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 11, 29)))
    first = bank.import_statements(session, Actor.system("test"), statement_bytes(made), settings, "1.xml")
    session.commit()
    login("finn", "finance")
    client.post("/bank/returns", data={"payment": rent.end_to_end_id, "reason_code": "MS03", "date": "2026-12-02",
                                       "confirm": "1"})
    (back,) = simulate.return_entries(simulate.read_pain001(files[0]), {rent.end_to_end_id: "MS03"}, days_later=2)
    later = simulate.statement([], account_iban=settings.managed_account_iban,
                               opening_balance_cents=first.statements[0].closing_balance_cents or 0,
                               statement_id="SIM-2", sequence_number=2)
    later = replace(later, entries=(back,), from_date=back.booking_date, to_date=back.booking_date,
                    closing_date=back.booking_date,
                    closing_balance_cents=(first.statements[0].closing_balance_cents or 0) + back.amount_cents)
    second = bank.import_statements(session, Actor.system("test"), statement_bytes(later), settings, "2.xml")
    session.commit()
    line = session.scalars(select(BankLine).where(BankLine.statement_id == second.statements[0].id)).one()
    assert (line.state, line.matched_type, line.matched_id) == (LineState.MATCHED, "return", str(rent.id))
    assert line.ledger_transaction_id is None  # nothing booked: the return by hand has the money in the books
    assert second.outcomes[second.statements[0].id].unmatched == 0
    assert money_identity(session).holds
    statement = session.get(BankStatement, second.statements[0].id)
    assert statement is not None and bank.reconciliation_of(session, statement).difference_cents == 0
