"""The trash: what was deleted, restoring it with everything it took along, purging after 30 days."""
import uuid
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select, tuple_

from app.errors import NotFound
from app.extensions import db
from app.models import Activity, Attachment, Deal, Lead, Organization, Person, TrashEntry
from app.models.base import utcnow
from app.permissions import require
from app.services import audit, files
from app.services.records import restore_rows

KEEP_DAYS = 30
# Children before parents, so a purge never trips over a foreign key.
TRASHABLE = (Activity, Attachment, Deal, Person, Lead, Organization)
ENTITY_MODELS = {audit.entity_type_of(model): model for model in TRASHABLE}


def list_entries(ctx) -> list[TrashEntry]:
    """What is in the trash, most recently deleted first."""
    require(ctx, "trash:manage")
    return list(db.session.scalars(select(TrashEntry).order_by(TrashEntry.deleted_at.desc(), TrashEntry.id)))


def list_page(ctx, *, before: tuple | None = None, limit: int = 50) -> tuple[list[TrashEntry], tuple | None]:
    """A page of the trash, most recently deleted first, and the keyset cursor (deleted_at, id) of the next."""
    require(ctx, "trash:manage")
    stmt = select(TrashEntry).order_by(TrashEntry.deleted_at.desc(), TrashEntry.id.desc())
    if before:
        stmt = stmt.where(tuple_(TrashEntry.deleted_at, TrashEntry.id) < tuple_(*before))
    entries = list(db.session.scalars(stmt.limit(limit + 1)))
    cursor = (entries[limit - 1].deleted_at, entries[limit - 1].id) if len(entries) > limit else None
    return entries[:limit], cursor


def purge_date(entry: TrashEntry):
    """When an entry is purged for good."""
    return entry.deleted_at + timedelta(days=KEEP_DAYS)


def restore(ctx, *, entry_id: uuid.UUID) -> TrashEntry:
    """Bring back a deleted record and everything deleted with it."""
    require(ctx, "trash:manage")
    entry = db.session.get(TrashEntry, entry_id)
    if entry is None:
        raise NotFound(_("This item is no longer in the trash."))
    restore_rows(entry, TRASHABLE)
    record = db.session.get(ENTITY_MODELS[entry.entity_type], entry.entity_id)
    db.session.delete(entry)
    db.session.flush()
    if record is not None:
        db.session.refresh(record)
        audit.record(ctx, f"{entry.entity_type}.restored", record)
    return entry


def purge_expired(ctx, *, keep_days: int = KEEP_DAYS) -> int:
    """Delete for good what has been in the trash longer than `keep_days`; returns how many deletions."""
    cutoff = utcnow() - timedelta(days=keep_days)
    expired = list(db.session.scalars(select(TrashEntry.id).where(TrashEntry.deleted_at < cutoff)))
    if expired:
        purged_files = db.session.scalars(select(Attachment.storage_key).where(Attachment.deletion_id.in_(expired))
                                          .execution_options(include_deleted=True)).all()
        for model in TRASHABLE:
            db.session.execute(delete(model).where(model.deletion_id.in_(expired))
                               .execution_options(synchronize_session=False))
        db.session.execute(delete(TrashEntry).where(TrashEntry.id.in_(expired))
                           .execution_options(synchronize_session=False))
        files.remove_after_commit(purged_files)
    return len(expired)
