"""The API's door: a personal access token in `Authorization: Bearer`, acting as its user (cookies do not count)."""
import hashlib

from flask import g, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from app.api.errors import ApiError
from app.extensions import db
from app.services import tenant_settings, tokens
from app.tenancy import open_context_of

PUBLIC_ENDPOINTS = {"api.openapi_document"}


def bearer_secret() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if the request has one."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def rate_limit_key() -> str:
    """Rate limits count per token (a hash of it, never the token); requests without one per address."""
    secret = bearer_secret()
    return "token:" + hashlib.sha256(secret.encode()).hexdigest() if secret else "address:" + get_remote_address()


def init_blueprint(bp) -> None:
    @bp.before_request
    def authenticate():
        """Open the tenant context of the token's user, channel `api`; 401 without a working token."""
        if request.endpoint in PUBLIC_ENDPOINTS:
            return
        secret = bearer_secret()
        holder = tokens.authenticate(secret) if secret else None
        if holder is None:
            raise ApiError(401, "unauthorized",
                           _("Send a personal access token: Authorization: Bearer <token>. "
                             "Make one on your profile page."),
                           headers={"WWW-Authenticate": 'Bearer realm="roost"'})
        g.ctx = open_context_of(db.session, tenant_id=holder.tenant_id, schema_name=holder.schema_name,
                                channel="api", user_id=holder.user_id, role=holder.role,
                                request_id=g.get("request_id"))
        tenant_settings.remember_version(db.session, holder.settings_version)
