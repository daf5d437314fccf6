"""Activities: calls, emails, meetings, notes and tasks, on one timeline per customer."""
import uuid
from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, Uuid, literal_column
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TenantOwned, TimestampMixin, UTCDateTime, partial_index, tenant_table_args
from app.models.records import LIVE, LinkedToRecords, Trashable

ACTIVITY_KINDS = ("call", "email", "meeting", "note", "task")

# The open (not done, not trashed) tasks: few beside all activities, and read on every page (the
# navigation's overdue count) and by the dashboard; two partial indexes hold just them.
OPEN_TASK = f"kind = 'task' AND done_at IS NULL AND {LIVE}"


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
        # Newest first for the activity list; the dashboard's last 30 days by kind and by who logged them,
        # read from the index alone.
        partial_index("ix_activities_live_when", "tenant_id", "occurred_at", "kind", "user_id", where=LIVE),
        partial_index("ix_activities_open_tasks_due", "tenant_id", "due_at", "id", where=OPEN_TASK),  # the team's
        partial_index("ix_activities_open_tasks_assignee", "tenant_id", "assignee_id", "due_at", "id",
                      where=OPEN_TASK),  # one user's
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


def open_task_conditions() -> tuple:
    """The conditions of an open task (trashed rows are left out by every query already).

    'task' is written into the SQL rather than sent as a parameter: PostgreSQL cannot tell that a
    prepared statement's `kind = $1` matches the partial indexes' `kind = 'task'`, and its generic
    plan (chosen after a few runs on one connection) would scan the table instead. A literal column, not
    a literal rendered at execution: that would render the SQL anew on every run.
    """
    return Activity.kind == literal_column("'task'"), Activity.done_at.is_(None)
