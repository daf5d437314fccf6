"""Personal access tokens: each user makes, names and revokes their own; a token acts as its user.

Tokens live in a shared table (the API finds the tenant from the token), so every query here
names the context's tenant and user itself; the guard covers tenant-owned tables only.
"""
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update

from app.errors import NotFound
from app.extensions import db
from app.models import ApiToken, Tenant, User
from app.models.base import utcnow
from app.schemas.accounts import TokenCreate
from app.services import audit
from app.services.passwords import hash_token

PREFIX = "roost_"
SHOWN = len(PREFIX) + 6  # how much of a token its list shows
# Writing last_used_at on every request would make each API read a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def create_token(ctx, *, data: TokenCreate) -> tuple[ApiToken, str]:
    """A new token for the context's user; the secret is returned once and only its hash is kept."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(tenant_id=ctx.tenant_id, user_id=ctx.user_id, name=data.name,
                     token_hash=hash_token(secret), prefix=secret[:SHOWN])
    db.session.add(token)
    db.session.flush()
    audit.record(ctx, "token.created", token, {"name": (None, token.name)})
    return token, secret


def list_tokens(ctx) -> list[ApiToken]:
    """The context's user's tokens that still work, newest first."""
    stmt = select(ApiToken).where(ApiToken.tenant_id == ctx.tenant_id, ApiToken.user_id == ctx.user_id,
                                  ApiToken.revoked_at.is_(None)).order_by(ApiToken.created_at.desc())
    return list(db.session.scalars(stmt))


def revoke_token(ctx, *, token_id) -> ApiToken:
    """Stop one of my tokens from working; another user's token is not found."""
    token = db.session.scalar(select(ApiToken).where(
        ApiToken.id == token_id, ApiToken.tenant_id == ctx.tenant_id, ApiToken.user_id == ctx.user_id,
        ApiToken.revoked_at.is_(None)))
    if token is None:
        raise NotFound(_("This token does not exist."))
    token.revoked_at = utcnow()
    audit.record(ctx, "token.revoked", token, {"revoked_at": (None, token.revoked_at)})
    return token


@dataclass(frozen=True)
class TokenHolder:
    """Who a working token acts as: what a door needs to open its tenant context, no loaded entities."""

    token_id: uuid.UUID
    tenant_id: uuid.UUID
    schema_name: str
    user_id: uuid.UUID
    role: str
    last_used_at: datetime | None
    settings_version: int  # the tenant's (app/services/tenant_settings.py), read here at no extra cost


# Built once: constructing it (joins, comparisons) cost 6% of a small API request; the token's hash is bound per call.
# It names shared tables only (tests/test_tokens.py checks), none of them trashable: authenticate runs it on the
# session's connection, past the ORM's execution and its hooks (the tenant guard, the trash filter), which have
# nothing to add to it and cost a quarter of its run. The same object then runs every time, so its cache key is
# made once per process, not per request.
_HOLDER = (select(ApiToken.id, ApiToken.tenant_id, Tenant.schema_name, ApiToken.user_id, User.role,
                  ApiToken.last_used_at, Tenant.settings_version)
           .join(User, User.id == ApiToken.user_id).join(Tenant, Tenant.id == ApiToken.tenant_id)
           .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
                  User.active.is_(True), User.tenant_id == ApiToken.tenant_id))


def authenticate(secret: str) -> TokenHolder | None:
    """Who the working token with this secret acts as, its user active; None for anything else.

    One statement reads the columns a door needs: loading the token, user and tenant as
    entities cost a quarter of a small API request.
    """
    if not secret.startswith(PREFIX):
        return None
    row = db.session.connection().execute(_HOLDER, {"token_hash": hash_token(secret)}).first()
    if row is None:
        return None
    holder = TokenHolder(*row)
    now = utcnow()
    if holder.last_used_at is None or now - holder.last_used_at > LAST_USED_PRECISION:
        db.session.execute(update(ApiToken).where(ApiToken.id == holder.token_id).values(last_used_at=now))
    return holder
