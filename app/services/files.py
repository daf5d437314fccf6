"""Files attached to records: type checked from the content, stored outside the web root,
served only to the tenant's users."""
import uuid
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.extensions import db
from app.models import Attachment, Deal, Lead, Organization, Person
from app.permissions import require
from app.services import audit, records
from app.transactions import waits_for_commit

MAX_BYTES = 20 * 1024 * 1024
ALLOWED_TYPES = {
    "application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation", "application/rtf",
}
# subject type -> (model, the attachment's link column, permission to read, permission to attach)
SUBJECTS = {
    "person": (Person, "person_id", "contact:read", "contact:update"),
    "organization": (Organization, "organization_id", "contact:read", "contact:update"),
    "lead": (Lead, "lead_id", "lead:read", "lead:write"),
    "deal": (Deal, "deal_id", "deal:read", "deal:write"),
}
NEW_FILES, PURGED_FILES = "new_files", "purged_files"  # session.info keys
waits_for_commit(NEW_FILES)
waits_for_commit(PURGED_FILES)


def storage_root() -> Path:
    return Path(current_app.config.get("FILE_STORAGE_PATH") or Path(current_app.instance_path) / "files")


def _subject(ctx, subject_type: str, subject_id, *, write: bool):
    if subject_type not in SUBJECTS:
        raise Invalid(_("Files can be attached to people, organisations, leads and deals."))
    model, column, read_permission, write_permission = SUBJECTS[subject_type]
    require(ctx, write_permission if write else read_permission)
    return records.get_record(ctx, model, subject_id), column


def _detect(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if b"\x00" not in head:  # plain text or CSV: no magic number, but no binary either
        try:
            head.decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError:
            return None
    return None


def attach_file(ctx, *, subject_type: str, subject_id, filename: str, stream) -> Attachment:
    """Store an uploaded file on a record, refusing what is too large or not a document or image."""
    subject, column = _subject(ctx, subject_type, subject_id, write=True)
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise Invalid(_("Please correct the marked fields."), fields={"file": _("Choose a file to upload.")})
    if len(data) > MAX_BYTES:
        raise Invalid(_("Please correct the marked fields."), fields={"file": _("Files can be at most 20 MB.")})
    content_type = _detect(data[:8192])
    if content_type not in ALLOWED_TYPES | {"text/plain"}:
        raise Invalid(_("Please correct the marked fields."), fields={
            "file": _("Only PDFs, images, office documents and plain text can be attached.")})
    attachment = Attachment(id=uuid.uuid4(), filename=(Path(filename or "file").name or "file")[:255],
                            content_type=content_type, size=len(data), uploaded_by=ctx.user_id)
    attachment.storage_key = f"{ctx.tenant_id.hex}/{attachment.id.hex}"
    setattr(attachment, column, subject.id)
    path = storage_root() / attachment.storage_key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    db.session().info.setdefault(NEW_FILES, []).append(path)
    db.session.add(attachment)
    db.session.flush()
    audit.record(ctx, "attachment.created", attachment, {"filename": (None, attachment.filename),
                                                         f"{subject_type}_id": (None, subject.id)})
    return attachment


def list_files(ctx, *, subject_type: str, subject_id) -> list[Attachment]:
    """The files on a record, newest first."""
    subject, column = _subject(ctx, subject_type, subject_id, write=False)
    stmt = select(Attachment).where(getattr(Attachment, column) == subject.id)
    return list(db.session.scalars(stmt.order_by(Attachment.created_at.desc(), Attachment.id)))


def _attachment(ctx, attachment_id) -> tuple[Attachment, str]:
    attachment = records.get_record(ctx, Attachment, attachment_id)
    subject_type = next(name for name, (_m, column, _r, _w) in SUBJECTS.items() if getattr(attachment, column))
    return attachment, subject_type


def open_file(ctx, *, attachment_id) -> tuple[Attachment, Path]:
    """A file and where its bytes are, for download by the tenant's users."""
    attachment, subject_type = _attachment(ctx, attachment_id)
    require(ctx, SUBJECTS[subject_type][2])
    return attachment, storage_root() / attachment.storage_key


def delete_file(ctx, *, attachment_id) -> Attachment:
    """Move a file to the trash (its bytes stay until the trash is purged)."""
    attachment, subject_type = _attachment(ctx, attachment_id)
    require(ctx, SUBJECTS[subject_type][3])
    records.trash(ctx, attachment, label=attachment.filename)
    return attachment


def remove_after_commit(storage_keys) -> None:
    """Delete the bytes of purged files once their rows are gone for good (the transaction commits)."""
    root = storage_root()
    db.session().info.setdefault(PURGED_FILES, []).extend(root / key for key in storage_keys)


@event.listens_for(Session, "after_commit")
def _settle_files(session):
    session.info.pop(NEW_FILES, None)
    for path in session.info.pop(PURGED_FILES, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _remove_orphan_files(session):
    """A rolled-back upload leaves no file behind; a rolled-back purge keeps its files."""
    session.info.pop(PURGED_FILES, None)
    for path in session.info.pop(NEW_FILES, []):
        path.unlink(missing_ok=True)
