"""Tenants: the organisations sharing one deployment (a shared table)."""
import uuid
from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, TimestampMixin, UTCDateTime


class Tenant(IdMixin, TimestampMixin, Base):
    """One organisation; on PostgreSQL its data lives in the schema `schema_name`."""

    __tablename__ = "tenants"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    schema_name: Mapped[str] = mapped_column(String(63), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # ISO 3166 country: how phone numbers typed without a country code are read.
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    mfa_required_for_admins: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the admin MFA requirement was last switched on: the grace period counts from here.
    mfa_required_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # When the first-run wizard was finished or skipped; until then sign-up and login lead to it.
    onboarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Raised in the same transaction as any change to the tenant's users or custom fields, so a
    # process keeps what it read of them only while this number stays (app/services/tenant_settings.py).
    settings_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @staticmethod
    def schema_for(tenant_id: uuid.UUID) -> str:
        """The PostgreSQL schema name of a tenant."""
        return f"tenant_{tenant_id.hex}"
