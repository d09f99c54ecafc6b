"""The caseworker's start page: the worklist with counts and links, and closing signals from it (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer import clock
from budgetbeheer.lifecycle.signals import raise_signal
from budgetbeheer.tables.households import Household
from budgetbeheer.users.models import User
from tests.factories import MONTHLY_LEEFGELD, enrol


def test_caseworker_worklist_counts_links_and_closing_two_signals_at_once(
    page: Any, session: Session, make_user: Callable[..., User], browser_login: Callable[[str], None]
) -> None:
    karin = make_user("karin", "caseworker")
    start = clock.today() - timedelta(days=170)  # six months from here end within four weeks
    ending = enrol(session, start=start, leefgeld=MONTHLY_LEEFGELD)
    other = enrol(session, start=clock.today(), leefgeld=MONTHLY_LEEFGELD)
    for household_id in (ending.id, other.id):
        row = session.get(Household, household_id)
        assert row is not None
        row.caseworker_id = karin.id
    signals = [raise_signal(session, kind=kind, household_id=household_id, message=text, dedup_key=f"browser:{n}")
               for n, (kind, household_id, text) in enumerate((
                   ("shortfall", other.id, "Huur niet betaald"),
                   ("income_missing", other.id, "Bijstand niet ontvangen"),
                   ("period_ending", ending.id, "Periode eindigt binnenkort")))]
    session.commit()
    browser_login("karin")

    worklist = page.get_by_test_id("worklist-caseworker")
    assert worklist.get_by_test_id("worklist-total").inner_text() == str(3 + 1 + 1 + 0)
    assert worklist.get_by_test_id("wl-open_signals").get_by_test_id("count").inner_text() == "3"
    assert worklist.get_by_test_id("wl-periods_ending").get_by_test_id("count").inner_text() == "1"
    assert worklist.get_by_test_id("wl-short_or_income_missing").get_by_test_id("count").inner_text() == "1"
    assert f"{ending.period_end:%d-%m-%Y}" in worklist.get_by_test_id("wl-periods_ending").inner_text()

    worklist.get_by_role("link", name="Open signalen van uw huishoudens").click()
    page.wait_for_url("**/signals")
    for signal in signals[:2]:
        assert signal is not None
        page.get_by_label(f"Signaal {signal.id} kiezen").check()
    page.get_by_label("Aangevinkte signalen afhandelen met één notitie").fill("Met de verhuurder gebeld; loopt")
    page.get_by_test_id("bulk-done").get_by_role("button", name="Afgehandeld").click()
    assert "2 signalen afgehandeld met één notitie." in page.get_by_role("status").first.inner_text()

    page.goto("/signals?state=done")
    closed = page.get_by_test_id("closed-by")
    assert closed.count() == 2 and "karin" in closed.first.inner_text()
    page.goto("/")
    worklist = page.get_by_test_id("worklist-caseworker")
    assert worklist.get_by_test_id("wl-open_signals").get_by_test_id("count").inner_text() == "1"
    assert worklist.get_by_test_id("wl-short_or_income_missing").get_by_test_id("count").inner_text() == "0"
