"""Finance uploads a bank statement (with the progress bar's script), sees it reconciled, goes to the queue and
assigns the household's money to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.bank import simulate
from budgetbeheer.bank.statement_writer import statement_bytes
from budgetbeheer.config import Settings
from budgetbeheer.ledger.service import BANK, account_id, balance
from budgetbeheer.payments import service
from budgetbeheer.tables.households import Household
from budgetbeheer.tables.payments import BankFile
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.factories import RUN_DATE, batch, payable_household


@pytest.fixture(autouse=True)
def after_the_run() -> Any:
    with time_machine.travel("2026-12-03 09:00 +01:00", tick=True):
        yield


def test_upload_a_statement_then_assign_a_line_from_the_queue(
    page: Any, session: Session, settings: Settings, make_user: Callable[..., User],
    browser_login: Callable[[str], None], tmp_path: Path,
) -> None:
    finance = actor_for(make_user("fatima", "finance")), actor_for(make_user("frank", "finance"))
    household = payable_household(session, holder="Haddad")
    approved = batch(session, settings, RUN_DATE, finance[0], finance[1])
    service.export(session, finance[1], approved.id, settings)
    session.commit()
    row = session.get(Household, household.id)
    assert row is not None
    files = list(session.scalars(select(BankFile.content).where(BankFile.batch_id == approved.id)))
    made = simulate.statement(
        files, account_iban=settings.managed_account_iban,
        opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 11, 29)),
        credits=[simulate.Credit(4_250, date(2026, 12, 2), "A Haddad", row.iban, "terug van de huur")],
    )
    path = tmp_path / "afschrift.xml"
    path.write_bytes(statement_bytes(made))
    session.commit()

    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.resource_type) if r.url.endswith("/bank/upload") else None)
    browser_login("fatima")
    page.get_by_role("link", name="Bank", exact=True).click()
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Bestand inlezen").click()
    lines = page.get_by_test_id("statement-lines")
    lines.wait_for()
    assert "/bank/statements/" in page.url
    assert uploads == ["xhr"]  # sent by the script, with its progress bar, not by a plain form post
    assert "ingelezen: 2 posten, 1 herkend, 1 in de wachtrij." in page.get_by_role("status").first.inner_text()
    assert "klopt" in page.get_by_test_id("agreement").inner_text()
    assert lines.get_by_role("link", name=f"betaalrun {approved.id}").count() == 1

    page.get_by_role("link", name="Naar de wachtrij").first.click()
    line = page.get_by_test_id("queue-line")
    line.first.wait_for()  # the queue page has loaded (count() does not wait)
    assert line.count() == 1
    assert "eigen rekening" in line.get_by_test_id("suggestion").first.inner_text()
    line.get_by_role("button", name=f"Toewijzen aan huishouden {household.id}").click()
    assert f"toegewezen aan huishouden {household.id}" in page.get_by_role("status").first.inner_text()
    assert "0 post(en) in de wachtrij" in page.get_by_test_id("queue-count").inner_text()

    # a mistake: undone from the statement's page, with a reason; the line waits in the queue again
    page.get_by_role("link", name="Terug naar de bankafschriften").click()
    page.get_by_test_id("statement-row").first.get_by_role("link").first.click()
    undo = page.get_by_test_id("unassign")
    undo.get_by_text("Toewijzing terugdraaien").click()
    undo.get_by_label("Reden").fill("verkeerd huishouden")
    undo.get_by_role("button", name="Terugdraaien").click()
    assert "de post staat weer in de wachtrij" in page.get_by_role("status").first.inner_text()
    page.get_by_role("link", name="Naar de wachtrij").first.click()
    assert "1 post(en) in de wachtrij" in page.get_by_test_id("queue-count").inner_text()
