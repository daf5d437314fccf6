"""My tasks: what the signed-in user must do, by when; and the overdue count the navigation shows."""
import logging

from flask import Blueprint, g, request
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from app.services import activities
from app.web.rendering import render

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
log = logging.getLogger("roost.web")


@bp.get("")
@login_required
def index():
    """The user's open tasks: overdue, today, upcoming; and the ones done lately."""
    return render("tasks/index.html", tasks=activities.my_tasks(g.ctx))


@bp.app_context_processor
def overdue_tasks():
    """`overdue_tasks`: how many of the signed-in user's tasks are past due, for the navigation badge.

    One COUNT per request, remembered for the rest of it; not for HTMX fragments (they show no navigation).
    """
    if not current_user.is_authenticated or g.get("ctx") is None:
        return {}
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return {}
    if "overdue_tasks" not in g:
        try:
            g.overdue_tasks = activities.overdue_count(g.ctx)
        except SQLAlchemyError:  # an error page after a failed transaction still renders, without the badge
            log.warning("overdue task count unavailable", exc_info=True)
            g.overdue_tasks = None
    return {"overdue_tasks": g.overdue_tasks} if g.overdue_tasks is not None else {}
