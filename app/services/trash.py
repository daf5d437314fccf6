"""The trash: what was deleted, restoring it with everything it took along, purging after 30 days."""
import uuid
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app.errors import NotFound
from app.extensions import db
from app.models import Activity, Attachment, Deal, Lead, Organization, Person, TrashEntry
from app.models.base import utcnow
from app.permissions import require
from app.services import audit
from app.services.records import restore_rows

KEEP_DAYS = 30
# Children before parents, so a purge never trips over a foreign key.
TRASHABLE = (Activity, Attachment, Deal, Person, Lead, Organization)
ENTITY_MODELS = {audit.entity_type_of(model): model for model in (Deal, Person, Lead, Organization, Activity)}


def list_entries(ctx) -> list[TrashEntry]:
    """What is in the trash, most recently deleted first."""
    require(ctx, "trash:manage")
    return list(db.session.scalars(select(TrashEntry).order_by(TrashEntry.deleted_at.desc(), TrashEntry.id)))


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
        for model in TRASHABLE:
            db.session.execute(delete(model).where(model.deletion_id.in_(expired))
                               .execution_options(synchronize_session=False))
        db.session.execute(delete(TrashEntry).where(TrashEntry.id.in_(expired))
                           .execution_options(synchronize_session=False))
    return len(expired)
