"""The app factory: the composition root's parts (:mod:`budgetbeheer.composition`), the core pages, and what the
features plugged in through their ``plugin.register(registry)`` (pages, API routes, template helpers, panels).

Every request is one unit of work (:func:`budgetbeheer.http.context.finish_request`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

from budgetbeheer import composition
from budgetbeheer.config import Settings
from budgetbeheer.features import NavItem
from budgetbeheer.http import api, context, inputs, security, throttle
from budgetbeheer.tables.states import ENUMS
from budgetbeheer.web import account, admin, auth, main, oidc, second_step, templating

CORE_NAV = [
    NavItem("Gebruikers", "admin.users", "users.manage"),
    NavItem("Auditlog", "admin.audit", "audit.read"),
]

csrf = CSRFProtect()
babel = Babel()


def create_app(settings: Settings | None = None, **flask_config: Any) -> Flask:
    root = composition.build(settings)
    settings = root.settings
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

    # Before any route is added: every <int:...> is bounded to the database's integer (issue 17).
    app.url_map.converters["int"] = inputs.DatabaseInteger
    app.extensions["budgetbeheer_root"] = root
    app.extensions["budgetbeheer_engine"] = root.engine
    app.extensions["budgetbeheer_sessions"] = root.sessions
    app.teardown_appcontext(context.close_request)

    babel.init_app(app, locale_selector=context.language)
    csrf.init_app(app)
    app.before_request(api.authenticate_token)
    security.init_app(app)
    app.before_request(inputs.check_request)  # after the permission check: 401/403 come first
    api.install_error_handler(app)

    app.register_blueprint(auth.bp)
    throttle.limit_login(app, "auth.login", settings)
    second_step.init_app(app, settings)
    oidc.init_app(app, settings)
    app.register_blueprint(main.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(account.bp)
    registry = root.registry
    for blueprint in registry.blueprints:
        app.register_blueprint(blueprint)
    api_bp = api.blueprint(registry.api_routes)
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    templating.init_app(app, settings, registry, [*registry.nav, *CORE_NAV])
    # Registered last, so it runs first among the after_request functions: a failed commit's error response still
    # gets the security headers.
    app.after_request(context.finish_request)
    # the state enums by name, so a template compares ``batch.status == BatchStatus.PROPOSED``
    app.jinja_env.globals.update({enum.__name__: enum for enum in ENUMS})
    return app
