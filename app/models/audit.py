"""The audit log: who did what, through which door, with before/after values."""
import uuid
from datetime import datetime

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TenantOwned, UTCDateTime, json_type, tenant_table_args, utcnow


class AuditEvent(TenantOwned, Base):
    """One recorded action; `changes` maps a field to [before, after]."""

    __tablename__ = "audit_events"
    __table_args__ = tenant_table_args(
        Index("ix_audit_events_tenant_created", "tenant_id", "created_at", "id"),
        Index("ix_audit_events_tenant_entity", "tenant_id", "entity_type", "entity_id"),
    )

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)  # no FK: users are shared
    channel: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    changes: Mapped[dict] = mapped_column(json_type(), default=dict)
