"""Issue 17: a form that creates, submitted twice in the browser (two submits before the first answer is in), has one
effect: its one-time submission token makes the second one show the first's result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from budgetbeheer.tables.households import Creditor, FixedCost, Household, Receipt
from budgetbeheer.users.models import User

SUBMIT_TWICE = """form => Promise.all([1, 2].map(() => fetch(form.action || location.href,
    {method: "POST", body: new FormData(form), credentials: "same-origin"}))).then(rs => rs.map(r => r.url))"""
"""The form sent twice at once by the page itself, as a double click does when the browser sends both (a plain
``requestSubmit()`` twice lets Chromium drop the first navigation before it is sent)."""


def count(session: Session, model: type) -> int:
    session.rollback()
    result = int(session.scalar(select(func.count()).select_from(model)) or 0)
    session.rollback()
    return result


def fill(page: Any, field: str, value: str) -> None:
    page.locator(f'[id="f-{field}"]').fill(value)


def submit_twice(page: Any, button: str, url: str) -> None:
    """Two submits of the form, both at the server before either answer is in; then the page shows where they went."""
    form = page.get_by_role("button", name=button).locator("xpath=ancestor::form")
    landed = form.evaluate(SUBMIT_TWICE)
    assert landed[0] == landed[1]  # the second submit shows the first one's result
    page.goto(landed[1])
    page.wait_for_url(url)


def test_double_submits_of_the_household_fixed_cost_creditor_and_receipt_forms_have_one_effect(
    page: Any, make_user: Callable[..., User], browser_login: Callable[[str], None], session: Session,
) -> None:
    make_user("karin", "caseworker", "finance")
    session.commit()
    browser_login("karin")

    page.goto("/households/new")
    fill(page, "persons.0.bsn", "111222333")
    fill(page, "persons.0.first_name", "Samir")
    fill(page, "persons.0.last_name", "Haddad")
    fill(page, "persons.0.date_of_birth", "1986-02-03")
    page.get_by_label("IBAN van het huishouden").fill("NL20 INGB 0001 2345 67")
    page.get_by_label("Naam rekeninghouder").fill("S. Haddad")
    fill(page, "benefit_start_date", date.today().replace(day=1).isoformat())
    submit_twice(page, "Inschrijven", "**/households/*")
    assert count(session, Household) == 1
    household_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    page.goto(f"/households/{household_id}/fixed-costs/new")
    page.get_by_label("Soort vaste last").select_option("rent")
    page.get_by_label("Naam nieuwe schuldeiser").fill("Woonstad Rotterdam")
    page.get_by_label("IBAN nieuwe schuldeiser").fill("NL91ABNA0417164300")
    fill(page, "amount", "725,00")
    page.get_by_label("Vervaldag (dag van de maand)").fill("1")
    submit_twice(page, "Vaste last opslaan", f"**/households/{household_id}")
    assert count(session, FixedCost) == 1

    creditors = count(session, Creditor)
    page.goto("/households/creditors")
    fill(page, "name", "Zilveren Kruis")
    fill(page, "iban", "NL20INGB0001234567")
    submit_twice(page, "Toevoegen", "**/households/creditors")
    assert count(session, Creditor) == creditors + 1

    page.goto("/households/receipts")
    fill(page, "household_id", str(household_id))
    fill(page, "amount", "1350,00")
    fill(page, "date", date.today().isoformat())
    fill(page, "reference", "UWV")
    page.get_by_role("button", name="Controleren").click()  # the confirm step names the household first
    page.get_by_test_id("receipt-preview").wait_for()
    submit_twice(page, "Ontvangst boeken", f"**/households/{household_id}")
    assert count(session, Receipt) == 1

