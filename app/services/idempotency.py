"""Idempotency keys for API POSTs: a retry with the same key and body gets the first answer, nothing new."""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, Invalid
from app.extensions import db
from app.models import IdempotencyKey
from app.models.base import utcnow

KEEP_HOURS = 24
MAX_KEY_LENGTH = 200


def check_key(key: str) -> str:
    """The key as given, refused when blank or too long."""
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:
        raise Invalid(_("Idempotency-Key must be 1 to %(n)d characters.", n=MAX_KEY_LENGTH),
                      fields={"Idempotency-Key": _("Use 1 to %(n)d characters.", n=MAX_KEY_LENGTH)})
    return key


def find_response(ctx, *, key: str, request_line: str, fingerprint: str) -> IdempotencyKey | None:
    """The stored answer for this user's key; refused when the key came with another request."""
    stored = db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.user_id == ctx.user_id, IdempotencyKey.key == key))
    if stored is not None and stored.created_at < utcnow() - timedelta(hours=KEEP_HOURS):
        db.session.delete(stored)  # expired but not yet purged: the key is free again
        db.session.flush()
        return None
    if stored is not None and (stored.request_line, stored.fingerprint) != (request_line, fingerprint):
        raise Invalid(_("This Idempotency-Key was already used with a different request. "
                        "Use a new key for a new request."), fields={"Idempotency-Key": _("Use a new key.")})
    return stored


def remember_response(ctx, *, key: str, request_line: str, fingerprint: str, status_code: int, body) -> None:
    """Keep the answer to a POST under its key, in the request's own transaction (so only if it commits)."""
    stored = IdempotencyKey(key=key, user_id=ctx.user_id, request_line=request_line[:300],
                            fingerprint=fingerprint, status_code=status_code, response_body=body)
    try:
        with db.session.begin_nested():  # a concurrent request with the same key: refuse this one, keep the session
            db.session.add(stored)
    except IntegrityError:
        raise Conflict(_("Another request with this Idempotency-Key is being handled. Retry in a moment.")) from None


def purge_expired(ctx) -> int:
    """Forget keys older than a day (the daily job); how many went."""
    cutoff = utcnow() - timedelta(hours=KEEP_HOURS)
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0
