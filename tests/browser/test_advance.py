"""An advance in the browser: finance grants it (refused above the limit), the household page shows it open, and the
late allowance pays it back (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.users.models import User
from tests.factories import MONTHLY_LEEFGELD, enrol, receipt


def test_finance_grants_an_advance_and_the_allowance_recovers_it(
    page: Any, session: Session, make_user: Callable[..., User], browser_login: Callable[[str], None]
) -> None:
    household = enrol(session, start=clock.today() - timedelta(days=3), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    make_user("fatima", "finance")
    browser_login("fatima")
    page.goto(f"/households/{household.id}")
    page.get_by_test_id("grant-advance").click()
    page.get_by_label("Bedrag (euro)").fill("1600")
    page.get_by_label("Reden").fill("Huurtoeslag komt pas over acht weken")
    page.get_by_role("button", name="Verstrekken").click()
    assert "1.500,00" in page.get_by_role("alert").first.inner_text()
    page.get_by_label("Bedrag (euro)").fill("350")
    page.get_by_label("Soort inkomsten").select_option("allowance")
    page.get_by_role("button", name="Verstrekken").click()
    assert "Voorschot verstrekt en geboekt." in page.get_by_role("status").first.inner_text()
    assert page.get_by_test_id("advance-open").first.inner_text() == "350.00"

    receipt(session, household.id, "420.00", clock.today(), kind="allowance", reference="huurtoeslag")
    session.commit()
    page.reload()
    assert page.get_by_test_id("advance-open").first.inner_text() == "0.00"
