"""People and organisations."""
import uuid

from sqlalchemy import ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    Base,
    Searchable,
    SearchText,
    json_type,
    partial_index,
    tags_index,
    tenant_fk,
    tenant_table_args,
    trigram_index,
)
from app.models.records import LIVE, Record

PERSON_SEARCH = SearchText(always=("first_name", "last_name"), maybe=("email", "phone"))
ORGANIZATION_SEARCH = SearchText(always=("name",), maybe=("domain", "website", "phone"))


class Organization(Searchable, Record, Base):
    """A company or other organisation; people belong to at most one."""

    __tablename__ = "organizations"
    __audit_name__ = "organization"
    __search__ = ORGANIZATION_SEARCH
    __table_args__ = tenant_table_args(
        Index("ix_organizations_tenant_name", "tenant_id", text("lower(name)")),
        Index("ix_organizations_tenant_updated", "tenant_id", "updated_at", "id"),
        Index("ix_organizations_tenant_domain", "tenant_id", "domain"),
        ORGANIZATION_SEARCH.index("organizations"),
        trigram_index("organizations", "phone_e164"),
        tags_index("organizations"),
    )

    name: Mapped[str] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(300), nullable=True)
    domain: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)  # as typed
    phone_e164: Mapped[str | None] = mapped_column(String(20), nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    industry: Mapped[str | None] = mapped_column(String(100), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)

    people: Mapped[list["Person"]] = relationship(back_populates="organization", lazy="raise")


class Person(Searchable, Record, Base):
    """A contact person."""

    __tablename__ = "people"
    __audit_name__ = "person"
    __search__ = PERSON_SEARCH
    __table_args__ = tenant_table_args(
        # The list's name order: lower() of the columns, as text (func.lower("last_name") would index a constant).
        Index("ix_people_tenant_last_first", "tenant_id", text("lower(last_name)"), text("lower(first_name)"), "id"),
        Index("ix_people_tenant_updated", "tenant_id", "updated_at", "id"),
        Index("ix_people_tenant_created", "tenant_id", "created_at", "id"),
        Index("ix_people_tenant_email", "tenant_id", "email"),
        Index("ix_people_tenant_email_order", "tenant_id", text("coalesce(email, '')"), "id"),  # the email sort
        Index("ix_people_tenant_phone", "tenant_id", "phone_e164"),
        Index("ix_people_tenant_organization", "tenant_id", "organization_id"),
        Index("ix_people_tenant_owner", "tenant_id", "owner_id"),
        # The dashboard's people counts (the team's, one owner's) read this index alone, not the rows.
        partial_index("ix_people_live_owner", "tenant_id", "owner_id", where=LIVE),
        # The dashboard's people added by week (the team's, one owner's), from the index alone.
        partial_index("ix_people_live_created", "tenant_id", "created_at", "owner_id", where=LIVE),
        PERSON_SEARCH.index("people"),
        trigram_index("people", "phone_e164"),
        tags_index("people"),
    )

    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)  # the main one, lower-cased
    phone: Mapped[str | None] = mapped_column(String(50), nullable=True)  # the main one, as typed
    phone_e164: Mapped[str | None] = mapped_column(String(20), nullable=True)
    other_emails: Mapped[list] = mapped_column(MutableList.as_mutable(json_type()), default=list)
    other_phones: Mapped[list] = mapped_column(MutableList.as_mutable(json_type()), default=list)
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)  # job title
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(tenant_fk("organizations.id"), ondelete="SET NULL"), nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)

    organization: Mapped[Organization | None] = relationship(back_populates="people", lazy="raise")

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
