"""Spreadsheet import pages: upload, preview with the mapping, progress, and the result with its bad rows."""
import uuid

from flask import Blueprint, Response, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

import jobs
from app.errors import Conflict, Invalid
from app.extensions import db
from app.models.imports import IMPORT_ENTITIES
from app.schemas.base import validate
from app.schemas.imports import ImportChoices, ImportUpload
from app.services import import_mapping, imports, onboarding
from app.web.rendering import FORM_ERROR, form_errors, parse, render
from jobs.imports import run_import

bp = Blueprint("imports", __name__, url_prefix="/import")

MAPPING_PREFIX = "map."  # the preview's inputs are named map.<column number>


def _entity_labels() -> dict[str, str]:
    return dict(zip(IMPORT_ENTITIES, (_("People"), _("Organisations"), _("Leads")), strict=True))


@bp.before_request
@login_required
def _signed_in():
    """Imports are for signed-in users whose role may import; the service checks it."""


def _index(status: int = 200, **context):
    context.setdefault("errors", {})
    context.setdefault("form", {"entity": "person"})
    return render("imports/index.html", runs=imports.list_runs(g.ctx), entities=_entity_labels(), status=status,
                  **context)


@bp.get("")
def index():
    """Upload a spreadsheet (of the kind of records the link came from); the latest imports below."""
    entity = request.args.get("entity")
    return _index(form={"entity": entity if entity in IMPORT_ENTITIES else "person"})


@bp.post("")
def upload():
    """Read the uploaded file and show its preview."""
    data, errors = parse(ImportUpload, request.form)
    upload_file = request.files.get("file")
    if not errors and (upload_file is None or not upload_file.filename):
        errors = {"file": _("Choose a file to upload.")}
    if not errors:
        try:
            run = imports.upload(g.ctx, data=data, filename=upload_file.filename, content=upload_file.read())
        except Invalid as error:
            errors = form_errors(error)
        else:
            return redirect(url_for("imports.detail", run_id=run.id))
    return _index(status=FORM_ERROR, errors=errors, form=request.form)


def _mapping_from(form) -> dict[str, str]:
    """{column number: field} from the preview form's map.<column> inputs."""
    return {key.removeprefix(MAPPING_PREFIX): value for key, value in form.items() if key.startswith(MAPPING_PREFIX)}


def _preview(run, *, errors=None, form=None, status=200):
    mapping = _mapping_from(form) if form is not None else run.mapping
    return render("imports/preview.html", run=run, mapping=mapping, errors=errors or {}, status=status,
                  duplicates=form.get("duplicates", run.duplicates) if form is not None else run.duplicates,
                  targets=import_mapping.targets(g.ctx, entity=run.entity), entities=_entity_labels(),
                  sample=run.rows[:imports.PREVIEW_ROWS])


@bp.get("/<uuid:run_id>")
def detail(run_id: uuid.UUID):
    """The preview of a file not yet imported; else its progress or result."""
    run = imports.get_run(g.ctx, run_id=run_id)
    if run.status == "preview":
        return _preview(run)
    return render("imports/run.html", fragment="imports/_status.html", run=run, entities=_entity_labels(),
                  setup_pending=onboarding.needs_wizard(g.ctx))


@bp.post("/<uuid:run_id>/start")
def start(run_id: uuid.UUID):
    """Import with the chosen mapping and duplicate choice, in a background job."""
    form = request.form
    try:
        data = validate(ImportChoices, {"mapping": _mapping_from(form), "duplicates": form.get("duplicates", "skip")})
        run = imports.start(g.ctx, run_id=run_id, data=data)
    except Conflict:
        return redirect(url_for("imports.detail", run_id=run_id))
    except Invalid as error:
        db.session.rollback()
        return _preview(imports.get_run(g.ctx, run_id=run_id), errors=form_errors(error), form=form,
                        status=FORM_ERROR)
    jobs.enqueue(g.ctx, run_import, run_id=str(run.id))
    return redirect(url_for("imports.detail", run_id=run_id))


@bp.get("/<uuid:run_id>/progress")
def progress(run_id: uuid.UUID):
    """The progress bar (polled while the job runs), then the result."""
    return render("imports/_status.html", run=imports.get_run(g.ctx, run_id=run_id), entities=_entity_labels())


@bp.get("/<uuid:run_id>/bad-rows.csv")
def bad_rows(run_id: uuid.UUID):
    """The rows that were not imported, with the reason, as CSV to fix and upload again."""
    run = imports.get_run(g.ctx, run_id=run_id)
    name = run.filename.rsplit(".", 1)[0] or "import"
    return Response(imports.bad_rows_csv(g.ctx, run_id=run_id), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{_ascii(name)}-bad-rows.csv"'})


def _ascii(name: str) -> str:
    """A file name safe in a header: letters, digits, dashes and underscores."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in name)[:80] or "import"
