"""Spreadsheet imports: upload a file, choose the mapping, import its rows in batches through the services.

Every row goes through the same service as a form (validation, duplicate checks, audit), so an
imported record is indistinguishable from one typed in. A bad row is kept with its reason and the
rest go on; duplicates of existing records (by email or phone; organisations by name) are skipped,
updated or created anyway as the user chose. A row that repeats an earlier row of the same file is bad.
"""
import csv
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from pydantic import BaseModel
from sqlalchemy import func, select

from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import ImportRun, Lead, Organization
from app.models.base import utcnow
from app.permissions import require
from app.phones import normalise
from app.schemas.base import validate
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.imports import ImportChoices, ImportUpload
from app.schemas.leads import LeadInput
from app.services import audit, import_mapping, leads, organizations, people
from app.services.contact_edits import tenant_country
from app.spreadsheets import read_table

PREVIEW_ROWS = 5
BATCH_SIZE = 500


def upload(ctx, *, data: ImportUpload, filename: str, content: bytes) -> ImportRun:
    """Read an uploaded file and keep its rows with a guessed mapping, ready for the preview."""
    require(ctx, "import:run")
    headers, rows = read_table(filename, content)
    run = ImportRun(entity=data.entity, filename=(filename or "")[-255:], status="preview", created_by=ctx.user_id,
                    headers=headers, rows=rows, total=len(rows),
                    mapping=import_mapping.guess(ctx, entity=data.entity, headers=headers),
                    bad_rows=[])
    db.session.add(run)
    db.session.flush()
    audit.record(ctx, "import_run.uploaded", run, {"filename": (None, run.filename), "rows": (None, run.total)})
    return run


def get_run(ctx, *, run_id) -> ImportRun:
    """One import run of the tenant."""
    require(ctx, "import:run")
    if not isinstance(run_id, uuid.UUID):
        try:
            run_id = uuid.UUID(str(run_id))
        except ValueError:
            raise NotFound(_("This import does not exist.")) from None
    run = db.session.get(ImportRun, run_id)
    if run is None:
        raise NotFound(_("This import does not exist."))
    return run


def list_runs(ctx, *, limit: int = 10) -> list[ImportRun]:
    """The latest import runs, newest first."""
    require(ctx, "import:run")
    stmt = select(ImportRun).order_by(ImportRun.created_at.desc(), ImportRun.id).limit(limit)
    return list(db.session.scalars(stmt))


def start(ctx, *, run_id, data: ImportChoices) -> ImportRun:
    """Fix the mapping and duplicate choice of a previewed run and mark it queued (the door enqueues the job)."""
    require(ctx, "import:run")
    run = get_run(ctx, run_id=run_id)
    if run.status != "preview":
        raise Conflict(_("This file is already being imported or was imported. Upload it again to import it again."))
    fields = import_mapping.targets(ctx, entity=run.entity)
    mapping = {column: name for column, name in data.mapping.items()
               if name and column.isdigit() and int(column) < len(run.headers)}
    unknown = [column for column, name in mapping.items() if name not in fields]
    if unknown:
        raise Invalid(_("Please correct the marked fields."),
                      fields={f"map.{column}": _("Choose one of the fields in the list.") for column in unknown})
    if not import_mapping.names_the_record(run.entity, mapping):
        raise Invalid(_("Choose the column that holds the name."), fields={"__all__": _("Choose the column that holds the name.")})
    changes = audit.diff(run, {"mapping": mapping, "duplicates": data.duplicates, "status": "queued"})
    db.session.flush()
    audit.record(ctx, "import_run.started", run, changes)
    return run


@dataclass
class _Progress:
    """What the batches of one run learn as they go: the records it touched, by the line that touched them."""

    lines_by_record: dict[uuid.UUID, int] = field(default_factory=dict)
    organizations: dict[str, uuid.UUID] = field(default_factory=dict)  # lower-cased name -> id


def import_batches(ctx, *, run_id, size: int = BATCH_SIZE) -> Iterator[ImportRun]:
    """Import a queued run's rows, yielding the run after each batch of `size` rows.

    The job commits at each yield, so the progress bar moves and a crash keeps what was imported.
    """
    require(ctx, "import:run")
    run = get_run(ctx, run_id=run_id)
    if run.status != "queued":
        raise Conflict(_("This import is not waiting to run."))
    run.status, run.started_at = "running", utcnow()
    entity, mapping, rows = run.entity, dict(run.mapping), list(run.rows)  # not reloaded after every commit
    progress = _Progress()
    for first in range(0, len(rows), size):
        bad = []
        for index in range(first, min(first + size, len(rows))):
            line = index + 2  # the header is line 1 of the spreadsheet
            try:
                outcome = _import_row(ctx, run, progress, line, import_mapping.row_values(entity, mapping, rows[index]))
            except (Invalid, Conflict) as error:
                bad.append({"row": line, "values": rows[index], "reason": _reason(ctx, entity, error)})
                continue
            setattr(run, outcome, getattr(run, outcome) + 1)
        run.processed = min(first + size, len(rows))
        run.bad_rows = [*run.bad_rows, *bad]
        if run.processed >= len(rows):
            _finish(ctx, run)
        db.session.flush()
        yield run
    if not rows:
        _finish(ctx, run)
        yield run


def _finish(ctx, run: ImportRun) -> None:
    run.status, run.finished_at = "done", utcnow()
    audit.record(ctx, "import_run.finished", run, {
        "created": (None, run.created), "updated": (None, run.updated), "skipped": (None, run.skipped),
        "bad_rows": (None, len(run.bad_rows))})


def fail(ctx, *, run_id, message: str) -> ImportRun:
    """Mark a run as stopped by an unexpected error; what earlier batches imported stays."""
    run = get_run(ctx, run_id=run_id)
    run.status, run.finished_at, run.error = "failed", utcnow(), message[:1000]
    audit.record(ctx, "import_run.failed", run, {"error": (None, run.error)})
    return run


def _reason(ctx, entity: str, error: Invalid | Conflict) -> str:
    """A bad row's problem in words: each field's label and message."""
    if not error.fields:
        return error.message
    labels = import_mapping.targets(ctx, entity=entity)
    labels.update({"first_name": labels["name"], "last_name": labels["name"]})
    if entity == "person":
        labels["organization_id"] = labels["organization"]
    parts = [f"{labels[name]}: {message}" if name in labels else message for name, message in error.fields.items()]
    return " ".join(dict.fromkeys(parts))


# --- one row ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Kind:
    """How rows become records of one kind: the input schema and the services that find, add and change them."""

    schema: type[BaseModel]
    find: Callable  # (ctx, progress, data) -> (existing record, "email"/"phone"/"name") or None
    create: Callable  # (ctx, data) -> record
    update: Callable  # (ctx, record_id, data) -> record


def _import_row(ctx, run: ImportRun, progress: _Progress, line: int, values: dict) -> str:
    """Import one row; which counter it adds to ("created", "updated", "skipped"), or Invalid/Conflict for a bad row."""
    kind = KINDS[run.entity]
    company = values.pop("organization", None) if run.entity == "person" else None
    data = validate(kind.schema, values)
    found = kind.find(ctx, data) if run.duplicates != "create" else None
    if found is not None:
        existing, matched = found
        if existing.id in progress.lines_by_record:
            raise Conflict(_duplicate_of_line(matched, progress.lines_by_record[existing.id]))
        progress.lines_by_record[existing.id] = line
        if run.duplicates == "skip":
            return "skipped"
    key = " ".join((company or "").split()).lower()
    if key and key not in progress.organizations:
        # A new organisation is added for the row: if the row then fails, it must not stay behind.
        try:
            with db.session.begin_nested():
                return _write(ctx, kind, progress, line, found, _with_organization(ctx, progress, data, company))
        except (Invalid, Conflict):
            progress.organizations.pop(key, None)
            raise
    if key:
        data = _with_organization(ctx, progress, data, company)
    return _write(ctx, kind, progress, line, found, data)


def _write(ctx, kind: "_Kind", progress: _Progress, line: int, found, data) -> str:
    if found is None:
        progress.lines_by_record[kind.create(ctx, data).id] = line
        return "created"
    kind.update(ctx, found[0].id, data)
    return "updated"


def _with_organization(ctx, progress: _Progress, data: PersonInput, company: str) -> PersonInput:
    return data.model_copy(update={"organization_id": _organization_id(ctx, progress, company)})


def _duplicate_of_line(matched: str, line: int) -> str:
    if matched == "email":
        return _("Same email as row %(n)d of this file.", n=line)
    if matched == "phone":
        return _("Same phone number as row %(n)d of this file.", n=line)
    return _("Same name as row %(n)d of this file.", n=line)


def _organization_id(ctx, progress: _Progress, name: str) -> uuid.UUID:
    """The organisation a person's row names: one on file with that name, else a new one (once per run)."""
    key = " ".join(name.split()).lower()
    if key not in progress.organizations:
        found = _organization_named(ctx, key)
        if found is None:
            found = organizations.create_organization(ctx, data=validate(OrganizationInput, {"name": name}))
        progress.organizations[key] = found.id
    return progress.organizations[key]


def _organization_named(ctx, lowered: str) -> Organization | None:
    stmt = select(Organization).where(func.lower(Organization.name) == lowered)
    return db.session.scalars(stmt.order_by(Organization.created_at, Organization.id).limit(1)).first()


def _find_person(ctx, data: PersonInput):
    phone = normalise(data.phone, tenant_country(ctx)) if data.phone else None
    return people.find_duplicate(ctx, email=data.email, phone_e164=phone)


def _find_organization(ctx, data: OrganizationInput):
    found = _organization_named(ctx, " ".join(data.name.split()).lower())
    return (found, "name") if found is not None else None


def _find_lead(ctx, data: LeadInput):
    """A lead with the same email or phone, as people are matched."""
    phone = normalise(data.phone, tenant_country(ctx)) if data.phone else None
    for matched, column, value in (("email", Lead.email, data.email), ("phone", Lead.phone_e164, phone)):
        if value:
            found = db.session.scalars(select(Lead).where(column == value)
                                       .order_by(Lead.created_at, Lead.id).limit(1)).first()
            if found is not None:
                return found, matched
    return None


KINDS = {
    "person": _Kind(
        PersonInput, _find_person,
        create=lambda ctx, data: people.create_person(ctx, data=data.model_copy(update={"create_anyway": True})),
        update=lambda ctx, record_id, data: people.update_person(ctx, person_id=record_id, data=data, version=None)),
    "organization": _Kind(
        OrganizationInput, _find_organization,
        create=lambda ctx, data: organizations.create_organization(ctx, data=data),
        update=lambda ctx, record_id, data: organizations.update_organization(
            ctx, organization_id=record_id, data=data, version=None)),
    "lead": _Kind(
        LeadInput, _find_lead,
        create=lambda ctx, data: leads.create_lead(ctx, data=data),
        # the input carries only the row's non-empty cells: a blank cell never wipes a saved value
        update=lambda ctx, record_id, data: leads.update_lead(ctx, lead_id=record_id, data=data, version=None)),
}


def bad_rows_csv(ctx, *, run_id) -> str:
    """The run's bad rows as CSV, the file's own columns first, then the row number and the problem."""
    run = get_run(ctx, run_id=run_id)
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads a UTF-8 CSV as UTF-8 only when it starts with a byte order mark
    writer = csv.writer(out)
    writer.writerow([*run.headers, _("Row"), _("Problem")])
    for bad in run.bad_rows:
        writer.writerow([*bad["values"], bad["row"], bad["reason"]])
    return out.getvalue()
