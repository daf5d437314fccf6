"""Users (a shared table: login happens before any tenant is known)."""
import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, TimestampMixin, UTCDateTime
from app.models.tenants import Tenant


class User(UserMixin, IdMixin, TimestampMixin, Base):
    """A person who signs in to one tenant with one role."""

    __tablename__ = "users"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(100), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped when the password changes or the user is deactivated: old sessions end.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    invite_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    mfa_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    mfa_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    mfa_last_timecode: Mapped[int | None] = mapped_column(Integer, nullable=True)
    recovery_code_hashes: Mapped[list] = mapped_column(JSON, default=list)
    # When this user became an admin: with the tenant's switch-on time, starts the MFA grace.
    admin_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    tenant: Mapped[Tenant] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated user cannot sign in
        return self.active

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None

    def get_id(self) -> str:
        return f"{self.id}.{self.session_epoch}"
