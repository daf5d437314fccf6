"""Inputs for leads and their conversion into a person, organisation and deal."""
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from app.models.leads import LEAD_STATUSES
from app.schemas.base import Email, InputSchema, Required
from app.schemas.blanks import Blank, OptionalId, optional_text
from app.schemas.contacts import Tags
from app.schemas.deals import Money

# "converted" is reached by converting, never chosen in a form.
EditableStatus = Literal[tuple(s for s in LEAD_STATUSES if s != "converted")]  # type: ignore[valid-type]


def _checkbox(value):
    """An HTML checkbox: present ("on", "true", "1") is yes, absent is no."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("on", "true", "1", "yes")


Checkbox = Annotated[bool, BeforeValidator(_checkbox)]


class LeadInput(InputSchema):
    """A lead's fields."""

    name: Annotated[Required, Field(max_length=200)]
    company: optional_text(200) = None
    email: Annotated[Email | None, Blank] = None
    phone: optional_text(50) = None
    source: optional_text(100) = None
    status: EditableStatus = "new"
    estimated_value: Money = None
    owner_id: OptionalId = None
    tags: Tags = []
    notes: optional_text(10000) = None
    custom: dict[str, Any] | None = None  # custom field values as submitted; the service validates them


class LeadConvert(InputSchema):
    """Choices when converting: the organisation (when the lead names a company) and the deal."""

    create_organization: Checkbox = False
    deal_name: Annotated[Required, Field(max_length=200)]
    deal_value: Money = None
    create_anyway: Checkbox = False  # a new person even when one with this email or phone exists
