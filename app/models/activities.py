"""Activities: calls, emails, meetings, notes and tasks, on one timeline per customer."""
import uuid
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TenantOwned, TimestampMixin, UTCDateTime, tenant_table_args
from app.models.records import LinkedToRecords, Trashable

ACTIVITY_KINDS = ("call", "email", "meeting", "note", "task")


class Activity(TenantOwned, TimestampMixin, Trashable, LinkedToRecords, Base):
    """Something that happened (or, for a task, must happen) with a person, organisation, lead or deal."""

    __tablename__ = "activities"
    __audit_name__ = "activity"
    __table_args__ = tenant_table_args(
        Index("ix_activities_tenant_person_when", "tenant_id", "person_id", "occurred_at"),
        Index("ix_activities_tenant_organization_when", "tenant_id", "organization_id", "occurred_at"),
        Index("ix_activities_tenant_lead_when", "tenant_id", "lead_id", "occurred_at"),
        Index("ix_activities_tenant_deal_when", "tenant_id", "deal_id", "occurred_at"),
        Index("ix_activities_tenant_assignee_due", "tenant_id", "assignee_id", "done_at", "due_at"),
        Index("ix_activities_tenant_when", "tenant_id", "occurred_at"),  # the dashboard's last 30 days
    )

    kind: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text, nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it happened (tasks: when created)
    duration_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(200), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # tasks
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)  # tasks; a user
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # tasks
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)  # who logged it
    channel: Mapped[str] = mapped_column(String(16))  # the door it came through
