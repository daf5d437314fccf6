"""My tasks: what the signed-in user must do, by when; and the overdue count the navigation shows."""
import logging

from flask import Blueprint, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from app.services import activities
from app.web.rendering import render

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
GROUP_TITLES = {"overdue": _l("Overdue"), "today": _l("Today"), "upcoming": _l("Upcoming")}
log = logging.getLogger("roost.web")


@bp.get("")
@login_required
def index():
    """The user's open tasks: overdue, today, upcoming, a page of each; and the ones done lately.
    With ?group= and ?after=, the next page of one group: in place of its "Show more" link (HTMX), or as a
    page of its own."""
    group = request.args.get("group")
    if group is not None:  # an unknown group is Invalid: the error page says so
        page = activities.task_page(g.ctx, group=group, after=request.args.get("after"))
        return render("tasks/group.html", fragment="tasks/_group_items.html", group=page.group, items=page.items,
                      labels=page.labels, cursor=page.next_cursor, title=GROUP_TITLES[group])
    tasks = activities.my_tasks(g.ctx)
    g.overdue_tasks = tasks.totals["overdue"]  # the navigation's badge: counted already
    return render("tasks/index.html", tasks=tasks, titles=GROUP_TITLES)


def shows_navigation() -> bool:
    """Whether the answer is a whole page, with the navigation: not an HTMX fragment (a boosted link is a page)."""
    return not request.headers.get("HX-Request") or bool(request.headers.get("HX-Boosted"))


@bp.app_context_processor
def overdue_tasks():
    """`overdue_tasks`: how many of the signed-in user's tasks are past due, for the navigation badge.

    One COUNT per request, remembered for the rest of it, unless loading the user counted already
    (app/web/session.py); not for HTMX fragments (they show no navigation).
    """
    if not current_user.is_authenticated or g.get("ctx") is None or not shows_navigation():
        return {}
    if "overdue_tasks" not in g:
        try:
            g.overdue_tasks = activities.overdue_count(g.ctx)
        except SQLAlchemyError:  # an error page after a failed transaction still renders, without the badge
            log.warning("overdue task count unavailable", exc_info=True)
            g.overdue_tasks = None
    return {"overdue_tasks": g.overdue_tasks} if g.overdue_tasks is not None else {}
