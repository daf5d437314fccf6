"""The trash, for admins and heads: what was deleted, by whom, and bringing it back."""
import uuid
from datetime import datetime

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.permissions import require
from app.services import trash, users
from app.web.activities import record_url
from app.web.rendering import render

bp = Blueprint("trash", __name__, url_prefix="/trash")

ENTITY_LABELS = {"person": _l("Person"), "organization": _l("Organisation"), "lead": _l("Lead"), "deal": _l("Deal"),
                 "activity": _l("Activity"), "attachment": _l("File")}


@bp.before_request
@login_required
def _signed_in():
    """Every trash page needs a signed-in user; the service checks trash:manage."""


def _cursor(raw: str | None):
    stamp, _sep, entry_id = (raw or "").partition("|")
    try:
        return datetime.fromisoformat(stamp), uuid.UUID(entry_id)
    except ValueError:
        return None


@bp.get("")
def index():
    """What is in the trash, newest deletion first; older pages load below."""
    entries, cursor = trash.list_page(g.ctx, before=_cursor(request.args.get("before")))
    return render("trash/index.html", fragment="trash/_rows.html", entries=entries,
                  names=users.names_by_id(g.ctx, {e.deleted_by for e in entries}),
                  next_cursor=f"{cursor[0].isoformat()}|{cursor[1]}" if cursor else None,
                  keep_days=trash.KEEP_DAYS, purge_date=trash.purge_date, entity_labels=ENTITY_LABELS)


@bp.post("/<uuid:entry_id>/restore")
def restore(entry_id: uuid.UUID):
    """Bring a deleted record back, with everything deleted along with it."""
    require(g.ctx, "trash:manage")
    entry = trash.restore(g.ctx, entry_id=entry_id)
    link = record_url(entry.entity_type, entry.entity_id, fallback=False) \
        if entry.entity_type in ("person", "organization", "lead", "deal") else None
    if request.htmx:
        return render("trash/_restored.html", entry=entry, link=link, entity_labels=ENTITY_LABELS)
    flash(_("“%(label)s” was restored.", label=entry.label), "success")
    return redirect(url_for("trash.index"))
