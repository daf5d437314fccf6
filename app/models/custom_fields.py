"""Custom fields that admins define per entity, without code."""
from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TenantOwned, TimestampMixin, UTCDateTime, json_type, tenant_table_args

FIELD_ENTITIES = ("person", "organization", "lead", "deal")
FIELD_TYPES = ("text", "long_text", "number", "date", "select", "checkbox")


class CustomField(TenantOwned, TimestampMixin, Base):
    """A field of an entity; values live in the record's `custom` JSON under `key`.
    Archiving hides the field and keeps the stored values."""

    __tablename__ = "custom_fields"
    __audit_name__ = "custom_field"
    __table_args__ = tenant_table_args(
        Index("ix_custom_fields_tenant_entity_key", "tenant_id", "entity", "key", unique=True),
    )

    entity: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(20))
    options: Mapped[list] = mapped_column(MutableList.as_mutable(json_type()), default=list)  # for select
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    show_in_list: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
