"""The app-wide template helpers: filters and globals every page and macro can use (installed by the app, not by a
feature), plus what the features plugged in (their filters, context and panels, see :mod:`budgetbeheer.features`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from flask import Flask, g, request
from jinja2 import pass_context
from jinja2.runtime import Context

from budgetbeheer.audit.labels import action_label, entity_label, reason_text
from budgetbeheer.config import Settings
from budgetbeheer.features import NavItem, Registry
from budgetbeheer.households.read import household_labels
from budgetbeheer.http import context
from budgetbeheer.http.access import scope
from budgetbeheer.http.forms import summary_line
from budgetbeheer.http.idempotency import new_submission_token
from budgetbeheer.i18n import format_date, format_money, shown, translate
from budgetbeheer.users.permissions import allowed


def _reader_language(ctx: Context) -> str:
    """The reader's language for a filter: the ``lang`` the page's context got once (every page's context processor
    sets it), else asked of the request (an imported macro's context has no ``lang``). Asking the request costs the
    signed-in user's lookup, once per amount and date on a page of 200 payments otherwise."""
    lang = ctx.get("lang")
    return lang if isinstance(lang, str) else context.language()


def isodate(value: object) -> str:
    """An API date ("2026-12-01") or timestamp as the reader's date format (01-12-2026); anything else unchanged."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return format_date(value, context.language())
    text = str(value)
    try:
        if len(text) > 10:
            return format_date(datetime.fromisoformat(text), context.language())
        return format_date(date.fromisoformat(text), context.language())
    except ValueError:
        return text


def household_names(ids: Iterable[int | None]) -> dict[int, str]:
    """The names of these households for the reader (masked outside their scope), remembered for the request: a
    list calls this once with its rows' ids, then :func:`household_label` per row costs no query."""
    known: dict[int, str] = g.setdefault("household_names", {})
    missing = [i for i in ids if i is not None and i not in known]
    if missing:
        known.update(household_labels(context.db(), missing, scope()))
    return known


def household_label(household_id: int | None) -> str:
    """``12 · A. Haddad``: a household in a list, by number and name (the name masked where the reader may not see
    the household)."""
    if household_id is None:
        return ""
    name = household_names([household_id]).get(household_id)
    return f"{household_id} · {name}" if name else str(household_id)


def init_app(app: Flask, settings: Settings, registry: Registry, navigation: list[NavItem]) -> None:
    @app.context_processor
    def template_helpers() -> dict[str, Any]:
        lang = context.language()
        user = context.current()
        roles = user.roles if user else frozenset()
        return {
            "_": lambda message, **params: translate(message, lang, **params),
            "lang": lang,
            "current": user,
            "nav_items": [tuple(item) for item in navigation if allowed(roles, item.permission)],
            "can": lambda permission: allowed(roles, permission),
            "settings": settings,
            "endpoint": request.endpoint,
        }

    for provide in registry.template_context:
        app.context_processor(provide)

    app.jinja_env.filters["money"] = pass_context(lambda ctx, cents: format_money(cents, _reader_language(ctx)))
    app.jinja_env.filters["nldate"] = pass_context(lambda ctx, value: format_date(value, _reader_language(ctx)))
    app.jinja_env.filters["t"] = pass_context(lambda ctx, message: translate(message, _reader_language(ctx)))
    app.jinja_env.filters["isodate"] = isodate
    app.jinja_env.filters.update(registry.template_filters)
    # Imported macros (macros.html) see only globals; without this their `_` is Flask-Babel's, which knows no English.
    app.jinja_env.globals["submission_token"] = new_submission_token
    app.jinja_env.globals["household_names"] = household_names  # households by name, not by number, in lists
    app.jinja_env.globals["household_label"] = household_label
    app.jinja_env.globals["audit_action"] = action_label  # the audit trail's actions and entities in words
    app.jinja_env.globals["audit_reason"] = reason_text  # and the reasons the application wrote
    app.jinja_env.globals["audit_entity"] = entity_label
    # A stored text (a signal, a payment's reason) in the reader's language: shown(row.message, row.message_id, ...)
    app.jinja_env.globals["shown"] = pass_context(
        lambda ctx, text, msgid, params: shown(text, msgid, params, _reader_language(ctx)))
    app.jinja_env.globals["_"] = lambda message, **params: translate(message, context.language(), **params)
    app.jinja_env.globals["error_line"] = lambda name, why, labels=None: summary_line(
        name, why, context.language(), labels)
    app.jinja_env.globals.update(registry.panels)
