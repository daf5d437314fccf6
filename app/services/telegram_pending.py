"""Questions the bot asked and awaits a button for: which of several matches, or Yes/No before a
sensitive change. Nothing changes until the answer comes; a question expires after 5 minutes."""
import uuid
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.errors import Invalid
from app.extensions import db
from app.models import TelegramPendingAction
from app.models.base import utcnow

VALID_FOR = timedelta(minutes=5)


class Expired(Invalid):
    """The question was asked more than 5 minutes ago."""


def remember(ctx, *, chat_id: int, action: str, payload: dict) -> TelegramPendingAction:
    """Keep what a question is about until its answer (the user's expired questions are dropped)."""
    db.session.execute(delete(TelegramPendingAction).where(
        TelegramPendingAction.user_id == ctx.user_id, TelegramPendingAction.expires_at < utcnow()))
    pending = TelegramPendingAction(chat_id=chat_id, user_id=ctx.user_id, action=action, payload=payload,
                                    expires_at=utcnow() + VALID_FOR)
    db.session.add(pending)
    db.session.flush()
    return pending


def take(ctx, *, pending_id: uuid.UUID, chat_id: int) -> TelegramPendingAction:
    """The question being answered, used up: an answer counts once, and only from the chat it was asked in."""
    pending = db.session.scalar(select(TelegramPendingAction).where(
        TelegramPendingAction.id == pending_id, TelegramPendingAction.user_id == ctx.user_id,
        TelegramPendingAction.chat_id == chat_id))
    if pending is None:
        raise Invalid(_("This question was already answered."))
    db.session.delete(pending)
    db.session.flush()
    if pending.expires_at < utcnow():
        raise Expired(_("This question expired. Nothing was changed; send the command again."))
    return pending
