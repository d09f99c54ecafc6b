"""The app factory. Feature packages plug in through modules with fixed names (see :mod:`budgetbeheer.features`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from budgetbeheer.config import Settings, load_settings
from budgetbeheer.db.engine import make_engine, make_session_factory
from budgetbeheer.features import FEATURES, feature_module
from budgetbeheer.i18n import format_date, format_money, translate
from budgetbeheer.tables.states import ENUMS
from budgetbeheer.users.permissions import allowed
from budgetbeheer.web import api, context, errors, security

CORE_NAV: list[tuple[str, str, str]] = [
    ("Gebruikers", "admin.users", "users.manage"),
    ("Auditlog", "admin.audit", "audit.read"),
]

csrf = CSRFProtect()
babel = Babel()


def navigation() -> list[tuple[str, str, str]]:
    items: list[tuple[str, str, str]] = []
    for feature in FEATURES:
        module = feature_module(feature, "web")
        if module is not None:
            items += getattr(module, "NAV", [])
    return items + CORE_NAV


def create_app(settings: Settings | None = None, **flask_config: Any) -> Flask:
    settings = settings or load_settings()
    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        BUDGETBEHEER_SETTINGS=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.is_development,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=not settings.is_development,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE=settings.language,
    )
    app.config.update(flask_config)

    engine = make_engine(settings.database_url)
    app.extensions["budgetbeheer_engine"] = engine
    app.extensions["budgetbeheer_sessions"] = make_session_factory(engine)
    app.teardown_appcontext(context.close_db)

    babel.init_app(app, locale_selector=context.language)
    csrf.init_app(app)
    app.before_request(api.authenticate_token)
    security.init_app(app)
    errors.init_app(app)

    from budgetbeheer.web import admin, auth, main

    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(admin.bp)
    for feature in FEATURES:
        feature_module(feature, "api")  # importing adds its routes to the API blueprint
        web_module = feature_module(feature, "web")
        if web_module is not None:
            web_module.register(app)
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)

    @app.context_processor
    def template_helpers() -> dict[str, Any]:
        lang = context.language()
        user = context.current()
        roles = user.roles if user else frozenset()
        return {
            "_": lambda message, **params: translate(message, lang, **params),
            "lang": lang,
            "current": user,
            "nav_items": [item for item in navigation() if allowed(roles, item[2])],
            "can": lambda permission: allowed(roles, permission),
            "settings": settings,
            "endpoint": request.endpoint,
        }

    app.jinja_env.filters["money"] = lambda cents: format_money(cents, context.language())
    app.jinja_env.filters["nldate"] = lambda value: format_date(value, context.language())
    app.jinja_env.filters["t"] = lambda message: translate(message, context.language())
    # the state enums by name, so a template compares ``batch.status == BatchStatus.PROPOSED``
    app.jinja_env.globals.update({enum.__name__: enum for enum in ENUMS})
    return app
