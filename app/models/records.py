"""What every CRM record shares: an owner, timestamps, a version for safe edits, and the trash."""
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Uuid, event
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, declared_attr, mapped_column, with_loader_criteria

from app.models.base import TenantOwned, TimestampMixin, UTCDateTime, json_type, tenant_fk, with_option


LIVE = "deleted_at IS NULL"  # rows not in the trash, as every read asks for them (a partial index's `where`)


class Trashable:
    """Soft delete: a deleted row keeps `deleted_at` and the id of the deletion that took it,
    so one restore brings back a record with everything deleted along with it.
    Queries skip trashed rows unless run with `execution_options(include_deleted=True)`."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deletion_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True, index=True)


class LinkedToRecords:
    """Rows that hang on a person, organisation, lead and/or deal (activities, files): gone with them."""

    person_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(tenant_fk("people.id"), ondelete="CASCADE"), nullable=True)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(tenant_fk("organizations.id"), ondelete="CASCADE"), nullable=True)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(tenant_fk("leads.id"), ondelete="CASCADE"), nullable=True)
    deal_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(tenant_fk("deals.id"), ondelete="CASCADE"), nullable=True)


class Record(TenantOwned, TimestampMixin, Trashable):
    """A CRM record (person, organisation, lead, deal): owned by a user, versioned, with custom fields."""

    owner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)  # a user; no FK: users are shared
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    tags: Mapped[list] = mapped_column(MutableList.as_mutable(json_type()), default=list)
    custom: Mapped[dict] = mapped_column(MutableDict.as_mutable(json_type()), default=dict)

    @declared_attr.directive
    def __mapper_args__(cls):
        # SQLAlchemy checks and bumps the version on every UPDATE: a concurrent save fails.
        return {"version_id_col": cls.version}


# Made once: building it analyses its lambda, which cost 2% of a small API request when done per statement.
_LIVE_ONLY = with_loader_criteria(Trashable, lambda cls: cls.deleted_at.is_(None), include_aliases=True)


@event.listens_for(Session, "do_orm_execute")
def _hide_trashed(state: ORMExecuteState):
    """Trashed rows stay out of every read unless the statement asks for them."""
    if state.is_select and not state.execution_options.get("include_deleted", False):
        state.statement = with_option(state.statement, _LIVE_ONLY)
