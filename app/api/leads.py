"""/api/v1/leads, and converting a lead into a contact, an organization and a deal."""
from flask import g

from app.api.operations import operation
from app.api.requests import check_if_match
from app.schemas import api_outputs as out
from app.schemas.api_inputs import LeadQuery, api_input
from app.schemas.leads import LeadConvert, LeadInput
from app.services import leads

LeadCreate = api_input(LeadInput, "LeadCreate")
LeadUpdate = api_input(LeadInput, "LeadUpdate", partial=True)
TAG = "Leads"


@operation("GET", "/leads", summary="List leads", tag=TAG, permission="lead:read",
           query=LeadQuery, response=out.Page[out.Lead])
def list_leads(args):
    """Search by name, company, email or phone (`q`), filter by status, owner, tag or change time."""
    return leads.list_leads(g.ctx, filters=leads.LeadFilter(
        q=args.q, status=args.status, owner_id=args.owner_id, tag=args.tag, updated_since=args.updated_since),
        after=args.cursor, limit=args.limit)


@operation("POST", "/leads", summary="Create a lead", tag=TAG, permission="lead:write",
           body=LeadCreate, response=out.Lead, status=201, etag=True,
           example={"name": "Ann Hen", "company": "Hen Farms", "email": "ann@henfarms.example",
                    "estimated_value": "1500"})
def create_lead(data, version):
    """`name` is required; the status is `new` unless given ("converted" is reached only by converting)."""
    return leads.create_lead(g.ctx, data=data)


@operation("GET", "/leads/<uuid:lead_id>", summary="Get a lead", tag=TAG, permission="lead:read",
           response=out.Lead, etag=True)
def get_lead(lead_id):
    """The ETag header carries the lead's version."""
    return leads.get_lead(g.ctx, lead_id=lead_id)


@operation("PATCH", "/leads/<uuid:lead_id>", summary="Update a lead", tag=TAG, permission="lead:write",
           body=LeadUpdate, response=out.Lead, etag=True)
def update_lead(lead_id, data, version):
    """Only the fields sent change; a converted lead keeps its status. Stale `version`: 409; stale If-Match: 412."""
    check_if_match(leads.get_lead(g.ctx, lead_id=lead_id))
    return leads.update_lead(g.ctx, lead_id=lead_id, data=data, version=version)


@operation("DELETE", "/leads/<uuid:lead_id>", summary="Delete a lead", tag=TAG, permission="lead:write",
           if_match=True)
def delete_lead(lead_id):
    """The lead goes to the trash with its activities and files."""
    check_if_match(leads.get_lead(g.ctx, lead_id=lead_id))
    leads.delete_lead(g.ctx, lead_id=lead_id)


@operation("POST", "/leads/<uuid:lead_id>/convert", summary="Convert a lead", tag=TAG,
           permission=("lead:write", "contact:create", "deal:write"),
           body=LeadConvert, response=out.Conversion,
           example={"deal_name": "Hen Farms: feed contract", "create_organization": True, "deal_value": "1500"})
def convert_lead(lead_id, data, version):
    """Makes a contact (and, with create_organization, an organization or reuses one of the same name) and a
    deal in the first pipeline's first stage; the lead's activities move along. A converted lead is 409."""
    return leads.convert_lead(g.ctx, lead_id=lead_id, data=data)
