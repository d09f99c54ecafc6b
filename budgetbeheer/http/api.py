"""The JSON API under ``/api/v1``: token auth, ``{"data": ...}`` / ``{"error": ...}``, and the OpenAPI description.

Each ``api.py`` keeps its endpoints in one :class:`ApiRoutes` (``routes = ApiRoutes()``, ``@routes.route(...)``); its
feature's plug-in hands it to the registry, and the app builds the API blueprint from all of them with
:func:`blueprint` (nothing is added by importing a module). The same objects describe ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from budgetbeheer.errors import BudgetbeheerError, MalformedInput, Message
from budgetbeheer.http import context, errors
from budgetbeheer.http.context import db, language
from budgetbeheer.http.errors import PAGE_TEXT, STATUS_BY_ERROR, status_for
from budgetbeheer.http.idempotency import idempotent_api
from budgetbeheer.http.inputs import parsed_json
from budgetbeheer.http.security import public, requires
from budgetbeheer.i18n import translate
from budgetbeheer.users.permissions import PERMISSIONS
from budgetbeheer.users.service import user_for_token

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Endpoint:
    path: str
    method: str
    summary: str
    permission: str | None
    request_body: dict[str, Any] | None = None
    query: dict[str, str] = field(default_factory=dict)
    responses: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Rule:
    path: str
    endpoint: str
    view: Callable[..., Any]
    methods: list[str]


class ApiRoutes:
    """One module's API endpoints: their views, permissions and OpenAPI descriptions."""

    def __init__(self) -> None:
        self.rules: list[_Rule] = []
        self.endpoints: list[Endpoint] = []

    def route(
        self,
        path: str,
        methods: list[str],
        *,
        summary: str,
        permission: str | None,
        request_body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
        responses: dict[str, str] | None = None,
    ) -> Callable[[F], F]:
        """An API endpoint with its permission (None = public), recorded for the OpenAPI description."""
        if permission is not None and permission not in PERMISSIONS:
            raise KeyError(f"unknown permission {permission!r}")

        def decorate(view: F) -> F:
            # Every POST is safe to retry with an Idempotency-Key (issue 17).
            guarded = idempotent_api(view) if "POST" in methods else view
            marked = requires(permission)(guarded) if permission else public(guarded)
            self.rules.append(_Rule(path, view.__name__, marked, methods))
            for method in methods:
                self.endpoints.append(
                    Endpoint(path, method.lower(), summary, permission, request_body, query or {}, responses or {})
                )
            return marked

        return decorate


def blueprint(collections: Iterable[ApiRoutes]) -> Blueprint:
    """The ``api`` blueprint with every collection's endpoints (this module's own first)."""
    collections = [routes, *collections]
    bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
    for collection in collections:
        for rule in collection.rules:
            bp.add_url_rule(rule.path, endpoint=rule.endpoint, view_func=rule.view, methods=rule.methods)
    bp.record_once(lambda state: state.app.extensions.__setitem__("budgetbeheer_api_routes", collections))
    return bp


def ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> tuple[Response, int]:
    response = jsonify({"data": data})
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response, status


def error_response(
    status: int, message: Message | str, fields: dict[str, Message] | None = None
) -> tuple[Response, int]:
    lang = language()
    body = {
        "error": {
            "message": translate(message, lang),
            "fields": {name: translate(why, lang) for name, why in (fields or {}).items()},
        }
    }
    return jsonify(body), status


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says why not."""
    data = parsed_json()
    if not isinstance(data, dict):
        raise MalformedInput(Message("De aanvraag is geen geldige JSON."))
    return data


def authenticate_token() -> None:
    """before_request for the API: a Bearer token sets ``g.api_user``; cookies are never used by the API."""
    if request.blueprint != "api":
        return
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = user_for_token(db(), header[len("Bearer "):].strip())
        if user is not None:
            g.api_user = user


def handle_api_error(error: Exception) -> tuple[Response, int] | None:
    if isinstance(error, BudgetbeheerError):
        return error_response(status_for(error), error.message, error.fields)
    if isinstance(error, HTTPException):
        status = error.code or 500
        if status == 401:
            return error_response(401, Message("Log in met een API-token."))
        return error_response(status, PAGE_TEXT.get(status, PAGE_TEXT[400 if status < 500 else 500])[1])
    return error_response(500, Message("Er ging iets mis aan onze kant. De fout is vastgelegd; probeer het later opnieuw."))


def _openapi_path(path: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


MAX_ID = 2**63 - 1
"""The largest id and page number: the database's 64-bit integer."""


def _query_schema(name: str) -> dict[str, Any]:
    """A query parameter's value limits: ``page`` and ``per_page`` are whole numbers from 1 (a ``per_page`` above
    the endpoint's maximum counts as that maximum); the others are text, described one by one."""
    if name in ("page", "per_page"):
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {"type": "string"}


def openapi_document(collections: Iterable[ApiRoutes]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in (e for collection in collections for e in collection.endpoints):
        operation: dict[str, Any] = {
            "summary": endpoint.summary,
            "responses": {"200": {"description": "OK"}} | {k: {"description": v} for k, v in endpoint.responses.items()},
        }
        errors = operation["responses"]
        if endpoint.permission:
            operation["security"] = [{"bearer": []}]
            operation["x-permission"] = endpoint.permission
            operation["x-roles"] = sorted(PERMISSIONS[endpoint.permission])
            errors.setdefault("401", {"description": "no token, or one that is unknown or revoked"})
            errors.setdefault("403", {"description": "the token's user lacks the permission x-permission"})
        path_names = re.findall(r"<(?:\w+:)?(\w+)>", endpoint.path)
        parameters = [
            {"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}
            for name in path_names
        ]
        if path_names:
            errors.setdefault("404", {"description": "no such " + ", ".join(path_names)})
        parameters += [
            {"name": name, "in": "query", "required": False, "schema": _query_schema(name), "description": text}
            for name, text in endpoint.query.items()
        ]
        if endpoint.query:
            errors.setdefault("422", {"description": "a query value that is not valid (fields names it)"})
        if endpoint.method == "post":
            parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                               "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                               "description": "the same key and body again: 200 with the first answer; another "
                               "body: 409"})
            errors.setdefault("409", {"description": "Idempotency-Key used with another body"})
        if endpoint.method in ("post", "patch", "put"):
            errors.setdefault("400", {"description": "a body that is not readable JSON (or not an object)"})
            errors.setdefault("413", {"description": "JSON body above 1 MiB"})
            errors.setdefault("422", {"description": "invalid values (fields names each)"})
        if parameters:
            operation["parameters"] = parameters
        if endpoint.request_body:
            operation["requestBody"] = {"content": {"application/json": {"schema": endpoint.request_body}}}
        paths.setdefault(API_PREFIX + _openapi_path(endpoint.path), {})[endpoint.method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "budgetbeheer", "version": "1"},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }


routes = ApiRoutes()


@routes.route("/openapi.json", ["GET"], summary="This description of every endpoint", permission=None)
def openapi() -> Response:
    return jsonify(openapi_document(current_app.extensions["budgetbeheer_api_routes"]))


@routes.route("/me", ["GET"], summary="The token's user and roles", permission="home")
def me() -> tuple[Response, int]:
    user = g.api_user
    return ok({"id": user.id, "username": user.username, "roles": sorted(user.roles)})


__all__ = ["STATUS_BY_ERROR", "ApiRoutes", "blueprint", "json_body", "ok"]


def install_error_handler(app: Flask) -> None:
    """One error handler for the whole app: JSON for the API (:func:`handle_api_error`), an error page otherwise."""

    @app.errorhandler(Exception)
    def handle(error: Exception) -> Any:
        if context.is_api_request():
            if not isinstance(error, (BudgetbeheerError, HTTPException)):
                log.exception("unhandled error in API request")
            result = handle_api_error(error)
            assert result is not None
            return result
        if isinstance(error, CSRFError):
            return errors.error_page(400)
        if isinstance(error, BudgetbeheerError):
            return errors.error_page(errors.status_for(error), error.message)
        if isinstance(error, HTTPException):
            if (error.code and error.code < 400) or error.response is not None:
                return error.get_response()  # a redirect, or a page made for it (the throttled log-in page)
            return errors.error_page(error.code or 500)
        log.exception("unhandled error in web request")
        return errors.error_page(500)
