"""Inputs for webhooks: where to send and which events."""
from typing import Annotated

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from app.models.webhooks import EVENTS
from app.schemas.base import InputSchema, Required


def _as_list(value):
    """One event (a form with one box ticked) or many."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _known_events(names: list[str]) -> list[str]:
    """At least one known event, each once, in the order the events are listed."""
    unknown = set(names) - set(EVENTS)
    if unknown:
        raise ValueError(_("Choose events from the list."))
    if not names:
        raise ValueError(_("Choose at least one event."))
    return [name for name in EVENTS if name in names]


class WebhookInput(InputSchema):
    url: Annotated[Required, Field(max_length=2000)]
    events: Annotated[list[str], BeforeValidator(_as_list), AfterValidator(_known_events)] = Field(
        default_factory=list, validate_default=True)
