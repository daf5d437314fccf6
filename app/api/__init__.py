"""The JSON REST API v1 under /api/v1: thin doors over the services, for personal access tokens only."""
from flask import Flask, current_app

from app.api import (  # noqa: F401  (importing a resource module registers its operations)
    activities,
    auth,
    contacts,
    custom_fields,
    deals,
    docs,
    errors,
    leads,
    openapi,
    organizations,
    pipelines,
    users,
)
from app.api.operations import bp
from app.extensions import csrf, limiter
from app.sessions import CookielessSessions

errors.init_blueprint(bp)
auth.init_blueprint(bp)
# Tokens, not cookies: no CSRF token to check. Limits count per token.
csrf.exempt(bp)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=auth.rate_limit_key)(bp)


def register_api(app: Flask) -> None:
    """Add the API and its docs page to the app (after the HTML doors: its error handlers defer to theirs)."""
    app.register_blueprint(bp)
    app.session_interface = CookielessSessions(bp.url_prefix, app.static_url_path)
    app.register_blueprint(docs.bp)
    errors.init_app(app)
