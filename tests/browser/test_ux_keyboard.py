"""A caseworker's main task with the keyboard only: log in, skip to the content, open a household from the list,
ask for an extension (first with a mistake, which is shown next to its field), and see the request on the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from budgetbeheer.users.models import User
from tests.conftest import TEST_PASSWORD
from tests.factories import MONTHLY_LEEFGELD, enrol


def active(page: Any) -> dict[str, str]:
    return page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {tag: e.tagName.toLowerCase(), id: e.id || '', name: e.getAttribute('name') || '',
                href: e.getAttribute('href') || '', text: (e.innerText || '').trim(), outline: s.outlineStyle}; }"""
    )


def tab_to(page: Any, wanted: Callable[[dict[str, str]], bool], limit: int = 60) -> dict[str, str]:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = active(page)
        if wanted(element):
            assert element["outline"] != "none", f"no visible focus on {element}"
            return element
    raise AssertionError("not reachable with Tab")


def test_caseworker_asks_an_extension_with_the_keyboard_only(
    page: Any, session: Session, make_user: Callable[..., User]
) -> None:
    caseworker = make_user("karin", "caseworker")
    today = date.today()
    start = date(today.year - (today.month < 3), (today.month - 3) % 12 + 1, 1)
    household = enrol(session, start=start, leefgeld=MONTHLY_LEEFGELD, caseworker_id=caseworker.id)
    session.commit()

    page.goto("/login")
    tab_to(page, lambda e: e["name"] == "username")
    page.keyboard.type("karin")
    tab_to(page, lambda e: e["name"] == "password")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")

    skip = tab_to(page, lambda e: e["tag"] == "a", limit=1)
    assert skip["href"] == "#content" and skip["text"] == "Naar de inhoud"
    page.keyboard.press("Enter")
    assert active(page)["id"] == "content"

    page.keyboard.press("Shift+Tab")  # back into the header: the menu comes before the content
    menu = page.evaluate("() => document.activeElement.closest('header') !== null")
    assert menu
    page.goto("/")
    tab_to(page, lambda e: e["tag"] == "a" and e["text"] == "Huishoudens" and e["href"].startswith("/households"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/households/")
    assert page.locator('nav a[aria-current="page"]').inner_text() == "Huishoudens"

    tab_to(page, lambda e: e["href"] == f"/households/{household.id}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/households/{household.id}")
    assert page.locator("h1").count() == 1

    tab_to(page, lambda e: e["text"] == "Verlenging aanvragen")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/households/{household.id}/extensions/new**")
    assert page.locator("h1").inner_text() == "Verlenging aanvragen"

    tab_to(page, lambda e: e["name"] == "months")
    page.keyboard.type("3")
    tab_to(page, lambda e: e["name"] == "reason_category")
    page.keyboard.press("ArrowDown")
    tab_to(page, lambda e: e["name"] == "reason")
    page.keyboard.type("te kort")  # too short: at least 10 characters
    page.evaluate("() => document.querySelector('textarea[name=reason]').removeAttribute('minlength')")
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Aanvragen")
    with page.expect_navigation():  # the form answers with the same page and the errors
        page.keyboard.press("Enter")

    reason = page.locator("#f-reason")
    assert reason.get_attribute("aria-invalid") == "true"
    described_by = reason.get_attribute("aria-describedby") or ""
    error = page.locator(f"#{described_by}")
    assert error.count() == 1 and error.inner_text()
    assert page.locator("#f-months").input_value() == "3"  # what was typed stays

    tab_to(page, lambda e: e["name"] == "reason")
    page.keyboard.press("Control+A")
    page.keyboard.type("Taalcursus loopt nog tot de zomer.")
    tab_to(page, lambda e: e["tag"] == "button" and e["text"] == "Aanvragen")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith(f"/households/{household.id}"))  # not the form's ?next=... URL
    assert "Verlenging aangevraagd" in page.locator(".flash").first.inner_text()
    assert "3 maanden" in page.get_by_test_id("extension-pending").inner_text()
