"""The trash: one entry per deletion, naming the record the user deleted."""
import uuid
from datetime import datetime

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TenantOwned, UTCDateTime, tenant_table_args, utcnow


class TrashEntry(TenantOwned, Base):
    """A deletion: its id is the `deletion_id` of every row it took (the record and what hung on it)."""

    __tablename__ = "trash_entries"
    __table_args__ = tenant_table_args(Index("ix_trash_entries_tenant_deleted", "tenant_id", "deleted_at"))

    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    label: Mapped[str] = mapped_column(String(300))  # what the trash page shows
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
