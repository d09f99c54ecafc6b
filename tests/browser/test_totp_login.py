"""Issue 14, "Sessions": a finance user whose role requires a two-step code enrols right after the password, in a real
browser (the QR code shows under the page's Content-Security-Policy), and then logs in with password and code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
import pytest

from budgetbeheer.config import Settings
from budgetbeheer.users.models import User
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(require_totp_for=frozenset({"finance", "admin"}))


def password_step(page: Any, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_finding5_totp_required_enrolment_then_log_in_with_the_code(
        page: Any, live_server: str, make_user: Callable[..., User]) -> None:
    make_user("fin", "finance")
    password_step(page, "fin")
    page.wait_for_url("**/login/enrol")
    assert page.get_by_test_id("totp-qr").evaluate("img => img.naturalWidth") > 0
    totp = pyotp.TOTP(page.get_by_test_id("totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_test_id("current-user").inner_text() == "Fin"
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login")
    password_step(page, "fin")
    page.wait_for_url("**/login/code")
    page.goto("/")  # not logged in until the code is right
    page.wait_for_url("**/login?next=%2F")
