"""Log-in through the municipality's identity provider (OpenID Connect): who the provider vouches for, and their roles.

- A user is matched by the provider's issuer and ``sub`` only (:class:`UserIdentity`), never by a name or e-mail
  address: a local account named like the provider's user is not taken over. The first log-in creates the user when
  the groups give a role; the account has no password (it logs in through the provider only).
- The roles follow the groups claim at every log-in (``BUDGETBEHEER_OIDC_GROUP_ROLES``): a group removed removes its
  role, and any change of roles ends the user's other sessions (the session version).
- The duties still hold. Groups that give admin together with a role that moves money (finance) are refused with a
  message and change nothing. A money role from the provider is not given at once: it becomes a waiting grant that
  an admin in budgetbeheer confirms (the group membership counts as the request, the admin's confirmation as the
  second pair of eyes), just as when an admin asks for it on the users page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, AuthMethod, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Message
from budgetbeheer.users.login_models import UserIdentity
from budgetbeheer.users.models import RoleGrant, User, UserRole
from budgetbeheer.users.permissions import ADMIN_ROLE, money_roles
from budgetbeheer.users.service import (
    ROLE_NAMES,
    _end_sessions,
    _request_grant,
    actor_for,
    complete_login,
    pending_grants,
    user_snapshot,
)


@dataclass(frozen=True)
class ProviderLogin:
    """The outcome: ``user`` is set when the session may be logged in; otherwise ``message`` says why not."""

    user: User | None
    message: Message | None = None
    waiting: tuple[str, ...] = field(default=())


def roles_for_groups(groups: Iterable[str], group_roles: Iterable[tuple[str, str]]) -> list[str]:
    """The roles the groups give (``group_roles``: (group, role) pairs)."""
    held = set(groups)
    return sorted({role for group, role in group_roles if group in held})


def _username(session: Session, issuer: str, subject: str, preferred: str | None) -> str:
    wanted = (preferred or "").strip()
    if (wanted and len(wanted) <= 80 and all(c.isalnum() or c in "._-" for c in wanted)
            and session.scalar(select(User.id).where(User.username == wanted)) is None):
        return wanted
    return "idp-" + hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:12]


def _refuse(session: Session, actor: Actor, user: User | None, reason: str, message: Message) -> ProviderLogin:
    record(session, actor, "login.failed", "user", None if user is None else user.id,
           after={"method": "oidc", "reason": reason})
    return ProviderLogin(None, message)


def log_in(session: Session, actor: Actor, *, issuer: str, subject: str, groups: Iterable[str],
           group_roles: Iterable[tuple[str, str]], preferred_username: str | None = None,
           display_name: str | None = None, provider_name: str = "de identiteitsprovider",
           request_id: str | None = None, client_address: str | None = None) -> ProviderLogin:
    """The provider vouched for ``subject`` (its ID token verified): find or create the user, follow the groups,
    and say whether the session may be logged in. ``actor`` is the provider's (``system:oidc``)."""
    mapped = roles_for_groups(groups, group_roles)
    identity = session.scalar(
        select(UserIdentity).where(UserIdentity.issuer == issuer, UserIdentity.subject == subject)
    )
    user = session.get(User, identity.user_id) if identity is not None else None
    money = sorted(set(mapped) & money_roles())
    if ADMIN_ROLE in mapped and money:
        return _refuse(session, actor, user, "admin_with_money_role", Message(
            "Uw groepen bij %(provider)s geven u de rol beheerder én %(roles)s; die gaan niet samen (wie gebruikers "
            "en rollen beheert, beweegt geen geld). Vraag de beheerder van uw groepen om één van beide weg te halen.",
            provider=provider_name, roles=", ".join(ROLE_NAMES[role] for role in money)))
    if user is None:
        if not mapped:
            return _refuse(session, actor, None, "no_role", Message(
                "Uw groepen bij %(provider)s geven geen rol in budgetbeheer.", provider=provider_name))
        user = User(username=_username(session, issuer, subject, preferred_username),
                    display_name=(display_name or "").strip()[:200] or preferred_username or subject[:200],
                    password_hash=None, is_active=True, language="nl", failed_login_count=0, created_at=utcnow(),
                    session_version=1)
        user.role_rows = []
        session.add(user)
        session.flush()
        identity = UserIdentity(user_id=user.id, issuer=issuer, subject=subject, created_at=utcnow())
        session.add(identity)
        session.flush()
        record(session, actor, "user.created", "user", user.id,
               after=user_snapshot(user) | {"identity_provider": issuer, "subject": subject})
    assert identity is not None
    if not user.is_active:
        return _refuse(session, actor, user, "inactive", Message("Uw account in budgetbeheer is geblokkeerd."))
    waiting = [role for role in money if role not in user.roles]
    applied = sorted(set(mapped) - set(waiting))
    before = user_snapshot(user)
    if sorted(user.roles) != applied:
        user.role_rows = [row for row in user.role_rows if row.role in applied] + [
            UserRole(role=role) for role in applied if role not in user.roles
        ]
        _end_sessions(user)
        session.flush()
        record(session, actor, "user.updated", "user", user.id, before=before,
               after=user_snapshot(user) | {"roles_from": issuer})
    for grant in pending_grants(session, user.id):
        if grant.role not in waiting:  # the group that asked for it is gone
            _withdraw(session, actor, grant)
    for role in waiting:
        _request_grant(session, actor, user, role)
    if not mapped:
        return _refuse(session, actor, user, "no_role", Message(
            "Uw groepen bij %(provider)s geven geen rol in budgetbeheer.", provider=provider_name))
    if not applied:
        return _refuse(session, actor, user, "roles_waiting", Message(
            "Uw rol %(roles)s wacht nog op de bevestiging van een beheerder van budgetbeheer; daarna kunt u inloggen.",
            roles=", ".join(ROLE_NAMES[role] for role in waiting)))
    identity.last_login_at = utcnow()
    complete_login(session, actor_for(user, request_id, client_address, AuthMethod.SESSION_OIDC), user)
    return ProviderLogin(user, None, tuple(waiting))


def _withdraw(session: Session, actor: Actor, grant: RoleGrant) -> None:
    grant.status, grant.pending_key = "rejected", None
    grant.decided_by, grant.decided_at = actor.name, utcnow()
    session.flush()
    record(session, actor, "role_grant.rejected", "role_grant", grant.id,
           after={"user_id": grant.user_id, "role": grant.role, "reason": "group removed at the identity provider"})


def provider_actor(request_id: str | None = None, client_address: str | None = None) -> Actor:
    """The identity provider as the actor of what its word changes (users created, roles following the groups)."""
    return Actor(name="system:oidc", request_id=request_id, client_address=client_address,
                 auth_method=AuthMethod.SESSION_OIDC.value)


def record_failure(session: Session, actor: Actor, reason: str) -> None:
    """The provider's answer did not hold (state, code, ID token): audited, nothing else written."""
    record(session, actor, "login.failed", "user", None, after={"method": "oidc", "reason": reason[:80]})
