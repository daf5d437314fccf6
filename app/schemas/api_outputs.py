"""What the JSON API answers: one output schema per resource, read from the models' attributes.

The same classes serialise responses and describe them in the OpenAPI document.
"""
import uuid
from datetime import datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.models.activities import ACTIVITY_KINDS
from app.models.custom_fields import FIELD_ENTITIES, FIELD_TYPES
from app.models.deals import DEAL_STATUSES, STAGE_KINDS
from app.models.leads import LEAD_STATUSES
from app.permissions import ROLES
from app.schemas.outputs import ActivityOut, ContactOut, DealOut, LeadOut, OrganizationOut


class Output(BaseModel):
    """Read from a model instance's attributes."""

    model_config = ConfigDict(from_attributes=True)


# The records are the shapes webhooks send too (app/schemas/outputs.py); the API names their choices.
class Contact(ContactOut):
    """A person. `email` and `phone` are the main ones; merged duplicates leave theirs in other_*."""


class Organization(OrganizationOut):
    """A company or other organisation."""


class Lead(LeadOut):
    """A possible customer not yet qualified; converting makes a contact, an organisation and a deal."""

    status: Literal[LEAD_STATUSES]  # type: ignore[valid-type]


class Deal(DealOut):
    """A possible sale, in one stage of a pipeline."""

    status: Literal[DEAL_STATUSES]  # type: ignore[valid-type]


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


class Activity(ActivityOut):
    """A call, email, meeting, note or task on a contact, organisation, lead or deal."""

    kind: Literal[ACTIVITY_KINDS]  # type: ignore[valid-type]


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
