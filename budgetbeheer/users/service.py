"""Users and their roles, passwords, sessions and API tokens, and the duties that cannot be combined.

- An admin never holds a role that moves money (:func:`budgetbeheer.users.permissions.money_roles`, today finance):
  refused when a user is created or changed, and again at approval.
- A person (an admin on the web) who gives a user a money role asks for it: a :class:`RoleGrant` waits until a second
  admin confirms it. The operator's own command on the server (``budgetbeheer users create``, actor ``system:cli``)
  sets a system up and grants at once; it is audited as such.
- API tokens: a user makes their own; only the operator's command makes one for someone else.
- Every session carries the user's ``session_version``; log-out, a password or role change and deactivation raise
  it, which ends every session of that user.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, AuthMethod, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message, NotFound, PermissionDenied, ValidationError
from budgetbeheer.users.models import DEFAULT_TEAM, ROLES, TEAM_MAX_LENGTH, ApiToken, RoleGrant, User, UserRole
from budgetbeheer.users.permissions import ADMIN_ROLE, money_roles

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


def parse_team(raw: str | None) -> str:
    """A team name as typed: 1 to 40 lower-case letters, digits, ``-`` or ``_``; empty: :data:`DEFAULT_TEAM`."""
    team = (raw or "").strip().lower()
    if not team:
        return DEFAULT_TEAM
    if len(team) > TEAM_MAX_LENGTH or not all(c.isascii() and (c.isalnum() or c in "-_") for c in team):
        raise ValidationError({"team": Message(
            "Een teamnaam bestaat uit 1 tot %(n)s kleine letters, cijfers, - of _ (bijvoorbeeld noord).",
            n=TEAM_MAX_LENGTH)})
    return team


def teams(session: Session) -> list[str]:
    """The teams that have a user or a household (a team is a name; it exists once someone is in it)."""
    return sorted(set(session.scalars(select(User.team).distinct())) | {DEFAULT_TEAM})


ROLE_NAMES = {"caseworker": "klantmanager", "finance": "financiën", "supervisor": "teamleider",
              "accountant": "accountant", "admin": "beheerder"}


def refuse_incompatible(roles: Iterable[str]) -> None:
    """An admin (who manages users and roles) never also holds a role that moves money: one person could then give
    themself a payment and approve it."""
    held = set(roles)
    money = sorted(held & money_roles())
    if ADMIN_ROLE in held and money:
        raise Conflict(
            Message("Een beheerder kan niet ook %(roles)s zijn: wie gebruikers en rollen beheert, beweegt geen geld. "
                    "Gebruik voor elke taak een eigen account.", roles=", ".join(ROLE_NAMES[role] for role in money)),
            {"roles": Message("beheerder en financiën gaan niet samen")},
        )


def user_snapshot(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": sorted(user.roles),
        "is_active": user.is_active,
        "language": user.language,
        "team": user.team,
    }


def _by_person(actor: Actor) -> bool:
    """A person signed in (an admin on the web or the API), as opposed to the operator's command or the system."""
    return actor.user_id is not None


def pending_grants(session: Session, user_id: int | None = None) -> list[RoleGrant]:
    query = select(RoleGrant).where(RoleGrant.status == "pending").order_by(RoleGrant.id)
    if user_id is not None:
        query = query.where(RoleGrant.user_id == user_id)
    return list(session.scalars(query))


def _request_grant(session: Session, actor: Actor, user: User, role: str) -> RoleGrant:
    key = f"{user.id}:{role}"
    existing = session.scalar(select(RoleGrant).where(RoleGrant.pending_key == key))
    if existing is not None:
        return existing
    grant = RoleGrant(
        user_id=user.id, role=role, status="pending", pending_key=key, requested_by=actor.name,
        requested_by_user_id=actor.user_id, requested_at=utcnow(),
    )
    session.add(grant)
    session.flush()
    record(session, actor, "role_grant.requested", "role_grant", grant.id,
           after={"user": user.username, "role": role})
    return grant


def _end_sessions(user: User) -> None:
    user.session_version = (user.session_version or 0) + 1


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    roles: Iterable[str],
    password: str | None,
    display_name: str | None = None,
    language: str = "nl",
    team: str | None = None,
) -> User:
    """Create a user. A money role given by a person waits for a second admin (:func:`confirm_grant`); the user is
    made at once with the other roles (or none)."""
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
    try:
        team = parse_team(team)
    except ValidationError as error:
        errors.update(error.fields)
    if errors:
        raise ValidationError(errors)
    refuse_incompatible(chosen)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(Message("Gebruiker %(username)s bestaat al.", username=username), {"username": Message("bestaat al")})
    waiting = [role for role in chosen if role in money_roles()] if _by_person(actor) else []
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password) if password else None,
        is_active=True,
        language=language,
        failed_login_count=0,
        created_at=utcnow(),
        session_version=1,
        team=team,
    )
    user.role_rows = [UserRole(role=role) for role in chosen if role not in waiting]
    session.add(user)
    session.flush()
    record(session, actor, "user.created", "user", user.id,
           after=user_snapshot(user) | ({"roles_waiting": waiting} if waiting else {}))
    for role in waiting:
        _request_grant(session, actor, user, role)
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
    team: str | None = None,
) -> User:
    """Change a user. A money role added by a person waits for a second admin; removing a role is at once. A change
    of password, roles or activity ends every session of the user."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(Message("Gebruiker bestaat niet."))
    before = user_snapshot(user)
    waiting: list[str] = []
    if user.is_service_account and (password is not None or roles):
        raise Conflict(Message("Een service-account heeft geen wachtwoord en geen rollen; het meldt zich aan met een "
                               "token en heeft alleen zijn eigen rechten."), {"roles": Message("service-account")})
    if password is not None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationError(
                {"password": Message("Een wachtwoord heeft minstens %(n)s tekens.", n=MIN_PASSWORD_LENGTH)}
            )
        user.password_hash = hash_password(password)
    if roles is not None:
        chosen = _validate_roles(roles)
        if actor.user_id == user.id and ADMIN_ROLE not in chosen:
            raise Conflict(Message("U kunt uw eigen beheerrol niet intrekken."), {"roles": Message("eigen beheerrol")})
        refuse_incompatible([*chosen, *(grant.role for grant in pending_grants(session, user.id))])
        if _by_person(actor):
            waiting = [role for role in chosen if role in money_roles() and role not in user.roles]
        applied = [role for role in chosen if role not in waiting]
        user.role_rows = [row for row in user.role_rows if row.role in applied] + [
            UserRole(role=role) for role in applied if role not in user.roles
        ]
    if is_active is not None:
        if actor.user_id == user.id and not is_active:
            raise Conflict(Message("U kunt uzelf niet blokkeren."), {"is_active": Message("eigen account")})
        user.is_active = is_active
    if display_name:
        user.display_name = display_name
    if team is not None:
        user.team = parse_team(team)
    after = user_snapshot(user)
    if (password is not None or after["roles"] != before["roles"]
            or after["is_active"] != before["is_active"] or after["team"] != before["team"]):
        _end_sessions(user)
    session.flush()
    record(
        session, actor, "user.updated", "user", user.id, before=before,
        after=after | {"password_changed": password is not None} | ({"roles_waiting": waiting} if waiting else {}),
    )
    for role in waiting:
        _request_grant(session, actor, user, role)
    return user


def _deciding_admin(session: Session, actor: Actor) -> User:
    decider = session.get(User, actor.user_id) if actor.user_id is not None else None
    if decider is not None:
        session.refresh(decider, ["role_rows"])
    if decider is None or not decider.is_active or ADMIN_ROLE not in decider.roles:
        raise PermissionDenied(Message("Alleen een beheerder beslist over een rol die wacht op bevestiging."))
    return decider


def _pending_grant(session: Session, grant_id: int) -> RoleGrant:
    # Locked and read afresh: a second decision at the same time (a double submit) waits, then finds it decided.
    grant = session.scalar(select(RoleGrant).where(RoleGrant.id == grant_id).with_for_update()
                           .execution_options(populate_existing=True))
    if grant is None:
        raise NotFound(Message("Deze roltoekenning bestaat niet."))
    if grant.status != "pending":
        raise Conflict(Message("Over deze roltoekenning is al beslist."))
    return grant


def confirm_grant(session: Session, actor: Actor, grant_id: int) -> RoleGrant:
    """A second admin (not the one who asked) confirms a waiting money role; the user gets it at once."""
    decider = _deciding_admin(session, actor)
    grant = _pending_grant(session, grant_id)
    if grant.requested_by_user_id == decider.id:
        raise Conflict(
            Message("U vroeg deze rol zelf aan; een tweede beheerder moet hem bevestigen."),
            {"grant": Message("vier-ogenprincipe")},
        )
    user = session.get(User, grant.user_id)
    assert user is not None
    if user.id == decider.id:
        raise Conflict(Message("U kunt geen rol aan uzelf toekennen."), {"grant": Message("eigen account")})
    refuse_incompatible([*user.roles, grant.role])
    before = user_snapshot(user)
    if grant.role not in user.roles:
        user.role_rows = [*user.role_rows, UserRole(role=grant.role)]
    _end_sessions(user)
    grant.status, grant.pending_key = "confirmed", None
    grant.decided_by, grant.decided_by_user_id, grant.decided_at = decider.username, decider.id, utcnow()
    session.flush()
    record(session, actor, "role_grant.confirmed", "role_grant", grant.id, before=before,
           after=user_snapshot(user) | {"role": grant.role, "requested_by": grant.requested_by})
    return grant


def reject_grant(session: Session, actor: Actor, grant_id: int) -> RoleGrant:
    """An admin (the one who asked, too: a withdrawal) turns a waiting money role down."""
    decider = _deciding_admin(session, actor)
    grant = _pending_grant(session, grant_id)
    grant.status, grant.pending_key = "rejected", None
    grant.decided_by, grant.decided_by_user_id, grant.decided_at = decider.username, decider.id, utcnow()
    session.flush()
    record(session, actor, "role_grant.rejected", "role_grant", grant.id,
           after={"user_id": grant.user_id, "role": grant.role, "requested_by": grant.requested_by})
    return grant


def end_sessions(session: Session, actor: Actor, user_id: int) -> None:
    """Log-out: every session of the user ends (also one whose cookie was copied)."""
    user = session.get(User, user_id)
    if user is None:
        return
    _end_sessions(user)
    session.flush()
    record(session, actor, "user.logged_out", "user", user.id)


def set_language(session: Session, actor: Actor, user_id: int, language: str) -> None:
    """Keep the user's language choice (``nl`` or ``en``) for their next log-in; audited when it changes."""
    if language not in {"nl", "en"}:
        raise ValidationError({"language": Message("Kies Nederlands (nl) of Engels (en).")})
    user = session.get(User, user_id)
    if user is None or user.language == language:
        return
    before = user.language
    user.language = language
    session.flush()
    record(session, actor, "user.language_changed", "user", user.id, before={"language": before},
           after={"language": language})


def session_is_current(user: User, version: object) -> bool:
    """Whether a session cookie's version is the user's current one."""
    return isinstance(version, int) and version == user.session_version


def check_password(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None; an unknown name costs the same time as a wrong
    password (a hash of a random password is checked instead)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.is_active:
        password_matches(_DUMMY_HASH, password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    return user


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    next_step: str | None = None
    """A second step before the session is logged in (``"code"``, ``"enrol"``: :mod:`budgetbeheer.users.second_factor`)."""


def authenticate(session: Session, actor: Actor, username: str, password: str, *,
                 now: datetime | None = None,
                 next_step: Callable[[User], str | None] | None = None) -> LoginOutcome:
    """Check a log-in. Throttling is the web layer's (per client address and per name typed, Flask-Limiter), so no
    one can lock someone else's account. A failure stores nothing that was typed: for a name that is no user (it
    may be a password typed in the wrong box) only that it failed. ``next_step`` names a step still to come after a
    right password (a two-step code): then the log-in is not yet a success (:func:`complete_login` follows)."""
    now = now or utcnow()
    user = check_password(session, username, password)
    if user is None:
        known = session.scalar(select(User.id).where(User.username == username.strip()))
        record(session, actor, "login.failed", "user", known)
        return LoginOutcome(None)
    step = next_step(user) if next_step is not None else None
    if step is not None:
        record(session, actor, "login.password_accepted", "user", user.id, after={"next_step": step})
        return LoginOutcome(user, step)
    complete_login(session, actor, user, now=now)
    return LoginOutcome(user)


def complete_login(session: Session, actor: Actor, user: User, *, now: datetime | None = None) -> None:
    user.last_login_at = now or utcnow()
    record(session, actor, "login.succeeded", "user", user.id)


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; only the hash is stored.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, actor: Actor, user: User, label: str | None = None) -> str:
    """A new token for ``user``. A person makes one for themself only; the operator's command (``budgetbeheer tokens
    create --username U``, a system actor) for anyone, audited as the operator's."""
    if _by_person(actor) and actor.user_id != user.id:
        raise PermissionDenied(Message("Een API-token maakt iedereen voor zichzelf; u kunt er geen maken voor een ander."))
    token = "bb_" + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, token_hash=_token_hash(token), prefix=token[:10], label=label, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    record(session, actor, "token.created", "api_token", row.id,
           after={"user": user.username, "prefix": row.prefix, "issued_by": "self" if _by_person(actor) else "operator"})
    return token


def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    # Locked and read afresh: a second revocation at the same time (a double submit) waits, then finds it revoked.
    row = session.scalar(select(ApiToken).where(ApiToken.id == token_id).with_for_update()
                         .execution_options(populate_existing=True))
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


def actor_for(user: User, request_id: str | None = None, client_address: str | None = None,
              auth_method: AuthMethod | None = None) -> Actor:
    return Actor(name=user.username, user_id=user.id, request_id=request_id, client_address=client_address,
                 auth_method=None if auth_method is None else auth_method.value)
