"""Uploading, downloading and deleting files on records."""
import uuid

from flask import Blueprint, flash, g, redirect, request, send_file
from flask_babel import gettext as _
from flask_login import login_required

from app.errors import Invalid
from app.services import files
from app.web.rendering import FORM_ERROR, form_errors, render

bp = Blueprint("files", __name__, url_prefix="/files")


@bp.before_request
@login_required
def _signed_in():
    """Files are for the tenant's signed-in users only."""


def _back() -> str:
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else "/"


def _panel(subject_type: str, subject_id, *, status=200, errors=None):
    return render("files/_files.html", files=files.list_files(g.ctx, subject_type=subject_type, subject_id=subject_id),
                  subject_type=subject_type, subject_id=subject_id, errors=errors or {}, next=_back(), status=status)


@bp.post("")
def upload():
    """Attach the uploaded file to the record named in the form."""
    subject_type, subject_id = request.form.get("subject_type", ""), request.form.get("subject_id", "")
    upload_ = request.files.get("file")
    try:
        files.attach_file(g.ctx, subject_type=subject_type, subject_id=subject_id,
                          filename=upload_.filename if upload_ else "", stream=upload_.stream if upload_ else None)
    except Invalid as error:
        if request.htmx:
            return _panel(subject_type, subject_id, status=FORM_ERROR, errors=form_errors(error))
        flash(form_errors(error).get("file") or error.message, "error")
        return redirect(_back())
    if request.htmx:
        return _panel(subject_type, subject_id)
    flash(_("The file was attached."), "success")
    return redirect(_back())


@bp.get("/<uuid:attachment_id>")
def download(attachment_id: uuid.UUID):
    """The file itself, always as a download (never rendered inline by the browser)."""
    attachment, path = files.open_file(g.ctx, attachment_id=attachment_id)
    return send_file(path, mimetype=attachment.content_type, as_attachment=True,
                     download_name=attachment.filename, max_age=0)


@bp.post("/<uuid:attachment_id>/delete")
def delete(attachment_id: uuid.UUID):
    """Move a file to the trash."""
    attachment = files.delete_file(g.ctx, attachment_id=attachment_id)
    flash(_("%(name)s was moved to the trash.", name=attachment.filename), "success")
    return redirect(_back())
