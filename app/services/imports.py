"""Spreadsheet imports: upload a file, choose the mapping, import its rows in batches through the services.

Every row goes through the same service as a form (validation, duplicate checks, audit), so an
imported record is indistinguishable from one typed in. A bad row is kept with its reason and the
rest go on; duplicates of existing records (by email or phone; organisations by name) are skipped,
updated or created anyway as the user chose. A row that repeats an earlier row of the same file is bad.
"""
import csv
import io
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from pydantic import BaseModel
from sqlalchemy import func, select

from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import ImportRun, Lead, Organization
from app.models.base import utcnow
from app.permissions import can, require
from app.phones import normalise
from app.schemas.base import validate
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.imports import ImportChoices, ImportUpload
from app.schemas.leads import LeadInput
from app.services import audit, import_mapping, leads, organizations, people
from app.services.contact_edits import tenant_country
from app.spreadsheets import read_table

PREVIEW_ROWS = 5
CREATE_PERMISSION = {"person": "contact:create", "organization": "contact:create", "lead": "lead:write"}
UPDATE_PERMISSION = {"person": "contact:update", "organization": "contact:update", "lead": "lead:write"}
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
    run = db.session.scalar(select(ImportRun).where(ImportRun.id == run_id))
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
    require(ctx, CREATE_PERMISSION[run.entity])
    if run.status != "preview":
        raise Conflict(_("This file is already being imported or was imported. Upload it again to import it again."))
    fields = import_mapping.targets(ctx, entity=run.entity)
    mapping = {column: name for column, name in data.mapping.items()
               if name and column.isdigit() and int(column) < len(run.headers)}
    unknown = [column for column, name in mapping.items() if name not in fields]
    if unknown:
        raise Invalid(_("Please correct the marked fields."),
                      fields={f"map.{column}": _("Choose one of the fields in the list.") for column in unknown})
    if data.duplicates == "update" and not can(ctx, UPDATE_PERMISSION[run.entity]):
        message = _("Your role may add records but not change them: choose to skip duplicates or add them anyway.")
        raise Invalid(message, fields={"duplicates": message})
    if not import_mapping.names_the_record(run.entity, mapping):
        message = _("Choose the column that holds the name.")
        raise Invalid(message, fields={"__all__": message})
    changes = audit.diff(run, {"mapping": mapping, "duplicates": data.duplicates, "status": "queued"})
    db.session.flush()
    audit.record(ctx, "import_run.started", run, changes)
    return run


@dataclass
class _Progress:
    """What the batches of one run learn as they go: the records it touched, by the line that touched them."""

    lines_by_record: dict[uuid.UUID, int] = field(default_factory=dict)
    created: dict[tuple[str, str], uuid.UUID] = field(default_factory=dict)  # (field, value) -> id of a record it made
    organizations: dict[str, uuid.UUID] = field(default_factory=dict)  # lower-cased name -> id


@dataclass(frozen=True)
class _Row:
    """A row read and validated, with what it is matched on, ready to be written."""

    line: int
    data: BaseModel
    keys: list[tuple[str, str]]  # (field, value) a duplicate would share, in the order they are checked
    company: str | None = None  # a person's organisation, by name


def import_batches(ctx, *, run_id, size: int = BATCH_SIZE) -> Iterator[ImportRun]:
    """Import a queued run's rows, yielding the run after each batch of `size` rows.

    The job commits at each yield, so the progress bar moves and a crash keeps what was imported.
    Duplicates are looked up once per batch rather than once per row: the same rule, far fewer queries.
    """
    require(ctx, "import:run")
    run = get_run(ctx, run_id=run_id)
    if run.status != "queued":
        raise Conflict(_("This import is not waiting to run."))
    run.status, run.started_at = "running", utcnow()
    entity, mapping, rows = run.entity, dict(run.mapping), list(run.rows)  # not reloaded after every commit
    kind, progress = KINDS[entity], _Progress()
    for first in range(0, len(rows), size):
        bad, ready = [], []
        for index in range(first, min(first + size, len(rows))):
            try:
                ready.append(_read_row(ctx, kind, entity, index + 2,  # the header is line 1 of the spreadsheet
                                       import_mapping.row_values(entity, mapping, rows[index])))
            except Invalid as error:
                bad.append({"row": index + 2, "values": rows[index], "reason": _reason(ctx, entity, error)})
        known = ({key: record.id for key, record in kind.lookup(ctx, [k for row in ready for k in row.keys]).items()}
                 if run.duplicates != "create" else {})
        outcomes = Counter()  # counted here, written once a batch: the run's row is not updated row by row
        # The services flush what they write themselves; a row's lookups need not flush the last row's audit first.
        with db.session.no_autoflush:
            for row in ready:
                try:
                    outcomes[_import_row(ctx, run, progress, known, row)] += 1
                except (Invalid, Conflict) as error:
                    bad.append({"row": row.line, "values": rows[row.line - 2],
                                "reason": _reason(ctx, entity, error)})
        run.created, run.updated, run.skipped = (run.created + outcomes["created"], run.updated + outcomes["updated"],
                                                 run.skipped + outcomes["skipped"])
        run.processed = min(first + size, len(rows))
        run.bad_rows = [*run.bad_rows, *sorted(bad, key=lambda item: item["row"])]
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
    """How rows become records of one kind: the input schema and the services that match, add and change them."""

    schema: type[BaseModel]
    keys: Callable  # (ctx, data) -> [(field, value)] a duplicate would share
    lookup: Callable  # (ctx, keys) -> {(field, value): the existing record}
    create: Callable  # (ctx, data) -> record
    update: Callable  # (ctx, record_id, data) -> record


def _read_row(ctx, kind: _Kind, entity: str, line: int, values: dict) -> _Row:
    """Validate a row's input (Invalid for a bad row) and work out what it is matched on."""
    company = values.pop("organization", None) if entity == "person" else None
    data = validate(kind.schema, values)
    return _Row(line, data, kind.keys(ctx, data), company)


def _import_row(ctx, run: ImportRun, progress: _Progress, known: dict, row: _Row) -> str:
    """Write one row; which counter it adds to ("created", "updated", "skipped"), or Invalid/Conflict for a bad row."""
    kind = KINDS[run.entity]
    matched, existing = _existing(progress, known, row.keys) if run.duplicates != "create" else (None, None)
    if existing is not None:
        if existing in progress.lines_by_record:
            raise Conflict(_duplicate_of_line(matched, progress.lines_by_record[existing]))
        progress.lines_by_record[existing] = row.line
        if run.duplicates == "skip":
            return "skipped"
    key = _name_key(row.company or "")
    if key and key not in progress.organizations:
        # A new organisation is added for the row: if the row then fails, it must not stay behind.
        try:
            with db.session.begin_nested():
                return _write(ctx, kind, progress, row, existing,
                              _with_organization(ctx, progress, row.data, row.company))
        except (Invalid, Conflict):
            progress.organizations.pop(key, None)
            raise
    data = _with_organization(ctx, progress, row.data, row.company) if key else row.data
    return _write(ctx, kind, progress, row, existing, data)


def _existing(progress: _Progress, known: dict, keys) -> tuple[str | None, uuid.UUID | None]:
    """What matched and the id of the record a row duplicates: one on file first, else one this run made."""
    for key in keys:
        record_id = known.get(key) or progress.created.get(key)
        if record_id is not None:
            return key[0], record_id
    return None, None


def _write(ctx, kind: _Kind, progress: _Progress, row: _Row, existing_id, data) -> str:
    if existing_id is None:
        record = kind.create(ctx, data)
        progress.lines_by_record[record.id] = row.line
        for key in row.keys:
            progress.created.setdefault(key, record.id)
        return "created"
    kind.update(ctx, existing_id, data)
    return "updated"


def _with_organization(ctx, progress: _Progress, data: PersonInput, company: str) -> PersonInput:
    return data.model_copy(update={"organization_id": _organization_id(ctx, progress, company)})


def _duplicate_of_line(matched: str, line: int) -> str:
    if matched == "email":
        return _("Same email as row %(n)d of this file.", n=line)
    if matched == "phone":
        return _("Same phone number as row %(n)d of this file.", n=line)
    return _("Same name as row %(n)d of this file.", n=line)


def _name_key(name: str) -> str:
    """An organisation's name as duplicates are matched: case and extra spaces ignored."""
    return " ".join(name.split()).lower()


def _organization_id(ctx, progress: _Progress, name: str) -> uuid.UUID:
    """The organisation a person's row names: one on file with that name, else a new one (once per run)."""
    key = _name_key(name)
    if key not in progress.organizations:
        found = _organizations_named(ctx, [("name", key)]).get(("name", key))
        if found is None:
            found = organizations.create_organization(ctx, data=validate(OrganizationInput, {"name": name}))
        progress.organizations[key] = found.id
    return progress.organizations[key]


def _organizations_named(ctx, keys) -> dict:
    """{("name", lower-cased name): the oldest organisation of that name} for the ("name", ...) keys given."""
    found = {}
    names = {name for _field, name in keys}
    if names:
        stmt = (select(Organization).where(func.lower(Organization.name).in_(names))
                .order_by(Organization.created_at.desc(), Organization.id.desc()))
        for organization in db.session.scalars(stmt):  # the oldest comes last and stays
            found["name", _name_key(organization.name)] = organization
    return found


def _phone(ctx, raw: str | None) -> str | None:
    return normalise(raw, tenant_country(ctx)) if raw else None


def _contact_keys(ctx, data) -> list[tuple[str, str]]:
    """People and leads match on their email, then their phone (E.164); a bad phone makes the row bad."""
    return [key for key in (("email", data.email), ("phone", _phone(ctx, data.phone))) if key[1]]


def _leads_with(ctx, keys) -> dict:
    """{("email" or "phone", value): the oldest lead with it}, as people are matched."""
    found = {}
    for field_name, column in (("email", Lead.email), ("phone", Lead.phone_e164)):
        values = {value for name, value in keys if name == field_name}
        if values:
            stmt = select(Lead).where(column.in_(values)).order_by(Lead.created_at.desc(), Lead.id.desc())
            for lead in db.session.scalars(stmt):
                found[field_name, getattr(lead, column.key)] = lead
    return found


KINDS = {
    "person": _Kind(
        PersonInput, _contact_keys,
        lookup=lambda ctx, keys: people.find_duplicates(
            ctx, emails=[v for k, v in keys if k == "email"], phones=[v for k, v in keys if k == "phone"]),
        # duplicates were checked for the whole batch already
        create=lambda ctx, data: people.create_person(ctx, data=data.model_copy(update={"create_anyway": True})),
        update=lambda ctx, record_id, data: people.update_person(ctx, person_id=record_id, data=data, version=None)),
    "organization": _Kind(
        OrganizationInput, lambda ctx, data: [("name", _name_key(data.name))] if data.name else [],
        lookup=_organizations_named,
        create=lambda ctx, data: organizations.create_organization(ctx, data=data),
        update=lambda ctx, record_id, data: organizations.update_organization(
            ctx, organization_id=record_id, data=data, version=None)),
    "lead": _Kind(
        LeadInput, _contact_keys, lookup=_leads_with,
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
