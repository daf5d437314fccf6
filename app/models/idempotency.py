"""Idempotency keys: the first answer to a POST, kept so a retry with the same key gets it again."""
import uuid

from sqlalchemy import Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TenantOwned, TimestampMixin, json_type, tenant_table_args


class IdempotencyKey(TenantOwned, TimestampMixin, Base):
    """A client's Idempotency-Key with the request it came with and the response it got."""

    __tablename__ = "idempotency_keys"
    __audit_name__ = "idempotency_key"
    __table_args__ = tenant_table_args(
        Index("ix_idempotency_keys_tenant_user_key", "tenant_id", "user_id", "key", unique=True),
        Index("ix_idempotency_keys_tenant_created", "tenant_id", "created_at"),
    )

    key: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)  # a user; no FK: users are shared
    request_line: Mapped[str] = mapped_column(String(300))  # "POST /api/v1/contacts"
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the request body
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[dict] = mapped_column(json_type())
