"""Settings, read from environment variables in this one place.

Every setting has an environment variable ``BUDGETBEHEER_<NAME>``; the README lists them all.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from schwifty import IBAN

from budgetbeheer.money import AmountError, parse_amount

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_DIR = PROJECT_ROOT / "instance"


class ConfigurationError(RuntimeError):
    """A required setting is missing or has an impossible value."""


@dataclass(frozen=True)
class Settings:
    environment: str = "production"
    database_url: str = ""
    secret_key: str = ""
    language: str = "nl"
    municipality_name: str = "Gemeente Voorbeeld"
    managed_account_iban: str = "NL46BNGH0285160126"
    managed_account_bic: str = "BNGHNL2G"
    managed_account_name: str = "Gemeente Voorbeeld beheerrekening"
    pain001_version: str = "pain.001.001.09"
    lead_business_days: int = 2
    approval_threshold_cents: int = 250_000_00
    advance_max_cents: int = 1_500_00
    """The most a household may owe in advances at once (open advances plus a new one): EUR 1,500 by default."""
    max_transactions_per_file: int = 100_000
    pain001_max_bytes: int = 3_000_000
    """The largest bank file in bytes (Rabobank Internet Banking Professional: 3 MB); a larger batch is split."""
    login_limit_per_address: str = "10 per minute;50 per hour;200 per day"
    """Failed log-ins from one client address before the log-in page waits (Flask-Limiter's notation)."""
    login_limit_per_name: str = "5 per minute;20 per hour;100 per day"
    """Failed log-ins for one name typed (a user or not) before the log-in page waits."""
    ratelimit_storage_uri: str = "memory://"
    """Where the throttle counts (``memory://``: per process; ``redis://host`` for several workers)."""
    audit_key: str = ""
    """The key that signs the audit trail's head (HMAC-SHA256); kept outside the database. Empty: unsigned."""
    scheduler_lease_seconds: int = 120
    scheduler_run_time: str = "06:00"
    income_late_days: int = 5
    receipt_not_on_bank_days: int = 5
    receipt_duplicate_days: int = 7
    idempotency_keep_days: int = 30
    """A receipt without an Idempotency-Key that equals one booked in these last days is refused unless confirmed
    (0: never)."""
    """An announced receipt (API, CSV) that no imported statement confirmed this many days after its date: a signal."""
    contact_line: str = ""
    letter_texts: str | None = None
    """A CSV whose rows replace the letters' texts (``BUDGETBEHEER_LETTER_TEXTS``, see lifecycle/letters.py)."""
    """How a household reaches its caseworker (phone, e-mail, opening hours), printed on the handover overview."""
    require_totp_for: frozenset[str] = frozenset()
    """Roles whose local accounts must use a two-step code (TOTP); ``load_settings`` makes it finance and admin in
    production and nothing in development and test."""
    totp_key: str = ""
    """Encrypts the stored TOTP secrets (Fernet); empty: a key derived from the secret key."""
    oidc_issuer: str = ""
    """The municipality's OpenID Connect provider (its issuer URL); empty: no log-in through it."""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_group_roles: tuple[tuple[str, str], ...] = ()
    """(group, role) pairs: a member of the group gets the role; a group may be named twice for two roles."""
    oidc_groups_claim: str = "groups"
    oidc_scopes: str = "openid profile groups"
    instance_dir: Path = DEFAULT_INSTANCE_DIR
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_development(self) -> bool:
        return self.environment in {"development", "test"}

    def with_overrides(self, **overrides: Any) -> Settings:
        return replace(self, **overrides)


def _int(env: dict[str, str], name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    raw = env.get(f"BUDGETBEHEER_{name}")
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"BUDGETBEHEER_{name} must be a whole number, not {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        limits = f"from {minimum} to {maximum}" if maximum is not None else f"at least {minimum}"
        raise ConfigurationError(f"BUDGETBEHEER_{name} must be {limits}, not {value}")
    return value


def _cents(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(f"BUDGETBEHEER_{name}")
    if raw is None or raw == "":
        return default
    try:
        return parse_amount(raw, maximum_cents=None)
    except AmountError as error:
        raise ConfigurationError(f"BUDGETBEHEER_{name}: {error}") from None


_LIMIT = re.compile(r"\s*\d+\s*(?:/|per)\s*\d*\s*(?:second|minute|hour|day|month|year)s?\s*", re.IGNORECASE)


def _limits(env: dict[str, str], name: str, default: str) -> str:
    raw = env.get(f"BUDGETBEHEER_{name}") or default
    if not all(_LIMIT.fullmatch(part) for part in re.split(r"[;,]", raw)):
        raise ConfigurationError(
            f"BUDGETBEHEER_{name} must be limits such as '5 per minute;20 per hour', not {raw!r}"
        )
    return raw


KNOWN_ROLES = ("caseworker", "finance", "supervisor", "accountant", "admin")
"""The roles of :mod:`budgetbeheer.users.models` (config sits below the users layer and cannot import it)."""


def _roles(env: dict[str, str], name: str, default: str) -> frozenset[str]:
    raw = env.get(f"BUDGETBEHEER_{name}")
    raw = default if raw is None else raw
    roles = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = sorted(roles - set(KNOWN_ROLES))
    if unknown:
        raise ConfigurationError(f"BUDGETBEHEER_{name}: unknown role {', '.join(unknown)}; known: {', '.join(KNOWN_ROLES)}")
    return roles


def _group_roles(env: dict[str, str], name: str) -> tuple[tuple[str, str], ...]:
    """``group=role,group2=role2`` into pairs; a group named twice gives two roles."""
    raw = env.get(f"BUDGETBEHEER_{name}", "")
    pairs: list[tuple[str, str]] = []
    for part in (piece.strip() for piece in raw.split(",")):
        if not part:
            continue
        group, equals, role = (text.strip() for text in part.partition("="))
        if not equals or not group or role not in KNOWN_ROLES:
            raise ConfigurationError(
                f"BUDGETBEHEER_{name} must be pairs such as 'bb-klantmanagers=caseworker,bb-financien=finance' "
                f"(roles: {', '.join(KNOWN_ROLES)}), not {part!r}"
            )
        pairs.append((group, role))
    return tuple(pairs)


def default_sqlite_url(instance_dir: Path) -> str:
    return f"sqlite:///{instance_dir / 'budgetbeheer.sqlite3'}"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from the environment (``os.environ`` unless given)."""
    env = dict(os.environ if environ is None else environ)
    environment = env.get("BUDGETBEHEER_ENV", "production")
    instance_dir = Path(env.get("BUDGETBEHEER_INSTANCE_DIR", str(DEFAULT_INSTANCE_DIR)))
    secret_key = env.get("BUDGETBEHEER_SECRET_KEY", "")
    if not secret_key:
        if environment not in {"development", "test"}:
            raise ConfigurationError(
                "BUDGETBEHEER_SECRET_KEY is required (or set BUDGETBEHEER_ENV=development for a local demo)."
            )
        secret_key = "development-only-secret-key-do-not-use-in-production"  # noqa: S105 (development only)  # nosec B105
    version = env.get("BUDGETBEHEER_PAIN001_VERSION") or Settings.pain001_version
    if version not in {"pain.001.001.03", "pain.001.001.09"}:
        raise ConfigurationError("BUDGETBEHEER_PAIN001_VERSION must be pain.001.001.03 or pain.001.001.09")
    managed_iban = env.get("BUDGETBEHEER_MANAGED_ACCOUNT_IBAN", Settings.managed_account_iban)
    try:
        managed_iban = str(IBAN(managed_iban))
    except ValueError as error:
        raise ConfigurationError(f"BUDGETBEHEER_MANAGED_ACCOUNT_IBAN is not a valid IBAN: {error}") from None
    language = env.get("BUDGETBEHEER_LANGUAGE", "nl")
    if language not in {"nl", "en"}:
        raise ConfigurationError("BUDGETBEHEER_LANGUAGE must be nl or en")
    defaults = Settings()
    oidc_issuer = env.get("BUDGETBEHEER_OIDC_ISSUER", "").strip()  # exactly as the provider names itself (iss)
    if oidc_issuer and not env.get("BUDGETBEHEER_OIDC_CLIENT_ID", "").strip():
        raise ConfigurationError("BUDGETBEHEER_OIDC_ISSUER is set: BUDGETBEHEER_OIDC_CLIENT_ID is required too")
    if oidc_issuer and not oidc_issuer.startswith("https://") and environment not in {"development", "test"}:
        raise ConfigurationError("BUDGETBEHEER_OIDC_ISSUER must be an https:// URL in production")
    return Settings(
        environment=environment,
        database_url=env.get("BUDGETBEHEER_DATABASE_URL") or default_sqlite_url(instance_dir),
        secret_key=secret_key,
        language=language,
        municipality_name=env.get("BUDGETBEHEER_MUNICIPALITY_NAME", defaults.municipality_name),
        managed_account_iban=managed_iban,
        managed_account_bic=env.get("BUDGETBEHEER_MANAGED_ACCOUNT_BIC", defaults.managed_account_bic),
        managed_account_name=env.get("BUDGETBEHEER_MANAGED_ACCOUNT_NAME", defaults.managed_account_name),
        pain001_version=version,
        lead_business_days=_int(env, "LEAD_BUSINESS_DAYS", defaults.lead_business_days),
        approval_threshold_cents=_cents(env, "APPROVAL_THRESHOLD", defaults.approval_threshold_cents),
        advance_max_cents=_cents(env, "ADVANCE_MAX", defaults.advance_max_cents),
        max_transactions_per_file=_int(env, "MAX_TRANSACTIONS_PER_FILE", defaults.max_transactions_per_file, 1, 100_000),
        pain001_max_bytes=_int(env, "PAIN001_MAX_BYTES", defaults.pain001_max_bytes, 10_000),
        login_limit_per_address=_limits(env, "LOGIN_LIMIT_PER_ADDRESS", defaults.login_limit_per_address),
        login_limit_per_name=_limits(env, "LOGIN_LIMIT_PER_NAME", defaults.login_limit_per_name),
        ratelimit_storage_uri=env.get("BUDGETBEHEER_RATELIMIT_STORAGE_URI") or defaults.ratelimit_storage_uri,
        audit_key=env.get("BUDGETBEHEER_AUDIT_KEY", ""),
        scheduler_lease_seconds=_int(env, "SCHEDULER_LEASE_SECONDS", defaults.scheduler_lease_seconds, 1),
        scheduler_run_time=env.get("BUDGETBEHEER_SCHEDULER_RUN_TIME", defaults.scheduler_run_time),
        income_late_days=_int(env, "INCOME_LATE_DAYS", defaults.income_late_days),
        receipt_not_on_bank_days=_int(env, "RECEIPT_NOT_ON_BANK_DAYS", defaults.receipt_not_on_bank_days, 1),
        receipt_duplicate_days=_int(env, "RECEIPT_DUPLICATE_DAYS", defaults.receipt_duplicate_days, 0, 366),
        idempotency_keep_days=_int(env, "IDEMPOTENCY_KEEP_DAYS", defaults.idempotency_keep_days, 1, 3660),
        contact_line=env.get("BUDGETBEHEER_CONTACT_LINE", defaults.contact_line).strip(),
        letter_texts=env.get("BUDGETBEHEER_LETTER_TEXTS", "").strip() or None,
        require_totp_for=_roles(env, "REQUIRE_TOTP_FOR",
                                "" if environment in {"development", "test"} else "finance,admin"),
        totp_key=env.get("BUDGETBEHEER_TOTP_KEY", ""),
        oidc_issuer=oidc_issuer,
        oidc_client_id=env.get("BUDGETBEHEER_OIDC_CLIENT_ID", "").strip(),
        oidc_client_secret=env.get("BUDGETBEHEER_OIDC_CLIENT_SECRET", ""),
        oidc_group_roles=_group_roles(env, "OIDC_GROUP_ROLES"),
        oidc_groups_claim=env.get("BUDGETBEHEER_OIDC_GROUPS_CLAIM", "").strip() or defaults.oidc_groups_claim,
        oidc_scopes=env.get("BUDGETBEHEER_OIDC_SCOPES", "").strip() or defaults.oidc_scopes,
        instance_dir=instance_dir,
    )
