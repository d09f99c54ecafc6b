from __future__ import annotations

import pytest

from budgetbeheer.config import ConfigurationError, load_settings


def test_production_requires_a_secret_key() -> None:
    with pytest.raises(ConfigurationError, match="BUDGETBEHEER_SECRET_KEY"):
        load_settings({})


def test_development_has_defaults_and_sqlite_under_instance() -> None:
    settings = load_settings({"BUDGETBEHEER_ENV": "development", "BUDGETBEHEER_INSTANCE_DIR": "/tmp/x"})
    assert settings.database_url == "sqlite:////tmp/x/budgetbeheer.sqlite3"
    assert settings.pain001_version == "pain.001.001.09"  # since issue 12 (BNG Bank: structured addresses)
    assert settings.pain001_max_bytes == 3_000_000  # Rabobank Internet Banking Professional
    assert settings.is_development


def test_every_setting_is_read_from_the_environment() -> None:
    settings = load_settings({
        "BUDGETBEHEER_SECRET_KEY": "s", "BUDGETBEHEER_DATABASE_URL": "postgresql://u@h/db",
        "BUDGETBEHEER_PAIN001_VERSION": "pain.001.001.03", "BUDGETBEHEER_LEAD_BUSINESS_DAYS": "3",
        "BUDGETBEHEER_PAIN001_MAX_BYTES": "50000",
        "BUDGETBEHEER_APPROVAL_THRESHOLD": "1000,00", "BUDGETBEHEER_LANGUAGE": "en",
    })
    assert (settings.database_url, settings.pain001_version, settings.lead_business_days) == (
        "postgresql://u@h/db", "pain.001.001.03", 3)
    assert settings.pain001_max_bytes == 50_000
    assert settings.approval_threshold_cents == 100_000
    assert settings.language == "en"


@pytest.mark.parametrize(
    ("name", "value"),
    [("BUDGETBEHEER_PAIN001_VERSION", "pain.001.001.99"), ("BUDGETBEHEER_LEAD_BUSINESS_DAYS", "two"),
     ("BUDGETBEHEER_LANGUAGE", "de"), ("BUDGETBEHEER_PAIN001_MAX_BYTES", "9999"), ("BUDGETBEHEER_APPROVAL_THRESHOLD", "-1"),
     ("BUDGETBEHEER_MAX_TRANSACTIONS_PER_FILE", "0"), ("BUDGETBEHEER_MAX_TRANSACTIONS_PER_FILE", "100001"),
     ("BUDGETBEHEER_LEAD_BUSINESS_DAYS", "-1"), ("BUDGETBEHEER_LOGIN_LIMIT_PER_NAME", "five a minute"),
         ("BUDGETBEHEER_LOGIN_LIMIT_PER_ADDRESS", "10 per minute;lots")],
)
def test_impossible_values_are_refused_by_name(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        load_settings({"BUDGETBEHEER_SECRET_KEY": "s", name: value})


def test_managed_account_iban_is_checked() -> None:
    assert load_settings({"BUDGETBEHEER_SECRET_KEY": "s"}).managed_account_iban == "NL46BNGH0285160126"
    with pytest.raises(ConfigurationError, match="BUDGETBEHEER_MANAGED_ACCOUNT_IBAN"):
        load_settings({"BUDGETBEHEER_SECRET_KEY": "s", "BUDGETBEHEER_MANAGED_ACCOUNT_IBAN": "NL14BNGH0285160126"})
