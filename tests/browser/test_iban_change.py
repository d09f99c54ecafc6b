"""A caseworker proposes a household's new IBAN in the browser; it waits (leefgeld keeps going to the old IBAN) until
a finance user who did not propose it confirms it on the household's page (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.tables.households import Household
from budgetbeheer.users.models import User
from tests.factories import enrol

NEW_IBAN = "NL39RABO0300065264"


def test_an_iban_change_proposed_by_a_caseworker_is_confirmed_by_a_second_user(
    page: Any, live_server: str, make_user: Callable[..., User], browser_login: Callable[[str], None],
    session: Session,
) -> None:
    make_user("karin", "caseworker")
    make_user("fenna", "finance")
    household = enrol(session)
    household_id, old_iban = household.id, household.iban
    session.commit()

    browser_login("karin")
    page.goto(f"/households/{household_id}/corrections")
    page.get_by_text("IBAN wijzigen (vier ogen)").click()
    page.get_by_label("Nieuw IBAN").fill("NL00ABNA0417164301")  # fails its check: refused, nothing written
    page.get_by_label("Reden").last.fill("nieuwe rekening bij de Rabobank")
    page.get_by_role("button", name="Voorstellen").click()
    assert "iban" in page.locator(".flash.error").first.inner_text().lower()
    page.get_by_text("IBAN wijzigen (vier ogen)").click()
    page.get_by_label("Nieuw IBAN").fill(NEW_IBAN)
    page.get_by_label("Reden").last.fill("nieuwe rekening bij de Rabobank")
    page.get_by_role("button", name="Voorstellen").click()
    pending = page.get_by_test_id("iban-change-pending")
    assert NEW_IBAN in pending.inner_text()
    assert page.get_by_test_id("confirm-iban-change").count() == 0  # a caseworker does not confirm
    session.expire_all()
    assert session.get(Household, household_id).iban == old_iban  # type: ignore[union-attr]
    session.rollback()

    page.context.clear_cookies()
    browser_login("fenna")
    page.goto(f"/households/{household_id}")
    assert NEW_IBAN in page.get_by_test_id("iban-change-pending").inner_text()  # on the household page too
    page.get_by_test_id("confirm-iban-change").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("iban-change-pending").count() == 0
    assert NEW_IBAN in page.content()
    session.expire_all()
    assert session.get(Household, household_id).iban == NEW_IBAN  # type: ignore[union-attr]
    session.rollback()
    page.goto(f"/households/{household_id}/corrections")
    assert "household.iban_changed" in page.get_by_test_id("history").inner_text()
