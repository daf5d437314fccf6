"""Deals: the pipeline board, the list, and one deal's pages."""
import uuid

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.models.deals import DEAL_STATUSES
from app.permissions import require
from app.schemas.deals import DealCreate, DealLost, DealMove, DealUpdate
from app.services import custom_fields, deals, users
from app.web.rendering import FORM_ERROR, custom_form_values, parse, render
from app.web.sales_pages import (
    create_from_form,
    edit_from_form,
    more_args,
    optional_day,
    optional_uuid,
    team,
    timeline,
)

bp = Blueprint("deals", __name__, url_prefix="/deals")

SORT_LABELS = {"updated": _l("Recently updated"), "name": _l("Name"), "value": _l("Highest value"),
               "close": _l("Expected close")}


@bp.before_request
@login_required
def _signed_in():
    """Every deal page needs a signed-in user; the services check permissions."""


# --- the board ------------------------------------------------------------------------------

def _board_args(source) -> dict:
    return {"pipeline_id": optional_uuid(source.get("pipeline")), "owner_id": optional_uuid(source.get("owner")),
            "close_before": optional_day(source.get("close_before"))}


def _owners(view, known: dict | None = None) -> dict:
    """{user id: name} of the cards' owners; `known` names (the team) spare looking those up again."""
    known = known or {}
    missing = {d.owner_id for c in view.columns for d in c.cards} - known.keys()
    return {**known, **users.names_by_id(g.ctx, missing)}


def _render_board(args: dict, *, status: int = 200, error: str | None = None):
    view = deals.board(g.ctx, **args)
    members = team()
    return render("deals/board.html", fragment="deals/_board.html", board=view, owners=_owners(view, dict(members)),
                  team=members, filters=args, board_error=error, status=status)


@bp.get("/board")
def board():
    """The kanban board of a pipeline: one column per stage, filterable by owner and close date."""
    return _render_board(_board_args(request.args))


@bp.get("/board/stages/<uuid:stage_id>")
def board_column(stage_id: uuid.UUID):
    """The next cards of one board column ("Show more"), with the same filters as the board."""
    args = _board_args(request.args)
    view, column = deals.board_column(g.ctx, stage_id=stage_id, after=request.args.get("after"),
                                      owner_id=args["owner_id"], close_before=args["close_before"])
    return render("deals/_column_page.html", board=view, column=column, owners=_owners(view), filters=args)


@bp.post("/<uuid:deal_id>/move")
def move(deal_id: uuid.UUID):
    """Move a deal to a stage (and place in its column); HTMX on the board gets the columns that changed."""
    data, errors = parse(DealMove, request.form)
    on_board = request.htmx and request.form.get("back") != "detail"
    if errors:
        error = _("Choose a stage to move the deal to.")
        if on_board:
            return _board_with_error(error)
        flash(error, "error")
    elif on_board:
        try:
            return _moved_on_board(deal_id, data)
        except StaleDataError:  # someone moved the same card at the same moment: show where it is now
            db.session.rollback()
            return _board_with_error(_("Someone else moved this deal at the same moment. The board shows it "
                                       "where they put it."))
    else:
        deals.move_deal(g.ctx, deal_id=deal_id, stage_id=data.stage_id, position=data.position,
                        before_id=data.before_id)
    if request.form.get("back") == "detail":
        return redirect(url_for("deals.detail", deal_id=deal_id))
    return redirect(url_for("deals.board", pipeline=request.form.get("pipeline") or None,
                            owner=request.form.get("owner") or None,
                            close_before=request.form.get("close_before") or None))


def _moved_on_board(deal_id: uuid.UUID, data: DealMove):
    """What the board's #board-status says of the move, and the two columns it changed (fresh cards, counts
    and totals) swapped out of band: the other columns, and the cards they have shown with "Show more", stay."""
    args = _board_args(request.form)
    moved, view = deals.move_on_board(g.ctx, deal_id=deal_id, stage_id=data.stage_id, position=data.position,
                                      before_id=data.before_id, owner_id=args["owner_id"],
                                      close_before=args["close_before"])
    stage = next(c.stage for c in view.columns if c.stage.id == moved.stage_id)
    return render("deals/_moved.html", board=view, owners=_owners(view), filters=args,
                  board_status=_("%(deal)s moved to %(stage)s.", deal=moved.name, stage=stage.name))


def _board_with_error(error: str):
    """A refused move redraws the whole board (the dragged card back in place) with the error above it."""
    page, status = _render_board(_board_args(request.form), status=FORM_ERROR, error=error)
    return page, status, {"HX-Retarget": "#board", "HX-Reswap": "outerHTML"}


# --- the list -------------------------------------------------------------------------------

def _list_filter(args) -> deals.DealFilter:
    status = args.get("status")
    return deals.DealFilter(
        q=(args.get("q") or "").strip() or None, owner_id=optional_uuid(args.get("owner")), stage_id=optional_uuid(args.get("stage")),
        status=status if status in DEAL_STATUSES else None,
        close_from=optional_day(args.get("close_from")), close_to=optional_day(args.get("close_to")))


@bp.get("")
def index():
    """All deals: search, filters, sort, and "Show more" (keyset)."""
    filters = _list_filter(request.args)
    sort = request.args.get("sort") if request.args.get("sort") in deals.SORTS else "updated"
    found, cursor = deals.list_deals(g.ctx, filters=filters, sort=sort, after=request.args.get("after") or None)
    owners = users.names_by_id(g.ctx, {d.owner_id for d in found})
    fragment = "deals/_rows.html" if request.args.get("after") else "deals/_results.html"
    pipelines = deals.list_pipelines(g.ctx)
    return render("deals/index.html", fragment=fragment, deals=found, cursor=cursor, owners=owners,
                  filters=filters, sort=sort, sorts=SORT_LABELS, args=request.args, more_args=more_args(),
                  team=team(), stages=[s for p in pipelines for s in p.stages], statuses=DEAL_STATUSES,
                  custom_columns=custom_fields.list_columns(g.ctx, entity="deal"))


# --- one deal -------------------------------------------------------------------------------

def _form_page(template: str, *, deal=None, form=None, errors=None, status=200, **extra):
    include = (form.get("person_id"), form.get("organization_id")) if form else ()
    include = [optional_uuid(str(i)) for i in include if i]
    if deal is not None:
        include += [deal.person_id, deal.organization_id]
    people, orgs = deals.party_options(g.ctx, include=include)
    pipelines = deals.list_pipelines(g.ctx)
    stage_options = [(stage.id, f"{pipeline.name} · {stage.name}" if len(pipelines) > 1 else stage.name)
                     for pipeline in pipelines for stage in pipeline.stages]
    return render(template, deal=deal, form=form or {}, errors=errors or {}, people=people, orgs=orgs,
                  team=team(), stage_options=stage_options, status=status,
                  custom_fields=custom_fields.list_fields(g.ctx, entity="deal"), **extra)


def _values(deal) -> dict:
    """A deal's saved values as the edit form shows them."""
    return {"name": deal.name, "value": f"{deal.value:.2f}", "currency": deal.currency,
            "probability": deal.probability, "expected_close": deal.expected_close.isoformat() if deal.expected_close else "",
            "person_id": deal.person_id or "", "organization_id": deal.organization_id or "",
            "owner_id": deal.owner_id or "", "notes": deal.notes or "", "version": deal.version,
            **custom_form_values(deal)}


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Add a deal."""
    if request.method == "GET":
        form = {"owner_id": g.ctx.user_id, "person_id": request.args.get("person_id", ""),
                "organization_id": request.args.get("organization_id", ""),
                "stage_id": request.args.get("stage_id", "")}
        require(g.ctx, "deal:write")
        return _form_page("deals/new.html", form=form)
    return create_from_form(
        DealCreate, lambda data: deals.create_deal(g.ctx, data=data),
        show_form=lambda **page: _form_page("deals/new.html", **page),
        added=lambda deal: (_("Deal %(name)s added.", name=deal.name), url_for("deals.detail", deal_id=deal.id)))


@bp.get("/<uuid:deal_id>")
def detail(deal_id: uuid.UUID):
    """One deal: its fields, stage, won/lost actions and history."""
    return _detail_page(deals.get_deal(g.ctx, deal_id=deal_id))


def _detail_page(deal, *, errors=None, status=200):
    owners = users.names_by_id(g.ctx, {deal.owner_id})
    pipelines = deals.list_pipelines(g.ctx)
    stages = next((p.stages for p in pipelines if p.id == deal.pipeline_id), [])
    return render("deals/detail.html", deal=deal, owners=owners, stages=stages, errors=errors or {},
                  custom_fields=custom_fields.list_fields(g.ctx, entity="deal"), status=status,
                  **timeline("deal", deal.id))


@bp.route("/<uuid:deal_id>/edit", methods=["GET", "POST"])
def edit(deal_id: uuid.UUID):
    """Edit a deal; a save made on an older version is refused with the current values."""
    deal = deals.get_deal(g.ctx, deal_id=deal_id)
    require(g.ctx, "deal:write")  # before parsing: no form errors for someone who may not edit at all
    if request.method == "GET":
        return _edit_page(deal, form=_values(deal))
    return edit_from_form(
        DealUpdate, deal, values=_values, show_form=_edit_page,
        update=lambda data, version: deals.update_deal(g.ctx, deal_id=deal_id, data=data, version=version),
        reload=lambda: deals.get_deal(g.ctx, deal_id=deal_id),
        saved=_("Deal saved."), back=url_for("deals.detail", deal_id=deal_id))


def _edit_page(deal, **page):
    return _form_page("deals/edit.html", deal=deal, **page)


@bp.post("/<uuid:deal_id>/won")
def won(deal_id: uuid.UUID):
    """Close the deal as won."""
    deal = deals.mark_won(g.ctx, deal_id=deal_id)
    flash(_("%(name)s is won. Well done!", name=deal.name), "success")
    return redirect(url_for("deals.detail", deal_id=deal_id))


@bp.post("/<uuid:deal_id>/lost")
def lost(deal_id: uuid.UUID):
    """Close the deal as lost, with the reason."""
    data, errors = parse(DealLost, request.form)
    if errors:
        return _detail_page(deals.get_deal(g.ctx, deal_id=deal_id), errors=errors, status=FORM_ERROR)
    deal = deals.mark_lost(g.ctx, deal_id=deal_id, reason=data.reason)
    flash(_("%(name)s is marked as lost.", name=deal.name), "success")
    return redirect(url_for("deals.detail", deal_id=deal_id))


@bp.post("/<uuid:deal_id>/delete")
def delete(deal_id: uuid.UUID):
    """Move the deal (with its activities and files) to the trash."""
    deal = deals.get_deal(g.ctx, deal_id=deal_id)
    deals.delete_deal(g.ctx, deal_id=deal_id)
    flash(_("%(name)s was moved to the trash.", name=deal.name), "success")
    return redirect(url_for("deals.index"))
