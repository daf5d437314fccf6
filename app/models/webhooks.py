"""Outgoing webhooks: URLs that receive signed domain events, and the log of every delivery attempt."""
import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    Base,
    TenantOwned,
    TimestampMixin,
    UTCDateTime,
    json_type,
    tenant_fk,
    tenant_table_args,
    utcnow,
)

# The domain events a hook can subscribe to (app/services/events.py emits them).
EVENTS = (
    "contact.created", "contact.updated", "contact.deleted",
    "organization.created", "organization.updated", "organization.deleted",
    "lead.created", "lead.updated", "lead.converted",
    "deal.created", "deal.updated", "deal.stage_changed", "deal.won", "deal.lost", "deal.deleted",
    "activity.created", "task.completed",
)


class Webhook(TenantOwned, TimestampMixin, Base):
    """A URL that receives the events it subscribed to, each signed with the hook's own secret."""

    __tablename__ = "webhooks"
    __table_args__ = tenant_table_args()

    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(MutableList.as_mutable(json_type()), default=list)
    secret: Mapped[str] = mapped_column(String(100))  # kept readable: every delivery is signed with it
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)  # a user; no FK: users are shared


class WebhookDelivery(TenantOwned, Base):
    """One attempt to deliver one event to one hook: what was sent and what came back."""

    __tablename__ = "webhook_deliveries"
    __audit_name__ = "webhook_delivery"
    __table_args__ = tenant_table_args(
        Index("ix_webhook_deliveries_tenant_hook_created", "tenant_id", "webhook_id", "created_at", "id"),
    )

    webhook_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(tenant_fk("webhooks.id"), ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(json_type())
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: no answer at all
    response_excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # when the attempt was made
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # a retry is scheduled

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
