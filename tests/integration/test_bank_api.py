"""The bank's API and commands, as interface.md writes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.bank import simulate
from budgetbeheer.bank.statement_writer import statement_bytes
from budgetbeheer.config import Settings
from budgetbeheer.ledger.service import BANK, account_id, balance, money_identity
from budgetbeheer.payments import service
from budgetbeheer.tables.bank import BankImport, BankLine
from budgetbeheer.tables.households import ExpectedIncome, Receipt
from budgetbeheer.tables.payments import BankFile
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, batch, payable_household


@pytest.fixture(autouse=True)
def after_the_run() -> Any:
    with time_machine.travel("2026-12-03 09:00 +01:00", tick=False):
        yield


@pytest.fixture
def statement(session: Session, settings: Settings, make_user: Callable[..., User]) -> tuple[bytes, int]:
    """A statement with the exported batch, one known household's income and one stranger's money."""
    finance = actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))
    household = payable_household(session)
    approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
    service.export(session, finance[1], approved.id, settings)
    session.commit()
    files = list(session.scalars(select(BankFile.content).where(BankFile.batch_id == approved.id)))
    credits = [simulate.Credit(9_900, date(2026, 12, 2), "Iemand", "NL02ABNA0123456789", "gift")]
    made = simulate.statement(files, account_iban=settings.managed_account_iban,
                              opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 11, 29)),
                              credits=credits)
    return statement_bytes(made), household.id


def test_import_list_show_and_assign(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]], statement: tuple[bytes, int]
) -> None:
    content, household_id = statement
    auth = api_token("finn", "finance")
    headers = auth | {"Content-Type": "application/xml"}
    created = client.post("/api/v1/bank-statements", data=content, headers=headers)
    assert created.status_code == 201, created.get_json()
    summary = created.get_json()["data"]
    assert summary["account_iban"] and summary["entries"] == 2
    assert (summary["matched"], summary["unmatched"], summary["difference"]) == (1, 1, "0.00")
    again = client.post("/api/v1/bank-statements", data=content, headers=headers)
    assert again.status_code == 200 and again.get_json()["data"]["id"] == summary["id"]

    listed = client.get("/api/v1/bank-statements", headers=headers).get_json()["data"]
    assert listed["total"] == 1 and listed["items"][0]["id"] == summary["id"]
    shown = client.get(f"/api/v1/bank-statements/{summary['id']}", headers=headers).get_json()["data"]
    assert [line["state"] for line in shown["lines"]] == ["matched", "unmatched"]
    assert shown["lines"][0]["matched_to"]["type"] == "batch"

    queue = client.get("/api/v1/bank-lines?state=unmatched", headers=headers).get_json()["data"]
    assert queue["total"] == 1
    line = queue["items"][0]
    assert (line["amount"], line["counterparty_name"], line["reason"] is not None) == ("99.00", "Iemand", True)
    assigned = client.post(f"/api/v1/bank-lines/{line['id']}/assign", json={"household_id": household_id},
                           headers=auth)
    assert assigned.status_code == 200, assigned.get_json()
    assert assigned.get_json()["data"]["state"] == "assigned"
    twice = client.post(f"/api/v1/bank-lines/{line['id']}/assign", json={"household_id": household_id},
                        headers=auth)
    assert twice.status_code == 409
    assert session.scalar(select(func.count(Receipt.id)).where(Receipt.source == "bank")) == 1
    assert money_identity(session).holds


def test_refusals_name_the_file_and_write_nothing(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]]
) -> None:
    headers = api_token("finn", "finance") | {"Content-Type": "application/xml"}
    for body in (b"not xml at all", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', b""):
        refused = client.post("/api/v1/bank-statements", data=body, headers=headers)
        assert refused.status_code == 422
        assert "file" in refused.get_json()["error"]["fields"]
    assert session.scalar(select(func.count(BankImport.id))) == 0
    nameless = client.post("/api/v1/bank-statements", data=b"not xml at all", headers=headers).get_json()["error"]
    assert nameless["fields"]["file"] == "Het bestand is geen XML."
    named = client.post("/api/v1/bank-statements", data=b"not xml at all",
                        headers=headers | {"X-Filename": "mei.xml"}).get_json()["error"]
    assert named["fields"]["file"] == "Het bestand mei.xml is geen XML."
    disposed = client.post("/api/v1/payment-status-reports", data=b"not xml at all",
                           headers=headers | {"Content-Disposition": 'attachment; filename="pain002.xml"'})
    assert disposed.get_json()["error"]["fields"]["file"] == "Het bestand pain002.xml is geen XML."
    english = client.post("/api/v1/bank-statements", data=b"not xml at all",
                          headers=headers | {"Accept-Language": "en"}).get_json()["error"]
    assert "(upload)" not in str(english)
    caseworker = api_token("kim", "caseworker") | {"Content-Type": "application/xml"}
    assert client.post("/api/v1/bank-statements", data=b"<x/>", headers=caseworker).status_code == 403


def test_the_command_imports_and_exits_2_when_refused(
    cli: Callable[..., Any], session: Session, statement: tuple[bytes, int], tmp_path: Path
) -> None:
    content, _ = statement
    path = tmp_path / "afschrift.xml"
    path.write_bytes(content)
    done = cli("statements", "import", str(path), "--json")
    assert done.exit_code == 0, done.output
    assert '"data"' in done.output and '"unmatched": 1' in done.output
    again = cli("statements", "import", str(path))
    assert again.exit_code == 0 and "al ingelezen" in again.output
    broken = tmp_path / "kapot.xml"
    broken.write_bytes(b"<Document><oops>")
    refused = cli("statements", "import", str(broken))
    assert refused.exit_code == 2
    assert "kapot.xml" in refused.output and "(upload)" not in refused.output
    assert session.scalar(select(func.count(BankImport.id))) == 1
    assert session.scalar(select(func.count(BankLine.id))) == 2


def test_the_bank_reconciliation_report_in_every_format(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]], statement: tuple[bytes, int]
) -> None:
    content, _ = statement
    finance = api_token("finn", "finance")
    assert client.post("/api/v1/bank-statements", data=content,
                       headers=finance | {"Content-Type": "application/xml"}).status_code == 201
    accountant = api_token("acc", "accountant")
    shown = client.get("/api/v1/reports/bank-reconciliation?date=2026-12-02", headers=accountant)
    assert shown.status_code == 200, shown.get_json()
    tables = shown.get_json()["data"]["tables"]
    (row,) = tables["statements"]
    assert row["difference"] == "0.00" and row["unexplained"] == "0.00" and row["unmatched_lines"] == 1
    assert [r["amount"] for r in tables["queue"]] == ["99.00"]
    for fmt in ("csv", "csv-nl", "xlsx"):
        exported = client.get(f"/api/v1/reports/bank-reconciliation?date=2026-12-02&format={fmt}", headers=accountant)
        assert exported.status_code == 200 and exported.data
    books = client.get("/api/v1/reports/accountability?from=2026-12-01&to=2026-12-31", headers=accountant)
    assert books.get_json()["data"]["tables"]["bank"][0]["difference"] == "0.00"


def test_an_income_recognised_by_its_matching_rule_is_booked_to_the_household(
    client: FlaskClient, session: Session, api_token: Callable[..., dict[str, str]], settings: Settings
) -> None:
    household = payable_household(session)
    other = payable_household(session, holder="C. Ander")
    session.commit()
    income = session.scalars(select(ExpectedIncome).where(ExpectedIncome.household_id == household.id)).one()
    caseworker = api_token("kim", "finance")  # recognition rules book money in: finance's (issue 14)
    bad = client.put(f"/api/v1/households/{household.id}/expected-income/{income.id}/match-rule",
                     json={"payer_iban": "NL00BANK0000000000"}, headers=caseworker)
    assert bad.status_code == 422 and "payer_iban" in bad.get_json()["error"]["fields"]
    done = client.put(f"/api/v1/households/{household.id}/expected-income/{income.id}/match-rule",
                      json={"payer_iban": "NL14 BNGH 0285 0012 34", "match_words": "Haddad", "amount_tolerance": "5.00"},
                      headers=caseworker)
    assert done.status_code == 200, done.get_json()
    credits = [simulate.Credit(income.amount_cents - 300, date(2026, 12, 2), "Gemeente", "NL14BNGH0285001234",
                               "Uitkering december A. Haddad"),
               simulate.Credit(income.amount_cents, date(2026, 12, 2), "Gemeente", "NL14BNGH0285001234",
                               "Uitkering december zonder naam")]
    made = simulate.statement([], account_iban=settings.managed_account_iban,
                              opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 12, 1)),
                              credits=credits)
    finance = api_token("finn", "finance") | {"Content-Type": "application/xml"}
    summary = client.post("/api/v1/bank-statements", data=statement_bytes(made), headers=finance).get_json()["data"]
    assert (summary["receipts_booked"], summary["unmatched"]) == (1, 1)
    booked = session.scalars(select(Receipt).where(Receipt.source == "bank")).one()
    assert (booked.household_id, booked.amount_cents) == (household.id, income.amount_cents - 300)
    assert other.id != household.id
