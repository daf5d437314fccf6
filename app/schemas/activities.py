"""Inputs for activities: calls, emails, meetings, notes and tasks."""
from datetime import datetime
from typing import Annotated, Literal

from flask_babel import gettext as _
from pydantic import Field, ValidationInfo, field_validator

from app.models.activities import ACTIVITY_KINDS
from app.schemas.base import InputSchema, Required
from app.schemas.blanks import Blank, OptionalId, optional_text

Kind = Literal[ACTIVITY_KINDS]  # type: ignore[valid-type]
# A moment as typed in a form (2026-01-31T09:30, in the tenant's time zone) or an aware timestamp.
OptionalMoment = Annotated[datetime | None, Blank]


Text = optional_text(20000)
Outcome = optional_text(200)
Minutes = Annotated[Annotated[int, Field(ge=0, le=100000)] | None, Blank]


class ActivityCreate(InputSchema):
    kind: Kind
    subject: Annotated[Required, Field(max_length=300)]
    body: Text = None
    occurred_at: OptionalMoment = None  # default: now
    duration_minutes: Minutes = None
    outcome: Outcome = None
    due_at: Annotated[OptionalMoment, Field(validate_default=True)] = None  # tasks
    assignee_id: OptionalId = None  # tasks; default: the current user
    person_id: OptionalId = None
    organization_id: OptionalId = None
    lead_id: OptionalId = None
    deal_id: OptionalId = None

    @field_validator("due_at")
    @classmethod
    def _tasks_are_due(cls, value, info: ValidationInfo):
        if value is None and info.data.get("kind") == "task":
            raise ValueError(_("When is this due?"))
        return value


class ActivityUpdate(InputSchema):
    """An edit: the fields given replace the saved ones (links stay as they are)."""

    subject: Annotated[Required, Field(max_length=300)]
    body: Text = None
    occurred_at: OptionalMoment = None
    duration_minutes: Minutes = None
    outcome: Outcome = None
    due_at: OptionalMoment = None
    assignee_id: OptionalId = None
