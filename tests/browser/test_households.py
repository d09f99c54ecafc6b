"""A caseworker does a whole intake in the browser and sees the balance and the forecast."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor
from budgetbeheer.users.models import User
from budgetbeheer.users.service import create_token


def fill(page: Any, field: str, value: str) -> None:
    page.locator(f'[id="f-{field}"]').fill(value)


def test_caseworker_enrols_two_persons_adds_costs_and_income_and_sees_balance_and_forecast(
    page: Any, live_server: str, make_user: Callable[..., User], browser_login: Callable[[str], None],
    session: Session,
) -> None:
    make_user("karin", "caseworker")
    finance = make_user("fenna", "finance")
    token = create_token(session, Actor.system("test"), finance)
    session.commit()

    browser_login("karin")
    page.get_by_role("link", name="Huishoudens").first.click()
    page.get_by_role("link", name="Nieuw huishouden inschrijven").click()
    for row, (bsn, first, born) in enumerate([("111222333", "Samir", "1986-02-03"), ("123456782", "Noor", "1990-10-11")]):
        fill(page, f"persons.{row}.bsn", bsn)
        fill(page, f"persons.{row}.first_name", first)
        fill(page, f"persons.{row}.last_name", "Haddad")
        fill(page, f"persons.{row}.date_of_birth", born)
    page.get_by_label("IBAN van het huishouden").fill("NL20 INGB 0001 2345 67")
    page.get_by_label("Naam rekeninghouder").fill("S. Haddad")
    fill(page, "benefit_start_date", date.today().replace(day=1).isoformat())
    page.get_by_label("Leefgeld wordt betaald").select_option("weekly")
    page.get_by_label("Betaaldag").fill("1")
    page.get_by_role("button", name="Inschrijven").click()
    page.wait_for_url("**/households/*")
    assert "huur, zorgverzekering, energie, water" in page.get_by_test_id("missing-categories").inner_text()
    household_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    for category, name, iban, amount in [("rent", "Woonstad Rotterdam", "NL91ABNA0417164300", "725,00"),
                                         ("health_insurance", "Zilveren Kruis", "NL20INGB0001234567", "290,00")]:
        page.get_by_role("link", name="Vaste last toevoegen").click()
        page.get_by_label("Soort vaste last").select_option(category)
        page.get_by_label("Naam nieuwe schuldeiser").fill(name)
        page.get_by_label("IBAN nieuwe schuldeiser").fill(iban)
        fill(page, "amount", amount)
        page.get_by_label("Vervaldag (dag van de maand)").fill("1")
        page.get_by_role("button", name="Vaste last opslaan").click()
        page.wait_for_url(f"**/households/{household_id}")
    costs = page.get_by_test_id("fixed-costs").inner_text()
    assert "Woonstad Rotterdam" in costs and "Zilveren Kruis" in costs
    assert "huur" not in page.get_by_test_id("missing-categories").inner_text()

    page.get_by_role("link", name="Inkomen toevoegen").click()
    page.get_by_label("Soort inkomen").select_option("benefit")
    page.get_by_label("Bedrag per maand").fill("1780,30")
    page.get_by_label("Dag van de maand waarop het binnenkomt").fill("25")
    page.get_by_role("button", name="Inkomen opslaan").click()
    page.wait_for_url(f"**/households/{household_id}")
    assert "€ 1.780,30" in page.get_by_test_id("incomes").inner_text()

    response = page.request.post(
        f"{live_server}/api/v1/receipts",
        data={"household_id": household_id, "amount": "1780.30", "date": date.today().isoformat(), "kind": "benefit"},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "uwv-2026-01"},
    )
    assert response.status == 201
    page.reload()
    assert page.get_by_test_id("balance").inner_text() == "€ 1.780,30"
    assert page.get_by_test_id("forecast-chart").is_visible()
    assert page.get_by_test_id("forecast-table").locator("tbody tr").count() == 8
    assert "Ontvangst bijstandsuitkering" in page.get_by_test_id("statement").inner_text()
