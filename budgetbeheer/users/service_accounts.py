"""Service accounts: machine clients such as the benefit system, which posts the receipts it announces.

A service account is a :class:`~budgetbeheer.users.models.User` without a password and without roles. It holds only
the permissions it was given, each one of :data:`~budgetbeheer.users.permissions.SERVICE_PERMISSIONS`, and it signs
in with an API token only. Since every step that moves money out (prepare, approve, confirm, write off) asks for a
person's role, a service account can never take one, whatever it is given. Made and changed by the operator's
command on the server (``budgetbeheer service-accounts``), audited as such.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, ValidationError
from budgetbeheer.users.models import ApiToken, ServicePermission, User
from budgetbeheer.users.permissions import SERVICE_PERMISSIONS
from budgetbeheer.users.service import create_token, revoke_token

NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


def _checked(name: str, permissions: Iterable[str]) -> tuple[str, list[str]]:
    errors: dict[str, Message] = {}
    name = name.strip()
    if not name or len(name) > 80 or not set(name) <= NAME_CHARACTERS:
        errors["name"] = Message("Een naam bestaat uit 1 tot 80 kleine letters, cijfers, punt, streep of _.")
    chosen = sorted(set(permissions))
    unknown = [p for p in chosen if p not in SERVICE_PERMISSIONS]
    if not chosen:
        errors["permission"] = Message("Geef minstens één recht (%(allowed)s).",
                                       allowed=", ".join(sorted(SERVICE_PERMISSIONS)))
    elif unknown:
        errors["permission"] = Message(
            "Een service-account kan %(unknown)s niet krijgen; wel: %(allowed)s. Goedkeuren, bevestigen en "
            "afschrijven doet altijd een persoon.",
            unknown=", ".join(unknown), allowed=", ".join(sorted(SERVICE_PERMISSIONS)))
    if errors:
        raise ValidationError(errors)
    return name, chosen


def create_service_account(session: Session, actor: Actor, *, name: str, permissions: Iterable[str],
                           label: str | None = None) -> tuple[User, str]:
    """A new service account with ``permissions`` and its first token (returned once; only its hash is kept)."""
    name, chosen = _checked(name, permissions)
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise Conflict(Message("De naam %(name)s is al in gebruik.", name=name), {"name": Message("bestaat al")})
    account = User(username=name, display_name=name, password_hash=None, is_active=True, language="nl",
                   failed_login_count=0, created_at=utcnow(), session_version=1, is_service_account=True)
    account.grant_rows = [ServicePermission(permission=p) for p in chosen]
    session.add(account)
    session.flush()
    record(session, actor, "service_account.created", "user", account.id,
           after={"name": name, "permissions": chosen})
    return account, create_token(session, actor, account, label=label or "service account")


def service_account(session: Session, name: str) -> User:
    account = session.scalar(select(User).where(User.username == name.strip(), User.is_service_account.is_(True)))
    if account is None:
        raise NotFound(Message("Service-account %(name)s bestaat niet.", name=name))
    return account


def service_accounts(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.is_service_account.is_(True)).order_by(User.username)))


def new_token(session: Session, actor: Actor, name: str, label: str | None = None) -> str:
    """Another token for the service account: to rotate, make a new one, give it to the client, then revoke the old
    one."""
    account = service_account(session, name)
    if not account.is_active:
        raise Conflict(Message("Service-account %(name)s is uitgeschakeld.", name=name))
    return create_token(session, actor, account, label=label or "service account")


def deactivate(session: Session, actor: Actor, name: str) -> User:
    """Switch the account off and revoke every token it has."""
    account = service_account(session, name)
    account.is_active = False
    for token in session.scalars(select(ApiToken).where(ApiToken.user_id == account.id,
                                                        ApiToken.revoked_at.is_(None))):
        revoke_token(session, actor, token.id)
    session.flush()
    record(session, actor, "service_account.deactivated", "user", account.id,
           before={"is_active": True}, after={"is_active": False})
    return account
