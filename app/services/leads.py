"""Leads: possible customers not yet qualified; converting one makes a person, an organisation and a deal."""
import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.errors import Conflict, Invalid
from app.extensions import db
from app.models import Activity, Attachment, Lead, Organization, Tenant
from app.models.base import utcnow
from app.names import split_name
from app.permissions import require
from app.phones import normalise
from app.schemas.contacts import OrganizationInput, PersonInput
from app.schemas.deals import DealCreate
from app.schemas.leads import LeadConvert, LeadInput
from app.services import (
    audit,
    custom_fields,
    deals,
    events,
    keyset,
    organizations,
    people,
    pipelines,
    search_words,
    users,
)
from app.services.contact_edits import Problems
from app.services.contact_lists import filter_common, matches_first
from app.services.records import check_version, get_record, trash

PAGE_SIZE = 50


def _country(ctx):
    return db.session.get(Tenant, ctx.tenant_id).country


def _check_owner(ctx, owner_id) -> None:
    if owner_id is not None and not users.is_active_member(ctx, owner_id):
        raise Invalid(_("Please correct the marked fields."), fields={"owner_id": _("Choose someone from your team.")})


def _check_input(ctx, values: dict, *, creating: bool, current_custom: dict | None = None) -> None:
    """Check the owner and the custom field values together (a form shows every mistake at once).

    The submitted `custom` input in `values` becomes the lead's validated custom dict; an update that sent
    none leaves the stored values alone.
    """
    problems = Problems()
    if "owner_id" in values:
        problems.check(_check_owner, ctx, values["owner_id"])
    raw = values.pop("custom", None)
    if raw is not None or creating:
        values["custom"] = problems.check(lambda: custom_fields.clean_values(
            ctx, entity="lead", raw=raw or {}, current=current_custom))
    problems.raise_any()


def _active_owner(ctx, owner_id):
    """The lead's owner when still an active user of the tenant, else None (the new records get the actor)."""
    return owner_id if owner_id is not None and users.is_active_member(ctx, owner_id) else None


def get_lead(ctx, *, lead_id) -> Lead:
    """One lead of the tenant."""
    require(ctx, "lead:read")
    return get_record(ctx, Lead, lead_id)


def create_lead(ctx, *, data: LeadInput) -> Lead:
    """Add a lead (owned by whoever adds it unless another owner is chosen)."""
    require(ctx, "lead:write")
    values = data.model_dump()
    _check_input(ctx, values, creating=True)
    if values["owner_id"] is None and not ctx.is_system:
        values["owner_id"] = ctx.user_id
    values["phone_e164"] = normalise(values["phone"], _country(ctx)) if values["phone"] else None
    lead = Lead(**values)
    db.session.add(lead)
    db.session.flush()
    audit.record(ctx, "lead.created", lead, {k: (None, v) for k, v in values.items() if v not in (None, "")})
    events.emit(ctx, "lead.created", lead)
    return lead


def update_lead(ctx, *, lead_id, data: LeadInput, version: int | None) -> Lead:
    """Save an edit made on `version` of the lead; a converted lead keeps its status."""
    require(ctx, "lead:write")
    lead = get_record(ctx, Lead, lead_id)
    check_version(lead, version)
    values = data.model_dump(include=data.model_fields_set)
    _check_input(ctx, values, creating=False, current_custom=lead.custom)
    if "phone" in values:
        values["phone_e164"] = normalise(values["phone"], _country(ctx)) if values["phone"] else None
    if lead.status == "converted":
        values.pop("status", None)
    # 1500 and the stored 1500.00 compare equal: not a change
    return audit.apply_changes(ctx, lead, values, event="lead.updated", emit="lead.updated")


def delete_lead(ctx, *, lead_id) -> None:
    """Move a lead to the trash with its activities and attachments."""
    require(ctx, "lead:write")
    lead = get_record(ctx, Lead, lead_id)
    trash(ctx, lead, label=lead.name, linked=[(Activity, Activity.lead_id == lead.id),
                                              (Attachment, Attachment.lead_id == lead.id)])


@dataclass(frozen=True)
class LeadFilter:
    """What the lead list filters on; every field optional."""

    q: str | None = None
    status: str | None = None
    owner_id: uuid.UUID | None = None
    tag: str | None = None
    updated_since: datetime | None = None


def list_leads(ctx, *, filters: LeadFilter = LeadFilter(), after: str | None = None,
               limit: int = PAGE_SIZE) -> tuple[list[Lead], str | None]:
    """A page of leads, recently updated first, and the cursor of the next page (keyset, never OFFSET).
    `filters.q` matches fragments of the name, company, email and phone, each word somewhere (see search_words)."""
    require(ctx, "lead:read")
    word_kinds, values = search_words.read(filters.q)
    stmt = select(Lead).where(*search_words.conditions(Lead, word_kinds))
    # A search reads its matches through the index, then sorts them (as people's: contact_lists.matches_first)
    order = matches_first([Lead.updated_at])[0] if word_kinds else Lead.updated_at
    if filters.status:
        stmt = stmt.where(Lead.status == filters.status)
    if filters.owner_id:
        stmt = stmt.where(Lead.owner_id == filters.owner_id)
    stmt = filter_common(stmt, Lead, tag=filters.tag, updated_since=filters.updated_since)
    stmt = keyset.ordered_after(stmt, order, Lead.id, keyset.read_cursor(after, datetime.fromisoformat),
                                descending=True)
    found, last = keyset.cut(db.session.scalars(stmt.limit(limit + 1), values), limit)
    return found, keyset.write_cursor(last.updated_at.isoformat(), last.id) if last else None


def _conversion_refused(ctx, error: Invalid, *, entity: str) -> Invalid:
    """Converting fills no custom fields: a required one of the new person or deal is named in words."""
    keys = {name.removeprefix(custom_fields.FORM_PREFIX) for name in error.fields or {}
            if name.startswith(custom_fields.FORM_PREFIX)}
    if not keys:
        return error
    labels = ", ".join(f.label for f in custom_fields.list_fields(ctx, entity=entity) if f.key in keys)
    if entity == "person":
        message = _("A new person needs %(fields)s, which converting cannot fill in. Add the person by hand, "
                    "or ask an admin to make these fields optional.", fields=labels)
    else:
        message = _("A new deal needs %(fields)s, which converting cannot fill in. Add the deal by hand, "
                    "or ask an admin to make these fields optional.", fields=labels)
    return Invalid(message)


@dataclass(frozen=True)
class Conversion:
    """What converting a lead made."""

    lead: Lead
    person: object
    organization: object | None
    deal: object
    organization_existed: bool = False


def convert_lead(ctx, *, lead_id, data: LeadConvert) -> Conversion:
    """Turn a lead into a person (and organisation) and a deal in one step, moving its history along."""
    require(ctx, "lead:write")
    lead = get_record(ctx, Lead, lead_id)
    if lead.status == "converted" or lead.converted_at is not None:
        raise Conflict(_("This lead was already converted."))
    owner_id = _active_owner(ctx, lead.owner_id)
    organization, existed = None, False
    if lead.company and data.create_organization:
        # A company already on file is reused rather than duplicated.
        organization = db.session.scalar(
            select(Organization).where(func.lower(Organization.name) == lead.company.strip().lower())
            .order_by(Organization.created_at, Organization.id).limit(1))
        existed = organization is not None
        if organization is None:
            organization = organizations.create_organization(
                ctx, data=OrganizationInput(name=lead.company, phone=None, owner_id=owner_id))
    first, last = split_name(lead.name)
    try:
        person = people.create_person(ctx, data=PersonInput(
            first_name=first, last_name=last, email=lead.email, phone=lead.phone, source=lead.source,
            organization_id=organization.id if organization else None, owner_id=owner_id,
            create_anyway=data.create_anyway))
    except Invalid as error:
        raise _conversion_refused(ctx, error, entity="person") from None
    pipeline = pipelines.list_pipelines(ctx)
    if not pipeline or not pipeline[0].stages:
        raise Invalid(_("There is no pipeline stage to put the deal in. Ask an admin to set one up under Settings."))
    value = data.deal_value if data.deal_value is not None else lead.estimated_value
    try:
        deal = deals.create_deal(ctx, lead_id=lead.id, data=DealCreate(
            name=data.deal_name, value=value, pipeline_id=pipeline[0].id, stage_id=pipeline[0].stages[0].id,
            person_id=person.id, organization_id=organization.id if organization else None, owner_id=owner_id))
    except Invalid as error:
        raise _conversion_refused(ctx, error, entity="deal") from None
    # The lead's history follows the customer; lead_id stays so the lead's page still shows it.
    db.session.execute(
        update(Activity).where(Activity.lead_id == lead.id)
        .values(person_id=person.id, deal_id=deal.id)
        .execution_options(synchronize_session=False))
    before = lead.status
    lead.status, lead.converted_at = "converted", utcnow()
    lead.converted_person_id, lead.converted_deal_id = person.id, deal.id
    lead.converted_organization_id = organization.id if organization else None
    db.session.flush()
    changes = {"status": (before, "converted"), "converted_person_id": (None, person.id),
               "converted_organization_id": (None, lead.converted_organization_id),
               "converted_deal_id": (None, deal.id)}
    audit.record(ctx, "lead.converted", lead, changes)
    events.emit(ctx, "lead.converted", lead, changes=changes)
    return Conversion(lead, person, organization, deal, organization_existed=existed)
