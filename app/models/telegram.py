"""Telegram: chats linked to users, one-time link codes, the bot's state, and actions awaiting a reply."""
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    Base,
    IdMixin,
    TenantOwned,
    TimestampMixin,
    UTCDateTime,
    json_type,
    tenant_table_args,
    utcnow,
)


class TelegramLink(IdMixin, TimestampMixin, Base):
    """A Telegram chat acting as one user (shared: an update names only its chat, not a tenant)."""

    __tablename__ = "telegram_links"

    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the chat's @name, for the profile


class TelegramLinkCode(IdMixin, Base):
    """A one-time code that links the chat sending it to its user; only its hash is kept."""

    __tablename__ = "telegram_link_codes"

    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TelegramBot(Base):
    """The bot as getMe describes it, and the last update it took (so a restart never takes one twice)."""

    __tablename__ = "telegram_bots"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram's id of the bot
    username: Mapped[str] = mapped_column(String(64))
    last_update_id: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TelegramPendingAction(TenantOwned, Base):
    """What the bot asked and awaits a button for: a choice among matches, or a Yes/No confirmation.

    Tenant-owned: its payload names the tenant's records, and the bot knows the tenant (from the
    chat's link) before it reads one.
    """

    __tablename__ = "telegram_pending_actions"
    __table_args__ = tenant_table_args(
        Index("ix_telegram_pending_actions_tenant_user_expires", "tenant_id", "user_id", "expires_at"),
    )

    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # no FK: users are shared
    action: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(json_type(), default=dict)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
