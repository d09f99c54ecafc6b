"""Issue 15, "Errors that help": a bad form comes back from the server with the error summary focused (the browser's
own tooltips are off), and a link in the summary moves the focus to the field it names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.users.models import User
from tests.factories import MONTHLY_LEEFGELD, enrol


def focused(page: Any) -> dict[str, str]:
    return page.evaluate("() => ({id: document.activeElement.id || '', href: document.activeElement.getAttribute('href')"
                         " || '', text: (document.activeElement.innerText || '').trim()})")


def test_finding2_focus_lands_on_the_summary_and_its_link_moves_to_the_field(
    page: Any, session: Session, make_user: Callable[..., User], browser_login: Callable[[str], None]
) -> None:
    caseworker = make_user("karin", "caseworker")
    today = date.today()
    household = enrol(session, start=date(today.year - (today.month < 3), (today.month - 3) % 12 + 1, 1),
                      leefgeld=MONTHLY_LEEFGELD, caseworker_id=caseworker.id)
    session.commit()
    browser_login("karin")
    page.goto(f"/households/{household.id}/income/new")
    page.get_by_label("Dag van de maand waarop het binnenkomt").fill("40")
    with page.expect_navigation():  # no tooltip stops it: the server answers
        page.get_by_role("button", name="Inkomen opslaan").click()
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    assert "Bedrag: vul een bedrag in." in summary.inner_text()
    page.keyboard.press("Tab")  # the summary's first link is the next stop
    link = focused(page)
    assert link["href"] == "#f-amount" and link["text"].startswith("Bedrag: ")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'f-amount'")
    field = page.locator("#f-amount")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator("#f-day").input_value() == "40"  # what was typed stays
    page.locator("#error-summary a[href='#f-day']").click()
    assert focused(page)["id"] == "f-day"
