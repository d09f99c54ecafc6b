"""Per-request database session, the current actor and the unit of work for views."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from flask import current_app, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy.orm import Session, sessionmaker

from budgetbeheer.audit.service import Actor
from budgetbeheer.config import Settings
from budgetbeheer.users.models import User


def settings() -> Settings:
    return cast(Settings, current_app.config["BUDGETBEHEER_SETTINGS"])


def db() -> Session:
    """The request's session; rolled back and closed at the end of the request unless committed."""
    if "db_session" not in g:
        factory = cast(sessionmaker[Session], current_app.extensions["budgetbeheer_sessions"])
        g.db_session = factory()
    return cast(Session, g.db_session)


def close_db(exception: BaseException | None = None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.rollback()
        db_session.close()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Run a use case in one database transaction: commit when the block ends, roll back on any exception."""
    db_session = db()
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise


def request_id() -> str:
    if "request_id" not in g:
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
    return cast(str, g.request_id)


def current() -> User | None:
    """The signed-in user: on the API only the Bearer token's user (the API has no CSRF protection, so a browser's
    session cookie must never count there), on the pages the session's user."""
    if is_api_request():
        return cast("User | None", g.get("api_user"))
    if current_user and current_user.is_authenticated:
        return cast(User, current_user._get_current_object())
    return None


def actor() -> Actor:
    user = current()
    client = request.remote_addr if has_request_context() else None
    if user is None:
        return Actor(name="anonymous", request_id=request_id(), client_address=client)
    return Actor(name=user.username, user_id=user.id, request_id=request_id(), client_address=client)


def is_api_request() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def language() -> str:
    if has_request_context():
        chosen = session.get("lang")
        if chosen in ("nl", "en"):
            return cast(str, chosen)
        user = current()
        if user is not None and user.language in ("nl", "en"):
            return user.language
    return settings().language
