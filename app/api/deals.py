"""/api/v1/deals, and moving deals between stages, winning and losing them."""
from flask import g

from app.api.operations import operation
from app.api.requests import check_if_match
from app.schemas import api_outputs as out
from app.schemas.api_inputs import DealQuery, api_input
from app.schemas.deals import DealCreate as DealCreateForm
from app.schemas.deals import DealLost, DealMove, DealUpdate
from app.services import deals

DealCreate = api_input(DealCreateForm, "DealCreate")
DealChange = api_input(DealUpdate, "DealUpdate", partial=True)
TAG = "Deals"
# The API's sort names -> the deal list's own.
SORTS = {"-updated_at": "updated", "name": "name", "-value": "value", "expected_close": "close"}


@operation("GET", "/deals", summary="List deals", tag=TAG, permission="deal:read",
           query=DealQuery, response=out.Page[out.Deal])
def list_deals(args):
    """Search by deal, organization or contact name (`q`), filter by owner, stage, status, tag or change time."""
    return deals.list_deals(g.ctx, filters=deals.DealFilter(
        q=args.q, owner_id=args.owner_id, stage_id=args.stage_id, status=args.status, tag=args.tag,
        updated_since=args.updated_since), sort=SORTS[args.sort], after=args.cursor, limit=args.limit)


@operation("POST", "/deals", summary="Create a deal", tag=TAG, permission="deal:write",
           body=DealCreate, response=out.Deal, status=201, etag=True,
           example={"name": "Feed contract", "value": "1500.00", "expected_close": "2027-03-31"})
def create_deal(data, version):
    """`name` is required; the pipeline defaults to the first and the stage to its first."""
    return deals.create_deal(g.ctx, data=data)


@operation("GET", "/deals/<uuid:deal_id>", summary="Get a deal", tag=TAG, permission="deal:read",
           response=out.Deal, etag=True)
def get_deal(deal_id):
    """The ETag header carries the deal's version."""
    return deals.get_deal(g.ctx, deal_id=deal_id)


@operation("PATCH", "/deals/<uuid:deal_id>", summary="Update a deal", tag=TAG, permission="deal:write",
           body=DealChange, response=out.Deal, etag=True)
def update_deal(deal_id, data, version):
    """Only the fields sent change; the stage changes with /move, the status with /won and /lost.
    A stale `version` in the body is 409; a stale If-Match header is 412."""
    check_if_match(deals.get_deal(g.ctx, deal_id=deal_id))
    return deals.update_deal(g.ctx, deal_id=deal_id, data=data, version=version)


@operation("DELETE", "/deals/<uuid:deal_id>", summary="Delete a deal", tag=TAG, permission="deal:delete",
           if_match=True)
def delete_deal(deal_id):
    """The deal goes to the trash with its activities and files."""
    check_if_match(deals.get_deal(g.ctx, deal_id=deal_id))
    deals.delete_deal(g.ctx, deal_id=deal_id)


@operation("POST", "/deals/<uuid:deal_id>/move", summary="Move a deal to another stage", tag=TAG,
           permission="deal:write", body=DealMove, response=out.Deal, etag=True,
           example={"stage_id": "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"})
def move_deal(deal_id, data, version):
    """To a stage of the deal's pipeline (`position` 0 is the top of the column, default the end).
    A won or lost stage closes the deal; an open one reopens it."""
    check_if_match(deals.get_deal(g.ctx, deal_id=deal_id), version)
    return deals.move_deal(g.ctx, deal_id=deal_id, stage_id=data.stage_id, position=data.position,
                           before_id=data.before_id)


@operation("POST", "/deals/<uuid:deal_id>/won", summary="Mark a deal won", tag=TAG, permission="deal:write",
           response=out.Deal, etag=True)
def win_deal(deal_id):
    """The deal moves to its pipeline's won stage and closes."""
    check_if_match(deals.get_deal(g.ctx, deal_id=deal_id))
    return deals.mark_won(g.ctx, deal_id=deal_id)


@operation("POST", "/deals/<uuid:deal_id>/lost", summary="Mark a deal lost", tag=TAG, permission="deal:write",
           body=DealLost, response=out.Deal, etag=True)
def lose_deal(deal_id, data, version):
    """The deal moves to its pipeline's lost stage and closes; `reason` says why."""
    check_if_match(deals.get_deal(g.ctx, deal_id=deal_id), version)
    return deals.mark_lost(g.ctx, deal_id=deal_id, reason=data.reason)
