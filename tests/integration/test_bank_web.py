"""The bank pages for finance: the statements with their reconciliation, the upload (and its refusals), one
statement's lines, the queue with search, filters, suggestions and assignment."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.bank import service as bank
from budgetbeheer.bank import simulate, suggest
from budgetbeheer.bank.model import PaymentInformationStatus, StatusReport, TransferStatus
from budgetbeheer.bank.statement_writer import statement_bytes, status_report_bytes
from budgetbeheer.config import Settings
from budgetbeheer.ledger.service import BANK, account_id, balance, money_identity
from budgetbeheer.payments import service
from budgetbeheer.tables.bank import BankImport, BankLine, LineState
from budgetbeheer.tables.households import Household, Receipt
from budgetbeheer.tables.payments import BankFile
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, batch, income, payable_household


@pytest.fixture(autouse=True)
def after_the_run() -> Any:
    with time_machine.travel("2026-12-03 09:00 +01:00", tick=False):
        yield


@dataclass
class Made:
    content: bytes
    household_id: int
    household_iban: str
    batch_id: int


@pytest.fixture
def made(session: Session, settings: Settings, make_user: Callable[..., User]) -> Made:
    """A statement with the exported batch, a stranger's gift and money from the Haddad household's own account."""
    finance = actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))
    household = payable_household(session, holder="Haddad")
    approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
    service.export(session, finance[1], approved.id, settings)
    session.commit()
    row = session.get(Household, household.id)
    assert row is not None
    files = list(session.scalars(select(BankFile.content).where(BankFile.batch_id == approved.id)))
    credits = [simulate.Credit(9_900, date(2026, 12, 2), "Iemand", "NL02ABNA0123456789", "gift"),
               simulate.Credit(4_250, date(2026, 12, 2), "A Haddad", row.iban, "terug van de huur")]
    statement = simulate.statement(files, account_iban=settings.managed_account_iban,
                                   opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 11, 29)),
                                   credits=credits)
    return Made(statement_bytes(statement), household.id, row.iban, approved.id)


def _upload(client: FlaskClient, content: bytes, name: str = "afschrift.xml", kind: str = "statement") -> Any:
    return client.post("/bank/upload", data={"kind": kind, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def _import(session: Session, settings: Settings, content: bytes) -> int:
    from budgetbeheer.audit.service import Actor

    result = bank.import_statements(session, Actor.system("test"), content, settings, "afschrift.xml")
    session.commit()
    return result.statements[0].id


def test_finance_sees_the_pages_a_caseworker_does_not(
    client: FlaskClient, login: Callable[..., User]
) -> None:
    login("finn", "finance")
    page = client.get("/bank/").get_data(as_text=True)
    assert 'data-testid="upload-form"' in page and "Nog geen afschriften ingelezen." in page
    assert 'href="/bank/"' in page  # the Bank menu item
    assert 'enctype="multipart/form-data"' in page and "bank-upload.js" in page
    assert client.get("/bank/queue").status_code == 200
    assert "Bankafschriften" in client.get("/").get_data(as_text=True)  # a first task on the start page
    client.post("/logout")
    login("kim", "caseworker")
    assert client.get("/bank/").status_code == 403
    assert client.get("/bank/queue").status_code == 403
    assert _upload(client, b"<x/>").status_code == 403
    assert client.post("/bank/lines/1/assign", data={"household_id": "1"}).status_code == 403


def test_an_accountant_reads_but_cannot_upload_or_assign(
    client: FlaskClient, session: Session, settings: Settings, login: Callable[..., User], made: Made
) -> None:
    statement_id = _import(session, settings, made.content)
    login("anna", "accountant")
    page = client.get("/bank/").get_data(as_text=True)
    assert 'data-testid="upload-form"' not in page and 'data-testid="statement-row"' in page
    assert client.get(f"/bank/statements/{statement_id}").status_code == 200
    queue = client.get("/bank/queue").get_data(as_text=True)
    assert 'data-testid="queue-line"' in queue and 'data-testid="assign-form"' not in queue


def test_upload_creates_the_statement_and_shows_its_lines_and_reconciliation(
    client: FlaskClient, session: Session, login: Callable[..., User], made: Made
) -> None:
    login("finn", "finance")
    response = _upload(client, made.content)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "/bank/statements/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ingelezen: 3 posten, 1 herkend, 2 in de wachtrij." in page
    assert "Het eindsaldo klopt met de boeken." in page
    assert page.count('data-testid="line"') == 3
    assert f'href="/batches/{made.batch_id}"' in page  # the debit's batch
    assert 'data-testid="agreement">✓ klopt' in page
    assert "Geen huishouden herkend" in page  # why a line waits
    assert "/bank/statements/" in page and 'data-state="unmatched"' in page
    only_queue = client.get(response.headers["Location"] + "?state=unmatched").get_data(as_text=True)
    assert only_queue.count('data-testid="line"') == 2

    listed = client.get("/bank/").get_data(as_text=True)
    assert listed.count('data-testid="statement-row"') == 1 and "✓ klopt" in listed

    again = _upload(client, made.content)
    assert again.status_code == 302
    assert "al ingelezen; er is niets veranderd" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert session.scalar(select(func.count(BankImport.id))) == 1
    assert money_identity(session).holds


@pytest.mark.parametrize(("content", "reason"), [
    (b"not xml at all", "geen XML"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "DOCTYPE"),
])
def test_a_refused_file_shows_the_reason_and_writes_nothing(
    client: FlaskClient, session: Session, login: Callable[..., User], content: bytes, reason: str
) -> None:
    login("finn", "finance")
    response = _upload(client, content, "kapot.xml")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-testid="upload-error"' in page and reason in page and "kapot.xml" in page
    assert "(upload)" not in page
    assert 'id="error-summary"' in page
    assert session.scalar(select(func.count(BankImport.id))) == 0
    assert session.scalar(select(func.count(BankLine.id))) == 0


def test_another_account_and_a_missing_file_are_refused(
    client: FlaskClient, session: Session, settings: Settings, login: Callable[..., User]
) -> None:
    login("finn", "finance")
    other = simulate.statement([], account_iban="NL91ABNA0417164300", opening_balance_cents=0,
                               credits=[simulate.Credit(100, date(2026, 12, 2), "X", "NL02ABNA0123456789")])
    refused = _upload(client, statement_bytes(other))
    assert refused.status_code == 422
    assert "NL91ABNA0417164300" in refused.get_data(as_text=True)
    empty = client.post("/bank/upload", data={"kind": "statement"}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Kies een bestand om in te lezen." in empty.get_data(as_text=True)
    assert session.scalar(select(func.count(BankImport.id))) == 0


def test_a_status_report_is_read_by_the_same_form(
    client: FlaskClient, session: Session, login: Callable[..., User], made: Made
) -> None:
    login("finn", "finance")
    refused = _upload(client, b"<x/>", "status.xml", kind="status_report")
    assert refused.status_code == 422 and 'data-testid="upload-error"' in refused.get_data(as_text=True)
    assert session.scalar(select(func.count(BankImport.id))) == 0
    content = session.scalars(select(BankFile.content).where(BankFile.batch_id == made.batch_id)).first()
    assert content is not None
    block = next(simulate.read_pain001(content))
    first = block.transfers[0]
    report = StatusReport(
        kind="pain.002.001.03", message_id="STS-1", created_at=None, original_message_id=block.message_id,
        group_status="PART", group_reason=None,
        payment_informations=(PaymentInformationStatus(block.payment_information_id, None, None, (
            TransferStatus(first.end_to_end_id, None, "RJCT", "AC04"),)),),
    )
    response = _upload(client, status_report_bytes(report), "status.xml", kind="status_report")
    assert response.status_code == 302 and response.headers["Location"] == "/bank/"
    page = client.get("/bank/").get_data(as_text=True)
    assert "Statusrapport STS-1 ingelezen" in page and "1 betalingen geweigerd en teruggeboekt" in page
    again = _upload(client, status_report_bytes(report), "status.xml", kind="status_report")
    assert "al ingelezen" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert session.scalar(select(func.count(BankImport.id))) == 1


def test_the_queue_searches_filters_suggests_and_assigns(
    client: FlaskClient, session: Session, settings: Settings, login: Callable[..., User], made: Made
) -> None:
    _import(session, settings, made.content)
    login("finn", "finance")
    page = client.get("/bank/queue").get_data(as_text=True)
    assert page.count('data-testid="queue-line"') == 2 and "2 post(en) in de wachtrij" in page

    def count(query: str) -> int:
        return client.get("/bank/queue?" + query).get_data(as_text=True).count('data-testid="queue-line"')

    assert count("q=Iemand") == 1
    assert count("q=gift") == 1
    assert count("q=99,00") == 1 and count("q=42.50") == 1 and count("q=12,34") == 0
    assert count("q=" + made.household_iban[:4] + "+" + made.household_iban[4:].lower()) == 1  # spaced, lower case
    assert count("direction=credit") == 2 and count("direction=debit") == 0
    assert count("from=2026-12-03") == 0 and count("from=2026-12-01&to=2026-12-02") == 2
    assert client.get("/bank/queue?from=gisteren").status_code == 422

    haddad = client.get("/bank/queue?q=Haddad").get_data(as_text=True)
    assert f'data-household-id="{made.household_id}"' in haddad
    assert "betaald vanaf de eigen rekening van het huishouden" in haddad and "de naam Haddad" in haddad
    line_id = session.scalars(select(BankLine.id).where(BankLine.amount_cents == 4_250)).one()
    response = client.post(f"/bank/lines/{line_id}/assign", data={
        "suggested": str(made.household_id), "kind": "other", "back": "/bank/queue?q=Haddad"})
    assert response.status_code == 302 and response.headers["Location"] == "/bank/queue?q=Haddad"
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"toegewezen aan huishouden {made.household_id}" in after
    assert count("") == 1
    session.expire_all()
    line = session.get(BankLine, line_id)
    assert line is not None and line.state == LineState.ASSIGNED
    receipt = session.scalars(select(Receipt).where(Receipt.source == "bank")).one()
    assert (receipt.household_id, receipt.amount_cents, receipt.kind) == (made.household_id, 4_250, "other")

    twice = client.post(f"/bank/lines/{line_id}/assign", data={"household_id": str(made.household_id),
                                                              "back": "https://evil.example/"})
    assert twice.status_code == 302 and twice.headers["Location"] == "/bank/queue"
    assert "is niet toegewezen" in client.get("/bank/queue").get_data(as_text=True)
    stranger = session.scalars(select(BankLine.id).where(BankLine.amount_cents == 9_900)).one()
    wrong = client.post(f"/bank/lines/{stranger}/assign", data={"household_id": "99999"})
    assert wrong.status_code == 302
    session.expire_all()
    assert session.get(BankLine, stranger).state == LineState.UNMATCHED  # type: ignore[union-attr]
    assert session.scalar(select(func.count(Receipt.id)).where(Receipt.source == "bank")) == 1
    assert money_identity(session).holds


def test_money_that_is_no_households_goes_to_a_named_account_with_a_reason(
    client: FlaskClient, session: Session, settings: Settings, login: Callable[..., User], made: Made
) -> None:
    statement_id = _import(session, settings, made.content)
    login("finn", "finance")
    assert 'data-testid="account-form"' in client.get("/bank/queue").get_data(as_text=True)
    stranger = session.scalars(select(BankLine.id).where(BankLine.amount_cents == 9_900)).one()
    without = client.post(f"/bank/lines/{stranger}/assign", data={"account": "municipality", "reason": " "})
    assert without.status_code == 302
    assert "Geef een reden" in client.get("/bank/queue").get_data(as_text=True)
    done = client.post(f"/bank/lines/{stranger}/assign", data={"account": "municipality",
                                                               "reason": "storting door de gemeente"})
    assert done.status_code == 302
    assert "geboekt op Gemeente: eigen geld op de beheerrekening" in client.get("/bank/queue").get_data(as_text=True)
    session.expire_all()
    line = session.get(BankLine, stranger)
    assert line is not None and (line.state, line.matched_id) == (LineState.ASSIGNED, "municipality")
    page = client.get(f"/bank/statements/{statement_id}").get_data(as_text=True)
    assert "Gemeente: eigen geld op de beheerrekening" in page and "storting door de gemeente" in page
    assert money_identity(session).holds


def test_suggestions_by_client_number_iban_name_and_expected_income(session: Session) -> None:
    first = payable_household(session, holder="Jansen")
    second = payable_household(session, holder="de Vries")
    income(session, second.id, amount="812.34")
    session.commit()
    row = session.get(Household, first.id)
    assert row is not None
    lines = [
        BankLine(id=1, amount_cents=5_000, booking_date=date(2026, 12, 2), remittance=f"klantnummer {second.id}",
                 counterparty_name="Gemeente", counterparty_iban="NL02ABNA0123456789"),
        BankLine(id=2, amount_cents=5_000, booking_date=date(2026, 12, 2), remittance="voor mevrouw de Vries",
                 counterparty_name="J JANSEN", counterparty_iban=row.iban.lower()),
        BankLine(id=3, amount_cents=81_234, booking_date=date(2026, 12, 2), remittance="uitkering",
                 counterparty_name="SVB", counterparty_iban="NL02ABNA0123456789"),
        BankLine(id=4, amount_cents=-5_000, booking_date=date(2026, 12, 2), remittance="klantnummer 1"),
    ]
    found = suggest.suggestions(session, lines)
    assert [s.household_id for s in found[1]] == [second.id]
    assert "klantnummer" in found[1][0].reasons[0].msgid
    by_iban_and_name, by_name = found[2][0], found[2][1]
    assert by_iban_and_name.household_id == first.id and len(by_iban_and_name.reasons) == 2
    assert by_name.household_id == second.id and by_name.name.endswith("de Vries")
    assert [s.household_id for s in found[3]] == [second.id]
    assert 4 not in found  # a debit is nobody's money
    assert suggest.amount_cents("€ 1.234,56") == 123_456 and suggest.amount_cents("99") == 9_900
    assert suggest.amount_cents("99.5") == 9_950 and suggest.amount_cents("Haddad") is None


def test_the_pages_speak_english(
    client: FlaskClient, session: Session, settings: Settings, login: Callable[..., User], made: Made
) -> None:
    statement_id = _import(session, settings, made.content)
    login("erin", "finance", language="en")
    assert "Import a file from the bank" in client.get("/bank/").get_data(as_text=True)
    page = client.get(f"/bank/statements/{statement_id}").get_data(as_text=True)
    assert "Reconciliation with the books" in page and "agrees" in page
    assert "Likely households" in client.get("/bank/queue").get_data(as_text=True)
