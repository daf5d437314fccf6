"""The API's inputs: the forms' schemas in the API's shape, and the query parameters of its lists.

Bodies reuse the input schemas of app/schemas (the same checks as the forms); the API's
differences are made here once: custom field values come as `custom_fields`, and a PATCH
may leave out any field (services apply only the fields a body carried).
"""
import copy
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, create_model

from app.models.activities import ACTIVITY_KINDS
from app.models.custom_fields import FIELD_ENTITIES
from app.models.deals import DEAL_STATUSES
from app.models.leads import LEAD_STATUSES
from app.schemas.base import InputSchema
from app.services.contact_lists import MAX_PAGE_SIZE, PAGE_SIZE


def api_input(schema: type[BaseModel], name: str, *, partial: bool = False) -> type[BaseModel]:
    """`schema` as the API takes it: `custom` named custom_fields; with `partial`, every field optional."""
    fields: dict[str, Any] = {}
    for field_name, info in schema.model_fields.items():
        if partial and info.is_required():
            # Not validated when missing: the field stays out of model_fields_set and the service leaves it alone.
            optional = copy.copy(info)
            optional.default = None
            fields[field_name] = (info.annotation, optional)
    if "custom" in schema.model_fields:
        fields["custom"] = (dict[str, Any] | None, Field(
            None, validation_alias="custom_fields",
            description="Custom field values by key (see /custom-fields); fields left out keep their values."))
    return create_model(name, __base__=schema, **fields)


Limit = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")]
Cursor = Annotated[str | None, Field(max_length=500, description="The next_cursor of the previous page.")]
Query = Annotated[str | None, Field(max_length=200, description="Search words; each must occur somewhere.")]
Since = Annotated[datetime | None, Field(
    description="Only records changed at or after this time (ISO 8601; UTC if no zone).")]


class ListQuery(InputSchema):
    """What every list takes: a page size and the cursor of the next page."""

    limit: Limit = PAGE_SIZE
    cursor: Cursor = None


class RecordListQuery(ListQuery):
    """The filters every CRM record list offers."""

    q: Query = None
    owner_id: uuid.UUID | None = None
    tag: Annotated[str | None, Field(max_length=50)] = None
    updated_since: Since = None


class ContactQuery(RecordListQuery):
    organization_id: uuid.UUID | None = None
    sort: Literal["name", "-name", "email", "-email", "created_at", "-created_at", "updated_at", "-updated_at"] = Field(
        "name", description="A field to sort by; a leading minus sorts descending.")


class OrganizationQuery(RecordListQuery):
    sort: Literal["name", "-name", "created_at", "-created_at", "updated_at", "-updated_at"] = Field(
        "name", description="A field to sort by; a leading minus sorts descending.")


class LeadQuery(RecordListQuery):
    status: Literal[LEAD_STATUSES] | None = None  # type: ignore[valid-type]
    sort: Literal["-updated_at"] = Field("-updated_at", description="Most recently updated first.")


class DealQuery(RecordListQuery):
    stage_id: uuid.UUID | None = None
    status: Literal[DEAL_STATUSES] | None = None  # type: ignore[valid-type]
    sort: Literal["-updated_at", "name", "-value", "expected_close"] = Field(
        "-updated_at", description="Recently updated first, by name, largest value first, or closing soonest.")


class ActivityQuery(ListQuery):
    person_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    deal_id: uuid.UUID | None = None
    kind: Literal[ACTIVITY_KINDS] | None = None  # type: ignore[valid-type]
    assignee_id: uuid.UUID | None = None
    updated_since: Since = None


class CustomFieldQuery(InputSchema):
    entity: Literal[FIELD_ENTITIES] | None = None  # type: ignore[valid-type]
