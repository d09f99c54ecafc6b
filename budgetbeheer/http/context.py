"""Per request: the unit of work (one per request, see :func:`finish_request`), the current actor, the language."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Response, current_app, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, AuthMethod
from budgetbeheer.config import Settings
from budgetbeheer.db.unit_of_work import UnitOfWork
from budgetbeheer.features import Registry
from budgetbeheer.root import Root
from budgetbeheer.users.models import User

F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    return cast(Settings, current_app.config["BUDGETBEHEER_SETTINGS"])


def root() -> Root:
    """The composition root the app was built from (settings, engine, sessions, the feature registry)."""
    return cast(Root, current_app.extensions["budgetbeheer_root"])


def registry() -> Registry:
    """What the features plugged in (jobs, links, panels, ...)."""
    return root().registry


def work() -> UnitOfWork:
    """The request's unit of work, begun on first use (see :func:`finish_request`)."""
    if "unit_of_work" not in g:
        g.unit_of_work = root().begin()
    return cast(UnitOfWork, g.unit_of_work)


def db() -> Session:
    """The request's session: one unit of work per request, committed by :func:`finish_request` when the response
    has a status below 400, rolled back otherwise (and on any exception). Views never commit."""
    return work().session


def discard() -> None:
    """A use case failed but the view still answers below 400 (a redirect with a flash message) or shows a form
    again: undo what the use case wrote, exactly as a failed transaction would have. Call it where the view catches
    the service's :class:`~budgetbeheer.errors.BudgetbeheerError`."""
    if "unit_of_work" in g:
        work().discard()


def commit_on_error(view: F) -> F:
    """Opt-out, for a view whose writes must stay even when it answers with an error status: the failed log-in (its
    audit entry and the failure count that locks the account answer 401). An exception still rolls back."""
    view._commit_on_error = True  # type: ignore[attr-defined]
    return view


def _commits_on_error() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "_commit_on_error", False))


def finish_request(response: Response) -> Response:
    """after_request: commit the request's unit of work when the response is a success (status < 400) or the view
    opted in with :func:`commit_on_error`; roll it back otherwise. A commit that fails answers like the view would
    have when the error was raised inside it (e.g. 409 or 500), with nothing written."""
    unit = g.get("unit_of_work")
    if unit is None or unit.finished:
        return response
    try:
        unit.finish(commit=response.status_code < 400 or _commits_on_error())
    except Exception as error:  # the errors module maps it to the page or JSON error
        return current_app.make_response(current_app.handle_user_exception(error))
    return response


def close_request(exception: BaseException | None = None) -> None:
    """teardown: end the request's unit of work (rolled back unless :func:`finish_request` committed it)."""
    unit = g.pop("unit_of_work", None)
    if unit is not None:
        unit.close()


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
    method = AuthMethod.TOKEN if is_api_request() else _session_method()
    return Actor(name=user.username, user_id=user.id, request_id=request_id(), client_address=client,
                 auth_method=method.value)


AUTH_METHOD_KEY = "am"
"""The session's record of how its user logged in, when more than a password (``session+totp``, ``session+oidc``)."""
_SESSION_METHODS = {AuthMethod.SESSION_TOTP.value: AuthMethod.SESSION_TOTP,
                    AuthMethod.SESSION_OIDC.value: AuthMethod.SESSION_OIDC}


def _session_method() -> AuthMethod:
    return _SESSION_METHODS.get(session.get(AUTH_METHOD_KEY, ""), AuthMethod.SESSION)


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
