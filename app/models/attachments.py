"""Files attached to records (contracts, photos, documents), stored outside the web root."""
import uuid

from sqlalchemy import BigInteger, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TenantOwned, TimestampMixin, tenant_table_args
from app.models.records import LinkedToRecords, Trashable


class Attachment(TenantOwned, TimestampMixin, Trashable, LinkedToRecords, Base):
    """One uploaded file on a person, organisation, lead or deal."""

    __tablename__ = "attachments"
    __audit_name__ = "attachment"
    __table_args__ = tenant_table_args(
        Index("ix_attachments_tenant_person", "tenant_id", "person_id"),
        Index("ix_attachments_tenant_organization", "tenant_id", "organization_id"),
        Index("ix_attachments_tenant_lead", "tenant_id", "lead_id"),
        Index("ix_attachments_tenant_deal", "tenant_id", "deal_id"),
    )

    filename: Mapped[str] = mapped_column(String(255))  # as uploaded, for display and download
    content_type: Mapped[str] = mapped_column(String(100))  # detected from the content
    size: Mapped[int] = mapped_column(BigInteger)
    storage_key: Mapped[str] = mapped_column(String(200))  # path under the tenant's storage folder
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
