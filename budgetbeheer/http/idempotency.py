"""Every create is safe to retry (issue 17): an API ``Idempotency-Key`` and a web form's one-time submission token.

Both claim a row in ``idempotent_requests`` (UNIQUE per actor and key) *before* the view runs, in the request's unit
of work, so the claim commits or rolls back with the effect. A second request with the same key finds the row: on
PostgreSQL its insert waits until the first request's transaction ends (SQLite takes its write lock at BEGIN), so two
requests racing with one key have one effect. Then:

- API: the same method, path and body replays the first answer (200 and the same JSON; the first was 201); another
  body with the same key is 409. Answers with an error status are not kept (their transaction rolls back), so a
  retry after a 422 is tried again.
- Web: a form submitted again with the same token does nothing and sends the browser where the first submission went
  (the household page, the list), with a message saying so. A view whose success is a page of its own rather than a
  redirect (a new API token, shown once) names with :func:`lands_at` where a second submit goes instead.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, flash, g, make_response, redirect, request
from sqlalchemy import delete, inspect, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from budgetbeheer.audit.service import Actor, record
from budgetbeheer.config import Settings
from budgetbeheer.db.base import table_of, utcnow
from budgetbeheer.errors import Conflict, Message, ValidationError
from budgetbeheer.http.context import actor, db, language
from budgetbeheer.http.inputs import parsed_json
from budgetbeheer.i18n import translate
from budgetbeheer.tables.requests import IdempotentRequest

F = TypeVar("F", bound=Callable[..., Any])

HEADER = "Idempotency-Key"
MAX_KEY = 200
TOKEN_FIELD = "submission_token"  # noqa: S105 (a form field name, not a secret)  # nosec B105
_TOKEN_BYTES = 24
_IGNORED_FORM_FIELDS = frozenset({"csrf_token", TOKEN_FIELD})


def claim(session: Session, who: str, key: str, target: str, digest: str) -> tuple[IdempotentRequest, bool]:
    """The row for (``who``, ``key``): newly claimed (``True``) or the one an earlier request left (``False``)."""
    query = select(IdempotentRequest).where(IdempotentRequest.actor == who, IdempotentRequest.key == key)
    existing = session.scalar(query)
    if existing is not None:
        return existing, False
    row = IdempotentRequest(actor=who, key=key, target=target[:300], request_hash=digest, status=0, response=None,
                            created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another request with this key won the UNIQUE constraint and has committed meanwhile (ours waited on it).
        existing = session.scalar(query)
        if existing is None:  # pragma: no cover - the winner rolled back between our insert and this read
            raise
        return existing, False
    return row, True


def _kept(row: IdempotentRequest) -> bool:
    """Whether the claim is still part of the transaction (a view that failed and called ``discard()`` undid it)."""
    return bool(inspect(row).persistent)


def _api_key() -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
        raise ValidationError({HEADER: Message(
            "De Idempotency-Key is leeg, langer dan 200 tekens of bevat andere tekens dan zichtbare ASCII.")})
    return key


def _body_digest() -> str:
    """SHA-256 of the method, the path with its query and the body: JSON in a canonical form (key order and spacing
    do not matter), anything else as its bytes."""
    hasher = hashlib.sha256(f"{request.method} {request.full_path}\n".encode())
    body = parsed_json() if request.is_json else None
    if body is not None:
        hasher.update(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())
    else:
        hasher.update(request.get_data(cache=True))
    return hasher.hexdigest()


def idempotent_api(view: F) -> F:
    """An API view that creates: honours the ``Idempotency-Key`` header (see the module docstring)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = _api_key()
        if key is None:
            return view(*args, **kwargs)
        digest = _body_digest()
        row, claimed = claim(db(), actor().name, f"api:{key}", f"{request.method} {request.path}", digest)
        if not claimed:
            if row.request_hash != digest:
                raise Conflict(Message("Deze Idempotency-Key is al gebruikt voor een ander verzoek."),
                               {HEADER: Message("Deze Idempotency-Key is al gebruikt voor een ander verzoek.")})
            replay = Response(row.response or '{"data": null}', status=200, mimetype="application/json")
            replay.headers["Idempotent-Replayed"] = "true"
            return replay
        response = make_response(view(*args, **kwargs))
        if response.status_code < 400 and _kept(row):
            row.status = response.status_code
            row.response = response.get_data(as_text=True)
        return response

    return wrapper  # type: ignore[return-value]


def new_submission_token() -> str:
    """A fresh one-time token for a form that creates (the template global ``submission_token()``)."""
    return secrets.token_urlsafe(_TOKEN_BYTES)


def _form_digest() -> str:
    fields = sorted((name, value) for name, values in request.form.lists() if name not in _IGNORED_FORM_FIELDS
                    for value in values)
    return hashlib.sha256(json.dumps([request.path, fields], ensure_ascii=False).encode()).hexdigest()


def lands_at(location: str) -> None:
    """Called by a view under :func:`once_per_submission` that answers its success with a page (200) instead of a
    redirect: a second submit of the same form is sent to ``location`` (what the page showed is not shown again)."""
    g.submission_lands_at = location


def once_per_submission(view: F) -> F:
    """A web view whose POST creates: a second submit with the same ``submission_token`` does nothing and sends the
    browser where the first one went. A form without a token works as before."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = request.form.get(TOKEN_FIELD, "") if request.method == "POST" else ""
        if not token or len(token) > 100 or not token.isascii() or not token.isprintable():
            return view(*args, **kwargs)
        row, claimed = claim(db(), actor().name, f"form:{token}", f"{request.method} {request.path}",
                             _form_digest())
        if not claimed:
            flash(translate(Message("Dit formulier was al verstuurd; het is niet nog eens verwerkt. Hieronder ziet u "
                                    "het resultaat van de eerste keer."), language()), "warning")
            return redirect(row.response or request.path)
        g.pop("submission_lands_at", None)
        response = make_response(view(*args, **kwargs))
        landed = g.pop("submission_lands_at", None)
        if _kept(row):
            if 300 <= response.status_code < 400 and response.location:
                row.status = response.status_code
                row.response = response.location[:2000]
            elif landed and response.status_code < 400:
                row.status = response.status_code
                row.response = landed[:2000]
            else:  # the form is shown again (with its errors): the token may be used for the next try
                db().delete(row)
                db().flush()
        return response

    return wrapper  # type: ignore[return-value]


def forget_old_requests(session: Session, actor: Actor, run_for: date, settings: Settings) -> str:
    """The daily job ``http.forget_idempotent_requests``: keys and tokens older than
    ``BUDGETBEHEER_IDEMPOTENCY_KEEP_DAYS`` (30) are forgotten, so the table does not grow for ever. A client retrying
    with a key older than that is answered as a new request; the duplicate-receipt check and the database's own
    unique keys still stand behind it."""
    cutoff = datetime.combine(run_for - timedelta(days=settings.idempotency_keep_days), time.min, tzinfo=UTC)
    table = table_of(IdempotentRequest)
    result = cast(CursorResult[Any], session.execute(delete(table).where(table.c.created_at < cutoff)))
    removed = result.rowcount or 0
    if removed:
        record(session, actor, "idempotent_requests.forgotten", "idempotent_request", None,
               after={"before": cutoff.isoformat(), "count": removed})
    return f"{removed} vergeten (ouder dan {settings.idempotency_keep_days} dagen)"
