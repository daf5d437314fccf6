"""Which records the sample data made, so removing it removes exactly those."""
import uuid

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TenantOwned, TimestampMixin, tenant_table_args


class SampleRecord(TenantOwned, TimestampMixin, Base):
    """One record loaded as sample data (an organisation, a person, a deal, an activity)."""

    __tablename__ = "sample_records"
    __table_args__ = tenant_table_args(Index("ix_sample_records_tenant_entity", "tenant_id", "entity_type"))

    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
