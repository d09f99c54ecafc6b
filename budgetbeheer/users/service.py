"""Creating users, checking passwords with throttling, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.users.models import ROLES, ApiToken, User, UserRole

_hasher = PasswordHasher()  # argon2id: memory-hard
MIN_PASSWORD_LENGTH = 10
# A real hash of a random password, so that an unknown username costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _validate_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    if not chosen:
        raise ValidationError({"roles": Message("Kies minstens één rol.")})
    unknown = [role for role in chosen if role not in ROLES]
    if unknown:
        raise ValidationError(
            {"roles": Message("Onbekende rol: %(roles)s. Kies uit %(known)s.", roles=", ".join(unknown),
                              known=", ".join(ROLES))}
        )
    return chosen


def user_snapshot(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "is_active": user.is_active,
        "language": user.language,
    }


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    roles: Iterable[str],
    password: str | None,
    display_name: str | None = None,
    language: str = "nl",
) -> User:
    errors: dict[str, Message] = {}
    username = username.strip()
    if not username or len(username) > 80 or not all(c.isalnum() or c in "._-" for c in username):
        errors["username"] = Message("Een gebruikersnaam bestaat uit 1 tot 80 letters, cijfers, punt, streep of _.")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = Message("Een wachtwoord heeft minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH)
    try:
        chosen = _validate_roles(roles)
    except ValidationError as error:
        errors.update(error.fields)
        chosen = []
    if language not in {"nl", "en"}:
        errors["language"] = Message("Kies Nederlands (nl) of Engels (en).")
    if errors:
        raise ValidationError(errors)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(Message("Gebruiker %(username)s bestaat al.", username=username), {"username": Message("bestaat al")})
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password) if password else None,
        is_active=True,
        language=language,
        failed_login_count=0,
        created_at=utcnow(),
    )
    user.role_rows = [UserRole(role=role) for role in chosen]
    session.add(user)
    session.flush()
    record(session, actor, "user.created", "user", user.id, after=user_snapshot(user))
    return user


def update_user(
    session: Session,
    actor: Actor,
    user_id: int,
    *,
    roles: Iterable[str] | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    display_name: str | None = None,
) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Message("Gebruiker bestaat niet."))
    before = user_snapshot(user)
    if password is not None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationError(
                {"password": Message("Een wachtwoord heeft minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH)}
            )
        user.password_hash = hash_password(password)
    if roles is not None:
        chosen = _validate_roles(roles)
        if actor.user_id == user.id and "admin" not in chosen:
            raise Conflict(Message("U kunt uw eigen beheerrol niet intrekken."), {"roles": Message("eigen beheerrol")})
        user.role_rows = [row for row in user.role_rows if row.role in chosen] + [
            UserRole(role=role) for role in chosen if role not in user.roles
        ]
    if is_active is not None:
        if actor.user_id == user.id and not is_active:
            raise Conflict(Message("U kunt uzelf niet blokkeren."), {"is_active": Message("eigen account")})
        user.is_active = is_active
    if display_name:
        user.display_name = display_name
    session.flush()
    record(
        session, actor, "user.updated", "user", user.id, before=before,
        after=user_snapshot(user) | {"password_changed": password is not None},
    )
    return user


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    locked: bool = False


def authenticate(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    *,
    max_failures: int = 5,
    lockout: timedelta = timedelta(minutes=15),
    now: datetime | None = None,
) -> LoginOutcome:
    """Check a password. After ``max_failures`` failures in a row the account is locked for ``lockout``."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.is_active:
        password_matches(_DUMMY_HASH, password)
        record(session, actor, "login.failed", "user", None, after={"username": username[:80]})
        return LoginOutcome(None)
    if user.locked_until is not None and user.locked_until > now:
        record(session, actor, "login.refused_locked", "user", user.id)
        return LoginOutcome(None, locked=True)
    if not password_matches(user.password_hash, password):
        user.failed_login_count += 1
        locked = user.failed_login_count >= max_failures
        if locked:
            user.locked_until = now + lockout
            user.failed_login_count = 0
        record(
            session, actor, "login.failed", "user", user.id,
            after={"failed_login_count": user.failed_login_count, "locked_until": user.locked_until},
        )
        return LoginOutcome(None, locked=locked)
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    record(session, actor, "login.succeeded", "user", user.id)
    return LoginOutcome(user)


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; only the hash is stored.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, actor: Actor, user: User, label: str | None = None) -> str:
    token = "bb_" + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, token_hash=_token_hash(token), prefix=token[:10], label=label, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    record(session, actor, "token.created", "api_token", row.id, after={"user": user.username, "prefix": row.prefix})
    return token


def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(Message("Token bestaat niet."))
    if row.revoked_at is not None:
        raise Conflict(Message("Token is al ingetrokken."))
    row.revoked_at = utcnow()
    session.flush()
    record(session, actor, "token.revoked", "api_token", row.id, after={"prefix": row.prefix})


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    return user


def user_by_username(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(Message("Gebruiker %(username)s bestaat niet.", username=username))
    return user


def actor_for(user: User, request_id: str | None = None, client_address: str | None = None) -> Actor:
    return Actor(name=user.username, user_id=user.id, request_id=request_id, client_address=client_address)
