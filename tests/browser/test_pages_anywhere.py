"""Pages on a phone and with a keyboard (issue 15, "Reflow"): each role walks its main pages at 390 px wide (and the
same pages narrowed to 320 px) without sideways scrolling, and axe-core finds no serious or critical violation on
any page of the walk. axe-core comes from npm (tests/axe/package-lock.json, installed by ``make system-deps``); it is
evaluated in the page through the browser's debugging protocol, so the app's own Content-Security-Policy stays on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy.orm import Session

from budgetbeheer.bank import service as bank_service
from budgetbeheer.bank import simulate
from budgetbeheer.bank.statement_writer import statement_bytes
from budgetbeheer.config import Settings
from budgetbeheer.ledger.service import BANK, account_id, balance
from budgetbeheer.lifecycle import extensions
from budgetbeheer.users.models import User
from budgetbeheer.users.service import actor_for
from tests.conftest import TEST_PASSWORD
from tests.factories import RUN_DATE, batch, payable_household
from tests.integration.test_reports_figures import build_books

AXE = Path(__file__).resolve().parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
NARROWEST = 320


@pytest.fixture(autouse=True)
def before_the_run() -> Iterator[None]:
    """The day before the run of RUN_DATE, so a prepared run is still open (as in test_payments)."""
    with time_machine.travel("2026-11-27 09:00 +01:00", tick=True):
        yield


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is missing in CI: `make system-deps` should have run npm ci in tests/axe")
        pytest.skip("axe-core is not installed: run `make system-deps` (npm ci in tests/axe)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:
    """A page on a phone-sized screen, CSP left on."""
    context = browser.new_context(base_url=live_server, locale="nl-NL", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def walk(phone: Any, axe_source: str) -> Callable[..., list[str]]:
    """Log in, then open each path: no sideways scrolling at 390 and 320 px, no serious/critical axe finding.
    Returns the paths walked (after redirects), so a test can see it reached the pages it meant to."""

    def login(username: str) -> None:
        phone.goto("/login")
        phone.get_by_label("Gebruikersnaam").fill(username)
        phone.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
        phone.get_by_role("button", name="Inloggen").click()
        phone.wait_for_url("**/")

    def check(path: str) -> str:
        response = phone.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        problems = []
        for width in (PHONE["width"], NARROWEST):
            phone.set_viewport_size({"width": width, "height": PHONE["height"]})
            scroll_width, inner_width = phone.evaluate(
                "() => [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if scroll_width > inner_width:
                problems.append(f"{path} scrolls sideways at {width} px: {scroll_width} > {inner_width}")
        phone.set_viewport_size(PHONE)
        phone.evaluate(axe_source)
        found = phone.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"""
        )
        problems += [f"{path} axe: {violation}" for violation in found]
        assert not problems, "\n".join(problems)
        return re.sub(r"^https?://[^/]+", "", phone.url)

    def run(username: str, paths: list[str]) -> list[str]:
        login(username)
        return [check(path) for path in paths]

    return run


def test_caseworker_pages_fit_a_phone(
    walk: Callable[..., list[str]], session: Session, make_user: Callable[..., User]
) -> None:
    caseworker = make_user("karin", "caseworker")
    household = payable_household(session, caseworker_id=caseworker.id)
    session.commit()
    walked = walk("karin", ["/", "/households/", f"/households/{household.id}", "/households/new",
                            f"/households/{household.id}/corrections", f"/households/{household.id}/period"])
    assert walked[2] == f"/households/{household.id}"


def test_finance_pages_fit_a_phone(
    walk: Callable[..., list[str]], session: Session, settings: Settings, make_user: Callable[..., User]
) -> None:
    fatima, frank = make_user("fatima", "finance"), make_user("frank", "finance")
    settings = settings.with_overrides(managed_account_iban="NL46BNGH0285160126")
    payable_household(session)
    prepared = batch(session, settings, RUN_DATE, actor_for(fatima), actor_for(frank))
    # a statement with a line nobody's (a long remittance text) for the statement page and the queue
    made = simulate.statement(
        [], account_iban=settings.managed_account_iban,
        opening_balance_cents=balance(session, account_id(session, BANK), date(2026, 11, 25)),
        credits=[simulate.Credit(4_250, date(2026, 11, 26), "Stichting Met Een Lange Naam", "NL91ABNA0417164300",
                                 "terugbetaling/kenmerk/2026-11-0000000000012345678901234567890 " * 3)],
    )
    imported = bank_service.import_statements(session, actor_for(fatima), statement_bytes(made), settings)
    session.commit()
    walked = walk("fatima", ["/batches/", f"/batches/{prepared.id}", "/bank/",
                             f"/bank/statements/{imported.statements[0].id}", "/bank/queue", "/bank/returns",
                             "/households/receipts"])
    assert walked[1] == f"/batches/{prepared.id}"


def test_supervisor_pages_fit_a_phone(
    walk: Callable[..., list[str]], session: Session, make_user: Callable[..., User]
) -> None:
    caseworker = make_user("karin", "caseworker")
    make_user("tara", "supervisor")
    household = payable_household(session, caseworker_id=caseworker.id)
    extensions.request_extension(session, actor_for(caseworker), household.id, months=2,
                                 reason_category="language_course", reason_text="Het taalexamen is pas in oktober")
    session.commit()
    walk("tara", ["/", "/extensions"])


def test_accountant_pages_fit_a_phone(
    walk: Callable[..., list[str]], phone: Any, session: Session, make_user: Callable[..., User]
) -> None:
    build_books(session)
    make_user("anton", "accountant")
    session.commit()
    walk("anton", ["/reports/", "/reports/accountability?from=2026-01-01&to=2026-03-31"])
    # the charts scroll inside their region on a phone: their labels keep their size (they were about 6 px)
    smallest = phone.evaluate(
        """() => Math.min(...[...document.querySelectorAll('svg.chart text')].map(t => {
            const svg = t.ownerSVGElement;
            return parseFloat(t.getAttribute('font-size')) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        }))"""
    )
    assert 10 <= smallest < 100, smallest


def test_admin_pages_fit_a_phone(
    walk: Callable[..., list[str]], session: Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("bea", "admin")
    make_user("karin", "caseworker")
    session.commit()
    walk("bea", ["/admin/users", "/admin/users/new", f"/admin/users/{admin.id}", "/admin/audit"])


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    def luminance(rgb: tuple[int, int, int]) -> float:
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    red, green, blue = (int(part) for part in re.findall(r"\d+", css)[:3])
    return red, green, blue


def test_finding_focus_ring_contrasts_three_to_one_on_white_and_in_the_header(phone: Any) -> None:
    """The amber ring was 1.6:1 on white; now a dark ring on the white page and a white ring in the blue header."""
    phone.goto("/login")
    read = """() => { const e = document.activeElement, s = getComputedStyle(e);
        const header = getComputedStyle(document.querySelector('header.top'));
        return [s.outlineStyle, s.outlineColor, header.backgroundColor]; }"""
    phone.locator("header.top a.brand").focus()
    style, ring, header = phone.evaluate(read)
    assert style != "none" and contrast(rgb(ring), rgb(header)) >= 3, (ring, header)
    phone.get_by_label("Gebruikersnaam").focus()
    style, ring, _ = phone.evaluate(read)
    assert style != "none" and contrast(rgb(ring), (255, 255, 255)) >= 3, ring
