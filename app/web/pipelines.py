"""Settings, Pipelines: admins and heads rename, colour, add, reorder and delete stages."""
import uuid

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app.errors import Conflict
from app.extensions import db
from app.permissions import require
from app.schemas.deals import StageInput
from app.services import pipelines
from app.web.rendering import FORM_ERROR, parse, render

bp = Blueprint("pipelines", __name__, url_prefix="/settings/pipelines")


@bp.before_request
@login_required
def _signed_in():
    """Only admins and heads manage pipelines."""
    require(g.ctx, "pipeline:manage")


def _page(*, status=200, errors=None, form=None, failed_stage=None, add_errors=None, add_form=None):
    return render("pipelines/index.html", pipelines=pipelines.list_pipelines(g.ctx), errors=errors or {},
                  form=form or {}, failed_stage=failed_stage, add_errors=add_errors or {}, add_form=add_form or {},
                  kinds=[("open", _("Open")), ("won", _("Won")), ("lost", _("Lost"))], status=status)


@bp.get("")
def index():
    """Every pipeline with its stages, each editable."""
    return _page()


@bp.post("/stages/<uuid:stage_id>")
def update_stage(stage_id: uuid.UUID):
    """Save a stage's name, colour, probability and kind."""
    data, errors = parse(StageInput, request.form)
    if errors:
        pipelines.get_stage(g.ctx, stage_id)  # another tenant's stage is not found
        return _page(status=FORM_ERROR, errors=errors, form=request.form, failed_stage=stage_id)
    stage = pipelines.update_stage(g.ctx, stage_id=stage_id, data=data)
    flash(_("Stage %(name)s saved.", name=stage.name), "success")
    return redirect(url_for("pipelines.index"))


@bp.post("/<uuid:pipeline_id>/stages")
def add_stage(pipeline_id: uuid.UUID):
    """Add a stage to a pipeline."""
    data, errors = parse(StageInput, request.form)
    if errors:
        pipelines.get_pipeline(g.ctx, pipeline_id=pipeline_id)
        return _page(status=FORM_ERROR, add_errors={str(pipeline_id): errors}, add_form=request.form)
    stage = pipelines.add_stage(g.ctx, pipeline_id=pipeline_id, data=data)
    flash(_("Stage %(name)s added.", name=stage.name), "success")
    return redirect(url_for("pipelines.index"))


@bp.post("/stages/<uuid:stage_id>/move")
def move_stage(stage_id: uuid.UUID):
    """Move a stage one place up or down."""
    offset = -1 if request.form.get("direction") == "up" else 1
    pipelines.move_stage(g.ctx, stage_id=stage_id, offset=offset)
    return redirect(url_for("pipelines.index", _anchor=f"stage-{stage_id}"))


@bp.post("/stages/<uuid:stage_id>/delete")
def delete_stage(stage_id: uuid.UUID):
    """Delete an empty stage; one that still holds deals is refused with a message."""
    stage = pipelines.get_stage(g.ctx, stage_id)
    name = stage.name
    try:
        pipelines.delete_stage(g.ctx, stage_id=stage_id)
    except Conflict as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        flash(_("Stage %(name)s deleted.", name=name), "success")
    return redirect(url_for("pipelines.index"))
