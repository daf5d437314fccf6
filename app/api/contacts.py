"""/api/v1/contacts: people, with the field names integrations expect."""
from flask import g

from app.api.operations import operation
from app.api.requests import check_if_match
from app.schemas import api_outputs as out
from app.schemas.api_inputs import ContactQuery, api_input
from app.schemas.contacts import PersonInput
from app.schemas.outputs import attributes_read
from app.services import people

ContactCreate = api_input(PersonInput, "ContactCreate")
ContactUpdate = api_input(PersonInput, "ContactUpdate", partial=True)
TAG = "Contacts"
COLUMNS = attributes_read(out.Contact)  # what a list reads: the columns a contact's JSON shows


@operation("GET", "/contacts", summary="List contacts", tag=TAG, permission="contact:read",
           query=ContactQuery, response=out.Page[out.Contact])
def list_contacts(args):
    """Search by name, email or phone (`q`), filter by owner, organisation, tag or change time; sorted by `sort`."""
    return people.list_people(
        g.ctx, q=args.q, sort=args.sort.lstrip("-"), descending=args.sort.startswith("-"), owner_id=args.owner_id,
        tag=args.tag, updated_since=args.updated_since, organization_id=args.organization_id, after=args.cursor,
        limit=args.limit, columns=COLUMNS)


@operation("POST", "/contacts", summary="Create a contact", tag=TAG, permission="contact:create",
           body=ContactCreate, response=out.Contact, status=201, etag=True,
           example={"first_name": "Ann", "last_name": "Hen", "email": "ann@henfarms.example",
                    "phone": "+44 20 7946 0000", "tags": ["poultry"], "custom_fields": {}})
def create_contact(data, version):
    """A known email or phone is refused with 409 unless `create_anyway` is true.
    You own the contact unless owner_id says otherwise."""
    return people.create_person(g.ctx, data=data)


@operation("GET", "/contacts/<uuid:contact_id>", summary="Get a contact", tag=TAG, permission="contact:read",
           response=out.Contact, etag=True)
def get_contact(contact_id):
    """The ETag header carries the contact's version, for If-Match on a later update."""
    return people.get_person(g.ctx, person_id=contact_id)


@operation("PATCH", "/contacts/<uuid:contact_id>", summary="Update a contact", tag=TAG, permission="contact:update",
           body=ContactUpdate, response=out.Contact, etag=True, example={"title": "Head buyer", "version": 1})
def update_contact(contact_id, data, version):
    """Only the fields sent change. A stale `version` in the body is 409; a stale If-Match header is 412."""
    check_if_match(people.get_person(g.ctx, person_id=contact_id))
    return people.update_person(g.ctx, person_id=contact_id, data=data, version=version)


@operation("DELETE", "/contacts/<uuid:contact_id>", summary="Delete a contact", tag=TAG, permission="contact:delete",
           if_match=True)
def delete_contact(contact_id):
    """The contact goes to the trash with its activities and files; an admin can restore it for 30 days."""
    check_if_match(people.get_person(g.ctx, person_id=contact_id))
    people.delete_person(g.ctx, person_id=contact_id)
