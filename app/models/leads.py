"""Leads: possible customers not yet qualified."""
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, Numeric, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Searchable, SearchText, UTCDateTime, tags_index, tenant_table_args, trigram_index
from app.models.records import Record

LEAD_SEARCH = SearchText(always=("name",), maybe=("company", "email", "phone"))
LEAD_STATUSES = ("new", "contacted", "qualified", "unqualified", "converted")


class Lead(Searchable, Record, Base):
    """A lead; converting it makes a person (and organisation) and a deal, and keeps its history."""

    __tablename__ = "leads"
    __audit_name__ = "lead"
    __search__ = LEAD_SEARCH
    __table_args__ = tenant_table_args(
        Index("ix_leads_tenant_updated", "tenant_id", "updated_at", "id"),
        Index("ix_leads_tenant_status", "tenant_id", "status"),
        Index("ix_leads_tenant_email", "tenant_id", "email"),
        Index("ix_leads_tenant_owner", "tenant_id", "owner_id"),
        LEAD_SEARCH.index("leads"),
        trigram_index("leads", "phone_e164"),
        tags_index("leads"),
    )

    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)
    phone_e164: Mapped[str | None] = mapped_column(String(20), nullable=True)
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="new")
    estimated_value: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    converted_person_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    converted_organization_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    converted_deal_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
