"""The home page inside a tenant."""
from flask import Blueprint, g
from flask_login import login_required

from app.services import auth, users
from app.web.locale import current_tenant
from app.web.rendering import render

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    """Welcome and the first steps still open for this organisation."""
    me = users.current_user(g.ctx)
    team = users.list_users(g.ctx)
    return render("home.html", me=me, tenant=current_tenant(), team_size=len(team),
                  mfa=auth.mfa_requirement(me))
