from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.users.models import User
from tests.factories import MONTHLY_LEEFGELD, enrol


def test_caseworker_asks_supervisor_approves_new_end_date_shows(
    page: Any, session: Session, make_user: Callable[..., User], browser_login: Callable[[str], None]
) -> None:
    household = enrol(session, start=date(2026, 3, 1), leefgeld=MONTHLY_LEEFGELD)
    session.commit()
    make_user("karin", "caseworker")
    make_user("tara", "supervisor")
    browser_login("karin")
    page.goto(f"/households/{household.id}/period")
    assert page.get_by_test_id("period-end").inner_text() == "31-08-2026"
    page.get_by_test_id("ask-extension").click()
    page.get_by_label("Aantal maanden (1 tot en met 12)").fill("2")
    page.get_by_label("Soort reden").select_option("language_course")
    page.get_by_label("Toelichting (minstens 10 tekens)").fill("Het taalexamen is pas in oktober")
    page.get_by_role("button", name="Aanvragen").click()
    assert "wacht op een besluit" in page.get_by_test_id("extension-pending").inner_text()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login")

    browser_login("tara")
    page.get_by_role("link", name="Verlengingen").first.click()
    assert "Het taalexamen is pas in oktober" in page.content()
    page.get_by_label("Toelichting bij het besluit").fill("Akkoord, taal gaat voor")
    page.get_by_role("button", name="Goedkeuren…").click()
    # the confirmation step (issue 15): what the decision does, before it is taken
    assert "31-10-2026" in page.get_by_test_id("decision-effect").inner_text()
    page.get_by_role("button", name="Ja, goedkeuren").click()
    assert "Nieuwe einddatum: 31-10-2026" in page.get_by_role("status").first.inner_text()
    page.get_by_role("button", name="Uitloggen").click()  # a supervisor sees the request, not the file (issue 14)
    page.wait_for_url("**/login")
    browser_login("karin")
    page.goto(f"/households/{household.id}/period")
    assert page.get_by_test_id("period-end").inner_text() == "31-10-2026"
    assert "Verlengd met 2 maanden" in page.get_by_test_id("timeline-extension").inner_text()
