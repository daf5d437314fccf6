"""/api/v1/organizations."""
from flask import g

from app.api.operations import operation
from app.api.requests import check_if_match
from app.schemas import api_outputs as out
from app.schemas.api_inputs import OrganizationQuery, api_input
from app.schemas.contacts import OrganizationInput
from app.schemas.outputs import attributes_read
from app.services import organizations

OrganizationCreate = api_input(OrganizationInput, "OrganizationCreate")
OrganizationUpdate = api_input(OrganizationInput, "OrganizationUpdate", partial=True)
TAG = "Organizations"
COLUMNS = attributes_read(out.Organization)  # what a list reads: the columns an organization's JSON shows


@operation("GET", "/organizations", summary="List organizations", tag=TAG, permission="contact:read",
           query=OrganizationQuery, response=out.Page[out.Organization])
def list_organizations(args):
    """Search by name, domain, website or phone (`q`), filter by owner, tag or change time."""
    return organizations.list_organizations(
        g.ctx, q=args.q, sort=args.sort.lstrip("-"), descending=args.sort.startswith("-"), owner_id=args.owner_id,
        tag=args.tag, updated_since=args.updated_since, after=args.cursor, limit=args.limit, columns=COLUMNS)


@operation("POST", "/organizations", summary="Create an organization", tag=TAG, permission="contact:create",
           body=OrganizationCreate, response=out.Organization, status=201, etag=True,
           example={"name": "Hen Farms", "domain": "henfarms.example", "industry": "Poultry"})
def create_organization(data, version):
    """`name` is required."""
    return organizations.create_organization(g.ctx, data=data)


@operation("GET", "/organizations/<uuid:organization_id>", summary="Get an organization", tag=TAG,
           permission="contact:read", response=out.Organization, etag=True)
def get_organization(organization_id):
    """The ETag header carries the organization's version."""
    return organizations.get_organization(g.ctx, organization_id=organization_id)


@operation("PATCH", "/organizations/<uuid:organization_id>", summary="Update an organization", tag=TAG,
           permission="contact:update", body=OrganizationUpdate, response=out.Organization, etag=True)
def update_organization(organization_id, data, version):
    """Only the fields sent change. A stale `version` in the body is 409; a stale If-Match header is 412."""
    check_if_match(organizations.get_organization(g.ctx, organization_id=organization_id))
    return organizations.update_organization(g.ctx, organization_id=organization_id, data=data, version=version)


@operation("DELETE", "/organizations/<uuid:organization_id>", summary="Delete an organization", tag=TAG,
           permission="contact:delete", if_match=True)
def delete_organization(organization_id):
    """The organization goes to the trash with its activities and files; its contacts stay, unlinked."""
    check_if_match(organizations.get_organization(g.ctx, organization_id=organization_id))
    organizations.delete_organization(g.ctx, organization_id=organization_id)
