from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from budgetbeheer.users.models import User


@pytest.mark.parametrize(
    ("role", "expected_role_label"),
    [("caseworker", "klantmanager"), ("finance", "financiën"), ("supervisor", "teamleider"),
     ("accountant", "accountant"), ("admin", "beheerder")],
)
def test_each_role_logs_in_sees_its_start_page_and_logs_out(
    page: Any, make_user: Callable[..., User], browser_login: Callable[[str], None], role: str,
    expected_role_label: str,
) -> None:
    make_user(f"user-{role}", role)
    browser_login(f"user-{role}")
    assert page.get_by_test_id("current-user").inner_text() == f"User-{role}".title()
    assert expected_role_label in page.get_by_test_id("role").all_inner_texts()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/login")
    assert "U bent uitgelogd." in page.content()
    page.goto("/")
    assert "/login" in page.url


def test_wrong_password_shows_a_clear_message(page: Any, make_user: Callable[..., User]) -> None:
    make_user("karin", "caseworker")
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill("karin")
    page.get_by_label("Wachtwoord").fill("wrong-password")
    page.keyboard.press("Enter")
    assert page.get_by_test_id("login-error").inner_text() == "Gebruikersnaam of wachtwoord klopt niet."
