"""The optional second step of a local log-in: a time-based code (TOTP, RFC 6238) from an authenticator app.

- A user enrols on their account page: a new secret is shown (with its ``otpauth://`` URI and a QR code) and counts
  only once the user confirms it with a code from the app. Disabling needs a current code.
- A confirmed user logs in with password, then code; the session is not logged in until the code is right.
- A code is accepted for its 30-second step and one step either side (clocks drift), and only once: the step of the
  last accepted code is kept, and a code of that step or an earlier one is refused (no replay within the window).
- Roles in ``BUDGETBEHEER_REQUIRE_TOTP_FOR`` (finance and admin in production) must use it: such a user without it
  is sent to enrolment after the password and can do nothing else until enrolled, and may not disable it.
- Secrets are stored encrypted (Fernet, AES-128-CBC with HMAC-SHA256) under ``BUDGETBEHEER_TOTP_KEY`` (or, when
  unset, a key derived from the secret key): a copy of the database alone does not give the codes.
- Enrolment, confirmation, disabling and every wrong code are audited.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.db.base import utcnow
from budgetbeheer.errors import Conflict, Message
from budgetbeheer.users.login_models import UserTotp
from budgetbeheer.users.models import User

VALID_WINDOW = 1
"""Steps accepted either side of the current one (30 seconds each)."""

ENROL = "enrol"
CODE = "code"


def _fernet(key_material: str) -> Fernet:
    digest = hashlib.sha256(b"budgetbeheer-totp\0" + key_material.encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _encrypt(secret: str, key_material: str) -> str:
    return _fernet(key_material).encrypt(secret.encode("ascii")).decode("ascii")


def _decrypt(token: str, key_material: str) -> str:
    try:
        return _fernet(key_material).decrypt(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise Conflict(Message(
            "De tweestapscode kan niet worden gecontroleerd: de sleutel (BUDGETBEHEER_TOTP_KEY) is veranderd. Vraag "
            "de beheerder van de server om uw tweestapsverificatie opnieuw in te stellen.")) from None


def _row(session: Session, user_id: int, *, lock: bool = False) -> UserTotp | None:
    """The user's secret; ``lock``: read afresh with ``SELECT ... FOR UPDATE`` for a change that uses a code, so two
    requests at once (a double submit, a replayed code) wait for each other and the second sees the first's step."""
    if not lock:
        return session.get(UserTotp, user_id)
    return session.scalar(select(UserTotp).where(UserTotp.user_id == user_id).with_for_update()
                          .execution_options(populate_existing=True))


def is_enrolled(session: Session, user_id: int) -> bool:
    row = _row(session, user_id)
    return row is not None and row.confirmed_at is not None


def is_required(user: User, required_roles: Iterable[str]) -> bool:
    return bool(user.roles & frozenset(required_roles))


def next_step(session: Session, user: User, required_roles: Iterable[str]) -> str | None:
    """After a right password: ``"code"`` (ask the code), ``"enrol"`` (enrolment first) or None (logged in)."""
    if is_enrolled(session, user.id):
        return CODE
    if is_required(user, required_roles):
        return ENROL
    return None


def _clean(code: str) -> str:
    return "".join(code.split())


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    code = _clean(code)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _wrong_code(session: Session, actor: Actor, user: User, purpose: str) -> None:
    record(session, actor, "totp.failed", "user", user.id, after={"purpose": purpose})


def _accept(session: Session, actor: Actor, user: User, row: UserTotp, code: str, key: str, now: datetime,
            purpose: str) -> bool:
    step = _matching_step(_decrypt(row.secret_encrypted, key), code, now)
    if step is None or step <= row.last_step:
        _wrong_code(session, actor, user, purpose)
        return False
    row.last_step = step
    session.flush()
    return True


def start_enrolment(session: Session, actor: Actor, user: User, key: str) -> str:
    """A new secret for ``user`` (replacing one not yet confirmed), returned to be shown once."""
    row = _row(session, user.id)
    if row is not None and row.confirmed_at is not None:
        raise Conflict(Message("Tweestapsverificatie staat al aan."))
    secret = pyotp.random_base32()
    if row is None:
        # an empty placeholder, filled with the encrypted secret two lines down
        row = UserTotp(user_id=user.id, created_at=utcnow(), last_step=0, secret_encrypted="")  # nosec B106
        session.add(row)
    row.secret_encrypted, row.created_at, row.last_step = _encrypt(secret, key), utcnow(), 0
    session.flush()
    record(session, actor, "totp.enrolment_started", "user", user.id)
    return secret


def pending_secret(session: Session, user: User, key: str) -> str | None:
    """The secret shown at enrolment while no code confirmed it yet (None otherwise)."""
    row = _row(session, user.id)
    if row is None or row.confirmed_at is not None:
        return None
    return _decrypt(row.secret_encrypted, key)


def provisioning_uri(secret: str, username: str, issuer_name: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer_name)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


WRONG_CODE = Message("De code klopt niet (of is al gebruikt). Typ de code die de app nu toont.")


def confirm_enrolment(session: Session, actor: Actor, user: User, code: str, key: str, *,
                      now: datetime | None = None) -> bool:
    """The user typed a code of the new secret: from now on the log-in asks for a code. False (audited, nothing else
    changed) when the code is wrong: the caller keeps that audit entry and shows :data:`WRONG_CODE`."""
    row = _row(session, user.id, lock=True)
    if row is None or row.confirmed_at is not None:
        raise Conflict(Message("Begin eerst opnieuw met het instellen van tweestapsverificatie."))
    now = now or utcnow()
    if not _accept(session, actor, user, row, code, key, now, "enrol"):
        return False
    row.confirmed_at = now
    session.flush()
    record(session, actor, "totp.enrolled", "user", user.id)
    return True


def check_login_code(session: Session, actor: Actor, user: User, code: str, key: str, *,
                     now: datetime | None = None, purpose: str = "login") -> bool:
    """Whether ``code`` is a right, unused code of the user's confirmed secret (a wrong one is audited)."""
    row = _row(session, user.id, lock=True)
    if row is None or row.confirmed_at is None:
        _wrong_code(session, actor, user, purpose)
        return False
    return _accept(session, actor, user, row, code, key, now or utcnow(), purpose)


def disable(session: Session, actor: Actor, user: User, code: str, key: str, required_roles: Iterable[str], *,
            now: datetime | None = None) -> bool:
    """Turn the second step off, proven by a current code (False, audited, when wrong); refused for a role that
    requires it."""
    if is_required(user, required_roles):
        raise Conflict(Message("Voor uw rol is tweestapsverificatie verplicht; u kunt haar niet uitzetten."),
                       {"code": Message("verplicht voor uw rol")})
    row = _row(session, user.id, lock=True)
    if row is None or row.confirmed_at is None:
        raise Conflict(Message("Tweestapsverificatie staat niet aan."))
    if not _accept(session, actor, user, row, code, key, now or utcnow(), "disable"):
        return False
    session.delete(row)
    session.flush()
    record(session, actor, "totp.disabled", "user", user.id)
    return True


def reset(session: Session, actor: Actor, user: User) -> bool:
    """The operator's command for a lost phone: the secret is removed; the user enrols anew (audited)."""
    row = _row(session, user.id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    record(session, actor, "totp.reset", "user", user.id)
    return True


def key_of(totp_key: str, secret_key: str) -> str:
    """The key material: ``BUDGETBEHEER_TOTP_KEY`` or, when unset, the secret key."""
    return totp_key or secret_key

