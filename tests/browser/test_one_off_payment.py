"""A one-off payment in the browser: the caseworker is told how much there is, asks, and a second user (finance)
approves it on the household page (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.users.models import User
from tests.factories import MONTHLY_LEEFGELD, creditor, enrol, receipt


def test_caseworker_asks_a_one_off_payment_and_finance_approves_it(
    page: Any, session: Session, make_user: Callable[..., User], browser_login: Callable[[str], None]
) -> None:
    household = enrol(session, start=clock.today() - timedelta(days=3), leefgeld=MONTHLY_LEEFGELD)
    receipt(session, household.id, "400.00", clock.today(), reference="bijstand")
    ggd = creditor(session, category="other", name="GGD Regio", iban="NL02ABNA0123456789")
    session.commit()
    make_user("karin", "caseworker")
    make_user("fatima", "finance")
    browser_login("karin")
    page.goto(f"/households/{household.id}")
    page.get_by_test_id("ask-one-off").click()
    assert "400,00" in page.get_by_test_id("spendable").inner_text()
    page.get_by_label("Bedrag (euro)").fill("450")
    page.get_by_label("Schuldeiser", exact=True).select_option(str(ggd.id))
    page.get_by_label("Reden").fill("GGD-rekening inentingen")
    page.get_by_role("button", name="Aanvragen").click()
    assert "400,00" in page.get_by_role("alert").first.inner_text()  # refused, saying how much there is
    page.get_by_label("Bedrag (euro)").fill("85,50")
    page.get_by_role("button", name="Aanvragen").click()
    assert "Een financieel medewerker keurt hem goed" in page.get_by_role("status").first.inner_text()
    row = page.get_by_test_id("one-offs")
    assert "wacht op goedkeuring" in row.inner_text() and row.get_by_role("button", name="Goedkeuren").count() == 0
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login")

    browser_login("fatima")
    page.goto(f"/households/{household.id}")
    page.get_by_test_id("one-offs").get_by_role("button", name="Goedkeuren").click()
    assert "de volgende betaalrun betaalt hem" in page.get_by_role("status").first.inner_text()
    assert "goedgekeurd; in de volgende betaalrun (fatima)" in page.get_by_test_id("one-offs").inner_text()
