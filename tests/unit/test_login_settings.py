"""The log-in settings of issue 14: TOTP required per role, the identity provider and its group mapping."""

from __future__ import annotations

import pytest

from budgetbeheer.config import ConfigurationError, load_settings
from budgetbeheer.users.identity import roles_for_groups

PRODUCTION = {"BUDGETBEHEER_SECRET_KEY": "s"}


def test_totp_required_for_finance_and_admin_in_production_only() -> None:
    assert load_settings(PRODUCTION).require_totp_for == {"finance", "admin"}
    assert load_settings({"BUDGETBEHEER_ENV": "development"}).require_totp_for == frozenset()
    assert load_settings(PRODUCTION | {"BUDGETBEHEER_REQUIRE_TOTP_FOR": ""}).require_totp_for == frozenset()
    assert load_settings(PRODUCTION | {"BUDGETBEHEER_REQUIRE_TOTP_FOR": "finance, supervisor"}).require_totp_for == {
        "finance", "supervisor"}
    with pytest.raises(ConfigurationError, match="unknown role boss"):
        load_settings(PRODUCTION | {"BUDGETBEHEER_REQUIRE_TOTP_FOR": "boss"})


def test_oidc_settings_and_group_mapping() -> None:
    settings = load_settings(PRODUCTION | {
        "BUDGETBEHEER_OIDC_ISSUER": "https://login.example.nl/realms/gemeente",
        "BUDGETBEHEER_OIDC_CLIENT_ID": "budgetbeheer", "BUDGETBEHEER_OIDC_CLIENT_SECRET": "geheim",
        "BUDGETBEHEER_OIDC_GROUP_ROLES": "bb-klantmanagers=caseworker, bb-teamleiders=supervisor,bb-teamleiders=caseworker",
    })
    assert settings.oidc_issuer == "https://login.example.nl/realms/gemeente"
    assert settings.oidc_group_roles == (("bb-klantmanagers", "caseworker"), ("bb-teamleiders", "supervisor"),
                                         ("bb-teamleiders", "caseworker"))
    assert roles_for_groups(["bb-teamleiders", "other"], settings.oidc_group_roles) == ["caseworker", "supervisor"]
    assert roles_for_groups([], settings.oidc_group_roles) == []


@pytest.mark.parametrize("environ, message", [
    ({"BUDGETBEHEER_OIDC_ISSUER": "https://idp.example"}, "CLIENT_ID is required"),
    ({"BUDGETBEHEER_OIDC_ISSUER": "http://idp.example", "BUDGETBEHEER_OIDC_CLIENT_ID": "c"}, "https"),
    ({"BUDGETBEHEER_OIDC_GROUP_ROLES": "bb-x=boss"}, "must be pairs"),
    ({"BUDGETBEHEER_OIDC_GROUP_ROLES": "bb-x"}, "must be pairs"),
])
def test_oidc_settings_are_checked(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        load_settings(PRODUCTION | environ)
