"""Locale and time zone for Flask-Babel: the tenant's settings, English until translations ship."""
from flask import g, has_request_context, request

from app.extensions import db
from app.models import Tenant

SUPPORTED_LOCALES = ("en",)


def select_locale() -> str:
    """The browser's preferred supported language; English outside requests (jobs, CLI, bot)."""
    if not has_request_context():
        return "en"
    return request.accept_languages.best_match(SUPPORTED_LOCALES) or "en"


def select_timezone() -> str:
    """The signed-in user's tenant's time zone."""
    ctx = g.get("ctx")
    return current_tenant().timezone if ctx else "UTC"


def current_tenant() -> Tenant:
    """The signed-in user's tenant (already in the session's identity map)."""
    return db.session.get(Tenant, g.ctx.tenant_id)
