"""Issue 14, "the OIDC log-in in a browser test": a real browser clicks "Inloggen met <gemeente>", signs in on the
identity provider's own form (node's oidc-provider, started by the ``oidc_provider`` fixture) and lands logged in
with the role its groups give."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.config import Settings
from budgetbeheer.users.models import User
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, GROUP_ROLES, OidcProvider, oidc_provider  # noqa: F401


@pytest.fixture
def settings(settings: Settings, oidc_provider: OidcProvider) -> Settings:  # noqa: F811
    """The browser tests' app, configured for the test provider."""
    return settings.with_overrides(
        oidc_issuer=oidc_provider.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET,
        oidc_group_roles=GROUP_ROLES, municipality_name="Gemeente Teststad",
    )


def test_finding5_oidc_log_in_in_a_browser_lands_with_the_mapped_role(
        page: Any, live_server: str, session: Session, oidc_provider: OidcProvider) -> None:  # noqa: F811
    oidc_provider.set_groups("tim", ["bb-klantmanagers", "bb-teamleiders"])
    page.goto("/login")
    page.get_by_role("button", name="Inloggen met Gemeente Teststad").click()
    page.wait_for_url(f"{oidc_provider.issuer}/**")
    page.get_by_placeholder("Enter any login").fill("tim")
    page.get_by_placeholder("and password").fill("any")
    page.get_by_role("button", name="Sign-in").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_test_id("current-user").inner_text() == "Tim Teamleider"
    session.commit()
    user = session.scalar(select(User).where(User.username == "tim"))
    assert user is not None and user.roles == {"caseworker", "supervisor"}
