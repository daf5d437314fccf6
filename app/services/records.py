"""What every CRM record's service shares: loading one, safe edits, the trash."""
import uuid
from collections.abc import Iterable
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select, update

from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import Record, Trashable, TrashEntry
from app.models.base import utcnow
from app.services import audit


def get_record(ctx, model, record_id, *, include_deleted: bool = False, joined=None):
    """One record of the tenant by id; not found when missing, trashed, or another tenant's.

    `joined`, (a relationship of the model, a column of the model it leads to), reads that column of the
    related record in the same statement, the guard's criteria in the join: the answer is then (record, value),
    the value None when no record is related (or it is trashed, unless include_deleted).
    """
    if not isinstance(record_id, uuid.UUID):
        try:
            record_id = uuid.UUID(str(record_id))
        except ValueError:
            raise NotFound(_("This record does not exist.")) from None
    row = db.session.execute(_record_select(model, include_deleted, joined), {"record_id": record_id}).first()
    if row is None:
        raise NotFound(_("This record does not exist or was deleted."))
    return row[0] if joined is None else tuple(row)


@lru_cache(maxsize=256)
def _record_select(model, include_deleted: bool, joined) -> Select:
    """get_record's statement, the id a parameter: built once per model (statements are immutable), as building
    it cost a tenth of loading the record."""
    stmt = select(model) if joined is None else select(model, joined[1]).outerjoin(joined[0])
    return stmt.where(model.id == bindparam("record_id")).execution_options(include_deleted=include_deleted)


class StaleEdit(Conflict):
    """Someone else saved the record since this edit began; `current` holds what is saved now."""

    def __init__(self, message: str, *, current: Record):
        super().__init__(message)
        self.current = current


def check_version(record: Record, expected: int | None) -> None:
    """Refuse an edit made on an older version of the record (the form carries the version it showed)."""
    if expected is not None and expected != record.version:
        raise StaleEdit(_("Someone else changed this record while you were editing it. "
                          "Here are the current values; make your change again."), current=record)


def trash(ctx, record, *, label: str, linked: Iterable[tuple[type, object]] = ()) -> TrashEntry:
    """Move a record to the trash, with the rows that hang on it (`linked`: (model, where-clause) pairs).

    Everything gets the same deletion id, so restoring the entry brings all of it back.
    """
    now = utcnow()
    entry = TrashEntry(entity_type=audit.entity_type_of(record), entity_id=record.id, label=label[:300],
                       deleted_at=now, deleted_by=ctx.user_id)
    db.session.add(entry)
    db.session.flush()
    record.deleted_at, record.deletion_id = now, entry.id
    for model, condition in linked:
        db.session.execute(
            update(model).where(condition, model.deleted_at.is_(None))
            .values(deleted_at=now, deletion_id=entry.id).execution_options(synchronize_session=False)
        )
    audit.record(ctx, f"{entry.entity_type}.deleted", record)
    return entry


def restore_rows(entry: TrashEntry, models: Iterable[type[Trashable]]) -> None:
    """Bring back every row of these models that the deletion `entry` took."""
    for model in models:
        db.session.execute(
            update(model).where(model.deletion_id == entry.id)
            .values(deleted_at=None, deletion_id=None).execution_options(synchronize_session=False)
        )
