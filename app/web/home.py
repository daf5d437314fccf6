"""The home page inside a tenant: the dashboard."""
from flask import Blueprint, g, request
from flask_login import login_required

from app.errors import Invalid
from app.schemas.dashboard import DashboardFilter
from app.services import auth, dashboard, users
from app.web.locale import current_tenant
from app.web.rendering import FORM_ERROR, parse, render

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    """Counts, charts and today's list (the team's or one member's), and the first steps still open."""
    data, errors = parse(DashboardFilter, request.args)
    try:
        board = dashboard.build_dashboard(g.ctx, user_id=data.user_id if data else None)
    except Invalid as error:
        errors = error.fields
        board = dashboard.build_dashboard(g.ctx)
    me = users.current_user(g.ctx)
    return render("home.html", fragment="dashboard/_board.html", status=FORM_ERROR if errors else 200,
                  board=board, errors=errors or {}, me=me, tenant=current_tenant(), team_size=board.team_size,
                  mfa=auth.mfa_requirement(me))
