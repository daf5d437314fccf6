"""Pipelines with ordered stages, and the deals that move through them."""
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String, Text, Uuid, literal_column
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    Base,
    TenantOwned,
    TimestampMixin,
    UTCDateTime,
    partial_index,
    tags_index,
    tenant_fk,
    tenant_table_args,
    trigram_index,
)
from app.models.records import LIVE, Record

STAGE_KINDS = ("open", "won", "lost")
DEAL_STATUSES = ("open", "won", "lost")

# The open and the won deals, as the dashboard reads them (a partial index's `where`, kept in migration 0015).
OPEN_DEAL = f"status = 'open' AND {LIVE}"
WON_DEAL = f"status = 'won' AND {LIVE}"


class Pipeline(TenantOwned, TimestampMixin, Base):
    """A sales process: an ordered list of stages."""

    __tablename__ = "pipelines"
    __table_args__ = tenant_table_args(Index("ix_pipelines_tenant_position", "tenant_id", "position"))

    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)

    stages: Mapped[list["Stage"]] = relationship(
        back_populates="pipeline", order_by="Stage.position", lazy="selectin", cascade="all, delete-orphan")


class Stage(TenantOwned, TimestampMixin, Base):
    """One step of a pipeline; `kind` says whether deals here are still open, won or lost."""

    __tablename__ = "stages"
    __table_args__ = tenant_table_args(Index("ix_stages_tenant_pipeline", "tenant_id", "pipeline_id", "position"))

    pipeline_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(tenant_fk("pipelines.id"), ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    color: Mapped[str] = mapped_column(String(7), default="#64748b")
    probability: Mapped[int] = mapped_column(Integer, default=0)  # suggested for deals entering it
    kind: Mapped[str] = mapped_column(String(10), default="open")

    pipeline: Mapped[Pipeline] = relationship(back_populates="stages", lazy="raise")


class Deal(Record, Base):
    """A possible sale to a person and/or an organisation."""

    __tablename__ = "deals"
    __audit_name__ = "deal"
    __table_args__ = tenant_table_args(
        Index("ix_deals_tenant_stage_position", "tenant_id", "stage_id", "position"),
        Index("ix_deals_tenant_updated", "tenant_id", "updated_at", "id"),
        Index("ix_deals_tenant_person", "tenant_id", "person_id"),
        Index("ix_deals_tenant_organization", "tenant_id", "organization_id"),
        Index("ix_deals_tenant_owner", "tenant_id", "owner_id"),
        Index("ix_deals_tenant_close", "tenant_id", "expected_close"),
        # The dashboard's open deals by stage and won value by month (the team's, one owner's), read from
        # these indexes alone rather than from every deal of the tenant.
        partial_index("ix_deals_open_owner", "tenant_id", "owner_id", "stage_id", "currency", "value",
                      where=OPEN_DEAL),
        partial_index("ix_deals_won_closed", "tenant_id", "closed_at", "owner_id", "currency", "value",
                      where=WON_DEAL),
        trigram_index("deals", "name"),
        tags_index("deals"),
    )

    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    currency: Mapped[str] = mapped_column(String(3))
    probability: Mapped[int] = mapped_column(Integer, default=0)
    expected_close: Mapped[date | None] = mapped_column(Date, nullable=True)
    pipeline_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(tenant_fk("pipelines.id")))
    stage_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(tenant_fk("stages.id")))
    position: Mapped[int] = mapped_column(Integer, default=0)  # order within its stage on the board
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(tenant_fk("people.id"), ondelete="SET NULL"), nullable=True)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(tenant_fk("organizations.id"), ondelete="SET NULL"), nullable=True)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)  # the lead it was converted from
    status: Mapped[str] = mapped_column(String(10), default="open")
    lost_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)

    stage: Mapped[Stage] = relationship(lazy="raise")
    person = relationship("Person", lazy="raise")
    organization = relationship("Organization", lazy="raise")


def status_is(status: str):
    """A deal status condition with the status written into the SQL, so prepared statements' plans can use
    the partial indexes over open and won deals (see open_task_conditions for why)."""
    if status not in DEAL_STATUSES:
        raise ValueError(f"no deal status {status!r}")
    return Deal.status == literal_column(f"'{status}'")
