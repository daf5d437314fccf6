"""Sample data for admins: load a small poultry supplier's records to try Roost, remove them in one click."""
from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import ngettext
from flask_login import login_required

from app.errors import Conflict
from app.permissions import require
from app.services import sample_data
from app.web.rendering import render

bp = Blueprint("sample_data", __name__, url_prefix="/settings/sample-data")


@bp.before_request
@login_required
def _signed_in():
    """Sample data is an admin's setting; the services check the permission."""


def _back():
    """Where the button was (a local path only), else the sample data page."""
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("sample_data.index")
    return redirect(target)


@bp.get("")
def index():
    """Whether sample data is loaded, with the one button that loads or removes it."""
    require(g.ctx, "tenant:settings")
    return render("settings/sample_data.html", loaded=sample_data.is_loaded(g.ctx))


@bp.post("/load")
def load():
    """Load the sample business and go back to where the button was."""
    try:
        count = sample_data.load(g.ctx)
    except Conflict as refused:
        flash(refused.message, "error")
    else:
        flash(ngettext("%(num)d sample record was added. Remove them all under Settings, Sample data.",
                       "%(num)d sample records were added. Remove them all under Settings, Sample data.", count),
              "success")
    return _back()


@bp.post("/remove")
def remove():
    """Remove every sample record and go back to where the button was."""
    try:
        count = sample_data.remove(g.ctx)
    except Conflict as refused:
        flash(refused.message, "error")
    else:
        flash(ngettext("%(num)d sample record was removed.", "%(num)d sample records were removed.", count), "success")
    return _back()
