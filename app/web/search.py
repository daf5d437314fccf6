"""The search box in the header, and its results page."""
from flask import Blueprint, g, request
from flask_login import login_required

from app.services import search as search_service
from app.web.rendering import render

bp = Blueprint("search", __name__)


@bp.get("/search")
@login_required
def search():
    """Matches as you type (HTMX asks for the results list only) or as a page."""
    per_kind = 5 if request.htmx else 20
    results = search_service.search(g.ctx, q=request.args.get("q", ""), per_kind=per_kind)
    return render("search/index.html", fragment="search/_results.html", results=results)
