"""Linking Telegram chats to users: one-time codes (profile or CLI), `/start <code>`, unlinking.

Links and codes live in shared tables: an update names only its chat, so the bot must find the
user (and so the tenant and role) before any tenant is in context.
"""
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.errors import Invalid, NotFound
from app.extensions import db
from app.models import TelegramLink, TelegramLinkCode, User
from app.models.base import utcnow
from app.permissions import require
from app.services import audit, users
from app.services.passwords import hash_token
from app.tenancy import TenantContext, bind_session

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 8
CODE_VALID = timedelta(minutes=10)


@dataclass(frozen=True)
class LinkCode:
    """A code just issued: shown once, then only its hash is kept."""

    code: str
    expires_at: datetime


@dataclass(frozen=True)
class ChatUser:
    """Who a linked chat acts as."""

    tenant_id: uuid.UUID
    user_id: uuid.UUID


def issue_code(ctx, *, user_id: uuid.UUID | None = None) -> LinkCode:
    """A one-time code (valid 10 minutes) linking a chat to the current user, or to `user_id` for operators.

    The user's earlier codes stop working.
    """
    if user_id is not None and user_id != ctx.user_id:
        require(ctx, "user:manage")
    user = users.get_user(ctx, user_id or ctx.user_id)
    if not user.active:
        raise Invalid(_("This user is deactivated."))
    db.session.execute(delete(TelegramLinkCode).where(TelegramLinkCode.user_id == user.id))
    code = "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))
    issued = LinkCode(code=code, expires_at=utcnow() + CODE_VALID)
    db.session.add(TelegramLinkCode(code_hash=hash_token(code), user_id=user.id, expires_at=issued.expires_at))
    audit.record(ctx, "user.telegram_code_issued", user)
    return issued


def link_chat(*, code: str, chat_id: int, username: str | None = None) -> User:
    """Link the chat to the user whose unexpired code this is; the code is used up.

    A chat acts for one user and a user has one chat: an earlier link of either is replaced.
    """
    found = db.session.scalar(select(TelegramLinkCode).where(
        TelegramLinkCode.code_hash == hash_token(code.strip().upper())))
    if found is None or found.expires_at < utcnow():
        raise Invalid(_("This code is not valid any more. Get a new one on your Roost profile page."))
    user = db.session.get(User, found.user_id)
    db.session.delete(found)
    if user is None or not user.active:
        raise Invalid(_("This code is not valid any more. Get a new one on your Roost profile page."))
    db.session.execute(delete(TelegramLink).where(
        (TelegramLink.chat_id == chat_id) | (TelegramLink.user_id == user.id)))
    db.session.add(TelegramLink(chat_id=chat_id, user_id=user.id, tenant_id=user.tenant_id,
                                username=(username or "")[:64] or None))
    bind_session(db.session, user.tenant)
    ctx = TenantContext(tenant_id=user.tenant_id, channel="telegram", user_id=user.id, role=user.role)
    audit.record(ctx, "user.telegram_linked", user, {"telegram": (None, username or str(chat_id))})
    return user


def chat_user(chat_id: int) -> ChatUser | None:
    """The active user a chat is linked to, or None (an unlinked chat gets instructions, never data)."""
    row = db.session.execute(
        select(TelegramLink.tenant_id, TelegramLink.user_id).join(User, User.id == TelegramLink.user_id)
        .where(TelegramLink.chat_id == chat_id, User.active.is_(True))).first()
    return ChatUser(tenant_id=row.tenant_id, user_id=row.user_id) if row else None


def link_of(ctx) -> TelegramLink | None:
    """The current user's link, for the profile page."""
    return db.session.scalar(select(TelegramLink).where(TelegramLink.user_id == ctx.user_id))


def unlink(ctx) -> bool:
    """Unlink the current user's chat (from the profile or with /unlink); whether there was one."""
    link = link_of(ctx)
    if link is None:
        return False
    user = users.current_user(ctx)
    audit.record(ctx, "user.telegram_unlinked", user, {"telegram": (link.username or str(link.chat_id), None)})
    db.session.delete(link)
    db.session.flush()
    return True
