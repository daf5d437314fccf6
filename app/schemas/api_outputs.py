"""What the JSON API answers: one output schema per resource, read from the models' attributes.

The same classes serialise responses and describe them in the OpenAPI document.
"""
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.models.activities import ACTIVITY_KINDS
from app.models.custom_fields import FIELD_ENTITIES, FIELD_TYPES
from app.models.deals import DEAL_STATUSES, STAGE_KINDS
from app.models.leads import LEAD_STATUSES
from app.permissions import ROLES


class Output(BaseModel):
    """Read from a model instance's attributes."""

    model_config = ConfigDict(from_attributes=True)


class RecordOutput(Output):
    """What every CRM record shows: its id, owner, tags, custom field values, version and times."""

    id: uuid.UUID
    owner_id: uuid.UUID | None
    tags: list[str]
    # The model keeps custom field values in `custom`; the API calls them custom_fields.
    custom_fields: dict[str, Any] = Field(validation_alias="custom")
    version: int = Field(description="Send it back (or use If-Match with the ETag) to refuse stale updates.")
    created_at: datetime
    updated_at: datetime


class Contact(RecordOutput):
    """A person. `email` and `phone` are the main ones; merged duplicates leave theirs in other_*."""

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


class Organization(RecordOutput):
    """A company or other organisation."""

    name: str
    website: str | None
    domain: str | None
    phone: str | None
    address: str | None
    industry: str | None
    notes: str | None


class Lead(RecordOutput):
    """A possible customer not yet qualified; converting makes a contact, an organisation and a deal."""

    name: str
    company: str | None
    email: str | None
    phone: str | None
    source: str | None
    status: Literal[LEAD_STATUSES]  # type: ignore[valid-type]
    estimated_value: Decimal | None
    notes: str | None
    converted_at: datetime | None
    converted_person_id: uuid.UUID | None
    converted_organization_id: uuid.UUID | None
    converted_deal_id: uuid.UUID | None


class Deal(RecordOutput):
    """A possible sale, in one stage of a pipeline."""

    name: str
    value: Decimal
    currency: str
    probability: int
    expected_close: date | None
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    status: Literal[DEAL_STATUSES]  # type: ignore[valid-type]
    lost_reason: str | None
    closed_at: datetime | None
    person_id: uuid.UUID | None
    organization_id: uuid.UUID | None
    lead_id: uuid.UUID | None
    notes: str | None


class Stage(Output):
    """One step of a pipeline."""

    id: uuid.UUID
    pipeline_id: uuid.UUID
    name: str
    position: int
    color: str
    probability: int
    kind: Literal[STAGE_KINDS]  # type: ignore[valid-type]


class Pipeline(Output):
    """A sales process with its stages in order."""

    id: uuid.UUID
    name: str
    position: int
    stages: list[Stage]


class Activity(Output):
    """A call, email, meeting, note or task on a contact, organisation, lead or deal."""

    id: uuid.UUID
    kind: Literal[ACTIVITY_KINDS]  # type: ignore[valid-type]
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


class User(Output):
    """A member of the organisation."""

    id: uuid.UUID
    name: str
    email: str
    role: Literal[ROLES]  # type: ignore[valid-type]
    active: bool


class CustomField(Output):
    """A field admins defined; records carry its value under `key` in custom_fields."""

    id: uuid.UUID
    entity: Literal[FIELD_ENTITIES]  # type: ignore[valid-type]
    key: str
    label: str
    type: Literal[FIELD_TYPES]  # type: ignore[valid-type]
    options: list[str]
    required: bool
    show_in_list: bool
    position: int
    archived_at: datetime | None


class Conversion(Output):
    """What converting a lead made."""

    lead: Lead
    contact: Contact = Field(validation_alias="person")
    organization: Organization | None
    deal: Deal


Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    """One page of a list; pass next_cursor as `cursor` for the next page (null at the end)."""

    items: list[Item]
    next_cursor: str | None


class ErrorDetail(BaseModel):
    code: str = Field(description="A stable, machine-readable name, e.g. not_found or invalid.")
    message: str = Field(description="What went wrong, in words a person understands.")
    fields: dict[str, str] = Field(description="Per-field messages (body fields, query parameters or headers).")


class Error(BaseModel):
    """Every error answer has this shape."""

    error: ErrorDetail
