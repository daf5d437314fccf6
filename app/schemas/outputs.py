"""Output schemas: CRM records as plain snake_case JSON, the one shape webhooks (and the API) send out."""
import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from app.models import Activity, Deal, Lead, Organization, Person


class RecordOut(BaseModel):
    """What every CRM record carries; `custom_fields` are the tenant's own fields by key."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    owner_id: uuid.UUID | None
    tags: list[str]
    custom_fields: dict = Field(validation_alias="custom")
    version: int
    created_at: datetime
    updated_at: datetime


class ContactOut(RecordOut):
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    other_emails: list[str]
    other_phones: list[str]
    title: str | None
    organization_id: uuid.UUID | None
    address: str | None
    source: str | None
    notes: str | None


class OrganizationOut(RecordOut):
    name: str
    website: str | None
    domain: str | None
    phone: str | None
    address: str | None
    industry: str | None
    notes: str | None


class LeadOut(RecordOut):
    name: str
    company: str | None
    email: str | None
    phone: str | None
    source: str | None
    status: str
    estimated_value: Decimal | None
    notes: str | None
    converted_at: datetime | None
    converted_person_id: uuid.UUID | None
    converted_organization_id: uuid.UUID | None
    converted_deal_id: uuid.UUID | None


class DealOut(RecordOut):
    name: str
    value: Decimal
    currency: str
    probability: int
    expected_close: date | None
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    status: str
    lost_reason: str | None
    closed_at: datetime | None
    person_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    lead_id: uuid.UUID | None
    notes: str | None


class ActivityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    subject: str
    body: str | None
    occurred_at: datetime
    duration_minutes: int | None
    outcome: str | None
    due_at: datetime | None
    assignee_id: uuid.UUID | None
    done_at: datetime | None
    user_id: uuid.UUID | None
    channel: str
    person_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    lead_id: uuid.UUID | None
    deal_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


OUTPUTS: dict[type, type[BaseModel]] = {
    Person: ContactOut, Organization: OrganizationOut, Lead: LeadOut, Deal: DealOut, Activity: ActivityOut,
}


def attributes_read(schema: type[BaseModel]) -> tuple[str, ...]:
    """The attributes an output schema reads from a record: its fields' names, or their validation aliases
    (custom_fields reads `custom`). A list can read just these columns instead of whole records."""
    return tuple(field.validation_alias or name for name, field in schema.model_fields.items())


def serialise(entity) -> dict:
    """A record as JSON-safe plain values (ids and times as strings, money as a decimal string)."""
    return OUTPUTS[type(entity)].model_validate(entity).model_dump(mode="json")
