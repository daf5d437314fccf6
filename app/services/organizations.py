"""Organisations: listing with keyset pages, editing, deleting to the trash, merging duplicates."""
import uuid

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity, Attachment, Deal, Organization, Person
from app.permissions import require
from app.schemas.contacts import OrganizationInput
from app.services import audit, events, records, search_words
from app.services.contact_edits import (
    Problems,
    add_record,
    check_common_fields,
    merge_records,
)
from app.services.contact_lists import (
    PAGE_SIZE,
    add_tag,
    assign_owner,
    filter_common,
    keyset_page,
    load_many,
    matches_first,
    page_select,
    sort_keys,
    trash_many,
)

SORTS = {
    "name": (lambda: [func.lower(Organization.name), Organization.id], ("str", "uuid")),
    "created_at": (lambda: [Organization.created_at, Organization.id], ("datetime", "uuid")),
    "updated_at": (lambda: [Organization.updated_at, Organization.id], ("datetime", "uuid")),
}
FILLABLE = ("website", "domain", "phone", "phone_e164", "address", "industry", "notes", "owner_id")


def list_organizations(ctx, *, q=None, sort="name", descending=False, owner_id=None, tag=None,
                       updated_since=None, created_since=None, after=None, limit=PAGE_SIZE, columns=None):
    """A page of organisations and the cursor of the next page (None at the end).

    `q` matches fragments of the name, domain, website and phone, each word somewhere (see search_words).

    With `columns` (names of Organization's columns) the page holds rows of just those instead of entities.
    """
    require(ctx, "contact:read")
    keys, kinds = sort_keys(SORTS, sort)
    word_kinds, values = search_words.read(q)
    if word_kinds:  # as people's search: the matches read through the index, then sorted
        keys = matches_first(keys)
    stmt, item = page_select(Organization, keys, columns, descending=descending)
    stmt = stmt.where(*search_words.conditions(Organization, word_kinds))
    planned_once = stmt  # until a filter joins it, no value changes its best plan
    stmt = filter_common(stmt, Organization, owner_id=owner_id, tag=tag, updated_since=updated_since,
                         created_since=created_since)
    return keyset_page(stmt, keys, kinds, descending=descending, after=after, limit=limit, item=item,
                       plan_once_as=planned_once, values=values)


def get_organization(ctx, *, organization_id) -> Organization:
    """One organisation of the tenant."""
    require(ctx, "contact:read")
    return records.get_record(ctx, Organization, organization_id)


def names_by_id(ctx, ids) -> dict[uuid.UUID, str]:
    """{organisation id: name} for the given ids, in one query."""
    require(ctx, "contact:read")
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())


def choices(ctx, *, limit: int = 500) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the tenant's organisations by name, for a picker."""
    require(ctx, "contact:read")
    stmt = select(Organization.id, Organization.name).order_by(func.lower(Organization.name), Organization.id)
    return [tuple(row) for row in db.session.execute(stmt.limit(limit)).all()]


def _values(ctx, data: OrganizationInput, *, creating: bool, current_custom: dict | None = None) -> dict:
    """The columns to write from the fields the input carried, validated (every problem at once)."""
    fields = set(OrganizationInput.model_fields) - {"custom"}
    values = data.model_dump(include=fields if creating else data.model_fields_set & fields)
    problems = Problems()
    if "name" in values and not values["name"]:
        problems.add("name", _("Please fill this in."))
    if values.get("domain"):
        values["domain"] = values["domain"].lower()
    check_common_fields(ctx, problems, values, entity="organization", custom=data.custom, creating=creating,
                        current_custom=current_custom)
    problems.raise_any()
    return values


def create_organization(ctx, *, data: OrganizationInput) -> Organization:
    """Add an organisation."""
    require(ctx, "contact:create")
    organization = add_record(ctx, Organization, _values(ctx, data, creating=True),
                              owner_given="owner_id" in data.model_fields_set, event="organization.created")
    events.emit(ctx, "organization.created", organization)
    return organization


def update_organization(ctx, *, organization_id, data: OrganizationInput, version: int | None) -> Organization:
    """Change the fields the input carries; refused when the record changed since the form showed it."""
    require(ctx, "contact:update")
    organization = records.get_record(ctx, Organization, organization_id)
    records.check_version(organization, version)
    values = _values(ctx, data, creating=False, current_custom=organization.custom)
    return audit.apply_changes(ctx, organization, values, event="organization.updated", emit="organization.updated")


def delete_organization(ctx, *, organization_id):
    """Send an organisation with its activities and attachments to the trash; its people stay, unlinked."""
    require(ctx, "contact:delete")
    return _trash(ctx, records.get_record(ctx, Organization, organization_id))


def _trash(ctx, organization: Organization):
    for person in db.session.scalars(select(Person).where(Person.organization_id == organization.id)):
        person.organization_id = None
        audit.record(ctx, "person.updated", person, {"organization_id": (organization.id, None)})
        events.emit(ctx, "contact.updated", person, changes={"organization_id": (organization.id, None)})
    entry = records.trash(ctx, organization, label=organization.name, linked=(
        (Activity, Activity.organization_id == organization.id),
        (Attachment, Attachment.organization_id == organization.id),
    ))
    events.emit(ctx, "organization.deleted", organization)
    return entry


def _trash_merged(ctx, organization: Organization):
    """A merged duplicate: its people, activities and files have moved to the kept organisation."""
    entry = records.trash(ctx, organization, label=organization.name)
    events.emit(ctx, "organization.deleted", organization)
    return entry


def get_many(ctx, *, ids) -> list[Organization]:
    """The tenant's organisations among `ids` (for confirming a bulk action), by name."""
    require(ctx, "contact:read")
    return sorted(load_many(ctx, Organization, ids), key=lambda o: (o.name.lower(), o.id))


def bulk_assign(ctx, *, ids, owner_id) -> int:
    """Give the selected organisations to one owner (None: nobody); how many changed."""
    require(ctx, "contact:update")
    return assign_owner(ctx, Organization, ids, owner_id)


def bulk_tag(ctx, *, ids, tag: str) -> int:
    """Add a tag to the selected organisations; how many gained it."""
    require(ctx, "contact:update")
    return add_tag(ctx, Organization, ids, tag)


def bulk_delete(ctx, *, ids) -> int:
    """Send the selected organisations to the trash, each restorable on its own; how many."""
    require(ctx, "contact:delete")
    return trash_many(ctx, Organization, ids, _trash)


def merge_organizations(ctx, *, keep_id, merge_id) -> Organization:
    """Fold a duplicate into `keep`: blanks filled, people, deals, activities and files moved, the duplicate trashed."""
    return merge_records(
        ctx, Organization, keep_id=keep_id, merge_id=merge_id, fillable=FILLABLE,
        children=((Person, "organization_id"), (Deal, "organization_id"), (Activity, "organization_id"),
                  (Attachment, "organization_id")),
        same_message=_("Choose another organisation to merge with."), trash_other=_trash_merged)
