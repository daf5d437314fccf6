"""Spreadsheet imports: one run per uploaded file, from preview to result."""
import uuid
from datetime import datetime

from sqlalchemy import Index, Integer, String, Uuid
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, TenantOwned, TimestampMixin, UTCDateTime, json_type, tenant_table_args

IMPORT_ENTITIES = ("person", "organization", "lead")
DUPLICATE_CHOICES = ("skip", "update", "create")
# preview: uploaded, mapping being chosen; queued/running: the job has it; done or failed: finished.
IMPORT_STATUSES = ("preview", "queued", "running", "done", "failed")


class ImportRun(TenantOwned, TimestampMixin, Base):
    """An uploaded file's rows, the column mapping chosen for them, and what importing them did."""

    __tablename__ = "import_runs"
    __audit_name__ = "import_run"
    __table_args__ = tenant_table_args(Index("ix_import_runs_tenant_created", "tenant_id", "created_at"))

    entity: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), default="preview")
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)  # a user; no FK: users are shared
    headers: Mapped[list] = mapped_column(json_type(), default=list)
    # The data rows, as text, in file order; loaded only when read (the progress bar polls the run every second).
    rows: Mapped[list] = mapped_column(json_type(), default=list, deferred=True)
    mapping: Mapped[dict] = mapped_column(MutableDict.as_mutable(json_type()), default=dict)  # column -> field
    duplicates: Mapped[str] = mapped_column(String(10), default="skip")
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    bad_rows: Mapped[list] = mapped_column(json_type(), default=list)  # {"row", "values", "reason"}
    error: Mapped[str | None] = mapped_column(String(1000), nullable=True)  # why a run failed as a whole
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
