"""Log-in through the municipality's identity provider by OpenID Connect (Authlib), when configured
(``BUDGETBEHEER_OIDC_ISSUER``, ``_CLIENT_ID``, ``_CLIENT_SECRET``, ``_GROUP_ROLES``).

The authorization code flow with PKCE (S256): Authlib keeps the state, the nonce and the code verifier in the session,
checks the state on return, exchanges the code at the token endpoint, and verifies the ID token against the issuer's
JWKS (signature, issuer, audience, expiry, nonce). Who the token names and their roles is
:mod:`budgetbeheer.users.identity`'s.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, render_template, request, session, url_for
from werkzeug.wrappers import Response

from budgetbeheer.audit.service import AuthMethod
from budgetbeheer.config import Settings
from budgetbeheer.errors import Message
from budgetbeheer.http.context import commit_on_error, db, request_id, settings
from budgetbeheer.http.redirects import safe_next
from budgetbeheer.http.security import csp_with_form_target, public
from budgetbeheer.users import identity
from budgetbeheer.web import second_step

bp = Blueprint("oidc", __name__)

EXTENSION = "budgetbeheer_oidc"
CLIENT = "municipality"
_NEXT_KEY = "oidc_next"
_PAGES_WITH_THE_BUTTON = {"auth.login", "oidc.callback", "second_step.code", "second_step.enrol"}
"""Where login.html may be shown (a refused or throttled step shows the log-in page again)."""


def _client() -> Any:
    oauth = current_app.extensions.get(EXTENSION)
    if oauth is None:
        abort(404)
    return oauth.create_client(CLIENT)


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def init_app(app: Flask, config: Settings) -> None:
    app.register_blueprint(bp)
    if not config.oidc_issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        CLIENT, client_id=config.oidc_client_id, client_secret=config.oidc_client_secret or None,
        server_metadata_url=discovery_url(config.oidc_issuer),
        client_kwargs={"scope": config.oidc_scopes, "code_challenge_method": "S256", "timeout": 10},
    )
    app.extensions[EXTENSION] = oauth
    app.jinja_env.globals["oidc_login_name"] = config.municipality_name
    issuer = urlsplit(config.oidc_issuer)
    policy = csp_with_form_target(f"{issuer.scheme}://{issuer.netloc}")

    @app.after_request
    def login_page_may_post_to_the_provider(response: Response) -> Response:
        if request.endpoint in _PAGES_WITH_THE_BUTTON:
            response.headers["Content-Security-Policy"] = policy
        return response


@bp.route("/login/oidc", methods=["POST"])
@public
def start() -> Response:
    """The "log in with <municipality>" button: off to the provider (a POST, so the form's CSRF token guards it)."""
    client = _client()
    next_url = safe_next(request.args.get("next"), url_for("main.home"))
    response: Response = client.authorize_redirect(url_for("oidc.callback", _external=True))
    session[_NEXT_KEY] = next_url
    return response


def _failed(message: Message, status: int) -> tuple[str, int]:
    return render_template("login.html", error=message), status


@bp.route("/login/oidc/callback")
@public
@commit_on_error  # a refused log-in answers 401/403, and its audit entry (and a role removed) must stay
def callback() -> Response | tuple[str, int]:
    client = _client()
    config = settings()
    provider = identity.provider_actor(request_id(), request.remote_addr)
    next_url = safe_next(session.pop(_NEXT_KEY, None), url_for("main.home"))
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "value": config.oidc_issuer}}
        )
    except Exception as error:  # Authlib, joserfc and requests each raise their own; all mean: not logged in
        current_app.logger.warning("OIDC log-in refused: %s: %s", type(error).__name__, error)
        identity.record_failure(db(), provider, type(error).__name__)
        return _failed(Message("Inloggen bij %(provider)s is niet gelukt. Probeer het opnieuw.",
                               provider=config.municipality_name), 401)
    claims = token.get("userinfo") or {}
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        identity.record_failure(db(), provider, "no_id_token")
        return _failed(Message("Inloggen bij %(provider)s is niet gelukt. Probeer het opnieuw.",
                               provider=config.municipality_name), 401)
    groups = claims.get(config.oidc_groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    outcome = identity.log_in(
        db(), provider, issuer=config.oidc_issuer, subject=subject,
        groups=[group for group in groups if isinstance(group, str)], group_roles=config.oidc_group_roles,
        preferred_username=claims.get("preferred_username"), display_name=claims.get("name"),
        provider_name=config.municipality_name, request_id=request_id(), client_address=request.remote_addr,
    )
    if outcome.user is None:
        assert outcome.message is not None
        return _failed(outcome.message, 403)
    return second_step.finish(outcome.user, AuthMethod.SESSION_OIDC, next_url)
